"""The defects dialog with the keyboard: the cursor in the code field, the place by a key in any order,
one Enter one defect, the ingot named and its grid row in sight (issue 15, 4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from heat_desk import GOOD, Keyboard, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition, IngotDefect, Location
from ui.ingot_grid import DefectDialog, split_location
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
A = Disposition.ACCEPTED


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    make_desk(db_path)
    add_heat(db_path, "1-0003", analysis=GOOD, ingots=((3900, A), (3900, A), (3950, A)) + ((3900, A),) * 9)
    session = session_as(qtbot, db_path, "wang")
    try:
        w = show_window(qtbot, session)
        with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
            w.open_heat("1-0003")
        yield w
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def _open_defects(qtbot: QtBot, window: MainWindow, keys: Keyboard, row: int) -> DefectDialog:
    view = window.heat_view
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(row, 0))
    keys.press("d")
    dialog = view.defect_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _row_on_screen(window: MainWindow, row: int) -> QRect:
    table = window.heat_view.table
    rect = table.visualRect(window.heat_view.model.index(row, 0))
    viewport = table.viewport()
    return QRect(viewport.mapToGlobal(QPoint(0, rect.top())), viewport.mapToGlobal(
        QPoint(viewport.width() - 1, rect.bottom())))


def test_type_a_code_say_where_by_key_in_any_order_enter_adds(qtbot: QtBot, window: MainWindow,
                                                              db_path: Path) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _open_defects(qtbot, window, keys, 2)
    assert QApplication.focusWidget() is dialog.code  # typed text goes in at once
    assert dialog.heading.text() == "Defects of ingot 3 of heat 1-0003 (3950 kg, accepted)"
    assert dialog.windowTitle() == dialog.heading.text()
    keys.type("tcrk")
    keys.alt(Qt.Key.Key_T)  # the place after the code
    keys.press(Qt.Key.Key_Return)
    assert dialog.defects == [IngotDefect("TCRK", Location.TOP)]
    assert QApplication.focusWidget() is dialog.code
    keys.alt(Qt.Key.Key_B)  # the place before the code
    keys.type("scab")
    keys.press(Qt.Key.Key_Return)
    keys.type("LCRK m")  # or as a word of its own
    keys.press(Qt.Key.Key_Return)
    keys.type("pipe")  # nowhere in particular
    keys.press(Qt.Key.Key_Return)
    assert dialog.defects == [IngotDefect("TCRK", Location.TOP), IngotDefect("SCAB", Location.BOTTOM),
                              IngotDefect("LCRK", Location.MIDDLE), IngotDefect("PIPE")]
    keys.press(Qt.Key.Key_Return)  # Enter on the empty line keeps the list
    qtbot.waitUntil(lambda: window.heat_view.defect_dialog is None)
    qtbot.waitUntil(lambda: window.session.idle() and "PIPE" in window.heat_view.model.index(2, 3).data())
    assert window.heat_view.model.index(2, 3).data() == "TCRK (top), SCAB (bottom), LCRK (middle), PIPE"
    with stored(db_path) as store:
        assert store.ingots("1-0003")[2].defects == (
            IngotDefect("TCRK", Location.TOP), IngotDefect("SCAB", Location.BOTTOM),
            IngotDefect("LCRK", Location.MIDDLE), IngotDefect("PIPE"))


def test_a_suggestion_chosen_with_enter_is_added_once_with_its_place(qtbot: QtBot,
                                                                   window: MainWindow) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _open_defects(qtbot, window, keys, 0)
    keys.alt(Qt.Key.Key_M)
    keys.type("transv")
    popup = dialog.code.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert QApplication.activePopupWidget() is popup  # the keys go to the suggestions now
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    qtbot.wait(50)  # nothing added later either
    assert dialog.defects == [IngotDefect("TCRK", Location.MIDDLE)]
    assert dialog.code.text() == ""
    assert dialog.location() is None  # the next defect says its own place
    keys.press(Qt.Key.Key_Escape)


def test_the_dialog_leaves_the_ingots_row_in_sight(qtbot: QtBot, window: MainWindow) -> None:
    keys = Keyboard(qtbot, window)
    for row in (0, 11):
        dialog = _open_defects(qtbot, window, keys, row)
        assert not dialog.frameGeometry().intersects(_row_on_screen(window, row)), row
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.heat_view.defect_dialog is None)


def test_an_unknown_or_ambiguous_defect_is_said_and_nothing_added(qtbot: QtBot, window: MainWindow) -> None:
    keys = Keyboard(qtbot, window)
    dialog = _open_defects(qtbot, window, keys, 0)
    keys.type("crack t")
    keys.press(Qt.Key.Key_Return)
    assert dialog.error.text() == "'crack t' is not one defect of the catalogue"
    assert dialog.defects == []
    keys.press(Qt.Key.Key_Escape)


@pytest.mark.parametrize(("typed", "meant"), [
    ("TCRK t", ("TCRK", Location.TOP)), ("b scab", ("scab", Location.BOTTOM)),
    ("横裂 上", ("横裂", Location.TOP)), ("SCAB", ("SCAB", None)), ("t", ("t", None)),
    ("TCRK — transverse crack", ("TCRK", None)), ("double skin", ("double skin", None)),
])
def test_a_place_typed_as_a_word_of_its_own(typed: str, meant: tuple[str, Location | None]) -> None:
    assert split_location(typed) == meant
