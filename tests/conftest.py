"""Shared fixtures: a real database in a temporary folder, the demo month, isolated settings."""

from __future__ import annotations

import os
import shutil

# Before any QApplication exists: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcdesk.demo import load_demo
from qcdesk.i18n import set_language
from qcdesk.journal import journal_path
from qcdesk.store import Store


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test: English, its own data folders, no database or user from outside."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("QCDESK_DB", raising=False)
    monkeypatch.delenv("QCDESK_USER", raising=False)
    monkeypatch.delenv("QCDESK_LANG", raising=False)
    monkeypatch.delenv("QCDESK_HEADS", raising=False)
    set_language(None)
    yield
    set_language(None)


# The core suite runs on both databases: a test taking `db_path`, `store` or `demo` runs once on
# a SQLite file and once on a PostgreSQL database of its own, unless it is marked `sqlite_only`
# (it attacks the file itself, say) or its module uses Qt (the desktop is tested on SQLite, the
# store under it on both).
DATABASES = ("sqlite", "postgresql")


def _sqlite_only(metafunc: pytest.Metafunc) -> bool:
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return True
    source = Path(metafunc.module.__file__ or "").read_text(encoding="utf-8")
    return "qtbot" in metafunc.fixturenames or "PySide6" in source or "\nfrom ui" in source


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        kinds = DATABASES[:1] if _sqlite_only(metafunc) else DATABASES
        metafunc.parametrize("database", kinds, indirect=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: runs on a SQLite file only (not on PostgreSQL)")


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """Which database this run of the test is on: "sqlite" or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_path(database: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's database is: a SQLite file in tmp_path (not made yet), or the URI of an
    empty PostgreSQL database of its own."""
    if database == "sqlite":
        return tmp_path / "qcdesk.sqlite"
    return str(request.getfixturevalue("pg_uri"))


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A new database with the seed data, opened for the user 'tester'."""
    with Store.open(db_path, "tester") as s:
        yield s


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo month (qcdesk.demo, on the real clock), built once per test session.

    Shared by every test: never open it for writing; copy it (`demo_copy`) to change it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with Store.open(path, "tester") as s:
        load_demo(s)
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo month of this test's own (tmp_path/demo.sqlite), free to change."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    shutil.copyfile(journal_path(demo_file), journal_path(path))  # with its journal of chain heads
    return path


@pytest.fixture
def demo_db(database: str, demo_copy: Path, request: pytest.FixtureRequest) -> Path | str:
    """The demo month in a database of this test's own: `demo_copy`, or the same copied into an
    empty PostgreSQL database (as `qcdesk migrate --to` copies it, journal of heads and all)."""
    if database == "sqlite":
        return demo_copy
    uri = str(request.getfixturevalue("pg_uri"))
    copy_into_server(demo_copy, uri)
    return uri


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Store]:
    """The demo month in a copy of its own, opened for the user 'tester' (a test may add a plan)."""
    with Store.open(demo_db, "tester") as s:
        yield s


def copy_into_server(path: Path, uri: str) -> None:
    """Copy the SQLite database at `path` into the empty PostgreSQL database `uri`, and its
    journal of chain heads to where this workstation keeps the server's."""
    import sqlite3

    from qcdesk.store import copy, postgres
    from qcdesk.store.dialect import postgres_schema

    source = sqlite3.connect(path)
    target = postgres.connect(postgres.Server(uri))
    try:
        copy.into_server(source, target, schema=postgres_schema())
    finally:
        source.close()
        target.close()
    heads = journal_path(postgres.witness_folder() / postgres.Server(uri).key)
    heads.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(journal_path(path), heads)


# -- PostgreSQL (plant mode): one throwaway server per session, an empty database per test --

import itertools  # noqa: E402

from pgserver import PgServer  # noqa: E402

_pg_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of the session's own (tests/pgserver.py), stopped and removed at the end."""
    with PgServer() as server:
        yield server


@pytest.fixture
def pg_uri(pg_server: PgServer) -> Iterator[str]:
    """The URI of a new empty database (a copy of template0) of this test's own, dropped after it."""
    name = f"test_{next(_pg_database_numbers)}"
    pg_server.create_database(name, template="template0")
    yield pg_server.uri(name)
    pg_server.drop_database(name)
