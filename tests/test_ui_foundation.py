"""The desktop program's frame: Chinese as data, work off the GUI thread, the launcher."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from messages import fields, messages
from pytestqt.qtbot import QtBot

from qcdesk.errors import InputError
from qcdesk.i18n import set_language
from qcdesk.store import Store
from ui.i18n import catalogue, install_language
from ui.session import Session, Task


def test_every_ui_string_has_a_chinese_translation() -> None:
    zh = catalogue("zh")
    assert [m for m in messages("ui", ("tr", "translate")) if m not in zh] == []


def test_ui_translations_keep_their_placeholders() -> None:
    zh = catalogue("zh")
    assert [m for m in messages("ui", ("tr", "translate")) if fields(zh[m]) != fields(m)] == []


def test_installed_language_translates_widgets_and_core(qapp: object) -> None:
    from PySide6.QtWidgets import QWidget

    try:
        install_language("zh")
        assert QWidget().tr("&Quit") == "退出(&Q)"
        assert QWidget().tr("text nobody translated") == "text nobody translated"
        install_language("en")
        assert QWidget().tr("&Quit") == "&Quit"
    finally:
        install_language("en")
        set_language(None)


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Session:
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def test_work_runs_off_the_gui_thread_and_answers_on_it(qtbot: QtBot, session: Session) -> None:
    gui = threading.get_ident()
    seen: list[tuple[int, int, list[str]]] = []
    session.submit(lambda store: (threading.get_ident(), [c.code for c in store.converters()]),
                   done=lambda r: seen.append((r[0], threading.get_ident(), r[1])))
    qtbot.waitUntil(lambda: bool(seen))
    worker, answered_on, converters = seen[0]
    assert worker != gui
    assert answered_on == gui
    assert converters == ["1", "2", "3"]


def test_a_refused_write_is_a_message_and_announces_no_change(qtbot: QtBot, session: Session) -> None:
    messages: list[str] = []
    changes: list[str] = []
    session.changed.connect(changes.append)

    def bad(store: Store) -> None:
        raise InputError("weight", "must be a number")

    session.submit(bad, failed=messages.append, changes="ingots")
    qtbot.waitUntil(session.idle)
    assert len(messages) == 1
    assert "weight" in messages[0]
    assert changes == []


def test_a_write_announces_what_it_changed(qtbot: QtBot, session: Session) -> None:
    with qtbot.waitSignal(session.changed) as signal:
        session.submit(lambda store: store.update_converter("1", name="Converter One"), changes="setup")
    assert signal.args == ["setup"]


def test_a_bug_in_work_is_logged_and_said_plainly(qtbot: QtBot, session: Session) -> None:
    messages: list[str] = []
    session.submit(lambda store: 1 / 0, failed=messages.append)
    qtbot.waitUntil(session.idle)
    assert "ZeroDivisionError" in messages[0]
    assert "Traceback" not in messages[0]


def test_cancelled_work_calls_nothing_back(qtbot: QtBot, session: Session) -> None:
    started = threading.Event()
    release = threading.Event()
    results: list[object] = []

    def long(store: Store, task: Task) -> int:
        started.set()
        release.wait(5)
        task.report(1, 2)
        return 1

    task = session.submit_task(long, done=results.append, failed=results.append)
    assert started.wait(5)
    task.cancel()
    release.set()
    qtbot.waitUntil(session.idle)
    assert results == []


def test_a_database_that_cannot_be_opened_is_refused_before_any_window(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_text("shopping list\n" * 100)
    with pytest.raises(Exception, match=r"not a qcdesk database|not a database"):
        Session(not_a_db, "tester")


def test_command_line_still_answers_through_the_launcher(capsys: pytest.CaptureFixture[str]) -> None:
    from ui.launcher import main

    assert main(["--help"]) == 0
    assert "rates" in capsys.readouterr().out


def test_qt_own_dialogs_speak_chinese_too(qapp: object) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    try:
        install_language("zh")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:
        install_language("en")
        set_language(None)


def test_work_asked_after_the_session_closed_runs_nothing_and_raises_nothing(qtbot: QtBot,
                                                                              session: Session) -> None:
    """A window's late timer (a filter typed just before closing) must not end in a traceback."""
    called: list[object] = []
    session.close()
    task = session.submit(lambda store: called.append("ran"), done=called.append, failed=called.append)
    qtbot.wait(50)
    assert task.cancelled
    assert called == []
