"""What the other desks save, brought to a window as it happens (issue 14).

One `ChangeWatcher` per window: a thread of its own waits on the database's feed
(`qcdesk.store.changes`: LISTEN on a server's channel, a file's data_version twice a second)
and `arrived` brings, on the GUI thread, what the other desks saved, this window's own saves
left out. The main window then says it to its views as the session says its own saves
(`words`): "elsewhere" for heats, ingots, samples and signatures, "setup", "plans", "limits",
"people" as a save of this desk would; the heat view is told apart (`HeatView.changed_elsewhere`),
since what is typed in it must not be lost.
"""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from qcdesk import records
from qcdesk.store.changes import RETRY_S, Changes, Feed, follow, open_feed
from ui.session import Session, log_bug

ELSEWHERE = "elsewhere"  # Session.changed: records of heats saved at another desk
_WORDS = {records.CONVERTER: "setup", records.SHIFT: "setup", records.GRADE: "setup",
          records.STANDARD: "setup", records.DEFECT: "setup", records.TOLERANCES: "setup",
          records.WORKSHOP: "setup", records.PLAN: "plans", records.LIMITS: "limits",
          records.PERSON: "people"}


def words(changes: Changes) -> list[str]:
    """What the session says of these changes (`Session.changed`), as of its own saves."""
    if changes.everything:
        return ["import"]  # as after an import: every view reads what it shows again
    said = sorted({_WORDS[t] for t in changes.tables if t in _WORDS})
    if not said or changes.tables - _WORDS.keys():
        said.append(ELSEWHERE)
    return said


class ChangeWatcher(QObject):
    """A window's ear on its database: `arrived` (on the GUI thread) with what the other desks
    saved. Stopped when the session closes."""

    arrived = Signal(object)  # Changes
    _heard = Signal(object)   # from the thread

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = session.database
        self._since = session.last_change
        self._own = session.own
        self._stop = threading.Event()
        self._feed: Feed | None = None
        self.read_up_to = self._since  # the last audit entry read (and said, if others wrote it)
        self._thread: threading.Thread | None = None
        self._heard.connect(self._deliver)
        session.on_close(self.stop)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="qcdesk-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (at once: the feed is woken), and close the feed's connection."""
        self._stop.set()
        feed = self._feed
        if feed is not None:
            feed.wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)

    def _run(self) -> None:
        feed: Feed | None = None
        try:
            while feed is None and not self._stop.is_set():
                try:
                    feed = open_feed(self._database, self._since)
                except (sqlite3.Error, OSError):  # out of reach: the window says so when it saves
                    self._stop.wait(RETRY_S)
            self._feed = feed
            if feed is not None:
                follow(feed, self._tell, self._stop)
        except Exception as exc:  # a bug: logged; the window goes on, without news of others
            log_bug(exc, "watcher")
        finally:
            if feed is not None:
                feed.close()

    def _tell(self, changes: Changes) -> None:
        """On the thread: the changes less this window's own saves, to the GUI thread."""
        others = changes.without(self._own)
        self._own.forget(changes.last_id)
        try:
            if others:
                self._heard.emit(others)
        except RuntimeError:  # the window is gone
            self._stop.set()
        self.read_up_to = changes.last_id

    @Slot(object)
    def _deliver(self, changes: Changes) -> None:
        self.arrived.emit(changes)
