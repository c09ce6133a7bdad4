"""Start the desktop program: the application, its language, the database, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from qcdesk.errors import QcError
from qcdesk.store import current_user, resolve_db_path
from qcdesk.store.postgres import Server
from ui import settings as keys
from ui.i18n import install_language
from ui.session import Session, describe, log_bug


def database_path(option: str | None) -> Path | Server:
    """--db, else QCDESK_DB, else the file last chosen in the preferences, else the default."""
    if option or os.environ.get("QCDESK_DB"):
        return resolve_db_path(option)
    chosen = keys.text_value(keys.settings(), keys.DATABASE, "")
    return resolve_db_path(chosen) if chosen else resolve_db_path(None)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """A bug in a slot: logged whole, said in one sentence, and the window goes on."""
    message = log_bug(exc.with_traceback(tb), "window")
    QMessageBox.critical(QApplication.activeWindow(), QApplication.translate("app", "qcdesk"), message)


def run(db: str | None = None, user: str | None = None, lang: str | None = None) -> int:
    """Open the main window on the database; the exit status when it closes."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("qcdesk")
    app.setOrganizationName("qcdesk")
    install_language(lang or keys.text_value(keys.settings(), keys.LANGUAGE, "")
                     or os.environ.get("QCDESK_LANG", "en")[:2])
    user = user or keys.text_value(keys.settings(), keys.INSPECTOR, "") or current_user(None)
    try:
        session = Session(database_path(db), user)
    except (QcError, OSError) as exc:
        QMessageBox.critical(None, app.translate("app", "qcdesk"), describe(exc))
        return 1
    from ui.main_window import MainWindow  # noqa: PLC0415 - after the language is installed

    sys.excepthook = _excepthook
    # sign in before the window works; Cancel quits. A desk whose role writes nothing (the plant's
    # quality office) reads without anyone signed in: it records and signs nothing (plantdesk)
    if session.has_people and session.writable:
        from ui.records import SignInDialog  # noqa: PLC0415 - after the language is installed

        if SignInDialog(session).exec() != SignInDialog.DialogCode.Accepted:
            session.close()
            return 0
    window = MainWindow(session)
    window.show()
    window.start_backup()
    try:
        return app.exec()
    finally:
        session.close()
