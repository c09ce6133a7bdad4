"""The store's foundation: opening a database, its schema version and migrations, transactions,
and writing the audit trail (each write's entries and the block that seals them)."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Self, cast

from qcdesk import chain, health, journal, records, seed
from qcdesk.errors import Conflict, DatabaseError, NotFound, QcError, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.migrations import (
    APPLICATION_ID,
    LATEST,
    MIGRATIONS,
)
from qcdesk.model import (
    Ingot,
    Limit,
)
from qcdesk.names import LookAlikes
from qcdesk.numbers import (
    normalise_code,
)
from qcdesk.people import (
    PERMISSION_NAMES,
    ROLE_NAMES,
    Permission,
    Person,
)
from qcdesk.standards import HeatCheck
from qcdesk.store import postgres
from qcdesk.store.changes import OwnWrites
from qcdesk.store.common import as_text, chunks, clean_name, clean_reason, person_from_row, split_statements
from qcdesk.store.dialect import POSTGRESQL, SQLITE, Dialect, postgres_schema, postgres_upgrade, set_pragma

BUSY_TIMEOUT_S = 5.0
STATISTICS_AFTER_ROWS = 1000  # a write of this many rows refreshes the server's planner statistics


_SQLITE_HEADER = b"SQLite format 3\x00"

# A write refused by the server to a role that may write none of the workshop's records (plantdesk);
# other refusals for want of privilege (a desks' role at the audit trail, say) keep the server's words.
READ_ONLY = N_("this desk's role may read the records but change none: the plant's quality office reads "
               "every workshop and signs nothing. Nothing was changed.")


def current_user(option: str | None = None) -> str:
    """--user NAME, else QCDESK_USER, else the login name."""
    for candidate in (option, os.environ.get("QCDESK_USER")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


# Per table keyed by row id: the entries that add records (bound: the first entry's id, the JSON
# array of the records' keys, in order), each with the record's state, as _states renders it.
# (the table's fixed name and state expression only)
_ADDING = ("insert", None, None, None, None, None, None, None)  # an entry that only adds its record


# (The row is looked up by its key, CAST(e.value AS INTEGER): json_each's values are text on
# PostgreSQL, where a row's state is found through the table's index only so.)
_ADDED = {t.name: "INSERT INTO audit (id, action, tbl, rec, state) SELECT ? + e.key, 'insert', "  # noqa: S608
          f"'{t.name}', e.value, coalesce((SELECT {t.state} FROM {t.name} t "
          f"WHERE {t.key} = CAST(e.value AS INTEGER)), '{records.REMOVED}') FROM json_each(?) e"
          for t in records.TABLES if not t.key_columns}
# The same for records whose keys run one by one (an import's, each a new row id): read by a walk
# of the table's rows first..last (bound: the first entry's id, first, first, last), with no
# JSON array to read and no lookup per record; every record of the range is there, just added.
# (Only the program's own table names, key and state expressions go into the text; values bound.)
_ADDED_RANGE = {t.name: "INSERT INTO audit (id, action, tbl, rec, state) SELECT "  # noqa: S608
                f"? + ({t.key} - ?), 'insert', '{t.name}', t.rowid AS rec, {t.state} FROM {t.name} t "
                f"WHERE {t.key} BETWEEN ? AND ? ORDER BY {t.key}"
                for t in records.TABLES if not t.key_columns}


_Signature = tuple[int, str, str, int | None]  # (id, kind, production date, shift id)


class _LiveSignatures:
    """The signatures not superseded on the production dates a write touches, each date read
    once through the index of signatures by date: a guard costs the same whatever the number
    of days signed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._on: dict[str, list[_Signature]] = {}  # production date → its live signatures

    def read(self, days: Iterable[str]) -> None:
        """Read the live signatures of these production dates, those not read yet."""
        unread = sorted(set(days) - self._on.keys())
        if not unread:
            return
        for day in unread:
            self._on[day] = []
        for row in self._conn.execute(
                "SELECT id, kind, production_date, shift_id FROM signature WHERE superseded_at IS NULL "
                "AND production_date IN (SELECT value FROM json_each(?))", (json.dumps(unread),)):
            self._on[row[2]].append((row[0], row[1], row[2], row[3]))

    def on(self, days: Iterable[str]) -> list[_Signature]:
        """The live signatures of these production dates, oldest first."""
        days = set(days)
        if not days <= self._on.keys():
            self.read(days)
        return sorted(s for day in days for s in self._on[day])

    def drop(self, superseded: Iterable[_Signature]) -> None:
        for sig in superseded:
            self._on[sig[2]].remove(sig)


def environment_error(exc: sqlite3.Error) -> QcError:
    """Say in plain words what went wrong with the database file itself."""
    text = str(exc).lower()
    if isinstance(exc, postgres.WorkshopRefused):  # several workshops on one server (workshops)
        return DatabaseError(str(exc))
    if isinstance(exc, postgres.Unreachable):
        return DatabaseError(_("the database server cannot be reached ({error}): nothing was changed. "
                               "Check the network and that the server runs, then try again.").format(
            error=str(exc).strip()))
    if "locked" in text or "busy" in text:
        return DatabaseError(_("the database is busy: another workstation is saving. "
                               "Nothing was changed; try again in a moment."))
    if "full" in text:
        return DatabaseError(_("the disk is full: nothing was saved. Free some space and try again."))
    if "readonly" in text or "read-only" in text:
        return DatabaseError(_("the database file is read-only: nothing was saved."))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseError(_("the database file is damaged ({error}); restore a backup.").format(
            error=exc))
    if "unable to open" in text:
        return DatabaseError(_("the database file cannot be opened ({error}).").format(error=exc))
    return DatabaseError(_("the database refused the change: {error}").format(error=exc))




def _refuse_foreign_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that is not a SQLite database."""
    if not path.exists():
        return
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file").format(path=path))
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise DatabaseError(_("{path} cannot be read: {error}").format(
            path=path, error=exc.strerror)) from exc
    if head and head != _SQLITE_HEADER:
        raise DatabaseError(_("{path} is not a qcdesk database; it was left untouched.").format(
            path=path))


def record_key(rec: object) -> object:
    """A record's key (`audit.rec`) as the program handles it: a row id is a number (PostgreSQL
    keeps it as text beside the control limits' composed keys)."""
    return int(rec) if isinstance(rec, str) and rec.isdigit() else rec


class StoreBase:
    def __init__(self, conn: sqlite3.Connection, path: Path, user: str,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.conn = conn
        self.path = path  # the file; on a server, this workstation's name for the database
        self.server: postgres.Server | None = None  # the PostgreSQL database, if on a server
        self.dialect: Dialect = SQLITE
        self.journal = journal.journal_path(path)  # where this database's chain heads are noted
        self.user = clean_name(user, N_("user"), 80)
        self.person: Person | None = None  # who signed in, once the database has people
        self._clock = clock
        self._depth = 0
        # Facts that never turn back, so read until true only: the schema keeps an audit chain
        # (version 9 on), the database has people (a person is never deleted).
        self._chained = False
        self._has_people = False
        # this write's audit entries, written with the records' states when it commits
        self._pending: list[tuple[object, ...]] = []
        self._changed: dict[tuple[str, object], int] = {}  # record → its last pending entry
        self._block: tuple[str, str] | None = None  # this write's (at, user), from its first entry
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        # issue 14: the audit ids this connection's writes add, noted for the desk (before each
        # commit, taken back if it fails) to tell its own saves from the other desks'
        self.own: OwnWrites | None = None
        self._sealed: tuple[int, int] | None = None  # this write's (last id before, last id)
        # (plantdesk) whether the role connected may write the workshop's records, read once at
        # open: False for the plant's quality office, or a file that cannot be written
        self.writable = True

    @classmethod
    def open(cls, path: str | Path | postgres.Server, user: str | None = None,
             clock: Callable[[], datetime] = datetime.now, *, create: bool = True,
             person: Person | None = None, heads: Path | None = None) -> Self:
        """Open (migrating if needed) the database at `path`; create it only if `create`.

        `person`: someone this process has already signed in (`login`), for a second
        connection such as a worker thread's; their role is checked again on every write.
        `heads`: the journal of chain heads, if not where `qcdesk.journal` puts it.
        """
        if isinstance(path, postgres.Server) or postgres.is_server(path):
            return cls._open_server(postgres.Server(str(path).strip()), user, clock, create=create,
                                    person=person, heads=heads)
        path = Path(path)
        _refuse_foreign_file(path)
        if not path.exists() and not create:
            raise DatabaseError(_("there is no database at {path}").format(path=path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise environment_error(exc) from exc
        except (FileExistsError, NotADirectoryError) as exc:
            raise DatabaseError(_("the database cannot be created at {path}: a part of the folder "
                                  "path is a file").format(path=path)) from exc
        except OSError as exc:
            raise DatabaseError(_("the database cannot be created at {path}: {error}").format(
                path=path, error=exc.strerror or exc)) from exc
        conn.row_factory = sqlite3.Row
        try:
            store = cls(conn, path, person.name if person else current_user(user), clock)
        except QcError:  # a user name refused: the connection is not left open
            conn.close()
            raise
        store.person = person
        if heads is not None:
            store.journal = heads
        store._identity = health.identity(path)  # to tell a file deleted or replaced meanwhile
        store.writable = not path.exists() or os.access(path, os.W_OK)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            set_pragma(conn, "busy_timeout", int(BUSY_TIMEOUT_S * 1000))
            store._check_version()
            conn.execute("PRAGMA synchronous = FULL")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise environment_error(exc) from exc
        except QcError:
            conn.close()
            raise
        return store

    @classmethod
    def _open_server(cls, server: postgres.Server, user: str | None, clock: Callable[[], datetime], *,
                     create: bool, person: Person | None, heads: Path | None) -> Self:
        """Open the PostgreSQL database `server` (creating its schema in an empty database
        only if `create`)."""
        try:
            conn = postgres.connect(server)
        except sqlite3.Error as exc:
            raise environment_error(exc) from exc
        try:
            entered = conn.workshop or server  # the workshop's own name on this desk (workshops)
            store = cls(cast(sqlite3.Connection, conn), postgres.witness_folder() / entered.key,
                        person.name if person else current_user(user), clock)
        except QcError:  # a user name refused: the connection is not left open
            conn.close()
            raise
        store.server, store.dialect, store.person = conn.workshop or server, POSTGRESQL, person
        store.journal = heads if heads is not None else journal.journal_path(store.path)
        # A folder that cannot be made refuses the first write, as beside a file (_seal_block):
        # reading needs no journal.
        with contextlib.suppress(OSError):
            store.journal.parent.mkdir(parents=True, exist_ok=True)
        try:
            store._check_version()
            if store.schema_version() == 0:
                if not create:
                    raise DatabaseError(_("{path} holds no qcdesk database yet.").format(path=server.shown))
                store._create_on_server()
            elif store.schema_version() < LATEST:
                store._upgrade_on_server()
            # the plant's quality office reads every workshop and may write none (plantdesk)
            store.writable = bool(store.conn.execute(
                "SELECT has_table_privilege(current_user, 'heat', 'INSERT')").fetchone()[0])
        except sqlite3.Error as exc:
            conn.close()
            raise environment_error(exc) from exc
        except QcError:
            conn.close()
            raise
        return store

    def _create_on_server(self) -> None:
        """Give an empty PostgreSQL database the newest schema and the records a new SQLite
        database starts with (the seed and their audit entries, made by the migrations in a
        SQLite database in memory and copied over, so both begin alike)."""
        import shutil  # noqa: PLC0415 - once in a server's life, not at every start
        import tempfile  # noqa: PLC0415

        from qcdesk.store import copy  # noqa: PLC0415

        with tempfile.TemporaryDirectory(prefix="qcdesk-new-") as folder:
            seed_file = Path(folder) / "new.sqlite"
            seed_heads = Path(folder) / "new.heads"
            new = type(self).open(seed_file, self.user, self._clock, heads=seed_heads)
            try:
                copy.into_server(new.conn, cast(postgres.Connection, self.conn), schema=postgres_schema())
            finally:
                new.close()
            # This workstation wrote the seed's blocks: its journal of them begins this
            # database's, as a new file's does (unless one is there already, which verify judges).
            if seed_heads.is_file() and not self.journal.exists():
                with contextlib.suppress(OSError):
                    shutil.copyfile(seed_heads, self.journal)

    def _upgrade_on_server(self) -> None:
        """Bring a PostgreSQL database of an older schema to the newest, by the blocks of
        postgres_schema.sql after its version (`dialect.postgres_upgrade`), in one transaction
        under the write lock. Only the owner role may (`qcdesk --db URI migrate`): the desks'
        role is told so, and nothing is changed."""
        found = self.schema_version()
        if not self.conn.execute("SELECT has_schema_privilege(current_schema(), 'CREATE')").fetchone()[0]:
            raise DatabaseError(_(
                "{path} holds a qcdesk database of schema {found}; this program needs schema {known}. "
                "Nothing was changed: the owner role brings it up to date with qcdesk --db URI migrate."
            ).format(path=self.location, found=found, known=LATEST))
        raw = cast(postgres.Connection, self.conn).raw
        with self.transaction():
            for version in range(self.schema_version() + 1, LATEST + 1):  # another desk may have done it
                raw.execute(postgres_upgrade(version))

    def server_workshops(self) -> list[tuple[str, bool]]:
        """The workshops of the server's database, by code, each with whether the role connected
        may read it (the plant's quality office reads them all); [] for a SQLite file (plantdesk)."""
        if self.server is None:
            return []
        return postgres.workshops(cast(postgres.Connection, self.conn).raw)

    @property
    def location(self) -> str:
        """The database as a person names it: the file's path, or the server's URI (no password)."""
        return self.server.shown if self.server else str(self.path)

    def reader(self) -> Self:
        """A second connection to the same database, for reading on another thread at the same
        time (the rollback journal lets readers share the file); close it after use."""
        return type(self).open(self.server or self.path, self.user, self._clock, create=False,
                               person=self.person, heads=self.journal)

    def today(self) -> date:
        """The date on the store's clock (the one its audit entries are stamped with)."""
        return self._clock().date()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return self.dialect.version(self.conn)

    def wrote_many(self, rows: int) -> None:
        """After a write of `rows` rows (a file imported): if they are many, the server's
        planner learns of them now, not when autovacuum gets round to the tables. The rows are
        saved whatever happens here: a refresh that fails is left to autovacuum, never said
        as a failed save."""
        if rows >= STATISTICS_AFTER_ROWS:
            with suppress(sqlite3.Error):
                self.dialect.refresh_statistics(self.conn)

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > LATEST:
            raise DatabaseError(_(
                "{path} was written by a newer qcdesk (schema {found}; this program knows up to "
                "{known}). It was left untouched: open it with a newer qcdesk."
            ).format(path=self.location, found=version, known=LATEST))
        app_id = self.dialect.application_id(self.conn)
        has_tables = self.dialect.has_tables(self.conn)
        if version > 0:
            foreign = app_id != APPLICATION_ID
        else:  # new to us: it must be empty and unclaimed
            foreign = bool(has_tables) or app_id not in (0, APPLICATION_ID)
        if foreign and self.server:
            raise DatabaseError(_("{path} is a PostgreSQL database of another program; "
                                  "it was left untouched.").format(path=self.location))
        if foreign:
            raise DatabaseError(_("{path} is a SQLite database of another program; "
                                  "it was left untouched.").format(path=self.path))

    def _migrate(self) -> None:
        for version, script, *step in MIGRATIONS:
            if self.schema_version() >= version:
                continue
            # executescript would commit on its own; run each statement in our transaction.
            with self.transaction():
                if self.schema_version() >= version:  # another process got there first
                    continue
                for statement in split_statements(script):
                    self.conn.execute(statement)
                if version == 1:
                    self._seed()
                for python_step in step:
                    python_step(self.conn)
                self.dialect.set_version(self.conn, version)

    def _seed(self) -> None:
        self.conn.executemany("INSERT INTO converter (code, name) VALUES (?, ?)", seed.CONVERTERS)
        self.conn.executemany(
            "INSERT INTO shift (code, name_en, name_zh, start_min, seq) VALUES (?, ?, ?, ?, ?)",
            [(*s, i) for i, s in enumerate(seed.SHIFTS, start=1)])
        self.conn.executemany(
            "INSERT INTO defect (code, name_en, name_zh, category) VALUES (?, ?, ?, ?)",
            seed.DEFECTS)
        for grade, limits in seed.GBT700_GRADES.items():
            self.conn.execute("INSERT INTO grade (code, description) VALUES (?, ?)",
                              (grade, "carbon structural steel"))
            self._insert_edition(grade, seed.GBT700_STANDARD, seed.GBT700_EDITION,
                                 seed.GBT700_EFFECTIVE, limits)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error; nests as one.

        Before it commits, the write's audit entries are written with the states of the
        records they changed and sealed by one block of the chain, whose head goes into the
        journal beside the database (see `qcdesk.journal`) before the commit and is
        confirmed there after it."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        health.refuse_writes_if_damaged(self.path)  # a file that failed its check is not written
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise environment_error(exc) from exc
        self._depth = 1
        sealed: str | None = None
        try:
            yield self.conn
            if (gone := health.moved(self.path, self._identity)) is not None:  # not into a lost file
                raise gone
            sealed = self._seal_block()
            if self._sealed is not None:  # issue 14: the other desks are told, and this one knows it
                self.dialect.announce(self.conn)
                if self.own is not None:
                    self.own.add(*self._sealed)
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self._sealed is not None and self.own is not None:
                self.own.discard(*self._sealed)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._has_people = False  # the first person may have been added in this write
            gone = health.moved(self.path, self._identity) if isinstance(exc, sqlite3.Error) else None
            if gone is not None:  # SQLite says "readonly" of a file deleted or replaced
                raise gone from exc
            if isinstance(exc, postgres.NotPermitted) and not self.writable:  # the plant's quality office
                raise DatabaseError(_(READ_ONLY)) from exc
            if isinstance(exc, sqlite3.IntegrityError):
                raise Conflict(_("the change breaks a rule of the data: {error}").format(
                    error=exc)) from exc
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.ProgrammingError):
                raise environment_error(exc) from exc
            raise
        finally:
            self._depth = 0
            self._pending.clear()
            self._changed.clear()
            self._block = None
            self._sealed = None
        if sealed is not None:
            journal.confirm(self.journal, sealed)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read one state of the database throughout (a read transaction, taken at once):
        a write elsewhere waits, within its busy timeout, until it ends."""
        self.dialect.begin_snapshot(self.conn)
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def _audit(self, action: str, entity: str, key: str, *, heat_no: str | None = None,
               field_name: str | None = None, old: object = None, new: object = None,
               reason: str | None = None, anyone: bool = False,
               record: tuple[str, object] | None = None) -> None:
        """Add an entry to this write's audit entries (inside the caller's write transaction).

        `record`: the (table, key) of the record the entry changes (`qcdesk.records`); the
        record's state as the write leaves it goes with its last entry. A heat's or ingot's
        entries name it by the record alone, their bulk being the most of the log.
        Once the database has people, an entry needs someone signed in (a backstop for a
        write method that forgot `_require`); `anyone` only for a failed sign-in and the
        first administrator."""
        if self._block is None:
            if not anyone and self.person is None and self.roles_enforced():
                raise QcError(_("this database has people and roles: sign in first"))
            self._block = (self._clock().astimezone().isoformat(timespec="seconds"), self.user)
        elif self._block[1] != self.user:
            raise sqlite3.ProgrammingError("one write, one author: the audit block has " + self._block[1])
        tbl, rec = record if record else (None, None)
        if tbl in (records.HEAT, records.INGOT):
            key, heat_no = None, None  # type: ignore[assignment]  # the record names them
        if record:
            self._changed[record] = len(self._pending)
        self._pending.append((action, None if entity == tbl else entity, key, heat_no, field_name,
                              None if old is None else as_text(old), None if new is None else as_text(new),
                              None if reason is None else clean_reason(reason), tbl, rec))

    def _seal_block(self) -> str | None:
        """Write this write's entries, each record's state with its last one, and the block
        that seals every entry added since the last block; its head goes into the journal.
        Returns the new head (None when nothing was added, or before schema 9)."""
        if not self._chained:
            if self.schema_version() < 9:
                if self._pending:
                    raise sqlite3.ProgrammingError("audit entries before schema 9")
                return None
            self._chained = True
        prev_last, prev_head = self._chain_tip()
        db = self.conn
        if self._pending:
            last_id = self._write_entries(prev_last)
        else:
            last_id = db.execute("SELECT max(id) FROM audit").fetchone()[0]
        if last_id is None or last_id <= prev_last:
            return None
        at, user = self._block or (self._clock().astimezone().isoformat(timespec="seconds"), self.user)
        content = self.audit_content(prev_last, last_id)
        head = chain.block(prev_head, last_id, at, user, content)
        self._sealed = (prev_last, last_id)
        db.execute("INSERT INTO audit_block (last_id, at, user, hash) VALUES (?, ?, ?, ?)",
                   (last_id, at, user, bytes.fromhex(head)))
        try:
            journal.begin(self.journal, prev_last, prev_head, last_id, head)
        except OSError as exc:
            raise DatabaseError(_(
                "the journal of chain heads {path} cannot be written ({error}): nothing was saved. "
                "It must be writable wherever the database is written (QCDESK_HEADS names its folder)."
            ).format(path=self.journal, error=exc.strerror or exc)) from exc
        return head

    def _write_entries(self, prev_last: int) -> int:
        """Write this write's entries, each record's state with its last one. A run of entries
        that each only add a record of one table (an import's) goes in one INSERT … SELECT that
        renders their states, the others one by one with their states read first. Returns the
        id of the last entry written, the log's last (the write holds the write lock)."""
        db = self.conn
        last_of = {index: record for record, index in self._changed.items()}
        next_id = int(db.execute("SELECT coalesce(max(id), ?) + 1 FROM audit", (prev_last,)).fetchone()[0])
        runs: list[tuple[int, str, list[object]]] = []  # (first index, table, record keys)
        others: list[int] = []
        for i, values in enumerate(self._pending):
            record = last_of.get(i)
            if record is not None and record[0] in _ADDED and values[:8] == _ADDING:
                if runs and runs[-1][1] == record[0] and runs[-1][0] + len(runs[-1][2]) == i:
                    runs[-1][2].append(record[1])
                else:
                    runs.append((i, record[0], [record[1]]))
            else:
                others.append(i)
        states = self._states(last_of[i] for i in others if i in last_of)
        db.executemany(
            "INSERT INTO audit (id, action, entity, entity_key, heat_no, field, old_value, "
            "new_value, reason, tbl, rec, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(next_id + i, *self._pending[i], states[last_of[i]] if i in last_of else None) for i in others])
        for first, tbl, recs in runs:
            low = recs[0]
            if type(low) is int and recs == list(range(low, low + len(recs))):
                added = db.execute(_ADDED_RANGE[tbl], (next_id + first, low, low, low + len(recs) - 1))
                if added.rowcount != len(recs):  # a record of the range missing: not written, then
                    raise sqlite3.ProgrammingError(
                        f"{len(recs)} records of {tbl} added, {added.rowcount} found")
            else:
                db.execute(_ADDED[tbl], (next_id + first, json.dumps(recs)))
        return next_id + len(self._pending) - 1

    def _states(self, changed: Iterable[tuple[str, object]]) -> dict[tuple[str, object], str]:
        """The state of each record (`qcdesk.records`) as it stands now; REMOVED if gone."""
        wanted: dict[str, list[object]] = defaultdict(list)
        for tbl, rec in changed:
            wanted[tbl].append(rec)
        states: dict[tuple[str, object], str] = {}
        for tbl, recs in wanted.items():
            table = records.BY_NAME[tbl]
            if table.key_columns:  # a handful of rows: read them all
                found = dict(self.conn.execute(table.select).fetchall())
                states.update({(tbl, rec): found.get(rec, records.REMOVED) for rec in recs})
                continue
            for chunk in chunks(recs, 500):
                found = {record_key(rec): state for rec, state in self.conn.execute(
                    table.select + f" WHERE t.rowid IN ({','.join('?' * len(chunk))})", chunk)}
                states.update({(tbl, rec): found.get(rec, records.REMOVED) for rec in chunk})
        return states

    def _chain_tip(self) -> tuple[int, str]:
        """(the last sealed entry's id, the chain's head): the last block, else the last
        entry of the log kept before schema 9, else (0, 64 zeros)."""
        row = self.conn.execute("SELECT last_id, hash FROM audit_block ORDER BY last_id DESC LIMIT 1"
                                ).fetchone()
        if row:
            return int(row[0]), bytes(row[1]).hex()
        row = self.conn.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)

    def chain_head(self) -> str:
        """The audit chain's head, what a report prints: the last block's hash (`qcdesk.chain`),
        else the last entry's of the log kept before schema 9, else 64 zeros."""
        return self._chain_tip()[1]


    def audit_content(self, after: int, last: int) -> bytes:
        """The canonical bytes of the entries after id `after` up to `last`, in id order
        (`qcdesk.chain`), as the database computes them."""
        # Joined here, in id order: PostgreSQL's group_concat (the schema's, in SQL) copies its
        # text at every row, minutes over a block of thousands of entries, and string_agg takes
        # its rows in the subquery's order only as a rule of thumb. (Only chain.ENTRY_SQL, a
        # fixed expression, goes into the statement.)
        rows = self.conn.execute(f"SELECT {chain.ENTRY_SQL} FROM audit WHERE id > ? AND id <= ? "  # noqa: S608
                                 "ORDER BY id", (after, last))
        return "".join(row[0] for row in rows).encode("utf-8")

    def roles_enforced(self) -> bool:
        """Whether the database has people: then every write needs someone signed in."""
        if not self._has_people:
            self._has_people = bool(self.conn.execute("SELECT EXISTS (SELECT 1 FROM person)").fetchone()[0])
        return self._has_people

    def _people(self) -> LookAlikes:
        """Everyone's name, to refuse a name or an inspector that looks like someone else."""
        return LookAlikes(r[0] for r in self.conn.execute("SELECT name FROM person"))

    def _require(self, permission: Permission) -> Person | None:
        """Refuse (QcError) unless whoever is signed in may do this, once the database has
        people; read again from the database, so a deactivation takes effect at once."""
        if not self.roles_enforced():
            return None
        if self.person is None:
            raise QcError(_("this database has people and roles: sign in first"))
        row = self._proven_person_row(self.person.id)
        current = person_from_row(row) if row else None
        if current is None or not current.active:
            raise QcError(_("{name} is deactivated").format(name=self.person.name))
        if not current.may(permission):
            raise QcError(_("as {role}, {name} may not {action}").format(
                role=_(ROLE_NAMES[current.role]), name=current.name,
                action=_(PERMISSION_NAMES[permission])))
        return current

    def _live_signatures(self) -> _LiveSignatures:
        """The signatures not superseded, read a production date at a time as a write needs them."""
        return _LiveSignatures(self.conn)

    def _guard(self, places: Iterable[tuple[str, int]], reason: str | None,
               live: _LiveSignatures | None = None, *,
               imported: bool = False,
               ask: str = N_("these records are signed ({day}): say why they are corrected")) -> None:
        """Before a change to records of these (production date, shift id): if a signature
        covers them, a reason and a role that may correct; those signatures are then
        superseded (the day is to be signed again). The caller has required RECORD.
        `live`: the write's signatures in force, when it guards many places one by one."""
        live = self._live_signatures() if live is None else live
        places = set(places)
        days = {d for d, _s in places}
        hit = [s for s in live.on(days) if (s[1] == "shift" and (s[2], s[3]) in places)
               or (s[1] == "day" and s[2] in days)]
        if not hit:
            return
        if imported:  # a file brings no reason: late records come one at a time
            raise Conflict(_("{day} is signed: a record is added to a signed shift or day one at a "
                             "time, by a workshop head, with a reason").format(
                day=", ".join(sorted({s[2] for s in hit}))))
        corrector = self._require(Permission.CORRECT_SIGNED)
        if not clean_reason(reason):
            raise ReasonRequired(_(ask).format(day=", ".join(sorted({s[2] for s in hit}))))
        now = self._clock().astimezone().isoformat(timespec="seconds")
        for sig_id, kind, day, _shift in hit:
            self.conn.execute("UPDATE signature SET superseded_at = ?, superseded_reason = ? "
                              "WHERE id = ?", (now, clean_reason(reason), sig_id))
            self._audit("update", "signature", f"{kind} {day} #{sig_id}", field_name="superseded",
                        new={"at": now, "role": corrector.role.value if corrector else None},
                        reason=reason, record=(records.SIGNATURE, sig_id))
        live.drop(hit)

    def _proven_person_row(self, person_id: int) -> sqlite3.Row | None:
        """The person's row, refused (QcError) unless it is what its newest audit entry says:
        whoever signs in, writes or signs is who the audit trail says, with that role and PIN."""
        row = self.conn.execute(  # the state's expression is qcdesk.records', fixed text
            "SELECT t.*, " + records.BY_NAME[records.PERSON].state + " AS live, "  # noqa: S608
            "(SELECT state FROM audit WHERE tbl = 'person' AND rec = t.id ORDER BY id DESC LIMIT 1) "
            "AS logged FROM person t WHERE t.id = ?", (person_id,)).fetchone()
        if row is not None and row["live"] != row["logged"] and self.schema_version() >= 9:
            raise QcError(_("the record of {name} was changed outside qcdesk: nothing was done. "
                            "An administrator should look at it with qcdesk verify.").format(
                name=row["name"]))
        return row

    def _update_fields(self, entity: str, current: object, changes: Mapping[str, object], *,
                       key: str, statements: Mapping[str, str], row_id: object,
                       record: tuple[str, object], reason: str | None = None) -> None:
        """Write each field of a reference record that really changes, with its audit entry."""
        for column, value in changes.items():
            old = getattr(current, column)
            if old != value:
                self.conn.execute(statements[column], (value, row_id))
                self._audit("update", entity, key, field_name=column, old=old, new=value, record=record,
                            reason=reason)

    def _insert_edition(self, grade: str, standard: str, edition: str, effective_from: str,
                        limits: Iterable[Limit]) -> int:
        cur = self.conn.execute(
            "INSERT INTO standard (grade, standard, edition, effective_from) VALUES (?, ?, ?, ?)",
            (grade, standard, edition, effective_from))
        self.conn.executemany(
            "INSERT INTO standard_limit (standard_id, element, min_pct, max_pct) VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, lim.element, lim.min_pct, lim.max_pct) for lim in limits])
        return int(cur.lastrowid or 0)

    def _heat_row(self, heat_no: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM heat WHERE heat_no = ?",
                                (normalise_code(heat_no).strip(),)).fetchone()
        if row is None:
            raise NotFound(_("there is no heat {heat_no!r}").format(heat_no=heat_no))
        if row["void_reason"] is not None:  # kept, but out of every listing and change
            raise NotFound(_("heat {heat_no} was voided ({reason}); its history is kept").format(
                heat_no=row["heat_no"], reason=row["void_reason"]))
        return row

    def now(self) -> datetime:
        """The store's clock (the one its history is written with)."""
        return self._clock()

    # ------------------------------------------------- what the layers above provide

    def _refresh_status(self, heat_ids: Sequence[int], changed: set[int] | None = None
                        ) -> dict[int, HeatCheck]:
        """Recompute the chemistry verdict of these heats (`Heats`)."""
        raise NotImplementedError

    def _refresh_product(self, heat_ids: Sequence[int], changed: set[int] | None = None) -> None:
        """Recompute the product-analysis verdicts of these heats' ingots (`Samples`)."""
        raise NotImplementedError

    def ingots(self, heat_no: str) -> list[Ingot]:
        """A heat's ingots (`Ingots`)."""
        raise NotImplementedError
