"""History shows every heat, not only the first page: more come as the list is scrolled or at a
press of "Show more"; a date filter is typed or picked on a calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from qcdesk.store import Store
from ui.history_view import PAGE, HistoryView
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise",
                                       "does not support grabbing the keyboard")


@pytest.fixture
def view(qtbot: QtBot, demo_copy: Path) -> Iterator[HistoryView]:
    session = Session(demo_copy, "tester")
    v = HistoryView(session)
    qtbot.addWidget(v)
    v.resize(1366, 600)
    v.show()
    qtbot.waitExposed(v)
    qtbot.waitUntil(lambda: v.model.rowCount() > 0 and v.model.total is not None and session.idle())
    yield v
    qtbot.waitUntil(session.idle)
    session.close()


def test_show_more_brings_every_heat(qtbot: QtBot, view: HistoryView) -> None:
    with Store.open(view.session.path, "check") as store:
        every = sorted(store.heats(date(1959, 2, 1), date(1959, 2, 28)),
                       key=lambda h: (h.production_date, h.tapped_at, h.id), reverse=True)
    assert len(every) == 936
    assert view.count_label.text() == f"{PAGE} of 936 heats shown"
    presses = 0
    while view.more_button.isVisible():
        shown = view.model.rowCount()
        qtbot.mouseClick(view.more_button, Qt.MouseButton.LeftButton)
        presses += 1
        qtbot.waitUntil(lambda: view.model.rowCount() > shown and view.session.idle())  # noqa: B023
    assert presses == -(-936 // PAGE) - 1  # 4 presses after the first page of 200
    assert [view.model.heat_no(r) for r in range(view.model.rowCount())] == [h.heat_no for h in every]
    assert view.count_label.text() == "936 of 936 heats shown"


def test_a_filter_that_fits_one_page_offers_no_more(qtbot: QtBot, view: HistoryView) -> None:
    view.date_from.setText("1959-02-02")
    view.date_to.setText("1959-02-02")
    qtbot.waitUntil(lambda: view.model.heat_filter.date_to == date(1959, 2, 2) and view.session.idle())
    qtbot.waitUntil(lambda: view.model.total == 38)
    assert view.more_button.isHidden()


def test_a_date_is_picked_on_a_calendar(qtbot: QtBot, view: HistoryView) -> None:
    view.date_to.setFocus()
    qtbot.keyClick(view.date_to, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    menu = view.to_calendar.menu()
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    calendar = view.to_calendar.calendar
    # nothing typed: the calendar opens where the heats are, the demo's last day, not today
    assert calendar.selectedDate() == QDate(1959, 2, 28)
    calendar.setSelectedDate(QDate(1959, 2, 2))
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert view.date_to.text() == "1959-02-02"
    qtbot.waitUntil(lambda: view.model.heat_filter.date_to == date(1959, 2, 2) and view.session.idle())
    # and a typed date opens the calendar on it
    view.date_from.setText("1959-02-14")
    view.from_calendar.open_calendar()
    assert view.from_calendar.calendar.selectedDate() == QDate(1959, 2, 14)
    menu = view.from_calendar.menu()
    assert menu is not None
    menu.hide()
