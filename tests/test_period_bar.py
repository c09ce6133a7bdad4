"""The period bar of Quality trends and the Plant tab, as a person works it by keyboard: the kind
picked with the arrow keys, the day typed, the dates it spans beside it, and the view told once
per change (a date being typed a little later)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from qcdesk import trends
from qcdesk.errors import QcError
from ui.period_bar import TYPING_MS, PeriodBar

SPANS = (trends.Span.MONTH, trends.Span.QUARTER, trends.Span.YEAR, trends.Span.LAST_30_DAYS,
         trends.Span.CUSTOM)


@pytest.fixture
def bar(qtbot: QtBot) -> Iterator[PeriodBar]:
    holder = QWidget()
    qtbot.addWidget(holder)
    made = PeriodBar(SPANS, "test", holder)
    holder.show()
    made.set_period(trends.Span.MONTH, date(1959, 2, 14))
    yield made  # the holder lives as long as the test
    holder.close()


def test_a_month_is_the_whole_calendar_month_of_the_day(bar: PeriodBar) -> None:
    assert (bar.period().date_from, bar.period().date_to) == (date(1959, 2, 1), date(1959, 2, 28))
    assert bar.period_label.text().endswith("1959-02-01 – 1959-02-28")
    assert bar.day_edit.displayFormat() == "yyyy-MM"
    assert not bar.from_edit.isVisible()


def test_the_arrow_keys_pick_the_next_kind_and_the_view_is_told_at_once(qtbot: QtBot, bar: PeriodBar) -> None:
    told: list[int] = []
    bar.changed.connect(told.append)
    bar.kind_box.setFocus()
    qtbot.keyClick(bar.kind_box, Qt.Key.Key_Down)  # month → quarter
    assert bar.span_kind() is trends.Span.QUARTER
    assert (bar.period().date_from, bar.period().date_to) == (date(1959, 1, 1), date(1959, 3, 31))
    assert told == [0]
    qtbot.keyClick(bar.kind_box, Qt.Key.Key_Down)  # → year, shown as a year only
    assert bar.period_label.text().endswith("1959-01-01 – 1959-12-31")
    assert bar.day_edit.displayFormat() == "yyyy"


def test_a_custom_period_shows_its_two_dates_and_its_length(bar: PeriodBar) -> None:
    bar.set_period(trends.Span.CUSTOM, date(1959, 2, 10), date(1959, 2, 16))
    assert bar.from_edit.isVisible()
    assert bar.to_edit.isVisible()
    assert not bar.day_edit.isVisible()
    assert bar.period().days == 7
    assert bar.period_label.text() == "7 days"


def test_a_date_typed_tells_the_view_a_little_later(qtbot: QtBot, bar: PeriodBar) -> None:
    told: list[int] = []
    bar.changed.connect(told.append)
    bar.set_period(trends.Span.LAST_30_DAYS, date(1959, 2, 28))
    told.clear()
    bar.day_edit.setDate(bar.day_edit.date().addDays(-1))  # as a digit typed changes it
    assert told == [TYPING_MS]
    assert bar.period().date_to == date(1959, 2, 27)


def test_a_custom_period_ending_before_it_starts_is_refused_and_its_dates_stay(bar: PeriodBar) -> None:
    bar.set_period(trends.Span.CUSTOM, date(1959, 2, 10), date(1959, 2, 16))
    bar.to_edit.setDate(bar.to_edit.date().addDays(-10))  # 1959-02-06, before the 10th
    with pytest.raises(QcError):
        bar.period()
    assert bar.period_label.text() == "7 days"  # what it last said; the view says why
