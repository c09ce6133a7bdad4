"""A report's process loads what that report needs (issue 17): its own document, and no part of
reportlab's graphics package (the charts are drawn straight onto the page, `reports.charts`).

Asserted as the modules the `qcdesk report …` process loaded, in a fresh interpreter as the
installed command runs; no timings here (they are in tests/benchmarks/speed_output.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Runs `qcdesk ARGV` in a fresh interpreter; then writes the names of the modules loaded to the file
# named last.
COMMAND = ("import json, sys\n"
           "from ui.launcher import main\n"
           "code = main(sys.argv[1:-1])\n"
           "open(sys.argv[-1], 'w').write(json.dumps(sorted(sys.modules)))\n"
           "sys.exit(code)\n")
DOCUMENTS = {"heat": "reports.heat_sheet", "daily": "reports.daily", "period": "reports.period"}


@pytest.mark.parametrize(("kind", "argv"), [
    ("heat", ("3-0425",)),
    ("daily", ("1959-02-02",)),
    ("period", ("--from", "1959-02-01", "--to", "1959-02-28")),
])
def test_a_report_loads_its_own_document_and_none_of_reportlabs_graphics(
        tmp_path: Path, demo_copy: Path, kind: str, argv: tuple[str, ...]) -> None:
    loaded, pdf = tmp_path / "modules.json", tmp_path / "out.pdf"
    done = subprocess.run([sys.executable, "-c", COMMAND, "--db", str(demo_copy), "report", kind, *argv,
                           "-o", str(pdf), str(loaded)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    modules = set(json.loads(loaded.read_text()))
    assert DOCUMENTS[kind] in modules
    others = {name for other, name in DOCUMENTS.items() if other != kind}
    if kind == "period":  # the period report draws the daily report's Pareto chart
        others.discard("reports.daily")
    assert others & modules == set()
    assert {m for m in modules if m.startswith("reportlab.graphics")} == set()
    if kind != "period":
        assert {"qcdesk.trends", "qcdesk.spc"} & modules == set()  # the trends core: the period report's
