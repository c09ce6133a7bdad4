"""The journal of chain heads: a small append-only text file beside the database.

Each write that advances the audit chain appends the new head to it, so that
removing the newest audit entries from the database file is seen by comparing the
two (`qcdesk verify`). It lives at ``<database file>.heads`` unless the
``QCDESK_HEADS`` variable names another place (a folder an inspector cannot write).
"""

from __future__ import annotations

import os
from pathlib import Path

SUFFIX = ".heads"


def journal_path(db_path: str | Path) -> Path:
    """Where the journal of the database at `db_path` is kept."""
    chosen = os.environ.get("QCDESK_HEADS", "").strip()
    if chosen:
        folder = Path(chosen).expanduser()
        return folder / (Path(db_path).name + SUFFIX)
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)
