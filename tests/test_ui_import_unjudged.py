"""The import dialog says which heats it leaves with no standard edition to judge them (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.import_dialog import ImportDialog
from ui.session import Session

# GB/T 700-2006, the seed's edition of Q235B, is in force from 2007-02-01
HEATS = ("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
         "A1,1,2007-01-05 09:00,Q235B,30,1620,tester,0.15,0.2,0.5,0.02,0.02\n"
         "A2,1,2007-01-31 23:00,Q235B,30,1620,tester,0.15,0.2,0.5,0.02,0.02\n"
         "A3,1,2007-02-01 09:00,Q235B,30,1620,tester,0.15,0.2,0.5,0.02,0.02\n")


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def test_the_dialog_says_which_heats_cannot_be_judged(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    heats = tmp_path / "heats.csv"
    heats.write_text(HEATS, encoding="utf-8")
    dialog = ImportDialog(session, "heats")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(heats))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    assert dialog.status_label.text().splitlines() == [
        "3 heats imported.",
        '2 heat(s) cannot be judged and stay "not checked": no standard edition in force on their tap date.',
        "  Q235B: 2 heat(s) tapped 2007-01-05 … 2007-01-31; its first edition is in force from 2007-02-01"]
