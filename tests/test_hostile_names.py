"""Names and codes a person can tell apart (issue 12): invisible characters refused and named,
NFKC forms the same name, look-alikes of someone or something that exists refused, naming it.

Every refusal leaves the database as it was: a SQLite file's bytes, a server's every row
(hashed before and after)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from signed_shop import CHEAP, NOW, PINS, make_shop, open_as

from qcdesk import csvio
from qcdesk.cli import main
from qcdesk.errors import Conflict, ImportRefused, InputError, QcError
from qcdesk.model import Disposition
from qcdesk.names import skeleton
from qcdesk.store import NewHeat, NewIngot, Store, postgres

GOOD = {"C": 0.15, "Si": 0.2, "Mn": 0.5, "P": 0.02, "S": 0.02}

# Each: the character, and how the refusal names it.
INVISIBLE = [
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
    ("\u200d", "U+200D ZERO WIDTH JOINER"),
    ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\u00ad", "U+00AD SOFT HYPHEN"),
    ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    ("\u202b", "U+202B RIGHT-TO-LEFT EMBEDDING"),
    ("\u202c", "U+202C POP DIRECTIONAL FORMATTING"),
    ("\u202d", "U+202D LEFT-TO-RIGHT OVERRIDE"),
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("\u2068", "U+2068 FIRST STRONG ISOLATE"),
    ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
    ("\u180e", "U+180E MONGOLIAN VOWEL SEPARATOR"),
    ("\u3164", "U+3164 HANGUL FILLER"),
    ("\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("\u2028", "U+2028 LINE SEPARATOR"),
    ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
]
CYRILLIC_O = "\u043e"  # о, CYRILLIC SMALL LETTER O
CYRILLIC_A = "\u0430"  # а, CYRILLIC SMALL LETTER A
GREEK_OMICRON = "\u03bf"  # ο


def digest(path: Path | str) -> str:
    """The SQLite file's bytes, or every row of every table of the server's database, hashed."""
    if isinstance(path, Path):
        return hashlib.sha256(path.read_bytes()).hexdigest()
    conn = postgres.connect(postgres.Server(path))  # what is committed, seen by another desk
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture
def shop(db_path: Path) -> Path:
    """Heats D1, D2, E1 of 10 March 2025; ada (admin), hu (head), wang and li (inspectors)."""
    make_shop(db_path)
    return db_path


@pytest.fixture
def ada(shop: Path) -> Iterator[Store]:
    with open_as(shop, "ada") as s:
        yield s


def unchanged(path: Path | str, attempt: Callable[[], object], error: type[Exception] = QcError) -> str:
    """Run `attempt`, expect `error`; the database must not have changed. Its message."""
    before = digest(path)
    with pytest.raises(error) as info:
        attempt()
    assert digest(path) == before
    return str(info.value)


# ------------------------------------------------------------- invisible characters

@pytest.mark.parametrize(("char", "named"), INVISIBLE, ids=[n for _c, n in INVISIBLE])
def test_a_person_with_an_invisible_character_is_refused_naming_it(shop: Path, ada: Store, char: str,
                                                                     named: str) -> None:
    message = unchanged(shop, lambda: ada.add_person(f"zh{char}ou", "inspector", "zhou-pin", cost=CHEAP))
    assert message == f"name: holds an invisible character ({named})"
    assert [p.name for p in ada.people()] == ["ada", "hu", "li", "wang"]


@pytest.mark.parametrize(("char", "named"), INVISIBLE[:6], ids=[n for _c, n in INVISIBLE[:6]])
def test_every_code_refuses_invisible_characters(shop: Path, ada: Store, char: str, named: str) -> None:
    said = f"holds an invisible character ({named})"
    assert unchanged(shop, lambda: ada.add_converter(f"4{char}", "Converter 4")) == f"converter code: {said}"
    assert unchanged(shop, lambda: ada.add_grade(f"Q{char}345B")) == f"grade: {said}"
    assert unchanged(shop, lambda: ada.add_defect(f"CR{char}K", "crack", "裂纹", "surface")) == (
        f"defect code: {said}")
    heat = NewHeat(f"N{char}1", "1", datetime(2025, 3, 10, 9, 30), "Q235B", 30.0, None, "wang",
                   analysis=GOOD)
    assert unchanged(shop, lambda: ada.add_heat(heat)) == f"heat number: {said}"
    other = NewHeat("N1", "1", datetime(2025, 3, 10, 9, 30), "Q235B", 30.0, None, f"wa{char}ng")
    assert unchanged(shop, lambda: ada.add_heat(other)) == f"inspector: {said}"
    ingot = NewIngot(3, 700.0, Disposition.ACCEPTED, f"wa{char}ng")
    assert unchanged(shop, lambda: ada.add_ingots("D1", [ingot])) == f"inspector: {said}"
    assert unchanged(shop, lambda: ada.update_ingot("D1", 1, inspector=f"{char}wang")) == f"inspector: {said}"
    assert unchanged(shop, lambda: ada.update_heat("D1", inspector=f"wang{char}")) == f"inspector: {said}"
    assert unchanged(shop, lambda: ada.update_converter("1", name=f"One{char}")) == f"converter name: {said}"


def test_a_byte_order_mark_inside_a_name_is_refused_even_at_its_start(shop: Path, ada: Store) -> None:
    message = unchanged(shop, lambda: ada.add_person("\ufeffzhou", "inspector", "zhou-pin", cost=CHEAP))
    assert message == "name: holds an invisible character (U+FEFF ZERO WIDTH NO-BREAK SPACE)"


def test_private_use_characters_have_no_agreed_look(shop: Path, ada: Store) -> None:
    message = unchanged(shop, lambda: ada.add_person("zhou\ue000", "inspector", "zhou-pin", cost=CHEAP))
    assert message == "name: holds a character with no agreed look (U+E000): private use or unassigned"


# ------------------------------------------------------------------ NFKC: one name

def test_a_full_width_name_is_the_same_person(shop: Path, ada: Store) -> None:
    ada.add_person("zhou", "inspector", "zhou-pin", cost=CHEAP)
    message = unchanged(shop, lambda: ada.add_person("ｚｈｏｕ", "inspector", "other-pin", cost=CHEAP),
                        Conflict)
    assert message == "'zhou' already exists"


def test_signing_in_with_an_invisible_character_finds_nobody_never_another(shop: Path) -> None:
    with open_as(shop, "ada") as s:
        s.add_person("zhou", "inspector", "zhou-pin", cost=CHEAP)
    with open_as(shop, None) as s:
        for typed in ("zh\u200bou", "zhou\u200d", "\u202ezhou", f"zh{CYRILLIC_O}u"):
            with pytest.raises(QcError, match=r"^the name or the PIN is wrong \(after 5 wrong PINs"):
                s.login(typed, "zhou-pin")  # the right PIN: still nobody
            assert s.person is None
        assert s.person_named("zhou").failed_logins == 0  # nobody's attempt counted against zhou
        # the same person typed with a Chinese input method's full-width letters
        assert s.login("ｚｈｏｕ", "zhou-pin").name == "zhou"


# ---------------------------------------------------------------------- look-alikes

@pytest.mark.parametrize(("typed", "detail"), [
    (f"zh{CYRILLIC_O}u", "(U+043E CYRILLIC SMALL LETTER O where it has U+006F LATIN SMALL LETTER O)"),
    (f"zh{GREEK_OMICRON}u", "(U+03BF GREEK SMALL LETTER OMICRON where it has U+006F LATIN SMALL LETTER O)"),
    ("Zhou", "(U+005A LATIN CAPITAL LETTER Z where it has U+007A LATIN SMALL LETTER Z)"),
    ("zh0u", "(U+0030 DIGIT ZERO where it has U+006F LATIN SMALL LETTER O)"),
])
def test_a_name_that_looks_like_someone_is_refused_naming_them(shop: Path, ada: Store, typed: str,
                                                               detail: str) -> None:
    ada.add_person("zhou", "inspector", "zhou-pin", cost=CHEAP)
    message = unchanged(shop, lambda: ada.add_person(typed, "inspector", "other-pin", cost=CHEAP))
    assert message == (f"name: {typed!r} looks like 'zhou', which exists: use that one, or a name that "
                       f"cannot be mistaken for it {detail}")


def test_a_wholly_cyrillic_look_alike_is_refused_too(shop: Path, ada: Store) -> None:
    ada.add_person("KATE", "inspector", "kate-pin", cost=CHEAP)
    cyrillic = "\u041a\u0410\u0422\u0415"  # КАТЕ: one script, so only the look-alike rule finds it
    message = unchanged(shop, lambda: ada.add_person(cyrillic, "inspector", "other-pin", cost=CHEAP))
    assert message.startswith(f"name: {cyrillic!r} looks like 'KATE', which exists")


def test_spaces_do_not_make_another_person(shop: Path, ada: Store) -> None:
    ada.add_person("Zhou Wei", "inspector", "zhou-pin", cost=CHEAP)
    message = unchanged(shop, lambda: ada.add_person("zhou  wei", "inspector", "other-pin", cost=CHEAP))
    assert message.startswith("name: 'zhou  wei' looks like 'Zhou Wei', which exists")


def test_a_name_typed_on_two_keyboards_is_refused_before_anyone_it_could_be(shop: Path, ada: Store) -> None:
    message = unchanged(shop, lambda: ada.add_person(f"m{CYRILLIC_O}rgan", "inspector", "pin-pin",
                                                     cost=CHEAP))
    assert message == ("name: mixes Latin letters with U+043E CYRILLIC SMALL LETTER O in one word: type a "
                       "name on one keyboard")


def test_chinese_and_accented_names_that_look_like_no_one_are_kept(shop: Path, ada: Store) -> None:
    names = ["张伟", "张玮", "José", "Jose", "Lü Wei", "Lu Wei", "Müller", "Иван Petrov"]
    for name in names:
        ada.add_person(name, "inspector", "some-pin", cost=CHEAP)
    assert {p.name for p in ada.people()} >= set(names)
    with open_as(shop, None) as s:
        assert s.login("张伟", "some-pin").name == "张伟"


def test_converters_grades_and_defects_that_look_like_existing_ones(shop: Path, ada: Store) -> None:
    assert unchanged(shop, lambda: ada.add_converter("l", "Converter l")) == (
        "converter code: 'l' looks like '1', which exists: use that one, or a name that cannot be mistaken "
        "for it (U+006C LATIN SMALL LETTER L where it has U+0031 DIGIT ONE)")
    message = unchanged(shop, lambda: ada.add_grade("Q235\u0412"))  # Cyrillic В
    assert message == ("grade: 'Q235В' looks like 'Q235B', which exists: use that one, or a name that cannot "
                       "be mistaken for it (U+0412 CYRILLIC CAPITAL LETTER VE where it has U+0042 LATIN "
                       "CAPITAL LETTER B)")
    assert unchanged(shop, lambda: ada.add_grade("q235b")).startswith("grade: 'q235b' looks like 'Q235B'")
    message = unchanged(shop, lambda: ada.add_defect("\u0420IPE", "pipe", "缩孔", "internal"))  # Cyrillic Р
    assert message.startswith("defect code: 'РIPE' looks like 'PIPE', which exists")
    # a code with a look-alike letter is refused even where it looks like nothing that exists
    assert unchanged(shop, lambda: ada.add_grade("Q\u0405")) == (
        "grade: holds U+0405 CYRILLIC CAPITAL LETTER DZE, which looks like 'S': type codes with Latin "
        "letters and digits")
    heat = NewHeat("24\u0410001", "1", datetime(2025, 3, 10, 9, 30), "Q235B", 30.0, None, "wang")
    assert unchanged(shop, lambda: ada.add_heat(heat)) == (
        "heat number: holds U+0410 CYRILLIC CAPITAL LETTER A, which looks like 'A': type codes with Latin "
        "letters and digits")
    # and the honest ones still go in
    ada.add_converter("4", "Converter 4")
    ada.add_grade("Q345B")
    ada.add_defect("CRZ", "crazing", "龟裂", "surface")


def test_an_inspector_who_looks_like_a_person_is_refused_naming_them(shop: Path, ada: Store) -> None:
    said = (f"inspector: 'w{CYRILLIC_A}ng' looks like 'wang', which exists: use that one, or a name that "
            "cannot be mistaken for it (U+0430 CYRILLIC SMALL LETTER A where it has U+0061 LATIN SMALL "
            "LETTER A)")
    heat = NewHeat("N1", "1", datetime(2025, 3, 10, 9, 30), "Q235B", 30.0, None, f"w{CYRILLIC_A}ng")
    assert unchanged(shop, lambda: ada.add_heat(heat)) == said
    assert unchanged(shop, lambda: ada.update_heat("D1", inspector=f"w{CYRILLIC_A}ng")) == said
    ingot = NewIngot(3, 700.0, Disposition.ACCEPTED, f"w{CYRILLIC_A}ng")
    assert unchanged(shop, lambda: ada.add_ingots("D1", [ingot])) == said
    assert unchanged(shop, lambda: ada.update_ingot("D1", 1, inspector=f"w{CYRILLIC_A}ng")) == said


def test_skeletons_compare_what_a_reader_sees() -> None:
    assert skeleton("zh\u043eu") == skeleton("zhou") == skeleton("ZHOU") == skeleton("ｚｈｏｕ")
    assert skeleton("Q235\u0412") == skeleton("Q235B")
    assert skeleton("l") == skeleton("1") == skeleton("I") == skeleton("|")
    assert skeleton("Lü") != skeleton("Lu")
    assert skeleton("张伟") != skeleton("张玮")


# -------------------------------------------------------------------- CSV import

def heats_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "heats.csv"
    path.write_text("heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
                    + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_csv_import_names_invisible_and_look_alike_cells(shop: Path, tmp_path: Path) -> None:
    path = heats_csv(
        tmp_path,
        "N\u200b1,1,2025-03-10 09:30,Q235B,30,,wang",  # line 2: invisible in a heat number
        f"N2,1,2025-03-10 09:40,Q235B,30,,w{CYRILLIC_A}ng",  # 3: looks like wang
        "N3,l,2025-03-10 09:50,Q235\u0412,30,,wang",  # 4: converter l, grade with a Cyrillic В
        "N\u04104,1,2025-03-10 10:00,Q235B,30,,wa\u202eng",  # 5: Cyrillic А, an override
        f"N5,1,2025-03-10 10:10,Q235B,30,,ch{CYRILLIC_O}u",  # 6: two keyboards, no one like it
    )
    with open_as(shop, "wang") as s:
        message = unchanged(shop, lambda: csvio.import_heats(s, path), ImportRefused)
    assert message.splitlines()[1:] == [
        "line 2, column 1 (heat_no): holds an invisible character (U+200B ZERO WIDTH SPACE)",
        f"line 3, column 7 (inspector): 'w{CYRILLIC_A}ng' looks like 'wang', which exists: use that one, "
        "or a name that cannot be mistaken for it (U+0430 CYRILLIC SMALL LETTER A where it has U+0061 "
        "LATIN SMALL LETTER A)",
        "line 4, column 2 (converter): 'l' looks like '1', which exists: use that one, or a name that "
        "cannot be mistaken for it (U+006C LATIN SMALL LETTER L where it has U+0031 DIGIT ONE)",
        "line 4, column 4 (grade): 'Q235В' looks like 'Q235B', which exists: use that one, or a name that "
        "cannot be mistaken for it (U+0412 CYRILLIC CAPITAL LETTER VE where it has U+0042 LATIN CAPITAL "
        "LETTER B)",
        "line 5, column 1 (heat_no): holds U+0410 CYRILLIC CAPITAL LETTER A, which looks like 'A': type "
        "codes with Latin letters and digits",
        "line 5, column 7 (inspector): holds an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)",
        "line 6, column 7 (inspector): mixes Latin letters with U+043E CYRILLIC SMALL LETTER O in one "
        "word: type a name on one keyboard",
    ]


def test_a_csv_import_reads_full_width_names_as_the_person(shop: Path, tmp_path: Path) -> None:
    path = heats_csv(tmp_path, "Ｎ１,１,2025-03-10 09:30,Ｑ２３５Ｂ,30,,ｗａｎｇ")
    with open_as(shop, "wang") as s:
        assert csvio.import_heats(s, path) == 1
        assert (s.heat("N1").inspector, s.heat("N1").grade) == ("wang", "Q235B")


def test_an_ingots_csv_names_an_inspector_who_looks_like_someone(shop: Path, tmp_path: Path) -> None:
    path = tmp_path / "ingots.csv"
    path.write_text("heat_no,ingot_no,weight_kg,disposition,defects,inspector\n"
                    "D1,3,700,accepted,,Wang\n"
                    "D1,4,700,accepted,SCAB\u200b,wang\n", encoding="utf-8")
    with open_as(shop, "wang") as s:
        message = unchanged(shop, lambda: csvio.import_ingots(s, path), ImportRefused)
    assert message.splitlines()[1:] == [
        "line 2, column 6 (inspector): 'Wang' looks like 'wang', which exists: use that one, or a name "
        "that cannot be mistaken for it (U+0057 LATIN CAPITAL LETTER W where it has U+0077 LATIN SMALL "
        "LETTER W)",
        "line 3, column 5 (defects): holds an invisible character (U+200B ZERO WIDTH SPACE)",
    ]


# ------------------------------------------------------------------ command line

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_refuses_what_the_store_refuses(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDESK_PIN", PINS["ada"])
    monkeypatch.setenv("QCDESK_NEW_PIN", "zhou-pin")
    db = str(shop)
    assert run("--db", db, "--user", "ada", "user", "add", "zhou", "--role", "inspector")[0] == 0
    before = digest(shop)
    assert run("--db", db, "--user", "ada", "user", "add", "zh\u200bou", "--role", "inspector") == (
        1, "", "qcdesk: name: holds an invisible character (U+200B ZERO WIDTH SPACE)\n")
    code, _out, err = run("--db", db, "--user", "ada", "user", "add", f"zh{CYRILLIC_O}u", "--role",
                          "inspector")
    assert code == 1
    assert err.startswith(f"qcdesk: name: 'zh{CYRILLIC_O}u' looks like 'zhou', which exists")
    # signing in as someone with an invisible character in the name: nobody
    monkeypatch.setenv("QCDESK_PIN", "zhou-pin")
    code, _out, err = run("--db", db, "--user", "zh\u200bou", "plan", "set", "2025-03", "--output", "900")
    assert code == 1
    assert "zhou" not in err.replace("zh\u200bou", "")
    assert digest(shop) == before


def test_nothing_changes_in_a_database_without_people_either(store: Store, db_path: Path) -> None:
    store.add_heat(NewHeat("H1", "1", NOW.replace(tzinfo=None, hour=9), "Q235B", 30.0, None, "wang"))
    heat = NewHeat("H2", "1", NOW.replace(tzinfo=None, hour=9), "Q235B", 30.0, None, f"w{CYRILLIC_A}ng")
    assert unchanged(db_path, lambda: store.add_heat(heat), InputError) == (
        "inspector: mixes Latin letters with U+0430 CYRILLIC SMALL LETTER A in one word: type a name on "
        "one keyboard")
