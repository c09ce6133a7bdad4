"""The reports' charts drawn straight onto the page draw what reportlab's chart widgets drew (issue 17).

`reports.charts` draws the daily report's Pareto chart and the period report's line charts with
the canvas's own operations instead of building reportlab's LinePlot and VerticalBarChart and
rendering them shape by shape. Here each chart is drawn both ways, the widgets' way by
tests/reference_charts.py (the charts as they were made before), and what lands on the page is
compared (tests/pdfdraw.py): every line, bar, dot and ring with its colour, width, dash, caps and
joins at the same points, every label in the same font, size and colour at the same place, in
the same order, to a hundredth of a point.
"""

from __future__ import annotations

import io

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from reports import daily, fonts, period
from reports.data import ParetoBar
from reports.period_data import LineChart, Series
from tests import reference_charts
from tests.pdfdraw import Mark, page_marks


def drawn(chart: Flowable) -> list[Mark]:
    """What the chart puts on a page, drawn at (20, 30) as a story would place it."""
    canvas = Canvas(io.BytesIO(), invariant=1, pageCompression=0)
    chart.wrapOn(canvas, 600, 800)
    chart.drawOn(canvas, 20, 30)
    return page_marks(canvas)


def same_picture(mine: list[Mark], theirs: list[Mark]) -> None:
    """The same marks in the same order; points and places to within a hundredth of a point."""
    assert len(mine) == len(theirs)
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        looks = ("kind", "stroke", "fill", "width", "cap", "join", "dash", "text", "font", "size")
        assert [getattr(a, k) for k in looks] == [getattr(b, k) for k in looks], (i, a, b)
        assert a.at == pytest.approx(b.at, abs=0.011), (i, a, b)
        assert [op for op, _ in a.points] == [op for op, _ in b.points], (i, a, b)
        for (_op, here), (_same, there) in zip(a.points, b.points, strict=True):
            assert [c for p in here for c in p] == pytest.approx([c for p in there for c in p], abs=0.011), \
                (i, a, b)


def individuals(n: int) -> LineChart:
    values = tuple(0.2 + 0.05 * ((i * 37) % 11) / 10 for i in range(n))
    return LineChart(tuple(str(i + 1) for i in range(n)),
                     (Series("C, %", values), Series("centre (mean)", (0.225,) * n, "centre"),
                      Series("UCL", (0.3,) * n, "limit"), Series("spec max", (0.35,) * n, "spec")),
                     marked=(3, 40, n - 1), decimals=2, title="Q235B C: individuals, Cpk 0.91")


def month_of_days() -> LineChart:
    days = tuple(f"10-{d:02d}" for d in range(1, 32))
    rates = tuple(None if d in (6, 7, 13) else 0.9 + 0.003 * (d % 9) for d in range(31))
    return LineChart(days, (Series("ingot qualified rate", rates), Series("target", (0.92,) * 31, "target")),
                     marked=(2, 20, 6), percent=True)


def p_chart() -> LineChart:
    n = 12
    p = tuple(0.03 + 0.01 * (i % 4) for i in range(n))
    return LineChart(tuple(f"2024-W{i + 1:02d}" for i in range(n)), (
        Series("p (non-qualified, count)", p),
        Series("UCL", tuple(0.07 - 0.001 * i for i in range(n)), "limit"),
        Series("LCL", (0.0,) * n, "limit"), Series("centre", (0.045,) * n, "centre")),
        marked=(3, 7), percent=True)


CHARTS: dict[str, tuple[LineChart, dict[str, object]]] = {
    "individuals of 100 heats, dotted": (individuals(100), {"height": 46 * mm, "floor": 0.0}),
    "individuals of 2014 heats, no dots": (individuals(2014), {"height": 46 * mm, "floor": 0.0}),
    "a month by day with gaps": (month_of_days(), {}),
    "a p-chart by week": (p_chart(), {"floor": 0.0}),
    "the plan, no markers": (LineChart(tuple(f"{d:02d}" for d in range(1, 93)), (
        Series("output to date, t", tuple(1500.0 * d if d < 60 else None for d in range(92))),
        Series("plan, evenly over the quarter", tuple(1600.0 * d for d in range(92)), "target")), decimals=0),
        {"floor": 0.0, "markers": False}),
    "nothing to draw": (LineChart(("2024-Q4",), (Series("output to date, t", (None,)),), decimals=0),
                        {"floor": 0.0, "markers": False}),
    "below and above zero: the x axis at the foot": (LineChart(
        tuple(str(i) for i in range(20)),
        (Series("difference, %", tuple(-0.4 + 0.05 * i for i in range(20))),),
        marked=(0, 19), decimals=2), {}),
    "a Chinese title and legend": (LineChart(
        ("一", "二", "三"), (Series("钢锭合格率", (0.95, 0.97, 0.96)), Series("目标", (0.96,) * 3, "target")),
        percent=True, title="Q235B 碳：单值图"), {}),
}


@pytest.mark.parametrize("name", CHARTS)
def test_a_line_chart_draws_what_reportlabs_line_plot_draws(name: str) -> None:
    spec, options = CHARTS[name]
    font = fonts.register().name
    mine = drawn(period.line_chart(spec, font, **options))  # type: ignore[arg-type]
    theirs = drawn(reference_charts.line_chart(spec, font, **options))  # type: ignore[arg-type]
    same_picture(mine, theirs)
    assert sum(1 for m in mine if m.kind == "text") >= len({s.kind for s in spec.lines}) + 2  # labels, legend


def bars(*counts: int, codes: tuple[str, ...] = ()) -> tuple[ParetoBar, ...]:
    total = sum(counts)
    made, running = [], 0
    for i, n in enumerate(counts):
        running += n
        code = codes[i] if i < len(codes) else f"D{i:02d}"
        made.append(ParetoBar(code, code.lower(), n, n * 3.4, n / total, running / total))
    return tuple(made)


@pytest.mark.parametrize("found", [
    bars(2014, 1993, 1950, 620, 551, 492, 428, 61, 59, 52, 43),
    bars(1),
    bars(47, 12, 3, codes=("TCRK", "结疤", "PINH")),
], ids=["eleven defects", "one ingot", "a Chinese code"])
def test_the_pareto_chart_draws_what_reportlabs_bar_chart_draws(found: tuple[ParetoBar, ...]) -> None:
    font = fonts.register().name
    mine = drawn(daily.pareto_chart(found, font, "ingots", "cumulative %"))
    theirs = drawn(reference_charts.pareto_chart(found, font, "ingots", "cumulative %"))
    same_picture(mine, theirs)
    assert sum(1 for m in mine if m.kind == "fill") == len(found)  # a bar for each defect
