"""Records you can trust, on screen: the first administrator, signing in, closing a shift and
signing a day with the PIN again, a correction after signing, voiding, the people of the database.

The workshop is tests/signed_shop.py's (people hashed at a cheap cost, for speed); what the
program itself hashes (a new administrator, a new person) is at OWASP's cost.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signed_shop import DAY, NOW, PINS, make_shop, open_as

from qcdesk.signoff import Status
from qcdesk.store import Store
from ui import app
from ui.heat_view import HeatView
from ui.main_window import MainWindow
from ui.records import PeopleDialog, SignInDialog
from ui.session import Session
from ui.shift_view import ShiftView

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

SessionFor = Callable[[str | None], Session]
REFUSED = "the name or the PIN is wrong (after 5 wrong PINs in a row, every PIN is refused for 15 minutes)"


@pytest.fixture
def shop(db_path: Path) -> Path:
    make_shop(db_path)
    return db_path


@pytest.fixture
def session_for(qtbot: QtBot, shop: Path) -> Iterator[SessionFor]:
    """A session on the shop, signed in as `name` (None: nobody)."""
    opened: list[Session] = []

    def make(name: str | None) -> Session:
        s = Session(shop, "tester", clock=lambda: NOW)
        opened.append(s)
        if name is not None:
            s.sign_in(name, PINS[name])
            qtbot.waitUntil(lambda: s.person is not None, timeout=10000)
        return s

    yield make
    for s in opened:
        qtbot.waitUntil(s.idle, timeout=20000)
        s.close()


def _shift_view(qtbot: QtBot, session: Session, shift: str) -> ShiftView:
    view = ShiftView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: bool(view.schedule))
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.show_shift(DAY, shift)
    return view


def _status(path: Path) -> tuple[Status, Status]:
    with Store.open(path, "check") as store:
        return store.shift_signoff(DAY, "day").status, store.day_signoff(DAY).status


def test_a_new_database_asks_for_its_first_administrator(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    session = Session(path, "tester")
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.first_run.steps.currentIndex() == 1)
        admin = window.first_run.admin
        assert "6 characters" in admin.findChildren(type(window.who))[1].text()  # the rules, said
        admin.name.setText("ada")
        admin.pin.setText("ada-pin-1")
        admin.again.setText("ada-pin-2")
        admin.create_button.click()
        assert admin.message.text() == "The two PINs differ: type the same PIN twice."
        admin.pin.setText("short")
        admin.again.setText("short")
        admin.create_button.click()
        assert admin.message.text() == "PIN: must have at least 6 characters"
        admin.pin.setText("ada-pin-1")
        admin.again.setText("ada-pin-1")
        admin.create_button.click()
        qtbot.waitUntil(lambda: window.first_run.steps.currentWidget() is window.first_run.choice,
                        timeout=20000)
        assert session.person is not None
        assert (session.person.name, session.person.role.value) == ("ada", "admin")
        assert window.who.text() == "Signed in: ada (administrator)"
        assert window.people_action.isEnabled()
        qtbot.waitUntil(session.idle)
        with Store.open(path, "check") as store:
            assert [(p.name, p.role.value) for p in store.people()] == [("ada", "admin")]
            assert store.conn.execute("SELECT pin_hash FROM person").fetchone()[0].startswith(
                "scrypt$131072$8$1$")  # the program hashes at OWASP's cost
    finally:
        qtbot.waitUntil(session.idle, timeout=20000)
        session.close()


def test_sign_in_right_and_wrong_and_the_lock_out(qtbot: QtBot, session_for: SessionFor) -> None:
    session = session_for(None)
    assert session.has_people
    assert session.person is None
    dialog = SignInDialog(session)
    qtbot.addWidget(dialog)
    dialog.name.setText("wang")
    for _attempt in range(4):
        dialog.pin.setText("not-the-pin")
        dialog.ok.click()
        qtbot.waitUntil(dialog.ok.isEnabled)
        assert dialog.message.text() == f"Not signed in: {REFUSED}."
    dialog.pin.setText("not-the-pin")
    dialog.ok.click()  # the fifth: locked out
    qtbot.waitUntil(dialog.ok.isEnabled)
    dialog.pin.setText(PINS["wang"])
    dialog.ok.click()  # even the right PIN, now: told like a wrong one
    qtbot.waitUntil(dialog.ok.isEnabled)
    assert dialog.message.text() == f"Not signed in: {REFUSED}."
    assert session.person is None

    dialog.name.setText("li")
    dialog.pin.setText(PINS["li"])
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.ok.click()
    assert session.person is not None
    assert session.person.name == "li"


def test_an_inspector_closes_a_shift_and_the_status_shows_it(qtbot: QtBot, session_for: SessionFor,
                                                            shop: Path) -> None:
    session = session_for("wang")
    view = _shift_view(qtbot, session, "day")
    assert view.shift_status.text() == "unsigned (DRAFT)"
    assert view.close_button.isEnabled()
    dialog = view.close_shift()
    assert dialog is not None
    dialog.pin.setText("wrong-pin")
    dialog.ok.click()
    qtbot.waitUntil(dialog.ok.isEnabled)
    assert dialog.message.text() == f"Not signed: {REFUSED}."
    assert _status(shop) == (Status.UNSIGNED, Status.UNSIGNED)
    dialog.pin.setText(PINS["wang"])
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.ok.click()
    qtbot.waitUntil(lambda: view.shift_status.text().startswith("signed by wang (inspector) at "))
    assert view.shift_status.text().endswith(": shift closed by inspector")
    assert view.day_status.text() == "unsigned (DRAFT)"
    assert not view.close_button.isEnabled()  # signed: nothing to close
    assert _status(shop) == (Status.SIGNED, Status.UNSIGNED)


def test_an_inspector_cannot_sign_the_day(qtbot: QtBot, session_for: SessionFor, shop: Path) -> None:
    session = session_for("wang")
    view = _shift_view(qtbot, session, "day")
    assert view.sign_day() is None  # said before any PIN is asked (issue 15)
    assert "wang is inspector: a workshop head signs the day" in view.day_needs.text()
    assert _status(shop) == (Status.UNSIGNED, Status.UNSIGNED)


def _close_both_shifts(path: Path) -> None:
    with open_as(path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
    with open_as(path, "li") as s:
        s.sign_shift(DAY, "evening", PINS["li"])


def test_a_head_signs_the_day(qtbot: QtBot, session_for: SessionFor, shop: Path) -> None:
    _close_both_shifts(shop)
    session = session_for("hu")
    view = _shift_view(qtbot, session, "day")
    assert view.shift_status.text().startswith("signed by wang (inspector)")
    dialog = view.sign_day()
    assert dialog is not None
    dialog.pin.setText(PINS["hu"])
    dialog.ok.click()
    qtbot.waitUntil(lambda: view.day_status.text().startswith("signed by hu (workshop head) at "),
                    timeout=10000)
    assert view.day_status.text().endswith(": day approved by workshop head")
    assert _status(shop) == (Status.SIGNED, Status.SIGNED)


def _heat_view(qtbot: QtBot, session: Session, heat_no: str) -> HeatView:
    view = HeatView(session)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.load(heat_no)
    return view


def test_a_correction_after_signing_asks_why_and_supersedes(qtbot: QtBot, session_for: SessionFor,
                                                            shop: Path) -> None:
    _close_both_shifts(shop)
    with open_as(shop, "hu") as s:
        s.sign_day(DAY, PINS["hu"])
    # an inspector may not correct a signed record: said plainly, nothing changed
    inspector = _heat_view(qtbot, session_for("wang"), "D1")
    inspector.notes.setText("re-weighed")
    inspector.save_header()
    qtbot.waitUntil(lambda: bool(inspector.header_error.text()))
    assert inspector.header_error.text() == "as inspector, wang may not correct a signed record"
    assert inspector.corrector.dialog is None
    assert _status(shop) == (Status.SIGNED, Status.SIGNED)

    session = session_for("hu")
    view = _heat_view(qtbot, session, "D1")
    shift = _shift_view(qtbot, session, "day")
    view.notes.setText("re-weighed")
    view.save_header()
    qtbot.waitUntil(lambda: view.corrector.dialog is not None)
    dialog = view.corrector.dialog
    assert dialog is not None
    assert "these records are signed (2025-03-10)" in dialog.findChildren(type(shift.title))[0].text()
    dialog.edit.setText("the notes were on the wrong heat")
    dialog.accept()
    qtbot.waitUntil(lambda: shift.day_status.text().startswith(
        "changed since signed: to be signed again (was signed by hu"), timeout=10000)
    assert _status(shop) == (Status.SUPERSEDED, Status.SUPERSEDED)
    with Store.open(shop, "check") as store:
        standing = store.day_signoff(DAY)
        assert standing.signature is not None
        assert standing.signature.superseded_reason == "the notes were on the wrong heat"


def test_a_voided_heat_leaves_the_shift_view(qtbot: QtBot, session_for: SessionFor, shop: Path) -> None:
    session = session_for("wang")
    shift = _shift_view(qtbot, session, "day")
    assert [shift.model.heat_no(r) for r in range(shift.model.rowCount())] == ["D1", "D2"]
    view = _heat_view(qtbot, session, "D1")
    dialog = view.void_heat()
    assert dialog is not None
    assert not dialog.ok.isEnabled()  # a reason first
    dialog.edit.setText("entered twice")
    with qtbot.waitSignal(shift.loaded, timeout=10000):
        dialog.ok.click()
    qtbot.waitUntil(lambda: shift.model.rowCount() == 1)
    assert shift.model.heat_no(0) == "D2"
    assert view.title.text() == "Heat D1 was voided; its history is kept."
    with Store.open(shop, "check") as store:
        assert store.conn.execute("SELECT void_reason FROM heat WHERE heat_no = 'D1'").fetchone()[0] == \
            "entered twice"


def test_a_voided_ingot_leaves_the_heat(qtbot: QtBot, session_for: SessionFor) -> None:
    session = session_for("wang")
    view = _heat_view(qtbot, session, "D1")
    assert view.model.rowCount() == 2
    view.table.setCurrentIndex(view.model.index(1, 0))
    dialog = view.void_ingot()
    assert dialog is not None
    dialog.edit.setText("never cast")
    dialog.ok.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10000)
    assert view.model.ingot(0).ingot_no == 1


def test_people_are_added_and_deactivated_by_an_administrator(qtbot: QtBot, qtmodeltester: object,
                                                              session_for: SessionFor, shop: Path) -> None:
    session = session_for("ada")
    dialog = PeopleDialog(session)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert [dialog.model.data(dialog.model.index(r, 1)) for r in range(4)] == [
        "administrator", "workshop head", "inspector", "inspector"]  # ada, hu, li, wang
    dialog.name.setText("zhou")
    dialog.role.setCurrentIndex(dialog.role.findData("inspector"))
    dialog.pin.setText("zhou-pin")
    dialog.again.setText("zhou-pin")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5, timeout=20000)
    qtbot.waitUntil(lambda: dialog.message.text() == "zhou added as inspector.")

    dialog.table.setCurrentIndex(dialog.model.index(2, 0))  # li
    dialog.deactivate_button.click()
    assert dialog.message.text() == "Say why li is deactivated."
    dialog.reason.setText("left the workshop")
    dialog.deactivate_button.click()
    qtbot.waitUntil(lambda: dialog.model.data(dialog.model.index(2, 2)) == "no", timeout=10000)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    with Store.open(shop, "check") as store:
        assert {p.name: (p.role.value, p.active) for p in store.people()} == {
            "ada": ("admin", True), "hu": ("head", True), "li": ("inspector", False),
            "wang": ("inspector", True), "zhou": ("inspector", True)}


def test_only_an_administrator_manages_people(qtbot: QtBot, session_for: SessionFor) -> None:
    session = session_for("hu")
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.who.text() == "Signed in: hu (workshop head)"
    assert not window.people_action.isEnabled()
    window.sign_out()
    assert window.who.text() == "Not signed in (File ▸ Sign in…)"
    assert window.sign_in_action.isEnabled()


def test_the_automatic_backup_is_said_in_the_status_bar(qtbot: QtBot, session_for: SessionFor,
                                                        tmp_path: Path) -> None:
    session = session_for(None)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.start_backup(tmp_path / "backups")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Backed up to "), timeout=20000)
    made = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(made) == 2
    assert made[1] == made[0] + ".heads"


def test_a_database_with_people_asks_who_before_the_window_and_cancel_quits(
        qtbot: QtBot, shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    asked: list[str] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(20, cancel)
            return
        asked.append(dialog.windowTitle())
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert app.run(str(shop), lang="en") == 0
    assert asked == [f"Sign in — {shop.name}"]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_a_back_dated_edition_over_a_signed_day_asks_why_and_supersedes(
        qtbot: QtBot, session_for: SessionFor, shop: Path) -> None:
    from PySide6.QtCore import QDate

    from ui.setup_view import SetupView

    _close_both_shifts(shop)
    with open_as(shop, "hu") as s:
        s.sign_day(DAY, PINS["hu"])
    session = session_for("hu")
    view = SetupView(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.grades.grades.rowCount() > 0)
    grades = view.grades
    grades.select_grade("Q235B")
    qtbot.waitUntil(lambda: grades.editions.rowCount() >= 1 and grades.limits.rowCount() >= 5)
    qtbot.waitUntil(session.idle)
    grades.standard_edit.setText("GB/T 700")
    grades.edition_edit.setText("2025")
    grades.effective_edit.setDate(QDate(2025, 1, 1))
    row = next(i for i, r in enumerate(grades.limits.rows) if r[0] == "C")
    assert grades.limits.setData(grades.limits.index(row, 2), "0.12")  # the shop's heats have C 0.15
    grades.save_button.click()
    qtbot.waitUntil(lambda: grades.corrector.dialog is not None, timeout=10000)
    dialog = grades.corrector.dialog
    assert dialog is not None
    dialog.edit.setText("GB/T 700-2025 applies from January")
    dialog.accept()
    qtbot.waitUntil(lambda: grades.editions.rowCount() == 2, timeout=10000)
    qtbot.waitUntil(session.idle)
    assert _status(shop) == (Status.SUPERSEDED, Status.SUPERSEDED)
    with Store.open(shop, "check") as store:
        standing = store.day_signoff(DAY)
        assert standing.signature is not None
        assert standing.signature.superseded_reason == "GB/T 700-2025 applies from January"
