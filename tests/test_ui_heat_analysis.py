"""After a new heat is saved the cursor is in its analysis; a saved analysis says so (issue 15, 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from heat_desk import Keyboard, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_a_new_heat_opens_in_its_analysis_and_a_saved_analysis_says_so(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    session = session_as(qtbot, db_path, "wang")
    try:
        window = show_window(qtbot, session)
        view, keys = window.heat_view, Keyboard(qtbot, window)
        keys.ctrl(Qt.Key.Key_N)
        dialog = window.new_heat_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0001")
        keys.alt(Qt.Key.Key_G)
        keys.type("Q235B")
        keys.press(Qt.Key.Key_Tab)
        keys.type("30")
        with qtbot.waitSignal(view.loaded, timeout=10000):
            keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: keys.focus() is view.analysis.edits["C"])
        assert not view.analysis.saved_note.isVisible()
        for value in ("0.15", "0.20", "0.50", "0.020"):
            keys.type(value)
            keys.press(Qt.Key.Key_Tab)
        keys.type("0.020")
        assert QApplication.focusWidget() is view.analysis.edits["S"]
        with qtbot.waitSignal(view.loaded, timeout=10000):
            keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(session.idle)
        assert view.analysis.saved_note.isVisible()
        assert view.analysis.saved_note.text() == "✓ Analysis saved at 10:15"
        assert view.analysis.status.text() == "Chemistry: conforms"
        with stored(db_path) as store:
            assert store.heat("1-0001").analysis == {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020,
                                                     "S": 0.020}
        assert QApplication.focusWidget() is view.analysis.edits["S"]  # the cursor stays where it was
        keys.type("5")  # typed again: no longer what was saved
        assert not view.analysis.saved_note.isVisible()
        keys.press(Qt.Key.Key_Escape)  # taken back: the saved analysis
        assert view.analysis.edits["S"].text() == "0.020"
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()
