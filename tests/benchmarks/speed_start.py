"""Start-up speed (issue 17): `qcdesk --help`, `qcdesk rates` for one day, the first painted window.

    .venv/bin/python tests/benchmarks/speed_start.py --db /work/bench/ten-v9.sqlite --runs 7

Every figure is a whole process, timed from just before it is spawned, beside its floor,
in interleaved runs (program, floor, program, floor, ...) after one warm-up of each; the
medians are reported. The database is copied to a temporary folder first (a start writes:
the day's automatic backup, a migration), and the program and its floors work on the copy.

- `qcdesk --help` (the installed command) beside `python -c pass`;
- `qcdesk --db COPY rates --from D --to D` for the middle day of the span, beside a bare
  Python process that runs the same SQL (`qcdesk.rate_sql.SUMS_SQL` over that day's heats)
  with `sqlite3` and prints the row; the program's figures (its `--json`) must equal the
  floor's;
- the first painted window: the `qcdesk` command starting the desktop program on the copy,
  with the day's automatic backup to make (its `backups` folder is removed before each run),
  until the first paint event of the main window or a widget in it; beside a bare PySide6
  window showing one label, until its first paint. The child then closes its window; the
  program's run ends when the backup has been made, and each run's backup is checked.

Each row's note also gives the medians of the processor time (user + system, all threads; for a
window, used by its first paint), which a busy machine disturbs less than the wall time.

Windows need a display: the one in DISPLAY, else an Xvfb started here (as `xvfb-run -a`
would), else Qt's offscreen platform (said in the row's note). The children run with the
bytecode cache on (as an installed program has it), whatever PYTHONDONTWRITEBYTECODE says.

`--tree DIR` runs another checkout's code (PYTHONPATH=DIR), e.g. main before this work, for
a before/after comparison with the same floors.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(ROOT))
from tests.benchmarks.speedrow import Row  # noqa: E402

WINDOW_TIMEOUT_S = 180  # a start with its backup of ten years takes some 10 s

# The child of the window rows: one start, until the first paint of the named window class.
# `qcdesk`: the launcher is imported first (as the command does), then Qt, then the program runs
# as `qcdesk --db DB` would; `floor`: a bare QApplication with one QLabel.
WINDOW_CHILD = r"""
import sys, time
t0, kind = float(sys.argv[1]), sys.argv[2]
if kind == "qcdesk":
    from ui.launcher import main
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

app = QApplication(sys.argv[:1])
wanted = "MainWindow" if kind == "qcdesk" else "QLabel"


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and type(watched.window()).__name__ == wanted):
            print(f"painted {time.monotonic() - t0:.6f} cpu {time.process_time():.6f}", flush=True)
            app.removeEventFilter(self)
            QTimer.singleShot(0, watched.window().close)
        return False


first_paint = FirstPaint()
app.installEventFilter(first_paint)
if kind == "qcdesk":
    sys.exit(main(["--db", sys.argv[3]]))
label = QLabel("qcdesk")
label.show()
sys.exit(app.exec())
"""


# ---------------------------------------------------------------- children

def child_env(tree: Path | None, home: Path, display: dict[str, str]) -> dict[str, str]:
    """The children's environment: settings, logs and data in `home`; the bytecode cache on."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "QCDESK_DB", "QT_QPA_PLATFORM", "DISPLAY")}
    env.update(display)
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"))
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def qcdesk_command() -> list[str]:
    """The installed `qcdesk` command beside this Python, else what it runs."""
    script = Path(sys.executable).with_name("qcdesk")
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "import sys; from ui.launcher import main; sys.exit(main())"]


Timing = tuple[float, float]  # wall seconds, and the processor seconds the process used (all threads)


def _cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[Timing, str]:
    """One whole process, spawn to exit: its wall and processor seconds, and its output.
    A failure stops the benchmark."""
    cpu = _cpu_of_children()
    start = time.monotonic()
    done = subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return (seconds, _cpu_of_children() - cpu), done.stdout


def first_paint(kind: str, db: Path, env: dict[str, str], cwd: Path) -> Timing:
    """From spawning a window child to its first paint: wall seconds (the child's reading of the
    system-wide monotonic clock) and the processor seconds the child had used by then."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", WINDOW_CHILD, repr(start), kind, str(db)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=WINDOW_TIMEOUT_S, check=False)
    painted = [line.split() for line in done.stdout.splitlines() if line.startswith("painted ")]
    if done.returncode != 0 or not painted:
        raise SystemExit(f"the {kind} window child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(painted[0][1]), float(painted[0][3])


def interleaved(program: Callable[[], Timing], floor: Callable[[], Timing],
                runs: int) -> tuple[Timing, Timing]:
    """Medians (wall, processor) of `runs` alternating runs of each, after one warm-up of each."""
    program()
    floor()
    mine: list[Timing] = []
    theirs: list[Timing] = []
    for _ in range(runs):
        mine.append(program())
        theirs.append(floor())
    return ((statistics.median(t[0] for t in mine), statistics.median(t[1] for t in mine)),
            (statistics.median(t[0] for t in theirs), statistics.median(t[1] for t in theirs)))


def cpu_note(program: Timing, floor: Timing) -> str:
    """The processor time beside the wall time: steadier than wall time on a busy machine."""
    return (f"processor time {program[1] * 1000:.0f} ms vs {floor[1] * 1000:.0f} ms "
            f"({program[1] / floor[1]:.1f}×)")


@contextmanager
def display() -> Iterator[tuple[dict[str, str], str]]:
    """Where the windows show: the X server in DISPLAY, else an Xvfb of our own (as `xvfb-run -a`
    starts one), else Qt's offscreen platform. The variables for the children and a name."""
    if os.environ.get("DISPLAY"):
        yield {"DISPLAY": os.environ["DISPLAY"]}, "X server"
        return
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield {"QT_QPA_PLATFORM": "offscreen"}, "Qt offscreen (no Xvfb)"
        return
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24",
                               "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        got = os.read(read, 16)
        if not got:
            break
        number += got
    os.close(read)
    try:
        if not number.strip():
            raise SystemExit("Xvfb did not start")
        yield {"DISPLAY": ":" + number.decode().strip()}, "Xvfb"
    finally:
        server.terminate()
        server.wait(timeout=10)


# ---------------------------------------------------------------- the rates floor

def rates_floor_code() -> str:
    """A bare Python program: the sums of one production day by the program's own SQL text."""
    from qcdesk.rate_sql import SUMS_SQL

    sql = ("SELECT " + SUMS_SQL + " FROM heat h JOIN converter c ON c.id = h.converter_id "
           "JOIN shift s ON s.id = h.shift_id "
           "WHERE h.production_date BETWEEN ? AND ? AND h.void_reason IS NULL")
    return ("import sqlite3, sys\n"
            "conn = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
            f"print(tuple(conn.execute({sql!r}, (sys.argv[2], sys.argv[2])).fetchone()))\n")


def same_sums(program_json: str, floor_output: str) -> bool:
    """The program's total (its --json) equals the floor's row, field by field."""
    from qcdesk.rate_sql import SUM_FIELDS

    total = json.loads(program_json)["total"]
    floor = ast.literal_eval(floor_output.strip())  # the tuple of numbers the floor printed
    return all(total[name] == (round(value, 9) if isinstance(value, float) else value)
               for name, value in zip(SUM_FIELDS, floor, strict=True))


def middle_day(db: Path) -> date:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        first, last = conn.execute("SELECT min(production_date), max(production_date) FROM heat "
                                   "WHERE void_reason IS NULL").fetchone()
    finally:
        conn.close()
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return date.fromordinal((a.toordinal() + b.toordinal()) // 2)


# ---------------------------------------------------------------- the rows

def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def copy_database(db: Path, folder: Path) -> Path:
    """The database and its journal of chain heads, copied into `folder`."""
    copy = folder / db.name
    shutil.copyfile(db, copy)
    for suffix in (".heads",):
        beside = db.with_name(db.name + suffix)
        if beside.is_file():
            shutil.copyfile(beside, copy.with_name(copy.name + suffix))
    return copy


def rows(db: Path, runs: int, tree: Path | None = None) -> list[Row]:
    """The three start-up rows, each beside its floor, measured on a copy of `db`."""
    with tempfile.TemporaryDirectory(prefix="qcdesk-speed-start-") as tmp, display() as (shown_on, platform):
        work = Path(tmp)
        copy = copy_database(db, work)
        env = child_env(tree, work / "home", shown_on)
        qcdesk = qcdesk_command()
        out: list[Row] = []

        before = load()
        helped, passed = interleaved(lambda: timed([*qcdesk, "--help"], env, work)[0],
                                     lambda: timed([sys.executable, "-c", "pass"], env, work)[0], runs)
        out.append(Row("qcdesk --help", helped[0], "python -c pass", passed[0], 4.0, None,
                       f"{cpu_note(helped, passed)}; {runs} runs each; {before} → {load()}"))

        day = middle_day(copy).isoformat()
        rates = [*qcdesk, "--db", str(copy), "rates", "--from", day, "--to", day]
        floor = [sys.executable, "-c", rates_floor_code(), str(copy), day]
        before = load()
        rated, floored = interleaved(lambda: timed(rates, env, work)[0], lambda: timed(floor, env, work)[0],
                                     runs)
        equal = same_sums(timed([*rates, "--json"], env, work)[1], timed(floor, env, work)[1])
        out.append(Row("qcdesk rates, one day", rated[0], "the same SQL in a bare Python process", floored[0],
                       4.0, None, f"{day}; figures equal the floor's: {'yes' if equal else 'NO'}; "
                       f"{cpu_note(rated, floored)}; {runs} runs each; {before} → {load()}"))

        backups = work / "backups"
        made: list[bool] = []

        def start() -> Timing:
            shutil.rmtree(backups, ignore_errors=True)  # so that the day's backup is made again
            timing = first_paint("qcdesk", copy, env, work)
            made.append(any(p.suffix == ".sqlite" for p in backups.glob("*-auto-*.sqlite")))
            return timing

        before = load()
        window, label = interleaved(start, lambda: first_paint("floor", copy, env, work), runs)
        out.append(Row("first painted window (ten years, daily backup running)", window[0],
                       "a bare PySide6 window showing one label", label[0], 2.5, None,
                       f"{platform}; the day's backup made in {sum(made)} of {len(made)} starts; "
                       f"{cpu_note(window, label)}; {runs} runs each; {before} → {load()}"))
        return out


def table(found: Sequence[Row]) -> str:
    lines = ["| what | median | floor | floor median | ratio | target | met | note |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for r in found:
        ratio = "—" if r.ratio is None else f"{r.ratio:.1f}×"
        target = f"≤ {r.target_ratio:g}×" if r.target_ratio is not None else f"< {r.target_seconds:g} s"
        floor = "—" if r.floor_seconds is None else f"{r.floor_seconds * 1000:.0f} ms"
        lines.append(f"| {r.what} | {r.seconds * 1000:.0f} ms | {r.floor_what} | {floor} | {ratio} | "
                     f"{target} | {'yes' if r.met else '**no**'} | {r.note} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="the ten-year database (only read: copied)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each, after a warm-up (default 7)")
    parser.add_argument("--tree", type=Path, help="run this checkout's code instead (PYTHONPATH)")
    opts = parser.parse_args(argv)
    if not opts.db.is_file():
        parser.error(f"{opts.db} does not exist")
    found = rows(opts.db, opts.runs, opts.tree.resolve() if opts.tree else None)
    print(table(found))
    return 0 if all(r.met for r in found) else 1


if __name__ == "__main__":
    sys.exit(main())
