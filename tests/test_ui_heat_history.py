"""A heat's history in words: local time, fields and values named, "judged" for a first judgement,
"corrected" only for a real correction, the reason in sight (issue 15, 5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from heat_desk import NOW, Keyboard, make_desk, session_as, show_window
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from signed_shop import PINS

from qcdesk.model import Disposition, IngotDefect, Location
from qcdesk.store import NewHeat, NewIngot, Store
from ui.audit_dialog import COL_REASON, AuditDialog, AuditModel
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
A, C, P = Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.PENDING
WHEN = "2024-03-04 10:15:00"  # the clock's 10:15, as the wall clock here reads it


def _history(path: Path) -> None:
    """Heat 1-0003 logged by wang (09:00, 30 t, 1600 °C), C entered then corrected, two ingots of
    3,900 kg; li judges ingot 1, wang corrects it, gives ingot 2 a defect, voids it, notes the heat."""
    with Store.open(path, "tester", clock=lambda: NOW) as store:
        store.login("wang", PINS["wang"])
        store.add_heat(NewHeat("1-0003", "1", NOW.replace(hour=9, minute=0), "Q235B", 30.0, 1600.0, "wang"))
        store.set_analysis("1-0003", {"C": 0.15})
        store.set_analysis("1-0003", {"C": 0.16}, reason="lab repeat")
        store.add_ingots("1-0003", [NewIngot(n, 3900, P, "wang") for n in (1, 2)])
        store.login("li", PINS["li"])
        store.update_ingot("1-0003", 1, disposition=A, inspector="li")
        store.login("wang", PINS["wang"])
        store.update_ingot("1-0003", 1, disposition=C, inspector="wang", reason="ground out")
        store.update_ingot("1-0003", 2, defects=[IngotDefect("TCRK", Location.TOP)])
        store.void_ingot("1-0003", 2, "never cast")
        store.update_heat("1-0003", notes="lab phoned")


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    make_desk(db_path)
    _history(db_path)
    s = session_as(qtbot, db_path, "wang")
    yield s
    qtbot.waitUntil(s.idle, timeout=20000)
    s.close()


def _dialog(qtbot: QtBot, session: Session) -> AuditDialog:
    dialog = AuditDialog(session, "1-0003")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    return dialog


def _rows(model: AuditModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_history_reads_in_words(qtbot: QtBot, qtmodeltester: object, session: Session) -> None:
    dialog = _dialog(qtbot, session)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert _rows(dialog.model) == [
        [WHEN, "wang", "entered", "heat 1-0003",
         "converter 1 · tap time 2024-03-04 09:00 · production date 2024-03-04 · shift day · grade Q235B · "
         "tapped weight 30 t · tap temperature 1600 °C · inspector wang", ""],
        [WHEN, "wang", "entered", "analysis · C", "0.15 %", ""],
        [WHEN, "wang", "corrected", "analysis · C", "0.15 % → 0.16 %", "lab repeat"],
        [WHEN, "wang", "entered", "ingot 1", "weight 3,900 kg · disposition pending · defects none · "
                                             "inspector wang", ""],
        [WHEN, "wang", "entered", "ingot 2", "weight 3,900 kg · disposition pending · defects none · "
                                             "inspector wang", ""],
        [WHEN, "li", "judged", "ingot 1 · disposition", "pending → accepted", ""],
        [WHEN, "li", "judged", "ingot 1 · inspector", "wang → li", ""],
        [WHEN, "wang", "corrected", "ingot 1 · disposition", "accepted → conditioned", "ground out"],
        [WHEN, "wang", "corrected", "ingot 1 · inspector", "li → wang", "ground out"],
        [WHEN, "wang", "entered", "ingot 2 · defects", "none → TCRK (top)", ""],
        [WHEN, "wang", "voided", "ingot 2 · voided",
         "voided (was: weight 3,900 kg · disposition pending · defects TCRK (top) · inspector wang)",
         "never cast"],
        [WHEN, "wang", "entered", "heat 1-0003 · notes", "lab phoned", ""],
    ]
    text = " ".join(" ".join(row) for row in _rows(dialog.model))
    for raw in ("+00:00", "T10:15", "{", '"'):
        assert raw not in text


def test_the_reason_is_in_sight_without_scrolling_sideways(qtbot: QtBot, session: Session) -> None:
    dialog = _dialog(qtbot, session)
    dialog.resize(1000, 480)
    qtbot.wait(10)
    header = dialog.table.horizontalHeader()
    assert header.sectionViewportPosition(COL_REASON) + header.sectionSize(COL_REASON) <= \
        dialog.table.viewport().width()
    assert header.sectionSize(COL_REASON) >= 150
    row = 7  # the correction of ingot 1: its reason, and said whole under the table
    dialog.table.setCurrentIndex(dialog.model.index(row, 0))
    assert dialog.detail.text() == (f"{WHEN}, wang: corrected ingot 1 · disposition: accepted → conditioned\n"
                                    "Reason: ground out")


def test_ctrl_h_opens_it_on_the_latest_entry_and_chinese_words(qtbot: QtBot, session: Session) -> None:
    install_language("zh")
    try:
        window: MainWindow = show_window(qtbot, session)
        with qtbot.waitSignal(window.heat_view.loaded, timeout=10000):
            window.open_heat("1-0003")
        keys = Keyboard(qtbot, window)
        keys.ctrl(Qt.Key.Key_H)
        dialog = window.heat_view.audit_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 12)
        assert dialog.table.currentIndex().row() == 11
        rows = _rows(dialog.model)
        assert rows[5][2:5] == ["判定", "钢锭 1 · 判定", "待判 → 合格"]
        assert rows[7][2:6] == ["更正", "钢锭 1 · 判定", "合格 → 精整后合格", "ground out"]
    finally:
        install_language("en")
