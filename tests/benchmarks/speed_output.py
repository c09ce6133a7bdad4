"""Outputs at the floor (issue 17): the ingots export and two reports, whole-process timings.

    .venv/bin/python tests/benchmarks/speed_output.py --db /work/bench/ten-v9.sqlite --runs 3

Three rows, each a median of interleaved runs on one copy of the database (the copy, and
one untimed run of each command first, so that every timed run finds the file in the page
cache and the program's bytecode cached, as an installed program has it, whatever
PYTHONDONTWRITEBYTECODE says; the commands only read the database):

- `qcdesk export ingots FILE` of every ingot (1.6 million on the ten-year database) beside
  a bare Python process running the same SELECT and writing its rows with `csv.writer`
  (UTF-8 with a byte-order mark, as the export); target 2x, and a peak resident memory
  under 150 MB (the child's ru_maxrss). After the first run the export's rows are compared
  with the floor's, read back as the import reads them (the safe cells' quote taken off,
  weights as numbers): they must be the same rows in the same order.
- `qcdesk report period` of the database's last quarter: under 0.8 s. Beside it, for scale,
  a bare Python process importing the reportlab modules a report uses (part of any report).
- `qcdesk report daily` of the busiest day (the most heats, then the most ingots): under
  0.4 s, beside the same reportlab import.

Each note gives the range of the runs' wall times and the median processor time (user and
system, from the process's rusage), which a busy machine inflates less than the wall time.

`--program DIR` runs the timed program from another checkout (e.g. an export of an older
commit, for a "before" figure); the floors and checks are always this one's.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from itertools import zip_longest
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from speedrow import Row
else:
    from tests.benchmarks.speedrow import Row

from qcdesk.cells import read_cell

EXPORT_MB = 150  # most resident memory an export may take
PERIOD_S, DAILY_S = 0.8, 0.4

# The export's SELECT, bare: what the program writes, without its formatting and safety.
FLOOR_EXPORT = """
import csv, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
conn = sqlite3.connect("file:" + db + "?mode=ro", uri=True)
rows = conn.execute(
    "SELECT h.heat_no, i.ingot_no, i.weight_kg, i.disposition, (SELECT group_concat("
    "d.defect_code || coalesce('@' || d.location, ''), ';') FROM (SELECT * FROM ingot_defect "
    "WHERE ingot_id = i.id AND voided = 0 ORDER BY seq) d), i.inspector "
    "FROM heat h JOIN ingot i ON i.heat_id = h.id "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
    "ORDER BY h.tapped_at, h.heat_no, i.ingot_no", ("0000-01-01", "9999-12-31"))
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("\\ufeff")
    writer = csv.writer(f, lineterminator="\\n")
    writer.writerow(("heat_no", "ingot_no", "weight_kg", "disposition", "defects", "inspector"))
    writer.writerows(rows)
"""
# What every report imports of reportlab (the charts are drawn on the canvas, without reportlab's
# graphics package): the floor under any report's whole process.
FLOOR_REPORTLAB = "import reportlab.platypus, reportlab.pdfbase.ttfonts"


def _copy(src: Path, dst: Path) -> None:
    """The database with its journal of chain heads and integrity record, as the program finds them."""
    for suffix in ("", ".heads", ".check"):
        source = src.with_name(src.name + suffix)
        if source.exists():
            shutil.copyfile(source, dst.with_name(dst.name + suffix))


def last_quarter(db: Path) -> tuple[date, date]:
    """The quarter of the database's last production date."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        last = date.fromisoformat(conn.execute(
            "SELECT max(production_date) FROM heat WHERE void_reason IS NULL").fetchone()[0])
    finally:
        conn.close()
    first_month = 3 * ((last.month - 1) // 3) + 1
    end = date(last.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)
    return date(last.year, first_month, 1), date.fromordinal(end.toordinal() - 1)


def busiest_day(db: Path) -> tuple[date, int, int]:
    """The production date with the most heats, then the most ingots: (day, heats, ingots)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        day, heats, ingots = conn.execute(
            "SELECT production_date, count(*), total(n_ingots) FROM heat WHERE void_reason IS NULL "
            "GROUP BY production_date ORDER BY count(*) DESC, total(n_ingots) DESC, production_date "
            "LIMIT 1").fetchone()
    finally:
        conn.close()
    return date.fromisoformat(day), int(heats), int(ingots)


class Runner:
    """Whole processes, timed, with the peak resident memory of each."""

    def __init__(self, work: Path, program: Path | None) -> None:
        self.work = work
        # the bytecode cache on, as an installed program has it (the untimed first runs write it)
        dropped = ("QCDESK_HEADS", "QCDESK_USER", "QCDESK_PIN", "QCDESK_DB", "PYTHONDONTWRITEBYTECODE")
        self.env = {k: v for k, v in os.environ.items() if k not in dropped}
        self.program_env = dict(self.env)
        self.cpu = 0.0  # processor seconds (user and system) of the last process run
        if program is not None:
            self.program_env["PYTHONPATH"] = str(program.resolve())

    def _run(self, command: list[str], env: dict[str, str]) -> tuple[float, float]:
        """Wall seconds and peak resident MB of the process (its processor seconds in `cpu`)."""
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=self.work, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        assert child.stderr is not None
        errors = child.stderr.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stderr.close()
        if child.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({child.returncode}): {errors[-2000:].decode()}")
        self.cpu = usage.ru_utime + usage.ru_stime
        return wall, usage.ru_maxrss / 1024

    def qcdesk(self, *args: str) -> tuple[float, float]:
        return self._run([sys.executable, "-m", "ui.launcher", *args], self.program_env)

    def python(self, script: str, *args: str) -> tuple[float, float]:
        return self._run([sys.executable, "-c", script, *args], self.env)


def _read(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.reader(f)


def same_rows(exported: Path, floor: Path) -> int:
    """The number of ingots, once the export's rows read back as the import reads them (quotes
    off) equal the floor's (weights compared as numbers); SystemExit at the first difference."""
    n = -1
    for n, (mine, bare) in enumerate(zip_longest(_read(exported), _read(floor))):
        if mine is None or bare is None:
            raise SystemExit(f"the export and the floor differ in length at line {n + 1}")
        cells = [read_cell(c) for c in mine]
        if n and (float(cells[2]) != float(bare[2]) or cells[:2] + cells[3:] != bare[:2] + bare[3:]):
            raise SystemExit(f"line {n + 1}: the export wrote {mine}, the floor {bare}")
        if not n and cells != bare:
            raise SystemExit(f"the export's header {mine} is not the floor's {bare}")
    return n


def rows(db: Path, runs: int, *, program: Path | None = None,
         log: Callable[[str], None] = print) -> list[Row]:
    """The three output rows of the speed table, on a copy of `db` (left unchanged)."""
    if runs < 1:
        raise ValueError("at least one run")
    count = 0
    temporary = os.environ.get("QCDESK_BENCH_TMP")
    with tempfile.TemporaryDirectory(prefix="qcdesk-speed-output-", dir=temporary) as f:
        work = Path(f)
        base = work / db.name
        _copy(db, base)
        runner = Runner(work, program)
        first, last = last_quarter(base)
        day, heats, ingots = busiest_day(base)
        export, bare = work / "ingots.csv", work / "ingots-floor.csv"
        period_args = ("--db", str(base), "report", "period", "--from", first.isoformat(), "--to",
                       last.isoformat(), "-o", str(work / "period.pdf"), "--force")
        daily_args = ("--db", str(base), "report", "daily", day.isoformat(), "-o", str(work / "daily.pdf"),
                      "--force")
        export_args = ("--db", str(base), "export", "ingots", str(export), "--force")
        log(f"warming up on {base.name}: quarter {first} to {last}; busiest day {day} ({heats} heats, "
            f"{ingots} ingots) …")
        for args in (period_args, daily_args, export_args):  # a schema upgrade, if any, happens here
            runner.qcdesk(*args)
        times: dict[str, list[float]] = {k: [] for k in ("export", "export floor", "period", "daily",
                                                          "reportlab")}
        memory: dict[str, list[float]] = {"export": [], "export floor": []}
        cpu: dict[str, list[float]] = {k: [] for k in times}
        for run in range(runs):
            for key, work_once in (
                    ("export", lambda: runner.qcdesk(*export_args)),
                    ("export floor", lambda: runner.python(FLOOR_EXPORT, str(base), str(bare))),
                    ("reportlab", lambda: runner.python(FLOOR_REPORTLAB)),
                    ("period", lambda: runner.qcdesk(*period_args)),
                    ("daily", lambda: runner.qcdesk(*daily_args))):
                wall, mb = work_once()
                times[key].append(wall)
                cpu[key].append(runner.cpu)
                if key in memory:
                    memory[key].append(mb)
            log(f"  run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
            if run == 0:
                count = same_rows(export, bare)
                log(f"  the export's {count:,} rows equal the floor's")
        size_mb = export.stat().st_size / 1e6
    med = {k: statistics.median(v) for k, v in times.items()}
    spread = {k: f"{min(v):.2f}–{max(v):.2f} s; processor {statistics.median(cpu[k]):.2f} s "
                 f"(least {min(cpu[k]):.2f} s)" for k, v in times.items()}
    peak = max(memory["export"])
    return [
        Row(f"export ingots, ten years ({count:,} ingots)", med["export"],
            "the same SELECT written with csv.writer (bare Python process)", med["export floor"], 2.0, None,
            f"peak RSS {peak:.0f} MB (floor {max(memory['export floor']):.0f} MB; limit {EXPORT_MB} MB"
            f"{'' if peak < EXPORT_MB else ': OVER'}); file {size_mb:.1f} MB; rows equal the floor's; "
            f"{spread['export']}; floor {spread['export floor']}"),
        Row(f"period report, one quarter ({first} to {last})", med["period"],
            "importing reportlab's report modules (bare Python process)", med["reportlab"], None, PERIOD_S,
            f"{spread['period']}; floor {spread['reportlab']}"),
        Row(f"daily report, busy day ({day}: {heats} heats, {ingots} ingots)", med["daily"],
            "importing reportlab's report modules (bare Python process)", med["reportlab"], None, DAILY_S,
            f"{spread['daily']}; floor {spread['reportlab']}"),
    ]


def table(found: list[Row]) -> str:
    lines = ["| what | seconds | floor | floor seconds | ratio | target | met | note |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for r in found:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        target = f"≤ {r.target_ratio}x" if r.target_ratio is not None else f"< {r.target_seconds} s"
        floor = "—" if r.floor_seconds is None else f"{r.floor_seconds:.2f}"
        lines.append(f"| {r.what} | {r.seconds:.2f} | {r.floor_what} | {floor} | {ratio} | {target} | "
                     f"{'yes' if r.met else 'NO'} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/work/bench/ten-v9.sqlite"),
                        help="the ten-year database (read, never written: the runs use a copy)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command")
    parser.add_argument("--program", type=Path, help="run the timed program from this checkout")
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"there is no database at {args.db} (tests/benchmarks/generate.py builds one)")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    before = os.getloadavg()
    found = rows(args.db, args.runs, program=args.program, log=log)
    after = os.getloadavg()
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}; "
          f"after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    print(table(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
