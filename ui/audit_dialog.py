"""A heat's history: who changed what, when, and why (the audit log, read-only)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk.store import AuditEntry
from ui.common import ERROR_STYLE, translate_buttons
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    """Audit entries as rows: when, who, action, what, old, new, reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[AuditEntry] = []
        self._headers = [self.tr("When"), self.tr("Who"), self.tr("Action"), self.tr("What"),
                         self.tr("Old value"), self.tr("New value"), self.tr("Reason")]
        self._actions = {"insert": self.tr("entered"), "update": self.tr("corrected"),
                         "delete": self.tr("removed")}

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry:
        return self._entries[row]

    # QAbstractItemModel.rowCount
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    # QAbstractItemModel.columnCount
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    # QAbstractItemModel.headerData
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._headers)):
            return self._headers[section]
        return None

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self._entries[index.row()]
        what = e.entity_key + (f" · {e.field}" if e.field else "")
        return (e.at, e.user, self._actions.get(e.action, e.action), what,
                e.old_value or "", e.new_value or "", e.reason or "")[index.column()]


class AuditDialog(QDialog):
    """The history of one heat; Esc closes it."""

    def __init__(self, session: Session, heat_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat_no = heat_no
        self.setWindowTitle(self.tr("History of heat {heat_no}").format(heat_no=heat_no))
        self.model = AuditModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        buttons = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(900, 420)
        session.submit(lambda store: store.audit(heat_no), done=self._loaded, failed=self.message.setText,
                       receiver=self)

    def _loaded(self, entries: list[AuditEntry]) -> None:
        self.model.set_entries(entries)
        self.table.scrollToBottom()
