"""The PostgreSQL schema (qcdesk/store/postgres_schema.sql, postgres_roles.sql) against SQLite's at
the newest schema version (issue 13; 14 added the dismissals): the same tables, columns, keys, indexes
and triggers; the same refusals with the same messages and the same derived sums; SQLite's functions
the store uses; the text of SQLite's json_array, byte for byte, so that the audit chain's head is the
same on both; and an application role that cannot change the audit trail even with its triggers disabled.

Each test runs against a throwaway PostgreSQL server started in a temporary folder (as the user
postgres when the tests run as root) and a new SQLite database made by the program."""

from __future__ import annotations

import math
import os
import random
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

import qcdesk
from qcdesk import chain, records
from qcdesk.store import Store


def _pg_bin() -> Path | None:
    """The folder of PostgreSQL's server programs: on the PATH, else Debian's newest."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return versions[-1].parent if versions else None


PG_BIN = _pg_bin()
pytestmark = pytest.mark.skipif(PG_BIN is None, reason="no PostgreSQL server programs found")

SCHEMA_SQL = (Path(qcdesk.__file__).parent / "store" / "postgres_schema.sql").read_text(encoding="utf-8")
ROLES_SQL = (Path(qcdesk.__file__).parent / "store" / "postgres_roles.sql").read_text(encoding="utf-8")
OWNER, APP = "qc_owner", "qc_app"
TEMPLATE = "qcdesk_template"


# ------------------------------------------------------------------------------ the server

@dataclass
class Server:
    """A PostgreSQL server listening on a Unix socket in `folder` only."""

    folder: Path

    def connect(self, dbname: str = "postgres", user: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(host=str(self.folder), dbname=dbname, user=user, autocommit=True)


def _as_server_user(args: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as postgres then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A server of its own, with the owner and application roles and a template database
    holding the schema with the roles' privileges."""
    assert PG_BIN is not None
    folder = Path(tempfile.mkdtemp(prefix="qcpg"))  # short: a socket path has a limit
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
                                    "--locale=C", "-A", "trust"]), check=True, capture_output=True)
    options = f"-c listen_addresses='' -k {folder} -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                                    "-o", options, "-w", "start"]), check=True, capture_output=True)
    srv = Server(folder)
    try:
        with srv.connect() as admin:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(OWNER)))
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP)))
            admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(TEMPLATE), sql.Identifier(OWNER)))
        with srv.connect(TEMPLATE, OWNER) as owner:
            with owner.transaction():
                owner.execute(SCHEMA_SQL)
            owner.execute(_roles("public"))
        yield srv
    finally:
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _roles(schema: str) -> sql.Composed:
    return sql.SQL(ROLES_SQL).format(
        schema=sql.Identifier(schema), owner=sql.Identifier(OWNER), app=sql.Identifier(APP))


_made = iter(range(1, 1_000_000))


@pytest.fixture
def pg_name(server: Server) -> Iterator[str]:
    """A new database at the newest schema, made from the template; dropped afterwards."""
    name = f"qc_test_{next(_made)}"
    with server.connect() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(TEMPLATE), sql.Identifier(OWNER)))
    yield name
    with server.connect() as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg(server: Server, pg_name: str) -> Iterator[psycopg.Connection[Any]]:
    """The new database, connected as its owner (whom the triggers bind as they bind anyone)."""
    with server.connect(pg_name, OWNER) as conn:
        yield conn


@pytest.fixture(scope="module")
def sqlite_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database the program made in SQLite (the newest schema, its seed data)."""
    path = tmp_path_factory.mktemp("sqlite") / "made.sqlite"
    Store.open(path, "tester").close()
    return path


@pytest.fixture
def lite(sqlite_made: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A copy of it, connected as the program connects (foreign keys on)."""
    path = tmp_path / "copy.sqlite"
    shutil.copy(sqlite_made, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


def _pg_sql(statement: str) -> str:
    """A statement written for sqlite3 ('?' placeholders) as psycopg takes it."""
    return statement.replace("%", "%%").replace("?", "%s")


def run_both(lite: sqlite3.Connection, pg: psycopg.Connection[Any], statement: str,
             params: Sequence[object] = ()) -> None:
    lite.execute(statement, tuple(params))
    pg.execute(_pg_sql(statement), tuple(params))


# ------------------------------------------------------------------------- the same schema

def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


SQLITE_TYPES = {"INTEGER": "bigint", "REAL": "double precision", "TEXT": "text", "BLOB": "bytea",
                "ANY": "text"}
# what PostgreSQL adds: the rowid of the tables keyed by text (a column of its own), and the
# schema's version (PRAGMA application_id and user_version in SQLite)
ROWID_TABLES = ("defect", "grade", "plan")


def test_every_table_has_the_same_columns_in_the_same_order(lite: sqlite3.Connection,
                                                            pg: psycopg.Connection[Any]) -> None:
    tables = _sqlite_tables(lite)
    assert len(tables) == 23
    pg_tables = {r[0] for r in pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
    assert pg_tables == {*tables, "qcdesk_schema"}
    for table in tables:
        alias = _rowid_alias(lite, table)  # its INTEGER PRIMARY KEY: NULL there is the next rowid
        # (name, type, NOT NULL, has a default): a key's columns are never NULL
        want = [(r[1], SQLITE_TYPES[r[2]], bool(r[3]) or bool(r[5]), r[4] is not None or r[1] == alias)
                for r in lite.execute(f"PRAGMA table_info({table})")]
        if table in ROWID_TABLES:
            want.append(("rowid", "bigint", True, True))  # an identity: never NULL, a default
        got = [(r[0], r[1], r[2] == "NO", r[3] is not None or r[4] == "YES") for r in pg.execute(
            "SELECT column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
            "ORDER BY ordinal_position", (table,))]
        assert got == want, table


def _rowid_alias(conn: sqlite3.Connection, table: str) -> str | None:
    keys = [r for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
    return keys[0][1] if len(keys) == 1 and keys[0][2] == "INTEGER" else None


def test_every_text_compares_byte_by_byte_as_in_sqlite(pg: psycopg.Connection[Any]) -> None:
    loose = pg.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = 'public' AND data_type = 'text' "
                       "AND coalesce(collation_name, '') <> 'C'").fetchall()
    assert loose == []
    # (SQLite's BINARY collation: upper case before lower case, byte order)
    pg.execute("INSERT INTO grade (code) VALUES ('b'), ('B'), ('a'), ('É')")
    assert [r[0] for r in pg.execute("SELECT code FROM grade ORDER BY code")] == ["B", "a", "b", "É"]


def _sqlite_keys(conn: sqlite3.Connection, table: str) -> set[tuple[str, bool, tuple[str, ...], bool]]:
    """(index name or '', unique, columns, partial) of each index of a table, named ones by name."""
    found = set()
    for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
        columns = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({name})"))
        found.add(("" if name.startswith("sqlite_autoindex") or origin == "pk" else name,
                   bool(unique), columns, bool(partial)))
    pk = [r for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
    if len(pk) == 1 and pk[0][2] == "INTEGER":  # the rowid itself
        found.add(("", True, (pk[0][1],), False))
    elif not any(not name and unique and cols == tuple(r[1] for r in sorted(pk, key=lambda r: r[5]))
                 for name, unique, cols, _p in found) and pk:
        found.add(("", True, tuple(r[1] for r in sorted(pk, key=lambda r: r[5])), False))
    return found


def _pg_keys(conn: psycopg.Connection[Any], table: str) -> set[tuple[str, bool, tuple[str, ...], bool]]:
    rows = conn.execute(
        "SELECT i.relname, x.indisunique, x.indpred IS NOT NULL, "
        "       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid), "
        "       array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k (n, o) "
        "             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass", (table,)).fetchall()
    return {("" if constraint else name, unique, tuple(columns), partial)
            for name, unique, partial, constraint, columns in rows}


def test_every_key_and_index_is_there_under_its_name(lite: sqlite3.Connection,
                                                     pg: psycopg.Connection[Any]) -> None:
    for table in _sqlite_tables(lite):
        want = _sqlite_keys(lite, table)
        if table in ROWID_TABLES:
            want.add(("", True, ("rowid",), False))
        assert _pg_keys(pg, table) == want, table
    assert _pg_keys(pg, "qcdesk_schema") == {("qcdesk_schema_one_row", True, (), False)}


def test_every_foreign_key_is_there(lite: sqlite3.Connection, pg: psycopg.Connection[Any]) -> None:
    actions = {"NO ACTION": "a", "CASCADE": "c", "RESTRICT": "r", "SET NULL": "n", "SET DEFAULT": "d"}
    for table in _sqlite_tables(lite):
        want = {(r[3], r[2], r[4], actions[r[5]], actions[r[6]])
                for r in lite.execute(f"PRAGMA foreign_key_list({table})")}
        got = set(pg.execute(
            "SELECT a.attname, f.relname, b.attname, c.confupdtype, c.confdeltype FROM pg_constraint c "
            "JOIN pg_class f ON f.oid = c.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conrelid = %s::regclass", (table,)).fetchall())
        assert got == want, table


def test_every_trigger_is_there_under_its_name_on_its_table(lite: sqlite3.Connection,
                                                            pg: psycopg.Connection[Any]) -> None:
    want = set(lite.execute("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger'"))
    assert len(want) == 29
    got = set(pg.execute("SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                         "WHERE NOT t.tgisinternal").fetchall())
    # and PostgreSQL's own: TRUNCATE fires no row trigger; identities follow the ids given
    extra = {(name, table) for name, table in got - want
             if name in (f"{table}_identity", f"{table}_no_truncate", "audit_no_truncate",
                         "audit_entry_no_truncate")}
    assert got == want | extra


def test_the_schema_version_is_one_row(pg_name: str, server: Server) -> None:
    with server.connect(pg_name, OWNER) as owner:
        assert owner.execute("SELECT application_id, version FROM qcdesk_schema").fetchall() == [
            (0x51434B31, 11)]
        with pytest.raises(psycopg.errors.UniqueViolation):
            owner.execute("INSERT INTO qcdesk_schema VALUES (1363364657, 12)")


# ------------------------------------------------------------------------ the same refusals

BLOCK_HASH = bytes(range(32))
# Records of every kind, written the same way into both (ids clear of SQLite's seed data).
SETUP: list[tuple[str, tuple[object, ...]]] = [
    ("INSERT INTO converter (id, code, name) VALUES (101, 'T1', 'Test converter')", ()),
    ("INSERT INTO shift (id, code, name_en, name_zh, start_min, seq) "
     "VALUES (101, 'tday', 'Day', '白班', 480, 101)", ()),
    ("INSERT INTO grade (code, description) VALUES ('TG1', 'test grade'), ('TG2', '')", ()),
    ("INSERT INTO standard (id, grade, standard, edition, effective_from) "
     "VALUES (101, 'TG1', 'GB/T 700', '2006', '2007-02-01')", ()),
    ("INSERT INTO standard_limit (standard_id, element, max_pct) VALUES (101, 'C', 0.22)", ()),
    ("INSERT INTO defect (code, name_en, name_zh, category) VALUES ('TDEF', 'test', '测试', 'surface')", ()),
    ("INSERT INTO heat (id, heat_no, converter_id, tapped_at, production_date, shift_id, grade, "
     "tap_weight_t, inspector) VALUES (101, 'T-1', 101, '2024-03-01 09:15', '2024-03-01', 101, 'TG1', "
     "40.5, 'li'), (102, 'T-2', 101, '2024-03-01 10:40', '2024-03-01', 101, 'TG1', 41.0, 'li')", ()),
    ("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector) VALUES "
     "(1001, 101, 1, 7000.5, 'accepted', 'li'), (1002, 101, 2, 6800.25, 'conditioned', 'li'), "
     "(1003, 101, 3, 7100.0, 'scrap', 'li'), (1004, 101, 4, 6900.0, 'pending', 'li'), "
     "(1005, 101, 5, 7050.75, 'regraded', 'li')", ()),
    ("INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) VALUES (1001, 1, 'TDEF', 'top')", ()),
    ("INSERT INTO heat_analysis (heat_id, element, seq, value_pct) VALUES (101, 'C', 1, 0.18)", ()),
    ("INSERT INTO person (id, name, role, pin_hash) VALUES (101, 'li', 'inspector', 'scrypt$abc')", ()),
    ("INSERT INTO signature (id, kind, production_date, shift_id, person_id, signer, role, meaning, "
     "signed_at, records_hash, chain_head) VALUES (101, 'shift', '2024-03-01', 101, 101, 'li', "
     "'inspector', 'closed', '2024-03-01 16:00', ?, ?)", ("a" * 64, "b" * 64)),
    ("INSERT INTO sample (id, heat_id, kind, sample_no, ingot_id, taken_at, entered_by) "
     "VALUES (101, 101, 'product', 'P1', 1001, '2024-03-01 10:00', 'lab')", ()),
    ("INSERT INTO sample_value (sample_id, element, value_pct) VALUES (101, 'C', 0.19)", ()),
    ("INSERT INTO tolerance_edition (id, standard, edition, in_force_from) "
     "VALUES (101, 'GB/T 222', '2099', '2099-01-01')", ()),
    ("INSERT INTO tolerance_class (edition_id, element, seq, up_to_pct, below_pct, above_pct) "
     "VALUES (101, 'C', 1, 0.25, 0.02, 0.02)", ()),
    ("INSERT INTO plan (period, output_t) VALUES ('2024-Q1', 1000.0)", ()),
    ("INSERT INTO alert_dismissal (id, kind, heat_id, sample_id, element, person_id, dismissed_by, role, "
     "dismissed_at) VALUES (101, 'heat', 101, NULL, 'C', 101, 'li', 'inspector', "
     "'2024-03-01T11:00:00+08:00'), (102, 'product', 101, 101, 'C', NULL, 'li', NULL, "
     "'2024-03-01T11:00:00+08:00')", ()),
    ("INSERT INTO audit_v1 (id, at, \"user\", action, entity, entity_key) "
     "VALUES (1, '2024-01-01T08:00:00+08:00', 'li', 'insert', 'grade', 'TG1')", ()),
    ("INSERT INTO audit (id, action, entity, entity_key) VALUES (100001, 'insert', 'test', 'x')", ()),
    ("INSERT INTO audit_block (last_id, at, \"user\", hash) VALUES (100001, '2024-03-01T10:00:00+08:00', "
     "'li', ?)", (BLOCK_HASH,)),
]


@pytest.fixture
def both(lite: sqlite3.Connection, pg: psycopg.Connection[Any]) -> tuple[sqlite3.Connection,
                                                                        psycopg.Connection[Any]]:
    """Both databases holding the records of SETUP."""
    for statement, params in SETUP:
        run_both(lite, pg, statement, params)
    return lite, pg


NEVER_DELETED = "quality records are voided, never deleted"
APPEND_ONLY = "the audit log is append-only"
SIGNED = "a signature cannot be changed, only superseded"
DISMISSAL_KEPT = "a dismissal is kept as it was made: never changed or removed"
SAMPLE_FIXED = "a sample keeps its heat, kind and ingot: void it and enter it again"
# (what is done first, what is refused, SQLite's message) — the messages of its RAISE(ABORT, ...)
REFUSED: dict[str, tuple[tuple[str, ...], str, str]] = {
    "delete a heat": ((), "DELETE FROM heat WHERE id = 101", NEVER_DELETED),
    "delete an ingot": ((), "DELETE FROM ingot WHERE id = 1004", NEVER_DELETED),
    "delete an ingot's defect": ((), "DELETE FROM ingot_defect", NEVER_DELETED),
    "delete an analysis value": ((), "DELETE FROM heat_analysis", NEVER_DELETED),
    "delete a sample": ((), "DELETE FROM sample", NEVER_DELETED),
    "delete a sample's value": ((), "DELETE FROM sample_value", NEVER_DELETED),
    "delete a person": ((), "DELETE FROM person WHERE id = 101", "people are deactivated, never deleted"),
    "delete a signature": ((), "DELETE FROM signature", "signatures are superseded, never deleted"),
    "change what a signature covers": ((), "UPDATE signature SET records_hash = '" + "c" * 64 + "'", SIGNED),
    "set a signature's meaning again": ((), "UPDATE signature SET meaning = meaning", SIGNED),
    "supersede a signature twice": (
        ("UPDATE signature SET superseded_at = 'x', superseded_reason = 'y' WHERE id = 101",),
        "UPDATE signature SET superseded_at = NULL, superseded_reason = NULL WHERE id = 101", SIGNED),
    "move a sample to another heat": ((), "UPDATE sample SET heat_id = 102", SAMPLE_FIXED),
    "change a sample's kind": ((), "UPDATE sample SET kind = 'heat', ingot_id = NULL", SAMPLE_FIXED),
    "a product sample of another heat's ingot": (
        (), "INSERT INTO sample (heat_id, kind, sample_no, ingot_id, taken_at, entered_by) "
            "VALUES (102, 'product', 'P2', 1001, '2024-03-01 11:00', 'lab')",
        "a product sample names an ingot of its own heat"),
    "remove a tolerance edition": ((), "DELETE FROM tolerance_edition WHERE id = 101",
                                   "editions are added, never removed"),
    "remove a tolerance class": ((), "DELETE FROM tolerance_class WHERE edition_id = 101",
                                 "editions are added, never removed"),
    "change a dismissal": ((), "UPDATE alert_dismissal SET dismissed_by = 'wang'", DISMISSAL_KEPT),
    "remove a dismissal": ((), "DELETE FROM alert_dismissal WHERE id = 102", DISMISSAL_KEPT),
    "change an audit entry": ((), "UPDATE audit SET reason = 'nothing happened'", APPEND_ONLY),
    "delete an audit entry": ((), "DELETE FROM audit WHERE id = 100001", APPEND_ONLY),
    "write an entry again under its id": (
        (), "INSERT INTO audit (id, action, entity, entity_key) VALUES (100001, 'update', 'test', 'y')",
        APPEND_ONLY),
    "change a block": ((), "UPDATE audit_block SET \"user\" = 'someone'", APPEND_ONLY),
    "delete a block": ((), "DELETE FROM audit_block", APPEND_ONLY),
    "write a block again under its id": (
        (), "INSERT INTO audit_block (last_id, at, \"user\", hash) SELECT last_id, at, 'x', hash "
            "FROM audit_block", APPEND_ONLY),
    "change an old entry": ((), "UPDATE audit_v1 SET hash = NULL", APPEND_ONLY),
    "delete an old entry": ((), "DELETE FROM audit_v1", APPEND_ONLY),
    "write an old entry again under its id": (
        (), "INSERT INTO audit_v1 (id, at, \"user\", action, entity, entity_key) "
            "VALUES (1, 'y', 'y', 'insert', 'y', 'y')", APPEND_ONLY),
}


def _sqlite_refusal(conn: sqlite3.Connection, statement: str) -> str:
    with pytest.raises(sqlite3.IntegrityError) as refused:
        conn.execute(statement)
    return str(refused.value)


def _pg_refusal(conn: psycopg.Connection[Any], statement: str) -> tuple[str, str | None]:
    # (a savepoint when in a transaction)
    with pytest.raises(psycopg.errors.IntegrityError) as refused, conn.transaction():
        conn.execute(_pg_sql(statement))
    return str(refused.value.diag.message_primary), refused.value.sqlstate


@contextmanager
def undone(lite: sqlite3.Connection, pg: psycopg.Connection[Any]) -> Iterator[None]:
    """What is done inside is undone on both afterwards (a savepoint, rolled back)."""
    lite.execute("SAVEPOINT undone")
    try:
        with pg.transaction(force_rollback=True):
            yield
    finally:
        lite.execute("ROLLBACK TO undone")
        lite.execute("RELEASE undone")


def test_the_server_refuses_what_sqlite_refuses_in_the_same_words(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    lite, pg = both
    for case, (before, statement, message) in REFUSED.items():
        with undone(lite, pg):
            for step in before:
                run_both(lite, pg, step)
            assert _sqlite_refusal(lite, statement) == message, case
            assert _pg_refusal(pg, statement) == (message, "23000"), case
            assert pg.execute("SELECT count(*) FROM audit").fetchone() == (1,)  # (and nothing was written)


def test_what_sqlite_lets_through_the_server_lets_through(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    lite, pg = both
    for statement in (
            "UPDATE signature SET superseded_at = 'x', superseded_reason = 'y' WHERE id = 101",
            "UPDATE sample SET void_reason = 'taken twice', sample_no = 'P9'",
            "INSERT INTO sample (heat_id, kind, sample_no, ingot_id, taken_at, entered_by) "
            "VALUES (101, 'product', 'P3', 1002, '2024-03-01 11:00', 'lab')",
            "INSERT INTO sample (heat_id, kind, taken_at, entered_by) "
            "VALUES (102, 'heat', '2024-03-01 11:00', 'lab')",
            "UPDATE person SET active = 0 WHERE id = 101",
            "UPDATE heat SET void_reason = 'typed twice' WHERE id = 102",
            "DELETE FROM plan",
            "INSERT INTO audit (id, action, entity, entity_key) VALUES (100002, 'insert', 'test', 'z')",
            "INSERT INTO audit (action, tbl, rec, state) VALUES ('update', 'control_limits', "
            "'[\"p\",\"\",\"\",\"\",\"\"]', 'null')"):
        run_both(lite, pg, statement)


def test_truncate_and_upsert_are_refused_too(both: tuple[sqlite3.Connection, psycopg.Connection[Any]],
                                             pg_name: str, server: Server) -> None:
    """What SQLite has not: TRUNCATE fires no row trigger; ON CONFLICT DO UPDATE is an update."""
    _lite, pg = both
    assert _pg_refusal(pg, "INSERT INTO audit (id, action, entity, entity_key) VALUES "
                           "(100001, 'update', 'x', 'y') ON CONFLICT (id) DO UPDATE SET reason = 'x'") == (
        APPEND_ONLY, "23000")
    with server.connect(pg_name, OWNER) as owner:  # (the application role may not truncate at all)
        for table, message in (("audit", APPEND_ONLY), ("audit_block", APPEND_ONLY),
                               ("audit_v1", APPEND_ONLY), ("heat", NEVER_DELETED),
                               ("signature", "signatures are superseded, never deleted")):
            assert _pg_refusal(owner, f"TRUNCATE {table} CASCADE") == (message, "23000")


BAD_ROWS = [
    "INSERT INTO converter (code, name) VALUES ('   ', 'blank')",
    "INSERT INTO converter (code, name, active) VALUES ('T9', 'x', 2)",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-3', 101, '2024-02-30 10:00', '2024-03-01', 101, 'TG1', 40, 'li')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-3', 101, '2024-03-01T10:00', '2024-03-01', 101, 'TG1', 40, 'li')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-3', 101, '2024-03-01 10:00', '2024-3-01', 101, 'TG1', 40, 'li')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-3', 101, '2024-03-01 10:00', '2024-03-01', 101, 'TG1', 0, 'li')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-3', 999, '2024-03-01 10:00', '2024-03-01', 101, 'TG1', 40, 'li')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector, chem_status) VALUES ('T-3', 101, '2024-03-01 10:00', '2024-03-01', 101, 'TG1', 40, 'li', "
    "'conforms')",
    "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, tap_weight_t, "
    "inspector) VALUES ('T-1', 101, '2024-03-01 10:00', '2024-03-01', 101, 'TG1', 40, 'li')",
    "UPDATE heat SET n_ingots = 1 WHERE id = 101",
    "INSERT INTO defect (code, name_en, name_zh, category) VALUES ('abc', 'x', 'x', 'surface')",
    "INSERT INTO defect (code, name_en, name_zh, category) VALUES ('A B', 'x', 'x', 'surface')",
    "INSERT INTO plan (period, output_t) VALUES ('2024-13', 1.0)",
    "INSERT INTO plan (period, output_t) VALUES ('2024-Q5', 1.0)",
    "INSERT INTO plan (period) VALUES ('2024-05')",
    "INSERT INTO person (name, role, pin_hash) VALUES ('x', 'inspector', 'bcrypt$x')",
    "INSERT INTO person (name, role, pin_hash) VALUES ('x', 'boss', 'scrypt$x')",
    "UPDATE ingot SET regrade_to = 'TG2' WHERE id = 1001",
    "INSERT INTO ingot (heat_id, ingot_no, weight_kg, disposition, inspector) "
    "VALUES (101, 1, 7000, 'accepted', 'li')",
    "INSERT INTO ingot_defect (ingot_id, seq, defect_code) VALUES (1001, 2, 'NOPE')",
    "INSERT INTO heat_analysis (heat_id, element, seq, value_pct) VALUES (101, 'C', 2, 0.2)",
    "INSERT INTO control_limits (chart, element, date_from, date_to, centre, n) "
    "VALUES ('p', 'C', '2024-01-01', '2024-02-01', 0.5, 10)",
    "INSERT INTO control_limits (chart, date_from, date_to, centre, n) "
    "VALUES ('p', '2024-02-01', '2024-01-01', 0.5, 10)",
    "INSERT INTO workshop (id, name_en) VALUES (2, 'x')",
    "INSERT INTO audit (action, entity, entity_key, tbl) VALUES ('insert', 'x', 'y', 'heat')",
    "INSERT INTO audit (action) VALUES ('insert')",
    "INSERT INTO audit_block (last_id, at, \"user\", hash) VALUES (100002, 'x', ' ', X'00')",
    "INSERT INTO sample (heat_id, kind, taken_at, entered_by) "
    "VALUES (101, 'product', '2024-03-01 11:00', 'lab')",
    "INSERT INTO signature (kind, production_date, person_id, signer, role, meaning, signed_at, "
    "records_hash, chain_head) VALUES ('shift', '2024-03-01', 101, 'li', 'x', 'x', 'x', 'short', 'short')",
    "INSERT INTO tolerance_class (edition_id, element, seq, up_to_pct) VALUES (101, 'Mn', 1, 1.0)",
    "INSERT INTO alert_dismissal (kind, heat_id, sample_id, element, dismissed_by, dismissed_at) "
    "VALUES ('heat', 101, 101, 'C', 'li', '2024-03-01T11:00:00+08:00')",
    "INSERT INTO alert_dismissal (kind, heat_id, element, dismissed_by, role, dismissed_at) "
    "VALUES ('heat', 101, 'Si', 'li', 'inspector', '2024-03-01T11:00:00+08:00')",
    "INSERT INTO alert_dismissal (kind, heat_id, element, dismissed_by, dismissed_at) "
    "VALUES ('heat', 101, 'C', 'li', '2024-03-01T11:00:00+08:00')",
]


def test_a_row_sqlite_refuses_the_server_refuses(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    lite, pg = both
    for statement in BAD_ROWS:
        with undone(lite, pg):
            with pytest.raises(sqlite3.IntegrityError):
                lite.execute(statement)
            with pytest.raises(psycopg.errors.IntegrityError), pg.transaction():
                pg.execute(statement.replace("X'00'", "'\\x00'::bytea"))


def test_rows_sqlite_takes_the_server_takes(both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    lite, pg = both
    for statement in (
            "INSERT INTO plan (period, ingot_rate) VALUES ('2024-12', 0.95), ('2025-Q4', 0.9)",
            "INSERT INTO person (name, role, pin_hash) VALUES ('wang', 'head', 'SCRYPT$x')",  # LIKE: any case
            "INSERT INTO defect (code, name_en, name_zh, category) VALUES ('A-1_B', 'x', 'x', 'internal')",
            "INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, "
            "tap_weight_t, inspector) VALUES ('T-3', 101, '2024-02-29 23:59', '2024-03-01', 101, 'TG1', 40, "
            "'li')",
            "INSERT INTO control_limits (chart, grade, element, date_from, date_to, centre, spread, n) "
            "VALUES ('imr', 'TG1', 'C', '2024-01-01', '2024-01-01', 0.15, 0.01, 30)",
            "INSERT INTO workshop (id, name_en) VALUES (1, 'Converter shop')",
            "UPDATE ingot SET disposition = 'regraded', regrade_to = 'TG2' WHERE id = 1001"):
        run_both(lite, pg, statement)


def test_days_and_minutes_are_checked_as_sqlites_date_functions_check_them(
        pg: psycopg.Connection[Any]) -> None:
    """date(julianday(x)) IS x and strftime('%Y-%m-%d %H:%M', julianday(x)) IS x, against the
    domains qc_day and qc_minute, on every day of leap years and others, and on strings that
    nearly are one."""
    lite = sqlite3.connect(":memory:")
    rng = random.Random(13)
    days = [f"{y:04d}-{m:02d}-{d:02d}" for y in (0, 1, 4, 100, 400, 1582, 1900, 2000, 2023, 2024, 9999)
            for m in range(0, 14) for d in range(0, 33)]
    minutes = [f"{day} {h:02d}:{mi:02d}" for day in rng.sample(days, 300)
               for h, mi in ((0, 0), (23, 59), (24, 0), (12, 60), (rng.randint(0, 99), rng.randint(0, 99)))]
    odd = ["", " 2024-01-01", "2024-01-01 ", "2024-1-01", "+2024-01-01", "-001-01-01", "2024-01-01T10:00",
           "2024-01-01 10:00:00", "2024-01-01 9:00", "２０２４-01-01", "2024/01/01", "20240101", None]
    pg.execute("CREATE FUNCTION pg_temp.takes(t text, domain regtype) RETURNS boolean LANGUAGE plpgsql AS $$ "
               "BEGIN EXECUTE format('SELECT $1::%s', domain) USING t; RETURN true; "
               "EXCEPTION WHEN check_violation THEN RETURN false; END $$")
    for texts, lite_sql, domain in (
            (days + odd, "SELECT date(julianday(?)) IS ?", "qc_day"),
            (minutes + odd, "SELECT strftime('%Y-%m-%d %H:%M', julianday(?)) IS ?", "qc_minute")):
        want = [bool(lite.execute(lite_sql, (t, t)).fetchone()[0]) for t in texts]
        got = [r[0] for r in pg.execute("SELECT pg_temp.takes(t, %s) FROM unnest(%s::text[]) "
                                        "WITH ORDINALITY u (t, n) ORDER BY n", (domain, texts))]
        assert got == want
        assert sum(want) > 100  # (and some were days and minutes)


# --------------------------------------------------------------------- the derived sums

HEAT_SUMS = ("n_ingots", "n_judged", "n_surface_ok", "w_judged_kg", "w_surface_ok_kg",
             "n_pa_fails", "w_pa_fails_kg", "n_pa_fails_ok", "w_pa_fails_ok_kg")


def _sums(conn: sqlite3.Connection | psycopg.Connection[Any], heat_id: int) -> tuple[object, ...]:
    row = conn.execute("SELECT " + ", ".join(HEAT_SUMS) + f" FROM heat WHERE id = {heat_id}").fetchone()
    assert row is not None
    return tuple(row)


def test_a_heats_sums_follow_its_ingots_as_worked_by_hand(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    """Heat T-1's five ingots: 7000.5 kg accepted, 6800.25 conditioned, 7100 scrap, 6900 pending,
    7050.75 regraded."""
    lite, pg = both
    steps: list[tuple[str | None, dict[int, tuple[object, ...]]]] = [
        # judged: all but the pending one; surface-qualified: accepted and conditioned
        (None, {101: (5, 4, 2, 7000.5 + 6800.25 + 7100.0 + 7050.75, 7000.5 + 6800.25, 0, 0.0, 0, 0.0),
                102: (0, 0, 0, 0.0, 0.0, 0, 0.0, 0, 0.0)}),
        # a voided ingot counts nowhere
        ("UPDATE ingot SET void_reason = 'broken mould' WHERE id = 1003",
         {101: (4, 3, 2, 20851.5, 13800.75, 0, 0.0, 0, 0.0)}),
        # an ingot moved to the other heat leaves one sum for the other
        ("UPDATE ingot SET heat_id = 102, ingot_no = 1 WHERE id = 1005",
         {101: (3, 2, 2, 13800.75, 13800.75, 0, 0.0, 0, 0.0), 102: (1, 1, 0, 7050.75, 0.0, 0, 0.0, 0, 0.0)}),
        # failing its product analysis: the conditioned one (judged, qualified on its surface) and
        # the pending one (not judged)
        ("UPDATE ingot SET pa_fails = 1 WHERE id IN (1002, 1004)",
         {101: (3, 2, 2, 13800.75, 13800.75, 1, 6800.25, 1, 6800.25)}),
        ("UPDATE ingot SET disposition = 'accepted' WHERE id = 1004",
         {101: (3, 3, 3, 20700.75, 20700.75, 2, 13700.25, 2, 13700.25)}),
        ("UPDATE ingot SET weight_kg = 6900.5 WHERE id = 1004",
         {101: (3, 3, 3, 20701.25, 20701.25, 2, 13700.75, 2, 13700.75)}),
        ("UPDATE ingot SET void_reason = 'cracked through' WHERE id = 1002",
         {101: (2, 2, 2, 13901.0, 13901.0, 1, 6900.5, 1, 6900.5)}),
        ("UPDATE ingot SET pa_fails = 0 WHERE id = 1004",
         {101: (2, 2, 2, 13901.0, 13901.0, 0, 0.0, 0, 0.0)}),
        ("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector, pa_fails) "
         "VALUES (1006, 102, 2, 7001.0, 'conditioned', 'li', 1)",
         {102: (2, 2, 1, 14051.75, 7001.0, 1, 7001.0, 1, 7001.0)}),
    ]
    for statement, expected in steps:
        if statement:
            run_both(lite, pg, statement)
        for heat_id, sums in expected.items():
            assert _sums(pg, heat_id) == sums, (statement, heat_id)
            assert _sums(lite, heat_id) == sums, (statement, heat_id)


# --------------------------------------------------------- SQLite's functions, on the server

def test_sqlites_aggregates_give_what_sqlite_gives(pg: psycopg.Connection[Any]) -> None:
    lite = sqlite3.connect(":memory:")
    rows = [("C", 0.12, 1, "a"), ("Mn", 1.4, None, None), ("x\"y\n", 1e-05, 3, "b"), ("Si", 0.3, 4, "")]
    params = [x for r in rows for x in r]
    pg_values = ("(VALUES " + ", ".join("(%s::text, %s::float8, %s::bigint, %s::text)" for _r in rows)
                 + ") AS t (k, v, n, s)")
    lite.execute("CREATE TABLE t (k, v, n, s)")
    lite.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    for expression in ("json_group_object(k, v)", "json_group_array(n)", "json_group_array(s)",
                       "json_group_array(v)", "group_concat(s, '-')", "group_concat(k)", "total(v)",
                       "total(n)", "count(*) FILTER (WHERE n > 1)", "max(n)", "min(s)"):
        for where in ("", " WHERE n > 100"):
            want = lite.execute(f"SELECT {expression} FROM t{where}").fetchone()
            got = pg.execute(f"SELECT {expression} FROM {pg_values}{where}", params).fetchone()
            assert got == want, (expression, where)


def test_sqlites_scalar_functions_give_what_sqlite_gives(pg: psycopg.Connection[Any]) -> None:
    lite = sqlite3.connect(":memory:")
    cases: list[tuple[str, tuple[object, ...]]] = [
        ("ifnull(?, ?)", (None, 2)), ("ifnull(?, ?)", (1, 2)), ("iif(? > 1, 'big', 'small')", (5,)),
        ("max(?, ?, ?)", (1, 5, 3)), ("max(?, ?, ?)", (1, None, 3)), ("min(?, ?)", (4, 2)),
        ("max(?, ?)", ("a", "b")),
    ]
    for moment in ("2024-03-01", "2024-03-01 23:30", "2024-02-30", "2024-03-01T08:00:00.5", "2024-13-01",
                   "x", None):
        for modifier in ("-2 days", "+2 days", "+2 DAY", "+36 hours", "-90 minutes", "+1.5 days", "2 days",
                         "+2days", "-2 days ", "+0 days", None):
            cases.append(("date(?, ?)", (moment, modifier)))
    for expression, params in cases:
        want = lite.execute(f"SELECT {expression}", params).fetchone()
        got = pg.execute(f"SELECT {_pg_sql(expression)}", params).fetchone()
        assert got == want, (expression, params)


def test_json_each_reads_an_array_as_sqlite_reads_it(pg: psycopg.Connection[Any]) -> None:
    lite = sqlite3.connect(":memory:")
    for text in ('[1, "a", 2.50, null, true, false, [1, 2], {"a" : 1}, 1e5, -7, "x\\"y"]', "[]",
                 '["2024-03-01", "2024-03-02"]', "[3, 1, 2]"):
        want = [tuple(None if v is None else str(v) if not isinstance(v, float) else
                      lite.execute("SELECT CAST(? AS TEXT)", (v,)).fetchone()[0] for v in r)
                for r in lite.execute("SELECT key, value, type, fullkey FROM json_each(?)", (text,))]
        got = [(str(r[0]), r[1], r[2], r[3]) for r in pg.execute(
            "SELECT key, value, type, fullkey FROM json_each(%s)", (text,))]
        assert got == want, text
    # the store's forms: a list of keys, and integers compared as integers
    assert [r[0] for r in pg.execute("SELECT heat_no FROM (VALUES ('A'), ('B'), ('C')) h (heat_no) "
                                     "WHERE heat_no IN (SELECT value FROM json_each(%s)) ORDER BY 1",
                                     ('["C", "A"]',))] == ["A", "C"]
    found = pg.execute("SELECT count(*) FROM generate_series(1, 9) n WHERE n IN "
                       "(SELECT CAST(value AS INTEGER) FROM json_each(%s))", ("[2, 4, 40]",)).fetchone()
    assert found == (2,)


# ---------------------------------------------------------------- json_array, byte for byte

def _lite_json(lite: sqlite3.Connection, values: Sequence[object]) -> list[str]:
    return [lite.execute("SELECT json_array(?)", (v,)).fetchone()[0][1:-1] for v in values]


def _pg_json(pg: psycopg.Connection[Any], values: Sequence[object], kind: str) -> list[str]:
    return [r[0] for r in pg.execute(
        sql.SQL("SELECT qc_json(v) FROM unnest(%s::{}[]) WITH ORDINALITY u (v, n) ORDER BY n").format(
            sql.SQL(kind)), (list(values),))]


def _doubles(seed: int, count: int) -> list[float]:
    """Doubles of every kind: any bits (subnormals, huge, tiny), the decimals people type, and
    those nearest a tie at the 15th digit, where SQLite's long double arithmetic decides."""
    rng = random.Random(seed)
    out = []
    for _i in range(count):
        out.append(struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0])
        out.append(round(rng.uniform(0, 60000), rng.randint(0, 4)))
        out.append(float(f"{rng.randint(10**14, 10**15 - 1)}5e{rng.randint(-330, 300)}"))
        out.append(rng.random() * 10 ** rng.randint(-12, 22))
    return [x for x in out if not math.isnan(x)]


EDGES = [5.0, 0.1, 1e-05, 123456789012345680.0, -0.0, 0.0, float("inf"), float("-inf"), float("nan"), 5e-324,
         1.7976931348623157e308, 2.2250738585072014e-308, 2.225073858507201e-308, 0.30000000000000004, 1e15,
         1e14, 1e-4, 9.99999999999999e-5, 123456789012345.0, 1234567890123455.0, 1234567890123445.0,
         9.9999999999999995, 0.99999999999999995, 999999999999999.9, 100.0, 7000.5, 0.045, 1e100, -1e-300]


def test_a_double_is_written_as_sqlite_writes_it(pg: psycopg.Connection[Any]) -> None:
    lite = sqlite3.connect(":memory:")
    values = EDGES + _doubles(13, 600)
    assert _pg_json(pg, values, "float8") == _lite_json(lite, values)
    # (SQLite's own renderings, as the brief of issue 13 lists them)
    assert _pg_json(pg, [5.0, 0.1, 1e-05, 123456789012345680.0, float("nan"), float("inf")], "float8") == [
        "5.0", "0.1", "1.0e-05", "1.23456789012346e+17", "null", "Inf"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(allow_subnormal=True), min_size=1, max_size=60))
def test_any_double_is_written_as_sqlite_writes_it(pg: psycopg.Connection[Any], values: list[float]) -> None:
    assert _pg_json(pg, values, "float8") == _lite_json(sqlite3.connect(":memory:"), values)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=60))
def test_any_integer_is_written_as_sqlite_writes_it(pg: psycopg.Connection[Any], values: list[int]) -> None:
    lite = sqlite3.connect(":memory:")
    assert _pg_json(pg, values, "bigint") == _lite_json(lite, values)
    for v in values[:5]:  # as psycopg binds it: smallint, integer, bigint
        assert pg.execute("SELECT qc_json(%s)", (v,)).fetchone() == (_lite_json(lite, [v])[0],)


CONTROLS = "".join(chr(c) for c in range(1, 32)) + "\x7f\u2028\u2029\"\\/'"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40),
    st.text(st.sampled_from(CONTROLS + "a王é🔥 "), max_size=20)), min_size=1, max_size=40))
def test_any_text_is_written_as_sqlite_writes_it(pg: psycopg.Connection[Any], values: list[str]) -> None:
    assert _pg_json(pg, values, "text") == _lite_json(sqlite3.connect(":memory:"), values)


def test_every_control_character_is_escaped_as_sqlite_escapes_it(pg: psycopg.Connection[Any]) -> None:
    values = [CONTROLS, *CONTROLS, "王丽 \"quoted\" back\\slash", "emoji 🔥", "é" * 300, ""]
    assert _pg_json(pg, values, "text") == _lite_json(sqlite3.connect(":memory:"), values)


def _json_array(count: int) -> str:
    """json_array(?, ..., ?) as the dialect writes it on the server."""
    return "'[' || " + " || ',' || ".join(["qc_json(%s)"] * count) + " || ']'"


def test_a_json_array_of_mixed_values_is_the_same_text(pg: psycopg.Connection[Any]) -> None:
    lite = sqlite3.connect(":memory:")
    rows: list[tuple[object, ...]] = [
        ("D1", 1, 7000.5, None, "accepted", "li", "2024-03-01 10:00:00", None),
        ("王丽\n", -5, 1e-05, True, "", "x\"y", None, 0.1 + 0.2),
        (None, None, None, None, None, None, None, None),
    ]
    for row in rows:
        want = lite.execute("SELECT json_array(" + ", ".join("?" * len(row)) + ")", row).fetchone()[0]
        assert pg.execute("SELECT " + _json_array(len(row)), row).fetchone() == (want,)


def test_the_chain_hashes_the_same_bytes_on_both(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]]) -> None:
    """A block of entries of every kind (a row's record, a control limit's key, texts with quotes
    and control characters, a state folded from rows): the entries' canonical text
    (chain.ENTRY_SQL in SQLite) and so the block's hash are the same."""
    lite, pg = both
    entries: list[tuple[object, ...]] = [
        (100002, "insert", None, None, "T-1", None, None, None, None, "heat", 101, '["T-1",101]'),
        (100003, "update", "schema", "10", None, None, None, '{"sealed":{"sample":0}}', None, None, None,
         None),
        (100004, "update", None, None, None, "frozen", '{"a":1}', None, "baseline\n\"Q1\"", "control_limits",
         '["p","","","",""]', '["2024-01-01","2024-03-31",0.95,null,90]'),
        (100005, "delete", "plan", "2024-Q1", None, None, None, None, "王丽 typed \\ twice\t", "plan", 1,
         "null"),
    ]
    columns = ", ".join(chain.ENTRY_FIELDS)
    for entry in entries:
        run_both(lite, pg, f"INSERT INTO audit ({columns}) VALUES ({', '.join('?' * len(entry))})", entry)
    want = lite.execute(f"SELECT group_concat(entry, '') FROM (SELECT {chain.ENTRY_SQL} AS entry FROM audit "
                        "WHERE id > 100001 ORDER BY id)").fetchone()[0]
    pg_entry = "'[' || " + " || ',' || ".join("qc_json_rec(rec)" if field == "rec" else f"qc_json({field})"
                                              for field in chain.ENTRY_FIELDS) + " || ']'"
    for aggregate in ("string_agg(entry, '' ORDER BY id)", "group_concat(entry, '')"):
        got = pg.execute(f"SELECT {aggregate} FROM (SELECT id, {pg_entry} AS entry FROM audit "
                         "WHERE id > 100001 ORDER BY id) e").fetchone()
        assert got == (want,)  # and so the block's hash (chain.block) of these bytes
    assert '"control_limits","[\\"p\\",' in want
    assert ',"heat",101,' in want


def test_a_records_state_is_the_same_text_on_both(both: tuple[sqlite3.Connection,
                                                               psycopg.Connection[Any]]) -> None:
    """A heat's state (qcdesk.records): its columns and its analysis folded in, written with
    qc_json, qc_json_group and json() as the dialect writes records' SQL."""
    lite, pg = both
    run_both(lite, pg, "UPDATE heat_analysis SET voided = 1 WHERE heat_id = 101 AND element = 'C'")
    run_both(lite, pg, "INSERT INTO heat_analysis (heat_id, element, seq, value_pct, voided) VALUES "
                       "(101, 'C', 2, 0.1 + 0.2, 0), (101, 'Mn', 1, 1.4, 0), (101, 'Si', 1, 1e-05, 0)")
    run_both(lite, pg, "UPDATE heat SET notes = 'tap hole \"B\"\n王', tap_temp_c = 1612.5 WHERE id = 101")
    heat = records.BY_NAME["heat"]
    want = lite.execute(heat.live_state, (101,)).fetchone()[0]

    def element(columns: str) -> str:
        return "'[' || " + " || ',' || ".join(f"qc_json({c.strip()})" for c in columns.split(",")) + " || ']'"

    folded = ("json(coalesce((SELECT qc_json_group(" + element("element, seq, value_pct, voided")
              + ") FROM (SELECT element, seq, value_pct, voided FROM heat_analysis WHERE heat_id = t.id "
              "ORDER BY element, seq) a), '[]'))")
    values = [f"qc_json(t.{c})" for c in heat.columns[:-1]]
    state = "'[' || " + " || ',' || ".join([*values, folded]) + " || ']'"
    got = pg.execute(f"SELECT {state} FROM heat t WHERE id = 101").fetchone()
    assert got == (want,)
    assert want.startswith('["T-1",101,"2024-03-01 09:15"')
    assert '["C",2,0.3,0]' in want


# ------------------------------------------------------------------------------ the roles

def test_the_application_role_can_neither_change_nor_remove_the_audit_trail(
        pg_name: str, server: Server) -> None:
    """Refused by privilege (SQLSTATE 42501), not only by trigger: with the owner's triggers
    disabled, the application role still cannot."""
    with server.connect(pg_name, APP) as app, server.connect(pg_name, OWNER) as owner:
        app.execute("INSERT INTO audit (id, action, entity, entity_key) VALUES (1, 'insert', 't', 'x')")
        app.execute("INSERT INTO audit_block (last_id, at, \"user\", hash) VALUES (1, 't', 'li', %s)",
                    (BLOCK_HASH,))
        assert app.execute("SELECT count(*) FROM audit").fetchone() == (1,)
        for table in ("audit", "audit_block", "audit_v1"):
            owner.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(sql.Identifier(table)))
        for statement in ("UPDATE audit SET reason = 'nothing happened'", "DELETE FROM audit",
                          "UPDATE audit_block SET hash = NULL", "DELETE FROM audit_block",
                          "TRUNCATE audit", "TRUNCATE audit_block", "UPDATE audit_v1 SET hash = NULL",
                          "DELETE FROM audit_v1", "INSERT INTO audit_v1 (id, at, \"user\", action, entity, "
                          "entity_key) VALUES (1, 't', 'li', 'insert', 'x', 'y')",
                          "ALTER TABLE audit ENABLE TRIGGER USER",
                          "DROP TRIGGER audit_entry_no_update ON audit",
                          "UPDATE qcdesk_schema SET version = 99", "CREATE TABLE extra (x bigint)",
                          "SELECT setval('audit_id_seq', 1)", "ALTER TABLE heat DISABLE TRIGGER USER"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                app.execute(statement)
            assert refused.value.sqlstate == "42501", statement
        assert app.execute("SELECT count(*) FROM audit").fetchone() == (1,)
        # the owner, whose triggers these are, could: which is why the trail is the owner's alone
        owner.execute("UPDATE audit SET reason = 'by the owner'")


def test_the_application_role_works_with_the_records(pg_name: str, server: Server) -> None:
    with server.connect(pg_name, APP) as app:
        app.execute("INSERT INTO converter (code, name) VALUES ('1', 'Converter 1')")
        app.execute("INSERT INTO converter (id, code, name) VALUES (7, '7', 'Converter 7')")
        app.execute("INSERT INTO converter (id, code, name) VALUES (NULL, '8', 'Converter 8')")  # (the next)
        app.execute("UPDATE converter SET active = 0 WHERE code = '8'")
        app.execute("INSERT INTO plan (period, output_t) VALUES ('2024-05', 10.0), ('2024-06', 11.0)")
        app.execute("DELETE FROM plan WHERE period = '2024-05'")
        # an id given moves the sequence on, as SQLite's next rowid follows the largest
        assert app.execute("SELECT id, code FROM converter ORDER BY id").fetchall() == [
            (1, "1"), (7, "7"), (8, "8")]
        app.execute("INSERT INTO grade (code, rowid) VALUES ('Q1', 40)")
        app.execute("INSERT INTO grade (code) VALUES ('Q2')")
        app.execute("INSERT INTO grade (code, rowid) VALUES ('Q3', 7)")
        app.execute("INSERT INTO grade (code) VALUES ('Q4')")
        assert app.execute("SELECT code, rowid FROM grade ORDER BY rowid").fetchall() == [
            ("Q3", 7), ("Q1", 40), ("Q2", 41), ("Q4", 42)]
        assert app.execute("SELECT version FROM qcdesk_schema").fetchone() == (11,)
        # the triggers and SQLite's functions work for it too
        app.execute("INSERT INTO shift (code, name_en, name_zh, start_min, seq) VALUES ('d', 'D', 'D', 0, 1)")
        app.execute("INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, "
                    "tap_weight_t, inspector) "
                    "VALUES ('A1', 1, '2024-03-01 09:15', '2024-03-01', 1, 'Q1', 40, 'li')")
        app.execute("INSERT INTO ingot (heat_id, ingot_no, weight_kg, disposition, inspector, pa_fails) "
                    "VALUES (1, 1, 7000.5, 'accepted', 'li', 1), (1, 2, 6999.5, 'pending', 'li', 0)")
        assert app.execute("SELECT n_ingots, n_judged, w_judged_kg, n_pa_fails_ok FROM heat").fetchone() == (
            2, 1, 7000.5, 1)
        found = app.execute("SELECT total(weight_kg), group_concat(disposition, ','), "
                            "json_group_array(ingot_no), qc_json(sum(weight_kg) / 3) FROM ingot").fetchone()
        assert found == (14000.0, "accepted,pending", "[1,2]", "4666.66666666667")


def test_the_application_role_has_the_planners_statistics_taken(pg_name: str, server: Server) -> None:
    """ANALYZE is the owner's; the desks' role asks for it through qc_refresh_statistics."""
    with server.connect(pg_name, APP) as app:
        app.execute("INSERT INTO converter (code, name) VALUES ('1', 'Converter 1')")
        app.execute("INSERT INTO shift (code, name_en, name_zh, start_min, seq) VALUES ('d', 'D', 'D', 0, 1)")
        app.execute("INSERT INTO grade (code) VALUES ('Q1')")
        app.execute("INSERT INTO heat (heat_no, converter_id, tapped_at, production_date, shift_id, grade, "
                    "tap_weight_t, inspector) SELECT 'A' || n, 1, '2024-03-01 09:15', '2024-03-01', 1, 'Q1', "
                    "40, 'li' FROM generate_series(1, 1200) n")
        app.commit()
        app.execute("ANALYZE heat")  # not its own: skipped, with a warning
        assert app.execute("SELECT reltuples FROM pg_class WHERE relname = 'heat'").fetchone() == (-1,)
        app.execute("SELECT qc_refresh_statistics()")
        assert app.execute("SELECT reltuples FROM pg_class WHERE relname = 'heat'").fetchone() == (1200,)


def test_a_temporary_table_does_not_fool_a_trigger(
        both: tuple[sqlite3.Connection, psycopg.Connection[Any]], pg_name: str, server: Server) -> None:
    """The trigger functions read the schema's tables whatever the session's search_path."""
    with server.connect(pg_name, APP) as app:
        app.execute("CREATE TEMPORARY TABLE ingot (id bigint, heat_id bigint)")
        app.execute("INSERT INTO pg_temp.ingot VALUES (1001, 102)")
        app.execute("SET search_path = pg_temp, public")
        assert _pg_refusal(app, "INSERT INTO public.sample (heat_id, kind, sample_no, ingot_id, taken_at, "
                                "entered_by) VALUES (102, 'product', 'P2', 1001, '2024-03-01 11:00', 'lab')"
                           ) == ("a product sample names an ingot of its own heat", "23000")


def test_the_roles_can_be_stated_again(pg_name: str, server: Server) -> None:
    """After a migration the owner states them afresh: the same privileges."""
    query = ("SELECT table_name, array_agg(privilege_type::text ORDER BY privilege_type) "
             "FROM information_schema.table_privileges WHERE grantee = %s AND table_schema = 'public' "
             "GROUP BY table_name ORDER BY 1")
    with server.connect(pg_name, OWNER) as owner:
        before = owner.execute(query, (APP,)).fetchall()
        owner.execute(_roles("public"))
        assert owner.execute(query, (APP,)).fetchall() == before
    granted = dict(before)
    assert granted["audit"] == ["INSERT", "SELECT"]
    assert granted["audit_block"] == ["INSERT", "SELECT"]
    assert granted["audit_v1"] == ["SELECT"]
    assert granted["heat"] == ["DELETE", "INSERT", "SELECT", "UPDATE"]
    assert granted["alert_dismissal"] == ["INSERT", "SELECT"]  # made, never changed or removed
    assert len(granted) == 24
