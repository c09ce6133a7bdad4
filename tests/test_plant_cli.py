"""Plant mode at the command line: `qcdesk migrate` between a SQLite file and a PostgreSQL server,
`qcdesk plant setup`, and `qcdesk info` on a server; on the session's throwaway server."""

from __future__ import annotations

import io
import itertools
import json
import math
import sqlite3
from pathlib import Path

import psycopg
import pytest
from conftest import copy_into_server
from pgserver import PgServer
from psycopg import sql

from qcdesk.cli import main
from qcdesk.journal import journal_path
from qcdesk.migrations import LATEST
from qcdesk.store import Store, environment_error, postgres
from qcdesk.store.postgres import Server

_names = itertools.count(1)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def contents(uri: str) -> list[tuple[str, str]]:
    """What a database's schema holds: (kind, name) of its tables, functions and the like."""
    with psycopg.connect(uri) as conn:
        return sorted(conn.execute(
            "SELECT 'relation', relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "UNION ALL SELECT 'routine', proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        ).fetchall())


def _close(a: object, b: object) -> bool:
    """The same JSON, numbers equal to 12 significant digits."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    return a == b


def head_lines(out: str) -> list[str]:
    """The chain heads `qcdesk migrate` prints (of the source, then of the copy)."""
    return [line.rsplit(": ", 1)[1] for line in out.splitlines() if line.startswith("chain head of ")]


# ------------------------------------------------------------------ migrate

def test_migrate_to_a_server_and_back_keeps_every_figure_and_the_chain_head(
        demo_copy: Path, pg_uri: str, tmp_path: Path) -> None:
    code, out, err = run("--db", str(demo_copy), "migrate", "--to", pg_uri)
    assert code == 0, err
    original, on_server = head_lines(out)
    assert original == on_server
    assert len(original) == 64
    assert "verify ok" in out
    # every ingot of the demo month went over: 936 heats, their ingots and every audit entry
    with Store.open(demo_copy, "t", create=False) as s:
        counts = s.counts()
    for table in ("heat", "ingot", "audit"):
        assert f"{table} " in out
        assert f"{counts[table]:,}" in out

    back = tmp_path / "back.sqlite"
    code, out, err = run("--db", pg_uri, "migrate", "--to", str(back))
    assert code == 0, err
    assert head_lines(out) == [original, original]
    assert journal_path(back).is_file()  # the journal of chain heads went along

    def rates(db: str, *how: str) -> str:
        return run("--db", db, "rates", "--from", "1959-02-01", "--to", "1959-02-28", *how)[1]

    # the file that went to the server and back gives the very same figures, to the last digit
    by_converter = ("--by", "converter", "--json")
    assert rates(str(back), *by_converter) == rates(str(demo_copy), *by_converter)
    # and the server the same table (its sums of floating-point weights may differ in the last bits)
    assert rates(pg_uri, "--by", "converter") == rates(str(demo_copy), "--by", "converter")
    on_server = json.loads(rates(pg_uri, "--by", "converter", "--json"))
    in_file = json.loads(rates(str(demo_copy), "--by", "converter", "--json"))
    assert _close(on_server, in_file)
    # the record day of DOMAIN.md: 96.6% by weight, on every copy
    for db in (str(demo_copy), pg_uri, str(back)):
        code, out, _err = run("--db", db, "rates", "--from", "1959-02-02", "--to", "1959-02-02")
        assert code == 0
        assert "96.6%" in out.splitlines()[3]
        code, out, err = run("--db", db, "verify")
        assert code == 0, out + err
        assert original[:16] in out
        assert "warning" not in out  # the journal is there and covers the whole chain


def test_a_non_empty_server_database_is_refused_and_left_as_it_was(demo_copy: Path, pg_uri: str) -> None:
    with psycopg.connect(pg_uri, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (line text)")
        conn.execute("INSERT INTO notes VALUES ('kept')")
    before = contents(pg_uri)
    code, _out, err = run("--db", str(demo_copy), "migrate", "--to", pg_uri)
    assert code == 1
    assert "is not empty: it holds table notes" in err
    assert "Nothing was copied" in err
    assert contents(pg_uri) == before
    with psycopg.connect(pg_uri) as conn:
        assert conn.execute("SELECT line FROM notes").fetchall() == [("kept",)]


def test_a_copy_the_server_refuses_half_way_leaves_the_database_empty(
        demo_copy: Path, pg_server: PgServer, pg_uri: str) -> None:
    """A role that may not create tables: the server refuses the schema; nothing is left."""
    role = f"reader_{next(_names)}"
    pg_server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    database = Server(pg_uri).name
    pg_server.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database),
                                                                           sql.Identifier(role)))
    code, _out, err = run("--db", str(demo_copy), "migrate", "--to", pg_server.uri(database, role))
    assert code == 1
    assert "permission denied for schema public" in err
    assert "Nothing was copied" in err
    assert "owner role" in err
    assert contents(pg_uri) == []


def test_a_copy_that_fails_verify_is_taken_away(demo_copy: Path, pg_uri: str) -> None:
    """A record changed behind the program's back in the source: its copy fails verify, so the
    server's database is emptied again and the message says what verify found."""
    conn = sqlite3.connect(demo_copy)
    conn.execute("UPDATE heat SET tap_weight_t = 99 WHERE heat_no = (SELECT min(heat_no) FROM heat)")
    conn.commit()
    conn.close()
    code, _out, err = run("--db", str(demo_copy), "migrate", "--to", pg_uri)
    assert code == 1
    assert "the copy does not pass verify" in err
    assert "tap_weight_t is 99" in err
    assert "Nothing was kept" in err
    assert contents(pg_uri) == []


def test_a_server_copy_that_fails_verify_leaves_no_file(demo_copy: Path, pg_uri: str, tmp_path: Path) -> None:
    copy_into_server(demo_copy, pg_uri)
    with psycopg.connect(pg_uri, autocommit=True) as conn:  # as the superuser, triggers held
        conn.execute("ALTER TABLE heat DISABLE TRIGGER USER")
        conn.execute("UPDATE heat SET tap_weight_t = 99 WHERE heat_no = (SELECT min(heat_no) FROM heat)")
        conn.execute("ALTER TABLE heat ENABLE TRIGGER USER")
    target = tmp_path / "copy.sqlite"
    code, _out, err = run("--db", pg_uri, "migrate", "--to", str(target))
    assert code == 1
    assert "the copy does not pass verify" in err
    assert "tap_weight_t is 99" in err
    assert list(tmp_path.glob("copy.sqlite*")) == []


def test_a_file_is_never_overwritten(pg_uri: str, tmp_path: Path) -> None:
    Store.open(pg_uri, "t").close()
    target = tmp_path / "there.sqlite"
    target.write_bytes(b"mine")
    code, _out, err = run("--db", pg_uri, "migrate", "--to", str(target))
    assert code == 1
    assert "exists" in err
    assert target.read_bytes() == b"mine"


def test_migrate_between_two_files_points_at_backup(demo_copy: Path, tmp_path: Path) -> None:
    code, _out, err = run("--db", str(demo_copy), "migrate", "--to", str(tmp_path / "x.sqlite"))
    assert code == 1
    assert "qcdesk backup and restore" in err
    assert not (tmp_path / "x.sqlite").exists()


def test_migrate_without_a_target_creates_the_schema_on_an_empty_server_database(pg_uri: str) -> None:
    code, out, err = run("--db", pg_uri, "migrate")
    assert code == 0, err
    assert f"schema {LATEST}" in out
    code, out, _err = run("--db", pg_uri, "info")
    assert code == 0
    assert "converter" in out
    assert "server: PostgreSQL" in out


def test_info_on_a_server_shows_the_uri_without_password_and_this_desks_journal(pg_uri: str) -> None:
    with_password = pg_uri.replace("postgresql:///", "postgresql://postgres:secret@/", 1)
    Store.open(pg_uri, "t").close()
    code, out, err = run("--db", with_password, "info")
    assert code == 0, err
    assert "secret" not in out
    assert "database: postgresql://postgres:…@/" in out
    assert f"schema version: {LATEST}" in out
    assert "schema public" in out
    journal_line = next(line for line in out.splitlines() if "journal of chain heads" in line)
    assert Server(pg_uri).key in journal_line


# ------------------------------------------------------------------ plant setup

def setup_names() -> tuple[str, str, str]:
    n = next(_names)
    return f"plant_{n}", f"qc_owner_{n}", f"qc_app_{n}"


def test_plant_setup_then_migrate_gives_the_desks_role_the_records_but_not_the_trail(
        pg_server: PgServer, demo_copy: Path) -> None:
    database, owner, app = setup_names()
    code, out, err = run("plant", "setup", pg_server.uri(database), "--owner", owner, "--app", app)
    assert code == 0, err
    assert f"role {owner}: created" in out
    assert f"role {app}: created" in out
    assert f"database {database}: created, owned by {owner}" in out
    assert "the database is empty" in out
    try:
        rows = pg_server.execute(sql.SQL("SELECT pg_get_userbyid(datdba) FROM pg_database "
                                         "WHERE datname = %s"), (database,))
        assert rows == [(owner,)]
        owner_uri, app_uri = pg_server.uri(database, owner), pg_server.uri(database, app)
        # the desks' role cannot make the schema; the owner copies the demo month in
        code, _out, err = run("--db", app_uri, "migrate")
        assert code == 1
        assert "permission denied for schema public" in err
        code, out, err = run("--db", str(demo_copy), "migrate", "--to", owner_uri)
        assert code == 0, err
        assert f"{app} may read and write the records" in out
        # the desks' role reads it, and writes records with their audit entries
        code, out, err = run("--db", app_uri, "rates", "--from", "1959-02-02", "--to", "1959-02-02")
        assert code == 0, err
        assert "96.6%" in out.splitlines()[3]
        code, out, err = run("--db", app_uri, "--user", "Wang", "plan", "set", "1959-03", "--output", "5000")
        assert code == 0, err
        # but may neither change nor remove an audit entry (a privilege, not only a trigger)
        for statement in ("UPDATE audit SET reason = 'rewritten'", "DELETE FROM audit",
                          "DELETE FROM audit_block", "UPDATE audit_block SET at = 'x'"):
            with psycopg.connect(app_uri, autocommit=True) as conn, pytest.raises(psycopg.Error) as raw:
                conn.execute(statement)
            assert raw.value.sqlstate == "42501"
            adapter = postgres.connect(Server(app_uri))
            try:
                with pytest.raises(sqlite3.Error) as adapted:
                    adapter.execute(statement)
            finally:
                adapter.close()
            said = str(environment_error(adapted.value))
            assert said.startswith("the database refused the change: permission denied for table audit")
            assert "42501" not in said
        assert run("--db", owner_uri, "verify")[0] == 0
        # set up again: the roles and the database are kept, the rights given again
        code, out, err = run("plant", "setup", pg_server.uri(database), "--owner", owner, "--app", app)
        assert code == 0, err
        assert f"role {owner}: there" in out
        assert f"database {database}: there" in out
        assert f"{app} may read and write the records" in out
    finally:
        pg_server.drop_database(database)


def test_a_new_plant_database_made_by_migrate_is_open_to_the_desks(pg_server: PgServer,
                                                                   tmp_path: Path) -> None:
    database, owner, app = setup_names()
    assert run("plant", "setup", pg_server.uri(database), "--owner", owner, "--app", app)[0] == 0
    try:
        code, out, err = run("--db", pg_server.uri(database, owner), "migrate")
        assert code == 0, err
        assert f"schema {LATEST}" in out
        assert f"{app} may read and write the records" in out
        code, out, err = run("--db", pg_server.uri(database, app), "--user", "Wang", "import", "heats",
                             str(_heats_csv(tmp_path)))
        assert code == 0, err
        assert "1 heat(s) imported" in out
        # the desks' role may not change the schema
        code, _out, err = run("--db", pg_server.uri(database, app), "migrate")
        assert code == 1
        assert "refused to grant" in err or "must be owner" in err
        # nor back the server up (it may not read the sequences): told to do it as the owner
        target = tmp_path / "as-the-desk.dump"
        code, _out, err = run("--db", pg_server.uri(database, app), "backup", str(target))
        assert code == 1
        assert "as the owner role" in err
        assert not target.exists()
        assert not Path(str(target) + ".part").exists()
    finally:
        pg_server.drop_database(database)


def test_plant_setup_refuses_a_role_that_is_not_a_superuser(pg_server: PgServer) -> None:
    database, owner, app = setup_names()
    pg_server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
    code, _out, err = run("plant", "setup", pg_server.uri(database, owner), "--owner", owner, "--app", app)
    assert code == 1
    assert "superuser" in err
    assert pg_server.execute(sql.SQL("SELECT 1 FROM pg_database WHERE datname = %s"), (database,)) == []


def test_plant_setup_with_passwords_sends_only_their_hash(pg_server: PgServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    database, owner, app = setup_names()
    monkeypatch.setenv("QCDESK_APP_PASSWORD", "desk secret")
    code, _out, err = run("plant", "setup", pg_server.uri(database), "--owner", owner, "--app", app,
                          "--owner-password", "owner secret")
    try:
        assert code == 0, err
        rows = pg_server.execute(sql.SQL("SELECT rolname, rolpassword FROM pg_authid "
                                         "WHERE rolname IN (%s, %s)"), (owner, app))
        stored = {str(name): str(secret) for name, secret in rows}
        assert all(str(v).startswith("SCRAM-SHA-256$") for v in stored.values())
        assert "secret" not in pg_server.log()
    finally:
        pg_server.drop_database(database)


def _heats_csv(folder: Path) -> Path:
    path = folder / "heats.csv"
    path.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector,C,Si,Mn,P,S\n"
                    "24A001,1,2024-03-05 09:00,Q235B,30,1620,Wang,0.20,0.25,0.50,0.045,0.030\n",
                    encoding="utf-8")
    return path
