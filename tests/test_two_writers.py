"""Two writers on one database: two workstations (processes) and two windows (sessions) both
save; a database locked longer than the busy timeout is a plain message, the input kept (issue 6)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_crash import assert_whole, finish, reported, start_writer, wait_ready

from qcdesk import csvio
from qcdesk.errors import DatabaseError, QcError
from qcdesk.store import NewHeat, Store
from qcdesk.store import base as store_module
from ui.session import Session


def new_heat(heat_no: str, minute: int = 0) -> NewHeat:
    return NewHeat(heat_no, "1", datetime(2024, 5, 6, 10, minute), "Q235B", 120.0, 1600.0, "Wang",
                   analysis={"C": 0.15})


@pytest.fixture
def locked(db_path: Path) -> Iterator[sqlite3.Connection]:
    """The database held by another connection's write transaction (a reserved lock)."""
    Store.open(db_path, "tester").close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_two_processes_write_at_once_and_lose_nothing(db_path: Path) -> None:
    Store.open(db_path, "tester").close()
    writers = [start_writer(db_path, f"p{n}", seed=n, operations=80) for n in (1, 2)]
    for proc in writers:
        wait_ready(proc)
    keys: dict[str, list[tuple[str, int]]] = defaultdict(list)
    outputs = []
    for proc in writers:
        out, err = finish(proc)
        assert proc.returncode == 0, err  # both finish, no crash, no busy error
        assert "Traceback" not in err
        assert len(out.splitlines()) == 80  # every operation reported ("ready" was read before)
        outputs.append(out)
        for kind, found in reported(out.splitlines(keepends=True)).items():
            keys[kind].extend(found)
    assert_whole(db_path, keys)
    for run in ("p1", "p2"):
        assert any(heat_no.startswith(f"{run}-") for heat_no, _n in keys["heat"]), outputs


def test_a_database_locked_too_long_is_a_plain_message_and_nothing_changes(
        db_path: Path, locked: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    store = Store.open(db_path, "tester")  # reading goes on while another writes
    typed = new_heat("1-0001")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="busy") as refused:
        store.add_heat(typed)
    assert isinstance(refused.value, QcError)
    assert "Traceback" not in str(refused.value)
    heats = tmp_path / "heats.csv"
    heats.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
                     "1-0002,1,2024-05-06 11:00,Q235B,120,1600,Wang\n", encoding="utf-8")
    with pytest.raises(DatabaseError, match="busy"):
        csvio.import_heats(store, heats)
    locked.execute("ROLLBACK")
    assert db_path.read_bytes() == before  # the store raised before changing anything
    assert store.counts()["heat"] == 0
    # what was typed is still the caller's: saving it again, once the lock is gone, works
    assert store.add_heat(typed).heat_no == "1-0001"
    assert csvio.import_heats(store, heats) == 1
    store.close()


def test_two_windows_save_at_once(qtbot: QtBot, db_path: Path) -> None:
    first, second = Session(db_path, "Wang"), Session(db_path, "Li")
    failures: list[str] = []
    saved: list[str] = []
    try:
        for n in range(20):
            for session, converter in ((first, "1"), (second, "2")):
                heat = NewHeat(f"{converter}-{n:04d}", converter, datetime(2024, 5, 6, 8, n), "Q235B",
                               120.0, 1600.0, session.user)
                session.submit(lambda store, heat=heat: store.add_heat(heat).heat_no,
                               done=saved.append, failed=failures.append, changes="heats")
        qtbot.waitUntil(lambda: first.idle() and second.idle(), timeout=60_000)
    finally:
        first.close()
        second.close()
    assert failures == []
    assert len(saved) == 40
    with Store.open(db_path, "tester") as store:
        assert store.counts()["heat"] == 40


def test_a_window_told_plainly_when_the_database_stays_locked(
        qtbot: QtBot, db_path: Path, locked: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    session = Session(db_path, "Wang")
    messages: list[str] = []
    saved: list[str] = []
    typed = new_heat("1-0001")
    try:
        session.submit(lambda store: store.add_heat(typed).heat_no, done=saved.append,
                       failed=messages.append, changes="heats")
        qtbot.waitUntil(session.idle, timeout=30_000)
        assert saved == []
        assert len(messages) == 1
        assert "busy" in messages[0]
        assert "Traceback" not in messages[0]
        locked.execute("ROLLBACK")
        session.submit(lambda store: store.add_heat(typed).heat_no, done=saved.append,
                       failed=messages.append, changes="heats")
        qtbot.waitUntil(session.idle, timeout=30_000)
    finally:
        session.close()
    assert saved == ["1-0001"]
