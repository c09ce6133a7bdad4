"""`qcdesk verify`: the file, the audit hash chain and every signature, checked again."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import threading
from importlib import resources
from pathlib import Path

import pytest
from attacker import Raw, on_server, plain, rehash
from pgserver import PgServer
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


def block_by_hand(prev: str, last_id: int, at: str, user: str, entries: list[list[object]]) -> str:
    """The documented block hash: SHA-256 of the previous head (hex, ASCII), then the header
    [last entry's id, time, author], then each entry's fields, each array as compact JSON."""
    def enc(values: list[object]) -> bytes:
        return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = enc([last_id, at, user]) + b"".join(enc(e) for e in entries)
    return hashlib.sha256(prev.encode("ascii") + body).hexdigest()


def test_the_chain_is_the_documented_hash_of_each_write(store: Store) -> None:
    seal = store.chain_head()  # the seed data sealed by migration 9
    sealed = store.last_entry_id()
    store.add_grade("20", "quality carbon steel")
    store.add_grade("45")
    first, second = store.audit()[-2:]
    grades = {r[0]: r[1] for r in store.conn.execute("SELECT code, rowid FROM grade")}
    assert (first.id, second.id) == (sealed + 1, sealed + 2)
    one = block_by_hand(seal, first.id, first.at, "tester", [[
        first.id, "insert", None, "20", None, None, None,
        '{"code": "20", "description": "quality carbon steel"}', None, "grade", grades["20"],
        '["20","quality carbon steel"]']])
    assert first.hash == one
    assert second.hash == block_by_hand(one, second.id, second.at, "tester", [[
        second.id, "insert", None, "45", None, None, None, '{"code": "45", "description": ""}', None,
        "grade", grades["45"], '["45",""]']])
    assert store.chain_head() == second.hash


def test_verify_passes_on_the_demo_database(demo_db: Path) -> None:
    code, out, err = run("--db", str(demo_db), "verify")
    assert (code, err) == (0, "")
    assert out.startswith("verify ok: integrity ok, ")
    with Store.open(demo_db, "tester") as s:
        report = verify(s)
        entries = len(s.audit())
    assert report.ok
    assert report.entries == entries > 936


def _block_of(raw: Raw, entry_id: int) -> tuple[int, int, str, str]:
    """(first entry, last entry, time, author) of the write holding an entry."""
    last, at, user = raw.execute('SELECT last_id, at, "user" FROM audit_block WHERE last_id >= ? '
                                 "ORDER BY last_id LIMIT 1", (entry_id,)).fetchone()
    before = raw.execute("SELECT coalesce(max(last_id), 0) FROM audit_block WHERE last_id < ?",
                         (entry_id,)).fetchone()[0]
    return before + 1, last, at, user


def test_a_changed_byte_of_an_audit_entry_is_named(demo_db: Path) -> None:
    with plain(demo_db) as raw:  # an attacker with a plain client (on a server, as its owner)
        raw.drop_trigger("audit_entry_no_update")
        value = raw.execute("SELECT state FROM audit WHERE id = 500").fetchone()[0]
        raw.execute("UPDATE audit SET reason = 'typo' WHERE id = 500")
        first, last, at, user = _block_of(raw, 500)
    assert value is not None
    code, out, _err = run("--db", str(demo_db), "verify")
    assert code == 1
    assert (f"verify FAILED: the audit entries {first} to {last} (written {at} by {user}) do not match "
            "the chain") in out


def test_an_entry_removed_from_the_middle_is_found(demo_db: Path) -> None:
    with plain(demo_db) as raw:
        raw.switch_off("audit_entry_no_delete")  # dropped from the file; disabled on a server
        raw.execute("DELETE FROM audit WHERE id = 10")
        first, last, _at, _user = _block_of(raw, 10)
    code, out, _err = run("--db", str(demo_db), "verify")
    assert code == 1
    assert f"the audit entries {first} to {last} (" in out


def _signed(db_path: Path | str) -> None:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        s.sign_shift(DAY, "day", PINS["wang"])
        s.sign_shift(DAY, "evening", PINS["wang"])
    with open_as(db_path, "hu") as s:
        s.sign_day(DAY, PINS["hu"])


def test_a_changed_weight_of_a_signed_ingot_is_named(db_path: Path) -> None:
    _signed(db_path)
    assert run("--db", str(db_path), "verify")[0] == 0
    with plain(db_path) as raw:
        raw.execute("UPDATE ingot SET weight_kg = 701.0 WHERE ingot_no = 1 AND heat_id = "
                    "(SELECT id FROM heat WHERE heat_no = 'D1')")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "ingot D1/1 (ingot row 1): weight_kg is 701.0, but its audit trail" in out
    assert "says 700.0" in out


def test_a_correction_through_the_program_keeps_verify_passing(db_path: Path) -> None:
    _signed(db_path)
    with open_as(db_path, "hu") as s:
        s.update_ingot("D1", 1, weight_kg=701.0, reason="scale recalibrated")
        assert verify(s).ok  # the superseded signatures are not re-hashed; the chain holds


def test_a_rebuilt_chain_is_betrayed_by_a_signature(db_path: Path) -> None:
    """An attacker who rewrites an entry and re-hashes the whole chain after it still
    leaves the signatures' chain heads behind."""
    _signed(db_path)
    with plain(db_path, drop_triggers=True) as raw:
        raw.execute("UPDATE audit SET reason = 'nothing to see' WHERE id = 1")
        rehash(raw)
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the signature #1 of 2025-03-10, shift day by wang" in out
    assert "names the chain head" in out
    assert "but the chain's head when it was signed was" in out


def test_two_connections_writing_in_turn_keep_one_chain(db_path: Path) -> None:
    with Store.open(db_path, "a", clock=lambda: NOW) as a, Store.open(db_path, "b", clock=lambda: NOW) as b:
        for i in range(5):
            a.add_grade(f"A{i}")
            b.add_grade(f"B{i}")
        assert verify(a).ok
        assert verify(b).ok
        assert [e.user for e in a.audit() if e.entity == "grade" and e.action == "insert"] == ["a", "b"] * 5


@pytest.mark.sqlite_only  # a SQLite file of schema 1 migrated: a server database is made at the newest
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
        first, second = s.audit()[:2]  # the old log, kept as it was sealed then
        assert first.hash == by_hand("0" * 64, [1, "2024-01-02T08:00:00+08:00", "王", "insert", "grade",
                                                "Q235B", None, None, None, '{"code": "Q235B"}', None])
        assert second.prev_hash == first.hash
        assert second.hash == by_hand(first.hash or "", [2, "2024-01-02T08:01:00+08:00", "li", "insert",
                                                         "grade", "20", None, None, None, None, None])
        assert verify(s).ok
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            s.conn.execute("UPDATE audit_v1 SET hash = NULL")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            s.conn.execute("UPDATE audit SET state = NULL")


def test_verify_reports_a_dangling_reference(db_path: Path) -> None:
    make_shop(db_path, people=False)
    with plain(db_path) as raw:  # foreign keys are off in a plain sqlite3 client
        if on_server(db_path):  # and a superuser turns the server's off for a while
            raw.execute("SET LOCAL session_replication_role = replica")
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
        assert report.entries == len(s.audit())
        assert sum(e.entity == "grade" and e.action == "insert" for e in s.audit()) == 30


def test_changed_ingot_sums_of_a_signed_heat_are_named(db_path: Path) -> None:
    """The rates come from each heat's stored sums, which no signature covers: verify sums
    the ingots again (D1: 700 kg accepted + 650 kg scrap, so 700 of 1350 kg surface-ok)."""
    _signed(db_path)
    with plain(db_path) as raw:
        raw.execute("UPDATE heat SET w_surface_ok_kg = 1350.0, n_surface_ok = 2 WHERE heat_no = 'D1'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the stored ingot sums of heat D1 do not match its ingots" in out


def test_a_changed_weight_sum_alone_is_named(db_path: Path) -> None:
    make_shop(db_path, people=False)
    with plain(db_path) as raw:
        raw.execute("UPDATE heat SET w_judged_kg = 800.5 WHERE heat_no = 'D2'")
    assert "the stored ingot sums of heat D2 do not match" in run("--db", str(db_path), "verify")[1]


def test_a_changed_chemistry_verdict_is_named(db_path: Path) -> None:
    _signed(db_path)
    with plain(db_path) as raw:
        raw.execute("UPDATE heat SET chem_status = 'fails' WHERE heat_no = 'E1'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "the stored chemistry verdict of heat E1 (fails) is not what its analysis" in out


def test_a_changed_analysis_judged_again_is_found(db_path: Path) -> None:
    """An analysis changed with its verdict left as it was: C 0.15 → 0.90 fails Q235B."""
    make_shop(db_path, people=False)
    with plain(db_path) as raw:
        raw.execute("UPDATE heat_analysis SET value_pct = 0.90 WHERE element = 'C' AND heat_id = "
                    "(SELECT id FROM heat WHERE heat_no = 'D2')")
    out = run("--db", str(db_path), "verify")[1]
    assert "heat D2 (row 2): rows is" in out
    assert "but its audit trail" in out


def test_signatures_marked_superseded_behind_the_program_are_named(db_path: Path) -> None:
    """Marking signatures superseded needs no dropped trigger; then a changed record would
    no longer be re-hashed. Each superseding must have its audit entry."""
    _signed(db_path)
    with plain(db_path) as raw:
        raw.execute("UPDATE signature SET superseded_at = '2025-03-11T08:00:00+00:00', "
                    "superseded_reason = 'x'")
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert ("signature #1 (shift 2025-03-10): superseded_at is '2025-03-11T08:00:00+00:00', but its "
            "audit trail") in out


def test_a_rewritten_records_hash_is_named(db_path: Path) -> None:
    """An attacker changes a signed record and writes the new records' hash into the
    signature (dropping the trigger): the audit entry of the signing still has the old."""
    _signed(db_path)
    with plain(db_path) as raw:
        raw.execute("UPDATE ingot SET disposition = 'accepted' WHERE disposition = 'scrap'")
    with Store.open(db_path, "tester") as s:
        rehashed = {sig.id: s.signed_records_hash(sig.production_date, sig.shift)
                    for sig in s.all_signatures()}
    with plain(db_path) as raw:
        raw.drop_trigger("signature_fixed")
        raw.executemany("UPDATE signature SET records_hash = ? WHERE id = ?",
                        [(h, i) for i, h in rehashed.items()])
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert "ingot D1/2 (ingot row 2): disposition is 'accepted', but its audit trail" in out


@pytest.mark.parametrize(("column", "value"), [("signer", "zhao"),
                                               ("signed_at", "2025-03-11T08:00:00+00:00"),
                                               ("meaning", "day approved by workshop head")])
def test_a_forged_signer_time_or_meaning_is_named(db_path: Path, column: str, value: str) -> None:
    _signed(db_path)
    with plain(db_path) as raw:
        raw.drop_trigger("signature_fixed")
        raw.execute(f"UPDATE signature SET {column} = ? WHERE id = 2", (value,))
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert f"signature #2 (shift 2025-03-10): {column} is '{value}', but its audit trail" in out


def test_a_deleted_signature_is_named(db_path: Path) -> None:
    _signed(db_path)
    with plain(db_path) as raw:
        raw.drop_trigger("signature_no_delete")
        raw.execute("DELETE FROM signature WHERE id = 3")
    out = run("--db", str(db_path), "verify")[1]
    assert "signature #3 (day 2025-03-10) is gone, but its audit trail" in out


def test_a_revived_signature_is_named(db_path: Path) -> None:
    _signed(db_path)
    with open_as(db_path, "hu") as s:  # a correction: all three superseded, with entries
        s.update_ingot("D1", 1, weight_kg=701.0, reason="scale recalibrated")
        assert verify(s).ok
    with plain(db_path) as raw:
        raw.drop_trigger("signature_superseded_once")
        raw.execute("UPDATE signature SET superseded_at = NULL, superseded_reason = NULL WHERE id = 3")
    assert "signature #3 (day 2025-03-10): superseded_at is null, but its audit trail" in run(
        "--db", str(db_path), "verify")[1]


@pytest.mark.parametrize("trigger", ["audit_no_delete", "audit_entry_no_update", "audit_block_no_delete",
                                     "signature_fixed", "ingot_no_delete", "ingot_rollup_update"])
def test_a_dropped_trigger_is_named(db_path: Path, trigger: str) -> None:
    _signed(db_path)
    with plain(db_path) as raw:
        raw.drop_trigger(trigger)
    code, out, _err = run("--db", str(db_path), "verify")
    assert code == 1
    assert f"the protective trigger {trigger} is missing" in out


@pytest.mark.sqlite_only  # SQLite's triggers; test_a_server_trigger_replaced_by_one_that_does_nothing
def test_a_trigger_replaced_by_one_that_does_nothing_is_named(db_path: Path) -> None:
    _signed(db_path)
    with sqlite3.connect(db_path) as raw:
        original = raw.execute("SELECT sql FROM sqlite_schema WHERE name = 'audit_entry_no_update'"
                               ).fetchone()[0]
        raw.execute("DROP TRIGGER audit_entry_no_update")
        raw.execute("CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit BEGIN SELECT 1; END")
    out = run("--db", str(db_path), "verify")[1]
    assert "the trigger audit_entry_no_update is not the one qcdesk wrote" in out
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_entry_no_update")
        raw.execute(original)
        raw.execute("CREATE TRIGGER sneak AFTER INSERT ON ingot BEGIN SELECT 1; END")
    assert "the trigger sneak was not written by qcdesk" in run("--db", str(db_path), "verify")[1]


@pytest.mark.sqlite_only  # a SQLite file of an older schema: a server database is made at the newest
def test_a_database_made_before_the_replace_guard_gets_it(db_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """audit_no_replace joined migration 1 after databases of schema 1 were made (the
    ten-year benchmark's among them): a later migration gives it to them, and verify passes."""
    import qcdesk.store.base as store_module

    before = next(i for i, m in enumerate(migrations.MIGRATIONS) if m[1] is migrations._ANALYSIS_SEQ)
    monkeypatch.setattr(store_module, "MIGRATIONS", migrations.MIGRATIONS[:before])
    monkeypatch.setattr(store_module, "LATEST", migrations.MIGRATIONS[before - 1][0])
    Store.open(db_path, "tester").close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER audit_no_replace")
    monkeypatch.undo()
    with Store.open(db_path, "tester") as s:
        assert "audit_no_replace" in s.triggers()
        assert verify(s).ok
        s.conn.execute("INSERT INTO audit_v1 (id, at, user, action, entity, entity_key) "
                       "VALUES (1, 'x', 'x', 'insert', 'x', 'x')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            s.conn.execute("INSERT OR REPLACE INTO audit_v1 (id, at, user, action, entity, entity_key) "
                           "VALUES (1, 'y', 'y', 'insert', 'y', 'y')")


@pytest.mark.parametrize("text", ["plain", "王丽 \"quoted\" back\\slash", "tab\tnew\nline\r", "nul\x00x",
                                  "\x01\x1f\x7f", "\u2028\u2029", "emoji 🔥", "é" * 300])
def test_sqlite_writes_an_old_entry_as_the_chain_does(text: str) -> None:
    """verify reads the log before schema 9 through SQLite's json_array, which must give the
    bytes `chain.content` hashed (else verify falls back to Python, entry by entry)."""
    from qcdesk import chain

    values = (7, "2025-03-10T08:00:00+08:00", text, "update", "heat", text, None, "C", "0.1", text, None)
    raw = sqlite3.connect(":memory:")
    (written,) = raw.execute("SELECT json_array(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values).fetchone()
    assert written.encode("utf-8") == chain.content(values)


@pytest.mark.parametrize("text", ["王丽 \"quoted\" back\\slash", "tab\tnew\nline\r", "nul\x00x",
                                  "\x01\x1f\x7f", "\u2028\u2029", "emoji 🔥"])
def test_the_database_writes_an_entry_as_the_documented_rule(text: str) -> None:
    """A write's entries are hashed as SQLite's json_array writes them; the documented rule is
    Python's compact JSON: the two must be the same bytes, whatever the text."""
    from qcdesk import chain

    raw = sqlite3.connect(":memory:")
    raw.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, action TEXT, entity TEXT, entity_key TEXT, "
                "heat_no TEXT, field TEXT, old_value TEXT, new_value TEXT, reason TEXT, tbl TEXT, rec ANY, "
                "state TEXT) STRICT")
    values = (3, "update", None, text, None, "notes", text, text + "!", text, "heat", 12, f'["{text}"]')
    raw.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    (written,) = raw.execute(f"SELECT {chain.ENTRY_SQL} FROM audit").fetchone()
    assert written.encode("utf-8") == chain.entry(values)


def test_an_entry_of_the_wrong_length_is_a_programming_error() -> None:
    from qcdesk import chain

    with pytest.raises(ValueError, match="an audit entry has 11 fields, not 2"):
        chain.content([1, 2])
    with pytest.raises(ValueError, match="an audit entry has 12 fields, not 3"):
        chain.entry([1, 2, 3])


# ------------------------------------------------ on a server, as its owner

_ROLE_NUMBERS = itertools.count(1)  # roles of a test's own (roles are the server's, not a database's)


def _owner_attack(uri: str, *statements: str) -> tuple[int, str]:
    """Run statements on the server as the database's owner would (psycopg, no qcdesk), then
    verify: (exit code, what it said)."""
    with plain(uri) as raw:
        for statement in statements:
            raw.execute(statement)
    code, out, _err = run("--db", uri, "verify")
    return code, out


@pytest.mark.parametrize("trigger", ["audit_entry_no_delete", "audit_block_no_update", "signature_fixed",
                                     "ingot_rollup_update", "heat_identity"])
def test_a_disabled_trigger_on_a_server_is_named(pg_uri: str, trigger: str) -> None:
    _signed(pg_uri)
    with plain(pg_uri) as raw:
        raw.switch_off(trigger)  # ALTER TABLE … DISABLE TRIGGER: the trigger stays, and never fires
    code, out, _err = run("--db", pg_uri, "verify")
    assert code == 1
    assert f"verify FAILED: the protective trigger {trigger} is disabled: it does not fire" in out


def test_a_server_trigger_replaced_by_one_that_does_nothing_is_named(pg_uri: str) -> None:
    _signed(pg_uri)
    with plain(pg_uri) as raw:
        original = raw.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = "
                               "'audit_entry_no_update'").fetchone()[0]
        raw.drop_trigger("audit_entry_no_update")
    code, out = _owner_attack(
        pg_uri, "CREATE FUNCTION nothing() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION nothing()")
    assert code == 1
    assert "the trigger audit_entry_no_update is not the one qcdesk wrote: it was replaced" in out
    code, out = _owner_attack(
        pg_uri, "DROP TRIGGER audit_entry_no_update ON audit", original,
        "CREATE TRIGGER sneak AFTER INSERT ON ingot FOR EACH ROW EXECUTE FUNCTION nothing()")
    assert "the trigger sneak was not written by qcdesk" in out
    code, out = _owner_attack(pg_uri, "DROP TRIGGER sneak ON ingot")
    assert code == 1
    assert "the function nothing() was not written by qcdesk" in out
    assert _owner_attack(pg_uri, "DROP FUNCTION nothing()")[0] == 0


def test_a_replaced_trigger_function_is_named(pg_uri: str) -> None:
    """CREATE OR REPLACE FUNCTION: every trigger stays as it was written, and the function the
    refusals run lets everything through."""
    _signed(pg_uri)
    code, out = _owner_attack(pg_uri, "CREATE OR REPLACE FUNCTION qc_refuse() RETURNS trigger "
                                      "LANGUAGE plpgsql AS $$ BEGIN RETURN coalesce(NEW, OLD); END $$")
    assert code == 1
    assert ("verify FAILED: the function qc_refuse(), which the trigger alert_dismissal_no_delete runs, "
            "is not the one qcdesk wrote: it was replaced") in out
    with plain(pg_uri) as raw:  # and it does let a deletion through
        raw.execute("DELETE FROM signature WHERE id = 3")
        assert raw.execute("SELECT count(*) FROM signature").fetchone()[0] == 2


@pytest.mark.parametrize(("statement", "said"), [
    ("CREATE OR REPLACE FUNCTION qc_json(x text) RETURNS text LANGUAGE sql IMMUTABLE AS "
     "$$ SELECT coalesce(to_json(replace(x, 'scrap', 'accepted'))::text, 'null') $$",
     "the function qc_json(x text) is not the one qcdesk wrote: it was replaced"),
    ("CREATE FUNCTION ifnull(a text, b text) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$",
     "the function ifnull(a text, b text) was not written by qcdesk"),
    ("DROP FUNCTION qc_json_rec(text) CASCADE",
     "the function qc_json_rec(rec text) is missing: it was dropped"),
])
def test_a_changed_function_of_the_schema_is_named(pg_uri: str, statement: str, said: str) -> None:
    """The states verify compares are computed by the schema's functions (qc_json); an overload
    of one of them would be called in its place."""
    _signed(pg_uri)
    code, out = _owner_attack(pg_uri, statement)
    assert code == 1
    assert f"verify FAILED: {said}" in out


def test_a_foreign_key_whose_trigger_was_disabled_is_named(pg_uri: str) -> None:
    _signed(pg_uri)
    code, out = _owner_attack(pg_uri, "ALTER TABLE ingot DISABLE TRIGGER ALL")  # a superuser's, the keys' too
    assert code == 1
    assert ("verify FAILED: the server's check of the schema's constraints: the constraint "
            "ingot_heat_id_fkey on ingot is not enforced: its trigger was disabled") in out


def test_each_workstation_checks_its_own_writes(pg_uri: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Two desks write one chain, each noting its own writes in its journal: each verifies
    against its own; a write of one rewritten on the server is found by that one."""
    def desk(name: str) -> None:
        monkeypatch.setenv("QCDESK_HEADS", str(tmp_path / name))
        (tmp_path / name).mkdir(exist_ok=True)

    Store.open(pg_uri, "tester").close()
    for i in range(2):
        for name in ("a", "b"):
            desk(name)
            with Store.open(pg_uri, name) as s:
                s.add_grade(f"{name.upper()}{i}")
    for name in ("a", "b"):
        desk(name)
        code, out, _err = run("--db", pg_uri, "verify")
        assert code == 0, out
        assert "is this workstation's: its 2 write(s) are in the chain" in out
        assert "warning" not in out
    with plain(pg_uri, drop_triggers=True) as raw:  # b's last write rewritten, the chain sealed again
        last = raw.execute("SELECT max(last_id) FROM audit_block").fetchone()[0]
        raw.execute("UPDATE audit SET reason = 'typo' WHERE id = ?", (last,))
        rehash(raw)
    desk("a")
    assert run("--db", pg_uri, "verify")[0] == 0  # a's writes are all there as they were
    desk("b")
    code, out, _err = run("--db", pg_uri, "verify")
    assert code == 1
    assert "verify FAILED: the journal of chain heads" in out
    assert "(this workstation's): the database is behind its journal" in out
    assert (f"the database is behind its journal: the journal confirms a write ending at entry {last} "
            in out)


def test_verify_needs_no_more_than_the_application_role(pg_server: PgServer, tmp_path: Path) -> None:
    """The desks connect as the application role, which may not create anything: verify reads
    what it expects from the schema's script and what is there from the server's catalogue, and
    finds the owner's disabled trigger all the same."""
    from psycopg import sql

    roles = resources.files("qcdesk.store").joinpath("postgres_roles.sql").read_text(encoding="utf-8")
    n = next(_ROLE_NUMBERS)
    name, owner, app = f"roles_{n}", f"qc_owner_{n}", f"qc_app_{n}"
    for role in (owner, app):
        pg_server.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    pg_server.create_database(name, template="template0")
    pg_server.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name),
                                                                    sql.Identifier(owner)))
    as_owner, as_app = pg_server.uri(name, owner), pg_server.uri(name, app)
    try:
        Store.open(as_owner, "tester").close()  # qcdesk migrate: the schema, as the owner
        with plain(as_owner) as raw:
            raw.conn.execute(sql.SQL(roles).format(  # type: ignore[arg-type, union-attr]
                schema=sql.Identifier("public"), owner=sql.Identifier(owner), app=sql.Identifier(app)))
        _signed(as_app)
        code, out, _err = run("--db", as_app, "verify")
        assert code == 0, out
        with plain(as_owner) as raw:
            raw.switch_off("audit_entry_no_update")
        code, out, _err = run("--db", as_app, "verify")
        assert code == 1
        assert "the protective trigger audit_entry_no_update is disabled: it does not fire" in out
        with plain(as_app) as raw, pytest.raises(Exception, match="permission denied"):
            raw.execute("UPDATE audit SET reason = 'typo' WHERE id = 1")  # granted, not only refused
    finally:
        pg_server.drop_database(name)
