"""Undo: take back the last judgement or entry of a heat, made by whoever asks, within the minute.

What "taking back" means is decided here, from the heat's history alone (`Store.audit`), and done
with the store's own correction methods, so the history records it as a correction with the reason
"undone" and nothing is ever deleted:

- a judgement or a correction of an ingot (disposition, weight, defects, and who judged it):
  the ingot's values before it;
- ingots added: each voided;
- analysis values entered or corrected: the values before (a first value removed again);
- a correction of the heat's record: the record's values before;
- a new heat, or anything voided, is not taken back (void the heat; a voided record stays voided).

The last change is the latest one of the asking person's still standing (an undo takes back the
change it undid, so a second Ctrl+Z reaches the change before). Entries that belong together are
recognised by their subject, their place in the history and their time: the ingots added at once,
an analysis saved at once, a judgement and who judged it (an ingot's weight, its defects and its
disposition are each a change of their own, as the heat view writes them). Two writes of one kind
by one person in the same second (two batches of ingots, two saves of the analysis) are taken back
together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from qcdesk.errors import QcError
from qcdesk.i18n import N_, _
from qcdesk.model import DISPOSITION_NAMES, Disposition, IngotDefect, Location
from qcdesk.numbers import format_number
from qcdesk.store import AuditEntry, Store

UNDONE = "undone"
WITHIN = timedelta(minutes=1)
_TOGETHER = timedelta(seconds=1)  # one write: the same second, or the next
_HEAT_FIELDS = ("converter", "tapped_at", "grade", "tap_weight_t", "tap_temp_c", "inspector", "notes")
_INGOT_FIELDS = ("weight_kg", "disposition", "defects", "inspector")
_NAMES = {"weight_kg": N_("weight"), "disposition": N_("disposition"), "defects": N_("defects"),
          "inspector": N_("inspector"), "converter": N_("converter"), "tapped_at": N_("tap time"),
          "grade": N_("grade"), "tap_weight_t": N_("tapped weight"), "tap_temp_c": N_("tap temperature"),
          "notes": N_("notes")}


class NothingToUndo(QcError):
    """Nothing of the person's can be taken back now (the message says why)."""


@dataclass(frozen=True)
class Step:
    """One write that takes something back."""

    kind: str  # "ingot" (update), "void ingot", "analysis", "heat"
    ingot_no: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # the keyword arguments of the store's method

    def text(self) -> str:
        if self.kind == "void ingot":
            return _("ingot {n} voided").format(n=self.ingot_no)
        said = ", ".join(f"{_(_NAMES.get(name, name))} {_words(value)}"
                         for name, value in self.values.items())
        if self.kind == "ingot":
            return _("ingot {n} back to {values}").format(n=self.ingot_no, values=said)
        if self.kind == "analysis":
            return _("analysis back to {values}").format(values=said)
        return _("record back to {values}").format(values=said)


@dataclass(frozen=True)
class Plan:
    """What Ctrl+Z takes back: the history entries, and the writes that take them back."""

    heat_no: str
    entries: tuple[AuditEntry, ...]
    steps: tuple[Step, ...]

    def text(self) -> str:
        return "; ".join(step.text() for step in self.steps)

    @property
    def ingot_nos(self) -> list[int]:
        return [s.ingot_no for s in self.steps if s.ingot_no is not None]


def _words(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Disposition):
        return _(DISPOSITION_NAMES[value][0])
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, tuple):
        return ", ".join(str(d) for d in value) or _("no defects")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _moment(at: str) -> datetime:
    moment = datetime.fromisoformat(at)
    return moment if moment.tzinfo is not None else moment.astimezone()


def _family(e: AuditEntry) -> tuple[str, ...]:
    """Entries of one family, by one person, one after the other within a second are one change."""
    if e.field == "voided":
        return ("voided", e.entity, e.entity_key)
    if e.entity == "ingot":
        return ("ingot added",) if e.action == "insert" else ("ingot", e.entity_key)
    if e.entity == "analysis":
        return ("analysis",)
    if e.entity == "heat":
        return ("heat added",) if e.action == "insert" else ("heat",)
    return ("other", e.entity, e.entity_key)


def _changes(entries: Sequence[AuditEntry]) -> list[list[AuditEntry]]:
    """The heat's changes (groups of entries), oldest first, leaving out plausibility notes and the
    entries of undos (`_standing` pairs those with what they took back). The entries of one write
    follow one another in the history (the write holds the database's lock)."""
    groups: list[list[AuditEntry]] = []
    previous = -2
    for at, e in enumerate(entries):
        if e.field == "plausibility" or e.reason == UNDONE:
            continue
        last = groups[-1][-1] if groups and previous == at - 1 else None
        if (last is not None and last.user == e.user and _family(last) == _family(e)
                and abs(_moment(e.at) - _moment(last.at)) <= _TOGETHER
                and (e.entity != "ingot" or e.action == "insert"
                     or (last.field, e.field) == ("disposition", "inspector"))):
            groups[-1].append(e)
        else:
            groups.append([e])
        previous = at
    return groups


def _undo_marks(group: list[AuditEntry]) -> set[tuple[str, str | None]]:
    """The (record, field) of each entry an undo of `group` writes: an added ingot is voided."""
    return {(e.entity_key, "voided" if e.entity == "ingot" and e.action == "insert" else e.field)
            for e in group}


def _standing(entries: Sequence[AuditEntry]) -> list[list[AuditEntry]]:
    """The changes not taken back. Each undo entry belongs to its person's latest change still
    standing that it writes back; the entries of one undo follow one another."""
    live = _changes(entries)
    batch: tuple[str, set[tuple[str, str | None]]] | None = None  # the undo under way: who, what is left
    for e in entries:
        if e.reason != UNDONE or e.field == "plausibility":
            if e.field != "plausibility":
                batch = None
            continue
        mark = (e.entity_key, e.field)
        if batch is not None and batch[0] == e.user and mark in batch[1]:
            batch[1].discard(mark)
            continue
        taken = [g for g in live if g[0].user == e.user and mark in _undo_marks(g)]
        if taken:
            live.remove(taken[-1])
            batch = (e.user, _undo_marks(taken[-1]) - {mark})
    return live


def _number(text: str | None) -> float | None:
    return None if text in (None, "") else float(str(text))


def _ingot_value(name: str, text: str | None) -> object:
    if name == "disposition":
        return Disposition(str(text))
    if name == "weight_kg":
        return _number(text)
    if name == "defects":
        codes = json.loads(text) if text else []
        return tuple(IngotDefect(c.partition("@")[0], Location(c.partition("@")[2]) if "@" in c else None)
                     for c in codes)
    return text or ""


def _heat_value(name: str, text: str | None) -> object:
    if name in ("tap_weight_t", "tap_temp_c"):
        return _number(text)
    if name == "tapped_at":
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M")
    return text or ""


def _steps(group: list[AuditEntry]) -> list[Step]:
    first = group[0]
    family = _family(first)[0]
    if family == "voided":
        raise NothingToUndo(_("a voided record is not brought back by Undo"))
    if family == "heat added":
        raise NothingToUndo(_("a new heat is not taken back by Undo: void it (Ctrl+Shift+Del)"))
    if family == "ingot added":
        return [Step("void ingot", int(e.entity_key.rsplit("/", 1)[1])) for e in group]
    if family == "ingot":
        values = {e.field: _ingot_value(e.field, e.old_value) for e in group if e.field in _INGOT_FIELDS}
        return [Step("ingot", int(first.entity_key.rsplit("/", 1)[1]), values)]
    if family == "analysis":
        return [Step("analysis", None, {e.field or "": _number(e.old_value) for e in group})]
    if family == "heat":
        values = {e.field: _heat_value(e.field, e.old_value) for e in group if e.field in _HEAT_FIELDS}
        if values:
            return [Step("heat", None, values)]
    raise NothingToUndo(_("this change is not taken back by Undo"))


def plan(heat_no: str, entries: Sequence[AuditEntry], user: str, now: datetime) -> Plan:
    """What Ctrl+Z by `user` at `now` takes back in the heat whose history is `entries`
    (NothingToUndo says why nothing, when nothing)."""
    live = _standing(entries)
    mine = [g for g in live if g[0].user == user]
    if not mine:
        raise NothingToUndo(_("nothing of yours to take back in heat {heat_no}").format(heat_no=heat_no))
    group = mine[-1]
    when = _moment(group[-1].at)
    now = now if now.tzinfo is not None else now.astimezone()
    if now - when > WITHIN:
        raise NothingToUndo(_("your last change of heat {heat_no}, at {time}, is more than a minute old: "
                              "correct it instead").format(heat_no=heat_no, time=when.strftime("%H:%M:%S")))
    keys = {e.entity_key for e in group}
    later = [e for e in entries[entries.index(group[-1]) + 1:]
             if e.entity_key in keys and e.user != user and e.field != "plausibility"]
    if later:
        raise NothingToUndo(_("{name} changed it since: correct it instead").format(name=later[0].user))
    return Plan(heat_no, tuple(group), tuple(_steps(group)))


def take_back(store: Store, heat_no: str) -> Plan:
    """Take back the last change of the heat by the store's user, within the minute, as corrections
    with the reason "undone" (one transaction); what was taken back."""
    with store.transaction():
        heat = store.heat(heat_no)
        done = plan(heat.heat_no, store.audit(heat.heat_no), store.user, store.now())
        for step in done.steps:
            if step.kind == "void ingot":
                assert step.ingot_no is not None
                store.void_ingot(heat.heat_no, step.ingot_no, UNDONE)
            elif step.kind == "ingot":
                assert step.ingot_no is not None
                store.update_ingot(heat.heat_no, step.ingot_no, reason=UNDONE, **step.values)
            elif step.kind == "analysis":
                store.set_analysis(heat.heat_no, step.values, reason=UNDONE)
            else:
                store.update_heat(heat.heat_no, reason=UNDONE, **step.values)
        store.note_plausibility(heat.heat_no)
    return done
