"""The storage layer: the only place that speaks SQL.

One SQLite file through the standard `sqlite3` module. Every connection turns
foreign keys on and waits for a busy database; every write runs inside one
explicit ``BEGIN IMMEDIATE … COMMIT`` and writes its audit entries in the same
transaction. The rules (is this heat conforming? what is a rate?) live in
`qcdesk.standards` and `qcdesk.rates`; the store fetches, saves and aggregates.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import math
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from qcdesk import chain, health, journal, plausibility, product, records, seed, shifts, signoff
from qcdesk.errors import Conflict, DatabaseError, InputError, NotFound, QcError, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.migrations import (
    APPLICATION_ID,
    FAILING_INGOTS,
    LATEST,
    LIVE_INGOTS,
    MIGRATIONS,
    PRODUCT_COLUMNS,
    PRODUCT_SUMS,
    SURFACE_COLUMNS,
    SURFACE_SUMS,
)
from qcdesk.model import (
    DEFECT_CATEGORIES,
    ELEMENTS,
    EVERYTHING,
    SAMPLE_KIND_NAMES,
    AnalysisPoint,
    ChartKey,
    ChemStatus,
    ControlLimits,
    Converter,
    Defect,
    DefectIngot,
    Disposition,
    Heat,
    Ingot,
    IngotDefect,
    Limit,
    Location,
    Sample,
    SampleKind,
    Scope,
    Shift,
    Standard,
    ToleranceClass,
    ToleranceEdition,
    element_sort_key,
)
from qcdesk.names import LookAlikes, clean_code, clean_person, clean_text, readable
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    NOMINAL_HEAT_T,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    Range,
    check_range,
    check_tap_time,
    format_number,
    normalise_code,
    parse_optional,
)
from qcdesk.people import (
    LOCK_AFTER,
    LOCK_FOR,
    OWASP,
    PERMISSION_NAMES,
    ROLE_NAMES,
    Cost,
    Permission,
    Person,
    Role,
    after_failure,
    check_pin_rules,
    check_unknown,
    hash_pin,
    parse_role,
    pin_matches,
)
from qcdesk.rate_sql import DAILY_JUDGED_SQL as _DAILY_JUDGED_SQL
from qcdesk.rate_sql import GROUP_ORDER as _GROUP_ORDER
from qcdesk.rate_sql import GROUP_SQL as _GROUP_SQL
from qcdesk.rate_sql import HEAT_SUMS_SQL as _HEAT_SUMS_SQL
from qcdesk.rate_sql import RATE_SQL as _RATE_SQL
from qcdesk.rate_sql import SUMS_SQL as _SUMS_SQL
from qcdesk.rate_sql import sums_of as _sums_of
from qcdesk.rates import KEY_FIELDS, RateReport, RateRow, Rates, RateSums, check_group_keys
from qcdesk.standards import HeatCheck, in_force, satisfied_grades
from qcdesk.standards import check as check_chemistry

BUSY_TIMEOUT_S = 5.0
_SECONDS = "%Y-%m-%d %H:%M:%S"  # how judged_at is stored
_DEFECT_CODE = re.compile(r"[A-Z0-9_-]{1,16}")
_SQLITE_HEADER = b"SQLite format 3\x00"
Progress = Callable[[int, int], None]


def default_db_path() -> Path:
    """Where the database lives when neither --db nor QCDESK_DB says otherwise."""
    import platformdirs  # noqa: PLC0415 - only here, so commands given --db start without it

    return Path(platformdirs.user_data_dir("qcdesk", appauthor=False)) / "qcdesk.sqlite"


def resolve_db_path(option: str | None = None) -> Path:
    """--db PATH, else the QCDESK_DB variable, else the user data folder."""
    chosen = option or os.environ.get("QCDESK_DB")
    return Path(chosen).expanduser() if chosen else default_db_path()


def current_user(option: str | None = None) -> str:
    """--user NAME, else QCDESK_USER, else the login name."""
    for candidate in (option, os.environ.get("QCDESK_USER")):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class NewHeat:
    """A heat as entered, before it is saved."""

    heat_no: str
    converter: str
    tapped_at: datetime
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    notes: str = ""
    analysis: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class NewIngot:
    """An ingot as entered, before it is saved."""

    ingot_no: int
    weight_kg: float
    disposition: Disposition
    inspector: str
    defects: tuple[IngotDefect, ...] = ()
    judged_at: datetime | None = None  # for records judged earlier; else when saved
    regrade_to: str | None = None  # a re-graded ingot's grade: one its heat satisfies


@dataclass(frozen=True)
class SampleTarget:
    """A heat as an analyses file is checked against it (`Store.sample_targets`)."""

    heat_no: str
    tapped_at: datetime
    ingots: frozenset[int]           # its live ingots' numbers
    sample_nos: frozenset[str]       # the lab numbers of its live samples
    analysis: dict[str, float]       # its heat analysis of record
    signed: str | None               # the day of a signature in force covering it, if any


@dataclass(frozen=True)
class NewSample:
    """A result of the lab as entered, before it is saved (`Store.add_sample`)."""

    heat_no: str
    kind: SampleKind
    values: Mapping[str, float]
    sample_no: str | None = None  # the lab's number; a heat sample may have none
    ingot_no: int | None = None   # a product sample's ingot, and only its
    taken_at: datetime | None = None  # a heat sample: its tap when not given


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    action: str
    entity: str
    entity_key: str
    heat_no: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    prev_hash: str | None = None
    hash: str | None = None


@dataclass(frozen=True)
class Workshop:
    """The workshop's own name, as printed at the head of sheets and reports."""

    name_en: str
    name_zh: str = ""


@dataclass(frozen=True)
class Plan:
    """The plan of a month ('YYYY-MM') or a quarter ('YYYY-Qn'); either figure may be open."""

    period: str
    output_t: float | None
    ingot_rate: float | None  # target ingot qualified rate by weight, a fraction


@dataclass(frozen=True)
class DefectCount:
    """One defect of a Pareto: the ingots it was found on, and their weight."""

    code: str
    name_en: str
    name_zh: str
    ingots: int
    weight_kg: float



# An ingot as an export writes it: heat number, ingot number, weight in kg, disposition code,
# defects as "CODE@location;CODE", inspector (Store.ingot_export_rows).
ExportIngot = tuple[str, int, float, str, str, str, str]



class RecordDay(NamedTuple):
    """A production date as the records see it (Store.record_days): the heats each converter
    made (converters without a heat left out), and the qualified and judged ingots of its
    checked heats, by weight or count."""

    day: date
    heats: tuple[tuple[str, int], ...]  # (converter, heats), in the order of the converters' ids
    qualified: float
    judged: float

class ExportHeat(NamedTuple):
    """A heat as an export writes it (Store.heat_export_rows): tapped_at as stored."""

    heat_no: str
    converter: str
    tapped_at: str
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    notes: str
    analysis: dict[str, float]

_PLAN_PERIOD = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2]|Q[1-4])")
PLAN_OUTPUT_T = Range(0, 10_000_000, "t", low_open=True)
PLAN_RATE = Range(0, 1, "", low_open=True)
PLAN_RATE_PCT = Range(0, 100, "%", low_open=True)  # the same, as people write it


def parse_plan(output: str | None, rate: str | None) -> tuple[float | None, float | None]:
    """A plan's figures as a person types them: tonnes, and the target rate in per cent
    (returned as a fraction). A rate of 1 or less is refused: no workshop aims at 0.96 %,
    so it is a fraction typed where per cent was asked."""
    output_t = parse_optional(output, N_("planned output"), PLAN_OUTPUT_T)
    pct = parse_optional(rate, N_("target ingot qualified rate"), PLAN_RATE_PCT)
    if pct is not None and pct <= 1:
        raise InputError(_("target ingot qualified rate"), _(
            "{value} is read as {value} %: the rate is typed in per cent, 96.5 for 96.5 %").format(
            value=format_number(pct)))
    return output_t, None if pct is None else pct / 100


_UNSET: Any = object()
# Per table keyed by row id: the entries that add records (bound: the first entry's id, the JSON
# array of the records' keys, in order), each with the record's state, as _states renders it.
# (the table's fixed name and state expression only)
_ADDING = ("insert", None, None, None, None, None, None, None)  # an entry that only adds its record
_ADDED = {t.name: "INSERT INTO audit (id, action, tbl, rec, state) SELECT ? + e.key, 'insert', "  # noqa: S608
          f"'{t.name}', e.value, coalesce((SELECT state FROM ({t.select}) WHERE rec = e.value), "
          f"'{records.REMOVED}') FROM json_each(?) e"
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


# One statement per column a correction may change: names from these fixed tuples only.
_CONVERTER_UPDATES = {column: f"UPDATE converter SET {column} = ? WHERE id = ?"  # noqa: S608
                      for column in ("name", "nominal_t", "active")}
# A heat's field as corrected → its column.
_HEAT_COLUMNS = {"converter": "converter_id", "tapped_at": "tapped_at",
                 "production_date": "production_date", "shift": "shift_id", "grade": "grade",
                 "tap_weight_t": "tap_weight_t", "tap_temp_c": "tap_temp_c",
                 "inspector": "inspector", "notes": "notes"}
_DEFECT_UPDATES = {column: f"UPDATE defect SET {column} = ? WHERE code = ?"  # noqa: S608
                   for column in ("name_en", "name_zh", "category", "active")}
_HEAT_UPDATES = {column: f"UPDATE heat SET {column} = ? WHERE id = ?"  # noqa: S608
                 for column in _HEAT_COLUMNS.values()}
_T = TypeVar("_T")


def _text(value: object) -> str | None:
    """How a value is written into the audit log."""
    if value is None:
        return None
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _reason(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None


def _clean_name(value: str, field_name: str, max_len: int) -> str:
    """`value` trimmed, in NFKC form (full-width letters and digits as ASCII); refused when
    empty, too long, or holding a control character or one nobody can see (`field_name` is
    translated then). Codes and people's names have stricter rules: qcdesk.names."""
    return clean_text(value, field_name, max_len)


def _refused() -> str:
    """What every refused sign-in says, whatever was wrong: the name, the PIN, or a lock-out."""
    return _("the name or the PIN is wrong (after {n} wrong PINs in a row, every PIN is refused "
             "for {minutes} minutes)").format(n=LOCK_AFTER, minutes=int(LOCK_FOR.total_seconds() // 60))


def environment_error(exc: sqlite3.Error) -> QcError:
    """Say in plain words what went wrong with the database file itself."""
    text = str(exc).lower()
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


class Store:
    """A qcdesk database, opened for one user."""

    def __init__(self, conn: sqlite3.Connection, path: Path, user: str,
                 clock: Callable[[], datetime] = datetime.now) -> None:
        self.conn = conn
        self.path = path
        self.journal = journal.journal_path(path)  # where this database's chain heads are noted
        self.user = _clean_name(user, N_("user"), 80)
        self.person: Person | None = None  # who signed in, once the database has people
        self._clock = clock
        self._depth = 0
        # this write's audit entries, written with the records' states when it commits
        self._pending: list[tuple[object, ...]] = []
        self._changed: dict[tuple[str, object], int] = {}  # record → its last pending entry
        self._block: tuple[str, str] | None = None  # this write's (at, user), from its first entry
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, user: str | None = None,
             clock: Callable[[], datetime] = datetime.now, *, create: bool = True,
             person: Person | None = None, heads: Path | None = None) -> Store:
        """Open (migrating if needed) the database at `path`; create it only if `create`.

        `person`: someone this process has already signed in (`login`), for a second
        connection such as a worker thread's; their role is checked again on every write.
        `heads`: the journal of chain heads, if not where `qcdesk.journal` puts it.
        """
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
        store = cls(conn, path, person.name if person else current_user(user), clock)
        store.person = person
        if heads is not None:
            store.journal = heads
        store._identity = health.identity(path)  # to tell a file deleted or replaced meanwhile
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            _set_pragma(conn, "busy_timeout", int(BUSY_TIMEOUT_S * 1000))
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

    def reader(self) -> Store:
        """A second connection to the same database, for reading on another thread at the same
        time (the rollback journal lets readers share the file); close it after use."""
        return Store.open(self.path, self.user, self._clock, create=False, person=self.person,
                          heads=self.journal)

    def today(self) -> date:
        """The date on the store's clock (the one its audit entries are stamped with)."""
        return self._clock().date()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > LATEST:
            raise DatabaseError(_(
                "{path} was written by a newer qcdesk (schema {found}; this program knows up to "
                "{known}). It was left untouched: open it with a newer qcdesk."
            ).format(path=self.path, found=version, known=LATEST))
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self.conn.execute(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
        if version > 0:
            foreign = app_id != APPLICATION_ID
        else:  # new to us: it must be empty and unclaimed
            foreign = bool(has_tables) or app_id not in (0, APPLICATION_ID)
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
                for statement in _statements(script):
                    self.conn.execute(statement)
                if version == 1:
                    self._seed()
                for python_step in step:
                    python_step(self.conn)
                _set_pragma(self.conn, "application_id", APPLICATION_ID)
                _set_pragma(self.conn, "user_version", version)

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

    # ------------------------------------------------------------ transactions

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
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            gone = health.moved(self.path, self._identity) if isinstance(exc, sqlite3.Error) else None
            if gone is not None:  # SQLite says "readonly" of a file deleted or replaced
                raise gone from exc
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
        if sealed is not None:
            journal.confirm(self.journal, sealed)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read one state of the database throughout (a read transaction, taken at once):
        a write elsewhere waits, within its busy timeout, until it ends."""
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchall()
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
                              None if old is None else _text(old), None if new is None else _text(new),
                              None if reason is None else _reason(reason), tbl, rec))

    def _seal_block(self) -> str | None:
        """Write this write's entries, each record's state with its last one, and the block
        that seals every entry added since the last block; its head goes into the journal.
        Returns the new head (None when nothing was added, or before schema 9)."""
        if self.schema_version() < 9:
            if self._pending:
                raise sqlite3.ProgrammingError("audit entries before schema 9")
            return None
        prev_last, prev_head = self._chain_tip()
        db = self.conn
        if self._pending:
            self._write_entries(prev_last)
        last_id = db.execute("SELECT max(id) FROM audit").fetchone()[0]
        if last_id is None or last_id <= prev_last:
            return None
        at, user = self._block or (self._clock().astimezone().isoformat(timespec="seconds"), self.user)
        content = self.audit_content(prev_last, last_id)
        head = chain.block(prev_head, last_id, at, user, content)
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

    def _write_entries(self, prev_last: int) -> None:
        """Write this write's entries, each record's state with its last one. A run of entries
        that each only add a record of one table (an import's) goes in one INSERT … SELECT that
        renders their states, the others one by one with their states read first."""
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
            db.execute(_ADDED[tbl], (next_id + first, json.dumps(recs)))

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
            for chunk in _chunks(recs, 500):
                found = dict(self.conn.execute(
                    table.select + f" WHERE t.rowid IN ({','.join('?' * len(chunk))})", chunk).fetchall())
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

    def audit_content(self, after: int, last: int) -> bytes:
        """The canonical bytes of the entries after id `after` up to `last`, in id order
        (`qcdesk.chain`), as the database computes them."""
        # only chain.ENTRY_SQL, a fixed expression, goes into the statement
        text = self.conn.execute(
            f"SELECT group_concat(entry, '') FROM (SELECT {chain.ENTRY_SQL} AS entry "  # noqa: S608
            "FROM audit WHERE id > ? AND id <= ? ORDER BY id)", (after, last)).fetchone()[0]
        return (text or "").encode("utf-8")

    # ------------------------------------------------------------------ people

    def roles_enforced(self) -> bool:
        """Whether the database has people: then every write needs someone signed in."""
        return bool(self.conn.execute("SELECT EXISTS (SELECT 1 FROM person)").fetchone()[0])

    def people(self) -> list[Person]:
        return [_person(r) for r in self.conn.execute("SELECT * FROM person ORDER BY name")]

    def person_named(self, name: str) -> Person:
        row = self.conn.execute("SELECT * FROM person WHERE name = ?", (readable(name),)).fetchone()
        if row is None:
            raise NotFound(_("there is no person {name!r}").format(name=name))
        return _person(row)

    def add_person(self, name: str, role: Role | str, pin: str, *, cost: Cost = OWASP) -> Person:
        """Add someone who may sign in. The first person of a database must be an
        administrator (and needs no one signed in); later ones are added by an administrator.
        `cost` is for tests only: people's PINs are hashed at OWASP's cost."""
        name = clean_text(name, N_("name"), 80)
        role = parse_role(role)
        pin_hash = hash_pin(check_pin_rules(pin), cost)  # slow: outside the write lock
        with self.transaction() as db:
            if self.roles_enforced():
                self._require(Permission.PEOPLE)
            elif role is not Role.ADMIN:
                raise Conflict(_("the first person of a database must be an administrator"))
            if db.execute("SELECT 1 FROM person WHERE name = ?", (name,)).fetchone():
                raise Conflict(_("{name!r} already exists").format(name=name))
            clean_person(name, N_("name"), 80, self._people())
            cur = db.execute("INSERT INTO person (name, role, pin_hash) VALUES (?, ?, ?)",
                             (name, role.value, pin_hash))
            self._audit("insert", "person", name, new={"name": name, "role": role.value},
                        anyone=self.person is None, record=(records.PERSON, cur.lastrowid))
        return self.person_named(name)

    def deactivate_person(self, name: str, reason: str | None = None) -> Person:
        """Take someone's right to sign in away; their records and signatures stay theirs."""
        with self.transaction() as db:
            self._require(Permission.PEOPLE)
            current = self.person_named(name)
            if self.person is not None and current.id == self.person.id:
                raise Conflict(_("you cannot deactivate yourself"))
            if current.active:
                db.execute("UPDATE person SET active = 0 WHERE id = ?", (current.id,))
                self._audit("update", "person", current.name, field_name="active", old=True,
                            record=(records.PERSON, current.id),
                            new=False, reason=reason)
        return self.person_named(name)

    def set_pin(self, name: str, pin: str, *, cost: Cost = OWASP) -> None:
        """A new PIN for someone (an administrator's reset); it also lifts a lock-out."""
        pin_hash = hash_pin(check_pin_rules(pin), cost)
        with self.transaction() as db:
            self._require(Permission.PEOPLE)
            current = self.person_named(name)
            db.execute("UPDATE person SET pin_hash = ?, failed_logins = 0, locked_until = NULL "
                       "WHERE id = ?", (pin_hash, current.id))
            self._audit("update", "person", current.name, field_name="pin", old="***", new="***",
                        record=(records.PERSON, current.id))

    def login(self, name: str, pin: str) -> Person:
        """Sign `name` in with their PIN: the person, or QcError. Five wrong PINs in a row
        lock them out for 15 minutes (kept in the database, and audited).

        Every refusal says the same (`_refused`) after the same work, one scrypt check of the
        PIN, whoever the name is: an unknown name, a wrong PIN, and while the person is locked
        out, any PIN, right or wrong. An attempt during a lock-out is audited as such and
        neither signs in nor lengthens the lock, which ends 15 minutes after the fifth wrong
        PIN. Only a right PIN of a deactivated person is told why it cannot sign in."""
        wanted = readable(name)  # a name with a character nobody sees finds no one
        refused = _refused()
        row = self.conn.execute("SELECT * FROM person WHERE name = ?", (wanted,)).fetchone()
        if row is None:
            check_unknown(pin)  # as slow as a wrong PIN
            raise QcError(refused)
        # the slow hash outside the write lock: other workstations keep saving meanwhile
        checked = row["pin_hash"]
        matches = pin_matches(pin, checked)
        with self.transaction() as db:
            row = db.execute("SELECT * FROM person WHERE name = ?", (wanted,)).fetchone()
            person = _person(row)
            if row["pin_hash"] != checked:  # reset meanwhile: check the new one (rare)
                matches = pin_matches(pin, row["pin_hash"])
            now = self._clock().astimezone()
            if person.locked_until is not None and person.locked_until > now:
                # whatever the PIN: told as a wrong one, so the answer never says it was right
                self._sign_in_attempt(person, "attempt refused: locked out until "
                                      + person.locked_until.isoformat(timespec="seconds"))
                matches = False
            elif matches:
                self._proven_person_row(person.id)  # a PIN hash copied in lets nobody in
                if not person.active:
                    raise QcError(_("{name} is deactivated and cannot sign in").format(name=person.name))
                if person.failed_logins or person.locked_until:
                    db.execute("UPDATE person SET failed_logins = 0, locked_until = NULL "
                               "WHERE id = ?", (person.id,))
            elif person.active:  # a wrong PIN counts towards a lock-out of an open account
                failed, until = after_failure(person.failed_logins, now)
                db.execute("UPDATE person SET failed_logins = ?, locked_until = ? WHERE id = ?",
                           (failed, until.isoformat(timespec="seconds") if until else None, person.id))
                self._sign_in_attempt(person, "locked out until " + until.isoformat(timespec="seconds")
                                      if until else "wrong PIN")
        if not matches:
            raise QcError(refused)
        self.person = person
        self.user = person.name
        return person

    def _people(self) -> LookAlikes:
        """Everyone's name, to refuse a name or an inspector that looks like someone else."""
        return LookAlikes(r[0] for r in self.conn.execute("SELECT name FROM person"))

    def _sign_in_attempt(self, person: Person, what: str) -> None:
        """Audit a refused sign-in as the person it named (inside the caller's transaction)."""
        saved_user, self.user = self.user, person.name
        try:
            self._audit("update", "person", person.name, field_name="sign-in", new=what, anyone=True)
        finally:
            self.user = saved_user

    def _require(self, permission: Permission) -> Person | None:
        """Refuse (QcError) unless whoever is signed in may do this, once the database has
        people; read again from the database, so a deactivation takes effect at once."""
        if not self.roles_enforced():
            return None
        if self.person is None:
            raise QcError(_("this database has people and roles: sign in first"))
        row = self._proven_person_row(self.person.id)
        current = _person(row) if row else None
        if current is None or not current.active:
            raise QcError(_("{name} is deactivated").format(name=self.person.name))
        if not current.may(permission):
            raise QcError(_("as {role}, {name} may not {action}").format(
                role=_(ROLE_NAMES[current.role]), name=current.name,
                action=_(PERMISSION_NAMES[permission])))
        return current

    # -------------------------------------------------------------- signatures

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
        if not _reason(reason):
            raise ReasonRequired(_(ask).format(day=", ".join(sorted({s[2] for s in hit}))))
        now = self._clock().astimezone().isoformat(timespec="seconds")
        for sig_id, kind, day, _shift in hit:
            self.conn.execute("UPDATE signature SET superseded_at = ?, superseded_reason = ? "
                              "WHERE id = ?", (now, _reason(reason), sig_id))
            self._audit("update", "signature", f"{kind} {day} #{sig_id}", field_name="superseded",
                        new={"at": now, "role": corrector.role.value if corrector else None},
                        reason=reason, record=(records.SIGNATURE, sig_id))
        live.drop(hit)

    def signatures(self, day: date) -> list[signoff.Signature]:
        """Every signature of a production date (shifts and the day), oldest first."""
        rows = self.conn.execute(
            "SELECT g.*, s.code AS shift_code FROM signature g LEFT JOIN shift s ON s.id = g.shift_id "
            "WHERE g.production_date = ? ORDER BY g.id", (day.isoformat(),))
        return [_signature(r) for r in rows]

    def all_signatures(self) -> list[signoff.Signature]:
        rows = self.conn.execute("SELECT g.*, s.code AS shift_code FROM signature g "
                                 "LEFT JOIN shift s ON s.id = g.shift_id ORDER BY g.id")
        return [_signature(r) for r in rows]

    def day_signoff(self, day: date) -> signoff.Signoff:
        """Unsigned, signed (by whom, when) or superseded (to be signed again)."""
        return signoff.status_of([s for s in self.signatures(day) if s.kind is signoff.Kind.DAY])

    def shift_signoff(self, day: date, shift: str) -> signoff.Signoff:
        return signoff.status_of([s for s in self.signatures(day)
                                  if s.kind is signoff.Kind.SHIFT and s.shift == shift])

    def signed_records_hash(self, day: date, shift: str | None) -> str:
        """The hash of the records a signature of this day (or shift) covers, as they are now."""
        return signoff.records_hash(day, shift, self._covered(day, shift))

    def _covered(self, day: date, shift: str | None) -> list[dict[str, object]]:
        heats = self.conn.execute(
            "SELECT h.*, c.code AS converter_code, s.code AS shift_code FROM heat h "
            "JOIN converter c ON c.id = h.converter_id JOIN shift s ON s.id = h.shift_id "
            "WHERE h.production_date = ? AND (s.code = ? OR ? IS NULL) AND h.void_reason IS NULL",
            (day.isoformat(), shift, shift)).fetchall()
        out = []
        samples = self._samples_of([h["id"] for h in heats])
        for h in heats:
            analysis = {r[0]: r[1] for r in self.conn.execute(
                "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0",
                (h["id"],))}
            ingots = []
            for i in self.conn.execute("SELECT * FROM ingot WHERE heat_id = ? AND void_reason IS NULL",
                                       (h["id"],)).fetchall():
                defects = [[d[0], d[1]] for d in self.conn.execute(
                    "SELECT defect_code, location FROM ingot_defect WHERE ingot_id = ? AND voided = 0 "
                    "ORDER BY seq", (i["id"],))]
                ingots.append({"ingot_no": i["ingot_no"], "weight_kg": i["weight_kg"],
                               "disposition": i["disposition"], "inspector": i["inspector"],
                               "judged_at": i["judged_at"], "defects": defects,
                               # (since schema 10, where named: what was signed before stays as it was)
                               **({"regrade_to": i["regrade_to"]} if i["regrade_to"] else {})})
            # the lab's other samples (the heat sample's values are the analysis), where there are any
            others = [{"kind": m.kind.value, "sample": m.sample_no, "ingot_no": m.ingot_no,
                       "taken_at": _minutes(m.taken_at), "values": m.values}
                      for m in samples.get(h["id"], []) if m.kind is not SampleKind.HEAT]
            out.append({"heat_no": h["heat_no"], "converter": h["converter_code"],
                        "tapped_at": h["tapped_at"], "production_date": h["production_date"],
                        "shift": h["shift_code"], "grade": h["grade"],
                        "tap_weight_t": h["tap_weight_t"], "tap_temp_c": h["tap_temp_c"],
                        "inspector": h["inspector"], "notes": h["notes"], "analysis": analysis,
                        "ingots": ingots, **({"samples": others} if others else {})})
        return out

    def sign_shift(self, day: date, shift: str, pin: str) -> signoff.Signature:
        """Close a shift: the signed-in inspector (or head) signs its records, PIN again."""
        return self._sign(signoff.Kind.SHIFT, day, shift, pin)

    def sign_day(self, day: date, pin: str) -> signoff.Signature:
        """Approve a day: the signed-in workshop head signs its records, PIN again. Every
        shift of the day with heats must be closed first."""
        return self._sign(signoff.Kind.DAY, day, None, pin)

    def _sign(self, kind: signoff.Kind, day: date, shift: str | None, pin: str) -> signoff.Signature:
        if not self.roles_enforced() or self.person is None:
            raise QcError(_("signing needs people and roles: add an administrator, then sign in"))
        self.login(self.person.name, pin)  # the PIN again; a wrong one counts towards lock-out
        with self.transaction() as db:
            signer = self._require(Permission.CLOSE_SHIFT if kind is signoff.Kind.SHIFT
                                   else Permission.SIGN_DAY)
            assert signer is not None
            shift_id = None
            if shift is not None:
                known = {s.code: s.id for s in self.shifts()}
                if shift not in known:
                    raise NotFound(_("there is no shift {code!r}; the shifts are: {known}").format(
                        code=shift, known=", ".join(known)))
                shift_id = known[shift]
            standing = self.shift_signoff(day, shift) if shift else self.day_signoff(day)
            if standing.status is signoff.Status.SIGNED:
                raise Conflict(_("{what} is already signed").format(what=_describe(day, shift)))
            covered = self._covered(day, shift)
            if not covered:
                raise Conflict(_("{what} has no heats to sign").format(what=_describe(day, shift)))
            if kind is signoff.Kind.DAY:
                open_shifts = sorted({str(h["shift"]) for h in covered}
                                     - {s.shift for s in self.signatures(day)
                                        if s.kind is signoff.Kind.SHIFT and s.live and s.shift})
                if open_shifts:
                    raise Conflict(_("close the shifts of {day} first: {shifts}").format(
                        day=day, shifts=", ".join(open_shifts)))
            chain_head = self.chain_head()
            records_hash = signoff.records_hash(day, shift, covered)
            pin_hash = self._proven_person(signer.id)
            now = self._clock().astimezone().isoformat(timespec="seconds")
            cur = db.execute(
                "INSERT INTO signature (kind, production_date, shift_id, person_id, signer, role, "
                "meaning, signed_at, records_hash, chain_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind.value, day.isoformat(), shift_id, signer.id, signer.name, signer.role.value,
                 signoff.MEANINGS[kind], now, records_hash, chain_head))
            self._audit("insert", "signature", f"{kind.value} {day} #{cur.lastrowid}", new={
                "date": day.isoformat(), "shift": shift, "meaning": signoff.MEANINGS[kind],
                "records_hash": records_hash, "chain_head": chain_head, "signer": signer.name,
                "role": signer.role.value, "signed_at": now, "person": signer.id,
                "pin": signoff.pin_digest(pin_hash)}, record=(records.SIGNATURE, cur.lastrowid))
        return next(s for s in self.signatures(day) if s.id == cur.lastrowid)

    def _proven_person(self, person_id: int) -> str:
        """The person's PIN hash, once their record is found to be what the audit trail says it
        became (a PIN hash copied in or a role raised behind the program's back is refused)."""
        row = self._proven_person_row(person_id)
        if row is None:
            raise NotFound(_("there is no such person"))
        return str(row["pin_hash"])

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

    # ------------------------------------------------------------------ checks

    def integrity_check(self) -> list[str]:
        """PRAGMA integrity_check: ['ok'] for a sound file."""
        return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]

    def foreign_key_check(self) -> list[tuple[str, int, str]]:
        """Rows whose reference points nowhere: (table, rowid, referred table)."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute("PRAGMA foreign_key_check")]

    def chain_head(self) -> str:
        """The audit chain's head, what a report prints: the last block's hash (`qcdesk.chain`),
        else the last entry's of the log kept before schema 9, else 64 zeros."""
        return self._chain_tip()[1]

    def legacy_chain(self) -> Iterator[tuple[int, str, str | None, str | None]]:
        """Every entry of the log kept before schema 9 as (id, its content as SQLite's
        json_array writes it, prev_hash, hash), oldest first: the same text as
        `chain.content` for the text and whole numbers an entry holds (`legacy_entry` gives
        the fields, where they must be looked at one by one)."""
        columns = ", ".join(chain.CONTENT_FIELDS)
        yield from self.conn.execute(  # the columns are chain.CONTENT_FIELDS, fixed names
            f"SELECT id, json_array({columns}), prev_hash, hash FROM audit_v1 ORDER BY id")  # noqa: S608

    def legacy_entry(self, entry_id: int) -> tuple[object, ...]:
        """An entry of the log kept before schema 9: its content fields in chain order."""
        return tuple(self.conn.execute(_LEGACY_ENTRY_SQL, (entry_id,)).fetchone())

    def blocks(self) -> Iterator[tuple[int, str, str, str]]:
        """Every block of the chain as (last entry id, at, user, hash), oldest first."""
        for row in self.conn.execute("SELECT last_id, at, user, hash FROM audit_block ORDER BY last_id"):
            yield int(row[0]), str(row[1]), str(row[2]), bytes(row[3]).hex()

    def last_entry_id(self) -> int:
        """The id of the newest audit entry (0 for none)."""
        row = self.conn.execute("SELECT max(id) FROM audit").fetchone()
        return int(row[0]) if row[0] is not None else self._chain_tip()[0]

    def record_restore(self, backup_file: Path, backup_head: str, kept_aside: Path | None,
                       replaced_head: str | None, problem: str | None = None) -> None:
        """The audit entry of a restore, written into the restored database as whoever
        restored it (the administrator signed in to the database replaced, else the
        operating system's user): the backup, its chain head, where the replaced database
        was kept and its chain head, and what verify said of a backup restored by force."""
        with self.transaction():
            self._audit("insert", "restore", str(backup_file), new={
                "backup": str(backup_file), "backup_chain_head": backup_head,
                "kept_aside": None if kept_aside is None else str(kept_aside),
                "replaced_chain_head": replaced_head, "verify": problem or "ok"}, anyone=True)

    def entries_up_to(self, head: str) -> int | None:
        """How many audit entries the chain had when `head` was its head (0 for the
        empty chain); None if the chain never had that head."""
        if head == chain.GENESIS:
            return 0
        row = self.conn.execute("SELECT last_id FROM audit_block WHERE hash = ?",
                                (bytes.fromhex(head) if len(head) == 64 else b"",)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM audit_v1 WHERE hash = ?", (head,)).fetchone()
        return None if row is None else int(row[0])

    def triggers(self) -> dict[str, str]:
        """The database's triggers: name → SQL, whitespace folded."""
        return {r[0]: " ".join(r[1].split()) for r in self.conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}

    @staticmethod
    def expected_triggers() -> dict[str, str]:
        """The triggers the migrations create (name → SQL, whitespace folded), from the
        migrations replayed on an empty database in memory."""
        conn = sqlite3.connect(":memory:")
        try:
            for _version, script, *step in MIGRATIONS:
                for statement in _statements(script):
                    conn.execute(statement)
                for python_step in step:
                    python_step(conn)
            return {r[0]: " ".join(r[1].split()) for r in conn.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")}
        finally:
            conn.close()

    def first_heat_with_wrong_sums(self) -> str | None:
        """The number of the first live heat whose stored ingot sums (what the rates are
        computed from) differ from its live ingots, summed again; None if none does."""
        row = self.conn.execute(_WRONG_SUMS_SQL).fetchone()
        return None if row is None else str(row[0])

    def first_heat_with_wrong_verdict(self) -> tuple[str, str, str] | None:
        """The first live heat whose stored verdict (or edition) is not what its live analysis
        and the edition in force on its tap date give, judged again in SQL as
        `qcdesk.standards.check` judges: (heat number, stored, expected); None if none."""
        row = self.conn.execute(_WRONG_VERDICT_SQL).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))

    def first_ingot_with_wrong_product_verdict(self) -> tuple[str, int, bool] | None:
        """The first live ingot whose stored product-analysis verdict (failing or not) is not what
        its heat's product analyses give, judged again (`qcdesk.product`): (heat number, ingot
        number, stored failing); None if none. Only heats with product samples or marked ingots
        can differ."""
        heat_ids = [r[0] for r in self.conn.execute(
            "SELECT m.heat_id FROM sample m JOIN heat h ON h.id = m.heat_id AND h.void_reason IS NULL "
            "WHERE m.kind = 'product' UNION SELECT i.heat_id FROM ingot i JOIN heat h ON h.id = i.heat_id "
            "AND h.void_reason IS NULL WHERE i.pa_fails = 1 ORDER BY 1")]
        checks = self._product_checks(heat_ids)
        for heat_id, check in sorted(checks.items()):
            for heat_no, ingot_no, stored in self.conn.execute(
                    "SELECT h.heat_no, i.ingot_no, i.pa_fails FROM ingot i JOIN heat h ON h.id = i.heat_id "
                    "WHERE i.heat_id = ? AND i.void_reason IS NULL ORDER BY i.ingot_no", (heat_id,)):
                if bool(stored) != (ingot_no in check.failing_ingots):
                    return str(heat_no), int(ingot_no), bool(stored)
        return None

    # ------------------------------------------------- what verify reads

    def legacy_tip(self) -> tuple[int, str]:
        """Where the log kept before schema 9 ends: (its last id, its head)."""
        row = self.conn.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)

    def first_block_start(self) -> int:
        """The entry id after which the blocks begin."""
        return self.legacy_tip()[0]

    def has_head(self, last_id: int, head: str) -> bool:
        """Whether the chain had `head` after entry `last_id` (a block's, or the old log's)."""
        if (last_id, head) == (0, chain.GENESIS):
            return True
        try:
            digest = bytes.fromhex(head)
        except ValueError:
            return False
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM audit_block WHERE last_id = ? AND hash = ?) "
            "OR EXISTS (SELECT 1 FROM audit_v1 WHERE id = ? AND hash = ?)",
            (last_id, digest, last_id, head)).fetchone()[0])

    def audit_entries(self, after: int, last: int) -> Iterator[tuple[int, str]]:
        """(id, canonical text) of the entries after `after` up to `last`, in id order."""
        yield from self.conn.execute(_ENTRIES_SQL, (after, last))

    def records_against_trail(self, table: records.Table) -> tuple[int, object | None, int]:
        """One pass over a table and its newest entries: (records the trail says are there,
        the key of the first whose row differs from its newest entry's state or is missing,
        rows in the table)."""
        live, bad = self.conn.execute(table.against_trail).fetchone()
        rows = self.conn.execute(table.count).fetchone()[0]
        return int(live), bad, int(rows)

    def record_without_entry(self, table: records.Table) -> object:
        """The key of a row that no audit entry names."""
        row = self.conn.execute(table.without_entry).fetchone()
        return None if row is None else row[0]

    def record_and_trail(self, table: records.Table, rec: object) -> tuple[int | None, str | None,
                                                                          str | None]:
        """A record's newest entry (id, state) and the live row's state (None: no row)."""
        entry = self.conn.execute(table.newest_entry, (rec,)).fetchone()
        live = self.conn.execute(table.live_state, (rec,)).fetchone()
        return (entry[0] if entry else None, entry[1] if entry else None, live[0] if live else None)

    def record_label(self, table: records.Table, rec: object) -> str:
        """How a person names a record: a heat's number, an ingot as heat/number, a code."""
        _id, logged, live = self.record_and_trail(table, rec)
        if logged in (None, records.REMOVED):
            row = self.conn.execute(table.newest_state, (rec,)).fetchone()
            logged = row[0] if row else None
        state = json.loads(live or logged or "null")
        if not isinstance(state, list) or not state:
            return str(rec)
        if table.name == records.INGOT:
            heat = self.conn.execute("SELECT heat_no FROM heat WHERE id = ?", (state[0],)).fetchone()
            return _("{heat}/{n} (ingot row {rec})").format(heat=heat[0] if heat else state[0], n=state[1],
                                                            rec=rec)
        if table.name == records.SIGNATURE:
            return _("#{rec} ({kind} {day})").format(rec=rec, kind=state[0], day=state[1])
        if table.name == records.LIMITS:
            return str(rec)
        if table.name == records.STANDARD:
            return f"{state[0]} {state[1]}-{state[2]} @{state[3]}"
        if table.name == records.TOLERANCES:
            return f"{state[0]}-{state[1]} @{state[2]}"
        if table.name == records.SAMPLE:
            heat = self.conn.execute("SELECT heat_no FROM heat WHERE id = ?", (state[0],)).fetchone()
            kind = SAMPLE_KIND_NAMES.get(SampleKind(state[1])) if state[1] in set(SampleKind) else None
            return _("{heat}/{sample} ({kind}, sample row {rec})").format(
                heat=heat[0] if heat else state[0], sample=state[2] or "-",
                kind=_(kind[0]) if kind else state[1], rec=rec)
        return _("{name} (row {rec})").format(name=state[0], rec=rec)

    def signing_entry(self, sig_id: int) -> tuple[int, str, str | None, str | None] | None:
        """The audit entry of a signature's signing: (id, its author, its new value, the chain's
        head before it); None if there is none."""
        row = self.conn.execute(
            "SELECT a.id, b.user, a.new_value FROM audit a JOIN audit_block b ON b.last_id = "
            "(SELECT min(last_id) FROM audit_block WHERE last_id >= a.id) "
            "WHERE a.tbl = 'signature' AND a.rec = ? AND a.action = 'insert' ORDER BY a.id LIMIT 1",
            (sig_id,)).fetchone()
        if row is not None:
            before = self.conn.execute("SELECT hash FROM audit_block WHERE last_id < ? "
                                       "ORDER BY last_id DESC LIMIT 1", (row[0],)).fetchone()
            head = bytes(before[0]).hex() if before else self.legacy_tip()[1]
            return int(row[0]), str(row[1]), row[2], head
        row = self.conn.execute(
            "SELECT id, user, new_value, prev_hash FROM audit_v1 WHERE entity = 'signature' "
            "AND action = 'insert' AND entity_key LIKE ? ORDER BY id LIMIT 1", (f"% #{sig_id}",)).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), row[2], row[3])

    def superseding_entry(self, sig_id: int) -> tuple[str | None, str | None] | None:
        """(new value, reason) of the entry that superseded a signature; None if none did."""
        row = self.conn.execute(
            "SELECT new_value, reason FROM audit WHERE tbl = 'signature' AND rec = ? "
            "AND field = 'superseded' ORDER BY id LIMIT 1", (sig_id,)).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT new_value, reason FROM audit_v1 WHERE entity = 'signature' AND field = 'superseded' "
                "AND entity_key LIKE ? ORDER BY id LIMIT 1", (f"% #{sig_id}",)).fetchone()
        return None if row is None else (row[0], row[1])

    def person_at(self, sig_id: int, entry_id: int) -> tuple[str, str, str | None, bool] | None:
        """Who signed signature `sig_id`, as the audit trail has them just before entry
        `entry_id`: (name, role, PIN hash, active). For a signing before schema 9, from the
        old log's entries of that person (which do not keep the PIN hash: None)."""
        person = self.conn.execute("SELECT person_id, signer FROM signature WHERE id = ?",
                                   (sig_id,)).fetchone()
        if person is None:
            return None
        row = self.conn.execute("SELECT state FROM audit WHERE tbl = 'person' AND rec = ? AND id < ? "
                                "AND state IS NOT NULL ORDER BY id DESC LIMIT 1",
                                (person[0], entry_id)).fetchone()
        if row is not None and row[0] != records.REMOVED:
            name, role, pin_hash, active = json.loads(row[0])
            return str(name), str(role), str(pin_hash), bool(active)
        found: tuple[str, str, str | None, bool] | None = None
        for action, _key, field_name, new in self.conn.execute(
                "SELECT action, entity_key, field, new_value FROM audit_v1 WHERE entity = 'person' "
                "AND entity_key = ? AND id < ? ORDER BY id", (person[1], entry_id)):
            if action == "insert":
                record = json.loads(new)
                found = (str(record["name"]), str(record["role"]), None, True)
            elif found is not None and field_name == "active":
                found = (found[0], found[1], None, new in ("True", "1", "true"))
        return found

    def signed_and_changed_since(self) -> tuple[int, str] | None:
        """A signature in force whose records (its day's or shift's heats and their ingots)
        changed after its signing: (its id, the record); None if none. The seal of schema 9
        is no change."""
        live = [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT id, production_date, shift_id FROM signature WHERE superseded_at IS NULL")]
        if not live:
            return None
        lo = self.legacy_tip()[0]
        first = self.conn.execute("SELECT min(last_id) FROM audit_block").fetchone()[0] or lo
        changed: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)  # day → shift → newest
        for day, shift_id, entry_id, heat_no in self.conn.execute(
                _CHANGED_SINCE_SQL, {"lo": lo, "hi": first}):
            if entry_id is not None and entry_id > changed[day].get(shift_id, (0, ""))[0]:
                changed[day][shift_id] = (entry_id, heat_no)
        for sig_id, day, shift_id in live:
            signing = self.signing_entry(sig_id)
            if signing is None:
                continue
            shifts_of_day = changed.get(day, {})
            places = list(shifts_of_day.values()) if shift_id is None else (
                [shifts_of_day[shift_id]] if shift_id in shifts_of_day else [])
            latest = max(places, default=(0, ""))
            if latest[0] > signing[0]:
                return sig_id, _("heat {heat_no}").format(heat_no=latest[1])
        return None

    def signing_without_signature(self) -> tuple[int, str] | None:
        """An old log's entry of a signing whose signature is missing: (entry id, its key)."""
        for entry_id, key in self.conn.execute(
                "SELECT id, entity_key FROM audit_v1 WHERE entity = 'signature' AND action = 'insert' "
                "ORDER BY id"):
            sig_id = str(key).rpartition("#")[2]
            if not sig_id.isdigit() or not self.conn.execute(
                    "SELECT 1 FROM signature WHERE id = ?", (int(sig_id),)).fetchone():
                return int(entry_id), str(key)
        return None

    # --------------------------------------------------------- reference data

    def converters(self, *, active_only: bool = False) -> list[Converter]:
        rows = self.conn.execute(
            "SELECT id, code, name, nominal_t, active FROM converter "
            "WHERE active OR NOT ? ORDER BY length(code), code", (active_only,))
        return [Converter(r["id"], r["code"], r["name"], r["nominal_t"], bool(r["active"]))
                for r in rows]

    def converter(self, code: str) -> Converter:
        for conv in self.converters():
            if conv.code == normalise_code(code).strip():
                return conv
        raise NotFound(_("there is no converter {code!r}").format(code=code))

    def add_converter(self, code: str, name: str, nominal_t: float | None = None) -> Converter:
        code = _clean_name(code, N_("converter code"), 16)
        name = _clean_name(name, N_("converter name"), 80) if name.strip() else _("Converter {code}").format(
            code=code)
        if nominal_t is not None:
            check_range(nominal_t, N_("nominal heat size"), NOMINAL_HEAT_T)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM converter WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("converter {code!r} already exists").format(code=code))
            clean_code(code, N_("converter code"), 16, (c.code for c in self.converters()))
            cur = db.execute("INSERT INTO converter (code, name, nominal_t) VALUES (?, ?, ?)",
                             (code, name, nominal_t))
            self._audit("insert", "converter", code,
                        new={"code": code, "name": name, "nominal_t": nominal_t},
                        record=(records.CONVERTER, cur.lastrowid))
        return self.converter(code)

    def update_converter(self, code: str, *, name: str | None = None,
                         nominal_t: float | None = _UNSET, active: bool | None = None,
                         reason: str | None = None) -> Converter:
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = _clean_name(name, N_("converter name"), 80)
        if nominal_t is not _UNSET:
            if nominal_t is not None:
                check_range(nominal_t, N_("nominal heat size"), NOMINAL_HEAT_T)
            changes["nominal_t"] = nominal_t
        if active is not None:
            changes["active"] = active
        with self.transaction():
            self._require(Permission.SETUP)
            current = self.converter(code)
            self._update_fields("converter", current, changes, key=current.code,
                                statements=_CONVERTER_UPDATES, row_id=current.id,
                                record=(records.CONVERTER, current.id), reason=reason)
        return self.converter(code)

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

    def shifts(self) -> list[Shift]:
        rows = self.conn.execute(
            "SELECT id, code, name_en, name_zh, start_min, seq FROM shift ORDER BY seq")
        return [Shift(r["id"], r["code"], r["name_en"], r["name_zh"], r["start_min"], r["seq"])
                for r in rows]

    def set_shifts(self, schedule: Sequence[tuple[str, str, str, int]]) -> list[Shift]:
        """Replace the schedule by (code, English, 中文, start minute), in order.

        Shifts are matched by code, so heats keep the shift they were logged in;
        heats already saved keep their production date and shift, and the new
        schedule applies to heats saved from now on.
        """
        proposed = [Shift(0, _clean_name(c, N_("shift code"), 16), _clean_name(en, N_("English name"), 40),
                          _clean_name(zh, N_("Chinese name"), 40), start, i)
                    for i, (c, en, zh, start) in enumerate(schedule, start=1)]
        shifts.validate_schedule(proposed)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            old = {s.code: s for s in self.shifts()}
            # free the UNIQUE seq values 1..n; negating them would break CHECK (seq >= 1)
            top = db.execute("SELECT coalesce(max(seq), 0) FROM shift").fetchone()[0]
            db.execute("UPDATE shift SET seq = seq + ?", (top + len(proposed),))
            for s in proposed:
                if s.code in old:
                    db.execute("UPDATE shift SET name_en = ?, name_zh = ?, start_min = ?, seq = ? "
                               "WHERE code = ?", (s.name_en, s.name_zh, s.start_min, s.seq, s.code))
                else:
                    db.execute("INSERT INTO shift (code, name_en, name_zh, start_min, seq) "
                               "VALUES (?, ?, ?, ?, ?)",
                               (s.code, s.name_en, s.name_zh, s.start_min, s.seq))
            for code in set(old) - {s.code for s in proposed}:
                in_use = db.execute("SELECT 1 FROM heat WHERE shift_id = ? LIMIT 1",
                                    (old[code].id,)).fetchone()
                if in_use:
                    raise Conflict(_("shift {code!r} has heats and cannot be removed").format(
                        code=code))
                db.execute("DELETE FROM shift WHERE code = ?", (code,))
            self._audit("update", "shift_schedule", "schedule",
                        old=[(s.code, s.name_en, s.name_zh, s.start_min) for s in old.values()],
                        new=[(s.code, s.name_en, s.name_zh, s.start_min) for s in proposed])
            now = {r[0]: r[1] for r in db.execute("SELECT code, id FROM shift")}
            for code in sorted(set(old) | set(now)):  # the rows as the schedule leaves them
                self._audit("update" if code in old else "insert", "shift", code,
                            field_name="schedule",
                            record=(records.SHIFT, now[code] if code in now else old[code].id))
        return self.shifts()

    def grades(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT code FROM grade ORDER BY code")]

    def grade_description(self, code: str) -> str:
        """What the grade is, in words ('carbon structural steel'); NotFound for no such grade."""
        row = self.conn.execute("SELECT description FROM grade WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFound(_("there is no grade {grade!r}").format(grade=code))
        return str(row[0])

    def add_grade(self, code: str, description: str = "") -> None:
        code = _clean_name(code, N_("grade"), 32)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM grade WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("grade {code!r} already exists").format(code=code))
            clean_code(code, N_("grade"), 32, self.grades())
            cur = db.execute("INSERT INTO grade (code, description) VALUES (?, ?)",
                             (code, description.strip()))
            self._audit("insert", "grade", code, new={"code": code, "description": description},
                        record=(records.GRADE, cur.lastrowid))

    def standards(self, grade: str | None = None) -> list[Standard]:
        """Every edition (of one grade, or all), with limits, by grade then date."""
        limits: dict[int, list[Limit]] = defaultdict(list)
        for r in self.conn.execute(
                "SELECT l.standard_id, l.element, l.min_pct, l.max_pct FROM standard_limit l "
                "JOIN standard s ON s.id = l.standard_id WHERE s.grade = ? OR ? IS NULL",
                (grade, grade)):
            limits[r[0]].append(Limit(r[1], r[2], r[3]))
        rows = self.conn.execute(
            "SELECT id, grade, standard, edition, effective_from FROM standard "
            "WHERE grade = ? OR ? IS NULL ORDER BY grade, effective_from", (grade, grade))
        return [Standard(r["id"], r["grade"], r["standard"], r["edition"],
                         date.fromisoformat(r["effective_from"]),
                         tuple(sorted(limits[r["id"]], key=lambda lim: element_sort_key(lim.element))))
                for r in rows]

    def standard_in_force(self, grade: str, on: date) -> Standard | None:
        return in_force(self.standards(grade), on)

    def add_edition(self, grade: str, standard: str, edition: str, effective_from: date,
                    limits: Sequence[Limit], *, reason: str | None = None) -> Standard:
        """A new edition of a grade's standard, in force from `effective_from`.

        Earlier editions stay as they were; heats tapped from that date on are
        judged again by the new one. If that changes the verdict of a heat of a signed
        shift or day (a back-dated edition), it needs a reason and a role that may correct
        signed records, and those signatures are superseded: the day is signed again.
        """
        if grade not in self.grades():
            raise NotFound(_("there is no grade {grade!r}").format(grade=grade))
        _validate_limits(limits)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM standard WHERE grade = ? AND effective_from = ?",
                          (grade, effective_from.isoformat())).fetchone():
                raise Conflict(_("{grade} already has an edition in force from {day}").format(
                    grade=grade, day=effective_from))
            edition_id = self._insert_edition(grade, _clean_name(standard, N_("standard"), 40),
                                              _clean_name(edition, N_("edition"), 20),
                                              effective_from.isoformat(), limits)
            self._audit("insert", "standard", f"{grade}@{effective_from}", new={
                "standard": standard, "edition": edition, "limits": [
                    (lim.element, lim.min_pct, lim.max_pct) for lim in limits]}, reason=reason,
                record=(records.STANDARD, edition_id))
            before = {r[0]: (r[1], r[2], r[3], r[4]) for r in db.execute(
                "SELECT id, chem_status, production_date, shift_id, void_reason IS NULL FROM heat "
                "WHERE grade = ? AND tapped_at >= ?", (grade, effective_from.isoformat()))}
            verdicts = self._refresh_status(list(before))
            self._guard({(day, shift_id) for heat_id, (status, day, shift_id, live) in before.items()
                         if live and verdicts[heat_id].status.value != status}, reason,
                        ask=N_("the new edition changes the verdict of signed heats ({day}): "
                               "say why it applies to them"))
        found = [s for s in self.standards(grade) if s.effective_from == effective_from]
        return found[0]

    def _insert_edition(self, grade: str, standard: str, edition: str, effective_from: str,
                        limits: Iterable[Limit]) -> int:
        cur = self.conn.execute(
            "INSERT INTO standard (grade, standard, edition, effective_from) VALUES (?, ?, ?, ?)",
            (grade, standard, edition, effective_from))
        self.conn.executemany(
            "INSERT INTO standard_limit (standard_id, element, min_pct, max_pct) VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, lim.element, lim.min_pct, lim.max_pct) for lim in limits])
        return int(cur.lastrowid or 0)

    def defects(self, *, active_only: bool = False) -> list[Defect]:
        rows = self.conn.execute(
            "SELECT code, name_en, name_zh, category, active FROM defect "
            "WHERE active OR NOT ? ORDER BY code", (active_only,))
        return [Defect(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_defect(self, code: str, name_en: str, name_zh: str, category: str) -> None:
        code = _clean_name(code, N_("defect code"), 16).upper()
        clean_code(code, N_("defect code"), 16, (d.code for d in self.defects()))  # before the rule below
        if not _DEFECT_CODE.fullmatch(code):
            raise InputError(_("defect code"), _("use capital letters, digits, '-' or '_' only"))
        if category not in DEFECT_CATEGORIES:
            raise InputError(_("category"), _("must be one of {known}").format(
                known=", ".join(DEFECT_CATEGORIES)))
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM defect WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("defect {code!r} already exists").format(code=code))
            cur = db.execute("INSERT INTO defect (code, name_en, name_zh, category) VALUES (?, ?, ?, ?)",
                             (code, _clean_name(name_en, N_("English name"), 80),
                              _clean_name(name_zh, N_("Chinese name"), 80), category))
            self._audit("insert", "defect", code,
                        new={"name_en": name_en, "name_zh": name_zh, "category": category},
                        record=(records.DEFECT, cur.lastrowid))

    def update_defect(self, code: str, *, name_en: str | None = None, name_zh: str | None = None,
                      category: str | None = None, active: bool | None = None) -> Defect:
        """Rename, recategorise or retire a defect; a retired one is kept on judged ingots
        but offered for no new judgement."""
        wanted = normalise_code(code).strip().upper()
        changes: dict[str, object] = {}
        if name_en is not None:
            changes["name_en"] = _clean_name(name_en, N_("English name"), 80)
        if name_zh is not None:
            changes["name_zh"] = _clean_name(name_zh, N_("Chinese name"), 80)
        if category is not None:
            if category not in DEFECT_CATEGORIES:
                raise InputError(_("category"), _("must be one of {known}").format(
                    known=", ".join(DEFECT_CATEGORIES)))
            changes["category"] = category
        if active is not None:
            changes["active"] = active
        with self.transaction():
            self._require(Permission.SETUP)
            current = {d.code: d for d in self.defects()}.get(wanted)
            if current is None:
                raise NotFound(_("there is no defect {code!r}").format(code=code))
            row_id = self.conn.execute("SELECT rowid FROM defect WHERE code = ?", (current.code,)
                                       ).fetchone()[0]
            self._update_fields("defect", current, changes, key=current.code,
                                statements=_DEFECT_UPDATES, row_id=current.code,
                                record=(records.DEFECT, row_id))
        return {d.code: d for d in self.defects()}[wanted]

    def update_grade(self, code: str, description: str) -> None:
        """Change a grade's description (its code is what heats and editions refer to)."""
        if code not in self.grades():
            raise NotFound(_("there is no grade {grade!r}").format(grade=code))
        with self.transaction() as db:
            self._require(Permission.SETUP)
            row_id, old = db.execute("SELECT rowid, description FROM grade WHERE code = ?",
                                     (code,)).fetchone()
            if old != description.strip():
                db.execute("UPDATE grade SET description = ? WHERE code = ?", (description.strip(), code))
                self._audit("update", "grade", code, field_name="description", old=old,
                            new=description.strip(), record=(records.GRADE, row_id))

    # -------------------------------------------------------------------- heats

    def _heat_row(self, heat_no: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM heat WHERE heat_no = ?",
                                (normalise_code(heat_no).strip(),)).fetchone()
        if row is None:
            raise NotFound(_("there is no heat {heat_no!r}").format(heat_no=heat_no))
        if row["void_reason"] is not None:  # kept, but out of every listing and change
            raise NotFound(_("heat {heat_no} was voided ({reason}); its history is kept").format(
                heat_no=row["heat_no"], reason=row["void_reason"]))
        return row

    def heat(self, heat_no: str) -> Heat:
        row = self._heat_row(heat_no)
        return self._heats_from_rows([row])[0]

    def heats(self, date_from: date, date_to: date, *, converter: str | None = None,
              grade: str | None = None, shift: str | None = None,
              status: ChemStatus | None = None) -> list[Heat]:
        """Heats of production dates from..to (inclusive), in tap order, filtered."""
        rows = self.conn.execute(
            "SELECT h.* FROM heat h JOIN converter c ON c.id = h.converter_id "
            "JOIN shift s ON s.id = h.shift_id "
            "WHERE h.production_date BETWEEN ? AND ? AND (c.code = ? OR ? IS NULL) "
            "AND (h.grade = ? OR ? IS NULL) AND (s.code = ? OR ? IS NULL) "
            "AND (h.chem_status = ? OR ? IS NULL) AND h.void_reason IS NULL "
            "ORDER BY h.tapped_at, h.heat_no",
            (date_from.isoformat(), date_to.isoformat(), converter, converter, grade, grade,
             shift, shift, status, status)).fetchall()
        return self._heats_from_rows(rows)

    def _heats_from_rows(self, rows: Sequence[sqlite3.Row]) -> list[Heat]:
        conv = {c.id: c.code for c in self.converters()}
        shift_codes = {s.id: s.code for s in self.shifts()}
        analyses: dict[int, dict[str, float]] = defaultdict(dict)
        ids = [r["id"] for r in rows]
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            # only '?' placeholders are put into the statement
            for a in self.conn.execute(
                    "SELECT heat_id, element, value_pct FROM heat_analysis "  # noqa: S608
                    f"WHERE voided = 0 AND heat_id IN ({marks})",
                    chunk):
                analyses[a[0]][a[1]] = a[2]
        return [Heat(
            id=r["id"], heat_no=r["heat_no"], converter=conv[r["converter_id"]],
            tapped_at=datetime.fromisoformat(r["tapped_at"]),
            production_date=date.fromisoformat(r["production_date"]),
            shift=shift_codes[r["shift_id"]], grade=r["grade"], tap_weight_t=r["tap_weight_t"],
            tap_temp_c=r["tap_temp_c"], inspector=r["inspector"], notes=r["notes"],
            chem_status=ChemStatus(r["chem_status"]), analysis=analyses[r["id"]],
            ingots=r["n_ingots"], ingots_judged=r["n_judged"],
        ) for r in rows]

    def last_heat_no(self, converter: str) -> str | None:
        """The heat number most recently tapped on a converter (to suggest the next)."""
        row = self.conn.execute(
            "SELECT h.heat_no FROM heat h JOIN converter c ON c.id = h.converter_id "
            "WHERE c.code = ? ORDER BY h.tapped_at DESC, h.id DESC LIMIT 1", (converter,)).fetchone()
        return row[0] if row else None

    def add_heat(self, new: NewHeat, reason: str | None = None) -> Heat:
        """Save a new heat (and any analysis given with it); into a signed shift only
        with a reason, by a role that may correct signed records."""
        with self.transaction():
            self._insert_heats([new], reason=reason)
        return self.heat(new.heat_no)

    def import_heats(self, heats: Sequence[NewHeat], progress: Progress | None = None) -> int:
        """Save many heats in one transaction: all of them, or none."""
        with self.transaction():
            self._insert_heats(heats, progress, imported=True)
        return len(heats)

    def _insert_heats(self, heats: Sequence[NewHeat], progress: Progress | None = None,
                      reason: str | None = None, *, imported: bool = False) -> None:
        """Check each heat in turn (the first problem refuses them all), then write them all at
        once: the heats, their analyses and their audit entries."""
        self._require(Permission.RECORD)
        live = self._live_signatures()
        converters = {c.code: c for c in self.converters()}
        schedule = self.shifts()
        grades = set(self.grades())
        editions = self._editions_by_grade()
        people = self._people()
        now = self._clock()
        db = self.conn
        cleaned, taken = self._heat_nos_taken(heats)
        next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM heat").fetchone()[0])
        rows: list[tuple[object, ...]] = []
        analyses: list[tuple[int, str, float]] = []
        # what a file repeats, worked out once: codes and names as typed → as read, the
        # edition in force by grade and day, the places (production date, shift) guarded
        codes: dict[str, str] = {}
        inspectors: dict[str, str] = {}
        in_force_on: dict[tuple[str, date], Standard | None] = {}
        guarded: set[tuple[str, int]] = set()
        for done, new in enumerate(heats, start=1):
            heat_no = cleaned.get(new.heat_no) or clean_code(new.heat_no, N_("heat number"), 32)
            code = codes.get(new.converter) or codes.setdefault(new.converter,
                                                                normalise_code(new.converter).strip())
            conv = converters.get(code)
            if conv is None:
                raise NotFound(_("there is no converter {code!r}").format(code=new.converter))
            if not conv.active:
                raise InputError(_("converter"), _("converter {code} is out of service").format(
                    code=conv.code))
            grade = codes.get(new.grade) or codes.setdefault(new.grade, normalise_code(new.grade).strip())
            if grade not in grades:
                raise NotFound(_("there is no grade {grade!r}").format(grade=new.grade))
            check_range(new.tap_weight_t, N_("tapped weight"), TAP_WEIGHT_T)
            if new.tap_temp_c is not None:
                check_range(new.tap_temp_c, N_("tap temperature"), TAP_TEMP_C)
            inspector = inspectors.get(new.inspector) or inspectors.setdefault(
                new.inspector, clean_person(new.inspector, N_("inspector"), 80, people))
            analysis = _validate_analysis(new.analysis)
            tapped = check_tap_time(new.tapped_at.replace(second=0, microsecond=0), now,
                                    N_("tap time"))
            prod_date, shift = shifts.assign(tapped, schedule)
            place = (prod_date.isoformat(), shift.id)
            if place not in guarded:  # once a place passed, its signatures are gone or none
                self._guard([place], reason, live, imported=imported)
                guarded.add(place)
            day_grade = (grade, tapped.date())
            if day_grade not in in_force_on:
                in_force_on[day_grade] = in_force(editions.get(grade, ()), tapped.date())
            edition = in_force_on[day_grade]
            verdict = check_chemistry(edition, analysis)
            if heat_no in taken:  # as the heat number's UNIQUE would refuse it
                raise Conflict(_("heat {heat_no} already exists").format(heat_no=heat_no))
            taken.add(heat_no)
            heat_id = next_id + len(rows)
            rows.append((heat_id, heat_no, conv.id, _minutes(tapped), place[0], shift.id, grade,
                         new.tap_weight_t, new.tap_temp_c, inspector, new.notes.strip(),
                         edition.id if edition else None, verdict.status.value))
            analyses.extend((heat_id, el, v) for el, v in analysis.items())
            self._audit("insert", "heat", heat_no, record=(records.HEAT, heat_id))
            if progress:
                progress(done, len(heats))
        db.executemany(
            "INSERT INTO heat (id, heat_no, converter_id, tapped_at, production_date, shift_id, "
            "grade, tap_weight_t, tap_temp_c, inspector, notes, standard_id, chem_status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO heat_analysis (heat_id, element, value_pct) VALUES (?, ?, ?)", analyses)

    def _heat_nos_taken(self, heats: Sequence[NewHeat]) -> tuple[dict[str, str], set[str]]:
        """These heats' numbers as they are saved (each number as given → as saved), and which
        of those the database already holds."""
        cleaned: dict[str, str] = {}
        for new in heats:
            with contextlib.suppress(InputError):  # refused in its turn
                cleaned[new.heat_no] = clean_code(new.heat_no, N_("heat number"), 32)
        return cleaned, self.existing_heat_nos(set(cleaned.values()))

    def update_heat(self, heat_no: str, *, converter: str | None = None,
                    tapped_at: datetime | None = None, grade: str | None = None,
                    tap_weight_t: float | None = None, tap_temp_c: float | None = _UNSET,
                    inspector: str | None = None, notes: str | None = None,
                    reason: str | None = None) -> Heat:
        """Correct a heat's record; production date, shift and verdict follow.

        Once the heat has an analysis or judged ingots, a correction of anything
        but its notes or inspector needs a reason.
        """
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self.heat(heat_no)
            changes: dict[str, object] = {}
            if converter is not None:
                conv = self.converter(converter)
                if not conv.active and conv.code != current.converter:
                    raise InputError(_("converter"), _("converter {code} is out of service").format(
                        code=conv.code))
                changes["converter"] = conv.code
            if tapped_at is not None:
                tapped = check_tap_time(tapped_at.replace(second=0, microsecond=0), self._clock(),
                                        N_("tap time"))
                prod_date, shift = shifts.assign(tapped, self.shifts())
                changes.update(tapped_at=tapped, production_date=prod_date, shift=shift.code)
            if grade is not None:
                if grade.strip() not in self.grades():
                    raise NotFound(_("there is no grade {grade!r}").format(grade=grade))
                changes["grade"] = grade.strip()
            if tap_weight_t is not None:
                changes["tap_weight_t"] = check_range(tap_weight_t, N_("tapped weight"), TAP_WEIGHT_T)
            if tap_temp_c is not _UNSET:
                changes["tap_temp_c"] = (None if tap_temp_c is None else
                                         check_range(tap_temp_c, N_("tap temperature"), TAP_TEMP_C))
            if inspector is not None:
                changes["inspector"] = clean_person(inspector, N_("inspector"), 80, self._people())
            if notes is not None:
                changes["notes"] = notes.strip()
            changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
            judged = current.analysis or current.ingots_judged
            if judged and set(changes) - {"notes", "inspector"} and not _reason(reason):
                raise ReasonRequired(_(
                    "heat {heat_no} has analysis or judged ingots: say why its record is corrected"
                ).format(heat_no=current.heat_no))
            ids = {"converter": {c.code: c.id for c in self.converters()},
                   "shift": {s.code: s.id for s in self.shifts()}}
            if changes:
                self._guard({(current.production_date.isoformat(), ids["shift"][current.shift]),
                             (str(_audit_value(changes.get("production_date", current.production_date))),
                              ids["shift"][str(changes.get("shift", current.shift))])}, reason)
            for field_name, value in changes.items():
                column, stored = _HEAT_COLUMNS[field_name], value
                if field_name in ids:
                    stored = ids[field_name][str(value)]
                elif isinstance(value, datetime):
                    stored = _minutes(value)
                elif isinstance(value, date):
                    stored = value.isoformat()
                db.execute(_HEAT_UPDATES[column], (stored, current.id))
                self._audit("update", "heat", current.heat_no, heat_no=current.heat_no,
                            field_name=field_name, old=_audit_value(getattr(current, field_name)),
                            new=_audit_value(value), reason=reason, record=(records.HEAT, current.id))
            self._refresh_status([current.id])
        return self.heat(current.heat_no)

    def void_heat(self, heat_no: str, reason: str) -> None:
        """Void a heat entered by mistake, with its analysis and ingots: it leaves every
        listing and rate, and stays in the database and its history. Needs a reason."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            heat = self.heat(heat_no)
            if not _reason(reason):
                raise ReasonRequired(_("say why heat {heat_no} is voided").format(heat_no=heat.heat_no))
            self._guard([(heat.production_date.isoformat(), self._heat_row(heat_no)["shift_id"])],
                        reason)
            record = {**_heat_record(heat),
                      "ingots": {str(i.ingot_no): _ingot_record(i) for i in self.ingots(heat.heat_no)}}
            db.execute("UPDATE heat SET void_reason = ? WHERE id = ?", (_reason(reason), heat.id))
            self._audit("update", "heat", heat.heat_no, heat_no=heat.heat_no, field_name="voided",
                        old=record, new=True, reason=reason, record=(records.HEAT, heat.id))

    # ---------------------------------------------------------------- analysis

    def set_analysis(self, heat_no: str, values: Mapping[str, float | None],
                     reason: str | None = None) -> HeatCheck:
        """Enter or correct analysis values (None removes one); a change needs a reason.
        They are the values of the heat's `heat` sample (see `samples`)."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            row = self._heat_row(heat_no)
            current = {r[0]: r[1] for r in db.execute(
                "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0",
                (row["id"],))}
            wanted = _validate_analysis({k: v for k, v in values.items() if v is not None})
            removed = [el for el, v in values.items() if v is None and el in current]
            changed = [el for el, v in wanted.items() if el in current and current[el] != v]
            if (changed or removed) and not _reason(reason):
                raise ReasonRequired(_(
                    "{elements} of heat {heat_no} already entered: say why the value is changed"
                ).format(elements=", ".join(changed + removed), heat_no=row["heat_no"]))
            if removed or any(current.get(el) != v for el, v in wanted.items()):
                self._guard([(row["production_date"], row["shift_id"])], reason)
            for el, value in wanted.items():
                old = current.get(el)
                if old == value:
                    continue
                if old is None:  # a first value, or one entered again: withdrawn rows stay
                    db.execute("INSERT INTO heat_analysis (heat_id, element, value_pct, seq) "
                               "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1 FROM heat_analysis "
                               "WHERE heat_id = ? AND element = ?", (row["id"], el, value, row["id"], el))
                else:
                    db.execute("UPDATE heat_analysis SET value_pct = ? WHERE heat_id = ? AND element = ? "
                               "AND voided = 0", (value, row["id"], el))
                self._audit("insert" if old is None else "update", "analysis",
                            f"{row['heat_no']}/{el}", heat_no=row["heat_no"], field_name=el,
                            old=old, new=value, reason=reason, record=(records.HEAT, row["id"]))
            for el in removed:
                db.execute("UPDATE heat_analysis SET voided = 1 WHERE heat_id = ? AND element = ? "
                           "AND voided = 0", (row["id"], el))
                self._audit("delete", "analysis", f"{row['heat_no']}/{el}", heat_no=row["heat_no"],
                            field_name=el, old=current[el], reason=reason, record=(records.HEAT, row["id"]))
            return self._refresh_status([row["id"]])[row["id"]]

    def check_heat(self, heat_no: str) -> HeatCheck:
        """The heat's verdict against the edition in force on its tap date."""
        heat = self.heat(heat_no)
        edition = self.standard_in_force(heat.grade, heat.tapped_at.date())
        return check_chemistry(edition, heat.analysis)

    def _editions_by_grade(self) -> dict[str, list[Standard]]:
        by_grade: dict[str, list[Standard]] = defaultdict(list)
        for s in self.standards():
            by_grade[s.grade].append(s)
        return by_grade

    def _refresh_status(self, heat_ids: Sequence[int], changed: set[int] | None = None
                        ) -> dict[int, HeatCheck]:
        """Judge each heat again and store its verdict (after its analysis, grade or standard
        changed), and its product analyses (`changed` collects the heats where what they fail
        changed); the verdicts by heat id."""
        editions = self._editions_by_grade()
        updates = []
        verdicts = {}
        for chunk in _chunks(list(heat_ids), 500):
            for heat in self._heats_from_rows(self.conn.execute(
                    f"SELECT * FROM heat WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk).fetchall()):
                edition = in_force(editions.get(heat.grade, ()), heat.tapped_at.date())
                verdict = check_chemistry(edition, heat.analysis)
                updates.append((edition.id if edition else None, verdict.status.value, heat.id))
                verdicts[heat.id] = verdict
        self.conn.executemany("UPDATE heat SET standard_id = ?, chem_status = ? WHERE id = ?",
                              updates)
        self._refresh_product(heat_ids, changed)
        return verdicts

    # ---- samples from the lab, and the product analysis (issue 16; docs/samples.md)

    def samples(self, heat_no: str) -> list[Sample]:
        """A heat's samples, in the order they were taken (a heat sample first of its minute,
        then the preliminary, then the product ones by ingot). The heat sample's values are the
        heat's analysis: the lab's record of it where one was entered (`add_sample`, an analyses
        file), else, for an analysis typed in (the desktop, a heats file, a database from before
        samples), the heat sample taken at the tap, entered by the heat's inspector, with no
        number and no id of its own (id None). Samples voided, or of ingots voided, are left out."""
        row = self._heat_row(heat_no)
        return self._samples_of([row["id"]]).get(row["id"], [])

    def _samples_of(self, heat_ids: Sequence[int]) -> dict[int, list[Sample]]:
        """The live samples of these heats, by heat id (see `samples`): the rows of `sample`, and
        for a heat whose analysis has no row of the lab's, its heat sample as typed in."""
        out: dict[int, list[Sample]] = defaultdict(list)
        for chunk in _chunks(list(heat_ids), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(  # only '?' placeholders go into the statement
                "SELECT m.id AS id, m.heat_id, h.heat_no, m.kind, m.sample_no AS sample_no, "  # noqa: S608
                "i.ingot_no AS ingot_no, m.taken_at AS taken_at, m.entered_by, CASE m.kind WHEN 'heat' THEN "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis WHERE heat_id = m.heat_id "
                "AND voided = 0) ELSE (SELECT json_group_object(element, value_pct) FROM sample_value "
                "WHERE sample_id = m.id) END, CASE m.kind WHEN 'heat' THEN 0 WHEN 'preliminary' THEN 1 "
                "ELSE 2 END AS kind_order FROM sample m JOIN heat h ON h.id = m.heat_id "
                f"LEFT JOIN ingot i ON i.id = m.ingot_id WHERE m.heat_id IN ({marks}) "
                "AND m.void_reason IS NULL AND i.void_reason IS NULL "
                "UNION ALL SELECT NULL, h.id, h.heat_no, 'heat', NULL, NULL, h.tapped_at, h.inspector, "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis WHERE heat_id = h.id "
                f"AND voided = 0), 0 FROM heat h WHERE h.id IN ({marks}) AND EXISTS (SELECT 1 FROM "
                "heat_analysis WHERE heat_id = h.id AND voided = 0) AND NOT EXISTS (SELECT 1 FROM sample "
                "WHERE heat_id = h.id AND kind = 'heat' AND void_reason IS NULL) "
                "ORDER BY taken_at, kind_order, ingot_no, sample_no, id", [*chunk, *chunk]).fetchall()
            for r in rows:
                values = {el: float(v) for el, v in json.loads(r[8] or "{}").items()}
                out[r[1]].append(Sample(r[0], r[2], SampleKind(r[3]), r[4], r[5],
                                        datetime.fromisoformat(r[6]), r[7],
                                        dict(sorted(values.items(), key=lambda kv: element_sort_key(kv[0])))))
        return out

    def add_sample(self, heat_no: str, kind: SampleKind | str, values: Mapping[str, float], *,
                   sample_no: str | None = None, ingot_no: int | None = None,
                   taken_at: datetime | None = None, reason: str | None = None) -> Sample:
        """Save a result of the lab. A preliminary or product sample is added (a product sample
        names an ingot of the heat); a heat sample becomes the heat analysis of record, and one
        for a heat that has a heat analysis replaces it only with a reason (a correction, audited).
        Into a signed shift or day only with a reason, by a role that may correct signed records."""
        new = NewSample(heat_no, _sample_kind(kind), values, sample_no, ingot_no, taken_at)
        with self.transaction():
            sample_id = self._insert_samples([new], reason)[0]
        return next(s for s in self.samples(heat_no) if s.id == sample_id)

    def import_samples(self, samples: Sequence[NewSample], *, reason: str | None = None,
                       progress: Progress | None = None) -> int:
        """Save many results of the lab in one transaction: all, or none. With a reason, heat
        samples replace heat analyses already there, and samples go into signed shifts (by a role
        that may correct them); without one, both are refused."""
        with self.transaction():
            self._insert_samples(samples, reason, progress, imported=reason is None)
        return len(samples)

    def void_sample(self, heat_no: str, sample_id: int, reason: str) -> None:
        """Void a preliminary or product sample entered by mistake (kept, with the reason); a heat
        sample is corrected (`add_sample` again, or `set_analysis`), not voided."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            row = self._heat_row(heat_no)
            found = next((s for s in self._samples_of([row["id"]]).get(row["id"], []) if s.id == sample_id),
                         None)
            if found is None:
                raise NotFound(_("heat {heat_no} has no sample #{id}").format(heat_no=row["heat_no"],
                                                                             id=sample_id))
            if found.kind is SampleKind.HEAT:
                raise Conflict(_("the heat analysis of record is corrected, not voided: enter the "
                                 "right values with a reason"))
            if not _reason(reason):
                raise ReasonRequired(_("say why sample {sample} of heat {heat_no} is voided").format(
                    sample=found.sample_no, heat_no=row["heat_no"]))
            self._guard([(row["production_date"], row["shift_id"])], reason)
            db.execute("UPDATE sample SET void_reason = ? WHERE id = ?", (_reason(reason), sample_id))
            self._audit("update", "sample", f"{row['heat_no']}/{found.sample_no}", heat_no=row["heat_no"],
                        field_name="voided", old=_sample_record(found), new=True, reason=reason,
                        record=(records.SAMPLE, sample_id))
            self._refresh_product([row["id"]])

    def _insert_samples(self, news: Sequence[NewSample], reason: str | None,
                        progress: Progress | None = None, *, imported: bool = False) -> list[int]:
        """Save samples inside the caller's transaction; their ids, in order."""
        self._require(Permission.RECORD)
        live = self._live_signatures()
        now = self._clock()
        ids: list[int] = []
        judged: dict[int, None] = {}  # the heats to judge again, in order
        for done, new in enumerate(news, start=1):
            row = self._heat_row(new.heat_no)
            kind = _sample_kind(new.kind)
            values = _validate_analysis(new.values)
            if not values:
                raise InputError(_("values"), _("a sample needs the value of at least one element"))
            number = (None if new.sample_no is None or not new.sample_no.strip()
                      else _clean_name(new.sample_no, N_("sample"), 32))
            if number is None and kind is not SampleKind.HEAT:
                raise InputError(_("sample"), _("a {kind} needs the lab's sample number").format(
                    kind=_(SAMPLE_KIND_NAMES[kind][0])))
            tapped = datetime.fromisoformat(row["tapped_at"])
            taken = _check_taken_at(kind, new.taken_at or tapped, tapped, now)
            ingot_id = self._sample_ingot(row, kind, new.ingot_no)
            self._guard([(row["production_date"], row["shift_id"])], reason, live, imported=imported)
            if kind is SampleKind.HEAT:
                ids.append(self._put_heat_sample(row, number, _minutes(taken), values, reason))
            else:
                if number is not None and self.conn.execute(
                        "SELECT 1 FROM sample WHERE heat_id = ? AND sample_no = ? AND void_reason IS NULL",
                        (row["id"], number)).fetchone():
                    raise Conflict(_("heat {heat_no} already has sample {sample}").format(
                        heat_no=row["heat_no"], sample=number))
                cur = self.conn.execute(
                    "INSERT INTO sample (heat_id, kind, sample_no, ingot_id, taken_at, entered_by) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (row["id"], kind.value, number, ingot_id, _minutes(taken),
                                                  self.user))
                self.conn.executemany(
                    "INSERT INTO sample_value (sample_id, element, value_pct) VALUES (?, ?, ?)",
                    [(cur.lastrowid, el, v) for el, v in values.items()])
                self._audit("insert", "sample", f"{row['heat_no']}/{number}", heat_no=row["heat_no"], new={
                    "kind": kind.value, "sample": number, "ingot_no": new.ingot_no,
                    "taken_at": _minutes(taken), "values": values}, reason=reason,
                    record=(records.SAMPLE, cur.lastrowid))
                ids.append(int(cur.lastrowid or 0))
            judged[row["id"]] = None
            if progress:
                progress(done, len(news))
        self._refresh_status(list(judged))
        return ids

    def _sample_ingot(self, row: sqlite3.Row, kind: SampleKind, ingot_no: int | None) -> int | None:
        """The id of a product sample's ingot (a live one of the heat); None for other kinds."""
        if kind is not SampleKind.PRODUCT:
            if ingot_no is not None:
                raise InputError(_("ingot_no"), _("only a product sample names an ingot"))
            return None
        if ingot_no is None:
            raise InputError(_("ingot_no"), _("a product sample names the ingot it was drilled from"))
        found = self.conn.execute("SELECT id FROM ingot WHERE heat_id = ? AND ingot_no = ? "
                                  "AND void_reason IS NULL", (row["id"], ingot_no)).fetchone()
        if found is None:
            raise NotFound(_("heat {heat_no} has no ingot {n}").format(heat_no=row["heat_no"], n=ingot_no))
        return int(found[0])

    def _heat_sample_row(self, heat_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sample WHERE heat_id = ? AND kind = 'heat' "
                                 "AND void_reason IS NULL", (heat_id,)).fetchone()

    def _new_heat_sample(self, heat_id: int, heat_no: str, taken_at: str, sample_no: str | None,
                         reason: str | None) -> int:
        """The record of the lab's heat sample (its values are the heat's analysis)."""
        cur = self.conn.execute(
            "INSERT INTO sample (heat_id, kind, sample_no, taken_at, entered_by) VALUES (?, 'heat', ?, ?, ?)",
            (heat_id, sample_no, taken_at, self.user))
        self._audit("insert", "sample", f"{heat_no}/{sample_no or SampleKind.HEAT.value}", heat_no=heat_no,
                    new={"kind": SampleKind.HEAT.value, "sample": sample_no, "taken_at": taken_at},
                    reason=reason, record=(records.SAMPLE, cur.lastrowid))
        return int(cur.lastrowid or 0)

    def _put_heat_sample(self, row: sqlite3.Row, number: str | None, taken_at: str,
                         values: Mapping[str, float], reason: str | None) -> int:
        """Make a heat sample the heat analysis of record: its values become the heat's analysis
        (elements it lacks are withdrawn). Replacing an analysis of other values needs a reason."""
        db = self.conn
        current = {r[0]: r[1] for r in db.execute(
            "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0", (row["id"],))}
        if current and current != dict(values) and not _reason(reason):
            raise ReasonRequired(_("heat {heat_no} already has a heat analysis: say why it is "
                                   "replaced").format(heat_no=row["heat_no"]))
        if number is not None and db.execute(
                "SELECT 1 FROM sample WHERE heat_id = ? AND sample_no = ? AND kind <> 'heat' "
                "AND void_reason IS NULL", (row["id"], number)).fetchone():
            raise Conflict(_("heat {heat_no} already has sample {sample}").format(
                heat_no=row["heat_no"], sample=number))
        existing = self._heat_sample_row(row["id"])
        if existing is None:
            sample_id = self._new_heat_sample(row["id"], row["heat_no"], taken_at, number, reason)
        else:
            sample_id = int(existing["id"])
            key = f"{row['heat_no']}/{number or existing['sample_no'] or SampleKind.HEAT.value}"
            for column, given in (("sample_no", number), ("taken_at", taken_at), ("entered_by", self.user)):
                if existing[column] != given:
                    db.execute(_SAMPLE_UPDATES[column], (given, sample_id))
                    self._audit("update", "sample", key, heat_no=row["heat_no"], field_name=column,
                                old=existing[column], new=given, reason=reason,
                                record=(records.SAMPLE, sample_id))
        for el, value in values.items():
            old = current.get(el)
            if old == value:
                continue
            if old is None:
                db.execute("INSERT INTO heat_analysis (heat_id, element, value_pct, seq) "
                           "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1 FROM heat_analysis "
                           "WHERE heat_id = ? AND element = ?", (row["id"], el, value, row["id"], el))
            else:
                db.execute("UPDATE heat_analysis SET value_pct = ? WHERE heat_id = ? AND element = ? "
                           "AND voided = 0", (value, row["id"], el))
            self._audit("insert" if old is None else "update", "analysis", f"{row['heat_no']}/{el}",
                        heat_no=row["heat_no"], field_name=el, old=old, new=value, reason=reason,
                        record=(records.HEAT, row["id"]))
        for el in sorted(set(current) - set(values), key=element_sort_key):
            db.execute("UPDATE heat_analysis SET voided = 1 WHERE heat_id = ? AND element = ? AND voided = 0",
                       (row["id"], el))
            self._audit("delete", "analysis", f"{row['heat_no']}/{el}", heat_no=row["heat_no"],
                        field_name=el, old=current[el], reason=reason, record=(records.HEAT, row["id"]))
        return sample_id

    def product_check(self, heat_no: str) -> product.ProductCheck:
        """The heat's product analyses judged (`qcdesk.product`): against the limits of the edition
        in force on its tap date, widened by the tolerances in force then when the heat has a heat
        analysis of record."""
        row = self._heat_row(heat_no)
        return self._product_checks([row["id"]])[row["id"]]

    def _product_checks(self, heat_ids: Sequence[int]) -> dict[int, product.ProductCheck]:
        editions = self._editions_by_grade()
        tolerances = self.tolerance_editions()
        samples = self._samples_of(heat_ids)
        checks = {}
        for chunk in _chunks(list(heat_ids), 500):
            for heat in self._heats_from_rows(self.conn.execute(
                    f"SELECT * FROM heat WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk).fetchall()):
                tap_date = heat.tapped_at.date()
                checks[heat.id] = product.check(in_force(editions.get(heat.grade, ()), tap_date),
                                                product.tolerances_in_force(tolerances, tap_date),
                                                bool(heat.analysis), samples.get(heat.id, []))
        return checks

    def _refresh_product(self, heat_ids: Sequence[int], changed: set[int] | None = None) -> None:
        """Judge the product analyses of these heats again and mark the ingots whose product
        analysis fails (the heat's sums follow, by trigger); `changed` collects the heats where
        that changed. Only heats with product samples, or with ingots marked, are looked at."""
        wanted: list[int] = []
        for chunk in _chunks(list(heat_ids), 500):
            marks = ",".join("?" * len(chunk))
            wanted += [r[0] for r in self.conn.execute(  # only '?' placeholders go in
                f"SELECT heat_id FROM sample WHERE kind = 'product' AND heat_id IN ({marks}) "  # noqa: S608
                f"UNION SELECT heat_id FROM ingot WHERE pa_fails = 1 AND heat_id IN ({marks})",
                [*chunk, *chunk])]
        if not wanted:
            return
        for heat_id, check in self._product_checks(wanted).items():
            failing = json.dumps(sorted(check.failing_ingots))
            cur = self.conn.execute(
                "UPDATE ingot SET pa_fails = (ingot_no IN (SELECT value FROM json_each(?))) "
                "WHERE heat_id = ? AND pa_fails IS NOT (ingot_no IN (SELECT value FROM json_each(?)))",
                (failing, heat_id, failing))
            if cur.rowcount and changed is not None:
                changed.add(heat_id)

    def regrade_grades(self, heat_no: str) -> list[str]:
        """The grades an ingot of this heat may be re-graded to: every grade but its aim grade
        whose edition in force on the tap date the heat analysis satisfies (DOMAIN.md)."""
        heat = self.heat(heat_no)
        return self._satisfied(heat.grade, heat.tapped_at.date(), heat.analysis)

    def _satisfied(self, aim: str, tap_date: date, analysis: Mapping[str, float]) -> list[str]:
        editions = self._editions_by_grade()
        found = [in_force(editions.get(g, ()), tap_date) for g in self.grades() if g != aim]
        return satisfied_grades(analysis, [s for s in found if s is not None])

    def _check_regrade(self, heat: sqlite3.Row, disposition: Disposition, grade: str | None) -> str | None:
        """A re-graded ingot's grade as saved: refused unless the ingot is re-graded and the heat
        satisfies the grade."""
        if grade is None or not grade.strip():
            return None
        grade = normalise_code(grade).strip()
        if disposition is not Disposition.REGRADED:
            raise InputError(_("regrade_to"), _("only a re-graded ingot is released as another grade"))
        analysis = {r[0]: r[1] for r in self.conn.execute(
            "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0", (heat["id"],))}
        choices = self._satisfied(heat["grade"], date.fromisoformat(heat["tapped_at"][:10]), analysis)
        if grade not in choices:
            raise InputError(_("regrade_to"), _(
                "heat {heat_no} does not satisfy {grade}; the grades it satisfies: {grades}").format(
                heat_no=heat["heat_no"], grade=grade, grades=", ".join(choices) or _("none")))
        return grade

    def tolerance_editions(self) -> list[ToleranceEdition]:
        """Every edition of the product-analysis tolerances, by the date it came into force."""
        classes: dict[int, list[ToleranceClass]] = defaultdict(list)
        for r in self.conn.execute("SELECT edition_id, element, up_to_pct, below_pct, above_pct "
                                   "FROM tolerance_class ORDER BY edition_id, element, seq"):
            classes[r[0]].append(ToleranceClass(r[1], r[2], r[3], r[4]))
        return [ToleranceEdition(r[0], r[1], r[2], date.fromisoformat(r[3]),
                                 tuple(sorted(classes[r[0]], key=lambda c: element_sort_key(c.element))))
                for r in self.conn.execute("SELECT id, standard, edition, in_force_from "
                                           "FROM tolerance_edition ORDER BY in_force_from")]

    def tolerances_in_force(self, on: date) -> ToleranceEdition | None:
        """The edition of the product-analysis tolerances in force on a day, if any."""
        return product.tolerances_in_force(self.tolerance_editions(), on)

    def add_tolerance_edition(self, standard: str, edition: str, in_force_from: date,
                              classes: Sequence[ToleranceClass], *,
                              reason: str | None = None) -> tuple[ToleranceEdition, bool]:
        """Add an edition of the product-analysis tolerances, in force from a date: (the edition,
        whether it was added). The very same edition again changes nothing; another one in force
        from the same date is refused: editions are added, never overwritten. Product analyses of
        heats tapped from that date on are judged again; where that changes what is qualified in a
        signed shift or day, it needs a reason (and supersedes those signatures)."""
        standard = _clean_name(standard, N_("standard"), 40)
        edition = _clean_name(edition, N_("edition"), 20)
        ordered = _validate_tolerances(classes)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            same_day = [e for e in self.tolerance_editions() if e.in_force_from == in_force_from]
            if same_day:
                there = same_day[0]
                if (there.standard, there.edition) == (standard, edition) and \
                        _class_set(there.classes) == _class_set(ordered):
                    return there, False
                raise Conflict(_("{title} is in force from {day}; an edition is added, never "
                                 "overwritten: give another date").format(
                    title=there.title, day=in_force_from))
            cur = db.execute(
                "INSERT INTO tolerance_edition (standard, edition, in_force_from) VALUES (?, ?, ?)",
                (standard, edition, in_force_from.isoformat()))
            seq: dict[str, int] = defaultdict(int)
            for cls in ordered:
                seq[cls.element] += 1
                db.execute("INSERT INTO tolerance_class (edition_id, element, seq, up_to_pct, below_pct, "
                           "above_pct) VALUES (?, ?, ?, ?, ?, ?)", (cur.lastrowid, cls.element,
                                                                    seq[cls.element], cls.up_to_pct,
                                                                    cls.below_pct, cls.above_pct))
            self._audit("insert", "tolerance_edition", f"{standard}-{edition}@{in_force_from}", new={
                "standard": standard, "edition": edition, "in_force_from": in_force_from.isoformat(),
                "classes": [(c.element, c.up_to_pct, c.below_pct, c.above_pct) for c in ordered]},
                reason=reason, record=(records.TOLERANCES, cur.lastrowid))
            places = {r[0]: (r[1], r[2]) for r in db.execute(
                "SELECT DISTINCT h.id, h.production_date, h.shift_id FROM heat h JOIN sample m ON "
                "m.heat_id = h.id AND m.kind = 'product' WHERE h.tapped_at >= ? AND h.void_reason IS NULL",
                (in_force_from.isoformat(),))}
            changed: set[int] = set()
            self._refresh_product(list(places), changed)
            self._guard({places[h] for h in changed}, reason,
                        ask=N_("the new tolerances change what is qualified in signed shifts ({day}): "
                               "say why they apply to them"))
        return next(e for e in self.tolerance_editions() if e.in_force_from == in_force_from), True

    def sample_targets(self, heat_nos: Iterable[str]) -> dict[str, SampleTarget]:
        """What an analyses file is checked against, for each of these heats that exists and is
        not voided: its tap, live ingots, live sample numbers, heat analysis, and the day of a
        signature in force covering it."""
        wanted = sorted({normalise_code(n).strip() for n in heat_nos})
        live = self._live_signatures()
        found: dict[str, SampleTarget] = {}
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(  # only '?' placeholders go into the statement
                "SELECT h.id, h.heat_no, h.tapped_at, h.production_date, h.shift_id, "  # noqa: S608
                "(SELECT json_group_array(ingot_no) FROM ingot WHERE heat_id = h.id "
                "AND void_reason IS NULL), (SELECT json_group_array(sample_no) FROM sample "
                "WHERE heat_id = h.id AND void_reason IS NULL AND sample_no IS NOT NULL), "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis "
                f"WHERE heat_id = h.id AND voided = 0) FROM heat h WHERE h.heat_no IN ({marks}) "
                "AND h.void_reason IS NULL", chunk).fetchall()
            live.read({r[3] for r in rows})  # in one query
            for r in rows:
                signed = sorted({day for _id, kind, day, shift_id in live.on([r[3]])
                                 if kind == "day" or shift_id == r[4]})
                found[r[1]] = SampleTarget(r[1], datetime.fromisoformat(r[2]),
                                           frozenset(json.loads(r[5] or "[]")),
                                           frozenset(json.loads(r[6] or "[]")),
                                           {el: float(v) for el, v in json.loads(r[7] or "{}").items()},
                                           signed[0] if signed else None)
        return found

    def samples_between(self, date_from: date, date_to: date) -> Iterator[Sample]:
        """The live samples of the heats of production dates from..to (their analyses typed in
        too: `samples`), heat by heat in tap order."""
        heat_ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM heat WHERE production_date BETWEEN ? AND ? AND void_reason IS NULL "
            "AND (EXISTS (SELECT 1 FROM sample WHERE heat_id = heat.id) OR EXISTS (SELECT 1 FROM "
            "heat_analysis WHERE heat_id = heat.id AND voided = 0)) ORDER BY tapped_at, heat_no",
            (date_from.isoformat(), date_to.isoformat()))]
        for chunk in _chunks(heat_ids, 500):
            samples = self._samples_of(chunk)
            for heat_id in chunk:
                yield from samples.get(heat_id, [])

    def any_regrade_to(self, date_from: date, date_to: date) -> bool:
        """Whether an ingot of the heats of production dates from..to names its re-graded grade."""
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM heat h JOIN ingot i ON i.heat_id = h.id WHERE "
            "h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "AND i.regrade_to IS NOT NULL)", (date_from.isoformat(), date_to.isoformat())).fetchone()[0])

    # ---- end of samples

    # ------------------------------------------------------------------ ingots

    def ingots(self, heat_no: str) -> list[Ingot]:
        row = self._heat_row(heat_no)
        defects: dict[int, list[IngotDefect]] = defaultdict(list)
        for d in self.conn.execute(
                "SELECT d.ingot_id, d.defect_code, d.location FROM ingot_defect d "
                "JOIN ingot i ON i.id = d.ingot_id WHERE i.heat_id = ? AND d.voided = 0 "
                "ORDER BY d.ingot_id, d.seq",
                (row["id"],)):
            defects[d[0]].append(IngotDefect(d[1], Location(d[2]) if d[2] else None))
        return [Ingot(r["id"], row["heat_no"], r["ingot_no"], r["weight_kg"],
                      Disposition(r["disposition"]), r["inspector"],
                      datetime.fromisoformat(r["judged_at"]) if r["judged_at"] else None,
                      tuple(defects[r["id"]]), r["regrade_to"], bool(r["pa_fails"]))
                for r in self.conn.execute(
                    "SELECT * FROM ingot WHERE heat_id = ? AND void_reason IS NULL ORDER BY ingot_no",
                    (row["id"],))]

    def add_ingots(self, heat_no: str, ingots: Sequence[NewIngot],
                   reason: str | None = None) -> list[Ingot]:
        """Save ingots of a heat; into a signed shift only with a reason (see add_heat)."""
        with self.transaction():
            self._insert_ingots([(heat_no, i) for i in ingots], reason=reason)
        return self.ingots(heat_no)

    def import_ingots(self, ingots: Sequence[tuple[str, NewIngot]],
                      progress: Progress | None = None) -> int:
        """Save many (heat number, ingot) pairs in one transaction: all, or none."""
        with self.transaction():
            self._insert_ingots(ingots, progress, imported=True)
        return len(ingots)

    def next_ingot_no(self, heat_no: str) -> int:
        row = self._heat_row(heat_no)
        return int(self.conn.execute("SELECT coalesce(max(ingot_no), 0) + 1 FROM ingot "
                                     "WHERE heat_id = ?", (row["id"],)).fetchone()[0])

    def _insert_ingots(self, ingots: Sequence[tuple[str, NewIngot]],
                       progress: Progress | None = None, reason: str | None = None, *,
                       imported: bool = False) -> None:
        """Check each ingot in turn (the first problem refuses them all), then write them all
        at once: the ingots, their defects and their audit entries."""
        self._require(Permission.RECORD)
        db = self.conn
        catalogue = {d.code for d in self.defects(active_only=True)}
        people = self._people()
        inspectors: dict[str, str] = {}  # as given → as saved: a file repeats a few names
        checked: set[str] = set()  # inspectors as saved whose names passed _validate_ingot
        dispositions = {d: d.value for d in Disposition}  # (an enum's value is a property: slower)
        found, taken = self._heats_of_ingots({no for no, _new in ingots})
        live = self._live_signatures()
        live.read({row["production_date"] for row in found.values()})  # in one query
        heat_ids: dict[str, int] = {}
        heat_rows: dict[str, sqlite3.Row] = {}
        now = self._clock().strftime(_SECONDS)
        next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM ingot").fetchone()[0])
        rows: list[tuple[object, ...]] = []
        defects: list[tuple[int, int, str, str | None]] = []
        for done, (given_no, new) in enumerate(ingots, start=1):
            heat_no = given_no.strip()
            inspector = inspectors.get(new.inspector)
            if inspector is None:
                inspector = inspectors[new.inspector] = clean_person(new.inspector, N_("inspector"), 80,
                                                                     people)
            if inspector != new.inspector:
                new = replace(new, inspector=inspector)  # noqa: PLW2901 - the ingot as saved
            heat_id = heat_ids.get(heat_no)
            if heat_id is None:
                heat_row = found.get(given_no)
                if heat_row is None or heat_row["void_reason"] is not None:
                    heat_row = self._heat_row(heat_no)  # refused, as it says
                heat_id = heat_ids[heat_no] = heat_row["id"]
                heat_rows[heat_no] = heat_row
                self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason, live,
                            imported=imported)
            _validate_ingot(new, catalogue, inspector_checked=inspector in checked)
            checked.add(inspector)
            judged_at = _judged_at(new, now)
            regrade_to = (None if new.regrade_to is None else
                          self._check_regrade(heat_rows[heat_no], new.disposition, new.regrade_to))
            number = (heat_id, new.ingot_no)
            if number in taken:  # as the UNIQUE (heat, number) would refuse it
                raise Conflict(_("heat {heat_no} already has ingot {n}").format(
                    heat_no=heat_no, n=new.ingot_no))
            taken.add(number)
            ingot_id = next_id + len(rows)
            rows.append((ingot_id, heat_id, new.ingot_no, new.weight_kg, dispositions[new.disposition],
                         inspector.strip(), judged_at, regrade_to))
            if new.defects:
                defects.extend((ingot_id, seq, d.code, d.location.value if d.location else None)
                               for seq, d in enumerate(new.defects, start=1))
            self._audit("insert", "ingot", f"{heat_no}/{new.ingot_no}", record=(records.INGOT, ingot_id))
            if progress:
                progress(done, len(ingots))
        db.executemany("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector, "
                       "judged_at, regrade_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) VALUES (?, ?, ?, ?)",
                       defects)

    def _heats_of_ingots(self, given: Iterable[str]) -> tuple[dict[str, sqlite3.Row],
                                                                set[tuple[int, int]]]:
        """The heats these heat numbers (as given) name, by those numbers, and the (heat id, ingot
        number) of every ingot they have, voided ones too."""
        saved_as = {no: normalise_code(no.strip()).strip() for no in given}  # as _heat_row reads them
        rows = {r["heat_no"]: r for r in self.conn.execute(
            "SELECT id, heat_no, production_date, shift_id, void_reason, grade, tapped_at FROM heat "
            "WHERE heat_no IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(saved_as.values())), ensure_ascii=False),))}
        found = {no: rows[saved] for no, saved in saved_as.items() if saved in rows}
        taken = {(r[0], r[1]) for r in self.conn.execute(
            "SELECT heat_id, ingot_no FROM ingot WHERE heat_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({r["id"] for r in rows.values()})),))}
        return found, taken

    def update_ingot(self, heat_no: str, ingot_no: int, *, weight_kg: float | None = None,
                     disposition: Disposition | None = None,
                     defects: Sequence[IngotDefect] | None = None,
                     inspector: str | None = None, reason: str | None = None,
                     regrade_to: str | None = _UNSET) -> Ingot:
        """Judge or correct an ingot; changing a judged one's weight or disposition needs a reason.
        `regrade_to`: the grade a re-graded ingot is released as, one its heat satisfies (None
        or '' for none named; kept while the ingot stays re-graded, dropped when it does not)."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self._ingot(heat_no, ingot_no)
            wanted = current.disposition if disposition is None else disposition
            if regrade_to is _UNSET:
                regrade_to = current.regrade_to if wanted is Disposition.REGRADED else None
            elif regrade_to is not None and regrade_to.strip():
                regrade_to = self._check_regrade(self._heat_row(heat_no), wanted, regrade_to)
            proposed = replace(
                current,
                weight_kg=current.weight_kg if weight_kg is None else weight_kg,
                disposition=wanted,
                defects=current.defects if defects is None else tuple(defects),
                inspector=current.inspector if inspector is None else clean_person(
                    inspector, N_("inspector"), 80, self._people()),
                regrade_to=regrade_to or None)
            _validate_ingot(NewIngot(ingot_no, proposed.weight_kg, proposed.disposition,
                                     proposed.inspector, proposed.defects),
                            # a retired defect stays on the ingots it was found on, and no more
                            {d.code for d in self.defects(active_only=True)}
                            | {d.code for d in current.defects})
            corrected = [f for f in ("weight_kg", "disposition")
                         if getattr(current, f) != getattr(proposed, f)]
            if current.regrade_to is not None and proposed.regrade_to != current.regrade_to:
                corrected.append("regrade_to")  # a grade named once is corrected with a reason
            if current.disposition.judged and corrected and not _reason(reason):
                raise ReasonRequired(_(
                    "ingot {n} of heat {heat_no} is already judged: say why its {fields} changes"
                ).format(n=ingot_no, heat_no=current.heat_no,
                         fields=", ".join(_(f) for f in corrected)))
            if proposed != current:
                heat_row = self._heat_row(heat_no)
                self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason)
            # judged_at: when the disposition last changed to a judgement
            if not proposed.disposition.judged:
                judged_at = None
            elif proposed.disposition != current.disposition or current.judged_at is None:
                judged_at = self._clock().strftime(_SECONDS)
            else:
                judged_at = current.judged_at.strftime(_SECONDS)
            db.execute("UPDATE ingot SET weight_kg = ?, disposition = ?, inspector = ?, judged_at = ?, "
                       "regrade_to = ? WHERE id = ?", (proposed.weight_kg, proposed.disposition.value,
                                                       proposed.inspector, judged_at, proposed.regrade_to,
                                                       current.id))
            key = f"{current.heat_no}/{ingot_no}"
            for f in ("weight_kg", "disposition", "inspector", "regrade_to"):
                if getattr(current, f) != getattr(proposed, f):
                    self._audit("update", "ingot", key, heat_no=current.heat_no, field_name=f,
                                old=getattr(current, f), new=getattr(proposed, f), reason=reason,
                                record=(records.INGOT, current.id))
            if proposed.defects != current.defects:
                # the defects found before stay in the database, marked replaced
                db.execute("UPDATE ingot_defect SET voided = 1 WHERE ingot_id = ? AND voided = 0",
                           (current.id,))
                first = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM ingot_defect "
                                   "WHERE ingot_id = ?", (current.id,)).fetchone()[0]
                db.executemany(
                    "INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) "
                    "VALUES (?, ?, ?, ?)",
                    [(current.id, seq, d.code, d.location.value if d.location else None)
                     for seq, d in enumerate(proposed.defects, start=first)])
                self._audit("update", "ingot", key, heat_no=current.heat_no, field_name="defects",
                            old=[str(d) for d in current.defects],
                            new=[str(d) for d in proposed.defects], reason=reason,
                            record=(records.INGOT, current.id))
            return self._ingot(heat_no, ingot_no)

    def void_ingot(self, heat_no: str, ingot_no: int, reason: str) -> None:
        """Void an ingot entered by mistake: it leaves every listing and rate (and its heat's
        sums), and stays in the database and its history. Needs a reason."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self._ingot(heat_no, ingot_no)
            if not _reason(reason):
                raise ReasonRequired(_("say why ingot {n} of heat {heat_no} is voided").format(
                    n=ingot_no, heat_no=current.heat_no))
            heat_row = self._heat_row(heat_no)
            self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason)
            db.execute("UPDATE ingot SET void_reason = ? WHERE id = ?", (_reason(reason), current.id))
            self._audit("update", "ingot", f"{current.heat_no}/{ingot_no}", heat_no=current.heat_no,
                        field_name="voided", old=_ingot_record(current), new=True, reason=reason,
                        record=(records.INGOT, current.id))
            self._refresh_product([heat_row["id"]])  # its product samples leave the one-side rule

    def _ingot(self, heat_no: str, ingot_no: int) -> Ingot:
        for ingot in self.ingots(heat_no):
            if ingot.ingot_no == ingot_no:
                return ingot
        raise NotFound(_("heat {heat_no} has no ingot {n}").format(heat_no=heat_no, n=ingot_no))

    def existing_heat_nos(self, heat_nos: Iterable[str]) -> set[str]:
        """Which of these heat numbers the database already holds."""
        found: set[str] = set()
        for chunk in _chunks(list(heat_nos), 500):
            found.update(r[0] for r in self.conn.execute(
                f"SELECT heat_no FROM heat WHERE heat_no IN ({','.join('?' * len(chunk))})",  # noqa: S608
                chunk))
        return found

    def existing_ingot_nos(self, heat_nos: Iterable[str]) -> dict[str, set[int]]:
        """The ingot numbers already saved for each of these heats (heats that exist)."""
        found: dict[str, set[int]] = {}
        for chunk in _chunks(list(heat_nos), 500):
            marks = ",".join("?" * len(chunk))
            for heat_no, ingot_no in self.conn.execute(
                    f"SELECT h.heat_no, i.ingot_no FROM heat h LEFT JOIN ingot i ON i.heat_id = h.id "  # noqa: S608
                    f"WHERE h.heat_no IN ({marks})", chunk):
                found.setdefault(heat_no, set())
                if ingot_no is not None:
                    found[heat_no].add(ingot_no)
        return found

    def date_span(self) -> tuple[date, date] | None:
        """The first and last production dates holding heats, if any."""
        # each bound on its own: SQLite then reads one end of the index instead of all of it
        first, last = self.conn.execute(
            "SELECT (SELECT min(production_date) FROM heat WHERE void_reason IS NULL), "
            "(SELECT max(production_date) FROM heat WHERE void_reason IS NULL)").fetchone()
        return (date.fromisoformat(first), date.fromisoformat(last)) if first else None

    def iter_ingots(self, date_from: date, date_to: date) -> Iterator[Ingot]:
        """Every ingot of heats of production dates from..to, in tap then ingot order."""
        rows = self.conn.execute(
            "SELECT i.*, h.heat_no, (SELECT group_concat(d.defect_code || coalesce('@' || d.location, ''), "
            "';') FROM (SELECT * FROM ingot_defect WHERE ingot_id = i.id AND voided = 0 ORDER BY seq) d) "
            "AS defect_list FROM heat h JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "ORDER BY h.tapped_at, h.heat_no, i.ingot_no",
            (date_from.isoformat(), date_to.isoformat()))
        for r in rows:
            defects = tuple(IngotDefect(code, Location(loc) if loc else None)
                            for code, _at, loc in (d.partition("@") for d in
                                                   (r["defect_list"] or "").split(";") if d))
            yield Ingot(r["id"], r["heat_no"], r["ingot_no"], r["weight_kg"],
                        Disposition(r["disposition"]), r["inspector"],
                        datetime.fromisoformat(r["judged_at"]) if r["judged_at"] else None, defects,
                        r["regrade_to"], bool(r["pa_fails"]))

    # ---- exports: read as the file is written (speed-output, issue 17)

    def ingot_export_rows(self, date_from: date, date_to: date) -> Iterator[ExportIngot]:
        """What an ingots export writes for the ingots `iter_ingots` gives, in its order, as plain
        values read while the file is written: (heat number, ingot number, weight in kg, the
        disposition's code, the defects as ``CODE@location;CODE``, inspector, the grade a re-graded
        ingot is released as or '')."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a million rows are read
        return cursor.execute(_EXPORT_INGOTS_SQL, (date_from.isoformat(), date_to.isoformat()))

    def heat_export_columns(self, date_from: date, date_to: date) -> tuple[list[str], bool]:
        """The elements analysed in the heats of production dates from..to (in the order of
        `element_sort_key`), and whether any of these heats has notes: the optional columns of
        a heats export."""
        span = (date_from.isoformat(), date_to.isoformat())
        elements = [r[0] for r in self.conn.execute(_EXPORT_ELEMENTS_SQL, span)]
        notes = self.conn.execute(_EXPORT_NOTES_SQL, span).fetchone() is not None
        return sorted(elements, key=element_sort_key), notes

    def heat_export_rows(self, date_from: date, date_to: date) -> Iterator[ExportHeat]:
        """The heats `heats` gives (production dates from..to, tap order), each with its live
        analysis, read one at a time while the file is written: (heat number, converter, tapped
        at as stored 'YYYY-MM-DD HH:MM', grade, tap weight, tap temperature, inspector, notes,
        {element: value})."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        heat: tuple[Any, ...] | None = None
        analysis: dict[str, float] = {}
        # the rows of one heat follow each other: heats are ordered by a unique key
        for row in cursor.execute(_EXPORT_HEATS_SQL, (date_from.isoformat(), date_to.isoformat())):
            if heat is None or row[0] != heat[0]:
                if heat is not None:
                    yield ExportHeat._make((*heat[1:], analysis))
                heat, analysis = row[:9], {}
            if row[9] is not None:
                analysis[row[9]] = row[10]
        if heat is not None:
            yield ExportHeat._make((*heat[1:], analysis))

    # ---- end of exports

    # ------------------------------------------------------------------- audit

    def audit(self, heat_no: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first: of one heat (its record, analysis and ingots, also of
        one since voided), or all. Entries since schema 9 that name a heat or an ingot by its
        record alone are given its heat number and key here, and an insert its values."""
        if heat_no is None:
            old = self.conn.execute("SELECT * FROM audit_v1 ORDER BY id")
            where, params = "", {}
        else:
            wanted = normalise_code(heat_no).strip()
            old = self.conn.execute("SELECT * FROM audit_v1 WHERE heat_no = ? ORDER BY id", (wanted,))
            found = self.conn.execute("SELECT id FROM heat WHERE heat_no = ?", (wanted,)).fetchone()
            where = ("WHERE a.id IN (SELECT id FROM audit WHERE tbl = 'heat' AND rec = :heat "
                     "UNION ALL SELECT a2.id FROM ingot i2 JOIN audit a2 ON a2.tbl = 'ingot' "
                     "AND a2.rec = i2.id WHERE i2.heat_id = :heat "
                     "UNION ALL SELECT id FROM audit WHERE heat_no = :no)")
            params = {"heat": found[0] if found else None, "no": wanted}
        entries = [AuditEntry(**dict(r)) for r in old]
        converters = {c.id: c.code for c in self.converters()}
        shift_codes = {s.id: s.code for s in self.shifts()}
        # the block's time and author; the block's hash on its last entry
        for r in self.conn.execute(
                "SELECT a.*, b.at, b.user, b.hash AS block_hash, b.last_id, h.heat_no AS record_heat, "  # noqa: S608
                "i.ingot_no AS record_ingot FROM audit a "
                "LEFT JOIN audit_block b ON b.last_id = (SELECT min(last_id) FROM audit_block "
                "WHERE last_id >= a.id) "
                "LEFT JOIN ingot i ON a.tbl = 'ingot' AND i.id = a.rec "
                "LEFT JOIN heat h ON h.id = "
                "CASE a.tbl WHEN 'heat' THEN a.rec WHEN 'ingot' THEN i.heat_id END "
                + where + " ORDER BY a.id", params):
            key, number, new, entity = r["entity_key"], r["heat_no"], r["new_value"], r["entity"] or r["tbl"]
            if r["tbl"] in (records.HEAT, records.INGOT):
                number = r["record_heat"]
                key = (f"{number}/{r['record_ingot']}" if r["tbl"] == records.INGOT
                       else f"{number}/{r['field']}" if entity == "analysis" else number)
                if r["action"] == "insert" and new is None and r["state"]:
                    new = _text(_described(r["tbl"], json.loads(r["state"]), converters, shift_codes))
            entries.append(AuditEntry(
                r["id"], r["at"] or "?", r["user"] or "?", r["action"], entity, key, number,
                r["field"], r["old_value"], new, r["reason"], None,
                bytes(r["block_hash"]).hex() if r["last_id"] == r["id"] else None))
        return entries

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (for checks and backups)."""
        return {table: self.conn.execute(sql).fetchone()[0] for table, sql in _COUNTS.items()}

    # ------------------------------------------------------------------- rates

    def rate_sums(self, date_from: date, date_to: date, by: Sequence[str] = (),
                  scope: Scope = EVERYTHING) -> list[tuple[dict[str, str], RateSums]]:
        """The sums behind every rate per group, aggregated by the database, over the heats
        of one converter, shift or grade when the scope names one."""
        keys = [_GROUP_SQL[k] for k in check_group_keys(by)]
        select = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(keys))
        group = ", ".join(f"k{i}" for i in range(len(keys)))
        order = ", ".join(_GROUP_ORDER.get(k, f"k{i}") for i, k in enumerate(by))
        # every fragment comes from _GROUP_SQL, a fixed table; the dates and scope are bound
        sql = (f"SELECT {select + ',' if select else ''} {_SUMS_SQL} FROM heat h "  # noqa: S608
               "JOIN converter c ON c.id = h.converter_id JOIN shift s ON s.id = h.shift_id "
               "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
               + (_SCOPE_SQL if not scope.everything else "")
               + (f" GROUP BY {group} ORDER BY {order}" if keys else ""))
        out = []
        for r in self.conn.execute(sql, self._scope_params(date_from, date_to, scope)):
            values = tuple(r)
            sums = _sums_of(values[len(keys):])
            if not keys and sums.heats == 0:
                continue
            out.append(({KEY_FIELDS[k]: values[i] for i, k in enumerate(by)}, sums))
        return out

    def _scope_params(self, date_from: date, date_to: date, scope: Scope) -> dict[str, object]:
        """The bound parameters of _SCOPE_SQL: a named converter or shift that does not exist
        is refused, not read as "nothing made"."""
        conv = shift = None
        if scope.converter is not None:
            conv = self.converter(scope.converter).id
        if scope.shift is not None:
            found = [s.id for s in self.shifts() if s.code == scope.shift]
            if not found:
                raise NotFound(_("no shift {code!r}").format(code=scope.shift))
            shift = found[0]
        if scope.grade is not None and scope.grade not in self.grades():
            raise NotFound(_("no grade {code!r}").format(code=scope.grade))
        return {"from": date_from.isoformat(), "to": date_to.isoformat(),
                "conv": conv, "shift": shift, "grade": scope.grade}

    def rates(self, date_from: date, date_to: date, by: Sequence[str] = (),
              basis: str = "weight") -> RateReport:
        """Rates per group over production dates from..to, with the total."""
        if date_to < date_from:
            raise InputError("--to", _("{to} is before {frm}").format(to=date_to, frm=date_from))
        if basis not in ("weight", "count"):
            raise InputError("--basis", _("the basis is weight or count"))
        groups = self.rate_sums(date_from, date_to, by)
        rows = tuple(RateRow.of(keys, sums) for keys, sums in groups)
        total = sum((sums for _k, sums in groups), RateSums())
        return RateReport(date_from.isoformat(), date_to.isoformat(), tuple(by), basis, rows,
                          RateRow.of({}, total))

    # ---- desktop: shift and heat views

    def heat_rates(self, heat_no: str) -> RateRow:
        """One heat's ingot sums and rates (the heat view's running totals), keyed by heat number."""
        row = self._heat_row(heat_no)
        values = tuple(self.conn.execute(_HEAT_SUMS_SQL, (row["id"],)).fetchone())
        return RateRow.of({"heat": row["heat_no"]}, _sums_of(values))

    def editions_in_force(self, on: date) -> list[Standard]:
        """Each grade's edition in force on a day (grades with none are left out)."""
        editions = self._editions_by_grade()
        found = (in_force(editions.get(g, ()), on) for g in self.grades())
        return [s for s in found if s is not None]

    # ---- end of desktop: shift and heat views

    # ---- desktop: the inspector's desk (issue 15, part A): plausibility notes, earlier reasons

    def note_plausibility(self, heat_no: str) -> list[plausibility.Doubt]:
        """The heat's plausibility doubts as it stands; a kind of doubt that shows for the first
        time is written into the heat's history (field "plausibility", the doubt in English words).
        Warned and recorded, never refused."""
        with self.transaction():
            self._require(Permission.RECORD)
            heat = self.heat(heat_no)
            doubts = plausibility.check(heat.tap_weight_t, heat.tap_temp_c,
                                        [(i.weight_kg, i.disposition) for i in self.ingots(heat.heat_no)])
            recorded = plausibility.kinds_in([e.new_value or "" for e in self.audit(heat.heat_no)
                                              if e.field == "plausibility"])
            for doubt in doubts:
                if doubt.kind not in recorded:
                    self._audit("update", "heat", heat.heat_no, heat_no=heat.heat_no,
                                field_name="plausibility", new=doubt.english())
        return doubts

    def earlier_reasons(self, limit: int = 8) -> list[str]:
        """The distinct reasons given for corrections of heats, analyses and ingots, the most used
        first (then the most recent), at most `limit`: the choices a correction offers."""
        # the newest 20,000 entries of the log (and of the log kept before schema 9) are enough
        # to know the reasons in use, and keep the dialog quick on years of records
        rows = self.conn.execute(
            "SELECT reason FROM (SELECT id, reason, coalesce(entity, tbl) AS what, action, field FROM audit "
            "WHERE id > (SELECT coalesce(max(id), 0) - 20000 FROM audit) UNION ALL "
            "SELECT id, reason, entity, action, field FROM audit_v1 "
            "WHERE id > (SELECT coalesce(max(id), 0) - 20000 FROM audit_v1)) "
            "WHERE reason IS NOT NULL AND reason <> 'undone' AND what IN ('heat', 'analysis', 'ingot') "
            "AND action = 'update' AND coalesce(field, '') NOT IN ('voided', 'plausibility', 'sealed') "
            "GROUP BY reason ORDER BY count(*) DESC, max(id) DESC, reason LIMIT ?", (max(0, limit),))
        return [r[0] for r in rows]

    def now(self) -> datetime:
        """The store's clock (the one its history is written with)."""
        return self._clock()

    # ---- end of desktop: the inspector's desk

    # ---- desktop: history browser and set-up

    def count_heats(self, where: HeatFilter) -> int:
        """How many heats the history browser's filter lets through."""
        if where == HeatFilter():
            return int(self.conn.execute(_HISTORY_COUNT_ALL).fetchone()[0])
        return int(self.conn.execute(_HISTORY_COUNT[where.dated], where.params()).fetchone()[0])

    def heat_page(self, where: HeatFilter, sort: str = "production_date", *, descending: bool = True,
                  after: tuple[Any, ...] | None = None, limit: int = 200) -> HeatPage:
        """One page of the history browser: up to `limit` heats after the key of the last
        row of the page before (keyset paging), in the order of a sort key from HISTORY_SORTS."""
        if sort not in HISTORY_SORTS:
            raise InputError(_("sort"), _("unknown column {name!r}").format(name=sort))
        if not 1 <= limit <= 10_000:
            raise InputError(_("limit"), _("must be a whole number from 1 to 10000"))
        first, following = _HISTORY_PAGE[sort, descending, where.dated]
        if after is None:
            rows = self.conn.execute(first, (*where.params(), limit)).fetchall()
        else:
            if len(after) != len(_HISTORY_KEYS[sort]) + 1:
                raise InputError(_("sort"), _("the page key does not fit the sort"))
            rows = self.conn.execute(following, (*where.params(), *after, limit)).fetchall()
        shown = tuple(_history_row(r) for r in rows)
        n_keys = len(_HISTORY_KEYS[sort]) + 1
        last = tuple(rows[-1])[-n_keys:] if len(rows) == limit else None
        return HeatPage(shown, last)

    # ---- end of desktop: history browser and set-up

    # ------------------------------------------------------------------- plans

    def set_plan(self, period: str, *, output_t: float | None, ingot_rate: float | None) -> Plan:
        """Set (or replace) the plan of a month 'YYYY-MM' or a quarter 'YYYY-Qn'; audited."""
        period = normalise_code(period).strip().upper()
        if not _PLAN_PERIOD.fullmatch(period):
            raise InputError(_("period"), _("{period!r} is neither a month (YYYY-MM) nor a quarter "
                                            "(YYYY-Qn)").format(period=period))
        if output_t is None and ingot_rate is None:
            raise InputError(_("plan"), _("give the tonnes of steel, the target rate or both"))
        if output_t is not None:
            check_range(output_t, N_("planned output"), PLAN_OUTPUT_T)
        if ingot_rate is not None:
            check_range(ingot_rate, N_("target ingot qualified rate"), PLAN_RATE)
        new = Plan(period, output_t, ingot_rate)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self._plan(period)
            if current is None:
                cur = db.execute("INSERT INTO plan (period, output_t, ingot_rate) VALUES (?, ?, ?)",
                                 (period, output_t, ingot_rate))
                self._audit("insert", "plan", period, new={"output_t": output_t, "ingot_rate": ingot_rate},
                            record=(records.PLAN, cur.lastrowid))
            else:
                db.execute("UPDATE plan SET output_t = ?, ingot_rate = ? WHERE period = ?",
                           (output_t, ingot_rate, period))
                row_id = db.execute("SELECT rowid FROM plan WHERE period = ?", (period,)).fetchone()[0]
                for f in ("output_t", "ingot_rate"):
                    if getattr(current, f) != getattr(new, f):
                        self._audit("update", "plan", period, field_name=f, old=getattr(current, f),
                                    new=getattr(new, f), record=(records.PLAN, row_id))
        return new

    def workshop(self) -> Workshop | None:
        """The workshop's name, if one is set (reports then print it instead of the generic one)."""
        row = self.conn.execute("SELECT name_en, name_zh FROM workshop WHERE id = 1").fetchone()
        return Workshop(row[0], row[1]) if row else None

    def set_workshop(self, name_en: str, name_zh: str = "") -> Workshop:
        """Name the workshop (in English, and in Chinese if given); audited."""
        new = Workshop(_clean_name(name_en, N_("workshop name"), 80),
                       _clean_name(name_zh, N_("Chinese workshop name"), 80) if name_zh.strip() else "")
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.workshop()
            if current == new:
                return new
            db.execute("INSERT INTO workshop (id, name_en, name_zh) VALUES (1, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, "
                       "name_zh = excluded.name_zh", (new.name_en, new.name_zh))
            self._audit("insert" if current is None else "update", "workshop", "name",
                        old=None if current is None else {"en": current.name_en, "zh": current.name_zh},
                        new={"en": new.name_en, "zh": new.name_zh}, record=(records.WORKSHOP, 1))
        return new

    def remove_plan(self, period: str, reason: str | None) -> Plan:
        """Take the plan of a month or quarter away (set by mistake, or withdrawn): the
        reports then say no plan is set. Needs a reason; the audit entry keeps the figures."""
        period = normalise_code(period).strip().upper()
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self._plan(period)
            if current is None:
                raise NotFound(_("no plan is set for {period}").format(period=period))
            if not _reason(reason):
                raise ReasonRequired(_("say why the plan of {period} is removed").format(period=period))
            row_id = db.execute("SELECT rowid FROM plan WHERE period = ?", (period,)).fetchone()[0]
            db.execute("DELETE FROM plan WHERE period = ?", (period,))
            self._audit("delete", "plan", period,
                        old={"output_t": current.output_t, "ingot_rate": current.ingot_rate},
                        reason=_reason(reason), record=(records.PLAN, row_id))
        return current

    def plans(self) -> list[Plan]:
        """Every plan, by period (a year's quarters after its months)."""
        return [Plan(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT period, output_t, ingot_rate FROM plan ORDER BY period")]

    def _plan(self, period: str) -> Plan | None:
        r = self.conn.execute("SELECT period, output_t, ingot_rate FROM plan WHERE period = ?",
                              (period,)).fetchone()
        return Plan(r[0], r[1], r[2]) if r else None

    def plan_for(self, month: str | date) -> Plan | None:
        """The plan of a month ('YYYY-MM', or the month of a date), if one is set."""
        key = month.strftime("%Y-%m") if isinstance(month, date) else month.strip()
        return self._plan(key)

    # ----------------------------------------------------------------- reports

    def defect_pareto(self, date_from: date, date_to: date, scope: Scope = EVERYTHING) -> list[DefectCount]:
        """Each defect found on ingots of heats of production dates from..to: how many ingots
        carry it and their weight (an ingot counts once per defect), most frequent first."""
        params = self._scope_params(date_from, date_to, scope)
        # Over a few days, walk the days' heats to their ingots' defects; over most of the
        # history, walk the defects (a fifth of the ingots carry one) up to their heats:
        # 0.44 s instead of 1.2 s on the ten-year database, 6 ms instead of 120 ms for a month.
        span = self.date_span()
        wide = span is not None and (min(date_to, span[1]) - max(date_from, span[0])).days \
            > 0.35 * (span[1] - span[0]).days
        sql = _PARETO_BY_DEFECT if wide else _PARETO_BY_HEAT
        if not scope.everything:
            sql = sql.replace(_PARETO_WHERE, _PARETO_WHERE + _SCOPE_SQL)
        rows = self.conn.execute(sql, params)
        return [DefectCount(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def defect_ingots(self, date_from: date, date_to: date, code: str, scope: Scope = EVERYTHING,
                      limit: int = 5000) -> list[DefectIngot]:
        """The ingots behind a Pareto bar: those of heats of production dates from..to that
        carry the defect, latest first, at most `limit` of them."""
        params = {**self._scope_params(date_from, date_to, scope), "code": code, "limit": limit}
        rows = self.conn.execute(  # the text is fixed: _SCOPE_SQL binds the scope
            "SELECT h.heat_no, i.ingot_no, h.production_date, c.code, h.grade, i.weight_kg, i.disposition, "  # noqa: S608
            "  (SELECT group_concat(code, ', ') FROM (SELECT DISTINCT x.defect_code AS code "
            "   FROM ingot_defect x WHERE x.ingot_id = i.id AND x.voided = 0 ORDER BY x.seq)) "
            "FROM heat h JOIN converter c ON c.id = h.converter_id JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
            + _SCOPE_SQL + " AND i.void_reason IS NULL AND EXISTS (SELECT 1 FROM ingot_defect idf "
            "  WHERE idf.ingot_id = i.id AND idf.voided = 0 AND idf.defect_code = :code) "
            "ORDER BY h.production_date DESC, h.tapped_at DESC, i.ingot_no LIMIT :limit", params)
        return [DefectIngot(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7] or "")
                for r in rows]

    def analysis_values(self, date_from: date, date_to: date, grade: str, element: str,
                        scope: Scope = EVERYTHING) -> list[AnalysisPoint]:
        """The live heat-analysis values of an element, for heats of a grade of production dates
        from..to, in tapping order (the order of an I-MR chart)."""
        params = {**self._scope_params(date_from, date_to, scope), "grade": grade, "element": element}
        rows = self.conn.execute(
            "SELECT h.heat_no, h.tapped_at, h.production_date, a.value_pct FROM heat h "  # noqa: S608
            "JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 AND a.element = :element "
            "WHERE h.grade = :grade AND h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
            # a heat's production date is its tap date or the day after (a shift from the evening
            # before): so the heat_by_grade index can walk just the period's taps
            " AND h.tapped_at >= date(:from, '-2 days') AND h.tapped_at < date(:to, '+2 days')"
            + _SCOPE_SQL + " ORDER BY h.tapped_at, h.heat_no", params)
        return [AnalysisPoint(r[0], datetime.fromisoformat(r[1]), date.fromisoformat(r[2]), r[3])
                for r in rows]

    # ---- reports and trends: what was read a grade or an element at a time, in one statement
    # (speed-output, issue 17)

    def analysis_series(self, date_from: date, date_to: date,
                        scope: Scope = EVERYTHING) -> dict[tuple[str, str], list[AnalysisPoint]]:
        """The live heat-analysis values of heats of production dates from..to under the scope,
        by (grade, element), each in tapping order: what `analysis_values` gives for each pair."""
        found: dict[tuple[str, str], list[AnalysisPoint]] = defaultdict(list)
        heat: tuple[str, str, str] | None = None
        tapped_at, production_date = datetime.min, date.min
        # the statement and _SCOPE_SQL are fixed texts; the dates and scope are bound
        for grade, element, heat_no, tapped, day, value in self.conn.execute(
                "SELECT h.grade, a.element, h.heat_no, h.tapped_at, h.production_date, a.value_pct "
                "FROM heat h JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
                "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
                " AND h.tapped_at >= date(:from, '-2 days') AND h.tapped_at < date(:to, '+2 days')"
                + _SCOPE_SQL + " ORDER BY h.tapped_at, h.heat_no",
                self._scope_params(date_from, date_to, scope)):
            if heat != (heat_no, tapped, day):  # a heat's elements follow each other: parsed once
                heat = (heat_no, tapped, day)
                tapped_at, production_date = datetime.fromisoformat(tapped), date.fromisoformat(day)
            found[grade, element].append(AnalysisPoint(heat_no, tapped_at, production_date, value))
        return dict(found)

    def frozen_imr_limits(self, scope: Scope = EVERYTHING) -> dict[tuple[str, str], ControlLimits]:
        """The limits frozen for the I-MR charts of the scope's converter and shift, by (grade,
        element): what `control_limits` gives for each chart."""
        found = {}
        for r in self.conn.execute(
                "SELECT grade, element, date_from, date_to, centre, spread, n FROM control_limits "
                "WHERE chart = 'imr' AND converter = ? AND shift = ?",
                (scope.converter or "", scope.shift or "")):
            key = ChartKey.imr(scope, r[0], r[1])
            found[r[0], r[1]] = ControlLimits(key, date.fromisoformat(r[2]), date.fromisoformat(r[3]),
                                              r[4], r[5], r[6])
        return found

    def record_days(self, date_from: date, date_to: date, basis: str = "weight",
                    scope: Scope = EVERYTHING) -> list[RecordDay]:
        """Each production date with heats from..to under the scope, in date order: the heats
        each converter made (as `heat_counts` has them) and the qualified and the judged ingots
        of its checked heats, by weight (kg) or count (the ingot qualified rate's two sums, as
        `rate_sums` by day has them). One pass over the heats, for the records over every day
        ever made."""
        if basis not in _DAILY_JUDGED_SQL:
            raise InputError("basis", _("the basis is weight or count"))
        converters = sorted((c.id, c.code) for c in self.converters())
        params = {**self._scope_params(date_from, date_to, scope),
                  **{f"c{i}": conv_id for i, (conv_id, _code) in enumerate(converters)}}
        # a column per converter named :c0, :c1, … (its id bound) and a fixed text of rate_sql
        # picked by the basis checked above; the dates and scope are bound
        heats = "".join(f"count(*) FILTER (WHERE h.converter_id = :c{i}), " for i in range(len(converters)))
        rows = self.conn.execute(
            "SELECT h.production_date, " + heats + _DAILY_JUDGED_SQL[basis] + " FROM heat h "  # noqa: S608
            "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL" + _SCOPE_SQL
            + " GROUP BY h.production_date ORDER BY h.production_date", params)
        whole = int if basis == "count" else float  # whole ingots, as RateSums holds them
        return [RecordDay(date.fromisoformat(r[0]),
                          tuple((code, n) for (_id, code), n in zip(converters, r[1:-2], strict=True) if n),
                          whole(r[-2]), whole(r[-1])) for r in rows]

    # ---- end of reports and trends

    def heat_counts(self, date_from: date, date_to: date,
                    scope: Scope = EVERYTHING) -> list[tuple[date, str, int]]:
        """Heats made per production date and converter (for the records), in date order."""
        params = self._scope_params(date_from, date_to, scope)
        codes = {c.id: c.code for c in self.converters()}
        rows = self.conn.execute(
            "SELECT h.production_date, h.converter_id, count(*) FROM heat h "  # noqa: S608
            "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL" + _SCOPE_SQL
            + " GROUP BY h.production_date, h.converter_id ORDER BY h.production_date, h.converter_id",
            params)
        return [(date.fromisoformat(r[0]), codes[r[1]], r[2]) for r in rows]

    # ---- control limits frozen from a baseline period

    def control_limits(self, key: ChartKey) -> ControlLimits | None:
        """The limits frozen for a chart, if any (none: they are recomputed from what is shown)."""
        r = self.conn.execute(
            "SELECT date_from, date_to, centre, spread, n FROM control_limits WHERE chart = ? "
            "AND grade = ? AND element = ? AND converter = ? AND shift = ?", _key_params(key)).fetchone()
        return ControlLimits(key, date.fromisoformat(r[0]), date.fromisoformat(r[1]), r[2], r[3], r[4]) \
            if r else None

    def freeze_limits(self, limits: ControlLimits) -> ControlLimits:
        """Keep a chart's limits as computed from a baseline period; audited, by a workshop head
        or an administrator (replacing limits frozen before)."""
        key = limits.key
        if key.chart not in ("p", "imr") or (key.chart == "imr" and not (key.grade and key.element)):
            raise InputError(_("chart"), _("limits are frozen for a p-chart, or an I-MR chart of a "
                                           "grade's element"))
        if limits.date_to < limits.date_from:
            raise InputError(_("baseline"), _("{to} is before {frm}").format(to=limits.date_to,
                                                                            frm=limits.date_from))
        if limits.n < 1 or (key.chart == "imr" and limits.n < 2):
            raise InputError(_("baseline"), _("the baseline period has too little data to compute "
                                              "limits from"))
        if not all(math.isfinite(v) for v in (limits.centre, limits.spread or 0.0)):
            raise InputError(_("baseline"), _("control limits are finite numbers"))
        if key.chart == "p" and not 0 <= limits.centre <= 1:
            raise InputError(_("baseline"), _("a fraction nonconforming is from 0 to 1"))
        if key.chart == "imr" and (limits.spread is None or limits.spread < 0):
            raise InputError(_("baseline"), _("an I-MR chart needs the mean moving range"))
        spread = limits.spread if key.chart == "imr" else None
        record = {"from": limits.date_from.isoformat(), "to": limits.date_to.isoformat(),
                  "centre": limits.centre, "spread": spread, "n": limits.n}
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.control_limits(key)
            db.execute("INSERT INTO control_limits (chart, grade, element, converter, shift, date_from, "
                       "date_to, centre, spread, n) VALUES (:chart, :grade, :element, :converter, :shift, "
                       ":from, :to, :centre, :spread, :n) ON CONFLICT DO UPDATE SET "
                       "date_from = excluded.date_from, date_to = excluded.date_to, "
                       "centre = excluded.centre, spread = excluded.spread, n = excluded.n",
                       {"chart": key.chart, "grade": key.grade, "element": key.element,
                        "converter": key.converter, "shift": key.shift, **record})
            self._audit("insert" if current is None else "update", "control_limits", _key_name(key),
                        old=None if current is None else _limits_record(current), new=record,
                        record=(records.LIMITS, self._limits_rec(key)))
        return replace(limits, spread=spread)

    def unfreeze_limits(self, key: ChartKey) -> ControlLimits:
        """Go back to limits recomputed from what is shown; audited, keeping the old figures."""
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.control_limits(key)
            if current is None:
                raise NotFound(_("no limits are frozen for this chart"))
            db.execute("DELETE FROM control_limits WHERE chart = ? AND grade = ? AND element = ? "
                       "AND converter = ? AND shift = ?", _key_params(key))
            self._audit("delete", "control_limits", _key_name(key), old=_limits_record(current),
                        record=(records.LIMITS, self._limits_rec(key)))
        return current

    def _limits_rec(self, key: ChartKey) -> str:
        """The key frozen limits are named by in the audit trail (`qcdesk.records`)."""
        return str(self.conn.execute("SELECT json_array(?, ?, ?, ?, ?)", _key_params(key)).fetchone()[0])

    def defective_ingots(self, date_from: date, date_to: date) -> tuple[int, float]:
        """How many ingots of heats of production dates from..to carry at least one defect, and their
        weight in kg: each ingot once, however many defects it has (the Pareto counts it per defect)."""
        r = self.conn.execute(
            "SELECT count(*), total(i.weight_kg) FROM heat h JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "AND EXISTS (SELECT 1 FROM ingot_defect idf WHERE idf.ingot_id = i.id AND idf.voided = 0)",
            (date_from.isoformat(), date_to.isoformat())).fetchone()
        return int(r[0]), float(r[1])

    def heat_nos_starting(self, prefix: str, limit: int = 50) -> list[str]:
        """Heat numbers beginning with `prefix`, latest tapped first (to complete a typed number)."""
        pattern = normalise_code(prefix).strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [r[0] for r in self.conn.execute(
            "SELECT heat_no FROM heat WHERE heat_no LIKE ? ESCAPE '\\' AND void_reason IS NULL "
            "ORDER BY tapped_at DESC, heat_no LIMIT ?", (pattern + "%", limit))]

    def heat_sums(self, heat_no: str) -> RateSums:
        """The sums behind every rate, for one heat (the same aggregate as `rate_sums`)."""
        row = self._heat_row(heat_no)
        return _sums_of(tuple(self.conn.execute(_HEAT_SUMS_SQL, (row["id"],)).fetchone()))

    def nonconforming_heats(self, date_from: date, date_to: date) -> list[tuple[Heat, HeatCheck]]:
        """The heats of production dates from..to whose chemistry fails, with their verdicts."""
        editions = self._editions_by_grade()
        return [(heat, check_chemistry(in_force(editions.get(heat.grade, ()), heat.tapped_at.date()),
                                       heat.analysis))
                for heat in self.heats(date_from, date_to, status=ChemStatus.FAILS)]

    def most_heats_in_a_day(self, before: date, converter: str | None = None) -> tuple[int, date] | None:
        """The most heats made in one production date before `before` (by one converter, or the
        whole workshop), and the first date it was reached; None when there was no earlier day."""
        row = self.conn.execute(
            "SELECT n, production_date FROM (SELECT h.production_date, count(*) AS n FROM heat h "
            "JOIN converter c ON c.id = h.converter_id "
            "WHERE h.production_date < ? AND (c.code = ? OR ? IS NULL) AND h.void_reason IS NULL "
            "GROUP BY h.production_date) "
            "ORDER BY n DESC, production_date LIMIT 1",
            (before.isoformat(), converter, converter)).fetchone()
        return (row[0], date.fromisoformat(row[1])) if row else None

    def most_heats_per_converter(self, before: date) -> dict[str, tuple[int, date]]:
        """For each converter, the most heats it made in one production date before `before`
        and the first date it was reached (one pass over the heats, for the records)."""
        codes = {c.id: c.code for c in self.converters()}
        best: dict[str, tuple[int, str]] = {}
        # grouped in the order of the heat_live_by_day index (heats not voided), which covers it
        for conv_id, day, n in self.conn.execute(
                "SELECT converter_id, production_date, count(*) FROM heat WHERE production_date < ? "
                "AND void_reason IS NULL GROUP BY production_date, converter_id", (before.isoformat(),)):
            n_best, day_best = best.get(codes[conv_id], (0, ""))
            if n > n_best or (n == n_best and day < day_best):
                best[codes[conv_id]] = (n, day)
        return {code: (n, date.fromisoformat(day)) for code, (n, day) in best.items()}

    def best_daily_rate(self, before: date) -> tuple[float, date] | None:
        """The best daily ingot qualified rate (by weight) of the production dates before
        `before`, and the first date it was reached; None when no earlier day has one."""
        row = self.conn.execute(
            "SELECT production_date, rate FROM (SELECT production_date, "
            "total(w_surface_ok_kg - w_pa_fails_ok_kg) FILTER (WHERE chem_status = 'conforms') "
            "/ total(w_judged_kg) FILTER (WHERE chem_status <> 'not_checked') AS rate "
            "FROM heat WHERE production_date < ? AND void_reason IS NULL GROUP BY production_date) "
            "WHERE rate IS NOT NULL ORDER BY rate DESC, production_date LIMIT 1",
            (before.isoformat(),)).fetchone()
        return (row[1], date.fromisoformat(row[0])) if row else None


# ---- desktop: history browser and set-up (the types and fixed SQL of Store.count_heats/heat_page)

@dataclass(frozen=True)
class HeatFilter:
    """What the history browser shows: production dates from..to (inclusive; None: open) and
    one converter, grade, shift code or status each (None: any)."""

    date_from: date | None = None
    date_to: date | None = None
    converter: str | None = None
    grade: str | None = None
    shift: str | None = None
    status: ChemStatus | None = None

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def params(self) -> tuple[object, ...]:
        """The bound values of _HISTORY_WHERE, in order."""
        others = (self.converter, self.converter, self.grade, self.grade, self.shift, self.shift,
                  None if self.status is None else ChemStatus(self.status).value,
                  None if self.status is None else ChemStatus(self.status).value)
        if not self.dated:
            return others
        low = self.date_from.isoformat() if self.date_from else "0001-01-01"
        high = self.date_to.isoformat() if self.date_to else "9999-12-31"
        return (*others, low, high)


@dataclass(frozen=True)
class HeatListRow:
    """One heat as the history browser lists it, with its ingot rates as the core defines them."""

    heat_no: str
    production_date: date
    shift: str
    converter: str
    grade: str
    tapped_at: datetime
    tap_weight_t: float
    chem_status: ChemStatus
    ingots_judged: int
    ingots: int
    sums: RateSums

    @property
    def ingot_qualified_rate(self) -> float | None:
        """By weight (DOMAIN.md); None where undefined."""
        return Rates.of(self.sums).ingot_qualified_rate

    @property
    def ingot_qualified_rate_by_count(self) -> float | None:
        return Rates.of(self.sums).ingot_qualified_rate_by_count


@dataclass(frozen=True)
class HeatPage:
    """A page of heats and the key to ask for the next one (None: this was the last)."""

    rows: tuple[HeatListRow, ...]
    after: tuple[Any, ...] | None


def _history_row(r: sqlite3.Row) -> HeatListRow:
    status = ChemStatus(r["chem_status"])
    checked = status is not ChemStatus.NOT_CHECKED
    conforms = status is ChemStatus.CONFORMS
    n_judged, n_ok, w_judged, w_ok = r["n_judged"], r["n_surface_ok"], r["w_judged_kg"], r["w_surface_ok_kg"]
    # leaving out the ingots failing a product analysis (the same subtraction as _SUMS_SQL's)
    n_qualified, w_qualified = n_ok - r["n_pa_fails_ok"], w_ok - r["w_pa_fails_ok_kg"]
    # one heat's RateSums: the same sums _SUMS_SQL adds up over many heats
    sums = RateSums(
        heats=1, heats_checked=int(checked), heats_conforming=int(conforms),
        output_t=r["tap_weight_t"], output_checked_t=r["tap_weight_t"] if checked else 0.0,
        output_conforming_t=r["tap_weight_t"] if conforms else 0.0,
        ingots=r["n_ingots"], ingots_pending=r["n_ingots"] - n_judged,
        ingots_surface_judged=n_judged, ingots_surface_ok=n_ok,
        weight_surface_judged_kg=w_judged, weight_surface_ok_kg=w_ok,
        ingots_judged=n_judged if checked else 0, ingots_qualified=n_qualified if conforms else 0,
        weight_judged_kg=w_judged if checked else 0.0,
        weight_qualified_kg=w_qualified if conforms else 0.0,
        ingots_awaiting_chemistry=0 if checked else n_judged,
        weight_awaiting_chemistry_kg=0.0 if checked else w_judged,
        ingots_failing_product_analysis=r["n_pa_fails"],
        weight_failing_product_analysis_kg=r["w_pa_fails_kg"])
    return HeatListRow(r["heat_no"], date.fromisoformat(r["production_date"]), r["shift_code"],
                       r["converter_code"], r["grade"], datetime.fromisoformat(r["tapped_at"]),
                       r["tap_weight_t"], status, n_judged, r["n_ingots"], sums)


# The history browser's sort keys: each a fixed list of SQL expressions (never user text),
# ended by h.id so that every row has a distinct key for keyset paging.
_HISTORY_KEYS: dict[str, tuple[str, ...]] = {
    "heat_no": ("h.heat_no",),
    "production_date": ("h.production_date", "h.tapped_at"),
    "shift": ("s.seq", "h.tapped_at"),
    "converter": ("length(c.code)", "c.code", "h.tapped_at"),
    "grade": ("h.grade", "h.tapped_at"),
    "tapped_at": ("h.tapped_at",),
    "tap_weight_t": ("h.tap_weight_t", "h.tapped_at"),
    "chem_status": ("h.chem_status", "h.tapped_at"),
    "ingots": ("h.n_judged", "h.n_ingots", "h.tapped_at"),
    "ingot_qualified_rate": (_RATE_SQL, "h.tapped_at"),
}
HISTORY_SORTS = tuple(_HISTORY_KEYS)
# Sorts that walk an index (migration 2 and schema 1): a page costs milliseconds whatever the
# filter. The others sort every heat the filter lets through for each page.
HISTORY_QUICK_SORTS = frozenset({"heat_no", "production_date", "grade", "tapped_at"})
# Converter and shift are looked up by code once, not joined for every heat counted.
_HISTORY_FILTER = ("WHERE (? IS NULL OR h.converter_id = (SELECT id FROM converter WHERE code = ?)) "
                   "AND (h.grade = ? OR ? IS NULL) "
                   "AND (? IS NULL OR h.shift_id = (SELECT id FROM shift WHERE code = ?)) "
                   "AND (h.chem_status = ? OR ? IS NULL) AND h.void_reason IS NULL")
# Undated, the planner walks the sort key's index (no sort); dated, the date index narrows first.
_HISTORY_FILTERS = {False: _HISTORY_FILTER,
                    True: _HISTORY_FILTER + " AND h.production_date BETWEEN ? AND ?"}
_HISTORY_COUNT = {dated: "SELECT count(*) FROM heat h " + where  # noqa: S608 - fixed texts
                  for dated, where in _HISTORY_FILTERS.items()}
_HISTORY_COUNT_ALL = "SELECT count(*) FROM heat WHERE void_reason IS NULL"
_HISTORY_WHERE = {dated: "FROM heat h JOIN converter c ON c.id = h.converter_id "
                         "JOIN shift s ON s.id = h.shift_id " + where
                  for dated, where in _HISTORY_FILTERS.items()}
_HISTORY_COLUMNS = ("SELECT h.heat_no, h.production_date, s.code AS shift_code, c.code AS converter_code, "
                    "h.grade, h.tapped_at, h.tap_weight_t, h.chem_status, h.n_ingots, h.n_judged, "
                    "h.n_surface_ok, h.w_judged_kg, h.w_surface_ok_kg, h.n_pa_fails, h.w_pa_fails_kg, "
                    "h.n_pa_fails_ok, h.w_pa_fails_ok_kg")


def _history_page_sql(keys: tuple[str, ...], descending: bool, dated: bool) -> tuple[str, str]:
    """The fixed texts of a first page and a following page for one sort key."""
    exprs = (*keys, "h.id")
    way = " DESC" if descending else ""
    select = _HISTORY_COLUMNS + "".join(f", {e} AS k{i}" for i, e in enumerate(exprs)) + " "
    order = " ORDER BY " + ", ".join(e + way for e in exprs) + " LIMIT ?"
    after = (" AND (" + ", ".join(exprs) + (") < (" if descending else ") > (")
             + ", ".join("?" * len(exprs)) + ")")
    return (select + _HISTORY_WHERE[dated] + order,
            select + _HISTORY_WHERE[dated] + after + order)


_HISTORY_PAGE = {(sort, descending, dated): _history_page_sql(keys, descending, dated)
                 for sort, keys in _HISTORY_KEYS.items() for descending in (False, True)
                 for dated in (False, True)}

# ---- end of desktop: history browser and set-up


# The trends' scope, with the named parameters _scope_params binds.
_SCOPE_SQL = (" AND (:conv IS NULL OR h.converter_id = :conv) AND (:shift IS NULL OR h.shift_id = :shift)"
              " AND (:grade IS NULL OR h.grade = :grade)")
_PARETO_WHERE = "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
# exports (speed-output, issue 17): the rows of Store.iter_ingots and Store.heats, as plain values
_EXPORT_INGOTS_SQL = (
    "SELECT h.heat_no, i.ingot_no, i.weight_kg, i.disposition, coalesce((SELECT group_concat("
    "d.defect_code || coalesce('@' || d.location, ''), ';') FROM (SELECT * FROM ingot_defect "
    "WHERE ingot_id = i.id AND voided = 0 ORDER BY seq) d), ''), i.inspector, "
    "coalesce(i.regrade_to, '') FROM heat h JOIN ingot i ON i.heat_id = h.id "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
    "ORDER BY h.tapped_at, h.heat_no, i.ingot_no")
_EXPORT_HEATS_SQL = (
    "SELECT h.id, h.heat_no, c.code, h.tapped_at, h.grade, h.tap_weight_t, h.tap_temp_c, h.inspector, "
    "h.notes, a.element, a.value_pct FROM heat h JOIN converter c ON c.id = h.converter_id "
    "LEFT JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL "
    "ORDER BY h.tapped_at, h.heat_no")
_EXPORT_ELEMENTS_SQL = (
    "SELECT DISTINCT a.element FROM heat h JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL")
_EXPORT_NOTES_SQL = ("SELECT 1 FROM heat h WHERE h.production_date BETWEEN ? AND ? "
                     "AND h.void_reason IS NULL AND h.notes <> '' LIMIT 1")
_PARETO_BY_HEAT = (
    "SELECT d.code, d.name_en, d.name_zh, count(*), total(x.weight_kg) FROM ("  # noqa: S608 - fixed text
    "  SELECT DISTINCT i.id, i.weight_kg, idf.defect_code FROM heat h "
    "  JOIN ingot i ON i.heat_id = h.id JOIN ingot_defect idf ON idf.ingot_id = i.id "
    "  " + _PARETO_WHERE + " AND i.void_reason IS NULL AND idf.voided = 0) x "
    "JOIN defect d ON d.code = x.defect_code "
    "GROUP BY d.code ORDER BY count(*) DESC, total(x.weight_kg) DESC, d.code")
_PARETO_BY_DEFECT = _PARETO_BY_HEAT.replace(
    "FROM heat h   JOIN ingot i ON i.heat_id = h.id JOIN ingot_defect idf ON idf.ingot_id = i.id",
    "FROM ingot_defect idf CROSS JOIN ingot i ON i.id = idf.ingot_id CROSS JOIN heat h ON h.id = i.heat_id")


def _key_params(key: ChartKey) -> tuple[str, str, str, str, str]:
    return key.chart, key.grade, key.element, key.converter, key.shift


def _limits_record(limits: ControlLimits) -> dict[str, object]:
    return {"from": limits.date_from.isoformat(), "to": limits.date_to.isoformat(),
            "centre": limits.centre, "spread": limits.spread, "n": limits.n}


def _key_name(key: ChartKey) -> str:
    """A frozen chart's name in the audit log: "p", "p/Q235B/-/2/B", "imr/Q235B/C/-/-"."""
    parts = [part or "-" for part in _key_params(key)]
    while parts[-1] == "-":
        parts.pop()
    return "/".join(parts)


# entries' canonical text in id order (chain.ENTRY_SQL, a fixed expression)
_ENTRIES_SQL = "SELECT id, " + chain.ENTRY_SQL + " FROM audit WHERE id > ? AND id <= ? ORDER BY id"  # noqa: S608
# an entry of the log kept before schema 9, its content fields in chain order (fixed names)
_LEGACY_ENTRY_SQL = "SELECT " + ", ".join(chain.CONTENT_FIELDS) + " FROM audit_v1 WHERE id = ?"  # noqa: S608
_COUNTS = {table: f"SELECT count(*) FROM {table}"  # noqa: S608 - fixed table names
           for table in ("converter", "shift", "grade", "standard", "defect", "heat", "heat_analysis",
                         "ingot", "ingot_defect", "audit", "audit_v1", "audit_block", "person",
                         "signature", "plan", "control_limits", "sample")}


def _set_pragma(conn: sqlite3.Connection, name: str, value: int) -> None:
    """PRAGMAs take no bound parameters: only a known name and a whole number go in."""
    if name not in ("busy_timeout", "application_id", "user_version") or not isinstance(value, int):
        raise ValueError(f"refusing PRAGMA {name!r} = {value!r}")
    conn.execute("PRAGMA " + name + " = " + str(value))


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into complete statements (triggers included)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete statement in migration: {buffer[:80]!r}")


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


def _validate_analysis(values: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for element, value in values.items():
        symbol = element.strip()
        if symbol not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=element))
        out[symbol] = check_range(value, symbol, CHEMISTRY_PCT)
    return out


# A preliminary sample is taken from the bath during the blow, before the tap: this long at most.
PRELIMINARY_BEFORE_TAP = timedelta(hours=2)
# The columns of a heat sample that a replacement may change: names from this fixed tuple only.
_SAMPLE_UPDATES = {column: f"UPDATE sample SET {column} = ? WHERE id = ?"  # noqa: S608
                   for column in ("sample_no", "taken_at", "entered_by")}


def _sample_kind(kind: SampleKind | str) -> SampleKind:
    try:
        return SampleKind(kind)
    except ValueError:
        raise InputError(_("kind"), _("{kind!r} is not a kind of sample; use one of: {known}").format(
            kind=kind, known=" ".join(k.value for k in SampleKind))) from None


def _check_taken_at(kind: SampleKind, taken: datetime, tapped: datetime, now: datetime) -> datetime:
    """When a sample was taken, to the minute: not before the tap (a preliminary sample, taken
    during the blow, PRELIMINARY_BEFORE_TAP before it at most), and not far ahead of the clock."""
    taken = check_tap_time(taken.replace(second=0, microsecond=0), now, N_("taken_at"))
    if kind is SampleKind.PRELIMINARY and taken < tapped - PRELIMINARY_BEFORE_TAP:
        raise InputError(_("taken_at"), _(
            "{taken} is more than {hours} hours before the tap ({tapped}): a preliminary sample is "
            "taken during the blow").format(taken=_minutes(taken), hours=int(
                PRELIMINARY_BEFORE_TAP.total_seconds() // 3600), tapped=_minutes(tapped)))
    if kind is not SampleKind.PRELIMINARY and taken < tapped:
        raise InputError(_("taken_at"), _("{taken} is before the tap ({tapped})").format(
            taken=_minutes(taken), tapped=_minutes(tapped)))
    return taken


def _sample_record(sample: Sample) -> dict[str, object]:
    """Everything recorded of a sample, as the audit log keeps it."""
    return {"kind": sample.kind.value, "sample": sample.sample_no, "ingot_no": sample.ingot_no,
            "taken_at": _minutes(sample.taken_at), "entered_by": sample.entered_by,
            "values": dict(sample.values)}


def _validate_tolerances(classes: Sequence[ToleranceClass]) -> tuple[ToleranceClass, ...]:
    """A tolerance table's classes, checked and in order (by element, then by the limits they
    hold): per element, the classes' upper ends rise, and only the last may have none."""
    if not classes:
        raise InputError(_("tolerances"), _("an edition must give at least one class"))
    by_element: dict[str, list[ToleranceClass]] = defaultdict(list)
    for cls in classes:
        if cls.element not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=cls.element))
        if cls.below_pct is None and cls.above_pct is None:
            raise InputError(cls.element, _("a class needs a deviation below, above or both"))
        for value in (cls.up_to_pct, cls.below_pct, cls.above_pct):
            if value is not None:
                check_range(value, cls.element, CHEMISTRY_PCT)
        by_element[cls.element].append(cls)
    ordered: list[ToleranceClass] = []
    for element in sorted(by_element, key=element_sort_key):
        rows = sorted(by_element[element], key=lambda c: (c.up_to_pct is None, c.up_to_pct or 0.0))
        ends = [c.up_to_pct for c in rows]
        if None in ends[:-1] or len(set(ends)) != len(ends):
            raise InputError(element, _("two classes hold the same limits: each class ends where "
                                        "the next begins, and only the last may have no upper end"))
        ordered += rows
    return tuple(ordered)


def _class_set(classes: Iterable[ToleranceClass]) -> list[tuple[object, ...]]:
    return sorted(((c.element, c.up_to_pct is None, c.up_to_pct or 0.0, c.below_pct, c.above_pct)
                   for c in classes), key=repr)


def _validate_limits(limits: Sequence[Limit]) -> None:
    if not limits:
        raise InputError(_("limits"), _("an edition must limit at least one element"))
    seen = set()
    for lim in limits:
        if lim.element not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=lim.element))
        if lim.element in seen:
            raise InputError(lim.element, _("is limited twice"))
        seen.add(lim.element)
        if lim.min_pct is None and lim.max_pct is None:
            raise InputError(lim.element, _("a limit needs a minimum, a maximum or both"))
        for bound in (lim.min_pct, lim.max_pct):
            if bound is not None:
                check_range(bound, lim.element, CHEMISTRY_PCT)
        if lim.min_pct is not None and lim.max_pct is not None and lim.min_pct > lim.max_pct:
            raise InputError(lim.element, _("the minimum is above the maximum"))


def _validate_ingot(new: NewIngot, catalogue: set[str], *, inspector_checked: bool = False) -> None:
    """Refuse an ingot's number, weight, inspector or defects; `inspector_checked`: its
    inspector's name already passed (an import repeats a few names)."""
    if not 1 <= new.ingot_no <= 9999:
        raise InputError(_("ingot number"), _("must be a whole number from 1 to 9999"))
    check_range(new.weight_kg, N_("ingot weight"), INGOT_WEIGHT_KG)
    if not inspector_checked:
        _clean_name(new.inspector, N_("inspector"), 80)
    seen = set()
    for d in new.defects:
        if d.code not in catalogue:
            raise InputError(_("defects"), _("{code!r} is not in the defect catalogue").format(
                code=d.code))
        if (d.code, d.location) in seen:
            raise InputError(_("defects"), _("{defect} is listed twice").format(defect=d))
        seen.add((d.code, d.location))


# The first live heat whose stored sums differ from its live ingots summed again by the
# migrations' own definition (weights within half a gram: the order of a float sum). The sums
# of the ingots failing a product analysis are summed again for the heats with such an ingot (a
# few: the partial index ingot_failing_product); every other heat's are 0.
# (constants of the migrations only)
_WRONG_SUMS_SQL = (
    "WITH s (heat_id, " + ", ".join(SURFACE_COLUMNS) + ") AS (SELECT heat_id, " + SURFACE_SUMS  # noqa: S608
    + " FROM ingot WHERE " + LIVE_INGOTS + " GROUP BY heat_id), "
    "f (heat_id, " + ", ".join(PRODUCT_COLUMNS) + ") AS (SELECT heat_id, " + PRODUCT_SUMS
    + " FROM ingot WHERE " + FAILING_INGOTS + " GROUP BY heat_id) "
    "SELECT h.heat_no FROM heat h LEFT JOIN s ON s.heat_id = h.id LEFT JOIN f ON f.heat_id = h.id "
    "WHERE h.void_reason IS NULL AND ("
    "h.n_ingots IS NOT coalesce(s.n_ingots, 0) OR h.n_judged IS NOT coalesce(s.n_judged, 0) "
    "OR h.n_surface_ok IS NOT coalesce(s.n_surface_ok, 0) "
    "OR NOT abs(h.w_judged_kg - coalesce(s.w_judged_kg, 0)) < 0.0005 "
    "OR NOT abs(h.w_surface_ok_kg - coalesce(s.w_surface_ok_kg, 0)) < 0.0005 "
    "OR h.n_pa_fails IS NOT coalesce(f.n_pa_fails, 0) OR h.n_pa_fails_ok IS NOT coalesce(f.n_pa_fails_ok, 0) "
    "OR NOT abs(h.w_pa_fails_kg - coalesce(f.w_pa_fails_kg, 0)) < 0.0005 "
    "OR NOT abs(h.w_pa_fails_ok_kg - coalesce(f.w_pa_fails_ok_kg, 0)) < 0.0005) "
    "ORDER BY h.id LIMIT 1")


# A live heat's verdict judged again as qcdesk.standards.check judges it: the edition in force
# on its tap date (the latest not after it); fails if a limited element is outside its limits,
# else not checked if one has no value (or there is no edition, or it limits nothing), else
# conforms. The first heat whose stored verdict or edition differs.
_WRONG_VERDICT_SQL = """
WITH e AS (
    SELECT h.id, h.heat_no, h.standard_id, h.chem_status,
           (SELECT s.id FROM standard s WHERE s.grade = h.grade
            AND s.effective_from <= substr(h.tapped_at, 1, 10)
            ORDER BY s.effective_from DESC LIMIT 1) AS edition
    FROM heat h WHERE h.void_reason IS NULL),
v AS (
    SELECT e.*, CASE
        WHEN e.edition IS NULL OR NOT EXISTS (SELECT 1 FROM standard_limit WHERE standard_id = e.edition)
            THEN 'not_checked'
        WHEN EXISTS (SELECT 1 FROM standard_limit l JOIN heat_analysis a ON a.heat_id = e.id
                     AND a.element = l.element AND a.voided = 0 WHERE l.standard_id = e.edition
                     AND (a.value_pct < l.min_pct OR a.value_pct > l.max_pct))
            THEN 'fails'
        WHEN EXISTS (SELECT 1 FROM standard_limit l WHERE l.standard_id = e.edition AND NOT EXISTS (
                     SELECT 1 FROM heat_analysis a WHERE a.heat_id = e.id AND a.element = l.element
                     AND a.voided = 0))
            THEN 'not_checked'
        ELSE 'conforms' END AS expected
    FROM e)
SELECT heat_no, chem_status, expected FROM v
WHERE chem_status IS NOT expected OR standard_id IS NOT edition ORDER BY id LIMIT 1
"""

# Per day and shift: the newest audit entry of its heats (voided ones too), their ingots and
# their samples, leaving out the seal of schema 9 (entries :lo < id <= :hi) and that of schema
# 10 (the samples' entries 'sealed'), with that heat's number. (`+h.id`, `+i.id`, `+m.id`: taken
# as they are, so that `audit.rec`, of no affinity, is looked up in its table's index; else
# SQLite reads every entry after the seal for each heat: hours on ten years of signed days.)
_CHANGED_SINCE_SQL = """
SELECT h.production_date, h.shift_id, max(coalesce(
    (SELECT max(id) FROM audit WHERE tbl = 'heat' AND rec = +h.id AND (id <= :lo OR id > :hi)), 0),
    coalesce((SELECT max(a.id) FROM ingot i JOIN audit a ON a.tbl = 'ingot' AND a.rec = +i.id
              WHERE i.heat_id = h.id AND (a.id <= :lo OR a.id > :hi)), 0),
    coalesce((SELECT max(a.id) FROM sample m JOIN audit a ON a.tbl = 'sample' AND a.rec = +m.id
              WHERE m.heat_id = h.id AND a.field IS NOT 'sealed'), 0)), h.heat_no
FROM heat h WHERE h.production_date IN (SELECT production_date FROM signature WHERE superseded_at IS NULL)
"""


def _minutes(moment: datetime) -> str:
    """A tap time as stored: 'YYYY-MM-DD HH:MM'."""
    return moment.isoformat(sep=" ", timespec="minutes")


def _audit_value(value: object) -> object:
    if isinstance(value, datetime):
        return _minutes(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _heat_record(heat: Heat) -> dict[str, object]:
    """Everything recorded of a heat, as the audit log keeps it."""
    return {"converter": heat.converter, "tapped_at": _minutes(heat.tapped_at),
            "production_date": heat.production_date.isoformat(), "shift": heat.shift,
            "grade": heat.grade, "tap_weight_t": heat.tap_weight_t, "tap_temp_c": heat.tap_temp_c,
            "inspector": heat.inspector, "notes": heat.notes, "analysis": dict(heat.analysis)}


def _described(tbl: str, state: list[Any], converters: Mapping[int, str],
               shift_codes: Mapping[int, str]) -> dict[str, object]:
    """A heat's or ingot's state (`qcdesk.records`) as its insert entry showed it before schema 9."""
    if tbl == records.HEAT:
        (_no, conv, tapped, day, shift, grade, weight, temp, inspector, notes, _void, rows) = state
        return {"converter": converters.get(conv, conv), "tapped_at": tapped, "production_date": day,
                "shift": shift_codes.get(shift, shift), "grade": grade, "tap_weight_t": weight,
                "tap_temp_c": temp, "inspector": inspector, "notes": notes,
                "analysis": {el: value for el, _seq, value, voided in rows if not voided}}
    (_heat, _no, weight, disposition, inspector, judged_at, _void, rows, *regrade_to) = state
    described = {"weight_kg": weight, "disposition": disposition, "inspector": inspector,
                 "judged_at": judged_at,
                 "defects": [code + (f"@{where}" if where else "") for _seq, code, where, voided in rows
                             if not voided]}
    return {**described, "regrade_to": regrade_to[0]} if regrade_to else described


def _judged_at(new: NewIngot, now: str) -> str | None:
    if not new.disposition.judged:
        return None
    return new.judged_at.strftime(_SECONDS) if new.judged_at else now


def _ingot_record(ingot: Ingot | NewIngot, judged_at: str | None = None) -> dict[str, object]:
    """Everything recorded of an ingot, as the audit log keeps it (`judged_at` as stored,
    for a new ingot; a saved one's own)."""
    if isinstance(ingot, Ingot) and ingot.judged_at is not None:
        judged_at = ingot.judged_at.strftime(_SECONDS)
    record: dict[str, object] = {
        "weight_kg": ingot.weight_kg, "disposition": ingot.disposition.value,
        "defects": [str(d) for d in ingot.defects], "inspector": ingot.inspector.strip(),
        "judged_at": judged_at}
    if ingot.regrade_to is not None:
        record["regrade_to"] = ingot.regrade_to
    return record


def _person(row: sqlite3.Row) -> Person:
    until = row["locked_until"]
    return Person(row["id"], row["name"], Role(row["role"]), bool(row["active"]), row["failed_logins"],
                  datetime.fromisoformat(until) if until else None)


def _signature(row: sqlite3.Row) -> signoff.Signature:
    return signoff.Signature(
        row["id"], signoff.Kind(row["kind"]), date.fromisoformat(row["production_date"]),
        row["shift_code"], row["signer"], row["role"], row["meaning"], row["signed_at"],
        row["records_hash"], row["chain_head"], row["superseded_at"], row["superseded_reason"])


def _describe(day: date, shift: str | None) -> str:
    if shift is None:
        return _("the day {day}").format(day=day)
    return _("shift {shift} of {day}").format(shift=shift, day=day)
