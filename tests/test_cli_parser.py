"""The command line reads the same while each run builds only the parser it needs (issue 17).

A run that names a command builds that command's arguments alone; one that names none, misspells
it or asks for the top-level help builds every command's name and help. What a person sees must
not change: every help at every level, every usage error, in English and in Chinese.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcdesk._zh import ZH
from qcdesk.cli import build_parser, main
from qcdesk.i18n import set_language
from reports._zh import ZH as REPORTS_ZH
from ui.launcher import EXTENSIONS

# Every command, in the order the top-level help lists them, with its help in English.
COMMANDS = [
    ("rates", "qualified rates over a date range"),
    ("check", "a heat's chemistry against its standard"),
    ("heats", "the heats of a date range"),
    ("converters", "the workshop's converters: list, add, rename, retire"),
    ("shifts", "the shift schedule"),
    ("defects", "the defect catalogue: list, import, export"),
    ("standards", "grades, standard editions and their limits"),
    ("history", "the audit log of a heat (or of everything)"),
    ("demo", "fill an empty database with February 1959 of a demo workshop"),
    ("import", "import heats or ingots from a CSV file (all or nothing)"),
    ("export", "export heats or ingots to a CSV file in the import format"),
    ("tolerances", "the editions of the product-analysis tolerances (GB/T 222)"),
    ("workshop", "the workshop's name, printed on every sheet and report"),
    ("plan", "the production plan of a month or quarter"),
    ("info", "where the database is and what it holds"),
    ("user", "people who sign in, and their roles"),
    ("sign", "close a shift (inspector) or approve a day (workshop head)"),
    ("signoff", "whether a day and its shifts are signed"),
    ("void", "void a heat or an ingot entered by mistake (kept, with the reason)"),
    ("alerts", "the off-grade announcements of the last 7 days, and their dismissal"),
    ("verify", "check the database file, the audit chain, every record against its audit trail and "
               "every signature"),
    ("backup", "back up the database to FILE (safe while others work)"),
    ("restore", "replace the database by a backup (the old one is kept aside)"),
    ("migrate", "copy the database to a PostgreSQL server or back to a file (--to); without --to, bring "
                "its schema up to date"),
    ("plant", "plant mode: set up a PostgreSQL server for every desk"),
    ("report", "a printable PDF: a heat's inspection sheet, the daily, a period's or the plant's quality "
               "report"),
]
NAMES = [name for name, _help in COMMANDS]
RATES_USAGE = ("usage: qcdesk rates [-h] --from DATE --to DATE [--by KEYS] [--basis {weight,count}] [--json] "
               "[--plant]")

HEATS_CSV = """\
heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S,Cr
24A001,1,2024-03-05 09:00,Q235B,30,1620,Wang,0.20,0.25,0.50,0.045,0.030,0.10
24B001,2,2024-03-05 02:00,Q235B,25,1610,Li,0.25,0.25,0.50,0.030,0.030,
"""


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each help on one line, whatever terminal runs the tests."""
    monkeypatch.setenv("COLUMNS", "250")


def qcdesk(*argv: str) -> tuple[int, str, str]:
    """`qcdesk ARGV` as the installed command runs it (with the report command), never the window."""
    set_language(None)  # a process runs one command: the language of the one before is not kept
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err, extensions=EXTENSIONS)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def listed(help_text: str) -> list[tuple[str, str]]:
    """The commands a top-level help lists, with their help, in order."""
    found = []
    for line in help_text.splitlines():
        name, _space, text = line.strip().partition(" ")
        if line.startswith("    ") and not line.startswith("     ") and name in NAMES:
            found.append((name, text.strip()))
    return found


@pytest.mark.parametrize("argv", [["--help"], ["-h"], [], ["-h", "rates"], ["--he", "plan", "set"]],
                         ids=str)
def test_the_top_level_help_lists_every_command_with_its_help(argv: list[str]) -> None:
    code, out, err = qcdesk(*argv)
    assert (code, err) == (0, "")
    assert out.startswith("usage: qcdesk [-h] [--db PATH] [--user NAME] [--lang {en,zh}] [--workshop CODE] "
                          "COMMAND ...")
    assert listed(out) == COMMANDS
    assert "language of messages and tables" in out


def test_the_top_level_help_in_chinese_lists_every_command_with_its_chinese_help() -> None:
    code, out, err = qcdesk("--lang", "zh", "--help")
    assert (code, err) == (0, "")
    chinese = [(name, ZH.get(text) or REPORTS_ZH[text]) for name, text in COMMANDS]
    assert listed(out) == chinese
    assert "信息和表格的语言" in out


@pytest.mark.parametrize(("argv", "word"), [
    (["ratez"], "ratez"), (["--db", "x.sqlite", "ratez", "--from", "2024-03-05"], "ratez"),
    (["--lang=zh", "Rates"], "Rates"), (["--db", "rates"], None), (["--", "rates"], "--"),
], ids=str)
def test_a_misspelt_command_is_an_invalid_choice_listing_every_command(argv: list[str], word: str | None
                                                                       ) -> None:
    code, out, err = qcdesk(*argv)
    if word is None:  # `rates` is the database's name here: no command, so the help
        assert (code, err) == (0, "")
        assert listed(out) == COMMANDS
        return
    assert (code, out) == (2, "")
    choices = ", ".join(f"'{name}'" for name in NAMES)
    assert err.splitlines() == [
        "usage: qcdesk [-h] [--db PATH] [--user NAME] [--lang {en,zh}] [--workshop CODE] COMMAND ...",
        f"qcdesk: error: argument COMMAND: invalid choice: '{word}' (choose from {choices})"]


def test_rates_help_shows_its_options() -> None:
    code, out, err = qcdesk("--db", "x.sqlite", "rates", "--help")
    assert (code, err) == (0, "")
    assert out.startswith(RATES_USAGE + "\n")
    assert ("  --by KEYS             group by a comma-separated combination of: day, month, year, shift, "
            "converter, grade\n") in out
    assert "which basis leads in the table (both are always computed)" in out
    assert "  --json                machine-readable output\n" in out


@pytest.mark.parametrize("columns", ["50", "72", "120"])
def test_help_wraps_at_the_terminals_width_as_argparse_wraps_it(monkeypatch: pytest.MonkeyPatch,
                                                               columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    code, out, _err = qcdesk("rates", "--help")
    assert code == 0
    # the same options laid out by argparse's own formatter, which asks shutil for the width
    plain = argparse.ArgumentParser(prog="qcdesk rates")
    for action in build_parser(EXTENSIONS, ["rates"])._subparsers._group_actions[0].choices[  # type: ignore[union-attr]
            "rates"]._actions[1:]:
        plain._add_action(action)
    assert out == plain.format_help()
    assert max(len(line) for line in out.splitlines()) <= int(columns) - 2
    assert "  --by KEYS" in out


def test_a_sub_actions_help_shows_its_options_in_english_and_chinese() -> None:
    code, out, err = qcdesk("plan", "set", "--help")  # its --rate help has a %, which once crashed it
    assert (code, err) == (0, "")
    assert out.startswith("usage: qcdesk plan set [-h] [--output TONNES] [--rate PERCENT] PERIOD")
    assert "  --output TONNES  tonnes of steel" in out
    assert "  --rate PERCENT   target ingot qualified rate, % by weight" in out
    code, out, err = qcdesk("--lang", "zh", "plan", "set", "-h")
    assert (code, err) == (0, "")
    assert "  --rate PERCENT   目标钢锭合格率，按重量 %" in out

    code, out, err = qcdesk("report", "daily", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: qcdesk report daily [-h] [-o FILE] [--force] DATE")
    assert ("  -o FILE, --output FILE\n"
            "                        PDF file to write (default: daily-<date>.pdf here)\n") in out
    code, out, err = qcdesk("--lang", "zh", "report", "--help")
    assert (code, err) == (0, "")
    assert "    daily     " + REPORTS_ZH["the daily quality report of a production date"] + "\n" in out


def test_a_usage_error_in_a_command_names_the_commands_usage() -> None:
    code, out, err = qcdesk("--db=x.sqlite", "rates", "--from", "2024-03-05")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        RATES_USAGE,
        "qcdesk rates: error: the following arguments are required: --to"]
    code, out, err = qcdesk("plant", "workshop", "add")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == ("qcdesk plant workshop add: error: the following arguments are required: "
                                    "CODE")
    code, out, err = qcdesk("plan", "sett")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == ("qcdesk plan: error: argument ACTION: invalid choice: 'sett' "
                                    "(choose from 'set', 'remove', 'list')")
    code, out, err = qcdesk("--bogus", "rates", "--from", "2024-03-05", "--to", "2024-03-05")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "qcdesk: error: unrecognized arguments: --bogus"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two heats of 5 March 2024 (30 t and 25 t) in a database called `rates`, in the current folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "heats.csv").write_text(HEATS_CSV, encoding="utf-8")
    code, _out, err = qcdesk("--db", "rates", "import", "heats", "heats.csv")
    assert (code, err) == (0, "")
    return tmp_path / "rates"


@pytest.mark.parametrize("options", [["--db", "rates"], ["--db=rates"], ["--d", "rates"], ["--d=rates"],
                                     ["--lang", "en", "--db", "rates"], ["--db", "rates", "--user", "rates"]],
                         ids=str)
def test_the_global_options_name_the_database_however_written(shop: Path, options: list[str]) -> None:
    code, out, err = qcdesk(*options, "rates", "--from", "2024-03-05", "--to", "2024-03-05", "--json")
    assert (code, err) == (0, "")
    total = json.loads(out)["total"]
    assert (total["heats"], total["output_t"]) == (2, 30 + 25)


@pytest.mark.parametrize("options", [["--lang", "zh"], ["--lang=zh"], ["--la", "zh"]], ids=str)
def test_rates_in_chinese(shop: Path, options: list[str]) -> None:
    code, out, err = qcdesk(*options, "--db", "rates", "rates", "--from", "2024-03-05", "--to", "2024-03-05")
    assert (code, err) == (0, "")
    head, unit, _rule, total = out.splitlines()[:4]
    assert (head.split()[0], unit.split()[0]) == (ZH["output"], ZH["heats"])
    # 2 heats, 55 t, no ingots; 24A001 conforms, 24B001 fails on C: 1 of 2 heats, 30 of 55 t
    assert total.split() == ["2", "55.0", "0.0", "0.0", "0.0", "—", "—", "—", "50.0%", "54.5%"]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A parser's subcommands (or sub-actions) by name, as argparse keeps them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and sub-action of a parser, as the words that name it."""
    yield path
    for name, sub in _subcommands(parser).items():
        yield from _paths(sub, (*path, name))


PATHS = list(_paths(build_parser(EXTENSIONS)))


def test_a_run_builds_only_its_commands_arguments() -> None:
    parser = build_parser(EXTENSIONS, ["--db", "x", "rates", "--from", "2024-03-05", "--to", "2024-03-05"])
    assert list(_paths(parser)) == [(), ("rates",)]
    parser = build_parser(EXTENSIONS, ["--db", "x", "--help"])
    assert list(_paths(parser)) == [(), *((name,) for name in NAMES)]
    assert len(PATHS) > 60  # every sub-action, when the whole command line is built


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_every_help_reads_as_the_whole_command_lines(path: tuple[str, ...], lang: str) -> None:
    """Each help of a run equals the one the whole command line, built at once, gives."""
    argv = ["--lang", lang, *path, "--help"]
    code, out, err = qcdesk(*argv)
    assert (code, err) == (0, "")
    set_language(lang)  # as the run's parser was made
    whole = build_parser(EXTENSIONS)
    for word in path:
        whole = _subcommands(whole)[word]
    assert out == whole.format_help()
