"""The import benchmark of issue 17 runs end to end on a few days (it asserts no timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import generate

from qcdesk.store import Store

SCRIPT = Path(__file__).parent / "benchmarks" / "speed_import.py"


def test_the_import_benchmark_signs_every_day_and_checks_imports_against_the_floor(tmp_path: Path) -> None:
    db = tmp_path / "workshop.sqlite"
    with Store.open(db, "bench") as store:
        generate.build(store, generate.Scale(days=4))
    done = subprocess.run([sys.executable, str(SCRIPT), "--db", str(db), "--runs", "1", "--ingots", "500",
                           "--heats", "200", "--verify-signed"], capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "| import 500 ingots |" in done.stdout
    assert "| import 200 heats with analyses |" in done.stdout
    assert done.stdout.count("stored rows equal the floor's, qcdesk verify passes") == 2
    # every shift and day of the four days signed, through the program, kept beside the database
    with Store.open(db.with_name("workshop-signed.sqlite"), "bench", create=False) as signed:
        kinds = [(s.kind.value, s.live) for s in signed.all_signatures()]
    assert kinds.count(("day", True)) == 4
    assert kinds.count(("shift", True)) == 12
    assert len(kinds) == 16
