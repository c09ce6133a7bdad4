"""What one desk saves, the others learn (issue 14): the audit trail read as the log of changes,
and the feeds that say when to read it (LISTEN/NOTIFY on a server, data_version on a file)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store, changes
from qcdesk.store.changes import Changes, OwnWrites, open_feed

TAPPED = datetime(2025, 3, 3, 9, 0)


def new_heat(number: str, converter: str = "1") -> NewHeat:
    return NewHeat(number, converter, TAPPED, "Q235B", 30.0, 1640.0, "Wang")


def where(store: Store) -> Path | changes.postgres.Server:
    return store.server or store.path


def test_a_heat_its_analysis_and_ingots_saved_elsewhere_are_named_by_heat(store: Store) -> None:
    start = store.last_entry_id()
    with Store.open(where(store), "Li", create=False) as other:
        other.add_heat(new_heat("1-0001"))
        other.add_heat(new_heat("2-0001", "2"))
        other.set_analysis("1-0001", {"C": 0.15, "Mn": 0.5})
        other.add_ingots("2-0001", [NewIngot(n, 4000.0, Disposition.ACCEPTED, "Li") for n in (1, 2, 3)])
    seen = store.changes_since(start)
    assert seen.heat_numbers == {"1-0001", "2-0001"}
    assert seen.tables == {"heat", "ingot"}
    assert seen.last_id == store.last_entry_id() > start
    assert not seen.everything

    # what comes later is read from there: one correction of one ingot names its heat alone
    with Store.open(where(store), "Li", create=False) as other:
        other.update_ingot("2-0001", 2, disposition=Disposition.SCRAP, reason="a crack under the scale")
    later = store.changes_since(seen.last_id)
    assert later.heat_numbers == {"2-0001"}
    assert later.tables == {"ingot"}
    assert store.changes_since(later.last_id) == Changes(later.last_id, later.last_id)
    assert not store.changes_since(later.last_id)


def test_a_lab_sample_names_its_heat_and_a_converter_names_none(store: Store) -> None:
    store.add_heat(new_heat("1-0001"))
    start = store.last_entry_id()
    store.add_sample("1-0001", "preliminary", {"C": 0.16}, sample_no="L-7",
                     taken_at=TAPPED - timedelta(minutes=30))
    store.add_converter("9", "Converter 9", 30.0)
    seen = store.changes_since(start)
    assert seen.heat_numbers == {"1-0001"}
    assert "sample" in seen.tables
    assert "converter" in seen.tables
    assert seen.touches("1-0001")
    assert not seen.touches("1-0002")


def test_more_than_one_read_takes_is_everything(store: Store) -> None:
    start = store.last_entry_id()
    for n in range(1, 6):
        store.add_heat(new_heat(f"1-{n:04d}"))
    seen = changes.read_changes(store.conn, start, limit=3)
    assert seen.everything
    assert seen.touches("1-0005")
    assert seen.last_id == store.last_entry_id()
    every = changes.read_changes(store.conn, start, limit=50)
    assert every.heat_numbers == {f"1-{n:04d}" for n in range(1, 6)}


def test_a_desk_tells_its_own_saves_from_the_others(store: Store) -> None:
    own = OwnWrites()
    store.own = own
    start = store.last_entry_id()
    store.add_heat(new_heat("1-0001"))
    with Store.open(where(store), "Li", create=False) as other:
        other.add_heat(new_heat("2-0001", "2"))
    seen = store.changes_since(start)
    assert seen.heat_numbers == {"1-0001", "2-0001"}
    assert seen.without(own).heat_numbers == {"2-0001"}
    with pytest.raises(Exception, match="already"):  # a save refused leaves nothing noted as its own
        store.add_heat(new_heat("2-0001", "2"))
    with Store.open(where(store), "Li", create=False) as other:
        other.add_heat(new_heat("2-0002", "2"))
    assert store.changes_since(seen.last_id).without(own).heat_numbers == {"2-0002"}
    own.forget(store.last_entry_id())
    assert seen.without(own).heat_numbers == {"1-0001", "2-0001"}


def test_a_feed_brings_what_another_desk_saved(store: Store) -> None:
    with open_feed(where(store)) as feed:
        assert feed.wait(0.3) is None  # nothing saved: nothing to say
        with Store.open(where(store), "Li", create=False) as other:
            other.add_heat(new_heat("1-0001"))
            other.set_analysis("1-0001", {"C": 0.15})
        heard = feed.wait(10.0)
        assert heard is not None
        assert heard.heat_numbers == {"1-0001"}
        assert feed.last_id == store.last_entry_id() == heard.last_id
        assert feed.wait(0.3) is None


def test_a_burst_of_saves_is_read_at_once(store: Store) -> None:
    with open_feed(where(store)) as feed:
        with Store.open(where(store), "Li", create=False) as other:
            for n in range(1, 21):
                other.add_heat(new_heat(f"1-{n:04d}"))
        heard = feed.wait(10.0)
        assert heard is not None
        assert heard.heat_numbers == {f"1-{n:04d}" for n in range(1, 21)}
        assert feed.wait(1.5) is None  # the twenty notifications were one read


def test_a_feed_woken_from_another_thread_returns_at_once(store: Store) -> None:
    with open_feed(where(store)) as feed:
        threading.Timer(0.2, feed.wake).start()
        started = time.monotonic()
        assert feed.wait(30.0) is None
        assert time.monotonic() - started < 20


def test_follow_delivers_until_stopped(store: Store) -> None:
    got: list[Changes] = []
    stop = threading.Event()
    feed = open_feed(where(store))
    thread = threading.Thread(target=changes.follow, args=(feed, got.append, stop, 0.2))
    thread.start()
    try:
        store.add_heat(new_heat("1-0001"))
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        feed.wake()
        thread.join(10)
        feed.close()
    assert not thread.is_alive()
    assert got
    assert got[0].heat_numbers == {"1-0001"}


# -- PostgreSQL: what listening costs the server, and a server that dropped the listener


def _listener(admin: psycopg.Connection, database: str) -> tuple[object, ...] | None:
    row = admin.execute("SELECT pid, state, state_change, query FROM pg_stat_activity "
                        "WHERE datname = %s AND application_name = %s", (database, changes.APPLICATION)
                        ).fetchone()
    return tuple(row) if row else None


def test_a_listening_desk_costs_the_server_nothing_while_nothing_changes(pg_new_uri: str) -> None:
    server = changes.postgres.Server(pg_new_uri)
    with open_feed(server) as feed, psycopg.connect(pg_new_uri, autocommit=True) as admin:
        assert feed.wait(0.1) is None
        before = _listener(admin, server.name)
        assert before is not None
        assert before[1] == "idle"
        assert feed.wait(3.0) is None  # three seconds of listening
        # the same backend, idle since the same moment, its last statement the same: not one
        # statement was sent to it
        assert _listener(admin, server.name) == before


def test_a_listener_the_server_dropped_connects_again_and_catches_up(
        pg_new_uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes, "RETRY_S", 0.2)
    server = changes.postgres.Server(pg_new_uri)
    with open_feed(server) as feed, psycopg.connect(pg_new_uri, autocommit=True) as admin:
        first = _listener(admin, server.name)
        assert first is not None
        admin.execute("SELECT pg_terminate_backend(%s)", (first[0],))
        with Store.open(pg_new_uri, "Li", create=False) as other:
            other.add_heat(new_heat("1-0001"))  # saved while the listener was away
        heard = None
        deadline = time.monotonic() + 20
        while heard is None and time.monotonic() < deadline:
            heard = feed.wait(1.0)
        assert heard is not None
        assert heard.heat_numbers == {"1-0001"}
        again = _listener(admin, server.name)
        assert again is not None
        assert again[0] != first[0]


def test_the_channel_is_the_schemas(pg_new_uri: str) -> None:
    with psycopg.connect(pg_new_uri, autocommit=True) as conn:
        assert conn.execute(changes.CHANNEL_SQL).fetchone() == ("qcdesk:public",)
        conn.execute("CREATE SCHEMA " + "w" * 60)
        conn.execute("SET search_path = " + "w" * 60)
        channel = conn.execute(changes.CHANNEL_SQL).fetchone()
        assert channel is not None
        assert len(channel[0]) == len("qcdesk:") + 32
