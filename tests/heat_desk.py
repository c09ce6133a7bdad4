"""An inspector's desk for the tests of the heat view (issue 15, part A): a real database in tmp_path,
people signed in or not, the main window, and key presses that go where the focus is, counted.

Heats are logged on Monday 4 March 2024 at 10:15, in the day shift (08:00-16:00) of the default
schedule. The people are tests/signed_shop.py's (ada administrator, hu workshop head, wang and li
inspectors; PINs hashed at a cheap cost, for speed).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from signed_shop import PINS, add_people

from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store
from ui.main_window import MainWindow
from ui.session import Session

NOW = datetime(2024, 3, 4, 10, 15)
DAY = NOW.date()
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}


def make_desk(path: Path, *, people: bool = True) -> None:
    """A new database (seed data: converters 1-3, Q235B and the others, the defect catalogue) with,
    if `people`, ada, hu, wang and li."""
    with Store.open(path, "tester", clock=lambda: NOW) as store:
        if people:
            add_people(store)


def add_heat(path: Path, heat_no: str, tapped: datetime = datetime(2024, 3, 4, 9, 0), *,
             analysis: dict[str, float] | None = None, tap_weight_t: float = 30.0,
             tap_temp_c: float | None = 1600.0,
             ingots: tuple[tuple[float, Disposition], ...] = (), who: str | None = "wang") -> None:
    """A heat (and ingots) saved straight through the store, as `who` (signed in when people exist)."""
    with Store.open(path, "tester", clock=lambda: NOW) as store:
        if who is not None and store.roles_enforced():
            store.login(who, PINS[who])
        store.add_heat(NewHeat(heat_no, heat_no.partition("-")[0], tapped, "Q235B", tap_weight_t, tap_temp_c,
                               store.user, analysis=analysis or {}))
        if ingots:
            store.add_ingots(heat_no, [NewIngot(n, kg, d, store.user) for n, (kg, d) in enumerate(ingots, 1)])


def stored(path: Path) -> Store:
    return Store.open(path, "check", clock=lambda: NOW)


def session_as(qtbot: QtBot, path: Path, name: str | None, user: str = "tester") -> Session:
    """A session on the database, signed in as `name` (None: nobody). Close it after use."""
    session = Session(path, user, clock=lambda: NOW)
    if name is not None:
        session.sign_in(name, PINS[name])
        qtbot.waitUntil(lambda: session.person is not None, timeout=10000)
    return session


def show_window(qtbot: QtBot, session: Session) -> MainWindow:
    window = MainWindow(session)
    # a test that fails with something typed must not hang on the unsaved-edits question at close
    window.heat_view._ask_unsaved = lambda: "discard"  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(session.idle, timeout=10000)
    return window


class Keyboard:
    """Key presses sent where the focus is, as a person's keyboard would; each press counted, except
    the characters of a value typed (`type`)."""

    def __init__(self, qtbot: QtBot, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window
        self.presses = 0
        self.log: list[str] = []

    def focus(self) -> QWidget:
        """The widget the next key goes to. Offscreen, a closed dialog does not hand the activation
        back to the window as a real screen does: that is done here, as the screen would."""
        popup = QApplication.activePopupWidget()
        if popup is not None and popup.isVisible():  # completions shown: the keys go to them
            return popup
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.isVisible() and not modal.isActiveWindow():
            self.qtbot.waitUntil(modal.isActiveWindow)  # a new dialog is activated as it shows
        widget = QApplication.focusWidget()
        if widget is None or not widget.isVisible():
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow)
            widget = QApplication.focusWidget() or self.window
        return widget

    def press(self, key: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              times: int = 1) -> None:
        for _time in range(times):
            self.presses += 1
            self.log.append(QKeySequence(modifier.value | key.value).toString() if isinstance(key, Qt.Key)
                            else QKeySequence(modifier.value | ord(key.upper())).toString())
            self.qtbot.keyClick(self.focus(), key, modifier)

    def ctrl(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.ControlModifier)

    def alt(self, key: Qt.Key) -> None:
        self.press(key, Qt.KeyboardModifier.AltModifier)

    def type(self, text: str) -> None:
        """The characters of a value: not counted. Typed into what has the focus, replacing a line
        edit's selected text as a person's typing would."""
        target = self.focus()
        self.qtbot.keyClicks(target, text)

    def typed_into(self) -> QLineEdit | None:
        widget = QApplication.focusWidget()
        return widget if isinstance(widget, QLineEdit) else None
