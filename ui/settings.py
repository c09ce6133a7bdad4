"""Where the desktop program keeps its preferences and window state (an INI file per user)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("qcdesk", appauthor=False)) / "qcdesk.ini"


def settings() -> QSettings:
    """The user's settings; the path is worked out on every call, so tests can redirect it."""
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def text_value(stored: QSettings, key: str, default: str) -> str:
    """A stored text, else `default` (value(..., str) gives a str; the stubs say object)."""
    value = stored.value(key, default, str)
    return value if isinstance(value, str) else default


def int_value(stored: QSettings, key: str, default: int) -> int:
    """A stored whole number, else `default` (value(..., int) gives an int; the stubs say object)."""
    value = stored.value(key, default, int)
    return value if isinstance(value, int) else default


# keys, in one place
LANGUAGE = "preferences/language"            # "en" | "zh"
LEADING_BASIS = "preferences/leading_basis"  # "weight" | "count"
INSPECTOR = "preferences/inspector"          # the name written into the audit log
DATABASE = "preferences/database"            # the database file last chosen
LARGE_TEXT = "preferences/large_text"        # "true": the whole window's text larger (this workstation)
# window state (the main window's geometry, docks and splitters)
WINDOW_GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
WINDOW_TAB = "window/tab"
SPLITTER = "window/splitter/{name}"          # one per QSplitter, by its objectName
# one per QTableView with an objectName: column widths, order and sort; by column count,
# so a program with other columns does not apply an old layout to them
TABLE_HEADER = "window/header/{name}-{columns}"
