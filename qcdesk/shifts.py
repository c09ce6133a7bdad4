"""Which production date and shift a moment belongs to, from the shift schedule.

A schedule is a sequence of shifts, each starting at a minute offset from the
production date's midnight; the first may start before it (a night shift from
22:00 the evening before belongs to the next production date), and each shift
ends where the next begins, the last one where the next day's first begins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import pairwise

from qcdesk.errors import InputError
from qcdesk.i18n import _
from qcdesk.model import Shift

DAY_MIN = 24 * 60


def validate_schedule(shifts: Sequence[Shift]) -> None:
    """Refuse a schedule that does not cover the day once, in order."""
    field = _("shift schedule")
    if not shifts:
        raise InputError(field, _("at least one shift is needed"))
    ordered = sorted(shifts, key=lambda s: s.seq)
    first = ordered[0].start_min
    if not -12 * 60 <= first < 12 * 60:
        raise InputError(field, _("the first shift must start between 12:00 the day before and 11:59"))
    for prev, cur in pairwise(ordered):
        if cur.start_min <= prev.start_min:
            raise InputError(field, _("shift {code} must start after shift {prev}").format(
                code=cur.code, prev=prev.code))
    if ordered[-1].start_min >= first + DAY_MIN:
        raise InputError(field, _("the shifts must fit in 24 hours"))
    codes = [s.code for s in ordered]
    if len(set(codes)) != len(codes):
        raise InputError(field, _("shift codes must be different"))


def assign(moment: datetime, shifts: Sequence[Shift]) -> tuple[date, Shift]:
    """The production date and shift of `moment` (a local time)."""
    ordered = sorted(shifts, key=lambda s: s.seq)
    day_start = ordered[0].start_min
    shifted = moment - timedelta(minutes=day_start)
    production_date = shifted.date()
    minute = day_start + (shifted.hour * 60 + shifted.minute)
    current = ordered[0]
    for shift in ordered:
        if shift.start_min <= minute:
            current = shift
    return production_date, current


def shift_window(production_date: date, shift: Shift, shifts: Sequence[Shift]) -> tuple[datetime, datetime]:
    """The local start (inclusive) and end (exclusive) of a shift on a production date."""
    ordered = sorted(shifts, key=lambda s: s.seq)
    midnight = datetime(production_date.year, production_date.month, production_date.day)
    index = [s.id for s in ordered].index(shift.id)
    end_min = ordered[index + 1].start_min if index + 1 < len(ordered) else ordered[0].start_min + DAY_MIN
    return midnight + timedelta(minutes=shift.start_min), midnight + timedelta(minutes=end_min)


def format_clock(minutes: int) -> str:
    """A start offset as a wall-clock time, e.g. -120 → '22:00 (day before)'."""
    clock = f"{(minutes % DAY_MIN) // 60:02d}:{minutes % 60:02d}"
    return clock if minutes >= 0 else _("{clock} (day before)").format(clock=clock)
