"""The `qcdesk` command: with no subcommand the desktop program, else the command line.

It lives outside the core because it joins the layers: the core's commands, the
commands of the outer layers (reports), and the window. Qt is imported only when
the window is wanted, so the command line stays quick and works without a screen.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from qcdesk import cli
from qcdesk.i18n import _
from reports.cli import COMMANDS as REPORT_COMMANDS

EXTENSIONS: tuple[cli.Command, ...] = (*REPORT_COMMANDS,)


def no_display() -> bool:
    """On Linux, whether there is no screen for a window: no X (DISPLAY), no Wayland
    (WAYLAND_DISPLAY), and no Qt platform chosen by hand (QT_QPA_PLATFORM, as tests choose one)."""
    return sys.platform.startswith("linux") and not any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _start_window(args: argparse.Namespace) -> int:
    if no_display():  # else Qt aborts with a page about xcb plugins and libxcb-cursor0
        program = sys.argv[0] if Path(sys.argv[0]).name == "qcdesk" else "qcdesk"  # as it was called
        sys.stderr.write(_("qcdesk: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not "
                           "set); the command line needs none: {program} --help").format(program=program)
                         + "\n")
        return 1
    # Qt only when the window is wanted, and the text size set before any window is made
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from ui.app import run  # noqa: PLC0415
    from ui.common import apply_text_size  # noqa: PLC0415

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if isinstance(app, QApplication):
        apply_text_size(app)
    return run(db=args.db, user=args.user, lang=args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extensions=EXTENSIONS, no_command=_start_window)


if __name__ == "__main__":
    sys.exit(main())
