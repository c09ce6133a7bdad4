"""Records you can trust, on screen: the first administrator, signing in, signing a shift or a
day with the PIN again, voiding with a reason, and the people of the database.

Every PIN is checked or hashed on the worker (scrypt at OWASP's cost takes about a second);
the dialogs wait with their buttons off and say the core's refusals plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qcdesk.errors import InputError, QcError
from qcdesk.i18n import _
from qcdesk.people import MIN_PIN_LENGTH, ROLE_NAMES, Person, Role, check_pin_rules
from qcdesk.signoff import MEANINGS, STATUS_NAMES, Kind, Signoff, Status
from qcdesk.store import Store
from ui.common import ERROR_STYLE, Note, RowsModel, guarded, translate_buttons
from ui.read_only import writes
from ui.session import Session

Index = QModelIndex | QPersistentModelIndex


def role_name(role: str) -> str:
    """A role in the language in force (the core's catalogue)."""
    try:
        return _(ROLE_NAMES[Role(role)])
    except ValueError:
        return role


def person_text(person: Person) -> str:
    return f"{person.name} ({role_name(person.role)})"


def signoff_text(standing: Signoff) -> str:
    """Unsigned (DRAFT) / signed by X (role) at T: meaning / changed since signed: to be signed again."""
    status = _(STATUS_NAMES[standing.status])
    sig = standing.signature
    if sig is None:
        return status
    signed = QCoreApplication.translate("Records", "signed by {name} ({role}) at {time}: {meaning}").format(
        name=sig.signer, role=role_name(sig.role), time=sig.signed_at[:16].replace("T", " "),
        meaning=_(MEANINGS.get(Kind(sig.kind), sig.meaning)))
    if standing.status is Status.SIGNED:
        return signed
    return QCoreApplication.translate("Records", "{status} (was {signed})").format(
        status=status, signed=signed)


def _pin_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setObjectName(name)
    return edit


def pin_rules_text() -> str:
    return QCoreApplication.translate(
        "Records", "A PIN has at least {n} characters (letters, digits, signs); it is asked again "
        "whenever you sign.").format(n=MIN_PIN_LENGTH)


def check_new_pin(pin: str, again: str) -> str | None:
    """What is wrong with a new PIN typed twice, or None."""
    if pin != again:
        return QCoreApplication.translate("Records", "The two PINs differ: type the same PIN twice.")
    try:
        check_pin_rules(pin)
    except InputError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- the first administrator


class FirstAdminPage(QWidget):
    """A new database asks for its first administrator: name, PIN twice, the rules said."""

    created = Signal(object)  # the Person, signed in

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        heading = QLabel(self.tr("A new database: who administers it?"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        explain = QLabel(self.tr(
            "The administrator adds the inspectors and workshop heads and resets their PINs. "
            "Everyone signs in with a name and a PIN; inspectors close shifts, workshop heads "
            "sign days.") + "\n" + pin_rules_text(), self)
        explain.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setObjectName("admin_name")
        self.pin = _pin_edit(self, "admin_pin")
        self.again = _pin_edit(self, "admin_pin_again")
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&PIN:"), self.pin)
        form.addRow(self.tr("PIN &again:"), self.again)
        self.create_button = QPushButton(self.tr("&Create the administrator"), self)
        self.create_button.setDefault(True)
        writes(self.create_button)
        self.create_button.setMinimumHeight(40)
        self.message = Note(self, ERROR_STYLE)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (heading, explain):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.create_button)
        layout.addWidget(self.message)
        layout.addStretch(2)
        self.setMaximumWidth(640)
        self.create_button.clicked.connect(self.create_admin)
        for edit in (self.name, self.pin, self.again):
            edit.returnPressed.connect(self.create_admin)

    def create_admin(self) -> None:
        name, pin = self.name.text().strip(), self.pin.text()
        if not name:
            self.message.setText(self.tr("Type the administrator's name."))
            return
        problem = check_new_pin(pin, self.again.text())
        if problem:
            self.message.setText(problem)
            return
        self.create_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Creating the administrator…"))

        def work(store: Store) -> Person:
            store.add_person(name, Role.ADMIN, pin)
            return store.login(name, pin)

        self.session.submit(work, done=self._created, failed=self._failed, receiver=self, changes="people")

    def _created(self, person: Person) -> None:
        self.session.adopt(person)
        self.message.clear()
        self.created.emit(person)

    def _failed(self, message: str) -> None:
        self.create_button.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(message)


# ---------------------------------------------------------------- signing in


class SignInDialog(QDialog):
    """Name (completed from the active people) and PIN; a wrong PIN or a lock-out said plainly."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Sign in — {path}").format(path=session.path.name))
        self.name = QLineEdit(self)
        self.name.setObjectName("sign_in_name")
        self.pin = _pin_edit(self, "sign_in_pin")
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&PIN:"), self.pin)
        self.message = Note(self, ERROR_STYLE)
        self.buttons = translate_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Sign in"))
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("This database has people and roles: sign in to work."), self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(420, self.sizeHint().height())
        session.submit(lambda store: [p.name for p in store.people() if p.active], done=self._names,
                       receiver=self)

    def _names(self, names: list[str]) -> None:
        completer = QCompleter(names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.name.setCompleter(completer)

    def sign_in(self) -> None:
        name, pin = self.name.text().strip(), self.pin.text()
        if not name or not pin:
            self.message.setText(self.tr("Type your name and your PIN."))
            return
        self.ok.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Checking the PIN…"))
        self.session.sign_in(name, pin, done=lambda _p: self.accept(), failed=self._refused, receiver=self)

    def _refused(self, message: str) -> None:
        self.ok.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(self.tr("Not signed in: {why}.").format(why=message))
        self.pin.clear()
        self.pin.setFocus()


# ---------------------------------------------------------------- signing a shift or a day


class SignDialog(QDialog):
    """What is signed and what it means; the PIN again; the core's refusal said, nothing changed."""

    signed = Signal(object)

    def __init__(self, session: Session, title: str, what: str,
                 work: Callable[[Store, str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._work = work
        self.setWindowTitle(title)
        said = QLabel(what, self)
        said.setWordWrap(True)
        who = session.person.name if session.person else "—"
        self.pin = _pin_edit(self, "sign_pin")
        form = QFormLayout()
        form.addRow(self.tr("Signed by:"), QLabel(who, self))
        form.addRow(self.tr("Your &PIN:"), self.pin)
        self.message = Note(self, ERROR_STYLE)
        self.buttons = translate_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Sign"))
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def sign(self) -> None:
        pin = self.pin.text()
        if not pin:
            self.message.setText(self.tr("Type your PIN: signing asks for it again."))
            return
        self.ok.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Checking the PIN…"))
        work = self._work
        self.session.submit(guarded(lambda store: work(store, pin)), done=self._answered,
                            failed=self._refused, receiver=self, changes="signoff")

    def _answered(self, result: object) -> None:
        if isinstance(result, QcError):
            self._refused(str(result))
            return
        self.signed.emit(result)
        self.accept()

    def _refused(self, message: str) -> None:
        self.ok.setEnabled(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(self.tr("Not signed: {why}.").format(why=message))
        self.pin.clear()
        self.pin.setFocus()


# ---------------------------------------------------------------- voiding


class VoidDialog(QDialog):
    """Void (never delete) a record: what is voided, and why (OK only with a reason); the
    core's refusal is said in the dialog and nothing changes."""

    voided = Signal()

    def __init__(self, session: Session, what: str, work: Callable[[Store, str], object],
                 changes: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._work = work
        self._changes = changes
        self.setWindowTitle(self.tr("Void"))
        said = QLabel(what + "\n" + self.tr(
            "A voided record leaves every list, rate and report; it stays in the database and its "
            "history."), self)
        said.setWordWrap(True)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("void_reason")
        label = QLabel(self.tr("&Reason (goes into the heat's history):"), self)
        label.setBuddy(self.edit)
        self.message = Note(self, ERROR_STYLE)
        self.buttons = translate_buttons(QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self))
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Void"))
        self.ok.setEnabled(False)
        self.edit.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.void)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(said)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())

    def reason(self) -> str:
        return self.edit.text().strip()

    def void(self) -> None:
        reason = self.reason()
        if not reason:
            return
        self.ok.setEnabled(False)
        work = self._work
        self.session.submit(guarded(lambda store: work(store, reason)), done=self._answered,
                            failed=self._refused, receiver=self, changes=self._changes)

    def _answered(self, result: object) -> None:
        if isinstance(result, QcError):
            self._refused(str(result))
            return
        self.voided.emit()
        self.accept()

    def _refused(self, message: str) -> None:
        self.ok.setEnabled(True)
        self.message.setText(self.tr("Not voided: {why}.").format(why=message))


# ---------------------------------------------------------------- people


class PeopleModel(RowsModel[Person]):
    """The people of the database: name, role, active, locked (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.headers = (self.tr("Name"), self.tr("Role"), self.tr("Active"), self.tr("Locked out until"))

    def set_people(self, people: list[Person]) -> None:
        self.set_rows(people)

    # QAbstractItemModel.data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        p = self.row_at(index)
        if p is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        locked = p.locked_until.strftime("%Y-%m-%d %H:%M") if p.locked_until else ""
        return (p.name, role_name(p.role), self.tr("yes") if p.active else self.tr("no"),
                locked)[index.column()]


class PeopleDialog(QDialog):
    """An administrator's list of people: add one, deactivate one (with a reason), reset a PIN."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("People"))
        self.model = PeopleModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.name = QLineEdit(self)
        self.name.setObjectName("new_name")
        self.role = QComboBox(self)
        for role in (Role.INSPECTOR, Role.HEAD, Role.ADMIN):
            self.role.addItem(role_name(role), role.value)
        self.pin = _pin_edit(self, "new_pin")
        self.again = _pin_edit(self, "new_pin_again")
        self.add_button = QPushButton(self.tr("&Add"), self)
        add_form = QFormLayout()
        add_form.addRow(self.tr("&Name:"), self.name)
        add_form.addRow(self.tr("&Role:"), self.role)
        add_form.addRow(self.tr("&PIN:"), self.pin)
        add_form.addRow(self.tr("PIN a&gain:"), self.again)
        rules = QLabel(pin_rules_text(), self)
        rules.setWordWrap(True)

        self.reason = QLineEdit(self)
        self.reason.setObjectName("deactivate_reason")
        self.reason.setPlaceholderText(self.tr("why (for the history)"))
        self.deactivate_button = QPushButton(self.tr("&Deactivate the selected person"), self)
        self.reset_pin = _pin_edit(self, "reset_pin")
        self.reset_again = _pin_edit(self, "reset_pin_again")
        self.reset_button = QPushButton(self.tr("Reset the selected person's P&IN"), self)
        selected = QFormLayout()
        selected.addRow(self.tr("Reason:"), self.reason)
        selected.addRow("", self.deactivate_button)
        selected.addRow(self.tr("New PIN:"), self.reset_pin)
        selected.addRow(self.tr("New PIN again:"), self.reset_again)
        selected.addRow("", self.reset_button)

        self.message = Note(self, ERROR_STYLE)
        close = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self))
        close.rejected.connect(self.reject)
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("<b>A new person</b>"), self))
        side.addLayout(add_form)
        side.addWidget(rules)
        side.addWidget(self.add_button)
        side.addSpacing(12)
        side.addWidget(QLabel(self.tr("<b>The selected person</b>"), self))
        side.addLayout(selected)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        top.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(900, 460)

        self.add_button.clicked.connect(self.add)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.reset_button.clicked.connect(self.reset)
        session.changed.connect(lambda what: self.reload() if what == "people" else None)
        self.reload()

    def reload(self) -> None:
        self.session.submit(lambda store: store.people(), done=self.model.set_people, receiver=self)

    def selected(self) -> Person | None:
        return self.model.row_at(self.table.currentIndex())

    def _write(self, work: Callable[[Store], object], done_text: str) -> None:
        self._busy(on=True)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Working…"))

        def answered(result: object) -> None:
            self._busy(on=False)
            if isinstance(result, QcError):
                self._said(str(result))
                return
            self.message.setStyleSheet("")
            self.message.setText(done_text)

        self.session.submit(guarded(work), done=answered, failed=self._said, receiver=self, changes="people")

    def _busy(self, *, on: bool) -> None:
        for b in (self.add_button, self.deactivate_button, self.reset_button):
            b.setEnabled(not on)

    def _said(self, message: str) -> None:
        self._busy(on=False)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(message)

    def add(self) -> None:
        name, role, pin = self.name.text().strip(), str(self.role.currentData()), self.pin.text()
        if not name:
            self._said(self.tr("Type the new person's name."))
            return
        problem = check_new_pin(pin, self.again.text())
        if problem:
            self._said(problem)
            return
        for edit in (self.name, self.pin, self.again):
            edit.clear()
        self._write(lambda store: store.add_person(name, role, pin),
                    self.tr("{name} added as {role}.").format(name=name, role=role_name(role)))

    def deactivate(self) -> None:
        person = self.selected()
        if person is None:
            self._said(self.tr("Select a person in the list first."))
            return
        reason = self.reason.text().strip()
        if not reason:
            self._said(self.tr("Say why {name} is deactivated.").format(name=person.name))
            return
        self.reason.clear()
        self._write(lambda store: store.deactivate_person(person.name, reason),
                    self.tr("{name} is deactivated: their records and signatures stay theirs.").format(
                        name=person.name))

    def reset(self) -> None:
        person = self.selected()
        if person is None:
            self._said(self.tr("Select a person in the list first."))
            return
        pin = self.reset_pin.text()
        problem = check_new_pin(pin, self.reset_again.text())
        if problem:
            self._said(problem)
            return
        self.reset_pin.clear()
        self.reset_again.clear()
        self._write(lambda store: store.set_pin(person.name, pin),
                    self.tr("{name} has a new PIN (and is no longer locked out).").format(name=person.name))
