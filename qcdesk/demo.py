"""A deterministic demo month: February 1959 in a workshop of three converters.

`load_demo` fills a database that holds no heats with 28 production days
(1959-02-01 .. 1959-02-28) of converters 1, 2 and 3: heats with tap times,
weights, temperatures and heat analyses (a few off-grade on P, S or C), eight
ingots a heat with their defects and dispositions. On 1959-02-02 converter 2
makes fourteen heats, the only converter-day of the month to reach fourteen,
and the workshop's ingot qualified rate by weight that day is 96.6% (the
historical record day described in DOMAIN.md). The last production day ends
with work in progress: its last heats have no analysis yet and their ingots
are partly pending.

Standards. The seeded GB/T 700-2006 editions are in force only from
2007-02-01, so a 1959 heat would have no edition to be judged by. The demo adds,
for each grade it uses, an edition "DEMO 700-1959" in force from 1959-01-01,
with the same limits as the seeded GB/T 700-2006 edition. It is a stand-in so
the demo's heats can be judged; it is NOT the historical standard of 1959,
whose limits were different.

Determinism. Every figure comes from one ``random.Random`` with a fixed seed,
and nothing depends on today's date: heats and ingots are saved in the order
they would have been entered in February 1959, and each judged ingot carries
the time it was judged then. The audit log says truthfully who loaded the demo
and when.

Everything is written through the store's validated paths (``import_heats``,
``import_ingots``, ``add_edition``, ``update_converter``) inside one
transaction: the demo is loaded whole or not at all.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from qcdesk import seed, shifts, standards
from qcdesk.errors import Conflict
from qcdesk.i18n import _
from qcdesk.model import ChemStatus, Disposition, IngotDefect, Limit, Location, Shift, Standard
from qcdesk.rates import format_rate
from qcdesk.store import NewHeat, NewIngot, Store

SEED = 1959_02_02

FIRST_DAY = date(1959, 2, 1)
LAST_DAY = date(1959, 2, 28)
CONVERTERS = ("1", "2", "3")
NOMINAL_HEAT_T = 6.0  # small side-blown converters of the period

RECORD_DAY = date(1959, 2, 2)
RECORD_CONVERTER = "2"
RECORD_HEATS = 14
RECORD_RATE = 0.966  # ingot qualified rate by weight, the whole workshop, that day
HEATS_PER_DAY = (9, 13)  # every other converter-day, inclusive
# Other days are steered into this band of the ingot qualified rate (by weight).
DAY_RATE_BAND = (0.935, 0.980)

# Data, not messages: the demo writes the same database whatever the language.
DEMO_STANDARD = "DEMO 700"  # its limits are GB/T 700-2006's
DEMO_EDITION = "1959"
DEMO_EFFECTIVE = date(1959, 1, 1)

# Aim grades and how often each is made.
GRADE_MIX = (("Q235A", 40), ("Q235B", 15), ("Q215A", 15), ("Q195", 12), ("Q275A", 18))
GRADES = tuple(g for g, _w in GRADE_MIX)

# Heat analysis per grade: element → (mean, standard deviation), mass %.
_CHEMISTRY: dict[str, dict[str, tuple[float, float]]] = {
    "Q195": {"C": (0.08, 0.015), "Si": (0.17, 0.04), "Mn": (0.38, 0.04),
             "P": (0.022, 0.005), "S": (0.025, 0.005)},
    "Q215A": {"C": (0.12, 0.013), "Si": (0.20, 0.04), "Mn": (0.45, 0.05),
              "P": (0.027, 0.006), "S": (0.029, 0.006)},
    "Q235A": {"C": (0.17, 0.016), "Si": (0.22, 0.04), "Mn": (0.52, 0.05),
              "P": (0.029, 0.006), "S": (0.031, 0.006)},
    "Q235B": {"C": (0.16, 0.014), "Si": (0.22, 0.04), "Mn": (0.52, 0.05),
              "P": (0.026, 0.005), "S": (0.027, 0.005)},
    "Q275A": {"C": (0.21, 0.012), "Si": (0.24, 0.04), "Mn": (0.62, 0.06),
              "P": (0.029, 0.006), "S": (0.031, 0.006)},
}
# Decimals a value is reported to, and the smallest value plausible.
_DECIMALS = {"C": 2, "Si": 2, "Mn": 2, "P": 3, "S": 3}
_FLOOR = {"C": 0.05, "Si": 0.08, "Mn": 0.25, "P": 0.008, "S": 0.010}
# An off-grade heat exceeds one maximum: (element, how often, smallest and largest excess).
_OFF_GRADE = (("P", 45, 0.003, 0.012), ("S", 35, 0.003, 0.010), ("C", 20, 0.01, 0.04))

# Three crews of two inspectors; the crews rotate through the shifts weekly.
CREWS = (("王建国", "刘桂兰"), ("李秀英", "陈志强"), ("张德明", "杨淑珍"))
# Each converter's first heat serial of the month.
_FIRST_SERIAL = {"1": 412, "2": 398, "3": 405}

INGOTS_PER_HEAT = 8
INGOT_KG = (600.0, 760.0)
SHORT_INGOT_KG = (450.0, 640.0)

_TOP, _MIDDLE, _BOTTOM = Location.TOP, Location.MIDDLE, Location.BOTTOM
# Defects of ingots accepted as they are (minor), ground out (conditioned), regraded, scrapped.
_MINOR = ((IngotDefect("FIN"),), (IngotDefect("PINH", _TOP),), (IngotDefect("INCL", _MIDDLE),))
_CONDITIONED = (
    (IngotDefect("TCRK", _MIDDLE),), (IngotDefect("TCRK", _TOP),), (IngotDefect("SCAB", _BOTTOM),),
    (IngotDefect("SCAB", _BOTTOM),), (IngotDefect("FIN"),), (IngotDefect("DSKN", _BOTTOM),),
    (IngotDefect("DSKN", _MIDDLE),), (IngotDefect("LAP", _MIDDLE),), (IngotDefect("INCL", _TOP),),
    (IngotDefect("SCAB", _BOTTOM), IngotDefect("FIN")),
    (IngotDefect("TCRK", _MIDDLE), IngotDefect("DSKN", _BOTTOM)),
)
_REGRADED = ((IngotDefect("BLOW", _MIDDLE),), (IngotDefect("BLOW", _TOP),),
             (IngotDefect("INCL", _MIDDLE), IngotDefect("PINH", _TOP)))
_SCRAPPED = ((IngotDefect("PIPE", _TOP),), (IngotDefect("PIPE", _TOP),), (IngotDefect("LCRK", _TOP),),
             (IngotDefect("LCRK", _TOP), IngotDefect("TCRK", _MIDDLE)))
_SHORT = (IngotDefect("SHRT"),)


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` wrote, and the record day's figures."""

    first_date: date
    last_date: date
    converters: tuple[str, ...]
    heats: int
    ingots: int
    heats_failing: int  # heats whose analysis is outside their grade's limits
    heats_not_checked: int  # heats still waiting for their analysis
    ingots_pending: int
    record_day: date
    record_converter: str
    record_heats: int
    record_rate: float  # ingot qualified rate by weight, the whole workshop
    record_rate_by_count: float

    def lines(self) -> list[str]:
        """The summary in a few translated sentences."""
        return [
            _("Demo loaded: {first} to {last}, converters {converters}.").format(
                first=self.first_date, last=self.last_date, converters=", ".join(self.converters)),
            _("{heats} heats ({failing} off-grade, {open} awaiting analysis), "
              "{ingots} ingots ({pending} pending).").format(
                heats=self.heats, failing=self.heats_failing, open=self.heats_not_checked,
                ingots=self.ingots, pending=self.ingots_pending),
            _("On {day} converter {converter} made {n} heats; the ingot qualified rate was "
              "{rate} by weight ({count} by count).").format(
                day=self.record_day, converter=self.record_converter, n=self.record_heats,
                rate=format_rate(self.record_rate), count=format_rate(self.record_rate_by_count)),
            _("The demo's 1959 chemistry limits are a stand-in copied from GB/T 700-2006, "
              "not the standard of the time."),
        ]


def load_demo(store: Store) -> DemoSummary:
    """Fill a database holding no heats with the demo month; refuse any other.

    Raises Conflict (and changes nothing) if the database already holds heats.
    """
    with store.transaction():
        heats_held = store.counts()["heat"]
        if heats_held:
            raise Conflict(_(
                "this database already holds {n} heat(s): the demo fills only a database "
                "without heats. Nothing was changed; open a new database file for the demo."
            ).format(n=heats_held))
        for code in CONVERTERS:
            store.update_converter(code, nominal_t=NOMINAL_HEAT_T)
        _ensure_editions(store)
        plan = _plan_month(random.Random(SEED), store.shifts(),
                           {g: store.standards(g) for g in GRADES})
        _write(store, plan)
        return _summarise(store, plan)


# -------------------------------------------------------------- the standards


def _ensure_editions(store: Store) -> None:
    """Add the demo edition of each grade used (kept if the very same one is there)."""
    standard = DEMO_STANDARD
    for grade in GRADES:
        limits = seed.GBT700_GRADES[grade]
        same_day = [s for s in store.standards(grade) if s.effective_from == DEMO_EFFECTIVE]
        if not same_day:
            store.add_edition(grade, standard, DEMO_EDITION, DEMO_EFFECTIVE, limits)
        elif not (same_day[0].edition == DEMO_EDITION and _same_limits(same_day[0].limits, limits)):
            raise Conflict(_(
                "{grade} already has an edition in force from {day} ({title}) with other limits; "
                "the demo needs its own. Nothing was changed."
            ).format(grade=grade, day=DEMO_EFFECTIVE, title=same_day[0].title))


def _same_limits(a: Sequence[Limit], b: Sequence[Limit]) -> bool:
    return sorted(a, key=lambda x: x.element) == sorted(b, key=lambda x: x.element)


# ------------------------------------------------------------------- the plan


@dataclass
class _PlanIngot:
    no: int
    weight_kg: float
    disposition: Disposition
    defects: tuple[IngotDefect, ...] = ()

    @property
    def short(self) -> bool:
        return any(d.code == "SHRT" for d in self.defects)


@dataclass
class _PlanHeat:
    heat_no: str
    converter: str
    production_date: date
    tapped_at: datetime
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    edition: Standard | None
    analysis: dict[str, float] = field(default_factory=dict)
    notes: str = ""
    ingots: list[_PlanIngot] = field(default_factory=list)
    entered_at: datetime = datetime.min  # when the heat (with any analysis) is saved
    ingots_at: datetime = datetime.min  # when its ingots are saved (and the judged ones judged)
    ingot_inspector: str = ""
    judged_upto: int = INGOTS_PER_HEAT  # ingots 1..judged_upto are judged; the rest pending

    @property
    def status(self) -> ChemStatus:
        return standards.check(self.edition, self.analysis).status


def _plan_month(rng: random.Random, schedule: Sequence[Shift],
                editions: dict[str, list[Standard]]) -> list[_PlanHeat]:
    """Every heat of the month, in tap order, with its ingots, tuned day by day."""
    ordered = sorted(schedule, key=lambda s: s.seq)
    serial = dict(_FIRST_SERIAL)
    days = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    plan: list[_PlanHeat] = []
    by_day: dict[date, list[_PlanHeat]] = {}
    for day in days:
        # The production day starts when its first shift does (00:00 by default).
        day_start = datetime(day.year, day.month, day.day) + timedelta(minutes=ordered[0].start_min)
        todays: list[_PlanHeat] = []
        for conv in CONVERTERS:
            record = (day, conv) == (RECORD_DAY, RECORD_CONVERTER)
            n = RECORD_HEATS if record else rng.randint(*HEATS_PER_DAY)
            for k, offset in enumerate(_tap_offsets(rng, n), start=1):
                tapped = day_start + timedelta(minutes=offset)
                heat = _new_heat(rng, conv=conv, serial=serial[conv], day=day, tapped=tapped,
                                ordered=ordered, editions=editions)
                serial[conv] += 1
                if record and k == n:
                    heat.notes = f"heat {n} of the day on converter {conv}: a workshop record"
                todays.append(heat)
        todays.sort(key=lambda h: (h.tapped_at, h.heat_no))
        by_day[day] = todays
        plan.extend(todays)

    # The month ends now: shortly after the last heat of the last day was tapped. The
    # lab has not reported its last three heats yet, nor one whose sample it repeats.
    now = plan[-1].tapped_at + timedelta(minutes=20)
    resampled = plan[-8]
    resampled.notes = "first sample spoiled; the lab is repeating the analysis"
    unanalysed = {h.heat_no for h in (*plan[-3:], resampled)}
    for day in days:
        todays = by_day[day]
        # The record heat and the resampled one keep their notes: they are not off-grade.
        candidates = [h for h in todays if h.heat_no not in unanalysed and not h.notes]
        failing = 1 if day == RECORD_DAY else rng.choice((0, 1, 1, 1, 2))
        if len(todays) < 36:  # two off-grade heats out of fewer would hold the day below the band
            failing = min(failing, 1)
        off_grade = {h.heat_no for h in rng.sample(candidates, failing)}
        quality = rng.uniform(0.4, 1.8)
        for heat in todays:
            if heat.heat_no in unanalysed:
                heat.analysis = {}  # the lab has not reported yet
            else:
                heat.analysis = _analysis(rng, heat.edition, off_grade=heat.heat_no in off_grade)
                if heat.heat_no in off_grade:
                    heat.notes = _off_grade_note(heat)
            heat.ingots = _ingots(rng, heat, quality)
            _schedule(rng, heat, now, ordered)
        if day == LAST_DAY:
            _leave_pending(todays)
        if day == RECORD_DAY:
            _tune_exactly(rng, todays, RECORD_RATE)
        else:
            _steer(rng, todays, *DAY_RATE_BAND)
    return plan


def _tap_offsets(rng: random.Random, n: int) -> list[int]:
    """Minutes after the production day's start of n taps, 40-150 minutes apart.

    The taps are spread over the day; a converter with few heats (at most 150
    minutes apart) stands idle for the rest of it, being repaired.
    """
    first = rng.randint(25, 80)
    last = rng.randint(1320, 1425)  # at least 40 minutes before the next day's first tap
    weights = [rng.uniform(0.05, 1.0) for _i in range(n - 1)]
    stretch = (last - first - 40 * (n - 1)) / sum(weights)
    offsets = [first]
    for w in weights:
        offsets.append(offsets[-1] + 40 + min(110, int(w * stretch)))
    idle = last - offsets[-1]  # > 0 where the gaps were capped: split it around the day
    late = rng.randint(0, idle)
    return [t + late for t in offsets]


def _on_duty(moment: datetime, ordered: Sequence[Shift]) -> tuple[str, str]:
    """The crew on duty at a moment: crews rotate through the shifts every week."""
    day, shift = shifts.assign(moment, ordered)
    week = (day - FIRST_DAY).days // 7
    index = [s.id for s in ordered].index(shift.id)
    return CREWS[(index + week) % len(CREWS)]


def _new_heat(rng: random.Random, *, conv: str, serial: int, day: date, tapped: datetime,
              ordered: Sequence[Shift], editions: dict[str, list[Standard]]) -> _PlanHeat:
    grade = rng.choices(GRADES, weights=[w for _g, w in GRADE_MIX])[0]
    weight = round(min(6.4, max(5.6, rng.gauss(NOMINAL_HEAT_T, 0.17))), 2)
    temp = (None if rng.random() < 0.06 else
            float(5 * round(min(1640.0, max(1560.0, rng.gauss(1600, 16))) / 5)))
    return _PlanHeat(
        heat_no=f"{conv}-{serial:04d}", converter=conv, production_date=day, tapped_at=tapped,
        grade=grade, tap_weight_t=weight, tap_temp_c=temp,
        inspector=rng.choice(_on_duty(tapped, ordered)),
        edition=standards.in_force(editions[grade], tapped.date()))


def _analysis(rng: random.Random, edition: Standard | None, *, off_grade: bool) -> dict[str, float]:
    """A heat analysis inside the edition's limits, or outside on one of P, S, C."""
    assert edition is not None, "the demo editions are in force all month"
    limits = {lim.element: lim for lim in edition.limits}
    values: dict[str, float] = {}
    for element, (mean, sd) in _CHEMISTRY[edition.grade].items():
        limit = limits[element]
        value = round(mean, _DECIMALS[element])
        for _try in range(20):
            candidate = round(max(_FLOOR[element], rng.gauss(mean, sd)), _DECIMALS[element])
            if standards.within(candidate, limit):
                value = candidate
                break
        values[element] = value
    if off_grade:
        element = rng.choices([e for e, *_r in _OFF_GRADE], weights=[w for _e, w, *_r in _OFF_GRADE])[0]
        low, high = next((lo, hi) for e, _w, lo, hi in _OFF_GRADE if e == element)
        top = limits[element].max_pct
        assert top is not None
        value = round(top + rng.uniform(low, high), _DECIMALS[element])
        values[element] = max(value, round(top + 10 ** -_DECIMALS[element], _DECIMALS[element]))
    return values


def _off_grade_note(heat: _PlanHeat) -> str:
    verdict = standards.check(heat.edition, heat.analysis)
    bad = verdict.failing[0]
    places = _DECIMALS[bad.element]
    return "{element} {value}% above the {grade} maximum {limit}%: ingots regraded".format(
        element=bad.element, value=f"{bad.value:.{places}f}", grade=heat.grade,
        limit=f"{bad.max_pct:.{places}f}")


def _ingots(rng: random.Random, heat: _PlanHeat, quality: float) -> list[_PlanIngot]:
    """Eight ingots, together a little lighter than the tapped weight, judged."""
    teemed = heat.tap_weight_t * 1000 * rng.uniform(0.91, 0.955)
    out = []
    for no in range(1, INGOTS_PER_HEAT + 1):
        weight = _kg(teemed / INGOTS_PER_HEAT * rng.gauss(1.0, 0.015), INGOT_KG)
        out.append(_judge(rng, no, weight, quality, last=no == INGOTS_PER_HEAT))
    if heat.status is ChemStatus.FAILS:  # the heat's chemistry decides for every sound ingot
        for ingot in out:
            if ingot.disposition is not Disposition.SCRAP:
                ingot.disposition = Disposition.REGRADED
    return out


def _kg(value: float, bounds: tuple[float, float]) -> float:
    """A weight on the 5 kg scale, inside bounds."""
    return float(min(bounds[1], max(bounds[0], 5 * round(value / 5))))


def _judge(rng: random.Random, no: int, weight: float, quality: float, *, last: bool) -> _PlanIngot:
    if last and rng.random() < 0.015 * quality:  # the ladle ran short on the last mould
        return _PlanIngot(no, _kg(weight * rng.uniform(0.75, 0.9), SHORT_INGOT_KG), Disposition.SCRAP,
                          _SHORT)
    roll = rng.random()
    if roll < 0.008 * quality:
        return _PlanIngot(no, weight, Disposition.SCRAP, rng.choice(_SCRAPPED))
    if roll < 0.012 * quality:
        return _PlanIngot(no, weight, Disposition.REGRADED, rng.choice(_REGRADED))
    if roll < 0.012 * quality + 0.07:
        return _PlanIngot(no, weight, Disposition.CONDITIONED, rng.choice(_CONDITIONED))
    if roll < 0.012 * quality + 0.13:
        return _PlanIngot(no, weight, Disposition.ACCEPTED, rng.choice(_MINOR))
    return _PlanIngot(no, weight, Disposition.ACCEPTED)


def _schedule(rng: random.Random, heat: _PlanHeat, now: datetime, ordered: Sequence[Shift]) -> None:
    """When the heat and its ingots are saved; ingots not judged by `now` stay pending."""
    if heat.analysis:
        heat.entered_at = min(heat.tapped_at + timedelta(minutes=rng.randint(45, 100)),
                              now - timedelta(minutes=3))
    else:
        heat.entered_at = heat.tapped_at + timedelta(minutes=rng.randint(5, 12))
    stripped = heat.tapped_at + timedelta(minutes=rng.randint(120, 170))
    judged = stripped + timedelta(minutes=rng.randint(20, 60))
    if judged <= now:
        heat.ingots_at = judged
    else:
        # Work in progress: ingots are judged one every 12 minutes after stripping.
        heat.judged_upto = max(0, min(len(heat.ingots), int((now - stripped).total_seconds() // 720)))
        heat.ingots_at = max(heat.entered_at, now - timedelta(minutes=2))
    heat.ingots_at = max(heat.ingots_at, heat.entered_at + timedelta(minutes=1))
    heat.ingot_inspector = rng.choice(_on_duty(heat.ingots_at, ordered))


def _leave_pending(heats: Sequence[_PlanHeat]) -> None:
    """Ingots not judged yet become pending; the inspector is at work on the first such heat."""
    unfinished = [h for h in heats if h.judged_upto < len(h.ingots)]
    if unfinished and not any(h.judged_upto for h in unfinished):
        unfinished[0].judged_upto = 3
    for heat in unfinished:
        for ingot in heat.ingots[heat.judged_upto:]:
            ingot.disposition = Disposition.PENDING
            ingot.defects = ()


# ----------------------------------------------------------------- the tuning


def _sums(heats: Sequence[_PlanHeat]) -> tuple[float, float]:
    """(qualified kg, non-qualified kg) over judged ingots of checked heats (DOMAIN.md)."""
    qualified = rejected = 0.0
    for heat in heats:
        status = heat.status
        if status is ChemStatus.NOT_CHECKED:
            continue
        for ingot in heat.ingots:
            if not ingot.disposition.judged:
                continue
            if ingot.disposition.surface_ok and status is ChemStatus.CONFORMS:
                qualified += ingot.weight_kg
            else:
                rejected += ingot.weight_kg
    return qualified, rejected


def _flippable(rng: random.Random, heats: Sequence[_PlanHeat],
               want: Callable[[_PlanIngot], bool]) -> list[_PlanIngot]:
    """Judged ingots of conforming heats that `want` picks, in a seeded order."""
    found = [i for h in heats if h.status is ChemStatus.CONFORMS for i in h.ingots
             if i.disposition.judged and want(i)]
    rng.shuffle(found)
    return found


def _to_scrap(rng: random.Random, ingot: _PlanIngot) -> None:
    ingot.disposition = Disposition.SCRAP
    ingot.defects = rng.choice(_SCRAPPED)


def _to_accepted(ingot: _PlanIngot) -> None:
    ingot.disposition = Disposition.ACCEPTED
    ingot.defects = ()


def _is_clean(ingot: _PlanIngot) -> bool:
    return ingot.disposition is Disposition.ACCEPTED and not ingot.defects


def _is_rejected(ingot: _PlanIngot) -> bool:
    return not ingot.disposition.surface_ok and not ingot.short


def _steer(rng: random.Random, heats: Sequence[_PlanHeat], low: float, high: float) -> None:
    """Bring a day's weight rate into [low, high] by re-judging whole ingots, if it can."""
    qualified, rejected = _sums(heats)
    if not qualified + rejected:
        return
    if qualified / (qualified + rejected) < low:
        for ingot in _flippable(rng, heats, _is_rejected):
            _to_accepted(ingot)
            qualified, rejected = qualified + ingot.weight_kg, rejected - ingot.weight_kg
            if qualified / (qualified + rejected) >= low:
                break
    elif qualified / (qualified + rejected) > high:
        for ingot in _flippable(rng, heats, _is_clean):
            _to_scrap(rng, ingot)
            qualified, rejected = qualified - ingot.weight_kg, rejected + ingot.weight_kg
            if qualified / (qualified + rejected) <= high:
                break


def _tune_exactly(rng: random.Random, heats: Sequence[_PlanHeat], rate: float) -> None:
    """Make the day's weight rate `rate` (to 0.1%): re-judge ingots, then trim weights.

    With Q qualified and R non-qualified kilograms, Q / (Q + R) = rate when
    R = Q (1 - rate) / rate. Re-judging an ingot moves R by some 700 kg, so whole
    ingots bring R within 400 kg of that; the rest is taken up by the weights of
    non-qualified ingots (5 kg at a time), which leave Q alone.
    """
    def gap() -> float:
        qualified, rejected = _sums(heats)
        return qualified * (1 - rate) / rate - rejected

    for ingot in _flippable(rng, heats, _is_clean):
        if gap() <= 400:
            break
        _to_scrap(rng, ingot)
    for ingot in _flippable(rng, heats, _is_rejected):
        if gap() >= -400:
            break
        _to_accepted(ingot)
    candidates = [(h, i) for h in heats if h.status is not ChemStatus.NOT_CHECKED for i in h.ingots
                  if i.disposition.judged
                  and not (i.disposition.surface_ok and h.status is ChemStatus.CONFORMS)]
    rng.shuffle(candidates)
    moved = True
    while abs(gap()) > 2.5 and moved:
        moved = False
        step = 5.0 if gap() > 0 else -5.0
        for heat, ingot in candidates:
            if abs(gap()) <= 2.5:
                break
            bounds = SHORT_INGOT_KG if ingot.short else INGOT_KG
            weight = ingot.weight_kg + step
            room = heat.tap_weight_t * 1000 * 0.985 - sum(i.weight_kg for i in heat.ingots)
            if bounds[0] <= weight <= bounds[1] and (step < 0 or room >= step):
                ingot.weight_kg = weight
                moved = True
    qualified, rejected = _sums(heats)
    if round(qualified / (qualified + rejected), 3) != rate:  # a bug in this module, not bad input
        raise RuntimeError(f"demo record day tuned to {qualified / (qualified + rejected)}")


# ------------------------------------------------------------------ the writes


def _write(store: Store, plan: Sequence[_PlanHeat]) -> None:
    """Save heats and ingots in the order they would have been entered."""
    events: list[tuple[datetime, int, int, _PlanHeat]] = []
    for seq, heat in enumerate(plan):
        events.append((heat.entered_at, 0, seq, heat))
        events.append((heat.ingots_at, 1, seq, heat))
    events.sort(key=lambda e: e[:3])
    for _at, kind, _seq, heat in events:
        if kind == 0:
            store.import_heats([NewHeat(
                heat_no=heat.heat_no, converter=heat.converter, tapped_at=heat.tapped_at,
                grade=heat.grade, tap_weight_t=heat.tap_weight_t, tap_temp_c=heat.tap_temp_c,
                inspector=heat.inspector, notes=heat.notes, analysis=heat.analysis)])
        else:
            store.import_ingots([(heat.heat_no, NewIngot(
                ingot_no=i.no, weight_kg=i.weight_kg, disposition=i.disposition,
                inspector=heat.ingot_inspector, defects=i.defects,
                judged_at=heat.ingots_at if i.disposition.judged else None)) for i in heat.ingots])


def _summarise(store: Store, plan: Sequence[_PlanHeat]) -> DemoSummary:
    record = store.rates(RECORD_DAY, RECORD_DAY, by=["converter"])
    per_converter = {row.keys["converter"]: row.sums.heats for row in record.rows}
    total = record.total.rates
    assert total.ingot_qualified_rate is not None
    assert total.ingot_qualified_rate_by_count is not None
    statuses = Counter(h.status for h in plan)
    return DemoSummary(
        first_date=FIRST_DAY, last_date=LAST_DAY, converters=CONVERTERS,
        heats=len(plan), ingots=sum(len(h.ingots) for h in plan),
        heats_failing=statuses[ChemStatus.FAILS], heats_not_checked=statuses[ChemStatus.NOT_CHECKED],
        ingots_pending=sum(1 for h in plan for i in h.ingots if not i.disposition.judged),
        record_day=RECORD_DAY, record_converter=RECORD_CONVERTER,
        record_heats=per_converter[RECORD_CONVERTER],
        record_rate=total.ingot_qualified_rate,
        record_rate_by_count=total.ingot_qualified_rate_by_count,
    )
