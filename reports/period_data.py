"""What the period quality report says, as data: figures, chart series and tables, no layout.

Every figure comes from the trends core (`qcdesk.trends.trends` and `trends.chemistries`, over
the store's sums and `qcdesk.spc`); this module only picks, orders and formats them (rates
to one decimal place, "—" where undefined) in the language in force. `reports.period` lays
them out. A period report is never signed: it is a draft while its figures can still change
(ingots not judged, heats not checked, days not signed, the period not over).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from qcdesk import i18n as core_i18n
from qcdesk import spc
from qcdesk.model import EVERYTHING, Scope
from qcdesk.numbers import format_chemistry
from qcdesk.rates import RateRow, format_rate
from qcdesk.signoff import Status
from qcdesk.store import Store
from qcdesk.trends import (
    GRAIN_NAMES,
    RECORD_NAMES,
    Chemistry,
    Grain,
    Period,
    PlanProgress,
    Record,
    RecordKind,
    Span,
    Trends,
    chemistries,
    trends,
)
from reports.data import (
    DASH,
    NOTE,
    RATE_KEYS,
    RATE_LABELS,
    Column,
    Figure,
    Footnote,
    Furniture,
    ParetoBar,
    Table,
    _furniture,
    _shift_names,
    count,
    formula_notes,
    percent,
    points,
    tonnes,
)
from reports.i18n import N_, _, pick

# ------------------------------------------------------------------ the data


@dataclass(frozen=True)
class Series:
    """A line of a chart: a value per x position (None: no point there), and what it is (the
    layout draws each kind its own way): value, target, limit, centre, spec, plan; in the plant's
    report, plant and workshop0 … workshop7."""

    label: str
    values: tuple[float | None, ...]
    kind: str = "value"


@dataclass(frozen=True)
class LineChart:
    """What a line chart draws: x labels, the lines, the points to mark (x indices), the y unit."""

    x_labels: tuple[str, ...]
    lines: tuple[Series, ...]
    marked: tuple[int, ...] = ()
    percent: bool = False  # values are fractions, the axis prints them as %
    decimals: int = 1  # of the y axis labels (not a percent axis)
    title: str = ""


@dataclass(frozen=True)
class PeriodReport:
    furniture: Furniture
    period: Period
    scope_line: str
    basis: str
    figures: tuple[Figure, ...]
    headline: Table
    trend: LineChart
    p_chart: LineChart
    violations: Table
    by_converter: Table
    by_shift: Table
    by_grade: Table
    pareto: tuple[ParetoBar, ...]
    pareto_table: Table
    chemistry: Table
    imr_charts: tuple[LineChart, ...]
    plan_chart: LineChart | None
    plan_table: Table
    plan_lines: tuple[str, ...]
    records: Table
    draft_reasons: tuple[str, ...]
    footnotes: tuple[Footnote, ...]
    empty: bool  # no heat in the period
    headings: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ naming the period


def period_of(date_from: date, date_to: date) -> Period:
    """The period from..to, named as a month or a quarter when it is exactly one."""
    for span in (Span.MONTH, Span.QUARTER):
        whole = Period.of(span, date_from)
        if (whole.date_from, whole.date_to) == (date_from, date_to):
            return whole
    return Period.custom(date_from, date_to)


def period_label(period: Period) -> str:
    """'1959-02', '1959-Q1', else '1959-02-01 to 1959-02-14'."""
    if period.span in (Span.MONTH, Span.QUARTER):
        return period.label
    if period.date_from == period.date_to:
        return period.date_from.isoformat()
    return _("{frm} to {to}").format(frm=period.date_from.isoformat(), to=period.date_to.isoformat())


def file_stem(period: Period) -> str:
    """period-1959-02, period-1959-Q1, period-1959-02-01-1959-02-14."""
    if period.span in (Span.MONTH, Span.QUARTER):
        return f"period-{period.label}"
    return f"period-{period.date_from.isoformat()}-{period.date_to.isoformat()}"


def scope_line(store: Store, scope: Scope) -> str:
    if scope.everything:
        return _("Scope: every converter, shift and grade")
    parts = []
    if scope.converter is not None:
        parts.append(_("converter {code}").format(code=scope.converter))
    if scope.shift is not None:
        parts.append(_("shift {name}").format(name=_shift_names(store).get(scope.shift, scope.shift)))
    if scope.grade is not None:
        parts.append(_("grade {grade}").format(grade=scope.grade))
    return _("Scope: {parts}").format(parts=", ".join(parts))


# ------------------------------------------------------------------ formatting

BASIS_NAMES = {"weight": N_("by weight"), "count": N_("by count of ingots")}
CPK_LOW = 1.0  # a Cpk below this is marked: the spread does not fit inside the limits


def rule_text(rule: spc.Rule) -> str:
    """"2: 2 of 3 beyond 2σ": the rule's number and what it says (the core's words, translated)."""
    return f"{int(rule)}: {core_i18n._(spc.RULE_SHORT[rule])}"


def ratio2(value: float | None) -> str:
    """Cp, Cpk: two decimals, "—" where undefined."""
    return DASH if value is None else f"{value:.2f}"


def mean_text(element: str, value: float | None) -> str:
    """A mean mass %, one decimal finer than the lab reports the element."""
    if value is None:
        return DASH
    decimals = len(format_chemistry(element, 0.0).partition(".")[2]) + 1
    return f"{value:.{decimals}f}"


def x_label(key: str, grain: Grain, one_month: bool, one_year: bool = True) -> str:
    """A bucket's label under the x axis: the day of the month within one month, else MM-DD;
    a week as W05 within one year, else 2024-W05; a month as YYYY-MM."""
    if grain is Grain.DAY:
        day = date.fromisoformat(key)
        return str(day.day) if one_month else day.strftime("%m-%d")
    if grain is Grain.WEEK:
        return key.partition("-")[2] if one_year else key
    return key


# ------------------------------------------------------------------ sections


def _headline(t: Trends, basis: str) -> tuple[Table, tuple[Figure, ...]]:
    s, r = t.total.sums, t.total.rates
    order = list(RATE_KEYS)
    if basis == "count":  # the leading basis first
        order[0], order[1] = order[1], order[0]
        order[2], order[3] = order[3], order[2]
    figures = [Figure("heats", _("Heats"), s.heats, count(s.heats)),
               Figure("output_t", _("Output, t"), s.output_t, tonnes(s.output_t)),
               Figure("ingots_judged", _("Judged ingots of checked heats"), s.ingots_judged,
                      count(s.ingots_judged))]
    figures += [Figure(k, _(RATE_LABELS[k]), getattr(r, k), format_rate(getattr(r, k)), NOTE[k])
                for k in order]
    figures += [
        Figure("ingots_awaiting_chemistry", _("Ingots awaiting chemistry"), s.ingots_awaiting_chemistry,
               count(s.ingots_awaiting_chemistry)),
        Figure("ingots_pending", _("Ingots not judged yet"), s.ingots_pending, count(s.ingots_pending)),
        Figure("ingots_failing_product_analysis", _("Ingots failing product analysis"),
               s.ingots_failing_product_analysis, count(s.ingots_failing_product_analysis)),
        Figure("target", _("Target ingot qualified rate (plan)"), t.target, format_rate(t.target)),
        Figure("p_bar", _("Non-qualified fraction, centre line (count)"), t.p_chart.centre,
               percent(t.p_chart.centre)),
    ]
    rows = tuple((f.label, f.text) for f in figures)
    table = Table((Column(_("Figure"), "L", 3.0), Column(_("Period"), "R", 1.0)), rows,
                  row_notes=tuple(f.note for f in figures))
    return table, tuple(figures)


def _labels(t: Trends) -> tuple[str, ...]:
    one_month = (t.period.date_from.year, t.period.date_from.month) == (t.period.date_to.year,
                                                                        t.period.date_to.month)
    one_year = len({b.key[:4] for b in t.buckets}) <= 1  # ISO years, as the week keys name them
    return tuple(x_label(b.key, t.grain, one_month, one_year) for b in t.buckets)


def _trend_chart(t: Trends, basis: str) -> LineChart:
    lines = [Series(_("ingot qualified rate, {basis}").format(basis=_(BASIS_NAMES[basis])),
                    tuple(b.rate(basis) for b in t.buckets))]
    if any(b.target is not None for b in t.buckets):
        lines.append(Series(_("target"), tuple(b.target for b in t.buckets), "target"))
    return LineChart(_labels(t), tuple(lines), percent=True)


def _p_chart(t: Trends) -> tuple[LineChart, Table]:
    pts = t.p_chart.points
    centre = t.p_chart.centre
    chart = LineChart(_labels(t), (
        Series(_("p (non-qualified, count)"), tuple(p.p for p in pts)),
        Series(_("UCL"), tuple(p.ucl for p in pts), "limit"),
        Series(_("LCL"), tuple(p.lcl for p in pts), "limit"),
        Series(_("centre"), tuple(centre if p.p is not None else None for p in pts), "centre")),
        marked=tuple(sorted({v.index for v in t.p_chart.violations})), percent=True)
    by_point: dict[int, list[spc.Violation]] = {}
    for v in t.p_chart.violations:
        by_point.setdefault(v.index, []).append(v)
    rows = []
    for i, found in sorted(by_point.items()):
        b, p = t.buckets[i], pts[i]
        side = _("above") if found[0].above else _("below")
        rows.append((b.key, count(p.n), percent(p.p), percent(p.ucl), percent(p.lcl),
                     "; ".join(rule_text(v.rule) for v in found), side))
    table = Table((Column(_("Point"), "L", 1.1), Column(_("Judged"), "R", 0.8), Column(_("p"), "R", 0.8),
                   Column(_("UCL"), "R", 0.8), Column(_("LCL"), "R", 0.8),
                   Column(_("Rules broken (Western Electric)"), "L", 3.0), Column(_("Side"), "L", 0.8)),
                  tuple(rows), marked=frozenset((r, 5) for r in range(len(rows))),
                  empty=_("No point breaks a Western Electric rule."))
    return chart, table


def _comparison_columns(first: str, basis: str) -> tuple[Column, ...]:
    lead, other = ("ingot_qualified_rate", "ingot_qualified_rate_by_count")
    if basis == "count":
        lead, other = other, lead
    names = {"ingot_qualified_rate": _("Ingot rate\n(weight)"),
             "ingot_qualified_rate_by_count": _("Ingot rate\n(count)")}
    return (Column(first, "L", 1.3), Column(_("Heats"), "R", 0.7), Column(_("Output, t"), "R", 1.0),
            Column(_("Judged\ningots"), "R", 0.9),
            Column(names[lead], "R", 1.1, NOTE[lead]), Column(names[other], "R", 1.1, NOTE[other]),
            Column(_("Surface rate\n(weight)"), "R", 1.1, NOTE["surface_qualified_rate"]),
            Column(_("Chemistry\n(heats)"), "R", 1.1, NOTE["chemistry_conformance_rate"]))


def _comparison_cells(label: str, row: RateRow, basis: str) -> tuple[str, ...]:
    s, r = row.sums, row.rates
    lead, other = r.ingot_qualified_rate, r.ingot_qualified_rate_by_count
    if basis == "count":
        lead, other = other, lead
    return (label, count(s.heats), tonnes(s.output_t), count(s.ingots_judged), format_rate(lead),
            format_rate(other), format_rate(r.surface_qualified_rate),
            format_rate(r.chemistry_conformance_rate))


def _comparison(rows: tuple[RateRow, ...], key: str, total: RateRow, basis: str, *,
                names: dict[str, str] | None = None, label: str = "{key}") -> Table:
    first = {"converter": _("Converter"), "shift": _("Shift"), "grade": _("Grade")}[key]
    cells = tuple(_comparison_cells(label.format(key=(names or {}).get(r.keys[key], r.keys[key])), r, basis)
                  for r in rows)
    return Table(_comparison_columns(first, basis), cells,
                 _comparison_cells(_("Total"), total, basis) if cells else None, empty=_("No heats."))


def _pareto(store: Store, t: Trends) -> tuple[tuple[ParetoBar, ...], Table]:
    bars = tuple(ParetoBar(b.code, pick(b.name_en, b.name_zh), b.ingots, b.weight_kg / 1000, b.share,
                           b.cumulative) for b in t.pareto_by_count)
    by_weight = {b.code: b.share for b in t.pareto_by_weight}
    rows = tuple((b.code, b.name, count(b.ingots), percent(b.share), percent(b.cumulative),
                  tonnes(b.weight_t), percent(by_weight.get(b.code))) for b in bars)
    found = sum(b.ingots for b in bars)
    total: tuple[str, ...] | None = None
    if rows and t.scope.everything:  # each ingot once, however many defects (the store counts all)
        ingots, weight_kg = store.defective_ingots(t.period.date_from, t.period.date_to)
        total = (_("Total"), _("{ingots} ingot(s) with defects; {found} defect(s) found").format(
            ingots=count(ingots), found=count(found)), count(ingots), "", "", tonnes(weight_kg / 1000), "")
    elif rows:
        total = (_("Total"), _("{found} defect(s) found").format(found=count(found)), count(found), "", "",
                 "", "")
    table = Table((Column(_("Code"), "L", 0.8), Column(_("Defect"), "L", 3.4), Column(_("Ingots"), "R", 0.8),
                   Column(_("Share"), "R", 0.8), Column(_("Cumulative"), "R", 1.0),
                   Column(_("Weight, t"), "R", 0.9), Column(_("Share of\nweight"), "R", 0.9)), rows, total,
                  empty=_("No defects found on the period's ingots."))
    return bars, table


def _chemistry(store: Store, t: Trends) -> tuple[Table, tuple[LineChart, ...]]:
    """Per grade made and element its edition in force limits: n, mean, limits, Cp, Cpk; and
    the I-MR (individuals) chart of each grade's element with the lowest Cpk."""
    rows: list[tuple[str, ...]] = []
    marked: set[tuple[int, int]] = set()
    charts: list[LineChart] = []
    every = chemistries(store, t.period, t.scope, [row.keys["grade"] for row in t.by_grade], grain=t.grain)
    for grade, of_grade in groupby(every, key=lambda c: c.grade):  # in the order of t.by_grade
        found: list[Chemistry] = list(of_grade)
        for c in found:
            cap = c.capability
            if cap.cpk is not None and cap.cpk < CPK_LOW:
                marked.add((len(rows), 7))
            rows.append((grade, c.element, count(cap.n), mean_text(c.element, cap.mean),
                         DASH if c.spec_min is None else format_chemistry(c.element, c.spec_min),
                         DASH if c.spec_max is None else format_chemistry(c.element, c.spec_max),
                         ratio2(cap.cp), ratio2(cap.cpk)))
        rated = [c for c in found if c.capability.cpk is not None]
        if rated:
            charts.append(_imr_chart(min(rated, key=lambda c: c.capability.cpk or 0.0)))
    table = Table((Column(_("Grade"), "L", 1.0), Column(_("Element"), "L", 0.8), Column(_("n"), "R", 0.6),
                   Column(_("Mean, %"), "R", 1.0), Column(_("Min, %"), "R", 0.9),
                   Column(_("Max, %"), "R", 0.9),
                   Column(_("Cp"), "R", 0.7), Column(_("Cpk"), "R", 0.7)), tuple(rows),
                  marked=frozenset(marked), empty=_("No heats, no chemistry."))
    return table, tuple(charts)


def _imr_chart(c: Chemistry) -> LineChart:
    chart = c.chart
    n = len(chart.values)
    lines = [Series(_("{element}, %").format(element=c.element), tuple(chart.values))]
    for label, value, kind in ((_("centre (mean)"), chart.mean, "centre"), (_("UCL"), chart.ucl, "limit"),
                               (_("LCL"), chart.lcl, "limit"), (_("spec min"), c.spec_min, "spec"),
                               (_("spec max"), c.spec_max, "spec")):
        if value is not None and value > 0:  # a lower control limit below zero is none
            lines.append(Series(label, (value,) * n, kind))
    decimals = len(format_chemistry(c.element, 0.0).partition(".")[2])  # the lab's, on the axis
    title = _("{grade} {element}: individuals, Cpk {cpk}").format(
        grade=c.grade, element=c.element, cpk=ratio2(c.capability.cpk))
    return LineChart(tuple(str(i + 1) for i in range(n)), tuple(lines),
                     marked=tuple(sorted({v.index for v in chart.violations})), decimals=decimals,
                     title=title)


def _plan(plan: PlanProgress | None) -> tuple[LineChart | None, Table, tuple[str, ...]]:
    columns = (Column(_("Month"), "L", 1.0), Column(_("Plan, t"), "R", 1.0), Column(_("Output, t"), "R", 1.0),
               Column(_("Of plan"), "R", 0.9), Column(_("Target rate"), "R", 1.0),
               Column(_("Ingot rate\n(weight)"), "R", 1.0, NOTE["ingot_qualified_rate"]))
    if plan is None:
        return None, Table(columns, ()), ()
    days = (plan.last - plan.first).days + 1
    made = dict(plan.cumulative)
    dates = [date.fromordinal(plan.first.toordinal() + i) for i in range(days)]
    lines = [Series(_("output to date, t"), tuple(made.get(d) for d in dates))]
    if plan.plan_t is not None:
        lines.append(Series(_("plan, evenly over the quarter"), tuple(plan.planned_by(d) for d in dates),
                            "target"))
    chart = LineChart(tuple(d.strftime("%m-%d") for d in dates), tuple(lines), decimals=0)
    rows = []
    for m in plan.months:
        of_plan = DASH if not m.plan_t else format_rate(m.output_t / m.plan_t)
        rows.append((m.month, DASH if m.plan_t is None else tonnes(m.plan_t), tonnes(m.output_t), of_plan,
                     format_rate(m.target_rate), format_rate(m.rate)))
    total = (plan.quarter, DASH if plan.plan_t is None else tonnes(plan.plan_t), tonnes(plan.output_t),
             DASH if not plan.plan_t else format_rate(plan.output_t / plan.plan_t),
             format_rate(plan.target_rate), format_rate(plan.rate))
    lines_text = [_("Quarter {quarter}, output counted to {as_of}: {t} t.").format(
        quarter=plan.quarter, as_of=plan.as_of.isoformat(), t=tonnes(plan.output_t))]
    if plan.plan_t is None:
        lines_text.append(_("No output plan is set for {quarter}.").format(quarter=plan.quarter))
    else:
        needed = plan.needed_per_day_t
        lines_text.append(_("Plan {plan} t; {remaining} t remain with {days} day(s) left: each remaining day "
                            "must average {needed} t.").format(
            plan=tonnes(plan.plan_t), remaining=tonnes(plan.remaining_t or 0.0), days=plan.days_left,
            needed=DASH if needed is None else tonnes(needed)))
    if plan.target_rate is not None:
        diff = None if plan.rate is None else plan.rate - plan.target_rate
        lines_text.append(_("Ingot qualified rate of the quarter to date {rate} against the target {target} "
                            "({diff}).").format(rate=format_rate(plan.rate),
                                                target=format_rate(plan.target_rate), diff=points(diff)))
    return chart, Table(columns, tuple(rows), total), tuple(lines_text)


def _record_value(r: Record) -> str:
    if r.kind is RecordKind.MOST_HEATS:
        return _("{n} heats").format(n=count(r.value))
    if r.kind is RecordKind.BEST_DAY:
        return format_rate(r.value)
    return _("{n} days").format(n=count(r.value))


def _records(found: tuple[Record, ...]) -> Table:
    rows: list[tuple[str, ...]] = []
    marked: set[tuple[int, int]] = set()
    for r in found:
        when = r.first.isoformat() if r.first == r.last else _("{frm} to {to}").format(
            frm=r.first.isoformat(), to=r.last.isoformat())
        before = ""
        if r.new and r.previous is not None:
            previous = format_rate(r.previous) if r.kind is RecordKind.BEST_DAY else count(r.previous)
            before = _("before: {value}").format(value=previous)
        if r.new:
            marked.add((len(rows), 4))
        rows.append((core_i18n._(RECORD_NAMES[r.kind]), _record_value(r), when, r.converter or DASH,
                     (_("new record") + (f" ({before})" if before else "")) if r.new else ""))
    return Table((Column(_("Record"), "L", 2.6), Column(_("Value"), "R", 0.9), Column(_("When"), "L", 1.9),
                  Column(_("Converter"), "C", 0.8), Column(_("New"), "L", 1.6)), tuple(rows),
                 marked=frozenset(marked), empty=_("No records: nothing made up to the period's end."))


def _draft_reasons(store: Store, t: Trends) -> list[str]:
    """Why the figures may still change: the period not over, ingots not judged, heats not
    checked, days with heats not signed by the workshop head."""
    s = t.total.sums
    reasons = []
    if t.period.date_to >= store.today():
        reasons.append(_("the period is not over"))
    if s.ingots_pending:
        reasons.append(_("{n} ingot(s) not judged yet").format(n=count(s.ingots_pending)))
    if s.heats_checked < s.heats:
        reasons.append(_("{n} heat(s) with chemistry not checked yet").format(
            n=count(s.heats - s.heats_checked)))
    unsigned = sum(1 for d in _days_with_heats(store, t) if store.day_signoff(d).status is not Status.SIGNED)
    if unsigned:
        reasons.append(_("{n} production day(s) not signed by the workshop head").format(n=count(unsigned)))
    return reasons


def _days_with_heats(store: Store, t: Trends) -> list[date]:
    return [date.fromisoformat(k["date"]) for k, _s in
            store.rate_sums(t.period.date_from, t.period.date_to, ("day",), t.scope)]


# ------------------------------------------------------------------ the report


def period_report(store: Store, date_from: date, date_to: date, *, basis: str = "weight",
                  scope: Scope = EVERYTHING, printed_at: datetime | None = None) -> PeriodReport:
    """The quality report of production dates from..to (a month or a quarter, or any span)."""
    printed_at = printed_at or datetime.now()
    period = period_of(date_from, date_to)
    t = trends(store, period, scope, basis=basis)
    headline, figures = _headline(t, basis)
    p_chart, violations = _p_chart(t)
    bars, pareto_table = _pareto(store, t)
    chem_table, imr = _chemistry(store, t)
    plan_chart, plan_table, plan_lines = _plan(t.plan)
    reasons = _draft_reasons(store, t)
    shifts = _shift_names(store)
    label = period_label(period)
    notes = list(formula_notes())
    notes += [
        Footnote(None, _("Rates lead {basis}; both bases are computed. Judged ingots: ingots judged, of "
                         "heats whose chemistry is checked.").format(basis=_(BASIS_NAMES[basis]))),
        Footnote(None, _("p-chart: the daily (weekly, monthly) non-qualified fraction by count; centre = "
                         "non-qualified ÷ judged over the period (or frozen from a baseline); limits "
                         "centre ± 3·√(centre·(1 − centre) ÷ n) per point, clipped to [0, 1]; ringed points "
                         "break a Western Electric rule.")),
        Footnote(None, _("Cp = (max − min) ÷ 6σ; Cpk = the smaller of (max − mean) ÷ 3σ and (mean − min) "
                         "÷ 3σ; σ = mean moving range ÷ 1.128; against the limits of the edition in force on "
                         "{day}; Cp needs both limits. Cpk below {low} in bold. Individuals charts: control "
                         "limits mean ± 2.66 × mean moving range.").format(day=period.date_to.isoformat(),
                                                                     low=f"{CPK_LOW:.2f}")),
    ]
    if t.total.sums.ingots_awaiting_chemistry:
        notes.append(Footnote(None, _("{n} ingot(s) awaiting chemistry are left out of the ingot "
                                      "qualified rate.").format(
            n=count(t.total.sums.ingots_awaiting_chemistry))))
    if t.total.sums.ingots_failing_product_analysis:
        notes.append(Footnote(None, _("{n} judged ingot(s) fail their product analysis: not qualified, "
                                      "whatever their disposition.").format(
            n=count(t.total.sums.ingots_failing_product_analysis))))
    frozen = t.frozen
    if frozen is not None:
        notes.append(Footnote(None, _("The p-chart's centre is frozen from the baseline {frm} to {to}.")
                              .format(frm=frozen.date_from.isoformat(), to=frozen.date_to.isoformat())))
    return PeriodReport(
        furniture=_furniture(store, _("Period quality report"), _("Period {period}").format(period=label),
                             printed_at, draft=bool(reasons)),
        period=period, scope_line=scope_line(store, scope), basis=basis, figures=figures, headline=headline,
        trend=_trend_chart(t, basis), p_chart=p_chart, violations=violations,
        by_converter=_comparison(t.by_converter, "converter", t.total, basis, label=_("Converter {key}")),
        by_shift=_comparison(t.by_shift, "shift", t.total, basis, names=shifts),
        by_grade=_comparison(t.by_grade, "grade", t.total, basis),
        pareto=bars, pareto_table=pareto_table, chemistry=chem_table, imr_charts=imr,
        plan_chart=plan_chart, plan_table=plan_table, plan_lines=plan_lines, records=_records(t.records),
        draft_reasons=tuple(reasons), footnotes=tuple(notes), empty=t.total.sums.heats == 0,
        headings={"figures": _("The period's figures"),
                  "trend": _("Ingot qualified rate, {grain}").format(grain=core_i18n._(GRAIN_NAMES[t.grain])),
                  "p_chart": _("p-chart of the non-qualified fraction (count)"),
                  "violations": _("Points out of control"),
                  "converter": _("By converter"), "shift": _("By shift"), "grade": _("By grade"),
                  "pareto": _("Defects (Pareto, by ingots)"), "chemistry": _("Chemistry capability"),
                  "imr": _("Individuals charts: each grade's element with the lowest Cpk"),
                  "plan": _("Output against the quarter's plan"), "records": _("Records"),
                  "draft": _("Draft: {reasons}"), "chart_ingots": _("ingots"),
                  "chart_cumulative": _("cumulative %"),
                  "no_heats": _("No heats in this period: every rate is undefined (—).")},
    )
