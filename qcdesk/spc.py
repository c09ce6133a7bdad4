"""Statistical process control for the trends, as DOMAIN.md defines it: pure functions of
plain numbers, no database and no Qt.

- p-chart of the non-qualified fraction with varying sample size: centre p̄ = Σd ÷ Σn over
  the baseline; limits p̄ ± 3·√(p̄(1−p̄)/nᵢ) per point, clipped to [0, 1];
- I-MR chart of individual values: centre x̄, limits x̄ ± 2.66·MR̄; moving-range chart with
  upper limit 3.267·MR̄ (D4 for n = 2);
- Western Electric rules 1–4 on the standardised distance of each point from the centre;
- Cp/Cpk against specification limits, σ estimated within (MR̄ ÷ d2, d2 = 1.128);
- Pareto: bars sorted by size with the cumulative share.

Undefined figures are None, never 0: a day with no judged ingots has no p, a chart with
fewer than two values has no limits, a one-sided specification has no Cp. A chart with no
spread (MR̄ = 0, or p̄ of 0 or 1) has its limits on the centre and judges no rule.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import IntEnum

from qcdesk.i18n import N_

# Shewhart constants for moving ranges of two (ASTM STP 15D / Montgomery, appendix VI).
D2 = 1.128  # E[R]/σ for n = 2
I_LIMIT = 2.66  # 3 ÷ d2, as DOMAIN.md writes it
MR_UCL = 3.267  # D4 for n = 2 (D3 = 0: the moving-range chart has no lower limit)


class Rule(IntEnum):
    """The Western Electric rules (Statistical Quality Control Handbook, 1956), by number."""

    BEYOND_3_SIGMA = 1  # one point beyond 3σ
    TWO_OF_THREE_BEYOND_2_SIGMA = 2  # 2 of 3 in a row beyond 2σ, on one side
    FOUR_OF_FIVE_BEYOND_1_SIGMA = 3  # 4 of 5 in a row beyond 1σ, on one side
    EIGHT_ON_ONE_SIDE = 4  # 8 in a row on one side of the centre


ALL_RULES: tuple[Rule, ...] = tuple(Rule)

# What each rule says, short (beside a point, in a list) and whole (a tooltip, a footnote);
# translated with qcdesk.i18n._ where shown, by the desktop and the reports alike.
RULE_SHORT = {Rule.BEYOND_3_SIGMA: N_("1 point beyond 3σ"),
              Rule.TWO_OF_THREE_BEYOND_2_SIGMA: N_("2 of 3 beyond 2σ"),
              Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA: N_("4 of 5 beyond 1σ"),
              Rule.EIGHT_ON_ONE_SIDE: N_("8 in a row on one side")}
RULE_WHOLE = {Rule.BEYOND_3_SIGMA: N_("Rule 1: one point beyond 3σ"),
              Rule.TWO_OF_THREE_BEYOND_2_SIGMA: N_("Rule 2: 2 of 3 in a row beyond 2σ, one side"),
              Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA: N_("Rule 3: 4 of 5 in a row beyond 1σ, one side"),
              Rule.EIGHT_ON_ONE_SIDE: N_("Rule 4: 8 in a row on one side of the centre")}

# A point drawn on a limit line is inside it: (x − x̄)/σ may round to 3.0000000000000004
# when x is exactly x̄ + 3σ (p = 20/25 against p̄ = 0.5, say), so "beyond" allows for that.
_ON_THE_LINE = 1e-9


@dataclass(frozen=True)
class Violation:
    """A rule broken: the point that completes the pattern, and every point in it."""

    index: int
    rule: Rule
    points: tuple[int, ...]
    above: bool  # the side of the centre the pattern lies on


def western_electric(z: Sequence[float | None],
                     rules: Collection[Rule | int] = ALL_RULES) -> list[Violation]:
    """Points breaking the selected rules, given each point's distance from the centre in
    sigmas (None: no point there, as a day with nothing judged; it is skipped, so a run
    goes on across it). A rule fires on the point that completes its pattern, and only if
    that point is itself part of it, so one excursion is marked once, where it ends.
    "Beyond" is strict: a point exactly on a limit is inside it."""
    chosen = {Rule(r) for r in rules}
    present = [(i, v) for i, v in enumerate(z) if v is not None and math.isfinite(v)]
    found: list[Violation] = []
    for k, (i, v) in enumerate(present):
        if Rule.BEYOND_3_SIGMA in chosen and abs(v) > 3 + _ON_THE_LINE:
            found.append(Violation(i, Rule.BEYOND_3_SIGMA, (i,), v > 0))
        for rule, window, needed, zone in ((Rule.TWO_OF_THREE_BEYOND_2_SIGMA, 3, 2, 2.0),
                                           (Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA, 5, 4, 1.0)):
            edge = zone + _ON_THE_LINE
            if rule not in chosen or k + 1 < needed or abs(v) <= edge:
                continue
            above = v > 0
            beyond = [j for j, w in present[max(0, k - window + 1):k + 1]
                      if (w > edge if above else w < -edge)]
            if len(beyond) >= needed:
                found.append(Violation(i, rule, tuple(beyond), above))
        if Rule.EIGHT_ON_ONE_SIDE in chosen and k >= 7 and v != 0:
            above = v > 0
            run = present[k - 7:k + 1]
            if all((w > 0 if above else w < 0) for _j, w in run):
                found.append(Violation(i, Rule.EIGHT_ON_ONE_SIDE, tuple(j for j, _w in run), above))
    return found


# ------------------------------------------------------------------ p-chart


@dataclass(frozen=True)
class PPoint:
    """One subgroup (a day, a week, a month) of a p-chart."""

    n: int  # judged ingots of checked heats
    nonconforming: int  # of them, not qualified
    p: float | None  # nonconforming ÷ n; None when n = 0
    ucl: float | None
    lcl: float | None
    z: float | None  # (p − p̄) ÷ σᵢ; None when undefined


@dataclass(frozen=True)
class PChart:
    centre: float | None  # p̄; None when the baseline judged nothing
    points: tuple[PPoint, ...]
    violations: tuple[Violation, ...]


def p_bar(samples: Sequence[tuple[int, int]]) -> float | None:
    """Σ nonconforming ÷ Σ n over (n, nonconforming) samples; None over nothing."""
    n = sum(s[0] for s in samples)
    return sum(s[1] for s in samples) / n if n else None


def p_chart(samples: Sequence[tuple[int, int]], centre: float | None = None,
            rules: Collection[Rule | int] = ALL_RULES) -> PChart:
    """The p-chart of (n, nonconforming) subgroups; the centre is p̄ of these subgroups
    unless a frozen one (from a baseline period) is given."""
    for n, d in samples:
        if n < 0 or not 0 <= d <= n:
            raise ValueError(f"a subgroup of {n} with {d} nonconforming")
    if centre is None:
        centre = p_bar(samples)
    elif not 0 <= centre <= 1:
        raise ValueError(f"a p-chart centre of {centre}")
    points = []
    for n, d in samples:
        p = d / n if n else None
        if centre is None or p is None:
            points.append(PPoint(n, d, p, None, None, None))
            continue
        sigma = math.sqrt(centre * (1 - centre) / n)
        ucl, lcl = min(1.0, centre + 3 * sigma), max(0.0, centre - 3 * sigma)
        z = (p - centre) / sigma if sigma > 0 else None
        points.append(PPoint(n, d, p, ucl, lcl, z))
    violations = western_electric([pt.z for pt in points], rules)
    return PChart(centre, tuple(points), tuple(violations))


# ------------------------------------------------------------------ I-MR chart


@dataclass(frozen=True)
class IMRChart:
    values: tuple[float, ...]
    moving_ranges: tuple[float | None, ...]  # |xᵢ − xᵢ₋₁|; None for the first value
    mean: float | None  # x̄ (the centre of the I chart)
    mr_bar: float | None  # MR̄ (the centre of the MR chart)
    ucl: float | None  # x̄ + 2.66·MR̄
    lcl: float | None  # x̄ − 2.66·MR̄
    mr_ucl: float | None  # 3.267·MR̄
    violations: tuple[Violation, ...]  # Western Electric rules on the I chart
    mr_beyond: tuple[int, ...]  # moving ranges above their upper limit

    @property
    def sigma(self) -> float | None:
        """σ of the I chart's zones: a third of the distance from centre to limit."""
        return None if self.mr_bar is None else I_LIMIT * self.mr_bar / 3


def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def imr_chart(values: Sequence[float], mean: float | None = None, mr_bar: float | None = None,
              rules: Collection[Rule | int] = ALL_RULES) -> IMRChart:
    """The I-MR chart of individual values in time order. The centre and MR̄ come from these
    values unless frozen ones (from a baseline period) are given. Limits need MR̄: with fewer
    than two values there are none; with no spread (MR̄ = 0) they sit on the centre and no
    rule is judged."""
    values = tuple(float(v) for v in values)
    ranges = moving_ranges(values)
    if mean is None and values:
        mean = math.fsum(values) / len(values)
    if mr_bar is None and ranges:
        mr_bar = math.fsum(ranges) / len(ranges)
    if mr_bar is not None and mr_bar < 0:
        raise ValueError(f"a mean moving range of {mr_bar}")
    ucl = lcl = mr_ucl = None
    violations: list[Violation] = []
    beyond: tuple[int, ...] = ()
    if mean is not None and mr_bar is not None:
        ucl, lcl, mr_ucl = mean + I_LIMIT * mr_bar, mean - I_LIMIT * mr_bar, MR_UCL * mr_bar
        if mr_bar > 0:
            sigma = I_LIMIT * mr_bar / 3
            violations = western_electric([(v - mean) / sigma for v in values], rules)
            # on the line is inside, as for the I chart: |b − a| may round a hair above 3.267·MR̄
            beyond = tuple(i + 1 for i, r in enumerate(ranges) if r - mr_ucl > _ON_THE_LINE * mr_bar)
    return IMRChart(values, (None, *ranges), mean, mr_bar, ucl, lcl, mr_ucl, tuple(violations), beyond)


# ------------------------------------------------------------------ capability


@dataclass(frozen=True)
class Capability:
    n: int
    mean: float | None
    sigma: float | None  # within: MR̄ ÷ d2
    cp: float | None  # (USL − LSL) ÷ 6σ: both limits needed
    cpu: float | None  # (USL − x̄) ÷ 3σ
    cpl: float | None  # (x̄ − LSL) ÷ 3σ
    cpk: float | None  # the smaller of CPU and CPL, of the sides that have a limit


def capability(values: Sequence[float], lsl: float | None, usl: float | None) -> Capability:
    """Cp and Cpk of values in time order against specification limits, σ estimated from
    the mean moving range. Undefined (None) without two values, without spread, or without
    the limit a figure needs."""
    values = [float(v) for v in values]
    n = len(values)
    mean = math.fsum(values) / n if n else None
    ranges = moving_ranges(values)
    sigma = math.fsum(ranges) / len(ranges) / D2 if ranges else None
    if mean is None or sigma is None or sigma <= 0:
        return Capability(n, mean, sigma, None, None, None, None)
    cp = (usl - lsl) / (6 * sigma) if usl is not None and lsl is not None else None
    cpu = (usl - mean) / (3 * sigma) if usl is not None else None
    cpl = (mean - lsl) / (3 * sigma) if lsl is not None else None
    sides = [c for c in (cpu, cpl) if c is not None]
    return Capability(n, mean, sigma, cp, cpu, cpl, min(sides) if sides else None)


# ------------------------------------------------------------------ Pareto


@dataclass(frozen=True)
class ParetoBar:
    key: str
    value: float
    share: float  # of the whole
    cumulative: float  # this bar and every bar before it, as a share of the whole


def pareto(items: Sequence[tuple[str, float]]) -> list[ParetoBar]:
    """Bars largest first (ties by key), each with its share and the cumulative share; an
    empty or all-zero input has no bars."""
    ordered = sorted((item for item in items if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))
    whole = math.fsum(v for _k, v in ordered)
    bars = []
    for i, (key, value) in enumerate(ordered):
        running = math.fsum(v for _k, v in ordered[:i + 1])  # so the last is exactly 1
        bars.append(ParetoBar(key, value, value / whole, running / whole))
    return bars


# ------------------------------------------------------------------ runs


def longest_run(flags: Sequence[bool | None]) -> tuple[int, int, int]:
    """The longest run of True: (length, first index, last index), the earliest of equal
    runs; (0, -1, -1) when there is none. None is skipped without breaking a run (a day
    with nothing to judge); False ends it."""
    best = (0, -1, -1)
    length, start = 0, -1
    for i, flag in enumerate(flags):
        if flag is None:
            continue
        if flag:
            if length == 0:
                start = i
            length += 1
            if length > best[0]:
                best = (length, start, i)
        else:
            length = 0
    return best
