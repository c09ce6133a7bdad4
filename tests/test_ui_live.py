"""Two desks open on one database (issue 14), each with its own connection, on a SQLite file and on
a PostgreSQL server: what one saves appears at the other within two seconds, without a refresh
key; a heat open with unsaved edits keeps them and says it was changed at another desk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store
from qcdesk.store.changes import Change, Changes
from ui.heat_view import HeatView
from ui.live import ELSEWHERE, words
from ui.main_window import MainWindow
from ui.session import Session

NOW = datetime(2024, 3, 4, 10, 15)  # the day shift of 2024-03-04
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
SOON_MS = 2000  # what the issue asks: within two seconds
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture(autouse=True)
def _discard_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closed at the end of a test with something typed drops it (no question asked)."""
    monkeypatch.setattr(HeatView, "_ask_unsaved", lambda _self: "discard")


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """One database for two desks, on either kind (a module with Qt is not run on both by
    itself): heat 1-0001 of the day shift, analysed, two ingots accepted."""
    db: Path | str = (tmp_path / "qc.sqlite" if request.param == "sqlite"
                      else request.getfixturevalue("pg_new_uri"))
    with Store.open(db, "tester", lambda: NOW) as store:
        store.add_heat(NewHeat("1-0001", "1", datetime(2024, 3, 4, 9, 0), "Q235B", 30.0, 1600.0, "tester",
                               analysis=GOOD))
        store.add_ingots("1-0001", [NewIngot(n, 4000.0, Disposition.ACCEPTED, "tester") for n in (1, 2)])
    return db


@contextmanager
def desk(qtbot: QtBot, db: Path | str, user: str) -> Iterator[MainWindow]:
    """A window on `db` with a session (connections) of its own, its shift view loaded."""
    session = Session(db, user, clock=lambda: NOW)
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.shift_view.data is not None, timeout=10000)
        yield window
        qtbot.waitUntil(session.idle, timeout=20000)
    finally:
        session.close()


def shift_heats(window: MainWindow) -> list[str]:
    model = window.shift_view.model
    return [model.heat_no(r) for r in range(model.rowCount())]


def save(qtbot: QtBot, window: MainWindow, work: object, changes: str = "heats") -> None:
    """A save at this desk, as its views make one (on the session's worker), done."""
    failures: list[str] = []
    done: list[object] = []
    window.session.submit(work, done=done.append, failed=failures.append, changes=changes)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(done or failures), timeout=10000)
    assert failures == []


def test_a_heat_saved_at_one_desk_appears_at_the_other(qtbot: QtBot, shared: Path | str) -> None:
    with desk(qtbot, shared, "Wang") as converter, desk(qtbot, shared, "Li") as office:
        office.tabs.setCurrentWidget(office.history_view)  # the history browser open
        qtbot.waitUntil(lambda: office.history_view.model.rowCount() == 1)
        assert shift_heats(office) == ["1-0001"]
        assert office.shift_view.rate_labels[("shift", "heats:2")].text() == "0"

        heat = NewHeat("2-0001", "2", datetime(2024, 3, 4, 10, 0), "Q235B", 31.0, 1610.0, "Wang",
                       analysis=GOOD)
        save(qtbot, converter, lambda store: store.add_heat(heat))
        qtbot.waitUntil(lambda: shift_heats(office) == ["1-0001", "2-0001"], timeout=SOON_MS)
        # the live rates count it, and the history browser lists it
        assert office.shift_view.rate_labels[("shift", "heats:2")].text() == "1"
        qtbot.waitUntil(lambda: office.history_view.model.rowCount() == 2, timeout=SOON_MS)

        # its ingots judged at the desk: the office's rates follow (2 × 4000 kg accepted of 12,000)
        save(qtbot, converter, lambda store: store.add_ingots("2-0001", [
            NewIngot(1, 4000.0, Disposition.SCRAP, "Wang")]), changes="ingots")
        qtbot.waitUntil(lambda: office.shift_view.rate_labels[("shift", "ingot_qualified_rate")].text()
                        == "66.7%", timeout=SOON_MS)


def test_an_open_heat_with_unsaved_edits_keeps_them_and_says_so(qtbot: QtBot, shared: Path | str) -> None:
    with desk(qtbot, shared, "Wang") as converter, desk(qtbot, shared, "Li") as lab:
        view = lab.heat_view
        with qtbot.waitSignal(view.loaded):
            lab.open_heat("1-0001")
        view.notes.setText("sampled twice")  # typed at the lab, not saved
        assert view.unsaved()

        save(qtbot, converter, lambda store: store.update_heat("1-0001", notes="slag carry-over"))
        qtbot.waitUntil(view.elsewhere_bar.isVisible, timeout=SOON_MS)
        assert "changed at another desk" in view.elsewhere_note.text()
        assert view.notes.text() == "sampled twice"  # nothing typed is lost
        assert view.unsaved()

        with qtbot.waitSignal(view.loaded):
            view.elsewhere_reload.click()
        assert view.notes.text() == "slag carry-over"  # the heat as saved at the other desk
        assert not view.unsaved()
        assert view.elsewhere_bar.isHidden()


def test_an_open_heat_without_edits_is_shown_again(qtbot: QtBot, shared: Path | str) -> None:
    with desk(qtbot, shared, "Wang") as converter, desk(qtbot, shared, "Li") as lab:
        view = lab.heat_view
        with qtbot.waitSignal(view.loaded):
            lab.open_heat("1-0001")
        assert view.weight.text() == "30"

        save(qtbot, converter,
             lambda store: store.update_heat("1-0001", tap_weight_t=31.5, reason="re-weighed"))
        qtbot.waitUntil(lambda: view.weight.text() == "31.5", timeout=SOON_MS)
        assert view.elsewhere_bar.isHidden()


def test_a_desks_own_save_is_not_news_to_it(qtbot: QtBot, shared: Path | str) -> None:
    with desk(qtbot, shared, "Li") as lab:
        view = lab.heat_view
        with qtbot.waitSignal(view.loaded):
            lab.open_heat("1-0001")
        view.notes.setText("sampled twice")  # typed, not saved, while this desk saves its ingots
        third = [NewIngot(3, 4000.0, Disposition.ACCEPTED, "Li")]
        save(qtbot, lab, lambda store: store.add_ingots("1-0001", third), changes="ingots")
        qtbot.waitUntil(lab.session.idle)
        with Store.open(shared, "check", create=False) as store:
            last = store.last_entry_id()
        qtbot.waitUntil(lambda: lab.watcher.read_up_to >= last, timeout=10000)  # read, and left out
        qtbot.wait(100)
        assert view.elsewhere_bar.isHidden()
        assert view.notes.text() == "sampled twice"


def test_a_failing_heat_is_announced_at_the_other_desk_and_dismissed_there(
        qtbot: QtBot, shared: Path | str) -> None:
    """The banner follows the other desks too: a heat failing its standard saved at one desk is
    announced at the other within two seconds, and a dismissal at either is gone at both."""
    with desk(qtbot, shared, "Wang") as converter, desk(qtbot, shared, "Li") as office:
        assert office.alert_banner.texts() == []
        failing = NewHeat("2-0002", "2", datetime(2024, 3, 4, 10, 5), "Q235B", 30.5, 1605.0, "Wang",
                          analysis={**GOOD, "S": 0.062})  # Q235B allows S up to 0.045 %
        save(qtbot, converter, lambda store: store.add_heat(failing))
        qtbot.waitUntil(lambda: len(office.alert_banner.texts()) == 1, timeout=SOON_MS)
        said = office.alert_banner.texts()[0]
        assert "2-0002" in said
        assert "S 0.062 %" in said
        assert "0.045 %" in said

        qtbot.waitUntil(lambda: len(converter.alert_banner.texts()) == 1, timeout=SOON_MS)  # its own too
        qtbot.mouseClick(office.alert_banner.lines[0].dismiss_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: office.alert_banner.texts() == [], timeout=10000)
        qtbot.waitUntil(lambda: converter.alert_banner.texts() == [], timeout=SOON_MS)
        with Store.open(shared, "check", create=False) as store:
            assert [d.dismissed_by for d in store.dismissals("2-0002")] == ["Li"]


def test_what_a_window_says_of_each_kind_of_change() -> None:
    def said(*tables: str, everything: bool = False) -> list[str]:
        return words(Changes(0, 9, tuple(Change(i, t, None) for i, t in enumerate(tables, 1)), everything))

    assert said("heat", "ingot") == [ELSEWHERE]
    assert said("converter", "grade") == ["setup"]
    assert said("person") == ["people"]
    assert said("plan", "sample") == ["plans", ELSEWHERE]
    assert said("heat", everything=True) == ["import"]
