"""The product analysis check, rule by rule, with figures worked by hand (DOMAIN.md, "Samples
from the lab, and the product analysis"; GB/T 222-2006 table 1 as DOMAIN.md gives it, typed
here again rather than taken from the seed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qcdesk import product
from qcdesk.model import ChemStatus, Limit, Sample, SampleKind, Standard, ToleranceClass, ToleranceEdition

TABLE = ToleranceEdition(1, "GB/T 222", "2006", date(2007, 2, 1), (
    ToleranceClass("C", 0.25, 0.02, 0.02), ToleranceClass("C", 0.55, 0.03, 0.03),
    ToleranceClass("C", None, 0.04, 0.04),
    ToleranceClass("Mn", 0.80, 0.03, 0.03), ToleranceClass("Mn", 1.70, 0.06, 0.06),
    ToleranceClass("Si", 0.37, 0.03, 0.03), ToleranceClass("Si", None, 0.05, 0.05),
    ToleranceClass("S", 0.050, None, 0.005), ToleranceClass("S", 0.35, 0.01, 0.02),
    ToleranceClass("P", 0.060, None, 0.005), ToleranceClass("P", 0.15, 0.01, 0.01),
))
# DOMAIN.md: Q235B maxima (GB/T 700-2006); grade 20, C 0.17–0.23 (GB/T 222's worked example)
Q235B = Standard(1, "Q235B", "GB/T 700", "2006", date(2007, 2, 1), (
    Limit("C", None, 0.20), Limit("Si", None, 0.35), Limit("Mn", None, 1.40),
    Limit("P", None, 0.045), Limit("S", None, 0.045)))
GRADE_20 = Standard(2, "20", "GB/T 699", "2015", date(2016, 11, 1), (
    Limit("C", 0.17, 0.23), Limit("Mn", 0.35, 0.65)))


def drillings(*values: dict[str, float]) -> list[Sample]:
    """Product samples of ingots 1, 2, … in order."""
    return [Sample(n, "H1", SampleKind.PRODUCT, f"P{n}", n, datetime(2025, 3, 11, 8, 0), "lab", dict(v))
            for n, v in enumerate(values, start=1)]


def verdict(standard: Standard, element: str, value: float, *, heat_analysis: bool = True,
            tolerances: ToleranceEdition | None = TABLE) -> bool | None:
    check = product.check(standard, tolerances, heat_analysis, drillings({element: value}))
    return next(e.ok for e in check.samples[0].elements if e.element == element)


@pytest.mark.parametrize(("standard", "element", "on_the_limit", "one_step_beyond"), [
    (Q235B, "C", 0.22, 0.221),      # max 0.20, class ≤0.25: +0.02
    (Q235B, "C", 0.22, 0.2201),
    (GRADE_20, "C", 0.25, 0.251),   # max 0.23, class ≤0.25: +0.02
    (GRADE_20, "C", 0.15, 0.149),   # min 0.17, the same class: −0.02
    (Q235B, "Mn", 1.46, 1.461),     # max 1.40, class >0.80–1.70: +0.06
    (GRADE_20, "Mn", 0.32, 0.319),  # min 0.35, class of the max 0.65, ≤0.80: −0.03
    (Q235B, "Si", 0.38, 0.381),     # max 0.35, class ≤0.37: +0.03
    (Q235B, "S", 0.050, 0.051),     # max 0.045, class ≤0.050: +0.005
    (Q235B, "P", 0.050, 0.0501),    # max 0.045, class ≤0.060: +0.005
])
def test_a_value_on_the_widened_limit_passes_and_one_step_beyond_fails(
        standard: Standard, element: str, on_the_limit: float, one_step_beyond: float) -> None:
    assert verdict(standard, element, on_the_limit) is True
    assert verdict(standard, element, one_step_beyond) is False


def test_the_allowed_range_and_the_tolerance_are_told() -> None:
    check = product.check(GRADE_20, TABLE, True, drillings({"C": 0.20}))
    c = next(e for e in check.samples[0].elements if e.element == "C")
    assert (c.min_pct, c.max_pct, c.below_pct, c.above_pct, c.low_pct, c.high_pct) == (
        0.17, 0.23, 0.02, 0.02, 0.15, 0.25)
    assert check.tolerances is TABLE
    assert check.heat_analysis


def test_the_class_is_the_specified_maximums() -> None:
    # C 0.22–0.30: the maximum 0.30 is in the class >0.25–0.55, ±0.03, for both sides: 0.19–0.33
    wide = Standard(3, "X", "T", "1", date(2000, 1, 1), (Limit("C", 0.22, 0.30),))
    assert verdict(wide, "C", 0.19) is True
    assert verdict(wide, "C", 0.189) is False
    assert verdict(wide, "C", 0.33) is True
    assert verdict(wide, "C", 0.331) is False
    # a minimum alone is looked up by its own value: Mn ≥ 1.00, class >0.80–1.70, −0.06
    floor = Standard(4, "Y", "T", "1", date(2000, 1, 1), (Limit("Mn", 1.00, None),))
    assert verdict(floor, "Mn", 0.94) is True
    assert verdict(floor, "Mn", 0.939) is False


def test_s_and_p_widen_above_only() -> None:
    # S 0.020–0.040 and P 0.010–0.040: their class (≤0.050, ≤0.060) gives no deviation below
    low_sp = Standard(5, "Z", "T", "1", date(2000, 1, 1),
                      (Limit("S", 0.020, 0.040), Limit("P", 0.010, 0.040)))
    assert verdict(low_sp, "S", 0.020) is True
    assert verdict(low_sp, "S", 0.019) is False
    assert verdict(low_sp, "S", 0.045) is True   # 0.040 + 0.005
    assert verdict(low_sp, "P", 0.0099) is False
    assert verdict(low_sp, "P", 0.045) is True


def test_an_element_outside_the_table_gets_no_tolerance() -> None:
    alloyed = Standard(6, "W", "T", "1", date(2000, 1, 1), (Limit("Cr", None, 0.30), Limit("C", None, 0.20)))
    assert verdict(alloyed, "Cr", 0.30) is True
    assert verdict(alloyed, "Cr", 0.301) is False
    check = product.check(alloyed, TABLE, True, drillings({"Cr": 0.30}))
    cr = next(e for e in check.samples[0].elements if e.element == "Cr")
    assert (cr.below_pct, cr.above_pct, cr.high_pct) == (None, None, 0.30)


def test_a_limit_beyond_the_tables_last_class_gets_no_tolerance() -> None:
    manganese = Standard(7, "V", "T", "1", date(2000, 1, 1), (Limit("Mn", None, 2.00),))  # > 1.70
    assert verdict(manganese, "Mn", 2.00) is True
    assert verdict(manganese, "Mn", 2.001) is False


def test_no_heat_analysis_of_record_means_no_tolerance() -> None:
    assert verdict(Q235B, "C", 0.21) is True
    assert verdict(Q235B, "C", 0.21, heat_analysis=False) is False
    assert verdict(Q235B, "C", 0.20, heat_analysis=False) is True
    check = product.check(Q235B, TABLE, False, drillings({"C": 0.20}))
    assert check.tolerances is None
    assert not check.heat_analysis


def test_no_tolerances_in_force_means_no_tolerance() -> None:
    assert verdict(Q235B, "C", 0.21, tolerances=None) is False


def test_the_one_side_rule_fails_every_product_analysis_of_the_element() -> None:
    # grade 20, C 0.17–0.23: 0.24 lies above the max and 0.16 below the min, both inside the
    # tolerance (0.15–0.25): within one heat, every C of it fails, 0.20 too
    check = product.check(GRADE_20, TABLE, True, drillings({"C": 0.24, "Mn": 0.50}, {"C": 0.16},
                                                           {"C": 0.20, "Mn": 0.50}))
    for v in check.samples:
        c = next(e for e in v.elements if e.element == "C")
        assert c.ok is False
        assert c.one_side
        assert v.status is ChemStatus.FAILS
    assert check.failing_ingots == {1, 2, 3}
    mn = next(e for e in check.samples[0].elements if e.element == "Mn")
    assert mn.ok is True
    assert not mn.one_side


@pytest.mark.parametrize("values", [
    ({"C": 0.24}, {"C": 0.245}),           # both above: one side
    ({"C": 0.16}, {"C": 0.155}),           # both below: one side
    ({"C": 0.24}, {"C": 0.20}),            # one above, one inside
    ({"C": 0.24, "Mn": 0.50}, {"C": 0.20, "Mn": 0.33}),  # above in C, below in Mn: other elements
])
def test_the_one_side_rule_does_not_trigger_on_one_side(values: tuple[dict[str, float], ...]) -> None:
    check = product.check(GRADE_20, TABLE, True, drillings(*values))
    assert check.failing_ingots == frozenset()
    assert all(v.status is ChemStatus.CONFORMS for v in check.samples)


def test_a_sample_with_no_limited_value_is_not_checked_and_no_standard_checks_nothing() -> None:
    check = product.check(Q235B, TABLE, True, drillings({"Ni": 0.10}))
    assert check.samples[0].status is ChemStatus.NOT_CHECKED
    check = product.check(None, TABLE, True, drillings({"C": 0.99}))
    assert check.samples[0].status is ChemStatus.NOT_CHECKED
    assert check.failing_ingots == frozenset()


def test_only_product_samples_are_judged() -> None:
    others = [Sample(9, "H1", SampleKind.PRELIMINARY, "L1", None, datetime(2025, 3, 10, 8, 50), "lab",
                     {"C": 0.90}),
              Sample(10, "H1", SampleKind.HEAT, None, None, datetime(2025, 3, 10, 9, 0), "lab", {"C": 0.90})]
    assert product.check(Q235B, TABLE, True, others).samples == ()


def test_the_edition_in_force_on_the_tap_date() -> None:
    later = ToleranceEdition(2, "GB/T 222", "2025", date(2025, 12, 1),
                             (ToleranceClass("C", None, 0.05, 0.05),))
    assert product.tolerances_in_force([TABLE, later], date(2007, 1, 31)) is None
    assert product.tolerances_in_force([TABLE, later], date(2007, 2, 1)) is TABLE
    assert product.tolerances_in_force([later, TABLE], date(2025, 11, 30)) is TABLE
    assert product.tolerances_in_force([TABLE, later], date(2025, 12, 1)) is later
