"""The tap time with the keyboard: one Tab leaves it, a time typed alone keeps the date, a doubtful
tap time is questioned once, in a new heat and in a correction (issue 15, 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from heat_desk import Keyboard, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.heat_entry import NewHeatDialog
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    make_desk(db_path)
    add_heat(db_path, "1-0003")  # 09:00 on 2024-03-04, no analysis, no ingots
    session = session_as(qtbot, db_path, "wang")
    try:
        yield show_window(qtbot, session)
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def _new_heat(qtbot: QtBot, window: MainWindow, keys: Keyboard) -> NewHeatDialog:
    keys.ctrl(Qt.Key.Key_N)
    dialog = window.new_heat_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0004")
    return dialog


def _fill(keys: Keyboard, dialog: NewHeatDialog) -> None:
    keys.alt(Qt.Key.Key_G)
    assert QApplication.focusWidget() is dialog.grade
    keys.type("Q235B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("30")


def test_one_tab_leaves_the_tap_time_and_a_time_alone_keeps_the_date(qtbot: QtBot, window: MainWindow,
                                                                     db_path: Path) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _new_heat(qtbot, window, keys)
    assert dialog.tapped_at.text() == "2024-03-04 10:15"  # now
    keys.alt(Qt.Key.Key_T)
    assert QApplication.focusWidget() is dialog.tapped_at
    assert dialog.tapped_at.selectedText() == "2024-03-04 10:15"  # typing replaces it
    keys.type("10:05")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.grade
    keys.type("Q235B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("30")
    with qtbot.waitSignal(window.heat_view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    with stored(db_path) as store:
        assert store.heat("1-0004").tapped_at == datetime(2024, 3, 4, 10, 5)


def test_up_and_down_move_the_tap_time_a_minute(qtbot: QtBot, window: MainWindow) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _new_heat(qtbot, window, keys)
    keys.alt(Qt.Key.Key_T)
    keys.press(Qt.Key.Key_Up, times=2)
    keys.press(Qt.Key.Key_Down)
    assert dialog.tapped_at.text() == "2024-03-04 10:16"
    keys.press(Qt.Key.Key_Escape)


def test_a_tap_time_ahead_is_questioned_once_then_saved_as_typed(qtbot: QtBot, window: MainWindow,
                                                                  db_path: Path) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _new_heat(qtbot, window, keys)
    keys.alt(Qt.Key.Key_T)
    keys.type("11:30")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Q235B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("30")
    keys.press(Qt.Key.Key_Return)
    question = dialog.question.text()
    assert dialog.errors["tapped_at"].text() == "right?"  # beside the field; the question under the form
    assert question == ("Is the tap time 2024-03-04 11:30 right? It is 1 h 15 min ahead of the clock. "
                        "Enter again saves it as typed.")
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.tapped_at  # to type it again if it was wrong
    with stored(db_path) as store:
        assert store.heat_nos_starting("1-0004") == []
    with qtbot.waitSignal(window.heat_view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)  # the inspector knows better
    with stored(db_path) as store:
        assert store.heat("1-0004").tapped_at == datetime(2024, 3, 4, 11, 30)


def test_a_date_typed_ahead_is_questioned_and_a_new_time_asked_about_again(
        qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _new_heat(qtbot, window, keys)
    _fill(keys, dialog)
    keys.alt(Qt.Key.Key_T)
    keys.type("03-05 10:15")
    keys.press(Qt.Key.Key_Return)
    assert "It is 24 h 00 min ahead of the clock; it belongs to production date 2024-03-05, not to " \
           "2024-03-04 shown." in dialog.question.text()
    keys.type("2024-03-04 06:00")  # a night-shift heat: another doubt, asked about in turn
    keys.press(Qt.Key.Key_Return)
    assert "It is 4 h 15 min before now." in dialog.question.text()
    keys.type("10:10")
    with qtbot.waitSignal(window.heat_view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    with stored(db_path) as store:
        assert store.heat("1-0004").tapped_at == datetime(2024, 3, 4, 10, 10)


def test_a_tap_time_outside_the_production_date_shown_is_questioned(qtbot: QtBot, window: MainWindow,
                                                                    db_path: Path) -> None:
    shift = window.shift_view
    with qtbot.waitSignal(shift.loaded, timeout=10000):
        shift.show_shift(date(2024, 3, 3), "day")  # the inspector fills in yesterday's day shift
    keys = Keyboard(qtbot, window)
    dialog = _new_heat(qtbot, window, keys)
    _fill(keys, dialog)
    keys.press(Qt.Key.Key_Return)
    assert "It belongs to production date 2024-03-04, not to 2024-03-03 shown" in \
        dialog.question.text()
    keys.type("2024-03-03 15:00")  # in the shift shown: nothing doubtful
    with qtbot.waitSignal(window.heat_view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    with stored(db_path) as store:
        heat = store.heat("1-0004")
    assert (heat.tapped_at, heat.production_date, heat.shift) == (datetime(2024, 3, 3, 15, 0),
                                                                  date(2024, 3, 3), "day")


def test_a_corrected_tap_time_in_another_day_is_questioned_once(qtbot: QtBot, window: MainWindow,
                                                                db_path: Path) -> None:
    view = window.heat_view
    with qtbot.waitSignal(view.loaded, timeout=10000):
        window.open_heat("1-0003")
    keys = Keyboard(qtbot, window)
    view.tapped_at.setFocus(Qt.FocusReason.TabFocusReason)
    keys.type("03-03 09:00")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(window.session.idle)
    assert view.tap_question.text().startswith("Is the tap time 2024-03-03 09:00 right? It is 25 h 15 min "
                                               "before now; it belongs to production date 2024-03-03, "
                                               "not to 2024-03-04 shown.")
    with stored(db_path) as store:
        assert store.heat("1-0003").tapped_at == datetime(2024, 3, 4, 9, 0)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    with stored(db_path) as store:
        assert store.heat("1-0003").production_date == date(2024, 3, 3)
    assert view.tap_question.text() == ""
    keys.ctrl(Qt.Key.Key_A)
    keys.type("nine")
    keys.press(Qt.Key.Key_Return)
    assert "'nine' is not a tap time" in view.header_error.text()
