"""Set-up views: a new edition re-judges heats as the core does; refused input is kept and said."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from qcdesk.model import ChemStatus, Limit
from qcdesk.standards import check, in_force
from qcdesk.store import NewHeat, Store
from ui.session import Session
from ui.setup_view import SetupView

ANALYSIS = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    with Store.open(db_path, "tester") as store:
        store.add_heat(NewHeat("1-0001", "1", datetime(2024, 3, 1, 9, 30), "Q235B", 30.0, 1600.0,
                               "tester", analysis=ANALYSIS))
        store.add_heat(NewHeat("1-0002", "1", datetime(2023, 12, 1, 9, 30), "Q235B", 30.0, 1600.0,
                               "tester", analysis=ANALYSIS))
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


@pytest.fixture
def view(qtbot: QtBot, session: Session) -> SetupView:
    v = SetupView(session)
    qtbot.addWidget(v)
    qtbot.waitUntil(lambda: v.converters.model.rowCount() == 3 and v.defects.model.rowCount() > 0
                    and v.shifts.model.rowCount() == 3 and v.grades.grades.rowCount() > 0)
    qtbot.waitUntil(session.idle)
    return v


def _open_grade(qtbot: QtBot, view: SetupView, grade: str) -> None:
    view.grades.select_grade(grade)
    qtbot.waitUntil(lambda: view.grades.editions.rowCount() >= 1 and view.grades.limits.rowCount() >= 5)
    qtbot.waitUntil(view.session.idle)


def _set_limit(view: SetupView, element: str, column: int, text: str) -> None:
    model = view.grades.limits
    row = next(i for i, r in enumerate(model.rows) if r[0] == element)
    assert model.setData(model.index(row, column), text)


def test_a_new_edition_changes_a_heats_verdict_as_the_core_says(qtbot: QtBot, view: SetupView,
                                                                session: Session) -> None:
    _open_grade(qtbot, view, "Q235B")
    grades = view.grades
    assert grades.editions.rowCount() == 1
    assert "C ≤0.20" in grades.editions.index(0, 3).data()
    grades.standard_edit.setText("GB/T 700")
    grades.edition_edit.setText("2024")
    grades.effective_edit.setDate(QDate(2024, 1, 1))
    _set_limit(view, "C", 2, "0.12")  # tighter than the heat's 0.15
    with qtbot.waitSignal(session.changed):
        grades.save_button.click()
    qtbot.waitUntil(lambda: grades.editions.rowCount() == 2)
    qtbot.waitUntil(session.idle)
    assert grades.edition_error.text() == ""
    with Store.open(session.path, "tester") as store:
        editions = store.standards("Q235B")
        assert [e.effective_from for e in editions] == [date(2007, 2, 1), date(2024, 1, 1)]
        assert editions[1].limits[0] == Limit("C", None, 0.12)
        after, before = store.heat("1-0001"), store.heat("1-0002")
        # the core's verdict on the edition in force on each tap date
        assert after.chem_status is check(in_force(editions, date(2024, 3, 1)), ANALYSIS).status
        assert before.chem_status is check(in_force(editions, date(2023, 12, 1)), ANALYSIS).status
    assert after.chem_status is ChemStatus.FAILS
    assert before.chem_status is ChemStatus.CONFORMS


def test_a_bad_limit_is_refused_and_kept(qtbot: QtBot, view: SetupView, session: Session) -> None:
    _open_grade(qtbot, view, "Q235B")
    grades = view.grades
    grades.edition_edit.setText("2024")
    grades.effective_edit.setDate(QDate(2024, 1, 1))
    _set_limit(view, "Si", 2, "0,3x")
    grades.save_button.click()
    qtbot.waitUntil(session.idle)
    assert "Si" in grades.edition_error.text()
    si = next(i for i, r in enumerate(grades.limits.rows) if r[0] == "Si")
    assert grades.limits.rows[si][2] == "0,3x"
    assert grades.limits.index(si, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    # a minimum above the maximum is refused by the core, and kept too
    _set_limit(view, "Si", 2, "0.35")
    _set_limit(view, "Mn", 1, "1.50")
    grades.save_button.click()
    qtbot.waitUntil(lambda: "Mn" in grades.edition_error.text())
    qtbot.waitUntil(session.idle)
    mn = next(i for i, r in enumerate(grades.limits.rows) if r[0] == "Mn")
    assert grades.limits.rows[mn][1] == "1.50"
    assert grades.limits.index(mn, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    with Store.open(session.path, "tester") as store:
        assert len(store.standards("Q235B")) == 1


def test_a_converter_is_renamed_and_a_bad_nominal_size_is_kept(qtbot: QtBot, view: SetupView,
                                                             session: Session) -> None:
    model = view.converters.model
    with qtbot.waitSignal(session.changed):
        assert model.setData(model.index(0, 1), "Converter One")
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "Converter One" and session.idle())
    assert model.setData(model.index(1, 2), "-5")
    assert model.index(1, 2).data() == "-5"
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "nominal" in view.converters.error.text()
    with Store.open(session.path, "tester") as store:
        assert store.converter("1").name == "Converter One"
        assert store.converter("2").nominal_t != -5


def test_a_converter_is_taken_out_of_service(qtbot: QtBot, view: SetupView, session: Session) -> None:
    model = view.converters.model
    with qtbot.waitSignal(session.changed):
        model.setData(model.index(2, 3), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: model.index(2, 3).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked)
    qtbot.waitUntil(session.idle)
    with Store.open(session.path, "tester") as store:
        assert not store.converter("3").active


def test_the_schedule_is_saved_as_the_core_validates_it(qtbot: QtBot, view: SetupView,
                                                       session: Session) -> None:
    shifts = view.shifts
    model = shifts.model
    assert [r[0] for r in model.rows] == ["night", "day", "evening"]
    model.setData(model.index(1, 3), "7:00")  # H:MM is read too
    model.setData(model.index(2, 3), "06:00")  # evening before day: the core refuses
    shifts.save_button.click()
    qtbot.waitUntil(lambda: shifts.error.text() != "")
    qtbot.waitUntil(session.idle)
    assert model.rows[2][3] == "06:00"  # kept
    model.setData(model.index(2, 3), "16:00")
    shifts.save_button.click()
    qtbot.waitUntil(session.idle)
    assert shifts.error.text() == ""
    with Store.open(session.path, "tester") as store:
        schedule = [(s.code, s.start_min) for s in store.shifts()]
    assert schedule == [("night", 0), ("day", 420), ("evening", 960)]


def test_a_defect_is_added_renamed_and_retired(qtbot: QtBot, view: SetupView, session: Session) -> None:
    tab = view.defects
    tab.code_edit.setText("CRZ")
    tab.en_edit.setText("crazing")
    tab.zh_edit.setText("龟裂")
    with qtbot.waitSignal(session.changed):
        tab.add_button.click()
    qtbot.waitUntil(lambda: any(d.code == "CRZ" for d in tab.model.records) and session.idle())
    row = next(i for i, d in enumerate(tab.model.records) if d.code == "CRZ")
    with qtbot.waitSignal(session.changed):
        tab.model.setData(tab.model.index(row, 1), "surface crazing")
    qtbot.waitUntil(session.idle)
    row = next(i for i, d in enumerate(tab.model.records) if d.code == "CRZ")
    with qtbot.waitSignal(session.changed):
        tab.model.setData(tab.model.index(row, 4), Qt.CheckState.Unchecked.value,
                          Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(session.idle)
    with Store.open(session.path, "tester") as store:
        crz = next(d for d in store.defects() if d.code == "CRZ")
    assert crz.name_en == "surface crazing"
    assert not crz.active
    tab.code_edit.setText("bad code!")
    tab.add_button.click()
    qtbot.waitUntil(lambda: tab.add_error.text() != "")
    assert tab.code_edit.text() == "bad code!"


def test_the_models_pass_qtmodeltester(qtbot: QtBot, qtmodeltester: object, view: SetupView) -> None:
    _open_grade(qtbot, view, "Q235B")
    for model in (view.converters.model, view.defects.model, view.shifts.model, view.grades.editions,
                  view.grades.limits, view.grades.grades):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    qtbot.waitUntil(view.session.idle)


def test_a_grades_description_is_shown_and_changed_with_an_audit_entry(qtbot: QtBot, view: SetupView,
                                                                       session: Session) -> None:
    grades = view.grades
    _open_grade(qtbot, view, "Q235B")
    qtbot.waitUntil(lambda: grades.description_edit.text() == "carbon structural steel")
    grades.description_edit.setText("  carbon structural steel, killed  ")
    qtbot.keyClick(grades.description_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(session.idle)
    with Store.open(session.path, "tester") as store:
        assert store.grade_description("Q235B") == "carbon structural steel, killed"
        last = store.audit()[-1]
    assert (last.action, last.entity, last.field, last.old_value) == (
        "update", "grade", "description", "carbon structural steel")
    _open_grade(qtbot, view, "Q195")  # another grade shows its own words
    qtbot.waitUntil(lambda: grades.description_edit.text() == "carbon structural steel")
    _open_grade(qtbot, view, "Q235B")
    qtbot.waitUntil(lambda: grades.description_edit.text() == "carbon structural steel, killed")


def test_the_workshop_is_named_in_set_up_and_a_bad_name_is_refused(qtbot: QtBot, view: SetupView,
                                                                  session: Session) -> None:
    tab = view.converters
    assert (tab.workshop_en.text(), tab.workshop_zh.text()) == ("", "")  # none set yet
    tab.workshop_en.setText("x" * 81)
    tab.workshop_button.click()
    qtbot.waitUntil(lambda: "longer than 80" in tab.workshop_error.text())
    with Store.open(session.path, "tester") as store:
        assert store.workshop() is None  # refused: nothing saved
    tab.workshop_en.setText("No. 2 Converter Workshop")
    tab.workshop_zh.setText("第二转炉车间")
    qtbot.keyClick(tab.workshop_zh, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.workshop_error.text() == "" and session.idle())
    with Store.open(session.path, "tester") as store:
        named = store.workshop()
    assert named is not None
    assert (named.name_en, named.name_zh) == ("No. 2 Converter Workshop", "第二转炉车间")
    qtbot.keyClicks(tab.workshop_en, " (old shop)")  # typing, not saved yet
    session.submit(lambda store: None, changes="setup")  # another set-up change reloads the page
    qtbot.waitUntil(session.idle)
    assert tab.workshop_en.text() == "No. 2 Converter Workshop (old shop)"  # what was typed stays
    again = SetupView(session)  # another window shows the name saved
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.converters.workshop_zh.text() == "第二转炉车间")
