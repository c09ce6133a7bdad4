"""A heat's samples from the lab: the list (each product analysis judged element by element, as the
core's qcdesk.product decides), and the dialog that enters a preliminary or a product sample."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk import product
from qcdesk.errors import InputError
from qcdesk.i18n import _
from qcdesk.model import ELEMENTS, SAMPLE_KIND_NAMES, STATUS_NAMES, ChemStatus, Heat, Sample, SampleKind
from qcdesk.model import element_sort_key as _order
from qcdesk.numbers import CHEMISTRY_PCT, format_chemistry, parse_optional
from qcdesk.product import (
    ProductCheck,
    ProductElement,
    ProductVerdict,
    failing_text,
    range_text,
    tolerance_text,
)
from qcdesk.store import NewSample
from ui.common import BAD_BACKGROUND, ERROR_STYLE, GOOD_BACKGROUND, Note, RowsModel, translate_buttons
from ui.heat_entry import TapTimeEdit
from ui.read_only import writes

Index = QModelIndex | QPersistentModelIndex
DASH = "—"
FIXED = 5  # kind, sample, ingot, taken at, entered by; then one column per element, then the verdict
BAD = "#b00020"


def tr(text: str) -> str:
    """A text of the samples in the language in force (named tr: the catalogue test reads its calls)."""
    return QCoreApplication.translate("HeatSamples", text)


def kind_name(kind: SampleKind) -> str:
    return _(SAMPLE_KIND_NAMES[kind][0])


def chemistry(element: str, value: float | None) -> str:
    return DASH if value is None else format_chemistry(element, value)


def element_cell(e: ProductElement) -> str:
    """A product sample's element as the list shows it: value, ✓ or ✗, and the allowed range."""
    if e.value is None:
        return ""
    if e.ok is None:
        return format_chemistry(e.element, e.value)
    mark = "✓" if e.ok else "✗"
    return f"{format_chemistry(e.element, e.value)} {mark} {range_text(e.element, e.low_pct, e.high_pct)}"


def element_why(e: ProductElement, check: ProductCheck) -> str:
    """Why a product value passes or fails, in words: its limits, the tolerance, the range."""
    limits = f"{chemistry(e.element, e.min_pct)} … {chemistry(e.element, e.max_pct)}"
    if check.tolerances is None:
        tolerance = (tr("no tolerance: the heat has no heat analysis of record") if not check.heat_analysis
                     else tr("no tolerance"))
    elif e.below_pct is None and e.above_pct is None:
        tolerance = tr("no tolerance: not in {table}").format(table=check.tolerances.title)
    else:
        tolerance = tr("tolerance {deviation} ({table})").format(deviation=tolerance_text(e),
                                                                 table=check.tolerances.title)
    verdict = tr("inside") if e.ok else tr("outside")
    if e.one_side:
        verdict = tr("fails by the one-side rule: this heat's product analyses of {element} lie outside "
                     "its limits on both sides").format(element=e.element)
    return tr("{element} {value} %: limits {limits}, {tolerance}; allowed {range}: {verdict}").format(
        element=e.element, value=chemistry(e.element, e.value), limits=limits, tolerance=tolerance,
        range=range_text(e.element, e.low_pct, e.high_pct), verdict=verdict)


@dataclass(frozen=True)
class SampleRow:
    """A sample as the list shows it; a product sample with the core's verdict."""

    sample: Sample
    verdict: ProductVerdict | None = None


class SamplesModel(RowsModel[SampleRow]):
    """A heat's samples: kind, number, ingot, taken at, entered by, a column per element, the verdict."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.elements: list[str] = []
        self.check: ProductCheck | None = None
        self.heat_status = ChemStatus.NOT_CHECKED
        self.headers = self._headers()

    def _headers(self) -> tuple[str, ...]:
        return (tr("Kind"), tr("Sample"), tr("Ingot"), tr("Taken at"), tr("Entered by"),
                *(f"{el}, %" for el in self.elements), tr("Verdict"))

    def set_samples(self, samples: list[Sample], check: ProductCheck | None,
                    heat_status: ChemStatus) -> None:
        verdicts = {v.sample.id: v for v in check.samples} if check else {}
        limited = [lim.element for lim in check.standard.limits] if check and check.standard else []
        found = {el for s in samples for el in s.values}
        self.beginResetModel()
        self.check, self.heat_status = check, heat_status
        self.elements = sorted(set(limited) | found, key=_order)
        self.headers = self._headers()
        self.rows = [SampleRow(s, verdicts.get(s.id)) for s in samples]
        self.endResetModel()

    def _element(self, row: SampleRow, column: int) -> tuple[str, ProductElement | None]:
        element = self.elements[column - FIXED]
        if row.verdict is not None:
            found = next((e for e in row.verdict.elements if e.element == element), None)
            if found is not None:
                return element, found
        return element, None

    def _verdict_text(self, row: SampleRow) -> str:
        kind = row.sample.kind
        if kind is SampleKind.PRELIMINARY:
            return tr("not judged (process control)")
        if kind is SampleKind.HEAT:
            return tr("heat analysis of record: {status}").format(status=_(STATUS_NAMES[self.heat_status]))
        if row.verdict is None:
            return _(STATUS_NAMES[ChemStatus.NOT_CHECKED])
        status = _(STATUS_NAMES[row.verdict.status])
        if row.verdict.status is ChemStatus.FAILS:
            return tr("{status}: {elements}").format(status=status, elements=failing_text(row.verdict))
        return status

    def _text(self, row: SampleRow, column: int) -> str:
        s = row.sample
        if column == 0:
            return kind_name(s.kind)
        if column == 1:
            return s.sample_no or DASH
        if column == 2:
            return DASH if s.ingot_no is None else str(s.ingot_no)
        if column == 3:
            return s.taken_at.strftime("%Y-%m-%d %H:%M")
        if column == 4:
            return s.entered_by
        if column == len(self.headers) - 1:
            return self._verdict_text(row)
        element, judged = self._element(row, column)
        if judged is not None:
            return element_cell(judged)
        value = s.values.get(element)
        return "" if value is None else format_chemistry(element, value)

    def failing(self, row: SampleRow, column: int) -> bool:
        if row.verdict is None:
            return False
        if column == len(self.headers) - 1:
            return row.verdict.status is ChemStatus.FAILS
        if FIXED <= column < len(self.headers) - 1:
            judged = self._element(row, column)[1]
            return judged is not None and judged.ok is False
        return False

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row, column = self.row_at(index), index.column()
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        in_elements = FIXED <= column < len(self.headers) - 1
        if role == Qt.ItemDataRole.ToolTipRole:
            if in_elements and row.verdict is not None and self.check is not None:
                judged = self._element(row, column)[1]
                if judged is not None and judged.value is not None and judged.ok is not None:
                    return element_why(judged, self.check)
            if column == len(self.headers) - 1 and row.sample.kind is SampleKind.PRELIMINARY:
                return tr("A preliminary sample is taken from the bath during the blow: process control "
                          "only, never judged.")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(BAD) if self.failing(row, column) else None
        if role == Qt.ItemDataRole.BackgroundRole and in_elements and row.verdict is not None:
            judged = self._element(row, column)[1]
            if judged is not None and judged.ok is not None and judged.value is not None:
                return QColor(GOOD_BACKGROUND if judged.ok else BAD_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and (column == 2 or in_elements):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sample(self, row: int) -> Sample:
        return self.rows[row].sample


def judged_basis(check: ProductCheck | None, grade: str) -> str:
    """What a product analysis of the heat is judged against, in one sentence."""
    if check is None or check.standard is None:
        return tr("Grade {grade} has no edition in force on the tap date: the product analyses are not "
                  "checked.").format(grade=grade)
    if check.tolerances is None:
        if not check.heat_analysis:
            return tr("Product analyses judged against {grade}, {standard} with no tolerance: the heat "
                      "has no heat analysis of record.").format(grade=grade, standard=check.standard.title)
        return tr("Product analyses judged against {grade}, {standard} with no tolerance: no tolerance table "
                  "in force on the tap date.").format(grade=grade, standard=check.standard.title)
    return tr("Product analyses judged against {grade}, {standard}, widened by the tolerances of "
              "{table}.").format(grade=grade, standard=check.standard.title, table=check.tolerances.title)


def basis_text(check: ProductCheck | None, grade: str) -> str:
    """Above the list: what its product analyses are judged against, and how to read them."""
    if check is None or not check.samples:
        return tr("No product analysis yet: a product sample is entered from the ingot grid.")
    said = judged_basis(check, grade)
    if check.standard is not None:
        said += " " + tr("✓ inside, ✗ outside the allowed range shown.")
    return said


class SamplesBox(QGroupBox):
    """The heat's samples, the product analyses judged; buttons to add a preliminary sample and to
    void one entered by mistake."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Samples from the lab"), parent)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        self.model = SamplesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # rows of one line: the heat's samples in sight under the ingots
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.preliminary_button = QPushButton(tr("Add prelimi&nary sample…"), self)
        self.preliminary_button.setToolTip(tr("A sample of the bath during the blow: shown and kept, never "
                                              "judged"))
        self.void_button = QPushButton(tr("Void samp&le…"), self)
        self.void_button.setToolTip(tr("Void the selected preliminary or product sample, with a reason; "
                                       "the heat analysis of record is corrected, not voided"))
        writes(self.preliminary_button, self.void_button)
        self.error = Note(self, ERROR_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.basis, 1)
        buttons.addWidget(self.preliminary_button)
        buttons.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def show_samples(self, samples: list[Sample], check: ProductCheck | None, heat: Heat) -> None:
        current = self.table.currentIndex()
        self.model.set_samples(samples, check, heat.chem_status)
        self.basis.setText(basis_text(check, heat.grade))
        if current.isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(min(current.row(), self.model.rowCount() - 1), 0))

    def selected(self) -> Sample | None:
        index = self.table.currentIndex()
        return self.model.sample(index.row()) if index.isValid() else None


class SampleDialog(QDialog):
    """A preliminary sample of a heat, or a product sample of one of its ingots: the lab's sample
    number, when it was taken, its element values. A product sample's values are judged as they are
    typed (the core's product check, with the heat's other product samples). Save asks the view to
    save it; the core's refusal is said here and what was typed stays."""

    submitted = Signal(object)  # NewSample

    def __init__(self, kind: SampleKind, heat: Heat, check: ProductCheck | None, samples: list[Sample], *,
                 taken_at: datetime, ingot_no: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind, self.heat, self.check, self.ingot_no = kind, heat, check, ingot_no
        self.saving = False  # a save asked and not answered yet: Enter and Save ask once
        self.others = [s for s in samples if s.kind is SampleKind.PRODUCT]
        if kind is SampleKind.PRODUCT:
            title = tr("Product sample of ingot {n} of heat {heat_no}").format(n=ingot_no,
                                                                                heat_no=heat.heat_no)
        else:
            title = tr("Preliminary sample of heat {heat_no}").format(heat_no=heat.heat_no)
        self.setWindowTitle(title)
        heading = QLabel(title, self)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        explain = QLabel(self._explain(), self)
        explain.setWordWrap(True)
        self.sample_no = QLineEdit(self)
        self.sample_no.setObjectName("sample_no")
        self.taken_at = TapTimeEdit(self)
        self.taken_at.setObjectName("taken_at")
        self.taken_at.set_moment(taken_at)
        form = QFormLayout()
        number_label = QLabel(tr("Lab's sample &number:"), self)
        number_label.setBuddy(self.sample_no)
        taken_label = QLabel(tr("&Taken at:"), self)
        taken_label.setBuddy(self.taken_at)
        form.addRow(number_label, self.sample_no)
        form.addRow(taken_label, self.taken_at)

        self.grid = QGridLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.ranges: dict[str, QLabel] = {}
        self.marks: dict[str, QLabel] = {}
        heads = (tr("Element"), tr("Value, %"), tr("Allowed, %") if kind is SampleKind.PRODUCT else "", "")
        for col, head in enumerate(heads):
            self.grid.addWidget(QLabel(f"<b>{head}</b>" if head else "", self), 0, col)
        limited = [lim.element for lim in check.standard.limits] if check and check.standard else []
        for element in sorted(limited, key=_order) or ["C", "Si", "Mn", "P", "S"]:
            self._add_row(element)
        self.grid.setColumnStretch(4, 1)
        self.other = QLineEdit(self)
        self.other.setObjectName("other_element")
        hint = tr("e.g. Cr; Enter adds it")
        self.other.setPlaceholderText(hint)
        self.other.setMinimumWidth(self.other.fontMetrics().horizontalAdvance(hint) + 24)
        other_label = QLabel(tr("An&other element:"), self)
        other_label.setBuddy(self.other)
        self.other.returnPressed.connect(self._add_other)
        other_row = QHBoxLayout()
        other_row.addWidget(other_label)
        other_row.addWidget(self.other)
        other_row.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("sample_status")
        self.status.setWordWrap(True)
        self.error = Note(self, ERROR_STYLE)
        self.error.setObjectName("sample_error")
        self.buttons = translate_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self))
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for b in self.buttons.buttons():
            if isinstance(b, QPushButton):  # Enter in a value saves through returnPressed, once
                b.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addLayout(self.grid)
        layout.addLayout(other_row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.judge()
        self.sample_no.setFocus()
        self.setMinimumWidth(520)

    def _explain(self) -> str:
        if self.kind is SampleKind.PRELIMINARY:
            return tr("Taken from the bath during the blow (up to 2 hours before the tap): process control "
                      "only, shown and kept, never judged.")
        return tr("Drillings of the ingot; judged as typed, with the heat's other product samples.") + " " + (
            judged_basis(self.check, self.heat.grade))

    def _add_row(self, element: str) -> QLineEdit:
        row = len(self.edits) + 1
        name = QLabel(element, self)
        edit = QLineEdit(self)
        edit.setObjectName(f"sample_{element}")
        edit.setMaximumWidth(110)
        edit.textEdited.connect(lambda _t: self.judge())
        edit.returnPressed.connect(self.submit)
        name.setBuddy(edit)
        allowed = QLabel(self)
        mark = QLabel(self)
        for col, widget in enumerate((name, edit, allowed, mark)):
            self.grid.addWidget(widget, row, col)
        previous = list(self.edits.values())
        QWidget.setTabOrder(previous[-1] if previous else self.taken_at, edit)
        self.edits[element] = edit
        self.ranges[element] = allowed
        self.marks[element] = mark
        return edit

    def _add_other(self) -> None:
        element = self.other.text().strip()
        element = element[:1].upper() + element[1:].lower()
        if element not in ELEMENTS:
            self.error.setText(tr("{element!r} is not a chemical element").format(element=element))
            return
        self.error.clear()
        self.other.clear()
        edit = self.edits.get(element) or self._add_row(element)
        self.judge()
        edit.setFocus()

    def parsed(self) -> tuple[dict[str, float], dict[str, str]]:
        """The typed values read with the number grammar, and the refused ones with why."""
        values: dict[str, float] = {}
        bad: dict[str, str] = {}
        for el, edit in self.edits.items():
            try:
                value = parse_optional(edit.text(), el, CHEMISTRY_PCT)
            except InputError as exc:
                bad[el] = exc.problem
                continue
            if value is not None:
                values[el] = value
        return values, bad

    def judge(self) -> ProductVerdict | None:
        """A product sample's values judged as typed, by the core, beside the heat's other product
        samples (the one-side rule looks at them all); a preliminary one is not judged."""
        values, bad = self.parsed()
        verdict = None
        if self.kind is SampleKind.PRODUCT and self.check is not None:
            typed = Sample(0, self.heat.heat_no, SampleKind.PRODUCT, self.sample_no.text().strip() or None,
                           self.ingot_no, self.heat.tapped_at, "", values)
            judged = product.check(self.check.standard, self.check.tolerances, self.check.heat_analysis,
                                   [*self.others, typed])
            verdict = judged.samples[-1]
        elements = {e.element: e for e in verdict.elements} if verdict else {}
        for el, edit in self.edits.items():
            e = elements.get(el)
            self.ranges[el].setText(range_text(el, e.low_pct, e.high_pct) if e and e.limited else "")
            if el in bad:
                colour, text, tip = "#ffe2a8", tr("not a number"), bad[el]
            elif e is None or e.ok is None:
                colour, text, tip = "", "", ""
            elif e.ok:
                colour, text, tip = GOOD_BACKGROUND, tr("inside"), element_why(e, judged)
            else:
                colour, text, tip = BAD_BACKGROUND, (tr("outside: one side only") if e.one_side
                                                     else tr("outside")), element_why(e, judged)
            edit.setStyleSheet(f"QLineEdit {{ background: {colour}; }}" if colour else "")
            edit.setToolTip(tip)
            self.marks[el].setText(text)
            self.marks[el].setToolTip(tip)
        if verdict is None:
            self.status.clear()
        else:
            status = _(STATUS_NAMES[verdict.status])
            self.status.setText(tr("Product analysis: {status}").format(status=status))
            failing = verdict.status is ChemStatus.FAILS
            self.status.setStyleSheet(f"color: {BAD}; font-weight: bold;" if failing else "")
        return verdict

    def submit(self) -> None:
        """Save: the sample as typed goes to the view, which saves it (or says here why not)."""
        if self.saving:
            return
        values, bad = self.parsed()
        if bad:
            self.error.setText("; ".join(f"{el}: {why}" for el, why in bad.items()))
            return
        try:
            taken = self.taken_at.moment()
        except InputError as exc:
            self.error.setText(str(exc))
            self.taken_at.setFocus()
            return
        self.error.clear()
        self.saving = True
        self.submitted.emit(NewSample(self.heat.heat_no, self.kind, values,
                                      sample_no=self.sample_no.text().strip() or None,
                                      ingot_no=self.ingot_no, taken_at=taken))

    def refused(self, message: str) -> None:
        """The core's refusal, said plainly; what was typed stays."""
        self.saving = False
        self.error.setText(message)
