"""The plant's quality office at a desk (issue 14): a read-only desk that says so, and the Plant
tab with every workshop's figures and the plant's.

One plant database for the module, on the session's throwaway server: workshops `north` and
`south` added with `qcdesk plant workshop add`, each filled by its own member with a few heats
through the store, and the office's login made with `plant member add --plant`. The figures
are worked by hand from the heats below (numerators and denominators added, then divided).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from pgserver import PgServer
from psycopg import sql
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from qcdesk import trends
from qcdesk.cli import main
from qcdesk.errors import DatabaseError
from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store
from ui import settings as keys
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

PLANT, OFFICE, OWNER, APP = "pd_plant", "pd_quality", "pd_owner", "pd_app"
ROLES = {"north": "pd_desk_north", "south": "pd_desk_south"}
LOGINS = {"north": "pd_alice", "south": "pd_bob"}
NAMES = {"north": "North converter shop", "south": "South converter shop"}
GOOD = {"C": 0.17, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}  # inside Q235B's limits
OFF = {**GOOD, "C": 0.25}  # C above Q235B's 0.20
A, C, S = Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.SCRAP
# workshop → heats: (heat number, tapped at, analysis, ingots (kg, disposition))
Heats = list[tuple[str, datetime, dict[str, float], tuple[tuple[float, Disposition], ...]]]
HEATS: dict[str, Heats] = {
    "north": [("N-1", datetime(2024, 3, 4, 9, 0), GOOD, ((9000, A), (9100, A), (8800, S))),
              ("N-2", datetime(2024, 3, 5, 9, 0), GOOD, ((9500, C), (9200, A)))],
    "south": [("S-1", datetime(2024, 3, 4, 10, 0), OFF, ((9000, A), (9300, A))),
              ("S-2", datetime(2024, 3, 6, 10, 0), GOOD, ((8700, A), (9900, S), (9400, A)))],
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@dataclass
class Plant:
    server: PgServer
    database: str

    def uri(self, workshop: str | None, user: str | None = None) -> str:
        uri = self.server.uri(self.database, user)
        return uri if workshop is None else f"{uri}&workshop={workshop}"


def save_heats(uri: str, heats: Heats) -> None:
    """Heats with their analyses and judged ingots, saved through the store as a desk saves them."""
    with Store.open(uri, "tester", create=False) as store:
        for heat_no, tapped, analysis, ingots in heats:
            store.add_heat(NewHeat(heat_no, "1", tapped, "Q235B", 30.0, 1600.0, store.user,
                                   analysis=analysis))
            store.add_ingots(heat_no, [NewIngot(n, kg, d, store.user) for n, (kg, d) in enumerate(ingots, 1)])


@pytest.fixture(scope="module")
def plant(pg_server: PgServer) -> Iterator[Plant]:
    database = "plant_desk"
    superuser = pg_server.uri(database)
    assert run("plant", "setup", superuser, "--owner", OWNER, "--app", APP)[0] == 0
    plant = Plant(pg_server, database)
    for code in ("north", "south"):
        code_, _out, err = run("--db", superuser, "plant", "workshop", "add", code, "--name", NAMES[code],
                               "--role", ROLES[code], "--plant-role", PLANT)
        assert code_ == 0, err
        assert run("--db", superuser, "plant", "member", "add", LOGINS[code], "--workshop", code)[0] == 0
        save_heats(plant.uri(code, LOGINS[code]), HEATS[code])
    assert run("--db", superuser, "plant", "member", "add", OFFICE, "--plant", "--plant-role", PLANT)[0] == 0
    yield plant
    pg_server.drop_database(database)
    for role in (*LOGINS.values(), OFFICE, *ROLES.values(), PLANT):
        pg_server.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        pg_server.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def head(uri: str) -> str:
    with Store.open(uri, "reader", create=False) as store:
        return store.chain_head()


# ------------------------------------------------------------------ a read-only desk, said plainly

def test_the_store_knows_whether_its_role_may_write(plant: Plant, tmp_path: Path) -> None:
    with Store.open(plant.uri("north", OFFICE), "office", create=False) as office:
        assert office.writable is False
    with Store.open(plant.uri("north", LOGINS["north"]), "tester", create=False) as desk:
        assert desk.writable is True
    path = tmp_path / "qc.sqlite"
    with Store.open(path, "tester") as store:
        assert store.writable is True
    path.chmod(0o444)
    try:
        if not os.access(path, os.W_OK):  # (root may write whatever the mode says)
            with Store.open(path, "tester", create=False) as store:
                assert store.writable is False
    finally:
        path.chmod(0o644)


def test_a_write_of_the_office_is_refused_in_plain_words_and_changes_nothing(plant: Plant) -> None:
    before = head(plant.uri("north"))
    code, _out, err = run("--db", plant.uri("north", OFFICE), "workshop", "set", "x")
    assert code == 1
    assert "signs nothing" in err
    assert "Nothing was changed" in err
    assert "permission denied" not in err
    assert "Traceback" not in err
    with Store.open(plant.uri("north", OFFICE), "office", create=False) as office, \
            pytest.raises(DatabaseError, match="signs nothing"):
        office.add_heat(NewHeat("X-1", "1", datetime(2024, 3, 7, 9), "Q235B", 30.0, 1600.0, "office"))
    assert head(plant.uri("north")) == before


@contextlib.contextmanager
def office_desk(qtbot: QtBot, plant: Plant) -> Iterator[MainWindow]:
    """The office's desk on workshop north, shown at 1366×768."""
    session = Session(plant.uri("north", OFFICE), "office")
    try:
        w = MainWindow(session)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(session.idle, timeout=10000)
        yield w
        qtbot.waitUntil(session.idle, timeout=10000)
    finally:
        session.close()


@pytest.fixture
def office_window(qtbot: QtBot, plant: Plant) -> Iterator[MainWindow]:
    with office_desk(qtbot, plant) as w:
        yield w


def test_the_offices_desk_opens_says_read_only_and_offers_no_write(qtbot: QtBot, plant: Plant,
                                                                   office_window: MainWindow) -> None:
    w = office_window
    assert w.windowTitle().endswith("— read only")
    assert w.windowTitle().startswith("qcdesk — north — ")
    assert w.stack.currentWidget() is w.tabs  # no first-run set-up
    texts = {a.text(): a for menu in w.menuBar().findChildren(type(w.view_menu)) for a in menu.actions()}
    for text in ("Import &heats…", "&New heat…", "S&ave", "Add &ingots", "Void heat…", "Void in&got…",
                 "Undo &my last change (within the minute)"):
        assert not texts[text].isEnabled(), text
        assert "Read only" in texts[text].toolTip()
    for text in ("&Open heat…", "&History of this heat", "Period qua&lity report (PDF)…"):
        assert texts[text].isEnabled(), text
    assert not w.shift_view.new_button.isEnabled()
    assert "Read only" in w.shift_view.new_button.toolTip()
    assert not w.shift_view.close_button.isEnabled()
    assert not w.shift_view.sign_day_button.isEnabled()
    setup = w.setup_view
    for button in (setup.converters.workshop_button, setup.converters.add_button, setup.shifts.save_button,
                   setup.grades.save_button, setup.defects.add_button, setup.plans.set_button):
        assert not button.isEnabled()
    assert setup.converters.table.editTriggers() == setup.converters.table.EditTrigger.NoEditTriggers
    assert w.history_view.table.isEnabled()
    # a heat opened: read, and its saves disabled even once the view enables its own widgets
    with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
        w.open_heat("N-1")
    assert w.heat_view.model.rowCount() == 3
    assert not w.heat_view.save_header_button.isEnabled()
    assert not w.heat_view.add_button.isEnabled()
    assert not w.heat_view.analysis.save_button.isEnabled()
    assert w.heat_view.history_button.isEnabled()
    if os.environ.get("QCDESK_SCREENSHOTS"):
        qtbot.wait(300)  # the heat's layout settled, as a person sees it
        w.grab().save(str(Path(os.environ["QCDESK_SCREENSHOTS"]) / "plant-office-heat.png"))


def test_a_save_forced_on_the_offices_desk_changes_nothing(qtbot: QtBot, plant: Plant,
                                                          office_window: MainWindow) -> None:
    w = office_window
    before = head(plant.uri("north"))
    with qtbot.waitSignal(w.heat_view.loaded, timeout=10000):
        w.open_heat("N-2")
    w.heat_view.notes.setText("seen by the office")
    w.heat_view.save_header()
    qtbot.waitUntil(lambda: "signs nothing" in w.heat_view.header_error.text(), timeout=10000)
    assert "permission denied" not in w.heat_view.header_error.text()
    assert head(plant.uri("north")) == before
    with Store.open(plant.uri("north", LOGINS["north"]), "tester", create=False) as store:
        assert store.heat("N-2").notes == ""


def test_the_office_switches_workshop_from_the_file_menu(qtbot: QtBot, plant: Plant) -> None:
    session = Session(plant.uri("north", OFFICE), "office")
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(session.idle, timeout=10000)
    assert w.workshop_action.isVisible()
    w.choose_workshop()
    qtbot.waitUntil(lambda: w.findChild(QInputDialog, "workshop_dialog") is not None, timeout=10000)
    dialog = w.findChild(QInputDialog, "workshop_dialog")
    assert dialog is not None
    assert dialog.comboBoxItems() == ["north", "south"]  # the workshops the office reads
    assert dialog.textValue() == "north"
    dialog.setTextValue("south")
    dialog.accept()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=10000)
    opened = [t for t in QApplication.topLevelWidgets() if isinstance(t, MainWindow) and t.isVisible()]
    assert len(opened) == 1
    south = opened[0]
    qtbot.addWidget(south)  # deleted after the test: no window of this test is left among the top-level ones
    try:
        assert south.session.server is not None
        assert south.session.server.workshop == "south"
        assert south.windowTitle().startswith("qcdesk — south — ")
        assert south.windowTitle().endswith("— read only")
        assert keys.settings().value(keys.DATABASE) == plant.uri("south", OFFICE)
        qtbot.waitUntil(south.session.idle, timeout=10000)
        with qtbot.waitSignal(south.shift_view.loaded, timeout=10000):  # south's records, read only
            south.shift_view.show_shift(date(2024, 3, 6), "day")
        assert south.shift_view.model.rowCount() == 1  # S-2
        assert not south.shift_view.new_button.isEnabled()
    finally:
        south.close()
        qtbot.waitUntil(lambda: south.session._closed, timeout=10000)
        session.close()


# ------------------------------------------------------------------ the Plant tab

def hand_sums(heats: Heats) -> tuple[float, float, int, int]:
    """(qualified kg, judged kg, qualified ingots, judged ingots) of checked heats, by DOMAIN.md's
    definitions: an ingot is qualified when accepted or conditioned and its heat conforms."""
    qualified_kg = judged_kg = 0.0
    qualified = judged = 0
    for _no, _tapped, analysis, ingots in heats:
        conforms = analysis == GOOD
        for kg, disposition in ingots:
            judged_kg += kg
            judged += 1
            if conforms and disposition in (A, C):
                qualified_kg += kg
                qualified += 1
    return qualified_kg, judged_kg, qualified, judged


def shown_rows(w: MainWindow) -> dict[str, tuple[str, ...]]:
    """The Plant tab's workshop table as shown: the first cell → the row's cells."""
    model = w.plant_view.workshops
    return {row.cells[0]: row.cells for row in model.rows}


def percent_text(numerator: float, denominator: float) -> str:
    return f"{100 * numerator / denominator:.1f}%"


def expected_rows(heats: dict[str, Heats]) -> dict[str, tuple[str, str]]:
    """Each workshop's and the plant's ingot qualified rate, by weight and by count, as shown."""
    sums = {code: hand_sums(heats[code]) for code in ("north", "south")}
    plant = tuple(sum(s[i] for s in sums.values()) for i in range(4))
    rows = {NAMES[code]: (percent_text(s[0], s[1]), percent_text(s[2], s[3])) for code, s in sums.items()}
    rows["Plant"] = (percent_text(plant[0], plant[1]), percent_text(plant[2], plant[3]))
    return rows


def test_the_plant_tab_shows_each_workshops_rate_and_the_plants_from_added_sums(
        qtbot: QtBot, plant: Plant, office_window: MainWindow) -> None:
    w = office_window
    qtbot.waitUntil(lambda: "plant_view" in w._later, timeout=10000)
    assert w.tabs.tabText(w.tabs.count() - 1) == "Plant"
    with qtbot.waitSignal(w.plant_view.shown_result, timeout=20000):
        w.tabs.setCurrentWidget(w.plant_view)
    quality = w.plant_view.result
    assert quality is not None
    assert quality.period.date_from == date(2024, 3, 1)  # the month of this workshop's last day
    assert [ws.code for ws in quality.workshops] == ["north", "south"]
    # by hand: north 36,800 of 45,600 kg (4 of 5), south 18,100 of 46,300 kg (2 of 5: S-1 is off grade)
    assert hand_sums(HEATS["north"]) == (36800, 45600, 4, 5)
    assert hand_sums(HEATS["south"]) == (18100, 46300, 2, 5)
    assert quality.total.rates.ingot_qualified_rate is not None
    assert math.isclose(quality.total.rates.ingot_qualified_rate, (36800 + 18100) / (45600 + 46300))
    rows = shown_rows(w)
    assert set(rows) == {"North converter shop", "South converter shop", "Plant"}
    for name, (by_weight, by_count) in expected_rows(HEATS).items():
        assert rows[name][4:6] == (by_weight, by_count), name
    assert rows["Plant"][4] == "59.7%"  # 54,900 / 91,900; the mean of 80.7% and 39.1% would be 59.9%
    assert rows["Plant"][1] == "4"  # heats
    assert rows["Plant"][3] == "10"  # judged ingots
    assert w.plant_view.workshops.rows[-1].marked  # the plant's row in bold
    # one line per workshop and the plant's
    names = [s.name() for s in w.plant_view.chart.chart().series()]
    assert set(names) == {"North converter shop", "South converter shop", "Plant"}
    assert [r.cells[0] for r in w.plant_view.grades.rows] == ["Q235B"]
    assert w.plant_view.grades.rows[0].cells[1] == "59.7%"
    assert {r.cells[0] for r in w.plant_view.defects.rows} == set()  # no defects recorded
    assert w.plant_view.left_out.isHidden()
    # from the keyboard: Ctrl+7 (View menu), as every tab
    plant_item = next(a for a in w.view_menu.actions() if a.text() == "Plant")
    assert plant_item.shortcut().toString() == "Ctrl+7"
    # a month without heats: every rate undefined, said "—", never 0% or 100%
    with qtbot.waitSignal(w.plant_view.shown_result, timeout=20000):
        w.plant_view.set_period(trends.Span.MONTH, date(2024, 4, 15))
    for cells in shown_rows(w).values():
        assert cells[1] == "0"
        assert cells[4:8] == ("—", "—", "—", "—")
    assert w.plant_view.chart.chart().title() == "No judged ingots of checked heats in this period"


def test_a_save_at_a_workshop_desk_appears_in_the_offices_plant_tab(
        qtbot: QtBot, plant: Plant, office_window: MainWindow) -> None:
    w = office_window
    qtbot.waitUntil(lambda: "plant_view" in w._later, timeout=10000)
    with qtbot.waitSignal(w.plant_view.shown_result, timeout=20000):
        w.tabs.setCurrentWidget(w.plant_view)
    heats = {code: list(HEATS[code]) for code in HEATS}
    # north, the office desk's own workshop: heard through its change feed, no key pressed
    more_north: Heats = [("N-3", datetime(2024, 3, 7, 9, 0), GOOD, ((9600, A), (9400, S)))]
    save_heats(plant.uri("north", LOGINS["north"]), more_north)
    heats["north"] += more_north
    expected = expected_rows(heats)
    qtbot.waitUntil(lambda: shown_rows(w)["North converter shop"][4:6] == expected["North converter shop"],
                    timeout=15000)
    assert shown_rows(w)["Plant"][4:6] == expected["Plant"]
    assert shown_rows(w)["North converter shop"][1] == "3"
    # south: another workshop's channel, read again on Refresh
    more_south: Heats = [("S-3", datetime(2024, 3, 8, 10, 0), GOOD, ((9100, C),))]
    save_heats(plant.uri("south", LOGINS["south"]), more_south)
    heats["south"] += more_south
    expected = expected_rows(heats)
    qtbot.waitUntil(w.session.idle, timeout=10000)
    with qtbot.waitSignal(w.plant_view.shown_result, timeout=20000):
        qtbot.mouseClick(w.plant_view.refresh_button, Qt.MouseButton.LeftButton)
    for name, rates in expected.items():
        assert shown_rows(w)[name][4:6] == rates, name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_offices_plant_tab_in_english_and_chinese(qtbot: QtBot, plant: Plant, lang: str) -> None:
    install_language(lang)
    try:
        with office_desk(qtbot, plant) as w:
            qtbot.waitUntil(lambda: "plant_view" in w._later, timeout=10000)
            with qtbot.waitSignal(w.plant_view.shown_result, timeout=20000):
                w.tabs.setCurrentWidget(w.plant_view)
            qtbot.waitUntil(w.session.idle, timeout=10000)
            names = [r.cells[0] for r in w.plant_view.workshops.rows]
            if lang == "zh":
                assert w.windowTitle().endswith("— 只读")
                assert w.tabs.tabText(w.tabs.count() - 1) == "全厂"
                assert w.plant_view.workshops.headerData(0, Qt.Orientation.Horizontal) == "车间"
                assert names[-1] == "全厂"
            else:
                assert names == ["North converter shop", "South converter shop", "Plant"]
            if os.environ.get("QCDESK_SCREENSHOTS"):
                w.grab().save(str(Path(os.environ["QCDESK_SCREENSHOTS"]) / f"plant-office-{lang}.png"))
    finally:
        install_language("en")
