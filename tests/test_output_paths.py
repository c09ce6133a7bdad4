"""Nothing the program writes can destroy the database: every writer refuses, with one plain
line and whatever --force says, the database under any name, SQLite's files beside it, the
journal of chain heads, the record of the integrity check, the backups qcdesk keeps, and a
folder; the database's bytes (and the protected file's) stay as they were."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from windows import shown_window

from qcdesk import backup, health, outputs
from qcdesk.cli import main
from qcdesk.errors import QcError
from qcdesk.journal import journal_path
from ui.launcher import EXTENSIONS
from ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

NOW = datetime(2026, 3, 4, 5, 6, 7)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def files_in(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if not p.is_dir()}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err, extensions=EXTENSIONS)  # the reports' commands too
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------- the protected paths of a database

def _made(path: Path, text: str = "kept\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def protected_paths(db: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Every kind of path a writer must refuse for the database `db` (made where they are files)."""
    folder = db.parent
    (folder / "sub").mkdir()
    (folder / "link.pdf").symlink_to(db)
    os.link(db, folder / "hard-link.pdf")
    made_auto = backup.automatic_backup(db, backup.default_backup_folder(db), NOW)
    assert made_auto is not None
    (folder / "usb").mkdir()
    into_folder = backup.backup(db, folder / "usb", now=NOW).path
    aside = backup.kept_aside_name(db, NOW)
    shutil.copyfile(db, aside)
    elsewhere = folder / "heads-kept-elsewhere"
    paths = {
        "the database": db,
        "the database through a folder and ..": folder / "sub" / ".." / db.name,
        "a symbolic link to the database": folder / "link.pdf",
        "a hard link to the database": folder / "hard-link.pdf",
        "its -journal": Path(f"{db}-journal"),
        "its -wal": Path(f"{db}-wal"),
        "its -shm": Path(f"{db}-shm"),
        "the journal of chain heads": _made(journal_path(db), "0" * 64 + "\n"),
        "the record of the integrity check": health.check_path(db),
        "an automatic backup": made_auto,
        "a backup made into a folder": into_folder,
        "the copy kept aside by a restore": aside,
        "a folder": folder / "sub",
    }
    monkeypatch.setenv("QCDESK_HEADS", str(elsewhere))
    paths["the journal of chain heads kept elsewhere (QCDESK_HEADS)"] = _made(journal_path(db), "1" * 64)
    assert paths["the record of the integrity check"].is_file()
    return paths


# ------------------------------------------------------------------ the command line

REPORTS = {
    "report heat": ("report", "heat", "3-0425", "-o"),
    "report daily": ("report", "daily", "1959-02-02", "-o"),
    "report period": ("report", "period", "--from", "1959-02-01", "--to", "1959-02-28", "-o"),
    "export heats": ("export", "heats"),
    "export ingots": ("export", "ingots"),
    "backup": ("backup",),
}


@pytest.mark.parametrize("writer", list(REPORTS))
def test_every_command_refuses_every_protected_path_even_with_force(
        writer: str, demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = protected_paths(demo_copy, monkeypatch)
    if writer == "backup":
        del paths["a folder"]  # a backup into a folder is a new file in it (tested in test_backup.py)
    database = digest(demo_copy)
    kept = {name: digest(path) for name, path in paths.items()}
    present = files_in(demo_copy.parent)
    for kind, target in paths.items():
        code, out, err = run("--db", str(demo_copy), *REPORTS[writer], str(target), "--force")
        assert (code, out) == (1, ""), kind
        assert err.startswith(f"qcdesk: {target} cannot be written: "), (kind, err)
        assert err.count("\n") == 1, (kind, err)
        assert digest(demo_copy) == database, kind
        assert digest(target) == kept[kind], kind
        assert files_in(demo_copy.parent) == present, kind  # no .part left, nothing new


def test_the_reasons_are_said_plainly(demo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = protected_paths(demo_copy, monkeypatch)
    said = {kind: run("--db", str(demo_copy), "export", "heats", str(target), "--force")[2]
            for kind, target in paths.items()}
    assert said["a hard link to the database"] == (
        f"qcdesk: {paths['a hard link to the database']} cannot be written: it is the open database or "
        "one of its journal files\n")
    assert said["the journal of chain heads kept elsewhere (QCDESK_HEADS)"].endswith(
        "cannot be written: it is the journal of the database's chain heads\n")
    assert said["the record of the integrity check"].endswith(
        "cannot be written: it is the record of the database's integrity check\n")
    assert said["the copy kept aside by a restore"].endswith(
        "cannot be written: it is a backup qcdesk keeps of the database (or is named as one)\n")
    assert said["a folder"].endswith("cannot be written: it is a folder; give a file name\n")


def test_a_document_never_replaces_a_qcdesk_database_but_a_backup_may_with_force(
        demo_copy: Path, tmp_path: Path) -> None:
    """A backup named by hand (any name) is a qcdesk database: a report or an export never
    replaces it; a newer backup does, with --force."""
    by_hand = backup.backup(demo_copy, tmp_path / "usb-2026-03-04.sqlite").path
    before = digest(by_hand)
    for writer in ("report daily", "export ingots"):
        code, _out, err = run("--db", str(demo_copy), *REPORTS[writer], str(by_hand), "--force")
        assert code == 1
        assert err.endswith("cannot be written: it is a qcdesk database (a copy or a backup of one)\n")
        assert digest(by_hand) == before
    assert run("--db", str(demo_copy), "backup", str(by_hand))[0] == 1  # without --force: exists
    assert run("--db", str(demo_copy), "backup", str(by_hand), "--force")[0] == 0


def test_a_new_file_with_a_backups_name_is_only_for_a_backup(demo_copy: Path) -> None:
    """A document named like today's automatic backup would be taken for it (and today's
    backup not made): refused even where no such file is."""
    name = demo_copy.parent / "backups" / backup.auto_backup_name(demo_copy, NOW.date())
    name.parent.mkdir()
    code, _out, err = run("--db", str(demo_copy), "export", "heats", str(name))
    assert code == 1
    assert "a backup qcdesk keeps" in err
    assert not name.exists()
    assert run("--db", str(demo_copy), "backup", str(name))[0] == 0


def test_the_names_backup_makes_are_the_names_outputs_protects(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    patterns = outputs.kept_backup_patterns(db)
    made = [backup.auto_backup_name(db, NOW.date()), backup.kept_aside_name(db, NOW).name,
            f"{db.stem}-{NOW.strftime('%Y%m%d-%H%M%S')}.sqlite"]  # backup() into a folder
    assert all(any(p.fullmatch(name) for p in patterns) for name in made)
    assert not any(p.fullmatch(name) for p in patterns
                   for name in ("shop-notes.sqlite", "other-auto-2026-03-04.sqlite", "shop.pdf"))


def test_the_temporary_file_beside_the_target_is_checked_too(tmp_path: Path) -> None:
    """A writer first writes TARGET.part, then renames it: with a database named report.pdf.part,
    report.pdf would remove it."""
    db = tmp_path / "report.pdf.part"
    db.write_bytes(b"")
    with pytest.raises(QcError, match=r"report\.pdf cannot be written: the temporary file beside it"):
        outputs.check_target(tmp_path / "report.pdf", db, force=True)
    with pytest.raises(QcError, match="the temporary file beside it"):
        backup.backup(db, tmp_path / "report.pdf")
    assert db.exists()


def test_an_ordinary_target_is_still_written(demo_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "daily.pdf"
    target.parent.mkdir()
    assert run("--db", str(demo_copy), "report", "daily", "1959-02-02", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"%PDF")
    code, _out, err = run("--db", str(demo_copy), "report", "daily", "1959-02-02", "-o", str(target))
    assert code == 1
    assert "exists; use --force" in err
    missing = tmp_path / "nowhere" / "daily.pdf"
    code, _out, err = run("--db", str(demo_copy), "report", "daily", "1959-02-02", "-o", str(missing))
    assert (code, err) == (1, f"qcdesk: {missing} cannot be written: the folder {missing.parent} does "
                              "not exist\n")


# ------------------------------------------------------------------ the desktop

@pytest.fixture
def window(qtbot: QtBot, demo_copy: Path) -> Iterator[MainWindow]:
    with shown_window(qtbot, demo_copy, trends=True) as w:
        with qtbot.waitSignal(w.reports_view.loaded, timeout=20000):
            w.reports_view.show_day(datetime(1959, 2, 2).date())
        qtbot.waitUntil(w.session.idle)
        yield w


def test_every_desktop_writer_refuses_every_protected_path(qtbot: QtBot, window: MainWindow,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = window.session.path
    warned: list[str] = []
    for module in ("ui.reports_view", "ui.trends_charts"):
        monkeypatch.setattr(f"{module}.warn", lambda _parent, _title, text: warned.append(text))
    paths = protected_paths(db, monkeypatch)
    database = digest(db)
    kept = {name: digest(path) for name, path in paths.items()}
    present = files_in(db.parent)
    reports, trends = window.reports_view, window.trends_view
    chart = trends.rate_page.rate_view
    table_title, table = trends.rate_page.tables()[0]

    def printed(target: Path) -> bool:
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return reports.print_to(printer)

    def table_saved(target: Path) -> bool:
        monkeypatch.setattr("ui.trends_view.QFileDialog.getSaveFileName",
                            lambda *_args, **_kw: (str(target), ""))
        trends._save_table_as(table, table_title)
        return not trends.error.text()

    def period_report(target: Path) -> bool:
        trends.make_period_report(target)
        qtbot.waitUntil(window.session.idle)
        return not trends.error.text()

    writers: dict[str, Callable[[Path], bool]] = {
        "Reports ▸ Save…": reports.save_to, "Reports ▸ Print… to a file": printed,
        "chart as PNG": chart.save_png, "chart data as CSV": chart.save_csv,
        "Export ▸ data as CSV": table_saved, "Export ▸ period report": period_report,
    }
    for writer, write in writers.items():
        for kind, target in paths.items():
            warned.clear()
            trends.error.clear()
            assert not write(target), (writer, kind)
            said = warned or [trends.error.text()]
            assert len(said) == 1, (writer, kind)
            assert said[0].startswith(f"{target} cannot be written: "), (writer, kind, said)
            assert "\n" not in said[0]
            assert digest(db) == database, (writer, kind)
            assert digest(target) == kept[kind], (writer, kind)
            assert files_in(db.parent) == present, (writer, kind)
    # and an ordinary file is written by each
    for writer, write in writers.items():
        target = db.parent / f"ordinary-{len(writer)}-{writer[:3]}.out"
        trends.error.clear()
        assert write(target), writer
        qtbot.waitUntil(target.exists, timeout=20000)
