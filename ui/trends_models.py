"""The tables of the trends view: rows of text made from the core's results, read-only.

Each row is the cells as shown, what the row stands for (a bucket index, a defect code, a
heat number), and whether it is marked (a new record: bold). The text is made when the
results arrive, so painting a table does no work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from ui.common import Index, RowsModel


@dataclass(frozen=True)
class TextRow:
    cells: tuple[str, ...]
    key: object = None  # what the row stands for
    marked: bool = False  # shown in bold
    tips: tuple[str, ...] = field(default=())  # a tooltip per cell ("" none)
    color: str = ""  # the text's colour ("" the table's own)


class TextTable(RowsModel[TextRow]):
    """A read-only table of text rows; the columns in `numeric` are aligned right."""

    def __init__(self, headers: Sequence[str], numeric: Sequence[int] = (), parent: QObject | None = None,
                 header_tips: Sequence[str] = ()) -> None:
        super().__init__(headers, parent)
        self.numeric = frozenset(numeric)
        self.header_tips = tuple(header_tips)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_headers(self, headers: Sequence[str]) -> None:
        self.headers = tuple(headers)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self.headers) - 1, 0))

    def key_at(self, row: int) -> object:
        return self.rows[row].key if 0 <= row < len(self.rows) else None

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(self.headers):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column] if column < len(row.cells) else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.marked:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and row.color:
            return QColor(row.color)
        if role == Qt.ItemDataRole.ToolTipRole and column < len(row.tips) and row.tips[column]:
            return row.tips[column]
        return None

    # QAbstractItemModel.headerData: the headers, with a tooltip (a rate's formula) where given
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.header_tips) and self.header_tips[section]):
            return self.header_tips[section]
        return super().headerData(section, orientation, role)
