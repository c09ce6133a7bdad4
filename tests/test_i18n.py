"""Chinese is data: every core message has a translation whose placeholders match."""

from __future__ import annotations

import pytest
from messages import fields, messages

from qcdesk._zh import ZH
from qcdesk.i18n import _, set_language


def test_every_core_message_has_a_chinese_translation() -> None:
    missing = [m for m in messages("qcdesk") if m not in ZH]
    assert missing == []


@pytest.mark.parametrize("message", messages("qcdesk"))
def test_translation_keeps_the_placeholders(message: str) -> None:
    assert fields(ZH[message]) == fields(message)


def test_language_switches_messages() -> None:
    set_language("zh")
    assert _("conforming heats ÷ checked heats") == "成分合格炉数 ÷ 已检验炉数"
    set_language("en")
    assert _("conforming heats ÷ checked heats") == "conforming heats ÷ checked heats"


def test_environment_picks_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDESK_LANG", "zh_CN.UTF-8")
    assert _("scrap") == "废品"
