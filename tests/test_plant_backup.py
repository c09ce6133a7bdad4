"""Backups of a database on a PostgreSQL server (pg_dump's custom format) and their restore, with
the same checks as for a file: on the session's throwaway server."""

from __future__ import annotations

import io
import itertools
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from conftest import copy_into_server
from pgserver import PgServer

from qcdesk import server_backup
from qcdesk.cli import main
from qcdesk.migrations import LATEST
from qcdesk.store import Store
from qcdesk.store.postgres import Server

_names = itertools.count(1)


def run(*argv: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None
        ) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def plant_db(demo_copy: Path, pg_uri: str) -> str:
    """The demo month on the server, as `qcdesk migrate` would put it there."""
    copy_into_server(demo_copy, pg_uri)
    return pg_uri


@pytest.fixture
def empty_db(pg_server: PgServer) -> Iterator[str]:
    """A second, empty database on the server, to restore into."""
    name = f"restore_{next(_names)}"
    pg_server.create_database(name, template="template0")
    yield pg_server.uri(name)
    pg_server.drop_database(name)


def tables(uri: str) -> list[str]:
    with psycopg.connect(uri) as conn:
        return [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()]


def rates(uri: str) -> str:
    code, out, err = run("--db", uri, "rates", "--from", "1959-02-01", "--to", "1959-02-28", "--by", "shift")
    assert code == 0, err
    return out


def test_backup_and_restore_round_trip_on_a_server(plant_db: str, empty_db: str, tmp_path: Path) -> None:
    backup = tmp_path / "plant.dump"
    code, out, err = run("--db", plant_db, "backup", str(backup))
    assert code == 0, err
    assert f"checked whole (schema {LATEST}, 936 heats" in out
    # pg_restore reads it, and the journal of chain heads ends at the dump's head
    listed = subprocess.run([str(server_backup.program("pg_restore")), "--list", str(backup)],
                            capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public audit " in listed
    with Store.open(plant_db, "t", create=False) as s:
        head = s.chain_head()
    assert f" {head}\n" in backup.with_name("plant.dump.heads").read_text()

    code, out, err = run("--db", empty_db, "restore", str(backup))
    assert code == 0, err
    assert f"is whole: schema {LATEST}, 936 heats" in out
    assert "verify ok" in out
    assert f"restored {Server(empty_db).shown} from {backup}" in out
    assert rates(empty_db) == rates(plant_db)
    code, out, err = run("--db", empty_db, "verify")
    assert code == 0, out + err
    # the restore is in the restored database's trail, after the backup's head
    code, out, err = run("--db", empty_db, "history")
    assert code == 0, err
    assert "restore" in out.splitlines()[-1]
    assert str(backup) in out.splitlines()[-1]


def test_a_restore_over_a_database_that_is_not_empty_is_refused_and_changes_nothing(
        plant_db: str, tmp_path: Path) -> None:
    backup = tmp_path / "plant.dump"
    assert run("--db", plant_db, "backup", str(backup))[0] == 0
    before = rates(plant_db)
    code, _out, err = run("--db", plant_db, "restore", "--yes", str(backup))
    assert code == 1
    assert "is not empty: it holds table" in err
    assert "Nothing was restored" in err
    assert "ALTER DATABASE" in err
    assert "--replace" in err
    assert rates(plant_db) == before


def test_replace_keeps_the_old_database_as_a_backup_first(plant_db: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    backup = tmp_path / "plant.dump"
    assert run("--db", plant_db, "backup", str(backup))[0] == 0
    # a plan set after the backup: the restore takes it away, the database kept aside has it
    assert run("--db", plant_db, "plan", "set", "1959-03", "--output", "1234")[0] == 0
    code, out, _err = run("--db", plant_db, "restore", "--replace", str(backup), stdin="no\n",
                          monkeypatch=monkeypatch)
    assert code == 1
    assert "nothing restored" in out
    assert "1959-03" in run("--db", plant_db, "plan", "list")[1]

    code, out, err = run("--db", plant_db, "restore", "--replace", str(backup), stdin="yes\n",
                         monkeypatch=monkeypatch)
    assert code == 0, err
    assert "1959-03" not in run("--db", plant_db, "plan", "list")[1]
    aside = Path(out.split("the replaced database is kept as ")[1].strip().rstrip("."))
    assert aside.parent.name == "backups"
    assert aside.is_file()
    assert server_backup.is_archive(aside)
    assert server_backup.inspect(aside).facts.counts["heat"] == 936
    assert run("--db", plant_db, "verify")[0] == 0


def test_a_backup_that_fails_verify_is_not_restored_unless_forced(plant_db: str, empty_db: str,
                                                                  tmp_path: Path) -> None:
    with psycopg.connect(plant_db, autocommit=True) as conn:  # as the superuser, behind qcdesk's back
        conn.execute("ALTER TABLE heat DISABLE TRIGGER USER")
        conn.execute("UPDATE heat SET tap_weight_t = 99 WHERE heat_no = (SELECT min(heat_no) FROM heat)")
        conn.execute("ALTER TABLE heat ENABLE TRIGGER USER")
    backup = tmp_path / "tampered.dump"
    assert run("--db", plant_db, "backup", str(backup))[0] == 0  # a backup copies what is there
    code, _out, err = run("--db", empty_db, "restore", str(backup))
    assert code == 1
    assert "does not pass verify" in err
    assert "tap_weight_t is 99" in err
    assert "--force" in err
    assert tables(empty_db) == []  # taken away again: as empty as it was

    code, out, err = run("--db", empty_db, "restore", "--force", str(backup))
    assert code == 0, err
    assert "verify FAILED" in out
    code, out, _err = run("--db", empty_db, "history")
    assert "tap_weight_t is 99" in out.splitlines()[-1]  # audited with what verify said


def test_the_daily_backup_of_a_server_goes_into_the_workstations_backup_folder(plant_db: str,
                                                                               tmp_path: Path) -> None:
    code, out, err = run("--db", plant_db, "backup", "--auto")
    assert code == 0, err
    made = Path(out.split("automatic backup written to ")[1].strip().rstrip("."))
    assert made.name == f"{server_backup.stem(Server(plant_db))}-auto-{date.today().isoformat()}.dump"
    assert made.parent.name == "backups"
    assert made.parent.parent.name == "qcdesk"
    assert server_backup.is_archive(made)
    code, out, _err = run("--db", plant_db, "backup", "--auto")
    assert code == 0
    assert "already in" in out


def test_without_pg_dump_the_backup_says_what_to_install(plant_db: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(server_backup, "BINDIRS", tmp_path / "none")
    code, _out, err = run("--db", plant_db, "backup", str(tmp_path / "x.dump"))
    assert code == 1
    assert "pg_dump is needed" in err
    assert "postgresql-client" in err
    assert not list(tmp_path.glob("x.dump*"))


def test_a_backup_never_replaces_a_file_unasked(plant_db: str, tmp_path: Path) -> None:
    target = tmp_path / "there.dump"
    target.write_bytes(b"mine")
    code, _out, err = run("--db", plant_db, "backup", str(target))
    assert code == 1
    assert "--force" in err
    assert target.read_bytes() == b"mine"


def test_backups_of_the_other_kind_are_pointed_to_the_right_command(plant_db: str, demo_copy: Path,
                                                                     empty_db: str, tmp_path: Path) -> None:
    dump = tmp_path / "plant.dump"
    assert run("--db", plant_db, "backup", str(dump))[0] == 0
    code, _out, err = run("--db", str(tmp_path / "file.sqlite"), "restore", "--yes", str(dump))
    assert code == 1
    assert "restored onto a PostgreSQL database" in err
    code, _out, err = run("--db", empty_db, "restore", str(demo_copy))
    assert code == 1
    assert "qcdesk migrate --from FILE --to URI" in err
    assert tables(empty_db) == []
