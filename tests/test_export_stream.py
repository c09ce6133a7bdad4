"""The exports read their rows while they write them (issue 17), and write the very bytes they
wrote when they built every heat and ingot first.

The reference writers below are the exports as they were before (release 17ff8ea): every
record read into `Heat` and `Ingot` objects, each cell through `SafeWriter`, the file
opened as "utf-8-sig". The streamed exports must give the same file, byte for byte, over
records that test every cell: formulas in names and notes, defects with and without a
location, weights and analyses with decimals, voided heats, ingots and analysis values.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest

from qcdesk import csvio
from qcdesk.cells import SafeWriter
from qcdesk.cli import main
from qcdesk.model import Disposition, IngotDefect, Location, element_sort_key
from qcdesk.numbers import format_number
from qcdesk.store import NewHeat, NewIngot, Store

DAY = date(2024, 3, 5)
HOSTILE_PEOPLE = ["=HYPERLINK(1)", "@SUM(1+1)", "+cmd", "-1+1", "''=two quotes", "王丽", "Li, \"Wei\""]
HOSTILE_NOTES = ["=1+1", "-- see the lab", "", "line one\nline two", "@here", "", "a,b;c"]


def reference_heats(store: Store, path: Path, date_from: date | None = None,
                    date_to: date | None = None) -> None:
    """The heats export as written before it was streamed."""
    whole = store.date_span()
    heats = store.heats(date_from or whole[0], date_to or whole[1]) if whole else []
    elements = sorted({el for h in heats for el in h.analysis}, key=element_sort_key)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = SafeWriter(out, lineterminator="\n")
        notes = ["notes"] if any(h.notes for h in heats) else []
        writer.writerow([*csvio.HEAT_COLUMNS, *notes, *elements])
        for h in heats:
            writer.writerow([
                h.heat_no, h.converter, h.tapped_at.strftime("%Y-%m-%d %H:%M"), h.grade,
                format_number(h.tap_weight_t),
                "" if h.tap_temp_c is None else format_number(h.tap_temp_c), h.inspector,
                *([h.notes] if notes else []),
                *("" if el not in h.analysis else format_number(h.analysis[el]) for el in elements)])


def reference_ingots(store: Store, path: Path, date_from: date | None = None,
                     date_to: date | None = None) -> None:
    """The ingots export as written before it was streamed."""
    whole = store.date_span()
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = SafeWriter(out, lineterminator="\n")
        writer.writerow(csvio.INGOT_COLUMNS)
        if whole:
            for ingot in store.iter_ingots(date_from or whole[0], date_to or whole[1]):
                writer.writerow([ingot.heat_no, ingot.ingot_no, format_number(ingot.weight_kg),
                                 ingot.disposition.value, ";".join(str(d) for d in ingot.defects),
                                 ingot.inspector])


def workshop(path: Path) -> Store:
    """Three days of heats whose every cell needs care, with voided records among them."""
    store = Store.open(path, "tester")
    store.add_converter("=4", "=Converter")
    store.add_grade("@G1", "=1+1")
    store.add_defect("-X", "=HYPERLINK(1)", "@缩孔", "surface")
    dispositions = list(Disposition)
    for day in range(3):
        for n in range(7):
            heat_no = ["=1+1", "@SUM(A1)", "+A1", "-5", "'=x", "24A", "24B"][n] + f"-{day}"
            analysis = {"C": 0.18 + n / 1000, "Si": 0.25, "Mn": 0.5 + day / 100, "P": 0.031, "S": 0.0275}
            if n == 2:
                analysis = {"C": 0.2, "Mn": 1.15, "Cr": 0.125}  # a partial analysis, another element
            if n == 5:
                analysis = {}
            tapped_at = datetime(2024, 3, 4 + day, 8 + 2 * n, 5 * n)
            grade = "@G1" if n % 3 == 0 else "Q235B"
            store.add_heat(NewHeat(heat_no, "=4" if n % 2 else "1", tapped_at, grade,
                                   30.0 + n / 8, None if n == 4 else 1600.5 + n, HOSTILE_PEOPLE[n],
                                   HOSTILE_NOTES[n] if day else "", analysis))
            store.add_ingots(heat_no, [
                NewIngot(k, 4000.0 + 12.25 * k + n, dispositions[(k + n) % len(dispositions)],
                         HOSTILE_PEOPLE[(k + n + day) % len(HOSTILE_PEOPLE)],
                         ((IngotDefect("-X", Location.TOP), IngotDefect("SCAB")) if k % 3 == 0 else
                          (IngotDefect("SCAB", Location.BOTTOM),) if k % 3 == 1 else ()))
                for k in range(1, 6)])
    store.void_ingot("-5-1", 2, "entered twice")
    store.void_heat("24B-2", "wrong heat number")
    store.set_analysis("24A-1", {"C": 0.21, "Si": None}, reason="lab corrected")
    store.update_ingot("+A1-0", 3, defects=(IngotDefect("-X", Location.MIDDLE),), reason="seen again")
    return store


@pytest.mark.parametrize("span", [(None, None), (date(2024, 3, 5), date(2024, 3, 5)),
                                  (date(2024, 3, 6), None), (date(2030, 1, 1), date(2030, 1, 2))])
def test_the_streamed_exports_write_the_bytes_the_old_ones_wrote(
        tmp_path: Path, span: tuple[date | None, date | None]) -> None:
    with workshop(tmp_path / "shop.sqlite") as store:
        heats = csvio.export_heats(store, tmp_path / "heats.csv", *span)
        ingots = csvio.export_ingots(store, tmp_path / "ingots.csv", *span)
        reference_heats(store, tmp_path / "heats-before.csv", *span)
        reference_ingots(store, tmp_path / "ingots-before.csv", *span)
    assert (tmp_path / "heats.csv").read_bytes() == (tmp_path / "heats-before.csv").read_bytes()
    assert (tmp_path / "ingots.csv").read_bytes() == (tmp_path / "ingots-before.csv").read_bytes()
    written = (tmp_path / "ingots.csv").read_bytes()
    # counted by hand: 3 days x 7 heats x 5 ingots, less a voided ingot and a voided heat's 5
    expected = {(None, None): (20, 99), (date(2024, 3, 5), date(2024, 3, 5)): (7, 34),
                (date(2024, 3, 6), None): (6, 30), (date(2030, 1, 1), date(2030, 1, 2)): (0, 0)}[span]
    assert (heats, ingots) == expected
    assert written.startswith(b"\xef\xbb\xbfheat_no,ingot_no,weight_kg,disposition,defects,inspector\n")
    assert written.count(b"\n") == ingots + 1 + written.count(b"line one\n")  # one line per ingot


def test_an_ingots_export_writes_what_was_recorded(tmp_path: Path) -> None:
    with workshop(tmp_path / "shop.sqlite") as store:
        csvio.export_ingots(store, tmp_path / "ingots.csv", DAY, DAY)
    lines = (tmp_path / "ingots.csv").read_text(encoding="utf-8-sig").splitlines()
    # heat "+A1-1" (n = 2, the second day): ingot k weighs 4000 + 12.25 k + 2 kg; its disposition is
    # number (k + 2) mod 5 of accepted, conditioned, regraded, scrap, pending (from 0)
    assert [ln for ln in lines if ln.startswith("'+A1-1,")] == [
        "'+A1-1,1,4014.25,scrap,SCAB@bottom,'''=two quotes",
        "'+A1-1,2,4026.5,pending,,王丽",
        "'+A1-1,3,4038.75,accepted,'-X@top;SCAB,\"Li, \"\"Wei\"\"\"",
        "'+A1-1,4,4051,conditioned,SCAB@bottom,'=HYPERLINK(1)",
        "'+A1-1,5,4063.25,regraded,,'@SUM(1+1)",
    ]
    assert not any(ln.startswith("'-5-1,2,") for ln in lines)  # voided


def test_the_command_line_export_of_a_large_span_is_the_streamed_one(tmp_path: Path) -> None:
    with workshop(tmp_path / "shop.sqlite") as store:
        reference_ingots(store, tmp_path / "before.csv")
    out = io.StringIO()
    assert main(["--db", str(tmp_path / "shop.sqlite"), "export", "ingots", str(tmp_path / "after.csv")],
                out=out) == 0
    assert out.getvalue() == f"99 ingot(s) written to {tmp_path / 'after.csv'}.\n"
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()


def test_an_export_forgetting_what_it_made_writes_the_same(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The cells made once and reused are forgotten past a size (bounded memory): the file is
    the same when that happens every few cells."""
    monkeypatch.setattr(csvio._Memo, "SIZE", 3)
    with workshop(tmp_path / "shop.sqlite") as store:
        assert csvio.export_ingots(store, tmp_path / "ingots.csv") == 99
        assert csvio.export_heats(store, tmp_path / "heats.csv") == 20
        reference_ingots(store, tmp_path / "ingots-before.csv")
        reference_heats(store, tmp_path / "heats-before.csv")
    assert (tmp_path / "ingots.csv").read_bytes() == (tmp_path / "ingots-before.csv").read_bytes()
    assert (tmp_path / "heats.csv").read_bytes() == (tmp_path / "heats-before.csv").read_bytes()
