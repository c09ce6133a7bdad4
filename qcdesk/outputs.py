"""Where a file the program writes may go: never over the database or the files kept for it.

Every writer — the reports, the CSV exports, the backups, the desktop's Save… of a
report, a chart or its data — asks `check_target` first. It refuses, whatever
`force` says:

- the database itself, under any name (a symbolic or hard link, the same file by its
  inode), and SQLite's files beside it (``-journal``, ``-wal``, ``-shm``);
- the journal of chain heads (`qcdesk.journal.journal_path`, and beside the database,
  where it is when QCDESK_HEADS is not set) and the record of the last integrity check
  (`qcdesk.health.check_path`);
- the backups qcdesk keeps: the automatic ones (``<name>-auto-YYYY-MM-DD.sqlite``), those
  made into a folder (``<name>-YYYYmmdd-HHMMSS.sqlite``) and the copies kept aside by a
  restore (``<name>.before-restore-YYYYmmdd-HHMMSS.sqlite``), wherever they are, and the
  same of a server's database (``.dump``, pg_dump's archives: `qcdesk.server_backup`);
- for a document (not a backup), any existing qcdesk database, such as a backup named by
  hand, and any pg_dump archive;
- a folder, a device or a pipe, and a path whose folder does not exist;
- and the same for the temporary file a writer makes beside its target (``.part``).

An existing ordinary file is replaced only with `force`.

For a database on a server there is no database file to compare with: what is protected is
what this workstation keeps for it (its journal of chain heads, under the server's name in
`qcdesk.store.postgres.witness_folder`) and the backups qcdesk makes of it.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from qcdesk import health, journal
from qcdesk.errors import QcError
from qcdesk.i18n import _
from qcdesk.migrations import APPLICATION_ID

if TYPE_CHECKING:
    from qcdesk.store.postgres import Server

SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")
TEMPORARY = ".part"  # what writers add to the target's name for the file they write first
_SQLITE_HEADER = b"SQLite format 3\x00"
_SERVER_URI = re.compile(r"\s*postgres(?:ql)?:/", re.IGNORECASE)  # as given, or made a Path (one slash)
_ARCHIVE_HEADER = b"PGDMP"  # pg_dump's custom format
_BACKUP_SUFFIX = r"\.(?:sqlite|dump)"


def kept_backup_patterns(db_path: str | Path) -> list[re.Pattern[str]]:
    """The names of the backups qcdesk makes of the database at `db_path` (see qcdesk.backup)."""
    stem = re.escape(Path(db_path).stem)
    return [re.compile(stem + r"-auto-[0-9]{4}-[0-9]{2}-[0-9]{2}" + _BACKUP_SUFFIX),
            re.compile(stem + r"-[0-9]{8}-[0-9]{6}" + _BACKUP_SUFFIX),
            re.compile(stem + r"\.before-restore-[0-9]{8}-[0-9]{6}" + _BACKUP_SUFFIX)]


def _own_files(db_path: Path) -> list[tuple[Path, str]]:
    """The database's own files (as given and with links followed), each with why it is
    not to be written."""
    database = _("it is the open database or one of its journal files")
    found: list[tuple[Path, str]] = []
    for name in dict.fromkeys((db_path, _resolved(db_path))):
        found += [(name.with_name(name.name + suffix), database) for suffix in ("", *SQLITE_SIDE_FILES)]
        heads = _("it is the journal of the database's chain heads")
        # where QCDESK_HEADS puts it, and beside the database, where it is without that variable
        found += [(journal.journal_path(name), heads), (name.with_name(name.name + journal.SUFFIX), heads)]
        found.append((health.check_path(name), _("it is the record of the database's integrity check")))
    return found


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links
        return path.absolute()


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same device and inode), whatever the names."""
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _is_qcdesk_database(path: Path) -> bool:
    """Whether the file starts as a qcdesk database does (SQLite's header, qcdesk's
    application id)."""
    try:
        with path.open("rb") as f:
            head = f.read(72)
    except OSError:
        return False
    return head[:16] == _SQLITE_HEADER and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def _is_archive(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(len(_ARCHIVE_HEADER)) == _ARCHIVE_HEADER
    except OSError:
        return False


def _protected(candidate: Path, db_path: Path | None, backup: bool) -> str | None:
    """Why `candidate` must not be written, or None."""
    if db_path is None:
        return None
    target = _resolved(candidate)
    for name, why in _own_files(db_path):
        if target == _resolved(name) or same_file(candidate, name):
            return why
    patterns = kept_backup_patterns(db_path) + kept_backup_patterns(_resolved(db_path))
    kept = any(p.fullmatch(n) for p in patterns for n in (candidate.name, target.name))
    if kept and (not backup or candidate.exists()):
        return _("it is a backup qcdesk keeps of the database (or is named as one)")
    if not backup and candidate.is_file() and _is_qcdesk_database(candidate):
        return _("it is a qcdesk database (a copy or a backup of one)")
    if not backup and candidate.is_file() and _is_archive(candidate):
        return _("it is a backup of a PostgreSQL database (pg_dump)")
    return None


def check_target(path: str | Path, db_path: str | Path | Server | None, *, force: bool = False,
                 backup: bool = False) -> Path:
    """The file a writer may write for `path` (symbolic links followed), or QcError with
    one plain line before anything is written. `db_path` is the database to protect (None:
    no database, only the rules for folders and devices); `backup` when the file written
    is a backup of it (which may replace a qcdesk database named by hand, with `force`)."""
    if _SERVER_URI.match(str(path)):  # a file name would make it a folder "postgresql:"
        raise QcError(_("{path} cannot be written: it names a database on a server; give a file name"
                        ).format(path=path))
    path = Path(path)
    if db_path is not None and not isinstance(db_path, str | Path):  # a server: what this desk keeps of it
        from qcdesk.store.postgres import witness_folder  # noqa: PLC0415 - plant mode only

        db_path = witness_folder() / db_path.key
    database = None if db_path is None else Path(db_path)
    why = _protected(path, database, backup)
    if why is not None:
        raise QcError(_("{path} cannot be written: {why}").format(path=path, why=why))
    temporary = path.with_name(path.name + TEMPORARY)
    for side in (temporary, *(temporary.with_name(temporary.name + s) for s in SQLITE_SIDE_FILES)):
        if _protected(side, database, backup) is not None:
            raise QcError(_("{path} cannot be written: the temporary file beside it, {temporary}, would "
                            "be one of the database's own files").format(path=path, temporary=side))
    try:
        target = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise QcError(_("{path} cannot be written: {error}").format(
            path=path, error=getattr(exc, "strerror", None) or exc)) from exc
    try:
        found = target.stat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise QcError(_("{path} cannot be written: the folder {folder} does not exist").format(
                path=path, folder=path.parent)) from None
        return target
    except OSError as exc:
        raise QcError(_("{path} cannot be written: {error}").format(path=path, error=exc.strerror)) from exc
    if stat.S_ISDIR(found.st_mode):
        raise QcError(_("{path} cannot be written: it is a folder; give a file name").format(path=path))
    if not stat.S_ISREG(found.st_mode):
        raise QcError(_("{path} cannot be written: it is not an ordinary file (a device or a pipe?)"
                        ).format(path=path))
    if not force:
        raise QcError(_("{path} exists; use --force to replace it").format(path=path))
    return target
