"""The open database, seen from the desktop program: where work on it runs, and news of change.

No widget touches the database on the GUI thread. A widget hands the session a
plain function of a `Store` (`session.submit(lambda store: store.heats(...), done=...)`);
the function runs on a worker thread that holds its own connection, and `done`
(or `failed`, with a message a person can read) is called back on the GUI thread.

Two lanes, each one thread with its own connection, run their work in order:
"db" for the quick reads and writes of daily work, "long" for imports and
queries over years, so a long job never holds up saving a heat. A write says
what it changed (`changes="ingots"`) and the session announces it with
`changed`, so every view showing that data refreshes.
"""

from __future__ import annotations

import concurrent.futures
import sqlite3
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import platformdirs
import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from qcdesk.errors import QcError
from qcdesk.people import Person
from qcdesk.store import Store, environment_error
from qcdesk.store.changes import OwnWrites
from qcdesk.store.postgres import Server, is_server, workshop_problem

T = TypeVar("T")
LANES = ("db", "long")


class Cancelled(Exception):
    """Raised inside work whose task was cancelled; nothing it did is kept."""


class Task(QObject):
    """One piece of submitted work: its progress, and a way to cancel it.

    Work that takes long receives the task and calls `report(done, total)` now and
    then; after `cancel()` that call raises `Cancelled`, which ends the work (its
    transaction rolls back) and calls neither `done` nor `failed`.
    """

    progress = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        """Called by the work (on its thread): say how far it is; stop if cancelled."""
        if self._cancel.is_set():
            raise Cancelled
        self.progress.emit(done, total)


@dataclass
class _Job(Generic[T]):
    task: Task
    done: Callable[[T], None] | None
    failed: Callable[[str], None] | None
    receiver: QObject | None
    changes: str | None
    result: T | None = None
    error: str | None = None
    cancelled: bool = False


def _tr(text: str) -> str:
    return QCoreApplication.translate("Session", text)


def log_path() -> Path:
    return Path(platformdirs.user_log_dir("qcdesk", appauthor=False)) / "qcdesk.log"


def log_bug(exc: BaseException, what: str) -> str:
    """Write a bug's traceback to the log file; return the one plain sentence to show."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now().isoformat()} {what}\n")
            f.write("".join(traceback.format_exception(exc)))
    except OSError:
        path = Path(_tr("(the log could not be written)"))
    return _tr("internal error ({kind}: {error}). Nothing half-done was saved. Details: {path}").format(
        kind=type(exc).__name__, error=exc, path=path)


def describe(exc: BaseException) -> str:
    """What went wrong, in words a person can act on."""
    if isinstance(exc, QcError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return str(environment_error(exc))
    if isinstance(exc, OSError):
        return _tr("{what}: {error}").format(what=exc.filename or _tr("file"), error=exc.strerror or exc)
    return log_bug(exc, "worker")


def database_title(database: Path | Server) -> str:
    """The file's name, or the server's database as `name @ host` (a socket's folder for a host
    given as a path; `localhost` when the URI names none)."""
    if not isinstance(database, Server):
        return database.name
    parts = urlsplit(database.uri)
    host = parse_qs(parts.query).get("host", [parts.hostname or "localhost"])[0]
    if database.workshop is not None and database.workshop != "public":  # the workshop (workshops)
        return f"{database.workshop} — {database.name} @ {host}"
    return f"{database.name} @ {host}"


def uri_problem(uri: str) -> str | None:
    """What libpq finds wrong with a connection URI (in its words), or None."""
    from psycopg import ProgrammingError  # noqa: PLC0415 - plant mode only
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    server = Server(uri)  # its workshop=CODE is qcdesk's, not libpq's (several workshops)
    if server.workshop is not None and (problem := workshop_problem(server.workshop)):
        return problem
    try:
        conninfo_to_dict(server.uri)
    except ProgrammingError as exc:
        return str(exc).strip() or type(exc).__name__
    return None


class Session(QObject):
    """The database the window works on, for one user."""

    changed = Signal(str)  # what changed: "heats", "ingots", "analysis", "setup", "import", ...
    failed = Signal(str)   # an error no caller took: for the status bar
    busy_changed = Signal(bool)
    person_changed = Signal()  # someone signed in or out

    _finished = Signal(object)  # a _Job, emitted on the worker thread, handled on the GUI thread

    def __init__(self, path: str | Path | Server, user: str | None = None,
                 clock: Callable[[], datetime] = datetime.now, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # the database: a file, or a server's (plant mode)
        self.database: Path | Server = (path if isinstance(path, Server) else Server(str(path))
                                        if is_server(path) else Path(path))
        self.clock = clock
        # open once here, so a database that cannot be opened is said before any window shows
        with Store.open(self.database, user, clock) as probe:
            self.path = probe.path  # the file; on a server, this workstation's name for it
            self.location = probe.location  # as a person names it (a server's URI without password)
            self.user = probe.user
            self.has_people = probe.roles_enforced()
            # (plantdesk) False for a role that reads and writes nothing: the plant's quality office
            self.writable = probe.writable
            if probe.server is not None:  # several workshops on one server: the one entered (workshops)
                self.database = probe.server
            self.last_change = probe.last_entry_id()  # issue 14: the other desks' saves after it are news
        self.own = OwnWrites()  # issue 14: the audit entries this window's own saves wrote
        self._closers: list[Callable[[], None]] = []
        self.person: Person | None = None  # who signed in (databases with people)
        self._generation = 0  # bumped when the person changes: the workers' connections reopen
        self._local = threading.local()
        self._executors = {lane: concurrent.futures.ThreadPoolExecutor(1, f"qcdesk-{lane}")
                           for lane in LANES}
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver)

    @property
    def server(self) -> Server | None:
        """The PostgreSQL database worked on (plant mode), None for a file."""
        return self.database if isinstance(self.database, Server) else None

    @property
    def title(self) -> str:
        """The database in a window's title: the file's name, or `name @ host` for a server's."""
        return database_title(self.database)

    # ------------------------------------------------------------------ work

    def submit(self, work: Callable[[Store], T], *, done: Callable[[T], None] | None = None,
               failed: Callable[[str], None] | None = None, receiver: QObject | None = None,
               changes: str | None = None, lane: str = "db") -> Task:
        """Run `work(store)` on the lane's thread; then `done(result)` or `failed(message)`
        on the GUI thread, unless `receiver` (usually the asking widget) is gone by then."""
        return self._submit(lambda store, _task: work(store), done, failed, receiver, changes, lane)

    def submit_task(self, work: Callable[[Store, Task], T], *, done: Callable[[T], None] | None = None,
                    failed: Callable[[str], None] | None = None, receiver: QObject | None = None,
                    changes: str | None = None, lane: str = "long") -> Task:
        """Like `submit`, for long work that reports progress and can be cancelled."""
        return self._submit(work, done, failed, receiver, changes, lane)

    def _submit(self, work: Callable[[Store, Task], Any], done: Callable[[Any], None] | None,  # noqa: PLR0917
                failed: Callable[[str], None] | None, receiver: QObject | None,
                changes: str | None, lane: str) -> Task:
        task = Task(self)
        if self._closed:  # a late timer of a window being closed: nothing runs, nothing is said
            task.cancel()
            return task
        job: _Job[Any] = _Job(task, done, failed, receiver, changes)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._executors[lane].submit(self._run, work, job)
        return task

    def _store(self) -> Store:
        """This worker thread's own connection (sqlite3 connections stay on their thread),
        opened for whoever is signed in; reopened when that changes."""
        store: Store | None = getattr(self._local, "store", None)
        generation, person = self._generation, self.person
        if store is not None and getattr(self._local, "generation", -1) != generation:
            store.close()
            store = self._local.store = None
        if store is None:
            store = Store.open(self.database, self.user, self.clock, person=person)
            store.own = self.own
            self._local.store = store
            self._local.generation = generation
        return store

    # ------------------------------------------------------------------ people

    def sign_in(self, name: str, pin: str, done: Callable[[Person], None] | None = None,
                failed: Callable[[str], None] | None = None, receiver: QObject | None = None) -> Task:
        """Check the PIN on the worker (slow by design); then every connection works as that person."""
        def signed_in(person: Person) -> None:
            self.adopt(person)
            if done is not None:
                done(person)

        return self.submit(lambda store: store.login(name, pin), done=signed_in, failed=failed,
                           receiver=receiver)

    def adopt(self, person: Person | None) -> None:
        """Work from now on as `person` (verified by `login`), or as nobody (None)."""
        self.person = person
        if person is not None:
            self.has_people = True
        self._generation += 1
        self.person_changed.emit()

    def sign_out(self) -> None:
        self.adopt(None)

    def _run(self, work: Callable[[Store, Task], Any], job: _Job[Any]) -> None:
        try:
            if job.task.cancelled:
                raise Cancelled
            job.result = work(self._store(), job.task)
        except Cancelled:
            job.cancelled = True
        except Exception as exc:  # every failure becomes a message
            job.error = describe(exc)
        self._finished.emit(job)

    @Slot(object)
    def _deliver(self, job: _Job[Any]) -> None:
        self._pending -= 1
        try:
            if job.error is None and not job.cancelled and job.changes:
                self.changed.emit(job.changes)
            if job.receiver is not None and not shiboken6.isValid(job.receiver):
                return
            if job.cancelled:
                return
            if job.error is not None:
                (job.failed or self.failed.emit)(job.error)
            elif job.done is not None:
                job.done(job.result)
        finally:
            job.task.deleteLater()
            if self._pending == 0:
                self.busy_changed.emit(False)

    def idle(self) -> bool:
        """True when no submitted work is running or waiting to be delivered."""
        return self._pending == 0

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        """Finish the work under way, close every connection, stop the threads."""
        if self._closed:
            return
        self._closed = True
        for closer in self._closers:
            closer()
        for executor in self._executors.values():
            executor.submit(self._close_store).result()
            executor.shutdown(wait=True)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call `closer` first when the session closes (a thread of the window's to stop)."""
        self._closers.append(closer)

    def _close_store(self) -> None:
        store = getattr(self._local, "store", None)
        if store is not None:
            store.close()
            self._local.store = None
