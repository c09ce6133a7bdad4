"""Backups, the automatic backup's retention rule, restores and the restore drill (issue 6)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from test_crash import finish, start_writer, wait_ready

from qcdesk import backup
from qcdesk.cli import main
from qcdesk.errors import DatabaseError, QcError
from qcdesk.migrations import LATEST
from qcdesk.store import Store
from qcdesk.verify import verify


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        # table names from the schema itself (quoted), not from input: they cannot be bound
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def chain_head(path: Path) -> tuple[object, ...]:
    """The last write of the audit chain: its last entry, every column of it, and the
    write's head (hex) last."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        last_id, digest = conn.execute("SELECT last_id, hash FROM audit_block ORDER BY last_id DESC "
                                       "LIMIT 1").fetchone()
        entry = conn.execute("SELECT * FROM audit WHERE id = ?", (last_id,)).fetchone()
        return (*entry, bytes(digest).hex())
    finally:
        conn.close()


def as_backed_up(path: Path) -> dict[str, int]:
    """The table counts of a restored database without the audit entry of its restore."""
    counts = table_counts(path)
    counts["audit"] -= 1
    counts["audit_block"] -= 1
    return counts


def restored_from(path: Path) -> object:
    """The chain head a restored database was restored from: what its last entry (the
    restore's) records, and the head its write went on from."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        (action, entity, new_value), = conn.execute(
            "SELECT action, entity, new_value FROM audit ORDER BY id DESC LIMIT 1").fetchall()
        before = conn.execute("SELECT hash FROM audit_block ORDER BY last_id DESC LIMIT 1 OFFSET 1"
                              ).fetchone()
    finally:
        conn.close()
    assert (action, entity) == ("insert", "restore")
    assert json.loads(str(new_value))["backup_chain_head"] == bytes(before[0]).hex()
    return bytes(before[0]).hex()


def integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


@pytest.fixture
def demo_db(tmp_path: Path, demo_file: Path) -> Path:
    """The demo workshop's database: a copy of the session's demo, alone in a folder of its own
    (backups and restores put files beside it)."""
    path = tmp_path / "live" / "workshop.sqlite"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    return path


# ------------------------------------------------------------------ backup

def test_a_backup_is_a_whole_checked_copy(demo_db: Path, tmp_path: Path) -> None:
    facts = backup.backup(demo_db, tmp_path / "copy.sqlite")
    assert facts.path == tmp_path / "copy.sqlite"
    assert facts.schema_version == LATEST
    assert facts.counts == table_counts(demo_db)
    assert facts.counts["heat"] == 936  # the demo's February
    assert integrity(tmp_path / "copy.sqlite") == [("ok",)]
    assert chain_head(tmp_path / "copy.sqlite") == chain_head(demo_db)
    assert not list(tmp_path.glob("*.part*"))  # no temporary file left


def test_a_folder_as_target_gets_a_named_file(demo_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    facts = backup.backup(demo_db, folder, now=datetime(2026, 3, 4, 5, 6, 7))
    assert facts.path == folder / "workshop-20260304-050607.sqlite"
    assert facts.path.is_file()


def test_a_backup_never_overwrites_the_database_or_an_existing_file(demo_db: Path,
                                                                     tmp_path: Path) -> None:
    before = demo_db.read_bytes()
    link = tmp_path / "hard-link.sqlite"
    os.link(demo_db, link)
    for target in (demo_db, Path(f"{demo_db}-journal"), link,
                   demo_db.parent / ".." / "live" / demo_db.name):
        with pytest.raises(QcError, match="database"):
            backup.backup(demo_db, target, force=True)
    assert demo_db.read_bytes() == before
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"keep me")
    with pytest.raises(QcError, match="--force"):
        backup.backup(demo_db, existing)
    assert existing.read_bytes() == b"keep me"
    backup.backup(demo_db, existing, force=True)
    assert table_counts(existing) == table_counts(demo_db)


def test_a_newer_programs_database_is_backed_up_but_not_restored(demo_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(demo_db) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")  # an int; a PRAGMA takes no parameter
    conn.close()
    facts = backup.backup(demo_db, tmp_path / "newer.sqlite")
    assert facts.schema_version == LATEST + 1
    with pytest.raises(DatabaseError, match="newer qcdesk"):
        backup.restore(facts.path, tmp_path / "elsewhere.sqlite")
    assert not (tmp_path / "elsewhere.sqlite").exists()


def test_no_backup_of_a_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        backup.backup(tmp_path / "none.sqlite", tmp_path / "b.sqlite")
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    with pytest.raises(DatabaseError, match="not a qcdesk database"):
        backup.backup(text, tmp_path / "b.sqlite")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a qcdesk database"):
        backup.backup(other, tmp_path / "b.sqlite")
    assert not (tmp_path / "b.sqlite").exists()
    assert not list(tmp_path.glob("*.part*"))


# ------------------------------------------------------- automatic backups

def test_retention_rule_by_hand() -> None:
    # 2026-03-01 is a Sunday (ISO week 9); 2026-02-23 is Monday of week 9.
    days = [date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 1), date(2026, 2, 27),
            date(2026, 2, 20), date(2026, 1, 31), date(2026, 1, 5), date(2025, 12, 31)]
    # 2 daily: 03-03, 03-02; 2 weekly: week 10 → 03-03, week 9 → 03-01;
    # 2 monthly: March → 03-03, February → 02-27
    assert backup.to_keep(days, daily=2, weekly=2, monthly=2) == {
        date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 1), date(2026, 2, 27)}
    # 3 monthly adds January's newest, 01-31
    assert date(2026, 1, 31) in backup.to_keep(days, daily=2, weekly=2, monthly=3)


@pytest.mark.sqlite_only  # copies of the SQLite file; a server database's backups are pg_dump's
def test_automatic_backup_once_a_day_kept_by_the_rule(store: Store, db_path: Path,
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    strangers = [folder / "notes.txt", folder / "qcdesk-auto-2020-01-01.sqlite.bak",
                 folder / "other-auto-2020-01-01.sqlite", folder / "qcdesk-2020-01-01.sqlite"]
    for path in strangers:
        path.write_text("not ours")
    start = datetime(2026, 1, 1, 7, 30)
    for day in range(400):
        now = start + timedelta(days=day)
        made = backup.automatic_backup(db_path, folder, now)
        assert made == folder / f"qcdesk-auto-{now.date().isoformat()}.sqlite"
        assert backup.automatic_backup(db_path, folder, now + timedelta(hours=3)) is None  # once a day
    kept = sorted(backup.auto_backups(db_path, folder))
    last = (start + timedelta(days=399)).date()
    # 14 daily + the Sundays of the 8 newest ISO weeks + month ends of the 12 newest months,
    # counted by hand from the calendar of 2026-01-01 … 2027-02-04
    daily = {last - timedelta(days=d) for d in range(14)}
    sundays = {d for d in (last - timedelta(days=n) for n in range(70)) if d.isoweekday() == 7}
    weekly = set(sorted(sundays)[-7:]) | {last}  # the newest week is not over: its newest day
    monthly = {date(2027, 2, 4), date(2027, 1, 31), date(2026, 12, 31), *(  # and March … November
        date(2026, m + 1, 1) - timedelta(days=1) for m in range(3, 12))}
    assert len(monthly) == 12
    assert set(kept) == daily | weekly | monthly
    assert len(kept) == len(daily | weekly | monthly)
    for path in strangers:
        assert path.read_text() == "not ours"  # never touched


def test_automatic_backup_without_a_database_does_nothing(tmp_path: Path) -> None:
    assert backup.automatic_backup(tmp_path / "none.sqlite", tmp_path / "b", datetime.now()) is None
    assert not (tmp_path / "b").exists()


# ----------------------------------------------------------------- restore

def damaged_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    page = 4096
    for offset in range(page * 5, min(len(data), page * 12), 97):  # scribble over b-tree pages
        data[offset] ^= 0x5A
    target.write_bytes(bytes(data))
    return target


def test_restore_refuses_damaged_foreign_and_newer_files(demo_db: Path, tmp_path: Path) -> None:
    good = backup.backup(demo_db, tmp_path / "good.sqlite").path
    live_before = demo_db.read_bytes()
    damaged = damaged_copy(good, tmp_path / "damaged.sqlite")
    with pytest.raises(DatabaseError, match="damaged"):
        backup.restore(damaged, demo_db)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE heat (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a qcdesk database"):
        backup.restore(other, demo_db)
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(good, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")  # an int; a PRAGMA takes no parameter
    conn.close()
    with pytest.raises(DatabaseError, match="newer qcdesk"):
        backup.restore(newer, demo_db)
    with pytest.raises(QcError, match="no backup file"):
        backup.restore(tmp_path / "missing.sqlite", demo_db)
    with pytest.raises(QcError, match="the database itself"):
        backup.restore(demo_db, demo_db)
    assert demo_db.read_bytes() == live_before
    assert not list(demo_db.parent.glob("*before-restore*"))


def test_restore_keeps_the_replaced_database_aside(demo_db: Path, tmp_path: Path) -> None:
    good = backup.backup(demo_db, tmp_path / "good.sqlite")
    with Store.open(demo_db, "tester") as store:  # work after the backup, to be undone
        store.add_converter("9", "added after the backup")
    after = table_counts(demo_db)
    done = backup.restore(good.path, demo_db, now=datetime(2026, 5, 6, 7, 8, 9))
    assert done.kept_aside == demo_db.with_name("workshop.before-restore-20260506-070809.sqlite")
    assert table_counts(done.kept_aside) == after
    assert as_backed_up(demo_db) == good.counts
    assert restored_from(demo_db) == chain_head(good.path)[-1]
    assert integrity(demo_db) == [("ok",)]


def test_restore_while_another_connection_writes_is_refused(demo_db: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "BUSY_TIMEOUT_S", 0.2)
    good = backup.backup(demo_db, tmp_path / "good.sqlite")
    writer = sqlite3.connect(demo_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE converter SET name = 'being changed' WHERE code = '1'")
    try:
        with pytest.raises(DatabaseError, match="in use by another qcdesk"):
            backup.restore(good.path, demo_db)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert table_counts(demo_db) == good.counts
    assert not list(demo_db.parent.glob("*.part*"))
    assert not list(demo_db.parent.glob("*before-restore*"))  # nothing replaced, nothing kept aside


def test_a_qcdesk_left_open_sees_the_restored_database(demo_db: Path, tmp_path: Path) -> None:
    """The restore writes into the shared file: a connection open elsewhere reads the new
    data (a rename would have left it writing into the old, unlinked file)."""
    with Store.open(demo_db, "tester") as open_elsewhere:
        good = backup.backup(demo_db, tmp_path / "good.sqlite")
        open_elsewhere.add_converter("9", "added after the backup")
        backup.restore(good.path, demo_db)
        assert open_elsewhere.counts()["converter"] == good.counts["converter"]


def test_restore_into_a_new_place(demo_db: Path, tmp_path: Path) -> None:
    good = backup.backup(demo_db, tmp_path / "good.sqlite")
    done = backup.restore(good.path, tmp_path / "new" / "restored.sqlite")
    assert done.kept_aside is None
    assert as_backed_up(tmp_path / "new" / "restored.sqlite") == good.counts


# ------------------------------------------------------------- the drill

def test_restore_drill_backup_while_another_process_writes(demo_db: Path, tmp_path: Path) -> None:
    """README "Backups and the restore drill": back up while another process writes,
    restore into a new place, prove it whole."""
    writer = start_writer(demo_db, "drill", seed=7, operations=120)
    wait_ready(writer)
    assert writer.stdout is not None
    assert writer.stdout.readline().split()[0] in ("heat", "ingots", "import-heats", "import-ingots")
    facts = backup.backup(demo_db, tmp_path / "drill.sqlite", pages=8, pause=0.001)
    _out, err = finish(writer)
    assert writer.returncode == 0, err
    # the backup is one state the database went through: every audit entry it holds is the
    # live database's entry of that number, and every heat it holds is in the live database
    live = sqlite3.connect(demo_db)
    copy = sqlite3.connect(facts.path)
    try:
        copied = copy.execute("SELECT * FROM audit ORDER BY id").fetchall()
        assert copied
        assert copied == live.execute("SELECT * FROM audit WHERE id <= ? ORDER BY id",
                                      (copied[-1][0],)).fetchall()
        heats = {r[0] for r in copy.execute("SELECT heat_no FROM heat")}
        assert heats <= {r[0] for r in live.execute("SELECT heat_no FROM heat")}
    finally:
        live.close()
        copy.close()
    assert facts.counts["heat"] >= 936
    # restore into a new place, and prove it whole
    restored = tmp_path / "restored" / "workshop.sqlite"
    assert main(["--db", str(restored), "restore", "--yes", str(facts.path)]) == 0
    assert integrity(restored) == [("ok",)]
    assert as_backed_up(restored) == facts.counts
    assert restored_from(restored) == chain_head(facts.path)[-1]
    with Store.open(restored, "tester", create=False) as store:
        assert store.counts()["heat"] == facts.counts["heat"]
    assert main(["--db", str(restored), "verify"]) == 0  # the chain walked, signatures re-hashed


# --------------------------------------------------------------- commands

def test_backup_and_restore_commands(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cmd.sqlite"
    assert main(["--db", str(demo_db), "backup", str(target)]) == 0
    assert "936 heats" in capsys.readouterr().out
    assert main(["--db", str(demo_db), "backup", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--db", str(demo_db), "backup"]) == 1
    assert "--auto" in capsys.readouterr().err
    assert main(["--db", str(demo_db), "backup", "--auto"]) == 0
    assert "automatic backup written" in capsys.readouterr().out
    assert len(list((demo_db.parent / "backups").glob("workshop-auto-*.sqlite"))) == 1
    before = demo_db.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO("no\n"))
    assert main(["--db", str(demo_db), "restore", str(target)]) == 1
    shown = capsys.readouterr().out
    assert shown.index("verify ok") < shown.index("Type yes") < shown.index("nothing restored")
    assert demo_db.read_bytes() == before
    monkeypatch.setattr(sys, "stdin", io.StringIO("是\n"))
    assert main(["--db", str(demo_db), "--lang", "zh", "restore", str(target)]) == 0
    shown = capsys.readouterr().out
    assert "已从" in shown
    assert "before-restore" in shown
    damaged = damaged_copy(target, tmp_path / "damaged.sqlite")
    assert main(["--db", str(demo_db), "restore", "--yes", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert "damaged" in err
    assert "Traceback" not in err


def test_a_database_with_people_is_restored_only_by_an_administrator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from signed_shop import PINS, make_shop

    db = tmp_path / "shop.sqlite"
    make_shop(db)
    good = backup.backup(db, tmp_path / "shop-backup.sqlite")
    monkeypatch.setenv("QCDESK_PIN", PINS["wang"])
    assert main(["--db", str(db), "--user", "wang", "restore", "--yes", str(good.path)]) == 1
    assert "only an administrator" in capsys.readouterr().err
    assert not list(tmp_path.glob("*before-restore*"))
    monkeypatch.setenv("QCDESK_PIN", "wrong-pin")
    assert main(["--db", str(db), "--user", "ada", "restore", "--yes", str(good.path)]) == 1
    assert "wrong" in capsys.readouterr().err
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    assert main(["--db", str(db), "--user", "ada", "restore", "--yes", str(good.path)]) == 0
    assert as_backed_up(db) == good.counts
    assert len(list(tmp_path.glob("shop.before-restore-*.sqlite"))) == 1


@pytest.mark.parametrize("where", [range(4096 * 5, 4096 * 12, 97), range(100, 4096, 37)],
                         ids=["b-tree pages", "first page"])
def test_a_damaged_database_is_restored_and_kept_aside(demo_db: Path, tmp_path: Path,
                                                       where: range) -> None:
    good = backup.backup(demo_db, tmp_path / "good.sqlite")
    data = bytearray(demo_db.read_bytes())
    for offset in where:
        data[offset] ^= 0x5A
    demo_db.write_bytes(bytes(data))
    with pytest.raises(sqlite3.DatabaseError):
        assert integrity(demo_db) == [("ok",)]
    done = backup.restore(good.path, demo_db)
    assert integrity(demo_db) == [("ok",)]
    assert as_backed_up(demo_db) == good.counts
    assert done.kept_aside is not None
    kept = done.kept_aside.read_bytes()  # as it was (page 1's change counter aside)
    assert len(kept) == len(data)
    assert kept[100:4096 * 13] == bytes(data)[100:4096 * 13]


def test_a_tampered_backup_is_refused_unless_forced(demo_db: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    good = backup.backup(demo_db, tmp_path / "good.sqlite")
    with sqlite3.connect(good.path) as raw:  # a plain client edits the backup
        raw.execute("DROP TRIGGER audit_entry_no_update")
        raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 7")
    before = demo_db.read_bytes()
    answers = io.StringIO("yes\n")
    monkeypatch.setattr(sys, "stdin", answers)
    assert main(["--db", str(demo_db), "restore", str(good.path)]) == 1
    assert "Type yes" not in capsys.readouterr().out  # refused before anyone is asked
    assert answers.tell() == 0
    assert main(["--db", str(demo_db), "restore", "--yes", str(good.path)]) == 1
    err = capsys.readouterr().err
    assert "does not pass verify: the audit entries 1 to " in err
    assert "Nothing was restored" in err
    assert "--force" in err
    assert demo_db.read_bytes() == before
    assert not list(demo_db.parent.glob("*before-restore*"))
    assert main(["--db", str(demo_db), "--user", "zhang", "restore", "--yes", "--force",
                 str(good.path)]) == 0
    with Store.open(demo_db, "tester") as s:
        last = s.audit()[-1]
    assert (last.user, last.entity) == ("zhang", "restore")
    assert json.loads(last.new_value or "")["verify"].startswith("the audit entries 1 to ")


def test_a_restore_is_audited_as_the_administrator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from signed_shop import PINS, make_shop

    db = tmp_path / "shop.sqlite"
    make_shop(db)
    good = backup.backup(db, tmp_path / "shop-backup.sqlite")
    with Store.open(db, "tester") as s:
        s.login("ada", PINS["ada"])
        s.add_grade("45")
        replaced_head = s.chain_head()
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    assert main(["--db", str(db), "--user", "ada", "restore", "--yes", str(good.path)]) == 0
    with Store.open(db, "tester") as s:
        last = s.audit()[-1]
        aside = next(tmp_path.glob("shop.before-restore-*.sqlite"))
        assert (last.user, last.entity, last.entity_key) == ("ada", "restore", str(good.path.resolve()))
        assert json.loads(last.new_value or "") == {
            "backup": str(good.path.resolve()), "backup_chain_head": chain_head(good.path)[-1],
            "kept_aside": str(aside), "replaced_chain_head": replaced_head, "verify": "ok"}
        assert "45" not in s.grades()
        assert verify(s).ok
