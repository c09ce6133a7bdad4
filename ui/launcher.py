"""The `qcdesk` command: with no subcommand the desktop program, else the command line.

It lives outside the core because it joins the layers: the core's commands, the
commands of the outer layers (reports), and the window. Qt is imported only when
the window is wanted, so the command line stays quick and works without a screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from qcdesk import cli
from reports.cli import COMMANDS as REPORT_COMMANDS

EXTENSIONS: tuple[cli.Command, ...] = (*REPORT_COMMANDS,)


def _start_window(args: argparse.Namespace) -> int:
    from ui.app import run  # noqa: PLC0415 - Qt only when the window is wanted

    return run(db=args.db, user=args.user, lang=args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extensions=EXTENSIONS, no_command=_start_window)


if __name__ == "__main__":
    sys.exit(main())
