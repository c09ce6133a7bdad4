"""The benchmark (tests/benchmarks/bench.py) at a tiny scale: every case runs and agrees.

No timing is asserted here; the full run and its targets are documented in
tests/benchmarks/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "benchmarks" / "bench.py"
CASES = ("build", "one day", "a month by day", "ten years by month", "a year by converter × shift",
         "import 300-row ingot CSV")


def test_small_benchmark_runs_every_case_and_matches_its_floor(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--days", "5", "--import-rows", "300", "--repeat", "1",
         "--raw-repeat", "1", "--import-repeat", "1", "--json", str(out)],
        capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["mismatches"] == []
    cases = {c["name"]: c for c in results["cases"]}
    assert tuple(cases) == CASES
    for name in CASES[1:]:
        assert cases[name]["agrees"] is True, name
        assert cases[name]["median_s"] > 0
        assert cases[name]["floor_s"] > 0
        assert f"| {name} |" in done.stdout  # the printed table has its line
    assert cases["build"]["rows"] == results["build"]["heats"] > 0
    assert results["build"]["ingots"] > 4 * results["build"]["heats"]
    assert cases["import 300-row ingot CSV"]["rows"] == 300
    # Five days of four converters: a row per day, and 4 × 3 converter-shifts.
    assert cases["a month by day"]["rows"] == 5
    assert cases["a year by converter × shift"]["rows"] == 12
    assert results["db_size_mb"] > 0
    assert results["peak_rss_mb"] > 0
    for heading in ("database size:", "peak memory", "machine:"):
        assert heading in done.stdout
