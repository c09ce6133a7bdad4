"""The first screen on a database without heats: its first administrator (a new database),
then load the demo workshop, or start empty."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qcdesk.demo import DemoSummary, load_demo
from ui.common import ERROR_STYLE
from ui.read_only import writes
from ui.records import FirstAdminPage
from ui.session import Session


class FirstRunPage(QWidget):
    """A new database's administrator first (`ask_admin`); then two choices: the demo loads on
    the worker while a busy bar runs."""

    finished = Signal()
    demo_loaded = Signal(object)  # the DemoSummary, before finished
    admin_created = Signal(object)  # the Person, signed in

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.steps = QStackedWidget(self)
        holder = QWidget(self.steps)
        self.admin = FirstAdminPage(session, holder)
        centred = QHBoxLayout(holder)
        centred.addStretch(1)
        centred.addWidget(self.admin, 3)
        centred.addStretch(1)
        self.choice = QWidget(self.steps)
        self.steps.addWidget(self.choice)
        self.steps.addWidget(holder)
        QVBoxLayout(self).addWidget(self.steps)
        self.admin.created.connect(self._admin_created)
        page = self.choice
        heading = QLabel(self.tr("This database holds no heats yet."), page)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)
        explain = QLabel(self.tr("Look around with a month of a three-converter workshop (February 1959), "
                                 "or start logging your own heats."), page)
        explain.setWordWrap(True)
        self.explain = explain
        self.demo_button = QPushButton(self.tr("&Load the February 1959 demo workshop"), page)
        self.empty_button = QPushButton(self.tr("&Start empty"), page)
        writes(self.demo_button)
        for b in (self.demo_button, self.empty_button):
            b.setMinimumHeight(48)
            b.setMinimumWidth(380)
        self.busy = QProgressBar(page)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.message = QLabel(page)
        self.message.setWordWrap(True)
        # a column of readable width, centred: the texts get its whole width to wrap in (a word-wrapped
        # label aligned on its own gets a guessed width, and was cut to half-lines)
        column = QWidget(page)
        readable = explain.fontMetrics().averageCharWidth() * 70  # about 70 characters a line
        column.setMaximumWidth(max(self.demo_button.minimumWidth(), readable))
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        for w in (heading, explain, self.demo_button, self.empty_button, self.busy, self.message):
            inner.addWidget(w)
        across = QHBoxLayout()
        across.addStretch(1)
        across.addWidget(column, 4)
        across.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addLayout(across)
        layout.addStretch(2)
        self.demo_button.clicked.connect(self.load_demo)
        self.empty_button.clicked.connect(self.finished)
        self.demo_button.setDefault(True)

    def ask_admin(self) -> None:
        """A new database: its first administrator before anything else."""
        self.steps.setCurrentIndex(1)
        self.admin.name.setFocus()

    def _admin_created(self, person: object) -> None:
        self.steps.setCurrentWidget(self.choice)
        self.demo_button.setFocus()
        self.admin_created.emit(person)

    def load_demo(self) -> None:
        self.demo_button.setEnabled(False)
        self.empty_button.setEnabled(False)
        self.busy.show()
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Loading the demo workshop…"))
        self.session.submit(load_demo, done=self._loaded, failed=self._failed, receiver=self,
                            changes="import", lane="long")

    def _loaded(self, summary: DemoSummary) -> None:
        self.busy.hide()
        self.message.setText("\n".join(summary.lines()))
        self.demo_loaded.emit(summary)
        self.finished.emit()

    def _failed(self, message: str) -> None:
        self.busy.hide()
        self.demo_button.setEnabled(True)
        self.empty_button.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(message)
