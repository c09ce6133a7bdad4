"""The `qcdesk` command line, driven through `qcdesk.cli.main` with captured streams.

The workshop below is small enough to compute every figure by hand; the
expected rates are written as the arithmetic that gives them.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qcdesk import cli
from qcdesk.cli import main
from qcdesk.store import Store

REPO = Path(__file__).resolve().parents[1]

# 5 March 2024, default shifts: night 00-08, day 08-16, evening 16-24.
HEATS_CSV = """\
heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S,Cr
24A001,1,2024-03-05 09:00,Q235B,30,1620,Wang,0.20,0.25,0.50,0.045,0.030,0.10
24B001,2,2024-03-05 02:00,Q235B,25,1610,Li,0.25,0.25,0.50,0.030,0.030,
24C001,3,2024-03-05 17:00,Q235B,20,,Zhao,0.15,0.20,0.45,0.020,,
"""
# 24A001: day shift, conforms (C 0.20 and P 0.045 exactly on the Q235B maxima)
# 24B001: night shift, fails (C 0.25 > 0.20)
# 24C001: evening shift, not yet checked (S not analysed)
INGOTS_CSV = """\
heat_no,ingot_no,weight_kg,disposition,defects,inspector
24A001,1,1000,accepted,,Wang
24A001,2,1000,conditioned,TCRK@top,Wang
24A001,3,750,scrap,PIPE,Wang
24A001,4,500,pending,,Wang
24B001,1,1200,accepted,,Li
24B001,2,800,regraded,SCAB@bottom,Li
24C001,1,900,accepted,,Zhao
"""

ROW_FIELDS = {"heats", "output_t", "ingots", "ingots_judged", "ingots_qualified",
              "ingots_awaiting_chemistry", "weight_judged_kg", "weight_qualified_kg",
              "ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
              "chemistry_conformance_rate"}


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line; no traceback may ever reach the user."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue()
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A new database with the seed data only (read commands never create one)."""
    path = tmp_path / "workshop.sqlite"
    Store.open(path, "tester").close()
    return path


@pytest.fixture
def workshop(db: Path, tmp_path: Path) -> Path:
    """The three heats and seven ingots above, imported through the command line."""
    (tmp_path / "heats.csv").write_text(HEATS_CSV, encoding="utf-8")
    (tmp_path / "ingots.csv").write_text(INGOTS_CSV, encoding="utf-8")
    code, out, err = run("--db", str(db), "import", "heats", str(tmp_path / "heats.csv"))
    assert (code, err) == (0, "")
    assert out.startswith("3 heat(s) imported")
    code, out, err = run("--db", str(db), "import", "ingots", str(tmp_path / "ingots.csv"))
    assert (code, err) == (0, "")
    assert out.startswith("7 ingot(s) imported")
    return db


def audit_users(db: Path) -> set[str]:
    with Store.open(db, "reader") as s:
        # leaving out the seal of the seed data, written when the database was made
        return {e.user for e in s.audit() if e.entity != "schema" and e.field != "sealed"}


# ------------------------------------------------------------------- rates

def test_rates_json_total(workshop: Path) -> None:
    report = run_json("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05")
    assert set(report) == {"from", "to", "by", "basis", "rows", "total"}
    assert (report["from"], report["to"], report["by"], report["basis"]) == (
        "2024-03-05", "2024-03-05", [], "weight")
    total = report["total"]
    assert set(total) >= ROW_FIELDS
    assert total["heats"] == 3
    assert total["output_t"] == 30 + 25 + 20
    assert total["ingots"] == 7
    # judged ingots of checked heats: 24A001's 1, 2, 3 and 24B001's 1, 2 (24C001 is not checked)
    assert total["ingots_judged"] == 5
    assert total["weight_judged_kg"] == 1000 + 1000 + 750 + 1200 + 800
    # qualified: accepted/conditioned AND heat conforms: only 24A001's 1 and 2
    assert total["ingots_qualified"] == 2
    assert total["weight_qualified_kg"] == 1000 + 1000
    assert total["ingots_awaiting_chemistry"] == 1
    assert total["ingot_qualified_rate"] == 2000 / 4750
    assert total["ingot_qualified_rate_by_count"] == 2 / 5
    # surface ignores chemistry: accepted/conditioned weight over every judged ingot
    assert total["surface_qualified_rate"] == (1000 + 1000 + 1200 + 900) / (2750 + 2000 + 900)
    assert total["surface_qualified_rate_by_count"] == 4 / 6
    assert total["chemistry_conformance_rate"] == 1 / 2
    assert total["chemistry_conformance_rate_by_weight"] == 30 / (30 + 25)


def test_rates_json_by_shift_in_shift_order_with_nulls(workshop: Path) -> None:
    report = run_json("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                      "--by", "shift")
    assert report["by"] == ["shift"]
    night, day, evening = report["rows"]
    assert [r["shift"] for r in report["rows"]] == ["night", "day", "evening"]
    assert all(set(r) >= ROW_FIELDS for r in report["rows"])
    # night: 24B001 fails, so its accepted ingot is not qualified: a rate of 0, not undefined
    assert (night["heats"], night["ingots_judged"], night["weight_judged_kg"]) == (1, 2, 1200 + 800)
    assert night["ingot_qualified_rate"] == 0 / 2000
    assert night["surface_qualified_rate"] == 1200 / 2000
    assert night["chemistry_conformance_rate"] == 0 / 1
    # day: 24A001
    assert day["ingot_qualified_rate"] == 2000 / 2750
    assert day["ingot_qualified_rate_by_count"] == 2 / 3
    assert day["chemistry_conformance_rate"] == 1 / 1
    assert day["ingots"] == 4
    # evening: 24C001 awaits chemistry: no judged ingot of a checked heat, no checked heat
    assert evening["ingots_awaiting_chemistry"] == 1
    assert evening["ingots_judged"] == 0
    assert evening["ingot_qualified_rate"] is None
    assert evening["ingot_qualified_rate_by_count"] is None
    assert evening["chemistry_conformance_rate"] is None
    assert evening["surface_qualified_rate"] == 900 / 900


def test_rates_json_is_null_over_nothing(db: Path) -> None:
    report = run_json("--db", str(db), "rates", "--from", "2024-03-01", "--to", "2024-03-31")
    assert report["rows"] == []
    assert report["total"]["heats"] == 0
    for key in ("ingot_qualified_rate", "ingot_qualified_rate_by_count", "surface_qualified_rate",
                "chemistry_conformance_rate"):
        assert report["total"][key] is None


def test_rates_by_converter_and_shift_order(db: Path, tmp_path: Path) -> None:
    lines = ["heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector"]
    for no, conv, at in [("a", "2", "17:00"), ("b", "1", "09:00"), ("c", "3", "01:00"),
                         ("d", "1", "03:00"), ("e", "2", "04:00"), ("f", "1", "20:00"),
                         ("g", "1", "21:00")]:
        lines.append(f"{no},{conv},2024-03-05 {at},Q235B,10,1600,Wang")
    (tmp_path / "h.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("--db", str(db), "import", "heats", str(tmp_path / "h.csv"))[0] == 0
    report = run_json("--db", str(db), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                      "--by", "converter,shift")
    assert [(r["converter"], r["shift"], r["heats"]) for r in report["rows"]] == [
        ("1", "night", 1), ("1", "day", 1), ("1", "evening", 2),
        ("2", "night", 1), ("2", "evening", 1),
        ("3", "night", 1)]
    assert [r["output_t"] for r in report["rows"]] == [10, 10, 10 + 10, 10, 10, 10]
    assert report["total"]["heats"] == 7
    # no analysis at all: nothing is checked, every chemistry rate undefined
    assert report["total"]["chemistry_conformance_rate"] is None


def test_rates_by_day_names_the_date(workshop: Path) -> None:
    report = run_json("--db", str(workshop), "rates", "--from", "2024-03-04", "--to", "2024-03-06",
                      "--by", "day,grade")
    assert [(r["date"], r["grade"], r["heats"]) for r in report["rows"]] == [("2024-03-05", "Q235B", 3)]


@pytest.mark.parametrize("by", ["colour", "shift,shift", "converter,,shift"])
def test_rates_by_unknown_key_is_refused(workshop: Path, by: str) -> None:
    code, out, err = run("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                         "--by", by)
    assert code in (1, 2)
    assert out == ""
    assert err.startswith("qcdesk: ")
    assert "--by" in err
    assert len(err.strip().splitlines()) == 1


def test_rates_table_weight_leads_by_default(workshop: Path) -> None:
    code, out, err = run("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05")
    assert (code, err) == (0, "")
    top, bottom = out.splitlines()[0:2]  # a header of two lines: "ingot rate" over "(weight)"
    assert bottom.index("(weight)") < bottom.index("(count)")
    assert top.index("ingot rate") < top.index("surface rate")
    assert "judged" in top
    assert " t " in f"{bottom} "  # with weight leading, ingots are counted in tonnes
    # 2000/4750 = 42.1%, 2/5 = 40.0%, surface 4100/5650 = 72.6%, chemistry 1/2 = 50.0%, 30/55 = 54.5%
    row = out.splitlines()[3]
    # judged and qualified tonnes: 4750 kg → 4.8 t (1200+800+1000+1000+750), 2000 kg → 2.0 t
    assert row.split()[2:4] == ["4.8", "2.0"]
    assert row.split()[-5:] == ["42.1%", "40.0%", "72.6%", "50.0%", "54.5%"]
    assert "weight of qualified ingots ÷ weight of judged ingots of checked heats" in out


def test_rates_table_count_basis_leads(workshop: Path) -> None:
    code, out, _err = run("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                          "--basis", "count")
    assert code == 0
    bottom = out.splitlines()[1]
    assert bottom.index("(count)") < bottom.index("(weight)")
    assert "ingots" in bottom
    # 2/5 = 40.0% first, then 2000/4750 = 42.1%; surface by count 4/6 = 66.7%
    assert out.splitlines()[3].split()[-5:] == ["40.0%", "42.1%", "66.7%", "50.0%", "54.5%"]
    # judged and qualified ingots: 5 and 2
    assert out.splitlines()[3].split()[2:4] == ["5", "2"]
    assert "qualified ingots ÷ judged ingots of checked heats" in out


def test_rates_table_shows_a_dash_for_undefined(workshop: Path) -> None:
    code, out, _err = run("--db", str(workshop), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                          "--by", "shift")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[3:7]}
    assert set(rows) == {"Night", "Day", "Evening", "total"}  # shifts by name
    rows = {k.lower(): v for k, v in rows.items()}
    # evening: ingot rates and chemistry undefined, surface 900/900
    assert rows["evening"][-5:] == ["—", "—", "100.0%", "—", "—"]
    # night: defined and zero, never shown as a dash
    assert rows["night"][-5:] == ["0.0%", "0.0%", "60.0%", "0.0%", "0.0%"]
    assert "— : undefined" in out


def test_rates_table_shows_one_decimal(db: Path, tmp_path: Path) -> None:
    """966 kg qualified of 1000 kg judged: 96.6%, as on 2 February 1959."""
    (tmp_path / "h.csv").write_text(
        "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
        "59001,1,2024-02-02 10:00,Q235A,1.1,1600,Wang,0.2,0.2,0.5,0.03,0.03\n", encoding="utf-8")
    (tmp_path / "i.csv").write_text(
        "heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"
        "59001,1,966,accepted,,Wang\n59001,2,34,scrap,PIPE@top,Wang\n", encoding="utf-8")
    assert run("--db", str(db), "import", "heats", str(tmp_path / "h.csv"))[0] == 0
    assert run("--db", str(db), "import", "ingots", str(tmp_path / "i.csv"))[0] == 0
    code, out, _err = run("--db", str(db), "rates", "--from", "2024-02-02", "--to", "2024-02-02")
    assert code == 0
    # 966 / (966 + 34) = 96.6% by weight; 1 / 2 = 50.0% by count
    assert out.splitlines()[3].split()[-5:] == ["96.6%", "50.0%", "96.6%", "100.0%", "100.0%"]
    report = run_json("--db", str(db), "rates", "--from", "2024-02-02", "--to", "2024-02-02")
    assert report["total"]["ingot_qualified_rate"] == 966 / 1000  # unrounded underneath


def test_rates_table_with_no_heats(db: Path) -> None:
    code, out, _err = run("--db", str(db), "rates", "--from", "2024-01-01", "--to", "2024-01-31")
    assert code == 0
    assert "No heats" in out
    assert "0.0%" not in out


@pytest.mark.parametrize("bad", ["2021-02-29", "2024-02-30", "2024/03/05", "yesterday", "2024-13-01", ""])
def test_invalid_date_is_a_usage_error(db: Path, bad: str) -> None:
    code, out, err = run("--db", str(db), "rates", "--from", bad, "--to", "2024-03-05")
    assert code == 2
    assert out == ""
    assert f"{bad!r} is not a date that exists" in err
    fresh = db.with_name("never.sqlite")
    assert run("--db", str(fresh), "rates", "--from", bad, "--to", "2024-03-05")[0] == 2
    assert not fresh.exists()  # nothing was opened, let alone created


def test_to_before_from_is_refused(workshop: Path) -> None:
    for command in ("rates", "heats"):
        code, out, err = run("--db", str(workshop), command, "--from", "2024-03-06", "--to", "2024-03-05")
        assert code == 1
        assert out == ""
        assert "before" in err


@pytest.mark.parametrize("argv", [
    ["rates", "--to", "2024-03-05"],                                   # --from missing
    ["rates", "--from", "2024-03-05", "--to", "2024-03-05", "--basis", "volume"],
    ["import", "slabs", "x.csv"],
    ["frobnicate"],
    ["check"],
])
def test_usage_errors_exit_2_with_a_message(db: Path, argv: list[str]) -> None:
    code, out, err = run("--db", str(db), *argv)
    assert code == 2
    assert out == ""
    assert "error:" in err


def test_no_command_prints_help(tmp_path: Path) -> None:
    db = tmp_path / "never.sqlite"
    code, out, err = run("--db", str(db))
    assert (code, err) == (0, "")
    assert out.startswith("usage: qcdesk")
    for command in ("rates", "check", "heats", "standards", "import", "export"):
        assert command in out
    assert not db.exists()


def test_help_goes_to_the_output_stream(db: Path) -> None:
    code, out, err = run("rates", "--help")
    assert (code, err) == (0, "")
    assert "--basis" in out


# ------------------------------------------------------------------- check

def test_check_json_conforming_heat_with_values_on_the_limits(workshop: Path) -> None:
    result = run_json("--db", str(workshop), "check", "24A001")
    assert set(result) == {"heat_no", "grade", "standard", "status", "elements", "samples", "regrade_to"}
    assert (result["heat_no"], result["grade"], result["status"]) == ("24A001", "Q235B", "conforms")
    assert result["standard"]["standard"] == "GB/T 700"
    assert result["standard"]["edition"] == "2006"
    elements = {e["element"]: e for e in result["elements"]}
    assert [e["element"] for e in result["elements"]] == ["C", "Si", "Mn", "P", "S", "Cr"]
    # C 0.20 and P 0.045 are exactly the maxima: inside (bounds inclusive)
    assert elements["C"] == {"element": "C", "value": 0.2, "min": None, "max": 0.2, "ok": True}
    assert elements["P"] == {"element": "P", "value": 0.045, "min": None, "max": 0.045, "ok": True}
    assert elements["S"] == {"element": "S", "value": 0.03, "min": None, "max": 0.045, "ok": True}
    # Cr is analysed but Q235B does not limit it: nothing to judge
    assert elements["Cr"] == {"element": "Cr", "value": 0.1, "min": None, "max": None, "ok": None}


def test_check_json_failing_and_unchecked_heats(workshop: Path) -> None:
    failing = run_json("--db", str(workshop), "check", "24B001")
    assert failing["status"] == "fails"
    assert {e["element"]: e["ok"] for e in failing["elements"]} == {
        "C": False, "Si": True, "Mn": True, "P": True, "S": True}
    waiting = run_json("--db", str(workshop), "check", "24C001")
    assert waiting["status"] == "not_checked"
    sulphur = next(e for e in waiting["elements"] if e["element"] == "S")
    assert sulphur == {"element": "S", "value": None, "min": None, "max": 0.045, "ok": None}


def test_check_table(workshop: Path) -> None:
    code, out, _err = run("--db", str(workshop), "check", "24B001")
    assert code == 0
    assert out.splitlines()[0] == "Heat 24B001, grade Q235B, GB/T 700-2006: fails"
    carbon = next(line for line in out.splitlines() if line.startswith("C "))
    assert carbon.split() == ["C", "0.25", "0.20", "FAILS"]  # limits as the standard writes them
    code, out, _err = run("--db", str(workshop), "check", "24C001")
    assert next(line for line in out.splitlines() if line.startswith("S ")).split() == [
        "S", "0.045", "missing"]


def test_check_heat_tapped_before_any_edition_was_in_force(db: Path, tmp_path: Path) -> None:
    """GB/T 700-2006 is in force from 2007-02-01: an older heat has no standard to meet."""
    (tmp_path / "h.csv").write_text(
        "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C\n"
        "59001,1,1959-02-02 10:00,Q235B,30,1600,Wang,0.5\n", encoding="utf-8")
    assert run("--db", str(db), "import", "heats", str(tmp_path / "h.csv"))[0] == 0
    result = run_json("--db", str(db), "check", "59001")
    assert (result["standard"], result["status"]) == (None, "not_checked")
    assert result["elements"] == [{"element": "C", "value": 0.5, "min": None, "max": None, "ok": None}]


def test_check_unknown_heat(workshop: Path) -> None:
    code, out, err = run("--db", str(workshop), "check", "99Z999")
    assert code == 1
    assert out == ""
    assert err == "qcdesk: there is no heat '99Z999'\n"


# ----------------------------------------------------- heats and standards

def test_heats_json(workshop: Path) -> None:
    heats = run_json("--db", str(workshop), "heats", "--from", "2024-03-05", "--to", "2024-03-05")
    # in tap order: 02:00, 09:00, 17:00
    assert [(h["heat_no"], h["shift"], h["date"], h["status"]) for h in heats] == [
        ("24B001", "night", "2024-03-05", "fails"),
        ("24A001", "day", "2024-03-05", "conforms"),
        ("24C001", "evening", "2024-03-05", "not_checked")]
    b, a, c = heats
    assert a["tapped_at"] == "2024-03-05 09:00"
    assert (a["converter"], a["grade"], a["tap_weight_t"], a["tap_temp_c"]) == ("1", "Q235B", 30, 1620)
    assert (a["ingots"], a["ingots_judged"]) == (4, 3)
    assert a["analysis"] == {"C": 0.2, "Si": 0.25, "Mn": 0.5, "P": 0.045, "S": 0.03, "Cr": 0.1}
    assert c["tap_temp_c"] is None
    assert "S" not in c["analysis"]
    assert b["inspector"] == "Li"
    empty = run_json("--db", str(workshop), "heats", "--from", "2024-03-06", "--to", "2024-03-31")
    assert empty == []


def test_heats_table(workshop: Path) -> None:
    code, out, _err = run("--db", str(workshop), "heats", "--from", "2024-03-05", "--to", "2024-03-05")
    assert code == 0
    assert out.splitlines()[-1] == "3 heat(s)"
    assert any(line.startswith("24A001") and "3/4" in line for line in out.splitlines())


def test_standards_json_has_the_gbt700_grades(db: Path) -> None:
    standards = run_json("--db", str(db), "standards")
    assert [s["grade"] for s in standards] == [
        "Q195", "Q215A", "Q215B", "Q235A", "Q235B", "Q235C", "Q235D",
        "Q275A", "Q275B", "Q275C", "Q275D"]
    assert all((s["standard"], s["edition"]) == ("GB/T 700", "2006") for s in standards)
    q235b = next(s for s in standards if s["grade"] == "Q235B")
    assert q235b["limits"] == [
        {"element": "C", "min": None, "max": 0.20},
        {"element": "Si", "min": None, "max": 0.35},
        {"element": "Mn", "min": None, "max": 1.40},
        {"element": "P", "min": None, "max": 0.045},
        {"element": "S", "min": None, "max": 0.045}]
    q195 = next(s for s in standards if s["grade"] == "Q195")
    assert [lim["max"] for lim in q195["limits"]] == [0.12, 0.30, 0.50, 0.035, 0.040]


def test_standards_table(db: Path) -> None:
    code, out, _err = run("--db", str(db), "standards", "--grade", "Q235B")
    assert code == 0
    assert "Q235B" in out
    assert "C ≤0.2" in out
    assert "Q275A" not in out


# ------------------------------------------------------- import and export

def test_import_refused_names_line_and_column_and_imports_nothing(workshop: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C\n"
        "24D001,1,2024-03-06 09:00,Q235B,30,1600,Wang,0.18\n"
        "24D002,1,2024-03-06 10:00,Q235B,nan,1600,Wang,0.18\n"
        "24D003,9,2021-02-29 10:00,Q235B,30,1600,Wang,1e3\n"
        "24A001,1,2024-03-06 11:00,Q235B,30,1600,Wang,0.18\n", encoding="utf-8")
    before = workshop.read_bytes()
    code, out, err = run("--db", str(workshop), "import", "heats", str(bad))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert "nothing imported, 5 problem(s) found" in lines[0]
    assert lines[1].startswith("line 3, column 5 (tap_weight_t): ")
    assert lines[2].startswith("line 4, column 2 (converter): ")
    assert lines[3].startswith("line 4, column 3 (tapped_at): ")
    assert lines[4].startswith("line 4, column 8 (C): ")
    assert lines[5].startswith("line 5, column 1 (heat_no): ")
    assert len(lines) == 6
    assert workshop.read_bytes() == before
    assert run_json("--db", str(workshop), "heats", "--from", "2024-03-06", "--to", "2024-03-06") == []


def test_import_ingots_refused(workshop: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"
                   "24C001,2,900,accepted,,Zhao\n"
                   "24C001,1,900,accepted,,Zhao\n"
                   "24C001,3,900,ok,TCRK@side,Zhao\n", encoding="utf-8")
    before = workshop.read_bytes()
    code, out, err = run("--db", str(workshop), "import", "ingots", str(bad))
    assert (code, out) == (1, "")
    assert [line.split(":")[0] for line in err.splitlines()[1:]] == [
        "line 3, column 2 (ingot_no)", "line 4, column 4 (disposition)", "line 4, column 5 (defects)"]
    assert workshop.read_bytes() == before


def test_import_with_encoding_option(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(HEATS_CSV.replace("Wang", "王建国").encode("utf-16"))
    code, out, err = run("--db", str(db), "import", "heats", str(path))
    assert (code, out) == (1, "")
    assert "--encoding" in err
    code, _out, err = run("--db", str(db), "import", "heats", str(path), "--encoding", "utf-16")
    assert (code, err) == (0, "")
    assert run_json("--db", str(db), "check", "24A001")["status"] == "conforms"
    heats = run_json("--db", str(db), "heats", "--from", "2024-03-05", "--to", "2024-03-05")
    assert {h["heat_no"]: h["inspector"] for h in heats}["24A001"] == "王建国"


def test_import_of_a_missing_file(db: Path, tmp_path: Path) -> None:
    code, out, err = run("--db", str(db), "import", "heats", str(tmp_path / "nope.csv"))
    assert (code, out) == (1, "")
    assert err.startswith("qcdesk: ")
    assert "cannot be read" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_shows_progress_on_a_terminal(db: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "h.csv").write_text(HEATS_CSV, encoding="utf-8")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = io.StringIO()
    assert main(["--db", str(db), "import", "heats", str(tmp_path / "h.csv")], out, terminal) == 0
    assert "saving 3/3 rows (100%)" in terminal.getvalue()
    assert out.getvalue().startswith("3 heat(s) imported")


def test_import_shows_no_progress_when_not_on_a_terminal(db: Path, tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text(HEATS_CSV, encoding="utf-8")
    code, _out, err = run("--db", str(db), "import", "heats", str(tmp_path / "h.csv"))
    assert (code, err) == (0, "")


def test_export_writes_what_import_reads(workshop: Path, tmp_path: Path) -> None:
    code, out, err = run("--db", str(workshop), "export", "heats", str(tmp_path / "out-heats.csv"))
    assert (code, err) == (0, "")
    assert out.startswith("3 heat(s) written")
    code, out, err = run("--db", str(workshop), "export", "ingots", str(tmp_path / "out-ingots.csv"),
                         "--from", "2024-03-05", "--to", "2024-03-05")
    assert (code, err) == (0, "")
    assert out.startswith("7 ingot(s) written")
    heats = (tmp_path / "out-heats.csv").read_text(encoding="utf-8-sig").splitlines()
    assert heats[0] == "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S,Cr"
    assert heats[1] == "24B001,2,2024-03-05 02:00,Q235B,25,1610,Li,0.25,0.25,0.5,0.03,0.03,"
    # into a fresh database: the same rates
    fresh = tmp_path / "fresh.sqlite"
    assert run("--db", str(fresh), "import", "heats", str(tmp_path / "out-heats.csv"))[0] == 0
    assert run("--db", str(fresh), "import", "ingots", str(tmp_path / "out-ingots.csv"))[0] == 0
    span = ("rates", "--from", "2024-03-05", "--to", "2024-03-05", "--by", "converter,shift")
    assert run_json("--db", str(fresh), *span) == run_json("--db", str(workshop), *span)


def test_export_to_a_folder_is_a_plain_error(workshop: Path, tmp_path: Path) -> None:
    code, out, err = run("--db", str(workshop), "export", "ingots", str(tmp_path))
    assert (code, out) == (1, "")
    assert err.startswith("qcdesk: ")
    assert "cannot be written" in err
    assert "internal error" not in err


# --------------------------------------------------- database and user

def test_qcdesk_db_variable_and_db_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "h.csv").write_text(HEATS_CSV, encoding="utf-8")
    from_env, from_option = tmp_path / "env.sqlite", tmp_path / "option.sqlite"
    monkeypatch.setenv("QCDESK_DB", str(from_env))
    assert run("import", "heats", str(tmp_path / "h.csv"))[0] == 0
    assert from_env.exists()
    # --db wins over QCDESK_DB
    assert run("--db", str(from_option), "import", "heats", str(tmp_path / "h.csv"))[0] == 0
    env_bytes = from_env.read_bytes()
    code, out, _err = run("info")
    assert code == 0
    assert f"database: {from_env}" in out
    code, out, _err = run("--db", str(from_option), "info")
    assert f"database: {from_option}" in out
    assert from_env.read_bytes() == env_bytes
    for path in (from_env, from_option):
        with Store.open(path, "reader") as s:
            assert s.counts()["heat"] == 3


def test_user_from_variable_option_and_login(db: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "h.csv").write_text(HEATS_CSV, encoding="utf-8")
    monkeypatch.setenv("LOGNAME", "zhao")
    assert run("--db", str(db), "import", "heats", str(tmp_path / "h.csv"))[0] == 0
    assert audit_users(db) == {"zhao"}

    (tmp_path / "i.csv").write_text(INGOTS_CSV, encoding="utf-8")
    monkeypatch.setenv("QCDESK_USER", "wang")
    lines = INGOTS_CSV.splitlines()
    (tmp_path / "i1.csv").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")   # 24A001's ingots
    (tmp_path / "i2.csv").write_text("\n".join([lines[0], *lines[5:]]) + "\n", encoding="utf-8")
    assert run("--db", str(db), "import", "ingots", str(tmp_path / "i1.csv"))[0] == 0
    assert run("--db", str(db), "--user", "li", "import", "ingots", str(tmp_path / "i2.csv"))[0] == 0

    history = run_json("--db", str(db), "history")
    who = {(e["entity"], e["entity_key"]): e["user"] for e in history}
    assert who[("heat", "24A001")] == "zhao"
    assert who[("ingot", "24A001/1")] == "wang"      # QCDESK_USER
    assert who[("ingot", "24B001/2")] == "li"        # --user beats QCDESK_USER
    assert {e["user"] for e in run_json("--db", str(db), "history", "24C001")} == {"zhao", "li"}
    _code, out, _err = run("--db", str(db), "info")
    assert "user: wang" in out


def test_database_newer_than_the_program(workshop: Path) -> None:
    with sqlite3.connect(workshop) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = workshop.read_bytes()
    for argv in (["info"], ["rates", "--from", "2024-03-05", "--to", "2024-03-05", "--json"],
                 ["import", "heats", str(workshop.with_name("heats.csv"))]):
        code, out, err = run("--db", str(workshop), *argv)
        assert code == 1
        assert out == ""
        assert err.startswith("qcdesk: ")
        assert "newer qcdesk" in err
        assert len(err.strip().splitlines()) == 1
    assert workshop.read_bytes() == before


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("heat_no,converter\n24A001,1\n", encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run("--db", str(path), "standards")
    assert (code, out) == (1, "")
    assert "not a qcdesk database" in err
    assert path.read_bytes() == before


def test_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    conn.close()
    before = path.read_bytes()
    code, out, err = run("--db", str(path), "standards", "--json")
    assert (code, out) == (1, "")
    assert "another program" in err
    assert path.read_bytes() == before


def test_database_path_that_is_a_folder(tmp_path: Path) -> None:
    code, out, err = run("--db", str(tmp_path), "info")
    assert (code, out) == (1, "")
    assert "is a folder" in err


def test_a_read_command_never_creates_a_mistyped_database(tmp_path: Path) -> None:
    typo = tmp_path / "wrokshop.sqlite"
    code, out, err = run("--db", str(typo), "rates", "--from", "2024-03-05", "--to", "2024-03-05")
    assert (code, out) == (1, "")
    assert "there is no database at" in err
    assert not typo.exists()


def test_the_default_database_is_made_on_first_use() -> None:
    code, out, _err = run("standards")  # no --db, no QCDESK_DB: the user data folder
    assert code == 0
    assert "Q235B" in out


def test_an_empty_db_option_is_refused() -> None:
    code, _out, err = run("--db", "", "standards")
    assert code == 2
    assert "--db" in err


def test_a_bug_is_logged_not_shown(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(cli.COMMANDS, "info", broken)
    code, out, err = run("--db", str(db), "info")
    assert (code, out) == (1, "")
    assert "internal error (ZeroDivisionError: division by zero)" in err
    log = cli._log_path()
    assert str(log) in err
    assert "Traceback" in log.read_text(encoding="utf-8")


# ------------------------------------------------ the installed command

def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCDESK_")}
    return {**env, **extra}


def test_python_m_qcdesk_runs(db: Path, tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text(HEATS_CSV, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qcdesk", "import", "heats", str(tmp_path / "h.csv")],
                          cwd=tmp_path, env=_env(QCDESK_DB=str(db), QCDESK_USER="wang"),
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("3 heat(s) imported")
    done = subprocess.run([sys.executable, "-m", "qcdesk", "--db", str(db), "check", "24B001", "--json"],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0
    assert json.loads(done.stdout)["status"] == "fails"
    assert audit_users(db) == {"wang"}


def test_installed_qcdesk_command_reports_errors_plainly(db: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("qcdesk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "qcdesk"]
    for argv, code in ((["rates", "--from", "2021-02-29", "--to", "2021-03-01"], 2),
                       (["check", "NOPE"], 1)):
        done = subprocess.run([*command, "--db", str(db), *argv], cwd=REPO, env=_env(),
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == code
        assert done.stdout == ""
        assert done.stderr.strip()
        assert "Traceback" not in done.stderr
