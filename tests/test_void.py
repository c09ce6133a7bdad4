"""Nothing deleted: quality records are voided with a reason, and leave every listing and rate."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from signed_shop import DAY, GOOD, NOW, make_shop

from qcdesk.cli import main
from qcdesk.errors import NotFound, ReasonRequired
from qcdesk.model import IngotDefect, Location
from qcdesk.store import Store
from qcdesk.verify import verify

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def shop(db_path: Path) -> Iterator[Store]:
    """make_shop's day without people (voiding is the same with them; roles are tested in
    test_people and test_signoff)."""
    make_shop(db_path, people=False)
    with Store.open(db_path, "tester", clock=lambda: NOW) as s:
        yield s


@pytest.mark.parametrize("table", ["heat", "heat_analysis", "ingot", "ingot_defect"])
def test_the_schema_refuses_to_delete_quality_records(shop: Store, table: str) -> None:
    shop.update_ingot("D1", 2, defects=[IngotDefect("PIPE")])
    before = shop.counts()
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        shop.conn.execute(f"DELETE FROM {table}")  # a name from the fixed list above: no input
    assert shop.counts() == before


def test_no_code_deletes_quality_records() -> None:
    """Nor replaces them: REPLACE (and INSERT/UPDATE OR REPLACE) deletes the row it
    replaces without firing the delete triggers."""
    tables = r"(heat|heat_analysis|ingot|ingot_defect)\b"
    pattern = re.compile(r"DELETE\s+FROM\s+" + tables + r"|\b(?:REPLACE\s+INTO|OR\s+REPLACE(?:\s+INTO)?)\s+"
                         + tables, re.IGNORECASE)
    for bad in ("DELETE FROM ingot", "INSERT OR REPLACE INTO heat_analysis (heat_id) VALUES (1)",
                "REPLACE INTO ingot_defect", "UPDATE OR REPLACE heat SET notes = ''"):
        assert pattern.search(bad), bad
    for path in [*(ROOT / "qcdesk").glob("*.py"), *(ROOT / "ui").glob("*.py"),
                 *(ROOT / "reports").glob("*.py")]:
        if path.name == "migrations.py":
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_a_voided_ingot_leaves_listings_rates_and_sums_and_stays_on_record(shop: Store) -> None:
    # the day shift before: D1 700 accepted + 650 scrap, D2 800 accepted; evening E1 900 accepted
    before = shop.rates(DAY, DAY).total.sums
    assert (before.weight_judged_kg, before.weight_qualified_kg) == (700 + 650 + 800 + 900,
                                                                      700 + 800 + 900)
    shop.void_ingot("D1", 2, "weighed twice")
    assert [i.ingot_no for i in shop.ingots("D1")] == [1]
    assert shop.heat("D1").ingots == 1
    after = shop.rates(DAY, DAY).total.sums
    assert (after.weight_judged_kg, after.weight_qualified_kg) == (700 + 800 + 900, 700 + 800 + 900)
    assert after.ingots_judged == 3
    assert [(i.heat_no, i.ingot_no) for i in shop.iter_ingots(DAY, DAY)] == [
        ("D1", 1), ("D2", 1), ("E1", 1)]
    # still in the database, with the reason, and in the history
    assert shop.counts()["ingot"] == 4
    entry = shop.audit("D1")[-1]
    assert (entry.field, entry.reason) == ("voided", "weighed twice")
    with pytest.raises(NotFound):
        shop.update_ingot("D1", 2, weight_kg=600.0, reason="too late")


def test_a_voided_heat_leaves_listings_and_rates(shop: Store) -> None:
    shop.void_heat("E1", "logged on the wrong day")
    assert [h.heat_no for h in shop.heats(DAY, DAY)] == ["D1", "D2"]
    sums = shop.rates(DAY, DAY).total.sums
    assert (sums.heats, sums.output_t, sums.weight_judged_kg) == (2, 30.0 + 25.0, 700 + 650 + 800)
    assert [i.heat_no for i in shop.iter_ingots(DAY, DAY)] == ["D1", "D1", "D2"]
    assert shop.counts()["heat"] == 3
    with pytest.raises(NotFound, match=r"heat E1 was voided \(logged on the wrong day\)"):
        shop.heat("E1")
    with pytest.raises(NotFound):
        shop.set_analysis("E1", {"Cr": 0.1})
    assert len(shop.audit("E1")) == 3  # insert heat, insert ingot, voided
    shop.void_heat("D1", "test heat")
    shop.void_heat("D2", "test heat")
    assert shop.date_span() is None
    assert shop.rates(DAY, DAY).rows == ()


def test_a_void_needs_a_reason_and_a_refusal_changes_nothing(shop: Store) -> None:
    rows = list(shop.conn.iterdump())
    for attempt in (lambda: shop.void_heat("D1", "  "), lambda: shop.void_ingot("D1", 1, "")):
        with pytest.raises(ReasonRequired):
            attempt()
    assert list(shop.conn.iterdump()) == rows


def test_a_withdrawn_analysis_value_is_kept_and_can_come_back(shop: Store) -> None:
    shop.set_analysis("D1", {"S": None}, reason="sample mixed up")
    assert "S" not in shop.heat("D1").analysis
    row = shop.conn.execute("SELECT a.value_pct, a.voided FROM heat_analysis a "
                            "JOIN heat h ON h.id = a.heat_id WHERE h.heat_no = 'D1' "
                            "AND a.element = 'S'").fetchone()
    assert tuple(row) == (0.02, 1)
    shop.set_analysis("D1", {"S": 0.03})  # entered again: a first value once more
    assert shop.heat("D1").analysis["S"] == 0.03
    # the withdrawn value is still there, withdrawn, beside the new one
    rows = shop.conn.execute("SELECT a.value_pct, a.voided FROM heat_analysis a "
                             "JOIN heat h ON h.id = a.heat_id WHERE h.heat_no = 'D1' "
                             "AND a.element = 'S' ORDER BY a.seq").fetchall()
    assert [tuple(r) for r in rows] == [(0.02, 1), (0.03, 0)]
    shop.set_analysis("D1", {"S": 0.04}, reason="re-assayed")  # a correction of the live value
    assert shop.heat("D1").analysis["S"] == 0.04
    assert shop.counts()["heat_analysis"] == 3 * 5 + 1  # D1, D2 and E1 have five each; the withdrawn S


def test_replaced_defects_are_kept(shop: Store) -> None:
    shop.update_ingot("D1", 2, defects=[IngotDefect("PIPE", Location.TOP)])
    shop.update_ingot("D1", 2, defects=[IngotDefect("SCAB")], reason="it was a scab")
    assert shop.ingots("D1")[1].defects == (IngotDefect("SCAB"),)
    rows = shop.conn.execute("SELECT seq, defect_code, voided FROM ingot_defect ORDER BY seq").fetchall()
    assert [tuple(r) for r in rows] == [(1, "PIPE", 1), (2, "SCAB", 0)]


def test_voided_records_drop_out_of_a_day_with_none_left(shop: Store) -> None:
    for heat in ("D1", "D2", "E1"):
        shop.void_heat(heat, "a drill")
    assert shop.heats(date(2025, 3, 1), date(2025, 3, 31)) == []


def test_voiding_from_the_command_line(db_path: Path) -> None:
    make_shop(db_path, people=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", str(db_path), "void", "heat", "E1", "--reason", "wrong day"], out, err) == 0
    assert out.getvalue() == "heat E1 voided.\n"
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", str(db_path), "void", "ingot", "D1", "--reason", "x"], out, err) == 1
    assert "name the ingot" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", str(db_path), "void", "heat", "D1"], out, err) == 2  # --reason is required
    with Store.open(db_path, "tester") as s:
        assert [h.heat_no for h in s.heats(DAY, DAY)] == ["D1", "D2"]


@pytest.mark.sqlite_only  # a SQLite file of an older schema migrated: a server database is made at the newest
def test_the_migration_keeps_every_analysis_row(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database from before withdrawn values got a seq keeps its values, withdrawn ones
    marked, and an element entered again then gets a row of its own."""
    import qcdesk.store.base as store_module
    from qcdesk import migrations

    before = next(i for i, m in enumerate(migrations.MIGRATIONS) if m[1] is migrations._ANALYSIS_SEQ)
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS[:before])
    monkeypatch.setattr(store_module, "LATEST", migrations.MIGRATIONS[before - 1][0])
    Store.open(db_path, "tester").close()
    with sqlite3.connect(db_path) as raw:  # as qcdesk of that schema left it: D1 with S withdrawn
        raw.execute("INSERT INTO heat (id, heat_no, converter_id, tapped_at, production_date, shift_id, "
                    "grade, tap_weight_t, inspector) VALUES (1, 'D1', 1, '2025-03-10 09:00', '2025-03-10', "
                    "2, 'Q235B', 30.0, 'wang')")
        raw.executemany("INSERT INTO heat_analysis (heat_id, element, value_pct, voided) VALUES (1, ?, ?, ?)",
                        [(el, v, int(el == "S")) for el, v in GOOD.items()])
        old = sorted(tuple(r) for r in raw.execute("SELECT heat_id, element, value_pct, voided "
                                                   "FROM heat_analysis"))
    monkeypatch.undo()
    with Store.open(db_path, "tester") as s:
        assert s.schema_version() == migrations.LATEST
        assert sorted(tuple(r) for r in s.conn.execute(
            "SELECT heat_id, element, value_pct, voided FROM heat_analysis")) == old
        s.set_analysis("D1", {"S": 0.03})
        assert s.heat("D1").analysis["S"] == 0.03
        assert s.counts()["heat_analysis"] == len(old) + 1
        assert verify(s).ok, verify(s).problem


def test_the_audit_keeps_when_an_ingot_was_judged(shop: Store) -> None:
    """make_shop judged D1's ingot 2 at 10:05; its insert and its voiding both say so."""
    insert = next(e for e in shop.audit("D1") if e.entity == "ingot" and e.entity_key == "D1/2")
    assert json.loads(insert.new_value or "")["judged_at"] == "2025-03-10 10:05:00"
    shop.void_ingot("D1", 2, "weighed twice")
    voided = shop.audit("D1")[-1]
    assert json.loads(voided.old_value or "")["judged_at"] == "2025-03-10 10:05:00"
