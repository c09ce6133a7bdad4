"""The Quality trends tab says plainly what it shows: "none" where no rule is broken, a calm
mark (not the alarm's red) for a p-chart's better-than-usual points, and that the Plan page
leaves the filters aside. Checked on the demo month against the store's own figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QScatterSeries
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from windows import shown_window

from qcdesk.model import EVERYTHING, ChartKey, ControlLimits
from qcdesk.store import Store
from ui.trends_charts import RED
from ui.trends_view import TrendsView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

LAST = date(1959, 2, 28)  # the demo month's last production date
FIRST = LAST - timedelta(days=29)  # the view opens on the last 30 days
WORSE = "Rule broken: more non-qualified"
BETTER = "Better than usual: fewer non-qualified"


@pytest.fixture
def view(qtbot: QtBot, demo_copy: Path) -> Iterator[TrendsView]:
    with shown_window(qtbot, demo_copy, trends=True) as w:
        yield w.trends_view


def _daily_fractions(path: Path) -> dict[date, float]:
    """Each day's non-qualified fraction by count, from the store's rate sums (ingots of checked heats)."""
    with Store.open(path, "check") as store:
        rows = store.rate_sums(FIRST, LAST, ("day",))
    out = {}
    for keys, sums in rows:
        if sums.ingots_judged:
            out[date.fromisoformat(keys["date"])] = 1 - sums.ingots_qualified / sums.ingots_judged
    return out


def _freeze(qtbot: QtBot, view: TrendsView, centre: float) -> None:
    with Store.open(view.session.path, "tester") as store:
        store.freeze_limits(ControlLimits(ChartKey.p(EVERYTHING), date(1959, 2, 1), date(1959, 2, 7), centre,
                                          None, 2000))
    with qtbot.waitSignal(view.trends_shown, timeout=10000):
        view.reload()
    qtbot.waitUntil(view.session.idle)


def _markers(view: TrendsView, name: str) -> list[QScatterSeries]:
    return [s for s in view.rate_page.p_view.chart().series()
            if isinstance(s, QScatterSeries) and s.name() == name]


def test_no_rule_broken_says_none(view: TrendsView) -> None:
    assert view.result is not None
    assert view.result.p_chart.violations == ()
    page = view.rate_page
    assert not page.no_violations.isHidden()
    assert page.no_violations.text() == "None: no point breaks rules 1, 2, 3, 4."
    assert page.violations_view.isHidden()  # no empty table


def test_no_rule_chosen_says_so(qtbot: QtBot, view: TrendsView) -> None:
    for box in view.rule_boxes.values():
        with qtbot.waitSignal(view.trends_shown, timeout=10000):
            box.setChecked(False)
    assert view.rate_page.no_violations.text().startswith("None: no rule is chosen")


def test_better_than_usual_points_are_a_calm_ring_not_the_alarm(qtbot: QtBot, view: TrendsView) -> None:
    fractions = _daily_fractions(view.session.path)
    assert max(fractions.values()) < 0.10  # every day's fraction is below the frozen centre
    _freeze(qtbot, view, 0.10)
    assert view.result is not None
    assert view.result.p_chart.centre == pytest.approx(0.10)
    flagged = {v.index for v in view.result.p_chart.violations}
    assert flagged  # far below a centre of 10 %: the rules fire, all below it
    assert _markers(view, WORSE) == []
    better = _markers(view, BETTER)
    assert len(better) == 1
    ring = better[0]
    assert ring.color().alpha() == 0
    assert ring.borderColor() != RED
    days = [view.result.buckets[round(p.x())].first for p in ring.points()]
    assert sorted(round(p.x()) for p in ring.points()) == sorted(flagged)
    for day, point in zip(days, ring.points(), strict=True):
        assert point.y() == pytest.approx(fractions[day] * 100)
    page = view.rate_page
    assert page.violations_view.isVisibleTo(view)
    assert page.no_violations.isHidden()
    texts = [page.violations.rows[r].cells[2] for r in range(page.violations.rowCount())]
    assert texts
    assert all("better than usual" in t for t in texts)
    colours = {page.violations.rows[r].color for r in range(page.violations.rowCount())}
    assert colours == {ring.borderColor().name()}


def test_worse_than_usual_points_stay_red(qtbot: QtBot, view: TrendsView) -> None:
    fractions = _daily_fractions(view.session.path)
    assert min(fractions.values()) > 0.005
    _freeze(qtbot, view, 0.005)
    assert _markers(view, BETTER) == []
    worse = _markers(view, WORSE)
    assert len(worse) == 1
    assert worse[0].color() == QColor(RED)
    listed = view.rate_page.violations
    texts = [listed.rows[r].cells[2] for r in range(listed.rowCount())]
    assert texts
    assert all("more non-qualified" in t for t in texts)


def test_the_plan_page_says_it_leaves_the_filters_aside(qtbot: QtBot, view: TrendsView) -> None:
    view.tabs.setCurrentWidget(view.plan_page)
    note = view.plan_page.scope_note
    assert note.isHidden()  # every converter, shift and grade: nothing to say
    with qtbot.waitSignal(view.trends_shown, timeout=10000):
        view.set_choice(view.converter_box, "2")
    with qtbot.waitSignal(view.trends_shown, timeout=10000):
        view.set_choice(view.shift_box, "night")
    qtbot.waitUntil(view.session.idle)
    assert note.isVisible()
    assert "whole workshop" in note.text()
    assert "converter 2" in note.text()
    assert "shift Night" in note.text()
    # and it does count the whole workshop: the quarter's output is every heat's, not converter 2's
    plan = view.result.plan if view.result else None
    assert plan is not None
    with Store.open(view.session.path, "check") as store:
        everything = sum(h.tap_weight_t for h in store.heats(date(1959, 1, 1), LAST))
    assert plan.output_t == pytest.approx(everything)
    with qtbot.waitSignal(view.trends_shown, timeout=10000):
        view.set_choice(view.converter_box, None)
    with qtbot.waitSignal(view.trends_shown, timeout=10000):
        view.set_choice(view.shift_box, None)
    assert note.isHidden()
