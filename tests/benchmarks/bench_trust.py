"""The cost of trust on the ten-year database: verify, the file's size, backup, migration.

    .venv/bin/python tests/benchmarks/bench_trust.py [--db PATH] [--runs 5] [--old PATH]

Each figure is a whole process, timed beside its floor in the same run, the two run in
turn (A, floor, A, floor, …) after one warm-up each; the table gives medians, min–max
and the ratio of the medians:

- `qcdesk verify` against a bare Python process running ``PRAGMA integrity_check`` on
  the same file; and verify's peak memory (the child's maximum resident set);
- the file's bytes per ingot;
- `qcdesk backup DB FILE --force` against a bare Python process copying the database
  with SQLite's backup API in one step (what the sqlite3 shell's ``.backup`` does) and
  running ``PRAGMA integrity_check`` on the copy;
- with `--old PATH` (a ten-year database written by qcdesk before schema 9): the
  migration to the current schema, once, on a copy, and verify of the result.

`--db PATH` reuses a database built by `bench.py --db PATH --keep` or this script; without
it the ten-year workshop is generated into a temporary folder first (a few minutes).
Prints a Markdown table with the machine. Targets: verify within 2.5 times the integrity
check and under 150 MB; under 300 bytes an ingot; backup within 2 times its floor. A missed
target is marked FAIL and does not change the exit status.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import generate
    from bench import machine
else:
    from tests.benchmarks import generate
    from tests.benchmarks.bench import machine

from qcdesk.store import Store

INTEGRITY = ("import sqlite3, sys; "
             "assert sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchall() == [('ok',)]")
BACKUP_FLOOR = ("import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); "
                "s.backup(d); assert d.execute('PRAGMA integrity_check').fetchall() == [('ok',)]")


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one whole process; it must succeed."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        said = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed: {said}")
    return wall, usage.ru_maxrss / 1024


def pair(a: list[str], b: list[str], runs: int) -> dict[str, list[float]]:
    """A and its floor in turn, after a warm-up of each."""
    run(a), run(b)
    out: dict[str, list[float]] = {"a": [], "b": [], "a_mb": []}
    for _ in range(runs):
        wall, mb = run(a)
        out["a"].append(wall)
        out["a_mb"].append(mb)
        out["b"].append(run(b)[0])
    return out


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the ten-year database (built here if absent)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each pair")
    parser.add_argument("--old", type=Path, help="a ten-year database written before schema 9")
    parser.add_argument("--days", type=int, help="generate this many days instead of ten years")
    args = parser.parse_args(argv)
    qcdesk = [sys.executable, "-m", "qcdesk"]
    with tempfile.TemporaryDirectory(prefix="qcdesk-trust-") as folder:
        work = Path(folder)
        db = args.db or work / "workshop.sqlite"
        if not db.exists() or not args.db:
            print("building the ten-year workshop …", file=sys.stderr)
            scale = generate.Scale(days=args.days) if args.days else generate.Scale()
            with Store.open(db, "bench") as store:
                generate.build(store, scale)
        with Store.open(db, "bench") as store:  # migrated now if older, not while timed
            ingots = store.counts()["ingot"]
        rows = []
        verify = pair([*qcdesk, "--db", str(db), "verify"], [sys.executable, "-c", INTEGRITY, str(db)],
                      args.runs)
        ratio = statistics.median(verify["a"]) / statistics.median(verify["b"])
        rows.append(("`qcdesk verify`", spread(verify["a"]),
                     "`PRAGMA integrity_check`: " + spread(verify["b"]),
                     f"{ratio:.2f}", "≤ 2.5", ratio <= 2.5))
        peak = max(verify["a_mb"])
        rows.append(("verify's peak memory", f"{peak:.0f} MB", "—", "—", "< 150 MB", peak < 150))
        size = db.stat().st_size
        rows.append(("the file",
                     f"{size / 1e6:.0f} MB, {size / ingots:.0f} bytes an ingot ({ingots:,} ingots)",
                     "—", "—", "< 300 B", size / ingots < 300))
        copy, floor = work / "backup.sqlite", work / "floor.sqlite"
        backup = pair([*qcdesk, "--db", str(db), "backup", str(copy), "--force"],
                      [sys.executable, "-c", BACKUP_FLOOR, str(db), str(floor)], args.runs)
        ratio = statistics.median(backup["a"]) / statistics.median(backup["b"])
        rows.append(("`qcdesk backup FILE --force`", spread(backup["a"]),
                     "backup API in one step + `integrity_check`: " + spread(backup["b"]), f"{ratio:.2f}",
                     "≤ 2",
                     ratio <= 2))
        if args.old:
            migrated = work / "old.sqlite"
            shutil.copyfile(args.old, migrated)
            started = time.perf_counter()
            Store.open(migrated, "bench").close()
            took = time.perf_counter() - started
            wall = run([*qcdesk, "--db", str(migrated), "verify"])[0]
            rows.append(("migration of a schema-8 ten-year database (once)", f"{took:.1f} s",
                         f"then verify: {wall:.1f} s", "—", "—", True))
    info = machine()
    print(f"Machine: {info['cpu_model']}, {info['usable_cpus']} CPUs, {info['memory_gb']} GB, "
          f"Python {info['python']}, SQLite {info['sqlite']}, load average at the end "
          f"{', '.join(f'{x:.2f}' for x in info['load_average'])}; "
          f"{args.runs} runs of each after a warm-up.\n")
    print("| what | qcdesk, median (min–max) | its floor, same run | ratio | target | |")
    print("| --- | --- | --- | ---: | --- | --- |")
    for what, ours, base, ratio_text, target, met in rows:
        print(f"| {what} | {ours} | {base} | {ratio_text} | {target} | {'ok' if met else '**FAIL**'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
