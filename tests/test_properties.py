"""Bad input, searched for (issue 6): any text typed into a numeric field is refused or stored as
the finite value meant; any CSV file imports whole or leaves the database file byte for byte."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qcdesk import csvio, samples_io
from qcdesk.errors import InputError, QcError
from qcdesk.model import Disposition
from qcdesk.numbers import CHEMISTRY_PCT, INGOT_WEIGHT_KG, TAP_TEMP_C, TAP_WEIGHT_T, Range, parse_in_range
from qcdesk.store import NewHeat, NewIngot, Store

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_serial = itertools.count(1)

# The ASCII twin of what a Chinese input method types, written out here rather than taken
# from qcdesk.numbers, so the property does not check the code against itself.
_TWINS = {**{chr(0xFF10 + d): str(d) for d in range(10)}, "．": ".", "－": "-", "−": "-", "＋": "+",
          "\u3000": " "}
_PLAIN = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def twin(text: str) -> str:
    return "".join(_TWINS.get(ch, ch) for ch in text).strip()


def meant(text: str) -> Decimal | None:
    """The decimal a person typing `text` means, or None when it is no plain decimal."""
    twin_text = twin(text)
    if not _PLAIN.fullmatch(twin_text):
        return None
    try:
        return Decimal(twin_text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def as_meant(text: str) -> float:
    expected = meant(text)
    assert expected is not None
    return float(expected)


def inside(value: Decimal, valid: Range) -> bool:
    low, high = Decimal(str(valid.low)), Decimal(str(valid.high))
    return (value > low if valid.low_open else value >= low) and value <= high


number_like = st.text(alphabet="0123456789０１２３４５６７８９.．+-－＋− \u3000e_,xn", max_size=14)
near_bounds = st.builds(lambda v, pad: f"{pad}{v}{pad}",
                        st.decimals(min_value=-10, max_value=70000, allow_nan=False,
                                    allow_infinity=False).map(lambda d: format(d, "f")),
                        st.sampled_from(["", " ", "\u3000"]))
typed = st.one_of(number_like, near_bounds, st.text(max_size=45),
                  st.sampled_from(["nan", "inf", "-inf", "1e3", "1_000", "1,5", "0x10", "０．２０",
                                   "400", "400.0000000000001", "60000", "0", "-0", "1000", "1900",
                                   "100", "0.0", ".5", "5.", "+7", "−3", "1" * 41]))


def read(text: str, field: str, valid: Range) -> float | None:
    """The property on the number grammar: refused, or the finite value meant, in range."""
    expected = meant(text)
    try:
        value = parse_in_range(text, field, valid)
    except InputError as exc:
        refused = exc
    else:
        refused = None
    if refused is not None:
        assert refused.field == field  # a message naming the field
        assert refused.problem
        assert expected is None or not inside(expected, valid) or len(twin(text)) > 40
        return None
    assert expected is not None
    assert value == float(expected)
    assert inside(expected, valid)
    return value


@pytest.fixture(scope="module")
def numbers_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("numbers") / "n.sqlite", "tester") as store:
        yield store


@SETTINGS
@given(weight=typed, temp=typed, ingot=typed, mn=typed)
def test_any_text_in_a_numeric_field_is_refused_or_stored_as_meant(
        numbers_store: Store, weight: str, temp: str, ingot: str, mn: str) -> None:
    store = numbers_store
    tap_weight = read(weight, "tap_weight_t", TAP_WEIGHT_T)
    tap_temp = read(temp, "tap_temp_c", TAP_TEMP_C)
    ingot_weight = read(ingot, "weight_kg", INGOT_WEIGHT_KG)
    manganese = read(mn, "Mn", CHEMISTRY_PCT)
    heat_no = f"P-{next(_serial)}"
    heat = store.add_heat(NewHeat(heat_no, "1", datetime(2024, 1, 1, 9, 0), "Q235B",
                                  tap_weight if tap_weight is not None else 100.0, tap_temp, "Wang",
                                  analysis={"Mn": manganese} if manganese is not None else {}))
    if tap_weight is not None:
        assert heat.tap_weight_t == as_meant(weight)
    assert heat.tap_temp_c == (as_meant(temp) if tap_temp is not None else None)
    if manganese is not None:
        assert heat.analysis["Mn"] == as_meant(mn)
    if ingot_weight is not None:
        saved = store.add_ingots(heat_no, [NewIngot(1, ingot_weight, Disposition.ACCEPTED, "Wang")])
        assert saved[0].weight_kg == as_meant(ingot)


# ------------------------------------------------------------------- CSV files

HEAT_HEADER = [*csvio.HEAT_COLUMNS, "C", "Mn"]
INGOT_HEADER = list(csvio.INGOT_COLUMNS)
SAMPLE_HEADER = [*samples_io.ANALYSIS_COLUMNS, "C", "Mn"]
TRICKY = ["", " ", "nan", "1e3", "1,5", "-1", "0", "99999", "０．２０", "Q235B", "Q999", "9",
          "2024-02-30 10:00", "1899-12-31 23:59", "2024-01-01 25:00", "合格", "待判", "scrap",
          "PIPE@top", "PIPE@nowhere", "NOPE", "\x00", '"', "a\nb", "=1+1", "１", "x" * 90]


@pytest.fixture(scope="module")
def csv_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    path = tmp_path_factory.mktemp("csv") / "c.sqlite"
    with Store.open(path, "tester") as store:
        for n in range(1, 6):
            store.add_heat(NewHeat(f"T-{n}", "1", datetime(2024, 1, 1, n, 0), "Q235B", 100.0, 1600.0,
                                   "Wang"))
        yield store, path


# Serials of fixed width: a replayed example must draw with the same bounds (the length of
# the file decides where it may be cut short), whatever the counter has reached.
def good_heat(n: int) -> list[str]:
    return [f"H-{n:07d}", str(n % 3 + 1), f"2024-02-0{n % 9 + 1} 1{n % 10}:00", "Q235B", "120.5", "1600",
            "Wang", "0.15", "0.45"]


def good_ingot(n: int) -> list[str]:
    return [f"T-{n % 5 + 1}", str(n % 9000 + 1000), "8500", "accepted", "", "Wang"]


def good_sample(n: int) -> list[str]:
    """A preliminary sample of one of the heats T-1 … T-5 (tapped 01:00 … 05:00), at its tap."""
    return [f"T-{n % 5 + 1}", f"L{n:07d}", "preliminary", "", f"2024-01-01 0{n % 5 + 1}:00", "0.15", "0.45"]


@st.composite
def csv_files(draw: st.DrawFn, kind: str) -> bytes:
    """A file around the valid format: good rows with some cells, rows or the header spoilt,
    in one of the encodings a workshop uses; or any bytes at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = list({"heats": HEAT_HEADER, "ingots": INGOT_HEADER, "analyses": SAMPLE_HEADER}[kind])
    make = {"heats": good_heat, "ingots": good_ingot, "analyses": good_sample}[kind]
    rows = [make(next(_serial)) for _ in range(draw(st.integers(0, 6)))]
    for row in rows:
        if draw(st.integers(0, 3)) == 0:  # spoil a cell
            row[draw(st.integers(0, len(row) - 1))] = draw(st.one_of(st.sampled_from(TRICKY),
                                                                    st.text(max_size=10)))
        if draw(st.integers(0, 15)) == 0:
            row.append(draw(st.sampled_from(TRICKY)))
        if draw(st.integers(0, 15)) == 0 and row:
            row.pop()
    if rows and draw(st.integers(0, 15)) == 0:
        rows.append(list(rows[0]))  # a repeated row
    if draw(st.integers(0, 10)) == 0:
        header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", "Xx", "weight", "C"]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    text = buffer.getvalue()
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])), errors="replace")
    if draw(st.integers(0, 10)) == 0:
        data = data[:draw(st.integers(0, len(data)))]  # cut short
    return data


def whole_or_nothing(store: Store, db_path: Path, file: Path, kind: str) -> None:
    before = db_path.read_bytes()
    table = {"heats": "heat", "ingots": "ingot", "analyses": "sample"}[kind]
    count = store.counts()[table]
    importer = {"heats": csvio.import_heats, "ingots": csvio.import_ingots,
                "analyses": samples_io.import_analyses}[kind]
    try:
        n = importer(store, file)
    except QcError:  # refused (ImportRefused, or a file that cannot be read): nothing written
        event("refused")
        assert db_path.read_bytes() == before
        assert not store.conn.in_transaction
        return
    event("imported" if n else "imported nothing")
    assert store.counts()[table] == count + n  # whole
    if n == 0:
        assert db_path.read_bytes() == before


@SETTINGS
@given(data=csv_files("heats"))
def test_any_heats_file_imports_whole_or_leaves_the_database_unchanged(
        csv_store: tuple[Store, Path], tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    store, db_path = csv_store
    file = tmp_path_factory.getbasetemp() / "heats.csv"
    file.write_bytes(data)
    whole_or_nothing(store, db_path, file, "heats")


@SETTINGS
@given(data=csv_files("ingots"))
def test_any_ingots_file_imports_whole_or_leaves_the_database_unchanged(
        csv_store: tuple[Store, Path], tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    store, db_path = csv_store
    file = tmp_path_factory.getbasetemp() / "ingots.csv"
    file.write_bytes(data)
    whole_or_nothing(store, db_path, file, "ingots")


@SETTINGS
@given(data=csv_files("analyses"))
def test_any_analyses_file_imports_whole_or_leaves_the_database_unchanged(
        csv_store: tuple[Store, Path], tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    store, db_path = csv_store
    file = tmp_path_factory.getbasetemp() / "analyses.csv"
    file.write_bytes(data)
    whole_or_nothing(store, db_path, file, "analyses")
