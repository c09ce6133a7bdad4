"""The `qcdesk` command line: rates, checks, listings, import and export, demo data.

Errors a person can act on are printed as one plain message (exit 1); a usage
mistake exits 2; a bug is logged to a file and summarised, never shown as a
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import platformdirs

from qcdesk import csvio
from qcdesk.demo import load_demo
from qcdesk.errors import ImportRefused, QcError
from qcdesk.i18n import LANGUAGES, _, set_language
from qcdesk.model import ChemStatus
from qcdesk.numbers import format_number
from qcdesk.rates import (
    FORMULAS,
    GROUP_KEYS,
    KEY_FIELDS,
    RateReport,
    RateRow,
    format_rate,
    parse_group_keys,
)
from qcdesk.standards import HeatCheck
from qcdesk.store import Store, resolve_db_path

log = logging.getLogger("qcdesk")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date that exists (write YYYY-MM-DD)").format(text=text)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qcdesk", description=_("Quality-inspection desk of the converter workshop."))
    parser.add_argument("--db", metavar="PATH", help=_("database file (default: QCDESK_DB, else the "
                                                        "user data folder)"))
    parser.add_argument("--user", metavar="NAME", help=_("who is working (default: QCDESK_USER, else "
                                                          "the login name)"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages and tables"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("rates", help=_("qualified rates over a date range"))
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--by", metavar="KEYS",
                   help=_("group by a comma-separated combination of: {keys}").format(
                       keys=", ".join(GROUP_KEYS)))
    p.add_argument("--basis", choices=("weight", "count"), default="weight",
                   help=_("which basis leads in the table (both are always computed)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))

    p = sub.add_parser("check", help=_("a heat's chemistry against its standard"))
    p.add_argument("heat_no", metavar="HEAT_NO")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("heats", help=_("the heats of a date range"))
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--converter")
    p.add_argument("--grade")
    p.add_argument("--shift")
    p.add_argument("--status", choices=[s.value for s in ChemStatus])
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("standards", help=_("grades, standard editions and their limits"))
    p.add_argument("--grade")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("history", help=_("the audit log of a heat (or of everything)"))
    p.add_argument("heat_no", nargs="?", metavar="HEAT_NO")
    p.add_argument("--json", action="store_true")

    sub.add_parser("demo", help=_("fill an empty database with February 1959 of a demo workshop"))

    p = sub.add_parser("import", help=_("import heats or ingots from a CSV file (all or nothing)"))
    p.add_argument("kind", choices=("heats", "ingots"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--encoding", help=_("the file's encoding (default: UTF-8 or GB18030, detected)"))

    p = sub.add_parser("export", help=_("export heats or ingots to a CSV file in the import format"))
    p.add_argument("kind", choices=("heats", "ingots"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")

    sub.add_parser("info", help=_("where the database is and what it holds"))
    return parser


# ------------------------------------------------------------------ tables

def _width(text: str) -> int:
    """Columns a string takes on a terminal: 中文 characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """Aligned plain-text columns; numbers to the right."""
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for cell, w, r in zip(cells, widths, right, strict=True):
            pad = " " * (w - _width(cell))
            out.append(pad + cell if r else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def rates_table(report: RateReport) -> str:
    """The rates as a table, the leading basis first, with the formulas beneath."""
    lead, other = ("", "_by_count") if report.basis == "weight" else ("_by_count", "")
    basis_name = {"": _("weight"), "_by_count": _("count")}
    key_names = [KEY_FIELDS[k] for k in report.by]
    header = [*(_(k) for k in key_names), _("heats"), _("output t"), _("judged"), _("qualified"),
              _("awaiting chem."),
              _("ingot rate ({basis})").format(basis=basis_name[lead]),
              _("ingot rate ({basis})").format(basis=basis_name[other]),
              _("surface rate ({basis})").format(basis=basis_name[lead]),
              _("chem. (heats)"), _("chem. (weight)")]

    def cells(row: RateRow, label: Sequence[str]) -> list[str]:
        s, r = row.sums, row.as_dict()
        return [*label, str(s.heats), _num(s.output_t), str(s.ingots_judged), str(s.ingots_qualified),
                str(s.ingots_awaiting_chemistry),
                format_rate(r["ingot_qualified_rate" + lead]),
                format_rate(r["ingot_qualified_rate" + other]),
                format_rate(r["surface_qualified_rate" + lead]),
                format_rate(r["chemistry_conformance_rate"]),
                format_rate(r["chemistry_conformance_rate_by_weight"])]

    if not report.total.sums.heats:
        return _("No heats on production dates {frm} to {to}.").format(
            frm=report.date_from, to=report.date_to)
    rows = [cells(r, [str(r.keys[k]) for k in key_names]) for r in report.rows]
    if report.by:
        rows.append(cells(report.total, [_("total"), *([""] * (len(key_names) - 1))]))
    else:
        rows = [cells(report.total, [])]
    right = [False] * len(key_names) + [True] * (len(header) - len(key_names))
    notes = [
        _("Production dates {frm} to {to}.").format(frm=report.date_from, to=report.date_to),
        _("judged: judged ingots of checked heats; awaiting chem.: judged ingots of heats not yet checked."),
        *(f"{name} = {_(FORMULAS[key])}" for name, key in (
            (header[len(key_names) + 5], "ingot_qualified_rate" + lead),
            (header[len(key_names) + 6], "ingot_qualified_rate" + other),
            (header[len(key_names) + 7], "surface_qualified_rate" + lead),
            (header[len(key_names) + 8], "chemistry_conformance_rate"),
            (header[len(key_names) + 9], "chemistry_conformance_rate_by_weight"))),
        _("— : undefined (nothing to divide by)."),
    ]
    return render_table(header, rows, right) + "\n\n" + "\n".join(notes)


def check_table(heat_no: str, grade: str, result: HeatCheck) -> str:
    std = result.standard
    title = _("Heat {heat_no}, grade {grade}, {standard}: {status}").format(
        heat_no=heat_no, grade=grade, standard=std.title if std else _("no standard in force"),
        status=_(result.status.value))
    verdict = {True: _("ok"), False: _("FAILS"), None: ""}
    rows = [[e.element, "" if e.value is None else format_number(e.value),
             "" if e.min_pct is None else format_number(e.min_pct),
             "" if e.max_pct is None else format_number(e.max_pct),
             verdict[e.ok] if e.value is not None or not e.limited else _("missing")]
            for e in result.elements]
    table = render_table([_("element"), _("value %"), _("min %"), _("max %"), _("verdict")], rows,
                         [False, True, True, True, False])
    return title + "\n\n" + table


def check_json(heat_no: str, grade: str, result: HeatCheck) -> dict[str, Any]:
    std = result.standard
    return {
        "heat_no": heat_no, "grade": grade,
        "standard": None if std is None else {"standard": std.standard, "edition": std.edition,
                                              "effective_from": std.effective_from.isoformat(),
                                              "title": std.title},
        "status": result.status.value,
        "elements": [{"element": e.element, "value": e.value, "min": e.min_pct, "max": e.max_pct,
                      "ok": e.ok} for e in result.elements],
    }


# ---------------------------------------------------------------- commands

def _print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_rates(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    report = store.rates(args.date_from, args.date_to, parse_group_keys(args.by), args.basis)
    if args.json:
        _print_json(report.as_dict(), out)
    else:
        out.write(rates_table(report) + "\n")
    return 0


def cmd_check(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    heat = store.heat(args.heat_no)
    result = store.check_heat(heat.heat_no)
    if args.json:
        _print_json(check_json(heat.heat_no, heat.grade, result), out)
    else:
        out.write(check_table(heat.heat_no, heat.grade, result) + "\n")
    return 0


def cmd_heats(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.date_to < args.date_from:
        raise QcError(_("--to {to} is before --from {frm}").format(to=args.date_to, frm=args.date_from))
    status = ChemStatus(args.status) if args.status else None
    heats = store.heats(args.date_from, args.date_to, converter=args.converter, grade=args.grade,
                        shift=args.shift, status=status)
    if args.json:
        _print_json([{
            "heat_no": h.heat_no, "converter": h.converter,
            "tapped_at": h.tapped_at.strftime("%Y-%m-%d %H:%M"),
            "date": h.production_date.isoformat(), "shift": h.shift, "grade": h.grade,
            "tap_weight_t": h.tap_weight_t, "tap_temp_c": h.tap_temp_c, "inspector": h.inspector,
            "status": h.chem_status.value, "analysis": h.analysis, "ingots": h.ingots,
            "ingots_judged": h.ingots_judged} for h in heats], out)
        return 0
    if not heats:
        out.write(_("No heats on production dates {frm} to {to}.").format(
            frm=args.date_from, to=args.date_to) + "\n")
        return 0
    rows = [[h.heat_no, h.converter, h.tapped_at.strftime("%Y-%m-%d %H:%M"), h.production_date.isoformat(),
             h.shift, h.grade, format_number(h.tap_weight_t),
             "" if h.tap_temp_c is None else format_number(h.tap_temp_c),
             _(h.chem_status.value), f"{h.ingots_judged}/{h.ingots}", h.inspector] for h in heats]
    out.write(render_table(
        [_("heat"), _("conv."), _("tapped at"), _("date"), _("shift"), _("grade"), _("t"), _("°C"),
         _("chemistry"), _("judged"), _("inspector")], rows,
        [False, False, False, False, False, False, True, True, False, True, False]) + "\n")
    out.write(_("{n} heat(s)").format(n=len(heats)) + "\n")
    return 0


def cmd_standards(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    editions = store.standards(args.grade)
    if args.json:
        _print_json([{"grade": s.grade, "standard": s.standard, "edition": s.edition,
                      "effective_from": s.effective_from.isoformat(),
                      "limits": [{"element": lim.element, "min": lim.min_pct, "max": lim.max_pct}
                                 for lim in s.limits]} for s in editions], out)
        return 0

    def limit(lo: float | None, hi: float | None) -> str:
        if lo is not None and hi is not None:
            return f"{format_number(lo)}–{format_number(hi)}"
        return f"≤{format_number(hi)}" if hi is not None else f"≥{format_number(lo or 0)}"

    rows = [[s.grade, s.title, s.effective_from.isoformat(),
             "  ".join(f"{lim.element} {limit(lim.min_pct, lim.max_pct)}" for lim in s.limits)]
            for s in editions]
    out.write(render_table([_("grade"), _("standard"), _("in force from"), _("limits, mass %")], rows,
                           [False, False, False, False]) + "\n")
    return 0


def cmd_history(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.heat_no:
        store.heat(args.heat_no)  # a clear error for an unknown heat
    entries = store.audit(args.heat_no)
    if args.json:
        _print_json([e.__dict__ for e in entries], out)
        return 0
    rows = [[e.at, e.user, _(e.action), e.entity_key, e.field or "", e.old_value or "", e.new_value or "",
             e.reason or ""] for e in entries]
    out.write(render_table([_("when"), _("who"), _("what"), _("record"), _("field"), _("old"), _("new"),
                            _("reason")], rows, [False] * 8) + "\n")
    return 0


def cmd_demo(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    summary = load_demo(store)
    out.write("\n".join(summary.lines()) + "\n")
    return 0


def _terminal_progress(stream: TextIO) -> Callable[[int, int], None] | None:
    if not stream.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - last[0] > 0.2:
            last[0] = now
            stream.write("\r" + _("saving {done}/{total} rows ({pct:.0f}%)").format(
                done=done, total=total, pct=100 * done / total))
            if done == total:
                stream.write("\n")
            stream.flush()
    return show


def cmd_import(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    importer = csvio.import_heats if args.kind == "heats" else csvio.import_ingots
    count = importer(store, args.file, encoding=args.encoding, progress=_terminal_progress(sys.stderr))
    out.write(_("{n} {kind} imported from {file}.").format(n=count, kind=_(args.kind), file=args.file) + "\n")
    return 0


def cmd_export(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    exporter = csvio.export_heats if args.kind == "heats" else csvio.export_ingots
    count = exporter(store, args.file, args.date_from, args.date_to)
    out.write(_("{n} {kind} written to {file}.").format(n=count, kind=_(args.kind), file=args.file) + "\n")
    return 0


def cmd_info(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    span = store.date_span()
    out.write(_("database: {path}").format(path=store.path) + "\n")
    out.write(_("schema version: {v}").format(v=store.schema_version()) + "\n")
    out.write(_("user: {user}").format(user=store.user) + "\n")
    if span:
        out.write(_("production dates: {first} to {last}").format(first=span[0], last=span[1]) + "\n")
    for table, n in store.counts().items():
        out.write(f"  {table:<14} {n:>10,}\n")
    return 0


COMMANDS: dict[str, Callable[[Store, argparse.Namespace, TextIO], int]] = {
    "rates": cmd_rates, "check": cmd_check, "heats": cmd_heats, "standards": cmd_standards,
    "history": cmd_history, "demo": cmd_demo, "import": cmd_import, "export": cmd_export,
    "info": cmd_info,
}


def _log_path() -> Path:
    return Path(platformdirs.user_log_dir("qcdesk", appauthor=False)) / "qcdesk.log"


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; the exit status (0 done, 1 refused or failed, 2 usage)."""
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before the parser's help texts are made
    if "--lang" in argv[:-1]:
        lang = argv[argv.index("--lang") + 1]
        set_language(lang if lang in LANGUAGES else None)
    parser = build_parser()
    try:
        # usage errors and --help go to the streams the caller gave, not the process's
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    set_language(args.lang)
    if args.command is None:
        parser.print_help(out)
        return 0
    try:
        with Store.open(resolve_db_path(args.db), args.user) as store:
            return COMMANDS[args.command](store, args, out)
    except ImportRefused as exc:
        err.write(str(exc) + "\n")
        return 1
    except QcError as exc:
        err.write(_("qcdesk: {error}").format(error=exc) + "\n")
        return 1
    except KeyboardInterrupt:
        err.write(_("qcdesk: interrupted; nothing half-done was saved.") + "\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: log it whole, tell the user briefly
        path = _log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(f"--- {datetime.now().isoformat()} qcdesk {' '.join(argv)}\n")
                f.write("".join(traceback.format_exception(exc)))
        except OSError:
            path = Path("(the log could not be written)")
        err.write(_("qcdesk: internal error ({kind}: {error}). Nothing half-done was saved. "
                    "Details: {path}").format(kind=type(exc).__name__, error=exc, path=path) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
