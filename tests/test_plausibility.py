"""Plausibility (DOMAIN.md): judged ingots over 103 % of the tapped weight, every ingot judged and
under 85 % of it, a tap temperature outside 1500-1750 °C; figures worked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcdesk.i18n import set_language
from qcdesk.model import Disposition
from qcdesk.plausibility import Kind, check, kinds_in, recorded_text
from qcdesk.store import NewHeat, NewIngot, Store

A, P = Disposition.ACCEPTED, Disposition.PENDING


def _kinds(tap_t: float, temp: float | None, ingots: list[tuple[float, Disposition]]) -> list[Kind]:
    return [d.kind for d in check(tap_t, temp, ingots)]


def test_eight_ingots_of_5250_kg_on_a_31_5_t_heat_are_too_heavy() -> None:
    # 8 × 5,250 = 42,000 kg; 42,000 / 31,500 = 1.3333 → 133.3 %
    doubts = check(31.5, 1620, [(5250, A)] * 8)
    assert [d.kind for d in doubts] == [Kind.HEAVY]
    assert doubts[0].english() == ("Ingots heavier than the heat: the judged ingots weigh 42,000 kg, "
                                   "133.3 % of the tapped 31.5 t (over 103 % is doubtful)")


def test_only_judged_ingots_count_towards_heavy() -> None:
    # 6 judged × 5,250 = 31,500 kg = 100 % of 31.5 t; the two pending ones do not count
    assert _kinds(31.5, None, [(5250, A)] * 6 + [(5250, P)] * 2) == []
    # 7 judged: 36,750 kg = 116.7 %
    doubts = check(31.5, None, [(5250, A)] * 7 + [(5250, P)])
    assert "36,750 kg, 116.7 %" in doubts[0].english()


def test_exactly_103_percent_is_no_doubt_and_a_kilogram_more_is() -> None:
    # 31.5 t × 1.03 = 32,445 kg
    assert _kinds(31.5, None, [(32445 / 3, A)] * 3) == []
    assert _kinds(31.5, None, [(32446 / 2, A)] * 2) == [Kind.HEAVY]


def test_light_only_once_every_ingot_is_judged() -> None:
    # 6 × 4,000 = 24,000 kg of 30 t = 80.0 %
    assert _kinds(30, None, [(4000, A)] * 5 + [(4000, P)]) == []
    doubts = check(30, None, [(4000, A)] * 6)
    assert [d.kind for d in doubts] == [Kind.LIGHT]
    assert doubts[0].english() == ("Ingots lighter than the heat: all 6 ingots are judged and weigh "
                                   "24,000 kg, 80.0 % of the tapped 30 t (under 85 % is doubtful)")


def test_exactly_85_percent_is_no_doubt() -> None:
    # 31.5 t × 0.85 = 26,775 kg
    assert _kinds(31.5, None, [(26775 / 5, A)] * 5) == []
    assert _kinds(31.5, None, [(26774 / 2, A)] * 2) == [Kind.LIGHT]


def test_a_heat_without_ingots_raises_no_weight_doubt() -> None:
    assert _kinds(31.5, None, []) == []


@pytest.mark.parametrize(("temp", "doubtful"), [(None, False), (1500, False), (1750, False), (1620, False),
                                                (1499.5, True), (1751, True), (1450, True)])
def test_the_tap_temperature_range_is_inclusive(temp: float | None, doubtful: bool) -> None:
    assert _kinds(30, temp, []) == ([Kind.TEMPERATURE] if doubtful else [])


def test_a_doubt_reads_in_chinese_and_is_recorded_in_english() -> None:
    doubt = check(30, 1450, [])[0]
    set_language("zh")
    try:
        assert doubt.text() == "出钢温度可疑：1450 °C 不在 1500–1750 °C 范围内"
    finally:
        set_language(None)
    assert doubt.english() == "Tap temperature doubtful: 1450 °C is outside 1500–1750 °C"
    assert kinds_in([doubt.english(), "something else"]) == {Kind.TEMPERATURE}


def test_the_store_records_each_kind_of_doubt_once(db_path: Path) -> None:
    with Store.open(db_path, "wang") as store:
        store.add_heat(NewHeat("1-0001", "1", store.now().replace(second=0, microsecond=0), "Q235B", 31.5,
                               1450, "wang"))
        assert [d.kind for d in store.note_plausibility("1-0001")] == [Kind.TEMPERATURE]
        store.add_ingots("1-0001", [NewIngot(n, 5250, A, "wang") for n in range(1, 8)])
        assert [d.kind for d in store.note_plausibility("1-0001")] == [Kind.HEAVY, Kind.TEMPERATURE]
        store.add_ingots("1-0001", [NewIngot(8, 5250, A, "wang")])
        store.note_plausibility("1-0001")  # heavier still: not recorded again
        notes = [(e.user, e.entity, e.new_value) for e in store.audit("1-0001") if e.field == "plausibility"]
    assert notes == [
        ("wang", "heat", "Tap temperature doubtful: 1450 °C is outside 1500–1750 °C"),
        ("wang", "heat", "Ingots heavier than the heat: the judged ingots weigh 36,750 kg, 116.7 % of the "
                         "tapped 31.5 t (over 103 % is doubtful)"),
    ]


def test_a_recorded_doubt_reads_in_the_language_in_force() -> None:
    recorded = check(31.5, None, [(5250, A)] * 8)[0].english()
    set_language("zh")
    try:
        assert recorded_text(recorded) == ("钢锭重于出钢量：已判钢锭重 42,000 kg，为出钢量 31.5 t 的 133.3 %"
                                           "（超过 103 % 即可疑）")
        assert recorded_text("a note of another kind") == "a note of another kind"
    finally:
        set_language(None)
