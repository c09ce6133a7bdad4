"""The main window: the views of the program as tabs, the menus, the status bar.

It paints as soon as it can: the Shift tab (or the tab left in front) is made at the start,
every other view (and its modules: Qt Charts, Qt PDF, reportlab) when its tab is first shown or
the program asks for it, so a start neither makes nor fills views no one looks at. The day's
automatic backup begins once the window has painted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QWindow
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qcdesk import health
from qcdesk.alerts import Alert, Dismissal, alert_text
from qcdesk.errors import QcError
from qcdesk.people import Permission
from ui import settings as keys
from ui.alert_banner import AlertBanner
from ui.common import keep_columns_together
from ui.live import ChangeWatcher
from ui.live import words as live_words
from ui.read_only import ReadOnly
from ui.records import PeopleDialog, SignInDialog, person_text
from ui.session import Session
from ui.shift_view import ShiftView

if TYPE_CHECKING:  # imported when first made (see the module's docstring)
    from qcdesk.demo import DemoSummary
    from qcdesk.store import Store
    from qcdesk.store.changes import Changes
    from ui.first_run import FirstRunPage
    from ui.heat_entry import NewHeatDialog
    from ui.heat_view import HeatView
    from ui.history_view import HistoryView
    from ui.plant_view import PlantView
    from ui.reports_view import ReportsView
    from ui.setup_view import SetupView
    from ui.trends_view import DaysRequest, TrendsView

DAMAGE_STYLE = "background: #b00020; color: white; font-weight: bold; padding: 8px;"
BACKUP_WAIT_S = 3.0  # the automatic backup waits for the window's first paint at most this long


class _FirstExpose(QObject):
    """Calls `then` on the turn of the event loop after a window's first Expose event: Qt paints
    the widgets of a window while it handles that event."""

    def __init__(self, window: QWindow, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    # QObject.eventFilter: the watched window's first Expose
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
            self.deleteLater()
        return False


class MainWindow(QMainWindow):
    """Tabs: Shift, Heat, History, Set-up, Reports, Quality trends; a first screen on a database
    without heats."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.owns_session = False  # a desk reopened on another workshop closes its own session
        if session.writable:
            self.setWindowTitle(self.tr("qcdesk — {path}").format(path=session.title))
        else:  # the plant's quality office (plantdesk): what writes stays disabled (ui.read_only)
            self.setWindowTitle(self.tr("qcdesk — {path} — read only").format(path=session.title))
        self.read_only = None if session.writable else ReadOnly(self.tr(
            "Read only: this desk's role reads the workshop's records and changes none (the plant's "
            "quality office signs nothing)."), self)
        self.new_heat_dialog: NewHeatDialog | None = None
        self._closing = False  # the heat's unsaved edits were saved or discarded
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.stack = QStackedWidget(self)
        self._first_run: FirstRunPage | None = None  # made when the database turns out empty
        self._demo: DemoSummary | None = None  # loaded from the first screen: shown where it lies
        self.stack.addWidget(self.tabs)
        # tabs whose view is made later: placeholder and maker by name, then the view made
        self._later: dict[str, tuple[QWidget, Callable[[], QWidget]]] = {}
        self._made: dict[str, QWidget] = {}
        # a red banner above everything while the database's last integrity check failed
        self.damage_banner = QLabel(self)
        self.damage_banner.setObjectName("damage_banner")
        self.damage_banner.setWordWrap(True)
        self.damage_banner.setStyleSheet(DAMAGE_STYLE)
        self.damage_banner.hide()
        self.damage_box: QMessageBox | None = None
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.damage_banner)
        self._build_alerts(column)  # the off-grade banner (issue 14, alerts)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.shift_view = ShiftView(session, self)
        keep_columns_together(self.shift_view.table)  # the converter's desk, on any screen
        self._build_menus()
        self.shift_view.heat_activated.connect(self.open_heat)
        self.shift_view.new_heat_requested.connect(self.new_heat)
        self.add_tab(self.shift_view, self.tr("&Shift"))
        self._add_later("heat_view", self.tr("Hea&t"), self._make_heat)
        self._add_later("history_view", self.tr("Histor&y"), self._make_history)
        self._add_later("setup_view", self.tr("Set-&up"), self._make_setup)
        self._add_later("reports_view", self.tr("Re&ports"), self._make_reports)
        self._add_later("trends_view", self.tr("&Quality trends"), self._make_trends)
        self.tabs.currentChanged.connect(self._tab_shown)

        self.who = QLabel(self)
        self.who.setObjectName("who")
        self.statusBar().addPermanentWidget(self.who)
        if self.read_only is not None:
            self.read_only_label = QLabel(self.tr("Read only"), self)
            self.read_only_label.setObjectName("read_only")
            self.read_only_label.setToolTip(self.read_only.reason)
            self.read_only_label.setStyleSheet("font-weight: bold; padding: 0 6px;")
            self.statusBar().addPermanentWidget(self.read_only_label)
            self.read_only.cover(self.shift_view)
            for action in self.write_actions:
                action.setEnabled(False)
                action.setToolTip(self.read_only.reason)
        self.busy = QLabel(self)
        self.statusBar().addPermanentWidget(self.busy)
        # bound methods, not lambdas: Qt drops the connection when the window is deleted, so work
        # that ends after the window closed (a trends query under way) says nothing to a dead label
        session.busy_changed.connect(self._show_busy)
        session.failed.connect(self._show_failure)
        session.person_changed.connect(self._person_changed)
        self._person_changed()
        # issue 14 (live): what the other desks save, shown here as it happens
        self.watcher = ChangeWatcher(session, self)
        self.watcher.arrived.connect(self.changes_arrived)
        self.watcher.start()
        self._restore()
        self.show_health()
        # people? any heat at all? (an indexed min/max, not a count over years of heats)
        session.submit(lambda store: (store.roles_enforced(), store.date_span() is not None),
                       done=self._counted, receiver=self)
        if session.server is not None:  # several workshops the role reads: the Plant tab (plantdesk)
            session.submit(lambda store: store.server_workshops(), done=self._workshops_known, receiver=self)
        self.refresh_alerts()

    def _show_busy(self, on: bool) -> None:
        self.busy.setText(self.tr("working…") if on else "")

    def _show_failure(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    # ---------------------------------------------------------------- tabs and menus

    def add_tab(self, widget: QWidget, title: str) -> int:
        """A view as a tab, with Ctrl+<its number> in the View menu."""
        index = self.tabs.addTab(widget, title)
        self._view_menu_item(index, title, lambda: self.tabs.setCurrentWidget(widget))
        return index

    def _add_later(self, name: str, title: str, make: Callable[[], QWidget]) -> None:
        """A tab whose view `make` makes when the tab is first shown, or when the view is asked
        for by `name` (`_view`); till then an empty page holds its place."""
        placeholder = QWidget(self.tabs)
        self._later[name] = (placeholder, make)
        index = self.tabs.addTab(placeholder, title)
        self._view_menu_item(index, title, lambda: self.tabs.setCurrentWidget(self._view(name)))

    def _view_menu_item(self, index: int, title: str, show: Callable[[], None]) -> None:
        action = QAction(title, self)
        if index < 9:
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
        action.triggered.connect(show)
        self.view_menu.addAction(action)

    def _view(self, name: str) -> QWidget:
        """The view of a tab added by `_add_later`, made now in its tab's place if not yet."""
        made = self._made.get(name)
        if made is not None:
            return made
        placeholder, make = self._later.pop(name)
        view = self._made[name] = make()
        index, current = self.tabs.indexOf(placeholder), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)  # the same tab stays in front: nothing to announce
        try:
            title = self.tabs.tabText(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, view, title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        self._restore_layout(view)
        if self.read_only is not None:
            self.read_only.cover(view)
        return view

    def _name_of(self, page: QWidget | None) -> str | None:
        """The name of the tab made later whose page (its placeholder or its view) is `page`."""
        for name, (placeholder, _make) in self._later.items():
            if placeholder is page:
                return name
        return next((name for name, view in self._made.items() if view is page), None)

    def _tab_shown(self, index: int) -> None:
        name = self._name_of(self.tabs.widget(index))
        if name in self._later:
            self._view(name)
        page = self.tabs.widget(index)
        if self.read_only is not None and page is not None:  # what a view made since it was shown
            self.read_only.cover(page)

    def _heat_does(self, method: str) -> Callable[[], None]:
        """A menu's slot: the heat view's `method` (the view made first, if not yet)."""
        def call() -> None:
            getattr(self.heat_view, method)()
        return call

    def _make_heat(self) -> QWidget:
        from ui.heat_view import HeatView  # noqa: PLC0415 - see the module's docstring

        view = HeatView(self.session, self)
        keep_columns_together(view.table)  # the converter's desk, on any screen
        return view

    def _make_history(self) -> QWidget:
        from ui.history_view import HistoryView  # noqa: PLC0415 - see the module's docstring

        view = HistoryView(self.session, self)
        view.heat_activated.connect(self.open_heat)
        return view

    def _make_setup(self) -> QWidget:
        from ui.setup_view import SetupView  # noqa: PLC0415 - see the module's docstring

        return SetupView(self.session, self)

    def _make_reports(self) -> QWidget:
        from ui.reports_view import ReportsView  # noqa: PLC0415 - see the module's docstring

        return ReportsView(self.session, self)

    def _make_trends(self) -> QWidget:
        from ui.trends_view import TrendsView  # noqa: PLC0415 - see the module's docstring

        view = TrendsView(self.session, self)
        view.days_requested.connect(self._show_days)
        view.heat_activated.connect(self.open_heat)
        view.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        return view

    def _make_plant(self) -> QWidget:
        from ui.plant_view import PlantView  # noqa: PLC0415 - see the module's docstring

        return PlantView(self.session, self)

    def _workshops_known(self, workshops: list[tuple[str, bool]]) -> None:
        """The Plant tab, last, on a server of several workshops of which the role reads two or more."""
        if sum(readable for _code, readable in workshops) >= 2 and "plant_view" not in self._later:
            # no Alt+letter: every letter of its name is taken by a tab bar or a menu; Ctrl+7 reaches it
            self._add_later("plant_view", self.tr("Plant"), self._make_plant)

    @property
    def plant_view(self) -> PlantView:
        return cast("PlantView", self._view("plant_view"))

    @property
    def heat_view(self) -> HeatView:
        return cast("HeatView", self._view("heat_view"))

    @property
    def history_view(self) -> HistoryView:
        return cast("HistoryView", self._view("history_view"))

    @property
    def setup_view(self) -> SetupView:
        return cast("SetupView", self._view("setup_view"))

    @property
    def reports_view(self) -> ReportsView:
        return cast("ReportsView", self._view("reports_view"))

    @property
    def trends_view(self) -> TrendsView:
        return cast("TrendsView", self._view("trends_view"))

    @property
    def first_run(self) -> FirstRunPage:
        """The first screen of a database without heats, made when first needed."""
        if self._first_run is None:
            from ui.first_run import FirstRunPage  # noqa: PLC0415 - see the module's docstring

            page = self._first_run = FirstRunPage(self.session, self)
            page.finished.connect(self._show_work)
            page.demo_loaded.connect(self._demo_loaded)
            page.admin_created.connect(lambda _p: self._person_changed())
            self.stack.addWidget(page)
        return self._first_run

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        # An open menu answers Alt+letter with its own item (QMenu matches mnemonics with Alt
        # held), so a menu's letters stay off the menu bar's and the tabs' (F E R V; S T Y U P Q):
        # Alt+P with the File menu open goes to Reports, not to the preferences. "Void heat…"
        # has none left, and is reached on purpose (Ctrl+Shift+Del).
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.setToolTipsVisible(True)  # why an item is disabled, on a read-only desk
        self.write_actions = [  # what writes: disabled on a desk whose role writes nothing
            self._action(file_menu, self.tr("Import &heats…"), lambda: self._import("heats")),
            self._action(file_menu, self.tr("Import in&gots…"), lambda: self._import("ingots")),
            self._action(file_menu, self.tr("Import &analyses…"), lambda: self._import("analyses"))]
        file_menu.addSeparator()
        self.sign_in_action = self._action(file_menu, self.tr("Sign i&n…"), self.sign_in, "Ctrl+L")
        self.sign_out_action = self._action(file_menu, self.tr("Sign &out"), self.sign_out)
        self.people_action = self._action(file_menu, self.tr("Peop&le…"), self.people)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("Preferen&ces…"), self._preferences,
                     "Ctrl+,")
        # a server of several workshops: another of them, the desk reopened on it (plantdesk)
        self.workshop_action = self._action(file_menu, self.tr("&Workshop…"), self.choose_workshop)
        self.workshop_action.setVisible(self.session.server is not None)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("Qu&it"), self.close, QKeySequence.StandardKey.Quit)

        heat_menu = bar.addMenu(self.tr("H&eat"))
        heat_menu.setToolTipsVisible(True)
        self.write_actions.append(self._action(heat_menu, self.tr("&New heat…"), self.new_heat, "Ctrl+N"))
        self._action(heat_menu, self.tr("&Open heat…"), self._ask_heat, "Ctrl+O")
        self.write_actions += [
            self._action(heat_menu, self.tr("S&ave"), self._heat_does("save"), "Ctrl+S"),
            self._action(heat_menu, self.tr("Add &ingots"), self._add_ingots, "Ctrl+I"),
            self._action(heat_menu, self.tr("&Defects of the ingot…"), self._heat_does("edit_defects"),
                         "Ctrl+D")]
        self._action(heat_menu, self.tr("&History of this heat"), self._heat_does("show_history"), "Ctrl+H")
        self.write_actions.append(self._action(
            heat_menu, self.tr("Undo &my last change (within the minute)"), self._heat_does("undo"),
            QKeySequence.StandardKey.Undo))
        heat_menu.addSeparator()
        self.write_actions += [
            self._action(heat_menu, self.tr("Void heat…"), self._void_heat, "Ctrl+Shift+Del"),
            self._action(heat_menu, self.tr("Void in&got…"), self._void_ingot, "Ctrl+Del")]
        heat_menu.addSeparator()
        self._action(heat_menu, self.tr("&Current shift"), self._current_shift, "Ctrl+T")

        reports_menu = bar.addMenu(self.tr("&Reports"))
        self._action(reports_menu, self.tr("&Inspection sheet of this heat"), self._heat_sheet, "Ctrl+P")
        self._action(reports_menu, self.tr("&Daily quality report of this day"), self._daily_report,
                     "Ctrl+Shift+P")
        reports_menu.addSeparator()
        self._action(reports_menu, self.tr("S&ave PDF…"), lambda: self._report_file(self.reports_view.save),
                     "Ctrl+Shift+S")
        self._action(reports_menu, self.tr("Pri&nt…"), lambda: self._report_file(self.reports_view.print_),
                     "Ctrl+Alt+P")
        reports_menu.addSeparator()
        self._action(reports_menu, self.tr("Period qua&lity report (PDF)…"), self._period_report)

        self.view_menu = bar.addMenu(self.tr("&View"))

    # ---------------------------------------------------------------- what the menus do

    def open_heat(self, heat_no: str) -> None:
        """Show the Heat tab with this heat (read on the worker)."""
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.heat_view)
        self.heat_view.load(heat_no)

    def _show_days(self, request: DaysRequest) -> None:
        """A chart's drill-down: the heats of those days in History."""
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.history_view)
        self.history_view.show_days(request.first, request.last, converter=request.converter,
                                    shift=request.shift, grade=request.grade)

    def _period_report(self) -> None:
        """The period quality report of the period the Quality trends tab shows."""
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.trends_view)
        self.trends_view.period_report()

    def _heat_sheet(self) -> None:
        """The inspection sheet of the heat in the Heat tab, previewed in the Reports tab."""
        if "heat_view" not in self._made or self.heat_view.heat_no is None:
            self.statusBar().showMessage(self.tr("Open a heat first."), 5000)
            return
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.reports_view)
        self.reports_view.show_heat(self.heat_view.heat_no)

    def _daily_report(self) -> None:
        """The daily report of the production date shown in the Shift tab."""
        shown = self.shift_view.current()
        if shown is None:
            return
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.reports_view)
        self.reports_view.show_day(shown[0])

    def _report_file(self, then: Callable[[], None]) -> None:
        """Save or print the report shown in the Reports tab."""
        if "reports_view" not in self._made or not self.reports_view.pdf:
            self.statusBar().showMessage(self.tr("Show a report first."), 5000)
            return
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.reports_view)
        then()

    def new_heat(self) -> None:
        from ui.heat_entry import NewHeatDialog  # noqa: PLC0415 - see the module's docstring

        dialog = NewHeatDialog(self.session, self, shown=self.shift_view.current())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._new_heat_saved)
        dialog.finished.connect(lambda _r: setattr(self, "new_heat_dialog", None))
        self.new_heat_dialog = dialog
        dialog.open()

    def _new_heat_saved(self, heat_no: str) -> None:
        """The heat just logged, with the cursor in its analysis."""
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.heat_view)
        self.heat_view.open_new(heat_no)

    def _ask_heat(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Open heat"))
        dialog.setLabelText(self.tr("Heat number:"))
        dialog.setOkButtonText(self.tr("&Open"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda text: self.open_heat(text.strip()) if text.strip() else None)
        dialog.open()

    def _current_shift(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.shift_view)
        self.shift_view.go_now()

    def _import(self, kind: str) -> None:
        from ui.import_dialog import ImportDialog  # noqa: PLC0415 - see the module's docstring

        ImportDialog(self.session, kind, self).exec()

    def _preferences(self) -> None:
        from ui.preferences import PreferencesDialog  # noqa: PLC0415 - see the module's docstring

        PreferencesDialog(self.session, self).exec()

    def _counted(self, found: tuple[bool, bool]) -> None:
        has_people, any_heat = found
        if not any_heat and self.session.writable:  # a read-only desk sets nothing up: its tabs, empty
            self.stack.setCurrentWidget(self.first_run)
            if has_people:
                self.first_run.demo_button.setFocus()
            else:  # a new database: its first administrator before anything else
                self.first_run.ask_admin()

    # ---------------------------------------------------------------- issue 14 (live): other desks' saves

    def changes_arrived(self, changes: Changes) -> None:
        """What the other desks saved (`ui.live`; this desk's own saves left out), within a
        second or two: every view showing it reads it again as after a save of this desk; the
        heat open here too, unless something typed in it is not saved. The one place the window
        learns of others' saves: whatever else they announce hooks in here."""
        for what in live_words(changes):
            self.session.changed.emit(what)
        if "heat_view" in self._made:
            self.heat_view.changed_elsewhere(changes)

    # ---------------------------------------------------------------- another workshop (plantdesk)

    def choose_workshop(self) -> None:
        """File ▸ Workshop…: the workshops of this server the role may read, to reopen the desk on one."""
        def readable(store: Store) -> list[str]:
            return [code for code, may in store.server_workshops() if may]

        self.session.submit(readable, done=self._ask_workshop, receiver=self)

    def _ask_workshop(self, codes: list[str]) -> None:
        server = self.session.server
        if server is None or not codes:
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("workshop_dialog")
        dialog.setWindowTitle(self.tr("Workshop"))
        dialog.setLabelText(self.tr("Work in the workshop (the desk opens again on it):"))
        dialog.setComboBoxItems(codes)
        if server.workshop in codes:
            dialog.setTextValue(server.workshop)
        dialog.setOkButtonText(self.tr("&Open"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.reopen_in)
        dialog.open()

    def reopen_in(self, code: str) -> MainWindow | None:
        """This desk opened again on another workshop of its server, as its database from now on
        (as Preferences keeps a database chosen); this window closes. The new window, or None if
        the workshop is this one or cannot be opened (said in the status bar)."""
        server = self.session.server
        if server is None or code == server.workshop:
            return None
        if self.session.writable and "heat_view" in self._made and self.heat_view.unsaved():
            def again() -> None:  # once what was typed is saved or dropped
                self.reopen_in(code)

            self.heat_view.leave(again)
            return None
        chosen = server.in_workshop(code)
        try:
            session = Session(chosen, self.session.user)
        except QcError as exc:
            self.statusBar().showMessage(str(exc), 15000)
            return None
        stored = keys.settings()
        stored.setValue(keys.DATABASE, chosen.location)
        stored.sync()
        window = MainWindow(session)
        window.owns_session = True  # closed with its window (the first session is the program's)
        window.show()
        old = self.session
        self._close_now()
        QTimer.singleShot(0, old.close)  # once this window has closed; closing it again is harmless
        return window

    # ---------------------------------------------------------------- people, voiding, backups

    def _person_changed(self) -> None:
        person = self.session.person
        if person is not None:
            self.who.setText(self.tr("Signed in: {who}").format(who=person_text(person)))
        elif self.session.has_people and self.session.writable:  # a read-only desk signs no one in
            self.who.setText(self.tr("Not signed in (File ▸ Sign in…)"))
        else:
            self.who.setText("")
        self.sign_in_action.setEnabled(self.session.has_people and self.session.writable)
        self.sign_out_action.setEnabled(person is not None)
        self.people_action.setEnabled(person is not None and person.may(Permission.PEOPLE)
                                      and self.session.writable)

    def sign_in(self) -> SignInDialog:
        """Sign in (or in as someone else); from then on every write is theirs."""
        dialog = SignInDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def sign_out(self) -> None:
        self.session.sign_out()
        self.statusBar().showMessage(self.tr("Signed out: sign in again to record or sign."), 8000)

    def people(self) -> PeopleDialog:
        dialog = PeopleDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _add_ingots(self) -> None:
        """Ctrl+I: the cursor in the heat view's "how many"; Enter adds."""
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.heat_view)
        self.heat_view.start_adding()

    def _void_heat(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.heat_view)
        self.heat_view.void_heat()

    def _void_ingot(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.heat_view)
        self.heat_view.void_ingot()

    def start_backup(self, folder: Path | None = None) -> None:
        """The day's automatic backup, on the long lane: said in the status bar, never in the way.

        It is handed to the lane at once (a window closed at once still waits for it), and
        begins once the window has painted, at most BACKUP_WAIT_S later: its copy of the
        database would take the disk and a processor from the start.

        A database on a server is backed up where the plant keeps its backups (`qcdesk backup
        --auto`, run once a day on the server or one chosen machine), not by every desk that
        opens it: the status bar says so."""
        if self.session.server is not None:
            self.statusBar().showMessage(self.tr(
                "The database is on a server ({db}): it is backed up there (qcdesk backup --auto), "
                "not by each desk").format(db=self.session.title), 15000)
            return
        path = self.session.path
        painted = threading.Event()
        self._when_painted(painted.set)

        def back_up(_store: Store) -> tuple[Path | None, Path]:
            painted.wait(BACKUP_WAIT_S)
            from qcdesk.backup import automatic_backup, default_backup_folder  # noqa: PLC0415 - off the start

            target = folder or default_backup_folder(path)
            return automatic_backup(path, target, datetime.now()), target

        def backed_up(done: tuple[Path | None, Path]) -> None:
            made, target = done
            self.show_health()  # a check that passes takes the banner away
            self.statusBar().showMessage(
                self.tr("Backed up to {path}").format(path=made) if made is not None
                else self.tr("Today's backup is already in {folder}").format(folder=target), 15000)

        def not_backed_up(message: str) -> None:
            self.statusBar().showMessage(self.tr("The automatic backup failed: {why}").format(why=message),
                                         30000)
            if self.show_health() is not None:  # its check found the database damaged: say it loudly
                self._say_damage()

        self.session.submit(back_up, done=backed_up, failed=not_backed_up, receiver=self, lane="long")

    def _when_painted(self, then: Callable[[], None]) -> None:
        """Call `then` once the window has painted: at once if it has, or is not shown."""
        handle = self.windowHandle()
        if not self.isVisible() or handle is None or handle.isExposed():
            then()
        else:
            _FirstExpose(handle, then)

    def show_health(self) -> health.Check | None:
        """Show the red banner while the database's last integrity check failed (as recorded beside
        the database, which a damaged file cannot be trusted to say); that check, or None."""
        # a server keeps its own files whole: there is no file check recorded on a desk
        check = None if self.session.server is not None else health.damaged(self.session.path)
        if check is not None:
            self.damage_banner.setText(self._damage_text(check))
        self.damage_banner.setVisible(check is not None)
        return check

    def _damage_text(self, check: health.Check) -> str:
        return self.tr("The database {path} failed its integrity check on {when} ({found}). Nothing more "
                       "can be saved in it: restore a backup (qcdesk restore), or, if the file was "
                       "repaired, check it again (qcdesk verify).").format(
            path=self.session.path, when=check.when, found=check.found)

    def _say_damage(self) -> None:
        """A message over the window, once: the daily check found the database damaged."""
        check = None if self.session.server is not None else health.damaged(self.session.path)
        if check is None or self.damage_box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("The database is damaged"),
                          self._damage_text(check), QMessageBox.StandardButton.Ok, self)
        ok = box.button(QMessageBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(QCoreApplication.translate("Buttons", "OK"))
        box.setObjectName("damage_box")
        box.open()  # window-modal, without a nested event loop
        self.damage_box = box

    def _show_work(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.shift_view)
        if self._demo is None:
            self.shift_view.go_now()

    def _demo_loaded(self, summary: DemoSummary) -> None:
        """The demo lies in February 1959, not today: the Shift tab opens on its last production
        day, at the last shift with heats, and the status bar says where the demo is."""
        self._demo = summary
        last = summary.last_date

        def last_shift(store: Store) -> str | None:
            heats = store.heats(last, last)
            return max(heats, key=lambda h: h.tapped_at).shift if heats else None

        def show(code: str | None) -> None:
            if code is None:
                self.shift_view.go_now()
            else:
                self.shift_view.show_shift(last, code)
            self.statusBar().showMessage(self.tr(
                "The demo workshop is in February 1959 ({first} to {last}): shown is its last production "
                "day, {last}. Ctrl+T goes to the current shift.").format(
                first=summary.first_date.isoformat(), last=last.isoformat()), 120000)

        self.session.submit(last_shift, done=show, receiver=self)

    # ---------------------------------------------------------------- off-grade announcements
    # (issue 14, alerts) The banner of `qcdesk.alerts`: asked of the store at the start and after
    # every save of this desk (`session.changed`); what other desks save calls refresh_alerts too.

    def _build_alerts(self, column: QVBoxLayout) -> None:
        self.alert_banner = AlertBanner(self)
        self.alert_banner.open_heat.connect(self.open_heat)
        self.alert_banner.dismiss.connect(self.dismiss_alert)
        column.addWidget(self.alert_banner)
        self._alerts_asked = self._alerts_again = False  # a question under way; another wanted after it
        self.session.changed.connect(lambda _what: self.refresh_alerts())
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+A"), self)
        shortcut.activated.connect(self.alert_banner.focus_first)

    def refresh_alerts(self) -> None:
        """Ask the store (on the session's worker) which announcements are open, and show them."""
        if self._alerts_asked:  # one question at a time: the newest state is asked once it answers
            self._alerts_again = True
            return
        self._alerts_asked = True

        def shown(alerts: list[Alert]) -> None:
            self._alerts_asked = False
            self.alert_banner.set_alerts(alerts)
            if self.read_only is not None:  # no dismissing on a read-only desk
                self.read_only.cover(self.alert_banner)
            if self._alerts_again:
                self._alerts_again = False
                self.refresh_alerts()

        def not_shown(message: str) -> None:
            self._alerts_asked = self._alerts_again = False
            self._show_failure(message)

        self.session.submit(lambda store: store.open_alerts(), done=shown, failed=not_shown, receiver=self)

    def dismiss_alert(self, alert: Alert) -> None:
        """Dismiss an announcement for the whole workshop, as whoever is signed in."""
        def dismissed(done: Dismissal) -> None:
            self.statusBar().showMessage(self.tr("Dismissed by {who} at {when}: {what}").format(
                who=done.dismissed_by, when=done.dismissed_at, what=alert_text(alert)), 10000)

        self.session.submit(lambda store: store.dismiss_alert(alert), done=dismissed,
                            failed=lambda message: self.statusBar().showMessage(message, 15000),
                            receiver=self, changes="alerts")

    # ---------------------------------------------------------------- remembered layout

    def _splitters(self, root: QWidget | None = None) -> list[QSplitter]:
        return [s for s in (root or self).findChildren(QSplitter) if s.objectName()]

    def _tables(self, root: QWidget | None = None) -> list[tuple[QHeaderView, str]]:
        """The headers of the named tables (in `root`, else in the window), with their settings keys."""
        return [(t.horizontalHeader(), keys.TABLE_HEADER.format(name=t.objectName(),
                                                                columns=t.model().columnCount()))
                for t in (root or self).findChildren(QTableView) if t.objectName() and t.model() is not None]

    def _restore(self) -> None:
        stored = keys.settings()
        geometry = stored.value(keys.WINDOW_GEOMETRY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        state = stored.value(keys.WINDOW_STATE)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._restore_layout(self)
        tab = keys.int_value(stored, keys.WINDOW_TAB, 0)
        if 0 <= tab < self.tabs.count() and self._name_of(self.tabs.widget(tab)) != "heat_view":
            self.tabs.setCurrentIndex(tab)

    def _restore_layout(self, root: QWidget) -> None:
        """The splitters and table headers in `root` as they were left (a view made later
        gets its own when it is made; one never made keeps what was stored)."""
        stored = keys.settings()
        for splitter in self._splitters(root):
            sizes = stored.value(keys.SPLITTER.format(name=splitter.objectName()))
            if isinstance(sizes, QByteArray):
                splitter.restoreState(sizes)
        for header, key in self._tables(root):  # widths, order and sort (a sorted table re-sorts)
            columns = stored.value(key)
            if isinstance(columns, QByteArray):
                header.restoreState(columns)

    def _close_now(self) -> None:
        self._closing = True
        QTimer.singleShot(0, self.close)  # not from inside closeEvent: Qt ignores a nested close()

    # QWidget.closeEvent: ask about unsaved edits; remember where the window and its splitters were
    def closeEvent(self, event: QCloseEvent) -> None:
        if (not self._closing and self.session.writable  # a read-only desk has nothing to save
                and "heat_view" in self._made and self.heat_view.unsaved()):
            event.ignore()
            self.heat_view.leave(self._close_now)
            return
        stored = keys.settings()
        stored.setValue(keys.WINDOW_GEOMETRY, self.saveGeometry())
        stored.setValue(keys.WINDOW_STATE, self.saveState())
        stored.setValue(keys.WINDOW_TAB, self.tabs.currentIndex())
        for splitter in self._splitters():
            stored.setValue(keys.SPLITTER.format(name=splitter.objectName()), splitter.saveState())
        for header, key in self._tables():
            stored.setValue(key, header.saveState())
        super().closeEvent(event)
        if self.owns_session:
            QTimer.singleShot(0, self.session.close)
