"""The records the audit trail proves: each table the program writes, and its state.

Every audit entry written since schema 9 that changes a record names it — the
table (``tbl``) and the record's key (``rec``: the row id, or a composed key for
control limits) — and the newest entry of a record carries ``state``: the record
as the write left it, rendered by the SQL expression below (a JSON array of its
columns in a fixed order, with the rows folded into it: a heat's analysis, an
ingot's defects, an edition's limits), or ``null`` once the record was removed.
`qcdesk verify` renders every live row with the same expression and compares it
with the state of its newest entry, one pass over each table.

Columns that are computed from others (a heat's verdict and ingot sums) are not
part of a state: verify computes them again instead. Neither are a person's
failed sign-ins and lock-out (they change with every wrong PIN).
"""

from __future__ import annotations

from dataclasses import dataclass

from qcdesk.migrations import RECORD_TABLES

REMOVED = "null"  # the state of a record that is no longer there


@dataclass(frozen=True)
class Table:
    """One table whose rows the audit trail proves."""

    name: str                 # the SQL table, and the `tbl` of its entries
    columns: tuple[str, ...]  # the state's fields, in order (for saying what differs)
    state: str                # SQL: the state of the row aliased ``t``
    key: str = "t.rowid"      # SQL: the record's key (`rec`) of the row aliased ``t``
    key_columns: tuple[str, ...] = ()  # for a composed key: its columns, in order

    @property
    def select(self) -> str:
        """SQL: every row as (rec, state)."""
        return f"SELECT {self.key} AS rec, {self.state} AS state FROM {self.name} t"  # noqa: S608

    @property
    def entries(self) -> str:
        """SQL: the condition on `audit` that picks this table's entries (and its index)."""
        return f"tbl = '{self.name}'"

    # The statements verify runs on the table, composed here of the table's fixed name and
    # expressions (nothing of them comes from input); values are bound.

    @property
    def against_trail(self) -> str:
        """SQL: one pass over the rows and the newest entries: (records the trail says are
        there, the key of the first record whose row differs from its newest state)."""
        differs = ("a.state IS NULL OR (t.rec IS NULL AND a.state IS NOT 'null') OR (t.rec IS NOT NULL "
                   "AND a.state IS NOT t.state)")
        # the first by row id (a number: on PostgreSQL, `rec` taken from a CASE is one), or for
        # a composed key by its text
        first = f"min(l.rec) FILTER (WHERE {differs})" if self.key_columns else (
            f"min(CASE WHEN {differs} THEN l.rec END)")
        return (f"SELECT count(*) FILTER (WHERE a.state IS NOT 'null'), {first} "  # noqa: S608
                f"FROM (SELECT rec, max(id) AS id FROM audit WHERE {self.entries} "
                f"GROUP BY rec) l JOIN audit a ON a.id = l.id LEFT JOIN ({self.select}) t ON t.rec = l.rec")

    @property
    def count(self) -> str:
        """SQL: how many rows the table holds."""
        return f"SELECT count(*) FROM {self.name}"  # noqa: S608

    @property
    def without_entry(self) -> str:
        """SQL: the key of a row no audit entry names."""
        return (f"SELECT t.rec FROM ({self.select}) t WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM audit WHERE {self.entries} AND rec = t.rec) LIMIT 1")

    @property
    def newest_entry(self) -> str:
        """SQL: (id, state) of a record's newest entry; the record's key bound."""
        return f"SELECT id, state FROM audit WHERE {self.entries} AND rec = ? ORDER BY id DESC LIMIT 1"  # noqa: S608

    @property
    def newest_state(self) -> str:
        """SQL: the newest state in which a record was there; its key bound."""
        return (f"SELECT state FROM audit WHERE {self.entries} AND rec = ? "  # noqa: S608
                "AND state IS NOT NULL AND state <> 'null' ORDER BY id DESC LIMIT 1")

    @property
    def live_state(self) -> str:
        """SQL: a record's live row rendered as a state; its key bound."""
        return f"SELECT state FROM ({self.select}) WHERE rec = ?"  # noqa: S608


def _folded(table: str, columns: str, parent: str, order: str) -> str:
    """SQL: the rows of a child table belonging to the row ``t``, as a JSON array."""
    return (f"json(coalesce((SELECT json_group_array(json_array({columns})) FROM "  # noqa: S608
            f"(SELECT {columns} FROM {table} WHERE {parent} = t.id ORDER BY {order})), '[]'))")


def _table(name: str, columns: tuple[str, ...], folded: str | None = None, **kw: object) -> Table:
    values = ", ".join(f"t.{c}" for c in columns)
    state = f"json_array({values}{', ' + folded if folded else ''})"
    return Table(name, columns + (("rows",) if folded else ()), state, **kw)  # type: ignore[arg-type]


# The tables as migration 9 sealed them (it runs on databases of its own schema, and seals
# with these very expressions).
TABLES_9: tuple[Table, ...] = (
    _table("converter", ("code", "name", "nominal_t", "active")),
    _table("shift", ("code", "name_en", "name_zh", "start_min", "seq")),
    _table("grade", ("code", "description")),
    _table("standard", ("grade", "standard", "edition", "effective_from"),
           _folded("standard_limit", "element, min_pct, max_pct", "standard_id", "element")),
    _table("defect", ("code", "name_en", "name_zh", "category", "active")),
    _table("heat", ("heat_no", "converter_id", "tapped_at", "production_date", "shift_id", "grade",
                    "tap_weight_t", "tap_temp_c", "inspector", "notes", "void_reason"),
           _folded("heat_analysis", "element, seq, value_pct, voided", "heat_id", "element, seq")),
    _table("ingot", ("heat_id", "ingot_no", "weight_kg", "disposition", "inspector", "judged_at",
                     "void_reason"),
           _folded("ingot_defect", "seq, defect_code, location, voided", "ingot_id", "seq")),
    _table("person", ("name", "role", "pin_hash", "active")),
    _table("signature", ("kind", "production_date", "shift_id", "person_id", "signer", "role",
                         "meaning", "signed_at", "records_hash", "chain_head", "superseded_at",
                         "superseded_reason")),
    _table("plan", ("period", "output_t", "ingot_rate")),
    _table("workshop", ("name_en", "name_zh")),
    _table("control_limits", ("date_from", "date_to", "centre", "spread", "n"),
           key="json_array(t.chart, t.grade, t.element, t.converter, t.shift)",
           key_columns=("chart", "grade", "element", "converter", "shift")),
)


def _ingot_10() -> Table:
    """An ingot since migration 10: the state of migration 9, and the grade a re-graded ingot
    is released as after it only when one is named (so the ingots of before keep their state)."""
    ingot = next(t for t in TABLES_9 if t.name == "ingot")
    named = ingot.state.removesuffix(")") + ", t.regrade_to)"
    return Table(ingot.name, (*ingot.columns, "regrade_to"),
                 f"CASE WHEN t.regrade_to IS NULL THEN {ingot.state} ELSE {named} END")


# Since migration 10 (issue 16): the ingot's grade when re-graded; a heat's samples from the
# lab with their element values (a `heat` sample's values are the heat's analysis, folded
# into the heat's state); the editions of the product-analysis tolerances with their classes.
TABLES: tuple[Table, ...] = (
    *(t if t.name != "ingot" else _ingot_10() for t in TABLES_9),
    _table("sample", ("heat_id", "kind", "sample_no", "ingot_id", "taken_at", "entered_by",
                      "void_reason"),
           _folded("sample_value", "element, value_pct", "sample_id", "element")),
    _table("tolerance_edition", ("standard", "edition", "in_force_from"),
           _folded("tolerance_class", "element, seq, up_to_pct, below_pct, above_pct", "edition_id",
                   "element, seq")),
)
# Since migration 11 (issue 14): the dismissals of the off-grade announcements.
TABLES += (
    _table("alert_dismissal", ("kind", "heat_id", "sample_id", "element", "person_id", "dismissed_by",
                               "role", "dismissed_at")),
)
BY_NAME = {t.name: t for t in TABLES}
assert tuple(BY_NAME) == RECORD_TABLES  # each has its index of entries (migrations 9, 10 and 11)

# Tables kept by name in code (a typo is an error at import, not a silent miss).
(CONVERTER, SHIFT, GRADE, STANDARD, DEFECT, HEAT, INGOT, PERSON, SIGNATURE, PLAN, WORKSHOP, LIMITS,
 SAMPLE, TOLERANCES, DISMISSAL) = (t.name for t in TABLES)
