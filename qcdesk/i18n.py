"""One small translation function for the core (which cannot use Qt).

Messages are written in English and looked up in a catalogue per language;
adding a language is data. The language comes from `set_language`, else the
``QCDESK_LANG`` variable, else English.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh")
_CATALOGUES: dict[str, dict[str, str]] = {"en": {}}  # the others are read at their first message
_language: str | None = None


def set_language(lang: str | None) -> None:
    """Pick the language for every later message (None: from the environment)."""
    global _language  # noqa: PLW0603 - one process-wide setting
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    """The language in force: the one set, else QCDESK_LANG, else English."""
    if _language is not None:
        return _language
    env = os.environ.get("QCDESK_LANG", "").strip().lower()[:2]
    return env if env in LANGUAGES else "en"


def _catalogue(lang: str) -> dict[str, str]:
    """The messages of a language; Chinese is read only when it is asked for, so that a command
    in English does not load a thousand messages it will not show."""
    found = _CATALOGUES.get(lang)
    if found is None:
        from qcdesk._zh import ZH  # noqa: PLC0415 - see above

        found = _CATALOGUES[lang] = ZH if lang == "zh" else {}
    return found


def _(message: str) -> str:
    """Translate an English message into the language in force."""
    return _catalogue(language()).get(message, message)


def N_(message: str) -> str:
    """Mark a message for translation without translating it yet."""
    return message
