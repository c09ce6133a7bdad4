"""Review of the quality trends: the figures a workshop head reads, at their edges."""

from __future__ import annotations

from reports.data import points


def test_a_difference_that_rounds_to_nothing_has_no_minus_sign() -> None:
    """The quarter's rate 95.996% against a 96% target is 0.0 pt behind it, not −0.0 pt."""
    assert points(0.95996 - 0.96) == "+0.0 pt"
    assert points(0.0) == "+0.0 pt"
    assert points(-0.0006) == "−0.1 pt"
    assert points(0.0123) == "+1.2 pt"
