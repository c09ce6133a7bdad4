"""Migration 9 brings a database written before it to records proven by the audit trail.

`data/schema8-signed.sqlite` was written by qcdesk at schema 8 (the log then chained entry
by entry): the small workshop of `signed_shop` with both shifts closed and the day signed,
then ingot E1/1 corrected to conditioned by hu (superseding the evening's and the day's
signatures), the evening closed and the day signed again: 19 entries, head c3e57e61….
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from attacker import plain_sqlite
from signed_shop import DAY, PINS, open_as

from qcdesk.journal import journal_path
from qcdesk.store import Store
from qcdesk.verify import verify

OLD = Path(__file__).parent / "data" / "schema8-signed.sqlite"
OLD_HEAD = "c3e57e616c1b65b73c5e8924a8a52fa63abf31c556ce12d5763525b639d51e78"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(OLD, path)
    return path


def test_the_old_file_is_as_described() -> None:
    with sqlite3.connect(f"file:{OLD}?mode=ro", uri=True) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 8
        assert raw.execute("SELECT count(*), max(hash = ?) FROM audit", (OLD_HEAD,)).fetchone() == (19, 1)


def test_the_migration_seals_every_record_and_is_audited(old: Path) -> None:
    with Store.open(old, "it") as s:
        assert s.schema_version() >= 9
        report = verify(s)
        assert report.ok, report.problem
        entries = s.audit()
        marker = next(e for e in entries if e.entity == "schema")
        assert (marker.id, marker.action, marker.entity_key, marker.user) == (20, "update", "9", "it")
        said = json.loads(marker.new_value or "{}")
        assert said["entries_before"] == 19
        assert said["head_before"] == OLD_HEAD
        assert said["sealed"]["ingot"] == 4
        assert said["sealed"]["person"] == 4
        # (migration 10 follows in a block of its own: tests/test_migration10.py)
        after = next(e for e in entries if e.entity == "schema" and e.entity_key == "10")
        sealed = [e for e in entries if e.field == "sealed" and e.id < after.id]
        rows = sum(s.counts()[t] for t in ("converter", "shift", "grade", "standard", "defect", "heat",
                                          "ingot", "person", "signature", "plan", "control_limits"))
        assert len(sealed) == rows  # one entry a record, each with its state
        assert after.id == 20 + rows + 1
        assert report.entries == len(entries)
        assert report.signatures == 3  # signed before the migration, checked against the old log
    start = journal_path(old).read_text().splitlines()[0]
    assert start == f"start 19 {OLD_HEAD}"  # the journal takes over where the old log ends


def test_the_migration_runs_once(old: Path) -> None:
    with Store.open(old, "it") as s:
        head, last = s.chain_head(), s.last_entry_id()
    with Store.open(old, "someone else") as s:
        assert (s.chain_head(), s.last_entry_id()) == (head, last)
        assert verify(s).ok


def test_the_old_entries_stay_verifiable(old: Path) -> None:
    Store.open(old, "it").close()
    with plain_sqlite(old) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit_v1 SET reason = 'a different reason' WHERE reason = 'ground out a crack'")
    with Store.open(old, "auditor") as s:
        report = verify(s)
    assert not report.ok
    assert "does not match the chain: it was changed, or an entry before it was" in (report.problem or "")


def test_a_sealed_record_changed_afterwards_is_named(old: Path) -> None:
    Store.open(old, "it").close()
    with plain_sqlite(old) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE disposition = 'scrap'")
    with Store.open(old, "auditor") as s:
        problem = verify(s).problem or ""
    assert "ingot D1/2 (ingot row 2): disposition is 'accepted', but its audit trail" in problem


def test_work_goes_on_after_the_migration(old: Path) -> None:
    with open_as(old, "hu") as s:
        s.update_ingot("D2", 1, weight_kg=801.0, reason="weighed again")
    with open_as(old, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
    with open_as(old, "hu") as s:
        s.sign_day(DAY, PINS["hu"])
        report = verify(s, full=True)
        assert report.ok, report.problem
        assert report.signatures == 3
