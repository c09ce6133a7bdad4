"""Rates where mutation testing found them loose (docs/mutation.md): the history browser's
rate of a failing heat and its place in the rate sort, counts kept as whole numbers in the
rates and their JSON, the group keys as a person types them, each ingot's standing.

One production day, five heats worked by hand (Q235B: C ≤ 0.20 among others):

  heat  tapped   t   chemistry            ingots (kg, disposition)
  H1    08:10   30   conforms             600 accepted, 400 scrap
  H2    09:10   31   fails (C 0.25)       650 accepted, 650 conditioned
  H3    10:10   32   not checked (no S)   650 accepted
  H4    11:10   33   fails (C 0.25)       650 pending
  H5    12:10   34   conforms             700 accepted, 650 conditioned
"""

from __future__ import annotations

import io
import json
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from qcdesk.cli import main
from qcdesk.errors import InputError
from qcdesk.model import ChemStatus, Disposition
from qcdesk.rate_sql import sums_of
from qcdesk.rates import (
    FORMULAS,
    RateRow,
    Rates,
    RateSums,
    Standing,
    format_rate,
    ingot_standing,
    parse_group_keys,
)
from qcdesk.store import HeatFilter, NewHeat, NewIngot, Store

A, C, R, S, P = (Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.REGRADED,
                 Disposition.SCRAP, Disposition.PENDING)
DAY = date(2025, 3, 10)
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
HIGH_CARBON = {**GOOD, "C": 0.25}
NO_SULPHUR = {k: v for k, v in GOOD.items() if k != "S"}


@pytest.fixture
def day(db_path: Path) -> Path:
    with Store.open(db_path, "tester") as store:
        for no, hour, tonnes, analysis, ingots in [
                ("H1", 8, 30.0, GOOD, [(600.0, A), (400.0, S)]),
                ("H2", 9, 31.0, HIGH_CARBON, [(650.0, A), (650.0, C)]),
                ("H3", 10, 32.0, NO_SULPHUR, [(650.0, A)]),
                ("H4", 11, 33.0, HIGH_CARBON, [(650.0, P)]),
                ("H5", 12, 34.0, GOOD, [(700.0, A), (650.0, C)])]:
            store.add_heat(NewHeat(no, "1", datetime(2025, 3, 10, hour, 10), "Q235B", tonnes, 1600.0,
                                   "Wang", analysis=analysis))
            store.add_ingots(no, [NewIngot(n, kg, disp, "Li") for n, (kg, disp) in enumerate(ingots, 1)])
    return db_path


# ------------------------------------------------------------------ the history browser


def test_the_history_browser_shows_a_failing_heat_at_0_percent(day: Path) -> None:
    with Store.open(day, "tester") as store:
        rows = {r.heat_no: r for r in store.heat_page(HeatFilter(), "heat_no", descending=False).rows}
    failing = rows["H2"]
    assert failing.chem_status is ChemStatus.FAILS
    assert (failing.ingots, failing.ingots_judged) == (2, 2)
    # accepted and conditioned, but the heat fails: 0 kg qualified of 1300 kg judged
    assert failing.ingot_qualified_rate == 0.0
    assert failing.ingot_qualified_rate_by_count == 0.0
    assert format_rate(failing.ingot_qualified_rate) == "0.0%"
    # H1: 600 of 1000 kg (1 of 2 ingots); H5: all of 1350 kg
    assert rows["H1"].ingot_qualified_rate == pytest.approx(0.6)
    assert rows["H1"].ingot_qualified_rate_by_count == 0.5
    assert rows["H5"].ingot_qualified_rate == 1.0
    # not checked: awaiting chemistry, no rate; failing but nothing judged: no rate
    assert format_rate(rows["H3"].ingot_qualified_rate) == "—"
    assert rows["H3"].ingot_qualified_rate_by_count is None
    awaiting = rows["H3"].sums
    assert (awaiting.ingots_awaiting_chemistry, awaiting.weight_awaiting_chemistry_kg) == (1, 650.0)
    assert rows["H4"].ingot_qualified_rate is None
    assert (rows["H4"].ingots, rows["H4"].ingots_judged, rows["H4"].sums.ingots_pending) == (1, 0, 1)


def test_a_failing_heat_sorts_between_the_undefined_rates_and_the_qualified_ones(day: Path) -> None:
    with Store.open(day, "tester") as store:
        # H6 (13:10): 700 of 1400 kg, 50 %, heavier than H1; H7 (14:10): one sample ingot of 1 kg,
        # 100 %; H8 (15:10): fails, its one ingot scrapped: 0 %, not undefined
        for no, hour, analysis, ingots in [("H6", 13, GOOD, [(700.0, A), (700.0, S)]),
                                           ("H7", 14, GOOD, [(1.0, A)]),
                                           ("H8", 15, HIGH_CARBON, [(650.0, S)])]:
            store.add_heat(NewHeat(no, "1", datetime(2025, 3, 10, hour, 10), "Q235B", 30.0, 1600.0, "Wang",
                                   analysis=analysis))
            store.add_ingots(no, [NewIngot(n, kg, disp, "Li") for n, (kg, disp) in enumerate(ingots, 1)])
        up = [r.heat_no for r in store.heat_page(HeatFilter(), "ingot_qualified_rate", descending=False).rows]
        down = [r.heat_no for r in store.heat_page(HeatFilter(), "ingot_qualified_rate").rows]
    # undefined first (H3, H4 by tap time), then 0 % (H2, H8), 50 % (H6), 60 % (H1), 100 % (H5, H7)
    assert up == ["H3", "H4", "H2", "H8", "H6", "H1", "H5", "H7"]
    assert down == ["H7", "H5", "H1", "H6", "H8", "H2", "H4", "H3"]


def test_a_heats_own_sums_are_whole_counts_and_its_rates(day: Path) -> None:
    with Store.open(day, "tester") as store:
        row = store.heat_rates("H1")
        sums = store.heat_sums("H2")
    assert row.keys == {"heat": "H1"}
    assert (row.sums.ingots, row.sums.ingots_judged, row.sums.ingots_qualified) == (2, 2, 1)
    assert all(type(getattr(row.sums, f)) is int
               for f in ("heats", "ingots", "ingots_judged", "ingots_qualified", "ingots_surface_ok"))
    assert row.rates.ingot_qualified_rate == pytest.approx(0.6)
    with Store.open(day, "tester") as store:
        store.add_ingots("H1", [NewIngot(3, 650.5, A, "Li")])
        row = store.heat_rates("H1")
    assert (row.sums.weight_judged_kg, row.sums.weight_qualified_kg) == (1650.5, 1250.5)
    assert row.sums.ingots_qualified == 2
    assert (sums.heats_checked, sums.heats_conforming, sums.ingots_qualified) == (1, 0, 0)
    assert sums.ingots_surface_ok == 2
    assert type(sums.ingots_surface_ok) is int


# ------------------------------------------------------------------ the rates and their JSON


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def rates_json(db: Path, *by: str) -> dict[str, Any]:
    code, out, err = run("--db", str(db), "rates", "--from", "2025-03-10", "--to", "2025-03-10",
                         *(("--by", ",".join(by)) if by else ()), "--json")
    assert (code, err) == (0, "")
    report: dict[str, Any] = json.loads(out)
    assert '"heats": 5,' in out  # a whole number, not 5.0
    assert '"ingots_qualified": 3,' in out
    return report


COUNTS = {  # worked by hand from the table at the top
    "heats": 5, "heats_checked": 4, "heats_conforming": 2, "ingots": 8, "ingots_pending": 1,
    "ingots_surface_judged": 7, "ingots_surface_ok": 6, "ingots_judged": 6, "ingots_qualified": 3,
    "ingots_awaiting_chemistry": 1,
}
WEIGHTS = {
    "output_t": 160.0, "output_checked_t": 128.0, "output_conforming_t": 64.0,
    "weight_surface_judged_kg": 4300.0, "weight_surface_ok_kg": 3900.0,
    "weight_judged_kg": 3650.0, "weight_qualified_kg": 1950.0, "weight_awaiting_chemistry_kg": 650.0,
}


def test_counts_are_whole_numbers_in_the_rates_json(day: Path) -> None:
    report = rates_json(day)
    assert (report["from"], report["to"], report["by"], report["basis"]) == ("2025-03-10", "2025-03-10",
                                                                             [], "weight")
    total = report["total"]
    for key, count in COUNTS.items():
        assert total[key] == count, key
        assert type(total[key]) is int, key
    for key, weight in WEIGHTS.items():
        assert total[key] == weight, key
        assert type(total[key]) is float, key
    assert total["ingot_qualified_rate"] == pytest.approx(1950 / 3650)
    assert total["ingot_qualified_rate_by_count"] == 0.5
    assert total["surface_qualified_rate"] == pytest.approx(3900 / 4300)
    assert total["surface_qualified_rate_by_count"] == pytest.approx(6 / 7)
    assert total["chemistry_conformance_rate"] == 0.5
    assert total["chemistry_conformance_rate_by_weight"] == 0.5


def test_counts_are_whole_numbers_in_every_group(day: Path) -> None:
    report = rates_json(day, "converter", "shift")
    assert [(r["converter"], r["shift"]) for r in report["rows"]] == [("1", "day")]
    row = report["rows"][0]
    for key, count in COUNTS.items():
        assert row[key] == count, key
        assert type(row[key]) is int, key
    with Store.open(day, "tester") as store:
        for keys, sums in store.rate_sums(DAY, DAY, ("month",)):
            assert keys == {"month": "2025-03"}
            assert sums.ingots_qualified == 3
            assert type(sums.ingots_qualified) is int


def test_weights_lose_their_floating_point_dust_in_json() -> None:
    # 0.1 + 0.2 kg is 0.30000000000000004 as a float: the JSON shows 0.3.
    row = RateRow.of({}, RateSums(ingots=2, weight_judged_kg=0.1 + 0.2, weight_qualified_kg=0.1))
    shown = row.as_dict()
    assert shown["weight_judged_kg"] == 0.3
    assert shown["ingots"] == 2
    assert type(shown["ingots"]) is int
    assert shown["ingot_qualified_rate"] == pytest.approx(1 / 3)
    # nine decimal places are kept, the float's dust below them is not
    kept = RateRow.of({}, RateSums(output_t=30.000000001, weight_judged_kg=650.0000000001)).as_dict()
    assert (kept["output_t"], kept["weight_judged_kg"]) == (30.000000001, 650.0)


# ------------------------------------------------------------------ group keys as typed


def test_group_keys_as_typed_on_the_command_line() -> None:
    assert parse_group_keys("converter,shift") == ("converter", "shift")
    assert parse_group_keys(" day , grade ") == ("day", "grade")
    assert parse_group_keys("") == ()
    assert parse_group_keys(None) == ()


def test_an_unknown_or_repeated_group_key_is_refused_with_what_to_type() -> None:
    with pytest.raises(InputError) as refused:
        parse_group_keys("converter,week")
    assert refused.value.field == "--by"
    assert str(refused.value) == ("--by: unknown grouping 'week'; use day, month, year, shift, "
                                  "converter, grade")
    with pytest.raises(InputError) as refused:
        parse_group_keys("shift,shift")
    assert str(refused.value) == "--by: a grouping is named twice"


# ------------------------------------------------------------------ one ingot's standing


@pytest.mark.parametrize(("status", "disposition", "standing"), [
    (ChemStatus.CONFORMS, A, Standing.QUALIFIED),
    (ChemStatus.CONFORMS, C, Standing.QUALIFIED),
    (ChemStatus.CONFORMS, R, Standing.NOT_QUALIFIED),
    (ChemStatus.CONFORMS, S, Standing.NOT_QUALIFIED),
    (ChemStatus.CONFORMS, P, Standing.PENDING),
    (ChemStatus.FAILS, A, Standing.HEAT_FAILS),
    (ChemStatus.FAILS, C, Standing.HEAT_FAILS),
    (ChemStatus.FAILS, S, Standing.NOT_QUALIFIED),
    (ChemStatus.FAILS, P, Standing.PENDING),
    (ChemStatus.NOT_CHECKED, A, Standing.AWAITING_CHEMISTRY),
    (ChemStatus.NOT_CHECKED, R, Standing.AWAITING_CHEMISTRY),
    (ChemStatus.NOT_CHECKED, P, Standing.PENDING),
])
def test_each_ingots_standing_in_the_ingot_qualified_rate(status: ChemStatus, disposition: Disposition,
                                                          standing: Standing) -> None:
    # DOMAIN.md: pending is in no rate; a judged ingot of a heat not yet checked awaits
    # chemistry; otherwise qualified = accepted or conditioned, and the heat conforms.
    assert ingot_standing(status, disposition) is standing


def test_each_group_key_names_its_column(day: Path) -> None:
    assert parse_group_keys("month,year") == ("month", "year")
    with Store.open(day, "tester") as store:
        for key, field, value in [("day", "date", "2025-03-10"), ("month", "month", "2025-03"),
                                  ("year", "year", "2025"), ("shift", "shift", "day"),
                                  ("converter", "converter", "1"), ("grade", "grade", "Q235B")]:
            (row,) = store.rates(DAY, DAY, (key,)).as_dict()["rows"]
            assert row[field] == value, key
            assert row["heats"] == 5


def test_every_rate_has_its_formula_to_show_beside_it() -> None:
    # DOMAIN.md: every rate is shown with its formula beside it, on both bases.
    assert set(FORMULAS) == {f.name for f in fields(Rates)}
    assert FORMULAS["ingot_qualified_rate"] == ("weight of qualified ingots ÷ weight of judged ingots "
                                                "of checked heats")


def test_an_ingots_standing_keeps_its_name_for_callers() -> None:
    assert [s.value for s in Standing] == ["pending", "qualified", "not_qualified", "heat_fails", "awaiting",
                                           "product_fails"]


def test_sums_read_back_in_the_wrong_shape_are_refused() -> None:
    # One value per sum of RateSums, no more and no fewer: a column lost or added in the SQL
    # must fail loudly, not shift the sums after it into the wrong fields.
    n = len(fields(RateSums))
    assert sums_of([1] * n) == RateSums(*([1] * n))
    for wrong in (n - 1, n + 1):
        with pytest.raises(ValueError, match="zip"):
            sums_of([1] * wrong)
