"""The daily quality report of a production date, laid out on A4 (content from `reports.data`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from qcdesk.store import Store
from qcdesk.store.queries import RecordBests
from reports import charts, fonts, layout
from reports.data import DailyReport, ParetoBar, Table, daily_report
from reports.lab_data import DailyLab, daily_lab
from reports.layout import FRAME_W, INK, Paragraph, Styles, nice_axis, text

BAR = colors.HexColor("#4a6fa5")
LINE = colors.HexColor("#c0392b")
GRID = colors.HexColor("#dddddd")


def pareto_section(bars: tuple[ParetoBar, ...], table: Table, h: Mapping[str, str], st: Styles) -> Flowable:
    """The defect Pareto of a report, kept together: its heading (`h["pareto"]`), the chart when
    there are bars (its axes named by `h["chart_ingots"]` and `h["chart_cumulative"]`) and the table."""
    pareto: list[Flowable] = [layout.heading(h["pareto"], st)]
    if bars:
        pareto += [pareto_chart(bars, st.font, h["chart_ingots"], h["chart_cumulative"]), Spacer(1, 2 * mm)]
    pareto.append(layout.table(table, st))
    return layout.keep(*pareto)


def pareto_chart(bars: tuple[ParetoBar, ...], font: str, ingots_label: str, cumulative_label: str, *,
                 width: float = FRAME_W, height: float = 52 * mm) -> Flowable:
    """Bars of ingots per defect, most frequent first, with the cumulative share as a line; drawn
    as reportlab's VerticalBarChart draws its bars and axes (`reports.charts`)."""
    x0, y0 = 28.0, 18.0
    plot_w, plot_h = width - 70, height - 32
    n = len(bars)
    top = max((b.ingots for b in bars), default=1)
    step = max(1, math.ceil(nice_axis(0, top)[2]))  # round steps of whole ingots: 50, 100, … not 47, 94, …
    ys = charts.Scale(y0, plot_h, 0, max(1, math.ceil(top / step)) * step)
    values = charts.ticks(ys.lo, ys.hi, step)
    slot = plot_w / float(n or 1)
    scaled = slot / 16  # a bar 10 parts wide, 3 parts either side (reportlab's bar and group spacing)
    right = x0 + plot_w

    def paint(canvas: Canvas) -> None:
        charts.grid(canvas, [ys(v) for v in values], x0, right, GRID)
        canvas.setFillColor(BAR)
        for i, b in enumerate(bars):
            canvas.rect(x0 + i * slot + 0.5 * 6 * scaled, ys(0), 10 * scaled, ys(b.ingots) - ys(0), stroke=0,
                        fill=1)
        charts.bottom_axis(canvas, [x0 + i * slot for i in range(n + 1)],
                           [(x0 + (i + 0.5) * slot, fonts.visible(b.code)) for i, b in enumerate(bars)],
                           y=y0, x0=x0, x1=right, font=font, color=INK, drop=2)
        charts.left_axis(canvas, ys, values, lambda v: str(int(v)), x=x0, font=font, color=INK)
        charts.pen(canvas, LINE, 1.3)
        if n:
            charts.polyline(canvas, [(x0 + (i + 0.5) * slot, y0 + b.cumulative * plot_h)
                                     for i, b in enumerate(bars)])
        charts.pen(canvas, LINE, 0.6)
        canvas.line(right, y0, right, y0 + plot_h)
        for pct in (0, 25, 50, 75, 100):
            y = y0 + pct / 100 * plot_h
            charts.pen(canvas, LINE, 0.6)
            canvas.line(right, y, right + 3, y)
            charts.text(canvas, (right + 5, y - 2.5), f"{pct}%", font=font, size=7, color=LINE)
        charts.text(canvas, (x0, y0 + plot_h + 5), fonts.visible(ingots_label), font=font, size=7, color=BAR)
        cumulative = fonts.visible(cumulative_label)  # its end at the right of the plot
        charts.text(canvas, (right - stringWidth(cumulative, font, 7), y0 + plot_h + 5), cumulative,
                    font=font, size=7, color=LINE)

    return charts.Chart(width, height, paint)


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
    story.append(pareto_section(report.pareto, report.pareto_table, h, st))
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


def build(store: Store, day: date, printed_at: datetime | None = None, *,
          bests: Callable[[], RecordBests] | None = None) -> bytes:
    """The daily quality report of a production date, as PDF bytes; `bests`: what gives the records
    of the days before it, if they are being read already (`reports.data.bests_ahead`)."""
    with layout.fewer_collections():
        return layout_report(daily_report(store, day, printed_at, bests=bests), daily_lab(store, day))


def write(store: Store, day: date, path: str | Path, printed_at: datetime | None = None, *,
          bests: Callable[[], RecordBests] | None = None) -> Path:
    return layout.write(build(store, day, printed_at, bests=bests), path)
