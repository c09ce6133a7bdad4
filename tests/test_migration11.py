"""Migration 11 brings the dismissals of the off-grade announcements to a database written before
them: a SQLite file (migrated when opened), and a PostgreSQL database (upgraded by its owner
role, `qcdesk --db URI migrate`; the desks' role is told to ask for that).

`data/schema10-offgrade.sqlite` (with its journal `.heads`) was written by qcdesk at schema 10
(main at e8c58f0): signed_shop's workshop (10 March 2025, people ada, hu, wang, li; D1, D2, E1
conforming), and by wang heat F1 (tapped 13:00, Mn 1.82 against Q235B's max 1.40, one ingot)
and a product sample P1 of ingot D2/1 (15:00, C 0.25 against 0.20 + 0.02 allowed): 56 entries,
head f3edc0bf…, nothing signed.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pgserver import PgServer
from psycopg import sql
from signed_shop import NOW, PINS, open_as

from qcdesk.alerts import alert_text
from qcdesk.cli import main
from qcdesk.errors import DatabaseError
from qcdesk.journal import journal_path
from qcdesk.store import Store, copy, postgres
from qcdesk.store.dialect import postgres_schema
from qcdesk.verify import verify

DATA = Path(__file__).parent / "data"
OLD_HEAD = "f3edc0bf5598187863867c150cc77855a303284db69c0663ae72b7665a5d13c1"
F1 = "Heat F1 off grade: Mn 1.82 % > max 1.40 % (Q235B, GB/T 700-2006)"
D2 = "Ingot D2/1 fails its product analysis P1: C 0.25 % > 0.22 % allowed (Q235B, GB/T 700-2006)"
SCHEMA_10 = postgres_schema()[:postgres_schema().index("-- upgrade to schema 11")]


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "schema10-offgrade.sqlite", path)
    shutil.copyfile(DATA / "schema10-offgrade.sqlite.heads", journal_path(path))
    return path


def test_the_file_is_at_schema_10_with_no_dismissals(old: Path) -> None:
    raw = sqlite3.connect(old)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 10
        assert raw.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'alert_dismissal'"
                           ).fetchone()[0] == 0
    finally:
        raw.close()


def test_a_schema_10_file_gets_the_dismissals_and_keeps_its_chain(old: Path) -> None:
    with open_as(old, "wang") as s:
        assert s.schema_version() == 11
        assert s.chain_head() == OLD_HEAD  # an empty table: nothing to seal, no entry written
        assert [alert_text(a) for a in s.open_alerts()] == [F1, D2]
        report = verify(s)
        assert report.ok, report.problem
        assert report.entries == 56
        s.dismiss_alert(s.open_alerts()[0])
        assert [alert_text(a) for a in s.open_alerts()] == [D2]
        report = verify(s)
        assert report.ok, report.problem
    lines = journal_path(old).read_text().splitlines()
    assert lines[-2].startswith("begin 56 57 ")  # the old journal goes on
    raw = sqlite3.connect(old)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="a dismissal is kept as it was made"):
            raw.execute("DELETE FROM alert_dismissal")
    finally:
        raw.close()


# ------------------------------------------------------------------ on a server

@pytest.fixture
def plant_10(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """The same workshop in a PostgreSQL database at schema 10, set up for plant mode (an owner
    and a desks' role, which may read every table): copied as `qcdesk migrate --to` copied it
    then, by the schema's script as it was (what comes before its upgrade to 11). (owner's URI,
    desks' URI.)"""
    database, owner, app = "plant_eleven", "qc_owner_eleven", "qc_app_eleven"
    assert main(["plant", "setup", pg_server.uri(database), "--owner", owner, "--app", app],
                io.StringIO(), io.StringIO()) == 0
    owner_uri, app_uri = pg_server.uri(database, owner), pg_server.uri(database, app)
    monkeypatch.setattr(copy, "TABLES", tuple(t for t in copy.TABLES if t != "alert_dismissal"))
    source = sqlite3.connect(DATA / "schema10-offgrade.sqlite")
    target = postgres.connect(postgres.Server(owner_uri))
    try:
        copy.into_server(source, target, schema=SCHEMA_10)
    finally:
        source.close()
        target.close()
    monkeypatch.undo()
    with psycopg.connect(owner_uri, autocommit=True) as conn:  # the rights of schema 10, roughly
        conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {}").format(
            sql.Identifier(app)))
        conn.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
            sql.Identifier(app)))
    for uri in (owner_uri, app_uri):
        heads = journal_path(postgres.witness_folder() / postgres.Server(uri).key)
        heads.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / "schema10-offgrade.sqlite.heads", heads)
    try:
        yield owner_uri, app_uri
    finally:
        pg_server.drop_database(database)


def _version(uri: str) -> int:
    with psycopg.connect(uri) as conn:
        row = conn.execute("SELECT version FROM qcdesk_schema").fetchone()
        return int(row[0]) if row else 0


def test_the_desks_role_is_told_to_have_the_owner_migrate(plant_10: tuple[str, str]) -> None:
    _owner_uri, app_uri = plant_10
    with pytest.raises(DatabaseError) as refused:
        Store.open(app_uri, "wang", create=False)
    assert "holds a qcdesk database of schema 10; this program needs schema 11" in str(refused.value)
    assert "qcdesk --db URI migrate" in str(refused.value)
    assert _version(app_uri) == 10


def test_qcdesk_migrate_as_the_owner_brings_a_server_database_to_11(plant_10: tuple[str, str]) -> None:
    owner_uri, app_uri = plant_10
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", owner_uri, "migrate"], out, err) == 0, err.getvalue()
    assert "schema 11, the newest this program knows" in out.getvalue()
    assert "may read and write the records" in out.getvalue()  # the desks' rights given again
    with Store.open(app_uri, "wang", clock=lambda: NOW, create=False) as s:
        assert s.schema_version() == 11
        assert s.chain_head() == OLD_HEAD
        s.login("wang", PINS["wang"])
        assert [alert_text(a) for a in s.open_alerts()] == [F1, D2]
        s.dismiss_alert(s.open_alerts()[1])
        assert [alert_text(a) for a in s.open_alerts()] == [F1]
    with psycopg.connect(app_uri, autocommit=True) as conn:  # made, never changed or removed
        for statement in ("UPDATE alert_dismissal SET dismissed_by = 'hu'", "DELETE FROM alert_dismissal"):
            with pytest.raises(psycopg.Error) as raw:
                conn.execute(statement)
            assert raw.value.sqlstate == "42501"
    with Store.open(owner_uri, "it", create=False) as s:
        report = verify(s)
        assert report.ok, report.problem
        assert report.entries == 57


def test_a_backup_of_schema_10_is_restored_and_brought_to_11(plant_10: tuple[str, str], pg_server: PgServer,
                                                              tmp_path: Path) -> None:
    owner_uri, _app_uri = plant_10
    backup = tmp_path / "plant10.dump"
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", owner_uri, "backup", str(backup)], out, err) == 0, err.getvalue()
    assert "checked whole (schema 10, 4 heats, 5 ingots" in out.getvalue()
    pg_server.create_database("restored_eleven", template="template0")
    try:
        target = pg_server.uri("restored_eleven")
        out, err = io.StringIO(), io.StringIO()
        assert main(["--db", target, "restore", str(backup)], out, err) == 0, err.getvalue()
        assert "verify ok" in out.getvalue()
        assert _version(target) == 11
        with Store.open(target, "it", clock=lambda: NOW, create=False) as s:
            assert [alert_text(a) for a in s.open_alerts()] == [F1, D2]
    finally:
        pg_server.drop_database("restored_eleven")
