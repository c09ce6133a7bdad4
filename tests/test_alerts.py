"""Off-grade announcements (issue 14): a heat whose analysis fails its standard, an ingot whose
product analysis fails, is announced on every desk until a person dismisses it; the dismissal
is a record of the heat's history, kept as it was made, and proven by verify.

The workshop is signed_shop's (10 March 2025, its clock at 20:00 UTC; people ada admin, hu head,
wang and li inspectors; D1, D2, E1 conforming Q235B heats), with, by wang:
F1 tapped at 13:00 with Mn 1.82 (Q235B max 1.40) and S 0.050 (max 0.045), failing;
G1 tapped on 4 March (six days before) with P 0.050 (max 0.045), failing;
H1 tapped on 2 March (eight days before) with C 0.30 (max 0.20), failing;
and a product sample P1 of ingot D2/1 taken at 15:00 with C 0.25: C max 0.20 widened by 0.02
(GB/T 222-2006, class ≤ 0.25) allows 0.22.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from attacker import fingerprint, plain
from signed_shop import GOOD, make_shop, open_as

from qcdesk.alerts import ANNOUNCED_FOR, AlertKind, Side, alert_text
from qcdesk.cli import main
from qcdesk.errors import Conflict, QcError
from qcdesk.model import Disposition
from qcdesk.people import Role
from qcdesk.store import NewHeat, NewIngot, Store

F1 = "Heat F1 off grade: Mn 1.82 % > max 1.40 % (Q235B, GB/T 700-2006)"
F1_S = "Heat F1 off grade: S 0.050 % > max 0.045 % (Q235B, GB/T 700-2006)"
G1 = "Heat G1 off grade: P 0.050 % > max 0.045 % (Q235B, GB/T 700-2006)"
D2 = "Ingot D2/1 fails its product analysis P1: C 0.25 % > 0.22 % allowed (Q235B, GB/T 700-2006)"


@pytest.fixture
def shop(db_path: Path) -> Path:
    make_shop(db_path)
    with open_as(db_path, "wang") as s:
        for heat_no, tapped, changed in (("F1", datetime(2025, 3, 10, 13, 0), {"Mn": 1.82, "S": 0.050}),
                                         ("G1", datetime(2025, 3, 4, 10, 0), {"P": 0.050}),
                                         ("H1", datetime(2025, 3, 2, 10, 0), {"C": 0.30})):
            s.add_heat(NewHeat(heat_no, "2", tapped, "Q235B", 28.0, 1610.0, "wang",
                               analysis={**GOOD, **changed}))
        s.add_sample("D2", "product", {"C": 0.25, "Mn": 0.5}, sample_no="P1", ingot_no=1,
                     taken_at=datetime(2025, 3, 10, 15, 0))
    return db_path


def texts(store: Store) -> list[str]:
    return [alert_text(a) for a in store.open_alerts()]


def test_failing_heats_and_ingots_are_announced_with_element_value_and_limit(shop: Path) -> None:
    with open_as(shop, None) as s:
        assert texts(s) == [G1, F1, F1_S, D2]  # oldest first; H1 is older than a week
        mn = s.open_alerts()[1]
        assert (mn.kind, mn.heat_no, mn.element, mn.value, mn.side, mn.limit, mn.grade, mn.standard) == (
            AlertKind.HEAT, "F1", "Mn", 1.82, Side.ABOVE, 1.40, "Q235B", "GB/T 700-2006")
        product = s.open_alerts()[3]
        assert (product.kind, product.ingot_no, product.sample_no, product.limit) == (
            AlertKind.PRODUCT, 1, "P1", 0.22)


def test_passing_heats_and_product_analyses_are_not_announced(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        s.add_heat(NewHeat("K1", "3", datetime(2025, 3, 10, 14, 0), "Q235B", 28.0, None, "wang",
                           analysis={**GOOD, "Mn": 1.40}))  # on the limit: inside
        s.add_heat(NewHeat("K2", "3", datetime(2025, 3, 10, 14, 30), "Q235B", 28.0, None, "wang",
                           analysis={"C": 0.15}))  # not yet checked: nothing to announce
        s.add_ingots("K1", [NewIngot(1, 700.0, Disposition.ACCEPTED, "wang")])
        s.add_sample("K1", "product", {"C": 0.22}, sample_no="P1", ingot_no=1,
                     taken_at=datetime(2025, 3, 10, 15, 0))  # 0.20 + 0.02: inside its tolerance
        assert texts(s) == [G1, F1, F1_S, D2]


def test_a_failure_is_announced_for_a_week(shop: Path) -> None:
    later = [datetime(2025, 3, 4, 10, 0) + ANNOUNCED_FOR]  # (wall-clock time, as taps are kept)
    with open_as(shop, None, later) as s:  # G1's tap a week ago to the minute: still announced
        assert G1 in texts(s)
    later[0] = later[0].replace(minute=1)
    with open_as(shop, None, later) as s:
        assert G1 not in texts(s)
    earlier = [datetime(2025, 3, 2, 9, 0)]  # a clock in the database's past (as the demo's is):
    with open_as(shop, None, earlier) as s:  # H1 an hour ahead, as a tap may be; G1 two days ahead
        assert texts(s) == ["Heat H1 off grade: C 0.30 % > max 0.20 % (Q235B, GB/T 700-2006)"]


def test_a_dismissal_is_for_everybody_and_in_the_heats_history(shop: Path) -> None:
    with open_as(shop, "wang") as wang, open_as(shop, "hu") as hu:
        mn = wang.open_alerts()[1]
        done = wang.dismiss_alert(mn)
        assert (done.heat_no, done.element, done.dismissed_by, done.role, done.dismissed_at) == (
            "F1", "Mn", "wang", Role.INSPECTOR, "2025-03-10T20:00:00+00:00")
        assert texts(hu) == [G1, F1_S, D2]  # another desk, its own connection
        assert texts(wang) == [G1, F1_S, D2]
        assert hu.dismissals("F1") == [done]
        [entry] = [e for e in hu.audit("F1") if e.entity == "alert"]
        assert (entry.user, entry.entity_key, entry.field, entry.action) == (
            "wang", "F1/Mn", "dismissed", "insert")
        assert '"value": 1.82' in (entry.new_value or "")
        assert '"role": "inspector"' in (entry.new_value or "")
        product = next(a for a in hu.open_alerts() if a.kind is AlertKind.PRODUCT)
        assert hu.dismiss_alert(product).role is Role.HEAD
        assert texts(wang) == [G1, F1_S]


def test_an_announcement_dismissed_at_another_desk_stays_as_it_was_dismissed(shop: Path) -> None:
    with open_as(shop, "wang") as wang, open_as(shop, "li") as li:
        mn = li.open_alerts()[1]  # shown at both desks
        first = wang.dismiss_alert(mn)
        entries = len(li.audit())
        assert li.dismiss_alert(mn) == first
        assert len(li.audit()) == entries


@pytest.mark.parametrize("who", ["ada", None])
def test_a_dismissal_without_the_role_is_refused_and_changes_nothing(shop: Path, who: str | None) -> None:
    with open_as(shop, who) as s:
        shown = s.open_alerts()
        before = fingerprint(shop)
        with pytest.raises(QcError, match="may not dismiss an off-grade announcement" if who
                           else "sign in first"):
            s.dismiss_alert(shown[0])
        assert fingerprint(shop) == before  # not a byte
        assert texts(s) == [G1, F1, F1_S, D2]


def test_a_heat_corrected_is_announced_no_more_and_cannot_be_dismissed(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        stale = s.open_alerts()[0]
        s.set_analysis("G1", {"P": 0.040}, reason="lab repeated the analysis")
        assert texts(s) == [F1, F1_S, D2]
        with pytest.raises(Conflict, match="no longer fails on P"):
            s.dismiss_alert(stale)
        s.void_heat("F1", "typed twice")
        assert texts(s) == [D2]


def test_a_newly_failing_element_is_announced_again(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        s.dismiss_alert(s.open_alerts()[0])
        assert G1 not in texts(s)
        s.set_analysis("G1", {"P": 0.060}, reason="lab repeated the analysis")
        assert G1 not in texts(s)  # P was dismissed, whatever its value now
        s.set_analysis("G1", {"S": 0.060}, reason="lab repeated the analysis")
        assert "Heat G1 off grade: S 0.060 % > max 0.045 % (Q235B, GB/T 700-2006)" in texts(s)


def test_a_dismissal_cannot_be_changed_or_removed_with_plain_sql(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        s.dismiss_alert(s.open_alerts()[0])
    for attack in ("UPDATE alert_dismissal SET dismissed_by = 'hu'", "DELETE FROM alert_dismissal"):
        with pytest.raises(Exception, match="a dismissal is kept as it was made: never changed or removed"), \
                plain(shop) as raw:
            raw.execute(attack)
    with open_as(shop, None) as s:
        assert [d.dismissed_by for d in s.dismissals("G1")] == ["wang"]


def _verify(db: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", str(db), "verify"], out, err)
    return code, out.getvalue() + err.getvalue()


def test_verify_names_a_dismissal_changed_or_removed_behind_the_programs_back(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        s.dismiss_alert(s.open_alerts()[0])
    assert _verify(shop)[0] == 0
    with plain(shop) as raw:
        raw.switch_off("alert_dismissal_no_update")
        raw.execute("UPDATE alert_dismissal SET dismissed_by = 'hu', role = 'head', person_id = "
                    "(SELECT id FROM person WHERE name = 'hu')")
    code, out = _verify(shop)
    assert code == 1
    assert "alert_dismissal G1/P (dismissal row 1): person_id is" in out
    assert "it was changed behind the program's back" in out


def test_verify_names_a_dismissal_removed(shop: Path) -> None:
    with open_as(shop, "wang") as s:
        s.dismiss_alert(s.open_alerts()[0])
    with plain(shop) as raw:
        raw.switch_off("alert_dismissal_no_delete")
        raw.execute("DELETE FROM alert_dismissal")
    code, out = _verify(shop)
    assert code == 1
    assert "alert_dismissal G1/P (dismissal row 1) is gone" in out


# ------------------------------------------------------------------ at the command line

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_announcements_are_listed_and_dismissed_at_the_command_line(db_path: Path) -> None:
    tapped = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)  # the real clock's
    with Store.open(db_path, "tester") as s:
        s.add_heat(NewHeat("A1", "1", tapped, "Q235B", 28.0, None, "wang", analysis={**GOOD, "Mn": 1.82}))
        s.add_heat(NewHeat("A2", "1", tapped, "Q235B", 28.0, None, "wang", analysis=GOOD))
    announced = "Heat A1 off grade: Mn 1.82 % > max 1.40 % (Q235B, GB/T 700-2006)"
    code, out, err = run("--db", str(db_path), "alerts", "list")
    assert (code, err) == (0, "")
    assert out == f"{tapped:%Y-%m-%d %H:%M}  {announced}\n"
    code, out, _err = run("--db", str(db_path), "alerts", "list", "--json")
    assert code == 0
    assert '"element": "Mn"' in out
    assert '"limit": 1.4' in out
    with Store.open(db_path, "tester") as s:
        head = s.chain_head()
    code, _out, err = run("--db", str(db_path), "alerts", "dismiss", "A1", "C")
    assert code == 1
    assert "no open announcement of C in the heat analysis of A1: nothing was dismissed" in err
    assert announced in err  # what is open for that heat, to choose from
    code, _out, err = run("--db", str(db_path), "alerts", "dismiss", "A1", "Mn", "--sample", "P9")
    assert code == 1
    assert "product analysis P9 of A1" in err
    with Store.open(db_path, "tester") as s:
        assert s.chain_head() == head  # nothing written by a refusal
    code, out, err = run("--db", str(db_path), "--user", "zhao", "alerts", "dismiss", "A1", "mn")
    assert (code, err) == (0, "")
    assert out.startswith(f"Dismissed for the whole workshop: {announced} (by zhao, ")
    code, out, _err = run("--db", str(db_path), "alerts", "list")
    assert out.startswith("No off-grade announcement is open")
    with Store.open(db_path, "tester") as s:
        [done] = s.dismissals("A1")
        assert (done.element, done.dismissed_by) == ("Mn", "zhao")
