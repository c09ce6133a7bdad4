"""Chart pieces of the trends view: axes whose text we write ourselves, series built in one
call, and a chart view that saves itself and says where it was clicked.

Axes are QCategoryAxis with labels placed on values: the text of every tick is ours, so a
percentage reads "96.5%" and never "-0.0%", and a date axis shows only as many bucket keys
as fit. Series are filled with `replace` (one call, not an append per point) and charts are
never animated, so a chart of thousands of points is built in a few milliseconds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCharts import (
    QAbstractAxis,
        QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QXYSeries,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QFont, QFontMetrics, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from qcdesk import trends
from qcdesk.errors import QcError
from qcdesk.outputs import check_target
from ui.common import warn

BLUE = QColor("#1f5fa8")
GREEN = QColor("#2e7d32")
RED = QColor("#c62828")
GREY = QColor("#555555")
ORANGE = QColor("#e65100")
DARK = QColor("#263238")
TEAL = QColor("#00796b")  # calm: a p-chart's points better than usual (fewer non-qualified)

Table = trends.Table


# ------------------------------------------------------------------ numbers on axes


def nice_step(span: float, ticks: int) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals."""
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10 * power


def nice_range(values: Sequence[float], *, ticks: int = 5, floor: float | None = None,
               ceiling: float | None = None, least_span: float = 0.0) -> tuple[float, float, float]:
    """A range holding every value, on round ticks (lo, hi, step); never below `floor` nor
    above `ceiling` unless a value is; at least `least_span` wide (a flat line gets room)."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo < least_span:
        middle = (hi + lo) / 2
        lo, hi = middle - least_span / 2, middle + least_span / 2
    if hi - lo <= 0:
        lo, hi = lo - max(abs(lo) * 0.1, 1e-6), hi + max(abs(hi) * 0.1, 1e-6)
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    if floor is not None and lo < floor <= min(finite, default=floor):
        lo = floor
    if ceiling is not None and hi > ceiling >= max(finite, default=ceiling):
        hi = ceiling
    step = nice_step(hi - lo, ticks)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return first * step, last * step, step


def decimals_for(step: float) -> int:
    """Enough decimals to tell ticks `step` apart."""
    if step >= 1:
        return 0 if float(step).is_integer() else 1
    return max(0, -math.floor(math.log10(step) + 1e-9)) + (0 if (step * 10 ** -math.floor(
        math.log10(step) + 1e-9)).is_integer() else 1)


def number_text(value: float, decimals: int, suffix: str = "") -> str:
    """A tick's text: grouped thousands, never a negative zero."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text + suffix


def value_axis(values: Sequence[float], *, suffix: str = "", least_decimals: int = 0,
               floor: float | None = None, ceiling: float | None = None, least_span: float = 0.0,
               ticks: int = 5, title: str = "") -> QCategoryAxis:
    """A value axis on round ticks holding every value, its labels written by number_text."""
    lo, hi, step = nice_range(values, ticks=ticks, floor=floor, ceiling=ceiling, least_span=least_span)
    decimals = max(least_decimals, decimals_for(step))
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(lo, hi)
    axis.setStartValue(lo)
    count = round((hi - lo) / step)
    for i in range(count + 1):
        value = lo + i * step
        axis.append(number_text(value, decimals, suffix), value)
    if title:
        axis.setTitleText(title)
    return axis


def starts_of(labels: Sequence[str]) -> list[tuple[int, str]]:
    """Where each label starts (a blank one or a repeat of the one before is no label)."""
    return [(i, t) for i, t in enumerate(labels) if t and (i == 0 or t != labels[i - 1])]


def thinned(starts: Sequence[tuple[int, str]], n: int, width_px: int,
            metrics: QFontMetrics) -> Sequence[tuple[int, str]]:
    """Which of the labels starting at positions of an axis over 0..n-1, `width_px` pixels
    wide, to show: every k-th, k chosen so that no two overlap (Qt's category axis would cut
    them to "...")."""
    if not starts:
        return []
    widest = max(metrics.horizontalAdvance(t) for _i, t in starts) + 16
    if len(starts) == 1:
        return starts
    needed = widest / (width_px / max(n, 1))  # positions between two labels
    gap = (starts[-1][0] - starts[0][0]) / (len(starts) - 1)  # between two starts, on average
    every = max(1, math.ceil(needed / gap))
    while True:  # starts are not evenly spread: widen the step until no two labels kept overlap
        kept = starts[::every]
        if len(kept) <= 2 or all(b - a >= needed for (a, _s), (b, _t) in itertools.pairwise(kept)):
            return kept
        every += 1


def index_axis(labels: Sequence[str], width_px: int, font: QFont | None = None,
               title: str = "") -> QCategoryAxis:
    """An x axis over positions 0..n-1 (n = len(labels)) labelled where `thinned` says, so that
    the labels do not overlap in `width_px` (an estimate of the plot's width)."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    n = len(labels)
    axis.setRange(-0.5, max(n, 1) - 0.5)
    axis.setStartValue(-0.5)
    for i, text in thinned(starts_of(labels), n, width_px, QFontMetrics(font or axis.labelsFont())):
        axis.append(text, i)
    axis.setGridLineVisible(False)
    if title:
        axis.setTitleText(title)
    return axis


# ------------------------------------------------------------------ series


def runs(values: Sequence[float | None]) -> list[list[QPointF]]:
    """Points (index, value) in runs of defined values: a gap (None) breaks the line."""
    out: list[list[QPointF]] = []
    current: list[QPointF] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                out.append(current)
                current = []
        else:
            current.append(QPointF(i, v))
    if current:
        out.append(current)
    return out


def envelope(values: Sequence[float | None], width_px: int) -> list[QPointF]:
    """The points (index, value) of a line as drawn `width_px` wide: every point when there
    are no more than two a pixel; else, for each pixel's run of points, its lowest and its
    highest in their order, so a line of 80,000 analyses draws as fast as one of 2,000 and
    looks the same (every excursion is still there)."""
    n = len(values)
    if n <= 2 * max(width_px, 1):
        return [QPointF(i, v) for i, v in enumerate(values) if v is not None]
    out: list[QPointF] = []
    per = n / width_px
    start = 0
    for column in range(width_px):
        end = n if column == width_px - 1 else int((column + 1) * per)
        chunk = [(i, v) for i in range(start, end) if (v := values[i]) is not None]
        start = end
        if not chunk:
            continue
        low = min(chunk, key=lambda iv: iv[1])
        high = max(chunk, key=lambda iv: iv[1])
        out.extend(QPointF(i, v) for i, v in sorted({low, high}))
    return out


def one_a_pixel(indices: Sequence[int], n: int, width_px: int) -> list[int]:
    """Of points to mark on a line of n drawn `width_px` wide, the first in each pixel."""
    per = max(n / max(width_px, 1), 1.0)
    seen: dict[int, int] = {}
    for i in indices:
        seen.setdefault(int(i / per), i)
    return list(seen.values())


def step_runs(values: Sequence[float | None]) -> list[list[QPointF]]:
    """A step line per run of defined values: each value held from i−½ to i+½."""
    out: list[list[QPointF]] = []
    current: list[QPointF] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                out.append(current)
                current = []
            continue
        current += [QPointF(i - 0.5, v), QPointF(i + 0.5, v)]
    if current:
        out.append(current)
    return out


def pen(color: QColor, width: float = 2.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    p = QPen(color)
    p.setWidthF(width)
    p.setStyle(style)
    return p


def add_lines(chart: QChart, parts: Sequence[Sequence[QPointF]], name: str, line: QPen,
              axes: Sequence[QAbstractAxis], *, points: bool = False) -> list[QLineSeries]:
    """One line series per part, named once in the legend."""
    made = []
    for k, part in enumerate(parts):
        series = QLineSeries()
        series.setName(name)
        series.setPen(line)
        series.replace(list(part))
        series.setPointsVisible(points)
        chart.addSeries(series)
        for axis in axes:
            series.attachAxis(axis)
        if k > 0:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)
        made.append(series)
    return made


def add_markers(chart: QChart, points: Sequence[QPointF], name: str, color: QColor,
                axes: Sequence[QAbstractAxis], *, size: float = 10.0, hollow: bool = False) -> QScatterSeries:
    """Points marked with filled discs, or `hollow` rings (a calm mark beside the alarm's discs)."""
    series = QScatterSeries()
    series.setName(name)
    series.setMarkerSize(size)
    series.setColor(QColor(255, 255, 255, 0) if hollow else color)
    series.setBorderColor(color)
    if hollow:
        ring = QPen(color)
        ring.setWidthF(2.5)
        series.setPen(ring)
    series.replace(list(points))
    chart.addSeries(series)
    for axis in axes:
        series.attachAxis(axis)
    return series


def hline(chart: QChart, y: float, ends: tuple[float, float], name: str, line: QPen,  # noqa: PLR0917
          axes: Sequence[QAbstractAxis]) -> QLineSeries:
    """A horizontal line at y from x = ends[0] to ends[1] (a centre or a limit)."""
    return add_lines(chart, [[QPointF(ends[0], y), QPointF(ends[1], y)]], name, line, axes)[0]


def new_chart(title: str = "") -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setTitle(title)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 24, 4))  # room on the right for the last tick's label
    chart.layout().setContentsMargins(0, 0, 0, 0)
    return chart


def xy_values(series: QXYSeries) -> list[tuple[float, float]]:
    """A series' points (for the tests and the CSV of what is drawn)."""
    return [(p.x(), p.y()) for p in series.points()]


# ------------------------------------------------------------------ the view


class ChartView(QChartView):
    """A chart that saves itself as PNG and its data as CSV (context menu), and tells where
    in its plot a left click landed, in the x of the data."""

    clicked_x = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(200, 150)
        self.table: Callable[[], Table | None] = lambda: None
        self.file_stem = "chart"
        self.database: Path | None = None  # whose files a PNG or CSV must not replace (set by the view)
        self.setChart(new_chart())

    def show_chart(self, chart: QChart) -> None:
        """Show a new chart; the old one is deleted."""
        old = self.chart()
        self.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()

    def empty(self, text: str) -> None:
        chart = new_chart(text)
        chart.legend().hide()
        self.show_chart(chart)

    def position_of(self, x: float, y: float) -> QPointF:
        """Where a data point is in the view's viewport (for the tests' clicks)."""
        chart = self.chart()
        series = chart.series()
        scene = chart.mapToPosition(QPointF(x, y), series[0] if series else None)
        return QPointF(self.mapFromScene(scene))

    # QWidget.mousePressEvent: a left click in the plot area says its x
    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        chart = self.chart()
        if event.button() != Qt.MouseButton.LeftButton or not chart.series():
            return
        scene = self.mapToScene(event.position().toPoint())
        if not chart.plotArea().contains(chart.mapFromScene(scene)):
            return
        value = chart.mapToValue(chart.mapFromScene(scene), chart.series()[0])
        self.clicked_x.emit(value.x())

    # QWidget.contextMenuEvent: save the chart or its data
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("Save chart as &PNG…"), self.save_png_as)
        data = menu.addAction(self.tr("Save data as &CSV…"), self.save_csv_as)
        data.setEnabled(self.table() is not None)
        menu.exec(event.globalPos())

    def save_png_as(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save chart as PNG"),
                                                    f"{self.file_stem}.png", self.tr("PNG images (*.png)"))
        if path:
            self.save_png(Path(path))

    def _refused(self, path: Path) -> str | None:
        """Why `path` may not be written (the database or a file kept for it, a folder), or None;
        the file dialog asked before replacing a file."""
        try:
            check_target(path, self.database, force=True)
        except QcError as exc:
            return str(exc)
        return None

    def save_png(self, path: Path) -> bool:
        refused = self._refused(path)
        if refused is not None:
            warn(self, self.tr("Save chart as PNG"), refused)
            return False
        if not self.grab().save(str(path), "PNG"):
            warn(self, self.tr("Save chart as PNG"), self.tr("{path} could not be written").format(path=path))
            return False
        return True

    def save_csv_as(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save data as CSV"),
                                                    f"{self.file_stem}.csv", self.tr("CSV files (*.csv)"))
        if path:
            self.save_csv(Path(path))

    def save_csv(self, path: Path) -> bool:
        table = self.table()
        if table is None:
            return False
        refused = self._refused(path)
        if refused is not None:
            warn(self, self.tr("Save data as CSV"), refused)
            return False
        try:
            trends.write_csv(path, table)
        except OSError as exc:
            warn(self, self.tr("Save data as CSV"), self.tr("{path}: {error}").format(
                path=path, error=exc.strerror or exc))
            return False
        return True
