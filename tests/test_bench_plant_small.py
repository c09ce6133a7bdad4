"""The plant benchmark runs end to end on a few days and two desks (it asserts no timing):
the rate cases on both databases with their figures equal, the copy to the server and back
with the same chain head, and the desks' latencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "benchmarks" / "bench_plant.py"


def test_the_plant_benchmark_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--days", "2", "--runs", "1", "--desks", "2",
                           "--seconds", "2", "--pause-ms", "300", "--flat-out-pause-ms", "50"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    for case in ("one day", "a month by day", "a quarter by grade", "a year by converter × shift",
                 "the whole span by month", "the whole span by converter × shift × grade"):
        assert f"| {case} |" in out
    assert "**DIFFERS**" not in out
    assert out.count("chain head the same") == 2
    assert "rates the same" in out
    for desks in ("PostgreSQL, steady", "PostgreSQL, flat out", "SQLite, steady", "SQLite, flat out"):
        assert f"| {desks}, pause" in out
    assert out.count("| everything, in ") == 4  # every desk heard every change (issue 14)
    assert "Machine:" in out
