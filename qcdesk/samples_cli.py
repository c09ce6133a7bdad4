"""The command line's part of the lab's samples (issue 16): the samples and their verdicts in
`qcdesk check`, and `qcdesk tolerances list|import|export`. `qcdesk.cli` calls it."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from qcdesk import samples_io
from qcdesk.i18n import _
from qcdesk.model import SAMPLE_KIND_NAMES, STATUS_NAMES, Heat, Sample, SampleKind, ToleranceEdition
from qcdesk.numbers import format_chemistry, format_number
from qcdesk.product import ProductCheck, ProductElement
from qcdesk.standards import HeatCheck
from qcdesk.store import Store

NOT_JUDGED = "not_judged"  # a preliminary sample's status: never judged


def _tolerances_json(edition: ToleranceEdition | None) -> dict[str, Any] | None:
    if edition is None:
        return None
    return {"standard": edition.standard, "edition": edition.edition,
            "in_force_from": edition.in_force_from.isoformat(), "title": edition.title}


def _product_element(e: ProductElement) -> dict[str, Any]:
    return {"element": e.element, "value": e.value, "min": e.min_pct, "max": e.max_pct,
            "tolerance": {"below": e.below_pct, "above": e.above_pct},
            "allowed": {"min": e.low_pct, "max": e.high_pct}, "ok": e.ok, "one_side": e.one_side}


def _sample_head(sample: Sample) -> dict[str, Any]:
    return {"kind": sample.kind.value, "sample": sample.sample_no,
            "ingot_no": sample.ingot_no, "taken_at": sample.taken_at.strftime("%Y-%m-%d %H:%M"),
            "entered_by": sample.entered_by}


def check_json(store: Store, heat: Heat, result: HeatCheck) -> dict[str, Any]:
    """What `qcdesk check --json` adds: every sample with its verdict (the heat sample: the heat's;
    a product sample: its own, element by element, with the tolerance applied and the range it
    allows; a preliminary one: not judged), and the grades an ingot of the heat may be re-graded
    to."""
    products = store.product_check(heat.heat_no)
    by_id = {v.sample.id: v for v in products.samples}
    samples = []
    for sample in store.samples(heat.heat_no):
        head = _sample_head(sample)
        if sample.kind is SampleKind.HEAT:
            samples.append({**head, "status": result.status.value, "elements": [
                {"element": e.element, "value": e.value, "min": e.min_pct, "max": e.max_pct, "ok": e.ok}
                for e in result.elements if e.value is not None]})
        elif sample.kind is SampleKind.PRODUCT:
            verdict = by_id[sample.id]
            samples.append({**head, "status": verdict.status.value,
                            "elements": [_product_element(e) for e in verdict.elements]})
        else:
            samples.append({**head, "status": NOT_JUDGED, "elements": [
                {"element": el, "value": v} for el, v in sample.values.items()]})
    return {"samples": samples, "regrade_to": store.regrade_grades(heat.heat_no)}


def _pct(element: str, value: float | None) -> str:
    return "" if value is None else format_chemistry(element, value)


def _tolerance(e: ProductElement) -> str:
    parts = []
    if e.below_pct is not None:
        parts.append("−" + format_number(e.below_pct))
    if e.above_pct is not None:
        parts.append("+" + format_number(e.above_pct))
    return "/".join(parts)


def _allowed(e: ProductElement) -> str:
    if e.low_pct is not None and e.high_pct is not None:
        return f"{_pct(e.element, e.low_pct)}–{_pct(e.element, e.high_pct)}"
    if e.high_pct is not None:
        return "≤" + _pct(e.element, e.high_pct)
    return "≥" + _pct(e.element, e.low_pct) if e.low_pct is not None else ""


def check_text(store: Store, heat: Heat, render: Any) -> str:
    """What `qcdesk check` adds under the heat analysis: each product sample element by element,
    the preliminary ones' values, and the grades an ingot may be re-graded to. `render` is
    qcdesk.cli.render_table."""
    products: ProductCheck = store.product_check(heat.heat_no)
    by_id = {v.sample.id: v for v in products.samples}
    verdict = {True: _("ok"), False: _("FAILS"), None: ""}
    parts = []
    for sample in store.samples(heat.heat_no):
        if sample.kind is SampleKind.HEAT:
            continue
        title = _("{kind} {sample}, taken {taken_at}").format(
            kind=_(SAMPLE_KIND_NAMES[sample.kind][0]), sample=sample.sample_no,
            taken_at=sample.taken_at.strftime("%Y-%m-%d %H:%M"))
        if sample.kind is SampleKind.PRELIMINARY:
            values = "  ".join(f"{el} {_pct(el, v)}" for el, v in sample.values.items())
            parts.append(title + " (" + _("not judged") + "): " + values)
            continue
        judged = by_id[sample.id]
        title = _("{title}, ingot {n}: {status}").format(title=title, n=sample.ingot_no,
                                                        status=_(STATUS_NAMES[judged.status]))
        rows = [[e.element, _pct(e.element, e.value), _pct(e.element, e.min_pct), _pct(e.element, e.max_pct),
                 _tolerance(e), _allowed(e),
                 (verdict[e.ok] + (" " + _("(one side only)") if e.one_side else "")) if e.value is not None
                 else ""]
                for e in judged.elements if e.value is not None or e.limited]
        header = [_("element"), _("value %"), _("min %"), _("max %"), _("tolerance"), _("allowed %"),
                  _("verdict")]
        parts.append(title + "\n" + render(header, rows, [False, True, True, True, True, True, False]))
    if any(v.sample.kind is SampleKind.PRODUCT for v in products.samples):
        if products.tolerances is not None:
            parts.append(_("Product analyses judged with the tolerances of {title} (in force from {day})."
                           ).format(title=products.tolerances.title, day=products.tolerances.in_force_from))
        elif not products.heat_analysis:
            parts.append(_("No heat analysis of record: the product analyses must meet the heat limits "
                           "with no tolerance."))
        else:
            parts.append(_("No tolerances in force on the tap date: the product analyses must meet the "
                           "heat limits with no tolerance."))
    grades = store.regrade_grades(heat.heat_no)
    parts.append(_("An ingot re-graded may be released as: {grades}").format(
        grades=", ".join(grades) if grades else _("no grade (the heat analysis satisfies none)")))
    return "\n\n".join(parts)


def cmd_tolerances(store: Store, args: argparse.Namespace, out: TextIO, render: Any) -> int:
    """`qcdesk tolerances list|import|export`."""
    if args.tolerances_command == "import":
        added, same = samples_io.import_tolerances(store, args.file, encoding=args.encoding,
                                                   reason=args.reason)
        out.write(_("{added} edition(s) added from {file}; {same} already there, the very same.").format(
            added=added, same=same, file=args.file) + "\n")
        return 0
    if args.tolerances_command == "export":
        count = samples_io.export_tolerances(store, args.file, force=args.force)
        out.write(_("{n} edition(s) written to {file}.").format(n=count, file=args.file) + "\n")
        return 0
    editions = store.tolerance_editions()
    if args.json:
        out.write(json.dumps([{**(_tolerances_json(e) or {}), "classes": [
            {"element": c.element, "up_to": c.up_to_pct, "below": c.below_pct, "above": c.above_pct}
            for c in e.classes]} for e in editions], ensure_ascii=False, indent=2) + "\n")
        return 0
    if not editions:
        out.write(_("No tolerance editions: product analyses are judged with no tolerance.") + "\n")
        return 0
    rows = []
    for e in editions:
        before: dict[str, float] = {}  # each element's class before: where this one begins
        for c in e.classes:
            low = before.get(c.element)
            if c.up_to_pct is None:
                held = "" if low is None else ">" + format_number(low)
            else:
                held = ("≤" if low is None else ">" + format_number(low) + "–") + format_number(c.up_to_pct)
                before[c.element] = c.up_to_pct
            rows.append([e.title, e.in_force_from.isoformat(), c.element, held,
                         "" if c.below_pct is None else "−" + format_number(c.below_pct),
                         "" if c.above_pct is None else "+" + format_number(c.above_pct)])
    out.write(render([_("standard"), _("in force from"), _("element"), _("specified limit %"),
                      _("below %"), _("above %")], rows, [False, False, False, True, True, True]) + "\n")
    return 0
