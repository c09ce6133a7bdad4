"""The Quality trends tab on the demo month: the charts and tables show the core's numbers,
checked against figures computed here from the store's plain reads (rates by day, heats,
ingots), not against the view's own output."""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QCategoryAxis, QXYSeries
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot
from windows import shown_window

from qcdesk import trends
from qcdesk.model import Scope
from qcdesk.store import Store
from ui.main_window import MainWindow
from ui.session import Session
from ui.trends_charts import ChartView, nice_range, number_text
from ui.trends_models import TextTable
from ui.trends_view import FreezeDialog, TrendsView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

LAST = date(1959, 2, 28)  # the demo month's last production date


@pytest.fixture
def window(qtbot: QtBot, demo_copy: Path) -> Iterator[MainWindow]:
    with shown_window(qtbot, demo_copy, trends=True) as w:
        yield w


@pytest.fixture
def view(window: MainWindow) -> TrendsView:
    return window.trends_view


def store_of(view: TrendsView) -> Store:
    return Store.open(view.session.path, "tester")


def settle(qtbot: QtBot, view: TrendsView, change: object = None) -> None:
    """Wait for the trends asked for by a change of the filters, and for the chemistry after it."""
    qtbot.waitUntil(lambda: view.session.idle() and not view._apply_timer.isActive(), timeout=10000)


def changed(qtbot: QtBot, view: TrendsView) -> object:
    return qtbot.waitSignal(view.trends_shown, timeout=10000)


def series_named(view: ChartView, name: str) -> list[QXYSeries]:
    return [s for s in view.chart().series() if isinstance(s, QXYSeries) and s.name() == name]


def points(view: ChartView, name: str) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for s in series_named(view, name) for p in s.points()]


def levels(line: list[tuple[float, float]]) -> list[float]:
    """The distinct heights of a line (a centre or a limit: one)."""
    return sorted({round(y, 12) for _x, y in line})


def column(model: TextTable, col: int) -> list[str]:
    return [model.rows[r].cells[col] for r in range(model.rowCount())]


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


# ------------------------------------------------------------------ the period


def test_opens_on_the_last_30_days_to_the_last_production_date(view: TrendsView) -> None:
    assert view.period() == trends.Period.of(trends.Span.LAST_30_DAYS, LAST)
    assert view.result is not None
    assert view.result.period.date_to == LAST
    assert view.basis() == "weight"  # the program's default leading basis


def test_rate_trend_is_the_daily_rate_of_the_store(qtbot: QtBot, view: TrendsView) -> None:
    first = view.period().date_from
    with Store.open(view.session.path, "tester") as store:
        daily = {row.keys["date"]: row.rates for row in store.rates(first, LAST, ("day",)).rows}
    drawn = points(view.rate_page.rate_view, "Ingot qualified rate")
    expected = [(float((date.fromisoformat(d) - first).days), r.ingot_qualified_rate * 100)
                for d, r in sorted(daily.items()) if r.ingot_qualified_rate is not None]
    assert len(drawn) == len(expected) == 28  # February 1959; the 30 days start on January 30
    for (x, y), (ex, ey) in zip(drawn, expected, strict=True):
        assert x == ex
        assert y == pytest.approx(ey)

    with changed(qtbot, view):  # the other basis leads
        view.basis_box.setCurrentIndex(view.basis_box.findData("count"))
    drawn = points(view.rate_page.rate_view, "Ingot qualified rate")
    assert [y for _x, y in drawn] == pytest.approx(
        [r.ingot_qualified_rate_by_count * 100 for _d, r in sorted(daily.items())])


def test_p_chart_centre_is_all_not_qualified_over_all_judged(view: TrendsView) -> None:
    first = view.period().date_from
    with Store.open(view.session.path, "tester") as store:
        total = store.rates(first, LAST).total.sums
        daily = {row.keys["date"]: row.sums for row in store.rates(first, LAST, ("day",)).rows}
    centre = (total.ingots_judged - total.ingots_qualified) / total.ingots_judged
    line = points(view.rate_page.p_view, "Centre p̄")
    assert levels(line) == pytest.approx([centre * 100])
    drawn = points(view.rate_page.p_view, "p")
    assert [y for _x, y in drawn] == pytest.approx(
        [(s.ingots_judged - s.ingots_qualified) / s.ingots_judged * 100 for _d, s in sorted(daily.items())])
    # the limits are per day: p̄ ± 3·√(p̄(1−p̄)/nᵢ), drawn as steps around each day
    upper = points(view.rate_page.p_view, "UCL / LCL")
    day = sorted(daily)[3]
    x = (date.fromisoformat(day) - first).days
    n = daily[day].ingots_judged
    ucl = (centre + 3 * math.sqrt(centre * (1 - centre) / n)) * 100
    assert (x - 0.5, pytest.approx(ucl)) in upper
    assert "Recomputed" in view.rate_page.limits_label.text()


def test_a_month_by_week_has_a_bucket_per_week(qtbot: QtBot, view: TrendsView) -> None:
    with changed(qtbot, view):
        view.set_period(trends.Span.MONTH, date(1959, 2, 10))
    with changed(qtbot, view):
        view.grain_box.setCurrentIndex(view.grain_box.findData("week"))
    t = view.result
    assert t is not None
    assert t.grain is trends.Grain.WEEK
    assert (t.period.date_from, t.period.date_to) == (date(1959, 2, 1), LAST)
    with Store.open(view.session.path, "tester") as store:
        for bucket in t.buckets:
            expected = store.rates(bucket.first, bucket.last).total.rates.ingot_qualified_rate
            x = t.buckets.index(bucket)
            drawn = dict(points(view.rate_page.rate_view, "Ingot qualified rate"))
            assert drawn[x] == pytest.approx(expected * 100)
    labels = axis_labels(view.rate_page.rate_view)
    assert labels[0] == "1959-W05"


# ------------------------------------------------------------------ comparisons


def test_a_converter_filter_shows_its_figures_by_shift(qtbot: QtBot, view: TrendsView) -> None:
    first = view.period().date_from
    with changed(qtbot, view):
        view.set_choice(view.converter_box, "2")
    with Store.open(view.session.path, "tester") as store:
        rows = [r for r in store.rates(first, LAST, ("converter", "shift")).rows
                if r.keys["converter"] == "2"]
        names = {s.code: s.name_en for s in store.shifts()}
    model = view.comparisons_page.models["shift"]
    assert column(model, 0) == [names[r.keys["shift"]] for r in rows]
    assert column(model, 1) == [f"{r.sums.ingots_judged:,}" for r in rows]
    assert column(model, 2) == [pct(r.rates.ingot_qualified_rate) for r in rows]
    assert column(model, 4) == [f"{r.sums.output_t:,.1f}" for r in rows]
    # the converter table holds converter 2 alone; the bars (drawn when the page is shown) carry n
    view.tabs.setCurrentWidget(view.comparisons_page)
    judged = sum(r.sums.ingots_judged for r in rows)
    assert column(view.comparisons_page.models["converter"], 1) == [f"{judged:,}"]
    bars = view.comparisons_page.rate_views["shift"].chart().axes(Qt.Orientation.Vertical)[0]
    assert [label.split(" = ")[-1] for label in bars.categories()] == \
        [f"{r.sums.ingots_judged:,}" for r in reversed(rows)]


# ------------------------------------------------------------------ defects


def hand_pareto(store: Store, first: date, last: date) -> Counter[str]:
    """Ingots carrying each defect (once per ingot and defect), from the ingots themselves."""
    found: Counter[str] = Counter()
    for ingot in store.iter_ingots(first, last):
        for code in {d.code for d in ingot.defects}:
            found[code] += 1
    return found


def test_pareto_first_bar_is_the_top_defect_and_lists_its_ingots(qtbot: QtBot, view: TrendsView) -> None:
    first = view.period().date_from
    with Store.open(view.session.path, "tester") as store:
        counted = hand_pareto(store, first, LAST)
    (top, n), = counted.most_common(1)
    page = view.defects_page
    view.tabs.setCurrentWidget(page)
    bar_set = page.view.chart().series()[0].barSets()[0]
    assert bar_set.at(0) == n
    assert page.bars.key_at(0) == top
    assert [page.bars.key_at(r) for r in range(page.bars.rowCount())] == \
        [code for code, _n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]
    with qtbot.waitSignal(view.defect_ingots_shown, timeout=10000) as shown:
        rect = page.bars_view.visualRect(page.bars.index(0, 0))
        qtbot.mouseClick(page.bars_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert shown.args == [n]
    assert page.ingots.rowCount() == n
    # a bar clicked on the chart asks for the same
    with qtbot.waitSignal(view.defect_ingots_shown, timeout=10000) as shown:
        page.view.chart().series()[0].clicked.emit(1, bar_set)
    assert shown.args == [page.pareto()[1].ingots]
    # by weight: the bars are the ingots' weight in tonnes, heaviest first
    page.weight_button.setChecked(True)
    weights = [page.view.chart().series()[0].barSets()[0].at(i) for i in range(3)]
    assert weights == sorted(weights, reverse=True)
    assert weights[0] == pytest.approx(page.result.pareto_by_weight[0].weight_kg / 1000)  # type: ignore[union-attr]


def test_double_click_on_a_defect_ingot_opens_its_heat(qtbot: QtBot, window: MainWindow) -> None:
    view = window.trends_view
    page = view.defects_page
    view.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(view.defect_ingots_shown, timeout=10000):
        page.choose(page.bars.key_at(0))  # type: ignore[arg-type]
    heat_no = page.ingots.rows[0].cells[0]
    rect = page.ingots_view.visualRect(page.ingots.index(0, 0))
    qtbot.mouseClick(page.ingots_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.ingots_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.heat_view
    qtbot.waitUntil(lambda: window.heat_view.heat_no == heat_no, timeout=10000)


# ------------------------------------------------------------------ drill-down


def test_clicking_a_day_opens_that_days_heats_in_history(qtbot: QtBot, window: MainWindow) -> None:
    view = window.trends_view
    day = date(1959, 2, 10)
    t = view.result
    assert t is not None
    index = next(i for i, b in enumerate(t.buckets) if b.first == day)
    chart_view = view.rate_page.rate_view
    y = dict(points(chart_view, "Ingot qualified rate"))[index]
    with Store.open(view.session.path, "tester") as store:
        expected = len(store.heats(day, day))
    qtbot.mouseClick(chart_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=chart_view.position_of(index, y).toPoint())
    assert window.tabs.currentWidget() is window.history_view
    qtbot.waitUntil(lambda: window.history_view.model.total == expected, timeout=10000)
    assert window.history_view.date_from.text() == window.history_view.date_to.text() == day.isoformat()
    assert expected > 30


def test_drill_down_keeps_the_scope(qtbot: QtBot, window: MainWindow) -> None:
    view = window.trends_view
    with changed(qtbot, view):
        view.set_choice(view.converter_box, "3")
    with Store.open(view.session.path, "tester") as store:
        expected = len(store.heats(date(1959, 2, 5), date(1959, 2, 5), converter="3"))
    index = next(i for i, b in enumerate(view.result.buckets) if b.first == date(1959, 2, 5))  # type: ignore[union-attr]
    view.rate_page.p_view.clicked_x.emit(index + 0.3)  # a click near the point
    assert window.tabs.currentWidget() is window.history_view
    qtbot.waitUntil(lambda: window.history_view.model.total == expected, timeout=10000)
    assert window.history_view.converter_box.currentData() == "3"


# ------------------------------------------------------------------ frozen limits


def test_limits_frozen_from_a_baseline_stay_when_the_period_changes(qtbot: QtBot, view: TrendsView) -> None:
    baseline = (date(1959, 2, 1), date(1959, 2, 14))
    with Store.open(view.session.path, "tester") as store:
        sums = store.rates(*baseline).total.sums
    frozen = (sums.ingots_judged - sums.ingots_qualified) / sums.ingots_judged
    view.rate_page.freeze_button.click()
    dialog = view.dialog
    assert isinstance(dialog, FreezeDialog)
    dialog.from_edit.setDate(dialog.from_edit.date().fromString("1959-02-01", "yyyy-MM-dd"))
    dialog.to_edit.setDate(dialog.to_edit.date().fromString("1959-02-14", "yyyy-MM-dd"))
    with changed(qtbot, view):  # the write says "limits": the view asks again
        dialog.accept()
    settle(qtbot, view)
    assert view.result is not None
    assert view.result.frozen is not None
    assert view.result.p_chart.centre == pytest.approx(frozen)
    assert "1959-02-01 – 1959-02-14" in view.rate_page.limits_label.text()
    assert view.rate_page.unfreeze_button.isEnabled()

    with changed(qtbot, view):
        view.set_period(trends.Span.CUSTOM, date(1959, 2, 15), LAST)
    assert view.result.p_chart.centre == pytest.approx(frozen)
    assert levels(points(view.rate_page.p_view, "Centre p̄")) == pytest.approx([frozen * 100])

    with changed(qtbot, view):
        view.rate_page.unfreeze_button.click()
    settle(qtbot, view)
    with Store.open(view.session.path, "tester") as store:
        sums = store.rates(date(1959, 2, 15), LAST).total.sums
    assert view.result.frozen is None
    assert view.result.p_chart.centre == pytest.approx((sums.ingots_judged - sums.ingots_qualified)
                                                       / sums.ingots_judged)


def test_a_baseline_ending_before_it_starts_is_refused_in_the_dialog(qtbot: QtBot, view: TrendsView) -> None:
    dialog = FreezeDialog("the p-chart", date(1959, 2, 10), date(1959, 2, 1), view)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible()
    assert "before" in dialog.note.text()


# ------------------------------------------------------------------ chemistry


def test_chemistry_chart_is_the_grades_analyses(qtbot: QtBot, view: TrendsView) -> None:
    page = view.chemistry_page
    view.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(view.chemistry_shown, timeout=10000):
        page.grade_box.setCurrentIndex(page.grade_box.findData("Q235A"))
        page.grade_box.activated.emit(page.grade_box.currentIndex())
    page.element_box.setCurrentIndex(page.element_box.findData("Mn"))
    with qtbot.waitSignal(view.chemistry_shown, timeout=10000):
        page.element_box.activated.emit(page.element_box.currentIndex())
    first = view.period().date_from
    with Store.open(view.session.path, "tester") as store:
        values = [h.analysis["Mn"] for h in store.heats(first, LAST, grade="Q235A") if "Mn" in h.analysis]
        limits = store.standard_in_force("Q235A", LAST)
    assert limits is not None
    assert [page.element_box.itemData(i) for i in range(page.element_box.count())] == \
        [lim.element for lim in limits.limits]
    drawn = points(page.i_view, "Analysis value")
    assert [y for _x, y in drawn] == pytest.approx(values)
    mean = sum(values) / len(values)
    assert levels(points(page.i_view, "Centre x̄")) == pytest.approx([mean])
    mr_bar = sum(abs(b - a) for a, b in itertools.pairwise(values)) / (len(values) - 1)
    assert levels(points(page.i_view, "UCL / LCL")) == pytest.approx([mean + 2.66 * mr_bar])
    mn = next(lim for lim in limits.limits if lim.element == "Mn")
    assert levels(points(page.i_view, "Spec limit")) == \
        pytest.approx(sorted(v for v in (mn.min_pct, mn.max_pct) if v is not None))
    assert page.n_label.text() == f"n = {len(values):,}"
    sigma = mr_bar / 1.128
    both = mn.min_pct is not None and mn.max_pct is not None
    cp = (mn.max_pct - mn.min_pct) / (6 * sigma) if both else None
    assert page.cp_label.text() == ("Cp = —" if cp is None else f"Cp = {cp:.2f}")


def test_an_undefined_cp_says_why(qtbot: QtBot, view: TrendsView) -> None:
    page = view.chemistry_page
    view.tabs.setCurrentWidget(page)
    page.grade_box.setCurrentIndex(page.grade_box.findData("Q195"))
    page.element_box.setCurrentIndex(page.element_box.findData("C"))
    with qtbot.waitSignal(view.chemistry_shown, timeout=10000):
        page.element_box.activated.emit(page.element_box.currentIndex())
    assert page.result is not None
    assert page.result.spec_min is None
    assert page.cp_label.text() == "Cp = —"
    assert "one side" in page.cp_label.toolTip()
    assert page.cpk_label.text().startswith("Cpk = ")
    assert "—" not in page.cpk_label.text()


# ------------------------------------------------------------------ plan and records


def test_plan_against_output(qtbot: QtBot, view: TrendsView) -> None:
    view.tabs.setCurrentWidget(view.plan_page)
    assert view.plan_page.hint.isVisible()
    assert "Set-up" in view.plan_page.hint.text()
    with Store.open(view.session.path, "tester") as store:
        store.set_plan("1959-Q1", output_t=20000.0, ingot_rate=0.96)
        store.set_plan("1959-02", output_t=6000.0, ingot_rate=0.955)
        done = sum(h.tap_weight_t for h in store.heats(date(1959, 1, 1), LAST))
    with changed(qtbot, view):
        view.session.changed.emit("setup")
    settle(qtbot, view)
    figures = view.plan_page.figures
    assert not view.plan_page.hint.isVisible()
    assert figures["plan"].text() == "20,000.0 t"
    assert figures["done"].text() == f"{done:,.1f} t"
    days_left = (date(1959, 3, 31) - LAST).days
    assert figures["days_left"].text() == str(days_left)
    assert figures["needed"].text() == f"{(20000 - done) / days_left:,.1f} t a day"
    assert figures["target"].text() == "96.0%"
    assert column(view.plan_page.months, 0) == ["1959-01", "1959-02", "1959-03"]
    assert column(view.plan_page.months, 1) == ["—", "6,000.0", "—"]
    # the plan line reaches the quarter's plan on its last day; the rate trend draws the target in
    # force each day: the quarter's on January 30 and 31, February's from February 1 (index 2)
    plan_line = points(view.plan_page.view, "Plan")
    assert plan_line[-1][1] == pytest.approx(20000.0)
    # and on each day the line is what the quarter's plan asks by that day's end (90 days in 1959-Q1)
    assert plan_line[0] == pytest.approx((0.0, 20000 / 90))
    assert plan_line[-1][0] == pytest.approx(89.0)
    view.tabs.setCurrentWidget(view.rate_page)
    targets = points(view.rate_page.rate_view, "Target")
    assert levels(targets) == pytest.approx([95.5, 96.0])
    assert [y for x, y in targets if x < 1.5] == pytest.approx([96.0] * 3)
    assert min(x for x, y in targets if y == pytest.approx(95.5)) == pytest.approx(1.5)


def test_records_mark_a_record_set_on_the_last_day(qtbot: QtBot, view: TrendsView) -> None:
    with Store.open(view.session.path, "tester") as store:
        per_day: dict[date, Counter[str]] = defaultdict(Counter)
        for heat in store.heats(date(1959, 2, 1), LAST):
            per_day[heat.production_date][heat.converter] += 1
    # the first day on which one converter made more heats than any converter on any day before
    best, record_day = 0, None
    for day in sorted(per_day):
        top = max(per_day[day].values())
        if top > best and day > min(per_day):
            record_day = day
        best = max(best, top)
    assert record_day is not None
    with changed(qtbot, view):
        view.set_period(trends.Span.CUSTOM, date(1959, 2, 1), record_day)
    model = view.records_page.records
    row = next(r for r in range(model.rowCount()) if model.rows[r].key is trends.RecordKind.MOST_HEATS)
    assert model.rows[row].cells[4] == "★ new"
    assert model.rows[row].cells[1] == f"{max(per_day[record_day].values())} heats"
    font = model.data(model.index(row, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()

    with changed(qtbot, view):  # to the month's end the most heats record is an old one
        view.set_period(trends.Span.MONTH, LAST)
    record = next(r for r in view.result.records if r.kind is trends.RecordKind.MOST_HEATS)  # type: ignore[union-attr]
    best_day = max(per_day, key=lambda d: (max(per_day[d].values()), -d.toordinal()))
    assert (record.first, record.value, record.new) == (best_day, max(per_day[best_day].values()), False)
    row = next(r for r in range(model.rowCount()) if model.rows[r].key is trends.RecordKind.MOST_HEATS)
    assert model.rows[row].cells[4] == ""
    assert model.data(model.index(row, 0), Qt.ItemDataRole.FontRole) is None


# ------------------------------------------------------------------ the tables, axes, export


def all_models(view: TrendsView) -> list[TextTable]:
    return [t.model() for t in view.findChildren(QTableView) if isinstance(t.model(), TextTable)]


def test_every_table_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: object,
                                                   view: TrendsView) -> None:
    page = view.defects_page
    with qtbot.waitSignal(view.defect_ingots_shown, timeout=10000):
        page.choose(page.bars.key_at(0))  # type: ignore[arg-type]
    models = all_models(view)
    assert len(models) >= 8
    for model in models:
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    empty = TextTable(("a", "b"), (1,))
    qtmodeltester.check(empty)  # type: ignore[attr-defined]
    assert empty.data(QModelIndex()) is None


def axis_labels(chart_view: ChartView) -> list[str]:
    found = []
    for axis in chart_view.chart().axes():
        if isinstance(axis, QCategoryAxis):
            found += axis.categoriesLabels()
    return found


def test_axis_text_has_no_negative_zero_and_one_decimal_percentages(qtbot: QtBot, view: TrendsView) -> None:
    for span, day in ((trends.Span.LAST_30_DAYS, LAST), (trends.Span.YEAR, LAST)):
        with changed(qtbot, view):
            view.set_period(span, day)
        settle(qtbot, view)
        for page_index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(page_index)
            for chart_view in view.findChildren(ChartView):
                for label in axis_labels(chart_view):
                    assert not re.match(r"-0(\.0*)?%?$", label), label
                    if label.endswith("%"):
                        assert re.fullmatch(r"[0-9,]+\.[0-9]%", label), label
    assert number_text(-0.0001, 1, "%") == "0.0%"
    assert number_text(-1e-17, 3) == "0.000"
    lo, hi, step = nice_range([93.7, 97.9], floor=0, ceiling=100)
    assert lo <= 93.7
    assert hi >= 97.9
    assert step > 0
    assert hi <= 100


def test_a_year_is_cut_by_week_and_thinned_labels_do_not_crowd(qtbot: QtBot, view: TrendsView) -> None:
    with changed(qtbot, view):
        view.set_period(trends.Span.YEAR, LAST)
    t = view.result
    assert t is not None
    assert t.grain is trends.Grain.WEEK
    assert len(t.buckets) == 53
    labels = axis_labels(view.rate_page.rate_view)
    assert 2 <= len([lab for lab in labels if "W" in lab]) < len(t.buckets)


def test_charts_save_as_png_and_their_data_as_csv(view: TrendsView, tmp_path: Path) -> None:
    png, data = tmp_path / "rate.png", tmp_path / "rate.csv"
    assert view.rate_page.rate_view.save_png(png)
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() > 100
    assert view.rate_page.rate_view.save_csv(data)
    with data.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, _rows = trends.trend_table(view.result)  # type: ignore[arg-type]
    assert tuple(rows[0]) == header
    assert len(rows) == 1 + 30
    assert rows[-1][0] == LAST.isoformat()
    pareto = tmp_path / "pareto.csv"
    assert view.defects_page.view.save_csv(pareto)
    assert pareto.read_text(encoding="utf-8-sig").splitlines()[0].startswith("defect,")


def test_the_export_menu_offers_the_pages_charts_and_the_period_report(view: TrendsView) -> None:
    view.tabs.setCurrentWidget(view.comparisons_page)
    view._fill_export_menu()
    texts = [a.text() for a in view.export_menu.actions()]
    assert sum(t.endswith("as PNG…") for t in texts) == 6
    assert sum(t.endswith("data as CSV…") for t in texts) == 3
    report = next(a for a in view.export_menu.actions() if "Period" in a.text())
    assert report.isEnabled()


def test_an_answer_to_filters_no_longer_shown_is_dropped(qtbot: QtBot, view: TrendsView) -> None:
    view.set_period(trends.Span.YEAR, LAST)
    view.reload()
    view.set_period(trends.Span.MONTH, date(1959, 2, 1))
    view.set_choice(view.converter_box, "1")
    view.reload()
    settle(qtbot, view)
    assert view.result is not None
    assert view.result.period == trends.Period.of(trends.Span.MONTH, date(1959, 2, 1))
    assert view.result.scope == Scope("1")


def test_chinese_labels(qtbot: QtBot, demo_copy: Path) -> None:
    from ui.i18n import install_language

    install_language("zh")
    session = Session(demo_copy, "tester")
    try:
        view = TrendsView(session)
        qtbot.addWidget(view)
        view.resize(1366, 700)
        with qtbot.waitSignal(view.trends_shown, timeout=10000):
            view.show()
        qtbot.waitUntil(session.idle)
        assert view.tabs.tabText(0) == "合格率趋势(&A)"
        assert view.rate_page.rate_view.chart().title() == "钢锭合格率（按重量）"
        assert "钢锭合格率" in view.status.text()
    finally:
        session.close()
        install_language("en")


def test_the_shift_filter_and_the_rules(qtbot: QtBot, view: TrendsView) -> None:
    first = view.period().date_from
    with changed(qtbot, view):
        view.set_choice(view.shift_box, "night")
    with Store.open(view.session.path, "tester") as store:
        judged = sum(h.ingots_judged for h in store.heats(first, LAST, shift="night")
                     if h.chem_status != "not_checked")
    assert view.result is not None
    assert view.result.total.sums.ingots_judged == judged
    assert column(view.comparisons_page.models["shift"], 0) == ["Night"]
    for box in view.rule_boxes.values():
        with changed(qtbot, view):
            box.setChecked(False)
    assert view.result.p_chart.violations == ()
    assert view.rate_page.violations.rowCount() == 0


def test_leaving_today_is_not_used(view: TrendsView) -> None:
    # the demo lies in 1959; the wall clock is decades later
    assert view.period().date_to == LAST != date.today()
    assert view.result is not None
    assert view.result.last_day == LAST
    assert view.result.buckets[-1].first == LAST
    assert view.result.buckets[0].first == LAST - timedelta(days=29)


def test_the_period_report_is_made_for_the_period_shown(qtbot: QtBot, view: TrendsView,
                                                        tmp_path: Path) -> None:
    with changed(qtbot, view):
        view.set_period(trends.Span.MONTH, LAST)
    out = tmp_path / "period.pdf"
    with qtbot.waitSignal(view.message, timeout=60000,
                          check_params_cb=lambda text: text.startswith("Saved")):
        view.make_period_report(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert view.error.text() == ""


def test_without_a_plan_the_records_say_where_the_target_comes_from(qtbot: QtBot, view: TrendsView) -> None:
    kinds = [r.kind for r in view.records_page.result]
    assert trends.RecordKind.LONGEST_RUN not in kinds  # the demo has no plan, so no target
    assert "Production plans" in view.records_page.note.text()
    with Store.open(view.session.path, "tester") as store:
        store.set_plan("1959-02", output_t=None, ingot_rate=0.9)  # every demo day is above 90%
    with changed(qtbot, view):
        view.set_period(trends.Span.MONTH, LAST)
    run = next(r for r in view.records_page.result if r.kind is trends.RecordKind.LONGEST_RUN)
    assert (run.first, run.last) == (date(1959, 2, 1), LAST)
    assert "Production plans" not in view.records_page.note.text()


def test_the_chemistry_page_opens_on_the_period_s_main_grade(qtbot: QtBot, view: TrendsView) -> None:
    period = view.period()
    with Store.open(view.session.path, "tester") as store:
        made = Counter(h.grade for h in store.heats(period.date_from, period.date_to))
    main = made.most_common(1)[0][0]
    assert view.chemistry_page.result is not None
    assert view.chemistry_page.result.grade == main
    # a grade the person picks stays picked when the period changes
    page = view.chemistry_page
    page.grade_box.setCurrentIndex(page.grade_box.findData("Q195"))
    with qtbot.waitSignal(view.chemistry_shown, timeout=10000):
        page.grade_box.activated.emit(page.grade_box.currentIndex())
    view.set_period("month", date(1959, 2, 1))
    qtbot.waitUntil(lambda: view.session.idle() and not view._apply_timer.isActive(), timeout=10000)
    assert page.result is not None
    assert page.result.grade == "Q195"
