"""What the other desks saved: the audit trail read as the log of changes, and the wait for news
of it (issue 14).

Every save writes its audit entries in its own transaction, each naming the record it changed
(`qcdesk.records`: the table and the row's key), and the ids of the entries only grow: writes
are serialised (SQLite's file lock, the server's write lock), so a desk that remembers the
last id it has seen learns everything saved since with one read, `id > last`, whoever saved it
and through whichever program. The news that there is something to read costs nothing:

- on PostgreSQL every write sends `pg_notify(<the schema's channel>, '')` inside its
  transaction (`Dialect.announce`; delivered when it commits, never for one rolled back); a
  `ServerFeed` has a connection of its own that has LISTENed on the channel and waits on its
  socket, sending no query while nothing changes. The notification says nothing but "read":
  the audit is the one account of what changed, so nothing is said twice, nothing can be lost
  by a listener that was away (it reads from its last id when it is back), and a burst of
  saves costs one read;
- on a SQLite file (the windows of one machine) a `FileFeed` asks `PRAGMA data_version` of a
  connection of its own twice a second: a number kept in memory, which changes when another
  connection has committed to the file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any

from qcdesk.store import postgres

if TYPE_CHECKING:
    import threading

# threading and selectors are imported where a desk listens or notes its writes: a command that
# only reads (`qcdesk rates`) does neither, and its start should not pay for them (issue 17).

READ_LIMIT = 5000   # audit entries one read takes; more at once (an import) is "everything changed"
MIN_GAP_S = 1.0     # a burst of news is read at most once a second (the first at once)
POLL_S = 0.5        # how often a SQLite file's data_version is asked
RETRY_S = 5.0       # how often a lost server is tried again
APPLICATION = "qcdesk-listen"  # the listening connection's name on the server (pg_stat_activity)

# The channel of the database's schema (a workshop's, on a server holding several): the
# schema's name, or its hash when the name is longer than a channel's may be.
_CHANNEL = ("CASE WHEN octet_length(current_schema()) <= 56 THEN 'qcdesk:' || current_schema() "
            "ELSE 'qcdesk:' || md5(current_schema()) END")
CHANNEL_SQL = "SELECT " + _CHANNEL
ANNOUNCE_SQL = "SELECT pg_notify(" + _CHANNEL + ", '')"  # no payload: the audit says what changed

# The entries after an id, each with the heat whose record, analysis, ingot or sample it
# changed (the record's key as a number, CAST inside each CASE branch: a composed key of control
# limits is never one).
_ENTRIES = """
SELECT a.id, a.tbl, coalesce(CASE a.tbl
    WHEN 'heat' THEN (SELECT h.heat_no FROM heat h WHERE h.id = CAST(a.rec AS BIGINT))
    WHEN 'ingot' THEN (SELECT h.heat_no FROM ingot i JOIN heat h ON h.id = i.heat_id
                       WHERE i.id = CAST(a.rec AS BIGINT))
    WHEN 'sample' THEN (SELECT h.heat_no FROM sample s JOIN heat h ON h.id = s.heat_id
                        WHERE s.id = CAST(a.rec AS BIGINT))
    END, a.heat_no)
FROM audit a WHERE a.id > ? ORDER BY a.id LIMIT ?
"""
_LAST = "SELECT coalesce(max(id), 0) FROM audit"


@dataclass(frozen=True)
class Change:
    """One audit entry: its id, the table of the record it changed (None: an entry of the
    trail kept before records were named), and the heat that record belongs to, if any."""

    id: int
    table: str | None
    heat_no: str | None


@dataclass(frozen=True)
class Changes:
    """What was saved after `after` up to `last_id`. `everything`: more than one read takes
    (an import): a view should read all it shows again."""

    after: int
    last_id: int
    entries: tuple[Change, ...] = ()
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.entries) or self.everything

    @property
    def heat_numbers(self) -> frozenset[str]:
        """The heats whose record, analysis, ingots or samples changed."""
        return frozenset(c.heat_no for c in self.entries if c.heat_no is not None)

    @property
    def tables(self) -> frozenset[str]:
        """The tables whose records changed (`qcdesk.records` names)."""
        return frozenset(c.table for c in self.entries if c.table is not None)

    def touches(self, heat_no: str) -> bool:
        """Whether this heat may have changed."""
        return self.everything or heat_no in self.heat_numbers

    def without(self, own: OwnWrites) -> Changes:
        """These changes less the entries this desk wrote itself."""
        return Changes(self.after, self.last_id, tuple(c for c in self.entries if c.id not in own),
                       self.everything)

    def then(self, later: Changes) -> Changes:
        """These changes and the `later` ones, as one."""
        return Changes(self.after, later.last_id, self.entries + later.entries,
                       self.everything or later.everything)


def read_changes(conn: Any, after: int, limit: int = READ_LIMIT) -> Changes:
    """The entries after id `after` (one read of at most `limit` entries). More than that at
    once: the last id there is, and `everything`."""
    rows = conn.execute(_ENTRIES, (after, limit)).fetchall()
    entries = tuple(Change(int(r[0]), r[1], r[2]) for r in rows)
    if len(rows) < limit:
        return Changes(after, entries[-1].id if entries else after, entries)
    return Changes(after, max(entries[-1].id, last_change(conn)), entries, everything=True)


def last_change(conn: Any) -> int:
    """The id of the newest audit entry (0 on a database without one)."""
    return int(conn.execute(_LAST).fetchone()[0])


class OwnWrites:
    """The audit ids a desk's own connections wrote (noted by the store before each commit,
    taken back if the commit fails), to tell its own saves from the other desks'. Safe to use
    from any thread."""

    def __init__(self) -> None:
        import threading  # noqa: PLC0415 - see the imports

        self._lock = threading.Lock()
        self._spans: list[tuple[int, int]] = []  # (after, last): the ids after, up to last

    def add(self, after: int, last: int) -> None:
        with self._lock:
            self._spans.append((after, last))

    def discard(self, after: int, last: int) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._spans.remove((after, last))

    def forget(self, upto: int) -> None:
        """Forget the writes whose entries are all at or below id `upto` (read already)."""
        with self._lock:
            self._spans = [s for s in self._spans if s[1] > upto]

    def __contains__(self, entry_id: object) -> bool:
        with self._lock:
            return isinstance(entry_id, int) and any(a < entry_id <= b for a, b in self._spans)


# ------------------------------------------------------------------------ feeds


class Feed:
    """News of what was saved: `wait` returns once something was (the changes since the last
    ones returned), or None after `timeout` or when `wake` was called (from another thread)."""

    last_id: int

    def wait(self, timeout: float) -> Changes | None:
        raise NotImplementedError

    def wake(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Feed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_feed(location: Path | postgres.Server, since: int | None = None) -> Feed:
    """A feed of the database at `location` (a file, or a server's), from audit id `since`
    (else from now). One thread at a time waits on it; any may wake it."""
    if isinstance(location, postgres.Server):
        return ServerFeed(location, since)
    return FileFeed(Path(location), since)


class FileFeed(Feed):
    """A SQLite file's feed: `PRAGMA data_version` of a connection of its own, every POLL_S."""

    def __init__(self, path: Path, since: int | None = None) -> None:
        # no wait for a lock: a file being written is asked again at the next poll
        # (used by one thread at a time, perhaps not the one that opened it)
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=0.0, check_same_thread=False)
        try:
            # from an id given, read at once: what was saved since may be before this connection
            self._version: int | None = None if since is not None else self._data_version()
            self.last_id = last_change(self._conn) if since is None else since
        except sqlite3.Error:
            self._conn.close()
            raise
        import threading  # noqa: PLC0415 - see the imports

        self._woken = threading.Event()

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> Changes | None:
        deadline = monotonic() + timeout
        while not self._woken.is_set():
            # busy (another desk commits): asked again at the next poll; a file damaged or
            # replaced is for its check to say (`qcdesk.health`), not for the news of changes
            with contextlib.suppress(sqlite3.Error):
                version = self._data_version()
                if version != self._version:
                    changes = read_changes(self._conn, self.last_id)
                    self._version = version
                    self.last_id = changes.last_id
                    if changes:
                        return changes
            remaining = deadline - monotonic()
            if remaining <= 0:
                return None
            self._woken.wait(min(POLL_S, remaining))
        self._woken.clear()
        return None

    def wake(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self._conn.close()


class ServerFeed(Feed):
    """A PostgreSQL database's feed: a connection of its own LISTENing on the schema's channel,
    waiting on its socket. Connected again (and caught up from its last id) when the server
    dropped it."""

    def __init__(self, server: postgres.Server, since: int | None = None) -> None:
        self._server = server
        self._conn: postgres.Connection | None = None
        self._read_at = 0.0  # when the audit was last read (monotonic)
        self._catch_up = since is not None  # read at once: saves since then were not notified here
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        try:
            self._connect()
            assert self._conn is not None
            self.last_id = last_change(self._conn) if since is None else since
        except BaseException:
            self.close()
            raise

    def _connect(self) -> None:
        import psycopg  # noqa: PLC0415 - plant mode only
        from psycopg import sql  # noqa: PLC0415

        conn = postgres.connect(self._server, application=APPLICATION)
        try:
            channel = str(conn.execute(CHANNEL_SQL).fetchone()[0])  # type: ignore[index]
            conn.raw.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        except sqlite3.Error:
            conn.close()
            raise
        except psycopg.Error as exc:
            conn.close()
            raise postgres.Unreachable(str(exc).strip()) from exc
        self._conn = conn

    def _lost(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def _heard(self) -> bool:
        """Whether a notification came (taking every one there is, without waiting)."""
        assert self._conn is not None
        return any(True for _n in self._conn.raw.notifies(timeout=0))

    def _woken(self, timeout: float, *, socket: bool = True) -> bool:
        """Wait up to `timeout` for the socket (if connected and `socket`) or `wake`; True if
        woken."""
        import selectors  # noqa: PLC0415 - see the imports

        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_r, selectors.EVENT_READ)
            if self._conn is not None and socket:
                selector.register(self._conn.raw.pgconn.socket, selectors.EVENT_READ)
            ready = selector.select(max(0.0, timeout))
        if any(key.fd == self._wake_r for key, _events in ready):
            with contextlib.suppress(BlockingIOError):
                while os.read(self._wake_r, 64):
                    pass
            return True
        return False

    def wait(self, timeout: float) -> Changes | None:
        import psycopg  # noqa: PLC0415 - plant mode only

        deadline = monotonic() + timeout
        if self._catch_up and self._conn is not None:
            self._catch_up = False
            changes = self._read()
            self._read_at = 0.0  # not a burst's read: the first save heard is read at once
            if changes is not None:
                return changes
        if self._conn is None:  # lost: tried again now and then, and caught up once back
            if self._woken(min(RETRY_S, timeout)):
                return None
            try:
                self._connect()
            except sqlite3.Error:
                return None
            return self._read()
        heard = False
        try:
            while True:
                heard = self._heard() or heard
                until = max(self._read_at + MIN_GAP_S, monotonic()) if heard else deadline
                if heard and monotonic() >= until:
                    break
                # once something was heard, the rest of the burst is not listened to one by one:
                # it waits in the socket until the read
                if monotonic() >= until or self._woken(until - monotonic(), socket=not heard):
                    return None
        except (psycopg.Error, OSError):
            self._lost()
            return None
        return self._read()

    def _read(self) -> Changes | None:
        assert self._conn is not None
        self._read_at = monotonic()
        try:
            changes = read_changes(self._conn, self.last_id)
        except sqlite3.Error:
            self._lost()
            return None
        self.last_id = changes.last_id
        return changes or None

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"!")

    def close(self) -> None:
        self._lost()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


def follow(feed: Feed, deliver: Callable[[Changes], None], stop: threading.Event,
           idle_wait: float = 60.0) -> None:
    """Deliver every change the feed brings until `stop` is set (and the feed woken)."""
    while not stop.is_set():
        changes = feed.wait(idle_wait)
        if changes and not stop.is_set():
            deliver(changes)
