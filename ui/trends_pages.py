"""The pages of the trends view: each draws one part of the core's `Trends` (or `Chemistry`)
and knows nothing of the database; the view hands them results and listens to them."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QHorizontalBarSeries,
    QLineSeries,
)
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk import spc, trends
from qcdesk.i18n import _, language
from qcdesk.model import DISPOSITION_NAMES, EVERYTHING, DefectIngot, Disposition, Scope
from qcdesk.numbers import format_fixed
from qcdesk.rates import RateRow
from ui.common import Note, formula, rate_text
from ui.read_only import writes
from ui.trends_charts import (
    BLUE,
    DARK,
    GREEN,
    GREY,
    ORANGE,
    RED,
    TEAL,
    ChartView,
    add_lines,
    add_markers,
    envelope,
    hline,
    index_axis,
    new_chart,
    one_a_pixel,
    pen,
    runs,
    step_runs,
    thinned,
    value_axis,
)
from ui.trends_models import TextRow, TextTable

DASH = Qt.PenStyle.DashLine
DOT = Qt.PenStyle.DotLine
DASH_DOT = Qt.PenStyle.DashDotLine
MANY_POINTS = 150  # above this, lines are drawn without a marker per point


@dataclass
class Names:
    """How converters and shifts are called (their codes are the keys of the results)."""

    converters: dict[str, str] = field(default_factory=dict)
    shifts: dict[str, str] = field(default_factory=dict)

    def of(self, field_name: str, key: str) -> str:
        if field_name == "converter":
            return self.converters.get(key, key)
        if field_name == "shift":
            return self.shifts.get(key, key)
        return key


def table_view(model: TextTable, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def fit_rows(view: QTableView, rows: int, most: int = 6) -> None:
    """As tall as its rows (up to `most`), its columns as wide as their text."""
    view.resizeColumnsToContents()
    row = view.verticalHeader().defaultSectionSize()
    height = view.horizontalHeader().height() + min(max(rows, 1), most) * row
    view.setFixedHeight(height + 2 * view.frameWidth() + 2)


def fixed(value: float, decimals: int = 1) -> str:
    return format_fixed(value, decimals)


def plot_width(view: ChartView) -> int:
    """About how wide the chart's plot will be (the view less the axes and margins)."""
    return max(view.width() - 110, 150)


def percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


class Page(QWidget):
    """A page: its charts (for the Export menu) with what each is called. Its charts are drawn
    when it is shown, for the width it has then: a result arriving for a hidden page, or a
    window resized, costs nothing until the page is looked at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drawn_at: int | None = None  # the width the charts were drawn for; None: to draw

    def redraw(self) -> None:
        """Draw the charts of the result shown (a subclass's)."""

    def update_charts(self, *, new: bool = False) -> None:
        """Draw the charts now if the page is shown and they are not drawn for its width (or
        there is a `new` result), else when it is next shown."""
        if new:
            self._drawn_at = None
        if self.isVisible() and self._drawn_at != self.width():
            self._drawn_at = self.width()
            self.redraw()

    # QWidget.showEvent: draw what arrived while hidden
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.update_charts()

    def charts(self) -> list[tuple[str, ChartView]]:
        return []

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return []


# ------------------------------------------------------------------ rate trend and p-chart


class RatePage(Page):
    """The qualified rate per bucket with its target, the p-chart beside its violations and
    the limits in force."""

    bucket_clicked = Signal(int)
    freeze_requested = Signal()
    unfreeze_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: trends.Trends | None = None
        self.rate_view = ChartView(self)
        self.rate_view.file_stem = "rate-trend"
        self.p_view = ChartView(self)
        self.p_view.file_stem = "p-chart"
        for view in (self.rate_view, self.p_view):
            view.table = self._table
            view.clicked_x.connect(self._clicked)
            view.setToolTip(self.tr("Click a point to open the heats behind it in History."))

        self.limits_label = QLabel(self)
        self.limits_label.setWordWrap(True)
        self.limits_label.setObjectName("p_limits")
        self.freeze_button = QPushButton(self.tr("Free&ze limits…"), self)
        self.freeze_button.setToolTip(self.tr("Keep the p-chart's centre line as computed from a baseline "
                                              "period you choose (a workshop head or administrator)."))
        self.unfreeze_button = QPushButton(self.tr("Unfreeze"), self)
        self.unfreeze_button.setToolTip(self.tr("Go back to limits recomputed from the period shown."))
        self.freeze_button.clicked.connect(self.freeze_requested)
        writes(self.freeze_button, self.unfreeze_button)
        self.unfreeze_button.clicked.connect(self.unfreeze_requested)
        self.unfreeze_button.setEnabled(False)
        self.violations = TextTable((self.tr("Period"), self.tr("Rule"), self.tr("Pattern")), (1,), self)
        self.violations_view = table_view(self.violations, "trends_violations", self)
        self.violations_view.activated.connect(lambda index: self._violation_chosen(index.row()))
        self.no_violations = QLabel(self)  # "none", where an empty table would say nothing
        self.no_violations.setObjectName("no_violations")
        self.no_violations.setWordWrap(True)
        self.no_violations.hide()

        charts = QSplitter(Qt.Orientation.Vertical, self)
        charts.setObjectName("trends_rate_charts")
        charts.addWidget(self.rate_view)
        charts.addWidget(self.p_view)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(self.tr("<b>p-chart limits</b>"), side)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.limits_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.freeze_button)
        buttons.addWidget(self.unfreeze_button)
        buttons.addStretch(1)
        side_layout.addLayout(buttons)
        side_layout.addWidget(QLabel(self.tr("<b>Rules broken</b>"), side))
        side_layout.addWidget(self.no_violations)
        side_layout.addWidget(self.violations_view, 1)
        side_layout.addStretch(0)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("trends_rate_split")
        split.addWidget(charts)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def charts(self) -> list[tuple[str, ChartView]]:
        return [(self.tr("Rate trend"), self.rate_view), (self.tr("p-chart"), self.p_view)]

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return [(self.tr("Rate trend and p-chart"), self._table)]

    def _table(self) -> trends.Table | None:
        return trends.trend_table(self.result) if self.result is not None else None

    def _violation_chosen(self, row: int) -> None:
        index = self.violations.key_at(row)
        if isinstance(index, int):
            self._clicked(float(index))

    def _clicked(self, x: float) -> None:
        if self.result is None:
            return
        index = round(x)
        if 0 <= index < len(self.result.buckets) and self.result.buckets[index].sums.heats:
            self.bucket_clicked.emit(index)

    def show_result(self, t: trends.Trends, rules: Sequence[spc.Rule] = spc.ALL_RULES) -> None:
        """Show a result; `rules` are the rules it was judged by (said when none is broken)."""
        self.result = t
        self.update_charts(new=True)
        self._list_violations(t, rules)
        self._say_limits(t)

    def redraw(self) -> None:
        """The views were resized: the date axes show as many labels as now fit."""
        if self.result is not None:
            self._draw_rate(self.result)
            self._draw_p(self.result)

    def _draw_rate(self, t: trends.Trends) -> None:
        basis = self.tr("by weight") if t.basis == "weight" else self.tr("by count")
        chart = new_chart(self.tr("Ingot qualified rate ({basis})").format(basis=basis))
        rates = [percent(b.rate(t.basis)) for b in t.buckets]
        targets = [percent(b.target) for b in t.buckets]
        shown = [v for v in (*rates, *targets) if v is not None]
        x = index_axis([b.key for b in t.buckets], plot_width(self.rate_view))
        y = value_axis(shown, suffix="%", least_decimals=1, floor=0, ceiling=100, least_span=1.0)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        axes = (x, y)
        add_lines(chart, runs(rates), self.tr("Ingot qualified rate"), pen(BLUE), axes,
                  points=len(t.buckets) <= MANY_POINTS)
        if any(v is not None for v in targets):
            # the plan's target is by weight: said so when the count basis leads
            add_lines(chart, step_runs(targets), self.tr("Target") if t.basis == "weight"
                      else self.tr("Target (by weight)"), pen(GREEN, 2, DASH), axes)
        if not any(v is not None for v in rates):
            chart.setTitle(self.tr("No judged ingots of checked heats in this period"))
        self.rate_view.show_chart(chart)

    def _draw_p(self, t: trends.Trends) -> None:
        chart = new_chart(self.tr("p-chart: non-qualified fraction by count"))
        pc = t.p_chart
        ps = [percent(pt.p) for pt in pc.points]
        ucl = [percent(pt.ucl) for pt in pc.points]
        lcl = [percent(pt.lcl) for pt in pc.points]
        centre = percent(pc.centre)
        shown = [v for v in (*ps, *ucl, *lcl, centre) if v is not None]
        x = index_axis([b.key for b in t.buckets], plot_width(self.p_view))
        y = value_axis(shown, suffix="%", least_decimals=1, floor=0, ceiling=100, least_span=1.0)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        axes = (x, y)
        if centre is not None:
            hline(chart, centre, (-0.5, len(pc.points) - 0.5), self.tr("Centre p̄"), pen(GREY, 1.5), axes)
        add_lines(chart, step_runs(ucl), self.tr("UCL / LCL"), pen(RED, 1.5, DASH), axes)
        lower = add_lines(chart, step_runs(lcl), self.tr("LCL"), pen(RED, 1.5, DASH), axes)
        for series in lower:
            for marker in chart.legend().markers(series):
                marker.setVisible(False)
        add_lines(chart, runs(ps), self.tr("p"), pen(DARK, 1.5), axes, points=len(ps) <= MANY_POINTS)
        # above the centre: more non-qualified than usual, the alarm; below it: fewer, better
        # than usual, worth knowing why but no alarm, so a calm ring rather than the red disc
        worse = sorted({v.index for v in pc.violations if v.above})
        better = sorted({v.index for v in pc.violations if not v.above})
        if worse:
            add_markers(chart, [QPointF(i, p) for i in worse if (p := ps[i]) is not None],
                        self.tr("Rule broken: more non-qualified"), RED, axes)
        if better:
            add_markers(chart, [QPointF(i, p) for i in better if (p := ps[i]) is not None],
                        self.tr("Better than usual: fewer non-qualified"), TEAL, axes, size=13.0, hollow=True)
        self.p_view.show_chart(chart)

    def _list_violations(self, t: trends.Trends, rules: Sequence[spc.Rule]) -> None:
        rows = []
        for v in sorted(t.p_chart.violations, key=lambda v: (v.index, v.rule)):
            side = self.tr("above: more non-qualified") if v.above \
                else self.tr("below: fewer non-qualified, better than usual")
            text = self.tr("{pattern}, {side}").format(pattern=self.rule_text(v.rule), side=side)
            bucket = t.buckets[v.index]
            tip = self.tr("{first} – {last}: {pattern}, {side}").format(
                first=bucket.first.isoformat(), last=bucket.last.isoformat(), pattern=self.rule_text(v.rule),
                side=side)
            rows.append(TextRow((bucket.key, str(int(v.rule)), text), v.index, tips=(tip, tip, tip),
                                color="" if v.above else TEAL.name()))
        self.violations.set_rows(rows)
        self.violations_view.resizeColumnsToContents()
        self.violations_view.setVisible(bool(rows))
        self.no_violations.setVisible(not rows)
        if not rules:
            self.no_violations.setText(self.tr("None: no rule is chosen (Rules 1–4 in the filter bar)."))
        elif len(rules) == 1:
            self.no_violations.setText(self.tr("None: no point breaks rule {rule}.").format(
                rule=int(rules[0])))
        else:
            self.no_violations.setText(self.tr("None: no point breaks rules {rules}.").format(
                rules=", ".join(str(int(r)) for r in sorted(rules))))

    def rule_text(self, rule: spc.Rule) -> str:
        return _(spc.RULE_SHORT[rule])

    def _say_limits(self, t: trends.Trends) -> None:
        frozen = t.frozen
        centre = rate_text(t.p_chart.centre)
        if frozen is not None:
            self.limits_label.setText(self.tr(
                "Frozen from the baseline {frm} – {to}: p̄ = {centre} over {n} judged ingots.").format(
                frm=frozen.date_from.isoformat(), to=frozen.date_to.isoformat(), centre=centre,
                n=f"{frozen.n:,}"))
        else:
            self.limits_label.setText(self.tr("Recomputed from the period shown: p̄ = {centre}.").format(
                centre=centre))
        self.unfreeze_button.setEnabled(frozen is not None)


# ------------------------------------------------------------------ comparisons


class ComparisonsPage(Page):
    """Rate and output by converter, by shift and by grade, each bar with its judged ingots."""

    FIELDS = ("converter", "shift", "grade")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: trends.Trends | None = None
        self.names = Names()
        self.rate_views: dict[str, ChartView] = {}
        self.output_views: dict[str, ChartView] = {}
        self.models: dict[str, TextTable] = {}
        self.table_views: dict[str, QTableView] = {}
        # in a scroll area: eleven grades need more height than a small screen has
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(scroll)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        grid = QGridLayout(inner)
        grid.setContentsMargins(0, 0, 0, 0)
        self.grid = grid
        titles = {"converter": self.tr("Converter"), "shift": self.tr("Shift"), "grade": self.tr("Grade")}
        for column, name in enumerate(self.FIELDS):
            rate_view, output_view = ChartView(self), ChartView(self)
            rate_view.file_stem, output_view.file_stem = f"rate-by-{name}", f"output-by-{name}"
            rate_view.table = output_view.table = self._table_of(name)
            model = TextTable((titles[name], self.tr("Judged ingots"), self.tr("Rate"),
                               self.tr("by count"), self.tr("Output t"), self.tr("Heats")),
                              (1, 2, 3, 4, 5), self,
                              ("", "", formula("ingot_qualified_rate"),
                               formula("ingot_qualified_rate_by_count")))
            view = table_view(model, f"trends_by_{name}", self)
            view.horizontalHeader().setStretchLastSection(False)
            self.table_views[name] = view
            self.rate_views[name], self.output_views[name], self.models[name] = rate_view, output_view, model
            grid.addWidget(rate_view, 0, column)
            grid.addWidget(output_view, 1, column)
            grid.addWidget(view, 2, column)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 0)

    def _table_of(self, name: str) -> Callable[[], trends.Table | None]:
        def table() -> trends.Table | None:
            return trends.comparison_table(self.rows(name), name) if self.result is not None else None
        return table

    def charts(self) -> list[tuple[str, ChartView]]:
        out = []
        for name in self.FIELDS:
            out.append((self.rate_views[name].chart().title(), self.rate_views[name]))
            out.append((self.output_views[name].chart().title(), self.output_views[name]))
        return out

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        titles = {"converter": self.tr("By converter"), "shift": self.tr("By shift"),
                  "grade": self.tr("By grade")}
        return [(titles[name], self._table_of(name)) for name in self.FIELDS]

    def rows(self, name: str) -> tuple[RateRow, ...]:
        t = self.result
        if t is None:
            return ()
        return {"converter": t.by_converter, "shift": t.by_shift, "grade": t.by_grade}[name]

    def show_result(self, t: trends.Trends, names: Names) -> None:
        self.result, self.names = t, names
        self.update_charts(new=True)
        for name in self.FIELDS:
            other = "count" if t.basis == "weight" else "weight"
            self.models[name].set_headers((self.models[name].headers[0], self.tr("Judged ingots"),
                                           self.tr("Rate"),
                                           self.tr("by count") if other == "count" else self.tr("by weight"),
                                           self.tr("Output t"), self.tr("Heats")))
            self.models[name].set_rows([TextRow(
                (names.of(name, r.keys[name]), f"{r.sums.ingots_judged:,}",
                 rate_text(self._rate(r, t.basis)), rate_text(self._rate(r, other)),
                 fixed(r.sums.output_t), f"{r.sums.heats:,}"), r.keys[name]) for r in self.rows(name)])
            fit_rows(self.table_views[name], len(self.rows(name)))

    def _short(self, field_name: str, key: str) -> str:
        """A bar's name: a converter's code when its name is long (the table gives both)."""
        name = self.names.of(field_name, key)
        return key if field_name == "converter" and len(name) > 8 else name

    @staticmethod
    def _rate(row: RateRow, basis: str) -> float | None:
        rates = row.rates
        return rates.ingot_qualified_rate if basis == "weight" else rates.ingot_qualified_rate_by_count

    def redraw(self) -> None:
        t = self.result
        if t is None:
            return
        titles = {"converter": self.tr("by converter"), "shift": self.tr("by shift"),
                  "grade": self.tr("by grade")}
        for name in self.FIELDS:
            rows = self.rows(name)
            keys = [html.escape(self._short(name, r.keys[name])) for r in rows]
            rates = [percent(self._rate(r, t.basis)) for r in rows]
            # an undefined rate has no bar (drawn empty): its label says "—", not a figure of 0
            labels = [self.tr("{name} · n = {n}").format(name=key, n=f"{r.sums.ingots_judged:,}")
                      + ("" if rate is not None else " · —")
                      for key, r, rate in zip(keys, rows, rates, strict=True)]
            self.rate_views[name].show_chart(self._bars(
                self.tr("Ingot qualified rate {by}").format(by=titles[name]), labels, rates, "%", BLUE,
                rate=True))
            outputs = [r.sums.output_t for r in rows]
            kilo = max(outputs, default=0.0) >= 100_000  # a long axis reads better in thousands
            self.output_views[name].show_chart(self._bars(
                (self.tr("Output {by}, kt") if kilo else self.tr("Output {by}, t")).format(by=titles[name]),
                keys, [v / 1000 for v in outputs] if kilo else outputs, "", GREY, rate=False))
        most = max((len(self.rows(name)) for name in self.FIELDS), default=1)
        height = max(150, 26 * most + 80)  # a bar and its label, each
        self.grid.setRowMinimumHeight(0, height)
        self.grid.setRowMinimumHeight(1, height)

    def _bars(self, title: str, labels: Sequence[str], values: Sequence[float | None], suffix: str,
              color: QColor, *, rate: bool) -> QChart:
        """Horizontal bars, the first row at the top, each labelled beside its bar (the labels
        carry the figures: a bar's own label would print an undefined rate as 0)."""
        chart = new_chart(title)
        chart.legend().hide()
        bars = QBarSet(title)
        bars.append([0.0 if v is None else v for v in reversed(values)])
        bars.setColor(color)
        series = QHorizontalBarSeries()
        series.append(bars)
        chart.addSeries(series)
        y = QBarCategoryAxis()
        y.append(list(reversed(labels)))
        y.setGridLineVisible(False)
        defined = [v for v in values if v is not None]
        x = value_axis(defined if rate else [0.0, *defined], suffix=suffix, least_decimals=1 if rate else 0,
                       floor=0, ceiling=100 if rate else None, least_span=5.0 if rate else 0.0, ticks=4)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        return chart


# ------------------------------------------------------------------ defects


class DefectsPage(Page):
    """The Pareto by count or weight with its cumulative line; a bar lists its ingots."""

    defect_chosen = Signal(str)
    heat_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: trends.Trends | None = None
        self.by_weight = False
        self.chosen: str | None = None
        self.view = ChartView(self)
        self.view.file_stem = "defect-pareto"
        self.view.table = self._table
        self.count_button = QRadioButton(self.tr("By count"), self)
        self.weight_button = QRadioButton(self.tr("By &weight"), self)
        self.count_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.count_button)
        group.addButton(self.weight_button)
        self.weight_button.toggled.connect(self._toggled)
        self.bars = TextTable((self.tr("Code"), self.tr("Defect"), self.tr("Ingots"), self.tr("Weight t"),
                               self.tr("Share"), self.tr("Cumulative")), (2, 3, 4, 5), self)
        self.bars_view = table_view(self.bars, "trends_pareto", self)
        self.bars_view.clicked.connect(lambda index: self.choose(str(self.bars.key_at(index.row()))))
        self.ingots = TextTable((self.tr("Heat no."), self.tr("Ingot"), self.tr("Production date"),
                                 self.tr("Converter"), self.tr("Grade"), self.tr("Weight kg"),
                                 self.tr("Disposition"), self.tr("Defects")), (1, 5), self)
        self.ingots_view = table_view(self.ingots, "trends_defect_ingots", self)
        self.ingots_view.doubleClicked.connect(
            lambda index: self.heat_activated.emit(str(self.ingots.key_at(index.row()))))
        self.ingots_view.activated.connect(
            lambda index: self.heat_activated.emit(str(self.ingots.key_at(index.row()))))
        self.ingots_label = QLabel(self.tr("Click a bar to list its ingots."), self)
        self.ingots_label.setWordWrap(True)

        toggle = QHBoxLayout()
        toggle.addWidget(QLabel(self.tr("Pareto:"), self))
        toggle.addWidget(self.count_button)
        toggle.addWidget(self.weight_button)
        toggle.addStretch(1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(toggle)
        split_left = QSplitter(Qt.Orientation.Vertical, left)
        split_left.setObjectName("trends_pareto_split")
        split_left.addWidget(self.view)
        split_left.addWidget(self.bars_view)
        split_left.setStretchFactor(0, 3)
        split_left.setStretchFactor(1, 1)
        left_layout.addWidget(split_left, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.ingots_label)
        right_layout.addWidget(self.ingots_view, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("trends_defects_split")
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def charts(self) -> list[tuple[str, ChartView]]:
        return [(self.tr("Defect Pareto"), self.view)]

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return [(self.tr("Defect Pareto"), self._table)]

    def _table(self) -> trends.Table | None:
        return trends.pareto_table(self.pareto()) if self.result is not None else None

    def pareto(self) -> tuple[trends.DefectBar, ...]:
        if self.result is None:
            return ()
        return self.result.pareto_by_weight if self.by_weight else self.result.pareto_by_count

    def _toggled(self, by_weight: bool) -> None:
        self.by_weight = by_weight
        if self.result is not None:
            self.show_result(self.result)

    @staticmethod
    def name(bar: trends.DefectBar) -> str:
        return bar.name_zh if language() == "zh" and bar.name_zh else bar.name_en

    def show_result(self, t: trends.Trends) -> None:
        self.result = t
        bars = self.pareto()
        self.bars.set_rows([TextRow((b.code, self.name(b), f"{b.ingots:,}", fixed(b.weight_kg / 1000),
                                     rate_text(b.share), rate_text(b.cumulative)), b.code) for b in bars])
        self.bars_view.resizeColumnsToContents()
        self.update_charts(new=True)
        if self.chosen is not None and self.chosen not in {b.code for b in bars}:
            self.chosen = None
            self.ingots.set_rows([])
            self.ingots_label.setText(self.tr("Click a bar to list its ingots."))

    def redraw(self) -> None:
        bars = self.pareto()
        title = self.tr("Defects by weight of the ingots affected, t") if self.by_weight \
            else self.tr("Defects by ingots affected")
        chart = new_chart(title)
        if not bars:
            chart.setTitle(self.tr("No defect was recorded in this period"))
            chart.legend().hide()
            self.view.show_chart(chart)
            return
        values = [b.weight_kg / 1000 if self.by_weight else float(b.ingots) for b in bars]
        bar_set = QBarSet(self.tr("Weight t") if self.by_weight else self.tr("Ingots"))
        bar_set.append(values)
        bar_set.setColor(BLUE)
        series = QBarSeries()
        series.append(bar_set)
        series.clicked.connect(lambda index, _set: self.choose(bars[index].code))
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(self._bar_labels(bars, QFontMetrics(x.labelsFont())))
        y = value_axis(values, floor=0, least_decimals=0, ticks=5)
        right = value_axis([0.0, 100.0], suffix="%", least_decimals=1, floor=0, ceiling=100, ticks=5)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        series.attachAxis(x)
        series.attachAxis(y)
        cumulative = QLineSeries()
        cumulative.setName(self.tr("Cumulative %"))
        cumulative.setPen(pen(ORANGE, 2))
        cumulative.replace([QPointF(i, b.cumulative * 100) for i, b in enumerate(bars)])
        cumulative.setPointsVisible(True)
        chart.addSeries(cumulative)
        cumulative.attachAxis(x)
        cumulative.attachAxis(right)
        self.view.show_chart(chart)

    def _bar_labels(self, bars: Sequence[trends.DefectBar], metrics: QFontMetrics) -> list[str]:
        """The defects' names, a word a line, where every word fits under its bar; else
        their codes (the table below names them)."""
        room = plot_width(self.view) / max(len(bars), 1) - 8
        names = [self.name(b) for b in bars]
        if all(metrics.horizontalAdvance(word) <= room for name in names for word in name.split()):
            return [html.escape(name).replace(" ", "<br>") for name in names]
        return [b.code for b in bars]

    def choose(self, code: str) -> None:
        """Ask for the ingots of a bar (the view fetches them)."""
        self.chosen = code
        bar = next((b for b in self.pareto() if b.code == code), None)
        self.ingots_label.setText(self.tr("Ingots with {defect}: loading…").format(
            defect=self.name(bar) if bar else code))
        self.defect_chosen.emit(code)

    def show_ingots(self, code: str, found: Sequence[DefectIngot], limit: int) -> None:
        if code != self.chosen:
            return
        bar = next((b for b in self.pareto() if b.code == code), None)
        name = self.name(bar) if bar else code
        text = self.tr("{n} ingots with {defect} (double-click one to open its heat)").format(
            n=f"{len(found):,}", defect=name)
        if len(found) >= limit:
            text = self.tr("The latest {n} ingots with {defect} (double-click one to open its heat)").format(
                n=f"{len(found):,}", defect=name)
        self.ingots_label.setText(text)
        self.ingots.set_rows([TextRow((i.heat_no, str(i.ingot_no), i.production_date.isoformat(), i.converter,
                                       i.grade, fixed(i.weight_kg, 0), _disposition(i.disposition),
                                       i.defects), i.heat_no) for i in found])


def _disposition(value: str) -> str:
    try:
        english, chinese = DISPOSITION_NAMES[Disposition(value)]
        return chinese if language() == "zh" else _(english)
    except (ValueError, KeyError):
        return value


# ------------------------------------------------------------------ chemistry


class ChemistryPage(Page):
    """A grade's element: I-MR chart with control and spec limits, conformance, Cp/Cpk."""

    wanted = Signal(str, str)  # grade, element: the user picked one
    freeze_requested = Signal()
    unfreeze_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: trends.Chemistry | None = None
        self.picked = False  # a grade was picked here: until then the view shows the period's main one
        self._positions: Sequence[int] = range(0)  # the points' positions on the x axes
        self._starts: list[tuple[int, str]] = []  # where each production date starts
        self.grade_box = QComboBox(self)
        self.grade_box.setObjectName("chemistry_grade")
        self.grade_box.setMinimumContentsLength(8)
        self.element_box = QComboBox(self)
        self.element_box.setObjectName("chemistry_element")
        self.element_box.setMinimumContentsLength(4)
        self.grade_box.activated.connect(lambda _i: self._picked())
        self.element_box.activated.connect(lambda _i: self._picked())
        self.cp_label = QLabel("", self)
        self.cpk_label = QLabel("", self)
        self.n_label = QLabel("", self)
        self.limits_label = QLabel(self)
        self.limits_label.setWordWrap(True)
        self.limits_label.setObjectName("imr_limits")
        self.freeze_button = QPushButton(self.tr("Free&ze limits…"), self)
        self.unfreeze_button = QPushButton(self.tr("Unfreeze"), self)
        self.freeze_button.clicked.connect(self.freeze_requested)
        writes(self.freeze_button, self.unfreeze_button)
        self.unfreeze_button.clicked.connect(self.unfreeze_requested)
        self.unfreeze_button.setEnabled(False)
        self.note = Note(self)

        self.i_view, self.mr_view, self.conf_view = ChartView(self), ChartView(self), ChartView(self)
        self.i_view.file_stem, self.mr_view.file_stem, self.conf_view.file_stem = \
            "i-chart", "mr-chart", "chemistry-conformance"
        for view in (self.i_view, self.mr_view, self.conf_view):
            view.table = self._table

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Grade"), self))
        bar.addWidget(self.grade_box)
        bar.addWidget(QLabel(self.tr("Element"), self))
        bar.addWidget(self.element_box)
        bar.addSpacing(16)
        for label in (self.n_label, self.cp_label, self.cpk_label):
            bar.addWidget(label)
            bar.addSpacing(12)
        bar.addStretch(1)
        bar.addWidget(self.freeze_button)
        bar.addWidget(self.unfreeze_button)
        below = QSplitter(Qt.Orientation.Horizontal, self)
        below.setObjectName("trends_chemistry_below")
        below.addWidget(self.mr_view)
        below.addWidget(self.conf_view)
        charts = QSplitter(Qt.Orientation.Vertical, self)
        charts.setObjectName("trends_chemistry_charts")
        charts.addWidget(self.i_view)
        charts.addWidget(below)
        charts.setStretchFactor(0, 1)
        charts.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.limits_label)
        layout.addWidget(self.note)
        layout.addWidget(charts, 1)

    def charts(self) -> list[tuple[str, ChartView]]:
        return [(self.tr("I chart"), self.i_view), (self.tr("MR chart"), self.mr_view),
                (self.tr("Chemistry conformance"), self.conf_view)]

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return [(self.tr("I-MR chart values"), self._table)]

    def _table(self) -> trends.Table | None:
        return trends.chemistry_table(self.result) if self.result is not None else None

    def grade(self) -> str | None:
        value = self.grade_box.currentData()
        return value if isinstance(value, str) else None

    def element(self) -> str | None:
        value = self.element_box.currentData()
        return value if isinstance(value, str) else None

    def set_grades(self, grades: Sequence[str], current: str | None) -> None:
        self.grade_box.blockSignals(True)
        self.grade_box.clear()
        for g in grades:
            self.grade_box.addItem(g, g)
        self.grade_box.setCurrentIndex(max(self.grade_box.findData(current), 0))
        self.grade_box.blockSignals(False)

    def set_elements(self, elements: Sequence[str], current: str | None) -> None:
        self.element_box.blockSignals(True)
        self.element_box.clear()
        for e in elements:
            self.element_box.addItem(e, e)
        self.element_box.setCurrentIndex(max(self.element_box.findData(current), 0))
        self.element_box.blockSignals(False)

    def _picked(self) -> None:
        grade, element = self.grade(), self.element()
        if grade is not None:
            self.picked = True
            self.wanted.emit(grade, element or "")

    def show_nothing(self, text: str) -> None:
        self.result = None
        for view in (self.i_view, self.mr_view, self.conf_view):
            view.empty("")
        self.i_view.empty(text)
        for label in (self.n_label, self.cp_label, self.cpk_label):
            label.setText("")
        self.limits_label.setText("")
        self.unfreeze_button.setEnabled(False)

    def show_result(self, c: trends.Chemistry) -> None:
        self.result = c
        # the x axes are labelled where a production date starts: a date made text once per day
        self._positions = range(len(c.points))
        self._starts = []
        previous = None
        for i, point in enumerate(c.points):
            if point.production_date != previous:
                previous = point.production_date
                self._starts.append((i, previous.isoformat()))
        self._figures(c)
        self.update_charts(new=True)

    def redraw(self) -> None:
        c = self.result
        if c is None:
            return
        self._draw_i(c)
        self._draw_mr(c)
        self._draw_conformance(c)

    def _figures(self, c: trends.Chemistry) -> None:
        cap = c.capability
        self.n_label.setText(self.tr("n = {n}").format(n=f"{cap.n:,}"))
        why = self._why_undefined(c)
        one_sided = self.tr("Cp needs both a lower and an upper spec limit; {grade} limits {element} on one "
                            "side only.").format(grade=c.grade, element=c.element)
        defined = self.tr("Cp = (USL − LSL) ÷ 6σ; Cpk = the smaller of (USL − x̄) ÷ 3σ and (x̄ − LSL) ÷ 3σ; "
                          "σ = MR̄ ÷ 1.128")
        for label, name, value, tip in ((self.cp_label, "Cp", cap.cp, why or one_sided),
                                        (self.cpk_label, "Cpk", cap.cpk, why)):
            label.setText(f"{name} = {'—' if value is None else f'{value:.2f}'}")
            label.setToolTip(defined if value is not None else tip)
        spec = self._spec_text(c)
        if c.frozen is not None:
            limits = self.tr("Control limits frozen from the baseline {frm} – {to} ({n} values).").format(
                frm=c.frozen.date_from.isoformat(), to=c.frozen.date_to.isoformat(), n=f"{c.frozen.n:,}")
        else:
            limits = self.tr("Control limits recomputed from the period shown.")
        self.limits_label.setText(f"{limits} {spec}")
        self.unfreeze_button.setEnabled(c.frozen is not None)

    def _why_undefined(self, c: trends.Chemistry) -> str:
        cap = c.capability
        if cap.n < 2:
            return self.tr("Needs at least two analysis values; the period has {n}.").format(n=cap.n)
        if not cap.sigma:
            return self.tr("The values do not vary (σ = 0): capability is not defined.")
        if c.spec_min is None and c.spec_max is None:
            return self.tr("{grade} sets no limit on {element}.").format(grade=c.grade, element=c.element)
        return ""

    def _spec_text(self, c: trends.Chemistry) -> str:
        edition = f"{c.standard.standard} ({c.standard.edition})" if c.standard else ""
        lo = "—" if c.spec_min is None else f"{c.spec_min:g}"
        hi = "—" if c.spec_max is None else f"{c.spec_max:g}"
        return self.tr("Spec limits {lo} … {hi} % {edition}").format(lo=lo, hi=hi, edition=edition).strip()

    def _draw_i(self, c: trends.Chemistry) -> None:
        chart = new_chart(self.tr("I chart: {element} of {grade}, %").format(element=c.element,
                                                                            grade=c.grade))
        values = list(c.chart.values)
        n = len(values)
        if n == 0:
            chart.setTitle(self.tr("No analysis of {element} for {grade} in this period").format(
                element=c.element, grade=c.grade))
            chart.legend().hide()
            self.i_view.show_chart(chart)
            return
        lines = [v for v in (c.chart.mean, c.chart.ucl, c.chart.lcl, c.spec_min, c.spec_max) if v is not None]
        x = self._date_axis(plot_width(self.i_view))
        y = value_axis([min(values), max(values), *lines], least_decimals=2, ticks=5)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        axes = (x, y)
        add_lines(chart, [envelope(values, plot_width(self.i_view))], self.tr("Analysis value"),
                  pen(DARK, 1.2), axes, points=n <= MANY_POINTS)
        ends = (-0.5, n - 0.5)
        if c.chart.mean is not None:
            hline(chart, c.chart.mean, ends, self.tr("Centre x̄"), pen(GREY, 1.5), axes)
        if c.chart.ucl is not None and c.chart.lcl is not None:
            hline(chart, c.chart.ucl, ends, self.tr("UCL / LCL"), pen(RED, 1.5, DASH), axes)
            low = hline(chart, c.chart.lcl, ends, self.tr("LCL"), pen(RED, 1.5, DASH), axes)
            for marker in chart.legend().markers(low):
                marker.setVisible(False)
        spec_pen = pen(ORANGE, 2, DASH_DOT)
        spec = [v for v in (c.spec_min, c.spec_max) if v is not None]
        for k, v in enumerate(spec):
            line = hline(chart, v, ends, self.tr("Spec limit"), spec_pen, axes)
            if k:
                for marker in chart.legend().markers(line):
                    marker.setVisible(False)
        flagged = sorted({v.index for v in c.chart.violations})
        if flagged:
            shown_flags = one_a_pixel(flagged, n, plot_width(self.i_view))
            add_markers(chart, [QPointF(i, values[i]) for i in shown_flags], self.tr("Rule broken"), RED,
                        axes, size=8)
        self.i_view.show_chart(chart)

    def _date_axis(self, width: int) -> QCategoryAxis:
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        n = len(self._positions)
        axis.setRange(-0.5, max(n, 1) - 0.5)
        axis.setStartValue(-0.5)
        for i, text in thinned(self._starts, n, width, QFontMetrics(axis.labelsFont())):
            axis.append(text, i)
        axis.setGridLineVisible(False)
        return axis

    def _draw_mr(self, c: trends.Chemistry) -> None:
        chart = new_chart(self.tr("MR chart: moving range, %"))
        ranges = list(c.chart.moving_ranges)
        if len(ranges) < 2:
            chart.legend().hide()
            self.mr_view.show_chart(chart)
            return
        defined = [r for r in ranges if r is not None]
        shown = [v for v in (min(defined), max(defined), c.chart.mr_bar, c.chart.mr_ucl) if v is not None]
        x = self._date_axis(plot_width(self.mr_view))
        y = value_axis(shown, least_decimals=2, floor=0, ticks=4)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        axes = (x, y)
        add_lines(chart, [envelope(ranges, plot_width(self.mr_view))], self.tr("Moving range"),
                  pen(DARK, 1.2), axes, points=len(ranges) <= MANY_POINTS)
        ends = (-0.5, len(ranges) - 0.5)
        if c.chart.mr_bar is not None:
            hline(chart, c.chart.mr_bar, ends, self.tr("MR̄"), pen(GREY, 1.5), axes)
        if c.chart.mr_ucl is not None:
            hline(chart, c.chart.mr_ucl, ends, self.tr("UCL"), pen(RED, 1.5, DASH), axes)
        beyond = [QPointF(i, r) for i in c.chart.mr_beyond if (r := ranges[i]) is not None]
        if beyond:
            add_markers(chart, beyond, self.tr("Beyond UCL"), RED, axes, size=8)
        self.mr_view.show_chart(chart)

    def _draw_conformance(self, c: trends.Chemistry) -> None:
        chart = new_chart(self.tr("Chemistry conformance of {grade} (conforming ÷ checked heats)").format(
            grade=c.grade))
        rates = [percent(b.rates.chemistry_conformance_rate) for b in c.conformance]
        x = index_axis([b.key for b in c.conformance], plot_width(self.conf_view))
        y = value_axis([v for v in rates if v is not None], suffix="%", least_decimals=1, floor=0,
                       ceiling=100, least_span=1.0, ticks=4)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        add_lines(chart, runs(rates), self.tr("Chemistry conformance rate"), pen(GREEN), (x, y),
                  points=len(rates) <= MANY_POINTS)
        chart.legend().hide()
        self.conf_view.show_chart(chart)


# ------------------------------------------------------------------ plan


class PlanPage(Page):
    """The quarter's cumulative output against the plan line, its figures and months."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: trends.PlanProgress | None = None
        self.view = ChartView(self)
        self.view.file_stem = "plan"
        self.view.table = self._table
        self.hint = Note(self, "color: #555555;")
        # the filters this page does not follow, said where they would be missed
        self.scope_note = Note(self, "color: #8a5a00;")
        self.scope_note.setObjectName("plan_scope_note")
        self.figures: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, text in (("quarter", self.tr("Quarter")), ("plan", self.tr("Plan")),
                          ("done", self.tr("Done")),
                          ("remaining", self.tr("Remaining")), ("days_left", self.tr("Days left")),
                          ("needed", self.tr("Needed per remaining day")),
                          ("rate", self.tr("Ingot qualified rate, quarter to date")),
                          ("target", self.tr("Target rate"))):
            label = QLabel("", self)
            label.setObjectName(f"plan_{key}")
            self.figures[key] = label
            form.addRow(text, label)
        self.months = TextTable((self.tr("Month"), self.tr("Plan t"), self.tr("Output t"),
                                 self.tr("Target rate"), self.tr("Ingot qualified rate")), (1, 2, 3, 4), self,
                                ("", "", "", "", formula("ingot_qualified_rate")))
        self.months_view = table_view(self.months, "trends_plan_months", self)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.scope_note)
        side_layout.addWidget(self.hint)
        side_layout.addLayout(form)
        side_layout.addWidget(self.months_view, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("trends_plan_split")
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def charts(self) -> list[tuple[str, ChartView]]:
        return [(self.tr("Output against plan"), self.view)]

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return [(self.tr("Output against plan"), self._table)]

    def _table(self) -> trends.Table | None:
        return trends.plan_table(self.result) if self.result is not None else None

    def show_result(self, plan: trends.PlanProgress | None, scope: Scope = EVERYTHING,
                    names: Names | None = None) -> None:
        """Show the quarter's progress; a `scope` narrower than the workshop is said to be ignored."""
        self.result = plan
        self.scope_note.setText(self._scope_text(scope, names or Names()))
        if plan is None:
            self.view.empty(self.tr("No production in this period"))
            return
        tonnes = self.tr("{t} t")
        f = self.figures
        f["quarter"].setText(self.tr("{quarter} ({frm} – {to}), to {as_of}").format(
            quarter=plan.quarter, frm=plan.first.isoformat(), to=plan.last.isoformat(),
            as_of=plan.as_of.isoformat()))
        f["plan"].setText("—" if plan.plan_t is None else tonnes.format(t=fixed(plan.plan_t)))
        f["done"].setText(tonnes.format(t=fixed(plan.output_t)))
        remaining = plan.remaining_t
        f["remaining"].setText("—" if remaining is None else tonnes.format(t=fixed(remaining)))
        f["days_left"].setText(str(plan.days_left))
        needed = plan.needed_per_day_t
        f["needed"].setText("—" if needed is None else self.tr("{t} t a day").format(t=fixed(needed)))
        f["rate"].setText(rate_text(plan.rate))
        f["rate"].setToolTip(formula("ingot_qualified_rate"))
        f["target"].setText(rate_text(plan.target_rate))
        self.hint.setText("" if plan.plan_t is not None or any(m.plan_t is not None for m in plan.months)
                          else self.tr("No plan is set for {quarter}. Plans are set in Set-up → Production "
                                       "plans.").format(quarter=plan.quarter))
        self.months.set_rows([TextRow((m.month, "—" if m.plan_t is None else fixed(m.plan_t),
                                       fixed(m.output_t), rate_text(m.target_rate), rate_text(m.rate)),
                                      m.month) for m in plan.months])
        self.update_charts(new=True)

    def _scope_text(self, scope: Scope, names: Names) -> str:
        """'' for the whole workshop; else which filters this page leaves aside, and why."""
        if scope.everything:
            return ""
        chosen = []
        if scope.converter is not None:
            chosen.append(self.tr("converter {converter}").format(
                converter=names.of("converter", scope.converter)))
        if scope.shift is not None:
            chosen.append(self.tr("shift {shift}").format(shift=names.of("shift", scope.shift)))
        if scope.grade is not None:
            chosen.append(self.tr("grade {grade}").format(grade=scope.grade))
        return self.tr("Plans are set for the whole workshop, so this page counts every converter, shift "
                       "and grade: the filter ({chosen}) does not apply here.").format(
            chosen=", ".join(chosen))

    def redraw(self) -> None:
        plan = self.result
        if plan is None:
            return
        chart = new_chart(self.tr("Cumulative output of {quarter} against the plan, t").format(
            quarter=plan.quarter))
        days = (plan.last - plan.first).days + 1
        labels = [""] * days
        for i in range(days):
            day = date.fromordinal(plan.first.toordinal() + i)
            if day.day == 1 or i == 0:
                labels[i] = day.strftime("%Y-%m-%d")
        x = index_axis(labels, plot_width(self.view))
        done = [QPointF((d - plan.first).days, t) for d, t in plan.cumulative]
        values = [p.y() for p in done]
        line: list[QPointF] = []
        if plan.plan_t is not None:
            # each day's point is the plan by the end of that day, as planned_by() and the CSV say
            line = [QPointF(0, plan.plan_t / days), QPointF(days - 1, plan.plan_t)]
            values.append(plan.plan_t)
        y = value_axis([0.0, *values], floor=0, ticks=5)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        add_lines(chart, [done], self.tr("Output to date"), pen(BLUE), (x, y))
        if line:
            add_lines(chart, [line], self.tr("Plan"), pen(GREEN, 2, DASH), (x, y))
        self.view.show_chart(chart)


# ------------------------------------------------------------------ records


class RecordsPage(Page):
    """The records up to the period's end, new ones starred and bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: tuple[trends.Record, ...] = ()
        self.records = TextTable((self.tr("Record"), self.tr("Value"), self.tr("When"), self.tr("Converter"),
                                  self.tr("New"), self.tr("Previous record")), (1, 5), self)
        self.view = table_view(self.records, "trends_records", self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)

    def tables(self) -> list[tuple[str, Callable[[], trends.Table | None]]]:
        return [(self.tr("Records"), lambda: trends.records_table(self.result))]

    def value_text(self, record: trends.Record, value: float | None) -> str:
        if value is None:
            return "—"
        if record.kind is trends.RecordKind.BEST_DAY:
            return rate_text(value)
        if record.kind is trends.RecordKind.MOST_HEATS:
            return self.tr("{n} heats").format(n=f"{value:,.0f}")
        return self.tr("{n} days").format(n=f"{value:,.0f}")

    def show_result(self, t: trends.Trends, names: Names) -> None:
        self.result = t.records
        rows = []
        for r in t.records:
            when = r.first.isoformat() if r.first == r.last \
                else f"{r.first.isoformat()} – {r.last.isoformat()}"
            rows.append(TextRow((_(trends.RECORD_NAMES[r.kind]), self.value_text(r, r.value), when,
                                 names.of("converter", r.converter) if r.converter else "",
                                 self.tr("★ new") if r.new else "", self.value_text(r, r.previous)
                                 if r.new else ""), r.kind, marked=r.new))
        self.records.set_rows(rows)
        note = self.tr("Over every day up to {day}. A ★ marks a record set on the period's last "
                       "production day ({last}).").format(
            day=t.period.date_to.isoformat(), last=t.last_day.isoformat() if t.last_day else "—")
        if not any(r.kind is trends.RecordKind.LONGEST_RUN for r in t.records):
            note += " " + self.tr("No day at or above a target yet: the targets come from the plans "
                                  "(Set-up ▸ Production plans).")
        self.note.setText(note)
        self.view.resizeColumnsToContents()
