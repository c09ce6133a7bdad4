"""Can the day be signed yet? Every shift's state, and what is missing, before anyone types a PIN.

The rules are the store's (`Store.sign_day`): a day is signed by someone who may sign days, once
it has heats and every shift with heats is closed (its latest signature live), and only once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from qcdesk.i18n import _, language
from qcdesk.model import Shift
from qcdesk.people import ROLE_NAMES, Permission, Person
from qcdesk.signoff import Kind, Signature, Signoff, Status, status_of


@dataclass(frozen=True)
class ShiftState:
    """One shift of the day: its heats and its closing signature."""

    shift: Shift
    heats: int
    standing: Signoff

    @property
    def closed(self) -> bool:
        return self.standing.status is Status.SIGNED

    @property
    def name(self) -> str:
        return self.shift.name_zh if language() == "zh" else self.shift.name_en

    def text(self) -> str:
        """night: no heats · day: closed by wang at 16:02 · evening: open, 1 heat(s)."""
        sig = self.standing.signature
        if self.closed and sig is not None:
            return _("{shift}: closed by {name} at {time}").format(
                shift=self.name, name=sig.signer, time=sig.signed_at[11:16])
        if not self.heats:
            return _("{shift}: no heats").format(shift=self.name)
        if self.standing.status is Status.SUPERSEDED:
            return _("{shift}: changed since closed, {n} heat(s)").format(shift=self.name, n=self.heats)
        return _("{shift}: open, {n} heat(s)").format(shift=self.name, n=self.heats)


@dataclass(frozen=True)
class DayReadiness:
    """Where a production date stands before its signature, and what it still needs."""

    day: date
    shifts: tuple[ShiftState, ...]
    standing: Signoff
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


def day_readiness(day: date, schedule: Sequence[Shift], heats_by_shift: Mapping[str, int],
                  signatures: Sequence[Signature], signer: Person | None) -> DayReadiness:
    """Every shift's state on `day` (heats per shift code; the day's signatures, oldest first) and
    what is missing before `signer` (the person signed in) can sign it."""
    states = tuple(ShiftState(s, heats_by_shift.get(s.code, 0), status_of(
        [g for g in signatures if g.kind is Kind.SHIFT and g.shift == s.code]))
        for s in sorted(schedule, key=lambda s: s.seq))
    standing = status_of([g for g in signatures if g.kind is Kind.DAY])
    missing: list[str] = []
    if standing.status is Status.SIGNED:
        missing.append(_("the day is signed already"))
    if signer is None:
        missing.append(_("sign in first"))
    elif not signer.may(Permission.SIGN_DAY):
        missing.append(_("{name} is {role}: a workshop head signs the day").format(
            name=signer.name, role=_(ROLE_NAMES[signer.role])))
    if not any(s.heats for s in states):
        missing.append(_("the day has no heats"))
    missing += [_("close shift {shift} ({n} heat(s))").format(shift=s.name, n=s.heats)
                for s in states if s.heats and not s.closed]
    return DayReadiness(day, states, standing, tuple(missing))
