"""The period report's charts drawn the quick way draw what reportlab's own way draws (issue 17).

`reports.period` makes a chart's long lines without LinePlot's work for markers none has,
and the axes' tick labels as reportlab's Label draws itself without making the widget. Here
the same chart is drawn both ways, with reportlab's LinePlot and value axes put back, and
the PDF page content compared byte for byte (uncompressed, no dates): the same operators,
the same coordinates. A level line (a limit, a centre) is drawn from its two ends either way.
"""

from __future__ import annotations

import io

import pytest
from reportlab.graphics.charts.axes import XValueAxis, YValueAxis
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from reports import fonts, period
from reports.period_data import LineChart, Series


def page(drawing: object) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=0)
    drawing.drawOn(canvas, 0, 0)  # type: ignore[attr-defined]
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def both_ways(spec: LineChart, monkeypatch: pytest.MonkeyPatch, **options: object) -> tuple[bytes, bytes]:
    font = fonts.register().name
    quick = page(period.line_chart(spec, font, **options))  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        m.setattr(period, "_LinePlot", LinePlot)
        m.setattr(period, "_XAxis", XValueAxis)
        m.setattr(period, "_YAxis", YValueAxis)
        plain = page(period.line_chart(spec, font, **options))  # type: ignore[arg-type]
    return quick, plain


def individuals(n: int) -> LineChart:
    values = tuple(0.2 + 0.05 * ((i * 37) % 11) / 10 for i in range(n))
    return LineChart(tuple(str(i + 1) for i in range(n)),
                     (Series("C, %", values), Series("centre (mean)", (0.225,) * n, "centre"),
                      Series("UCL", (0.3,) * n, "limit"), Series("spec max", (0.35,) * n, "spec")),
                     marked=(3, 40, n - 1), decimals=2, title="Q235B C: individuals, Cpk 0.91")


@pytest.mark.parametrize("n", [400, 2014])
def test_an_individuals_chart_of_many_heats_draws_what_reportlab_draws(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    made_by_reportlab: list[str] = []
    made_where = ((LinePlot, "makeLines"), (XValueAxis, "makeTickLabels"), (YValueAxis, "makeTickLabels"))
    for cls, name in made_where:
        own = getattr(cls, name)

        def spied(self: object, *args: object, _own: object = own, _name: str = name) -> object:
            made_by_reportlab.append(_name)
            return _own(self, *args)  # type: ignore[operator]

        monkeypatch.setattr(cls, name, spied)
    font = fonts.register().name
    period.line_chart(individuals(n), font, height=46 * mm, floor=0.0).drawOn(Canvas(io.BytesIO()), 0, 0)
    assert made_by_reportlab == []  # the quick way was taken: lines and labels
    quick, plain = both_ways(individuals(n), monkeypatch, height=46 * mm, floor=0.0)
    assert sorted(made_by_reportlab) == ["makeLines", "makeTickLabels", "makeTickLabels"]  # then reportlab's
    assert quick == plain
    assert quick.count(b" l\n") + quick.count(b" l ") >= n - 1  # every heat's point is drawn


def test_a_daily_chart_with_markers_and_gaps_draws_what_reportlab_draws(
        monkeypatch: pytest.MonkeyPatch) -> None:
    days = tuple(f"10-{d:02d}" for d in range(1, 32))
    rates = tuple(None if d in (6, 7, 13) else 0.9 + 0.003 * (d % 9) for d in range(31))
    spec = LineChart(days, (Series("ingot qualified rate", rates), Series("target", (0.92,) * 31, "target")),
                     marked=(2, 20), percent=True)
    quick, plain = both_ways(spec, monkeypatch)
    assert quick == plain


def test_a_chart_with_nothing_to_draw_draws_what_reportlab_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = LineChart(("2024-Q4",), (Series("output to date, t", (None,)),), decimals=0)
    quick, plain = both_ways(spec, monkeypatch, floor=0.0, markers=False)
    assert quick == plain
