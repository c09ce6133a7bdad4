"""The database schema as numbered migrations, recorded in PRAGMA user_version.

Each migration runs once, in order, inside the transaction that records its
number. A database whose user_version is higher than the last migration here was
written by a newer qcdesk and is refused before anything is written to it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from qcdesk import chain

# 'QCK1': marks a SQLite file as a qcdesk database.
APPLICATION_ID = 0x51434B31

# A heat's ingot sums, in the order of SURFACE_COLUMNS, as aggregates over its ingots: the one
# definition, used by the rollup triggers and by `qcdesk verify`.
SURFACE_COLUMNS = ("n_ingots", "n_judged", "n_surface_ok", "w_judged_kg", "w_surface_ok_kg")
SURFACE_SUMS = """count(*),
               count(*) FILTER (WHERE disposition <> 'pending'),
               count(*) FILTER (WHERE disposition IN ('accepted', 'conditioned')),
               total(weight_kg) FILTER (WHERE disposition <> 'pending'),
               total(weight_kg) FILTER (WHERE disposition IN ('accepted', 'conditioned'))"""
LIVE_INGOTS = "void_reason IS NULL"  # the ingots that count, since migration 4

# Recompute a heat's ingot sums from its ingots (the outer WHERE picks the heats).
_ROLLUP = """UPDATE heat SET (n_ingots, n_judged, n_surface_ok, w_judged_kg, w_surface_ok_kg) = (
        SELECT """ + SURFACE_SUMS + """
        FROM ingot WHERE heat_id = heat.id)"""

# Since migration 10, the same sums of a heat's live ingots one of whose product analyses fails
# (`ingot.pa_fails`, kept by the store), in the order of PRODUCT_COLUMNS: judged, and accepted or
# conditioned (these are not qualified: the rates take them off the surface sums). Kept by
# triggers that fire only where such an ingot is concerned (a handful), summing only those.
PRODUCT_COLUMNS = ("n_pa_fails", "w_pa_fails_kg", "n_pa_fails_ok", "w_pa_fails_ok_kg")
PRODUCT_SUMS = """count(*) FILTER (WHERE disposition <> 'pending'),
               total(weight_kg) FILTER (WHERE disposition <> 'pending'),
               count(*) FILTER (WHERE disposition IN ('accepted', 'conditioned')),
               total(weight_kg) FILTER (WHERE disposition IN ('accepted', 'conditioned'))"""
FAILING_INGOTS = LIVE_INGOTS + " AND pa_fails = 1"
_PRODUCT_ROLLUP = ("UPDATE heat SET (" + ", ".join(PRODUCT_COLUMNS) + """) = (
        SELECT """ + PRODUCT_SUMS + """
        FROM ingot WHERE heat_id = heat.id AND """ + FAILING_INGOTS + ")")

# (added to migration 1 after databases of that schema were made: migration 5 gives it
# to those that lack it)
_AUDIT_NO_REPLACE = """CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id) BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END"""

_SCHEMA_1 = """
CREATE TABLE converter (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(trim(code)) BETWEEN 1 AND 16),
    name        TEXT NOT NULL CHECK (length(name) <= 80),
    nominal_t   REAL CHECK (nominal_t IS NULL OR (nominal_t > 0 AND nominal_t <= 400)),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- The shift schedule: each shift starts start_min minutes after the production
-- date's midnight (negative: the evening before) and ends where the next begins.
CREATE TABLE shift (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE CHECK (length(trim(code)) BETWEEN 1 AND 16),
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    start_min   INTEGER NOT NULL CHECK (start_min BETWEEN -720 AND 2159),
    seq         INTEGER NOT NULL UNIQUE CHECK (seq >= 1)
) STRICT;

CREATE TABLE grade (
    code        TEXT PRIMARY KEY CHECK (length(trim(code)) BETWEEN 1 AND 32),
    description TEXT NOT NULL DEFAULT ''
) STRICT;

-- One edition of a grade's product standard; a heat is judged by the edition
-- with the latest effective date not after its tap date.
CREATE TABLE standard (
    id              INTEGER PRIMARY KEY,
    grade           TEXT NOT NULL REFERENCES grade(code) ON UPDATE CASCADE,
    standard        TEXT NOT NULL CHECK (length(trim(standard)) >= 1),
    edition         TEXT NOT NULL CHECK (length(trim(edition)) >= 1),
    effective_from  TEXT NOT NULL CHECK (date(julianday(effective_from)) IS effective_from),
    UNIQUE (grade, effective_from)
) STRICT;

CREATE TABLE standard_limit (
    standard_id INTEGER NOT NULL REFERENCES standard(id) ON DELETE CASCADE,
    element     TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    min_pct     REAL CHECK (min_pct IS NULL OR min_pct BETWEEN 0 AND 100),
    max_pct     REAL CHECK (max_pct IS NULL OR max_pct BETWEEN 0 AND 100),
    CHECK (min_pct IS NOT NULL OR max_pct IS NOT NULL),
    CHECK (min_pct IS NULL OR max_pct IS NULL OR min_pct <= max_pct),
    PRIMARY KEY (standard_id, element)
) STRICT, WITHOUT ROWID;

CREATE TABLE defect (
    code        TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 16
                                        AND code NOT GLOB '*[^A-Z0-9_-]*'),
    name_en     TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('surface', 'internal', 'dimensional')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- A heat. production_date and shift_id are derived from tapped_at and the
-- schedule when the heat is saved; standard_id and chem_status are the verdict
-- of qcdesk.standards on the edition in force, kept current by the store; the
-- n_*/w_* columns are the sums of the heat's ingots, kept by triggers below.
CREATE TABLE heat (
    id              INTEGER PRIMARY KEY,
    heat_no         TEXT NOT NULL UNIQUE CHECK (length(trim(heat_no)) BETWEEN 1 AND 32),
    converter_id    INTEGER NOT NULL REFERENCES converter(id),
    tapped_at       TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', julianday(tapped_at)) IS tapped_at),
    production_date TEXT NOT NULL CHECK (date(julianday(production_date)) IS production_date),
    shift_id        INTEGER NOT NULL REFERENCES shift(id),
    grade           TEXT NOT NULL REFERENCES grade(code) ON UPDATE CASCADE,
    tap_weight_t    REAL NOT NULL CHECK (tap_weight_t > 0 AND tap_weight_t <= 400),
    tap_temp_c      REAL CHECK (tap_temp_c IS NULL OR tap_temp_c BETWEEN 1000 AND 1900),
    inspector       TEXT NOT NULL CHECK (length(trim(inspector)) >= 1),
    notes           TEXT NOT NULL DEFAULT '',
    standard_id     INTEGER REFERENCES standard(id),
    chem_status     TEXT NOT NULL DEFAULT 'not_checked'
                    CHECK (chem_status IN ('conforms', 'fails', 'not_checked')),
    n_ingots        INTEGER NOT NULL DEFAULT 0 CHECK (n_ingots >= 0),
    n_judged        INTEGER NOT NULL DEFAULT 0 CHECK (n_judged BETWEEN 0 AND n_ingots),
    n_surface_ok    INTEGER NOT NULL DEFAULT 0 CHECK (n_surface_ok BETWEEN 0 AND n_judged),
    w_judged_kg     REAL NOT NULL DEFAULT 0 CHECK (w_judged_kg >= 0),
    w_surface_ok_kg REAL NOT NULL DEFAULT 0 CHECK (w_surface_ok_kg >= 0),
    CHECK (standard_id IS NOT NULL OR chem_status = 'not_checked')
) STRICT;
CREATE INDEX heat_by_day ON heat(production_date, shift_id, converter_id);
CREATE INDEX heat_by_converter ON heat(converter_id, tapped_at);
CREATE INDEX heat_by_grade ON heat(grade, tapped_at);

CREATE TABLE heat_analysis (
    heat_id     INTEGER NOT NULL REFERENCES heat(id) ON DELETE CASCADE,
    element     TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    value_pct   REAL NOT NULL CHECK (value_pct BETWEEN 0 AND 100),
    PRIMARY KEY (heat_id, element)
) STRICT, WITHOUT ROWID;

CREATE TABLE ingot (
    id          INTEGER PRIMARY KEY,
    heat_id     INTEGER NOT NULL REFERENCES heat(id) ON DELETE CASCADE,
    ingot_no    INTEGER NOT NULL CHECK (ingot_no BETWEEN 1 AND 9999),
    weight_kg   REAL NOT NULL CHECK (weight_kg > 0 AND weight_kg <= 60000),
    disposition TEXT NOT NULL
                CHECK (disposition IN ('accepted', 'conditioned', 'regraded', 'scrap', 'pending')),
    inspector   TEXT NOT NULL CHECK (length(trim(inspector)) >= 1),
    judged_at   TEXT,
    UNIQUE (heat_id, ingot_no)
) STRICT;

CREATE TABLE ingot_defect (
    ingot_id    INTEGER NOT NULL REFERENCES ingot(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    defect_code TEXT NOT NULL REFERENCES defect(code) ON UPDATE CASCADE,
    location    TEXT CHECK (location IS NULL OR location IN ('top', 'middle', 'bottom')),
    PRIMARY KEY (ingot_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX ingot_defect_by_code ON ingot_defect(defect_code);

-- The heat's ingot sums, recomputed from its ingots on every change: exact,
-- with no drift from adding and subtracting floating-point weights.
CREATE TRIGGER ingot_rollup_insert AFTER INSERT ON ingot BEGIN
    """ + _ROLLUP + """ WHERE id = NEW.heat_id;
END;
CREATE TRIGGER ingot_rollup_update AFTER UPDATE OF heat_id, weight_kg, disposition ON ingot BEGIN
    """ + _ROLLUP + """ WHERE id IN (NEW.heat_id, OLD.heat_id);
END;
CREATE TRIGGER ingot_rollup_delete AFTER DELETE ON ingot BEGIN
    """ + _ROLLUP + """ WHERE id = OLD.heat_id;
END;

-- Append-only: who changed what, when, from what to what, and why.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL CHECK (length(trim(user)) >= 1),
    action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    heat_no     TEXT,
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT
) STRICT;
CREATE INDEX audit_by_heat ON audit(heat_no) WHERE heat_no IS NOT NULL;
-- INSERT OR REPLACE would delete an entry without firing the delete trigger.
""" + _AUDIT_NO_REPLACE + """;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""

# The production plan: per month (YYYY-MM) or quarter (YYYY-Qn), tonnes of steel and
# the target ingot qualified rate (by weight, a fraction); either may be left open.
_PLAN = """
CREATE TABLE plan (
    period      TEXT PRIMARY KEY CHECK (
                    (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'
                     AND substr(period, 6, 2) BETWEEN '01' AND '12')
                    OR period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]'),
    output_t    REAL CHECK (output_t IS NULL OR (output_t > 0 AND output_t <= 10000000)),
    ingot_rate  REAL CHECK (ingot_rate IS NULL OR (ingot_rate > 0 AND ingot_rate <= 1)),
    CHECK (output_t IS NOT NULL OR ingot_rate IS NOT NULL)
) STRICT;
"""

# desktop history browser: walk heats by production date then tap time, or by tap time,
# without sorting 200,000 rows for each page.
_HISTORY_INDEXES = """
CREATE INDEX heat_by_date_tap ON heat(production_date, tapped_at);
CREATE INDEX heat_by_tap ON heat(tapped_at);
"""


# Records you can trust: people and roles, signatures, voiding instead of deleting,
# and the audit log as a hash chain (the Python step below seals existing entries).
_ROLLUP_LIVE = _ROLLUP.replace("FROM ingot WHERE heat_id = heat.id",
                               "FROM ingot WHERE heat_id = heat.id AND " + LIVE_INGOTS)
_QUALITY_TABLES = ("heat", "heat_analysis", "ingot", "ingot_defect")
_SCHEMA_2 = """
CREATE TABLE person (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 80),
    role          TEXT NOT NULL CHECK (role IN ('inspector', 'head', 'admin')),
    pin_hash      TEXT NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  TEXT
) STRICT;
CREATE TRIGGER person_no_delete BEFORE DELETE ON person BEGIN
    SELECT RAISE(ABORT, 'people are deactivated, never deleted');
END;

-- A signature: who (name and role as signed), when, what it means, the hash of the
-- records it covers and the audit chain's head when it was made. Superseded, never deleted.
CREATE TABLE signature (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('shift', 'day')),
    production_date   TEXT NOT NULL CHECK (date(julianday(production_date)) IS production_date),
    shift_id          INTEGER REFERENCES shift(id),
    person_id         INTEGER NOT NULL REFERENCES person(id),
    signer            TEXT NOT NULL,
    role              TEXT NOT NULL,
    meaning           TEXT NOT NULL,
    signed_at         TEXT NOT NULL,
    records_hash      TEXT NOT NULL CHECK (length(records_hash) = 64),
    chain_head        TEXT NOT NULL CHECK (length(chain_head) = 64),
    superseded_at     TEXT,
    superseded_reason TEXT,
    CHECK ((kind = 'shift') = (shift_id IS NOT NULL)),
    CHECK ((superseded_at IS NULL) = (superseded_reason IS NULL))
) STRICT;
CREATE INDEX signature_by_date ON signature(production_date, kind);
CREATE TRIGGER signature_no_delete BEFORE DELETE ON signature BEGIN
    SELECT RAISE(ABORT, 'signatures are superseded, never deleted');
END;
CREATE TRIGGER signature_fixed BEFORE UPDATE OF id, kind, production_date, shift_id, person_id,
    signer, role, meaning, signed_at, records_hash, chain_head ON signature BEGIN
    SELECT RAISE(ABORT, 'a signature cannot be changed, only superseded');
END;
CREATE TRIGGER signature_superseded_once BEFORE UPDATE OF superseded_at, superseded_reason
ON signature WHEN OLD.superseded_at IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'a signature cannot be changed, only superseded');
END;

-- Quality records are voided with a reason, never deleted.
ALTER TABLE heat ADD COLUMN void_reason TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) >= 1);
ALTER TABLE ingot ADD COLUMN void_reason TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) >= 1);
ALTER TABLE heat_analysis ADD COLUMN voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1));
ALTER TABLE ingot_defect ADD COLUMN voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1));
DROP TRIGGER ingot_rollup_insert;
DROP TRIGGER ingot_rollup_update;
DROP TRIGGER ingot_rollup_delete;
CREATE TRIGGER ingot_rollup_insert AFTER INSERT ON ingot BEGIN
    """ + _ROLLUP_LIVE + """ WHERE id = NEW.heat_id;
END;
CREATE TRIGGER ingot_rollup_update AFTER UPDATE OF heat_id, weight_kg, disposition, void_reason
ON ingot BEGIN
    """ + _ROLLUP_LIVE + """ WHERE id IN (NEW.heat_id, OLD.heat_id);
END;
""" + "".join(f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN
    SELECT RAISE(ABORT, 'quality records are voided, never deleted');
END;
""" for table in _QUALITY_TABLES) + """

-- The hash chain: existing entries are sealed by the step below, under the trigger.
DROP TRIGGER audit_no_update;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
"""
_AUDIT_NO_UPDATE = """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END"""


def _seal_audit(conn: sqlite3.Connection) -> None:
    """Chain the entries written before migration 2, oldest first; then lock them again."""
    prev = chain.GENESIS
    rows = conn.execute("SELECT id, at, user, action, entity, entity_key, heat_no, field, "
                        "old_value, new_value, reason FROM audit ORDER BY id").fetchall()
    sealed = []
    for row in rows:
        digest = chain.link(prev, tuple(row))
        sealed.append((prev, digest, row[0]))
        prev = digest
    conn.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", sealed)
    conn.execute(_AUDIT_NO_UPDATE)


# The daily report's records ("the most heats in one day so far", "the best day so far")
# look at every earlier day, leaving voided heats out: an index of the heats not voided
# holding every column those queries read, so they walk it without touching the table
# (on the ten-year database ≈ 40–60 ms each instead of 75–150 ms).
_LIVE_HEATS_BY_DAY = """
CREATE INDEX heat_live_by_day ON heat(production_date, converter_id, chem_status, w_judged_kg,
    w_surface_ok_kg) WHERE void_reason IS NULL;
"""

# A withdrawn analysis value is kept when the element is entered again: a new row with
# the next seq (as ingot defects have), at most one of them live. And the audit log's
# guard against INSERT OR REPLACE for databases made before migration 1 had it.
_ANALYSIS_SEQ = """
-- (the key's columns first: SQLite 3.40's integrity_check misreads a WITHOUT ROWID
-- table whose key columns are not its leading ones)
CREATE TABLE heat_analysis_seq (
    heat_id     INTEGER NOT NULL REFERENCES heat(id) ON DELETE CASCADE,
    element     TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    seq         INTEGER NOT NULL DEFAULT 1 CHECK (seq >= 1),
    value_pct   REAL NOT NULL CHECK (value_pct BETWEEN 0 AND 100),
    voided      INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    PRIMARY KEY (heat_id, element, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO heat_analysis_seq (heat_id, element, seq, value_pct, voided)
    SELECT heat_id, element, 1, value_pct, voided FROM heat_analysis;
DROP TABLE heat_analysis;
ALTER TABLE heat_analysis_seq RENAME TO heat_analysis;
CREATE UNIQUE INDEX heat_analysis_live ON heat_analysis(heat_id, element) WHERE voided = 0;
CREATE TRIGGER heat_analysis_no_delete BEFORE DELETE ON heat_analysis BEGIN
    SELECT RAISE(ABORT, 'quality records are voided, never deleted');
END;
""" + _AUDIT_NO_REPLACE.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1) + ";\n"

# The workshop's own name, printed at the head of every sheet and report; one row at
# most (none: the generic "Converter workshop"). The Chinese name may be left empty.
_WORKSHOP = """
CREATE TABLE workshop (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name_en     TEXT NOT NULL CHECK (length(trim(name_en)) BETWEEN 1 AND 80),
    name_zh     TEXT NOT NULL DEFAULT '' CHECK (length(name_zh) <= 80)
) STRICT;
"""

# Control limits frozen from a baseline period (DOMAIN.md, statistical process control):
# a p-chart's p̄ for a scope of the trends (every grade, or one; every converter and shift,
# or one), an I-MR chart's x̄ and MR̄ per grade and element. '' is "every". No row: the
# limits are recomputed from the period shown. Setting and clearing them is audited.
_CONTROL_LIMITS = """
CREATE TABLE control_limits (
    chart       TEXT NOT NULL CHECK (chart IN ('p', 'imr')),
    grade       TEXT NOT NULL DEFAULT '' CHECK (length(grade) <= 32),
    element     TEXT NOT NULL DEFAULT '' CHECK (length(element) <= 2),
    converter   TEXT NOT NULL DEFAULT '' CHECK (length(converter) <= 32),
    shift       TEXT NOT NULL DEFAULT '' CHECK (length(shift) <= 32),
    date_from   TEXT NOT NULL CHECK (date(julianday(date_from)) IS date_from),
    date_to     TEXT NOT NULL CHECK (date(julianday(date_to)) IS date_to AND date_to >= date_from),
    centre      REAL NOT NULL CHECK (centre >= 0),
    spread      REAL CHECK (spread IS NULL OR spread >= 0),
    n           INTEGER NOT NULL CHECK (n >= 1),
    PRIMARY KEY (chart, grade, element, converter, shift),
    CHECK ((chart = 'p' AND element = '' AND spread IS NULL AND centre <= 1)
           OR (chart = 'imr' AND grade <> '' AND element <> '' AND spread IS NOT NULL))
) STRICT, WITHOUT ROWID;
"""

# The tables whose records the audit trail proves (qcdesk.records.TABLES, by name): each has
# an index of its records' entries, so a record's newest entry is found at once. Those of
# migration 9, then those migration 10 adds.
RECORD_TABLES_9 = ("converter", "shift", "grade", "standard", "defect", "heat", "ingot", "person",
                   "signature", "plan", "workshop", "control_limits")
RECORD_TABLES_10 = ("sample", "tolerance_edition")
RECORD_TABLES_11 = ("alert_dismissal",)
RECORD_TABLES = RECORD_TABLES_9 + RECORD_TABLES_10 + RECORD_TABLES_11

# Records proven by the audit trail (qcdesk.records): the log kept until now stays, as it was
# written, in audit_v1; from here on an entry names the record it changes and the newest
# entry of a record holds the record's state, and the entries one write makes form a block
# sealed by one hash (qcdesk.chain). The Python step seals every record as it stands.
_PROVEN_RECORDS = """
ALTER TABLE audit RENAME TO audit_v1;
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    entity      TEXT,  -- what the entry is about, when that is not simply its record's table
    entity_key  TEXT,
    heat_no     TEXT,
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    reason      TEXT,
    tbl         TEXT,
    rec         ANY,
    state       TEXT,
    CHECK ((tbl IS NULL) = (rec IS NULL)),
    CHECK (state IS NULL OR tbl IS NOT NULL),
    CHECK (entity IS NOT NULL OR tbl IS NOT NULL)
) STRICT;
CREATE INDEX audit_by_heat_no ON audit(heat_no) WHERE heat_no IS NOT NULL;
""" + "".join(f"""CREATE INDEX audit_{name} ON audit(rec, id) WHERE tbl = '{name}';
""" for name in RECORD_TABLES_9) + """
-- One row per write: its last entry, when, by whom, and the hash sealing its entries.
CREATE TABLE audit_block (
    last_id     INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user        TEXT NOT NULL CHECK (length(trim(user)) >= 1),
    hash        BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32)
) STRICT;
""" + "".join(f"""CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {table} BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table} BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER {name}_no_replace BEFORE INSERT ON {table}
WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
""" for name, table, key in (("audit_entry", "audit", "id"), ("audit_block", "audit_block", "last_id")))


def _seal_records(conn: sqlite3.Connection) -> None:
    """Write, in the migration's own block, an entry that says what happened and then one
    entry per record holding its state as it stands (qcdesk.records)."""
    from qcdesk import records  # noqa: PLC0415 - records imports nothing of this module

    # the names of records.TABLES_9, a fixed list in the code, each counted
    counts = {t.name: conn.execute("SELECT count(*) FROM " + t.name).fetchone()[0]
              for t in records.TABLES_9}
    first, before = conn.execute("SELECT coalesce(max(id), 0) + 1, count(*) FROM audit_v1").fetchone()
    head = conn.execute("SELECT hash FROM audit_v1 ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute(
        "INSERT INTO audit (id, action, entity, entity_key, new_value) VALUES (?, 'update', "
        "'schema', '9', json_object('sealed', json(?), 'log_before', 'audit_v1', "
        "'entries_before', ?, 'head_before', ?))",
        (first, json.dumps(counts, sort_keys=True), before, head[0] if head else chain.GENESIS))
    for table in records.TABLES_9:
        conn.execute(
            f"INSERT INTO audit (action, field, tbl, rec, state) "
            f"SELECT 'update', 'sealed', '{table.name}', rec, state "
            f"FROM ({table.select}) ORDER BY rec")


# The lab's results and the product analysis (issue 16, DOMAIN.md "Samples from the lab").
#
# Every result of the lab is a sample of a heat: `preliminary` (the bath), `heat` (the ladle:
# the heat analysis of record, one per heat) or `product` (drillings of a named ingot). A heat's
# analysis is its `heat` sample's values, kept where they always were (heat_analysis, folded
# into the heat's state: nothing changes for existing heats and their signatures); a row of
# `sample` records the lab's heat sample (its number, when it was taken, who entered it) when
# the lab's result is entered as such, and an analysis typed in (the desktop, a heats file,
# a database from before) is the heat sample taken at the tap, entered by the heat's
# inspector, with no number (Store.samples). The values of the other samples are in
# sample_value. The product-analysis tolerances are data: editions in force from a date, each a
# table of classes (GB/T 222-2006, table 1, as DOMAIN.md gives it, is seeded). A re-graded
# ingot may name the grade it is released as. Whether an ingot's product analysis fails is
# derived (kept by the store, checked by verify, like a heat's verdict) and the heat's sums
# gain the qualified ingots leaving those out, and the count and weight of those.
_SAMPLES = """
CREATE TABLE sample (
    id          INTEGER PRIMARY KEY,
    heat_id     INTEGER NOT NULL REFERENCES heat(id),
    kind        TEXT NOT NULL CHECK (kind IN ('preliminary', 'heat', 'product')),
    sample_no   TEXT CHECK (sample_no IS NULL OR length(trim(sample_no)) BETWEEN 1 AND 32),
    ingot_id    INTEGER REFERENCES ingot(id),
    taken_at    TEXT NOT NULL CHECK (strftime('%Y-%m-%d %H:%M', julianday(taken_at)) IS taken_at),
    entered_by  TEXT NOT NULL CHECK (length(trim(entered_by)) BETWEEN 1 AND 80),
    void_reason TEXT CHECK (void_reason IS NULL OR length(trim(void_reason)) >= 1),
    CHECK ((kind = 'product') = (ingot_id IS NOT NULL)),
    CHECK (sample_no IS NOT NULL OR kind = 'heat')
) STRICT;
CREATE UNIQUE INDEX sample_no_of_heat ON sample(heat_id, sample_no) WHERE void_reason IS NULL;
CREATE UNIQUE INDEX sample_of_record ON sample(heat_id) WHERE kind = 'heat' AND void_reason IS NULL;
CREATE INDEX sample_by_heat ON sample(heat_id, kind);
CREATE INDEX sample_product ON sample(heat_id) WHERE kind = 'product';  -- the heats to judge
CREATE INDEX sample_by_ingot ON sample(ingot_id) WHERE ingot_id IS NOT NULL;
CREATE TRIGGER sample_no_delete BEFORE DELETE ON sample BEGIN
    SELECT RAISE(ABORT, 'quality records are voided, never deleted');
END;
CREATE TRIGGER sample_ingot_of_heat BEFORE INSERT ON sample
WHEN NEW.ingot_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM ingot WHERE id = NEW.ingot_id AND heat_id = NEW.heat_id) BEGIN
    SELECT RAISE(ABORT, 'a product sample names an ingot of its own heat');
END;
CREATE TRIGGER sample_fixed BEFORE UPDATE OF heat_id, kind, ingot_id ON sample BEGIN
    SELECT RAISE(ABORT, 'a sample keeps its heat, kind and ingot: void it and enter it again');
END;

CREATE TABLE sample_value (
    sample_id   INTEGER NOT NULL REFERENCES sample(id),
    element     TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    value_pct   REAL NOT NULL CHECK (value_pct BETWEEN 0 AND 100),
    PRIMARY KEY (sample_id, element)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER sample_value_no_delete BEFORE DELETE ON sample_value BEGIN
    SELECT RAISE(ABORT, 'quality records are voided, never deleted');
END;

-- An edition of the product-analysis tolerances; a heat is judged by the one in force on
-- its tap date. A class holds the specified limits up to up_to_pct (above the class before;
-- NULL: no upper end) and the deviations allowed below the minimum and above the maximum
-- (NULL: none on that side).
CREATE TABLE tolerance_edition (
    id            INTEGER PRIMARY KEY,
    standard      TEXT NOT NULL CHECK (length(trim(standard)) BETWEEN 1 AND 40),
    edition       TEXT NOT NULL CHECK (length(trim(edition)) BETWEEN 1 AND 20),
    in_force_from TEXT NOT NULL UNIQUE CHECK (date(julianday(in_force_from)) IS in_force_from)
) STRICT;
CREATE TABLE tolerance_class (
    edition_id  INTEGER NOT NULL REFERENCES tolerance_edition(id),
    element     TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    up_to_pct   REAL CHECK (up_to_pct IS NULL OR up_to_pct BETWEEN 0 AND 100),
    below_pct   REAL CHECK (below_pct IS NULL OR below_pct BETWEEN 0 AND 100),
    above_pct   REAL CHECK (above_pct IS NULL OR above_pct BETWEEN 0 AND 100),
    CHECK (below_pct IS NOT NULL OR above_pct IS NOT NULL),
    PRIMARY KEY (edition_id, element, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER tolerance_edition_no_delete BEFORE DELETE ON tolerance_edition BEGIN
    SELECT RAISE(ABORT, 'editions are added, never removed');
END;
CREATE TRIGGER tolerance_class_no_delete BEFORE DELETE ON tolerance_class BEGIN
    SELECT RAISE(ABORT, 'editions are added, never removed');
END;

ALTER TABLE ingot ADD COLUMN regrade_to TEXT REFERENCES grade(code) ON UPDATE CASCADE
    CHECK (regrade_to IS NULL OR disposition = 'regraded');
ALTER TABLE ingot ADD COLUMN pa_fails INTEGER NOT NULL DEFAULT 0 CHECK (pa_fails IN (0, 1));
CREATE INDEX ingot_failing_product ON ingot(heat_id) WHERE pa_fails = 1;
-- (no ingot fails a product analysis yet: 0 is every heat's sum)
ALTER TABLE heat ADD COLUMN n_pa_fails INTEGER NOT NULL DEFAULT 0 CHECK (n_pa_fails >= 0);
ALTER TABLE heat ADD COLUMN w_pa_fails_kg REAL NOT NULL DEFAULT 0 CHECK (w_pa_fails_kg >= 0);
ALTER TABLE heat ADD COLUMN n_pa_fails_ok INTEGER NOT NULL DEFAULT 0 CHECK (n_pa_fails_ok >= 0);
ALTER TABLE heat ADD COLUMN w_pa_fails_ok_kg REAL NOT NULL DEFAULT 0 CHECK (w_pa_fails_ok_kg >= 0);
CREATE TRIGGER ingot_product_rollup_insert AFTER INSERT ON ingot WHEN NEW.pa_fails = 1 BEGIN
    """ + _PRODUCT_ROLLUP + """ WHERE id = NEW.heat_id;
END;
CREATE TRIGGER ingot_product_rollup_update AFTER UPDATE OF heat_id, weight_kg, disposition, void_reason,
pa_fails ON ingot WHEN NEW.pa_fails = 1 OR OLD.pa_fails = 1 BEGIN
    """ + _PRODUCT_ROLLUP + """ WHERE id IN (NEW.heat_id, OLD.heat_id);
END;
-- the daily report's best day reads the qualified weight now
DROP INDEX heat_live_by_day;
CREATE INDEX heat_live_by_day ON heat(production_date, converter_id, chem_status, w_judged_kg,
    w_surface_ok_kg, w_pa_fails_ok_kg) WHERE void_reason IS NULL;

""" + "".join(f"""CREATE INDEX audit_{name} ON audit(rec, id) WHERE tbl = '{name}';
""" for name in RECORD_TABLES_10)


# GB/T 222-2006, table 1 (non-alloy and low-alloy steel), as DOMAIN.md gives it: in force from
# 2007-02-01. (element, up to %, below, above): None up to: no upper end; None: no deviation.
GBT222_STANDARD, GBT222_EDITION, GBT222_IN_FORCE = "GB/T 222", "2006", "2007-02-01"
GBT222_2006 = (
    ("C", 0.25, 0.02, 0.02), ("C", 0.55, 0.03, 0.03), ("C", None, 0.04, 0.04),
    ("Mn", 0.80, 0.03, 0.03), ("Mn", 1.70, 0.06, 0.06),
    ("Si", 0.37, 0.03, 0.03), ("Si", None, 0.05, 0.05),
    ("S", 0.050, None, 0.005), ("S", 0.35, 0.01, 0.02),
    ("P", 0.060, None, 0.005), ("P", 0.15, 0.01, 0.01),
)


def _seal_samples(conn: sqlite3.Connection) -> None:
    """Seed GB/T 222-2006; then write, in the migration's own block, an entry that says what
    happened and one entry per record of the new tables holding its state (qcdesk.records)."""
    from qcdesk import records  # noqa: PLC0415 - records imports nothing of this module

    edition = conn.execute("INSERT INTO tolerance_edition (standard, edition, in_force_from) "
                           "VALUES (?, ?, ?)", (GBT222_STANDARD, GBT222_EDITION, GBT222_IN_FORCE)).lastrowid
    seq: dict[str, int] = {}
    for element, up_to, below, above in GBT222_2006:
        seq[element] = seq.get(element, 0) + 1
        conn.execute("INSERT INTO tolerance_class (edition_id, element, seq, up_to_pct, below_pct, "
                     "above_pct) VALUES (?, ?, ?, ?, ?, ?)", (edition, element, seq[element], up_to,
                                                              below, above))
    added = [records.BY_NAME[name] for name in RECORD_TABLES_10]
    counts = {t.name: conn.execute("SELECT count(*) FROM " + t.name).fetchone()[0] for t in added}
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchone()[0]
    conn.execute(
        "INSERT INTO audit (id, action, entity, entity_key, new_value) VALUES (?, 'update', "
        "'schema', '10', json_object('sealed', json(?)))", (first, json.dumps(counts, sort_keys=True)))
    for table in added:  # fixed names and expressions of qcdesk.records
        conn.execute(
            f"INSERT INTO audit (action, field, tbl, rec, state) "
            f"SELECT 'update', 'sealed', '{table.name}', rec, state "
            f"FROM ({table.select}) ORDER BY rec")


# The off-grade announcements (issue 14): a heat whose analysis fails its standard, an ingot whose
# product analysis fails, is announced on every desk (`qcdesk.alerts`) until a person dismisses
# it, for the whole workshop. A dismissal is a record (audited, proven by verify) that is never
# changed or removed: one per heat and element, or per product sample and element. `role` is
# the role the person dismissed it as (none in a database without people).
DISMISSAL_KEPT = "a dismissal is kept as it was made: never changed or removed"
_ALERT_DISMISSALS = """
CREATE TABLE alert_dismissal (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('heat', 'product')),
    heat_id      INTEGER NOT NULL REFERENCES heat(id),
    sample_id    INTEGER REFERENCES sample(id),
    element      TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 2),
    person_id    INTEGER REFERENCES person(id),
    dismissed_by TEXT NOT NULL CHECK (length(trim(dismissed_by)) BETWEEN 1 AND 80),
    role         TEXT CHECK (role IS NULL OR role IN ('inspector', 'head')),
    dismissed_at TEXT NOT NULL CHECK (length(dismissed_at) >= 19),
    CHECK ((kind = 'product') = (sample_id IS NOT NULL)),
    CHECK ((person_id IS NULL) = (role IS NULL))
) STRICT;
CREATE UNIQUE INDEX alert_dismissal_of_heat ON alert_dismissal(heat_id, element) WHERE kind = 'heat';
CREATE UNIQUE INDEX alert_dismissal_of_sample ON alert_dismissal(sample_id, element) WHERE kind = 'product';
CREATE TRIGGER alert_dismissal_no_update BEFORE UPDATE ON alert_dismissal BEGIN
    SELECT RAISE(ABORT, '""" + DISMISSAL_KEPT + """');
END;
CREATE TRIGGER alert_dismissal_no_delete BEFORE DELETE ON alert_dismissal BEGIN
    SELECT RAISE(ABORT, '""" + DISMISSAL_KEPT + """');
END;
""" + "".join(f"""CREATE INDEX audit_{name} ON audit(rec, id) WHERE tbl = '{name}';
""" for name in RECORD_TABLES_11)


# A migration's Python step runs after its script, in the same transaction.
Step = Callable[[sqlite3.Connection], None]

# (version, script[, step]): append only; never edit a migration that has shipped.
MIGRATIONS: tuple[tuple[int, str] | tuple[int, str, Step], ...] = (
    (1, _SCHEMA_1),
    (2, _HISTORY_INDEXES),
    (3, _PLAN),
    (4, _SCHEMA_2, _seal_audit),
    (5, _LIVE_HEATS_BY_DAY),
    (6, _ANALYSIS_SEQ),
    (7, _WORKSHOP),
    (8, _CONTROL_LIMITS),
    (9, _PROVEN_RECORDS, _seal_records),
    (10, _SAMPLES, _seal_samples),
    (11, _ALERT_DISMISSALS),
)
LATEST = MIGRATIONS[-1][0]
