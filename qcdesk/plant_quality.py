"""The plant's quality office: the rates, trends and defects of several workshops side by side,
and the plant's.

Each workshop's figures are computed by its own store, exactly as that workshop's desks and
reports compute them; the plant's are never an average of the workshops' rates but the rates of
their added sums — numerators and denominators — per trend point, per grade and in total
(`qcdesk.rates.combined` does the same for `qcdesk rates --plant`). A converter's number and a
shift are a workshop's own, so across workshops heats are compared by workshop, by the calendar
and by grade only. Defects are added by their code: a code names the same defect in every
workshop of a plant (its name is the first workshop's that has it).

The office reads and signs nothing: whether a workshop's days are signed is read, for the
report's draft stamp, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from qcdesk.errors import InputError
from qcdesk.i18n import _
from qcdesk.model import EVERYTHING
from qcdesk.rates import RateRow, RateSums
from qcdesk.signoff import Status
from qcdesk.store import DefectCount, Store
from qcdesk.trends import Bucket, DefectBar, Grain, Period, buckets_of, day_sums, defect_pareto


@dataclass(frozen=True)
class WorkshopQuality:
    """One workshop's figures over the period, as its own store computes them."""

    code: str
    name_en: str  # the workshop's name ("" if it has none; show the code then)
    name_zh: str
    buckets: tuple[Bucket, ...]  # its trend: a point per day, week or month (its plans' targets)
    total: RateRow  # keyed by {"workshop": code}
    by_grade: tuple[RateRow, ...]  # keyed by {"grade": …}, by grade code
    defects: tuple[DefectCount, ...]  # most frequent first
    days_with_heats: tuple[date, ...]
    unsigned_days: tuple[date, ...]  # days with heats that the workshop head has not signed

    def name(self, chinese: bool = False) -> str:
        """The name to show: the Chinese one if asked for and set, else the English, else the code."""
        return (self.name_zh if chinese and self.name_zh else self.name_en) or self.code


@dataclass(frozen=True)
class PlantQuality:
    """The workshops' figures side by side, and the plant's from their added sums."""

    period: Period
    grain: Grain
    workshops: tuple[WorkshopQuality, ...]  # in the order given (the server lists them by code)
    buckets: tuple[Bucket, ...]  # the plant's trend: each point's sums added over the workshops
    total: RateRow  # the plant's, keyed by {"workshop": "plant"}
    by_grade: tuple[RateRow, ...]  # the plant's per grade: the workshops' sums of that grade added
    pareto_by_count: tuple[DefectBar, ...]  # the defects of every workshop, added by code
    pareto_by_weight: tuple[DefectBar, ...]
    left_out: tuple[str, ...]  # workshops of the server the role may not read

    @property
    def draft(self) -> bool:
        """Whether the figures may still change for want of a workshop head's signature."""
        return any(w.unsigned_days for w in self.workshops)


PLANT_KEY = "plant"  # the workshop key of the plant's total row (translated where shown)


def workshop_quality(store: Store, code: str, period: Period, grain: Grain) -> WorkshopQuality:
    """One workshop's figures, read from its store (reads only)."""
    plans = {p.period: p for p in store.plans()}
    days = day_sums(store, period, EVERYTHING)  # also the days of the quarter before (unused here)
    in_period = sorted(d for d in days if period.date_from <= d <= period.date_to)
    total = sum((days[d] for d in in_period), RateSums())
    grades: dict[str, RateSums] = {}
    for keys, sums in store.rate_sums(period.date_from, period.date_to, ("grade",), EVERYTHING):
        grades[keys["grade"]] = sums
    named = store.workshop()
    unsigned = tuple(d for d in in_period if store.day_signoff(d).status is not Status.SIGNED)
    return WorkshopQuality(
        code, named.name_en if named else "", named.name_zh if named else "",
        buckets_of(days, period, grain, plans), RateRow.of({"workshop": code}, total),
        tuple(RateRow.of({"grade": g}, grades[g]) for g in sorted(grades)),
        tuple(store.defect_pareto(period.date_from, period.date_to)), tuple(in_period), unsigned)


def combine(workshops: Sequence[WorkshopQuality], period: Period, grain: Grain,
            left_out: Sequence[str] = ()) -> PlantQuality:
    """The plant's figures from its workshops': every sum added, every rate of the added sums."""
    if not workshops:
        raise InputError(_("workshop"), _("there is no workshop to combine"))
    points = len(workshops[0].buckets)
    if any(len(w.buckets) != points for w in workshops):
        raise ValueError("the workshops' trends cover different periods or grains")
    buckets = []
    for i in range(points):
        first = workshops[0].buckets[i]
        sums = sum((w.buckets[i].sums for w in workshops), RateSums())
        buckets.append(Bucket(first.key, first.first, first.last, sums, RateRow.of({}, sums).rates, None))
    total = sum((w.total.sums for w in workshops), RateSums())
    grades: dict[str, RateSums] = {}
    for w in workshops:
        for row in w.by_grade:
            grade = row.keys["grade"]
            grades[grade] = grades.get(grade, RateSums()) + row.sums
    defects: dict[str, DefectCount] = {}
    for w in workshops:
        for d in w.defects:
            seen = defects.get(d.code)
            defects[d.code] = d if seen is None else DefectCount(
                d.code, seen.name_en, seen.name_zh, seen.ingots + d.ingots, seen.weight_kg + d.weight_kg)
    by_count, by_weight = defect_pareto(sorted(defects.values(), key=lambda d: (-d.ingots, d.code)))
    return PlantQuality(
        period, grain, tuple(workshops), tuple(buckets), RateRow.of({"workshop": PLANT_KEY}, total),
        tuple(RateRow.of({"grade": g}, grades[g]) for g in sorted(grades)), by_count, by_weight,
        tuple(left_out))


def plant_quality(stores: Sequence[tuple[str, Store]], period: Period, grain: Grain | None = None,
                  left_out: Sequence[str] = ()) -> PlantQuality:
    """The plant's figures over `period` from each workshop's open store (code, store)."""
    grain = grain or Grain.auto(period)
    return combine([workshop_quality(store, code, period, grain) for code, store in stores], period, grain,
                   left_out)
