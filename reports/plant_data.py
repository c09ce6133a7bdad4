"""What the plant's quality report says, as data: the workshops side by side and the plant's
figures, no layout.

Every figure comes from `qcdesk.plant_quality` (each workshop's computed by its own store, the
plant's from the workshops' added sums); this module only picks, orders and formats them (rates
to one decimal place, "—" where undefined) in the language in force. `reports.plant` lays them
out. Like the period report it is never signed: a draft while any workshop's figures can still
change (days not signed by its head, ingots not judged, heats not checked, the period not over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from qcdesk import i18n as core_i18n
from qcdesk.i18n import language
from qcdesk.plant_quality import PlantQuality, WorkshopQuality
from qcdesk.rates import RateRow, format_rate
from qcdesk.trends import GRAIN_NAMES, Period, Span
from reports.data import (
    DASH,
    NOTE,
    Column,
    Footnote,
    Furniture,
    ParetoBar,
    Table,
    count,
    formula_notes,
    percent,
    tonnes,
)
from reports.i18n import N_, _, pick
from reports.period_data import BASIS_NAMES, LineChart, Series, period_label, x_label

# the rates printed, by leading basis: the ingot rate leading, the other, the surface rate, chemistry
SHOWN = {"weight": ("ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
                    "chemistry_conformance_rate"),
         "count": ("ingot_qualified_rate_by_count", "ingot_qualified_rate", "surface_qualified_rate_by_count",
                   "chemistry_conformance_rate")}
HEADS = {"ingot_qualified_rate": N_("Ingot rate\n(weight)"),
         "ingot_qualified_rate_by_count": N_("Ingot rate\n(count)"),
         "surface_qualified_rate": N_("Surface rate\n(weight)"),
         "surface_qualified_rate_by_count": N_("Surface rate\n(count)"),
         "chemistry_conformance_rate": N_("Chemistry\n(heats)")}

WORKSHOP_LINES = 8  # the colours of the workshops' lines (reports.period.WORKSHOP_COLOURS), then again


@dataclass(frozen=True)
class PlantReport:
    furniture: Furniture
    period: Period
    basis: str
    workshops: Table  # a row per workshop; the plant's as the total row, in bold
    # a line per workshop (kinds workshop0, workshop1, …) and the plant's (kind plant); None with
    # fewer than two points (one day: the plant's daily sheet) or no heat
    trend: LineChart | None
    by_grade: Table  # the plant's rates per grade, each workshop's ingot rate of the grade beside
    pareto: tuple[ParetoBar, ...]
    pareto_table: Table
    draft_reasons: tuple[str, ...]
    footnotes: tuple[Footnote, ...]
    empty: bool  # no heat in any workshop in the period
    left_out: str  # under the title: the workshops of the server not counted ("" if none)
    headings: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ naming the report


def file_stem(period: Period) -> str:
    """plant-1959-02, plant-1959-Q1, plant-1959-02-10 (one day), plant-1959-02-01-1959-02-14."""
    if period.span in (Span.MONTH, Span.QUARTER):
        return f"plant-{period.label}"
    if period.date_from == period.date_to:
        return f"plant-{period.date_from.isoformat()}"
    return f"plant-{period.date_from.isoformat()}-{period.date_to.isoformat()}"


def subject(period: Period) -> str:
    """'Production date 1959-02-10' for one day (the plant's daily sheet), else 'Period …'."""
    if period.date_from == period.date_to:
        return _("Production date {day}").format(day=period.date_from.isoformat())
    return _("Period {period}").format(period=period_label(period))


def _name(w: WorkshopQuality) -> str:
    return w.name(chinese=language() == "zh")


def _named(workshops: list[tuple[WorkshopQuality, int]]) -> str:
    """'North converter shop (3), East converter shop (12)': the workshops a reason concerns."""
    return _(", ").join(_("{workshop} ({n})").format(workshop=_name(w), n=count(n)) for w, n in workshops)


# ------------------------------------------------------------------ sections


def _rate(row: RateRow, key: str) -> float | None:
    value: float | None = getattr(row.rates, key)
    return value


def _workshops(q: PlantQuality, basis: str) -> Table:
    keys = SHOWN[basis]
    columns = (Column(_("Workshop"), "L", 2.2), Column(_("Code"), "L", 0.9), Column(_("Heats"), "R", 0.8),
               Column(_("Output, t"), "R", 1.1), Column(_("Judged\ningots"), "R", 0.9),
               *(Column(_(HEADS[k]), "R", 1.05, NOTE[k]) for k in keys),
               Column(_("Days not\nsigned"), "R", 0.9))

    def cells(name: str, code: str, row: RateRow, unsigned: int) -> tuple[str, ...]:
        s = row.sums
        return (name, code, count(s.heats), tonnes(s.output_t), count(s.ingots_judged),
                *(format_rate(_rate(row, k)) for k in keys), count(unsigned))

    rows = tuple(cells(_name(w), w.code, w.total, len(w.unsigned_days)) for w in q.workshops)
    total = cells(_("Plant"), "", q.total, sum(len(w.unsigned_days) for w in q.workshops))
    return Table(columns, rows, total, strong_total=True)


def _labels(q: PlantQuality) -> tuple[str, ...]:
    frm, to = q.period.date_from, q.period.date_to
    one_month = (frm.year, frm.month) == (to.year, to.month)
    one_year = len({b.key[:4] for b in q.buckets}) <= 1  # ISO years, as the week keys name them
    return tuple(x_label(b.key, q.grain, one_month, one_year) for b in q.buckets)


def _trend(q: PlantQuality, basis: str) -> LineChart | None:
    """A line per workshop (by its code, in the legend) and the plant's, over the same points."""
    if len(q.buckets) < 2 or not q.total.sums.heats:
        return None
    lines = [Series(w.code, tuple(b.rate(basis) for b in w.buckets), f"workshop{i % WORKSHOP_LINES}")
             for i, w in enumerate(q.workshops)]
    lines.append(Series(_("Plant"), tuple(b.rate(basis) for b in q.buckets), "plant"))
    return LineChart(_labels(q), tuple(lines), percent=True)


def _by_grade(q: PlantQuality, basis: str) -> Table:
    lead = SHOWN[basis][0]
    columns = (Column(_("Grade"), "L", 1.2), Column(_("Heats"), "R", 0.8), Column(_("Output, t"), "R", 1.0),
               Column(_("Judged\ningots"), "R", 0.9),
               Column(_("Plant"), "R", 1.0, NOTE[lead]),
               *(Column(w.code, "R", 1.0) for w in q.workshops))
    theirs = [{row.keys["grade"]: row for row in w.by_grade} for w in q.workshops]

    def cells(label: str, row: RateRow, of_workshops: list[RateRow | None]) -> tuple[str, ...]:
        s = row.sums
        return (label, count(s.heats), tonnes(s.output_t), count(s.ingots_judged),
                format_rate(_rate(row, lead)),
                *(DASH if r is None else format_rate(_rate(r, lead)) for r in of_workshops))

    rows = tuple(cells(row.keys["grade"], row, [mine.get(row.keys["grade"]) for mine in theirs])
                 for row in q.by_grade)
    total = cells(_("Plant"), q.total, [w.total for w in q.workshops]) if rows else None
    return Table(columns, rows, total, empty=_("No heats."), strong_total=True)


def _pareto(q: PlantQuality) -> tuple[tuple[ParetoBar, ...], Table]:
    bars = tuple(ParetoBar(b.code, pick(b.name_en, b.name_zh), b.ingots, b.weight_kg / 1000, b.share,
                           b.cumulative) for b in q.pareto_by_count)
    by_weight = {b.code: b.share for b in q.pareto_by_weight}
    found = [{d.code: d.ingots for d in w.defects} for w in q.workshops]
    rows = tuple((b.code, b.name, count(b.ingots), percent(b.share), percent(b.cumulative),
                  tonnes(b.weight_t), percent(by_weight.get(b.code)),
                  *(count(mine.get(b.code, 0)) for mine in found)) for b in bars)
    total = None
    if rows:  # a defect found on an ingot counted once, an ingot once per defect found on it
        ingots = sum(b.ingots for b in bars)
        total = (_("Total"), _("{found} defect(s) found").format(found=count(ingots)), count(ingots),
                 "", "", "", "", *(count(sum(mine.values())) for mine in found))
    columns = (Column(_("Code"), "L", 0.8), Column(_("Defect"), "L", 2.6), Column(_("Ingots"), "R", 0.8),
               Column(_("Share"), "R", 0.8), Column(_("Cumulative"), "R", 1.0),
               Column(_("Weight, t"), "R", 0.9), Column(_("Share of\nweight"), "R", 0.9),
               *(Column(w.code, "R", 0.8) for w in q.workshops))
    return bars, Table(columns, rows, total, empty=_("No defects found on the period's ingots."))


def draft_reasons(q: PlantQuality, today: date) -> list[str]:
    """Why the figures may still change, naming the workshops concerned: the period not over,
    ingots not judged, heats not checked, days with heats not signed by a workshop head."""
    reasons = []
    if q.period.date_to >= today:
        reasons.append(_("the period is not over"))
    found: tuple[tuple[str, Callable[[WorkshopQuality], int]], ...] = (
        (_("ingots not judged yet: {workshops}"), lambda w: w.total.sums.ingots_pending),
        (_("heats with chemistry not checked yet: {workshops}"),
         lambda w: w.total.sums.heats - w.total.sums.heats_checked),
        (_("production days not signed by the workshop head: {workshops}"), lambda w: len(w.unsigned_days)))
    for line, how_many in found:
        concerned = [(w, how_many(w)) for w in q.workshops if how_many(w)]
        if concerned:
            reasons.append(line.format(workshops=_named(concerned)))
    return reasons


# ------------------------------------------------------------------ the report


def plant_report(q: PlantQuality, *, basis: str = "weight", printed_at: datetime | None = None,
                 today: date | None = None) -> PlantReport:
    """The plant's quality report of the figures `q` (`qcdesk.plant.plant_quality`)."""
    printed_at = printed_at or datetime.now()
    reasons = draft_reasons(q, today or printed_at.date())
    bars, pareto_table = _pareto(q)
    notes = list(formula_notes(SHOWN[basis]))
    notes += [
        Footnote(None, _("The plant's rates are those of the workshops' added sums (numerators and "
                         "denominators added, then divided), not an average of the workshops' rates.")),
        Footnote(None, _("Rates lead {basis}; both bases are computed. Judged ingots: ingots judged, of "
                         "heats whose chemistry is checked.").format(basis=_(BASIS_NAMES[basis]))),
        Footnote(None, _("A converter's number and a shift are a workshop's own: workshops are compared "
                         "by the calendar and by grade. Defects are added by their code.")),
    ]
    left_out = _("Left out: the workshops of the server you may not read ({codes}).").format(
        codes=", ".join(q.left_out)) if q.left_out else ""
    if left_out:  # said under the title, where the plant's figures are read, and again with the notes
        notes.append(Footnote(None, left_out))
    furniture = Furniture(
        workshop=_("Plant · Quality office"), title=_("Plant quality report"), subject=subject(q.period),
        printed=_("Printed {when}").format(when=printed_at.strftime("%Y-%m-%d %H:%M")),
        page_of=_("Page {page} of {pages}"), draft=bool(reasons), draft_label=_("DRAFT"))
    return PlantReport(
        furniture=furniture, period=q.period, basis=basis, workshops=_workshops(q, basis),
        trend=_trend(q, basis), by_grade=_by_grade(q, basis), pareto=bars, pareto_table=pareto_table,
        draft_reasons=tuple(reasons), footnotes=tuple(notes), empty=q.total.sums.heats == 0,
        left_out=left_out,
        headings={"workshops": _("The workshops and the plant"),
                  "trend": _("Ingot qualified rate, {grain}").format(grain=core_i18n._(GRAIN_NAMES[q.grain])),
                  "grade": _("By grade: the ingot qualified rate {basis}, the plant's and each "
                             "workshop's").format(basis=_(BASIS_NAMES[basis])),
                  "pareto": _("Defects (Pareto, by ingots)"),
                  "draft": _("Draft: {reasons}"), "chart_ingots": _("ingots"),
                  "chart_cumulative": _("cumulative %"),
                  "no_heats": _("No heats in this period: every rate is undefined (—).")},
    )
