"""CSV import and export of heats and ingots (qcdesk.csvio).

Every refused file must name each bad cell by line and column (number and
name) and leave the database exactly as it was: a full dump of its contents (and
a SQLite file's bytes) are compared before and after.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from qcdesk import csvio
from qcdesk.errors import ImportRefused, QcError, RowProblem
from qcdesk.model import ChemStatus, Disposition, IngotDefect, Location
from qcdesk.store import NewHeat, NewIngot, Store, postgres

HEAT_COLS = ("heat_no", "converter", "tapped_at", "grade", "tap_weight_t", "tap_temp_c", "inspector",
             "C", "Si", "Mn", "P", "S")
INGOT_COLS = ("heat_no", "ingot_no", "weight_kg", "disposition", "defects", "inspector")

# Column numbers of the files these tests write (1-based, as a user counts them).
HEAT_COL_NO = {"heat_no": 1, "converter": 2, "tapped_at": 3, "grade": 4, "tap_weight_t": 5,
               "tap_temp_c": 6, "inspector": 7, "C": 8, "Si": 9, "Mn": 10, "P": 11, "S": 12}
INGOT_COL_NO = {"heat_no": 1, "ingot_no": 2, "weight_kg": 3, "disposition": 4, "defects": 5,
                "inspector": 6}

DAY = date(2024, 3, 5)


# ----------------------------------------------------------------- helpers

def heat_cells(heat_no: str, /, **cells: str) -> list[str]:
    """A good Q235B heat (conforming analysis), with some cells replaced."""
    row = {"heat_no": heat_no, "converter": "1", "tapped_at": "2024-03-05 09:00", "grade": "Q235B",
           "tap_weight_t": "30", "tap_temp_c": "1600", "inspector": "Wang",
           "C": "0.18", "Si": "0.25", "Mn": "0.50", "P": "0.030", "S": "0.030"}
    row.update(cells)
    return [row[c] for c in HEAT_COLS]


def ingot_cells(heat_no: str, ingot_no: str, /, **cells: str) -> list[str]:
    row = {"heat_no": heat_no, "ingot_no": ingot_no, "weight_kg": "1000", "disposition": "accepted",
           "defects": "", "inspector": "Wang"}
    row.update(cells)
    return [row[c] for c in INGOT_COLS]


def csv_text(rows: Sequence[Sequence[str]], newline: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def heats_file(tmp_path: Path, *rows: Sequence[str], name: str = "heats.csv") -> Path:
    return write(tmp_path / name, csv_text([HEAT_COLS, *rows]))


def ingots_file(tmp_path: Path, *rows: Sequence[str], name: str = "ingots.csv") -> Path:
    return write(tmp_path / name, csv_text([INGOT_COLS, *rows]))


def snapshot(store: Store, db_path: Path | str) -> tuple[bytes, list[str]]:
    """The database file's bytes (a SQLite file; nothing on a server) and its full dump, with
    no transaction open."""
    assert not store.conn.in_transaction
    file = db_path.read_bytes() if isinstance(db_path, Path) else b""
    return file, list(store.conn.iterdump())


def refused(store: Store, db_path: Path | str, importer: Callable[..., int], path: Path,
            **kwargs: object) -> list[RowProblem]:
    """Import `path`, expect it refused whole, check the database did not change."""
    before = snapshot(store, db_path)
    with pytest.raises(ImportRefused) as info:
        importer(store, path, **kwargs)
    after = snapshot(store, db_path)
    assert after[0] == before[0], "the database file changed"
    assert after[1] == before[1], "the database contents changed"
    assert "nothing imported" in str(info.value)
    return info.value.problems


def where(problems: Sequence[RowProblem]) -> list[tuple[int, int | None, str | None]]:
    return [(p.line, p.column, p.column_name) for p in problems]


@pytest.fixture
def heats_saved(store: Store, tmp_path: Path) -> Store:
    """H1 (converter 1) and H2 (converter 2) saved, H1 with ingot 1 already judged."""
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1"),
                                         heat_cells("H2", converter="2", tapped_at="2024-03-05 10:00"),
                                         name="setup-heats.csv"))
    csvio.import_ingots(store, ingots_file(tmp_path, ingot_cells("H1", "1"), name="setup-ingots.csv"))
    return store


# ------------------------------------------------- heats: one bad cell each

BAD_HEAT_CELLS = [
    # (cells replaced on line 3, column refused, words of the message)
    pytest.param({"tap_weight_t": "nan"}, "tap_weight_t", "not a plain decimal", id="weight-nan"),
    pytest.param({"tap_weight_t": "inf"}, "tap_weight_t", "not a plain decimal", id="weight-inf"),
    pytest.param({"tap_temp_c": "1_600"}, "tap_temp_c", "not a plain decimal", id="temp-underscore"),
    pytest.param({"tap_temp_c": "1e3"}, "tap_temp_c", "not a plain decimal", id="temp-exponent"),
    pytest.param({"tap_weight_t": "30,5"}, "tap_weight_t", "point as the decimal separator",
                 id="weight-decimal-comma"),
    pytest.param({"tap_weight_t": ""}, "tap_weight_t", "a number is needed", id="weight-empty"),
    pytest.param({"heat_no": ""}, "heat_no", "must not be empty", id="heat-no-empty"),
    pytest.param({"converter": ""}, "converter", "must not be empty", id="converter-empty"),
    pytest.param({"tapped_at": ""}, "tapped_at", "YYYY-MM-DD HH:MM", id="tapped-at-empty"),
    pytest.param({"grade": ""}, "grade", "must not be empty", id="grade-empty"),
    pytest.param({"inspector": "  "}, "inspector", "must not be empty", id="inspector-blank"),
    # physical ranges, just past each end (tapped weight 0 < w ≤ 400 t)
    pytest.param({"tap_weight_t": "0"}, "tap_weight_t", "out of range", id="weight-zero"),
    pytest.param({"tap_weight_t": "-1"}, "tap_weight_t", "out of range", id="weight-negative"),
    pytest.param({"tap_weight_t": "400.01"}, "tap_weight_t", "out of range", id="weight-over-400"),
    pytest.param({"tap_temp_c": "999.9"}, "tap_temp_c", "out of range", id="temp-under-1000"),
    pytest.param({"tap_temp_c": "1900.1"}, "tap_temp_c", "out of range", id="temp-over-1900"),
    pytest.param({"C": "-0.01"}, "C", "out of range", id="carbon-negative"),
    pytest.param({"S": "100.01"}, "S", "out of range", id="sulphur-over-100"),
    pytest.param({"Mn": "nan"}, "Mn", "not a plain decimal", id="manganese-nan"),
    # dates and times that do not exist, or are not written YYYY-MM-DD HH:MM
    pytest.param({"tapped_at": "2020-02-30 09:00"}, "tapped_at", "exists", id="feb-30"),
    pytest.param({"tapped_at": "2021-02-29 09:00"}, "tapped_at", "exists", id="feb-29-not-leap"),
    pytest.param({"tapped_at": "2024-03-05 25:00"}, "tapped_at", "exists", id="hour-25"),
    pytest.param({"tapped_at": "2024-03-05 09:60"}, "tapped_at", "exists", id="minute-60"),
    pytest.param({"tapped_at": "2024-13-01 09:00"}, "tapped_at", "exists", id="month-13"),
    pytest.param({"tapped_at": "2024/03/05 09:00"}, "tapped_at", "YYYY-MM-DD HH:MM", id="slashes"),
    pytest.param({"tapped_at": "05.03.2024 09:00"}, "tapped_at", "YYYY-MM-DD HH:MM", id="day-first"),
    pytest.param({"tapped_at": "2024-3-5 9:00"}, "tapped_at", "YYYY-MM-DD HH:MM", id="no-zero-padding"),
    pytest.param({"tapped_at": "2024-03-05"}, "tapped_at", "YYYY-MM-DD HH:MM", id="date-without-time"),
    pytest.param({"tapped_at": "2024-03-05 09:00:30"}, "tapped_at", "YYYY-MM-DD HH:MM", id="seconds"),
    pytest.param({"tapped_at": "2024-03-05T09:00"}, "tapped_at", "YYYY-MM-DD HH:MM", id="iso-t"),
    # reference data
    pytest.param({"converter": "9"}, "converter", "no converter '9'", id="unknown-converter"),
    pytest.param({"grade": "Q999"}, "grade", "no grade 'Q999'", id="unknown-grade"),
]


@pytest.mark.parametrize(("cells", "column", "says"), BAD_HEAT_CELLS)
def test_bad_heat_cell_is_named_and_nothing_is_imported(store: Store, db_path: Path, tmp_path: Path, *,
                                                         cells: dict[str, str], column: str,
                                                         says: str) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("H2", **cells), heat_cells("H3"))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, HEAT_COL_NO[column], column)]
    assert says in problems[0].problem
    assert str(problems[0]).startswith(f"line 3, column {HEAT_COL_NO[column]} ({column}): ")
    assert store.counts()["heat"] == 0


# Texts that are not finite plain decimals, though Python's float() or a
# spreadsheet might read some of them; each would be in range if it were read.
NOT_DECIMALS = ["nan", "NaN", "-nan", "inf", "+inf", "-inf", "Infinity", "1_000", "1e3", "1E-2",
                "0x10", "1 000", "1.5.1", "--1", "½", "30t", "١٢"]


@pytest.mark.parametrize("text", NOT_DECIMALS)
@pytest.mark.parametrize("column", ["tap_weight_t", "tap_temp_c", "S"])
def test_number_grammar_refuses_everything_but_finite_decimals(store: Store, db_path: Path,
                                                                tmp_path: Path, text: str,
                                                                column: str) -> None:
    path = heats_file(tmp_path, heat_cells("H1", **{column: text}))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(2, HEAT_COL_NO[column], column)]


def test_range_ends_themselves_are_accepted(store: Store, tmp_path: Path) -> None:
    """400 t, 1000 °C, 1900 °C, 0 and 100 mass % are inside their ranges (bounds inclusive)."""
    path = heats_file(tmp_path,
                      heat_cells("H1", tap_weight_t="400", tap_temp_c="1000", C="0", S="100"),
                      heat_cells("H2", tap_weight_t="0.001", tap_temp_c="1900"))
    assert csvio.import_heats(store, path) == 2
    h1, h2 = store.heat("H1"), store.heat("H2")
    assert (h1.tap_weight_t, h1.tap_temp_c, h1.analysis["C"], h1.analysis["S"]) == (400, 1000, 0, 100)
    assert (h2.tap_weight_t, h2.tap_temp_c) == (0.001, 1900)


def test_29_february_of_a_leap_year_exists(store: Store, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1", tapped_at="2024-02-29 23:59"))
    assert csvio.import_heats(store, path) == 1
    assert store.heat("H1").tapped_at == datetime(2024, 2, 29, 23, 59)


# ---------------------------------------------- heats: whole-file problems

def test_heat_already_in_database(heats_saved: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H3"), heat_cells("H1"))
    problems = refused(heats_saved, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, 1, "heat_no")]
    assert "H1 is already in the database" in problems[0].problem


def test_heat_twice_in_file(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("H2"), heat_cells("H1"))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(4, 1, "heat_no")]
    assert "also on line 2" in problems[0].problem


def test_unknown_element_column(store: Store, db_path: Path, tmp_path: Path) -> None:
    text = csv_text([[*HEAT_COLS, "Xy"], [*heat_cells("H1"), "0.1"]])
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert where(problems) == [(1, 13, "Xy")]
    assert "unknown column" in problems[0].problem


def test_miscased_element_column_is_refused_with_the_right_symbol(store: Store, db_path: Path,
                                                                   tmp_path: Path) -> None:
    """'SI' is not silicon's symbol: the import must not guess (SI could be S and I)."""
    cols = ["SI" if c == "Si" else c for c in HEAT_COLS]
    text = csv_text([cols, heat_cells("H1")])
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert where(problems) == [(1, 9, "SI")]
    assert "'Si'" in problems[0].problem


def test_column_named_twice(store: Store, db_path: Path, tmp_path: Path) -> None:
    text = csv_text([[*HEAT_COLS, "C"], [*heat_cells("H1"), "0.19"]])
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert where(problems) == [(1, 13, "C")]  # the second C, where the user must look
    assert "named twice" in problems[0].problem


@pytest.mark.parametrize(("header", "number"), [
    ([*HEAT_COLS, ""], 13),                       # a trailing comma, as spreadsheets leave
    ([*HEAT_COLS[:3], "", *HEAT_COLS[3:]], 4),    # a blank column in the middle
])
def test_column_without_a_name_is_located(store: Store, db_path: Path, tmp_path: Path,
                                          header: list[str], number: int) -> None:
    row = heat_cells("H1")
    row.insert(number - 1, "")
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", csv_text([header, row])))
    assert [(p.line, p.column) for p in problems] == [(1, number)]
    assert str(problems[0]).startswith(f"line 1, column {number} ")


@pytest.mark.parametrize("missing", ["heat_no", "grade", "tap_temp_c", "inspector"])
def test_missing_required_column_is_named(store: Store, db_path: Path, tmp_path: Path,
                                          missing: str) -> None:
    keep = [i for i, c in enumerate(HEAT_COLS) if c != missing]
    rows = [[HEAT_COLS[i] for i in keep], [heat_cells("H1")[i] for i in keep]]
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", csv_text(rows)))
    assert [p.line for p in problems] == [1]
    assert f"the column '{missing}' is missing" in problems[0].problem
    assert str(problems[0]).startswith("line 1: ")


@pytest.mark.parametrize("cells", [11, 13], ids=["one-cell-short", "one-cell-too-many"])
def test_row_with_the_wrong_number_of_cells(store: Store, db_path: Path, tmp_path: Path,
                                            cells: int) -> None:
    good = heat_cells("H2")
    bad = [*heat_cells("H3"), "0.1"][:cells]
    path = heats_file(tmp_path, heat_cells("H1"), bad, good)
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, None, None)]
    assert f"{cells} cells where the header names 12" in problems[0].problem


def test_empty_file_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", ""))
    assert [p.line for p in problems] == [1]
    assert "empty" in problems[0].problem


def test_unclosed_quote_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    text = csv_text([HEAT_COLS, heat_cells("H1")]) + 'H2,1,"2024-03-05 09:00,Q235B\n'
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert [p.line for p in problems] == [3]


def test_every_bad_row_of_a_heats_file_is_listed(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(
        tmp_path,
        heat_cells("H1"),                                      # line 2: good
        heat_cells("H2", tap_weight_t="nan"),                  # line 3
        heat_cells("H3", tapped_at="2020-02-30 08:00"),        # line 4
        heat_cells("H4"),                                      # line 5: good
        heat_cells("H5", converter="7", grade="Q999"),         # line 6: two cells
        heat_cells("H6", C="1_000", tap_temp_c="2000"),        # line 7: two cells
        heat_cells("H1"),                                      # line 8: H1 again
        heat_cells("H8", inspector=""),                        # line 9
    )
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [
        (3, 5, "tap_weight_t"),
        (4, 3, "tapped_at"),
        (6, 2, "converter"), (6, 4, "grade"),
        (7, 6, "tap_temp_c"), (7, 8, "C"),
        (8, 1, "heat_no"),
        (9, 7, "inspector"),
    ]


def test_line_numbers_count_blank_lines_and_multiline_cells(store: Store, db_path: Path,
                                                            tmp_path: Path) -> None:
    """A record spread over lines 2-3 (a line break inside a quoted cell, itself refused)
    is named by its first line, and the records after it by their own."""
    text = (csv_text([HEAT_COLS, heat_cells("H1", inspector="Wang\nLi")])   # lines 2-3
            + "\n"                                                          # line 4: blank
            + csv_text([heat_cells("H2", tap_weight_t="-5")]))               # line 5
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert where(problems) == [(2, 7, "inspector"), (5, 5, "tap_weight_t")]


def test_refusal_message_lists_every_problem_as_line_and_column(store: Store, db_path: Path,
                                                                tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1", tap_weight_t="nan"), heat_cells("H2", grade="X"))
    with pytest.raises(ImportRefused) as info:
        csvio.import_heats(store, path)
    lines = str(info.value).splitlines()
    assert "nothing imported, 2 problem(s) found" in lines[0]
    assert lines[1].startswith("line 2, column 5 (tap_weight_t): ")
    assert lines[2].startswith("line 3, column 4 (grade): ")


# ---------------------------------------------------------- ingots refused

BAD_INGOT_CELLS = [
    pytest.param({"heat_no": "X9"}, "heat_no", "no heat 'X9'", id="unknown-heat"),
    pytest.param({"heat_no": ""}, "heat_no", "must not be empty", id="heat-empty"),
    pytest.param({"ingot_no": "0"}, "ingot_no", "1 to 9999", id="ingot-no-0"),
    pytest.param({"ingot_no": "1.5"}, "ingot_no", "1 to 9999", id="ingot-no-1.5"),
    pytest.param({"ingot_no": "10000"}, "ingot_no", "1 to 9999", id="ingot-no-10000"),
    pytest.param({"ingot_no": "-2"}, "ingot_no", "1 to 9999", id="ingot-no-negative"),
    pytest.param({"ingot_no": ""}, "ingot_no", "1 to 9999", id="ingot-no-empty"),
    pytest.param({"ingot_no": "1e1"}, "ingot_no", "1 to 9999", id="ingot-no-exponent"),
    pytest.param({"weight_kg": "0"}, "weight_kg", "out of range", id="weight-zero"),
    pytest.param({"weight_kg": "60000.5"}, "weight_kg", "out of range", id="weight-over-60000"),
    pytest.param({"weight_kg": "nan"}, "weight_kg", "not a plain decimal", id="weight-nan"),
    pytest.param({"weight_kg": "inf"}, "weight_kg", "not a plain decimal", id="weight-inf"),
    pytest.param({"weight_kg": "1_000"}, "weight_kg", "not a plain decimal", id="weight-underscore"),
    pytest.param({"weight_kg": "1e3"}, "weight_kg", "not a plain decimal", id="weight-exponent"),
    pytest.param({"weight_kg": ""}, "weight_kg", "a number is needed", id="weight-empty"),
    pytest.param({"disposition": "ok"}, "disposition", "not a disposition", id="disposition-ok"),
    pytest.param({"disposition": ""}, "disposition", "not a disposition", id="disposition-empty"),
    pytest.param({"disposition": "approved"}, "disposition", "not a disposition", id="disposition-typo"),
    pytest.param({"defects": "XXXX"}, "defects", "'XXXX' is not in the defect catalogue",
                 id="unknown-code"),
    pytest.param({"defects": "SCAB;CRACK@top"}, "defects", "'CRACK' is not in the defect catalogue",
                 id="unknown-second-code"),
    pytest.param({"defects": "TCRK@side"}, "defects", "'side' is not a location", id="location-side"),
    pytest.param({"defects": "TCRK@"}, "defects", "is not a location", id="location-empty"),
    pytest.param({"defects": "TCRK@top;TCRK@top"}, "defects", "listed twice", id="defect-twice"),
    pytest.param({"inspector": ""}, "inspector", "must not be empty", id="inspector-empty"),
]


@pytest.mark.parametrize(("cells", "column", "says"), BAD_INGOT_CELLS)
def test_bad_ingot_cell_is_named_and_nothing_is_imported(heats_saved: Store, db_path: Path,
                                                         tmp_path: Path, *, cells: dict[str, str],
                                                         column: str, says: str) -> None:
    path = ingots_file(tmp_path, ingot_cells("H1", "2"), ingot_cells("H2", "1", **cells),
                       ingot_cells("H2", "2"))
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(3, INGOT_COL_NO[column], column)]
    assert says in problems[0].problem
    assert [i.ingot_no for i in heats_saved.ingots("H1")] == [1]
    assert heats_saved.ingots("H2") == []


def test_ingot_repeated_in_file(heats_saved: Store, db_path: Path, tmp_path: Path) -> None:
    path = ingots_file(tmp_path, ingot_cells("H2", "1"), ingot_cells("H2", "2"), ingot_cells("H2", "1"))
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(4, 2, "ingot_no")]
    assert "also on line 2" in problems[0].problem


def test_same_ingot_number_in_two_heats_is_fine(heats_saved: Store, tmp_path: Path) -> None:
    path = ingots_file(tmp_path, ingot_cells("H1", "2"), ingot_cells("H2", "2"))
    assert csvio.import_ingots(heats_saved, path) == 2


def test_ingot_already_in_database(heats_saved: Store, db_path: Path, tmp_path: Path) -> None:
    path = ingots_file(tmp_path, ingot_cells("H1", "2"), ingot_cells("H1", "1"))
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(3, 2, "ingot_no")]
    assert "H1 already has ingot 1" in problems[0].problem


def test_ingot_file_with_an_extra_column(heats_saved: Store, db_path: Path, tmp_path: Path) -> None:
    text = csv_text([[*INGOT_COLS, "remark"], [*ingot_cells("H1", "2"), "fine"]])
    problems = refused(heats_saved, db_path, csvio.import_ingots, write(tmp_path / "i.csv", text))
    assert where(problems) == [(1, 7, "remark")]


def test_ingot_file_missing_a_column(heats_saved: Store, db_path: Path, tmp_path: Path) -> None:
    rows = [INGOT_COLS[:3] + INGOT_COLS[4:], ["H1", "2", "1000", "", "Wang"]]
    problems = refused(heats_saved, db_path, csvio.import_ingots, write(tmp_path / "i.csv", csv_text(rows)))
    assert [p.line for p in problems] == [1]
    assert "'disposition' is missing" in problems[0].problem


def test_ingot_row_with_the_wrong_number_of_cells(heats_saved: Store, db_path: Path,
                                                  tmp_path: Path) -> None:
    path = ingots_file(tmp_path, ingot_cells("H1", "2"), ingot_cells("H1", "3")[:5])
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(3, None, None)]
    assert "5 cells where the header names 6" in problems[0].problem


def test_every_bad_row_of_an_ingots_file_is_listed(heats_saved: Store, db_path: Path,
                                                   tmp_path: Path) -> None:
    path = ingots_file(
        tmp_path,
        ingot_cells("H1", "2"),                                   # line 2: good
        ingot_cells("NOPE", "1"),                                 # line 3
        ingot_cells("H1", "1"),                                   # line 4: in the database
        ingot_cells("H2", "0", weight_kg="nan"),                  # line 5: two cells
        ingot_cells("H2", "1", disposition="ok", defects="TCRK@side"),  # line 6: two cells
        ingot_cells("H2", "2"),                                   # line 7: good
        ingot_cells("H2", "2"),                                   # line 8: repeat of line 7
        ingot_cells("H2", "3", defects="ZZZ"),                    # line 9
    )
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [
        (3, 1, "heat_no"),
        (4, 2, "ingot_no"),
        (5, 2, "ingot_no"), (5, 3, "weight_kg"),
        (6, 4, "disposition"), (6, 5, "defects"),
        (8, 2, "ingot_no"),
        (9, 5, "defects"),
    ]


# --------------------------------------------------- encodings and formats

CHINESE_HEATS = "\n".join([
    ",".join(HEAT_COLS),
    "24A001,1,2024-03-05 09:00,Q235B,30.5,1620,王建国,0.18,0.25,0.50,0.030,0.030",
    "24A002,2,2024-03-05 10:00,Q235B,28,1610,李秀英,0.19,0.26,0.52,0.031,0.029",
]) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_encodings_are_detected(store: Store, tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "heats.csv", CHINESE_HEATS, encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):  # the file really is not UTF-8
            path.read_bytes().decode("utf-8")
    assert csvio.import_heats(store, path) == 2
    assert store.heat("24A001").inspector == "王建国"
    assert store.heat("24A002").inspector == "李秀英"
    assert store.heat("24A001").tap_weight_t == 30.5


def test_bom_does_not_hide_the_first_column(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "heats.csv", CHINESE_HEATS, "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert csvio.import_heats(store, path, encoding="utf-8") == 2
    assert store.heat("24A001").heat_no == "24A001"


def test_encoding_given_overrides_detection(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "heats.csv", CHINESE_HEATS, "utf-16")
    before = snapshot(store, db_path)
    with pytest.raises(QcError, match="neither UTF-8 nor GB18030; say which with --encoding"):
        csvio.import_heats(store, path)
    assert snapshot(store, db_path) == before
    assert csvio.import_heats(store, path, encoding="utf-16") == 2
    assert store.heat("24A002").inspector == "李秀英"


def test_wrong_or_unknown_encoding_given_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "heats.csv", CHINESE_HEATS, "gb18030")
    before = snapshot(store, db_path)
    with pytest.raises(QcError, match="is not valid utf-8"):
        csvio.import_heats(store, path, encoding="utf-8")
    with pytest.raises(QcError, match="unknown encoding 'klingon'"):
        csvio.import_heats(store, path, encoding="klingon")
    assert snapshot(store, db_path) == before


def test_gb18030_with_a_byte_order_mark(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "heats.csv", "\ufeff" + CHINESE_HEATS, "gb18030")
    assert path.read_bytes().startswith(b"\x84\x31\x95\x33")  # GB18030's BOM
    assert csvio.import_heats(store, path) == 2
    assert store.heat("24A001").inspector == "王建国"


def test_missing_file_is_a_plain_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(QcError, match="cannot be read"):
        csvio.import_heats(store, tmp_path / "no-such.csv")


def test_crlf_line_endings(store: Store, db_path: Path, tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", csv_text([HEAT_COLS, heat_cells("H1"), heat_cells("H2")], "\r\n"))
    assert b"\r\n" in good.read_bytes()
    bad = write(tmp_path / "bad.csv", csv_text(
        [HEAT_COLS, heat_cells("H3"), heat_cells("H4", tap_temp_c="1901")], "\r\n"))
    problems = refused(store, db_path, csvio.import_heats, bad)
    assert where(problems) == [(3, 6, "tap_temp_c")]
    assert csvio.import_heats(store, good) == 2
    assert store.heat("H2").inspector == "Wang"  # no stray carriage return
    assert store.heat("H2").analysis["S"] == 0.03


def test_full_width_digits_as_a_chinese_input_method_types_them(store: Store, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells(
        "H1", tap_weight_t="３０.５", tap_temp_c="１６２０", tapped_at="２０２４-０３-０５ ０９:３０",
        C="０．１８", Si="0．25", Mn="０.５０", P="０．０３０", S="　0.030　"))
    assert csvio.import_heats(store, path) == 1
    heat = store.heat("H1")
    assert heat.tap_weight_t == 30.5
    assert heat.tap_temp_c == 1620
    assert heat.tapped_at == datetime(2024, 3, 5, 9, 30)
    assert heat.analysis == {"C": 0.18, "Si": 0.25, "Mn": 0.5, "P": 0.03, "S": 0.03}
    assert heat.chem_status is ChemStatus.CONFORMS

    ingots = ingots_file(tmp_path, ingot_cells("H1", "３", weight_kg="１２００．５"))
    assert csvio.import_ingots(store, ingots) == 1
    assert [(i.ingot_no, i.weight_kg) for i in store.ingots("H1")] == [(3, 1200.5)]


def test_blank_temperature_and_element_cells_mean_not_analysed(store: Store, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1", tap_temp_c="", S="", P=" "))
    assert csvio.import_heats(store, path) == 1
    heat = store.heat("H1")
    assert heat.tap_temp_c is None
    assert heat.analysis == {"C": 0.18, "Si": 0.25, "Mn": 0.5}
    assert heat.chem_status is ChemStatus.NOT_CHECKED
    assert store.check_heat("H1").missing == ("P", "S")


def test_other_element_columns_are_imported(store: Store, tmp_path: Path) -> None:
    text = csv_text([[*HEAT_COLS, "Cr", "Cu"], [*heat_cells("H1"), "0.12", ""]])
    assert csvio.import_heats(store, write(tmp_path / "h.csv", text)) == 1
    heat = store.heat("H1")
    assert heat.analysis["Cr"] == 0.12
    assert "Cu" not in heat.analysis
    # Q235B does not limit Cr, so the heat still conforms
    assert heat.chem_status is ChemStatus.CONFORMS


def test_column_names_in_any_case_and_order(store: Store, tmp_path: Path) -> None:
    cols = ["Inspector", "S", "P", "Mn", "Si", "C", "TAP_TEMP_C", "Tap_Weight_T", "grade", "tapped_at",
            "converter", " heat_no "]
    row = ["Wang", "0.030", "0.030", "0.50", "0.25", "0.18", "1600", "30", "Q235B", "2024-03-05 09:00",
           "2", "H1"]
    assert csvio.import_heats(store, write(tmp_path / "h.csv", csv_text([cols, row]))) == 1
    heat = store.heat("H1")
    assert (heat.converter, heat.tap_weight_t, heat.inspector) == ("2", 30, "Wang")


def test_ingots_with_defects_and_chinese_dispositions(heats_saved: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "ingots.csv", csv_text([
        INGOT_COLS,
        ingot_cells("H2", "1", disposition="合格", inspector="王建国"),
        ingot_cells("H2", "2", disposition="精整后合格", defects="TCRK@top; scab@Bottom"),
        ingot_cells("H2", "3", disposition="改判", defects="LCRK@middle"),
        ingot_cells("H2", "4", disposition="废品", defects="PIPE"),
        ingot_cells("H2", "5", disposition="待判"),
        ingot_cells("H2", "6", disposition="Scrap", weight_kg="60000"),
    ]), "gb18030")
    assert csvio.import_ingots(heats_saved, path) == 6
    got = {i.ingot_no: (i.disposition, i.defects, i.inspector) for i in heats_saved.ingots("H2")}
    assert got == {
        1: (Disposition.ACCEPTED, (), "王建国"),
        2: (Disposition.CONDITIONED, (IngotDefect("TCRK", Location.TOP),
                                      IngotDefect("SCAB", Location.BOTTOM)), "Wang"),
        3: (Disposition.REGRADED, (IngotDefect("LCRK", Location.MIDDLE),), "Wang"),
        4: (Disposition.SCRAP, (IngotDefect("PIPE"),), "Wang"),
        5: (Disposition.PENDING, (), "Wang"),
        6: (Disposition.SCRAP, (), "Wang"),
    }
    assert heats_saved.ingots("H2")[5].weight_kg == 60000


def test_header_only_imports_nothing_and_succeeds(store: Store, tmp_path: Path) -> None:
    assert csvio.import_heats(store, heats_file(tmp_path)) == 0
    assert store.counts()["heat"] == 0


# --------------------------------------------------- all or nothing, deep

class Boom(Exception):
    pass


def test_heat_import_failing_midway_changes_nothing(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path, *(heat_cells(f"H{i}", tapped_at=f"2024-03-05 0{i}:00") for i in range(1, 6)))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            raise Boom("power cut on the third row")

    before = snapshot(store, db_path)
    with pytest.raises(Boom):
        csvio.import_heats(store, path, progress=progress)
    assert seen == [(1, 5), (2, 5), (3, 5)]  # two heats were written before the failure...
    assert snapshot(store, db_path) == before  # ...and are gone
    assert store.counts()["heat"] == 0
    assert [e for e in store.audit() if e.entity != "schema" and e.field != "sealed"] == []
    # the same file imports cleanly afterwards
    assert csvio.import_heats(store, path) == 5


def test_ingot_import_failing_midway_changes_nothing(heats_saved: Store, db_path: Path,
                                                     tmp_path: Path) -> None:
    path = ingots_file(tmp_path, *(ingot_cells("H2", str(n)) for n in range(1, 6)))
    audit_before = heats_saved.audit()

    def progress(done: int, total: int) -> None:
        if done == 3:
            raise Boom

    before = snapshot(heats_saved, db_path)
    with pytest.raises(Boom):
        csvio.import_ingots(heats_saved, path, progress=progress)
    assert snapshot(heats_saved, db_path) == before
    assert heats_saved.heat("H2").ingots == 0
    assert heats_saved.audit() == audit_before


def test_progress_reports_every_row(store: Store, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("H2"), heat_cells("H3"))
    seen: list[tuple[int, int]] = []
    assert csvio.import_heats(store, path, progress=lambda d, t: seen.append((d, t))) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_import_is_audited_for_the_user(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    entries = store.audit("H1")
    assert [(e.user, e.action, e.entity, e.entity_key) for e in entries] == [
        ("tester", "insert", "heat", "H1")]


# ------------------------------------------------------------- round trip

ROUND_TRIP_HEATS = [
    # night shift, conforming, Cr analysed
    [*heat_cells("24A001", tapped_at="2024-03-05 02:10", inspector="王建国"), "0.12"],
    # day shift, C over the Q235B maximum 0.20: fails
    [*heat_cells("24B001", converter="2", tapped_at="2024-03-05 09:45", C="0.23", tap_weight_t="28.75",
                 inspector="Li, Xiuying"), ""],
    # evening, no temperature, S not analysed: not checked
    [*heat_cells("24C001", converter="3", tapped_at="2024-03-05 16:00", tap_temp_c="", S="",
                 grade="Q275A", inspector="赵"), ""],
    # next production day
    [*heat_cells("24A002", tapped_at="2024-03-06 00:00", tap_weight_t="400", tap_temp_c="1900",
                 C="0.2", P="0.045"), "0.3"],
]
ROUND_TRIP_INGOTS = [
    ingot_cells("24A001", "1", weight_kg="1000"),
    ingot_cells("24A001", "2", weight_kg="1000.25", disposition="conditioned", defects="TCRK@top;SCAB"),
    ingot_cells("24A001", "3", weight_kg="750", disposition="scrap", defects="PIPE@top;BLOW"),
    ingot_cells("24A001", "4", weight_kg="500", disposition="pending"),
    ingot_cells("24B001", "1", weight_kg="1200", inspector="李秀英"),
    ingot_cells("24B001", "2", weight_kg="800", disposition="regraded", defects="LCRK@middle"),
    ingot_cells("24C001", "1", weight_kg="900", defects="FIN@bottom;LAP"),
    ingot_cells("24A002", "10", weight_kg="60000"),
    ingot_cells("24A002", "2", weight_kg="0.5", disposition="scrap"),
]


def test_export_import_export_is_identical(db_path: Path, tmp_path: Path) -> None:
    first, second = db_path, tmp_path / "second.sqlite"  # from a file or a server into a file
    source = write(tmp_path / "source-heats.csv", csv_text([[*HEAT_COLS, "Cr"], *ROUND_TRIP_HEATS]))
    source_ingots = write(tmp_path / "source-ingots.csv", csv_text([INGOT_COLS, *ROUND_TRIP_INGOTS]))
    with Store.open(first, "wang") as a:
        assert csvio.import_heats(a, source) == 4
        assert csvio.import_ingots(a, source_ingots) == 9
        assert csvio.export_heats(a, tmp_path / "heats-1.csv") == 4
        assert csvio.export_ingots(a, tmp_path / "ingots-1.csv") == 9
        rates_a = [a.rates(DAY, date(2024, 3, 6), by).as_dict()
                   for by in ((), ("day",), ("converter", "shift"), ("grade",))]
        heats_a = [(h.heat_no, h.converter, h.tapped_at, h.shift, h.production_date, h.grade,
                    h.tap_weight_t, h.tap_temp_c, h.inspector, h.chem_status, h.analysis, h.ingots,
                    h.ingots_judged) for h in a.heats(DAY, date(2024, 3, 6))]
    with Store.open(second, "li") as b:
        assert csvio.import_heats(b, tmp_path / "heats-1.csv") == 4
        assert csvio.import_ingots(b, tmp_path / "ingots-1.csv") == 9
        assert csvio.export_heats(b, tmp_path / "heats-2.csv") == 4
        assert csvio.export_ingots(b, tmp_path / "ingots-2.csv") == 9
        rates_b = [b.rates(DAY, date(2024, 3, 6), by).as_dict()
                   for by in ((), ("day",), ("converter", "shift"), ("grade",))]
        heats_b = [(h.heat_no, h.converter, h.tapped_at, h.shift, h.production_date, h.grade,
                    h.tap_weight_t, h.tap_temp_c, h.inspector, h.chem_status, h.analysis, h.ingots,
                    h.ingots_judged) for h in b.heats(DAY, date(2024, 3, 6))]
        ingots_b = {(i.heat_no, i.ingot_no): (i.weight_kg, i.disposition, i.defects)
                    for i in b.iter_ingots(DAY, date(2024, 3, 6))}
    assert (tmp_path / "heats-2.csv").read_bytes() == (tmp_path / "heats-1.csv").read_bytes()
    assert (tmp_path / "ingots-2.csv").read_bytes() == (tmp_path / "ingots-1.csv").read_bytes()
    assert rates_b == rates_a
    assert heats_b == heats_a
    assert ingots_b[("24A001", 2)] == (1000.25, Disposition.CONDITIONED,
                                       (IngotDefect("TCRK", Location.TOP), IngotDefect("SCAB")))
    assert ingots_b[("24A002", 2)] == (0.5, Disposition.SCRAP, ())
    # the hand-checkable total: judged ingots of checked heats (24A001, 24B001, 24A002)
    # 1000 + 1000.25 + 750 + 1200 + 800 + 60000 + 0.5; qualified: 24A001's 1000 + 1000.25 and
    # 24A002's 60000 (24B001 fails on C, so its accepted ingot is not qualified)
    total = rates_b[0]["total"]
    assert total["weight_judged_kg"] == 1000 + 1000.25 + 750 + 1200 + 800 + 60000 + 0.5
    assert total["ingot_qualified_rate"] == (1000 + 1000.25 + 60000) / (
        1000 + 1000.25 + 750 + 1200 + 800 + 60000 + 0.5)
    assert total["ingots_awaiting_chemistry"] == 1


def test_export_writes_the_import_format(store: Store, tmp_path: Path) -> None:
    source = write(tmp_path / "source-heats.csv", csv_text([[*HEAT_COLS, "Cr"], *ROUND_TRIP_HEATS]))
    csvio.import_heats(store, source)
    csvio.import_ingots(store, write(tmp_path / "i.csv", csv_text([INGOT_COLS, *ROUND_TRIP_INGOTS])))
    assert csvio.export_heats(store, tmp_path / "heats.csv", DAY, DAY) == 3  # 24A002 is on 6 March
    raw = (tmp_path / "heats.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the Chinese names
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S,Cr"
    assert lines[1] == "24A001,1,2024-03-05 02:10,Q235B,30,1600,王建国,0.18,0.25,0.5,0.03,0.03,0.12"
    assert lines[2] == '24B001,2,2024-03-05 09:45,Q235B,28.75,1600,"Li, Xiuying",0.23,0.25,0.5,0.03,0.03,'
    assert lines[3] == "24C001,3,2024-03-05 16:00,Q275A,30,,赵,0.18,0.25,0.5,0.03,,"
    assert len(lines) == 4

    assert csvio.export_ingots(store, tmp_path / "ingots.csv", DAY, DAY) == 7
    lines = (tmp_path / "ingots.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "heat_no,ingot_no,weight_kg,disposition,defects,inspector"
    assert lines[2] == "24A001,2,1000.25,conditioned,TCRK@top;SCAB,Wang"
    assert lines[7] == "24C001,1,900,accepted,FIN@bottom;LAP,Wang"


def test_export_of_an_empty_database(store: Store, tmp_path: Path) -> None:
    assert csvio.export_heats(store, tmp_path / "h.csv") == 0
    assert csvio.export_ingots(store, tmp_path / "i.csv") == 0
    assert (tmp_path / "h.csv").read_text(encoding="utf-8-sig") == ",".join(csvio.HEAT_COLUMNS) + "\n"
    assert (tmp_path / "i.csv").read_text(encoding="utf-8-sig") == ",".join(INGOT_COLS) + "\n"


def test_export_to_a_path_that_cannot_be_written(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    with pytest.raises(QcError, match="cannot be written"):
        csvio.export_heats(store, tmp_path / "no-such-folder" / "heats.csv")
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(QcError, match="cannot be written"):
        csvio.export_heats(store, folder)
    with pytest.raises(QcError, match="cannot be written"):
        csvio.export_ingots(store, folder)
    assert folder.is_dir()
    assert not list(tmp_path.glob("*.part"))  # no half-written file left behind


def test_failed_export_keeps_the_previous_file(store: Store, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    target = tmp_path / "heats-out.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")

    def broken_heats(*_args: object, **_kwargs: object) -> list[object]:
        return [SimpleNamespace(analysis={})]  # fails inside the writer, after the header

    monkeypatch.setattr(store, "heat_export_rows", broken_heats)
    with pytest.raises(AttributeError):
        csvio.export_heats(store, target, force=True)
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert not list(tmp_path.glob("*.part"))


def test_a_big_import_gives_the_servers_planner_its_rows_at_once(pg_uri: str, tmp_path: Path) -> None:
    """Until autovacuum comes round, a table's thousand new rows look like a few dozen to the
    planner, which joins them row by row: verify after a year of heats imported took minutes."""
    rows = [heat_cells(f"H{n:04d}", tapped_at=f"2024-03-05 {n // 60 % 24:02d}:{n % 60:02d}")
            for n in range(1000)]
    with Store.open(pg_uri, "wang") as store:
        assert csvio.import_heats(store, heats_file(tmp_path, *rows)) == 1000
        found = dict(store.conn.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN "
                                        "('heat', 'heat_analysis', 'audit')").fetchall())
    assert (found["heat"], found["heat_analysis"]) == (1000, 5000)  # five elements a heat
    assert found["audit"] > 1000  # an entry a heat, and the new database's own


# ------------------------------------------------------- export: the target

@pytest.mark.sqlite_only  # the database file itself, its side files and links to it
def test_export_refuses_the_database_and_its_journals(store: Store, db_path: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Not even with force: the open database, its journals (a CSV there would be taken
    for a hot journal), a link to it or the same file under another name."""
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    csvio.import_ingots(store, ingots_file(tmp_path, ingot_cells("H1", "1")))
    (tmp_path / "db-link.sqlite").symlink_to(db_path)
    os.link(db_path, tmp_path / "db-hard-link.sqlite")
    monkeypatch.chdir(tmp_path)
    before = snapshot(store, db_path)
    journals = [db_path.with_name(db_path.name + s) for s in ("-journal", "-wal", "-shm")]
    for target in [db_path, Path(db_path.name), *journals, tmp_path / "db-link.sqlite",
                   tmp_path / "db-hard-link.sqlite", tmp_path / "sub" / ".." / db_path.name]:
        for exporter in (csvio.export_heats, csvio.export_ingots):
            with pytest.raises(QcError, match="cannot be written: it is the open database"):
                exporter(store, target, force=True)
    assert snapshot(store, db_path) == before
    assert not any(j.exists() for j in journals)
    assert not list(tmp_path.glob("*.part"))


def test_export_refuses_the_journal_this_workstation_keeps_of_a_server(store: Store, db_path: Path | str,
                                                                      tmp_path: Path) -> None:
    """On a server the database is no file here; the journal of the chain heads this
    workstation wrote is, and a CSV written over it would erase the evidence it holds."""
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    assert store.journal.is_file()
    kept = store.journal.read_bytes()
    before = snapshot(store, db_path)
    for exporter in (csvio.export_heats, csvio.export_ingots):
        with pytest.raises(QcError, match="it is the journal of the database's chain heads"):
            exporter(store, store.journal, force=True)
    assert store.journal.read_bytes() == kept
    assert snapshot(store, db_path) == before
    assert not list(store.journal.parent.glob("*.part"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_export_refuses_folders_devices_and_pipes(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    folder = tmp_path / "exports"
    folder.mkdir()
    (tmp_path / "folder-link").symlink_to(folder)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    null_link = tmp_path / "null.csv"
    null_link.symlink_to("/dev/null")  # only its type is read: nothing is written to a device
    for exporter in (csvio.export_heats, csvio.export_ingots):
        for target in (folder, tmp_path / "folder-link"):
            with pytest.raises(QcError, match="cannot be written: it is a folder"):
                exporter(store, target, force=True)
        for target in (pipe, null_link):
            with pytest.raises(QcError, match="cannot be written: it is not an ordinary file"):
                exporter(store, target, force=True)
    assert folder.is_dir()
    assert not list(folder.iterdir())
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert null_link.is_symlink()
    assert os.readlink(null_link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(tmp_path.glob("*.part"))


def test_export_replaces_an_existing_file_only_with_force(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    csvio.import_ingots(store, ingots_file(tmp_path, ingot_cells("H1", "1")))
    target = tmp_path / "out.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")
    for exporter in (csvio.export_heats, csvio.export_ingots):
        with pytest.raises(QcError, match=r"out\.csv exists; use --force to replace it"):
            exporter(store, target)
        assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert csvio.export_heats(store, target, force=True) == 1
    assert target.read_text(encoding="utf-8-sig").startswith("heat_no,converter,")
    assert csvio.export_ingots(store, target, force=True) == 1
    assert target.read_text(encoding="utf-8-sig").startswith("heat_no,ingot_no,")
    assert not list(tmp_path.glob("*.part"))


def test_export_through_a_link_writes_the_file_it_names(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    with pytest.raises(QcError, match="exists"):
        csvio.export_heats(store, link)
    assert csvio.export_heats(store, link, force=True) == 1
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8-sig").splitlines()[1].startswith("H1,1,")


def test_export_follows_no_link_left_where_its_temporary_file_goes(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "out.csv.part").symlink_to(victim)
    assert csvio.export_heats(store, tmp_path / "out.csv") == 1
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "out.csv").is_symlink()
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig").startswith("heat_no,")
    assert not list(tmp_path.glob("*.part"))


def test_export_refuses_dates_the_wrong_way_round(store: Store, tmp_path: Path) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    for exporter in (csvio.export_heats, csvio.export_ingots):
        with pytest.raises(QcError, match="the end date 2024-03-04 is before the start date 2024-03-05"):
            exporter(store, tmp_path / "out.csv", DAY, date(2024, 3, 4))
    assert not (tmp_path / "out.csv").exists()
    assert csvio.export_heats(store, tmp_path / "out.csv", DAY, DAY) == 1  # one day is fine


# ------------------------------------------- import: when the lock is held

@contextmanager
def another_workstation_writing(db_path: Path | str) -> Iterator[None]:
    """Another workstation holding the write lock, taken without waiting (it must be free)."""
    if isinstance(db_path, Path):
        other: sqlite3.Connection | postgres.Connection = sqlite3.connect(db_path, timeout=0,
                                                                          isolation_level=None)
    else:
        other = postgres.connect(postgres.Server(db_path))
        other.execute("SET lock_timeout = 1")  # 1 ms: a held lock is an error, as timeout=0 above
    try:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
    finally:
        other.close()


def _another_workstation_can_save(db_path: Path | str) -> None:
    """Take and release the write lock from another connection, without waiting."""
    with another_workstation_writing(db_path):
        pass


def test_heats_file_is_read_and_checked_without_the_write_lock(store: Store, db_path: Path,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real = csvio.parse_tapped_at
    calls: list[bool] = []

    def parse_while_another_saves(text: str, now: datetime | None = None) -> datetime:
        calls.append(store.conn.in_transaction)
        _another_workstation_can_save(db_path)
        return real(text, now)

    monkeypatch.setattr(csvio, "parse_tapped_at", parse_while_another_saves)
    assert csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1"), heat_cells("H2"))) == 2
    assert calls == [False, False]


def test_ingots_file_is_read_and_checked_without_the_write_lock(heats_saved: Store, db_path: Path,
                                                                tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = csvio._parse_ingot_no
    calls: list[bool] = []

    def parse_while_another_saves(text: str) -> int:
        calls.append(heats_saved.conn.in_transaction)
        _another_workstation_can_save(db_path)
        return real(text)

    monkeypatch.setattr(csvio, "_parse_ingot_no", parse_while_another_saves)
    assert csvio.import_ingots(heats_saved, ingots_file(tmp_path, ingot_cells("H2", "1"))) == 1
    assert calls == [False]


def test_heat_saved_meanwhile_by_another_workstation_is_named(store: Store, db_path: Path,
                                                              tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What the database says is checked under the write lock, after the file was read."""
    real = csvio.parse_tapped_at

    def parse_while_another_saves(text: str, now: datetime | None = None) -> datetime:
        if not store.heats(DAY, DAY):
            with Store.open(db_path, "li") as other:
                other.add_heat(NewHeat("H2", "1", datetime(2024, 3, 5, 8, 30), "Q235B", 30, None, "Li"))
        return real(text, now)

    monkeypatch.setattr(csvio, "parse_tapped_at", parse_while_another_saves)
    with pytest.raises(ImportRefused) as info:
        csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1"), heat_cells("H2")))
    assert where(info.value.problems) == [(3, 1, "heat_no")]
    assert "H2 is already in the database" in info.value.problems[0].problem
    assert [h.heat_no for h in store.heats(DAY, DAY)] == ["H2"]


def test_ingot_saved_meanwhile_by_another_workstation_is_named(heats_saved: Store, db_path: Path,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real = csvio._parse_ingot_no

    def parse_while_another_saves(text: str) -> int:
        if not heats_saved.ingots("H2"):
            with Store.open(db_path, "li") as other:
                other.add_ingots("H2", [NewIngot(1, 900, Disposition.ACCEPTED, "Li")])
        return real(text)

    monkeypatch.setattr(csvio, "_parse_ingot_no", parse_while_another_saves)
    with pytest.raises(ImportRefused) as info:
        csvio.import_ingots(heats_saved, ingots_file(tmp_path, ingot_cells("H2", "2"),
                                                     ingot_cells("H2", "1")))
    assert where(info.value.problems) == [(3, 2, "ingot_no")]
    assert "H2 already has ingot 1" in info.value.problems[0].problem
    assert [i.inspector for i in heats_saved.ingots("H2")] == ["Li"]


def test_bad_heats_file_lists_the_databases_problems_too_without_the_lock(heats_saved: Store,
                                                                          db_path: Path,
                                                                          tmp_path: Path) -> None:
    """A file refused for its cells is still checked against the database, only reading:
    every problem at once, even while another workstation holds the write lock."""
    path = heats_file(tmp_path,
                      heat_cells("H3", tap_weight_t="nan"),          # line 2: a cell
                      heat_cells("H4", converter="9"),               # line 3: the database
                      heat_cells("H1"),                              # line 4: the database
                      heat_cells("H5", grade="Q999", C="x"),         # line 5: both
                      heat_cells("H5"))                              # line 6: the file
    with another_workstation_writing(db_path):
        problems = refused(heats_saved, db_path, csvio.import_heats, path)
        with pytest.raises(ImportRefused) as info:
            csvio.read_heats(heats_saved, path)
    assert where(problems) == [(2, 5, "tap_weight_t"), (3, 2, "converter"), (4, 1, "heat_no"),
                               (5, 4, "grade"), (5, 8, "C"), (6, 1, "heat_no")]
    assert info.value.problems == problems


def test_bad_ingots_file_lists_the_databases_problems_too_without_the_lock(heats_saved: Store,
                                                                           db_path: Path,
                                                                           tmp_path: Path) -> None:
    path = ingots_file(tmp_path,
                       ingot_cells("H2", "1", weight_kg="0"),         # line 2: a cell
                       ingot_cells("H9", "1"),                        # line 3: the database
                       ingot_cells("H1", "1"),                        # line 4: the database
                       ingot_cells("H2", "2", defects="ZZZ@top"),     # line 5: the database
                       ingot_cells("H2", "3", defects="ZZZ@side"))    # line 6: a cell
    with another_workstation_writing(db_path):
        problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(2, 3, "weight_kg"), (3, 1, "heat_no"), (4, 2, "ingot_no"),
                               (5, 5, "defects"), (6, 5, "defects")]
    assert "'ZZZ' is not in the defect catalogue" in problems[3].problem
    assert "'side' is not a location" in problems[4].problem


def test_read_heats_checks_a_file_and_writes_nothing(heats_saved: Store, db_path: Path,
                                                     tmp_path: Path) -> None:
    before = snapshot(heats_saved, db_path)
    heats = csvio.read_heats(heats_saved, heats_file(tmp_path, heat_cells("Ｈ３", grade="Ｑ235B")))
    assert [(h.heat_no, h.grade, h.tap_weight_t) for h in heats] == [("H3", "Q235B", 30)]
    ingots = csvio.read_ingots(heats_saved, ingots_file(tmp_path, ingot_cells("H2", "1", defects="scab")))
    assert [(n, i.ingot_no, i.defects) for n, i in ingots] == [("H2", 1, (IngotDefect("SCAB"),))]
    assert snapshot(heats_saved, db_path) == before


# ----------------------------------------------------- import: more cells

TAP_TIMES_REFUSED = [
    pytest.param("0001-01-01 00:00", "before 1900", id="year-1"),
    pytest.param("1899-12-31 23:59", "before 1900", id="1899"),
    pytest.param("9999-12-31 23:59", "in the future", id="year-9999"),
    pytest.param((datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"), "in the future",
                 id="two-days-ahead"),
]


@pytest.mark.parametrize(("text", "says"), TAP_TIMES_REFUSED)
def test_implausible_tap_time_is_named(store: Store, db_path: Path, tmp_path: Path, text: str,
                                       says: str) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("H2", tapped_at=text))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, 3, "tapped_at")]
    assert says in problems[0].problem
    assert str(problems[0]).startswith("line 3, column 3 (tapped_at): ")


def test_tap_times_inside_the_plausible_range(store: Store, tmp_path: Path) -> None:
    soon = (datetime.now() + timedelta(hours=12)).replace(second=0, microsecond=0)
    path = heats_file(tmp_path, heat_cells("H1", tapped_at="1900-01-01 00:00"),
                      heat_cells("H2", tapped_at=soon.strftime("%Y-%m-%d %H:%M")))
    assert csvio.import_heats(store, path) == 2
    assert store.heat("H1").tapped_at == datetime(1900, 1, 1)
    assert store.heat("H2").tapped_at == soon


def test_codes_and_times_typed_with_a_chinese_input_method(store: Store, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("２４Ａ００１", converter="２", grade="Ｑ２３５Ｂ",
                                           tapped_at="２０２４－０３－０５　０９：３０"))
    assert csvio.import_heats(store, path) == 1
    heat = store.heat("24A001")
    assert (heat.heat_no, heat.converter, heat.grade, heat.tapped_at) == (
        "24A001", "2", "Q235B", datetime(2024, 3, 5, 9, 30))
    path = ingots_file(tmp_path,
                       ingot_cells("２４Ａ００１", "1", disposition="ＡＣＣＥＰＴＥＤ"),
                       ingot_cells("24A001", "2", disposition="ｃｏｎｄｉｔｉｏｎｅｄ",
                                   defects="ＰＩＰＥ＠ｔｏｐ；ｓｃａｂ＠ＢＯＴＴＯＭ"))
    assert csvio.import_ingots(store, path) == 2
    assert [(i.disposition, i.defects) for i in store.ingots("24A001")] == [
        (Disposition.ACCEPTED, ()),
        (Disposition.CONDITIONED, (IngotDefect("PIPE", Location.TOP), IngotDefect("SCAB", Location.BOTTOM)))]


def test_a_code_typed_in_full_width_is_the_same_code(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("Ｈ１"))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, 1, "heat_no")]
    assert "heat H1 is also on line 2" in problems[0].problem


@pytest.mark.parametrize(("column", "text"), [
    ("tap_weight_t", "①"), ("tap_weight_t", "３⁰"), ("C", "⁰.１"), ("tap_temp_c", "１６００℃")])
def test_numbers_keep_their_strict_grammar(store: Store, db_path: Path, tmp_path: Path, column: str,
                                           text: str) -> None:
    """Codes are NFKC-normalised; numbers are not (① or ⁰ are not digits to type)."""
    path = heats_file(tmp_path, heat_cells("H1", **{column: text}))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(2, HEAT_COL_NO[column], column)]


CONTROL_HEAT_CELLS = [
    pytest.param("heat_no", "H\x002", "U+0000", id="heat-no-nul"),
    pytest.param("converter", "1\x00", "U+0000", id="converter-nul"),
    pytest.param("grade", "Q235B\x1b", "U+001B", id="grade-escape"),
    pytest.param("inspector", "Wa\x00ng", "U+0000", id="inspector-nul"),
    pytest.param("inspector", "\x7fWang", "U+007F", id="inspector-delete"),
    pytest.param("inspector", "Wang\tLi", "U+0009", id="inspector-tab"),
    pytest.param("inspector", "Wang\x85Li", "U+0085", id="inspector-next-line"),
    pytest.param("C", "0.1\x00", "U+0000", id="element-nul"),
]


@pytest.mark.parametrize(("column", "text", "code"), CONTROL_HEAT_CELLS)
def test_control_character_in_a_heats_cell_is_named(store: Store, db_path: Path, tmp_path: Path, *,
                                                    column: str, text: str, code: str) -> None:
    path = heats_file(tmp_path, heat_cells("H1"), heat_cells("H2", **{column: text}))
    problems = refused(store, db_path, csvio.import_heats, path)
    assert where(problems) == [(3, HEAT_COL_NO[column], column)]
    assert f"control character ({code})" in problems[0].problem


@pytest.mark.parametrize(("column", "text"), [
    ("heat_no", "H\x002"), ("defects", "TCRK\x00@top"), ("disposition", "accepted\x07"),
    ("inspector", "王\x00建国")])
def test_control_character_in_an_ingots_cell_is_named(heats_saved: Store, db_path: Path,
                                                      tmp_path: Path, column: str, text: str) -> None:
    path = ingots_file(tmp_path, ingot_cells("H2", "1", **{column: text}))
    problems = refused(heats_saved, db_path, csvio.import_ingots, path)
    assert where(problems) == [(2, INGOT_COL_NO[column], column)]
    assert "control character" in problems[0].problem


def test_blanks_around_a_cell_are_still_dropped(store: Store, tmp_path: Path) -> None:
    assert csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1", inspector=" \tWang\t"))) == 1
    assert store.heat("H1").inspector == "Wang"


# ------------------------------------------------ many problems; wrong separator

def test_a_huge_list_of_problems_shows_the_first_hundred(store: Store, db_path: Path,
                                                         tmp_path: Path) -> None:
    path = heats_file(tmp_path, *(heat_cells(f"H{i}", tap_weight_t="nan") for i in range(150)))
    with pytest.raises(ImportRefused) as info:
        csvio.import_heats(store, path)
    assert len(info.value.problems) == 150  # all of them kept
    lines = str(info.value).splitlines()
    assert "nothing imported, 150 problem(s) found" in lines[0]
    assert len(lines) == 1 + 100 + 1
    assert lines[100].startswith("line 101, column 5 (tap_weight_t): ")
    assert lines[-1] == "… and 50 more problems"


@pytest.mark.parametrize(("separator", "shown"), [(";", "';'"), ("\t", "tabs")])
def test_a_file_separated_otherwise_gets_a_hint(store: Store, db_path: Path, tmp_path: Path,
                                               separator: str, shown: str) -> None:
    text = "\n".join(separator.join(r) for r in [HEAT_COLS, heat_cells("H1")]) + "\n"
    problems = refused(store, db_path, csvio.import_heats, write(tmp_path / "h.csv", text))
    assert (problems[0].line, problems[0].column) == (1, None)
    assert problems[0].problem == f"the file seems to separate cells with {shown}; save it with commas"
    text = "\n".join(separator.join(r) for r in [INGOT_COLS, ingot_cells("H1", "1")]) + "\n"
    problems = refused(store, db_path, csvio.import_ingots, write(tmp_path / "i.csv", text))
    assert shown in problems[0].problem


def test_export_onto_a_full_disk_is_a_plain_error(store: Store, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    csvio.import_heats(store, heats_file(tmp_path, heat_cells("H1")))
    target = tmp_path / "heats-out.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")

    class DiskFull:
        @property
        def heat_no(self) -> str:
            raise OSError(errno.ENOSPC, "No space left on device")

        analysis: dict[str, float] = {}  # noqa: RUF012
        notes = ""

    monkeypatch.setattr(store, "heat_export_rows", lambda *_a, **_k: [DiskFull()])
    with pytest.raises(QcError, match=r"heats-out\.csv cannot be written: No space left on device"):
        csvio.export_heats(store, target, force=True)
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert not list(tmp_path.glob("*.part"))
