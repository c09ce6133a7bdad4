"""The thin layer from report data to platypus flowables: styles, tables, page furniture.

Shared by the heat sheet and the daily report. Page furniture (header, footer,
"page x of y", the DRAFT stamp) is drawn by an onPage callable and a canvas that
knows the page count when the document is saved.
"""

from __future__ import annotations

import gc
import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle as RLTableStyle

from qcdesk.i18n import language
from reports import fonts
from reports.data import Footnote, Furniture, SignoffBlock, Table

PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 18 * mm
FRAME_PAD = 6  # platypus frames keep 6 pt on every side
FRAME_W = PAGE_W - 2 * MARGIN_X - 2 * FRAME_PAD

INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#666666")
RULE = colors.HexColor("#999999")
HEAD_BG = colors.HexColor("#e6e9ee")
TOTAL_BG = colors.HexColor("#f2f2f2")
FAIL = colors.HexColor("#b00020")
STAMP = colors.Color(0.75, 0.05, 0.05, alpha=0.22)
SEAL = colors.HexColor("#1b5e20")

_ALIGN = {"L": TA_LEFT, "R": TA_RIGHT, "C": TA_CENTER}


class Paragraph(RLParagraph):
    """reportlab's Paragraph, its lines broken once for a width: a table cell is wrapped three
    times or more at the same width (the table measures its rows, the page tries to keep it
    together, then places it), and each time gave the same lines."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # Paragraph.wrap
        # the lines depend on the width alone (the text and style are fixed); the height given
        # does not change them
        if availWidth == getattr(self, "_wrapped_for", None):
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        # kept only when the lines were broken for this width (no room at all is answered apart)
        self._wrapped_for = availWidth if size == (availWidth, getattr(self, "height", None)) else None
        return size


class Styles:
    """Paragraph styles in the report font; Chinese wraps between any two characters."""

    def __init__(self) -> None:
        self.font = fonts.register().name
        wrap = "CJK" if language() == "zh" else None
        base = ParagraphStyle("base", fontName=self.font, bulletFontName=self.font, fontSize=8.5,
                              leading=10.5, textColor=INK, wordWrap=wrap)
        self.body = base
        self.draft = ParagraphStyle("draft", base, textColor=FAIL)
        self.small = ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=GREY)
        self.title = ParagraphStyle("title", base, fontSize=15, leading=19, spaceAfter=2)
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=10.5, leading=13, textColor=GREY)
        self.heading = ParagraphStyle("heading", base, fontSize=10, leading=13, spaceBefore=7,
                                      spaceAfter=3)
        self.cell = {a: ParagraphStyle(f"cell{a}", base, fontSize=8, leading=9.8, alignment=al)
                     for a, al in _ALIGN.items()}
        self.head = {a: ParagraphStyle(f"head{a}", base, fontSize=7.5, leading=9, alignment=al)
                     for a, al in _ALIGN.items()}
        self.fail = {a: ParagraphStyle(f"fail{a}", self.cell[a], textColor=FAIL) for a in _ALIGN}


class Strong(Flowable):
    """A line of text in bold, for a table's total row: the reports' font has one weight only, so
    its letters are filled and outlined (text render mode 2), each run in its own font."""

    def __init__(self, value: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.value, self.style = value, style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # Flowable.wrap
        self.width = availWidth
        return availWidth, self.style.leading

    def draw(self) -> None:  # Flowable.draw
        canvas, st = self.canv, self.style
        font, size = st.fontName, st.fontSize
        width = fonts.string_width(self.value, font, size)
        x = {TA_RIGHT: self.width - width, TA_CENTER: (self.width - width) / 2}.get(st.alignment, 0.0)
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(size * 0.045)
        for name, run in fonts.segments(self.value):
            canvas.setFont(name or font, size)
            canvas.drawString(x, st.leading - size, run, mode=2)
            x += stringWidth(run, name or font, size)
        canvas.restoreState()


def text(value: str) -> str:
    """Plain text made safe for a Paragraph; a character the report font lacks is set in a
    font that has it, or shown as a mark (reports.fonts)."""
    out = []
    for font, run in fonts.segments(value):
        piece = escape(run).replace("\n", "<br/>")
        out.append(piece if font is None else f'<font name="{font}">{piece}</font>')
    return "".join(out)


def note_mark(label: str, note: int | None) -> str:
    return text(label) + (f"<super>{note}</super>" if note else "")


def table(data: Table, st: Styles, width: float = FRAME_W) -> Flowable:
    """A data table as a platypus table: header row, aligned columns, total row, failing cells."""
    if not data.rows:
        return Paragraph(text(data.empty), st.body)
    total_w = sum(c.width for c in data.columns)
    widths = [width * c.width / total_w for c in data.columns]
    head = [Paragraph(note_mark(c.label, c.note), st.head[c.align]) for c in data.columns]
    body: list[list[Any]] = [head]
    for r, row in enumerate(data.rows):
        cells = []
        for c, (value, col) in enumerate(zip(row, data.columns, strict=True)):
            failing = (r, c) in data.marked
            note = data.row_notes[r] if c == 0 and r < len(data.row_notes) else None
            markup = note_mark(value, note)
            cells.append(Paragraph(f"<b>{markup}</b>" if failing else markup,
                                   (st.fail if failing else st.cell)[col.align]))
        body.append(cells)
    if data.total is not None:
        body.append([Strong(v, st.cell[c.align]) if data.strong_total
                     else Paragraph(text(v), st.cell[c.align])
                     for v, c in zip(data.total, data.columns, strict=True)])
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, INK),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    rows_n = len(data.rows)
    for r in range(1, rows_n + 1):
        if r % 2 == 0:
            style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#fafafa")))
        style.append(("LINEBELOW", (0, r), (-1, r), 0.25, colors.HexColor("#d0d0d0")))
    if data.total is not None:
        style += [("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG), ("LINEABOVE", (0, -1), (-1, -1), 0.6, INK)]
    return RLTable(body, colWidths=widths, repeatRows=1, style=RLTableStyle(style), hAlign="LEFT")


def opening(furniture: Furniture, draft_line: str, reasons: Sequence[str], st: Styles) -> list[Flowable]:
    """Title and subject; beneath, when the document is a draft, `draft_line` with its reasons."""
    story: list[Flowable] = [Paragraph(text(furniture.title), st.title),
                             Paragraph(text(furniture.subject), st.subtitle), Spacer(1, 3 * mm)]
    if reasons:
        story += [Paragraph(text(draft_line.format(reasons="; ".join(reasons))), st.draft),
                  Spacer(1, 2 * mm)]
    return story


def heading(label: str, st: Styles) -> Paragraph:
    return Paragraph(text(label), st.heading)


def footnotes(notes: Sequence[Footnote], st: Styles) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 2 * mm)]
    for n in notes:
        mark = f"<super>{n.number}</super> " if n.number else ""
        out.append(Paragraph(mark + text(n.text), st.small))
    return out


def signatures(labels: Sequence[str], sign: str, date_label: str, st: Styles,
               *, height: float = 11 * mm, per_row: int = 1) -> Flowable:
    """A signature line per label: 'Inspector (signature) ________  Date ________', `per_row` of them
    side by side; `sign` is the pattern of the label ('{role} (signature)')."""
    cells = [[Paragraph(text(sign.format(role=label)), st.body), "", Paragraph(text(date_label), st.body), ""]
             for label in labels]
    rows = []
    for i in range(0, len(cells), per_row):
        group = cells[i:i + per_row]
        rows.append([c for cell in group for c in cell] + [""] * 4 * (per_row - len(group)))
    widths = [FRAME_W * w / per_row for w in (0.28, 0.37, 0.1, 0.25)] * per_row
    if per_row > 1:  # the label over the line's width, a gap before the next signature
        widths = [FRAME_W * w / per_row for w in (0.40, 0.27, 0.13, 0.20)] * per_row
    t = RLTable(rows, colWidths=widths, rowHeights=[height] * len(rows))
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    for k in range(per_row):
        style += [("LINEBELOW", (4 * k + 1, 0), (4 * k + 1, -1), 0.6, INK),
                  ("LINEBELOW", (4 * k + 3, 0), (4 * k + 3, -1), 0.6, INK),
                  ("ALIGN", (4 * k + 2, 0), (4 * k + 2, -1), "RIGHT")]
    t.setStyle(RLTableStyle(style))
    return t


def signoff(block: SignoffBlock, st: Styles) -> list[Flowable]:
    """The sign-off block: a row per signature, then a signed document's full hashes in small type."""
    out: list[Flowable] = [heading(block.heading, st), table(block.table, st)]
    if block.lines:
        out.append(Spacer(1, 1 * mm))
        out += [Paragraph(text(line), st.small) for line in block.lines]
    return out


def box(label: str, body: str, height: float, st: Styles) -> Flowable:
    """A framed box with a label and room to write in."""
    t = RLTable([[Paragraph(text(label), st.small)], [Paragraph(text(body), st.body)]],
                colWidths=[FRAME_W], rowHeights=[5 * mm, height])
    t.setStyle(RLTableStyle([("BOX", (0, 0), (-1, -1), 0.6, INK), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


# ------------------------------------------------------------ page furniture

HEADER_SIZE = 8.5
_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5)  # a long workshop name shrinks to these before it wraps further
_HEADER_GAP = 12.0  # points between the workshop's name and the document's title
# a line may break before or after any of these (Chinese, Japanese, Korean, full-width forms)
_CJK = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def _tokens(value: str) -> list[str]:
    """Where a line may break: runs of white space, each CJK character alone, runs of anything
    else. (Told apart one character at a time: a regular expression of these classes took a report
    5 ms to compile.)"""
    tokens: list[str] = []
    run, spaces = "", False
    for ch in value:
        space = ch.isspace()
        if not space and any(low <= ord(ch) <= high for low, high in _CJK):
            if run:
                tokens.append(run)
            tokens.append(ch)
            run = ""
            continue
        if run and space != spaces:
            tokens.append(run)
            run = ""
        run += ch
        spaces = space
    if run:
        tokens.append(run)
    return tokens


def wrap(value: str, font: str, size: float, width: float) -> list[str]:
    """The text in lines at most `width` points wide, broken at spaces or between Chinese
    characters (and inside a word only where the word alone is wider than a line)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(value):
        if fonts.string_width((line + token).rstrip(), font, size) <= width:
            line += token
            continue
        if token.isspace():
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for ch in token:  # longer than a line on its own (or the line was full): by characters
            if line and fonts.string_width(line + ch, font, size) > width:
                lines.append(line)
                line = ""
            line += ch
    if line.strip():
        lines.append(line.rstrip())
    return lines


def header_lines(workshop: str, right: str, font: str, width: float) -> tuple[float, list[str]]:
    """The workshop's name beside the document's title, on one line where both fit, else smaller
    (down to 6.5 pt), then over two or three lines: never into the title, never cut off."""
    room = width - fonts.string_width(right, font, HEADER_SIZE) - _HEADER_GAP
    for most in (1, 2, 3):
        for size in _SIZES:
            lines = wrap(workshop, font, size, room)
            if len(lines) <= most:
                return size, lines
    return _SIZES[-1], wrap(workshop, font, _SIZES[-1], room)


def on_page(furniture: Furniture, font: str) -> Callable[[Canvas, Any], None]:
    """The header, the printed-at line and, on a draft, the stamp: drawn on every page."""

    def draw(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        top = PAGE_H - 12 * mm
        canvas.setFillColor(GREY)
        left, right = MARGIN_X + FRAME_PAD, PAGE_W - MARGIN_X - FRAME_PAD
        title = f"{furniture.title} · {furniture.subject}"
        size, lines = header_lines(furniture.workshop, title, font, right - left)
        for i, line in enumerate(lines):  # the last line on the title's baseline, the others above it
            fonts.draw(canvas, (left, top + (len(lines) - 1 - i) * size * 1.15), line, font, size)
        fonts.draw(canvas, (right, top), title, font, HEADER_SIZE, align="R")
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        bottom = 10 * mm
        canvas.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        fonts.draw(canvas, (left, bottom), furniture.printed, font, 7.5)
        if furniture.signed:  # "SIGNED · audit chain head …", boxed, in the middle of the footer
            canvas.setFillColor(SEAL)
            canvas.setStrokeColor(SEAL)
            width = fonts.draw(canvas, (PAGE_W / 2, bottom), furniture.seal, font, 8, align="C")
            canvas.setLineWidth(0.7)
            canvas.rect(PAGE_W / 2 - width / 2 - 2.5, bottom - 2.5, width + 5, 10.5, stroke=1, fill=0)
        if furniture.draft:
            canvas.setFillColor(STAMP)
            canvas.setFont(font, 96)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, -30, furniture.draft_label)
        canvas.restoreState()

    return draw


def numbered_canvas(page_of: str, font: str) -> type[Canvas]:
    """A canvas that writes "Page x of y" once it knows how many pages there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", font)  # no unused Helvetica in the file
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        # Canvas.showPage: keep the page until the count is known
        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        # Canvas.save: stamp every kept page with its number, then write the file
        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 7.5)
                self.setFillColor(GREY)
                self.drawRightString(PAGE_W - MARGIN_X - FRAME_PAD, 10 * mm,
                                     page_of.format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def render(story: list[Flowable], furniture: Furniture, title: str, st: Styles) -> bytes:
    """Lay the story out on A4 pages with the furniture; the PDF as bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title,
                            author=furniture.workshop, subject=furniture.subject, creator="qcdesk")
    page = on_page(furniture, st.font)
    # streams compressed, not also spelt out in ASCII85 (reportlab's default, done in pure Python
    # here): the same pages, a quarter smaller and made faster
    ascii85, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story, onFirstPage=page, onLaterPages=page,
                  canvasmaker=numbered_canvas(furniture.page_of, st.font))
    finally:
        rl_config.useA85 = ascii85
    return buffer.getvalue()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector run less often while a document is made: it makes tens of
    thousands of small objects, nearly all of them alive until the end, and every collection
    walks them again (a quarter's period report: 45 ms of collecting, 9 ms so). The thresholds
    as they were afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def write(pdf: bytes, path: str | Path) -> Path:
    """Write a PDF to a file (whole or not at all)."""
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(pdf)
    partial.replace(target)
    return target


def nice_axis(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """A rounded axis min, max and step covering low..high in about `ticks` steps."""
    if high <= low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step
