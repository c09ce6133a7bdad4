"""Copying a whole qcdesk database between SQLite and PostgreSQL, every row as it is.

Every table is copied row for row, with its row ids, audit entries, blocks and signatures,
so the chain of the copy is the chain of the original (the same head) and `verify` of the
copy checks the same records against the same trail. The copy is written in one
transaction, with the target's triggers held while the rows go in (they are the original's
rows, whose derived columns the original's triggers kept; `verify` computes them again).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from qcdesk.store import postgres

# In an order that satisfies every foreign key.
TABLES = ("converter", "shift", "grade", "standard", "standard_limit", "defect", "heat", "heat_analysis",
          "ingot", "ingot_defect", "audit_v1", "plan", "person", "signature", "workshop", "control_limits",
          "audit", "audit_block", "sample", "sample_value", "tolerance_edition", "tolerance_class",
          "alert_dismissal")
# Tables added after schema 10 (the first a server held), with the schema that added them: a
# server's database or backup of an older schema lacks them until `qcdesk migrate` upgrades it.
SINCE = {"alert_dismissal": 11}
# Tables whose SQLite rowid is not one of their columns: PostgreSQL keeps it in `rowid`, since
# the audit trail names their records by it.
ROWID_TABLES = ("grade", "defect", "plan")
BATCH = 5000
ANALYZE_ROWS = 1000  # a table copied with this many rows or more gets its statistics at once

Progress = Callable[[str, int], None]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _server_errors(copy: Callable[_P, _R]) -> Callable[_P, _R]:
    """The server's refusals as sqlite3's classes with its own message (as the adapter gives
    them), the psycopg error kept as their cause: a copy works on the raw connection."""
    @wraps(copy)
    def copying(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import psycopg  # noqa: PLC0415

        try:
            return copy(*args, **kwargs)
        except psycopg.Error as exc:
            raise postgres._error(exc) from exc
    return copying


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))]


def _quoted(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a column name: {name!r}")
    return f'"{name}"'


@_server_errors
def into_server(source: Any, target: postgres.Connection, *, schema: str,
                progress: Progress | None = None) -> dict[str, int]:
    """Copy the SQLite database `source` (a sqlite3 connection) into the empty PostgreSQL
    database `target`, creating `schema` there first. Returns the rows copied per table."""
    raw = target.raw
    copied: dict[str, int] = {}
    with raw.transaction():
        raw.execute(schema)
        for table in TABLES:
            raw.execute(f"ALTER TABLE {_quoted(table)} DISABLE TRIGGER USER")
        for table in TABLES:
            columns = _columns(source, table)
            names = columns + (["rowid"] if table in ROWID_TABLES else [])
            select = ", ".join([*map(_quoted, columns), *(["rowid"] if table in ROWID_TABLES else [])])
            rows = source.execute(f"SELECT {select} FROM {_quoted(table)}")  # noqa: S608 - fixed names
            n = 0
            with raw.cursor().copy(
                    f"COPY {_quoted(table)} ({', '.join(map(_quoted, names))}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(tuple(row))
                    n += 1
                    if progress and n % BATCH == 0:
                        progress(table, n)
            copied[table] = n
        for table in TABLES:
            raw.execute(f"ALTER TABLE {_quoted(table)} ENABLE TRIGGER USER")
        _restart_identities(raw)
        version = int(source.execute("PRAGMA user_version").fetchone()[0])
        application_id = int(source.execute("PRAGMA application_id").fetchone()[0])
        raw.execute("DELETE FROM qcdesk_schema")
        raw.execute("INSERT INTO qcdesk_schema (application_id, version) VALUES (%s, %s)",
                    (application_id, version))
        # The planner's statistics of the tables just filled, before any desk writes: without
        # them a save's lookups read whole tables until autovacuum gets round to them (half a
        # second a lookup on ten years of ingots). A new database's few rows need none.
        for table, n in copied.items():
            if n >= ANALYZE_ROWS:
                raw.execute(f"ANALYZE {_quoted(table)}")
    return copied


def _restart_identities(raw: Any) -> None:
    """Let each identity column go on after the highest id copied."""
    for table, column in raw.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'").fetchall():
        seq = raw.execute("SELECT pg_get_serial_sequence(%s, %s)", (_quoted(table), column)).fetchone()[0]
        top = raw.execute(f"SELECT max({_quoted(column)}) FROM {_quoted(table)}").fetchone()[0]  # noqa: S608
        if seq and top is not None:
            raw.execute("SELECT setval(%s, %s)", (seq, top))


def rows_of(source: postgres.Connection, table: str, columns: list[str]) -> Iterator[tuple[object, ...]]:
    """Every row of a server's table, as SQLite stores it (the trail's record keys as numbers)."""
    select = ", ".join(map(_quoted, columns))
    raw = source.raw
    # streamed a row at a time (a server-side cursor's FETCH would take its count through the
    # adapter's dumper of whole numbers, which sends them untyped: FETCH refuses a quoted count)
    with raw.cursor() as cur:
        rec = columns.index("rec") if table == "audit" else None
        for row in cur.stream(f"SELECT {select} FROM {_quoted(table)}"):  # noqa: S608 - fixed names
            values = tuple(row)
            if rec is not None and isinstance(values[rec], str) and values[rec].isdigit():
                values = (*values[:rec], int(values[rec]), *values[rec + 1:])
            yield values


@_server_errors
def into_file(source: postgres.Connection, target: sqlite3.Connection,
              progress: Progress | None = None) -> dict[str, int]:
    """Copy the PostgreSQL database `source` into `target`, a SQLite database at the same
    schema whose tables are empty (`qcdesk.migrations` replayed without the seed)."""
    copied: dict[str, int] = {}
    saved = dict(target.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").fetchall())
    target.execute("BEGIN IMMEDIATE")
    try:
        for name in saved:
            target.execute(f'DROP TRIGGER "{name}"')
        with source.raw.transaction():
            source.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table in TABLES:
                columns = _columns(target, table)
                names = columns + (["rowid"] if table in ROWID_TABLES else [])
                marks = ", ".join("?" * len(names))
                insert = f"INSERT INTO {_quoted(table)} ({', '.join(map(_quoted, names))}) VALUES ({marks})"  # noqa: S608
                n = 0
                batch: list[tuple[object, ...]] = []
                for row in rows_of(source, table, names):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        target.executemany(insert, batch)
                        n += len(batch)
                        batch.clear()
                        if progress:
                            progress(table, n)
                target.executemany(insert, batch)
                copied[table] = n + len(batch)
            version, application_id = source.raw.execute(
                "SELECT version, application_id FROM qcdesk_schema").fetchone()
        for sql in saved.values():
            target.execute(sql)
        target.execute(f"PRAGMA application_id = {int(application_id)}")
        target.execute(f"PRAGMA user_version = {int(version)}")
        target.execute("COMMIT")
    except BaseException:
        target.execute("ROLLBACK")
        raise
    return copied
