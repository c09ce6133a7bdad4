"""A throwaway PostgreSQL server in a temporary folder, for the tests, benchmarks and scripts.

    with PgServer() as server:
        server.create_database("qc")
        uri = server.uri("qc")          # postgresql:///qc?host=/tmp/qcdesk-pg-…&user=…

The server listens on a Unix socket in its own folder only (no TCP port), trusts every local
connection, and is gone, folder and all, after close(). Run as root, it runs as the `postgres`
system user, since initdb and postgres refuse to run as root.

No pytest here: tests/conftest.py wraps it in fixtures; a benchmark imports it as it is.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

PROGRAMS = ("initdb", "pg_ctl", "postgres")
PACKAGE_HINT = ("install the system package `postgresql` (apt-get install postgresql), "
                "or run ./dev test, which installs it")
START_TIMEOUT = 60.0  # seconds; a loaded CI machine takes its time
DROP_WAIT = 0.2  # seconds drop_database waits for connections just closed to end (then forces them)
SERVER_USER_WHEN_ROOT = "postgres"
VERSIONED_BINDIRS = Path("/usr/lib/postgresql")  # Debian and Ubuntu: <version>/bin
SETTINGS = {
    "listen_addresses": "",  # no TCP port: the Unix socket in the server's own folder only
    # test speed: a throwaway server needs no crash safety
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
}


class PgServerError(RuntimeError):
    """The throwaway server could not be found, started or stopped; the message says why."""


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres together: PATH first, then the newest
    /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH)."""
    candidates: list[Path] = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    versions = VERSIONED_BINDIRS.glob("*/bin")
    candidates += sorted(versions, key=lambda d: _version_key(d.parent.name), reverse=True)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in PROGRAMS):
            return folder
    raise PgServerError("PostgreSQL's server programs (initdb, pg_ctl, postgres) are neither on PATH "
                        f"nor in /usr/lib/postgresql/*/bin: {PACKAGE_HINT}.")


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


@dataclass
class _Running:
    """What stopping a server needs (kept apart from PgServer so a finalizer can hold it)."""

    folder: Path
    datadir: Path
    bindir: Path
    run_as: list[str]
    process: subprocess.Popen[bytes] | None = None
    admin: psycopg.Connection[TupleRow] | None = None


class PgServer:
    """A PostgreSQL server of its own in a temporary folder, started at construction.

    `base` is the folder to make the temporary folder in (the system's temporary folder if
    None). The superuser is the system user that ran initdb: `postgres` when run as root,
    else the current user; admin work (create_database, drop_database) runs as it over psycopg.
    """

    def __init__(self, base: Path | None = None) -> None:
        self.bindir = find_bindir()
        as_root = os.geteuid() == 0
        run_as: list[str] = []
        owner: pwd.struct_passwd | None = None
        if as_root:
            runuser = shutil.which("runuser")
            try:
                owner = pwd.getpwnam(SERVER_USER_WHEN_ROOT)
            except KeyError:
                owner = None
            if runuser is None or owner is None:
                raise PgServerError(f"Run as root, the server must run as the system user "
                                    f"`{SERVER_USER_WHEN_ROOT}` through runuser: {PACKAGE_HINT}.")
            run_as = [runuser, "-u", SERVER_USER_WHEN_ROOT, "--"]
        self.superuser = owner.pw_name if owner else pwd.getpwuid(os.geteuid()).pw_name
        folder = Path(tempfile.mkdtemp(prefix="qcdesk-pg-", dir=base)).resolve()
        self.socket_dir = folder
        self._running = _Running(folder, folder / "data", self.bindir, run_as)
        self._finalizer = weakref.finalize(self, _shut_down, self._running)
        try:
            if owner is not None:
                _hand_over(folder, owner)
            self._initdb()
            self._start()
        except BaseException:
            self.close()
            raise

    # -- life cycle --------------------------------------------------------------------------

    def _initdb(self) -> None:
        run = self._running
        # C.UTF-8 where the system has it (text functions know non-ASCII letters), else C;
        # either way text sorts by code point, as SQLite's BINARY collation does.
        for locale in ("C.UTF-8", "C"):
            done = subprocess.run(
                [*run.run_as, str(self.bindir / "initdb"), "-D", str(run.datadir), "-E", "UTF8",
                 f"--locale={locale}", "--auth-local=trust", "--auth-host=reject", "--no-sync",
                 "--no-instructions"],
                capture_output=True, text=True, check=False)
            if done.returncode == 0:
                return
            if "locale" not in done.stderr or locale == "C":
                raise PgServerError(f"initdb failed: {done.stderr.strip()}")
            shutil.rmtree(run.datadir, ignore_errors=True)

    def _start(self) -> None:
        run = self._running
        settings = {**SETTINGS, "unix_socket_directories": str(self.socket_dir)}
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        # The server gets SIGTERM when this process dies without closing it (setpriv, util-linux;
        # under runuser, runuser passes it on). Strictly, when the thread that started it ends:
        # start it from one that lives as long as the server (pytest's main thread does).
        watchdog = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
        with open(run.folder / "server.log", "wb") as log:
            run.process = subprocess.Popen(
                [*watchdog, *run.run_as, str(self.bindir / "postgres"), "-D", str(run.datadir), *options],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                run.admin = psycopg.connect(self.uri("postgres"), autocommit=True)
                return
            except psycopg.OperationalError as error:
                if run.process.poll() is not None:
                    raise PgServerError(f"the PostgreSQL server stopped at start:\n{self.log()}") from error
                if time.monotonic() > deadline:
                    raise PgServerError(f"the PostgreSQL server did not accept connections within "
                                        f"{START_TIMEOUT:.0f} s:\n{self.log()}") from error
                time.sleep(0.02)

    def close(self) -> None:
        """Stop the server (pg_ctl stop -m fast) and remove its folder. Safe to call twice."""
        self._finalizer()

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- use ---------------------------------------------------------------------------------

    def uri(self, dbname: str, user: str | None = None) -> str:
        """The libpq URI of database `dbname` on this server, connecting as `user` (the superuser
        if None: the user is always named, since libpq's default, the system user, may have no
        role here, as root has not)."""
        return (f"postgresql:///{quote(dbname, safe='')}?host={quote(str(self.socket_dir))}"
                f"&user={quote(user or self.superuser, safe='')}")

    def create_database(self, name: str, template: str | None = None) -> None:
        """CREATE DATABASE `name` (a copy of `template`, template1 if None)."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self._admin().execute(statement)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name` if it exists, closing any connection still open to it."""
        admin = self._admin()
        # A backend whose client has just gone takes a moment to leave; DROP DATABASE finding it
        # sleeps a whole 100 ms before looking again, so wait for it here, in steps of 2 ms.
        deadline = time.monotonic() + DROP_WAIT
        while time.monotonic() < deadline and admin.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s LIMIT 1", (name,)).fetchone():
            time.sleep(0.002)
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def execute(self, statement: LiteralString | sql.SQL | sql.Composed,
                params: tuple[object, ...] = ()) -> list[TupleRow]:
        """Run one statement as the superuser in the `postgres` database (autocommit); its rows."""
        cursor = self._admin().execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []

    def log(self) -> str:
        """The server's log so far (for an error message)."""
        try:
            return (self._running.folder / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    @property
    def pid(self) -> int | None:
        """The postmaster's process id (from postmaster.pid), None when not running."""
        try:
            return int((self._running.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def _admin(self) -> psycopg.Connection[TupleRow]:
        if self._running.admin is None or self._running.admin.closed:
            raise PgServerError("the PostgreSQL server is closed")
        return self._running.admin


def _hand_over(folder: Path, owner: pwd.struct_passwd) -> None:
    """Give the temporary folder to the server's user, whose way to it must be open."""
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    parent = folder.parent
    mode = stat.S_IMODE(parent.stat().st_mode)
    if not mode & stat.S_IXOTH:
        parent.chmod(mode | stat.S_IXOTH)  # traversable, not listable
    for above in parent.parents:
        if not above.stat().st_mode & stat.S_IXOTH:
            raise PgServerError(f"the system user `{owner.pw_name}` cannot reach {folder}: "
                                f"{above} is closed to others; give PgServer another base folder")


def _shut_down(run: _Running) -> None:
    """Stop the server of `run` and remove its folder (PgServer.close, or its finalizer)."""
    if run.admin is not None:
        run.admin.close()
    process = run.process
    if process is not None and process.poll() is None:
        stopped = subprocess.run(
            [*run.run_as, str(run.bindir / "pg_ctl"), "stop", "-D", str(run.datadir), "-m", "fast", "-w",
             "-t", "60"], capture_output=True, check=False)
        try:
            process.wait(timeout=60 if stopped.returncode == 0 else 1)
        except subprocess.TimeoutExpired:
            # pg_ctl could not stop it: the process group holds runuser and the postmaster
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    shutil.rmtree(run.folder, ignore_errors=True)
