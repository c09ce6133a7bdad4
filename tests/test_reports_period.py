"""The period quality report: what it prints against figures computed apart from it (the
store's rates, Pareto and analysis values, not the report's own code), its charts' axes,
Chinese, the embedded font, and `qcdesk report period`."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from qcdesk import spc
from qcdesk.i18n import set_language
from qcdesk.model import EVERYTHING
from qcdesk.rates import format_rate
from qcdesk.store import Store
from qcdesk.trends import Grain, Period, freeze_p_limits
from reports import period
from reports.layout import nice_axis
from reports.period import axis_text, step_decimals
from reports.period_data import file_stem, period_of, period_report, x_label
from ui.launcher import main

FEB_1, FEB_28 = date(1959, 2, 1), date(1959, 2, 28)
AT = datetime(1959, 3, 2, 8, 0)


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def flat(text: str) -> str:
    """The text with every run of white space as one space."""
    return " ".join(text.split())


def line_of(text: str, start: str) -> str:
    """The first line of the text beginning with `start`."""
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_months_figures_agree_with_the_store(demo: Store, tmp_path: Path) -> None:
    path = period.build_period_report(demo, FEB_1, FEB_28, tmp_path / "feb.pdf", printed_at=AT)
    text = pdf_text(path)
    month = demo.rates(FEB_1, FEB_28).total
    assert "Period quality report" in text
    assert "Period 1959-02" in text
    assert "Scope: every converter, shift and grade" in text
    words = flat(text)  # the figures stand two to a row, each label with its footnote number
    r = month.rates
    for figure in (f"Ingot qualified rate (weight) 1 {format_rate(r.ingot_qualified_rate)}",
                   f"Ingot qualified rate (count) 2 {format_rate(r.ingot_qualified_rate_by_count)}",
                   f"Surface qualified rate (weight) 3 {format_rate(r.surface_qualified_rate)}",
                   f"Chemistry conformance (heats) 5 {format_rate(r.chemistry_conformance_rate)}",
                   f"Output, t {month.sums.output_t:,.1f}", f"Heats {month.sums.heats} ",
                   f"Ingots awaiting chemistry {month.sums.ingots_awaiting_chemistry} ",
                   f"Ingots not judged yet {month.sums.ingots_pending} "):
        assert figure in words, figure
    assert month.sums.ingots_awaiting_chemistry > 0
    for row in demo.rates(FEB_1, FEB_28, ("converter",)).rows:
        cells = line_of(text, f"Converter {row.keys['converter']} ").split()
        assert cells[4] == f"{row.sums.ingots_judged:,}"
        assert cells[5] == format_rate(row.rates.ingot_qualified_rate)
        assert cells[6] == format_rate(row.rates.ingot_qualified_rate_by_count)
    for row in demo.rates(FEB_1, FEB_28, ("grade",)).rows:
        assert format_rate(row.rates.ingot_qualified_rate) in line_of(text, row.keys["grade"] + " ")
    top = demo.defect_pareto(FEB_1, FEB_28)[0]
    assert f"\n{top.code} {top.name_en} {top.ingots} " in text  # the first row of the table
    assert text.index(f"\n{top.code} {top.name_en}") < min(
        text.index(f"\n{d.code} {d.name_en}") for d in demo.defect_pareto(FEB_1, FEB_28)[1:])
    # no plan in the demo: the target is undefined, and the quarter says it has no plan
    assert "Target ingot qualified rate (plan) —" in words
    assert "No output plan is set for 1959-Q1." in text
    assert "14 heats 1959-02-02 2" in text  # the record of 2 February 1959
    assert "No point breaks a Western Electric rule." in text
    assert "-0.0" not in text
    assert "−0.0" not in text
    assert "Draft: " in text
    assert "29 ingot(s) not judged yet" in text
    assert "weight of qualified ingots ÷ weight of judged ingots of checked heats" in text


def test_chemistry_capability_agrees_with_spc(demo: Store, tmp_path: Path) -> None:
    path = period.build_period_report(demo, FEB_1, FEB_28, tmp_path / "feb.pdf", printed_at=AT)
    text = pdf_text(path)
    values = [p.value for p in demo.analysis_values(FEB_1, FEB_28, "Q235A", "P")]
    cap = spc.capability(values, None, 0.045)
    row = line_of(text, "Q235A P ").split()
    assert row[2] == str(len(values))
    assert row[4:] == ["—", "0.045", "—", f"{cap.cpk:.2f}"]  # no minimum: no Cp
    assert "Q235A P: individuals, Cpk" in text or "Q235A C: individuals, Cpk" in text


def test_a_period_with_no_heats_still_builds_and_says_so(demo: Store, tmp_path: Path) -> None:
    path = period.build_period_report(demo, date(1958, 11, 1), date(1958, 11, 30), tmp_path / "nov.pdf",
                                      printed_at=AT)
    text = pdf_text(path)
    assert "Period 1958-11" in text
    assert "No heats in this period: every rate is undefined (—)." in text
    assert "Ingot qualified rate (weight) 1 —" in flat(text)
    assert "No heats." in text
    assert "No defects found on the period's ingots." in text
    assert "0.0%" not in text
    assert "100.0%" not in text


def test_the_plan_and_what_each_remaining_day_must_average(demo: Store, tmp_path: Path) -> None:
    demo.set_plan("1959-Q1", output_t=20000.0, ingot_rate=0.96)
    path = period.build_period_report(demo, FEB_1, FEB_28, tmp_path / "feb.pdf", printed_at=AT)
    text = flat(pdf_text(path))
    made = demo.rates(date(1959, 1, 1), FEB_28).total.sums.output_t
    needed = (20000.0 - made) / 31  # the days of March
    assert f"each remaining day must average {needed:,.1f} t" in text
    assert f"{20000 - made:,.1f} t remain with 31 day(s) left" in text
    assert "against the target 96.0%" in text
    assert "Longest run of days at or above target" in text
    assert "Target ingot qualified rate (plan) 96.0%" in text


def test_out_of_control_points_are_listed(demo: Store, tmp_path: Path) -> None:
    # limits frozen from the best day: the month's ordinary days break rule 1 and others
    freeze_p_limits(demo, EVERYTHING, Period.custom(date(1959, 2, 6), date(1959, 2, 6)))
    report = period_report(demo, FEB_1, FEB_28, printed_at=AT)
    assert report.violations.rows
    assert any("1: 1 point beyond 3σ" in row[5] for row in report.violations.rows)
    assert report.p_chart.marked
    text = pdf_text(period.build_period_report(demo, FEB_1, FEB_28, tmp_path / "p.pdf", printed_at=AT))
    assert "Points out of control" in text
    assert "The p-chart's centre is frozen from the baseline 1959-02-06 to 1959-02-06." in text


def test_the_count_basis_leads_when_asked(demo: Store) -> None:
    report = period_report(demo, FEB_1, FEB_28, basis="count", printed_at=AT)
    assert report.by_converter.columns[4].label == "Ingot rate\n(count)"
    assert report.figures[3].key == "ingot_qualified_rate_by_count"
    assert "by count of ingots" in report.trend.lines[0].label


def test_in_chinese_with_the_font_embedded(demo: Store, tmp_path: Path) -> None:
    set_language("zh")
    path = period.build_period_report(demo, FEB_1, FEB_28, tmp_path / "zh.pdf", printed_at=AT)
    text = pdf_text(path)
    month = demo.rates(FEB_1, FEB_28).total
    for expected in ("期间质量报告", "期间 1959-02", "钢锭合格率（按重量）", "分转炉", "表面夹杂",
                     "第 1 页 共", format_rate(month.rates.ingot_qualified_rate)):
        assert expected in text, expected
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    used = [line.split() for line in done.stdout.splitlines()[2:]]
    truetype = [cols for cols in used if "TrueType" in cols]
    assert truetype, done.stdout
    assert all(cols[-5] == "yes" for cols in truetype), done.stdout  # the "emb" column


# ------------------------------------------------------------------ naming and axes


def test_periods_are_named_as_a_month_a_quarter_or_a_span() -> None:
    assert file_stem(period_of(FEB_1, FEB_28)) == "period-1959-02"
    assert file_stem(period_of(date(1959, 1, 1), date(1959, 3, 31))) == "period-1959-Q1"
    assert file_stem(period_of(FEB_1, date(1959, 2, 14))) == "period-1959-02-01-1959-02-14"


def test_axes_are_round_and_never_say_minus_zero() -> None:
    assert nice_axis(0.93, 0.98) == pytest.approx((0.93, 0.98, 0.01))
    low, high, step = nice_axis(0, 233)
    assert (low, high, step) == (0, 250, 50)
    assert axis_text(-1e-17, 1, True) == "0.0%"
    assert axis_text(-0.00001, 3, False) == "0.000"
    assert nice_axis(5.0, 5.0)[0] < 5.0 < nice_axis(5.0, 5.0)[1]
    # a step of 2.5% is written with its decimal: 97.5%, never rounded to 98%
    assert step_decimals(2.5) == 1
    assert step_decimals(0.02, 2) == 2
    assert step_decimals(2000, 0) == 0
    assert step_decimals(0.005, 2) == 3


# ------------------------------------------------------------------ command line


def test_command_line(demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    db = ["--db", str(demo_copy)]
    assert main([*db, "report", "period", "--from", "1959-02-01", "--to", "1959-02-28"]) == 0
    assert "Written: period-1959-02.pdf" in capsys.readouterr().out
    assert "Period 1959-02" in pdf_text(tmp_path / "period-1959-02.pdf")
    assert main([*db, "report", "period", "--from", "1959-02-01", "--to", "1959-02-28"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main([*db, "report", "period", "--from", "1959-02-01", "--to", "1959-02-28", "--force",
                 "--basis", "count"]) == 0
    assert main([*db, "report", "period", "--from", "1959-01-01", "--to", "1959-03-31"]) == 0
    assert (tmp_path / "period-1959-Q1.pdf").is_file()
    assert main([*db, "report", "period", "--from", "1959-02-01", "--to", "1959-02-14"]) == 0
    text = pdf_text(tmp_path / "period-1959-02-01-1959-02-14.pdf")
    assert "Period 1959-02-01 to 1959-02-14" in text
    capsys.readouterr()

    assert main([*db, "report", "period", "--from", "1959-02-28", "--to", "1959-02-01"]) == 1
    err = capsys.readouterr().err
    assert "1959-02-01 is before 1959-02-28" in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert main([*db, "report", "period", "--from", "1959-02-30", "--to", "1959-03-01"]) == 2
    assert "is not a date that exists" in capsys.readouterr().err
    assert main([*db, "report", "period", "--from", "1959-02-01"]) == 2
    assert main([*db, "report", "period", "--from", "1959-02-01", "--to", "1959-02-28", "--basis", "x"]) == 2
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "period-1959-02-01-1959-02-14.pdf", "period-1959-02.pdf", "period-1959-Q1.pdf"]
    assert not list(tmp_path.glob("*.part"))


def test_command_line_in_chinese(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "zh.pdf"
    assert main(["--db", str(demo_copy), "--lang", "zh", "report", "period", "--from", "1959-02-01",
                 "--to", "1959-02-28", "-o", str(out)]) == 0
    assert "期间质量报告" in pdf_text(out)


def test_week_labels_name_the_year_when_the_weeks_cross_one() -> None:
    assert x_label("1959-W05", Grain.WEEK, one_month=False, one_year=True) == "W05"
    assert x_label("2025-W01", Grain.WEEK, one_month=False, one_year=False) == "2025-W01"
    assert x_label("1959-02-07", Grain.DAY, one_month=True) == "7"
    assert x_label("1959-02", Grain.MONTH, one_month=False) == "1959-02"
