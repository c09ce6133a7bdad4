"""The journal of chain heads kept beside the database, and what verify makes of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from attacker import fingerprint, journal_of

from qcdesk import backup, journal
from qcdesk.errors import DatabaseError
from qcdesk.journal import Line, compare
from qcdesk.store import Store
from qcdesk.verify import verify, verify_file

A, B, C, D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
ZERO = "0" * 64


def walk(lines: list[Line | int], blocks: list[tuple[int, str]]) -> journal.Finding:
    return compare(iter(lines), iter(blocks), lambda last_id, head: (last_id, head) in {(0, ZERO), *blocks})


def test_a_journal_that_follows_the_chain_passes() -> None:
    found = walk([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("ok", 0, 0, A[:16]),
                  ("begin", 5, 9, B), ("begin", 9, 12, C), ("ok", 0, 0, B[:16]), ("ok", 0, 0, C[:16])],
                 [(5, A), (9, B), (12, C)])
    assert (found.problem, found.matched, found.unconfirmed) == (None, 3, 0)


def test_a_write_that_never_committed_is_no_alarm() -> None:
    """B was noted, then its commit failed (a full disk): the next write goes on from A."""
    found = walk([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("ok", 0, 0, A[:16]),
                  ("begin", 5, 9, B), ("begin", 5, 7, C), ("ok", 0, 0, C[:16])],
                 [(5, A), (7, C)])
    assert (found.problem, found.matched, found.unconfirmed) == (None, 2, 1)


def test_a_committed_write_missing_from_the_chain_fails() -> None:
    found = walk([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("ok", 0, 0, A[:16]),
                  ("begin", 5, 9, B), ("ok", 0, 0, B[:16])], [(5, A)])
    assert found.problem is not None
    assert "confirms a write ending at entry {id}" in found.problem
    assert found.args == {"id": 9, "head": B[:16]}


def test_a_write_the_journal_never_saw_fails() -> None:
    found = walk([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("ok", 0, 0, A[:16])],
                 [(5, A), (9, B)])
    assert found.problem is not None
    assert "the journal is behind the database" in found.problem
    assert found.args["id"] == 9
    found = walk([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("begin", 9, 12, C)],
                 [(5, A), (9, B), (12, C)])
    assert found.problem is not None
    assert "the journal is behind the database" in found.problem


def test_a_journal_of_another_database_fails() -> None:
    found = walk([("start", 0, 4, D), ("begin", 4, 5, A)], [(5, A)])
    assert found.problem is not None
    assert "starts at entry {id}" in found.problem


def test_lines_it_did_not_write_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "x.heads"
    path.write_bytes(b"start 0 " + ZERO.encode() + b"\nhello\nbegin 0 5 " + A.encode()
                     + b"\n" + b"x" * 1000 + b"\nok " + A.encode()[:16] + b"\nok " + B.encode()[:10])
    read = list(journal.lines(path))
    assert read[1] == 2
    assert read[3] == 4
    assert read[-1] == ("ok", 0, 0, A[:16])  # a last line cut short by a crash is not read


# ----------------------------------------------------------- with a database

# a new server database's journal starts at the seed's head (made from a template), a new file's at zero
@pytest.mark.sqlite_only
def test_every_write_is_noted_and_confirmed(db_path: Path) -> None:
    with Store.open(db_path, "tester") as s:
        s.add_grade("20")
        s.add_grade("45")
        head = s.chain_head()
    text = journal_of(db_path).read_text().splitlines()
    assert text[0] == f"start 0 {ZERO}"
    assert text[-2].startswith("begin ")
    assert text[-2].endswith(" " + head)
    assert text[-1] == f"ok {head[:16]}"
    # the seals of the seed data (migrations 9 and 10), two grades
    assert len([t for t in text if t.startswith("begin")]) == 4


def test_the_journal_can_live_elsewhere(db_path: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    beside = journal_of(db_path)  # beside the file; for a server, in this workstation's folder
    monkeypatch.setenv("QCDESK_HEADS", str(tmp_path / "safe"))
    (tmp_path / "safe").mkdir()
    with Store.open(db_path, "tester") as s:
        s.add_grade("20")
        assert verify(s).warnings == []
    assert journal_of(db_path) == tmp_path / "safe" / beside.name
    assert journal_of(db_path).is_file()
    assert not beside.exists()


def test_a_journal_that_cannot_be_written_stops_the_write(db_path: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    Store.open(db_path, "tester").close()
    before = fingerprint(db_path)
    monkeypatch.setenv("QCDESK_HEADS", str(tmp_path / "not a folder"))
    (tmp_path / "not a folder").write_text("")
    with Store.open(db_path, "tester") as s, pytest.raises(DatabaseError, match="cannot be written"):
        s.add_grade("20")
    assert fingerprint(db_path) == before


def test_a_backup_keeps_its_journal_and_a_restore_brings_it_back(demo_copy: Path, tmp_path: Path) -> None:
    made = backup.backup(demo_copy, tmp_path / "b.sqlite")
    with Store.open(demo_copy, "tester") as s:  # work after the backup: not in its journal
        s.add_grade("45")
        later = s.chain_head()
    own = made.path.with_name("b.sqlite.heads")
    assert own.is_file()
    assert later not in own.read_text()
    checked = verify_file(made.path)
    assert checked.ok
    assert checked.warnings == []
    done = backup.restore(made.path, demo_copy)
    assert done.kept_aside is not None
    aside = done.kept_aside.with_name(done.kept_aside.name + ".heads")
    assert later in aside.read_text()  # the replaced database's journal goes aside with it
    with Store.open(demo_copy, "tester") as s:
        report = verify(s)
    assert report.ok, report.problem
    assert report.warnings == []


def test_a_backup_without_a_journal_is_said(demo_copy: Path, tmp_path: Path) -> None:
    made = backup.backup(demo_copy, tmp_path / "b.sqlite")
    made.path.with_name("b.sqlite.heads").unlink()
    checked = verify_file(made.path)
    assert checked.ok
    assert any("there is no journal of chain heads" in w for w in checked.warnings)
