"""Chinese is data: every core message has a translation whose placeholders match."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from qcdesk._zh import ZH
from qcdesk.i18n import _, set_language

ROOT = Path(__file__).resolve().parent.parent


def _core_messages() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "qcdesk").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value not in found):
                found.append(node.args[0].value)
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_core_message_has_a_chinese_translation() -> None:
    missing = [m for m in _core_messages() if m not in ZH]
    assert missing == []


@pytest.mark.parametrize("message", _core_messages())
def test_translation_keeps_the_placeholders(message: str) -> None:
    assert _fields(ZH[message]) == _fields(message)


def test_language_switches_messages() -> None:
    set_language("zh")
    assert _("conforming heats ÷ checked heats") == "成分合格炉数 ÷ 已检验炉数"
    set_language("en")
    assert _("conforming heats ÷ checked heats") == "conforming heats ÷ checked heats"


def test_environment_picks_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDESK_LANG", "zh_CN.UTF-8")
    assert _("scrap") == "废品"
