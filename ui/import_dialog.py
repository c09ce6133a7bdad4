"""Import heats, ingots or the lab's analyses from the core's CSV formats, off the GUI thread, with
progress and Cancel.

The work is `qcdesk.csvio.import_heats` / `import_ingots` (`qcdesk.samples_io.import_analyses`,
as `qcdesk import analyses` does) on the session's "long"
lane: the whole file in one transaction, or nothing. A refused file's problems
are listed line by line; a cancelled import rolls back.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcdesk import csvio, samples_io
from qcdesk.errors import ImportRefused
from qcdesk.store import Store
from qcdesk.unjudged import describe as describe_unjudged
from ui.session import Cancelled, Session, Task

KINDS = ("heats", "ingots", "analyses")
ENCODINGS = (None, "utf-8", "gb18030")  # None: UTF-8 if it reads so, else GB18030 (the core decides)
REPORT_EVERY = 50  # rows between two progress reports (a report per row would flood the GUI thread)


class ImportDialog(QDialog):
    """Pick a CSV file and import it whole, or see line by line why not."""

    def __init__(self, session: Session, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"kind is one of {KINDS}, not {kind!r}")
        self.session = session
        self.kind = kind
        self.task: Task | None = None
        self._refused: ImportRefused | None = None
        self.setWindowTitle({"heats": self.tr("Import heats"), "ingots": self.tr("Import ingots"),
                             "analyses": self.tr("Import analyses")}[kind])

        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.tr("a .csv file"))
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.encoding_box = QComboBox(self)
        for name, value in zip((self.tr("automatic (UTF-8, else GB18030)"), "UTF-8", "GB18030"), ENCODINGS,
                               strict=True):
            self.encoding_box.addItem(name, value)
        form = QFormLayout()
        file_label = QLabel(self.tr("&File:"), self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        form.addRow(self.tr("&Encoding:"), self.encoding_box)
        columns = (", ".join(csvio.HEAT_COLUMNS) + self.tr(", then one column per element (C, Si, …)")
                   if kind == "heats" else ", ".join(csvio.INGOT_COLUMNS))
        if kind == "analyses":
            columns = ", ".join(samples_io.ANALYSIS_COLUMNS) + self.tr(
                ", then one column per element (C, Si, …)")
        self.columns_label = QLabel(self.tr("Columns: {columns}").format(columns=columns), self)
        self.columns_label.setWordWrap(True)
        form.addRow("", self.columns_label)
        # analyses: a heat sample for a heat that has an analysis replaces it only with a reason
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("import_reason")
        self.reason_edit.setPlaceholderText(self.tr("only to replace heat analyses already there"))
        reason_label = QLabel(self.tr("&Reason for heat-sample corrections:"), self)
        reason_label.setBuddy(self.reason_edit)
        self.reason_note = QLabel(self.tr(
            "A heat sample in the file replaces a heat's analysis of other values only with a reason (a "
            "correction, kept in the heat's history); without one such a line is refused, and nothing is "
            "imported."), self)
        self.reason_note.setWordWrap(True)
        if kind == "analyses":
            form.addRow(reason_label, self.reason_edit)
            form.addRow("", self.reason_note)
        else:
            for widget in (reason_label, self.reason_edit, self.reason_note):
                widget.hide()

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems = QListWidget(self)
        self.problems.hide()

        self.import_button = QPushButton(self.tr("&Import"), self)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problems, 10)
        layout.addStretch(1)  # holds the rest while no problems are listed
        layout.addLayout(buttons)
        self.resize(640, 420)

    @property
    def running(self) -> bool:
        return self.task is not None

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.windowTitle(), self.path_edit.text(),
                                                    self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.path_edit.setText(path)

    def start(self) -> None:
        """Run the import on the "long" lane."""
        if self.running:
            return
        text = self.path_edit.text().strip()
        if not text:
            self.status_label.setText(self.tr("Pick a file to import."))
            self.path_edit.setFocus()
            return
        path, encoding = Path(text), self.encoding_box.currentData()
        run = csvio.import_heats_summary if self.kind == "heats" else csvio.import_ingots
        if self.kind == "analyses":
            run = partial(samples_io.import_analyses, reason=self.reason_edit.text().strip() or None)
        self._refused = None
        self.problems.clear()
        self.problems.hide()
        self.progress.setRange(0, 0)  # busy until the first row is saved: the file is being checked
        self.status_label.setText(self.tr("Reading and checking {name}…").format(name=path.name))
        self._set_running(True)

        def work(store: Store, task: Task) -> int | csvio.HeatsImported:
            def progress(done: int, total: int) -> None:
                if task.cancelled:
                    raise Cancelled
                if done % REPORT_EVERY == 0 or done == total:
                    task.report(done, total)

            try:
                return run(store, path, encoding=encoding, progress=progress)
            except ImportRefused as exc:
                self._refused = exc  # read on the GUI thread once the job has been delivered
                raise

        self.task = self.session.submit_task(work, done=self._imported, failed=self._failed,
                                             receiver=self, changes="import")
        self.task.progress.connect(self._progress)
        self.task.destroyed.connect(self._ended)

    def _set_running(self, running: bool) -> None:
        for widget in (self.path_edit, self.browse_button, self.encoding_box, self.import_button,
                       self.reason_edit):
            widget.setEnabled(not running)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status_label.setText(self.tr("Saving row {done} of {total}…").format(done=done, total=total))

    def _imported(self, result: int | csvio.HeatsImported) -> None:
        self.task = None
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if isinstance(result, csvio.HeatsImported):  # and the heats no standard edition judges
            self.status_label.setText("\n".join([self.tr("{n} heats imported.").format(n=result.count),
                                                 *describe_unjudged(result.unjudged)]))
        elif self.kind == "analyses":
            self.status_label.setText(self.tr("{n} sample(s) imported.").format(n=result))
        else:
            self.status_label.setText(self.tr("{n} ingots imported.").format(n=result))
        self.cancel_button.setText(self.tr("Close"))

    def _failed(self, message: str) -> None:
        self.task = None
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        refused = self._refused
        if refused is None:
            self.status_label.setText(message)
            return
        self.status_label.setText(self.tr("Nothing imported: {n} problem(s) found in the file.").format(
            n=len(refused.problems)))
        self.problems.addItems([str(p) for p in refused.problems])
        self.problems.show()

    def _ended(self) -> None:
        """The task is gone; if neither done nor failed was called, it was cancelled."""
        if self.task is not None:
            self.task = None
            self._set_running(False)
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.status_label.setText(self.tr("Cancelled: nothing imported."))

    # QDialog.reject: Cancel (or Escape) stops a running import first
    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText(self.tr("Cancelling…"))
            return
        super().reject()

    # QWidget.closeEvent: closing the window cancels a running import too
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()
            event.ignore()
            return
        super().closeEvent(event)
