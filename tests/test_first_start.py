"""A first start that explains itself: without a display the window says so in one line and
points at the command line, instead of Qt's abort about xcb plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _without_display(tmp_path: Path) -> dict[str, str]:
    screens = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {k: v for k, v in os.environ.items() if k not in screens and not k.startswith(("QCDESK_", "XDG_"))}
    return env | {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
                  "QCDESK_DB": str(tmp_path / "workshop.sqlite")}


def test_without_a_display_the_window_says_so_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ui.launcher"], cwd=ROOT, env=_without_display(tmp_path),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0]
    assert "qcdesk --help" in lines[0]  # how to go on without one
    assert "xcb" not in done.stderr
    assert not (tmp_path / "workshop.sqlite").exists()  # nothing was made


def test_without_a_display_the_command_line_works(tmp_path: Path) -> None:
    env = _without_display(tmp_path)
    done = subprocess.run([sys.executable, "-m", "ui.launcher", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    info = subprocess.run([sys.executable, "-m", "ui.launcher", "info"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert info.returncode == 0
    assert str(tmp_path / "workshop.sqlite") in info.stdout


def test_without_a_display_the_message_is_in_chinese_too(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "ui.launcher", "--lang", "zh"], cwd=ROOT,
                          env=_without_display(tmp_path), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert "没有可以打开窗口的显示器" in done.stderr
