"""The PDFs themselves: the text pdftotext reads out of them, the fonts, the command line."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from messages import fields, messages

from qcdesk.store import Store
from reports import daily, fonts, heat_sheet
from reports._zh import ZH
from ui.launcher import main

DAY = date(1959, 2, 2)
AT = datetime(1959, 2, 3, 7, 30)


def pdf_text(path: Path) -> str:
    # -raw keeps the rotated DRAFT stamp, which -layout drops
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return done.stdout


def pages(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:")))


def test_daily_report_text(demo_copy: Path, tmp_path: Path) -> None:
    with Store.open(demo_copy, "tester") as store:
        path = daily.write(store, DAY, tmp_path / "d.pdf", AT)
    text = pdf_text(path)
    for expected in ("Daily quality report", "Production date 1959-02-02", "96.6%", "96.4%",
                     "14 heats on converter 2 — the most in one day so far", "3-0425", "S 0.053 > 0.050",
                     "INCL", "Workshop head", "Printed 1959-02-03 07:30", "weight of qualified ingots ÷"):
        assert expected in text, expected
    n = pages(path)
    assert 1 <= n <= 3
    assert f"Page {n} of {n}" in text
    assert "Draft: the day is not signed by the workshop head" in text  # the demo has nobody to sign


def test_heat_sheet_text_and_verdicts(demo_copy: Path, tmp_path: Path) -> None:
    with Store.open(demo_copy, "tester") as store:
        path = heat_sheet.write(store, "3-0425", tmp_path / "h.pdf", AT)
    text = pdf_text(path)
    for expected in ("Heat inspection sheet", "3-0425", "Q235A", "DEMO 700-1959", "FAILS", "ok",
                     "0.053", "Inspector", "Checker", "Page 1 of 1", "0.0%"):
        assert expected in text, expected
    assert pages(path) == 1


def test_pending_heat_is_a_draft_with_dashes(demo_copy: Path, tmp_path: Path) -> None:
    with Store.open(demo_copy, "tester") as store:
        pending = next(h for h in store.heats(date(1959, 2, 28), date(1959, 2, 28))
                       if h.ingots_judged < h.ingots and not h.analysis)
        path = heat_sheet.write(store, pending.heat_no, tmp_path / "p.pdf", AT)
    text = pdf_text(path)
    assert "DRAFT" in text
    assert "missing" in text
    assert "—" in text


def test_the_font_is_embedded(demo_copy: Path, tmp_path: Path) -> None:
    with Store.open(demo_copy, "tester") as store:
        path = heat_sheet.write(store, "2-0410", tmp_path / "h.pdf", AT)
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    used = [line.split() for line in done.stdout.splitlines()[2:]]
    truetype = [cols for cols in used if "TrueType" in cols]
    assert truetype, done.stdout
    assert all(cols[-5] == "yes" for cols in truetype), done.stdout  # the "emb" column


def test_fallback_font_when_none_is_found(caplog: pytest.LogCaptureFixture) -> None:
    try:
        choice = fonts.register(paths=["/nonexistent/font.ttf"])
        assert choice.name == fonts.FALLBACK_NAME
        assert not choice.embedded
        assert choice.warning
        assert "STSong-Light" in caplog.text
    finally:
        fonts.reset()


def test_command_line_writes_default_names_and_refuses_to_overwrite(
        demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(demo_copy), "report", "heat", "2-0410"]) == 0
    assert (tmp_path / "heat-2-0410.pdf").is_file()
    assert main(["--db", str(demo_copy), "report", "daily", "1959-02-02"]) == 0
    assert "96.6%" in pdf_text(tmp_path / "daily-1959-02-02.pdf")
    capsys.readouterr()
    assert main(["--db", str(demo_copy), "report", "heat", "2-0410"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--db", str(demo_copy), "report", "heat", "2-0410", "--force"]) == 0
    assert main(["--db", str(demo_copy), "report", "heat", "no-such"]) == 1
    assert "no heat" in capsys.readouterr().err
    missing_folder = str(tmp_path / "nope" / "x.pdf")
    assert main(["--db", str(demo_copy), "report", "daily", "1959-02-02", "-o", missing_folder]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.part"))


def test_command_line_in_chinese(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "zh.pdf"
    assert main(["--db", str(demo_copy), "--lang", "zh", "report", "daily", "1959-02-02",
                 "-o", str(out)]) == 0
    text = pdf_text(out)
    for expected in ("质量日报", "钢锭合格率", "96.6%", "车间主任", "夜班", "表面夹杂", "第 1 页 共"):
        assert expected in text, expected
    sheet = tmp_path / "zh-heat.pdf"
    assert main(["--db", str(demo_copy), "--lang", "zh", "report", "heat", "3-0425", "-o", str(sheet)]) == 0
    text = pdf_text(sheet)
    assert "炉次检验单" in text
    assert "不合格" in text


def test_the_workshops_own_name_heads_every_page(demo_copy: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(demo_copy)]
    with Store.open(demo_copy, "tester") as store:
        generic = daily.write(store, DAY, tmp_path / "generic.pdf", AT)
    assert "Converter workshop · Quality inspection" in pdf_text(generic)
    assert main([*db, "workshop", "set", "No. 2 Converter Workshop", "--zh", "第二转炉车间"]) == 0
    assert capsys.readouterr().out == "The workshop is named No. 2 Converter Workshop / 第二转炉车间.\n"
    assert main([*db, "report", "daily", "1959-02-02", "-o", str(tmp_path / "en.pdf")]) == 0
    text = pdf_text(tmp_path / "en.pdf")
    assert text.count("No. 2 Converter Workshop · Quality inspection") == pages(tmp_path / "en.pdf") > 1
    assert main([*db, "--lang", "zh", "report", "heat", "3-0425", "-o", str(tmp_path / "zh.pdf")]) == 0
    assert "第二转炉车间 · 质量检验" in pdf_text(tmp_path / "zh.pdf")


# ------------------------------------------------------------------ labels


def test_every_report_label_has_a_chinese_entry() -> None:
    labels = messages("reports")
    assert len(labels) > 50
    assert [m for m in labels if m not in ZH] == []


def test_report_translations_keep_their_placeholders() -> None:
    assert [m for m in messages("reports") if fields(ZH[m]) != fields(m)] == []


@pytest.mark.parametrize("case", [
    ("missing.ttf", None, "no such file"),
    ("notes.ttf", b"not a font at all", "not a usable TrueType font"),
])
def test_a_wrong_configured_font_is_warned_about_and_the_search_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        case: tuple[str, bytes | None, str]) -> None:
    name, content, problem = case
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv(fonts.ENV, str(path))
    fonts.reset()
    try:
        choice = fonts.register()
        said = f"{fonts.ENV}={path}: {problem}; looking for another CJK font"
        assert said in caplog.text
        assert choice.warning is not None
        assert said in choice.warning
        assert choice.path != str(path)
        others = [p for p in fonts.candidates() if p != str(path)]
        assert (choice.name == fonts.FONT_NAME) == bool(others)  # the search went on
    finally:
        fonts.reset()
