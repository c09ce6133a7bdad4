"""The history browser's store reads: counting and keyset paging, checked against Store.heats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from qcdesk.errors import InputError
from qcdesk.model import ChemStatus, Heat
from qcdesk.store import HISTORY_SORTS, HeatFilter, HeatListRow, Store

FEB_1 = date(1959, 2, 1)
FEB_28 = date(1959, 2, 28)


def _all_pages(store: Store, where: HeatFilter, sort: str, descending: bool, limit: int) -> list[HeatListRow]:
    rows: list[HeatListRow] = []
    after = None
    while True:
        page = store.heat_page(where, sort, descending=descending, after=after, limit=limit)
        rows.extend(page.rows)
        assert len(page.rows) <= limit
        if page.after is None:
            return rows
        after = page.after


FILTERS = [
    HeatFilter(),
    HeatFilter(date(1959, 2, 2), date(1959, 2, 2), converter="2"),
    HeatFilter(date_from=date(1959, 2, 20)),
    HeatFilter(date_to=date(1959, 2, 3), shift="day"),
    HeatFilter(grade="Q235B"),
    HeatFilter(status=ChemStatus.FAILS),
    HeatFilter(status=ChemStatus.NOT_CHECKED),
]


def _core(store: Store, where: HeatFilter) -> list[Heat]:
    return store.heats(where.date_from or FEB_1, where.date_to or FEB_28, converter=where.converter,
                       grade=where.grade, shift=where.shift, status=where.status)


@pytest.mark.parametrize("where", FILTERS)
def test_count_and_pages_give_the_heats_the_core_gives(demo: Store, where: HeatFilter) -> None:
    expected = [h.heat_no for h in _core(demo, where)]
    assert demo.count_heats(where) == len(expected)
    rows = _all_pages(demo, where, "tapped_at", descending=False, limit=37)
    # store.heats orders by tap time, then heat number; the page by tap time, then entry order
    assert sorted(r.heat_no for r in rows) == sorted(expected)
    assert [r.tapped_at for r in rows] == [h.tapped_at for h in _core(demo, where)]


def test_record_day_converter_2_has_fourteen_heats(demo: Store) -> None:
    where = HeatFilter(date(1959, 2, 2), date(1959, 2, 2), converter="2")
    assert demo.count_heats(where) == 14
    assert {r.converter for r in demo.heat_page(where).rows} == {"2"}


def _shift_seq(store: Store) -> dict[str, int]:
    return {s.code: s.seq for s in store.shifts()}


def _keys(store: Store) -> dict[str, Callable[[HeatListRow], Any]]:
    """Each sort column's order, worked out in Python from the rows (ties broken by tap time)."""
    seq = _shift_seq(store)

    def rate(r: HeatListRow) -> float:
        return -1.0 if r.ingot_qualified_rate is None else r.ingot_qualified_rate

    return {
        "heat_no": lambda r: (r.heat_no,),
        "production_date": lambda r: (r.production_date, r.tapped_at),
        "shift": lambda r: (seq[r.shift], r.tapped_at),
        "converter": lambda r: (len(r.converter), r.converter, r.tapped_at),
        "grade": lambda r: (r.grade, r.tapped_at),
        "tapped_at": lambda r: (r.tapped_at,),
        "tap_weight_t": lambda r: (r.tap_weight_t, r.tapped_at),
        "chem_status": lambda r: (r.chem_status.value, r.tapped_at),
        "ingots": lambda r: (r.ingots_judged, r.ingots, r.tapped_at),
        "ingot_qualified_rate": lambda r: (round(rate(r), 9), r.tapped_at),
    }


@pytest.mark.parametrize("sort", HISTORY_SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_pages_through_every_heat_once_in_order(demo: Store, sort: str, descending: bool) -> None:
    where = HeatFilter(date_from=date(1959, 2, 10), date_to=date(1959, 2, 16))
    rows = _all_pages(demo, where, sort, descending, limit=50)
    assert sorted(r.heat_no for r in rows) == sorted(h.heat_no for h in _core(demo, where))
    key = _keys(demo)[sort]
    keys = [key(r) for r in rows]
    assert keys == sorted(keys, reverse=descending)
    undated = _all_pages(demo, HeatFilter(), sort, descending, limit=200)
    assert len(undated) == 936
    assert [key(r) for r in undated] == sorted((key(r) for r in undated), reverse=descending)


def test_a_heats_rate_is_its_qualified_weight_over_its_judged_weight(demo: Store) -> None:
    rows = _all_pages(demo, HeatFilter(date_from=date(1959, 2, 27)), "heat_no", False, 200)
    seen = set()
    for row in rows:
        heat = demo.heat(row.heat_no)
        ingots = demo.ingots(row.heat_no)
        judged = [i for i in ingots if i.disposition.judged]
        assert row.ingots == len(ingots)
        assert row.ingots_judged == len(judged)
        if heat.chem_status is ChemStatus.NOT_CHECKED or not judged:
            expected = None
        elif heat.chem_status is ChemStatus.FAILS:
            expected = 0.0
        else:
            expected = (sum(i.weight_kg for i in judged if i.disposition.surface_ok)
                        / sum(i.weight_kg for i in judged))
        assert row.ingot_qualified_rate == pytest.approx(expected)
        seen.add(heat.chem_status)
    assert ChemStatus.NOT_CHECKED in seen  # the demo's last day has work in progress


def test_an_unknown_sort_or_a_bad_limit_is_refused(demo: Store) -> None:
    with pytest.raises(InputError, match="sort"):
        demo.heat_page(HeatFilter(), "h.heat_no; DROP TABLE heat")
    with pytest.raises(InputError, match="limit"):
        demo.heat_page(HeatFilter(), limit=0)
    with pytest.raises(InputError, match="sort"):
        demo.heat_page(HeatFilter(), "grade", after=("Q235B",))


def test_an_empty_filter_result_is_an_empty_last_page(demo: Store) -> None:
    where = HeatFilter(grade="no such grade")
    assert demo.count_heats(where) == 0
    page = demo.heat_page(where)
    assert page.rows == ()
    assert page.after is None
