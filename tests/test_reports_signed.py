"""Signed documents: the sign-off on the daily report and the heat sheet, "SIGNED" and the audit chain
head on a signed day, the DRAFT stamp on a day not signed or whose signature was superseded."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from signed_shop import CHEAP

from qcdesk.i18n import set_language
from qcdesk.signoff import Kind, Status
from qcdesk.store import Store
from reports import daily, data, heat_sheet
from ui.launcher import main

DAY = date(1959, 2, 2)
AT = datetime(1959, 2, 3, 7, 30)
SIGNED_AT = datetime(1959, 3, 2, 6, 45, tzinfo=UTC)  # after the demo month's last tap
PINS = {"ada": "admin-pin", "hu": "head-pin", "wang": "insp-pin"}
SHIFTS = ("night", "day", "evening")


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return done.stdout


def local(moment: datetime) -> str:
    """A signing time as the documents print it: the signing workstation's time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@pytest.fixture(scope="module")
def signed_file(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo month with people; wang closes the three shifts of 1959-02-02, hu signs the day.
    Also the audit chain head just before the day was signed, read here."""
    path = tmp_path_factory.mktemp("signed") / "signed.sqlite"
    shutil.copyfile(demo_file, path)
    with Store.open(path, "tester", clock=lambda: SIGNED_AT) as store:
        store.add_person("ada", "admin", PINS["ada"], cost=CHEAP)
        store.login("ada", PINS["ada"])
        store.add_person("hu", "head", PINS["hu"], cost=CHEAP)
        store.add_person("wang", "inspector", PINS["wang"], cost=CHEAP)
        store.login("wang", PINS["wang"])
        for shift in SHIFTS:
            store.sign_shift(DAY, shift, PINS["wang"])
        store.login("hu", PINS["hu"])
        head = store.chain_head()
        store.sign_day(DAY, PINS["hu"])
    return path, head


@pytest.fixture
def signed(signed_file: tuple[Path, str], tmp_path: Path) -> Path:
    path = tmp_path / "signed.sqlite"
    shutil.copy(signed_file[0], path)
    return path


def open_as(path: Path, name: str) -> Store:
    store = Store.open(path, "tester", clock=lambda: SIGNED_AT)
    store.login(name, PINS[name])
    return store


def test_a_signed_day_reports_who_signed_and_the_chain_head(signed: Path,
                                                           signed_file: tuple[Path, str]) -> None:
    head_before_signing = signed_file[1]
    with open_as(signed, "hu") as store:
        report = data.daily_report(store, DAY, AT)
        day_signature = store.day_signoff(DAY).signature
    assert day_signature is not None
    block = report.signoff
    assert block is not None
    assert block.status is Status.SIGNED
    assert not report.furniture.draft
    assert report.draft_reasons == ()
    assert report.furniture.signed
    # the head printed is the one stored with the signature: the chain's head when hu signed
    assert block.chain_head == day_signature.chain_head == head_before_signing
    assert block.records_hash == day_signature.records_hash
    assert report.furniture.seal == f"SIGNED · audit chain head {head_before_signing[:16]}"
    assert any(head_before_signing in line for line in block.lines)
    assert any(day_signature.records_hash in line for line in block.lines)
    when = local(SIGNED_AT)
    assert block.table.rows == (
        ("Shift: Night", "signed", "wang (inspector)", when, "shift closed by inspector"),
        ("Shift: Day", "signed", "wang (inspector)", when, "shift closed by inspector"),
        ("Shift: Evening", "signed", "wang (inspector)", when, "shift closed by inspector"),
        ("The day", "signed", "hu (workshop head)", when, "day approved by workshop head"))
    assert block.table.marked == frozenset()


def test_the_signed_daily_report_pdf(signed: Path, signed_file: tuple[Path, str], tmp_path: Path) -> None:
    head = signed_file[1]
    with open_as(signed, "hu") as store:
        path = daily.write(store, DAY, tmp_path / "d.pdf", AT)
    text = pdf_text(path)
    for expected in ("Sign-off", "hu (workshop head)", "day approved by workshop head",
                     "wang (inspector)", "shift closed by inspector", "96.6%",
                     f"SIGNED · audit chain head {head[:16]}", f"audit chain head at signing {head}"):
        assert expected in text, expected
    assert "DRAFT" not in text
    assert "Draft:" not in text
    assert text.count(f"SIGNED · audit chain head {head[:16]}") == text.count("Page ")  # every page


def test_a_heat_of_a_signed_day(signed: Path, signed_file: tuple[Path, str], tmp_path: Path) -> None:
    with open_as(signed, "hu") as store:
        sheet = data.heat_sheet(store, "3-0425", AT)
        path = heat_sheet.write(store, "3-0425", tmp_path / "h.pdf", AT)
    assert not sheet.furniture.draft
    assert sheet.signoff is not None
    assert sheet.signoff.status is Status.SIGNED
    assert sheet.signoff.chain_head == signed_file[1]  # the day's signature's
    assert [r[:3] for r in sheet.signoff.table.rows] == [
        ("Shift: Evening", "signed", "wang (inspector)"), ("The day", "signed", "hu (workshop head)")]
    text = pdf_text(path)
    assert f"SIGNED · audit chain head {signed_file[1][:16]}" in text
    assert "DRAFT" not in text


def test_a_correction_supersedes_and_the_day_is_a_draft_again(signed: Path, tmp_path: Path) -> None:
    with open_as(signed, "hu") as store:
        night = next(h for h in store.heats(DAY, DAY) if h.shift == "night")
        evening_signature = store.shift_signoff(DAY, "evening").signature
        store.update_heat(night.heat_no, notes="ladle 4", reason="ladle number was wrong")
        report = data.daily_report(store, DAY, AT)
        night_sheet = data.heat_sheet(store, night.heat_no, AT)
        evening_sheet = data.heat_sheet(store, "3-0425", AT)
        daily.write(store, DAY, tmp_path / "d.pdf", AT)
        heat_sheet.write(store, night.heat_no, tmp_path / "h.pdf", AT)
        superseded_at = store.day_signoff(DAY).signature
    assert superseded_at is not None
    assert superseded_at.superseded_at is not None
    block = report.signoff
    assert block is not None
    assert block.status is Status.SUPERSEDED
    assert report.furniture.draft
    assert not report.furniture.signed
    assert block.chain_head == ""
    assert block.lines == ()
    assert report.draft_reasons == (
        "the day's signature was superseded — to be signed again (ladle number was wrong)",)
    rows = {r[0]: r for r in block.table.rows}
    when = local(datetime.fromisoformat(superseded_at.superseded_at))
    assert rows["The day"][1] == f"superseded {when} — to be signed again: ladle number was wrong"
    assert rows["Shift: Night"][1].startswith("superseded")
    assert rows["Shift: Evening"][1] == "signed"
    assert block.table.marked == frozenset({(0, 1), (3, 1)})  # the night shift and the day
    text = pdf_text(tmp_path / "d.pdf")
    assert "DRAFT" in text
    assert "superseded — to be signed again (ladle number was wrong)" in text
    assert "SIGNED" not in text
    # the night heat's sheet: its shift is to be closed again; the evening's shift still stands
    assert night_sheet.furniture.draft
    assert any("superseded" in r for r in night_sheet.draft_reasons)
    assert "DRAFT" in pdf_text(tmp_path / "h.pdf")
    assert not evening_sheet.furniture.draft
    assert evening_signature is not None
    assert evening_sheet.signoff is not None
    assert evening_sheet.signoff.chain_head == evening_signature.chain_head


def test_closed_shifts_without_the_day_signed(tmp_path: Path, signed_file: tuple[Path, str]) -> None:
    """Shifts closed, the day not yet signed: the daily report is a draft; a heat sheet stands on
    its shift's signature."""
    path = tmp_path / "shifts.sqlite"
    shutil.copy(signed_file[0], path)
    other = date(1959, 2, 3)
    with open_as(path, "wang") as store:
        store.sign_shift(other, "evening", PINS["wang"])
        evening = store.shift_signoff(other, "evening").signature
        heat = next(h for h in store.heats(other, other) if h.shift == "evening")
        report = data.daily_report(store, other, AT)
        sheet = data.heat_sheet(store, heat.heat_no, AT)
    assert evening is not None
    assert evening.kind is Kind.SHIFT
    assert report.furniture.draft
    assert "the day is not signed by the workshop head" in report.draft_reasons
    assert report.signoff is not None
    assert [r[:2] for r in report.signoff.table.rows] == [
        ("Shift: Night", "not signed"), ("Shift: Day", "not signed"), ("Shift: Evening", "signed"),
        ("The day", "not signed")]
    assert not sheet.furniture.draft
    assert sheet.signoff is not None
    assert sheet.signoff.chain_head == evening.chain_head
    assert sheet.furniture.seal.startswith("SIGNED")


def test_an_unsigned_demo_day_is_a_draft(demo_copy: Path, tmp_path: Path) -> None:
    with Store.open(demo_copy, "tester") as store:
        report = data.daily_report(store, DAY, AT)
        sheet = data.heat_sheet(store, "3-0425", AT)
        daily.write(store, DAY, tmp_path / "d.pdf", AT)
        empty = data.daily_report(store, date(1959, 3, 5), AT)
    assert report.furniture.draft
    assert report.draft_reasons == ("the day is not signed by the workshop head",)
    assert report.signoff is not None
    assert report.signoff.status is Status.UNSIGNED
    assert {r[1] for r in report.signoff.table.rows} == {"not signed"}
    assert sheet.draft_reasons == ("shift Evening not closed yet",)
    text = pdf_text(tmp_path / "d.pdf")
    assert "DRAFT" in text
    assert "the day is not signed by the workshop head" in text
    assert "SIGNED" not in text
    # a day without heats has nothing to sign: not a draft on that account
    assert not empty.furniture.draft


def test_signed_and_superseded_in_chinese(signed: Path, signed_file: tuple[Path, str],
                                          tmp_path: Path) -> None:
    head = signed_file[1]
    out = tmp_path / "zh.pdf"
    assert main(["--db", str(signed), "--lang", "zh", "report", "daily", "1959-02-02", "-o", str(out)]) == 0
    text = pdf_text(out)
    for expected in ("签署情况", "已签署", "wang（检验员）", "hu（车间主任）", "车间主任批准当日",
                     "检验员关闭班次", f"已签署 · 审计链头 {head[:16]}", head):
        assert expected in text, expected
    assert "草稿" not in text
    with open_as(signed, "hu") as store:
        store.update_heat("3-0425", notes="复核", reason="备注补充")
        set_language("zh")
        report = data.daily_report(store, DAY, AT)
    assert report.furniture.draft
    assert report.draft_reasons == ("当日签署已失效 — 需重新签署（备注补充）",)
    assert report.signoff is not None
    assert "需重新签署：备注补充" in report.signoff.table.rows[-1][1]
