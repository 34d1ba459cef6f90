"""Year-end projection on hand-made monthly series: the year-to-date rate, its interval
(binomial and between-month variance), the reachable rate, the year's end, and a group
scored at its projected rates with a total interval and class probabilities."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from parindex.engine import NodeInput, score_unit
from parindex.planning import MonthFigure, PlanningError, project_group, project_rate
from tests.planning.builders import build, group, leaf

Z = 1.6448536269514722


def months(*pairs: tuple[int, int]) -> list[MonthFigure]:
    return [MonthFigure(month, n, d) for month, (n, d) in enumerate(pairs, start=1)]


def test_a_steady_series_projects_its_rate_with_a_binomial_interval() -> None:
    series = months(*[(90, 100)] * 12)
    projection = project_rate(series, as_of_month=6)
    assert projection.rate == pytest.approx(90.0)
    assert (projection.numerator, projection.denominator) == (540, 600)
    # No spread between months beyond the binomial noise: τ² = 0. 600 cases so far, 600 to come.
    expected = 100 * 600 / 1200 * math.sqrt(0.09 / 600 + 0.09 / 600)
    assert projection.standard_error == pytest.approx(expected)
    assert projection.low == pytest.approx(90 - Z * expected)
    assert projection.high == pytest.approx(90 + Z * expected)
    assert projection.best_month == pytest.approx(90.0)
    assert projection.reachable == pytest.approx(90.0)
    assert not projection.final


def test_months_after_the_date_are_not_read() -> None:
    early = months((50, 100), (60, 100), (99, 100), (99, 100))
    assert project_rate(early, as_of_month=2).rate == pytest.approx(55.0)
    assert project_rate(early, as_of_month=2).best_month == pytest.approx(60.0)


def test_spread_between_months_widens_the_interval() -> None:
    steady = project_rate(months(*[(80, 100)] * 6), as_of_month=6)
    swinging = project_rate(months(*[(60, 100), (100, 100)] * 3), as_of_month=6)
    assert swinging.rate == pytest.approx(steady.rate)
    assert swinging.standard_error > 3 * steady.standard_error
    # τ² = sample variance of the monthly rates − mean binomial variance.
    spread = 0.04 * 6 / 5
    between = spread - 0.16 / 100
    expected = 100 * 0.5 * math.sqrt(between / 6 + between / 6 + 0.16 / 600 + 0.16 / 600)
    assert swinging.standard_error == pytest.approx(expected)


def test_the_reachable_rate_assumes_the_best_month_for_every_month_left() -> None:
    projection = project_rate(months((80, 100), (90, 100)), as_of_month=2)
    # 170 of 200 so far; 10 months left bring 1 000 cases at best at 90 %.
    assert projection.reachable == pytest.approx(100 * (170 + 0.9 * 1000) / 1200)


def test_at_the_years_end_the_projection_is_the_years_rate() -> None:
    series = months(*[(n, 100) for n in (70, 75, 80, 85, 90, 95, 70, 75, 80, 85, 90, 95)])
    projection = project_rate(series, as_of_month=12)
    assert projection.final
    assert projection.rate == pytest.approx(82.5)
    assert projection.standard_error == 0
    assert projection.low == projection.high == projection.rate


def test_no_case_yet_gives_no_projection() -> None:
    projection = project_rate(months((0, 0), (0, 0)), as_of_month=2)
    assert projection.rate is None
    assert projection.reachable is None


def test_bad_months_are_refused() -> None:
    with pytest.raises(PlanningError):
        project_rate(months((5, 4)), as_of_month=1)
    with pytest.raises(PlanningError):
        project_rate(months((1, 4)), as_of_month=13)


def framework():
    return build(
        [
            group("LV", 10),
            leaf("D", 6, "ratio", parent="LV", source="data"),
            leaf("M", 4, "manual", parent="LV"),
        ],
        classes=[
            {"label": "Tốt", "min_percent": 90},
            {"label": "Khá", "min_percent": 80},
            {"label": "Yếu", "min_percent": 0},
        ],
    )


def test_a_group_is_scored_by_the_engine_at_its_projected_rates() -> None:
    fw = framework()
    inputs = {
        "A": {"D": NodeInput({"percent": 50}), "M": NodeInput({"points": 4})},
        "B": {"D": NodeInput({"percent": 90}), "M": NodeInput({"points": "2.5"})},
    }
    rates = {"A": {"D": (95.0, 1.0)}, "B": {"D": (60.0, 20.0)}}
    projection = project_group(fw, inputs, rates, draws=4000, seed=3, threshold=Decimal(80))
    a, b = projection.unit("A"), projection.unit("B")
    # The point projection is the engine's score at the projected rate.
    assert (
        a.total
        == score_unit(fw, "A", {"D": NodeInput({"percent": 95}), **{"M": inputs["A"]["M"]}}).total
    )
    assert a.total == Decimal("9.7")
    assert a.class_ == "Tốt"
    assert b.total == Decimal("6.1")
    assert b.class_ == "Yếu"
    assert [unit.unit for unit in projection.units] == ["A", "B"]
    for unit in (a, b):
        assert unit.total_low <= float(unit.total) <= unit.total_high
        assert sum(unit.class_probabilities.values()) == pytest.approx(1.0)
    # A's rate is known to ±1 point: its total barely moves; B's swings by several points.
    assert a.total_high - a.total_low < 0.3
    assert b.total_high - b.total_low > 2.5
    assert a.below_threshold == 0.0
    assert b.below_threshold is not None
    assert b.below_threshold > 0.9
    assert b.probability_at_most(["Tốt", "Khá", "Yếu"], "Khá") == pytest.approx(1.0)
    assert projection.nodes == ("D",)


def test_a_unit_without_a_projected_rate_keeps_its_entries() -> None:
    fw = framework()
    inputs = {"A": {"D": NodeInput({"percent": 50}), "M": NodeInput({"points": 4})}}
    projection = project_group(fw, inputs, {}, draws=10)
    assert projection.unit("A").total == Decimal(7)
    assert projection.unit("A").total_low == projection.unit("A").total_high == 7.0


def test_rates_for_unknown_units_or_nodes_are_refused() -> None:
    fw = framework()
    inputs = {"A": {"M": NodeInput({"points": 4})}}
    with pytest.raises(PlanningError):
        project_group(fw, inputs, {"Z": {"D": (50.0, 1.0)}})
    with pytest.raises(PlanningError):
        project_group(fw, inputs, {"A": {"LV": (50.0, 1.0)}})
