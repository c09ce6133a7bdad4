"""What the period report reads in one statement equals what it read a piece at a time (issue 17).

The period report asks for the chemistry of every grade and element of a period at once
(`trends.chemistries`, over `Store.analysis_series` and `Store.frozen_imr_limits`), and the
records (of the trends and of the daily report) read every day ever made in one pass: the heats
of each converter and two sums a day (`Store.record_days`). Each is checked here, on the demo
month, against the reading it replaces: `trends.chemistry` one pair at a time,
`Store.analysis_values`, `Store.control_limits`, `Store.heat_counts`, `Store.rate_sums` by day,
and the daily report's `Store.most_heats_in_a_day`, `most_heats_per_converter` and
`best_daily_rate`.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from qcdesk import trends as tr
from qcdesk.errors import InputError
from qcdesk.model import EVERYTHING, ChartKey, Scope
from qcdesk.store import Store
from qcdesk.trends import Period
from reports.data import Bests, bests_of

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
        found = bests_of(demo.record_days(date.min, before - timedelta(days=1)))
        assert found.heats == demo.most_heats_in_a_day(before)
        assert found.heats_by_converter == demo.most_heats_per_converter(before)
        assert found.rate == demo.best_daily_rate(before)
    assert bests_of(demo.record_days(date.min, first - timedelta(days=1))) == Bests(None, {}, None)
    heats = {r.keys["date"]: r.sums.heats for r in demo.rates(first, last, ("day",)).rows}
    most = max(n for d, n in heats.items() if d < last.isoformat())
    earliest = min(d for d, n in heats.items() if n == most)
    found = bests_of(demo.record_days(first, last - timedelta(days=1)))
    assert found.heats == (most, date.fromisoformat(earliest))
