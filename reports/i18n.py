"""One small translation function for the labels of the printed documents.

Labels are written in English and looked up in `reports._zh`; the language is the
core's (`qcdesk.i18n.language()`), so `--lang` and the program's setting switch both.
"""

from __future__ import annotations

from qcdesk.i18n import language


def _(label: str) -> str:
    """Translate an English report label into the language in force (the Chinese labels are read
    at the first one asked for, as the core's messages are)."""
    lang = language()
    if lang != "zh":
        return label
    from reports._zh import ZH  # noqa: PLC0415 - see above

    return ZH.get(label, label)


def N_(label: str) -> str:
    """Mark a label for translation without translating it yet."""
    return label


def pick(english: str, chinese: str) -> str:
    """Of a name held in both languages (defects, shifts), the one in force."""
    return chinese if language() == "zh" and chinese else english
