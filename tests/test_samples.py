"""The lab's samples in the store: the heat analysis of record, product analyses that make an
ingot not qualified, re-grading, tolerance editions, signatures, and verify (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from attacker import plain_sqlite
from signed_shop import DAY, make_shop, open_as

from qcdesk.errors import Conflict, InputError, NotFound, QcError, ReasonRequired
from qcdesk.model import ChemStatus, Disposition, Limit, SampleKind, ToleranceClass
from qcdesk.rates import Standing, ingot_standing
from qcdesk.store import NewHeat, NewIngot, Store
from qcdesk.verify import verify

NOW = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}  # inside Q235B's maxima
TAP = datetime(2025, 3, 10, 9, 0)
LAB = datetime(2025, 3, 11, 10, 0)
A, S = Disposition.ACCEPTED, Disposition.SCRAP


@pytest.fixture
def shop(db_path: Path) -> Iterator[Store]:
    """Heat H1 (Q235B, 30 t, tapped 2025-03-10 09:00, analysis GOOD) with ingots 1: 700 kg,
    2: 650 kg, 3: 800 kg accepted, 4: 600 kg scrap."""
    with Store.open(db_path, "lab", clock=lambda: NOW) as s:
        s.add_heat(NewHeat("H1", "1", TAP, "Q235B", 30.0, None, "wang", analysis=GOOD))
        s.add_ingots("H1", [NewIngot(1, 700.0, A, "wang"), NewIngot(2, 650.0, A, "wang"),
                            NewIngot(3, 800.0, A, "wang"), NewIngot(4, 600.0, S, "wang")])
        yield s


class _Owner:
    """psycopg, as the server database's owner uses it, taking the statements written for sqlite3."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> Any:
        return self._conn.execute(sql.replace("?", "%s"), params)


@contextmanager
def behind_its_back(db: Path | str) -> Iterator[Any]:
    """A plain connection, committed at the end: sqlite3 on the file, or psycopg to the server
    as the database's owner (with the password the program's set-up used)."""
    if isinstance(db, Path):
        with plain_sqlite(db) as raw:
            yield raw
        return
    with psycopg.connect(db) as conn:  # committed when the block ends
        yield _Owner(conn)


def failing(store: Store) -> list[int]:
    return [i.ingot_no for i in store.ingots("H1") if i.product_fails]


# ------------------------------------------------------------------ the heat sample

def test_the_heat_analysis_is_the_heat_sample(shop: Store) -> None:
    [heat_sample] = shop.samples("H1")  # typed in with the heat: no record of its own
    assert (heat_sample.id, heat_sample.kind, heat_sample.sample_no, heat_sample.ingot_no,
            heat_sample.taken_at, heat_sample.entered_by) == (None, SampleKind.HEAT, None, None, TAP, "wang")
    assert heat_sample.values == GOOD == shop.heat("H1").analysis


def test_set_analysis_writes_the_heat_sample(shop: Store) -> None:
    shop.add_heat(NewHeat("H2", "1", TAP, "Q235B", 30.0, None, "wang"))
    assert shop.samples("H2") == []
    shop.set_analysis("H2", {"C": 0.18})
    [sample] = shop.samples("H2")
    assert (sample.kind, sample.values, sample.taken_at) == (SampleKind.HEAT, {"C": 0.18}, TAP)
    shop.set_analysis("H2", {"C": 0.19}, reason="lab re-run")
    assert [s.values for s in shop.samples("H2")] == [{"C": 0.19}]


def test_a_second_heat_sample_replaces_the_first_only_with_a_reason(shop: Store) -> None:
    replacement = {"C": 0.16, "Si": 0.21, "Mn": 0.52, "P": 0.021}  # S left out: withdrawn
    with pytest.raises(ReasonRequired, match="already has a heat analysis"):
        shop.add_sample("H1", "heat", replacement, sample_no="L-17", taken_at=TAP)
    assert shop.heat("H1").analysis == GOOD
    late = "the ladle sample of record came late"
    sample = shop.add_sample("H1", "heat", replacement, sample_no="L-17",
                             taken_at=datetime(2025, 3, 10, 9, 5), reason=late)
    assert (sample.sample_no, sample.values) == ("L-17", replacement)
    assert shop.heat("H1").analysis == replacement
    assert shop.heat("H1").chem_status is ChemStatus.NOT_CHECKED  # S is missing now
    assert len([s for s in shop.samples("H1") if s.kind is SampleKind.HEAT]) == 1
    reasons = {(e.entity, e.field, e.reason) for e in shop.audit("H1") if e.reason}
    assert ("analysis", "C", "the ladle sample of record came late") in reasons
    assert ("analysis", "S", "the ladle sample of record came late") in reasons  # withdrawn
    assert ("sample", None, "the ladle sample of record came late") in reasons  # the lab's record
    # the same values again need no reason: nothing of the analysis changes
    shop.add_sample("H1", "heat", replacement, sample_no="L-17", taken_at=datetime(2025, 3, 10, 9, 5))
    assert verify(shop).ok


@pytest.mark.parametrize("case", [
    ("product", "P1", None, LAB, InputError, "names the ingot"),
    ("preliminary", "L1", 1, TAP, InputError, "only a product sample names an ingot"),
    ("product", "P1", 9, LAB, NotFound, "has no ingot 9"),
    ("product", "P1", 1, datetime(2025, 3, 10, 8, 59), InputError, "before the tap"),
    ("heat", "L1", None, datetime(2025, 3, 10, 8, 59), InputError, "before the tap"),
    ("preliminary", "L1", None, datetime(2025, 3, 10, 6, 59), InputError, "more than 2 hours before the tap"),
    ("product", None, 1, LAB, InputError, "sample number"),
    ("alloy", "X1", None, LAB, InputError, "not a kind of sample"),
])
def test_a_bad_sample_is_refused_and_changes_nothing(
        shop: Store, case: tuple[str, str | None, int | None, datetime, type[QcError], str]) -> None:
    kind, number, ingot, taken, error, words = case
    before = list(shop.conn.iterdump())
    with pytest.raises(error, match=words):
        shop.add_sample("H1", kind, {"C": 0.15}, sample_no=number, ingot_no=ingot, taken_at=taken)
    assert list(shop.conn.iterdump()) == before


def test_a_preliminary_sample_may_be_taken_during_the_blow(shop: Store) -> None:
    sample = shop.add_sample("H1", SampleKind.PRELIMINARY, {"C": 0.35, "Mn": 0.20}, sample_no="L1",
                             taken_at=datetime(2025, 3, 10, 8, 45))
    assert sample.kind is SampleKind.PRELIMINARY
    assert shop.heat("H1").analysis == GOOD  # never judged, never the analysis
    assert shop.product_check("H1").samples == ()


def test_a_sample_number_is_unique_within_a_heat(shop: Store) -> None:
    shop.add_sample("H1", "product", {"C": 0.16}, sample_no="P1", ingot_no=1, taken_at=LAB)
    with pytest.raises(Conflict, match="already has sample P1"):
        shop.add_sample("H1", "preliminary", {"C": 0.40}, sample_no="P1", taken_at=TAP)
    shop.add_heat(NewHeat("H2", "1", TAP, "Q235B", 30.0, None, "wang"))
    shop.add_ingots("H2", [NewIngot(1, 700.0, A, "wang")])
    shop.add_sample("H2", "product", {"C": 0.16}, sample_no="P1", ingot_no=1, taken_at=LAB)  # another heat


# ------------------------------------------------------------------ product analyses and rates

def test_a_failing_product_analysis_makes_that_ingot_not_qualified(shop: Store) -> None:
    day = date(2025, 3, 10)
    assert shop.rates(day, day).total.sums.weight_qualified_kg == 2150.0  # 700 + 650 + 800
    shop.add_sample("H1", "product", {"C": 0.22}, sample_no="P1", ingot_no=1, taken_at=LAB)  # 0.20 + 0.02
    shop.add_sample("H1", "product", {"C": 0.221}, sample_no="P2", ingot_no=2, taken_at=LAB)
    shop.add_sample("H1", "product", {"C": 0.30}, sample_no="P4", ingot_no=4, taken_at=LAB)  # the scrap
    assert failing(shop) == [2, 4]
    assert shop.heat("H1").chem_status is ChemStatus.CONFORMS  # the heat's verdict stays its analysis's
    total = shop.rates(day, day).total.as_dict()
    assert total["weight_qualified_kg"] == 1500.0          # 700 + 800
    assert total["ingots_qualified"] == 2
    assert total["weight_judged_kg"] == 2750.0
    assert total["ingot_qualified_rate"] == pytest.approx(1500 / 2750)
    assert total["surface_qualified_rate"] == pytest.approx(2150 / 2750)  # ignores chemistry
    assert total["ingots_failing_product_analysis"] == 2   # ingot 2 and the scrapped 4
    assert total["weight_failing_product_analysis_kg"] == 1250.0
    heat_sums = shop.heat_sums("H1")
    assert (heat_sums.ingots_qualified, heat_sums.weight_qualified_kg) == (2, 1500.0)
    ingots = {i.ingot_no: i for i in shop.ingots("H1")}
    assert ingot_standing(ChemStatus.CONFORMS, ingots[2].disposition, ingots[2].product_fails) \
        is Standing.PRODUCT_FAILS
    assert verify(shop).ok


def test_voiding_the_sample_or_its_ingot_judges_again(shop: Store) -> None:
    grade_20 = [Limit("C", 0.17, 0.23)]
    shop.add_grade("20")
    shop.add_edition("20", "GB/T 699", "2015", date(2016, 11, 1), grade_20)
    shop.add_heat(NewHeat("H2", "1", TAP, "20", 30.0, None, "wang", analysis={"C": 0.20}))
    shop.add_ingots("H2", [NewIngot(n, 700.0, A, "wang") for n in (1, 2, 3)])
    shop.add_sample("H2", "product", {"C": 0.24}, sample_no="P1", ingot_no=1, taken_at=LAB)
    shop.add_sample("H2", "product", {"C": 0.20}, sample_no="P2", ingot_no=2, taken_at=LAB)
    assert [i.product_fails for i in shop.ingots("H2")] == [False, False, False]
    low = shop.add_sample("H2", "product", {"C": 0.16}, sample_no="P3", ingot_no=3, taken_at=LAB)
    assert [i.product_fails for i in shop.ingots("H2")] == [True, True, True]  # one side only
    shop.void_sample("H2", low.id, "drillings of another heat")
    assert [i.product_fails for i in shop.ingots("H2")] == [False, False, False]
    shop.add_sample("H2", "product", {"C": 0.16}, sample_no="P3", ingot_no=3, taken_at=LAB)
    shop.void_ingot("H2", 3, "never cast")
    assert [i.product_fails for i in shop.ingots("H2")] == [False, False]
    assert verify(shop).ok


def test_no_heat_analysis_of_record_judges_product_analyses_without_tolerance(shop: Store) -> None:
    shop.add_heat(NewHeat("H2", "1", TAP, "Q235B", 30.0, None, "wang"))
    shop.add_ingots("H2", [NewIngot(1, 700.0, A, "wang")])
    shop.add_sample("H2", "preliminary", {"C": 0.18}, sample_no="L1", taken_at=TAP)
    shop.add_sample("H2", "product", {"C": 0.21}, sample_no="P1", ingot_no=1, taken_at=LAB)
    assert [i.product_fails for i in shop.ingots("H2")] == [True]
    shop.set_analysis("H2", GOOD)  # the heat analysis arrives: 0.21 is inside 0.20 + 0.02
    assert [i.product_fails for i in shop.ingots("H2")] == [False]
    assert shop.product_check("H2").tolerances is not None


def test_tolerance_editions_are_added_never_overwritten(shop: Store) -> None:
    [seeded] = shop.tolerance_editions()
    assert (seeded.title, seeded.in_force_from) == ("GB/T 222-2006", date(2007, 2, 1))
    same, added = shop.add_tolerance_edition("GB/T 222", "2006", date(2007, 2, 1), seeded.classes)
    assert (same, added) == (seeded, False)
    with pytest.raises(Conflict, match="never overwritten"):
        shop.add_tolerance_edition("GB/T 222", "2006", date(2007, 2, 1),
                                   [ToleranceClass("C", None, 0.1, 0.1)])
    shop.add_sample("H1", "product", {"C": 0.23}, sample_no="P1", ingot_no=1, taken_at=LAB)
    assert failing(shop) == [1]
    # a made-up later edition, in force from before the tap: C widened by 0.05
    wider, added = shop.add_tolerance_edition("TEST", "1", date(2025, 3, 1),
                                              [ToleranceClass("C", None, 0.05, 0.05)])
    assert added
    assert shop.tolerances_in_force(date(2025, 3, 10)) == wider
    assert failing(shop) == []
    assert verify(shop).ok


def test_a_tolerance_table_that_does_not_fit_together_is_refused(shop: Store) -> None:
    with pytest.raises(InputError, match="two classes"):
        shop.add_tolerance_edition("T", "1", date(2026, 1, 1), [ToleranceClass("C", None, 0.1, 0.1),
                                                                ToleranceClass("C", None, 0.2, 0.2)])
    with pytest.raises(InputError, match="deviation below, above or both"):
        shop.add_tolerance_edition("T", "1", date(2026, 1, 1), [ToleranceClass("C", 0.2, None, None)])
    assert len(shop.tolerance_editions()) == 1


# ------------------------------------------------------------------ re-grading

def test_a_regrade_to_a_grade_the_heat_does_not_satisfy_is_refused(shop: Store) -> None:
    # GOOD (C 0.15 Si 0.20 Mn 0.50 P 0.020 S 0.020) satisfies every seeded grade but Q195 (C ≤ 0.12)
    assert shop.regrade_grades("H1") == ["Q215A", "Q215B", "Q235A", "Q235C", "Q235D", "Q275A", "Q275B",
                                         "Q275C", "Q275D"]
    with pytest.raises(InputError, match="does not satisfy Q195; the grades it satisfies: Q215A, Q215B"):
        shop.update_ingot("H1", 1, disposition=Disposition.REGRADED, regrade_to="Q195", reason="cracks")
    assert shop.ingots("H1")[0].disposition is A
    with pytest.raises(InputError, match="does not satisfy Q235B"):  # its own aim grade
        shop.update_ingot("H1", 1, disposition=Disposition.REGRADED, regrade_to="Q235B", reason="cracks")
    with pytest.raises(InputError, match="only a re-graded ingot"):
        shop.update_ingot("H1", 1, regrade_to="Q235A", reason="cracks")
    shop.update_ingot("H1", 1, disposition=Disposition.REGRADED, regrade_to="Q235A", reason="cracks")
    assert shop.ingots("H1")[0].regrade_to == "Q235A"
    with pytest.raises(ReasonRequired):
        shop.update_ingot("H1", 1, regrade_to="Q275A")
    shop.update_ingot("H1", 1, disposition=Disposition.SCRAP, reason="worse than thought")
    assert shop.ingots("H1")[0].regrade_to is None
    shop.add_ingots("H1", [NewIngot(5, 700.0, Disposition.REGRADED, "wang", regrade_to="Q215B")])
    with pytest.raises(InputError, match="does not satisfy Q195"):
        shop.add_ingots("H1", [NewIngot(6, 700.0, Disposition.REGRADED, "wang", regrade_to="Q195")])
    assert verify(shop).ok


# ------------------------------------------------------------------ signatures and verify

def test_signed_shifts_guard_samples_like_analyses(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", "insp-pin")
    with open_as(db_path, "wang") as s, pytest.raises(QcError, match="signed"):
        s.add_sample("D1", "product", {"C": 0.30}, sample_no="P1", ingot_no=1, taken_at=LAB)
    with open_as(db_path, "hu") as s:
        s.add_sample("D1", "product", {"C": 0.30}, sample_no="P1", ingot_no=1, taken_at=LAB,
                     reason="drillings analysed after the shift")
        assert s.shift_signoff(DAY, "day").status.value == "superseded"
        s.sign_shift(DAY, "day", "head-pin")
        assert verify(s, full=True).ok
    with behind_its_back(db_path) as raw:  # a product value made good behind the program's back
        raw.execute("UPDATE sample_value SET value_pct = 0.18 WHERE element = 'C'")
    with open_as(db_path, None) as s:
        report = verify(s)
    assert not report.ok
    assert "sample D1/P1" in (report.problem or "")
    assert "rows" in (report.problem or "")


def test_verify_names_a_product_verdict_or_sums_changed_behind_its_back(shop: Store, db_path: Path) -> None:
    shop.add_sample("H1", "product", {"C": 0.25}, sample_no="P1", ingot_no=1, taken_at=LAB)
    assert failing(shop) == [1]
    with behind_its_back(db_path) as raw:  # the heat's qualified weight made good: nothing failing
        raw.execute("UPDATE heat SET n_pa_fails_ok = 0, w_pa_fails_ok_kg = 0, n_pa_fails = 0, "
                    "w_pa_fails_kg = 0")
    report = verify(shop)
    assert not report.ok
    assert "the stored ingot sums of heat H1" in (report.problem or "")
    with behind_its_back(db_path) as raw:  # the ingot made to pass (its heat's sums follow, by trigger)
        raw.execute("UPDATE ingot SET pa_fails = 0")
    assert shop.heat_sums("H1").weight_qualified_kg == 2150.0
    report = verify(shop)
    assert not report.ok
    assert "ingot H1/1 is stored as passing its product analysis" in (report.problem or "")


def test_verify_names_failing_sums_on_a_heat_without_product_analyses(shop: Store, db_path: Path) -> None:
    with behind_its_back(db_path) as raw:  # a rival's heat made to look worse
        raw.execute("UPDATE heat SET n_pa_fails_ok = 1, w_pa_fails_ok_kg = 700.0")
    report = verify(shop)
    assert not report.ok
    assert "the stored ingot sums of heat H1" in (report.problem or "")


def test_the_sample_records_are_proven_by_the_trail(shop: Store, db_path: Path) -> None:
    sample = shop.add_sample("H1", "product", {"C": 0.16}, sample_no="P1", ingot_no=1, taken_at=LAB)
    with behind_its_back(db_path) as raw:
        raw.execute("UPDATE sample SET taken_at = '2025-03-11 11:00' WHERE id = ?", (sample.id,))
    report = verify(shop)
    assert not report.ok
    assert "taken_at is '2025-03-11 11:00', but its audit trail" in (report.problem or "")
    with behind_its_back(db_path) as raw:
        raw.execute("UPDATE sample SET taken_at = '2025-03-11 10:00' WHERE id = ?", (sample.id,))
        raw.execute("UPDATE tolerance_class SET above_pct = 0.05 WHERE element = 'C' AND seq = 1")
    report = verify(shop)
    assert not report.ok
    assert "tolerance_edition GB/T 222-2006 @2007-02-01" in (report.problem or "")


def test_the_history_tells_the_samples(shop: Store) -> None:
    shop.add_sample("H1", "product", {"C": 0.16}, sample_no="P1", ingot_no=1, taken_at=LAB)
    entry = next(e for e in shop.audit("H1") if e.entity == "sample")
    assert (entry.action, entry.entity_key, entry.heat_no) == ("insert", "H1/P1", "H1")
    assert json.loads(entry.new_value or "{}")["values"] == {"C": 0.16}
