"""qcdesk.numbers at its edges: each element in the form a lab writes it, each physical range
at its edge and one step beyond, the tap time at 1900 and exactly 24 hours ahead, and the
message a person reads when a value is refused. These close the gaps mutation testing
found (docs/mutation.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from qcdesk.errors import InputError
from qcdesk.model import ChemStatus, Disposition
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    INGOT_WEIGHT_KG,
    NOMINAL_HEAT_T,
    TAP_TEMP_C,
    TAP_WEIGHT_T,
    Range,
    check_range,
    check_tap_time,
    format_chemistry,
    normalise_width,
    parse_decimal,
    parse_in_range,
    parse_optional,
)
from qcdesk.store import NewHeat, NewIngot, Store

# ------------------------------------------------------------------ each element as a lab writes it

# The program's rule: C, Si and Mn to two decimals, P and S to three, every other element to
# three; never hiding a digit the value has.


@pytest.mark.parametrize(("element", "value", "shown"), [
    ("C", 0.2, "0.20"), ("C", 0.17, "0.17"), ("C", 0.0, "0.00"), ("C", 0.155, "0.155"),
    ("Si", 0.3, "0.30"), ("Mn", 1.4, "1.40"), ("Mn", 1.0, "1.00"), ("Mn", 0.5, "0.50"),
    ("P", 0.03, "0.030"), ("P", 0.045, "0.045"), ("P", 0.0305, "0.0305"),
    ("S", 0.04, "0.040"), ("S", 0.0, "0.000"),
    ("Cr", 0.3, "0.300"), ("Ni", 0.25, "0.250"), ("Cu", 0.2, "0.200"), ("Mo", 0.1, "0.100"),
    ("V", 0.02, "0.020"), ("Ti", 0.015, "0.015"), ("Al", 0.03, "0.030"), ("N", 0.008, "0.008"),
    ("N", 0.0045, "0.0045"),
])
def test_each_element_is_shown_with_its_decimals(element: str, value: float, shown: str) -> None:
    assert format_chemistry(element, value) == shown


# ------------------------------------------------------------------ the physical ranges

# (range, its description, values at each edge that are accepted, one step beyond refused)
EDGES = {
    "tapped weight": (TAP_WEIGHT_T, "must be > 0 and ≤ 400 t", [1e-9, 0.001, 400.0], [0.0, -0.001, 400.001]),
    "nominal heat size": (NOMINAL_HEAT_T, "must be > 0 and ≤ 400 t", [0.001, 400.0], [0.0, 400.001]),
    "ingot weight": (INGOT_WEIGHT_KG, "must be > 0 and ≤ 60000 kg", [0.001, 60_000.0], [0.0, 60_000.001]),
    "chemistry": (CHEMISTRY_PCT, "must be ≥ 0 and ≤ 100 mass %", [0.0, 100.0], [-0.001, 100.001]),
    "tap temperature": (TAP_TEMP_C, "must be ≥ 1000 and ≤ 1900 °C", [1000.0, 1900.0], [999.999, 1900.001]),
}


@pytest.mark.parametrize(("valid", "rule", "inside", "outside"), EDGES.values(), ids=EDGES)
def test_each_range_at_its_edges_and_one_step_beyond(valid: Range, rule: str, inside: list[float],
                                                     outside: list[float]) -> None:
    assert valid.describe() == rule
    for value in inside:
        assert valid.contains(value), value
        assert check_range(value, "field", valid) == value
    for value in outside:
        assert not valid.contains(value), value
        with pytest.raises(InputError, match="out of range") as refused:
            check_range(value, "field", valid)
        assert refused.value.field == "field"
        assert str(refused.value).endswith(rule)


def test_a_refused_value_is_named_with_its_unit_and_the_rule() -> None:
    with pytest.raises(InputError) as refused:
        check_range(400.5, "tapped weight", TAP_WEIGHT_T)
    assert str(refused.value) == "tapped weight: 400.5 t is out of range: must be > 0 and ≤ 400 t"
    with pytest.raises(InputError) as refused:
        parse_in_range("1900.5", "tap temperature", TAP_TEMP_C)
    assert str(refused.value) == "tap temperature: 1900.5 °C is out of range: must be ≥ 1000 and ≤ 1900 °C"
    with pytest.raises(InputError) as refused:
        parse_optional("１０１", "Mn", CHEMISTRY_PCT)
    assert str(refused.value) == "Mn: 101 mass % is out of range: must be ≥ 0 and ≤ 100 mass %"


@pytest.mark.parametrize(("value", "shown"), [(float("nan"), "nan"), (float("inf"), "inf"), ("5", "5")])
def test_what_is_not_a_number_is_refused_as_it_was_given(value: object, shown: str) -> None:
    with pytest.raises(InputError) as refused:
        check_range(value, "tapped weight", TAP_WEIGHT_T)  # type: ignore[arg-type]
    assert str(refused.value).startswith(f"tapped weight: {shown} t is out of range")


def test_whole_numbers_are_accepted_as_numbers() -> None:
    assert check_range(400, "tapped weight", TAP_WEIGHT_T) == 400.0
    assert check_range(1000, "tap temperature", TAP_TEMP_C) == 1000.0


# ------------------------------------------------------------------ the tap time

NOW = datetime(2026, 12, 5, 9, 30)


def test_a_tap_time_exactly_a_day_ahead_is_accepted_a_minute_more_is_not() -> None:
    assert check_tap_time(datetime(2026, 12, 6, 9, 30), NOW) == datetime(2026, 12, 6, 9, 30)
    with pytest.raises(InputError) as refused:
        check_tap_time(datetime(2026, 12, 6, 9, 31), NOW)
    assert refused.value.field == "tapped_at"
    assert str(refused.value) == "tapped_at: 2026-12-06 09:31 is in the future"


def test_the_first_minute_of_1900_is_accepted_the_one_before_is_not() -> None:
    assert check_tap_time(datetime(1900, 1, 1, 0, 0), NOW) == datetime(1900, 1, 1)
    with pytest.raises(InputError) as refused:
        check_tap_time(datetime(1899, 12, 31, 23, 59), NOW, "tap time")
    assert refused.value.field == "tap time"
    assert str(refused.value) == "tap time: 1899-12-31 23:59 is before 1900: a typing mistake?"


def test_a_clock_with_a_time_zone_is_read_as_local_wall_clock_time() -> None:
    aware = NOW.astimezone()  # the same moment, in this machine's zone
    assert check_tap_time(datetime(2026, 12, 6, 9, 30), aware) == datetime(2026, 12, 6, 9, 30)
    with pytest.raises(InputError, match="in the future"):
        check_tap_time(datetime(2026, 12, 6, 9, 31), aware)


# ------------------------------------------------------------------ the same edges, as the desk sees them


@pytest.fixture
def desk(db_path: Path) -> Iterator[Store]:
    """A workshop whose clock says 2026-12-05 09:30 (closed after the test: a connection to a
    server left open is a leak)."""
    with Store.open(db_path, "tester", clock=lambda: NOW) as store:
        yield store


def heat(no: str, *, at: datetime = datetime(2026, 12, 5, 8, 15), tonnes: float = 30.0,
         celsius: float | None = 1600.0) -> NewHeat:
    return NewHeat(no, "1", at, "Q235B", tonnes, celsius, "Wang",
                   analysis={"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020})


def test_the_desk_takes_each_edge_and_refuses_one_step_beyond(desk: Store) -> None:
    desk.add_heat(heat("E1", tonnes=400.0, celsius=1000.0, at=NOW + timedelta(hours=24)))
    desk.add_heat(heat("E2", tonnes=0.001, celsius=1900.0))
    refused = {"E3": heat("E3", tonnes=400.001), "E4": heat("E4", tonnes=0.0),
               "E5": heat("E5", celsius=999.9), "E6": heat("E6", celsius=1900.1),
               "E7": heat("E7", at=NOW + timedelta(hours=24, minutes=1))}
    for new in refused.values():
        with pytest.raises(InputError):
            desk.add_heat(new)
    assert sorted(desk.existing_heat_nos([f"E{n}" for n in range(1, 8)])) == ["E1", "E2"]
    assert desk.heat("E1").tap_weight_t == 400.0

    desk.add_ingots("E1", [NewIngot(1, 60_000.0, Disposition.ACCEPTED, "Li")])
    with pytest.raises(InputError, match=r"60000\.001 kg is out of range"):
        desk.add_ingots("E1", [NewIngot(2, 60_000.001, Disposition.ACCEPTED, "Li")])
    assert [i.weight_kg for i in desk.ingots("E1")] == [60_000.0]

    assert desk.set_analysis("E2", {"C": 0.0}, reason="lab").status is ChemStatus.CONFORMS
    with pytest.raises(InputError, match=r"100\.001 mass % is out of range"):
        desk.set_analysis("E2", {"Cr": 100.001}, reason="lab")
    desk.set_analysis("E2", {"Cr": 100.0}, reason="lab")  # Q235B does not limit Cr
    assert desk.heat("E2").analysis["Cr"] == 100.0


# ------------------------------------------------------------------ what a refused text says


@pytest.mark.parametrize(("text", "problem"), [
    ("", "a number is needed here"),
    ("\u3000", "a number is needed here"),
    ("1" * 41, f"{'1' * 41!r} is too long to be a number"),
    ("1,5", "'1,5': use a point as the decimal separator, as in 0.20"),
    ("0.2%", "'0.2%' is not a plain decimal number such as 0.20 or 1540"),
])
def test_a_refused_text_says_why_and_names_its_field(text: str, problem: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_in_range(text, "tapped weight", TAP_WEIGHT_T)
    assert refused.value.field == "tapped weight"
    assert str(refused.value) == f"tapped weight: {problem}"


def test_forty_characters_are_still_a_number() -> None:
    forty = "0." + "0" * 37 + "1"  # 1e-38, written out in 40 characters
    assert len(forty) == 40
    assert parse_in_range(forty, "C", CHEMISTRY_PCT) == 1e-38


def test_a_refused_value_is_written_out_without_an_exponent() -> None:
    with pytest.raises(InputError) as refused:
        check_range(-1e-7, "C", CHEMISTRY_PCT)
    assert str(refused.value) == "C: -0.0000001 mass % is out of range: must be ≥ 0 and ≤ 100 mass %"


def test_only_the_ten_full_width_digits_are_digits() -> None:
    # ０-９ are U+FF10-U+FF19; the next one, U+FF1A, is the full-width colon of a clock time
    assert parse_decimal("１５４０", "tap temperature") == 1540.0
    with pytest.raises(InputError, match="not a plain decimal number"):
        parse_decimal("１５：４０", "tap temperature")


def test_a_defect_list_typed_full_width_reads_as_its_ascii_twin() -> None:
    assert normalise_width("TCRK＠top；SCAB＠bottom") == "TCRK@top;SCAB@bottom"
