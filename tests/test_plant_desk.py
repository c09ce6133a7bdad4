"""The plant's quality office at a desk (issue 14): a read-only desk that says so, and the Plant
tab with every workshop's figures and the plant's.

One plant database for the module, on the session's throwaway server: workshops `north` and
`south` added with `qcdesk plant workshop add`, each filled by its own member with a few heats
through the store, and the office's login made with `plant member add --plant`. The figures
are worked by hand from the heats below (numerators and denominators added, then divided).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pgserver import PgServer
from psycopg import sql
from pytestqt.qtbot import QtBot

from qcdesk.cli import main
from qcdesk.errors import DatabaseError
from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store
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


@pytest.fixture
def office_window(qtbot: QtBot, plant: Plant) -> Iterator[MainWindow]:
    """The office's desk on workshop north, shown."""
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
