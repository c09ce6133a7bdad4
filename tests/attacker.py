"""What someone with the database file and a plain sqlite3 client can do, for the tamper tests.

Nothing here uses qcdesk: the chain is re-hashed by the documented rule alone (README,
"Records you can trust"), the way an attacker who read the documentation would.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROTECTIONS = ("audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_replace",
               "audit_block_no_update", "audit_block_no_delete", "audit_block_no_replace",
               "heat_no_delete", "ingot_no_delete", "heat_analysis_no_delete", "ingot_defect_no_delete",
               "person_no_delete", "signature_no_delete", "signature_fixed", "signature_superseded_once")


@contextmanager
def plain_sqlite(path: Path, *, drop_triggers: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the file, committed at the end; with `drop_triggers`,
    the protective triggers dropped for the while and put back as they were."""
    raw = sqlite3.connect(path)
    saved = []
    try:
        if drop_triggers:
            saved = raw.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                "AND name IN ({})".format(",".join("?" * len(PROTECTIONS))),
                                PROTECTIONS).fetchall()
            for name, _sql in saved:
                raw.execute(f'DROP TRIGGER "{name}"')
        yield raw
        for _name, sql in saved:
            raw.execute(sql)
        raw.commit()
    finally:
        raw.close()


def compact(values: list[object] | tuple[object, ...]) -> bytes:
    """The documented encoding: compact JSON, not escaped beyond what JSON needs, UTF-8."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


ENTRY_COLUMNS = ("id, action, entity, entity_key, heat_no, field, old_value, new_value, reason, "
                 "tbl, rec, state")


def rehash(raw: sqlite3.Connection) -> str:
    """Seal every block again by the documented rule, as after editing entries (the
    block table's triggers must be dropped); the new head."""
    row = raw.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
    prev_last, head = (row[0], row[1]) if row else (0, "0" * 64)
    for last_id, at, user in raw.execute("SELECT last_id, at, user FROM audit_block ORDER BY last_id"
                                         ).fetchall():
        content = b"".join(compact(entry) for entry in raw.execute(
            f"SELECT {ENTRY_COLUMNS} FROM audit WHERE id > ? AND id <= ? ORDER BY id",
            (prev_last, last_id)))
        head = hashlib.sha256(head.encode() + compact([last_id, at, user]) + content).hexdigest()
        raw.execute("UPDATE audit_block SET hash = ? WHERE last_id = ?", (bytes.fromhex(head), last_id))
        prev_last = last_id
    return head


def state_of(raw: sqlite3.Connection, table: str, rec: int) -> str:
    """The newest state the trail holds for a record."""
    return raw.execute("SELECT state FROM audit WHERE tbl = ? AND rec = ? ORDER BY id DESC LIMIT 1",
                       (table, rec)).fetchone()[0]


def rewrite_state(raw: sqlite3.Connection, table: str, rec: int, old: str, new: str) -> None:
    """Make the record's newest entry say what the row now says (triggers dropped)."""
    raw.execute("UPDATE audit SET state = replace(state, ?, ?) WHERE id = (SELECT max(id) FROM audit "
                "WHERE tbl = ? AND rec = ?)", (old, new, table, rec))
