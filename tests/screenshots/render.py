"""Render the main window with the demo workshop to PNGs, in English and Chinese, at two screen sizes.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tests/screenshots/render.py [OUTDIR] [--big DB]

OUTDIR defaults to docs/screenshots. The demo month goes into a temporary database;
the window opens on 1959-02-02, 11:00 (the day shift), shows the shift, then a heat
that fails its grade, if the day has one, History with "Show more" and a date's calendar,
and the pages of the Quality trends tab (the copy has a plan for February 1959 and its
quarter), at 1366×768 and at 1920×1080 with large text on (files named -1920x1080-large).
Then the first start of a new database (the first screen after its administrator), the
preferences, the p-chart with better-than-usual points (p̄ frozen at 10 %) and the Plan
page under a converter filter. Settings go to a temporary folder, so the user's own window
layout is neither used nor changed.

With --big DB (the ten-year benchmark database; a copy is used, with a plan for every
quarter), only the Quality trends pages over its whole span by month, at 1366×768.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SIZES = ((1366, 768, False), (1920, 1080, True))  # width, height, large text
LANGUAGES = ("en", "zh")
MOMENT = datetime(1959, 2, 2, 11, 0)


def main(argv: list[str]) -> int:
    big = None
    if "--big" in argv:
        at = argv.index("--big")
        big = Path(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="qcdesk-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_STATE_HOME"] = str(work / "state")

    from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
    from PySide6.QtWidgets import QApplication

    from qcdesk.demo import load_demo
    from qcdesk.store import Store

    app = QApplication(sys.argv[:1])
    app.setApplicationName("qcdesk")

    def wait(signal: SignalInstance | None = None, ms: int = 10000) -> None:
        loop = QEventLoop()
        if signal is not None:
            signal.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    if big is not None:
        for shot in big_trends_shots(big, work, out, wait):
            print(shot)
        return 0
    db = work / "demo.sqlite"
    with Store.open(db, "demo") as store:  # the demo month lies in the past of the real clock
        load_demo(store)
        store.set_plan("1959-02", output_t=5400, ingot_rate=0.96)
        store.set_plan("1959-Q1", output_t=16500, ingot_rate=0.96)
        day = store.heats(MOMENT.date(), MOMENT.date())
        # a heat that fails its grade shows the most: red values, other grades, ingots not counted
        heat_no = next((h.heat_no for h in day if h.chem_status == "fails"), day[0].heat_no)

    from ui.common import apply_text_size
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.session import Session

    written = []
    for lang in LANGUAGES:
        install_language(lang)
        for width, height, large in SIZES:
            apply_text_size(app, large=large)
            size = f"{width}x{height}" + ("-large" if large else "")
            session = Session(db, "王检验" if lang == "zh" else "inspector", clock=lambda: MOMENT)
            window = MainWindow(session)
            window.resize(width, height)
            window.show()
            window.tabs.setCurrentWidget(window.shift_view)  # not the tab the last window closed on
            wait(window.shift_view.loaded)
            wait(ms=300)
            shot = out / f"shift-{lang}-{size}.png"
            window.grab().save(str(shot))
            written.append(shot)
            window.open_heat(heat_no)
            wait(window.heat_view.loaded)
            window.heat_view.table.setFocus()
            window.heat_view.table.selectRow(2)
            wait(ms=300)
            shot = out / f"heat-{lang}-{size}.png"
            window.grab().save(str(shot))
            written.append(shot)
            written += history_shots(window, out, f"{lang}-{size}", wait)
            written += trends_shots(window, out, f"{lang}-{size}", wait)
            written += preferences_shot(window, out, f"{lang}-{size}", wait)
            window.close()
            window.deleteLater()
            session.close()
            wait(ms=100)
        for width, height, large in SIZES:
            apply_text_size(app, large=large)
            size = f"{width}x{height}" + ("-large" if large else "")
            written += first_start_shot(work, out, lang, (width, height), size, wait)
            written += special_trends_shots(db, out, f"{lang}-{size}", (width, height), wait)
    apply_text_size(app, large=False)
    written += signoff_shots(out, db, wait)
    install_language("en")
    for shot in written:
        print(shot)
    return 0


def history_shots(window: Any, out: Path, suffix: str, wait: Callable[..., None]) -> list[Path]:
    """History unfiltered (200 of 936, "Show 200 more"), then with the To date's calendar open."""
    view = window.history_view
    window.tabs.setCurrentWidget(view)
    view.clear_filters()
    while not window.session.idle():
        wait(ms=50)
    wait(ms=300)
    shot = out / f"history-{suffix}.png"
    window.grab().save(str(shot))
    view.to_calendar.open_calendar()
    wait(ms=300)
    calendar = out / f"history-calendar-{suffix}.png"
    window.screen().grabWindow(0).save(str(calendar))  # the popup is a window of its own
    menu = view.to_calendar.menu()
    if menu is not None:
        menu.hide()
    return [shot, calendar]


def preferences_shot(window: Any, out: Path, suffix: str, wait: Callable[..., None]) -> list[Path]:
    from ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(window.session, window)
    dialog.show()
    wait(ms=300)
    shot = out / f"preferences-{suffix}.png"
    dialog.grab().save(str(shot))
    dialog.close()
    dialog.deleteLater()
    return [shot]


def first_start_shot(work: Path, out: Path, lang: str, screen: tuple[int, int], size: str,  # noqa: PLR0917
                     wait: Callable[..., None]) -> list[Path]:
    """A new database: its administrator made, the first screen offers the demo; then the Shift
    tab as the demo leaves it (its last production day, the status bar saying where it is)."""
    from ui.main_window import MainWindow
    from ui.session import Session

    db = work / f"first-{lang}-{size}.sqlite"
    session = Session(db, "ada")
    window = MainWindow(session)
    window.resize(*screen)
    window.show()
    while window.stack.currentWidget() is not window.first_run:
        wait(ms=50)
    admin = window.first_run.admin
    admin.name.setText("Ada Admin")
    admin.pin.setText("admin-pin")
    admin.again.setText("admin-pin")
    admin.create_button.click()
    while session.person is None:
        wait(ms=50)
    wait(ms=300)
    shot = out / f"first-start-{lang}-{size}.png"
    window.grab().save(str(shot))
    window.first_run.load_demo()
    while window.stack.currentWidget() is not window.tabs or not session.idle():
        wait(ms=100)
    wait(ms=500)
    demo = out / f"first-demo-{lang}-{size}.png"
    window.grab().save(str(demo))
    window.close()
    window.deleteLater()
    session.close()
    wait(ms=100)
    return [shot, demo]


def special_trends_shots(demo: Path, out: Path, suffix: str, screen: tuple[int, int],
                         wait: Callable[..., None]) -> list[Path]:
    """On a copy: the p-chart with p̄ frozen at 10 % (every day better than usual: calm rings),
    and the Plan page under a converter filter (it says the filter does not apply)."""
    import shutil

    from qcdesk.model import EVERYTHING, ChartKey, ControlLimits
    from qcdesk.store import Store
    from ui.main_window import MainWindow
    from ui.session import Session

    db = demo.with_name(f"frozen-{suffix}.sqlite")
    shutil.copyfile(demo, db)
    with Store.open(db, "demo") as store:
        store.freeze_limits(ControlLimits(ChartKey.p(EVERYTHING), MOMENT.date(), MOMENT.date(), 0.10, None,
                                          300))
    session = Session(db, "demo", clock=lambda: MOMENT)
    window = MainWindow(session)
    window.resize(*screen)
    window.show()
    view = window.trends_view
    window.tabs.setCurrentWidget(view)
    wait(view.trends_shown)
    view.tabs.setCurrentWidget(view.rate_page)
    wait(ms=400)
    better = out / f"trends-better-{suffix}.png"
    window.grab().save(str(better))
    view.tabs.setCurrentWidget(view.plan_page)
    view.set_choice(view.converter_box, "2")
    wait(view.trends_shown)
    while not session.idle():
        wait(ms=50)
    wait(ms=400)
    plan = out / f"trends-plan-filtered-{suffix}.png"
    window.grab().save(str(plan))
    window.close()
    window.deleteLater()
    session.close()
    wait(ms=100)
    db.unlink()
    return [better, plan]


def trends_shots(window: Any, out: Path, suffix: str, wait: Callable[..., None]) -> list[Path]:
    """The Quality trends tab over the demo's last 30 days: each of its pages, the Pareto with
    the ingots of its first bar listed."""
    view = window.trends_view
    window.tabs.setCurrentWidget(view)
    wait(view.trends_shown)
    wait(ms=300)
    written = []
    for page in range(view.tabs.count()):
        view.tabs.setCurrentIndex(page)
        if view.tabs.currentWidget() is view.defects_page and view.defects_page.bars.rowCount():
            view.defects_page.choose(str(view.defects_page.bars.key_at(0)))
            wait(view.defect_ingots_shown)
        wait(ms=300)
        shot = out / f"trends-{page + 1}-{suffix}.png"
        window.grab().save(str(shot))
        written.append(shot)
    return written


def big_trends_shots(src: Path, work: Path, out: Path, wait: Callable[..., None]) -> list[Path]:
    """The Quality trends pages over the whole span of the ten-year database, by month."""
    import shutil

    from qcdesk import trends
    from qcdesk.store import Store
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.session import Session

    db = work / "big.sqlite"
    shutil.copyfile(src, db)
    with Store.open(db, "bench") as store:
        span = store.date_span()
        assert span is not None
        for year in range(span[0].year, span[1].year + 1):
            for quarter in range(1, 5):
                store.set_plan(f"{year}-Q{quarter}", output_t=165_000, ingot_rate=0.955)
    written = []
    for lang in LANGUAGES:
        install_language(lang)
        session = Session(db, "bench")
        window = MainWindow(session)
        window.resize(1366, 768)
        window.show()
        view = window.trends_view
        window.tabs.setCurrentWidget(view)
        wait(view.trends_shown)
        view.grain_box.setCurrentIndex(view.grain_box.findData(trends.Grain.MONTH.value))
        view.set_period(trends.Span.CUSTOM, span[0], span[1])
        view.reload()
        wait(view.trends_shown, ms=30000)
        for page in range(view.tabs.count()):
            view.tabs.setCurrentIndex(page)
            if view.tabs.currentWidget() is view.defects_page and view.defects_page.bars.rowCount():
                view.defects_page.choose(str(view.defects_page.bars.key_at(0)))
                wait(view.defect_ingots_shown, ms=30000)
            while not session.idle():
                wait(ms=50)
            wait(ms=400)
            shot = out / f"trends-big-{page + 1}-{lang}-1366x768.png"
            window.grab().save(str(shot))
            written.append(shot)
        window.close()
        window.deleteLater()
        session.close()
        wait(ms=100)
    db.unlink()
    return written


def signoff_shots(out: Path, demo: Path, wait: Callable[..., None]) -> list[Path]:
    """The demo with people: the shift view's sign-off (day shift closed, the day not yet
    signed) and the sign-in dialog, in both languages at the smaller size."""
    import shutil

    from qcdesk.people import Cost
    from qcdesk.store import Store
    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.records import SignInDialog
    from ui.session import Session

    cheap = Cost(n=2 ** 4)  # pictures only: the program hashes at OWASP's cost
    db = demo.with_name("signed.sqlite")
    shutil.copyfile(demo, db)
    with Store.open(db, "demo", clock=lambda: MOMENT) as store:
        store.add_person("Ada Admin", "admin", "admin-pin", cost=cheap)
        store.login("Ada Admin", "admin-pin")
        store.add_person("Hu Head", "head", "head-pin", cost=cheap)
        store.add_person("Wang Inspector", "inspector", "wang-pin", cost=cheap)
    with Store.open(db, "demo", clock=lambda: MOMENT) as store:
        store.login("Wang Inspector", "wang-pin")
        store.sign_shift(MOMENT.date(), "day", "wang-pin")
    written = []
    width, height, _large = SIZES[0]
    for lang in LANGUAGES:
        install_language(lang)
        session = Session(db, "demo", clock=lambda: MOMENT)
        dialog = SignInDialog(session)
        dialog.name.setText("Hu Head")
        dialog.pin.setText("wrong-pin")
        dialog.show()
        dialog.sign_in()
        wait(ms=1500)
        shot = out / f"signin-{lang}.png"
        dialog.grab().save(str(shot))
        written.append(shot)
        dialog.pin.setText("head-pin")
        dialog.sign_in()
        wait(dialog.accepted)
        window = MainWindow(session)
        window.resize(width, height)
        window.show()
        wait(window.shift_view.loaded)
        wait(ms=300)
        shot = out / f"signoff-{lang}-{width}x{height}.png"
        window.grab().save(str(shot))
        written.append(shot)
        window.close()
        window.deleteLater()
        dialog.deleteLater()
        session.close()
        wait(ms=100)
    return written


if __name__ == "__main__":
    sys.exit(main(sys.argv))
