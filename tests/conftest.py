"""Shared fixtures: a real database in a temporary folder, isolated settings."""

from __future__ import annotations

import os

# Before any QApplication exists: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcdesk.i18n import set_language
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
