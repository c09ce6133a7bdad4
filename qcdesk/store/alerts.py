"""The off-grade announcements of the workshop (`qcdesk.alerts`) and their dismissals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from qcdesk import records
from qcdesk.errors import Conflict
from qcdesk.i18n import _
from qcdesk.model import Heat
from qcdesk.numbers import LATEST_TAP_AHEAD
from qcdesk.people import Permission, Role
from qcdesk.standards import check as check_chemistry
from qcdesk.standards import in_force
from qcdesk.store.common import chunks, minutes_text
from qcdesk.store.queries import Queries

if TYPE_CHECKING:
    from qcdesk.alerts import Alert, Dismissal

# The live heats tapped between two moments whose analysis fails (the verdict the store keeps).
_FAILING_HEATS = ("SELECT * FROM heat WHERE tapped_at BETWEEN ? AND ? AND chem_status = 'fails' "
                  "AND void_reason IS NULL ORDER BY tapped_at, heat_no")
# The live heats with a live ingot failing its product analysis whose product sample was taken
# between two moments (the index of failing ingots: a handful of rows).
_FAILING_PRODUCT_HEATS = (
    "SELECT DISTINCT i.heat_id FROM ingot i JOIN heat h ON h.id = i.heat_id "
    "JOIN sample m ON m.ingot_id = i.id AND m.kind = 'product' AND m.void_reason IS NULL "
    "WHERE i.pa_fails = 1 AND i.void_reason IS NULL AND h.void_reason IS NULL "
    "AND m.taken_at BETWEEN ? AND ?")


def _local(moment: datetime) -> datetime:
    """A moment as the tap times are kept: local wall-clock time, without an offset."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


class Alerts(Queries):
    def open_alerts(self) -> list[Alert]:
        """The announcements not dismissed: of heats tapped within `qcdesk.alerts.ANNOUNCED_FOR`
        whose analysis fails their standard, and of product samples taken within it that fail;
        oldest first. (Not of a tap more than a day ahead of the clock, which the program refuses
        to record: a database looked at with a clock in its past, as the demo is.)"""
        from qcdesk.alerts import ANNOUNCED_FOR, recent  # noqa: PLC0415 - see qcdesk.store's docstring

        now = _local(self._clock())
        span = (minutes_text(now - ANNOUNCED_FOR), minutes_text(now + LATEST_TAP_AHEAD))
        failing = self._heats_from_rows(self.conn.execute(_FAILING_HEATS, span).fetchall())
        found = self._heat_alerts(failing)
        product_heats = [int(r[0]) for r in self.conn.execute(_FAILING_PRODUCT_HEATS, span)]
        found += [a for a in self._product_alerts(product_heats) if recent(a.since, now)]
        dismissed = self._dismissed({a.heat_id for a in found})
        return sorted((a for a in found if a.key not in dismissed),
                      key=lambda a: (a.since, a.heat_no, a.ingot_no or 0, a.sample_no or "", a.element))

    def _heat_alerts(self, heats: Sequence[Heat]) -> list[Alert]:
        """The failing elements of these heats' analyses, judged as the store judges them."""
        from qcdesk.alerts import heat_alerts  # noqa: PLC0415 - see qcdesk.store's docstring

        editions = self._editions_by_grade()
        found: list[Alert] = []
        for heat in heats:
            edition = in_force(editions.get(heat.grade, ()), heat.tapped_at.date())
            found += heat_alerts(heat, check_chemistry(edition, heat.analysis))
        return found

    def _product_alerts(self, heat_ids: Sequence[int]) -> list[Alert]:
        """The failing elements of these heats' product analyses (`product_check`)."""
        from qcdesk.alerts import product_alerts  # noqa: PLC0415 - see qcdesk.store's docstring

        if not heat_ids:
            return []
        checks = self._product_checks(heat_ids)
        found: list[Alert] = []
        for chunk in chunks(list(heat_ids), 500):
            for heat in self._heats_from_rows(self.conn.execute(
                    f"SELECT * FROM heat WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk).fetchall()):
                found += product_alerts(heat, checks[heat.id])
        return found

    def _dismissed(self, heat_ids: set[int]) -> set[tuple[str, int, str]]:
        """The keys (`Alert.key`) dismissed of these heats."""
        keys: set[tuple[str, int, str]] = set()
        for chunk in chunks(sorted(heat_ids), 500):
            keys.update((str(kind), int(held), str(element)) for kind, held, element in self.conn.execute(
                "SELECT kind, CASE kind WHEN 'product' THEN sample_id ELSE heat_id END, element "  # noqa: S608
                f"FROM alert_dismissal WHERE heat_id IN ({','.join('?' * len(chunk))})", chunk))
        return keys

    def dismiss_alert(self, alert: Alert) -> Dismissal:
        """Dismiss an announcement for the whole workshop, as whoever is signed in (an inspector or
        a workshop head; anyone in a database without people): recorded with who, as what role,
        and when, in the heat's history. One already dismissed (at another desk) stays as it was
        dismissed; one whose heat no longer fails so is refused (Conflict)."""
        from qcdesk.alerts import AlertKind, Dismissal, logged  # noqa: PLC0415 - see qcdesk.store's docstring

        with self.transaction() as db:
            person = self._require(Permission.DISMISS_ALERT)
            row = self._heat_row(alert.heat_no)
            earlier = self._dismissal_of(alert)
            if earlier is not None:
                return earlier
            heat = self._heats_from_rows([row])[0]
            current = (self._heat_alerts([heat]) if alert.kind is AlertKind.HEAT
                       else self._product_alerts([heat.id]))
            if alert.key not in {a.key for a in current}:
                raise Conflict(_("heat {heat_no} no longer fails on {element} there: nothing was "
                                 "dismissed").format(heat_no=heat.heat_no, element=alert.element))
            role = person.role if person is not None else None
            name = person.name if person is not None else self.user
            at = self._clock().astimezone().isoformat(timespec="seconds")
            sample_id = alert.sample_id if alert.kind is AlertKind.PRODUCT else None
            dismissal_id = int(db.execute(
                "INSERT INTO alert_dismissal (kind, heat_id, sample_id, element, person_id, dismissed_by, "
                "role, dismissed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (alert.kind.value, heat.id, sample_id, alert.element, person.id if person else None, name,
                 role.value if role else None, at)).fetchone()[0])
            where = (f"{heat.heat_no}/{alert.ingot_no}/{alert.sample_no or '-'}/{alert.element}"
                     if alert.kind is AlertKind.PRODUCT else f"{heat.heat_no}/{alert.element}")
            self._audit("insert", "alert", where, heat_no=heat.heat_no, field_name="dismissed",
                        new=logged(alert, role), record=(records.DISMISSAL, dismissal_id))
        return Dismissal(alert.kind, heat.heat_no, alert.element, sample_id, name, role, at)

    def _dismissal_of(self, alert: Alert) -> Dismissal | None:
        row = self.conn.execute(
            "SELECT d.kind, h.heat_no, d.element, d.sample_id, d.dismissed_by, d.role, d.dismissed_at "
            "FROM alert_dismissal d JOIN heat h ON h.id = d.heat_id WHERE d.kind = ? AND d.element = ? "
            "AND CASE d.kind WHEN 'product' THEN d.sample_id ELSE d.heat_id END = ?",
            (alert.kind.value, alert.element, alert.key[1])).fetchone()
        return None if row is None else _dismissal(row)

    def dismissals(self, heat_no: str) -> list[Dismissal]:
        """The announcements of a heat dismissed, in the order they were."""
        row = self._heat_row(heat_no)
        return [_dismissal(r) for r in self.conn.execute(
            "SELECT d.kind, h.heat_no, d.element, d.sample_id, d.dismissed_by, d.role, d.dismissed_at "
            "FROM alert_dismissal d JOIN heat h ON h.id = d.heat_id WHERE d.heat_id = ? ORDER BY d.id",
            (row["id"],))]


def _dismissal(row: Sequence[object]) -> Dismissal:
    from qcdesk.alerts import AlertKind, Dismissal  # noqa: PLC0415 - see qcdesk.store's docstring

    kind, heat_no, element, sample_id, name, role, at = row
    return Dismissal(AlertKind(str(kind)), str(heat_no), str(element),
                     None if sample_id is None else int(str(sample_id)), str(name),
                     None if role is None else Role(str(role)), str(at))
