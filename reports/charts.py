"""Charts drawn straight onto the page: what the reports' line and bar charts are made of.

A chart is a flowable that draws its axes, grid, bars, lines, markers and labels with the
canvas's own operations, where reportlab's chart widgets (LinePlot, VerticalBarChart, their
value and category axes) would draw the same lines and text in the same places, but first
build a tree of widgets and shapes and then render it shape by shape: a quarter's period
report spent a tenth of a second on its fourteen charts that way, now a few milliseconds,
and no report imports reportlab's graphics package any more (issue 17).

The geometry is that of those widgets with the settings the reports gave them: value axes
from a given minimum, maximum and step, ticks 5 points long, tick labels 7 points, grid lines
a quarter point wide. tests/test_charts.py draws each chart both ways and compares what
lands on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

TICK = 5.0  # length of a tick mark, outwards from its axis
LABEL_SIZE = 7.0  # tick labels, in points
GRID_WIDTH = 0.25
AXIS_WIDTH = 1.0
MARKER_WIDTH = 0.1  # the outline of a filled point marker

Point = tuple[float, float]


class Chart(Flowable):
    """A drawing of a fixed size, made by `paint(canvas)` with (0, 0) at its lower left corner."""

    def __init__(self, width: float, height: float, paint: Callable[[Canvas], None]) -> None:
        super().__init__()
        self.width, self.height = width, height
        self._paint = paint

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # Flowable.wrap
        return self.width, self.height

    def draw(self) -> None:  # Flowable.draw
        self._paint(self.canv)


@dataclass(frozen=True)
class Scale:
    """Values lo..hi onto `length` points from `origin`, as a reportlab value axis scales them."""

    origin: float
    length: float
    lo: float
    hi: float

    def __call__(self, value: float) -> float:
        return self.origin + self.length / float(self.hi - self.lo) * (value - self.lo)


def ticks(lo: float, hi: float, step: float) -> list[float]:
    """The tick values of a value axis from lo to hi by step: the multiples of the step inside
    the range (a hundred-millionth of a step of slack at each end), as reportlab counts them."""
    fuzz = 1e-8 * step
    first = int(float(lo) / step)
    if first * step < lo - fuzz:
        first += 1
    last = int(float(hi) / step)
    if last * step > hi + fuzz:
        last -= 1
    return [i * step for i in range(first, last + 1)]


def pen(canvas: Canvas, color: Color, width: float, *, dash: Sequence[float] | None = None,
        join: int = 0) -> None:
    """Stroke with this colour, width, dash (None: solid) and line join; butt caps."""
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width)
    canvas.setLineCap(0)
    canvas.setLineJoin(join)
    canvas.setDash(list(dash) if dash else [])


def polyline(canvas: Canvas, points: Sequence[Point]) -> None:
    """A stroked line through the points, in order."""
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for x, y in points[1:]:
        path.lineTo(x, y)
    canvas.drawPath(path, stroke=1, fill=0)


def text(canvas: Canvas, at: Point, value: str, *, font: str, size: float, color: Color = black) -> None:
    """A line of text from `at`, on its baseline."""
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    canvas.drawString(at[0], at[1], value)


def left_axis(canvas: Canvas, scale: Scale, values: Sequence[float], label: Callable[[float], str], *,
              x: float, font: str, color: Color) -> None:
    """A vertical value axis at x from its scale's origin over its length, a tick to the left of
    it at each value, and the value's label right-aligned against the tick."""
    pen(canvas, color, AXIS_WIDTH)
    canvas.line(x, scale.origin, x, scale.origin + scale.length)
    at = [scale(v) for v in values]
    for y in at:
        canvas.line(x, y, x - TICK, y)
    # a label's middle on its tick: half a line above the tick, less the type size
    lift = 0.5 * LABEL_SIZE * 1.2 - LABEL_SIZE
    for v, y in zip(values, at, strict=True):
        shown = label(v)
        text(canvas, (x - TICK - stringWidth(shown, font, LABEL_SIZE), y + lift), shown, font=font,
             size=LABEL_SIZE)


def bottom_axis(canvas: Canvas, tick_at: Sequence[float], labels: Sequence[tuple[float, str]], *,
                y: float, x0: float, x1: float, font: str, color: Color, drop: float) -> None:
    """A horizontal axis at y from x0 to x1, a tick below it at each of `tick_at`, and each label
    centred under its x, the label's top `drop` points below the axis."""
    pen(canvas, color, AXIS_WIDTH)
    canvas.line(x0, y, x1, y)
    for x in tick_at:
        canvas.line(x, y, x, y - TICK)
    for x, shown in labels:
        left = x - 0.5 * stringWidth(shown, font, LABEL_SIZE)
        text(canvas, (left, y - drop - LABEL_SIZE), shown, font=font, size=LABEL_SIZE)


def grid(canvas: Canvas, ys: Sequence[float], x0: float, x1: float, color: Color) -> None:
    """Horizontal grid lines across x0..x1."""
    pen(canvas, color, GRID_WIDTH)
    for y in ys:
        canvas.line(x0, y, x1, y)


def dots(canvas: Canvas, points: Sequence[Point], size: float, color: Color) -> None:
    """A filled circle of this diameter on each point."""
    pen(canvas, color, MARKER_WIDTH)
    canvas.setFillColor(color)
    for x, y in points:
        canvas.circle(x, y, size / 2.0, stroke=1, fill=1)
