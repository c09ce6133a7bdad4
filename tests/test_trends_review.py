"""Review of the quality trends: the figures a workshop head reads, at their edges."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from qcdesk.errors import InputError
from qcdesk.model import ChartKey, ControlLimits
from qcdesk.store import Store
from qcdesk.trends import Period, Span
from reports.data import points
from ui.launcher import main


def test_a_difference_that_rounds_to_nothing_has_no_minus_sign() -> None:
    """The quarter's rate 95.996% against a 96% target is 0.0 pt behind it, not −0.0 pt."""
    assert points(0.95996 - 0.96) == "+0.0 pt"
    assert points(0.0) == "+0.0 pt"
    assert points(-0.0006) == "−0.1 pt"
    assert points(0.0123) == "+1.2 pt"


MISTYPED = [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31"), ("9999-11-01", "9999-11-30")]


@pytest.mark.parametrize(("date_from", "date_to"), MISTYPED)
def test_a_period_report_of_a_mistyped_year_is_refused_clearly(
        demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], date_from: str,
        date_to: str) -> None:
    """0001 for 2001, 9999 for 1999: a one-line refusal naming the date, and no file."""
    out = tmp_path / "p.pdf"
    assert main(["--db", str(demo_copy), "report", "period", "--from", date_from, "--to", date_to,
                 "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert len(err.splitlines()) == 1
    assert "1900" in err
    assert not out.exists()


@pytest.mark.parametrize("span", list(Span))
def test_every_kind_of_period_refuses_a_year_out_of_range(span: Span) -> None:
    for day in (date(1, 1, 5), date(1899, 12, 31), date(9999, 12, 31)):
        with pytest.raises(InputError):
            Period.of(span, day, day)
    assert Period.of(span, date(1959, 2, 28), date(1959, 2, 28)).date_to >= date(1959, 2, 28)


@pytest.mark.parametrize(("centre", "spread"),
                         [(math.inf, 0.01), (0.1, math.inf), (math.nan, 0.01), (0.1, math.nan)])
def test_frozen_i_mr_limits_must_be_finite(store: Store, centre: float, spread: float) -> None:
    """An x̄ or MR̄ of inf would draw limits at ±inf; NaN reached the database as a 'Conflict'."""
    key = ChartKey("imr", "Q235B", "P")
    with pytest.raises(InputError):
        store.freeze_limits(ControlLimits(key, date(2024, 2, 26), date(2024, 3, 1), centre, spread, 5))
    assert store.control_limits(key) is None
    assert not [e for e in store.audit() if e.entity == "control_limits"]
