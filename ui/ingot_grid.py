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
    QComboBox,
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
from qcdesk.product import ProductCheck, failing_text
from qcdesk.rates import Standing, ingot_standing
from ui.common import ERROR_STYLE, RowsModel, translate_buttons
from ui.read_only import writes

Index = QModelIndex | QPersistentModelIndex

# One key per disposition, as the paper log abbreviates them.
DISPOSITION_KEYS = {"A": Disposition.ACCEPTED, "C": Disposition.CONDITIONED, "R": Disposition.REGRADED,
                    "S": Disposition.SCRAP, "P": Disposition.PENDING}
COL_NO, COL_WEIGHT, COL_DISPOSITION, COL_DEFECTS, COL_REGRADE, COL_STANDING = range(6)


def disposition_name(d: Disposition) -> str:
    return _(DISPOSITION_NAMES[d][0])


class IngotModel(RowsModel[Ingot]):
    """A heat's ingots. Only the weight is edited in place; a refused weight stays as typed, in red,
    with the reason as its tooltip, until it is typed again."""

    weight_entered = Signal(int, float)  # ingot number, kg
    regrade_chosen = Signal(int, object)  # ingot number, the grade it is released as (None: none named)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self._status = ChemStatus.NOT_CHECKED
        self._heat = ""
        self._grade = ""
        self._drafts: dict[int, tuple[str, str]] = {}  # ingot number → (text as typed, why refused)
        self._product_why: dict[int, str] = {}  # ingot number → why its product analysis fails
        self.regrade_choices: tuple[str, ...] = ()  # the grades the heat satisfies (the core's)
        self.headers = (self.tr("No."), self.tr("Weight, kg"), self.tr("Disposition"),
                        self.tr("Defects"), self.tr("Released as"), self.tr("Counts as"))

    def set_ingots(self, ingots: list[Ingot], status: ChemStatus, heat_no: str, grade: str, *,
                   product: ProductCheck | None = None, regrade: tuple[str, ...] = ()) -> None:
        """The heat's ingots; `product`: its product samples as the core judged them; `regrade`: the
        grades a re-graded ingot may be released as (Store.regrade_grades)."""
        why: dict[int, list[str]] = {}
        for verdict in product.samples if product else ():
            if verdict.failing and verdict.sample.ingot_no is not None:
                why.setdefault(verdict.sample.ingot_no, []).append(
                    self.tr("sample {sample}: {elements}").format(sample=verdict.sample.sample_no or "—",
                                                                  elements=failing_text(verdict)))
        self.beginResetModel()
        if heat_no != self._heat:
            self._drafts.clear()
        self.rows, self._status, self._heat, self._grade = list(ingots), status, heat_no, grade
        self._product_why = {n: "; ".join(texts) for n, texts in why.items()}
        self.regrade_choices = tuple(regrade)
        self.endResetModel()

    def product_why(self, ingot_no: int) -> str:
        """Why an ingot's product analysis fails ("" when it does not)."""
        return self._product_why.get(ingot_no, "")

    def ingot(self, row: int) -> Ingot:
        return self.rows[row]

    def draft(self, row: int) -> tuple[str, str] | None:
        return self._drafts.get(self.rows[row].ingot_no) if 0 <= row < len(self.rows) else None

    def standing(self, row: int) -> Standing:
        return self._standing_of(self.rows[row])

    def _standing_of(self, ingot: Ingot) -> Standing:
        return ingot_standing(self._status, ingot.disposition, ingot.product_fails)

    # QAbstractItemModel.flags
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        ingot = self.row_at(index)
        editable = index.column() == COL_WEIGHT or (
            index.column() == COL_REGRADE and ingot is not None and ingot.disposition is Disposition.REGRADED)
        return base | Qt.ItemFlag.ItemIsEditable if editable else base

    def _standing_text(self, standing: Standing) -> str:
        return {
            Standing.PENDING: self.tr("not judged yet"),
            Standing.QUALIFIED: self.tr("qualified"),
            Standing.NOT_QUALIFIED: self.tr("not qualified"),
            Standing.HEAT_FAILS: self.tr("not qualified: heat fails"),
            Standing.AWAITING_CHEMISTRY: self.tr("awaiting chemistry"),
            Standing.PRODUCT_FAILS: self.tr("not qualified: product analysis fails"),
        }[standing]

    def _standing_tip(self, standing: Standing, ingot: Ingot) -> str:
        if ingot.product_fails and ingot.disposition.judged:
            return self.tr("Its product analysis fails ({why}): the ingot is not qualified, whatever its "
                           "surface and its heat's analysis.").format(why=self.product_why(ingot.ingot_no)
                                                                     or self.tr("see the samples"))
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
            if role == Qt.ItemDataRole.EditRole and column == COL_REGRADE:
                return ingot.regrade_to
            standing = self._standing_of(ingot)
            return (str(ingot.ingot_no), format_number(ingot.weight_kg), disposition_name(ingot.disposition),
                    ", ".join(_defect_text(d) for d in ingot.defects), self._regrade_text(ingot),
                    self._standing_text(standing))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if draft is not None:
                return draft[1]
            if column == COL_STANDING:
                return self._standing_tip(self._standing_of(ingot), ingot)
            if column == COL_NO and ingot.product_fails:
                return self._standing_tip(self._standing_of(ingot), ingot)
            if column == COL_REGRADE and ingot.disposition is Disposition.REGRADED:
                return self._regrade_tip()
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if draft is not None:
                return QColor("#b00020")
            standing = self._standing_of(ingot)
            if column == COL_STANDING and standing in (Standing.HEAT_FAILS, Standing.NOT_QUALIFIED,
                                                       Standing.PRODUCT_FAILS):
                return QColor("#b00020")
            if column == COL_NO and ingot.product_fails:
                return QColor("#b00020")
            if column == COL_REGRADE and ingot.regrade_to is None:
                return QColor("#8a6d00")
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_STANDING:
            standing = self._standing_of(ingot)
            return {Standing.QUALIFIED: QColor("#2e7d32"), Standing.HEAT_FAILS: QColor("#b00020"),
                    Standing.NOT_QUALIFIED: QColor("#b00020"), Standing.PRODUCT_FAILS: QColor("#b00020"),
                    Standing.AWAITING_CHEMISTRY: QColor("#e0a000")}.get(standing)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_NO, COL_WEIGHT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _regrade_text(self, ingot: Ingot) -> str:
        if ingot.disposition is not Disposition.REGRADED:
            return ""
        if ingot.regrade_to is not None:
            return ingot.regrade_to
        return self.tr("choose (G)") if self.regrade_choices else self.tr("no grade satisfied")

    def _regrade_tip(self) -> str:
        if not self.regrade_choices:
            return self.tr("The heat's analysis satisfies no grade but its aim grade {grade}: no grade "
                           "can be named.").format(grade=self._grade)
        return self.tr("The grade it is released as, of those heat {heat}'s analysis satisfies: {grades} "
                       "(G chooses)").format(heat=self._heat, grades=", ".join(self.regrade_choices))

    def _set_regrade(self, ingot: Ingot, value: object) -> bool:
        """A grade chosen for a re-graded ingot: only one of the grades the heat satisfies."""
        grade = str(value).strip() if value else None
        if grade is not None and grade not in self.regrade_choices:
            grades = ", ".join(self.regrade_choices) or self.tr("no other grade")
            self.refused.emit(self.tr("{grade} cannot be chosen: heat {heat}'s analysis satisfies "
                                      "{grades}").format(grade=grade, heat=self._heat, grades=grades))
            return False
        if grade != ingot.regrade_to:
            self.regrade_chosen.emit(ingot.ingot_no, grade)
        return True

    # QAbstractItemModel.setData: the weight as typed, or a re-graded ingot's grade; the view saves them
    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        ingot = self.row_at(index)
        if ingot is None or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == COL_REGRADE and ingot.disposition is Disposition.REGRADED:
            return self._set_regrade(ingot, value)
        if index.column() != COL_WEIGHT:
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


class RegradeDelegate(QStyledItemDelegate):
    """A re-graded ingot's grade, picked from the grades its heat satisfies (and none else)."""

    # QStyledItemDelegate.createEditor
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QComboBox(parent)
        editor.setObjectName("regrade_editor")
        editor.addItem(QCoreApplication.translate("IngotGrid", "(none named)"), None)
        model = index.model()
        choices = model.regrade_choices if isinstance(model, IngotModel) else ()
        for grade in choices:
            editor.addItem(grade, grade)
        return editor

    # QStyledItemDelegate.updateEditorGeometry: as wide as its longest choice, whatever the column
    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect
        editor.setGeometry(rect.x(), rect.y(), max(rect.width(), editor.sizeHint().width()), rect.height())

    # QStyledItemDelegate.setEditorData
    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    # QStyledItemDelegate.setModelData
    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class IngotTable(QTableView):
    """Keys: A C R S P judge the selected ingots; D picks defects; G the grade a re-graded ingot is
    released as; L enters a product sample; digits type a weight."""

    disposition_keyed = Signal(object)  # Disposition
    defects_requested = Signal()
    grade_requested = Signal()
    product_requested = Signal()

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
            if text == "G":
                self.grade_requested.emit()
                return
            if text == "L":
                self.product_requested.emit()
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
        writes(add)
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
