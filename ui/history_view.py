"""The history browser: every heat, filtered and sorted, loaded a page at a time off the GUI thread.

The model keeps only the rows fetched so far. The store counts the heats the
filter lets through and hands out pages by key (`Store.count_heats`,
`Store.heat_page`); each request runs on the session's worker and its answer is
inserted when it arrives. A filter or sort change starts a new generation, so an
answer to an older question is dropped. On `session.changed` the rows already
shown are fetched again in one request (by the view only while it is shown; a
hidden view marks itself stale and refreshes when it is shown again).

Pages in an order the store walks by index take milliseconds and go on the
"db" lane; sorting all the years by another column takes a tenth of a second or
more a page and goes on the "long" lane, so daily saves are not held up.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from qcdesk.errors import InputError
from qcdesk.i18n import _, language
from qcdesk.model import STATUS_NAMES, ChemStatus, Converter, Shift
from qcdesk.numbers import format_fixed
from qcdesk.rates import FORMULAS, format_rate
from qcdesk.store import HISTORY_QUICK_SORTS, HeatFilter, HeatListRow, HeatPage, Store
from ui.common import converter_label, qdate, refill_choices, to_date
from ui.session import Session

PAGE = 200
MAX_REFETCH = 10_000  # after a change, at most this many rows are fetched again at once
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_Index = QModelIndex | QPersistentModelIndex

# The columns, by the store's sort key.
COLUMNS = ("heat_no", "production_date", "shift", "converter", "grade", "tapped_at", "tap_weight_t",
           "chem_status", "ingots", "ingot_qualified_rate")
_NUMERIC = frozenset({"tap_weight_t", "ingots", "ingot_qualified_rate"})
_FAILS = QColor("#b00020")
_REFUSED = "#f6c4c4"


class HistoryModel(QAbstractTableModel):
    """Heats as the history browser lists them, fetched lazily in pages."""

    page_arrived = Signal(int)   # rows loaded so far, after a page or a refresh arrived
    total_changed = Signal(int)  # how many heats the filter lets through
    failed = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._rows: list[HeatListRow] = []
        self._filter = HeatFilter()
        self._sort = "production_date"
        self._descending = True
        self._after: tuple[Any, ...] | None = None
        self._more = False  # nothing is fetched before the first reload()
        self._fetching = False
        self._generation = 0
        self.total: int | None = None
        self._shift_names: dict[str, str] = {}
        self._headers = (self.tr("Heat no."), self.tr("Production date"), self.tr("Shift"),
                         self.tr("Converter"), self.tr("Grade"), self.tr("Tap time"),
                         self.tr("Tapped t"), self.tr("Chemistry"), self.tr("Ingots judged/total"),
                         self.tr("Ingot qualified rate"))

    # ------------------------------------------------------------ what to show

    @property
    def heat_filter(self) -> HeatFilter:
        return self._filter

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def set_filter(self, where: HeatFilter) -> None:
        if where != self._filter:
            self._filter = where
            self.reload()

    def set_shift_names(self, shifts: list[Shift]) -> None:
        self._shift_names = {s.code: s.name_zh if language() == "zh" else s.name_en for s in shifts}
        if self._rows:
            self.dataChanged.emit(self.index(0, COLUMNS.index("shift")),
                                  self.index(len(self._rows) - 1, COLUMNS.index("shift")))

    def heat_no(self, row: int) -> str:
        return self._rows[row].heat_no

    # QAbstractItemModel.sort: the store sorts; start again from the first page
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self) -> None:
        """Forget the rows, count again and ask for the first page."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._after = None
        self._more = True
        self._fetching = False
        self.endResetModel()
        self.total = None
        self.fetchMore(QModelIndex())  # the first page before the count: rows show sooner
        generation, where = self._generation, self._filter
        self.session.submit(lambda store: store.count_heats(where),
                            done=lambda n: self._count_arrived(generation, n),
                            failed=lambda m: self._failed(generation, m), receiver=self)

    # ------------------------------------------------------------ lazy loading

    # QAbstractItemModel.canFetchMore
    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more

    # QAbstractItemModel.fetchMore: ask for the next page; the rows come with the answer
    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        generation, where, sort, desc, after = (self._generation, self._filter, self._sort,
                                                self._descending, self._after)

        def page(store: Store) -> HeatPage:
            return store.heat_page(where, sort, descending=desc, after=after, limit=PAGE)

        self.session.submit(page, done=lambda p: self._page_arrived(generation, p),
                            failed=lambda m: self._failed(generation, m), receiver=self, lane=self._lane())

    def _page_arrived(self, generation: int, page: HeatPage) -> None:
        if generation != self._generation:
            return  # the answer to a filter or sort no longer shown
        self._fetching = False
        self._after = page.after
        self._more = page.after is not None
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.page_arrived.emit(len(self._rows))

    def _count_arrived(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self.total = total
            self.total_changed.emit(total)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._fetching = False
            self._more = False
            self.failed.emit(message)

    def _lane(self) -> str:
        return "db" if self._sort in HISTORY_QUICK_SORTS or self._filter.dated else "long"

    def refresh(self) -> None:
        """The database changed: fetch the rows shown so far again, in one request."""
        if not self._rows:
            self.reload()
            return
        self._generation += 1
        self._fetching = True
        generation, where, sort, desc = self._generation, self._filter, self._sort, self._descending
        limit = min(max(len(self._rows), PAGE), MAX_REFETCH)
        self.session.submit(lambda store: (store.count_heats(where),
                                           store.heat_page(where, sort, descending=desc, limit=limit)),
                            done=lambda r: self._refreshed(generation, *r),
                            failed=lambda m: self._failed(generation, m), receiver=self, lane=self._lane())

    def _refreshed(self, generation: int, total: int, page: HeatPage) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._after = page.after
        self._more = page.after is not None
        if len(page.rows) == len(self._rows):
            self._rows = list(page.rows)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
        else:
            self.beginResetModel()
            self._rows = list(page.rows)
            self.endResetModel()
        self.total = total
        self.total_changed.emit(total)
        self.page_arrived.emit(len(self._rows))

    # ------------------------------------------------------------ the table

    # QAbstractItemModel.rowCount
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    # QAbstractItemModel.columnCount
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    # QAbstractItemModel.headerData
    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section] == "ingot_qualified_rate":
            return _(FORMULAS["ingot_qualified_rate"])
        return None

    # QAbstractItemModel.data
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(COLUMNS):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.UserRole:
            return row.heat_no
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == "chem_status" \
                and row.chem_status is ChemStatus.FAILS:
            return _FAILS
        if role == Qt.ItemDataRole.ToolTipRole and column == "ingot_qualified_rate":
            return self.tr("{formula}\nby count: {rate}").format(
                formula=_(FORMULAS["ingot_qualified_rate"]),
                rate=format_rate(row.ingot_qualified_rate_by_count))
        return None

    def _text(self, row: HeatListRow, column: str) -> str:
        if column == "heat_no":
            return row.heat_no
        if column == "production_date":
            return row.production_date.isoformat()
        if column == "shift":
            return self._shift_names.get(row.shift, row.shift)
        if column == "converter":
            return row.converter
        if column == "grade":
            return row.grade
        if column == "tapped_at":
            return row.tapped_at.strftime("%Y-%m-%d %H:%M")
        if column == "tap_weight_t":
            return format_fixed(row.tap_weight_t, 2, at_least=True)
        if column == "chem_status":
            return _(STATUS_NAMES[row.chem_status])
        if column == "ingots":
            return f"{row.ingots_judged}/{row.ingots}"
        return format_rate(row.ingot_qualified_rate)


class CalendarButton(QToolButton):
    """A calendar beside a date typed as YYYY-MM-DD: picking a day writes it into the field.
    Alt+Down in the field opens it too; it opens on the date typed, else on `fallback`."""

    def __init__(self, edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = edit
        self.fallback: date | None = None  # the day to open on when nothing is typed
        self.setText("▾")
        self.setToolTip(self.tr("Pick the date on a calendar (Alt+Down)"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        menu = QMenu(self)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        menu.aboutToShow.connect(self._open_on_the_date)
        self.setMenu(menu)
        self.calendar.activated.connect(self._picked)  # Enter or a double-click
        self.calendar.clicked.connect(self._picked)
        edit.installEventFilter(self)  # Alt+Down in the field, as in a combo box (no window-wide shortcut)

    # QObject.eventFilter: Alt+Down in the date field opens the calendar
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.open_calendar()
            return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> None:
        """The calendar under the field (from the keyboard; a click on the button opens it too)."""
        menu = self.menu()
        if menu is not None:
            menu.popup(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))

    def _open_on_the_date(self) -> None:
        typed = self.edit.text().strip()
        day = None
        if _ISO_DATE.fullmatch(typed):
            try:
                day = date.fromisoformat(typed)
            except ValueError:
                day = None
        day = day or self.fallback or date.today()
        self.calendar.setSelectedDate(qdate(day))
        self.calendar.setCurrentPage(day.year, day.month)
        self.calendar.setFocus()

    def _picked(self, picked: QDate) -> None:
        self.edit.setText(to_date(picked).isoformat())
        menu = self.menu()
        if menu is not None:
            menu.hide()
        self.edit.setFocus()


class HistoryView(QWidget):
    """Every heat, filtered by dates, converter, grade, shift and chemistry status; sortable;
    a double-click or Enter opens the heat."""

    heat_activated = Signal(str)
    page_shown = Signal(int)  # rows shown so far, each time a page arrives

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = HistoryModel(session, self)
        self._first_page = True

        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        self.converter_box = self._choice_box()
        self.grade_box = self._choice_box()
        self.shift_box = self._choice_box()
        self.status_box = self._choice_box()
        for status in ChemStatus:
            self.status_box.addItem(_(STATUS_NAMES[status]), status.value)
        self.clear_button = QPushButton(self.tr("C&lear filters"), self)
        self.clear_button.clicked.connect(self.clear_filters)

        self.from_calendar = CalendarButton(self.date_from, self)
        self.to_calendar = CalendarButton(self.date_to, self)
        calendars = {self.date_from: self.from_calendar, self.date_to: self.to_calendar}
        bar = QHBoxLayout()
        for text, widget in ((self.tr("Fro&m"), self.date_from), (self.tr("T&o"), self.date_to),
                             (self.tr("&Converter"), self.converter_box),
                             (self.tr("&Grade"), self.grade_box), (self.tr("S&hift"), self.shift_box),
                             (self.tr("Chem&istry"), self.status_box)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            label.setMinimumWidth(label.sizeHint().width() + 4)  # "To" was clipped to "Tc" without
            bar.addWidget(label)
            bar.addWidget(widget)
            if widget in calendars:
                bar.addWidget(calendars[widget])
            bar.addSpacing(8)
        bar.addWidget(self.clear_button)
        bar.addStretch(1)

        self.table = QTableView(self)
        self.table.setObjectName("history_table")  # the main window remembers named tables' headers
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSortIndicator(COLUMNS.index("production_date"),
                                                       Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(self._activated)

        self.count_label = QLabel(self)
        # the rows come as the table is scrolled; this says there are more, and fetches them at a press
        self.more_button = QPushButton(self.tr("Sho&w {n} more").format(n=PAGE), self)
        self.more_button.setToolTip(self.tr("Scrolling to the end of the list shows more as well"))
        self.more_button.clicked.connect(self.show_more)
        self.more_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its text's width
        self.more_button.hide()
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addWidget(self.more_button)
        foot.addWidget(self.error_label, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(foot)

        # a date typed digit by digit is one filter change, not eight
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(250)
        self._apply_timer.timeout.connect(self.apply_filters)
        for edit in (self.date_from, self.date_to):
            edit.textChanged.connect(self._apply_timer.start)
            edit.returnPressed.connect(self.apply_filters)
        for box in (self.converter_box, self.grade_box, self.shift_box, self.status_box):
            box.currentIndexChanged.connect(self.apply_filters)

        self.model.page_arrived.connect(self._page_arrived)
        self.model.total_changed.connect(self._show_count)
        self.model.failed.connect(self._show_error)
        session.changed.connect(self._changed)
        self._stale = False
        # the sort indicator set above becomes the model's order and the first request
        self.table.setSortingEnabled(True)
        self._load_choices()

    # ------------------------------------------------------------ filters

    def _date_edit(self) -> QLineEdit:
        """A production date typed as YYYY-MM-DD; blank: no limit."""
        edit = QLineEdit(self)
        edit.setPlaceholderText(self.tr("any (YYYY-MM-DD)"))
        edit.setMaxLength(10)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("0000-00-00__") + 24)
        return edit

    def _day(self, edit: QLineEdit) -> date | None:
        """The date typed, None if blank; InputError (the core's words) if it is not a date."""
        text = edit.text().strip()
        if not text:
            return None
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise InputError(_("date"), _("{text!r} is not a date that exists (write YYYY-MM-DD)").format(
                text=text)) from None

    def _choice_box(self) -> QComboBox:
        box = QComboBox(self)
        box.addItem(self.tr("any"), None)
        return box

    def heat_filter(self) -> HeatFilter:
        """The filter the widgets say; InputError names a date that is not one."""
        status = self.status_box.currentData()
        return HeatFilter(self._day(self.date_from), self._day(self.date_to),
                          self.converter_box.currentData(), self.grade_box.currentData(),
                          self.shift_box.currentData(), None if status is None else ChemStatus(status))

    def apply_filters(self) -> None:
        """Show what the filter says; a date that is not one is said beside it and kept."""
        self._apply_timer.stop()
        self.error_label.hide()
        for edit in (self.date_from, self.date_to):
            try:
                self._day(edit)
                edit.setStyleSheet("")
            except InputError as exc:
                edit.setStyleSheet(f"background: {_REFUSED};")
                self._show_error(str(exc))
                return
        self.model.set_filter(self.heat_filter())

    def show_days(self, first: date, last: date, *, converter: str | None = None, shift: str | None = None,
                  grade: str | None = None) -> None:
        """Show the heats of production dates first..last, of one converter, shift or grade if
        given (a chart's drill-down); the chemistry filter is cleared."""
        for box, value in ((self.converter_box, converter), (self.shift_box, shift), (self.grade_box, grade),
                           (self.status_box, None)):
            box.blockSignals(True)
            found = box.findData(value)
            if found < 0 and value is not None:  # the choices are not loaded yet: show it anyway
                box.addItem(value, value)
                found = box.count() - 1
            box.setCurrentIndex(max(found, 0))
            box.blockSignals(False)
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setText(day.isoformat())
            edit.setStyleSheet("")
            edit.blockSignals(False)
        self.apply_filters()

    def clear_filters(self) -> None:
        for box in (self.converter_box, self.grade_box, self.shift_box, self.status_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        for edit in (self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.apply_filters()

    def _load_choices(self) -> None:
        def choices(store: Store) -> tuple[list[Converter], list[str], list[Shift], tuple[date, date] | None]:
            return store.converters(), store.grades(), store.shifts(), store.date_span()

        self.session.submit(choices, done=self._fill_choices, failed=self._show_error, receiver=self)

    def _fill_choices(self, found: tuple[list[Converter], list[str], list[Shift], tuple[date, date] | None]
                      ) -> None:
        converters, grades, shifts, span = found
        if span is not None:  # an empty field's calendar opens where the heats are (the demo: 1959)
            self.from_calendar.fallback, self.to_calendar.fallback = span
        zh = language() == "zh"
        refill_choices(self.converter_box, [(converter_label(c.code, c.name), c.code) for c in converters])
        refill_choices(self.grade_box, [(g, g) for g in grades])
        refill_choices(self.shift_box, [(s.name_zh if zh else s.name_en, s.code) for s in shifts])
        self.model.set_shift_names(shifts)

    def _changed(self, what: str) -> None:
        if what in ("setup", "import"):
            self._load_choices()
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True

    # QWidget.showEvent: catch up with changes made while hidden
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.model.refresh()

    # ------------------------------------------------------------ the rows

    def _page_arrived(self, rows: int) -> None:
        if self._first_page and rows:
            self._first_page = False
            self.table.resizeColumnsToContents()
        self._show_count(self.model.total)
        self.page_shown.emit(rows)

    def show_more(self) -> None:
        """The next page of heats, without scrolling for it."""
        if self.model.canFetchMore():
            self.model.fetchMore()

    def _show_count(self, total: int | None) -> None:
        shown = self.model.rowCount()
        self.more_button.setVisible(self.model.canFetchMore() and (total is None or shown < total))
        if total is None:
            self.count_label.setText(self.tr("{shown} heats shown").format(shown=shown))
        else:
            self.count_label.setText(self.tr("{shown} of {total} heats shown").format(
                shown=shown, total=total))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.heat_activated.emit(self.model.heat_no(index.row()))
