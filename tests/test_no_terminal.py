"""Plain words where there is no terminal: a command that needs a PIN and cannot ask for one
says so in one line, naming the variable; and a database file deleted or replaced under a
running program is said as such, and an import into it does not report success."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from signed_shop import PINS, make_shop

from qcdesk import csvio
from qcdesk.cli import main
from qcdesk.errors import QcError
from qcdesk.store import Store
from ui.session import Session

ROOT = Path(__file__).resolve().parent.parent
QCDESK = [sys.executable, "-m", "qcdesk"]
NO_TERMINAL = ("a PIN is needed and there is no terminal to type it in: set {} (for scripts); nothing was "
               "changed")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCDESK_")}
    return env | {"QCDESK_LANG": "en"} | extra


@pytest.fixture
def shop(db_path: Path) -> Path:
    make_shop(db_path)
    return db_path


# ------------------------------------------------------------------ no terminal

@pytest.mark.parametrize(("command", "variable"), [
    (["--user", "wang", "void", "heat", "D1", "--reason", "typo"], "QCDESK_PIN"),
    (["--user", "hu", "plan", "set", "2025-03", "--output", "900"], "QCDESK_PIN"),
    (["--user", "ada", "user", "list"], "QCDESK_PIN"),
    (["--user", "wang", "sign", "shift", "2025-03-10", "day"], "QCDESK_PIN"),
])
def test_a_command_run_without_a_terminal_names_the_variable(shop: Path, command: list[str],
                                                             variable: str) -> None:
    """As cron or a pipe runs it: stdin not a terminal, no controlling terminal either."""
    before = digest(shop)
    done = subprocess.run([*QCDESK, "--db", str(shop), *command], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=environment(), cwd=ROOT,
                          start_new_session=True, check=False, timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "qcdesk: " + NO_TERMINAL.format(variable) + "\n"
    assert digest(shop) == before


@pytest.mark.parametrize("command", [["user", "add", "zhao", "--role", "inspector"], ["user", "pin", "li"]])
def test_a_new_pin_without_a_terminal_names_qcdesk_new_pin(shop: Path, command: list[str]) -> None:
    before = digest(shop)
    done = subprocess.run([*QCDESK, "--db", str(shop), "--user", "ada", *command],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=environment(QCDESK_PIN=PINS["ada"]), cwd=ROOT, start_new_session=True,
                          check=False, timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "qcdesk: " + NO_TERMINAL.format("QCDESK_NEW_PIN") + "\n"
    assert digest(shop) == before


def test_the_first_administrator_without_a_terminal_names_qcdesk_new_pin(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_shop(db_path, people=False)
    before = digest(db_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run("--db", str(db_path), "user", "add", "ada", "--role", "admin")
    assert (code, out, err) == (1, "", "qcdesk: " + NO_TERMINAL.format("QCDESK_NEW_PIN") + "\n")
    assert digest(db_path) == before


def test_a_pin_given_in_the_environment_needs_no_terminal(shop: Path) -> None:
    done = subprocess.run([*QCDESK, "--db", str(shop), "--user", "wang", "void", "heat", "D1",
                           "--reason", "typo"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          env=environment(QCDESK_PIN=PINS["wang"]), cwd=ROOT, start_new_session=True,
                          check=False, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "heat D1 voided.\n", "")


# ------------------------------------------------- the database file gone under a running program

def deleted_message(path: Path) -> str:
    return (f"the database file {path} was deleted while qcdesk had it open: nothing was saved. "
            "Close qcdesk, then restore a backup (qcdesk restore) or open the right file.")


def replaced_message(path: Path) -> str:
    return (f"the database file {path} was replaced by another file while qcdesk had it open: nothing "
            "was saved. Close qcdesk and open it again.")


def heats_file(path: Path, n: int) -> Path:
    start = datetime(2024, 1, 1)
    rows = [f"B{i:06d},{1 + i % 3},{start + timedelta(minutes=20 * i):%Y-%m-%d %H:%M},Q235B,30,1600,wang"
            for i in range(n)]
    path.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def heat_count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM heat").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_an_import_whose_database_file_went_away_does_not_report_success(db_path: Path, tmp_path: Path,
                                                                         how: str) -> None:
    """A long import in another process; the database file is deleted (or replaced) once the
    import is writing (its rollback journal exists). Another name for the same file (a hard
    link) shows what the import left in it: nothing."""
    make_shop(db_path, people=False)
    kept = tmp_path / "kept-link.sqlite"
    os.link(db_path, kept)
    before = heat_count(kept)
    other = tmp_path / "other.sqlite"
    shutil.copyfile(db_path, other)
    journal = Path(f"{db_path}-journal")
    importing = subprocess.Popen([*QCDESK, "--db", str(db_path), "import", "heats",
                                  str(heats_file(tmp_path / "big.csv", 30000))],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=environment(), cwd=ROOT)
    while not journal.exists() and importing.poll() is None:
        time.sleep(0.001)
    if how == "deleted":
        db_path.unlink()
    else:
        other.replace(db_path)
    out, err = importing.communicate(timeout=120)
    assert importing.returncode == 1, (out, err)
    assert out == ""
    expected = deleted_message(db_path) if how == "deleted" else replaced_message(db_path)
    assert err == f"qcdesk: {expected}\n"
    assert heat_count(kept) == before  # rolled back: the file it had open holds nothing new
    if how == "replaced":
        assert heat_count(db_path) == before  # and the file put in its place was not written either


def test_an_import_in_process_whose_file_is_deleted_midway_is_refused(db_path: Path, tmp_path: Path) -> None:
    make_shop(db_path, people=False)
    kept = tmp_path / "kept-link.sqlite"
    os.link(db_path, kept)
    before = heat_count(kept)
    source = heats_file(tmp_path / "heats.csv", 500)

    def delete_once(done: int, _total: int) -> None:
        if done and db_path.exists():
            db_path.unlink()

    with Store.open(db_path, "tester") as store:
        with pytest.raises(QcError) as refused:
            csvio.import_heats(store, source, progress=delete_once)
        assert str(refused.value) == deleted_message(db_path)
    assert heat_count(kept) == before


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_save_after_the_file_went_away_says_so_not_read_only(db_path: Path, tmp_path: Path,
                                                               how: str) -> None:
    make_shop(db_path, people=False)
    other = tmp_path / "other.sqlite"
    shutil.copyfile(db_path, other)
    before = digest(other)
    with Store.open(db_path, "tester") as store:
        if how == "deleted":
            db_path.unlink()
        else:
            other.replace(db_path)
        with pytest.raises(QcError) as refused:
            store.set_workshop("Shop 2")
        assert "read-only" not in str(refused.value)
        assert str(refused.value) == (deleted_message(db_path) if how == "deleted"
                                      else replaced_message(db_path))
    if how == "replaced":
        assert digest(db_path) == before


def test_the_desktop_says_the_file_was_deleted(qtbot: QtBot, db_path: Path) -> None:
    make_shop(db_path, people=False)
    session = Session(db_path, "tester")
    try:
        heats: list[object] = []
        session.submit(lambda store: store.heats(datetime(2025, 3, 10).date(), datetime(2025, 3, 10).date()),
                       done=heats.append)  # the worker's connection is open
        qtbot.waitUntil(lambda: bool(heats), timeout=10000)
        db_path.unlink()
        failures: list[str] = []
        session.submit(lambda store: store.set_workshop("Shop 2"), failed=failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=10000)
        assert failures == [deleted_message(db_path)]
    finally:
        session.close()
