"""The history browser: the rows the core gives, lazily, sorted, filtered; a heat opens."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from qcdesk.model import ChemStatus
from qcdesk.store import NewHeat, Store
from ui.history_view import COLUMNS, PAGE, HistoryView
from ui.session import Session

# the offscreen platform says so when a window is shown
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def session(qtbot: QtBot, demo_copy: Path) -> Iterator[Session]:
    s = Session(demo_copy, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


@pytest.fixture
def view(qtbot: QtBot, session: Session) -> HistoryView:
    v = HistoryView(session)
    qtbot.addWidget(v)
    v.resize(1200, 500)
    qtbot.waitUntil(lambda: v.model.rowCount() > 0 and v.model.total is not None and session.idle())
    return v


def _shown(view: HistoryView) -> list[str]:
    return [view.model.heat_no(r) for r in range(view.model.rowCount())]


def _load_all(qtbot: QtBot, view: HistoryView) -> None:
    while view.model.canFetchMore():
        view.model.fetchMore()
        qtbot.waitUntil(view.session.idle)


def test_opens_on_the_newest_heats_one_page_at_a_time(view: HistoryView, session: Session) -> None:
    assert view.model.total == 936
    assert view.model.rowCount() == PAGE
    assert view.model.canFetchMore()
    with Store.open(session.path, "tester") as store:
        newest = sorted(store.heats(date(1959, 2, 1), date(1959, 2, 28)),
                        key=lambda h: (h.production_date, h.tapped_at, h.id), reverse=True)
    assert _shown(view) == [h.heat_no for h in newest[:PAGE]]
    assert "936" in view.count_label.text()


def test_scrolling_to_the_end_fetches_the_next_page(qtbot: QtBot, view: HistoryView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() > PAGE)
    qtbot.waitUntil(view.session.idle)
    assert len(set(_shown(view))) == view.model.rowCount()


@pytest.mark.parametrize(("column", "order"), [("heat_no", Qt.SortOrder.AscendingOrder),
                                               ("grade", Qt.SortOrder.DescendingOrder),
                                               ("ingot_qualified_rate", Qt.SortOrder.AscendingOrder)])
def test_filters_and_sort_give_the_rows_the_core_gives(qtbot: QtBot, view: HistoryView,
                                                       session: Session, column: str,
                                                       order: Qt.SortOrder) -> None:
    view.date_from.setText("1959-02-02")
    view.date_to.setText("1959-02-09")
    view.converter_box.setCurrentIndex(view.converter_box.findData("2"))
    view.status_box.setCurrentIndex(view.status_box.findData("conforms"))
    view.table.sortByColumn(COLUMNS.index(column), order)
    qtbot.waitUntil(lambda: view.model.heat_filter.date_from == date(1959, 2, 2)
                    and view.model.heat_filter.date_to == date(1959, 2, 9))
    qtbot.waitUntil(session.idle)
    _load_all(qtbot, view)
    with Store.open(session.path, "tester") as store:
        core = store.heats(date(1959, 2, 2), date(1959, 2, 9), converter="2", status=ChemStatus.CONFORMS)
        rates = {h.heat_no: store.heat_rates(h.heat_no).rates.ingot_qualified_rate for h in core}
    assert view.model.total == len(core) > 0
    assert sorted(_shown(view)) == sorted(h.heat_no for h in core)
    if column == "heat_no":
        assert _shown(view) == sorted(h.heat_no for h in core)
    elif column == "grade":
        grades = [view.model.index(r, COLUMNS.index("grade")).data() for r in range(view.model.rowCount())]
        assert grades == sorted(grades, reverse=True)
    else:
        shown_rates = [rates[h] for h in _shown(view)]
        assert shown_rates == sorted(shown_rates, key=lambda r: -1 if r is None else r)
        first = view.model.index(0, COLUMNS.index("ingot_qualified_rate")).data()
        assert first.endswith("%") or first == "—"


def test_clearing_filters_shows_every_heat_again(qtbot: QtBot, view: HistoryView) -> None:
    view.grade_box.setCurrentIndex(view.grade_box.findData("Q235B"))
    qtbot.waitUntil(lambda: view.model.total is not None and view.model.total < 936)
    view.clear_filters()
    qtbot.waitUntil(lambda: view.model.total == 936)


def test_a_stale_page_is_dropped(qtbot: QtBot, view: HistoryView) -> None:
    view.model.fetchMore()          # a page of the unfiltered list is under way ...
    view.shift_box.setCurrentIndex(view.shift_box.findData("night"))  # ... when the filter changes
    qtbot.waitUntil(view.session.idle)
    _load_all(qtbot, view)
    rows = view.model.rowCount()
    shifts = {view.model.index(r, COLUMNS.index("shift")).data() for r in range(rows)}
    assert shifts == {"Night"}
    assert rows == view.model.total


def test_double_click_and_enter_open_the_heat(qtbot: QtBot, view: HistoryView) -> None:
    view.show()
    qtbot.waitExposed(view)
    index = view.model.index(3, 0)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.heat_activated) as opened:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [view.model.heat_no(3)]
    view.table.setCurrentIndex(view.model.index(5, 0))
    with qtbot.waitSignal(view.heat_activated) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [view.model.heat_no(5)]


def test_a_new_heat_appears_after_the_change_is_announced(qtbot: QtBot, view: HistoryView,
                                                         session: Session) -> None:
    view.show()
    qtbot.waitExposed(view)
    new = NewHeat("2-9999", "2", datetime(1959, 3, 1, 10, 0), "Q235B", 30.0, None, "tester")
    session.submit(lambda store: store.add_heat(new), changes="heats")
    qtbot.waitUntil(lambda: view.model.total == 937)
    qtbot.waitUntil(session.idle)
    assert view.model.heat_no(0) == "2-9999"
    assert view.model.rowCount() == PAGE


def test_a_hidden_browser_catches_up_when_shown(qtbot: QtBot, view: HistoryView, session: Session) -> None:
    new = NewHeat("2-9999", "2", datetime(1959, 3, 1, 10, 0), "Q235B", 30.0, None, "tester")
    session.submit(lambda store: store.add_heat(new), changes="heats")
    qtbot.waitUntil(session.idle)
    assert view.model.total == 936  # hidden: nothing fetched
    view.show()
    qtbot.waitUntil(lambda: view.model.total == 937)
    qtbot.waitUntil(session.idle)
    assert view.model.heat_no(0) == "2-9999"


def test_sorting_ten_years_by_an_unindexed_column_uses_the_long_lane(view: HistoryView) -> None:
    view.table.sortByColumn(COLUMNS.index("tap_weight_t"), Qt.SortOrder.AscendingOrder)
    assert view.model._lane() == "long"
    view.date_from.setText("1959-02-02")
    view.apply_filters()
    assert view.model._lane() == "db"


def test_the_model_passes_qtmodeltester(qtbot: QtBot, qtmodeltester: object, view: HistoryView) -> None:
    qtmodeltester.check(view.model)  # type: ignore[attr-defined]
    qtbot.waitUntil(view.session.idle)


def test_a_date_that_is_not_one_is_said_and_kept(qtbot: QtBot, view: HistoryView) -> None:
    view.date_from.setFocus()
    qtbot.keyClicks(view.date_from, "1959-02-30")
    qtbot.keyClick(view.date_from, Qt.Key.Key_Return)
    assert "1959-02-30" in view.error_label.text()
    assert view.date_from.text() == "1959-02-30"
    assert view.model.heat_filter.date_from is None
    view.date_from.clear()
    qtbot.keyClicks(view.date_from, "1959-02-27")
    qtbot.keyClick(view.date_from, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.total == 63 and view.session.idle())
    assert view.error_label.isHidden()
