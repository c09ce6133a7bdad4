"""`qcdesk verify`: is the database whole, and is every record what the audit trail says?

The checks, each one pass over what it reads:

1. SQLite's own ``PRAGMA integrity_check`` and ``foreign_key_check`` (on a second
   connection, at the same time as the rest: the file's pages are read once by each); on
   a server, that every constraint is in force and no reference points nowhere;
2. the audit chain: the log kept before schema 9 entry by entry, then every block
   (one write's entries) since (`qcdesk.chain`), and no entry outside a block;
3. every record of every table the program writes (`qcdesk.records`): the live row is
   exactly the state its newest audit entry holds, every row has such an entry, and
   every record the trail has not removed is there;
4. every signature against the audit entry of its signing (and of its superseding),
   the chain head it names against the chain at that moment, and its signer against
   who the audit trail says they were then: name, role, active, and the PIN hash the
   PIN was checked against; and no record a signature in force covers changed since;
5. the triggers the migrations create (on a server, the schema's script), each present as
   written and firing, and no other; on a server also the functions the schema defines;
6. what the rates are computed from: every live heat's ingot sums and verdict, and every
   ingot's product-analysis verdict, again;
7. the journal of chain heads kept beside the database (`qcdesk.journal`): every write
   of the chain noted there, every write confirmed there still in the chain. On a server,
   where several desks write one chain, this workstation's journal holds its own writes:
   each it confirms still in the chain.

The first mismatch is named (which table, which record, what differs); a journal that
is missing or starts late is said as a warning.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import TypeVar, cast

from qcdesk import chain, journal, records
from qcdesk.i18n import _
from qcdesk.people import Role
from qcdesk.signoff import Kind, Signature, pin_digest
from qcdesk.store import Store

_SMALL_BLOCKS = 4096  # entries read a row at a time, for runs of small blocks
_T = TypeVar("_T")


@dataclass
class Report:
    ok: bool = True
    problem: str | None = None        # the first mismatch, in words
    entries: int = 0                  # audit entries walked
    records: int = 0                  # records proven against their newest entry
    signatures: int = 0               # signatures in force checked
    chain_head: str = chain.GENESIS
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was checked how, said beside the result

    def fail(self, problem: str) -> Report:
        self.ok = False
        self.problem = problem
        return self

    def summary(self) -> str:
        if not self.ok:
            text = _("verify FAILED: {problem}").format(problem=self.problem)
        else:
            text = _("verify ok: integrity ok, {entries} audit entries chained (head {head}), {records} "
                     "records match their audit trail, {signatures} signature(s) in force match their "
                     "records and signers.").format(entries=self.entries, head=self.chain_head[:16],
                                                    records=self.records, signatures=self.signatures)
        return "\n".join([text, *self.notes] + [_("warning: {text}").format(text=w) for w in self.warnings])


def verify(store: Store, *, full: bool = False, heads: Path | None = None) -> Report:
    """Check the database; the report names the first thing that does not match. `full`:
    also hash again the records of every signature in force, as when it was signed.
    `heads`: the journal of chain heads to compare with (default: the store's).

    The file's own checks and the biggest table run on connections of their own, beside
    the rest (SQLite works outside Python's lock): all three read one snapshot, taken at
    the start, so a write elsewhere waits until verify is done."""
    report = Report()
    with ExitStack() as stack:
        stack.enter_context(store.snapshot())  # one snapshot for every check, taken now: writers wait
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=2))
        integrity = pool.submit(_on_its_own, store, _integrity)
        biggest = pool.submit(_on_its_own, store, lambda other: _table(other, records.BY_NAME[records.INGOT]))
        try:
            problem = _run(store, report, full, heads if heads is not None else store.journal, biggest)
        except Exception as exc:
            problem = _("the database could not be read: {error}").format(error=exc)
        damage = integrity.result()
        if damage:
            return report.fail(str(damage))
    return report.fail(problem) if problem else report


def _on_its_own(store: Store, work: Callable[[Store], _T]) -> _T:
    """`work` on a connection of this thread's own, in one read transaction (the snapshot
    the caller holds: no write can land while it does)."""
    try:
        other = store.reader()
    except Exception as exc:
        return cast(_T, _(store.dialect.integrity_message).format(result=exc))
    with other, other.snapshot():
        return work(other)


def _integrity(store: Store) -> str | None:
    """The database's own check (SQLite's integrity_check; on a server, that every constraint
    is in force) and foreign_key_check; what is wrong, if anything."""
    try:
        result = store.integrity_check()
        if result != ["ok"]:
            return _(store.dialect.integrity_message).format(result="; ".join(result[:5]))
        dangling = store.foreign_key_check()
    except Exception as exc:
        return _(store.dialect.integrity_message).format(result=exc)
    if dangling:
        table, rowid, parent = dangling[0]
        return _("{table} row {rowid} refers to a missing {parent} ({n} such row(s))").format(
            table=table, rowid=rowid, parent=parent, n=len(dangling))
    return None


def _run(store: Store, report: Report, full: bool, heads: Path,
         biggest: Future[tuple[str | None, int]]) -> str | None:
    return (_functions(store) or _legacy_chain(store, report) or _chain(store, report)
            or _records(store, report, biggest) or _signatures(store, report, full) or _triggers(store)
            or _other_functions(store) or _derived(store) or _journal(store, report, heads))


# ------------------------------------------------------------------ the chain

def _legacy_chain(store: Store, report: Report) -> str | None:
    """The log kept before schema 9, entry by entry as it was sealed then."""
    prev = chain.GENESIS
    for entry_id, content, prev_hash, digest in store.legacy_chain():
        # SQLite's text of the entry; where it differs, the entry as Python writes it decides
        sealed = (digest == sha256(prev.encode("ascii") + content.encode("utf-8")).hexdigest()
                  or digest == chain.link(prev, store.legacy_entry(entry_id)))
        if prev_hash != prev or not sealed:
            values = store.legacy_entry(entry_id)
            return _("audit entry {id} ({at}, {what}) does not match the chain: "
                     "it was changed, or an entry before it was").format(
                id=values[0], at=values[1], what=_what(values))
        prev = str(digest)
        report.entries += 1
    report.chain_head = prev
    return None


def _what(values: tuple[object, ...]) -> str:
    named = dict(zip(chain.CONTENT_FIELDS, values, strict=True))
    return " ".join(str(named[k]) for k in ("action", "entity", "entity_key", "field")
                    if named[k] is not None)


def _chain(store: Store, report: Report) -> str | None:
    """Every block since schema 9: its entries, header and the head before it hashed again."""
    prev_last, head = store.legacy_tip()
    small: list[tuple[int, str, str, str]] = []

    def seal(blocks: list[tuple[int, str, str, str]]) -> str | None:
        nonlocal prev_last, head
        if not blocks:
            return None
        if len(blocks) == 1:
            parts = {blocks[0][0]: store.audit_content(prev_last, blocks[0][0])}
        else:
            parts = _split(store.audit_entries(prev_last, blocks[-1][0]), [b[0] for b in blocks])
        for last_id, at, user, digest in blocks:
            if chain.block(head, last_id, at, user, parts[last_id]) != digest:
                return _("the audit entries {first} to {last} (written {at} by {user}) do not match "
                         "the chain: one was changed, added or removed, or an entry before them "
                         "was").format(first=prev_last + 1, last=last_id, at=at, user=user)
            report.entries += last_id - prev_last
            prev_last, head = last_id, digest
        blocks.clear()
        return None

    for block in store.blocks():
        size = block[0] - (small[-1][0] if small else prev_last)
        if size > _SMALL_BLOCKS // 4:
            problem = seal(small) or seal([block])
        else:
            small.append(block)
            problem = seal(small) if small[-1][0] - prev_last >= _SMALL_BLOCKS else None
        if problem:
            return problem
    problem = seal(small)
    if problem:
        return problem
    last = store.last_entry_id()
    if last > prev_last:
        return _("the audit entries after {id} belong to no write of the program: they were added "
                 "behind its back").format(id=prev_last)
    report.chain_head = head
    return None


def _split(rows: Iterator[tuple[int, str]], ends: list[int]) -> dict[int, bytes]:
    """Entries' canonical text, gathered by the block they end in."""
    parts: dict[int, bytes] = {}
    pending: list[str] = []
    targets = iter(ends)
    end = next(targets)
    for entry_id, text in rows:
        while entry_id > end:
            parts[end] = "".join(pending).encode("utf-8")
            pending.clear()
            end = next(targets)
        pending.append(text)
    parts[end] = "".join(pending).encode("utf-8")
    for rest in targets:
        parts[rest] = b""
    return parts


# ------------------------------------------------------------------ records

def _records(store: Store, report: Report, biggest: Future[tuple[str | None, int]]) -> str | None:
    """Each table: every row against the state of its newest entry, in one pass (the
    ingots' on another connection meanwhile)."""
    for table in records.TABLES:
        problem, rows = biggest.result() if table.name == records.INGOT else _table(store, table)
        if problem:
            return problem
        report.records += rows
    return None


def _table(store: Store, table: records.Table) -> tuple[str | None, int]:
    """One table against its trail: (what is wrong, rows proven)."""
    live, bad, rows = store.records_against_trail(table)
    if bad is not None:
        return _mismatch(store, table, bad), 0
    if live != rows:
        rec = store.record_without_entry(table)
        return _("{table} {record} has no audit entry: it was added behind the program's back").format(
            table=table.name, record=_record_name(store, table, rec)), 0
    return None, rows


def _mismatch(store: Store, table: records.Table, rec: object) -> str:
    """What differs between a record and its newest audit entry, in words."""
    entry_id, logged, live = store.record_and_trail(table, rec)
    name = _record_name(store, table, rec)
    if logged is None:
        return _("the newest audit entry of {table} {record} (entry {id}) holds no state: it was "
                 "written behind the program's back").format(table=table.name, record=name, id=entry_id)
    if live is None:
        return _("{table} {record} is gone, but its audit trail (entry {id}) says it is there: it was "
                 "removed behind the program's back").format(table=table.name, record=name, id=entry_id)
    if logged == records.REMOVED:
        return _("{table} {record} is there, but its audit trail (entry {id}) says it was removed").format(
            table=table.name, record=name, id=entry_id)
    old, new = json.loads(logged), json.loads(live)
    for column, was, now in zip(table.columns, old, new, strict=False):
        if was != now:
            return _("{table} {record}: {field} is {live}, but its audit trail (entry {id}) says {logged}: "
                     "it was changed behind the program's back").format(
                table=table.name, record=name, field=column, live=_shown(now), id=entry_id,
                logged=_shown(was))
    return _("{table} {record} differs from its audit trail (entry {id})").format(
        table=table.name, record=name, id=entry_id)


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def _record_name(store: Store, table: records.Table, rec: object) -> str:
    """How a person names the record: a heat's number, an ingot as heat/number, a code."""
    return store.record_label(table, rec)


# --------------------------------------------------------------- signatures

def _signatures(store: Store, report: Report, full: bool) -> str | None:
    """Every signature against its signing and superseding entries and its signer then; a
    signature in force against changes since, and (with `full`) its records hashed again."""
    for sig in store.all_signatures():
        who = _("{signer} ({meaning}) at {at}").format(signer=sig.signer, meaning=_(sig.meaning),
                                                        at=sig.signed_at)
        place = (_("{day}, shift {shift}").format(day=sig.production_date, shift=sig.shift)
                 if sig.shift else str(sig.production_date))
        problem = _against_log(store, sig)
        if problem:
            return _("the signature #{id} of {place} by {who} {problem}").format(
                id=sig.id, place=place, who=who, problem=problem)
        if not sig.live:
            continue
        if full and store.signed_records_hash(sig.production_date, sig.shift) != sig.records_hash:
            return _("the records of {place} signed by {who} were changed after signing "
                     "without a correction").format(place=place, who=who)
        report.signatures += 1
    changed = store.signed_and_changed_since()
    if changed is not None:
        sig_id, record = changed
        return _("{record} is covered by the signature #{id} in force, but was changed after it "
                 "was signed without superseding it").format(record=record, id=sig_id)
    orphan = store.signing_without_signature()
    if orphan is not None:
        entry_id, key = orphan
        return _("audit entry {id} records the signature {key}, which is missing").format(
            id=entry_id, key=key)
    return None


def _against_log(store: Store, sig: Signature) -> str | None:
    """What of a signature does not match its signing and superseding entries, the chain
    head at its signing, and who its signer was then; None if all does."""
    signing = store.signing_entry(sig.id)
    if signing is None:
        return _("has no audit entry of its signing")
    entry_id, user, new, head_before = signing
    logged = _json_object(new)
    expected: dict[str, object] = {
        "date": sig.production_date.isoformat(), "shift": sig.shift, "meaning": sig.meaning,
        "records_hash": sig.records_hash, "chain_head": sig.chain_head, "signer": sig.signer,
        "role": sig.role, "signed_at": sig.signed_at}
    if user != sig.signer:
        return _("does not match the audit entry of its signing ({field})").format(field="signer")
    for name, value in expected.items():
        # entries written before signer, role and signed_at were logged name the signer as user
        if (name in logged or name not in ("signer", "role", "signed_at")) and logged.get(name) != value:
            return _("does not match the audit entry of its signing ({field})").format(field=name)
    if head_before is not None and sig.chain_head != head_before:
        return _("names the chain head {named}, but the chain's head when it was signed was {head}").format(
            named=sig.chain_head[:16], head=head_before[:16])
    problem = _signer_then(store, sig, entry_id, logged)
    if problem:
        return problem
    superseding = store.superseding_entry(sig.id)
    if sig.superseded_at is None:
        if superseding is not None:
            return _("is shown as in force, but the audit log records it superseded")
        return None
    if superseding is None:
        return _("is marked superseded without an audit entry of its correction")
    new_value, reason = superseding
    at = _json_object(new_value).get("at", new_value)
    if at != sig.superseded_at or reason != sig.superseded_reason:
        return _("is marked superseded otherwise than the audit entry of its correction")
    return None


def _signer_then(store: Store, sig: Signature, entry_id: int, logged: dict[str, object]) -> str | None:
    """The signer as the audit trail had them when signing: the same name and role, active,
    a role that may sign this, and the PIN hash the PIN was checked against."""
    person = store.person_at(sig.id, entry_id)
    if person is None:
        return _("was signed by {name}, who the audit trail does not know at that moment").format(
            name=sig.signer)
    name, role, pin_hash, active = person
    if name != sig.signer or role != sig.role:
        return _("was signed as {role}, but the audit trail says {name} was {actual} then").format(
            role=sig.role, name=sig.signer, actual=role)
    if not active:
        return _("was signed by {name}, who was deactivated then").format(name=sig.signer)
    allowed = (Role.INSPECTOR.value, Role.HEAD.value) if sig.kind is Kind.SHIFT else (Role.HEAD.value,)
    if role not in allowed:
        return _("was signed by {name} as {role}, a role that may not sign it").format(
            name=sig.signer, role=role)
    if pin_hash is not None and "pin" in logged and logged["pin"] != pin_digest(pin_hash):
        return _("was signed with a PIN checked against another PIN hash than {name}'s at that moment: "
                 "the person's record was changed for the signing").format(name=sig.signer)
    return None


def _json_object(value: object) -> dict[str, object]:
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


# ------------------------------------------------------------ triggers, sums

def _triggers(store: Store) -> str | None:
    """The triggers that protect the records (append-only audit, nothing deleted,
    signatures fixed) and keep the sums: each present, as qcdesk wrote it, and firing."""
    found, expected = store.triggers(), store.expected_triggers()
    for name, trigger in sorted(expected.items()):
        if name not in found:
            return _("the protective trigger {name} is missing: it was dropped").format(name=name)
        if found[name].definition != trigger.definition:
            return _("the trigger {name} is not the one qcdesk wrote: it was replaced").format(name=name)
        if not found[name].enabled:
            return _("the protective trigger {name} is disabled: it does not fire").format(name=name)
    extra = sorted(set(found) - set(expected))
    if extra:
        return _("the trigger {name} was not written by qcdesk").format(name=extra[0])
    return None


def _functions(store: Store) -> str | None:
    """On a server, the functions of the schema (SQLite's, which the chain and the records'
    states are computed with, and those the triggers run), each as qcdesk wrote it: checked
    first, since every other check computes with them. A SQLite file holds none."""
    functions, written = store.functions(), store.expected_functions()
    for function, body in sorted(written.items()):
        if function not in functions:
            return _("the function {function} is missing: it was dropped").format(function=function)
        if functions[function] != body:
            runs = sorted(name for name, trigger in store.expected_triggers().items()
                          if f" EXECUTE FUNCTION {function.partition('(')[0]}(" in trigger.definition)
            if runs:
                return _("the function {function}, which the trigger {name} runs, is not the one qcdesk "
                         "wrote: it was replaced").format(function=function, name=runs[0])
            return _("the function {function} is not the one qcdesk wrote: it was replaced").format(
                function=function)
    names = {function.partition("(")[0] for function in written}
    overloads = sorted(f for f in set(functions) - set(written) if f.partition("(")[0] in names)
    if overloads:  # called in place of qcdesk's for arguments it fits better
        return _("the function {function} was not written by qcdesk").format(function=overloads[0])
    return None


def _other_functions(store: Store) -> str | None:
    """Functions of the schema that qcdesk did not write, of other names (harmless unless a
    trigger runs one: the triggers are checked before)."""
    extra = sorted(set(store.functions()) - set(store.expected_functions()))
    if extra:
        return _("the function {function} was not written by qcdesk").format(function=extra[0])
    return None


def _derived(store: Store) -> str | None:
    """What the rates are computed from, recomputed in SQL: each live heat's ingot sums and
    its chemistry verdict against the edition in force on its tap date; then each ingot's
    product-analysis verdict, judged again in Python (only heats with product samples)."""
    heat_no = store.first_heat_with_wrong_sums()
    if heat_no is not None:
        return _("the stored ingot sums of heat {heat_no} do not match its ingots: they were "
                 "changed behind the program's back").format(heat_no=heat_no)
    wrong = store.first_heat_with_wrong_verdict()
    if wrong is not None:
        heat_no, stored, expected = wrong
        return _("the stored chemistry verdict of heat {heat_no} ({stored}) is not what its "
                 "analysis and the edition in force give ({expected})").format(
            heat_no=heat_no, stored=stored, expected=expected)
    wrong_ingot = store.first_ingot_with_wrong_product_verdict()
    if wrong_ingot is not None:
        heat_no, ingot_no, failing = wrong_ingot
        return _("ingot {heat_no}/{n} is stored as {stored}, but its heat's product analyses and the "
                 "tolerances in force give otherwise: it was changed behind the program's back").format(
            heat_no=heat_no, n=ingot_no, stored=_("failing its product analysis") if failing
            else _("passing its product analysis"))
    return None


# ------------------------------------------------------------------ journal

def _journal(store: Store, report: Report, heads: Path) -> str | None:
    """The chain's writes against the journal of chain heads beside the database; on a
    server, this workstation's writes against its own journal."""
    if store.server is not None:
        return _own_journal(store, report, heads)
    try:
        lines = journal.lines(heads)
        found = journal.compare(lines, ((b[0], b[3]) for b in store.blocks()), store.has_head)
    except FileNotFoundError:
        report.warnings.append(_("there is no journal of chain heads at {path}: the newest entries "
                                 "cannot be checked against a copy outside the database").format(path=heads))
        return None
    except OSError as exc:
        report.warnings.append(_("the journal of chain heads {path} cannot be read: {error}").format(
            path=heads, error=exc.strerror or exc))
        return None
    if found.problem:
        return _("the journal of chain heads {path}: {problem}").format(
            path=heads, problem=_(found.problem).format(**found.args))
    _bad_lines(report, heads, found)
    first = store.first_block_start()
    if found.starts_at > first:
        report.warnings.append(_("the journal of chain heads starts at entry {id}: the writes before it "
                                 "are not checked against it (it was missing or replaced then)").format(
            id=found.starts_at))
    return None


def _own_journal(store: Store, report: Report, heads: Path) -> str | None:
    """On a server every desk writes the one chain and notes only its own writes: each write
    this workstation's journal confirms must be in the chain (a head removed or rewritten on
    the server is found); the other desks' writes are checked against their own journals."""
    try:
        lines = journal.lines(heads)
        found = journal.compare_own(lines, ((b[0], b[3]) for b in store.blocks()), store.has_head)
    except FileNotFoundError:
        report.warnings.append(_("there is no journal of chain heads at {path}: this workstation wrote "
                                 "nothing to this database, or its journal was removed; the newest entries "
                                 "cannot be checked against a copy outside the server").format(path=heads))
        return None
    except OSError as exc:
        report.warnings.append(_("the journal of chain heads {path} cannot be read: {error}").format(
            path=heads, error=exc.strerror or exc))
        return None
    if found.problem:
        return _("the journal of chain heads {path} (this workstation's): {problem}").format(
            path=heads, problem=_(found.problem).format(**found.args))
    _bad_lines(report, heads, found)
    report.notes.append(_("the journal of chain heads {path} is this workstation's: its {n} write(s) are in "
                          "the chain; the other workstations' writes are checked against their own "
                          "journals").format(path=heads, n=found.matched))
    return None


def _bad_lines(report: Report, heads: Path, found: journal.Finding) -> None:
    if found.bad_lines:
        report.warnings.append(_("the journal of chain heads {path} has {n} line(s) it did not write "
                                 "(the first: line {line})").format(path=heads, n=len(found.bad_lines),
                                                                    line=found.bad_lines[0]))


def as_json(report: Report) -> str:
    return json.dumps({"ok": report.ok, "problem": report.problem, "entries": report.entries,
                       "records": report.records, "signatures": report.signatures,
                       "chain_head": report.chain_head, "warnings": report.warnings, "notes": report.notes},
                      ensure_ascii=False, indent=2)


def verify_file(path: Path) -> Report:
    """Verify a database file that must not be written (a backup), with its journal if it
    has one: on a copy of both in a temporary folder, migrated there if of an older schema."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="qcdesk-verify-") as folder:
        copy = Path(folder) / "copy.sqlite"
        shutil.copyfile(path, copy)
        own = path.with_name(path.name + journal.SUFFIX)  # a backup keeps its journal beside it
        heads = Path(folder) / ("copy.sqlite" + journal.SUFFIX)
        if own.is_file():
            shutil.copyfile(own, heads)
        with Store.open(copy, "verify", create=False, heads=heads) as store:
            return verify(store, heads=heads if own.is_file() else Path(folder) / "no journal")
