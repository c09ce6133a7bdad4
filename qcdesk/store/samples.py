"""The lab's samples (preliminary, heat, product) and the product-analysis check of ingots."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from qcdesk import records
from qcdesk.errors import Conflict, InputError, NotFound, ReasonRequired
from qcdesk.i18n import N_, _
from qcdesk.model import (
    SAMPLE_KIND_NAMES,
    Disposition,
    Sample,
    SampleKind,
    element_sort_key,
)
from qcdesk.numbers import (
    check_tap_time,
    normalise_code,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.standards import in_force, satisfied_grades
from qcdesk.store.common import Progress, chunks, clean_name, clean_reason, minutes_text, validate_analysis
from qcdesk.store.heats import Heats

if TYPE_CHECKING:
    from qcdesk import product


@dataclass(frozen=True)
class SampleTarget:
    """A heat as an analyses file is checked against it (`Store.sample_targets`)."""

    heat_no: str
    tapped_at: datetime
    ingots: frozenset[int]           # its live ingots' numbers
    sample_nos: frozenset[str]       # the lab numbers of its live samples
    analysis: dict[str, float]       # its heat analysis of record
    signed: str | None               # the day of a signature in force covering it, if any


@dataclass(frozen=True)
class NewSample:
    """A result of the lab as entered, before it is saved (`Store.add_sample`)."""

    heat_no: str
    kind: SampleKind
    values: Mapping[str, float]
    sample_no: str | None = None  # the lab's number; a heat sample may have none
    ingot_no: int | None = None   # a product sample's ingot, and only its
    taken_at: datetime | None = None  # a heat sample: its tap when not given


# A preliminary sample is taken from the bath during the blow, before the tap: this long at most.
PRELIMINARY_BEFORE_TAP = timedelta(hours=2)


# The columns of a heat sample that a replacement may change: names from this fixed tuple only.
_SAMPLE_UPDATES = {column: f"UPDATE sample SET {column} = ? WHERE id = ?"  # noqa: S608
                   for column in ("sample_no", "taken_at", "entered_by")}


def _sample_kind(kind: SampleKind | str) -> SampleKind:
    try:
        return SampleKind(kind)
    except ValueError:
        raise InputError(_("kind"), _("{kind!r} is not a kind of sample; use one of: {known}").format(
            kind=kind, known=" ".join(k.value for k in SampleKind))) from None


def _check_taken_at(kind: SampleKind, taken: datetime, tapped: datetime, now: datetime) -> datetime:
    """When a sample was taken, to the minute: not before the tap (a preliminary sample, taken
    during the blow, PRELIMINARY_BEFORE_TAP before it at most), and not far ahead of the clock."""
    taken = check_tap_time(taken.replace(second=0, microsecond=0), now, N_("taken_at"))
    if kind is SampleKind.PRELIMINARY and taken < tapped - PRELIMINARY_BEFORE_TAP:
        raise InputError(_("taken_at"), _(
            "{taken} is more than {hours} hours before the tap ({tapped}): a preliminary sample is "
            "taken during the blow").format(taken=minutes_text(taken), hours=int(
                PRELIMINARY_BEFORE_TAP.total_seconds() // 3600), tapped=minutes_text(tapped)))
    if kind is not SampleKind.PRELIMINARY and taken < tapped:
        raise InputError(_("taken_at"), _("{taken} is before the tap ({tapped})").format(
            taken=minutes_text(taken), tapped=minutes_text(tapped)))
    return taken


def _sample_record(sample: Sample) -> dict[str, object]:
    """Everything recorded of a sample, as the audit log keeps it."""
    return {"kind": sample.kind.value, "sample": sample.sample_no, "ingot_no": sample.ingot_no,
            "taken_at": minutes_text(sample.taken_at), "entered_by": sample.entered_by,
            "values": dict(sample.values)}


class Samples(Heats):
    def samples(self, heat_no: str) -> list[Sample]:
        """A heat's samples, in the order they were taken (a heat sample first of its minute,
        then the preliminary, then the product ones by ingot). The heat sample's values are the
        heat's analysis: the lab's record of it where one was entered (`add_sample`, an analyses
        file), else, for an analysis typed in (the desktop, a heats file, a database from before
        samples), the heat sample taken at the tap, entered by the heat's inspector, with no
        number and no id of its own (id None). Samples voided, or of ingots voided, are left out."""
        row = self._heat_row(heat_no)
        return self._samples_of([row["id"]]).get(row["id"], [])

    def _samples_of(self, heat_ids: Sequence[int]) -> dict[int, list[Sample]]:
        """The live samples of these heats, by heat id (see `samples`): the rows of `sample`, and
        for a heat whose analysis has no row of the lab's, its heat sample as typed in."""
        out: dict[int, list[Sample]] = defaultdict(list)
        for chunk in chunks(list(heat_ids), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(  # only '?' placeholders go into the statement
                "SELECT m.id AS id, m.heat_id, h.heat_no, m.kind, m.sample_no AS sample_no, "  # noqa: S608
                "i.ingot_no AS ingot_no, m.taken_at AS taken_at, m.entered_by, CASE m.kind WHEN 'heat' THEN "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis WHERE heat_id = m.heat_id "
                "AND voided = 0) ELSE (SELECT json_group_object(element, value_pct) FROM sample_value "
                "WHERE sample_id = m.id) END, CASE m.kind WHEN 'heat' THEN 0 WHEN 'preliminary' THEN 1 "
                "ELSE 2 END AS kind_order FROM sample m JOIN heat h ON h.id = m.heat_id "
                f"LEFT JOIN ingot i ON i.id = m.ingot_id WHERE m.heat_id IN ({marks}) "
                "AND m.void_reason IS NULL AND i.void_reason IS NULL "
                "UNION ALL SELECT NULL, h.id, h.heat_no, 'heat', NULL, NULL, h.tapped_at, h.inspector, "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis WHERE heat_id = h.id "
                f"AND voided = 0), 0 FROM heat h WHERE h.id IN ({marks}) AND EXISTS (SELECT 1 FROM "
                "heat_analysis WHERE heat_id = h.id AND voided = 0) AND NOT EXISTS (SELECT 1 FROM sample "
                "WHERE heat_id = h.id AND kind = 'heat' AND void_reason IS NULL) "
                "ORDER BY taken_at, kind_order, ingot_no, sample_no, id", [*chunk, *chunk]).fetchall()
            for r in rows:
                values = {el: float(v) for el, v in json.loads(r[8] or "{}").items()}
                out[r[1]].append(Sample(r[0], r[2], SampleKind(r[3]), r[4], r[5],
                                        datetime.fromisoformat(r[6]), r[7],
                                        dict(sorted(values.items(), key=lambda kv: element_sort_key(kv[0])))))
        return out

    def add_sample(self, heat_no: str, kind: SampleKind | str, values: Mapping[str, float], *,
                   sample_no: str | None = None, ingot_no: int | None = None,
                   taken_at: datetime | None = None, reason: str | None = None) -> Sample:
        """Save a result of the lab. A preliminary or product sample is added (a product sample
        names an ingot of the heat); a heat sample becomes the heat analysis of record, and one
        for a heat that has a heat analysis replaces it only with a reason (a correction, audited).
        Into a signed shift or day only with a reason, by a role that may correct signed records."""
        new = NewSample(heat_no, _sample_kind(kind), values, sample_no, ingot_no, taken_at)
        with self.transaction():
            sample_id = self._insert_samples([new], reason)[0]
        return next(s for s in self.samples(heat_no) if s.id == sample_id)

    def import_samples(self, samples: Sequence[NewSample], *, reason: str | None = None,
                       progress: Progress | None = None) -> int:
        """Save many results of the lab in one transaction: all, or none. With a reason, heat
        samples replace heat analyses already there, and samples go into signed shifts (by a role
        that may correct them); without one, both are refused."""
        with self.transaction():
            self._insert_samples(samples, reason, progress, imported=reason is None)
        return len(samples)

    def void_sample(self, heat_no: str, sample_id: int, reason: str) -> None:
        """Void a preliminary or product sample entered by mistake (kept, with the reason); a heat
        sample is corrected (`add_sample` again, or `set_analysis`), not voided."""
        with self.transaction() as db:
            self._require(Permission.RECORD)
            row = self._heat_row(heat_no)
            found = next((s for s in self._samples_of([row["id"]]).get(row["id"], []) if s.id == sample_id),
                         None)
            if found is None:
                raise NotFound(_("heat {heat_no} has no sample #{id}").format(heat_no=row["heat_no"],
                                                                             id=sample_id))
            if found.kind is SampleKind.HEAT:
                raise Conflict(_("the heat analysis of record is corrected, not voided: enter the "
                                 "right values with a reason"))
            if not clean_reason(reason):
                raise ReasonRequired(_("say why sample {sample} of heat {heat_no} is voided").format(
                    sample=found.sample_no, heat_no=row["heat_no"]))
            self._guard([(row["production_date"], row["shift_id"])], reason)
            db.execute("UPDATE sample SET void_reason = ? WHERE id = ?", (clean_reason(reason), sample_id))
            self._audit("update", "sample", f"{row['heat_no']}/{found.sample_no}", heat_no=row["heat_no"],
                        field_name="voided", old=_sample_record(found), new=True, reason=reason,
                        record=(records.SAMPLE, sample_id))
            self._refresh_product([row["id"]])

    def _insert_samples(self, news: Sequence[NewSample], reason: str | None,
                        progress: Progress | None = None, *, imported: bool = False) -> list[int]:
        """Save samples inside the caller's transaction; their ids, in order."""
        self._require(Permission.RECORD)
        live = self._live_signatures()
        now = self._clock()
        ids: list[int] = []
        judged: dict[int, None] = {}  # the heats to judge again, in order
        for done, new in enumerate(news, start=1):
            row = self._heat_row(new.heat_no)
            kind = _sample_kind(new.kind)
            values = validate_analysis(new.values)
            if not values:
                raise InputError(_("values"), _("a sample needs the value of at least one element"))
            number = (None if new.sample_no is None or not new.sample_no.strip()
                      else clean_name(new.sample_no, N_("sample"), 32))
            if number is None and kind is not SampleKind.HEAT:
                raise InputError(_("sample"), _("a {kind} needs the lab's sample number").format(
                    kind=_(SAMPLE_KIND_NAMES[kind][0])))
            tapped = datetime.fromisoformat(row["tapped_at"])
            taken = _check_taken_at(kind, new.taken_at or tapped, tapped, now)
            ingot_id = self._sample_ingot(row, kind, new.ingot_no)
            self._guard([(row["production_date"], row["shift_id"])], reason, live, imported=imported)
            if kind is SampleKind.HEAT:
                ids.append(self._put_heat_sample(row, number, minutes_text(taken), values, reason))
            else:
                if number is not None and self.conn.execute(
                        "SELECT 1 FROM sample WHERE heat_id = ? AND sample_no = ? AND void_reason IS NULL",
                        (row["id"], number)).fetchone():
                    raise Conflict(_("heat {heat_no} already has sample {sample}").format(
                        heat_no=row["heat_no"], sample=number))
                cur = self.conn.execute(
                    "INSERT INTO sample (heat_id, kind, sample_no, ingot_id, taken_at, entered_by) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (row["id"], kind.value, number, ingot_id, minutes_text(taken), self.user))
                self.conn.executemany(
                    "INSERT INTO sample_value (sample_id, element, value_pct) VALUES (?, ?, ?)",
                    [(cur.lastrowid, el, v) for el, v in values.items()])
                self._audit("insert", "sample", f"{row['heat_no']}/{number}", heat_no=row["heat_no"], new={
                    "kind": kind.value, "sample": number, "ingot_no": new.ingot_no,
                    "taken_at": minutes_text(taken), "values": values}, reason=reason,
                    record=(records.SAMPLE, cur.lastrowid))
                ids.append(int(cur.lastrowid or 0))
            judged[row["id"]] = None
            if progress:
                progress(done, len(news))
        self._refresh_status(list(judged))
        return ids

    def _sample_ingot(self, row: sqlite3.Row, kind: SampleKind, ingot_no: int | None) -> int | None:
        """The id of a product sample's ingot (a live one of the heat); None for other kinds."""
        if kind is not SampleKind.PRODUCT:
            if ingot_no is not None:
                raise InputError(_("ingot_no"), _("only a product sample names an ingot"))
            return None
        if ingot_no is None:
            raise InputError(_("ingot_no"), _("a product sample names the ingot it was drilled from"))
        found = self.conn.execute("SELECT id FROM ingot WHERE heat_id = ? AND ingot_no = ? "
                                  "AND void_reason IS NULL", (row["id"], ingot_no)).fetchone()
        if found is None:
            raise NotFound(_("heat {heat_no} has no ingot {n}").format(heat_no=row["heat_no"], n=ingot_no))
        return int(found[0])

    def _heat_sample_row(self, heat_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sample WHERE heat_id = ? AND kind = 'heat' "
                                 "AND void_reason IS NULL", (heat_id,)).fetchone()

    def _new_heat_sample(self, heat_id: int, heat_no: str, taken_at: str, sample_no: str | None,
                         reason: str | None) -> int:
        """The record of the lab's heat sample (its values are the heat's analysis)."""
        cur = self.conn.execute(
            "INSERT INTO sample (heat_id, kind, sample_no, taken_at, entered_by) VALUES (?, 'heat', ?, ?, ?)",
            (heat_id, sample_no, taken_at, self.user))
        self._audit("insert", "sample", f"{heat_no}/{sample_no or SampleKind.HEAT.value}", heat_no=heat_no,
                    new={"kind": SampleKind.HEAT.value, "sample": sample_no, "taken_at": taken_at},
                    reason=reason, record=(records.SAMPLE, cur.lastrowid))
        return int(cur.lastrowid or 0)

    def _put_heat_sample(self, row: sqlite3.Row, number: str | None, taken_at: str,
                         values: Mapping[str, float], reason: str | None) -> int:
        """Make a heat sample the heat analysis of record: its values become the heat's analysis
        (elements it lacks are withdrawn). Replacing an analysis of other values needs a reason."""
        db = self.conn
        current = {r[0]: r[1] for r in db.execute(
            "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0", (row["id"],))}
        if current and current != dict(values) and not clean_reason(reason):
            raise ReasonRequired(_("heat {heat_no} already has a heat analysis: say why it is "
                                   "replaced").format(heat_no=row["heat_no"]))
        if number is not None and db.execute(
                "SELECT 1 FROM sample WHERE heat_id = ? AND sample_no = ? AND kind <> 'heat' "
                "AND void_reason IS NULL", (row["id"], number)).fetchone():
            raise Conflict(_("heat {heat_no} already has sample {sample}").format(
                heat_no=row["heat_no"], sample=number))
        existing = self._heat_sample_row(row["id"])
        if existing is None:
            sample_id = self._new_heat_sample(row["id"], row["heat_no"], taken_at, number, reason)
        else:
            sample_id = int(existing["id"])
            key = f"{row['heat_no']}/{number or existing['sample_no'] or SampleKind.HEAT.value}"
            for column, given in (("sample_no", number), ("taken_at", taken_at), ("entered_by", self.user)):
                if existing[column] != given:
                    db.execute(_SAMPLE_UPDATES[column], (given, sample_id))
                    self._audit("update", "sample", key, heat_no=row["heat_no"], field_name=column,
                                old=existing[column], new=given, reason=reason,
                                record=(records.SAMPLE, sample_id))
        for el, value in values.items():
            old = current.get(el)
            if old == value:
                continue
            if old is None:
                db.execute("INSERT INTO heat_analysis (heat_id, element, value_pct, seq) "
                           "SELECT ?, ?, ?, coalesce(max(seq), 0) + 1 FROM heat_analysis "
                           "WHERE heat_id = ? AND element = ?", (row["id"], el, value, row["id"], el))
            else:
                db.execute("UPDATE heat_analysis SET value_pct = ? WHERE heat_id = ? AND element = ? "
                           "AND voided = 0", (value, row["id"], el))
            self._audit("insert" if old is None else "update", "analysis", f"{row['heat_no']}/{el}",
                        heat_no=row["heat_no"], field_name=el, old=old, new=value, reason=reason,
                        record=(records.HEAT, row["id"]))
        for el in sorted(set(current) - set(values), key=element_sort_key):
            db.execute("UPDATE heat_analysis SET voided = 1 WHERE heat_id = ? AND element = ? AND voided = 0",
                       (row["id"], el))
            self._audit("delete", "analysis", f"{row['heat_no']}/{el}", heat_no=row["heat_no"],
                        field_name=el, old=current[el], reason=reason, record=(records.HEAT, row["id"]))
        return sample_id

    def product_check(self, heat_no: str) -> product.ProductCheck:
        """The heat's product analyses judged (`qcdesk.product`): against the limits of the edition
        in force on its tap date, widened by the tolerances in force then when the heat has a heat
        analysis of record."""
        row = self._heat_row(heat_no)
        return self._product_checks([row["id"]])[row["id"]]

    def _product_checks(self, heat_ids: Sequence[int]) -> dict[int, product.ProductCheck]:
        from qcdesk import product  # noqa: PLC0415 - see qcdesk.store's docstring

        editions = self._editions_by_grade()
        tolerances = self.tolerance_editions()
        samples = self._samples_of(heat_ids)
        checks = {}
        for chunk in chunks(list(heat_ids), 500):
            for heat in self._heats_from_rows(self.conn.execute(
                    f"SELECT * FROM heat WHERE id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk).fetchall()):
                tap_date = heat.tapped_at.date()
                checks[heat.id] = product.check(in_force(editions.get(heat.grade, ()), tap_date),
                                                product.tolerances_in_force(tolerances, tap_date),
                                                bool(heat.analysis), samples.get(heat.id, []))
        return checks

    def _refresh_product(self, heat_ids: Sequence[int], changed: set[int] | None = None) -> None:
        """Judge the product analyses of these heats again and mark the ingots whose product
        analysis fails (the heat's sums follow, by trigger); `changed` collects the heats where
        that changed. Only heats with product samples, or with ingots marked, are looked at."""
        wanted: list[int] = []
        for chunk in chunks(list(heat_ids), 500):
            marks = ",".join("?" * len(chunk))
            wanted += [r[0] for r in self.conn.execute(  # only '?' placeholders go in
                f"SELECT heat_id FROM sample WHERE kind = 'product' AND heat_id IN ({marks}) "  # noqa: S608
                f"UNION SELECT heat_id FROM ingot WHERE pa_fails = 1 AND heat_id IN ({marks})",
                [*chunk, *chunk])]
        if not wanted:
            return
        for heat_id, check in self._product_checks(wanted).items():
            failing = json.dumps(sorted(check.failing_ingots))
            cur = self.conn.execute(
                "UPDATE ingot SET pa_fails = CASE WHEN ingot_no IN (SELECT CAST(value AS INTEGER) "
                "FROM json_each(?)) THEN 1 ELSE 0 END WHERE heat_id = ? AND pa_fails <> CASE WHEN "
                "ingot_no IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) THEN 1 ELSE 0 END",
                (failing, heat_id, failing))
            if cur.rowcount and changed is not None:
                changed.add(heat_id)

    def regrade_grades(self, heat_no: str) -> list[str]:
        """The grades an ingot of this heat may be re-graded to: every grade but its aim grade
        whose edition in force on the tap date the heat analysis satisfies (DOMAIN.md)."""
        heat = self.heat(heat_no)
        return self._satisfied(heat.grade, heat.tapped_at.date(), heat.analysis)

    def _satisfied(self, aim: str, tap_date: date, analysis: Mapping[str, float]) -> list[str]:
        editions = self._editions_by_grade()
        found = [in_force(editions.get(g, ()), tap_date) for g in self.grades() if g != aim]
        return satisfied_grades(analysis, [s for s in found if s is not None])

    def _check_regrade(self, heat: sqlite3.Row, disposition: Disposition, grade: str | None) -> str | None:
        """A re-graded ingot's grade as saved: refused unless the ingot is re-graded and the heat
        satisfies the grade."""
        if grade is None or not grade.strip():
            return None
        grade = normalise_code(grade).strip()
        if disposition is not Disposition.REGRADED:
            raise InputError(_("regrade_to"), _("only a re-graded ingot is released as another grade"))
        analysis = {r[0]: r[1] for r in self.conn.execute(
            "SELECT element, value_pct FROM heat_analysis WHERE heat_id = ? AND voided = 0", (heat["id"],))}
        choices = self._satisfied(heat["grade"], date.fromisoformat(heat["tapped_at"][:10]), analysis)
        if grade not in choices:
            raise InputError(_("regrade_to"), _(
                "heat {heat_no} does not satisfy {grade}; the grades it satisfies: {grades}").format(
                heat_no=heat["heat_no"], grade=grade, grades=", ".join(choices) or _("none")))
        return grade

    def sample_targets(self, heat_nos: Iterable[str]) -> dict[str, SampleTarget]:
        """What an analyses file is checked against, for each of these heats that exists and is
        not voided: its tap, live ingots, live sample numbers, heat analysis, and the day of a
        signature in force covering it."""
        wanted = sorted({normalise_code(n).strip() for n in heat_nos})
        live = self._live_signatures()
        found: dict[str, SampleTarget] = {}
        for chunk in chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(  # only '?' placeholders go into the statement
                "SELECT h.id, h.heat_no, h.tapped_at, h.production_date, h.shift_id, "  # noqa: S608
                "(SELECT json_group_array(ingot_no) FROM ingot WHERE heat_id = h.id "
                "AND void_reason IS NULL), (SELECT json_group_array(sample_no) FROM sample "
                "WHERE heat_id = h.id AND void_reason IS NULL AND sample_no IS NOT NULL), "
                "(SELECT json_group_object(element, value_pct) FROM heat_analysis "
                f"WHERE heat_id = h.id AND voided = 0) FROM heat h WHERE h.heat_no IN ({marks}) "
                "AND h.void_reason IS NULL", chunk).fetchall()
            live.read({r[3] for r in rows})  # in one query
            for r in rows:
                signed = sorted({day for _id, kind, day, shift_id in live.on([r[3]])
                                 if kind == "day" or shift_id == r[4]})
                found[r[1]] = SampleTarget(r[1], datetime.fromisoformat(r[2]),
                                           frozenset(json.loads(r[5] or "[]")),
                                           frozenset(json.loads(r[6] or "[]")),
                                           {el: float(v) for el, v in json.loads(r[7] or "{}").items()},
                                           signed[0] if signed else None)
        return found

    def samples_between(self, date_from: date, date_to: date) -> Iterator[Sample]:
        """The live samples of the heats of production dates from..to (their analyses typed in
        too: `samples`), heat by heat in tap order."""
        heat_ids = [r[0] for r in self.conn.execute(
            "SELECT id FROM heat WHERE production_date BETWEEN ? AND ? AND void_reason IS NULL "
            "AND (EXISTS (SELECT 1 FROM sample WHERE heat_id = heat.id) OR EXISTS (SELECT 1 FROM "
            "heat_analysis WHERE heat_id = heat.id AND voided = 0)) ORDER BY tapped_at, heat_no",
            (date_from.isoformat(), date_to.isoformat()))]
        for chunk in chunks(heat_ids, 500):
            samples = self._samples_of(chunk)
            for heat_id in chunk:
                yield from samples.get(heat_id, [])

    def any_regrade_to(self, date_from: date, date_to: date) -> bool:
        """Whether an ingot of the heats of production dates from..to names its re-graded grade."""
        return bool(self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM heat h JOIN ingot i ON i.heat_id = h.id WHERE "
            "h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL AND i.void_reason IS NULL "
            "AND i.regrade_to IS NOT NULL)", (date_from.isoformat(), date_to.isoformat())).fetchone()[0])
