"""Backups of the database and their restore, through SQLite's online backup API.

A backup is taken while the program (here or on another workstation) may be
writing: the copy is made in steps with a pause between them, so a writer
waits at most one step; a write that lands between steps makes SQLite start
the copy again, and after a few restarts the last pass copies in one step. The
copy is checked (`PRAGMA integrity_check`, that it is a qcdesk database) and
only then renamed into place, after an fsync: a backup file is whole or absent.

A restore refuses a damaged file, a file of another program and a backup of a
newer schema than this program knows; it keeps the replaced database aside
(`<name>.before-restore-<time>.sqlite`) and writes the backup into the
database file through the same backup API, in one transaction of the
database's rollback journal, so a crash leaves the old or the new database,
never a mix. It does not rename a file over the database: a qcdesk left open
elsewhere would go on writing into the unlinked old file (SQLite's "How To
Corrupt" lists this), whereas the backup API changes the file they all share.

This module and `qcdesk.store` are the only places that speak to SQLite.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from qcdesk import health, journal, outputs
from qcdesk.errors import DatabaseError, QcError
from qcdesk.i18n import _
from qcdesk.migrations import APPLICATION_ID, LATEST
from qcdesk.store import BUSY_TIMEOUT_S, Store, environment_error
from qcdesk.verify import Report, verify_file

STEP_PAGES = 4096          # pages copied per step (16 MiB with 4 KiB pages: some 20-40 ms)
STEP_PAUSE_S = 0.02        # pause between steps, so a writer elsewhere goes on
MAX_RESTARTS = 3           # then the last pass copies in one step
KEEP_DAILY = 14            # the 14 newest daily backups
KEEP_WEEKLY = 8            # the newest backup of each of the 8 newest ISO weeks
KEEP_MONTHLY = 12          # the newest backup of each of the 12 newest months
_SQLITE_HEADER = b"SQLite format 3\x00"
_DATABASE_FILES = ("", "-journal", "-wal", "-shm")
_AUTO_STAMP = "%Y-%m-%d"


@dataclass(frozen=True)
class BackupFacts:
    """What a checked database file holds: its schema version and row counts of its tables."""

    path: Path
    schema_version: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Restored:
    """A restore done: the backup's facts and where the replaced database was kept (if any)."""

    facts: BackupFacts
    kept_aside: Path | None


class _Restart(Exception):
    """The copy restarted too often under a busy writer: copy again in one step."""


class _Busy(Exception):
    """The database stayed locked by another connection."""


# ------------------------------------------------------------------ helpers

def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection that never creates the file (`mode` "ro" or "rw")."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True,
                               timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise environment_error(exc) from exc
    return conn


def fsync_file(path: Path) -> None:
    """Make a file's contents durable before it is renamed into place."""
    with path.open("rb") as f:
        os.fsync(f.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    for suffix in _DATABASE_FILES:
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _header(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(16)
    except OSError as exc:
        raise QcError(_("{path} cannot be read: {error}").format(path=path, error=exc.strerror)) from exc


def _is_database_file(path: Path, db_path: Path) -> bool:
    """Is `path` the database at `db_path` or one of its journals, under any name?"""
    try:
        target, database = path.resolve(), db_path.resolve()
    except (OSError, RuntimeError):
        return False
    own = [database.with_name(database.name + suffix) for suffix in _DATABASE_FILES]
    return target in own or any(outputs.same_file(path, name) for name in own)


def check(conn: sqlite3.Connection, path: Path, *, newer_too: bool = False) -> BackupFacts:
    """Prove a database whole and ours: integrity_check ok, qcdesk's application id, a schema
    this program knows (or any, with `newer_too`); its row counts. DatabaseError says what
    is wrong."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        if problems != ["ok"]:
            found = "; ".join(problems[:3])
            raise health.Damaged(_("{path} is damaged: {problem}").format(path=path, problem=found), found)
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or version < 1:
            raise DatabaseError(_("{path} is not a qcdesk database").format(path=path))
        if version > LATEST and not newer_too:
            raise DatabaseError(_(
                "{path} was written by a newer qcdesk (schema {found}; this program knows up to "
                "{known}). Restore it with a newer qcdesk.").format(path=path, found=version,
                                                                    known=LATEST))
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        counts = {}
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'  # a name read from the schema itself
            counts[table] = conn.execute("SELECT count(*) FROM " + quoted).fetchone()[0]  # noqa: S608
    except sqlite3.DatabaseError as exc:
        raise health.Damaged(_("{path} is damaged: {problem}").format(path=path, problem=exc),
                             str(exc)) from exc
    return BackupFacts(path, version, counts)


def inspect(path: str | Path, db_path: str | Path | None = None) -> BackupFacts:
    """Check a backup file without changing it (see `check`); with `db_path`, also refuse
    the database itself given as its own backup."""
    path = Path(path)
    if db_path is not None and Path(db_path).exists() and _is_database_file(path, Path(db_path)):
        raise QcError(_("{path} is the database itself, not a backup of it").format(path=path))
    if not path.is_file():
        raise QcError(_("there is no backup file at {path}").format(path=path))
    if _header(path) != _SQLITE_HEADER:
        raise DatabaseError(_("{path} is not a qcdesk database").format(path=path))
    conn = _connect(path, "ro")
    try:
        return check(conn, path)
    finally:
        conn.close()


def _copy(source: sqlite3.Connection, dest: sqlite3.Connection, *, pages: int, pause: float,
          patience: float | None = None) -> None:
    """Copy `source` into `dest` by the online backup API: in steps of `pages` with `pause`
    between them while a writer restarts it at most MAX_RESTARTS times, then in one step.
    A database still busy after `patience` seconds (default: the busy timeout) raises _Busy."""
    patience = BUSY_TIMEOUT_S if patience is None else patience
    restarts = 0
    last = -1
    busy_since = 0.0
    one_step = pages < 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal restarts, last, busy_since
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):  # SQLite sleeps, then retries
            busy_since = busy_since or time.monotonic()
            if time.monotonic() - busy_since >= patience:
                raise _Busy
            return
        busy_since = 0.0
        if not one_step and last >= 0 and remaining > last:  # a write elsewhere: SQLite began again
            restarts += 1
            if restarts > MAX_RESTARTS:
                raise _Restart
        last = remaining
        if remaining:
            time.sleep(pause)

    try:
        source.backup(dest, pages=pages, progress=progress)
    except _Restart:
        one_step = True
        source.backup(dest, pages=-1, progress=progress)


def _write_checked_copy(source: sqlite3.Connection, target: Path, *, pages: int,
                        pause: float, checked: bool = True, newer_too: bool = False,
                        source_path: Path | None = None, now: datetime | None = None,
                        heads: Path | None = None) -> BackupFacts | None:
    """Copy `source` to a temporary file beside `target`, check it (unless not `checked`),
    fsync it, rename it into place. With `source_path` (the database backed up), what the
    check found is recorded as the database's last integrity check (`qcdesk.health`). With
    `heads` (the source's journal of chain heads), the copy keeps its own journal beside it,
    up to the copy's head."""
    tmp = target.with_name(target.name + ".part")
    _remove(tmp)  # left by a crash
    try:
        tmp.open("xb").close()  # an unwritable folder said as such, not as a database error
        dest = sqlite3.connect(tmp, isolation_level=None)
        try:
            _copy(source, dest, pages=pages, pause=pause)
            try:
                facts = check(dest, target, newer_too=newer_too) if checked else None
            except health.Damaged as exc:  # a page-for-page copy: the database is damaged
                if source_path is None:
                    raise
                raise _damaged_source(source_path, exc.found, now) from exc
            if facts is not None and source_path is not None:
                health.record(source_path, True, "ok", "backup", now)
            head = chain_head_of(dest) if heads is not None else None
        finally:
            dest.close()
        fsync_file(tmp)
        own = target.with_name(target.name + journal.SUFFIX)
        if head is None or heads is None or not journal.copy_up_to(heads, own, head[1]):
            _remove(own)  # a journal that is not this copy's would only mislead
        os.replace(tmp, target)
        fsync_folder(target.parent)
    except BaseException:
        _remove(tmp)
        raise
    return facts


def chain_head_of(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """(last entry id, head) of a database's audit chain; None before it had one."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    try:
        if version >= 9:
            row = conn.execute("SELECT last_id, hash FROM audit_block ORDER BY last_id DESC LIMIT 1"
                               ).fetchone()
            if row:
                return int(row[0]), bytes(row[1]).hex()
        row = conn.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1" if version >= 9
                           else "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return (int(row[0]), str(row[1])) if row and row[1] else None


def _damaged_source(db_path: Path, found: str, now: datetime | None) -> health.Damaged:
    """Record that the database failed its integrity check (so that writes are refused
    from now on); the error that says so."""
    health.record(db_path, False, found, "backup", now)
    return health.Damaged(_("{db} failed its integrity check ({found}): no backup was written, and "
                            "nothing more is saved in it. Restore a backup (qcdesk restore).").format(
        db=db_path, found=found), found)


# ------------------------------------------------------------------- backup

def backup(db_path: str | Path, target: str | Path, *, force: bool = False,
           now: datetime | None = None, pages: int = STEP_PAGES,
           pause: float = STEP_PAUSE_S) -> BackupFacts:
    """Back up the database at `db_path` to `target` while others may write to it.

    A folder as `target` receives `<name>-<YYYYmmdd-HHMMSS>.sqlite`. An existing file
    is replaced only with `force`, and never the database or its journals. The copy
    is checked before it is renamed into place; its facts are returned.
    """
    db_path, target = Path(db_path), Path(target)
    if target.is_dir():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = target / f"{db_path.stem}-{stamp}.sqlite"
    outputs.check_target(target, db_path, force=force, backup=True)
    if not db_path.is_file():
        raise DatabaseError(_("there is no database at {path}").format(path=db_path))
    if _header(db_path) != _SQLITE_HEADER:
        raise DatabaseError(_("{path} is not a qcdesk database").format(path=db_path))
    try:
        source = _connect(db_path, "rw")  # "rw": a crashed writer's journal is rolled back first
    except DatabaseError:
        source = _connect(db_path, "ro")  # a database we may only read
    try:
        # a newer program's database is backed up too: the copy is not opened, only kept
        facts = _write_checked_copy(source, target, pages=pages, pause=pause, newer_too=True,
                                    source_path=db_path, now=now, heads=journal.journal_path(db_path))
        assert facts is not None
        return facts
    except _Busy as exc:
        raise DatabaseError(_("the database stayed busy: no backup was written. "
                              "Try again in a moment.")) from exc
    except sqlite3.Error as exc:
        if health.is_damage(exc):  # SQLite could not read a page of the database to copy it
            raise _damaged_source(db_path, str(exc), now) from exc
        raise environment_error(exc) from exc
    except OSError as exc:
        raise QcError(_("{path} cannot be written: {error}").format(
            path=target, error=exc.strerror or exc)) from exc
    finally:
        source.close()


# ----------------------------------------------------------- automatic backups

def auto_backup_name(db_path: Path, day: date) -> str:
    return f"{db_path.stem}-auto-{day.strftime(_AUTO_STAMP)}.sqlite"


def _auto_pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(db_path.stem) + r"-auto-([0-9]{4}-[0-9]{2}-[0-9]{2})\.sqlite")


def auto_backups(db_path: str | Path, folder: str | Path) -> dict[date, Path]:
    """The automatic backups of this database found in `folder`, by day: only the files whose
    names this module makes (`<name>-auto-YYYY-MM-DD.sqlite`)."""
    db_path, folder = Path(db_path), Path(folder)
    pattern = _auto_pattern(db_path)
    found: dict[date, Path] = {}
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_file() or path.is_symlink():
            continue
        try:
            found[datetime.strptime(match[1], _AUTO_STAMP).date()] = path
        except ValueError:
            continue
    return found


def to_keep(days: Iterable[date], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY,
            monthly: int = KEEP_MONTHLY) -> set[date]:
    """The retention rule: the `daily` newest days, the newest day of each of the `weekly`
    newest ISO weeks and of each of the `monthly` newest months."""
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:daily])
    weeks: dict[tuple[int, int], date] = {}
    months: dict[tuple[int, int], date] = {}
    for day in newest_first:
        weeks.setdefault(day.isocalendar()[:2], day)
        months.setdefault((day.year, day.month), day)
    keep.update(list(weeks.values())[:weekly])
    keep.update(list(months.values())[:monthly])
    return keep


def automatic_backup(db_path: str | Path, folder: str | Path, now: datetime) -> Path | None:
    """The day's automatic backup, when the program starts: made once a day into `folder`
    (the path returned; None when today's exists or there is no database yet), then the
    automatic backups outside the retention rule (`to_keep`) are removed. Other files in
    the folder are never touched. Raises QcError when the backup cannot be made."""
    db_path, folder = Path(db_path), Path(folder)
    if not db_path.is_file():
        return None
    existing = auto_backups(db_path, folder)
    today = now.date()
    made = None
    if today not in existing:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QcError(_("{path} cannot be written: {error}").format(
                path=folder, error=exc.strerror or exc)) from exc
        made = folder / auto_backup_name(db_path, today)
        backup(db_path, made, now=now)  # its check is recorded at `now`
        existing[today] = made
    keep = to_keep(existing)
    for day, path in existing.items():
        if day not in keep:
            try:
                path.unlink(missing_ok=True)
                path.with_name(path.name + journal.SUFFIX).unlink(missing_ok=True)
            except OSError:  # pruned another day; the backup itself is made
                continue
    return made


def default_backup_folder(db_path: str | Path) -> Path:
    """Where automatic backups go unless told: a `backups` folder beside the database."""
    return Path(db_path).parent / "backups"


# ------------------------------------------------------------------ restore

def kept_aside_name(db_path: Path, now: datetime) -> Path:
    return db_path.with_name(f"{db_path.stem}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}.sqlite")


def check_backup(backup_file: str | Path, *, force: bool = False) -> Report:
    """`qcdesk verify` of a backup, on a copy of it. Refused (QcError) when it fails, unless
    `force`: then the report says what failed, for the restore's audit entry."""
    backup_file = Path(backup_file)
    checked = verify_file(backup_file)
    if not checked.ok and not force:
        raise QcError(_("{path} does not pass verify: {problem}. Nothing was restored. Restore it "
                        "only if you know why (--force); the restore is then audited with what "
                        "verify said.").format(path=backup_file, problem=checked.problem))
    return checked


def restore(backup_file: str | Path, db_path: str | Path, *, now: datetime | None = None,
            user: str | None = None, force: bool = False,
            checked: Report | None = None) -> Restored:
    """Replace the database at `db_path` by a checked backup.

    Refused, with nothing changed: a damaged file, a file that is not a qcdesk database,
    a backup of a newer schema, the database itself, a backup that fails `qcdesk verify`
    (its chain, its signatures, its figures) unless `force`, and a database that another
    connection holds locked (close qcdesk everywhere first). The replaced database is
    first copied to `<name>.before-restore-<time>.sqlite` beside it. The restore is then
    audited in the restored database as `user` (see `Store.record_restore`). `checked` is
    `check_backup`'s report when the caller already verified this file (to show it before
    asking whether to go on); otherwise the restore verifies it.
    """
    backup_file, db_path = Path(backup_file), Path(db_path)
    now = now or datetime.now()
    facts = inspect(backup_file, db_path)
    if db_path.exists() and not db_path.is_file():
        raise DatabaseError(_("{path} is a folder, not a database file").format(path=db_path))
    if checked is None:
        checked = check_backup(backup_file, force=force)
    replaced_head = _chain_head(db_path)
    done = _restore(backup_file, db_path, facts, now)
    _restore_journal(backup_file, db_path, done.kept_aside)
    health.record(db_path, True, "ok", "restore", now)  # the backup passed its integrity check
    with Store.open(db_path, user, create=False) as store:
        store.record_restore(backup_file.resolve(), checked.chain_head, done.kept_aside, replaced_head,
                             checked.problem)
    return done


def _chain_head(db_path: Path) -> str | None:
    """The chain head of the database about to be replaced; None if it has none or cannot
    be read (damaged, absent, older than the chain)."""
    if not db_path.is_file():
        return None
    try:
        conn = _connect(db_path, "ro")
        try:
            found = chain_head_of(conn)
        finally:
            conn.close()
    except (sqlite3.Error, QcError):
        return None
    return found[1] if found else None


def _restore_journal(backup_file: Path, db_path: Path, aside: Path | None) -> None:
    """The journal follows its database: the replaced one's goes aside with it, and the
    backup's (if it has one) becomes the database's; without one, the restore's own write
    starts a new journal at the backup's head (verify then says the journal starts late)."""
    live = journal.journal_path(db_path)
    own = backup_file.with_name(backup_file.name + journal.SUFFIX)
    try:
        if live.is_file():
            if aside is not None:
                shutil.copyfile(live, aside.with_name(aside.name + journal.SUFFIX))
            live.unlink()
        if own.is_file():
            shutil.copyfile(own, live)
    except OSError as exc:
        raise QcError(_("the journal of chain heads {path} cannot be written: {error}").format(
            path=live, error=exc.strerror or exc)) from exc


def _restore(backup_file: Path, db_path: Path, facts: BackupFacts, now: datetime) -> Restored:
    source = _connect(backup_file, "ro")
    try:
        if not db_path.exists():  # nothing to keep aside: a new file, whole or absent
            db_path.parent.mkdir(parents=True, exist_ok=True)
            _write_checked_copy(source, db_path, pages=-1, pause=0)
            return Restored(facts, None)
        if _header(db_path) not in (_SQLITE_HEADER, b""):
            raise DatabaseError(_("{path} is not a qcdesk database; it was left untouched.").format(
                path=db_path))
        aside = kept_aside_name(db_path, now)
        _keep_aside(db_path, aside)
        try:
            dest = _connect(db_path, "rw")
            try:
                # one step, one transaction of the database's journal: the old or the new, never a
                # mix; the connection's busy timeout was the wait for a writer elsewhere
                _copy(source, dest, pages=-1, pause=0, patience=0)
            finally:
                dest.close()
        except BaseException:
            aside.unlink(missing_ok=True)  # nothing was replaced: nothing to keep aside
            raise
        return Restored(facts, aside)
    except _Busy as exc:
        raise DatabaseError(_("the database is in use by another qcdesk (a window or a command on "
                              "this or another workstation): close it and try again. Nothing "
                              "was restored.")) from exc
    except sqlite3.Error as exc:
        raise environment_error(exc) from exc
    finally:
        source.close()


def _keep_aside(db_path: Path, aside: Path) -> None:
    """Copy the database about to be replaced beside it: by the backup API, or byte for byte
    when it is too damaged for SQLite to read."""
    conn = _connect(db_path, "rw")
    try:
        _write_checked_copy(conn, aside, pages=-1, pause=0, checked=False)
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError:
        shutil.copyfile(db_path, aside)
        fsync_file(aside)
    finally:
        conn.close()
