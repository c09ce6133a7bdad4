"""Set-up → Production plans: a head enters the quarter's and the month's plan in the
program; bad figures are refused with the reason and nothing is stored; removing asks why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from qcdesk.store import Plan, Store
from ui.common import ReasonDialog
from ui.plans_view import PlansTab
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    Store.open(db_path, "tester").close()
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


@pytest.fixture
def tab(qtbot: QtBot, session: Session) -> PlansTab:
    t = PlansTab(session)
    qtbot.addWidget(t)
    qtbot.waitUntil(session.idle)
    return t


def _plans(path: Path) -> list[Plan]:
    with Store.open(path, "tester") as store:
        return store.plans()


def _enter(tab: PlansTab, period: str, output: str, rate: str) -> None:
    tab.period_edit.setText(period)
    tab.output_edit.setText(output)
    tab.rate_edit.setText(rate)
    tab.set_button.click()


def test_a_quarter_and_a_month_plan_are_entered_and_listed(qtbot: QtBot, tab: PlansTab, session: Session,
                                                           db_path: Path) -> None:
    _enter(tab, "2026-q4", "45000", "96.5")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    _enter(tab, "2026-11", "15000", "")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    assert _plans(db_path) == [Plan("2026-11", 15000.0, None), Plan("2026-Q4", 45000.0, 0.965)]
    shown = [[tab.model.index(r, c).data() for c in range(3)] for r in range(2)]
    assert shown == [["2026-11", "15000", "—"], ["2026-Q4", "45000", "96.5%"]]
    assert "2026-11" in tab.error.text()


@pytest.mark.parametrize("case", [
    ("2026-13", "100", "", "2026-13"),
    ("2026-Q4", "-5", "", "planned output"),
    ("2026-Q4", "", "120", "target ingot qualified rate"),
    ("2026-Q4", "", "0.96", "per cent"),  # a fraction where per cent is asked
    ("2026-Q4", "", "", "tonnes"),
])
def test_a_refused_plan_is_said_and_nothing_is_stored(qtbot: QtBot, tab: PlansTab, db_path: Path,
                                                      case: tuple[str, str, str, str]) -> None:
    period, output, rate, said = case
    _enter(tab, period, output, rate)
    qtbot.waitUntil(lambda: tab.error.text() != "")
    assert said in tab.error.text()
    assert _plans(db_path) == []
    assert tab.period_edit.text() == period  # what was typed stays


def test_removing_a_plan_asks_why_and_the_audit_keeps_it(qtbot: QtBot, tab: PlansTab, session: Session,
                                                         db_path: Path) -> None:
    _enter(tab, "2026-Q4", "45000", "96")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab.remove_button.click()
    qtbot.waitUntil(lambda: tab.corrector.dialog is not None)
    dialog = tab.corrector.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.edit.setText("set for the wrong quarter")
    dialog.accept()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0)
    assert _plans(db_path) == []
    with Store.open(db_path, "tester") as store:
        entry = store.audit()[-1]
    assert (entry.action, entry.entity, entry.entity_key, entry.reason) == (
        "delete", "plan", "2026-Q4", "set for the wrong quarter")
    QApplication.processEvents()
