"""Set-up → Plans: the production plan per month and per quarter — tonnes of steel and the
target ingot qualified rate — which the trends and the reports measure output against.

A plan is set (or replaced) by a workshop head or an administrator; removing one asks
why. The store checks the period and the figures; a refusal is said beside the form and
what was typed stays.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk.numbers import format_number
from qcdesk.store import Plan, Store, parse_plan
from ui.common import Corrector, RowsModel
from ui.read_only import writes
from ui.session import Session

_Index = QModelIndex | QPersistentModelIndex
_ERROR_STYLE = "color: #b00020;"
_DONE_STYLE = "color: #1b5e20;"


def _tonnes(value: float | None) -> str:
    return "—" if value is None else format_number(round(value, 3))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class PlansModel(RowsModel[Plan]):
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        plan = self.row_at(index)
        if plan is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (plan.period, _tonnes(plan.output_t), _percent(plan.ingot_rate))[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def set_plan(store: Store, period: str, output: str, rate: str) -> Plan:
    """Parse the form's text with the core's number grammar and set the plan."""
    output_t, target = parse_plan(output, rate)
    return store.set_plan(period, output_t=output_t, ingot_rate=target)


class PlansTab(QWidget):
    """The plans, and a form to set or remove one."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        headers = [self.tr("Period"), self.tr("Steel (t)"), self.tr("Target ingot qualified rate")]
        self.model = PlansModel(headers, self)
        self.table = QTableView(self)
        self.table.setObjectName("plans_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._picked)
        note = QLabel(self.tr("A plan is for a month (YYYY-MM) or a quarter (YYYY-Qn): the tonnes of "
                              "steel to tap, the target ingot qualified rate by weight, or both. "
                              "The trends measure output against the quarter's plan."), self)
        note.setWordWrap(True)

        self.period_edit = QLineEdit(self)
        self.period_edit.setObjectName("plan_period")
        self.period_edit.setPlaceholderText(self.tr("e.g. 2026-11 or 2026-Q4"))
        self.output_edit = QLineEdit(self)
        self.output_edit.setObjectName("plan_output")
        self.rate_edit = QLineEdit(self)
        self.rate_edit.setObjectName("plan_rate")
        self.rate_edit.setPlaceholderText(self.tr("e.g. 96.5"))
        self.set_button = QPushButton(self.tr("Set pl&an"), self)
        self.set_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Re&move plan…"), self)
        writes(self.set_button, self.remove_button)
        self.remove_button.clicked.connect(self.remove)
        self.error = QLabel(self)
        self.error.setObjectName("plan_error")
        self.error.setWordWrap(True)
        self.corrector = Corrector(session, self)

        form = QHBoxLayout()
        for text, widget in ((self.tr("Period"), self.period_edit), (self.tr("Steel (t)"), self.output_edit),
                             (self.tr("Target rate (%)"), self.rate_edit)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addWidget(label)
            form.addWidget(widget)
        form.addWidget(self.set_button)
        form.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        session.changed.connect(self._changed)
        self.reload()

    def _changed(self, what: str) -> None:
        if what in ("plans", "setup"):
            self.reload()

    def reload(self) -> None:
        self.session.submit(lambda store: store.plans(), done=self.model.set_rows, receiver=self)

    def _picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        plan = self.model.row_at(current)
        if plan is None:
            return
        self.period_edit.setText(plan.period)
        self.output_edit.setText("" if plan.output_t is None else format_number(plan.output_t))
        rate = plan.ingot_rate
        self.rate_edit.setText("" if rate is None else format_number(round(rate * 100, 6)))

    def save(self) -> None:
        period, output, rate = self.period_edit.text(), self.output_edit.text(), self.rate_edit.text()
        self.session.submit(lambda store: set_plan(store, period, output, rate), changes="plans",
                            done=lambda plan: self._say(self.tr("Plan of {period} saved.").format(
                                period=plan.period)),
                            failed=self._refused, receiver=self)

    def remove(self) -> None:
        period = self.period_edit.text()
        self.corrector.run(lambda store, reason: store.remove_plan(period, reason), changes="plans",
                           done=lambda plan: self._say(self.tr("Plan of {period} removed.").format(
                               period=plan.period)),
                           failed=self._refused)

    def _say(self, text: str) -> None:
        self.error.setStyleSheet(_DONE_STYLE)
        self.error.setText(text)

    def _refused(self, message: str) -> None:
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setText(message)
