"""Framework sensitivity: rank shifts and Spearman's ρ when an area's weight changes."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from scipy.stats import spearmanr

from parindex.engine import Framework, NodeInput
from parindex.planning import PlanningError, framework_sensitivity, spearman
from tests.planning.builders import build, group, leaf

D = Decimal


def framework() -> Framework:
    return build(
        [
            group("LV1", 5),
            leaf("A1", 2.5, parent="LV1"),
            leaf("A2", 2.5, parent="LV1"),
            group("LV2", 5),
            leaf("B1", 5, parent="LV2"),
        ],
        max_total=10,
    )


def units() -> dict[str, dict[str, NodeInput]]:
    points = {"U1": (2.5, 2.5, 1), "U2": (1, 1, 4), "U3": (2, 1.5, 2.5), "U4": (0.5, 0.5, 5)}
    return {
        unit: {
            "A1": NodeInput({"points": a1}),
            "A2": NodeInput({"points": a2}),
            "B1": NodeInput({"points": b1}),
        }
        for unit, (a1, a2, b1) in points.items()
    }


def test_rank_shifts_and_correlation() -> None:
    # Totals: U1 6, U2 6, U3 6, U4 6 — all tied; LV1 points 5, 2, 3.5, 1.
    report = framework_sensitivity(framework(), units(), share=D("0.1"))
    assert [(row.code, row.variant) for row in report.rows] == [
        ("LV1", "+10 %"),
        ("LV1", "-10 %"),
        ("LV1", "bỏ"),
        ("LV2", "+10 %"),
        ("LV2", "-10 %"),
        ("LV2", "bỏ"),
    ]
    row = report.rows[0]  # LV1 × 1.1: 6.5, 6.2, 6.35, 6.1 → ranks 1, 3, 2, 4 (all tied at 1 before)
    assert (row.max_abs_shift, row.units_moved) == (3, 3)
    assert row.mean_abs_shift == pytest.approx((0 + 2 + 1 + 3) / 4)
    assert row.spearman is None  # the baseline totals are all equal: ρ is undefined
    assert row.largest_moves[0] == ("U4", -3)
    removal = report.rows[2]  # only LV2 left: 1, 4, 2.5, 5 → U4 1st, U2 2nd, U3 3rd, U1 4th
    assert removal.factor is None
    assert removal.max_abs_shift == 3


def test_spearman_matches_scipy_and_handles_constants() -> None:
    first, second = [1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 4.0, 3.0, 5.0]
    assert spearman(first, second) == pytest.approx(spearmanr(np.array(first), np.array(second))[0])
    assert spearman(first, first) == pytest.approx(1.0)
    assert spearman([1.0, 1.0], [1.0, 2.0]) is None


def test_a_robust_ranking_keeps_rho_one() -> None:
    entries = units()
    entries["U1"]["B1"] = NodeInput({"points": 5})  # U1 dominates every area
    entries["U4"]["B1"] = NodeInput({"points": 0})  # U4 last in every area
    report = framework_sensitivity(framework(), entries, removal=False)
    for row in report.rows:
        assert row.spearman is not None
        assert row.spearman > 0.5


def test_criteria_level_and_bad_share() -> None:
    report = framework_sensitivity(framework(), units(), level="criterion", removal=False)
    assert {row.code for row in report.rows} == {"A1", "A2", "B1"}
    with pytest.raises(PlanningError, match="tỷ lệ thay đổi"):
        framework_sensitivity(framework(), units(), share=D(1))
    with pytest.raises(PlanningError, match="cấp «x»"):
        framework_sensitivity(framework(), units(), level="x")
