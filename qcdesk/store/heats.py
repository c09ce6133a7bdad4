"""Heats and their heat analyses: logging, correcting and voiding a heat, and its verdict."""

from __future__ import annotations

import contextlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from qcdesk import records, shifts
from qcdesk.errors import Conflict, InputError, NotFound, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.model import (
    ChemStatus,
    Heat,
    Standard,
)
from qcdesk.names import clean_code, clean_person
from qcdesk.numbers import (
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    check_range,
    check_tap_time,
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.standards import HeatCheck, in_force
from qcdesk.standards import check as check_chemistry
from qcdesk.store.common import (
    UNSET,
    Progress,
    chunks,
    clean_reason,
    ingot_record,
    minutes_text,
    validate_analysis,
)
from qcdesk.store.standards import Standards


@dataclass(frozen=True)
class NewHeat:
    """A heat as entered, before it is saved."""

    heat_no: str
    converter: str
    tapped_at: datetime
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    notes: str = ""
    analysis: Mapping[str, float] = field(default_factory=dict)


# A heat's field as corrected → its column.
_HEAT_COLUMNS = {"converter": "converter_id", "tapped_at": "tapped_at",
                 "production_date": "production_date", "shift": "shift_id", "grade": "grade",
                 "tap_weight_t": "tap_weight_t", "tap_temp_c": "tap_temp_c",
                 "inspector": "inspector", "notes": "notes"}


_HEAT_UPDATES = {column: f"UPDATE heat SET {column} = ? WHERE id = ?"  # noqa: S608
                 for column in _HEAT_COLUMNS.values()}


def _audit_value(value: object) -> object:
    if isinstance(value, datetime):
        return minutes_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _heat_record(heat: Heat) -> dict[str, object]:
    """Everything recorded of a heat, as the audit log keeps it."""
    return {"converter": heat.converter, "tapped_at": minutes_text(heat.tapped_at),
            "production_date": heat.production_date.isoformat(), "shift": heat.shift,
            "grade": heat.grade, "tap_weight_t": heat.tap_weight_t, "tap_temp_c": heat.tap_temp_c,
            "inspector": heat.inspector, "notes": heat.notes, "analysis": dict(heat.analysis)}


class Heats(Standards):
    def heat(self, heat_no: str) -> Heat:
        row = self._heat_row(heat_no)
        return self._heats_from_rows([row])[0]

    def heats(self, date_from: date, date_to: date, *, converter: str | None = None,
              grade: str | None = None, shift: str | None = None,
              status: ChemStatus | None = None) -> list[Heat]:
        """Heats of production dates from..to (inclusive), in tap order, filtered."""
        rows = self.conn.execute(
            "SELECT h.* FROM heat h JOIN converter c ON c.id = h.converter_id "
            "JOIN shift s ON s.id = h.shift_id "
            "WHERE h.production_date BETWEEN ? AND ? AND (c.code = ? OR ? IS NULL) "
            "AND (h.grade = ? OR ? IS NULL) AND (s.code = ? OR ? IS NULL) "
            "AND (h.chem_status = ? OR ? IS NULL) AND h.void_reason IS NULL "
            "ORDER BY h.tapped_at, h.heat_no",
            (date_from.isoformat(), date_to.isoformat(), converter, converter, grade, grade,
             shift, shift, status, status)).fetchall()
        return self._heats_from_rows(rows)

    def _heats_from_rows(self, rows: Sequence[sqlite3.Row]) -> list[Heat]:
        conv = {c.id: c.code for c in self.converters()}
        shift_codes = {s.id: s.code for s in self.shifts()}
        analyses: dict[int, dict[str, float]] = defaultdict(dict)
        ids = [r["id"] for r in rows]
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            # only '?' placeholders are put into the statement
            for a in self.conn.execute(
                    "SELECT heat_id, element, value_pct FROM heat_analysis "  # noqa: S608
                    f"WHERE voided = 0 AND heat_id IN ({marks})",
                    chunk):
                analyses[a[0]][a[1]] = a[2]
        return [Heat(
            id=r["id"], heat_no=r["heat_no"], converter=conv[r["converter_id"]],
            tapped_at=datetime.fromisoformat(r["tapped_at"]),
            production_date=date.fromisoformat(r["production_date"]),
            shift=shift_codes[r["shift_id"]], grade=r["grade"], tap_weight_t=r["tap_weight_t"],
            tap_temp_c=r["tap_temp_c"], inspector=r["inspector"], notes=r["notes"],
            chem_status=ChemStatus(r["chem_status"]), analysis=analyses[r["id"]],
            ingots=r["n_ingots"], ingots_judged=r["n_judged"],
        ) for r in rows]

    def last_heat_no(self, converter: str) -> str | None:
        """The heat number most recently tapped on a converter (to suggest the next)."""
        row = self.conn.execute(
            "SELECT h.heat_no FROM heat h JOIN converter c ON c.id = h.converter_id "
            "WHERE c.code = ? ORDER BY h.tapped_at DESC, h.id DESC LIMIT 1", (converter,)).fetchone()
        return row[0] if row else None

    def add_heat(self, new: NewHeat, reason: str | None = None) -> Heat:
        """Save a new heat (and any analysis given with it); into a signed shift only
        with a reason, by a role that may correct signed records."""
        with self.transaction():
            self._insert_heats([new], reason=reason)
        return self.heat(new.heat_no)

    def import_heats(self, heats: Sequence[NewHeat], progress: Progress | None = None) -> int:
        """Save many heats in one transaction: all of them, or none."""
        with self.transaction():
            self._insert_heats(heats, progress, imported=True)
        return len(heats)

    def _insert_heats(self, heats: Sequence[NewHeat], progress: Progress | None = None,
                      reason: str | None = None, *, imported: bool = False) -> None:
        """Check each heat in turn (the first problem refuses them all), then write them all at
        once: the heats, their analyses and their audit entries."""
        self._require(Permission.RECORD)
        live = self._live_signatures()
        converters = {c.code: c for c in self.converters()}
        schedule = self.shifts()
        grades = set(self.grades())
        editions = self._editions_by_grade()
        people = self._people()
        now = self._clock()
        db = self.conn
        cleaned, taken = self._heat_nos_taken(heats)
        next_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM heat").fetchone()[0])
        rows: list[tuple[object, ...]] = []
        analyses: list[tuple[int, str, float]] = []
        # what a file repeats, worked out once: codes and names as typed → as read, the
        # edition in force by grade and day, the places (production date, shift) guarded
        codes: dict[str, str] = {}
        inspectors: dict[str, str] = {}
        in_force_on: dict[tuple[str, date], Standard | None] = {}
        guarded: set[tuple[str, int]] = set()
        for done, new in enumerate(heats, start=1):
            heat_no = cleaned.get(new.heat_no) or clean_code(new.heat_no, N_("heat number"), 32)
            code = codes.get(new.converter) or codes.setdefault(new.converter,
                                                                normalise_code(new.converter).strip())
            conv = converters.get(code)
            if conv is None:
                raise NotFound(_("there is no converter {code!r}").format(code=new.converter))
            if not conv.active:
                raise InputError(_("converter"), _("converter {code} is out of service").format(
                    code=conv.code))
            grade = codes.get(new.grade) or codes.setdefault(new.grade, normalise_code(new.grade).strip())
            if grade not in grades:
                raise NotFound(_("there is no grade {grade!r}").format(grade=new.grade))
            check_range(new.tap_weight_t, N_("tapped weight"), TAP_WEIGHT_T)
            if new.tap_temp_c is not None:
                check_range(new.tap_temp_c, N_("tap temperature"), TAP_TEMP_C)
            inspector = inspectors.get(new.inspector) or inspectors.setdefault(
                new.inspector, clean_person(new.inspector, N_("inspector"), 80, people))
            analysis = validate_analysis(new.analysis)
            tapped = check_tap_time(new.tapped_at.replace(second=0, microsecond=0), now,
                                    N_("tap time"))
            prod_date, shift = shifts.assign(tapped, schedule)
            place = (prod_date.isoformat(), shift.id)
            if place not in guarded:  # once a place passed, its signatures are gone or none
                self._guard([place], reason, live, imported=imported)
                guarded.add(place)
            day_grade = (grade, tapped.date())
            if day_grade not in in_force_on:
                in_force_on[day_grade] = in_force(editions.get(grade, ()), tapped.date())
            edition = in_force_on[day_grade]
            verdict = check_chemistry(edition, analysis)
            if heat_no in taken:  # as the heat number's UNIQUE would refuse it
                raise Conflict(_("heat {heat_no} already exists").format(heat_no=heat_no))
            taken.add(heat_no)
            heat_id = next_id + len(rows)
            rows.append((heat_id, heat_no, conv.id, minutes_text(tapped), place[0], shift.id, grade,
                         new.tap_weight_t, new.tap_temp_c, inspector, new.notes.strip(),
                         edition.id if edition else None, verdict.status.value))
            analyses.extend((heat_id, el, v) for el, v in analysis.items())
            self._audit("insert", "heat", heat_no, record=(records.HEAT, heat_id))
            if progress:
                progress(done, len(heats))
        db.executemany(
            "INSERT INTO heat (id, heat_no, converter_id, tapped_at, production_date, shift_id, "
            "grade, tap_weight_t, tap_temp_c, inspector, notes, standard_id, chem_status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO heat_analysis (heat_id, element, value_pct) VALUES (?, ?, ?)", analyses)

    def _heat_nos_taken(self, heats: Sequence[NewHeat]) -> tuple[dict[str, str], set[str]]:
        """These heats' numbers as they are saved (each number as given → as saved), and which
        of those the database already holds."""
        cleaned: dict[str, str] = {}
        for new in heats:
            with contextlib.suppress(InputError):  # refused in its turn
                cleaned[new.heat_no] = clean_code(new.heat_no, N_("heat number"), 32)
        return cleaned, self.existing_heat_nos(set(cleaned.values()))

    def update_heat(self, heat_no: str, *, converter: str | None = None,
                    tapped_at: datetime | None = None, grade: str | None = None,
                    tap_weight_t: float | None = None, tap_temp_c: float | None = UNSET,
                    inspector: str | None = None, notes: str | None = None,
                    reason: str | None = None) -> Heat:
        """Correct a heat's record; production date, shift and verdict follow.

        Once the heat has an analysis or judged ingots, a correction of anything
        but its notes or inspector needs a reason.
        """
        with self.transaction() as db:
            self._require(Permission.RECORD)
            current = self.heat(heat_no)
            changes: dict[str, object] = {}
            if converter is not None:
                conv = self.converter(converter)
                if not conv.active and conv.code != current.converter:
                    raise InputError(_("converter"), _("converter {code} is out of service").format(
                        code=conv.code))
                changes["converter"] = conv.code
            if tapped_at is not None:
                tapped = check_tap_time(tapped_at.replace(second=0, microsecond=0), self._clock(),
                                        N_("tap time"))
                prod_date, shift = shifts.assign(tapped, self.shifts())
                changes.update(tapped_at=tapped, production_date=prod_date, shift=shift.code)
            if grade is not None:
                if grade.strip() not in self.grades():
                    raise NotFound(_("there is no grade {grade!r}").format(grade=grade))
                changes["grade"] = grade.strip()
            if tap_weight_t is not None:
                changes["tap_weight_t"] = check_range(tap_weight_t, N_("tapped weight"), TAP_WEIGHT_T)
            if tap_temp_c is not UNSET:
                changes["tap_temp_c"] = (None if tap_temp_c is None else
                                         check_range(tap_temp_c, N_("tap temperature"), TAP_TEMP_C))
            if inspector is not None:
                changes["inspector"] = clean_person(inspector, N_("inspector"), 80, self._people())
            if notes is not None:
                changes["notes"] = notes.strip()
            changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
            judged = current.analysis or current.ingots_judged
            if judged and set(changes) - {"notes", "inspector"} and not clean_reason(reason):
                raise ReasonRequired(_(
                    "heat {heat_no} has analysis or judged ingots: say why its record is corrected"
                ).format(heat_no=current.heat_no))
            ids = {"converter": {c.code: c.id for c in self.converters()},
                   "shift": {s.code: s.id for s in self.shifts()}}
            if changes:
                self._guard({(current.production_date.isoformat(), ids["shift"][current.shift]),
                             (str(_audit_value(changes.get("production_date", current.production_date))),
                              ids["shift"][str(changes.get("shift", current.shift))])}, reason)
            for field_name, value in changes.items():
                column, stored = _HEAT_COLUMNS[field_name], value
                if field_name in ids:
                    stored = ids[field_name][str(value)]
                elif isinstance(value, datetime):
                    stored = minutes_text(value)
                elif isinstance(value, date):
                    stored = value.isoformat()
                db.execute(_HEAT_UPDATES[column], (stored, current.id))
                self._audit("update", "heat", current.heat_no, heat_no=current.heat_no,
                            field_name=field_name, old=_audit_value(getattr(current, field_name)),
                            new=_audit_value(value), reason=reason, record=(records.HEAT, current.id))
            self._refresh_status([current.id])
        return self.heat(current.heat_no)

    def void_heat(self, heat_no: str, reason: str) -> None:
        """Void a heat entered by mistake, with its analysis and ingots: it leaves every
        listing and rate, and stays in the database and its history. Needs a reason."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            heat = self.heat(heat_no)
            if not clean_reason(reason):
                raise ReasonRequired(_("say why heat {heat_no} is voided").format(heat_no=heat.heat_no))
            self._guard([(heat.production_date.isoformat(), self._heat_row(heat_no)["shift_id"])],
                        reason)
            record = {**_heat_record(heat),
                      "ingots": {str(i.ingot_no): ingot_record(i) for i in self.ingots(heat.heat_no)}}
            db.execute("UPDATE heat SET void_reason = ? WHERE id = ?", (clean_reason(reason), heat.id))
            self._audit("update", "heat", heat.heat_no, heat_no=heat.heat_no, field_name="voided",
                        old=record, new=True, reason=reason, record=(records.HEAT, heat.id))

    def set_analysis(self, heat_no: str, values: Mapping[str, float | None],
                     reason: str | None = None) -> HeatCheck:
        """Enter or correct analysis values (None removes one); a change needs a reason.
        They are the values of the heat's `heat` sample (see `samples`)."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            row = self._heat_row(heat_no)
            current = {r[0]: r[1] for r in db.execute(
                "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0",
                (row["id"],))}
            wanted = validate_analysis({k: v for k, v in values.items() if v is not None})
            removed = [el for el, v in values.items() if v is None and el in current]
            changed = [el for el, v in wanted.items() if el in current and current[el] != v]
            if (changed or removed) and not clean_reason(reason):
                raise ReasonRequired(_(
                    "{elements} of heat {heat_no} already entered: say why the value is changed"
                ).format(elements=", ".join(changed + removed), heat_no=row["heat_no"]))
            if removed or any(current.get(el) != v for el, v in wanted.items()):
                self._guard([(row["production_date"], row["shift_id"])], reason)
            for el, value in wanted.items():
                old = current.get(el)
                if old == value:
                    continue
                if old is None:  # a first value, or one entered again: withdrawn rows stay
                    db.execute("INSERT INTO heat_analysis (heat_id, element, value_pct, seq) "
                               "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1 FROM heat_analysis "
                               "WHERE heat_id = ? AND element = ?", (row["id"], el, value, row["id"], el))
                else:
                    db.execute("UPDATE heat_analysis SET value_pct = ? WHERE heat_id = ? AND element = ? "
                               "AND voided = 0", (value, row["id"], el))
                self._audit("insert" if old is None else "update", "analysis",
                            f"{row['heat_no']}/{el}", heat_no=row["heat_no"], field_name=el,
                            old=old, new=value, reason=reason, record=(records.HEAT, row["id"]))
            for el in removed:
                db.execute("UPDATE heat_analysis SET voided = 1 WHERE heat_id = ? AND element = ? "
                           "AND voided = 0", (row["id"], el))
                self._audit("delete", "analysis", f"{row['heat_no']}/{el}", heat_no=row["heat_no"],
                            field_name=el, old=current[el], reason=reason, record=(records.HEAT, row["id"]))
            return self._refresh_status([row["id"]])[row["id"]]

    def check_heat(self, heat_no: str) -> HeatCheck:
        """The heat's verdict against the edition in force on its tap date."""
        heat = self.heat(heat_no)
        edition = self.standard_in_force(heat.grade, heat.tapped_at.date())
        return check_chemistry(edition, heat.analysis)

    def _refresh_status(self, heat_ids: Sequence[int], changed: set[int] | None = None
                        ) -> dict[int, HeatCheck]:
        """Judge each heat again and store its verdict (after its analysis, grade or standard
        changed), and its product analyses (`changed` collects the heats where what they fail
        changed); the verdicts by heat id."""
        editions = self._editions_by_grade()
        updates = []
        verdicts = {}
        for chunk in chunks(list(heat_ids), 500):
            for heat in self._heats_from_rows(self.conn.execute(
                    f"SELECT * FROM heat WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk).fetchall()):
                edition = in_force(editions.get(heat.grade, ()), heat.tapped_at.date())
                verdict = check_chemistry(edition, heat.analysis)
                updates.append((edition.id if edition else None, verdict.status.value, heat.id))
                verdicts[heat.id] = verdict
        self.conn.executemany("UPDATE heat SET standard_id = ?, chem_status = ? WHERE id = ?",
                              updates)
        self._refresh_product(heat_ids, changed)
        return verdicts

    def existing_heat_nos(self, heat_nos: Iterable[str]) -> set[str]:
        """Which of these heat numbers the database already holds."""
        found: set[str] = set()
        for chunk in chunks(list(heat_nos), 500):
            found.update(r[0] for r in self.conn.execute(
                f"SELECT heat_no FROM heat WHERE heat_no IN ({','.join('?' * len(chunk))})",  # noqa: S608
                chunk))
        return found
