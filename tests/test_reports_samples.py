"""The heat sheet and the daily report with the lab's samples, product analyses and re-graded ingots
(issue 16): the rows and the PDF text carry the figures worked by hand below.

Heat 1-0001, Q235B (GB/T 700-2006: C ≤ 0.20, Si ≤ 0.35, Mn ≤ 1.40, P ≤ 0.045, S ≤ 0.045), tapped
2024-03-04 09:00, heat analysis C 0.18, Si 0.20, Mn 0.50, P 0.020, S 0.020; four ingots of 5000 kg:
1-3 accepted, 4 re-graded as Q275B (a grade C 0.18 satisfies: C ≤ 0.21). GB/T 222-2006: C 0.20 →
"≤0.25" → +0.02, allowed ≤ 0.22; Mn 1.40 → ">0.80–1.70" → +0.06, ≤ 1.46; S 0.045 → "≤0.050" →
+0.005, ≤ 0.050. Product sample P1 of ingot 1: C 0.22 (on the edge: ok), Mn 1.46 (on the edge: ok);
P2 of ingot 2: C 0.23 (one step beyond: FAILS), S 0.051 (one step beyond: FAILS).

Heat 2-0001, grade 20 (C 0.17–0.23, a test grade as GB/T 222's worked example), analysis C 0.20;
product samples of ingots 1 and 2 at C 0.24 and C 0.16: each inside 0.15–0.25, but one above the
maximum and one below the minimum, so the one-side rule fails both.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from qcdesk.i18n import set_language
from qcdesk.model import Disposition, Limit, SampleKind
from qcdesk.store import NewHeat, NewIngot, Store
from reports import daily, heat_sheet
from reports.data import heat_sheet as sheet_data
from reports.lab_data import daily_lab, heat_lab, numbers

DAY = date(2024, 3, 4)
AT = datetime(2024, 3, 5, 7, 30)
A, R = Disposition.ACCEPTED, Disposition.REGRADED


@pytest.fixture
def shop(db_path: Path) -> Path:
    with Store.open(db_path, "tester", clock=lambda: datetime(2024, 3, 4, 15, 0)) as s:
        s.add_heat(NewHeat("1-0001", "1", datetime(2024, 3, 4, 9, 0), "Q235B", 20.0, 1600.0, "wang",
                           analysis={"C": 0.18, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}))
        s.add_ingots("1-0001", [NewIngot(1, 5000, A, "wang"), NewIngot(2, 5000, A, "wang"),
                                NewIngot(3, 5000, A, "wang"),
                                NewIngot(4, 5000, R, "wang", regrade_to="Q275B")])
        s.add_sample("1-0001", SampleKind.PRELIMINARY, {"C": 0.35}, sample_no="V1",
                     taken_at=datetime(2024, 3, 4, 8, 40))
        s.add_sample("1-0001", SampleKind.PRODUCT, {"C": 0.22, "Mn": 1.46}, sample_no="P1", ingot_no=1,
                     taken_at=datetime(2024, 3, 4, 11, 0))
        s.add_sample("1-0001", SampleKind.PRODUCT, {"C": 0.23, "S": 0.051}, sample_no="P2", ingot_no=2,
                     taken_at=datetime(2024, 3, 4, 11, 5))
        s.add_grade("20")
        s.add_edition("20", "GB/T 699", "2015", date(2016, 11, 1), [Limit("C", 0.17, 0.23)])
        s.add_heat(NewHeat("2-0001", "2", datetime(2024, 3, 4, 10, 0), "20", 10.0, 1600.0, "wang",
                           analysis={"C": 0.20}))
        s.add_ingots("2-0001", [NewIngot(1, 5000, A, "wang"), NewIngot(2, 5000, A, "wang")])
        for n, c in ((1, 0.24), (2, 0.16)):
            s.add_sample("2-0001", SampleKind.PRODUCT, {"C": c}, sample_no=f"Q{n}", ingot_no=n,
                         taken_at=datetime(2024, 3, 4, 12, 0))
    return db_path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_heat_sheet_lists_the_samples_and_each_product_verdict(shop: Path) -> None:
    with Store.open(shop, "reader") as store:
        lab = heat_lab(store, "1-0001")
    assert lab.samples is not None
    assert [row[:5] for row in lab.samples.rows] == [
        ("preliminary analysis", "V1", "—", "2024-03-04 08:40", "tester"),
        ("heat analysis", "—", "—", "2024-03-04 09:00", "wang"),  # typed in: the heat's inspector
        ("product analysis", "P1", "1", "2024-03-04 11:00", "tester"),
        ("product analysis", "P2", "2", "2024-03-04 11:05", "tester")]
    assert lab.product is not None
    assert lab.product.rows == (
        ("P1", "1", "C", "0.22", "—", "0.20", "+0.02", "≤ 0.22", "ok"),
        ("P1", "1", "Mn", "1.46", "—", "1.40", "+0.06", "≤ 1.46", "ok"),
        ("P2", "2", "C", "0.23", "—", "0.20", "+0.02", "≤ 0.22", "FAILS"),
        ("P2", "2", "S", "0.051", "—", "0.045", "+0.005", "≤ 0.050", "FAILS"))
    assert lab.product.marked == {(2, 3), (2, 8), (3, 3), (3, 8)}
    assert lab.basis == ("Judged against the limits of Q235B, GB/T 700-2006, widened by the tolerances of "
                         "GB/T 222-2006 (one side only within a heat).")
    assert lab.notes == ("Ingot(s) 2 fail their product analysis: not qualified, whatever their surface.",)


def test_the_one_side_rule_fails_both_ingots(shop: Path) -> None:
    with Store.open(shop, "reader") as store:
        lab = heat_lab(store, "2-0001")
    assert lab.product is not None
    assert lab.product.rows == (
        ("Q1", "1", "C", "0.24", "0.17", "0.23", "−0.02/+0.02", "0.15–0.25", "FAILS (one side only)"),
        ("Q2", "2", "C", "0.16", "0.17", "0.23", "−0.02/+0.02", "0.15–0.25", "FAILS (one side only)"))


def test_the_ingots_of_the_sheet_name_the_grade_released_as_and_count_the_failures(shop: Path) -> None:
    with Store.open(shop, "reader") as store:
        sheet = sheet_data(store, "1-0001", AT)
    assert [row[3] for row in sheet.ingots.rows] == ["accepted", "accepted", "accepted", "regraded as Q275B"]
    assert (1, 0) in sheet.ingots.marked  # ingot 2's number: its product analysis fails
    totals = {f.key: f.text for f in sheet.totals}
    assert totals["ingots_failing_product_analysis"] == "1"
    # qualified: ingots 1 and 3 of four judged, all 5000 kg: 10,000 ÷ 20,000 = 50.0%
    assert totals["ingot_qualified_rate"] == "50.0%"


def test_the_heat_sheet_pdf_has_the_product_analysis_lines(shop: Path, tmp_path: Path) -> None:
    with Store.open(shop, "reader") as store:
        text = pdf_text(heat_sheet.write(store, "1-0001", tmp_path / "h.pdf", AT))
    for line in ("Samples from the lab", "Product analysis",
                 "P1 1 C 0.22 — 0.20 +0.02 ≤ 0.22 ok", "P1 1 Mn 1.46 — 1.40 +0.06 ≤ 1.46 ok",
                 "P2 2 C 0.23 — 0.20 +0.02 ≤ 0.22 FAILS", "P2 2 S 0.051 — 0.045 +0.005 ≤ 0.050 FAILS",
                 "4 5,000 — regraded as Q275B", "Ingot(s) 2 fail their product analysis"):
        assert line in text, line


def test_the_daily_report_counts_the_failures_and_lists_the_regraded_ingots(shop: Path,
                                                                            tmp_path: Path) -> None:
    with Store.open(shop, "reader") as store:
        lab = daily_lab(store, DAY)
        text = pdf_text(daily.write(store, DAY, tmp_path / "d.pdf", AT))
    # 1-0001's ingot 2 and both ingots of 2-0001: three of 5000 kg
    assert lab.failing_line == ("3 ingot(s) fail product analysis this day (15,000 kg), 3 this month to "
                                "date: not qualified, whatever their surface.")
    assert lab.failing.rows == (
        ("1-0001", "2", "Q235B", "P2", "C 0.23 > 0.22, S 0.051 > 0.050", "5,000", "conforms"),
        ("2-0001", "1", "20", "Q1", "C 0.24 (one side only)", "5,000", "conforms"),
        ("2-0001", "2", "20", "Q2", "C 0.16 (one side only)", "5,000", "conforms"))
    assert lab.regraded.rows == (("1-0001", "Q235B", "4", "Q275B", "1", "5,000"),)
    for line in ("3 ingot(s) fail product analysis this day (15,000 kg)",
                 "Ingots failing product analysis",
                 "1-0001 2 Q235B P2 C 0.23 > 0.22, S 0.051 > 0.050 5,000 conforms", "Re-graded ingots",
                 "1-0001 Q235B 4 Q275B 1 5,000"):
        assert line in text, line


def test_the_documents_in_chinese(shop: Path, tmp_path: Path) -> None:
    set_language("zh")
    with Store.open(shop, "reader") as store:
        sheet = pdf_text(heat_sheet.write(store, "1-0001", tmp_path / "h.pdf", AT))
        report = pdf_text(daily.write(store, DAY, tmp_path / "d.pdf", AT))
    for line in ("化验室试样", "成品分析", "P2 2 C 0.23 — 0.20 +0.02 ≤ 0.22 不合格", "改判为 Q275B",
                 "炉前分析"):
        assert line in sheet, line
    for line in ("当日成品分析不合格钢锭 3 支", "成品分析不合格钢锭", "改判钢锭",
                 "1-0001 Q235B 4 Q275B 1 5,000"):
        assert line in report, line


def test_ingot_numbers_are_written_as_runs() -> None:
    assert numbers([9, 1, 2, 3, 4, 7, 10]) == "1–4, 7, 9–10"
    assert numbers([5]) == "5"


def test_the_period_report_counts_the_ingots_failing_product_analysis(shop: Path) -> None:
    from reports.period_data import period_report

    with Store.open(shop, "reader") as store:
        report = period_report(store, DAY, DAY)
    figures = {f.key: f.text for f in report.figures}
    assert figures["ingots_failing_product_analysis"] == "3"  # 1-0001/2 and both ingots of 2-0001
    assert any("3 judged ingot(s) fail their product analysis" in note.text for note in report.footnotes)
