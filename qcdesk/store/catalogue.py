"""The workshop's catalogue: converters, the shift schedule, grades and the defect catalogue."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qcdesk import records, shifts
from qcdesk.errors import Conflict, InputError, NotFound
from qcdesk.i18n import N_, _
from qcdesk.model import (
    DEFECT_CATEGORIES,
    Converter,
    Defect,
    Shift,
)
from qcdesk.names import clean_code
from qcdesk.numbers import (
    NOMINAL_HEAT_T,
    check_range,
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.store.base import StoreBase
from qcdesk.store.common import UNSET, clean_name

_DEFECT_CODE = re.compile(r"[A-Z0-9_-]{1,16}")


# One statement per column a correction may change: names from these fixed tuples only.
_CONVERTER_UPDATES = {column: f"UPDATE converter SET {column} = ? WHERE id = ?"  # noqa: S608
                      for column in ("name", "nominal_t", "active")}


_DEFECT_UPDATES = {column: f"UPDATE defect SET {column} = ? WHERE code = ?"  # noqa: S608
                   for column in ("name_en", "name_zh", "category", "active")}


class Catalogue(StoreBase):
    def converters(self, *, active_only: bool = False) -> list[Converter]:
        rows = self.conn.execute(
            "SELECT id, code, name, nominal_t, active FROM converter "
            "WHERE active = 1 OR ? = 0 ORDER BY length(code), code", (active_only,))
        return [Converter(r["id"], r["code"], r["name"], r["nominal_t"], bool(r["active"]))
                for r in rows]

    def converter(self, code: str) -> Converter:
        for conv in self.converters():
            if conv.code == normalise_code(code).strip():
                return conv
        raise NotFound(_("there is no converter {code!r}").format(code=code))

    def add_converter(self, code: str, name: str, nominal_t: float | None = None) -> Converter:
        code = clean_name(code, N_("converter code"), 16)
        name = clean_name(name, N_("converter name"), 80) if name.strip() else _("Converter {code}").format(
            code=code)
        if nominal_t is not None:
            check_range(nominal_t, N_("nominal heat size"), NOMINAL_HEAT_T)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM converter WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("converter {code!r} already exists").format(code=code))
            clean_code(code, N_("converter code"), 16, (c.code for c in self.converters()))
            cur = db.execute("INSERT INTO converter (code, name, nominal_t) VALUES (?, ?, ?)",
                             (code, name, nominal_t))
            self._audit("insert", "converter", code,
                        new={"code": code, "name": name, "nominal_t": nominal_t},
                        record=(records.CONVERTER, cur.lastrowid))
        return self.converter(code)

    def update_converter(self, code: str, *, name: str | None = None,
                         nominal_t: float | None = UNSET, active: bool | None = None,
                         reason: str | None = None) -> Converter:
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = clean_name(name, N_("converter name"), 80)
        if nominal_t is not UNSET:
            if nominal_t is not None:
                check_range(nominal_t, N_("nominal heat size"), NOMINAL_HEAT_T)
            changes["nominal_t"] = nominal_t
        if active is not None:
            changes["active"] = active
        with self.transaction():
            self._require(Permission.SETUP)
            current = self.converter(code)
            self._update_fields("converter", current, changes, key=current.code,
                                statements=_CONVERTER_UPDATES, row_id=current.id,
                                record=(records.CONVERTER, current.id), reason=reason)
        return self.converter(code)

    def shifts(self) -> list[Shift]:
        rows = self.conn.execute(
            "SELECT id, code, name_en, name_zh, start_min, seq FROM shift ORDER BY seq")
        return [Shift(r["id"], r["code"], r["name_en"], r["name_zh"], r["start_min"], r["seq"])
                for r in rows]

    def set_shifts(self, schedule: Sequence[tuple[str, str, str, int]]) -> list[Shift]:
        """Replace the schedule by (code, English, 中文, start minute), in order.

        Shifts are matched by code, so heats keep the shift they were logged in;
        heats already saved keep their production date and shift, and the new
        schedule applies to heats saved from now on.
        """
        proposed = [Shift(0, clean_name(c, N_("shift code"), 16), clean_name(en, N_("English name"), 40),
                          clean_name(zh, N_("Chinese name"), 40), start, i)
                    for i, (c, en, zh, start) in enumerate(schedule, start=1)]
        shifts.validate_schedule(proposed)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            old = {s.code: s for s in self.shifts()}
            # free the UNIQUE seq values 1..n; negating them would break CHECK (seq >= 1)
            top = db.execute("SELECT coalesce(max(seq), 0) FROM shift").fetchone()[0]
            db.execute("UPDATE shift SET seq = seq + ?", (top + len(proposed),))
            for s in proposed:
                if s.code in old:
                    db.execute("UPDATE shift SET name_en = ?, name_zh = ?, start_min = ?, seq = ? "
                               "WHERE code = ?", (s.name_en, s.name_zh, s.start_min, s.seq, s.code))
                else:
                    db.execute("INSERT INTO shift (code, name_en, name_zh, start_min, seq) "
                               "VALUES (?, ?, ?, ?, ?)",
                               (s.code, s.name_en, s.name_zh, s.start_min, s.seq))
            for code in set(old) - {s.code for s in proposed}:
                in_use = db.execute("SELECT 1 FROM heat WHERE shift_id = ? LIMIT 1",
                                    (old[code].id,)).fetchone()
                if in_use:
                    raise Conflict(_("shift {code!r} has heats and cannot be removed").format(
                        code=code))
                db.execute("DELETE FROM shift WHERE code = ?", (code,))
            self._audit("update", "shift_schedule", "schedule",
                        old=[(s.code, s.name_en, s.name_zh, s.start_min) for s in old.values()],
                        new=[(s.code, s.name_en, s.name_zh, s.start_min) for s in proposed])
            now = {r[0]: r[1] for r in db.execute("SELECT code, id FROM shift")}
            for code in sorted(set(old) | set(now)):  # the rows as the schedule leaves them
                self._audit("update" if code in old else "insert", "shift", code,
                            field_name="schedule",
                            record=(records.SHIFT, now[code] if code in now else old[code].id))
        return self.shifts()

    def grades(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT code FROM grade ORDER BY code")]

    def grade_description(self, code: str) -> str:
        """What the grade is, in words ('carbon structural steel'); NotFound for no such grade."""
        row = self.conn.execute("SELECT description FROM grade WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFound(_("there is no grade {grade!r}").format(grade=code))
        return str(row[0])

    def add_grade(self, code: str, description: str = "") -> None:
        code = clean_name(code, N_("grade"), 32)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM grade WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("grade {code!r} already exists").format(code=code))
            clean_code(code, N_("grade"), 32, self.grades())
            cur = db.execute("INSERT INTO grade (code, description) VALUES (?, ?)",
                             (code, description.strip()))
            self._audit("insert", "grade", code, new={"code": code, "description": description},
                        record=(records.GRADE, cur.lastrowid))

    def defects(self, *, active_only: bool = False) -> list[Defect]:
        rows = self.conn.execute(
            "SELECT code, name_en, name_zh, category, active FROM defect "
            "WHERE active = 1 OR ? = 0 ORDER BY code", (active_only,))
        return [Defect(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    def add_defect(self, code: str, name_en: str, name_zh: str, category: str) -> None:
        code = clean_name(code, N_("defect code"), 16).upper()
        clean_code(code, N_("defect code"), 16, (d.code for d in self.defects()))  # before the rule below
        if not _DEFECT_CODE.fullmatch(code):
            raise InputError(_("defect code"), _("use capital letters, digits, '-' or '_' only"))
        if category not in DEFECT_CATEGORIES:
            raise InputError(_("category"), _("must be one of {known}").format(
                known=", ".join(DEFECT_CATEGORIES)))
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM defect WHERE code = ?", (code,)).fetchone():
                raise Conflict(_("defect {code!r} already exists").format(code=code))
            cur = db.execute("INSERT INTO defect (code, name_en, name_zh, category) VALUES (?, ?, ?, ?)",
                             (code, clean_name(name_en, N_("English name"), 80),
                              clean_name(name_zh, N_("Chinese name"), 80), category))
            self._audit("insert", "defect", code,
                        new={"name_en": name_en, "name_zh": name_zh, "category": category},
                        record=(records.DEFECT, cur.lastrowid))

    def update_defect(self, code: str, *, name_en: str | None = None, name_zh: str | None = None,
                      category: str | None = None, active: bool | None = None) -> Defect:
        """Rename, recategorise or retire a defect; a retired one is kept on judged ingots
        but offered for no new judgement."""
        wanted = normalise_code(code).strip().upper()
        changes: dict[str, object] = {}
        if name_en is not None:
            changes["name_en"] = clean_name(name_en, N_("English name"), 80)
        if name_zh is not None:
            changes["name_zh"] = clean_name(name_zh, N_("Chinese name"), 80)
        if category is not None:
            if category not in DEFECT_CATEGORIES:
                raise InputError(_("category"), _("must be one of {known}").format(
                    known=", ".join(DEFECT_CATEGORIES)))
            changes["category"] = category
        if active is not None:
            changes["active"] = active
        with self.transaction():
            self._require(Permission.SETUP)
            current = {d.code: d for d in self.defects()}.get(wanted)
            if current is None:
                raise NotFound(_("there is no defect {code!r}").format(code=code))
            row_id = self.conn.execute("SELECT rowid FROM defect WHERE code = ?", (current.code,)
                                       ).fetchone()[0]
            self._update_fields("defect", current, changes, key=current.code,
                                statements=_DEFECT_UPDATES, row_id=current.code,
                                record=(records.DEFECT, row_id))
        return {d.code: d for d in self.defects()}[wanted]

    def update_grade(self, code: str, description: str) -> None:
        """Change a grade's description (its code is what heats and editions refer to)."""
        if code not in self.grades():
            raise NotFound(_("there is no grade {grade!r}").format(grade=code))
        with self.transaction() as db:
            self._require(Permission.SETUP)
            row_id, old = db.execute("SELECT rowid, description FROM grade WHERE code = ?",
                                     (code,)).fetchone()
            if old != description.strip():
                db.execute("UPDATE grade SET description = ? WHERE code = ?", (description.strip(), code))
                self._audit("update", "grade", code, field_name="description", old=old,
                            new=description.strip(), record=(records.GRADE, row_id))
