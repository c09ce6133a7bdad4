"""What someone with the database can do behind the program's back, for the tamper tests: with
the SQLite file and a plain sqlite3 client, or with a PostgreSQL database and its owner's
password (here the server's superuser) and a plain psycopg connection.

Nothing here uses qcdesk to change the database: the chain is re-hashed by the documented rule
alone (README, "Records you can trust"), the way an attacker who read the documentation would.
(`journal_of` only says where qcdesk keeps a database's journal of chain heads.)
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROTECTIONS = ("audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_replace",
               "audit_block_no_update", "audit_block_no_delete", "audit_block_no_replace",
               "heat_no_delete", "ingot_no_delete", "heat_analysis_no_delete", "ingot_defect_no_delete",
               "person_no_delete", "signature_no_delete", "signature_fixed", "signature_superseded_once")


def on_server(db: Path | str) -> bool:
    """Whether `db` (a test's db_path) is a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith("postgresql://")


# ------------------------------------------------------------------ the server

_QUESTION = re.compile(r"\?")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Server:
    """A plain psycopg connection to the database as its owner, taking the same `?` and
    `:name` placeholders as sqlite3 (so an attack reads the same on both); one transaction,
    committed by `commit`."""

    kind = "postgresql"

    def __init__(self, uri: str) -> None:
        import psycopg

        self.conn = psycopg.connect(uri)

    @staticmethod
    def _sql(sql: str) -> str:
        return _NAMED.sub(r"%(\1)s", _QUESTION.sub("%s", sql.replace("%", "%%")))

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        return self.conn.execute(self._sql(sql), params)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        self.conn.cursor().executemany(self._sql(sql), seq)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def table_of(self, trigger: str) -> str:
        """The table a trigger is on."""
        row = self.conn.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s "
                                "AND NOT tgisinternal", (trigger,)).fetchone()
        assert row is not None, trigger
        return str(row[0])

    def disable_trigger(self, trigger: str) -> None:
        self.conn.execute(f'ALTER TABLE {self.table_of(trigger)} DISABLE TRIGGER "{trigger}"')

    def enable_trigger(self, trigger: str) -> None:
        self.conn.execute(f'ALTER TABLE {self.table_of(trigger)} ENABLE TRIGGER "{trigger}"')

    def drop_trigger(self, trigger: str) -> None:
        self.conn.execute(f'DROP TRIGGER "{trigger}" ON {self.table_of(trigger)}')

    def switch_off(self, trigger: str) -> None:
        """Stop a trigger firing as an owner would: ALTER TABLE … DISABLE TRIGGER."""
        self.disable_trigger(trigger)


class File:
    """A plain sqlite3 connection to the file (the same calls as `Server`)."""

    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, seq)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def drop_trigger(self, trigger: str) -> None:
        self.conn.execute(f'DROP TRIGGER "{trigger}"')

    def switch_off(self, trigger: str) -> None:
        """Stop a trigger firing: SQLite has no disabled triggers, so drop it."""
        self.drop_trigger(trigger)


Raw = File | Server


@contextmanager
def plain(db: Path | str, *, drop_triggers: bool = False) -> Iterator[Raw]:
    """A plain connection to the database (the file, or the server as its owner), committed at
    the end; with `drop_triggers`, the protective triggers out of the way for the while (dropped
    from the file, disabled on the server) and put back as they were."""
    raw: Raw = Server(str(db)) if on_server(db) else File(Path(db))
    saved: list[tuple[str, str]] = []
    try:
        if drop_triggers and isinstance(raw, Server):
            for name in PROTECTIONS:
                raw.disable_trigger(name)
        elif drop_triggers:
            saved = raw.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' "
                                "AND name IN ({})".format(",".join("?" * len(PROTECTIONS))),
                                PROTECTIONS).fetchall()
            for name, _sql in saved:
                raw.execute(f'DROP TRIGGER "{name}"')
        yield raw
        if drop_triggers and isinstance(raw, Server):
            for name in PROTECTIONS:
                raw.enable_trigger(name)
        for _name, sql in saved:
            raw.execute(sql)
        raw.commit()
    finally:
        raw.close()


@contextmanager
def plain_sqlite(path: Path, *, drop_triggers: bool = False) -> Iterator[Raw]:
    """`plain` (the name of the days when the database was a file only)."""
    with plain(path, drop_triggers=drop_triggers) as raw:
        yield raw


def fingerprint(db: Path | str) -> str:
    """What changes if anything in the database changes: the file's bytes, or on the server
    every row of every table of its schema."""
    if not on_server(db):
        return hashlib.sha256(Path(db).read_bytes()).hexdigest()
    digest = hashlib.sha256()
    with plain(db) as raw:
        tables = [r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = "
                                            "current_schema() ORDER BY tablename").fetchall()]
        for table in tables:
            digest.update(table.encode())
            for row in raw.execute(f'SELECT t::text FROM "{table}" t ORDER BY t::text').fetchall():
                digest.update(row[0].encode() + b"\n")
    return digest.hexdigest()


def journal_of(db: Path | str) -> Path:
    """Where qcdesk keeps the journal of chain heads of `db`: beside the file, or for a server
    database in this workstation's folder."""
    from qcdesk.journal import journal_path
    from qcdesk.store import postgres

    if on_server(db):
        return journal_path(postgres.witness_folder() / postgres.Server(str(db)).key)
    return journal_path(Path(db))


# ---------------------------------------------------------------- the chain


def compact(values: list[object] | tuple[object, ...]) -> bytes:
    """The documented encoding: compact JSON, not escaped beyond what JSON needs, UTF-8."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


ENTRY_COLUMNS = ("id, action, entity, entity_key, heat_no, field, old_value, new_value, reason, "
                 "tbl, rec, state")


def _entry(row: Sequence[Any]) -> list[object]:
    """An entry's fields as the documented rule has them: a record's key is the row id, a
    number (the server keeps it as text, beside the control limits' composed keys)."""
    values = list(row)
    rec = values[10]
    values[10] = int(rec) if isinstance(rec, str) and re.fullmatch(r"-?[0-9]+", rec) else rec
    return values


def rehash(raw: Raw) -> str:
    """Seal every block again by the documented rule, as after editing entries (the
    block table's triggers must be out of the way); the new head."""
    row = raw.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
    prev_last, head = (row[0], row[1]) if row else (0, "0" * 64)
    for last_id, at, user in raw.execute('SELECT last_id, at, "user" FROM audit_block ORDER BY last_id'
                                         ).fetchall():
        content = b"".join(compact(_entry(entry)) for entry in raw.execute(
            f"SELECT {ENTRY_COLUMNS} FROM audit WHERE id > ? AND id <= ? ORDER BY id",
            (prev_last, last_id)).fetchall())
        head = hashlib.sha256(head.encode() + compact([last_id, at, user]) + content).hexdigest()
        raw.execute("UPDATE audit_block SET hash = ? WHERE last_id = ?", (bytes.fromhex(head), last_id))
        prev_last = last_id
    return head


def state_of(raw: Raw, table: str, rec: int) -> str:
    """The newest state the trail holds for a record."""
    return str(raw.execute("SELECT state FROM audit WHERE tbl = ? AND rec = ? ORDER BY id DESC LIMIT 1",
                           (table, str(rec) if isinstance(raw, Server) else rec)).fetchone()[0])


def rewrite_state(raw: Raw, table: str, rec: int, old: str, new: str) -> None:
    """Make the record's newest entry say what the row now says (triggers out of the way)."""
    raw.execute("UPDATE audit SET state = replace(state, ?, ?) WHERE id = (SELECT max(id) FROM audit "
                "WHERE tbl = ? AND rec = ?)", (old, new, table, str(rec) if isinstance(raw, Server) else rec))
