"""A workshop's desks on one database (PostgreSQL, or a SQLite file for comparison), each a
process of its own (issue 13), for the load test (tests/test_plant_load.py) and the plant
benchmark (benchmarks/bench_plant.py).

    python tests/plant_desk.py desk URI DESK SECONDS SEED PAUSE_MS SERIES OUT.json
    python tests/plant_desk.py reader URI DAYS OUT.json

A **desk** is an inspector's workstation at converter DESK: it opens its own `Store` on URI
as the user ``deskNN``, prints "ready", waits for a line on its standard input (the start
signal, so every desk begins at once), and then saves for SECONDS what a desk saves: new heats
(heat numbers ``SERIESNN-0001`` … of its own converter), heat analyses, ingots judged in batches of
seven to nine, and corrections with reasons (an ingot's disposition, an element of the
analysis, a heat's tapped weight), each a call of the store, then a pause of up to PAUSE_MS
(a person's next entry). A save the store refuses as busy ("another workstation is saving")
is saved again, as a person would press Save again, and counted. It writes to OUT.json every
save (kind, what, latency of the store call in seconds, retries, when it returned), what it
expects the database to hold (each heat's tapped weight, analysis and ingots, every reason
given), and any other error (which a person would have seen).

Every desk also **listens** (issue 14), as an open window does: a thread of its own waits on the
database's feed (`qcdesk.store.changes`: LISTEN/NOTIFY on a server, data_version on a file) from
before the start on. Once done saving it prints "saved" and waits for a line with the id of the
last audit entry (the runner's, once every desk is done); then it waits for its feed to reach it
(at most LISTEN_WAIT_S) and writes what it heard: the last entry id read, the heats it was told of,
how many reads it took.

A **reader** is the shift view of another desk: it polls, in one snapshot each time, the
history page of the heats of production dates DAYS (``first..last``, every page) and the
rates by shift and by shift × converter, as the views do, until a line arrives on its
standard input; then it polls once more and writes to OUT.json every heat it saw, when it
first saw it, each poll's duration, and whether each poll's rates count the heats it listed.

`run_plant` starts the desks and the reader and gathers what they wrote.
"""

from __future__ import annotations

import json
import random
import selectors
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qcdesk.errors import DatabaseError  # noqa: E402
from qcdesk.model import Disposition, IngotDefect, Location  # noqa: E402
from qcdesk.store import HeatFilter, NewHeat, NewIngot, Store, changes  # noqa: E402

# Each desk taps a heat every seven minutes from 06:00 of one day on: every shift gets heats.
FIRST_TAP = datetime(2025, 3, 3, 6, 0)
DAYS = (FIRST_TAP.date(), FIRST_TAP.date() + timedelta(days=6))  # up to 1,200 heats a desk
GOOD = {"C": 0.15, "Si": 0.20, "Mn": 0.50, "P": 0.020, "S": 0.020}
BUSY_RETRIES = 20
LISTEN_WAIT_S = 30.0  # how long a desk waits for its feed to bring the last save (it takes a second)


def heat_no(series: str, desk: int, serial: int) -> str:
    return f"{series}{desk:02d}-{serial:04d}"


# ------------------------------------------------------------------- a desk


@dataclass
class Desk:
    """One workstation's session: what it saved and what it expects the database to hold."""

    store: Store
    desk: int
    rng: random.Random
    series: str = ""  # before the heat numbers: runs on one database do not collide
    serial: int = 0
    heats: dict[str, dict[str, Any]] = field(default_factory=dict)  # heat_no → expected record
    reasons: list[str] = field(default_factory=list)
    saves: list[tuple[str, str, float, int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    retries: int = 0

    def save(self, kind: str, what: str, call: Any) -> bool:
        """One store call, saved again while the database says it is busy; True once saved."""
        started = time.perf_counter()
        tries = 0
        while True:
            try:
                call()
            except DatabaseError as error:
                if "busy" not in str(error) or tries >= BUSY_RETRIES:
                    self.errors.append(f"{kind} {what}: {error}")
                    return False
                tries += 1
                self.retries += 1
                time.sleep(0.05)
                continue
            except Exception:  # any other error would have reached the person at this desk
                self.errors.append(f"{kind} {what}: {traceback.format_exc()}")
                return False
            break
        self.saves.append((kind, what, time.perf_counter() - started, tries, time.time()))
        return True

    def new_heat(self) -> None:
        self.serial += 1
        number = heat_no(self.series, self.desk, self.serial)
        weight = round(self.rng.uniform(26.0, 34.0), 1)
        tapped = FIRST_TAP + timedelta(minutes=7 * self.serial + self.desk % 7)
        new = NewHeat(number, str(self.desk), tapped, "Q235B", weight, 1640.0, f"desk{self.desk:02d}")
        if self.save("heat", number, lambda: self.store.add_heat(new)):
            self.heats[number] = {"tap_weight_t": weight, "analysis": {}, "ingots": {}}

    def analysis(self, number: str) -> None:
        values = dict(GOOD)
        if self.rng.random() < 0.05:
            values["S"] = 0.052  # off-grade: the heat does not conform
        if self.save("analysis", number, lambda: self.store.set_analysis(number, values)):
            self.heats[number]["analysis"] = values

    def ingots(self, number: str) -> None:
        count = self.rng.randint(7, 9)
        each = round(self.heats[number]["tap_weight_t"] * 975 / count, 1)
        batch = []
        for n in range(1, count + 1):
            disposition = self.rng.choices(
                [Disposition.ACCEPTED, Disposition.CONDITIONED, Disposition.SCRAP, Disposition.PENDING],
                [90, 6, 2, 2])[0]
            defects = ((IngotDefect("TCRK", Location.MIDDLE),) if disposition is Disposition.CONDITIONED
                       else (IngotDefect("PIPE", Location.TOP),) if disposition is Disposition.SCRAP else ())
            batch.append(NewIngot(n, each, disposition, f"desk{self.desk:02d}", defects))
        if self.save("ingots", f"{number} x{count}", lambda: self.store.add_ingots(number, batch)):
            self.heats[number]["ingots"] = {n.ingot_no: [n.weight_kg, n.disposition.value] for n in batch}

    def correction(self, number: str) -> None:
        """A judged ingot's disposition, an element of the analysis or the tapped weight
        corrected, with a reason of its own (to be found again in the trail)."""
        heat = self.heats[number]
        reason = f"desk {self.desk} correction {len(self.reasons) + 1}: re-read the tag"
        pick = self.rng.random()
        judged = [n for n, (_kg, d) in heat["ingots"].items() if d != "pending"]
        if judged and pick < 0.5:
            n = self.rng.choice(judged)
            now = "conditioned" if heat["ingots"][n][1] == "accepted" else "accepted"
            defects = [IngotDefect("TCRK", Location.MIDDLE)] if now == "conditioned" else []
            if self.save("correct ingot", f"{number}/{n}", lambda: self.store.update_ingot(
                    number, n, disposition=Disposition(now), defects=defects, reason=reason)):
                heat["ingots"][n][1] = now
                self.reasons.append(reason)
        elif heat["analysis"] and pick < 0.8:
            value = round(heat["analysis"]["C"] + 0.01, 2) if heat["analysis"]["C"] < 0.18 else 0.14
            if self.save("correct analysis", f"{number}/C", lambda: self.store.set_analysis(
                    number, {"C": value}, reason=reason)):
                heat["analysis"]["C"] = value
                self.reasons.append(reason)
        else:
            weight = round(heat["tap_weight_t"] + 0.5, 1)
            if self.save("correct heat", number, lambda: self.store.update_heat(
                    number, tap_weight_t=weight, reason=reason)):
                heat["tap_weight_t"] = weight
                self.reasons.append(reason)

    def step(self) -> None:
        """One save, chosen as a desk's day goes: mostly heats, analyses and ingots."""
        bare = [h for h, r in self.heats.items() if not r["analysis"]]
        analysed = [h for h, r in self.heats.items() if r["analysis"] and not r["ingots"]]
        done = [h for h, r in self.heats.items() if r["analysis"] and r["ingots"]]
        pick = self.rng.random()
        if pick < 0.30 or not self.heats:
            self.new_heat()
        elif pick < 0.55 and bare:
            self.analysis(self.rng.choice(bare))
        elif pick < 0.85 and analysed:
            self.ingots(self.rng.choice(analysed))
        elif done:
            self.correction(self.rng.choice(done))
        else:
            self.new_heat()


class Listener:
    """A desk's ear on the database, as an open window has one (issue 14): the feed's changes,
    taken on a thread of its own."""

    def __init__(self, store: Store) -> None:
        self.feed = changes.open_feed(store.server or store.path, store.last_entry_id())
        self.last_id = self.feed.last_id
        self.heats: set[str] = set()
        self.reads = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            changes.follow(self.feed, self._heard, self._stop, idle_wait=0.5)
        except Exception:
            self.errors.append(traceback.format_exc())

    def _heard(self, news: changes.Changes) -> None:
        self.reads += 1
        self.heats |= news.heat_numbers
        self.last_id = news.last_id

    def finish(self, final: int) -> dict[str, Any]:
        """Wait (at most LISTEN_WAIT_S) until the feed has brought entry `final`; what it heard."""
        deadline = time.monotonic() + LISTEN_WAIT_S
        while self.last_id < final and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.01)
        self._stop.set()
        self.feed.wake()
        self._thread.join(10)
        self.feed.close()
        return {"last_id": self.last_id, "heats": sorted(self.heats), "reads": self.reads,
                "errors": self.errors}


def desk_main(uri: str, desk: int, *, seconds: float, seed: int, pause_ms: float, series: str,
              out: Path) -> int:
    rng = random.Random(seed)
    store = Store.open(uri, f"desk{desk:02d}", create=False)
    session = Desk(store, desk, rng, series)
    listener = Listener(store)
    print("ready", flush=True)
    sys.stdin.readline()  # everyone starts at once
    deadline = time.monotonic() + seconds
    heard: dict[str, Any] = {}
    try:
        while True:
            time.sleep(rng.uniform(0, pause_ms / 1000))  # the person's next entry
            if time.monotonic() >= deadline:
                break
            session.step()
        print("saved", flush=True)
        final = sys.stdin.readline().strip()  # the last entry, once every desk is done
        heard = listener.finish(int(final) if final.isdigit() else 0)
    finally:
        store.close()
        out.write_text(json.dumps({
            "desk": desk, "saves": session.saves, "retries": session.retries, "errors": session.errors,
            "heats": session.heats, "reasons": session.reasons, "heard": heard}), encoding="utf-8")
    return 0


# ------------------------------------------------------------------ the reader


def reader_main(uri: str, days: tuple[date, date], out: Path) -> int:
    store = Store.open(uri, "shift-view", create=False)
    print("ready", flush=True)
    first_seen: dict[str, float] = {}
    polls: list[float] = []
    disagreements: list[str] = []
    where = HeatFilter(date_from=days[0], date_to=days[1])
    stop = _stdin_line()
    errors: list[str] = []

    def poll() -> None:
        started = time.perf_counter()
        with store.snapshot():  # one state of the database, as the view shows it
            listed: list[str] = []
            after = None
            while True:
                page = store.heat_page(where, after=after, limit=200)
                listed += [row.heat_no for row in page.rows]
                if page.after is None:
                    break
                after = page.after
            by_shift = store.rates(days[0], days[1], by=("shift",))
            store.rates(days[0], days[1], by=("shift", "converter"))
        polls.append(time.perf_counter() - started)
        now = time.time()
        for number in listed:
            first_seen.setdefault(number, now)
        if by_shift.total.sums.heats != len(listed):
            disagreements.append(f"rates count {by_shift.total.sums.heats} heats, the list {len(listed)}")

    try:
        while not stop.is_set():
            poll()
            stop.wait(0.2)
        poll()  # what the desks left, seen once they stopped
    except Exception:
        errors.append(traceback.format_exc())
    finally:
        store.close()
        out.write_text(json.dumps({"first_seen": first_seen, "polls": polls,
                                   "disagreements": disagreements, "errors": errors}), encoding="utf-8")
    return 0


def _stdin_line() -> Any:
    """An event set when a line (or the end) arrives on standard input."""
    import threading

    event = threading.Event()

    def wait() -> None:
        sys.stdin.readline()
        event.set()
    threading.Thread(target=wait, daemon=True).start()
    return event


# ------------------------------------------------------------------ the plant


@dataclass
class PlantRun:
    """What the desks and the reader of one run wrote (their OUT.json, read back)."""

    desks: list[dict[str, Any]]
    reader: dict[str, Any]
    seconds: float  # from the start signal to the last desk's end
    blocks_before: int  # the chain's blocks when the desks started
    last_id: int = 0  # the last audit entry once every desk was done saving

    @property
    def saves(self) -> list[tuple[str, str, float, int, float]]:
        return [tuple(s) for d in self.desks for s in d["saves"]]

    @property
    def latencies(self) -> list[float]:
        return [s[2] for s in self.saves]

    @property
    def retries(self) -> int:
        return sum(d["retries"] for d in self.desks)

    @property
    def errors(self) -> list[str]:
        return ([f"desk {d['desk']}: {e}" for d in self.desks for e in d["errors"]]
                + [f"desk {d['desk']} listening: {e}" for d in self.desks
                   for e in d["heard"].get("errors", [])]
                + self.reader["errors"])


def prepare(uri: str, desks: int) -> None:
    """A converter for each desk (the seed has 1-3)."""
    with Store.open(uri, "setup") as store:
        have = {c.code for c in store.converters()}
        for desk in range(1, desks + 1):
            if str(desk) not in have:
                store.add_converter(str(desk), f"Converter {desk}", 30.0)


def _start(args: list[str], err: Path) -> subprocess.Popen[str]:
    with err.open("w", encoding="utf-8") as errors:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errors, text=True)
    return proc


def _ready(proc: subprocess.Popen[str], err: Path) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        proc.wait()
        raise RuntimeError(f"a desk did not start: {line!r}\n{err.read_text(encoding='utf-8')}")


def _tell(proc: subprocess.Popen[str], line: str = "go") -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def _saved(proc: subprocess.Popen[str], err: Path, timeout: float) -> None:
    """Wait for a desk to say it is done saving (or to end)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as waiting:
        waiting.register(proc.stdout, selectors.EVENT_READ)
        if not waiting.select(timeout):
            raise RuntimeError(f"a desk did not finish saving:\n{err.read_text(encoding='utf-8')}")
    proc.stdout.readline()


def _end(proc: subprocess.Popen[str], err: Path, timeout: float) -> None:
    proc.wait(timeout)
    if proc.stdin:
        proc.stdin.close()
    if proc.stdout:
        proc.stdout.close()
    if proc.returncode != 0:
        raise RuntimeError(f"exit status {proc.returncode}:\n{err.read_text(encoding='utf-8')}")


def run_plant(uri: str, *, desks: int = 12, seconds: float = 60.0, pause_ms: float = 500.0,
              seed: int = 13, series: str = "", work: Path | None = None) -> PlantRun:
    """`desks` desks saving for `seconds` on `uri` (its converters made first) and a reader
    polling the shift view the while; every process's findings. `series`: a letter or two
    before the heat numbers, for a second run on the same database."""
    prepare(uri, desks)
    with Store.open(uri, "setup", create=False) as store:
        blocks_before = sum(1 for _block in store.blocks())
    with tempfile.TemporaryDirectory(prefix="qcdesk-plant-", dir=work) as folder:
        tmp = Path(folder)
        reader_args = ["reader", uri, f"{DAYS[0]}..{DAYS[1]}", str(tmp / "reader.json")]
        reader = _start(reader_args, tmp / "reader.err")
        procs = [(_start(["desk", uri, str(d), str(seconds), str(seed * 1000 + d), str(pause_ms),
                          series, str(tmp / f"desk{d}.json")], tmp / f"desk{d}.err"), tmp / f"desk{d}.err")
                 for d in range(1, desks + 1)]
        try:
            _ready(reader, tmp / "reader.err")
            for proc, err in procs:
                _ready(proc, err)
            started = time.monotonic()
            for proc, _err in procs:
                _tell(proc)
            for proc, err in procs:
                _saved(proc, err, timeout=seconds + 120)
            took = time.monotonic() - started
            with Store.open(uri, "setup", create=False) as store:
                last_id = store.last_entry_id()
            for proc, _err in procs:  # each desk's feed is to bring it there
                _tell(proc, str(last_id))
            for proc, err in procs:
                _end(proc, err, timeout=seconds + 120)
            _tell(reader)
            _end(reader, tmp / "reader.err", timeout=60)
        finally:
            for proc in [reader, *(p for p, _e in procs)]:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        found = [json.loads((tmp / f"desk{d}.json").read_text(encoding="utf-8")) for d in range(1, desks + 1)]
        seen = json.loads((tmp / "reader.json").read_text(encoding="utf-8"))
    return PlantRun(found, seen, took, blocks_before, last_id)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * q / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def main(argv: list[str]) -> int:
    if argv[:1] == ["desk"] and len(argv) == 8:
        _, uri, desk, seconds, seed, pause_ms, series, out = argv
        return desk_main(uri, int(desk), seconds=float(seconds), seed=int(seed), pause_ms=float(pause_ms),
                         series=series, out=Path(out))
    if argv[:1] == ["reader"] and len(argv) == 4:
        _, uri, days, out = argv
        first, _dots, last = days.partition("..")
        return reader_main(uri, (date.fromisoformat(first), date.fromisoformat(last)), Path(out))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
