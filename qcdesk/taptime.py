"""A tap time as an inspector types it, and when it is worth a question before it is saved.

Typed alone, a time keeps the date the field shows (10:30, 1030, 9.05); a date is changed only
when it is typed (03-05 10:30 in the year shown, or 2024-03-05 10:30 whole), so typing ahead
never moves a heat to another day unasked. A tap time more than an hour ahead of the clock, more
than an hour behind it outside the shift shown, or in another production date than the shift
shown, is questioned once: the inspector may know better and confirm it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from qcdesk import shifts
from qcdesk.errors import InputError
from qcdesk.i18n import N_, _
from qcdesk.model import Shift
from qcdesk.numbers import normalise_code

FORMAT = "%Y-%m-%d %H:%M"
LEEWAY = timedelta(hours=1)

_TIME = r"(?P<hour>[0-9]{1,2})[:.]?(?P<minute>[0-9]{2})"
_FORMS = (
    re.compile(rf"{_TIME}"),
    re.compile(rf"(?P<month>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}})[ T]+{_TIME}"),
    re.compile(rf"(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}})[ T]+{_TIME}"),
)


def format_tap_time(moment: datetime) -> str:
    return moment.strftime(FORMAT)


def parse_tap_time(text: str, shown: datetime) -> datetime:
    """The tap time `text` means, the field showing `shown` (InputError when it means none)."""
    typed = re.sub(r"\s+", " ", normalise_code(text).strip())
    for form in _FORMS:
        match = form.fullmatch(typed)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            return datetime(int(parts.get("year") or shown.year), int(parts.get("month") or shown.month),
                            int(parts.get("day") or shown.day), int(parts["hour"]), int(parts["minute"]))
        except ValueError:
            raise InputError(_("tap time"), _("{text!r} is no such date or time").format(text=text)) from None
    raise InputError(_("tap time"), _("{text!r} is not a tap time: type 10:30 (the date stays), or "
                                      "2024-03-04 10:30").format(text=text))


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes >= 48 * 60:
        return _("{d} days").format(d=minutes // (24 * 60))
    return _("{h} h {m} min").format(h=minutes // 60, m=f"{minutes % 60:02d}")


def doubts(tapped: datetime, now: datetime, schedule: Sequence[Shift],
           shown: tuple[date, str] | None = None) -> list[str]:
    """What is doubtful about a tap time (translated; empty when nothing is): more than an hour
    ahead of `now`; more than an hour behind it, outside the shift `shown` (production date, shift
    code); in another production date than the one shown."""
    if now.tzinfo is not None:  # tap times are local wall-clock times
        now = now.astimezone().replace(tzinfo=None)
    said: list[str] = []
    day, shift = shifts.assign(tapped, schedule)
    if tapped - now > LEEWAY:
        said.append(_("it is {span} ahead of the clock").format(span=_span(tapped - now)))
    elif now - tapped > LEEWAY and (shown is None or (day, shift.code) != shown):
        said.append(_("it is {span} before now").format(span=_span(now - tapped)))
    if shown is not None and day != shown[0]:
        said.append(_("it belongs to production date {day}, not to {shown} shown").format(
            day=day.isoformat(), shown=shown[0].isoformat()))
    return said


QUESTION = N_("Is the tap time {moment} right? {doubts}. Enter again saves it as typed.")


def question(tapped: datetime, said: Sequence[str]) -> str:
    """The question put before a doubtful tap time is saved."""
    text = "; ".join(said)
    return _(QUESTION).format(moment=format_tap_time(tapped), doubts=text[:1].upper() + text[1:])
