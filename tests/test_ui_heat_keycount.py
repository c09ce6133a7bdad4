"""A whole heat as an inspector logs it, with no mouse, keys counted (issue 15, "Done when").

Log the heat, type a five-element analysis, add and judge eight ingots, give one a defect with its
location, correct one with a reason. Every key goes where the focus is, as from a keyboard; the
characters of the values typed (grade, weights, temperature, analysis, how many, kg, defect code,
reason) are not counted, every other key is. Target: at most 60.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from heat_desk import Keyboard, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition, IngotDefect, Location

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
TARGET = 60


def test_a_whole_heat_in_at_most_60_keys(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    session = session_as(qtbot, db_path, "wang")
    try:
        window = show_window(qtbot, session)
        view = window.heat_view
        keys = Keyboard(qtbot, window)

        # log the heat: Ctrl+N; number, converter and tap time suggested; the cursor in the grade
        keys.ctrl(Qt.Key.Key_N)
        dialog = window.new_heat_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0001")
        keys.type("Q235B")
        keys.press(Qt.Key.Key_Tab)
        keys.type("31.5")
        keys.press(Qt.Key.Key_Tab)
        keys.type("1620")
        with qtbot.waitSignal(view.loaded, timeout=10000):
            keys.press(Qt.Key.Key_Return)

        # the analysis: the cursor is in C; Tab from element to element, Enter saves
        qtbot.waitUntil(lambda: keys.focus() is view.analysis.edits["C"])
        for value in ("0.15", "0.20", "0.50", "0.020"):
            keys.type(value)
            keys.press(Qt.Key.Key_Tab)
        keys.type("0.020")
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: session.idle() and view.analysis.saved_note.isVisible())

        # eight ingots of 3,900 kg: Ctrl+I, how many, Tab, kg, Enter
        keys.ctrl(Qt.Key.Key_I)
        keys.type("8")
        keys.press(Qt.Key.Key_Tab)
        keys.type("3900")
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.model.rowCount() == 8 and keys.focus() is view.table)

        # judged one by one; ingot 5's transverse crack at the top, found before it is judged
        keys.press("a", times=4)
        keys.press("d")
        qtbot.waitUntil(lambda: view.defect_dialog is not None)
        keys.type("tcrk")
        keys.alt(Qt.Key.Key_T)
        keys.press(Qt.Key.Key_Return)
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.defect_dialog is None)
        keys.press("c")
        keys.press("a", times=3)
        qtbot.waitUntil(lambda: session.idle() and view.model.ingot(7).disposition.judged)

        # a correction: ingot 3 is scrap after all; the reason asked says what changes
        keys.ctrl(Qt.Key.Key_Home)
        keys.press(Qt.Key.Key_Down, times=2)
        keys.press("s")
        qtbot.waitUntil(lambda: view.corrector.dialog is not None)
        assert view.corrector.dialog.change.text() == "Ingot 3 of heat 1-0001: accepted → scrap"
        keys.type("surface inclusions: remelt")
        keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: session.idle() and view.model.ingot(2).disposition is Disposition.SCRAP)

        print(f"\nkey presses beyond the values typed, a whole heat: {keys.presses}")
        print("  " + " ".join(keys.log))
        assert keys.presses <= TARGET

        with stored(db_path) as store:
            heat = store.heat("1-0001")
            assert (heat.inspector, heat.tapped_at, heat.grade, heat.tap_weight_t, heat.tap_temp_c) == (
                "wang", datetime(2024, 3, 4, 10, 15), "Q235B", 31.5, 1620)
            assert heat.analysis == {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
            assert heat.chem_status == "conforms"
            ingots = store.ingots("1-0001")
            A, C, S = Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.SCRAP
            assert [(i.ingot_no, i.weight_kg, i.disposition, i.inspector) for i in ingots] == [
                (n, 3900, d, "wang") for n, d in enumerate((A, A, S, A, C, A, A, A), 1)]
            assert ingots[4].defects == (IngotDefect("TCRK", Location.TOP),)
            assert [(e.entity_key, e.reason) for e in store.audit("1-0001") if e.reason] == [
                ("1-0001/3", "surface inclusions: remelt")]
            # 7 of 8 × 3,900 kg qualified: 27,300 of 31,200 kg = 87.5 %
            assert store.heat_rates("1-0001").rates.ingot_qualified_rate == pytest.approx(27300 / 31200)
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()
