"""PostgreSQL for the store: a psycopg 3 connection, presented as the sqlite3 one the store
speaks to, so that both databases run the same statements.

What the store writes for SQLite is translated (`qcdesk.store.pg_sql`), once per statement text:

- ``?`` and ``:name`` placeholders become psycopg's ``%s`` and ``%(name)s``;
- SQLite's null-safe ``a IS b`` / ``a IS NOT b`` become ``IS [NOT] DISTINCT FROM``;
- ``LIKE`` becomes ``ILIKE`` (SQLite's LIKE ignores the case of ASCII letters);
- ``BEGIN IMMEDIATE`` (a write: SQLite lets one writer in at a time) becomes ``BEGIN`` and
  the workshop's write lock, a transaction-level advisory lock: writes are serialised as on
  SQLite, so one chain of audit blocks grows one block at a time whatever the number of
  desks; ``BEGIN`` (a read of one state) becomes a repeatable-read transaction;
- a one-row ``INSERT`` returns the new row's key, as ``cursor.lastrowid``.

Everything else that differs is in `qcdesk.store.dialect` (what the store's SQL must say
differently) and in the PostgreSQL schema (functions of SQLite's names: ``ifnull``,
``total``, ``group_concat`` …). Errors come back as sqlite3's DB-API classes carrying the
server's own message, so a refusal reads the same on both databases.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from qcdesk.i18n import _

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x51434B31  # the advisory lock a write holds ('QCK1', like the SQLite files' id)
LOCK_TIMEOUT_MS = 5000   # as long as SQLite's busy timeout


def is_server(location: object) -> bool:
    """Whether `location` (a --db or QCDESK_DB value) names a PostgreSQL database."""
    return isinstance(location, str | Server) and str(location).strip().lower().startswith(SCHEMES)


# --- several workshops on one server (issue 14, workshops) -----------------------------------
# A plant's database holds a workshop per schema, each the whole of qcdesk's schema; a location
# names its workshop with the URI parameter `workshop=CODE` (qcdesk's own: taken out before libpq
# sees it), the code being the schema's name. `public` holds the database of a plant set up before
# workshops (and a server with one workshop needs none named).
WORKSHOP_PARAMETER = "workshop"
_WORKSHOP_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def workshop_problem(code: str) -> str | None:
    """Why `code` cannot name a workshop (its schema), or None."""
    if not _WORKSHOP_CODE.fullmatch(code) or code.startswith("pg_"):
        return _("{code!r} cannot name a workshop: a lower-case letter, then letters, digits or _, up to 40 "
                 "(not pg_…)").format(code=code)
    return None


def _split_workshop(uri: str) -> tuple[str, str | None]:
    """The URI without its `workshop=` parameter, and the workshop it names (None: none)."""
    parts = urlsplit(uri)
    if WORKSHOP_PARAMETER not in parse_qs(parts.query, keep_blank_values=True):
        return uri, None
    kept, workshop = [], None
    for pair in parts.query.split("&"):
        key, _eq, value = pair.partition("=")
        if unquote(key) == WORKSHOP_PARAMETER:
            workshop = unquote(value).strip() or None
        elif pair:
            kept.append(pair)
    query = "&".join(kept)
    # urlunsplit drops the `//` of an empty host, which libpq needs
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{query}" if query else ""), workshop


@dataclass(frozen=True)
class Server:
    """A PostgreSQL database, named by its libpq connection URI; on a server of several
    workshops, the workshop worked in (`?workshop=CODE` in the URI given, or `workshop`)."""

    uri: str
    workshop: str | None = None

    def __post_init__(self) -> None:
        uri, named = _split_workshop(self.uri)
        if named is not None or uri != self.uri:
            object.__setattr__(self, "uri", uri)
            object.__setattr__(self, "workshop", self.workshop or named)

    def __str__(self) -> str:
        return self.uri if self.workshop is None else self.in_workshop(self.workshop).location

    @property
    def location(self) -> str:
        """The URI with its workshop, as --db and QCDESK_DB take it."""
        if self.workshop is None:
            return self.uri
        return self.uri + ("&" if "?" in self.uri else "?") + f"{WORKSHOP_PARAMETER}={quote(self.workshop)}"

    def in_workshop(self, workshop: str | None) -> Server:
        """The same database, in `workshop`."""
        return Server(self.uri, workshop)

    @property
    def shown(self) -> str:
        """The URI as it may be shown or printed: without its password."""
        parts = urlsplit(self.location)
        if parts.password is None:
            return self.location
        netloc = parts.netloc.replace(":" + parts.password + "@", ":…@", 1)
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def name(self) -> str:
        """The database's name (what a window title shows)."""
        parts = urlsplit(self.uri)
        dbname = parse_qs(parts.query).get("dbname", [parts.path.lstrip("/")])[0]
        return dbname or "postgres"

    @property
    def key(self) -> str:
        """A file name that tells this database from others on this workstation (the journal
        of the chain heads this workstation wrote and the last check's result are kept
        under it): host, port and database, without user or password."""
        parts = urlsplit(self.uri)
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or "localhost"])[0]
        port = query.get("port", [str(parts.port or 5432)])[0]
        text = f"{host}-{port}-{self.name}"
        if self.workshop is not None and self.workshop != "public":  # each workshop its own chain
            text += f"-{self.workshop}"
        return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:120] + ".server"


# ------------------------------------------------------------------- errors


class IntegrityError(sqlite3.IntegrityError):
    """The server refused a change that breaks a constraint or a trigger's rule."""


class OperationalError(sqlite3.OperationalError):
    """The server could not do it now: busy, unreachable, out of space, not allowed."""


class Unreachable(OperationalError):
    """The server cannot be reached (or refused the connection)."""


class WorkshopRefused(OperationalError):
    """The workshop named is not on the server, or not one the role may work in; or none was
    named on a server of several (the message says which there are)."""


class NotPermitted(OperationalError):
    """The server refused for want of privilege: the role connected may not do this (the plant's
    quality office, which reads every workshop and writes none)."""


class ProgrammingError(sqlite3.ProgrammingError):
    """A statement the server does not understand: a mistake of the program."""


class DatabaseError(sqlite3.DatabaseError):
    """Any other error the server reports."""


_BUSY = ("40001", "40P01", "55P03", "57014")  # serialization, deadlock, lock timeout, cancelled


def _error(exc: Exception) -> sqlite3.Error:
    """A psycopg error as the sqlite3 class of the same meaning, with the server's message."""
    import psycopg  # noqa: PLC0415

    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag is not None else None) or str(exc).strip()
    state = getattr(exc, "sqlstate", None) or ""
    if state in _BUSY:
        return OperationalError(f"database is locked ({message})")
    if state == "53100":
        return OperationalError(f"database or disk is full ({message})")
    if state == "25006":
        return OperationalError(f"attempt to write a readonly database ({message})")
    if state.startswith("23") or state == "P0001":
        return IntegrityError(_constraint_words(state, diag) or message)
    if state.startswith("08") or (isinstance(exc, psycopg.OperationalError) and not state):
        return Unreachable(message)
    if state == "42501" or isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return NotPermitted(message)
    if isinstance(exc, psycopg.OperationalError):
        return OperationalError(message)
    if isinstance(exc, psycopg.ProgrammingError):
        return ProgrammingError(message)
    return DatabaseError(message)


_KEY_COLUMNS = re.compile(r"^Key \((.+?)\)=\(")


def _constraint_words(state: str, diag: Any) -> str | None:
    """A broken constraint of the schema in SQLite's words ("CHECK constraint failed: …",
    "UNIQUE constraint failed: table.column", …), which the user reads after "the change breaks
    a rule of the data"; PostgreSQL words it "new row for relation … violates …". None for a
    trigger's refusal, whose own message is the same on both databases."""
    constraint = getattr(diag, "constraint_name", None)
    table = getattr(diag, "table_name", None)
    if state == "23502" and table and diag.column_name:
        return f"NOT NULL constraint failed: {table}.{diag.column_name}"
    if not constraint:
        return None
    if state == "23514":
        return f"CHECK constraint failed: {constraint}"
    if state == "23503":
        return "FOREIGN KEY constraint failed"
    if state == "23505" and table and (key := _KEY_COLUMNS.match(diag.message_detail or "")):
        return "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in key.group(1).split(", "))
    return None


# --------------------------------------------------------------------- rows


class Row:
    """A result row readable like sqlite3.Row: by position, by column name, as a sequence."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: Mapping[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self._values) == (tuple(other) if isinstance(other, Row | tuple) else other)

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row{tuple(self._values)!r}"

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, index)
    return make


class Cursor:
    """The result of one statement, as sqlite3's cursor gives it."""

    def __init__(self, cursor: Any, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Row | None:
        try:
            return self._cursor.fetchone()
        except Exception as exc:
            raise _translated(exc) from exc

    def fetchall(self) -> list[Row]:
        try:
            return self._cursor.fetchall()
        except Exception as exc:
            raise _translated(exc) from exc

    def fetchmany(self, size: int = 1) -> list[Row]:
        return self._cursor.fetchmany(size)

    def __iter__(self) -> Iterator[Row]:
        try:
            yield from self._cursor
        except Exception as exc:
            raise _translated(exc) from exc


def _translated(exc: Exception) -> Exception:
    import psycopg  # noqa: PLC0415

    return _error(exc) if isinstance(exc, psycopg.Error) else exc


class StreamCursor:
    """sqlite3's cursor as the store uses it to read a million rows: `execute` gives an
    iterator over rows fetched one at a time (psycopg's streaming), never all at once."""

    row_factory: object = None  # rows come as tuples

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[tuple[Any, ...]]:
        from qcdesk.store.pg_sql import bound, translate  # noqa: PLC0415 - on a server only (pg_sql)

        statement = translate(sql)
        cur = self._conn.cursor(row_factory=_tuple_rows)
        try:
            yield from cur.stream(statement.query, bound(statement, params))
        except Exception as exc:
            raise _translated(exc) from exc


def _tuple_rows(cursor: Any) -> Any:
    return tuple


class Connection:
    """A psycopg connection (autocommit: transactions are the store's own BEGIN … COMMIT),
    answering like a sqlite3 connection."""

    row_factory: object = None  # the store sets sqlite3.Row; rows here are always `Row`

    def __init__(self, conn: Any, lock: int = WRITE_LOCK, server: Server | None = None) -> None:
        self._conn = conn
        self._lock = lock
        self._server = server  # to connect again after the server dropped the connection

    @property
    def workshop(self) -> Server | None:
        """The database and workshop connected to (its schema named once one was entered)."""
        return self._server

    def _alive(self) -> None:
        """Connect again, between transactions, when the server closed the connection (a
        restart, a network break): a desk left open overnight goes on working. Inside a
        transaction the break is an error: what it wrote is gone, and the user is told."""
        if self._server is None or not (self._conn.closed or self._conn.broken):
            return
        fresh = connect(self._server)
        self._conn = fresh._conn

    @property
    def raw(self) -> Any:
        """The psycopg connection (for COPY and the like, in this package only)."""
        return self._conn

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus  # noqa: PLC0415

        status = self._conn.info.transaction_status
        return status not in (TransactionStatus.IDLE, TransactionStatus.UNKNOWN)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        from qcdesk.store.pg_sql import bound, translate  # noqa: PLC0415 - on a server only (pg_sql)

        command = sql.strip().upper()
        if command.startswith("BEGIN") or not self.in_transaction:
            self._alive()
        try:
            if command == "BEGIN IMMEDIATE":
                self._write_lock()
                return Cursor(self._conn.cursor())
            if command == "BEGIN":
                return Cursor(self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ"))
            statement = translate(sql)
            cur = self._conn.execute(statement.query, bound(statement, params))
            lastrowid = None
            if statement.returns_key:
                row = cur.fetchone()
                lastrowid = int(row[0]) if row is not None else None
            return Cursor(cur, lastrowid)
        except Exception as exc:
            raise _translated(exc) from exc

    def _write_lock(self) -> None:
        """A transaction begun with the workshop's write lock. Not had within the lock
        timeout (another desk is saving), the transaction is rolled back: a write that found
        the database busy has not begun, as on SQLite, and the same save pressed again begins
        afresh instead of in a transaction the server has aborted."""
        # One round trip (two statements: the simple protocol, which takes no bound parameter);
        # the key is the program's own whole number, never anything a person typed.
        try:
            self._conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({int(self._lock)})")
        except BaseException:
            with contextlib.suppress(Exception):  # a connection gone ends its transaction too
                self._conn.execute("ROLLBACK")
            raise

    def executemany(self, sql: str, seq: Any) -> Cursor:
        from qcdesk.store.pg_sql import bound, translate  # noqa: PLC0415 - on a server only (pg_sql)

        statement = translate(sql)
        query = statement.query
        if statement.returns_key:
            query = query[:query.rindex(" RETURNING ")]
        cur = self._conn.cursor()
        try:
            cur.executemany(query, [bound(statement, params) for params in seq])
        except Exception as exc:
            raise _translated(exc) from exc
        return Cursor(cur)

    def close(self) -> None:
        self._conn.close()

    def cursor(self) -> StreamCursor:
        """A cursor whose rows come from the server as they are read (bounded memory)."""
        return StreamCursor(self._conn)

    def iterdump(self) -> Iterator[str]:
        """Every row of every table, a line each, in a fixed order (as sqlite3's iterdump lets
        one compare two states of a database)."""
        from psycopg import sql  # noqa: PLC0415

        tables = [r[0] for r in self._conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
        for table in tables:
            yield f"-- {table}"
            rows = self._conn.execute(sql.SQL("SELECT * FROM {} t ORDER BY t::text").format(
                sql.Identifier(table))).fetchall()
            for row in rows:
                yield f"{table} {tuple(row)!r}"


# ------------------------------------------------------------------ connect


def _adapt(conn: Any) -> None:
    """Values as the store and sqlite3 know them: bools are 0/1, dates ISO text, sums of
    whole numbers whole numbers, JSON as its text."""
    from psycopg.adapt import Dumper, Loader  # noqa: PLC0415

    class Untyped(Dumper):
        """A whole number as SQLite takes it: untyped, so that the server reads it as the
        column or expression it meets wants (a bigint id, the text of a record key)."""

        oid = 0  # unknown

        def dump(self, obj: Any) -> bytes:
            return str(int(obj)).encode()

        def quote(self, obj: Any) -> bytes:
            # written into a statement's text (psycopg's own FETCH FORWARD n of a server-side
            # cursor, as copy.into_file reads): a number, not the string literal '5000'
            return str(int(obj)).encode()

    class DayText(Dumper):
        oid = 25  # text

        def dump(self, obj: Any) -> bytes:
            return str(obj.isoformat()).encode()

    class MomentText(Dumper):
        oid = 25

        def dump(self, obj: Any) -> bytes:
            return str(obj.isoformat(" ")).encode()

    class NumericAsNumber(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return float(text) if any(c in text for c in ".eEN") else int(text)

    class JsonAsText(Loader):
        def load(self, data: Any) -> str:
            return bytes(data).decode()

    adapters = conn.adapters
    adapters.register_dumper(bool, Untyped)
    adapters.register_dumper(int, Untyped)
    adapters.register_dumper(date, DayText)
    adapters.register_dumper(datetime, MomentText)
    adapters.register_loader("numeric", NumericAsNumber)
    adapters.register_loader("json", JsonAsText)
    adapters.register_loader("jsonb", JsonAsText)
    conn.row_factory = _row_factory


def connect(server: Server, *, application: str = "qcdesk") -> Connection:
    """A new connection to `server`, ready for the store (autocommit, UTC, C collation rules
    for text as SQLite compares it, SQLite's busy timeout as the lock timeout)."""
    import psycopg  # noqa: PLC0415

    try:
        conn = psycopg.connect(server.uri, autocommit=True, application_name=application,
                               connect_timeout=10)
    except psycopg.Error as exc:
        raise _error(exc) from exc
    _adapt(conn)
    try:
        # SET takes no bound parameter; the value is the program's own constant, a whole number
        conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        conn.execute("SET TIME ZONE 'UTC'")
        schema = enter_workshop(conn, server)
    except psycopg.Error as exc:
        conn.close()
        raise _error(exc) from exc
    except BaseException:
        conn.close()
        raise
    # a connection made again (the server dropped it) enters the same workshop
    entered = server if schema is None else server.in_workshop(schema)
    return Connection(conn, write_lock(schema), server=entered)


# --- several workshops on one server (issue 14, workshops) -----------------------------------

_WORKSHOPS = """
SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'qcdesk_schema' AND c.relkind = 'r'
ORDER BY n.nspname
"""


def entered(server: Server) -> Server:
    """`server` in the workshop a connection to it enters: the one it names, else the only one
    there (so that this desk's names for it — its journal, its backups — are the workshop's)."""
    conn = connect(server)
    try:
        return conn.workshop or server
    finally:
        conn.close()


def workshops(conn: Any) -> list[tuple[str, bool]]:
    """The workshops of the database `conn` (a psycopg connection) is connected to, each with
    whether the role connected may work in it: the schemas that hold qcdesk's tables."""
    return [(str(name), bool(member)) for name, member in conn.execute(_WORKSHOPS).fetchall()]


def write_lock(schema: str | None) -> int:
    """The advisory lock a write in `schema` holds: one per workshop, so that the workshops of
    a server do not wait for each other's saves (`public`: the one of a plant's single database)."""
    import zlib  # noqa: PLC0415

    if schema is None or schema == "public":
        return WRITE_LOCK
    return (zlib.crc32(schema.encode()) << 31) | WRITE_LOCK


def enter_workshop(conn: Any, server: Server) -> str | None:
    """Set the search_path of the psycopg connection `conn` to the workshop's schema: the one
    `server` names, else the only one the database holds; the schema worked in (None: the
    database holds none yet and none was named: its current schema, as before workshops).
    WorkshopRefused, in words a person can act on, for a workshop that is not there, one the
    role is not a member of, and none named on a server of several."""
    found = workshops(conn)
    named = server.workshop
    names = ", ".join(name for name, _member in found)
    mine = ", ".join(name for name, member in found if member) or _("none")
    if named is None:
        if len(found) > 1:
            raise WorkshopRefused(_(
                "{db} holds several workshops: {names}. Name the one this desk works in, with "
                "?workshop=CODE in the URI (--db, QCDESK_DB, Preferences) or --workshop CODE; yours: "
                "{mine}.").format(db=server.shown, names=names, mine=mine))
        if not found:
            return None
        named = found[0][0]
    elif problem := workshop_problem(named):
        raise WorkshopRefused(problem)
    row = conn.execute("SELECT oid, has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = %s",
                       (named,)).fetchone()
    if row is None:
        raise WorkshopRefused(_("{db} holds no workshop {code}: the workshops there are {names}.").format(
            db=server.in_workshop(None).shown, code=named, names=names or _("none")))
    if not row[1]:
        role = (conn.execute("SELECT current_user").fetchone() or ("?",))[0]
        raise WorkshopRefused(_(
            "you ({role}) are not a member of workshop {code}: nothing was opened. Your workshops on this "
            "server: {mine}. An administrator makes you one: qcdesk plant member add {role} --workshop "
            "{code}.").format(role=role, code=named, mine=mine))
    conn.execute("SELECT set_config('search_path', quote_ident(%s), false)", (named,))
    if named != "public":  # who works where ("qcdesk/north"): for a restore of one workshop
        conn.execute("SELECT set_config('application_name', current_setting('application_name') || '/' "
                     "|| %s, false)", (named,))
    return str(named)


def witness_folder() -> Path:
    """This workstation's folder for what it keeps of a server's databases."""
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_state_dir("qcdesk", appauthor=False)) / "servers"
