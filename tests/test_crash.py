"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it reported
committed, leaves no half import, and never a damaged database (issue 6)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import IO

import pytest
from attacker import on_server, plain

from qcdesk.store import Store
from qcdesk.verify import verify

HERE = Path(__file__).resolve().parent
WRITER = HERE / "crash_writer.py"
KILLS = int(os.environ.get("QCDESK_CRASH_KILLS", "100"))


_ERRORS: dict[int, IO[str]] = {}


def start(args: list[str], cwd: Path | None = None) -> subprocess.Popen[str]:
    """A child whose stdout is read here line by line and whose stderr goes to a file:
    `communicate()` after a `readline()` would lose the lines already buffered."""
    err = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by finish()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True, cwd=cwd)
    _ERRORS[proc.pid] = err
    return proc


def finish(proc: subprocess.Popen[str], timeout: float = 300) -> tuple[str, str]:
    """The rest of the child's stdout (up to its end or its kill) and all its stderr."""
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    proc.wait(timeout)
    err_file = _ERRORS.pop(proc.pid)
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    return out, err


def start_writer(db: Path, run: str, seed: int, operations: int | None = None,
                 cwd: Path | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, str(WRITER), str(db), run, str(seed)]
    if operations is not None:
        args.append(str(operations))
    return start(args, cwd)


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        _out, err = finish(proc)
        pytest.fail(f"the writer did not start: {line!r} {err}")


def reported(lines: list[str]) -> dict[str, list[tuple[str, int]]]:
    """The writer's committed keys, by kind: heat, ingots, import-heats, import-ingots."""
    keys: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for line in lines:
        parts = line.split()
        if len(parts) < 2 or parts[0] == "ready" or not line.endswith("\n"):
            continue  # the last line may be cut by the kill
        keys[parts[0]].append((parts[1], int(parts[2]) if len(parts) > 2 else 1))
    return keys


def assert_whole(db: Path, keys: dict[str, list[tuple[str, int]]]) -> None:
    """integrity_check ok; every reported key there; every import all or nothing; and
    `qcdesk verify` passes (the chain, the signatures, the triggers, the sums; on a server,
    its constraints and references: the server rolled the killed writer's transaction back)."""
    with plain(db) as conn:  # a file: rolls back a crashed writer's journal, as SQLite promises
        if not on_server(db):
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        heats = {r[0] for r in conn.execute("SELECT heat_no FROM heat")}
        for heat_no, _n in keys["heat"]:
            assert heat_no in heats, heat_no
        ingots = dict(conn.execute("SELECT h.heat_no, count(*) FROM ingot i JOIN heat h "
                                   "ON h.id = i.heat_id GROUP BY h.heat_no"))
        for heat_no, n in keys["ingots"]:
            assert ingots.get(heat_no) == n, heat_no
        imported_heats = dict(conn.execute(
            "SELECT inspector, count(*) FROM heat WHERE inspector LIKE 'ih-%' GROUP BY inspector"))
        imported_ingots = dict(conn.execute(
            "SELECT inspector, count(*) FROM ingot WHERE inspector LIKE 'ii-%' GROUP BY inspector"))
        assert set(imported_heats.values()) <= {50}, imported_heats  # all or nothing
        assert set(imported_ingots.values()) <= {50}, imported_ingots
        for tag, n in keys["import-heats"]:
            assert imported_heats.get(tag) == n, tag
        for tag, n in keys["import-ingots"]:
            assert imported_ingots.get(tag) == n, tag
        # the rollups the triggers keep agree with the ingots; every heat has its audit entry
        assert conn.execute("SELECT count(*) FROM heat h WHERE n_ingots <> "
                            "(SELECT count(*) FROM ingot i WHERE i.heat_id = h.id)").fetchone()[0] == 0
        heat_id = "CAST(h.id AS TEXT)" if on_server(db) else "h.id"  # a record's key is text on a server
        audited = {r[0] for r in conn.execute(
            f"SELECT h.heat_no FROM audit a JOIN heat h ON {heat_id} = a.rec WHERE a.tbl = 'heat' "
            "AND a.action = 'insert'")}
        assert heats <= audited
        if not on_server(db):
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with Store.open(db, "crash-check", create=False) as store:
        report = verify(store)
    assert report.ok, report.problem


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_loses_nothing_committed(db_path: Path, tmp_path: Path) -> None:
    Store.open(db_path, "tester").close()
    rng = random.Random(20260224)
    all_keys: dict[str, list[tuple[str, int]]] = defaultdict(list)
    journals_left = 0
    # On a server a write takes longer (a round trip a statement, the imports most): moments
    # over a longer while fall as often inside each kind of write. Its transactions are the
    # server's to roll back, so a fifth of the kills checks what is qcdesk's there: every commit
    # reported kept, every import all or nothing, the journal of chain heads.
    runs, window = (KILLS // 5, 1.5) if on_server(db_path) else (KILLS, 0.25)
    for run in range(runs):
        proc = start_writer(db_path, f"r{run}", rng.randrange(1 << 30), cwd=tmp_path)
        wait_ready(proc)
        time.sleep(rng.uniform(0.0, window))  # a random moment of its writing
        os.kill(proc.pid, signal.SIGKILL)
        out, err = finish(proc)
        assert proc.returncode == -signal.SIGKILL, err
        journals_left += on_server(db_path) or Path(f"{db_path}-journal").exists()
        for kind, keys in reported(out.splitlines(keepends=True)).items():
            all_keys[kind].extend(keys)
        assert_whole(db_path, all_keys)
    # the kills did land inside writes (a journal was left behind; on a server, transactions
    # were rolled back) and the writers did write
    if on_server(db_path):
        with plain(db_path) as raw:
            journals_left = raw.execute("SELECT xact_rollback FROM pg_stat_database "
                                        "WHERE datname = current_database()").fetchone()[0]
    assert journals_left > 0
    assert len(all_keys["heat"]) > runs
    assert all_keys["import-heats"]
    assert all_keys["import-ingots"]
    with Store.open(db_path, "tester") as store:  # and the program opens it afterwards
        assert store.counts()["heat"] >= len(all_keys["heat"])


@pytest.mark.sqlite_only  # SQLite's rollback journal and sync; a server keeps its own write-ahead log
def test_journal_mode_is_rollback_with_full_sync(store: Store) -> None:
    """Issue 2's choice: DELETE journal (SQLite 3.40.1 is inside the WAL-reset bug's range),
    synchronous FULL on every connection the store opens."""
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


BACKUP_CHILD = """
import sys
from qcdesk import backup
print("ready", flush=True)
backup.backup(sys.argv[1], sys.argv[2], force=True, pages=4, pause=0.002)
print("done", flush=True)
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_backup_killed_midway_leaves_the_old_backup_or_the_new(demo_file: Path, tmp_path: Path) -> None:
    """The backup file is renamed into place whole: a kill leaves the previous one, never half."""
    db = tmp_path / "live.sqlite"
    shutil.copyfile(demo_file, db)  # the demo month: about 1,000 pages to copy
    target = tmp_path / "backup.sqlite"
    rng = random.Random(7)
    finished = killed = 0
    for _run in range(12):
        proc = start([sys.executable, "-c", BACKUP_CHILD, str(db), str(target)], cwd=HERE.parent)
        wait_ready(proc)
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = finish(proc)
        finished += "done" in out
        killed += "done" not in out
        if target.exists():  # the previous or the new backup, whole
            conn = sqlite3.connect(target)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("SELECT count(*) FROM heat").fetchone()[0] == 936
            finally:
                conn.close()
        else:
            assert finished == 0  # absent only until a first backup has finished
    assert killed > 0
