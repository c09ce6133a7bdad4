"""The desktop program on a database on a PostgreSQL server: its title names the database and the
server, no file check or backup of a desk stands in for the server's, and the preferences take a
URI."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import copy_into_server
from pgserver import PgServer
from pytestqt.qtbot import QtBot
from windows import shown_window

from ui import settings as keys
from ui.preferences import PreferencesDialog
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_window_on_a_server_database(qtbot: QtBot, demo_copy: Path, pg_server: PgServer, pg_uri: str,
                                         tmp_path: Path) -> None:
    copy_into_server(demo_copy, pg_uri)
    with shown_window(qtbot, pg_uri) as w:  # type: ignore[arg-type]
        name = urlsplit(pg_uri).path.lstrip("/")
        assert w.windowTitle() == f"qcdesk — {name} @ {pg_server.socket_dir}"
        assert w.session.server is not None
        w.start_backup(tmp_path / "backups")
        assert "is on a server" in w.statusBar().currentMessage()
        assert not (tmp_path / "backups").exists()  # no desk dumps the plant's database
        assert w.show_health() is None
        assert w.damage_banner.isHidden()
        if os.environ.get("QCDESK_SCREENSHOTS"):
            w.grab().save(str(Path(os.environ["QCDESK_SCREENSHOTS"]) / "plant-window.png"))


def test_preferences_take_a_server_uri_as_typed(qtbot: QtBot, tmp_path: Path) -> None:
    session = Session(tmp_path / "qc.sqlite", "tester")
    try:
        dialog = PreferencesDialog(session)
        qtbot.addWidget(dialog)
        uri = "postgresql://qc_app@plant-db.example:5432/qc"
        dialog.database_edit.setText(uri)
        dialog.accept()
        assert dialog.database_error.isHidden()
        assert keys.settings().value(keys.DATABASE) == uri  # not made a path of the current folder

        again = PreferencesDialog(session)
        qtbot.addWidget(again)
        again.database_edit.setText("postgresql://qc_app@plant-db.example:5432/qc?sslmode")
        again.accept()
        assert "this URI cannot be read" in again.database_error.text()
        assert keys.settings().value(keys.DATABASE) == uri  # the bad one was not kept
    finally:
        qtbot.waitUntil(session.idle)
        session.close()
