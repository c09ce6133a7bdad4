"""Quick to start (issue 17): a command loads only what it runs, and the window only what it shows.

What a person would notice as slowness is asserted as what the process loaded: `qcdesk --help`
loads no storage; no command of the command line loads reportlab or Qt; the window's start
loads neither reportlab nor the charts nor the PDF viewer. No timings here (the figures are in
tests/benchmarks/speed_start.py). And the start's daily backup still runs whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from qcdesk import health
from qcdesk.journal import journal_path
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent

# Runs the `qcdesk` command in a fresh interpreter, as the installed script does; then writes the
# names of the modules it loaded to the file named last.
COMMAND = ("import json, sys\n"
           "from ui.launcher import main\n"
           "code = main(sys.argv[1:-1])\n"
           "open(sys.argv[-1], 'w').write(json.dumps(sorted(sys.modules)))\n"
           "sys.exit(code)\n")
GUI = ("PySide6", "shiboken6", "ui.app", "ui.main_window")
DOCUMENTS = ("reportlab", "reports.daily", "reports.heat_sheet", "reports.period", "PIL")


def _run(tmp_path: Path, *argv: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`qcdesk ARGV` in a subprocess: what it printed, and the modules it loaded."""
    loaded = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", COMMAND, *argv, str(loaded)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done, set(json.loads(loaded.read_text()))


def _top(modules: set[str], names: tuple[str, ...]) -> set[str]:
    """Which of `names` (packages or modules) are among the loaded `modules`."""
    return {n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)}


def test_help_lists_every_command_without_loading_storage_documents_or_qt(tmp_path: Path) -> None:
    done, modules = _run(tmp_path, "--help")
    for command in ("rates", "check", "heats", "import", "export", "backup", "report"):
        assert f"    {command} " in done.stdout, command
    assert "a printable PDF: a heat's inspection sheet" in done.stdout  # the report command's own help
    assert _top(modules, GUI + DOCUMENTS) == set()
    storage = ("qcdesk.store", "qcdesk.backup", "qcdesk.csvio", "qcdesk.verify", "sqlite3")
    assert _top(modules, storage) == set()


def test_help_in_chinese_names_the_report_command_in_chinese(tmp_path: Path) -> None:
    done, modules = _run(tmp_path, "--lang", "zh", "--help")
    assert "可打印的 PDF：炉次检验单、质量日报、期间质量报告或全厂质量报告" in done.stdout
    assert "a printable PDF" not in done.stdout
    assert "信息和表格的语言" in done.stdout  # the core's own help, as before
    assert _top(modules, GUI + DOCUMENTS) == set()


@pytest.mark.parametrize("argv", [
    ("rates", "--from", "1959-02-14", "--to", "1959-02-14"),
    ("info",),
    ("check", "3-0425"),
    ("heats", "--from", "1959-02-14", "--to", "1959-02-14"),
    ("report", "--help"),
], ids=lambda argv: argv[0])
def test_a_plain_command_loads_neither_documents_nor_qt(tmp_path: Path, demo_copy: Path,
                                                        argv: tuple[str, ...]) -> None:
    done, modules = _run(tmp_path, "--db", str(demo_copy), *argv)
    assert done.stdout.strip()
    assert _top(modules, GUI + DOCUMENTS) == set(), argv


def test_a_report_still_loads_its_documents_when_made(tmp_path: Path, demo_copy: Path) -> None:
    target = tmp_path / "daily.pdf"
    _done, modules = _run(tmp_path, "--db", str(demo_copy), "report", "daily", "1959-02-14", "-o",
                          str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert "reportlab" in modules
    assert _top(modules, GUI) == set()


# What a command that only reads has no use for: the rules of signing, product analyses,
# announcements and plausibility, OpenSSL's hashes (the chain is only sealed by a write), the
# change feed's threads, the server's schema file, the Chinese messages of a run in English;
# nor for what argparse loads to lay out help it does not print (shutil, locale).
ONLY_SOME_METHODS = ("qcdesk.signoff", "qcdesk.product", "qcdesk.alerts", "qcdesk.plausibility", "hashlib",
                     "threading", "selectors", "importlib.resources", "tempfile", "qcdesk._zh", "reports._zh",
                     "shutil", "locale")


def test_rates_loads_only_what_reading_the_rates_needs(tmp_path: Path, demo_copy: Path) -> None:
    done, modules = _run(tmp_path, "--db", str(demo_copy), "rates", "--from", "1959-02-14", "--to",
                         "1959-02-14")
    assert "ingot rate" in done.stdout
    assert _top(modules, ONLY_SOME_METHODS) == set()


def test_what_rates_leaves_out_is_loaded_where_it_is_used(tmp_path: Path, demo_copy: Path) -> None:
    done, modules = _run(tmp_path, "--db", str(demo_copy), "--lang", "zh", "signoff", "1959-02-14")
    assert "qcdesk.signoff" in modules
    assert "qcdesk._zh" in modules
    assert "签" in done.stdout  # the day's sign-off, in Chinese
    _done, modules = _run(tmp_path, "--db", str(demo_copy), "verify")
    assert {"hashlib", "qcdesk.signoff"} <= modules  # the chain and the signatures are checked

WINDOW = ("import json, sys\n"
          "from PySide6.QtCore import QTimer\n"
          "from PySide6.QtWidgets import QApplication\n"
          "app = QApplication([])\n"
          "from ui.main_window import MainWindow\n"
          "from ui.session import Session\n"
          "session = Session(sys.argv[1], 'tester')\n"
          "window = MainWindow(session)\n"
          "window.show()\n"
          "def done():\n"
          "    if not session.idle():\n"
          "        QTimer.singleShot(20, done)\n"
          "        return\n"
          "    open(sys.argv[2], 'w').write(json.dumps(sorted(sys.modules)))\n"
          "    window.close()\n"
          "QTimer.singleShot(0, done)\n"
          "app.exec()\n"
          "session.close()\n")


def test_the_window_starts_without_documents_charts_or_the_pdf_viewer(tmp_path: Path,
                                                                       demo_copy: Path) -> None:
    loaded = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", WINDOW, str(demo_copy), str(loaded)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(loaded.read_text()))
    assert "ui.shift_view" in modules  # the tab in front
    assert _top(modules, (*DOCUMENTS, "PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets")) == set()


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_tabs_made_later_are_there_when_shown(qtbot: QtBot, demo_copy: Path) -> None:
    from windows import shown_window

    with shown_window(qtbot, demo_copy) as window:
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert titles == ["&Shift", "Hea&t", "Histor&y", "Set-&up", "Re&ports", "&Quality trends"]
        window.tabs.setCurrentIndex(2)  # as a click on the tab does
        assert window.tabs.currentWidget() is window.history_view
        qtbot.waitUntil(lambda: window.history_view.model.rowCount() > 0, timeout=10000)
        window.tabs.setCurrentIndex(4)
        assert window.tabs.currentWidget() is window.reports_view
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_the_start_makes_the_days_backup_whole(qtbot: QtBot, demo_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """As `qcdesk` starts the window: the day's backup, checked, with its journal, said in the
    status bar, and the database's check recorded."""
    from ui.app import run

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    said: list[str] = []
    deadline = time.monotonic() + 60  # then the window is closed anyway, and the test fails

    def hear(message: str) -> None:  # every message the status bar shows, however briefly
        if message.startswith("Backed up to "):
            said.append(message)

    def close_when_backed_up() -> None:
        window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
        if window is not None and not said and not window.property("heard"):
            window.statusBar().messageChanged.connect(hear)
            window.setProperty("heard", True)
            hear(window.statusBar().currentMessage())
        if window is None or (not said and time.monotonic() < deadline):
            QTimer.singleShot(50, close_when_backed_up)
            return
        window.close()

    QTimer.singleShot(0, close_when_backed_up)
    assert run(db=str(demo_copy), user="tester", lang="en") == 0
    made = sorted((demo_copy.parent / "backups").iterdir())
    assert [p.name for p in made] == [made[0].name, made[0].name + ".heads"]
    assert made[0].name.startswith("demo-auto-")
    assert made[0].suffix == ".sqlite"
    assert said == [f"Backed up to {made[0]}"]
    assert made[1].read_bytes() == journal_path(demo_copy).read_bytes()  # nothing written since
    check = health.last_check(demo_copy)
    assert check is not None
    assert check.ok
    assert check.by == "backup"
