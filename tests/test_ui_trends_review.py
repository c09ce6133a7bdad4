"""Review of the Quality trends tab: what a workshop head sees on the demo month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcdesk.store import Store
from ui.main_window import MainWindow
from ui.session import Session
from ui.trends_view import TrendsView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

LAST = date(1959, 2, 28)


@pytest.fixture
def view(qtbot: QtBot, demo_copy: Path) -> Iterator[TrendsView]:
    session = Session(demo_copy, "tester")
    try:
        w = MainWindow(session)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        with qtbot.waitSignal(w.trends_view.chemistry_shown, timeout=10000):
            w.tabs.setCurrentWidget(w.trends_view)
        qtbot.waitUntil(session.idle)
        yield w.trends_view
        qtbot.waitUntil(session.idle)
    finally:
        session.close()


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
