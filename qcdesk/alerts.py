"""Off-grade announcements: which heats and ingots every desk of the workshop is told about.

A heat whose heat analysis fails its standard (`qcdesk.standards.check`, the edition in force on
its tap date) is announced once per failing element; so is an ingot's product analysis that
fails (`qcdesk.product.check`, the heat's limits widened by the tolerances in force), per
sample and element. An announcement names the heat (and the ingot and sample), the element,
its value and the limit it breaks with its side, and the grade and standard edition.

It stays on every desk until a person (an inspector or a workshop head, signed in) dismisses it:
once dismissed it is gone for the whole workshop, and the dismissal — who, as what role, when —
is a record of the heat's history. A dismissal holds for the heat (or the product sample) and
the element, whatever the value is corrected to later; a newly failing element is a new
announcement.

Only failures that arose recently are announced: of heats tapped within ANNOUNCED_FOR of now,
and of product samples taken within it, so an old database does not greet anyone with years of
banners. The failures of before stay where they always were: in the heat view, the history,
the reports.

This module decides from the core's own verdicts; the store fetches the heats and keeps the
dismissals (`Store.open_alerts`, `Store.dismiss_alert`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from qcdesk.i18n import N_, _
from qcdesk.model import Heat
from qcdesk.numbers import LATEST_TAP_AHEAD, format_chemistry
from qcdesk.people import ROLE_NAMES, Role
from qcdesk.product import ProductCheck, ProductElement
from qcdesk.standards import ElementVerdict, HeatCheck

# How long a failure is announced for: a heat tapped, a product sample taken, within this of now.
ANNOUNCED_FOR = timedelta(days=7)


class AlertKind(StrEnum):
    HEAT = "heat"        # the heat analysis fails the heat's standard
    PRODUCT = "product"  # a product analysis of an ingot fails (limits widened by the tolerances)


class Side(StrEnum):
    """Which limit the value breaks."""

    ABOVE = "above"  # over the maximum (a product analysis: the maximum with its tolerance)
    BELOW = "below"  # under the minimum
    BOTH = "both"    # a product analysis: the heat's analyses lie outside on both sides (one side only)


@dataclass(frozen=True)
class Alert:
    """One failing element of a heat's analysis, or of a product sample, announced."""

    kind: AlertKind
    heat_id: int
    heat_no: str
    element: str
    value: float
    side: Side
    limit: float | None        # the bound broken (a product analysis: with its tolerance)
    grade: str
    standard: str              # the edition judged by: "GB/T 700-2006"
    since: datetime            # the heat's tap, or when the product sample was taken
    sample_id: int | None = None   # a product analysis: its sample,
    sample_no: str | None = None   # the lab's number,
    ingot_no: int | None = None    # and its ingot

    @property
    def key(self) -> tuple[str, int, str]:
        """What a dismissal holds for: (kind, the heat's id or the product sample's, element)."""
        if self.kind is AlertKind.PRODUCT and self.sample_id is not None:
            return (self.kind.value, self.sample_id, self.element)
        return (self.kind.value, self.heat_id, self.element)


@dataclass(frozen=True)
class Dismissal:
    """An announcement dismissed: by whom (as what role; None in a database without people), when."""

    kind: AlertKind
    heat_no: str
    element: str
    sample_id: int | None
    dismissed_by: str
    role: Role | None
    dismissed_at: str  # ISO 8601, with the workstation's offset


def recent(since: datetime, now: datetime) -> bool:
    """Whether a failure of `since` (a tap, a sample taken) is still announced at `now` (and not
    more than a day ahead of it, as no tap is recorded)."""
    return now - ANNOUNCED_FOR <= since <= now + LATEST_TAP_AHEAD


def heat_alerts(heat: Heat, check: HeatCheck) -> list[Alert]:
    """The announcements of a heat judged by `qcdesk.standards.check`: one per failing element."""
    if check.standard is None:
        return []
    return [Alert(AlertKind.HEAT, heat.id, heat.heat_no, e.element, e.value, *_broken(e), heat.grade,
                  check.standard.title, heat.tapped_at)
            for e in check.failing if e.value is not None]


def _broken(e: ElementVerdict) -> tuple[Side, float | None]:
    if e.max_pct is not None and e.value is not None and e.value > e.max_pct:
        return Side.ABOVE, e.max_pct
    return Side.BELOW, e.min_pct


def product_alerts(heat: Heat, check: ProductCheck) -> list[Alert]:
    """The announcements of a heat's product analyses judged by `qcdesk.product.check`: one per
    failing element of each failing sample."""
    if check.standard is None:
        return []
    found = []
    for verdict in check.samples:
        sample = verdict.sample
        for e in verdict.failing:
            if e.value is None:
                continue
            side, limit = _product_broken(e)
            found.append(Alert(AlertKind.PRODUCT, heat.id, heat.heat_no, e.element, e.value, side, limit,
                               heat.grade, check.standard.title, sample.taken_at, sample.id, sample.sample_no,
                               sample.ingot_no))
    return found


def _product_broken(e: ProductElement) -> tuple[Side, float | None]:
    if e.high_pct is not None and e.value is not None and e.value > e.high_pct:
        return Side.ABOVE, e.high_pct
    if e.low_pct is not None and e.value is not None and e.value < e.low_pct:
        return Side.BELOW, e.low_pct
    return Side.BOTH, None  # inside its range, failed by the one-side rule


_TEXTS = {
    (AlertKind.HEAT, Side.ABOVE): N_(
        "Heat {heat_no} off grade: {element} {value} % > max {limit} % ({grade}, {standard})"),
    (AlertKind.HEAT, Side.BELOW): N_(
        "Heat {heat_no} off grade: {element} {value} % < min {limit} % ({grade}, {standard})"),
    (AlertKind.PRODUCT, Side.ABOVE): N_(
        "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} % > {limit} % "
        "allowed ({grade}, {standard})"),
    (AlertKind.PRODUCT, Side.BELOW): N_(
        "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} % < {limit} % "
        "allowed ({grade}, {standard})"),
    (AlertKind.PRODUCT, Side.BOTH): N_(
        "Ingot {heat_no}/{ingot_no} fails its product analysis {sample}: {element} {value} %, the heat's "
        "product analyses lie outside its {element} limits on both sides ({grade}, {standard})"),
}


def alert_text(alert: Alert) -> str:
    """The announcement in one line, as the banner shows it (in the language chosen)."""
    return _(_TEXTS[alert.kind, alert.side]).format(
        heat_no=alert.heat_no, ingot_no=alert.ingot_no, sample=alert.sample_no or "",
        element=alert.element, value=format_chemistry(alert.element, alert.value),
        limit="" if alert.limit is None else format_chemistry(alert.element, alert.limit),
        grade=alert.grade, standard=alert.standard)


def logged(alert: Alert, role: Role | None) -> dict[str, object]:
    """What the audit entry of a dismissal says was announced (its new value)."""
    return {"kind": alert.kind.value, "element": alert.element, "value": alert.value,
            "side": alert.side.value, "limit": alert.limit, "grade": alert.grade,
            "standard": alert.standard, "sample": alert.sample_no, "ingot_no": alert.ingot_no,
            "role": role.value if role else None}


def dismissal_text(entry: dict[str, object]) -> str:
    """A dismissal's audit entry (`logged`) in words, for a heat's history."""
    element = str(entry.get("element", ""))
    try:
        value = format_chemistry(element, float(str(entry.get("value"))))
    except ValueError:
        value = str(entry.get("value"))
    limit = entry.get("limit")
    side = {"above": ">", "below": "<"}.get(str(entry.get("side")), "")
    bound = (f" {side} {format_chemistry(element, float(str(limit)))} %"
             if isinstance(limit, int | float) and side else "")
    what = (_("product analysis {sample}, ingot {ingot_no}").format(sample=entry.get("sample") or "",
                                                                    ingot_no=entry.get("ingot_no"))
            if entry.get("kind") == AlertKind.PRODUCT.value else _("heat analysis"))
    role = entry.get("role")
    as_role = (_("as {role}").format(role=_(ROLE_NAMES[Role(str(role))]))
               if role in {r.value for r in Role} else "")
    text = _("{what}: {element} {value} %{bound} ({standard}) {as_role}")
    return text.format(
        what=what, element=element, value=value, bound=bound, standard=entry.get("standard", ""),
        as_role=as_role).strip()
