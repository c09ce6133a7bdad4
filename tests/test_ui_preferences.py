"""Preferences: kept in the settings file; a bad value is said beside its field and nothing is kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui import settings as keys
from ui.preferences import PreferencesDialog
from ui.session import Session


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def test_preferences_are_kept_and_a_new_basis_is_announced(qtbot: QtBot, session: Session,
                                                            tmp_path: Path) -> None:
    dialog = PreferencesDialog(session)
    qtbot.addWidget(dialog)
    dialog.basis_box.setCurrentIndex(dialog.basis_box.findData("count"))
    dialog.inspector_edit.setText("  Wang Li ")
    dialog.database_edit.setText(str(tmp_path / "other.sqlite"))
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("zh"))
    with qtbot.waitSignal(session.changed) as changed:
        dialog.accept()
    assert changed.args == ["preferences"]
    stored = keys.settings()
    assert stored.value(keys.LEADING_BASIS) == "count"
    assert stored.value(keys.INSPECTOR) == "Wang Li"
    assert stored.value(keys.DATABASE) == str((tmp_path / "other.sqlite").resolve())
    assert stored.value(keys.LANGUAGE) == "zh"
    again = PreferencesDialog(session)
    qtbot.addWidget(again)
    assert again.basis_box.currentData() == "count"
    assert again.inspector_edit.text() == "Wang Li"


def test_a_database_in_a_missing_folder_is_refused_and_kept(qtbot: QtBot, session: Session,
                                                            tmp_path: Path) -> None:
    dialog = PreferencesDialog(session)
    qtbot.addWidget(dialog)
    wanted = str(tmp_path / "no such folder" / "x.sqlite")
    dialog.database_edit.setText(wanted)
    dialog.accept()
    assert "does not exist" in dialog.database_error.text()
    assert dialog.database_edit.text() == wanted
    assert keys.settings().value(keys.DATABASE) is None
