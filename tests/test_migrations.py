"""A new database, its schema and seed data; files that are not ours are left untouched."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from attacker import fingerprint, on_server, plain

from qcdesk.errors import DatabaseError
from qcdesk.migrations import LATEST
from qcdesk.model import Limit
from qcdesk.store import NewHeat, Store

QCK1 = int.from_bytes(b"QCK1", "big")  # the application id, spelled out

# DOMAIN.md "Chemistry limits (seed data)": GB/T 700-2006 maxima C, Si, Mn, P, S
GBT700 = {
    "Q195": (0.12, 0.30, 0.50, 0.035, 0.040),
    "Q215A": (0.15, 0.35, 1.20, 0.045, 0.050),
    "Q215B": (0.15, 0.35, 1.20, 0.045, 0.045),
    "Q235A": (0.22, 0.35, 1.40, 0.045, 0.050),
    "Q235B": (0.20, 0.35, 1.40, 0.045, 0.045),
    "Q235C": (0.17, 0.35, 1.40, 0.040, 0.040),
    "Q235D": (0.17, 0.35, 1.40, 0.035, 0.035),
    "Q275A": (0.24, 0.35, 1.50, 0.045, 0.050),
    "Q275B": (0.21, 0.35, 1.50, 0.045, 0.045),
    "Q275C": (0.20, 0.35, 1.50, 0.040, 0.040),
    "Q275D": (0.20, 0.35, 1.50, 0.035, 0.035),
}
# DOMAIN.md "Defect catalogue"
DEFECTS = {
    "PIPE": ("缩孔", "internal"), "TCRK": ("横裂", "surface"), "LCRK": ("纵裂", "surface"),
    "SCAB": ("结疤", "surface"), "DSKN": ("重皮", "surface"), "INCL": ("表面夹杂", "surface"),
    "PINH": ("表面气孔", "surface"), "BLOW": ("皮下气泡", "internal"), "LAP": ("双浇", "surface"),
    "FIN": ("飞翅", "surface"), "SHRT": ("短尺", "dimensional"),
}


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ------------------------------------------------------------------- a new one

@pytest.mark.sqlite_only  # the file's header; test_a_new_server_database_is_marked_and_at_the_latest_version
def test_a_new_database_is_marked_and_at_the_latest_version(store: Store, db_path: Path) -> None:
    assert LATEST >= 1
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == QCK1
    header = db_path.read_bytes()[:100]
    assert header[:16] == b"SQLite format 3\x00"
    assert int.from_bytes(header[60:64], "big") == LATEST  # user_version in the file header
    assert header[68:72] == b"QCK1"                        # application_id in the file header


def test_a_new_server_database_is_marked_and_at_the_latest_version(pg_uri: str) -> None:
    """A server keeps the application id and the schema version in the table qcdesk_schema."""
    Store.open(pg_uri, "tester").close()
    with plain(pg_uri) as raw:
        assert raw.execute("SELECT application_id, version FROM qcdesk_schema").fetchall() == [(QCK1, LATEST)]


def test_foreign_keys_are_enforced(store: Store) -> None:
    if store.server is None:  # SQLite enforces them on a connection that asks
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match=r"(?i)FOREIGN KEY"):
        store.conn.execute("INSERT INTO ingot (heat_id, ingot_no, weight_kg, disposition, inspector) "
                           "VALUES (999, 1, 700, 'accepted', 'x')")


@pytest.mark.sqlite_only  # SQLite's STRICT tables; a server's columns are typed anyway (test below)
def test_every_table_is_strict(store: Store) -> None:
    tables = store.conn.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()
    assert {name for name, _sql in tables} >= {
        "converter", "shift", "grade", "standard", "standard_limit", "defect", "heat",
        "heat_analysis", "ingot", "ingot_defect", "audit"}
    for name, sql in tables:
        options = sql.rsplit(")", 1)[1].upper()
        assert "STRICT" in options, name
    flags = {r[1]: r[5] for r in store.conn.execute("PRAGMA table_list") if r[0] == "main"
             and not r[1].startswith("sqlite_")}
    assert set(flags.values()) == {1}
    # and so a text in a REAL column is refused rather than stored
    with pytest.raises(sqlite3.IntegrityError, match="cannot store TEXT"):
        store.conn.execute("UPDATE converter SET nominal_t = 'thirty' WHERE code = '1'")


def test_the_seed_data(store: Store) -> None:
    assert [c.code for c in store.converters()] == ["1", "2", "3"]
    assert [(s.code, s.name_zh, s.start_min) for s in store.shifts()] == [
        ("night", "夜班", 0), ("day", "白班", 480), ("evening", "中班", 960)]
    assert sorted(store.grades()) == sorted(GBT700)
    editions = store.standards()
    assert len(editions) == 11
    for edition in editions:
        assert (edition.standard, edition.edition, edition.effective_from) == (
            "GB/T 700", "2006", date(2007, 2, 1)), edition.grade
        assert edition.limits == tuple(
            Limit(el, None, mx) for el, mx in zip(("C", "Si", "Mn", "P", "S"), GBT700[edition.grade],
                                                  strict=True)), edition.grade
    assert {d.code: (d.name_zh, d.category) for d in store.defects()} == DEFECTS
    assert store.counts()["heat"] == 0
    # the only audit entries: migration 9's, sealing the seed data (3 + 3 + 11 + 11 + 11 records)
    assert [(e.entity, e.field) for e in store.audit()] == [("schema", None)] + [
        (table, "sealed") for table, n in (("converter", 3), ("shift", 3), ("grade", 11),
                                           ("standard", 11), ("defect", 11)) for _ in range(n)] + [
        ("schema", None), ("tolerance_edition", "sealed")]  # and migration 10's, sealing GB/T 222-2006


def test_a_text_in_a_number_column_is_refused_on_a_server(pg_uri: str) -> None:
    with Store.open(pg_uri, "tester") as s, pytest.raises(sqlite3.DatabaseError, match="double precision"):
        s.conn.execute("UPDATE converter SET nominal_t = 'thirty' WHERE code = '1'")


# -------------------------------------------------------- opened again, or not

def test_opening_twice_changes_nothing(db_path: Path) -> None:
    with Store.open(db_path, "a") as s:
        before = list(s.conn.iterdump())
    with Store.open(db_path, "b") as s:
        assert list(s.conn.iterdump()) == before
        assert s.schema_version() == LATEST


def test_data_survives_reopening(db_path: Path) -> None:
    with Store.open(db_path, "a") as s:
        s.add_grade("20")
        s.add_edition("20", "GB/T 699", "2015", date(2020, 1, 1), [Limit("C", 0.17, 0.23)])
    with Store.open(db_path, "b") as s:
        assert [e.limits for e in s.standards("20")] == [(Limit("C", 0.17, 0.23),)]


def _untouched(db: Path | str) -> object:
    """What changes if the database is touched: the files in its folder, or the server's rows."""
    return fingerprint(db) if on_server(db) else files_in(Path(db).parent)


def test_a_newer_database_is_refused_and_left_untouched(db_path: Path) -> None:
    with Store.open(db_path, "a") as s:
        s.add_heat(NewHeat("H1", "1", datetime(2025, 3, 10, 9), "Q235B", 30.0,
                           None, "Wang"))
    with plain(db_path) as raw:
        if on_server(db_path):  # a server keeps its version in a table
            raw.execute("UPDATE qcdesk_schema SET version = ?", (LATEST + 1,))
        else:
            raw.execute("PRAGMA user_version = " + str(LATEST + 1))  # PRAGMAs bind no parameters
    before = _untouched(db_path)
    with pytest.raises(DatabaseError, match="newer") as refused:
        Store.open(db_path, "a")
    assert str(LATEST + 1) in str(refused.value)
    assert _untouched(db_path) == before


@pytest.mark.sqlite_only  # a file of another kind in the database's place
def test_a_text_file_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.write_text("heat_no,converter,tapped_at\n25001,1,2025-03-10 09:00\n", encoding="utf-8")
    before = files_in(db_path.parent)
    with pytest.raises(DatabaseError, match="not a qcdesk database"):
        Store.open(db_path, "a")
    assert files_in(db_path.parent) == before


@pytest.mark.sqlite_only  # a file of another kind in the database's place
def test_a_short_file_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.write_bytes(b"SQLite")
    with pytest.raises(DatabaseError):
        Store.open(db_path, "a")
    assert db_path.read_bytes() == b"SQLite"


@pytest.mark.sqlite_only  # a file of another kind in the database's place
def test_another_programs_sqlite_file_is_refused_and_left_untouched(db_path: Path) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
    raw.execute("INSERT INTO customer (name) VALUES ('Li')")
    raw.commit()
    raw.close()
    before = files_in(db_path.parent)
    with pytest.raises(DatabaseError, match="another program"):
        Store.open(db_path, "a")
    assert files_in(db_path.parent) == before


@pytest.mark.sqlite_only  # a file of another kind in the database's place
def test_a_versioned_sqlite_file_of_another_program_is_refused(db_path: Path) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE note (id INTEGER PRIMARY KEY)")
    raw.execute("PRAGMA user_version = 1")
    raw.close()
    before = files_in(db_path.parent)
    with pytest.raises(DatabaseError, match="another program"):
        Store.open(db_path, "a")
    assert files_in(db_path.parent) == before


def test_another_programs_server_database_is_refused_and_left_untouched(pg_uri: str) -> None:
    with plain(pg_uri) as raw:
        raw.execute("CREATE TABLE customer (id bigint PRIMARY KEY, name text)")
        raw.execute("INSERT INTO customer VALUES (1, 'Li')")
    before = fingerprint(pg_uri)
    with pytest.raises(DatabaseError, match="PostgreSQL database of another program; it was left untouched"):
        Store.open(pg_uri, "a")
    assert fingerprint(pg_uri) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="folder"):
        Store.open(tmp_path, "a")


@pytest.mark.sqlite_only  # a file of another kind in the database's place
def test_an_empty_file_becomes_a_new_database(db_path: Path) -> None:
    db_path.touch()
    with Store.open(db_path, "a") as s:
        assert s.schema_version() == LATEST
        assert len(s.grades()) == 11


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new" / "folder" / "qc.sqlite", "a") as s:
        assert s.schema_version() == LATEST
