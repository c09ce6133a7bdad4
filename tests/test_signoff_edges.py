"""What a signature covers, byte for byte (qcdesk.signoff's docstring): heats in heat-number
order, ingots in ingot-number order, text as UTF-8, times in ISO form; the hash is the
SHA-256 of exactly those bytes. The expected bytes are written out by hand.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest

from qcdesk.signoff import Kind, Signature, Status, canonical, records_hash, status_of

DAY = date(1959, 2, 2)
HEATS: list[dict[str, object]] = [  # given out of order, as a query may return them
    {"heat_no": "B2", "tapped_at": datetime(1959, 2, 2, 9, 5), "notes": "夜班补样",
     "analysis": {"C": 0.15},
     "ingots": [{"ingot_no": 2, "defects": [["TCRK", "top"]]}, {"ingot_no": 1, "defects": []}]},
    {"heat_no": "A1", "production_date": DAY, "analysis": {}},  # no ingots yet
]
EXPECTED = ('{"date":"1959-02-02","heats":['
            '{"analysis":{},"heat_no":"A1","ingots":[],"production_date":"1959-02-02"},'
            '{"analysis":{"C":0.15},"heat_no":"B2","ingots":[{"defects":[],"ingot_no":1},'
            '{"defects":[["TCRK","top"]],"ingot_no":2}],"notes":"夜班补样",'
            '"tapped_at":"1959-02-02T09:05:00"}],"shift":"day"}').encode()


def test_the_canonical_bytes_of_a_shifts_records() -> None:
    assert canonical(DAY, "day", HEATS) == EXPECTED


def test_the_records_hash_is_the_sha256_of_those_bytes() -> None:
    assert records_hash(DAY, "day", HEATS) == hashlib.sha256(EXPECTED).hexdigest()
    # a day's signature: "shift" is null
    assert canonical(DAY, None, []) == b'{"date":"1959-02-02","heats":[],"shift":null}'


def test_a_value_that_has_no_canonical_form_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot sign a set"):
        canonical(DAY, "day", [{"heat_no": "A1", "defects": {"TCRK"}}])


def _signature(superseded_at: str | None) -> Signature:
    return Signature(1, Kind.DAY, DAY, None, "Zhao", "head", "day approved by workshop head",
                     "1959-02-03 08:00", "0" * 64, "1" * 64, superseded_at)


def test_a_day_stands_by_its_latest_signature() -> None:
    assert status_of([]).status is Status.UNSIGNED
    assert status_of([_signature(None)]).status is Status.SIGNED
    changed = status_of([_signature("1959-02-03 10:00")])
    assert changed.status is Status.SUPERSEDED
    assert changed.signature == _signature("1959-02-03 10:00")


def test_the_kinds_and_standings_keep_their_names() -> None:
    # stored in the signature table (kind) and handed to callers (status)
    assert [k.value for k in Kind] == ["shift", "day"]
    assert [s.value for s in Status] == ["unsigned", "signed", "superseded"]
