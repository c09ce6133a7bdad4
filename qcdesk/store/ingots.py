"""Ingots and their defects: judging, correcting and voiding ingots."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from qcdesk import records
from qcdesk.errors import Conflict, InputError, NotFound, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.model import (
    Disposition,
    Ingot,
    IngotDefect,
    Location,
)
from qcdesk.names import clean_person
from qcdesk.numbers import (
    INGOT_WEIGHT_KG,
    check_range,
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.store.common import (
    SECONDS,
    UNSET,
    NewIngot,
    Progress,
    chunks,
    clean_name,
    clean_reason,
    ingot_record,
)
from qcdesk.store.samples import Samples


def _validate_ingot(new: NewIngot, catalogue: set[str], *, inspector_checked: bool = False) -> None:
    """Refuse an ingot's number, weight, inspector or defects; `inspector_checked`: its
    inspector's name already passed (an import repeats a few names)."""
    if not 1 <= new.ingot_no <= 9999:
        raise InputError(_("ingot number"), _("must be a whole number from 1 to 9999"))
    check_range(new.weight_kg, N_("ingot weight"), INGOT_WEIGHT_KG)
    if not inspector_checked:
        clean_name(new.inspector, N_("inspector"), 80)
    seen = set()
    for d in new.defects:
        if d.code not in catalogue:
            raise InputError(_("defects"), _("{code!r} is not in the defect catalogue").format(
                code=d.code))
        if (d.code, d.location) in seen:
            raise InputError(_("defects"), _("{defect} is listed twice").format(defect=d))
        seen.add((d.code, d.location))


def _judged_at(new: NewIngot, now: str) -> str | None:
    if not new.disposition.judged:
        return None
    return new.judged_at.strftime(SECONDS) if new.judged_at else now


class Ingots(Samples):
    def ingots(self, heat_no: str) -> list[Ingot]:
        row = self._heat_row(heat_no)
        defects: dict[int, list[IngotDefect]] = defaultdict(list)
        for d in self.conn.execute(
                "SELECT d.ingot_id, d.defect_code, d.location FROM ingot_defect d "
                "JOIN ingot i ON i.id = d.ingot_id WHERE i.heat_id = ? AND d.voided = 0 "
                "ORDER BY d.ingot_id, d.seq",
                (row["id"],)):
            defects[d[0]].append(IngotDefect(d[1], Location(d[2]) if d[2] else None))
        return [Ingot(r["id"], row["heat_no"], r["ingot_no"], r["weight_kg"],
                      Disposition(r["disposition"]), r["inspector"],
                      datetime.fromisoformat(r["judged_at"]) if r["judged_at"] else None,
                      tuple(defects[r["id"]]), r["regrade_to"], bool(r["pa_fails"]))
                for r in self.conn.execute(
                    "SELECT * FROM ingot WHERE heat_id = ? AND void_reason IS NULL ORDER BY ingot_no",
                    (row["id"],))]

    def add_ingots(self, heat_no: str, ingots: Sequence[NewIngot],
                   reason: str | None = None) -> list[Ingot]:
        """Save ingots of a heat; into a signed shift only with a reason (see add_heat)."""
        with self.transaction():
            self._insert_ingots([(heat_no, i) for i in ingots], reason=reason)
        return self.ingots(heat_no)

    def import_ingots(self, ingots: Sequence[tuple[str, NewIngot]],
                      progress: Progress | None = None) -> int:
        """Save many (heat number, ingot) pairs in one transaction: all, or none."""
        with self.transaction():
            self._insert_ingots(ingots, progress, imported=True)
        return len(ingots)

    def next_ingot_no(self, heat_no: str) -> int:
        row = self._heat_row(heat_no)
        return int(self.conn.execute("SELECT coalesce(max(ingot_no), 0) + 1 FROM ingot "
                                     "WHERE heat_id = ?", (row["id"],)).fetchone()[0])

    def _insert_ingots(self, ingots: Sequence[tuple[str, NewIngot]],
                       progress: Progress | None = None, reason: str | None = None, *,
                       imported: bool = False) -> None:
        """Check each ingot in turn (the first problem refuses them all), then write them all
        at once: the ingots, their defects and their audit entries."""
        self._require(Permission.RECORD)
        db = self.conn
        catalogue = {d.code for d in self.defects(active_only=True)}
        people = self._people()
        inspectors: dict[str, str] = {}  # as given → as saved: a file repeats a few names
        checked: set[str] = set()  # inspectors as saved whose names passed _validate_ingot
        dispositions = {d: d.value for d in Disposition}  # (an enum's value is a property: slower)
        found, taken = self._heats_of_ingots({no for no, _new in ingots})
        live = self._live_signatures()
        live.read({row["production_date"] for row in found.values()})  # in one query
        heat_ids: dict[str, int] = {}
        heat_rows: dict[str, sqlite3.Row] = {}
        now = self._clock().strftime(SECONDS)
        next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM ingot").fetchone()[0])
        rows: list[tuple[object, ...]] = []
        defects: list[tuple[int, int, str, str | None]] = []
        for done, (given_no, new) in enumerate(ingots, start=1):
            heat_no = given_no.strip()
            inspector = inspectors.get(new.inspector)
            if inspector is None:
                inspector = inspectors[new.inspector] = clean_person(new.inspector, N_("inspector"), 80,
                                                                     people)
            if inspector != new.inspector:
                new = replace(new, inspector=inspector)  # noqa: PLW2901 - the ingot as saved
            heat_id = heat_ids.get(heat_no)
            if heat_id is None:
                heat_row = found.get(given_no)
                if heat_row is None or heat_row["void_reason"] is not None:
                    heat_row = self._heat_row(heat_no)  # refused, as it says
                heat_id = heat_ids[heat_no] = heat_row["id"]
                heat_rows[heat_no] = heat_row
                self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason, live,
                            imported=imported)
            _validate_ingot(new, catalogue, inspector_checked=inspector in checked)
            checked.add(inspector)
            judged_at = _judged_at(new, now)
            regrade_to = (None if new.regrade_to is None else
                          self._check_regrade(heat_rows[heat_no], new.disposition, new.regrade_to))
            number = (heat_id, new.ingot_no)
            if number in taken:  # as the UNIQUE (heat, number) would refuse it
                raise Conflict(_("heat {heat_no} already has ingot {n}").format(
                    heat_no=heat_no, n=new.ingot_no))
            taken.add(number)
            ingot_id = next_id + len(rows)
            rows.append((ingot_id, heat_id, new.ingot_no, new.weight_kg, dispositions[new.disposition],
                         inspector.strip(), judged_at, regrade_to))
            if new.defects:
                defects.extend((ingot_id, seq, d.code, d.location.value if d.location else None)
                               for seq, d in enumerate(new.defects, start=1))
            self._audit("insert", "ingot", f"{heat_no}/{new.ingot_no}", record=(records.INGOT, ingot_id))
            if progress:
                progress(done, len(ingots))
        db.executemany("INSERT INTO ingot (id, heat_id, ingot_no, weight_kg, disposition, inspector, "
                       "judged_at, regrade_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) VALUES (?, ?, ?, ?)",
                       defects)

    def _heats_of_ingots(self, given: Iterable[str]) -> tuple[dict[str, sqlite3.Row],
                                                                set[tuple[int, int]]]:
        """The heats these heat numbers (as given) name, by those numbers, and the (heat id, ingot
        number) of every ingot they have, voided ones too."""
        saved_as = {no: normalise_code(no.strip()).strip() for no in given}  # as _heat_row reads them
        rows = {r["heat_no"]: r for r in self.conn.execute(
            "SELECT id, heat_no, production_date, shift_id, void_reason, grade, tapped_at FROM heat "
            "WHERE heat_no IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(saved_as.values())), ensure_ascii=False),))}
        found = {no: rows[saved] for no, saved in saved_as.items() if saved in rows}
        taken = {(r[0], r[1]) for r in self.conn.execute(
            "SELECT heat_id, ingot_no FROM ingot "
            "WHERE heat_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))",
            (json.dumps(sorted({r["id"] for r in rows.values()})),))}
        return found, taken

    def update_ingot(self, heat_no: str, ingot_no: int, *, weight_kg: float | None = None,
                     disposition: Disposition | None = None,
                     defects: Sequence[IngotDefect] | None = None,
                     inspector: str | None = None, reason: str | None = None,
                     regrade_to: str | None = UNSET) -> Ingot:
        """Judge or correct an ingot; changing a judged one's weight or disposition needs a reason.
        `regrade_to`: the grade a re-graded ingot is released as, one its heat satisfies (None
        or '' for none named; kept while the ingot stays re-graded, dropped when it does not)."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self._ingot(heat_no, ingot_no)
            wanted = current.disposition if disposition is None else disposition
            if regrade_to is UNSET:
                regrade_to = current.regrade_to if wanted is Disposition.REGRADED else None
            elif regrade_to is not None and regrade_to.strip():
                regrade_to = self._check_regrade(self._heat_row(heat_no), wanted, regrade_to)
            proposed = replace(
                current,
                weight_kg=current.weight_kg if weight_kg is None else weight_kg,
                disposition=wanted,
                defects=current.defects if defects is None else tuple(defects),
                inspector=current.inspector if inspector is None else clean_person(
                    inspector, N_("inspector"), 80, self._people()),
                regrade_to=regrade_to or None)
            _validate_ingot(NewIngot(ingot_no, proposed.weight_kg, proposed.disposition,
                                     proposed.inspector, proposed.defects),
                            # a retired defect stays on the ingots it was found on, and no more
                            {d.code for d in self.defects(active_only=True)}
                            | {d.code for d in current.defects})
            corrected = [f for f in ("weight_kg", "disposition")
                         if getattr(current, f) != getattr(proposed, f)]
            if current.regrade_to is not None and proposed.regrade_to != current.regrade_to:
                corrected.append("regrade_to")  # a grade named once is corrected with a reason
            if current.disposition.judged and corrected and not clean_reason(reason):
                raise ReasonRequired(_(
                    "ingot {n} of heat {heat_no} is already judged: say why its {fields} changes"
                ).format(n=ingot_no, heat_no=current.heat_no,
                         fields=", ".join(_(f) for f in corrected)))
            if proposed != current:
                heat_row = self._heat_row(heat_no)
                self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason)
            # judged_at: when the disposition last changed to a judgement
            if not proposed.disposition.judged:
                judged_at = None
            elif proposed.disposition != current.disposition or current.judged_at is None:
                judged_at = self._clock().strftime(SECONDS)
            else:
                judged_at = current.judged_at.strftime(SECONDS)
            db.execute("UPDATE ingot SET weight_kg = ?, disposition = ?, inspector = ?, judged_at = ?, "
                       "regrade_to = ? WHERE id = ?", (proposed.weight_kg, proposed.disposition.value,
                                                       proposed.inspector, judged_at, proposed.regrade_to,
                                                       current.id))
            key = f"{current.heat_no}/{ingot_no}"
            for f in ("weight_kg", "disposition", "inspector", "regrade_to"):
                if getattr(current, f) != getattr(proposed, f):
                    self._audit("update", "ingot", key, heat_no=current.heat_no, field_name=f,
                                old=getattr(current, f), new=getattr(proposed, f), reason=reason,
                                record=(records.INGOT, current.id))
            if proposed.defects != current.defects:
                # the defects found before stay in the database, marked replaced
                db.execute("UPDATE ingot_defect SET voided = 1 WHERE ingot_id = ? AND voided = 0",
                           (current.id,))
                first = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM ingot_defect "
                                   "WHERE ingot_id = ?", (current.id,)).fetchone()[0]
                db.executemany(
                    "INSERT INTO ingot_defect (ingot_id, seq, defect_code, location) "
                    "VALUES (?, ?, ?, ?)",
                    [(current.id, seq, d.code, d.location.value if d.location else None)
                     for seq, d in enumerate(proposed.defects, start=first)])
                self._audit("update", "ingot", key, heat_no=current.heat_no, field_name="defects",
                            old=[str(d) for d in current.defects],
                            new=[str(d) for d in proposed.defects], reason=reason,
                            record=(records.INGOT, current.id))
            return self._ingot(heat_no, ingot_no)

    def void_ingot(self, heat_no: str, ingot_no: int, reason: str) -> None:
        """Void an ingot entered by mistake: it leaves every listing and rate (and its heat's
        sums), and stays in the database and its history. Needs a reason."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self._ingot(heat_no, ingot_no)
            if not clean_reason(reason):
                raise ReasonRequired(_("say why ingot {n} of heat {heat_no} is voided").format(
                    n=ingot_no, heat_no=current.heat_no))
            heat_row = self._heat_row(heat_no)
            self._guard([(heat_row["production_date"], heat_row["shift_id"])], reason)
            db.execute("UPDATE ingot SET void_reason = ? WHERE id = ?", (clean_reason(reason), current.id))
            self._audit("update", "ingot", f"{current.heat_no}/{ingot_no}", heat_no=current.heat_no,
                        field_name="voided", old=ingot_record(current), new=True, reason=reason,
                        record=(records.INGOT, current.id))
            self._refresh_product([heat_row["id"]])  # its product samples leave the one-side rule

    def _ingot(self, heat_no: str, ingot_no: int) -> Ingot:
        for ingot in self.ingots(heat_no):
            if ingot.ingot_no == ingot_no:
                return ingot
        raise NotFound(_("heat {heat_no} has no ingot {n}").format(heat_no=heat_no, n=ingot_no))

    def existing_ingot_nos(self, heat_nos: Iterable[str]) -> dict[str, set[int]]:
        """The ingot numbers already saved for each of these heats (heats that exist)."""
        found: dict[str, set[int]] = {}
        for chunk in chunks(list(heat_nos), 500):
            marks = ",".join("?" * len(chunk))
            for heat_no, ingot_no in self.conn.execute(
                    f"SELECT h.heat_no, i.ingot_no FROM heat h LEFT JOIN ingot i ON i.heat_id = h.id "  # noqa: S608
                    f"WHERE h.heat_no IN ({marks})", chunk):
                found.setdefault(heat_no, set())
                if ingot_no is not None:
                    found[heat_no].add(ingot_no)
        return found
