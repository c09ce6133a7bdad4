"""The Quality trends view for workshop heads: are we getting better or worse, where, and why.

A filter bar (period, converter, shift, grade, grain, leading basis, Western Electric rules)
and six pages: the rate trend with its p-chart, comparisons, the defect Pareto, the
chemistry I-MR chart, the quarter's plan, the records. Everything is computed by
`qcdesk.trends` on the session's worker: `trends()` first, so the rate trend shows as soon
as it is ready, then `chemistry()` separately. Every request carries a generation; an answer
to a filter no longer shown is dropped. Periods longer than a quarter go on the "long" lane,
so a query over years never holds up saving a heat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qcdesk import spc, trends
from qcdesk.errors import QcError
from qcdesk.i18n import _, language
from qcdesk.model import ChartKey, ControlLimits, Converter, DefectIngot, Scope, Shift
from qcdesk.outputs import check_target
from qcdesk.store import Store
from ui import settings as keys
from ui.common import (
    ERROR_STYLE,
    Note,
    converter_label,
    formula,
    guarded,
    qdate,
    rate_text,
    refill_choices,
    to_date,
    translate_buttons,
)
from ui.period_bar import PeriodBar, date_edit
from ui.session import Session
from ui.trends_charts import ChartView
from ui.trends_pages import (
    ChemistryPage,
    ComparisonsPage,
    DefectsPage,
    Names,
    Page,
    PlanPage,
    RatePage,
    RecordsPage,
)

DEFECT_INGOTS_LIMIT = 5000
Choices = tuple[tuple[date, date] | None, list[Converter], list[Shift], list[str]]


@dataclass(frozen=True)
class DaysRequest:
    """The heats behind a point of a chart: production dates first..last under a scope."""

    first: date
    last: date
    converter: str | None
    shift: str | None
    grade: str | None


class FreezeDialog(QDialog):
    """Which baseline period the limits are computed from (both days included)."""

    def __init__(self, what: str, first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Freeze control limits"))
        said = QLabel(self.tr("Freeze the limits of {chart} at those computed from a baseline period. "
                              "They stay until unfrozen, whatever period is shown.").format(chart=what), self)
        said.setWordWrap(True)
        self.from_edit = date_edit(self, first)
        self.to_edit = date_edit(self, last)
        form = QFormLayout()
        form.addRow(self.tr("Baseline &from:"), self.from_edit)
        form.addRow(self.tr("Baseline &to:"), self.to_edit)
        self.note = Note(self, ERROR_STYLE)
        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok_cancel, self)
        translate_buttons(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def baseline(self) -> trends.Period:
        return trends.Period.custom(to_date(self.from_edit.date()), to_date(self.to_edit.date()))

    # QDialog.accept: only a baseline that ends after it starts
    def accept(self) -> None:
        try:
            self.baseline()
        except QcError as exc:
            self.note.setText(str(exc))
            return
        super().accept()


class TrendsView(QWidget):
    """Quality trends over a period and scope, in six pages; heavy work on the worker."""

    days_requested = Signal(object)  # a DaysRequest: show those heats in History
    heat_activated = Signal(str)
    trends_shown = Signal()  # a Trends result was drawn
    chemistry_shown = Signal()
    defect_ingots_shown = Signal(int)
    message = Signal(str)  # for the status bar

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result: trends.Trends | None = None
        self.names = Names()
        self.span: tuple[date, date] | None = None
        self._generation = 0
        self._chem_generation = 0
        self._ingots_generation = 0
        self._started = False
        self._stale = False
        self._basis_chosen = False
        self.dialog: FreezeDialog | None = None

        # ---- the filter bar
        self.period_bar = PeriodBar(trends.Span, "trends", self)
        self.grain_box = QComboBox(self)
        self.grain_box.addItem(self.tr("auto"), None)
        for grain in trends.Grain:
            self.grain_box.addItem(_(trends.GRAIN_NAMES[grain]), grain.value)
        self.basis_box = QComboBox(self)
        self.basis_box.addItem(self.tr("by weight"), "weight")
        self.basis_box.addItem(self.tr("by count"), "count")
        self._basis_from_preferences()
        self.rule_boxes: dict[spc.Rule, QCheckBox] = {}
        for rule in spc.Rule:
            box = QCheckBox(f"&{int(rule)}", self)
            box.setChecked(True)
            box.setToolTip(_(spc.RULE_WHOLE[rule]))
            self.rule_boxes[rule] = box
        self.converter_box = self._scope_box()
        self.shift_box = self._scope_box()
        self.grade_box = self._scope_box()
        self.export_button = QToolButton(self)
        self.export_button.setText(self.tr("E&xport"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self.export_button)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        self.export_button.setMenu(self.export_menu)
        self.status = QLabel(self)
        self.status.setObjectName("trends_status")
        self.status.setWordWrap(True)
        self.status.setToolTip(formula("ingot_qualified_rate"))
        self.error = Note(self, ERROR_STYLE)

        top = QHBoxLayout()
        top.addWidget(self.period_bar)
        top.addSpacing(12)
        self._labelled(top, self.tr("Grain"), self.grain_box)
        self._labelled(top, self.tr("&Basis"), self.basis_box)
        top.addWidget(QLabel(self.tr("Rules"), self))
        for box in self.rule_boxes.values():
            top.addWidget(box)
        top.addStretch(1)
        top.addWidget(self.export_button)
        second = QHBoxLayout()
        self._labelled(second, self.tr("&Converter"), self.converter_box)
        self._labelled(second, self.tr("Shift"), self.shift_box)
        self._labelled(second, self.tr("&Grade"), self.grade_box)
        second.addWidget(self.status, 1)

        # ---- the pages
        self.rate_page = RatePage(self)
        self.comparisons_page = ComparisonsPage(self)
        self.defects_page = DefectsPage(self)
        self.chemistry_page = ChemistryPage(self)
        self.plan_page = PlanPage(self)
        self.records_page = RecordsPage(self)
        for chart in self.findChildren(ChartView):  # their PNG and CSV never replace the database's files
            chart.database = session.path
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.rate_page, self.tr("R&ate trend"))
        self.tabs.addTab(self.comparisons_page, self.tr("Compariso&ns"))
        self.tabs.addTab(self.defects_page, self.tr("&Defects"))
        self.tabs.addTab(self.chemistry_page, self.tr("Che&mistry"))
        self.tabs.addTab(self.plan_page, self.tr("P&lan"))
        self.tabs.addTab(self.records_page, self.tr("Rec&ords"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)

        # ---- what follows what
        self._apply_timer = QTimer(self)  # a burst of changes (a date typed) is one request
        self._apply_timer.setSingleShot(True)
        self._apply_timer.timeout.connect(self.reload)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(120)
        self._redraw_timer.timeout.connect(self._redraw_current)
        self.period_bar.changed.connect(self._filters_changed)
        for combo in (self.grain_box, self.converter_box, self.shift_box, self.grade_box):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.basis_box.activated.connect(lambda _i: setattr(self, "_basis_chosen", True))
        self.basis_box.currentIndexChanged.connect(lambda _i: self._filters_changed())
        for rule_box in self.rule_boxes.values():
            rule_box.toggled.connect(lambda _on: self._filters_changed())
        self.rate_page.bucket_clicked.connect(self.drill)
        self.rate_page.freeze_requested.connect(self.freeze_p)
        self.rate_page.unfreeze_requested.connect(self.unfreeze_p)
        self.defects_page.defect_chosen.connect(self._load_defect_ingots)
        self.defects_page.heat_activated.connect(self.heat_activated)
        self.chemistry_page.wanted.connect(lambda _g, _e: self.load_chemistry())
        self.chemistry_page.freeze_requested.connect(self.freeze_imr)
        self.chemistry_page.unfreeze_requested.connect(self.unfreeze_imr)
        session.changed.connect(self._changed)
        self._filters_changed()

    # ------------------------------------------------------------ building

    def _labelled(self, row: QHBoxLayout, text: str, widget: QWidget) -> None:
        label = QLabel(text, self)
        label.setBuddy(widget)
        row.addWidget(label)
        row.addWidget(widget)
        row.addSpacing(6)

    def _scope_box(self) -> QComboBox:
        box = QComboBox(self)
        box.addItem(self.tr("All"), None)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return box

    def _basis_from_preferences(self) -> None:
        basis = keys.text_value(keys.settings(), keys.LEADING_BASIS, "weight")
        self.basis_box.setCurrentIndex(max(self.basis_box.findData(basis), 0))

    # ------------------------------------------------------------ the filters

    def period(self) -> trends.Period:
        """The period the filter bar says (a custom one ending before it starts is refused)."""
        return self.period_bar.period()

    def scope(self) -> Scope:
        return Scope(self.converter_box.currentData(), self.shift_box.currentData(),
                     self.grade_box.currentData())

    def grain(self) -> trends.Grain | None:
        value = self.grain_box.currentData()
        return trends.Grain(value) if value else None

    def basis(self) -> str:
        return str(self.basis_box.currentData())

    def rules(self) -> tuple[spc.Rule, ...]:
        return tuple(rule for rule, box in self.rule_boxes.items() if box.isChecked())

    def set_period(self, kind: trends.Span | str, day: date, day_to: date | None = None) -> None:
        """Show a period (as a person would pick it in the bar)."""
        self.period_bar.set_period(kind, day, day_to)

    def set_choice(self, box: QComboBox, value: str | None) -> None:
        """Pick a converter, shift or grade (None: all)."""
        box.setCurrentIndex(max(box.findData(value), 0))

    def _filters_changed(self, delay_ms: int = 0) -> None:
        """Ask again once the events of this change are handled (a date being typed: a little
        later), so that a burst of changes is one request."""
        try:
            self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        if self._started and not (self._apply_timer.isActive() and delay_ms < self._apply_timer.interval()):
            self._apply_timer.start(delay_ms)

    # ------------------------------------------------------------ loading

    def start(self) -> None:
        """Load the choices and the default period (the last 30 days to the last production date)."""
        self._started = True
        self.session.submit(self._choices_work, done=self._choices_arrived, failed=self.error.setText,
                            receiver=self)

    @staticmethod
    def _choices_work(store: Store) -> Choices:
        return store.date_span(), store.converters(), store.shifts(), store.grades()

    def _choices_arrived(self, found: Choices) -> None:
        span, converters, shifts, grades = found
        zh = language() == "zh"
        self.names = Names({c.code: converter_label(c.code, c.name) for c in converters},
                           {s.code: s.name_zh if zh else s.name_en for s in shifts})
        refill_choices(self.converter_box, [(self.names.converters[c.code], c.code) for c in converters])
        refill_choices(self.shift_box, [(self.names.shifts[s.code], s.code) for s in shifts])
        refill_choices(self.grade_box, [(g, g) for g in grades])
        self.chemistry_page.set_grades(grades, self.chemistry_page.grade() or self.grade_box.currentData())
        first_time = self.span is None
        self.span = span
        if span is not None and first_time:
            bar = self.period_bar
            bar.set_period(bar.span_kind(), span[1])
            bar.from_edit.setDate(qdate(span[1] - timedelta(days=29)))
            bar.to_edit.setDate(qdate(span[1]))
        self.reload()

    def reload(self) -> None:
        """Ask for the trends of what the filter bar says, then the chemistry."""
        self._apply_timer.stop()
        if not self._started:
            self.start()
            return
        try:
            period = self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        self._generation += 1
        generation, scope, grain, basis, rules = self._generation, self.scope(), self.grain(), self.basis(), \
            self.rules()
        self.status.setText(self.tr("Computing the trends of {period}…").format(period=period.label))

        def work(store: Store) -> trends.Trends:
            return trends.trends(store, period, scope, grain=grain, basis=basis, rules=rules)

        self.session.submit(work, done=lambda t: self._arrived(generation, t),
                            failed=lambda m: self._failed(generation, m), receiver=self,
                            lane=self._lane(period))
        self.load_chemistry()

    @staticmethod
    def _lane(period: trends.Period) -> str:
        return "db" if period.days <= 92 else "long"

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.status.setText("")
            self.error.setText(message)

    def _arrived(self, generation: int, t: trends.Trends) -> None:
        if generation != self._generation:
            return  # the answer to filters no longer shown
        self.result = t
        self.error.clear()
        basis = self.tr("by weight") if t.basis == "weight" else self.tr("by count")
        rate = t.total.rates.ingot_qualified_rate if t.basis == "weight" \
            else t.total.rates.ingot_qualified_rate_by_count
        self.status.setText(self.tr(
            "{period}, {grain}: {heats} heats, {output} t, {judged} judged ingots, "
            "ingot qualified rate {rate} ({basis})").format(
            period=t.period.label, grain=_(trends.GRAIN_NAMES[t.grain]), heats=f"{t.total.sums.heats:,}",
            output=f"{t.total.sums.output_t:,.1f}", judged=f"{t.total.sums.ingots_judged:,}",
            rate=rate_text(rate), basis=basis))
        self.rate_page.show_result(t, self.rules())
        self.comparisons_page.show_result(t, self.names)
        self.defects_page.show_result(t)
        self.plan_page.show_result(t.plan, t.scope, self.names)
        self.records_page.show_result(t, self.names)
        if self.defects_page.chosen is not None:
            self._load_defect_ingots(self.defects_page.chosen)
        self.trends_shown.emit()

    def load_chemistry(self) -> None:
        """Ask for the chemistry of the grade and element picked (or the period's main grade)."""
        try:
            period = self.period()
        except QcError:
            return
        self._chem_generation += 1
        generation, scope, grain, rules = self._chem_generation, self.scope(), self.grain(), self.rules()
        # the scope's grade, else the one picked on the page, else (work) the period's main grade:
        # the page's box always shows one, so what it shows is not a choice until a person makes it
        grade = self.grade_box.currentData() or (self.chemistry_page.grade() if self.chemistry_page.picked
                                                 else None)
        if self.grade_box.currentData() is not None and self.chemistry_page.grade() != grade:
            self.chemistry_page.set_grades([self.chemistry_page.grade_box.itemData(i)
                                            for i in range(self.chemistry_page.grade_box.count())], grade)
        element = self.chemistry_page.element()

        def work(store: Store) -> tuple[str | None, list[str], trends.Chemistry | None]:
            picked = grade
            if picked is None:
                made = store.rate_sums(period.date_from, period.date_to, ("grade",), scope)
                picked = max(made, key=lambda row: row[1].heats)[0]["grade"] if made else None
            if picked is None:
                return None, [], None
            elements = trends.chemistry_elements(store, picked, period.date_to)
            chosen = element if element in elements else (elements[0] if elements else None)
            if chosen is None:
                return picked, elements, None
            within = Scope(scope.converter, scope.shift, None)
            return picked, elements, trends.chemistry(store, period, within, picked, chosen, grain=grain,
                                                      rules=rules)

        self.session.submit(work, done=lambda r: self._chemistry_arrived(generation, *r),
                            failed=lambda m: self._chemistry_failed(generation, m), receiver=self,
                            lane=self._lane(period))

    def _chemistry_failed(self, generation: int, message: str) -> None:
        if generation == self._chem_generation:
            self.chemistry_page.show_nothing(message)

    def _chemistry_arrived(self, generation: int, grade: str | None, elements: list[str],
                           c: trends.Chemistry | None) -> None:
        if generation != self._chem_generation:
            return
        page = self.chemistry_page
        if grade is not None and page.grade() != grade:
            page.set_grades([page.grade_box.itemData(i) for i in range(page.grade_box.count())], grade)
        page.set_elements(elements, c.element if c is not None else None)
        if c is None:
            page.show_nothing(self.tr("Nothing to chart: no grade made in this period.") if grade is None
                              else self.tr("{grade} limits no element in the edition in force.").format(
                                  grade=grade))
        else:
            page.show_result(c)
        self.chemistry_shown.emit()

    def _load_defect_ingots(self, code: str) -> None:
        if self.result is None:
            return
        self._ingots_generation += 1
        generation, period, scope = self._ingots_generation, self.result.period, self.result.scope

        def work(store: Store) -> list[DefectIngot]:
            return store.defect_ingots(period.date_from, period.date_to, code, scope,
                                       limit=DEFECT_INGOTS_LIMIT)

        self.session.submit(work, done=lambda found: self._ingots_arrived(generation, code, found),
                            failed=self.error.setText, receiver=self, lane=self._lane(period))

    def _ingots_arrived(self, generation: int, code: str, found: list[DefectIngot]) -> None:
        if generation != self._ingots_generation:
            return
        self.defects_page.show_ingots(code, found, DEFECT_INGOTS_LIMIT)
        self.defect_ingots_shown.emit(len(found))

    # ------------------------------------------------------------ drill-down

    def drill(self, index: int) -> None:
        """Open the heats of a bucket of the rate trend in History."""
        if self.result is None or not 0 <= index < len(self.result.buckets):
            return
        bucket, scope = self.result.buckets[index], self.result.scope
        self.days_requested.emit(DaysRequest(bucket.first, bucket.last, scope.converter, scope.shift,
                                             scope.grade))

    # ------------------------------------------------------------ frozen limits

    def _freeze(self, what: str, work: Callable[[Store, trends.Period], ControlLimits]) -> None:
        try:
            period = self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        dialog = FreezeDialog(what, period.date_from, period.date_to, self)
        self.dialog = dialog

        def accepted() -> None:
            self.dialog = None
            baseline = dialog.baseline()
            self.session.submit(guarded(lambda store: work(store, baseline)), done=self._frozen,
                                failed=self.error.setText, receiver=self, changes="limits")

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: setattr(self, "dialog", None))
        dialog.open()

    def _frozen(self, result: object) -> None:
        if isinstance(result, QcError):
            self.error.setText(str(result))
        elif isinstance(result, ControlLimits):
            self.error.clear()
            self.message.emit(self.tr("Limits frozen from {frm} – {to}.").format(
                frm=result.date_from.isoformat(), to=result.date_to.isoformat()))

    def _unfreeze(self, key: ChartKey) -> None:
        self.session.submit(guarded(lambda store: store.unfreeze_limits(key)), done=self._unfrozen,
                            failed=self.error.setText, receiver=self, changes="limits")

    def _unfrozen(self, result: object) -> None:
        if isinstance(result, QcError):
            self.error.setText(str(result))
        else:
            self.error.clear()
            self.message.emit(self.tr("Limits are recomputed from the period shown again."))

    def freeze_p(self) -> None:
        scope = self.scope()
        self._freeze(self.tr("the p-chart"),
                     lambda store, baseline: trends.freeze_p_limits(store, scope, baseline))

    def unfreeze_p(self) -> None:
        self._unfreeze(ChartKey.p(self.scope()))

    def _chemistry_key(self) -> tuple[Scope, str, str] | None:
        c = self.chemistry_page.result
        if c is None:
            return None
        return Scope(c.scope.converter, c.scope.shift, None), c.grade, c.element

    def freeze_imr(self) -> None:
        found = self._chemistry_key()
        if found is None:
            return
        scope, grade, element = found
        self._freeze(self.tr("the I-MR chart of {element} in {grade}").format(element=element, grade=grade),
                     lambda store, baseline: trends.freeze_imr_limits(store, scope, grade, element, baseline))

    def unfreeze_imr(self) -> None:
        found = self._chemistry_key()
        if found is not None:
            self._unfreeze(ChartKey.imr(*found))

    # ------------------------------------------------------------ export

    def current_page(self) -> Page:
        page = self.tabs.currentWidget()
        assert isinstance(page, Page)
        return page

    def _fill_export_menu(self) -> None:
        menu = self.export_menu
        menu.clear()
        page = self.current_page()
        for title, view in page.charts():
            menu.addAction(self.tr("Save “{chart}” as PNG…").format(chart=title), view.save_png_as)
        for title, table in page.tables():
            action = menu.addAction(self.tr("Save “{table}” data as CSV…").format(table=title),
                                    self._table_saver(table, title))
            action.setEnabled(table() is not None)
        menu.addSeparator()
        menu.addAction(self.tr("Period &quality report (PDF)…"), self.period_report)

    def _table_saver(self, table: Callable[[], trends.Table | None], title: str) -> Callable[[], None]:
        return lambda: self._save_table_as(table, title)

    def _save_table_as(self, table: Callable[[], trends.Table | None], title: str) -> None:
        found = table()
        if found is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save data as CSV"), f"{title}.csv",
                                                    self.tr("CSV files (*.csv)"))
        if path:
            try:
                check_target(path, self.session.path, force=True)  # the dialog asked before replacing
                trends.write_csv(Path(path), found)
            except QcError as exc:
                self.error.setText(str(exc))
            except OSError as exc:
                self.error.setText(f"{path}: {exc.strerror or exc}")

    def period_report(self) -> None:
        """Ask where, then make the period quality report PDF of the period shown (on the long lane)."""
        try:
            period = self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        name = f"qcdesk-period-{period.date_from.isoformat()}-{period.date_to.isoformat()}.pdf"
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the period report"), name,
                                                    self.tr("PDF files (*.pdf)"))
        if path:
            self.make_period_report(Path(path))

    def make_period_report(self, path: Path) -> None:
        try:
            check_target(path, self.session.path, force=True)  # the dialog asked before replacing
        except QcError as exc:
            self.error.setText(str(exc))
            return
        period, basis, scope = self.period(), self.basis(), self.scope()
        self.message.emit(self.tr("Making the period report of {period}…").format(period=period.label))

        def work(store: Store) -> object:  # in the language in force: the core's, set with the UI's
            # reportlab is imported here, on the worker, the first time a report is made
            from reports.period import build_period_report  # noqa: PLC0415
            return build_period_report(store, period.date_from, period.date_to, path, basis=basis,
                                       scope=scope)

        saved = self.tr("Saved: {path}").format(path=path)
        self.session.submit(work, done=lambda _r: self.message.emit(saved),
                            failed=self.error.setText, receiver=self, lane="long")

    # ------------------------------------------------------------ refreshing

    def _changed(self, what: str) -> None:
        if what == "preferences" and not self._basis_chosen:
            self._basis_from_preferences()
        if not self._started:
            return
        if self.isVisible():
            if what in ("setup", "import"):
                self.start()
            else:
                self.reload()
        else:
            self._stale = True

    # QWidget.showEvent: the first showing loads; catch up with changes made while hidden
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self.start()
        elif self._stale:
            self._stale = False
            self.start()
        self._redraw_timer.start()

    # QWidget.resizeEvent: the date axes show as many labels as fit the new width
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._redraw_timer.start()

    def _redraw_current(self) -> None:
        self.current_page().update_charts()
