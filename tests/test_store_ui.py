"""The store's reads for the desktop's shift and heat views, checked by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from qcdesk.model import ChemStatus, Disposition
from qcdesk.rates import Standing, ingot_standing
from qcdesk.store import NewHeat, NewIngot, Store

A, C, R, S, P = (Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.REGRADED,
                 Disposition.SCRAP, Disposition.PENDING)


def _heat(store: Store, heat_no: str, analysis: dict[str, float]) -> None:
    store.add_heat(NewHeat(heat_no, "1", datetime(2024, 3, 1, 9, 30), "Q235B", 30.0, 1600.0, "tester",
                           analysis=analysis))


GOOD = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}


def test_heat_rates_sum_one_heat_by_hand(store: Store) -> None:
    _heat(store, "1-0001", GOOD)
    _heat(store, "1-0002", GOOD)  # another heat, left out
    store.add_ingots("1-0001", [NewIngot(1, 1000, A, "t"), NewIngot(2, 2000, C, "t"),
                                NewIngot(3, 500, S, "t"), NewIngot(4, 700, P, "t")])
    store.add_ingots("1-0002", [NewIngot(1, 9000, S, "t")])
    row = store.heat_rates("1-0001")
    assert row.keys == {"heat": "1-0001"}
    assert row.sums.ingots == 4
    assert row.sums.ingots_pending == 1
    assert row.rates.ingot_qualified_rate == pytest.approx(3000 / 3500)
    assert row.rates.ingot_qualified_rate_by_count == pytest.approx(2 / 3)


def test_heat_rates_of_a_failing_heat_count_nothing_qualified(store: Store) -> None:
    _heat(store, "1-0001", {**GOOD, "C": 0.30})
    store.add_ingots("1-0001", [NewIngot(1, 1000, A, "t")])
    row = store.heat_rates("1-0001")
    assert row.rates.ingot_qualified_rate == 0.0
    assert row.rates.surface_qualified_rate == 1.0


def test_heat_rates_without_judged_ingots_are_undefined(store: Store) -> None:
    _heat(store, "1-0001", {})
    assert store.heat_rates("1-0001").rates.ingot_qualified_rate is None


def test_editions_in_force_one_per_grade(store: Store) -> None:
    found = store.editions_in_force(date(2024, 1, 1))
    grades = [s.grade for s in found]
    assert len(grades) == len(set(grades))
    assert "Q235B" in grades


@pytest.mark.parametrize(("status", "disposition", "standing"), [
    (ChemStatus.CONFORMS, A, Standing.QUALIFIED),
    (ChemStatus.CONFORMS, C, Standing.QUALIFIED),
    (ChemStatus.CONFORMS, R, Standing.NOT_QUALIFIED),
    (ChemStatus.CONFORMS, S, Standing.NOT_QUALIFIED),
    (ChemStatus.FAILS, A, Standing.HEAT_FAILS),
    (ChemStatus.FAILS, S, Standing.NOT_QUALIFIED),
    (ChemStatus.NOT_CHECKED, A, Standing.AWAITING_CHEMISTRY),
    (ChemStatus.CONFORMS, P, Standing.PENDING),
    (ChemStatus.FAILS, P, Standing.PENDING),
])
def test_ingot_standing_follows_domain_definitions(status: ChemStatus, disposition: Disposition,
                                                   standing: Standing) -> None:
    assert ingot_standing(status, disposition) is standing
