"""What several layers of the store share: small value types, and helpers that clean and check
values."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from qcdesk.errors import InputError
from qcdesk.i18n import N_, _
from qcdesk.model import (
    ELEMENTS,
    Disposition,
    Ingot,
    IngotDefect,
)
from qcdesk.names import clean_text
from qcdesk.numbers import (
    CHEMISTRY_PCT,
    Range,
    check_range,
    format_number,
    parse_optional,
)
from qcdesk.people import (
    Person,
    Role,
)
from qcdesk.store.postgres import Server, is_server

SECONDS = "%Y-%m-%d %H:%M:%S"  # how judged_at is stored


Progress = Callable[[int, int], None]


def default_db_path() -> Path:
    """Where the database lives when neither --db nor QCDESK_DB says otherwise."""
    import platformdirs  # noqa: PLC0415 - only here, so commands given --db start without it

    return Path(platformdirs.user_data_dir("qcdesk", appauthor=False)) / "qcdesk.sqlite"


def resolve_db_path(option: str | None = None) -> Path | Server:
    """--db PATH or URI, else the QCDESK_DB variable, else the user data folder's file. A
    ``postgresql://`` URI names a database on a server (plant mode); anything else a file."""
    chosen = (option or os.environ.get("QCDESK_DB") or "").strip()
    if is_server(chosen):
        return Server(chosen)
    return Path(chosen).expanduser() if chosen else default_db_path()


@dataclass(frozen=True)
class NewIngot:
    """An ingot as entered, before it is saved."""

    ingot_no: int
    weight_kg: float
    disposition: Disposition
    inspector: str
    defects: tuple[IngotDefect, ...] = ()
    judged_at: datetime | None = None  # for records judged earlier; else when saved
    regrade_to: str | None = None  # a re-graded ingot's grade: one its heat satisfies


PLAN_OUTPUT_T = Range(0, 10_000_000, "t", low_open=True)


PLAN_RATE_PCT = Range(0, 100, "%", low_open=True)  # the same, as people write it


def parse_plan(output: str | None, rate: str | None) -> tuple[float | None, float | None]:
    """A plan's figures as a person types them: tonnes, and the target rate in per cent
    (returned as a fraction). A rate of 1 or less is refused: no workshop aims at 0.96 %,
    so it is a fraction typed where per cent was asked."""
    output_t = parse_optional(output, N_("planned output"), PLAN_OUTPUT_T)
    pct = parse_optional(rate, N_("target ingot qualified rate"), PLAN_RATE_PCT)
    if pct is not None and pct <= 1:
        raise InputError(_("target ingot qualified rate"), _(
            "{value} is read as {value} %: the rate is typed in per cent, 96.5 for 96.5 %").format(
            value=format_number(pct)))
    return output_t, None if pct is None else pct / 100


UNSET: Any = object()


_T = TypeVar("_T")


def as_text(value: object) -> str | None:
    """How a value is written into the audit log."""
    if value is None:
        return None
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def clean_reason(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None


def clean_name(value: str, field_name: str, max_len: int) -> str:
    """`value` trimmed, in NFKC form (full-width letters and digits as ASCII); refused when
    empty, too long, or holding a control character or one nobody can see (`field_name` is
    translated then). Codes and people's names have stricter rules: qcdesk.names."""
    return clean_text(value, field_name, max_len)


# Sorts that walk an index (migration 2 and schema 1): a page costs milliseconds whatever the
# filter. The others sort every heat the filter lets through for each page.
HISTORY_QUICK_SORTS = frozenset({"heat_no", "production_date", "grade", "tapped_at"})


def chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def split_statements(script: str) -> Iterator[str]:
    """Split a migration script into complete statements (triggers included)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete statement in migration: {buffer[:80]!r}")


def validate_analysis(values: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for element, value in values.items():
        symbol = element.strip()
        if symbol not in ELEMENTS:
            raise InputError(_("element"), _("{symbol!r} is not a chemical element symbol").format(
                symbol=element))
        out[symbol] = check_range(value, symbol, CHEMISTRY_PCT)
    return out


def minutes_text(moment: datetime) -> str:
    """A tap time as stored: 'YYYY-MM-DD HH:MM'."""
    return moment.isoformat(sep=" ", timespec="minutes")


def ingot_record(ingot: Ingot | NewIngot, judged_at: str | None = None) -> dict[str, object]:
    """Everything recorded of an ingot, as the audit log keeps it (`judged_at` as stored,
    for a new ingot; a saved one's own)."""
    if isinstance(ingot, Ingot) and ingot.judged_at is not None:
        judged_at = ingot.judged_at.strftime(SECONDS)
    record: dict[str, object] = {
        "weight_kg": ingot.weight_kg, "disposition": ingot.disposition.value,
        "defects": [str(d) for d in ingot.defects], "inspector": ingot.inspector.strip(),
        "judged_at": judged_at}
    if ingot.regrade_to is not None:
        record["regrade_to"] = ingot.regrade_to
    return record


def person_from_row(row: sqlite3.Row) -> Person:
    until = row["locked_until"]
    return Person(row["id"], row["name"], Role(row["role"]), bool(row["active"]), row["failed_logins"],
                  datetime.fromisoformat(until) if until else None)

