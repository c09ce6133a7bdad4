"""The trends core (qcdesk/trends.py and the Store methods behind it), against figures
worked out by hand in the comments, or by tests/reference.py over the raw records.

Most tests use `shop`, a small workshop of late February 2024 (a leap year) whose every
figure is in the table below; the records use `runs`, a fortnight built for them; the
scope, comparison and Pareto checks over many heats use the demo month of February 1959.
Nothing expected is taken from the code under test.
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import reference as ref
from signed_shop import DAY as SIGNED_DAY
from signed_shop import make_shop, open_as

from qcdesk import trends as tr
from qcdesk.errors import InputError, NotFound, QcError
from qcdesk.model import (
    EVERYTHING,
    ChartKey,
    ControlLimits,
    Disposition,
    IngotDefect,
    Limit,
    Location,
    Scope,
)
from qcdesk.rates import RateSums
from qcdesk.store import NewHeat, NewIngot, Store
from qcdesk.trends import Grain, Period, RecordKind, Span

ACC, CON, REG, SCR, PEN = (Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.REGRADED,
                           Disposition.SCRAP, Disposition.PENDING)
TOP, MID, BOT = Location.TOP, Location.MIDDLE, Location.BOTTOM
Q235B_OK = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}  # GB/T 700 maxima: P 0.045
Q195_OK = {"C": 0.10, "Si": 0.20, "Mn": 0.40, "P": 0.020, "S": 0.020}

FEB26, FEB27, FEB28, FEB29, MAR1 = (date(2024, 2, 26), date(2024, 2, 27), date(2024, 2, 28),
                                    date(2024, 2, 29), date(2024, 3, 1))
SHOP_NOW = datetime(2024, 3, 15, 12, 0)  # the shop's clock: "today" is after the period


def q235b(p: float) -> dict[str, float]:
    return {**Q235B_OK, "P": p}


def ingot(n: int, kg: float, disp: Disposition, *defects: tuple[str, Location]) -> NewIngot:
    return NewIngot(n, kg, disp, "insp", tuple(IngotDefect(c, loc) for c, loc in defects))


def build_shop(store: Store) -> None:
    """The hand-made workshop. Default shifts: night 00-08, day 08-16, evening 16-24.

    heat conv tapped          shift   grade  t   chemistry          ingots (kg disposition defects)
    H1   1    Feb 26 09:00    day     Q235B  30  conforms, P .020   1000 acc; 1000 cond SCAB;
                                                                     1000 scrap PIPE; 500 pending
    H2   2    Feb 26 17:00    evening Q235B  20  FAILS, P .050      800 acc PIPE;
                                                                     800 acc SCAB (ingot voided)
    H3   1    Feb 28 03:00    night   Q195   25  conforms           900 acc; 900 regraded PIPE
    H4   2    Feb 28 10:00    day     Q235B  30  not checked (P     1000 acc
                                                 entered, withdrawn)
    H5   1    Feb 29 11:00    day     Q235B  30  conforms, P .035   1200 acc TCRK top+bottom;
                                                 corrected to .030  1200 acc TCRK, SCAB; 1200 acc;
                                                                     600 scrap LCRK corrected to PIPE
    H6   3    Mar 1  20:00    evening Q235B  10  conforms, P .025   1000 acc TCRK
    X1   1    Feb 29 12:00    day     Q235B  40  P .100; heat VOIDED 1000 acc TCRK

    Per production day (judged ingots of checked heats = n, qualified = q, d = n - q):
    day     heats  t    n  q  d  judged kg  qualified kg  rate by weight        by count
    Feb 26  2      50   4  2  2  3800       2000          2000/3800 = .526316   .5
    Feb 27  -      -    0  -  -  -          -             None
    Feb 28  2      55   2  1  1  1800       900           .5                    .5   (+1 awaiting)
    Feb 29  1      30   4  3  1  4200       3600          .857143               .75
    Mar 1   1      10   1  1  0  1000       1000          1.0                   1.0
    """
    store.add_heat(NewHeat("H1", "1", datetime(2024, 2, 26, 9, 0), "Q235B", 30.0, None, "insp",
                           analysis=q235b(0.020)))
    store.add_ingots("H1", [ingot(1, 1000, ACC), ingot(2, 1000, CON, ("SCAB", BOT)),
                            ingot(3, 1000, SCR, ("PIPE", TOP)), ingot(4, 500, PEN)])
    store.add_heat(NewHeat("H2", "2", datetime(2024, 2, 26, 17, 0), "Q235B", 20.0, None, "insp",
                           analysis=q235b(0.050)))
    store.add_ingots("H2", [ingot(1, 800, ACC, ("PIPE", TOP)), ingot(2, 800, ACC, ("SCAB", BOT))])
    store.void_ingot("H2", 2, reason="belongs to another heat")
    store.add_heat(NewHeat("H3", "1", datetime(2024, 2, 28, 3, 0), "Q195", 25.0, None, "insp",
                           analysis=Q195_OK))
    store.add_ingots("H3", [ingot(1, 900, ACC), ingot(2, 900, REG, ("PIPE", TOP))])
    store.add_heat(NewHeat("H4", "2", datetime(2024, 2, 28, 10, 0), "Q235B", 30.0, None, "insp"))
    store.set_analysis("H4", {"P": 0.040})
    store.set_analysis("H4", {"P": None}, reason="the sample was of another heat")
    store.add_ingots("H4", [ingot(1, 1000, ACC)])
    store.add_heat(NewHeat("H5", "1", datetime(2024, 2, 29, 11, 0), "Q235B", 30.0, None, "insp",
                           analysis=q235b(0.035)))
    store.set_analysis("H5", {"P": 0.030}, reason="lab re-run")
    store.add_ingots("H5", [ingot(1, 1200, ACC, ("TCRK", TOP), ("TCRK", BOT)),
                            ingot(2, 1200, ACC, ("TCRK", MID), ("SCAB", BOT)),
                            ingot(3, 1200, ACC), ingot(4, 600, SCR, ("LCRK", TOP))])
    store.update_ingot("H5", 4, defects=[IngotDefect("PIPE", TOP)], reason="it was a pipe")
    store.add_heat(NewHeat("H6", "3", datetime(2024, 3, 1, 20, 0), "Q235B", 10.0, None, "insp",
                           analysis=q235b(0.025)))
    store.add_ingots("H6", [ingot(1, 1000, ACC, ("TCRK", MID))])
    store.add_heat(NewHeat("X1", "1", datetime(2024, 2, 29, 12, 0), "Q235B", 40.0, None, "insp",
                           analysis=q235b(0.100)))
    store.add_ingots("X1", [ingot(1, 1000, ACC, ("TCRK", TOP))])
    store.void_heat("X1", reason="logged twice")


def set_shop_plans(store: Store) -> None:
    """Plans: 2024-01 400 t (no target rate); 2024-02 300 t at 51%; 2024-Q1 1000 t at 90%.
    No plan for March or Q2."""
    store.set_plan("2024-01", output_t=400.0, ingot_rate=None)
    store.set_plan("2024-02", output_t=300.0, ingot_rate=0.51)
    store.set_plan("2024-Q1", output_t=1000.0, ingot_rate=0.9)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "shop.sqlite", "tester", clock=lambda: SHOP_NOW) as s:
        build_shop(s)
        set_shop_plans(s)
        yield s


SHOP_SPAN = Period.custom(FEB26, MAR1)


def ref_heats(store: Store, day_from: date, day_to: date) -> list[ref.RefHeat]:
    """The raw records as the reference sees them (limits of the edition in force)."""
    editions: dict[str, list[ref.RefEdition]] = {}
    for s in store.standards():
        editions.setdefault(s.grade, []).append(ref.RefEdition(
            s.effective_from, {lim.element: (lim.min_pct, lim.max_pct) for lim in s.limits}))
    out = []
    for h in store.heats(day_from, day_to):
        edition = ref.edition_in_force(editions.get(h.grade, ()), h.tapped_at.date())
        ingots = {i.ingot_no: ref.RefIngot(i.weight_kg, i.disposition.value) for i in store.ingots(h.heat_no)}
        out.append(ref.RefHeat(h.heat_no, h.converter, h.production_date, h.shift, h.grade, h.tap_weight_t,
                               edition.limits if edition else None, dict(h.analysis), ingots))
    return out


def assert_sums_equal(got: RateSums, want: dict[str, object], where: str = "") -> None:
    for name in ref.SUM_FIELDS:
        if name in ref.INT_FIELDS:
            assert getattr(got, name) == want[name], f"{where} {name}"
        else:
            assert getattr(got, name) == pytest.approx(want[name], rel=1e-9), f"{where} {name}"


# =================================================================== 1. periods and grains


def test_a_month_period_of_february_in_a_leap_year_ends_on_the_29th() -> None:
    p = Period.of(Span.MONTH, date(2024, 2, 10))
    assert (p.date_from, p.date_to, p.days, p.label) == (date(2024, 2, 1), date(2024, 2, 29), 29, "2024-02")
    p = Period.of(Span.MONTH, date(2023, 2, 10))
    assert (p.date_to, p.days) == (date(2023, 2, 28), 28)


def test_a_december_month_ends_on_the_31st() -> None:
    p = Period.of("month", date(2024, 12, 31))
    assert (p.date_from, p.date_to) == (date(2024, 12, 1), date(2024, 12, 31))


@pytest.mark.parametrize(("day", "first", "last", "label", "days"), [
    (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 31), "2024-Q1", 91),  # 31 + 29 + 31
    (date(2023, 3, 31), date(2023, 1, 1), date(2023, 3, 31), "2023-Q1", 90),
    (date(2024, 4, 1), date(2024, 4, 1), date(2024, 6, 30), "2024-Q2", 91),
    (date(2024, 8, 15), date(2024, 7, 1), date(2024, 9, 30), "2024-Q3", 92),
    (date(2024, 10, 1), date(2024, 10, 1), date(2024, 12, 31), "2024-Q4", 92),
    (date(2024, 12, 31), date(2024, 10, 1), date(2024, 12, 31), "2024-Q4", 92),
])
def test_quarter_bounds_and_labels(day: date, first: date, last: date, label: str, days: int) -> None:
    p = Period.of(Span.QUARTER, day)
    assert (p.date_from, p.date_to, p.label, p.days) == (first, last, label, days)


def test_a_year_and_the_last_30_days() -> None:
    y = Period.of(Span.YEAR, date(2024, 7, 4))
    assert (y.date_from, y.date_to, y.days, y.label) == (date(2024, 1, 1), date(2024, 12, 31), 366, "2024")
    # the last 30 days end on the day given and hold it: Feb 1 .. Mar 1 of a leap year
    p = Period.of(Span.LAST_30_DAYS, date(2024, 3, 1))
    assert (p.date_from, p.date_to, p.days) == (date(2024, 2, 1), date(2024, 3, 1), 30)
    assert p.label == "2024-02-01 – 2024-03-01"


def test_a_custom_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InputError, match="before"):
        Period.custom(date(2024, 3, 2), date(2024, 3, 1))
    with pytest.raises(InputError):
        Period.of(Span.CUSTOM, date(2024, 3, 2), date(2024, 3, 1))
    one_day = Period.custom(date(2024, 3, 1), date(2024, 3, 1))
    assert (one_day.days, one_day.label) == (1, "2024-03-01 – 2024-03-01")


@pytest.mark.parametrize(("days", "grain"), [
    (1, Grain.DAY), (92, Grain.DAY), (93, Grain.WEEK), (366, Grain.WEEK), (367, Grain.MONTH),
    (3650, Grain.MONTH),
])
def test_the_automatic_grain(days: int, grain: Grain) -> None:
    start = date(2023, 1, 1)
    assert Grain.auto(Period.custom(start, start + timedelta(days=days - 1))) is grain


def test_a_quarter_is_shown_by_day_and_a_leap_year_by_week() -> None:
    assert Grain.auto(Period.of(Span.QUARTER, date(2024, 11, 1))) is Grain.DAY  # 92 days
    assert Grain.auto(Period.of(Span.YEAR, date(2024, 1, 1))) is Grain.WEEK  # 366 days


@pytest.mark.parametrize(("day", "key"), [
    (date(2024, 12, 29), "2024-W52"),  # a Sunday
    (date(2024, 12, 30), "2025-W01"),  # the Monday of the week holding Jan 1, 2025
    (date(2025, 1, 5), "2025-W01"),
    (date(2021, 1, 1), "2020-W53"),  # a Friday: still in 2020's last week
    (date(2026, 12, 31), "2026-W53"),
])
def test_iso_week_keys_across_the_year_boundary(day: date, key: str) -> None:
    assert tr.bucket_key(day, Grain.WEEK) == key


def test_week_buckets_of_december_2024_are_clipped_and_the_last_is_2025_w01() -> None:
    # Dec 1 2024 is a Sunday: its week (W48) began on Nov 25 but the bucket starts Dec 1
    buckets = tr.buckets_of({}, Period.of(Span.MONTH, date(2024, 12, 1)), Grain.WEEK, {})
    assert [(b.key, b.first, b.last) for b in buckets] == [
        ("2024-W48", date(2024, 12, 1), date(2024, 12, 1)),
        ("2024-W49", date(2024, 12, 2), date(2024, 12, 8)),
        ("2024-W50", date(2024, 12, 9), date(2024, 12, 15)),
        ("2024-W51", date(2024, 12, 16), date(2024, 12, 22)),
        ("2024-W52", date(2024, 12, 23), date(2024, 12, 29)),
        ("2025-W01", date(2024, 12, 30), date(2024, 12, 31)),
    ]


# =================================================================== 2. buckets


def test_a_day_without_heats_is_a_bucket_with_empty_sums_and_no_rate(shop: Store) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    assert t.grain is Grain.DAY
    assert [b.key for b in t.buckets] == ["2024-02-26", "2024-02-27", "2024-02-28", "2024-02-29",
                                          "2024-03-01"]
    empty = t.buckets[1]
    assert empty.sums == RateSums()
    assert empty.rates.ingot_qualified_rate is None  # "—", not 0%
    assert empty.rates.ingot_qualified_rate_by_count is None
    assert empty.rate("weight") is None
    assert empty.rate("count") is None


def test_daily_buckets_hold_the_hand_computed_figures(shop: Store) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    got = {b.key: (b.sums.heats, b.sums.output_t, b.judged, b.not_qualified, b.rate("weight"),
                   b.rate("count")) for b in t.buckets}
    assert got["2024-02-26"] == (2, 50.0, 4, 2, pytest.approx(2000 / 3800), 0.5)
    assert got["2024-02-28"] == (2, 55.0, 2, 1, pytest.approx(0.5), 0.5)
    assert got["2024-02-29"] == (1, 30.0, 4, 1, pytest.approx(3600 / 4200), 0.75)  # X1 is voided
    assert got["2024-03-01"] == (1, 10.0, 1, 0, 1.0, 1.0)
    assert t.buckets[2].sums.ingots_awaiting_chemistry == 1  # H4's ingot
    # the total: the buckets summed
    assert (t.total.sums.heats, t.total.sums.output_t, t.total.sums.ingots_judged) == (6, 145.0, 11)
    assert t.total.rates.ingot_qualified_rate == pytest.approx(7500 / 10800)
    assert t.last_day == MAR1


def test_week_buckets_of_february_2024_are_clipped_to_the_month(shop: Store) -> None:
    t = tr.trends(shop, Period.of(Span.MONTH, FEB26), grain=Grain.WEEK)
    # Feb 1 2024 is a Thursday and Feb 29 a Thursday
    assert [(b.key, b.first, b.last) for b in t.buckets] == [
        ("2024-W05", date(2024, 2, 1), date(2024, 2, 4)),
        ("2024-W06", date(2024, 2, 5), date(2024, 2, 11)),
        ("2024-W07", date(2024, 2, 12), date(2024, 2, 18)),
        ("2024-W08", date(2024, 2, 19), date(2024, 2, 25)),
        ("2024-W09", date(2024, 2, 26), date(2024, 2, 29)),  # not into March: H6 stays out
    ]
    last = t.buckets[-1]
    # Feb 26 + 28 + 29: 5 heats, 135 t, n = 4 + 2 + 4, qualified kg 2000 + 900 + 3600
    assert (last.sums.heats, last.sums.output_t, last.judged, last.not_qualified) == (5, 135.0, 10, 4)
    assert last.rate("weight") == pytest.approx(6500 / 9800)
    assert all(b.rate("weight") is None for b in t.buckets[:-1])


def test_month_buckets_are_clipped_to_a_custom_period(shop: Store) -> None:
    t = tr.trends(shop, Period.custom(date(2024, 2, 27), date(2024, 3, 10)), grain=Grain.MONTH)
    assert [(b.key, b.first, b.last, b.sums.heats) for b in t.buckets] == [
        ("2024-02", date(2024, 2, 27), date(2024, 2, 29), 3),  # H1, H2 of Feb 26 left out
        ("2024-03", date(2024, 3, 1), date(2024, 3, 10), 1),
    ]


def test_each_bucket_has_its_month_target_else_its_quarter_target_else_none(shop: Store) -> None:
    # 2024-01: a plan with tonnes only -> Q1's 90%; 2024-02: 51%; 2024-03: no plan -> Q1's 90%;
    # 2024-04: neither a month nor a Q2 plan -> no target
    t = tr.trends(shop, Period.custom(date(2024, 1, 1), date(2024, 4, 30)), grain=Grain.MONTH)
    assert [(b.key, b.target) for b in t.buckets] == [
        ("2024-01", 0.9), ("2024-02", 0.51), ("2024-03", 0.9), ("2024-04", None)]
    days = tr.trends(shop, SHOP_SPAN)
    assert [b.target for b in days.buckets] == [0.51, 0.51, 0.51, 0.51, 0.9]
    assert days.target == 0.9  # the line of the period's last day (Mar 1)


# =================================================================== 3. p-chart


def test_the_p_chart_has_one_point_per_bucket_with_n_d_and_the_centre_sum_d_over_sum_n(shop: Store) -> None:
    chart = tr.trends(shop, SHOP_SPAN).p_chart
    assert [(pt.n, pt.nonconforming) for pt in chart.points] == [(4, 2), (0, 0), (2, 1), (4, 1), (1, 0)]
    # p̄ = (2 + 1 + 1 + 0) / (4 + 2 + 4 + 1) = 4/11, by count
    assert chart.centre == pytest.approx(4 / 11)
    empty = chart.points[1]
    assert (empty.p, empty.ucl, empty.lcl) == (None, None, None)
    # Feb 29: p = 1/4, σ = √(4/11·7/11/4); limits clipped to [0, 1]
    sigma = math.sqrt(4 / 11 * 7 / 11 / 4)
    feb29 = chart.points[3]
    assert feb29.p == 0.25
    assert feb29.ucl == pytest.approx(min(1.0, 4 / 11 + 3 * sigma))
    assert feb29.lcl == 0.0  # 4/11 − 3σ < 0
    assert feb29.z == pytest.approx((0.25 - 4 / 11) / sigma)


def test_a_frozen_p_centre_is_kept_when_the_period_changes_and_unfreezing_goes_back(shop: Store) -> None:
    baseline = Period.custom(FEB26, FEB28)
    limits = tr.freeze_p_limits(shop, EVERYTHING, baseline)
    # baseline: n = 4 + 2 = 6 judged ingots of checked heats, d = 2 + 1 = 3 -> p̄ = 0.5
    assert (limits.centre, limits.n, limits.spread) == (0.5, 6, None)
    assert shop.control_limits(ChartKey.p(EVERYTHING)) == limits

    later = Period.custom(FEB29, MAR1)
    t = tr.trends(shop, later)
    assert t.frozen == limits
    assert t.p_chart.centre == 0.5  # not this period's own 1/5
    feb29 = t.p_chart.points[0]  # n = 4: σ = √(.5·.5/4) = .25; .5 + .75 clipped to 1
    assert (feb29.ucl, feb29.lcl) == (1.0, 0.0)
    assert feb29.z == pytest.approx(-1.0)  # (0.25 − 0.5) / 0.25

    # another scope has its own chart: nothing frozen for converter 1
    assert tr.trends(shop, later, Scope(converter="1")).p_chart.centre == pytest.approx(1 / 4)

    shop.unfreeze_limits(ChartKey.p(EVERYTHING))
    t = tr.trends(shop, later)
    assert t.frozen is None
    assert t.p_chart.centre == pytest.approx((1 + 0) / (4 + 1))


def test_freezing_over_a_baseline_without_judged_ingots_is_refused_and_changes_nothing(shop: Store) -> None:
    frozen = tr.freeze_p_limits(shop, EVERYTHING, Period.custom(FEB26, FEB26))  # p̄ = 2/4
    audit_before = len(shop.audit())
    # Feb 27: no heat at all; and for converter 3 up to Feb 29 nothing either
    with pytest.raises(InputError, match="no ingot was judged from 2024-02-27 to 2024-02-27"):
        tr.freeze_p_limits(shop, EVERYTHING, Period.custom(FEB27, FEB27))
    with pytest.raises(InputError, match="nothing to compute limits from"):
        tr.freeze_p_limits(shop, Scope(converter="3"), Period.custom(FEB26, FEB29))
    assert shop.control_limits(ChartKey.p(EVERYTHING)) == frozen
    assert shop.control_limits(ChartKey.p(Scope(converter="3"))) is None
    assert len(shop.audit()) == audit_before


def test_a_baseline_of_awaiting_chemistry_only_is_refused(shop: Store) -> None:
    # converter 2 on Feb 28: H4's ingot is judged but its heat is not checked: n = 0
    with pytest.raises(InputError, match="no ingot was judged"):
        tr.freeze_p_limits(shop, Scope(converter="2"), Period.custom(FEB28, FEB28))


# =================================================================== 4. scope


@pytest.mark.parametrize("scope", [
    Scope(converter="1"), Scope(converter="2"), Scope(converter="3"), Scope(shift="day"),
    Scope(shift="evening"), Scope(grade="Q195"), Scope(converter="1", shift="day"),
    Scope(converter="2", grade="Q235B"),
])
def test_a_scope_sums_what_the_reference_sums_over_the_heats_it_names(shop: Store, scope: Scope) -> None:
    heats = [h for h in ref_heats(shop, FEB26, MAR1)
             if scope.converter in (None, h.converter) and scope.shift in (None, h.shift)
             and scope.grade in (None, h.grade)]
    want = ref.figures(heats)
    rows = shop.rate_sums(FEB26, MAR1, (), scope)
    assert len(rows) == 1
    assert_sums_equal(rows[0][1], want, str(scope))
    t = tr.trends(shop, SHOP_SPAN, scope)
    assert_sums_equal(t.total.sums, want, f"trends {scope}")
    assert sum(b.judged for b in t.buckets) == want["ingots_judged"]


def test_a_converter_scope_by_hand(shop: Store) -> None:
    # converter 1: H1, H3, H5 (X1 voided): n = 3 + 2 + 4, qualified kg 2000 + 900 + 3600
    t = tr.trends(shop, SHOP_SPAN, Scope(converter="1"))
    assert (t.total.sums.heats, t.total.sums.output_t, t.total.sums.ingots_judged) == (3, 85.0, 9)
    assert t.total.rates.ingot_qualified_rate == pytest.approx(6500 / 9000)
    assert [b.judged for b in t.buckets] == [3, 0, 2, 4, 0]
    assert t.last_day == FEB29  # converter 1's last production day in the period


@pytest.mark.parametrize("scope", [Scope(converter="9"), Scope(shift="graveyard"), Scope(grade="Q999")])
def test_an_unknown_converter_shift_or_grade_is_refused_not_read_as_nothing_made(shop: Store,
                                                                                 scope: Scope) -> None:
    with pytest.raises(NotFound):
        shop.rate_sums(FEB26, MAR1, (), scope)
    with pytest.raises(QcError):
        tr.trends(shop, SHOP_SPAN, scope)
    for call in (lambda: shop.defect_pareto(FEB26, MAR1, scope),
                 lambda: shop.defect_ingots(FEB26, MAR1, "PIPE", scope),
                 lambda: shop.analysis_values(FEB26, MAR1, "Q235B", "P", scope),
                 lambda: shop.heat_counts(FEB26, MAR1, scope)):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("scope", [Scope(converter="2"), Scope(shift="night"), Scope(grade="Q235A"),
                                   Scope(converter="3", shift="evening")])
def test_demo_month_scoped_daily_rates_match_the_reference(demo: Store, scope: Scope) -> None:
    first, last = date(1959, 2, 1), date(1959, 2, 28)
    heats = [h for h in ref_heats(demo, first, last)
             if scope.converter in (None, h.converter) and scope.shift in (None, h.shift)
             and scope.grade in (None, h.grade)]
    assert heats
    t = tr.trends(demo, Period.of(Span.MONTH, first), scope)
    assert_sums_equal(t.total.sums, ref.figures(heats), "total")
    for b in t.buckets:
        want = ref.figures(h for h in heats if h.production_date == b.first)
        assert_sums_equal(b.sums, want, b.key)
        assert b.rate("weight") == (None if want["ingot_qualified_rate"] is None
                                    else pytest.approx(want["ingot_qualified_rate"]))
    # p̄ by count over the month: Σ(judged − qualified) ÷ Σ judged
    whole = ref.figures(heats)
    assert t.p_chart.centre == pytest.approx(
        (whole["ingots_judged"] - whole["ingots_qualified"]) / whole["ingots_judged"])


# =================================================================== 5. comparisons


def test_comparisons_add_up_to_the_total_and_show_n_judged(shop: Store) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    assert [(r.keys["converter"], r.sums.heats, r.sums.ingots_judged) for r in t.by_converter] == [
        ("1", 3, 9), ("2", 2, 1), ("3", 1, 1)]  # H2: one live ingot; H4's awaits chemistry
    assert [(r.keys["shift"], r.sums.heats, r.sums.ingots_judged) for r in t.by_shift] == [
        ("night", 1, 2), ("day", 3, 7), ("evening", 2, 2)]
    assert [(r.keys["grade"], r.sums.heats, r.sums.ingots_judged) for r in t.by_grade] == [
        ("Q195", 1, 2), ("Q235B", 5, 9)]
    for rows in (t.by_converter, t.by_shift, t.by_grade):
        assert sum((r.sums for r in rows), RateSums()) == pytest.approx(t.total.sums)
    header, table = tr.comparison_table(t.by_converter, "converter")
    assert header[3] == "judged_ingots"
    assert [row[3] for row in table] == [9, 1, 1]


def test_demo_comparisons_match_the_reference_per_group(demo: Store) -> None:
    first, last = date(1959, 2, 1), date(1959, 2, 28)
    heats = ref_heats(demo, first, last)
    t = tr.trends(demo, Period.of(Span.MONTH, first))
    for rows, field in ((t.by_converter, "converter"), (t.by_shift, "shift"), (t.by_grade, "grade")):
        assert {r.keys[field] for r in rows} == {getattr(h, field) for h in heats}
        for r in rows:
            want = ref.figures(h for h in heats if getattr(h, field) == r.keys[field])
            assert_sums_equal(r.sums, want, f"{field} {r.keys[field]}")
        total = sum((r.sums for r in rows), RateSums())
        assert total.ingots_judged == t.total.sums.ingots_judged
        assert total.weight_qualified_kg == pytest.approx(t.total.sums.weight_qualified_kg)


def test_shifts_are_compared_in_schedule_order_whatever_converter_worked_them(store: Store) -> None:
    """Converter 1 worked only the day shift, converter 2 only the night shift: the table by
    shift still reads night, day, evening (the schedule's order), as the daily report does."""
    store.add_heat(NewHeat("A1", "1", datetime(2024, 5, 6, 9, 0), "Q235B", 30.0, None, "insp",
                           analysis=Q235B_OK))
    store.add_heat(NewHeat("A2", "2", datetime(2024, 5, 6, 2, 0), "Q235B", 30.0, None, "insp",
                           analysis=Q235B_OK))
    store.add_heat(NewHeat("A3", "1", datetime(2024, 5, 6, 18, 0), "Q235B", 30.0, None, "insp",
                           analysis=Q235B_OK))
    for heat_no in ("A1", "A2", "A3"):
        store.add_ingots(heat_no, [ingot(1, 1000, ACC)])
    t = tr.trends(store, Period.custom(date(2024, 5, 6), date(2024, 5, 6)))
    assert [r.keys["shift"] for r in t.by_shift] == ["night", "day", "evening"]


# =================================================================== 6. Pareto

# shop, Feb 26 .. Mar 1, each ingot once per defect:
#   PIPE: H1/3 1000, H2/1 800, H3/2 900, H5/4 600 (corrected from LCRK)  4 ingots 3300 kg
#   TCRK: H5/1 1200 (top and bottom: once), H5/2 1200, H6/1 1000        3 ingots 3400 kg
#   SCAB: H1/2 1000, H5/2 1200 (H2/2 is voided)                         2 ingots 2200 kg
#   LCRK: replaced; X1's TCRK: heat voided.
SHOP_PARETO = {"PIPE": (4, 3300.0), "TCRK": (3, 3400.0), "SCAB": (2, 2200.0)}


def test_the_pareto_by_count_and_by_weight(shop: Store) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    by_count = [(b.code, b.ingots, b.weight_kg, b.share, b.cumulative) for b in t.pareto_by_count]
    assert by_count == [
        ("PIPE", 4, 3300.0, pytest.approx(4 / 9), pytest.approx(4 / 9)),
        ("TCRK", 3, 3400.0, pytest.approx(3 / 9), pytest.approx(7 / 9)),
        ("SCAB", 2, 2200.0, pytest.approx(2 / 9), pytest.approx(1.0)),
    ]
    by_weight = [(b.code, b.share, b.cumulative) for b in t.pareto_by_weight]
    assert by_weight == [
        ("TCRK", pytest.approx(3400 / 8900), pytest.approx(3400 / 8900)),
        ("PIPE", pytest.approx(3300 / 8900), pytest.approx(6700 / 8900)),
        ("SCAB", pytest.approx(2200 / 8900), pytest.approx(1.0)),
    ]
    assert t.pareto_by_count[0].name_zh == "缩孔"
    assert "LCRK" not in {b.code for b in t.pareto_by_count}


def test_an_ingot_with_the_same_defect_twice_counts_once_and_voided_records_are_left_out(shop: Store) -> None:
    counts = {c.code: (c.ingots, c.weight_kg) for c in shop.defect_pareto(FEB26, MAR1)}
    assert counts == SHOP_PARETO


def test_defect_ingots_are_exactly_the_ingots_of_the_bar(shop: Store) -> None:
    for code, (n, kg) in SHOP_PARETO.items():
        found = shop.defect_ingots(FEB26, MAR1, code)
        assert len(found) == n, code
        assert sum(i.weight_kg for i in found) == kg, code
    tcrk = shop.defect_ingots(FEB26, MAR1, "TCRK")
    # latest first; each ingot once, with every live defect it carries
    assert [(i.heat_no, i.ingot_no, i.production_date, i.converter, i.defects) for i in tcrk] == [
        ("H6", 1, MAR1, "3", "TCRK"), ("H5", 1, FEB29, "1", "TCRK"), ("H5", 2, FEB29, "1", "TCRK, SCAB")]
    scab = shop.defect_ingots(FEB26, MAR1, "SCAB")
    assert [(i.heat_no, i.ingot_no) for i in scab] == [("H5", 2), ("H1", 2)]
    assert shop.defect_ingots(FEB26, MAR1, "LCRK") == []


def test_the_wide_pareto_plan_gives_the_narrow_plan_summed_day_by_day(shop: Store) -> None:
    plans: list[str] = []
    shop.conn.set_trace_callback(lambda sql: plans.append(sql) if "ingot_defect" in sql else None)
    wide = {c.code: (c.ingots, c.weight_kg) for c in shop.defect_pareto(FEB26, MAR1)}
    assert "FROM ingot_defect idf CROSS JOIN" in plans[-1]  # the whole span: walked from the defects
    summed: Counter[str] = Counter()
    kg: Counter[str] = Counter()
    for offset in range(5):
        day = FEB26 + timedelta(days=offset)
        for c in shop.defect_pareto(day, day):
            assert "FROM heat h" in plans[-1]  # one day: walked from the heats
            summed[c.code] += c.ingots
            kg[c.code] += c.weight_kg
    shop.conn.set_trace_callback(None)
    assert wide == SHOP_PARETO
    assert {code: (summed[code], kg[code]) for code in summed} == SHOP_PARETO


@pytest.mark.parametrize("scope", [Scope(converter="1"), Scope(shift="day"), Scope(grade="Q195")])
def test_a_scoped_pareto_counts_only_the_scope_wide_and_narrow(shop: Store, scope: Scope) -> None:
    want: dict[str, list[float]] = {}
    for h in shop.heats(FEB26, MAR1):
        if scope.converter in (None, h.converter) and scope.shift in (None, h.shift) \
                and scope.grade in (None, h.grade):
            for i in shop.ingots(h.heat_no):
                for code in {d.code for d in i.defects}:
                    want.setdefault(code, [0, 0.0])
                    want[code][0] += 1
                    want[code][1] += i.weight_kg
    expected = {k: (v[0], v[1]) for k, v in want.items()}
    wide = {c.code: (c.ingots, c.weight_kg) for c in shop.defect_pareto(FEB26, MAR1, scope)}
    narrow: Counter[str] = Counter()
    for offset in range(5):
        day = FEB26 + timedelta(days=offset)
        for c in shop.defect_pareto(day, day, scope):
            narrow[c.code] += c.ingots
    assert wide == expected
    assert dict(narrow) == {k: v[0] for k, v in expected.items()}
    if scope == Scope(converter="1"):  # H1, H3, H5
        assert expected == {"PIPE": (3, 2500.0), "TCRK": (2, 2400.0), "SCAB": (2, 2200.0)}


def test_demo_pareto_over_the_whole_month_matches_a_hand_count(demo: Store) -> None:
    first, last = date(1959, 2, 1), date(1959, 2, 28)
    count: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    for h in demo.heats(first, last):
        for i in demo.ingots(h.heat_no):
            for code in {d.code for d in i.defects}:
                count[code] += 1
                weight[code] += i.weight_kg
    assert count
    got = demo.defect_pareto(first, last)
    assert {c.code: c.ingots for c in got} == dict(count)
    assert {c.code: c.weight_kg for c in got} == pytest.approx(dict(weight))
    t = tr.trends(demo, Period.of(Span.MONTH, first))
    assert [b.code for b in t.pareto_by_count] == sorted(count, key=lambda c: (-count[c], c))
    assert [b.code for b in t.pareto_by_weight] == sorted(weight, key=lambda c: (-weight[c], c))
    assert t.pareto_by_count[-1].cumulative == pytest.approx(1.0)
    assert t.pareto_by_weight[-1].cumulative == pytest.approx(1.0)
    code = t.pareto_by_count[0].code
    assert len(demo.defect_ingots(first, last, code)) == count[code]


# =================================================================== 7. chemistry

# Q235B's P in tapping order over Feb 26 .. Mar 1 (H4's value withdrawn, X1 voided, H3 is Q195):
#   H1 .020, H2 .050, H5 .030 (corrected from .035), H6 .025
#   x̄ = .125/4 = .03125; moving ranges .030, .020, .005 -> MR̄ = .055/3
P_VALUES = [0.020, 0.050, 0.030, 0.025]
P_MEAN = 0.125 / 4
P_MR_BAR = 0.055 / 3


def test_analysis_values_in_tapping_order_without_withdrawn_or_voided_values(shop: Store) -> None:
    points = shop.analysis_values(FEB26, MAR1, "Q235B", "P")
    assert [p.heat_no for p in points] == ["H1", "H2", "H5", "H6"]
    assert [p.value for p in points] == P_VALUES
    assert [p.tapped_at for p in points] == sorted(p.tapped_at for p in points)
    assert [(p.heat_no, p.value) for p in shop.analysis_values(FEB26, MAR1, "Q195", "C")] == [("H3", 0.10)]
    assert [p.heat_no for p in shop.analysis_values(FEB26, MAR1, "Q235B", "P", Scope(converter="1"))] == [
        "H1", "H5"]


def test_the_i_mr_chart_and_capability_of_a_max_only_element(shop: Store) -> None:
    c = tr.chemistry(shop, SHOP_SPAN, EVERYTHING, "Q235B", "P")
    assert c.chart.values == tuple(P_VALUES)
    assert c.chart.mean == pytest.approx(P_MEAN)
    assert c.chart.mr_bar == pytest.approx(P_MR_BAR)
    assert c.chart.ucl == pytest.approx(P_MEAN + 2.66 * P_MR_BAR)
    assert c.chart.lcl == pytest.approx(P_MEAN - 2.66 * P_MR_BAR)
    # GB/T 700-2006: P ≤ 0.045, no minimum
    assert (c.spec_min, c.spec_max) == (None, 0.045)
    sigma = P_MR_BAR / 1.128
    assert c.capability.cp is None  # one-sided: no Cp
    assert c.capability.cpl is None
    assert c.capability.cpu == pytest.approx((0.045 - P_MEAN) / (3 * sigma))  # ≈ 0.282
    assert c.capability.cpk == pytest.approx(0.2820, abs=1e-4)
    assert c.capability.cpk == c.capability.cpu
    # the grade's chemistry conformance per day: Feb 26 H1 conforms, H2 fails; Feb 28 H4 not checked
    assert [b.rates.chemistry_conformance_rate for b in c.conformance] == [0.5, None, None, 1.0, 1.0]


def test_spec_limits_come_from_the_edition_in_force_at_the_period_end(shop: Store) -> None:
    shop.add_edition("Q235B", "GB/T 700", "2024", MAR1,
                     [Limit("C", None, 0.20), Limit("Si", None, 0.35), Limit("Mn", None, 1.40),
                      Limit("P", None, 0.040), Limit("S", None, 0.045)])
    before = tr.chemistry(shop, Period.custom(FEB26, FEB29), EVERYTHING, "Q235B", "P")
    assert before.standard is not None
    assert (before.standard.edition, before.spec_max) == ("2006", 0.045)
    after = tr.chemistry(shop, SHOP_SPAN, EVERYTHING, "Q235B", "P")
    assert after.standard is not None
    assert (after.standard.edition, after.spec_max) == ("2024", 0.040)
    assert after.capability.cpu == pytest.approx((0.040 - P_MEAN) / (3 * P_MR_BAR / 1.128))


def test_cp_needs_both_limits(store: Store) -> None:
    # grade 20: C 0.17–0.23 (GB/T 699, DOMAIN.md); values .18, .20, .19 -> x̄ .19, MR̄ (.02 + .01)/2
    store.add_grade("20")
    store.add_edition("20", "GB/T 699", "2015", date(2016, 1, 1), [Limit("C", 0.17, 0.23)])
    for n, (hour, c) in enumerate([(9, 0.18), (10, 0.20), (11, 0.19)], start=1):
        store.add_heat(NewHeat(f"G{n}", "1", datetime(2024, 5, 6, hour, 0), "20", 30.0, None, "insp",
                               analysis={"C": c}))
    chem = tr.chemistry(store, Period.custom(date(2024, 5, 6), date(2024, 5, 6)), EVERYTHING, "20", "C")
    sigma = 0.015 / 1.128
    assert chem.capability.cp == pytest.approx(0.06 / (6 * sigma))
    assert chem.capability.cpk == pytest.approx(min(0.04, 0.02) / (3 * sigma))


def test_frozen_i_mr_limits_are_used_for_another_period(shop: Store) -> None:
    # baseline Feb 26 .. Feb 29: .020, .050, .030 -> x̄ = .1/3, MR̄ = (.030 + .020)/2 = .025
    frozen = tr.freeze_imr_limits(shop, EVERYTHING, "Q235B", "P", Period.custom(FEB26, FEB29))
    assert (frozen.centre, frozen.spread, frozen.n) == (pytest.approx(0.1 / 3), pytest.approx(0.025), 3)
    c = tr.chemistry(shop, Period.custom(MAR1, MAR1), EVERYTHING, "Q235B", "P")
    assert c.chart.values == (0.025,)
    assert c.chart.mean == pytest.approx(0.1 / 3)
    assert c.chart.ucl == pytest.approx(0.1 / 3 + 2.66 * 0.025)
    with pytest.raises(InputError, match="at least two"):
        tr.freeze_imr_limits(shop, EVERYTHING, "Q235B", "P", Period.custom(MAR1, MAR1))


# =================================================================== 8. plan progress


def test_quarter_progress_up_to_the_period_end(shop: Store) -> None:
    # period February, today Mar 15: output counted to Feb 29 = 50 + 55 + 30 = 135 t
    plan = tr.trends(shop, Period.of(Span.MONTH, FEB29)).plan
    assert plan is not None
    assert (plan.quarter, plan.first, plan.last, plan.as_of) == (
        "2024-Q1", date(2024, 1, 1), date(2024, 3, 31), FEB29)
    assert (plan.plan_t, plan.target_rate, plan.output_t) == (1000.0, 0.9, 135.0)
    assert plan.remaining_t == 865.0
    assert plan.days_left == 31  # Mar 1 .. Mar 31
    assert plan.needed_per_day_t == pytest.approx(865 / 31)
    assert plan.rate == pytest.approx(6500 / 9800)
    cumulative = dict(plan.cumulative)
    assert len(plan.cumulative) == 60  # Jan 1 .. Feb 29
    assert (cumulative[date(2024, 1, 1)], cumulative[FEB26], cumulative[FEB27], cumulative[FEB29]) == (
        0.0, 50.0, 50.0, 135.0)
    assert [(m.month, m.plan_t, m.target_rate, m.output_t) for m in plan.months] == [
        ("2024-01", 400.0, None, 0.0), ("2024-02", 300.0, 0.51, 135.0), ("2024-03", None, None, 0.0)]
    assert [m.rate for m in plan.months] == [None, pytest.approx(6500 / 9800), None]
    assert plan.planned_by(date(2024, 3, 31)) == pytest.approx(1000.0)
    assert plan.planned_by(FEB29) == pytest.approx(1000.0 * 60 / 91)


def test_quarter_progress_stops_at_today_when_today_is_earlier(tmp_path: Path) -> None:
    now = [SHOP_NOW]  # the shop is entered first; then the clock is set back to Feb 28
    with Store.open(tmp_path / "early.sqlite", "tester", clock=lambda: now[0]) as s:
        build_shop(s)
        set_shop_plans(s)
        now[0] = datetime(2024, 2, 28, 12, 0)
        assert s.today() == FEB28
        plan = tr.trends(s, Period.of(Span.QUARTER, FEB28)).plan
    assert plan is not None
    # as of Feb 28: 50 + 55 = 105 t; 895 t over Feb 29 .. Mar 31 = 32 days
    assert (plan.as_of, plan.output_t, plan.remaining_t, plan.days_left) == (FEB28, 105.0, 895.0, 32)
    assert plan.needed_per_day_t == pytest.approx(895 / 32)
    assert plan.cumulative[-1] == (FEB28, 105.0)


def test_a_quarter_not_begun_yet_has_all_its_days_left(shop: Store) -> None:
    """Mid-March a head looks at the second quarter's plan: 910 t over the 91 days of
    Apr 1 .. Jun 30 is 10 t a day; none of its days is over yet, so none has counted."""
    shop.set_plan("2024-Q2", output_t=910.0, ingot_rate=None)
    plan = tr.trends(shop, Period.of(Span.QUARTER, date(2024, 5, 1))).plan
    assert plan is not None
    assert (plan.output_t, plan.remaining_t) == (0.0, 910.0)
    assert plan.days_left == 91
    assert plan.needed_per_day_t == pytest.approx(10.0)


def test_plan_progress_is_workshop_wide_even_with_a_scope(shop: Store) -> None:
    # converter 3 made nothing in February; the plan still shows the workshop's 135 t
    t = tr.trends(shop, Period.of(Span.MONTH, FEB29), Scope(converter="3"))
    assert t.total.sums.heats == 0
    assert t.plan is not None
    assert (t.plan.output_t, t.plan.remaining_t) == (135.0, 865.0)
    assert t.plan.rate == pytest.approx(6500 / 9800)


def test_plan_met_needs_nothing_more_and_no_plan_needs_no_figure(shop: Store) -> None:
    shop.set_plan("2024-Q1", output_t=100.0, ingot_rate=0.9)  # 135 t already made
    plan = tr.trends(shop, Period.of(Span.MONTH, FEB29)).plan
    assert plan is not None
    assert (plan.remaining_t, plan.needed_per_day_t) == (0.0, 0.0)
    shop.remove_plan("2024-Q1", reason="withdrawn")
    plan = tr.trends(shop, Period.of(Span.MONTH, FEB29)).plan
    assert plan is not None
    assert (plan.plan_t, plan.remaining_t, plan.needed_per_day_t) == (None, None, None)


# =================================================================== 9. records


def test_shop_records(shop: Store) -> None:
    """Most heats: every converter-day made one heat (X1, a second heat of converter 1 on
    Feb 29, is voided): the earliest, Feb 26 on converter 1; Mar 1 only ties it.
    Best day: Mar 1 (100%) beats Feb 29 (3600/4200). Longest run at or above target
    (Feb 51%, Mar 1 Q1's 90%): Feb 26 yes (52.6%), Feb 28 no (50%), Feb 29 yes, Mar 1 yes."""
    found = {r.kind: r for r in tr.trends(shop, SHOP_SPAN).records}
    most = found[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new) == (1, FEB26, "1", False)
    best = found[RecordKind.BEST_DAY]
    assert (best.value, best.first, best.new) == (1.0, MAR1, True)
    assert best.previous == pytest.approx(3600 / 4200)
    run = found[RecordKind.LONGEST_RUN]
    assert (run.value, run.first, run.last, run.new, run.previous) == (2, FEB29, MAR1, True, 1)


def _records_heat(store: Store, heat_no: str, day: date, conv: str, *, good: int, bad: int,
                  pending: int = 0, hour: int = 9) -> None:
    """A conforming heat with `good` accepted and `bad` scrapped ingots of 1000 kg."""
    store.add_heat(NewHeat(heat_no, conv, datetime(day.year, day.month, day.day, hour, 0), "Q235B", 30.0,
                           None, "insp", analysis=Q235B_OK))
    dispositions = [ACC] * good + [SCR] * bad + [PEN] * pending
    store.add_ingots(heat_no, [ingot(n, 1000, d) for n, d in enumerate(dispositions, start=1)])


M4, M5, M6, M7, M8, M11, M12, M13, M14 = (date(2024, 3, d) for d in (4, 5, 6, 7, 8, 11, 12, 13, 14))


@pytest.fixture
def runs(store: Store) -> Store:
    """March 2024, target 75% (the March plan):

    day     heats by converter (accepted/scrap)    rate    at or above 75%?
    Mar 4   1: 3/1                                 .75     yes (on the target counts)
    Mar 5   1: 2/0, 1: 2/0                         1.0     yes
    Mar 6   2: two pending ingots                  —       skipped: nothing judged
    Mar 7   2: 2/0, 2: 2/0                         1.0     yes (ties Mar 5)
    Mar 8   3: 1/3                                 .25     no: ends the run Mar 4 .. Mar 7 (3 days)
    Mar 11  1: 4/0                                 1.0     yes
    Mar 12  1: 4/0                                 1.0     yes
    Most heats by one converter in a day: 2, on Mar 5 (converter 1) and Mar 7 (converter 2).
    """
    store.set_plan("2024-03", output_t=None, ingot_rate=0.75)
    _records_heat(store, "R1", M4, "1", good=3, bad=1)
    _records_heat(store, "R2", M5, "1", good=2, bad=0, hour=9)
    _records_heat(store, "R3", M5, "1", good=2, bad=0, hour=13)
    _records_heat(store, "R4", M6, "2", good=0, bad=0, pending=2)
    _records_heat(store, "R5", M7, "2", good=2, bad=0, hour=9)
    _records_heat(store, "R6", M7, "2", good=2, bad=0, hour=13)
    _records_heat(store, "R7", M8, "3", good=1, bad=3)
    _records_heat(store, "R8", M11, "1", good=4, bad=0)
    _records_heat(store, "R9", M12, "1", good=4, bad=0)
    return store


def records_of(store: Store, first: date, last: date,
               scope: Scope = EVERYTHING) -> dict[RecordKind, tr.Record]:
    return {r.kind: r for r in tr.trends(store, Period.custom(first, last), scope).records}


def test_a_tie_on_the_last_day_is_not_a_new_record_and_the_earliest_day_holds_it(runs: Store) -> None:
    found = records_of(runs, M4, M7)
    most = found[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new) == (2, M5, "1", False)
    best = found[RecordKind.BEST_DAY]
    assert (best.value, best.first, best.new) == (1.0, M5, False)
    # but the run Mar 4, 5, (6 skipped), 7 is three days, new: before Mar 7 it was two
    run = found[RecordKind.LONGEST_RUN]
    assert (run.value, run.first, run.last, run.new, run.previous) == (3, M4, M7, True, 2)


def test_a_day_below_target_ends_the_run(runs: Store) -> None:
    run = records_of(runs, M4, M12)[RecordKind.LONGEST_RUN]
    # Mar 11-12 is a run of two: the record stays Mar 4 .. Mar 7
    assert (run.value, run.first, run.last, run.new) == (3, M4, M7, False)


def test_records_are_new_only_when_the_last_day_beats_every_earlier_day(runs: Store) -> None:
    for n in range(3):  # Mar 13: converter 3 makes three heats, all good
        _records_heat(runs, f"S{n}", M13, "3", good=1, bad=0, hour=9 + n)
    found = records_of(runs, M4, M13)
    most = found[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new, most.previous) == (3, M13, "3", True, 2)
    run = found[RecordKind.LONGEST_RUN]  # Mar 11, 12, 13: equals the record, does not beat it
    assert (run.value, run.first, run.last, run.new) == (3, M4, M7, False)
    _records_heat(runs, "S9", M14, "1", good=1, bad=0)
    run = records_of(runs, M4, M14)[RecordKind.LONGEST_RUN]
    assert (run.value, run.first, run.last, run.new, run.previous) == (4, M11, M14, True, 3)
    # looking back at an earlier period, the later days do not count
    assert records_of(runs, M4, M12)[RecordKind.MOST_HEATS].value == 2


def test_the_earliest_day_holds_a_tied_record_whatever_order_the_heats_were_entered(store: Store) -> None:
    # Mar 7 is entered first, on converter 1; Mar 5 later, on converter 3: two heats each
    for n in range(2):
        _records_heat(store, f"L{n}", M7, "1", good=1, bad=0, hour=9 + n)
    for n in range(2):
        _records_heat(store, f"E{n}", M5, "3", good=1, bad=0, hour=9 + n)
    _records_heat(store, "Z1", M8, "2", good=1, bad=0)
    most = records_of(store, M4, M8)[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new) == (2, M5, "3", False)
    assert sorted(store.heat_counts(M4, M8)) == [(M5, "3", 2), (M7, "1", 2), (M8, "2", 1)]


def test_a_day_without_a_target_ends_the_run(store: Store) -> None:
    # March has a 75% target, April none (its plan is tonnes only, no Q2 plan), May 75% again
    store.set_plan("2024-03", output_t=None, ingot_rate=0.75)
    store.set_plan("2024-04", output_t=500.0, ingot_rate=None)
    store.set_plan("2024-05", output_t=None, ingot_rate=0.75)
    _records_heat(store, "T1", date(2024, 3, 28), "1", good=4, bad=0)
    _records_heat(store, "T2", date(2024, 3, 29), "1", good=4, bad=0)
    _records_heat(store, "T3", date(2024, 4, 2), "1", good=4, bad=0)  # 100% but no target: ends the run
    _records_heat(store, "T4", date(2024, 5, 2), "1", good=4, bad=0)
    run = records_of(store, date(2024, 3, 1), date(2024, 5, 31))[RecordKind.LONGEST_RUN]
    assert (run.value, run.first, run.last, run.new) == (2, date(2024, 3, 28), date(2024, 3, 29), False)


def test_records_under_a_scope(runs: Store) -> None:
    # converter 2 only: Mar 6 (one heat, nothing judged), Mar 7 (two heats, 100%)
    found = records_of(runs, M4, M12, Scope(converter="2"))
    most = found[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new, most.previous) == (2, M7, "2", True, 1)
    best = found[RecordKind.BEST_DAY]
    assert (best.value, best.first, best.new) == (1.0, M7, True)
    # converter 3 only: Mar 8 at 25% is its best day and its only one
    best3 = records_of(runs, M4, M12, Scope(converter="3"))[RecordKind.BEST_DAY]
    assert (best3.value, best3.first) == (0.25, M8)


def test_best_day_by_count_follows_the_basis(store: Store) -> None:
    # Jun 3: 2 accepted of 3000 kg + 1 scrap of 500 kg: 6000/6500 by weight, 2/3 by count
    # Jun 4: 3 accepted + 1 scrap, 1000 kg each: 3/4 both ways
    store.add_heat(NewHeat("B1", "1", datetime(2024, 6, 3, 9, 0), "Q235B", 30.0, None, "insp",
                           analysis=Q235B_OK))
    store.add_ingots("B1", [ingot(1, 3000, ACC), ingot(2, 3000, ACC), ingot(3, 500, SCR)])
    _records_heat(store, "B2", date(2024, 6, 4), "1", good=3, bad=1)
    period = Period.custom(date(2024, 6, 3), date(2024, 6, 4))
    by_weight = {r.kind: r for r in tr.trends(store, period).records}[RecordKind.BEST_DAY]
    by_count = {r.kind: r for r in tr.trends(store, period, basis="count").records}[RecordKind.BEST_DAY]
    assert (by_weight.value, by_weight.first, by_weight.new) == (pytest.approx(6000 / 6500), date(2024, 6, 3),
                                                                 False)
    assert (by_count.value, by_count.first, by_count.new) == (0.75, date(2024, 6, 4), True)


def test_trends_of_heats_with_nothing_judged_yet_have_no_best_day(store: Store) -> None:
    """The first morning with qcdesk: a heat logged, its ingots judged, the analysis not in yet.
    The trends must still open; there is no best daily rate to show (nothing has a rate)."""
    store.add_heat(NewHeat("F1", "1", datetime(2024, 5, 6, 9, 0), "Q235B", 30.0, None, "insp"))
    store.add_ingots("F1", [ingot(1, 1000, ACC)])
    t = tr.trends(store, Period.of(Span.MONTH, date(2024, 5, 6)))
    kinds = {r.kind for r in t.records}
    assert RecordKind.MOST_HEATS in kinds
    assert RecordKind.BEST_DAY not in kinds
    assert t.total.sums.ingots_awaiting_chemistry == 1


def test_the_demo_record_day(demo: Store) -> None:
    # DOMAIN.md: on 2 February 1959 one converter refined fourteen heats, a workshop record
    found = records_of(demo, date(1959, 2, 1), date(1959, 2, 2))
    most = found[RecordKind.MOST_HEATS]
    assert (most.value, most.first, most.converter, most.new) == (14, date(1959, 2, 2), "2", True)
    later = records_of(demo, date(1959, 2, 1), date(1959, 2, 28))[RecordKind.MOST_HEATS]
    assert (later.value, later.first, later.new) == (14, date(1959, 2, 2), False)


# =================================================================== 10. migration 8, audit, roles


def _insert_limits(store: Store, chart: str, grade: str, element: str, *, centre: float,
                   spread: float | None) -> None:
    store.conn.execute(
        "INSERT INTO control_limits (chart, grade, element, converter, shift, date_from, date_to, "
        "centre, spread, n) VALUES (?, ?, ?, '', '', '2024-02-01', '2024-02-29', ?, ?, 10)",
        (chart, grade, element, centre, spread))


def test_the_control_limits_table_refuses_impossible_rows(store: Store) -> None:
    assert store.schema_version() >= 8
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        _insert_limits(store, "p", "", "", centre=1.5, spread=None)  # a fraction above 1
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        _insert_limits(store, "imr", "Q235B", "P", centre=0.03, spread=None)  # an I-MR row without MR̄
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        _insert_limits(store, "p", "", "P", centre=0.1, spread=None)  # a p-chart of an element
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        _insert_limits(store, "p", "", "", centre=-0.1, spread=None)
    _insert_limits(store, "p", "", "", centre=1.0, spread=None)  # the bounds themselves are fine
    _insert_limits(store, "imr", "Q235B", "P", centre=0.03, spread=0.0)
    assert store.conn.execute("SELECT count(*) FROM control_limits").fetchone()[0] == 2


def test_store_refuses_a_p_centre_above_one_before_the_database_does(store: Store) -> None:
    with pytest.raises(InputError, match="0 to 1"):
        store.freeze_limits(ControlLimits(ChartKey.p(EVERYTHING), FEB26, FEB29, 1.2, None, 5))
    with pytest.raises(InputError, match="mean moving range"):
        store.freeze_limits(ControlLimits(ChartKey("imr", "Q235B", "P"), FEB26, FEB29, 0.03, None, 5))
    assert store.control_limits(ChartKey.p(EVERYTHING)) is None


def test_freezing_and_unfreezing_are_audited_with_old_and_new_figures(shop: Store) -> None:
    tr.freeze_p_limits(shop, EVERYTHING, Period.custom(FEB26, FEB26))  # p̄ = 2/4, n = 4
    entry = shop.audit()[-1]
    assert (entry.action, entry.entity, entry.entity_key, entry.old_value) == (
        "insert", "control_limits", "p", None)
    assert json.loads(entry.new_value or "") == {"from": "2024-02-26", "to": "2024-02-26", "centre": 0.5,
                                                 "spread": None, "n": 4}
    tr.freeze_p_limits(shop, EVERYTHING, Period.custom(FEB26, FEB28))  # p̄ = 3/6, n = 6
    entry = shop.audit()[-1]
    assert entry.action == "update"
    assert json.loads(entry.old_value or "")["n"] == 4
    assert json.loads(entry.new_value or "") == {"from": "2024-02-26", "to": "2024-02-28", "centre": 0.5,
                                                 "spread": None, "n": 6}
    shop.unfreeze_limits(ChartKey.p(EVERYTHING))
    entry = shop.audit()[-1]
    assert (entry.action, entry.entity, entry.new_value) == ("delete", "control_limits", None)
    assert json.loads(entry.old_value or "")["to"] == "2024-02-28"
    with pytest.raises(NotFound):
        shop.unfreeze_limits(ChartKey.p(EVERYTHING))
    scoped = tr.freeze_p_limits(shop, Scope(converter="1"), Period.custom(FEB26, FEB29))
    assert scoped.centre == pytest.approx(3 / 9)  # H1 1 scrap, H3 1 regraded, H5 1 scrap of 9
    assert shop.audit()[-1].entity_key == "p/-/-/1"


@pytest.mark.parametrize(("who", "refusal"), [("hu", None), ("ada", None), ("wang", "may not"),
                                              (None, "sign in first")])
def test_freezing_limits_needs_a_head_or_an_administrator(db_path: Path, who: str | None,
                                                         refusal: str | None) -> None:
    make_shop(db_path)  # 10 March 2025: D1 (accepted, scrap), D2 (accepted), E1 (accepted)
    baseline = Period.custom(SIGNED_DAY, SIGNED_DAY)
    with open_as(db_path, who) as s:
        if refusal is None:
            limits = tr.freeze_p_limits(s, EVERYTHING, baseline)
            assert (limits.centre, limits.n) == (0.25, 4)
            assert s.audit()[-1].user == who
            s.unfreeze_limits(ChartKey.p(EVERYTHING))
            assert s.audit()[-1].user == who
        else:
            with pytest.raises(QcError, match=refusal):
                tr.freeze_p_limits(s, EVERYTHING, baseline)
            assert s.control_limits(ChartKey.p(EVERYTHING)) is None
    if refusal is not None:  # nor may they take away limits a head froze
        with open_as(db_path, "hu") as head:
            tr.freeze_p_limits(head, EVERYTHING, baseline)
        with open_as(db_path, who) as s:
            with pytest.raises(QcError, match=refusal):
                s.unfreeze_limits(ChartKey.p(EVERYTHING))
            assert s.control_limits(ChartKey.p(EVERYTHING)) is not None


# =================================================================== 11. CSV


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_the_trend_table_as_csv(shop: Store, tmp_path: Path) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    path = tmp_path / "trend.csv"
    tr.write_csv(path, tr.trend_table(t))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM: a spreadsheet reads UTF-8
    rows = read_csv(path)
    header = rows[0]
    assert header[:4] == ["period", "first", "last", "heats"]
    assert len(rows) == 1 + 5
    feb27 = dict(zip(header, rows[2], strict=True))
    assert feb27["period"] == "2024-02-27"
    assert feb27["heats"] == "0"
    for rate in ("ingot_qualified_rate", "ingot_qualified_rate_by_count", "p", "p_ucl", "p_lcl"):
        assert feb27[rate] == "", rate  # undefined: empty, never 0
    feb26 = dict(zip(header, rows[1], strict=True))
    assert float(feb26["ingot_qualified_rate"]) == pytest.approx(2000 / 3800, abs=1e-6)
    assert (feb26["judged_ingots"], feb26["not_qualified"]) == ("4", "2")
    assert float(feb26["p_centre"]) == pytest.approx(4 / 11, abs=1e-6)
    assert float(feb26["target"]) == 0.51


def test_the_pareto_and_comparison_tables_as_csv(shop: Store, tmp_path: Path) -> None:
    t = tr.trends(shop, SHOP_SPAN)
    tr.write_csv(tmp_path / "pareto.csv", tr.pareto_table(t.pareto_by_count))
    rows = read_csv(tmp_path / "pareto.csv")
    assert rows[0] == ["defect", "name", "name_zh", "ingots", "weight_kg", "share", "cumulative_share"]
    assert rows[1][:5] == ["PIPE", "shrinkage cavity (pipe)", "缩孔", "4", "3300.0"]
    assert float(rows[-1][6]) == pytest.approx(1.0)
    # a group with judged ingots only awaiting chemistry has no rate: '' in the CSV
    tr.write_csv(tmp_path / "conv.csv", tr.comparison_table(
        tr.trends(shop, Period.custom(FEB28, FEB28), Scope(converter="2")).by_converter, "converter"))
    conv = read_csv(tmp_path / "conv.csv")
    row = dict(zip(conv[0], conv[1], strict=True))
    assert (row["converter"], row["judged_ingots"], row["ingot_qualified_rate"]) == ("2", "0", "")
    assert row["surface_qualified_rate"] == "1.0"  # H4's ingot counts in the surface rate
