"""PostgreSQL for the store: a psycopg 3 connection, presented as the sqlite3 one the store
speaks to, so that both databases run the same statements.

What the store writes for SQLite is translated here, once per statement text:

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

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x51434B31  # the advisory lock a write holds ('QCK1', like the SQLite files' id)
LOCK_TIMEOUT_MS = 5000   # as long as SQLite's busy timeout


def is_server(location: object) -> bool:
    """Whether `location` (a --db or QCDESK_DB value) names a PostgreSQL database."""
    return isinstance(location, str | Server) and str(location).strip().lower().startswith(SCHEMES)


@dataclass(frozen=True)
class Server:
    """A PostgreSQL database, named by its libpq connection URI."""

    uri: str

    def __str__(self) -> str:
        return self.uri

    @property
    def shown(self) -> str:
        """The URI as it may be shown or printed: without its password."""
        parts = urlsplit(self.uri)
        if parts.password is None:
            return self.uri
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
        return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:120] + ".server"


# ------------------------------------------------------------------- errors


class IntegrityError(sqlite3.IntegrityError):
    """The server refused a change that breaks a constraint or a trigger's rule."""


class OperationalError(sqlite3.OperationalError):
    """The server could not do it now: busy, unreachable, out of space, not allowed."""


class Unreachable(OperationalError):
    """The server cannot be reached (or refused the connection)."""


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
        return IntegrityError(message)
    if state.startswith("08") or (isinstance(exc, psycopg.OperationalError) and not state):
        return Unreachable(message)
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.InsufficientPrivilege):
        return OperationalError(message)
    if isinstance(exc, psycopg.ProgrammingError):
        return ProgrammingError(message)
    return DatabaseError(message)


# -------------------------------------------------------------- translation

# a string literal, a quoted name, a comment, or a piece of plain SQL
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|[^'\"-]+|-")
_PLACEHOLDER = re.compile(r"(?<![:\w])\?|(?<![:\w]):([A-Za-z_]\w*)")
_IS = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b|NOT\b)", re.IGNORECASE)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\([^)]*\)\s*VALUES\s*\([^;]*\)\s*$",
                     re.IGNORECASE | re.DOTALL)
# the key a one-row INSERT returns as lastrowid: the row id column of each table that has one
ROW_KEYS = {"converter": "id", "shift": "id", "grade": "rowid", "standard": "id", "defect": "rowid",
            "heat": "id", "ingot": "id", "plan": "rowid", "person": "id", "signature": "id",
            "workshop": "id", "audit": "id", "sample": "id", "tolerance_edition": "id",
            "control_limits": "rowid", "audit_block": "last_id"}


def _plain(text: str) -> str:
    text = _IS.sub(lambda m: "IS DISTINCT FROM " if m.group(1) else "IS NOT DISTINCT FROM ", text)
    text = _LIKE.sub("ILIKE", text)
    text = text.replace("%", "%%")
    return _PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s" if m.group(1) else "%s", text)


_JSON_ARRAY = re.compile(r"\bjson_array\(", re.IGNORECASE)
_JSON_VALUED = re.compile(r"^(json|json_array|json_group_array|json_quote)\(", re.IGNORECASE)
_REC = re.compile(r"^(\w+\.)?rec$")
_JSON_TEXT = re.compile(r"(?<![\w.])json\(", re.IGNORECASE)  # SQLite's json(x): x, minified


def _closing(sql: str, start: int) -> tuple[int, list[str]]:
    """From just after an opening parenthesis: the index of its closing one, and the
    arguments between them split at their own commas (literals and nesting kept whole)."""
    depth, args, begin, i = 0, [], start, start
    while i < len(sql):
        c = sql[i]
        if c in "'\"":
            i = sql.index(c, i + 1)
            while i + 1 < len(sql) and sql[i + 1] == c:  # a doubled quote inside
                i = sql.index(c, i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append(sql[begin:i].strip())
                return i, args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(sql[begin:i].strip())
            begin = i + 1
        i += 1
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def _json_arrays(sql: str) -> str:
    """SQLite's json_array(a, b, …) takes values of any type and writes each as JSON; the
    schema's json_array takes texts, so each value is written first by qc_json (as SQLite
    writes it), a value that is JSON already (json(…), a nested array) as it is, and an audit
    entry's record key (a row id kept as text) as the number it is."""
    out, pos = [], 0
    for match in _JSON_ARRAY.finditer(sql):
        if match.start() < pos:
            continue  # inside an array already rewritten
        if sql.count("'", 0, match.start()) % 2:  # within a literal
            continue
        end, args = _closing(sql, match.end())
        wrapped = []
        for arg in args:
            inner = _json_arrays(arg)
            if _JSON_VALUED.match(arg):
                wrapped.append(inner)
            elif _REC.match(arg):
                wrapped.append(f"qc_rec({inner})")
            else:
                wrapped.append(f"qc_json({inner})")
        out.append(sql[pos:match.start()] + "json_array(" + ", ".join(wrapped) + ")")
        pos = end + 1
    out.append(sql[pos:])
    return "".join(out)


_FROM_SUBQUERY = re.compile(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH|VALUES)\b", re.IGNORECASE)
_ALIASED = re.compile(r"\s*(AS\s+)?(?!(WHERE|GROUP|ORDER|LIMIT|JOIN|LEFT|INNER|CROSS|ON|UNION|EXCEPT|"
                      r"INTERSECT|HAVING|WINDOW|OFFSET|FILTER)\b)[A-Za-z_]\w*", re.IGNORECASE)


def _aliased(sql: str) -> str:
    """PostgreSQL 15 wants a name for every subquery in FROM; SQLite does not."""
    out, pos, n = [], 0, 0
    for match in _FROM_SUBQUERY.finditer(sql):
        if match.start() < pos or sql.count("'", 0, match.start()) % 2:
            continue
        opening = sql.index("(", match.start())
        end, _args = _closing(sql, opening + 1)
        if not _ALIASED.match(sql, end + 1):
            n += 1
            out.append(sql[pos:end + 1] + f" AS _q{n}")
            pos = end + 1
    out.append(sql[pos:])
    return "".join(out)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """A statement of the store, as psycopg sends it to PostgreSQL."""
    out = []
    if "json_array(" in sql.lower():
        sql = _json_arrays(sql)
    sql = sql.replace("t.rowid AS rec", "CAST(t.rowid AS TEXT) AS rec")
    if "(" in sql:
        sql = _aliased(sql)
    sql = _JSON_TEXT.sub("qc_min(", sql)
    for token in _TOKENS.findall(sql):
        if token.startswith("'") or token.startswith(('"', "--")):
            out.append(token.replace("%", "%%"))
        else:
            out.append(_plain(token))
    text = "".join(out)
    insert = _INSERT.match(sql)
    if insert and (key := ROW_KEYS.get(insert.group(1).lower())) and "RETURNING" not in sql.upper():
        text += f" RETURNING {key}"
    return text


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


class Connection:
    """A psycopg connection (autocommit: transactions are the store's own BEGIN … COMMIT),
    answering like a sqlite3 connection."""

    row_factory: object = None  # the store sets sqlite3.Row; rows here are always `Row`

    def __init__(self, conn: Any, lock: int = WRITE_LOCK) -> None:
        self._conn = conn
        self._lock = lock

    @property
    def raw(self) -> Any:
        """The psycopg connection (for COPY and the like, in this package only)."""
        return self._conn

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus  # noqa: PLC0415

        return bool(self._conn.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        command = sql.strip().upper()
        try:
            if command == "BEGIN IMMEDIATE":
                self._conn.execute("BEGIN")
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock,))
                return Cursor(self._conn.cursor())
            if command == "BEGIN":
                return Cursor(self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ"))
            query = translate(sql)
            cur = self._conn.execute(query, params if params is not None else ())
            lastrowid = None
            if query.endswith(tuple(f" RETURNING {k}" for k in set(ROW_KEYS.values()))) and \
                    "RETURNING" not in sql.upper():
                row = cur.fetchone()
                lastrowid = int(row[0]) if row is not None else None
            return Cursor(cur, lastrowid)
        except Exception as exc:
            raise _translated(exc) from exc

    def executemany(self, sql: str, seq: Any) -> Cursor:
        query = translate(sql)
        if "RETURNING" in query and "RETURNING" not in sql.upper():
            query = query[:query.rindex(" RETURNING ")]
        cur = self._conn.cursor()
        try:
            cur.executemany(query, list(seq))
        except Exception as exc:
            raise _translated(exc) from exc
        return Cursor(cur)

    def close(self) -> None:
        self._conn.close()


# ------------------------------------------------------------------ connect


def _adapt(conn: Any) -> None:
    """Values as the store and sqlite3 know them: bools are 0/1, dates ISO text, sums of
    whole numbers whole numbers, JSON as its text."""
    from psycopg.adapt import Dumper, Loader  # noqa: PLC0415
    from psycopg.types.numeric import IntDumper  # noqa: PLC0415

    class BoolAsInt(IntDumper):
        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

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
    adapters.register_dumper(bool, BoolAsInt)
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
        conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        conn.execute("SET TIME ZONE 'UTC'")
    except psycopg.Error as exc:
        conn.close()
        raise _error(exc) from exc
    return Connection(conn)


def witness_folder() -> Path:
    """This workstation's folder for what it keeps of a server's databases."""
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_state_dir("qcdesk", appauthor=False)) / "servers"
