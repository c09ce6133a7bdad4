"""Read-only queries over many heats: rates, the history page, trends, records, exports."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from qcdesk.errors import InputError, NotFound
from qcdesk.i18n import _
from qcdesk.model import (
    EVERYTHING,
    AnalysisPoint,
    ChemStatus,
    DefectIngot,
    Disposition,
    Heat,
    Ingot,
    IngotDefect,
    Location,
    Scope,
    element_sort_key,
)
from qcdesk.numbers import (
    normalise_code,
)
from qcdesk.rate_sql import DAILY_JUDGED_SQL as _DAILY_JUDGED_SQL
from qcdesk.rate_sql import GROUP_ORDER as _GROUP_ORDER
from qcdesk.rate_sql import GROUP_SQL as _GROUP_SQL
from qcdesk.rate_sql import HEAT_SUMS_SQL as _HEAT_SUMS_SQL
from qcdesk.rate_sql import RATE_SQL as _RATE_SQL
from qcdesk.rate_sql import SUMS_SQL as _SUMS_SQL
from qcdesk.rate_sql import sums_of as _sums_of
from qcdesk.rates import KEY_FIELDS, RateReport, RateRow, Rates, RateSums, check_group_keys
from qcdesk.standards import HeatCheck, in_force
from qcdesk.standards import check as check_chemistry
from qcdesk.store.trail import Trail


@dataclass(frozen=True)
class DefectCount:
    """One defect of a Pareto: the ingots it was found on, and their weight."""

    code: str
    name_en: str
    name_zh: str
    ingots: int
    weight_kg: float


# An ingot as an export writes it: heat number, ingot number, weight in kg, disposition code,
# defects as "CODE@location;CODE", inspector (Store.ingot_export_rows).
ExportIngot = tuple[str, int, float, str, str, str, str]


class RecordDay(NamedTuple):
    """A production date as the records see it (Store.record_days): the heats each converter
    made (converters without a heat left out), and the qualified and judged ingots of its
    checked heats, by weight or count."""

    day: date
    heats: tuple[tuple[str, int], ...]  # (converter, heats), in the order of the converters' ids
    qualified: float
    judged: float


class RecordBests(NamedTuple):
    """The records of some production dates (Store.record_bests): the most heats in one day by
    the whole workshop and by each converter that made any (in the order of the converters' ids),
    and the best daily ingot qualified rate by weight or count, each with the first date it was
    reached (None: no such day)."""

    heats: tuple[int, date] | None
    heats_by_converter: dict[str, tuple[int, date]]
    rate: tuple[float, date] | None

    def then(self, later: RecordBests) -> RecordBests:
        """The records of these days and of later ones: a later figure takes a record only by
        being greater."""
        by_converter = dict(self.heats_by_converter)
        for conv, found in later.heats_by_converter.items():
            if conv not in by_converter or found[0] > by_converter[conv][0]:
                by_converter[conv] = found
        return RecordBests(_greater(self.heats, later.heats), by_converter, _greater(self.rate, later.rate))


def _greater(first: tuple[Any, date] | None, later: tuple[Any, date] | None) -> tuple[Any, date] | None:
    """The record of two spans of days, the second later: its figure only if greater."""
    return later if first is None or (later is not None and later[0] > first[0]) else first


class ExportHeat(NamedTuple):
    """A heat as an export writes it (Store.heat_export_rows): tapped_at as stored."""

    heat_no: str
    converter: str
    tapped_at: str
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    notes: str
    analysis: dict[str, float]


@dataclass(frozen=True)
class HeatFilter:
    """What the history browser shows: production dates from..to (inclusive; None: open) and
    one converter, grade, shift code or status each (None: any)."""

    date_from: date | None = None
    date_to: date | None = None
    converter: str | None = None
    grade: str | None = None
    shift: str | None = None
    status: ChemStatus | None = None

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def params(self) -> tuple[object, ...]:
        """The bound values of _HISTORY_WHERE, in order."""
        others = (self.converter, self.converter, self.grade, self.grade, self.shift, self.shift,
                  None if self.status is None else ChemStatus(self.status).value,
                  None if self.status is None else ChemStatus(self.status).value)
        if not self.dated:
            return others
        low = self.date_from.isoformat() if self.date_from else "0001-01-01"
        high = self.date_to.isoformat() if self.date_to else "9999-12-31"
        return (*others, low, high)


@dataclass(frozen=True)
class HeatListRow:
    """One heat as the history browser lists it, with its ingot rates as the core defines them."""

    heat_no: str
    production_date: date
    shift: str
    converter: str
    grade: str
    tapped_at: datetime
    tap_weight_t: float
    chem_status: ChemStatus
    ingots_judged: int
    ingots: int
    sums: RateSums

    @property
    def ingot_qualified_rate(self) -> float | None:
        """By weight (DOMAIN.md); None where undefined."""
        return Rates.of(self.sums).ingot_qualified_rate

    @property
    def ingot_qualified_rate_by_count(self) -> float | None:
        return Rates.of(self.sums).ingot_qualified_rate_by_count


@dataclass(frozen=True)
class HeatPage:
    """A page of heats and the key to ask for the next one (None: this was the last)."""

    rows: tuple[HeatListRow, ...]
    after: tuple[Any, ...] | None


def _history_row(r: sqlite3.Row) -> HeatListRow:
    status = ChemStatus(r["chem_status"])
    checked = status is not ChemStatus.NOT_CHECKED
    conforms = status is ChemStatus.CONFORMS
    n_judged, n_ok, w_judged, w_ok = r["n_judged"], r["n_surface_ok"], r["w_judged_kg"], r["w_surface_ok_kg"]
    # leaving out the ingots failing a product analysis (the same subtraction as _SUMS_SQL's)
    n_qualified, w_qualified = n_ok - r["n_pa_fails_ok"], w_ok - r["w_pa_fails_ok_kg"]
    # one heat's RateSums: the same sums _SUMS_SQL adds up over many heats
    sums = RateSums(
        heats=1, heats_checked=int(checked), heats_conforming=int(conforms),
        output_t=r["tap_weight_t"], output_checked_t=r["tap_weight_t"] if checked else 0.0,
        output_conforming_t=r["tap_weight_t"] if conforms else 0.0,
        ingots=r["n_ingots"], ingots_pending=r["n_ingots"] - n_judged,
        ingots_surface_judged=n_judged, ingots_surface_ok=n_ok,
        weight_surface_judged_kg=w_judged, weight_surface_ok_kg=w_ok,
        ingots_judged=n_judged if checked else 0, ingots_qualified=n_qualified if conforms else 0,
        weight_judged_kg=w_judged if checked else 0.0,
        weight_qualified_kg=w_qualified if conforms else 0.0,
        ingots_awaiting_chemistry=0 if checked else n_judged,
        weight_awaiting_chemistry_kg=0.0 if checked else w_judged,
        ingots_failing_product_analysis=r["n_pa_fails"],
        weight_failing_product_analysis_kg=r["w_pa_fails_kg"])
    return HeatListRow(r["heat_no"], date.fromisoformat(r["production_date"]), r["shift_code"],
                       r["converter_code"], r["grade"], datetime.fromisoformat(r["tapped_at"]),
                       r["tap_weight_t"], status, n_judged, r["n_ingots"], sums)


# The history browser's sort keys: each a fixed list of SQL expressions (never user text),
# ended by h.id so that every row has a distinct key for keyset paging.
_HISTORY_KEYS: dict[str, tuple[str, ...]] = {
    "heat_no": ("h.heat_no",),
    "production_date": ("h.production_date", "h.tapped_at"),
    "shift": ("s.seq", "h.tapped_at"),
    "converter": ("length(c.code)", "c.code", "h.tapped_at"),
    "grade": ("h.grade", "h.tapped_at"),
    "tapped_at": ("h.tapped_at",),
    "tap_weight_t": ("h.tap_weight_t", "h.tapped_at"),
    "chem_status": ("h.chem_status", "h.tapped_at"),
    "ingots": ("h.n_judged", "h.n_ingots", "h.tapped_at"),
    "ingot_qualified_rate": (_RATE_SQL, "h.tapped_at"),
}


HISTORY_SORTS = tuple(_HISTORY_KEYS)


# Converter and shift are looked up by code once, not joined for every heat counted.
_HISTORY_FILTER = ("WHERE (? IS NULL OR h.converter_id = (SELECT id FROM converter WHERE code = ?)) "
                   "AND (h.grade = ? OR ? IS NULL) "
                   "AND (? IS NULL OR h.shift_id = (SELECT id FROM shift WHERE code = ?)) "
                   "AND (h.chem_status = ? OR ? IS NULL) AND h.void_reason IS NULL")


# Undated, the planner walks the sort key's index (no sort); dated, the date index narrows first.
_HISTORY_FILTERS = {False: _HISTORY_FILTER,
                    True: _HISTORY_FILTER + " AND h.production_date BETWEEN ? AND ?"}


_HISTORY_COUNT = {dated: "SELECT count(*) FROM heat h " + where  # noqa: S608 - fixed texts
                  for dated, where in _HISTORY_FILTERS.items()}


_HISTORY_COUNT_ALL = "SELECT count(*) FROM heat WHERE void_reason IS NULL"


_HISTORY_WHERE = {dated: "FROM heat h JOIN converter c ON c.id = h.converter_id "
                         "JOIN shift s ON s.id = h.shift_id " + where
                  for dated, where in _HISTORY_FILTERS.items()}


_HISTORY_COLUMNS = ("SELECT h.heat_no, h.production_date, s.code AS shift_code, c.code AS converter_code, "
                    "h.grade, h.tapped_at, h.tap_weight_t, h.chem_status, h.n_ingots, h.n_judged, "
                    "h.n_surface_ok, h.w_judged_kg, h.w_surface_ok_kg, h.n_pa_fails, h.w_pa_fails_kg, "
                    "h.n_pa_fails_ok, h.w_pa_fails_ok_kg")


def _history_page_sql(keys: tuple[str, ...], descending: bool, dated: bool) -> tuple[str, str]:
    """The fixed texts of a first page and a following page for one sort key."""
    exprs = (*keys, "h.id")
    way = " DESC" if descending else ""
    select = _HISTORY_COLUMNS + "".join(f", {e} AS k{i}" for i, e in enumerate(exprs)) + " "
    order = " ORDER BY " + ", ".join(e + way for e in exprs) + " LIMIT ?"
    after = (" AND (" + ", ".join(exprs) + (") < (" if descending else ") > (")
             + ", ".join("?" * len(exprs)) + ")")
    return (select + _HISTORY_WHERE[dated] + order,
            select + _HISTORY_WHERE[dated] + after + order)


_HISTORY_PAGE = {(sort, descending, dated): _history_page_sql(keys, descending, dated)
                 for sort, keys in _HISTORY_KEYS.items() for descending in (False, True)
                 for dated in (False, True)}


# The trends' scope, with the named parameters _scope_params binds.
_SCOPE_SQL = (" AND (:conv IS NULL OR h.converter_id = :conv) AND (:shift IS NULL OR h.shift_id = :shift)"
              " AND (:grade IS NULL OR h.grade = :grade)")


_PARETO_WHERE = "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"


# exports (speed-output, issue 17): the rows of Store.iter_ingots and Store.heats, as plain values
_EXPORT_INGOTS_SQL = (
    "SELECT h.heat_no, i.ingot_no, i.weight_kg, i.disposition, coalesce((SELECT group_concat("
    "d.defect_code || coalesce('@' || d.location, ''), ';') FROM (SELECT * FROM ingot_defect "
    "WHERE ingot_id = i.id AND voided = 0 ORDER BY seq) d), ''), i.inspector, "
    "coalesce(i.regrade_to, '') FROM heat h JOIN ingot i ON i.heat_id = h.id "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
    "ORDER BY h.tapped_at, h.heat_no, i.ingot_no")


_EXPORT_HEATS_SQL = (
    "SELECT h.id, h.heat_no, c.code, h.tapped_at, h.grade, h.tap_weight_t, h.tap_temp_c, h.inspector, "
    "h.notes, a.element, a.value_pct FROM heat h JOIN converter c ON c.id = h.converter_id "
    "LEFT JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL "
    "ORDER BY h.tapped_at, h.heat_no")


_EXPORT_ELEMENTS_SQL = (
    "SELECT DISTINCT a.element FROM heat h JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
    "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL")


_EXPORT_NOTES_SQL = ("SELECT 1 FROM heat h WHERE h.production_date BETWEEN ? AND ? "
                     "AND h.void_reason IS NULL AND h.notes <> '' LIMIT 1")


_PARETO_BY_HEAT = (
    "SELECT d.code, d.name_en, d.name_zh, count(*), total(x.weight_kg) FROM ("  # noqa: S608 - fixed text
    "  SELECT DISTINCT i.id, i.weight_kg, idf.defect_code FROM heat h "
    "  JOIN ingot i ON i.heat_id = h.id JOIN ingot_defect idf ON idf.ingot_id = i.id "
    "  " + _PARETO_WHERE + " AND i.void_reason IS NULL AND idf.voided = 0) x "
    "JOIN defect d ON d.code = x.defect_code "
    "GROUP BY d.code ORDER BY count(*) DESC, total(x.weight_kg) DESC, d.code")


_PARETO_BY_DEFECT = _PARETO_BY_HEAT.replace(
    "FROM heat h   JOIN ingot i ON i.heat_id = h.id JOIN ingot_defect idf ON idf.ingot_id = i.id",
    "FROM ingot_defect idf CROSS JOIN ingot i ON i.id = idf.ingot_id CROSS JOIN heat h ON h.id = i.heat_id")


class Queries(Trail):
    def date_span(self) -> tuple[date, date] | None:
        """The first and last production dates holding heats, if any."""
        # each bound on its own: SQLite then reads one end of the index instead of all of it
        first, last = self.conn.execute(
            "SELECT (SELECT min(production_date) FROM heat WHERE void_reason IS NULL), "
            "(SELECT max(production_date) FROM heat WHERE void_reason IS NULL)").fetchone()
        return (date.fromisoformat(first), date.fromisoformat(last)) if first else None

    def iter_ingots(self, date_from: date, date_to: date) -> Iterator[Ingot]:
        """Every ingot of heats of production dates from..to, in tap then ingot order."""
        rows = self.conn.execute(
            "SELECT i.*, h.heat_no, (SELECT group_concat(d.defect_code || coalesce('@' || d.location, ''), "
            "';') FROM (SELECT * FROM ingot_defect WHERE ingot_id = i.id AND voided = 0 ORDER BY seq) d) "
            "AS defect_list FROM heat h JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "ORDER BY h.tapped_at, h.heat_no, i.ingot_no",
            (date_from.isoformat(), date_to.isoformat()))
        for r in rows:
            defects = tuple(IngotDefect(code, Location(loc) if loc else None)
                            for code, _at, loc in (d.partition("@") for d in
                                                   (r["defect_list"] or "").split(";") if d))
            yield Ingot(r["id"], r["heat_no"], r["ingot_no"], r["weight_kg"],
                        Disposition(r["disposition"]), r["inspector"],
                        datetime.fromisoformat(r["judged_at"]) if r["judged_at"] else None, defects,
                        r["regrade_to"], bool(r["pa_fails"]))

    def ingot_export_rows(self, date_from: date, date_to: date) -> Iterator[ExportIngot]:
        """What an ingots export writes for the ingots `iter_ingots` gives, in its order, as plain
        values read while the file is written: (heat number, ingot number, weight in kg, the
        disposition's code, the defects as ``CODE@location;CODE``, inspector, the grade a re-graded
        ingot is released as or '')."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a million rows are read
        return cursor.execute(_EXPORT_INGOTS_SQL, (date_from.isoformat(), date_to.isoformat()))

    def heat_export_columns(self, date_from: date, date_to: date) -> tuple[list[str], bool]:
        """The elements analysed in the heats of production dates from..to (in the order of
        `element_sort_key`), and whether any of these heats has notes: the optional columns of
        a heats export."""
        span = (date_from.isoformat(), date_to.isoformat())
        elements = [r[0] for r in self.conn.execute(_EXPORT_ELEMENTS_SQL, span)]
        notes = self.conn.execute(_EXPORT_NOTES_SQL, span).fetchone() is not None
        return sorted(elements, key=element_sort_key), notes

    def heat_export_rows(self, date_from: date, date_to: date) -> Iterator[ExportHeat]:
        """The heats `heats` gives (production dates from..to, tap order), each with its live
        analysis, read one at a time while the file is written: (heat number, converter, tapped
        at as stored 'YYYY-MM-DD HH:MM', grade, tap weight, tap temperature, inspector, notes,
        {element: value})."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        heat: tuple[Any, ...] | None = None
        analysis: dict[str, float] = {}
        # the rows of one heat follow each other: heats are ordered by a unique key
        for row in cursor.execute(_EXPORT_HEATS_SQL, (date_from.isoformat(), date_to.isoformat())):
            if heat is None or row[0] != heat[0]:
                if heat is not None:
                    yield ExportHeat._make((*heat[1:], analysis))
                heat, analysis = row[:9], {}
            if row[9] is not None:
                analysis[row[9]] = row[10]
        if heat is not None:
            yield ExportHeat._make((*heat[1:], analysis))

    def rate_sums(self, date_from: date, date_to: date, by: Sequence[str] = (),
                  scope: Scope = EVERYTHING) -> list[tuple[dict[str, str], RateSums]]:
        """The sums behind every rate per group, aggregated by the database, over the heats
        of one converter, shift or grade when the scope names one."""
        keys = [_GROUP_SQL[k] for k in check_group_keys(by)]
        select = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(keys))
        group = ", ".join(f"k{i}" for i in range(len(keys)))
        order = ", ".join(_GROUP_ORDER.get(k, f"k{i}") for i, k in enumerate(by))
        # every fragment comes from _GROUP_SQL, a fixed table; the dates and scope are bound
        sql = (f"SELECT {select + ',' if select else ''} {_SUMS_SQL} FROM heat h "  # noqa: S608
               "JOIN converter c ON c.id = h.converter_id JOIN shift s ON s.id = h.shift_id "
               "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
               + (_SCOPE_SQL if not scope.everything else "")
               + (f" GROUP BY {group} ORDER BY {order}" if keys else ""))
        out = []
        for r in self.conn.execute(sql, self._scope_params(date_from, date_to, scope)):
            values = tuple(r)
            sums = _sums_of(values[len(keys):])
            if not keys and sums.heats == 0:
                continue
            out.append(({KEY_FIELDS[k]: values[i] for i, k in enumerate(by)}, sums))
        return out

    def _scope_params(self, date_from: date, date_to: date, scope: Scope) -> dict[str, object]:
        """The bound parameters of _SCOPE_SQL: a named converter or shift that does not exist
        is refused, not read as "nothing made"."""
        conv = shift = None
        if scope.converter is not None:
            conv = self.converter(scope.converter).id
        if scope.shift is not None:
            found = [s.id for s in self.shifts() if s.code == scope.shift]
            if not found:
                raise NotFound(_("no shift {code!r}").format(code=scope.shift))
            shift = found[0]
        if scope.grade is not None and scope.grade not in self.grades():
            raise NotFound(_("no grade {code!r}").format(code=scope.grade))
        return {"from": date_from.isoformat(), "to": date_to.isoformat(),
                "conv": conv, "shift": shift, "grade": scope.grade}

    def rates(self, date_from: date, date_to: date, by: Sequence[str] = (),
              basis: str = "weight") -> RateReport:
        """Rates per group over production dates from..to, with the total."""
        if date_to < date_from:
            raise InputError("--to", _("{to} is before {frm}").format(to=date_to, frm=date_from))
        if basis not in ("weight", "count"):
            raise InputError("--basis", _("the basis is weight or count"))
        groups = self.rate_sums(date_from, date_to, by)
        rows = tuple(RateRow.of(keys, sums) for keys, sums in groups)
        total = sum((sums for _k, sums in groups), RateSums())
        return RateReport(date_from.isoformat(), date_to.isoformat(), tuple(by), basis, rows,
                          RateRow.of({}, total))

    def heat_rates(self, heat_no: str) -> RateRow:
        """One heat's ingot sums and rates (the heat view's running totals), keyed by heat number."""
        row = self._heat_row(heat_no)
        values = tuple(self.conn.execute(_HEAT_SUMS_SQL, (row["id"],)).fetchone())
        return RateRow.of({"heat": row["heat_no"]}, _sums_of(values))

    def count_heats(self, where: HeatFilter) -> int:
        """How many heats the history browser's filter lets through."""
        if where == HeatFilter():
            return int(self.conn.execute(_HISTORY_COUNT_ALL).fetchone()[0])
        return int(self.conn.execute(_HISTORY_COUNT[where.dated], where.params()).fetchone()[0])

    def heat_page(self, where: HeatFilter, sort: str = "production_date", *, descending: bool = True,
                  after: tuple[Any, ...] | None = None, limit: int = 200) -> HeatPage:
        """One page of the history browser: up to `limit` heats after the key of the last
        row of the page before (keyset paging), in the order of a sort key from HISTORY_SORTS."""
        if sort not in HISTORY_SORTS:
            raise InputError(_("sort"), _("unknown column {name!r}").format(name=sort))
        if not 1 <= limit <= 10_000:
            raise InputError(_("limit"), _("must be a whole number from 1 to 10000"))
        first, following = _HISTORY_PAGE[sort, descending, where.dated]
        if after is None:
            rows = self.conn.execute(first, (*where.params(), limit)).fetchall()
        else:
            if len(after) != len(_HISTORY_KEYS[sort]) + 1:
                raise InputError(_("sort"), _("the page key does not fit the sort"))
            rows = self.conn.execute(following, (*where.params(), *after, limit)).fetchall()
        shown = tuple(_history_row(r) for r in rows)
        n_keys = len(_HISTORY_KEYS[sort]) + 1
        last = tuple(rows[-1])[-n_keys:] if len(rows) == limit else None
        return HeatPage(shown, last)

    def defect_pareto(self, date_from: date, date_to: date, scope: Scope = EVERYTHING) -> list[DefectCount]:
        """Each defect found on ingots of heats of production dates from..to: how many ingots
        carry it and their weight (an ingot counts once per defect), most frequent first."""
        params = self._scope_params(date_from, date_to, scope)
        # Over a few days, walk the days' heats to their ingots' defects; over most of the
        # history, walk the defects (a fifth of the ingots carry one) up to their heats:
        # 0.44 s instead of 1.2 s on the ten-year database, 6 ms instead of 120 ms for a month.
        span = self.date_span()
        wide = span is not None and (min(date_to, span[1]) - max(date_from, span[0])).days \
            > 0.35 * (span[1] - span[0]).days
        sql = _PARETO_BY_DEFECT if wide else _PARETO_BY_HEAT
        if not scope.everything:
            sql = sql.replace(_PARETO_WHERE, _PARETO_WHERE + _SCOPE_SQL)
        rows = self.conn.execute(sql, params)
        return [DefectCount(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def defect_ingots(self, date_from: date, date_to: date, code: str, scope: Scope = EVERYTHING,
                      limit: int = 5000) -> list[DefectIngot]:
        """The ingots behind a Pareto bar: those of heats of production dates from..to that
        carry the defect, latest first, at most `limit` of them."""
        params = {**self._scope_params(date_from, date_to, scope), "code": code, "limit": limit}
        rows = self.conn.execute(  # the text is fixed: _SCOPE_SQL binds the scope
            "SELECT h.heat_no, i.ingot_no, h.production_date, c.code, h.grade, i.weight_kg, i.disposition, "  # noqa: S608
            "  (SELECT group_concat(code, ', ') FROM (SELECT x.defect_code AS code, min(x.seq) AS first "
            "   FROM ingot_defect x WHERE x.ingot_id = i.id AND x.voided = 0 GROUP BY x.defect_code "
            "   ORDER BY first)) "
            "FROM heat h JOIN converter c ON c.id = h.converter_id JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
            + _SCOPE_SQL + " AND i.void_reason IS NULL AND EXISTS (SELECT 1 FROM ingot_defect idf "
            "  WHERE idf.ingot_id = i.id AND idf.voided = 0 AND idf.defect_code = :code) "
            "ORDER BY h.production_date DESC, h.tapped_at DESC, i.ingot_no LIMIT :limit", params)
        return [DefectIngot(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7] or "")
                for r in rows]

    def analysis_values(self, date_from: date, date_to: date, grade: str, element: str,
                        scope: Scope = EVERYTHING) -> list[AnalysisPoint]:
        """The live heat-analysis values of an element, for heats of a grade of production dates
        from..to, in tapping order (the order of an I-MR chart)."""
        params = {**self._scope_params(date_from, date_to, scope), "grade": grade, "element": element}
        rows = self.conn.execute(
            "SELECT h.heat_no, h.tapped_at, h.production_date, a.value_pct FROM heat h "  # noqa: S608
            "JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 AND a.element = :element "
            "WHERE h.grade = :grade AND h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
            # a heat's production date is its tap date or the day after (a shift from the evening
            # before): so the heat_by_grade index can walk just the period's taps
            " AND h.tapped_at >= date(:from, '-2 days') AND h.tapped_at < date(:to, '+2 days')"
            + _SCOPE_SQL + " ORDER BY h.tapped_at, h.heat_no", params)
        return [AnalysisPoint(r[0], datetime.fromisoformat(r[1]), date.fromisoformat(r[2]), r[3])
                for r in rows]

    def analysis_series(self, date_from: date, date_to: date,
                        scope: Scope = EVERYTHING) -> dict[tuple[str, str], list[AnalysisPoint]]:
        """The live heat-analysis values of heats of production dates from..to under the scope,
        by (grade, element), each in tapping order: what `analysis_values` gives for each pair."""
        found: dict[tuple[str, str], list[AnalysisPoint]] = defaultdict(list)
        heat: tuple[str, str, str] | None = None
        tapped_at, production_date = datetime.min, date.min
        # the statement and _SCOPE_SQL are fixed texts; the dates and scope are bound
        for grade, element, heat_no, tapped, day, value in self.conn.execute(
                "SELECT h.grade, a.element, h.heat_no, h.tapped_at, h.production_date, a.value_pct "
                "FROM heat h JOIN heat_analysis a ON a.heat_id = h.id AND a.voided = 0 "
                "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL"
                " AND h.tapped_at >= date(:from, '-2 days') AND h.tapped_at < date(:to, '+2 days')"
                + _SCOPE_SQL + " ORDER BY h.tapped_at, h.heat_no",
                self._scope_params(date_from, date_to, scope)):
            if heat != (heat_no, tapped, day):  # a heat's elements follow each other: parsed once
                heat = (heat_no, tapped, day)
                tapped_at, production_date = datetime.fromisoformat(tapped), date.fromisoformat(day)
            found[grade, element].append(AnalysisPoint(heat_no, tapped_at, production_date, value))
        return dict(found)

    def record_days(self, date_from: date, date_to: date, basis: str = "weight",
                    scope: Scope = EVERYTHING) -> list[RecordDay]:
        """Each production date with heats from..to under the scope, in date order: the heats
        each converter made (as `heat_counts` has them) and the qualified and the judged ingots
        of its checked heats, by weight (kg) or count (the ingot qualified rate's two sums, as
        `rate_sums` by day has them). One pass over the heats."""
        converters, rows = self._record_rows(date_from, date_to, basis, scope)
        whole = int if basis == "count" else float  # whole ingots, as RateSums holds them
        return [RecordDay(date.fromisoformat(r[0]),
                          tuple((code, n) for code, n in zip(converters, r[1:-3], strict=True) if n),
                          whole(r[-3]), whole(r[-2])) for r in rows]

    def record_bests(self, date_from: date, date_to: date, basis: str = "weight",
                     scope: Scope = EVERYTHING) -> RecordBests:
        """The records of the production dates from..to with heats under the scope: the most heats
        in one day by the whole workshop and by each converter, and the best daily ingot qualified
        rate by the basis, each with the first date it was reached (the same days and sums as
        `record_days`). The database finds them in one step and hands back a row for each, not
        one for each day: the records over ten years are read on a thread of their own while the
        program does other work, and a row at a time would wait for the program each time."""
        converters, params, days = self._record_sql(date_from, date_to, basis, scope)
        # each record of the days (made once, then read for each) with the first date it was
        # reached; the statement's texts are fixed, a column named per converter (its id bound)
        firsts = ["SELECT -1, heats, made_on FROM d ORDER BY heats DESC, made_on LIMIT 1",
                  "SELECT -2, qualified / judged, made_on FROM d WHERE judged > 0 "
                  "ORDER BY qualified / judged DESC, made_on LIMIT 1"]
        firsts += [f"SELECT {i}, c{i}, made_on FROM d WHERE c{i} > 0 ORDER BY c{i} DESC, made_on LIMIT 1"  # noqa: S608
                   for i in range(len(converters))]
        columns = ", ".join(["made_on", *(f"c{i}" for i in range(len(converters))), "qualified", "judged",
                             "heats"])
        rows = self.conn.execute(
            f"WITH d({columns}) AS MATERIALIZED ({days}) "  # noqa: S608 - fixed texts, values bound
            + " UNION ALL ".join(f"SELECT * FROM ({first}) AS r{n}"  # noqa: S608 - the texts above
                                 for n, first in enumerate(firsts)),
            params).fetchall()
        found = {int(key): (value, date.fromisoformat(day)) for key, value, day in rows}
        heats = found.get(-1)
        rate = found.get(-2)
        return RecordBests((int(heats[0]), heats[1]) if heats else None,
                           {code: (int(found[i][0]), found[i][1])
                            for i, code in enumerate(converters) if i in found},
                           (float(rate[0]), rate[1]) if rate else None)

    def _record_rows(self, date_from: date, date_to: date, basis: str,
                     scope: Scope) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The codes of the converters (in the order of their ids), and `_record_sql`'s rows."""
        converters, params, days = self._record_sql(date_from, date_to, basis, scope)
        return converters, self.conn.execute(days + " ORDER BY h.production_date", params).fetchall()

    def _record_sql(self, date_from: date, date_to: date, basis: str,
                    scope: Scope) -> tuple[list[str], dict[str, object], str]:
        """The codes of the converters (in the order of their ids), the parameters, and the text of
        a statement giving for each production date from..to with heats under the scope: the date
        (ISO text), the heats of each converter, the qualified and judged ingots of its checked
        heats by the basis, and all its heats. The heat_live_by_day index holds every column read
        by weight."""
        if basis not in _DAILY_JUDGED_SQL:
            raise InputError("basis", _("the basis is weight or count"))
        converters = sorted((c.id, c.code) for c in self.converters())
        params = {**self._scope_params(date_from, date_to, scope),
                  **{f"c{i}": conv_id for i, (conv_id, _code) in enumerate(converters)}}
        # a column per converter named :c0, :c1, … (its id bound) and a fixed text of rate_sql
        # picked by the basis checked above; the dates and scope are bound
        heats = "".join(f"count(*) FILTER (WHERE h.converter_id = :c{i}), " for i in range(len(converters)))
        days = ("SELECT h.production_date, " + heats + _DAILY_JUDGED_SQL[basis]  # noqa: S608
                + ", count(*) FROM heat h WHERE h.production_date BETWEEN :from AND :to"
                " AND h.void_reason IS NULL" + _SCOPE_SQL + " GROUP BY h.production_date")
        return [code for _id, code in converters], params, days

    def heat_counts(self, date_from: date, date_to: date,
                    scope: Scope = EVERYTHING) -> list[tuple[date, str, int]]:
        """Heats made per production date and converter (for the records), in date order."""
        params = self._scope_params(date_from, date_to, scope)
        codes = {c.id: c.code for c in self.converters()}
        rows = self.conn.execute(
            "SELECT h.production_date, h.converter_id, count(*) FROM heat h "  # noqa: S608
            "WHERE h.production_date BETWEEN :from AND :to AND h.void_reason IS NULL" + _SCOPE_SQL
            + " GROUP BY h.production_date, h.converter_id ORDER BY h.production_date, h.converter_id",
            params)
        return [(date.fromisoformat(r[0]), codes[r[1]], r[2]) for r in rows]

    def defective_ingots(self, date_from: date, date_to: date) -> tuple[int, float]:
        """How many ingots of heats of production dates from..to carry at least one defect, and their
        weight in kg: each ingot once, however many defects it has (the Pareto counts it per defect)."""
        r = self.conn.execute(
            "SELECT count(*), total(i.weight_kg) FROM heat h JOIN ingot i ON i.heat_id = h.id "
            "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "AND EXISTS (SELECT 1 FROM ingot_defect idf WHERE idf.ingot_id = i.id AND idf.voided = 0)",
            (date_from.isoformat(), date_to.isoformat())).fetchone()
        return int(r[0]), float(r[1])

    def heat_nos_starting(self, prefix: str, limit: int = 50) -> list[str]:
        """Heat numbers beginning with `prefix`, latest tapped first (to complete a typed number)."""
        pattern = normalise_code(prefix).strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [r[0] for r in self.conn.execute(
            "SELECT heat_no FROM heat WHERE heat_no LIKE ? ESCAPE '\\' AND void_reason IS NULL "
            "ORDER BY tapped_at DESC, heat_no LIMIT ?", (pattern + "%", limit))]

    def heat_sums(self, heat_no: str) -> RateSums:
        """The sums behind every rate, for one heat (the same aggregate as `rate_sums`)."""
        row = self._heat_row(heat_no)
        return _sums_of(tuple(self.conn.execute(_HEAT_SUMS_SQL, (row["id"],)).fetchone()))

    def nonconforming_heats(self, date_from: date, date_to: date) -> list[tuple[Heat, HeatCheck]]:
        """The heats of production dates from..to whose chemistry fails, with their verdicts."""
        editions = self._editions_by_grade()
        return [(heat, check_chemistry(in_force(editions.get(heat.grade, ()), heat.tapped_at.date()),
                                       heat.analysis))
                for heat in self.heats(date_from, date_to, status=ChemStatus.FAILS)]

    def most_heats_in_a_day(self, before: date, converter: str | None = None) -> tuple[int, date] | None:
        """The most heats made in one production date before `before` (by one converter, or the
        whole workshop), and the first date it was reached; None when there was no earlier day."""
        row = self.conn.execute(
            "SELECT n, production_date FROM (SELECT h.production_date, count(*) AS n FROM heat h "
            "JOIN converter c ON c.id = h.converter_id "
            "WHERE h.production_date < ? AND (c.code = ? OR ? IS NULL) AND h.void_reason IS NULL "
            "GROUP BY h.production_date) "
            "ORDER BY n DESC, production_date LIMIT 1",
            (before.isoformat(), converter, converter)).fetchone()
        return (row[0], date.fromisoformat(row[1])) if row else None

    def most_heats_per_converter(self, before: date) -> dict[str, tuple[int, date]]:
        """For each converter, the most heats it made in one production date before `before`
        and the first date it was reached (one pass over the heats, for the records)."""
        codes = {c.id: c.code for c in self.converters()}
        best: dict[str, tuple[int, str]] = {}
        # grouped in the order of the heat_live_by_day index (heats not voided), which covers it
        for conv_id, day, n in self.conn.execute(
                "SELECT converter_id, production_date, count(*) FROM heat WHERE production_date < ? "
                "AND void_reason IS NULL GROUP BY production_date, converter_id", (before.isoformat(),)):
            n_best, day_best = best.get(codes[conv_id], (0, ""))
            if n > n_best or (n == n_best and day < day_best):
                best[codes[conv_id]] = (n, day)
        return {code: (n, date.fromisoformat(day)) for code, (n, day) in best.items()}

    def best_daily_rate(self, before: date) -> tuple[float, date] | None:
        """The best daily ingot qualified rate (by weight) of the production dates before
        `before`, and the first date it was reached; None when no earlier day has one."""
        row = self.conn.execute(
            "SELECT production_date, rate FROM (SELECT production_date, "
            "total(w_surface_ok_kg - w_pa_fails_ok_kg) FILTER (WHERE chem_status = 'conforms') "
            "/ nullif(total(w_judged_kg) FILTER (WHERE chem_status <> 'not_checked'), 0) AS rate "
            "FROM heat WHERE production_date < ? AND void_reason IS NULL GROUP BY production_date) "
            "WHERE rate IS NOT NULL ORDER BY rate DESC, production_date LIMIT 1",
            (before.isoformat(),)).fetchone()
        return (row[1], date.fromisoformat(row[0])) if row else None
