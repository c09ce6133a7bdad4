"""The font every report is set in: a CJK TrueType font found on the machine, embedded.

Chinese labels and names (defects, shifts, inspectors) must render in any viewer,
so a TrueType font holding CJK glyphs is registered and embedded (subset) in each
PDF. Where none is found, reportlab's built-in CID font STSong-Light is used with
a warning: it is not embedded, so a viewer without Adobe's Asian font pack may
not show the Chinese.

A character that font lacks (Arabic in a workshop's name, an emoji in a note) would
print as nothing: it is set in another TrueType font of the machine that has it
(fontconfig is asked by character), else replaced by a visible MARK (□), never dropped.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import platformdirs
import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas

from reports.i18n import _

log = logging.getLogger(__name__)

FONT_NAME = "QcdeskCJK"
FALLBACK_PREFIX = "QcdeskFallback"
MARK = "\u25a1"  # □, where no font of the machine has a character (the CJK font has this one)
# no glyph by design: variation selectors, the zero-width joiner (parts of emoji sequences)
_INVISIBLE = frozenset({*range(0xFE00, 0xFE10), 0x200D})
# tried first for a character the CJK font lacks, before fontconfig is asked
FALLBACK_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                  "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
                  "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
                  "/usr/share/fonts/truetype/freefont/FreeSans.ttf")
FALLBACK_NAME = "STSong-Light"
ENV = "QCDESK_CJK_FONT"
KNOWN_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # CFF outlines: refused, tried anyway
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
)


@dataclass(frozen=True)
class FontChoice:
    """The font registered for reports: its reportlab name, the file, whether it is embedded."""

    name: str
    path: str | None
    embedded: bool
    warning: str | None = None


_chosen: FontChoice | None = None


def _fc_list() -> list[str]:
    """TrueType files fontconfig says cover Chinese."""
    if shutil.which("fc-list") is None:
        return []
    import subprocess  # noqa: PLC0415 - only when no known font file served

    try:
        done = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in done.stdout.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def candidates() -> list[str]:
    """Font files to try, in order: QCDESK_CJK_FONT, known paths, then fontconfig's."""
    return list(_candidates())


def _candidates() -> Iterator[str]:
    """`candidates`, one at a time: fontconfig is asked only when no earlier file served."""
    env = os.environ.get(ENV, "").strip()
    seen: set[str] = set()
    for path in (*([env] if env else []), *(p for p in KNOWN_PATHS if Path(p).is_file())):
        if path not in seen:
            seen.add(path)
            yield path
    for path in _fc_list():
        if path not in seen:
            seen.add(path)
            yield path


def _try(path: str) -> TTFont | None:
    # the font's tables are a hundred thousand small objects, all kept: Python's cycle collector
    # would walk them again and again while they are made (a third of the time it takes)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _cached(path) or _parsed(path)
    except (TTFError, OSError, ValueError, KeyError) as exc:
        log.info("font %s not usable: %s", path, exc)
        return None
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------ the parsed font, kept

# A report spends a tenth of a second parsing the CJK font's character map and widths
# (tens of thousands of glyphs, in pure Python). What reportlab makes of it is kept in the
# user's cache folder, one file per font file, and read back in a quarter of that time while
# the font file is unchanged (size, time, inode) and the program's reportlab and Python are
# those that made it. The font's own bytes are read again from its file (the subset embedded
# in each PDF is cut from them): the cache holds metrics, never the font. A cache file that
# cannot be read, or holds anything but reportlab's font classes and plain values, is ignored
# and made again; one that cannot be written is simply not kept. The map from each glyph back
# to its characters (a third of what is read back, and used only to shape text, which the
# reports do not) is kept apart in the file and read when first asked for.
CACHE_FORMAT = 2
_CACHED_CLASSES = frozenset({("reportlab.pdfbase.ttfonts", name)
                             for name in ("TTFont", "TTFontFace", "TTEncoding", "TTFNameBytes")})


class _FontUnpickler(pickle.Unpickler):
    """Builds reportlab's font classes and plain values only: a cache file runs no code."""

    def find_class(self, module: str, name: str) -> Any:  # pickle.Unpickler.find_class
        if (module, name) not in _CACHED_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not a font class")
        return super().find_class(module, name)


def cache_path(path: str) -> Path:
    """Where the parsed font of a font file is kept."""
    key = "\0".join((str(CACHE_FORMAT), reportlab.Version, sys.version.split()[0], FONT_NAME,
                     os.path.realpath(path)))
    return (Path(platformdirs.user_cache_dir("qcdesk", appauthor=False)) / "fonts"
            / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle")


def _stamp(path: str) -> tuple[int, int, int]:
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ino


def _parsed(path: str) -> TTFont:
    """The font parsed from its file, and kept for next time."""
    font = TTFont(FONT_NAME, path, subfontIndex=0)
    _keep(path, font)
    return font


def _keep(path: str, font: TTFont) -> None:
    face = dict(font.face.__dict__)
    face.pop("_ttf_data", None)  # the font itself: read from its file
    face.pop("_pdfScale", None)  # a function of unitsPerEm, made again
    glyph_chars = face.pop("glyphToChar", {})  # apart: read when asked for (_KeptFace)
    kept = {k: v for k, v in font.__dict__.items() if k not in ("face", "state")}
    target = cache_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_bytes(pickle.dumps((CACHE_FORMAT, _stamp(path), kept, face,
                                          pickle.dumps(glyph_chars, protocol=5)), protocol=5))
        partial.replace(target)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.info("font %s not kept in %s: %s", path, target, exc)


class _KeptFace(TTFontFace):
    """A face read back from the cache: its glyph → characters map is read when first asked for."""

    _glyph_chars: bytes

    def __getattr__(self, name: str) -> Any:  # object.__getattr__: an attribute not (yet) set
        if name != "glyphToChar" or "_glyph_chars" not in self.__dict__:
            raise AttributeError(name)
        found = _FontUnpickler(io.BytesIO(self.__dict__.pop("_glyph_chars"))).load()
        self.glyphToChar = found
        return found


def _cached(path: str) -> TTFont | None:
    """The font as kept by `_parsed`, if it was kept from this very file; else None."""
    try:
        with cache_path(path).open("rb") as f:
            version, stamp, kept, face_state, glyph_chars = _FontUnpickler(f).load()
        if version != CACHE_FORMAT or stamp != _stamp(path) or not isinstance(glyph_chars, bytes):
            return None
        face = _KeptFace.__new__(_KeptFace)
        face.__dict__.update(face_state)
        face._glyph_chars = glyph_chars
        units = face.unitsPerEm
        if units == 1000:  # as TTFontFile.extractInfo makes it
            face._pdfScale = lambda x: x
        else:
            mult = 1000 / units
            face._pdfScale = lambda x: x * mult
        with open(path, "rb") as f:
            face._ttf_data = f.read()
        font = TTFont.__new__(TTFont)
        font.__dict__.update(kept)
        font.face = face
        font.state = WeakKeyDictionary()  # per document, none yet
        if font.fontName != FONT_NAME or face.filename != path:
            return None
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign cache file, or another reportlab: parsed again
        log.info("font cache of %s not used: %s", path, exc)
        return None
    return font


def _configured_problem(path: str) -> str:
    """Why the font file QCDESK_CJK_FONT names cannot be used."""
    file = Path(path)
    if not file.exists():
        return _("no such file")
    if not file.is_file() or not os.access(file, os.R_OK):
        return _("cannot be read")
    return _("not a usable TrueType font")


def register(paths: list[str] | None = None) -> FontChoice:
    """Register the report font once (later calls return the same choice). A font file named by
    QCDESK_CJK_FONT that cannot be used is warned about, and the search goes on."""
    global _chosen  # noqa: PLW0603 - one font per process: reportlab's registry is global
    if _chosen is not None and paths is None:
        return _chosen
    configured = os.environ.get(ENV, "").strip() if paths is None else ""
    warnings: list[str] = []
    for path in _candidates() if paths is None else paths:
        font = _try(path)
        if font is not None:
            pdfmetrics.registerFont(font)
            # its hundred thousand small objects live as long as the process: put out of the cycle
            # collector's sight for good (with everything made before them, as long-lived), so
            # that no collection walks them again, the interpreter's last ones at exit included
            # (a report's process spent 60 ms of processor time there)
            gc.freeze()
            _chosen = FontChoice(FONT_NAME, path, embedded=True, warning="; ".join(warnings) or None)
            return _chosen
        if configured and path == configured:
            warning = _("{env}={path}: {problem}; looking for another CJK font").format(
                env=ENV, path=path, problem=_configured_problem(path))
            log.warning(warning)
            warnings.append(warning)
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415 - only without a TrueType font

    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_NAME))
    warning = _("no CJK TrueType font found (set {env} to a .ttf/.ttc file, or install fonts-wqy-microhei); "
                "using the built-in STSong-Light, not embedded").format(env=ENV)
    log.warning(warning)
    warnings.append(warning)
    _chosen = FontChoice(FALLBACK_NAME, None, embedded=False, warning="; ".join(warnings))
    return _chosen


def reset() -> None:
    """Forget the choice (tests switch fonts)."""
    global _chosen  # noqa: PLW0603
    _chosen = None
    _fallbacks.clear()
    _font_of.clear()
    _tried.clear()


# ------------------------------------------------------------ characters the font lacks

_fallbacks: list[TTFont] = []  # registered, in the order found
_font_of: dict[int, str | None] = {}  # a character → the fallback font that has it, None: none has
_tried: set[str] = set()  # font files already tried as fallbacks


def _has(font: object, code: int) -> bool:
    face = getattr(font, "face", None)
    if face is None:  # a built-in CID font: no character map to ask; trusted
        return True
    return code in face.charToGlyph


def _fc_files_with(code: int) -> list[str]:
    """TrueType files fontconfig says hold the character."""
    if shutil.which("fc-list") is None:
        return []
    import subprocess  # noqa: PLC0415 - only for a character the report font lacks

    try:
        done = subprocess.run(["fc-list", f":charset={code:x}", "file"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in done.stdout.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def fallback_candidates(code: int) -> list[str]:
    """Font files to try for a character the report font lacks: known paths, then fontconfig's."""
    return [*(p for p in FALLBACK_PATHS if Path(p).is_file()), *_fc_files_with(code)]


def _fallback_for(code: int) -> str | None:
    """The registered name of a font that has the character, registering one if needed; None if
    no font of the machine has it (reportlab reads TrueType outlines only: a colour emoji font
    does not count)."""
    if code in _font_of:
        return _font_of[code]
    found = next((f.fontName for f in _fallbacks if _has(f, code)), None)
    if found is None:
        for path in fallback_candidates(code):
            if path in _tried:
                continue
            _tried.add(path)
            try:
                font = TTFont(f"{FALLBACK_PREFIX}{len(_fallbacks) + 1}", path, subfontIndex=0)
            except (TTFError, OSError, ValueError, KeyError) as exc:
                log.info("fallback font %s not usable: %s", path, exc)
                continue
            pdfmetrics.registerFont(font)
            _fallbacks.append(font)
            if _has(font, code):
                found = font.fontName
                break
    _font_of[code] = found
    return found


def segments(value: str) -> list[tuple[str | None, str]]:
    """The text in runs of one font each: None for the report font, else a fallback font's name.
    A character no font of the machine has becomes MARK, so it never vanishes unseen."""
    main = pdfmetrics.getFont(register().name)
    face = getattr(main, "face", None)
    if face is not None and all(ord(ch) in face.charToGlyph for ch in value) \
            and _INVISIBLE.isdisjoint(map(ord, value)):
        return [(None, value)] if value else []  # the report font has every character: one run
    runs: list[tuple[str | None, str]] = []
    for ch in value:
        code = ord(ch)
        if code in _INVISIBLE:
            continue
        font: str | None = None
        shown = ch
        if not (ch.isspace() or _has(main, code)):
            font = _fallback_for(code)
            if font is None:
                shown = MARK if _has(main, ord(MARK)) else "?"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + shown)
        else:
            runs.append((font, shown))
    return runs


def visible(value: str) -> str:
    """The text for a place set in the report font alone (a chart's label): a character no
    font of the machine has becomes MARK; one only a fallback font has is kept (the PDF's
    text keeps it, though the label may show it as an empty box)."""
    return "".join(run for _font, run in segments(value))


def string_width(value: str, font: str, size: float) -> float:
    """The width of the text as `draw` sets it, in points."""
    return sum(pdfmetrics.stringWidth(run, name or font, size) for name, run in segments(value))


def draw(canvas: Canvas, at: tuple[float, float], value: str, font: str, size: float, *,
         align: str = "L") -> float:
    """Draw the text from `at` (align "L"), ending at it ("R") or centred on it ("C"), each run in
    its own font; its width in points."""
    x, y = at
    width = string_width(value, font, size)
    left = x - width if align == "R" else x - width / 2 if align == "C" else x
    for name, run in segments(value):
        canvas.setFont(name or font, size)
        canvas.drawString(left, y, run)
        left += pdfmetrics.stringWidth(run, name or font, size)
    canvas.setFont(font, size)
    return width
