"""The trends view on the ten-year database: ten years by month, and how long the GUI thread
is ever blocked meanwhile.

    .venv/bin/python tests/benchmarks/bench_trends.py [DB] [--runs N]   (or ./dev bench --trends)

Works on a COPY of DB (default /tmp/qcb/workshop.sqlite, made by bench.py), which it
migrates once and gives a plan for every quarter (so the target line, the plan and the
records have something to measure against). Then, --runs times, in a child process:

- the program's TrendsView is built and shown at 1366×768, and left to load what it
  shows first (the last 30 days) until the session is idle;
- **ten years by month**: from setting the period to the whole span by month (as a head
  picks it in the filter bar) to the view having drawn the answer (`trends_shown`, then a
  synchronous repaint);
- **the chemistry** of that period (the I-MR chart of the main grade's first element,
  80,000 values) until `chemistry_shown` and the session is idle;
- **longest GUI-thread block**: a 5 ms QTimer ticks on the GUI thread throughout, from
  the moment the period is set until everything has arrived; the longest gap between two
  ticks is the longest time the view did not answer;
- peak memory (`ru_maxrss`).

One warm-up run is not counted; medians are printed as a Markdown table with the machine.
Runs offscreen unless DISPLAY is set (xvfb-run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(Path(__file__).resolve().parent)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from bench_ui import machine  # noqa: E402 - beside this file

DEFAULT_DB = Path("/tmp/qcb/workshop.sqlite")
TARGETS = {"ten_years_s": 1.5, "chemistry_s": None, "max_block_s": 0.1, "peak_rss_mb": None}
LABELS = {"ten_years_s": "ten years by month, set to drawn",
          "chemistry_s": "… and the chemistry of the period drawn",
          "max_block_s": "longest GUI-thread block (5 ms heartbeat)",
          "peak_rss_mb": "peak memory (ru_maxrss)"}


# ---------------------------------------------------------------- the child

def child(db: str) -> None:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from qcdesk import trends
    from ui.i18n import install_language
    from ui.session import Session
    from ui.trends_view import TrendsView

    install_language("en")
    session = Session(db, "bench")
    view = TrendsView(session)
    view.resize(1366, 768)
    found: dict[str, float] = {}
    state: dict[str, Any] = {"t0": 0.0, "last_tick": 0.0, "max_gap": 0.0, "measuring": False,
                             "trends": False, "chemistry": False}
    heartbeat = QTimer()
    heartbeat.setInterval(5)

    def tick() -> None:
        now = time.monotonic()
        if state["measuring"]:
            state["max_gap"] = max(state["max_gap"], now - state["last_tick"])
        state["last_tick"] = now

    heartbeat.timeout.connect(tick)

    def when_idle(then: Any) -> None:
        def check() -> None:
            if session.idle():
                then()
            else:
                QTimer.singleShot(5, check)
        QTimer.singleShot(0, check)

    def first_load_done() -> None:
        view.trends_shown.disconnect(first_shown)
        when_idle(ten_years)

    def first_shown() -> None:
        QTimer.singleShot(0, first_load_done)

    def ten_years() -> None:
        span = view.span
        assert span is not None
        view.trends_shown.connect(drawn)
        view.chemistry_shown.connect(chemistry_drawn)
        heartbeat.start()
        state["last_tick"] = state["t0"] = time.monotonic()
        state["measuring"] = True
        view.grain_box.setCurrentIndex(view.grain_box.findData(trends.Grain.MONTH.value))
        view.set_period(trends.Span.CUSTOM, span[0], span[1])
        view.reload()

    def drawn() -> None:
        if state["trends"]:
            return
        view.repaint()
        found["ten_years_s"] = time.monotonic() - state["t0"]
        state["trends"] = True
        maybe_finish()

    def chemistry_drawn() -> None:
        if state["chemistry"]:
            return
        state["chemistry"] = True
        maybe_finish()

    def maybe_finish() -> None:
        if state["trends"] and state["chemistry"]:
            when_idle(finish)

    def finish() -> None:
        view.repaint()
        found["chemistry_s"] = time.monotonic() - state["t0"]
        QTimer.singleShot(50, report)  # a few more ticks, to catch a block at the very end

    def report() -> None:
        state["measuring"] = False
        found["max_block_s"] = state["max_gap"]
        found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(found), flush=True)
        app.quit()

    view.trends_shown.connect(first_shown)
    view.show()
    view.start()
    QTimer.singleShot(120_000, app.quit)  # never hang a benchmark
    app.exec()
    view.close()
    session.close()


# ---------------------------------------------------------------- the parent

def prepare(src: Path, workdir: Path) -> tuple[Path, float, int, tuple[date, date]]:
    """Copy and migrate the database; a plan for every quarter of its span."""
    from qcdesk.store import HeatFilter, Store

    db = workdir / "workshop.sqlite"
    shutil.copyfile(src, db)
    start = time.monotonic()
    with Store.open(db, "bench") as store:
        migrated = time.monotonic() - start
        heats = store.count_heats(HeatFilter())
        span = store.date_span()
        if span is None:
            raise SystemExit(f"{src} holds no heats")
        for year in range(span[0].year, span[1].year + 1):
            for quarter in range(1, 5):
                store.set_plan(f"{year}-Q{quarter}", output_t=165_000, ingot_rate=0.955)
    return db, migrated, heats, span


def run_child(db: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", str(db)],
                          capture_output=True, text=True, env=env, timeout=180, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(lines[-1]))


def _fmt(key: str, value: float) -> str:
    return f"{value:.0f} MB" if key == "peak_rss_mb" else f"{value * 1000:.0f} ms"


def table(runs: Sequence[dict[str, float]], info: dict[str, Any], notes: Sequence[str]) -> str:
    lines = ["| measure | median | min | max | target | median ÷ target | result |",
             "| --- | ---: | ---: | ---: | --- | ---: | --- |"]
    for key, label in LABELS.items():
        values = [r[key] for r in runs]
        median = statistics.median(values)
        target = TARGETS[key]
        shown = "—" if target is None else f"< {target * 1000:.0f} ms"
        ratio = "—" if target is None else f"{median / target:.2f}"
        result = "—" if target is None else ("pass" if max(values) < target else
                                             "pass (median)" if median < target else "**FAIL**")
        lines.append(f"| {label} | {_fmt(key, median)} | {_fmt(key, min(values))} | "
                     f"{_fmt(key, max(values))} | {shown} | {ratio} | {result} |")
    lines.append("")
    lines.extend(f"- {n}" for n in notes)
    lines.append(f"- machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM, {info['os']}; "
                 f"Python {info['python']}, Qt {info['qt']} (PySide6 {info['pyside6']}), "
                 f"SQLite {info['sqlite']}; Qt platform {info['platform']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        child(args[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", type=Path, default=DEFAULT_DB,
                        help=f"the ten-year database, never written (default {DEFAULT_DB})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5), after one warm-up")
    parser.add_argument("--workdir", type=Path, help="where the copy goes (default: a temporary folder)")
    parser.add_argument("--markdown", type=Path, help="also write the table there")
    opts = parser.parse_args(args)
    if not opts.db.is_file():
        parser.error(f"{opts.db} does not exist: build it with "
                     f"tests/benchmarks/bench.py --db {opts.db} --keep")
    with tempfile.TemporaryDirectory(prefix="qcdesk-bench-trends-") as tmp:
        workdir = opts.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        db, migrated, heats, span = prepare(opts.db, workdir)
        env = dict(os.environ, XDG_CONFIG_HOME=str(workdir / "config"), XDG_STATE_HOME=str(workdir / "state"),
                   PYTHONPATH=str(ROOT))
        run_child(db, env)  # warm-up: the file's pages come into the OS cache
        runs = [run_child(db, env) for _ in range(opts.runs)]
        if opts.workdir is None:
            db.unlink()
    notes = [f"{heats:,} heats from {span[0]} to {span[1]}; a plan for each quarter; "
             f"{opts.runs} timed runs after one warm-up",
             f"opening the copy and migrating it to the current schema (once, not in the figures): "
             f"{migrated:.2f} s"]
    out = table(runs, machine(), notes)
    print(out)
    if opts.markdown:
        opts.markdown.write_text(out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
