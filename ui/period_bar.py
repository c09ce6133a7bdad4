"""The bar that picks a period, shared by the views that show one (Quality trends, Plant): the
kind of period (a month, a quarter, the last 30 days, two dates …), the day it is of, and the
dates it spans. What it says is a `qcdesk.trends.Period`; the view is told when that changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from qcdesk import trends
from qcdesk.errors import QcError
from qcdesk.i18n import _
from ui.common import qdate, to_date

TYPING_MS = 250  # a date typed a digit at a time is asked for once, this long after the last digit


def date_edit(parent: QWidget, day: date | None = None) -> QDateEdit:
    """A date field with a calendar, yyyy-MM-dd."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if day is not None:
        edit.setDate(qdate(day))
    return edit


class PeriodBar(QWidget):
    """Per&iod, its kind, the day (or the two dates of a custom period), and the dates it spans."""

    # the period may have changed: the view asks again this many ms later (a date being typed waits)
    changed = Signal(int)

    def __init__(self, spans: Iterable[trends.Span], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName(f"{name}_period")
        for span in spans:
            self.kind_box.addItem(_(trends.SPAN_NAMES[span]), span.value)
        self.day_edit = date_edit(self)
        self.day_edit.setObjectName(f"{name}_day")
        self.from_edit = date_edit(self)
        self.to_edit = date_edit(self)
        self.dash = QLabel("–", self)
        self.period_label = QLabel(self)
        self.period_label.setObjectName(f"{name}_period_label")
        label = QLabel(self.tr("Per&iod"), self)
        label.setBuddy(self.kind_box)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (label, self.kind_box, self.day_edit, self.from_edit, self.dash, self.to_edit,
                       self.period_label):
            row.addWidget(widget)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        for edit in (self.day_edit, self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _d: self._period_changed(TYPING_MS))
        self._kind_changed()

    def span_kind(self) -> trends.Span:
        return trends.Span(self.kind_box.currentData())

    def period(self) -> trends.Period:
        """The period the bar says (QcError: a custom one ending before it starts)."""
        kind = self.span_kind()
        if kind is trends.Span.CUSTOM:
            return trends.Period.custom(to_date(self.from_edit.date()), to_date(self.to_edit.date()))
        return trends.Period.of(kind, to_date(self.day_edit.date()))

    def set_period(self, kind: trends.Span | str, day: date, day_to: date | None = None) -> None:
        """Show a period (as a person would pick it); the view is told once."""
        kind = trends.Span(kind)
        fields = (self.kind_box, self.day_edit, self.from_edit, self.to_edit)
        for field in fields:
            field.blockSignals(True)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind.value))
        if kind is trends.Span.CUSTOM:
            self.from_edit.setDate(qdate(day))
            self.to_edit.setDate(qdate(day_to or day))
        else:
            self.day_edit.setDate(qdate(day))
        for field in fields:
            field.blockSignals(False)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.span_kind()
        custom = kind is trends.Span.CUSTOM
        self.day_edit.setVisible(not custom)
        for widget in (self.from_edit, self.dash, self.to_edit):
            widget.setVisible(custom)
        self.day_edit.setDisplayFormat({trends.Span.MONTH: "yyyy-MM", trends.Span.YEAR: "yyyy"}.get(
            kind, "yyyy-MM-dd"))
        self.day_edit.setToolTip(self.tr("The last day of the 30") if kind is trends.Span.LAST_30_DAYS
                                 else self.tr("Any day of the period"))
        self._period_changed(0)

    def _period_changed(self, delay_ms: int) -> None:
        """The dates the period spans beside it (left as they were while it is refused), and the
        view told."""
        try:
            period = self.period()
        except QcError:
            period = None  # the view says why
        if period is not None:
            dates = f"{period.date_from.isoformat()} – {period.date_to.isoformat()}"
            if period.span in (trends.Span.MONTH, trends.Span.QUARTER, trends.Span.YEAR):
                self.period_label.setText(f"{period.label}: {dates}")
            elif period.span is trends.Span.CUSTOM:
                self.period_label.setText(self.tr("{days} days").format(days=period.days))
            else:
                self.period_label.setText(dates)
        self.changed.emit(delay_ms)
