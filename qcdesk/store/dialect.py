"""What the two databases do differently, in one place: how the schema's version is kept and
read, how a database is made ready, how a read of one state begins, what their own checks
are, and which triggers they must have.

SQLite keeps its version in ``PRAGMA user_version`` and is built by the numbered migrations
of `qcdesk.migrations`; PostgreSQL keeps it in the table ``qcdesk_schema`` and is created at
the newest schema at once from ``postgres_schema.sql`` (there are no PostgreSQL databases
of older schemas). Statement by statement, the store's SQL is translated for PostgreSQL by
`qcdesk.store.postgres`.
"""

from __future__ import annotations

import sqlite3
from importlib import resources
from typing import Any, Protocol

from qcdesk.migrations import APPLICATION_ID, MIGRATIONS
from qcdesk.store.common import split_statements


class Dialect(Protocol):
    name: str

    def version(self, conn: Any) -> int: ...

    def application_id(self, conn: Any) -> int: ...

    def has_tables(self, conn: Any) -> bool: ...

    def set_version(self, conn: Any, version: int) -> None: ...

    def begin_snapshot(self, conn: Any) -> None: ...

    def integrity_check(self, conn: Any) -> list[str]: ...

    def foreign_key_check(self, conn: Any) -> list[tuple[str, int, str]]: ...

    def triggers(self, conn: Any) -> dict[str, str]: ...

    def expected_triggers(self) -> dict[str, str]: ...


class SQLite:
    name = "sqlite"

    def version(self, conn: Any) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def application_id(self, conn: Any) -> int:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])

    def has_tables(self, conn: Any) -> bool:
        return bool(conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0])

    def set_version(self, conn: Any, version: int) -> None:
        set_pragma(conn, "application_id", APPLICATION_ID)
        set_pragma(conn, "user_version", version)

    def begin_snapshot(self, conn: Any) -> None:
        conn.execute("BEGIN")
        conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()  # the read lock, now

    def integrity_check(self, conn: Any) -> list[str]:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]

    def foreign_key_check(self, conn: Any) -> list[tuple[str, int, str]]:
        return [(r[0], r[1], r[2]) for r in conn.execute("PRAGMA foreign_key_check")]

    def triggers(self, conn: Any) -> dict[str, str]:
        return {r[0]: " ".join(r[1].split()) for r in conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}

    def expected_triggers(self) -> dict[str, str]:
        """The triggers the migrations create, from the migrations replayed in memory."""
        conn = sqlite3.connect(":memory:")
        try:
            for _version, script, *step in MIGRATIONS:
                for statement in split_statements(script):
                    conn.execute(statement)
                for python_step in step:
                    python_step(conn)
            return self.triggers(conn)
        finally:
            conn.close()


def set_pragma(conn: Any, name: str, value: int) -> None:
    """PRAGMAs take no bound parameters: only a known name and a whole number go in."""
    if name not in ("busy_timeout", "application_id", "user_version") or not isinstance(value, int):
        raise ValueError(f"refusing PRAGMA {name!r} = {value!r}")
    conn.execute("PRAGMA " + name + " = " + str(value))


def postgres_schema() -> str:
    """The PostgreSQL schema at the newest version (tables, triggers, SQLite's functions)."""
    return resources.files("qcdesk.store").joinpath("postgres_schema.sql").read_text(encoding="utf-8")


# The triggers of the PostgreSQL schema, and the functions they run, as the server describes them.
_PG_TRIGGERS = """
SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.prosrc
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND n.nspname = current_schema()
"""


class PostgreSQL:
    name = "postgresql"

    def version(self, conn: Any) -> int:
        if conn.execute("SELECT to_regclass('qcdesk_schema')").fetchone()[0] is None:
            return 0
        row = conn.execute("SELECT version FROM qcdesk_schema").fetchone()
        return int(row[0]) if row else 0

    def application_id(self, conn: Any) -> int:
        if conn.execute("SELECT to_regclass('qcdesk_schema')").fetchone()[0] is None:
            return 0
        row = conn.execute("SELECT application_id FROM qcdesk_schema").fetchone()
        return int(row[0]) if row else 0

    def has_tables(self, conn: Any) -> bool:
        return bool(conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema())").fetchone()[0])

    def set_version(self, conn: Any, version: int) -> None:
        conn.execute("UPDATE qcdesk_schema SET version = ?, application_id = ?", (version, APPLICATION_ID))

    def begin_snapshot(self, conn: Any) -> None:
        conn.execute("BEGIN")  # repeatable read (qcdesk.store.postgres)

    def integrity_check(self, conn: Any) -> list[str]:
        """The server keeps its own files whole (checksums, WAL); what qcdesk checks is that
        the schema is there and every constraint and trigger is in force."""
        disabled = [r[0] for r in conn.execute(
            "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = current_schema() AND NOT c.convalidated")]
        return [f"constraint {name} not validated" for name in disabled] or ["ok"]

    def foreign_key_check(self, conn: Any) -> list[tuple[str, int, str]]:
        return []  # the server enforces every foreign key (integrity_check: none unvalidated)

    def triggers(self, conn: Any) -> dict[str, str]:
        """name → its definition and its function's body (whitespace folded); a trigger the
        owner disabled is described as such, so it differs from the expected one."""
        found = {}
        for name, enabled, definition, body in conn.execute(_PG_TRIGGERS):
            state = "" if enabled in ("O", "A") else f" [{'disabled' if enabled == 'D' else enabled}]"
            found[name] = " ".join(f"{definition}{state} {body}".split())
        return found

    def expected_triggers(self) -> dict[str, str]:
        raise NotImplementedError  # a fresh schema's (Store.expected_triggers, on a server)


SQLITE = SQLite()
POSTGRESQL = PostgreSQL()
