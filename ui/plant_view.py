"""The Plant tab of the plant's quality office: every workshop's figures over a period beside the
plant's (issue 14).

Shown on a desk of a server that holds several workshops when its role reads at least two. A
period bar as the trends view's (month, quarter, last 30 days, custom); then, computed by
`qcdesk.plant.plant_quality` off the GUI thread (on the session's long lane, with connections of
its own to every workshop: never the window's store): a table of the workshops and the plant's
(bold), a line chart of the ingot qualified rate per point of the trend, the plant's rates by
grade with a column per workshop, the defect Pareto across the workshops, and the workshops the
role may not read. The plant's figures are the rates of the workshops' added sums, never an
average of their rates. Every request carries a generation; an answer to a period no longer
shown is dropped. It asks again when the desk's change feed reports a save (`session.changed`)
or on Refresh.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk import trends
from qcdesk.errors import QcError
from qcdesk.i18n import language
from qcdesk.plant_quality import PlantQuality
from qcdesk.rates import RateRow
from qcdesk.store import Store
from ui.common import ERROR_STYLE, Note, formula, rate_text
from ui.period_bar import PeriodBar
from ui.session import Session
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
    index_axis,
    new_chart,
    pen,
    runs,
    value_axis,
)
from ui.trends_models import TextRow, TextTable
from ui.trends_pages import MANY_POINTS, percent, plot_width, table_view

SPANS = (trends.Span.MONTH, trends.Span.QUARTER, trends.Span.LAST_30_DAYS, trends.Span.CUSTOM)
COLORS = (BLUE, GREEN, ORANGE, TEAL, RED, GREY)  # a workshop's line; the plant's is DARK and thicker
CHANGES_MS = 500  # a burst of saves reported by the feed is one request


class PlantView(QWidget):
    """The workshops side by side and the plant's, over a period; the work on the worker."""

    shown_result = Signal()  # a PlantQuality drawn

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result: PlantQuality | None = None
        self._generation = 0
        self._started = False

        # ---- the period bar
        self.period_bar = PeriodBar(SPANS, "plant", self)
        self.refresh_button = QPushButton(self.tr("Refres&h"), self)
        self.refresh_button.setToolTip(self.tr("Read every workshop's figures again (a save of this desk's "
                                               "workshop is shown by itself; another workshop's when asked)"))
        self.status = QLabel(self)
        self.status.setObjectName("plant_status")
        self.status.setWordWrap(True)
        self.error = Note(self, ERROR_STYLE)
        top = QHBoxLayout()
        top.addWidget(self.period_bar)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        # ---- the workshops and the plant
        self.workshops = TextTable(
            (self.tr("Workshop"), self.tr("Heats"), self.tr("Output t"), self.tr("Judged ingots"),
             self.tr("Ingot qualified (weight)"), self.tr("Ingot qualified (count)"),
             self.tr("Surface qualified"), self.tr("Chemistry conformance"), self.tr("Days not signed")),
            numeric=range(1, 9), parent=self,
            header_tips=("", "", "", "", formula("ingot_qualified_rate"),
                         formula("ingot_qualified_rate_by_count"), formula("surface_qualified_rate"),
                         formula("chemistry_conformance_rate"),
                         self.tr("Production days with heats that the workshop head has not signed")))
        self.workshop_table = self._table(self.workshops, "plant_workshops")
        self.workshop_table.horizontalHeader().setStretchLastSection(False)  # the numbers beside their names
        self.chart = ChartView(self)
        self.chart.setObjectName("plant_chart")
        self.chart.database = session.path  # its PNG and CSV never replace the database's files
        self.grades = TextTable((self.tr("Grade"), self.tr("Plant")), numeric=(1,), parent=self)
        self.grade_table = self._table(self.grades, "plant_grades")
        self.defects = TextTable((self.tr("Code"), self.tr("Defect"), self.tr("Ingots"), self.tr("Weight t"),
                                  self.tr("Share"), self.tr("Cumulative")), numeric=(2, 3, 4, 5), parent=self)
        self.defect_table = self._table(self.defects, "plant_defects")
        self.left_out = QLabel(self)
        self.left_out.setObjectName("plant_left_out")
        self.left_out.setWordWrap(True)
        self.left_out.hide()

        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self._titled(self.tr("Ingot qualified rate by grade (by weight)"), self.grade_table))
        side.addWidget(self._titled(self.tr("Defects of every workshop (by ingots)"), self.defect_table))
        below = QSplitter(Qt.Orientation.Horizontal, self)
        below.setObjectName("plant_splitter")
        below.addWidget(self.chart)
        below.addWidget(side)
        below.setStretchFactor(0, 3)
        below.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.workshop_table)
        layout.addWidget(self.left_out)
        layout.addWidget(below, 1)

        # ---- what follows what
        self._timer = QTimer(self)  # a burst of changes (a date typed, saves reported) is one request
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.reload)
        self.period_bar.changed.connect(self._period_changed)
        self.refresh_button.clicked.connect(self.reload)
        session.changed.connect(lambda _what: self._period_changed(CHANGES_MS))
        self._period_changed()

    def _table(self, model: TextTable, name: str) -> QTableView:
        view = table_view(model, name, self)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    def _titled(self, title: str, table: QTableView) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        label = QLabel(title, box)
        label.setBuddy(table)
        column.addWidget(label)
        column.addWidget(table, 1)
        return box

    # ------------------------------------------------------------ the period

    def period(self) -> trends.Period:
        """The period the bar says (a custom one ending before it starts is refused)."""
        return self.period_bar.period()

    def set_period(self, kind: trends.Span | str, day: date, day_to: date | None = None) -> None:
        """Show a period (as a person would pick it in the bar)."""
        self.period_bar.set_period(kind, day, day_to)

    def _period_changed(self, delay_ms: int = 0) -> None:
        try:
            self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        if self._started and not (self._timer.isActive() and delay_ms < self._timer.interval()):
            self._timer.start(delay_ms)

    # ------------------------------------------------------------ loading

    # QWidget.showEvent: the first time the tab is shown, its period and figures
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self.start()

    def start(self) -> None:
        """The month of this desk's workshop's last production date (today, if it has none yet)."""
        self._started = True

        def shown(span: tuple[date, date] | None) -> None:
            self.set_period(self.period_bar.span_kind(), span[1] if span else date.today())
            self.reload()

        self.session.submit(lambda store: store.date_span(), done=shown, failed=self.error.setText,
                            receiver=self)

    def reload(self) -> None:
        """Ask for every workshop's figures over the period the bar says."""
        self._timer.stop()
        if not self._started:
            self.start()
            return
        server = self.session.server
        if server is None:
            return
        try:
            period = self.period()
        except QcError as exc:
            self.error.setText(str(exc))
            return
        self._generation += 1
        generation, user = self._generation, self.session.user
        self.status.setText(self.tr("Reading every workshop's figures of {period}…").format(
            period=period.label))

        def work(_store: Store) -> PlantQuality:
            # every workshop on connections of its own (never the lane's, which is this workshop's)
            from qcdesk.plant import plant_quality  # noqa: PLC0415 - plant mode only

            return plant_quality(server, period, user=user)

        self.session.submit(work, done=lambda q: self._arrived(generation, q),
                            failed=lambda m: self._failed(generation, m), receiver=self, lane="long")

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.status.setText("")
            self.error.setText(message)

    def _arrived(self, generation: int, quality: PlantQuality) -> None:
        if generation != self._generation:
            return  # the answer to a period no longer shown
        self.result = quality
        self.error.clear()
        total = quality.total
        self.status.setText(self.tr(
            "{period}: {n} workshops, {heats} heats, plant's ingot qualified rate {rate} (by weight)").format(
            period=quality.period.label, n=len(quality.workshops), heats=f"{total.sums.heats:,}",
            rate=rate_text(total.rates.ingot_qualified_rate))
            + (self.tr(" — draft: days not signed yet") if quality.draft else ""))
        self._show_workshops(quality)
        self._show_grades(quality)
        self._show_defects(quality)
        self._draw(quality)
        if quality.left_out:
            self.left_out.setText(self.tr("Not shown: workshops this role may not read: {codes}").format(
                codes=", ".join(quality.left_out)))
        self.left_out.setVisible(bool(quality.left_out))
        self.shown_result.emit()

    # ------------------------------------------------------------ showing

    def _names(self, quality: PlantQuality) -> list[str]:
        chinese = language() == "zh"
        return [w.name(chinese) for w in quality.workshops]

    def _show_workshops(self, quality: PlantQuality) -> None:
        def cells(name: str, row: RateRow, unsigned: int) -> tuple[str, ...]:
            s, r = row.sums, row.rates
            return (name, f"{s.heats:,}", f"{s.output_t:,.1f}", f"{s.ingots_judged:,}",
                    rate_text(r.ingot_qualified_rate), rate_text(r.ingot_qualified_rate_by_count),
                    rate_text(r.surface_qualified_rate), rate_text(r.chemistry_conformance_rate),
                    f"{unsigned:,}")

        rows = [TextRow(cells(name, w.total, len(w.unsigned_days)), key=w.code, tips=(w.code,))
                for name, w in zip(self._names(quality), quality.workshops, strict=True)]
        rows.append(TextRow(cells(self.tr("Plant"), quality.total,
                                  sum(len(w.unsigned_days) for w in quality.workshops)),
                            key="plant", marked=True,
                            tips=(self.tr("The workshops' sums added, then divided"),)))
        self.workshops.set_rows(rows)
        table = self.workshop_table  # every row shown, no scrolling: a plant has a few workshops
        height = table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height * (len(rows) + 1) + 2 * table.frameWidth() + 4)
        layout = self.layout()
        if layout is not None:  # the chart takes the room left at once, not at the next event
            layout.activate()

    def _show_grades(self, quality: PlantQuality) -> None:
        names = self._names(quality)
        self.grades.set_headers((self.tr("Grade"), self.tr("Plant"), *names))
        self.grades.numeric = frozenset(range(1, len(names) + 2))
        per_workshop = [{row.keys["grade"]: row for row in w.by_grade} for w in quality.workshops]
        rows = []
        for row in quality.by_grade:
            grade = row.keys["grade"]
            mine = [shop.get(grade) for shop in per_workshop]
            rows.append(TextRow((grade, rate_text(row.rates.ingot_qualified_rate),
                                 *(rate_text(r.rates.ingot_qualified_rate if r else None) for r in mine)),
                                key=grade))
        self.grades.set_rows(rows)

    def _show_defects(self, quality: PlantQuality) -> None:
        chinese = language() == "zh"
        self.defects.set_rows([
            TextRow((bar.code, (bar.name_zh if chinese and bar.name_zh else bar.name_en) or bar.code,
                     f"{bar.ingots:,}", f"{bar.weight_kg / 1000:,.1f}", f"{bar.share * 100:.1f}%",
                     f"{bar.cumulative * 100:.1f}%"), key=bar.code)
            for bar in quality.pareto_by_count])

    def _draw(self, quality: PlantQuality) -> None:
        chart = new_chart(self.tr("Ingot qualified rate (by weight), per workshop and the plant"))
        keys = [b.key for b in quality.buckets]
        lines = [(name, [percent(b.rates.ingot_qualified_rate) for b in w.buckets])
                 for name, w in zip(self._names(quality), quality.workshops, strict=True)]
        plant = [percent(b.rates.ingot_qualified_rate) for b in quality.buckets]
        shown = [v for _n, values in (*lines, ("", plant)) for v in values if v is not None]
        if not shown:
            self.chart.empty(self.tr("No judged ingots of checked heats in this period"))
            return
        x = index_axis(keys, plot_width(self.chart))
        y = value_axis(shown, suffix="%", least_decimals=1, floor=0, ceiling=100, least_span=1.0)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        points = len(keys) <= MANY_POINTS
        for k, (name, values) in enumerate(lines):
            add_lines(chart, runs(values), name, pen(COLORS[k % len(COLORS)]), (x, y), points=points)
        add_lines(chart, runs(plant), self.tr("Plant"), pen(DARK, 3.0), (x, y), points=points)
        self.chart.show_chart(chart)
