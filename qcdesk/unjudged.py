"""Heats no standard can judge yet: their grade has no edition in force on their tap date.

Such a heat is saved and stays "not yet checked" whatever its analysis, until an edition
in force on its tap date is added. An import says how many heats it left so, for which
grades and dates, so nobody wonders why a month of heats stays unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from qcdesk.i18n import _
from qcdesk.model import Standard


@dataclass(frozen=True)
class Unjudged:
    """The heats of one grade tapped on dates with no edition of its standard in force."""

    grade: str
    heats: int
    first: date  # the earliest tap date among them
    last: date  # the latest
    in_force_from: date | None  # when the grade's first edition comes into force; None: it has none


def unjudged(taps: Iterable[tuple[str, date]], editions: Iterable[Standard]) -> list[Unjudged]:
    """The heats, given as (grade, tap date), that no edition judges, by grade. An edition
    stays in force until a later one replaces it, so these are the heats tapped before their
    grade's first edition."""
    first_edition: dict[str, date] = {}
    for s in editions:
        if s.grade not in first_edition or s.effective_from < first_edition[s.grade]:
            first_edition[s.grade] = s.effective_from
    found: dict[str, tuple[int, date, date]] = {}  # grade → heats, first and last tap date
    for grade, day in taps:
        start = first_edition.get(grade)
        if start is not None and day >= start:
            continue
        n, first, last = found.get(grade, (0, day, day))
        found[grade] = (n + 1, min(first, day), max(last, day))
    return [Unjudged(grade, n, first, last, first_edition.get(grade))
            for grade, (n, first, last) in sorted(found.items())]


def describe(found: Sequence[Unjudged]) -> list[str]:
    """What an import says of them: a line in all, then a line per grade; nothing when none."""
    if not found:
        return []
    lines = [_("{n} heat(s) cannot be judged and stay \"not checked\": no standard edition in force "
               "on their tap date.").format(n=sum(u.heats for u in found))]
    for u in found:
        days = str(u.first) if u.first == u.last else f"{u.first} … {u.last}"
        if u.in_force_from is None:
            lines.append("  " + _("{grade}: {n} heat(s) tapped {days}; {grade} has no standard edition "
                                  "(add one in Set-up, or with qcdesk standards import)").format(
                grade=u.grade, n=u.heats, days=days))
        else:
            lines.append("  " + _("{grade}: {n} heat(s) tapped {days}; its first edition is in force from "
                                  "{day}").format(grade=u.grade, n=u.heats, days=days, day=u.in_force_from))
    return lines
