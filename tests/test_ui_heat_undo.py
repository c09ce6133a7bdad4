"""Ctrl+Z in the heat view takes back the signed-in inspector's last judgement or entry of the heat,
within the minute, recorded as a correction with the reason "undone" (issue 15, Undo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from heat_desk import GOOD, Keyboard, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
P = Disposition.PENDING


def test_ctrl_z_takes_back_a_judgement_then_the_ingots_added(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    add_heat(db_path, "1-0003", analysis=GOOD, ingots=((3900, P),) * 3, who="wang")
    session = session_as(qtbot, db_path, "wang")
    try:
        window = show_window(qtbot, session)
        view, keys = window.heat_view, Keyboard(qtbot, window)
        with qtbot.waitSignal(view.loaded, timeout=10000):
            window.open_heat("1-0003")
        view.table.setFocus()
        view.table.setCurrentIndex(view.model.index(0, 0))
        keys.press("a")
        qtbot.waitUntil(lambda: session.idle() and view.model.ingot(0).disposition is Disposition.ACCEPTED)
        assert view.table.currentIndex().row() == 1
        keys.ctrl(Qt.Key.Key_Z)
        qtbot.waitUntil(lambda: session.idle() and view.model.ingot(0).disposition is P)
        assert view.undo_note.text() == "↶ Taken back: ingot 1 back to disposition pending."
        assert view.table.currentIndex().row() == 0  # on the ingot to judge again
        with stored(db_path) as store:
            assert [(e.field, e.old_value, e.new_value, e.reason, e.user) for e in store.audit("1-0003")
                    if e.reason] == [("disposition", "accepted", "pending", "undone", "wang")]

        keys.ctrl(Qt.Key.Key_Z)  # the change before: the three ingots added
        qtbot.waitUntil(lambda: session.idle() and view.model.rowCount() == 0)
        assert view.undo_note.text() == "↶ Taken back: ingot 1 voided; ingot 2 voided; ingot 3 voided."
        keys.ctrl(Qt.Key.Key_Z)
        qtbot.waitUntil(lambda: view.undo_note.text().startswith("Nothing taken back"))
        assert view.undo_note.text() == ("Nothing taken back: a new heat is not taken back by Undo: void it "
                                         "(Ctrl+Shift+Del).")
        keys.ctrl(Qt.Key.Key_H)  # the history says it as a correction, reason "undone"
        history = view.audit_dialog
        assert history is not None
        qtbot.waitUntil(lambda: history.model.rowCount() > 0)
        undone = [history.model.words(r) for r in range(history.model.rowCount())
                  if history.model.words(r).reason == "undone"]
        assert [(w.action, w.what, w.change) for w in undone[:1]] == [
            ("corrected", "ingot 1 · disposition", "accepted → pending")]
        assert [w.action for w in undone[1:]] == ["voided"] * 3
        keys.press(Qt.Key.Key_Escape)
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_ctrl_z_in_a_typed_field_undoes_the_typing_only(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    add_heat(db_path, "1-0003", analysis=GOOD, ingots=((3900, P),), who="wang")
    session = session_as(qtbot, db_path, "wang")
    try:
        window = show_window(qtbot, session)
        view, keys = window.heat_view, Keyboard(qtbot, window)
        with qtbot.waitSignal(view.loaded, timeout=10000):
            window.open_heat("1-0003")
        view.notes.setFocus(Qt.FocusReason.TabFocusReason)
        keys.type("lab phoned")
        keys.ctrl(Qt.Key.Key_Z)
        assert view.notes.text() == ""
        qtbot.waitUntil(session.idle)
        assert view.undo_note.text() == ""
        with stored(db_path) as store:
            assert len(store.ingots("1-0003")) == 1
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()
