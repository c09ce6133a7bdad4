"""SQLite's SQL as PostgreSQL reads it: the store's statements, translated once per text for
`qcdesk.store.postgres` (whose docstring lists what changes).

Apart from the connection so that a store on a SQLite file, which never translates, does not
compile these expressions at every start (issue 17).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

# a string literal, a quoted name, a comment, or a piece of plain SQL
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|[^'\"-]+|-")
_PLACEHOLDER = re.compile(r"(?<![:\w])\?|(?<![:\w]):([A-Za-z_]\w*)")
_IS = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b|NOT\b)", re.IGNORECASE)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\s*\([^)]*\)\s*VALUES\s*\([^;]*\)\s*$",
                     re.IGNORECASE | re.DOTALL)
# the key a one-row INSERT returns as lastrowid: the row id column of each table that has one
ROW_KEYS = {"converter": "id", "shift": "id", "grade": "rowid", "standard": "id", "defect": "rowid",
            "heat": "id", "ingot": "id", "plan": "rowid", "person": "id", "signature": "id",
            "workshop": "id", "audit": "id", "sample": "id", "tolerance_edition": "id",
            "audit_block": "last_id"}


_NULL_TEST = re.compile(r"(\?|(?<![:\w]):[A-Za-z_]\w*)(\s+IS\s+(NOT\s+)?NULL\b)", re.IGNORECASE)
# An audit entry's record key `rec` is text on PostgreSQL (a row id, or the composed key of
# control limits): a row id compared with it is compared as its text, and one taken from it
# (a heat's, in a CASE) as the number it is.
_REC_IS_ID = re.compile(r"\b((?:\w+\.)?rec)\s*=\s*(\+?\w+\.(?!rec\b|value\b)\w+)")
_ID_IS_REC = re.compile(r"(\+?\w+\.(?!rec\b)\w+)\s*=\s*((?:\w+\.)?rec)\b")
_REC_AS_ID = re.compile(r"\bTHEN\s+((?:\w+\.)?rec)\b")
_CROSS_JOIN_ON = re.compile(r"\bCROSS\s+JOIN\s+(\w+\s+\w+)\s+ON\b", re.IGNORECASE)  # SQLite's join order hint
_USER = re.compile(r"(?<![:\w\"])user\b")  # the audit's column `user`: a reserved word in PostgreSQL


def _plain(text: str, names: list[str]) -> str:
    text = _USER.sub('"user"', text)
    text = _CROSS_JOIN_ON.sub(r"JOIN \1 ON", text)
    text = _REC_IS_ID.sub(r"\1 = CAST(\2 AS TEXT)", text)
    text = _ID_IS_REC.sub(r"CAST(\1 AS TEXT) = \2", text)
    text = _REC_AS_ID.sub(r"THEN CAST(\1 AS BIGINT)", text)
    text = _NULL_TEST.sub(r"CAST(\1 AS TEXT)\2", text)  # a parameter only tested for NULL has no type
    text = _IS.sub(lambda m: "IS DISTINCT FROM " if m.group(1) else "IS NOT DISTINCT FROM ", text)
    text = _LIKE.sub("ILIKE", text)
    text = text.replace("%", "%%")

    def placeholder(m: re.Match[str]) -> str:
        if m.group(1):  # each use of a named parameter is a parameter of its own, typed where it is
            names.append(m.group(1))
        return "%s"
    return _PLACEHOLDER.sub(placeholder, text)


_JSON_ARRAY = re.compile(r"\bjson_array\(", re.IGNORECASE)
_JSON_VALUED = re.compile(r"^(json|json_array|json_group_array|qc_json_group|json_quote)\(", re.IGNORECASE)
_REC = re.compile(r"^(\w+\.)?rec$")
_FROM_T = re.compile(r"\bFROM\s+(\w+)\s+t\b")
# the tables keyed by text, whose SQLite rowid is a column `rowid` of their own on PostgreSQL
ROWID_TABLES = frozenset({"grade", "defect", "plan"})


def _closing(sql: str, start: int) -> tuple[int, list[str]]:
    """From just after an opening parenthesis: the index of its closing one, and the
    arguments between them split at their own commas (literals and nesting kept whole)."""
    depth, args, begin, i = 0, [], start, start
    while i < len(sql):
        c = sql[i]
        if c in "'\"":
            i = sql.index(c, i + 1)
            while i + 1 < len(sql) and sql[i + 1] == c:  # a doubled quote inside
                i = sql.index(c, i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                args.append(sql[begin:i].strip())
                return i, args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(sql[begin:i].strip())
            begin = i + 1
        i += 1
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def _json_arrays(sql: str) -> str:
    """SQLite's json_array(a, b, …) takes values of any type and writes each as JSON: here
    '[' || qc_json(a) || ',' || … || ']', each value written by the schema's qc_json as SQLite
    writes it, a value that is JSON already (json(…), a nested array) as it is, and an audit
    entry's record key (a row id kept as text) as the number it is (qc_json_rec)."""
    out, pos = [], 0
    for match in _JSON_ARRAY.finditer(sql):
        if match.start() < pos:
            continue  # inside an array already rewritten
        if sql.count("'", 0, match.start()) % 2:  # within a literal
            continue
        end, args = _closing(sql, match.end())
        wrapped = []
        for arg in args:
            inner = _json_arrays(arg)
            if _JSON_VALUED.match(arg):
                wrapped.append(inner)
            elif _REC.match(arg):
                wrapped.append(f"qc_json_rec({inner})")
            else:
                wrapped.append(f"qc_json({inner})")
        out.append(sql[pos:match.start()] + "('[' || " + " || ',' || ".join(wrapped) + " || ']')")
        pos = end + 1
    out.append(sql[pos:])
    return "".join(out)


_TOTAL = re.compile(r"(?<![\w.])total\(", re.IGNORECASE)
_FILTER = re.compile(r"\s*FILTER\s*\(", re.IGNORECASE)


def _totals(sql: str) -> str:
    """SQLite's total(x) [FILTER (WHERE …)], a sum of doubles, summed exactly whatever the order
    of the rows (schema: qc_total): PostgreSQL's plans feed one group's rows in orders that
    differ from one statement to the next, and a float sum added one by one follows the order."""
    out, pos = [], 0
    for match in _TOTAL.finditer(sql):
        if match.start() < pos or sql.count("'", 0, match.start()) % 2:
            continue
        end, args = _closing(sql, match.end())
        clause, after = "", end + 1
        if found := _FILTER.match(sql, after):
            close, _args = _closing(sql, found.end())
            clause, after = " " + sql[found.start():close + 1].strip(), close + 1
        if len(args) != 1 or "?" in args[0] + clause:  # a value bound by position cannot be used twice
            continue
        arg = _totals(args[0])
        out.append(f"{sql[pos:match.start()]}qc_total(sum(qc_total_hi({arg})){clause}, "
                   f"sum(qc_total_lo({arg})){clause})")
        pos = after
    out.append(sql[pos:])
    return "".join(out)


_FROM_SUBQUERY = re.compile(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH|VALUES)\b", re.IGNORECASE)
_ALIASED = re.compile(r"\s*(AS\s+)?(?!(WHERE|GROUP|ORDER|LIMIT|JOIN|LEFT|INNER|CROSS|ON|UNION|EXCEPT|"
                      r"INTERSECT|HAVING|WINDOW|OFFSET|FILTER)\b)[A-Za-z_]\w*", re.IGNORECASE)


_GROUP_CONCAT = re.compile(r"\bgroup_concat\(", re.IGNORECASE)


def _string_aggs(sql: str) -> str:
    """SQLite's group_concat(x, separator) as PostgreSQL's string_agg (the schema's group_concat
    does the same, but slows down with every value it joins: an audit block of ten thousand
    entries took seconds)."""
    out, pos = [], 0
    for match in _GROUP_CONCAT.finditer(sql):
        if match.start() < pos or sql.count("'", 0, match.start()) % 2:
            continue
        end, args = _closing(sql, match.end())
        if len(args) != 2:
            continue
        out.append(sql[pos:match.start()] + f"string_agg({_string_aggs(args[0])}, {args[1]})")
        pos = end + 1
    out.append(sql[pos:])
    return "".join(out)


def _aliased(sql: str, counter: list[int] | None = None) -> str:
    """PostgreSQL 15 wants a name for every subquery in FROM; SQLite does not."""
    counter = counter if counter is not None else [0]
    out, pos = [], 0
    for match in _FROM_SUBQUERY.finditer(sql):
        if match.start() < pos or sql.count("'", 0, match.start()) % 2:
            continue
        opening = sql.index("(", match.start())
        end, _args = _closing(sql, opening + 1)
        out.append(sql[pos:opening + 1] + _aliased(sql[opening + 1:end], counter) + ")")
        if not _ALIASED.match(sql, end + 1):
            counter[0] += 1
            out.append(f" AS _q{counter[0]}")
        pos = end + 1
    out.append(sql[pos:])
    return "".join(out)


class Statement(NamedTuple):
    """A statement of the store as psycopg sends it to PostgreSQL."""

    query: str
    names: tuple[str, ...]  # the named parameters, in the order of their uses (else positional)
    returns_key: bool       # a one-row INSERT returning its row's key (lastrowid)


@lru_cache(maxsize=4096)
def translate(sql: str) -> Statement:
    """A statement of the store, as psycopg sends it to PostgreSQL."""
    out: list[str] = []
    names: list[str] = []
    sql = sql.replace("json_group_array(json_array(", "qc_json_group(json_array(")
    if "total(" in sql.lower():
        sql = _totals(sql)
    if "json_array(" in sql.lower():
        sql = _json_arrays(sql)
    sql = sql.replace("t.rowid AS rec", "CAST(t.rowid AS TEXT) AS rec")
    if "(" in sql:
        sql = _aliased(sql)
    if "group_concat(" in sql.lower():
        sql = _string_aggs(sql)
    if "t.rowid" in sql and (table := _FROM_T.search(sql)) and table.group(1) not in ROWID_TABLES:
        sql = sql.replace("t.rowid", "t.id")  # a table keyed by its id: SQLite's rowid is the id
    for token in _TOKENS.findall(sql):
        if token.startswith("'") or token.startswith(('"', "--")):
            out.append(token.replace("%", "%%"))
        else:
            out.append(_plain(token, names))
    text = "".join(out)
    insert = _INSERT.match(sql)
    returns_key = bool(insert and (key := ROW_KEYS.get(insert.group(1).lower()))
                       and "RETURNING" not in sql.upper())
    if returns_key:
        text += f" RETURNING {key}"
    return Statement(text, tuple(names), returns_key)


def bound(statement: Statement, params: Sequence[Any] | Mapping[str, Any] | None) -> Sequence[Any]:
    if isinstance(params, Mapping):
        return [params[name] for name in statement.names]
    return params if params is not None else ()
