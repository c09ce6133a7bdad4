"""The product analysis check, exactly as DOMAIN.md defines it.

DOMAIN.md, "Samples from the lab, and the product analysis" (GB/T 222-2006 as
summarised there), applied to the elements of the tolerance table in force on the
heat's tap date:

- the deviation is looked up by the specified limit's value: the class of the
  table holding the element's maximum (its minimum where it has no maximum), so
  C max 0.20 is in the class "≤0.25" and may be exceeded by 0.02;
- a product value passes when it lies within [min − deviation below, max +
  deviation above], bounds inclusive, a side with no limit being open; a side the
  table gives no deviation for (S and P in their first classes: above only) is not
  widened; an element outside the table, or a limit beyond its last class, gets
  no tolerance;
- one side only: within one heat, when the product analyses of an element lie
  outside the heat limits on both sides (one above the maximum, another below the
  minimum), every product analysis of that element in that heat fails;
- with no heat analysis of record (no `heat` sample with a value), the product
  analysis must meet the heat limits with no tolerance.

A product sample fails when one of its elements does; it conforms when every
limited element it has a value for passes and it has at least one; it is not
checked when it has none (or the grade has no edition in force). Only a product
analysis that fails changes anything: its ingot is not qualified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from qcdesk.i18n import _
from qcdesk.model import ChemStatus, Limit, Sample, SampleKind, Standard, ToleranceClass, ToleranceEdition
from qcdesk.model import element_sort_key as _order
from qcdesk.numbers import format_chemistry


@dataclass(frozen=True)
class ProductElement:
    """One element of a product sample: its value, the heat limits, the tolerance applied and
    the range that follows, and whether the value is inside it (None: nothing to judge)."""

    element: str
    value: float | None
    min_pct: float | None
    max_pct: float | None
    below_pct: float | None  # the deviation allowed under the minimum (None: none applied)
    above_pct: float | None  # the deviation allowed over the maximum (None: none applied)
    low_pct: float | None    # the allowed range, min − below … max + above (None: open)
    high_pct: float | None
    ok: bool | None
    one_side: bool = False   # failed by the one-side rule, not by its own value

    @property
    def limited(self) -> bool:
        return self.min_pct is not None or self.max_pct is not None


@dataclass(frozen=True)
class ProductVerdict:
    """One product sample's verdict, element by element."""

    sample: Sample
    status: ChemStatus
    elements: tuple[ProductElement, ...]

    @property
    def failing(self) -> tuple[ProductElement, ...]:
        return tuple(e for e in self.elements if e.ok is False)


@dataclass(frozen=True)
class ProductCheck:
    """The product analyses of one heat, judged together (the one-side rule needs them all)."""

    standard: Standard | None          # the heat's edition in force: its limits
    tolerances: ToleranceEdition | None  # the tolerances applied (None: no tolerance)
    heat_analysis: bool                # whether the heat has a heat analysis of record
    samples: tuple[ProductVerdict, ...]

    @property
    def failing_ingots(self) -> frozenset[int]:
        """The ingot numbers with a product analysis that fails: not qualified."""
        return frozenset(v.sample.ingot_no for v in self.samples
                         if v.status is ChemStatus.FAILS and v.sample.ingot_no is not None)


def tolerances_in_force(editions: Iterable[ToleranceEdition], on: date) -> ToleranceEdition | None:
    """The edition with the latest in-force date not after `on`, if any."""
    candidates = [e for e in editions if e.in_force_from <= on]
    return max(candidates, key=lambda e: e.in_force_from) if candidates else None


def tolerance_class(edition: ToleranceEdition | None, limit: Limit) -> ToleranceClass | None:
    """The class of the table a limit falls in, by its specified value (the maximum, else the
    minimum); None for an element outside the table or a value beyond its last class."""
    specified = limit.max_pct if limit.max_pct is not None else limit.min_pct
    if edition is None or specified is None:
        return None
    classes = sorted((c for c in edition.classes if c.element == limit.element),
                     key=lambda c: (c.up_to_pct is None, c.up_to_pct or 0.0))
    for cls in classes:
        if cls.up_to_pct is None or specified <= cls.up_to_pct:
            return cls
    return None


def _shifted(bound: float, deviation: float) -> float:
    """bound + deviation in decimal, as the two are written (0.20 + 0.02 is 0.22, the float a
    lab's "0.22" reads as, not 0.22000000000000003)."""
    return float(Decimal(repr(bound)) + Decimal(repr(deviation)))


def allowed(limit: Limit, cls: ToleranceClass | None) -> tuple[float | None, float | None]:
    """The range a product value may lie in: the limits widened by the class's deviations."""
    low, high = limit.min_pct, limit.max_pct
    if cls is not None and low is not None and cls.below_pct is not None:
        low = _shifted(low, -cls.below_pct)
    if cls is not None and high is not None and cls.above_pct is not None:
        high = _shifted(high, cls.above_pct)
    return low, high


def _inside(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _two_sided(limits: dict[str, Limit], samples: Sequence[Sample]) -> set[str]:
    """The elements whose product analyses in this heat lie outside the heat limits on both
    sides: one above the maximum and another below the minimum."""
    found = set()
    for element, limit in limits.items():
        values = [s.values[element] for s in samples if element in s.values]
        above = limit.max_pct is not None and any(v > limit.max_pct for v in values)
        below = limit.min_pct is not None and any(v < limit.min_pct for v in values)
        if above and below:
            found.add(element)
    return found


def check(standard: Standard | None, tolerances: ToleranceEdition | None, heat_analysis: bool,
          samples: Sequence[Sample]) -> ProductCheck:
    """Judge the product samples of one heat: `standard` is the heat's edition in force on its
    tap date, `tolerances` the tolerance edition in force then, `heat_analysis` whether the heat
    has a heat analysis of record. Samples of other kinds are left out."""
    products = [s for s in samples if s.kind is SampleKind.PRODUCT]
    applied = tolerances if heat_analysis else None
    limits = {lim.element: lim for lim in standard.limits} if standard else {}
    classes = {el: tolerance_class(applied, lim) for el, lim in limits.items()}
    ranges = {el: allowed(lim, classes[el]) for el, lim in limits.items()}
    both_sides = _two_sided(limits, products)
    verdicts = []
    for sample in products:
        elements = []
        for element in sorted(set(limits) | set(sample.values), key=_order):
            value = sample.values.get(element)
            limit = limits.get(element)
            if limit is None:
                elements.append(ProductElement(element, value, None, None, None, None, None, None, None))
                continue
            cls = classes[element]
            low, high = ranges[element]
            one_side = value is not None and element in both_sides
            ok = None if value is None else (_inside(value, low, high) and not one_side)
            elements.append(ProductElement(
                element, value, limit.min_pct, limit.max_pct,
                cls.below_pct if cls and limit.min_pct is not None else None,
                cls.above_pct if cls and limit.max_pct is not None else None,
                low, high, ok, one_side))
        verdicts.append(ProductVerdict(sample, _status(standard, elements), tuple(elements)))
    return ProductCheck(standard, applied, heat_analysis, tuple(verdicts))


def _status(standard: Standard | None, elements: Sequence[ProductElement]) -> ChemStatus:
    judged = [e for e in elements if e.ok is not None]
    if standard is None or not standard.limits or not judged:
        return ChemStatus.NOT_CHECKED
    return ChemStatus.FAILS if any(e.ok is False for e in judged) else ChemStatus.CONFORMS


# ------------------------------------------------------------------ as people read it

DASH = "—"


def range_text(element: str, low: float | None, high: float | None) -> str:
    """An allowed range as the lab reads it: 0.16–0.24, ≤ 0.22, ≥ 0.10 ("—": open on both sides)."""
    if low is None and high is None:
        return DASH
    if low is None:
        return f"≤ {format_chemistry(element, high)}" if high is not None else DASH
    if high is None:
        return f"≥ {format_chemistry(element, low)}"
    return f"{format_chemistry(element, low)}–{format_chemistry(element, high)}"


def tolerance_text(e: ProductElement) -> str:
    """The deviations applied to an element's limits: −0.02/+0.02, +0.005, or "—" for none."""
    parts = []
    if e.below_pct is not None:
        parts.append(f"−{format_chemistry(e.element, e.below_pct)}")
    if e.above_pct is not None:
        parts.append(f"+{format_chemistry(e.element, e.above_pct)}")
    return "/".join(parts) or DASH


def failing_text(verdict: ProductVerdict) -> str:
    """A failing product sample's elements, short: C 0.23 > 0.22 (the allowed range's end)."""
    out = []
    for e in verdict.failing:
        value = DASH if e.value is None else format_chemistry(e.element, e.value)
        if e.one_side:
            out.append(_("{element} {value} (one side only)").format(element=e.element, value=value))
        elif e.high_pct is not None and e.value is not None and e.value > e.high_pct:
            out.append(f"{e.element} {value} > {format_chemistry(e.element, e.high_pct)}")
        elif e.low_pct is not None and e.value is not None and e.value < e.low_pct:
            out.append(f"{e.element} {value} < {format_chemistry(e.element, e.low_pct)}")
        else:
            out.append(f"{e.element} {value}")
    return ", ".join(out)
