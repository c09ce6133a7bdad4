"""The period quality report (a month, a quarter, any span) laid out on A4; content from
`reports.period_data`, charts drawn with reportlab graphics.

It is never signed: it carries the DRAFT stamp while its figures can still change (see
`period_data`), and no SIGNED seal otherwise.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import cast

from reportlab.graphics.charts.axes import XValueAxis, YValueAxis
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import flatten, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from qcdesk.model import EVERYTHING, Scope
from qcdesk.store import Store
from reports import fonts, layout
from reports.daily import pareto_chart
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


class _LinePlot(LinePlot):
    """LinePlot, its lines made faster when none has markers, labels or fills (the individuals
    and plan charts: hundreds of points): each line is the PolyLine LinePlot makes, without its
    look, point by point, for a marker or label no point has."""

    def makeLines(self) -> Group:  # LinePlot.makeLines
        lines = self.lines
        positions = getattr(self, "_positions", None)
        if positions is None or not hasattr(self, "_pairInFills"):  # another reportlab: its own way
            return super().makeLines()
        styles = [lines[i % len(lines)] for i in range(len(positions))]
        plain = (self.lineLabelFormat is None and not getattr(self, "_inFill", None) and not self._pairInFills
                 and not self.reversePlotOrder and not getattr(self, "_bubblePlot", None)
                 and all(getattr(s, "lineStyle", None) == "joinedLine"
                         and not any(getattr(s, a, None) for a in ("symbol", "inFill", "shader"))
                         for s in styles))
        if not plain:
            return super().makeLines()
        group = Group()
        into = getattr(self, "_lineG", group)
        for row, style in zip(positions, styles, strict=True):
            line = PolyLine(flatten(row), strokeColor=getattr(style, "strokeColor", None), strokeLineCap=0,
                            strokeLineJoin=1)
            width = style.strokeWidth if hasattr(style, "strokeWidth") else getattr(lines, "strokeWidth", 0)
            if width:
                line.strokeWidth = width
            dash = getattr(style, "strokeDashArray", None)
            if dash:
                line.strokeDashArray = dash
            into.add(line)
        return group


class _TickLabels:
    """The tick labels of a value axis made as reportlab's Label widget draws itself (a group
    moved to the tick, the text in it) without making the widget for each tick: the labels were
    half of an individuals chart's drawing. Only the plain labels the charts here have (one
    format function, no box, padding or angle); any other as the axis makes them."""

    def makeTickLabels(self) -> Group:  # ValueAxis.makeTickLabels
        labels = self.labels  # type: ignore[attr-defined]
        if not self.visibleLabels:  # type: ignore[attr-defined]
            return Group()
        if not self._plain_labels():
            return super().makeTickLabels()  # type: ignore[misc]
        font, size, colour = labels.fontName, labels.fontSize, labels.fillColor
        north = labels.boxAnchor == "n"
        leading = size * 1.2  # as Label: no leading given, no ascent and descent asked for
        ratio = 1 / 1.2
        at = [self._x, self._y]  # type: ignore[attr-defined]
        d = self._dataIndex  # type: ignore[attr-defined]
        at[1 - d] = self._labelAxisPos()  # type: ignore[attr-defined]
        group = Group()
        for tick in self._tickValues:  # type: ignore[attr-defined]
            at[d] = self.scale(tick)  # type: ignore[attr-defined]
            lines = simpleSplit(self.labelTextFormat(tick), font, size, None)  # type: ignore[attr-defined]
            width = max((stringWidth(line, font, size) for line in lines), default=0)
            label = Group()  # Label._rawDraw, box anchor "n" (below the tick) or "e" (left of it)
            label.translate(at[0] + labels.dx, at[1] + labels.dy)
            label.rotate(0)
            y = (-0 if north else 0.5 * (leading * len(lines))) - leading * ratio
            for line in lines:
                shown = String(-width * 0.5 if north else 0 - width, y, line)
                shown.textAnchor = "start"
                shown.fontName = font
                shown.fontSize = size
                shown.fillColor = colour
                label.add(shown)
                y -= leading
            group.add(label)
        return group

    def _plain_labels(self) -> bool:
        labels = self.labels  # type: ignore[attr-defined]
        if not all(hasattr(self, a) for a in ("_x", "_y", "_dataIndex", "_labelAxisPos", "_tickValues",
                                              "_labelTextFormat", "scale")) \
                or not hasattr(labels, "_children"):
            return False  # another reportlab: the axis makes its labels its own way
        return bool(
            not labels._children and self._labelTextFormat is None  # type: ignore[attr-defined]
            and callable(self.labelTextFormat) and not hasattr(self.labelTextFormat, "calcPlaces")  # type: ignore[attr-defined]
            and self.labelTextPostFormat is None and self.labelTextScale is None  # type: ignore[attr-defined]
            and self.skipEndL == "none" and not self.keepTickLabelsInside  # type: ignore[attr-defined]
            and labels.visible and labels.angle == 0 and labels.boxAnchor in ("n", "e")
            and labels.textAnchor == "start" and not labels.boxFillColor
            and not (labels.boxStrokeColor and labels.boxStrokeWidth) and not labels.strokeColor
            and labels.leading is None and labels.width is None and labels.maxWidth is None
            and labels.height is None and not labels.useAscentDescent
            and not getattr(labels, "ddfKlass", None) and not getattr(labels, "customDrawChanger", None)
            and labels.topPadding == labels.bottomPadding == labels.leftPadding == labels.rightPadding == 0)


class _XAxis(_TickLabels, XValueAxis):
    pass


class _YAxis(_TickLabels, YValueAxis):
    pass


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
}


def line_chart(spec: LineChart, font: str, *, width: float = FRAME_W, height: float = 55 * mm,
               floor: float | None = None, markers: bool = True) -> Drawing:
    """A LinePlot of the chart's lines, each drawn as its kind is (STYLES); points marked by the
    data are ringed in red; the legend above the plot. `floor`: the y axis starts no lower."""
    drawing = Drawing(width, height)
    plot = _LinePlot()
    plot.xValueAxis, plot.yValueAxis = _XAxis(), _YAxis()
    left, bottom, top = 40, 20, 32 if spec.title else 22
    plot.x, plot.y = left, bottom
    plot.width, plot.height = width - left - 8, height - bottom - top
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
    data: list[list[tuple[float, float]]] = []
    styles: list[Style] = []
    for series in spec.lines:
        style = STYLES[series.kind]
        dotted = style[3] and markers and n <= MAX_MARKERS
        for run in _runs(series.values, level_ends=not dotted):  # a dot on every point: all points
            data.append(run)
            styles.append(style)
    if not data:  # nothing to draw: the frame and axes alone
        data, styles = [[(0.0, y_min), (0.0, y_min)]], [(colors.white, 0.1, None, False)]
    plot.data = data
    for i, (color, stroke, dash, dots) in enumerate(styles):
        plot.lines[i].strokeColor = color
        plot.lines[i].strokeWidth = stroke
        if dash:
            plot.lines[i].strokeDashArray = list(dash)
        if dots and markers and n <= MAX_MARKERS:
            plot.lines[i].symbol = makeMarker("FilledCircle", size=2.2, fillColor=color, strokeColor=color)
    x_max = max(1, n - 1)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, x_max + 0.5
    plot.xValueAxis.valueSteps = list(range(0, n, _x_step(n)))
    labels = spec.x_labels
    plot.xValueAxis.labelTextFormat = lambda v: labels[round(v)] if 0 <= round(v) < n else ""
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = y_min, y_max, y_step
    plot.yValueAxis.labelTextFormat = lambda v: axis_text(v, decimals, spec.percent)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
        axis.strokeColor = INK
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = GRID
    plot.xValueAxis.labels.dy = -2
    drawing.add(plot)
    for i in spec.marked:
        value = spec.lines[0].values[i] if i < len(spec.lines[0].values) else None
        if value is not None:
            cx = plot.x + (i + 0.5) / (x_max + 1) * plot.width
            cy = plot.y + (value - y_min) / (y_max - y_min) * plot.height
            drawing.add(Circle(cx, cy, 3.6, strokeColor=FAIL, strokeWidth=1.1, fillColor=None))
    _legend(drawing, spec, font, plot.x, height - 9)
    if spec.title:
        drawing.add(String(plot.x, height - 21, fonts.visible(spec.title), fontName=font, fontSize=7.5,
                           fillColor=INK))
    return drawing


def _legend(drawing: Drawing, spec: LineChart, font: str, x: float, y: float) -> None:
    """Each kind of line once, with the labels of its lines ("UCL / LCL")."""
    kinds: dict[str, list[str]] = {}
    for series in spec.lines:
        kinds.setdefault(series.kind, [])
        if series.label not in kinds[series.kind]:
            kinds[series.kind].append(series.label)
    for kind, names in kinds.items():
        color, stroke, dash, _dots = STYLES[kind]
        label = " / ".join(names)
        drawing.add(Line(x, y + 2.5, x + 14, y + 2.5, strokeColor=color, strokeWidth=stroke,
                         strokeDashArray=list(dash) if dash else None))
        drawing.add(String(x + 17, y, fonts.visible(label), fontName=font, fontSize=7, fillColor=INK))
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
    pareto: list[Flowable] = [layout.heading(h["pareto"], st)]
    if report.pareto:
        pareto += [pareto_chart(report.pareto, st.font, h["chart_ingots"], h["chart_cumulative"]),
                   Spacer(1, 2 * mm)]
    pareto.append(layout.table(report.pareto_table, st))
    story.append(layout.keep(*pareto))
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
