"""The `qcdesk` command line: rates, checks, listings, import and export, demo data.

Errors a person can act on are printed as one plain message (exit 1); a usage
mistake exits 2; a bug is logged to a file and summarised, never shown as a
traceback.

Start-up is part of the interface: `qcdesk --help` loads no storage, and no command
loads reportlab or Qt unless it makes a document or a window. So what only some
commands need (the store, backups, CSV, verify, the demo) is imported in the command
itself (tests/test_start_imports.py). And a run builds the parser of its own command only
(`build_parser`): the others' arguments are never made.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from qcdesk import setup_cli
from qcdesk.errors import DatabaseError, ImportRefused, NotFound, QcError
from qcdesk.i18n import LANGUAGES, N_, _, language, set_language
from qcdesk.model import STATUS_NAMES, ChemStatus
from qcdesk.numbers import format_chemistry, format_number, normalise_code
from qcdesk.people import ROLE_NAMES, Permission, Role, parse_role
from qcdesk.rates import (
    FORMULAS,
    GROUP_KEYS,
    KEY_FIELDS,
    PLANT,
    RateReport,
    RateRow,
    format_rate,
    parse_group_keys,
)

if TYPE_CHECKING:  # imported where they run (see the module's docstring)
    from qcdesk.signoff import Signature
    from qcdesk.standards import HeatCheck
    from qcdesk.store import Store
    from qcdesk.store.postgres import Server


def _date(text: str) -> date:
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date that exists (write YYYY-MM-DD)").format(text=text)) from None


# argparse asks gettext for its own phrases ("usage: ", "show this help message and exit") at
# every parser it builds, and gettext looks for a catalogue on disk at every call (loading
# `locale` at the first): some 700 file look-ups once, a tenth of a command's start. Python ships
# no catalogue of argparse's phrases, so gettext answers each with itself; they are taken as
# written (the program's own messages have their catalogue, `qcdesk.i18n`).
def _as_written(phrase: str) -> str:
    return phrase


argparse._ = _as_written  # type: ignore[attr-defined]


def _terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it: COLUMNS, else the terminal
    of the standard output, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width. argparse makes one for every argument
    added (to check its metavar) and imports shutil for the width each time: shutil, and bz2,
    lzma and zlib with it, some 3 ms of a command's start for a width only help prints."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)  # as argparse's own


class _Parser(argparse.ArgumentParser):
    """argparse's parser laid out by `_Formatter`; its subcommands' parsers are of its class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class Command:
    """A subcommand added by an outer layer (reports, the desktop program), which the core
    cannot import: its name, help, arguments and what it runs on the opened database."""

    name: str
    help: str  # in English: `translate` turns it into the language in force when the parser is made
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Store, argparse.Namespace, TextIO], int]
    translate: Callable[[str], str] = _
    # run first on the database named, before any store is opened: an exit status when it did the
    # command itself (one reaching every workshop of a server, as `rates --plant` does), None to
    # go on to `run`
    before_store: Callable[[Path | Server, argparse.Namespace, TextIO], int | None] | None = None


def _global_options(parser: argparse.ArgumentParser) -> None:
    """The options before the command (the parser's, and the scan's that finds the command)."""
    parser.add_argument("--db", metavar="PATH", help=_("database file, or a postgresql:// URI of a database "
                                                        "on a server (default: QCDESK_DB, else the user data "
                                                        "folder)"))
    parser.add_argument("--user", metavar="NAME", help=_("who is working (default: QCDESK_USER, else "
                                                          "the login name)"))
    parser.add_argument("--lang", choices=LANGUAGES, help=_("language of messages and tables"))
    parser.add_argument("--workshop", metavar="CODE",
                        help=_("on a server of several workshops: the one to work in (as ?workshop=CODE in "
                               "the URI)"))


def _rates_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--by", metavar="KEYS",
                   help=_("group by a comma-separated combination of: {keys}").format(
                       keys=", ".join(GROUP_KEYS)))
    p.add_argument("--basis", choices=("weight", "count"), default="weight",
                   help=_("which basis leads in the table (both are always computed)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.add_argument("--plant", action="store_true",
                   help=_("on a server of several workshops: every workshop's rates and the plant's, "
                          "combined from their sums (the quality office)"))


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("heat_no", metavar="HEAT_NO")
    p.add_argument("--json", action="store_true")


def _heats_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", type=_date, required=True, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, required=True, metavar="DATE")
    p.add_argument("--converter")
    p.add_argument("--grade")
    p.add_argument("--shift")
    p.add_argument("--status", choices=[s.value for s in ChemStatus])
    p.add_argument("--json", action="store_true")


def _history_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("heat_no", nargs="?", metavar="HEAT_NO")
    p.add_argument("--json", action="store_true")


def _no_arguments(p: argparse.ArgumentParser) -> None:
    """demo, info: the command alone."""


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("heats", "ingots", "analyses"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--encoding", help=_("the file's encoding (default: UTF-8 or GB18030, detected)"))
    p.add_argument("--reason", help=_("analyses: heat samples replace heat analyses already there, and "
                                      "samples of signed shifts are taken (a correction, audited)"))


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("heats", "ingots", "analyses"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))


def _tolerances_arguments(p: argparse.ArgumentParser) -> None:
    tol = p.add_subparsers(dest="tolerances_command", metavar="ACTION", required=True)
    q = tol.add_parser("list", help=_("every edition and its classes"))
    q.add_argument("--json", action="store_true")
    q = tol.add_parser("import", help=_("add the editions of a CSV file (never overwriting one)"))
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--encoding", help=_("the file's encoding (default: UTF-8 or GB18030, detected)"))
    q.add_argument("--reason", help=_("why an edition applies to signed shifts, where it changes them"))
    q = tol.add_parser("export", help=_("write every edition to a CSV file in the import format"))
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))


def _workshop_arguments(p: argparse.ArgumentParser) -> None:
    shop = p.add_subparsers(dest="workshop_command", metavar="ACTION", required=True)
    q = shop.add_parser("set", help=_("name the workshop"))
    q.add_argument("name", metavar="NAME", help=_("the name in English"))
    q.add_argument("--zh", default="", metavar="NAME", help=_("the name in Chinese"))
    shop.add_parser("show", help=_("the name set, if any"))


def _plan_arguments(p: argparse.ArgumentParser) -> None:
    plan_sub = p.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    q = plan_sub.add_parser("set", help=_("set the plan of a month (YYYY-MM) or quarter (YYYY-Qn)"))
    q.add_argument("period", metavar="PERIOD")
    q.add_argument("--output", metavar="TONNES", help=_("tonnes of steel"))
    # argparse expands %(...)s in a help text: a plain % is written %%
    q.add_argument("--rate", metavar="PERCENT",
                   help=_("target ingot qualified rate, % by weight").replace("%", "%%"))
    q = plan_sub.add_parser("remove", help=_("take the plan of a month or quarter away"))
    q.add_argument("period", metavar="PERIOD")
    q.add_argument("--reason", required=True)
    q = plan_sub.add_parser("list", help=_("every plan"))
    q.add_argument("--json", action="store_true")


def _user_arguments(p: argparse.ArgumentParser) -> None:
    users = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = users.add_parser("add", help=_("add a person (the first must be an administrator); the PIN "
                                       "is asked, or read from QCDESK_NEW_PIN"))
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=[r.value for r in Role])
    q = users.add_parser("list", help=_("everyone who may sign in, or could"))
    q.add_argument("--json", action="store_true", help=_("machine-readable output"))
    q = users.add_parser("deactivate", help=_("take someone's right to sign in away"))
    q.add_argument("name", metavar="NAME")
    q.add_argument("--reason")
    q = users.add_parser("pin", help=_("give someone a new PIN, which also lifts a lock-out "
                                       "(an administrator; read like user add's)"))
    q.add_argument("name", metavar="NAME")


def _sign_arguments(p: argparse.ArgumentParser) -> None:
    signing = p.add_subparsers(dest="sign_what", metavar="WHAT", required=True)
    q = signing.add_parser("shift", help=_("close a shift: sign its heats, analyses and ingots"))
    q.add_argument("day", type=_date, metavar="DATE")
    q.add_argument("shift", metavar="SHIFT")
    q = signing.add_parser("day", help=_("approve a day whose shifts are closed"))
    q.add_argument("day", type=_date, metavar="DATE")


def _signoff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("day", type=_date, metavar="DATE")


def _void_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("heat", "ingot"))
    p.add_argument("heat_no", metavar="HEAT_NO")
    p.add_argument("ingot_no", type=int, nargs="?", metavar="INGOT_NO")
    p.add_argument("--reason", required=True)


def _alerts_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    q = actions.add_parser("list", help=_("the announcements no one has dismissed yet, oldest first"))
    q.add_argument("--json", action="store_true")
    q = actions.add_parser("dismiss", help=_("dismiss an announcement for the whole workshop (who, as what "
                                             "role and when is recorded in the heat's history)"))
    q.add_argument("heat_no", metavar="HEAT_NO")
    q.add_argument("element", metavar="ELEMENT", help=_("the failing element's symbol, Mn say"))
    q.add_argument("--sample", metavar="SAMPLE_NO",
                   help=_("an ingot's product analysis: its sample's number (without it, the heat analysis)"))


def _verify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--full", action="store_true",
                   help=_("also hash again the records of every signature in force"))


def _backup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, nargs="?", metavar="FILE",
                   help=_("the backup file, or a folder to put it in"))
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))
    p.add_argument("--auto", action="store_true",
                   help=_("the day's automatic backup into FILE (a folder; default: 'backups' "
                          "beside the database), old ones pruned"))


def _restore_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.add_argument("--force", action="store_true",
                   help=_("restore even a backup that fails verify (audited with what verify said)"))
    p.add_argument("--replace", action="store_true",
                   help=_("on a server: replace a database that is not empty (it is backed up first)"))


def _migrate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", dest="target", metavar="TARGET",
                   help=_("a postgresql:// URI of an empty database, or a new file"))
    p.add_argument("--from", dest="source", metavar="SOURCE",
                   help=_("the database to copy (default: --db, QCDESK_DB, else the user data folder's)"))
    p.add_argument("--workshop", dest="migrate_workshop", metavar="CODE",
                   help=_("the workshop of the server to copy into (a new one, beside those there) or from"))


def _plant_arguments(p: argparse.ArgumentParser) -> None:
    plant_sub = p.add_subparsers(dest="plant_command", metavar="ACTION", required=True)
    q = plant_sub.add_parser("setup", help=_("create the owner and application roles and the database, as "
                                             "a superuser, and grant each its rights"))
    q.add_argument("uri", metavar="URI", help=_("a superuser's postgresql:// URI naming the database to "
                                                "set up"))
    q.add_argument("--owner", required=True, metavar="NAME",
                   help=_("the role that owns the schema and runs qcdesk migrate"))
    q.add_argument("--app", required=True, metavar="NAME", help=_("the role the desks connect as"))
    q.add_argument("--app-password", metavar="PASSWORD",
                   help=_("the application role's password (better: QCDESK_APP_PASSWORD)"))
    q.add_argument("--owner-password", metavar="PASSWORD",
                   help=_("the owner role's password (better: QCDESK_OWNER_PASSWORD)"))
    # several workshops on one server (workshops): run as a superuser, --db naming the database
    q = plant_sub.add_parser("workshop", help=_("the workshops of the plant's server (--db as a superuser)"))
    shops = q.add_subparsers(dest="plant_workshop_command", metavar="ACTION", required=True)
    r = shops.add_parser("add", help=_("add a workshop: its schema, its records, its desks' role"))
    r.add_argument("code", metavar="CODE", help=_("the workshop's code: lower-case letters, digits, _"))
    r.add_argument("--name", default="", metavar="NAME", help=_("its name in English, printed on reports"))
    r.add_argument("--zh", default="", metavar="NAME", help=_("its name in Chinese"))
    r.add_argument("--role", metavar="NAME", help=_("its desks' role (default: qcdesk_app_CODE)"))
    r.add_argument("--plant-role", default="qcdesk_plant", metavar="NAME",
                   help=_("the plant's quality-office role, which reads every workshop"))
    shops.add_parser("list", help=_("the workshops, their roles, and whether you are a member"))
    q = plant_sub.add_parser("member", help=_("who may work in a workshop (--db as a superuser)"))
    members = q.add_subparsers(dest="plant_member_command", metavar="ACTION", required=True)
    r = members.add_parser("add", help=_("make a login role (made if missing) a member of a workshop, or of "
                                         "the quality office"))
    r.add_argument("login", metavar="ROLE", help=_("a person's or a desk's login role"))
    r.add_argument("--workshop", dest="member_workshop", metavar="CODE", help=_("the workshop joined"))
    r.add_argument("--plant", action="store_true", help=_("the plant's quality office: reads every workshop, "
                                                          "signs nothing"))
    r.add_argument("--plant-role", default="qcdesk_plant", metavar="NAME",
                   help=_("the plant's quality-office role"))
    r = members.add_parser("remove", help=_("take a login role out of a workshop, or out of the quality "
                                            "office (the role itself is kept)"))
    r.add_argument("login", metavar="ROLE", help=_("a person's or a desk's login role"))
    r.add_argument("--workshop", dest="member_workshop", metavar="CODE", help=_("the workshop left"))
    r.add_argument("--plant", action="store_true", help=_("the plant's quality office"))
    r.add_argument("--plant-role", default="qcdesk_plant", metavar="NAME",
                   help=_("the plant's quality-office role"))
    r = members.add_parser("list", help=_("the login roles of every workshop and of the quality office"))
    r.add_argument("--plant-role", default="qcdesk_plant", metavar="NAME",
                   help=_("the plant's quality-office role"))


# The core's subcommands in the order the help lists them: the name, the help (in English, translated
# when the parser is made) and what adds the arguments; the outer layers' `Command`s follow.
SUBCOMMANDS: tuple[setup_cli.Subcommand, ...] = (
    ("rates", N_("qualified rates over a date range"), _rates_arguments),
    ("check", N_("a heat's chemistry against its standard"), _check_arguments),
    ("heats", N_("the heats of a date range"), _heats_arguments),
    *setup_cli.SUBCOMMANDS,  # converters, shifts, defects, standards
    ("history", N_("the audit log of a heat (or of everything)"), _history_arguments),
    ("demo", N_("fill an empty database with February 1959 of a demo workshop"), _no_arguments),
    ("import", N_("import heats or ingots from a CSV file (all or nothing)"), _import_arguments),
    ("export", N_("export heats or ingots to a CSV file in the import format"), _export_arguments),
    ("tolerances", N_("the editions of the product-analysis tolerances (GB/T 222)"), _tolerances_arguments),
    ("workshop", N_("the workshop's name, printed on every sheet and report"), _workshop_arguments),
    ("plan", N_("the production plan of a month or quarter"), _plan_arguments),
    ("info", N_("where the database is and what it holds"), _no_arguments),
    ("user", N_("people who sign in, and their roles"), _user_arguments),
    ("sign", N_("close a shift (inspector) or approve a day (workshop head)"), _sign_arguments),
    ("signoff", N_("whether a day and its shifts are signed"), _signoff_arguments),
    ("void", N_("void a heat or an ingot entered by mistake (kept, with the reason)"), _void_arguments),
    ("alerts", N_("the off-grade announcements of the last 7 days, and their dismissal"), _alerts_arguments),
    ("verify", N_("check the database file, the audit chain, every record against its audit trail and "
                  "every signature"), _verify_arguments),
    ("backup", N_("back up the database to FILE (safe while others work)"), _backup_arguments),
    ("restore", N_("replace the database by a backup (the old one is kept aside)"), _restore_arguments),
    ("migrate", N_("copy the database to a PostgreSQL server or back to a file (--to); without --to, "
                   "bring its schema up to date"), _migrate_arguments),
    ("plant", N_("plant mode: set up a PostgreSQL server for every desk"), _plant_arguments),
)


class _Scan(_Parser):
    """A parser that says a usage mistake by raising ValueError, printing nothing."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def _command_named(argv: Sequence[str]) -> str | None:
    """The command word of `argv` as the parser finds it: the first word after the global options
    (the same options, so `--db X`, `--db=X` and `--d X` read alike); None when the parse goes wrong
    before it, or there is none, or the top-level help is asked for first."""
    scan = _Scan(prog="qcdesk", add_help=False)
    scan.add_argument("-h", "--help", action="store_true")  # the same option strings as the help's
    _global_options(scan)
    scan.add_argument("command", nargs=argparse.PARSER)  # as the subcommands' action: all the rest
    try:
        found, _rest = scan.parse_known_args(argv)
    except ValueError:
        return None
    return None if found.help else str(found.command[0])


def build_parser(extensions: Sequence[Command] = (), argv: Sequence[str] | None = None
                 ) -> argparse.ArgumentParser:
    """The command line's parser: every command with its arguments, or, given the `argv` it is to
    parse, only what parsing that needs (building every command's arguments was some 5% of a
    command's start).

    For an `argv` that names a command, that command with its arguments; for one that names none,
    misspells it or asks for the top-level help, every command's name and help (which that help
    and the "invalid choice" error list), without their arguments."""
    parser = _Parser(prog="qcdesk", description=_("Quality-inspection desk of the converter workshop."))
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = [(name, _(text), add) for name, text, add in SUBCOMMANDS] + [
        (c.name, c.translate(c.help), c.add_arguments) for c in extensions]
    chosen = None if argv is None else _command_named(argv)
    if any(name == chosen for name, _help, _add in commands):
        commands = [command for command in commands if command[0] == chosen]
    for name, text, add_arguments in commands:
        p = sub.add_parser(name, help=text)
        if argv is None or name == chosen:
            add_arguments(p)
    return parser


# ------------------------------------------------------------------ tables

def _width(text: str) -> int:
    """Columns a string takes on a terminal: 中文 characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """Aligned plain-text columns, numbers to the right; a header cell may hold two lines."""
    head = [h.split("\n") for h in header]
    depth = max(len(h) for h in head)
    head = [[""] * (depth - len(h)) + h for h in head]  # bottom-aligned
    widths = [max([*(_width(x) for x in h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(head)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for cell, w, r in zip(cells, widths, right, strict=True):
            pad = " " * (w - _width(cell))
            out.append(pad + cell if r else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([*(line([h[k] for h in head]) for k in range(depth)), rule,
                      *(line(r) for r in rows)])


def _num(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def rates_table(report: RateReport, shift_names: dict[str, str] | None = None) -> str:
    """The rates as a table, the leading basis first, with the formulas beneath.

    With weight leading, the ingot columns are tonnes; with count leading, ingots.
    """
    by_weight = report.basis == "weight"
    lead, other = ("", "_by_count") if by_weight else ("_by_count", "")
    basis_name = {"": _("(weight)"), "_by_count": _("(count)")}
    key_names = [KEY_FIELDS[k] for k in report.by]
    unit = _("t") if by_weight else _("ingots")
    rate_heads = [_("ingot rate") + "\n" + basis_name[lead], _("ingot rate") + "\n" + basis_name[other],
                  _("surface rate") + "\n" + basis_name[lead],
                  _("chemistry") + "\n" + _("(heats)"), _("chemistry") + "\n" + _("(weight)")]
    header = [*(_(k) for k in key_names), _("heats"), _("output") + "\n" + _("t"),
              _("judged") + "\n" + unit, _("qualified") + "\n" + unit,
              _("awaiting") + "\n" + unit, *rate_heads]

    def cells(row: RateRow, label: Sequence[str]) -> list[str]:
        s, r = row.sums, row.as_dict()
        if by_weight:
            ingots = [_num(s.weight_judged_kg / 1000), _num(s.weight_qualified_kg / 1000),
                      _num(s.weight_awaiting_chemistry_kg / 1000)]
        else:
            ingots = [_num(s.ingots_judged, 0), _num(s.ingots_qualified, 0),
                      _num(s.ingots_awaiting_chemistry, 0)]
        return [*label, _num(s.heats, 0), _num(s.output_t), *ingots,
                format_rate(r["ingot_qualified_rate" + lead]),
                format_rate(r["ingot_qualified_rate" + other]),
                format_rate(r["surface_qualified_rate" + lead]),
                format_rate(r["chemistry_conformance_rate"]),
                format_rate(r["chemistry_conformance_rate_by_weight"])]

    def label(row: RateRow) -> list[str]:
        return [(shift_names or {}).get(str(row.keys[k]), str(row.keys[k])) if k == "shift"
                else str(row.keys[k]) for k in key_names]

    if not report.total.sums.heats:
        return _("No heats on production dates {frm} to {to}.").format(
            frm=report.date_from, to=report.date_to)
    rows = [cells(r, label(r)) for r in report.rows]
    if report.by:
        rows.append(cells(report.total, [_("total"), *([""] * (len(key_names) - 1))]))
    else:
        rows = [cells(report.total, [])]
    right = [False] * len(key_names) + [True] * (len(header) - len(key_names))
    notes = [
        _("Production dates {frm} to {to}.").format(frm=report.date_from, to=report.date_to),
        _("judged: judged ingots of checked heats; awaiting: judged ingots of heats whose chemistry "
          "is not checked yet (left out of the ingot rate)."),
        *(f"{name.replace(chr(10), ' ')} = {_(FORMULAS[key])}" for name, key in zip(rate_heads, (
            "ingot_qualified_rate" + lead, "ingot_qualified_rate" + other, "surface_qualified_rate" + lead,
            "chemistry_conformance_rate", "chemistry_conformance_rate_by_weight"), strict=True)),
        _("— : undefined (nothing to divide by)."),
    ]
    failing = report.total.sums.ingots_failing_product_analysis
    if failing:  # DOMAIN.md: counted, "2 ingots fail product analysis"
        notes.insert(2, _("{n} judged ingot(s) fail their product analysis: not qualified, whatever their "
                          "disposition.").format(n=failing))
    return render_table(header, rows, right) + "\n\n" + "\n".join(notes)


def check_table(heat_no: str, grade: str, result: HeatCheck) -> str:
    std = result.standard
    title = _("Heat {heat_no}, grade {grade}, {standard}: {status}").format(
        heat_no=heat_no, grade=grade, standard=std.title if std else _("no standard in force"),
        status=_(STATUS_NAMES[result.status]))
    verdict = {True: _("ok"), False: _("FAILS"), None: ""}
    rows = [[e.element, "" if e.value is None else format_chemistry(e.element, e.value),
             "" if e.min_pct is None else format_chemistry(e.element, e.min_pct),
             "" if e.max_pct is None else format_chemistry(e.element, e.max_pct),
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
    import json  # noqa: PLC0415 - see the module's docstring

    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _plant_rates(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    """qcdesk rates --plant: every workshop's rates and the plant's (several workshops)."""
    from qcdesk import plant  # noqa: PLC0415 - only for this command

    if isinstance(db_path, Path):
        raise QcError(_("--plant is for a server of several workshops; a SQLite file is one workshop"))
    report, left_out = plant.plant_rates(db_path, args.date_from, args.date_to, parse_group_keys(args.by),
                                         args.basis, user=args.user)
    if args.json:
        _print_json({**report.as_dict(), "left_out": left_out}, out)
        return 0
    shown = [dataclasses.replace(row, keys={**row.keys, "workshop": _(PLANT)})
             if row.keys["workshop"] == PLANT else row for row in report.rows]
    out.write(rates_table(dataclasses.replace(report, rows=tuple(shown))) + "\n")
    if left_out:
        out.write(_("not counted: the workshops you are not a member of ({names})").format(
            names=", ".join(left_out)) + "\n")
    return 0


def cmd_rates(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    report = store.rates(args.date_from, args.date_to, parse_group_keys(args.by), args.basis)
    if args.json:
        _print_json(report.as_dict(), out)
    else:
        out.write(rates_table(report, _shift_names(store)) + "\n")
    return 0


def cmd_check(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import samples_cli  # noqa: PLC0415 - the samples, only for this command

    heat = store.heat(args.heat_no)
    result = store.check_heat(heat.heat_no)
    if args.json:
        _print_json({**check_json(heat.heat_no, heat.grade, result),
                     **samples_cli.check_json(store, heat, result)}, out)
    else:
        out.write(check_table(heat.heat_no, heat.grade, result) + "\n\n"
                  + samples_cli.check_text(store, heat, render_table) + "\n")
    return 0


def cmd_tolerances(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import samples_cli  # noqa: PLC0415 - only for this command

    return samples_cli.cmd_tolerances(store, args, out, render_table)


def _shift_names(store: Store) -> dict[str, str]:
    """Each shift's name in the language in force."""
    return {sh.code: sh.name_zh if language() == "zh" else sh.name_en for sh in store.shifts()}


def _check_filters(store: Store, args: argparse.Namespace) -> None:
    """An unknown converter, grade or shift is a mistake, not an empty list."""
    if args.converter is not None:
        store.converter(args.converter)
    if args.grade is not None and args.grade not in store.grades():
        raise NotFound(_("there is no grade {grade!r}").format(grade=args.grade))
    if args.shift is not None and args.shift not in _shift_names(store):
        raise NotFound(_("there is no shift {code!r}; the shifts are: {known}").format(
            code=args.shift, known=", ".join(_shift_names(store))))


def cmd_heats(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.date_to < args.date_from:
        raise QcError(_("--to {to} is before --from {frm}").format(to=args.date_to, frm=args.date_from))
    _check_filters(store, args)
    status = ChemStatus(args.status) if args.status else None
    heats = store.heats(args.date_from, args.date_to, converter=args.converter, grade=args.grade,
                        shift=args.shift, status=status)
    if args.json:
        _print_json([{
            "heat_no": h.heat_no, "converter": h.converter,
            "tapped_at": h.tapped_at.isoformat(sep=" ", timespec="minutes"),
            "date": h.production_date.isoformat(), "shift": h.shift, "grade": h.grade,
            "tap_weight_t": h.tap_weight_t, "tap_temp_c": h.tap_temp_c, "inspector": h.inspector,
            "status": h.chem_status.value, "analysis": h.analysis, "ingots": h.ingots,
            "ingots_judged": h.ingots_judged} for h in heats], out)
        return 0
    if not heats:
        out.write(_("No heats on production dates {frm} to {to}.").format(
            frm=args.date_from, to=args.date_to) + "\n")
        return 0
    names = _shift_names(store)
    rows = [[h.heat_no, h.converter, h.tapped_at.isoformat(sep=" ", timespec="minutes"),
             h.production_date.isoformat(), names.get(h.shift, h.shift), h.grade,
             f"{h.tap_weight_t:,.2f}", "" if h.tap_temp_c is None else format_number(h.tap_temp_c),
             _(STATUS_NAMES[h.chem_status]), f"{h.ingots_judged}/{h.ingots}", h.inspector]
            for h in heats]
    out.write(render_table(
        [_("heat"), _("conv."), _("tapped at"), _("date"), _("shift"), _("grade"), _("tapped") + "\nt",
         "°C", _("chemistry"), _("ingots") + "\n" + _("judged/all"), _("inspector")], rows,
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

    def limit(el: str, lo: float | None, hi: float | None) -> str:
        if lo is not None and hi is not None:
            return f"{format_chemistry(el, lo)}–{format_chemistry(el, hi)}"
        return f"≤{format_chemistry(el, hi)}" if hi is not None else f"≥{format_chemistry(el, lo or 0)}"

    rows = [[s.grade, s.title, s.effective_from.isoformat(),
             "  ".join(f"{lim.element} {limit(lim.element, lim.min_pct, lim.max_pct)}" for lim in s.limits)]
            for s in editions]
    out.write(render_table([_("grade"), _("standard"), _("in force from"), _("limits, mass %")], rows,
                           [False, False, False, False]) + "\n")
    return 0


def _brief(value: str | None) -> str:
    """An audit value for a table: a record as 'key=value' pairs, numbers as typed."""
    if not value or value[0] not in "{[":
        return value or ""

    def plain(item: object) -> str:
        if isinstance(item, float):
            return format_number(item)
        if isinstance(item, dict):
            return " ".join(f"{k} {plain(v)}" for k, v in item.items())
        if isinstance(item, list):
            return ";".join(plain(v) for v in item)
        return str(item)

    import json  # noqa: PLC0415 - see the module's docstring

    record = json.loads(value)
    if not isinstance(record, dict):
        return plain(record)
    return ", ".join(f"{k}={plain(v)}" for k, v in record.items() if v not in (None, "", [], {}))


def cmd_history(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    entries = store.audit(args.heat_no)
    if args.heat_no and not entries:
        store.heat(args.heat_no)  # a clear error for a heat never recorded
    if args.json:
        _print_json([e.__dict__ for e in entries], out)
        return 0
    rows = [[e.at, e.user, _(e.action), e.entity_key or "", e.field or "", _brief(e.old_value),
             _brief(e.new_value), e.reason or ""] for e in entries]
    out.write(render_table([_("when"), _("who"), _("what"), _("record"), _("field"), _("old"), _("new"),
                            _("reason")], rows, [False] * 8) + "\n")
    return 0


def cmd_demo(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk.demo import load_demo  # noqa: PLC0415 - see the module's docstring

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
    from qcdesk import csvio  # noqa: PLC0415 - see the module's docstring
    from qcdesk.unjudged import describe as describe_unjudged  # noqa: PLC0415

    progress = _terminal_progress(sys.stderr)
    if args.kind == "analyses":
        from qcdesk import samples_io  # noqa: PLC0415 - only this command needs it

        count = samples_io.import_analyses(store, args.file, encoding=args.encoding, reason=args.reason,
                                           progress=progress)
        out.write(_("{n} sample(s) imported from {file}.").format(n=count, file=args.file) + "\n")
        return 0
    if args.reason is not None:
        raise QcError(_("--reason is for an import of analyses"))
    if args.kind == "heats":  # and say which heats no standard edition judges
        summary = csvio.import_heats_summary(store, args.file, encoding=args.encoding, progress=progress)
        out.write(_("{n} heat(s) imported from {file}.").format(n=summary.count, file=args.file) + "\n")
        out.writelines(line + "\n" for line in describe_unjudged(summary.unjudged))
        return 0
    count = csvio.import_ingots(store, args.file, encoding=args.encoding, progress=progress)
    out.write(_("{n} ingot(s) imported from {file}.").format(n=count, file=args.file) + "\n")
    return 0


def cmd_export(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.kind == "analyses":
        from qcdesk import samples_io  # noqa: PLC0415 - only this command needs it

        count = samples_io.export_analyses(store, args.file, args.date_from, args.date_to, force=args.force)
        out.write(_("{n} sample(s) written to {file}.").format(n=count, file=args.file) + "\n")
        return 0
    from qcdesk import csvio  # noqa: PLC0415 - see the module's docstring

    exporter = csvio.export_heats if args.kind == "heats" else csvio.export_ingots
    count = exporter(store, args.file, args.date_from, args.date_to, force=args.force)
    done = (_("{n} heat(s) written to {file}.") if args.kind == "heats"
            else _("{n} ingot(s) written to {file}."))
    out.write(done.format(n=count, file=args.file) + "\n")
    return 0


def cmd_workshop(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.workshop_command == "set":
        named = store.set_workshop(args.name, args.zh)
        out.write(_("The workshop is named {name}.").format(
            name=" / ".join(n for n in (named.name_en, named.name_zh) if n)) + "\n")
        return 0
    current = store.workshop()
    out.write((" / ".join(n for n in (current.name_en, current.name_zh) if n) if current else
               _("No workshop name is set: reports print \"Converter workshop\".")) + "\n")
    return 0


def cmd_plan(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.plan_command == "set":
        from qcdesk.store import parse_plan  # noqa: PLC0415 - see the module's docstring

        output, rate = parse_plan(args.output, args.rate)
        plan = store.set_plan(args.period, output_t=output, ingot_rate=rate)
        out.write(_("Plan {period} set.").format(period=plan.period) + "\n")
        return 0
    if args.plan_command == "remove":
        plan = store.remove_plan(args.period, args.reason)
        out.write(_("Plan {period} removed.").format(period=plan.period) + "\n")
        return 0
    plans = store.plans()
    if args.json:
        _print_json([{"period": p.period, "output_t": p.output_t, "ingot_rate": p.ingot_rate}
                     for p in plans], out)
        return 0
    if not plans:
        out.write(_("No plan is set.") + "\n")
        return 0
    rows = [[p.period, "" if p.output_t is None else _num(p.output_t),
             "" if p.ingot_rate is None else format_rate(p.ingot_rate)] for p in plans]
    out.write(render_table([_("period"), _("output") + "\n" + _("t"), _("ingot rate") + "\n" + _("(weight)")],
                           rows, [False, True, True]) + "\n")
    return 0


def cmd_info(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import health  # noqa: PLC0415 - see the module's docstring

    span = store.date_span()
    out.write(_("database: {path}").format(path=store.location) + "\n")
    if store.server is not None:
        from qcdesk.plant import server_facts  # noqa: PLC0415 - plant mode only

        facts = server_facts(store)
        out.write(_("server: PostgreSQL {version}; schema {schema}; connected as {role}").format(
            version=facts.version, schema=facts.schema, role=facts.role) + "\n")
    out.write(_("schema version: {v}").format(v=store.schema_version()) + "\n")
    out.write(_("user: {user}").format(user=store.user) + "\n")
    if span:
        out.write(_("production dates: {first} to {last}").format(first=span[0], last=span[1]) + "\n")
    if store.server is None:
        out.write(health.describe(store.path) + "\n")
    else:
        out.write(_("integrity: the server keeps its own files whole; qcdesk verify checks the "
                    "records") + "\n")
    out.write(_("audit chain head: {head}; journal of chain heads: {path}{missing}").format(
        head=store.chain_head()[:16], path=store.journal,
        missing="" if store.journal.is_file() else _(" (missing)")) + "\n")
    if store.server is not None:
        out.write(_("(the journal is this workstation's: each desk keeps the heads of the writes it made)")
                  + "\n")
    for table, n in store.counts().items():
        out.write(f"  {table:<14} {n:>10,}\n")
    return 0


def _backed_up(facts: Any) -> str:
    return _("backup written to {path}: checked whole (schema {version}, {heats} heats, "
             "{ingots} ingots).").format(path=facts.path, version=facts.schema_version,
                                          heats=facts.counts.get("heat", 0),
                                          ingots=facts.counts.get("ingot", 0))


def cmd_backup(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk.store.postgres import Server  # noqa: PLC0415 - see the module's docstring

    if isinstance(db_path, Server):
        from qcdesk import server_backup  # noqa: PLC0415 - plant mode only
        from qcdesk.store.postgres import entered  # noqa: PLC0415

        db_path = entered(db_path)  # on a server of several workshops: the workshop's own backups
        if args.auto:
            folder = args.file or server_backup.backup_folder()
            made = server_backup.automatic_backup(db_path, folder, datetime.now())
        elif args.file is None:
            raise QcError(_("name the backup file (or use --auto)"))
        else:
            out.write(_backed_up(server_backup.backup(db_path, args.file, force=args.force)) + "\n")
            return 0
    else:
        from qcdesk import backup  # noqa: PLC0415 - see the module's docstring

        if args.auto:
            folder = args.file or backup.default_backup_folder(db_path)
            made = backup.automatic_backup(db_path, folder, datetime.now())
        elif args.file is None:
            raise QcError(_("name the backup file (or use --auto)"))
        else:
            out.write(_backed_up(backup.backup(db_path, args.file, force=args.force)) + "\n")
            return 0
    out.write((_("automatic backup written to {path}.").format(path=made) if made else
               _("today's automatic backup is already in {folder}.").format(folder=folder)) + "\n")
    return 0


def _whole(facts: Any) -> str:
    return _("{path} is whole: schema {version}, {heats} heats, {ingots} ingots.").format(
        path=facts.path, version=facts.schema_version, heats=facts.counts.get("heat", 0),
        ingots=facts.counts.get("ingot", 0))


def _confirmed(question: str, out: TextIO) -> bool:
    out.write(question)
    out.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes", _("yes")):
        out.write(_("nothing restored.") + "\n")
        return False
    return True


def cmd_restore(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import backup, server_backup  # noqa: PLC0415 - see the module's docstring
    from qcdesk.store.postgres import Server  # noqa: PLC0415

    if isinstance(db_path, Server):
        from qcdesk.store.postgres import entered  # noqa: PLC0415

        return _restore_server(entered(db_path), args, out)  # the workshop's own (several workshops)
    if args.file.is_file() and server_backup.is_archive(args.file):
        raise QcError(_("{path} is a backup of a PostgreSQL database (pg_dump): it is restored onto a "
                        "PostgreSQL database (--db postgresql://…), or copied into a file with qcdesk "
                        "migrate --from URI --to FILE once restored. Nothing was restored.").format(
            path=args.file))
    if args.replace:
        raise QcError(_("--replace is for a database on a server: a file is always replaced, the old one "
                        "kept aside"))
    facts = backup.inspect(args.file, db_path)
    out.write(_whole(facts) + "\n")
    checked = backup.check_backup(args.file, force=args.force)
    out.write(checked.summary() + "\n")
    restorer = _sign_in_to_restore(db_path, args.user)
    if not args.yes and not _confirmed(_("Replace the database {db} by this backup? The current database is "
                                         "kept beside it. Type yes to go on: ").format(db=db_path), out):
        return 1
    done = backup.restore(args.file, db_path, user=restorer or args.user, force=args.force,
                          checked=checked)
    out.write(_("restored {db} from {path}.").format(db=db_path, path=args.file) + "\n")
    if done.kept_aside is not None:
        out.write(_("the replaced database is kept as {path}.").format(path=done.kept_aside) + "\n")
    return 0


def _restore_server(db: Server, args: argparse.Namespace, out: TextIO) -> int:
    """A pg_dump archive into the server's database: an empty one, or one replaced with --replace."""
    from qcdesk import server_backup  # noqa: PLC0415 - plant mode only

    archive = server_backup.inspect(args.file)
    out.write(_whole(archive.facts) + "\n")
    if archive.chain_head:
        out.write(_("its chain head, noted beside it: {head}").format(head=archive.chain_head) + "\n")
    else:
        out.write(_("it has no journal of chain heads beside it ({path}): verify will say so").format(
            path=args.file.with_name(args.file.name + ".heads")) + "\n")
    held = server_backup.target_contents(db)
    if held and not args.replace:
        server_backup.refuse_unless_empty(db, held)
    restorer = _sign_in_to_restore(db, args.user) if held else None
    aside = server_backup.kept_aside_name(db, datetime.now())
    if held and not args.yes and not _confirmed(_(
            "Replace the database {db} by this backup? The current database is backed up first, to "
            "{path}. Type yes to go on: ").format(db=db.shown, path=aside), out):
        return 1
    done, report = server_backup.restore(args.file, db, user=restorer or args.user, force=args.force,
                                         replace=args.replace, inspected=archive)
    out.write(report.summary() + "\n")
    out.write(_("restored {db} from {path}.").format(db=db.shown, path=args.file) + "\n")
    if done.kept_aside is not None:
        out.write(_("the replaced database is kept as {path}.").format(path=done.kept_aside) + "\n")
    return 0


def _sign_in_to_restore(db_path: Path | Server, user: str | None) -> str | None:
    """A database with people is replaced only by an administrator, signed in with a PIN:
    their name. One that cannot be opened (damaged, foreign), or whose last integrity check
    failed, cannot say who that is: its restore goes on (None)."""
    from qcdesk import health  # noqa: PLC0415 - see the module's docstring

    if isinstance(db_path, Path) and (not db_path.is_file() or health.damaged(db_path) is not None):
        return None  # a damaged file: who is in it?
    from qcdesk.store import Store  # noqa: PLC0415 - see the module's docstring

    try:
        store = Store.open(db_path, user, create=False)
    except DatabaseError:
        return None
    with store:
        if not store.roles_enforced():
            return None
        person = store.login(store.user, read_pin(_("PIN for {name}: ").format(name=store.user)))
        if not person.may(Permission.PEOPLE):
            raise QcError(_("only an administrator may restore a backup over this database; "
                            "nothing was restored"))
        return person.name


def _copy_progress(stream: TextIO) -> Callable[[str, int], None]:
    """A migration's progress on `stream`: a line kept up to date on a terminal, else a line
    every ten seconds (a big database takes minutes)."""
    tty = stream.isatty()
    last = [time.monotonic()]

    def show(table: str, rows: int) -> None:
        now = time.monotonic()
        if now - last[0] < (0.5 if tty else 10.0):
            return
        last[0] = now
        text = _("copying {table}: {rows} rows").format(table=table, rows=f"{rows:,}")
        stream.write(("\r" + text + "\033[K") if tty else text + "\n")
        stream.flush()
    return show


def _location(text: str) -> Path | Server:
    from qcdesk.store.postgres import Server, is_server  # noqa: PLC0415 - see the module's docstring

    text = text.strip()
    if not text:
        raise QcError(_("name the database: a file or a postgresql:// URI"))
    return Server(text) if is_server(text) else Path(text).expanduser()


def _in_workshop(where: Path | Server, code: str | None) -> Path | Server:
    """A server's database in the workshop `code` (--workshop), unless its URI names one."""
    from qcdesk.store.postgres import Server  # noqa: PLC0415

    if code is None or not isinstance(where, Server) or where.workshop is not None:
        return where
    return where.in_workshop(code.strip())


def cmd_migrate(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    if args.target is None:
        if args.source is not None:
            raise QcError(_("--from names what to copy: say where to, with --to"))
        return _migrate_schema(db_path, args, out)
    from qcdesk import plant  # noqa: PLC0415 - only for this command

    source = _location(args.source) if args.source is not None else db_path
    target = _in_workshop(_location(args.target), args.migrate_workshop)
    source = _in_workshop(source, args.migrate_workshop)
    done = plant.migrate(source, target, user=args.user, progress=_copy_progress(sys.stderr))
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    out.write(_("copied {source} to {target} in {seconds} s:").format(
        source=done.source, target=done.target, seconds=f"{done.copy_s:.1f}") + "\n")
    out.write(render_table([_("table"), _("rows")], [[t, f"{n:,}"] for t, n in done.rows.items()],
                           [False, True]) + "\n")
    out.write(_("verify of the copy, in {seconds} s: {summary}").format(
        seconds=f"{done.verify_s:.1f}", summary=done.report.summary()) + "\n")
    out.write(_("chain head of {db}: {head}").format(db=done.source, head=done.source_head) + "\n")
    out.write(_("chain head of {db}: {head}").format(db=done.target, head=done.target_head) + "\n")
    if done.moved_on:
        out.write(_("the source was written after its snapshot was copied: what was saved since is not in "
                    "the copy") + "\n")
    if done.heads is not None:
        out.write(_("journal of chain heads of the copy: {path}").format(path=done.heads) + "\n")
    out.writelines(note + "\n" for note in done.notes)
    return 0


def _migrate_schema(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    """The database brought to the newest schema (on a server: created in an empty database,
    as the owner role)."""
    from qcdesk.store import Store  # noqa: PLC0415 - see the module's docstring
    from qcdesk.store.postgres import Server  # noqa: PLC0415

    explicit = bool(args.db or os.environ.get("QCDESK_DB"))
    with Store.open(db_path, args.user, create=isinstance(db_path, Server) or not explicit) as store:
        out.write(_("{db}: schema {version}, the newest this program knows.").format(
            db=store.location, version=store.schema_version()) + "\n")
    if isinstance(db_path, Server):
        from qcdesk.plant import grant_again  # noqa: PLC0415 - plant mode only

        out.writelines(line + "\n" for line in grant_again(db_path))
    return 0


def cmd_plant(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import plant  # noqa: PLC0415 - only for this command
    from qcdesk.store.postgres import Server  # noqa: PLC0415

    if args.plant_command in ("workshop", "member"):
        return _plant_workshops(db_path, args, out)
    superuser = _location(args.uri)
    if not isinstance(superuser, Server):
        raise QcError(_("plant setup needs a postgresql:// URI of the database to set up, connecting as a "
                        "superuser"))
    app_password = os.environ.get("QCDESK_APP_PASSWORD") or args.app_password
    owner_password = os.environ.get("QCDESK_OWNER_PASSWORD") or args.owner_password
    done = plant.setup(superuser, owner=args.owner, app=args.app, owner_password=owner_password,
                       app_password=app_password)
    out.writelines(line + "\n" for line in done)
    return 0


def _plant_workshops(db_path: Path | Server, args: argparse.Namespace, out: TextIO) -> int:
    """qcdesk plant workshop add|list, plant member add|remove|list (several workshops on one server)."""
    from qcdesk import plant  # noqa: PLC0415 - only for this command
    from qcdesk.store.postgres import Server  # noqa: PLC0415

    if not isinstance(db_path, Server):
        raise QcError(_("the workshops are those of a PostgreSQL server: --db postgresql://… naming the "
                        "plant's database (as a superuser to add one); a SQLite file is one workshop"))
    if args.plant_command == "member" and args.plant_member_command == "list":
        members = plant.list_members(db_path, plant_role=args.plant_role)
        if not members:
            out.write(_("No login role is a member of a workshop or of the quality office yet.") + "\n")
            return 0
        out.write(render_table([_("login role"), _("workshops"), _("quality office")],
                               [[m.login, ", ".join(m.workshops) or "—", _("yes") if m.office else ""]
                                for m in members], [False] * 3) + "\n")
        return 0
    if args.plant_command == "member" and args.plant_member_command == "remove":
        done = plant.remove_member(db_path, args.login, workshop=args.member_workshop, plant=args.plant,
                                   plant_role=args.plant_role)
    elif args.plant_command == "member":
        done = plant.add_member(db_path, args.login, workshop=args.member_workshop, plant=args.plant,
                                plant_role=args.plant_role,
                                password=os.environ.get("QCDESK_MEMBER_PASSWORD") or None)
    elif args.plant_workshop_command == "add":
        done = plant.add_workshop(db_path, args.code, name=args.name, name_zh=args.zh, role=args.role,
                                  plant_role=args.plant_role, user=args.user)
    else:
        rows = [[w.code, w.name, _("yes") if w.member else _("no"), ", ".join(w.roles), ", ".join(w.readers)]
                for w in plant.list_workshops(db_path)]
        if not rows:
            out.write(_("{db} holds no workshop yet.").format(db=db_path.in_workshop(None).shown) + "\n")
            return 0
        out.write(render_table([_("workshop"), _("name"), _("yours"), _("desks' roles"), _("reads all")],
                               rows, [False] * 5) + "\n")
        return 0
    out.writelines(line + "\n" for line in done)
    return 0


# Commands on the database as a whole: run without opening (or migrating) it.
FILE_COMMANDS: dict[str, Callable[[Path | Server, argparse.Namespace, TextIO], int]] = {
    "backup": cmd_backup, "restore": cmd_restore, "migrate": cmd_migrate, "plant": cmd_plant,
}
def read_pin(prompt: str, variable: str = "QCDESK_PIN") -> str:
    """A PIN from the environment variable (for scripts), else typed without echo; without a
    terminal to type it in, a plain refusal naming the variable."""
    given = os.environ.get(variable)
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        raise QcError(_("a PIN is needed and there is no terminal to type it in: set {variable} "
                        "(for scripts); nothing was changed").format(variable=variable))
    import getpass  # noqa: PLC0415 - see the module's docstring

    try:
        return getpass.getpass(prompt)
    except EOFError:  # Ctrl+D at the prompt
        raise QcError(_("no PIN was typed; nothing was changed")) from None


LISTS_PEOPLE = frozenset({Role.ADMIN, Role.HEAD})  # who may see the people of a database


def cmd_user(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.user_command == "list":
        if store.roles_enforced() and (store.person is None or store.person.role not in LISTS_PEOPLE):
            raise QcError(_("only an administrator or a workshop head may list the people "
                            "(sign in as one with --user)"))
        if args.json:
            _print_json([{"name": p.name, "role": p.role.value, "active": p.active,
                          "locked_until": p.locked_until.isoformat(sep=" ", timespec="minutes")
                          if p.locked_until else None} for p in store.people()], out)
            return 0
        rows = [[p.name, _(ROLE_NAMES[p.role]), _("active") if p.active else _("deactivated"),
                 p.locked_until.strftime("%Y-%m-%d %H:%M") if p.locked_until else ""]
                for p in store.people()]
        if not rows:
            out.write(_("No people yet: anyone may write. Add an administrator with "
                        "'qcdesk user add NAME --role admin'.") + "\n")
            return 0
        out.write(render_table([_("name"), _("role"), _("status"), _("locked until")], rows,
                               [False] * 4) + "\n")
        return 0
    if args.user_command == "deactivate":
        person = store.deactivate_person(args.name, args.reason)
        out.write(_("{name} is deactivated.").format(name=person.name) + "\n")
        return 0
    first = not store.roles_enforced() and args.user_command == "add"
    if os.environ.get("QCDESK_NEW_PIN") is not None:
        pin = os.environ["QCDESK_NEW_PIN"]
    elif first and os.environ.get("QCDESK_PIN") is not None:
        pin = os.environ["QCDESK_PIN"]
    else:
        pin = read_pin(_("PIN for {name}: ").format(name=args.name), "QCDESK_NEW_PIN")
        if read_pin(_("the same PIN again: "), "QCDESK_NEW_PIN") != pin:
            raise QcError(_("the two PINs differ; nothing was changed"))
    if args.user_command == "pin":
        store.set_pin(args.name, pin)
        out.write(_("{name} has a new PIN.").format(name=args.name) + "\n")
        return 0
    person = store.add_person(args.name, parse_role(args.role), pin)
    out.write(_("{name} added as {role}.").format(name=person.name, role=_(ROLE_NAMES[person.role]))
              + "\n")
    return 0


def _signature_line(sig: Signature) -> str:
    return _("{meaning}: {signer} at {at}").format(meaning=_(sig.meaning), signer=sig.signer,
                                                   at=sig.signed_at)


def cmd_sign(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    pin = args.pin  # asked once by main: the sign-in and the signature are one act here
    if args.sign_what == "shift":
        sig = store.sign_shift(args.day, args.shift, pin)
    else:
        sig = store.sign_day(args.day, pin)
    out.write(_signature_line(sig) + "\n")
    out.write(_("records hash {hash}; audit chain head {head}").format(
        hash=sig.records_hash, head=sig.chain_head) + "\n")
    out.write(_("the audit log held {n} entries at that head: keep both (removing the newest "
                "entries is found only against a head kept elsewhere)").format(
        n=store.entries_up_to(sig.chain_head)) + "\n")
    return 0


def cmd_signoff(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk.signoff import STATUS_NAMES as SIGNOFF_NAMES  # noqa: PLC0415 - see the module's docstring

    standing = store.day_signoff(args.day)
    out.write(_("{day}: {status}").format(day=args.day, status=_(SIGNOFF_NAMES[standing.status])) + "\n")
    for sig in store.signatures(args.day):
        state = "" if sig.live else " " + _("(superseded {at}: {reason})").format(
            at=sig.superseded_at, reason=sig.superseded_reason)
        where = f"{sig.shift}: " if sig.shift else ""
        out.write(f"  {where}{_signature_line(sig)}{state}\n")
    return 0


def cmd_void(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.kind == "heat":
        store.void_heat(args.heat_no, args.reason)
        out.write(_("heat {heat_no} voided.").format(heat_no=args.heat_no) + "\n")
        return 0
    if args.ingot_no is None:
        raise QcError(_("name the ingot: qcdesk void ingot HEAT_NO INGOT_NO --reason ..."))
    store.void_ingot(args.heat_no, args.ingot_no, args.reason)
    out.write(_("ingot {n} of heat {heat_no} voided.").format(n=args.ingot_no, heat_no=args.heat_no)
              + "\n")
    return 0


def cmd_alerts(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    """qcdesk alerts list | dismiss HEAT_NO ELEMENT [--sample NO]: the banner of the desks."""
    from qcdesk.alerts import AlertKind, alert_text  # noqa: PLC0415 - only for this command

    found = store.open_alerts()
    if args.alerts_command == "list":
        if args.json:
            import json  # noqa: PLC0415

            out.write(json.dumps([{"kind": a.kind.value, "heat_no": a.heat_no, "ingot_no": a.ingot_no,
                                   "sample_no": a.sample_no, "element": a.element, "value": a.value,
                                   "side": a.side.value, "limit": a.limit, "grade": a.grade,
                                   "standard": a.standard, "since": a.since.isoformat(timespec="minutes"),
                                   "text": alert_text(a)} for a in found], ensure_ascii=False, indent=2)
                      + "\n")
        elif not found:
            out.write(_("No off-grade announcement is open: none in the last 7 days, or every one "
                        "dismissed.") + "\n")
        else:
            out.writelines(f"{a.since:%Y-%m-%d %H:%M}  {alert_text(a)}\n" for a in found)
        return 0
    heat_no = normalise_code(args.heat_no).strip()
    element = args.element.strip()
    sample = None if args.sample is None else normalise_code(args.sample).strip()
    kind = AlertKind.HEAT if sample is None else AlertKind.PRODUCT
    matching = [a for a in found if a.heat_no == heat_no and a.element.lower() == element.lower()
                and a.kind is kind and (sample is None or a.sample_no == sample)]
    if not matching:
        of_heat = [alert_text(a) for a in found if a.heat_no == heat_no]
        what = (_("the heat analysis of {heat_no}").format(heat_no=heat_no) if sample is None else
                _("product analysis {sample} of {heat_no}").format(sample=sample, heat_no=heat_no))
        raise QcError(_("no open announcement of {element} in {what}: nothing was dismissed. {open}").format(
            element=element, what=what,
            open=(_("Open for heat {heat_no}: {texts}").format(heat_no=heat_no, texts="; ".join(of_heat))
                  if of_heat else _("qcdesk alerts list shows the open ones."))))
    done = store.dismiss_alert(matching[0])
    role = _(ROLE_NAMES[done.role]) if done.role is not None else ""
    out.write(_("Dismissed for the whole workshop: {text} (by {who}{role}, {at})").format(
        text=alert_text(matching[0]), who=done.dismissed_by, role=f", {role}" if role else "",
        at=done.dismissed_at) + "\n")
    return 0


def cmd_verify(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import health  # noqa: PLC0415 - see the module's docstring
    from qcdesk.verify import as_json, verify  # noqa: PLC0415

    report = verify(store, full=args.full)
    if report.ok and store.server is None:  # integrity_check passed: writes may go on if they were refused
        health.record(store.path, True, "ok", "verify")
    out.write((as_json(report) if args.json else report.summary()) + "\n")
    return 0 if report.ok else 1


# Commands that write, and so sign in with a PIN once the database has people.
WRITING_COMMANDS = frozenset({"demo", "import", "user", "sign", "void", "plan", "workshop", "tolerances",
                              "alerts", *setup_cli.WRITING})
READING_SUBCOMMANDS = {"plan_command": "list", "workshop_command": "show",  # of writing commands
                       "alerts_command": "list"}
READING_ACTIONS = {("tolerances_command", "list"), ("tolerances_command", "export")}  # the same, more
CREATING_COMMANDS = frozenset({"demo", "import"})
COMMANDS: dict[str, Callable[[Store, argparse.Namespace, TextIO], int]] = {
    "rates": cmd_rates, "check": cmd_check, "heats": cmd_heats, "standards": cmd_standards,
    "history": cmd_history, "demo": cmd_demo, "import": cmd_import, "export": cmd_export,
    "info": cmd_info, "plan": cmd_plan, "workshop": cmd_workshop, "user": cmd_user, "sign": cmd_sign,
    "signoff": cmd_signoff,
    "void": cmd_void, "verify": cmd_verify, "tolerances": cmd_tolerances, "alerts": cmd_alerts,
} | setup_cli.COMMANDS


def _log_path() -> Path:
    import platformdirs  # noqa: PLC0415 - only when a bug is logged

    return Path(platformdirs.user_log_dir("qcdesk", appauthor=False)) / "qcdesk.log"


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None,
         *, extensions: Sequence[Command] = (),
         no_command: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Run one command; the exit status (0 done, 1 refused or failed, 2 usage).

    `extensions` are further subcommands; `no_command`, if given, runs when none is named
    (the launcher starts the desktop program there), else the help is printed.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before the parser's help texts are made
    for i, word in enumerate(argv):
        lang = argv[i + 1] if word == "--lang" and i + 1 < len(argv) else word.partition("--lang=")[2]
        if lang in LANGUAGES:
            set_language(lang)
    parser = build_parser(extensions, argv)  # only what this argv needs
    try:
        # usage errors and --help go to the streams the caller gave, not the process's
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    set_language(args.lang)
    if args.command is None:
        if no_command is not None:
            return no_command(args)
        parser.print_help(out)
        return 0
    if args.db is not None and not args.db.strip():
        err.write(_("qcdesk: --db needs a file name") + "\n")
        return 2
    # what running a command needs, and --help does not
    import sqlite3  # noqa: PLC0415

    from qcdesk import health  # noqa: PLC0415
    from qcdesk.store import Store, environment_error, resolve_db_path  # noqa: PLC0415

    if args.workshop is not None:  # several workshops on one server (workshops)
        named = resolve_db_path(args.db)
        if not isinstance(named, Path):
            args.db = str(_in_workshop(named, args.workshop))
        elif args.command != "migrate":
            err.write(_("qcdesk: --workshop names a workshop of a PostgreSQL server; {db} is a SQLite file, "
                        "which is one workshop").format(db=named) + "\n")
            return 2
        else:
            args.migrate_workshop = args.migrate_workshop or args.workshop
    try:
        # a named database (--db, QCDESK_DB) is made only by commands that bring data:
        # a mistyped name is said, not made; the default one is made on first use
        if args.command in FILE_COMMANDS:
            return FILE_COMMANDS[args.command](resolve_db_path(args.db), args, out)
        if args.command == "rates" and args.plant:  # across workshops: a store each (workshops)
            return _plant_rates(resolve_db_path(args.db), args, out)
        for command in extensions:
            if command.name == args.command and command.before_store is not None:
                done = command.before_store(resolve_db_path(args.db), args, out)
                if done is not None:
                    return done
        explicit = bool(args.db or os.environ.get("QCDESK_DB"))
        with Store.open(resolve_db_path(args.db), args.user,
                        create=args.command in CREATING_COMMANDS or setup_cli.creates(args)
                        or not explicit) as store:
            args.pin = None
            reads = (any(getattr(args, k, "-") == v for k, v in READING_SUBCOMMANDS.items())
                     or setup_cli.reads(args) or any(getattr(args, k, "-") == v for k, v in READING_ACTIONS))
            if args.command in WRITING_COMMANDS and not reads:
                health.refuse_writes_if_damaged(store.path)  # said before the PIN is asked
            if args.command in WRITING_COMMANDS and store.roles_enforced() and not reads:
                if not (args.user or os.environ.get("QCDESK_USER")):  # the login name, by default
                    err.write(_("qcdesk: this database has people: {name} signs in to write "
                                "(--user NAME for someone else).").format(name=store.user) + "\n")
                args.pin = read_pin(_("PIN for {name}: ").format(name=store.user))
                store.login(store.user, args.pin)
            commands = COMMANDS | {command.name: command.run for command in extensions}
            return commands[args.command](store, args, out)
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
    except sqlite3.Error as exc:  # the file, not the program: locked, full, damaged
        err.write(_("qcdesk: {error}").format(error=environment_error(exc)) + "\n")
        return 1
    except OSError as exc:
        err.write(_("qcdesk: {what}: {error}").format(
            what=exc.filename or _("output"), error=exc.strerror or exc) + "\n")
        return 1
    except Exception as exc:  # a bug: log it whole, tell the user briefly
        import traceback  # noqa: PLC0415

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
