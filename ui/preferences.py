"""Preferences: the rate basis that leads, the inspector's name, the database, the language, large text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcdesk.store import current_user
from qcdesk.store.postgres import is_server
from ui import settings as keys
from ui.common import translate_buttons
from ui.session import Session, uri_problem

_ERROR_STYLE = "color: #b00020;"
_MAX_NAME = 80


class PreferencesDialog(QDialog):
    """Edits the preferences kept in the settings file; the basis applies at once, the rest at
    the next start (each says so)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Preferences"))
        stored = keys.settings()

        self.basis_box = QComboBox(self)
        self.basis_box.addItem(self.tr("by weight (plant practice)"), "weight")
        self.basis_box.addItem(self.tr("by count of ingots"), "count")
        self.basis_box.setCurrentIndex(max(self.basis_box.findData(
            stored.value(keys.LEADING_BASIS, "weight", str)), 0))

        self.inspector_edit = QLineEdit(str(stored.value(keys.INSPECTOR, "", str)), self)
        self.inspector_edit.setMaxLength(_MAX_NAME)
        self.inspector_edit.setPlaceholderText(current_user(None))
        self.inspector_error = self._error()

        self.database_edit = QLineEdit(str(stored.value(keys.DATABASE, "", str)), self)
        self.database_edit.setPlaceholderText(session.location)
        self.database_button = QPushButton(self.tr("C&hoose…"), self)
        self.database_button.clicked.connect(self._choose_database)
        self.database_error = self._error()
        database_row = QHBoxLayout()
        database_row.addWidget(self.database_edit, 1)
        database_row.addWidget(self.database_button)

        self.language_box = QComboBox(self)
        self.language_box.addItem("English", "en")
        self.language_box.addItem("中文", "zh")
        self.language_box.setCurrentIndex(max(self.language_box.findData(
            stored.value(keys.LANGUAGE, "en", str)), 0))

        self.large_text_box = QCheckBox(self.tr("Lar&ge text: the whole window's text, rows and charts "
                                                "about a third larger"), self)
        self.large_text_box.setChecked(stored.value(keys.LARGE_TEXT, False, bool) is True)

        form = QFormLayout()
        form.addRow(self.tr("Leading rate &basis:"), self.basis_box)
        form.addRow("", self._note(self.tr("Both bases are always computed; this one is shown first. "
                                           "Applies at once.")))
        form.addRow(self.tr("&Inspector name:"), self.inspector_edit)
        form.addRow("", self.inspector_error)
        if session.has_people:  # the signed-in person is the inspector: no name to set here
            self.inspector_edit.setEnabled(False)
            self.inspector_edit.setText(session.person.name if session.person else "")
            self.inspector_edit.setPlaceholderText("")
            inspector_note = self.tr("This database has people: the signed-in person is the inspector "
                                     "and the author of every change.")
        else:
            inspector_note = self.tr("Written into the audit log with every change. "
                                     "Blank: the computer's user name. Applies at the next start.")
        form.addRow("", self._note(inspector_note))
        database_label = QLabel(self.tr("&Database:"), self)
        database_label.setBuddy(self.database_edit)  # a row of two widgets gets no buddy of its own
        form.addRow(database_label, database_row)
        form.addRow("", self.database_error)
        form.addRow("", self._note(self.tr("Blank: the default location. A new file is created at the "
                                           "next start. Applies at the next start.")))
        form.addRow("", self._note(self.tr("Plant mode: the postgresql:// URI of the workshop's database on "
                                           "its server (postgresql://user@host:5432/qc). Keep its password "
                                           "in ~/.pgpass rather than in the URI.")))
        form.addRow(self.tr("&Language:"), self.language_box)
        form.addRow("", self._note(self.tr("Applies at the next start.")))
        form.addRow("", self.large_text_box)
        form.addRow("", self._note(self.tr("For a screen read from a distance (at the converter). Kept for "
                                           "this workstation. Applies at the next start.")))

        ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        buttons = translate_buttons(QDialogButtonBox(ok_cancel, self))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _error(self) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(_ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _note(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label

    def _choose_database(self) -> None:
        typed = self.database_edit.text().strip()
        start = typed if typed and not is_server(typed) else (
            "" if self.session.server is not None else str(self.session.path))
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Database file"), start, self.tr("qcdesk databases (*.sqlite);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.database_edit.setText(path)

    def _check(self) -> bool:
        """Say beside each field what is wrong; True when everything can be kept."""
        ok = True
        name = self.inspector_edit.text().strip()
        if any(ord(ch) < 32 for ch in name):
            self._say(self.inspector_error, self.tr("a name cannot hold control characters"))
            ok = False
        else:
            self.inspector_error.hide()
        database = self.database_edit.text().strip()
        if is_server(database):
            problem = uri_problem(database)
            if problem:
                self._say(self.database_error, self.tr("this URI cannot be read: {problem}").format(
                    problem=problem))
                ok = False
            else:
                self.database_error.hide()
        elif database:
            path = Path(database).expanduser()
            if path.is_dir():
                self._say(self.database_error, self.tr("this is a folder: name a file in it"))
                ok = False
            elif not path.parent.is_dir():
                self._say(self.database_error, self.tr("the folder {folder} does not exist").format(
                    folder=path.parent))
                ok = False
            else:
                self.database_error.hide()
        else:
            self.database_error.hide()
        return ok

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()

    # QDialog.accept: keep the preferences (only when every field is fine; input stays otherwise)
    def accept(self) -> None:
        if not self._check():
            return
        stored = keys.settings()
        old_basis = stored.value(keys.LEADING_BASIS, "weight", str)
        basis = self.basis_box.currentData()
        stored.setValue(keys.LEADING_BASIS, basis)
        if self.inspector_edit.isEnabled():  # with people, the name kept for databases without stays
            stored.setValue(keys.INSPECTOR, self.inspector_edit.text().strip())
        database = self.database_edit.text().strip()
        stored.setValue(keys.DATABASE, database if is_server(database) else
                        str(Path(database).expanduser().resolve()) if database else "")
        stored.setValue(keys.LANGUAGE, self.language_box.currentData())
        stored.setValue(keys.LARGE_TEXT, self.large_text_box.isChecked())
        stored.sync()
        if basis != old_basis:
            self.session.changed.emit("preferences")  # views showing rates put the other basis first
        super().accept()
