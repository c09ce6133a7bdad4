"""qcdesk report benchmark: the daily quality report of a 60-heat day, and a heat sheet.

    .venv/bin/python tests/benchmarks/bench_reports.py [--repeat 15] [--big /tmp/qcb/workshop.sqlite]

Builds, with the benchmark's generator (`generate.py`), one month of a workshop of
five converters making up to twelve heats a day each, and picks a day on which
all five made twelve: 60 heats, about 480 ingots. Then times, as the program
makes them (`reports.daily.build`, `reports.heat_sheet.build`: the store's
queries, the report data and the platypus layout, PDF bytes out), the daily
report of that day and the inspection sheet of one of its heats; and, apart,
the data step alone. Medians over --repeat runs after one warm-up run (the
warm-up registers the font). With --big, the daily report of the last day of
the ten-year database is timed too, on a copy (opening it adds the plan table).

Prints a Markdown table with the machine. Targets: daily report < 0.5 s, heat
sheet < 0.2 s; a missed target is marked FAIL and does not change the exit status.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import generate
    from bench import machine
else:
    from tests.benchmarks import generate
    from tests.benchmarks.bench import machine

from qcdesk.store import Store
from reports import daily, data, heat_sheet

SCALE = generate.Scale(start=date(2024, 3, 1), days=31, converters=("1", "2", "3", "4", "5"),
                       max_heats_per_day=12)
TARGETS = {"daily": 0.5, "heat": 0.2}


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Median, min and max seconds of `repeat` runs, after one warm-up run."""
    work()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs), max(runs)


def busiest_day(store: Store) -> tuple[date, int]:
    """The production date with the most heats (the first of them)."""
    span = store.date_span()
    assert span is not None
    best = (span[0], 0)
    for row in store.rates(span[0], span[1], ("day",)).rows:
        if row.sums.heats > best[1]:
            best = (date.fromisoformat(row.keys["date"]), row.sums.heats)
    return best


def run(folder: Path, repeat: int, big: Path | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    db = folder / "reports.sqlite"
    with Store.open(db, "bench") as store:
        t0 = time.perf_counter()
        generate.build(store, SCALE)
        print(f"built {db.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        day, heats = busiest_day(store)
        if heats != 60:
            raise SystemExit(f"no 60-heat day generated (the busiest has {heats})")
        heat_no = store.heats(day, day)[30].heat_no
        ingots = sum(h.ingots for h in store.heats(day, day))
        pages = daily.build(store, day).count(b"/Type /Page\n")
        cases = [
            ("daily", f"daily report, {day} ({heats} heats, {ingots} ingots)",
             lambda: daily.build(store, day)),
            ("", "… its data only (queries, rows, figures)", lambda: data.daily_report(store, day)),
            ("heat", f"heat sheet, heat {heat_no}", lambda: heat_sheet.build(store, heat_no)),
            ("", "… its data only", lambda: data.heat_sheet(store, heat_no)),
        ]
        for key, label, work in cases:
            median, low, high = timed(work, repeat)
            rows.append({"case": label, "median_s": median, "min_s": low, "max_s": high,
                         "target_s": TARGETS.get(key)})
        print(f"daily report: {pages or '?'} page(s)", file=sys.stderr)
    if big is not None:
        copy = folder / "big.sqlite"
        shutil.copy(big, copy)
        with Store.open(copy, "bench") as store:
            span = store.date_span()
            assert span is not None
            last = span[1]
            n = store.rates(last, last).total.sums.heats
            median, low, high = timed(lambda: daily.build(store, last), repeat)
            rows.append({"case": f"daily report, {last} of the ten-year database ({n} heats)",
                         "median_s": median, "min_s": low, "max_s": high, "target_s": TARGETS["daily"]})
            median, low, high = timed(lambda: data.daily_report(store, last), repeat)
            rows.append({"case": "… its data only", "median_s": median, "min_s": low, "max_s": high,
                         "target_s": None})
    return rows


def markdown(rows: list[dict[str, Any]], repeat: int) -> str:
    m = machine()
    out = [f"Machine: {m['cpu_model']}, {m['usable_cpus']} usable of {m['cpu_count']} CPUs, "
           f"{m['memory_gb']} GB, Python {m['python']}, SQLite {m['sqlite']}, load average "
           f"{', '.join(f'{x:.2f}' for x in m['load_average'] or ())}; median of {repeat} runs.", "",
           "| case | median | min | max | target | |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        target = r["target_s"]
        verdict = "" if target is None else ("ok" if r["median_s"] < target else "**FAIL**")
        out.append(f"| {r['case']} | {r['median_s'] * 1000:.0f} ms | {r['min_s'] * 1000:.0f} ms | "
                   f"{r['max_s'] * 1000:.0f} ms | {'' if target is None else f'< {target * 1000:.0f} ms'} "
                   f"| {verdict} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each case (at least 10)")
    parser.add_argument("--big", type=Path, metavar="DB",
                        help="also time the last day of this database (copied first, never written)")
    args = parser.parse_args(argv)
    repeat = max(args.repeat, 10)
    with tempfile.TemporaryDirectory(prefix="qcdesk-bench-reports-") as tmp:
        rows = run(Path(tmp), repeat, args.big)
    print(markdown(rows, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
