"""Reading the audit trail: a heat's history, and what `qcdesk verify` checks against the records."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcdesk import chain, records
from qcdesk.i18n import _
from qcdesk.migrations import (
    FAILING_INGOTS,
    LIVE_INGOTS,
    PRODUCT_COLUMNS,
    PRODUCT_SUMS,
    SURFACE_COLUMNS,
    SURFACE_SUMS,
)
from qcdesk.model import (
    SAMPLE_KIND_NAMES,
    SampleKind,
)
from qcdesk.numbers import (
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.store.changes import Changes, read_changes
from qcdesk.store.common import as_text
from qcdesk.store.dialect import Trigger
from qcdesk.store.plans import PlansAndLimits

if TYPE_CHECKING:
    from qcdesk import plausibility


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    action: str
    entity: str
    entity_key: str
    heat_no: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    prev_hash: str | None = None
    hash: str | None = None


# entries' canonical text in id order (chain.ENTRY_SQL, a fixed expression)
_ENTRIES_SQL = "SELECT id, " + chain.ENTRY_SQL + " FROM audit WHERE id > ? AND id <= ? ORDER BY id"  # noqa: S608


# an entry of the log kept before schema 9, its content fields in chain order (fixed names)
_LEGACY_ENTRY_SQL = "SELECT " + ", ".join(chain.CONTENT_FIELDS) + " FROM audit_v1 WHERE id = ?"  # noqa: S608


_COUNTS = {table: f"SELECT count(*) FROM {table}"  # noqa: S608 - fixed table names
           for table in ("converter", "shift", "grade", "standard", "defect", "heat", "heat_analysis",
                         "ingot", "ingot_defect", "audit", "audit_v1", "audit_block", "person",
                         "signature", "plan", "control_limits", "sample")}


# The first live heat whose stored sums differ from its live ingots summed again by the
# migrations' own definition (weights within half a gram: the order of a float sum). The sums
# of the ingots failing a product analysis are summed again for the heats with such an ingot (a
# few: the partial index ingot_failing_product); every other heat's are 0.
# (constants of the migrations only)
_WRONG_SUMS_SQL = (
    "WITH s (heat_id, " + ", ".join(SURFACE_COLUMNS) + ") AS (SELECT heat_id, " + SURFACE_SUMS  # noqa: S608
    + " FROM ingot WHERE " + LIVE_INGOTS + " GROUP BY heat_id), "
    "f (heat_id, " + ", ".join(PRODUCT_COLUMNS) + ") AS (SELECT heat_id, " + PRODUCT_SUMS
    + " FROM ingot WHERE " + FAILING_INGOTS + " GROUP BY heat_id) "
    "SELECT h.heat_no FROM heat h LEFT JOIN s ON s.heat_id = h.id LEFT JOIN f ON f.heat_id = h.id "
    "WHERE h.void_reason IS NULL AND ("
    "h.n_ingots IS NOT coalesce(s.n_ingots, 0) OR h.n_judged IS NOT coalesce(s.n_judged, 0) "
    "OR h.n_surface_ok IS NOT coalesce(s.n_surface_ok, 0) "
    "OR NOT abs(h.w_judged_kg - coalesce(s.w_judged_kg, 0)) < 0.0005 "
    "OR NOT abs(h.w_surface_ok_kg - coalesce(s.w_surface_ok_kg, 0)) < 0.0005 "
    "OR h.n_pa_fails IS NOT coalesce(f.n_pa_fails, 0) OR h.n_pa_fails_ok IS NOT coalesce(f.n_pa_fails_ok, 0) "
    "OR NOT abs(h.w_pa_fails_kg - coalesce(f.w_pa_fails_kg, 0)) < 0.0005 "
    "OR NOT abs(h.w_pa_fails_ok_kg - coalesce(f.w_pa_fails_ok_kg, 0)) < 0.0005) "
    "ORDER BY h.id LIMIT 1")


# A live heat's verdict judged again as qcdesk.standards.check judges it: the edition in force
# on its tap date (the latest not after it); fails if a limited element is outside its limits,
# else not checked if one has no value (or there is no edition, or it limits nothing), else
# conforms. The first heat whose stored verdict or edition differs.
_WRONG_VERDICT_SQL = """
WITH e AS (
    SELECT h.id, h.heat_no, h.standard_id, h.chem_status,
           (SELECT s.id FROM standard s WHERE s.grade = h.grade
            AND s.effective_from <= substr(h.tapped_at, 1, 10)
            ORDER BY s.effective_from DESC LIMIT 1) AS edition
    FROM heat h WHERE h.void_reason IS NULL),
v AS (
    SELECT e.*, CASE
        WHEN e.edition IS NULL OR NOT EXISTS (SELECT 1 FROM standard_limit WHERE standard_id = e.edition)
            THEN 'not_checked'
        WHEN EXISTS (SELECT 1 FROM standard_limit l JOIN heat_analysis a ON a.heat_id = e.id
                     AND a.element = l.element AND a.voided = 0 WHERE l.standard_id = e.edition
                     AND (a.value_pct < l.min_pct OR a.value_pct > l.max_pct))
            THEN 'fails'
        WHEN EXISTS (SELECT 1 FROM standard_limit l WHERE l.standard_id = e.edition AND NOT EXISTS (
                     SELECT 1 FROM heat_analysis a WHERE a.heat_id = e.id AND a.element = l.element
                     AND a.voided = 0))
            THEN 'not_checked'
        ELSE 'conforms' END AS expected
    FROM e)
SELECT heat_no, chem_status, expected FROM v
WHERE chem_status IS NOT expected OR standard_id IS NOT edition ORDER BY id LIMIT 1
"""


# Per day and shift: the newest audit entry of its heats (voided ones too), their ingots and
# their samples, leaving out the seal of schema 9 (entries :lo < id <= :hi) and that of schema
# 10 (the samples' entries 'sealed'), with that heat's number. (`+h.id`, `+i.id`, `+m.id`: taken
# as they are, so that `audit.rec`, of no affinity, is looked up in its table's index; else
# SQLite reads every entry after the seal for each heat: hours on ten years of signed days.)
_CHANGED_SINCE_SQL = """
SELECT h.production_date, h.shift_id, max(coalesce(
    (SELECT max(id) FROM audit WHERE tbl = 'heat' AND rec = +h.id AND (id <= :lo OR id > :hi)), 0),
    coalesce((SELECT max(a.id) FROM ingot i JOIN audit a ON a.tbl = 'ingot' AND a.rec = +i.id
              WHERE i.heat_id = h.id AND (a.id <= :lo OR a.id > :hi)), 0),
    coalesce((SELECT max(a.id) FROM sample m JOIN audit a ON a.tbl = 'sample' AND a.rec = +m.id
              WHERE m.heat_id = h.id AND a.field IS NOT 'sealed'), 0)), h.heat_no
FROM heat h WHERE h.production_date IN (SELECT production_date FROM signature WHERE superseded_at IS NULL)
"""


def _described(tbl: str, state: list[Any], converters: Mapping[int, str],
               shift_codes: Mapping[int, str]) -> dict[str, object]:
    """A heat's or ingot's state (`qcdesk.records`) as its insert entry showed it before schema 9."""
    if tbl == records.HEAT:
        (_no, conv, tapped, day, shift, grade, weight, temp, inspector, notes, _void, rows) = state
        return {"converter": converters.get(conv, conv), "tapped_at": tapped, "production_date": day,
                "shift": shift_codes.get(shift, shift), "grade": grade, "tap_weight_t": weight,
                "tap_temp_c": temp, "inspector": inspector, "notes": notes,
                "analysis": {el: value for el, _seq, value, voided in rows if not voided}}
    (_heat, _no, weight, disposition, inspector, judged_at, _void, rows, *regrade_to) = state
    described = {"weight_kg": weight, "disposition": disposition, "inspector": inspector,
                 "judged_at": judged_at,
                 "defects": [code + (f"@{where}" if where else "") for _seq, code, where, voided in rows
                             if not voided]}
    return {**described, "regrade_to": regrade_to[0]} if regrade_to else described


class Trail(PlansAndLimits):
    def integrity_check(self) -> list[str]:
        """The database's own check (SQLite: PRAGMA integrity_check): ['ok'] if sound."""
        return self.dialect.integrity_check(self.conn)

    def foreign_key_check(self) -> list[tuple[str, object, str]]:
        """Rows whose reference points nowhere: (table, row id or key, referred table)."""
        return self.dialect.foreign_key_check(self.conn)

    def legacy_chain(self) -> Iterator[tuple[int, str, str | None, str | None]]:
        """Every entry of the log kept before schema 9 as (id, its content as SQLite's
        json_array writes it, prev_hash, hash), oldest first: the same text as
        `chain.content` for the text and whole numbers an entry holds (`legacy_entry` gives
        the fields, where they must be looked at one by one)."""
        columns = ", ".join(chain.CONTENT_FIELDS)
        yield from self.conn.execute(  # the columns are chain.CONTENT_FIELDS, fixed names
            f"SELECT id, json_array({columns}), prev_hash, hash FROM audit_v1 ORDER BY id")  # noqa: S608

    def legacy_entry(self, entry_id: int) -> tuple[object, ...]:
        """An entry of the log kept before schema 9: its content fields in chain order."""
        return tuple(self.conn.execute(_LEGACY_ENTRY_SQL, (entry_id,)).fetchone())

    def blocks(self) -> Iterator[tuple[int, str, str, str]]:
        """Every block of the chain as (last entry id, at, user, hash), oldest first."""
        for row in self.conn.execute("SELECT last_id, at, user, hash FROM audit_block ORDER BY last_id"):
            yield int(row[0]), str(row[1]), str(row[2]), bytes(row[3]).hex()

    def last_entry_id(self) -> int:
        """The id of the newest audit entry (0 for none)."""
        row = self.conn.execute("SELECT max(id) FROM audit").fetchone()
        return int(row[0]) if row[0] is not None else self._chain_tip()[0]

    def changes_since(self, last_id: int) -> Changes:
        """What was saved after audit entry `last_id` (issue 14: what a desk learns of the
        others' saves; `qcdesk.store.changes`)."""
        return read_changes(self.conn, last_id)

    def record_restore(self, backup_file: Path, backup_head: str, kept_aside: Path | None,
                       replaced_head: str | None, problem: str | None = None) -> None:
        """The audit entry of a restore, written into the restored database as whoever
        restored it (the administrator signed in to the database replaced, else the
        operating system's user): the backup, its chain head, where the replaced database
        was kept and its chain head, and what verify said of a backup restored by force."""
        with self.transaction():
            self._audit("insert", "restore", str(backup_file), new={
                "backup": str(backup_file), "backup_chain_head": backup_head,
                "kept_aside": None if kept_aside is None else str(kept_aside),
                "replaced_chain_head": replaced_head, "verify": problem or "ok"}, anyone=True)

    def entries_up_to(self, head: str) -> int | None:
        """How many audit entries the chain had when `head` was its head (0 for the
        empty chain); None if the chain never had that head."""
        if head == chain.GENESIS:
            return 0
        row = self.conn.execute("SELECT last_id FROM audit_block WHERE hash = ?",
                                (bytes.fromhex(head) if len(head) == 64 else b"",)).fetchone()
        if row is None:
            row = self.conn.execute("SELECT id FROM audit_v1 WHERE hash = ?", (head,)).fetchone()
        return None if row is None else int(row[0])

    def triggers(self) -> dict[str, Trigger]:
        """The database's triggers: name → what fires it and what it does, whitespace folded."""
        return self.dialect.triggers(self.conn)

    def expected_triggers(self) -> dict[str, Trigger]:
        """The triggers qcdesk creates (name → what fires it and what it does, whitespace
        folded): on SQLite from the migrations replayed on an empty database in memory, on
        PostgreSQL from its schema's script."""
        return self.dialect.expected_triggers()

    def functions(self) -> dict[str, str]:
        """The functions the database holds (PostgreSQL: name and arguments → body, whitespace
        folded; SQLite keeps none)."""
        return self.dialect.functions(self.conn)

    def expected_functions(self) -> dict[str, str]:
        """The functions qcdesk creates in the database (PostgreSQL's schema script; none on SQLite)."""
        return self.dialect.expected_functions()

    def first_heat_with_wrong_sums(self) -> str | None:
        """The number of the first live heat whose stored ingot sums (what the rates are
        computed from) differ from its live ingots, summed again; None if none does."""
        row = self.conn.execute(_WRONG_SUMS_SQL).fetchone()
        return None if row is None else str(row[0])

    def first_heat_with_wrong_verdict(self) -> tuple[str, str, str] | None:
        """The first live heat whose stored verdict (or edition) is not what its live analysis
        and the edition in force on its tap date give, judged again in SQL as
        `qcdesk.standards.check` judges: (heat number, stored, expected); None if none."""
        row = self.conn.execute(_WRONG_VERDICT_SQL).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))

    def first_ingot_with_wrong_product_verdict(self) -> tuple[str, int, bool] | None:
        """The first live ingot whose stored product-analysis verdict (failing or not) is not what
        its heat's product analyses give, judged again (`qcdesk.product`): (heat number, ingot
        number, stored failing); None if none. Only heats with product samples or marked ingots
        can differ."""
        heat_ids = [r[0] for r in self.conn.execute(
            "SELECT m.heat_id FROM sample m JOIN heat h ON h.id = m.heat_id AND h.void_reason IS NULL "
            "WHERE m.kind = 'product' UNION SELECT i.heat_id FROM ingot i JOIN heat h ON h.id = i.heat_id "
            "AND h.void_reason IS NULL WHERE i.pa_fails = 1 ORDER BY 1")]
        checks = self._product_checks(heat_ids)
        for heat_id, check in sorted(checks.items()):
            for heat_no, ingot_no, stored in self.conn.execute(
                    "SELECT h.heat_no, i.ingot_no, i.pa_fails FROM ingot i JOIN heat h ON h.id = i.heat_id "
                    "WHERE i.heat_id = ? AND i.void_reason IS NULL ORDER BY i.ingot_no", (heat_id,)):
                if bool(stored) != (ingot_no in check.failing_ingots):
                    return str(heat_no), int(ingot_no), bool(stored)
        return None

    def legacy_tip(self) -> tuple[int, str]:
        """Where the log kept before schema 9 ends: (its last id, its head)."""
        row = self.conn.execute("SELECT id, hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)

    def first_block_start(self) -> int:
        """The entry id after which the blocks begin."""
        return self.legacy_tip()[0]

    def has_head(self, last_id: int, head: str) -> bool:
        """Whether the chain had `head` after entry `last_id` (a block's, or the old log's)."""
        if (last_id, head) == (0, chain.GENESIS):
            return True
        try:
            digest = bytes.fromhex(head)
        except ValueError:
            return False
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM audit_block WHERE last_id = ? AND hash = ?) "
            "OR EXISTS (SELECT 1 FROM audit_v1 WHERE id = ? AND hash = ?)",
            (last_id, digest, last_id, head)).fetchone()[0])

    def audit_entries(self, after: int, last: int) -> Iterator[tuple[int, str]]:
        """(id, canonical text) of the entries after `after` up to `last`, in id order."""
        yield from self.conn.execute(_ENTRIES_SQL, (after, last))

    def records_against_trail(self, table: records.Table) -> tuple[int, object | None, int]:
        """One pass over a table and its newest entries: (records the trail says are there,
        the key of the first whose row differs from its newest entry's state or is missing,
        rows in the table)."""
        live, bad = self.conn.execute(table.against_trail).fetchone()
        rows = self.conn.execute(table.count).fetchone()[0]
        return int(live), bad, int(rows)

    def record_without_entry(self, table: records.Table) -> object:
        """The key of a row that no audit entry names."""
        row = self.conn.execute(table.without_entry).fetchone()
        return None if row is None else row[0]

    def record_and_trail(self, table: records.Table, rec: object) -> tuple[int | None, str | None,
                                                                          str | None]:
        """A record's newest entry (id, state) and the live row's state (None: no row)."""
        entry = self.conn.execute(table.newest_entry, (rec,)).fetchone()
        live = self.conn.execute(table.live_state, (rec,)).fetchone()
        return (entry[0] if entry else None, entry[1] if entry else None, live[0] if live else None)

    def record_label(self, table: records.Table, rec: object) -> str:
        """How a person names a record: a heat's number, an ingot as heat/number, a code."""
        _id, logged, live = self.record_and_trail(table, rec)
        if logged in (None, records.REMOVED):
            row = self.conn.execute(table.newest_state, (rec,)).fetchone()
            logged = row[0] if row else None
        state = json.loads(live or logged or "null")
        if not isinstance(state, list) or not state:
            return str(rec)
        if table.name == records.INGOT:
            heat = self.conn.execute("SELECT heat_no FROM heat WHERE id = ?", (state[0],)).fetchone()
            return _("{heat}/{n} (ingot row {rec})").format(heat=heat[0] if heat else state[0], n=state[1],
                                                            rec=rec)
        if table.name == records.SIGNATURE:
            return _("#{rec} ({kind} {day})").format(rec=rec, kind=state[0], day=state[1])
        if table.name == records.LIMITS:
            return str(rec)
        if table.name == records.STANDARD:
            return f"{state[0]} {state[1]}-{state[2]} @{state[3]}"
        if table.name == records.TOLERANCES:
            return f"{state[0]}-{state[1]} @{state[2]}"
        if table.name == records.SAMPLE:
            heat = self.conn.execute("SELECT heat_no FROM heat WHERE id = ?", (state[0],)).fetchone()
            kind = SAMPLE_KIND_NAMES.get(SampleKind(state[1])) if state[1] in set(SampleKind) else None
            return _("{heat}/{sample} ({kind}, sample row {rec})").format(
                heat=heat[0] if heat else state[0], sample=state[2] or "-",
                kind=_(kind[0]) if kind else state[1], rec=rec)
        if table.name == records.DISMISSAL:
            heat = self.conn.execute("SELECT heat_no FROM heat WHERE id = ?", (state[1],)).fetchone()
            return _("{heat}/{element} (dismissal row {rec})").format(
                heat=heat[0] if heat else state[1], element=state[3], rec=rec)
        return _("{name} (row {rec})").format(name=state[0], rec=rec)

    def signing_entry(self, sig_id: int) -> tuple[int, str, str | None, str | None] | None:
        """The audit entry of a signature's signing: (id, its author, its new value, the chain's
        head before it); None if there is none."""
        row = self.conn.execute(
            "SELECT a.id, b.user, a.new_value FROM audit a JOIN audit_block b ON b.last_id = "
            "(SELECT min(last_id) FROM audit_block WHERE last_id >= a.id) "
            "WHERE a.tbl = 'signature' AND a.rec = ? AND a.action = 'insert' ORDER BY a.id LIMIT 1",
            (sig_id,)).fetchone()
        if row is not None:
            before = self.conn.execute("SELECT hash FROM audit_block WHERE last_id < ? "
                                       "ORDER BY last_id DESC LIMIT 1", (row[0],)).fetchone()
            head = bytes(before[0]).hex() if before else self.legacy_tip()[1]
            return int(row[0]), str(row[1]), row[2], head
        row = self.conn.execute(
            "SELECT id, user, new_value, prev_hash FROM audit_v1 WHERE entity = 'signature' "
            "AND action = 'insert' AND entity_key LIKE ? ORDER BY id LIMIT 1", (f"% #{sig_id}",)).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), row[2], row[3])

    def superseding_entry(self, sig_id: int) -> tuple[str | None, str | None] | None:
        """(new value, reason) of the entry that superseded a signature; None if none did."""
        row = self.conn.execute(
            "SELECT new_value, reason FROM audit WHERE tbl = 'signature' AND rec = ? "
            "AND field = 'superseded' ORDER BY id LIMIT 1", (sig_id,)).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT new_value, reason FROM audit_v1 WHERE entity = 'signature' AND field = 'superseded' "
                "AND entity_key LIKE ? ORDER BY id LIMIT 1", (f"% #{sig_id}",)).fetchone()
        return None if row is None else (row[0], row[1])

    def person_at(self, sig_id: int, entry_id: int) -> tuple[str, str, str | None, bool] | None:
        """Who signed signature `sig_id`, as the audit trail has them just before entry
        `entry_id`: (name, role, PIN hash, active). For a signing before schema 9, from the
        old log's entries of that person (which do not keep the PIN hash: None)."""
        person = self.conn.execute("SELECT person_id, signer FROM signature WHERE id = ?",
                                   (sig_id,)).fetchone()
        if person is None:
            return None
        row = self.conn.execute("SELECT state FROM audit WHERE tbl = 'person' AND rec = ? AND id < ? "
                                "AND state IS NOT NULL ORDER BY id DESC LIMIT 1",
                                (person[0], entry_id)).fetchone()
        if row is not None and row[0] != records.REMOVED:
            name, role, pin_hash, active = json.loads(row[0])
            return str(name), str(role), str(pin_hash), bool(active)
        found: tuple[str, str, str | None, bool] | None = None
        for action, _key, field_name, new in self.conn.execute(
                "SELECT action, entity_key, field, new_value FROM audit_v1 WHERE entity = 'person' "
                "AND entity_key = ? AND id < ? ORDER BY id", (person[1], entry_id)):
            if action == "insert":
                record = json.loads(new)
                found = (str(record["name"]), str(record["role"]), None, True)
            elif found is not None and field_name == "active":
                found = (found[0], found[1], None, new in ("True", "1", "true"))
        return found

    def signed_and_changed_since(self) -> tuple[int, str] | None:
        """A signature in force whose records (its day's or shift's heats and their ingots)
        changed after its signing: (its id, the record); None if none. The seal of schema 9
        is no change."""
        live = [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT id, production_date, shift_id FROM signature WHERE superseded_at IS NULL")]
        if not live:
            return None
        lo = self.legacy_tip()[0]
        first = self.conn.execute("SELECT min(last_id) FROM audit_block").fetchone()[0] or lo
        changed: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)  # day → shift → newest
        for day, shift_id, entry_id, heat_no in self.conn.execute(
                _CHANGED_SINCE_SQL, {"lo": lo, "hi": first}):
            if entry_id is not None and entry_id > changed[day].get(shift_id, (0, ""))[0]:
                changed[day][shift_id] = (entry_id, heat_no)
        for sig_id, day, shift_id in live:
            signing = self.signing_entry(sig_id)
            if signing is None:
                continue
            shifts_of_day = changed.get(day, {})
            places = list(shifts_of_day.values()) if shift_id is None else (
                [shifts_of_day[shift_id]] if shift_id in shifts_of_day else [])
            latest = max(places, default=(0, ""))
            if latest[0] > signing[0]:
                return sig_id, _("heat {heat_no}").format(heat_no=latest[1])
        return None

    def signing_without_signature(self) -> tuple[int, str] | None:
        """An old log's entry of a signing whose signature is missing: (entry id, its key)."""
        for entry_id, key in self.conn.execute(
                "SELECT id, entity_key FROM audit_v1 WHERE entity = 'signature' AND action = 'insert' "
                "ORDER BY id"):
            sig_id = str(key).rpartition("#")[2]
            if not sig_id.isdigit() or not self.conn.execute(
                    "SELECT 1 FROM signature WHERE id = ?", (int(sig_id),)).fetchone():
                return int(entry_id), str(key)
        return None

    def audit(self, heat_no: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first: of one heat (its record, analysis and ingots, also of
        one since voided), or all. Entries since schema 9 that name a heat or an ingot by its
        record alone are given its heat number and key here, and an insert its values."""
        if heat_no is None:
            old = self.conn.execute("SELECT * FROM audit_v1 ORDER BY id")
            where, params = "", {}
        else:
            wanted = normalise_code(heat_no).strip()
            old = self.conn.execute("SELECT * FROM audit_v1 WHERE heat_no = ? ORDER BY id", (wanted,))
            found = self.conn.execute("SELECT id FROM heat WHERE heat_no = ?", (wanted,)).fetchone()
            where = ("WHERE a.id IN (SELECT id FROM audit WHERE tbl = 'heat' AND rec = :heat "
                     "UNION ALL SELECT a2.id FROM ingot i2 JOIN audit a2 ON a2.tbl = 'ingot' "
                     "AND a2.rec = i2.id WHERE i2.heat_id = :heat "
                     "UNION ALL SELECT id FROM audit WHERE heat_no = :no)")
            params = {"heat": found[0] if found else None, "no": wanted}
        entries = [AuditEntry(**dict(r)) for r in old]
        converters = {c.id: c.code for c in self.converters()}
        shift_codes = {s.id: s.code for s in self.shifts()}
        # the block's time and author; the block's hash on its last entry
        for r in self.conn.execute(
                "SELECT a.*, b.at, b.user, b.hash AS block_hash, b.last_id, h.heat_no AS record_heat, "  # noqa: S608
                "i.ingot_no AS record_ingot FROM audit a "
                "LEFT JOIN audit_block b ON b.last_id = (SELECT min(last_id) FROM audit_block "
                "WHERE last_id >= a.id) "
                "LEFT JOIN ingot i ON a.tbl = 'ingot' AND i.id = a.rec "
                "LEFT JOIN heat h ON h.id = "
                "CASE a.tbl WHEN 'heat' THEN a.rec WHEN 'ingot' THEN i.heat_id END "
                + where + " ORDER BY a.id", params):
            key, number, new, entity = r["entity_key"], r["heat_no"], r["new_value"], r["entity"] or r["tbl"]
            if r["tbl"] in (records.HEAT, records.INGOT):
                number = r["record_heat"]
                key = (f"{number}/{r['record_ingot']}" if r["tbl"] == records.INGOT
                       else f"{number}/{r['field']}" if entity == "analysis" else number)
                if r["action"] == "insert" and new is None and r["state"]:
                    new = as_text(_described(r["tbl"], json.loads(r["state"]), converters, shift_codes))
            entries.append(AuditEntry(
                r["id"], r["at"] or "?", r["user"] or "?", r["action"], entity, key, number,
                r["field"], r["old_value"], new, r["reason"], None,
                bytes(r["block_hash"]).hex() if r["last_id"] == r["id"] else None))
        return entries

    def counts(self) -> dict[str, int]:
        """How many rows each table holds (for checks and backups)."""
        return {table: self.conn.execute(sql).fetchone()[0] for table, sql in _COUNTS.items()}

    def note_plausibility(self, heat_no: str) -> list[plausibility.Doubt]:
        """The heat's plausibility doubts as it stands; a kind of doubt that shows for the first
        time is written into the heat's history (field "plausibility", the doubt in English words).
        Warned and recorded, never refused."""
        from qcdesk import plausibility  # noqa: PLC0415 - see qcdesk.store's docstring

        with self.transaction():
            self._require(Permission.RECORD)
            heat = self.heat(heat_no)
            doubts = plausibility.check(heat.tap_weight_t, heat.tap_temp_c,
                                        [(i.weight_kg, i.disposition) for i in self.ingots(heat.heat_no)])
            recorded = plausibility.kinds_in([e.new_value or "" for e in self.audit(heat.heat_no)
                                              if e.field == "plausibility"])
            for doubt in doubts:
                if doubt.kind not in recorded:
                    self._audit("update", "heat", heat.heat_no, heat_no=heat.heat_no,
                                field_name="plausibility", new=doubt.english())
        return doubts

    def earlier_reasons(self, limit: int = 8) -> list[str]:
        """The distinct reasons given for corrections of heats, analyses and ingots, the most used
        first (then the most recent), at most `limit`: the choices a correction offers."""
        # the newest 20,000 entries of the log (and of the log kept before schema 9) are enough
        # to know the reasons in use, and keep the dialog quick on years of records
        rows = self.conn.execute(
            "SELECT reason FROM (SELECT id, reason, coalesce(entity, tbl) AS what, action, field FROM audit "
            "WHERE id > (SELECT coalesce(max(id), 0) - 20000 FROM audit) UNION ALL "
            "SELECT id, reason, entity, action, field FROM audit_v1 "
            "WHERE id > (SELECT coalesce(max(id), 0) - 20000 FROM audit_v1)) "
            "WHERE reason IS NOT NULL AND reason <> 'undone' AND what IN ('heat', 'analysis', 'ingot') "
            "AND action = 'update' AND coalesce(field, '') NOT IN ('voided', 'plausibility', 'sealed') "
            "GROUP BY reason ORDER BY count(*) DESC, max(id) DESC, reason LIMIT ?", (max(0, limit),))
        return [r[0] for r in rows]
