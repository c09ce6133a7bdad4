"""A desk whose role may write nothing (the plant's quality office): what writes stays disabled.

Each view marks its widgets that write to the database with `writes(...)` where it makes them;
on a desk whose store is not writable (`Store.writable`) the window's `ReadOnly` keeps every
marked widget under a view disabled, whatever the view's own logic later enables, with a tooltip
saying why, and turns off the editing of a marked table. Reading, trends, reports and exports
are left as they are. A write that gets through anyway (a key in a grid) is refused by the
server, in plain words, and changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QWidget

WRITES = "qcdesk_writes"  # the dynamic property of a widget that writes
_KEPT = "qcdesk_kept_read_only"  # … and of one a ReadOnly keeps disabled already


def writes(*widgets: QWidget) -> None:
    """Mark widgets (buttons, editable tables) whose use writes to the database."""
    for widget in widgets:
        widget.setProperty(WRITES, True)


class ReadOnly(QObject):
    """Keeps the marked widgets of the views it covers disabled, with `reason` as their tooltip."""

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reason = reason

    def cover(self, root: QWidget) -> None:
        """Every widget under `root` (and `root`) marked by `writes`, kept disabled from now on."""
        for widget in [root, *root.findChildren(QWidget)]:
            if not widget.property(WRITES) or widget.property(_KEPT):
                continue
            widget.setProperty(_KEPT, True)
            widget.setToolTip(self.reason)
            if isinstance(widget, QAbstractItemView):  # read, scroll and select; no editing
                widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
                continue
            widget.setEnabled(False)
            widget.installEventFilter(self)

    # QObject.eventFilter: a marked widget the view enables again is disabled at once
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.EnabledChange and isinstance(watched, QWidget)
                and watched.isEnabled()):
            watched.setEnabled(False)
        return False
