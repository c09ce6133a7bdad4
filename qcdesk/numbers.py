"""One strict number grammar for every field a person types or a file holds.

Finite decimals only: an optional sign, digits, an optional decimal point and
digits. No exponent, no ``nan``/``inf``, no ``1_000``, no thousands separator.
Full-width digits, point and sign, as a Chinese input method types them, are
read as their ASCII twins. Every field has a physical range.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from qcdesk.errors import InputError
from qcdesk.i18n import N_, _

_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "．": ".",
        "－": "-",
        "−": "-",  # U+2212 minus sign
        "＋": "+",
        "　": " ",  # ideographic space
        "；": ";",  # in defect lists
        "＠": "@",
    }
)
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_LENGTH = 40


@dataclass(frozen=True)
class Range:
    """A physical range: `low`..`high` in `unit`, each end open or closed."""

    low: float
    high: float
    unit: str
    low_open: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def describe(self) -> str:
        op = ">" if self.low_open else "≥"
        return _("must be {op} {low} and ≤ {high} {unit}").format(
            op=op, low=_plain(self.low), high=_plain(self.high), unit=self.unit
        )


TAP_WEIGHT_T = Range(0, 400, "t", low_open=True)
INGOT_WEIGHT_KG = Range(0, 60_000, "kg", low_open=True)
CHEMISTRY_PCT = Range(0, 100, N_("mass %"))
TAP_TEMP_C = Range(1000, 1900, "°C")
NOMINAL_HEAT_T = Range(0, 400, "t", low_open=True)


def normalise_width(text: str) -> str:
    """Full-width digits, point, sign, space, ；and ＠ as their ASCII twins."""
    return text.translate(_FULL_WIDTH)


def normalise_code(text: str) -> str:
    """Codes, heat numbers and times as typed with a Chinese input method: full-width
    letters, digits and punctuation (Ｑ２３５Ｂ, １０：００) read as their ASCII twins."""
    return unicodedata.normalize("NFKC", text)


# A tap time before this, or more than a day after now, is a typing mistake.
EARLIEST_TAP = datetime(1900, 1, 1)
LATEST_TAP_AHEAD = timedelta(days=1)


def check_tap_time(moment: datetime, now: datetime, field: str = "tapped_at") -> datetime:
    """Refuse a tap time before 1900 or more than a day ahead of `now`."""
    if moment < EARLIEST_TAP:
        raise InputError(_(field), _("{moment} is before 1900: a typing mistake?").format(
            moment=moment.isoformat(sep=" ", timespec="minutes")))
    if now.tzinfo is not None:  # tap times are local wall-clock times
        now = now.astimezone().replace(tzinfo=None)
    if moment > now + LATEST_TAP_AHEAD:
        raise InputError(_(field), _("{moment} is in the future").format(
            moment=moment.isoformat(sep=" ", timespec="minutes")))
    return moment


def _plain(value: float) -> str:
    return format(Decimal(repr(value)).normalize(), "f")


def format_number(value: float) -> str:
    """The shortest plain decimal that reads back as `value` (no exponent)."""
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_fixed(value: float, decimals: int, *, at_least: bool = False) -> str:
    """`value` to `decimals` places, thousands grouped by commas (226.9, 6,000.0): tonnes and other
    totals as every view and report prints them. `at_least`: never hide a digit the value has (a tap
    weight of 29.875 stays 29.875; 30 reads 30.00)."""
    if at_least:
        decimals = max(decimals, len(format_number(value).partition(".")[2]))
    return f"{value:,.{decimals}f}"


# The decimals a lab reports each element to (others: three).
_CHEMISTRY_DECIMALS = {"C": 2, "Si": 2, "Mn": 2, "P": 3, "S": 3}


def format_chemistry(element: str, value: float) -> str:
    """A mass % as a lab writes it (Mn 0.50, P 0.030), never hiding a digit it has."""
    exact = format_number(value)
    needed = len(exact.partition(".")[2])
    return f"{value:.{max(needed, _CHEMISTRY_DECIMALS.get(element, 3))}f}"


def _exact(text: str, field: str) -> Decimal:
    """`text` as the exact decimal it writes, or InputError naming `field`."""
    cleaned = text.translate(_FULL_WIDTH).strip()
    if not cleaned:
        raise InputError(field, _("a number is needed here"))
    if len(cleaned) > _MAX_LENGTH:
        raise InputError(field, _("{text!r} is too long to be a number").format(text=text))
    if _DECIMAL.fullmatch(cleaned) is None:
        if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", cleaned):
            problem = _("{text!r}: use a point as the decimal separator, as in 0.20")
        else:
            problem = _("{text!r} is not a plain decimal number such as 0.20 or 1540")
        raise InputError(field, problem.format(text=text))
    return Decimal(cleaned)


def parse_decimal(text: str, field: str) -> float:
    """Read `text` as a finite decimal, or raise InputError naming `field`."""
    return float(_exact(text, field))


def parse_in_range(text: str, field: str, valid: Range) -> float:
    """Read `text` as a decimal inside `valid`, or raise InputError.

    The range is checked on the decimal as written, so 60000.0000000000001 kg is
    refused although it rounds to 60000.0 as a float.
    """
    exact = _exact(text, field)
    low, high = Decimal(repr(valid.low)), Decimal(repr(valid.high))
    if not ((exact > low if valid.low_open else exact >= low) and exact <= high):
        raise InputError(_(field), _("{value} {unit} is out of range: {rule}").format(
            value=text.translate(_FULL_WIDTH).strip(), unit=_(valid.unit), rule=valid.describe()))
    return float(exact)


def check_range(value: float, field: str, valid: Range) -> float:
    """Refuse a value (already a number) outside its physical range; `field` is translated then."""
    if not (isinstance(value, int | float) and valid.contains(float(value))):
        shown = format_number(value) if isinstance(value, float) and math.isfinite(value) else value
        raise InputError(_(field), _("{value} {unit} is out of range: {rule}").format(
            value=shown, unit=_(valid.unit), rule=valid.describe()))
    return float(value)


def parse_optional(text: str | None, field: str, valid: Range) -> float | None:
    """Like parse_in_range, but blank means no value."""
    if text is None or not text.translate(_FULL_WIDTH).strip():
        return None
    return parse_in_range(text, field, valid)
