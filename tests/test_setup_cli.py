"""The workshop's set-up from the command line and from files (issue 16): converters, the shift
schedule, the defect catalogue, the standards' editions, and the heats an import leaves with
no edition to judge them.

Figures are worked by hand beside each test; a refused command or file must leave the
database as it was, which is checked on the tables themselves and the audit trail's length.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from signed_shop import PINS, make_shop

from qcdesk.cli import main
from qcdesk.errors import InputError
from qcdesk.i18n import set_language
from qcdesk.model import Shift, Standard
from qcdesk.setup_cli import parse_schedule
from qcdesk.store import Store, postgres
from qcdesk.unjudged import Unjudged, describe, unjudged

HEAT_HEADER = "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
GOOD = "0.15,0.20,0.50,0.020,0.020"  # inside every GB/T 700 grade's maxima but Q195's Mn (0.50 is on it)


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line; no traceback may ever reach the user."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert (code, err) == (0, ""), err
    return out


def as_json(*argv: str) -> Any:
    return json.loads(ok(*argv, "--json"))


def refused(*argv: str) -> str:
    code, out, err = run(*argv)
    assert (code, out) == (1, ""), out
    return err


SET_UP_TABLES = ("converter", "shift", "grade", "standard", "standard_limit", "defect", "heat", "person")


def connect(db: Path | str) -> sqlite3.Connection:
    """A plain connection to the database (a SQLite file or a server's, which answers alike),
    apart from the program's."""
    if isinstance(db, Path):
        return sqlite3.connect(db)
    return cast(sqlite3.Connection, postgres.connect(postgres.Server(db)))


def state(db: Path | str) -> dict[str, object]:
    """What a refused command must leave as it was: the set-up tables, row by row, and the audit
    trail's length."""
    conn = connect(db)
    try:
        found: dict[str, object] = {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}").fetchall()),
                                              key=repr)
                                    for t in SET_UP_TABLES}
        found["audit entries"] = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        conn.close()
    return found


def audit_length(db: Path | str) -> int:
    conn = connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def db(db_path: Path) -> Path:
    """A new database (a SQLite file or a server's), made by the program."""
    Store.open(db_path, "tester").close()
    return db_path


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


# --------------------------------------------------------------- converters

def test_the_seed_converters_listed_as_json(db: Path) -> None:
    assert as_json("--db", str(db), "converters", "list") == [
        {"code": c, "name": f"Converter {c}", "nominal_t": None, "active": True} for c in "123"]


def test_a_converter_added_renamed_retired_and_reinstated(db: Path, tmp_path: Path) -> None:
    d = str(db)
    assert ok("--db", d, "converters", "add", "4", "--name", "LD 4", "--heat-t", "30") == (
        "Converter 4 added: LD 4.\n")
    assert ok("--db", d, "converters", "rename", "4", "--name", "LD converter 4") == (
        "Converter 4 is named LD converter 4.\n")
    assert ok("--db", d, "converters", "retire", "4", "--reason", "relined") == (
        "Converter 4 is retired: no new heats on it; its heats stay as they are.\n")
    assert as_json("--db", d, "converters", "list")[3] == {
        "code": "4", "name": "LD converter 4", "nominal_t": 30.0, "active": False}
    # a retired converter takes no new heat, as in the Set-up view
    heats = write(tmp_path / "h.csv", HEAT_HEADER + f"N1,4,2024-03-05 09:00,Q235B,30,1620,Wang,{GOOD}\n")
    assert "converter 4 is out of service" in refused("--db", d, "import", "heats", str(heats))
    assert ok("--db", d, "converters", "retire", "4") == "Converter 4 is already retired; nothing changed.\n"
    assert ok("--db", d, "converters", "reinstate", "4") == "Converter 4 is back in service.\n"
    ok("--db", d, "import", "heats", str(heats))
    entries = [e for e in as_json("--db", d, "history")
               if e["entity"] == "converter" and e["entity_key"] == "4"]
    assert [(e["action"], e["field"], e["old_value"], e["new_value"], e["reason"]) for e in entries] == [
        ("insert", None, None, '{"code": "4", "name": "LD 4", "nominal_t": 30.0}', None),
        ("update", "name", "LD 4", "LD converter 4", None),
        ("update", "active", "True", "False", "relined"),
        ("update", "active", "False", "True", None),
    ]


@pytest.mark.parametrize(("argv", "said"), [
    (["add", "l", "--name", "x"], "'l' looks like '1', which exists"),
    (["add", "2", "--name", "again"], "converter '2' already exists"),
    (["add", "\u0441", "--name", "Cyrillic es"], "looks like 'c'"),
    (["add", "5", "--name", "x", "--heat-t", "0"], "out of range"),
    (["add", "5", "--name", "x", "--heat-t", "thirty"], "not a plain decimal number"),
    (["add", "5", "--name", "a\u200bb"], "invisible character"),
    (["rename", "9", "--name", "x"], "there is no converter '9'"),
    (["retire", "9"], "there is no converter '9'"),
])
def test_converter_refusals_change_nothing(db: Path, argv: list[str], said: str) -> None:
    before = state(db)
    assert said in refused("--db", str(db), "converters", *argv)
    assert state(db) == before


def test_set_up_needs_a_workshop_head_or_administrator(db_path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    d = str(db_path)
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    before = state(db_path)
    assert refused("--db", d, "--user", "wang", "converters", "add", "4", "--name", "x") == (
        "qcdesk: as inspector, wang may not change set-up data\n")
    assert refused("--db", d, "--user", "wang", "shifts", "set", "night=00:00", "day=08:00",
                   "evening=16:00") == "qcdesk: as inspector, wang may not change set-up data\n"
    catalogue = write(tmp_path / "defects.csv", "code,name_en,name_zh,category\n"
                      "PIPE,shrinkage cavity (pipe),缩孔,internal\nCRZY,crazing,龟裂,surface\n")
    assert refused("--db", d, "--user", "wang", "defects", "import", str(catalogue)) == (
        "qcdesk: as inspector, wang may not change set-up data\n")
    assert state(db_path) == before
    monkeypatch.setenv("QCDESK_PIN", PINS["hu"])
    ok("--db", d, "--user", "hu", "converters", "add", "4", "--name", "x")
    ok("--db", d, "--user", "hu", "defects", "import", str(catalogue))
    assert [e["user"] for e in as_json("--db", d, "history") if e["entity_key"] in ("4", "CRZY")] == [
        "hu", "hu"]
    monkeypatch.delenv("QCDESK_PIN")  # reading needs no sign-in
    assert [c["code"] for c in as_json("--db", d, "converters", "list")] == ["1", "2", "3", "4"]
    assert as_json("--db", d, "--user", "hu", "converters", "list")[3]["name"] == "x"


def _is_made(db: Path | str) -> bool:
    """Whether there is a database: the file, or tables in the server's database."""
    if isinstance(db, Path):
        return db.is_file()
    conn = connect(db)
    try:
        return bool(conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                                 ).fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def unmade(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """A database not made yet: a file that is not there, or an empty database on the server."""
    if database == "sqlite":
        return tmp_path / "new.sqlite"
    return str(request.getfixturevalue("pg_uri"))


def test_a_set_up_command_makes_the_database_it_names(unmade: Path) -> None:
    new = unmade
    said = "there is no database" if isinstance(new, Path) else "holds no qcdesk database yet"
    assert said in refused("--db", str(new), "converters", "list")
    assert not _is_made(new)  # reading never makes a mistyped database
    ok("--db", str(new), "converters", "add", "4", "--name", "x")
    assert _is_made(new)


# ------------------------------------------------------------------- shifts

def _shifts(*rows: tuple[str, int]) -> list[Shift]:
    return [Shift(i, code, code.title(), code, start, i) for i, (code, start) in enumerate(rows, start=1)]


DEFAULT = _shifts(("night", 0), ("day", 480), ("evening", 960))


@pytest.mark.parametrize(("items", "starts"), [
    (["night=00:00", "day=08:00", "evening=16:00"], [0, 8 * 60, 16 * 60]),
    # 22:00 first: the evening before (12:00 or later starts the production day the day before)
    (["night=22:00", "day=06:00", "evening=14:00"], [-2 * 60, 6 * 60, 14 * 60]),
    (["night=12:00", "day=20:00", "evening=4:00"], [-12 * 60, -4 * 60, 4 * 60]),
    (["night=11:59", "day=20:00", "evening=4:00"], [11 * 60 + 59, 20 * 60, 28 * 60]),
    # the production day starts with the day shift: night is the next calendar day's 00:00
    (["day=08:00", "evening=16:00", "night=00:00"], [8 * 60, 16 * 60, 24 * 60]),
    # as typed with a Chinese input method
    (["ｎｉｇｈｔ＝００：００", "day = 08:00 ", "evening=16:00"], [0, 8 * 60, 16 * 60]),
])
def test_a_schedule_read_in_the_order_the_shifts_work(items: list[str], starts: list[int]) -> None:
    schedule = parse_schedule(items, DEFAULT)
    assert [s[3] for s in schedule] == starts
    assert [s[0] for s in schedule] == [i.split("=")[0].strip() if "=" in i else "night" for i in items]
    assert [s[1] for s in schedule] == [{"night": "Night", "day": "Day", "evening": "Evening"}[s[0]]
                                        for s in schedule]  # names kept


@pytest.mark.parametrize(("items", "said"), [
    (["night=24:00"], "'night=24:00': '24:00' is not a time of day: write HH:MM, from 00:00 to 23:59"),
    (["night=8"], "'night=8': '8' is not a time of day"),
    (["night=08:60"], "'08:60' is not a time of day"),
    (["night"], "'night': write each shift as CODE=HH:MM, e.g. night=00:00"),
    (["=08:00"], "write each shift as CODE=HH:MM"),
    (["night=00:00", "day=00:00"], "'day=00:00': starts when shift night starts"),
    (["night=00:00", "day=08:00", "evening=16:00", "late=00:30"],
     "'late=00:30': at 00:30 the next production day has begun (shift night starts it at 00:00)"),
    (["night=00:00", "night=08:00"], "'night=08:00': shift night is named twice"),
    (["night=00:00", "late=08:00"],
     "'late=08:00': late is a new shift: give its names with --name late=NAME and --zh late=NAME"),
])
def test_a_bad_schedule_names_the_item(items: list[str], said: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_schedule(items, DEFAULT)
    assert said in str(caught.value)


def test_names_for_shifts_given_and_refused() -> None:
    schedule = parse_schedule(["night=00:00", "day=06:00", "mid=12:00", "evening=18:00"], DEFAULT,
                              ["mid=Midday", "day=Morning"], ["mid=午班"])
    assert schedule == [("night", "Night", "night", 0), ("day", "Morning", "day", 360),
                        ("mid", "Midday", "午班", 720), ("evening", "Evening", "evening", 1080)]
    with pytest.raises(InputError, match="there is no shift 'late' in the schedule given"):
        parse_schedule(["night=00:00"], DEFAULT, ["late=Late"])
    with pytest.raises(InputError, match="write it as CODE=NAME"):
        parse_schedule(["night=00:00"], DEFAULT, ["Late"])


def test_a_schedule_set_from_the_command_line_places_heats(db: Path, tmp_path: Path) -> None:
    d = str(db)
    out = ok("--db", d, "shifts", "set", "night=22:00", "day=06:00", "evening=14:00")
    assert "22:00 (day before)" in out
    assert "As a command: qcdesk shifts set night=22:00 day=06:00 evening=14:00" in out
    assert as_json("--db", d, "shifts", "list") == [
        {"code": "night", "name_en": "Night", "name_zh": "夜班", "starts_at": "22:00", "day": -1,
         "start_min": -120},
        {"code": "day", "name_en": "Day", "name_zh": "白班", "starts_at": "06:00", "day": 0,
         "start_min": 360},
        {"code": "evening", "name_en": "Evening", "name_zh": "中班", "starts_at": "14:00", "day": 0,
         "start_min": 840}]
    # 23:00 on the 4th is the night shift of production date the 5th; 21:59 the evening of the 4th
    heats = write(tmp_path / "h.csv", HEAT_HEADER
                  + f"N1,1,2024-03-04 23:00,Q235B,30,1620,Wang,{GOOD}\n"
                  + f"E1,1,2024-03-04 21:59,Q235B,30,1620,Wang,{GOOD}\n"
                  + f"D1,1,2024-03-05 06:00,Q235B,30,1620,Wang,{GOOD}\n")
    ok("--db", d, "import", "heats", str(heats))
    placed = {h["heat_no"]: (h["date"], h["shift"])
              for h in as_json("--db", d, "heats", "--from", "2024-03-04", "--to", "2024-03-05")}
    assert placed == {"N1": ("2024-03-05", "night"), "E1": ("2024-03-04", "evening"),
                      "D1": ("2024-03-05", "day")}
    # a shift with heats cannot be left out of the schedule
    before = state(db)
    assert "shift 'evening' has heats and cannot be removed" in refused(
        "--db", d, "shifts", "set", "night=22:00", "day=10:00")
    assert state(db) == before
    # a new shift, named
    ok("--db", d, "shifts", "set", "night=22:00", "day=06:00", "mid=10:00", "evening=14:00",
       "--name", "mid=Midday", "--zh", "mid=午班")
    assert [(s["code"], s["name_zh"], s["start_min"]) for s in as_json("--db", d, "shifts", "list")] == [
        ("night", "夜班", -120), ("day", "白班", 360), ("mid", "午班", 600), ("evening", "中班", 840)]


# ------------------------------------------------------------------ defects

DEFECTS_HEADER = "code,name_en,name_zh,category\n"


def test_a_defects_file_adds_changes_and_leaves_alone(db: Path, tmp_path: Path) -> None:
    d = str(db)
    before = audit_length(db)
    changes = write(tmp_path / "defects.csv", DEFECTS_HEADER
                    + "PIPE,shrinkage cavity (pipe),缩孔,internal\n"     # as the seed has it: nothing
                    + "SCAB,scab (lower part),结疤,surface\n"            # English name changed
                    + "crzy,crazing,龟裂,Surface\n"                      # new (code and category as typed)
                    + "\n")                                             # a blank line is no record
    assert ok("--db", d, "defects", "import", str(changes)) == (
        f"{changes}: 1 defect(s) added, 1 changed, 1 unchanged.\n")
    listed = {x["code"]: x for x in as_json("--db", d, "defects", "list")}
    assert listed["CRZY"] == {"code": "CRZY", "name_en": "crazing", "name_zh": "龟裂", "category": "surface",
                              "active": True}
    assert listed["SCAB"]["name_en"] == "scab (lower part)"
    assert listed["PIPE"] == {"code": "PIPE", "name_en": "shrinkage cavity (pipe)", "name_zh": "缩孔",
                              "category": "internal", "active": True}
    assert len(listed) == 12  # the seed's 11 and one
    history = [e for e in as_json("--db", d, "history") if e["entity"] == "defect" and e["entity_key"]]
    assert [(e["action"], e["entity_key"], e["field"], e["old_value"], e["new_value"]) for e in history] == [
        ("update", "SCAB", "name_en", "scab", "scab (lower part)"),
        ("insert", "CRZY", None, None, '{"category": "surface", "name_en": "crazing", "name_zh": "龟裂"}')]
    assert audit_length(db) == before + 2
    # the same file again changes nothing at all
    again = state(db)
    assert ok("--db", d, "defects", "import", str(changes)) == (
        f"{changes}: 0 defect(s) added, 0 changed, 3 unchanged.\n")
    assert state(db) == again


def test_a_bad_defects_file_is_refused_whole(db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", DEFECTS_HEADER
                + "NEW1,fine,好,surface\n"
                + "P1PE,pipe again,缩孔,internal\n"
                + "BAD CODE,x,某,internal\n"
                + "NEW2,x,某,cosmetic\n"
                + "new1,twice,两次,surface\n"
                + "NEW3,,无,surface\n"
                + "NEW4,x,某\n"
                + "=cmd,x,某,surface\n")
    before = state(db)
    err = refused("--db", str(db), "defects", "import", str(bad))
    assert err.splitlines() == [
        f"{bad}: nothing imported, 7 problem(s) found",
        "line 3, column 1 (code): 'P1PE' looks like 'PIPE', which exists: use that one, or a name that "
        "cannot be mistaken for it (U+0031 DIGIT ONE where it has U+0049 LATIN CAPITAL LETTER I)",
        "line 4, column 1 (code): use capital letters, digits, '-' or '_' only",
        "line 5, column 4 (category): 'cosmetic' is not a category; use one of: surface, internal, "
        "dimensional",
        "line 6, column 1 (code): defect NEW1 is also on line 2",
        "line 7, column 2 (name_en): must not be empty",
        "line 8: 3 cells where the header names 4",
        "line 9, column 1 (code): use capital letters, digits, '-' or '_' only",
    ]
    assert state(db) == before


@pytest.mark.parametrize(("header", "said"), [
    ("code,name_en,name_zh\n", "line 1: the column 'category' is missing"),
    ("code,name_en,name_zh,category,colour\n", "line 1, column 5 (colour): unknown column; the columns are: "
                                              "code, name_en, name_zh, category"),
    ("", "line 1: the file is empty"),
])
def test_a_defects_file_with_a_wrong_header(db: Path, tmp_path: Path, header: str, said: str) -> None:
    before = state(db)
    assert said in refused("--db", str(db), "defects", "import", str(write(tmp_path / "d.csv", header)))
    assert state(db) == before


def test_the_catalogue_exported_imports_into_a_new_database_as_it_was(db: Path, tmp_path: Path) -> None:
    d = str(db)
    # a name a spreadsheet would run as a formula, and Chinese, to come back as they were
    ok("--db", d, "defects", "import", str(write(tmp_path / "more.csv", DEFECTS_HEADER
                                                   + 'CRZY,"=crazing, fine",龟裂,surface\n'
                                                   + "PIPE,shrinkage cavity,缩孔,internal\n")))
    exported = tmp_path / "catalogue.csv"
    assert ok("--db", d, "defects", "export", str(exported)) == f"12 defect(s) written to {exported}.\n"
    with exported.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["code", "name_en", "name_zh", "category"]
    assert ["CRZY", "'=crazing, fine", "龟裂", "surface"] in rows  # shown as text by a spreadsheet
    assert len(rows) == 13
    other = tmp_path / "other.sqlite"
    assert ok("--db", str(other), "defects", "import", str(exported)) == (
        f"{exported}: 1 defect(s) added, 1 changed, 10 unchanged.\n")
    assert as_json("--db", str(other), "defects", "list") == as_json("--db", d, "defects", "list")
    assert {x["code"]: x["name_en"] for x in as_json("--db", str(other), "defects", "list")}["CRZY"] == (
        "=crazing, fine")
    # an existing file is replaced only when told to
    assert "exists" in refused("--db", d, "defects", "export", str(exported))
    ok("--db", d, "defects", "export", str(exported), "--force")


def test_a_defects_file_in_gb18030(db: Path, tmp_path: Path) -> None:
    gb = write(tmp_path / "gb.csv", DEFECTS_HEADER + "CRZY,crazing,龟裂纹,surface\n", encoding="gb18030")
    ok("--db", str(db), "defects", "import", str(gb))
    assert {x["code"]: x["name_zh"] for x in as_json("--db", str(db), "defects", "list")}["CRZY"] == "龟裂纹"


# ---------------------------------------------------------------- standards

STANDARDS_HEADER = "grade,standard,edition,in_force_from,element,min_pct,max_pct\n"
# Grade 20 as GB/T 222's worked example has it (C 0.17–0.23); Q345B twice, the second edition with
# a lower Mn maximum.
MORE_STANDARDS = (STANDARDS_HEADER
                  + "20,GB/T 699,2015,2016-11-01,C,0.17,0.23\n"
                  + "20,GB/T 699,2015,2016-11-01,Mn,0.35,0.65\n"
                  + "Q345B,GB/T 1591,2008,2009-10-01,C,,0.20\n"
                  + "Q345B,GB/T 1591,2008,2009-10-01,Mn,,1.70\n"
                  + "Q345B,GB/T 1591,2018,2019-02-01,C,,0.20\n"
                  + "Q345B,GB/T 1591,2018,2019-02-01,Mn,,1.60\n"
                  + "Q345B,GB/T 1591,2018,2019-02-01,Si,,0.55\n")


def test_standards_without_an_action_still_list(db: Path) -> None:
    assert as_json("--db", str(db), "standards", "--grade", "Q235B") == as_json(
        "--db", str(db), "standards", "list", "--grade", "Q235B")
    assert "GB/T 700-2006" in ok("--db", str(db), "standards")


def test_the_standards_exported_import_into_a_new_database_as_they_were(db: Path, tmp_path: Path) -> None:
    d = str(db)
    assert ok("--db", d, "standards", "import", str(write(tmp_path / "more.csv", MORE_STANDARDS))) == (
        "2 grade(s) added: 20, Q345B.\n"
        f"{tmp_path / 'more.csv'}: 3 edition(s) added, 0 already in the database.\n")
    exported = tmp_path / "standards.csv"
    assert ok("--db", d, "standards", "export", str(exported)) == f"14 edition(s) written to {exported}.\n"
    with exported.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["grade", "standard", "edition", "in_force_from", "element", "min_pct", "max_pct"]
    # 11 GB/T 700 grades with 5 maxima each, grade 20's 2 limits, Q345B's 2 and 3
    assert len(rows) == 1 + 11 * 5 + 2 + 2 + 3
    assert [r for r in rows if r[0] == "20"] == [
        ["20", "GB/T 699", "2015", "2016-11-01", "C", "0.17", "0.23"],
        ["20", "GB/T 699", "2015", "2016-11-01", "Mn", "0.35", "0.65"]]
    assert [r for r in rows if r[0] == "Q235B"] == [
        ["Q235B", "GB/T 700", "2006", "2007-02-01", el, "", mx]
        for el, mx in (("C", "0.2"), ("Si", "0.35"), ("Mn", "1.4"), ("P", "0.045"), ("S", "0.045"))]
    other = tmp_path / "other.sqlite"
    out = ok("--db", str(other), "standards", "import", str(exported))
    assert out.endswith(": 3 edition(s) added, 11 already in the database.\n")
    # the same editions, compared on the rows parsed from each database's listing
    def editions(path: Path) -> set[tuple[object, ...]]:
        return {(e["grade"], e["standard"], e["edition"], e["effective_from"], lim["element"], lim["min"],
                 lim["max"]) for e in as_json("--db", str(path), "standards", "list") for lim in e["limits"]}
    assert editions(other) == editions(db)
    assert ("20", "GB/T 699", "2015", "2016-11-01", "C", 0.17, 0.23) in editions(other)
    assert len(editions(other)) == len(rows) - 1
    # importing what is there changes nothing, not even the audit trail
    before = state(other)
    assert ok("--db", str(other), "standards", "import", str(exported)).endswith(
        ": 0 edition(s) added, 14 already in the database.\n")
    assert state(other) == before


def test_an_edition_is_added_never_overwritten(db: Path, tmp_path: Path) -> None:
    d = str(db)
    ok("--db", d, "standards", "import", str(write(tmp_path / "more.csv", MORE_STANDARDS)))
    before = state(db)
    changed = write(tmp_path / "changed.csv", STANDARDS_HEADER
                    + "Q235B,GB/T 700,2006,2007-02-01,C,,0.20\n"
                    + "Q235B,GB/T 700,2006,2007-02-01,Si,,0.35\n"
                    + "Q235B,GB/T 700,2006,2007-02-01,Mn,,1.50\n"   # saved: 1.40
                    + "Q235B,GB/T 700,2006,2007-02-01,P,,0.045\n"   # and no S: saved ≤0.045
                    + "Q345B,GB/T 1591,2018,2020-01-01,C,,0.20\n"  # the 2018 edition has its date
                    + "20,GB/T 699,2015,2016-11-01,C,0.17,0.23\n"
                    + "20,GB/T 699,2015,2016-11-01,Mn,0.35,0.65\n"
                    + "20,GB/T 699,2015,2016-11-01,Cr,,0.25\n")     # not in the saved edition
    err = refused("--db", d, "standards", "import", str(changed))
    assert err.splitlines() == [
        f"{changed}: nothing imported, 3 problem(s) found",
        "line 4, column 7 (max_pct): Q235B already has an edition in force from 2007-02-01 (GB/T 700-2006) "
        "and this one differs: Mn: ≤1.40 saved, ≤1.50 in the file; S: ≤0.045 saved, not limited in the "
        "file. Editions are added, never overwritten: give a new edition a date of its own",
        "line 6, column 4 (in_force_from): Q345B's GB/T 1591-2018 is already in force from 2019-02-01: "
        "an edition has one date",
        "line 9, column 5 (element): 20 already has an edition in force from 2016-11-01 (GB/T 699-2015) "
        "and this one differs: Cr: not limited saved, ≤0.250 in the file. Editions are added, never "
        "overwritten: give a new edition a date of its own",
    ]
    assert state(db) == before
    # the change as a new edition, from a date of its own, is added; heats before it keep the old one
    newer = write(tmp_path / "newer.csv", STANDARDS_HEADER + "Q235B,GB/T 700,2024,2025-01-01,C,,0.18\n")
    assert ok("--db", d, "standards", "import", str(newer)).endswith(
        ": 1 edition(s) added, 0 already in the database.\n")
    assert [(e["title"] if "title" in e else e["standard"] + "-" + e["edition"], e["effective_from"])
            for e in as_json("--db", d, "standards", "list", "--grade", "Q235B")] == [
        ("GB/T 700-2006", "2007-02-01"), ("GB/T 700-2024", "2025-01-01")]


def test_a_standards_file_that_contradicts_itself_is_refused_whole(db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", STANDARDS_HEADER
                + "Q345C,GB/T 1591,2018,2019-02-01,c,,0.20\n"       # line 2: symbol's case
                + "Q345C,GB/T 1591,2018,2019-02-01,Mn,0.5,0.3\n"    # 3: min above max
                + "Q345C,GB/T 1591,2018,2019-02-01,Si,,\n"          # 4: no bound
                + "Q345C,GB/T 1591,2018,2019-02-01,P,,0.030\n"      # 5: fine
                + "Q345C,GB/T 1591,2018,2019-02-01,P,,0.035\n"      # 6: P twice
                + "Q345C,GB/T 1591,2018,2020-02-01,S,,0.030\n"      # 7: the edition on another date
                + "Q345C,GB/T 1591,2019,2019-02-01,S,,0.030\n"      # 8: two editions on one date
                + "Q345C,GB/T 1591,2018,2019-2-01,S,,0.030\n"       # 9: a date written otherwise
                + "Q345C,GB/T 1591,2018,2019-02-01,Xx,,0.030\n"     # 10: no such element
                + "Q345C,GB/T 1591,2018,2019-02-01,N,,1e-3\n"       # 11: no exponents
                + "Q345C,GB/T 1591,2018,2019-02-01,Al,,101\n"       # 12: over 100 %
                + "Q235b,GB/T 700,2006,2008-02-01,C,,0.20\n"        # 13: looks like Q235B
                + "Q235b,GB/T 700,2006,2008-02-01,Si,,0.35\n")      # 14: said once
    before = state(db)
    assert refused("--db", str(db), "standards", "import", str(bad)).splitlines() == [
        f"{bad}: nothing imported, 11 problem(s) found",
        "line 2, column 5 (element): write the element symbol as 'C'",
        "line 3, column 7 (max_pct): the minimum is above the maximum",
        "line 4, column 6 (min_pct): a limit needs a minimum, a maximum or both",
        "line 6, column 5 (element): P of this edition is also limited on line 5",
        "line 7, column 4 (in_force_from): Q345C's GB/T 1591-2018 is in force from 2019-02-01 on line 2: "
        "an edition has one date",
        "line 8, column 3 (edition): line 2 gives Q345C from 2019-02-01 as GB/T 1591-2018: one grade has "
        "one edition a date",
        "line 9, column 4 (in_force_from): '2019-2-01' is not a date that exists (write YYYY-MM-DD)",
        "line 10, column 5 (element): 'Xx' is not a chemical element symbol",
        "line 11, column 7 (max_pct): '1e-3' is not a plain decimal number such as 0.20 or 1540",
        "line 12, column 7 (max_pct): 101 mass % is out of range: must be ≥ 0 and ≤ 100 mass %",
        "line 13, column 1 (grade): 'Q235b' looks like 'Q235B', which exists: use that one, or a name that "
        "cannot be mistaken for it (U+0062 LATIN SMALL LETTER B where it has U+0042 LATIN CAPITAL LETTER B)",
    ]
    assert state(db) == before


def test_a_new_edition_judges_the_heats_it_was_missing(db: Path, tmp_path: Path) -> None:
    d = str(db)
    ok("--db", d, "standards", "import", str(write(tmp_path / "q345.csv", STANDARDS_HEADER
                                                     + "Q345B,GB/T 1591,2018,2019-02-01,C,,0.20\n")))
    heats = write(tmp_path / "h.csv", HEAT_HEADER
                  + f"A1,1,2019-01-05 09:00,Q345B,30,1620,Wang,{GOOD}\n"
                  + f"A2,1,2019-01-31 23:00,Q345B,30,1620,Wang,{GOOD}\n"
                  + f"A3,1,2019-02-01 09:00,Q345B,30,1620,Wang,{GOOD}\n")
    ok("--db", d, "import", "heats", str(heats))
    assert as_json("--db", d, "check", "A1")["status"] == "not_checked"
    ok("--db", d, "standards", "import", str(write(tmp_path / "older.csv", STANDARDS_HEADER
                                                     + "Q345B,GB/T 1591,2008,2009-10-01,C,,0.14\n")))
    # judged now by the 2008 edition: C 0.15 is over its 0.14; A3 keeps the 2018 edition's verdict
    assert [as_json("--db", d, "check", h)["status"] for h in ("A1", "A2", "A3")] == [
        "fails", "fails", "conforms"]


def test_an_edition_that_rejudges_signed_heats_asks_why(db_path: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)  # D1, D2 (day shift) and E1 (evening) of 2025-03-10, C 0.15, Q235B
    with Store.open(db_path, "tester") as s:
        s.login("wang", PINS["wang"])
        s.sign_shift(date(2025, 3, 10), "day", PINS["wang"])
    d = str(db_path)
    stricter = write(tmp_path / "stricter.csv", STANDARDS_HEADER + "Q235B,GB/T 700,2025,2025-01-01,C,,0.10\n")
    monkeypatch.setenv("QCDESK_PIN", PINS["hu"])
    before = state(db_path)
    err = refused("--db", d, "--user", "hu", "standards", "import", str(stricter))
    assert err == ("qcdesk: the new edition changes the verdict of signed heats (2025-03-10): say why it "
                   "applies to them; give it with --reason TEXT (nothing was imported)\n")
    assert state(db_path) == before
    ok("--db", d, "--user", "hu", "standards", "import", str(stricter), "--reason", "the 2025 edition")
    assert as_json("--db", d, "check", "D1")["status"] == "fails"


# ---------------------------------------------------------- unjudged heats

def _edition(grade: str, day: date) -> Standard:
    return Standard(0, grade, "GB/T 1591", "2018", day)


def test_unjudged_heats_are_those_before_their_grades_first_edition() -> None:
    taps = [("Q345B", date(2026, 1, 2)), ("Q345B", date(2026, 3, 31)), ("Q345B", date(2026, 2, 1)),
            ("Q345B", date(2026, 4, 1)),                           # the first edition's day: judged
            ("Q235B", date(2026, 1, 5)),                           # its edition is of 2007: judged
            ("X1", date(2026, 5, 1)), ("X1", date(2026, 5, 1))]    # no edition at all
    editions = [_edition("Q345B", date(2026, 9, 1)), _edition("Q345B", date(2026, 4, 1)),
                _edition("Q235B", date(2007, 2, 1))]
    found = unjudged(taps, editions)
    assert found == [Unjudged("Q345B", 3, date(2026, 1, 2), date(2026, 3, 31), date(2026, 4, 1)),
                     Unjudged("X1", 2, date(2026, 5, 1), date(2026, 5, 1), None)]
    assert describe(found) == [
        '5 heat(s) cannot be judged and stay "not checked": no standard edition in force on their tap date.',
        "  Q345B: 3 heat(s) tapped 2026-01-02 … 2026-03-31; its first edition is in force from 2026-04-01",
        "  X1: 2 heat(s) tapped 2026-05-01; X1 has no standard edition (add one in Set-up, or with qcdesk "
        "standards import)"]
    assert describe(unjudged(taps[3:5], editions)) == []


def test_a_heats_import_says_which_heats_no_edition_judges(db: Path, tmp_path: Path) -> None:
    d = str(db)
    ok("--db", d, "standards", "import", str(write(tmp_path / "q345.csv", STANDARDS_HEADER
                                                     + "Q345B,GB/T 1591,2018,2019-02-01,C,,0.20\n")))
    heats = write(tmp_path / "h.csv", HEAT_HEADER
                  + f"A1,1,2019-01-05 09:00,Q345B,30,1620,Wang,{GOOD}\n"
                  + f"A2,1,2019-01-31 23:00,Q345B,30,1620,Wang,{GOOD}\n"
                  + f"A3,1,2019-02-01 09:00,Q345B,30,1620,Wang,{GOOD}\n"
                  + f"A4,1,2007-01-31 09:00,Q235B,30,1620,Wang,{GOOD}\n"
                  + f"A5,1,2019-03-01 09:00,Q235B,30,1620,Wang,{GOOD}\n")
    assert ok("--db", d, "import", "heats", str(heats)) == (
        f"5 heat(s) imported from {heats}.\n"
        '3 heat(s) cannot be judged and stay "not checked": no standard edition in force on their tap date.\n'
        "  Q235B: 1 heat(s) tapped 2007-01-31; its first edition is in force from 2007-02-01\n"
        "  Q345B: 2 heat(s) tapped 2019-01-05 … 2019-01-31; its first edition is in force from 2019-02-01\n")
    # every heat judged: nothing more is said
    judged = write(tmp_path / "j.csv", HEAT_HEADER + f"B1,1,2019-03-01 10:00,Q345B,30,1620,Wang,{GOOD}\n")
    assert ok("--db", d, "import", "heats", str(judged)) == f"1 heat(s) imported from {judged}.\n"


def test_the_unjudged_heats_said_in_chinese(db: Path, tmp_path: Path) -> None:
    heats = write(tmp_path / "h.csv", HEAT_HEADER + f"A4,1,2007-01-31 09:00,Q235B,30,1620,Wang,{GOOD}\n")
    out = ok("--db", str(db), "--lang", "zh", "import", "heats", str(heats))
    set_language(None)
    assert "1 炉无法判定，保持“未检验”：其出钢日期没有现行的标准版本。" in out
    assert "Q235B：1 炉，出钢于 2007-01-31；其第一个版本自 2007-02-01 起实施" in out


# ------------------------------------------------- a workshop set up from the command line

YEAR = 2024
HOURS = (1, 5, 9, 13, 17, 21)  # six heats a converter a day, every four hours from 01:00


def _year_of_heats(path: Path) -> dict[str, int]:
    """Six heats a day on each of four converters through 2024, grades in turn; the heats of
    each grade, counted as written."""
    grades = ("Q235B", "Q345B", "Q235B", "20")
    analyses = {"Q235B": "0.15,0.20,0.50,0.020,0.020", "Q345B": "0.16,0.30,1.40,0.020,0.015",
                "20": "0.20,0.25,0.50,0.020,0.020"}
    counted: dict[str, int] = {}
    lines = [HEAT_HEADER]
    day = date(YEAR, 1, 1)
    n = 0
    while day.year == YEAR:
        for conv in ("1", "2", "3", "4"):
            for hour in HOURS:
                n += 1
                grade = grades[n % 4]
                counted[grade] = counted.get(grade, 0) + 1
                lines.append(f"{YEAR % 100}{conv}{n:05d},{conv},{day} {hour:02d}:30,{grade},30,1620,王丽,"
                             f"{analyses[grade]}\n")
        day += timedelta(days=1)
    path.write_text("".join(lines), encoding="utf-8")
    return counted


def test_a_four_converter_workshop_set_up_from_the_command_line(unmade: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    d = str(unmade)  # the first command makes it
    # the converters: the seed's three renamed and a fourth, all 30 t
    ok("--db", d, "converters", "add", "4", "--name", "LD 4", "--heat-t", "30")
    for conv in "123":
        ok("--db", d, "converters", "rename", conv, "--name", f"LD {conv}")
    # a night shift from 23:00 the evening before
    ok("--db", d, "shifts", "set", "night=23:00", "day=07:00", "evening=15:00")
    ok("--db", d, "defects", "import", str(write(tmp_path / "defects.csv", DEFECTS_HEADER
                                                   + "CRZY,crazing,龟裂,surface\n"
                                                   + "SEAM,seam,折叠,surface\n")))
    # Q345B's edition only from 2024-07-01: the first half year of it cannot be judged
    ok("--db", d, "standards", "import", str(write(tmp_path / "standards.csv", STANDARDS_HEADER
                                                     + "20,GB/T 699,2015,2016-11-01,C,0.17,0.23\n"
                                                     + "20,GB/T 699,2015,2016-11-01,Mn,0.35,0.65\n"
                                                     + "Q345B,GB/T 1591,2018,2024-07-01,C,,0.20\n"
                                                     + "Q345B,GB/T 1591,2018,2024-07-01,Mn,,1.70\n")))
    ok("--db", d, "workshop", "set", "No. 2 Converter Workshop", "--zh", "第二转炉车间")
    # then its people: set-up and heats from now on need a PIN
    monkeypatch.setenv("QCDESK_NEW_PIN", "admin-pin")
    ok("--db", d, "user", "add", "ada", "--role", "admin")
    monkeypatch.setenv("QCDESK_PIN", "admin-pin")
    monkeypatch.setenv("QCDESK_NEW_PIN", "insp-pin")
    ok("--db", d, "--user", "ada", "user", "add", "王丽", "--role", "inspector")
    heats = tmp_path / "year.csv"
    counted = _year_of_heats(heats)
    total = 366 * 4 * len(HOURS)  # 2024 is a leap year: 8,784 heats
    assert sum(counted.values()) == total
    monkeypatch.setenv("QCDESK_PIN", "insp-pin")
    out = ok("--db", d, "--user", "王丽", "import", "heats", str(heats))
    # Q345B is every fourth heat from the second: heats 2, 6, 10, … ; those tapped before July
    first_half = sum(1 for n in range(1, total + 1) if n % 4 == 1
                     and (n - 1) // (4 * len(HOURS)) < (date(YEAR, 7, 1) - date(YEAR, 1, 1)).days)
    assert out.splitlines() == [
        f"{total:d} heat(s) imported from {heats}.",
        f'{first_half} heat(s) cannot be judged and stay "not checked": no standard edition in force on '
        "their tap date.",
        f"  Q345B: {first_half} heat(s) tapped 2024-01-01 … 2024-06-30; its first edition is in force from "
        "2024-07-01"]
    assert first_half == 182 * 24 // 4  # 182 days before July, 24 heats a day, a quarter of them Q345B
    # the last heat of a day is at 21:30, before the night shift of the next production date starts at
    # 23:00: each production date holds its own calendar day's six heats a converter
    by_converter = as_json("--db", d, "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                           "--by", "converter")
    assert [(r["converter"], r["heats"], r["output_t"]) for r in by_converter["rows"]] == [
        (c, 6, 180.0) for c in "1234"]
    # night 23:00-07:00, day 07:00-15:00, evening 15:00-23:00
    placed = {h["heat_no"]: h["shift"] for h in as_json("--db", d, "heats", "--from", "2024-01-01",
                                                         "--to", "2024-01-01", "--converter", "1")}
    assert list(placed.values()) == ["night", "night", "day", "day", "evening", "evening"]
    statuses = as_json("--db", d, "heats", "--from", "2024-06-30", "--to", "2024-07-01", "--grade", "Q345B")
    assert {(h["date"], h["status"]) for h in statuses} == {("2024-06-30", "not_checked"),
                                                            ("2024-07-01", "conforms")}
    # two 15 t ingots a heat on 2024-03-05, judged with the new defect codes: the second ingot of a Q235B
    # heat is scrap (SEAM), of any other conditioned (CRZY)
    day_heats = as_json("--db", d, "heats", "--from", "2024-03-05", "--to", "2024-03-05")
    ingots = ["heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"]
    for h in day_heats:
        second = "scrap,SEAM@middle" if h["grade"] == "Q235B" else "conditioned,CRZY@top"
        ingots += [f"{h['heat_no']},1,15000,accepted,,王丽\n", f"{h['heat_no']},2,15000,{second},王丽\n"]
    ok("--db", d, "--user", "王丽", "import", "ingots", str(write(tmp_path / "ingots.csv", "".join(ingots))))
    total_day = as_json("--db", d, "rates", "--from", "2024-03-05", "--to", "2024-03-05")["total"]
    # 24 heats: 12 Q235B, 6 of grade 20 (both conform), 6 Q345B not checked (before its edition);
    # judged ingots of checked heats 18 × 2 = 36, of which 12 scrap; 12 ingots await chemistry
    assert (total_day["heats"], total_day["ingots_judged"], total_day["ingots_qualified"],
            total_day["ingots_awaiting_chemistry"]) == (24, 36, 24, 12)
    assert total_day["ingot_qualified_rate_by_count"] == pytest.approx(24 / 36)
    code, out, _err = run("--db", d, "verify")
    assert code == 0, out


# ------------------------------------------------------------ lists and plain words

def test_every_list_speaks_json(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path)
    d = str(db_path)
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    assert as_json("--db", d, "--user", "ada", "user", "list") == [
        {"name": "ada", "role": "admin", "active": True, "locked_until": None},
        {"name": "hu", "role": "head", "active": True, "locked_until": None},
        {"name": "li", "role": "inspector", "active": True, "locked_until": None},
        {"name": "wang", "role": "inspector", "active": True, "locked_until": None}]
    for argv in (["converters", "list"], ["shifts", "list"], ["defects", "list"], ["standards", "list"],
                 ["plan", "list"]):
        assert isinstance(as_json("--db", d, *argv), list), argv


@pytest.mark.parametrize("argv", [
    ["converters", "add", "4", "--name", "x"], ["converters", "retire", "3"],
    ["shifts", "set", "night=00:00", "day=08:00", "evening=16:00"],
    ["defects", "import", "defects.csv"], ["standards", "import", "standards.csv"],
])
def test_a_set_up_change_without_a_terminal_for_the_pin(db_path: Path, argv: list[str]) -> None:
    make_shop(db_path)
    before = state(db_path)
    assert refused("--db", str(db_path), "--user", "hu", *argv) == (
        "qcdesk: a PIN is needed and there is no terminal to type it in: set QCDESK_PIN (for scripts); "
        "nothing was changed\n")
    assert state(db_path) == before


@pytest.mark.parametrize("argv", [
    ["converters", "--help"], ["converters", "add", "--help"], ["shifts", "set", "--help"],
    ["defects", "import", "--help"], ["standards", "--help"], ["standards", "export", "--help"],
])
def test_the_set_up_commands_explain_themselves(db: Path, argv: list[str]) -> None:
    code, out, err = run("--db", str(db), *argv)
    assert (code, err) == (0, "")
    assert out.startswith("usage: qcdesk")


@pytest.mark.parametrize(("argv", "said"), [
    (["defects", "import", "missing.csv"], "missing.csv cannot be read"),
    (["standards", "import", "."], "is a folder"),
    (["defects", "export", "{db}"], "database"),
    (["standards", "export", "{db}"], "database"),
    (["shifts", "set"], ""),
    (["converters", "add", "4"], ""),
])
def test_mistakes_are_said_in_one_line(db: Path, argv: list[str], said: str) -> None:
    before = state(db)
    code, out, err = run("--db", str(db), *(a.format(db=db) for a in argv))
    assert code in (1, 2)
    assert said in err
    assert out == ""
    assert state(db) == before
