"""The font every report is set in: a CJK TrueType font found on the machine, embedded.

Chinese labels and names (defects, shifts, inspectors) must render in any viewer,
so a TrueType font holding CJK glyphs is registered and embedded (subset) in each
PDF. Where none is found, reportlab's built-in CID font STSong-Light is used with
a warning: it is not embedded, so a viewer without Adobe's Asian font pack may
not show the Chinese.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reports.i18n import _

log = logging.getLogger(__name__)

FONT_NAME = "QcdeskCJK"
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
    try:
        done = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in done.stdout.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def candidates() -> list[str]:
    """Font files to try, in order: QCDESK_CJK_FONT, known paths, then fontconfig's."""
    out: list[str] = []
    env = os.environ.get(ENV, "").strip()
    if env:
        out.append(env)
    out += [p for p in KNOWN_PATHS if Path(p).is_file()]
    out += _fc_list()
    return list(dict.fromkeys(out))


def _try(path: str) -> TTFont | None:
    try:
        return TTFont(FONT_NAME, path, subfontIndex=0)
    except (TTFError, OSError, ValueError, KeyError) as exc:
        log.info("font %s not usable: %s", path, exc)
        return None


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
    for path in candidates() if paths is None else paths:
        font = _try(path)
        if font is not None:
            pdfmetrics.registerFont(font)
            _chosen = FontChoice(FONT_NAME, path, embedded=True, warning="; ".join(warnings) or None)
            return _chosen
        if configured and path == configured:
            warning = _("{env}={path}: {problem}; looking for another CJK font").format(
                env=ENV, path=path, problem=_configured_problem(path))
            log.warning(warning)
            warnings.append(warning)
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
