"""File → Import analyses…: the lab's file imports whole through the command line's own function, or
nothing, its problems listed line by line; a heat sample replacing an analysis needs the reason typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcdesk.model import Disposition
from qcdesk.store import NewHeat, NewIngot, Store
from ui.import_dialog import ImportDialog
from ui.session import Session

HEADER = "heat_no,sample,kind,ingot_no,taken_at,C,Si,Mn,P,S\n"
FIRST = {"C": 0.18, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    """Heat 1-0001 (Q235B, tapped 2024-03-04 09:00, analysis C 0.18 …) with two accepted ingots."""
    with Store.open(db_path, "tester") as store:
        store.add_heat(NewHeat("1-0001", "1", datetime(2024, 3, 4, 9, 0), "Q235B", 30.0, 1600.0, "tester",
                               analysis=FIRST))
        store.add_ingots("1-0001", [NewIngot(n, 5000, Disposition.ACCEPTED, "tester") for n in (1, 2)])
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def _run(qtbot: QtBot, session: Session, path: Path, reason: str = "") -> ImportDialog:
    dialog = ImportDialog(session, "analyses")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(path))
    dialog.reason_edit.setText(reason)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    return dialog


def _dump(session: Session) -> list[str]:
    with Store.open(session.path, "reader") as store:
        return list(store.conn.iterdump())


def test_an_analyses_file_imports_and_says_how_many(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(HEADER + "1-0001,V1,preliminary,,2024-03-04 08:45,0.35,,0.20,,\n"
                    "1-0001,P1,product,1,2024-03-04 11:00,0.22,,,,\n"   # on 0.20 + 0.02: passes
                    "1-0001,P2,product,2,2024-03-04 11:00,0.23,,,,\n",  # one step beyond: fails
                    encoding="utf-8")
    dialog = _run(qtbot, session, path)
    assert dialog.windowTitle() == "Import analyses"
    assert dialog.status_label.text() == "3 sample(s) imported."
    with Store.open(session.path, "reader") as store:
        assert [(s.kind.value, s.sample_no, s.ingot_no) for s in store.samples("1-0001")] == [
            ("preliminary", "V1", None), ("heat", None, None), ("product", "P1", 1), ("product", "P2", 2)]
        assert [i.product_fails for i in store.ingots("1-0001")] == [False, True]


def test_a_bad_file_is_refused_whole_line_and_column_named(qtbot: QtBot, session: Session,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(HEADER + "1-0001,P1,product,1,2024-03-04 11:00,0.22,,,,\n"
                    "1-0001,P2,product,,2024-03-04 11:00,0.23,,,,\n"      # no ingot named
                    "9-9999,P3,product,1,2024-03-04 11:00,0.19,,,,\n",    # no such heat
                    encoding="utf-8")
    before = _dump(session)
    dialog = _run(qtbot, session, path)
    assert dialog.status_label.text() == "Nothing imported: 2 problem(s) found in the file."
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert problems[0].startswith("line 3, column 4 (ingot_no)")
    assert problems[1].startswith("line 4, column 1 (heat_no)")
    assert _dump(session) == before


def test_a_heat_sample_replaces_the_analysis_only_with_the_reason_typed(qtbot: QtBot, session: Session,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "lab.csv"
    path.write_text(HEADER + "1-0001,H-1,heat,,2024-03-04 09:00,0.19,0.20,0.50,0.020,0.020\n",
                    encoding="utf-8")
    before = _dump(session)
    refused = _run(qtbot, session, path)
    assert refused.status_label.text().startswith("Nothing imported")
    assert _dump(session) == before
    done = _run(qtbot, session, path, reason="lab re-run")
    assert done.status_label.text() == "1 sample(s) imported."
    with Store.open(session.path, "reader") as store:
        assert store.heat("1-0001").analysis["C"] == 0.19
        assert any(e.reason == "lab re-run" and e.field == "C" for e in store.audit("1-0001"))
