"""qcdesk.spc against figures worked out independently of the code.

Where the figures come from:

- p-chart: small examples worked by hand below (arithmetic in the comments), and the
  bruised-peaches data of Pyzdek & Keller, "The Handbook for Quality Management", 2nd ed.
  (McGraw-Hill, 2013), Table 9.6 "Raw Data for p Chart" (25 shipments of 250 or 500
  peaches, totals 8000 and 1544); its limits are worked out here by hand.
- I-MR chart: NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2.2
  (individuals control chart, 10 batches of flow rate; published x̄ = 50.81, MR̄ = 1.8778,
  MR UCL = 6.1347). NIST writes the limits with 3/d2 = 2.6596 (UCL 55.8041); DOMAIN.md
  prescribes 2.66, so the limits are re-derived by hand with 2.66.
- Cp/Cpk: NIST/SEMATECH e-Handbook, section 6.1.6 (USL 20, LSL 8, μ 16, σ 2 → Cp = 1,
  Cpk = 0.6667), fed through values built to have x̄ = 16 and MR̄/1.128 = 2; plus a
  hand-worked example.
- Western Electric rules: Western Electric Co., "Statistical Quality Control Handbook"
  (1956): rule 1 one point beyond 3σ; rule 2 two of three in a row beyond 2σ on one side;
  rule 3 four of five in a row beyond 1σ on one side; rule 4 eight in a row on one side.
  Tested on hand-made z sequences just inside and just outside each pattern.
- Pareto and longest run: hand-made sequences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from qcdesk.spc import (
    Rule,
    Violation,
    capability,
    imr_chart,
    longest_run,
    p_bar,
    p_chart,
    pareto,
    western_electric,
)


def marks(violations: Sequence[Violation], rule: Rule) -> list[tuple[int, tuple[int, ...]]]:
    """(index, points) of every violation of one rule."""
    return [(v.index, v.points) for v in violations if v.rule == rule]


# ------------------------------------------------------------------ p-chart

# Hand example: four days and one day with nothing judged.
#   n:  100  400   25   75    0
#   d:   12   38    2    8    0
#   Σd = 60, Σn = 600 → p̄ = 0.1, p̄(1 − p̄) = 0.09
#   n = 100: σ = √(0.09/100) = 0.03         → UCL 0.19,     LCL 0.01
#   n = 400: σ = √(0.09/400) = 0.015        → UCL 0.145,    LCL 0.055
#   n =  25: σ = √(0.09/25)  = 0.06         → UCL 0.28,     LCL 0.1 − 0.18 < 0 → 0
#   n =  75: σ = √(0.09/75)  = 0.0346410    → UCL 0.2039230, LCL 0.1 − 0.1039230 < 0 → 0
HAND_DAYS = [(100, 12), (400, 38), (25, 2), (75, 8), (0, 0)]


def test_p_chart_centre_is_total_nonqualified_over_total_judged() -> None:
    chart = p_chart(HAND_DAYS)
    assert chart.centre == pytest.approx(0.1)
    assert p_bar(HAND_DAYS) == pytest.approx(0.1)


def test_p_chart_limits_differ_with_the_days_sample_size() -> None:
    pts = p_chart(HAND_DAYS).points
    assert pts[0].p == pytest.approx(0.12)
    assert pts[0].ucl == pytest.approx(0.19)
    assert pts[0].lcl == pytest.approx(0.01)
    assert pts[1].p == pytest.approx(0.095)
    assert pts[1].ucl == pytest.approx(0.145)
    assert pts[1].lcl == pytest.approx(0.055)
    assert pts[2].ucl == pytest.approx(0.28)
    assert pts[3].ucl == pytest.approx(0.2039230, abs=1e-7)
    # z of day 1: (0.12 − 0.1) ÷ 0.03 = 0.6667
    assert pts[0].z == pytest.approx(2 / 3)


def test_p_chart_lower_limit_is_clipped_at_zero_for_small_days() -> None:
    pts = p_chart(HAND_DAYS).points
    assert pts[2].lcl == 0.0  # 0.1 − 3·0.06 = −0.08 → 0
    assert pts[3].lcl == 0.0  # 0.1 − 3·0.034641 = −0.0039 → 0


def test_p_chart_upper_limit_is_clipped_at_one() -> None:
    # (1, 1), (3, 1): p̄ = 2/4 = 0.5; n = 1: σ = √(0.25/1) = 0.5 → 0.5 ± 1.5 → [0, 1]
    pt = p_chart([(1, 1), (3, 1)]).points[0]
    assert pt.ucl == 1.0
    assert pt.lcl == 0.0


def test_p_chart_day_with_nothing_judged_has_no_point_and_no_limits() -> None:
    pt = p_chart(HAND_DAYS).points[4]
    assert pt.n == 0
    assert pt.p is None  # not 0
    assert pt.ucl is None
    assert pt.lcl is None
    assert pt.z is None


def test_p_chart_uses_the_frozen_baseline_centre_instead_of_its_own() -> None:
    # Frozen p̄ = 0.05 (own p̄ would be 50/500 = 0.1), p̄(1 − p̄) = 0.0475
    #   n = 100: σ = √0.000475 = 0.0217945 → UCL 0.05 + 0.0653835 = 0.1153835, LCL 0
    #   n = 400: σ = √0.00011875 = 0.0108972 → UCL 0.0826918, LCL 0.0173082
    #   day 1: p = 0.12,  z = 0.07 ÷ 0.0217945 = 3.2118 → rule 1
    #   day 2: p = 0.095, z = 0.045 ÷ 0.0108972 = 4.1295 → rule 1
    # (against its own p̄ = 0.1 neither day would be beyond: z = 0.667 and −0.333)
    chart = p_chart([(100, 12), (400, 38)], centre=0.05)
    assert chart.centre == 0.05
    assert chart.points[0].ucl == pytest.approx(0.1153835, abs=1e-7)
    assert chart.points[0].lcl == 0.0
    assert chart.points[1].ucl == pytest.approx(0.0826918, abs=1e-7)
    assert chart.points[1].lcl == pytest.approx(0.0173082, abs=1e-7)
    assert chart.points[0].z == pytest.approx(3.2118, abs=1e-4)
    assert chart.points[1].z == pytest.approx(4.1295, abs=1e-4)
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == [(0, (0,)), (1, (1,))]
    assert marks(p_chart([(100, 12), (400, 38)]).violations, Rule.BEYOND_3_SIGMA) == []


def test_p_chart_with_nothing_judged_has_no_centre() -> None:
    chart = p_chart([(0, 0), (0, 0)])
    assert chart.centre is None
    assert all(pt.p is None and pt.ucl is None and pt.lcl is None for pt in chart.points)
    assert chart.violations == ()
    assert p_bar([]) is None


# Pyzdek & Keller, Table 9.6: (peaches, bruised) per shipment.
PEACHES = [(250, 47), (250, 42), (250, 55), (250, 51), (250, 46), (250, 61), (250, 39),
           (250, 44), (250, 41), (250, 51), (500, 88), (500, 101), (500, 101), (250, 40),
           (250, 48), (250, 47), (250, 50), (250, 48), (250, 57), (250, 45), (250, 43),
           (500, 105), (500, 98), (500, 100), (500, 96)]
PEACHES_P = [0.188, 0.168, 0.220, 0.204, 0.184, 0.244, 0.156, 0.176, 0.164, 0.204, 0.176,
             0.202, 0.202, 0.160, 0.192, 0.188, 0.200, 0.192, 0.228, 0.180, 0.172, 0.210,
             0.196, 0.200, 0.192]


def test_p_chart_published_peaches_example() -> None:
    # Published totals: Σn = 8000, Σd = 1544 → p̄ = 0.193; p̄(1 − p̄) = 0.193·0.807 = 0.155751
    #   n = 250: σ = √0.000623004 = 0.0249601 → UCL 0.193 + 0.0748802 = 0.2678802,
    #                                              LCL 0.1181198
    #   n = 500: σ = √0.000311502 = 0.0176494 → UCL 0.193 + 0.0529483 = 0.2459483,
    #                                              LCL 0.1400517
    # Highest p 0.244 (n = 250), lowest 0.156 (n = 250): every shipment inside its limits.
    chart = p_chart(PEACHES)
    assert chart.centre == pytest.approx(0.193)
    assert [pt.p for pt in chart.points] == pytest.approx(PEACHES_P)
    one_crate, two_crates = chart.points[0], chart.points[10]
    assert one_crate.ucl == pytest.approx(0.2678802, abs=1e-6)
    assert one_crate.lcl == pytest.approx(0.1181198, abs=1e-6)
    assert two_crates.ucl == pytest.approx(0.2459483, abs=1e-6)
    assert two_crates.lcl == pytest.approx(0.1400517, abs=1e-6)
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == []


def test_p_chart_day_exactly_on_the_upper_limit_is_not_beyond_3_sigma() -> None:
    # (25, 20), (25, 5): p̄ = 25/50 = 0.5; σ = √(0.25/25) = 0.1 → UCL 0.8, LCL 0.2.
    # Day 1: p = 20/25 = 0.8, exactly on its UCL (z = 0.3/0.1 = 3): not beyond 3σ.
    chart = p_chart([(25, 20), (25, 5)])
    assert chart.points[0].p == chart.points[0].ucl == pytest.approx(0.8)
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == []


# ------------------------------------------------------------------ I-MR chart

# NIST/SEMATECH 6.3.2.2, flow rate of the first 10 batches.
NIST_FLOW = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
# Σx = 508.1 → x̄ = 50.81
# MR: 2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5; ΣMR = 16.9 → MR̄ = 16.9/9 = 1.877778
# UCL = 50.81 + 2.66·1.877778 = 50.81 + 4.994889 = 55.804889;  LCL = 45.815111
# MR UCL = 3.267·1.877778 = 6.134700


def test_imr_centre_and_mean_moving_range_match_nist() -> None:
    chart = imr_chart(NIST_FLOW)
    assert chart.mean == pytest.approx(50.81)
    assert chart.mr_bar == pytest.approx(1.8778, abs=1e-4)
    assert chart.moving_ranges[1:] == pytest.approx([2.0, 2.3, 1.4, 3.5, 3.4, 1.4, 0.2, 1.2, 1.5])


def test_imr_individuals_limits_are_mean_plus_minus_2_66_mr_bar() -> None:
    chart = imr_chart(NIST_FLOW)
    assert chart.ucl == pytest.approx(55.804889, abs=1e-6)
    assert chart.lcl == pytest.approx(45.815111, abs=1e-6)
    # Within NIST's published 55.8041 / 45.8159 (3/d2 = 2.6596 instead of 2.66).
    assert chart.ucl == pytest.approx(55.8041, abs=1e-3)
    assert chart.lcl == pytest.approx(45.8159, abs=1e-3)
    assert chart.violations == ()


def test_imr_moving_range_upper_limit_is_3_267_mr_bar() -> None:
    chart = imr_chart(NIST_FLOW)
    assert chart.mr_ucl == pytest.approx(6.1347, abs=1e-4)  # NIST: 6.1347
    assert chart.mr_beyond == ()


def test_imr_first_value_has_no_moving_range() -> None:
    chart = imr_chart(NIST_FLOW)
    assert chart.moving_ranges[0] is None
    assert len(chart.moving_ranges) == len(NIST_FLOW)


def test_imr_jump_flags_the_moving_range_and_the_value() -> None:
    # 10, 11, 10, 11, 10, 20: MR 1, 1, 1, 1, 10 → MR̄ = 14/5 = 2.8; MR UCL = 3.267·2.8 = 9.1476
    # MR at index 5 = 10 > 9.1476. x̄ = 72/6 = 12, UCL = 12 + 2.66·2.8 = 19.448 < 20
    # (z = 8 ÷ (2.66·2.8/3 = 2.482667) = 3.2223): rule 1 at index 5, nothing else.
    chart = imr_chart([10, 11, 10, 11, 10, 20])
    assert chart.mr_bar == pytest.approx(2.8)
    assert chart.mr_ucl == pytest.approx(9.1476)
    assert chart.mr_beyond == (5,)
    assert chart.ucl == pytest.approx(19.448)
    assert [(v.index, v.rule) for v in chart.violations] == [(5, Rule.BEYOND_3_SIGMA)]


def test_imr_single_value_has_no_limits() -> None:
    chart = imr_chart([7.5])
    assert chart.mean == 7.5
    assert chart.moving_ranges == (None,)
    assert chart.mr_bar is None
    assert (chart.ucl, chart.lcl, chart.mr_ucl) == (None, None, None)
    assert chart.violations == ()


def test_imr_all_equal_values_have_no_spread_and_judge_no_rule() -> None:
    # Nine equal values: MR̄ = 0; eight in a row "on the centre" must not fire rule 4.
    chart = imr_chart([3.0] * 9)
    assert chart.mr_bar == 0.0
    assert chart.violations == ()
    assert chart.mr_beyond == ()


def test_imr_uses_frozen_mean_and_mr_bar_from_the_baseline() -> None:
    # Frozen x̄ = 40, MR̄ = 2: UCL = 40 + 5.32 = 45.32, LCL = 34.68, MR UCL = 6.534;
    # σ = 2.66·2/3 = 1.773333; 50 → z = 10/1.773333 = 5.64: rule 1 on every value.
    chart = imr_chart([50, 51, 49], mean=40, mr_bar=2)
    assert chart.mean == 40
    assert chart.mr_bar == 2
    assert chart.ucl == pytest.approx(45.32)
    assert chart.lcl == pytest.approx(34.68)
    assert chart.mr_ucl == pytest.approx(6.534)
    assert chart.moving_ranges == (None, 1.0, 2.0)  # still the values' own ranges
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == [(0, (0,)), (1, (1,)), (2, (2,))]


def test_imr_frozen_limits_judge_even_a_single_new_value() -> None:
    chart = imr_chart([47.0], mean=40, mr_bar=2)
    assert chart.ucl == pytest.approx(45.32)
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == [(0, (0,))]


def test_imr_value_exactly_on_the_upper_limit_is_not_beyond_3_sigma() -> None:
    # Frozen x̄ = 10, MR̄ = 0.7: UCL = 10 + 2.66·0.7 = 11.862. A value of 11.862 lies on
    # the limit (z = 1.862 ÷ 0.620667 = 3): not beyond 3σ.
    chart = imr_chart([11.862], mean=10, mr_bar=0.7)
    assert chart.ucl == pytest.approx(11.862)
    assert marks(chart.violations, Rule.BEYOND_3_SIGMA) == []


# ------------------------------------------------------------------ Western Electric


def test_rule1_fires_just_beyond_3_sigma() -> None:
    found = western_electric([0.0, 3.01, -3.01])
    assert marks(found, Rule.BEYOND_3_SIGMA) == [(1, (1,)), (2, (2,))]
    assert [v.above for v in found if v.rule == Rule.BEYOND_3_SIGMA] == [True, False]


def test_rule1_does_not_fire_exactly_on_3_sigma() -> None:
    assert western_electric([3.0, -3.0]) == []


def test_rule2_fires_on_two_of_three_beyond_2_sigma_same_side() -> None:
    found = western_electric([2.5, 0.0, 2.5])
    assert marks(found, Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == [(2, (0, 2))]
    assert found[0].above is True


def test_rule2_does_not_fire_on_opposite_sides() -> None:
    assert western_electric([2.5, 0.0, -2.5]) == []


def test_rule2_does_not_fire_when_the_two_are_four_apart() -> None:
    assert western_electric([2.5, 0.0, 0.0, 2.5]) == []


def test_rule2_does_not_fire_exactly_on_2_sigma() -> None:
    assert western_electric([2.0, 2.5]) == []


def test_rule3_fires_on_four_of_five_beyond_1_sigma_same_side() -> None:
    found = western_electric([-1.5, -1.5, 0.0, -1.5, -1.5])
    assert marks(found, Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA) == [(4, (0, 1, 3, 4))]
    assert found[0].above is False


def test_rule3_does_not_fire_on_three_of_five() -> None:
    assert western_electric([1.5, 0.0, 1.5, 0.0, 1.5]) == []


def test_rule4_fires_on_eight_in_a_row_above() -> None:
    found = western_electric([0.5] * 8)
    assert marks(found, Rule.EIGHT_ON_ONE_SIDE) == [(7, tuple(range(8)))]
    assert found[0].above is True


def test_rule4_fires_on_eight_in_a_row_below() -> None:
    found = western_electric([-0.5] * 8)
    assert marks(found, Rule.EIGHT_ON_ONE_SIDE) == [(7, tuple(range(8)))]
    assert found[0].above is False


def test_rule4_does_not_fire_on_seven_in_a_row() -> None:
    assert western_electric([0.5] * 7) == []


def test_rule4_a_point_on_the_centre_breaks_the_run() -> None:
    assert western_electric([0.5] * 4 + [0.0] + [0.5] * 4) == []


def test_rule4_a_missing_day_does_not_break_the_run() -> None:
    found = western_electric([0.5] * 4 + [None] + [0.5] * 4)
    assert marks(found, Rule.EIGHT_ON_ONE_SIDE) == [(8, (0, 1, 2, 3, 5, 6, 7, 8))]


def test_rule2_a_missing_day_is_skipped_inside_the_window() -> None:
    # Present points: 2.5, 0.0, 2.5 (the None is not a point).
    found = western_electric([2.5, None, 0.0, 2.5])
    assert marks(found, Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == [(3, (0, 3))]


def test_violation_is_marked_where_the_pattern_completes() -> None:
    # 2.5, 2.5, 0: complete at index 1; index 2 is not beyond 2σ, so no second mark.
    found = western_electric([2.5, 2.5, 0.0])
    assert marks(found, Rule.TWO_OF_THREE_BEYOND_2_SIGMA) == [(1, (0, 1))]


def test_only_selected_rules_are_judged() -> None:
    z = [3.5] * 8  # breaks rules 1, 2, 3 and 4 with all rules on
    found = western_electric(z, rules={1})
    assert {v.rule for v in found} == {Rule.BEYOND_3_SIGMA}
    assert len(found) == 8
    assert marks(western_electric(z, rules=[Rule.EIGHT_ON_ONE_SIDE]), Rule.EIGHT_ON_ONE_SIDE) \
        == [(7, tuple(range(8)))]
    assert {v.rule for v in western_electric(z, rules=[Rule.EIGHT_ON_ONE_SIDE])} \
        == {Rule.EIGHT_ON_ONE_SIDE}
    assert {v.rule for v in western_electric(z)} == set(Rule)


def test_no_rules_selected_finds_nothing() -> None:
    assert western_electric([5.0] * 8, rules=()) == []


# ------------------------------------------------------------------ Cp / Cpk


def test_capability_matches_nist_example() -> None:
    # NIST 6.1.6: USL 20, LSL 8, μ 16, σ 2 → Cp = 12/12 = 1, CPU = 4/6 = 0.6667,
    # CPL = 8/6 = 1.3333, Cpk = 0.6667. Values 16 ∓ 1.128 alternating: x̄ = 16,
    # every MR = 2.256 → σ = 2.256/1.128 = 2.
    cap = capability([14.872, 17.128, 14.872, 17.128], lsl=8, usl=20)
    assert cap.mean == pytest.approx(16)
    assert cap.sigma == pytest.approx(2)
    assert cap.cp == pytest.approx(1.0)
    assert cap.cpu == pytest.approx(0.6667, abs=1e-4)
    assert cap.cpl == pytest.approx(1.3333, abs=1e-4)
    assert cap.cpk == pytest.approx(0.6667, abs=1e-4)


# Hand example: 10, 12, 11, 13 → x̄ = 46/4 = 11.5; MR 2, 1, 2 → MR̄ = 5/3;
# σ = (5/3)/1.128 = 5/3.384 = 1.4775414; 3σ = 15/3.384 = 4.4326241; 6σ = 30/3.384.
HAND_VALUES = [10, 12, 11, 13]


def test_capability_two_sided_hand_example() -> None:
    # LSL 7, USL 15: Cp  = 8·3.384/30 = 0.90240
    #                CPU = 3.5·3.384/15 = 0.78960, CPL = 4.5·3.384/15 = 1.01520
    cap = capability(HAND_VALUES, lsl=7, usl=15)
    assert cap.n == 4
    assert cap.sigma == pytest.approx(1.4775414)
    assert cap.cp == pytest.approx(0.9024)
    assert cap.cpu == pytest.approx(0.7896)
    assert cap.cpl == pytest.approx(1.0152)
    assert cap.cpk == pytest.approx(0.7896)


def test_capability_with_only_an_upper_limit_has_no_cp_and_cpk_is_cpu() -> None:
    cap = capability(HAND_VALUES, lsl=None, usl=15)
    assert cap.cp is None
    assert cap.cpl is None
    assert cap.cpu == pytest.approx(0.7896)
    assert cap.cpk == pytest.approx(0.7896)


def test_capability_with_only_a_lower_limit_has_cpk_cpl() -> None:
    cap = capability(HAND_VALUES, lsl=7, usl=None)
    assert cap.cp is None
    assert cap.cpu is None
    assert cap.cpk == pytest.approx(1.0152)


def test_capability_without_spread_is_undefined() -> None:
    cap = capability([5.0, 5.0, 5.0], lsl=4, usl=6)
    assert cap.cp is None
    assert cap.cpk is None


def test_capability_of_one_value_is_undefined() -> None:
    cap = capability([5.0], lsl=4, usl=6)
    assert cap.sigma is None
    assert cap.cp is None
    assert cap.cpk is None


# ------------------------------------------------------------------ Pareto

DEFECTS = [("slag", 3), ("crack", 5), ("scale", 3), ("lap", 0), ("seam", 1)]
# Non-zero total 12: crack 5/12, then the tie scale/slag 3/12 each (by key), seam 1/12.
# Cumulative: 5/12, 8/12, 11/12, 12/12.


def test_pareto_largest_first_ties_by_key() -> None:
    assert [b.key for b in pareto(DEFECTS)] == ["crack", "scale", "slag", "seam"]


def test_pareto_shares_and_cumulative() -> None:
    bars = pareto(DEFECTS)
    assert [b.share for b in bars] == pytest.approx([5 / 12, 3 / 12, 3 / 12, 1 / 12])
    assert [b.cumulative for b in bars] == pytest.approx([5 / 12, 8 / 12, 11 / 12, 1.0])
    assert math.fsum(b.share for b in bars) == pytest.approx(1.0)


def test_pareto_cumulative_ends_at_one_with_fractional_values() -> None:
    bars = pareto([("a", 3.3), ("b", 7.2), ("c", 7.1), ("d", 9.4)])
    assert bars[-1].cumulative == pytest.approx(1.0)


def test_pareto_drops_zero_items() -> None:
    assert "lap" not in [b.key for b in pareto(DEFECTS)]
    assert pareto([("lap", 0), ("seam", 0)]) == []


def test_pareto_of_nothing_is_empty() -> None:
    assert pareto([]) == []


# ------------------------------------------------------------------ longest run


def test_longest_run_skips_missing_days() -> None:
    assert longest_run([True, True, None, True, False, True]) == (3, 0, 3)


def test_longest_run_starts_at_the_first_true_not_at_a_missing_day() -> None:
    assert longest_run([None, True, True]) == (2, 1, 2)


def test_longest_run_is_broken_by_false() -> None:
    assert longest_run([True, True, False, True]) == (2, 0, 1)


def test_longest_run_earliest_of_equal_runs() -> None:
    assert longest_run([True, False, True, True, False, True, True]) == (2, 2, 3)


def test_longest_run_none_at_all() -> None:
    assert longest_run([False, None, False]) == (0, -1, -1)
    assert longest_run([]) == (0, -1, -1)
