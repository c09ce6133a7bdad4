"""Tampering with a plain client, as someone who wants a bad day to look good: sqlite3 on the
file, or psycopg on the server with the database owner's password (tests/attacker.py).

Each attack is made on a copy of the demo month (no people) or of a small workshop with
people and signed days, with plain SQL: the row alone; the row and its audit trail with
the protective triggers dropped (disabled, on a server); and that with the chain's hashes
computed again by the documented rule. `qcdesk verify` must fail (exit 1) and say which
table, which record and what differs; the untouched databases pass.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from attacker import fingerprint, journal_of, plain, rehash, rewrite_state, state_of
from signed_shop import DAY, PINS, make_shop, open_as

from qcdesk.cli import main
from qcdesk.errors import QcError
from qcdesk.model import ChartKey, ControlLimits, Disposition
from qcdesk.store import Store

DEMO_DAY = date(1959, 2, 2)


def verify(db: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", str(db), "verify"], out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def signed(db_path: Path) -> Path:
    """The small workshop: heats D1, D2 (day shift) and E1 (evening) of 2025-03-10, people
    ada (admin), hu (head), wang and li (inspectors); both shifts closed by wang, the day
    signed by hu."""
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
        s.sign_shift(DAY, "evening", PINS["wang"])
    with open_as(db_path, "hu") as s:
        s.sign_day(DAY, PINS["hu"])
    return db_path


def _passes_untouched(db: Path) -> None:
    before = fingerprint(db)
    code, out = verify(db)
    assert code == 0, out
    assert "verify ok" in out
    assert "warning" not in out
    assert fingerprint(db) == before  # verify reads, never writes


def test_the_untouched_demo_passes(demo_db: Path) -> None:
    _passes_untouched(demo_db)


def test_the_untouched_signed_workshop_passes(signed: Path) -> None:
    _passes_untouched(signed)


# ------------------------------------------------------------- a day's rate

def _scrapped(db: Path, day: date) -> list[tuple[int, str, int, str]]:
    with plain(db) as raw:
        return raw.execute(
            "SELECT i.id, h.heat_no, i.ingot_no, i.disposition FROM ingot i JOIN heat h ON h.id = i.heat_id "
            "WHERE h.production_date = ? AND i.disposition IN ('scrap', 'regraded') ORDER BY i.id",
            (day.isoformat(),)).fetchall()


def _rate(db: Path, day: date) -> float | None:
    with Store.open(db, "auditor") as s:
        return s.rates(day, day).total.rates.ingot_qualified_rate


def test_scrapped_ingots_made_accepted_are_named(demo_db: Path) -> None:
    bad = _scrapped(demo_db, DEMO_DAY)
    assert bad, "the demo day has scrapped or regraded ingots"
    before = _rate(demo_db, DEMO_DAY)
    with plain(demo_db) as raw:
        raw.executemany("UPDATE ingot SET disposition = 'accepted' WHERE id = ?", [(row[0],) for row in bad])
    after = _rate(demo_db, DEMO_DAY)
    assert before is not None
    assert after is not None
    assert after > before
    code, out = verify(demo_db)
    ingot_id, heat_no, ingot_no, was = bad[0]
    assert code == 1
    assert (f"ingot {heat_no}/{ingot_no} (ingot row {ingot_id}): disposition is 'accepted', but its "
            f"audit trail") in out
    assert f"says '{was}'" in out
    assert "behind the program's back" in out


def test_the_trail_rewritten_too_is_betrayed_by_the_chain(demo_db: Path) -> None:
    ingot_id, _heat_no, _ingot_no, was = _scrapped(demo_db, DEMO_DAY)[0]
    with plain(demo_db, drop_triggers=True) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE id = ?", (ingot_id,))
        rewrite_state(raw, "ingot", ingot_id, f'"{was}"', '"accepted"')
    code, out = verify(demo_db)
    assert code == 1
    assert "do not match the chain: one was changed, added or removed" in out


def test_the_chain_rehashed_too_is_betrayed_by_the_journal(demo_db: Path) -> None:
    ingot_id, _heat_no, _n, was = _scrapped(demo_db, DEMO_DAY)[0]
    with plain(demo_db, drop_triggers=True) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE id = ?", (ingot_id,))
        rewrite_state(raw, "ingot", ingot_id, f'"{was}"', '"accepted"')
        rehash(raw)
    code, out = verify(demo_db)
    assert code == 1
    assert "the journal of chain heads" in out
    assert "the database is behind its journal: the journal confirms a write ending at entry" in out
    assert "that the database's chain does not have: entries were removed or the chain rewritten" in out


@pytest.mark.sqlite_only  # on a server the chain has the other desks' writes too, which no one journal holds
def test_a_forged_entry_appended_with_its_block_is_not_in_the_journal(demo_db: Path) -> None:
    """The attacker writes the change as the program would: a new entry with the record's new
    state, sealed by a new block computed by the documented rule."""
    ingot_id, _heat_no, _n, was = _scrapped(demo_db, DEMO_DAY)[0]
    with plain(demo_db) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE id = ?", (ingot_id,))
        state = state_of(raw, "ingot", ingot_id).replace(f'"{was}"', '"accepted"')
        last = raw.execute("SELECT max(last_id) FROM audit_block").fetchone()[0]
        raw.execute("INSERT INTO audit (id, action, entity, field, old_value, new_value, tbl, rec, state) "
                    "VALUES (?, 'update', 'ingot', 'disposition', ?, 'accepted', 'ingot', ?, ?)",
                    (last + 1, was, ingot_id, state))
        raw.execute('INSERT INTO audit_block (last_id, at, "user", hash) VALUES '
                    "(?, '1959-02-03T08:00:00+08:00', 'zhou', ?)", (last + 1, bytes(32)))
    with plain(demo_db, drop_triggers=True) as raw:
        rehash(raw)
    code, out = verify(demo_db)
    assert code == 1
    assert f"the journal is behind the database: the write ending at entry {last + 1}" in out


def test_the_newest_entries_removed_are_missed_by_the_journal(demo_db: Path) -> None:
    with Store.open(demo_db, "tester") as s:  # a late correction, to be made to disappear
        s.update_ingot("3-0425", 1, disposition=Disposition.ACCEPTED, reason="re-inspected")
    with plain(demo_db, drop_triggers=True) as raw:
        last = raw.execute("SELECT max(last_id) FROM audit_block").fetchone()[0]
        first = raw.execute("SELECT max(last_id) FROM audit_block WHERE last_id < ?", (last,)).fetchone()[0]
        ingot = raw.execute("SELECT rec, state FROM audit WHERE id = ?", (last,)).fetchone()
        raw.execute("DELETE FROM audit WHERE id > ?", (first,))
        raw.execute("DELETE FROM audit_block WHERE last_id = ?", (last,))
        previous = json.loads(state_of(raw, "ingot", int(ingot[0])))  # the row put back as it was before
        raw.execute("UPDATE ingot SET disposition = ?, inspector = ?, judged_at = ? WHERE id = ?",
                    (previous[3], previous[4], previous[5], int(ingot[0])))
    code, out = verify(demo_db)
    assert code == 1
    assert "the database is behind its journal: the journal confirms a write ending at entry" in out
    assert "that the database's chain does not have: entries were removed" in out


def test_a_journal_removed_is_said(demo_db: Path) -> None:
    journal_of(demo_db).unlink()
    code, out = verify(demo_db)
    assert code == 0  # the records still prove themselves against the trail
    assert "warning: there is no journal of chain heads at" in out


# ----------------------------------------------------- heats, rows, tables

@pytest.mark.parametrize(("change", "expected"), [
    ("UPDATE heat SET tap_weight_t = 33.5 WHERE heat_no = '3-0425'",
     "heat 3-0425 (row {id}): tap_weight_t is 33.5, but its audit trail"),
    ("UPDATE heat SET inspector = 'nobody' WHERE heat_no = '3-0425'",
     "heat 3-0425 (row {id}): inspector is 'nobody', but its audit trail"),
    ("UPDATE heat SET void_reason = 'never tapped' WHERE heat_no = '3-0425'",
     "heat 3-0425 (row {id}): void_reason is 'never tapped', but its audit trail"),
    ("UPDATE heat_analysis SET value_pct = 0.045 WHERE element = 'S' AND heat_id = "
     "(SELECT id FROM heat WHERE heat_no = '3-0425')",
     "heat 3-0425 (row {id}): rows is"),
])
def test_a_heat_changed_behind_the_programs_back_is_named(demo_db: Path, change: str,
                                                          expected: str) -> None:
    with plain(demo_db) as raw:
        heat_id = raw.execute("SELECT id FROM heat WHERE heat_no = '3-0425'").fetchone()[0]
        raw.execute(change)
    code, out = verify(demo_db)
    assert code == 1
    assert expected.format(id=heat_id) in out


def test_a_voided_heat_brought_back_is_named(demo_db: Path) -> None:
    with Store.open(demo_db, "tester") as s:
        s.void_heat("3-0425", reason="entered twice")
    with plain(demo_db) as raw:
        raw.execute("UPDATE heat SET void_reason = NULL WHERE heat_no = '3-0425'")
    code, out = verify(demo_db)
    assert code == 1
    assert "void_reason is null, but its audit trail" in out
    assert "says 'entered twice'" in out


def test_a_row_added_behind_the_programs_back_is_named(demo_db: Path) -> None:
    with plain(demo_db) as raw:
        heat_id = raw.execute("SELECT id FROM heat WHERE heat_no = '3-0425'").fetchone()[0]
        raw.execute("INSERT INTO ingot (heat_id, ingot_no, weight_kg, disposition, inspector, judged_at) "
                    "VALUES (?, 99, 700.0, 'accepted', 'x', '1959-02-02 20:00:00')", (heat_id,))
    code, out = verify(demo_db)
    assert code == 1
    assert "ingot 3-0425/99 (ingot row" in out
    assert "has no audit entry: it was added behind" in out


def test_a_row_removed_behind_the_programs_back_is_named(demo_db: Path) -> None:
    with plain(demo_db, drop_triggers=True) as raw:
        ingot_id = raw.execute("SELECT i.id FROM ingot i JOIN heat h ON h.id = i.heat_id "
                               "WHERE h.heat_no = '3-0425' AND i.ingot_no = 2").fetchone()[0]
        raw.execute("DELETE FROM ingot WHERE id = ?", (ingot_id,))
    code, out = verify(demo_db)
    assert code == 1
    assert f"ingot 3-0425/2 (ingot row {ingot_id}) is gone, but its audit trail" in out


@pytest.mark.parametrize(("change", "table", "what"), [
    ("UPDATE converter SET name = 'Big one' WHERE code = '2'", "converter", "name is 'Big one'"),
    ("UPDATE shift SET start_min = 420 WHERE code = 'day'", "shift", "start_min is 420"),
    ("UPDATE grade SET description = 'anything' WHERE code = 'Q235B'", "grade", "description is 'anything'"),
    ("UPDATE standard_limit SET max_pct = 0.06 WHERE element = 'S' AND standard_id = "
     "(SELECT max(id) FROM standard WHERE grade = 'Q235A')", "standard", "rows is"),
    ("UPDATE defect SET category = 'dimensional' WHERE code = 'PIPE'", "defect", "category is 'dimensional'"),
    ("UPDATE ingot_defect SET location = 'middle' WHERE ingot_id = "
     "(SELECT min(ingot_id) FROM ingot_defect WHERE location = 'top')",
     "ingot", "rows is"),
    ("INSERT INTO plan (period, output_t, ingot_rate) VALUES ('1959-02', 9999, 0.99)", "plan",
     "has no audit entry"),
    ("INSERT INTO workshop (id, name_en) VALUES (1, 'Model workshop')", "workshop", "has no audit entry"),
])
def test_each_table_changed_behind_the_programs_back_is_named(demo_db: Path, change: str, table: str,
                                                            what: str) -> None:
    with plain(demo_db) as raw:
        raw.execute(change)
    code, out = verify(demo_db)
    assert code == 1
    assert f"verify FAILED: {table} " in out
    assert what in out


@pytest.mark.parametrize(("change", "what"), [
    ("UPDATE plan SET output_t = 9000", "output_t is 9000.0, but its audit trail"),
    ("UPDATE control_limits SET centre = 0.01", "centre is 0.01, but its audit trail"),
    ("UPDATE workshop SET name_en = 'Model workshop'", "name_en is 'Model workshop'"),
    ("UPDATE person SET active = 1 WHERE name = 'li'", "person li (row"),
    ("UPDATE person SET role = 'head' WHERE name = 'wang'", "role is 'head'"),
    ("UPDATE signature SET superseded_at = NULL, superseded_reason = NULL", "signature #"),
])
def test_set_up_people_and_signatures_changed_are_named(signed: Path, change: str, what: str) -> None:
    with open_as(signed, "hu") as s:
        s.set_plan("2025-03", output_t=5000, ingot_rate=0.95)
        s.set_workshop("Converter workshop 2")
        s.freeze_limits(ControlLimits(ChartKey("p"), DAY, DAY, 0.05, None, 4))
        s.update_ingot("D1", 1, weight_kg=701.0, reason="scale recalibrated")  # supersedes
    with open_as(signed, "ada") as s:
        s.deactivate_person("li", reason="left the workshop")
    assert verify(signed)[0] == 0
    with plain(signed, drop_triggers=True) as raw:
        raw.execute(change)
    code, out = verify(signed)
    assert code == 1
    assert what in out


# ------------------------------------------------------------ standards

def test_a_loosened_limit_with_its_verdicts_rewritten_on_a_signed_day_is_named(signed: Path) -> None:
    """Heat D2 fails Q235B after a lab recheck entered through the program; then the limit is
    loosened and the heat marked conforming again with plain SQL, on a day signed before."""
    with open_as(signed, "hu") as s:
        s.set_analysis("D2", {"S": 0.05}, reason="lab recheck")  # fails Q235B (S max 0.045)
        assert s.heat("D2").chem_status.value == "fails"
    with plain(signed) as raw:
        raw.execute("UPDATE standard_limit SET max_pct = 0.06 WHERE element = 'S' AND standard_id = "
                    "(SELECT standard_id FROM heat WHERE heat_no = 'D2')")
        raw.execute("UPDATE heat SET chem_status = 'conforms' WHERE heat_no = 'D2'")
    code, out = verify(signed)
    assert code == 1
    assert "verify FAILED: standard Q235B GB/T 700-2006" in out
    assert "rows is" in out


# ------------------------------------------------------- forged signatures

def _sign_day_unchecked(db: Path, name: str, pin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign the day as `name` with a qcdesk whose check of the signer's record was cut out
    (an attacker's own build): the signature is made as the live rows say."""
    monkeypatch.setattr(Store, "_proven_person_row", lambda self, person_id: self.conn.execute(
        "SELECT * FROM person WHERE id = ?", (person_id,)).fetchone())
    with open_as(db, None) as s:
        s.login(name, pin)
        s.sign_day(DAY, pin)
    monkeypatch.undo()


def _unsign_day(db: Path) -> None:
    """Supersede the day's signature through the program, so it can be signed again."""
    with open_as(db, "hu") as s:
        s.update_heat("D1", notes="checked", reason="note added")
    with open_as(db, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])


def test_a_pin_hash_copied_into_a_head_is_refused_when_signing(signed: Path) -> None:
    _unsign_day(signed)
    with plain(signed) as raw:  # wang gives the head his own PIN hash
        real = raw.execute("SELECT pin_hash FROM person WHERE name = 'hu'").fetchone()[0]
        raw.execute("UPDATE person SET pin_hash = (SELECT pin_hash FROM person WHERE name = 'wang') "
                    "WHERE name = 'hu'")
    before = fingerprint(signed)
    with open_as(signed, None) as s, pytest.raises(QcError, match="the record of hu was changed outside"):
        s.login("hu", PINS["wang"])  # the forged hash lets nobody in
    assert fingerprint(signed) == before
    with plain(signed) as raw:
        raw.execute("UPDATE person SET pin_hash = ? WHERE name = 'hu'", (real,))
    with open_as(signed, "hu") as s, plain(signed) as raw:  # signed in before the copy …
        raw.execute("UPDATE person SET pin_hash = (SELECT pin_hash FROM person WHERE name = 'wang') "
                    "WHERE name = 'hu'")
        raw.commit()
        with pytest.raises(QcError, match="the record of hu was changed outside qcdesk: nothing was done"):
            s.sign_day(DAY, PINS["wang"])  # … the program does not sign with it
    with plain(signed) as raw:
        assert raw.execute("SELECT count(*) FROM signature WHERE kind = 'day' AND superseded_at IS NULL"
                           ).fetchone()[0] == 0


def test_a_signature_forged_with_a_copied_pin_hash_is_named(signed: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _unsign_day(signed)
    with plain(signed) as raw:
        real = raw.execute("SELECT pin_hash FROM person WHERE name = 'hu'").fetchone()[0]
        raw.execute("UPDATE person SET pin_hash = (SELECT pin_hash FROM person WHERE name = 'wang') "
                    "WHERE name = 'hu'")
    _sign_day_unchecked(signed, "hu", PINS["wang"], monkeypatch)
    with plain(signed) as raw:  # and the head's own hash back, as if nothing happened
        raw.execute("UPDATE person SET pin_hash = ? WHERE name = 'hu'", (real,))
    code, out = verify(signed)
    assert code == 1
    assert "by hu (day approved by workshop head)" in out
    assert "was signed with a PIN checked against another PIN hash than hu's at that moment" in out


def test_a_role_raised_for_one_signing_is_named(signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unsign_day(signed)
    with plain(signed) as raw:
        raw.execute("UPDATE person SET role = 'head' WHERE name = 'wang'")
    _sign_day_unchecked(signed, "wang", PINS["wang"], monkeypatch)
    with plain(signed) as raw:
        raw.execute("UPDATE person SET role = 'inspector' WHERE name = 'wang'")
    code, out = verify(signed)
    assert code == 1
    assert "was signed as head, but the audit trail says wang was inspector then" in out


def test_a_refused_signing_changes_no_byte(signed: Path) -> None:
    _unsign_day(signed)
    with plain(signed) as raw:
        raw.execute("UPDATE person SET role = 'head' WHERE name = 'wang'")
    before = fingerprint(signed)
    with pytest.raises(QcError, match="the record of wang was changed outside qcdesk"):
        open_as(signed, "wang")
    assert fingerprint(signed) == before


def test_a_role_raised_during_a_session_gives_no_more_rights(signed: Path) -> None:
    with open_as(signed, "wang") as s:
        with plain(signed) as raw:
            raw.execute("UPDATE person SET role = 'admin' WHERE name = 'wang'")
        before = fingerprint(signed)
        with pytest.raises(QcError, match="the record of wang was changed outside qcdesk"):
            s.add_converter("9", "a converter of his own")
        assert fingerprint(signed) == before
