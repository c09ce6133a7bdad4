"""DOMAIN.md "Definitions the program must follow", rule by rule, on small hand-worked examples.

Every expected figure is worked out by hand in the comments next to it; none is
taken from the program's own output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pytest

from qcdesk.model import ChemStatus, Disposition, Heat, Limit, Standard
from qcdesk.rates import format_rate
from qcdesk.shifts import assign, format_clock, shift_window
from qcdesk.standards import check as check_chemistry
from qcdesk.store import NewHeat, NewIngot, Store

A, C, R, S, P = (Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.REGRADED,
                 Disposition.SCRAP, Disposition.PENDING)
# Inside every GB/T 700-2006 maximum of Q235B (C 0.20, Si 0.35, Mn 1.40, P 0.045, S 0.045).
GOOD_Q235B = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
DAY = date(2025, 3, 10)


def tap(store: Store, heat_no: str, at: datetime, *, grade: str = "Q235B", tonnes: float = 30.0,
        analysis: Mapping[str, float] | None = None, converter: str = "1") -> Heat:
    """Log a heat as the shift inspector does (analysis defaults to a conforming Q235B one)."""
    return store.add_heat(NewHeat(heat_no, converter, at, grade, tonnes, 1600.0, "Wang",
                                  analysis=GOOD_Q235B if analysis is None else analysis))


def judge(store: Store, heat_no: str, *ingots: tuple[float, Disposition]) -> None:
    """Ingots 1, 2, … of a heat with (kg, disposition)."""
    store.add_ingots(heat_no, [NewIngot(n, kg, disp, "Li") for n, (kg, disp) in enumerate(ingots, 1)])


def totals(store: Store, first: date = DAY, last: date | None = None,
           basis: str = "weight") -> dict[str, Any]:
    total: dict[str, Any] = store.rates(first, last or first, basis=basis).as_dict()["total"]
    return total


def rows(store: Store, by: Sequence[str], first: date = DAY,
         last: date | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = store.rates(first, last or first, by).as_dict()["rows"]
    return found


def add_grade_20(store: Store, effective: date = date(2020, 1, 1),
                 carbon: tuple[float, float] = (0.17, 0.23)) -> None:
    """Grade 20 (GB/T 699): C 0.17–0.23, the only element this test edition limits."""
    store.add_grade("20", "quality carbon steel")
    store.add_edition("20", "GB/T 699", "2015", effective, [Limit("C", *carbon)])


# ------------------------------------------------------------------ judged ingots

def test_judged_ingots_leave_out_pending(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0))
    judge(store, "H1", (700, A), (700, A), (700, A), (650, S), (800, P), (800, P))
    t = totals(store)
    assert t["ingots"] == 6
    assert t["ingots_pending"] == 2
    # judged: 3 × 700 + 650 = 2750 kg in 4 ingots; qualified: 3 × 700 = 2100 kg
    assert t["ingots_judged"] == 4
    assert t["weight_judged_kg"] == pytest.approx(2750)
    assert t["weight_qualified_kg"] == pytest.approx(2100)
    assert t["ingot_qualified_rate"] == pytest.approx(2100 / 2750)  # 76.36…%
    assert t["ingot_qualified_rate_by_count"] == pytest.approx(3 / 4)
    assert format_rate(t["ingot_qualified_rate"]) == "76.4%"


def test_all_four_judged_dispositions_but_only_two_qualify(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0))
    judge(store, "H1", (1000, A), (1000, C), (1000, R), (1000, S))
    t = totals(store)
    # accepted + conditioned = 2000 of 4000 kg judged
    assert (t["ingots_judged"], t["ingots_qualified"]) == (4, 2)
    assert t["ingot_qualified_rate"] == pytest.approx(0.5)
    assert t["surface_qualified_rate"] == pytest.approx(0.5)


# ------------------------------------------------------------------ conformance

@pytest.mark.parametrize(("carbon", "status"), [
    (0.17, ChemStatus.CONFORMS),   # exactly the minimum
    (0.23, ChemStatus.CONFORMS),   # exactly the maximum
    (0.20, ChemStatus.CONFORMS),
    (0.169, ChemStatus.FAILS),     # just below the minimum
    (0.231, ChemStatus.FAILS),     # just above the maximum
])
def test_value_on_a_limit_conforms_just_outside_fails(store: Store, carbon: float,
                                                       status: ChemStatus) -> None:
    add_grade_20(store)
    heat = tap(store, "H1", datetime(2025, 3, 10, 9, 0), grade="20", analysis={"C": carbon})
    assert heat.chem_status is status
    verdict = store.check_heat("H1")
    assert verdict.status is status
    (c,) = [e for e in verdict.elements if e.element == "C"]
    assert (c.min_pct, c.max_pct, c.ok) == (0.17, 0.23, status is ChemStatus.CONFORMS)


@pytest.mark.parametrize(("element", "value", "status"), [
    ("C", 0.20, ChemStatus.CONFORMS), ("C", 0.201, ChemStatus.FAILS),
    ("P", 0.045, ChemStatus.CONFORMS), ("P", 0.046, ChemStatus.FAILS),
    ("Mn", 1.40, ChemStatus.CONFORMS), ("Mn", 1.41, ChemStatus.FAILS),
])
def test_seed_maxima_are_inclusive(store: Store, element: str, value: float, status: ChemStatus) -> None:
    # Q235B, GB/T 700-2006: C ≤ 0.20, Mn ≤ 1.40, P ≤ 0.045
    heat = tap(store, "H1", datetime(2025, 3, 10, 9, 0), analysis={**GOOD_Q235B, element: value})
    assert heat.chem_status is status


def test_a_limited_element_without_a_value_is_not_checked_never_conforming(store: Store) -> None:
    without_s = {k: v for k, v in GOOD_Q235B.items() if k != "S"}
    heat = tap(store, "H1", datetime(2025, 3, 10, 9, 0), tonnes=40, analysis=without_s)
    judge(store, "H1", (900, A), (900, A))
    assert heat.chem_status is ChemStatus.NOT_CHECKED
    assert store.check_heat("H1").missing == ("S",)
    t = totals(store)
    assert (t["heats_checked"], t["heats_conforming"], t["ingots_qualified"]) == (0, 0, 0)
    # nothing to judge chemistry on: no rate, not 0% nor 100%
    assert t["chemistry_conformance_rate"] is None
    assert t["ingot_qualified_rate"] is None

    # the lab reports S: now every limited element has a value inside its limit
    assert store.set_analysis("H1", {"S": 0.045}).status is ChemStatus.CONFORMS
    t = totals(store)
    assert (t["heats_checked"], t["heats_conforming"], t["ingots_qualified"]) == (1, 1, 2)
    assert t["ingot_qualified_rate"] == pytest.approx(1.0)


def test_no_analysis_at_all_is_not_checked(store: Store) -> None:
    assert tap(store, "H1", datetime(2025, 3, 10, 9, 0), analysis={}).chem_status is ChemStatus.NOT_CHECKED


def test_a_failing_value_with_another_still_missing_is_never_conforming(store: Store) -> None:
    # C 0.30 is above Q235B's 0.20 and S is missing. DOMAIN.md does not say which
    # wins; the program's reading is "fails" (no S value can rescue it).
    analysis = {"C": 0.30, "Si": 0.20, "Mn": 0.50, "P": 0.020}
    heat = tap(store, "H1", datetime(2025, 3, 10, 9, 0), analysis=analysis)
    judge(store, "H1", (900, A))
    assert heat.chem_status is not ChemStatus.CONFORMS
    assert heat.chem_status is ChemStatus.FAILS
    assert totals(store)["ingots_qualified"] == 0


def test_elements_the_grade_does_not_limit_do_not_matter(store: Store) -> None:
    # Q235B limits C, Si, Mn, P, S only: Cr, Ni and Mo at any level change nothing
    heat = tap(store, "H1", datetime(2025, 3, 10, 9, 0),
               analysis={**GOOD_Q235B, "Cr": 25.0, "Ni": 80.0, "Mo": 100.0})
    assert heat.chem_status is ChemStatus.CONFORMS
    # this grade-20 edition limits only C: Si, Mn, P and S need no value
    add_grade_20(store)
    assert tap(store, "H2", datetime(2025, 3, 10, 9, 5), grade="20",
               analysis={"C": 0.20}).chem_status is ChemStatus.CONFORMS


# ---------------------------------------------------------------- qualified ingots

def test_qualified_needs_a_good_surface_and_a_conforming_heat(store: Store) -> None:
    # A conforms (30 t), B fails on C 0.25 > 0.20 (50 t), N not yet checked: no S (20 t)
    tap(store, "A", datetime(2025, 3, 10, 9, 0), tonnes=30)
    tap(store, "B", datetime(2025, 3, 10, 10, 0), tonnes=50, analysis={**GOOD_Q235B, "C": 0.25})
    tap(store, "N", datetime(2025, 3, 10, 11, 0), tonnes=20,
        analysis={k: v for k, v in GOOD_Q235B.items() if k != "S"})
    judge(store, "A", (700, A), (700, A), (700, A), (650, S))
    judge(store, "B", (800, A), (800, C))
    judge(store, "N", (900, A), (900, P))
    t = totals(store)

    assert t["ingots"] == 4 + 2 + 2
    assert t["ingots_pending"] == 1
    # ingot qualified rate: only A's good ingots qualify; B's never, whatever their surface
    assert t["ingots_qualified"] == 3
    assert t["weight_qualified_kg"] == pytest.approx(2100)
    # judged ingots of checked heats (A and B): 2750 + 1600 = 4350 kg, 4 + 2 = 6 ingots
    assert t["ingots_judged"] == 6
    assert t["weight_judged_kg"] == pytest.approx(4350)
    assert t["ingot_qualified_rate"] == pytest.approx(2100 / 4350)  # 48.3%
    assert t["ingot_qualified_rate_by_count"] == pytest.approx(3 / 6)
    # awaiting chemistry: N's one judged ingot (its pending one is not judged)
    assert t["ingots_awaiting_chemistry"] == 1
    assert t["weight_awaiting_chemistry_kg"] == pytest.approx(900)
    # surface rate ignores chemistry: A 2100 + B 1600 + N 900 = 4600 of 2750 + 1600 + 900 = 5250 kg
    assert t["ingots_surface_judged"] == 7
    assert t["ingots_surface_ok"] == 6
    assert t["surface_qualified_rate"] == pytest.approx(4600 / 5250)  # 87.6%
    assert t["surface_qualified_rate_by_count"] == pytest.approx(6 / 7)
    # chemistry: A conforms, B fails, N unchecked → 1 of 2; by tapped weight 30 of 30 + 50
    assert (t["heats"], t["heats_checked"], t["heats_conforming"]) == (3, 2, 1)
    assert t["chemistry_conformance_rate"] == pytest.approx(0.5)
    assert t["chemistry_conformance_rate_by_weight"] == pytest.approx(30 / 80)
    assert t["output_t"] == pytest.approx(100)
    assert [format_rate(t[k]) for k in ("ingot_qualified_rate", "surface_qualified_rate",
                                        "chemistry_conformance_rate_by_weight")] == [
        "48.3%", "87.6%", "37.5%"]


def test_ingots_of_a_failing_heat_never_qualify(store: Store) -> None:
    tap(store, "B", datetime(2025, 3, 10, 9, 0), analysis={**GOOD_Q235B, "S": 0.050})  # S > 0.045
    judge(store, "B", (800, A), (800, C), (800, A))
    t = totals(store)
    # the heat is checked, so its ingots are in the denominator: a defined 0%, not "—"
    assert t["ingots_qualified"] == 0
    assert t["ingot_qualified_rate"] == 0.0
    assert t["ingot_qualified_rate_by_count"] == 0.0
    assert t["surface_qualified_rate"] == pytest.approx(1.0)
    assert format_rate(t["ingot_qualified_rate"]) == "0.0%"


def test_a_correction_of_the_analysis_moves_ingots_in_and_out_of_the_rate(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0))
    judge(store, "H1", (500, A), (500, S))
    assert totals(store)["ingot_qualified_rate"] == pytest.approx(0.5)
    store.set_analysis("H1", {"C": 0.21}, reason="lab re-run")  # now above 0.20
    assert totals(store)["ingot_qualified_rate"] == 0.0
    store.set_analysis("H1", {"C": None}, reason="sample mixed up")  # C withdrawn
    t = totals(store)
    assert t["ingot_qualified_rate"] is None
    assert (t["ingots_awaiting_chemistry"], t["surface_qualified_rate"]) == (2, pytest.approx(0.5))


# ---------------------------------------------------------------------- the bases

def test_both_bases_are_computed_whichever_leads(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0))
    judge(store, "H1", (1000, A), (1000, A), (3000, S))
    by_weight = totals(store, basis="weight")
    by_count = totals(store, basis="count")
    # weight: 2000 / 5000 = 40%; count: 2 / 3 = 66.7%
    for t in (by_weight, by_count):
        assert t["ingot_qualified_rate"] == pytest.approx(0.4)
        assert t["ingot_qualified_rate_by_count"] == pytest.approx(2 / 3)
    assert store.rates(DAY, DAY).basis == "weight"  # weight leads by default


def test_chemistry_conformance_by_count_and_by_tapped_weight(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0), tonnes=30)
    tap(store, "H2", datetime(2025, 3, 10, 10, 0), tonnes=50)
    tap(store, "H3", datetime(2025, 3, 10, 11, 0), tonnes=120, analysis={**GOOD_Q235B, "P": 0.05})
    tap(store, "H4", datetime(2025, 3, 10, 12, 0), tonnes=80, analysis={"C": 0.1})
    t = totals(store)
    # checked: H1, H2 (conform), H3 (fails); H4 not checked
    assert t["chemistry_conformance_rate"] == pytest.approx(2 / 3)
    assert t["chemistry_conformance_rate_by_weight"] == pytest.approx((30 + 50) / (30 + 50 + 120))  # 40%
    # no ingots yet: every ingot rate undefined
    assert t["ingot_qualified_rate"] is None
    assert t["surface_qualified_rate_by_count"] is None


def test_output_is_the_tapped_weight(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0), tonnes=120.5)
    tap(store, "H2", datetime(2025, 3, 10, 17, 0), tonnes=98.25, analysis={})
    judge(store, "H1", (700, A), (700, S))  # ingot weights are not output
    assert totals(store)["output_t"] == pytest.approx(218.75)
    assert [(r["shift"], r["output_t"]) for r in rows(store, ["shift"])] == [
        ("day", pytest.approx(120.5)), ("evening", pytest.approx(98.25))]


# ---------------------------------------------------------------- undefined, shown

def test_rates_over_nothing_are_undefined_and_shown_as_a_dash(store: Store) -> None:
    tap(store, "H1", datetime(2025, 3, 10, 9, 0), analysis={})  # not checked
    judge(store, "H1", (700, P), (700, P))  # nothing judged
    t = totals(store)
    for name in ("ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
                 "surface_qualified_rate_by_count", "chemistry_conformance_rate",
                 "chemistry_conformance_rate_by_weight"):
        assert t[name] is None, name
        assert format_rate(t[name]) == "—"
    # an empty period: no rows, a total of nothing, still no 0% or 100%
    empty = store.rates(date(2025, 1, 1), date(2025, 1, 31), ["day"]).as_dict()
    assert empty["rows"] == []
    assert empty["total"]["heats"] == 0
    assert empty["total"]["ingot_qualified_rate"] is None


def test_rates_show_one_decimal_and_keep_full_precision(store: Store) -> None:
    assert format_rate(0.966) == "96.6%"
    assert format_rate(1.0) == "100.0%"
    assert format_rate(0.0) == "0.0%"
    assert format_rate(None) == "—"
    # 2 February 1959: 96.6% — here 48 300 kg qualified of 50 000 kg judged
    tap(store, "H1", datetime(2025, 3, 10, 9, 0))
    judge(store, "H1", (48_300 / 2, A), (48_300 / 2, C), (1_700, S))
    rate = totals(store)["ingot_qualified_rate"]
    assert rate == pytest.approx(0.966, abs=1e-12)
    assert format_rate(rate) == "96.6%"
    # count basis 2 of 3: 66.666…% kept, 66.7% shown
    assert totals(store)["ingot_qualified_rate_by_count"] == pytest.approx(2 / 3, abs=1e-15)
    assert format_rate(2 / 3) == "66.7%"


# ---------------------------------------------------------------- editions in force

def test_the_edition_in_force_on_the_tap_date_judges_the_heat(store: Store) -> None:
    # grade 20: C 0.17–0.23 from 2020-01-01; a (made-up) later edition C 0.12–0.20 from 2025-12-01
    add_grade_20(store)
    store.add_edition("20", "GB/T 699", "2025", date(2025, 12, 1), [Limit("C", 0.12, 0.20)])
    before = tap(store, "H1", datetime(2025, 11, 30, 23, 59), grade="20", analysis={"C": 0.22})
    after = tap(store, "H2", datetime(2025, 12, 1, 0, 0), grade="20", analysis={"C": 0.22})
    assert before.chem_status is ChemStatus.CONFORMS  # 0.22 ≤ 0.23
    assert after.chem_status is ChemStatus.FAILS      # 0.22 > 0.20
    editions = [store.check_heat(no).standard for no in ("H1", "H2")]
    assert [e.edition if e else None for e in editions] == ["2015", "2025"]


def test_no_edition_in_force_yet_means_not_checked(store: Store) -> None:
    add_grade_20(store, effective=date(2020, 1, 1))
    early = tap(store, "H1", datetime(2019, 12, 31, 23, 59), grade="20", analysis={"C": 0.20})
    first = tap(store, "H2", datetime(2020, 1, 1, 0, 0), grade="20", analysis={"C": 0.20})
    assert early.chem_status is ChemStatus.NOT_CHECKED
    assert store.check_heat("H1").standard is None
    assert first.chem_status is ChemStatus.CONFORMS


def test_a_new_edition_rejudges_later_heats_only(store: Store) -> None:
    add_grade_20(store)
    tap(store, "H1", datetime(2025, 11, 30, 23, 59), grade="20", tonnes=40, analysis={"C": 0.22})
    tap(store, "H2", datetime(2025, 12, 1, 0, 0), grade="20", tonnes=60, analysis={"C": 0.22})
    judge(store, "H1", (1000, A))
    judge(store, "H2", (1000, A))
    assert store.heat("H2").chem_status is ChemStatus.CONFORMS

    store.add_edition("20", "GB/T 699", "2025", date(2025, 12, 1), [Limit("C", 0.12, 0.20)])
    assert store.heat("H1").chem_status is ChemStatus.CONFORMS  # tapped the day before: unchanged
    assert store.heat("H2").chem_status is ChemStatus.FAILS
    by_day = rows(store, ["day"], date(2025, 11, 30), date(2025, 12, 1))
    assert [(r["date"], r["ingot_qualified_rate"]) for r in by_day] == [
        ("2025-11-30", pytest.approx(1.0)), ("2025-12-01", 0.0)]
    # conformance over both days: 1 of 2 heats, 40 of 100 t
    t = totals(store, date(2025, 11, 30), date(2025, 12, 1))
    assert t["chemistry_conformance_rate"] == pytest.approx(0.5)
    assert t["chemistry_conformance_rate_by_weight"] == pytest.approx(0.4)


def test_the_tap_date_not_the_production_date_picks_the_edition(store: Store) -> None:
    # night shift from 22:00 the evening before: tapped 30 Nov 22:30, production date 1 Dec,
    # yet DOMAIN.md says "the edition in force on its tap date": 30 Nov, the old edition
    add_grade_20(store)
    store.add_edition("20", "GB/T 699", "2025", date(2025, 12, 1), [Limit("C", 0.12, 0.20)])
    store.set_shifts([("night", "Night", "夜班", -120), ("day", "Day", "白班", 360),
                      ("evening", "Evening", "中班", 840)])
    heat = tap(store, "H1", datetime(2025, 11, 30, 22, 30), grade="20", analysis={"C": 0.22})
    assert (heat.production_date, heat.shift) == (date(2025, 12, 1), "night")
    assert heat.chem_status is ChemStatus.CONFORMS


# --------------------------------------------------------------------------- shifts

@pytest.mark.parametrize(("at", "production_date", "shift"), [
    (datetime(2025, 3, 10, 0, 0), date(2025, 3, 10), "night"),
    (datetime(2025, 3, 10, 7, 59), date(2025, 3, 10), "night"),
    (datetime(2025, 3, 10, 8, 0), date(2025, 3, 10), "day"),
    (datetime(2025, 3, 10, 15, 59), date(2025, 3, 10), "day"),
    (datetime(2025, 3, 10, 16, 0), date(2025, 3, 10), "evening"),
    (datetime(2025, 3, 10, 23, 59), date(2025, 3, 10), "evening"),
    (datetime(2025, 3, 11, 0, 0), date(2025, 3, 11), "night"),  # midnight starts the next date
    (datetime(2025, 12, 31, 23, 59), date(2025, 12, 31), "evening"),
    (datetime(2026, 1, 1, 0, 0), date(2026, 1, 1), "night"),
])
def test_default_shift_boundaries(store: Store, at: datetime, production_date: date, shift: str) -> None:
    heat = tap(store, "H1", at)
    assert (heat.production_date, heat.shift) == (production_date, shift)
    (row,) = rows(store, ["day", "shift"], production_date)
    assert (row["date"], row["shift"], row["heats"]) == (production_date.isoformat(), shift, 1)


def test_seconds_do_not_move_a_heat_across_a_boundary(store: Store) -> None:
    # 07:59:59 is still the night shift's last minute
    heat = tap(store, "H1", datetime(2025, 3, 10, 7, 59, 59))
    assert (heat.tapped_at, heat.shift) == (datetime(2025, 3, 10, 7, 59), "night")


def test_a_day_of_heats_falls_into_its_three_shifts(store: Store) -> None:
    for i, (hh, mm) in enumerate([(0, 0), (7, 59), (8, 0), (15, 59), (16, 0), (23, 59)]):
        tap(store, f"H{i}", datetime(2025, 3, 10, hh, mm), tonnes=10 * (i + 1))
    tap(store, "H9", datetime(2025, 3, 11, 0, 0), tonnes=5)
    got = [(r["date"], r["shift"], r["heats"], r["output_t"])
           for r in rows(store, ["day", "shift"], DAY, date(2025, 3, 11))]
    # night 10 + 20, day 30 + 40, evening 50 + 60 t; then 5 t the next night
    assert got == [("2025-03-10", "night", 2, 30.0), ("2025-03-10", "day", 2, 70.0),
                   ("2025-03-10", "evening", 2, 110.0), ("2025-03-11", "night", 1, 5.0)]


CROSSING = [("night", "Night", "夜班", -120), ("day", "Day", "白班", 360),
            ("evening", "Evening", "中班", 840)]  # 22:00 (day before)–06:00–14:00–22:00


@pytest.mark.parametrize(("at", "production_date", "shift"), [
    (datetime(2025, 2, 1, 21, 59), date(2025, 2, 1), "evening"),
    (datetime(2025, 2, 1, 22, 0), date(2025, 2, 2), "night"),
    (datetime(2025, 2, 1, 22, 30), date(2025, 2, 2), "night"),
    (datetime(2025, 2, 1, 23, 59), date(2025, 2, 2), "night"),
    (datetime(2025, 2, 2, 0, 0), date(2025, 2, 2), "night"),
    (datetime(2025, 2, 2, 5, 59), date(2025, 2, 2), "night"),
    (datetime(2025, 2, 2, 6, 0), date(2025, 2, 2), "day"),
    (datetime(2025, 2, 2, 13, 59), date(2025, 2, 2), "day"),
    (datetime(2025, 2, 2, 14, 0), date(2025, 2, 2), "evening"),
    (datetime(2025, 2, 2, 22, 0), date(2025, 2, 3), "night"),
])
def test_a_schedule_crossing_midnight(store: Store, at: datetime, production_date: date,
                                      shift: str) -> None:
    store.set_shifts(CROSSING)
    heat = tap(store, "H1", at)
    assert (heat.production_date, heat.shift) == (production_date, shift)
    (row,) = rows(store, ["day", "shift"], production_date)
    assert (row["date"], row["shift"]) == (production_date.isoformat(), shift)


def test_the_crossing_night_shift_on_the_clock(store: Store) -> None:
    schedule = store.set_shifts(CROSSING)
    night = schedule[0]
    assert format_clock(night.start_min) == "22:00 (day before)"
    assert format_clock(schedule[1].start_min) == "06:00"
    assert shift_window(date(2025, 2, 2), night, schedule) == (
        datetime(2025, 2, 1, 22, 0), datetime(2025, 2, 2, 6, 0))
    assert shift_window(date(2025, 2, 2), schedule[2], schedule) == (
        datetime(2025, 2, 2, 14, 0), datetime(2025, 2, 2, 22, 0))
    assert assign(datetime(2025, 2, 1, 22, 30), schedule) == (date(2025, 2, 2), night)


def test_the_grades_a_failing_analysis_still_satisfies() -> None:
    """A Q235B heat with C 0.21 fails (max 0.20) but meets Q235A (0.22) and Q275A/B (0.24/0.21)."""
    from qcdesk.seed import GBT700_GRADES
    from qcdesk.standards import satisfied_grades

    editions = [Standard(i, grade, "GB/T 700", "2006", date(2007, 2, 1), limits)
                for i, (grade, limits) in enumerate(GBT700_GRADES.items())]
    analysis = {"C": 0.21, "Si": 0.20, "Mn": 0.50, "P": 0.030, "S": 0.030}
    assert satisfied_grades(analysis, editions) == ["Q235A", "Q275A", "Q275B"]


def test_a_heat_check_lists_the_elements_as_a_lab_report_does() -> None:
    # C, Si, Mn, P, S first, then the alloying elements in their usual order, then the rest
    # alphabetically; limited or not, with or without a value.
    q235b = Standard(1, "Q235B", "GB/T 700", "2006", date(2007, 2, 1),
                     (Limit("S", None, 0.045), Limit("P", None, 0.045), Limit("Mn", None, 1.40),
                      Limit("Si", None, 0.35), Limit("C", None, 0.20)))
    analysis = {"Zr": 0.001, "Cr": 0.05, "Ni": 0.03, "Al": 0.02, "C": 0.15, "Si": 0.20, "Mn": 0.50,
                "P": 0.020, "S": 0.020, "B": 0.0005}
    verdict = check_chemistry(q235b, analysis)
    assert [e.element for e in verdict.elements] == ["C", "Si", "Mn", "P", "S", "Cr", "Ni", "Al", "B", "Zr"]
    assert verdict.status is ChemStatus.CONFORMS
