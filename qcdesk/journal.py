"""The journal of chain heads: a small append-only text file beside the database.

Each write that advances the audit chain (`qcdesk.chain`) notes its new head here
before it commits, and confirms it after. So the newest entries cannot be removed
from the database file, nor entries forged at its end, without the journal saying
so (`qcdesk verify`), unless the journal is rewritten too: keep it where the people
who may write the database cannot write it (``QCDESK_HEADS`` names its folder).

The file is ASCII text, one line a record, fields separated by spaces::

    start <last entry id> <head>                    the journal begins at this head
    begin <prev last entry id> <last entry id> <head>   a write, before its commit
    ok <head's first 16 hex digits>                 … and after its commit

Writes note their heads holding the database's write lock, so the ``begin`` lines are
in the chain's order whatever the number of desks; a write goes on from the last
entry id of the write before it. A ``begin`` without its ``ok`` is a write that did
not commit (a crash, a full disk) or whose confirmation was lost: harmless, unless
its head is missing from the database although confirmed. About 100 bytes a write.
The journal lives at ``<database file>.heads`` unless the ``QCDESK_HEADS`` variable
names another folder.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from qcdesk.i18n import N_

SUFFIX = ".heads"
MAX_LINE = 256  # a line is at most this long; longer ones are not the journal's


def journal_path(db_path: str | Path) -> Path:
    """Where the journal of the database at `db_path` is kept."""
    chosen = os.environ.get("QCDESK_HEADS", "").strip()
    if chosen:
        folder = Path(chosen).expanduser()
        return folder / (Path(db_path).name + SUFFIX)
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


@contextmanager
def _appending(path: Path) -> Iterator[int]:
    """The journal opened for appending (made, readable by all, if there is none)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        yield fd
    finally:
        os.close(fd)


def begin(path: Path, prev_last: int, prev_head: str, last_id: int, head: str) -> None:
    """Note a write's new head before its commit (and where the journal starts, if new),
    on the disk before the commit: a committed write is never missing from the journal."""
    start = "" if path.exists() and path.stat().st_size else f"start {prev_last} {prev_head}\n"
    with _appending(path) as fd:
        os.write(fd, f"{start}begin {prev_last} {last_id} {head}\n".encode())
        os.fsync(fd)


def confirm(path: Path, head: str) -> None:
    """Note that the write with this head committed. A confirmation that cannot be written
    is left out: the write is then shown as unconfirmed, which is no alarm."""
    with contextlib.suppress(OSError), _appending(path) as fd:
        os.write(fd, f"ok {head[:16]}\n".encode())


Line = tuple[str, int, int, str]  # (kind, prev last entry id, last entry id, head or its 16 digits)


def lines(path: Path) -> Iterator[Line | int]:
    """The journal's records in order: ("start", 0, last id, head), ("begin", prev last id,
    last id, head) or ("ok", 0, 0, the head's first 16 digits); for a line that is none of
    these, its number. FileNotFoundError if there is no journal."""
    with path.open("rb") as handle:
        for number, raw in enumerate(_lines(handle), start=1):
            parts = raw.split() if raw is not None else []
            try:
                if parts[0] == b"start" and len(parts) == 3:
                    yield ("start", 0, int(parts[1]), _head(parts[2]))
                elif parts[0] == b"begin" and len(parts) == 4:
                    yield ("begin", int(parts[1]), int(parts[2]), _head(parts[3]))
                elif parts[0] == b"ok" and len(parts) == 2:
                    yield ("ok", 0, 0, _head(parts[1], 16))
                else:
                    raise ValueError
            except (ValueError, IndexError):
                yield number


_DB_BEHIND_WRITE = N_("the database is behind its journal: the journal notes a write after entry {id}, "
                      "which the database's chain does not end a write with: entries were removed or "
                      "the chain rewritten")
_DB_BEHIND_CONFIRMED = N_("the database is behind its journal: the journal confirms a write ending at entry "
                          "{id} (head {head}) that the database's chain does not have: entries were removed "
                          "or the chain rewritten")
_JOURNAL_BEHIND = N_("the journal is behind the database: the write ending at entry {id} (head {head}) is "
                     "not in it; it was not written by qcdesk, or not beside this journal")


@dataclass
class Finding:
    """What comparing a journal with the database's chain found."""

    problem: str | None = None      # a mismatch that fails verify (English; translate to show)
    args: dict[str, object] = field(default_factory=dict)
    matched: int = 0                # writes of the chain found in the journal
    unconfirmed: int = 0            # writes noted but never committed (a crash, a full disk)
    starts_at: int = 0              # the entry id after which the journal covers the chain
    bad_lines: list[int] = field(default_factory=list)

    def fail(self, problem: str, **args: object) -> Finding:
        self.problem, self.args = problem, args
        return self


def compare(journal: Iterator[Line | int], blocks: Iterator[tuple[int, str]],
            positions: Callable[[int, str], bool]) -> Finding:
    """Walk the journal's records beside the chain's blocks ((last entry id, head) in
    order), both in one pass. `positions(last_id, head)` says whether the chain has that
    head (a block, or where the log before schema 9 ends). Every block after the journal's
    start must be a noted write, and every write confirmed as committed must be a block."""
    found = Finding()
    pending = iter(blocks)
    tip: tuple[int, str] | None = None
    missing: dict[str, int] = {}        # heads noted (by their 16 digits) but not found in the chain
    nxt = next(pending, None)
    for line in journal:
        if isinstance(line, int):
            found.bad_lines.append(line)
            continue
        kind, prev_last, last_id, head = line
        if kind == "start":
            if tip is not None or not positions(last_id, head):
                return found.fail(N_("the journal starts at entry {id} (head {head}), which the "
                                     "database's chain does not have"), id=last_id, head=head[:16])
            tip, found.starts_at = (last_id, head), last_id
            while nxt is not None and nxt[0] <= last_id:
                nxt = next(pending, None)
        elif kind == "begin":
            if tip is None:
                return found.fail(N_("the journal does not say where it starts"))
            if prev_last != tip[0]:
                if nxt is None or nxt[0] > prev_last:  # the journal went on where the chain did not
                    return found.fail(_DB_BEHIND_WRITE, id=prev_last)
                return found.fail(_JOURNAL_BEHIND, id=nxt[0], head=nxt[1][:16])  # and the chain without it
            if nxt is not None and nxt == (last_id, head):
                tip, nxt = nxt, next(pending, None)
                found.matched += 1
            else:
                missing[head[:16]] = last_id
        elif head in missing:  # confirmed committed, yet not in the chain
            return found.fail(_DB_BEHIND_CONFIRMED, id=missing[head], head=head)
    if tip is None:
        return found.fail(N_("the journal is empty"))
    if nxt is not None:
        return found.fail(_JOURNAL_BEHIND, id=nxt[0], head=nxt[1][:16])
    found.unconfirmed = len(missing)
    return found


def compare_own(journal: Iterator[Line | int], blocks: Iterator[tuple[int, str]],
                positions: Callable[[int, str], bool]) -> Finding:
    """Walk a workstation's journal of a database on a server beside the chain's blocks
    ((last entry id, head) in order), both in one pass. Several desks write that chain, each
    noting only its own writes: the blocks the others wrote are not in this journal, and a
    write of this one goes on from wherever the chain was. So every write this journal
    confirms as committed must be a block of the chain, and its start must be a head the
    chain had; no block is missed for not being in it. `positions(last_id, head)` says
    whether the chain has that head (for a write noted out of the chain's order)."""
    found = Finding()
    pending = iter(blocks)
    nxt = next(pending, None)
    started = False
    missing: dict[str, int] = {}  # heads noted (by their 16 digits) but not found in the chain
    for line in journal:
        if isinstance(line, int):
            found.bad_lines.append(line)
            continue
        kind, _prev_last, last_id, head = line
        if kind == "start":
            if started or not positions(last_id, head):
                return found.fail(N_("the journal starts at entry {id} (head {head}), which the "
                                     "database's chain does not have"), id=last_id, head=head[:16])
            started, found.starts_at = True, last_id
        elif kind == "begin":
            if not started:
                return found.fail(N_("the journal does not say where it starts"))
            while nxt is not None and nxt[0] < last_id:  # the other desks' writes
                nxt = next(pending, None)
            if nxt == (last_id, head) or ((nxt is None or nxt[0] > last_id) and positions(last_id, head)):
                found.matched += 1
            else:
                missing[head[:16]] = last_id
        elif head in missing:  # confirmed committed, yet not in the chain
            return found.fail(_DB_BEHIND_CONFIRMED, id=missing[head], head=head)
    if not started:
        return found.fail(N_("the journal is empty"))
    found.unconfirmed = len(missing)
    return found


def _lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """The file's complete lines (a last line cut short by a crash is not one); None for
    a line longer than MAX_LINE, which is not the journal's."""
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        if line.endswith(b"\n"):
            yield line
        elif len(line) > MAX_LINE:  # not ours: skip to its end
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE + 1)
            yield None


def _head(text: bytes, digits: int = 64) -> str:
    head = text.decode()
    if len(head) != digits or any(c not in "0123456789abcdef" for c in head):
        raise ValueError
    return head


def copy_up_to(source: Path, target: Path, head: str) -> bool:
    """Copy the journal `source` into `target` up to the write whose head is `head`, and
    that write's confirmation (a backup's journal ends where its database ends). False,
    and `target` not written, if `source` is missing or does not reach `head`."""
    name = target.with_name(target.name + ".part")  # beside it: renamed into place at once
    try:
        with name.open("wb") as out:
            records = (line for line in lines(source) if not isinstance(line, int))
            for kind, prev_last, last_id, noted in records:  # up to the write's head
                out.write((f"{kind} {last_id} {noted}\n" if kind == "start" else
                           f"{kind} {prev_last} {last_id} {noted}\n" if kind == "begin" else
                           f"{kind} {noted}\n").encode())
                if noted == head:  # a start or a begin: a confirmation has 16 digits
                    break
            else:
                raise FileNotFoundError
            for kind, _prev, _last, noted in records:  # and its confirmation, if any
                if kind == "ok" and noted == head[:16]:
                    out.write(f"{kind} {noted}\n".encode())
                    break
        os.replace(name, target)
    except FileNotFoundError:
        os.unlink(name)
        return False
    return True
