"""The inspection sheet of one heat, laid out on A4 (the content comes from `reports.data`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from qcdesk.store import Store
from reports import layout
from reports.data import DASH, Figure, Footnote, HeatSheet, SignoffBlock, heat_sheet
from reports.lab_data import HeatLab, heat_lab
from reports.layout import FRAME_W, GREY, INK, Paragraph, Styles, note_mark, text


def _fields(pairs: tuple[tuple[str, str], ...], st: Styles) -> Flowable:
    """Label–value pairs, two to a row."""
    rows = []
    for i in range(0, len(pairs), 2):
        row = []
        for label, value in pairs[i:i + 2]:
            row += [Paragraph(text(label), st.small), Paragraph(text(value), st.body)]
        rows.append(row + [""] * (4 - len(row)))
    t = RLTable(rows, colWidths=[FRAME_W * w for w in (0.15, 0.37, 0.15, 0.33)])
    t.setStyle(RLTableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("LINEBELOW", (1, 0), (1, -1), 0.3, GREY),
                             ("LINEBELOW", (3, 0), (3, -1), 0.3, GREY),
                             ("TOPPADDING", (0, 0), (-1, -1), 2.5)]))
    return t


def _signoff_fields(block: SignoffBlock) -> tuple[tuple[str, str], ...]:
    """The sign-off as label–value pairs under the heat's fields: 'Shift: Evening' — 'signed ·
    wang (inspector) · 2025-03-10 20:00+00:00' (the full table is the daily report's)."""
    return tuple((row[0], " · ".join(cell for cell in row[1:4] if cell != DASH)) for row in block.table.rows)


def _figures(figures: tuple[Figure, ...], st: Styles) -> Flowable:
    """Figures, label and value, two to a row; values aligned right."""
    rows = []
    for i in range(0, len(figures), 2):
        row = []
        for f in figures[i:i + 2]:
            row += [Paragraph(note_mark(f.label, f.note), st.body), Paragraph(text(f.text), st.cell["R"])]
        rows.append(row + [""] * (4 - len(row)))
    t = RLTable(rows, colWidths=[FRAME_W * w for w in (0.34, 0.15, 0.36, 0.15)])
    t.setStyle(RLTableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, GREY),
                             ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                             ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
                             ("LEFTPADDING", (2, 0), (2, -1), 14)]))
    return t


def _lab(lab: HeatLab, st: Styles) -> list[Flowable]:
    """The samples from the lab and the product analyses, judged element by element."""
    out: list[Flowable] = []
    if lab.samples is not None:
        out.append(layout.keep(layout.heading(lab.headings["samples"], st), layout.table(lab.samples, st)))
    if lab.product is not None:
        out.append(layout.keep(layout.heading(lab.headings["product"], st),
                               Paragraph(text(lab.basis), st.body), Spacer(1, 1.5 * mm),
                               layout.table(lab.product, st)))
    return out


def layout_sheet(sheet: HeatSheet, lab: HeatLab | None = None) -> bytes:
    """The sheet as PDF bytes; with `lab`, the heat's samples and product analyses too."""
    st = Styles()
    h = sheet.headings
    story = layout.opening(sheet.furniture, h["draft"], sheet.draft_reasons, st)
    story.append(_fields(sheet.fields + (_signoff_fields(sheet.signoff) if sheet.signoff else ()), st))
    story.append(layout.keep(
        layout.heading(h["analysis"], st),
        Paragraph(text(h["chemistry"].format(verdict=sheet.verdict)), st.body), Spacer(1, 1.5 * mm),
        layout.table(sheet.analysis, st, FRAME_W * 0.7)))
    story += _lab(lab, st) if lab else []
    story += [layout.heading(h["ingots"], st), layout.table(sheet.ingots, st)]
    story.append(layout.keep(layout.heading(h["totals"], st), _figures(sheet.totals, st)))
    story += [Spacer(1, 3 * mm), layout.box(h["notes"], sheet.notes, 11 * mm, st)]
    lab_notes = tuple(Footnote(None, n) for n in (lab.notes if lab else ()))
    story += layout.footnotes((*sheet.footnotes, *lab_notes), st)
    if sheet.signoff and sheet.signoff.lines:  # a signed sheet: the full hashes, in small type
        story += [Spacer(1, 1 * mm), *(Paragraph(text(line), st.small) for line in sheet.signoff.lines)]
    story += [Spacer(1, 3 * mm), layout.signatures(sheet.signatures, h["signature"], h["date"], st,
                                                             height=10 * mm, per_row=2)]
    return layout.render(story, sheet.furniture, f"{sheet.furniture.title} {sheet.heat_no}", st)


def build(store: Store, heat_no: str, printed_at: datetime | None = None) -> bytes:
    """The inspection sheet of a heat, as PDF bytes."""
    return layout_sheet(heat_sheet(store, heat_no, printed_at), heat_lab(store, heat_no))


def write(store: Store, heat_no: str, path: str | Path, printed_at: datetime | None = None) -> Path:
    return layout.write(build(store, heat_no, printed_at), path)
