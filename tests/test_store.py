"""The store: corrections need reasons, every change is audited, bad values change nothing."""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from qcdesk.errors import Conflict, DatabaseError, InputError, NotFound, QcError, ReasonRequired
from qcdesk.model import ChemStatus, Disposition, IngotDefect, Limit, Location
from qcdesk.rates import parse_group_keys
from qcdesk.store import AuditEntry, NewHeat, NewIngot, Store, current_user, resolve_db_path

A, S, P = Disposition.ACCEPTED, Disposition.SCRAP, Disposition.PENDING
GOOD_Q235B = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


def new_heat(heat_no: str = "H2", **changes: object) -> NewHeat:
    fields: dict[str, object] = {
        "heat_no": heat_no, "converter": "1", "tapped_at": datetime(2025, 3, 10, 9, 0),
        "grade": "Q235B", "tap_weight_t": 30.0, "tap_temp_c": 1620.0, "inspector": "Wang",
        "analysis": GOOD_Q235B}
    fields.update(changes)
    return NewHeat(**fields)  # type: ignore[arg-type]


def ingot(n: int, kg: float = 700.0, disposition: Disposition = A, **changes: object) -> NewIngot:
    return NewIngot(**{"ingot_no": n, "weight_kg": kg, "disposition": disposition,  # type: ignore[arg-type]
                       "inspector": "Li", **changes})


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


@pytest.fixture
def shop(db_path: Path) -> Iterator[Store]:
    """Heat H1 (conforming Q235B, 30 t) with ingots 1: 700 kg accepted, 2: 650 kg scrap, 3: 800 kg pending."""
    with Store.open(db_path, "tester", clock=lambda: NOW) as s:
        s.add_heat(new_heat("H1"))
        s.add_ingots("H1", [ingot(1, 700, A), ingot(2, 650, S), ingot(3, 800, P)])
        yield s


def ingot_state(store: Store) -> list[tuple[int, float, str]]:
    return [(i.ingot_no, i.weight_kg, i.disposition.value) for i in store.ingots("H1")]


# ------------------------------------------------------------------- reasons

CORRECTIONS_WITHOUT_REASON: dict[str, Callable[[Store], object]] = {
    "judged disposition": lambda s: s.update_ingot("H1", 1, disposition=S),
    "judged weight": lambda s: s.update_ingot("H1", 1, weight_kg=710.0),
    "judged back to pending": lambda s: s.update_ingot("H1", 2, disposition=P),
    "blank reason": lambda s: s.update_ingot("H1", 2, disposition=A, reason="   "),
    "empty reason": lambda s: s.update_ingot("H1", 2, weight_kg=600.0, reason=""),
    "analysis value changed": lambda s: s.set_analysis("H1", {"C": 0.18}),
    "analysis value removed": lambda s: s.set_analysis("H1", {"C": None}),
    "new and changed together": lambda s: s.set_analysis("H1", {"Cr": 0.10, "Mn": 0.60}),
    "judged ingot voided": lambda s: s.void_ingot("H1", 2, reason=""),
    "judged ingot voided, blank": lambda s: s.void_ingot("H1", 1, reason=" \t"),
    "pending ingot voided": lambda s: s.void_ingot("H1", 3, reason=""),
    "heat with analysis voided": lambda s: s.void_heat("H1", ""),
}


@pytest.mark.parametrize("attempt", CORRECTIONS_WITHOUT_REASON.values(), ids=CORRECTIONS_WITHOUT_REASON)
def test_a_correction_without_a_reason_is_refused_and_changes_nothing(
        shop: Store, attempt: Callable[[Store], object]) -> None:
    counts, rows, ingots = shop.counts(), dump(shop), ingot_state(shop)
    analysis = shop.heat("H1").analysis
    with pytest.raises(ReasonRequired):
        attempt(shop)
    assert shop.counts() == counts
    assert ingot_state(shop) == ingots == [(1, 700.0, "accepted"), (2, 650.0, "scrap"), (3, 800.0, "pending")]
    assert shop.heat("H1").analysis == analysis == GOOD_Q235B
    assert dump(shop) == rows


def test_the_same_corrections_with_a_reason_go_through(shop: Store) -> None:
    shop.update_ingot("H1", 1, disposition=S, reason="crack found after stripping")
    shop.update_ingot("H1", 2, weight_kg=600.0, reason="reweighed")
    shop.set_analysis("H1", {"C": 0.18, "S": None}, reason="lab re-run")
    shop.void_ingot("H1", 2, reason="logged twice")
    assert ingot_state(shop) == [(1, 700.0, "scrap"), (3, 800.0, "pending")]
    assert shop.heat("H1").analysis == {**{k: v for k, v in GOOD_Q235B.items() if k != "S"}, "C": 0.18}
    assert shop.heat("H1").chem_status is ChemStatus.NOT_CHECKED  # S withdrawn
    counts = shop.counts()
    shop.void_heat("H1", "wrong converter log")
    assert shop.heats(date(2025, 3, 10), date(2025, 3, 10)) == []
    # voided, not deleted: every row is still there
    log = ("audit", "audit_block")
    assert {k: v for k, v in shop.counts().items() if k not in log} == {
        k: v for k, v in counts.items() if k not in log}
    assert (counts["heat"], counts["ingot"], counts["heat_analysis"]) == (1, 3, 5)


def test_pending_ingots_and_first_values_need_no_reason(shop: Store) -> None:
    shop.update_ingot("H1", 3, weight_kg=810.0)          # still pending: a plain edit
    shop.update_ingot("H1", 3, disposition=A)            # judging it is not a correction
    shop.add_ingots("H1", [ingot(4, 500, P)])
    shop.void_ingot("H1", 4, reason="no such ingot")     # voiding always says why
    shop.set_analysis("H1", {"Cr": 0.05})                # a first value for Cr
    shop.set_analysis("H1", {"C": 0.15})                 # the same value again: no change
    assert ingot_state(shop) == [(1, 700.0, "accepted"), (2, 650.0, "scrap"), (3, 810.0, "accepted")]
    assert shop.heat("H1").analysis == {**GOOD_Q235B, "Cr": 0.05}


def test_a_heat_without_analysis_or_judged_ingots_is_voided_with_a_reason_too(shop: Store) -> None:
    shop.add_heat(new_heat("H2", analysis={}))
    shop.add_ingots("H2", [ingot(1, 700, P)])
    with pytest.raises(ReasonRequired):
        shop.void_heat("H2", "")
    shop.void_heat("H2", "logged on the wrong converter")
    assert [h.heat_no for h in shop.heats(date(2025, 3, 10), date(2025, 3, 10))] == ["H1"]
    assert shop.counts()["heat"] == 2


def test_a_heat_with_judged_ingots_but_no_analysis_needs_a_reason(shop: Store) -> None:
    shop.add_heat(new_heat("H2", analysis={}))
    shop.add_ingots("H2", [ingot(1, 700, S)])
    rows = dump(shop)
    with pytest.raises(ReasonRequired):
        shop.void_heat("H2", "  ")
    assert dump(shop) == rows


# --------------------------------------------------------------------- audit

def last(store: Store, n: int = 1) -> list[AuditEntry]:
    return store.audit()[-n:]


def test_every_change_is_audited_with_user_time_old_new_and_reason(shop: Store) -> None:
    def check(entry: AuditEntry, *expected: str | None) -> None:
        """expected: action, entity, key, field, old value, new value, reason."""
        assert entry.user == "tester"
        assert datetime.fromisoformat(entry.at) == NOW
        assert entry.heat_no == "H1"
        assert (entry.action, entry.entity, entry.entity_key, entry.field,
                entry.old_value, entry.new_value, entry.reason) == expected

    # the heat and its ingots as logged by the fixture
    heat, *ingots = shop.audit("H1")
    assert (heat.action, heat.entity, heat.entity_key, heat.user) == ("insert", "heat", "H1", "tester")
    logged = json.loads(heat.new_value or "")
    assert (logged["converter"], logged["grade"], logged["tapped_at"], logged["tap_weight_t"]) == (
        "1", "Q235B", "2025-03-10 09:00", 30.0)
    assert logged["analysis"] == {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}
    assert [(e.action, e.entity_key) for e in ingots] == [
        ("insert", "H1/1"), ("insert", "H1/2"), ("insert", "H1/3")]
    assert json.loads(ingots[1].new_value or "")["weight_kg"] == 650.0
    assert json.loads(ingots[1].new_value or "")["disposition"] == "scrap"

    shop.update_ingot("H1", 1, disposition=S, reason="  crack found  ")
    check(last(shop)[0], "update", "ingot", "H1/1", "disposition", "accepted", "scrap", "crack found")
    shop.update_ingot("H1", 1, weight_kg=710.5, reason="reweighed")
    check(last(shop)[0], "update", "ingot", "H1/1", "weight_kg", "700", "710.5", "reweighed")
    shop.set_analysis("H1", {"C": 0.18}, reason="lab re-run")
    check(last(shop)[0], "update", "analysis", "H1/C", "C", "0.15", "0.18", "lab re-run")
    shop.set_analysis("H1", {"Cr": 0.1})
    check(last(shop)[0], "insert", "analysis", "H1/Cr", "Cr", None, "0.1", None)
    shop.set_analysis("H1", {"C": None}, reason="sample mixed up")
    check(last(shop)[0], "delete", "analysis", "H1/C", "C", "0.18", None, "sample mixed up")

    shop.void_ingot("H1", 2, reason="logged twice")
    voided = last(shop)[0]
    assert (voided.action, voided.entity_key, voided.field, voided.new_value, voided.reason) == (
        "update", "H1/2", "voided", "True", "logged twice")
    assert json.loads(voided.old_value or "")["weight_kg"] == 650.0

    before = len(shop.audit())
    shop.void_heat("H1", "wrong converter log")
    gone = shop.audit()[before:]
    # one entry: the heat's whole record with the ingots still live in it, and the reason
    assert [(e.action, e.entity, e.entity_key, e.field) for e in gone] == [
        ("update", "heat", "H1", "voided")]
    assert gone[0].reason == "wrong converter log"
    record = json.loads(gone[0].old_value or "")
    assert record["tap_weight_t"] == 30.0
    assert sorted(record["ingots"]) == ["1", "3"]
    # the log outlives the heat
    # heat 1 + ingots 3 + ingot corrections 2 + analysis 3 + ingot voided 1 + heat voided 1
    assert len(shop.audit("H1")) == 11


def test_reference_data_changes_are_audited_too(shop: Store) -> None:
    before = len(shop.audit())
    shop.add_grade("20")
    shop.add_edition("20", "GB/T 699", "2015", date(2020, 1, 1), [Limit("C", 0.17, 0.23)])
    shop.add_converter("4", "Converter 4", 30.0)
    shop.set_shifts([("night", "Night", "夜班", -120), ("day", "Day", "白班", 360),
                     ("evening", "Evening", "中班", 840)])
    added = shop.audit()[before:]
    assert [(e.action, e.entity, e.entity_key) for e in added] == [
        ("insert", "grade", "20"), ("insert", "standard", "20@2020-01-01"),
        ("insert", "converter", "4"), ("update", "shift_schedule", "schedule"),
        ("update", "shift", "day"), ("update", "shift", "evening"), ("update", "shift", "night")]
    assert {e.user for e in added} == {"tester"}


def test_the_audit_log_refuses_update_and_delete(shop: Store) -> None:
    entries = shop.audit()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        shop.conn.execute("UPDATE audit SET reason = 'nothing happened'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        shop.conn.execute("DELETE FROM audit WHERE tbl = 'ingot'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        shop.conn.execute("DELETE FROM audit")
    assert shop.audit() == entries


# ----------------------------------------------------------------- bad values

BAD: dict[str, tuple[type[QcError], Callable[[Store], object]]] = {
    "negative tapped weight": (InputError, lambda s: s.add_heat(new_heat(tap_weight_t=-1.0))),
    "0 t": (InputError, lambda s: s.add_heat(new_heat(tap_weight_t=0.0))),
    "400.01 t": (InputError, lambda s: s.add_heat(new_heat(tap_weight_t=400.01))),
    "nan t": (InputError, lambda s: s.add_heat(new_heat(tap_weight_t=math.nan))),
    "999 °C": (InputError, lambda s: s.add_heat(new_heat(tap_temp_c=999.0))),
    "1901 °C": (InputError, lambda s: s.add_heat(new_heat(tap_temp_c=1901.0))),
    "unknown converter": (NotFound, lambda s: s.add_heat(new_heat(converter="9"))),
    "unknown grade": (NotFound, lambda s: s.add_heat(new_heat(grade="Q999"))),
    "C 100.5 %": (InputError, lambda s: s.add_heat(new_heat(analysis={"C": 100.5}))),
    "C -0.01 %": (InputError, lambda s: s.add_heat(new_heat(analysis={"C": -0.01}))),
    "element Xx": (InputError, lambda s: s.add_heat(new_heat(analysis={"Xx": 0.1}))),
    "empty heat number": (InputError, lambda s: s.add_heat(new_heat(heat_no="  "))),
    "empty inspector": (InputError, lambda s: s.add_heat(new_heat(inspector=""))),
    "duplicate heat number": (Conflict, lambda s: s.add_heat(new_heat("H1"))),
    "duplicate heat number, spaced": (Conflict, lambda s: s.add_heat(new_heat(" H1 "))),
    "import with one bad heat": (InputError, lambda s: s.import_heats(
        [new_heat("H2"), new_heat("H3", tap_weight_t=0.0)])),
    "import with a repeated heat": (Conflict, lambda s: s.import_heats([new_heat("H2"), new_heat("H2")])),
    "ingot 60000.1 kg": (InputError, lambda s: s.add_ingots("H1", [ingot(4, 60_000.1)])),
    "ingot 0 kg": (InputError, lambda s: s.add_ingots("H1", [ingot(4, 0.0)])),
    "ingot -5 kg": (InputError, lambda s: s.add_ingots("H1", [ingot(4, -5.0)])),
    "ingot inf kg": (InputError, lambda s: s.add_ingots("H1", [ingot(4, math.inf)])),
    "ingot number 0": (InputError, lambda s: s.add_ingots("H1", [ingot(0)])),
    "ingot number 10000": (InputError, lambda s: s.add_ingots("H1", [ingot(10_000)])),
    "duplicate ingot number": (Conflict, lambda s: s.add_ingots("H1", [ingot(1)])),
    "duplicate in one batch": (Conflict, lambda s: s.add_ingots("H1", [ingot(4), ingot(5), ingot(4)])),
    "unknown defect code": (InputError, lambda s: s.add_ingots(
        "H1", [ingot(4, defects=(IngotDefect("XXXX", Location.TOP),))])),
    "ingot of no heat": (NotFound, lambda s: s.add_ingots("NOPE", [ingot(1)])),
    "set C 100.5 %": (InputError, lambda s: s.set_analysis("H1", {"C": 100.5}, reason="r")),
    "set Xx": (InputError, lambda s: s.set_analysis("H1", {"Xx": 0.1})),
    "reweigh to 60000.1 kg": (InputError, lambda s: s.update_ingot("H1", 1, weight_kg=60_000.1,
                                                                   reason="reweighed")),
    "unknown defect on update": (InputError, lambda s: s.update_ingot(
        "H1", 1, defects=[IngotDefect("XXXX")], reason="r")),
    "edition for no grade": (NotFound, lambda s: s.add_edition(
        "Q999", "GB", "1", date(2024, 1, 1), [Limit("C", None, 0.2)])),
    "edition limiting Xx": (InputError, lambda s: s.add_edition(
        "Q235B", "GB", "1", date(2024, 1, 1), [Limit("Xx", None, 0.2)])),
    "edition min above max": (InputError, lambda s: s.add_edition(
        "Q235B", "GB", "1", date(2024, 1, 1), [Limit("C", 0.3, 0.2)])),
    "edition limit 100.5 %": (InputError, lambda s: s.add_edition(
        "Q235B", "GB", "1", date(2024, 1, 1), [Limit("C", None, 100.5)])),
    "edition on a taken date": (Conflict, lambda s: s.add_edition(
        "Q235B", "GB/T 700", "2006b", date(2007, 2, 1), [Limit("C", None, 0.2)])),
    "grade twice": (Conflict, lambda s: s.add_grade("Q235B")),
}


@pytest.mark.parametrize(("error", "attempt"), BAD.values(), ids=BAD)
def test_a_bad_value_is_refused_and_changes_nothing(
        shop: Store, error: type[QcError], attempt: Callable[[Store], object]) -> None:
    rows = dump(shop)
    with pytest.raises(error):
        attempt(shop)
    assert dump(shop) == rows


def test_the_ends_of_every_range_are_accepted(shop: Store) -> None:
    shop.add_heat(new_heat("H2", tap_weight_t=400.0, tap_temp_c=1000.0,
                           analysis={"C": 0.0, "Si": 0.0, "Mn": 0.0, "P": 0.0, "S": 0.0}))
    shop.add_heat(new_heat("H3", tap_weight_t=0.001, tap_temp_c=1900.0, analysis={"Fe": 100.0}))
    shop.add_ingots("H2", [ingot(1, 60_000.0), ingot(9999, 0.001)])
    assert shop.heat("H2").chem_status is ChemStatus.CONFORMS  # 0 is inside "≤ max"
    assert [(i.ingot_no, i.weight_kg) for i in shop.ingots("H2")] == [(1, 60_000.0), (9999, 0.001)]
    assert (shop.heat("H3").tap_weight_t, shop.heat("H3").tap_temp_c) == (0.001, 1900.0)


# ------------------------------------------------------------- user and path

def test_the_user_comes_from_the_option_then_the_environment_then_the_login(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "carl")
    assert current_user() == "carl"
    monkeypatch.setenv("QCDESK_USER", "  bo  ")
    assert current_user() == "bo"
    assert current_user("   ") == "bo"  # a blank option is no option
    assert current_user(" anna ") == "anna"


def test_the_store_writes_the_user_it_was_opened_for(db_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDESK_USER", "dora")
    with Store.open(db_path) as s:
        assert s.user == "dora"
        s.add_heat(new_heat("H1"))
    with Store.open(db_path, "ed") as s:
        s.set_analysis("H1", {"C": 0.16}, reason="re-run")
        assert [e.user for e in s.audit("H1")] == ["dora", "ed"]


def test_the_database_path_comes_from_the_option_then_qcdesk_db_then_the_data_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data_home = Path(os.environ["XDG_DATA_HOME"])  # a temporary folder, set by conftest
    assert resolve_db_path() == data_home / "qcdesk" / "qcdesk.sqlite"
    monkeypatch.setenv("QCDESK_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db_path() == tmp_path / "env.sqlite"
    assert resolve_db_path(str(tmp_path / "opt.sqlite")) == tmp_path / "opt.sqlite"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_db_path("~/qc.sqlite") == tmp_path / "qc.sqlite"


# -------------------------------------------------------------------- rates

def test_rate_rows_come_in_the_order_people_read_them(shop: Store) -> None:
    shop.add_converter("10", "Converter 10")
    for n, (conv, hour) in enumerate([("10", 1), ("2", 17), ("1", 9), ("10", 10), ("2", 2)]):
        shop.add_heat(new_heat(f"K{n}", converter=conv, tapped_at=datetime(2025, 3, 10, hour, 0)))
    by = shop.rates(date(2025, 3, 10), date(2025, 3, 10), ["converter", "shift"]).as_dict()["rows"]
    # converters 1 < 2 < 10 (not "1" < "10" < "2"); shifts night, day, evening (not alphabetical)
    assert [(r["converter"], r["shift"], r["heats"]) for r in by] == [
        ("1", "day", 2), ("2", "night", 1), ("2", "evening", 1), ("10", "night", 1), ("10", "day", 1)]


def test_a_period_that_ends_before_it_starts_is_refused(shop: Store) -> None:
    with pytest.raises(InputError):
        shop.rates(date(2025, 3, 11), date(2025, 3, 10))


@pytest.mark.parametrize("text", ["shift,shift", "week", "day,", "converter;grade"])
def test_unknown_or_repeated_groupings_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_group_keys(text)


def test_groupings_are_read_from_a_comma_list() -> None:
    assert parse_group_keys(" converter , shift") == ("converter", "shift")
    assert parse_group_keys("") == ()


# Each database's way of replacing a row in one statement: SQLite's INSERT OR REPLACE deletes
# the old row without firing the delete trigger; PostgreSQL's upsert rewrites it in place.
REPLACE_AN_ENTRY = {
    "sqlite": "INSERT OR REPLACE INTO audit (id, action, entity, entity_key) "
              "VALUES (?, 'insert', 'converter', '9')",
    "postgresql": "INSERT INTO audit (id, action, entity, entity_key) VALUES (?, 'insert', 'converter', '9') "
                  "ON CONFLICT (id) DO UPDATE SET action = excluded.action, entity = excluded.entity, "
                  "entity_key = excluded.entity_key",
}


def test_audit_entries_cannot_be_replaced(store: Store, database: str) -> None:
    """Replacing an entry by its id would rewrite history without deleting or updating it."""
    store.add_converter("9", "Converter 9")
    first = store.audit()[0]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute(REPLACE_AN_ENTRY[database], (first.id,))
    assert store.audit()[0] == first


def test_an_edition_without_limits_is_refused(store: Store) -> None:
    before = list(store.conn.iterdump())
    with pytest.raises(InputError):
        store.add_edition("Q235B", "GB/T 700", "2030", date(2030, 1, 1), [])
    assert list(store.conn.iterdump()) == before


def test_correcting_a_judged_heat_needs_a_reason(store: Store) -> None:
    store.add_heat(NewHeat("R1", "1", datetime(2020, 3, 1, 9, 0), "Q235B", 30.0, None, "li",
                           analysis={"C": 0.18, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}))
    before = list(store.conn.iterdump())
    with pytest.raises(ReasonRequired):
        store.update_heat("R1", grade="Q195")
    assert list(store.conn.iterdump()) == before
    store.update_heat("R1", notes="ladle 7")  # a note is no correction of the record
    store.update_heat("R1", grade="Q195", reason="aim grade was Q195 on the order")
    assert store.heat("R1").grade == "Q195"
    assert store.audit("R1")[-1].reason == "aim grade was Q195 on the order"


def _judged_heat(store: Store, heat_no: str = "K1") -> None:
    store.add_heat(NewHeat(heat_no, "1", datetime(2020, 3, 1, 9, 0), "Q235B", 30.0, 1610.0, "王建国",
                           notes="ladle 7",
                           analysis={"C": 0.18, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}))
    store.add_ingots(heat_no, [NewIngot(1, 3500.0, Disposition.ACCEPTED, "王建国")])


def test_a_voided_heat_keeps_its_whole_record_in_the_audit(store: Store) -> None:
    _judged_heat(store)
    store.void_heat("K1", reason="logged twice")
    history = store.audit("K1")  # the heat left every listing; its history did not
    voided = json.loads(history[-1].old_value or "")
    assert (history[-1].action, history[-1].field, history[-1].reason) == (
        "update", "voided", "logged twice")
    assert voided["tap_temp_c"] == 1610.0
    assert voided["inspector"] == "王建国"
    assert voided["notes"] == "ladle 7"
    assert (voided["production_date"], voided["shift"]) == ("2020-03-01", "day")
    assert voided["analysis"]["C"] == 0.18
    assert voided["ingots"]["1"]["weight_kg"] == 3500.0


def test_a_corrected_converter_is_logged_by_its_code(store: Store) -> None:
    _judged_heat(store)
    store.update_heat("K1", converter="3", reason="tapped from converter 3")
    entry = store.audit("K1")[-1]
    assert (entry.field, entry.old_value, entry.new_value) == ("converter", "1", "3")
    assert store.heat("K1").converter == "3"


@pytest.mark.parametrize("tapped", [datetime(1899, 12, 31, 23, 59), datetime(2999, 1, 1, 0, 0)])
def test_an_implausible_tap_time_is_refused(store: Store, tapped: datetime) -> None:
    before = list(store.conn.iterdump())
    with pytest.raises(InputError, match=r"1900|future"):
        store.add_heat(NewHeat("T1", "1", tapped, "Q235B", 30.0, None, "li"))
    assert list(store.conn.iterdump()) == before


def test_a_defect_code_that_would_break_a_defect_list_is_refused(store: Store) -> None:
    before = list(store.conn.iterdump())
    for code in ("CR;K", "CR@K", "CR K"):
        with pytest.raises(InputError):
            store.add_defect(code, "crack", "裂纹", "surface")
    assert list(store.conn.iterdump()) == before


def test_opening_without_create_never_makes_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "qcdesk.sqlite"
    with pytest.raises(DatabaseError, match="no database"):
        Store.open(missing, "tester", create=False)
    assert not missing.parent.exists()


def test_a_database_of_another_program_is_refused_even_when_empty(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    raw = sqlite3.connect(other)
    raw.execute("PRAGMA application_id = 1234")
    raw.close()
    before = other.read_bytes()
    with pytest.raises(DatabaseError, match="another program"):
        Store.open(other, "tester")
    assert other.read_bytes() == before


def test_rates_refuse_an_unknown_grouping_or_basis(store: Store) -> None:
    with pytest.raises(InputError):
        store.rates(date(2020, 1, 1), date(2020, 1, 2), by=["week"])
    with pytest.raises(InputError):
        store.rates(date(2020, 1, 1), date(2020, 1, 2), basis="volume")


def test_full_width_codes_typed_in_chinese_are_the_same_heat(store: Store) -> None:
    store.add_heat(NewHeat("Ｈ１", "１", datetime(2020, 3, 1, 9, 0), "Ｑ２３５Ｂ", 30.0, None, "王建国"))
    heat = store.heat("H1")
    assert (heat.heat_no, heat.converter, heat.grade) == ("H1", "1", "Q235B")


def test_a_control_character_in_a_name_is_refused(store: Store) -> None:
    before = list(store.conn.iterdump())
    with pytest.raises(InputError, match="control character"):
        store.add_heat(NewHeat("H\x001", "1", datetime(2020, 3, 1, 9, 0), "Q235B", 30.0, None, "li"))
    assert list(store.conn.iterdump()) == before


def test_a_retired_defect_stays_on_old_ingots_but_not_on_new_ones(store: Store) -> None:
    store.add_heat(NewHeat("D1", "1", datetime(2020, 3, 1, 9, 0), "Q235B", 30.0, None, "li"))
    store.add_ingots("D1", [NewIngot(1, 3500.0, Disposition.CONDITIONED, "li", (IngotDefect("FIN"),))])
    retired = store.update_defect("FIN", active=False, name_zh="飞边")
    assert (retired.active, retired.name_zh) == (False, "飞边")
    assert "FIN" not in {d.code for d in store.defects(active_only=True)}
    with pytest.raises(InputError, match="catalogue"):
        store.add_ingots("D1", [NewIngot(2, 3500.0, Disposition.ACCEPTED, "li", (IngotDefect("FIN"),))])
    # the ingot judged before keeps it, and can still be corrected
    store.update_ingot("D1", 1, weight_kg=3400.0, reason="reweighed")
    assert store.ingots("D1")[0].defects == (IngotDefect("FIN"),)
    assert [(e.field, e.old_value, e.new_value) for e in store.audit()
            if e.entity == "defect" and e.field != "sealed"] == [
        ("name_zh", "飞翅", "飞边"), ("active", "True", "False")]


def test_a_grade_description_can_be_changed(store: Store) -> None:
    assert store.grade_description("Q235B") == "carbon structural steel"  # as seeded
    store.update_grade("Q235B", "carbon structural steel, killed")
    assert store.audit()[-1].new_value == "carbon structural steel, killed"
    assert store.grade_description("Q235B") == "carbon structural steel, killed"
    with pytest.raises(NotFound):
        store.update_grade("Q999", "no such grade")
    with pytest.raises(NotFound):
        store.grade_description("Q999")


def test_suggestions_for_the_next_heat_and_ingot(store: Store) -> None:
    assert store.last_heat_no("2") is None
    store.add_heat(NewHeat("2-0101", "2", datetime(2020, 3, 1, 9, 0), "Q235B", 30.0, None, "li"))
    store.add_heat(NewHeat("2-0102", "2", datetime(2020, 3, 1, 10, 30), "Q235B", 30.0, None, "li"))
    store.add_heat(NewHeat("1-0500", "1", datetime(2020, 3, 1, 11, 0), "Q235B", 30.0, None, "li"))
    assert store.last_heat_no("2") == "2-0102"  # the converter's own, latest tapped
    assert store.next_ingot_no("2-0102") == 1
    store.add_ingots("2-0102", [NewIngot(1, 3500.0, Disposition.PENDING, "li"),
                                NewIngot(2, 3500.0, Disposition.PENDING, "li")])
    assert store.next_ingot_no("2-0102") == 3
