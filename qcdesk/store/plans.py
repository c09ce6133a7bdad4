"""The quarter's plans, the workshop's name, and frozen control limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date

from qcdesk import records
from qcdesk.errors import InputError, NotFound, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.model import (
    EVERYTHING,
    ChartKey,
    ControlLimits,
    Scope,
)
from qcdesk.numbers import (
    Range,
    check_range,
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.store.common import PLAN_OUTPUT_T, clean_name, clean_reason
from qcdesk.store.people import PeopleAndSignoff


@dataclass(frozen=True)
class Workshop:
    """The workshop's own name, as printed at the head of sheets and reports."""

    name_en: str
    name_zh: str = ""


@dataclass(frozen=True)
class Plan:
    """The plan of a month ('YYYY-MM') or a quarter ('YYYY-Qn'); either figure may be open."""

    period: str
    output_t: float | None
    ingot_rate: float | None  # target ingot qualified rate by weight, a fraction


_PLAN_PERIOD = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2]|Q[1-4])")


PLAN_RATE = Range(0, 1, "", low_open=True)


def _key_params(key: ChartKey) -> tuple[str, str, str, str, str]:
    return key.chart, key.grade, key.element, key.converter, key.shift


def _limits_record(limits: ControlLimits) -> dict[str, object]:
    return {"from": limits.date_from.isoformat(), "to": limits.date_to.isoformat(),
            "centre": limits.centre, "spread": limits.spread, "n": limits.n}


def _key_name(key: ChartKey) -> str:
    """A frozen chart's name in the audit log: "p", "p/Q235B/-/2/B", "imr/Q235B/C/-/-"."""
    parts = [part or "-" for part in _key_params(key)]
    while parts[-1] == "-":
        parts.pop()
    return "/".join(parts)


class PlansAndLimits(PeopleAndSignoff):
    def set_plan(self, period: str, *, output_t: float | None, ingot_rate: float | None) -> Plan:
        """Set (or replace) the plan of a month 'YYYY-MM' or a quarter 'YYYY-Qn'; audited."""
        period = normalise_code(period).strip().upper()
        if not _PLAN_PERIOD.fullmatch(period):
            raise InputError(_("period"), _("{period!r} is neither a month (YYYY-MM) nor a quarter "
                                            "(YYYY-Qn)").format(period=period))
        if output_t is None and ingot_rate is None:
            raise InputError(_("plan"), _("give the tonnes of steel, the target rate or both"))
        if output_t is not None:
            check_range(output_t, N_("planned output"), PLAN_OUTPUT_T)
        if ingot_rate is not None:
            check_range(ingot_rate, N_("target ingot qualified rate"), PLAN_RATE)
        new = Plan(period, output_t, ingot_rate)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self._plan(period)
            if current is None:
                cur = db.execute("INSERT INTO plan (period, output_t, ingot_rate) VALUES (?, ?, ?)",
                                 (period, output_t, ingot_rate))
                self._audit("insert", "plan", period, new={"output_t": output_t, "ingot_rate": ingot_rate},
                            record=(records.PLAN, cur.lastrowid))
            else:
                db.execute("UPDATE plan SET output_t = ?, ingot_rate = ? WHERE period = ?",
                           (output_t, ingot_rate, period))
                row_id = db.execute("SELECT rowid FROM plan WHERE period = ?", (period,)).fetchone()[0]
                for f in ("output_t", "ingot_rate"):
                    if getattr(current, f) != getattr(new, f):
                        self._audit("update", "plan", period, field_name=f, old=getattr(current, f),
                                    new=getattr(new, f), record=(records.PLAN, row_id))
        return new

    def workshop(self) -> Workshop | None:
        """The workshop's name, if one is set (reports then print it instead of the generic one)."""
        row = self.conn.execute("SELECT name_en, name_zh FROM workshop WHERE id = 1").fetchone()
        return Workshop(row[0], row[1]) if row else None

    def set_workshop(self, name_en: str, name_zh: str = "") -> Workshop:
        """Name the workshop (in English, and in Chinese if given); audited."""
        new = Workshop(clean_name(name_en, N_("workshop name"), 80),
                       clean_name(name_zh, N_("Chinese workshop name"), 80) if name_zh.strip() else "")
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.workshop()
            if current == new:
                return new
            db.execute("INSERT INTO workshop (id, name_en, name_zh) VALUES (1, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, "
                       "name_zh = excluded.name_zh", (new.name_en, new.name_zh))
            self._audit("insert" if current is None else "update", "workshop", "name",
                        old=None if current is None else {"en": current.name_en, "zh": current.name_zh},
                        new={"en": new.name_en, "zh": new.name_zh}, record=(records.WORKSHOP, 1))
        return new

    def remove_plan(self, period: str, reason: str | None) -> Plan:
        """Take the plan of a month or quarter away (set by mistake, or withdrawn): the
        reports then say no plan is set. Needs a reason; the audit entry keeps the figures."""
        period = normalise_code(period).strip().upper()
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self._plan(period)
            if current is None:
                raise NotFound(_("no plan is set for {period}").format(period=period))
            if not clean_reason(reason):
                raise ReasonRequired(_("say why the plan of {period} is removed").format(period=period))
            row_id = db.execute("SELECT rowid FROM plan WHERE period = ?", (period,)).fetchone()[0]
            db.execute("DELETE FROM plan WHERE period = ?", (period,))
            self._audit("delete", "plan", period,
                        old={"output_t": current.output_t, "ingot_rate": current.ingot_rate},
                        reason=clean_reason(reason), record=(records.PLAN, row_id))
        return current

    def plans(self) -> list[Plan]:
        """Every plan, by period (a year's quarters after its months)."""
        return [Plan(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT period, output_t, ingot_rate FROM plan ORDER BY period")]

    def _plan(self, period: str) -> Plan | None:
        r = self.conn.execute("SELECT period, output_t, ingot_rate FROM plan WHERE period = ?",
                              (period,)).fetchone()
        return Plan(r[0], r[1], r[2]) if r else None

    def plan_for(self, month: str | date) -> Plan | None:
        """The plan of a month ('YYYY-MM', or the month of a date), if one is set."""
        key = month.strftime("%Y-%m") if isinstance(month, date) else month.strip()
        return self._plan(key)

    def frozen_imr_limits(self, scope: Scope = EVERYTHING) -> dict[tuple[str, str], ControlLimits]:
        """The limits frozen for the I-MR charts of the scope's converter and shift, by (grade,
        element): what `control_limits` gives for each chart."""
        found = {}
        for r in self.conn.execute(
                "SELECT grade, element, date_from, date_to, centre, spread, n FROM control_limits "
                "WHERE chart = 'imr' AND converter = ? AND shift = ?",
                (scope.converter or "", scope.shift or "")):
            key = ChartKey.imr(scope, r[0], r[1])
            found[r[0], r[1]] = ControlLimits(key, date.fromisoformat(r[2]), date.fromisoformat(r[3]),
                                              r[4], r[5], r[6])
        return found

    def control_limits(self, key: ChartKey) -> ControlLimits | None:
        """The limits frozen for a chart, if any (none: they are recomputed from what is shown)."""
        r = self.conn.execute(
            "SELECT date_from, date_to, centre, spread, n FROM control_limits WHERE chart = ? "
            "AND grade = ? AND element = ? AND converter = ? AND shift = ?", _key_params(key)).fetchone()
        return ControlLimits(key, date.fromisoformat(r[0]), date.fromisoformat(r[1]), r[2], r[3], r[4]) \
            if r else None

    def freeze_limits(self, limits: ControlLimits) -> ControlLimits:
        """Keep a chart's limits as computed from a baseline period; audited, by a workshop head
        or an administrator (replacing limits frozen before)."""
        key = limits.key
        if key.chart not in ("p", "imr") or (key.chart == "imr" and not (key.grade and key.element)):
            raise InputError(_("chart"), _("limits are frozen for a p-chart, or an I-MR chart of a "
                                           "grade's element"))
        if limits.date_to < limits.date_from:
            raise InputError(_("baseline"), _("{to} is before {frm}").format(to=limits.date_to,
                                                                            frm=limits.date_from))
        if limits.n < 1 or (key.chart == "imr" and limits.n < 2):
            raise InputError(_("baseline"), _("the baseline period has too little data to compute "
                                              "limits from"))
        if not all(math.isfinite(v) for v in (limits.centre, limits.spread or 0.0)):
            raise InputError(_("baseline"), _("control limits are finite numbers"))
        if key.chart == "p" and not 0 <= limits.centre <= 1:
            raise InputError(_("baseline"), _("a fraction nonconforming is from 0 to 1"))
        if key.chart == "imr" and (limits.spread is None or limits.spread < 0):
            raise InputError(_("baseline"), _("an I-MR chart needs the mean moving range"))
        spread = limits.spread if key.chart == "imr" else None
        record = {"from": limits.date_from.isoformat(), "to": limits.date_to.isoformat(),
                  "centre": limits.centre, "spread": spread, "n": limits.n}
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.control_limits(key)
            db.execute("INSERT INTO control_limits (chart, grade, element, converter, shift, date_from, "
                       "date_to, centre, spread, n) VALUES (:chart, :grade, :element, :converter, :shift, "
                       ":from, :to, :centre, :spread, :n) "
                       "ON CONFLICT (chart, grade, element, converter, shift) DO UPDATE SET "
                       "date_from = excluded.date_from, date_to = excluded.date_to, "
                       "centre = excluded.centre, spread = excluded.spread, n = excluded.n",
                       {"chart": key.chart, "grade": key.grade, "element": key.element,
                        "converter": key.converter, "shift": key.shift, **record})
            self._audit("insert" if current is None else "update", "control_limits", _key_name(key),
                        old=None if current is None else _limits_record(current), new=record,
                        record=(records.LIMITS, self._limits_rec(key)))
        return replace(limits, spread=spread)

    def unfreeze_limits(self, key: ChartKey) -> ControlLimits:
        """Go back to limits recomputed from what is shown; audited, keeping the old figures."""
        with self.transaction() as db:
            self._require(Permission.SETUP)
            current = self.control_limits(key)
            if current is None:
                raise NotFound(_("no limits are frozen for this chart"))
            db.execute("DELETE FROM control_limits WHERE chart = ? AND grade = ? AND element = ? "
                       "AND converter = ? AND shift = ?", _key_params(key))
            self._audit("delete", "control_limits", _key_name(key), old=_limits_record(current),
                        record=(records.LIMITS, self._limits_rec(key)))
        return current

    def _limits_rec(self, key: ChartKey) -> str:
        """The key frozen limits are named by in the audit trail (`qcdesk.records`)."""
        return str(self.conn.execute("SELECT json_array(?, ?, ?, ?, ?)", _key_params(key)).fetchone()[0])
