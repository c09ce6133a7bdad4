"""A tap time as typed (the date stays unless typed), and when it is questioned (issue 15, 2)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qcdesk.errors import InputError
from qcdesk.model import Shift
from qcdesk.taptime import doubts, parse_tap_time, question

SHOWN = datetime(2024, 3, 4, 10, 15)
NOW = SHOWN
SCHEDULE = [Shift(1, "night", "night", "夜班", 0, 1), Shift(2, "day", "day", "白班", 480, 2),
            Shift(3, "evening", "evening", "中班", 960, 3)]
DAY_SHIFT = (date(2024, 3, 4), "day")


@pytest.mark.parametrize(("typed", "meant"), [
    ("10:30", datetime(2024, 3, 4, 10, 30)),
    ("1030", datetime(2024, 3, 4, 10, 30)),
    (" 9.05 ", datetime(2024, 3, 4, 9, 5)),
    ("0:00", datetime(2024, 3, 4, 0, 0)),
    ("１０：３０", datetime(2024, 3, 4, 10, 30)),  # as a Chinese input method types it
    ("03-05 10:30", datetime(2024, 3, 5, 10, 30)),
    ("2024-03-05 10:30", datetime(2024, 3, 5, 10, 30)),
    ("2023-12-31  23:59", datetime(2023, 12, 31, 23, 59)),
])
def test_a_time_alone_keeps_the_date_shown(typed: str, meant: datetime) -> None:
    assert parse_tap_time(typed, SHOWN) == meant


@pytest.mark.parametrize(("typed", "said"), [
    ("25:00", "'25:00' is no such date or time"),
    ("2024-02-30 10:00", "'2024-02-30 10:00' is no such date or time"),
    ("tomorrow", "'tomorrow' is not a tap time: type 10:30 (the date stays), or 2024-03-04 10:30"),
    ("", "'' is not a tap time"),
    ("2024-03-05", "'2024-03-05' is not a tap time"),
])
def test_what_is_no_tap_time_is_said(typed: str, said: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_tap_time(typed, SHOWN)
    assert refused.value.field == "tap time"
    assert refused.value.problem.startswith(said)


def test_within_the_hour_or_the_shift_shown_nothing_is_doubtful() -> None:
    assert doubts(datetime(2024, 3, 4, 10, 30), NOW, SCHEDULE, DAY_SHIFT) == []
    assert doubts(datetime(2024, 3, 4, 11, 15), NOW, SCHEDULE, DAY_SHIFT) == []   # an hour ahead, exactly
    assert doubts(datetime(2024, 3, 4, 8, 0), NOW, SCHEDULE, DAY_SHIFT) == []     # logged late, same shift
    # back-filling the night shift while it is shown
    assert doubts(datetime(2024, 3, 4, 3, 40), NOW, SCHEDULE, (date(2024, 3, 4), "night")) == []


def test_more_than_an_hour_ahead_is_doubtful() -> None:
    assert doubts(datetime(2024, 3, 4, 11, 20), NOW, SCHEDULE, DAY_SHIFT) == [
        "it is 1 h 05 min ahead of the clock"]


def test_more_than_an_hour_before_now_outside_the_shift_shown_is_doubtful() -> None:
    assert doubts(datetime(2024, 3, 4, 7, 30), NOW, SCHEDULE, DAY_SHIFT) == ["it is 2 h 45 min before now"]
    assert doubts(datetime(2024, 3, 4, 7, 30), NOW, SCHEDULE) == ["it is 2 h 45 min before now"]


def test_another_production_date_than_the_one_shown_is_doubtful() -> None:
    # the date typed ahead by a day: 24 h 15 min ahead, and on the 5th
    assert doubts(datetime(2024, 3, 5, 10, 30), NOW, SCHEDULE, DAY_SHIFT) == [
        "it is 24 h 15 min ahead of the clock",
        "it belongs to production date 2024-03-05, not to 2024-03-04 shown"]
    assert doubts(datetime(2024, 3, 1, 10, 0), NOW, SCHEDULE, DAY_SHIFT) == [
        "it is 3 days before now", "it belongs to production date 2024-03-01, not to 2024-03-04 shown"]
    # the shift view shows yesterday; the clock's heat is questioned for its date only
    assert doubts(NOW, NOW, SCHEDULE, (date(2024, 3, 3), "day")) == [
        "it belongs to production date 2024-03-04, not to 2024-03-03 shown"]


def test_the_question_names_the_time_and_every_doubt() -> None:
    said = doubts(datetime(2024, 3, 5, 10, 30), NOW, SCHEDULE, DAY_SHIFT)
    assert question(datetime(2024, 3, 5, 10, 30), said) == (
        "Is the tap time 2024-03-05 10:30 right? It is 24 h 15 min ahead of the clock; it belongs to "
        "production date 2024-03-05, not to 2024-03-04 shown. Enter again saves it as typed.")
