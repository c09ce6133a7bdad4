"""The reports' charts as reportlab's own chart widgets draw them: the reference for tests/test_charts.py.

These are the daily report's Pareto chart and the period report's line charts as they were
made before issue 17 drew them straight onto the page (`reports.charts`): a VerticalBarChart
and a LinePlot with value axes, set up as the reports set them up, in a Drawing. What they put
on a page is what the reports' own charts must put there.
"""

from __future__ import annotations

import math

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports import fonts
from reports.data import ParetoBar
from reports.layout import FAIL, FRAME_W, INK, nice_axis
from reports.period import MAX_MARKERS, STYLES, _bounds, _runs, _x_step, axis_text, step_decimals
from reports.period_data import LineChart

BAR = colors.HexColor("#4a6fa5")
LINE = colors.HexColor("#c0392b")
GRID = colors.HexColor("#dddddd")


def pareto_chart(bars: tuple[ParetoBar, ...], font: str, ingots_label: str, cumulative_label: str, *,
                 width: float = FRAME_W, height: float = 52 * mm) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 18
    chart.width, chart.height = width - 70, height - 32
    chart.data = [[b.ingots for b in bars]]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    chart.groupSpacing = 6
    chart.categoryAxis.categoryNames = [fonts.visible(b.code) for b in bars]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = INK
    top = max((b.ingots for b in bars), default=1)
    step = max(1, math.ceil(nice_axis(0, top)[2]))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, math.ceil(top / step)) * step
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = INK
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.labelTextFormat = "%d"
    drawing.add(chart)
    n = len(bars)
    if n:
        slot = chart.width / n
        points: list[float] = []
        for i, b in enumerate(bars):
            points += [chart.x + (i + 0.5) * slot, chart.y + b.cumulative * chart.height]
        drawing.add(PolyLine(points, strokeColor=LINE, strokeWidth=1.3))
    right = chart.x + chart.width
    drawing.add(Line(right, chart.y, right, chart.y + chart.height, strokeColor=LINE, strokeWidth=0.6))
    for pct in (0, 25, 50, 75, 100):
        y = chart.y + pct / 100 * chart.height
        drawing.add(Line(right, y, right + 3, y, strokeColor=LINE, strokeWidth=0.6))
        drawing.add(String(right + 5, y - 2.5, f"{pct}%", fontName=font, fontSize=7, fillColor=LINE))
    drawing.add(String(chart.x, chart.y + chart.height + 5, fonts.visible(ingots_label), fontName=font,
                       fontSize=7, fillColor=BAR))
    drawing.add(String(right, chart.y + chart.height + 5, fonts.visible(cumulative_label), fontName=font,
                       fontSize=7, fillColor=LINE, textAnchor="end"))
    return drawing


def line_chart(spec: LineChart, font: str, *, width: float = FRAME_W, height: float = 55 * mm,
               floor: float | None = None, markers: bool = True) -> Drawing:
    drawing = Drawing(width, height)
    plot = LinePlot()
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
    decimals = step_decimals(y_step * 100 if spec.percent else y_step, 0 if spec.percent else spec.decimals)
    data: list[list[tuple[float, float]]] = []
    styles = []
    for series in spec.lines:
        style = STYLES[series.kind]
        dotted = style[3] and markers and n <= MAX_MARKERS
        for run in _runs(series.values, level_ends=not dotted):
            data.append(run)
            styles.append(style)
    if not data:
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
    kinds: dict[str, list[str]] = {}
    for series in spec.lines:
        kinds.setdefault(series.kind, [])
        if series.label not in kinds[series.kind]:
            kinds[series.kind].append(series.label)
    x, y = plot.x, height - 9
    for kind, names in kinds.items():
        color, stroke, dash, _dots = STYLES[kind]
        label = " / ".join(names)
        drawing.add(Line(x, y + 2.5, x + 14, y + 2.5, strokeColor=color, strokeWidth=stroke,
                         strokeDashArray=list(dash) if dash else None))
        drawing.add(String(x + 17, y, fonts.visible(label), fontName=font, fontSize=7, fillColor=INK))
        x += 17 + stringWidth(label, font, 7) + 10
    if spec.title:
        drawing.add(String(plot.x, height - 21, fonts.visible(spec.title), fontName=font, fontSize=7.5,
                           fillColor=INK))
    return drawing
