"""The main window on a real database, shown as a person sees it, for the desktop tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.session import Session


@contextmanager
def shown_window(qtbot: QtBot, db: Path, *, trends: bool = False) -> Iterator[MainWindow]:
    """The window on `db` at 1366×768, shown (and on the Quality trends tab, drawn, with
    `trends`); its session closed once the work it was given is done."""
    session = Session(db, "tester")
    try:
        w = MainWindow(session)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        if trends:
            with qtbot.waitSignal(w.trends_view.trends_shown, timeout=10000):
                w.tabs.setCurrentWidget(w.trends_view)
            qtbot.waitUntil(session.idle)
        yield w
        qtbot.waitUntil(session.idle)
    finally:
        session.close()
