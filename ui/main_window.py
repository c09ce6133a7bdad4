"""The main window: the views of the program as tabs, the menus, the status bar."""

from __future__ import annotations

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from ui import settings as keys
from ui.session import Session


class MainWindow(QMainWindow):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("qcdesk — {path}").format(path=session.path.name))
        self.tabs = QTabWidget(self)
        self.setCentralWidget(self.tabs)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        session.failed.connect(self.statusBar().showMessage)
        geometry = keys.settings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    # QWidget.closeEvent: remember where the window was
    def closeEvent(self, event: QCloseEvent) -> None:
        keys.settings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
