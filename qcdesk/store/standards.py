"""Product standards (chemistry limits per grade, by edition) and product-analysis tolerances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from qcdesk import records
from qcdesk.errors import Conflict, InputError, NotFound
from qcdesk.i18n import N_, _
from qcdesk.model import (
    ELEMENTS,
    Limit,
    Standard,
    ToleranceClass,
    ToleranceEdition,
    element_sort_key,
)
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    check_range,
)
from qcdesk.people import (
    Permission,
)
from qcdesk.standards import in_force
from qcdesk.store.catalogue import Catalogue
from qcdesk.store.common import clean_name


def _validate_tolerances(classes: Sequence[ToleranceClass]) -> tuple[ToleranceClass, ...]:
    """A tolerance table's classes, checked and in order (by element, then by the limits they
    hold): per element, the classes' upper ends rise, and only the last may have none."""
    if not classes:
        raise InputError(_("tolerances"), _("an edition must give at least one class"))
    by_element: dict[str, list[ToleranceClass]] = defaultdict(list)
    for cls in classes:
        if cls.element not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=cls.element))
        if cls.below_pct is None and cls.above_pct is None:
            raise InputError(cls.element, _("a class needs a deviation below, above or both"))
        for value in (cls.up_to_pct, cls.below_pct, cls.above_pct):
            if value is not None:
                check_range(value, cls.element, CHEMISTRY_PCT)
        by_element[cls.element].append(cls)
    ordered: list[ToleranceClass] = []
    for element in sorted(by_element, key=element_sort_key):
        rows = sorted(by_element[element], key=lambda c: (c.up_to_pct is None, c.up_to_pct or 0.0))
        ends = [c.up_to_pct for c in rows]
        if None in ends[:-1] or len(set(ends)) != len(ends):
            raise InputError(element, _("two classes hold the same limits: each class ends where "
                                        "the next begins, and only the last may have no upper end"))
        ordered += rows
    return tuple(ordered)


def _class_set(classes: Iterable[ToleranceClass]) -> list[tuple[object, ...]]:
    return sorted(((c.element, c.up_to_pct is None, c.up_to_pct or 0.0, c.below_pct, c.above_pct)
                   for c in classes), key=repr)


def _validate_limits(limits: Sequence[Limit]) -> None:
    if not limits:
        raise InputError(_("limits"), _("an edition must limit at least one element"))
    seen = set()
    for lim in limits:
        if lim.element not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=lim.element))
        if lim.element in seen:
            raise InputError(lim.element, _("is limited twice"))
        seen.add(lim.element)
        if lim.min_pct is None and lim.max_pct is None:
            raise InputError(lim.element, _("a limit needs a minimum, a maximum or both"))
        for bound in (lim.min_pct, lim.max_pct):
            if bound is not None:
                check_range(bound, lim.element, CHEMISTRY_PCT)
        if lim.min_pct is not None and lim.max_pct is not None and lim.min_pct > lim.max_pct:
            raise InputError(lim.element, _("the minimum is above the maximum"))


class Standards(Catalogue):
    def standards(self, grade: str | None = None) -> list[Standard]:
        """Every edition (of one grade, or all), with limits, by grade then date."""
        limits: dict[int, list[Limit]] = defaultdict(list)
        for r in self.conn.execute(
                "SELECT l.standard_id, l.element, l.min_pct, l.max_pct FROM standard_limit l "
                "JOIN standard s ON s.id = l.standard_id WHERE s.grade = ? OR ? IS NULL",
                (grade, grade)):
            limits[r[0]].append(Limit(r[1], r[2], r[3]))
        rows = self.conn.execute(
            "SELECT id, grade, standard, edition, effective_from FROM standard "
            "WHERE grade = ? OR ? IS NULL ORDER BY grade, effective_from", (grade, grade))
        return [Standard(r["id"], r["grade"], r["standard"], r["edition"],
                         date.fromisoformat(r["effective_from"]),
                         tuple(sorted(limits[r["id"]], key=lambda lim: element_sort_key(lim.element))))
                for r in rows]

    def standard_in_force(self, grade: str, on: date) -> Standard | None:
        return in_force(self.standards(grade), on)

    def add_edition(self, grade: str, standard: str, edition: str, effective_from: date,
                    limits: Sequence[Limit], *, reason: str | None = None) -> Standard:
        """A new edition of a grade's standard, in force from `effective_from`.

        Earlier editions stay as they were; heats tapped from that date on are
        judged again by the new one. If that changes the verdict of a heat of a signed
        shift or day (a back-dated edition), it needs a reason and a role that may correct
        signed records, and those signatures are superseded: the day is signed again.
        """
        if grade not in self.grades():
            raise NotFound(_("there is no grade {grade!r}").format(grade=grade))
        _validate_limits(limits)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            if db.execute("SELECT 1 FROM standard WHERE grade = ? AND effective_from = ?",
                          (grade, effective_from.isoformat())).fetchone():
                raise Conflict(_("{grade} already has an edition in force from {day}").format(
                    grade=grade, day=effective_from))
            edition_id = self._insert_edition(grade, clean_name(standard, N_("standard"), 40),
                                              clean_name(edition, N_("edition"), 20),
                                              effective_from.isoformat(), limits)
            self._audit("insert", "standard", f"{grade}@{effective_from}", new={
                "standard": standard, "edition": edition, "limits": [
                    (lim.element, lim.min_pct, lim.max_pct) for lim in limits]}, reason=reason,
                record=(records.STANDARD, edition_id))
            before = {r[0]: (r[1], r[2], r[3], r[4]) for r in db.execute(
                "SELECT id, chem_status, production_date, shift_id, void_reason IS NULL FROM heat "
                "WHERE grade = ? AND tapped_at >= ?", (grade, effective_from.isoformat()))}
            verdicts = self._refresh_status(list(before))
            self._guard({(day, shift_id) for heat_id, (status, day, shift_id, live) in before.items()
                         if live and verdicts[heat_id].status.value != status}, reason,
                        ask=N_("the new edition changes the verdict of signed heats ({day}): "
                               "say why it applies to them"))
        found = [s for s in self.standards(grade) if s.effective_from == effective_from]
        return found[0]

    def _editions_by_grade(self) -> dict[str, list[Standard]]:
        by_grade: dict[str, list[Standard]] = defaultdict(list)
        for s in self.standards():
            by_grade[s.grade].append(s)
        return by_grade

    def tolerance_editions(self) -> list[ToleranceEdition]:
        """Every edition of the product-analysis tolerances, by the date it came into force."""
        classes: dict[int, list[ToleranceClass]] = defaultdict(list)
        for r in self.conn.execute("SELECT edition_id, element, up_to_pct, below_pct, above_pct "
                                   "FROM tolerance_class ORDER BY edition_id, element, seq"):
            classes[r[0]].append(ToleranceClass(r[1], r[2], r[3], r[4]))
        return [ToleranceEdition(r[0], r[1], r[2], date.fromisoformat(r[3]),
                                 tuple(sorted(classes[r[0]], key=lambda c: element_sort_key(c.element))))
                for r in self.conn.execute("SELECT id, standard, edition, in_force_from "
                                           "FROM tolerance_edition ORDER BY in_force_from")]

    def tolerances_in_force(self, on: date) -> ToleranceEdition | None:
        """The edition of the product-analysis tolerances in force on a day, if any."""
        from qcdesk import product  # noqa: PLC0415 - see qcdesk.store's docstring

        return product.tolerances_in_force(self.tolerance_editions(), on)

    def add_tolerance_edition(self, standard: str, edition: str, in_force_from: date,
                              classes: Sequence[ToleranceClass], *,
                              reason: str | None = None) -> tuple[ToleranceEdition, bool]:
        """Add an edition of the product-analysis tolerances, in force from a date: (the edition,
        whether it was added). The very same edition again changes nothing; another one in force
        from the same date is refused: editions are added, never overwritten. Product analyses of
        heats tapped from that date on are judged again; where that changes what is qualified in a
        signed shift or day, it needs a reason (and supersedes those signatures)."""
        standard = clean_name(standard, N_("standard"), 40)
        edition = clean_name(edition, N_("edition"), 20)
        ordered = _validate_tolerances(classes)
        with self.transaction() as db:
            self._require(Permission.SETUP)
            same_day = [e for e in self.tolerance_editions() if e.in_force_from == in_force_from]
            if same_day:
                there = same_day[0]
                if (there.standard, there.edition) == (standard, edition) and \
                        _class_set(there.classes) == _class_set(ordered):
                    return there, False
                raise Conflict(_("{title} is in force from {day}; an edition is added, never "
                                 "overwritten: give another date").format(
                    title=there.title, day=in_force_from))
            cur = db.execute(
                "INSERT INTO tolerance_edition (standard, edition, in_force_from) VALUES (?, ?, ?)",
                (standard, edition, in_force_from.isoformat()))
            seq: dict[str, int] = defaultdict(int)
            for cls in ordered:
                seq[cls.element] += 1
                db.execute("INSERT INTO tolerance_class (edition_id, element, seq, up_to_pct, below_pct, "
                           "above_pct) VALUES (?, ?, ?, ?, ?, ?)", (cur.lastrowid, cls.element,
                                                                    seq[cls.element], cls.up_to_pct,
                                                                    cls.below_pct, cls.above_pct))
            self._audit("insert", "tolerance_edition", f"{standard}-{edition}@{in_force_from}", new={
                "standard": standard, "edition": edition, "in_force_from": in_force_from.isoformat(),
                "classes": [(c.element, c.up_to_pct, c.below_pct, c.above_pct) for c in ordered]},
                reason=reason, record=(records.TOLERANCES, cur.lastrowid))
            places = {r[0]: (r[1], r[2]) for r in db.execute(
                "SELECT DISTINCT h.id, h.production_date, h.shift_id FROM heat h JOIN sample m ON "
                "m.heat_id = h.id AND m.kind = 'product' WHERE h.tapped_at >= ? AND h.void_reason IS NULL",
                (in_force_from.isoformat(),))}
            changed: set[int] = set()
            self._refresh_product(list(places), changed)
            self._guard({places[h] for h in changed}, reason,
                        ask=N_("the new tolerances change what is qualified in signed shifts ({day}): "
                               "say why they apply to them"))
        return next(e for e in self.tolerance_editions() if e.in_force_from == in_force_from), True

    def editions_in_force(self, on: date) -> list[Standard]:
        """Each grade's edition in force on a day (grades with none are left out)."""
        editions = self._editions_by_grade()
        found = (in_force(editions.get(g, ()), on) for g in self.grades())
        return [s for s in found if s is not None]
