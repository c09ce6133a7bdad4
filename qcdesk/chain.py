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

import hashlib
import json
from collections.abc import Sequence

GENESIS = "0" * 64
CONTENT_FIELDS = ("id", "at", "user", "action", "entity", "entity_key", "heat_no", "field",
                  "old_value", "new_value", "reason")


def content(values: Sequence[object]) -> bytes:
    """The canonical bytes of an entry's fields, in CONTENT_FIELDS order."""
    if len(values) != len(CONTENT_FIELDS):
        raise ValueError(f"an audit entry has {len(CONTENT_FIELDS)} fields, not {len(values)}")
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(prev_hash: str, values: Sequence[object]) -> str:
    """The hash of an entry whose predecessor's hash is `prev_hash`."""
    return hashlib.sha256(prev_hash.encode("ascii") + content(values)).hexdigest()
