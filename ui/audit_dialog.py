"""A heat's history: who changed what, when, and why (the audit log, read-only), in words.

Only `Store.audit(heat_no)` and the fields of its entries are relied on (when, who, action,
entity, key, field, old and new value, reason); an insert's new value is a JSON object of the
record's fields, a list's a JSON list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk import alerts, plausibility
from qcdesk.i18n import _
from qcdesk.model import SAMPLE_KIND_NAMES, Disposition, IngotDefect, Location, SampleKind, element_sort_key
from qcdesk.numbers import format_chemistry, format_fixed, format_number
from qcdesk.store import AuditEntry
from ui.common import ERROR_STYLE, RowsModel, translate_buttons
from ui.ingot_grid import disposition_name
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex
COL_WHEN, COL_WHO, COL_ACTION, COL_WHAT, COL_CHANGE, COL_REASON = range(6)


def tr(text: str) -> str:
    """A text of the history in the language in force (named tr: the catalogue test reads its calls)."""
    return QCoreApplication.translate("AuditDialog", text)


def local_time(at: str) -> str:
    """An entry's time as the clock on the wall read it here: 2024-03-04 10:15:03, no offset."""
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _field_names() -> dict[str, str]:
    return {"converter": tr("converter"), "tapped_at": tr("tap time"),
            "production_date": tr("production date"), "shift": tr("shift"), "grade": tr("grade"),
            "tap_weight_t": tr("tapped weight"), "tap_temp_c": tr("tap temperature"),
            "inspector": tr("inspector"), "notes": tr("notes"), "analysis": tr("analysis"),
            "weight_kg": tr("weight"), "disposition": tr("disposition"), "defects": tr("defects"),
            "judged_at": tr("judged at"), "voided": tr("voided"), "plausibility": tr("plausibility"),
            # samples from the lab, re-graded ingots (issue 16)
            "regrade_to": tr("released as"), "kind": tr("kind"), "sample": tr("sample"),
            "sample_no": tr("sample"), "ingot_no": tr("ingot"), "taken_at": tr("taken at"),
            "entered_by": tr("entered by"), "values": tr("values")}


def field_name(field: str) -> str:
    """A record's field in words (tap_weight_t: tapped weight)."""
    return _field_names().get(field, field)


def _number(text: object, unit: str, *, grouped: bool = True) -> str:
    try:
        value = float(str(text))
    except ValueError:
        return str(text)
    return f"{format_fixed(value, 0, at_least=True) if grouped else format_number(value)} {unit}"


def _defects(value: object) -> str:
    codes = value if isinstance(value, list) else []
    if not codes:
        return tr("none")
    out = []
    for text in codes:
        code, _at, where = str(text).partition("@")
        try:
            out.append(_defect_words(IngotDefect(code, Location(where) if where else None)))
        except ValueError:
            out.append(str(text))
    return ", ".join(out)


def _defect_words(d: IngotDefect) -> str:
    names = {Location.TOP: tr("top"), Location.MIDDLE: tr("middle"), Location.BOTTOM: tr("bottom")}
    return d.code if d.location is None else f"{d.code} ({names[d.location]})"


def _disposition(text: object) -> str:
    try:
        return disposition_name(Disposition(str(text)))
    except ValueError:
        return str(text)


def value_words(field: str, value: object, element: bool = False) -> str:
    """One value of a field, as a person reads it."""
    if value is None or value == "":
        return "—"
    if element:
        try:
            return f"{format_chemistry(field, float(str(value)))} %"
        except ValueError:
            return f"{value} %"
    if field == "disposition":
        return _disposition(value)
    if field == "kind" and str(value) in {k.value for k in SampleKind}:
        return _(SAMPLE_KIND_NAMES[SampleKind(str(value))][0])
    if field == "weight_kg":
        return _number(value, "kg")
    if field == "tap_weight_t":
        return _number(value, "t")
    if field == "tap_temp_c":
        return _number(value, "°C", grouped=False)
    if field == "defects":
        return _defects(value)
    if field in ("analysis", "values") and isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda item: element_sort_key(item[0]))
        return ", ".join(f"{el} {value_words(el, v, element=True)}" for el, v in ordered) or "—"
    return str(value)


def _parsed(text: str | None) -> object:
    """A stored value: a JSON object or list as Python; anything else as the text it is."""
    if text is None:
        return None
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


# The order a record's fields are read in (a heat's, an ingot's).
_RECORD_ORDER = ("converter", "tapped_at", "production_date", "shift", "grade", "tap_weight_t", "tap_temp_c",
                 "weight_kg", "disposition", "defects", "inspector", "judged_at", "notes", "analysis")


def record_words(record: object) -> str:
    """An inserted record (a JSON object of its fields), field by field in words."""
    if not isinstance(record, dict):
        return str(record)
    names = _field_names()
    parts = []
    order = [k for k in _RECORD_ORDER if k in record] + sorted(k for k in record if k not in _RECORD_ORDER)
    for key, value in ((key, record[key]) for key in order):
        if value is None or (value in ("", {}) and key != "defects") or key == "judged_at":
            continue  # empty, or when it was judged: the entry's own time says it
        parts.append(f"{names.get(key, key)} {value_words(key, value)}")
    return " · ".join(parts)


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as the history shows it."""

    when: str
    who: str
    action: str
    what: str
    change: str
    reason: str


def _what(e: AuditEntry) -> str:
    names = _field_names()
    key = e.entity_key.split("/", 1)[1] if "/" in e.entity_key else e.entity_key
    if e.entity == "ingot":
        thing = tr("ingot {n}").format(n=key)
    elif e.entity == "analysis":
        return tr("analysis · {element}").format(element=e.field or key)
    elif e.entity == "heat":
        thing = tr("heat {heat_no}").format(heat_no=key)
    elif e.entity == "sample":
        thing = tr("sample {sample}").format(sample=key)
    elif e.entity == "alert":  # a dismissal of an off-grade announcement (issue 14)
        return tr("off-grade announcement · {element}").format(element=key.rsplit("/", 1)[-1])
    else:
        thing = f"{e.entity} {key}"
    return thing + (f" · {names.get(e.field, e.field)}" if e.field else "")


def _action(e: AuditEntry, before: AuditEntry | None) -> str:
    """entered, judged (a first judgement), corrected (a value changed), removed, voided, warned."""
    if e.field == "plausibility":
        return tr("warned")
    if e.entity == "alert" and e.field == "dismissed":
        return tr("dismissed")
    if e.field == "voided":
        return tr("voided")
    if e.action == "insert":
        return tr("entered")
    if e.action == "delete" or (e.action == "update" and e.new_value in (None, "")):
        return tr("removed")
    first_judgement = e.entity == "ingot" and e.field == "disposition" and e.old_value == Disposition.PENDING
    if first_judgement:
        return tr("judged")
    if e.entity == "ingot" and e.field == "inspector" and before is not None and (
            before.entity_key, before.field, before.user) == (e.entity_key, "disposition", e.user):
        return _action(before, None)  # who judged it: part of that judgement or correction
    if e.old_value in (None, "", "[]"):
        return tr("entered")
    return tr("corrected")


def _change(e: AuditEntry) -> str:
    field = e.field or ""
    element = e.entity == "analysis"
    if e.field == "voided":
        return tr("voided (was: {record})").format(record=record_words(_parsed(e.old_value)))
    if e.field == "plausibility":
        return plausibility.recorded_text(e.new_value or "")
    if e.entity == "alert" and isinstance(logged := _parsed(e.new_value), dict):
        return alerts.dismissal_text(logged)
    if e.action == "insert" and e.old_value is None and not element:
        return record_words(_parsed(e.new_value))
    old, new = _parsed(e.old_value), _parsed(e.new_value)
    if e.action == "insert" or old in (None, ""):
        return value_words(field, new, element)
    return f"{value_words(field, old, element)} → {value_words(field, new, element)}"


def history_rows(entries: list[AuditEntry]) -> list[HistoryRow]:
    """The entries of a heat's history in words, oldest first."""
    rows = []
    for i, e in enumerate(entries):
        rows.append(HistoryRow(local_time(e.at), e.user, _action(e, entries[i - 1] if i else None), _what(e),
                               _change(e), e.reason or ""))
    return rows


class AuditModel(RowsModel[AuditEntry]):
    """Audit entries as rows: when, who, action, what, the change (old → new), reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.headers = (self.tr("When"), self.tr("Who"), self.tr("Action"), self.tr("What"),
                        self.tr("Change"), self.tr("Reason"))
        self._words: list[HistoryRow] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self._words = history_rows(entries)
        self.set_rows(entries)

    def entry(self, row: int) -> AuditEntry:
        return self.rows[row]

    def words(self, row: int) -> HistoryRow:
        return self._words[row]

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        shown = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if self.row_at(index) is None or not shown:
            return None
        w = self._words[index.row()]
        return (w.when, w.who, w.action, w.what, w.change, w.reason)[index.column()]


class AuditDialog(QDialog):
    """The history of one heat; Esc closes it. Every column fits the width, long texts wrap, and the
    entry under the cursor is said whole below the table."""

    def __init__(self, session: Session, heat_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat_no = heat_no
        self.setWindowTitle(self.tr("History of heat {heat_no}").format(heat_no=heat_no))
        self.model = AuditModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in (COL_WHEN, COL_WHO, COL_ACTION, COL_WHAT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (COL_CHANGE, COL_REASON):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
        buttons = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(1100, 520)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._say(current.row()))
        session.submit(lambda store: store.audit(heat_no), done=self._loaded, failed=self.message.setText,
                       receiver=self)

    def _loaded(self, entries: list[AuditEntry]) -> None:
        self.model.set_entries(entries)
        header = self.table.horizontalHeader()
        header.resizeSections(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))
        self.table.scrollToBottom()

    def _say(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self.detail.clear()
            return
        w = self.model.words(row)
        text = self.tr("{when}, {who}: {action} {what}: {change}").format(
            when=w.when, who=w.who, action=w.action, what=w.what, change=w.change)
        if w.reason:
            text += "\n" + self.tr("Reason: {reason}").format(reason=w.reason)
        self.detail.setText(text)

    # QWidget.resizeEvent: rows grow or shrink with the wrapped text
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.table.resizeRowsToContents()
