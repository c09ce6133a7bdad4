"""The report font parsed once and kept (reports.fonts, issue 17).

What reportlab makes of the CJK font file (character map, widths, tables) is kept in the
user's cache folder and read back by the next report instead of parsing the file again,
while the file is unchanged. The PDFs must not notice: same text, same embedded font.
A cache file that is stale, damaged or foreign is never used, and never runs code.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from qcdesk.store import Store
from reports import daily, fonts

FONT = next((p for p in fonts.KNOWN_PATHS[:2] if Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(FONT is None, reason="needs the WenQuanYi font (./dev installs it)")


@pytest.fixture
def font_copy(tmp_path: Path) -> Iterator[str]:
    """A copy of the machine's CJK font of this test's own; fonts forgotten after the test."""
    assert FONT is not None
    copy = tmp_path / "font" / Path(FONT).name
    copy.parent.mkdir()
    shutil.copyfile(FONT, copy)
    fonts.reset()
    yield str(copy)
    fonts.reset()


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The font files parsed from now on (not read from the cache)."""
    parsed: list[str] = []
    real = fonts._parsed

    def counted(path: str) -> object:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(fonts, "_parsed", counted)
    return parsed


def face_of(font_face: TTFontFace) -> dict[str, object]:
    face = dict(font_face.__dict__)
    scale = face.pop("_pdfScale")
    face["scaled 1234.5"] = scale(1234.5)
    face.pop("_glyph_chars", None)  # a kept face's glyph → characters map, not read yet
    face["glyphToChar"] = font_face.glyphToChar  # read now, if kept
    return face


def test_the_second_report_reads_the_kept_font_and_finds_what_parsing_found(
        font_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = parses(monkeypatch)
    first = fonts.register(paths=[font_copy])
    assert parsed == [font_copy]
    assert fonts.cache_path(font_copy).is_file()
    fonts.reset()
    second = fonts.register(paths=[font_copy])
    assert parsed == [font_copy]  # not parsed again
    assert (second.name, second.path, second.embedded) == (first.name, first.path, first.embedded)
    # (reportlab keeps the first font registered under a name: the kept one is compared itself)
    kept = fonts._cached(font_copy)
    assert kept is not None
    unread = kept.face.__dict__
    assert "glyphToChar" not in unread  # read only when asked for
    assert "_glyph_chars" in unread
    anew = TTFont(fonts.FONT_NAME, font_copy, subfontIndex=0)
    assert face_of(kept.face) == face_of(anew.face)  # every attribute, the font's bytes too
    assert font_of(kept) == font_of(anew)


def font_of(font: TTFont) -> dict[str, object]:
    """The font's own attributes (its face apart), its encoding's spelt out."""
    found = {k: v for k, v in vars(font).items() if k not in ("face", "state")}
    found["encoding"] = vars(found["encoding"])
    return found


def pdf_facts(path: Path) -> tuple[str, list[str]]:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # name (its subset tag aside), type, encoding, embedded, subset
    return text, [" ".join(line.split()[:6]).split("+", 1)[-1] for line in listed.splitlines()[2:]]


def test_a_report_with_the_kept_font_is_the_report_with_the_parsed_one(
        font_copy: str, monkeypatch: pytest.MonkeyPatch, demo: Store, tmp_path: Path) -> None:
    monkeypatch.setenv(fonts.ENV, font_copy)
    parsed = parses(monkeypatch)
    at = datetime(1959, 3, 1, 8, 0)
    pdfs = []
    for n in (1, 2):
        fonts.reset()
        pdfs.append(daily.write(demo, date(1959, 2, 27), tmp_path / f"daily-{n}.pdf", printed_at=at))
    assert parsed == [font_copy]  # the first parsed it, the second read it back
    first, second = (pdf_facts(p) for p in pdfs)
    assert first == second
    assert "Daily quality report" in first[0]
    assert any(f.split()[1] == "TrueType" and f.endswith("yes yes yes") for f in first[1])  # embedded subset


def test_a_changed_font_file_is_parsed_again(font_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = parses(monkeypatch)
    fonts.register(paths=[font_copy])
    fonts.reset()
    stat = os.stat(font_copy)
    os.utime(font_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched since
    fonts.register(paths=[font_copy])
    assert parsed == [font_copy, font_copy]
    fonts.reset()
    fonts.register(paths=[font_copy])  # and kept again, as it is now
    assert parsed == [font_copy, font_copy]


class Runs:
    """A pickled object that would run code if the cache were read with plain pickle."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch ran-from-the-cache",))


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(Runs()),
                                     pickle.dumps((fonts.CACHE_FORMAT, (1, 2, 3), {}, {}))])
def test_a_damaged_or_foreign_cache_file_is_not_used_and_runs_nothing(
        font_copy: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes) -> None:
    monkeypatch.chdir(tmp_path)
    cache = fonts.cache_path(font_copy)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(content)
    parsed = parses(monkeypatch)
    choice = fonts.register(paths=[font_copy])
    assert (choice.name, choice.embedded) == (fonts.FONT_NAME, True)
    assert parsed == [font_copy]
    assert not (tmp_path / "ran-from-the-cache").exists()
    fonts.reset()
    fonts.register(paths=[font_copy])  # the damaged file was replaced by a good one
    assert parsed == [font_copy]


def test_a_cache_folder_that_cannot_be_written_costs_only_the_parsing(
        font_copy: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    parsed = parses(monkeypatch)
    for _ in range(2):
        fonts.reset()
        assert fonts.register(paths=[font_copy]).embedded
    assert parsed == [font_copy, font_copy]
