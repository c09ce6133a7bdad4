"""People, roles and PINs: the rules, without storage.

A PIN (or password) is kept only as a salted scrypt hash with its parameters,
``scrypt$N$r$p$salt_hex$key_hex``; the default cost is OWASP's recommendation
for scrypt (N=2^17, r=8, p=1). Checking compares in constant time. Five wrong
PINs in a row lock a person out for 15 minutes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from qcdesk.errors import InputError
from qcdesk.i18n import N_, _


class Role(StrEnum):
    INSPECTOR = "inspector"
    HEAD = "head"
    ADMIN = "admin"


ROLE_NAMES = {Role.INSPECTOR: N_("inspector"), Role.HEAD: N_("workshop head"),
              Role.ADMIN: N_("administrator")}


class Permission(StrEnum):
    RECORD = "record"              # heats, analyses, ingots of shifts not signed; voiding them
    CLOSE_SHIFT = "close_shift"    # sign a shift as closed
    CORRECT_SIGNED = "correct_signed"  # change a record of a signed shift or day, with a reason
    SIGN_DAY = "sign_day"          # approve a day
    SETUP = "setup"                # converters, shifts, grades, standards, defects
    PEOPLE = "people"              # add and deactivate people, reset PINs
    DISMISS_ALERT = "dismiss_alert"  # dismiss an off-grade announcement, for the whole workshop


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.INSPECTOR: frozenset({Permission.RECORD, Permission.CLOSE_SHIFT, Permission.DISMISS_ALERT}),
    Role.HEAD: frozenset({Permission.RECORD, Permission.CLOSE_SHIFT, Permission.CORRECT_SIGNED,
                          Permission.SIGN_DAY, Permission.SETUP, Permission.DISMISS_ALERT}),
    Role.ADMIN: frozenset({Permission.RECORD, Permission.CORRECT_SIGNED, Permission.SETUP,
                           Permission.PEOPLE}),
}
PERMISSION_NAMES = {
    Permission.RECORD: N_("enter or void heats, analyses and ingots"),
    Permission.CLOSE_SHIFT: N_("close a shift"),
    Permission.CORRECT_SIGNED: N_("correct a signed record"),
    Permission.SIGN_DAY: N_("sign a day"),
    Permission.SETUP: N_("change set-up data"),
    Permission.PEOPLE: N_("manage people"),
    Permission.DISMISS_ALERT: N_("dismiss an off-grade announcement"),
}

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 128
LOCK_AFTER = 5                     # consecutive wrong PINs
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Cost:
    """scrypt's parameters: N (CPU/memory cost), r (block size), p (parallelism)."""

    n: int = 2 ** 17
    r: int = 8
    p: int = 1


OWASP = Cost()
SALT_BYTES = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: Role
    active: bool
    failed_logins: int = 0
    locked_until: datetime | None = None

    def may(self, permission: Permission) -> bool:
        return self.active and permission in PERMISSIONS[self.role]


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(_("role"), _("must be one of {known}").format(
            known=", ".join(r.value for r in Role))) from None


def check_pin_rules(pin: str) -> str:
    """A new PIN as given, or InputError: at least 6 characters, at most 128, printable."""
    if len(pin) < MIN_PIN_LENGTH:
        raise InputError(_("PIN"), _("must have at least {n} characters").format(n=MIN_PIN_LENGTH))
    if len(pin) > MAX_PIN_LENGTH:
        raise InputError(_("PIN"), _("is longer than {n} characters").format(n=MAX_PIN_LENGTH))
    if any(unicodedata.category(ch).startswith("C") for ch in pin):
        raise InputError(_("PIN"), _("holds a control character"))
    return pin


# hashlib, hmac and secrets only where a PIN is hashed or checked: `qcdesk --help` lists the
# roles, and should not load OpenSSL for that.

def _scrypt(pin: str, salt: bytes, cost: Cost, length: int) -> bytes:
    import hashlib  # noqa: PLC0415 - see above

    memory = 128 * cost.r * (cost.n + cost.p + 2)
    return hashlib.scrypt(unicodedata.normalize("NFC", pin).encode("utf-8"), salt=salt, n=cost.n,
                          r=cost.r, p=cost.p, maxmem=memory + 2 ** 20, dklen=length)


def hash_pin(pin: str, cost: Cost = OWASP, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$key` of a PIN (hex salt and key) with a fresh random salt."""
    import secrets  # noqa: PLC0415 - see above

    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    key = _scrypt(pin, salt, cost, KEY_BYTES)
    return f"scrypt${cost.n}${cost.r}${cost.p}${salt.hex()}${key.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` is the one hashed in `stored` (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(key)
        got = _scrypt(pin, bytes.fromhex(salt), Cost(int(n), int(r), int(p)), len(expected))
    except ValueError:
        return False
    import hmac  # noqa: PLC0415 - see above

    return hmac.compare_digest(got, expected)


# A stand-in hash at OWASP's cost that no PIN matches in practice (a zero key): checking
# a PIN against it costs one scrypt, as a real check does, from the first call on.
STAND_IN = f"scrypt${OWASP.n}${OWASP.r}${OWASP.p}${'00' * SALT_BYTES}${'00' * KEY_BYTES}"


def check_unknown(pin: str) -> bool:
    """Check a PIN against the stand-in hash, to take as long for a name that does not
    exist (or may not sign in) as for one that does: no hint of which names exist; False."""
    pin_matches(pin, STAND_IN)
    return False


def after_failure(failed: int, now: datetime) -> tuple[int, datetime | None]:
    """The failure count and lock-out after one more wrong PIN."""
    failed += 1
    if failed >= LOCK_AFTER:
        return 0, now + LOCK_FOR
    return failed, None
