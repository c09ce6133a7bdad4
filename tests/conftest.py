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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "qcdesk.sqlite"


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
def demo(demo_copy: Path) -> Iterator[Store]:
    """The demo month in a copy of its own, opened for the user 'tester' (a test may add a plan)."""
    with Store.open(demo_copy, "tester") as s:
        yield s


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
