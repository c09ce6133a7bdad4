"""A deterministic converter workshop for the benchmark: heats, analyses and ingots.

Everything comes from one ``random.Random(seed)`` and goes into the database
through the store's public bulk API (``Store.import_heats`` and
``Store.import_ingots``), one calendar month per call, so memory stays bounded
whatever the span.

The default scale is the issue's: ten years (2015-01-01 .. 2024-12-31) of four
converters, up to 14 heats per converter-day (13.7 on average: a short day now
and then, a relining day off rarely), 8 ingots per heat on average — about
200,000 heats and 1.6 million ingots. Every figure is a `Scale` field, so the
small test can run a handful of days.
"""

from __future__ import annotations

import csv
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from qcdesk.model import Disposition, IngotDefect, Location
from qcdesk.seed import GBT700_GRADES
from qcdesk.store import NewHeat, NewIngot, Store

DAY_MIN = 24 * 60

# Aim grades, weighted as a plain carbon-steel shop might roll them.
GRADE_WEIGHTS = {
    "Q235B": 40, "Q235A": 14, "Q195": 8, "Q215A": 5, "Q215B": 5, "Q235C": 7,
    "Q235D": 3, "Q275A": 6, "Q275B": 6, "Q275C": 3, "Q275D": 3,
}
INSPECTORS = ("王丽", "张伟", "李娜", "刘洋", "陈杰", "赵敏", "孙强", "周静")

# Dispositions of an ingot, with their weights (%).
DISPOSITION_WEIGHTS = {
    Disposition.ACCEPTED: 90.0,
    Disposition.CONDITIONED: 6.0,
    Disposition.REGRADED: 1.5,
    Disposition.SCRAP: 1.0,
    Disposition.PENDING: 1.5,
}
# Defects an ingot of each disposition tends to carry: (code, usual locations).
_MINOR = (("FIN", None), ("PINH", ("top", "middle")), ("TCRK", ("middle", "bottom")))
_CONDITIONED = (("TCRK", ("top", "middle", "bottom")), ("SCAB", ("bottom", "bottom", "middle")),
                ("DSKN", ("bottom", "middle")), ("INCL", ("top", "middle")), ("FIN", None),
                ("LAP", ("middle", "bottom")), ("PINH", ("top", "middle")))
_REJECTED = (("PIPE", ("top",)), ("LCRK", ("top", "top", "middle")), ("BLOW", ("top", "middle")),
             ("SHRT", None), ("SCAB", ("bottom",)), ("DSKN", ("bottom",)), ("LAP", ("middle",)))


@dataclass(frozen=True)
class Scale:
    """How big a workshop to generate."""

    start: date = date(2015, 1, 1)
    days: int = (date(2025, 1, 1) - date(2015, 1, 1)).days  # 3653: ten years
    converters: tuple[str, ...] = ("1", "2", "3", "4")
    max_heats_per_day: int = 14  # per converter
    mean_ingots_per_heat: int = 8
    nominal_t: float = 30.0  # tapped weight centre, tonnes
    seed: int = 1959_02_02

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


@dataclass
class Workshop:
    """One month (or any run of days) of generated records."""

    heats: list[NewHeat] = field(default_factory=list)
    ingots: list[tuple[str, NewIngot]] = field(default_factory=list)


@dataclass
class BuildStats:
    heats: int = 0
    ingots: int = 0
    seconds_generating: float = 0.0
    seconds_heats: float = 0.0
    seconds_ingots: float = 0.0

    @property
    def seconds(self) -> float:
        return self.seconds_generating + self.seconds_heats + self.seconds_ingots


def heats_on(rng: random.Random, scale: Scale) -> int:
    """Heats of one converter on one day: mostly the full 14, now and then fewer."""
    if rng.random() < 0.005:  # relining or repair: the converter is down all day
        return 0
    r = rng.random()
    short = 0 if r < 0.82 else 1 if r < 0.95 else 2 if r < 0.99 else 3
    return max(scale.max_heats_per_day - short, 0)


def analysis_for(rng: random.Random, grade: str) -> dict[str, float]:
    """Heat analysis: inside the grade's maxima mostly, ~3% off-grade, ~1.5% missing an element."""
    maxima = {lim.element: lim.max_pct for lim in GBT700_GRADES[grade]}
    values: dict[str, float] = {}
    for element, mx in maxima.items():
        assert mx is not None
        if element == "Si":
            v = rng.uniform(0.12, 0.95) * mx
        elif element in ("P", "S"):
            v = rng.uniform(0.35, 0.95) * mx
        else:  # C, Mn: near the top of the window, as a melter aims
            v = rng.uniform(0.60, 0.96) * mx
        values[element] = v
    if rng.random() < 0.03:  # off-grade: one element over its maximum
        element = rng.choice(("C", "Mn", "P", "S", "P", "S", "Si"))
        mx = maxima[element]
        assert mx is not None
        values[element] = rng.uniform(1.06, 1.30) * mx
    if rng.random() < 0.015:  # the lab has not reported one element yet
        del values[rng.choice(("S", "P", "Si", "Mn", "C"))]
    places = {"C": 3, "Si": 2, "Mn": 2, "P": 3, "S": 3}
    return {el: round(v, places[el]) for el, v in values.items()}


def _defects(rng: random.Random, pool: Sequence[tuple[str, tuple[str, ...] | None]],
             count: int) -> tuple[IngotDefect, ...]:
    chosen: list[IngotDefect] = []
    seen: set[tuple[str, Location | None]] = set()
    for code, places in rng.sample(list(pool), k=min(count, len(pool))):
        loc = Location(rng.choice(places)) if places and rng.random() < 0.92 else None
        if (code, loc) not in seen:
            seen.add((code, loc))
            chosen.append(IngotDefect(code, loc))
    return tuple(chosen)


def ingots_for(rng: random.Random, heat: NewHeat, n: int) -> list[NewIngot]:
    """The ingots teemed from one heat: weights from its tapped weight, a verdict each."""
    dispositions = list(DISPOSITION_WEIGHTS)
    weights = list(DISPOSITION_WEIGHTS.values())
    per_ingot_kg = heat.tap_weight_t * 1000 * 0.975 / n  # teeming yield
    out = []
    for no in range(1, n + 1):
        disposition = rng.choices(dispositions, weights)[0]
        weight = per_ingot_kg * rng.gauss(1.0, 0.015)
        if disposition is Disposition.ACCEPTED:
            defects = _defects(rng, _MINOR, 1) if rng.random() < 0.12 else ()
        elif disposition is Disposition.CONDITIONED:
            defects = _defects(rng, _CONDITIONED, rng.choice((1, 1, 1, 2)))
        elif disposition is Disposition.PENDING:
            defects = _defects(rng, _CONDITIONED, 1) if rng.random() < 0.3 else ()
        elif disposition is Disposition.REGRADED and rng.random() < 0.5:
            defects = ()  # regraded for its chemistry, not its surface
        else:
            defects = _defects(rng, _REJECTED, rng.choice((1, 1, 2)))
        if any(d.code == "SHRT" for d in defects):
            weight *= rng.uniform(0.85, 0.95)
        weight = min(max(round(weight), 1), 60_000)
        out.append(NewIngot(no, float(weight), disposition, heat.inspector, defects))
    return out


def ingots_per_heat(rng: random.Random, scale: Scale) -> int:
    """Mean `mean_ingots_per_heat`: one fewer or one more about a quarter of the time each."""
    r = rng.random()
    delta = -1 if r < 0.25 else 1 if r < 0.5 else 0
    return max(scale.mean_ingots_per_heat + delta, 1)


def day_of(rng: random.Random, scale: Scale, day: date, into: Workshop,
           prefix: str = "") -> None:
    """Generate one production day of every converter into `into`."""
    midnight = datetime(day.year, day.month, day.day)
    grades = list(GRADE_WEIGHTS)
    grade_weights = list(GRADE_WEIGHTS.values())
    for conv_no, conv in enumerate(scale.converters):
        n = heats_on(rng, scale)
        if not n:
            continue
        spacing = DAY_MIN / n
        for j in range(n):
            minute = int(j * spacing + spacing / 2 + rng.uniform(-0.3, 0.3) * spacing)
            minute = min(max(minute, 0), DAY_MIN - 1)
            tapped = midnight + timedelta(minutes=minute)
            grade = rng.choices(grades, grade_weights)[0]
            crew = (day.toordinal() * 3 + minute // 480 + conv_no) % len(INSPECTORS)
            heat = NewHeat(
                heat_no=f"{prefix}{day:%y%m%d}-{conv}{j + 1:02d}",
                converter=conv,
                tapped_at=tapped,
                grade=grade,
                tap_weight_t=round(min(max(rng.gauss(scale.nominal_t, 1.6), 22.0), 38.0), 1),
                tap_temp_c=None if rng.random() < 0.01 else float(round(rng.gauss(1645, 14))),
                inspector=INSPECTORS[crew],
                analysis=analysis_for(rng, grade),
            )
            into.heats.append(heat)
            into.ingots.extend((heat.heat_no, ingot)
                               for ingot in ingots_for(rng, heat, ingots_per_heat(rng, scale)))


def months(scale: Scale) -> Iterator[tuple[date, date]]:
    """(first, last) day of each calendar month of the span, clipped to it."""
    day = scale.start
    while day <= scale.end:
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        last = min(nxt - timedelta(days=1), scale.end)
        yield day, last
        day = last + timedelta(days=1)


def iter_months(scale: Scale, prefix: str = "") -> Iterator[tuple[date, date, Workshop]]:
    """The workshop, one month at a time, from one random stream."""
    rng = random.Random(scale.seed)
    for first, last in months(scale):
        month = Workshop()
        day = first
        while day <= last:
            day_of(rng, scale, day, month, prefix)
            day += timedelta(days=1)
        yield first, last, month


def ensure_converters(store: Store, scale: Scale) -> None:
    """Add the converters the scale names that the seed data lacks (converter 4)."""
    known = {c.code for c in store.converters()}
    for code in scale.converters:
        if code not in known:
            store.add_converter(code, f"Converter {code}", scale.nominal_t)


def build(store: Store, scale: Scale,
          progress: Callable[[date, BuildStats], None] | None = None) -> BuildStats:
    """Generate the workshop into `store`, one month per bulk import call."""
    ensure_converters(store, scale)
    stats = BuildStats()
    months_iter = iter_months(scale)
    while True:
        t0 = time.perf_counter()
        try:
            first, _last, month = next(months_iter)
        except StopIteration:
            break
        t1 = time.perf_counter()
        store.import_heats(month.heats)
        t2 = time.perf_counter()
        store.import_ingots(month.ingots)
        t3 = time.perf_counter()
        stats.seconds_generating += t1 - t0
        stats.seconds_heats += t2 - t1
        stats.seconds_ingots += t3 - t2
        stats.heats += len(month.heats)
        stats.ingots += len(month.ingots)
        if progress:
            progress(first, stats)
    return stats


def import_set(scale: Scale, rows: int, prefix: str = "X") -> Workshop:
    """Heats and exactly `rows` ingots for the CSV import case (the last heat may be partial)."""
    out = Workshop()
    for _first, _last, month in iter_months(scale, prefix):
        by_heat: dict[str, list[tuple[str, NewIngot]]] = {}
        for pair in month.ingots:
            by_heat.setdefault(pair[0], []).append(pair)
        for heat in month.heats:
            if len(out.ingots) >= rows:
                return out
            out.heats.append(heat)
            out.ingots.extend(by_heat.get(heat.heat_no, ()))
            del out.ingots[rows:]
        if len(out.ingots) >= rows:
            return out
    if len(out.ingots) < rows:
        raise ValueError(f"the scale holds fewer than {rows} ingots; give it more days")
    return out


def write_ingot_csv(path: Path, ingots: Sequence[tuple[str, NewIngot]]) -> None:
    """Ingots in qcdesk's import format: heat_no,ingot_no,weight_kg,disposition,defects,inspector."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("heat_no", "ingot_no", "weight_kg", "disposition", "defects", "inspector"))
        for heat_no, ingot in ingots:
            w.writerow((heat_no, ingot.ingot_no, f"{ingot.weight_kg:g}", ingot.disposition.value,
                        ";".join(str(d) for d in ingot.defects), ingot.inspector))
