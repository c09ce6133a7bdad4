"""The lab's samples on the desktop (issue 16): the heat view lists them with each product analysis
judged as worked by hand, a product sample typed from the ingot grid lands on that ingot, and a
re-graded ingot can only be released as a grade its heat satisfies.

The heat: Q235B (GB/T 700-2006: C ≤ 0.20, Si ≤ 0.35, Mn ≤ 1.40, P ≤ 0.045, S ≤ 0.045), heat
analysis C 0.18, Si 0.20, Mn 0.50, P 0.020, S 0.020. GB/T 222-2006 widens each maximum by the
deviation of its class: C 0.20 is "≤0.25" → +0.02, so ≤ 0.22; Mn 1.40 is ">0.80–1.70" → +0.06,
so ≤ 1.46; S 0.045 is "≤0.050" → +0.005, so ≤ 0.050; Si 0.35 "≤0.37" → +0.03, ≤ 0.38;
P 0.045 "≤0.060" → +0.005, ≤ 0.050."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from heat_desk import Keyboard, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot
from signed_shop import PINS

from qcdesk.model import Disposition, SampleKind
from qcdesk.store import Store
from ui.heat_samples import SampleDialog
from ui.heat_view import HeatView
from ui.ingot_grid import COL_REGRADE, COL_STANDING
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
A, R = Disposition.ACCEPTED, Disposition.REGRADED
HEAT = {"C": 0.18, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}


def _product(path: Path, heat_no: str, sample_no: str, ingot_no: int, values: dict[str, float]) -> None:
    with Store.open(path, "tester", clock=lambda: datetime(2024, 3, 4, 10, 15)) as store:
        store.login("wang", PINS["wang"])
        store.add_sample(heat_no, SampleKind.PRODUCT, values, sample_no=sample_no, ingot_no=ingot_no,
                         taken_at=datetime(2024, 3, 4, 10, 0))


@pytest.fixture
def desk(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    """Heat 1-0001 (tapped 09:00) with four ingots: 1-3 accepted, 4 re-graded; product samples P1
    of ingot 1 (C 0.22, Mn 1.46: both exactly on the widened maximum) and P2 of ingot 2 (C 0.23, one
    step beyond; S 0.051, one step beyond)."""
    make_desk(db_path)
    add_heat(db_path, "1-0001", analysis=HEAT, ingots=((5000, A), (5000, A), (5000, A), (5000, R)))
    _product(db_path, "1-0001", "P1", 1, {"C": 0.22, "Mn": 1.46})
    _product(db_path, "1-0001", "P2", 2, {"C": 0.23, "S": 0.051})
    session = session_as(qtbot, db_path, "wang")
    try:
        w = show_window(qtbot, session)
        with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
            w.open_heat("1-0001")
        yield w
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def _cells(view: HeatView, sample_no: str) -> dict[str, str]:
    model = view.samples_box.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == sample_no)
    return {str(model.headerData(c, Qt.Orientation.Horizontal)): str(model.index(row, c).data())
            for c in range(model.columnCount())}


def test_the_sample_list_shows_each_product_analysis_judged_as_worked_by_hand(desk: MainWindow) -> None:
    view = desk.heat_view
    model = view.samples_box.model
    assert [(model.index(r, 0).data(), model.index(r, 1).data(), model.index(r, 2).data())
            for r in range(model.rowCount())] == [
        ("heat analysis", "—", "—"), ("product analysis", "P1", "1"),
        ("product analysis", "P2", "2")]
    heat = _cells(view, "—")
    assert (heat["C, %"], heat["S, %"]) == ("0.18", "0.020")
    assert heat["Verdict"] == "heat analysis of record: conforms"
    p1 = _cells(view, "P1")
    assert (p1["C, %"], p1["Mn, %"], p1["Verdict"]) == ("0.22 ✓ ≤ 0.22", "1.46 ✓ ≤ 1.46", "conforms")
    assert p1["Si, %"] == p1["P, %"] == p1["S, %"] == ""  # not analysed: nothing to judge
    p2 = _cells(view, "P2")
    assert (p2["C, %"], p2["S, %"]) == ("0.23 ✗ ≤ 0.22", "0.051 ✗ ≤ 0.050")
    assert p2["Verdict"] == "fails: C 0.23 > 0.22, S 0.051 > 0.050"
    assert p2["Taken at"] == "2024-03-04 10:00"
    assert p2["Entered by"] == "wang"
    row = next(r for r in range(model.rowCount()) if model.sample(r).sample_no == "P2")
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == "C, %")
    assert model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) == (
        "C 0.23 %: limits — … 0.20, tolerance +0.02 (GB/T 222-2006); allowed ≤ 0.22: outside")
    assert "widened by the tolerances of GB/T 222-2006" in view.samples_box.basis.text()


def test_an_ingot_failing_its_product_analysis_is_marked_and_says_why(desk: MainWindow) -> None:
    view = desk.heat_view
    standing = [view.model.index(r, COL_STANDING).data() for r in range(view.model.rowCount())]
    assert standing == ["qualified", "not qualified: product analysis fails", "qualified", "not qualified"]
    tip = view.model.index(1, COL_STANDING).data(Qt.ItemDataRole.ToolTipRole)
    assert "sample P2: C 0.23 > 0.22, S 0.051 > 0.050" in tip
    assert view.product_hint.text() == (
        "Ingot(s) 2 fail their product analysis: not qualified, whatever their surface.")
    # 4 ingots of 5000 kg judged; qualified 1 and 3: 10,000 ÷ 20,000 kg = 50.0%
    assert "Ingot qualified rate <b>50.0%</b> by weight" in view.totals.text()


def test_without_a_heat_analysis_the_product_analysis_gets_no_tolerance(qtbot: QtBot, db_path: Path) -> None:
    make_desk(db_path)
    add_heat(db_path, "1-0002", ingots=((5000, A),))
    _product(db_path, "1-0002", "P9", 1, {"C": 0.21})  # 0.21 > 0.20, and no tolerance without one
    session = session_as(qtbot, db_path, "wang")
    try:
        w = show_window(qtbot, session)
        with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
            w.open_heat("1-0002")
        p9 = _cells(w.heat_view, "P9")
        assert (p9["C, %"], p9["Verdict"]) == ("0.21 ✗ ≤ 0.20", "fails: C 0.21 > 0.20")
        assert "with no tolerance: the heat has no heat analysis of record" in (
            w.heat_view.samples_box.basis.text())
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def _sample_dialog(qtbot: QtBot, view: HeatView) -> SampleDialog:
    qtbot.waitUntil(lambda: view.sample_dialog is not None and view.sample_dialog.isActiveWindow())
    assert view.sample_dialog is not None
    return view.sample_dialog


def test_a_product_sample_typed_in_the_grid_lands_on_that_ingot(qtbot: QtBot, desk: MainWindow,
                                                                db_path: Path) -> None:
    view, keys = desk.heat_view, Keyboard(qtbot, desk)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(2, 0))  # ingot 3
    keys.press("L")
    dialog = _sample_dialog(qtbot, view)
    assert dialog.windowTitle() == "Product sample of ingot 3 of heat 1-0001"
    assert keys.focus() is dialog.sample_no
    keys.type("P1")  # the lab's number of another sample of this heat: the core refuses it
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is dialog.taken_at
    assert dialog.taken_at.text() == "2024-03-04 10:15"  # now (after the tap)
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus() is dialog.edits["C"]
    keys.type("0.24")
    assert dialog.marks["C"].text() == "outside"  # 0.24 > 0.22, judged as typed
    assert dialog.ranges["C"].text() == "≤ 0.22"
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() != "")
    assert dialog.error.text() == "heat 1-0001 already has sample P1"
    assert dialog.isVisible()
    assert (dialog.edits["C"].text(), dialog.sample_no.text()) == ("0.24", "P1")  # as typed
    keys.alt(Qt.Key.Key_N)
    assert keys.focus() is dialog.sample_no
    dialog.sample_no.selectAll()
    keys.type("P3")
    dialog.edits["C"].setFocus()
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.sample_dialog is None)
    qtbot.waitUntil(lambda: view.session.idle() and view.model.index(2, COL_STANDING).data() != "qualified")
    with stored(db_path) as store:
        p3 = next(s for s in store.samples("1-0001") if s.sample_no == "P3")
        assert (p3.kind, p3.ingot_no, p3.values, p3.taken_at, p3.entered_by) == (
            SampleKind.PRODUCT, 3, {"C": 0.24}, datetime(2024, 3, 4, 10, 15), "wang")
        assert [i.product_fails for i in store.ingots("1-0001")] == [False, True, True, False]
    assert view.model.index(2, COL_STANDING).data() == "not qualified: product analysis fails"
    assert _cells(view, "P3")["C, %"] == "0.24 ✗ ≤ 0.22"


def test_a_preliminary_sample_is_listed_and_never_judged(qtbot: QtBot, desk: MainWindow,
                                                        db_path: Path) -> None:
    view, keys = desk.heat_view, Keyboard(qtbot, desk)
    keys.alt(Qt.Key.Key_N)
    dialog = _sample_dialog(qtbot, view)
    assert dialog.windowTitle() == "Preliminary sample of heat 1-0001"
    keys.type("V-1")
    keys.press(Qt.Key.Key_Tab)
    dialog.taken_at.selectAll()
    keys.type("08:40")  # during the blow, before the 09:00 tap
    keys.press(Qt.Key.Key_Tab)
    keys.type("0.45")  # far above Q235B's C maximum: a bath sample is not judged
    assert dialog.marks["C"].text() == ""
    with qtbot.waitSignal(view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    v1 = _cells(view, "V-1")
    assert (v1["Kind"], v1["Taken at"], v1["C, %"], v1["Verdict"]) == (
        "preliminary analysis", "2024-03-04 08:40", "0.45", "not judged (process control)")
    with stored(db_path) as store:
        assert store.heat("1-0001").analysis["C"] == 0.18  # the analysis of record is untouched


def test_a_regrade_offers_only_the_grades_the_heat_satisfies(qtbot: QtBot, desk: MainWindow,
                                                              db_path: Path) -> None:
    """C 0.18 rules out Q195 (C ≤ 0.12), Q215A/B (≤ 0.15) and Q235C/D (≤ 0.17); Q235A (≤ 0.22),
    Q275A (≤ 0.24), Q275B (≤ 0.21), Q275C/D (≤ 0.20) remain, and P 0.020, S 0.020, Mn 0.50 and
    Si 0.20 meet them all. Q235B is the aim grade."""
    view, keys = desk.heat_view, Keyboard(qtbot, desk)
    assert view.model.index(3, COL_REGRADE).data() == "choose (G)"
    assert view.regrade_hint.text() == ("Re-graded ingot(s) 4 name no grade yet: G chooses one the heat "
                                        "satisfies (Q235A, Q275A, Q275B, Q275C, Q275D).")
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    keys.press("G")  # ingot 1 is accepted: no grade to name
    assert view.ingot_error.text().startswith("Ingot 1 is not re-graded")
    view.table.setCurrentIndex(view.model.index(3, 0))
    keys.press("G")
    combo = view.table.findChild(QComboBox, "regrade_editor")
    assert combo is not None
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "(none named)", "Q235A", "Q275A", "Q275B", "Q275C", "Q275D"]
    # a grade not offered cannot be set behind the list's back either: refused, nothing saved
    keys.press(Qt.Key.Key_Escape)
    assert not view.model.setData(view.model.index(3, COL_REGRADE), "Q195")
    assert view.ingot_error.text() == ("Q195 cannot be chosen: heat 1-0001's analysis satisfies Q235A, "
                                       "Q275A, Q275B, Q275C, Q275D")
    keys.press("G")
    combo = view.table.findChild(QComboBox, "regrade_editor")
    assert combo is not None
    keys.press(Qt.Key.Key_Down, times=3)  # Q275B
    with qtbot.waitSignal(view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.index(3, COL_REGRADE).data() == "Q275B")
    with stored(db_path) as store:
        assert store.ingots("1-0001")[3].regrade_to == "Q275B"
    assert view.regrade_hint.text() == ""


def test_a_correction_of_the_heat_sample_asks_for_a_reason(qtbot: QtBot, desk: MainWindow,
                                                          db_path: Path) -> None:
    view, keys = desk.heat_view, Keyboard(qtbot, desk)
    assert view.heat_sample_note.text().startswith("Heat sample typed in · taken 2024-03-04 09:00 · entered "
                                                   "by wang.")
    edit = view.analysis.edits["C"]
    edit.setFocus()
    edit.selectAll()
    keys.type("0.19")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.corrector.dialog is not None)
    dialog = view.corrector.dialog
    assert dialog is not None
    assert "C 0.18 % → 0.19 %" in dialog.change.text()
    qtbot.waitUntil(dialog.isActiveWindow)
    keys.type("lab re-run")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _cells(view, "—")["C, %"] == "0.19")
    with stored(db_path) as store:
        heat_sample = next(s for s in store.samples("1-0001") if s.kind is SampleKind.HEAT)
        assert heat_sample.values["C"] == 0.19
        assert any(e.reason == "lab re-run" for e in store.audit("1-0001"))
    assert QApplication.activeModalWidget() is None
