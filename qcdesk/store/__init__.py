"""The storage layer: the only place that speaks SQL.

One SQLite file through the standard `sqlite3` module. Every connection turns
foreign keys on and waits for a busy database; every write runs inside one
explicit ``BEGIN IMMEDIATE … COMMIT`` and writes its audit entries in the same
transaction. The rules (is this heat conforming? what is a rate?) live in
`qcdesk.standards` and `qcdesk.rates`; the store fetches, saves and aggregates.

The store is built in layers, one module per kind of record, each adding its
records' methods on top of the layers it builds on:

========== =====================================================================
base        opening, the schema and its migrations, transactions, writing the trail
catalogue   converters, shifts, grades, the defect catalogue
standards   product standards and product-analysis tolerances
heats       heats and their heat analyses
samples     the lab's samples and the product-analysis check
ingots      ingots and their defects
people      people, PINs, roles, and signing off
plans       plans, the workshop's name, frozen control limits
trail       reading the trail: a heat's history, what `verify` checks
queries     rates, the history page, trends, records, exports
alerts      the off-grade announcements and their dismissals
========== =====================================================================

`Store` is the top layer; callers only ever see it (and the value types below).

Every command opens a store, and a command that only reads, `qcdesk rates` say, should start
quickly (issue 17). So what only some methods need is imported in those methods: the rules of
signing off (`qcdesk.signoff`), of product analyses (`qcdesk.product`), of the announcements
(`qcdesk.alerts`) and of plausibility, hashlib for the chain, threading for the change feed
(tests/test_start_imports.py checks what `rates` loads).
"""

from __future__ import annotations

from qcdesk.store.alerts import Alerts
from qcdesk.store.base import BUSY_TIMEOUT_S, current_user, environment_error
from qcdesk.store.common import (
    HISTORY_QUICK_SORTS,
    NewIngot,
    default_db_path,
    parse_plan,
    resolve_db_path,
)
from qcdesk.store.heats import NewHeat
from qcdesk.store.plans import Plan, Workshop
from qcdesk.store.queries import (
    HISTORY_SORTS,
    DefectCount,
    ExportHeat,
    ExportIngot,
    HeatFilter,
    HeatListRow,
    HeatPage,
    RecordDay,
)
from qcdesk.store.samples import PRELIMINARY_BEFORE_TAP, NewSample, SampleTarget
from qcdesk.store.trail import AuditEntry


class Store(Alerts):
    """A qcdesk database, opened for one user."""


__all__ = [
    "BUSY_TIMEOUT_S",
    "HISTORY_QUICK_SORTS",
    "HISTORY_SORTS",
    "PRELIMINARY_BEFORE_TAP",
    "AuditEntry",
    "DefectCount",
    "ExportHeat",
    "ExportIngot",
    "HeatFilter",
    "HeatListRow",
    "HeatPage",
    "NewHeat",
    "NewIngot",
    "NewSample",
    "Plan",
    "RecordDay",
    "SampleTarget",
    "Store",
    "Workshop",
    "current_user",
    "default_db_path",
    "environment_error",
    "parse_plan",
    "resolve_db_path",
]
