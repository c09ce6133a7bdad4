"""Undo in the core: the last change of a heat by its author within the minute, taken back with the
store's correction methods and recorded with the reason "undone" (issue 15, Undo)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from qcdesk.model import Disposition, IngotDefect, Location
from qcdesk.store import NewHeat, NewIngot, Store
from qcdesk.undo import NothingToUndo, take_back

T0 = datetime(2024, 3, 4, 10, 0)
A, C, P = Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.PENDING


class Desk:
    """Two inspectors' connections to one database, on one clock the test moves."""

    def __init__(self, path: Path) -> None:
        self.path = path  # the database (a file, or a server's URI)
        self.clock = [T0]
        self.wang = Store.open(path, "wang", clock=lambda: self.clock[0])
        self.li = Store.open(path, "li", clock=lambda: self.clock[0])

    def later(self, seconds: float) -> None:
        self.clock[0] += timedelta(seconds=seconds)


@pytest.fixture
def desk(db_path: Path) -> Iterator[Desk]:
    d = Desk(db_path)
    d.wang.add_heat(NewHeat("1-0003", "1", datetime(2024, 3, 4, 9, 0), "Q235B", 30.0, 1600.0, "wang"))
    d.later(5)
    d.wang.add_ingots("1-0003", [NewIngot(n, 3900, P, "wang") for n in (1, 2, 3)])
    yield d
    d.wang.close()
    d.li.close()


def _undone(store: Store) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
    return [(e.entity_key, e.field, e.old_value, e.new_value, e.action) for e in store.audit("1-0003")
            if e.reason == "undone"]


def test_a_judgement_then_the_ingots_added_are_taken_back_in_turn(desk: Desk) -> None:
    desk.later(10)
    desk.wang.update_ingot("1-0003", 1, disposition=A, inspector="wang")
    desk.later(10)
    done = take_back(desk.wang, "1-0003")
    assert done.text() == "ingot 1 back to disposition pending"
    assert done.ingot_nos == [1]
    assert [i.disposition for i in desk.wang.ingots("1-0003")] == [P, P, P]
    assert _undone(desk.wang) == [("1-0003/1", "disposition", "accepted", "pending", "update")]
    desk.later(10)  # Ctrl+Z again: the change before, the three ingots added 30 s ago
    done = take_back(desk.wang, "1-0003")
    assert done.text() == "ingot 1 voided; ingot 2 voided; ingot 3 voided"
    assert desk.wang.ingots("1-0003") == []
    assert [k for k, f, *_rest in _undone(desk.wang) if f == "voided"] == ["1-0003/1", "1-0003/2", "1-0003/3"]
    with pytest.raises(NothingToUndo, match="a new heat is not taken back by Undo: void it"):
        take_back(desk.wang, "1-0003")


def test_analysis_values_entered_are_removed_and_corrected_ones_restored(desk: Desk) -> None:
    desk.wang.set_analysis("1-0003", {"C": 0.15, "Mn": 0.50})
    desk.later(3)
    desk.wang.set_analysis("1-0003", {"Mn": 0.60}, reason="lab repeat")
    desk.later(3)
    assert take_back(desk.wang, "1-0003").text() == "analysis back to Mn 0.5"
    assert desk.wang.heat("1-0003").analysis == {"C": 0.15, "Mn": 0.50}
    desk.later(3)
    assert take_back(desk.wang, "1-0003").text() == "analysis back to C —, Mn —"
    assert desk.wang.heat("1-0003").analysis == {}
    assert [(k, a) for k, _f, _o, _n, a in _undone(desk.wang)] == [
        ("1-0003/Mn", "update"), ("1-0003/C", "delete"), ("1-0003/Mn", "delete")]


def test_a_weight_defects_and_the_record_are_restored(desk: Desk) -> None:
    desk.wang.update_ingot("1-0003", 2, weight_kg=3950)
    desk.later(3)
    desk.wang.update_ingot("1-0003", 2, defects=[IngotDefect("TCRK", Location.TOP), IngotDefect("SCAB")])
    desk.later(3)
    desk.wang.update_heat("1-0003", tap_weight_t=31.5, notes="re-weighed")
    desk.later(3)
    assert take_back(desk.wang, "1-0003").text() == "record back to tapped weight 30, notes —"
    heat = desk.wang.heat("1-0003")
    assert (heat.tap_weight_t, heat.notes) == (30.0, "")
    desk.later(3)
    assert take_back(desk.wang, "1-0003").text() == "ingot 2 back to defects no defects"
    assert desk.wang.ingots("1-0003")[1].defects == ()
    desk.later(3)
    take_back(desk.wang, "1-0003")
    assert desk.wang.ingots("1-0003")[1].weight_kg == 3900


def test_only_within_the_minute(desk: Desk) -> None:
    desk.wang.update_ingot("1-0003", 1, disposition=A)
    desk.later(61)
    with pytest.raises(NothingToUndo, match=r"your last change of heat 1-0003, at 10:00:05, is more than a "
                                            r"minute old: correct it instead"):
        take_back(desk.wang, "1-0003")
    assert desk.wang.ingots("1-0003")[0].disposition is A


def test_only_ones_own_and_not_over_someone_elses_later_change(desk: Desk) -> None:
    desk.wang.update_ingot("1-0003", 1, disposition=A, inspector="wang")
    desk.later(5)
    desk.li.update_ingot("1-0003", 2, disposition=C, inspector="li")  # another ingot: no matter
    desk.later(5)
    assert take_back(desk.wang, "1-0003").ingot_nos == [1]
    assert [i.disposition for i in desk.wang.ingots("1-0003")] == [P, C, P]
    desk.later(5)
    desk.wang.update_ingot("1-0003", 3, disposition=A, inspector="wang")
    desk.later(5)
    desk.li.update_ingot("1-0003", 3, disposition=C, inspector="li", reason="ground out")
    with pytest.raises(NothingToUndo, match="li changed it since: correct it instead"):
        take_back(desk.wang, "1-0003")
    with Store.open(desk.path, "zhao", clock=lambda: desk.clock[0]) as zhao, \
            pytest.raises(NothingToUndo, match="nothing of yours to take back in heat 1-0003"):
        take_back(zhao, "1-0003")


def test_a_plausibility_note_does_not_stand_in_the_way(desk: Desk) -> None:
    desk.wang.update_ingot("1-0003", 1, weight_kg=39000)  # 39 t judged? not yet: pending
    desk.later(1)
    desk.wang.update_ingot("1-0003", 1, disposition=A)
    desk.wang.note_plausibility("1-0003")  # 39,000 kg judged of 30 t: noted
    desk.later(1)
    assert take_back(desk.wang, "1-0003").text() == "ingot 1 back to disposition pending"


def test_two_undos_in_the_same_second_take_back_two_changes(desk: Desk) -> None:
    desk.later(10)
    desk.wang.update_ingot("1-0003", 1, disposition=A)
    desk.wang.update_ingot("1-0003", 2, disposition=C)
    assert take_back(desk.wang, "1-0003").ingot_nos == [2]
    assert take_back(desk.wang, "1-0003").ingot_nos == [1]
    assert [i.disposition for i in desk.wang.ingots("1-0003")] == [P, P, P]
