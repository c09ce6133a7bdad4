"""A new heat in a few keystrokes: converter, number (suggested), tap time (now), grade, weight."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from qcdesk import taptime
from qcdesk.errors import Conflict, InputError, NotFound, QcError
from qcdesk.i18n import _
from qcdesk.model import Converter, Heat, Shift
from qcdesk.numbers import TAP_TEMP_C, TAP_WEIGHT_T, format_number, parse_in_range, parse_optional
from qcdesk.store import NewHeat, Store
from ui.common import ERROR_STYLE, guarded, translate_buttons
from ui.session import Session

QUESTION_STYLE = "color: #8a4b00;"

_TRAILING_DIGITS = re.compile(r"(\d+)(\D*)$")


def next_heat_no(last: str | None, converter: str) -> str:
    """The number after `last`, keeping its format (2-0413 → 2-0414); else '<converter>-0001'."""
    if not last:
        return f"{converter}-0001"
    match = _TRAILING_DIGITS.search(last)
    if match is None:
        return f"{last}-1"
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return last[:match.start(1)] + bumped + match.group(2)


class TapTimeEdit(QLineEdit):
    """A tap time, yyyy-MM-dd HH:mm: one field, so one Tab leaves it. Typed alone, a time keeps the
    date shown (qcdesk.taptime); Up and Down move it a minute."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = datetime(2000, 1, 1)
        self.setObjectName("tap_time")
        self.setToolTip(self.tr("Type the time alone (10:30) to keep the date, or the whole "
                                "2024-03-04 10:30 to change it; Up and Down move it a minute."))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("2024-03-04 10:30 ") + 16)

    def set_moment(self, moment: datetime) -> None:
        self._shown = moment.replace(second=0, microsecond=0)
        self.setText(taptime.format_tap_time(self._shown))

    def moment(self) -> datetime:
        """The tap time typed (InputError when the text is none); its date is the one shown unless
        a date was typed."""
        return taptime.parse_tap_time(self.text(), self._shown)

    # QWidget.keyPressEvent: Up and Down a minute
    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(Qt.Key(event.key()))
        if step is not None and not event.modifiers():
            try:
                moment = self.moment() + timedelta(minutes=step)
            except InputError:
                return
            self._shown = moment
            self.setText(taptime.format_tap_time(moment))
            self.textEdited.emit(self.text())
            return
        super().keyPressEvent(event)


class NewHeatDialog(QDialog):
    """Enter saves; Esc cancels; a refused value is said beside its field and stays as typed."""

    saved = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None,
                 shown: tuple[date, str] | None = None) -> None:
        """`shown`: the production date and shift the shift view shows (a tap time in another
        production date is questioned)."""
        super().__init__(parent)
        self.session = session
        self.shown = shown
        self.setWindowTitle(self.tr("New heat"))
        self._grades: list[str] = []
        self._weights: dict[str, float | None] = {}
        self._schedule: list[Shift] = []
        self._confirmed: datetime | None = None  # a doubtful tap time the inspector confirmed

        self.converter = QComboBox(self)
        self.heat_no = QLineEdit(self)
        self.tapped_at = TapTimeEdit(self)
        self.tapped_at.set_moment(_local(session.clock()))
        self.grade = QLineEdit(self)
        self.grade.setPlaceholderText(self.tr("type a few letters, e.g. Q235"))
        self.weight = QLineEdit(self)
        self.weight.setPlaceholderText("t")
        self.temperature = QLineEdit(self)
        self.temperature.setPlaceholderText("°C")
        self.notes = QLineEdit(self)
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        for key, label, widget in (
                ("converter", self.tr("&Converter"), self.converter),
                ("heat_no", self.tr("Heat &number"), self.heat_no),
                ("tapped_at", self.tr("&Tap time"), self.tapped_at),
                ("grade", self.tr("&Grade"), self.grade),
                ("weight", self.tr("Tapped &weight, t"), self.weight),
                ("temperature", self.tr("Tap t&emperature, °C"), self.temperature),
                ("notes", self.tr("N&otes"), self.notes)):
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setObjectName(f"error_{key}")
            row.addWidget(error, 1)
            self.errors[key] = error
            caption = QLabel(label, self)
            caption.setBuddy(widget)  # a row given as a layout gets no buddy, so no Alt+letter, of its own
            form.addRow(caption, row)
        self.general = QLabel(self)
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.question = QLabel(self)  # a doubtful tap time, asked about once (the whole width: it is long)
        self.question.setObjectName("tap_question")
        self.question.setStyleSheet(QUESTION_STYLE)
        self.question.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        translate_buttons(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.question)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self.converter.currentIndexChanged.connect(self._suggest)
        # converter, number and tap time are suggested (Shift+Tab or Alt+letter reach them): the cursor
        # starts where typing does
        self.grade.setFocus()
        session.submit(self._read_choices, done=self._choices_loaded, receiver=self)

    @staticmethod
    def _read_choices(store: Store) -> tuple[list[Converter], dict[str, str | None], list[str],
                                              dict[str, float | None], list[Shift]]:
        converters = store.converters(active_only=True)
        return (converters, {c.code: store.last_heat_no(c.code) for c in converters}, store.grades(),
                {c.code: c.nominal_t for c in converters}, store.shifts())

    def _choices_loaded(self, choices: tuple[list[Converter], dict[str, str | None], list[str],
                                              dict[str, float | None], list[Shift]]) -> None:
        converters, self._last, self._grades, self._weights, self._schedule = choices
        completer = QCompleter(self._grades, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.grade.setCompleter(completer)
        self.converter.blockSignals(True)
        for c in converters:
            self.converter.addItem(f"{c.code} — {c.name}", c.code)
        self.converter.blockSignals(False)
        self._suggest()

    def _suggest(self) -> None:
        code = self.converter.currentData()
        if code is None:
            return
        self.heat_no.setText(next_heat_no(self._last.get(code), code))
        nominal = self._weights.get(code)
        if nominal and not self.weight.text().strip():
            self.weight.setPlaceholderText(self.tr("t (nominal {t})").format(t=format_number(nominal)))

    # ---------------------------------------------------------------- saving

    def _clear_errors(self) -> None:
        self.errors["tapped_at"].setStyleSheet(ERROR_STYLE)
        for label in (*self.errors.values(), self.general, self.question):
            label.clear()

    def _refuse(self, key: str, message: str) -> None:
        self.errors[key].setText(message)

    def save(self) -> None:
        """Check what can be checked here, then save on the worker (Enter)."""
        self._clear_errors()
        values: dict[str, float | None] = {}
        try:
            values["weight"] = parse_in_range(self.weight.text(), "tapped weight", TAP_WEIGHT_T)
        except InputError as exc:
            self._refuse("weight", exc.problem)
        try:
            values["temperature"] = parse_optional(self.temperature.text(), "tap temperature", TAP_TEMP_C)
        except InputError as exc:
            self._refuse("temperature", exc.problem)
        grade = self.grade.text().strip()
        match = [g for g in self._grades if g.casefold() == grade.casefold()]
        if not match:
            self._refuse("grade", self.tr("pick a grade from the list") if grade
                         else self.tr("a grade is needed"))
        if not self.heat_no.text().strip():
            self._refuse("heat_no", self.tr("a heat number is needed"))
        if self.converter.currentData() is None:
            self._refuse("converter", self.tr("no converter in service"))
        tapped: datetime | None = None
        try:
            tapped = self.tapped_at.moment()
        except InputError as exc:
            self._refuse("tapped_at", exc.problem)
        if tapped is None or any(label.text() for label in self.errors.values()):
            return
        if self._question(tapped):
            return
        heat_no, converter = self.heat_no.text().strip(), str(self.converter.currentData())
        grade, weight, temperature, notes = (match[0], float(values["weight"] or 0), values["temperature"],
                                             self.notes.text())

        def work(store: Store) -> Heat:
            with store.transaction():  # the heat, and a doubtful tap temperature noted in its history
                # the store's user is whoever signed in (else the preferences' name): the inspector
                heat = store.add_heat(NewHeat(heat_no=heat_no, converter=converter, tapped_at=tapped,
                                              grade=grade, tap_weight_t=weight, tap_temp_c=temperature,
                                              inspector=store.user, notes=notes))
                store.note_plausibility(heat.heat_no)
            return heat

        self.buttons.setEnabled(False)
        self.session.submit(guarded(work), done=self._answered, failed=self._failed, receiver=self,
                            changes="heats")

    def _question(self, tapped: datetime) -> bool:
        """Ask once about a doubtful tap time (said beside it; Enter again saves): True if asked."""
        said = taptime.doubts(tapped, self.session.clock(), self._schedule, self.shown)
        if not said or tapped == self._confirmed:
            return False
        self._confirmed = tapped
        self.errors["tapped_at"].setText(self.tr("right?"))
        self.errors["tapped_at"].setStyleSheet(QUESTION_STYLE)
        self.question.setText(taptime.question(tapped, said))
        self.tapped_at.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tapped_at.selectAll()  # typed again at once if it was wrong
        return True

    def _failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.general.setText(message)

    def _answered(self, result: Heat | QcError) -> None:
        self.buttons.setEnabled(True)
        if isinstance(result, Heat):
            self.saved.emit(result.heat_no)
            self.accept()
            return
        fields = {_("tapped weight"): "weight", _("tap temperature"): "temperature",
                  _("tap time"): "tapped_at", _("heat number"): "heat_no", _("converter"): "converter"}
        if isinstance(result, InputError) and result.field in fields:
            self._refuse(fields[result.field], result.problem)
        elif isinstance(result, Conflict):
            self._refuse("heat_no", str(result))
        elif isinstance(result, NotFound) and self.grade.text().strip() not in self._grades:
            self._refuse("grade", str(result))
        else:
            self.general.setText(str(result))


def _local(moment: datetime) -> datetime:
    """A clock's reading as a local wall-clock time (tap times are)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment
