"""Random workshops through the Store API, against the reference in tests/reference.py.

The store aggregates per-heat rollup columns (kept by triggers) and a stored
chem_status in SQL. Here hypothesis builds random workshops the way people do:
a shift schedule, grades and editions, heats at shift boundaries, analyses on
and just outside the limits or missing, ingots of every disposition, then
corrections (re-judged ingots, removed ingots and heats, changed or withdrawn
analysis values, editions added after the fact), product analyses of ingots on and
around their widened limits, on both sides of a heat's limits, voided, and tolerance
editions added. The truth is kept in memory as it is entered and the store's rates must
equal the reference's: the same groups in the same order, counts exactly, weights and
rates to 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import reference as ref
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qcdesk.model import Disposition, Limit, SampleKind, ToleranceClass
from qcdesk.rates import parse_group_keys
from qcdesk.store import NewHeat, NewIngot, Store

FIRST_DAY = date(2025, 11, 28)  # the window crosses a month end
DAYS = 5
GBT700_FROM = date(2007, 2, 1)

# DOMAIN.md "Chemistry limits (seed data)": maxima of three of the seed grades, typed here.
SEED_LIMITS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "Q195": {"C": (None, 0.12), "Si": (None, 0.30), "Mn": (None, 0.50),
             "P": (None, 0.035), "S": (None, 0.040)},
    "Q235B": {"C": (None, 0.20), "Si": (None, 0.35), "Mn": (None, 1.40),
              "P": (None, 0.045), "S": (None, 0.045)},
    "Q275D": {"C": (None, 0.20), "Si": (None, 0.35), "Mn": (None, 1.50),
              "P": (None, 0.035), "S": (None, 0.035)},
}
# Grade 20 (GB/T 699), C 0.17–0.23 from DOMAIN.md; the Mn range is made up for the test.
GRADE_20 = {"C": (0.17, 0.23), "Mn": (0.35, 0.65)}
GRADES = ("Q195", "Q235B", "Q275D", "20", "X1")  # X1: a grade with no edition at first
ELEMENTS = ("C", "Si", "Mn", "P", "S", "Cr")
UNLIMITED = ("Ni", "Cu", "Mo", "V")
BOUNDS = (0.0, 0.01, 0.035, 0.04, 0.045, 0.1, 0.12, 0.17, 0.2, 0.23, 0.3, 0.35, 0.5, 0.65, 1.4, 1.5)
# GB/T 222-2006, table 1, as DOMAIN.md gives it (typed here again), in force from 2007-02-01
GBT222_2006 = ref.RefTolerances(date(2007, 2, 1), {
    "C": [(0.25, 0.02, 0.02), (0.55, 0.03, 0.03), (None, 0.04, 0.04)],
    "Mn": [(0.80, 0.03, 0.03), (1.70, 0.06, 0.06)],
    "Si": [(0.37, 0.03, 0.03), (None, 0.05, 0.05)],
    "S": [(0.050, None, 0.005), (0.35, 0.01, 0.02)],
    "P": [(0.060, None, 0.005), (0.15, 0.01, 0.01)],
})
# a product value around a bound: on it, on it widened by a usual deviation, one step beyond
STEPS = (0.0, 0.001, 0.005, 0.0051, 0.01, 0.011, 0.02, 0.021, 0.03, 0.031, 0.04, 0.06, 0.061)
DEVIATIONS = (None, 0.0, 0.005, 0.01, 0.02, 0.03)

SCHEDULE_CODES = ("night", "day", "evening", "late", "early")
DEFAULT_SCHEDULE = [("night", 0), ("day", 480), ("evening", 960)]
GROUP_KEYS = ("day", "month", "year", "shift", "converter", "grade")

weights_kg = st.one_of(
    st.integers(1, 60_000_000).map(lambda g: g / 1000),
    st.sampled_from([0.001, 650.0, 700.0, 60_000.0]),
    st.floats(min_value=0.001, max_value=60_000, allow_nan=False, allow_infinity=False),
)
tap_weights_t = st.one_of(
    st.integers(1, 400_000).map(lambda g: g / 1000),
    st.sampled_from([0.001, 30.0, 400.0]),
)


@dataclass
class TruthHeat:
    converter: str
    tapped_at: datetime
    grade: str
    tap_weight_t: float
    schedule: list[tuple[str, int]]  # the schedule in force when its tap time was entered
    analysis: dict[str, float] = field(default_factory=dict)
    ingots: dict[int, ref.RefIngot] = field(default_factory=dict)
    products: dict[str, tuple[int, dict[str, float]]] = field(default_factory=dict)  # by sample no


@dataclass
class Truth:
    """What was entered, as the people entering it know it."""

    schedule: list[tuple[str, int]]
    editions: dict[str, list[ref.RefEdition]]
    heats: dict[str, TruthHeat] = field(default_factory=dict)
    tolerances: list[ref.RefTolerances] = field(default_factory=lambda: [GBT222_2006])

    def limits_for(self, grade: str, tapped_at: datetime) -> ref.Limits | None:
        edition = ref.edition_in_force(self.editions.get(grade, ()), tapped_at.date())
        return edition.limits if edition else None

    def ref_heats(self) -> list[ref.RefHeat]:
        out = []
        for heat_no, h in self.heats.items():
            day, shift = ref.production_shift(h.tapped_at, h.schedule)
            tolerances = ref.tolerances_in_force(self.tolerances, h.tapped_at.date())
            out.append(ref.RefHeat(heat_no, h.converter, day, shift, h.grade, h.tap_weight_t,
                                   self.limits_for(h.grade, h.tapped_at), dict(h.analysis),
                                   dict(h.ingots), tolerances.classes if tolerances else None,
                                   list(h.products.values())))
        return out


def draw_starts(data: st.DataObject, n: int) -> list[int]:
    first = data.draw(st.one_of(st.sampled_from([-720, -120, 0, 360, 719]), st.integers(-720, 719)),
                      label="first start")
    others = data.draw(st.lists(st.integers(first + 1, first + 24 * 60 - 1), min_size=n - 1,
                                max_size=n - 1, unique=True), label="other starts")
    return [first, *sorted(others)]


def draw_schedule(data: st.DataObject) -> list[tuple[str, int]]:
    if data.draw(st.booleans(), label="default schedule"):
        return list(DEFAULT_SCHEDULE)
    n = data.draw(st.integers(1, 4), label="shifts")
    codes = data.draw(st.permutations(SCHEDULE_CODES), label="codes")[:n]
    return list(zip(codes, draw_starts(data, n), strict=True))


def draw_limits(data: st.DataObject) -> dict[str, tuple[float | None, float | None]]:
    elements = data.draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=4, unique=True),
                         label="limited elements")
    limits: dict[str, tuple[float | None, float | None]] = {}
    for el in elements:
        a, b = sorted(data.draw(st.tuples(st.sampled_from(BOUNDS), st.sampled_from(BOUNDS))))
        kind = data.draw(st.sampled_from(["min", "max", "both"]), label=f"{el} kind")
        limits[el] = (a if kind != "max" else None, b if kind != "min" else None)
    return limits


def draw_value(data: st.DataObject, limit: tuple[float | None, float | None] | None) -> float | None:
    """An analysis value: mostly inside the limit, often exactly on a bound, sometimes just outside."""
    if limit is None:
        return data.draw(st.one_of(st.none(), st.sampled_from(BOUNDS),
                                   st.floats(0, 100, allow_nan=False)), label="value")
    low, high = limit
    lo = 0.0 if low is None else low
    hi = 100.0 if high is None else high
    choice = data.draw(st.sampled_from(["inside"] * 5 + ["on"] * 2 + ["outside", "missing"]),
                       label="value kind")
    if choice == "inside":
        return data.draw(st.floats(lo, min(hi, lo + 1.0), allow_nan=False), label="inside")
    if choice == "on":
        return data.draw(st.sampled_from([b for b in (low, high) if b is not None]), label="on")
    if choice == "outside":
        candidates = [b + 0.001 for b in (high,) if b is not None and b + 0.001 <= 100]
        candidates += [b - 0.001 for b in (low,) if b is not None and b >= 0.001]
        return data.draw(st.sampled_from(candidates), label="outside") if candidates else None
    return None


def draw_analysis(data: st.DataObject, limits: ref.Limits | None) -> dict[str, float]:
    analysis: dict[str, float] = {}
    for el in ELEMENTS:
        value = draw_value(data, (limits or {}).get(el))
        if value is not None:
            analysis[el] = value
    if data.draw(st.booleans(), label="unlimited elements"):
        for el in data.draw(st.lists(st.sampled_from(UNLIMITED), max_size=2, unique=True)):
            analysis[el] = data.draw(st.floats(0, 100, allow_nan=False), label=el)
    return analysis


def draw_moment(data: st.DataObject, schedule: list[tuple[str, int]]) -> datetime:
    day = FIRST_DAY + timedelta(days=data.draw(st.integers(0, DAYS - 1), label="day"))
    edges = sorted({m % 1440 for _c, s in schedule for m in (s - 1, s)} | {0, 1439})
    minute = data.draw(st.one_of(st.sampled_from(edges), st.integers(0, 1439)), label="minute")
    return datetime(day.year, day.month, day.day) + timedelta(minutes=minute)


def draw_edition_date(data: st.DataObject) -> date:
    return FIRST_DAY + timedelta(days=data.draw(st.integers(-1, DAYS), label="effective day"))


def add_edition(data: st.DataObject, store: Store, truth: Truth, grade: str) -> None:
    effective = draw_edition_date(data)
    if any(e.effective_from == effective for e in truth.editions.get(grade, ())):
        return  # one edition per grade and date; refusing that is tested elsewhere
    limits = draw_limits(data)
    store.add_edition(grade, "TEST", effective.isoformat(), effective,
                      [Limit(el, lo, hi) for el, (lo, hi) in limits.items()])
    truth.editions.setdefault(grade, []).append(ref.RefEdition(effective, limits))


def draw_product(data: st.DataObject, limits: ref.Limits | None) -> dict[str, float]:
    """A product analysis: each element around one of its heat limits (on it, widened by a usual
    deviation, one step beyond, either side), or anywhere."""
    values: dict[str, float] = {}
    for el in data.draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=3, unique=True),
                        label="product elements"):
        bounds = [b for b in (limits or {}).get(el, (None, None)) if b is not None]
        if bounds and data.draw(st.booleans(), label="near a bound"):
            step = data.draw(st.sampled_from(STEPS), label="step") * data.draw(st.sampled_from([1, -1]))
            value = round(data.draw(st.sampled_from(bounds), label="bound") + step, 6)
        else:
            value = data.draw(st.sampled_from(BOUNDS), label="anywhere")
        values[el] = min(max(value, 0.0), 100.0)
    return values


def add_product(data: st.DataObject, store: Store, truth: Truth, heat_no: str) -> None:
    heat = truth.heats[heat_no]
    if not heat.ingots:
        return
    ingot_no = data.draw(st.sampled_from(sorted(heat.ingots)), label="drilled ingot")
    values = draw_product(data, truth.limits_for(heat.grade, heat.tapped_at))
    number = f"P{len(heat.products) + 1}"
    while number in heat.products:
        number += "'"
    store.add_sample(heat_no, SampleKind.PRODUCT, values, sample_no=number, ingot_no=ingot_no,
                     taken_at=heat.tapped_at + timedelta(days=1))
    heat.products[number] = (ingot_no, values)


def add_tolerances(data: st.DataObject, store: Store, truth: Truth) -> None:
    """A made-up tolerance edition, in force from a day of the window."""
    effective = draw_edition_date(data)
    if any(t.in_force_from == effective for t in truth.tolerances):
        return
    classes: dict[str, list[tuple[float | None, float | None, float | None]]] = {}
    for el in data.draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=3, unique=True),
                        label="tolerance elements"):
        ends = sorted(data.draw(st.lists(st.sampled_from(BOUNDS), min_size=1, max_size=2, unique=True),
                                label="class ends"))
        rows: list[tuple[float | None, float | None, float | None]] = []
        for end in [*ends, *([None] if data.draw(st.booleans(), label="open class") else [])]:
            below = data.draw(st.sampled_from(DEVIATIONS), label="below")
            above = data.draw(st.sampled_from(DEVIATIONS[1:] if below is None else DEVIATIONS), label="above")
            rows.append((end, below, above))
        classes[el] = rows
    store.add_tolerance_edition("TEST", effective.isoformat(), effective, [
        ToleranceClass(el, *row) for el, rows in classes.items() for row in rows])
    truth.tolerances.append(ref.RefTolerances(effective, classes))


def build_workshop(data: st.DataObject, store: Store) -> Truth:
    schedule = draw_schedule(data)
    if schedule != DEFAULT_SCHEDULE:
        store.set_shifts([(code, code.title(), "班", start) for code, start in schedule])
    truth = Truth(schedule, {g: [ref.RefEdition(GBT700_FROM, lim)] for g, lim in SEED_LIMITS.items()})

    store.add_grade("20")
    store.add_grade("X1")
    if data.draw(st.booleans(), label="grade 20 has an edition"):
        effective = data.draw(st.sampled_from([date(2020, 1, 1), *(
            FIRST_DAY + timedelta(days=d) for d in range(DAYS))]), label="grade 20 from")
        store.add_edition("20", "GB/T 699", "2015", effective,
                          [Limit(el, lo, hi) for el, (lo, hi) in GRADE_20.items()])
        truth.editions["20"] = [ref.RefEdition(effective, GRADE_20)]
    for _ in range(data.draw(st.integers(0, 2), label="editions before")):
        add_edition(data, store, truth, data.draw(st.sampled_from(GRADES)))

    # heats, some one by one, some as one import
    batch: list[NewHeat] = []
    for i in range(data.draw(st.integers(0, 10), label="heats")):
        heat_no = f"25{i:04d}"
        tapped = draw_moment(data, schedule)
        grade = data.draw(st.sampled_from(GRADES), label="grade")
        analysis = draw_analysis(data, truth.limits_for(grade, tapped))
        with_heat = data.draw(st.booleans(), label="analysis with the heat")
        new = NewHeat(heat_no, data.draw(st.sampled_from(["1", "2", "3"]), label="converter"), tapped,
                      grade, data.draw(tap_weights_t, label="tapped t"), None, "insp",
                      analysis=analysis if with_heat else {})
        truth.heats[heat_no] = TruthHeat(new.converter, tapped, grade, new.tap_weight_t, schedule,
                                         analysis)
        if data.draw(st.booleans(), label="in the import"):
            batch.append(new)
        else:
            store.add_heat(new)
        if not with_heat and analysis:
            if new in batch:
                store.import_heats(batch)
                batch = []
            store.set_analysis(heat_no, analysis)  # first entry: no reason needed
    if batch:
        store.import_heats(batch)

    for heat_no, heat in truth.heats.items():
        dispositions = data.draw(st.lists(st.sampled_from(list(Disposition)), max_size=4),
                                 label="ingots")
        news = [NewIngot(n, data.draw(weights_kg, label="kg"), disp, "insp")
                for n, disp in enumerate(dispositions, start=1)]
        if news:
            store.add_ingots(heat_no, news)
        heat.ingots = {i.ingot_no: ref.RefIngot(i.weight_kg, i.disposition.value) for i in news}
        for _ in range(data.draw(st.integers(0, 3), label="product samples")):
            add_product(data, store, truth, heat_no)

    for _ in range(data.draw(st.integers(0, 8), label="corrections")):
        correct(data, store, truth)
    return truth


def correct(data: st.DataObject, store: Store, truth: Truth) -> None:
    """One correction, as an inspector or the lab would make it, with its reason."""
    kind = data.draw(st.sampled_from(["ingot", "ingot", "remove ingot", "analysis", "analysis",
                                      "remove heat", "edition", "heat", "schedule", "product",
                                      "remove product", "tolerances"]), label="correction")
    if kind == "edition":
        add_edition(data, store, truth, data.draw(st.sampled_from(GRADES)))
        return
    if kind == "tolerances":
        add_tolerances(data, store, truth)
        return
    if kind == "schedule":
        # shifts with heats cannot go: keep every code, maybe add one; saved heats stay put
        codes = [code for code, _start in truth.schedule]
        spare = [c for c in SCHEDULE_CODES if c not in codes]
        if spare and len(codes) < 4 and data.draw(st.booleans(), label="add a shift"):
            codes.insert(data.draw(st.integers(0, len(codes)), label="where"), spare[0])
        truth.schedule = list(zip(codes, draw_starts(data, len(codes)), strict=True))
        store.set_shifts([(code, code.title(), "班", start) for code, start in truth.schedule])
        return
    if not truth.heats:
        return
    heat_no = data.draw(st.sampled_from(sorted(truth.heats)), label="heat")
    heat = truth.heats[heat_no]
    if kind == "remove heat":
        store.void_heat(heat_no, reason="logged twice")
        del truth.heats[heat_no]
    elif kind == "product":
        add_product(data, store, truth, heat_no)
    elif kind == "remove product":
        if heat.products:
            number = data.draw(st.sampled_from(sorted(heat.products)), label="sample")
            sample = next(x for x in store.samples(heat_no) if x.sample_no == number)
            store.void_sample(heat_no, sample.id, "drillings mixed up")
            del heat.products[number]
    elif kind == "heat":
        what = data.draw(st.sampled_from(["converter", "tapped_at", "grade", "tap_weight_t"]),
                         label="heat field")
        if what == "converter":
            heat.converter = data.draw(st.sampled_from(["1", "2", "3"]), label="converter")
            store.update_heat(heat_no, converter=heat.converter, reason="wrong converter")
        elif what == "tapped_at":
            heat.tapped_at = draw_moment(data, truth.schedule)
            heat.schedule = list(truth.schedule)
            store.update_heat(heat_no, tapped_at=heat.tapped_at, reason="clock was wrong")
        elif what == "grade":
            heat.grade = data.draw(st.sampled_from(GRADES), label="grade")
            store.update_heat(heat_no, grade=heat.grade, reason="aim grade changed")
        else:
            heat.tap_weight_t = data.draw(tap_weights_t, label="tapped t")
            store.update_heat(heat_no, tap_weight_t=heat.tap_weight_t, reason="reweighed")
    elif kind == "analysis":
        el = data.draw(st.sampled_from(ELEMENTS + UNLIMITED), label="element")
        limits = truth.limits_for(heat.grade, heat.tapped_at) or {}
        value = draw_value(data, limits.get(el))
        if value is None and el not in heat.analysis:
            return
        store.set_analysis(heat_no, {el: value}, reason="lab re-run")
        if value is None:
            del heat.analysis[el]
        else:
            heat.analysis[el] = value
    elif heat.ingots:
        ingot_no = data.draw(st.sampled_from(sorted(heat.ingots)), label="ingot")
        ingot = heat.ingots[ingot_no]
        if kind == "remove ingot":
            store.void_ingot(heat_no, ingot_no, reason="mixed up")
            del heat.ingots[ingot_no]
            # its product analyses go with it
            heat.products = {n: p for n, p in heat.products.items() if p[0] != ingot_no}
            return
        disposition = data.draw(st.sampled_from(list(Disposition)), label="new disposition")
        weight = data.draw(st.one_of(st.just(ingot.weight_kg), weights_kg), label="new kg")
        reason = None if ingot.disposition == ref.PENDING else "re-inspected"
        store.update_ingot(heat_no, ingot_no, weight_kg=weight, disposition=disposition, reason=reason)
        heat.ingots[ingot_no] = ref.RefIngot(weight, disposition.value)


def assert_same_figures(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    for name in ref.SUM_FIELDS:
        if name in ref.INT_FIELDS:
            assert got[name] == want[name], f"{where}: {name} {got[name]} != {want[name]}"
        else:
            assert math.isclose(got[name], want[name], rel_tol=1e-9), \
                f"{where}: {name} {got[name]} != {want[name]}"
    for name in ref.RATE_FIELDS:
        if want[name] is None:
            assert got[name] is None, f"{where}: {name} should be undefined, is {got[name]}"
        else:
            assert got[name] is not None, f"{where}: {name} undefined, should be {want[name]}"
            assert math.isclose(got[name], want[name], rel_tol=1e-9), \
                f"{where}: {name} {got[name]} != {want[name]}"


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_store_rates_equal_the_reference(
        new_databases: Callable[[], AbstractContextManager[Path | str]], data: st.DataObject) -> None:
    """On each database (a new one for each example)."""
    with new_databases() as location, Store.open(location, "prop") as store:
        truth = build_workshop(data, store)
        heats = truth.ref_heats()
        failing = ref.figures(heats)["ingots_failing_product_analysis"]
        event("ingots failing a product analysis: " + ("some" if failing else "none"))

        # each heat's production date, shift and verdict, as the program stored them
        shown = {h.heat_no: h for h in store.heats(date(2000, 1, 1), date(2100, 1, 1))}
        assert set(shown) == set(truth.heats)
        for h in heats:
            assert (shown[h.heat_no].production_date, shown[h.heat_no].shift) == (
                h.production_date, h.shift), h.heat_no
            assert shown[h.heat_no].chem_status.value == ref.chem_status(h.limits, h.analysis), h.heat_no

        shift_order = [code for code, _start in truth.schedule]  # the order of the schedule now
        for _ in range(3):
            first = FIRST_DAY + timedelta(days=data.draw(st.integers(-1, DAYS), label="from"))
            last = first + timedelta(days=data.draw(st.integers(0, DAYS + 1), label="span"))
            keys = data.draw(st.lists(st.sampled_from(GROUP_KEYS), max_size=3, unique=True), label="by")
            by = parse_group_keys(",".join(keys))
            report = store.rates(first, last, by).as_dict()
            want_rows, want_total = ref.rates(heats, first, last, by, shift_order)

            key_names = [ref.KEY_NAMES[k] for k in by]
            assert [[r[k] for k in key_names] for r in report["rows"]] == [
                [r[k] for k in key_names] for r in want_rows], f"groups of {first}..{last} by {by}"
            for got, want in zip(report["rows"], want_rows, strict=True):
                assert_same_figures(got, want, f"{first}..{last} row {[want[k] for k in key_names]}")
            assert_same_figures(report["total"], want_total, f"{first}..{last} total")
