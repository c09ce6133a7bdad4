"""A heat's history: who changed what, when, and why (the audit log, read-only)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
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
from ui.common import ERROR_STYLE, RowsModel, translate_buttons
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex


class AuditModel(RowsModel[AuditEntry]):
    """Audit entries as rows: when, who, action, what, old, new, reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.headers = (self.tr("When"), self.tr("Who"), self.tr("Action"), self.tr("What"),
                        self.tr("Old value"), self.tr("New value"), self.tr("Reason"))
        self._actions = {"insert": self.tr("entered"), "update": self.tr("corrected"),
                         "delete": self.tr("removed")}

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.set_rows(entries)

    def entry(self, row: int) -> AuditEntry:
        return self.rows[row]

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        e = self.row_at(index)
        if e is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
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
