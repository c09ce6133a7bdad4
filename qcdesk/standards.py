"""Judging a heat's analysis against its aim grade's chemistry limits.

DOMAIN.md: a heat conforms when every element its aim grade limits has a heat
analysis value inside the limits, bounds inclusive. A limited element with no
value makes the heat not yet checked, never conforming. A heat whose grade has
no edition in force on its tap date is not checked either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from qcdesk.model import ChemStatus, Limit, Standard, element_sort_key


@dataclass(frozen=True)
class ElementVerdict:
    """One element of a heat: its value, its limits and whether it is inside them.

    `ok` is None where there is nothing to judge: no limit, or no value.
    """

    element: str
    value: float | None
    min_pct: float | None
    max_pct: float | None
    ok: bool | None

    @property
    def limited(self) -> bool:
        return self.min_pct is not None or self.max_pct is not None


@dataclass(frozen=True)
class HeatCheck:
    """A heat's verdict, element by element."""

    status: ChemStatus
    standard: Standard | None
    elements: tuple[ElementVerdict, ...]

    @property
    def failing(self) -> tuple[ElementVerdict, ...]:
        return tuple(e for e in self.elements if e.ok is False)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.element for e in self.elements if e.limited and e.value is None)


def within(value: float, limit: Limit) -> bool:
    """Inside the limit, both bounds inclusive."""
    if limit.min_pct is not None and value < limit.min_pct:
        return False
    return not (limit.max_pct is not None and value > limit.max_pct)


def check(standard: Standard | None, analysis: Mapping[str, float]) -> HeatCheck:
    """Judge an analysis (element → mass %) against a standard's limits."""
    limits = {lim.element: lim for lim in standard.limits} if standard else {}
    verdicts = []
    for element in sorted(set(limits) | set(analysis), key=element_sort_key):
        value = analysis.get(element)
        limit = limits.get(element)
        ok = None if value is None or limit is None else within(value, limit)
        verdicts.append(ElementVerdict(
            element, value,
            limit.min_pct if limit else None,
            limit.max_pct if limit else None,
            ok,
        ))
    return HeatCheck(status_of(standard, verdicts), standard, tuple(verdicts))


def status_of(standard: Standard | None, verdicts: Sequence[ElementVerdict]) -> ChemStatus:
    """Fails if any limited value is outside; else not checked if one is missing."""
    if standard is None or not standard.limits:
        return ChemStatus.NOT_CHECKED
    limited = [v for v in verdicts if v.limited]
    if any(v.ok is False for v in limited):
        return ChemStatus.FAILS
    if any(v.value is None for v in limited):
        return ChemStatus.NOT_CHECKED
    return ChemStatus.CONFORMS


def in_force(editions: Iterable[Standard], on: date) -> Standard | None:
    """The edition with the latest effective date not after `on`, if any."""
    candidates = [s for s in editions if s.effective_from <= on]
    return max(candidates, key=lambda s: s.effective_from) if candidates else None


def satisfied_grades(analysis: Mapping[str, float], standards: Iterable[Standard]) -> list[str]:
    """Grades whose limits this analysis meets in full (for a failing heat)."""
    return sorted(s.grade for s in standards if check(s, analysis).status is ChemStatus.CONFORMS)
