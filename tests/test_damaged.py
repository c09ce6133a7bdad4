"""A damaged database is said, loudly, before more is written to it: the daily check finds it,
records it beside the database (a damaged file is not written), and from then on every write
is refused with a plain message until the file is restored or passes a check again."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from signed_shop import PINS, make_shop
from windows import shown_window

from qcdesk import backup, csvio, health
from qcdesk.cli import main
from qcdesk.errors import QcError
from qcdesk.store import Store
from ui.main_window import MainWindow
from ui.records import SignInDialog
from ui.session import Session

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

NOW = datetime(2026, 3, 4, 5, 6, 7)
GATE = "the database failed its integrity check on 2026-03-04 05:06 ("


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def damage(path: Path) -> None:
    """What a failing disk or a stray `dd` does: three pages in the middle of the file
    overwritten (the schema on page 1 is left, so the file still opens)."""
    pages = path.stat().st_size // 4096
    with path.open("r+b") as f:
        f.seek(pages // 2 * 4096)
        f.write(b"\xa5" * 3 * 4096)


def integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:  # too damaged for the check to go through
        return [str(exc)]
    finally:
        conn.close()


@pytest.fixture
def good(demo_copy: Path, tmp_path: Path) -> Path:
    """A sound backup of the demo month, taken before the damage."""
    return backup.backup(demo_copy, tmp_path / "good-backup.sqlite").path


@pytest.fixture
def damaged(demo_copy: Path, good: Path) -> Path:
    """The demo month damaged on disk, as found by the daily check."""
    damage(demo_copy)
    assert integrity(demo_copy) != ["ok"]
    with pytest.raises(health.Damaged) as found:
        backup.automatic_backup(demo_copy, demo_copy.parent / "backups", NOW)
    assert str(found.value).startswith(f"{demo_copy} failed its integrity check (")
    assert "no backup was written" in str(found.value)
    return demo_copy


def test_the_daily_check_records_what_it_found_beside_the_database(damaged: Path) -> None:
    assert not list((damaged.parent / "backups").glob("*.sqlite"))  # no damaged copy kept as a backup
    record = json.loads(health.check_path(damaged).read_text(encoding="utf-8"))
    st = damaged.stat()
    assert record["ok"] is False
    assert record["found"] not in ("", "ok")
    assert record["at"].startswith("2026-03-04T05:06:07")
    assert (record["size"], record["mtime_ns"], record["inode"]) == (st.st_size, st.st_mtime_ns, st.st_ino)
    out = run("--db", str(damaged), "info")[1]
    line = next(x for x in out.splitlines() if x.startswith("last integrity check"))
    assert line.startswith("last integrity check: 2026-03-04 05:06 (by the backup): FAILED (")
    assert line.endswith("writes are refused until the file is restored or passes a check")


def test_every_write_is_refused_and_changes_nothing(damaged: Path, tmp_path: Path) -> None:
    before = digest(damaged)
    csv = tmp_path / "late.csv"
    csv.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
                   "L1,1,1959-02-03 09:00,Q235B,30,,wang\n", encoding="utf-8")
    db = ["--db", str(damaged)]
    for command in (["void", "heat", "3-0425", "--reason", "typo"],
                    ["plan", "set", "1959-03", "--output", "5000"],
                    ["workshop", "set", "Shop 2"],
                    ["import", "heats", str(csv)],
                    ["user", "add", "ada", "--role", "admin"]):
        code, out, err = run(*db, *command)
        assert (code, out) == (1, ""), command
        assert err.startswith("qcdesk: " + GATE), (command, err)
        assert err.count("\n") == 1
    with Store.open(damaged, "tester") as store:
        for write in (lambda: store.set_workshop("Shop 2"),
                      lambda: store.void_heat("3-0425", "typo"),
                      lambda: csvio.import_heats(store, csv)):
            with pytest.raises(QcError, match=GATE.replace("(", r"\(")):
                write()
        assert store.standards("Q235B")  # reading goes on
    assert digest(damaged) == before


def test_a_restore_lifts_the_refusal(damaged: Path, good: Path) -> None:
    code, _out, err = run("--db", str(damaged), "restore", "--yes", str(good))
    assert (code, err) == (0, "")
    assert integrity(damaged) == ["ok"]
    assert health.damaged(damaged) is None
    line = next(x for x in run("--db", str(damaged), "info")[1].splitlines() if "integrity" in x)
    assert line.endswith("(by the restore): ok")
    assert run("--db", str(damaged), "workshop", "set", "Shop 2") == (0, "The workshop is named Shop 2.\n",
                                                                      "")


def test_a_check_that_passes_again_lifts_the_refusal(damaged: Path, good: Path) -> None:
    """The file repaired in place (the same file, copied over by hand): verify passing says so."""
    with damaged.open("r+b") as f:
        f.truncate(0)
        f.write(good.read_bytes())
    assert run("--db", str(damaged), "workshop", "set", "Shop 2")[2].startswith("qcdesk: " + GATE)
    code, out, _err = run("--db", str(damaged), "verify")
    assert (code, out.startswith("verify ok")) == (0, True)
    assert run("--db", str(damaged), "workshop", "set", "Shop 2")[0] == 0


def test_another_file_put_in_its_place_is_not_held_to_the_old_check(damaged: Path, good: Path) -> None:
    replacement = damaged.with_name("replacement.sqlite")
    shutil.copyfile(good, replacement)
    replacement.replace(damaged)  # a new file (another inode) at the path
    assert health.damaged(damaged) is None
    assert "the file has been replaced since" in run("--db", str(damaged), "info")[1]
    assert run("--db", str(damaged), "workshop", "set", "Shop 2")[0] == 0


def test_a_damaged_database_with_people_is_restored_without_a_pin(db_path: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody can sign in to a database whose check failed (who is in it, and is it true?):
    the restore goes on as for a file too damaged to open."""
    make_shop(db_path)
    good = backup.backup(db_path, tmp_path / "good.sqlite").path
    health.record(db_path, False, "*** in database main *** Page 9: btreeInitPage() returns error code 11",
                  "backup", NOW)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal, no QCDESK_PIN
    code, _out, err = run("--db", str(db_path), "--user", "ada", "void", "heat", "D1", "--reason", "x")
    assert (code, err.startswith("qcdesk: " + GATE)) == (1, True)  # said before any PIN is asked
    assert run("--db", str(db_path), "restore", "--yes", str(good))[0] == 0
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    assert run("--db", str(db_path), "--user", "ada", "void", "heat", "D1", "--reason", "x")[0] == 0


# ------------------------------------------------------------------ the desktop

@pytest.fixture
def window(qtbot: QtBot, damaged: Path) -> Iterator[MainWindow]:
    with shown_window(qtbot, damaged) as w:
        yield w


def test_the_window_shows_a_red_banner_and_the_daily_check_a_message(qtbot: QtBot, window: MainWindow,
                                                                    tmp_path: Path) -> None:
    assert window.damage_banner.isVisible()  # known from the record, at once
    assert window.damage_banner.text().startswith(
        f"The database {window.session.path} failed its integrity check on 2026-03-04 05:06 (")
    assert window.damage_box is None
    window.start_backup(tmp_path / "backups")  # the start's daily check finds it again
    qtbot.waitUntil(lambda: window.damage_box is not None, timeout=20000)
    assert window.damage_box is not None
    assert window.damage_box.isVisible()
    assert window.damage_box.windowTitle() == "The database is damaged"
    assert "restore a backup (qcdesk restore)" in window.damage_box.text()
    assert window.statusBar().currentMessage().startswith("The automatic backup failed: ")
    before = digest(window.session.path)
    failures: list[str] = []
    window.session.submit(lambda store: store.set_workshop("Shop 2"), failed=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    assert failures[0].startswith("the database failed its integrity check on ")
    assert digest(window.session.path) == before


def test_signing_in_to_a_damaged_database_says_why_not(qtbot: QtBot, db_path: Path) -> None:
    make_shop(db_path)
    health.record(db_path, False, "database disk image is malformed", "backup", NOW)
    session = Session(db_path, "tester")
    try:
        dialog = SignInDialog(session)
        qtbot.addWidget(dialog)
        dialog.name.setText("wang")
        dialog.pin.setText(PINS["wang"])
        dialog.ok.click()
        qtbot.waitUntil(dialog.ok.isEnabled, timeout=10000)
        assert dialog.message.text().startswith("Not signed in: " + GATE)
        assert session.person is None
    finally:
        session.close()
