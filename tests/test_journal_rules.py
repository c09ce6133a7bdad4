"""The journal of chain heads, rule by rule: what each line says, what verify says of each
way a journal and a chain can disagree (in the words a person reads), and a backup's copy."""

from __future__ import annotations

import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from qcdesk import journal
from qcdesk.i18n import _
from qcdesk.journal import MAX_LINE, Line, compare

A, B, C = ("a" * 64, "b" * 64, "c" * 64)
ZERO = "0" * 64


def said(lines: list[Line | int], blocks: list[tuple[int, str]]) -> journal.Finding:
    known = {(0, ZERO), *blocks}
    return compare(iter(lines), iter(blocks), lambda last_id, head: (last_id, head) in known)


def words(found: journal.Finding) -> str:
    """The problem as verify shows it."""
    assert found.problem is not None
    return _(found.problem).format(**found.args)


# ------------------------------------------------------------------ compare

def test_each_disagreement_is_said_whole() -> None:
    cases = [
        ([("start", 0, 7, C)], [(5, A)],
         f"the journal starts at entry 7 (head {C[:16]}), which the database's chain does not have"),
        ([("begin", 0, 5, A)], [(5, A)], "the journal does not say where it starts"),
        ([], [(5, A)], "the journal is empty"),
        ([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("begin", 9, 12, C)], [(5, A)],
         "the database is behind its journal: the journal notes a write after entry 9, which the "
         "database's chain does not end a write with: entries were removed or the chain rewritten"),
        ([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("begin", 5, 9, B), ("ok", 0, 0, B[:16])], [(5, A)],
         f"the database is behind its journal: the journal confirms a write ending at entry 9 (head "
         f"{B[:16]}) that the database's chain does not have: entries were removed or the chain rewritten"),
        ([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("begin", 9, 12, C)], [(5, A), (9, B), (12, C)],
         f"the journal is behind the database: the write ending at entry 9 (head {B[:16]}) is not in it; it "
         "was not written by qcdesk, or not beside this journal"),
        ([("start", 0, 0, ZERO), ("begin", 0, 5, A)], [(5, A), (9, B)],
         f"the journal is behind the database: the write ending at entry 9 (head {B[:16]}) is not in it; it "
         "was not written by qcdesk, or not beside this journal"),
    ]
    for lines, blocks, expected in cases:
        found = said(lines, blocks)
        assert words(found) == expected
        assert found.unconfirmed == 0  # nothing is counted of a journal that does not hold


def test_a_journal_may_start_at_any_write_of_the_chain() -> None:
    """Kept from the first write after it was missing: the writes before its start are not
    asked for, the ones after it are."""
    found = said([("start", 0, 5, A), ("begin", 5, 9, B), ("begin", 9, 12, C)], [(5, A), (9, B), (12, C)])
    assert (found.problem, found.matched, found.starts_at) == (None, 2, 5)


def test_a_journal_started_at_the_last_write_agrees() -> None:
    found = said([("start", 0, 9, B)], [(5, A), (9, B)])
    assert (found.problem, found.matched, found.starts_at) == (None, 0, 9)


def test_a_chain_with_no_write_yet_and_its_journal_agree() -> None:
    found = said([("start", 0, 0, ZERO)], [])
    assert (found.problem, found.matched, found.unconfirmed, found.starts_at) == (None, 0, 0, 0)


def test_a_line_not_understood_is_counted_and_the_rest_still_read() -> None:
    found = said([("start", 0, 0, ZERO), 2, ("begin", 0, 5, A), 4, ("begin", 5, 9, B)], [(5, A), (9, B)])
    assert (found.problem, found.matched, found.bad_lines) == (None, 2, [2, 4])


def test_writes_that_never_committed_are_counted() -> None:
    found = said([("start", 0, 0, ZERO), ("begin", 0, 5, A), ("begin", 0, 4, B), ("begin", 0, 6, C)],
                 [(6, C)])
    assert (found.problem, found.matched, found.unconfirmed) == (None, 1, 2)


# ------------------------------------------------------------------- lines

def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_each_kind_of_line_is_read_as_written(tmp_path: Path) -> None:
    path = write(tmp_path / "j", f"start 3 {A}\nbegin 3 8 {B}\nok {B[:16]}\n".encode())
    assert list(journal.lines(path)) == [("start", 0, 3, A), ("begin", 3, 8, B), ("ok", 0, 0, B[:16])]


@pytest.mark.parametrize("line", [f"stop 5 {A}", f"back 1 2 {A}", f"ko {A[:16]}", f"start 5 {A[:63]}",
                                  f"start 5 {A[:60]}XXXX", f"start 5 {A.upper()}", f"ok {A}",
                                  f"begin 1 2 {A} x", "", "start five " + A])
def test_a_line_the_program_did_not_write_is_not_read_as_one(tmp_path: Path, line: str) -> None:
    path = write(tmp_path / "j", f"start 0 {ZERO}\n{line}\nok {A[:16]}\n".encode())
    assert list(journal.lines(path)) == [("start", 0, 0, ZERO), 2, ("ok", 0, 0, A[:16])]


def test_long_lines_are_skipped_whole_and_a_line_at_the_limit_is_read(tmp_path: Path) -> None:
    at_limit = f"ok {A[:16]}".ljust(MAX_LINE).encode() + b"\n"  # MAX_LINE characters and its newline
    over = f"ok {B[:16]}".ljust(MAX_LINE + 1).encode() + b"\n"
    path = write(tmp_path / "j", b"x" * 1000 + b"\n" + at_limit + over + f"ok {C[:16]}\n".encode())
    assert list(journal.lines(path)) == [1, ("ok", 0, 0, A[:16]), 3, ("ok", 0, 0, C[:16])]


def test_a_line_of_any_length_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = write(tmp_path / "j", b"x" * 50_000_000 + f"\nok {A[:16]}\n".encode())
    tracemalloc.start()
    try:
        assert list(journal.lines(path)) == [1, ("ok", 0, 0, A[:16])]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: a 50 MB line is skipped a few hundred bytes at a time


def test_a_last_line_cut_short_by_a_crash_is_not_read(tmp_path: Path) -> None:
    cut = f"ok {A[:16]}".ljust(MAX_LINE).encode()  # no newline: the write never ended
    path = write(tmp_path / "j", f"start 0 {ZERO}\n".encode() + cut)
    assert list(journal.lines(path)) == [("start", 0, 0, ZERO)]


# ------------------------------------------------------------- writing it

def test_the_journal_is_readable_by_all_and_written_by_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "x.heads"
    mask = os.umask(0o022)
    try:
        journal.begin(path, 0, ZERO, 5, A)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == f"start 0 {ZERO}\nbegin 0 5 {A}\n"
    journal.confirm(path, A)
    path.write_text("")  # an empty journal is started again
    journal.begin(path, 5, A, 9, B)
    assert path.read_text() == f"start 5 {A}\nbegin 5 9 {B}\n"


def test_a_confirmation_that_cannot_be_written_is_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "a folder, not a journal"
    folder.mkdir()
    journal.confirm(folder, A)  # no error: the write is then shown as unconfirmed
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------ backups' copy

def test_a_backups_journal_ends_where_its_database_ends(tmp_path: Path) -> None:
    source = write(tmp_path / "live.heads", (
        f"start 0 {ZERO}\nbegin 0 5 {A}\nok {A[:16]}\nnot ours\nbegin 5 9 {B}\nbegin 9 12 {C}\n"
        f"ok {B[:16]}\nok {C[:16]}\n").encode())
    target = tmp_path / "backup.sqlite.heads"
    assert journal.copy_up_to(source, target, B)
    assert target.read_text() == (f"start 0 {ZERO}\nbegin 0 5 {A}\nok {A[:16]}\nbegin 5 9 {B}\n"
                                  f"ok {B[:16]}\n")
    assert journal.copy_up_to(source, target, ZERO)  # a backup taken before any write
    assert target.read_text() == f"start 0 {ZERO}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.sqlite.heads", "live.heads"]


def test_a_journal_that_does_not_reach_the_backup_is_not_copied(tmp_path: Path) -> None:
    source = write(tmp_path / "live.heads", f"start 0 {ZERO}\nbegin 0 5 {A}\n".encode())
    target = tmp_path / "backup.sqlite.heads"
    assert journal.copy_up_to(source, target, B) is False
    assert journal.copy_up_to(tmp_path / "missing.heads", target, A) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.heads"]  # no copy, nothing left over
