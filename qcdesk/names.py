"""Names and codes a person can tell apart.

A person's name, a heat number or a converter, grade or defect code is evidence: who
judged an ingot, which heat it came from. Two records must never look the same on
screen or paper and be different in the database, nor the other way round. So:

- every such value is read in Unicode's NFKC form (full-width ``Ｑ２３５Ｂ`` is ``Q235B``,
  an ideographic space a space), and compared in that form;
- characters nobody can see are refused, naming the field and the character: Unicode's
  format characters (category Cf: zero-width space and joiners, the bidirectional
  embeddings, overrides and isolates, a byte-order mark, the soft hyphen …), the line and
  paragraph separators, and the other default-ignorable blanks (Hangul fillers,
  variation selectors); so are private-use and unassigned code points, which have no
  agreed look;
- a value that looks like one that exists (the same *skeleton*, in the spirit of
  Unicode TR39: Cyrillic and Greek look-alikes and full-width forms read as Latin,
  ``0`` as ``O``, ``1``, ``I`` and ``|`` as ``l``, case and runs of spaces ignored) is
  refused, naming the one it looks like;
- a code (heat number, converter, grade, defect) holds no Cyrillic or Greek letter that
  looks like a Latin one, and a word of a person's name does not mix Latin letters with
  Cyrillic or Greek ones: a name typed on two keyboards is refused even before anyone
  it could be mistaken for exists.

Chinese names (张伟) and names with accents (José, Müller) that look like no one
else's are untouched: accents are kept by the skeleton, so Lü and Lu stay two names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from qcdesk.errors import InputError
from qcdesk.i18n import _

# Default-ignorable code points that are not format characters (Unicode's
# DerivedCoreProperties), and the braille blank, which shows as a space.
_BLANK = frozenset([0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0,
                    *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # exactly Unicode's category Cc
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
_NO_LOOK_CATEGORIES = frozenset({"Co", "Cn", "Cs"})

# Letters that look like Latin ones (after NFKC and NFD: accents are separate marks then),
# from TR39's confusables, the common part: Cyrillic, Greek, a few Armenian and IPA.
_LOOK_ALIKE_LETTERS = {
    # Cyrillic capitals
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "l", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Һ": "h", "Ԛ": "Q",
    "Ԝ": "W", "Ӏ": "l", "З": "3", "Ь": "b",
    # Cyrillic small letters
    "а": "a", "в": "b", "с": "c", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "ү": "y", "х": "x", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ӏ": "l", "ь": "b",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "l", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Greek small letters
    "α": "a", "γ": "y", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
    "ϲ": "c", "ϳ": "j",
    # Armenian and Latin look-alikes
    "օ": "o", "ս": "u", "ո": "n", "հ": "h", "ց": "g", "զ": "q",
    "ı": "i", "ɑ": "a", "ɡ": "g", "ʏ": "y", "ɩ": "i",
}
# Where a look-alike letter can be: the Greek, Cyrillic and Armenian blocks, and the others.
_SUSPECT = re.compile("[\u0370-\u058f\u1c80-\u1c8f\u1d00-\u1dbf\u1f00-\u1fff\u2de0-\u2dff\ua640-\ua69f"
                      + "".join(ch for ch in _LOOK_ALIKE_LETTERS if not "\u0370" <= ch <= "\u058f") + "]")
_SKELETON = str.maketrans({**_LOOK_ALIKE_LETTERS, "0": "O", "1": "l", "I": "l", "|": "l"})
_FOREIGN_SCRIPTS = ("CYRILLIC", "GREEK")


def describe(ch: str) -> str:
    """A character as a person can look it up: 'U+200B ZERO WIDTH SPACE'."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def unseen(text: str) -> str | None:
    """Why `text` cannot be read by eye, if it cannot: an invisible character, or one
    with no agreed look (private use, unassigned), named."""
    if text.isascii():  # most codes and names: ASCII's only such characters are controls
        return None
    found = _first_unseen(text)
    if found is None:
        return None
    ch, invisible = found
    if invisible:
        return _("holds an invisible character ({char})").format(char=describe(ch))
    return _("holds a character with no agreed look ({char}): private use or unassigned").format(
        char=describe(ch))


@lru_cache(maxsize=4096)  # an import repeats the same few names thousands of times
def _first_unseen(text: str) -> tuple[str, bool] | None:
    """The first character of `text` nobody can see, and whether it is invisible (else it has
    no agreed look)."""
    for ch in text:
        category = unicodedata.category(ch)
        if category in _INVISIBLE_CATEGORIES or ord(ch) in _BLANK:
            return ch, True
        if category in _NO_LOOK_CATEGORIES:
            return ch, False
    return None


def readable(value: str) -> str:
    """`value` in NFKC form, trimmed, when a person can read every character of it; else the
    value as typed, so that looking it up finds nobody (a sign-in with a zero-width space
    in the name finds no one, never another person)."""
    return value if unseen(value) else unicodedata.normalize("NFKC", value).strip()


def clean_text(value: str, field: str, max_len: int) -> str:
    """`value` in NFKC form and trimmed; InputError naming `field` (translated then) when it
    is empty, too long, or holds a control character or one nobody can see."""
    cleaned = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if _CONTROL.search(cleaned):
        raise InputError(_(field), _("holds a control character"))
    problem = unseen(value)  # as typed: the character named is the one typed
    if problem:
        raise InputError(_(field), problem)
    if not cleaned:
        raise InputError(_(field), _("must not be empty"))
    if len(cleaned) > max_len:
        raise InputError(_(field), _("is longer than {n} characters").format(n=max_len))
    return cleaned


def code_problem(code: str) -> str | None:
    """Why `code` (in NFKC form) may not be a code: a Cyrillic or Greek letter that looks
    like a Latin one, named."""
    if not _SUSPECT.search(code):
        return None
    for ch in unicodedata.normalize("NFD", code):
        latin = _LOOK_ALIKE_LETTERS.get(ch)
        if latin is not None:
            return _("holds {char}, which looks like {latin!r}: type codes with Latin letters "
                     "and digits").format(char=describe(ch), latin=latin)
    return None


def name_problem(name: str) -> str | None:
    """Why `name` (in NFKC form) may not be a person's name: a word mixing Latin letters with
    Cyrillic or Greek ones (the first of those named)."""
    if not _SUSPECT.search(name):
        return None
    for word in name.split():
        scripts = {_script(ch) for ch in word if ch.isalpha()}
        if "LATIN" in scripts and scripts & set(_FOREIGN_SCRIPTS):
            odd = next(ch for ch in word if _script(ch) in _FOREIGN_SCRIPTS)
            return _("mixes Latin letters with {char} in one word: type a name on one keyboard").format(
                char=describe(odd))
    return None


def clean_code(value: str, field: str, max_len: int, others: LookAlikes | Iterable[str] | None = None) -> str:
    """A heat number or a converter, grade or defect code, read as `clean_text` reads it;
    refused also when it looks like one of `others` (the existing codes of its kind), named,
    or holds a Cyrillic or Greek look-alike of a Latin letter."""
    cleaned = clean_text(value, field, max_len)
    problem = _twin(others, cleaned) or code_problem(cleaned)
    if problem:
        raise InputError(_(field), problem)
    return cleaned


def clean_person(value: str, field: str, max_len: int,
                 others: LookAlikes | Iterable[str] | None = None) -> str:
    """A person's name (someone who signs in, an inspector), read as `clean_text` reads it;
    refused also when it looks like one of `others` (the people), named, or a word of it
    mixes Latin with Cyrillic or Greek letters."""
    cleaned = clean_text(value, field, max_len)
    problem = _twin(others, cleaned) or name_problem(cleaned)
    if problem:
        raise InputError(_(field), problem)
    return cleaned


def _twin(others: LookAlikes | Iterable[str] | None, value: str) -> str | None:
    if others is None:
        return None
    return (others if isinstance(others, LookAlikes) else LookAlikes(others)).problem(value)


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").partition(" ")[0]


def skeleton(text: str) -> str:
    """What `text` looks like: two texts with the same skeleton can be mistaken for each other
    (NFKC; Cyrillic and Greek look-alikes as Latin; 0 as O, 1, I and | as l; accents kept;
    case and runs of spaces ignored)."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    mapped = " ".join(decomposed.translate(_SKELETON).split())
    return unicodedata.normalize("NFC", mapped).casefold()


class LookAlikes:
    """The existing names (or codes) of one kind, to refuse a new one that looks like one of
    them without being it."""

    def __init__(self, existing: Iterable[str]) -> None:
        self._by_skeleton: dict[str, str] = {}
        for name in existing:
            self._by_skeleton.setdefault(skeleton(name), name)
        self._checked: dict[str, str | None] = {}

    def twin(self, value: str) -> str | None:
        """The existing name `value` looks like while being another, if any."""
        if value not in self._checked:
            found = self._by_skeleton.get(skeleton(value))
            self._checked[value] = found if found is not None and found != value else None
        return self._checked[value]

    def problem(self, value: str) -> str | None:
        """The refusal of `value` when it looks like another existing one."""
        twin = self.twin(value)
        if twin is None:
            return None
        found = _("{value!r} looks like {existing!r}, which exists: use that one, or a name "
                  "that cannot be mistaken for it").format(value=value, existing=twin)
        mine, theirs = unicodedata.normalize("NFD", value), unicodedata.normalize("NFD", twin)
        if len(mine) == len(theirs):  # say where they differ: on screen they do not
            ch, other = next((a, b) for a, b in zip(mine, theirs, strict=True) if a != b)
            found += " " + _("({char} where it has {other})").format(char=describe(ch), other=describe(other))
        return found

