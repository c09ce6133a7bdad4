"""`qcdesk verify`: is the database whole, and is the record what was written and signed?

The checks, in order: SQLite's own ``PRAGMA integrity_check`` and
``foreign_key_check``; the audit log's hash chain, entry by entry (see
`qcdesk.chain`); every signature against the audit entry of its signing (and a
superseded one against the entry of its correction); every signature not
superseded, whose records are hashed again and compared with the hash stored
when it was signed, and whose chain head must be an entry of the chain; the
triggers the migrations create, each present as written; and what the rates are
computed from: each live heat's ingot sums and chemistry verdict, computed
again. The first thing that does not match is named.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from qcdesk import chain
from qcdesk.i18n import _
from qcdesk.model import Standard
from qcdesk.signoff import Signature
from qcdesk.standards import check, in_force
from qcdesk.store import Store


@dataclass
class Report:
    ok: bool = True
    problem: str | None = None        # the first mismatch, in words
    entries: int = 0                  # audit entries walked
    signatures: int = 0               # signatures re-hashed
    chain_head: str = chain.GENESIS

    def fail(self, problem: str) -> Report:
        self.ok = False
        self.problem = problem
        return self

    def summary(self) -> str:
        if not self.ok:
            return _("verify FAILED: {problem}").format(problem=self.problem)
        return _("verify ok: integrity ok, {entries} audit entries chained (head {head}), "
                 "{signatures} signature(s) match their records.").format(
            entries=self.entries, head=self.chain_head[:16], signatures=self.signatures)


def _what(values: tuple[object, ...]) -> str:
    named = dict(zip(chain.CONTENT_FIELDS, values, strict=True))
    return " ".join(str(named[k]) for k in ("action", "entity", "entity_key", "field")
                    if named[k] is not None)


def verify(store: Store) -> Report:
    """Check the database; the report names the first thing that does not match."""
    report = Report()
    integrity = store.integrity_check()
    if integrity != ["ok"]:
        return report.fail(_("PRAGMA integrity_check: {result}").format(result="; ".join(integrity[:5])))
    dangling = store.foreign_key_check()
    if dangling:
        table, rowid, parent = dangling[0]
        return report.fail(_("{table} row {rowid} refers to a missing {parent} ({n} such row(s))").format(
            table=table, rowid=rowid, parent=parent, n=len(dangling)))
    prev = chain.GENESIS
    seen = {chain.GENESIS}
    signed: dict[str, tuple[int, object, object]] = {}     # key → (entry id, user, new value)
    superseded: dict[str, tuple[object, object]] = {}     # key → (new value, reason)
    for values, prev_hash, digest in store.audit_chain():
        entry_id, at = values[0], values[1]
        if prev_hash != prev or digest != chain.link(prev, values):
            return report.fail(_("audit entry {id} ({at}, {what}) does not match the chain: "
                                 "it was changed, or an entry before it was").format(
                id=entry_id, at=at, what=_what(values)))
        prev = digest
        seen.add(digest)
        report.entries += 1
        if values[4] == "signature":
            if values[3] == "insert":
                signed[str(values[5])] = (int(str(entry_id)), values[2], values[9])
            elif values[7] == "superseded":
                superseded[str(values[5])] = (values[9], values[10])
    report.chain_head = prev
    for sig in store.all_signatures():
        who = _("{signer} ({meaning}) at {at}").format(signer=sig.signer, meaning=_(sig.meaning),
                                                        at=sig.signed_at)
        place = (_("{day}, shift {shift}").format(day=sig.production_date, shift=sig.shift)
                 if sig.shift else str(sig.production_date))
        key = f"{sig.kind.value} {sig.production_date.isoformat()} #{sig.id}"
        problem = _against_log(sig, signed.pop(key, None), superseded.get(key))
        if problem:
            return report.fail(_("the signature #{id} of {place} by {who} {problem}").format(
                id=sig.id, place=place, who=who, problem=problem))
        if not sig.live:
            continue
        if sig.chain_head not in seen:
            return report.fail(_("the signature of {place} by {who} refers to an audit chain head "
                                 "that is not in the log").format(place=place, who=who))
        if store.signed_records_hash(sig.production_date, sig.shift) != sig.records_hash:
            return report.fail(_("the records of {place} signed by {who} were changed after signing "
                                 "without a correction").format(place=place, who=who))
        report.signatures += 1
    if signed:
        key, (entry_id, _user, _new) = min(signed.items(), key=lambda kv: kv[1][0])
        return report.fail(_("audit entry {id} records the signature {key}, which is missing").format(
            id=entry_id, key=key))
    problem = _triggers(store) or _derived(store)
    return report.fail(problem) if problem else report


def _triggers(store: Store) -> str | None:
    """The triggers that protect the records (append-only audit, nothing deleted,
    signatures fixed) and keep the sums: each present, as the migrations wrote it."""
    found = store.triggers()
    for name, sql in sorted(store.expected_triggers().items()):
        if name not in found:
            return _("the protective trigger {name} is missing: it was dropped").format(name=name)
        if found[name] != sql:
            return _("the trigger {name} is not the one qcdesk wrote: it was replaced").format(name=name)
    extra = sorted(set(found) - set(store.expected_triggers()))
    if extra:
        return _("the trigger {name} was not written by qcdesk").format(name=extra[0])
    return None


def _against_log(sig: Signature, signing: tuple[int, object, object] | None,
                 superseding: tuple[object, object] | None) -> str | None:
    """What of a signature row does not match the audit entries of its signing and of its
    superseding (which the chain protects), in words; None if all does."""
    if signing is None:
        return _("has no audit entry of its signing")
    _entry_id, user, new = signing
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
    if sig.superseded_at is None:
        if superseding is not None:
            return _("is shown as in force, but the audit log records it superseded")
        return None
    if superseding is None:
        return _("is marked superseded without an audit entry of its correction")
    new_value, reason = superseding
    logged = _json_object(new_value)
    at = logged.get("at", new_value)
    if at != sig.superseded_at or reason != sig.superseded_reason:
        return _("is marked superseded otherwise than the audit entry of its correction")
    return None


def _json_object(value: object) -> dict[str, object]:
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _derived(store: Store) -> str | None:
    """What the rates are computed from, recomputed: each live heat's ingot sums (in SQL)
    and its chemistry verdict against the edition in force on its tap date."""
    heat_no = store.first_heat_with_wrong_sums()
    if heat_no is not None:
        return _("the stored ingot sums of heat {heat_no} do not match its ingots: they were "
                 "changed behind the program's back").format(heat_no=heat_no)
    editions: dict[str, list[Standard]] = defaultdict(list)
    for each in store.standards():
        editions[each.grade].append(each)
    for heat_no, grade, tapped, standard_id, status, analysis in store.stored_verdicts():
        edition = in_force(editions.get(grade, ()), tapped)
        verdict = check(edition, analysis)
        if standard_id != (edition.id if edition else None) or status is not verdict.status:
            return _("the stored chemistry verdict of heat {heat_no} ({stored}) is not what its "
                     "analysis and the edition in force give ({expected})").format(
                heat_no=heat_no, stored=status.value, expected=verdict.status.value)
    return None


def as_json(report: Report) -> str:
    return json.dumps({"ok": report.ok, "problem": report.problem, "entries": report.entries,
                       "signatures": report.signatures, "chain_head": report.chain_head},
                      ensure_ascii=False, indent=2)


def verify_file(path: Path) -> Report:
    """Verify a database file that must not be written (a backup): on a copy of it in a
    temporary folder, migrated there if it is of an older schema."""
    with tempfile.TemporaryDirectory(prefix="qcdesk-verify-") as folder:
        copy = Path(folder) / "copy.sqlite"
        shutil.copyfile(path, copy)
        with Store.open(copy, "verify", create=False) as store:
            return verify(store)
