"""People and roles: PINs as slow salted hashes, lock-out, roles enforced by the store."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from signed_shop import CHEAP, NOW, PINS, add_people, make_shop, open_as

from qcdesk import people
from qcdesk.cli import main
from qcdesk.errors import Conflict, InputError, QcError
from qcdesk.people import OWASP, PERMISSIONS, Permission, Role, hash_pin, pin_matches
from qcdesk.store import NewHeat, Store

REFUSED = "the name or the PIN is wrong (after 5 wrong PINs in a row, every PIN is refused for 15 minutes)"


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


# ------------------------------------------------------------------ the hash

def test_a_pin_is_stored_as_scrypt_at_owasp_cost_with_its_parameters() -> None:
    assert (OWASP.n, OWASP.r, OWASP.p) == (2 ** 17, 8, 1)  # OWASP Password Storage Cheat Sheet
    stored = hash_pin("482913")
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "131072", "8", "1")
    assert len(bytes.fromhex(salt)) == 16
    assert len(bytes.fromhex(key)) == 32
    # recomputed here with hashlib from the stored salt and parameters
    again = hashlib.scrypt(b"482913", salt=bytes.fromhex(salt), n=2 ** 17, r=8, p=1,
                           maxmem=2 ** 28, dklen=32)
    assert again.hex() == key
    assert "482913" not in stored


def test_the_same_pin_twice_gets_two_salts_and_both_match() -> None:
    first, second = hash_pin("246810", CHEAP), hash_pin("246810", CHEAP)
    assert first != second
    assert pin_matches("246810", first)
    assert pin_matches("246810", second)
    assert not pin_matches("246811", first)
    assert not pin_matches("246810", "not a hash")


@pytest.mark.parametrize("pin", ["", "12345", "abc"])
def test_a_short_pin_is_refused_and_nobody_is_added(store: Store, pin: str) -> None:
    before = dump(store)
    with pytest.raises(InputError, match="at least 6"):
        store.add_person("ada", "admin", pin, cost=CHEAP)
    assert dump(store) == before


# -------------------------------------------------------------------- roles

def test_the_role_table() -> None:
    expected = {
        Role.INSPECTOR: {"record", "close_shift", "dismiss_alert"},
        Role.HEAD: {"record", "close_shift", "correct_signed", "sign_day", "setup", "dismiss_alert"},
        Role.ADMIN: {"record", "correct_signed", "setup", "people"},
    }
    assert {role: {p.value for p in perms} for role, perms in PERMISSIONS.items()} == expected


def test_a_database_without_people_works_as_before(store: Store) -> None:
    assert not store.roles_enforced()
    store.add_grade("20")
    assert store.audit()[-1].user == "tester"


def test_the_first_person_must_be_an_administrator(store: Store) -> None:
    before = dump(store)
    with pytest.raises(Conflict, match="administrator"):
        store.add_person("hu", "head", PINS["hu"], cost=CHEAP)
    assert dump(store) == before
    store.add_person("ada", "admin", PINS["ada"], cost=CHEAP)
    assert store.roles_enforced()


def test_a_first_person_whose_write_failed_leaves_no_one_to_sign_in(store: Store) -> None:
    """The store remembers that the database has people (a person is never deleted), but not
    one added by a write that was then undone: the desk still works without signing in."""
    def added_then_failed() -> None:
        with store.transaction():
            store.add_person("ada", "admin", PINS["ada"], cost=CHEAP)
            assert store.roles_enforced()
            raise RuntimeError("the power failed")

    with pytest.raises(RuntimeError, match="power"):
        added_then_failed()
    assert store.people() == []
    assert not store.roles_enforced()
    store.add_grade("20")  # no one needs to sign in
    assert store.audit()[-1].user == "tester"


def test_once_there_are_people_a_write_needs_someone_signed_in(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, None) as s:
        before = dump(s)
        for attempt in (lambda: s.add_grade("20"),
                        lambda: s.update_ingot("D1", 1, weight_kg=710.0, reason="reweighed"),
                        lambda: s.add_person("zhao", "inspector", "zhao-pin", cost=CHEAP),
                        lambda: s.set_plan("2025-03", output_t=1000.0, ingot_rate=None)):
            with pytest.raises(QcError, match="sign in first"):
                attempt()
        assert dump(s) == before
        assert s.heats(NOW.date(), NOW.date())  # reading needs no one


@pytest.mark.parametrize(("who", "action", "allowed"), [
    ("wang", "setup", False), ("hu", "setup", True), ("ada", "setup", True),
    ("wang", "people", False), ("hu", "people", False), ("ada", "people", True),
    ("wang", "record", True), ("hu", "record", True), ("ada", "record", True),
])
def test_each_role_may_do_what_the_table_says(db_path: Path, who: str, action: str,
                                              allowed: bool) -> None:
    make_shop(db_path)
    attempts = {
        "setup": lambda s: s.add_converter("4", "Converter 4", 30.0),
        "people": lambda s: s.add_person("zhao", "inspector", "zhao-pin", cost=CHEAP),
        "record": lambda s: s.set_analysis("D1", {"Cr": 0.05}),
    }
    with open_as(db_path, who) as s:
        before = dump(s)
        if allowed:
            attempts[action](s)
            assert s.audit()[-1].user == who
        else:
            with pytest.raises(QcError, match="may not"):
                attempts[action](s)
            assert dump(s) == before


def test_people_are_deactivated_not_deleted(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as worker:  # signed in before the deactivation
        with open_as(db_path, "ada") as admin:
            admin.deactivate_person("li", "left the workshop")
            admin.deactivate_person("wang", "moved to the lab")
            assert {p.name: p.active for p in admin.people()} == {
                "ada": True, "hu": True, "li": False, "wang": False}
            with pytest.raises(Conflict, match="yourself"):
                admin.deactivate_person("ada")
            with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
                admin.conn.execute("DELETE FROM person WHERE name = 'li'")
        # the deactivation takes effect on the next write of a session already open
        with pytest.raises(QcError, match="deactivated"):
            worker.set_analysis("D1", {"Cr": 0.05})
    with open_as(db_path, None) as s, pytest.raises(QcError, match="deactivated"):
        s.login("li", PINS["li"])


def test_a_worker_connection_opened_for_a_person_writes_as_them(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        person = s.person
    assert person is not None
    with Store.open(db_path, person=person, clock=lambda: NOW) as worker:
        worker.set_analysis("D1", {"Cr": 0.05})
        assert worker.audit()[-1].user == "wang"


# ------------------------------------------------------------------ lock-out

def test_five_wrong_pins_lock_out_for_fifteen_minutes_across_restarts(db_path: Path) -> None:
    make_shop(db_path)
    now = [NOW]
    for _attempt in range(4):
        with open_as(db_path, None, now) as s, pytest.raises(QcError, match="wrong"):
            s.login("wang", "guess-1")
    with open_as(db_path, None, now) as s:
        assert s.person_named("wang").failed_logins == 4
        with pytest.raises(QcError, match="wrong"):
            s.login("wang", "guess-5")
        # the right PIN no longer helps, even after a restart, and is told like a wrong one
        with pytest.raises(QcError, match="wrong"):
            s.login("wang", PINS["wang"])
    now[0] = NOW + timedelta(minutes=14, seconds=59)
    with open_as(db_path, None, now) as s, pytest.raises(QcError, match="wrong"):
        s.login("wang", PINS["wang"])
    now[0] = NOW + timedelta(minutes=15)
    with open_as(db_path, None, now) as s:
        assert s.login("wang", PINS["wang"]).name == "wang"
        assert s.person_named("wang").failed_logins == 0
        trail = [(e.user, e.entity_key, e.field, e.new_value) for e in s.audit()
                 if e.entity == "person" and e.field == "sign-in"]
    until = (NOW + timedelta(minutes=15)).astimezone().isoformat(timespec="seconds")
    assert trail[:4] == [("wang", "wang", "sign-in", "wrong PIN")] * 4
    assert trail[4] == ("wang", "wang", "sign-in", "locked out until " + until)
    # the two attempts during the lock-out, audited, neither lengthening it
    assert trail[5:] == [("wang", "wang", "sign-in", "attempt refused: locked out until " + until)] * 2


def test_an_unknown_name_is_told_like_a_wrong_pin(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, None) as s:
        with pytest.raises(QcError) as unknown:
            s.login("nobody", "whatever")
        with pytest.raises(QcError) as wrong:
            s.login("wang", "whatever")
    assert str(unknown.value) == str(wrong.value) == REFUSED


def test_an_admin_resets_a_pin_and_lifts_the_lock(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, None) as s:
        for _attempt in range(5):
            with pytest.raises(QcError):
                s.login("li", "wrong-pin")
    with open_as(db_path, "ada") as admin:
        admin.set_pin("li", "fresh-pin", cost=CHEAP)
        assert admin.audit()[-1].new_value == "***"
    with open_as(db_path, None) as s:
        assert s.login("li", "fresh-pin").role is Role.INSPECTOR


def test_writes_by_people_carry_their_names(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "li") as s:
        s.add_heat(NewHeat("E2", "3", NOW.replace(tzinfo=None, hour=18), "Q235B", 22.0, None, "li"))
        assert s.audit("E2")[-1].user == "li"


def test_a_person_is_allowed_what_the_permissions_say() -> None:
    from qcdesk.people import Person
    inspector = Person(1, "wang", Role.INSPECTOR, True)
    assert inspector.may(Permission.CLOSE_SHIFT)
    assert not inspector.may(Permission.SIGN_DAY)
    assert not Person(2, "li", Role.HEAD, False).may(Permission.RECORD)  # deactivated


def test_add_people_helper_makes_four(store: Store) -> None:
    people = add_people(store)
    assert {p.name: p.role.value for p in people.values()} == {
        "ada": "admin", "hu": "head", "wang": "inspector", "li": "inspector"}


# -------------------------------------------------------------- command line

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_the_first_administrator_from_the_command_line(db_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_path, "tester").close()
    code, out, _err = run("--db", str(db_path), "user", "list")
    assert (code, out.startswith("No people yet")) == (0, True)
    monkeypatch.setenv("QCDESK_PIN", "12345")
    code, _out, err = run("--db", str(db_path), "user", "add", "ada", "--role", "admin")
    assert (code, err) == (1, "qcdesk: PIN: must have at least 6 characters\n")
    monkeypatch.setenv("QCDESK_PIN", "admin-pin")
    code, _out, err = run("--db", str(db_path), "user", "add", "hu", "--role", "head")
    assert (code, err) == (1, "qcdesk: the first person of a database must be an administrator\n")
    code, out, _err = run("--db", str(db_path), "user", "add", "ada", "--role", "admin")
    assert (code, out) == (0, "ada added as administrator.\n")
    with Store.open(db_path, "tester") as s:
        stored = s.conn.execute("SELECT pin_hash FROM person").fetchone()[0]
    assert stored.startswith("scrypt$131072$8$1$")  # the command line hashes at OWASP's cost


def test_adding_and_deactivating_people_from_the_command_line(db_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    monkeypatch.setenv("QCDESK_NEW_PIN", "zhao-pin")
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    code, _out, err = run("--db", str(db_path), "--user", "wang", "user", "add", "zhao",
                          "--role", "inspector")
    assert (code, err) == (1, "qcdesk: as inspector, wang may not manage people\n")
    monkeypatch.setenv("QCDESK_PIN", "wrong-pin")
    code, _out, err = run("--db", str(db_path), "--user", "ada", "user", "add", "zhao",
                          "--role", "inspector")
    assert (code, err) == (1, f"qcdesk: {REFUSED}\n")
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    assert run("--db", str(db_path), "--user", "ada", "user", "add", "zhao", "--role", "inspector")[0] == 0
    code, out, _err = run("--db", str(db_path), "--user", "ada", "user", "deactivate", "li",
                          "--reason", "left")
    assert (code, out) == (0, "li is deactivated.\n")
    code, out, _err = run("--db", str(db_path), "--user", "ada", "user", "list")  # tests/test_lockout.py
    lines = [line.split() for line in out.splitlines()[2:]]
    assert [line[:2] for line in lines] == [["ada", "administrator"], ["hu", "workshop"],
                                            ["li", "inspector"], ["wang", "inspector"],
                                            ["zhao", "inspector"]]
    assert [line[-1] for line in lines] == ["active", "active", "deactivated", "active", "active"]


def test_a_write_from_the_command_line_signs_in_first(db_path: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    csv = tmp_path / "heats.csv"
    csv.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
                   "N1,1,2025-03-11 09:00,Q235B,30,,wang\n", encoding="utf-8")
    monkeypatch.setenv("QCDESK_PIN", "not-his")
    code, _out, err = run("--db", str(db_path), "--user", "wang", "import", "heats", str(csv))
    assert (code, err) == (1, f"qcdesk: {REFUSED}\n")
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    assert run("--db", str(db_path), "--user", "wang", "import", "heats", str(csv))[0] == 0
    with Store.open(db_path, "tester") as s:
        assert s.audit("N1")[0].user == "wang"
    # reading needs no PIN
    monkeypatch.delenv("QCDESK_PIN")
    assert run("--db", str(db_path), "heats", "--from", "2025-03-11", "--to", "2025-03-11")[0] == 0


def test_an_admin_resets_a_pin_from_the_command_line(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    with open_as(db_path, None) as s:
        for _attempt in range(5):
            with pytest.raises(QcError):
                s.login("li", "wrong-pin")
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    monkeypatch.setenv("QCDESK_NEW_PIN", "li-new-pin")
    code, out, _err = run("--db", str(db_path), "--user", "ada", "user", "pin", "li")
    assert (code, out) == (0, "li has a new PIN.\n")
    with open_as(db_path, None) as s:
        assert s.login("li", "li-new-pin").name == "li"


def test_an_inspector_may_not_set_the_plan(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s, pytest.raises(QcError, match="may not change set-up data"):
        s.set_plan("2025-03", output_t=1000.0, ingot_rate=None)
    with open_as(db_path, "hu") as s:
        assert s.set_plan("2025-03", output_t=1000.0, ingot_rate=None).output_t == 1000.0
        assert s.audit()[-1].user == "hu"
    with open_as(db_path, "wang") as s, pytest.raises(QcError, match="may not change set-up data"):
        s.remove_plan("2025-03", "not mine to set")
    with open_as(db_path, "wang") as s, pytest.raises(QcError, match="may not change set-up data"):
        s.set_workshop("Wang's workshop")
    with open_as(db_path, "wang") as s:
        assert [p.period for p in s.plans()] == ["2025-03"]


def test_no_audit_entry_is_written_by_nobody_once_there_are_people(db_path: Path) -> None:
    """The backstop under every write method: an entry needs someone signed in."""
    make_shop(db_path)
    with open_as(db_path, None) as s:
        before = dump(s)
        with pytest.raises(QcError, match="sign in first"), s.transaction():
            s._audit("insert", "grade", "20", new={"code": "20"})
        assert dump(s) == before


def test_setting_the_plan_from_the_command_line_signs_in_first(db_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    db = ["--db", str(db_path), "--user", "hu"]
    monkeypatch.setenv("QCDESK_PIN", "not-his")
    code, _out, err = run(*db, "plan", "set", "2025-03", "--output", "1000")
    assert (code, err) == (1, f"qcdesk: {REFUSED}\n")
    monkeypatch.setenv("QCDESK_PIN", PINS["hu"])
    assert run(*db, "plan", "set", "2025-03", "--output", "1000") == (0, "Plan 2025-03 set.\n", "")
    monkeypatch.delenv("QCDESK_PIN")
    assert run(*db, "plan", "list")[0] == 0  # reading needs no PIN


def test_a_wrong_pin_says_nothing_of_whether_a_name_is_locked_deactivated_or_unknown(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PIN is checked first, one scrypt for every name; only a right PIN hears why
    the person may not sign in."""
    make_shop(db_path)
    with open_as(db_path, "ada") as s:
        s.deactivate_person("li", "left the plant")
    with open_as(db_path, None) as s:
        for _attempt in range(5):
            with pytest.raises(QcError):
                s.login("wang", "guess")
    calls: list[int] = []
    real = people._scrypt

    def counted(*args: Any) -> bytes:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(people, "_scrypt", counted)
    told = {}
    with open_as(db_path, None) as s:
        for name in ("wang", "li", "nobody"):  # locked out, deactivated, unknown
            calls.clear()
            with pytest.raises(QcError) as refused:
                s.login(name, "not-the-pin")
            told[name] = (str(refused.value), len(calls))
        assert set(told.values()) == {(REFUSED, 1)}
        with pytest.raises(QcError) as right_but_locked:  # see tests/test_lockout.py
            s.login("wang", PINS["wang"])
        assert str(right_but_locked.value) == REFUSED
        with pytest.raises(QcError, match="li is deactivated and cannot sign in"):
            s.login("li", PINS["li"])


def test_the_stand_in_hash_is_a_constant_at_owasp_cost() -> None:
    assert people.STAND_IN.split("$")[:4] == ["scrypt", str(2 ** 17), "8", "1"]
    assert not pin_matches("", people.STAND_IN)
