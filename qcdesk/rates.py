"""Qualified rates from summed counts and weights, exactly as DOMAIN.md defines them.

The database sums (per group) the quantities below; this module turns sums into
rates. Every rate is a plain fraction, None where its denominator is zero —
shown as "—", never as 0% or 100%.

- judged ingots: disposition not pending;
- checked heats: heats that conform or fail (not "not yet checked");
- qualified ingot: accepted or conditioned, its heat conforms, and none of its own
  product analyses fails (DOMAIN.md, "Samples from the lab, and the product analysis");
- awaiting chemistry: judged ingots of heats not yet checked;
- ingot qualified rate: qualified ÷ judged ingots of checked heats;
- surface qualified rate: accepted or conditioned ÷ all judged ingots;
- chemistry conformance: conforming heats ÷ checked heats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

from qcdesk.errors import InputError
from qcdesk.i18n import N_, _
from qcdesk.model import ChemStatus, Disposition

GROUP_KEYS = ("day", "month", "year", "shift", "converter", "grade")
# The JSON and table name of each group key.
KEY_FIELDS = {"day": "date", "month": "month", "year": "year",
              "shift": "shift", "converter": "converter", "grade": "grade",
              "workshop": "workshop"}  # of the plant-wide rates only (several workshops)


@dataclass(frozen=True)
class RateSums:
    """The additive quantities behind every rate, for one group of heats."""

    heats: int = 0
    heats_checked: int = 0
    heats_conforming: int = 0
    output_t: float = 0.0
    output_checked_t: float = 0.0
    output_conforming_t: float = 0.0
    ingots: int = 0
    ingots_pending: int = 0
    ingots_surface_judged: int = 0  # all judged ingots: the surface rate's denominator
    ingots_surface_ok: int = 0
    weight_surface_judged_kg: float = 0.0
    weight_surface_ok_kg: float = 0.0
    ingots_judged: int = 0  # judged ingots of checked heats
    ingots_qualified: int = 0
    weight_judged_kg: float = 0.0
    weight_qualified_kg: float = 0.0
    ingots_awaiting_chemistry: int = 0
    weight_awaiting_chemistry_kg: float = 0.0
    # judged ingots one of whose product analyses fails (whatever their heat's verdict)
    ingots_failing_product_analysis: int = 0
    weight_failing_product_analysis_kg: float = 0.0

    def __add__(self, other: RateSums) -> RateSums:
        return RateSums(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                           for f in fields(self)})


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, None (undefined) over nothing."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Rates:
    """Every rate of a group, both bases."""

    ingot_qualified_rate: float | None
    ingot_qualified_rate_by_count: float | None
    surface_qualified_rate: float | None
    surface_qualified_rate_by_count: float | None
    chemistry_conformance_rate: float | None  # by count of heats
    chemistry_conformance_rate_by_weight: float | None

    @classmethod
    def of(cls, s: RateSums) -> Rates:
        return cls(
            ingot_qualified_rate=ratio(s.weight_qualified_kg, s.weight_judged_kg),
            ingot_qualified_rate_by_count=ratio(s.ingots_qualified, s.ingots_judged),
            surface_qualified_rate=ratio(s.weight_surface_ok_kg, s.weight_surface_judged_kg),
            surface_qualified_rate_by_count=ratio(s.ingots_surface_ok, s.ingots_surface_judged),
            chemistry_conformance_rate=ratio(s.heats_conforming, s.heats_checked),
            chemistry_conformance_rate_by_weight=ratio(s.output_conforming_t, s.output_checked_t),
        )


@dataclass(frozen=True)
class RateRow:
    """One group's keys, sums and rates."""

    keys: dict[str, str]
    sums: RateSums
    rates: Rates

    @classmethod
    def of(cls, keys: dict[str, str], sums: RateSums) -> RateRow:
        return cls(keys, sums, Rates.of(sums))

    def as_dict(self) -> dict[str, Any]:
        # sums of weights lose their floating-point dust (179.37999999999997 t → 179.38 t)
        sums = {k: round(v, 9) if isinstance(v, float) else v for k, v in asdict(self.sums).items()}
        return {**self.keys, **sums, **asdict(self.rates)}


@dataclass(frozen=True)
class RateReport:
    """Rates over a date range, grouped, with the total."""

    date_from: str
    date_to: str
    by: tuple[str, ...]
    basis: str
    rows: tuple[RateRow, ...]
    total: RateRow

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from, "to": self.date_to, "by": list(self.by),
            "basis": self.basis,
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict(),
        }


# ---- several workshops on one server (issue 14, workshops)

# A converter's number and a shift's code are a workshop's own: across workshops, heats are grouped
# by the calendar and the grade only.
PLANT_GROUP_KEYS = ("day", "month", "year", "grade")
PLANT = N_("plant")  # the workshop key of the plant-wide rows (as data; translated where shown)


def combined(reports: Sequence[tuple[str, RateReport]]) -> RateReport:
    """Several workshops' reports (one date range and grouping) as the plant's: each workshop's
    rows keyed also by its code, then the plant's rows, whose sums — numerators and
    denominators — are the workshops' added, and whose rates are those of the added sums (never
    an average of the workshops' rates); the total likewise."""
    if not reports:
        raise InputError(_("workshop"), _("there is no workshop to combine"))
    first = reports[0][1]
    for _code, report in reports:
        if (report.date_from, report.date_to, report.by) != (first.date_from, first.date_to, first.by):
            raise ValueError("the workshops' reports cover different dates or groupings")
    for key in first.by:
        if key not in PLANT_GROUP_KEYS:
            raise InputError("--by", _("across workshops heats are grouped by {keys}: a converter's number "
                                       "and a shift are a workshop's own").format(
                keys=", ".join(PLANT_GROUP_KEYS)))
    field = KEY_FIELDS["workshop"]
    rows: list[RateRow] = []
    plant: dict[tuple[str, ...], RateSums] = {}
    names = [KEY_FIELDS[k] for k in first.by]
    for code, report in reports:
        if not first.by:  # a workshop's one row: its total
            rows.append(RateRow.of({field: code}, report.total.sums))
            continue
        for row in report.rows:
            rows.append(RateRow.of({field: code, **row.keys}, row.sums))
            group = tuple(str(row.keys[n]) for n in names)
            plant[group] = plant.get(group, RateSums()) + row.sums
    if first.by:
        rows += [RateRow.of({field: PLANT, **dict(zip(names, group, strict=True))}, sums)
                 for group, sums in sorted(plant.items())]
    total = sum((report.total.sums for _code, report in reports), RateSums())
    return RateReport(first.date_from, first.date_to, ("workshop", *first.by), first.basis, tuple(rows),
                      RateRow.of({field: PLANT}, total))


def parse_group_keys(text: str | None) -> tuple[str, ...]:
    """'converter,shift' → ('converter', 'shift'); unknown or repeated keys refused."""
    return check_group_keys(tuple(k.strip() for k in text.split(","))) if text else ()


def check_group_keys(keys: Sequence[str]) -> tuple[str, ...]:
    """Refuse an unknown or repeated grouping."""
    for key in keys:
        if key not in GROUP_KEYS:
            raise InputError("--by", _("unknown grouping {key!r}; use {known}").format(
                key=key, known=", ".join(GROUP_KEYS)))
    if len(set(keys)) != len(keys):
        raise InputError("--by", _("a grouping is named twice"))
    return tuple(keys)


def format_rate(rate: float | None) -> str:
    """A rate to one decimal place, '—' where undefined (96.6%)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


# Formulas, shown beside each rate (tooltips in the app, footnotes in reports).
FORMULAS = {
    "ingot_qualified_rate": N_(
        "weight of qualified ingots ÷ weight of judged ingots of checked heats"),
    "ingot_qualified_rate_by_count": N_(
        "qualified ingots ÷ judged ingots of checked heats"),
    "surface_qualified_rate": N_(
        "weight of accepted and conditioned ingots ÷ weight of judged ingots"),
    "surface_qualified_rate_by_count": N_(
        "accepted and conditioned ingots ÷ judged ingots"),
    "chemistry_conformance_rate": N_("conforming heats ÷ checked heats"),
    "chemistry_conformance_rate_by_weight": N_(
        "tapped weight of conforming heats ÷ tapped weight of checked heats"),
}


# ---- desktop: one ingot's standing, for the ingot grid

class Standing(StrEnum):
    """Where one ingot stands in the ingot qualified rate (the definitions above)."""

    PENDING = "pending"                 # not judged: in no rate
    QUALIFIED = "qualified"             # accepted or conditioned, heat conforms
    NOT_QUALIFIED = "not_qualified"     # regraded or scrap
    HEAT_FAILS = "heat_fails"           # accepted or conditioned, but the heat fails: not qualified
    AWAITING_CHEMISTRY = "awaiting"     # judged, heat not yet checked: left out of the ingot rate
    PRODUCT_FAILS = "product_fails"     # accepted or conditioned, heat conforms, but its product
                                        # analysis fails: not qualified


def ingot_standing(heat_status: ChemStatus, disposition: Disposition,
                   product_fails: bool = False) -> Standing:
    """One ingot's standing from its heat's verdict, its own disposition and whether one of its
    product analyses fails."""
    if not disposition.judged:
        return Standing.PENDING
    if heat_status is ChemStatus.NOT_CHECKED:
        return Standing.AWAITING_CHEMISTRY
    if not disposition.surface_ok:
        return Standing.NOT_QUALIFIED
    if heat_status is not ChemStatus.CONFORMS:
        return Standing.HEAT_FAILS
    return Standing.PRODUCT_FAILS if product_fails else Standing.QUALIFIED
