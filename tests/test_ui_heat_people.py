"""Records carry the signed-in person: a new heat, its ingots and their judgements are the signed-in
inspector's, whatever the computer's login name; without people, the preferences' name (issue 15, 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from heat_desk import Keyboard, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.preferences import PreferencesDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _log_heat_and_two_ingots(qtbot: QtBot, keys: Keyboard) -> None:
    """Ctrl+N, a grade, a weight, Enter; then two ingots of 3,000 kg, the first judged accepted."""
    window = keys.window
    keys.ctrl(Qt.Key.Key_N)
    dialog = window.new_heat_dialog  # type: ignore[attr-defined]
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0001")
    dialog.grade.setFocus()
    keys.type("Q235B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("30")
    view = window.heat_view  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    view.add_count.setValue(2)
    view.add_weight.setText("3000")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.add_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    keys.press("a")
    qtbot.waitUntil(lambda: window.session.idle() and view.model.ingot(0).disposition.judged)


def test_a_signed_in_inspector_is_the_inspector_of_what_they_log(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    session = session_as(qtbot, db_path, "wang", user="root")  # the computer's login name: root
    try:
        window = show_window(qtbot, session)
        _log_heat_and_two_ingots(qtbot, Keyboard(qtbot, window))
        assert "inspector wang" in window.heat_view.info.text()
        with stored(db_path) as store:
            assert store.heat("1-0001").inspector == "wang"
            assert [i.inspector for i in store.ingots("1-0001")] == ["wang", "wang"]
            assert {e.user for e in store.audit("1-0001")} == {"wang"}
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_without_people_the_preferences_name_is_the_inspector(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path, people=False)
    session = session_as(qtbot, db_path, None, user="Li Ming")  # as the program passes the preference
    try:
        window = show_window(qtbot, session)
        _log_heat_and_two_ingots(qtbot, Keyboard(qtbot, window))
        with stored(db_path) as store:
            assert store.heat("1-0001").inspector == "Li Ming"
            assert [i.inspector for i in store.ingots("1-0001")] == ["Li Ming", "Li Ming"]
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_with_people_the_preferences_offer_no_inspector_name(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    session = session_as(qtbot, db_path, "li")
    try:
        dialog = PreferencesDialog(session)
        qtbot.addWidget(dialog)
        assert not dialog.inspector_edit.isEnabled()
        assert dialog.inspector_edit.text() == "li"
        notes = " ".join(label.text() for label in dialog.findChildren(type(dialog.inspector_error)))
        assert "the signed-in person is the inspector" in notes
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_without_people_the_preferences_keep_the_inspector_name(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path, people=False)
    session = session_as(qtbot, db_path, None)
    try:
        dialog = PreferencesDialog(session)
        qtbot.addWidget(dialog)
        assert dialog.inspector_edit.isEnabled()
        qtbot.keyClicks(dialog.inspector_edit, "Zhang")
        dialog.accept()
        from ui import settings as keys

        assert keys.settings().value(keys.INSPECTOR) == "Zhang"
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()
