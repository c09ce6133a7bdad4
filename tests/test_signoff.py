"""Sign-off: a shift closed by an inspector, a day signed by the head; signed records locked."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from signed_shop import DAY, NOW, PINS, make_shop, open_as

from qcdesk import chain
from qcdesk.cli import main
from qcdesk.errors import Conflict, QcError, ReasonRequired
from qcdesk.model import Disposition, IngotDefect, Limit
from qcdesk.signoff import Kind, Status
from qcdesk.store import NewHeat, NewIngot, Store


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


# The evening shift of make_shop, written out by hand in the documented canonical form.
EVENING = (
    '{"date":"2025-03-10","heats":[{"analysis":{"C":0.15,"Mn":0.5,"P":0.02,"S":0.02,"Si":0.2},'
    '"converter":"1","grade":"Q235B","heat_no":"E1","ingots":[{"defects":[],'
    '"disposition":"accepted","ingot_no":1,"inspector":"li","judged_at":"2025-03-10 18:00:00",'
    '"weight_kg":900.0}],"inspector":"li","notes":"","production_date":"2025-03-10",'
    '"shift":"evening","tap_temp_c":null,"tap_weight_t":20.0,"tapped_at":"2025-03-10 17:00"}],'
    '"shift":"evening"}')


def test_a_shift_signature_records_who_when_what_and_the_hash_of_its_records(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "li") as s:
        head_before = s.audit()[-1].hash
        sig = s.sign_shift(DAY, "evening", PINS["li"])
        entry = s.audit()[-1]
    assert (sig.kind, sig.production_date, sig.shift, sig.signer, sig.role) == (
        Kind.SHIFT, DAY, "evening", "li", "inspector")
    assert sig.meaning == "shift closed by inspector"
    assert datetime.fromisoformat(sig.signed_at) == NOW
    assert sig.records_hash == hashlib.sha256(EVENING.encode("utf-8")).hexdigest()
    assert sig.chain_head == head_before
    # the signature is itself an entry of the chain
    assert (entry.action, entry.entity, entry.user) == ("insert", "signature", "li")
    assert json.loads(entry.new_value or "")["records_hash"] == sig.records_hash


def test_signing_asks_for_the_pin_again_and_counts_a_wrong_one(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "li") as s:
        before = s.counts()["signature"]
        with pytest.raises(QcError, match="wrong"):
            s.sign_shift(DAY, "evening", "not-my-pin")
        assert s.counts()["signature"] == before
        assert s.person_named("li").failed_logins == 1


def test_a_day_is_signed_by_the_head_after_its_shifts_are_closed(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        assert s.day_signoff(DAY).status is Status.UNSIGNED
        with pytest.raises(QcError, match="may not"):
            s.sign_day(DAY, PINS["wang"])
        s.sign_shift(DAY, "day", PINS["wang"])
        with pytest.raises(Conflict, match="already signed"):
            s.sign_shift(DAY, "day", PINS["wang"])
        with pytest.raises(Conflict, match="no heats"):
            s.sign_shift(DAY, "night", PINS["wang"])
    with open_as(db_path, "hu") as s:
        with pytest.raises(Conflict, match="evening"):
            s.sign_day(DAY, PINS["hu"])  # the evening shift is still open
        s.sign_shift(DAY, "evening", PINS["hu"])  # a head may close a shift too
        sig = s.sign_day(DAY, PINS["hu"])
        standing = s.day_signoff(DAY)
        assert standing.status is Status.SIGNED
        assert standing.signature == sig
        assert (sig.signer, sig.meaning) == ("hu", "day approved by workshop head")
        assert [(g.kind.value, g.shift) for g in s.signatures(DAY)] == [
            ("shift", "day"), ("shift", "evening"), ("day", None)]


def test_an_admin_does_not_sign(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "ada") as s, pytest.raises(QcError, match="may not"):
        s.sign_shift(DAY, "day", PINS["ada"])


def test_signing_needs_people(store: Store) -> None:
    with pytest.raises(QcError, match="administrator"):
        store.sign_shift(DAY, "day", "whatever")


def _signed_day(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
        s.sign_shift(DAY, "evening", PINS["wang"])
    with open_as(db_path, "hu") as s:
        s.sign_day(DAY, PINS["hu"])


CHANGES = {
    "ingot weight": lambda s, r: s.update_ingot("D1", 1, weight_kg=710.0, reason=r),
    "ingot defects": lambda s, r: s.update_ingot("D1", 2, defects=[IngotDefect("PIPE")], reason=r),
    "analysis": lambda s, r: s.set_analysis("D1", {"Cr": 0.05}, reason=r),
    "heat notes": lambda s, r: s.update_heat("D2", notes="ladle 3", reason=r),
    "late ingot": lambda s, r: s.add_ingots("D2", [NewIngot(2, 500.0, Disposition.PENDING, "wang")],
                                            reason=r),
    "late heat": lambda s, r: s.add_heat(NewHeat("D3", "3", datetime(2025, 3, 10, 13, 0), "Q235B",
                                                 21.0, None, "wang"), reason=r),
    "voided ingot": lambda s, r: s.void_ingot("D1", 2, r or ""),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES)
def test_signed_records_are_locked_until_a_head_corrects_them_with_a_reason(
        db_path: Path, change: object) -> None:
    _signed_day(db_path)
    assert callable(change)
    with open_as(db_path, "hu") as s:
        before = dump(s)
        with pytest.raises(ReasonRequired):
            change(s, None)
        assert dump(s) == before
    with open_as(db_path, "wang") as s:
        with pytest.raises(QcError, match="may not correct a signed record"):
            change(s, "found later")
        assert dump(s) == before
    with open_as(db_path, "hu") as s:
        change(s, "found later")
        standing = s.day_signoff(DAY)
        assert standing.status is Status.SUPERSEDED
        assert standing.signature is not None
        assert standing.signature.superseded_reason == "found later"
        # the day shift's closing went too; the evening's stands: nothing of it changed
        live = {(g.kind.value, g.shift) for g in s.signatures(DAY) if g.live}
        assert live == {("shift", "evening")}
        assert len(s.signatures(DAY)) == 3  # superseded, never deleted
        superseded = [e for e in s.audit() if e.entity == "signature" and e.field == "superseded"]
        assert len(superseded) == 2
        assert {e.reason for e in superseded} == {"found later"}
        assert {json.loads(e.new_value or "")["role"] for e in superseded} == {"head"}


def test_a_superseded_day_is_signed_again(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "hu") as s:
        s.update_ingot("D1", 1, weight_kg=710.0, reason="reweighed")
        with pytest.raises(Conflict, match="day"):
            s.sign_day(DAY, PINS["hu"])  # the day shift must be closed again first
        s.sign_shift(DAY, "day", PINS["hu"])
        again = s.sign_day(DAY, PINS["hu"])
        assert s.day_signoff(DAY).status is Status.SIGNED
        assert s.day_signoff(DAY).signature == again
        assert len(s.signatures(DAY)) == 5


def test_records_of_other_days_are_not_locked(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "wang") as s:
        s.add_heat(NewHeat("N1", "1", datetime(2025, 3, 11, 9, 0), "Q235B", 30.0, None, "wang"))
        assert s.day_signoff(DAY).status is Status.SIGNED
        assert s.day_signoff(date(2025, 3, 11)).status is Status.UNSIGNED


def test_moving_a_heat_out_of_a_signed_shift_is_a_correction_of_it(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "hu") as s:
        s.update_heat("D2", tapped_at=datetime(2025, 3, 11, 11, 30), reason="clock was a day behind")
        assert s.day_signoff(DAY).status is Status.SUPERSEDED


def test_a_signature_cannot_be_deleted_or_changed(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, None) as s:
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            s.conn.execute("DELETE FROM signature")
        with pytest.raises(sqlite3.IntegrityError, match="only superseded"):
            s.conn.execute("UPDATE signature SET records_hash = ?", ("0" * 64,))
        s.conn.execute("UPDATE signature SET superseded_at = 'x', superseded_reason = 'y' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="only superseded"):
            s.conn.execute("UPDATE signature SET superseded_at = NULL, superseded_reason = NULL "
                           "WHERE id = 1")


def test_the_chain_head_at_signing_is_the_last_entry_before_the_signature(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
        entries = s.audit()
        sig = s.signatures(DAY)[0]
    assert entries[-1].entity == "signature"
    assert sig.chain_head == entries[-2].hash != chain.GENESIS


# -------------------------------------------------------------- command line

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_signing_from_the_command_line(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    db = ["--db", str(db_path)]
    code, out, _err = run(*db, "signoff", "2025-03-10")
    assert (code, out) == (0, "2025-03-10: unsigned (DRAFT)\n")
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    code, out, _err = run(*db, "--user", "wang", "sign", "shift", "2025-03-10", "day")
    assert code == 0
    assert out.startswith("shift closed by inspector: wang at ")
    code, _out, err = run(*db, "--user", "wang", "sign", "day", "2025-03-10")
    assert (code, err) == (1, "qcdesk: as inspector, wang may not sign a day\n")
    assert run(*db, "--user", "wang", "sign", "shift", "2025-03-10", "evening")[0] == 0
    monkeypatch.setenv("QCDESK_PIN", PINS["hu"])
    code, out, _err = run(*db, "--user", "hu", "sign", "day", "2025-03-10")
    assert code == 0
    with Store.open(db_path, "tester") as s:
        sig = s.day_signoff(DAY).signature
    assert sig is not None
    assert out.splitlines()[1] == f"records hash {sig.records_hash}; audit chain head {sig.chain_head}"
    with Store.open(db_path, "tester") as s:
        # every entry but the day's signing entry, the last
        held = len(s.audit()) - 1
    assert out.splitlines()[2].startswith(f"the audit log held {held} entries at that head: keep both")
    code, out, _err = run(*db, "signoff", "2025-03-10")
    assert out.splitlines()[0] == "2025-03-10: signed"
    assert out.splitlines()[1].startswith("  day: shift closed by inspector: wang at ")
    assert out.splitlines()[3].startswith("  day approved by workshop head: hu at ")
    # a correction from the command line: voiding a signed ingot, by the head, with a reason
    code, out, _err = run(*db, "--user", "hu", "void", "ingot", "D1", "2", "--reason", "weighed twice")
    assert (code, out) == (0, "ingot 2 of heat D1 voided.\n")
    code, out, _err = run(*db, "signoff", "2025-03-10")
    assert out.splitlines()[0] == "2025-03-10: changed since signed: to be signed again"
    assert "(superseded " in out
    assert ": weighed twice)" in out


def test_a_file_cannot_add_records_to_a_signed_shift(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "hu") as s:
        before = dump(s)
        late = NewHeat("D9", "3", datetime(2025, 3, 10, 14, 0), "Q235B", 21.0, None, "wang")
        with pytest.raises(Conflict, match="2025-03-10 is signed: a record is added"):
            s.import_heats([late, NewHeat("N9", "3", datetime(2025, 3, 11, 9, 0), "Q235B", 21.0,
                                          None, "wang")])
        with pytest.raises(Conflict, match="one at a time"):
            s.import_ingots([("D1", NewIngot(3, 500.0, Disposition.PENDING, "wang"))])
        assert dump(s) == before


# ------------------------------------------------- a back-dated standard edition

STRICT_C = [Limit("C", None, 0.01)]  # every heat of make_shop (C 0.15) fails it


def test_a_back_dated_edition_that_rejudges_signed_heats_needs_a_reason(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "ada") as s:
        before = dump(s)
        with pytest.raises(ReasonRequired, match=r"changes the verdict of signed heats \(2025-03-10\)"):
            s.add_edition("Q235B", "STRICT", "1", date(2025, 3, 1), STRICT_C)
        assert dump(s) == before  # nothing changed: no edition, no verdict, signatures live
        s.add_edition("Q235B", "STRICT", "1", date(2025, 3, 1), STRICT_C, reason="customer's new spec")
        assert s.day_signoff(DAY).status is Status.SUPERSEDED
        assert s.shift_signoff(DAY, "day").status is Status.SUPERSEDED
        assert s.check_heat("D1").status.value == "fails"
        assert {e.reason for e in s.audit() if e.entity == "signature" and e.field == "superseded"} \
            == {"customer's new spec"}


def test_an_inspector_cannot_back_date_an_edition_over_signed_days(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "wang") as s, pytest.raises(QcError, match="may not change set-up data"):
        s.add_edition("Q235B", "STRICT", "1", date(2025, 3, 1), STRICT_C, reason="r")


def test_an_edition_that_changes_no_signed_verdict_needs_no_reason(db_path: Path) -> None:
    _signed_day(db_path)
    with open_as(db_path, "ada") as s:
        s.add_edition("Q235B", "STRICT", "1", date(2025, 3, 11), STRICT_C)  # after the signed day
        s.add_edition("Q235B", "LOOSE", "1", date(2025, 3, 2), [Limit("C", None, 0.5)])  # all conform
        assert s.day_signoff(DAY).status is Status.SIGNED
