"""A correction says what changes, the cursor waits for the answer, and the reasons given before are
offered (issue 15, 7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from heat_desk import GOOD, NOW, Keyboard, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from signed_shop import PINS

from qcdesk.model import Disposition
from qcdesk.store import Store
from ui.heat_view import CorrectionDialog, HeatView
from ui.ingot_grid import COL_WEIGHT
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
A, C, S = Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.SCRAP


def _earlier_corrections(path: Path) -> None:
    """On heat 2-0001: "ground out" given twice (10:00), "tag misread" (10:05), "scale re-read" (10:10);
    a void's reason and an undo's are no correction's."""
    clock = [datetime(2024, 3, 4, 10, 0)]
    with Store.open(path, "tester", clock=lambda: clock[0]) as store:
        store.login("wang", PINS["wang"])
        for n, reason in ((1, "ground out"), (2, "ground out")):
            store.update_ingot("2-0001", n, disposition=C, reason=reason)
        clock[0] += timedelta(minutes=5)
        store.update_ingot("2-0001", 3, disposition=S, reason="tag misread")
        clock[0] += timedelta(minutes=5)
        store.update_ingot("2-0001", 3, disposition=A, reason="scale re-read")
        store.update_ingot("2-0001", 4, disposition=S, reason="undone")
        store.void_ingot("2-0001", 5, "never cast")


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    make_desk(db_path)
    add_heat(db_path, "2-0001", datetime(2024, 3, 4, 8, 30), analysis=GOOD, ingots=((3900, A),) * 5)
    _earlier_corrections(db_path)
    add_heat(db_path, "1-0003", analysis=GOOD, ingots=((3900, A),) * 3)
    session = session_as(qtbot, db_path, "wang")
    try:
        w = show_window(qtbot, session)
        with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
            w.open_heat("1-0003")
        yield w
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def _dialog(qtbot: QtBot, view: HeatView) -> CorrectionDialog:
    qtbot.waitUntil(lambda: view.corrector.dialog is not None)
    dialog = view.corrector.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_the_store_offers_earlier_reasons_most_used_then_most_recent(db_path: Path) -> None:
    make_desk(db_path)
    add_heat(db_path, "2-0001", datetime(2024, 3, 4, 8, 30), analysis=GOOD, ingots=((3900, A),) * 5)
    _earlier_corrections(db_path)
    with stored(db_path) as store:
        assert store.earlier_reasons() == ["ground out", "scale re-read", "tag misread"]
        assert store.earlier_reasons(limit=2) == ["ground out", "scale re-read"]


def test_a_disposition_correction_says_what_changes_and_waits(qtbot: QtBot, window: MainWindow,
                                                             db_path: Path) -> None:
    view, keys = window.heat_view, Keyboard(qtbot, window)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(1, 0))
    keys.press("c")
    dialog = _dialog(qtbot, view)
    assert dialog.change.text() == "Ingot 2 of heat 1-0003: accepted → conditioned"
    assert view.table.currentIndex().row() == 1  # the cursor waits for the answer
    rect = view.table.visualRect(view.model.index(1, 0))
    row = QRect(view.table.viewport().mapToGlobal(QPoint(0, rect.top())),
                view.table.viewport().mapToGlobal(QPoint(view.table.viewport().width() - 1, rect.bottom())))
    assert not dialog.frameGeometry().intersects(row)  # the row it is about stays in sight
    assert [dialog.choices.item(r).text() for r in range(dialog.choices.count())] == [
        "ground out", "scale re-read", "tag misread"]
    assert QApplication.focusWidget() is dialog.edit
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Up)
    assert dialog.edit.text() == "ground out"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.idle() and view.model.ingot(1).disposition is C)
    qtbot.waitUntil(lambda: view.table.currentIndex().row() == 2)  # answered and saved: on to the next
    with stored(db_path) as store:
        assert [(e.field, e.old_value, e.new_value, e.reason) for e in store.audit("1-0003")
                if e.entity_key == "1-0003/2" and e.action == "update"] == [
            ("disposition", "accepted", "conditioned", "ground out")]


def test_a_cancelled_correction_leaves_ingot_and_cursor(qtbot: QtBot, window: MainWindow,
                                                        db_path: Path) -> None:
    view, keys = window.heat_view, Keyboard(qtbot, window)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    keys.press("s")
    _dialog(qtbot, view)
    keys.type("a new reason")
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.corrector.dialog is None)
    qtbot.waitUntil(window.session.idle)
    assert view.table.currentIndex().row() == 0
    assert view.ingot_error.text() == "Not saved: a correction needs a reason."
    with stored(db_path) as store:
        assert store.ingots("1-0003")[0].disposition is A


def test_weight_record_and_analysis_corrections_say_what_changes(qtbot: QtBot, window: MainWindow,
                                                                 db_path: Path) -> None:
    view, keys = window.heat_view, Keyboard(qtbot, window)
    # a judged ingot's weight
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, COL_WEIGHT))
    keys.press(Qt.Key.Key_F2)
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    keys.ctrl(Qt.Key.Key_A)
    keys.type("3950")
    keys.press(Qt.Key.Key_Return)
    dialog = _dialog(qtbot, view)
    assert dialog.change.text() == "Ingot 1 of heat 1-0003: weight 3,900 kg → 3,950 kg"
    keys.type("scale re-read")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.idle() and view.model.ingot(0).weight_kg == 3950)
    # the record's tapped weight
    keys.focus()  # the window active again, as on a screen once the dialog closed
    view.weight.setFocus(Qt.FocusReason.TabFocusReason)
    keys.type("31.5")
    keys.press(Qt.Key.Key_Return)
    dialog = _dialog(qtbot, view)
    assert dialog.change.text() == "Heat 1-0003: tapped weight 30 t → 31.5 t"
    # given twice now, as "ground out", and more recently: first
    assert dialog.choices.item(0).text() == "scale re-read"
    keys.press(Qt.Key.Key_Down)
    assert dialog.edit.text() == "scale re-read"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.idle() and view.data is not None
                    and view.data.heat.tap_weight_t == 31.5)
    # an analysis value
    keys.focus()
    view.analysis.edits["Mn"].setFocus(Qt.FocusReason.TabFocusReason)
    keys.type("0.60")
    keys.press(Qt.Key.Key_Return)
    dialog = _dialog(qtbot, view)
    assert dialog.change.text() == "Heat 1-0003: Mn 0.50 % → 0.60 %"
    keys.type("lab repeat")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.idle() and view.data is not None
                    and view.data.heat.analysis["Mn"] == 0.60)
    with stored(db_path) as store:
        assert [(e.field, e.reason) for e in store.audit("1-0003") if e.reason] == [
            ("weight_kg", "scale re-read"), ("tap_weight_t", "scale re-read"), ("Mn", "lab repeat")]
    assert NOW.date() == view.data.heat.production_date
