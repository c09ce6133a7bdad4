"""The database file's state, kept outside it: its last integrity check, and whether the
file at the path is still the one a connection opened.

A damaged file must not be written, so what the daily check found is kept in a small
JSON file beside the database (``<database file>.check``): when, whether it passed,
what was found, and the database file's size, modification time and identity then.
While it records a failed check of this very file (same device and inode), every
write is refused (`refuse_writes_if_damaged`, called where a write transaction
begins) until `qcdesk restore` or a check that passes records otherwise.

A file deleted or replaced under a running program is told apart from a read-only
one by comparing the file's identity (device, inode) at opening with the path's now
(`moved`): SQLite says only "readonly" then, or nothing at all in the middle of a
transaction, and would commit into the unlinked file.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from qcdesk.errors import DatabaseError
from qcdesk.i18n import N_, _

SUFFIX = ".check"
CHECKED_BY = {"backup": N_("by the backup"), "verify": N_("by qcdesk verify"),  # what checked the file
              "restore": N_("by the restore")}
_FOUND_SHOWN = 300  # characters of what a failed check found, in a message
_cache: dict[Path, tuple[tuple[int, int, int], Check | None]] = {}  # by the record's stat


class Damaged(DatabaseError):
    """SQLite's integrity check found the database damaged (or SQLite could not read it);
    `found` is what SQLite said."""

    def __init__(self, message: str, found: str = "") -> None:
        super().__init__(message)
        self.found = found or message


def check_path(db_path: str | Path) -> Path:
    """Where the record of the database's last integrity check is kept."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite's error says the file is damaged (not busy, full or read-only)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


# ------------------------------------------------------------------ the check record

@dataclass(frozen=True)
class Check:
    """One integrity check of the database file: when, whether it passed, what was found,
    and the file as it was then."""

    at: str          # ISO 8601 with the offset
    ok: bool
    found: str       # "ok", or SQLite's first complaints
    by: str          # what checked: "backup", "verify", "restore"
    size: int
    mtime_ns: int
    device: int
    inode: int

    @property
    def when(self) -> str:
        """The time of the check for a person: 2026-03-04 05:06."""
        try:
            return datetime.fromisoformat(self.at).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.at


def record(db_path: str | Path, ok: bool, found: str, by: str, now: datetime | None = None) -> Check | None:
    """Keep the result of a check of the database beside it (written whole, through a
    temporary file); the record, or None when the database file or the folder cannot be
    read or written (nothing better can be done then: the caller says what it found)."""
    db_path = Path(db_path)
    try:
        st = db_path.stat()
    except OSError:
        return None
    moment = (now or datetime.now()).astimezone().isoformat(timespec="seconds")
    check = Check(moment, ok, found, by, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
    target = check_path(db_path)
    temporary = target.with_name(target.name + ".part")
    try:
        temporary.unlink(missing_ok=True)
        with temporary.open("x", encoding="utf-8") as f:
            json.dump(asdict(check), f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        temporary.replace(target)
    except OSError:
        temporary.unlink(missing_ok=True)
        return None
    return check


def last_check(db_path: str | Path) -> Check | None:
    """The last check recorded for the database, or None (never checked, or a record that
    cannot be read: it then proves nothing either way)."""
    path = check_path(db_path)
    try:
        st = path.stat()
    except OSError:
        return None
    key = (st.st_ino, st.st_mtime_ns, st.st_size)  # a new record is a new file (renamed into place)
    cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        check: Check | None = Check(
            at=str(data["at"]), ok=data["ok"] is True, found=str(data["found"]), by=str(data["by"]),
            size=int(data["size"]), mtime_ns=int(data["mtime_ns"]), device=int(data["device"]),
            inode=int(data["inode"]))
    except (OSError, ValueError, KeyError, TypeError):
        check = None
    _cache[path] = (key, check)
    return check


def damaged(db_path: str | Path) -> Check | None:
    """The failed check that still stands for this database file, or None: the last check
    failed, and the file at the path is the one it checked (a file put in its place, or a
    new one, is not held to it)."""
    check = last_check(db_path)
    if check is None or check.ok:
        return None
    try:
        st = Path(db_path).stat()
    except OSError:
        return None
    return check if (st.st_dev, st.st_ino) == (check.device, check.inode) else None


def damage_message(check: Check) -> str:
    """What a refused write says while the database stands damaged."""
    return _("the database failed its integrity check on {when} ({found}): nothing was saved. "
             "Restore a backup (qcdesk restore), or, if the file was repaired, check it again "
             "(qcdesk verify).").format(when=check.when, found=_shortened(check.found))


def refuse_writes_if_damaged(db_path: str | Path) -> None:
    """Raise Damaged while the last check of this database file failed: where a write begins."""
    check = damaged(db_path)
    if check is not None:
        raise Damaged(damage_message(check))


def describe(db_path: str | Path) -> str:
    """The last check in one line, for `qcdesk info`."""
    check = last_check(db_path)
    if check is None:
        return _("last integrity check: none recorded (the automatic backup checks the file once a day)")
    by = _(CHECKED_BY.get(check.by, check.by))
    if check.ok:
        return _("last integrity check: {when} ({by}): ok").format(when=check.when, by=by)
    if damaged(db_path) is None:
        return _("last integrity check: {when} ({by}): FAILED ({found}); the file has been replaced "
                 "since").format(when=check.when, by=by, found=_shortened(check.found))
    return _("last integrity check: {when} ({by}): FAILED ({found}); writes are refused until the "
             "file is restored or passes a check").format(when=check.when, by=by,
                                                           found=_shortened(check.found))


def _shortened(found: str) -> str:
    found = " ".join(found.split())
    return found if len(found) <= _FOUND_SHOWN else found[:_FOUND_SHOWN - 1] + "…"


# ------------------------------------------------------------------ the file's identity

def identity(path: str | Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path` now, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def moved(path: str | Path, opened: tuple[int, int] | None) -> DatabaseError | None:
    """The error to tell when the database file opened as `opened` is no longer at `path`
    (deleted, or replaced by another file); None while it is."""
    if opened is None:
        return None
    now = identity(path)
    if now == opened:
        return None
    if now is None:
        return DatabaseError(_(
            "the database file {path} was deleted while qcdesk had it open: nothing was saved. "
            "Close qcdesk, then restore a backup (qcdesk restore) or open the right file.").format(
            path=path))
    return DatabaseError(_(
        "the database file {path} was replaced by another file while qcdesk had it open: nothing "
        "was saved. Close qcdesk and open it again.").format(path=path))
