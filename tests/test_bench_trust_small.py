"""The cost-of-trust benchmark runs end to end on a few days (it asserts no timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "benchmarks" / "bench_trust.py"


def test_the_trust_benchmark_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--days", "3", "--runs", "1"], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    for what in ("`qcdesk verify`", "verify's peak memory", "bytes an ingot", "`qcdesk backup FILE --force`"):
        assert what in done.stdout
