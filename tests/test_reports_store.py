"""The store's figures for reports: plans, the defect Pareto, non-conforming heats, records."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from qcdesk.errors import InputError, NotFound, ReasonRequired
from qcdesk.migrations import LATEST
from qcdesk.model import Disposition, IngotDefect, Limit, Location
from qcdesk.store import NewHeat, NewIngot, Store, Workshop
from ui.launcher import main

DAY = date(1959, 3, 2)


def _heat(store: Store, no: str, conv: str, when: str, analysis: dict[str, float],  # noqa: PLR0917
          ingots: list[tuple[float, Disposition, tuple[IngotDefect, ...]]]) -> None:
    store.add_heat(NewHeat(no, conv, datetime.fromisoformat(when), "Q235B", 6.0, 1600, "王",
                           analysis=analysis))
    store.add_ingots(no, [NewIngot(i, w, d, "王", defects) for i, (w, d, defects) in
                          enumerate(ingots, start=1)])


GOOD = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}
HIGH_S = {**GOOD, "S": 0.06}
TOP, BOTTOM = Location.TOP, Location.BOTTOM


@pytest.fixture
def workshop(store: Store) -> Store:
    """Two days by hand: on 1959-03-01 one heat of converter 1; on 1959-03-02 two heats of
    converter 1 (one failing on S) and one of converter 2."""
    store.add_edition("Q235B", "GB/T 700", "1950", date(1950, 1, 1),
                      [Limit("C", None, 0.20), Limit("S", None, 0.045)])
    ok, scrap, cond = Disposition.ACCEPTED, Disposition.SCRAP, Disposition.CONDITIONED
    _heat(store, "A1", "1", "1959-03-01 10:00", GOOD, [(700, ok, ()),
                                                       (600, scrap, (IngotDefect("PIPE", TOP),))])
    _heat(store, "B1", "1", "1959-03-02 09:00", GOOD, [
        (700, cond, (IngotDefect("TCRK", TOP), IngotDefect("TCRK", BOTTOM))),
        (650, scrap, (IngotDefect("PIPE", TOP), IngotDefect("TCRK", None)))])
    _heat(store, "B2", "1", "1959-03-02 11:00", HIGH_S, [(800, ok, ()),
                                                         (500, ok, (IngotDefect("SCAB", BOTTOM),))])
    _heat(store, "B3", "2", "1959-03-02 13:00", GOOD, [(900, ok, ())])
    return store


def test_plans_are_set_replaced_listed_and_audited(store: Store) -> None:
    assert store.schema_version() == LATEST
    store.set_plan("1959-02", output_t=6500, ingot_rate=0.96)
    store.set_plan("1959-q1", output_t=20000, ingot_rate=None)
    store.set_plan("1959-02", output_t=7000, ingot_rate=0.96)
    assert [(p.period, p.output_t, p.ingot_rate) for p in store.plans()] == [
        ("1959-02", 7000, 0.96), ("1959-Q1", 20000, None)]
    plan = store.plan_for(date(1959, 2, 14))
    assert plan is not None
    assert plan.output_t == 7000
    assert store.plan_for("1959-03") is None
    entries = [(e.action, e.entity_key, e.field) for e in store.audit() if e.entity == "plan"]
    assert entries == [
        ("insert", "1959-02", None), ("insert", "1959-Q1", None), ("update", "1959-02", "output_t")]


def test_a_plan_is_removed_with_a_reason_and_the_audit_keeps_its_figures(store: Store) -> None:
    store.set_plan("1959-02", output_t=6500, ingot_rate=0.96)
    store.set_plan("1959-03", output_t=7000, ingot_rate=None)
    with pytest.raises(ReasonRequired):
        store.remove_plan("1959-02", "  ")
    with pytest.raises(NotFound):
        store.remove_plan("1959-04", "set by mistake")
    assert len(store.plans()) == 2  # refused: nothing removed
    store.remove_plan("1959-02", "set for the wrong month")
    assert [p.period for p in store.plans()] == ["1959-03"]
    assert store.plan_for("1959-02") is None
    last = store.audit()[-1]
    assert (last.action, last.entity, last.entity_key, last.reason) == (
        "delete", "plan", "1959-02", "set for the wrong month")
    assert json.loads(last.old_value or "") == {"output_t": 6500, "ingot_rate": 0.96}


def test_the_workshop_is_named_once_renamed_and_audited(store: Store) -> None:
    assert store.workshop() is None
    with pytest.raises(InputError, match="workshop name"):
        store.set_workshop("   ")
    with pytest.raises(InputError, match="longer than 80"):
        store.set_workshop("x" * 81)
    assert store.workshop() is None  # refused: nothing named
    store.set_workshop(" No. 2 Converter Workshop ")
    assert store.workshop() == Workshop("No. 2 Converter Workshop", "")
    entries = len(store.audit())
    store.set_workshop("No. 2 Converter Workshop")  # the same name again: nothing to record
    assert len(store.audit()) == entries
    store.set_workshop("No. 2 Converter Workshop", "第二转炉车间")
    assert store.workshop() == Workshop("No. 2 Converter Workshop", "第二转炉车间")
    last = store.audit()[-1]
    assert (last.action, last.entity, json.loads(last.old_value or "")) == (
        "update", "workshop", {"en": "No. 2 Converter Workshop", "zh": ""})


def test_workshop_command_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(db_path, "tester").close()  # a new, empty database
    assert main(["--db", str(db_path), "workshop", "show"]) == 0
    assert "No workshop name is set" in capsys.readouterr().out
    assert main(["--db", str(db_path), "workshop", "set", ""]) == 1
    assert "workshop name: must not be empty" in capsys.readouterr().err
    assert main(["--db", str(db_path), "workshop", "set", "Bessemer shop", "--zh", "转炉车间"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "workshop", "show"]) == 0
    assert capsys.readouterr().out == "Bessemer shop / 转炉车间\n"


@pytest.mark.parametrize(("period", "output", "rate"), [
    ("1959-13", 100.0, None), ("1959-Q5", 100.0, None), ("59-02", 100.0, None),
    ("1959-02", None, None), ("1959-02", -5.0, None), ("1959-02", None, 1.2), ("1959-02", None, 0.0)])
def test_bad_plans_are_refused_and_nothing_is_saved(store: Store, period: str, output: float | None,
                                                     rate: float | None) -> None:
    with pytest.raises(InputError):
        store.set_plan(period, output_t=output, ingot_rate=rate)
    assert store.plans() == []


def test_plan_command_line(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db_path), "demo"]) == 0
    assert main(["--db", str(db_path), "plan", "set", "1959-02", "--output", "6500", "--rate", "96"]) == 0
    assert main(["--db", str(db_path), "plan", "set", "1959-02", "--rate", "101"]) == 1
    assert "out of range" in capsys.readouterr().err
    assert main(["--db", str(db_path), "plan", "list"]) == 0
    listing = capsys.readouterr().out
    assert "1959-02" in listing
    assert "6,500.0" in listing
    assert "96.0%" in listing
    assert main(["--db", str(db_path), "plan", "remove", "1959-02"]) == 2  # --reason is required
    assert "--reason" in capsys.readouterr().err
    assert main(["--db", str(db_path), "plan", "remove", "1959-02", "--reason", "withdrawn"]) == 0
    assert capsys.readouterr().out == "Plan 1959-02 removed.\n"
    assert main(["--db", str(db_path), "plan", "remove", "1959-02", "--reason", "again"]) == 1
    assert "no plan is set for 1959-02" in capsys.readouterr().err
    assert main(["--db", str(db_path), "plan", "list"]) == 0
    assert "No plan is set." in capsys.readouterr().out


def test_defect_pareto_counts_each_ingot_once_per_defect(workshop: Store) -> None:
    pareto = workshop.defect_pareto(DAY, DAY)
    # TCRK on B1/1 (twice, counted once) and B1/2; PIPE on B1/2; SCAB on B2/2
    assert [(d.code, d.ingots, d.weight_kg) for d in pareto] == [
        ("TCRK", 2, 1350.0), ("PIPE", 1, 650.0), ("SCAB", 1, 500.0)]
    assert pareto[0].name_zh == "横裂"
    assert workshop.defect_pareto(date(1959, 3, 3), date(1959, 3, 3)) == []


def test_nonconforming_heats_name_their_failing_elements(workshop: Store) -> None:
    found = workshop.nonconforming_heats(DAY, DAY)
    assert [(h.heat_no, [e.element for e in c.failing]) for h, c in found] == [("B2", ["S"])]


def test_records_look_only_before_the_day(workshop: Store) -> None:
    assert workshop.most_heats_in_a_day(date(1959, 3, 1)) is None
    assert workshop.most_heats_in_a_day(DAY, "1") == (1, date(1959, 3, 1))
    assert workshop.most_heats_in_a_day(date(1959, 3, 3), "1") == (2, DAY)
    assert workshop.most_heats_in_a_day(date(1959, 3, 3)) == (3, DAY)
    assert workshop.most_heats_in_a_day(date(1959, 3, 3), "2") == (1, DAY)
    assert workshop.most_heats_per_converter(date(1959, 3, 3)) == {"1": (2, DAY), "2": (1, DAY)}
    assert workshop.most_heats_per_converter(DAY) == {"1": (1, date(1959, 3, 1))}
    # 1959-03-01: 700 of 1300 kg qualified; 1959-03-02: B1 700 of 1350, B2 fails (0 of 1300),
    # B3 900 of 900 → 1600 of 3550
    best = workshop.best_daily_rate(date(1959, 3, 3))
    assert best is not None
    assert best[1] == date(1959, 3, 1)
    assert best[0] == pytest.approx(700 / 1300)
    assert workshop.best_daily_rate(date(1959, 3, 1)) is None


@pytest.mark.sqlite_only  # SQLite's query planner: the statements traced, EXPLAIN QUERY PLAN
def test_the_records_walk_the_index_of_heats_not_voided(workshop: Store) -> None:
    """Every earlier day is read for the records: from the partial index, never the heat table."""
    said: list[str] = []
    workshop.conn.set_trace_callback(said.append)  # statements with their values expanded
    try:
        workshop.most_heats_in_a_day(date(1959, 3, 3))
        workshop.most_heats_in_a_day(date(1959, 3, 3), "1")
        workshop.most_heats_per_converter(date(1959, 3, 3))
        workshop.best_daily_rate(date(1959, 3, 3))
    finally:
        workshop.conn.set_trace_callback(None)
    statements = [sql for sql in said if "FROM heat" in sql]
    assert len(statements) == 4
    for sql in statements:
        plan = " | ".join(r[3] for r in workshop.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX heat_live_by_day" in plan, (sql, plan)
        assert "SCAN heat" not in plan, (sql, plan)
        assert "SCAN h " not in plan + " ", (sql, plan)


def test_heat_sums_and_heat_numbers(workshop: Store) -> None:
    sums = workshop.heat_sums("B1")
    # B1 conforms: 700 kg conditioned (qualified), 650 kg scrap
    assert (sums.ingots, sums.ingots_judged, sums.ingots_qualified) == (2, 2, 1)
    assert (sums.weight_judged_kg, sums.weight_qualified_kg) == (1350, 700)
    assert workshop.heat_sums("B2").ingots_qualified == 0  # fails on S
    assert workshop.heat_nos_starting("b") == ["B3", "B2", "B1"]
    assert workshop.heat_nos_starting("%") == []
    assert workshop.heat_nos_starting("", limit=1) == ["B3"]


def test_a_target_rate_typed_as_a_fraction_is_refused_and_nothing_is_set(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(db_path, "tester").close()
    assert main(["--db", str(db_path), "plan", "set", "1959-Q1", "--output", "16000", "--rate", "0.96"]) == 1
    assert "per cent" in capsys.readouterr().err
    with Store.open(db_path, "tester") as store:
        assert store.plans() == []
