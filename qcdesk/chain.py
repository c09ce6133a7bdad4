"""The audit log as a hash chain: each entry seals the one before it.

The canonical content of an entry is the JSON array of its fields in this order::

    [id, at, user, action, entity, entity_key, heat_no, field, old_value, new_value, reason]

written with ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` and
encoded as UTF-8. An entry's hash is ``SHA-256(prev_hash || content)`` in
lower-case hex, where ``prev_hash`` is the previous entry's hash as ASCII hex
(64 zeros before the first entry). Changing, inserting, removing or reordering
any entry changes every hash after it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

GENESIS = "0" * 64
# compact JSON as the chain writes it: no spaces, non-ASCII as itself (SQLite's json_array too)
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
CONTENT_FIELDS = ("id", "at", "user", "action", "entity", "entity_key", "heat_no", "field",
                  "old_value", "new_value", "reason")


def content(values: Sequence[object]) -> bytes:
    """The canonical bytes of an entry's fields, in CONTENT_FIELDS order."""
    if len(values) != len(CONTENT_FIELDS):
        raise ValueError(f"an audit entry has {len(CONTENT_FIELDS)} fields, not {len(values)}")
    return _compact(list(values)).encode()


# hashlib (OpenSSL) only where a hash is made: a command that reads, `qcdesk rates` say, makes none
# and should not load it (issue 17). Once loaded, the import below is a dictionary look-up.

def link(prev_hash: str, values: Sequence[object]) -> str:
    """The hash of an entry whose predecessor's hash is `prev_hash`."""
    import hashlib  # noqa: PLC0415 - see above

    return hashlib.sha256(prev_hash.encode() + content(values)).hexdigest()


# ---------------------------------------------------------------- since schema 9
#
# Entries are chained a write at a time: the entries one transaction writes form a block,
# and the block's hash seals them all and the block before it::
#
#     hash = SHA-256(prev_head || [last_id, at, user] || entry || entry || …)
#
# where ``prev_head`` is the previous block's hash as ASCII hex (for the first block, the
# last entry's hash of the log kept before schema 9, or 64 zeros), ``[last_id, at, user]``
# is the block's header and each ``entry`` one of its entries in id order, as the array of
# its ENTRY_FIELDS: each written as compact JSON (``json.dumps(..., ensure_ascii=False,
# separators=(",", ":"))``, the same text SQLite's ``json_array`` gives, so the database
# computes it too: ENTRY_SQL) and encoded as UTF-8.

ENTRY_FIELDS = ("id", "action", "entity", "entity_key", "heat_no", "field", "old_value", "new_value",
                "reason", "tbl", "rec", "state")
ENTRY_SQL = "json_array(" + ", ".join(ENTRY_FIELDS) + ")"  # an entry's canonical text, in SQL


def entry(values: Sequence[object]) -> bytes:
    """An entry's canonical bytes, from its ENTRY_FIELDS in order (ENTRY_SQL's text)."""
    if len(values) != len(ENTRY_FIELDS):
        raise ValueError(f"an audit entry has {len(ENTRY_FIELDS)} fields, not {len(values)}")
    return _compact(list(values)).encode()


def block(prev_head: str, last_id: int, at: str, user: str, entries: bytes) -> str:
    """The hash of a block: its entries' canonical bytes, sealed with its header and the
    head before it."""
    import hashlib  # noqa: PLC0415 - see link

    header = _compact([last_id, at, user]).encode()
    return hashlib.sha256(prev_head.encode() + header + entries).hexdigest()
