"""The lab's files through the command line: `import|export analyses`, the ingots file's
regrade_to column, `tolerances list|import|export`, and `check` with the samples (issue 16)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qcdesk.cli import main
from qcdesk.model import SampleKind
from qcdesk.store import Store

# 5 March 2024, the default shifts. Q235B maxima: C 0.20 Si 0.35 Mn 1.40 P 0.045 S 0.045.
HEATS_CSV = """\
heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector
24A001,1,2024-03-05 09:00,Q235B,30,1620,Wang
24A002,1,2024-03-05 10:00,Q235B,30,1620,Wang
"""
INGOTS_CSV = """\
heat_no,ingot_no,weight_kg,disposition,defects,inspector
24A001,1,1000,accepted,,Wang
24A001,2,1000,accepted,,Wang
24A001,3,800,conditioned,,Wang
24A002,1,900,accepted,,Wang
"""
HEADER = "heat_no,sample,kind,ingot_no,taken_at,C,Si,Mn,P,S\n"
GOOD_LINES = (
    "24A001,L1,preliminary,,2024-03-05 08:45,0.35,,0.20,,\n"       # during the blow
    "24A001,H-1,heat,,2024-03-05 09:00,0.18,0.20,0.50,0.020,0.020\n"
    "24A001,P1,product,1,2024-03-06 10:00,0.22,0.20,0.50,0.020,0.020\n"  # C on 0.20 + 0.02
    "24A001,P2,product,2,2024-03-06 10:00,0.221,0.20,0.50,0.020,0.020\n"  # one step beyond
    "24A002,H-7,heat,,2024-03-05 10:02,0.15,0.20,0.50,0.020,0.020\n"
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def shop(db_path: Path, tmp_path: Path) -> Path:
    """Heats 24A001 and 24A002 of HEATS_CSV with the ingots of INGOTS_CSV, in a new database (a
    SQLite file or a server's)."""
    db = db_path
    Store.open(db, "tester").close()
    (tmp_path / "heats.csv").write_text(HEATS_CSV, encoding="utf-8")
    (tmp_path / "ingots.csv").write_text(INGOTS_CSV, encoding="utf-8")
    assert run("--db", str(db), "import", "heats", str(tmp_path / "heats.csv"))[0] == 0
    assert run("--db", str(db), "import", "ingots", str(tmp_path / "ingots.csv"))[0] == 0
    return db


def write(tmp_path: Path, text: str, name: str = "analyses.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def dump(db: Path) -> list[str]:
    with Store.open(db, "reader") as s:
        return list(s.conn.iterdump())


def test_an_analyses_file_imports_whole(shop: Path, tmp_path: Path) -> None:
    code, out, err = run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    assert (code, err) == (0, "")
    assert out == f"5 sample(s) imported from {tmp_path / 'analyses.csv'}.\n"
    with Store.open(shop, "reader") as s:
        kinds = [(x.kind, x.sample_no, x.ingot_no) for x in s.samples("24A001")]
        assert kinds == [(SampleKind.PRELIMINARY, "L1", None), (SampleKind.HEAT, "H-1", None),
                         (SampleKind.PRODUCT, "P1", 1), (SampleKind.PRODUCT, "P2", 2)]
        assert s.heat("24A001").analysis == {"C": 0.18, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
        assert [i.product_fails for i in s.ingots("24A001")] == [False, True, False]
    rates = json.loads(run("--db", str(shop), "rates", "--from", "2024-03-05", "--to", "2024-03-05",
                           "--json")[1])["total"]
    assert rates["ingots_failing_product_analysis"] == 1
    assert rates["weight_qualified_kg"] == 1000 + 800 + 900  # 24A001/2 is out
    assert rates["weight_judged_kg"] == 1000 + 1000 + 800 + 900
    table = run("--db", str(shop), "rates", "--from", "2024-03-05", "--to", "2024-03-05")[1]
    assert "1 judged ingot(s) fail their product analysis: not qualified" in table


@pytest.mark.parametrize(("line", "where", "words"), [
    ("24Z999,P1,product,1,2024-03-06 10:00,0.15,,,,", "line 3, column 1 (heat_no)",
     "there is no heat '24Z999'"),
    ("24A001,P9,product,,2024-03-06 10:00,0.15,,,,", "line 3, column 4 (ingot_no)", "names the ingot"),
    ("24A001,L9,preliminary,1,2024-03-05 08:50,0.15,,,,", "line 3, column 4 (ingot_no)",
     "only a product sample names an ingot"),
    ("24A001,P9,product,7,2024-03-06 10:00,0.15,,,,", "line 3, column 4 (ingot_no)",
     "heat 24A001 has no ingot 7"),
    ("24A001,P9,product,1,2024-03-05 08:59,0.15,,,,", "line 3, column 5 (taken_at)",
     "2024-03-05 08:59 is before the tap (2024-03-05 09:00)"),
    ("24A001,P9,product,1,2024-03-06 25:00,0.15,,,,", "line 3, column 5 (taken_at)", "not a date and time"),
    ("24A001,P9,product,1,06/03/2024 10:00,0.15,,,,", "line 3, column 5 (taken_at)", "YYYY-MM-DD HH:MM"),
    ("24A001,P1,product,2,2024-03-06 10:00,0.15,,,,", "line 3, column 2 (sample)",
     "sample P1 of heat 24A001 is also on line 2"),
    ("24A001,P9,alloy,1,2024-03-06 10:00,0.15,,,,", "line 3, column 3 (kind)", "not a kind of sample"),
    ("24A001,,product,1,2024-03-06 10:00,0.15,,,,", "line 3, column 2 (sample)", "sample number"),
    ("24A001,P9,product,1,2024-03-06 10:00,,,,,", "line 3:", "at least one element"),
    ("24A001,P9,product,1,2024-03-06 10:00,101,,,,", "line 3, column 6 (C)", ""),
])
def test_a_bad_analyses_file_is_refused_whole(shop: Path, tmp_path: Path, line: str, where: str,
                                             words: str) -> None:
    before = dump(shop)
    text = HEADER + "24A001,P1,product,1,2024-03-06 10:00,0.15,0.20,0.50,0.020,0.020\n" + line + "\n"
    code, out, err = run("--db", str(shop), "import", "analyses", str(write(tmp_path, text)))
    assert (code, out) == (1, "")
    assert "nothing imported" in err
    problem = next(ln for ln in err.splitlines() if ln.startswith("line 3"))
    assert problem.startswith(where)
    assert words in problem
    assert dump(shop) == before


def test_a_sample_already_in_the_database_is_refused(shop: Path, tmp_path: Path) -> None:
    run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    before = dump(shop)
    again = HEADER + ("24A002,P1,product,1,2024-03-06 10:00,0.15,,,,\n"
                      "24A001,P1,product,3,2024-03-06 10:00,0.15,,,,\n")
    code, _out, err = run("--db", str(shop), "import", "analyses", str(write(tmp_path, again, "again.csv")))
    assert code == 1
    assert "line 3, column 2 (sample): heat 24A001 already has sample P1" in err
    assert "line 2" not in err  # P1 of another heat is another sample
    assert dump(shop) == before


def test_a_second_heat_sample_replaces_the_first_only_with_a_reason(shop: Path, tmp_path: Path) -> None:
    run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    before = dump(shop)
    second = HEADER + "24A001,H-2,heat,,2024-03-05 09:03,0.19,0.21,0.52,0.021,0.021\n"
    path = write(tmp_path, second, "second.csv")
    code, _out, err = run("--db", str(shop), "import", "analyses", str(path))
    assert code == 1
    assert "line 2, column 3 (kind): heat 24A001 already has a heat analysis: give --reason" in err
    assert dump(shop) == before
    code, _out, err = run("--db", str(shop), "import", "analyses", str(path), "--reason", "ladle resampled")
    assert (code, err) == (0, "")
    with Store.open(shop, "reader") as s:
        heat_samples = [x for x in s.samples("24A001") if x.kind is SampleKind.HEAT]
        assert [(x.sample_no, x.values["C"]) for x in heat_samples] == [("H-2", 0.19)]
        assert s.heat("24A001").analysis["C"] == 0.19
        assert {e.reason for e in s.audit("24A001") if e.field == "C"} >= {"ladle resampled"}
    # two heat samples of one heat in one file: refused
    two = HEADER + ("24A002,H-8,heat,,2024-03-05 10:02,0.15,,,,\n"
                    "24A002,H-9,heat,,2024-03-05 10:03,0.15,,,,\n")
    code, _out, err = run("--db", str(shop), "import", "analyses", str(write(tmp_path, two, "two.csv")),
                          "--reason", "x")
    assert code == 1
    assert "line 3, column 3 (kind): heat 24A002 has another heat sample on line 2" in err


def test_a_chinese_lab_file_in_gb18030_imports(shop: Path, tmp_path: Path) -> None:
    text = HEADER + ("24A001,试样1,成品分析,3,2024-03-06 10:00,0.19,,,,\n"
                     "24A001,炉前1,炉前分析,,2024-03-05 08:50,0.4,,,,\n")
    code, _out, err = run("--db", str(shop), "import", "analyses",
                          str(write(tmp_path, text, "gb.csv", encoding="gb18030")))
    assert (code, err) == (0, "")
    with Store.open(shop, "reader") as s:
        assert [(x.kind, x.sample_no) for x in s.samples("24A001")] == [
            (SampleKind.PRELIMINARY, "炉前1"), (SampleKind.PRODUCT, "试样1")]


def test_the_export_is_the_import_format(shop: Path, tmp_path: Path) -> None:
    run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    exported = tmp_path / "out.csv"
    code, out, _err = run("--db", str(shop), "export", "analyses", str(exported))
    assert (code, out) == (0, f"5 sample(s) written to {exported}.\n")
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "heat_no,sample,kind,ingot_no,taken_at,C,Si,Mn,P,S"
    assert "24A001,P2,product,2,2024-03-06 10:00,0.221,0.2,0.5,0.02,0.02" in text.splitlines()
    # into another database with the same heats and ingots: the same samples, the same file again
    other = tmp_path / "other.sqlite"
    Store.open(other, "tester").close()
    run("--db", str(other), "import", "heats", str(tmp_path / "heats.csv"))
    run("--db", str(other), "import", "ingots", str(tmp_path / "ingots.csv"))
    code, _out, err = run("--db", str(other), "import", "analyses", str(exported))
    assert (code, err) == (0, "")
    again = tmp_path / "again.csv"
    run("--db", str(other), "export", "analyses", str(again))
    assert again.read_bytes() == exported.read_bytes()


def test_check_shows_each_sample_element_by_element(shop: Path, tmp_path: Path) -> None:
    run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    code, out, err = run("--db", str(shop), "check", "24A001", "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["status"] == "conforms"
    samples = {s["sample"]: s for s in result["samples"]}
    assert [(s["kind"], s["sample"], s["ingot_no"], s["status"]) for s in result["samples"]] == [
        ("preliminary", "L1", None, "not_judged"), ("heat", "H-1", None, "conforms"),
        ("product", "P1", 1, "conforms"), ("product", "P2", 2, "fails")]
    c = next(e for e in samples["P2"]["elements"] if e["element"] == "C")
    assert c == {"element": "C", "value": 0.221, "min": None, "max": 0.2,
                 "tolerance": {"below": None, "above": 0.02}, "allowed": {"min": None, "max": 0.22},
                 "ok": False, "one_side": False}
    # C 0.18: not Q195 (≤ 0.12), Q215A/B (≤ 0.15), Q235C/D (≤ 0.17), nor its own grade Q235B
    assert result["regrade_to"] == ["Q235A", "Q275A", "Q275B", "Q275C", "Q275D"]
    code, out, _err = run("--db", str(shop), "check", "24A001")
    assert code == 0
    assert "product analysis P2, taken 2024-03-06 10:00, ingot 2: fails" in out
    assert "GB/T 222-2006" in out


def test_the_ingots_file_names_the_grade_a_regraded_ingot_is_released_as(shop: Path, tmp_path: Path) -> None:
    run("--db", str(shop), "import", "analyses", str(write(tmp_path, HEADER + GOOD_LINES)))
    before = dump(shop)
    bad = ("heat_no,ingot_no,weight_kg,disposition,defects,inspector,regrade_to\n"
           "24A001,4,700,regraded,,Wang,Q195\n24A001,5,700,accepted,,Wang,Q235A\n")
    code, _out, err = run("--db", str(shop), "import", "ingots", str(write(tmp_path, bad, "bad.csv")))
    assert code == 1
    assert ("line 2, column 7 (regrade_to): heat 24A001 does not satisfy Q195; the grades it satisfies: "
            "Q235A, Q275A, Q275B, Q275C, Q275D") in err
    assert "line 3, column 7 (regrade_to): only a re-graded ingot is released as another grade" in err
    assert dump(shop) == before
    good = ("heat_no,ingot_no,weight_kg,disposition,defects,inspector,regrade_to\n"
            "24A001,4,700,regraded,,Wang,Q235A\n")
    assert run("--db", str(shop), "import", "ingots", str(write(tmp_path, good, "good.csv")))[0] == 0
    exported = tmp_path / "ingots-out.csv"
    run("--db", str(shop), "export", "ingots", str(exported))
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "heat_no,ingot_no,weight_kg,disposition,defects,inspector,regrade_to"
    assert "24A001,4,700,regraded,,Wang,Q235A" in lines


def test_tolerances_list_export_and_import(shop: Path, tmp_path: Path) -> None:
    listed = json.loads(run("--db", str(shop), "tolerances", "list", "--json")[1])
    assert [(e["title"], e["in_force_from"]) for e in listed] == [("GB/T 222-2006", "2007-02-01")]
    assert {"element": "S", "up_to": 0.05, "below": None, "above": 0.005} in listed[0]["classes"]
    code, out, _err = run("--db", str(shop), "tolerances", "list")
    assert code == 0
    assert ">0.25–0.55" in out
    exported = tmp_path / "tolerances.csv"
    assert run("--db", str(shop), "tolerances", "export", str(exported))[0] == 0
    text = exported.read_text(encoding="utf-8-sig")
    assert text.splitlines()[:3] == ["standard,edition,in_force_from,element,up_to_pct,below_pct,above_pct",
                                     "GB/T 222,2006,2007-02-01,C,0.25,0.02,0.02",
                                     "GB/T 222,2006,2007-02-01,C,0.55,0.03,0.03"]
    before = dump(shop)
    code, out, err = run("--db", str(shop), "tolerances", "import", str(exported))
    assert (code, err) == (0, "")
    assert "0 edition(s) added" in out
    assert dump(shop) == before  # identical: nothing changes
    newer = write(tmp_path, "standard,edition,in_force_from,element,up_to_pct,below_pct,above_pct\n"
                  "TEST,1,2024-03-01,C,,0.05,0.05\n", "newer.csv")
    code, out, err = run("--db", str(shop), "tolerances", "import", str(newer))
    assert (code, err) == (0, "")
    assert "1 edition(s) added" in out
    other = write(tmp_path, "standard,edition,in_force_from,element,up_to_pct,below_pct,above_pct\n"
                  "TEST,2,2024-03-01,C,,0.06,0.06\n", "other.csv")
    before = dump(shop)
    code, _out, err = run("--db", str(shop), "tolerances", "import", str(other))
    assert code == 1
    assert "line 2, column 3 (in_force_from): TEST-1 is in force from 2024-03-01" in err
    assert dump(shop) == before


def test_messages_of_the_lab_files_in_chinese(shop: Path, tmp_path: Path) -> None:
    text = HEADER + "24A001,P9,product,,2024-03-06 10:00,0.15,,,,\n"
    code, _out, err = run("--lang", "zh", "--db", str(shop), "import", "analyses", str(write(tmp_path, text)))
    assert code == 1
    assert "第 2 行，第 4 列（ingot_no）：成品分析须注明取样的钢锭" in err
