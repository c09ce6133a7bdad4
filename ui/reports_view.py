"""The Reports view: pick a day or a heat, preview its PDF in the window, save it, print it.

The PDF is made by `reports` on the session's worker thread (it reads the database);
the view only shows the bytes it gets back. Printing renders each page of the
previewed document onto the printer's painter; the dialog step is separate from
the printing step, so the printing can be tested without a dialog.

reportlab is imported by the work itself, on the worker, the first time a document is made:
not while the window starts, nor on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCompleter,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcdesk.errors import QcError
from qcdesk.outputs import check_target
from qcdesk.store import Store
from reports.cli import default_name
from ui.common import qdate, to_date, warn
from ui.session import Session

# Pages are rendered for the printer at its resolution, but at most this many dots per inch:
# an A4 page at a printer's 1200 dpi would be a 550 MB image; 300 dpi prints text cleanly.
MAX_PRINT_DPI = 300


def _daily(store: Store, day: date) -> bytes:
    from reports import daily  # noqa: PLC0415 - see the module's docstring

    return daily.build(store, day)


def _heat_sheet(store: Store, heat_no: str) -> bytes:
    from reports import heat_sheet  # noqa: PLC0415 - see the module's docstring

    return heat_sheet.build(store, heat_no)


class ReportsView(QWidget):
    """Preview, save and print the daily quality report or a heat's inspection sheet."""

    loaded = Signal(int)  # a document is shown: its page count

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._pdf = b""
        self._name = ""
        self._buffer: QBuffer | None = None

        self.day_edit = QDateEdit(self)
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_button = QPushButton(self.tr("Daily rep&ort"), self)
        self.heat_edit = QLineEdit(self)
        self.heat_edit.setPlaceholderText(self.tr("heat number"))
        self._heat_nos = QStringListModel(self)
        completer = QCompleter(self._heat_nos, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.heat_edit.setCompleter(completer)
        self.heat_button = QPushButton(self.tr("He&at sheet"), self)
        self.save_button = QPushButton(self.tr("Save a &copy…"), self)
        self.print_button = QPushButton(self.tr("Pri&nt…"), self)
        self.status = QLabel(self)

        self.document = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setDocument(self.document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        bar = QHBoxLayout()
        day_label = QLabel(self.tr("Production &date:"), self)
        day_label.setBuddy(self.day_edit)
        bar.addWidget(day_label)
        bar.addWidget(self.day_edit)
        bar.addWidget(self.day_button)
        bar.addSpacing(16)
        heat_label = QLabel(self.tr("&Heat:"), self)
        heat_label.setBuddy(self.heat_edit)
        bar.addWidget(heat_label)
        bar.addWidget(self.heat_edit)
        bar.addWidget(self.heat_button)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.pdf_view, 1)

        self.day_button.clicked.connect(lambda: self.show_day(to_date(self.day_edit.date())))
        self.heat_button.clicked.connect(lambda: self.show_heat(self.heat_edit.text()))
        self.heat_edit.returnPressed.connect(lambda: self.show_heat(self.heat_edit.text()))
        self.heat_edit.textEdited.connect(self._complete)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_)
        self._set_ready(False)
        session.submit(lambda store: store.date_span(), done=self._set_span, receiver=self)

    # ------------------------------------------------------------ choosing

    def _set_span(self, span: tuple[date, date] | None) -> None:
        if span is not None:
            self.day_edit.setDateRange(qdate(span[0]), qdate(span[1]))
            self.day_edit.setDate(qdate(span[1]))

    def _complete(self, text: str) -> None:
        if text.strip():
            prefix = text.strip()
            self.session.submit(lambda store: store.heat_nos_starting(prefix),
                                done=self._heat_nos.setStringList, receiver=self)

    def show_day(self, day: date) -> None:
        """Make and show the daily quality report of a production date."""
        self.day_edit.setDate(qdate(day))
        self._make(lambda store: _daily(store, day), default_name("daily", day.isoformat()).name,
                   self.tr("Making the daily report of {date}…").format(date=day.isoformat()))

    def show_heat(self, heat_no: str) -> None:
        """Make and show the inspection sheet of a heat."""
        heat_no = heat_no.strip()
        if not heat_no:
            self.status.setText(self.tr("Type a heat number."))
            return
        self.heat_edit.setText(heat_no)
        self._make(lambda store: _heat_sheet(store, heat_no), default_name("heat", heat_no).name,
                   self.tr("Making the inspection sheet of heat {heat_no}…").format(heat_no=heat_no))

    def _make(self, work: Callable[[Store], bytes], name: str, message: str) -> None:
        self.status.setText(message)
        self.day_button.setEnabled(False)
        self.heat_button.setEnabled(False)
        self.session.submit(work, done=lambda pdf: self._show(pdf, name), failed=self._failed,
                            receiver=self)

    def _failed(self, message: str) -> None:
        self.day_button.setEnabled(True)
        self.heat_button.setEnabled(True)
        self.status.setText(message)

    def _show(self, pdf: bytes, name: str) -> None:
        """Load the made PDF into the preview (from memory: a QBuffer over the bytes)."""
        self.day_button.setEnabled(True)
        self.heat_button.setEnabled(True)
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._pdf, self._name = pdf, name
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        ok = self.document.status() == QPdfDocument.Status.Ready
        self._set_ready(ok)
        pages = self.document.pageCount()
        self.status.setText(self.tr("{name}: {pages} page(s)").format(name=name, pages=pages) if ok
                            else self.tr("The PDF could not be shown."))
        if ok:
            self.loaded.emit(pages)

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    @property
    def pdf(self) -> bytes:
        """The bytes of the document shown ("" when none)."""
        return self._pdf

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        """Ask where, then save the document shown."""
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the report"), self._name,
                                                    self.tr("PDF files (*.pdf)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            check_target(path, self.session.path, force=True)  # the dialog asked before replacing
            path.write_bytes(self._pdf)
        except QcError as exc:  # the database or a file kept for it, a folder: refused, said
            warn(self, self.tr("Save the report"), str(exc))
            return False
        except OSError as exc:
            warn(self, self.tr("Save the report"), self.tr("{path}: {error}").format(
                path=path, error=exc.strerror or exc))
            return False
        self.status.setText(self.tr("Saved: {path}").format(path=path))
        return True

    # ------------------------------------------------------------ printing

    def print_(self) -> None:
        """The system's print dialog, then the printing."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setDocName(self._name)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Render every page of the document shown onto the printer, each page fitted to the paper."""
        pages = self.document.pageCount()
        if not pages:
            return False
        if printer.outputFileName():  # "print to file" writes a file too: never over the database's
            try:
                check_target(Path(printer.outputFileName()), self.session.path, force=True)
            except QcError as exc:
                warn(self, self.tr("Print"), str(exc))
                return False
        printer.setFullPage(True)  # the PDF carries its own margins
        first, last = 0, pages - 1
        if printer.fromPage() > 0:
            first, last = printer.fromPage() - 1, min(printer.toPage() or pages, pages) - 1
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText(self.tr("The printer could not be started."))
            return False
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            paper = printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
            for page in range(first, last + 1):
                if page > first:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                image = self.document.render(page, QSize(round(points.width() * dpi / 72),
                                                         round(points.height() * dpi / 72)))
                scale = min(paper.width() / image.width(), paper.height() / image.height())
                target = QRect(0, 0, round(image.width() * scale), round(image.height() * scale))
                painter.drawImage(target, image)
        finally:
            painter.end()
        self.status.setText(self.tr("Sent to the printer: {pages} page(s)").format(pages=last - first + 1))
        return True
