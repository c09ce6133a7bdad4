"""Migration 10 brings the lab's samples to a database written before them.

`data/schema9-signed.sqlite` (with its journal `.heads`) was written by qcdesk at schema 9
(main at fc7a8bd): the small workshop of `signed_shop` (heats D1, D2 in the day shift, E1 in
the evening, each with the analysis GOOD), ingot D1/2 corrected from scrap to regraded and
E1's S corrected to 0.03 by wang, both shifts closed (wang, li) and the day approved (hu):
56 entries, head 46bd4bab…. `data/schema8-signed.sqlite` is described in test_migration9.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from attacker import plain_sqlite
from signed_shop import DAY, GOOD, open_as

from qcdesk.journal import journal_path
from qcdesk.migrations import LATEST
from qcdesk.model import SampleKind
from qcdesk.store import Store
from qcdesk.verify import verify

DATA = Path(__file__).parent / "data"
OLD_HEAD = "46bd4bab4a12f601e62a20d8ad09035ac4f7a3cfd25ff0c974e1ed07cb010d42"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "schema9-signed.sqlite", path)
    shutil.copyfile(DATA / "schema9-signed.sqlite.heads", journal_path(path))
    return path


def test_each_heat_analysis_becomes_its_heat_sample(old: Path) -> None:
    with open_as(old, None) as s:
        assert s.schema_version() == LATEST  # and on through the later ones
        taps = {"D1": datetime(2025, 3, 10, 9, 0), "D2": datetime(2025, 3, 10, 11, 30),
                "E1": datetime(2025, 3, 10, 17, 0)}
        for heat_no, tapped in taps.items():
            [sample] = s.samples(heat_no)
            inspector = "li" if heat_no == "E1" else "wang"
            assert (sample.kind, sample.sample_no, sample.ingot_no, sample.taken_at, sample.entered_by) == (
                SampleKind.HEAT, None, None, tapped, inspector)
            assert sample.values == s.heat(heat_no).analysis
        assert s.samples("E1")[0].values == {**GOOD, "S": 0.03}
        [edition] = s.tolerance_editions()
        assert edition.title == "GB/T 222-2006"


def test_nothing_changes_for_what_was_signed(old: Path) -> None:
    with open_as(old, None) as s:
        report = verify(s, full=True)  # every signature's records hashed again, as signed
        assert report.ok, report.problem
        assert report.signatures == 3
        assert s.day_signoff(DAY).status.value == "signed"
        day = s.rates(DAY, DAY).total.as_dict()
        # D1/1 700 accepted, D1/2 650 regraded, D2/1 800 accepted, E1/1 900 accepted: all conforming
        assert (day["weight_qualified_kg"], day["weight_judged_kg"]) == (2400.0, 3050.0)
        assert day["ingots_failing_product_analysis"] == 0
        assert [i.regrade_to for i in s.ingots("D1")] == [None, None]


def test_the_migration_is_audited_in_a_block_of_its_own(old: Path) -> None:
    with Store.open(old, "it") as s:
        entries = s.audit()
        marker = next(e for e in entries if e.entity == "schema" and e.entity_key == "10")
        assert marker.id == 57
        assert marker.user == "it"
        # the heats' analyses stay where they were: their heat samples have no record of their own
        assert json.loads(marker.new_value or "{}") == {"sealed": {"sample": 0, "tolerance_edition": 1}}
        sealed = [e for e in entries if e.id > marker.id]
        assert [(e.entity, e.field) for e in sealed] == [("tolerance_edition", "sealed")]
        assert s.chain_head() != OLD_HEAD
    lines = journal_path(old).read_text().splitlines()
    assert lines[-2].startswith("begin 56 58 ")  # the old journal goes on


def test_the_migration_runs_once(old: Path) -> None:
    with Store.open(old, "it") as s:
        head = s.chain_head()
    with Store.open(old, "else") as s:
        assert s.chain_head() == head
        assert len(s.samples("D1")) == 1


def test_the_labs_heat_sample_changed_behind_the_programs_back_is_named(old: Path) -> None:
    with open_as(old, "hu") as s:  # the lab's record of D2's analysis: the same values, its number
        s.add_sample("D2", "heat", GOOD, sample_no="L-2", taken_at=datetime(2025, 3, 10, 11, 30),
                     reason="the lab's sheet")
        assert verify(s).ok
    with plain_sqlite(old) as raw:
        raw.execute("UPDATE sample SET taken_at = '2025-03-10 09:30' WHERE heat_id = "
                    "(SELECT id FROM heat WHERE heat_no = 'D2')")
    with open_as(old, None) as s:
        report = verify(s)
    assert not report.ok
    said = report.problem or ""
    assert "sample D2/L-2 (heat analysis, sample row 1): taken_at is '2025-03-10 09:30'" in said


def test_a_product_sample_of_a_signed_day_supersedes_it_and_is_signed_again(old: Path) -> None:
    with open_as(old, "hu") as s:
        s.add_sample("D2", "product", {"C": 0.30}, sample_no="P1", ingot_no=1,
                     taken_at=datetime(2025, 3, 11, 9, 0), reason="drillings came back failing")
        assert s.day_signoff(DAY).status.value == "superseded"
        assert [i.product_fails for i in s.ingots("D2")] == [True]
        s.sign_shift(DAY, "day", "head-pin")
        s.sign_day(DAY, "head-pin")
        report = verify(s, full=True)
        assert report.ok, report.problem
        assert s.rates(DAY, DAY).total.as_dict()["weight_qualified_kg"] == 1600.0  # D2/1 is out


def test_the_schema_8_file_goes_through_both_migrations(tmp_path: Path) -> None:
    path = tmp_path / "old8.sqlite"
    shutil.copyfile(DATA / "schema8-signed.sqlite", path)
    with open_as(path, None) as s:
        assert s.schema_version() == LATEST  # and on through the later ones
        assert all(len(s.samples(h)) == 1 for h in ("D1", "D2", "E1"))
        report = verify(s, full=True)
        assert report.ok, report.problem
        assert report.signatures == 3
