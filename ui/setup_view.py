"""Set-up: the data DOMAIN.md calls editable — converters, the shift schedule, grades and the
editions of their standards, the defect catalogue — and the production plans.

Every write goes through the store on the session's worker and is judged by the
core; a refused value stays where it was typed, marked, with the reason beside
it. A grade's limits are never overwritten: a new edition with an effective date
is added, and the heats tapped from that date on are judged again by the core.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcdesk.errors import InputError, QcError
from qcdesk.model import DEFECT_CATEGORIES, Converter, Defect, Limit, Shift, Standard
from qcdesk.numbers import CHEMISTRY_PCT, NOMINAL_HEAT_T, format_chemistry, format_number, parse_optional
from qcdesk.shifts import DAY_MIN
from qcdesk.store import Store, Workshop
from ui.common import Corrector, RowsModel
from ui.plans_view import PlansTab
from ui.read_only import writes
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex
_REFUSED = QColor("#f6c4c4")
_ERROR_STYLE = "color: #b00020;"
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
Write = Callable[[Store], object]


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(_ERROR_STYLE)
    label.setWordWrap(True)
    return label


# ---------------------------------------------------------------- a table of saved records

@dataclass(frozen=True)
class Column:
    """One column of a RecordModel: its header, its text, and how an edit becomes a write."""

    header: str
    text: Callable[[Any], str]
    edit: Callable[[Any, str], Write] | None = None      # may raise InputError on bad text
    checked: Callable[[Any], bool] | None = None          # a check box instead of an editor
    toggle: Callable[[Any, bool], Write] | None = None
    choices: Sequence[tuple[str, str]] = ()               # (shown, value): edited with a list


class RecordModel(QAbstractTableModel):
    """Saved records, one a row, loaded and written through the session.

    An edit is written at once; until the answer comes the typed text is shown. A
    refused edit keeps the typed text in its cell, coloured, with the reason as the
    tooltip and in `refused` (for a label beside the table).
    """

    refused = Signal(str)
    loaded = Signal()

    def __init__(self, session: Session, columns: Sequence[Column], load: Callable[[Store], list[Any]],
                 key: Callable[[Any], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.columns = tuple(columns)
        self._load = load
        self._key = key
        self.records: list[Any] = []
        self._typed: dict[tuple[str, int], tuple[str, str | None]] = {}  # (key, column) → (text, error)
        session.changed.connect(self._changed)
        self.reload()

    def set_loader(self, load: Callable[[Store], list[Any]]) -> None:
        self._load = load
        self.reload()

    def reload(self) -> None:
        self.session.submit(self._load, done=self._loaded, failed=self.refused.emit, receiver=self)

    def _changed(self, what: str) -> None:
        if what in ("setup", "import"):
            self.reload()

    def _loaded(self, records: list[Any]) -> None:
        self.beginResetModel()
        self.records = list(records)
        keys = {self._key(r) for r in self.records}
        self._typed = {k: v for k, v in self._typed.items() if k[0] in keys}
        self.endResetModel()
        self.loaded.emit()

    # QAbstractItemModel.rowCount
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.records)

    # QAbstractItemModel.columnCount
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    # QAbstractItemModel.headerData
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].header
        return None

    # QAbstractItemModel.flags
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = self.columns[index.column()]
        if column.edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        if column.checked is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # QAbstractItemModel.data
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.records):
            return None
        record = self.records[index.row()]
        column = self.columns[index.column()]
        typed = self._typed.get((self._key(record), index.column()))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column.checked is not None:
                return None
            return typed[0] if typed else column.text(record)
        if role == Qt.ItemDataRole.CheckStateRole and column.checked is not None:
            return Qt.CheckState.Checked if column.checked(record) else Qt.CheckState.Unchecked
        if typed and typed[1]:
            if role == Qt.ItemDataRole.BackgroundRole:
                return _REFUSED
            if role == Qt.ItemDataRole.ToolTipRole:
                return typed[1]
        return None

    # QAbstractItemModel.setData: the write goes to the store; the answer comes later
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.row() >= len(self.records):
            return False
        record = self.records[index.row()]
        column = self.columns[index.column()]
        cell = (self._key(record), index.column())
        try:
            if role == Qt.ItemDataRole.CheckStateRole and column.toggle is not None:
                on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
                write = column.toggle(record, on)
                text = None
            elif role == Qt.ItemDataRole.EditRole and column.edit is not None:
                text = str(value)
                if text == column.text(record) and cell not in self._typed:
                    return True
                write = column.edit(record, text)
            else:
                return False
        except QcError as exc:
            self._keep(cell, str(value), str(exc))
            return True
        if text is not None:
            self._typed[cell] = (text, None)
        self.dataChanged.emit(index, index)
        self.session.submit(write, done=lambda _r: self._saved(cell),
                            failed=lambda m: self._keep(cell, text, m), receiver=self, changes="setup")
        return True

    def _saved(self, cell: tuple[str, int]) -> None:
        self._typed.pop(cell, None)  # the reload that `changes` brings shows the saved value

    def _keep(self, cell: tuple[str, int], text: str | None, message: str) -> None:
        if text is not None:
            self._typed[cell] = (text, message)
            row = next((i for i, r in enumerate(self.records) if self._key(r) == cell[0]), None)
            if row is not None:
                self.dataChanged.emit(self.index(row, cell[1]), self.index(row, cell[1]))
        else:
            self.reload()  # a refused check box springs back
        self.refused.emit(message)


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell by picking from a fixed list (value kept in the item's data)."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = tuple(choices)

    # QStyledItemDelegate.createEditor
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        box = QComboBox(parent)
        for shown, value in self.choices:
            box.addItem(shown, value)
        return box

    # QStyledItemDelegate.setEditorData
    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole)
        found = next((i for i, (shown, value) in enumerate(self.choices) if current in (shown, value)), 0)
        editor.setCurrentIndex(found)

    # QStyledItemDelegate.setModelData
    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


# ---------------------------------------------------------------- a table of unsaved rows

class DraftModel(RowsModel[list[str]]):
    """Rows of text being prepared (a schedule, an edition's limits), saved together."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(headers, parent)
        self.marked: set[int] = set()  # rows named by the last refusal

    # RowsModel.set_rows: each row a list of its own (edited in place); no row marked
    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.marked = set()
        super().set_rows([list(r) for r in rows])

    def mark(self, rows: set[int]) -> None:
        self.marked = rows
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.headers) - 1))

    # QAbstractItemModel.flags
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    # QAbstractItemModel.data
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.marked:
            return _REFUSED
        return None

    # QAbstractItemModel.setData
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.row() >= len(self.rows):
            return False
        self.rows[index.row()][index.column()] = str(value)
        self.dataChanged.emit(index, index)
        return True

    # QAbstractItemModel.insertRows
    def insertRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or not 0 <= row <= len(self.rows) or count < 1:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        for _i in range(count):
            self.rows.insert(row, [""] * len(self.headers))
        self.endInsertRows()
        return True

    # QAbstractItemModel.removeRows
    def removeRows(self, row: int, count: int, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self.rows[row:row + count]
        self.endRemoveRows()
        return True


def _table(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    writes(table)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _nominal(text: str) -> float | None:
    return parse_optional(text, "nominal heat size", NOMINAL_HEAT_T)


# ---------------------------------------------------------------- the tabs

class ConvertersTab(QWidget):
    """The workshop's name; converters: rename, nominal heat size, in service or not; add one."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        columns = (
            Column(self.tr("Code"), lambda c: c.code),
            Column(self.tr("Name"), lambda c: c.name,
                   edit=lambda c, text: lambda store: store.update_converter(c.code, name=text)),
            Column(self.tr("Nominal t"), lambda c: "" if c.nominal_t is None else format_number(c.nominal_t),
                   edit=self._nominal_write),
            Column(self.tr("In service"), lambda c: "", checked=lambda c: c.active,
                   toggle=lambda c, on: lambda store: store.update_converter(c.code, active=on)),
        )
        self.model = RecordModel(session, columns, lambda store: store.converters(), lambda c: c.code, self)
        self.table = _table(self.model, self)
        self.error = _error_label(self)
        self.model.refused.connect(self.error.setText)
        self.model.loaded.connect(self.table.resizeColumnsToContents)

        self.code_edit = QLineEdit(self)
        self.name_edit = QLineEdit(self)
        self.nominal_edit = QLineEdit(self)
        self.add_button = QPushButton(self.tr("&Add converter"), self)
        self.add_button.clicked.connect(self.add)
        writes(self.add_button)
        self.add_error = _error_label(self)
        form = QHBoxLayout()
        for text, widget in ((self.tr("Code"), self.code_edit), (self.tr("Name"), self.name_edit),
                             (self.tr("Nominal t"), self.nominal_edit)):
            form.addWidget(QLabel(text, self))
            form.addWidget(widget)
        form.addWidget(self.add_button)

        # the workshop's own name, printed at the head of every sheet and report
        self.workshop_en = QLineEdit(self)
        self.workshop_en.setPlaceholderText(self.tr("in English, e.g. No. 2 Converter Workshop"))
        self.workshop_zh = QLineEdit(self)
        self.workshop_zh.setPlaceholderText(self.tr("in Chinese, e.g. 第二转炉车间"))
        self.workshop_button = QPushButton(self.tr("Save &name"), self)
        self.workshop_button.clicked.connect(self.save_workshop)
        writes(self.workshop_button)
        for edit in (self.workshop_en, self.workshop_zh):
            edit.returnPressed.connect(self.save_workshop)
        self.workshop_error = _error_label(self)
        workshop_label = QLabel(self.tr("Wor&kshop name"), self)
        workshop_label.setBuddy(self.workshop_en)
        workshop = QHBoxLayout()
        workshop.addWidget(workshop_label)
        workshop.addWidget(self.workshop_en, 1)
        workshop.addWidget(self.workshop_zh, 1)
        workshop.addWidget(self.workshop_button)

        layout = QVBoxLayout(self)
        layout.addLayout(workshop)
        layout.addWidget(self.workshop_error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(self.add_error)
        session.changed.connect(self._changed)
        self._load_workshop()

    def _changed(self, what: str) -> None:
        if what == "setup":
            self._load_workshop()

    def _load_workshop(self) -> None:
        self.session.submit(lambda store: store.workshop(), done=self._workshop_loaded,
                            failed=self.workshop_error.setText, receiver=self)

    def _workshop_loaded(self, named: Workshop | None) -> None:
        if self.workshop_en.isModified() or self.workshop_zh.isModified():
            return  # another set-up change: keep what is being typed here
        self.workshop_en.setText(named.name_en if named else "")
        self.workshop_zh.setText(named.name_zh if named else "")

    def save_workshop(self) -> None:
        en, zh = self.workshop_en.text(), self.workshop_zh.text()
        self.session.submit(lambda store: store.set_workshop(en, zh), changes="setup",
                            done=self._workshop_saved, failed=self.workshop_error.setText, receiver=self)

    def _workshop_saved(self, named: Workshop) -> None:
        self.workshop_error.clear()
        for edit in (self.workshop_en, self.workshop_zh):
            edit.setModified(False)
        self._workshop_loaded(named)  # as saved: trimmed

    @staticmethod
    def _nominal_write(c: Converter, text: str) -> Write:
        nominal = _nominal(text)
        return lambda store: store.update_converter(c.code, nominal_t=nominal)

    def add(self) -> None:
        code, name = self.code_edit.text(), self.name_edit.text()
        try:
            nominal = _nominal(self.nominal_edit.text())
        except QcError as exc:
            self.add_error.setText(str(exc))
            self.nominal_edit.setFocus()
            return
        self.add_error.clear()
        self.session.submit(lambda store: store.add_converter(code, name, nominal), changes="setup",
                            done=self._added, failed=self.add_error.setText, receiver=self)

    def _added(self, _converter: Converter) -> None:
        for edit in (self.code_edit, self.name_edit, self.nominal_edit):
            edit.clear()
        self.add_error.clear()


class ShiftsTab(QWidget):
    """The shift schedule, edited as a whole and saved when the core finds it valid."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.days = ((self.tr("day before"), "-1"), (self.tr("same day"), "0"), (self.tr("next day"), "1"))
        self.model = DraftModel((self.tr("Code"), self.tr("English name"), self.tr("Chinese name"),
                                 self.tr("Starts at"), self.tr("Start day")), self)
        self.table = _table(self.model, self)
        self.table.setItemDelegateForColumn(4, ChoiceDelegate(self.days, self))
        self.note = QLabel(self.tr("Heats already saved keep their shift and production date; "
                                   "the schedule applies to heats saved from now on."), self)
        self.note.setWordWrap(True)
        self.error = _error_label(self)
        self.add_button = QPushButton(self.tr("&Add shift"), self)
        self.add_button.clicked.connect(lambda: self.model.insertRows(self.model.rowCount(), 1))
        self.remove_button = QPushButton(self.tr("Re&move shift"), self)
        self.remove_button.clicked.connect(self._remove)
        self.revert_button = QPushButton(self.tr("U&ndo changes"), self)
        self.revert_button.clicked.connect(self.reload)
        self.save_button = QPushButton(self.tr("Save schedu&le"), self)
        self.save_button.clicked.connect(self.save)
        writes(self.add_button, self.remove_button, self.save_button)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.revert_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reload()

    def _day_text(self, offset: int) -> str:
        return next(shown for shown, value in self.days if value == str(offset))

    def reload(self) -> None:
        self.error.clear()
        self.session.submit(lambda store: store.shifts(), done=self._loaded, failed=self.error.setText,
                            receiver=self)

    def _loaded(self, shifts: list[Shift]) -> None:
        rows = []
        for s in shifts:
            offset, minute = divmod(s.start_min, DAY_MIN)
            rows.append([s.code, s.name_en, s.name_zh, f"{minute // 60:02d}:{minute % 60:02d}",
                         self._day_text(offset)])
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    def _remove(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.removeRows(row, 1)

    def schedule(self) -> list[tuple[str, str, str, int]]:
        """The draft as (code, English, 中文, start minute); InputError names a bad row."""
        out = []
        offsets = {shown: int(value) for shown, value in self.days} | {v: int(v) for _s, v in self.days}
        for i, (code, en, zh, start, day) in enumerate(self.model.rows, start=1):
            match = _CLOCK.fullmatch(start.strip())
            if not match:
                raise InputError(self.tr("shift {n}, starts at").format(n=i),
                                 self.tr("write a time of day as HH:MM, e.g. 06:00"))
            minute = int(match[1]) * 60 + int(match[2]) + offsets.get(day, 0) * DAY_MIN
            out.append((code, en, zh, minute))
        return out

    def save(self) -> None:
        try:
            schedule = self.schedule()
        except InputError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.session.submit(lambda store: store.set_shifts(schedule), changes="setup",
                            done=self._loaded, failed=self.error.setText, receiver=self)


class GradesTab(QWidget):
    """Grades and the editions of their standards; a new edition with its effective date."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.corrector = Corrector(session, self)
        self.grades = QStringListModel(self)
        self.grade_list = QListView(self)
        self.grade_list.setModel(self.grades)
        self.grade_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grade_list.selectionModel().currentChanged.connect(self._grade_picked)
        self.grade_edit = QLineEdit(self)
        self.grade_edit.setPlaceholderText(self.tr("new grade, e.g. Q345B"))
        self.add_grade_button = QPushButton(self.tr("Add gr&ade"), self)
        self.add_grade_button.clicked.connect(self.add_grade)
        writes(self.add_grade_button)
        self.grade_error = _error_label(self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.grade_list, 1)
        left_layout.addWidget(self.grade_edit)
        left_layout.addWidget(self.add_grade_button)
        left_layout.addWidget(self.grade_error)

        columns = (Column(self.tr("Standard"), lambda s: s.standard),
                   Column(self.tr("Edition"), lambda s: s.edition),
                   Column(self.tr("In force from"), lambda s: s.effective_from.isoformat()),
                   Column(self.tr("Limits, mass %"), _limits_text))
        self.current_grade: str | None = None
        self.editions = RecordModel(session, columns, lambda _store: [], lambda s: str(s.id), self)
        self.edition_table = _table(self.editions, self)
        self.edition_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.standard_edit = QLineEdit(self)
        self.edition_edit = QLineEdit(self)
        self.effective_edit = QDateEdit(self)
        self.effective_edit.setCalendarPopup(True)
        self.effective_edit.setDisplayFormat("yyyy-MM-dd")
        self.effective_edit.setDate(QDate.currentDate())
        self.limits = DraftModel((self.tr("Element"), self.tr("Min, %"), self.tr("Max, %")), self)
        self.limit_table = _table(self.limits, self)
        self.add_limit_button = QPushButton(self.tr("Add ele&ment"), self)
        self.add_limit_button.clicked.connect(lambda: self.limits.insertRows(self.limits.rowCount(), 1))
        self.remove_limit_button = QPushButton(self.tr("Remove e&lement"), self)
        self.remove_limit_button.clicked.connect(self._remove_limit)
        self.save_button = QPushButton(self.tr("Save ne&w edition"), self)
        self.save_button.clicked.connect(self.save_edition)
        writes(self.add_limit_button, self.remove_limit_button, self.save_button)
        self.edition_error = _error_label(self)
        self.edition_note = QLabel(self.tr("Earlier editions stay as they are; heats tapped from the "
                                           "effective date on are judged again by the new one."), self)
        self.edition_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Standard"), self.standard_edit)
        form.addRow(self.tr("Edition"), self.edition_edit)
        form.addRow(self.tr("In force from"), self.effective_edit)
        limit_buttons = QHBoxLayout()
        limit_buttons.addWidget(self.add_limit_button)
        limit_buttons.addWidget(self.remove_limit_button)
        limit_buttons.addStretch(1)
        limit_buttons.addWidget(self.save_button)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.description_edit = QLineEdit(self)
        self.description_edit.setPlaceholderText(self.tr("what the grade is, e.g. carbon structural steel"))
        self.description_edit.returnPressed.connect(self.save_description)
        self.description_button = QPushButton(self.tr("Save descriptio&n"), self)
        self.description_button.clicked.connect(self.save_description)
        writes(self.description_button)
        self.description_error = _error_label(self)
        description = QHBoxLayout()
        description_label = QLabel(self.tr("Descr&iption"), self)
        description_label.setBuddy(self.description_edit)
        description.addWidget(description_label)
        description.addWidget(self.description_edit, 1)
        description.addWidget(self.description_button)
        right_layout.addLayout(description)
        right_layout.addWidget(self.description_error)
        self.editions_title = QLabel(self)
        right_layout.addWidget(self.editions_title)
        right_layout.addWidget(self.edition_table, 2)
        right_layout.addWidget(QLabel(self.tr("New edition"), self))
        right_layout.addLayout(form)
        right_layout.addWidget(self.limit_table, 2)
        right_layout.addLayout(limit_buttons)
        right_layout.addWidget(self.edition_error)
        right_layout.addWidget(self.edition_note)

        splitter = QSplitter(self)
        splitter.setObjectName("setup_grades")  # the main window remembers named splitters
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        session.changed.connect(self._changed)
        self._load_grades()

    def _changed(self, what: str) -> None:
        if what in ("setup", "import"):
            self._load_grades()

    def _load_grades(self) -> None:
        self.session.submit(lambda store: store.grades(), done=self._grades_loaded,
                            failed=self.grade_error.setText, receiver=self)

    def _grades_loaded(self, grades: list[str]) -> None:
        if grades == self.grades.stringList():
            return
        self.grades.setStringList(grades)
        if self.current_grade in grades:
            self.grade_list.setCurrentIndex(self.grades.index(grades.index(self.current_grade)))
        elif grades:
            self.grade_list.setCurrentIndex(self.grades.index(0))

    def select_grade(self, grade: str) -> None:
        if grade in self.grades.stringList():
            self.grade_list.setCurrentIndex(self.grades.index(self.grades.stringList().index(grade)))

    def _grade_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        grade = current.data() if current.isValid() else None
        if grade == self.current_grade:
            return
        self.current_grade = grade
        self.editions_title.setText(self.tr("Editions of {grade}").format(grade=grade or ""))
        self.editions.set_loader(lambda store: store.standards(grade) if grade else [])
        self.description_edit.clear()
        self.description_error.clear()
        if grade:
            self.session.submit(lambda store: store.grade_description(grade),
                                done=lambda text: self._description_loaded(grade, text),
                                failed=self.description_error.setText, receiver=self)
        self.session.submit(lambda store: store.standards(grade) if grade else [],
                            done=self._start_draft, receiver=self)

    def _start_draft(self, editions: list[Standard]) -> None:
        """A new edition starts as a copy of the latest one's limits (changed where needed)."""
        latest = editions[-1] if editions else None
        self.standard_edit.setText(latest.standard if latest else "")
        self.edition_edit.clear()
        limits = latest.limits if latest else ()
        self.limits.set_rows([[lim.element, _bound(lim.element, lim.min_pct),
                               _bound(lim.element, lim.max_pct)] for lim in limits])
        self.edition_error.clear()

    def _description_loaded(self, grade: str, text: str) -> None:
        if grade == self.current_grade:  # not an answer for a grade picked before this one
            self.description_edit.setText(text)

    def save_description(self) -> None:
        grade, text = self.current_grade, self.description_edit.text()
        if grade is None:
            self.description_error.setText(self.tr("Pick a grade first."))
            return
        self.session.submit(lambda store: store.update_grade(grade, text), changes="setup",
                            done=lambda _r: self.description_error.clear(),
                            failed=self.description_error.setText, receiver=self)

    def _remove_limit(self) -> None:
        row = self.limit_table.currentIndex().row()
        if row >= 0:
            self.limits.removeRows(row, 1)

    def add_grade(self) -> None:
        code = self.grade_edit.text()
        self.session.submit(lambda store: store.add_grade(code), changes="setup",
                            done=lambda _r: self._grade_added(code.strip()), failed=self.grade_error.setText,
                            receiver=self)

    def _grade_added(self, code: str) -> None:
        self.grade_edit.clear()
        self.grade_error.clear()
        self.select_grade(code)

    def draft_limits(self) -> list[Limit]:
        """The limits typed, read by the one number grammar; InputError names the element."""
        limits = []
        marked = set()
        error: InputError | None = None
        for i, (element, low, high) in enumerate(self.limits.rows):
            symbol = element.strip()
            if not symbol and not low.strip() and not high.strip():
                continue
            try:
                limits.append(Limit(symbol, parse_optional(low, symbol or "?", CHEMISTRY_PCT),
                                    parse_optional(high, symbol or "?", CHEMISTRY_PCT)))
            except InputError as exc:
                marked.add(i)
                error = error or exc
        self.limits.mark(marked)
        if error is not None:
            raise error
        return limits

    def save_edition(self) -> None:
        grade = self.current_grade
        if grade is None:
            self.edition_error.setText(self.tr("Pick a grade first."))
            return
        try:
            limits = self.draft_limits()
        except InputError as exc:
            self.edition_error.setText(str(exc))
            return
        standard, edition = self.standard_edit.text(), self.edition_edit.text()
        qdate = self.effective_edit.date()
        effective = date(qdate.year(), qdate.month(), qdate.day())
        self.edition_error.clear()
        # an edition that re-judges heats of signed shifts or days asks why (and supersedes them)
        self.corrector.run(lambda store, reason: store.add_edition(grade, standard, edition, effective,
                                                                   limits, reason=reason),
                           changes="setup", done=self._edition_saved, failed=self._edition_refused)

    def _edition_refused(self, message: str) -> None:
        self.edition_error.setText(message)
        symbols = [r[0].strip() for r in self.limits.rows]
        self.limits.mark({i for i, s in enumerate(symbols)
                          if s and re.search(rf"\b{re.escape(s)}\b", message)})

    def _edition_saved(self, standard: Standard) -> None:
        self.edition_error.setText("")
        self.edition_edit.clear()
        self.limits.mark(set())


def _bound(element: str, value: float | None) -> str:
    return "" if value is None else format_chemistry(element, value)


def _limits_text(standard: Standard) -> str:
    parts = []
    for lim in standard.limits:
        if lim.min_pct is not None and lim.max_pct is not None:
            low, high = _bound(lim.element, lim.min_pct), _bound(lim.element, lim.max_pct)
            parts.append(f"{lim.element} {low}–{high}")
        elif lim.max_pct is not None:
            parts.append(f"{lim.element} ≤{_bound(lim.element, lim.max_pct)}")
        else:
            parts.append(f"{lim.element} ≥{_bound(lim.element, lim.min_pct)}")
    return ", ".join(parts)


class DefectsTab(QWidget):
    """The defect catalogue: add, rename, recategorise, retire (kept on judged ingots)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        names = {"surface": self.tr("surface"), "internal": self.tr("internal"),
                 "dimensional": self.tr("dimensional")}
        categories = [(names.get(c, c), c) for c in DEFECT_CATEGORIES]
        self.categories = categories
        columns = (
            Column(self.tr("Code"), lambda d: d.code),
            Column(self.tr("English name"), lambda d: d.name_en,
                   edit=lambda d, text: lambda store: store.update_defect(d.code, name_en=text)),
            Column(self.tr("Chinese name"), lambda d: d.name_zh,
                   edit=lambda d, text: lambda store: store.update_defect(d.code, name_zh=text)),
            Column(self.tr("Category"), lambda d: names.get(d.category, d.category),
                   edit=self._category_write, choices=categories),
            Column(self.tr("In use"), lambda d: "", checked=lambda d: d.active,
                   toggle=lambda d, on: lambda store: store.update_defect(d.code, active=on)),
        )
        self.model = RecordModel(session, columns, lambda store: store.defects(), lambda d: d.code, self)
        self.table = _table(self.model, self)
        self.table.setItemDelegateForColumn(3, ChoiceDelegate(categories, self))
        self.error = _error_label(self)
        self.model.refused.connect(self.error.setText)
        self.model.loaded.connect(self.table.resizeColumnsToContents)
        self.note = QLabel(self.tr("A defect taken out of use stays on the ingots judged with it "
                                   "and is offered for no new judgement."), self)
        self.note.setWordWrap(True)

        self.code_edit = QLineEdit(self)
        self.en_edit = QLineEdit(self)
        self.zh_edit = QLineEdit(self)
        self.category_box = QComboBox(self)
        for shown, value in categories:
            self.category_box.addItem(shown, value)
        self.add_button = QPushButton(self.tr("&Add defect"), self)
        self.add_button.clicked.connect(self.add)
        writes(self.add_button)
        self.add_error = _error_label(self)
        form = QHBoxLayout()
        for text, widget in ((self.tr("Code"), self.code_edit), (self.tr("English name"), self.en_edit),
                             (self.tr("Chinese name"), self.zh_edit),
                             (self.tr("Category"), self.category_box)):
            form.addWidget(QLabel(text, self))
            form.addWidget(widget)
        form.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.add_error)

    def _category_write(self, d: Defect, text: str) -> Write:
        value = next((v for shown, v in self.categories if text in (shown, v)), text)
        return lambda store: store.update_defect(d.code, category=value)

    def add(self) -> None:
        code, en, zh = self.code_edit.text(), self.en_edit.text(), self.zh_edit.text()
        category = self.category_box.currentData()
        self.session.submit(lambda store: store.add_defect(code, en, zh, category), changes="setup",
                            done=self._added, failed=self.add_error.setText, receiver=self)

    def _added(self, _result: object) -> None:
        for edit in (self.code_edit, self.en_edit, self.zh_edit):
            edit.clear()
        self.add_error.clear()


class SetupView(QWidget):
    """Converters, shift schedule, grades and standards, defect catalogue: one tab each."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tabs = QTabWidget(self)
        self.converters = ConvertersTab(session, self)
        self.shifts = ShiftsTab(session, self)
        self.grades = GradesTab(session, self)
        self.defects = DefectsTab(session, self)
        self.tabs.addTab(self.converters, self.tr("Workshop and &converters"))
        self.tabs.addTab(self.shifts, self.tr("S&hift schedule"))
        self.tabs.addTab(self.grades, self.tr("&Grades and standards"))
        self.tabs.addTab(self.defects, self.tr("&Defect catalogue"))
        self.plans = PlansTab(session, self)
        self.tabs.addTab(self.plans, self.tr("Pr&oduction plans"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
