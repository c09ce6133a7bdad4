"""A lock-out that stops guessing: while a person is locked out, every PIN, right or wrong, is
refused alike, after the same work, and audited as an attempt; and only an administrator or
a workshop head lists the people."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from attacker import fingerprint, plain
from signed_shop import NOW, PINS, make_shop, open_as

from qcdesk import people
from qcdesk.cli import main
from qcdesk.errors import QcError

REFUSED = "the name or the PIN is wrong (after 5 wrong PINs in a row, every PIN is refused for 15 minutes)"
UNTIL = NOW + timedelta(minutes=15)  # the fifth wrong PIN is given at NOW


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return fingerprint(path)


def person_row(path: Path, name: str) -> tuple[Any, ...]:
    with plain(path) as conn:
        return tuple(conn.execute("SELECT * FROM person WHERE name = ?", (name,)).fetchone())


def sign_in_trail(path: Path, name: str) -> list[str]:
    with plain(path) as conn:
        return [r[0] for r in conn.execute(
            "SELECT new_value FROM audit WHERE entity = 'person' AND entity_key = ? AND field = 'sign-in' "
            "ORDER BY id", (name,)).fetchall()]


def lock_out(path: Path, name: str) -> None:
    """Five wrong PINs in a row at NOW."""
    now = [NOW]
    for attempt in range(5):
        with open_as(path, None, now) as s, pytest.raises(QcError):
            s.login(name, f"guess-{attempt}")


@pytest.fixture
def shop(db_path: Path) -> Path:
    make_shop(db_path)
    return db_path


def test_during_a_lock_out_the_right_pin_is_told_exactly_like_a_wrong_one(
        shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock_out(shop, "wang")
    scrypts: list[int] = []
    real = people._scrypt

    def counted(*args: Any) -> bytes:
        scrypts.append(1)
        return real(*args)

    monkeypatch.setattr(people, "_scrypt", counted)
    told: dict[str, tuple[str, int]] = {}
    now = [NOW + timedelta(minutes=3)]
    for label, pin in (("right", PINS["wang"]), ("wrong", "not-his-pin")):
        scrypts.clear()
        with open_as(shop, None, now) as s:
            with pytest.raises(QcError) as refused:
                s.login("wang", pin)
            assert s.person is None  # nobody signed in
        told[label] = (str(refused.value), len(scrypts))
    # the same words after the same work (one scrypt each): nothing says which PIN was right
    assert told["right"] == told["wrong"] == (REFUSED, 1)
    # and the same as for a name nobody has
    scrypts.clear()
    with open_as(shop, None, now) as s, pytest.raises(QcError) as unknown:
        s.login("nobody", PINS["wang"])
    assert (str(unknown.value), len(scrypts)) == (REFUSED, 1)


def test_an_attempt_during_a_lock_out_is_audited_and_lengthens_nothing(shop: Path) -> None:
    lock_out(shop, "wang")
    row_locked = person_row(shop, "wang")
    until = UNTIL.astimezone().isoformat(timespec="seconds")
    assert row_locked[-2:] == (0, until)  # failed_logins back to 0, locked until NOW + 15 min
    for minutes, pin in ((1, PINS["wang"]), (7, "guess-6"), (14, PINS["wang"])):
        with open_as(shop, None, [NOW + timedelta(minutes=minutes)]) as s, pytest.raises(QcError):
            s.login("wang", pin)
    assert person_row(shop, "wang") == row_locked  # neither the count nor the lock moved
    assert sign_in_trail(shop, "wang") == [
        *["wrong PIN"] * 4, "locked out until " + until,
        *["attempt refused: locked out until " + until] * 3]
    # the lock ends when it said, whatever was tried during it
    with open_as(shop, None, [NOW + timedelta(minutes=14, seconds=59)]) as s, pytest.raises(QcError):
        s.login("wang", PINS["wang"])
    with open_as(shop, None, [UNTIL]) as s:
        assert s.login("wang", PINS["wang"]).name == "wang"


def test_after_the_lock_five_more_guesses_lock_again(shop: Path) -> None:
    """At most five guesses per quarter of an hour, however many are tried during the lock."""
    lock_out(shop, "wang")
    for minutes in range(1, 15):
        with open_as(shop, None, [NOW + timedelta(minutes=minutes)]) as s, pytest.raises(QcError):
            s.login("wang", f"during-{minutes}")
    later = [UNTIL + timedelta(minutes=1)]
    for attempt in range(4):
        with open_as(shop, None, later) as s, pytest.raises(QcError):
            s.login("wang", f"after-{attempt}")
        assert person_row(shop, "wang")[-2:] == (attempt + 1, None)
    with open_as(shop, None, later) as s, pytest.raises(QcError):
        s.login("wang", "after-5")
    relocked = (later[0] + timedelta(minutes=15)).astimezone().isoformat(timespec="seconds")
    assert person_row(shop, "wang")[-2:] == (0, relocked)
    with open_as(shop, None, later) as s, pytest.raises(QcError) as refused:
        s.login("wang", PINS["wang"])
    assert str(refused.value) == REFUSED


def test_a_right_pin_during_a_lock_out_signs_nothing(shop: Path) -> None:
    """Signing asks for the PIN again: a locked-out person's right PIN does not sign."""
    with open_as(shop, "wang") as s:
        for attempt in range(5):
            with pytest.raises(QcError):
                s.login("wang", f"guess-{attempt}")
        with pytest.raises(QcError) as refused:
            s.sign_shift(datetime(2025, 3, 10).date(), "day", PINS["wang"])
        assert str(refused.value) == REFUSED
        assert s.signatures(datetime(2025, 3, 10).date()) == []


def test_the_command_line_says_the_same_for_the_right_and_a_wrong_pin_during_a_lock_out(
        shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = ["--db", str(shop), "--user", "wang"]
    monkeypatch.setenv("QCDESK_PIN", "guess-pin")
    for _attempt in range(5):
        assert run(*db, "void", "heat", "D1", "--reason", "typo") == (1, "", f"qcdesk: {REFUSED}\n")
    before = person_row(shop, "wang")
    answers = []
    for pin in (PINS["wang"], "guess-pin"):
        monkeypatch.setenv("QCDESK_PIN", pin)
        answers.append(run(*db, "void", "heat", "D1", "--reason", "typo"))
    assert answers == [(1, "", f"qcdesk: {REFUSED}\n")] * 2
    assert person_row(shop, "wang") == before
    with open_as(shop, None) as s:
        assert s.heat("D1").heat_no == "D1"  # not voided
        assert s.heats(datetime(2025, 3, 10).date(), datetime(2025, 3, 10).date())[0].heat_no == "D1"


# ------------------------------------------------------------------ user list

def test_user_list_needs_an_administrator_or_a_head_signed_in(shop: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(shop)
    # no PIN to sign in with (no QCDESK_PIN, no terminal): refused, nothing listed
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run("--db", str(shop), "--user", "hu", "user", "list")
    assert (code, out) == (1, "")
    assert "QCDESK_PIN" in err
    # an inspector, signed in: refused
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    code, out, err = run("--db", str(shop), "--user", "wang", "user", "list")
    assert (code, out) == (1, "")
    assert err == ("qcdesk: only an administrator or a workshop head may list the people "
                   "(sign in as one with --user)\n")
    assert digest(shop) == before  # the refusals changed nothing
    # a wrong PIN is a wrong PIN (and counts towards a lock-out, as any)
    monkeypatch.setenv("QCDESK_PIN", "not-a-pin")
    assert run("--db", str(shop), "--user", "hu", "user", "list") == (1, "", f"qcdesk: {REFUSED}\n")
    for name in ("hu", "ada"):
        monkeypatch.setenv("QCDESK_PIN", PINS[name])
        code, out, err = run("--db", str(shop), "--user", name, "user", "list")
        assert (code, err) == (0, "")
        assert [line.split()[0] for line in out.splitlines()[2:]] == ["ada", "hu", "li", "wang"]


def test_user_list_of_a_database_without_people_needs_nobody(db_path: Path) -> None:
    make_shop(db_path, people=False)
    code, out, _err = run("--db", str(db_path), "user", "list")
    assert code == 0
    assert out.startswith("No people yet")
