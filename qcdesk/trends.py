"""Quality trends for workshop heads: are we getting better or worse, where, and why.

Everything here is computed from the store's sums and the statistics of `qcdesk.spc`, for
a period and a scope (one converter, shift or grade, or all of them):

- the rate trend per day, week or month, with the plan's target, and the p-chart of the
  non-qualified fraction by count (DOMAIN.md), limits recomputed or frozen from a baseline;
- comparisons by converter, shift and grade, each with the judged ingots behind it;
- the defect Pareto by count and by weight of the ingots affected;
- the chemistry of one grade's element: I-MR chart, spec limits, conformance, Cp/Cpk;
- output against the quarter's plan, and what each remaining day must average;
- the records: most heats by one converter in a day, best daily rate, longest run of days
  at or above the target, each marked new when the period's last day set it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from qcdesk import spc
from qcdesk.cells import SafeWriter
from qcdesk.errors import InputError
from qcdesk.i18n import N_, _
from qcdesk.model import EVERYTHING, AnalysisPoint, ChartKey, ControlLimits, Scope, Standard
from qcdesk.rates import RateRow, Rates, RateSums
from qcdesk.standards import in_force
from qcdesk.store import DefectCount, Plan, Store
from qcdesk.store.queries import RecordBests

# ------------------------------------------------------------------ periods


class Span(StrEnum):
    LAST_30_DAYS = "last30"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


SPAN_NAMES = {Span.LAST_30_DAYS: N_("Last 30 days"), Span.MONTH: N_("Month"), Span.QUARTER: N_("Quarter"),
              Span.YEAR: N_("Year"), Span.CUSTOM: N_("Custom")}


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the quarter a day is in."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, _month_end(date(first.year, first.month + 2, 1))


def _month_end(day: date) -> date:
    return (date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1))


def quarter_name(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# A period lies within these days: nothing was tapped before 1900 (the tap times' own bound),
# and the weeks and quarters of the calendar's last year would run past its end.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def _check_day(day: date) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InputError(_("period"), _("{day} is outside the years 1900 to 9998: a typing mistake?").format(
            day=day.isoformat()))
    return day


@dataclass(frozen=True)
class Period:
    """Production dates date_from..date_to, both included."""

    date_from: date
    date_to: date
    span: Span = Span.CUSTOM

    @classmethod
    def of(cls, span: Span | str, day: date, day_to: date | None = None) -> Period:
        """The period of a kind containing (or, for the last 30 days, ending on) a day; a
        custom period runs from `day` to `day_to`."""
        span = Span(span)
        if span is not Span.CUSTOM:
            _check_day(day)
        if span is Span.LAST_30_DAYS:
            return cls(day - timedelta(days=29), day, span)
        if span is Span.MONTH:
            return cls(day.replace(day=1), _month_end(day), span)
        if span is Span.QUARTER:
            return cls(*quarter_of(day), span)
        if span is Span.YEAR:
            return cls(date(day.year, 1, 1), date(day.year, 12, 31), span)
        return cls.custom(day, day_to if day_to is not None else day)

    @classmethod
    def custom(cls, date_from: date, date_to: date) -> Period:
        _check_day(date_from)
        _check_day(date_to)
        if date_to < date_from:
            raise InputError(_("to"), _("{to} is before {frm}").format(to=date_to, frm=date_from))
        return cls(date_from, date_to, Span.CUSTOM)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def label(self) -> str:
        if self.span is Span.MONTH:
            return self.date_from.strftime("%Y-%m")
        if self.span is Span.QUARTER:
            return quarter_name(self.date_from)
        if self.span is Span.YEAR:
            return str(self.date_from.year)
        return f"{self.date_from.isoformat()} – {self.date_to.isoformat()}"


class Grain(StrEnum):
    """How finely the trend is cut: a point per day, week (ISO, from Monday) or month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @classmethod
    def auto(cls, period: Period) -> Grain:
        """Days up to a quarter, weeks up to a year, months beyond."""
        if period.days <= 92:
            return cls.DAY
        return cls.WEEK if period.days <= 366 else cls.MONTH


GRAIN_NAMES = {Grain.DAY: N_("by day"), Grain.WEEK: N_("by week"), Grain.MONTH: N_("by month")}


def bucket_key(day: date, grain: Grain) -> str:
    if grain is Grain.DAY:
        return day.isoformat()
    if grain is Grain.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.strftime("%Y-%m")


def bucket_start(day: date, grain: Grain) -> date:
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_end(day: date, grain: Grain) -> date:
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return bucket_start(day, grain) + timedelta(days=6)
    return _month_end(day)


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class Bucket:
    """One point of the trend: the days first..last (within the period) and their sums."""

    key: str
    first: date
    last: date
    sums: RateSums
    rates: Rates
    target: float | None  # the plan's target ingot qualified rate in force (by weight)

    @property
    def judged(self) -> int:
        """n of the p-chart: judged ingots of checked heats."""
        return self.sums.ingots_judged

    @property
    def not_qualified(self) -> int:
        return self.sums.ingots_judged - self.sums.ingots_qualified

    def rate(self, basis: str) -> float | None:
        rates = self.rates
        return rates.ingot_qualified_rate if basis == "weight" else rates.ingot_qualified_rate_by_count


@dataclass(frozen=True)
class DefectBar:
    """A Pareto bar: the ingots a defect was found on (each once per defect), their weight,
    and the bar's share and cumulative share of the measure the Pareto is sorted by."""

    code: str
    name_en: str
    name_zh: str
    ingots: int
    weight_kg: float
    share: float
    cumulative: float


@dataclass(frozen=True)
class MonthProgress:
    month: str  # YYYY-MM
    plan_t: float | None
    target_rate: float | None
    output_t: float
    rate: float | None  # ingot qualified rate by weight, the month to date


@dataclass(frozen=True)
class PlanProgress:
    """The quarter holding the period's last day: output to date against the plan (the whole
    workshop's, whatever the scope: plans are not set per converter, shift or grade)."""

    quarter: str
    first: date
    last: date
    as_of: date  # output counted up to and including this day
    plan_t: float | None
    target_rate: float | None
    cumulative: tuple[tuple[date, float], ...]  # each day of the quarter to as_of: tonnes so far
    output_t: float
    rate: float | None  # ingot qualified rate by weight, the quarter to date
    months: tuple[MonthProgress, ...]

    @property
    def remaining_t(self) -> float | None:
        return None if self.plan_t is None else max(0.0, self.plan_t - self.output_t)

    @property
    def days_left(self) -> int:
        """Days of the quarter after as_of."""
        return max(0, (self.last - self.as_of).days)

    @property
    def needed_per_day_t(self) -> float | None:
        """What each remaining day must average to meet the plan (0 once it is met); None
        without a plan, or with no day left and the plan not met."""
        remaining = self.remaining_t
        if remaining is None:
            return None
        if remaining == 0:
            return 0.0
        return remaining / self.days_left if self.days_left else None

    def planned_by(self, day: date) -> float | None:
        """The plan line: the quarter's tonnes spread evenly over its days, up to `day`."""
        if self.plan_t is None:
            return None
        days = (self.last - self.first).days + 1
        return self.plan_t * ((day - self.first).days + 1) / days


class RecordKind(StrEnum):
    MOST_HEATS = "most_heats"  # by one converter in a day
    BEST_DAY = "best_day"  # best daily ingot qualified rate
    LONGEST_RUN = "longest_run"  # of days at or above the target


RECORD_NAMES = {RecordKind.MOST_HEATS: N_("Most heats by one converter in a day"),
                RecordKind.BEST_DAY: N_("Best daily ingot qualified rate"),
                RecordKind.LONGEST_RUN: N_("Longest run of days at or above target")}


@dataclass(frozen=True)
class Record:
    """A record over every day up to the period's end, under the scope: its value (heats,
    a rate, or days), when it was first reached (a run: its first and last day), and whether
    the period's last production day set it (beat every day before)."""

    kind: RecordKind
    value: float
    first: date
    last: date
    converter: str | None  # the converter of a most-heats record
    new: bool
    previous: float | None  # the record before the last day (for "new", what it beat)


@dataclass(frozen=True)
class Trends:
    period: Period
    scope: Scope
    grain: Grain
    basis: str  # the leading basis of the rate trend: weight or count
    buckets: tuple[Bucket, ...]
    total: RateRow
    target: float | None  # the target of the period's last day (for the trend's line)
    p_chart: spc.PChart  # one point per bucket, by count
    frozen: ControlLimits | None  # the p-chart's limits, if frozen from a baseline
    by_converter: tuple[RateRow, ...]
    by_shift: tuple[RateRow, ...]
    by_grade: tuple[RateRow, ...]
    pareto_by_count: tuple[DefectBar, ...]
    pareto_by_weight: tuple[DefectBar, ...]
    plan: PlanProgress | None
    records: tuple[Record, ...]
    last_day: date | None  # the period's last production date with a heat


@dataclass(frozen=True)
class Chemistry:
    grade: str
    element: str
    period: Period
    scope: Scope
    points: tuple[AnalysisPoint, ...]
    frozen: ControlLimits | None
    standard: Standard | None  # the edition in force on the period's last day
    spec_min: float | None
    spec_max: float | None
    capability: spc.Capability
    conformance: tuple[Bucket, ...]  # chemistry conformance of the grade per bucket
    rules: tuple[spc.Rule | int, ...] = spc.ALL_RULES  # judged on the chart

    @cached_property
    def chart(self) -> spc.IMRChart:
        """The I-MR chart of the values, made when first asked for (the period report draws one
        element's of each grade); `chemistry` makes it before it returns."""
        frozen = self.frozen
        return spc.imr_chart([p.value for p in self.points], frozen.centre if frozen else None,
                             frozen.spread if frozen else None, self.rules)


# ------------------------------------------------------------------ computing


def trends(store: Store, period: Period, scope: Scope = EVERYTHING, *, grain: Grain | None = None,
           basis: str = "weight", rules: Collection[spc.Rule | int] = spc.ALL_RULES) -> Trends:
    """Everything the trends view shows but the chemistry, for a period and scope."""
    grain = grain or Grain.auto(period)
    if basis not in ("weight", "count"):
        raise InputError("basis", _("the basis is weight or count"))
    with ThreadPoolExecutor(2, "qcdesk-trends") as pool:
        # read at the same time, each on a connection of its own: the records of the days before
        # the period (a pass over every heat ever made), and over long periods the Pareto (a walk
        # over the defects: the ten-year view takes 0.7 s instead of 1.2 s)
        earlier = pool.submit(_read_bests, store, period, scope, basis)
        pareto = pool.submit(_read_pareto, store, period, scope) if period.days > _LONG else None
        plans = {p.period: p for p in store.plans()}
        days = day_sums(store, period, scope)
        buckets = buckets_of(days, period, grain, plans)
        frozen = store.control_limits(ChartKey.p(scope))
        chart = p_chart(buckets, frozen, rules)
        groups = breakdown(store, period, scope)
        counts = pareto.result() if pareto else store.defect_pareto(period.date_from, period.date_to, scope)
        in_period = [d for d in days if period.date_from <= d <= period.date_to]
        last_day = max(in_period) if in_period else None
        found = records(store, period, scope, plans=plans, basis=basis, last_day=last_day,
                        earlier=earlier.result())
    by_count, by_weight = defect_pareto(counts)
    total = sum((days[d] for d in in_period), RateSums())
    return Trends(
        period, scope, grain, basis, buckets, RateRow.of({}, total), target_on(plans, period.date_to), chart,
        frozen, *groups, by_count, by_weight, plan_progress(store, period, plans, scope, days), found,
        last_day)


_LONG = 92  # days: beyond, trends() reads the Pareto on a second connection


def _read_pareto(store: Store, period: Period, scope: Scope) -> list[DefectCount]:
    with store.reader() as reader:
        return reader.defect_pareto(period.date_from, period.date_to, scope)


def _read_bests(store: Store, period: Period, scope: Scope, basis: str) -> RecordBests:
    with store.reader() as reader:
        return _bests_before(reader, period, scope, basis)


def _bests_before(store: Store, period: Period, scope: Scope, basis: str) -> RecordBests:
    """The records of the days before the period (`Store.record_bests`)."""
    return store.record_bests(date.min, period.date_from - timedelta(days=1), basis, scope)


def day_sums(store: Store, period: Period, scope: Scope) -> dict[date, RateSums]:
    """The sums of every production date with heats, under the scope, from the start of the
    period or of the quarter holding its end, whichever comes first, to its end: what the
    buckets, the total and the plan's progress add up. (The records look at every day ever
    made, and read only the two sums they compare: `records`.)"""
    first = min(period.date_from, quarter_of(period.date_to)[0])
    return {date.fromisoformat(keys["date"]): sums
            for keys, sums in store.rate_sums(first, period.date_to, ("day",), scope)}


def target_on(plans: dict[str, Plan], day: date) -> float | None:
    """The target ingot qualified rate in force on a day: its month's, else its quarter's."""
    for key in (day.strftime("%Y-%m"), quarter_name(day)):
        plan = plans.get(key)
        if plan is not None and plan.ingot_rate is not None:
            return plan.ingot_rate
    return None


def buckets_of(days: dict[date, RateSums], period: Period, grain: Grain,
               plans: dict[str, Plan]) -> tuple[Bucket, ...]:
    """One bucket per day, week or month of the period, with nothing made or not; each
    clipped to the period."""
    out = []
    start = period.date_from
    while start <= period.date_to:
        end = min(bucket_end(start, grain), period.date_to)
        found = [days[day] for day in _dates(start, end) if day in days]
        # a day's sums alone are the bucket's as they are (nothing + x is x): a quarter by day adds nothing
        sums = found[0] if len(found) == 1 else sum(found, RateSums())
        out.append(Bucket(bucket_key(start, grain), start, end, sums, Rates.of(sums), target_on(plans, end)))
        start = end + timedelta(days=1)
    return tuple(out)


def _dates(first: date, last: date) -> Iterator[date]:
    """Every date from first to last, both included."""
    for n in range(first.toordinal(), last.toordinal() + 1):
        yield date.fromordinal(n)


def p_chart(buckets: Sequence[Bucket], frozen: ControlLimits | None,
            rules: Collection[spc.Rule | int] = spc.ALL_RULES) -> spc.PChart:
    """The p-chart of the buckets' non-qualified fraction by count: centre p̄ of the period
    shown, or the frozen one."""
    return spc.p_chart([(b.judged, b.not_qualified) for b in buckets],
                       frozen.centre if frozen is not None else None, rules)


def breakdown(store: Store, period: Period,
              scope: Scope) -> tuple[tuple[RateRow, ...], tuple[RateRow, ...], tuple[RateRow, ...]]:
    """Rates by converter, by shift and by grade, from one pass over the period's heats."""
    fine = store.rate_sums(period.date_from, period.date_to, ("converter", "shift", "grade"), scope)
    schedule = {s.code: s.seq for s in store.shifts()}
    orders = {"converter": lambda code: (len(code), code),  # converters 1, 2, …, 10
              "shift": lambda code: (schedule.get(code, len(schedule)), code),  # as the schedule runs
              "grade": lambda code: (0, code)}
    result = []
    for field in ("converter", "shift", "grade"):
        summed: dict[str, RateSums] = {}
        for keys, sums in fine:
            summed[keys[field]] = summed.get(keys[field], RateSums()) + sums
        ordered = sorted(summed, key=orders[field])
        result.append(tuple(RateRow.of({field: key}, summed[key]) for key in ordered))
    return result[0], result[1], result[2]


def defect_pareto(counts: Sequence[DefectCount]) -> tuple[tuple[DefectBar, ...], tuple[DefectBar, ...]]:
    """The Pareto by count of ingots and by their weight, each with its cumulative share."""
    found = {c.code: c for c in counts}

    def bars(measure: Iterable[tuple[str, float]]) -> tuple[DefectBar, ...]:
        return tuple(DefectBar(b.key, found[b.key].name_en, found[b.key].name_zh, found[b.key].ingots,
                               found[b.key].weight_kg, b.share, b.cumulative)
                     for b in spc.pareto(list(measure)))

    return bars((c.code, c.ingots) for c in counts), bars((c.code, c.weight_kg) for c in counts)


def plan_progress(store: Store, period: Period, plans: dict[str, Plan], scope: Scope,
                  days: dict[date, RateSums]) -> PlanProgress:
    """Output of the quarter holding the period's end, up to that end or today, whichever
    comes first, against the quarter's plan."""
    first, last = quarter_of(period.date_to)
    # counted up to the period's end or today; the day before the quarter if it has not begun
    as_of = max(first - timedelta(days=1), min(period.date_to, store.today()))
    if not scope.everything:  # plans are the whole workshop's
        days = {date.fromisoformat(k["date"]): s for k, s in store.rate_sums(first, period.date_to, ("day",))}
    made = sorted(d for d in days if first <= d <= as_of)
    cumulative, running = [], 0.0
    day = first
    while day <= as_of:
        running += days[day].output_t if day in days else 0.0
        cumulative.append((day, running))
        day += timedelta(days=1)
    quarter_sums = sum((days[d] for d in made), RateSums())
    months = []
    for m in range(3):
        month_first = date(first.year, first.month + m, 1)
        key = month_first.strftime("%Y-%m")
        sums = sum((days[d] for d in made if d.strftime("%Y-%m") == key), RateSums())
        plan = plans.get(key)
        months.append(MonthProgress(key, plan.output_t if plan else None, plan.ingot_rate if plan else None,
                                    sums.output_t, Rates.of(sums).ingot_qualified_rate))
    plan = plans.get(quarter_name(first))
    return PlanProgress(quarter_name(first), first, last, as_of, plan.output_t if plan else None,
                        plan.ingot_rate if plan else None, tuple(cumulative), quarter_sums.output_t,
                        Rates.of(quarter_sums).ingot_qualified_rate, tuple(months))


def records(store: Store, period: Period, scope: Scope, *, plans: dict[str, Plan], basis: str,
            last_day: date | None, earlier: RecordBests | None = None) -> tuple[Record, ...]:
    """The records over every day up to the period's end; new when the period's last
    production day set them. `earlier`: the records of the days before the period, if read
    already (`trends` reads them at the same time as the period)."""
    if earlier is None:
        earlier = _bests_before(store, period, scope, basis)
    # the days before the last one: those before the period, then the period's own; and the last alone
    if last_day is None:
        bests, last = earlier, None
    else:
        bests = earlier.then(store.record_bests(period.date_from, last_day - timedelta(days=1), basis, scope))
        last = store.record_days(last_day, last_day, basis, scope)[0]
    if bests.heats is None and last is None:
        return ()  # nothing made up to the period's end
    found: list[Record] = []

    # the most heats of one converter in a day: the first reached, a converter earlier in the list
    # on the same day; on the last day the most, a converter of a smaller code on a tie
    order = {code: i for i, (_id, code) in enumerate(sorted((c.id, c.code) for c in store.converters()))}
    best: tuple[int, date, str] | None = None
    if bests.heats_by_converter:
        conv, (n, day) = min(bests.heats_by_converter.items(),
                             key=lambda item: (-item[1][0], item[1][1], order.get(item[0], len(order))))
        best = (n, day, conv)
    last_best: tuple[int, str] | None = None
    for conv, n in last.heats if last else ():
        if last_best is None or n > last_best[0] or (n == last_best[0] and conv < last_best[1]):
            last_best = (n, conv)
    found.extend(_record(RecordKind.MOST_HEATS, best, last_best, last_day))

    best_rate = (bests.rate[0], bests.rate[1], "") if bests.rate else None
    last_rate = (last.qualified / last.judged, "") if last and last.judged else None
    found.extend(_record(RecordKind.BEST_DAY, best_rate, last_rate, last_day))

    run = _longest_run(store, period, scope, plans=plans, last_day=last_day)
    if run is not None:
        found.append(run)
    return tuple(found)


def _longest_run(store: Store, period: Period, scope: Scope, *, plans: dict[str, Plan],
                 last_day: date | None) -> Record | None:
    """The longest run of production days at or above the target, up to the period's end. A run
    counts production days with a judged rate and a target; a day with a rate but no target, or
    below it, ends it (the target is by weight, as the plan is set): without a target rate in any
    plan there is none, and the days are not read."""
    if all(p.ingot_rate is None for p in plans.values()):
        return None
    by_weight = {m.day: (m.qualified, m.judged)
                 for m in store.record_days(date.min, period.date_to, "weight", scope)}
    ordered = sorted(by_weight)
    flags: list[bool | None] = []
    targets: dict[tuple[int, int], float | None] = {}  # by month: the same for each of its days
    for d in ordered:
        if (d.year, d.month) not in targets:
            targets[d.year, d.month] = target_on(plans, d)
        target = targets[d.year, d.month]
        qualified_kg, judged_kg = by_weight[d]
        rate = qualified_kg / judged_kg if judged_kg else None
        flags.append(None if rate is None else (target is not None and rate >= target))
    length, start, end = spc.longest_run(flags)
    if not length:
        return None
    before = spc.longest_run([f for d, f in zip(ordered, flags, strict=True) if d != last_day])
    ends_last = last_day is not None and ordered[end] == last_day
    return Record(RecordKind.LONGEST_RUN, length, ordered[start], ordered[end], None,
                  ends_last and length > before[0],
                  (before[0] or None) if ends_last and length > before[0] else None)


def _record(kind: RecordKind, before: tuple[float, date, str] | None, on_last: tuple[float, str] | None,
            last_day: date | None) -> list[Record]:
    """The record from the best before the last day and the best on it; none when no day has
    a figure (every ingot still awaiting chemistry, say)."""
    if on_last is not None and last_day is not None and (before is None or on_last[0] > before[0]):
        return [Record(kind, on_last[0], last_day, last_day, on_last[1] or None, True,
                       before[0] if before else None)]
    if before is None:
        return []
    return [Record(kind, before[0], before[1], before[1], before[2] or None, False, None)]


# ------------------------------------------------------------------ chemistry


def chemistry_elements(store: Store, grade: str, on: date) -> list[str]:
    """The elements the grade's edition in force on a day limits."""
    standard = store.standard_in_force(grade, on)
    return [lim.element for lim in standard.limits] if standard else []


def chemistry(store: Store, period: Period, scope: Scope, grade: str, element: str, *,
              grain: Grain | None = None, rules: Collection[spc.Rule | int] = spc.ALL_RULES) -> Chemistry:
    """The I-MR chart of a grade's element over the period, against the limits of the
    edition in force on its last day, with Cp/Cpk and the grade's conformance per bucket."""
    grain = grain or Grain.auto(period)
    scoped = Scope(scope.converter, scope.shift, grade)
    points = store.analysis_values(period.date_from, period.date_to, grade, element, scoped)
    frozen = store.control_limits(ChartKey.imr(scope, grade, element))
    standard = in_force(store.standards(grade), period.date_to)
    days = {date.fromisoformat(k["date"]): s
            for k, s in store.rate_sums(period.date_from, period.date_to, ("day",), scoped)}
    plans = {p.period: p for p in store.plans()}
    found = _chemistry_of(grade, element, period, scope, points, frozen=frozen, standard=standard,
                          conformance=buckets_of(days, period, grain, plans), rules=rules)
    found.chart  # noqa: B018 - made here (a worker thread of the desktop), not where it is drawn
    return found


def chemistries(store: Store, period: Period, scope: Scope, grades: Iterable[str], *,
                grain: Grain | None = None,
                rules: Collection[spc.Rule | int] = spc.ALL_RULES) -> list[Chemistry]:
    """What `chemistry` gives for each of the grades (in the order given) and each element its
    edition in force on the period's last day limits (in the edition's order), read in a few
    statements for all of them at once (the period report shows every pair)."""
    grain = grain or Grain.auto(period)
    within = Scope(scope.converter, scope.shift)  # every grade: each is picked below
    editions: dict[str, list[Standard]] = defaultdict(list)
    for edition in store.standards():
        editions[edition.grade].append(edition)
    series = store.analysis_series(period.date_from, period.date_to, within)
    frozen = store.frozen_imr_limits(scope)
    plans = {p.period: p for p in store.plans()}
    days: dict[str, dict[date, RateSums]] = defaultdict(dict)
    for keys, sums in store.rate_sums(period.date_from, period.date_to, ("day", "grade"), within):
        days[keys["grade"]][date.fromisoformat(keys["date"])] = sums
    found = []
    for grade in grades:
        standard = in_force(editions.get(grade, ()), period.date_to)
        if standard is None:
            continue
        conformance = buckets_of(days[grade], period, grain, plans)  # the grade's, for each element
        found += [_chemistry_of(grade, limit.element, period, scope, series.get((grade, limit.element), []),
                                frozen=frozen.get((grade, limit.element)), standard=standard,
                                conformance=conformance, rules=rules)
                  for limit in standard.limits]
    return found


def _chemistry_of(grade: str, element: str, period: Period, scope: Scope, points: Sequence[AnalysisPoint], *,
                  frozen: ControlLimits | None, standard: Standard | None, conformance: tuple[Bucket, ...],
                  rules: Collection[spc.Rule | int]) -> Chemistry:
    limit = next((lim for lim in standard.limits if lim.element == element), None) if standard else None
    lsl, usl = (limit.min_pct, limit.max_pct) if limit else (None, None)
    return Chemistry(grade, element, period, scope, tuple(points), frozen, standard, lsl, usl,
                     spc.capability([p.value for p in points], lsl, usl), conformance, tuple(rules))


# ------------------------------------------------------------------ baselines


def freeze_p_limits(store: Store, scope: Scope, baseline: Period) -> ControlLimits:
    """Freeze the p-chart's centre at p̄ of a baseline period (by count); audited."""
    rows = store.rate_sums(baseline.date_from, baseline.date_to, (), scope)
    sums = rows[0][1] if rows else RateSums()
    if not sums.ingots_judged:
        raise InputError(_("baseline"), _("no ingot was judged from {frm} to {to}: there is nothing to "
                                          "compute limits from").format(frm=baseline.date_from,
                                                                        to=baseline.date_to))
    centre = (sums.ingots_judged - sums.ingots_qualified) / sums.ingots_judged
    return store.freeze_limits(ControlLimits(ChartKey.p(scope), baseline.date_from, baseline.date_to,
                                             centre, None, sums.ingots_judged))


def freeze_imr_limits(store: Store, scope: Scope, grade: str, element: str,
                      baseline: Period) -> ControlLimits:
    """Freeze an I-MR chart's x̄ and MR̄ at those of a baseline period; audited."""
    values = [p.value for p in store.analysis_values(baseline.date_from, baseline.date_to, grade, element,
                                                     Scope(scope.converter, scope.shift, grade))]
    if len(values) < 2:
        raise InputError(_("baseline"), _("{n} analysis value(s) of {element} from {frm} to {to}: "
                                          "limits need at least two").format(
            n=len(values), element=element, frm=baseline.date_from, to=baseline.date_to))
    mean = sum(values) / len(values)
    mr_bar = sum(spc.moving_ranges(values)) / (len(values) - 1)
    return store.freeze_limits(ControlLimits(ChartKey.imr(scope, grade, element), baseline.date_from,
                                             baseline.date_to, mean, mr_bar, len(values)))


# ------------------------------------------------------------------ export


Table = tuple[tuple[str, ...], list[tuple[object, ...]]]


def _pct(value: float | None) -> object:
    return "" if value is None else round(value, 6)


def trend_table(t: Trends) -> Table:
    """The rate trend and p-chart, a row per bucket (rates as fractions, '' where undefined)."""
    header = ("period", "first", "last", "heats", "output_t", "judged_ingots", "not_qualified",
              "ingot_qualified_rate", "ingot_qualified_rate_by_count", "target", "p", "p_centre",
              "p_ucl", "p_lcl", "rules_broken")
    broken: dict[int, list[str]] = defaultdict(list)
    for v in t.p_chart.violations:
        broken[v.index].append(str(int(v.rule)))
    rows: list[tuple[object, ...]] = [
        (b.key, b.first.isoformat(), b.last.isoformat(), b.sums.heats, round(b.sums.output_t, 3), b.judged,
         b.not_qualified, _pct(b.rates.ingot_qualified_rate), _pct(b.rates.ingot_qualified_rate_by_count),
         _pct(b.target), _pct(pt.p), _pct(t.p_chart.centre), _pct(pt.ucl), _pct(pt.lcl), " ".join(broken[i]))
        for i, (b, pt) in enumerate(zip(t.buckets, t.p_chart.points, strict=True))]
    return header, rows


def comparison_table(rows: Sequence[RateRow], field: str) -> Table:
    header = (field, "heats", "output_t", "judged_ingots", "ingot_qualified_rate",
              "ingot_qualified_rate_by_count", "surface_qualified_rate", "chemistry_conformance_rate")
    return header, [(r.keys[field], r.sums.heats, round(r.sums.output_t, 3), r.sums.ingots_judged,
                     _pct(r.rates.ingot_qualified_rate), _pct(r.rates.ingot_qualified_rate_by_count),
                     _pct(r.rates.surface_qualified_rate), _pct(r.rates.chemistry_conformance_rate))
                    for r in rows]


def pareto_table(bars: Sequence[DefectBar]) -> Table:
    header = ("defect", "name", "name_zh", "ingots", "weight_kg", "share", "cumulative_share")
    return header, [(b.code, b.name_en, b.name_zh, b.ingots, round(b.weight_kg, 3), _pct(b.share),
                     _pct(b.cumulative)) for b in bars]


def chemistry_table(c: Chemistry) -> Table:
    header = ("heat", "tapped_at", "date", "value_pct", "moving_range", "centre", "ucl", "lcl",
              "spec_min", "spec_max", "rules_broken")
    broken: dict[int, list[str]] = defaultdict(list)
    for v in c.chart.violations:
        broken[v.index].append(str(int(v.rule)))
    return header, [(p.heat_no, p.tapped_at.isoformat(sep=" ", timespec="minutes"),
                     p.production_date.isoformat(), p.value, "" if mr is None else round(mr, 6),
                     _pct(c.chart.mean), _pct(c.chart.ucl),
                     _pct(c.chart.lcl), _pct(c.spec_min), _pct(c.spec_max), " ".join(broken[i]))
                    for i, (p, mr) in enumerate(zip(c.points, c.chart.moving_ranges, strict=True))]


def plan_table(plan: PlanProgress) -> Table:
    header = ("date", "output_to_date_t", "plan_to_date_t")
    return header, [(d.isoformat(), round(t, 3), _rounded(plan.planned_by(d))) for d, t in plan.cumulative]


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 3)


def records_table(found: Sequence[Record]) -> Table:
    header = ("record", "value", "first", "last", "converter", "new", "previous")
    return header, [(r.kind.value, r.value, r.first.isoformat(), r.last.isoformat(), r.converter or "",
                     "yes" if r.new else "", "" if r.previous is None else r.previous) for r in found]


def write_csv(path: Path, table: Table) -> None:
    """Write a table as UTF-8 CSV with a byte-order mark (so a spreadsheet reads the Chinese); no
    cell of it runs as a formula in the spreadsheet (qcdesk.cells)."""
    header, rows = table
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = SafeWriter(f)
        writer.writerow(header)
        writer.writerows(rows)
