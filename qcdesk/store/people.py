"""People, their PINs and roles, and signing off shifts and days."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from qcdesk import records
from qcdesk.errors import Conflict, NotFound, QcError
from qcdesk.i18n import N_, _
from qcdesk.model import (
    SampleKind,
)
from qcdesk.names import clean_person, clean_text, readable
from qcdesk.people import (
    LOCK_AFTER,
    LOCK_FOR,
    OWASP,
    Cost,
    Permission,
    Person,
    Role,
    after_failure,
    check_pin_rules,
    check_unknown,
    hash_pin,
    parse_role,
    pin_matches,
)
from qcdesk.store.common import minutes_text, person_from_row
from qcdesk.store.ingots import Ingots

if TYPE_CHECKING:
    from qcdesk import signoff


def _refused() -> str:
    """What every refused sign-in says, whatever was wrong: the name, the PIN, or a lock-out."""
    return _("the name or the PIN is wrong (after {n} wrong PINs in a row, every PIN is refused "
             "for {minutes} minutes)").format(n=LOCK_AFTER, minutes=int(LOCK_FOR.total_seconds() // 60))


def _signature(row: sqlite3.Row) -> signoff.Signature:
    from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

    return signoff.Signature(
        row["id"], signoff.Kind(row["kind"]), date.fromisoformat(row["production_date"]),
        row["shift_code"], row["signer"], row["role"], row["meaning"], row["signed_at"],
        row["records_hash"], row["chain_head"], row["superseded_at"], row["superseded_reason"])


def _describe(day: date, shift: str | None) -> str:
    if shift is None:
        return _("the day {day}").format(day=day)
    return _("shift {shift} of {day}").format(shift=shift, day=day)


class PeopleAndSignoff(Ingots):
    def people(self) -> list[Person]:
        return [person_from_row(r) for r in self.conn.execute("SELECT * FROM person ORDER BY name")]

    def person_named(self, name: str) -> Person:
        row = self.conn.execute("SELECT * FROM person WHERE name = ?", (readable(name),)).fetchone()
        if row is None:
            raise NotFound(_("there is no person {name!r}").format(name=name))
        return person_from_row(row)

    def add_person(self, name: str, role: Role | str, pin: str, *, cost: Cost = OWASP) -> Person:
        """Add someone who may sign in. The first person of a database must be an
        administrator (and needs no one signed in); later ones are added by an administrator.
        `cost` is for tests only: people's PINs are hashed at OWASP's cost."""
        name = clean_text(name, N_("name"), 80)
        role = parse_role(role)
        pin_hash = hash_pin(check_pin_rules(pin), cost)  # slow: outside the write lock
        with self.transaction() as db:
            if self.roles_enforced():
                self._require(Permission.PEOPLE)
            elif role is not Role.ADMIN:
                raise Conflict(_("the first person of a database must be an administrator"))
            if db.execute("SELECT 1 FROM person WHERE name = ?", (name,)).fetchone():
                raise Conflict(_("{name!r} already exists").format(name=name))
            clean_person(name, N_("name"), 80, self._people())
            cur = db.execute("INSERT INTO person (name, role, pin_hash) VALUES (?, ?, ?)",
                             (name, role.value, pin_hash))
            self._audit("insert", "person", name, new={"name": name, "role": role.value},
                        anyone=self.person is None, record=(records.PERSON, cur.lastrowid))
        return self.person_named(name)

    def deactivate_person(self, name: str, reason: str | None = None) -> Person:
        """Take someone's right to sign in away; their records and signatures stay theirs."""
        with self.transaction() as db:
            self._require(Permission.PEOPLE)
            current = self.person_named(name)
            if self.person is not None and current.id == self.person.id:
                raise Conflict(_("you cannot deactivate yourself"))
            if current.active:
                db.execute("UPDATE person SET active = 0 WHERE id = ?", (current.id,))
                self._audit("update", "person", current.name, field_name="active", old=True,
                            record=(records.PERSON, current.id),
                            new=False, reason=reason)
        return self.person_named(name)

    def set_pin(self, name: str, pin: str, *, cost: Cost = OWASP) -> None:
        """A new PIN for someone (an administrator's reset); it also lifts a lock-out."""
        pin_hash = hash_pin(check_pin_rules(pin), cost)
        with self.transaction() as db:
            self._require(Permission.PEOPLE)
            current = self.person_named(name)
            db.execute("UPDATE person SET pin_hash = ?, failed_logins = 0, locked_until = NULL "
                       "WHERE id = ?", (pin_hash, current.id))
            self._audit("update", "person", current.name, field_name="pin", old="***", new="***",
                        record=(records.PERSON, current.id))

    def login(self, name: str, pin: str) -> Person:
        """Sign `name` in with their PIN: the person, or QcError. Five wrong PINs in a row
        lock them out for 15 minutes (kept in the database, and audited).

        Every refusal says the same (`_refused`) after the same work, one scrypt check of the
        PIN, whoever the name is: an unknown name, a wrong PIN, and while the person is locked
        out, any PIN, right or wrong. An attempt during a lock-out is audited as such and
        neither signs in nor lengthens the lock, which ends 15 minutes after the fifth wrong
        PIN. Only a right PIN of a deactivated person is told why it cannot sign in."""
        wanted = readable(name)  # a name with a character nobody sees finds no one
        refused = _refused()
        row = self.conn.execute("SELECT * FROM person WHERE name = ?", (wanted,)).fetchone()
        if row is None:
            check_unknown(pin)  # as slow as a wrong PIN
            raise QcError(refused)
        # the slow hash outside the write lock: other workstations keep saving meanwhile
        checked = row["pin_hash"]
        matches = pin_matches(pin, checked)
        with self.transaction() as db:
            row = db.execute("SELECT * FROM person WHERE name = ?", (wanted,)).fetchone()
            person = person_from_row(row)
            if row["pin_hash"] != checked:  # reset meanwhile: check the new one (rare)
                matches = pin_matches(pin, row["pin_hash"])
            now = self._clock().astimezone()
            if person.locked_until is not None and person.locked_until > now:
                # whatever the PIN: told as a wrong one, so the answer never says it was right
                self._sign_in_attempt(person, "attempt refused: locked out until "
                                      + person.locked_until.isoformat(timespec="seconds"))
                matches = False
            elif matches:
                self._proven_person_row(person.id)  # a PIN hash copied in lets nobody in
                if not person.active:
                    raise QcError(_("{name} is deactivated and cannot sign in").format(name=person.name))
                if person.failed_logins or person.locked_until:
                    db.execute("UPDATE person SET failed_logins = 0, locked_until = NULL "
                               "WHERE id = ?", (person.id,))
            elif person.active:  # a wrong PIN counts towards a lock-out of an open account
                failed, until = after_failure(person.failed_logins, now)
                db.execute("UPDATE person SET failed_logins = ?, locked_until = ? WHERE id = ?",
                           (failed, until.isoformat(timespec="seconds") if until else None, person.id))
                self._sign_in_attempt(person, "locked out until " + until.isoformat(timespec="seconds")
                                      if until else "wrong PIN")
        if not matches:
            raise QcError(refused)
        self.person = person
        self.user = person.name
        return person

    def _sign_in_attempt(self, person: Person, what: str) -> None:
        """Audit a refused sign-in as the person it named (inside the caller's transaction)."""
        saved_user, self.user = self.user, person.name
        try:
            self._audit("update", "person", person.name, field_name="sign-in", new=what, anyone=True)
        finally:
            self.user = saved_user

    def signatures(self, day: date) -> list[signoff.Signature]:
        """Every signature of a production date (shifts and the day), oldest first."""
        rows = self.conn.execute(
            "SELECT g.*, s.code AS shift_code FROM signature g LEFT JOIN shift s ON s.id = g.shift_id "
            "WHERE g.production_date = ? ORDER BY g.id", (day.isoformat(),))
        return [_signature(r) for r in rows]

    def all_signatures(self) -> list[signoff.Signature]:
        rows = self.conn.execute("SELECT g.*, s.code AS shift_code FROM signature g "
                                 "LEFT JOIN shift s ON s.id = g.shift_id ORDER BY g.id")
        return [_signature(r) for r in rows]

    def day_signoff(self, day: date) -> signoff.Signoff:
        """Unsigned, signed (by whom, when) or superseded (to be signed again)."""
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        return signoff.status_of([s for s in self.signatures(day) if s.kind is signoff.Kind.DAY])

    def shift_signoff(self, day: date, shift: str) -> signoff.Signoff:
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        return signoff.status_of([s for s in self.signatures(day)
                                  if s.kind is signoff.Kind.SHIFT and s.shift == shift])

    def signed_records_hash(self, day: date, shift: str | None) -> str:
        """The hash of the records a signature of this day (or shift) covers, as they are now."""
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        return signoff.records_hash(day, shift, self._covered(day, shift))

    def _covered(self, day: date, shift: str | None) -> list[dict[str, object]]:
        heats = self.conn.execute(
            "SELECT h.*, c.code AS converter_code, s.code AS shift_code FROM heat h "
            "JOIN converter c ON c.id = h.converter_id JOIN shift s ON s.id = h.shift_id "
            "WHERE h.production_date = ? AND (s.code = ? OR ? IS NULL) AND h.void_reason IS NULL",
            (day.isoformat(), shift, shift)).fetchall()
        out = []
        samples = self._samples_of([h["id"] for h in heats])
        for h in heats:
            analysis = {r[0]: r[1] for r in self.conn.execute(
                "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0",
                (h["id"],))}
            ingots = []
            for i in self.conn.execute("SELECT * FROM ingot WHERE heat_id = ? AND void_reason IS NULL",
                                       (h["id"],)).fetchall():
                defects = [[d[0], d[1]] for d in self.conn.execute(
                    "SELECT defect_code, location FROM ingot_defect WHERE ingot_id = ? AND voided = 0 "
                    "ORDER BY seq", (i["id"],))]
                ingots.append({"ingot_no": i["ingot_no"], "weight_kg": i["weight_kg"],
                               "disposition": i["disposition"], "inspector": i["inspector"],
                               "judged_at": i["judged_at"], "defects": defects,
                               # (since schema 10, where named: what was signed before stays as it was)
                               **({"regrade_to": i["regrade_to"]} if i["regrade_to"] else {})})
            # the lab's other samples (the heat sample's values are the analysis), where there are any
            others = [{"kind": m.kind.value, "sample": m.sample_no, "ingot_no": m.ingot_no,
                       "taken_at": minutes_text(m.taken_at), "values": m.values}
                      for m in samples.get(h["id"], []) if m.kind is not SampleKind.HEAT]
            out.append({"heat_no": h["heat_no"], "converter": h["converter_code"],
                        "tapped_at": h["tapped_at"], "production_date": h["production_date"],
                        "shift": h["shift_code"], "grade": h["grade"],
                        "tap_weight_t": h["tap_weight_t"], "tap_temp_c": h["tap_temp_c"],
                        "inspector": h["inspector"], "notes": h["notes"], "analysis": analysis,
                        "ingots": ingots, **({"samples": others} if others else {})})
        return out

    def sign_shift(self, day: date, shift: str, pin: str) -> signoff.Signature:
        """Close a shift: the signed-in inspector (or head) signs its records, PIN again."""
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        return self._sign(signoff.Kind.SHIFT, day, shift, pin)

    def sign_day(self, day: date, pin: str) -> signoff.Signature:
        """Approve a day: the signed-in workshop head signs its records, PIN again. Every
        shift of the day with heats must be closed first."""
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        return self._sign(signoff.Kind.DAY, day, None, pin)

    def _sign(self, kind: signoff.Kind, day: date, shift: str | None, pin: str) -> signoff.Signature:
        from qcdesk import signoff  # noqa: PLC0415 - see qcdesk.store's docstring

        if not self.roles_enforced() or self.person is None:
            raise QcError(_("signing needs people and roles: add an administrator, then sign in"))
        self.login(self.person.name, pin)  # the PIN again; a wrong one counts towards lock-out
        with self.transaction() as db:
            signer = self._require(Permission.CLOSE_SHIFT if kind is signoff.Kind.SHIFT
                                   else Permission.SIGN_DAY)
            assert signer is not None
            shift_id = None
            if shift is not None:
                known = {s.code: s.id for s in self.shifts()}
                if shift not in known:
                    raise NotFound(_("there is no shift {code!r}; the shifts are: {known}").format(
                        code=shift, known=", ".join(known)))
                shift_id = known[shift]
            standing = self.shift_signoff(day, shift) if shift else self.day_signoff(day)
            if standing.status is signoff.Status.SIGNED:
                raise Conflict(_("{what} is already signed").format(what=_describe(day, shift)))
            covered = self._covered(day, shift)
            if not covered:
                raise Conflict(_("{what} has no heats to sign").format(what=_describe(day, shift)))
            if kind is signoff.Kind.DAY:
                open_shifts = sorted({str(h["shift"]) for h in covered}
                                     - {s.shift for s in self.signatures(day)
                                        if s.kind is signoff.Kind.SHIFT and s.live and s.shift})
                if open_shifts:
                    raise Conflict(_("close the shifts of {day} first: {shifts}").format(
                        day=day, shifts=", ".join(open_shifts)))
            chain_head = self.chain_head()
            records_hash = signoff.records_hash(day, shift, covered)
            pin_hash = self._proven_person(signer.id)
            now = self._clock().astimezone().isoformat(timespec="seconds")
            cur = db.execute(
                "INSERT INTO signature (kind, production_date, shift_id, person_id, signer, role, "
                "meaning, signed_at, records_hash, chain_head) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind.value, day.isoformat(), shift_id, signer.id, signer.name, signer.role.value,
                 signoff.MEANINGS[kind], now, records_hash, chain_head))
            self._audit("insert", "signature", f"{kind.value} {day} #{cur.lastrowid}", new={
                "date": day.isoformat(), "shift": shift, "meaning": signoff.MEANINGS[kind],
                "records_hash": records_hash, "chain_head": chain_head, "signer": signer.name,
                "role": signer.role.value, "signed_at": now, "person": signer.id,
                "pin": signoff.pin_digest(pin_hash)}, record=(records.SIGNATURE, cur.lastrowid))
        return next(s for s in self.signatures(day) if s.id == cur.lastrowid)

    def _proven_person(self, person_id: int) -> str:
        """The person's PIN hash, once their record is found to be what the audit trail says it
        became (a PIN hash copied in or a role raised behind the program's back is refused)."""
        row = self._proven_person_row(person_id)
        if row is None:
            raise NotFound(_("there is no such person"))
        return str(row["pin_hash"])
