"""Where a person waits (issue 17): every row timed beside its floor, in one run.

    .venv/bin/python tests/benchmarks/bench_speed.py [--db PATH] [--runs 5] [--only start,import,output]
    ./dev bench --speed [--db PATH] [--runs N]

Runs the three benchmark modules beside this one, each a list of whole-process timings
with their floor measured in the same run (candidate and floor in turn, medians):

- ``speed_start.py``: ``qcdesk --help``, ``qcdesk rates`` for one day, the first painted
  window (under Xvfb) with the day's automatic backup running;
- ``speed_import.py``: imports of ingots and heats against a bare ``executemany``, and the
  same imports after ten years of signed days against none;
- ``speed_output.py``: ``export ingots`` of ten years against a bare ``SELECT`` written with
  ``csv.writer``, the period report for a quarter, the daily report for a busy day.

``--db`` is the ten-year database (schema 9 or later; it is only read, copies are made
where a run writes); default ``/work/bench/ten-v9.sqlite``. Prints a Markdown table with
the machine and its load before and after. A missed target is marked FAIL and does not
change the exit status; a benchmark's own equality check failing does (exit 1).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parents[1]))
    from bench import machine
    from speedrow import Row
else:
    from tests.benchmarks.bench import machine
    from tests.benchmarks.speedrow import Row

PARTS = ("start", "import", "output")


def table(rows: list[Row]) -> str:
    lines = ["| what | median | floor | floor median | ratio | target | met |",
             "| --- | ---: | --- | ---: | ---: | --- | --- |"]
    for row in rows:
        ratio = row.ratio
        target = " and ".join(part for part in (
            f"≤ {row.target_ratio:g}× floor" if row.target_ratio is not None else "",
            f"< {row.target_seconds:g} s" if row.target_seconds is not None else "") if part) or "—"
        floor = f"{row.floor_seconds:.3f} s" if row.floor_seconds is not None else "—"
        lines.append(f"| {row.what} | {row.seconds:.3f} s | {row.floor_what or '—'} | {floor} | "
                     f"{f'{ratio:.2f}×' if ratio is not None else '—'} | {target} | "
                     f"{'yes' if row.met else '**FAIL**'} |")
    notes = [f"- {row.what}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + (["", *notes] if notes else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/work/bench/ten-v9.sqlite"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(PARTS),
                        help="comma-separated parts to run: " + ", ".join(PARTS))
    parser.add_argument("--json", type=Path, help="also write the rows there")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"{args.db}: no such database (build one: tests/benchmarks/bench.py --db PATH --keep)")
    before = machine()
    rows: list[Row] = []
    failed = False
    for part in args.only.split(","):
        if part not in PARTS:
            parser.error(f"--only: unknown part {part!r} (one of {', '.join(PARTS)})")
        module = importlib.import_module(f"speed_{part}" if __package__ in (None, "")
                                         else f"tests.benchmarks.speed_{part}")
        try:
            rows += module.rows(args.db, args.runs)
        except AssertionError as error:  # a benchmark's equality check against its floor
            print(f"speed_{part}: {error}", file=sys.stderr)
            failed = True
    after = machine()
    print(f"Machine: {before['cpu_model']}, {before['usable_cpus']} usable CPUs, {before['memory_gb']} GB, "
          f"Python {before['python']}, SQLite {before['sqlite']}; load average before "
          f"{', '.join(f'{x:.2f}' for x in before['load_average'])}, after "
          f"{', '.join(f'{x:.2f}' for x in after['load_average'])}; {args.runs} runs each, "
          f"database {args.db} ({os.path.getsize(args.db) / 1e6:.0f} MB).\n")
    print(table(rows))
    if args.json:
        found = [row._asdict() | {"ratio": row.ratio, "met": row.met} for row in rows]
        args.json.write_text(json.dumps(found, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
