"""The output benchmark (tests/benchmarks/speed_output.py) on a few generated days: it runs,
its three rows are there, and the export's rows equal its floor's. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from qcdesk.store import Store
from tests.benchmarks import generate, speed_output

BENCH = Path(__file__).resolve().parent / "benchmarks" / "speed_output.py"


def test_the_output_benchmark_runs_on_a_small_workshop(tmp_path: Path) -> None:
    db = tmp_path / "small.sqlite"
    with Store.open(db, "bench") as store:
        generate.build(store, generate.Scale(start=date(2024, 12, 27), days=5))
    assert speed_output.last_quarter(db) == (date(2024, 10, 1), date(2024, 12, 31))
    day, heats, ingots = speed_output.busiest_day(db)
    assert date(2024, 12, 27) <= day <= date(2024, 12, 31)
    assert 0 < heats < ingots
    done = subprocess.run([sys.executable, str(BENCH), "--db", str(db), "--runs", "1"], capture_output=True,
                          text=True, encoding="utf-8", cwd=tmp_path, timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rows equal the floor's" in done.stderr
    for what in ("| export ingots, ten years (", "| period report, one quarter (2024-10-01 to 2024-12-31)",
                 f"| daily report, busy day ({day.isoformat()}: {heats} heats, {ingots} ingots)"):
        assert what in done.stdout
    assert "load average before:" in done.stdout
    assert not list(tmp_path.glob("*.pdf"))  # the runs worked on a copy, elsewhere
