"""The shift at a glance: the heats of one shift per converter, and the shift's and day's rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk import readiness, shifts
from qcdesk.i18n import _, language
from qcdesk.model import STATUS_NAMES, ChemStatus, Converter, Heat, Shift
from qcdesk.numbers import format_fixed
from qcdesk.rates import RateRow, RateSums
from qcdesk.signoff import Signature, Signoff, Status
from qcdesk.store import Store
from ui import settings as keys
from ui.common import ERROR_STYLE, Note, RowsModel, formula, rate_text, to_date
from ui.read_only import writes
from ui.records import SignDialog, signoff_text
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex
NEEDS_STYLE = "color: #8a4b00;"


@dataclass(frozen=True)
class ShiftData:
    """What the shift view shows, read in one go on the worker."""

    day: date
    shift: str
    heats: list[Heat]
    converters: list[Converter]
    shift_rates: RateRow
    day_rates: RateRow
    shift_heats: dict[str, int]  # heats per converter in the shift
    day_heats: dict[str, int]
    shift_signoff: Signoff
    day_signoff: Signoff
    schedule: list[Shift]
    day_heats_by_shift: dict[str, int]  # heats of the day per shift code
    signatures: list[Signature]  # of the day, oldest first


def load_shift(store: Store, day: date, shift: str) -> ShiftData:
    """The heats and rates of a shift and of its production day."""
    empty = RateRow.of({}, RateSums())
    by_shift = {r.keys["shift"]: r for r in store.rates(day, day, by=("shift",)).rows}
    shift_conv = store.rates(day, day, by=("shift", "converter")).rows
    day_conv = store.rates(day, day, by=("converter",)).rows
    return ShiftData(
        day=day, shift=shift,
        heats=sorted(store.heats(day, day, shift=shift), key=lambda h: (len(h.converter), h.converter,
                                                                       h.tapped_at)),
        converters=store.converters(),
        shift_rates=by_shift.get(shift, empty),
        day_rates=store.rates(day, day).total,
        shift_heats={r.keys["converter"]: r.sums.heats for r in shift_conv if r.keys["shift"] == shift},
        day_heats={r.keys["converter"]: r.sums.heats for r in day_conv},
        shift_signoff=store.shift_signoff(day, shift),
        day_signoff=store.day_signoff(day),
        schedule=store.shifts(),
        day_heats_by_shift={code: r.sums.heats for code, r in by_shift.items()},
        signatures=store.signatures(day),
    )


def shift_name(shift: Shift) -> str:
    return shift.name_zh if language() == "zh" else shift.name_en


class ShiftHeatsModel(RowsModel[Heat]):
    """The heats of a shift, by converter then tap time (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.headers = (self.tr("Converter"), self.tr("Heat"), self.tr("Tapped"), self.tr("Grade"),
                        self.tr("Tapped t"), self.tr("Chemistry"), self.tr("Ingots judged"))

    def set_heats(self, heats: list[Heat]) -> None:
        self.set_rows(heats)

    def heat_no(self, row: int) -> str:
        return self.rows[row].heat_no

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        heat, column = self.row_at(index), index.column()
        if heat is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (heat.converter, heat.heat_no, heat.tapped_at.strftime("%H:%M"), heat.grade,
                    format_fixed(heat.tap_weight_t, 2, at_least=True), _(STATUS_NAMES[heat.chem_status]),
                    f"{heat.ingots_judged}/{heat.ingots}")[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 5 and heat.chem_status is ChemStatus.FAILS:
            from PySide6.QtGui import QColor  # noqa: PLC0415 - only for failing heats

            return QColor("#b00020")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class HeatTable(QTableView):
    """Enter opens the heat under the cursor."""

    activated_heat = Signal(int)

    # QWidget.keyPressEvent
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_heat.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


# The rates of the panel: key, label; the leading basis's rows come first and larger.
_WEIGHT_ROWS = ("ingot_qualified_rate", "surface_qualified_rate", "chemistry_conformance_rate_by_weight")
_COUNT_ROWS = ("ingot_qualified_rate_by_count", "surface_qualified_rate_by_count",
               "chemistry_conformance_rate")


class ShiftView(QWidget):
    """Production date and shift (from the clock, changeable), the shift's heats, the live rates."""

    heat_activated = Signal(str)
    new_heat_requested = Signal()
    loaded = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.schedule: list[Shift] = []
        self.data: ShiftData | None = None
        self._reload_wanted = False
        self._loading = False

        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.shift_box = QComboBox(self)
        self.shift_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.now_button = QPushButton(self.tr("&Now"), self)
        self.now_button.setToolTip(self.tr("Go to the production date and shift of the clock"))
        self.new_button = QPushButton(self.tr("New &heat…"), self)
        writes(self.new_button)
        self.title = QLabel(self)
        big = QFont(self.title.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.title.setFont(big)
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)

        bar = QHBoxLayout()
        date_label = QLabel(self.tr("Production &date:"), self)
        date_label.setBuddy(self.date_edit)
        shift_label = QLabel(self.tr("Sh&ift:"), self)
        shift_label.setBuddy(self.shift_box)
        for w in (date_label, self.date_edit, shift_label, self.shift_box, self.now_button):
            bar.addWidget(w)
        bar.addSpacing(16)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.new_button)

        self.model = ShiftHeatsModel(self)
        self.table = HeatTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.activated_heat.connect(self._open_row)
        self.signoff_box = QGroupBox(self.tr("Sign-off"), self)
        self.shift_status = QLabel("—", self.signoff_box)
        self.day_status = QLabel("—", self.signoff_box)
        for label in (self.shift_status, self.day_status):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton(self.tr("&Close shift…"), self.signoff_box)
        self.close_button.setToolTip(self.tr("An inspector signs the shift's records as closed (PIN again)"))
        self.sign_day_button = QPushButton(self.tr("Sign the d&ay…"), self.signoff_box)
        self.sign_day_button.setToolTip(self.tr("A workshop head approves the day's records (PIN again)"))
        writes(self.close_button, self.sign_day_button)
        sign_grid = QGridLayout(self.signoff_box)
        sign_grid.addWidget(QLabel(self.tr("Shift:"), self.signoff_box), 0, 0)
        sign_grid.addWidget(self.shift_status, 0, 1)
        sign_grid.addWidget(self.close_button, 0, 2)
        sign_grid.addWidget(QLabel(self.tr("Day:"), self.signoff_box), 1, 0)
        sign_grid.addWidget(self.day_status, 1, 1)
        sign_grid.addWidget(self.sign_day_button, 1, 2)
        # every shift of the day, and what the day still needs before it is signed
        self.shifts_status = QLabel("—", self.signoff_box)
        self.shifts_status.setObjectName("shifts_status")
        self.shifts_status.setWordWrap(True)
        self.day_needs = Note(self.signoff_box, NEEDS_STYLE)
        self.day_needs.setObjectName("day_needs")
        sign_grid.addWidget(QLabel(self.tr("Shifts of the day:"), self.signoff_box), 2, 0)
        sign_grid.addWidget(self.shifts_status, 2, 1, 1, 2)
        sign_grid.addWidget(self.day_needs, 3, 1, 1, 2)
        sign_grid.setColumnStretch(1, 1)
        self.sign_dialog: SignDialog | None = None

        heats_box = QGroupBox(self.tr("Heats of the shift"), self)
        QVBoxLayout(heats_box).addWidget(self.table)

        self.rates_box = QGroupBox(self.tr("Rates"), self)
        self.rates_grid = QGridLayout(self.rates_box)
        self.rate_labels: dict[tuple[str, str], QLabel] = {}
        self._converter_names: list[QLabel] = []
        self._build_rates_panel()

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("shift_splitter")
        self.splitter.addWidget(heats_box)
        self.splitter.addWidget(self.rates_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 520])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.signoff_box)
        layout.addWidget(self.splitter, 1)
        self.message.hide()
        self.close_button.clicked.connect(self.close_shift)
        self.sign_day_button.clicked.connect(self.sign_day)
        session.person_changed.connect(self._person_changed)
        self._person_changed()

        self.now_button.clicked.connect(self.go_now)
        self.new_button.clicked.connect(self.new_heat_requested)
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        self.shift_box.currentIndexChanged.connect(lambda _i: self.reload())
        session.changed.connect(self._changed)
        session.submit(lambda store: store.shifts(), done=self._schedule_loaded, receiver=self)

    def _changed(self, what: str) -> None:
        """Another basis leads (preferences), the schedule may differ (set-up), or data changed."""
        if what == "preferences":
            self._rebuild_rates_panel()
        if what == "setup":
            chosen = self.current()
            self.session.submit(lambda store: store.shifts(),
                                done=lambda schedule: self._schedule_changed(schedule, chosen), receiver=self)
            return
        self.reload()

    def _schedule_changed(self, schedule: list[Shift], chosen: tuple[date, str] | None) -> None:
        self._schedule_loaded(schedule)
        if chosen is not None and any(s.code == chosen[1] for s in schedule):
            self.show_shift(*chosen)

    # ---------------------------------------------------------------- choosing the shift

    def _schedule_loaded(self, schedule: list[Shift]) -> None:
        self.schedule = sorted(schedule, key=lambda s: s.seq)
        self.shift_box.blockSignals(True)
        self.shift_box.clear()
        for s in self.schedule:
            start, end = shifts.shift_window(date(2000, 1, 3), s, self.schedule)
            self.shift_box.addItem(self.tr("{name} ({start}–{end})").format(
                name=shift_name(s), start=start.strftime("%H:%M"), end=end.strftime("%H:%M")), s.code)
        self.shift_box.blockSignals(False)
        self.go_now()

    def go_now(self) -> None:
        """The production date and shift of the clock."""
        if not self.schedule:
            return
        day, shift = shifts.assign(self.session.clock(), self.schedule)
        self.show_shift(day, shift.code)

    def show_shift(self, day: date, shift_code: str) -> None:
        """Look at (or fill) another shift."""
        self.date_edit.blockSignals(True)
        self.shift_box.blockSignals(True)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.shift_box.setCurrentIndex(max(0, self.shift_box.findData(shift_code)))
        self.date_edit.blockSignals(False)
        self.shift_box.blockSignals(False)
        self.reload()

    def current(self) -> tuple[date, str] | None:
        code = self.shift_box.currentData()
        if code is None:
            return None
        return to_date(self.date_edit.date()), str(code)

    # ---------------------------------------------------------------- loading

    def reload(self) -> None:
        """Read the shift again (on the worker); one read at a time, the last wish wins."""
        chosen = self.current()
        if chosen is None:
            return
        if self._loading:
            self._reload_wanted = True
            return
        self._loading = True
        day, code = chosen
        self.session.submit(lambda store: load_shift(store, day, code), done=self._loaded,
                            failed=self._failed, receiver=self)

    def _failed(self, message: str) -> None:
        self._loading = False
        self.message.setText(message)
        self.message.show()

    def _loaded(self, data: ShiftData) -> None:
        self._loading = False
        if self._reload_wanted:
            self._reload_wanted = False
            self.reload()
            return
        self.message.hide()
        self.data = data
        shift = next((s for s in self.schedule if s.code == data.shift), None)
        self.title.setText(self.tr("{day}, {shift}: {n} heats").format(
            day=data.day.isoformat(), shift=shift_name(shift) if shift else data.shift, n=len(data.heats)))
        current = self.table.currentIndex().row()
        self.model.set_heats(data.heats)
        if self.model.rowCount():
            self.table.selectRow(min(max(current, 0), self.model.rowCount() - 1))
        self._show_rates(data)
        self._show_signoff(data)
        self.loaded.emit()

    # ---------------------------------------------------------------- sign-off

    def _person_changed(self) -> None:
        """The sign-off row on databases with people; its buttons for someone signed in, on
        what is not signed yet (the core decides who may sign; a refusal is said in the dialog)."""
        signed_in = self.session.person is not None
        self.signoff_box.setVisible(self.session.has_people)
        data = self.data
        for button, standing in ((self.close_button, data.shift_signoff if data else None),
                                 (self.sign_day_button, data.day_signoff if data else None)):
            button.setEnabled(signed_in and (standing is None or standing.status is not Status.SIGNED))
        if data is not None:
            self._show_readiness()

    def _show_signoff(self, data: ShiftData) -> None:
        self._person_changed()
        for label, standing in ((self.shift_status, data.shift_signoff), (self.day_status, data.day_signoff)):
            label.setText(signoff_text(standing))
            label.setStyleSheet(ERROR_STYLE if standing.status is Status.SUPERSEDED
                                else "color: #1b5e20;" if standing.status is Status.SIGNED else "")
        self._show_readiness()

    def readiness(self) -> readiness.DayReadiness | None:
        """Where the day shown stands before its signature, for whoever is signed in."""
        data = self.data
        if data is None:
            return None
        return readiness.day_readiness(data.day, data.schedule, data.day_heats_by_shift, data.signatures,
                                       self.session.person)

    def _show_readiness(self) -> None:
        ready = self.readiness()
        if ready is None:
            return
        self.shifts_status.setText(" · ".join(s.text() for s in ready.shifts))
        if ready.standing.status is Status.SIGNED:
            self.day_needs.clear()
        elif ready.ready:
            self.day_needs.setText(self.tr("Ready to sign: every shift with heats is closed."))
        else:
            self.day_needs.setText(self.tr("Before the day is signed: {missing}.").format(
                missing="; ".join(ready.missing)))

    def close_shift(self) -> SignDialog | None:
        """The signed-in inspector closes the shift shown: the PIN again; a refusal said in the dialog."""
        chosen = self.current()
        if chosen is None:
            return None
        day, code = chosen
        return self._sign(self.tr("Close shift"), self.tr(
            "Close the shift {shift} of {day}: you sign its heats, analyses and ingots as they are now. "
            "A later change needs a reason and a new signature.").format(shift=self.shift_box.currentText(),
                                                                          day=day.isoformat()),
            lambda store, pin: store.sign_shift(day, code, pin))

    def sign_day(self) -> SignDialog | None:
        """The signed-in workshop head approves the day shown (every shift with heats closed first)."""
        chosen = self.current()
        if chosen is None:
            return None
        day = chosen[0]
        ready = self.readiness()
        if ready is not None and ready.day == day and not ready.ready:  # said now, not after the PIN
            self.day_needs.setText(self.tr("The day cannot be signed yet: {missing}.").format(
                missing="; ".join(ready.missing)))
            return None
        return self._sign(self.tr("Sign the day"), self.tr(
            "Approve {day}: you sign every heat, analysis and ingot of the production day as they are "
            "now. Every shift with heats must be closed first.").format(day=day.isoformat()),
            lambda store, pin: store.sign_day(day, pin))

    def _sign(self, title: str, what: str, work: Callable[[Store, str], object]) -> SignDialog:
        dialog = SignDialog(self.session, title, what, work, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "sign_dialog", None))
        self.sign_dialog = dialog
        dialog.open()
        dialog.pin.setFocus()
        return dialog

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.heat_activated.emit(self.model.heat_no(row))

    # ---------------------------------------------------------------- the rates panel

    def _leading(self) -> str:
        basis = keys.settings().value(keys.LEADING_BASIS, "weight", str)
        return basis if basis in ("weight", "count") else "weight"

    def _rebuild_rates_panel(self) -> None:
        while self.rates_grid.count():
            item = self.rates_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rate_labels.clear()
        self._converter_names = []
        self._build_rates_panel()
        if self.data is not None:
            self._show_rates(self.data)

    def _build_rates_panel(self) -> None:
        names = {
            "ingot_qualified_rate": self.tr("Ingot qualified rate, by weight"),
            "ingot_qualified_rate_by_count": self.tr("Ingot qualified rate, by count"),
            "surface_qualified_rate": self.tr("Surface qualified rate, by weight"),
            "surface_qualified_rate_by_count": self.tr("Surface qualified rate, by count"),
            "chemistry_conformance_rate": self.tr("Chemistry conformance, by heats"),
            "chemistry_conformance_rate_by_weight": self.tr("Chemistry conformance, by tapped weight"),
        }
        leading, following = ((_WEIGHT_ROWS, _COUNT_ROWS) if self._leading() == "weight"
                              else (_COUNT_ROWS, _WEIGHT_ROWS))
        grid = self.rates_grid
        grid.addWidget(QLabel("", self), 0, 0)
        for col, head in ((1, self.tr("Shift")), (2, self.tr("Day"))):
            label = QLabel(f"<b>{head}</b>", self)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(label, 0, col)
        row = 1
        for keys_, big in ((leading, True), (following, False)):
            for key in keys_:
                name = QLabel(names[key], self)
                name.setToolTip(formula(key))
                grid.addWidget(name, row, 0)
                for col, scope in ((1, "shift"), (2, "day")):
                    value = QLabel("—", self)
                    value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    value.setToolTip(formula(key))
                    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                    if big:
                        font = QFont(value.font())
                        font.setPointSizeF(font.pointSizeF() * 1.5)
                        font.setBold(True)
                        value.setFont(font)
                        name.setFont(QFont(name.font().family(), name.font().pointSize(), QFont.Weight.Bold))
                    grid.addWidget(value, row, col)
                    self.rate_labels[(scope, key)] = value
                row += 1
        for key, text in (("output", self.tr("Output, t")),
                          ("awaiting", self.tr("Ingots awaiting chemistry")),
                          ("failing", self.tr("Ingots failing product analysis")),
                          ("pending", self.tr("Ingots pending"))):
            grid.addWidget(QLabel(text, self), row, 0)
            for col, scope in ((1, "shift"), (2, "day")):
                value = QLabel("—", self)
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(value, row, col)
                self.rate_labels[(scope, key)] = value
            row += 1
        self._converter_row = row
        grid.setRowStretch(row + 20, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnMinimumWidth(1, 110)
        grid.setColumnMinimumWidth(2, 110)

    def _show_rates(self, data: ShiftData) -> None:
        for scope, rates_row in (("shift", data.shift_rates), ("day", data.day_rates)):
            rates = rates_row.rates
            for key in _WEIGHT_ROWS + _COUNT_ROWS:
                self.rate_labels[(scope, key)].setText(rate_text(getattr(rates, key)))
            sums = rates_row.sums
            self.rate_labels[(scope, "output")].setText(format_fixed(sums.output_t, 1))  # as the reports
            self.rate_labels[(scope, "awaiting")].setText(str(sums.ingots_awaiting_chemistry))
            self.rate_labels[(scope, "failing")].setText(str(sums.ingots_failing_product_analysis))
            self.rate_labels[(scope, "pending")].setText(str(sums.ingots_pending))
        # heats per converter: rows rebuilt, since the converters may change
        grid = self.rates_grid
        for (scope, key), label in list(self.rate_labels.items()):
            if key.startswith("heats:"):
                grid.removeWidget(label)
                label.deleteLater()
                del self.rate_labels[(scope, key)]
        for label in self._converter_names:
            grid.removeWidget(label)
            label.deleteLater()
        self._converter_names = []
        row = self._converter_row
        for conv in data.converters:
            if not conv.active and not data.day_heats.get(conv.code):
                continue
            name = QLabel(self.tr("Heats, converter {code}").format(code=conv.code), self)
            grid.addWidget(name, row, 0)
            self._converter_names.append(name)
            for col, scope, counts in ((1, "shift", data.shift_heats), (2, "day", data.day_heats)):
                value = QLabel(str(counts.get(conv.code, 0)), self)
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(value, row, col)
                self.rate_labels[(scope, f"heats:{conv.code}")] = value
            row += 1
