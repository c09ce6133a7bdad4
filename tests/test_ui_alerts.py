"""The off-grade banner (issue 14, alerts): a failing heat, an ingot failing its product analysis,
shown at the top of the main window with "Open heat" and "Dismiss"; dismissed for every desk, by
the person signed in, into the heat's history.

heat_desk's workshop (4 March 2024, 10:15; ada admin, hu head, wang and li inspectors): heat
1-0001 tapped 09:00 with Mn 1.82 (Q235B max 1.40), heat 1-0002 conforming with one ingot, and a
product sample P1 of 1-0002/1 with C 0.25 (0.20 + 0.02 allowed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from heat_desk import NOW, add_heat, make_desk, session_as, show_window, stored
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signed_shop import GOOD, PINS

from qcdesk.model import Disposition
from qcdesk.people import Role
from ui.audit_dialog import history_rows
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

HEAT = "Heat 1-0001 off grade: Mn 1.82 % > max 1.40 % (Q235B, GB/T 700-2006)"
INGOT = "Ingot 1-0002/1 fails its product analysis P1: C 0.25 % > 0.22 % allowed (Q235B, GB/T 700-2006)"


@pytest.fixture
def desk(db_path: Path) -> Path:
    make_desk(db_path)
    add_heat(db_path, "1-0001", analysis={**GOOD, "Mn": 1.82})
    add_heat(db_path, "1-0002", datetime(2024, 3, 4, 9, 40), analysis=GOOD,
             ingots=((7000.0, Disposition.ACCEPTED),))
    with stored(db_path) as s:
        s.login("wang", PINS["wang"])
        s.add_sample("1-0002", "product", {"C": 0.25}, sample_no="P1", ingot_no=1,
                     taken_at=datetime(2024, 3, 4, 10, 0))
    return db_path


@pytest.fixture
def wangs(qtbot: QtBot, desk: Path) -> Iterator[MainWindow]:
    session = session_as(qtbot, desk, "wang")
    try:
        window = show_window(qtbot, session)
        qtbot.waitUntil(lambda: window.alert_banner.texts() == [HEAT, INGOT], timeout=10000)
        yield window
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_the_banner_shows_the_failing_heat_and_ingot(wangs: MainWindow) -> None:
    assert wangs.alert_banner.isVisible()
    assert wangs.alert_banner.y() < wangs.tabs.mapTo(wangs, wangs.tabs.rect().topLeft()).y()  # above the tabs
    assert [line.open_button.text() for line in wangs.alert_banner.lines] == ["Open heat", "Open heat"]
    assert not wangs.alert_banner.count.isVisible()


def test_more_lines_than_shown_are_counted(qtbot: QtBot, desk: Path) -> None:
    for n in (3, 4, 5):
        add_heat(desk, f"1-000{n}", datetime(2024, 3, 4, 9, 50 + n), analysis={**GOOD, "S": 0.05})
    session = session_as(qtbot, desk, "wang")
    try:
        window = show_window(qtbot, session)
        qtbot.waitUntil(lambda: len(window.alert_banner.lines) == 5, timeout=10000)
        assert window.alert_banner.count.isVisible()
        assert window.alert_banner.count.text() == ("5 off-grade announcements not dismissed: scroll for "
                                                    "the rest")
        assert window.alert_banner.texts()[-2] == ("Heat 1-0005 off grade: S 0.050 % > max 0.045 % "
                                                   "(Q235B, GB/T 700-2006)")
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_open_heat_opens_it_in_the_heat_view(qtbot: QtBot, wangs: MainWindow) -> None:
    with qtbot.waitSignal(wangs.heat_view.loaded, timeout=10000):
        qtbot.mouseClick(wangs.alert_banner.lines[1].open_button, Qt.MouseButton.LeftButton)
    assert wangs.tabs.currentWidget() is wangs.heat_view
    assert wangs.heat_view.heat_no == "1-0002"


def test_the_banner_is_reached_and_worked_with_the_keyboard(qtbot: QtBot, wangs: MainWindow) -> None:
    qtbot.keyClick(wangs, Qt.Key.Key_A, CTRL_SHIFT)
    first = wangs.alert_banner.lines[0]
    assert QApplication.focusWidget() is first.open_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is first.dismiss_button
    qtbot.keyClick(first.dismiss_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: wangs.alert_banner.texts() == [INGOT], timeout=10000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wangs.alert_banner.lines[0].dismiss_button)
    with qtbot.waitSignal(wangs.heat_view.loaded, timeout=10000):
        qtbot.keyClick(wangs, Qt.Key.Key_A, CTRL_SHIFT)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert wangs.heat_view.heat_no == "1-0002"


def test_dismiss_takes_it_away_and_records_the_person(qtbot: QtBot, wangs: MainWindow, desk: Path) -> None:
    qtbot.mouseClick(wangs.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wangs.alert_banner.texts() == [INGOT], timeout=10000)
    assert "Dismissed by wang at 2024-03-04T10:15:00" in wangs.statusBar().currentMessage()
    qtbot.mouseClick(wangs.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wangs.alert_banner.isVisible(), timeout=10000)
    with stored(desk) as s:
        [heat] = s.dismissals("1-0001")
        assert (heat.element, heat.dismissed_by, heat.role) == ("Mn", "wang", Role.INSPECTOR)
        assert heat.dismissed_at.startswith(NOW.isoformat(timespec="seconds"))
        [row] = [r for r in history_rows(s.audit("1-0001")) if r.action == "dismissed"]
        assert (row.who, row.what) == ("wang", "off-grade announcement · Mn")
        assert row.change == "heat analysis: Mn 1.82 % > 1.40 % (GB/T 700-2006) as inspector"
        [row] = [r for r in history_rows(s.audit("1-0002")) if r.action == "dismissed"]
        assert row.change == "product analysis P1, ingot 1: C 0.25 % > 0.22 % (GB/T 700-2006) as inspector"


def test_a_dismissal_without_signing_in_is_refused_and_the_banner_stays(qtbot: QtBot, desk: Path) -> None:
    session = session_as(qtbot, desk, None)
    try:
        window = show_window(qtbot, session)
        qtbot.waitUntil(lambda: window.alert_banner.texts() == [HEAT, INGOT], timeout=10000)
        qtbot.mouseClick(window.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "sign in first" in window.statusBar().currentMessage(), timeout=10000)
        qtbot.waitUntil(session.idle)
        assert window.alert_banner.texts() == [HEAT, INGOT]
        with stored(desk) as s:
            assert s.dismissals("1-0001") == []
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_a_dismissal_at_one_desk_is_gone_at_the_other_after_its_refresh(qtbot: QtBot, wangs: MainWindow,
                                                                        desk: Path) -> None:
    other: Session = session_as(qtbot, desk, "hu")  # its own connections to the same file
    try:
        his = show_window(qtbot, other)
        qtbot.waitUntil(lambda: his.alert_banner.texts() == [HEAT, INGOT], timeout=10000)
        qtbot.mouseClick(wangs.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wangs.alert_banner.texts() == [INGOT], timeout=10000)
        assert his.alert_banner.texts() == [HEAT, INGOT]  # till it asks again
        his.refresh_alerts()
        qtbot.waitUntil(lambda: his.alert_banner.texts() == [INGOT], timeout=10000)
        qtbot.mouseClick(his.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not his.alert_banner.isVisible(), timeout=10000)
        with stored(desk) as s:
            assert [d.dismissed_by for d in s.dismissals("1-0002")] == ["hu"]
    finally:
        qtbot.waitUntil(other.idle, timeout=20000)
        other.close()


def test_the_banner_speaks_chinese(qtbot: QtBot, desk: Path) -> None:
    install_language("zh")
    session = session_as(qtbot, desk, "wang")
    try:
        window = show_window(qtbot, session)
        qtbot.waitUntil(lambda: len(window.alert_banner.lines) == 2, timeout=10000)
        assert window.alert_banner.texts()[0] == ("炉次 1-0001 成分不合格：Mn 1.82 % > 上限 1.40 %"
                                                  "（Q235B，GB/T 700-2006）")
        assert window.alert_banner.lines[0].dismiss_button.text() == "关闭"
        assert window.alert_banner.lines[0].open_button.text() == "打开炉次"
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()
        install_language("en")
