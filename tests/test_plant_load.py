"""Plant mode under load (issue 13): twelve workstations, each a process of its own, save
heats, analyses, judged ingots and corrections on one PostgreSQL database for a minute while
a thirteenth polls the shift view. Nothing is lost, no error reaches a person, the chain is
one chain with a block for every save, verify passes, and the shift view saw every heat.
Every desk listens the while (issue 14) and hears of every change.

The desks and the reader are tests/plant_desk.py; the benchmark of their save latency is
tests/benchmarks/bench_plant.py. The desks run on this machine, so they note their chain heads
in one journal (as desks whose QCDESK_HEADS names one shared folder do), which verify checks.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from conftest import copy_into_server
from plant_desk import DAYS, percentile, run_plant

from qcdesk.errors import DatabaseError
from qcdesk.store import NewHeat, Store, pg_sql, postgres
from qcdesk.store.base import _ADDED
from qcdesk.verify import verify

DESKS = 12
SECONDS = float(os.environ.get("QCDESK_PLANT_SECONDS", "60"))


@pytest.mark.slow
def test_twelve_desks_for_a_minute_lose_nothing(pg_new_uri: str) -> None:
    pg_uri = pg_new_uri
    run = run_plant(pg_uri, desks=DESKS, seconds=SECONDS, pause_ms=500)

    # no desk saw an error; a busy database was only ever saved again, successfully
    assert run.errors == []
    saves = run.saves
    kinds = Counter(kind for kind, *_rest in saves)
    assert set(kinds) == {"heat", "analysis", "ingots", "correct ingot", "correct analysis", "correct heat"}
    assert all(len(desk["saves"]) >= 5 for desk in run.desks), [len(d["saves"]) for d in run.desks]
    median, p95 = percentile(run.latencies, 50) * 1000, percentile(run.latencies, 95) * 1000
    print(f"\n{len(saves)} saves by {DESKS} desks in {run.seconds:.0f} s ({dict(kinds)}); "
          f"{run.retries} saved again after 'busy'; latency median {median:.0f} ms, 95th percentile "
          f"{p95:.0f} ms; the shift view polled {len(run.reader['polls'])} times")

    with Store.open(pg_uri, "check", create=False) as store:
        # every heat each desk saved is there, as the desk last left it, and no other
        expected = {number: heat for desk in run.desks for number, heat in desk["heats"].items()}
        listed = {h.heat_no for h in store.heats(*DAYS)}
        assert listed == set(expected)
        for number, heat in expected.items():
            found = store.heat(number)
            assert found.tap_weight_t == heat["tap_weight_t"], number
            assert found.analysis == heat["analysis"], number
            ingots = {str(i.ingot_no): [i.weight_kg, i.disposition.value] for i in store.ingots(number)}
            assert ingots == heat["ingots"], number
        # every correction is in the trail with its reason (each reason a correction of its own)
        reasons = Counter(entry.reason for entry in store.audit() if entry.reason)
        given = [reason for desk in run.desks for reason in desk["reasons"]]
        assert len(given) == len(set(given)) == kinds["correct ingot"] + kinds["correct analysis"] \
            + kinds["correct heat"]
        assert all(reasons[reason] >= 1 for reason in given)
        # one chain, one block for every save, each by the desk that made it
        blocks = Counter(user for _last, _at, user, _hash in store.blocks())
        for desk in run.desks:
            assert blocks[f"desk{desk['desk']:02d}"] == len(desk["saves"]), desk["desk"]
        assert sum(blocks.values()) == run.blocks_before + len(saves)
        report = verify(store)
    assert report.ok, report.problem

    # the shift view saw every heat, and its rates always counted the heats it listed
    assert set(run.reader["first_seen"]) == set(expected)
    assert run.reader["disagreements"] == []

    # every desk, listening the while (issue 14), heard of every change: the last entry its feed
    # read is the last there is, and the heats it was told of are every heat saved
    for desk in run.desks:
        assert desk["heard"]["last_id"] == run.last_id, desk["desk"]
        assert set(desk["heard"]["heats"]) >= set(expected), desk["desk"]
    reads = [desk["heard"]["reads"] for desk in run.desks]
    print(f"each desk listening read the audit {min(reads)}–{max(reads)} times for {len(saves)} saves")


def test_a_desk_told_busy_saves_again_once_the_other_desk_is_done(
        pg_new_uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that waited too long for another desk's is refused as busy, changes nothing,
    and the same save pressed again afterwards goes in (the connection is not left in a
    transaction the server has aborted)."""
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 200)
    pg_uri = pg_new_uri
    typed = NewHeat("1-0001", "1", datetime(2025, 3, 3, 9, 0), "Q235B", 30.0, 1640.0, "Wang")
    desk, other = Store.open(pg_uri, "desk01", create=False), Store.open(pg_uri, "desk02", create=False)
    with desk, other:
        with other.transaction(), pytest.raises(DatabaseError, match="busy"):  # the other desk is saving
            desk.add_heat(typed)
        assert desk.add_heat(typed).heat_no == "1-0001"
        desk.set_analysis("1-0001", {"C": 0.15})
        assert desk.heat("1-0001").analysis == {"C": 0.15}
        assert [h.heat_no for h in other.heats(typed.tapped_at.date(), typed.tapped_at.date())] == ["1-0001"]


@pytest.mark.parametrize("table", ["heat", "ingot", "sample", "signature"])
def test_a_save_finds_the_records_it_added_by_their_primary_key(pg_uri: str, table: str) -> None:
    """A save's audit entries take the state of each record it added, found by its key: through
    the table's primary key, not by reading the whole table (on ten years of ingots that took
    3.7 s for a batch of nine, when the key was compared as the trail's text)."""
    with Store.open(pg_uri, "setup") as store:
        raw = store.conn.raw  # type: ignore[attr-defined]
        raw.execute("SET enable_seqscan = off")  # a usable index is used even on a few rows
        statement = pg_sql.translate(_ADDED[table])
        plan = "\n".join(row[0] for row in raw.execute("EXPLAIN " + statement.query, (100, "[7, 8]")))
        assert f"Index Scan using {table}_pkey on {table} t" in plan, plan


def test_the_big_tables_a_migration_fills_have_the_planners_statistics(demo_copy: Path, pg_uri: str) -> None:
    """At once, before any desk saves on the database just moved to the server (the demo
    month's 7,000 ingots): no save waits for autovacuum to learn how big the tables are."""
    copy_into_server(demo_copy, pg_uri)
    with psycopg.connect(pg_uri) as conn:
        analysed = {row[0] for row in conn.execute("SELECT DISTINCT tablename FROM pg_stats "
                                                   "WHERE schemaname = current_schema()")}
    assert {"ingot", "heat_analysis", "audit"} <= analysed
