"""A voided heat leaves the desktop's and the reports' figures too, not only the rates."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from qcdesk.store import HeatFilter, Store

DAY = date(1959, 2, 2)


@pytest.fixture(scope="module")
def demo(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One copy of the demo month for the whole module (its tests void in turn)."""
    path = tmp_path_factory.mktemp("void") / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    with Store.open(path, "tester") as s:
        yield s


def _defective_heat(store: Store) -> tuple[str, int, set[str]]:
    """A heat of converter 2 on DAY with ingots carrying defects: its number, how many such
    ingots, and their defect codes."""
    for heat in store.heats(DAY, DAY, converter="2"):
        marked = [i for i in store.ingots(heat.heat_no) if i.defects]
        if marked:
            return heat.heat_no, len(marked), {d.code for i in marked for d in i.defects}
    raise AssertionError("the demo day has no heat with defects on converter 2")


def test_a_voided_heat_leaves_the_browser_the_pareto_and_the_records(demo: Store) -> None:
    heat_no, n_marked, codes = _defective_heat(demo)
    day = HeatFilter(date_from=DAY, date_to=DAY)
    count_before = demo.count_heats(day)
    pareto_before = {d.code: d.ingots for d in demo.defect_pareto(DAY, DAY)}
    defective_before = demo.defective_ingots(DAY, DAY)[0]
    record_before = demo.most_heats_in_a_day(date(1959, 3, 1), converter="2")

    demo.void_heat(heat_no, "entered twice by mistake")

    assert demo.count_heats(day) == count_before - 1
    page = demo.heat_page(day, limit=500)
    assert heat_no not in {row.heat_no for row in page.rows}
    assert demo.defective_ingots(DAY, DAY)[0] == defective_before - n_marked
    pareto_after = {d.code: d.ingots for d in demo.defect_pareto(DAY, DAY)}
    assert sum(pareto_after.values()) < sum(pareto_before.values())
    assert all(pareto_after.get(c, 0) <= pareto_before[c] for c in codes)
    assert heat_no not in demo.heat_nos_starting(heat_no[:3])
    # converter 2's record of 14 heats was set on DAY; with one voided it is 13 there
    assert record_before == (14, DAY)
    assert demo.most_heats_in_a_day(date(1959, 3, 1), converter="2")[0] <= 13
