"""The one strict number grammar: finite plain decimals, full-width welcome, physical ranges."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcdesk.errors import InputError
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    Range,
    format_number,
    parse_decimal,
    parse_in_range,
    parse_optional,
)

# How a Chinese input method types numbers, mapped by hand (not taken from qcdesk.numbers).
FULL_WIDTH = {**{chr(0xFF10 + d): str(d) for d in range(10)},
              "．": ".", "－": "-", "＋": "+", "−": "-", "　": " "}


def ascii_twin(text: str) -> str:
    return "".join(FULL_WIDTH.get(ch, ch) for ch in text)


@pytest.mark.parametrize(("text", "value"), [
    ("0.20", 0.20), (" 1540 ", 1540.0), (".5", 0.5), ("5.", 5.0), ("+3", 3.0), ("-2.5", -2.5),
    ("０．２０", 0.20), ("１５４０", 1540.0), ("－0", 0.0), ("＋１", 1.0), ("−1", -1.0),
    ("\u3000０．０３５\u3000", 0.035), ("007", 7.0), ("0.045000", 0.045),
])
def test_plain_decimals_are_read(text: str, value: float) -> None:
    assert parse_decimal(text, "C") == value


@pytest.mark.parametrize("text", [
    "nan", "NaN", "inf", "-inf", "Infinity", "1_000", "1e3", "1E3", "", "   ", "\u3000",
    "0x10", "١٢", "1.2.3", "½", "²", ".", "-", "+-1", "1 000", "1'000", "0,20 ", "--1", "1-",
    "0.2%", "٠٫٥", "१२", "1" * 41,
])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_decimal(text, "C")
    assert refused.value.field == "C"  # the message names the field


def test_a_decimal_comma_is_refused_with_a_hint_about_the_point() -> None:
    with pytest.raises(InputError, match="point") as refused:
        parse_decimal("1,5", "Mn")
    assert "0.20" in str(refused.value)


RANGES = {
    "tapped weight (0, 400] t": (TAP_WEIGHT_T, ["0.001", "400", "400.0", "250.5"],
                                 ["0", "-0", "-0.001", "400.01", "400.001", "1000"]),
    "ingot (0, 60000] kg": (INGOT_WEIGHT_KG, ["0.001", "60000", "59999.9", "650"],
                            ["0", "-5", "60000.1", "60000.01", "60001"]),
    "chemistry [0, 100] %": (CHEMISTRY_PCT, ["0", "-0", "0.000", "100", "100.0", "0.035"],
                             ["-0.001", "100.001", "100.5", "101"]),
    "temperature [1000, 1900] °C": (TAP_TEMP_C, ["1000", "1900", "1540", "1000.0"],
                                    ["999", "999.9", "1900.1", "1901", "0"]),
}


@pytest.mark.parametrize(("valid", "inside", "outside"), RANGES.values(), ids=RANGES)
def test_physical_ranges_at_and_just_beyond_each_end(valid: Range, inside: list[str],
                                                     outside: list[str]) -> None:
    for text in inside:
        assert parse_in_range(text, "x", valid) == float(text), text
    for text in outside:
        with pytest.raises(InputError, match="out of range"):
            parse_in_range(text, "x", valid)


def test_blank_is_no_value_where_a_value_is_optional() -> None:
    assert parse_optional(None, "°C", TAP_TEMP_C) is None
    assert parse_optional("  ", "°C", TAP_TEMP_C) is None
    assert parse_optional("\u3000", "°C", TAP_TEMP_C) is None
    assert parse_optional("１５４０", "°C", TAP_TEMP_C) == 1540.0
    with pytest.raises(InputError):
        parse_optional("999", "°C", TAP_TEMP_C)


@pytest.mark.parametrize(("value", "text"), [
    (0.2, "0.2"), (700.0, "700"), (0.035, "0.035"), (1e-7, "0.0000001"), (60000.0, "60000"),
    (1e20, "100000000000000000000"),
])
def test_numbers_are_written_without_exponent(value: float, text: str) -> None:
    assert format_number(value) == text
    assert float(text) == value


# ------------------------------------------------------------------- properties

number_like = st.text(alphabet="0123456789０１２３４５６７８９.．+-－＋− \u3000e_,x", max_size=12)
anything = st.text(max_size=45)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(number_like, anything),
       valid=st.sampled_from([TAP_WEIGHT_T, INGOT_WEIGHT_KG, CHEMISTRY_PCT, TAP_TEMP_C]))
def test_any_text_is_refused_or_read_exactly_as_its_decimal(text: str, valid: Range) -> None:
    try:
        value = parse_in_range(text, "field", valid)
    except InputError:
        return
    assert math.isfinite(value)
    assert valid.contains(value)
    assert value == float(Decimal(ascii_twin(text).strip()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.from_regex(r"\A[+-]?([0-9]{1,8}(\.[0-9]{0,6})?|\.[0-9]{1,6})\Z"))
def test_every_plain_decimal_is_accepted(text: str) -> None:
    assert parse_decimal(text, "field") == float(Decimal(text))
    assert parse_decimal(f" {text}\u3000", "field") == float(Decimal(text))


def test_format_fixed_prints_totals_as_the_reports_do() -> None:
    from qcdesk.numbers import format_fixed

    assert format_fixed(226.89, 1) == "226.9"
    assert format_fixed(6000, 1) == "6,000.0"
    assert format_fixed(5.9, 2, at_least=True) == "5.90"
    assert format_fixed(6.29, 2, at_least=True) == "6.29"
    assert format_fixed(29.875, 2, at_least=True) == "29.875"  # no digit hidden
    assert format_fixed(30, 2) == "30.00"
