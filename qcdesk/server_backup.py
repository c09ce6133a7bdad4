"""Backups of a database on a PostgreSQL server, and their restore, with PostgreSQL's own tools.

A backup is `pg_dump`'s custom format (``pg_dump -Fc``): one compressed file that
`pg_restore` reads. It is taken in one snapshot while the desks go on working: this module
opens a repeatable-read transaction, reads the chain head, schema version and row counts in it,
exports its snapshot, and pg_dump dumps that very snapshot (``--snapshot``), so the head recorded
beside the backup is the dump's. The dump is written to ``<file>.part``, checked
(``pg_restore --list`` reads it whole and finds every table of qcdesk's), then renamed into
place; the journal of chain heads goes beside it up to the dump's head (``<file>.heads``), as
for a SQLite backup (`qcdesk.backup`).

A restore goes into an empty database, or replaces one with ``replace`` (after the caller
asked): the database replaced is first backed up beside the workstation's backups
(``<name>.before-restore-<time>.dump``), then ``pg_restore --clean --single-transaction``
replaces its tables in one transaction: the old or the new, never a mix. The restored
database must pass `qcdesk verify` with the backup's journal; one that does not is taken away
again (the old one restored, or the database emptied), unless ``force``: then the restore is
audited with what verify said, as for a file.

pg_dump and pg_restore are looked for on PATH, then in /usr/lib/postgresql/<version>/bin
(Debian keeps them there), newest first. Like `qcdesk.backup`, this module speaks to the
database directly, for the database as a whole.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qcdesk import journal, outputs
from qcdesk.backup import BackupFacts, Restored, default_backup_folder, fsync_file, fsync_folder, to_keep
from qcdesk.errors import DatabaseError, QcError
from qcdesk.i18n import N_, _
from qcdesk.migrations import APPLICATION_ID, LATEST
from qcdesk.store import Store
from qcdesk.store import copy as whole
from qcdesk.store.postgres import Server, WorkshopRefused, enter_workshop, witness_folder, workshops
from qcdesk.verify import Report

SUFFIX = ".dump"
ARCHIVE_HEADER = b"PGDMP"
BINDIRS = Path("/usr/lib/postgresql")
LOCK_TIMEOUT_MS = 5000  # a restore waits this long for the desks' locks, as the store does
_AUTO_STAMP = "%Y-%m-%d"
_INSTALL = N_("install PostgreSQL's client programs (Debian and Ubuntu: apt-get install postgresql-client) "
              "in the same or a newer version than the server")


@dataclass(frozen=True)
class ArchiveFacts:
    """What a checked pg_dump archive of a qcdesk database holds."""

    facts: BackupFacts
    chain_head: str | None  # the dump's head, from the journal kept beside it (None without one)


# ------------------------------------------------------------------ the programs

def program(name: str) -> Path:
    """pg_dump or pg_restore: on PATH, else the newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return Path(found)
    versions = sorted(BINDIRS.glob("*/bin"), reverse=True,
                      key=lambda d: tuple(int(p) for p in re.findall(r"\d+", d.parent.name)))
    for folder in versions:
        if os.access(folder / name, os.X_OK):
            return folder / name
    raise QcError(_("{program} is needed for a backup of a PostgreSQL database and was not found (on "
                    "PATH or in /usr/lib/postgresql/*/bin): {install}. Nothing was done.").format(
        program=name, install=_(_INSTALL)))


def _libpq(server: Server) -> tuple[str, dict[str, str]]:
    """The connection string for a program, and its environment: the password goes in
    PGPASSWORD, never on a command line others can read."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: PLC0415 - plant mode only

    params = {k: str(v) for k, v in conninfo_to_dict(server.uri).items()}
    password = params.pop("password", None)
    env = {**os.environ, "PGAPPNAME": "qcdesk", "PGCONNECT_TIMEOUT": "10"}
    env.pop("PGPASSWORD", None)
    if password:
        env["PGPASSWORD"] = password
    return make_conninfo("", **params), env


def _run(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, env=env, check=False,
                              stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise QcError(_("{program} could not be run: {error}").format(
            program=argv[0], error=exc.strerror or exc)) from exc


def _first_error(stderr: str) -> str:
    """The line of a program's output that says what went wrong."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    return lines[-1] if lines else "?"


# ------------------------------------------------------------------ names

def stem(server: Server) -> str:
    """What a server's backups are named after on this workstation (host, port, database)."""
    return server.key.removesuffix(".server")


def backup_folder() -> Path:
    """The workstation's folder of backups (where those of its default database go)."""
    from qcdesk.store import default_db_path  # noqa: PLC0415

    return default_backup_folder(default_db_path())


def witness(server: Server) -> Path:
    """This workstation's name for the server's database (`Store.path` on a server)."""
    return witness_folder() / server.key


def auto_name(server: Server, day: datetime) -> str:
    return f"{stem(server)}-auto-{day.strftime(_AUTO_STAMP)}{SUFFIX}"


def _stamped(server: Server, now: datetime) -> str:
    return f"{stem(server)}-{now.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


# ------------------------------------------------------------------ backup

_HEAD = "SELECT last_id, hash FROM audit_block ORDER BY last_id DESC LIMIT 1"
_LEGACY_HEAD = "SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1"


def _snapshot_facts(raw: Any, server: Server) -> tuple[int, str | None, dict[str, int]]:
    """In the transaction of the snapshot dumped: the schema version, the chain head, and the
    rows of every table of qcdesk's."""
    if raw.execute("SELECT to_regclass('qcdesk_schema')").fetchone()[0] is None:
        raise DatabaseError(_("{db} holds no qcdesk database: nothing was backed up.").format(
            db=server.shown))
    application_id, version = raw.execute("SELECT application_id, version FROM qcdesk_schema").fetchone()
    if application_id != APPLICATION_ID:
        raise DatabaseError(_("{db} is a PostgreSQL database of another program: nothing was backed "
                              "up.").format(db=server.shown))
    row = raw.execute(_HEAD).fetchone() or raw.execute(_LEGACY_HEAD).fetchone()
    head = None if row is None else (bytes(row[1]).hex() if isinstance(row[1], bytes | memoryview)
                                     else str(row[1]))
    counts = {}
    for table in (t for t in whole.TABLES if whole.SINCE.get(t, 0) <= int(version)):
        counts[table] = int(raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - fixed names
    return int(version), head, counts


def backup(server: Server, target: str | Path, *, force: bool = False, now: datetime | None = None,
           store_journal: Path | None = None) -> BackupFacts:
    """Back up the server's database to `target` (a file, or a folder that receives
    `<name>-<YYYYmmdd-HHMMSS>.dump`) while the desks work; the dump is checked before it is
    renamed into place. `store_journal`: the server's journal of chain heads on this
    workstation (default: where `Store.open` puts it)."""
    import psycopg  # noqa: PLC0415 - plant mode only

    target = Path(target)
    if target.is_dir():
        target = target / _stamped(server, now or datetime.now())
    outputs.check_target(target, witness(server), force=force, backup=True)
    dump = program("pg_dump")
    restore = program("pg_restore")
    conninfo, env = _libpq(server)
    tmp = target.with_name(target.name + outputs.TEMPORARY)
    tmp.unlink(missing_ok=True)
    try:
        conn = psycopg.connect(server.uri, autocommit=True, connect_timeout=10, application_name="qcdesk")
    except psycopg.Error as exc:
        raise DatabaseError(_("{db} cannot be reached: {error}").format(db=server.shown, error=_message(exc))
                            ) from exc
    try:
        only = _workshop_only(conn, server)
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            version, head, counts = _snapshot_facts(conn, server)
            snapshot = (conn.execute("SELECT pg_export_snapshot()").fetchone() or ("",))[0]
            try:
                tmp.open("xb").close()  # an unwritable folder said as such, before pg_dump runs
            except OSError as exc:
                raise QcError(_("{path} cannot be written: {error}").format(
                    path=target, error=exc.strerror or exc)) from exc
            done = _run([str(dump), "--format=custom", f"--snapshot={snapshot}", "--file", str(tmp), *only,
                         "--dbname", conninfo], env)
            if done.returncode != 0:
                error = _first_error(done.stderr)
                if "permission denied" in error:  # the desks' role: it may not read the sequences
                    raise DatabaseError(_(
                        "pg_dump could not back up {db}: {error}. No backup was written: back the "
                        "server up as the owner role, the one qcdesk migrate runs as (the desks' "
                        "role may not read everything a backup holds).").format(db=server.shown, error=error))
                raise DatabaseError(_("pg_dump could not back up {db}: {error}. No backup was "
                                      "written.").format(db=server.shown, error=error))
    except psycopg.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(_("{db}: {error}. No backup was written.").format(
            db=server.shown, error=_message(exc))) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    try:
        _check_archive(restore, tmp, target)
        fsync_file(tmp)
        own = target.with_name(target.name + journal.SUFFIX)
        heads = store_journal or journal.journal_path(witness(server))
        if head is None or not journal.copy_up_to(heads, own, head):
            own.unlink(missing_ok=True)  # a journal that is not this dump's would only mislead
        os.replace(tmp, target)
        fsync_folder(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BackupFacts(target, version, counts)


def _workshop_only(conn: Any, server: Server) -> list[str]:
    """On a server of several workshops (issue 14, workshops): the connection set to the
    workshop's schema, and pg_dump's option that dumps that schema only, so that a workshop's
    backup holds none of another's (and its restore touches none). A plant database of one
    workshop in `public`, as before workshops, is dumped whole, as it was."""
    try:
        schema = enter_workshop(conn, server)
        several = len(workshops(conn)) > 1
    except WorkshopRefused as exc:
        raise DatabaseError(_("{error} No backup was written.").format(error=exc)) from exc
    if schema is None or (schema == "public" and not several):
        return []
    return [f"--schema={schema}"]


def archive_schemas(lines: list[str]) -> set[str]:
    """The schemas whose tables' data a pg_dump archive holds (its `pg_restore --list`)."""
    return set(re.findall(r"TABLE DATA (\S+) \S+ ", "\n".join(lines)))


def _same_workshop(restorer: Path, backup_file: Path, server: Server) -> str:
    """Refuse a backup of one workshop restored onto another: pg_restore writes into the schema
    the archive names, whatever the workshop the URI names. The schema restored into."""
    from qcdesk import plant  # noqa: PLC0415 - plant mode only

    found = archive_schemas(_check_archive(restorer, backup_file, backup_file))
    conn = plant.connect(server)
    try:
        target = str((conn.execute("SELECT current_schema()").fetchone() or ("",))[0])
    finally:
        conn.close()
    if found != {target}:
        raise QcError(_("{path} is a backup of workshop {found}; {db} is workshop {target}: nothing was "
                        "restored. Restore it onto its own workshop (?workshop={found}).").format(
            path=backup_file, found=", ".join(sorted(found)), db=server.in_workshop(None).shown,
            target=target))
    return target


def _message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    return (diag.message_primary if diag is not None else None) or str(exc).strip()


def _check_archive(restore: Path, path: Path, named: Path) -> list[str]:
    """pg_restore reads the archive's table of contents, and it holds the data of every table
    of qcdesk's; its lines. QcError, naming `named`, if not."""
    listed = _run([str(restore), "--list", str(path)])
    if listed.returncode != 0:
        raise DatabaseError(_("{path} is not a whole pg_dump archive: {error}").format(
            path=named, error=_first_error(listed.stderr)))
    data = set(re.findall(r"TABLE DATA \S+ (\S+) ", listed.stdout))
    # (a backup of an older schema lacks the tables added since: restored, it is upgraded)
    missing = [t for t in (*whole.TABLES, "qcdesk_schema") if t not in data and t not in whole.SINCE]
    if missing:
        raise DatabaseError(_("{path} is not a backup of a qcdesk database: it lacks the table "
                              "{table}").format(path=named, table=missing[0]))
    return listed.stdout.splitlines()




# ------------------------------------------------------------------ automatic backups

def auto_backups(server: Server, folder: Path) -> dict[datetime, Path]:
    """The automatic backups of this server's database in `folder`, by day."""
    pattern = re.compile(re.escape(stem(server)) + r"-auto-([0-9]{4}-[0-9]{2}-[0-9]{2})" + re.escape(SUFFIX))
    found: dict[datetime, Path] = {}
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_file() or path.is_symlink():
            continue
        try:
            found[datetime.strptime(match[1], _AUTO_STAMP)] = path
        except ValueError:
            continue
    return found


def automatic_backup(server: Server, folder: Path, now: datetime) -> Path | None:
    """The day's automatic backup of the server's database into `folder` (None when today's
    is there), then those outside the retention rule (`qcdesk.backup.to_keep`) removed."""
    existing = {day.date(): path for day, path in auto_backups(server, folder).items()}
    today = now.date()
    made = None
    if today not in existing:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QcError(_("{path} cannot be written: {error}").format(
                path=folder, error=exc.strerror or exc)) from exc
        made = folder / auto_name(server, now)
        backup(server, made, now=now)
        existing[today] = made
    keep = to_keep(existing)
    for day, path in existing.items():
        if day not in keep:
            try:
                path.unlink(missing_ok=True)
                path.with_name(path.name + journal.SUFFIX).unlink(missing_ok=True)
            except OSError:
                continue
    return made


# ------------------------------------------------------------------ restore

def is_archive(path: Path) -> bool:
    """Whether the file starts as a pg_dump custom-format archive does."""
    try:
        with path.open("rb") as f:
            return f.read(len(ARCHIVE_HEADER)) == ARCHIVE_HEADER
    except OSError:
        return False


def _copy_data(restore: Path, path: Path, table: str) -> list[str]:
    """The rows of one table of the archive, as COPY's text lines."""
    done = _run([str(restore), "--data-only", "--table", table, "--file", "-", str(path)])
    if done.returncode != 0:
        raise DatabaseError(_("{path} is not a whole pg_dump archive: {error}").format(
            path=path, error=_first_error(done.stderr)))
    rows, inside = [], False
    for line in done.stdout.splitlines():
        if line.startswith("COPY "):
            inside = True
        elif line == "\\.":
            inside = False
        elif inside:
            rows.append(line)
    return rows


def _count_rows(restore: Path, path: Path, table: str) -> int:
    """How many rows of `table` the archive holds (streamed: a table of millions of rows)."""
    try:
        process = subprocess.Popen([str(restore), "--data-only", "--table", table, "--file", "-", str(path)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise QcError(_("{program} could not be run: {error}").format(
            program=restore, error=exc.strerror or exc)) from exc
    n, inside = 0, False
    with process, process.stdout as lines:  # type: ignore[union-attr]
        for line in lines:
            if line.startswith(b"COPY "):
                inside = True
            elif line == b"\\.\n":
                inside = False
            elif inside:
                n += 1
    return n


def inspect(path: str | Path) -> ArchiveFacts:
    """Check a pg_dump archive of a qcdesk database without changing it: pg_restore reads it
    whole, it holds qcdesk's tables, a schema this program knows; its heats and ingots, and
    the chain head of the journal kept beside it."""
    path = Path(path)
    if not path.is_file():
        raise QcError(_("there is no backup file at {path}").format(path=path))
    if not is_archive(path):
        raise DatabaseError(_("{path} is not a pg_dump archive (pg_dump -Fc): a PostgreSQL database is "
                              "restored from one. A SQLite backup goes onto a server with qcdesk migrate "
                              "--from FILE --to URI.").format(path=path))
    restore = program("pg_restore")
    _check_archive(restore, path, path)
    schema = _copy_data(restore, path, "qcdesk_schema")
    try:
        application_id, version = (int(v) for v in schema[0].split("\t"))
    except (IndexError, ValueError):
        raise DatabaseError(_("{path} is not a backup of a qcdesk database").format(path=path)) from None
    if application_id != APPLICATION_ID:
        raise DatabaseError(_("{path} is not a backup of a qcdesk database").format(path=path))
    if version > LATEST:
        raise DatabaseError(_("{path} was written by a newer qcdesk (schema {found}; this program knows up "
                              "to {known}). Restore it with a newer qcdesk.").format(
            path=path, found=version, known=LATEST))
    counts = {table: _count_rows(restore, path, table) for table in ("heat", "ingot")}
    return ArchiveFacts(BackupFacts(path, version, counts), _journal_head(path))


def _journal_head(path: Path) -> str | None:
    """The last head noted in the journal kept beside a backup (its own head), if any."""
    own = path.with_name(path.name + journal.SUFFIX)
    head = None
    try:
        for line in journal.lines(own):
            if not isinstance(line, int) and line[0] in ("start", "begin"):
                head = line[3]
    except OSError:
        return None
    return head


def target_contents(server: Server) -> list[str]:
    """What the database to restore into holds (empty: nothing)."""
    from qcdesk.plant import connect, contents  # noqa: PLC0415 - plant mode only

    conn = connect(server)
    try:
        return contents(conn)
    finally:
        conn.close()


def refuse_unless_empty(server: Server, held: list[str]) -> None:
    """The refusal of a restore over a database that holds something, saying what and how to
    make room."""
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415 - plant mode only

    name = str(conninfo_to_dict(server.uri).get("dbname") or server.name)
    raise QcError(_(
        "{db} is not empty: it holds {what}. Nothing was restored. Restore into an empty database "
        "(createdb {name}_restored, then qcdesk --db with its URI), or make room: keep this one under "
        "another name (psql: ALTER DATABASE {name} RENAME TO {name}_old; CREATE DATABASE {name} OWNER "
        "the owner role), or drop it (dropdb {name}; createdb {name}); or replace it with --replace "
        "(it is backed up first).").format(db=server.shown, what=", ".join(held), name=name))


def kept_aside_name(server: Server, now: datetime) -> Path:
    return backup_folder() / f"{stem(server)}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


def restore(backup_file: str | Path, server: Server, *, user: str | None = None, force: bool = False,
            replace: bool = False, now: datetime | None = None,
            inspected: ArchiveFacts | None = None) -> tuple[Restored, Report]:
    """Restore the archive into the server's database: an empty one, or (with `replace`) one
    that holds a database, which is first backed up aside. The restored database must pass
    verify with the backup's journal, else it is taken away again, unless `force`. Returns
    the restore done and verify's report."""
    from qcdesk import plant  # noqa: PLC0415 - plant mode only
    from qcdesk.verify import verify  # noqa: PLC0415

    backup_file = Path(backup_file)
    now = now or datetime.now()
    facts = inspected or inspect(backup_file)
    held = target_contents(server)
    if held and not replace:
        refuse_unless_empty(server, held)
    restorer = program("pg_restore")
    schema = _same_workshop(restorer, backup_file, server)  # several workshops on one server (workshops)
    _may_restore(server, bool(held))
    heads = journal.journal_path(witness(server))
    replaced_head = _head_of(server) if held else None
    aside = None
    if held:
        aside = kept_aside_name(server, now)
        aside.parent.mkdir(parents=True, exist_ok=True)
        backup(server, aside, now=now, store_journal=heads)
    # a workshop's archive makes its schema: one there (empty) is dropped and made again
    _pg_restore(restorer, backup_file, server, clean=bool(held) or schema != "public")
    aside_heads = _swap_journal(backup_file, heads, aside)
    try:
        with Store.open(server, user, create=False) as store:
            report = verify(store)
            if not report.ok and not force:
                raise QcError(_("{path} does not pass verify: {problem}. Nothing was restored. Restore it "
                                "only if you know why (--force); the restore is then audited with what "
                                "verify said.").format(path=backup_file, problem=report.problem))
            store.record_restore(backup_file.resolve(), report.chain_head, aside, replaced_head,
                                 None if report.ok else report.problem)
    except BaseException:
        # taken away again: the replaced database back, or the database empty as it was
        if aside is not None:
            _pg_restore(restorer, aside, server, clean=True)
        else:
            conn = plant.connect(server)
            try:
                plant.empty(conn)
            finally:
                conn.close()
        _unswap_journal(heads, aside_heads)
        raise
    return Restored(facts.facts, aside), report


def _head_of(server: Server) -> str | None:
    try:
        with Store.open(server, "restore", create=False) as store:
            return store.chain_head()
    except (QcError, OSError):
        return None


def _pg_restore(restorer: Path, archive: Path, server: Server, *, clean: bool) -> None:
    """pg_restore the archive into the server's database in one transaction (replacing what
    the archive holds, with `clean`); the objects belong to the role restoring."""
    conninfo, env = _libpq(server)
    env["PGOPTIONS"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
    argv = [str(restorer), "--single-transaction", "--exit-on-error", "--no-owner", "--dbname", conninfo]
    if clean:
        argv += ["--clean", "--if-exists"]
    done = _run([*argv, str(archive)], env)
    if done.returncode != 0:
        raise DatabaseError(_("pg_restore could not restore {path}: {error}. Nothing was restored.").format(
            path=archive, error=_first_error(done.stderr)))


_MAY_CREATE = "SELECT has_schema_privilege(current_schema(), 'CREATE'), current_user"
# the desks of other workshops (their application_name `qcdesk…/<workshop>`) hold nothing of this one's
_OTHERS = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
           "AND pid <> pg_backend_pid() AND (application_name NOT LIKE 'qcdesk%/%' "
           "OR split_part(application_name, '/', 2) "
           "= split_part(current_setting('application_name'), '/', 2))")


LEAVING_S = 1.0  # how long the connections this command has just closed may take to leave the server


def _others(conn: Any) -> int:
    """The sessions of others on the workshop's database (this command's own connections, just
    closed, given a moment to leave the server's list: each check of a restore opens one)."""
    deadline = time.monotonic() + LEAVING_S
    while True:
        others = int((conn.execute(_OTHERS).fetchone() or (0,))[0])
        if not others or time.monotonic() > deadline:
            return others
        time.sleep(0.05)


def _may_restore(server: Server, replacing: bool) -> None:
    """Refuse, before pg_restore runs, a role that may not create the schema's tables, and the
    replacing of a database others are connected to (their locks would hold it up)."""
    from qcdesk import plant  # noqa: PLC0415 - plant mode only

    conn = plant.connect(server)
    try:
        may, role = conn.execute(_MAY_CREATE).fetchone() or (False, "?")
        others = _others(conn) if replacing else 0
    finally:
        conn.close()
    if not may:
        raise QcError(_("{role} may not create tables in {db}: nothing was restored. A restore creates the "
                        "schema: run it as the database's owner role.").format(role=role, db=server.shown))
    if others:
        raise DatabaseError(_("the database is in use by another qcdesk (a window or a command on this or "
                              "another workstation): close it and try again. Nothing was restored."))


def _swap_journal(backup_file: Path, heads: Path, aside: Path | None) -> Path | None:
    """The journal follows its database: the replaced one's goes aside (with the database
    kept aside, if any; else renamed), the backup's becomes the server's. Where the
    replaced one went."""
    own = backup_file.with_name(backup_file.name + journal.SUFFIX)
    moved = None
    try:
        heads.parent.mkdir(parents=True, exist_ok=True)
        if heads.is_file():
            moved = (aside.with_name(aside.name + journal.SUFFIX) if aside is not None
                     else heads.with_name(heads.name + ".before-restore"))
            if aside is not None and moved.exists():  # the aside backup's own: the same journal
                moved.unlink()
            shutil.move(heads, moved)
        if own.is_file():
            shutil.copyfile(own, heads)
    except OSError as exc:
        raise QcError(_("the journal of chain heads {path} cannot be written: {error}").format(
            path=heads, error=exc.strerror or exc)) from exc
    return moved


def _unswap_journal(heads: Path, moved: Path | None) -> None:
    heads.unlink(missing_ok=True)
    if moved is not None and moved.is_file():
        shutil.copyfile(moved, heads)

