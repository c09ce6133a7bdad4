"""Files that are not what they seem (issue 12): import reads only ordinary files, with bounded
memory whatever the file, and refuses text that is neither UTF-8 nor plausibly Chinese GB18030.

Every refusal is plain (no traceback), quick (no pipe is ever opened, nothing read whole) and
leaves the database's bytes as they were (hashed before and after).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcdesk import csvio
from qcdesk.cli import main
from qcdesk.errors import ImportRefused, QcError
from qcdesk.store import Store
from ui.import_dialog import ImportDialog
from ui.session import Session

HEADER = "heat_no,converter,tapped_at,grade,tap_weight_t,tap_temp_c,inspector\n"
ROW = "H{n},1,2024-03-05 09:00,Q235B,30,1600,{who}\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(store: Store, db_path: Path, path: Path, error: type[Exception] = QcError,
            importer: Callable[..., int] = csvio.import_heats, **kwargs: object) -> str:
    """Import `path`, expect `error`; the database's bytes unchanged. The message."""
    before = digest(db_path)
    with pytest.raises(error) as info:
        importer(store, path, **kwargs)
    assert digest(db_path) == before
    assert not store.conn.in_transaction
    return str(info.value)


def heats_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------- what is not a file

def test_a_folder_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    assert refused(store, db_path, tmp_path) == f"{tmp_path} is a folder: name the CSV file to import"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused_unread(store: Store, db_path: Path, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    assert refused(store, db_path, Path(device)) == (
        f"{device} is not an ordinary file (a device, a pipe or a socket): only a saved CSV file can be "
        "imported")


def test_a_link_to_a_device_is_refused_too(store: Store, db_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "heats.csv"
    link.symlink_to("/dev/zero")
    assert "is not an ordinary file" in refused(store, db_path, link, importer=csvio.import_ingots)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "heats.csv"
    os.mkfifo(path)
    yield path
    # were it ever opened for reading, an open for writing without a reader fails: nobody waits
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def test_a_pipe_is_refused_without_being_opened(store: Store, db_path: Path, fifo: Path) -> None:
    before = digest(db_path)
    outcome: list[BaseException] = []

    def attempt() -> None:
        with Store.open(db_path, "tester") as own:  # a connection of the thread's own
            try:
                csvio.import_heats(own, fifo)
            except BaseException as exc:
                outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(60)  # a guard against a hang, not a timing: the refusal takes a stat call
    if worker.is_alive():  # blocked in open(): let it go, then fail
        os.close(os.open(fifo, os.O_WRONLY))
        worker.join(10)
        pytest.fail("the import waited on the pipe")
    assert [str(e) for e in outcome] == [
        f"{fifo} is not an ordinary file (a device, a pipe or a socket): only a saved CSV file can be "
        "imported"]
    with pytest.raises(OSError, match="No such device or address"):  # nobody has the pipe open to read
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    assert digest(db_path) == before


def test_a_socket_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        assert "is not an ordinary file" in refused(store, db_path, path)


# ------------------------------------------------------ bounded, whatever the file

def test_a_gigabyte_is_refused_before_it_is_read(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "zeros.csv"
    with path.open("wb") as f:
        f.truncate(1 << 30)  # sparse: a gigabyte that takes no disk
    assert refused(store, db_path, path) == (
        f"{path} holds 1024 MiB; a file of heats or ingots holds at most 256 MiB: split it (nothing "
        "imported)")


def test_zeros_without_a_line_end_are_refused_at_their_first_64_kib(store: Store, db_path: Path,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "zeros.csv"
    with path.open("wb") as f:
        f.truncate(200 << 20)  # sparse: 200 MiB that take no disk
    tracemalloc.start()
    try:
        message = refused(store, db_path, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == f"{path}: line 1 is longer than 64 KiB: not a CSV file of records (nothing imported)"
    assert peak < 4 << 20  # the cap, a read buffer and the refusal; never the file


def test_a_small_file_of_zeros_is_not_text(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path / "zeros.csv", "\0" * 1000 + "\n" + "\0" * 10)
    assert refused(store, db_path, path) == (
        f"{path}: the first line holds a NUL byte: not a CSV text file (nothing imported)")


def test_one_enormous_line_is_refused_by_its_number_within_bounded_memory(
        store: Store, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + ROW.format(n=1, who="Wang"))
        f.write("H2,1,2024-03-05 09:00,Q235B,30,1600," + "王" * (40 << 20) + "\n")  # a 120 MB line
    tracemalloc.start()
    try:
        message = refused(store, db_path, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == f"{path}: line 3 is longer than 64 KiB: not a CSV file of records (nothing imported)"
    assert peak < 4 << 20


def test_a_header_of_a_million_columns_is_refused(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path / "wide.csv", ",".join(f"c{i}" for i in range(1_000_000)) + "\n")
    assert refused(store, db_path, path) == (
        f"{path}: line 1 is longer than 64 KiB: not a CSV file of records (nothing imported)")


def test_a_header_of_more_columns_than_any_file_has_is_refused(store: Store, db_path: Path,
                                                                tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + "".join(f",x{i}" for i in range(194)) + "\n"
    path = heats_file(tmp_path / "wide.csv", header)
    assert refused(store, db_path, path) == (
        f"{path}: the first line names 201 columns; a file of heats or ingots has at most 200 (nothing "
        "imported)")


def test_a_quote_left_open_is_refused_where_its_record_starts(store: Store, db_path: Path,
                                                              tmp_path: Path) -> None:
    text = HEADER + ROW.format(n=1, who="Wang") + 'H2,1,"' + "x,\n" * 40_000
    path = heats_file(tmp_path / "open.csv", text)
    assert refused(store, db_path, path) == (
        f"{path}: the record from line 3 runs over 64 KiB, a quote left open? (nothing imported)")


def test_a_file_of_nothing_but_problems_stops_being_read(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path / "bad.csv", HEADER + "x\n" * 100_000)
    message = refused(store, db_path, path, ImportRefused)
    assert message.splitlines()[0] == f"{path}: nothing imported, 1001 problem(s) found"
    assert message.splitlines()[1] == "line 2: 1 cells where the header names 7"
    assert message.splitlines()[-1] == "… and 901 more problems"
    with pytest.raises(ImportRefused) as info:
        csvio.import_heats(store, path)
    assert str(info.value.problems[-1]) == (
        "line 1002: more than 1000 problems: the rest of the file was not read")


def test_more_records_than_the_cap_are_refused(store: Store, db_path: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvio, "MAX_RECORDS", 3)  # the cap is 500,000: the same code at a test's size
    path = heats_file(tmp_path / "many.csv", HEADER + "".join(ROW.format(n=n, who="Wang") for n in range(4)))
    assert refused(store, db_path, path) == f"{path}: more than 3 records; split the file (nothing imported)"
    path = heats_file(tmp_path / "three.csv", HEADER + "".join(ROW.format(n=n, who="Wang") for n in range(3)))
    assert csvio.import_heats(store, path) == 3


def test_line_ends_of_every_kind_still_import(store: Store, tmp_path: Path) -> None:
    rows = [HEADER.rstrip("\n"), *(ROW.format(n=n, who="Wang").rstrip("\n") for n in range(3))]
    for end, name in (("\r", "mac"), ("\r\n", "dos"), ("\n", "unix")):
        path = heats_file(tmp_path / f"{name}.csv", end.join(rows).replace("H", name) + end)
        assert csvio.import_heats(store, path) == 3, name
    assert store.heat("mac2").inspector == "Wang"


# ---------------------------------------------------------------------- encodings

LATIN = HEADER + ROW.format(n=1, who="Wang") + ROW.format(n=2, who="Müller") + ROW.format(n=3, who="Lefèvre")
CENTRAL = HEADER + ROW.format(n=1, who="Dvořák") + ROW.format(n=2, who="Wójcik")


@pytest.mark.parametrize("case", [(LATIN, "latin-1", 3), (LATIN, "cp1252", 3), (CENTRAL, "cp1250", 2)],
                         ids=["latin-1", "cp1252", "cp1250"])
def test_latin_text_that_decodes_as_nonsense_chinese_is_refused_naming_encoding(
        store: Store, db_path: Path, tmp_path: Path, case: tuple[str, str, int]) -> None:
    text, encoding, line = case
    path = heats_file(tmp_path / "heats.csv", text, encoding)
    path.read_bytes().decode("gb18030")  # it does decode as GB18030 without an error ...
    assert refused(store, db_path, path) == (  # ... into characters no one writes
        f"{path}: line {line} is not UTF-8 and the file does not read as Chinese GB18030 either: save the "
        "file as UTF-8, or name its encoding with --encoding latin-1 (or cp1250, gb18030, …)")
    assert csvio.import_heats(store, path, encoding=encoding) == text.count("\n") - 1
    assert {h.inspector for h in store.heats(date(2024, 3, 5), date(2024, 3, 5))} == {
        line.rsplit(",", 1)[1] for line in text.splitlines()[1:]}


def test_text_that_is_neither_is_refused_naming_the_line(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path / "heats.csv", HEADER + ROW.format(n=1, who="Wang") + ROW.format(
        n=2, who="Jürgen Groß"), "latin-1")
    assert refused(store, db_path, path) == (
        f"{path}: line 3 is neither UTF-8 nor GB18030; say which with --encoding (latin-1, cp1250, …), or "
        "save the file as UTF-8")


def test_a_utf8_file_with_a_latin_line_later_is_refused_there(store: Store, db_path: Path,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "heats.csv"
    path.write_bytes((HEADER + ROW.format(n=1, who="王建国")).encode() + ROW.format(n=2, who="Müller").encode(
        "latin-1"))
    assert refused(store, db_path, path) == (
        f"{path}: line 3 is not UTF-8 and the file does not read as Chinese GB18030 either: save the file as "
        "UTF-8, or name its encoding with --encoding latin-1 (or cp1250, gb18030, …)")


def test_a_gb18030_name_that_happens_to_be_valid_utf8_does_not_mislead(store: Store, tmp_path: Path) -> None:
    # 郑伟 in GB18030 is D6 A3 CE B0, which is also UTF-8 (for ֣ΰ): one name in 25 is so
    names = ["郑伟", "王建国", "李秀英"]
    assert "郑伟".encode("gb18030").decode("utf-8") == "\u05a3\u03b0"
    path = heats_file(tmp_path / "heats.csv", HEADER + "".join(ROW.format(n=n, who=who) for n, who in
                                                               enumerate(names)), "gb18030")
    assert csvio.import_heats(store, path) == 3
    assert [store.heat(f"H{n}").inspector for n in range(3)] == names


def test_chinese_gb18030_with_rare_name_characters_keeps_importing(store: Store, tmp_path: Path) -> None:
    # 喆 and 堃 are outside GB2312, as rare name characters are; most of the file's are common
    names = ["王喆", "李秀英", "赵敏", "张堃"]
    path = heats_file(tmp_path / "heats.csv", HEADER + "".join(ROW.format(n=n, who=who) for n, who in
                                                               enumerate(names)), "gb18030")
    assert csvio.import_heats(store, path) == 4
    assert [store.heat(f"H{n}").inspector for n in range(4)] == names


def test_a_wrong_encoding_given_names_the_line(store: Store, db_path: Path, tmp_path: Path) -> None:
    path = heats_file(tmp_path / "heats.csv", HEADER + ROW.format(n=1, who="Wang") + ROW.format(
        n=2, who="王建国"), "gb18030")
    assert refused(store, db_path, path, encoding="utf-8") == f"{path}: line 3 is not valid utf-8"


# -------------------------------------------------------- the command line and the desktop

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_says_it_in_one_line(db_path: Path, tmp_path: Path) -> None:
    Store.open(db_path, "tester").close()
    before = digest(db_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    latin = heats_file(tmp_path / "latin.csv", LATIN, "latin-1")
    for target, said in ((Path("/dev/zero"), "is not an ordinary file"), (fifo, "is not an ordinary file"),
                         (tmp_path, "is a folder"), (latin, "--encoding latin-1")):
        code, out, err = run("--db", str(db_path), "import", "heats", str(target))
        assert (code, out, err.count("\n")) == (1, "", 1), err
        assert said in err
    assert digest(db_path) == before
    assert run("--db", str(db_path), "import", "heats", str(latin), "--encoding", "latin-1")[0] == 0


@pytest.fixture
def session(qtbot: QtBot, db_path: Path) -> Iterator[Session]:
    s = Session(db_path, "tester")
    yield s
    qtbot.waitUntil(s.idle)
    s.close()


def test_the_desktop_import_says_a_pipe_is_no_file(qtbot: QtBot, session: Session, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    dialog = ImportDialog(session, "heats")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(fifo))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.status_label.text() == (
        f"{fifo} is not an ordinary file (a device, a pipe or a socket): only a saved CSV file can be "
        "imported")
