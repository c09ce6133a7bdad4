"""Large text at the converter: a preference of this workstation that makes the whole window's
text larger (widgets, row heights, charts) from the next start; on a wide screen the work
tables' columns stay together instead of one column taking the width."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.qtbot import QtBot

from ui import settings as keys
from ui.common import LARGE_TEXT_SCALE, apply_text_size, text_scale
from ui.main_window import MainWindow
from ui.preferences import PreferencesDialog
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def normal_text(qapp: QApplication) -> Iterator[QApplication]:
    """The application's text as Qt made it, before and after the test."""
    apply_text_size(qapp, large=False)
    yield qapp
    apply_text_size(qapp, large=False)


def _open(qtbot: QtBot, session: Session, width: int, height: int) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(session.idle)
    return window


def test_the_preference_is_kept_for_this_workstation(qtbot: QtBot, db_path: Path) -> None:
    session = Session(db_path, "tester")
    try:
        dialog = PreferencesDialog(session)
        qtbot.addWidget(dialog)
        assert not dialog.large_text_box.isChecked()
        dialog.large_text_box.setChecked(True)
        dialog.accept()
        assert keys.settings().value(keys.LARGE_TEXT, False, bool) is True
        again = PreferencesDialog(session)
        qtbot.addWidget(again)
        assert again.large_text_box.isChecked()
        notes = [label.text() for label in again.findChildren(QLabel)]
        assert any("this workstation" in n and "next start" in n for n in notes)  # it says when it applies
    finally:
        qtbot.waitUntil(session.idle)
        session.close()


def test_large_text_scales_the_widgets_the_rows_and_the_charts(qtbot: QtBot, normal_text: QApplication,
                                                               demo_copy: Path) -> None:
    session = Session(demo_copy, "tester")
    try:
        plain = _open(qtbot, session, 1920, 1080)
        base_size = normal_text.font().pointSizeF()
        base_row = plain.history_view.table.verticalHeader().defaultSectionSize()
        plain.tabs.setCurrentWidget(plain.trends_view)
        qtbot.waitUntil(lambda: plain.trends_view.result is not None, timeout=10000)
        qtbot.waitUntil(session.idle)
        base_title = plain.trends_view.rate_page.rate_view.chart().titleFont().pointSizeF()
        base_axis = plain.trends_view.rate_page.rate_view.chart().axes()[0].labelsFont().pointSizeF()
        plain.close()

        assert apply_text_size(normal_text, large=True) == LARGE_TEXT_SCALE == text_scale()
        large = _open(qtbot, session, 1920, 1080)
        assert normal_text.font().pointSizeF() == pytest.approx(base_size * LARGE_TEXT_SCALE)
        assert large.heat_view.table.font().pointSizeF() == pytest.approx(base_size * LARGE_TEXT_SCALE)
        assert large.history_view.table.verticalHeader().defaultSectionSize() > base_row * 1.2
        large.tabs.setCurrentWidget(large.trends_view)
        qtbot.waitUntil(lambda: large.trends_view.result is not None, timeout=10000)
        qtbot.waitUntil(session.idle)
        chart = large.trends_view.rate_page.rate_view.chart()
        assert chart.titleFont().pointSizeF() == pytest.approx(base_title * LARGE_TEXT_SCALE)
        assert chart.axes()[0].labelsFont().pointSizeF() == pytest.approx(base_axis * LARGE_TEXT_SCALE)
        large.close()
    finally:
        qtbot.waitUntil(session.idle)
        session.close()


@pytest.mark.parametrize("large", [False, True])
def test_at_1920_the_converters_columns_stay_together(qtbot: QtBot, normal_text: QApplication,
                                                     demo_copy: Path, large: bool) -> None:
    apply_text_size(normal_text, large=large)
    session = Session(demo_copy, "tester")
    try:
        window = _open(qtbot, session, 1920, 1080)
        window.open_heat("3-0425")
        qtbot.waitUntil(lambda: window.heat_view.table.model().rowCount() == 8)
        qtbot.waitUntil(session.idle)
        window.shift_view.show_shift(date(1959, 2, 2), "day")
        qtbot.waitUntil(lambda: window.shift_view.model.rowCount() > 0)
        for table in (window.heat_view.table, window.shift_view.table):
            window.tabs.setCurrentWidget(window.heat_view if table is window.heat_view.table
                                         else window.shift_view)
            qtbot.waitUntil(table.isVisible)
            widths = _column_widths(table)
            room = table.viewport().width()
            assert max(widths) < room / 2, (widths, room)  # no column takes most of the width
            assert sum(widths) < room  # the spare width is after the last column
    finally:
        qtbot.waitUntil(session.idle)
        session.close()


def _column_widths(table: QTableView) -> list[int]:
    header = table.horizontalHeader()
    return [header.sectionSize(i) for i in range(header.count()) if not header.isSectionHidden(i)]


def test_the_window_started_by_the_command_takes_the_large_text(tmp_path: Path) -> None:
    """`qcdesk` with no command, in a process of its own, on a workstation set to large text:
    the program's font is the larger one from the first window on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QCDESK_", "XDG_"))}
    env |= {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data"), "QCDESK_DB": str(tmp_path / "new.sqlite")}
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])
        plain = app.font().pointSizeF()
        from ui import settings as keys
        keys.settings().setValue(keys.LARGE_TEXT, {large})
        QTimer.singleShot(1500, app.quit)
        from ui.launcher import main
        status = main([])
        print(status, round(app.font().pointSizeF() / plain, 2))
    """)
    sizes = {}
    for large in (False, True):
        done = subprocess.run([sys.executable, "-c", script.format(large=large)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        status, ratio = done.stdout.split()
        assert status == "0"
        sizes[large] = float(ratio)
    assert sizes == {False: 1.0, True: round(LARGE_TEXT_SCALE, 2)}
