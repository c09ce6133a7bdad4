"""One heat: its record, its analysis judged as it is typed, its ingots judged by single keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qcdesk import plausibility, standards, taptime, undo
from qcdesk.errors import InputError, QcError, ReasonRequired
from qcdesk.i18n import _
from qcdesk.model import (
    ELEMENTS,
    STATUS_NAMES,
    ChemStatus,
    Defect,
    Disposition,
    Heat,
    Ingot,
    Sample,
    SampleKind,
    Shift,
    Standard,
)
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    format_chemistry,
    format_fixed,
    format_number,
    parse_in_range,
    parse_optional,
)
from qcdesk.product import ProductCheck
from qcdesk.rates import RateRow
from qcdesk.standards import HeatCheck
from qcdesk.store import NewIngot, NewSample, Store
from qcdesk.store.changes import Changes
from ui.audit_dialog import AuditDialog, field_name, value_words
from ui.common import (
    BAD_BACKGROUND,
    DOUBT_BACKGROUND,
    ERROR_STYLE,
    GOOD_BACKGROUND,
    Corrector,
    Note,
    ReasonDialog,
    formula,
    guarded,
    rate_text,
)
from ui.heat_entry import QUESTION_STYLE, TapTimeEdit
from ui.heat_samples import SampleDialog, SamplesBox
from ui.ingot_grid import (
    COL_REGRADE,
    COL_WEIGHT,
    DefectDialog,
    IngotModel,
    IngotTable,
    RegradeDelegate,
    WeightDelegate,
    disposition_name,
)
from ui.live import ELSEWHERE
from ui.read_only import writes
from ui.records import VoidDialog
from ui.session import Session
from ui.shift_view import shift_name

T = TypeVar("T")
DOUBT_STYLE = "color: #8a4b00; font-weight: bold;"
SAVED_STYLE = "color: #1b5e20; font-weight: bold;"
ELSEWHERE_STYLE = ("#elsewhere_bar { background: #fff3cd; border: 1px solid #c9a227; } "
                   "QLabel { color: #5c4400; }")

@dataclass(frozen=True)
class HeatData:
    """What the heat view shows, read in one go on the worker."""

    heat: Heat
    check: HeatCheck
    ingots: list[Ingot]
    rates: RateRow
    editions: list[Standard]  # every grade's edition in force on the tap date
    grades: list[str]
    defects: list[Defect]
    shifts: list[Shift]
    doubts: list[plausibility.Doubt]  # DOMAIN.md's plausibility: warned, never refused
    samples: tuple[Sample, ...] = ()  # the lab's samples, in the order taken
    product: ProductCheck | None = None  # the product samples judged by the core
    regrade: tuple[str, ...] = ()  # the grades a re-graded ingot of the heat may be released as


def load_heat(store: Store, heat_no: str) -> HeatData:
    heat = store.heat(heat_no)
    ingots = store.ingots(heat.heat_no)
    return HeatData(heat, store.check_heat(heat.heat_no), ingots,
                    store.heat_rates(heat.heat_no), store.editions_in_force(heat.tapped_at.date()),
                    store.grades(), store.defects(), store.shifts(),
                    plausibility.check(heat.tap_weight_t, heat.tap_temp_c,
                                       [(i.weight_kg, i.disposition) for i in ingots]),
                    tuple(store.samples(heat.heat_no)), store.product_check(heat.heat_no),
                    tuple(store.regrade_grades(heat.heat_no)))


def noting(heat_no: str, work: Callable[[Store, str | None], T]) -> Callable[[Store, str | None], T]:
    """`work`, then the heat's plausibility doubts noted in its history, in one transaction."""
    def run(store: Store, reason: str | None) -> T:
        with store.transaction():
            result = work(store, reason)
            store.note_plausibility(heat_no)
        return result
    return run


def _limit(value: float | None, element: str) -> str:
    return "—" if value is None else format_chemistry(element, value)  # no bound: a dash, as the sheet


class AnalysisPanel(QWidget):
    """A row per element: value typed, limits beside, green or red as the core judges it."""

    save_requested = Signal()
    judged = Signal(object)  # the HeatCheck of what is typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edition: Standard | None = None
        self.editions: list[Standard] = []
        self.grade = ""
        self.saved_values: dict[str, float] = {}
        self.edits: dict[str, QLineEdit] = {}
        self.marks: dict[str, QLabel] = {}
        self.last_check: HeatCheck | None = None
        self._rows_key: tuple[tuple[str, ...], int | None] | None = None  # the elements and edition shown

        self.edition_label = QLabel(self)
        self.edition_label.setWordWrap(True)
        self.grid = QGridLayout()
        self.other = QLineEdit(self)
        hint = self.tr("another element, e.g. Cr; Enter adds it")
        self.other.setPlaceholderText(hint)
        # as wide as its hint in the language and text size in force (large text: wider), no wider
        self.other.setMaximumWidth(self.other.fontMetrics().horizontalAdvance(hint) + 24)
        self.other.returnPressed.connect(self._add_other)
        self.status = QLabel(self)
        font = QFont(self.status.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.status.setFont(font)
        self.status.setWordWrap(True)
        self.detail = Note(self)
        self.satisfied = Note(self)
        self.error = Note(self, ERROR_STYLE)
        self.saved_note = Note(self, SAVED_STYLE)
        self.saved_note.setObjectName("analysis_saved")
        self.save_button = QPushButton(self.tr("Save &analysis"), self)
        self.save_button.clicked.connect(self.save_requested)
        writes(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.edition_label)
        layout.addLayout(self.grid)
        layout.addWidget(self.other)
        layout.addWidget(self.status)
        layout.addWidget(self.detail)
        layout.addWidget(self.satisfied)
        layout.addWidget(self.error)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.saved_note)
        layout.addStretch(1)

    def typed(self) -> dict[str, str]:
        return {el: e.text() for el, e in self.edits.items() if e.text().strip()}

    def dirty(self) -> bool:
        values, bad = self.parsed()
        return bool(bad) or values != self.saved_values

    def set_heat(self, data: HeatData, keep_typed: bool) -> None:
        typed = self.typed() if keep_typed else {}
        self.edition = data.check.standard
        self.editions = data.editions
        self.grade = data.heat.grade
        self.saved_values = dict(data.heat.analysis)
        if self.edition is None:
            self.edition_label.setText(self.tr("Grade {grade}: no edition of its standard was in force on "
                                               "the tap date, so the heat cannot be checked.").format(
                grade=data.heat.grade))
        else:
            self.edition_label.setText(self.tr("Grade {grade}, {standard} (in force from {date})").format(
                grade=data.heat.grade, standard=self.edition.title,
                date=self.edition.effective_from.isoformat()))
        elements = [v.element for v in data.check.elements]
        elements += [el for el in typed if el not in elements]
        key = (tuple(elements), self.edition.id if self.edition else None)
        if key != self._rows_key:  # the same rows stay, and the cursor in them
            self._rows_key = key
            self._build_rows(elements)
        for el, edit in self.edits.items():
            value = data.heat.analysis.get(el)
            edit.setText(typed.get(el, "" if value is None else format_chemistry(el, value)))
        self.judge()

    def _build_rows(self, elements: list[str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.edits.clear()
        self.marks.clear()
        for col, head in enumerate((self.tr("Element"), self.tr("Value, %"), self.tr("Min"), self.tr("Max"),
                                    "")):
            label = QLabel(f"<b>{head}</b>" if head else "", self)
            self.grid.addWidget(label, 0, col)
        for el in elements:
            self._add_row(el)
        self.grid.setColumnStretch(5, 1)  # the columns stay together on a wide screen

    def _add_row(self, element: str) -> QLineEdit:
        row = len(self.edits) + 1
        limits = {lim.element: lim for lim in self.edition.limits} if self.edition else {}
        limit = limits.get(element)
        name = QLabel(element, self)
        edit = QLineEdit(self)
        edit.setObjectName(f"analysis_{element}")
        edit.setMaximumWidth(110)
        edit.textEdited.connect(lambda _t: self.judge())
        edit.returnPressed.connect(self.save_requested)
        name.setBuddy(edit)
        low = QLabel(_limit(limit.min_pct, element) if limit else "", self)
        high = QLabel(_limit(limit.max_pct, element) if limit else "", self)
        if limit is None:
            low.setText(self.tr("(no limit)"))
        mark = QLabel(self)
        for col, widget in enumerate((name, edit, low, high, mark)):
            self.grid.addWidget(widget, row, col)
        previous = list(self.edits.values())
        if previous:
            QWidget.setTabOrder(previous[-1], edit)
        self.edits[element] = edit
        self.marks[element] = mark
        return edit

    def _add_other(self) -> None:
        element = self.other.text().strip()
        element = element[:1].upper() + element[1:].lower()
        if element not in ELEMENTS:
            self.error.setText(self.tr("{element!r} is not a chemical element").format(element=element))
            return
        self.error.clear()
        self.other.clear()
        edit = self.edits.get(element) or self._add_row(element)
        if self._rows_key is not None:
            self._rows_key = ((*self._rows_key[0], element), self._rows_key[1])
        edit.setFocus()

    def parsed(self) -> tuple[dict[str, float], dict[str, str]]:
        """The typed values read with the number grammar, and the refused ones with why."""
        values: dict[str, float] = {}
        bad: dict[str, str] = {}
        for el, edit in self.edits.items():
            try:
                value = parse_optional(edit.text(), el, CHEMISTRY_PCT)
            except InputError as exc:
                bad[el] = exc.problem
                continue
            if value is not None:
                values[el] = value
        return values, bad

    def judge(self) -> HeatCheck:
        """The core's verdict on what is typed, shown at once."""
        values, bad = self.parsed()
        check = standards.check(self.edition, values)
        verdicts = {v.element: v for v in check.elements}
        for el, edit in self.edits.items():
            verdict = verdicts.get(el)
            mark = self.marks[el]
            if el in bad:
                colour, text, tip = DOUBT_BACKGROUND, self.tr("not a number"), bad[el]
            elif verdict is None or verdict.ok is None:
                colour, text, tip = "", "", ""
            elif verdict.ok:
                colour, text, tip = GOOD_BACKGROUND, self.tr("inside"), ""
            else:
                colour, text, tip = BAD_BACKGROUND, self.tr("outside"), ""
            edit.setStyleSheet(f"QLineEdit {{ background: {colour}; }}" if colour else "")
            edit.setToolTip(tip)
            mark.setText(text)
            mark.setToolTip(tip)
        status_text = _(STATUS_NAMES[check.status])
        if bad:
            self.status.setText(self.tr("Chemistry: {status} (a value is not a number)").format(
                status=status_text))
        else:
            self.status.setText(self.tr("Chemistry: {status}").format(status=status_text))
        colour = {ChemStatus.CONFORMS: "#2e7d32", ChemStatus.FAILS: "#b00020"}.get(check.status, "#8a6d00")
        self.status.setStyleSheet(f"color: {colour};")
        if check.status is ChemStatus.FAILS:
            self.detail.setText(self.tr("Outside the limits: {elements}").format(
                elements=", ".join(v.element for v in check.failing)))
            others = [g for g in standards.satisfied_grades(values, self.editions) if g != self.grade]
            self.satisfied.setText(
                self.tr("Its chemistry satisfies: {grades}").format(grades=", ".join(others))
                if others else self.tr("Its chemistry satisfies no other grade."))
        elif check.status is ChemStatus.NOT_CHECKED and check.missing:
            self.detail.setText(self.tr("Still to enter: {elements}").format(
                elements=", ".join(check.missing)))
            self.satisfied.clear()
        else:
            self.detail.clear()
            self.satisfied.clear()
        self.last_check = check
        if bad or values != self.saved_values:
            self.saved_note.clear()  # typed since: not the saved analysis any more
        self.judged.emit(check)
        return check

    def first_to_type(self) -> QLineEdit | None:
        """The first element still without a value (else the first element)."""
        edits = list(self.edits.values())
        return next((e for e in edits if not e.text().strip()), edits[0] if edits else None)

    def revert(self) -> None:
        """Back to the saved values (Esc)."""
        for el, edit in self.edits.items():
            value = self.saved_values.get(el)
            edit.setText("" if value is None else format_chemistry(el, value))
        self.error.clear()
        self.judge()

    def changes(self) -> dict[str, float | None] | None:
        """What to save (None removes a value); None when a typed value is not a number."""
        values, bad = self.parsed()
        if bad:
            self.error.setText("; ".join(f"{el}: {why}" for el, why in bad.items()))
            return None
        self.error.clear()
        out: dict[str, float | None] = dict(values)
        out.update({el: None for el in self.saved_values if el not in values})
        return out


class CorrectionDialog(ReasonDialog):
    """Why is this corrected? Says what changes (accepted → conditioned, with the ingot named) and
    offers the reasons given before: Up and Down pick one into the line, Enter keeps it."""

    def __init__(self, what: str, message: str, reasons: list[str], parent: QWidget | None = None) -> None:
        super().__init__(message, parent)
        self.change = QLabel(what, self)
        self.change.setObjectName("change")
        self.change.setWordWrap(True)
        font = self.change.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.change.setFont(font)
        self.choices = QListWidget(self)
        self.choices.setObjectName("earlier_reasons")
        self.choices.addItems(reasons)
        self.choices.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # picked from the line with Up and Down
        self.choices.setMaximumHeight(self.choices.sizeHintForRow(0) * min(len(reasons), 6) + 8
                                      if reasons else 0)
        self.choices.itemClicked.connect(lambda item: self.edit.setText(item.text()))
        self.choices.itemDoubleClicked.connect(self._pick)
        earlier = QLabel(self.tr("Reasons given before (Up, Down):"), self)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.change)
        at = layout.indexOf(self.buttons)
        layout.insertWidget(at, earlier)
        layout.insertWidget(at + 1, self.choices)
        earlier.setVisible(bool(reasons))
        self.choices.setVisible(bool(reasons))
        self.edit.installEventFilter(self)
        self.edit.setFocus()
        self.setMinimumWidth(480)

    def _pick(self, item: QListWidgetItem) -> None:
        self.edit.setText(item.text())
        self.accept()

    # QObject.eventFilter: Up and Down in the reason's line walk the earlier reasons
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.choices.count()):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.choices.count() - 1, self.choices.currentRow() + step))
            self.choices.setCurrentRow(row)
            self.edit.setText(self.choices.item(row).text())
            return True
        return super().eventFilter(watched, event)


class HeatCorrector(Corrector):
    """A Corrector whose reason dialog says what changes and offers the reasons given before."""

    dialog: CorrectionDialog | None

    def run(self, work: Callable[[Store, str | None], Any], *, done: Callable[[Any], None],
            failed: Callable[[str], None], changes: str, reason: str | None = None, what: str = "",
            place: Callable[[QWidget], None] | None = None) -> None:
        """`what`: the change in words; `place`: puts the reason's dialog (beside the ingot's row)."""
        def answered(result: Any) -> None:
            if isinstance(result, ReasonRequired) and reason is None:
                def ask(reasons: list[str]) -> None:
                    self._ask_what(str(result), what, reasons, work, done, failed, changes, place)

                self.session.submit(lambda store: store.earlier_reasons(), done=ask, failed=failed,
                                    receiver=self.widget)
            elif isinstance(result, QcError):
                failed(str(result))
            else:
                done(result)

        self.session.submit(guarded(lambda store: work(store, reason)), done=answered, failed=failed,
                            receiver=self.widget, changes=changes)

    def _ask_what(self, message: str, what: str, reasons: list[str],  # noqa: PLR0917
                  work: Callable[[Store, str | None], Any], done: Callable[[Any], None],
                  failed: Callable[[str], None], changes: str,
                  place: Callable[[QWidget], None] | None) -> None:
        dialog = CorrectionDialog(what or message, message if what else "", reasons, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if place is not None:
            dialog.adjustSize()
            place(dialog)
        self.dialog = dialog

        def accepted() -> None:
            self.dialog = None
            self.run(work, done=done, failed=failed, changes=changes, reason=dialog.reason(), what=what,
                     place=place)

        def rejected() -> None:
            self.dialog = None
            failed(self.tr("Not saved: a correction needs a reason."))

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.open()


class HeatView(QWidget):
    """A heat's record, analysis and ingots; every write through the store, with a reason where needed."""

    loaded = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.corrector = HeatCorrector(session, self)
        self.heat_no: str | None = None
        self.data: HeatData | None = None
        self.audit_dialog: AuditDialog | None = None
        self.defect_dialog: DefectDialog | None = None
        self._reset_analysis = False
        self._reset_header = False
        self._loading = False
        self._reload_wanted = False
        self._weight_typed = False
        self._focus_analysis = False  # a new heat: the cursor to its analysis once it is shown

        # ---- the record
        nothing_open = self.tr("No heat open: pick one in the shift view or press Ctrl+N")
        if not session.writable:  # a read-only desk adds no heat
            nothing_open = self.tr("No heat open: pick one in the shift view")
        self.title = QLabel(nothing_open, self)
        big = QFont(self.title.font())
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setBold(True)
        self.title.setFont(big)
        self.info = QLabel(self)
        self.history_button = QPushButton(self.tr("&History"), self)
        self.history_button.setToolTip(self.tr("Who changed what in this heat, when and why (Ctrl+H)"))
        self.history_button.clicked.connect(self.show_history)
        self.tapped_at = TapTimeEdit(self)
        self._confirmed_tap: datetime | None = None  # a doubtful tap time the inspector confirmed
        self.grade = QLineEdit(self)
        self.weight = QLineEdit(self)
        self.temperature = QLineEdit(self)
        self.notes = QLineEdit(self)
        self.save_header_button = QPushButton(self.tr("Save re&cord"), self)
        self.save_header_button.clicked.connect(self.save_header)
        writes(self.save_header_button)
        for edit in (self.tapped_at, self.grade, self.weight, self.temperature, self.notes):
            edit.returnPressed.connect(self.save_header)
        self.header_error = Note(self, ERROR_STYLE)
        self.tap_question = Note(self, QUESTION_STYLE)
        self.doubts = Note(self, DOUBT_STYLE)
        self.doubts.setObjectName("doubts")
        self.undo_note = Note(self)  # what Ctrl+Z took back, or why nothing
        self.undo_note.setObjectName("undo_note")
        self._goto_ingot: int | None = None  # the ingot the cursor goes to once the ingots are shown
        # issue 14 (live): the heat was saved at another desk while something typed here is not
        self.elsewhere_bar = QFrame(self)
        self.elsewhere_bar.setObjectName("elsewhere_bar")
        self.elsewhere_bar.setStyleSheet(ELSEWHERE_STYLE)
        self.elsewhere_note = QLabel(self.tr(
            "This heat was changed at another desk. What you typed here is not saved yet: save it, "
            "or reload to see the heat as it is saved now."), self.elsewhere_bar)
        self.elsewhere_note.setWordWrap(True)
        self.elsewhere_reload = QPushButton(self.tr("Reload"), self.elsewhere_bar)
        self.elsewhere_reload.setToolTip(self.tr("Show the heat as it is saved now; what you typed "
                                                 "and did not save is dropped"))
        self.elsewhere_reload.clicked.connect(self.reload_saved)
        bar_layout = QHBoxLayout(self.elsewhere_bar)
        bar_layout.setContentsMargins(8, 4, 8, 4)
        bar_layout.addWidget(self.elsewhere_note, 1)
        bar_layout.addWidget(self.elsewhere_reload)
        self.elsewhere_bar.hide()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.info, 1)
        top.addWidget(self.history_button)
        record = QHBoxLayout()
        for text, widget, stretch in ((self.tr("Tap time"), self.tapped_at, 0),
                                      (self.tr("Grade"), self.grade, 0),
                                      (self.tr("Tapped t"), self.weight, 0),
                                      (self.tr("Temp. °C"), self.temperature, 0),
                                      (self.tr("Notes"), self.notes, 1)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            record.addWidget(label)
            record.addWidget(widget, stretch)
        self.grade.setMaximumWidth(110)
        self.weight.setMaximumWidth(80)
        self.temperature.setMaximumWidth(80)
        record.addWidget(self.save_header_button)

        # ---- the analysis
        self.analysis = AnalysisPanel(self)
        self.analysis.save_requested.connect(self.save_analysis)
        self.analysis.judged.connect(lambda _c: self._show_ingot_hint())
        analysis_box = QGroupBox(self.tr("Heat analysis of record"), self)
        scroll = QScrollArea(analysis_box)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.analysis)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # the heat sample whose values these are: the ladle's, at tapping (DOMAIN.md, samples)
        self.heat_sample_note = QLabel(self)
        self.heat_sample_note.setObjectName("heat_sample_note")
        self.heat_sample_note.setWordWrap(True)
        self.heat_sample_note.setStyleSheet("color: #555555;")
        analysis_layout = QVBoxLayout(analysis_box)
        analysis_layout.addWidget(self.heat_sample_note)
        analysis_layout.addWidget(scroll, 1)

        # ---- the ingots
        self.add_count = QSpinBox(self)
        self.add_count.setRange(1, 99)
        self.add_count.setValue(6)
        self.add_weight = QLineEdit(self)
        self.add_weight.setMaximumWidth(90)
        self.add_button = QPushButton(self.tr("Add &ingots"), self)
        self.add_button.clicked.connect(self.add_ingots)
        self.add_weight.returnPressed.connect(self.add_ingots)
        self.add_count.lineEdit().returnPressed.connect(self.add_ingots)  # a spin box's Enter
        self.add_count.editingFinished.connect(self._suggest_weight)
        self.add_weight.textEdited.connect(lambda _t: setattr(self, "_weight_typed", True))
        self.defects_button = QPushButton(self.tr("&Defects…"), self)
        self.defects_button.clicked.connect(self.edit_defects)
        self.product_button = QPushButton(self.tr("Product sa&mple…"), self)
        self.product_button.setToolTip(self.tr("Enter the lab's product analysis of the ingot under the "
                                               "cursor (L in the grid)"))
        self.product_button.clicked.connect(self.enter_product_sample)
        self.sample_dialog: SampleDialog | None = None
        self.model = IngotModel(self)
        self.table = IngotTable(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(COL_WEIGHT, WeightDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_REGRADE, RegradeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        writes(self.add_button, self.defects_button, self.product_button, self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.disposition_keyed.connect(self.judge_selected)
        self.table.defects_requested.connect(self.edit_defects)
        self.table.grade_requested.connect(self.choose_regrade)
        self.table.product_requested.connect(self.enter_product_sample)
        self.model.regrade_chosen.connect(self._save_regrade)
        self.model.weight_entered.connect(self._save_weight)
        self.model.refused.connect(self._ingot_refused)
        self.ingot_hint = Note(self)
        self.keys_hint = QLabel(self.tr(
            "Keys: A accepted · C conditioned · R regraded · S scrap · P pending · "
            "D defects · G grade released as · L product sample · digits type the weight · "
            "Ctrl+Z takes back your last change"), self)
        self.keys_hint.setWordWrap(True)
        self.totals = QLabel(self)
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.ingot_error = Note(self, ERROR_STYLE)
        self.product_hint = Note(self, ERROR_STYLE)
        self.product_hint.setObjectName("product_hint")
        self.regrade_hint = Note(self, "color: #8a6d00;")
        self.regrade_hint.setObjectName("regrade_hint")
        adding = QHBoxLayout()
        count_label = QLabel(self.tr("Add"), self)
        count_label.setBuddy(self.add_count)
        for w in (count_label, self.add_count, QLabel(self.tr("ingots of"), self), self.add_weight,
                  QLabel(self.tr("kg"), self), self.add_button):
            adding.addWidget(w)
        adding.addStretch(1)
        adding.addWidget(self.defects_button)
        adding.addWidget(self.product_button)
        ingots_box = QGroupBox(self.tr("Ingots"), self)
        ingots_layout = QVBoxLayout(ingots_box)
        ingots_layout.addLayout(adding)
        ingots_layout.addWidget(self.table, 1)
        ingots_layout.addWidget(self.keys_hint)
        ingots_layout.addWidget(self.ingot_hint)
        ingots_layout.addWidget(self.product_hint)
        ingots_layout.addWidget(self.regrade_hint)
        ingots_layout.addWidget(self.ingot_error)
        ingots_layout.addWidget(self.totals)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("heat_splitter")
        self.splitter.addWidget(analysis_box)
        self.splitter.addWidget(ingots_box)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([440, 900])  # until the window remembers the user's own
        analysis_box.setMinimumWidth(340)

        # ---- the lab's samples, under both
        self.samples_box = SamplesBox(self)
        self.samples_box.preliminary_button.clicked.connect(self.enter_preliminary_sample)
        self.samples_box.void_button.clicked.connect(self.void_sample)
        self.outer_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.outer_splitter.setObjectName("heat_samples_splitter")
        self.outer_splitter.addWidget(self.splitter)
        self.outer_splitter.addWidget(self.samples_box)
        self.outer_splitter.setStretchFactor(0, 3)
        self.outer_splitter.setStretchFactor(1, 1)
        self.outer_splitter.setChildrenCollapsible(False)
        self.outer_splitter.setSizes([420, 220])  # until the window remembers the user's own

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.elsewhere_bar)
        layout.addLayout(record)
        layout.addWidget(self.header_error)
        layout.addWidget(self.tap_question)
        layout.addWidget(self.doubts)
        layout.addWidget(self.undo_note)
        layout.addWidget(self.outer_splitter, 1)
        # tab order: record, analysis, ingots
        QWidget.setTabOrder(self.tapped_at, self.grade)
        QWidget.setTabOrder(self.grade, self.weight)
        QWidget.setTabOrder(self.weight, self.temperature)
        QWidget.setTabOrder(self.temperature, self.notes)
        QWidget.setTabOrder(self.notes, self.save_header_button)
        QWidget.setTabOrder(self.add_count, self.add_weight)
        QWidget.setTabOrder(self.add_weight, self.add_button)
        self._set_enabled(False)
        session.changed.connect(self._changed)

    def _changed(self, what: str) -> None:
        """Saved at this desk: shown again (what is typed stays). Heats saved at another desk
        come to `changed_elsewhere` instead."""
        if what != ELSEWHERE:
            self.reload()

    def changed_elsewhere(self, changes: Changes) -> None:
        """Another desk saved (`ui.live`): the heat shown again if it was changed there, unless
        something typed here is not saved yet; then a bar says so and offers to reload."""
        if self.heat_no is None or not changes.touches(self.data.heat.heat_no if self.data else self.heat_no):
            return
        if self.unsaved():
            self.elsewhere_bar.show()
        else:  # the record as saved now (its fields are not judged typed against the new one)
            self._reset_header = True
            self.reload()

    def reload_saved(self) -> None:
        """The heat as it is saved now; what was typed and not saved is dropped."""
        self.elsewhere_bar.hide()
        if self.data is not None:
            self._show_header(self.data.heat)
            self.analysis.revert()
        self._reset_analysis = self._reset_header = True
        self.reload()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.history_button, self.tapped_at, self.grade, self.weight, self.temperature, self.notes,
                  self.save_header_button, self.splitter, self.samples_box):
            w.setEnabled(on)

    # ---------------------------------------------------------------- loading

    def load(self, heat_no: str) -> None:
        """Show a heat (read on the worker); `loaded` says when it is on screen. Another heat while this
        one has unsaved edits: asks first (Save / Discard / Cancel)."""
        if heat_no != self.heat_no and self.unsaved():
            self.leave(lambda: self._open(heat_no))
            return
        self._open(heat_no)

    def open_new(self, heat_no: str) -> None:
        """A heat just logged: shown with the cursor in the first element of its analysis."""
        self._focus_analysis = True
        self.load(heat_no)

    def _open(self, heat_no: str) -> None:
        if heat_no != self.heat_no:
            self.elsewhere_bar.hide()
            self._reset_analysis = self._reset_header = True
            self._weight_typed = False
            self.analysis.saved_note.clear()
            self.undo_note.clear()
        self.heat_no = heat_no
        self.reload()

    def reload(self) -> None:
        if self.heat_no is None:
            return
        if self._loading:
            self._reload_wanted = True
            return
        self._loading = True
        heat_no = self.heat_no
        self.session.submit(lambda store: load_heat(store, heat_no), done=self._loaded,
                            failed=self._load_failed, receiver=self)

    def _load_failed(self, message: str) -> None:
        self._loading = False
        self.header_error.setText(message)

    def _loaded(self, data: HeatData) -> None:
        self._loading = False
        if self._reload_wanted:
            self._reload_wanted = False
            self.reload()
            return
        same = self.data is not None and self.data.heat.heat_no == data.heat.heat_no
        self.data = data
        heat = data.heat
        self.heat_no = heat.heat_no
        self._set_enabled(True)
        self.title.setText(self.tr("Heat {heat_no}").format(heat_no=heat.heat_no))
        self.info.setText(self.tr(
            "converter {converter} · {date}, {shift} · inspector {inspector}").format(
            converter=heat.converter, date=heat.production_date.isoformat(),
            shift=next((shift_name(s) for s in data.shifts if s.code == heat.shift), heat.shift),
            inspector=heat.inspector))
        if self._reset_header or not same or not self._header_dirty():
            self._show_header(heat)
            self._reset_header = False
        completer = QCompleter(data.grades, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.grade.setCompleter(completer)
        self.analysis.set_heat(data, keep_typed=same and not self._reset_analysis and self.analysis.dirty())
        self._reset_analysis = False
        if not self.unsaved():  # nothing typed is left unsaved: what is shown is what is saved
            self.elsewhere_bar.hide()
        self._show_ingots(data)
        self.doubts.setText("\n".join("⚠ " + d.text() for d in data.doubts))
        if self._focus_analysis:
            self._focus_analysis = False
            # on the next turn of the loop: the element rows just made are shown by then
            QTimer.singleShot(0, self, self._focus_first_element)
        self.loaded.emit(heat.heat_no)

    def _focus_first_element(self) -> None:
        first = self.analysis.first_to_type()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            first.selectAll()

    def _show_header(self, heat: Heat) -> None:
        self.tapped_at.set_moment(heat.tapped_at)
        self.grade.setText(heat.grade)
        self.weight.setText(format_number(heat.tap_weight_t))
        self.temperature.setText("" if heat.tap_temp_c is None else format_number(heat.tap_temp_c))
        self.notes.setText(heat.notes)
        self.header_error.clear()
        self.tap_question.clear()

    def _show_ingots(self, data: HeatData) -> None:
        current = self.table.currentIndex()
        row, column = current.row(), current.column()
        self.model.set_ingots(data.ingots, data.heat.chem_status, data.heat.heat_no, data.heat.grade,
                              product=data.product, regrade=data.regrade)
        self.samples_box.show_samples(list(data.samples), data.product, data.heat)
        self._show_heat_sample(data)
        if self._goto_ingot is not None:
            numbers = [self.model.ingot(r).ingot_no for r in range(self.model.rowCount())]
            row = numbers.index(self._goto_ingot) if self._goto_ingot in numbers else row
            self._goto_ingot = None
        if self.model.rowCount():
            row = min(max(row, 0), self.model.rowCount() - 1)
            self.table.setCurrentIndex(self.model.index(row, max(column, 0)))
        self._suggest_weight()
        self._show_totals(data.rates)
        self._show_ingot_hint()

    def _suggest_weight(self) -> None:
        if self.data is None or self._weight_typed:
            return
        if self.data.ingots:
            kg = self.data.ingots[-1].weight_kg
        else:
            kg = round(self.data.heat.tap_weight_t * 1000 / self.add_count.value() / 10) * 10
        self.add_weight.setText(format_number(kg))

    def _show_ingot_hint(self) -> None:
        if self.data is None:
            return
        status = self.data.heat.chem_status
        if status is ChemStatus.FAILS:
            self.ingot_hint.setText(self.tr(
                "Heat {heat} fails its grade: none of its ingots counts as qualified, "
                "whatever its surface.").format(heat=self.data.heat.heat_no))
            self.ingot_hint.setStyleSheet(ERROR_STYLE)
        elif status is ChemStatus.NOT_CHECKED:
            self.ingot_hint.setText(self.tr(
                "The analysis is incomplete: judged ingots await chemistry and are "
                "left out of the ingot qualified rate."))
            self.ingot_hint.setStyleSheet("color: #8a6d00;")
        else:
            self.ingot_hint.clear()
        self._show_sample_hints(self.data)

    def _show_sample_hints(self, data: HeatData) -> None:
        """Under the grid: the ingots whose product analysis fails, and the re-graded ingots that name
        no grade yet (with the grades the heat satisfies)."""
        failing = [i.ingot_no for i in data.ingots if i.product_fails]
        if failing:
            self.product_hint.setText(self.tr(
                "Ingot(s) {numbers} fail their product analysis: not qualified, whatever their "
                "surface.").format(numbers=", ".join(str(n) for n in failing)))
        else:
            self.product_hint.clear()
        unnamed = [i.ingot_no for i in data.ingots
                   if i.disposition is Disposition.REGRADED and i.regrade_to is None]
        if unnamed and data.regrade:
            self.regrade_hint.setText(self.tr(
                "Re-graded ingot(s) {numbers} name no grade yet: G chooses one the heat satisfies "
                "({grades}).").format(numbers=", ".join(str(n) for n in unnamed),
                                      grades=", ".join(data.regrade)))
        elif unnamed:
            self.regrade_hint.setText(self.tr(
                "Re-graded ingot(s) {numbers}: the heat's analysis satisfies no other grade to "
                "name.").format(numbers=", ".join(str(n) for n in unnamed)))
        else:
            self.regrade_hint.clear()

    def _show_heat_sample(self, data: HeatData) -> None:
        """Which sample the analysis of record is: the heat sample, its number, when and by whom."""
        sample = next((s for s in data.samples if s.kind is SampleKind.HEAT), None)
        if sample is None:
            self.heat_sample_note.setText(self.tr(
                "The ladle sample at tapping: what is saved here is the heat's analysis of record."))
        else:
            taken = sample.taken_at.strftime("%Y-%m-%d %H:%M")
            if sample.sample_no:
                said = self.tr("Heat sample {sample} · taken {taken} · entered by {who}.").format(
                    sample=sample.sample_no, taken=taken, who=sample.entered_by)
            else:
                said = self.tr("Heat sample typed in · taken {taken} · entered by {who}.").format(
                    taken=taken, who=sample.entered_by)
            self.heat_sample_note.setText(said + " " + self.tr(
                "A change to saved values is a correction and asks for a reason."))

    def _show_totals(self, row: RateRow) -> None:
        s, r = row.sums, row.rates

        def rate(key: str) -> str:  # the formulas are the label's tooltip
            return rate_text(getattr(r, key))

        self.totals.setText(self.tr(
            "<b>{n}</b> ingots, {judged} judged, {pending} pending · judged weight {kg} kg<br>"
            "Ingot qualified rate <b>{iq}</b> by weight, {iqc} by count · surface rate {sq} by weight, "
            "{sqc} by count").format(
            n=s.ingots, judged=s.ingots_surface_judged, pending=s.ingots_pending,
            kg=format_fixed(round(s.weight_surface_judged_kg, 3), 0, at_least=True),
            iq=rate("ingot_qualified_rate"), iqc=rate("ingot_qualified_rate_by_count"),
            sq=rate("surface_qualified_rate"), sqc=rate("surface_qualified_rate_by_count")))
        self.totals.setToolTip("\n".join(formula(k) for k in (
            "ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
            "surface_qualified_rate_by_count")))

    # QWidget.keyPressEvent: Esc takes back what was typed in the record and the analysis
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.data is not None:
            self._show_header(self.data.heat)
            self.analysis.revert()
            return
        super().keyPressEvent(event)

    # ---------------------------------------------------------------- unsaved edits

    def unsaved(self) -> bool:
        """Is anything typed in the record or the analysis not saved yet?"""
        return self.data is not None and (self._header_dirty() or self.analysis.dirty())

    def _ask_unsaved(self) -> str:
        """Save, discard or keep editing? "save", "discard" or "cancel" (tests replace this)."""
        heat = self.data.heat.heat_no if self.data is not None else ""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("Heat {heat} has changes that are not saved yet.").format(heat=heat),
                          QMessageBox.StandardButton.NoButton, self)
        save = box.addButton(self.tr("&Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "cancel"

    def leave(self, then: Callable[[], None]) -> None:
        """Run `then` once nothing typed would be lost: with unsaved edits, asks Save / Discard / Cancel;
        Save runs `then` only once everything is saved."""
        if not self.unsaved():
            then()
            return
        answer = self._ask_unsaved()
        if answer == "discard":
            assert self.data is not None
            self._show_header(self.data.heat)
            self.analysis.revert()
            then()
        elif answer == "save":
            self.save(after=then)

    # ---------------------------------------------------------------- the record

    def _header_changes(self) -> dict[str, Any]:
        """The record's fields as typed, where they differ from the saved heat (InputError if refused)."""
        assert self.data is not None
        heat = self.data.heat
        changes: dict[str, Any] = {}
        tapped = self.tapped_at.moment()
        if tapped != heat.tapped_at:
            changes["tapped_at"] = tapped
        if self.grade.text().strip() != heat.grade:
            changes["grade"] = self.grade.text().strip()
        weight = parse_in_range(self.weight.text(), "tapped weight", TAP_WEIGHT_T)
        if weight != heat.tap_weight_t:
            changes["tap_weight_t"] = weight
        temp = parse_optional(self.temperature.text(), "tap temperature", TAP_TEMP_C)
        if temp != heat.tap_temp_c:
            changes["tap_temp_c"] = temp
        if self.notes.text().strip() != heat.notes:
            changes["notes"] = self.notes.text()
        return changes

    def _header_dirty(self) -> bool:
        if self.data is None:
            return False
        try:
            return bool(self._header_changes())
        except InputError:
            return True

    def save_header(self, after: Callable[[], None] | None = None) -> None:
        """Save the record as typed; then `after`, if given and the save succeeded."""
        if self.data is None:
            return
        try:
            changes = self._header_changes()
        except InputError as exc:
            self.tap_question.clear()
            self.header_error.setText(str(exc))
            return
        if "tapped_at" in changes and self._question(changes["tapped_at"]):
            return
        self.tap_question.clear()
        if not changes:
            self.header_error.clear()
            if after is not None:
                after()
            return
        heat_no = self.data.heat.heat_no

        def done(_heat: Heat) -> None:
            self._reset_header = True  # the analysis typed meanwhile stays as typed
            self.header_error.clear()
            if after is not None:
                after()

        heat = self.data.heat
        what = self.tr("Heat {heat_no}: {changes}").format(heat_no=heat_no, changes="; ".join(
            f"{field_name(f)} {value_words(f, _shown(getattr(heat, f)))} → {value_words(f, _shown(v))}"
            for f, v in changes.items()))
        self.corrector.run(noting(heat_no, lambda store, reason: store.update_heat(heat_no, **changes,
                                                                                   reason=reason)),
                           done=done, failed=self.header_error.setText, changes="heats", what=what)

    def _question(self, tapped: datetime) -> bool:
        """Ask once about a doubtful new tap time (said under the record; Enter again saves)."""
        assert self.data is not None
        heat = self.data.heat
        said = taptime.doubts(tapped, self.session.clock(), self.data.shifts,
                              (heat.production_date, heat.shift))
        if not said or tapped == self._confirmed_tap:
            return False
        self._confirmed_tap = tapped
        self.header_error.clear()
        self.tap_question.setText(taptime.question(tapped, said))
        self.tapped_at.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tapped_at.selectAll()
        return True

    # ---------------------------------------------------------------- the analysis

    def save_analysis(self, after: Callable[[], None] | None = None) -> None:
        """Save the analysis as typed; then `after`, if given and the save succeeded."""
        if self.data is None:
            return
        values = self.analysis.changes()
        if values is None:
            return
        heat_no = self.data.heat.heat_no

        def done(_check: HeatCheck) -> None:
            self._reset_analysis = True
            self.analysis.error.clear()
            self.analysis.saved_note.setText(self.tr("✓ Analysis saved at {time}").format(
                time=self.session.clock().strftime("%H:%M")))
            if after is not None:
                after()

        saved = self.analysis.saved_values
        what = self.tr("Heat {heat_no}: {changes}").format(heat_no=heat_no, changes="; ".join(
            f"{el} {value_words(el, _chemistry(el, saved[el]), element=True)} → "
            f"{value_words(el, _chemistry(el, v), element=True)}"
            for el, v in values.items() if el in saved and saved[el] != v))
        self.corrector.run(lambda store, reason: store.set_analysis(heat_no, values, reason=reason),
                           done=done, failed=self.analysis.error.setText, changes="analysis", what=what)

    def save(self, after: Callable[[], None] | None = None) -> None:
        """Ctrl+S: save what was typed in the record, then the analysis; then `after`, if given and
        everything was saved."""
        if self.data is None:
            return
        header, analysis = self._header_dirty(), self.analysis.dirty()

        def then_analysis() -> None:
            if analysis:
                self.save_analysis(after=after)
            elif after is not None:
                after()

        if header:
            self.save_header(after=then_analysis)
        else:
            then_analysis()

    # ---------------------------------------------------------------- the ingots

    def start_adding(self) -> None:
        """Ctrl+I: the cursor in "how many" (Tab reaches the kg each); Enter adds, nothing before."""
        if self.data is None:
            self.header_error.setText(self.tr("Open a heat first."))
            return
        self.add_count.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.add_count.selectAll()

    def add_ingots(self) -> None:
        if self.data is None:
            return
        try:
            kg = parse_in_range(self.add_weight.text(), self.tr("ingot weight"), INGOT_WEIGHT_KG)
        except InputError as exc:
            self.ingot_error.setText(str(exc))
            return
        self.ingot_error.clear()
        heat_no, n = self.data.heat.heat_no, self.add_count.value()

        def work(store: Store, _reason: str | None) -> list[Ingot]:
            first = store.next_ingot_no(heat_no)
            # the store's user is whoever signed in (else the preferences' name): the inspector
            return store.add_ingots(heat_no, [NewIngot(first + i, kg, Disposition.PENDING, store.user)
                                              for i in range(n)])

        def done(_ingots: list[Ingot]) -> None:
            self.table.setFocus()
            self.table.setCurrentIndex(self.model.index(max(0, self.model.rowCount() - n), 0))

        self.corrector.run(noting(heat_no, work), done=done, failed=self.ingot_error.setText,
                           changes="ingots")

    def _selected_rows(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return rows

    def judge_selected(self, disposition: Disposition) -> None:
        """A, C, R, S or P on the selected ingots; one ingot: then on to the next."""
        if self.data is None:
            return
        rows = self._selected_rows()
        if not rows:
            return
        heat_no = self.data.heat.heat_no
        numbers = [self.model.ingot(r).ingot_no for r in rows]
        ingots = [self.model.ingot(r) for r in rows]
        corrected = [i for i in ingots if i.disposition.judged and i.disposition != disposition]
        what = "\n".join(self.tr("Ingot {n} of heat {heat_no}: {changes}").format(
            n=i.ingot_no, heat_no=heat_no,
            changes=f"{disposition_name(i.disposition)} → {disposition_name(disposition)}")
            for i in corrected)
        row, column = rows[0], self.table.currentIndex().column()

        def move_on() -> None:
            if len(rows) == 1 and row + 1 < self.model.rowCount() and self.table.currentIndex().row() == row:
                self.table.setCurrentIndex(self.model.index(row + 1, column))

        def done(_ingots: list[Ingot]) -> None:
            self.ingot_error.clear()
            if corrected:
                move_on()  # a correction: on to the next only once it is answered and saved

        def work(store: Store, reason: str | None) -> list[Ingot]:
            # one transaction: a judged ingot that needs a reason stops the lot, nothing half-saved;
            # the reason goes only to the judged ingots (a first judgement is no correction)
            with store.transaction():
                judged = {i.ingot_no for i in store.ingots(heat_no) if i.disposition.judged}
                return [store.update_ingot(heat_no, no, disposition=disposition, inspector=store.user,
                                           reason=reason if no in judged else None) for no in numbers]

        self.corrector.run(noting(heat_no, work), done=done, failed=self.ingot_error.setText,
                           changes="ingots", what=what, place=lambda dialog: self._beside_row(dialog, row))
        if not corrected:
            move_on()  # a first judgement: on to the next at once (judging runs ahead of the saving)

    def _save_weight(self, ingot_no: int, kg: float) -> None:
        if self.data is None:
            return
        heat_no = self.data.heat.heat_no
        old = next((i.weight_kg for i in self.data.ingots if i.ingot_no == ingot_no), None)
        change = f"{field_name('weight_kg')} {value_words('weight_kg', old)} → {value_words('weight_kg', kg)}"
        what = self.tr("Ingot {n} of heat {heat_no}: {changes}").format(n=ingot_no, heat_no=heat_no,
                                                                       changes=change)
        self.corrector.run(noting(heat_no, lambda store, reason: store.update_ingot(
                               heat_no, ingot_no, weight_kg=kg, reason=reason)),
                           done=lambda _r: self.ingot_error.clear(), failed=self.ingot_error.setText,
                           changes="ingots", what=what, place=self._beside_current_row)

    def _ingot_refused(self, message: str) -> None:
        self.ingot_error.setText(message)

    def edit_defects(self) -> None:
        """The defects of the current ingot, from the catalogue (D or Enter on the defects column)."""
        if self.data is None or not self.table.currentIndex().isValid():
            return
        row = self.table.currentIndex().row()
        ingot = self.model.ingot(row)
        dialog = DefectDialog(self.data.defects, ingot.defects, self.tr(
            "Defects of ingot {n} of heat {heat} ({kg} kg, {disposition})").format(
            n=ingot.ingot_no, heat=ingot.heat_no, kg=format_number(ingot.weight_kg),
            disposition=disposition_name(ingot.disposition)), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._beside_row(dialog, row)
        self.defect_dialog = dialog
        heat_no = self.data.heat.heat_no

        def accepted() -> None:
            chosen = list(dialog.defects)
            self.defect_dialog = None
            if tuple(chosen) == ingot.defects:
                return
            self.corrector.run(
                lambda store, reason: store.update_ingot(heat_no, ingot.ingot_no, defects=chosen,
                                                         reason=reason),
                done=lambda _r: self.ingot_error.clear(), failed=self.ingot_error.setText, changes="ingots")

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: setattr(self, "defect_dialog", None))
        dialog.open()

    def _beside_current_row(self, dialog: QWidget) -> None:
        if self.table.currentIndex().isValid():
            self._beside_row(dialog, self.table.currentIndex().row())

    def _beside_row(self, dialog: QWidget, row: int) -> None:
        """Place a dialog about an ingot below its grid row, or above it where the screen ends: the row
        stays in sight."""
        self.table.scrollTo(self.model.index(row, 0))
        rect = self.table.visualRect(self.model.index(row, 0))
        viewport = self.table.viewport()
        top = viewport.mapToGlobal(QPoint(0, rect.top()))
        bottom = viewport.mapToGlobal(QPoint(0, rect.bottom()))
        screen = (self.screen() or dialog.screen()).availableGeometry()
        frame = dialog.frameGeometry().size().expandedTo(dialog.size())
        margin = 8 + (dialog.frameGeometry().height() - dialog.geometry().height())
        x = viewport.mapToGlobal(QPoint(0, 0)).x()
        x = max(screen.left(), min(x, screen.right() - frame.width()))
        below = bottom.y() + margin
        if below + frame.height() <= screen.bottom() or top.y() - screen.top() < screen.bottom() - bottom.y():
            dialog.move(x, below)
        else:
            dialog.move(x, top.y() - margin - frame.height())

    # ---------------------------------------------------------------- samples and re-grading

    def enter_preliminary_sample(self) -> SampleDialog | None:
        """A preliminary sample of the open heat (the bath, during the blow): shown, never judged."""
        if self.data is None:
            self.header_error.setText(self.tr("Open a heat first."))
            return None
        return self._sample_dialog(SampleKind.PRELIMINARY, self.data.heat.tapped_at, None)

    def enter_product_sample(self) -> SampleDialog | None:
        """A product sample of the ingot under the cursor (L in the grid, or the button)."""
        row = self.table.currentIndex().row()
        if self.data is None or not 0 <= row < self.model.rowCount():
            self.ingot_error.setText(self.tr("Pick an ingot first."))
            return None
        taken = max(self.session.clock().replace(second=0, microsecond=0), self.data.heat.tapped_at)
        dialog = self._sample_dialog(SampleKind.PRODUCT, taken, self.model.ingot(row).ingot_no)
        self._beside_row(dialog, row)
        return dialog

    def _sample_dialog(self, kind: SampleKind, taken: datetime, ingot_no: int | None) -> SampleDialog:
        assert self.data is not None
        dialog = SampleDialog(kind, self.data.heat, self.data.product, list(self.data.samples),
                              taken_at=taken, ingot_no=ingot_no, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda new: self._save_sample(dialog, new))
        dialog.destroyed.connect(lambda: setattr(self, "sample_dialog", None))
        self.sample_dialog = dialog
        dialog.open()
        return dialog

    def _save_sample(self, dialog: SampleDialog, new: NewSample) -> None:
        """Save a sample typed in its dialog; the core's refusal is said in the dialog, which stays open
        with what was typed. A sample into a signed shift asks for a reason."""
        heat_no = new.heat_no

        def done(_sample: Sample) -> None:
            self.samples_box.error.clear()
            if self.sample_dialog is dialog:
                dialog.accept()

        def failed(message: str) -> None:  # said in the dialog, or under the list once it is closed
            if self.sample_dialog is dialog:
                dialog.refused(message)
            else:
                self.samples_box.error.setText(message)

        what = self.tr("Heat {heat_no}: {changes}").format(heat_no=heat_no, changes=self.tr(
            "sample {sample} added").format(sample=new.sample_no or "—"))
        self.corrector.run(lambda store, reason: store.add_sample(
            heat_no, new.kind, new.values, sample_no=new.sample_no, ingot_no=new.ingot_no,
            taken_at=new.taken_at, reason=reason), done=done, failed=failed, changes="analysis",
            what=what)

    def void_sample(self) -> VoidDialog | None:
        """Void the selected preliminary or product sample, with a reason."""
        sample = self.samples_box.selected()
        if self.data is None or sample is None:
            self.samples_box.error.setText(self.tr("Pick a sample first."))
            return None
        if sample.kind is SampleKind.HEAT or sample.id is None:  # only a heat sample lacks a row
            self.samples_box.error.setText(self.tr(
                "The heat analysis of record is corrected, not voided: type the right values in the heat "
                "analysis and give a reason."))
            return None
        self.samples_box.error.clear()
        heat_no, sample_id = self.data.heat.heat_no, sample.id
        dialog = VoidDialog(self.session, self.tr("Void sample {sample} of heat {heat_no}.").format(
            sample=sample.sample_no or "—", heat_no=heat_no),
            lambda store, reason: store.void_sample(heat_no, sample_id, reason), "analysis", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def choose_regrade(self) -> None:
        """G: the grade the re-graded ingot under the cursor is released as, from those its heat
        satisfies."""
        row = self.table.currentIndex().row()
        if self.data is None or not 0 <= row < self.model.rowCount():
            return
        ingot = self.model.ingot(row)
        if ingot.disposition is not Disposition.REGRADED:
            self.ingot_error.setText(self.tr("Ingot {n} is not re-graded: only a re-graded ingot is released "
                                             "as another grade.").format(n=ingot.ingot_no))
            return
        index = self.model.index(row, COL_REGRADE)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _save_regrade(self, ingot_no: int, grade: str | None) -> None:
        if self.data is None:
            return
        heat_no = self.data.heat.heat_no
        old = next((i.regrade_to for i in self.data.ingots if i.ingot_no == ingot_no), None)
        change = f"{value_words('regrade_to', old)} → {value_words('regrade_to', grade)}"
        what = self.tr("Ingot {n} of heat {heat_no}: {changes}").format(
            n=ingot_no, heat_no=heat_no, changes=f"{field_name('regrade_to')} {change}")
        self.corrector.run(noting(heat_no, lambda store, reason: store.update_ingot(
                               heat_no, ingot_no, regrade_to=grade or "", reason=reason)),
                           done=lambda _r: self.ingot_error.clear(), failed=self.ingot_error.setText,
                           changes="ingots", what=what, place=self._beside_current_row)

    # ---------------------------------------------------------------- history

    # ---------------------------------------------------------------- undo

    def undo(self) -> None:
        """Ctrl+Z: take back the last judgement or entry of this heat made by whoever is signed in,
        within the minute (qcdesk/undo.py); the history records it as a correction, reason "undone"."""
        if self.data is None:
            self.header_error.setText(self.tr("Open a heat first."))
            return
        heat_no = self.data.heat.heat_no

        def answered(result: undo.Plan | QcError) -> None:
            if isinstance(result, QcError):
                self.undo_note.setStyleSheet(ERROR_STYLE)
                self.undo_note.setText(self.tr("Nothing taken back: {why}.").format(why=result))
                return
            self.undo_note.setStyleSheet(SAVED_STYLE)
            self.undo_note.setText(self.tr("↶ Taken back: {what}.").format(what=result.text()))
            if result.ingot_nos:
                self._goto_ingot = result.ingot_nos[0]

        self.session.submit(guarded(lambda store: undo.take_back(store, heat_no)), done=answered,
                            failed=self.ingot_error.setText, receiver=self, changes="ingots")

    # ---------------------------------------------------------------- voiding, never deleting

    def void_heat(self) -> VoidDialog | None:
        """Void the open heat with its analysis and ingots, with a reason; it leaves every list."""
        if self.data is None:
            self.header_error.setText(self.tr("Open a heat first."))
            return None
        heat_no = self.data.heat.heat_no
        dialog = VoidDialog(self.session, self.tr("Void heat {heat_no}, its analysis and its ingots.").format(
            heat_no=heat_no), lambda store, reason: store.void_heat(heat_no, reason), "heats", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.voided.connect(lambda: self._heat_voided(heat_no))
        dialog.open()
        return dialog

    def _heat_voided(self, heat_no: str) -> None:
        self.heat_no = None
        self.data = None
        self._set_enabled(False)
        self.model.set_ingots([], ChemStatus.NOT_CHECKED, "", "")
        self.samples_box.model.set_samples([], None, ChemStatus.NOT_CHECKED)
        self.title.setText(self.tr("Heat {heat_no} was voided; its history is kept.").format(heat_no=heat_no))

    def void_ingot(self) -> VoidDialog | None:
        """Void the ingot under the cursor, with a reason."""
        row = self.table.currentIndex().row()
        if self.data is None or not 0 <= row < self.model.rowCount():
            self.ingot_error.setText(self.tr("Pick an ingot first."))
            return None
        heat_no, ingot_no = self.data.heat.heat_no, self.model.ingot(row).ingot_no
        dialog = VoidDialog(self.session, self.tr("Void ingot {ingot_no} of heat {heat_no}.").format(
            ingot_no=ingot_no, heat_no=heat_no),
            lambda store, reason: store.void_ingot(heat_no, ingot_no, reason), "ingots", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_history(self) -> None:
        """The heat's audit log (Ctrl+H)."""
        if self.heat_no is None:
            return
        dialog = AuditDialog(self.session, self.heat_no, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "audit_dialog", None))
        self.audit_dialog = dialog
        dialog.open()


def _shown(value: object) -> object:
    """A record's value as its history writes it (a tap time to the minute)."""
    return taptime.format_tap_time(value) if isinstance(value, datetime) else value


def _chemistry(element: str, value: float | None) -> str | None:
    return None if value is None else format_chemistry(element, value)
