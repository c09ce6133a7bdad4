"""`qcdesk demo`: the February 1959 demo month, checked the way a user would see it.

Expected figures are recomputed here from the raw records (heats, analyses,
ingots) with the definitions of DOMAIN.md, not taken from the store's rates.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from qcdesk import demo
from qcdesk.errors import Conflict
from qcdesk.model import ChemStatus, Disposition, Heat, Ingot, Location
from qcdesk.seed import GBT700_GRADES
from qcdesk.store import NewHeat, Store
from qcdesk.store.copy import ROWID_TABLES

FEB_1 = date(1959, 2, 1)
FEB_2 = date(1959, 2, 2)
FEB_28 = date(1959, 2, 28)
INSPECTORS = {"王建国", "李秀英", "张德明", "刘桂兰", "陈志强", "杨淑珍"}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, demo.DemoSummary]]:
    """One demo database shared by the read-only tests of this module."""
    with Store.open(tmp_path_factory.mktemp("demo") / "demo.sqlite", "tester") as s:
        summary = demo.load_demo(s)
        yield s, summary


@pytest.fixture(scope="module")
def month(loaded: tuple[Store, demo.DemoSummary]) -> list[tuple[Heat, list[Ingot]]]:
    s, _summary = loaded
    return [(h, s.ingots(h.heat_no)) for h in s.heats(FEB_1, FEB_28)]


def _conforms(heat: Heat) -> bool | None:
    """DOMAIN.md: True/False against the GB/T 700 limits; None if a limited element is missing."""
    limits = GBT700_GRADES[heat.grade]
    if any(lim.element not in heat.analysis for lim in limits):
        return None
    return all((lim.min_pct is None or heat.analysis[lim.element] >= lim.min_pct)
               and (lim.max_pct is None or heat.analysis[lim.element] <= lim.max_pct)
               for lim in limits)


def _weight_rate(day: list[tuple[Heat, list[Ingot]]]) -> tuple[float, float]:
    """Ingot qualified rate of a set of heats, (by weight, by count), from raw records."""
    judged_kg = qualified_kg = 0.0
    judged = qualified = 0
    for heat, ingots in day:
        verdict = _conforms(heat)
        if verdict is None:
            continue  # not yet checked: awaiting chemistry, left out
        for ingot in ingots:
            if ingot.disposition == Disposition.PENDING:
                continue
            judged_kg += ingot.weight_kg
            judged += 1
            if verdict and ingot.disposition in (Disposition.ACCEPTED, Disposition.CONDITIONED):
                qualified_kg += ingot.weight_kg
                qualified += 1
    return qualified_kg / judged_kg, qualified / judged


def _on(month: list[tuple[Heat, list[Ingot]]], day: date) -> list[tuple[Heat, list[Ingot]]]:
    return [(h, i) for h, i in month if h.production_date == day]


# ---------------------------------------------------------------- the record


def test_record_day_one_converter_makes_fourteen_heats(loaded: tuple[Store, demo.DemoSummary]) -> None:
    s, summary = loaded
    report = s.rates(FEB_2, FEB_2, by=["converter"])
    heats = {row.keys["converter"]: row.sums.heats for row in report.rows}
    assert [c for c, n in heats.items() if n == 14] == ["2"]
    assert set(heats) == {"1", "2", "3"}
    assert (summary.record_day, summary.record_converter, summary.record_heats) == (FEB_2, "2", 14)


def test_no_other_converter_day_reaches_fourteen(month: list[tuple[Heat, list[Ingot]]]) -> None:
    per_day = Counter((h.production_date, h.converter) for h, _i in month)
    assert [k for k, n in per_day.items() if n >= 14] == [(FEB_2, "2")]
    assert all(9 <= n <= 13 for k, n in per_day.items() if k != (FEB_2, "2"))


def test_record_day_rate_is_96_6_percent_by_weight(loaded: tuple[Store, demo.DemoSummary]) -> None:
    s, summary = loaded
    total = s.rates(FEB_2, FEB_2, by=["converter"]).total.rates
    assert total.ingot_qualified_rate is not None
    assert round(total.ingot_qualified_rate, 3) == 0.966
    assert summary.record_rate == total.ingot_qualified_rate


def test_record_day_rate_recomputed_from_raw_records(loaded: tuple[Store, demo.DemoSummary],
                                                    month: list[tuple[Heat, list[Ingot]]]) -> None:
    s, _summary = loaded
    day = _on(month, FEB_2)
    assert all(_conforms(h) is not None for h, _i in day)  # every heat of the day has its analysis
    by_weight, by_count = _weight_rate(day)
    assert round(by_weight, 3) == 0.966
    total = s.rates(FEB_2, FEB_2).total.rates
    assert total.ingot_qualified_rate == pytest.approx(by_weight, abs=1e-12)
    assert total.ingot_qualified_rate_by_count == pytest.approx(by_count, abs=1e-12)
    # the day is not perfect: at least one heat off-grade and some ingots rejected
    assert any(_conforms(h) is False for h, _i in day)


# ----------------------------------------------------------- the month shape


def test_month_is_28_production_days_of_three_converters(
        loaded: tuple[Store, demo.DemoSummary], month: list[tuple[Heat, list[Ingot]]]) -> None:
    s, summary = loaded
    days = {h.production_date for h, _i in month}
    assert days == {FEB_1 + timedelta(days=i) for i in range(28)}
    assert s.date_span() == (FEB_1, FEB_28)
    assert {(h.production_date, h.converter) for h, _i in month} == {
        (d, c) for d in days for c in ("1", "2", "3")}
    assert {h.shift for h, _i in month} == {"night", "day", "evening"}
    assert (summary.first_date, summary.last_date, summary.converters) == (FEB_1, FEB_28, ("1", "2", "3"))
    assert summary.heats == len(month)
    assert summary.ingots == sum(len(i) for _h, i in month)


def test_converters_are_six_tonne_converters(loaded: tuple[Store, demo.DemoSummary]) -> None:
    s, _summary = loaded
    assert {(c.code, c.nominal_t) for c in s.converters()} == {("1", 6.0), ("2", 6.0), ("3", 6.0)}


def test_heats_look_like_the_workshops(month: list[tuple[Heat, list[Ingot]]]) -> None:
    heats = [h for h, _i in month]
    assert all(re.fullmatch(rf"{h.converter}-\d{{4}}", h.heat_no) for h in heats)
    assert all(5.6 <= h.tap_weight_t <= 6.4 for h in heats)
    temps = [h.tap_temp_c for h in heats]
    assert all(t is None or 1560 <= t <= 1640 for t in temps)
    assert 0 < temps.count(None) < len(temps) * 0.15  # sometimes the pyrometer reading is missing
    assert {h.inspector for h in heats} == INSPECTORS
    assert {h.grade for h in heats} == {"Q235A", "Q235B", "Q215A", "Q195", "Q275A"}
    # a converter taps every 40 to 150 minutes within a production day
    taps: dict[tuple[date, str], list[datetime]] = defaultdict(list)
    for h in heats:
        taps[(h.production_date, h.converter)].append(h.tapped_at)
    gaps = [(b - a) / timedelta(minutes=1) for t in taps.values()
            for a, b in zip(sorted(t), sorted(t)[1:], strict=False)]
    assert min(gaps) >= 40
    assert max(gaps) <= 150


# -------------------------------------------------------------- chemistry


def test_demo_standard_stands_in_for_1959(loaded: tuple[Store, demo.DemoSummary],
                                          month: list[tuple[Heat, list[Ingot]]]) -> None:
    s, _summary = loaded
    for grade in {h.grade for h, _i in month}:
        edition = s.standard_in_force(grade, FEB_2)
        assert edition is not None
        assert edition.title == "DEMO 700-1959"  # plainly not a real standard of 1959
        assert (edition.edition, edition.effective_from) == ("1959", date(1959, 1, 1))
        assert set(edition.limits) == set(GBT700_GRADES[grade])
    # the store's verdict agrees with the limits read independently
    assert all(h.chem_status == {True: ChemStatus.CONFORMS, False: ChemStatus.FAILS,
                                 None: ChemStatus.NOT_CHECKED}[_conforms(h)] for h, _i in month)


def test_a_few_heats_are_off_grade_on_p_s_or_c(month: list[tuple[Heat, list[Ingot]]]) -> None:
    failing = [h for h, _i in month if _conforms(h) is False]
    assert 0.02 <= len(failing) / len(month) <= 0.04
    exceeded: set[str] = set()
    for h in failing:
        over = {lim.element for lim in GBT700_GRADES[h.grade]
                if lim.max_pct is not None and h.analysis[lim.element] > lim.max_pct}
        assert len(over) == 1
        assert "regraded" in h.notes
        exceeded |= over
    assert exceeded == {"P", "S", "C"}
    # no ingot of an off-grade heat is passed as qualified
    assert all(i.disposition in (Disposition.REGRADED, Disposition.SCRAP)
               for h, ingots in month if _conforms(h) is False for i in ingots)


def test_analyses_are_reported_to_sensible_precision(month: list[tuple[Heat, list[Ingot]]]) -> None:
    places = {"C": 2, "Si": 2, "Mn": 2, "P": 3, "S": 3}
    analysed = [h for h, _i in month if h.analysis]
    assert all(set(h.analysis) == set(places) for h in analysed)
    assert all(round(v, places[e]) == v and v > 0 for h in analysed for e, v in h.analysis.items())


# ----------------------------------------------------------------- ingots


def test_every_disposition_and_located_defects_occur(month: list[tuple[Heat, list[Ingot]]]) -> None:
    ingots = [i for _h, ii in month for i in ii]
    dispositions = Counter(i.disposition for i in ingots)
    assert set(dispositions) == set(Disposition)
    assert dispositions[Disposition.ACCEPTED] > 0.8 * len(ingots)
    defects = Counter(str(d) for i in ingots for d in i.defects)
    for seen in ("PIPE@top", "LCRK@top", "SCAB@bottom", "TCRK@middle", "DSKN@bottom", "FIN", "SHRT"):
        assert defects[seen] > 0, seen
    # scrap always has a reason; an accepted ingot may carry a minor defect
    assert all(i.defects for i in ingots if i.disposition == Disposition.SCRAP)
    assert all(d.code in {"FIN", "PINH", "INCL"}
               for i in ingots if i.disposition == Disposition.ACCEPTED for d in i.defects)
    assert any(i.defects for i in ingots if i.disposition == Disposition.ACCEPTED)
    assert all(not i.defects for i in ingots if i.disposition == Disposition.PENDING)
    assert all(d.location in (None, Location.TOP, Location.MIDDLE, Location.BOTTOM)
               for i in ingots for d in i.defects)


def test_ingots_weigh_less_than_their_heat(month: list[tuple[Heat, list[Ingot]]]) -> None:
    for heat, ingots in month:
        assert [i.ingot_no for i in ingots] == list(range(1, 9))
        assert sum(i.weight_kg for i in ingots) < heat.tap_weight_t * 1000
        assert all(600 <= i.weight_kg <= 760 for i in ingots if not any(d.code == "SHRT" for d in i.defects))
        assert all(i.inspector in INSPECTORS for i in ingots)


def test_ingots_are_judged_in_1959_after_tapping(month: list[tuple[Heat, list[Ingot]]]) -> None:
    for heat, ingots in month:
        for i in ingots:
            if i.disposition == Disposition.PENDING:
                assert i.judged_at is None
            else:
                assert i.judged_at is not None
                assert heat.tapped_at < i.judged_at < datetime(1959, 3, 1, 8)


def test_other_days_vary_between_93_and_98_percent(month: list[tuple[Heat, list[Ingot]]]) -> None:
    rates = [_weight_rate(_on(month, FEB_1 + timedelta(days=i)))[0] for i in range(28)]
    others = rates[:1] + rates[2:]
    assert all(0.93 <= r <= 0.98 for r in others)
    assert max(others) - min(others) > 0.02  # they vary


def test_last_day_shows_work_in_progress(loaded: tuple[Store, demo.DemoSummary],
                                         month: list[tuple[Heat, list[Ingot]]]) -> None:
    s, summary = loaded
    open_heats = [h for h, _i in month if _conforms(h) is None]
    assert open_heats
    assert all(h.production_date == FEB_28 for h, _i in month if _conforms(h) is None)
    assert {h.heat_no for h, _i in month[-3:]} <= {h.heat_no for h in open_heats}  # the last heats
    pending = [(h, i) for h, ii in month for i in ii if i.disposition == Disposition.PENDING]
    assert pending
    assert all(h.production_date == FEB_28 for h, _i in pending)
    # some heats are half judged, and some judged ingots wait for their heat's chemistry
    assert any(0 < h.ingots_judged < h.ingots for h, _i in month)
    last = s.rates(FEB_28, FEB_28).total.sums
    assert last.ingots_pending == len(pending) == summary.ingots_pending
    assert last.ingots_awaiting_chemistry > 0
    assert summary.heats_not_checked == len(open_heats)


def test_summary_lines_tell_the_record(loaded: tuple[Store, demo.DemoSummary]) -> None:
    _s, summary = loaded
    text = "\n".join(summary.lines())
    assert "96.6%" in text
    assert "14 heats" in text
    assert "1959-02-02" in text


# --------------------------------------------------- loading, refusing, again


def _contents(s: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted; the audit without its timestamps (nor the hashes that
    seal them). The same on a server as in a file: the columns in the same order (the row ids
    SQLite keeps hidden, which a server keeps in a column `rowid`, included), a record's key as
    its text; the server's table of the schema version (SQLite's PRAGMA user_version) left out."""
    if s.server is None:
        tables = [r[0] for r in s.conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        names = {t: [r[0] for r in s.conn.execute("SELECT name FROM pragma_table_info(?)", (t,))]
                 + (["rowid"] if t in ROWID_TABLES else []) for t in tables}
    else:
        tables = [r[0] for r in s.conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'qcdesk_schema' ORDER BY tablename")]
        names = {t: [r[0] for r in s.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position", (t,))] for t in tables}
    out = {}
    for table in tables:
        columns = [c for c in names[table]
                   if not (table in ("audit", "audit_block") and c in ("at", "prev_hash", "hash"))]
        # names read from the database's own schema, not from input
        sql = f"SELECT {', '.join(columns)} FROM {table}"
        rows = [tuple(str(v) if c == "rec" and v is not None else v for c, v in zip(columns, r, strict=True))
                for r in s.conn.execute(sql)]
        out[table] = sorted(rows, key=lambda row: [(v is not None, v) for v in row])
    return out


def test_two_fresh_databases_get_the_same_demo(store: Store, tmp_path: Path) -> None:
    """On PostgreSQL, the second is a SQLite file: the demo is the same on both databases."""
    first = demo.load_demo(store)
    with Store.open(tmp_path / "second.sqlite", "tester") as other:
        second = demo.load_demo(other)
        assert first == second
        a, b = _contents(store), _contents(other)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table
    assert len(a["heat"]) == first.heats
    assert len(a["ingot"]) == first.ingots


def test_refuses_a_database_holding_a_heat(store: Store) -> None:
    store.add_heat(NewHeat("1-0001", "1", datetime(2024, 5, 6, 10, 30), "Q235B", 30.0, 1600.0, "王建国",
                           analysis={"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}))
    before = store.counts()
    converters = store.converters()
    with pytest.raises(Conflict, match=r"already holds 1 heat"):
        demo.load_demo(store)
    assert store.counts() == before
    assert store.converters() == converters
    assert [h.heat_no for h in store.heats(date(1900, 1, 1), date(2100, 1, 1))] == ["1-0001"]


def test_a_failure_midway_leaves_the_database_empty(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.counts()
    calls = 0
    real = store.import_ingots

    def failing(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 500:
            raise OSError("disk pulled out")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "import_ingots", failing)
    with pytest.raises(OSError, match="disk pulled out"):
        demo.load_demo(store)
    assert store.counts() == before
    assert {c.nominal_t for c in store.converters()} == {None}
    monkeypatch.undo()
    assert demo.load_demo(store).heats == store.counts()["heat"]  # and it can be loaded after all


def test_work_after_the_demo_is_dated_today(store: Store) -> None:
    demo.load_demo(store)
    store.add_heat(NewHeat("1-9001", "1", datetime(2024, 5, 6, 10, 30), "Q235B", 6.0, None, "王建国"))
    entry = store.audit("1-9001")[-1]
    assert abs(datetime.fromisoformat(entry.at) - datetime.now().astimezone()) < timedelta(minutes=5)
