"""`qcdesk verify`: the file, the audit hash chain and every signature, checked again."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from signed_shop import DAY, NOW, PINS, make_shop, open_as

from qcdesk import migrations
from qcdesk.cli import main
from qcdesk.migrations import APPLICATION_ID, LATEST
from qcdesk.store import Store
from qcdesk.verify import verify


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def by_hand(prev: str, fields: list[object]) -> str:
    """The documented link: SHA-256 of the previous hash (hex, ASCII) then the entry's
    fields as compact JSON (UTF-8, not escaped)."""
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev.encode("ascii") + text.encode("utf-8")).hexdigest()


def test_the_chain_is_the_documented_hash_of_each_entry(store: Store) -> None:
    store.add_grade("20", "quality carbon steel")
    store.add_grade("45")
    first, second = store.audit()
    assert first.prev_hash == "0" * 64
    assert first.hash == by_hand("0" * 64, [
        1, first.at, "tester", "insert", "grade", "20", None, None, None,
        '{"code": "20", "description": "quality carbon steel"}', None])
    assert second.prev_hash == first.hash
    assert second.hash == by_hand(first.hash or "", [
        2, second.at, "tester", "insert", "grade", "45", None, None, None,
        '{"code": "45", "description": ""}', None])


def test_verify_passes_on_the_demo_database(demo_copy: Path) -> None:
    code, out, err = run("--db", str(demo_copy), "verify")
    assert (code, err) == (0, "")
    assert out.startswith("verify ok: integrity ok, ")
    with Store.open(demo_copy, "tester") as s:
        report = verify(s)
        entries = len(s.audit())
    assert report.ok
    assert report.entries == entries > 936


def test_a_changed_byte_of_an_audit_entry_is_named(demo_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "attacked.sqlite"
    shutil.copy(demo_file, db)  # the shared demo is only read
    with sqlite3.connect(db) as raw:  # an attacker with a plain sqlite3 client
        raw.execute("DROP TRIGGER audit_no_update")
        at, value = raw.execute("SELECT at, new_value FROM audit WHERE id = 500").fetchone()
        raw.execute("UPDATE audit SET new_value = ? WHERE id = 500", (value.replace("1", "7", 1),))
    code, out, _err = run("--db", str(db), "verify")
    assert code == 1
    assert "verify FAILED: audit entry 500 (" + at + ", insert " in out


def test_an_entry_removed_from_the_middle_is_found(demo_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "attacked.sqlite"
    shutil.copy(demo_file, db)  # the shared demo is only read
    with sqlite3.connect(db) as raw:
        raw.execute("DROP TRIGGER audit_no_delete")
        raw.execute("DELETE FROM audit WHERE id = 10")
    code, out, _err = run("--db", str(db), "verify")
    assert code == 1
    assert "audit entry 11 (" in out


def _signed(db_path: Path) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
        s.sign_shift(DAY, "evening", PINS["wang"])
    with open_as(db_path, "hu") as s:
        s.sign_day(DAY, PINS["hu"])


def test_a_changed_weight_of_a_signed_ingot_is_named(db_path: Path) -> None:
    _signed(db_path)
    assert run("--db", str(db_path), "verify")[0] == 0
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE ingot SET weight_kg = 701.0 WHERE ingot_no = 1 AND heat_id = "
                    "(SELECT id FROM heat WHERE heat_no = 'D1')")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    # the first signature covering it: the day shift closed by wang
    assert "the records of 2025-03-10, shift day signed by wang (shift closed by inspector)" in out


def test_a_correction_through_the_program_keeps_verify_passing(db_path: Path) -> None:
    _signed(db_path)
    with open_as(db_path, "hu") as s:
        s.update_ingot("D1", 1, weight_kg=701.0, reason="scale recalibrated")
        assert verify(s).ok  # the superseded signatures are not re-hashed; the chain holds


def test_a_rebuilt_chain_is_betrayed_by_a_signature(db_path: Path) -> None:
    """An attacker who rewrites an entry and re-hashes the whole chain after it still
    leaves the signatures' chain heads behind."""
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 1")
        prev = "0" * 64
        rows = raw.execute("SELECT id, at, user, action, entity, entity_key, heat_no, field, "
                           "old_value, new_value, reason FROM audit ORDER BY id").fetchall()
        for row in rows:
            digest = by_hand(prev, list(row))
            raw.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
            prev = digest
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "refers to an audit chain head that is not in the log" in out


def test_two_connections_writing_in_turn_keep_one_chain(db_path: Path) -> None:
    with Store.open(db_path, "a", clock=lambda: NOW) as a, Store.open(db_path, "b", clock=lambda: NOW) as b:
        for i in range(5):
            a.add_grade(f"A{i}")
            b.add_grade(f"B{i}")
        assert verify(a).ok
        assert verify(b).ok
        assert [e.user for e in a.audit()] == ["a", "b"] * 5


def test_the_migration_chains_an_existing_log(db_path: Path) -> None:
    """A schema-1 database with entries written before the chain existed."""
    version, script = migrations.MIGRATIONS[0][:2]
    assert version == 1
    with sqlite3.connect(db_path) as raw:
        raw.executescript(script)
        raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        raw.execute("PRAGMA user_version = 1")
        raw.executemany("INSERT INTO audit (at, user, action, entity, entity_key, new_value) "
                        "VALUES (?, ?, 'insert', 'grade', ?, ?)",
                        [("2024-01-02T08:00:00+08:00", "王", "Q235B", '{"code": "Q235B"}'),
                         ("2024-01-02T08:01:00+08:00", "li", "20", None)])
    with Store.open(db_path, "tester") as s:
        assert s.schema_version() == LATEST
        first, second = s.audit()
        assert first.hash == by_hand("0" * 64, [1, "2024-01-02T08:00:00+08:00", "王", "insert", "grade",
                                                "Q235B", None, None, None, '{"code": "Q235B"}', None])
        assert second.prev_hash == first.hash
        assert second.hash == by_hand(first.hash or "", [2, "2024-01-02T08:01:00+08:00", "li", "insert",
                                                         "grade", "20", None, None, None, None, None])
        assert verify(s).ok
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            s.conn.execute("UPDATE audit SET hash = NULL")


def test_verify_reports_a_dangling_reference(db_path: Path) -> None:
    make_shop(db_path, people=False)
    with sqlite3.connect(db_path) as raw:  # foreign keys are off in a plain client
        raw.execute("UPDATE ingot SET heat_id = 999 WHERE id = 1")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "ingot row 1 refers to a missing heat" in out


def test_verify_as_json(db_path: Path) -> None:
    make_shop(db_path)
    code, out, _err = run("--db", str(db_path), "verify", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True
    assert report["problem"] is None
    with Store.open(db_path, "tester") as s:
        assert report["chain_head"] == s.audit()[-1].hash == s.chain_head()


def test_two_threads_writing_at_once_keep_one_chain(db_path: Path) -> None:
    Store.open(db_path, "tester").close()

    def write(prefix: str) -> None:
        with Store.open(db_path, prefix) as s:
            for i in range(15):
                s.add_grade(f"{prefix}{i}")

    workers = [threading.Thread(target=write, args=(p,)) for p in ("A", "B")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with Store.open(db_path, "tester") as s:
        report = verify(s)
        assert report.ok, report.problem
        assert report.entries == 30


def test_changed_ingot_sums_of_a_signed_heat_are_named(db_path: Path) -> None:
    """The rates come from each heat's stored sums, which no signature covers: verify sums
    the ingots again (D1: 700 kg accepted + 650 kg scrap, so 700 of 1350 kg surface-ok)."""
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE heat SET w_surface_ok_kg = 1350.0, n_surface_ok = 2 WHERE heat_no = 'D1'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the stored ingot sums of heat D1 do not match its ingots" in out


def test_a_changed_weight_sum_alone_is_named(db_path: Path) -> None:
    make_shop(db_path, people=False)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE heat SET w_judged_kg = 800.5 WHERE heat_no = 'D2'")
    assert "the stored ingot sums of heat D2 do not match" in run("--db", str(db_path), "verify")[1]


def test_a_changed_chemistry_verdict_is_named(db_path: Path) -> None:
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE heat SET chem_status = 'fails' WHERE heat_no = 'E1'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the stored chemistry verdict of heat E1 (fails) is not what its analysis" in out


def test_a_changed_analysis_judged_again_is_found(db_path: Path) -> None:
    """An analysis changed with its verdict left as it was: C 0.15 → 0.90 fails Q235B."""
    make_shop(db_path, people=False)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE heat_analysis SET value_pct = 0.90 WHERE element = 'C' AND heat_id = "
                    "(SELECT id FROM heat WHERE heat_no = 'D2')")
    assert "verdict of heat D2 (conforms)" in run("--db", str(db_path), "verify")[1]


def test_signatures_marked_superseded_behind_the_program_are_named(db_path: Path) -> None:
    """Marking signatures superseded needs no dropped trigger; then a changed record would
    no longer be re-hashed. Each superseding must have its audit entry."""
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE disposition = 'scrap'")
        raw.execute("UPDATE signature SET superseded_at = '2025-03-11T08:00:00+00:00', "
                    "superseded_reason = 'x'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert ("the signature #1 of 2025-03-10, shift day by wang (shift closed by inspector) at "
            "2025-03-10T20:00:00+00:00 is marked superseded without an audit entry of its correction") in out


def test_a_rewritten_records_hash_is_named(db_path: Path) -> None:
    """An attacker changes a signed record and writes the new records' hash into the
    signature (dropping the trigger): the audit entry of the signing still has the old."""
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE disposition = 'scrap'")
    with Store.open(db_path, "tester") as s:
        rehashed = {sig.id: s.signed_records_hash(sig.production_date, sig.shift)
                    for sig in s.all_signatures()}
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER signature_fixed")
        raw.executemany("UPDATE signature SET records_hash = ? WHERE id = ?",
                        [(h, i) for i, h in rehashed.items()])
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the signature #1 of 2025-03-10, shift day by wang" in out
    assert "does not match the audit entry of its signing (records_hash)" in out


@pytest.mark.parametrize(("column", "value"), [("signer", "zhao"),
                                               ("signed_at", "2025-03-11T08:00:00+00:00"),
                                               ("meaning", "day approved by workshop head")])
def test_a_forged_signer_time_or_meaning_is_named(db_path: Path, column: str, value: str) -> None:
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER signature_fixed")
        raw.execute(f"UPDATE signature SET {column} = ? WHERE id = 2", (value,))
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the signature #2 of 2025-03-10, shift evening by " in out
    assert f"does not match the audit entry of its signing ({column})" in out


def test_a_deleted_or_revived_signature_is_named(db_path: Path, tmp_path: Path) -> None:
    _signed(db_path)
    deleted = tmp_path / "deleted.sqlite"
    shutil.copy(db_path, deleted)
    with sqlite3.connect(deleted) as raw:
        raw.execute("DROP TRIGGER signature_no_delete")
        raw.execute("DELETE FROM signature WHERE id = 3")
    out = run("--db", str(deleted), "verify")[1]
    assert "records the signature day 2025-03-10 #3, which is missing" in out
    with open_as(db_path, "hu") as s:  # a correction: all three superseded, with entries
        s.update_ingot("D1", 1, weight_kg=701.0, reason="scale recalibrated")
        assert verify(s).ok
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER signature_superseded_once")
        raw.execute("UPDATE signature SET superseded_at = NULL, superseded_reason = NULL WHERE id = 3")
    assert "is shown as in force, but the audit log records it superseded" in run(
        "--db", str(db_path), "verify")[1]


@pytest.mark.parametrize("trigger", ["audit_no_delete", "signature_fixed", "ingot_no_delete",
                                     "ingot_rollup_update"])
def test_a_dropped_trigger_is_named(db_path: Path, trigger: str) -> None:
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"DROP TRIGGER {trigger}")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert f"the protective trigger {trigger} is missing" in out


def test_a_trigger_replaced_by_one_that_does_nothing_is_named(db_path: Path) -> None:
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT 1; END")
    out = run("--db", str(db_path), "verify")[1]
    assert "the trigger audit_no_update is not the one qcdesk wrote" in out
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
                    "SELECT RAISE(ABORT, 'the audit log is append-only'); END")
        raw.execute("CREATE TRIGGER sneak AFTER INSERT ON ingot BEGIN SELECT 1; END")
    assert "the trigger sneak was not written by qcdesk" in run("--db", str(db_path), "verify")[1]


def test_a_database_made_before_the_replace_guard_gets_it(db_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """audit_no_replace joined migration 1 after databases of schema 1 were made (the
    ten-year benchmark's among them): a later migration gives it to them, and verify passes."""
    import qcdesk.store as store_module

    before = next(i for i, m in enumerate(migrations.MIGRATIONS) if m[1] is migrations._ANALYSIS_SEQ)
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS[:before])
    monkeypatch.setattr(store_module, "LATEST", migrations.MIGRATIONS[before - 1][0])
    make_shop(db_path, people=False)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_no_replace")
    monkeypatch.undo()
    with Store.open(db_path, "tester") as s:
        assert "audit_no_replace" in s.triggers()
        assert verify(s).ok
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            s.conn.execute("INSERT OR REPLACE INTO audit (id, at, user, action, entity, entity_key) "
                           "VALUES (1, 'x', 'x', 'insert', 'x', 'x')")
