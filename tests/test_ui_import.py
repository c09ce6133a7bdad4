"""The import dialog: a good file imports, a bad one is listed line by line, Cancel leaves nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcdesk import csvio
from qcdesk.csvio import Progress
from qcdesk.store import Store
from ui.import_dialog import REPORT_EVERY, ImportDialog
from ui.session import Session

HEADER = "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def _heats_file(path: Path, n: int, bad_lines: dict[int, str] | None = None) -> Path:
    lines = [HEADER]
    for i in range(1, n + 1):
        day, minute = divmod(i, 24 * 60)
        tapped = f"2024-{1 + day // 28:02d}-{1 + day % 28:02d} {minute // 60:02d}:{minute % 60:02d}"
        line = f"1-{i:05d},1,{tapped},Q235B,30.5,1640,tester,0.15,0.2,0.5,0.02,0.02\n"
        lines.append((bad_lines or {}).get(i + 1, line))  # line numbers count the header as 1
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _heat_count(session: Session) -> int:
    with Store.open(session.path, "tester") as store:
        return store.counts()["heat"]


def _dialog(qtbot: QtBot, session: Session, kind: str = "heats") -> ImportDialog:
    dialog = ImportDialog(session, kind)
    qtbot.addWidget(dialog)
    return dialog


def test_a_good_file_imports_and_says_how_many(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, session)
    dialog.path_edit.setText(str(_heats_file(tmp_path / "heats.csv", 120)))
    with qtbot.waitSignal(session.changed) as changed:
        dialog.import_button.click()
    assert changed.args == ["import"]
    qtbot.waitUntil(lambda: not dialog.running)
    assert "120 heats imported" in dialog.status_label.text()
    assert dialog.progress.value() == dialog.progress.maximum()
    assert _heat_count(session) == 120


def test_ingots_import_after_their_heats(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, session)
    dialog.path_edit.setText(str(_heats_file(tmp_path / "heats.csv", 2)))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    ingots = tmp_path / "ingots.csv"
    ingots.write_text("heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"
                      "1-00001,1,3800,accepted,,tester\n1-00001,2,3700,conditioned,TCRK@top,tester\n",
                      encoding="utf-8")
    ingot_dialog = _dialog(qtbot, session, "ingots")
    ingot_dialog.path_edit.setText(str(ingots))
    ingot_dialog.import_button.click()
    qtbot.waitUntil(lambda: not ingot_dialog.running)
    assert "2 ingots imported" in ingot_dialog.status_label.text()


def test_a_bad_file_lists_its_line_problems_and_changes_nothing(qtbot: QtBot, session: Session,
                                                                 tmp_path: Path) -> None:
    bad = {3: "1-00002,9,2024-01-01 00:02,Q235B,30.5,1640,tester,0.15,0.2,0.5,0.02,0.02\n",
           5: "1-00004,1,2024-01-01 00:04,Q235B,heavy,1640,tester,0.15,0.2,0.5,0.02,0.02\n"}
    dialog = _dialog(qtbot, session)
    dialog.path_edit.setText(str(_heats_file(tmp_path / "heats.csv", 10, bad)))
    changes: list[str] = []
    session.changed.connect(changes.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) == 2
    assert problems[0].startswith("line 3")
    assert "converter" in problems[0]
    assert problems[1].startswith("line 5")
    assert "tap_weight_t" in problems[1]
    assert "Nothing imported" in dialog.status_label.text()
    assert dialog.path_edit.text().endswith("heats.csv")  # kept, to fix and try again
    assert changes == []
    assert _heat_count(session) == 0


def test_an_unreadable_file_is_said_plainly(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, session)
    dialog.path_edit.setText(str(tmp_path / "missing.csv"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    assert "missing.csv" in dialog.status_label.text()
    assert "Traceback" not in dialog.status_label.text()


def test_cancel_leaves_nothing_imported(qtbot: QtBot, session: Session, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot, session)
    dialog.path_edit.setText(str(_heats_file(tmp_path / "heats.csv", 3000)))
    changes: list[str] = []
    session.changed.connect(changes.append)
    real = csvio.import_heats_summary

    def held_after_the_first_rows(store: Store, path: Path, *, encoding: str | None = None,
                                  progress: Progress | None = None) -> csvio.HeatsImported:
        """The import, held after its first report (inside the transaction) until Cancel is
        pressed: 3,000 heats are checked faster than a click lands."""
        def held(done: int, total: int) -> None:
            if done == REPORT_EVERY + 1:
                deadline = time.monotonic() + 20
                while not (dialog.task and dialog.task.cancelled) and time.monotonic() < deadline:
                    time.sleep(0.01)
            assert progress is not None
            progress(done, total)
        return real(store, path, encoding=encoding, progress=held)

    monkeypatch.setattr(csvio, "import_heats_summary", held_after_the_first_rows)
    dialog.import_button.click()
    # Cancel as soon as the first rows are saved (inside the transaction)
    qtbot.waitUntil(lambda: dialog.progress.maximum() > 1, timeout=20_000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert "Cancelled" in dialog.status_label.text()
    assert changes == []
    assert _heat_count(session) == 0
