"""A first start that explains itself: without a display the window says so in one line and
points at the command line, instead of Qt's abort about xcb plugins; the first screen's
explanation is shown in whole lines; after the demo is loaded, the Shift tab shows where it lies."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signed_shop import CHEAP

from qcdesk import cli
from qcdesk.store import Store
from ui.common import apply_text_size
from ui.main_window import MainWindow
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

ROOT = Path(__file__).resolve().parent.parent


def _without_display(tmp_path: Path) -> dict[str, str]:
    screens = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in screens and not k.startswith(("QCDESK_", "XDG_"))}
    return env | {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
                  "QCDESK_DB": str(tmp_path / "workshop.sqlite")}


def test_without_a_display_the_window_says_so_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ui.launcher"], cwd=ROOT, env=_without_display(tmp_path),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0]
    assert "qcdesk --help" in lines[0]  # how to go on without one
    assert "xcb" not in done.stderr
    assert not (tmp_path / "workshop.sqlite").exists()  # nothing was made


def test_without_a_display_the_command_line_works(tmp_path: Path) -> None:
    env = _without_display(tmp_path)
    done = subprocess.run([sys.executable, "-m", "ui.launcher", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    info = subprocess.run([sys.executable, "-m", "ui.launcher", "info"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert info.returncode == 0
    assert str(tmp_path / "workshop.sqlite") in info.stdout


def test_without_a_display_the_message_is_in_chinese_too(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ui.launcher", "--lang", "zh"], cwd=ROOT,
                          env=_without_display(tmp_path), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert "没有可以打开窗口的显示器" in done.stderr


# ------------------------------------------------------------------ the first screen, the demo


@pytest.fixture
def fresh(qtbot: QtBot, tmp_path: Path) -> Iterator[Session]:
    s = Session(tmp_path / "new.sqlite", "tester")  # the demo lies in the past of the real clock
    yield s
    qtbot.waitUntil(s.idle, timeout=20000)
    s.close()


def _first_screen(qtbot: QtBot, session: Session, width: int, height: int) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run)
    admin = window.first_run.admin  # a new database: its first administrator first
    admin.name.setText("ada")
    admin.pin.setText("ada-pin-1")
    admin.again.setText("ada-pin-1")
    admin.create_button.click()
    qtbot.waitUntil(lambda: session.person is not None, timeout=20000)
    qtbot.waitUntil(window.first_run.choice.isVisible)
    return window


@pytest.mark.parametrize("screen", [(1024, 768, False), (1366, 768, False), (1920, 1080, True)])
def test_the_first_screen_explains_in_whole_lines(qtbot: QtBot, qapp: QApplication, fresh: Session,
                                                  screen: tuple[int, int, bool]) -> None:
    width, height, large = screen
    apply_text_size(qapp, large=large)
    try:
        window = _first_screen(qtbot, fresh, width, height)
        explain = window.first_run.explain
        lines = explain.fontMetrics().lineSpacing()
        assert explain.height() >= explain.heightForWidth(explain.width())  # every line shown whole
        assert explain.heightForWidth(explain.width()) <= 3 * lines + 4  # in a readable width
        assert explain.width() >= window.first_run.demo_button.width()
    finally:
        apply_text_size(qapp, large=False)


def test_after_the_demo_the_shift_view_shows_its_last_day_and_says_where_the_demo_is(
        qtbot: QtBot, fresh: Session) -> None:
    window = _first_screen(qtbot, fresh, 1366, 768)
    qtbot.keyClick(window.first_run.demo_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=60000)
    qtbot.waitUntil(fresh.idle, timeout=20000)
    with Store.open(fresh.path, "check") as store:
        span = store.date_span()
        assert span is not None
        last_heat = max(store.heats(span[1], span[1]), key=lambda h: h.tapped_at)
        shown = [h.heat_no for h in store.heats(span[1], span[1], shift=last_heat.shift)]
    assert span == (date(1959, 2, 1), date(1959, 2, 28))
    assert window.tabs.currentWidget() is window.shift_view
    qtbot.waitUntil(lambda: window.shift_view.current() == (span[1], last_heat.shift))
    qtbot.waitUntil(lambda: window.shift_view.model.rowCount() == len(shown))
    said = window.statusBar().currentMessage()
    assert "February 1959" in said
    assert "1959-02-28" in said


# ------------------------------------------------------------------ the demo from the command line


def test_the_demo_after_the_window_made_an_administrator(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The window made the database's administrator; `./dev start demo` then signs in: it says
    who signs in (the login name by default) and how to name the administrator instead."""
    path = tmp_path / "workshop.sqlite"
    with Store.open(path, "tester") as store:
        store.add_person("ada", "admin", "ada-pin-1", cost=CHEAP)
    monkeypatch.setenv("QCDESK_DB", str(path))
    monkeypatch.setenv("QCDESK_PIN", "ada-pin-1")  # as a script gives it; a person types it
    out, err = StringIO(), StringIO()
    status = cli.main(["demo"], out=out, err=err)
    assert status == 1
    said = err.getvalue()
    assert "this database has people" in said
    assert "--user NAME" in said
    out, err = StringIO(), StringIO()
    assert cli.main(["--user", "ada", "demo"], out=out, err=err) == 0, err.getvalue()
    assert "this database has people" not in err.getvalue()
    with Store.open(path, "check") as store:
        assert store.counts()["heat"] == 936
    out = StringIO()
    assert cli.main(["info"], out=out, err=StringIO()) == 0
    assert str(path) in out.getvalue()  # where the data lives
