"""qcdesk benchmark: a ten-year, four-converter workshop, its rates, and its floor.

    ./dev bench [--years 10 | --days N] [--db PATH] [--repeat N] [--keep]
    .venv/bin/python tests/benchmarks/bench.py ...        (the same, without set-up)

Builds the workshop (timed) into a new database, or reuses the one given by
--db if it already holds heats; then times each case through the program's own
path (``Store.rates``, ``qcdesk.csvio.import_ingots``) and through its *floor*:
the bare SQL, run through plain ``sqlite3`` over the same tables, that computes
the same figures. Every program figure is checked against the floor's (and the
ingot figures against a "raw" aggregate over the ingot table itself); any
disagreement is printed and the exit status is 1. Missed timing targets are
only marked in the table. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: python tests/benchmarks/bench.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate
else:  # imported as tests.benchmarks.bench
    from . import generate

from qcdesk import csvio
from qcdesk.rates import RateReport
from qcdesk.store import Store

# ------------------------------------------------------------------ the floors
#
# Hand-written, independent of qcdesk.store: the plainest SQL over the heat
# table (whose n_*/w_* columns are the per-heat ingot rollups and chem_status
# the stored verdict) that yields every sum and rate Store.rates reports.

_FLOOR_SUMS = """
    count(*) AS heats,
    count(*) FILTER (WHERE chem_status <> 'not_checked') AS heats_checked,
    count(*) FILTER (WHERE chem_status = 'conforms') AS heats_conforming,
    total(tap_weight_t) AS output_t,
    total(tap_weight_t) FILTER (WHERE chem_status <> 'not_checked') AS output_checked_t,
    total(tap_weight_t) FILTER (WHERE chem_status = 'conforms') AS output_conforming_t,
    sum(n_ingots) AS ingots,
    sum(n_ingots - n_judged) AS ingots_pending,
    sum(n_judged) AS ingots_surface_judged,
    sum(n_surface_ok) AS ingots_surface_ok,
    total(w_judged_kg) AS weight_surface_judged_kg,
    total(w_surface_ok_kg) AS weight_surface_ok_kg,
    coalesce(sum(n_judged) FILTER (WHERE chem_status <> 'not_checked'), 0) AS ingots_judged,
    coalesce(sum(n_pa_ok) FILTER (WHERE chem_status = 'conforms'), 0) AS ingots_qualified,
    total(w_judged_kg) FILTER (WHERE chem_status <> 'not_checked') AS weight_judged_kg,
    total(w_pa_ok_kg) FILTER (WHERE chem_status = 'conforms') AS weight_qualified_kg,
    coalesce(sum(n_judged) FILTER (WHERE chem_status = 'not_checked'), 0) AS ingots_awaiting_chemistry,
    total(w_judged_kg) FILTER (WHERE chem_status = 'not_checked') AS weight_awaiting_chemistry_kg,
    coalesce(sum(n_pa_fails), 0) AS ingots_failing_product_analysis,
    total(w_pa_fails_kg) AS weight_failing_product_analysis_kg
"""
_FLOOR_RATES = """
    weight_qualified_kg / nullif(weight_judged_kg, 0) AS ingot_qualified_rate,
    CAST(ingots_qualified AS REAL) / nullif(ingots_judged, 0) AS ingot_qualified_rate_by_count,
    weight_surface_ok_kg / nullif(weight_surface_judged_kg, 0) AS surface_qualified_rate,
    CAST(ingots_surface_ok AS REAL) / nullif(ingots_surface_judged, 0)
        AS surface_qualified_rate_by_count,
    CAST(heats_conforming AS REAL) / nullif(heats_checked, 0) AS chemistry_conformance_rate,
    output_conforming_t / nullif(output_checked_t, 0) AS chemistry_conformance_rate_by_weight
"""

FLOOR_SQL = {
    "day": f"SELECT *, {_FLOOR_RATES} FROM (SELECT {_FLOOR_SUMS} FROM heat "
           "WHERE production_date = ?) WHERE heats > 0",
    "month_by_day": f"SELECT *, {_FLOOR_RATES} FROM (SELECT production_date AS date, {_FLOOR_SUMS} "
                    "FROM heat WHERE production_date BETWEEN ? AND ? GROUP BY production_date) "
                    "ORDER BY date",
    "by_month": f"SELECT *, {_FLOOR_RATES} FROM (SELECT substr(production_date, 1, 7) AS month, "
                f"{_FLOOR_SUMS} FROM heat WHERE production_date BETWEEN ? AND ? GROUP BY 1) "
                "ORDER BY month",
    # Group by the ids, then name the dozen groups.
    "converter_shift": f"SELECT c.code AS converter, s.code AS shift, g.*, {_FLOOR_RATES} FROM ("
                       f"SELECT converter_id, shift_id, {_FLOOR_SUMS} FROM heat "
                       "WHERE production_date BETWEEN ? AND ? GROUP BY converter_id, shift_id) g "
                       "JOIN converter c ON c.id = g.converter_id JOIN shift s ON s.id = g.shift_id "
                       "ORDER BY length(c.code), c.code, s.seq",
}

# The ingot figures straight from the ingot table joined to its heat: what the
# rollup columns save (shown for information, and a check on the triggers).
_RAW_SUMS = """
    count(*) AS ingots,
    count(*) FILTER (WHERE i.disposition = 'pending') AS ingots_pending,
    count(*) FILTER (WHERE i.disposition <> 'pending') AS ingots_surface_judged,
    count(*) FILTER (WHERE i.disposition IN ('accepted', 'conditioned')) AS ingots_surface_ok,
    total(i.weight_kg) FILTER (WHERE i.disposition <> 'pending') AS weight_surface_judged_kg,
    total(i.weight_kg) FILTER (WHERE i.disposition IN ('accepted', 'conditioned'))
        AS weight_surface_ok_kg,
    count(*) FILTER (WHERE i.disposition <> 'pending' AND h.chem_status <> 'not_checked')
        AS ingots_judged,
    count(*) FILTER (WHERE i.disposition IN ('accepted', 'conditioned') AND i.pa_fails = 0
                     AND h.chem_status = 'conforms') AS ingots_qualified,
    total(i.weight_kg) FILTER (WHERE i.disposition <> 'pending' AND h.chem_status <> 'not_checked')
        AS weight_judged_kg,
    total(i.weight_kg) FILTER (WHERE i.disposition IN ('accepted', 'conditioned') AND i.pa_fails = 0
                               AND h.chem_status = 'conforms') AS weight_qualified_kg,
    count(*) FILTER (WHERE i.disposition <> 'pending' AND h.chem_status = 'not_checked')
        AS ingots_awaiting_chemistry,
    total(i.weight_kg) FILTER (WHERE i.disposition <> 'pending' AND h.chem_status = 'not_checked')
        AS weight_awaiting_chemistry_kg
"""
_RAW_RATES = """
    weight_qualified_kg / nullif(weight_judged_kg, 0) AS ingot_qualified_rate,
    CAST(ingots_qualified AS REAL) / nullif(ingots_judged, 0) AS ingot_qualified_rate_by_count
"""
_RAW_FROM = "FROM heat h JOIN ingot i ON i.heat_id = h.id"
RAW_SQL = {
    "day": f"SELECT *, {_RAW_RATES} FROM (SELECT {_RAW_SUMS} {_RAW_FROM} "
           "WHERE h.production_date = ?) WHERE ingots > 0",
    "month_by_day": f"SELECT *, {_RAW_RATES} FROM (SELECT h.production_date AS date, {_RAW_SUMS} "
                    f"{_RAW_FROM} WHERE h.production_date BETWEEN ? AND ? GROUP BY 1)",
    "by_month": f"SELECT *, {_RAW_RATES} FROM (SELECT substr(h.production_date, 1, 7) AS month, "
                f"{_RAW_SUMS} {_RAW_FROM} WHERE h.production_date BETWEEN ? AND ? GROUP BY 1)",
    "converter_shift": f"SELECT c.code AS converter, s.code AS shift, g.*, {_RAW_RATES} FROM ("
                       f"SELECT h.converter_id, h.shift_id, {_RAW_SUMS} {_RAW_FROM} "
                       "WHERE h.production_date BETWEEN ? AND ? GROUP BY 1, 2) g "
                       "JOIN converter c ON c.id = g.converter_id JOIN shift s ON s.id = g.shift_id",
}
_RAW_FIELDS = ("ingots", "ingots_pending", "ingots_surface_judged", "ingots_surface_ok",
               "weight_surface_judged_kg", "weight_surface_ok_kg", "ingots_judged", "ingots_qualified",
               "weight_judged_kg", "weight_qualified_kg", "ingots_awaiting_chemistry",
               "weight_awaiting_chemistry_kg", "ingot_qualified_rate", "ingot_qualified_rate_by_count")

# ------------------------------------------------------------------ the cases


@dataclass
class Case:
    """One line of the results table."""

    key: str
    name: str
    span: str = ""
    rows: int | None = None
    median_s: float | None = None
    floor_s: float | None = None
    raw_s: float | None = None
    target: str = "—"
    target_s: float | None = None
    target_ratio: float | None = None
    agrees: bool | None = None  # the program's figures equal the floor's (None: nothing to compare)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.median_s is None or not self.floor_s:
            return None
        return self.median_s / self.floor_s

    @property
    def passed(self) -> bool | None:
        if self.median_s is None or (self.target_s is None and self.target_ratio is None):
            return None
        ok = self.target_s is None or self.median_s < self.target_s
        if self.target_ratio is not None:
            ok = ok and self.ratio is not None and self.ratio <= self.target_ratio
        return ok

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed}


@dataclass
class Results:
    cases: list[Case] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    build: dict[str, Any] = field(default_factory=dict)
    db_path: str = ""
    db_size_mb: float = 0.0
    peak_rss_mb: float = 0.0
    machine: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------- comparing

REL_TOL = 1e-12  # floats summed in another order may differ in the last bits, no more


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def compare(label: str, program: Sequence[dict[str, Any]], other: Sequence[dict[str, Any]], *,
            key_fields: Sequence[str], fields_: Sequence[str] | None, problems: list[str]) -> bool:
    """Compare rows matched by their group keys; record every difference in `problems`."""
    ok = True
    mine = {tuple(r[k] for k in key_fields): r for r in program}
    theirs = {tuple(r[k] for k in key_fields): r for r in other}
    if fields_ is not None:  # a partial view (raw ingots): a group without ingots is all zeros
        for key in mine.keys() - theirs.keys():
            theirs[key] = {f: (0 if mine[key][f] is not None else None) for f in fields_}
    if mine.keys() != theirs.keys():
        problems.append(f"{label}: groups differ: program only {sorted(mine.keys() - theirs.keys())[:5]}, "
                        f"floor only {sorted(theirs.keys() - mine.keys())[:5]}")
        return False
    for key, row in mine.items():
        for name in fields_ or [f for f in row if f not in key_fields]:
            if not _same(row[name], theirs[key][name]):
                problems.append(f"{label}: {dict(zip(key_fields, key, strict=True))} {name}: "
                                f"program {row[name]!r} ≠ {theirs[key][name]!r}")
                ok = False
    return ok


def _report_rows(report: RateReport) -> list[dict[str, Any]]:
    return [r.as_dict() for r in report.rows]


def _check_total(label: str, report: RateReport, floor_rows: Sequence[dict[str, Any]],
                 problems: list[str]) -> bool:
    """The report's total against the floor's groups summed."""
    total = report.total.as_dict()
    ok = True
    for name in asdict(report.total.sums):
        want = sum(r[name] for r in floor_rows)
        if not _same(total[name], want):
            problems.append(f"{label}: total {name}: program {total[name]!r} ≠ floor {want!r}")
            ok = False
    return ok


# ------------------------------------------------------------------ timing

MIN_TIMED_S = 0.3
MAX_REPEAT = 101


def time_pair(program: Callable[[], Any], floor: Callable[[], Any], repeat: int,
              raw: Callable[[], Any] | None = None, raw_repeat: int = 1
              ) -> tuple[float, Any, float, Any, float | None, Any]:
    """Medians of alternating runs of program and floor, after one warm-up each.

    At least `repeat` runs; a fast case runs more (up to MAX_REPEAT) so that it
    is timed for about MIN_TIMED_S, which steadies the median of a
    sub-millisecond query on a busy machine.
    """
    t0 = time.perf_counter()
    p_out = program()
    warm = time.perf_counter() - t0
    f_out = floor()
    runs = max(repeat, min(MAX_REPEAT, int(MIN_TIMED_S / max(warm, 1e-6))))
    p_times, f_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p_out = program()
        t1 = time.perf_counter()
        f_out = floor()
        t2 = time.perf_counter()
        p_times.append(t1 - t0)
        f_times.append(t2 - t1)
    raw_med, raw_out = None, None
    if raw is not None:
        raw_times = []
        for _ in range(raw_repeat):
            t0 = time.perf_counter()
            raw_out = raw()
            raw_times.append(time.perf_counter() - t0)
        raw_med = statistics.median(raw_times)
    return statistics.median(p_times), p_out, statistics.median(f_times), f_out, raw_med, raw_out


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


# ------------------------------------------------------------------ the run


def _month_of(day: date, first: date, last: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1) - timedelta(days=1)
    return max(start, first), min(end, last)


def _year_of(day: date, first: date, last: date) -> tuple[date, date]:
    return max(date(day.year, 1, 1), first), min(date(day.year, 12, 31), last)


def query_cases(db: Path, repeat: int, raw_repeat: int, results: Results) -> None:
    """The four rate cases, each beside its floor (and the raw ingot aggregate)."""
    store = Store.open(db, "bench")
    floor_conn = sqlite3.connect(db)
    try:
        span = store.date_span()
        if span is None:
            raise SystemExit(f"{db} holds no heats")
        first, last = span
        middle = first + (last - first) // 2
        month = _month_of(middle, first, last)
        year = _year_of(middle, first, last)
        plan: list[tuple[str, str, tuple[date, date], tuple[str, ...], tuple[str, ...],
                         tuple[str, ...], float | None, float | None, str]] = [
            ("day", "one day", (middle, middle), (), (middle.isoformat(),), (), 0.020, None,
             "< 20 ms"),
            ("month_by_day", "a month by day", month, ("day",),
             (month[0].isoformat(), month[1].isoformat()), ("date",), None, None, "—"),
            ("by_month", "ten years by month", (first, last), ("month",),
             (first.isoformat(), last.isoformat()), ("month",), 1.0, 1.5, "< 1 s and ≤ 1.5× floor"),
            ("converter_shift", "a year by converter × shift", year, ("converter", "shift"),
             (year[0].isoformat(), year[1].isoformat()), ("converter", "shift"), None, None, "—"),
        ]
        for key, name, (d_from, d_to), by, params, key_fields, target_s, target_ratio, target in plan:
            def program(d_from: date = d_from, d_to: date = d_to,
                        by: tuple[str, ...] = by) -> RateReport:
                return store.rates(d_from, d_to, by)

            def floor(key: str = key, params: tuple[str, ...] = params) -> list[dict[str, Any]]:
                return _rows(floor_conn, FLOOR_SQL[key], params)

            def raw(key: str = key, params: tuple[str, ...] = params) -> list[dict[str, Any]]:
                return _rows(floor_conn, RAW_SQL[key], params)

            med, report, floor_med, floor_rows, raw_med, raw_rows = time_pair(
                program, floor, repeat, raw, raw_repeat)
            span_text = d_from.isoformat() if d_from == d_to else f"{d_from} .. {d_to}"
            case = Case(key, name, span_text, len(report.rows), med, floor_med, raw_med, target,
                        target_s, target_ratio)
            mine = _report_rows(report)
            ok = compare(name, mine, floor_rows, key_fields=key_fields, fields_=None,
                         problems=results.mismatches)
            ok = _check_total(name, report, floor_rows, results.mismatches) and ok
            ok = compare(f"{name} (raw ingots)", mine, raw_rows, key_fields=key_fields,
                         fields_=_RAW_FIELDS, problems=results.mismatches) and ok
            if not mine:
                results.mismatches.append(f"{name}: no heats in {span_text}: nothing was compared")
                ok = False
            case.agrees = ok
            results.cases.append(case)
    finally:
        floor_conn.close()
        store.close()


def _copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-journal", "-wal"):
        if dst.with_name(dst.name + suffix).exists():
            dst.with_name(dst.name + suffix).unlink()
    shutil.copyfile(src, dst)


def _floor_import(db: Path, csv_path: Path) -> int:
    """The same ingot and defect rows written by plain sqlite3: no checks, no audit entries."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        with csv_path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        conn.execute("BEGIN IMMEDIATE")
        heat_ids = dict(conn.execute("SELECT heat_no, id FROM heat"))
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM ingot").fetchone()[0]
        ingots, defects = [], []
        for i, r in enumerate(rows):
            ingot_id = next_id + i
            judged = r["disposition"] != "pending"
            ingots.append((ingot_id, heat_ids[r["heat_no"]], int(r["ingot_no"]), float(r["weight_kg"]),
                           r["disposition"], r["inspector"], "2025-01-01 00:00:00" if judged else None))
            for seq, d in enumerate(filter(None, r["defects"].split(";")), start=1):
                code, _at, loc = d.partition("@")
                defects.append((ingot_id, seq, code, loc or None))
        conn.executemany("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector, "
                         "judged_at) VALUES (?, ?, ?, ?, ?, ?, ?)", ingots)
        conn.executemany("INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) "
                         "VALUES (?, ?, ?, ?)", defects)
        conn.execute("COMMIT")
        return len(ingots)
    finally:
        conn.close()


_ROLLUP_SQL = ("SELECT heat_no, n_ingots, n_judged, n_surface_ok, w_judged_kg, w_surface_ok_kg "
               "FROM heat ORDER BY heat_no")
_INGOTS_SQL = ("SELECT h.heat_no, i.ingot_no, i.weight_kg, i.disposition, i.inspector, "
               "(SELECT group_concat(defect_code || coalesce('@' || location, ''), ';') "
               " FROM (SELECT * FROM ingot_defect WHERE ingot_id = i.id ORDER BY seq)) "
               "FROM ingot i JOIN heat h ON h.id = i.heat_id ORDER BY h.heat_no, i.ingot_no")


def import_case(workdir: Path, scale: generate.Scale, rows: int, repeat: int, results: Results) -> None:
    """Import a `rows`-row ingot CSV into a fresh database already holding its heats."""
    per_day = len(scale.converters) * (scale.max_heats_per_day - 1) * (scale.mean_ingots_per_heat - 1)
    imp_scale = generate.Scale(start=scale.end + timedelta(days=1), days=rows // per_day + 3,
                               converters=scale.converters, seed=scale.seed + 1)
    data = generate.import_set(imp_scale, rows)
    base = workdir / "import-base.sqlite"
    _copy_db_target = workdir / "import-run.sqlite"
    floor_target = workdir / "import-floor.sqlite"
    if base.exists():
        base.unlink()
    with Store.open(base, "bench") as store:
        generate.ensure_converters(store, imp_scale)
        for i in range(0, len(data.heats), 5000):
            store.import_heats(data.heats[i:i + 5000])
    csv_path = workdir / f"ingots-{rows}.csv"
    generate.write_ingot_csv(csv_path, data.ingots)
    n_heats = len(data.heats)
    del data

    def program() -> int:
        _copy_db(base, _copy_db_target)
        with Store.open(_copy_db_target, "bench") as store:
            t0 = time.perf_counter()
            n = csvio.import_ingots(store, csv_path)
            times.append(time.perf_counter() - t0)
        return n

    def floor() -> int:
        _copy_db(base, floor_target)
        t0 = time.perf_counter()
        n = _floor_import(floor_target, csv_path)
        floor_times.append(time.perf_counter() - t0)
        return n

    times: list[float] = []
    floor_times: list[float] = []
    n_program = n_floor = 0
    for _ in range(repeat):  # each into a fresh copy: no warm-up that would leave rows behind
        n_program = program()
        n_floor = floor()
    case = Case("import", f"import {rows:,}-row ingot CSV", f"into {n_heats:,} heats", n_program,
                statistics.median(times), statistics.median(floor_times), None,
                "< 10 s", 10.0 if rows >= 100_000 else None, None)
    ok = n_program == rows == n_floor
    if not ok:
        results.mismatches.append(f"import: program imported {n_program}, floor {n_floor}, file {rows}")
    a, b = sqlite3.connect(_copy_db_target), sqlite3.connect(floor_target)
    try:
        for what, sql in (("rollups", _ROLLUP_SQL), ("ingots", _INGOTS_SQL)):
            mine, theirs = a.execute(sql).fetchall(), b.execute(sql).fetchall()
            if mine != theirs:
                diff = next((m, t) for m, t in zip([*mine, None], [*theirs, None], strict=False) if m != t)
                results.mismatches.append(f"import: {what} differ from the floor's, first {diff}")
                ok = False
        audit = a.execute("SELECT count(*) FROM audit WHERE entity = 'ingot'").fetchone()[0]
        case.note = f"{audit:,} audit entries"
    finally:
        a.close()
        b.close()
    if rows < 100_000:
        case.target = "(< 10 s at 100,000 rows)"
    case.agrees = ok
    results.cases.append(case)


# ------------------------------------------------------------------ reporting


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "memory_gb": None,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def _dur(s: float | None) -> str:
    if s is None:
        return "—"
    if s < 1:
        return f"{s * 1000:.{1 if s >= 0.01 else 2}f} ms"
    return f"{s:.2f} s"


def table(results: Results) -> str:
    lines = ["| case | span | rows | median | floor | ratio | raw (ingot join) | target | result |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for c in results.cases:
        verdict = {True: "pass", False: "**FAIL**", None: "—"}[c.passed]
        if c.agrees is False:
            verdict += ", **figures differ**"
        elif c.agrees:
            verdict += ", figures equal"
        ratio = "—" if c.ratio is None else f"{c.ratio:.2f}×"
        rows = "—" if c.rows is None else f"{c.rows:,}"
        span = c.span + (f"; {c.note}" if c.note else "")
        lines.append(f"| {c.name} | {span} | {rows} | {_dur(c.median_s)} | {_dur(c.floor_s)} | {ratio} "
                     f"| {_dur(c.raw_s)} | {c.target} | {verdict} |")
    return "\n".join(lines)


def summary(results: Results) -> str:
    m = results.machine
    b = results.build
    out = [table(results), ""]
    if b.get("reused"):
        out.append(f"- database: reused {results.db_path} ({b['heats']:,} heats, {b['ingots']:,} ingots)")
    else:
        out.append(f"- build: {b['heats']:,} heats and {b['ingots']:,} ingots in {_dur(b['seconds'])} "
                   f"(generating {_dur(b['seconds_generating'])}, import_heats {_dur(b['seconds_heats'])}, "
                   f"import_ingots {_dur(b['seconds_ingots'])})")
    out += [
        f"- database size: {results.db_size_mb:,.1f} MB",
        f"- peak memory (ru_maxrss): {results.peak_rss_mb:,.1f} MB",
        f"- machine: {m['platform']}; {m['cpu_model']}; {m['cpu_count']} CPUs "
        f"({m['usable_cpus']} usable); {m['memory_gb']} GB RAM; Python {m['python']}; "
        f"SQLite {m['sqlite']}",
    ]
    if m.get("load_average"):
        out.append("- load average (1, 5, 15 min) at start: "
                   + ", ".join(f"{x:.2f}" for x in m["load_average"])
                   + (", at end: " + ", ".join(f"{x:.2f}" for x in m["load_average_end"])
                      if m.get("load_average_end") else ""))
    return "\n".join(out)


# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0])
    size = p.add_mutually_exclusive_group()
    size.add_argument("--years", type=int, default=None, help="years to generate from 2015-01-01 (10)")
    size.add_argument("--days", type=int, default=None, help="days to generate instead")
    p.add_argument("--db", type=Path, help="database to build into, or to reuse if it holds heats; kept")
    p.add_argument("--repeat", type=int, default=7, help="timed runs of each query case (median)")
    p.add_argument("--raw-repeat", type=int, default=3, help="timed runs of each raw aggregate")
    p.add_argument("--import-rows", type=int, default=100_000, help="rows of the ingot CSV to import")
    p.add_argument("--import-repeat", type=int, default=3, help="timed imports (each into a fresh copy)")
    p.add_argument("--seed", type=int, default=generate.Scale.seed)
    p.add_argument("--keep", action="store_true", help="keep the work folder (databases, CSV)")
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument("--markdown", type=Path, help="also write the table and notes here")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.import_repeat < 1 or args.raw_repeat < 1:
        p.error("repeats must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    start = generate.Scale.start
    days = args.days if args.days is not None else (
        date(start.year + (args.years or 10), 1, 1) - start).days
    scale = generate.Scale(days=days, seed=args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="qcdesk-bench-"))
    db = args.db or workdir / "workshop.sqlite"
    results = Results(db_path=str(db), machine=machine())
    try:
        reused = False
        if db.exists():
            with Store.open(db, "bench") as store:
                reused = store.date_span() is not None
        with Store.open(db, "bench") as store:
            if reused:
                counts = store.counts()
                results.build = {"reused": True, "heats": counts["heat"], "ingots": counts["ingot"]}
                results.cases.append(Case("build", "build", "reused", None, note="not timed"))
            else:
                print(f"building {scale.start} .. {scale.end} into {db} …", file=sys.stderr)

                def progress(first: date, stats: generate.BuildStats) -> None:
                    if first.month == 12 or first + timedelta(days=31) > scale.end:
                        print(f"  {first:%Y-%m}: {stats.heats:,} heats, {stats.ingots:,} ingots, "
                              f"{stats.seconds:.0f} s", file=sys.stderr)

                t0 = time.perf_counter()
                stats = generate.build(store, scale, progress)
                wall = time.perf_counter() - t0
                results.build = {**asdict(stats), "seconds": wall, "reused": False}
                results.cases.append(Case("build", "build", f"{scale.start} .. {scale.end}",
                                          stats.heats, wall,
                                          note=f"{stats.ingots:,} ingots"))
        results.db_size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6
        print("timing the rate cases …", file=sys.stderr)
        query_cases(db, args.repeat, args.raw_repeat, results)
        print(f"timing the import of {args.import_rows:,} ingot rows …", file=sys.stderr)
        import_case(workdir, scale, args.import_rows, args.import_repeat, results)
        results.peak_rss_mb = peak_rss_mb()
        if hasattr(os, "getloadavg"):
            results.machine["load_average_end"] = os.getloadavg()
        text = summary(results)
        print(text)
        if args.markdown:
            args.markdown.write_text(text + "\n", encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps({
                "cases": [c.as_dict() for c in results.cases], "mismatches": results.mismatches,
                "build": results.build, "db_path": results.db_path, "db_size_mb": results.db_size_mb,
                "peak_rss_mb": results.peak_rss_mb, "machine": results.machine,
                "args": {k: str(v) for k, v in vars(args).items()},
            }, indent=2, ensure_ascii=False), encoding="utf-8")
        if results.mismatches:
            print(f"\nFIGURES DISAGREE ({len(results.mismatches)}):", file=sys.stderr)
            for line in results.mismatches[:50]:
                print("  " + line, file=sys.stderr)
            return 1
        return 0
    finally:
        if args.keep:
            print(f"kept: {workdir}" + (f" and {db}" if args.db else ""), file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
