"""A whole shift driven as an inspector would, with the keyboard, on a real database.

Create a heat, type its chemistry and see the verdict, add and judge six ingots,
correct one with a reason (and find it in the heat's history), and see the day's
rate change to the figure worked out by hand below.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition, SampleKind
from qcdesk.store import Store
from ui.common import BAD_BACKGROUND, GOOD_BACKGROUND
from ui.ingot_grid import COL_WEIGHT
from ui.main_window import MainWindow
from ui.session import Session

NOW = datetime(2024, 3, 4, 10, 15)  # a Monday, day shift (08:00–16:00)
# the offscreen platform cannot do these; a real screen can
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    s = Session(db_path, "tester", clock=lambda: NOW)
    yield s
    qtbot.waitUntil(s.idle, timeout=20000)  # a loaded machine may take longer than 5 s
    s.close()


@pytest.fixture
def window(qtbot: QtBot, session: Session) -> MainWindow:
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    return w


def _shortcut(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Ctrl+key in the main window (which a closed dialog hands the focus back to on a real screen)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def test_a_whole_shift_with_the_keyboard(qtbot: QtBot, window: MainWindow, session: Session,
                                         db_path: Path) -> None:
    # a new database asks for its first administrator (the PIN is hashed at OWASP's cost)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run)
    admin = window.first_run.admin
    qtbot.waitUntil(admin.isVisible)
    _type(qtbot, admin.name, "tester")
    _type(qtbot, admin.pin, "tester-pin")
    _type(qtbot, admin.again, "tester-pin")
    qtbot.keyClick(admin.again, Qt.Key.Key_Return)
    qtbot.waitUntil(window.first_run.empty_button.isVisible, timeout=20000)
    assert session.person is not None
    assert session.person.name == "tester"
    assert "tester" in window.who.text()
    # then the demo or an empty start
    qtbot.keyClick(window.first_run.empty_button, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.tabs

    # Ctrl+N: a new heat; the number is suggested, the tap time is now
    _shortcut(qtbot, window, Qt.Key.Key_N)
    dialog = window.new_heat_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0001")
    assert dialog.tapped_at.moment() == NOW
    _type(qtbot, dialog.grade, "q235b")
    _type(qtbot, dialog.weight, "30")
    _type(qtbot, dialog.temperature, "1600")
    with qtbot.waitSignal(window.heat_view.loaded, timeout=5000) as loaded:
        qtbot.keyClick(dialog.temperature, Qt.Key.Key_Return)
    assert loaded.args == ["1-0001"]
    assert window.tabs.currentWidget() is window.heat_view

    # the chemistry: red as soon as C is outside, green inside; the verdict at once
    view = window.heat_view
    edits = view.analysis.edits
    assert list(edits)[:5] == ["C", "Si", "Mn", "P", "S"]
    _type(qtbot, edits["C"], "0.25")
    assert BAD_BACKGROUND in edits["C"].styleSheet()
    assert "fails" in view.analysis.status.text()
    _type(qtbot, edits["C"], "0.15")
    assert GOOD_BACKGROUND in edits["C"].styleSheet()
    assert "not checked" in view.analysis.status.text()
    for element, value in (("Si", "0.20"), ("Mn", "0.50"), ("P", "0.020"), ("S", "0.020")):
        _type(qtbot, edits[element], value)
    assert "conforms" in view.analysis.status.text()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClick(edits["S"], Qt.Key.Key_Return)
    qtbot.waitUntil(session.idle)
    with Store.open(db_path, "check") as store:
        assert store.heat("1-0001").chem_status == "conforms"

    # six ingots of 5000 kg, then the first weighed 5120 kg through the grid's editor
    _type(qtbot, view.add_weight, "5000")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClick(view.add_weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 6)
    table = view.table
    table.setFocus()
    table.setCurrentIndex(view.model.index(0, COL_WEIGHT))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.findChild(QLineEdit, "weight_editor")
    assert editor is not None
    _type(qtbot, editor, "5120")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.idle() and view.model.ingot(0).weight_kg == 5120)

    # judged by single keys, one ingot after the other
    table.setCurrentIndex(view.model.index(0, 0))
    for key in "AAAACS":
        qtbot.keyClick(table, key)
    qtbot.waitUntil(lambda: session.idle() and view.model.ingot(5).disposition is Disposition.SCRAP)
    assert [view.model.ingot(r).disposition.value for r in range(6)] == [
        "accepted", "accepted", "accepted", "accepted", "conditioned", "scrap"]

    # the day's rate: qualified 5120 + 4 × 5000 = 25120 kg of 30120 kg judged = 83.4%
    shift = window.shift_view
    _shortcut(qtbot, window, Qt.Key.Key_1)
    assert window.tabs.currentWidget() is shift
    qtbot.waitUntil(lambda: shift.rate_labels[("day", "ingot_qualified_rate")].text() == "83.4%")
    assert shift.rate_labels[("day", "ingot_qualified_rate_by_count")].text() == "83.3%"  # 5 of 6
    assert shift.model.rowCount() == 1

    # a correction: ingot 4 was misjudged, it is regraded; the store asks why
    shift.table.setFocus()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        qtbot.keyClick(shift.table, Qt.Key.Key_Return)
    table.setFocus()
    table.setCurrentIndex(view.model.index(3, 0))
    qtbot.keyClick(table, "R")
    qtbot.waitUntil(lambda: view.corrector.dialog is not None)
    reason = view.corrector.dialog
    qtbot.keyClicks(reason.edit, "tag misread: ingot 4 is Q215")
    qtbot.keyClick(reason.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.idle() and view.model.ingot(3).disposition is Disposition.REGRADED)

    # the heat's history, one key away, says who, what and why
    _shortcut(qtbot, window, Qt.Key.Key_H)
    history = view.audit_dialog
    assert history is not None
    qtbot.waitUntil(lambda: history.model.rowCount() > 0)
    entries = [history.model.entry(r) for r in range(history.model.rowCount())]
    corrected = [e for e in entries if e.reason]
    assert len(corrected) == 1
    assert (corrected[0].entity_key, corrected[0].field, corrected[0].user) == ("1-0001/4", "disposition",
                                                                                 "tester")
    assert corrected[0].reason == "tag misread: ingot 4 is Q215"
    qtbot.keyClick(history, Qt.Key.Key_Escape)

    # and the day's rate follows: 5120 + 2 × 5000 + 5000 (conditioned) = 20120 of 30120 kg = 66.8%
    _shortcut(qtbot, window, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: shift.rate_labels[("day", "ingot_qualified_rate")].text() == "66.8%")
    assert shift.rate_labels[("day", "ingot_qualified_rate_by_count")].text() == "66.7%"  # 4 of 6
    with Store.open(db_path, "check") as store:
        assert store.rates(NOW.date(), NOW.date()).total.rates.ingot_qualified_rate == pytest.approx(
            20120 / 30120)

    # the lab's product analysis of ingot 1 fails (C far above any tolerance): counted in the view
    assert shift.rate_labels[("day", "failing")].text() == "0"
    with Store.open(db_path, "tester") as store:
        store.login("tester", "tester-pin")
        store.add_sample("1-0001", SampleKind.PRODUCT, {"C": 0.90}, sample_no="P1", ingot_no=1, taken_at=NOW)
    shift.reload()
    qtbot.waitUntil(lambda: shift.rate_labels[("day", "failing")].text() == "1")
