"""The desktop benchmark (tests/benchmarks/bench_ui.py) on the demo month: every measure is taken.

No timing is asserted; the ten-year figures and targets are in tests/benchmarks/README.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "benchmarks" / "bench_ui.py"
MEASURES = ("start to first painted window", "open the history browser", "open a heat with 10 ingots",
            "peak memory (ru_maxrss)")


def test_desktop_benchmark_takes_every_measure_and_leaves_the_database_alone(demo_copy: Path,
                                                                            tmp_path: Path) -> None:
    db = demo_copy
    before = db.read_bytes()
    table = tmp_path / "ui.md"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}  # offscreen
    done = subprocess.run([sys.executable, str(BENCH), str(db), "--runs", "1", "--workdir",
                           str(tmp_path / "work"), "--markdown", str(table)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=180, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = table.read_text(encoding="utf-8")
    for measure in MEASURES:
        assert f"| {measure} |" in text
    assert "936 heats" in text
    assert db.read_bytes() == before
