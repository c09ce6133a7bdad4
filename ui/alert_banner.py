"""The off-grade banner: every announcement not dismissed (`qcdesk.alerts`), a line each, at the
top of the main window, with a button that opens the heat and one that dismisses it.

The banner only shows: which heats are announced, and what a dismissal records, is decided by
the core (`Store.open_alerts`, `Store.dismiss_alert`); the main window asks the store on the
session's worker and hands the banner the answer. Every button is reached with Tab; the main
window's Ctrl+Shift+A puts the cursor on the first line's "Open heat".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qcdesk.alerts import Alert, alert_text
from ui.read_only import writes

BANNER_STYLE = ("QFrame#alert_banner { background: #fde2e1; border-bottom: 2px solid #b00020; }"
                "QLabel { color: #5c0011; }")
SHOWN_LINES = 4  # lines shown at once; more scroll


class AlertLine(QWidget):
    """One announcement: its text, "Open heat", "Dismiss"."""

    def __init__(self, alert: Alert, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alert = alert
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        self.label = QLabel(alert_text(alert), self)
        self.label.setObjectName("alert_text")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.label.font()
        font.setBold(True)
        self.label.setFont(font)
        self.open_button = QPushButton(self.tr("Open heat"), self)
        self.open_button.setToolTip(self.tr("Show heat {heat_no} in the Heat tab").format(
            heat_no=alert.heat_no))
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.dismiss_button.setToolTip(self.tr(
            "Dismiss this announcement on every desk of the workshop (an inspector or a workshop head, "
            "signed in); who dismissed it and when goes into the heat's history"))
        writes(self.dismiss_button)
        for button in (self.open_button, self.dismiss_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row.addWidget(self.label, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.dismiss_button)


class AlertBanner(QFrame):
    """The announcements not dismissed, a line each; hidden when there are none."""

    open_heat = Signal(str)       # a heat number
    dismiss = Signal(object)      # an Alert

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alert_banner")
        self.setStyleSheet(BANNER_STYLE)
        self.lines: list[AlertLine] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 4)
        outer.setSpacing(2)
        self.count = QLabel(self)  # said when there are more lines than shown at once
        self.count.setObjectName("alert_count")
        self.count.setContentsMargins(8, 0, 8, 0)
        outer.addWidget(self.count)
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        self.body = QWidget(self.area)
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(0)
        self.area.setWidget(self.body)
        outer.addWidget(self.area)
        self.hide()

    def set_alerts(self, alerts: Sequence[Alert]) -> None:
        """Show these announcements (the store's answer), in place of those shown. The cursor in a
        line stays on it while it is there, else goes to the line that took its place (one dismissed
        with the keyboard: the next one's "Dismiss")."""
        widget = self.focusWidget()
        at = next((i for i, line in enumerate(self.lines)
                   if widget is not None and widget.hasFocus() and line.isAncestorOf(widget)), None)
        focused = None if at is None else self.lines[at].alert.key
        on_open = at is not None and widget is self.lines[at].open_button
        for line in self.lines:
            self.column.removeWidget(line)
            line.deleteLater()
        self.lines = []
        for alert in alerts:
            line = AlertLine(alert, self.body)
            line.open_button.clicked.connect(lambda _c=False, a=alert: self.open_heat.emit(a.heat_no))
            line.dismiss_button.clicked.connect(lambda _c=False, a=alert: self.dismiss.emit(a))
            self.column.addWidget(line)
            self.lines.append(line)
            if alert.key == focused:
                (line.open_button if on_open else line.dismiss_button).setFocus()
                at = None
        self.count.setText(self.tr("{n} off-grade announcements not dismissed: scroll for the rest").format(
            n=len(self.lines)))
        self.count.setVisible(len(self.lines) > SHOWN_LINES)
        if self.lines:
            height = self.lines[0].sizeHint().height()
            self.area.setFixedHeight(height * min(len(self.lines), SHOWN_LINES) + 2)
        self.setVisible(bool(self.lines))
        if at is not None and self.lines:  # its line went: the one in its place
            self.lines[min(at, len(self.lines) - 1)].dismiss_button.setFocus()

    def texts(self) -> list[str]:
        """The lines as shown."""
        return [line.label.text() for line in self.lines]

    def focus_first(self) -> bool:
        """The cursor on the first line's "Open heat"; False when there is none."""
        if not self.lines:
            return False
        self.lines[0].open_button.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True
