"""The period quality report (a month, a quarter, any span) laid out on A4; content from
`reports.period_data`, charts drawn straight onto the page (`reports.charts`).

It is never signed: it carries the DRAFT stamp while its figures can still change (see
`period_data`), and no SIGNED seal otherwise.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import cast

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from qcdesk.model import EVERYTHING, Scope
from qcdesk.store import Store
from reports import charts, fonts, layout
from reports.daily import pareto_section
from reports.data import Figure
from reports.layout import FAIL, FRAME_W, GREY, INK, Paragraph, Styles, nice_axis, note_mark, text
from reports.period_data import LineChart, PeriodReport, period_report

# a colour and dash per line, by its place in the chart
LEAD = colors.HexColor("#4a6fa5")
TARGET = colors.HexColor("#2e7d32")
LIMIT = colors.HexColor("#c0392b")
CENTRE = colors.HexColor("#555555")
SPEC = colors.HexColor("#8e44ad")
GRID = colors.HexColor("#dddddd")


def axis_text(value: float, decimals: int, percent: bool) -> str:
    """An axis label, never '-0.0'."""
    shown = value * 100 if percent else value
    out = f"{shown:.{decimals}f}"
    if float(out) == 0:
        out = f"{0:.{decimals}f}"
    return out + ("%" if percent else "")


def step_decimals(step: float, at_least: int = 0) -> int:
    """The fewest decimals, from `at_least`, that write an axis step exactly (2.5 → 1, 0.02 → 2)."""
    for decimals in range(at_least, 7):
        if abs(round(step, decimals) - step) < 1e-9 * max(1.0, abs(step)):
            return decimals
    return 6


def _x_step(n: int, most: int = 16) -> int:
    """Label every k-th x position so that at most `most` labels show."""
    return max(1, math.ceil(n / most))


def _segments(values: tuple[float | None, ...]) -> list[list[tuple[float, float]]]:
    """The runs of defined points of a line: a None breaks it."""
    out: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if out[-1]:
                out.append([])
        else:
            out[-1].append((float(i), float(v)))
    return [run for run in out if run]


def _runs(values: tuple[float | None, ...], level_ends: bool) -> list[list[tuple[float, float]]]:
    """The runs of defined points of a line (a None breaks it), a lone point twice. With
    `level_ends`, a run whose points all lie at one height is its first and last point: the same
    line, its dashes too, drawn from 2 points instead of one per day or heat (a limit, a centre)."""
    if level_ends and values and None not in values:
        level = cast("tuple[float, ...]", values)  # no None in it
        if min(level) == max(level):
            return [[(0.0, float(level[0])), (float(len(level) - 1), float(level[0]))]]
    runs = []
    for run in _segments(values):
        if len(run) == 1:
            run = run * 2  # noqa: PLW2901 - a lone point, drawn as a line of no length
        elif level_ends and len(run) > 2 and all(y == run[0][1] for _x, y in run):
            run = [run[0], run[-1]]  # noqa: PLW2901
        runs.append(run)
    return runs


def _bounds(values: tuple[float | None, ...]) -> tuple[float, float] | None:
    """The least and the greatest defined value, if any."""
    defined = [v for v in values if v is not None] if None in values else cast("tuple[float, ...]", values)
    return (min(defined), max(defined)) if defined else None


Style = tuple[colors.Color, float, tuple[float, ...] | None, bool]  # colour, width, dash, markers

MAX_MARKERS = 120  # beyond, dots merge into the line, and each costs a drawing node

STYLES: dict[str, Style] = {
    "value": (LEAD, 1.2, None, True),
    "target": (TARGET, 1.0, (3.0, 2.0), False),
    "limit": (LIMIT, 0.8, (3.0, 2.0), False),
    "centre": (CENTRE, 0.8, None, False),
    "spec": (SPEC, 1.0, (1.0, 1.5), False),
    # the plant's report: the plant's line, dark and thick, over a line per workshop, each its colour
    "plant": (INK, 2.2, None, False),
}
WORKSHOP_COLOURS = ("#4a6fa5", "#e67e22", "#2e7d32", "#8e44ad", "#c0392b", "#16a085", "#b7950b", "#7f8c8d")
STYLES |= {f"workshop{i}": (colors.HexColor(c), 0.9, None, False) for i, c in enumerate(WORKSHOP_COLOURS)}


def line_chart(spec: LineChart, font: str, *, width: float = FRAME_W, height: float = 55 * mm,
               floor: float | None = None, markers: bool = True) -> Flowable:
    """The chart's lines over x positions 0..n-1, each drawn as its kind is (STYLES), under a value
    axis with a grid; points marked by the data are ringed in red; the legend above the plot.
    `floor`: the y axis starts no lower. Drawn as reportlab's LinePlot draws it (`reports.charts`),
    the x axis along the plot's foot."""
    left, bottom, top = 40, 20, 32 if spec.title else 22
    x0, y0 = float(left), float(bottom)
    plot_w, plot_h = width - left - 8, height - bottom - top
    n = len(spec.x_labels)
    bounds = [b for b in (_bounds(s.values) for s in spec.lines) if b is not None]
    low, high = (min(b[0] for b in bounds), max(b[1] for b in bounds)) if bounds else (0.0, 1.0)
    if floor is not None:
        low = max(low, floor)
    y_min, y_max, y_step = nice_axis(low, high)
    if floor is not None:
        y_min = max(y_min, floor)
    # as many decimals as the step needs, so no label is rounded (97.5%, not 98%), and at
    # least the lab's for chemistry
    decimals = step_decimals(y_step * 100 if spec.percent else y_step, 0 if spec.percent else spec.decimals)
    runs: list[tuple[list[tuple[float, float]], Style, bool]] = []  # the points, the look, dotted
    for series in spec.lines:
        style = STYLES[series.kind]
        dotted = style[3] and markers and n <= MAX_MARKERS
        # a dot on every point: all points
        runs += [(run, style, dotted) for run in _runs(series.values, level_ends=not dotted)]
    if not runs:  # nothing to draw: the frame and axes alone
        runs = [([(0.0, y_min), (0.0, y_min)], (colors.white, 0.1, None, False), False)]
    x_max = max(1, n - 1)
    xs = charts.Scale(x0, plot_w, -0.5, x_max + 0.5)
    ys = charts.Scale(y0, plot_h, y_min, y_max)
    steps = list(range(0, n, _x_step(n)))
    labels = spec.x_labels

    def paint(canvas: Canvas) -> None:
        charts.bottom_axis(canvas, [xs(v) for v in steps], [(xs(v), labels[v]) for v in steps], y=y0, x0=x0,
                           x1=x0 + plot_w, font=font, color=INK, drop=2)
        values = charts.ticks(y_min, y_max, y_step)
        charts.left_axis(canvas, ys, values, lambda v: axis_text(v, decimals, spec.percent), x=x0, font=font,
                         color=INK)
        # none on the x axis
        charts.grid(canvas, [y for y in map(ys, values) if y != y0], x0, x0 + plot_w, GRID)
        for run, (color, stroke, dash, _dots), dotted in runs:
            points = [(xs(x), ys(y)) for x, y in run]
            charts.pen(canvas, color, stroke, dash=dash, join=1)
            charts.polyline(canvas, points)
            if dotted:
                charts.dots(canvas, points, 2.2, color)
        charts.pen(canvas, FAIL, 1.1)
        for i in spec.marked:
            value = spec.lines[0].values[i] if i < len(spec.lines[0].values) else None
            if value is not None:
                canvas.circle(x0 + (i + 0.5) / (x_max + 1) * plot_w,
                              y0 + (value - y_min) / (y_max - y_min) * plot_h, 3.6, stroke=1, fill=0)
        _legend(canvas, spec, font, x0, height - 9)
        if spec.title:
            charts.text(canvas, (x0, height - 21), fonts.visible(spec.title), font=font, size=7.5, color=INK)

    return charts.Chart(width, height, paint)


def _legend(canvas: Canvas, spec: LineChart, font: str, x: float, y: float) -> None:
    """Each kind of line once, with the labels of its lines ("UCL / LCL")."""
    kinds: dict[str, list[str]] = {}
    for series in spec.lines:
        kinds.setdefault(series.kind, [])
        if series.label not in kinds[series.kind]:
            kinds[series.kind].append(series.label)
    for kind, names in kinds.items():
        color, stroke, dash, _dots = STYLES[kind]
        label = " / ".join(names)
        charts.pen(canvas, color, stroke, dash=dash)
        canvas.line(x, y + 2.5, x + 14, y + 2.5)
        charts.text(canvas, (x + 17, y), fonts.visible(label), font=font, size=7, color=INK)
        x += 17 + stringWidth(label, font, 7) + 10


def _figures(figures: tuple[Figure, ...], st: Styles) -> Flowable:
    """The headline figures, label and value, two to a row; values aligned right."""
    rows = []
    for i in range(0, len(figures), 2):
        row: list[Flowable | str] = []
        for f in figures[i:i + 2]:
            row += [Paragraph(note_mark(f.label, f.note), st.body), Paragraph(text(f.text), st.cell["R"])]
        rows.append(row + [""] * (4 - len(row)))
    t = RLTable(rows, colWidths=[FRAME_W * w for w in (0.33, 0.15, 0.37, 0.15)])
    t.setStyle(RLTableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                             ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                             ("LEFTPADDING", (2, 0), (2, -1), 14)]))
    return t


def layout_report(report: PeriodReport) -> bytes:
    """The report as PDF bytes."""
    st = Styles()
    h = report.headings
    story = layout.opening(report.furniture, h["draft"], report.draft_reasons, st)
    story += [Paragraph(text(report.scope_line), st.body), Spacer(1, 2 * mm)]
    if report.empty:
        story += [Paragraph(text(h["no_heats"]), st.draft), Spacer(1, 2 * mm)]
    story += [layout.heading(h["figures"], st), _figures(report.figures, st)]
    story.append(layout.keep(layout.heading(h["trend"], st), line_chart(report.trend, st.font)))
    story.append(layout.keep(layout.heading(h["p_chart"], st),
                             line_chart(report.p_chart, st.font, floor=0.0)))
    # a long list of points flows on (its header repeats); a short one stays with its heading
    story += [layout.heading(h["violations"], st), layout.table(report.violations, st)]
    for key, data in (("converter", report.by_converter), ("shift", report.by_shift),
                      ("grade", report.by_grade)):
        story.append(layout.keep(layout.heading(h[key], st), layout.table(data, st)))
    story.append(pareto_section(report.pareto, report.pareto_table, h, st))
    story.append(layout.keep(layout.heading(h["chemistry"], st), layout.table(report.chemistry, st,
                                                                               FRAME_W * 0.8)))
    if report.imr_charts:
        charts = [line_chart(c, st.font, height=46 * mm, floor=0.0) for c in report.imr_charts]
        story.append(layout.keep(layout.heading(h["imr"], st), charts[0]))
        story += charts[1:]
    plan: list[Flowable] = [layout.heading(h["plan"], st)]
    if report.plan_chart is not None:
        plan.append(line_chart(report.plan_chart, st.font, floor=0.0, markers=False))
    plan += [Paragraph(text(line), st.body) for line in report.plan_lines]
    plan += [Spacer(1, 1.5 * mm), layout.table(report.plan_table, st, FRAME_W * 0.8)]
    story.append(layout.keep(*plan))
    story.append(layout.keep(layout.heading(h["records"], st), layout.table(report.records, st)))
    story.append(layout.keep(Spacer(1, 3 * mm), *layout.footnotes(report.footnotes, st)))
    return layout.render(story, report.furniture, f"{report.furniture.title} {report.furniture.subject}", st)


def build(store: Store, date_from: date, date_to: date, *, basis: str = "weight", scope: Scope = EVERYTHING,
          printed_at: datetime | None = None) -> bytes:
    """The period quality report of production dates from..to, as PDF bytes."""
    with layout.fewer_collections():
        return layout_report(period_report(store, date_from, date_to, basis=basis, scope=scope,
                                           printed_at=printed_at))


def build_period_report(store: Store, date_from: date, date_to: date, out: Path, *, basis: str | None = None,
                        scope: Scope = EVERYTHING, printed_at: datetime | None = None) -> Path:
    """Write the period quality report to `out` (whole or not at all); the leading basis is weight
    unless `basis` says count."""
    return layout.write(build(store, date_from, date_to, basis=basis or "weight", scope=scope,
                              printed_at=printed_at), out)
