"""Several workshops on one PostgreSQL server (issue 14): a schema each, its own records, rates,
reports and audit chain, the same figures as the workshop alone in a SQLite file; the server
keeps each workshop's people out of the others', and the plant's quality office reads every
workshop and writes none.

One plant database for the module, on the session's throwaway server: workshops `north` and
`south` added with `qcdesk plant workshop add` and filled through qcdesk by their own members
with two different demo months (the demo's random seed changed), and `east` brought in by
`qcdesk migrate --workshop` from a SQLite file of a third; beside each, the same month in a
SQLite file of its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, LiteralString

import psycopg
import pytest
from pgserver import PgServer
from psycopg import sql
from pytestqt.qtbot import QtBot
from windows import shown_window

from qcdesk import demo
from qcdesk.cli import main
from qcdesk.errors import DatabaseError
from qcdesk.i18n import set_language
from qcdesk.store import Store
from qcdesk.store.postgres import Server
from qcdesk.verify import verify
from reports import data
from ui import settings as keys
from ui.preferences import PreferencesDialog
from ui.session import Session

FIRST, LAST = date(1959, 2, 1), date(1959, 2, 28)
SEEDS = {"north": 101, "south": 202, "east": 303}
ROLES = {"north": "ws_desk_north", "south": "ws_desk_south", "east": "ws_desk_east"}
LOGINS = {"north": "ws_alice", "south": "ws_bob", "east": "ws_carol"}
PLANT, OFFICE, OWNER, APP = "ws_plant", "ws_quality", "ws_owner", "ws_app"
GROUPINGS = [(), ("day",), ("month",), ("converter",), ("shift",), ("grade",), ("day", "converter"),
             ("converter", "shift", "grade")]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def demo_month(store: Store, seed: int) -> None:
    """The demo month, drawn with `seed` instead of the demo's own (another workshop's month)."""
    kept = demo.SEED
    demo.SEED = seed
    try:
        demo.load_demo(store)
    finally:
        demo.SEED = kept


@dataclass
class Plant:
    server: PgServer
    database: str
    files: dict[str, Path]
    heads_before_migrate: dict[str, str]
    heads_after_migrate: dict[str, str]

    def uri(self, workshop: str | None, user: str | None = None) -> str:
        uri = self.server.uri(self.database, user)
        return uri if workshop is None else f"{uri}&workshop={workshop}"


def _one(conn: psycopg.Connection[Any], statement: LiteralString | sql.Composed) -> Any:
    row = conn.execute(statement).fetchone()
    assert row is not None
    return row[0]


def _head(uri: str) -> str:
    with Store.open(uri, "reader", create=False) as store:
        return store.chain_head()


@pytest.fixture(scope="module")
def plant(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plant]:
    folder = tmp_path_factory.mktemp("workshops")
    database = "plant_workshops"
    superuser = pg_server.uri(database)
    assert run("plant", "setup", superuser, "--owner", OWNER, "--app", APP)[0] == 0
    files = {}
    for code, seed in SEEDS.items():
        files[code] = folder / f"{code}.sqlite"
        with Store.open(files[code], "tester") as store:
            store.set_workshop(f"{code.title()} converter shop")
            demo_month(store, seed)
    for code in ("north", "south"):
        code_, out, err = run("--db", superuser, "plant", "workshop", "add", code, "--name",
                              f"{code.title()} converter shop", "--role", ROLES[code], "--plant-role", PLANT)
        assert code_ == 0, err
        assert f"workshop {code}: created, owned by {OWNER}" in out
        assert run("--db", superuser, "plant", "member", "add", LOGINS[code], "--workshop", code)[0] == 0
        # filled through qcdesk by a member of the workshop, as a desk would
        with Store.open(pg_server.uri(database, LOGINS[code]) + f"&workshop={code}", "tester",
                        create=False) as store:
            demo_month(store, SEEDS[code])
    plant = Plant(pg_server, database, files, {}, {})
    plant.heads_before_migrate = {code: _head(plant.uri(code)) for code in ("north", "south")}
    # the third workshop's file brought in beside the two, as the database's owner
    code_, out, err = run("--db", str(files["east"]), "migrate", "--to", pg_server.uri(database, OWNER),
                          "--workshop", "east")
    assert code_ == 0, err
    assert "plant workshop add east" in out  # what the new workshop still needs
    code_, out, err = run("--db", superuser, "plant", "workshop", "add", "east", "--role", ROLES["east"],
                          "--plant-role", PLANT)
    assert code_ == 0, err
    assert "workshop east: there, its records kept" in out
    assert run("--db", superuser, "plant", "member", "add", LOGINS["east"], "--workshop", "east")[0] == 0
    assert run("--db", superuser, "plant", "member", "add", OFFICE, "--plant", "--plant-role", PLANT)[0] == 0
    plant.heads_after_migrate = {code: _head(plant.uri(code)) for code in SEEDS}
    yield plant
    pg_server.drop_database(database)
    for role in (*LOGINS.values(), OFFICE, *ROLES.values(), PLANT):
        pg_server.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
        pg_server.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _close(a: object, b: object, *, texts: bool = False) -> bool:
    """The same values, numbers equal to 12 significant digits; with `texts`, a number printed
    may differ by one in its last digit (below)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], texts=texts) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y, texts=texts) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    if texts and isinstance(a, str) and isinstance(b, str) and a != b:
        return _last_digit_apart(a, b)
    return a == b


_PRINTED = re.compile(r"-?[0-9][0-9,]*\.([0-9]+)%?")


def _last_digit_apart(a: str, b: str) -> bool:
    """Two printings of one sum that lies half-way between two roundings: SQLite's total() adds
    the day's tonnes one by one (83.35000000000001), the server's sum is exact (83.35, which is
    83.3499… in binary), and one prints 83.4, the other 83.3. Found by this test; it is plant
    mode's (one workshop alone on the server prints the same), not the workshops'."""
    ma, mb = _PRINTED.fullmatch(a), _PRINTED.fullmatch(b)
    if not ma or not mb or len(ma.group(1)) != len(mb.group(1)):
        return False
    unit = 10 ** -len(ma.group(1))
    values = [float(t.rstrip("%").replace(",", "")) for t in (a, b)]
    return math.isclose(abs(values[0] - values[1]), unit, rel_tol=1e-6)


# ------------------------------------------------------------------ the same figures as alone

@pytest.mark.parametrize("code", list(SEEDS))
def test_each_workshops_rates_are_those_of_its_own_file(plant: Plant, code: str) -> None:
    with Store.open(plant.uri(code, LOGINS[code]), "tester", create=False) as server, \
            Store.open(plant.files[code], "tester", create=False) as alone:
        assert server.server is not None
        assert server.server.workshop == code
        assert server.counts()["heat"] == alone.counts()["heat"] > 900
        for by in GROUPINGS:
            for first, last in ((FIRST, LAST), (date(1959, 2, 10), date(1959, 2, 10))):
                mine, theirs = server.rates(first, last, by), alone.rates(first, last, by)
                assert _close(mine.as_dict(), theirs.as_dict()), (code, by, first)


def test_the_workshops_hold_different_months(plant: Plant) -> None:
    totals = set()
    for code in SEEDS:
        with Store.open(plant.files[code], "tester", create=False) as alone:
            totals.add(round(alone.rates(FIRST, LAST).total.sums.weight_qualified_kg, 3))
    assert len(totals) == 3


@pytest.mark.parametrize("code", list(SEEDS))
def test_each_workshops_daily_report_is_that_of_its_own_file(plant: Plant, code: str) -> None:
    at = datetime(1959, 3, 1, 8, 0)
    with Store.open(plant.uri(code, LOGINS[code]), "tester", create=False) as server, \
            Store.open(plant.files[code], "tester", create=False) as alone:
        for day in (date(1959, 2, 2), date(1959, 2, 17)):
            mine, theirs = data.daily_report(server, day, at), data.daily_report(alone, day, at)
            assert mine.furniture.workshop == theirs.furniture.workshop
            assert mine.furniture.workshop.startswith(f"{code.title()} converter shop")
            mine_all, theirs_all = dataclasses.asdict(mine), dataclasses.asdict(theirs)
            del mine_all["furniture"], theirs_all["furniture"]  # its database's location, its time
            assert _close(mine_all, theirs_all, texts=True), (code, day)


@pytest.mark.parametrize("code", list(SEEDS))
def test_each_workshops_verify_is_that_of_its_own_file(plant: Plant, code: str) -> None:
    with Store.open(plant.uri(code, LOGINS[code]), "tester", create=False) as server, \
            Store.open(plant.files[code], "tester", create=False) as alone:
        mine, theirs = verify(server), verify(alone)
    assert mine.ok, mine.problem
    assert theirs.ok, theirs.problem
    assert (mine.entries, mine.records, mine.signatures) == (theirs.entries, theirs.records,
                                                             theirs.signatures)
    if code == "east":  # copied from its file: the very chain
        assert mine.chain_head == theirs.chain_head


def test_migrate_beside_two_workshops_leaves_them_as_they_were(plant: Plant) -> None:
    for code in ("north", "south"):
        assert plant.heads_after_migrate[code] == plant.heads_before_migrate[code]
    with Store.open(plant.files["east"], "tester", create=False) as alone:
        assert plant.heads_after_migrate["east"] == alone.chain_head()
    assert len(set(plant.heads_after_migrate.values())) == 3


def test_migrate_into_a_workshop_that_holds_records_is_refused(plant: Plant) -> None:
    code, _out, err = run("--db", str(plant.files["north"]), "migrate", "--to", plant.uri(None, OWNER),
                          "--workshop", "south")
    assert code == 1
    assert "is not empty" in err
    assert "Nothing was copied" in err
    assert _head(plant.uri("south")) == plant.heads_before_migrate["south"]


# ------------------------------------------------------------------ the plant's figures

def test_the_plant_rates_are_the_workshops_sums_divided(plant: Plant) -> None:
    code, out, err = run("--db", plant.uri(None, OFFICE), "rates", "--plant", "--from", str(FIRST),
                         "--to", str(LAST), "--json")
    assert code == 0, err
    import json

    report = json.loads(out)
    # by hand, from each workshop's own file: numerators and denominators added, then divided
    sums: dict[str, float] = {}
    for workshop in SEEDS:
        with Store.open(plant.files[workshop], "tester", create=False) as alone:
            s = alone.rates(FIRST, LAST).total.sums
        for name in ("weight_qualified_kg", "weight_judged_kg", "ingots_qualified", "ingots_judged",
                     "heats_conforming", "heats_checked", "weight_surface_ok_kg", "weight_surface_judged_kg"):
            sums[name] = sums.get(name, 0) + getattr(s, name)
        row = next(r for r in report["rows"] if r["workshop"] == workshop)
        assert math.isclose(row["ingot_qualified_rate"], s.weight_qualified_kg / s.weight_judged_kg)
    total = report["total"]
    assert math.isclose(total["ingot_qualified_rate"], sums["weight_qualified_kg"] / sums["weight_judged_kg"])
    assert math.isclose(total["ingot_qualified_rate_by_count"],
                        sums["ingots_qualified"] / sums["ingots_judged"])
    assert math.isclose(total["chemistry_conformance_rate"], sums["heats_conforming"] / sums["heats_checked"])
    assert math.isclose(total["surface_qualified_rate"],
                        sums["weight_surface_ok_kg"] / sums["weight_surface_judged_kg"])
    mean = sum(r["ingot_qualified_rate"] for r in report["rows"]) / 3
    assert not math.isclose(total["ingot_qualified_rate"], mean, rel_tol=1e-9)  # not an average of rates
    assert report["left_out"] == []


def test_a_member_of_one_workshop_gets_only_its_rates_in_the_plants(plant: Plant) -> None:
    code, out, err = run("--db", plant.uri(None, LOGINS["north"]), "rates", "--plant", "--from", str(FIRST),
                         "--to", str(LAST))
    assert code == 0, err
    assert "not counted: the workshops you are not a member of (east, south)" in out


# ------------------------------------------------------------------ who may see and change what

def test_a_member_of_one_workshop_cannot_open_another_through_qcdesk(plant: Plant) -> None:
    with pytest.raises(DatabaseError, match="you \\(ws_alice\\) are not a member of workshop south"):
        Store.open(plant.uri("south", LOGINS["north"]), "tester", create=False)
    code, _out, err = run("--db", plant.uri("south", LOGINS["north"]), "--user", "tester", "workshop", "set",
                          "Taken over")
    assert code == 1
    assert "not a member of workshop south" in err
    assert "Your workshops on this server: north" in err
    assert _head(plant.uri("south")) == plant.heads_before_migrate["south"]


def test_a_member_of_one_workshop_cannot_read_or_write_another_with_plain_sql(plant: Plant) -> None:
    with psycopg.connect(plant.server.uri(plant.database, LOGINS["north"]), autocommit=True) as conn:
        assert _one(conn, "SELECT count(*) FROM north.heat") > 900
        for statement in ("SELECT count(*) FROM south.heat", "SELECT * FROM south.audit LIMIT 1",
                          "UPDATE south.workshop SET name_en = 'x'", "DELETE FROM south.ingot",
                          "INSERT INTO south.converter (code, name) VALUES ('9', 'x')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement)
    assert _head(plant.uri("south")) == plant.heads_before_migrate["south"]


def test_the_quality_office_reads_every_workshop_and_writes_none(plant: Plant) -> None:
    with psycopg.connect(plant.server.uri(plant.database, OFFICE), autocommit=True) as conn:
        for code in SEEDS:
            assert _one(conn, sql.SQL("SELECT count(*) FROM {}.heat").format(sql.Identifier(code))) > 900
            for statement in ("INSERT INTO {}.workshop (id, name_en) VALUES (1, 'x')",
                              "UPDATE {}.heat SET notes = 'x'", "INSERT INTO {}.audit_block DEFAULT VALUES"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                    conn.execute(sql.SQL(statement).format(sql.Identifier(code)))
    for code in SEEDS:  # through qcdesk: the figures and verify, and no write
        with Store.open(plant.uri(code, OFFICE), "office", create=False) as store:
            with Store.open(plant.files[code], "tester", create=False) as alone:
                assert _close(store.rates(FIRST, LAST).as_dict(), alone.rates(FIRST, LAST).as_dict())
            assert verify(store).ok
        code_, _out, err = run("--db", plant.uri(code, OFFICE), "--user", "office", "workshop", "set", "x")
        assert code_ == 1
        assert "signs nothing" in err
        assert "permission denied" not in err
        assert _head(plant.uri(code)) == plant.heads_after_migrate[code]


def test_no_workshop_named_on_a_server_of_several_says_which_there_are(plant: Plant) -> None:
    code, _out, err = run("--db", plant.uri(None, LOGINS["south"]), "rates", "--from", str(FIRST),
                          "--to", str(LAST))
    assert code == 1
    assert "holds several workshops: east, north, south" in err
    assert "yours: south" in err
    code, _out, err = run("--db", plant.uri(None, LOGINS["south"]), "--workshop", "west", "rates", "--from",
                          str(FIRST), "--to", str(LAST))
    assert code == 1
    assert "holds no workshop west" in err
    code, _out, err = run("--db", plant.uri(None, LOGINS["south"]), "--workshop", "south", "rates", "--from",
                         str(FIRST), "--to", str(LAST))
    assert code == 0, err


def test_the_workshops_are_listed_with_their_roles(plant: Plant) -> None:
    code, out, err = run("--db", plant.uri(None, LOGINS["east"]), "plant", "workshop", "list")
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert set(lines) == set(SEEDS)
    assert "East converter shop" in lines["east"]
    assert "yes" in lines["east"]
    assert ROLES["north"] in lines["north"]
    assert PLANT in lines["north"]
    assert " no " in lines["north"]


def test_a_person_of_two_workshops_leaves_one_and_keeps_the_other(plant: Plant) -> None:
    superuser, dave = plant.uri(None), "ws_dave"
    try:
        for code in ("north", "south"):
            assert run("--db", superuser, "plant", "member", "add", dave, "--workshop", code)[0] == 0
        code_, out, err = run("--db", superuser, "plant", "member", "list", "--plant-role", PLANT)
        assert code_ == 0, err
        rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:]}
        assert rows[dave] == ["north,", "south"]
        assert rows[LOGINS["east"]] == ["east"]
        assert rows[OFFICE] == ["—", "yes"]
        for code in ("north", "south"):  # a member of both works in both
            with Store.open(plant.uri(code, dave), "dave", create=False) as store:
                assert store.counts()["heat"] > 900
        code_, out, err = run("--db", superuser, "plant", "member", "remove", dave, "--workshop", "north")
        assert code_ == 0, err
        assert f"{dave} is no longer a member of {ROLES['north']}" in out
        with pytest.raises(DatabaseError, match="not a member of workshop north"):
            Store.open(plant.uri("north", dave), "dave", create=False)
        with psycopg.connect(plant.server.uri(plant.database, dave), autocommit=True) as conn, \
                pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("SELECT count(*) FROM north.heat")
        with Store.open(plant.uri("south", dave), "dave", create=False) as store:
            assert store.counts()["heat"] > 900
        code_, _out, err = run("--db", superuser, "plant", "member", "remove", dave, "--workshop", "north")
        assert code_ == 1
        assert f"{dave} is not a member of workshop north: nothing was changed" in err
        code_, _out, err = run("--db", plant.uri(None, dave), "plant", "member", "remove", dave, "--workshop",
                               "south")
        assert code_ == 1
        assert "runs as a superuser" in err  # a member cannot take itself or others out
        with Store.open(plant.uri("south", dave), "dave", create=False) as store:
            assert store.counts()["heat"] > 900
    finally:
        plant.server.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(dave)))
        plant.server.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(dave)))


def test_plant_setup_run_again_names_the_workshops(plant: Plant) -> None:
    code, out, err = run("plant", "setup", plant.uri(None), "--owner", OWNER, "--app", APP)
    assert code == 0, err
    assert "the database holds the workshops east, north, south" in out


def test_adding_a_workshop_needs_a_superuser_and_a_valid_code(plant: Plant) -> None:
    code, _out, err = run("--db", plant.uri(None, OWNER), "plant", "workshop", "add", "west")
    assert code == 1
    assert "runs as a superuser" in err
    code, _out, err = run("--db", plant.uri(None), "plant", "workshop", "add", "West-1")
    assert code == 1
    assert "cannot name a workshop" in err
    with psycopg.connect(plant.uri(None)) as conn:
        assert _one(conn, "SELECT count(*) FROM pg_namespace WHERE nspname ILIKE 'west%'") == 0



def test_a_workshop_copied_in_as_a_superuser_is_named_not_granted(plant: Plant) -> None:
    """A file copied in as a superuser (not as the database's owner, as the README says) leaves
    tables the owner does not own: adding the workshop says so plainly, a few of them by name."""
    try:
        code, _out, err = run("--db", str(plant.files["east"]), "migrate", "--to", plant.uri(None),
                              "--workshop", "west")
        assert code == 0, err
        code, _out, err = run("--db", plant.uri(None), "plant", "workshop", "add", "west")
        assert code == 1
        assert f"the schema west holds what its owner {OWNER} does not own" in err
        assert "more): made by another role" in err
        assert "Traceback" not in err
        assert "internal error" not in err
        assert len(err) < 800  # a handful of names, not the schema's two hundred
        with psycopg.connect(plant.uri(None)) as conn:
            assert _one(conn, "SELECT count(*) FROM pg_roles WHERE rolname = 'qcdesk_app_west'") == 0
    finally:
        with psycopg.connect(plant.uri(None), autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS west CASCADE")

# ------------------------------------------------------------------ backups, a workshop each

def test_a_workshops_backup_holds_it_alone_and_restores_onto_it_alone(plant: Plant, tmp_path: Path) -> None:
    from qcdesk import server_backup

    backup = tmp_path / "north.dump"
    code, _out, err = run("--db", plant.uri("north", OWNER), "backup", str(backup))
    assert code == 0, err
    listed = server_backup._check_archive(server_backup.program("pg_restore"), backup, backup)
    assert server_backup.archive_schemas(listed) == {"north"}
    code, _out, err = run("--db", plant.uri("south", OWNER), "restore", str(backup), "--yes", "--replace")
    assert code == 1
    assert "is a backup of workshop north" in err
    assert "nothing was restored" in err
    assert _head(plant.uri("south")) == plant.heads_before_migrate["south"]



def test_a_lost_workshop_comes_back_from_its_backup_and_the_others_are_untouched(plant: Plant,
                                                                                 tmp_path: Path) -> None:
    backup = tmp_path / "north.dump"
    assert run("--db", plant.uri("north", OWNER), "backup", str(backup))[0] == 0
    heads = {code: _head(plant.uri(code)) for code in SEEDS}
    with psycopg.connect(plant.uri(None), autocommit=True) as conn:  # lost, and made again empty
        conn.execute("DROP SCHEMA north CASCADE")
        conn.execute(sql.SQL("CREATE SCHEMA north AUTHORIZATION {}").format(sql.Identifier(OWNER)))
    code, out, err = run("--db", plant.uri("north", OWNER), "restore", str(backup), "--yes")
    assert code == 0, err
    assert "verify ok" in out
    assert _head(plant.uri("south")) == heads["south"]
    assert _head(plant.uri("east")) == heads["east"]
    # its desks work in it again, with its own figures; its chain goes on from the backup's head
    # (the restore is audited)
    with Store.open(plant.uri("north", LOGINS["north"]), "tester", create=False) as store, \
            Store.open(plant.files["north"], "tester", create=False) as alone:
        assert store.entries_up_to(heads["north"]) is not None
        by_day = ("day",)
        assert _close(store.rates(FIRST, LAST, by_day).as_dict(), alone.rates(FIRST, LAST, by_day).as_dict())


# ------------------------------------------------------------------ the desk's window

@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_window_names_its_workshop(qtbot: QtBot, plant: Plant) -> None:
    with shown_window(qtbot, plant.uri("south", LOGINS["south"])) as w:  # type: ignore[arg-type]
        assert w.windowTitle() == f"qcdesk — south — {plant.database} @ {plant.server.socket_dir}"
        assert w.session.server is not None
        assert w.session.server.workshop == "south"
        if os.environ.get("QCDESK_SCREENSHOTS"):
            w.grab().save(str(Path(os.environ["QCDESK_SCREENSHOTS"]) / "plant-workshop-window.png"))
    # one workshop on a server of several, none named: the window is not opened, the workshops said
    with pytest.raises(DatabaseError, match="holds several workshops"):
        Session(plant.uri(None, LOGINS["south"]), "tester")


def test_preferences_take_a_uri_naming_a_workshop(qtbot: QtBot, tmp_path: Path) -> None:
    session = Session(tmp_path / "qc.sqlite", "tester")
    try:
        dialog = PreferencesDialog(session)
        qtbot.addWidget(dialog)
        uri = "postgresql://li_wei@plant-db.example:5432/qc?sslmode=require&workshop=north"
        dialog.database_edit.setText(uri)
        dialog.accept()
        assert dialog.database_error.isHidden()
        assert keys.settings().value(keys.DATABASE) == uri
        again = PreferencesDialog(session)
        qtbot.addWidget(again)
        again.database_edit.setText("postgresql://li_wei@plant-db.example:5432/qc?workshop=North-2")
        again.accept()
        assert "cannot name a workshop" in again.database_error.text()
        assert keys.settings().value(keys.DATABASE) == uri  # the bad one was not kept
    finally:
        qtbot.waitUntil(session.idle)
        session.close()


def test_replacing_a_workshop_from_its_backup_does_not_wait_for_the_other_workshops_desks(
        plant: Plant, tmp_path: Path) -> None:
    backup = tmp_path / "east.dump"
    assert run("--db", plant.uri("east", OWNER), "backup", str(backup))[0] == 0
    head = _head(plant.uri("east"))
    with Store.open(plant.uri("south", LOGINS["south"]), "tester", create=False) as desk:
        desk.rates(FIRST, LAST)  # a desk of another workshop, connected
        code, out, err = run("--db", plant.uri("east", OWNER), "restore", str(backup), "--yes", "--replace")
        assert code == 0, err
        assert "verify ok" in out
        with Store.open(plant.uri("east", LOGINS["east"]), "tester", create=False) as east:
            assert east.entries_up_to(head) is not None  # the chain goes on from the backup's head
            assert desk.chain_head() == plant.heads_before_migrate["south"]
        # a desk of the workshop itself, connected, holds its restore up
        with Store.open(plant.uri("east", LOGINS["east"]), "tester", create=False) as own:
            own.rates(FIRST, LAST)
            code, _out, err = run("--db", plant.uri("east", OWNER), "restore", str(backup), "--yes",
                                  "--replace")
            assert code == 1
            assert "in use by another qcdesk" in err


def test_one_workshops_save_does_not_wait_for_anothers(plant: Plant) -> None:
    """Each workshop's writes are serialised by a lock of its own: a save in south goes through
    while a desk of north holds its write open (with one lock for all, it would wait 5 s and be
    told the database is busy), and a second desk of north waits for the first, as on SQLite.
    (Each save names the workshop as it is named: the lock is taken, nothing is changed.)"""
    heads = {code: _head(plant.uri(code)) for code in SEEDS}
    names = {code: f"{code.title()} converter shop" for code in SEEDS}
    with Store.open(plant.uri("north", OWNER), "tester", create=False) as north, \
            Store.open(plant.uri("south", OWNER), "tester", create=False) as south, \
            Store.open(plant.uri("north", OWNER), "tester", create=False) as other_north_desk:
        with north.transaction():
            north.set_workshop(names["north"])
            assert south.set_workshop(names["south"]).name_en == names["south"]  # not busy
            with pytest.raises(DatabaseError, match="busy"):
                other_north_desk.set_workshop(names["north"])
        assert other_north_desk.set_workshop(names["north"]).name_en == names["north"]  # now free
    assert {code: _head(plant.uri(code)) for code in SEEDS} == heads


def test_the_plant_rates_by_grade_add_the_workshops_grades(plant: Plant) -> None:
    code, out, err = run("--db", plant.uri(None, OFFICE), "rates", "--plant", "--from", str(FIRST),
                         "--to", str(LAST), "--by", "grade", "--json")
    assert code == 0, err
    import json

    rows = json.loads(out)["rows"]
    judged: dict[str, float] = {}
    qualified: dict[str, float] = {}
    for workshop in SEEDS:
        with Store.open(plant.files[workshop], "tester", create=False) as alone:
            for row in alone.rates(FIRST, LAST, ("grade",)).rows:
                grade = row.keys["grade"]
                judged[grade] = judged.get(grade, 0) + row.sums.weight_judged_kg
                qualified[grade] = qualified.get(grade, 0) + row.sums.weight_qualified_kg
    plant_rows = {r["grade"]: r for r in rows if r["workshop"] == "plant"}
    assert set(plant_rows) == set(judged)
    for grade, row in plant_rows.items():
        assert math.isclose(row["ingot_qualified_rate"], qualified[grade] / judged[grade])
    code, out, err = run("--lang", "zh", "--db", plant.uri(None, OFFICE), "rates", "--plant", "--from",
                         str(FIRST), "--to", str(LAST), "--by", "month")
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()[3:7]] == ["east", "north", "south", "全厂"]
    set_language("en")
    code, _out, err = run("--db", plant.uri(None, OFFICE), "rates", "--plant", "--from", str(FIRST),
                          "--to", str(LAST), "--by", "converter")
    assert code == 1
    assert "a converter's number and a shift are a workshop's own" in err


def test_a_desk_whose_connection_the_server_dropped_comes_back_to_its_own_workshop(plant: Plant) -> None:
    with Store.open(plant.uri("south", LOGINS["south"]), "tester", create=False) as desk, \
            Store.open(plant.files["south"], "tester", create=False) as alone:
        pid = desk.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        plant.server.execute(sql.SQL("SELECT pg_terminate_backend({})").format(sql.Literal(pid)))
        with contextlib.suppress(DatabaseError, sqlite3.Error):  # the break may be said once
            desk.rates(FIRST, LAST)
        assert desk.conn.execute("SELECT pg_backend_pid()").fetchone()[0] != pid  # connected again
        assert desk.conn.execute("SELECT current_schema()").fetchone()[0] == "south"
        by_day = ("day",)
        assert _close(desk.rates(FIRST, LAST, by_day).as_dict(), alone.rates(FIRST, LAST, by_day).as_dict())


def test_a_desk_hears_the_saves_of_its_own_workshop_only(plant: Plant) -> None:
    """(It renames two workshops, and names them back after: the tests after it read the names.)"""
    from qcdesk.store.changes import APPLICATION, open_feed

    try:
        with open_feed(Server(plant.uri("north", LOGINS["north"]))) as feed:
            with psycopg.connect(plant.uri(None), autocommit=True) as admin:
                names = [row[0] for row in admin.execute(
                    "SELECT application_name FROM pg_stat_activity WHERE usename = %s", (LOGINS["north"],))]
            assert names == [f"{APPLICATION}/north"]  # the restore of another workshop does not count it
            with Store.open(plant.uri("south", LOGINS["south"]), "tester", create=False) as south:
                south.set_workshop("South, saved while north listens")
            assert feed.wait(1.0) is None  # south's save is not north's news
            with Store.open(plant.uri("north", LOGINS["north"]), "tester", create=False) as north:
                north.set_workshop("North, saved while north listens")
            heard = feed.wait(10.0)
            assert heard is not None
            assert "workshop" in heard.tables
    finally:
        for code in ("north", "south"):
            with Store.open(plant.uri(code, LOGINS[code]), "tester", create=False) as store:
                store.set_workshop(f"{code.title()} converter shop")


def test_the_plant_trend_defects_and_grades_are_the_workshops_sums(plant: Plant) -> None:
    from qcdesk.plant import plant_quality
    from qcdesk.trends import Grain, Period

    period = Period.custom(FIRST, LAST)
    quality = plant_quality(Server(plant.uri(None, OFFICE)), period, Grain.WEEK, user="office")
    assert [w.code for w in quality.workshops] == ["east", "north", "south"]
    assert quality.left_out == ()
    # by hand, from each workshop's own file: every day's sums added into its ISO week, then divided
    judged: dict[str, float] = {}
    qualified: dict[str, float] = {}
    defects: dict[str, int] = {}
    unsigned: dict[str, int] = {}
    for workshop in SEEDS:
        with Store.open(plant.files[workshop], "tester", create=False) as alone:
            for row in alone.rates(FIRST, LAST, ("day",)).rows:
                year, week, _weekday = date.fromisoformat(row.keys["date"]).isocalendar()
                key = f"{year}-W{week:02d}"
                judged[key] = judged.get(key, 0) + row.sums.weight_judged_kg
                qualified[key] = qualified.get(key, 0) + row.sums.weight_qualified_kg
                unsigned[workshop] = unsigned.get(workshop, 0) + (
                    alone.day_signoff(date.fromisoformat(row.keys["date"])).status.value != "signed")
            for d in alone.defect_pareto(FIRST, LAST):
                defects[d.code] = defects.get(d.code, 0) + d.ingots
    assert [b.key for b in quality.buckets] == ["1959-W05", "1959-W06", "1959-W07", "1959-W08", "1959-W09"]
    for bucket in quality.buckets:
        assert bucket.rates.ingot_qualified_rate is not None
        assert math.isclose(bucket.rates.ingot_qualified_rate, qualified[bucket.key] / judged[bucket.key])
        assert bucket.target is None  # a workshop's plan is its own, not the plant's
    assert {bar.code: bar.ingots for bar in quality.pareto_by_count} == defects
    assert [bar.ingots for bar in quality.pareto_by_count] == sorted(defects.values(), reverse=True)
    assert math.isclose(quality.total.sums.weight_judged_kg, sum(judged.values()))
    assert {w.code: len(w.unsigned_days) for w in quality.workshops} == unsigned
    assert quality.draft == any(unsigned.values())
    with Store.open(plant.files["north"], "tester", create=False) as alone:
        grades = {r.keys["grade"]: r.sums.ingots_judged for r in alone.rates(FIRST, LAST, ("grade",)).rows}
    north = next(w for w in quality.workshops if w.code == "north")
    assert {r.keys["grade"]: r.sums.ingots_judged for r in north.by_grade} == grades
    assert north.name() == "North converter shop"
    plant_grades = {r.keys["grade"]: r.sums.ingots_judged for r in quality.by_grade}
    assert sum(plant_grades.values()) == quality.total.sums.ingots_judged



# ------------------------------------------------------------------ the plant's quality report

def report(*argv: str) -> tuple[int, str, str]:
    """qcdesk with its report commands, as the installed program has them."""
    from reports.cli import COMMANDS

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err, extensions=COMMANDS)
    return code, out.getvalue(), err.getvalue()


def report_plant(uri: str, first: date, last: date, *more: str) -> tuple[int, str, str]:
    """qcdesk --db URI report plant --from FIRST --to LAST …"""
    return report("--db", uri, "report", "plant", "--from", str(first), "--to", str(last), *more)


def _pdf_rows(path: Path) -> list[list[str]]:
    """The PDF's text as pdftotext lays it out: each line's words."""
    import subprocess

    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return [line.split() for line in done.stdout.splitlines()]


def _pdf_text(path: Path) -> str:
    """The PDF's words in a line: a sentence wrapped over lines is found whole."""
    return " ".join(" ".join(words) for words in _pdf_rows(path))


def _same_rate(printed: str, value: float) -> bool:
    """A rate as printed and as worked by hand (one digit apart only at a sum half-way between two
    roundings, see `_last_digit_apart`)."""
    expected = f"{value * 100:.1f}%"
    return printed == expected or _last_digit_apart(printed, expected)


def _workshop_rows(path: Path) -> dict[str, list[str]]:
    """The workshops table of the report: each row's figures after the workshop's code, and the
    plant's row (by "plant"): heats, output, judged ingots, ingot rate (weight, count), surface rate,
    chemistry, days not signed. (Its rows are the first lines holding a code followed by 8 words.)"""
    found: dict[str, list[str]] = {}
    for words in _pdf_rows(path):
        for code in SEEDS:
            at = words.index(code) if code in words else -1
            if at >= 0 and code not in found and len(words) == at + 9 and words[at + 1][0].isdigit():
                found[code] = words[at + 1:]
        if len(words) == 9 and words[0] in ("Plant", "全厂") and words[1][0].isdigit() \
                and "plant" not in found:
            found["plant"] = words[1:]
    return found


def _by_hand(plant: Plant, first: date, last: date, codes: tuple[str, ...] = tuple(SEEDS)
             ) -> dict[str, dict[str, float]]:
    """Each workshop's sums, read from its own file, and the plant's: theirs added."""
    hand: dict[str, dict[str, float]] = {"plant": {}}
    for code in codes:
        with Store.open(plant.files[code], "tester", create=False) as alone:
            s = alone.rates(first, last).total.sums
            days = [date.fromisoformat(r.keys["date"]) for r in alone.rates(first, last, ("day",)).rows]
            unsigned = sum(alone.day_signoff(d).status.value != "signed" for d in days)
        hand[code] = {"heats": s.heats, "judged": s.ingots_judged, "judged_kg": s.weight_judged_kg,
                      "qualified_kg": s.weight_qualified_kg, "qualified": s.ingots_qualified,
                      "unsigned": unsigned}
        for key, value in hand[code].items():
            hand["plant"][key] = hand["plant"].get(key, 0) + value
    return hand


def _check_rows(rows: dict[str, list[str]], hand: dict[str, dict[str, float]]) -> None:
    assert set(rows) == set(hand)
    for code, sums in hand.items():
        heats, _output, judged, by_weight, by_count, _surface, _chemistry, unsigned = rows[code]
        assert (heats, judged, unsigned) == (f"{sums['heats']:,}", f"{sums['judged']:,}",
                                             f"{sums['unsigned']:,}"), code
        assert _same_rate(by_weight, sums["qualified_kg"] / sums["judged_kg"]), (code, by_weight)
        assert _same_rate(by_count, sums["qualified"] / sums["judged"]), (code, by_count)


def test_the_plant_report_of_a_month_prints_each_workshop_and_the_plant_from_their_sums(
        plant: Plant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    heads = {code: _head(plant.uri(code)) for code in SEEDS}
    monkeypatch.chdir(tmp_path)
    code, out, err = report_plant(plant.uri(None, OFFICE), FIRST, LAST)
    assert code == 0, err
    assert out.strip() == "Written: plant-1959-02.pdf"
    pdf = tmp_path / "plant-1959-02.pdf"
    hand = _by_hand(plant, FIRST, LAST)
    rows = _workshop_rows(pdf)
    _check_rows(rows, hand)
    # the plant's ingot rate is that of the added sums, not the mean of the workshops' rates
    mean = sum(hand[c]["qualified_kg"] / hand[c]["judged_kg"] for c in SEEDS) / len(SEEDS)
    added = hand["plant"]["qualified_kg"] / hand["plant"]["judged_kg"]
    assert not math.isclose(mean, added, rel_tol=1e-9)
    text = _pdf_text(pdf)
    assert "Plant quality report" in text
    assert "Period 1959-02" in text
    assert "Ingot qualified rate, by day" in text
    assert "By grade: the ingot qualified rate by weight, the plant's and each workshop's" in text
    assert "Defects (Pareto, by ingots)" in text
    assert "not an average of the workshops' rates" in text
    assert "Left out" not in text
    # every demo day is left unsigned: a draft, each workshop named with its days
    assert "Draft: " in text  # the stamp, drawn askew, is not read out whole
    assert "production days not signed by the workshop head:" in text
    for shop in SEEDS:
        with Store.open(plant.uri(shop, OFFICE), "office", create=False) as store:
            named = store.workshop()
        assert named is not None
        assert f"{named.name_en} ({hand[shop]['unsigned']})" in text
    # the office read and wrote nothing
    assert {code: _head(plant.uri(code)) for code in SEEDS} == heads


def test_the_plant_report_of_one_day_by_count_is_the_plants_daily_sheet(
        plant: Plant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(1959, 2, 10)
    monkeypatch.chdir(tmp_path)
    # the URI may name a workshop: the report covers every workshop the role reads all the same
    code, out, err = report_plant(plant.uri("south", OFFICE), day, day, "--basis", "count")
    assert code == 0, err
    assert out.strip() == "Written: plant-1959-02-10.pdf"
    pdf = tmp_path / "plant-1959-02-10.pdf"
    text = _pdf_text(pdf)
    assert "Production date 1959-02-10" in text
    assert "Ingot qualified rate, by day" not in text  # one point is no trend
    assert "By grade: the ingot qualified rate by count of ingots" in text
    hand = _by_hand(plant, day, day)
    rows = _workshop_rows(pdf)
    for figures in rows.values():  # by count first: count, weight, then the rest as by weight
        figures[3], figures[4] = figures[4], figures[3]
    _check_rows(rows, hand)


def test_the_plant_report_in_chinese(plant: Plant, tmp_path: Path) -> None:
    pdf = tmp_path / "全厂.pdf"
    try:
        code, out, err = report("--lang", "zh", "--db", plant.uri(None, OFFICE), "report", "plant", "--from",
                                str(FIRST), "--to", str(LAST), "-o", str(pdf))
    finally:
        set_language("en")
    assert code == 0, err
    assert out.strip() == f"已写入：{pdf}"
    text = _pdf_text(pdf).replace(" ", "")  # Chinese wraps anywhere
    for words in ("全厂质量报告", "期间1959-02", "各车间与全厂", "钢锭合格率，按日", "草稿",
                  "车间主任未签字的生产日", "不是各车间合格率的平均值"):
        assert words in text, words
    _check_rows(_workshop_rows(pdf), _by_hand(plant, FIRST, LAST))


def test_a_member_of_one_workshop_gets_its_workshop_and_the_others_named_as_left_out(
        plant: Plant, tmp_path: Path) -> None:
    pdf = tmp_path / "north.pdf"
    code, _out, err = report_plant(plant.uri(None, LOGINS["north"]), FIRST, LAST, "-o", str(pdf))
    assert code == 0, err
    rows = _workshop_rows(pdf)
    assert set(rows) == {"north", "plant"}
    _check_rows(rows, _by_hand(plant, FIRST, LAST, ("north",)))
    text = _pdf_text(pdf)
    left_out = "Left out: the workshops of the server you may not read (east, south)."
    assert text.index(left_out) < text.index("The workshops and the plant")  # said before the figures
    assert text.count(left_out) == 2  # and again with the notes


def test_the_plant_report_refuses_clearly_and_writes_nothing(plant: Plant, tmp_path: Path) -> None:
    pdf = tmp_path / "plant.pdf"
    code, _out, err = report_plant(str(plant.files["north"]), FIRST, LAST, "-o", str(pdf))
    assert code == 1
    assert ("a SQLite file is one workshop: qcdesk report period --from 1959-02-01 --to 1959-02-28 makes "
            "its report") in err
    code, _out, err = report_plant(plant.uri(None, OFFICE), LAST, FIRST, "-o", str(pdf))
    assert code == 1
    assert "1959-02-01 is before 1959-02-28" in err
    assert list(tmp_path.iterdir()) == []
    pdf.write_text("kept")
    code, _out, err = report_plant(plant.uri(None, OFFICE), FIRST, LAST, "-o", str(pdf))
    assert code == 1
    assert "exists" in err
    assert "--force" in err
    assert pdf.read_text() == "kept"
    # a role that may connect and is a member of no workshop
    nobody = sql.Identifier("ws_nobody")
    plant.server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(nobody))
    plant.server.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(plant.database),
                                                                              nobody))
    try:
        code, _out, err = report_plant(plant.uri(None, "ws_nobody"), FIRST, LAST, "-o",
                                       str(tmp_path / "none.pdf"))
    finally:
        plant.server.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM {}").format(
            sql.Identifier(plant.database), nobody))
        plant.server.execute(sql.SQL("DROP ROLE {}").format(nobody))
    assert code == 1
    assert "you are a member of none of the workshops" in err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plant.pdf"]
    code, _out, err = report_plant(plant.uri(None, OFFICE), FIRST, LAST, "-o", str(pdf), "--force")
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
