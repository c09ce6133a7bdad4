"""A guard against a broken Qt binding upgrade.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that
returns nothing; after a few thousand calls the interpreter aborts (exit 134)
long after the tests themselves passed. This test makes such calls in a child
process and checks that it survives and that None's reference count holds.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

CALLS = 10_000


def test_ten_thousand_void_qt_calls_keep_none_alive() -> None:
    script = textwrap.dedent(f"""
        import os, sys
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QObject, QPoint
        obj, point = QObject(), QPoint()
        before = sys.getrefcount(None)
        for i in range({CALLS}):
            obj.setObjectName("ingot")   # returns nothing
            point.setX(i)                # returns nothing
        after = sys.getrefcount(None)
        print(before - after)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, f"the Qt binding crashed the interpreter: {done.returncode} {done.stderr}"
    lost = int(done.stdout.strip())
    assert lost < 100, f"{lost} references to None lost over {2 * CALLS} calls: a broken PySide6 build"


def test_qt_modules_the_program_needs_are_installed() -> None:
    code = ("import PySide6.QtWidgets, PySide6.QtCharts, PySide6.QtPdf, PySide6.QtPdfWidgets, "
            "PySide6; print(PySide6.__version__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    major, minor = (int(x) for x in done.stdout.strip().split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) != (6, 12), "PySide6 6.12 aborts the interpreter on Python 3.11"
