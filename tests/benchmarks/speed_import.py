"""Imports at the floor, whatever the signatures (issue 17): whole-process timings.

    .venv/bin/python tests/benchmarks/speed_import.py --db /work/bench/ten-v9.sqlite --runs 3

Four rows, each a median of interleaved runs, every run on a fresh copy of its database
(the copy, flushed to the disk, is not timed):

- `qcdesk import ingots FILE` of 100,000 ingots beside a bare Python process that reads the
  same file with `csv` and writes the same ingot and defect rows with `executemany` (one
  transaction, foreign keys on, `synchronous = FULL`, as the program writes); target 2x;
- the same import into ten years of signed days (every shift and every day signed through
  the program, 14,612 signatures on the ten-year database) beside the same import into the
  same database with the same people and no signatures; target 1.1x;
- the same two for `qcdesk import heats FILE` of 20,000 heats with their analyses; the
  floor works out each heat's production date and shift, standard and verdict in a few
  lines of plain Python.

The ingots go to heats the benchmark adds after the database's last day, and the heats to
the days after those: nothing imported falls on a signed day. After the first run the rows
each import stored are compared with the floor's (the ingots' judged time aside: the
program stamps the clock, the floor a constant), and `qcdesk verify` must pass on what the
program wrote, signed and not (not timed).

The signed database is built once beside DB (``<DB stem>-signed.sqlite``, a few minutes)
and reused while DB is unchanged. Its people (an administrator, a workshop head, an
inspector) have PINs hashed at a low scrypt cost, so that a sign-in costs milliseconds:
the imports sign in once, the building 29,000 times.

`--program DIR` runs the timed program from another checkout (e.g. a worktree of an older
commit, for a "before" figure); the set-up always uses this one, so that checkout must know
the schema this one writes.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import generate
    from speedrow import Row
else:
    from tests.benchmarks import generate
    from tests.benchmarks.speedrow import Row

from qcdesk.model import element_sort_key
from qcdesk.people import Cost
from qcdesk.store import NewHeat, Store

INGOTS = 100_000
HEATS = 20_000
CHEAP = Cost(2 ** 4, 1, 1)  # the benchmark's people sign in in a millisecond (see the docstring)
ADMIN, HEAD, INSPECTOR = ("bench-admin", "731904"), ("bench-head", "842015"), ("bench-inspector", "953126")
FLOOR_JUDGED_AT = "2025-01-01 00:00:00"

FLOOR_INGOTS = f"""
import csv, json, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA foreign_keys = ON")
conn.execute("PRAGMA synchronous = FULL")
with open(path, encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))[1:]
conn.execute("BEGIN IMMEDIATE")
heat_ids = dict(conn.execute("SELECT heat_no, id FROM heat WHERE heat_no IN (SELECT value FROM json_each(?))",
                             (json.dumps(sorted({{r[0] for r in rows}})),)))
next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM ingot").fetchone()[0]
ingots, defects = [], []
for i, (heat_no, ingot_no, weight, disposition, found, inspector) in enumerate(rows):
    ingot_id = next_id + i
    ingots.append((ingot_id, heat_ids[heat_no], int(ingot_no), float(weight), disposition, inspector,
                   None if disposition == "pending" else {FLOOR_JUDGED_AT!r}))
    for seq, d in enumerate(filter(None, found.split(";")), start=1):
        code, _at, where = d.partition("@")
        defects.append((ingot_id, seq, code, where or None))
conn.executemany("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector, judged_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", ingots)
conn.executemany("INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) VALUES (?, ?, ?, ?)",
                 defects)
conn.execute("COMMIT")
"""

FLOOR_HEATS = """
import csv, sqlite3, sys
from datetime import datetime, timedelta
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA foreign_keys = ON")
conn.execute("PRAGMA synchronous = FULL")
with open(path, encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    elements = next(reader)[7:]
    rows = list(reader)
conn.execute("BEGIN IMMEDIATE")
converters = dict(conn.execute("SELECT code, id FROM converter"))
shifts = conn.execute("SELECT id, start_min FROM shift ORDER BY seq").fetchall()
day_start = shifts[0][1]
editions, limits = {}, {}
for sid, grade, since in conn.execute("SELECT id, grade, effective_from FROM standard "
                                      "ORDER BY effective_from"):
    editions.setdefault(grade, []).append((since, sid))
for sid, el, lo, hi in conn.execute("SELECT standard_id, element, min_pct, max_pct FROM standard_limit"):
    limits.setdefault(sid, []).append((el, lo, hi))
next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM heat").fetchone()[0]
heats, analyses = [], []
for i, row in enumerate(rows):
    heat_id = next_id + i
    heat_no, converter, tapped, grade, weight, temp, inspector = row[:7]
    values = {el: float(v) for el, v in zip(elements, row[7:]) if v}
    moment = datetime.strptime(tapped, "%Y-%m-%d %H:%M") - timedelta(minutes=day_start)
    minute = day_start + moment.hour * 60 + moment.minute
    shift_id = [sid for sid, start in shifts if start <= minute or sid == shifts[0][0]][-1]
    standard = ([sid for since, sid in editions.get(grade, ()) if since <= tapped[:10]] or [None])[-1]
    status = "not_checked"
    if limits.get(standard):
        if any(el in values and ((lo is not None and values[el] < lo) or (hi is not None and values[el] > hi))
               for el, lo, hi in limits[standard]):
            status = "fails"
        elif all(el in values for el, _lo, _hi in limits[standard]):
            status = "conforms"
    heats.append((heat_id, heat_no, converters[converter], tapped, moment.date().isoformat(), shift_id, grade,
                  float(weight), float(temp) if temp else None, inspector, standard, status))
    analyses.extend((heat_id, el, v) for el, v in values.items())
conn.executemany("INSERT INTO heat (id, heat_no, converter_id, tapped_at, production_date, shift_id, grade, "
                 "tap_weight_t, tap_temp_c, inspector, standard_id, chem_status) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", heats)
conn.executemany("INSERT INTO heat_analysis (heat_id, element, value_pct) VALUES (?, ?, ?)", analyses)
conn.execute("COMMIT")
"""

# What each import stored, as a person reads it, to compare with the floor's.
INGOTS_STORED = (
    "SELECT h.heat_no, i.ingot_no, i.weight_kg, i.disposition, i.inspector, i.judged_at IS NOT NULL, "
    "i.void_reason, (SELECT group_concat(defect_code || coalesce('@' || location, '') || '/' || voided, ';') "
    "FROM (SELECT * FROM ingot_defect WHERE ingot_id = i.id ORDER BY seq)) "
    "FROM ingot i JOIN heat h ON h.id = i.heat_id WHERE i.id > ? ORDER BY h.heat_no, i.ingot_no")
ROLLUPS_STORED = (
    "SELECT heat_no, n_ingots, n_judged, n_surface_ok, w_judged_kg, w_surface_ok_kg FROM heat "
    "WHERE id IN (SELECT heat_id FROM ingot WHERE id > ?) ORDER BY heat_no")
HEATS_STORED = (
    "SELECT h.heat_no, c.code, h.tapped_at, h.production_date, s.code, h.grade, h.tap_weight_t, "
    "h.tap_temp_c, h.inspector, h.notes, h.standard_id, h.chem_status, h.n_ingots, h.void_reason, "
    "(SELECT group_concat(element || '=' || value_pct || '/' || seq || '/' || voided, ';') "
    "FROM (SELECT * FROM heat_analysis WHERE heat_id = h.id ORDER BY element, seq)) "
    "FROM heat h JOIN converter c ON c.id = h.converter_id JOIN shift s ON s.id = h.shift_id "
    "WHERE h.id > ? ORDER BY h.heat_no")


# ------------------------------------------------------------------ set-up

def _copy(src: Path, dst: Path) -> None:
    """`src` and its journal of chain heads copied to `dst`, on the disk before anything is timed
    (else the import's fsync would write the copy out)."""
    for suffix in ("", "-journal", ".heads", ".check"):
        target = dst.with_name(dst.name + suffix)
        target.unlink(missing_ok=True)
        source = src.with_name(src.name + suffix)
        if suffix in ("", ".heads") and source.exists():
            shutil.copyfile(source, target)
            with target.open("rb+") as f:
                os.fsync(f.fileno())


def _add_people(store: Store) -> None:
    store.add_person(ADMIN[0], "admin", ADMIN[1], cost=CHEAP)
    store.login(*ADMIN)
    store.add_person(HEAD[0], "head", HEAD[1], cost=CHEAP)
    store.add_person(INSPECTOR[0], "inspector", INSPECTOR[1], cost=CHEAP)


def _stamp(db: Path) -> str:
    found = db.stat()
    return f"{db.resolve()} {found.st_size} {found.st_mtime_ns}"


def signed_copy(db: Path, log: Callable[[str], None] = print) -> Path:
    """``<db stem>-signed.sqlite`` beside `db`: a copy with every shift and every day signed
    through the program (an inspector closes the shifts, a head signs the day); built when
    missing or when `db` changed since, else reused."""
    target = db.with_name(db.stem + "-signed.sqlite")
    made = target.with_name(target.name + ".made")
    if target.exists() and made.exists() and made.read_text() == _stamp(db):
        Store.open(target, ADMIN[0]).close()  # brought to this program's schema, once
        return target
    started = time.perf_counter()
    building = target.with_name(target.name + ".building")
    _copy(db, building)
    signatures = 0
    with Store.open(building, ADMIN[0]) as store:
        _add_people(store)
        places: dict[str, list[str]] = {}  # production date → its shifts with heats, in order
        for day, shift, _seq in store.conn.execute(
                "SELECT DISTINCT h.production_date, s.code, s.seq FROM heat h "
                "JOIN shift s ON s.id = h.shift_id WHERE h.void_reason IS NULL "
                "ORDER BY h.production_date, s.seq").fetchall():
            places.setdefault(day, []).append(shift)
        for day_text, shifts in places.items():
            day = date.fromisoformat(day_text)
            store.login(*INSPECTOR)
            for shift in shifts:
                store.sign_shift(day, shift, INSPECTOR[1])
            store.login(*HEAD)
            store.sign_day(day, HEAD[1])
            signatures += len(shifts) + 1
            if day.day == 1 and day.month == 1:
                log(f"  signing {day.year} … ({signatures:,} signatures, "
                    f"{time.perf_counter() - started:.0f} s)")
    _copy(building, target)
    for suffix in ("", ".heads"):
        building.with_name(building.name + suffix).unlink(missing_ok=True)
    made.write_text(_stamp(db))
    log(f"  {signatures:,} signatures in {time.perf_counter() - started:.0f} s: {target}")
    return target


@dataclass(frozen=True)
class Setup:
    plain: Path          # the database + the heats of the ingots file; no people
    signed: Path         # the signed database + the same heats
    unsigned: Path       # the database + the same people + the same heats; no signatures
    ingots_csv: Path
    heats_csv: Path
    signatures: int
    ingots: int
    heats: int


def _write_heats(path: Path, heats: list[NewHeat]) -> None:
    elements = sorted({el for h in heats for el in h.analysis}, key=element_sort_key)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("heat_no", "converter", "tapped_at", "grade", "tap_weight_t", "tap_temp_c", "inspector",
                    *elements))
        for h in heats:
            w.writerow((h.heat_no, h.converter, h.tapped_at.strftime("%Y-%m-%d %H:%M"), h.grade,
                        repr(h.tap_weight_t), "" if h.tap_temp_c is None else repr(h.tap_temp_c), h.inspector,
                        *(repr(h.analysis[el]) if el in h.analysis else "" for el in elements)))


def _with_heats(store: Store, heats: list[NewHeat]) -> None:
    for i in range(0, len(heats), 5000):
        store.import_heats(heats[i:i + 5000])


def prepare(db: Path, work: Path, ingots: int = INGOTS, heats: int = HEATS,
            log: Callable[[str], None] = print) -> Setup:
    """The three databases every run copies, and the two files imported."""
    signed = signed_copy(db, log)
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # read, never written (nor migrated)
    try:
        last = source.execute("SELECT max(production_date) FROM heat").fetchone()[0]
        converters = tuple(r[0] for r in source.execute(
            "SELECT code FROM converter WHERE active ORDER BY id"))
    finally:
        source.close()
    after = (date.fromisoformat(last) if last else date.today() - timedelta(days=800)) + timedelta(days=1)
    scale = generate.Scale(start=after, days=3650, converters=converters, seed=1959_02_03)
    for_ingots = generate.import_set(scale, ingots, prefix="X")
    last_day = max(h.tapped_at for h in for_ingots.heats).date()
    new_heats = list(itertools.islice((h for _first, _last, month in generate.iter_months(
        generate.Scale(start=last_day + timedelta(days=2), days=scale.days, converters=scale.converters,
                       seed=scale.seed + 1), prefix="Y") for h in month.heats), heats))
    if max(h.tapped_at for h in new_heats).date() > date.today():
        raise SystemExit("the heats to import would be tapped after today: use a database that ends earlier")
    ingots_csv, heats_csv = work / "ingots.csv", work / "heats.csv"
    generate.write_ingot_csv(ingots_csv, for_ingots.ingots)
    _write_heats(heats_csv, new_heats)
    out = Setup(work / "plain.sqlite", work / "signed.sqlite", work / "unsigned.sqlite", ingots_csv,
                heats_csv, 0, len(for_ingots.ingots), len(new_heats))
    _copy(db, out.plain)
    _copy(signed, out.signed)
    _copy(db, out.unsigned)
    with Store.open(out.plain, "bench") as store:
        _with_heats(store, for_ingots.heats)
    with Store.open(out.signed, INSPECTOR[0]) as store:
        store.login(*INSPECTOR)
        _with_heats(store, for_ingots.heats)
        n = len([s for s in store.all_signatures() if s.live])
    with Store.open(out.unsigned, ADMIN[0]) as store:
        _add_people(store)
        store.login(*INSPECTOR)
        _with_heats(store, for_ingots.heats)
    return Setup(**{**out.__dict__, "signatures": n})


# ------------------------------------------------------------------ timing

class Runner:
    """Whole processes on fresh copies, timed."""

    def __init__(self, work: Path, program: Path | None) -> None:
        self.work = work
        # the program as installed: its modules compiled once (PYTHONDONTWRITEBYTECODE would have
        # each process compile them again), no settings of the caller's
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONDONTWRITEBYTECODE", "QCDESK_HEADS", "QCDESK_USER", "QCDESK_PIN",
                                 "QCDESK_DB")}
        if program is not None:
            self.env["PYTHONPATH"] = str(program.resolve())
        found = subprocess.run([sys.executable, "-c", "import qcdesk; print(qcdesk.__file__)"], cwd=work,
                               env=self.env, capture_output=True, text=True, check=True)
        self.package = Path(found.stdout.strip()).parent
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(self.package)], cwd=work, env=self.env,
                       capture_output=True, check=False)

    def _run(self, command: list[str], env: dict[str, str]) -> float:
        started = time.perf_counter()
        done = subprocess.run(command, cwd=self.work, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
        return wall

    def program(self, base: Path, into: Path, kind: str, file: Path, person: tuple[str, str] | None) -> float:
        _copy(base, into)
        env = dict(self.env)
        if person:
            env.update(QCDESK_USER=person[0], QCDESK_PIN=person[1])
        return self._run([sys.executable, "-m", "qcdesk", "--db", str(into), "import", kind, str(file)], env)

    def floor(self, base: Path, into: Path, script: str, file: Path) -> float:
        _copy(base, into)
        return self._run([sys.executable, "-c", script, str(into), str(file)], self.env)

    def verify(self, db: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "qcdesk", "--db", str(db), "verify"], cwd=self.work,
                              env=self.env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"qcdesk verify failed on {db.name}: "
                                 f"{done.stdout[-2000:]}{done.stderr[-2000:]}")


def _stored(db: Path, sql: str, after: int) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, (after,)).fetchall()
    finally:
        conn.close()


def _max_id(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _same(what: str, db: Path, floor: Path, sql: str, after: int, *, count: int | None = None) -> None:
    """The rows `sql` finds after id `after` are the same in `db` as in `floor` (and `count`)."""
    mine, theirs = _stored(db, sql, after), _stored(floor, sql, after)
    if mine != theirs or (count is not None and len(mine) != count):
        first = next(((m, t) for m, t in zip([*mine, None], [*theirs, None], strict=False) if m != t),
                     ("rows", len(mine)))
        raise AssertionError(f"{what}: {db.name} holds other rows than the floor's (expected {count}), "
                             f"first difference {first}")


@dataclass
class _Times:
    runs: dict[str, list[float]]

    def median(self, key: str) -> float:
        return statistics.median(self.runs[key])

    def spread(self, key: str) -> str:
        return f"{min(self.runs[key]):.2f}–{max(self.runs[key]):.2f} s"


def rows(db: Path, runs: int, *, ingots: int = INGOTS, heats: int = HEATS, program: Path | None = None,
         verify_signed: bool = False, log: Callable[[str], None] = print) -> list[Row]:
    """The four import rows of the speed table, on copies of `db` (left unchanged)."""
    with tempfile.TemporaryDirectory(prefix="qcdesk-speed-import-") as folder:
        work = Path(folder)
        log("setting up …")
        setup = prepare(db, work, ingots, heats, log)
        runner = Runner(work, program)
        first = {"ingots": _max_id(setup.plain, "ingot"), "heats": _max_id(setup.plain, "heat")}
        times = _Times({f"{kind}{side}": [] for kind in ("ingots", "heats")
                        for side in ("", " floor", " signed", " unsigned")})
        for run in range(runs):
            for kind, file, script in (("ingots", setup.ingots_csv, FLOOR_INGOTS),
                                       ("heats", setup.heats_csv, FLOOR_HEATS)):
                mine, floor = work / f"{kind}-program.sqlite", work / f"{kind}-floor.sqlite"
                signed, unsigned = work / f"{kind}-signed.sqlite", work / f"{kind}-unsigned.sqlite"
                times.runs[kind].append(runner.program(setup.plain, mine, kind, file, None))
                times.runs[f"{kind} floor"].append(runner.floor(setup.plain, floor, script, file))
                pair = [("signed", setup.signed, signed), ("unsigned", setup.unsigned, unsigned)]
                for side, base, into in pair if run % 2 == 0 else pair[::-1]:  # neither always first
                    times.runs[f"{kind} {side}"].append(runner.program(base, into, kind, file, INSPECTOR))
                log(f"  run {run + 1}, {kind}: " + ", ".join(
                    f"{side.strip() or 'program'} {times.runs[kind + side][-1]:.2f} s"
                    for side in ("", " floor", " signed", " unsigned")))
                if run:
                    continue
                # once, not timed: what was stored, against the floor's; verify
                if kind == "ingots":
                    for into in (mine, signed):
                        _same("ingots", into, floor, INGOTS_STORED, first[kind], count=setup.ingots)
                        _same("heat sums", into, floor, ROLLUPS_STORED, first[kind])
                else:
                    for into in (mine, signed):
                        _same("heats", into, floor, HEATS_STORED, first[kind], count=setup.heats)
                runner.verify(mine)
                if verify_signed:
                    runner.verify(signed)
    checked = "stored rows equal the floor's, qcdesk verify passes"
    signed_days = f"{setup.signatures:,} signatures"
    return [
        Row(f"import {setup.ingots:,} ingots", times.median("ingots"),
            "bare executemany of the same rows (Python process)", times.median("ingots floor"), 2.0, None,
            f"{checked}; {times.spread('ingots')} vs {times.spread('ingots floor')}"),
        Row(f"import {setup.ingots:,} ingots after ten years of signed days ({signed_days})",
            times.median("ingots signed"), "the same import, the same people, no signatures",
            times.median("ingots unsigned"), 1.1, None,
            f"{times.spread('ingots signed')} vs {times.spread('ingots unsigned')}"),
        Row(f"import {setup.heats:,} heats with analyses", times.median("heats"),
            "bare executemany of the same rows (Python process)", times.median("heats floor"), 2.0, None,
            f"{checked}; {times.spread('heats')} vs {times.spread('heats floor')}"),
        Row(f"import {setup.heats:,} heats after ten years of signed days ({signed_days})",
            times.median("heats signed"), "the same import, the same people, no signatures",
            times.median("heats unsigned"), 1.1, None,
            f"{times.spread('heats signed')} vs {times.spread('heats unsigned')}"),
    ]


def table(found: list[Row]) -> str:
    lines = ["| what | seconds | floor | floor seconds | ratio | target | met | note |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for r in found:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        target = f"≤ {r.target_ratio}x" if r.target_ratio is not None else f"< {r.target_seconds} s"
        lines.append(f"| {r.what} | {r.seconds:.2f} | {r.floor_what} | {r.floor_seconds or 0:.2f} | "
                     f"{ratio} | {target} | {'yes' if r.met else 'NO'} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/work/bench/ten-v9.sqlite"),
                        help="the ten-year database (read, never written)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each import")
    parser.add_argument("--ingots", type=int, default=INGOTS)
    parser.add_argument("--heats", type=int, default=HEATS)
    parser.add_argument("--program", type=Path, help="run the timed program from this checkout")
    parser.add_argument("--verify-signed", action="store_true",
                        help="also verify the signed database after its imports (minutes)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        raise SystemExit(f"there is no database at {args.db} (tests/benchmarks/generate.py builds one)")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    found = rows(args.db, args.runs, ingots=args.ingots, heats=args.heats, program=args.program,
                 verify_signed=args.verify_signed, log=log)
    load = os.getloadavg()
    print(f"load average before/after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(table(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
