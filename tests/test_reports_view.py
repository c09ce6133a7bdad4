"""The Reports view: the PDF made off the GUI thread, previewed, saved and printed."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from ui.i18n import install_language
from ui.reports_view import ReportsView
from ui.session import Session

DAY = date(1959, 2, 2)


def pdf_pages(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in done.stdout.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def view(qtbot: QtBot, demo_copy: Path) -> Iterator[ReportsView]:
    session = Session(demo_copy, "tester")
    widget = ReportsView(session)
    qtbot.addWidget(widget)
    qtbot.waitUntil(session.idle)
    yield widget
    qtbot.waitUntil(session.idle)
    session.close()


def test_daily_report_is_previewed_with_its_pages(qtbot: QtBot, view: ReportsView, tmp_path: Path) -> None:
    assert view.day_edit.date().toPython() == date(1959, 2, 28)  # the last day with heats
    with qtbot.waitSignal(view.loaded, timeout=20000) as blocker:
        view.show_day(DAY)
    assert view.document.status() == QPdfDocument.Status.Ready
    saved = tmp_path / "saved.pdf"
    assert view.save_to(saved)
    expected = pdf_pages(saved)
    assert blocker.args == [expected]
    assert view.document.pageCount() == expected == 3  # with its re-graded ingots listed (issue 16)
    assert view.print_button.isEnabled()


def test_printing_to_a_pdf_printer_writes_every_page(qtbot: QtBot, view: ReportsView, tmp_path: Path) -> None:
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.show_heat("3-0425")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert view.print_to(printer)
    assert out.stat().st_size > 1000
    assert pdf_pages(out) == view.document.pageCount() == 1


def test_unknown_heat_is_said_plainly(qtbot: QtBot, view: ReportsView) -> None:
    view.show_heat("no-such-heat")
    qtbot.waitUntil(lambda: "no heat" in view.status.text(), timeout=10000)
    assert not view.save_button.isEnabled()
    assert view.heat_button.isEnabled()


def test_the_report_follows_the_program_language(qtbot: QtBot, view: ReportsView, tmp_path: Path) -> None:
    try:
        install_language("zh")
        with qtbot.waitSignal(view.loaded, timeout=20000):
            view.show_heat("2-0410")
        out = tmp_path / "zh.pdf"
        assert view.save_to(out)
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "炉次检验单" in text
    finally:
        install_language("en")


def test_heat_numbers_are_completed(qtbot: QtBot, view: ReportsView) -> None:
    qtbot.keyClicks(view.heat_edit, "2-041")
    model = view.heat_edit.completer().model()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10000)
    numbers = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert "2-0410" in numbers
    assert all(n.startswith("2-041") for n in numbers)


def test_the_view_is_worked_from_the_keyboard(qtbot: QtBot, view: ReportsView) -> None:
    from PySide6.QtWidgets import QLabel

    buddies = {label.text(): label.buddy() for label in view.findChildren(QLabel) if label.buddy()}
    assert buddies == {"Production &date:": view.day_edit, "&Heat:": view.heat_edit}
    buttons = [view.day_button, view.heat_button, view.save_button, view.print_button]
    letters = [b.text()[b.text().index("&") + 1].lower() for b in buttons]
    assert len(set(letters)) == 4
    assert "d" not in letters  # Alt+D is the date's


def test_the_reports_menu_saves_and_prints_what_is_shown(qtbot: QtBot, view: ReportsView) -> None:
    from PySide6.QtGui import QKeySequence

    from ui.main_window import MainWindow

    window = MainWindow(view.session)
    qtbot.addWidget(window)
    keyed = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    actions = {a.shortcut().toString(): a for a in keyed}
    assert len(actions) == len(keyed)  # no shortcut twice
    save, print_ = actions["Ctrl+Shift+S"], actions["Ctrl+Alt+P"]
    assert (save.text(), print_.text()) == ("S&ave PDF…", "Pri&nt…")
    assert {"Ctrl+P", "Ctrl+Shift+P"} <= set(actions)
    save.trigger()  # nothing shown yet: said, no file dialog
    assert window.statusBar().currentMessage() == "Show a report first."
    assert QKeySequence("Ctrl+Alt+P") == print_.shortcut()
    qtbot.waitUntil(window.session.idle)
