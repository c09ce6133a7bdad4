"""A plain-Python reference of DOMAIN.md's definitions, to test the program against.

Deliberately independent of `qcdesk.rates`, `qcdesk.standards` and
`qcdesk.shifts`: it judges chemistry limits, picks the edition in force, places
a moment in a shift and computes every rate straight from the records, ingot by
ingot, the way the definitions read. The program aggregates per-heat rollup
columns in SQL; agreement between the two is the test.

DOMAIN.md, "Definitions the program must follow":

- judged ingots: disposition not ``pending``;
- a heat conforms when every element its aim grade limits has a value inside the
  limits (bounds inclusive); a limited element with no value makes the heat not
  yet checked, never conforming; no edition in force on the tap date: not checked;
- qualified ingot: ``accepted`` or ``conditioned``, its heat conforms, and none of its own
  product analyses fails;
- awaiting chemistry: judged ingots of heats not yet checked;
- ingot qualified rate: qualified ÷ judged ingots of checked heats (weight, count);
- surface qualified rate: accepted or conditioned ÷ judged ingots (weight, count);
- chemistry conformance: conforming ÷ checked heats (count, tapped weight);
- output: tapped weight; a rate over nothing is undefined (None).

DOMAIN.md, "Samples from the lab, and the product analysis" (the product analysis check):

- a product value passes within [min − deviation, max + deviation] of the heat limits in
  force, a side with no limit open; the deviation is the tolerance table's (in force on the
  tap date) for the class of the specified limit's value; a side the table gives none for
  is not widened; an element outside the table gets none;
- within one heat, product values of an element outside the heat limits on both sides make
  every product analysis of that element fail;
- no heat analysis of record: no tolerance;
- an ingot with a failing product analysis is not qualified, and counted (when judged).

Readings chosen here, as the program chose them (docs/samples.md): the class is looked up by
the maximum (the minimum where there is none), and holds both deviations; a limit beyond the
table's last class gets no tolerance; a heat analysis of record is a heat analysis with a
value; the product analyses of voided ingots are left out.

Two readings DOMAIN.md leaves open, chosen here and named in the test report:

- a heat with one limited value outside its limits and another limited element
  still missing *fails*: no later value can make it conform, so its ingots are
  not "awaiting" anything;
- an edition that limits no element checks nothing: the heat is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

ACCEPTED, CONDITIONED, REGRADED, SCRAP, PENDING = (
    "accepted", "conditioned", "regraded", "scrap", "pending")
DISPOSITIONS = (ACCEPTED, CONDITIONED, REGRADED, SCRAP, PENDING)
SURFACE_OK = frozenset({ACCEPTED, CONDITIONED})

CONFORMS, FAILS, NOT_CHECKED = "conforms", "fails", "not_checked"

# element → (min %, max %), either may be None
Limits = Mapping[str, tuple[float | None, float | None]]
# element → its classes, lowest first: (specified limits up to %, None: no end; deviation below,
# deviation above, None: none on that side)
Classes = Mapping[str, Sequence[tuple[float | None, float | None, float | None]]]


@dataclass(frozen=True)
class RefTolerances:
    """An edition of the product-analysis tolerances, in force from `in_force_from` on."""

    in_force_from: date
    classes: Classes


@dataclass(frozen=True)
class RefEdition:
    """One edition of a grade's standard: in force from `effective_from` on."""

    effective_from: date
    limits: Limits


@dataclass
class RefIngot:
    weight_kg: float
    disposition: str


@dataclass
class RefHeat:
    """A heat as the reference sees it; `limits` are those in force (None: no edition)."""

    heat_no: str
    converter: str
    production_date: date
    shift: str
    grade: str
    tap_weight_t: float
    limits: Limits | None
    analysis: dict[str, float] = field(default_factory=dict)
    ingots: dict[int, RefIngot] = field(default_factory=dict)
    tolerances: Classes | None = None  # the tolerances in force on the tap date (None: none)
    products: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (ingot, values)


# --------------------------------------------------------------------- chemistry

def edition_in_force(editions: Iterable[RefEdition], tap_date: date) -> RefEdition | None:
    """The edition whose effective date is the latest one on or before the tap date."""
    best: RefEdition | None = None
    for edition in editions:
        if edition.effective_from <= tap_date and (
                best is None or edition.effective_from > best.effective_from):
            best = edition
    return best


def chem_status(limits: Limits | None, analysis: Mapping[str, float]) -> str:
    """conforms / fails / not_checked, by the definition (bounds inclusive)."""
    if not limits:
        return NOT_CHECKED
    outside = False
    missing = False
    for element, (low, high) in limits.items():
        if element not in analysis:
            missing = True
            continue
        value = analysis[element]
        if (low is not None and value < low) or (high is not None and value > high):
            outside = True
    if outside:
        return FAILS
    return NOT_CHECKED if missing else CONFORMS


# ------------------------------------------------------------- product analysis

def tolerances_in_force(editions: Iterable[RefTolerances], tap_date: date) -> RefTolerances | None:
    best: RefTolerances | None = None
    for edition in editions:
        if edition.in_force_from <= tap_date and (best is None or edition.in_force_from > best.in_force_from):
            best = edition
    return best


def _written(value: float, change: float) -> float:
    """value + change, in decimals as written (0.20 + 0.02 = 0.22 exactly)."""
    return float(Decimal(str(value)) + Decimal(str(change)))


def failing_ingots(limits: Limits | None, tolerances: Classes | None, heat_analysis: bool,
                   products: Sequence[tuple[int, Mapping[str, float]]]) -> set[int]:
    """The ingots with a product analysis outside what the definition allows."""
    failing: set[int] = set()
    for element, (low, high) in (limits or {}).items():
        values = [(ingot, v[element]) for ingot, v in products if element in v]
        below = above = None
        if heat_analysis and tolerances:
            specified = high if high is not None else low
            for up_to, dev_below, dev_above in tolerances.get(element, ()):
                if specified is not None and (up_to is None or specified <= up_to):
                    below, above = dev_below, dev_above
                    break
        allowed_low = low if low is None or below is None else _written(low, -below)
        allowed_high = high if high is None or above is None else _written(high, above)
        both_sides = (high is not None and any(v > high for _i, v in values)
                      and low is not None and any(v < low for _i, v in values))
        for ingot, v in values:
            if both_sides or (allowed_low is not None and v < allowed_low) or (
                    allowed_high is not None and v > allowed_high):
                failing.add(ingot)
    return failing


# ------------------------------------------------------------------------ shifts

def production_shift(moment: datetime, schedule: Sequence[tuple[str, int]]) -> tuple[date, str]:
    """The production date and shift code of `moment`.

    `schedule` is (code, start minute from the production date's midnight) in
    order; each shift runs until the next starts, the last until the first of the
    next production date. Found by trying the windows of the neighbouring dates.
    """
    for offset in (-1, 0, 1):
        day = moment.date() + timedelta(days=offset)
        midnight = datetime(day.year, day.month, day.day)
        for i, (code, start) in enumerate(schedule):
            end = schedule[i + 1][1] if i + 1 < len(schedule) else schedule[0][1] + 24 * 60
            if midnight + timedelta(minutes=start) <= moment < midnight + timedelta(minutes=end):
                return day, code
    raise AssertionError(f"{moment} is in no shift of {schedule}")


# ------------------------------------------------------------------------- rates

SUM_FIELDS = (
    "heats", "heats_checked", "heats_conforming",
    "output_t", "output_checked_t", "output_conforming_t",
    "ingots", "ingots_pending",
    "ingots_surface_judged", "ingots_surface_ok",
    "weight_surface_judged_kg", "weight_surface_ok_kg",
    "ingots_judged", "ingots_qualified", "weight_judged_kg", "weight_qualified_kg",
    "ingots_awaiting_chemistry", "weight_awaiting_chemistry_kg",
    "ingots_failing_product_analysis", "weight_failing_product_analysis_kg",
)
INT_FIELDS = frozenset({
    "heats", "heats_checked", "heats_conforming", "ingots", "ingots_pending",
    "ingots_surface_judged", "ingots_surface_ok", "ingots_judged", "ingots_qualified",
    "ingots_awaiting_chemistry", "ingots_failing_product_analysis"})
RATE_FIELDS = (
    "ingot_qualified_rate", "ingot_qualified_rate_by_count",
    "surface_qualified_rate", "surface_qualified_rate_by_count",
    "chemistry_conformance_rate", "chemistry_conformance_rate_by_weight",
)
# group key → the name of its column in a rates row
KEY_NAMES = {"day": "date", "month": "month", "year": "year",
             "shift": "shift", "converter": "converter", "grade": "grade"}


def _share(part: float, whole: float) -> float | None:
    return None if whole == 0 else part / whole


def figures(heats: Iterable[RefHeat]) -> dict[str, Any]:
    """Every sum and rate of one group of heats, straight from the definitions."""
    heats = list(heats)
    status = {h.heat_no: chem_status(h.limits, h.analysis) for h in heats}
    checked = [h for h in heats if status[h.heat_no] != NOT_CHECKED]
    conforming = [h for h in heats if status[h.heat_no] == CONFORMS]
    failing = {h.heat_no: failing_ingots(h.limits, h.tolerances, bool(h.analysis), h.products)
               for h in heats}
    failed = {id(i) for h in heats for n, i in h.ingots.items() if n in failing[h.heat_no]}
    ingots = [(h, i) for h in heats for i in h.ingots.values()]
    judged = [(h, i) for h, i in ingots if i.disposition != PENDING]
    judged_checked = [(h, i) for h, i in judged if status[h.heat_no] != NOT_CHECKED]
    qualified = [(h, i) for h, i in judged_checked
                 if i.disposition in SURFACE_OK and status[h.heat_no] == CONFORMS and id(i) not in failed]
    failing_product = [(h, i) for h, i in judged if id(i) in failed]
    surface_ok = [(h, i) for h, i in judged if i.disposition in SURFACE_OK]
    awaiting = [(h, i) for h, i in judged if status[h.heat_no] == NOT_CHECKED]

    def kg(pairs: list[tuple[RefHeat, RefIngot]]) -> float:
        return float(sum(i.weight_kg for _h, i in pairs))

    def tonnes(group: list[RefHeat]) -> float:
        return float(sum(h.tap_weight_t for h in group))

    out: dict[str, Any] = {
        "heats": len(heats),
        "heats_checked": len(checked),
        "heats_conforming": len(conforming),
        "output_t": tonnes(heats),
        "output_checked_t": tonnes(checked),
        "output_conforming_t": tonnes(conforming),
        "ingots": len(ingots),
        "ingots_pending": len(ingots) - len(judged),
        "ingots_surface_judged": len(judged),
        "ingots_surface_ok": len(surface_ok),
        "weight_surface_judged_kg": kg(judged),
        "weight_surface_ok_kg": kg(surface_ok),
        "ingots_judged": len(judged_checked),
        "ingots_qualified": len(qualified),
        "weight_judged_kg": kg(judged_checked),
        "weight_qualified_kg": kg(qualified),
        "ingots_awaiting_chemistry": len(awaiting),
        "weight_awaiting_chemistry_kg": kg(awaiting),
        "ingots_failing_product_analysis": len(failing_product),
        "weight_failing_product_analysis_kg": kg(failing_product),
    }
    out.update(
        ingot_qualified_rate=_share(out["weight_qualified_kg"], out["weight_judged_kg"]),
        ingot_qualified_rate_by_count=_share(out["ingots_qualified"], out["ingots_judged"]),
        surface_qualified_rate=_share(out["weight_surface_ok_kg"], out["weight_surface_judged_kg"]),
        surface_qualified_rate_by_count=_share(out["ingots_surface_ok"], out["ingots_surface_judged"]),
        chemistry_conformance_rate=_share(out["heats_conforming"], out["heats_checked"]),
        chemistry_conformance_rate_by_weight=_share(out["output_conforming_t"],
                                                    out["output_checked_t"]),
    )
    return out


def group_key(heat: RefHeat, key: str) -> str:
    """The value a heat shows in the column of a grouping."""
    if key == "day":
        return heat.production_date.isoformat()
    if key == "month":
        return heat.production_date.isoformat()[:7]
    if key == "year":
        return heat.production_date.isoformat()[:4]
    if key == "shift":
        return heat.shift
    if key == "converter":
        return heat.converter
    if key == "grade":
        return heat.grade
    raise KeyError(key)


def _order(key: str, value: str, shift_order: Sequence[str]) -> tuple[int, str]:
    """How rows are sorted: dates and grades as text, shifts by schedule, converters 1 < 2 < 10."""
    if key == "shift":
        return (shift_order.index(value), value)
    if key == "converter":
        return (len(value), value)
    return (0, value)


def rates(heats: Iterable[RefHeat], date_from: date, date_to: date, by: Sequence[str] = (),
          shift_order: Sequence[str] = ()) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows (one per group present, in report order) and the total, over production dates from..to."""
    chosen = [h for h in heats if date_from <= h.production_date <= date_to]
    groups: dict[tuple[str, ...], list[RefHeat]] = {}
    for h in chosen:
        groups.setdefault(tuple(group_key(h, k) for k in by), []).append(h)
    rows = []
    for values in sorted(groups, key=lambda vs: [_order(k, v, shift_order)
                                                 for k, v in zip(by, vs, strict=True)]):
        rows.append({**{KEY_NAMES[k]: v for k, v in zip(by, values, strict=True)},
                     **figures(groups[values])})
    return rows, figures(chosen)
