"""Sign-off: what a signature covers, as canonical bytes and their SHA-256.

An inspector closes a shift (a production date and a shift); a workshop head
signs the day. A signature covers exactly the records recorded for that shift or
day and not voided: each heat (its number, converter, tap time, production date,
shift, grade, tapped weight, tap temperature, inspector, notes), its analysis and
its ingots (number, weight, disposition, inspector, judged at, defects in the
order recorded). Derived values (the chemistry verdict, the ingot sums) are not
covered: they are recomputed from what is.

The canonical form is JSON with keys sorted, no spaces, UTF-8, numbers as
Python writes them (round-trip exact)::

    {"date": "1959-02-02", "heats": [{..., "analysis": {"C": 0.15, ...},
      "ingots": [{"defects": [["TCRK", "top"]], ...}, ...]}, ...], "shift": "day"}

with heats sorted by heat number and ingots by ingot number; "shift" is null for
a day. The records' hash is the SHA-256 of those bytes, in lower-case hex.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from qcdesk.i18n import N_


class Kind(StrEnum):
    SHIFT = "shift"
    DAY = "day"


MEANINGS = {Kind.SHIFT: N_("shift closed by inspector"),
            Kind.DAY: N_("day approved by workshop head")}


@dataclass(frozen=True)
class Signature:
    id: int
    kind: Kind
    production_date: date
    shift: str | None          # the shift's code; None for a day
    signer: str
    role: str
    meaning: str               # in English, as signed; translate for display
    signed_at: str
    records_hash: str
    chain_head: str
    superseded_at: str | None = None
    superseded_reason: str | None = None

    @property
    def live(self) -> bool:
        return self.superseded_at is None


class Status(StrEnum):
    UNSIGNED = "unsigned"
    SIGNED = "signed"
    SUPERSEDED = "superseded"   # signed once, changed since: to be signed again


STATUS_NAMES = {Status.UNSIGNED: N_("unsigned (DRAFT)"), Status.SIGNED: N_("signed"),
                Status.SUPERSEDED: N_("changed since signed: to be signed again")}


@dataclass(frozen=True)
class Signoff:
    """Where a day (or shift) stands: its latest signature, if any."""

    status: Status
    signature: Signature | None = None


def status_of(signatures: Sequence[Signature]) -> Signoff:
    """The standing of one shift or day from its signatures, oldest first."""
    if not signatures:
        return Signoff(Status.UNSIGNED)
    latest = signatures[-1]
    return Signoff(Status.SIGNED if latest.live else Status.SUPERSEDED, latest)


def canonical(day: date, shift: str | None, heats: Sequence[Mapping[str, object]]) -> bytes:
    """The canonical bytes of the records a signature covers (see the module's docstring).

    Each heat is a mapping of its covered fields with "analysis" (element → %) and
    "ingots" (mappings with "defects" as [code, location] pairs).
    """
    ordered = []
    for heat in sorted(heats, key=lambda h: str(h["heat_no"])):
        ingots = heat.get("ingots", [])
        assert isinstance(ingots, list)
        ordered.append({**heat, "ingots": sorted(ingots, key=lambda i: int(i["ingot_no"]))})
    document = {"date": day.isoformat(), "shift": shift, "heats": ordered}
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_plain).encode()


# hashlib (OpenSSL) only where a hash is made, as in qcdesk.chain: not at every command's start.

def records_hash(day: date, shift: str | None, heats: Sequence[Mapping[str, object]]) -> str:
    import hashlib  # noqa: PLC0415 - see above

    return hashlib.sha256(canonical(day, shift, heats)).hexdigest()


def pin_digest(pin_hash: str) -> str:
    """What a signing records of the PIN hash the PIN was checked against: its SHA-256."""
    import hashlib  # noqa: PLC0415 - see records_hash

    return hashlib.sha256(pin_hash.encode()).hexdigest()


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot sign a {type(value).__name__}")
