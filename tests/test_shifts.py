"""The shift schedule: what is refused, and where a moment falls under any valid schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from qcdesk.errors import Conflict, InputError, QcError
from qcdesk.model import Shift
from qcdesk.shifts import assign, format_clock, shift_window, validate_schedule
from qcdesk.store import NewHeat, Store

Schedule = Sequence[tuple[str, int]]


def as_shifts(schedule: Schedule) -> list[Shift]:
    return [Shift(i, code, code, code, start, i) for i, (code, start) in enumerate(schedule, start=1)]


def named(schedule: Schedule) -> list[tuple[str, str, str, int]]:
    return [(code, code.title(), "班", start) for code, start in schedule]


def tap(store: Store, heat_no: str, at: datetime) -> tuple[date, str]:
    heat = store.add_heat(NewHeat(heat_no, "1", at, "Q235B", 30.0, None, "Wang"))
    return heat.production_date, heat.shift


# ------------------------------------------------------------------- refused

BAD_SCHEDULES: dict[str, Schedule] = {
    "no shift": [],
    "first starts at 12:00": [("a", 720), ("b", 1200)],
    "first starts before 12:00 the day before": [("a", -721), ("b", 0)],
    "two shifts start together": [("a", 0), ("b", 0), ("c", 960)],
    "out of order": [("a", 0), ("b", 960), ("c", 480)],
    "longer than a day": [("a", 0), ("b", 1440)],
    "crossing and longer than a day": [("a", -120), ("b", 1320)],
    "a code twice": [("a", 0), ("a", 480), ("c", 960)],
}


@pytest.mark.parametrize("schedule", BAD_SCHEDULES.values(), ids=BAD_SCHEDULES)
def test_a_bad_schedule_is_refused(schedule: Schedule) -> None:
    with pytest.raises(InputError) as refused:
        validate_schedule(as_shifts(schedule))
    assert refused.value.field == "shift schedule"


@pytest.mark.parametrize("schedule", BAD_SCHEDULES.values(), ids=BAD_SCHEDULES)
def test_the_store_refuses_a_bad_schedule_and_keeps_the_old_one(store: Store, schedule: Schedule) -> None:
    before = list(store.conn.iterdump())
    with pytest.raises(InputError):
        store.set_shifts(named(schedule))
    assert list(store.conn.iterdump()) == before
    assert [(s.code, s.start_min) for s in store.shifts()] == [("night", 0), ("day", 480), ("evening", 960)]


def test_a_blank_shift_code_is_refused(store: Store) -> None:
    before = list(store.conn.iterdump())
    with pytest.raises(QcError):
        store.set_shifts(named([("  ", 0), ("day", 480)]))
    assert list(store.conn.iterdump()) == before


@pytest.mark.parametrize("schedule", [
    [("all", 0)], [("a", -720)], [("a", 719)], [("a", 0), ("b", 1439)], [("a", -720), ("b", 719)],
    [("n", -120), ("d", 360), ("e", 840)], [("a", 360), ("b", 840), ("c", 1320)],
])
def test_edges_of_a_valid_schedule(schedule: Schedule) -> None:
    validate_schedule(as_shifts(schedule))


def test_a_shift_with_heats_cannot_be_removed(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 17, 0))  # evening
    before = list(store.conn.iterdump())
    with pytest.raises(Conflict, match="evening"):
        store.set_shifts(named([("night", 0), ("day", 720)]))
    assert list(store.conn.iterdump()) == before


def test_a_new_schedule_leaves_saved_heats_where_they_were(store: Store) -> None:
    assert tap(store, "H1", datetime(2025, 2, 1, 22, 30)) == (date(2025, 2, 1), "evening")
    store.set_shifts(named([("night", -120), ("day", 360), ("evening", 840)]))
    assert (store.heat("H1").production_date, store.heat("H1").shift) == (date(2025, 2, 1), "evening")
    # heats saved from now on follow the new schedule
    assert tap(store, "H2", datetime(2025, 2, 1, 22, 30)) == (date(2025, 2, 2), "night")


def test_shifts_can_be_added_renamed_and_dropped(store: Store) -> None:
    schedule = store.set_shifts([("night", "Night", "夜班", 0), ("A", "Early", "早班", 360),
                                 ("day", "Day shift", "白班", 720)])
    assert [(s.code, s.name_en, s.start_min, s.seq) for s in schedule] == [
        ("night", "Night", 0, 1), ("A", "Early", 360, 2), ("day", "Day shift", 720, 3)]
    assert tap(store, "H1", datetime(2025, 3, 10, 23, 59)) == (date(2025, 3, 10), "day")
    assert tap(store, "H2", datetime(2025, 3, 10, 6, 0)) == (date(2025, 3, 10), "A")


# ------------------------------------------------------------------- assigned

def test_a_schedule_starting_after_midnight(store: Store) -> None:
    # 06:00–14:00, 14:00–22:00, 22:00–06:00 (the next morning belongs to the day before)
    store.set_shifts(named([("a", 360), ("b", 840), ("c", 1320)]))
    assert tap(store, "H1", datetime(2025, 3, 11, 5, 59)) == (date(2025, 3, 10), "c")
    assert tap(store, "H2", datetime(2025, 3, 11, 6, 0)) == (date(2025, 3, 11), "a")
    assert tap(store, "H3", datetime(2025, 3, 11, 21, 59)) == (date(2025, 3, 11), "b")
    assert tap(store, "H4", datetime(2025, 3, 11, 22, 0)) == (date(2025, 3, 11), "c")
    assert tap(store, "H5", datetime(2025, 3, 12, 0, 0)) == (date(2025, 3, 11), "c")


def test_a_day_starting_at_noon_the_day_before(store: Store) -> None:
    store.set_shifts(named([("x", -720), ("y", 0)]))
    assert tap(store, "H1", datetime(2025, 2, 1, 11, 59)) == (date(2025, 2, 1), "y")
    assert tap(store, "H2", datetime(2025, 2, 1, 12, 0)) == (date(2025, 2, 2), "x")
    assert tap(store, "H3", datetime(2025, 2, 2, 0, 0)) == (date(2025, 2, 2), "y")


def test_across_the_end_of_a_year_and_a_leap_day() -> None:
    crossing = as_shifts([("n", -120), ("d", 360), ("e", 840)])
    assert assign(datetime(2025, 12, 31, 22, 0), crossing)[0] == date(2026, 1, 1)
    assert assign(datetime(2024, 2, 28, 23, 0), crossing)[0] == date(2024, 2, 29)
    assert assign(datetime(2024, 2, 29, 21, 59), crossing)[0] == date(2024, 2, 29)


@st.composite
def schedules(draw: st.DrawFn) -> list[tuple[str, int]]:
    first = draw(st.integers(-720, 719))
    others = draw(st.lists(st.integers(first + 1, first + 1439), max_size=4, unique=True))
    return [(f"s{i}", start) for i, start in enumerate([first, *sorted(others)])]


@settings(max_examples=200, deadline=None)
@given(schedule=schedules(), moment=st.datetimes(datetime(2023, 12, 30), datetime(2025, 1, 2)))
def test_every_moment_is_in_exactly_the_shift_the_reference_finds(
        schedule: list[tuple[str, int]], moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    shifts = as_shifts(schedule)
    validate_schedule(shifts)
    production_date, shift = assign(moment, shifts)
    assert (production_date, shift.code) == ref.production_shift(moment, schedule)
    start, end = shift_window(production_date, shift, shifts)
    assert start <= moment < end
    assert end - start <= timedelta(days=1)


def test_the_reference_agrees_with_hand_worked_cases() -> None:
    # guard the guard: the reference's own shift placement on the DOMAIN.md examples
    default = [("night", 0), ("day", 480), ("evening", 960)]
    assert ref.production_shift(datetime(2025, 3, 10, 23, 59), default) == (date(2025, 3, 10), "evening")
    assert ref.production_shift(datetime(2025, 3, 11, 0, 0), default) == (date(2025, 3, 11), "night")
    crossing = [("night", -120), ("day", 360), ("evening", 840)]
    assert ref.production_shift(datetime(2025, 2, 1, 22, 30), crossing) == (date(2025, 2, 2), "night")


def test_the_store_places_heats_as_the_reference_does(db_path: Path) -> None:
    schedule = [("n", -90), ("d", 390), ("e", 870)]  # 22:30, 06:30, 14:30
    with Store.open(db_path, "tester") as store:
        store.set_shifts(named(schedule))
        moment = datetime(2025, 11, 30, 20, 0)
        for i in range(0, 9 * 60, 29):  # every 29 minutes over nine hours
            at = moment + timedelta(minutes=i)
            assert tap(store, f"H{i}", at) == ref.production_shift(at, schedule), at


# ------------------------------------------------------------------- what a refusal says

REFUSALS = {  # BAD_SCHEDULES, each with the problem a person reads
    "no shift": "at least one shift is needed",
    "first starts at 12:00": "the first shift must start between 12:00 the day before and 11:59",
    "first starts before 12:00 the day before":
        "the first shift must start between 12:00 the day before and 11:59",
    "two shifts start together": "shift b must start after shift a",
    "out of order": "shift c must start after shift b",
    "longer than a day": "the shifts must fit in 24 hours",
    "crossing and longer than a day": "the shifts must fit in 24 hours",
    "a code twice": "shift codes must be different",
}


@pytest.mark.parametrize(("name", "problem"), REFUSALS.items(), ids=REFUSALS)
def test_a_bad_schedule_is_refused_saying_why(name: str, problem: str) -> None:
    with pytest.raises(InputError) as refused:
        validate_schedule(as_shifts(BAD_SCHEDULES[name]))
    assert str(refused.value) == f"shift schedule: {problem}"


def test_each_shift_of_the_default_schedule_ends_where_the_next_begins() -> None:
    shifts = as_shifts([("night", 0), ("day", 480), ("evening", 960)])
    day = date(1959, 2, 2)
    assert [shift_window(day, s, shifts) for s in shifts] == [
        (datetime(1959, 2, 2, 0, 0), datetime(1959, 2, 2, 8, 0)),
        (datetime(1959, 2, 2, 8, 0), datetime(1959, 2, 2, 16, 0)),
        (datetime(1959, 2, 2, 16, 0), datetime(1959, 2, 3, 0, 0)),
    ]


@pytest.mark.parametrize(("minutes", "shown"), [
    (0, "00:00"), (1, "00:01"), (61, "01:01"), (480, "08:00"), (1439, "23:59"),
    (-1, "23:59 (day before)"), (-120, "22:00 (day before)"), (-720, "12:00 (day before)"),
])
def test_a_shift_start_on_the_clock(minutes: int, shown: str) -> None:
    assert format_clock(minutes) == shown
