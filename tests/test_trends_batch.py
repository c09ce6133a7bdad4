"""What the period report reads in one statement equals what it read a piece at a time (issue 17).

The period report asks for the chemistry of every grade and element of a period at once
(`trends.chemistries`, over `Store.analysis_series` and `Store.frozen_imr_limits`), and the
records (of the trends and of the daily report) read every day ever made in one pass: the heats
of each converter and two sums a day (`Store.record_days`), or the records they make
(`Store.record_bests`; the trends read those of the days before the period apart, at the same
time as the period). Each is checked here, on the demo month, against the reading it replaces:
`trends.chemistry` one pair at a time, `Store.analysis_values`, `Store.control_limits`,
`Store.heat_counts`, `Store.rate_sums` by day, the daily report's `Store.most_heats_in_a_day`,
`most_heats_per_converter` and `best_daily_rate`, the records worked out a day at a time.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from qcdesk import spc
from qcdesk import trends as tr
from qcdesk.errors import InputError
from qcdesk.model import EVERYTHING, ChartKey, Scope
from qcdesk.store import Plan, RecordDay, Store
from qcdesk.store.queries import RecordBests
from qcdesk.trends import Period
from reports.data import bests_before


def bests_of(days: list[RecordDay]) -> RecordBests:
    """The records of these days (`Store.record_days`, in date order), worked out one day at a
    time: what `Store.record_bests` finds in its one pass."""
    heats: tuple[int, date] | None = None
    by_converter: dict[str, tuple[int, date]] = {}
    rate: tuple[float, date] | None = None
    for d in days:  # in date order: only a greater figure takes a record from an earlier day
        made = sum(n for _conv, n in d.heats)
        if heats is None or made > heats[0]:
            heats = (made, d.day)
        for conv, n in d.heats:
            if conv not in by_converter or n > by_converter[conv][0]:
                by_converter[conv] = (n, d.day)
        if d.judged and (rate is None or d.qualified / d.judged > rate[0]):
            rate = (d.qualified / d.judged, d.day)
    return RecordBests(heats, by_converter, rate)

SCOPES = [EVERYTHING, Scope(converter="2"), Scope(shift="evening"), Scope(grade="Q235B"),
          Scope(converter="1", shift="day")]


def demo_month(store: Store) -> Period:
    span = store.date_span()
    assert span is not None
    return Period.custom(*span)


@pytest.mark.parametrize("scope", SCOPES)
def test_the_chemistry_of_every_grade_at_once_is_each_pair_read_alone(demo: Store, scope: Scope) -> None:
    period = demo_month(demo)
    tr.freeze_imr_limits(demo, scope, "Q235B", "P", period)  # a frozen chart among them
    grades = [row.keys["grade"] for row in tr.trends(demo, period, scope).by_grade]
    assert grades  # the scope made heats
    together = tr.chemistries(demo, period, scope, grades)
    alone = [tr.chemistry(demo, period, scope, grade, element)
             for grade in grades for element in tr.chemistry_elements(demo, grade, period.date_to)]
    assert [(c.grade, c.element) for c in together] == [(c.grade, c.element) for c in alone]
    assert len(together) >= 5  # at least one grade's five elements
    for mine, theirs in zip(together, alone, strict=True):
        assert mine.points == theirs.points
        assert mine.chart == theirs.chart
        assert (mine.frozen, mine.standard, mine.spec_min, mine.spec_max) == (
            theirs.frozen, theirs.standard, theirs.spec_min, theirs.spec_max)
        assert mine.capability == theirs.capability
        assert mine.conformance == theirs.conformance
    frozen = [c for c in together if c.frozen is not None]
    assert [(c.grade, c.element) for c in frozen] == ([("Q235B", "P")] if "Q235B" in grades else [])


def test_a_grade_without_an_edition_in_force_has_no_chemistry(demo: Store) -> None:
    period = demo_month(demo)
    assert tr.chemistries(demo, period, EVERYTHING, ["no such grade"]) == []
    assert tr.chemistries(demo, Period.custom(date(2090, 1, 1), date(2090, 1, 31)), EVERYTHING,
                          ["Q235B"])[0].points == ()


@pytest.mark.parametrize("scope", SCOPES)
def test_the_analysis_of_every_pair_at_once_is_each_pair_read_alone(demo: Store, scope: Scope) -> None:
    period = demo_month(demo)
    series = demo.analysis_series(period.date_from, period.date_to, scope)
    pairs = {(g, lim.element) for g in demo.grades() for s in demo.standards(g) for lim in s.limits}
    assert set(series) <= pairs
    read = 0
    for grade, element in sorted(pairs):
        if scope.grade not in (None, grade):
            continue
        alone = demo.analysis_values(period.date_from, period.date_to, grade, element,
                                     Scope(scope.converter, scope.shift, grade))
        assert series.get((grade, element), []) == alone
        read += len(alone)
    assert read == sum(len(v) for v in series.values()) > 0


def test_frozen_imr_limits_at_once_are_each_chart_read_alone(demo: Store) -> None:
    period = demo_month(demo)
    for scope, grade, element in ((EVERYTHING, "Q235B", "P"), (EVERYTHING, "Q235B", "C"),
                                  (Scope(converter="2"), "Q235B", "P")):
        tr.freeze_imr_limits(demo, scope, grade, element, period)
    assert sorted(demo.frozen_imr_limits(EVERYTHING)) == [("Q235B", "C"), ("Q235B", "P")]
    for scope in (EVERYTHING, Scope(converter="2"), Scope(shift="day")):
        found = demo.frozen_imr_limits(scope)
        for (grade, element), limits in found.items():
            assert limits == demo.control_limits(ChartKey.imr(scope, grade, element))
        assert len(found) == {EVERYTHING: 2, Scope(converter="2"): 1, Scope(shift="day"): 0}[scope]


@pytest.mark.parametrize("scope", SCOPES)
def test_the_days_of_the_records_are_the_heat_counts_and_the_rates_sums(demo: Store, scope: Scope) -> None:
    period = demo_month(demo)
    by_day = {date.fromisoformat(k["date"]): s
              for k, s in demo.rate_sums(period.date_from, period.date_to, ("day",), scope)}
    assert by_day
    weighed = demo.record_days(period.date_from, period.date_to, "weight", scope)
    counted = demo.record_days(period.date_from, period.date_to, "count", scope)
    assert [(d.day, d.qualified, d.judged) for d in weighed] == [
        (d, s.weight_qualified_kg, s.weight_judged_kg) for d, s in sorted(by_day.items())]
    assert [(d.day, d.qualified, d.judged) for d in counted] == [
        (d, s.ingots_qualified, s.ingots_judged) for d, s in sorted(by_day.items())]
    assert all(isinstance(n, int) for d in counted for n in (d.qualified, d.judged))
    made = [(d.day, conv, n) for d in weighed for conv, n in d.heats]
    assert made == demo.heat_counts(period.date_from, period.date_to, scope)
    assert [d.heats for d in counted] == [d.heats for d in weighed]
    assert sum(n for _d, _c, n in made) == sum(s.heats for s in by_day.values())


def test_the_days_of_the_records_know_only_two_bases(demo: Store) -> None:
    with pytest.raises(InputError):
        demo.record_days(date(1959, 2, 1), date(1959, 2, 28), "heats")


def test_the_daily_reports_records_from_one_pass_are_those_read_one_by_one(demo: Store) -> None:
    first, last = demo_month(demo).date_from, demo_month(demo).date_to
    for before in (first, first + timedelta(days=1), date(1959, 2, 15), last, date(1960, 1, 1)):
        found = bests_before(demo, before)
        assert found == bests_of(demo.record_days(date.min, before - timedelta(days=1)))
        assert found.heats == demo.most_heats_in_a_day(before)
        assert found.heats_by_converter == demo.most_heats_per_converter(before)
        assert found.rate == demo.best_daily_rate(before)
    assert bests_before(demo, first) == RecordBests(None, {}, None)
    assert bests_before(demo, date.min) == RecordBests(None, {}, None)
    heats = {r.keys["date"]: r.sums.heats for r in demo.rates(first, last, ("day",)).rows}
    most = max(n for d, n in heats.items() if d < last.isoformat())
    earliest = min(d for d, n in heats.items() if n == most)
    found = demo.record_bests(first, last - timedelta(days=1))
    assert found.heats == (most, date.fromisoformat(earliest))


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("basis", ["weight", "count"])
def test_the_records_of_a_span_in_one_pass_are_those_of_its_days(demo: Store, scope: Scope,
                                                                  basis: str) -> None:
    first, last = demo_month(demo).date_from, demo_month(demo).date_to
    for frm, to in ((date.min, last), (first, date(1959, 2, 10)), (date(1959, 2, 11), last), (last, last),
                    (date(1960, 1, 1), date(1960, 12, 31))):
        assert demo.record_bests(frm, to, basis, scope) == bests_of(demo.record_days(frm, to, basis, scope))


def test_the_records_of_two_spans_are_those_of_both_the_later_taking_one_only_by_being_greater(
        demo: Store) -> None:
    first, last = demo_month(demo).date_from, demo_month(demo).date_to
    whole = demo.record_bests(date.min, last)
    for cut in (first, date(1959, 2, 2), date(1959, 2, 3), date(1959, 2, 15), last, last + timedelta(days=1)):
        earlier = demo.record_bests(date.min, cut - timedelta(days=1))
        later = demo.record_bests(cut, last)
        assert earlier.then(later) == whole, cut
    empty = RecordBests(None, {}, None)
    assert empty.then(whole) == whole == whole.then(empty)


def test_an_ingot_failing_its_product_analysis_is_not_qualified_in_the_records_either(demo: Store) -> None:
    day = date(1959, 2, 2)
    heat, ingot = next((h, i) for h in demo.heats(day, day) if h.chem_status.value == "conforms"
                       for i in demo.ingots(h.heat_no)
                       if i.disposition.value == "accepted" and not i.product_fails)
    demo.add_sample(heat.heat_no, "product", {"C": 0.9}, sample_no="P-records", ingot_no=ingot.ingot_no,
                    taken_at=heat.tapped_at + timedelta(hours=2), reason="a drilling checked for the records")
    assert next(i for i in demo.ingots(heat.heat_no) if i.ingot_no == ingot.ingot_no).product_fails
    sums = demo.rate_sums(day, day)[0][1]
    assert sums.ingots_failing_product_analysis >= 1
    weighed, = demo.record_days(day, day, "weight")
    counted, = demo.record_days(day, day, "count")
    assert (weighed.qualified, weighed.judged) == (sums.weight_qualified_kg, sums.weight_judged_kg)
    assert (counted.qualified, counted.judged) == (sums.ingots_qualified, sums.ingots_judged)
    rate = sums.weight_qualified_kg / sums.weight_judged_kg
    assert demo.record_bests(day, day).rate == (rate, day)
    assert demo.record_bests(day, day, "count").rate == (sums.ingots_qualified / sums.ingots_judged, day)


def records_day_by_day(store: Store, period: Period, scope: Scope, *, plans: dict[str, Plan], basis: str,
                       last_day: date | None) -> tuple[tr.Record, ...]:
    """The records as the trends found them before they read the days before the period apart:
    every day up to the period's end from `Store.record_days`, one day at a time."""
    span = store.date_span()
    if span is None or span[0] > period.date_to:
        return ()
    made = store.record_days(span[0], period.date_to, "weight", scope)
    if not made:
        return ()
    by_weight = {m.day: (m.qualified, m.judged) for m in made}
    judged = {m.day: (m.qualified, m.judged)
              for m in store.record_days(span[0], period.date_to, basis, scope)}
    found: list[tr.Record] = []
    best: tuple[int, date, str] | None = None
    last_best: tuple[int, str] | None = None
    for day, conv, n in ((m.day, conv, n) for m in made for conv, n in m.heats):
        if day == last_day:
            if last_best is None or n > last_best[0] or (n == last_best[0] and conv < last_best[1]):
                last_best = (n, conv)
        elif best is None or n > best[0]:
            best = (n, day, conv)
    found.extend(tr._record(tr.RecordKind.MOST_HEATS, best, last_best, last_day))
    ordered = sorted(by_weight)
    rates = {d: judged[d][0] / judged[d][1] for d in ordered if judged[d][1]}
    best_rate: tuple[float, date, str] | None = None
    for d in ordered:
        if d in rates and d != last_day and (best_rate is None or rates[d] > best_rate[0]):
            best_rate = (rates[d], d, "")
    last_rate = (rates[last_day], "") if last_day in rates and last_day is not None else None
    found.extend(tr._record(tr.RecordKind.BEST_DAY, best_rate, last_rate, last_day))
    flags: list[bool | None] = []
    for d in ordered:
        target = tr.target_on(plans, d)
        rate = by_weight[d][0] / by_weight[d][1] if by_weight[d][1] else None
        flags.append(None if rate is None else (target is not None and rate >= target))
    length, start, end = spc.longest_run(flags)
    if length:
        before = spc.longest_run([f for d, f in zip(ordered, flags, strict=True) if d != last_day])
        ends_last = last_day is not None and ordered[end] == last_day
        found.append(tr.Record(tr.RecordKind.LONGEST_RUN, length, ordered[start], ordered[end], None,
                               ends_last and length > before[0],
                               (before[0] or None) if ends_last and length > before[0] else None))
    return tuple(found)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("basis", ["weight", "count"])
def test_the_trends_records_are_those_found_day_by_day(demo: Store, scope: Scope, basis: str) -> None:
    month = demo_month(demo)
    periods = [month, Period.custom(month.date_from, date(1959, 2, 10)),
               Period.custom(date(1959, 2, 11), date(1959, 2, 20)),
               Period.custom(date(1959, 2, 2), date(1959, 2, 2)),
               Period.custom(date(1958, 1, 1), date(1958, 12, 31)),
               Period.custom(date(1959, 3, 1), date(1960, 3, 1))]
    for with_plans in (False, True):
        if with_plans:  # a target rate for the month, and one for the quarter holding it
            demo.set_plan("1959-02", output_t=None, ingot_rate=0.95)
            demo.set_plan("1959-Q1", output_t=1000.0, ingot_rate=0.9)
        for period in periods:
            t = tr.trends(demo, period, scope, basis=basis)
            plans = {p.period: p for p in demo.plans()}
            assert t.records == records_day_by_day(demo, period, scope, plans=plans, basis=basis,
                                                   last_day=t.last_day), (period, with_plans)
            assert t.records == tr.records(demo, period, scope, plans=plans, basis=basis, last_day=t.last_day)
    assert any(r.kind is tr.RecordKind.LONGEST_RUN for r in tr.trends(demo, month, basis=basis).records)
