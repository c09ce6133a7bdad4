"""Imports and corrections among many signed days: the same refusals as with one, and
their audit entries prove the records.

The workshop: February 2025, every day a heat in each shift (night 02:00, day 09:00,
evening 17:00), each with one ingot; every shift closed by wang and every day signed by
hu (28 × 4 = 112 signatures). 1 March has heats too, with only its night shift closed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from attacker import plain_sqlite, rehash
from signed_shop import NOW, PINS, add_people, open_as

from qcdesk import csvio, records
from qcdesk.errors import Conflict, NotFound
from qcdesk.journal import journal_path
from qcdesk.model import Disposition, IngotDefect, Location
from qcdesk.store import NewHeat, NewIngot, Store
from qcdesk.verify import verify

FEBRUARY = [date(2025, 2, 1) + timedelta(days=i) for i in range(28)]
MARCH_1 = date(2025, 3, 1)
TAPS = {"night": 2, "day": 9, "evening": 17}  # hour of each shift's heat
GOOD = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}
SIGNED_FEBRUARY = ("is signed: a record is added to a signed shift or day one at a time, by a workshop "
                   "head, with a reason")


def _heat_no(day: date, shift: str) -> str:
    return f"{day:%m%d}-{shift[0].upper()}"


def _heat(day: date, shift: str, hour: int | None = None, heat_no: str | None = None,
          grade: str = "Q235B") -> NewHeat:
    tapped = datetime(day.year, day.month, day.day, TAPS[shift] if hour is None else hour, 0)
    return NewHeat(heat_no or _heat_no(day, shift), "1", tapped, grade, 30.0, 1620.0, "wang", analysis=GOOD)


@pytest.fixture(scope="module")
def many_signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("many") / "many.sqlite"
    with Store.open(path, "tester", clock=lambda: NOW) as s:
        days = [*FEBRUARY, MARCH_1]
        s.import_heats([_heat(day, shift) for day in days for shift in TAPS])
        s.import_ingots([(_heat_no(day, shift), NewIngot(
            1, 700.0, Disposition.ACCEPTED, "wang", judged_at=datetime(day.year, day.month, day.day, 20)))
            for day in days for shift in TAPS])
        add_people(s)
    with open_as(path, "wang") as s:
        for day in FEBRUARY:
            for shift in TAPS:
                s.sign_shift(day, shift, PINS["wang"])
        s.sign_shift(MARCH_1, "night", PINS["wang"])
    with open_as(path, "hu") as s:
        for day in FEBRUARY:
            s.sign_day(day, PINS["hu"])
    return path


@pytest.fixture
def db(many_signed: Path, tmp_path: Path) -> Path:
    path = tmp_path / "many.sqlite"
    shutil.copyfile(many_signed, path)
    shutil.copyfile(journal_path(many_signed), journal_path(path))
    return path


@pytest.fixture
def wang(db: Path) -> Iterator[Store]:
    with open_as(db, "wang") as s:
        yield s


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


def live_signatures(store: Store) -> set[tuple[str, str, str | None]]:
    return {(g.kind.value, g.production_date.isoformat(), g.shift) for g in store.all_signatures() if g.live}


def test_the_workshop_has_its_signatures(wang: Store) -> None:
    assert len(live_signatures(wang)) == 28 * 4 + 1
    assert verify(wang).ok


def test_heats_into_one_signed_shift_among_many_are_refused_naming_its_day(wang: Store) -> None:
    before = dump(wang)
    late = [_heat(date(2025, 3, 2), "day"), _heat(date(2025, 2, 14), "day", 10, "LATE-1"),
            _heat(date(2025, 3, 3), "day")]
    with pytest.raises(Conflict) as refused:
        wang.import_heats(late)
    assert str(refused.value) == f"2025-02-14 {SIGNED_FEBRUARY}"
    assert dump(wang) == before


def test_the_first_heat_that_falls_on_a_signed_day_is_the_one_named(wang: Store) -> None:
    with pytest.raises(Conflict) as refused:
        wang.import_heats([_heat(date(2025, 2, 20), "evening", 18, "LATE-1"),
                           _heat(date(2025, 2, 3), "night", 3, "LATE-2")])
    assert str(refused.value) == f"2025-02-20 {SIGNED_FEBRUARY}"
    # a heat before it with a problem of its own is refused for that, as before
    with pytest.raises(NotFound, match="there is no grade 'Q999'"):
        wang.import_heats([_heat(date(2025, 3, 2), "day", grade="Q999"),
                           _heat(date(2025, 2, 3), "night", 3, "LATE-2")])


def test_a_file_into_a_signed_shift_is_refused_as_a_file(wang: Store, tmp_path: Path) -> None:
    before = dump(wang)
    path = tmp_path / "heats.csv"
    path.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
                    "N-1,1,2025-03-02 09:00,Q235B,30,1620,wang,0.15,0.2,0.5,0.02,0.02\n"
                    "N-2,2,2025-02-27 23:30,Q235B,30,1620,wang,0.15,0.2,0.5,0.02,0.02\n", encoding="utf-8")
    with pytest.raises(Conflict) as refused:
        csvio.import_heats(wang, path)
    assert str(refused.value) == f"2025-02-27 {SIGNED_FEBRUARY}"
    assert dump(wang) == before


def test_only_the_signed_shift_of_a_day_refuses(wang: Store) -> None:
    # 1 March: the night shift closed, the day not signed
    with pytest.raises(Conflict, match=f"^2025-03-01 {SIGNED_FEBRUARY}$"):
        wang.import_heats([_heat(MARCH_1, "night", 5, "M-N")])
    wang.import_heats([_heat(MARCH_1, "day", 10, "M-D"), _heat(MARCH_1, "evening", 20, "M-E"),
                       _heat(date(2025, 3, 2), "day")])
    assert {h.heat_no for h in wang.heats(MARCH_1, date(2025, 3, 2))} == {
        "0301-N", "0301-D", "0301-E", "M-D", "M-E", "0302-D"}
    assert len(live_signatures(wang)) == 28 * 4 + 1  # nothing superseded
    assert verify(wang).ok


def test_ingots_onto_a_heat_of_a_signed_shift_among_many_are_refused(wang: Store) -> None:
    wang.import_heats([_heat(date(2025, 3, 2), "day")])
    before = dump(wang)
    with pytest.raises(Conflict) as refused:
        wang.import_ingots([("0302-D", NewIngot(1, 650.0, Disposition.SCRAP, "wang")),
                            ("0209-E", NewIngot(2, 650.0, Disposition.SCRAP, "wang"))])
    assert str(refused.value) == f"2025-02-09 {SIGNED_FEBRUARY}"
    assert dump(wang) == before
    with pytest.raises(Conflict, match=f"^2025-03-01 {SIGNED_FEBRUARY}$"):
        wang.import_ingots([("0301-N", NewIngot(2, 650.0, Disposition.SCRAP, "wang"))])
    wang.import_ingots([("0302-D", NewIngot(1, 650.0, Disposition.SCRAP, "wang")),
                        ("0301-D", NewIngot(2, 610.0, Disposition.ACCEPTED, "wang"))])
    assert [(i.ingot_no, i.weight_kg) for i in wang.ingots("0301-D")] == [(1, 700.0), (2, 610.0)]
    assert len(live_signatures(wang)) == 28 * 4 + 1
    assert verify(wang).ok


def test_a_late_record_supersedes_the_signatures_of_its_shift_and_day_only(db: Path) -> None:
    with open_as(db, "hu") as s:
        everything = live_signatures(s)
        s.add_ingots("0214-D", [NewIngot(2, 640.0, Disposition.CONDITIONED, "wang",
                                         (IngotDefect("TCRK", Location.TOP),)),
                                NewIngot(3, 630.0, Disposition.ACCEPTED, "wang")], reason="found in the yard")
        assert everything - live_signatures(s) == {("shift", "2025-02-14", "day"),
                                                    ("day", "2025-02-14", None)}
        assert live_signatures(s) < everything
        s.add_heat(_heat(date(2025, 2, 20), "evening", 18, "LATE-1"), reason="heat book found")
        assert everything - live_signatures(s) == {
            ("shift", "2025-02-14", "day"), ("day", "2025-02-14", None),
            ("shift", "2025-02-20", "evening"), ("day", "2025-02-20", None)}
        # the write's entries in the order written: the two signatures, then each new ingot
        rows = s.conn.execute("SELECT tbl, field FROM audit ORDER BY id DESC LIMIT 7").fetchall()
        assert [tuple(r) for r in rows][::-1] == [
            ("signature", "superseded"), ("signature", "superseded"), ("ingot", None), ("ingot", None),
            ("signature", "superseded"), ("signature", "superseded"), ("heat", None)]
        assert verify(s).ok


def test_an_ingot_number_taken_is_refused_even_by_a_voided_ingot(db: Path) -> None:
    with open_as(db, "hu") as s:
        s.import_heats([_heat(date(2025, 3, 2), "day")])
        s.add_ingots("0302-D", [NewIngot(1, 650.0, Disposition.ACCEPTED, "wang"),
                                NewIngot(2, 640.0, Disposition.ACCEPTED, "wang")])
        s.void_ingot("0302-D", 2, "weighed twice")
        for taken in (1, 2):
            with pytest.raises(Conflict, match=f"^heat 0302-D already has ingot {taken}$"):
                s.import_ingots([("0302-D", NewIngot(3, 600.0, Disposition.ACCEPTED, "wang")),
                                 ("0302-D", NewIngot(taken, 600.0, Disposition.ACCEPTED, "wang"))])
        with pytest.raises(Conflict, match=r"^heat 0302-D already has ingot 3$"):  # twice in one import
            s.import_ingots([("0302-D", NewIngot(3, 600.0, Disposition.ACCEPTED, "wang")),
                             ("0302-D", NewIngot(3, 610.0, Disposition.ACCEPTED, "wang"))])
        assert [i.ingot_no for i in s.ingots("0302-D")] == [1]


def test_a_heat_number_taken_is_refused_even_by_a_voided_heat(db: Path) -> None:
    with open_as(db, "hu") as s:
        s.import_heats([_heat(date(2025, 3, 2), "day"), _heat(date(2025, 3, 3), "day")])
        s.void_heat("0303-D", "entered twice")
        for taken in ("0302-D", "0303-D"):
            with pytest.raises(Conflict, match=f"^heat {taken} already exists$"):
                s.import_heats([_heat(date(2025, 3, 4), "day"),
                                _heat(date(2025, 3, 5), "day", heat_no=taken)])
        with pytest.raises(Conflict, match=r"^heat X-1 already exists$"):  # twice in one import
            s.import_heats([_heat(date(2025, 3, 4), "day", heat_no="X-1"),
                            _heat(date(2025, 3, 5), "day", heat_no="X-1")])
        with pytest.raises(NotFound, match="voided"):
            s.import_ingots([("0303-D", NewIngot(1, 600.0, Disposition.ACCEPTED, "wang"))])


def test_an_imports_entries_hold_each_record_as_saved_and_verify(wang: Store, tmp_path: Path) -> None:
    heats = tmp_path / "heats.csv"
    heats.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
                     "N-1,1,2025-03-02 09:00,Q235B,30.5,1620,wang,0.15,0.2,0.5,0.02,0.02\n"
                     "N-2,2,2025-03-02 17:30,Q235A,28,,li,0.21,,0.5,0.03,0.03\n", encoding="utf-8")
    ingots = tmp_path / "ingots.csv"
    ingots.write_text("heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"
                      "N-1,1,3800,accepted,,wang\n"
                      "N-1,2,3700.5,conditioned,TCRK@top;SCAB,wang\n"
                      "N-2,1,3650,pending,,li\n", encoding="utf-8")
    last = wang.last_entry_id()
    assert csvio.import_heats(wang, heats) == 2
    assert csvio.import_ingots(wang, ingots) == 3
    ids = dict(wang.conn.execute("SELECT heat_no, id FROM heat WHERE heat_no IN ('N-1', 'N-2')").fetchall())
    converters = dict(wang.conn.execute("SELECT code, id FROM converter").fetchall())
    day = wang.conn.execute("SELECT id FROM shift WHERE code = 'day'").fetchone()[0]
    evening = wang.conn.execute("SELECT id FROM shift WHERE code = 'evening'").fetchone()[0]
    judged_at = NOW.strftime("%Y-%m-%d %H:%M:%S")
    entries = [(tbl, json.loads(state)) for tbl, state in wang.conn.execute(
        "SELECT tbl, state FROM audit WHERE id > ? ORDER BY id", (last,))]
    assert entries == [
        ("heat", ["N-1", converters["1"], "2025-03-02 09:00", "2025-03-02", day, "Q235B", 30.5, 1620.0,
                  "wang", "", None, [["C", 1, 0.15, 0], ["Mn", 1, 0.5, 0], ["P", 1, 0.02, 0],
                                     ["S", 1, 0.02, 0], ["Si", 1, 0.2, 0]]]),
        ("heat", ["N-2", converters["2"], "2025-03-02 17:30", "2025-03-02", evening, "Q235A", 28.0, None,
                  "li", "", None, [["C", 1, 0.21, 0], ["Mn", 1, 0.5, 0], ["P", 1, 0.03, 0],
                                   ["S", 1, 0.03, 0]]]),
        ("ingot", [ids["N-1"], 1, 3800.0, "accepted", "wang", judged_at, None, []]),
        ("ingot", [ids["N-1"], 2, 3700.5, "conditioned", "wang", judged_at, None,
                   [[1, "TCRK", "top", 0], [2, "SCAB", None, 0]]]),
        ("ingot", [ids["N-2"], 1, 3650.0, "pending", "li", None, None, []]),
    ]
    # each import one block of the chain, after the blocks before it
    blocks = wang.conn.execute("SELECT last_id FROM audit_block WHERE last_id > ? ORDER BY last_id",
                               (last,)).fetchall()
    assert [b[0] for b in blocks] == [last + 2, last + 5]
    report = verify(wang)
    assert report.ok, report.problem
    assert report.signatures == 28 * 4 + 1


def test_an_imported_ingot_changed_behind_the_programs_back_is_found(wang: Store, db: Path) -> None:
    wang.import_heats([_heat(date(2025, 3, 2), "day")])
    wang.import_ingots([("0302-D", NewIngot(n, 700.0, Disposition.SCRAP, "wang")) for n in range(1, 6)])
    plain = sqlite3.connect(db)
    plain.execute("UPDATE ingot SET disposition = 'accepted' WHERE ingot_no = 4 AND heat_id = "
                  "(SELECT id FROM heat WHERE heat_no = '0302-D')")
    plain.commit()
    plain.close()
    report = verify(wang)
    assert not report.ok
    assert "0302-D/4" in (report.problem or "")


def test_a_signed_ingot_changed_with_its_trail_and_chain_rewritten_is_found_by_its_signature(
        db: Path) -> None:
    # someone with sqlite3 changes an ingot of a signed shift, writes its entry as the program
    # would, and seals the chain again by the documented rule: only the signatures can tell
    with Store.open(db, "reader") as s:
        assert verify(s).ok
    with plain_sqlite(db, drop_triggers=True) as raw:
        ingot = raw.execute("SELECT i.id FROM ingot i JOIN heat h ON h.id = i.heat_id "
                            "WHERE h.heat_no = '0214-D' AND i.ingot_no = 1").fetchone()[0]
        raw.execute("UPDATE ingot SET weight_kg = 710.0 WHERE id = ?", (ingot,))
        state = raw.execute(  # the state as the program renders it (records' fixed expression)
            f"SELECT state FROM ({records.BY_NAME['ingot'].select}) WHERE rec = ?", (ingot,)).fetchone()[0]
        last = raw.execute("SELECT max(id) FROM audit").fetchone()[0]
        raw.execute("INSERT INTO audit (id, action, field, old_value, new_value, tbl, rec, state) "
                    "VALUES (?, 'update', 'weight_kg', '700', '710', 'ingot', ?, ?)",
                    (last + 1, ingot, state))
        raw.execute("UPDATE audit_block SET last_id = ? WHERE last_id = ?", (last + 1, last))
        rehash(raw)
    with Store.open(db, "reader") as s:
        report = verify(s)
    assert not report.ok
    assert report.problem is not None
    assert report.problem.startswith("heat 0214-D is covered by the signature #")
    assert report.problem.endswith("in force, but was changed after it was signed without superseding it")
