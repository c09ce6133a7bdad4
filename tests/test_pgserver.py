"""The throwaway PostgreSQL server the tests use (tests/pgserver.py) and its fixtures."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pgserver
import psycopg
import pytest
from pgserver import PgServer, PgServerError

_seen_databases: list[str] = []


def _listening_tcp_inodes() -> set[str]:
    """The socket inodes of every TCP socket in the LISTEN state on this machine (IPv4 and IPv6)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets process `pid` holds open."""
    inodes: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def _processes_naming(text: str) -> list[int]:
    """The processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def _dbname(uri: str) -> str:
    """The database a URI of PgServer.uri names."""
    return uri.split("?", maxsplit=1)[0].rsplit("/", 1)[1]


def test_the_server_answers_as_its_superuser_in_utf8(pg_server: PgServer) -> None:
    with psycopg.connect(pg_server.uri("postgres")) as conn:
        user, encoding, version = conn.execute(
            "SELECT current_user, pg_encoding_to_char(encoding), current_setting('server_version_num')::int"
            " FROM pg_database WHERE datname = current_database()").fetchone() or (None, None, None)
    expected_user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    assert (user, encoding) == (expected_user, "UTF8")
    assert version is not None
    assert version >= 130000  # DROP DATABASE … WITH (FORCE) drops a test's database


@pytest.mark.parametrize("turn", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(pg_server: PgServer, pg_uri: str, turn: int) -> None:
    """Each turn finds its database empty and fills it; the other turn's database is separate and,
    once its test is over, gone."""
    assert pg_uri not in _seen_databases
    with psycopg.connect(pg_uri) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE heat (no text PRIMARY KEY)")
        conn.execute("INSERT INTO heat VALUES (%s)", (f"H{turn}",))
    existing = {name for (name,) in pg_server.execute("SELECT datname FROM pg_database")}
    assert _dbname(pg_uri) in existing
    assert not {_dbname(earlier) for earlier in _seen_databases} & existing
    _seen_databases.append(pg_uri)


def test_the_server_listens_on_its_socket_only(pg_server: PgServer) -> None:
    pid = pg_server.pid
    assert pid is not None
    assert not _socket_inodes(pid) & _listening_tcp_inodes()
    assert any(p.is_socket() for p in pg_server.socket_dir.iterdir())
    assert pg_server.execute("SHOW listen_addresses") == [("",)]


def test_a_second_connection_sees_committed_rows_only(pg_uri: str) -> None:
    with psycopg.connect(pg_uri) as writer, psycopg.connect(pg_uri) as reader:
        writer.execute("CREATE TABLE heat (no text PRIMARY KEY)")
        writer.commit()
        writer.execute("INSERT INTO heat VALUES ('24A0001')")
        assert reader.execute("SELECT no FROM heat").fetchall() == []
        reader.rollback()
        writer.commit()
        assert reader.execute("SELECT no FROM heat").fetchall() == [("24A0001",)]


def test_a_uri_may_name_another_role(pg_server: PgServer, pg_uri: str) -> None:
    pg_server.execute("DROP ROLE IF EXISTS qc_desk")
    pg_server.execute("CREATE ROLE qc_desk LOGIN")
    try:
        with psycopg.connect(pg_server.uri(_dbname(pg_uri), user="qc_desk")) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("qc_desk",)
    finally:
        pg_server.execute("DROP ROLE qc_desk")


def test_close_leaves_no_process_and_no_folder(tmp_path: Path) -> None:
    server = PgServer()
    folder, pid = server.socket_dir, server.pid
    server.create_database("qc")
    conn = psycopg.connect(server.uri("qc"))
    conn.execute("SELECT 1")
    assert pid is not None
    assert _processes_naming(str(folder))
    server.close()  # with a client still connected
    conn.close()
    server.close()  # a second close does nothing
    assert not folder.exists()
    assert not _processes_naming(str(folder))
    assert not Path(f"/proc/{pid}").exists()
    with pytest.raises(PgServerError, match="closed"):
        server.create_database("again")


def test_no_postgresql_programs_says_which_package_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pgserver, "VERSIONED_BINDIRS", tmp_path / "postgresql")
    with pytest.raises(PgServerError, match="install the system package `postgresql`"):
        PgServer(base=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_text_sorts_by_code_point_as_in_sqlite(pg_uri: str) -> None:
    """The server's collation orders text as SQLite's BINARY collation does: by code point."""
    words = ["b", "B", "a", "é", "Z", "中", "_", "1", "a b", "ab", "Ä"]
    with psycopg.connect(pg_uri) as conn:
        conn.execute("CREATE TABLE w (t text)")
        conn.cursor().executemany("INSERT INTO w VALUES (%s)", [(w,) for w in words])
        ordered = [t for (t,) in conn.execute("SELECT t FROM w ORDER BY t").fetchall()]
    assert ordered == ["1", "B", "Z", "_", "a", "a b", "ab", "b", "Ä", "é", "中"]


def test_a_database_is_dropped_with_a_connection_still_open(pg_server: PgServer) -> None:
    pg_server.create_database("left_open", template="template0")
    conn = psycopg.connect(pg_server.uri("left_open"))
    try:
        conn.execute("SELECT 1")
        pg_server.drop_database("left_open")
        assert pg_server.execute("SELECT 1 FROM pg_database WHERE datname = 'left_open'") == []
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    finally:
        conn.close()
