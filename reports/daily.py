"""The daily quality report of a production date, laid out on A4 (content from `reports.data`)."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from qcdesk.store import Store
from reports import fonts, layout
from reports.data import DailyReport, ParetoBar, daily_report
from reports.lab_data import DailyLab, daily_lab
from reports.layout import FRAME_W, INK, Paragraph, Styles, nice_axis, text

BAR = colors.HexColor("#4a6fa5")
LINE = colors.HexColor("#c0392b")


def pareto_chart(bars: tuple[ParetoBar, ...], font: str, ingots_label: str, cumulative_label: str, *,
                 width: float = FRAME_W, height: float = 52 * mm) -> Drawing:
    """Bars of ingots per defect, most frequent first, with the cumulative share as a line."""
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
    step = max(1, math.ceil(nice_axis(0, top)[2]))  # round steps of whole ingots: 50, 100, … not 47, 94, …
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, math.ceil(top / step)) * step
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = INK
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
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


def layout_report(report: DailyReport, lab: DailyLab | None = None) -> bytes:
    """The report as PDF bytes; with `lab`, the product analyses and the re-graded ingots too."""
    st = Styles()
    h = report.headings
    story = layout.opening(report.furniture, h["draft"], report.draft_reasons, st)
    story += [layout.heading(h["summary"], st), layout.table(report.summary, st, FRAME_W * 0.85)]
    if lab is not None and lab.failing_line:  # said where the rates are given
        story += [Spacer(1, 1.5 * mm), Paragraph(text(lab.failing_line), st.body)]
    if report.quarter_plan:
        story += [Spacer(1, 1.5 * mm), Paragraph(text(report.quarter_plan), st.body)]
    records = [Paragraph("• " + text(r), st.body) for r in report.records] or [
        Paragraph(text(h["no_records"]), st.body)]
    story.append(layout.keep(layout.heading(h["records"], st), *records))
    for key, data in (("converter", report.by_converter), ("shift", report.by_shift),
                      ("grade", report.by_grade)):
        story.append(layout.keep(layout.heading(h[key], st), layout.table(data, st)))
    pareto: list[Flowable] = [layout.heading(h["pareto"], st)]
    if report.pareto:
        pareto += [pareto_chart(report.pareto, st.font, h["chart_ingots"], h["chart_cumulative"]),
                   Spacer(1, 2 * mm)]
    pareto.append(layout.table(report.pareto_table, st))
    story.append(layout.keep(*pareto))
    story.append(layout.keep(layout.heading(h["nonconforming"], st), layout.table(report.nonconforming, st)))
    if lab is not None and lab.failing.rows:  # a day without either says nothing of it
        story.append(layout.keep(layout.heading(lab.headings["failing"], st), layout.table(lab.failing, st)))
    if lab is not None and lab.regraded.rows:
        story.append(layout.keep(layout.heading(lab.headings["regraded"], st),
                                 layout.table(lab.regraded, st)))
    # the notes, the formulas, the sign-off and the signature line go over a page together: the
    # sign-off is never left alone on a last page, away from what it signs off
    closing: list[Flowable] = layout.signoff(report.signoff, st) if report.signoff else []
    story.append(layout.keep(
        Spacer(1, 4 * mm), layout.box(h["notes"], "", 18 * mm, st),
        *layout.footnotes(report.footnotes, st), *closing, Spacer(1, 2 * mm),
        layout.signatures(report.signatures, h["signature"], h["date"], st)))
    return layout.render(story, report.furniture, f"{report.furniture.title} {report.day}", st)


def build(store: Store, day: date, printed_at: datetime | None = None) -> bytes:
    """The daily quality report of a production date, as PDF bytes."""
    with layout.fewer_collections():
        return layout_report(daily_report(store, day, printed_at), daily_lab(store, day))


def write(store: Store, day: date, path: str | Path, printed_at: datetime | None = None) -> Path:
    return layout.write(build(store, day, printed_at), path)
