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

import re
import sqlite3
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from qcdesk.i18n import N_, _
from qcdesk.migrations import APPLICATION_ID, MIGRATIONS
from qcdesk.store.changes import ANNOUNCE_SQL
from qcdesk.store.common import split_statements


class Trigger(NamedTuple):
    """A trigger as verify compares it: what fires it, on which table, and what it runs
    (whitespace folded), and whether it fires at all."""

    definition: str
    enabled: bool = True


class Dialect(Protocol):
    name: str
    integrity_message: str  # how a problem its own check finds is said: "…{result}" (N_)

    def version(self, conn: Any) -> int: ...

    def application_id(self, conn: Any) -> int: ...

    def has_tables(self, conn: Any) -> bool: ...

    def set_version(self, conn: Any, version: int) -> None: ...

    def begin_snapshot(self, conn: Any) -> None: ...

    def integrity_check(self, conn: Any) -> list[str]: ...

    def foreign_key_check(self, conn: Any) -> list[tuple[str, object, str]]: ...

    def triggers(self, conn: Any) -> dict[str, Trigger]: ...

    def expected_triggers(self) -> dict[str, Trigger]: ...

    def functions(self, conn: Any) -> dict[str, str]: ...

    def expected_functions(self) -> dict[str, str]: ...

    def refresh_statistics(self, conn: Any) -> None: ...

    def announce(self, conn: Any) -> None: ...  # issue 14: a write tells the listening desks


class SQLite:
    name = "sqlite"
    integrity_message = N_("PRAGMA integrity_check: {result}")

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

    def foreign_key_check(self, conn: Any) -> list[tuple[str, object, str]]:
        return [(r[0], r[1], r[2]) for r in conn.execute("PRAGMA foreign_key_check")]

    def triggers(self, conn: Any) -> dict[str, Trigger]:
        return {r[0]: Trigger(" ".join(r[1].split())) for r in conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}

    def expected_triggers(self) -> dict[str, Trigger]:
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

    def functions(self, conn: Any) -> dict[str, str]:
        return {}  # SQLite's functions are the program's own (none lives in the file)

    def expected_functions(self) -> dict[str, str]:
        return {}

    def refresh_statistics(self, conn: Any) -> None:
        """Nothing: SQLite plans without statistics unless ANALYZE made some, and none are."""

    def announce(self, conn: Any) -> None:
        """Nothing: the other connections to the file see its data_version change
        (`qcdesk.store.changes`)."""


def set_pragma(conn: Any, name: str, value: int) -> None:
    """PRAGMAs take no bound parameters: only a known name and a whole number go in."""
    if name not in ("busy_timeout", "application_id", "user_version") or not isinstance(value, int):
        raise ValueError(f"refusing PRAGMA {name!r} = {value!r}")
    conn.execute("PRAGMA " + name + " = " + str(value))


def postgres_schema() -> str:
    """The PostgreSQL schema at the newest version (tables, triggers, SQLite's functions)."""
    from importlib import resources  # noqa: PLC0415 - on a server only: it loads tempfile, random, ...

    return resources.files("qcdesk.store").joinpath("postgres_schema.sql").read_text(encoding="utf-8")


_UPGRADE_MARK = re.compile(r"^-- upgrade to schema (\d+)$", re.MULTILINE)


def postgres_upgrade(version: int) -> str:
    """The statements of postgres_schema.sql that bring a database of schema `version` - 1 to
    `version`: those after its line `-- upgrade to schema N`, up to the next such line. (The
    schema's script creates every version at once; an older database runs only its blocks.)"""
    script = postgres_schema()
    marks = list(_UPGRADE_MARK.finditer(script))
    for i, mark in enumerate(marks):
        if int(mark.group(1)) == version:
            end = marks[i + 1].start() if i + 1 < len(marks) else len(script)
            return script[mark.end():end]
    raise LookupError(f"postgres_schema.sql has no upgrade to schema {version}")


# The schema's constraints added NOT VALID (rows before them were never checked), and those
# whose triggers (a foreign key's, the server's own) a superuser disabled.
_PG_UNVALIDATED = """
SELECT c.conname, c.conrelid::regclass::text FROM pg_constraint c
WHERE c.connamespace = current_schema()::regnamespace AND NOT c.convalidated ORDER BY 2, 1
"""
_PG_UNENFORCED = """
SELECT DISTINCT c.conname, c.conrelid::regclass::text FROM pg_trigger t
JOIN pg_constraint c ON c.oid = t.tgconstraint
WHERE c.connamespace = current_schema()::regnamespace AND t.tgisinternal AND t.tgenabled NOT IN ('O', 'A')
ORDER BY 2, 1
"""
# The schema's foreign keys: (table, referred table, its columns, the referred columns, the
# table's key: the row id where it has one, else its primary key's columns).
_PG_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
       (SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, n)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
       (SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, n)
        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum),
       coalesce((SELECT ARRAY[a.attname] FROM pg_attribute a WHERE a.attrelid = c.conrelid
                 AND a.attname IN ('id', 'rowid') AND NOT a.attisdropped ORDER BY a.attname LIMIT 1),
                (SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index i
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.conrelid AND i.indisprimary))
FROM pg_constraint c
WHERE c.connamespace = current_schema()::regnamespace AND c.contype = 'f' ORDER BY 1, c.conname
"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# The schema's triggers as the server describes them (the table without its schema), and
# whether each fires: 'O' (as created) and 'A' (also for replication) fire in every session;
# 'D' is disabled and 'R' fires only for replication.
_PG_TRIGGERS = """
SELECT t.tgname, t.tgenabled IN ('O', 'A'), pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname = current_schema()
"""

# The schema's functions and aggregates (an extension's are the extension's): the name and
# argument types, the body of a function; an aggregate has none of its own.
_PG_FUNCTIONS = """
SELECT p.proname, pg_get_function_identity_arguments(p.oid), CASE WHEN p.prokind = 'f' THEN p.prosrc END
FROM pg_proc p
WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'a')
AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                AND d.deptype = 'e')
"""

# A script's pieces: a comment, a string literal, a quoted name, a dollar-quoted body, the end
# of a statement, or any other run of text.
_PG_PIECES = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(\$\w*\$).*?\1|;"
                        r"|[^-/'\"$;]+|.", re.DOTALL)
_CREATE_TRIGGER = re.compile(
    r"^CREATE TRIGGER (\w+) ((?:BEFORE|AFTER|INSTEAD OF) .+?) ON (?:\w+\.)?(\w+)((?: REFERENCING .+?)?) "
    r"(FOR EACH (?:ROW|STATEMENT))(?: WHEN (.+?))? (EXECUTE (?:FUNCTION|PROCEDURE)) (\w+)\((.*)\)$",
    re.IGNORECASE | re.DOTALL)
_CREATE_FUNCTION = re.compile(r"^CREATE (?:OR REPLACE )?(FUNCTION|AGGREGATE) (\w+) ?\(([^)]*)\)",
                              re.IGNORECASE)
_DOLLAR_QUOTED = re.compile(r"(\$\w*\$)(.*?)\1", re.DOTALL)


def _folded(text: str) -> str:
    return " ".join(text.split())


def _statements(script: str) -> list[str]:
    """The statements of a PostgreSQL script, comments left out (dollar-quoted bodies kept whole)."""
    statements: list[str] = []
    current: list[str] = []
    for match in _PG_PIECES.finditer(script):
        piece = match.group(0)
        if piece == ";":
            statements.append("".join(current).strip())
            current = []
        elif not piece.startswith(("--", "/*")):
            current.append(piece)
    return [s for s in [*statements, "".join(current).strip()] if s]


def trigger_shape(definition: str) -> str:
    """A CREATE TRIGGER statement in one form, whoever wrote it (the schema, or the server's
    pg_get_triggerdef): whitespace folded, the table without its schema, the WHEN condition
    without the parentheses and capitals the server adds. Not a trigger: as it is, folded."""
    text = _folded(definition)
    parts = _CREATE_TRIGGER.match(text)
    if parts is None:
        return text
    _name, events, table, referencing, each, when, _execute, function, args = parts.groups()
    condition = f" WHEN {_folded(re.sub(r'[()]', ' ', when)).lower()}" if when else ""
    return (f"{events} ON {table}{referencing.upper()} {each.upper()}{condition} "
            f"EXECUTE FUNCTION {function.lower()}({args})")


def _signature(name: str, args: str) -> str:
    """A function as `name(argument, …)`, its arguments as the server lists them."""
    return f"{name.lower()}({', '.join(_folded(a).lower() for a in args.split(',') if a.strip())})"


@lru_cache(maxsize=1)
def _pg_expected() -> tuple[dict[str, Trigger], dict[str, str]]:
    """The triggers and functions postgres_schema.sql creates, read from the script itself."""
    triggers, functions = {}, {}
    for statement in _statements(postgres_schema()):
        head = _folded(statement)
        if (trigger := _CREATE_TRIGGER.match(head)) is not None:
            triggers[trigger.group(1)] = Trigger(trigger_shape(head))
        elif (function := _CREATE_FUNCTION.match(head)) is not None:
            kind, name, args = function.groups()
            body = _DOLLAR_QUOTED.search(statement) if kind.upper() == "FUNCTION" else None
            functions[_signature(name, args)] = _folded(body.group(2)) if body else ""
    return triggers, functions


class PostgreSQL:
    name = "postgresql"
    integrity_message = N_("the server's check of the schema's constraints: {result}")

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
        """The server keeps its own files whole (checksums, the write-ahead log); what qcdesk
        checks is that every constraint of the schema is in force: none added unvalidated, none
        whose enforcing trigger was disabled (a superuser's ALTER TABLE … DISABLE TRIGGER ALL)."""
        problems = [_("the constraint {name} on {table} is not validated").format(name=name, table=table)
                    for name, table in conn.execute(_PG_UNVALIDATED)]
        problems += [_("the constraint {name} on {table} is not enforced: its trigger was disabled").format(
            name=name, table=table) for name, table in conn.execute(_PG_UNENFORCED)]
        return problems or ["ok"]

    def foreign_key_check(self, conn: Any) -> list[tuple[str, object, str]]:
        """Rows whose reference points nowhere, as SQLite's foreign_key_check finds them (a
        reference with a NULL in it points nowhere by design): (table, the row's key, the
        referred table). The server enforces every foreign key, unless a superuser turned its
        triggers off for a while (session_replication_role)."""
        dangling: list[tuple[str, object, str]] = []
        for table, parent, columns, referred, key in conn.execute(_PG_FOREIGN_KEYS).fetchall():
            pairs = list(zip(columns, referred, strict=True))
            # names from the server's own catalogue, quoted: no value goes into the statement
            query = (f"SELECT {', '.join('t.' + _quoted(c) for c in key)} FROM {_quoted(table)} t "  # noqa: S608
                     f"WHERE {' AND '.join('t.' + _quoted(c) + ' IS NOT NULL' for c, _r in pairs)} "
                     f"AND NOT EXISTS (SELECT 1 FROM {_quoted(parent)} p WHERE "
                     f"{' AND '.join('p.' + _quoted(r) + ' = t.' + _quoted(c) for c, r in pairs)}) "
                     f"ORDER BY {', '.join('t.' + _quoted(c) for c in key)}")
            dangling += [(table, "/".join(str(v) for v in row), parent) for row in conn.execute(query)]
        return dangling

    def triggers(self, conn: Any) -> dict[str, Trigger]:
        """The schema's triggers as the server has them, disabled ones too."""
        return {name: Trigger(trigger_shape(definition), bool(enabled))
                for name, enabled, definition in conn.execute(_PG_TRIGGERS)}

    def expected_triggers(self) -> dict[str, Trigger]:
        """The triggers postgres_schema.sql creates (read from the script, which any role can
        read: the application role needs no CREATE privilege to know them)."""
        return dict(_pg_expected()[0])

    def functions(self, conn: Any) -> dict[str, str]:
        """The schema's functions (name and argument types → body, whitespace folded) and
        aggregates (→ an empty body), as the server has them."""
        return {_signature(name, args): _folded(body or "")
                for name, args, body in conn.execute(_PG_FUNCTIONS)}

    def expected_functions(self) -> dict[str, str]:
        """The functions and aggregates postgres_schema.sql creates, from the script."""
        return dict(_pg_expected()[1])

    def refresh_statistics(self, conn: Any) -> None:
        """The planner's statistics of the growing tables, now (the schema's
        qc_refresh_statistics: ANALYZE is the owner's)."""
        conn.execute("SELECT qc_refresh_statistics()").fetchall()

    def announce(self, conn: Any) -> None:
        """Inside a write: a notification without payload on the schema's channel, delivered to
        the listening desks when the write commits (`qcdesk.store.changes`)."""
        conn.execute(ANNOUNCE_SQL)


SQLITE = SQLite()
POSTGRESQL = PostgreSQL()
