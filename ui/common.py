"""Small pieces the work views share: writes that may need a reason, the reason dialog, rate text,
the base of the table models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk.errors import QcError, ReasonRequired
from qcdesk.i18n import _
from qcdesk.rates import FORMULAS, format_rate
from qcdesk.store import Store
from ui import settings as keys
from ui.session import Session

T = TypeVar("T")
R = TypeVar("R")

Index = QModelIndex | QPersistentModelIndex

ERROR_STYLE = "color: #b00020;"
GOOD_BACKGROUND = "#c8efc8"
BAD_BACKGROUND = "#f6c4c4"
DOUBT_BACKGROUND = "#ffe2a8"


# ---------------------------------------------------------------- large text

LARGE_TEXT_SCALE = 1.35  # "large text": 9 pt becomes about 12 pt, legible from the converter's floor
_SCALE_PROPERTY = "qcdesk_text_scale"


def large_text_wanted() -> bool:
    """Whether this workstation's preferences ask for large text."""
    return keys.settings().value(keys.LARGE_TEXT, False, bool) is True


def apply_text_size(app: QApplication, large: bool | None = None) -> float:
    """Set the program's font to the preferred size, before any window is made: every widget's
    text, the row heights taken from it and the charts' text (Qt Charts starts from the program's
    font) follow. Returns the scale."""
    scale = LARGE_TEXT_SCALE if (large_text_wanted() if large is None else large) else 1.0
    base = app.property("qcdesk_base_font")
    if not isinstance(base, QFont):
        base = QFont(app.font())
        app.setProperty("qcdesk_base_font", base)
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    else:
        font.setPixelSize(round(base.pixelSize() * scale))
    app.setFont(font)
    app.setProperty(_SCALE_PROPERTY, scale)
    return scale


def text_scale() -> float:
    """How much larger than Qt's own the program's text is (1.0, or the large text's scale)."""
    app = QApplication.instance()
    value = app.property(_SCALE_PROPERTY) if app is not None else None
    return value if isinstance(value, float) else 1.0


def keep_columns_together(view: QTableView) -> None:
    """A table's columns as wide as their text, the spare width after the last: on a wide screen
    one stretched column would take most of the width and part a row's cells from each other."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def qdate(day: date) -> QDate:
    """A Python date as a QDate (spelled out: the stubs know no QDate(date))."""
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> date:
    """A QDate as a Python date (PySide6 types toPython() as object)."""
    day = value.toPython()
    if not isinstance(day, date):
        raise TypeError(f"QDate.toPython() gave {type(day).__name__}")
    return day


def to_datetime(value: QDateTime) -> datetime:
    """A QDateTime as a Python datetime (PySide6 types toPython() as object)."""
    moment = value.toPython()
    if not isinstance(moment, datetime):
        raise TypeError(f"QDateTime.toPython() gave {type(moment).__name__}")
    return moment


def guarded(work: Callable[[Store], T]) -> Callable[[Store], T | QcError]:
    """Run `work`; an error meant for the user comes back as the value, so the caller can tell
    a refused value (kept, said beside its field) or a needed reason (asked) from success."""
    def run(store: Store) -> T | QcError:
        try:
            return work(store)
        except QcError as exc:
            return exc
    return run


def formula(key: str) -> str:
    """A rate's formula in the language in force (the core's catalogue)."""
    return _(FORMULAS[key])


def rate_text(rate: float | None) -> str:
    """96.6%, or — where the rate is undefined."""
    return format_rate(rate)


def translate_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """The box's standard buttons in the language in force (Qt's own translations are not installed)."""
    standard = QDialogButtonBox.StandardButton
    texts = {standard.Ok: QCoreApplication.translate("Buttons", "OK"),
             standard.Cancel: QCoreApplication.translate("Buttons", "Cancel"),
             standard.Save: QCoreApplication.translate("Buttons", "&Save"),
             standard.Close: QCoreApplication.translate("Buttons", "&Close")}
    for which, text in texts.items():
        button = box.button(which)
        if button is not None:
            button.setText(text)
    return box


def refill_choices(box: QComboBox, items: Sequence[tuple[str, str]]) -> None:
    """New choices after the first ("All"); the one picked stays picked if it is still there.
    No signal: the caller decides whether anything is to be asked again."""
    current = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for text, value in items:
        box.addItem(text, value)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.blockSignals(False)


def converter_label(code: str, name: str) -> str:
    """A converter as the filters name it: its code, and its name when it has another."""
    return code if name == code else f"{code} — {name}"


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A warning with its OK in the language in force (QMessageBox.warning's OK would stay English)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    ok = box.button(QMessageBox.StandardButton.Ok)
    if ok is not None:
        ok.setText(QCoreApplication.translate("Buttons", "OK"))
    box.exec()


class Note(QLabel):
    """A line of news (an error, a hint) that takes no room while it has nothing to say."""

    def __init__(self, parent: QWidget | None = None, style: str = "") -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(style)
        self.hide()

    # QLabel.setText: shown only with text
    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    # QLabel.clear
    def clear(self) -> None:
        self.setText("")


class ReasonDialog(QDialog):
    """Why is a judged or analysed record corrected? (one line; OK only with an answer)."""

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reason for the correction"))
        layout = QVBoxLayout(self)
        said = QLabel(message, self)
        said.setWordWrap(True)
        layout.addWidget(said)
        layout.addWidget(QLabel(self.tr("Reason (goes into the heat's history):"), self))
        self.edit = QLineEdit(self)
        self.edit.setObjectName("reason")
        layout.addWidget(self.edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        translate_buttons(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.edit.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))

    def reason(self) -> str:
        return self.edit.text().strip()


class Corrector(QObject):
    """Runs a write; when the store says a reason is needed, asks for one and runs it again."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self.dialog: ReasonDialog | None = None

    def run(self, work: Callable[[Store, str | None], Any], *, done: Callable[[Any], None],
            failed: Callable[[str], None], changes: str, reason: str | None = None) -> None:
        def answered(result: Any) -> None:
            if isinstance(result, ReasonRequired) and reason is None:
                self._ask(str(result), work, done, failed, changes)
            elif isinstance(result, QcError):
                failed(str(result))
            else:
                done(result)

        self.session.submit(guarded(lambda store: work(store, reason)), done=answered, failed=failed,
                            receiver=self.widget, changes=changes)

    def _ask(self, message: str, work: Callable[[Store, str | None], Any], done: Callable[[Any], None],
             failed: Callable[[str], None], changes: str) -> None:
        dialog = ReasonDialog(message, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog

        def accepted() -> None:
            self.dialog = None
            self.run(work, done=done, failed=failed, changes=changes, reason=dialog.reason())

        def rejected() -> None:
            self.dialog = None
            failed(self.tr("Not saved: a correction needs a reason."))

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.open()


class RowsModel(QAbstractTableModel, Generic[R]):
    """A flat table: one row per item of `rows`, one column per entry of `headers`.

    Gives the counts and the horizontal headers; a subclass gives `data` (starting from
    `row_at`) and, where it edits, `flags` and `setData`. A subclass whose headers are
    translated sets `self.headers` after this `__init__` (self.tr needs the object made)."""

    def __init__(self, headers: Sequence[str] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers: tuple[str, ...] = tuple(headers)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show these rows instead (a reset)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: Index) -> R | None:
        """The row an index points at; None for an invalid index or one outside the rows."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]

    # QAbstractItemModel.rowCount
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    # QAbstractItemModel.columnCount
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.headers)

    # QAbstractItemModel.headerData
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None
