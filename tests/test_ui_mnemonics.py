"""Keyboard first: every Alt+letter the window shows does one thing, in English and Chinese.

An Alt+letter shared by two visible things (a tab and a button, a menu and a label) does
neither: Qt only moves the focus between them. The tab bars and the menu bar are always
live, so their letters must be free in every view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from qcdesk.model import IngotDefect, SampleKind
from qcdesk.store import Store
from ui.audit_dialog import AuditDialog
from ui.common import ReasonDialog
from ui.heat_entry import NewHeatDialog
from ui.heat_samples import SampleDialog
from ui.heat_view import CorrectionDialog
from ui.i18n import install_language
from ui.import_dialog import ImportDialog
from ui.ingot_grid import DefectDialog
from ui.main_window import MainWindow
from ui.preferences import PreferencesDialog
from ui.records import PeopleDialog, SignDialog, SignInDialog, VoidDialog
from ui.session import Session
from ui.trends_view import FreezeDialog

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def _letter(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _shown_mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Alt+letter → the texts that answer it, of what a person can see now."""
    texts: list[str] = []
    if isinstance(window, MainWindow):
        texts += [a.text() for a in window.menuBar().actions()]
    for bar in window.findChildren(QTabBar):
        if bar.isVisibleTo(window):
            texts += [bar.tabText(i) for i in range(bar.count())]
    widgets: list[QWidget] = [*window.findChildren(QAbstractButton), *window.findChildren(QLabel),
                              *window.findChildren(QGroupBox)]
    for w in widgets:
        if not w.isVisibleTo(window) or (isinstance(w, QLabel) and w.buddy() is None):
            continue
        texts.append(w.title() if isinstance(w, QGroupBox) else w.text())
    letters: dict[str, list[str]] = {}
    for text in texts:
        letter = _letter(text)
        if letter:
            letters.setdefault(letter, []).append(text)
    return letters


@pytest.fixture(params=["en", "zh"])
def window(request: pytest.FixtureRequest, qtbot: QtBot, demo_copy: Path) -> Iterator[MainWindow]:
    install_language(request.param)
    session = Session(demo_copy, "tester")
    try:
        w = MainWindow(session)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(session.idle)
        yield w
        qtbot.waitUntil(session.idle)
    finally:
        session.close()
        install_language("en")


def test_no_two_things_in_view_share_an_alt_letter(qtbot: QtBot, window: MainWindow) -> None:
    window.open_heat("3-0425")
    qtbot.waitUntil(window.session.idle)
    shared = {}
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        inner = window.tabs.currentWidget().findChild(QTabBar)
        pages = range(inner.count()) if inner is not None and inner.isVisibleTo(window) else [None]
        for page in pages:
            if page is not None:
                inner.setCurrentIndex(page)
            qtbot.waitUntil(window.session.idle)
            where = window.tabs.tabText(i) + ("" if page is None else " / " + inner.tabText(page))
            shared.update({f"{where}: Alt+{letter}": texts
                           for letter, texts in _shown_mnemonics(window).items() if len(texts) > 1})
    assert shared == {}


def test_alt_letters_reach_the_tabs(qtbot: QtBot, window: MainWindow) -> None:
    for i in reversed(range(window.tabs.count())):
        letter = _letter(window.tabs.tabText(i))
        assert letter is not None
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
        assert window.tabs.currentIndex() == i


def test_no_two_things_in_a_dialog_share_an_alt_letter(qtbot: QtBot, window: MainWindow) -> None:
    session = window.session
    with Store.open(session.path, "tester") as store:
        catalogue = store.defects()
        heat, check, samples = store.heat("3-0425"), store.product_check("3-0425"), store.samples("3-0425")
    dialogs: list[QWidget] = [
        NewHeatDialog(session), PreferencesDialog(session), ImportDialog(session, "heats"),
        ImportDialog(session, "ingots"), ImportDialog(session, "analyses"), SignInDialog(session),
        PeopleDialog(session),
        ReasonDialog("why?"), AuditDialog(session, "3-0425"),
        SignDialog(session, "Sign", "the day", lambda _store, _pin: None),
        VoidDialog(session, "heat 3-0425", lambda _store, _reason: None, "heats"),
        DefectDialog(catalogue, (IngotDefect("PIPE"),), "Defects"),
        CorrectionDialog("Ingot 2 of heat 3-0425: accepted → conditioned", "why?", ["ground out"]),
        FreezeDialog("the p-chart", date(1959, 2, 1), date(1959, 2, 14)),
        SampleDialog(SampleKind.PRELIMINARY, heat, check, samples, taken_at=heat.tapped_at),
        SampleDialog(SampleKind.PRODUCT, heat, check, samples, taken_at=heat.tapped_at, ingot_no=1)]
    shared = {}
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(session.idle)
        shared.update({f"{type(dialog).__name__}: Alt+{letter}": texts
                       for letter, texts in _shown_mnemonics(dialog).items() if len(texts) > 1})
        dialog.close()
    assert shared == {}


# ---- issue 15, part A: the shift view of a database with people, its sign-off row in sight


@pytest.fixture(params=["en", "zh"])
def signed_in(request: pytest.FixtureRequest, qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    from signed_shop import DAY, NOW, PINS, make_shop

    make_shop(db_path)
    install_language(request.param)
    session = Session(db_path, "tester", clock=lambda: NOW)
    try:
        session.sign_in("hu", PINS["hu"])
        qtbot.waitUntil(lambda: session.person is not None, timeout=10000)
        w = MainWindow(session)
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow)
        qtbot.waitUntil(lambda: bool(w.shift_view.schedule))
        with qtbot.waitSignal(w.shift_view.loaded, timeout=10000):
            w.shift_view.show_shift(DAY, "day")
        yield w
        qtbot.waitUntil(session.idle)
    finally:
        session.close()
        install_language("en")


def test_the_shift_view_with_its_sign_off_shares_no_alt_letter(qtbot: QtBot, signed_in: MainWindow) -> None:
    view = signed_in.shift_view
    assert view.signoff_box.isVisibleTo(signed_in)
    assert view.sign_day_button.isVisibleTo(signed_in)
    shared = {letter: texts for letter, texts in _shown_mnemonics(signed_in).items() if len(texts) > 1}
    assert shared == {}


def test_every_tab_letter_reaches_its_tab_from_anywhere_in_the_shift_view(qtbot: QtBot,
                                                                         signed_in: MainWindow) -> None:
    view = signed_in.shift_view
    for place in (view.date_edit, view.shift_box, view.table, view.now_button, view.close_button):
        for i in range(signed_in.tabs.count()):
            signed_in.tabs.setCurrentWidget(view)
            place.setFocus()
            letter = _letter(signed_in.tabs.tabText(i))
            assert letter is not None
            qtbot.keyClick(place, getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)
            assert signed_in.tabs.currentIndex() == i, (type(place).__name__, signed_in.tabs.tabText(i))
    assert view.sign_dialog is None


def test_an_open_menu_takes_no_letter_of_the_menu_bar_or_the_tabs(qtbot: QtBot, window: MainWindow) -> None:
    """An open menu answers Alt+letter with its own item (QMenu matches mnemonics with Alt held):
    with the File menu open, Alt+P went to the preferences instead of the Reports tab, Alt+E to
    People instead of the Heat menu. The View menu's items are the tabs themselves."""
    live = [a.text() for a in window.menuBar().actions()]
    live += [window.tabs.tabText(i) for i in range(window.tabs.count())]
    live_letters = {_letter(t): t for t in live}
    shared = {}
    for action in window.menuBar().actions():
        menu = action.menu()
        if not isinstance(menu, QMenu) or menu is window.view_menu:
            continue
        seen: dict[str, str] = {}
        for item in menu.actions():
            letter = _letter(item.text())
            if letter is None:
                continue
            if letter in live_letters:
                shared[f"{action.text()}: Alt+{letter}"] = [item.text(), live_letters[letter]]
            if letter in seen:
                shared[f"{action.text()}: Alt+{letter}"] = [item.text(), seen[letter]]
            seen[letter] = item.text()
    assert shared == {}


@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise",
                           "does not support grabbing the keyboard")
def test_alt_p_in_the_open_file_menu_reaches_the_reports_tab(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    reports = next(i for i in range(window.tabs.count()) if window.tabs.widget(i) is window.reports_view)
    letter = _letter(window.tabs.tabText(reports))
    assert letter is not None
    triggered: list[str] = []
    for item in file_menu.actions():
        item.blockSignals(True)  # the menu says what it triggered; the item itself does nothing
    file_menu.triggered.connect(lambda item: triggered.append(item.text()))
    file_menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(file_menu.isVisible)
    # a real keyboard gives the letter as the event's text, as here (QTest would give none)
    press = QKeyEvent(QEvent.Type.KeyPress, getattr(Qt.Key, f"Key_{letter.upper()}"),
                      Qt.KeyboardModifier.AltModifier, letter)
    QApplication.sendEvent(file_menu, press)
    file_menu.hide()
    for item in file_menu.actions():
        item.blockSignals(False)
    assert triggered == []
