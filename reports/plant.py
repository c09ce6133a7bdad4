"""The plant's quality report (a day, a month, a quarter, any span) laid out on A4: every workshop
of the plant's server the role may read, side by side, and the plant's figures; content from
`reports.plant_data`, charts as the period report draws them.

Never signed: the DRAFT stamp while any workshop's figures can still change.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from qcdesk.plant import plant_quality
from qcdesk.store.postgres import Server
from qcdesk.trends import Period
from reports import layout
from reports.daily import pareto_section
from reports.layout import Paragraph, Styles, text
from reports.period import line_chart
from reports.plant_data import PlantReport, plant_report


def layout_report(report: PlantReport) -> bytes:
    """The report as PDF bytes."""
    st = Styles()
    h = report.headings
    story = layout.opening(report.furniture, h["draft"], report.draft_reasons, st)
    if report.left_out:
        story += [Paragraph(text(report.left_out), st.body), Spacer(1, 2 * mm)]
    if report.empty:
        story += [Paragraph(text(h["no_heats"]), st.draft), Spacer(1, 2 * mm)]
    story += [layout.heading(h["workshops"], st), layout.table(report.workshops, st)]
    if report.trend is not None:
        story.append(layout.keep(layout.heading(h["trend"], st), line_chart(report.trend, st.font,
                                                                            height=62 * mm)))
    story.append(layout.keep(layout.heading(h["grade"], st), layout.table(report.by_grade, st)))
    story.append(pareto_section(report.pareto, report.pareto_table, h, st))
    story.append(layout.keep(Spacer(1, 3 * mm), *layout.footnotes(report.footnotes, st)))
    return layout.render(story, report.furniture, f"{report.furniture.title} {report.furniture.subject}", st)


def build(server: Server, period: Period, *, basis: str = "weight", user: str | None = None,
          printed_at: datetime | None = None) -> bytes:
    """The plant's quality report of `period`, read from every workshop of `server` the role may
    read, as PDF bytes."""
    quality = plant_quality(server, period, user=user)
    with layout.fewer_collections():
        return layout_report(plant_report(quality, basis=basis, printed_at=printed_at))


def write(server: Server, period: Period, out: Path, *, basis: str = "weight", user: str | None = None,
          printed_at: datetime | None = None) -> Path:
    """Write the plant's quality report to `out` (whole or not at all)."""
    return layout.write(build(server, period, basis=basis, user=user, printed_at=printed_at), out)
