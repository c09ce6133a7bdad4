"""The desktop program on the ten-year database: first window, history browser, a heat, memory.

    .venv/bin/python tests/benchmarks/bench_ui.py [DB] [--runs N]     (or ./dev bench --ui)

Works on a COPY of DB (default /tmp/qcb/workshop.sqlite, made by bench.py), which
it migrates once and in which it gives one heat ten ingots. Then, --runs times,
it starts the program in a child process and measures there:

- first window: from `time.monotonic()` in this process just before the child is
  spawned (the clock is system-wide) to the first paint event the main window or
  any widget in it receives (an application event filter on QEvent.Paint);
- history browser: a new `HistoryView` constructed and shown until its first page
  has arrived and been painted (`page_shown`, then a synchronous repaint);
- heat with 10 ingots: `window.open_heat(heat_no)` until `heat_view.loaded`;
- peak memory: the child's `ru_maxrss` at the end.

The two later measures start when the window's own start-up reads are done
(`session.idle()`). One warm-up run is not counted. Medians are printed as a
Markdown table with the machine. Runs offscreen unless DISPLAY is set (xvfb-run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DB = Path("/tmp/qcb/workshop.sqlite")
TARGETS = {"first_window_s": 1.5, "history_s": 0.3, "heat_s": None, "peak_rss_mb": 300.0}
LABELS = {"first_window_s": "start to first painted window", "history_s": "open the history browser",
          "heat_s": "open a heat with 10 ingots", "peak_rss_mb": "peak memory (ru_maxrss)"}


# ---------------------------------------------------------------- the child: one start of the program

def child(db: str, heat_no: str, t0: float) -> None:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    from ui.i18n import install_language
    from ui.session import Session

    install_language("en")
    session = Session(db, "bench")
    from ui.history_view import HistoryView
    from ui.main_window import MainWindow

    window = MainWindow(session)
    found: dict[str, float] = {}
    keep: list[Any] = []

    def when_idle(then: Callable[[], None]) -> None:
        """Call `then` once the session has nothing under way (checked by a timer, no busy loop)."""
        def check() -> None:
            if session.idle():
                then()
            else:
                QTimer.singleShot(5, check)
        QTimer.singleShot(0, check)

    class FirstPaint(QObject):
        # QObject.eventFilter: note the first paint of the window or a widget inside it
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if ("first_window_s" not in found and event.type() == QEvent.Type.Paint
                    and isinstance(watched, QWidget) and (watched is window or window.isAncestorOf(watched))):
                found["first_window_s"] = time.monotonic() - t0
                app.removeEventFilter(self)
                when_idle(open_history)
            return False

    def open_history() -> None:
        start = time.monotonic()
        view = HistoryView(session)
        keep.append(view)
        view.resize(1200, 700)

        def shown(rows: int) -> None:
            if "history_s" in found or rows == 0:
                return
            view.repaint()
            found["history_s"] = time.monotonic() - start
            view.close()
            when_idle(open_heat)

        view.page_shown.connect(shown)
        view.show()

    def open_heat() -> None:
        start = time.monotonic()

        def loaded(number: str) -> None:
            if number == heat_no and "heat_s" not in found:
                found["heat_s"] = time.monotonic() - start
                when_idle(finish)

        window.heat_view.loaded.connect(loaded)
        window.open_heat(heat_no)

    def finish() -> None:
        found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(found), flush=True)
        window.close()
        app.quit()

    filt = FirstPaint()
    app.installEventFilter(filt)
    window.show()
    QTimer.singleShot(60_000, app.quit)  # never hang a benchmark
    app.exec()
    session.close()


# ---------------------------------------------------------------- the parent

def prepare(src: Path, workdir: Path) -> tuple[Path, str, float, int]:
    """Copy and migrate the database; give one heat ten ingots. (db, heat_no, migrate s, heats)."""
    from qcdesk.model import Disposition
    from qcdesk.store import HeatFilter, NewIngot, Store

    db = workdir / "workshop.sqlite"
    shutil.copyfile(src, db)
    start = time.monotonic()
    with Store.open(db, "bench") as store:
        migrated = time.monotonic() - start
        heats = store.count_heats(HeatFilter())
        row = store.heat_page(HeatFilter(), "ingots", descending=True, limit=1).rows[0]
        missing = 10 - row.ingots
        if missing > 0:
            first = store.next_ingot_no(row.heat_no)
            store.add_ingots(row.heat_no, [NewIngot(first + i, 3500.0, Disposition.ACCEPTED, "bench")
                                           for i in range(missing)])
        assert len(store.ingots(row.heat_no)) == 10
    return db, row.heat_no, migrated, heats


def run_child(db: Path, heat_no: str, env: dict[str, str]) -> dict[str, float]:
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, __file__, "--child", str(db), heat_no, repr(t0)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(lines[-1]))


def machine() -> dict[str, Any]:
    import sqlite3

    import PySide6
    from PySide6.QtCore import qVersion

    info: dict[str, Any] = {
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "ram_gb": None,
        "os": platform.platform(), "python": platform.python_version(), "qt": qVersion(),
        "pyside6": PySide6.__version__, "sqlite": sqlite3.sqlite_version,
        "platform": "xcb (X server)" if os.environ.get("DISPLAY") else "offscreen"}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


def _fmt(key: str, value: float) -> str:
    return f"{value:.0f} MB" if key == "peak_rss_mb" else f"{value * 1000:.0f} ms"


def table(runs: Sequence[dict[str, float]], info: dict[str, Any], notes: Sequence[str]) -> str:
    lines = ["| measure | median | min | max | target | result |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for key, label in LABELS.items():
        values = [r[key] for r in runs]
        median = statistics.median(values)
        target = TARGETS[key]
        shown_target = "—" if target is None else (f"< {target:.0f} MB" if key == "peak_rss_mb"
                                                   else f"< {target * 1000:.0f} ms")
        result = "—" if target is None else ("pass" if median < target else "**FAIL**")
        lines.append(f"| {label} | {_fmt(key, median)} | {_fmt(key, min(values))} | "
                     f"{_fmt(key, max(values))} | {shown_target} | {result} |")
    lines.append("")
    lines.extend(f"- {n}" for n in notes)
    lines.append(f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; "
                 f"Python {info['python']}, Qt {info['qt']} (PySide6 {info['pyside6']}), "
                 f"SQLite {info['sqlite']}; Qt platform {info['platform']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        child(args[1], args[2], float(args[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", type=Path, default=DEFAULT_DB,
                        help=f"the ten-year database, never written (default {DEFAULT_DB})")
    parser.add_argument("--runs", type=int, default=5, help="timed starts (default 5), after one warm-up")
    parser.add_argument("--workdir", type=Path, help="where the copy goes (default: a temporary folder)")
    parser.add_argument("--markdown", type=Path, help="also write the table there")
    opts = parser.parse_args(args)
    if not opts.db.is_file():
        parser.error(f"{opts.db} does not exist: build it with "
                     f"tests/benchmarks/bench.py --db {opts.db} --keep")
    with tempfile.TemporaryDirectory(prefix="qcdesk-bench-ui-") as tmp:
        workdir = opts.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        db, heat_no, migrated, heats = prepare(opts.db, workdir)
        env = dict(os.environ, XDG_CONFIG_HOME=str(workdir / "config"), XDG_STATE_HOME=str(workdir / "state"),
                   PYTHONPATH=str(ROOT))
        run_child(db, heat_no, env)  # warm-up: the file's pages come into the OS cache
        runs = [run_child(db, heat_no, env) for _ in range(opts.runs)]
        if opts.workdir is None:
            db.unlink()
    notes = [f"{heats:,} heats; heat {heat_no} given 10 ingots; {opts.runs} timed runs after one warm-up",
             f"opening the copy and migrating it to the current schema (once, not in the figures): "
             f"{migrated:.2f} s"]
    out = table(runs, machine(), notes)
    print(out)
    if opts.markdown:
        opts.markdown.write_text(out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
