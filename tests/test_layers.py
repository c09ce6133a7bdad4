"""The arrows point one way: ui → reports → qcdesk. The core never loads Qt or reportlab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_MODULES = sorted(f"qcdesk.{p.stem}" for p in (ROOT / "qcdesk").glob("*.py")
                      if p.stem not in ("__init__", "__main__"))
REPORT_MODULES = sorted(f"reports.{p.stem}" for p in (ROOT / "reports").glob("*.py")
                        if p.stem != "__init__") or ["reports"]


def _loaded_after_import(module: str) -> set[str]:
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    return set(done.stdout.split())


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_loads_neither_qt_nor_reportlab(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not loaded & {"PySide6", "shiboken6", "reportlab", "ui", "reports"}, module


@pytest.mark.parametrize("module", REPORT_MODULES)
def test_reports_never_load_qt(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not loaded & {"PySide6", "shiboken6", "ui"}, module


def test_the_command_line_loads_no_gui() -> None:
    # `qcdesk rates` on a workstation without a screen must not need Qt.
    assert "PySide6" not in _loaded_after_import("qcdesk.cli")


def test_no_sql_outside_the_storage_layer() -> None:
    # backup.py: backups and restores speak to SQLite's backup API and integrity_check directly,
    # on files that must not be opened (and migrated) as a Store
    # plant.py, server_backup.py: a server's roles and database made, and its backups (pg_dump),
    # on a database that is not (yet) a qcdesk Store
    allowed = {*(ROOT / "qcdesk" / "store").glob("*.py"), ROOT / "qcdesk" / "migrations.py",
               ROOT / "qcdesk" / "backup.py", ROOT / "qcdesk" / "plant.py",
               ROOT / "qcdesk" / "server_backup.py"}
    offenders = []
    for folder in ("qcdesk", "ui", "reports"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path not in allowed and (".execute(" in text or "executemany(" in text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
