"""Plant mode (issue 13): the ten-year workshop on PostgreSQL beside the same on SQLite.

    .venv/bin/python tests/benchmarks/bench_plant.py [--db /work/bench/ten-v10.sqlite] [--runs 5]
    ./dev bench --plant [args]

1. **Moving to the server.** The database (copied first into a temporary folder: the file
   given is never opened by the program) is copied into an empty database of a throwaway
   PostgreSQL server of the benchmark's own (tests/pgserver.py, run with fsync and
   synchronous commit on, as a plant's server runs) by `qcdesk.store.copy.into_server`,
   which `qcdesk migrate --to postgresql://…` runs: timed.
2. **The rate cases** of bench.py and a few more, through `Store.rates` on the SQLite copy
   and on the server, in turn (after a warm-up each; medians): the ratio PostgreSQL /
   SQLite, and every figure compared (counts exactly, sums to a relative 1e-12: PostgreSQL
   adds the same doubles in another order).
3. **Back to a file.** `qcdesk.store.copy.into_file` copies the server's database into a new
   SQLite file (the schema of the migrations, empty): timed; its chain head must be the
   original's, and its rates the original's.
4. **Twelve desks** (tests/plant_desk.py, the load test's desks, each listening for the others'
   saves as an open window does) save for `--seconds` on the ten-year database on the server,
   while a shift view polls: the latency of each save (the
   store call, as the desk waits for it), median and 95th percentile, at a steady pace (each
   desk pauses up to `--pause-ms` between saves) and flat out (`--flat-out-pause-ms`); and
   the same desks on the SQLite copy, for comparison.

Prints a Markdown table with the machine and its load. The exit status is 1 if a figure or
a chain head differs, or a desk saw an error; a missed target (p95 under 150 ms at the steady
pace) is only marked.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parents[1]))
    import generate
    from bench import _report_rows, compare, machine, time_pair
else:
    from tests.benchmarks import generate
    from tests.benchmarks.bench import _report_rows, compare, machine, time_pair
sys.path.insert(0, str(HERE.parent))  # tests/: the throwaway server and the desks

import pgserver  # noqa: E402
from plant_desk import PlantRun, percentile, run_plant  # noqa: E402

from qcdesk.journal import journal_path  # noqa: E402
from qcdesk.migrations import MIGRATIONS  # noqa: E402
from qcdesk.rates import KEY_FIELDS, RateReport  # noqa: E402
from qcdesk.store import Store, copy, postgres  # noqa: E402
from qcdesk.store.common import split_statements  # noqa: E402
from qcdesk.store.dialect import postgres_schema  # noqa: E402

DEFAULT_DB = Path("/work/bench/ten-v10.sqlite")
P95_TARGET_S = 0.150
# A plant's server keeps what it commits: the throwaway server's test shortcuts off.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


@dataclass
class RateCase:
    name: str
    span: str
    rows: int
    sqlite_s: float
    server_s: float
    equal: bool

    @property
    def ratio(self) -> float:
        return self.server_s / self.sqlite_s


@contextmanager
def durable_server() -> Iterator[pgserver.PgServer]:
    saved = dict(pgserver.SETTINGS)
    pgserver.SETTINGS.update(DURABLE)
    try:
        server = pgserver.PgServer()
    finally:
        pgserver.SETTINGS.clear()
        pgserver.SETTINGS.update(saved)
    with server:
        yield server


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)


def _quarter(day: date) -> tuple[date, date]:
    first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return first, _month(date(first.year, first.month + 2, 1))[1]


def rate_plan(span: tuple[date, date]) -> list[tuple[str, tuple[date, date], tuple[str, ...]]]:
    """bench.py's rate cases (a day, a month by day, ten years by month, a year by converter ×
    shift) and a quarter by grade, a year by shift, the whole span by converter × shift × grade."""
    first, last = span
    middle = first + (last - first) // 2

    def clip(r: tuple[date, date]) -> tuple[date, date]:
        return max(r[0], first), min(r[1], last)
    year = clip((date(middle.year, 1, 1), date(middle.year, 12, 31)))
    return [
        ("one day", (middle, middle), ()),
        ("a month by day", clip(_month(middle)), ("day",)),
        ("a quarter by grade", clip(_quarter(middle)), ("grade",)),
        ("a year by shift", year, ("shift",)),
        ("a year by converter × shift", year, ("converter", "shift")),
        ("the whole span by month", span, ("month",)),
        ("the whole span by converter × shift × grade", span, ("converter", "shift", "grade")),
    ]


def same_rates(label: str, mine: RateReport, theirs: RateReport, problems: list[str]) -> bool:
    keys = [KEY_FIELDS[k] for k in mine.by]
    ok = compare(label, _report_rows(mine), _report_rows(theirs), key_fields=keys, fields_=None,
                 problems=problems)
    return compare(f"{label} (total)", [mine.total.as_dict()], [theirs.total.as_dict()], key_fields=[],
                   fields_=None, problems=problems) and ok


def rate_cases(lite: Store, server: Store, runs: int, problems: list[str]) -> list[RateCase]:
    span = lite.date_span()
    if span is None:
        raise SystemExit("the database holds no heats")
    cases = []
    for name, (d_from, d_to), by in rate_plan(span):
        def on_server(d_from: date = d_from, d_to: date = d_to, by: tuple[str, ...] = by) -> RateReport:
            return server.rates(d_from, d_to, by)

        def on_file(d_from: date = d_from, d_to: date = d_to, by: tuple[str, ...] = by) -> RateReport:
            return lite.rates(d_from, d_to, by)
        server_s, server_report, file_s, file_report, _raw, _out = time_pair(on_server, on_file, runs)
        equal = same_rates(name, server_report, file_report, problems)
        text = d_from.isoformat() if d_from == d_to else f"{d_from} .. {d_to}"
        cases.append(RateCase(name, text, len(file_report.rows), file_s, server_s, equal))
    return cases


def new_file(path: Path) -> sqlite3.Connection:
    """A new SQLite database at `path` of the migrations' schema, every table empty (what
    `qcdesk migrate --to FILE` copies into)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    for _version, script, *_steps in MIGRATIONS:
        for statement in split_statements(script):
            conn.execute(statement)
    conn.execute("COMMIT")
    return conn


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def move_in(lite_path: Path, uri: str) -> tuple[float, int]:
    """Copy the file into the server's empty database as `qcdesk migrate --to` does: the time,
    the rows."""
    source = sqlite3.connect(lite_path)
    target = postgres.connect(postgres.Server(uri))
    try:
        started = time.perf_counter()
        copied = copy.into_server(source, target, schema=postgres_schema())
        return time.perf_counter() - started, sum(copied.values())
    finally:
        source.close()
        target.close()


def move_back(uri: str, back_path: Path) -> float:
    """Copy the server's database into a new file as `qcdesk migrate --to FILE` does: the time."""
    back = new_file(back_path)
    reading = postgres.connect(postgres.Server(uri))
    try:
        started = time.perf_counter()
        copy.into_file(reading, back)
        return time.perf_counter() - started
    finally:
        reading.close()
        back.close()


def desks_row(label: str, run: PlantRun, pause_ms: float) -> str:
    """A line of the desks' table: the saves, their latency, the shift view's polls."""
    latencies = run.latencies
    seen = run.reader["first_seen"]
    lag = [seen[number] - at for kind, number, _s, _tries, at in run.saves
           if kind == "heat" and number in seen]
    return (f"| {label}, pause 0–{pause_ms / 1000:g} s | {len(latencies):,} saves in {run.seconds:.0f} s "
            f"({len(latencies) / run.seconds:.1f}/s), {run.retries} retried after busy | "
            f"{_ms(percentile(latencies, 50))} | {_ms(percentile(latencies, 95))} | {_ms(max(latencies))} | "
            f"{_ms(statistics.median(run.reader['polls']))} a poll; a new heat seen after "
            f"{_ms(statistics.median(lag)) if lag else '—'} (median) | {_heard(run)} |")


def _heard(run: PlantRun) -> str:
    """What the listening desks heard (issue 14): everything, and in how many reads."""
    reads = [d["heard"].get("reads", 0) for d in run.desks]
    return (f"{_flag(not deaf(run), 'everything')}, in {min(reads)}–{max(reads)} reads of the audit a desk"
            if reads else "—")


def deaf(run: PlantRun) -> list[int]:
    """The desks whose feed did not bring every change: the last entry, every heat saved."""
    saved = {s[1] for s in run.saves if s[0] == "heat"}
    return [d["desk"] for d in run.desks
            if d["heard"].get("last_id") != run.last_id or not saved <= set(d["heard"].get("heats", []))]


def _flag(ok: bool, word: str = "the same") -> str:
    return word if ok else "**DIFFERS**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB,
                        help="the ten-year database (only copied; never opened)")
    parser.add_argument("--days", type=int, help="generate this many days instead of copying --db")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each rate case, at least")
    parser.add_argument("--desks", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the desks save")
    parser.add_argument("--pause-ms", type=float, default=4000.0, help="steady pace: a desk's longest pause")
    parser.add_argument("--flat-out-pause-ms", type=float, default=500.0)
    parser.add_argument("--no-sqlite-desks", action="store_true", help="skip the desks on the SQLite file")
    args = parser.parse_args(argv)
    if not args.days and not args.db.is_file():
        parser.error(f"{args.db}: no such database (tests/benchmarks/bench.py --db PATH --keep)")
    problems: list[str] = []
    before = machine()
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qcdesk-plant-bench-") as folder:
        work = Path(folder)
        lite_path = work / "ten.sqlite"
        if args.days:
            with Store.open(lite_path, "bench") as built:
                generate.build(built, generate.Scale(days=args.days))
        else:
            shutil.copyfile(args.db, lite_path)
            if journal_path(args.db).is_file():
                shutil.copyfile(journal_path(args.db), journal_path(lite_path))
        with Store.open(lite_path, "bench") as lite:  # migrated now, if older, not while timed
            counts = lite.counts()
            head = lite.chain_head()
            span = lite.date_span()
        with durable_server() as server:
            server.create_database("qc", template="template0")
            uri = server.uri("qc")
            version = server.execute("SHOW server_version")[0][0]
            into_server_s, rows = move_in(lite_path, uri)
            with Store.open(lite_path, "bench") as lite, Store.open(uri, "bench", create=False) as on_server:
                server_head = on_server.chain_head()
                cases = rate_cases(lite, on_server, args.runs, problems)
            into_file_s = move_back(uri, work / "back.sqlite")
            with Store.open(lite_path, "bench") as lite, \
                    Store.open(work / "back.sqlite", "bench", create=False) as back:
                back_head = back.chain_head()
                compared = [same_rates(f"{name} (back)", back.rates(*dates, by), lite.rates(*dates, by),
                                       problems) for name, dates, by in (rate_plan(span) if span else [])]
                back_equal = all(compared)
            problems += [f"the chain head of {where} is {found[:16]}, the file's {head[:16]}"
                         for where, found in (("the server", server_head), ("the copy back", back_head))
                         if found != head]
            lines += ["| moving | time | check |", "| --- | ---: | --- |",
                      f"| SQLite → PostgreSQL (`copy.into_server`, one transaction, {rows:,} rows) | "
                      f"{into_server_s:.1f} s | chain head {_flag(server_head == head)} |",
                      f"| PostgreSQL → SQLite (`copy.into_file`) | {into_file_s:.1f} s | chain head "
                      f"{_flag(back_head == head)}, rates {_flag(back_equal)} |", "",
                      f"| {args.desks} desks for {args.seconds:g} s | saves | median | p95 | max | "
                      "the shift view | every desk listening |",
                      "| --- | --- | ---: | ---: | ---: | --- | --- |"]
            met = True
            places = [("PostgreSQL", uri)] + ([] if args.no_sqlite_desks else [("SQLite", str(lite_path))])
            for label, where in places:
                for pace, pause, series in (("steady", args.pause_ms, "S"),
                                            ("flat out", args.flat_out_pause_ms, "F")):
                    run = run_plant(where, desks=args.desks, seconds=args.seconds, pause_ms=pause,
                                    series=series, work=work)
                    problems += [error.splitlines()[-1] for error in run.errors]
                    missed = {s[1] for s in run.saves if s[0] == "heat"} - set(run.reader["first_seen"])
                    if missed:
                        problems.append(f"{label} {pace}: the shift view missed {sorted(missed)[:5]}")
                    if deaf(run):
                        problems.append(f"{label} {pace}: desks {deaf(run)} did not hear every change")
                    lines.append(desks_row(f"{label}, {pace}", run, pause))
                    if label == "PostgreSQL" and pace == "steady":
                        met = percentile(run.latencies, 95) < P95_TARGET_S
    after = machine()
    load = ", ".join(f"{x:.2f}" for x in before["load_average"])
    print(f"Machine: {before['cpu_model']}, {before['usable_cpus']} usable CPUs, {before['memory_gb']} GB "
          f"RAM; Python {before['python']}, SQLite {before['sqlite']}, PostgreSQL {version} (fsync and "
          f"synchronous commit on, the other settings as installed); load average before {load}, after "
          f"{', '.join(f'{x:.2f}' for x in after['load_average'])}; {date.today()}.\n")
    print(f"Database: {counts['heat']:,} heats, {counts['ingot']:,} ingots; chain head {head[:16]}.\n")
    print("| rate case | span | rows | SQLite | PostgreSQL | PostgreSQL / SQLite | figures |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for c in cases:
        print(f"| {c.name} | {c.span} | {c.rows} | {_ms(c.sqlite_s)} | {_ms(c.server_s)} | {c.ratio:.2f}× | "
              f"{_flag(c.equal, 'equal')} |")
    print("\n" + "\n".join(lines))
    print(f"\nTarget: p95 under {P95_TARGET_S * 1000:.0f} ms at the steady pace on PostgreSQL: "
          f"{'met' if met else '**FAIL**'}.")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
