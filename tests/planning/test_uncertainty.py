"""Rank uncertainty: the analytic two-unit case, the vectorised rules against the engine,
vectorised competition ranks, intervals, classes and neighbours, and bad requests."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from parindex.engine import Framework, NodeInput, competition_ranks
from parindex.planning import (
    Estimate,
    PlanningError,
    competition_ranks_rows,
    rank_uncertainty,
    rule_points,
)
from tests.planning.builders import build, group, leaf, score_all

D = Decimal


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def one_node_framework(max_points: int = 100) -> Framework:
    return build(
        [group("LV", max_points), leaf("S", max_points, "ratio", parent="LV", source="survey")],
        max_total=max_points,
    )


def test_two_units_rank_first_with_the_normal_probability() -> None:
    # Points = rate: A 60, B 55, each with an independent normal error σ = 5.
    # P(A first) = P(A − B ≥ 0) = Φ(d / (σ√2)) with d = 5.
    framework = one_node_framework()
    results = score_all(
        framework, {"A": {"S": NodeInput({"percent": 60})}, "B": {"S": NodeInput({"percent": 55})}}
    )
    draws = 20_000
    report = rank_uncertainty(
        results, {"A": {"S": (60.0, 5.0)}, "B": {"S": Estimate(55.0, 5.0)}}, draws=draws, seed=7
    )
    expected = phi(5 / (5 * math.sqrt(2)))  # 0.7602
    error = math.sqrt(expected * (1 - expected) / draws)
    found = report.unit("A").probability_of_rank(1)
    assert abs(found - expected) < 4 * error
    # B is first exactly when A is not (ties share rank 1 and are all but impossible here).
    assert report.unit("B").probability_of_rank(1) == pytest.approx(1 - found, abs=4 * error)
    assert report.unit("A").rank_low == 1
    assert report.unit("A").rank_high == 2
    assert not report.unit("A").distinguishable
    assert report.unit("A").overlaps_below == "B"


def test_the_same_seed_gives_the_same_report() -> None:
    framework = one_node_framework()
    results = score_all(
        framework, {"A": {"S": NodeInput({"percent": 60})}, "B": {"S": NodeInput({"percent": 55})}}
    )
    estimates = {"A": {"S": (60.0, 5.0)}, "B": {"S": (55.0, 5.0)}}
    first = rank_uncertainty(results, estimates, draws=500, seed=3)
    assert first == rank_uncertainty(results, estimates, draws=500, seed=3)
    assert first != rank_uncertainty(results, estimates, draws=500, seed=4)


@pytest.mark.parametrize(
    ("rule", "params"),
    [
        ("ratio", {}),
        ("ratio", {"full_at_percent": 90, "zero_below_percent": 30}),
        (
            "bands",
            {"thresholds": [{"min_percent": 50, "points": 1}, {"min_percent": 80, "points": 2.5}]},
        ),
        ("manual", {"step": 0.25}),
        ("manual", {}),
    ],
)
def test_the_vectorised_rules_give_the_engines_points(rule: str, params: dict[str, object]) -> None:
    framework = build([group("LV", 3), leaf("S", 3, rule, params, parent="LV")], max_total=3)
    node_rule = framework.nodes["S"].rule
    assert node_rule is not None
    rates = [D(n) / 8 for n in range(0, 801)]  # 0 %, 0.125 %, … 100 %, halves included
    found = rule_points(node_rule, np.array([float(rate) for rate in rates]))
    for rate, points in zip(rates, found, strict=True):
        if rule == "manual":  # a rate becomes typed points as the survey module does
            continue
        assert points == pytest.approx(float(node_rule.score({"percent": rate}).points), abs=1e-12)
    if rule == "manual":
        step = 0.25 if params else 0.0001
        assert found[-1] == 3.0
        assert np.allclose(found / step, np.round(found / step))


def test_vectorised_competition_ranks_equal_the_engines() -> None:
    generator = np.random.default_rng(1)
    totals = generator.integers(0, 6, size=(200, 9)).astype(np.int64)  # many ties
    ranks = competition_ranks_rows(totals)
    for row, row_ranks in zip(totals, ranks, strict=True):
        expected = competition_ranks({unit: D(int(value)) for unit, value in enumerate(row)})
        assert [expected[unit] for unit in range(len(row))] == row_ranks.tolist()


def test_no_error_keeps_the_baseline_and_ties_share_the_better_rank() -> None:
    framework = one_node_framework()
    entries = {
        name: {"S": NodeInput({"percent": rate})}
        for name, rate in (("A", 90), ("B", 80), ("C", 80), ("D", 50))
    }
    results = score_all(framework, entries)
    estimates = {
        name: {"S": (float(entry["S"].values["percent"]), 0.0)} for name, entry in entries.items()
    }
    report = rank_uncertainty(results, estimates, draws=100)
    assert [(u.unit, u.rank, dict(u.rank_probabilities)) for u in report.units] == [
        ("A", 1, {1: 1.0}),
        ("B", 2, {2: 1.0}),
        ("C", 2, {2: 1.0}),
        ("D", 4, {4: 1.0}),
    ]
    assert report.unit("A").class_probabilities == {"A": 1.0}
    assert report.unit("D").class_probabilities == {"D": 1.0}  # the default bands end at D ≥ 0
    assert report.unit("A").distinguishable
    assert report.unit("D").distinguishable
    assert report.unit("B").overlaps_below == "C"
    assert not report.unit("B").distinguishable


def test_class_probabilities_at_a_threshold() -> None:
    # A unit exactly at 80 % with a symmetric error is class B about half of the time.
    framework = one_node_framework()
    results = score_all(framework, {"A": {"S": NodeInput({"percent": 80})}})
    report = rank_uncertainty(results, {"A": {"S": (80.0, 2.0)}}, draws=4000, seed=11)
    probabilities = report.unit("A").class_probabilities
    assert probabilities["B"] == pytest.approx(0.5, abs=0.05)
    assert probabilities["C"] == pytest.approx(0.5, abs=0.05)


def test_units_without_estimates_and_other_nodes_are_held() -> None:
    framework = build(
        [
            group("LV1", 50),
            leaf("M", 50, parent="LV1"),
            group("LV2", 50),
            leaf("S", 50, "ratio", parent="LV2", source="survey"),
        ],
        max_total=100,
    )
    entries = {
        "A": {"M": NodeInput({"points": 40}), "S": NodeInput({"percent": 80})},  # 80
        "B": {"M": NodeInput({"points": 20}), "S": NodeInput({"percent": 80})},  # 60
    }
    report = rank_uncertainty(score_all(framework, entries), {"B": {"S": (80.0, 1.0)}}, draws=1000)
    assert report.unit("A").rank_probabilities == {1: 1.0}
    assert report.nodes == ("S",)


def test_bad_requests() -> None:
    framework = build(
        [
            group("LV", 10, alternatives=True),
            leaf("S1", 10, "ratio", parent="LV"),
            leaf("S2", 10, "ratio", parent="LV"),
            group("LV2", 5),
            leaf("B", 5, "boolean", parent="LV2"),
        ],
        max_total=15,
    )
    results = score_all(framework, {"A": {}})
    with pytest.raises(PlanningError, match="lấy mục con cao nhất"):
        rank_uncertainty(results, {"A": {"S1": (50.0, 1.0)}})
    with pytest.raises(PlanningError, match="quy tắc boolean"):
        rank_uncertainty(results, {"A": {"B": (50.0, 1.0)}})
    with pytest.raises(PlanningError, match="không phải mục lá"):
        rank_uncertainty(results, {"A": {"LV": (50.0, 1.0)}})
    with pytest.raises(PlanningError, match="«Z»"):
        rank_uncertainty(results, {"Z": {"S1": (50.0, 1.0)}})
    with pytest.raises(PlanningError, match="sai số chuẩn"):
        rank_uncertainty(score_all(one_node_framework(), {"A": {}}), {"A": {"S": (50.0, -1.0)}})


def test_below_every_class() -> None:
    framework = build(
        [group("LV", 100), leaf("S", 100, "ratio", parent="LV")],
        max_total=100,
        classes=[{"label": "A", "min_percent": 90}],
    )
    results = score_all(framework, {"A": {"S": NodeInput({"percent": 50})}})
    report = rank_uncertainty(results, {"A": {"S": (50.0, 1.0)}}, draws=200)
    assert report.unit("A").class_probabilities == {"": 1.0}
