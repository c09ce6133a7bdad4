"""The ingot grid of a heat: a table model over its ingots, a weight delegate, keys for dispositions,
and a small dialog for defects."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk.errors import InputError
from qcdesk.i18n import _, language
from qcdesk.model import DISPOSITION_NAMES, ChemStatus, Defect, Disposition, Ingot, IngotDefect, Location
from qcdesk.numbers import INGOT_WEIGHT_KG, format_number, normalise_code, parse_in_range
from qcdesk.rates import Standing, ingot_standing
from ui.common import ERROR_STYLE, RowsModel, translate_buttons

Index = QModelIndex | QPersistentModelIndex

# One key per disposition, as the paper log abbreviates them.
DISPOSITION_KEYS = {"A": Disposition.ACCEPTED, "C": Disposition.CONDITIONED, "R": Disposition.REGRADED,
                    "S": Disposition.SCRAP, "P": Disposition.PENDING}
COL_NO, COL_WEIGHT, COL_DISPOSITION, COL_DEFECTS, COL_STANDING = range(5)


def disposition_name(d: Disposition) -> str:
    return _(DISPOSITION_NAMES[d][0])


class IngotModel(RowsModel[Ingot]):
    """A heat's ingots. Only the weight is edited in place; a refused weight stays as typed, in red,
    with the reason as its tooltip, until it is typed again."""

    weight_entered = Signal(int, float)  # ingot number, kg
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self._status = ChemStatus.NOT_CHECKED
        self._heat = ""
        self._grade = ""
        self._drafts: dict[int, tuple[str, str]] = {}  # ingot number → (text as typed, why refused)
        self.headers = (self.tr("No."), self.tr("Weight, kg"), self.tr("Disposition"),
                        self.tr("Defects"), self.tr("Counts as"))

    def set_ingots(self, ingots: list[Ingot], status: ChemStatus, heat_no: str, grade: str) -> None:
        self.beginResetModel()
        if heat_no != self._heat:
            self._drafts.clear()
        self.rows, self._status, self._heat, self._grade = list(ingots), status, heat_no, grade
        self.endResetModel()

    def ingot(self, row: int) -> Ingot:
        return self.rows[row]

    def draft(self, row: int) -> tuple[str, str] | None:
        return self._drafts.get(self.rows[row].ingot_no) if 0 <= row < len(self.rows) else None

    def standing(self, row: int) -> Standing:
        return ingot_standing(self._status, self.rows[row].disposition)

    # QAbstractItemModel.flags
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == COL_WEIGHT else base

    def _standing_text(self, standing: Standing) -> str:
        return {
            Standing.PENDING: self.tr("not judged yet"),
            Standing.QUALIFIED: self.tr("qualified"),
            Standing.NOT_QUALIFIED: self.tr("not qualified"),
            Standing.HEAT_FAILS: self.tr("not qualified: heat fails"),
            Standing.AWAITING_CHEMISTRY: self.tr("awaiting chemistry"),
        }[standing]

    def _standing_tip(self, standing: Standing) -> str:
        if standing is Standing.HEAT_FAILS:
            return self.tr("Accepted on its surface, but it will not count as qualified: heat {heat} fails "
                           "the chemistry of {grade}.").format(heat=self._heat, grade=self._grade)
        if standing is Standing.AWAITING_CHEMISTRY:
            return self.tr("Left out of the ingot qualified rate until the heat's analysis is complete; "
                           "counted in the surface rate.")
        return self._standing_text(standing)

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        ingot, column = self.row_at(index), index.column()
        if ingot is None:
            return None
        draft = self._drafts.get(ingot.ingot_no) if column == COL_WEIGHT else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if draft is not None:
                return draft[0]
            standing = ingot_standing(self._status, ingot.disposition)
            return (str(ingot.ingot_no), format_number(ingot.weight_kg), disposition_name(ingot.disposition),
                    ", ".join(_defect_text(d) for d in ingot.defects),
                    self._standing_text(standing))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if draft is not None:
                return draft[1]
            if column == COL_STANDING:
                return self._standing_tip(ingot_standing(self._status, ingot.disposition))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if draft is not None:
                return QColor("#b00020")
            standing = ingot_standing(self._status, ingot.disposition)
            if column == COL_STANDING and standing in (Standing.HEAT_FAILS, Standing.NOT_QUALIFIED):
                return QColor("#b00020")
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_STANDING:
            standing = ingot_standing(self._status, ingot.disposition)
            return {Standing.QUALIFIED: QColor("#2e7d32"), Standing.HEAT_FAILS: QColor("#b00020"),
                    Standing.NOT_QUALIFIED: QColor("#b00020"),
                    Standing.AWAITING_CHEMISTRY: QColor("#e0a000")}.get(standing)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_NO, COL_WEIGHT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # QAbstractItemModel.setData: the weight as typed; the view saves an accepted one
    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        ingot = self.row_at(index)
        if ingot is None or index.column() != COL_WEIGHT or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value)
        try:
            kg = parse_in_range(text, self.tr("ingot weight"), INGOT_WEIGHT_KG)
        except InputError as exc:
            self._drafts[ingot.ingot_no] = (text, str(exc))
            self.dataChanged.emit(index, index)
            self.refused.emit(str(exc))
            return True
        self._drafts.pop(ingot.ingot_no, None)
        self.dataChanged.emit(index, index)
        if kg != ingot.weight_kg:
            self.weight_entered.emit(ingot.ingot_no, kg)
        return True


def _defect_text(d: IngotDefect) -> str:
    return d.code if d.location is None else f"{d.code} ({_location_name(d.location)})"


def _location_name(location: Location) -> str:
    return {Location.TOP: QCoreApplication.translate("IngotGrid", "top"),
            Location.MIDDLE: QCoreApplication.translate("IngotGrid", "middle"),
            Location.BOTTOM: QCoreApplication.translate("IngotGrid", "bottom")}[location]


class WeightDelegate(QStyledItemDelegate):
    """A line editor for the weight, starting from what was typed (a refused draft included)."""

    # QStyledItemDelegate.createEditor
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("weight_editor")
        return editor

    # QStyledItemDelegate.setEditorData
    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    # QStyledItemDelegate.setModelData
    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class IngotTable(QTableView):
    """Keys: A C R S P judge the selected ingots; D picks defects; digits type a weight."""

    disposition_keyed = Signal(object)  # Disposition
    defects_requested = Signal()

    # QWidget.keyPressEvent
    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().upper()
        held = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        plain = not held
        if plain and self.state() != QAbstractItemView.State.EditingState:
            if text in DISPOSITION_KEYS:
                self.disposition_keyed.emit(DISPOSITION_KEYS[text])
                return
            if text == "D":
                self.defects_requested.emit()
                return
            if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                    and self.currentIndex().column() == COL_DEFECTS):
                self.defects_requested.emit()
                return
        super().keyPressEvent(event)


# The keys that say where a defect is, typed in the code field with Alt (or as a word of their own):
# T, M, B as top, middle, bottom; N as nowhere in particular.
LOCATION_KEYS = {Qt.Key.Key_T: Location.TOP, Qt.Key.Key_M: Location.MIDDLE, Qt.Key.Key_B: Location.BOTTOM,
                 Qt.Key.Key_N: None}
_LOCATION_WORDS = {"t": Location.TOP, "top": Location.TOP, "上": Location.TOP, "上部": Location.TOP,
                   "顶": Location.TOP, "m": Location.MIDDLE, "middle": Location.MIDDLE, "中": Location.MIDDLE,
                   "中部": Location.MIDDLE, "b": Location.BOTTOM, "bottom": Location.BOTTOM,
                   "下": Location.BOTTOM, "下部": Location.BOTTOM, "底": Location.BOTTOM}


def split_location(text: str) -> tuple[str, Location | None]:
    """A defect as typed, "TCRK t" or "t TCRK" alike: the defect, and the location a word of its own
    says (the first or the last word; only beside another word)."""
    words = normalise_code(text.split("—", maxsplit=1)[0]).split()
    if len(words) >= 2:
        for at in (-1, 0):
            where = _LOCATION_WORDS.get(words[at].casefold())
            if where is not None:
                del words[at]
                return " ".join(words), where
    return " ".join(words), None


class DefectLine(QLineEdit):
    """The code field: Alt+T, Alt+M, Alt+B (Alt+N: nowhere in particular) say where, before or after
    the code, and the cursor stays."""

    location_keyed = Signal(object)  # Location | None

    def _location_key(self, event: QKeyEvent) -> bool:
        return (event.modifiers() == Qt.KeyboardModifier.AltModifier
                and Qt.Key(event.key()) in LOCATION_KEYS)

    # QObject.event: Alt+T is the field's own, not a shortcut's (also while the completions show)
    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and self._location_key(event)):
            event.accept()
            return True
        return super().event(event)

    # QWidget.keyPressEvent
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._location_key(event):
            self.location_keyed.emit(LOCATION_KEYS[Qt.Key(event.key())])
            event.accept()
            return
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # returnPressed said it all: the dialog's OK must not take it too


class DefectDialog(QDialog):
    """An ingot's defects: type a code or a name (completed from the catalogue) and say where with a key
    (Alt+T, Alt+M, Alt+B, before or after the code), Enter adds; Enter on an empty line (or OK) keeps
    the list; Del removes the selected one; Esc cancels."""

    def __init__(self, catalogue: list[Defect], current: tuple[IngotDefect, ...], title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._catalogue = catalogue
        self._usable = [d for d in catalogue if d.active] + [
            d for d in catalogue if not d.active and d.code in {c.code for c in current}]
        self.defects: list[IngotDefect] = list(current)
        self.heading = QLabel(title, self)
        self.heading.setObjectName("defects_heading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.list = QListWidget(self)
        self.code = DefectLine(self)
        self.code.setPlaceholderText(self.tr("code or name, e.g. TCRK or crack"))
        zh = language() == "zh"
        completer = QCompleter([self._label(d, zh) for d in self._usable], self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        # a completion chosen with Enter fills the field, and that same Enter adds it (returnPressed):
        # one Enter, one defect
        self.code.setCompleter(completer)
        self.places = QButtonGroup(self)
        self.place_buttons: dict[Location | None, QRadioButton] = {}
        row = QHBoxLayout()
        row.addWidget(self.code, 2)
        where = QLabel(self.tr("where:"), self)
        row.addWidget(where)
        for loc, text in ((None, self.tr("a&nywhere")), (Location.TOP, self.tr("&top")),
                          (Location.MIDDLE, self.tr("&middle")), (Location.BOTTOM, self.tr("&bottom"))):
            button = QRadioButton(text, self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cursor stays in the code field
            self.places.addButton(button)
            self.place_buttons[loc] = button
            row.addWidget(button)
        self.place_buttons[None].setChecked(True)
        add = QPushButton(self.tr("&Add"), self)
        add.setAutoDefault(False)
        add.clicked.connect(self._add)
        row.addWidget(add)
        self.code.location_keyed.connect(self.set_location)
        self.keys = QLabel(self.tr("Alt+T top · Alt+M middle · Alt+B bottom, before or after the code · "
                                   "Enter adds · Enter on an empty line keeps the list · Del removes"), self)
        self.keys.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        buttons = translate_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        for b in buttons.buttons():
            if isinstance(b, QPushButton):  # a box's standard buttons are push buttons
                b.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(row)
        layout.addWidget(self.keys)
        layout.addWidget(self.error)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.code.returnPressed.connect(self._enter)
        self._show()
        self.resize(640, 300)
        self.code.setFocus()  # typed text goes into the code field from the start

    @staticmethod
    def _label(d: Defect, zh: bool) -> str:
        return f"{d.code} — {d.name_zh if zh else d.name_en}"

    def location(self) -> Location | None:
        """Where the next defect added was found (None: nowhere in particular)."""
        return next(loc for loc, b in self.place_buttons.items() if b.isChecked())

    def set_location(self, where: Location | None) -> None:
        self.place_buttons[where].setChecked(True)

    def _show(self) -> None:
        self.list.clear()
        for d in self.defects:
            QListWidgetItem(_defect_text(d), self.list)

    def find_defect(self, text: str) -> Defect | None:
        """The catalogue's defect a typed code, name or completion means, if exactly one."""
        typed = normalise_code(text.split("—", maxsplit=1)[0]).strip()
        if not typed:
            return None
        by_code = [d for d in self._usable if d.code == typed.upper()]
        if by_code:
            return by_code[0]
        folded = typed.casefold()
        named = [d for d in self._usable
                 if folded in d.name_en.casefold() or folded in d.name_zh.casefold()]
        return named[0] if len(named) == 1 else None

    def _enter(self) -> None:
        if not self.code.text().strip():
            self.accept()
        else:
            self._add()

    def _add(self) -> None:
        typed, where = split_location(self.code.text())
        found = self.find_defect(self.code.text()) or self.find_defect(typed)
        if found is None:
            self.error.setText(self.tr("{text!r} is not one defect of the catalogue").format(
                text=self.code.text().strip()))
            return
        if self.find_defect(self.code.text()) is not None:
            where = None  # the whole text named the defect: no word of it was a location
        self.error.clear()
        self.defects.append(IngotDefect(found.code, where or self.location()))
        self.code.clear()
        self.set_location(None)  # each defect says its own place
        self._show()
        self.list.scrollToBottom()

    # QWidget.keyPressEvent: Del removes the selected defect
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and self.list.currentRow() >= 0:
            del self.defects[self.list.currentRow()]
            self._show()
            return
        super().keyPressEvent(event)
