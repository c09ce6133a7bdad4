"""Can the day be signed yet: every shift's state and what is missing (issue 15, 8)."""

from __future__ import annotations

from datetime import date

from qcdesk.i18n import set_language
from qcdesk.model import Shift
from qcdesk.people import Person, Role
from qcdesk.readiness import day_readiness
from qcdesk.signoff import Kind, Signature, Status

DAY = date(2025, 3, 10)
SCHEDULE = [Shift(2, "day", "day", "白班", 480, 2), Shift(1, "night", "night", "夜班", 0, 1),
            Shift(3, "evening", "evening", "中班", 960, 3)]
HU = Person(2, "hu", Role.HEAD, active=True)
WANG = Person(3, "wang", Role.INSPECTOR, active=True)


def _sig(n: int, kind: Kind, shift: str | None, signer: str, at: str, *,
         superseded: str | None = None) -> Signature:
    return Signature(n, kind, DAY, shift, signer, "inspector", "", f"2025-03-10T{at}:00+00:00", "h", "c",
                     superseded)


def test_open_shifts_with_heats_are_what_is_missing() -> None:
    ready = day_readiness(DAY, SCHEDULE, {"day": 2, "evening": 1}, [], HU)
    assert [s.text() for s in ready.shifts] == ["night: no heats", "day: open, 2 heat(s)",
                                                "evening: open, 1 heat(s)"]
    assert ready.missing == ("close shift day (2 heat(s))", "close shift evening (1 heat(s))")
    assert not ready.ready


def test_every_shift_with_heats_closed_is_ready() -> None:
    sigs = [_sig(1, Kind.SHIFT, "day", "wang", "16:02"), _sig(2, Kind.SHIFT, "evening", "li", "23:58")]
    ready = day_readiness(DAY, SCHEDULE, {"day": 2, "evening": 1}, sigs, HU)
    assert [s.text() for s in ready.shifts] == ["night: no heats", "day: closed by wang at 16:02",
                                                "evening: closed by li at 23:58"]
    assert ready.ready


def test_a_shift_changed_since_closed_must_be_closed_again() -> None:
    sigs = [_sig(1, Kind.SHIFT, "day", "wang", "16:02", superseded="2025-03-10T17:00:00+00:00"),
            _sig(2, Kind.SHIFT, "evening", "li", "23:58")]
    ready = day_readiness(DAY, SCHEDULE, {"day": 2, "evening": 1}, sigs, HU)
    assert ready.shifts[1].text() == "day: changed since closed, 2 heat(s)"
    assert ready.missing == ("close shift day (2 heat(s))",)


def test_who_may_sign_no_heats_and_signed_already() -> None:
    assert day_readiness(DAY, SCHEDULE, {"day": 1}, [_sig(1, Kind.SHIFT, "day", "wang", "16:02")],
                         WANG).missing == ("wang is inspector: a workshop head signs the day",)
    assert day_readiness(DAY, SCHEDULE, {}, [], None).missing == ("sign in first", "the day has no heats")
    signed = [_sig(1, Kind.SHIFT, "day", "wang", "16:02"), _sig(2, Kind.DAY, None, "hu", "23:59")]
    ready = day_readiness(DAY, SCHEDULE, {"day": 1}, signed, HU)
    assert ready.standing.status is Status.SIGNED
    assert ready.missing == ("the day is signed already",)


def test_readiness_in_chinese() -> None:
    set_language("zh")
    try:
        ready = day_readiness(DAY, SCHEDULE, {"day": 2}, [], HU)
        assert [s.text() for s in ready.shifts] == ["夜班：无炉次", "白班：未关闭，2 炉", "中班：无炉次"]
        assert ready.missing == ("关闭白班（2 炉）",)
    finally:
        set_language(None)
