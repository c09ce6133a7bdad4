"""One small translation function for the labels of the printed documents.

Labels are written in English and looked up in `reports._zh`; the language is the
core's (`qcdesk.i18n.language()`), so `--lang` and the program's setting switch both.
"""

from __future__ import annotations

from qcdesk.i18n import language
from reports._zh import ZH

_CATALOGUES: dict[str, dict[str, str]] = {"zh": ZH}


def _(label: str) -> str:
    """Translate an English report label into the language in force."""
    return _CATALOGUES.get(language(), {}).get(label, label)


def N_(label: str) -> str:
    """Mark a label for translation without translating it yet."""
    return label


def pick(english: str, chinese: str) -> str:
    """Of a name held in both languages (defects, shifts), the one in force."""
    return chinese if language() == "zh" and chinese else english
