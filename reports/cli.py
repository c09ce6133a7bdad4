"""`qcdesk report heat HEAT_NO`, `qcdesk report daily DATE`, `qcdesk report period --from DATE
--to DATE` and `qcdesk report plant --from DATE --to DATE`: the documents as PDF files.

Every `qcdesk` command loads this module to list `report` in its help; reportlab and the
documents are imported only when a report is made, so the other commands start without them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qcdesk.cli import Command, _date
from qcdesk.errors import QcError
from reports.i18n import N_, _

if TYPE_CHECKING:
    from qcdesk.store import Store
    from qcdesk.store.postgres import Server


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    p = sub.add_parser("heat", help=_("the inspection sheet of a heat"))
    p.add_argument("heat_no", metavar="HEAT_NO")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help=_("PDF file to write (default: heat-<heat number>.pdf here)"))
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    p = sub.add_parser("daily", help=_("the daily quality report of a production date"))
    p.add_argument("day", type=_date, metavar="DATE")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help=_("PDF file to write (default: daily-<date>.pdf here)"))
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    _span_arguments(sub.add_parser("period", help=_("the quality report of a period: a month, a quarter, "
                                                    "any span")),
                    _("PDF file to write (default: period-<month>.pdf, period-<quarter>.pdf or "
                      "period-<from>-<to>.pdf here)"))
    _span_arguments(sub.add_parser("plant", help=_("the plant's quality report: every workshop of the "
                                                   "plant's server and the plant, over a day, a month, a "
                                                   "quarter, any span")),
                    _("PDF file to write (default: plant-<month>.pdf, plant-<quarter>.pdf, "
                      "plant-<date>.pdf or plant-<from>-<to>.pdf here)"))


def _span_arguments(p: argparse.ArgumentParser, output_help: str) -> None:
    """The options of a report over production dates (the period's, the plant's)."""
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help=output_help)
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    p.add_argument("--basis", choices=("weight", "count"), default="weight",
                   help=_("which basis leads (both are always computed)"))


def default_name(kind: str, subject: str) -> Path:
    """heat-<no>.pdf or daily-<date>.pdf in the current folder (a heat number's '/' as '-')."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in subject)
    return Path(f"{kind}-{safe}.pdf")


def _target(store: Store, path: Path, force: bool) -> Path:
    """Where the PDF may be written: never over the database or the files kept for it,
    a folder or a device (`qcdesk.outputs`); an existing file only with --force."""
    from qcdesk.outputs import check_target  # noqa: PLC0415 - see the module's docstring

    check_target(path, store.path, force=force)
    return path


def _font() -> None:
    """Register the reports' font (reportlab loads here), saying if it is not the one wanted."""
    from reports import fonts  # noqa: PLC0415 - see the module's docstring

    choice = fonts.register()
    if choice.warning:
        sys.stderr.write(_("qcdesk: warning: {message}").format(message=choice.warning) + "\n")


def _plant(db: Path | Server, args: argparse.Namespace, out: TextIO) -> int | None:
    """qcdesk report plant: read from every workshop of the plant's server the role may read, with
    no workshop's store opened first (the URI may name one or none); None for the other reports."""
    if args.report != "plant":
        return None
    from qcdesk.outputs import check_target  # noqa: PLC0415 - see the module's docstring
    from reports.period_data import period_of  # noqa: PLC0415
    from reports.plant_data import file_stem  # noqa: PLC0415

    if isinstance(db, Path):
        raise QcError(_("a SQLite file is one workshop: qcdesk report period --from {frm} --to {to} makes "
                        "its report; the plant's report reads the plant's server (--db postgresql://…)").format(
            frm=args.date_from.isoformat(), to=args.date_to.isoformat()))
    span = period_of(args.date_from, args.date_to)  # refuses --to before --from, before any file
    target = args.output or Path(file_stem(span) + ".pdf")
    check_target(target, db, force=args.force)
    _font()
    from reports import plant  # noqa: PLC0415

    plant.write(db, span, target, basis=args.basis, user=args.user)
    out.write(_("Written: {path}").format(path=target) + "\n")
    return 0


def _run(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    # reportlab and the document asked for only now, not the others (see the module's docstring)
    if args.report == "heat":
        _font()
        from reports import heat_sheet  # noqa: PLC0415

        heat = store.heat(args.heat_no)  # a clear error for an unknown heat, before any file
        target = _target(store, args.output or default_name("heat", heat.heat_no), args.force)
        heat_sheet.write(store, heat.heat_no, target)
    elif args.report == "period":
        _font()
        from reports import period  # noqa: PLC0415
        from reports.period_data import file_stem, period_of  # noqa: PLC0415

        span = period_of(args.date_from, args.date_to)  # refuses --to before --from, before any file
        target = _target(store, args.output or Path(file_stem(span) + ".pdf"), args.force)
        period.build_period_report(store, span.date_from, span.date_to, target, basis=args.basis)
    else:
        from reports.data import bests_ahead  # noqa: PLC0415

        day: date = args.day
        target = _target(store, args.output or default_name("daily", day.isoformat()), args.force)
        bests = bests_ahead(store, day)  # every day before it, read while reportlab and the font load
        _font()
        from reports import daily  # noqa: PLC0415

        daily.write(store, day, target, bests=bests)
    out.write(_("Written: {path}").format(path=target) + "\n")
    return 0


COMMANDS: tuple[Command, ...] = (
    Command("report",
            N_("a printable PDF: a heat's inspection sheet, the daily, a period's or the plant's quality "
               "report"),
            _add_arguments, _run, translate=_, before_store=_plant),
)
