"""The inspector's views one by one: shift view, analysis, ingot grid, new heat, history, first run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from qcdesk.model import ChemStatus, Disposition, IngotDefect, Location
from qcdesk.store import NewHeat, NewIngot, Store
from ui import settings as keys
from ui.audit_dialog import AuditDialog, AuditModel
from ui.common import BAD_BACKGROUND, DOUBT_BACKGROUND, GOOD_BACKGROUND, formula
from ui.heat_entry import NewHeatDialog, next_heat_no
from ui.heat_view import HeatView
from ui.history_view import COLUMNS
from ui.ingot_grid import COL_DEFECTS, COL_STANDING, COL_WEIGHT, IngotModel
from ui.main_window import MainWindow
from ui.session import Session
from ui.shift_view import ShiftHeatsModel, ShiftView

NOW = datetime(2024, 3, 4, 10, 15)  # day shift of 2024-03-04
DAY = NOW.date()
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
A, C, R, S, P = (Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.REGRADED, Disposition.SCRAP,
                 Disposition.PENDING)
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _heat(store: Store, heat_no: str, tapped: datetime, analysis: dict[str, float] | None = None, *,
          ingots: tuple[tuple[float, Disposition], ...] = (), converter: str = "1") -> None:
    store.add_heat(NewHeat(heat_no, converter, tapped, "Q235B", 30.0, 1600.0, "tester",
                           analysis=analysis or {}))
    if ingots:
        store.add_ingots(heat_no, [NewIngot(n, kg, d, "tester") for n, (kg, d) in enumerate(ingots, 1)])


@pytest.fixture
def data(db_path: Path) -> Path:
    """Two heats on 2024-03-04: one in the day shift (1000 kg accepted, 3000 kg scrap), one in the
    night shift (2000 kg accepted); and one on the 3rd."""
    with Store.open(db_path, "tester", lambda: NOW) as store:
        _heat(store, "1-0001", datetime(2024, 3, 4, 9, 0), GOOD, ingots=((1000, A), (3000, S)))
        _heat(store, "2-0001", datetime(2024, 3, 4, 3, 0), GOOD, ingots=((2000, A),), converter="2")
        _heat(store, "1-0000", datetime(2024, 3, 3, 12, 0), GOOD, ingots=((500, S),))
    return db_path


@pytest.fixture
def session(qtbot: QtBot, data: Path) -> Iterator[Session]:
    s = Session(data, "tester", clock=lambda: NOW)
    yield s
    qtbot.waitUntil(s.idle, timeout=20000)  # a loaded machine may take longer than 5 s
    s.close()


def _stored(db_path: Path) -> Store:
    return Store.open(db_path, "check", lambda: NOW)


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


@pytest.fixture
def heat_view(qtbot: QtBot, session: Session) -> HeatView:
    view = HeatView(session)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()  # editors commit on Enter in an active window
    qtbot.waitUntil(view.isActiveWindow)
    with qtbot.waitSignal(view.loaded):
        view.load("1-0001")
    return view


# ---------------------------------------------------------------- shift view


def test_shift_view_starts_at_the_clock_and_shows_hand_worked_rates(qtbot: QtBot, session: Session) -> None:
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.data is not None)
    assert view.current() == (DAY, "day")
    assert [view.model.heat_no(r) for r in range(view.model.rowCount())] == ["1-0001"]
    labels = view.rate_labels
    assert labels[("shift", "ingot_qualified_rate")].text() == "25.0%"      # 1000 of 4000 kg
    assert labels[("day", "ingot_qualified_rate")].text() == "50.0%"        # 3000 of 6000 kg
    assert labels[("day", "ingot_qualified_rate_by_count")].text() == "66.7%"  # 2 of 3
    assert labels[("shift", "heats:1")].text() == "1"
    assert labels[("day", "heats:2")].text() == "1"
    assert labels[("day", "ingot_qualified_rate")].toolTip() == formula("ingot_qualified_rate")


def test_another_shift_is_picked_and_an_empty_one_says_undefined(qtbot: QtBot, session: Session) -> None:
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.data is not None)
    with qtbot.waitSignal(view.loaded):
        view.shift_box.setCurrentIndex(view.shift_box.findData("night"))
    assert [view.model.heat_no(r) for r in range(view.model.rowCount())] == ["2-0001"]
    assert view.rate_labels[("shift", "ingot_qualified_rate")].text() == "100.0%"
    with qtbot.waitSignal(view.loaded):
        view.shift_box.setCurrentIndex(view.shift_box.findData("evening"))
    assert view.model.rowCount() == 0
    assert view.rate_labels[("shift", "ingot_qualified_rate")].text() == "—"
    with qtbot.waitSignal(view.loaded):
        view.date_edit.setDate(date(2024, 3, 3))
    assert view.rate_labels[("day", "ingot_qualified_rate")].text() == "0.0%"  # 500 kg, scrap
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClick(view.now_button, Qt.Key.Key_Space)
    assert view.current() == (DAY, "day")


def test_the_leading_basis_comes_first(qtbot: QtBot, session: Session) -> None:
    keys.settings().setValue(keys.LEADING_BASIS, "count")
    view = ShiftView(session)
    qtbot.addWidget(view)
    first = view.rates_grid.itemAtPosition(1, 0).widget()
    assert first.toolTip() == formula("ingot_qualified_rate_by_count")


def test_a_new_leading_basis_is_shown_at_once(qtbot: QtBot, session: Session) -> None:
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.data is not None)
    assert view.rates_grid.itemAtPosition(1, 0).widget().toolTip() == formula("ingot_qualified_rate")
    keys.settings().setValue(keys.LEADING_BASIS, "count")
    with qtbot.waitSignal(view.loaded):
        session.changed.emit("preferences")
    assert view.rates_grid.itemAtPosition(1, 0).widget().toolTip() == formula("ingot_qualified_rate_by_count")
    assert view.rate_labels[("day", "ingot_qualified_rate_by_count")].text() == "66.7%"


def test_enter_on_a_heat_opens_it(qtbot: QtBot, session: Session) -> None:
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    with qtbot.waitSignal(view.heat_activated) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == ["1-0001"]


# ---------------------------------------------------------------- analysis


def test_analysis_turns_green_and_red_and_lists_other_grades(qtbot: QtBot, db_path: Path,
                                                              session: Session) -> None:
    with _stored(db_path) as store:
        _heat(store, "3-0001", datetime(2024, 3, 4, 9, 30), converter="3")
    view = HeatView(session)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded):
        view.load("3-0001")
    edits = view.analysis.edits
    assert "not checked" in view.analysis.status.text()
    for element, value in GOOD.items():
        _type(qtbot, edits[element], str(value))
    assert GOOD_BACKGROUND in edits["C"].styleSheet()
    assert "conforms" in view.analysis.status.text()
    _type(qtbot, edits["C"], "0.21")  # Q235B: C ≤ 0.20; Q235A allows 0.22
    assert BAD_BACKGROUND in edits["C"].styleSheet()
    assert "fails" in view.analysis.status.text()
    satisfied = view.analysis.satisfied.text()
    assert "Q235A" in satisfied
    assert "Q235B" not in satisfied
    _type(qtbot, edits["C"], "0,21")
    assert DOUBT_BACKGROUND in edits["C"].styleSheet()
    assert "decimal separator" in edits["C"].toolTip()
    qtbot.keyClick(edits["C"], Qt.Key.Key_Return)  # refused: nothing saved, the text stays
    qtbot.waitUntil(session.idle)
    assert edits["C"].text() == "0,21"
    assert "C:" in view.analysis.error.text()
    with _stored(db_path) as store:
        assert store.heat("3-0001").analysis == {}


def test_another_element_is_added_by_name(qtbot: QtBot, heat_view: HeatView) -> None:
    _type(qtbot, heat_view.analysis.other, "cr")
    qtbot.keyClick(heat_view.analysis.other, Qt.Key.Key_Return)
    assert "Cr" in heat_view.analysis.edits
    _type(qtbot, heat_view.analysis.other, "Xx")
    qtbot.keyClick(heat_view.analysis.other, Qt.Key.Key_Return)
    assert "not a chemical element" in heat_view.analysis.error.text()


def test_correcting_an_analysis_asks_why(qtbot: QtBot, heat_view: HeatView, db_path: Path,
                                         session: Session) -> None:
    _type(qtbot, heat_view.analysis.edits["Mn"], "0.60")
    qtbot.keyClick(heat_view.analysis.edits["Mn"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: heat_view.corrector.dialog is not None)
    qtbot.keyClick(heat_view.corrector.dialog.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(session.idle)
    assert "needs a reason" in heat_view.analysis.error.text()
    assert heat_view.analysis.edits["Mn"].text() == "0.60"  # kept
    with _stored(db_path) as store:
        assert store.heat("1-0001").analysis["Mn"] == 0.50
    qtbot.keyClick(heat_view.analysis.edits["Mn"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: heat_view.corrector.dialog is not None)
    qtbot.keyClicks(heat_view.corrector.dialog.edit, "lab repeat")
    qtbot.keyClick(heat_view.corrector.dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.idle() and heat_view.data is not None
                    and heat_view.data.heat.analysis["Mn"] == 0.60)
    with _stored(db_path) as store:
        assert [e.reason for e in store.audit("1-0001") if e.field == "Mn"] == ["lab repeat"]


def test_correcting_the_record_asks_why_and_esc_takes_typing_back(qtbot: QtBot, heat_view: HeatView,
                                                                  db_path: Path, session: Session) -> None:
    _type(qtbot, heat_view.weight, "31.5")
    qtbot.keyClick(heat_view.weight, Qt.Key.Key_Escape)
    assert heat_view.weight.text() == "30"
    _type(qtbot, heat_view.analysis.edits["C"], "0.30")
    qtbot.keyClick(heat_view.analysis.edits["C"], Qt.Key.Key_Escape)
    assert heat_view.analysis.edits["C"].text() == "0.15"
    assert "conforms" in heat_view.analysis.status.text()
    _type(qtbot, heat_view.weight, "31.5")
    qtbot.keyClick(heat_view.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: heat_view.corrector.dialog is not None)
    qtbot.keyClicks(heat_view.corrector.dialog.edit, "scale re-read")
    qtbot.keyClick(heat_view.corrector.dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.idle() and heat_view.data is not None
                    and heat_view.data.heat.tap_weight_t == 31.5)
    with _stored(db_path) as store:
        entry = [e for e in store.audit("1-0001") if e.field == "tap_weight_t"]
        assert [(e.old_value, e.new_value, e.reason) for e in entry] == [("30", "31.5", "scale re-read")]


# ---------------------------------------------------------------- ingots


def test_models_pass_the_model_tester(qtbot: QtBot, qtmodeltester: object, heat_view: HeatView,
                                      session: Session, db_path: Path) -> None:
    qtmodeltester.check(heat_view.model)  # type: ignore[attr-defined]
    empty = IngotModel()
    qtmodeltester.check(empty)  # type: ignore[attr-defined]
    shift = ShiftHeatsModel()
    with _stored(db_path) as store:
        shift.set_heats(store.heats(DAY, DAY))
        audit = AuditModel()
        audit.set_entries(store.audit("1-0001"))
    qtmodeltester.check(shift)  # type: ignore[attr-defined]
    qtmodeltester.check(audit)  # type: ignore[attr-defined]


def test_a_refused_weight_is_said_and_kept(qtbot: QtBot, heat_view: HeatView, db_path: Path,
                                           session: Session) -> None:
    table = heat_view.table
    table.setFocus()
    table.setCurrentIndex(heat_view.model.index(0, COL_WEIGHT))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.findChild(QLineEdit, "weight_editor")
    _type(qtbot, editor, "12 t")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    index = heat_view.model.index(0, COL_WEIGHT)
    qtbot.waitUntil(lambda: index.data() == "12 t")  # the delegate commits on the next turn of the loop
    assert "not a plain decimal" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "not a plain decimal" in heat_view.ingot_error.text()
    qtbot.waitUntil(session.idle)
    assert heat_view.model.index(0, COL_WEIGHT).data() == "12 t"  # a reload keeps it
    with _stored(db_path) as store:
        assert store.ingots("1-0001")[0].weight_kg == 1000
    heat_view.model.setData(heat_view.model.index(0, COL_WEIGHT), "70000")
    assert "out of range" in heat_view.ingot_error.text()


def test_disposition_keys_judge_the_selection(qtbot: QtBot, heat_view: HeatView, session: Session) -> None:
    _type(qtbot, heat_view.add_weight, "4000")
    heat_view.add_count.setValue(3)
    with qtbot.waitSignal(heat_view.loaded):
        qtbot.keyClick(heat_view.add_weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: heat_view.model.rowCount() == 5)
    table = heat_view.table
    table.setFocus()
    table.selectRow(2)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(table, "c")
    qtbot.waitUntil(lambda: session.idle() and heat_view.model.ingot(4).disposition is C)
    assert [heat_view.model.ingot(r).disposition for r in range(5)] == [A, S, C, C, C]


def test_an_ingot_of_a_failing_heat_says_it_will_not_count(qtbot: QtBot, db_path: Path,
                                                            session: Session) -> None:
    with _stored(db_path) as store:
        _heat(store, "3-0002", datetime(2024, 3, 4, 9, 40), {**GOOD, "P": 0.06}, ingots=((5000, A),),
              converter="3")
        assert store.heat("3-0002").chem_status is ChemStatus.FAILS
    view = HeatView(session)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded):
        view.load("3-0002")
    standing = view.model.index(0, COL_STANDING)
    assert standing.data() == "not qualified: heat fails"
    assert "will not count as qualified" in standing.data(Qt.ItemDataRole.ToolTipRole)
    assert "fails its grade" in view.ingot_hint.text()
    assert "0.0%" in view.totals.text()


def test_defects_are_picked_by_code_or_name(qtbot: QtBot, heat_view: HeatView, db_path: Path,
                                            session: Session) -> None:
    table = heat_view.table
    table.setFocus()
    table.setCurrentIndex(heat_view.model.index(1, 0))
    qtbot.keyClick(table, "d")
    dialog = heat_view.defect_dialog
    assert dialog is not None
    popup = dialog.code.completer().popup()
    _type(qtbot, dialog.code, "tcrk")
    dialog.set_location(Location.TOP)
    popup.hide()  # the completion list offered as one types; Esc would close it too
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    _type(qtbot, dialog.code, "scab")
    popup.hide()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    _type(qtbot, dialog.code, "crack")  # two cracks: not one defect
    popup.hide()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "not one defect" in dialog.error.text()
    dialog.code.clear()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)  # Enter on an empty line: done
    qtbot.waitUntil(lambda: session.idle() and "SCAB" in str(heat_view.model.index(1, COL_DEFECTS).data()))
    with _stored(db_path) as store:
        assert store.ingots("1-0001")[1].defects == (IngotDefect("TCRK", Location.TOP),
                                                     IngotDefect("SCAB"))  # each defect says its place


# ---------------------------------------------------------------- new heat, history, first run


def test_next_heat_number_keeps_the_format() -> None:
    assert next_heat_no("2-0413", "2") == "2-0414"
    assert next_heat_no("2-0999", "2") == "2-1000"
    assert next_heat_no("A99B", "1") == "A100B"
    assert next_heat_no(None, "3") == "3-0001"


def test_a_refused_new_heat_keeps_what_was_typed(qtbot: QtBot, db_path: Path, session: Session) -> None:
    dialog = NewHeatDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.heat_no.text() == "1-0002")
    _type(qtbot, dialog.grade, "Q235B")
    _type(qtbot, dialog.weight, "-5")
    qtbot.keyClick(dialog.weight, Qt.Key.Key_Return)
    assert "out of range" in dialog.errors["weight"].text()
    assert dialog.weight.text() == "-5"
    _type(qtbot, dialog.weight, "31")
    _type(qtbot, dialog.heat_no, "1-0001")  # already there
    qtbot.keyClick(dialog.weight, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.errors["heat_no"].text()))
    assert "already exists" in dialog.errors["heat_no"].text()
    assert dialog.heat_no.text() == "1-0001"
    with _stored(db_path) as store:
        assert store.heat("1-0001").tap_weight_t == 30.0


def test_the_history_dialog_shows_who_what_and_why(qtbot: QtBot, db_path: Path, session: Session) -> None:
    with _stored(db_path) as store:
        store.update_ingot("1-0001", 2, disposition=C, reason="ground out")
    dialog = AuditDialog(session, "1-0001")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    rows = [[dialog.model.index(r, c).data() for c in range(dialog.model.columnCount())]
            for r in range(dialog.model.rowCount())]
    assert rows[-1][1:] == ["check", "corrected", "ingot 2 · disposition", "scrap → conditioned",
                            "ground out"]


def test_the_window_remembers_its_splitters(qtbot: QtBot, session: Session) -> None:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.heat_view.splitter.setSizes([300, 800])
    window.close()
    again = MainWindow(session)
    qtbot.addWidget(again)
    assert keys.settings().value(keys.SPLITTER.format(name="heat_splitter")) is not None
    assert again.heat_view.splitter.saveState() == window.heat_view.splitter.saveState()


def test_the_history_browser_remembers_its_column_widths_and_sort(qtbot: QtBot, session: Session) -> None:
    window = MainWindow(session)
    qtbot.addWidget(window)
    history = window.history_view.table
    history.horizontalHeader().resizeSection(COLUMNS.index("grade"), 173)
    history.sortByColumn(COLUMNS.index("heat_no"), Qt.SortOrder.AscendingOrder)
    window.close()
    again = MainWindow(session)
    qtbot.addWidget(again)
    header = again.history_view.table.horizontalHeader()
    assert header.sectionSize(COLUMNS.index("grade")) == 173
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COLUMNS.index("heat_no"), Qt.SortOrder.AscendingOrder)
    assert again.history_view.model.sort_key == ("heat_no", False)  # the rows, too, come so sorted
    qtbot.waitUntil(session.idle)


def test_first_run_offers_the_demo(qtbot: QtBot, tmp_path: Path) -> None:
    fresh = Session(tmp_path / "new.sqlite", "tester")  # the demo is in the past of the real clock
    try:
        window = MainWindow(fresh)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run)
        admin = window.first_run.admin  # a new database: its first administrator first
        admin.name.setText("ada")
        admin.pin.setText("ada-pin-1")
        admin.again.setText("ada-pin-1")
        admin.create_button.click()
        qtbot.waitUntil(lambda: fresh.person is not None, timeout=20000)
        qtbot.keyClick(window.first_run.demo_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=60000)
        qtbot.waitUntil(fresh.idle)
        with Store.open(tmp_path / "new.sqlite", "check") as store:
            assert store.counts()["heat"] == 936
    finally:
        qtbot.waitUntil(fresh.idle)
        fresh.close()


# ---------------------------------------------------------------- unsaved edits


def _answer(view: HeatView, answer: str) -> list[str]:
    """Answer the unsaved-edits question with `answer`; the list records each time it was asked."""
    asked: list[str] = []

    def ask() -> str:
        asked.append(answer)
        return answer

    view._ask_unsaved = ask  # type: ignore[method-assign]
    return asked


def test_saving_the_record_keeps_the_typed_analysis(qtbot: QtBot, heat_view: HeatView,
                                                     session: Session, db_path: Path) -> None:
    v = heat_view
    _type(qtbot, v.analysis.edits["C"], "0.16")
    _type(qtbot, v.notes, "lab phoned")
    qtbot.keyClick(v.notes, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: session.idle() and v.data is not None and v.data.heat.notes == "lab phoned")
    assert v.analysis.edits["C"].text() == "0.16"
    assert v.analysis.dirty()
    with _stored(db_path) as store:
        assert store.heat("1-0001").analysis["C"] == 0.15


def test_opening_another_heat_asks_and_cancel_stays(qtbot: QtBot, heat_view: HeatView,
                                                     session: Session) -> None:
    v = heat_view
    _type(qtbot, v.analysis.edits["C"], "0.16")
    asked = _answer(v, "cancel")
    v.load("2-0001")
    qtbot.waitUntil(session.idle)
    assert asked == ["cancel"]
    assert v.heat_no == "1-0001"
    assert v.analysis.edits["C"].text() == "0.16"


def test_opening_another_heat_discard_drops_the_edits(qtbot: QtBot, heat_view: HeatView,
                                                       db_path: Path) -> None:
    v = heat_view
    _type(qtbot, v.notes, "typed, not saved")
    asked = _answer(v, "discard")
    with qtbot.waitSignal(v.loaded):
        v.load("2-0001")
    assert asked == ["discard"]
    assert v.heat_no == "2-0001"
    with _stored(db_path) as store:
        assert store.heat("1-0001").notes == ""
    _answer(v, "cancel")  # nothing typed on 2-0001: no question
    with qtbot.waitSignal(v.loaded):
        v.load("1-0001")
    assert v.notes.text() == ""


def test_opening_another_heat_save_saves_record_and_analysis_first(qtbot: QtBot, session: Session,
                                                                   data: Path) -> None:
    with Store.open(data, "t", lambda: NOW) as store:
        _heat(store, "1-0002", datetime(2024, 3, 4, 9, 30))  # no analysis yet: no reason asked
    v = HeatView(session)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.loaded):
        v.load("1-0002")
    v.analysis.edits["C"].setText("0.17")
    v.notes.setText("sampled twice")
    assert v.unsaved()
    asked = _answer(v, "save")
    v.load("2-0001")
    qtbot.waitUntil(lambda: session.idle() and v.heat_no == "2-0001" and v.data is not None
                    and v.data.heat.heat_no == "2-0001")
    assert asked == ["save"]
    with _stored(data) as store:
        heat = store.heat("1-0002")
        assert (heat.notes, heat.analysis) == ("sampled twice", {"C": 0.17})


def test_closing_the_window_asks_about_unsaved_edits(qtbot: QtBot, session: Session) -> None:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.heat_view.loaded):
        window.open_heat("1-0001")
    window.heat_view.notes.setText("not yet saved")
    asked = _answer(window.heat_view, "cancel")
    assert not window.close()
    assert asked == ["cancel"]
    assert window.isVisible()
    asked = _answer(window.heat_view, "discard")
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert asked == ["discard"]


# ---------------------------------------------------------------- labels and buttons


def test_new_heat_labels_are_buddies_of_their_fields(qtbot: QtBot, session: Session) -> None:
    dialog = NewHeatDialog(session)
    qtbot.addWidget(dialog)
    buddies = {label.text(): label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert buddies["Tapped &weight, t"] is dialog.weight
    assert buddies["Heat &number"] is dialog.heat_no
    assert buddies["N&otes"] is dialog.notes
    assert len(buddies) == 7


def test_standard_buttons_speak_chinese(qtbot: QtBot, session: Session) -> None:
    from qcdesk.i18n import set_language
    from ui.audit_dialog import AuditDialog as Audit
    from ui.common import ReasonDialog
    from ui.i18n import install_language
    from ui.ingot_grid import DefectDialog
    from ui.preferences import PreferencesDialog

    save, cancel, ok, close = (QDialogButtonBox.StandardButton.Save, QDialogButtonBox.StandardButton.Cancel,
                               QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Close)
    try:
        install_language("zh")
        dialogs = [NewHeatDialog(session), ReasonDialog("?"), DefectDialog([], (), "?"),
                   PreferencesDialog(session), Audit(session, "1-0001")]
        for d in dialogs:
            qtbot.addWidget(d)
        texts = {(type(d).__name__, b): box.button(b).text() for d in dialogs
                 for box in d.findChildren(QDialogButtonBox) for b in (save, cancel, ok, close)
                 if box.button(b) is not None}
    finally:
        install_language("en")
        set_language(None)
    assert texts == {("NewHeatDialog", save): "保存(&S)", ("NewHeatDialog", cancel): "取消",
                     ("ReasonDialog", ok): "确定", ("ReasonDialog", cancel): "取消",
                     ("DefectDialog", ok): "确定", ("DefectDialog", cancel): "取消",
                     ("PreferencesDialog", ok): "确定", ("PreferencesDialog", cancel): "取消",
                     ("AuditDialog", close): "关闭(&C)"}


def test_tonnes_read_as_in_the_reports(qtbot: QtBot, session: Session, db_path: Path) -> None:
    with _stored(db_path) as store:
        store.add_heat(NewHeat("3-0001", "3", datetime(2024, 3, 4, 10, 0), "Q235B", 5.9, None, "tester"))
        store.add_heat(NewHeat("3-0002", "3", datetime(2024, 3, 4, 11, 0), "Q235B", 6.29, None, "tester"))
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.data is not None and view.model.rowCount() == 3)
    tapped = {view.model.heat_no(r): view.model.index(r, 4).data() for r in range(3)}
    assert tapped == {"1-0001": "30.00", "3-0001": "5.90", "3-0002": "6.29"}
    assert view.rate_labels[("shift", "output")].text() == "42.2"   # 30 + 5.9 + 6.29 = 42.19
    assert view.rate_labels[("day", "output")].text() == "72.2"     # and 2-0001's 30 t


def test_a_missing_bound_reads_as_a_dash(qtbot: QtBot, heat_view: HeatView) -> None:
    grid = heat_view.analysis.grid
    rows = {grid.itemAtPosition(r, 0).widget().text(): r for r in range(1, grid.rowCount())
            if grid.itemAtPosition(r, 0) is not None}
    bounds = {el: (grid.itemAtPosition(r, 2).widget().text(), grid.itemAtPosition(r, 3).widget().text())
              for el, r in rows.items()}
    assert "" not in {b for pair in bounds.values() for b in pair}
    assert "—" in {b for pair in bounds.values() for b in pair}
