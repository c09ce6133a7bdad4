"""qcdesk.spc at its edges, as a quality engineer reads a chart: chemistry in mass %, where
every moving range is far below 1; a run of exactly eight; a point exactly on a line.

Every figure below is worked by hand in the comments (σ of the I chart = 2.66·MR̄ ÷ 3, the
zone lines at x̄ ± σ, ± 2σ, ± 3σ; the MR chart's upper limit 3.267·MR̄; Cp, Cpk with
σ = MR̄ ÷ 1.128), as in tests/test_spc.py. These close the gaps mutation testing found
(docs/mutation.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from qcdesk.spc import (
    Rule,
    Violation,
    capability,
    imr_chart,
    longest_run,
    p_chart,
    pareto,
    western_electric,
)


def marks(violations: Sequence[Violation]) -> list[tuple[int, Rule, tuple[int, ...]]]:
    """(index, rule, points) of every violation, in the order found."""
    return [(v.index, v.rule, v.points) for v in violations]


# ------------------------------------------------------------------ chemistry: values in mass %

# Carbon of ten heats alternating 0.15 / 0.16, then a heat at 0.30:
#   Σx = 5·0.15 + 5·0.16 + 0.30 = 1.85 → x̄ = 1.85/11 = 0.1681818
#   MR: nine of 0.01, then 0.14 → ΣMR = 0.23 → MR̄ = 0.023 (every range below 1)
#   σ = 2.66·0.023/3 = 0.0203933; UCL = 0.1681818 + 0.06118 = 0.2293618; LCL = 0.1070018
#   MR UCL = 3.267·0.023 = 0.075141: the jump of 0.14 is beyond it
#   0.30: z = 0.1318182/0.0203933 = 6.464 → rule 1 at index 10
#   0.15: z = −0.892; 0.16: z = −0.401: the first ten lie below the centre, so eight in a
#   row below completes at index 7, 8 and 9 (rule 4); nothing beyond 1σ, so no rule 2 or 3.
CARBON_WITH_A_JUMP = [0.15, 0.16] * 5 + [0.30]


def test_a_carbon_chart_with_ranges_below_one_breaks_rule_1_on_its_own_limits() -> None:
    chart = imr_chart(CARBON_WITH_A_JUMP)
    assert chart.mean == pytest.approx(0.1681818, abs=1e-7)
    assert chart.mr_bar == pytest.approx(0.023)
    assert chart.ucl == pytest.approx(0.2293618, abs=1e-7)
    assert chart.lcl == pytest.approx(0.1070018, abs=1e-7)
    assert chart.mr_ucl == pytest.approx(0.075141)
    assert chart.mr_beyond == (10,)
    assert marks(chart.violations) == [
        (7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(0, 8))),
        (8, Rule.EIGHT_ON_ONE_SIDE, tuple(range(1, 9))),
        (9, Rule.EIGHT_ON_ONE_SIDE, tuple(range(2, 10))),
        (10, Rule.BEYOND_3_SIGMA, (10,)),
    ]
    assert [v.above for v in chart.violations] == [False, False, False, True]


def test_the_chart_keeps_the_values_it_was_given() -> None:
    chart = imr_chart([0.15, 0.16, 0.3])
    assert chart.values == (0.15, 0.16, 0.3)
    assert chart.moving_ranges == pytest.approx([None, 0.01, 0.14])


# Frozen from a baseline: x̄ = 0.16 %, MR̄ = 0.015 %:
#   σ = 2.66·0.015/3 = 0.0133; lines at 0.16 ± 0.0133 (1σ: 0.1467, 0.1733),
#   ± 0.0266 (2σ: 0.1334, 0.1866), ± 0.0399 (3σ, the limits: 0.1201, 0.1999)
BASELINE = {"mean": 0.16, "mr_bar": 0.015}


def test_the_zone_lines_are_a_third_of_the_way_to_the_limits() -> None:
    chart = imr_chart([0.16, 0.17], **BASELINE)
    assert chart.sigma == pytest.approx(0.0133)
    assert chart.ucl == pytest.approx(0.1999)
    assert chart.lcl == pytest.approx(0.1201)
    assert chart.mean + 2 * chart.sigma == pytest.approx(0.1866)


def test_no_sigma_without_a_mean_moving_range() -> None:
    assert imr_chart([0.16]).sigma is None


@pytest.mark.parametrize(("values", "expected"), [
    # rule 1: 0.21 → z = 0.05/0.0133 = 3.759; 0.11 → z = −3.759
    ([0.21, 0.16, 0.11], [(0, Rule.BEYOND_3_SIGMA, (0,)), (2, Rule.BEYOND_3_SIGMA, (2,))]),
    # rule 2: 0.187 → z = 0.027/0.0133 = 2.030, twice in three
    ([0.187, 0.15, 0.187], [(2, Rule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 2))]),
    ([0.133, 0.17, 0.133], [(2, Rule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 2))]),
    # rule 3: 0.18 → z = 1.504, four in five; 0.165 → z = 0.376
    ([0.18, 0.18, 0.165, 0.18, 0.18], [(4, Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA, (0, 1, 3, 4))]),
    ([0.14, 0.14, 0.155, 0.14, 0.14], [(4, Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA, (0, 1, 3, 4))]),
    # rule 4: 0.165 → z = 0.376, eight in a row above; 0.155 → z = −0.376
    ([0.165] * 8, [(7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]),
    ([0.155] * 8, [(7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]),
])
def test_every_rule_on_a_chemistry_chart_in_mass_percent(
        values: list[float], expected: list[tuple[int, Rule, tuple[int, ...]]]) -> None:
    assert marks(imr_chart(values, **BASELINE).violations) == expected


def test_just_inside_each_zone_line_of_a_chemistry_chart_breaks_nothing() -> None:
    # 0.186 → z = 1.955 (inside 2σ); 0.173 → z = 0.977 (inside 1σ); 0.199 → z = 2.932
    assert imr_chart([0.186, 0.15, 0.186], **BASELINE).violations == ()
    assert imr_chart([0.173, 0.173, 0.16, 0.173, 0.173], **BASELINE).violations == ()
    assert imr_chart([0.199, 0.121], **BASELINE).violations == ()


def test_the_selected_rules_are_the_only_ones_judged_on_an_i_chart() -> None:
    chart = imr_chart(CARBON_WITH_A_JUMP, rules=[Rule.BEYOND_3_SIGMA])
    assert marks(chart.violations) == [(10, Rule.BEYOND_3_SIGMA, (10,))]
    assert imr_chart(CARBON_WITH_A_JUMP, rules=()).violations == ()


def test_a_negative_mean_moving_range_is_refused() -> None:
    with pytest.raises(ValueError, match=r"a mean moving range of -0\.01"):
        imr_chart([0.16, 0.17], mean=0.16, mr_bar=-0.01)


# ------------------------------------------------------------------ a point exactly on a line


def test_values_on_the_lines_of_a_chemistry_chart_are_inside_them() -> None:
    # On the UCL 0.1999 and the LCL 0.1201 (z = ±3 up to rounding): not beyond 3σ.
    assert imr_chart([0.1999, 0.1201], **BASELINE).violations == ()
    # On the 2σ line 0.1866, three times: not "beyond 2σ".
    assert imr_chart([0.1866, 0.1866, 0.1866], **BASELINE).violations == ()
    # On the 1σ line 0.1467, five times: not "beyond 1σ".
    assert imr_chart([0.1467] * 5, **BASELINE).violations == ()


def test_a_moving_range_exactly_on_its_upper_limit_is_inside_it() -> None:
    # Frozen MR̄ = 0.01 %: MR UCL = 3.267·0.01 = 0.03267. From 0.15 to 0.18267 the range is
    # 0.03267, on the limit (as a float, 0.032670000000000005): not beyond. 0.1827 is.
    assert imr_chart([0.15, 0.18267], mean=0.16, mr_bar=0.01).mr_beyond == ()
    assert imr_chart([0.10, 0.13267, 0.10], mean=0.12, mr_bar=0.01).mr_beyond == ()
    assert imr_chart([0.15, 0.1827], mean=0.16, mr_bar=0.01).mr_beyond == (1,)
    # a hundred-millionth of a per cent beyond the limit is beyond it
    assert imr_chart([0.15, 0.18267001], mean=0.16, mr_bar=0.01).mr_beyond == (1,)


def test_rounding_up_to_a_billionth_of_sigma_keeps_a_point_on_its_line() -> None:
    # A point whose z comes out a hair above 1, 2 or 3 (the division's last bits) is drawn on
    # the line, so inside it, on either side, and never counts towards a pattern.
    for side in (1, -1):
        on_3, on_2, on_1 = side * (3 + 1e-9), side * (2 + 1e-9), side * (1 + 1e-9)
        assert western_electric([on_3] * 3, rules=[1]) == []
        assert western_electric([on_2, side * 2.5], rules=[2]) == []
        assert western_electric([on_1, on_1, on_1, side * 1.5], rules=[3]) == []
    # A little further out is beyond.
    assert marks(western_electric([3 + 2e-9], rules=[1])) == [(0, Rule.BEYOND_3_SIGMA, (0,))]
    assert marks(western_electric([2 + 2e-9, 2.5], rules=[2])) == [
        (1, Rule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 1))]


def test_a_point_on_the_2_sigma_line_does_not_end_a_pattern_it_is_not_part_of() -> None:
    # 2.5, 2.5 complete rule 2 at index 1; the third point lies on the 2σ line (up to
    # rounding): not beyond, so it does not mark the same excursion again.
    found = western_electric([2.5, 2.5, 2 + 1e-9])
    assert marks(found) == [(1, Rule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 1))]
    found = western_electric([-1.5, -1.5, -1.5, -1.5, -(1 + 1e-9)])
    assert marks(found) == [(3, Rule.FOUR_OF_FIVE_BEYOND_1_SIGMA, (0, 1, 2, 3))]


# ------------------------------------------------------------------ runs: rules 2, 3, 4


def test_a_point_inside_the_zone_does_not_end_a_rule_2_pattern_on_the_same_side() -> None:
    # 2.5, 2.5 complete rule 2 at index 1; 0.5 (above the centre, inside 1σ) is no part of it.
    assert marks(western_electric([2.5, 2.5, 0.5])) == [(1, Rule.TWO_OF_THREE_BEYOND_2_SIGMA, (0, 1))]


def test_rule_3_looks_at_five_points_not_six() -> None:
    # Beyond 1σ at 0, 3, 4, 5: four of the last six, but only three of the last five.
    assert western_electric([1.5, 0.0, 0.0, 1.5, 1.5, 1.5]) == []


def test_a_run_of_exactly_eight_then_a_point_on_the_other_side() -> None:
    found = western_electric([0.5] * 8 + [-0.5])
    assert marks(found) == [(7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]
    found = western_electric([-0.5] * 8 + [0.5])
    assert marks(found) == [(7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]


def test_a_run_of_seven_then_a_point_on_the_other_side_breaks_nothing() -> None:
    assert western_electric([0.5] * 7 + [-0.5]) == []
    assert western_electric([-0.5] + [0.5] * 7) == []
    assert western_electric([-0.5] * 7 + [0.5]) == []


def test_points_above_the_centre_never_join_a_run_below_it() -> None:
    # Seven below and one above (0.5, inside 1σ): no run of eight on either side.
    assert western_electric([-0.5] * 4 + [0.5] + [-0.5] * 3) == []
    assert western_electric([-0.5] * 7 + [0.9]) == []
    # A point on the centre belongs to neither side.
    assert western_electric([-0.5] * 4 + [0.0] + [-0.5] * 4) == []
    assert western_electric([0.5] * 7 + [0.0]) == []


def test_rules_are_chosen_by_their_numbers_1_to_4() -> None:
    # the trends' settings keep the selected rules as numbers
    z = [3.5] * 8  # breaks all four
    for number in (1, 2, 3, 4):
        assert {v.rule for v in western_electric(z, rules=[number])} == {Rule(number)}
    assert [int(rule) for rule in Rule] == [1, 2, 3, 4]


def test_a_run_of_eight_ending_exactly_one_sigma_out_still_counts() -> None:
    found = western_electric([0.5] * 7 + [1.0])
    assert marks(found) == [(7, Rule.EIGHT_ON_ONE_SIDE, tuple(range(8)))]


# ------------------------------------------------------------------ p-chart


def test_a_frozen_baseline_centre_of_exactly_0_is_accepted() -> None:
    # p̄ = 0 (a baseline with no defective ingot): σ = 0, limits on the centre, no rule judged.
    chart = p_chart([(100, 0), (50, 1)], centre=0.0)
    assert chart.centre == 0.0
    assert [(pt.ucl, pt.lcl, pt.z) for pt in chart.points] == [(0.0, 0.0, None), (0.0, 0.0, None)]
    assert chart.points[1].p == pytest.approx(0.02)
    assert chart.violations == ()


def test_a_frozen_baseline_centre_of_exactly_1_is_accepted() -> None:
    chart = p_chart([(100, 100)], centre=1.0)
    assert (chart.points[0].ucl, chart.points[0].lcl, chart.points[0].z) == (1.0, 1.0, None)


@pytest.mark.parametrize("centre", [-0.01, 1.01, 1.5])
def test_a_frozen_centre_outside_0_to_1_is_refused(centre: float) -> None:
    with pytest.raises(ValueError, match=re.escape(f"a p-chart centre of {centre}")):
        p_chart([(100, 5)], centre=centre)


@pytest.mark.parametrize(("n", "d"), [(10, 11), (-1, 0), (10, -1)])
def test_an_impossible_subgroup_is_refused(n: int, d: int) -> None:
    with pytest.raises(ValueError, match=re.escape(f"a subgroup of {n} with {d} nonconforming")):
        p_chart([(100, 5), (n, d)])


def test_every_day_keeps_its_counts_even_after_a_day_with_nothing_judged() -> None:
    chart = p_chart([(100, 12), (0, 0), (400, 38)])
    assert [(pt.n, pt.nonconforming) for pt in chart.points] == [(100, 12), (0, 0), (400, 38)]
    assert chart.points[1].p is None
    assert chart.points[2].p == pytest.approx(0.095)


def test_the_selected_rules_are_the_only_ones_judged_on_a_p_chart() -> None:
    # p̄ = 0.5, n = 25: σ = 0.1. Eight days at p = 0.6 (z = 1) and one at 0.88 (z = 3.8).
    days = [(25, 15)] * 8 + [(25, 22)]
    chart = p_chart(days, centre=0.5, rules=[Rule.EIGHT_ON_ONE_SIDE])
    assert {v.rule for v in chart.violations} == {Rule.EIGHT_ON_ONE_SIDE}
    chart = p_chart(days, centre=0.5, rules=[Rule.BEYOND_3_SIGMA])
    assert marks(chart.violations) == [(8, Rule.BEYOND_3_SIGMA, (8,))]


# ------------------------------------------------------------------ Cp / Cpk in mass %


def test_capability_of_carbon_against_a_maximum_only() -> None:
    # Q235B, C ≤ 0.20: 0.16, 0.18, 0.17, 0.19 → x̄ = 0.175; MR 0.02, 0.01, 0.02 → MR̄ = 0.05/3
    # σ = (0.05/3)/1.128 = 0.0147754; CPU = 0.025/(3σ) = 0.025·1.128/0.05 = 0.564 = Cpk.
    cap = capability([0.16, 0.18, 0.17, 0.19], lsl=None, usl=0.20)
    assert cap.sigma == pytest.approx(0.0147754, abs=1e-7)
    assert cap.cp is None
    assert cap.cpu == pytest.approx(0.564)
    assert cap.cpk == pytest.approx(0.564)


def test_capability_of_carbon_between_a_minimum_and_a_maximum() -> None:
    # Grade 20, C 0.17–0.23: 0.19, 0.21, 0.20, 0.22 → x̄ = 0.205, σ = 0.0147754 as above;
    # Cp = 0.06/(6σ) = 0.06·1.128/0.1 = 0.6768; CPU = 0.025·1.128/0.05 = 0.564;
    # CPL = 0.035·1.128/0.05 = 0.7896; Cpk = 0.564.
    cap = capability([0.19, 0.21, 0.20, 0.22], lsl=0.17, usl=0.23)
    assert cap.cp == pytest.approx(0.6768)
    assert cap.cpu == pytest.approx(0.564)
    assert cap.cpl == pytest.approx(0.7896)
    assert cap.cpk == pytest.approx(0.564)


def test_capability_without_specification_limits_has_no_cpk() -> None:
    cap = capability([0.16, 0.18, 0.17], lsl=None, usl=None)
    assert cap.sigma == pytest.approx(0.015 / 1.128)
    assert (cap.cp, cap.cpu, cap.cpl, cap.cpk) == (None, None, None, None)


def test_capability_of_no_values_and_of_values_without_spread() -> None:
    assert capability([], lsl=0.17, usl=0.23) == capability([], lsl=None, usl=None)
    none = capability([], lsl=0.17, usl=0.23)
    assert (none.n, none.mean, none.sigma, none.cpk) == (0, None, None, None)
    flat = capability([0.2, 0.2, 0.2], lsl=0.17, usl=0.23)
    assert (flat.n, flat.sigma) == (3, 0.0)
    assert flat.mean == pytest.approx(0.2)
    assert (flat.cp, flat.cpk) == (None, None)


# ------------------------------------------------------------------ Pareto, runs


def test_pareto_bars_keep_their_values() -> None:
    bars = pareto([("SCAB", 2.5), ("TCRK", 7.0)])
    assert [(b.key, b.value) for b in bars] == [("TCRK", 7.0), ("SCAB", 2.5)]


def test_longest_run_at_the_very_start() -> None:
    assert longest_run([True, True, True, False]) == (3, 0, 2)
