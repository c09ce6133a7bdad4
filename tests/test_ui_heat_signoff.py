"""Sign-off readiness in the shift view: every shift's state and what the day still needs, said before
"Sign the day…" asks for a PIN (issue 15, 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from signed_shop import DAY, NOW, PINS, make_shop, open_as

from ui.main_window import MainWindow
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
AT = NOW.astimezone().strftime("%H:%M")  # when the shifts are closed, on this machine's clock


def _window(qtbot: QtBot, path: Path, name: str) -> Iterator[MainWindow]:
    session = Session(path, "tester", clock=lambda: NOW)
    try:
        session.sign_in(name, PINS[name])
        qtbot.waitUntil(lambda: session.person is not None, timeout=10000)
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        view = window.shift_view
        qtbot.waitUntil(lambda: bool(view.schedule))
        with qtbot.waitSignal(view.loaded, timeout=10000):
            view.show_shift(DAY, "day")
        yield window
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


@pytest.fixture
def head(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    make_shop(db_path)
    yield from _window(qtbot, db_path, "hu")


@pytest.fixture
def inspector(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    make_shop(db_path)
    yield from _window(qtbot, db_path, "wang")


def _alt(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    window.shift_view.table.setFocus()
    qtbot.keyClick(window.shift_view.table, key, Qt.KeyboardModifier.AltModifier)


def test_every_shift_state_and_what_is_missing_before_any_pin(qtbot: QtBot, head: MainWindow,
                                                              db_path: Path) -> None:
    view = head.shift_view
    assert view.shifts_status.text() == "Night: no heats · Day: open, 2 heat(s) · Evening: open, 1 heat(s)"
    assert view.day_needs.text() == ("Before the day is signed: close shift Day (2 heat(s)); close shift "
                                     "Evening (1 heat(s)).")
    assert view.sign_day_button.isEnabled()
    _alt(qtbot, head, Qt.Key.Key_A)  # Sign the d&ay…
    qtbot.waitUntil(lambda: view.day_needs.text().startswith("The day cannot be signed yet"))
    assert view.day_needs.text() == ("The day cannot be signed yet: close shift Day (2 heat(s)); close shift "
                                     "Evening (1 heat(s)).")
    assert view.sign_dialog is None  # no PIN asked for nothing

    with open_as(db_path, "wang") as store:
        store.sign_shift(DAY, "day", PINS["wang"])
    with open_as(db_path, "li") as store:
        store.sign_shift(DAY, "evening", PINS["li"])
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.reload()
    assert view.shifts_status.text() == (f"Night: no heats · Day: closed by wang at {AT} · Evening: closed "
                                         f"by li at {AT}")
    assert view.day_needs.text() == "Ready to sign: every shift with heats is closed."
    _alt(qtbot, head, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: view.sign_dialog is not None)
    dialog = view.sign_dialog
    assert dialog is not None
    dialog.pin.setText(PINS["hu"])
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.ok.click()
    qtbot.waitUntil(lambda: view.day_status.text().startswith("signed by hu"))
    assert view.day_needs.text() == ""


def test_an_inspector_is_told_who_signs_the_day(qtbot: QtBot, inspector: MainWindow) -> None:
    view = inspector.shift_view
    assert "wang is inspector: a workshop head signs the day" in view.day_needs.text()
    _alt(qtbot, inspector, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: view.day_needs.text().startswith("The day cannot be signed yet: wang is "
                                                             "inspector: a workshop head signs the day"))
    assert view.sign_dialog is None
