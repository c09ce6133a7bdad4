"""Shared fixtures: a real database in a temporary folder, the demo month, isolated settings."""

from __future__ import annotations

import os
import re
import shutil

# Before any QApplication exists: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcdesk.demo import load_demo
from qcdesk.i18n import set_language
from qcdesk.journal import journal_path
from qcdesk.store import Store, postgres


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
# store under it on both). The `qcdesk` command's entry point, ui.launcher, is no window: a
# module that runs the command line through it runs on both.
DATABASES = ("sqlite", "postgresql")
_DESKTOP_IMPORT = re.compile(r"^(from ui(?!\.launcher import)|import ui)\b", re.MULTILINE)


def _sqlite_only(metafunc: pytest.Metafunc) -> bool:
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return True
    source = Path(metafunc.module.__file__ or "").read_text(encoding="utf-8")
    return "qtbot" in metafunc.fixturenames or "PySide6" in source or bool(_DESKTOP_IMPORT.search(source))


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
    """Where the test's database is: a SQLite file in tmp_path (not made yet), or the URI of a
    PostgreSQL database of its own holding what a new database starts with (`pg_new_uri`)."""
    if database == "sqlite":
        return tmp_path / "qcdesk.sqlite"
    return str(request.getfixturevalue("pg_new_uri"))


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
def demo_db(database: str, request: pytest.FixtureRequest) -> Path | str:
    """The demo month in a database of this test's own: `demo_copy`, or the same copied into an
    empty PostgreSQL database (as `qcdesk migrate --to` copies it, journal of heads and all;
    `pg_demo_uri`)."""
    if database == "sqlite":
        return Path(request.getfixturevalue("demo_copy"))
    return str(request.getfixturevalue("pg_demo_uri"))


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Store]:
    """The demo month in a copy of its own, opened for the user 'tester' (a test may add a plan)."""
    with Store.open(demo_db, "tester") as s:
        yield s


def copy_into_server(path: Path, uri: str, *, heads: bool = True) -> None:
    """Copy the SQLite database at `path` into the empty PostgreSQL database `uri`, and (if
    `heads`) its journal of chain heads to where this workstation keeps the server's."""
    import sqlite3

    from qcdesk.store import copy
    from qcdesk.store.dialect import postgres_schema

    source = sqlite3.connect(path)
    target = postgres.connect(postgres.Server(uri))
    try:
        copy.into_server(source, target, schema=postgres_schema())
    finally:
        source.close()
        target.close()
    if heads:
        journal = journal_path(postgres.witness_folder() / postgres.Server(uri).key)
        journal.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(journal_path(path), journal)


# -- PostgreSQL (plant mode): one throwaway server per session, a database per test --
#
# A test's database is a copy (CREATE DATABASE … TEMPLATE) of one made once per session, which
# costs a fraction of building the schema, its functions and triggers, again for every test:
# `qcdesk_template` is what Store.open(…, "tester") makes of an empty database (the schema, the
# seed and its audit entries; a new database's journal of chain heads is empty), `qcdesk_demo`
# the demo month as copy_into_server puts it. The templates take no connections once made.

import itertools  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from contextlib import AbstractContextManager, contextmanager  # noqa: E402

from pgserver import PgServer  # noqa: E402
from psycopg import sql  # noqa: E402

_pg_database_numbers = itertools.count(1)
NEW_TEMPLATE = "qcdesk_template"
DEMO_TEMPLATE = "qcdesk_demo"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of the session's own (tests/pgserver.py), stopped and removed at the end."""
    with PgServer() as server:
        yield server


class PgTemplates:
    """The session's template databases, each made when first wanted, and copies of them."""

    def __init__(self, server: PgServer, folder: Path) -> None:
        self.server = server
        self.folder = folder  # what a template keeps beside it (the demo's journal of heads)
        self._made: set[str] = set()

    def copy(self, template: str, build: Callable[[str], None]) -> str:
        """A new database of the test's own, a copy of `template` (made by `build(uri)` into an
        empty database the first time); its name."""
        if template not in self._made:
            self.server.create_database(template, template="template0")
            build(self.server.uri(template))
            self._close(template)
            self._made.add(template)
        name = f"test_{next(_pg_database_numbers)}"
        self.server.create_database(name, template=template)
        return name

    def _close(self, template: str) -> None:
        """Let nobody connect to `template` any more, once the backends of its builder are gone
        (a copy needs its template unused; they take a moment to leave)."""
        self.server.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true").format(
            sql.Identifier(template)))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.server.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s LIMIT 1", (template,)):
            time.sleep(0.002)


@pytest.fixture(scope="session")
def pg_templates(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> PgTemplates:
    return PgTemplates(pg_server, tmp_path_factory.mktemp("pg-templates"))


@pytest.fixture
def pg_uri(pg_server: PgServer) -> Iterator[str]:
    """The URI of a new empty database (a copy of template0) of this test's own, dropped after it."""
    name = f"test_{next(_pg_database_numbers)}"
    pg_server.create_database(name, template="template0")
    yield pg_server.uri(name)
    pg_server.drop_database(name)


def _new_database(uri: str, folder: Path) -> None:
    with Store.open(uri, "tester", heads=folder / "new.heads"):
        pass  # the schema, the seed and its audit entries, as the first Store.open makes them


@pytest.fixture
def pg_new_uri(pg_server: PgServer, pg_templates: PgTemplates) -> Iterator[str]:
    """The URI of a database of this test's own holding what Store.open(…, "tester") makes of
    an empty one, with an empty journal of chain heads as a new database has; dropped after it."""
    name = pg_templates.copy(NEW_TEMPLATE, lambda uri: _new_database(uri, pg_templates.folder))
    yield pg_server.uri(name)
    pg_server.drop_database(name)


@pytest.fixture
def new_databases(database: str, tmp_path: Path,
                  request: pytest.FixtureRequest) -> Callable[[], AbstractContextManager[Path | str]]:
    """For a test that needs a new database many times over (one per hypothesis example): a
    function giving one more, as `db_path` gives one (a SQLite file in a folder of its own, not
    made yet; or a PostgreSQL copy of qcdesk_template), removed when its `with` ends."""
    numbers = itertools.count(1)

    @contextmanager
    def sqlite_file() -> Iterator[Path | str]:
        folder = tmp_path / f"new-{next(numbers)}"
        folder.mkdir()
        try:
            yield folder / "qcdesk.sqlite"
        finally:
            shutil.rmtree(folder)

    if database == "sqlite":
        return sqlite_file
    server: PgServer = request.getfixturevalue("pg_server")
    templates: PgTemplates = request.getfixturevalue("pg_templates")

    @contextmanager
    def server_database() -> Iterator[Path | str]:
        name = templates.copy(NEW_TEMPLATE, lambda uri: _new_database(uri, templates.folder))
        try:
            yield server.uri(name)
        finally:
            server.drop_database(name)
    return server_database


@pytest.fixture
def pg_demo_uri(pg_server: PgServer, pg_templates: PgTemplates, demo_file: Path) -> Iterator[str]:
    """The URI of the demo month in a PostgreSQL database of this test's own, as copy_into_server
    copies it, with its journal of chain heads where this workstation keeps the server's."""
    name = pg_templates.copy(DEMO_TEMPLATE, lambda uri: copy_into_server(demo_file, uri, heads=False))
    uri = pg_server.uri(name)
    heads = journal_path(postgres.witness_folder() / postgres.Server(uri).key)
    heads.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(journal_path(demo_file), heads)
    yield uri
    pg_server.drop_database(name)
