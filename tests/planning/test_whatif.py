"""What-if scenarios: unit entries, a node's maximum scaled, a node removed; copies only;
several scenarios side by side."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from parindex.engine import Framework, NodeInput
from parindex.planning import (
    PlanningError,
    RemoveNode,
    ScaleMax,
    Scenario,
    SetInputs,
    compare_scenarios,
    remove_node,
    run_scenario,
    scale_max,
)
from tests.planning.builders import build, group, leaf

D = Decimal


def framework() -> Framework:
    """LV1 (6): manual 3 + choice 3; LV2 (4): ratio 4 with sub-criterion group; total 10."""
    return build(
        [
            group("LV1", 6),
            leaf("M", 3, "manual", {"step": "0.5"}, parent="LV1"),
            leaf(
                "C",
                3,
                "choice",
                {
                    "options": [
                        {"key": "a", "points": 0},
                        {"key": "b", "points": 1.5},
                        {"key": "c", "points": 3},
                    ]
                },
                parent="LV1",
            ),
            group("LV2", 4),
            group("LV2.1", 4, parent="LV2"),
            leaf("R", 4, "ratio", parent="LV2.1"),
        ],
        max_total=10,
    )


def units() -> dict[str, dict[str, NodeInput]]:
    return {
        "U1": {
            "M": NodeInput({"points": 3}),
            "C": NodeInput({"option": "b"}),
            "R": NodeInput({"percent": 50}),
        },
        "U2": {
            "M": NodeInput({"points": 1}),
            "C": NodeInput({"option": "c"}),
            "R": NodeInput({"percent": 75}),
        },
        "U3": {
            "M": NodeInput({"points": 2}),
            "C": NodeInput({"option": "c"}),
            "R": NodeInput({"percent": 25}),
        },
    }


def test_changing_a_units_entries() -> None:
    # U1 6.5, U2 7, U3 6 → U1 takes choice c: 8 and first.
    result = run_scenario(
        framework(),
        units(),
        Scenario("U1 hoàn thành C", (SetInputs("U1", {"C": NodeInput({"option": "c"})}),)),
    )
    u1 = result.unit("U1")
    assert (u1.total_before, u1.total_after, u1.rank_before, u1.rank_after) == (
        D("6.5"),
        D(8),
        2,
        1,
    )
    assert (u1.total_change, u1.rank_change) == (D("1.5"), 1)
    assert result.unit("U2").rank_change == -1
    assert [d.unit for d in result.units] == ["U2", "U1", "U3"]  # baseline order


def test_several_units_in_one_scenario() -> None:
    scenario = Scenario(
        "hai đơn vị",
        (
            SetInputs("U1", {"R": NodeInput({"percent": 100})}),
            SetInputs("U3", {"M": NodeInput({"points": 3})}),
        ),
    )
    result = run_scenario(framework(), units(), scenario)
    assert {d.unit: d.total_after for d in result.units} == {"U1": D("8.5"), "U2": D(7), "U3": D(7)}
    assert {d.unit: d.rank_after for d in result.units} == {"U1": 1, "U2": 2, "U3": 2}


def test_scaling_a_maximum_scales_the_subtree_rules_and_manual_entries() -> None:
    scaled = scale_max(framework(), "LV1", D("1.5"))
    assert scaled.info.max_total == D(13)
    assert [scaled.nodes[code].max_points for code in ("LV1", "M", "C", "LV2")] == [
        D(9),
        D("4.5"),
        D("4.5"),
        D(4),
    ]
    assert scaled.nodes["M"].rule is not None
    assert scaled.nodes["M"].rule.params["step"] == D("0.75")
    result = run_scenario(framework(), units(), Scenario("LV1 × 1,5", (ScaleMax("LV1", D("1.5")),)))
    # U1: M 3 → 4.5, C 1.5 → 2.25, R 2 → 8.75 of 13.
    u1 = result.unit("U1")
    assert u1.total_after == D("8.75")
    assert u1.index_after == D("67.31")


def test_scaling_a_nested_node_changes_its_ancestors() -> None:
    scaled = scale_max(framework(), "R", D("0.5"))
    assert [scaled.nodes[code].max_points for code in ("R", "LV2.1", "LV2")] == [D(2), D(2), D(2)]
    assert scaled.info.max_total == D(8)


def test_removing_a_node() -> None:
    removed = remove_node(framework(), "C")
    assert "C" not in removed.nodes
    assert removed.nodes["LV1"].max_points == D(3)
    assert removed.info.max_total == D(7)
    # The only child of LV2.1 goes, and LV2.1 and LV2 with it.
    removed = remove_node(framework(), "R")
    assert set(removed.nodes) == {"LV1", "M", "C"}
    assert removed.info.max_total == D(6)
    result = run_scenario(framework(), units(), Scenario("bỏ C", (RemoveNode("C"),)))
    assert {d.unit: (d.total_after, d.rank_after) for d in result.units} == {
        "U1": (D(5), 1),
        "U2": (D(4), 2),
        "U3": (D(3), 3),
    }


def test_inputs_and_framework_are_never_mutated() -> None:
    original, entries = framework(), units()
    snapshot = copy.deepcopy(entries)
    max_total = original.info.max_total
    scenarios = [
        Scenario("a", (ScaleMax("LV1", D(2)), SetInputs("U1", {"M": NodeInput({"points": 1})}))),
        Scenario("b", (RemoveNode("LV2"),)),
    ]
    compare_scenarios(original, entries, scenarios)
    assert entries == snapshot
    assert original.info.max_total == max_total
    assert original.nodes["LV1"].max_points == D(6)
    assert original.nodes["M"].rule is not None
    assert original.nodes["M"].rule.params["step"] == "0.5"


def test_scenarios_side_by_side() -> None:
    comparison = compare_scenarios(
        framework(),
        units(),
        [
            Scenario("bỏ LV2", (RemoveNode("LV2"),)),
            Scenario("LV2 × 2", (ScaleMax("LV2", D(2)),)),
        ],
    )
    table = comparison.table()
    assert [row["unit"] for row in table] == ["U2", "U1", "U3"]
    first = table[0]
    assert first["baseline"] == {"total": D(7), "index": D(70), "rank": 1, "class": "C"}
    assert first["bỏ LV2"]["total"] == D(4)
    assert first["bỏ LV2"]["rank"] == 3
    assert first["LV2 × 2"]["total"] == D(10)
    assert first["LV2 × 2"]["rank_change"] == 0


def test_bad_scenarios() -> None:
    with pytest.raises(PlanningError, match="không có mục «X»"):
        run_scenario(framework(), units(), Scenario("x", (ScaleMax("X", D(2)),)))
    with pytest.raises(PlanningError, match="lớn hơn 0"):
        run_scenario(framework(), units(), Scenario("x", (ScaleMax("M", D(0)),)))
    with pytest.raises(PlanningError, match="không có đơn vị «U9»"):
        run_scenario(framework(), units(), Scenario("x", (SetInputs("U9", {}),)))
    with pytest.raises(PlanningError, match="không phải mục lá"):
        run_scenario(
            framework(), units(), Scenario("x", (SetInputs("U1", {"LV1": NodeInput({})}),))
        )
    with pytest.raises(PlanningError, match="khác nhau"):
        compare_scenarios(framework(), units(), [Scenario("a"), Scenario("a")])
