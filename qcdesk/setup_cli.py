"""The workshop's set-up from the command line: converters, the shift schedule, the defect
catalogue and the standards' editions (`qcdesk converters|shifts|defects|standards …`).

Every change goes through the store's set-up methods, as the Set-up view's do: the same
refusals (look-alike codes, roles, ranges), the same audit entries. This module declares the
subcommands' arguments and runs them; the CSV formats are `qcdesk.setup_io`'s. It loads
little at start-up: what a command needs is loaded when it runs.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qcdesk.errors import InputError, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.shifts import DAY_MIN

if TYPE_CHECKING:
    from qcdesk.model import Shift
    from qcdesk.store import Store

# the subcommands (`setup_action`) of each command that only read the database
_READING: dict[str, frozenset[str | None]] = {
    "converters": frozenset({"list"}), "shifts": frozenset({"list"}),
    "defects": frozenset({"list", "export"}), "standards": frozenset({None, "list", "export"}),
}
WRITING = frozenset(_READING)  # commands that write (with some of their subcommands)
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")  # as the Set-up view's shift editor reads


def reads(args: argparse.Namespace) -> bool:
    """Whether a set-up command only reads (no sign-in needed)."""
    return args.command in _READING and getattr(args, "setup_action", None) in _READING[args.command]


def creates(args: argparse.Namespace) -> bool:
    """Whether the command may make the database it names: a set-up that writes brings data,
    as an import does (a new workshop is set up before its first heat)."""
    return args.command in WRITING and not reads(args)


def _converters_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="setup_action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help=_("every converter, in service or not"))
    q.add_argument("--json", action="store_true", help=_("machine-readable output"))
    q = actions.add_parser("add", help=_("add a converter"))
    q.add_argument("code", metavar="CODE")
    q.add_argument("--name", required=True, metavar="NAME")
    q.add_argument("--heat-t", dest="heat_t", metavar="T", help=_("nominal heat size, tonnes"))
    q = actions.add_parser("rename", help=_("give a converter another name (its code stays)"))
    q.add_argument("code", metavar="CODE")
    q.add_argument("--name", required=True, metavar="NAME")
    q = actions.add_parser("retire", help=_("take a converter out of service (its heats stay)"))
    q.add_argument("code", metavar="CODE")
    q.add_argument("--reason")
    q = actions.add_parser("reinstate", help=_("put a retired converter back into service"))
    q.add_argument("code", metavar="CODE")
    q.add_argument("--reason")


def _shifts_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="setup_action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help=_("the shifts and when each starts"))
    q.add_argument("--json", action="store_true", help=_("machine-readable output"))
    q = actions.add_parser("set", help=_("replace the schedule: the shifts in the order they work, the "
                                         "first starting the production day, e.g. night=00:00 "
                                         "day=08:00 evening=16:00"))
    q.add_argument("shifts", nargs="+", metavar="CODE=HH:MM",
                   help=_("each shift and when it starts, in the order they work; the first starts the "
                          "production day (at 12:00 or later: the evening before)"))
    q.add_argument("--name", action="append", default=[], metavar="CODE=NAME",
                   help=_("a shift's English name (needed for a new shift)"))
    q.add_argument("--zh", action="append", default=[], metavar="CODE=NAME",
                   help=_("a shift's Chinese name (needed for a new shift)"))


def _defects_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="setup_action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help=_("every defect, in use or retired"))
    q.add_argument("--json", action="store_true", help=_("machine-readable output"))
    _import_arguments(actions.add_parser(
        "import", help=_("add and change defects from a CSV file (all or nothing)")))
    _export_arguments(actions.add_parser("export", help=_("write the catalogue to a CSV file")))


def _standards_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--grade")
    p.add_argument("--json", action="store_true")
    actions = p.add_subparsers(dest="setup_action", metavar="ACTION")
    q = actions.add_parser("list", help=_("grades, standard editions and their limits"))
    q.add_argument("--grade")
    q.add_argument("--json", action="store_true", help=_("machine-readable output"))
    q = actions.add_parser("import", help=_("add grades and standard editions from a CSV file, one row "
                                            "per limit (all or nothing)"))
    _import_arguments(q)
    q.add_argument("--reason", help=_("why new editions apply to heats of signed shifts or days whose "
                                      "verdict they change"))
    _export_arguments(actions.add_parser("export", help=_("write every edition to a CSV file, one row "
                                                          "per limit")))


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--encoding", help=_("the file's encoding (default: UTF-8 or GB18030, detected)"))


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--force", action="store_true", help=_("replace FILE if it exists"))


# A subcommand on the command line: its name, its help (in English, translated when the parser is
# made) and what adds its arguments. `qcdesk.cli.SUBCOMMANDS` lists these among the others; the
# shape is declared here because the command line imports this module, not this module it.
Subcommand = tuple[str, str, Callable[[argparse.ArgumentParser], None]]
SUBCOMMANDS: tuple[Subcommand, ...] = (
    ("converters", N_("the workshop's converters: list, add, rename, retire"), _converters_arguments),
    ("shifts", N_("the shift schedule"), _shifts_arguments),
    ("defects", N_("the defect catalogue: list, import, export"), _defects_arguments),
    ("standards", N_("grades, standard editions and their limits"), _standards_arguments),
)


def _print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --------------------------------------------------------------- converters

def cmd_converters(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk.cli import render_table  # noqa: PLC0415 - the command line loads this module
    from qcdesk.numbers import NOMINAL_HEAT_T, format_number, parse_optional  # noqa: PLC0415

    action = args.setup_action
    if action == "list":
        converters = store.converters()
        if args.json:
            _print_json([{"code": c.code, "name": c.name, "nominal_t": c.nominal_t, "active": c.active}
                         for c in converters], out)
            return 0
        rows = [[c.code, c.name, "" if c.nominal_t is None else format_number(c.nominal_t),
                 _("in service") if c.active else _("retired")] for c in converters]
        out.write(render_table([_("code"), _("converter name"), _("nominal") + "\nt", _("status")], rows,
                               [False, False, True, False]) + "\n")
        return 0
    if action == "add":
        nominal = parse_optional(args.heat_t, "--heat-t", NOMINAL_HEAT_T)
        conv = store.add_converter(args.code, args.name, nominal)
        out.write(_("Converter {code} added: {name}.").format(code=conv.code, name=conv.name) + "\n")
        return 0
    if action == "rename":
        conv = store.update_converter(args.code, name=args.name)
        out.write(_("Converter {code} is named {name}.").format(code=conv.code, name=conv.name) + "\n")
        return 0
    active = action == "reinstate"
    before = store.converter(args.code)
    if before.active == active:
        said = (_("Converter {code} is already in service; nothing changed.") if active else
                _("Converter {code} is already retired; nothing changed."))
        out.write(said.format(code=before.code) + "\n")
        return 0
    conv = store.update_converter(args.code, active=active, reason=args.reason)
    out.write((_("Converter {code} is back in service.") if active else
               _("Converter {code} is retired: no new heats on it; its heats stay as they are.")).format(
        code=conv.code) + "\n")
    return 0


# ------------------------------------------------------------------- shifts

def _pairs(items: Sequence[str], option: str) -> dict[str, str]:
    """`CODE=TEXT` options as a mapping; InputError naming the option for a malformed one."""
    found: dict[str, str] = {}
    for item in items:
        code, eq, text = unicodedata.normalize("NFKC", item).partition("=")
        if not eq or not code.strip():
            raise InputError(f"{option} {item}", _("write it as CODE=NAME, e.g. night=Night"))
        if code.strip() in found:
            raise InputError(f"{option} {item}", _("shift {code} is named twice").format(code=code.strip()))
        found[code.strip()] = text
    return found


def parse_schedule(items: Sequence[str], current: Sequence[Shift], names: Sequence[str] = (),
                   names_zh: Sequence[str] = ()) -> list[tuple[str, str, str, int]]:
    """`CODE=HH:MM` items, in the order the shifts work, as the schedule `Store.set_shifts` takes:
    (code, English, 中文, start minute from the production date's midnight).

    The first shift starts the production day: at 12:00 or later it starts the evening before
    (a night shift from 22:00 belongs to the next production date); each later one starts at
    the first such time after the one before it. A shift keeps its names unless `names` or
    `names_zh` (`CODE=NAME` items) give others; a new one needs both. InputError names the
    item that is wrong."""
    english, chinese = _pairs(names, "--name"), _pairs(names_zh, "--zh")
    known = {s.code: s for s in current}
    schedule: list[tuple[str, str, str, int]] = []
    for item in items:
        code, eq, clock = unicodedata.normalize("NFKC", item).partition("=")
        code, clock = code.strip(), clock.strip()
        field = repr(item)
        if not eq or not code:
            raise InputError(field, _("write each shift as CODE=HH:MM, e.g. night=00:00"))
        match = _CLOCK.fullmatch(clock)
        if not match:
            raise InputError(field, _("{clock!r} is not a time of day: write HH:MM, from 00:00 to 23:59")
                             .format(clock=clock))
        minute = int(match[1]) * 60 + int(match[2])
        if not schedule:
            start = minute if minute < 12 * 60 else minute - DAY_MIN
        else:
            before = schedule[-1]
            if (before[3] - minute) % DAY_MIN == 0:
                raise InputError(field, _("starts when shift {code} starts").format(code=before[0]))
            start = minute + DAY_MIN * ((before[3] - minute) // DAY_MIN + 1)  # the first such time after
            if start >= schedule[0][3] + DAY_MIN:
                raise InputError(field, _(
                    "at {clock} the next production day has begun (shift {first} starts it at {first_clock}):"
                    " list the shifts in the order they work, from the one that starts the production "
                    "day").format(clock=clock, first=schedule[0][0],
                                  first_clock=_clock(schedule[0][3])))
        if any(code == s[0] for s in schedule):
            raise InputError(field, _("shift {code} is named twice").format(code=code))
        old = known.get(code)
        en = english.get(code, old.name_en if old else None)
        zh = chinese.get(code, old.name_zh if old else None)
        if en is None or zh is None:
            raise InputError(field, _("{code} is a new shift: give its names with --name {code}=NAME and "
                                      "--zh {code}=NAME").format(code=code))
        schedule.append((code, en, zh, start))
    for option, given in (("--name", english), ("--zh", chinese)):
        for code in given.keys() - {s[0] for s in schedule}:
            raise InputError(f"{option} {code}={given[code]}", _(
                "there is no shift {code!r} in the schedule given").format(code=code))
    return schedule


def _clock(minutes: int) -> str:
    return f"{(minutes % DAY_MIN) // 60:02d}:{minutes % 60:02d}"


def _starts(minutes: int) -> str:
    """A start as the shift list shows it: '22:00 (day before)', '00:00 (next day)'."""
    if minutes < 0:
        return _("{clock} (day before)").format(clock=_clock(minutes))
    if minutes >= DAY_MIN:
        return _("{clock} (next day)").format(clock=_clock(minutes))
    return _clock(minutes)


def _shift_table(shifts: Sequence[Shift]) -> str:
    from qcdesk.cli import render_table  # noqa: PLC0415 - the command line loads this module

    rows = [[s.code, s.name_en, s.name_zh, _starts(s.start_min)] for s in shifts]
    line = "qcdesk shifts set " + " ".join(f"{s.code}={_clock(s.start_min)}" for s in shifts)
    return (render_table([_("code"), _("English name"), _("Chinese name"), _("starts at")], rows,
                         [False] * 4) + "\n\n" + _("As a command: {line}").format(line=line))


def cmd_shifts(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    if args.setup_action == "list":
        shifts = store.shifts()
        if args.json:
            _print_json([{"code": s.code, "name_en": s.name_en, "name_zh": s.name_zh,
                          "starts_at": _clock(s.start_min), "day": (s.start_min // DAY_MIN),
                          "start_min": s.start_min} for s in shifts], out)
            return 0
        out.write(_shift_table(shifts) + "\n")
        return 0
    schedule = parse_schedule(args.shifts, store.shifts(), args.name, args.zh)
    shifts = store.set_shifts(schedule)
    out.write(_shift_table(shifts) + "\n")
    out.write(_("The schedule is saved. Heats already saved keep their shift and production date; "
                "it applies to heats saved from now on.") + "\n")
    return 0


# ------------------------------------------------------------------ defects

def cmd_defects(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import setup_io  # noqa: PLC0415 - loaded when run (start-up)
    from qcdesk.cli import render_table  # noqa: PLC0415 - the command line loads this module

    if args.setup_action == "import":
        done = setup_io.import_defects(store, args.file, encoding=args.encoding)
        out.write(_("{file}: {added} defect(s) added, {changed} changed, {unchanged} unchanged.").format(
            file=args.file, added=done.added, changed=done.changed, unchanged=done.unchanged) + "\n")
        return 0
    if args.setup_action == "export":
        n = setup_io.export_defects(store, args.file, force=args.force)
        out.write(_("{n} defect(s) written to {file}.").format(n=n, file=args.file) + "\n")
        return 0
    defects = store.defects()
    if args.json:
        _print_json([{"code": d.code, "name_en": d.name_en, "name_zh": d.name_zh, "category": d.category,
                      "active": d.active} for d in defects], out)
        return 0
    rows = [[d.code, d.name_en, d.name_zh, _(d.category), _("in use") if d.active else _("retired")]
            for d in defects]
    out.write(render_table([_("code"), _("English name"), _("Chinese name"), _("category"), _("status")],
                           rows, [False] * 5) + "\n")
    return 0


# ---------------------------------------------------------------- standards

def cmd_standards(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from qcdesk import cli, setup_io  # noqa: PLC0415 - loaded when run (start-up)

    if args.setup_action == "import":
        try:
            done = setup_io.import_standards(store, args.file, encoding=args.encoding, reason=args.reason)
        except ReasonRequired as exc:
            raise ReasonRequired(_("{error}; give it with --reason TEXT (nothing was imported)").format(
                error=exc)) from exc
        if done.grades_added:
            out.write(_("{n} grade(s) added: {grades}.").format(
                n=len(done.grades_added), grades=", ".join(done.grades_added)) + "\n")
        out.write(_("{file}: {added} edition(s) added, {unchanged} already in the database.").format(
            file=args.file, added=done.added, unchanged=done.unchanged) + "\n")
        return 0
    if args.setup_action == "export":
        n = setup_io.export_standards(store, args.file, force=args.force)
        out.write(_("{n} edition(s) written to {file}.").format(n=n, file=args.file) + "\n")
        return 0
    return cli.cmd_standards(store, args, out)


COMMANDS: dict[str, Callable[[Store, argparse.Namespace, TextIO], int]] = {
    "converters": cmd_converters, "shifts": cmd_shifts, "defects": cmd_defects, "standards": cmd_standards,
}

