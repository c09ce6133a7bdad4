"""The storage layer's rate SQL: the fixed texts behind every rate, read by qcdesk.store only.

A module of its own so that mutation testing (`./dev mutate`, docs/mutation.md) can change
these texts one at a time; qcdesk.store runs them, always with bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from qcdesk.rates import RateSums

# The history browser's sort key for the ingot qualified rate (by weight) of one heat.
RATE_SQL = ("coalesce(CASE h.chem_status WHEN 'conforms' THEN (h.w_surface_ok_kg - h.w_pa_fails_ok_kg) "
            "/ nullif(h.w_judged_kg, 0) "
            "WHEN 'fails' THEN 0.0 * nullif(h.w_judged_kg, 0) END, -1.0)")  # undefined sorts first

# The expression each group key selects: a fixed table, never user text.
GROUP_SQL = {
    "day": "h.production_date",
    "month": "substr(h.production_date, 1, 7)",
    "year": "substr(h.production_date, 1, 4)",
    "shift": "s.code",
    "converter": "c.code",
    "grade": "h.grade",
}
# Keys not sorted by their own value: shifts in schedule order, converters 1, 2, …, 10.
GROUP_ORDER = {"shift": "min(s.seq)", "converter": "length(c.code), c.code"}

SUM_FIELDS = tuple(f.name for f in fields(RateSums))
INT_SUMS = frozenset(f.name for f in fields(RateSums) if f.default == 0 and isinstance(f.default, int))
# The sums of RateSums, in its field order.
SUMS_SQL = """
    count(*),
    count(*) FILTER (WHERE h.chem_status <> 'not_checked'),
    count(*) FILTER (WHERE h.chem_status = 'conforms'),
    total(h.tap_weight_t),
    total(h.tap_weight_t) FILTER (WHERE h.chem_status <> 'not_checked'),
    total(h.tap_weight_t) FILTER (WHERE h.chem_status = 'conforms'),
    total(h.n_ingots),
    total(h.n_ingots - h.n_judged),
    total(h.n_judged),
    total(h.n_surface_ok),
    total(h.w_judged_kg),
    total(h.w_surface_ok_kg),
    total(h.n_judged) FILTER (WHERE h.chem_status <> 'not_checked'),
    total(h.n_surface_ok - h.n_pa_fails_ok) FILTER (WHERE h.chem_status = 'conforms'),
    total(h.w_judged_kg) FILTER (WHERE h.chem_status <> 'not_checked'),
    total(h.w_surface_ok_kg - h.w_pa_fails_ok_kg) FILTER (WHERE h.chem_status = 'conforms'),
    total(h.n_judged) FILTER (WHERE h.chem_status = 'not_checked'),
    total(h.w_judged_kg) FILTER (WHERE h.chem_status = 'not_checked'),
    total(h.n_pa_fails),
    total(h.w_pa_fails_kg)
"""


# desktop: one heat's sums, with the same sums as every rate (fixed text, the id bound)
HEAT_SUMS_SQL = "SELECT " + SUMS_SQL + " FROM heat h WHERE h.id = ?"  # noqa: S608 - fixed text


def sums_of(values: Sequence[Any]) -> RateSums:
    return RateSums(*(int(v) if f in INT_SUMS else v for f, v in zip(SUM_FIELDS, values, strict=True)))


# The ingot qualified rate of each production date, the numerator and denominator alone, by
# weight or by count (the records of the trends compare every day ever made): the same sums
# as weight_qualified_kg / weight_judged_kg and ingots_qualified / ingots_judged of SUMS_SQL.
# By weight the heat_live_by_day index holds every column read. (speed-output, issue 17)
DAILY_JUDGED_SQL = {
    "weight": ("total(h.w_surface_ok_kg - h.w_pa_fails_ok_kg) FILTER (WHERE h.chem_status = 'conforms'), "
               "total(h.w_judged_kg) FILTER (WHERE h.chem_status <> 'not_checked')"),
    "count": ("total(h.n_surface_ok - h.n_pa_fails_ok) FILTER (WHERE h.chem_status = 'conforms'), "
              "total(h.n_judged) FILTER (WHERE h.chem_status <> 'not_checked')"),
}
