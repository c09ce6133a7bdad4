"""The printed documents read as a person expects: the sign-off stays with the page it closes,
the heat sheet adds up in the unit it lists, times carry their year, the Pareto total stays on
one line, a long workshop name neither runs into the title nor is cut, and a character the
report font lacks never vanishes unseen."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import copy_into_server
from reportlab.lib.units import mm
from signed_shop import CHEAP

from qcdesk.i18n import set_language
from qcdesk.store import NewHeat, Store
from reports import daily, data, fonts, heat_sheet, layout, period_data
from reports.layout import FRAME_W, HEADER_SIZE, MARGIN_X, PAGE_W

DAY = date(1959, 2, 2)
AT = datetime(1959, 3, 3, 7, 30)
SIGNED_AT = datetime(1959, 3, 2, 6, 45, tzinfo=UTC)
LONG_EN = "No. 2 Converter Workshop, Beijing Special Steel Plant — quality desk east, ingot"  # 80
LONG_ZH = "北京特殊钢厂第二转炉车间质量检验台东侧钢锭表面与化学成分检验记录日报汇总专用名称" * 2  # 76
ARABIC = "مصنع"
EMOJI = "\U0001f525"  # fire: no TrueType font of a Debian machine holds it


def page_texts(path: Path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def _embedded(path: Path) -> set[str]:
    """The embedded fonts of a PDF, by name (pdffonts)."""
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[0] for line in done.stdout.splitlines()[2:] if " yes " in line}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    yield
    set_language(None)


@pytest.fixture(scope="module")
def signed_file(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo month with people; every shift of 1959-02-02 closed and the day signed."""
    path = tmp_path_factory.mktemp("signed") / "signed.sqlite"
    shutil.copyfile(demo_file, path)
    with Store.open(path, "tester", clock=lambda: SIGNED_AT) as store:
        store.add_person("ada", "admin", "admin-pin", cost=CHEAP)
        store.login("ada", "admin-pin")
        store.add_person("hu", "head", "head-pin", cost=CHEAP)
        store.add_person("wang", "inspector", "insp-pin", cost=CHEAP)
        store.login("wang", "insp-pin")
        for shift in ("night", "day", "evening"):
            store.sign_shift(DAY, shift, "insp-pin")
        store.login("hu", "head-pin")
        store.sign_day(DAY, "head-pin")
    return path


@pytest.fixture
def signed(signed_file: Path, database: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """`signed_file` in a database of the test's own: a copy of the file, or the same copied into
    an empty database on the server."""
    if database == "sqlite":
        path = tmp_path / "signed.sqlite"
        shutil.copyfile(signed_file, path)
        return path
    uri = str(request.getfixturevalue("pg_uri"))
    copy_into_server(signed_file, uri)
    return uri


# ------------------------------------------------------------------ the sign-off's page


def _sign_off_page(path: Path, heading: str) -> str:
    texts = page_texts(path)
    on = [t for t in texts if heading in t.splitlines()]
    assert len(on) == 1, [t[:80] for t in texts]
    return on[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_signed_day_keeps_its_sign_off_with_what_it_closes(signed: Path, tmp_path: Path,
                                                               lang: str) -> None:
    set_language(lang)
    heading, notes = ("签署情况", "备注") if lang == "zh" else ("Sign-off", "Notes")
    with Store.open(signed, "tester") as store:
        page = _sign_off_page(daily.write(store, DAY, tmp_path / "daily.pdf", AT), heading)
    assert notes in page.splitlines()
    assert page.index(notes) < page.index(heading)


def test_the_sign_off_is_never_alone_on_its_page_however_long_the_day(signed: Path, tmp_path: Path) -> None:
    """One more non-conforming heat at a time lengthens the report by a row: wherever the page
    breaks, the sign-off goes over with the notes and the formulas, never alone. (Heats are added
    until the closing part has crossed a page break: how many that takes depends on how long the
    rest of the report is.)"""
    day = date(1959, 2, 14)
    failing = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.03, "S": 0.06}  # S above Q235A's 0.050
    pages_seen = set()
    with Store.open(signed, "tester") as store:
        store.login("wang", "insp-pin")
        for k in range(48):
            if k:
                store.add_heat(NewHeat(f"X-{k:03d}", "1", datetime(1959, 2, 14, 1, k), "Q235A", 6.0, 1600.0,
                                       "wang", analysis=failing))
            path = daily.write(store, day, tmp_path / f"daily-{k}.pdf", AT)
            page = _sign_off_page(path, "Sign-off")
            assert "Notes" in page.splitlines(), (k, page)
            assert "Ingot qualified rate (weight) = weight of qualified ingots" in page
            pages_seen.add(len(page_texts(path)))
            if len(pages_seen) > 1:
                break
    assert len(pages_seen) > 1  # the rows added did push the closing part over a page break


# ------------------------------------------------------------------ the heat sheet


def test_the_heat_sheet_adds_up_in_kg_and_its_times_carry_the_year(demo_db: Path, tmp_path: Path) -> None:
    with Store.open(demo_db, "tester") as store:
        ingots = store.ingots("3-0425")
        path = heat_sheet.write(store, "3-0425", tmp_path / "h.pdf", AT)
    judged = sum(i.weight_kg for i in ingots if i.disposition != "pending")
    assert judged == 5250  # eight ingots of 640–675 kg, all judged
    text = page_texts(path)[0]
    assert "Judged weight, kg 5,250" in text  # as the ingots' column adds up: "Total 5,250"
    assert "Total 5,250" in text
    assert "Qualified weight, kg 0" in text
    assert ", t" not in text.split("Totals and rates")[1].split("Notes")[0]  # no tonnes among the totals
    for ingot in ingots:
        assert ingot.judged_at is not None
        assert ingot.judged_at.strftime("%Y-%m-%d %H:%M") in text


# ------------------------------------------------------------------ the Pareto's total


def _column_room(table: data.Table, index: int, width: float) -> float:
    total = sum(c.width for c in table.columns)
    return width * table.columns[index].width / total - 6  # 3 pt of padding each side


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pareto_total_fits_its_cell(demo: Store, lang: str) -> None:
    set_language(lang)
    font = fonts.register().name
    report = data.daily_report(demo, DAY, AT)
    assert report.pareto_table.total is not None
    said = report.pareto_table.total[1]
    heats = demo.heats(DAY, DAY)
    with_defects = [i for h in heats for i in demo.ingots(h.heat_no) if i.defects]
    defects = sum(len(i.defects) for i in with_defects)
    assert str(len(with_defects)) in said
    assert str(defects) in said
    busy = data._("{ingots} ingot(s) with defects; {found} defect(s) found").format(
        ingots="1,234", found="1,456")  # a busy month's figures
    period = period_data.period_report(demo, date(1959, 2, 1), date(1959, 2, 28), printed_at=AT)
    assert period.pareto_table.total is not None
    for table, total in ((report.pareto_table, said), (period.pareto_table, period.pareto_table.total[1])):
        room = _column_room(table, 1, FRAME_W)
        assert fonts.string_width(total, font, 8) <= room
        assert fonts.string_width(busy, font, 8) <= room


def test_the_pareto_total_is_one_line_in_the_pdf(demo: Store, tmp_path: Path) -> None:
    path = daily.write(demo, DAY, tmp_path / "d.pdf", AT)
    text = "\n".join(page_texts(path))
    heats = demo.heats(DAY, DAY)
    with_defects = [i for h in heats for i in demo.ingots(h.heat_no) if i.defects]
    defects = sum(len(i.defects) for i in with_defects)
    assert f"{len(with_defects)} ingot(s) with defects; {defects} defect(s) found" in text.splitlines()[
        next(i for i, line in enumerate(text.splitlines()) if "ingot(s) with defects" in line)]


# ------------------------------------------------------------------ a long workshop name


@pytest.mark.parametrize(("name", "title"), [
    (LONG_EN, "Daily quality report · Production date 1959-02-02"),
    (LONG_ZH, "质量日报 · 生产日期 1959-02-02"),
    ("W" * 80, "Heat inspection sheet · Heat 3-0425"),
])
def test_a_long_workshop_name_wraps_or_shrinks_beside_the_title(name: str, title: str) -> None:
    font = fonts.register().name
    width = PAGE_W - 2 * (MARGIN_X + 6)
    size, lines = layout.header_lines(name, title, font, width)
    room = width - fonts.string_width(title, font, HEADER_SIZE)
    assert 6.5 <= size <= HEADER_SIZE
    assert 1 <= len(lines) <= 3
    assert all(fonts.string_width(line, font, size) < room for line in lines)  # clear of the title
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")  # nothing cut
    assert len(lines) * size * 1.15 < 10 * mm  # inside the top margin


def test_a_header_line_breaks_at_spaces_between_chinese_characters_and_never_inside_a_word() -> None:
    # where a line may break, as a regular expression says it (runs of spaces; a Chinese, Japanese,
    # Korean or full-width character alone; a run of anything else), on text of every kind
    cjk = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    tokens = re.compile(f"\\s+|[{cjk}]|[^\\s{cjk}]+")
    rng = random.Random(17)
    alphabet = [*"ab1-·.,", " ", "\t", "\n", "\u3000", "\u00a0", "\u2028", "\x1c", "第", "鋼", "\u2e80",
                "\u2e7f", "\uac00", "\ud7af", "\ud7b0", "\ufe30", "\ufe4f", "Ａ", "\uffef", "\ufff0",
                "🏭", "م"]
    texts = [LONG_EN, LONG_ZH, "第二炼钢厂　转炉车间", "Ａｂｃ　ｄ", "", "   "]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for value in texts:
        assert layout._tokens(value) == tokens.findall(value), value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_long_workshop_name_is_printed_whole(signed: Path, tmp_path: Path, lang: str) -> None:
    with Store.open(signed, "tester") as store:
        store.login("ada", "admin-pin")
        store.set_workshop(LONG_EN, LONG_ZH)
        set_language(lang)
        path = heat_sheet.write(store, "3-0425", tmp_path / "h.pdf", AT)
    first = page_texts(path)[0].replace("\n", "").replace(" ", "")
    name = LONG_ZH if lang == "zh" else LONG_EN
    assert name.replace(" ", "") in first


# ------------------------------------------------------------------ characters the font lacks


def test_a_character_the_font_lacks_is_set_in_another_font_or_marked(demo: Store, tmp_path: Path) -> None:
    font = fonts.register().name
    assert fonts.string_width(ARABIC, font, 8) > 0
    demo.set_workshop(f"Steel {ARABIC} {EMOJI}", f"钢厂 {ARABIC} {EMOJI}")
    path = heat_sheet.write(demo, "2-0410", tmp_path / "h.pdf", AT)
    text = page_texts(path)[0]
    header = text.splitlines()[0]
    arabic_font = fonts._fallback_for(ord(ARABIC[0]))
    if arabic_font is not None:  # a font of this machine has it (DejaVu Sans on Debian): printed in it
        assert ARABIC in header or ARABIC[::-1] in header
        assert len(_embedded(path)) == 2  # the CJK font and the one that has Arabic
    else:
        assert fonts.MARK * len(ARABIC) in header
    if fonts._fallback_for(ord(EMOJI)) is None:
        assert fonts.MARK in header  # the emoji is shown as a mark, not dropped
    else:
        assert EMOJI in header


def test_with_no_font_for_it_a_character_prints_as_the_mark(demo: Store, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.reset()
    monkeypatch.setattr(fonts, "fallback_candidates", lambda _code: [])  # a machine with the CJK font only
    try:
        demo.set_workshop(f"Steel {ARABIC} {EMOJI} works")
        path = heat_sheet.write(demo, "2-0410", tmp_path / "h.pdf", AT)
        header = page_texts(path)[0].splitlines()[0]
        assert f"Steel {fonts.MARK * len(ARABIC)} {fonts.MARK} works" in header
        assert len(_embedded(path)) == 1  # the CJK font alone
    finally:
        fonts.reset()
