"""Render the main window with the demo workshop to PNGs, in English and Chinese, at two screen sizes.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tests/screenshots/render.py [OUTDIR] [--big DB]

OUTDIR defaults to docs/screenshots. The demo month goes into a temporary database;
the window opens on 1959-02-02, 11:00 (the day shift), shows the shift, then a heat
that fails its grade, if the day has one, History with "Show more" and a date's calendar,
and the pages of the Quality trends tab (the copy has a plan for February 1959 and its
quarter), at 1366×768 and at 1920×1080 with large text on (files named -1920x1080-large).
Then the first start of a new database (the first screen after its administrator), the
preferences, the p-chart with better-than-usual points (p̄ frozen at 10 %) and the Plan
page under a converter filter. Then, on copies of the demo with people (PINs through the
store), the shift view's sign-off readiness as the workshop head sees it, and an inspector's
heat driven with the keyboard as at the converter: the new heat's form asking about a tap
time typed ahead, the heat with its analysis saved and a plausibility warning, the defects
dialog beside its ingot, a correction's dialog (accepted → conditioned, earlier reasons
offered), the heat's history, a doubtful tap time under the record, and the preferences with
people. Settings go to a temporary folder, so the user's own window layout is neither used
nor changed; they say the language and the text size pictured, as the program's would.

A dialog placed beside its ingot is placed on the screen's work area: for the 1366×768
pictures the work area is set to 1366×768 (_NET_WORKAREA on the X root window, as a window
manager sets it), so the dialog goes where it would on such a screen, and the picture is
that part of the screen.

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
# the people of the copies with people, by language: (name, role, PIN)
PEOPLE = {"en": (("Ada Admin", "admin", "admin-pin"), ("Hu Head", "head", "head-pin"),
                 ("Wang Inspector", "inspector", "wang-pin")),
          "zh": (("陈管理", "admin", "admin-pin"), ("周主任", "head", "head-pin"),
                 ("王检验", "inspector", "wang-pin"))}
# reasons given before, as an inspector types them: offered by a correction's dialog
REASONS = {"en": ("ground out", "ground out", "tag misread"),
           "zh": ("表面清理后合格", "表面清理后合格", "钢锭号看错")}


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

    from ui.i18n import install_language
    from ui.main_window import MainWindow
    from ui.session import Session

    written = []
    for lang in LANGUAGES:
        install_language(lang)
        for width, height, large in SIZES:
            pictured(app, lang, (width, height), large, wait)
            size = f"{width}x{height}" + ("-large" if large else "")
            session = Session(db, "王检验" if lang == "zh" else "inspector", clock=lambda: MOMENT)
            window = MainWindow(session)
            window.resize(width, height)
            window.move(0, 0)  # not where the last window closed: the screen's pictures show all of it
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
            pictured(app, lang, (width, height), large, wait)
            size = f"{width}x{height}" + ("-large" if large else "")
            written += first_start_shot(work, out, lang, (width, height), size, wait)
            written += special_trends_shots(db, out, f"{lang}-{size}", (width, height), wait)
            written += signoff_shots(out, db, lang, (width, height), size, wait)
            written += desk_shots(out, db, lang, (width, height), size, wait)
    pictured(app, "en", (1920, 1080), False, wait)
    install_language("en")
    for shot in written:
        print(shot)
    return 0


def pictured(app: Any, lang: str, screen: tuple[int, int], large: bool, wait: Callable[..., None]) -> None:
    """The program as a workstation with this screen, language and text size runs it: the font set
    as at start, the settings saying so (the preferences show them), the screen's work area."""
    from ui import settings as keys
    from ui.common import apply_text_size

    apply_text_size(app, large=large)
    stored = keys.settings()
    stored.setValue(keys.LANGUAGE, lang)
    stored.setValue(keys.LARGE_TEXT, large)
    stored.sync()
    set_work_area(*screen)
    while app.primaryScreen().availableGeometry().size().toTuple() != screen:
        wait(ms=50)


def set_work_area(width: int, height: int) -> None:
    """What a window manager says of the screen (_NET_WORKAREA on the root window): Qt's available
    geometry, where dialogs are placed, follows it."""
    import ctypes

    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                    ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    if not display:
        raise SystemExit("render.py needs an X display: run it under xvfb-run (see its docstring)")
    xa_cardinal = 6
    area = (ctypes.c_long * 4)(0, 0, width, height)
    x11.XChangeProperty(display, x11.XDefaultRootWindow(display),
                        x11.XInternAtom(display, b"_NET_WORKAREA", 0), xa_cardinal, 32, 0, area, 4)
    x11.XCloseDisplay(display)


def screen_shot(window: Any, shot: Path) -> Path:
    """The screen's work area as it shows now: the window and what it opened on top of it."""
    screen = window.screen()
    area = screen.availableGeometry()
    screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(str(shot))
    return shot


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
    screen_shot(window, calendar)  # the popup is a window of its own
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


def with_people(demo: Path, db: Path, lang: str) -> tuple[tuple[str, str, str], ...]:
    """A copy of the demo with an administrator, a workshop head and an inspector (named for the
    language), as File ▸ People… adds them; their PINs hashed cheaply (pictures only)."""
    import shutil

    from qcdesk.people import Cost
    from qcdesk.store import Store

    cheap = Cost(n=2 ** 4)  # pictures only: the program hashes at OWASP's cost
    people = PEOPLE[lang]
    shutil.copyfile(demo, db)
    with Store.open(db, "demo", clock=lambda: MOMENT) as store:
        (admin, _role, admin_pin), *others = people
        store.add_person(admin, "admin", admin_pin, cost=cheap)
        store.login(admin, admin_pin)
        for name, role, pin in others:
            store.add_person(name, role, pin, cost=cheap)
    return people


def signoff_shots(out: Path, demo: Path, lang: str, screen: tuple[int, int], size: str,  # noqa: PLR0917
                  wait: Callable[..., None]) -> list[Path]:
    """The demo with people: the sign-in dialog (a wrong PIN said), then the shift view as the
    workshop head sees it, the day shift closed by its inspector: every shift's state and what the
    day still needs before it is signed."""
    from qcdesk.store import Store
    from ui.main_window import MainWindow
    from ui.records import SignInDialog
    from ui.session import Session

    db = demo.with_name(f"signed-{lang}-{size}.sqlite")
    (_admin, _head, (inspector, _role, inspector_pin)) = people = with_people(demo, db, lang)
    head, _role, head_pin = people[1]
    with Store.open(db, "demo", clock=lambda: MOMENT) as store:
        store.login(inspector, inspector_pin)
        store.sign_shift(MOMENT.date(), "day", inspector_pin)
    written = []
    session = Session(db, "demo", clock=lambda: MOMENT)
    dialog = SignInDialog(session)
    dialog.name.setText(head)
    dialog.pin.setText("wrong-pin")
    dialog.show()
    dialog.sign_in()
    wait(ms=1500)
    if not size.endswith("-large"):  # the same dialog at either size: one picture
        shot = out / f"signin-{lang}.png"
        dialog.grab().save(str(shot))
        written.append(shot)
    dialog.pin.setText(head_pin)
    dialog.sign_in()
    wait(dialog.accepted)
    window = MainWindow(session)
    window.resize(*screen)
    window.show()
    window.tabs.setCurrentWidget(window.shift_view)  # not the tab the last window closed on
    wait(window.shift_view.loaded)
    wait(ms=300)
    shot = out / f"signoff-{lang}-{size}.png"
    window.grab().save(str(shot))
    written.append(shot)
    window.close()
    window.deleteLater()
    dialog.deleteLater()
    session.close()
    wait(ms=100)
    db.unlink()
    return written


class Keys:
    """Key presses sent where the focus is, as the inspector's keyboard would (the window or the
    dialog in front made active first, as a click on it would)."""

    def __init__(self, window: Any, wait: Callable[..., None]) -> None:
        self.window = window
        self.wait = wait

    def target(self) -> Any:
        from PySide6.QtWidgets import QApplication

        popup = QApplication.activePopupWidget()
        if popup is not None and popup.isVisible():
            return popup
        front = QApplication.activeModalWidget() or self.window
        for _try in range(40):
            if front.isActiveWindow():
                break
            front.activateWindow()
            self.wait(ms=50)
        return QApplication.focusWidget() or front

    def press(self, key: Any, modifier: Any = None, times: int = 1) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        for _time in range(times):  # a letter as its key: A judges, D opens the defects
            code = Qt.Key(ord(key.upper())) if isinstance(key, str) else key
            QTest.keyClick(self.target(), code, modifier or Qt.KeyboardModifier.NoModifier)
            self.wait(ms=30)

    def ctrl(self, key: Any) -> None:
        from PySide6.QtCore import Qt

        self.press(key, Qt.KeyboardModifier.ControlModifier)

    def alt(self, key: Any) -> None:
        from PySide6.QtCore import Qt

        self.press(key, Qt.KeyboardModifier.AltModifier)

    def type(self, text: str) -> None:
        """Letters and digits as keys; Chinese as an input method hands it over (its commit)."""
        from PySide6.QtGui import QInputMethodEvent
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        if text.isascii():
            QTest.keyClicks(self.target(), text)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(text)
            QApplication.sendEvent(self.target(), event)
        self.wait(ms=30)


def until(done: Callable[[], object], wait: Callable[..., None], what: str, ms: int = 15000) -> None:
    """Wait for `done`; a picture of the wrong thing is worse than none: stop, saying what."""
    for _step in range(ms // 50):
        if done():
            return
        wait(ms=50)
    raise SystemExit(f"render.py: waited in vain for {what}")


def desk_shots(out: Path, demo: Path, lang: str, screen: tuple[int, int], size: str,  # noqa: PLR0917
               wait: Callable[..., None]) -> list[Path]:
    """An inspector's heat on a copy of the demo with people, with the keyboard, at 11:00 on
    1959-02-02: the new heat's form asks about a tap time typed ahead (it is typed again); the heat
    opens in its analysis, five elements typed and saved; eight ingots of 5,250 kg added on a
    31.5 t heat and judged (the plausibility warning); a defect with its place (the dialog beside
    the ingot's row); a correction accepted → conditioned (the reasons given before offered); the
    heat's history (Ctrl+H); a tap time in another day typed into the record (questioned under
    it); the preferences with people."""
    from PySide6.QtCore import Qt

    from qcdesk.model import Disposition
    from qcdesk.store import Store
    from ui.main_window import MainWindow
    from ui.preferences import PreferencesDialog
    from ui.session import Session

    db = demo.with_name(f"desk-{lang}-{size}.sqlite")
    (_admin, _head, (inspector, _role, pin)) = with_people(demo, db, lang)
    yesterday = [datetime(1959, 2, 1, 9, 30)]
    with Store.open(db, "demo", clock=lambda: yesterday[0]) as store:  # the reasons given before
        store.login(inspector, pin)
        heat = store.heats(yesterday[0].date(), yesterday[0].date())[0]
        accepted = [i for i in store.ingots(heat.heat_no) if i.disposition is Disposition.ACCEPTED]
        for ingot, reason in zip(accepted, REASONS[lang], strict=False):
            yesterday[0] = yesterday[0].replace(minute=yesterday[0].minute + 5)
            store.update_ingot(heat.heat_no, ingot.ingot_no, disposition=Disposition.CONDITIONED,
                               reason=reason)
    session = Session(db, "demo", clock=lambda: MOMENT)
    session.sign_in(inspector, pin)
    until(lambda: session.person is not None, wait, "the inspector signed in")
    window = MainWindow(session)
    window.resize(*screen)
    window.move(0, 0)
    window.show()
    window.tabs.setCurrentWidget(window.shift_view)
    wait(window.shift_view.loaded)
    keys = Keys(window, wait)
    written = []
    view = window.heat_view

    # the new heat: a tap time typed ahead of the clock is asked about once, under the form
    window.shift_view.table.setFocus()
    keys.ctrl(Qt.Key.Key_N)
    until(lambda: window.new_heat_dialog is not None and window.new_heat_dialog.heat_no.text(), wait,
          "the new heat's form")
    form = window.new_heat_dialog
    assert form is not None
    keys.type("Q235B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("31.5")
    keys.alt(Qt.Key.Key_T)
    keys.type("12:40")
    keys.press(Qt.Key.Key_Return)
    until(form.question.text, wait, "the tap time's question")
    wait(ms=200)
    shot = out / f"new-heat-question-{lang}-{size}.png"
    form.grab().save(str(shot))
    written.append(shot)
    keys.type("10:40")  # it was a slip: typed again
    keys.press(Qt.Key.Key_Return)
    until(lambda: window.new_heat_dialog is None and view.data is not None, wait, "the new heat")

    # the analysis, typed where the cursor is; then eight ingots, judged
    until(lambda: keys.target() is view.analysis.edits["C"], wait, "the cursor in C")
    for value in ("0.16", "0.21", "0.48", "0.022"):
        keys.type(value)
        keys.press(Qt.Key.Key_Tab)
    keys.type("0.025")
    keys.press(Qt.Key.Key_Return)
    until(view.analysis.saved_note.text, wait, "the analysis saved")
    keys.ctrl(Qt.Key.Key_I)
    keys.type("8")
    keys.press(Qt.Key.Key_Tab)
    keys.type("5250")
    keys.press(Qt.Key.Key_Return)
    until(lambda: view.model.rowCount() == 8 and view.table.hasFocus(), wait, "eight ingots")
    keys.press("a", times=8)
    until(lambda: session.idle() and view.model.ingot(7).disposition.judged and view.doubts.text(), wait,
          "the plausibility warning")
    wait(ms=300)
    shot = out / f"heat-doubt-{lang}-{size}.png"
    window.grab().save(str(shot))
    written.append(shot)

    # a defect with its place: the dialog beside the ingot's row
    view.table.setCurrentIndex(view.model.index(2, 0))
    keys.press("d")
    until(lambda: view.defect_dialog is not None and view.defect_dialog.isVisible(), wait, "the defects")
    defects = view.defect_dialog
    assert defects is not None
    keys.type("tcrk")
    keys.alt(Qt.Key.Key_T)
    keys.press(Qt.Key.Key_Return)
    keys.alt(Qt.Key.Key_B)
    keys.type("结疤" if lang == "zh" else "scab")  # by its code or by its name
    wait(ms=300)
    written.append(screen_shot(window, out / f"defects-{lang}-{size}.png"))
    keys.press(Qt.Key.Key_Return)
    until(lambda: len(defects.defects) == 2, wait, "the second defect")
    keys.press(Qt.Key.Key_Return)  # Enter on the empty line keeps the list
    until(lambda: view.defect_dialog is None and session.idle(), wait, "the defects saved")

    # a correction: accepted → conditioned, the reasons given before offered
    view.table.setCurrentIndex(view.model.index(1, 0))
    keys.press("c")
    until(lambda: view.corrector.dialog is not None and view.corrector.dialog.isVisible(), wait,
          "the correction's dialog")
    keys.press(Qt.Key.Key_Down)
    wait(ms=300)
    written.append(screen_shot(window, out / f"correction-{lang}-{size}.png"))
    keys.press(Qt.Key.Key_Return)
    until(lambda: session.idle() and view.model.ingot(1).disposition is Disposition.CONDITIONED, wait,
          "the correction saved")

    # the heat's history
    keys.ctrl(Qt.Key.Key_H)
    until(lambda: view.audit_dialog is not None and view.audit_dialog.model.rowCount() > 0, wait,
          "the heat's history")
    wait(ms=300)
    written.append(screen_shot(window, out / f"heat-history-{lang}-{size}.png"))
    keys.press(Qt.Key.Key_Escape)
    until(lambda: view.audit_dialog is None, wait, "the history closed")

    # a tap time in another production date typed into the record: asked about under it
    keys.target()  # the window active again, as on a screen once the dialog closed
    view.tapped_at.setFocus(Qt.FocusReason.TabFocusReason)  # tabbed into: its text selected
    keys.type("02-03 10:40")
    keys.press(Qt.Key.Key_Return)
    until(view.tap_question.text, wait, "the record's tap time question")
    wait(ms=300)
    shot = out / f"heat-tap-question-{lang}-{size}.png"
    window.grab().save(str(shot))
    written.append(shot)
    keys.press(Qt.Key.Key_Escape)  # taken back: nothing left to ask about at close
    until(lambda: not view.unsaved(), wait, "the tap time taken back")

    # the preferences of a database with people
    prefs = PreferencesDialog(session, window)
    prefs.show()
    wait(ms=300)
    shot = out / f"preferences-people-{lang}-{size}.png"
    prefs.grab().save(str(shot))
    written.append(shot)
    prefs.close()
    prefs.deleteLater()

    window.close()
    window.deleteLater()
    until(session.idle, wait, "the last write")
    session.close()
    wait(ms=100)
    db.unlink()
    return written


if __name__ == "__main__":
    sys.exit(main(sys.argv))
