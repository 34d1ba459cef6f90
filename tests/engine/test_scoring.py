"""Scoring a unit: totals, bonus and penalty, the evidence rule, unanswered and invalid entries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.engine import (
    Framework,
    InputProblem,
    NodeInput,
    NodeResult,
    score_unit,
)

from .builders import build, group, leaf, manual_inputs


def two_areas() -> Framework:
    """Two areas of 6 and 4 points; area A has a criterion with two sub-criteria."""
    return build(
        [
            group("A", 6),
            leaf("A1", 2, parent="A"),
            group("A2", 4, parent="A"),
            leaf("A2.1", "1,5", parent="A2"),
            leaf("A2.2", "2,5", parent="A2"),
            leaf("B", 4, "boolean"),
        ]
    )


def test_parents_add_up_their_children_and_the_index_is_the_share_of_the_maximum() -> None:
    inputs = manual_inputs({"A1": "1,75", "A2.1": 1, "A2.2": "2,5"})
    inputs["B"] = NodeInput({"value": "có"})
    result = score_unit(two_areas(), "Sở A", inputs)
    assert result.nodes["A2"] == NodeResult(
        "A2", Decimal(4), Decimal("3.5"), Decimal(0), Decimal(0), Decimal("3.5"),
        "Cộng điểm 2 mục con", True,
    )  # fmt: skip
    assert result.nodes["A"].points == Decimal("5.25")
    assert result.nodes["B"].explanation == "Có → 4/4 điểm"
    assert (result.base, result.bonus, result.penalty) == (Decimal("9.25"), Decimal(0), Decimal(0))
    assert result.total == Decimal("9.25")
    assert result.index == Decimal("92.50")
    assert result.percent("A") == Decimal("87.50")
    assert result.nodes["A"].lost == Decimal("0.75")
    assert [area.code for area in result.areas] == ["A", "B"]
    assert list(result.nodes) == ["A", "A1", "A2", "A2.1", "A2.2", "B"]
    assert result.problems == ()


def with_bonus_and_penalty() -> Framework:
    return build(
        [
            group("A", 6),
            leaf("A1", 6, parent="A"),
            leaf("A-TH", 1, parent="A", kind="bonus", title="Sáng kiến được công nhận"),
            leaf("A-TR", 1, parent="A", kind="penalty", title="Bị phê bình"),
            leaf("B", 4),
            leaf("TRU", 3, kind="penalty", title="Điểm trừ"),
            leaf("THUONG", 2, kind="bonus", title="Điểm thưởng"),
        ]
    )


def test_bonus_and_penalty_are_flagged_and_kept_apart_from_the_base() -> None:
    inputs = manual_inputs({"A1": 5, "A-TH": "0,5", "A-TR": "0,25", "B": 4, "TRU": 1, "THUONG": 2})
    result = score_unit(with_bonus_and_penalty(), "Sở A", inputs)
    assert result.nodes["A-TH"][2:6] == (Decimal(0), Decimal("0.5"), Decimal(0), Decimal("0.5"))
    assert result.nodes["A-TR"][2:6] == (Decimal(0), Decimal(0), Decimal("0.25"), Decimal("0.25"))
    area = result.nodes["A"]
    assert (area.base, area.bonus, area.penalty, area.points) == (
        Decimal(5),
        Decimal("0.5"),
        Decimal("0.25"),
        Decimal("5.25"),
    )
    assert area.explanation == "Cộng điểm 1 mục con, thưởng 0,5, trừ 0,25"
    # Headroom counts only the base: bonus points do not hide points lost.
    assert area.lost == 1
    assert result.nodes["TRU"].penalty == 1
    assert result.nodes["THUONG"].bonus == 2
    assert (result.base, result.bonus, result.penalty) == (
        Decimal(9),
        Decimal("2.5"),
        Decimal("1.25"),
    )
    assert result.total == Decimal("10.25")
    # Bonus can lift a unit above the maximum; the index then exceeds 100 %.
    assert result.index == Decimal("102.50")


def test_the_total_never_falls_below_zero() -> None:
    inputs = manual_inputs({"A1": 0, "A-TR": 1, "B": 1, "TRU": 3})
    result = score_unit(with_bonus_and_penalty(), "Sở A", inputs)
    assert (result.base, result.penalty) == (Decimal(1), Decimal(4))
    assert result.total == 0
    assert result.index == 0
    # An area's own points are floored too.
    assert result.nodes["A"].points == 0


def evidence_framework() -> Framework:
    return build(
        [
            leaf("SELF", 4, evidence="required"),
            leaf("SURVEY", 2, evidence="required", source="survey"),
            leaf("DATA", 2, evidence="required", source="data"),
            leaf("OPTIONAL", 2),
        ]
    )


def test_a_self_assessed_entry_without_required_evidence_scores_zero_with_the_reason() -> None:
    inputs = manual_inputs({"SELF": "3,5", "SURVEY": 2, "DATA": 2, "OPTIONAL": 2}, evidence=False)
    result = score_unit(evidence_framework(), "Xã B", inputs)
    assert result.nodes["SELF"] == NodeResult(
        "SELF", Decimal(4), Decimal(0), Decimal(0), Decimal(0), Decimal(0),
        "Không có tài liệu kiểm chứng → 0/4 điểm (kết quả nhập: Chấm 3,5/4 điểm)", True,
    )  # fmt: skip
    # Survey and service-data scores come from outside the unit: no evidence to attach.
    assert result.nodes["SURVEY"].points == 2
    assert result.nodes["DATA"].points == 2
    assert result.nodes["OPTIONAL"].points == 2
    assert result.total == 6
    assert result.problems == ()


@pytest.mark.parametrize(
    "entry",
    [
        NodeInput({"points": "3,5"}, has_evidence=True),
        NodeInput({"points": "3,5"}, explanation_accepted=True),
    ],
)
def test_evidence_or_an_accepted_explanation_lets_the_points_count(entry: NodeInput) -> None:
    result = score_unit(evidence_framework(), "Xã B", {"SELF": entry})
    assert result.nodes["SELF"].points == Decimal("3.5")
    assert result.nodes["SELF"].explanation == "Chấm 3,5/4 điểm"


def test_leaves_without_input_score_zero_and_are_marked_unanswered() -> None:
    result = score_unit(two_areas(), "Sở A", manual_inputs({"A1": 2, "A2.1": 1}))
    assert result.nodes["A2.2"] == NodeResult(
        "A2.2", Decimal("2.5"), Decimal(0), Decimal(0), Decimal(0), Decimal(0), "Chưa chấm", False
    )
    assert not result.nodes["A2"].answered
    assert not result.nodes["A"].answered
    assert result.nodes["A2.1"].answered
    assert result.answered == 2
    assert result.total == 3
    assert result.index == Decimal("30.00")


def test_an_entry_that_does_not_fit_its_rule_scores_zero_and_is_reported_with_its_field() -> None:
    inputs = manual_inputs({"A1": 3, "A2.1": "1,5", "A2.2": "hai"})
    result = score_unit(two_areas(), "Sở Tư pháp", inputs)
    assert result.problems == (
        InputProblem("Sở Tư pháp", "A1", "points", "điểm 3 phải từ 0 đến 2"),
        InputProblem("Sở Tư pháp", "A2.2", "points", "«hai» không phải là số"),
    )
    assert str(result.problems[0]) == "Sở Tư pháp, mục A1, ô «points»: điểm 3 phải từ 0 đến 2"
    assert result.nodes["A1"] == NodeResult(
        "A1", Decimal(2), Decimal(0), Decimal(0), Decimal(0), Decimal(0),
        "điểm 3 phải từ 0 đến 2", False, "điểm 3 phải từ 0 đến 2",
    )  # fmt: skip
    # The valid entry next to it still counts.
    assert result.nodes["A2"].points == Decimal("1.5")
    assert result.total == Decimal("1.5")


def test_an_input_problem_without_a_field_names_only_the_unit_and_node() -> None:
    assert str(InputProblem("Xã C", "B", None, "lỗi")) == "Xã C, mục B: lỗi"


def test_alternatives_take_the_best_child() -> None:
    framework = build(
        [
            group("A", 10, alternatives=True),
            leaf("A1", 10, parent="A", title="Tỷ lệ hồ sơ thanh toán trực tuyến"),
            leaf("A2", 8, parent="A", title="Triển khai thanh toán trực tuyến"),
        ]
    )
    result = score_unit(framework, "Xã D", manual_inputs({"A1": 6, "A2": 8}))
    assert result.nodes["A"].base == 8
    assert result.nodes["A"].explanation == "Lấy mục con cao nhất «A2»"
    assert result.total == 8
    first_wins = score_unit(framework, "Xã D", manual_inputs({"A1": 9, "A2": 8}))
    assert first_wins.total == 9
    assert first_wins.nodes["A"].explanation == "Lấy mục con cao nhất «A1»"


@pytest.mark.parametrize(
    ("total", "index"),
    [
        ("81.835", "81.84"),  # numbers.round_half_up's example; half-even agrees here
        ("81.825", "81.83"),  # half-up; rounding to even would give 81.82
        ("81.8249", "81.82"),
        ("79.35", "79.35"),
        ("100", "100.00"),
    ],
)
def test_the_index_is_rounded_half_up_to_two_decimals(total: str, index: str) -> None:
    framework = build([leaf("A", 100)], max_total=100)
    result = score_unit(framework, "Sở A", manual_inputs({"A": total}))
    assert result.total == Decimal(total)
    assert result.index == Decimal(index)
    assert str(result.index) == index


def test_a_float_entry_is_taken_as_typed_before_rounding() -> None:
    # As a binary float 81.835 is 81.83499999…; the engine keeps what a person typed.
    framework = build([leaf("A", 100)], max_total=100)
    assert score_unit(framework, "Sở A", manual_inputs({"A": 81.835})).index == Decimal("81.84")


def test_the_index_follows_the_frameworks_index_places() -> None:
    framework = build([leaf("A", 9.5)], max_total="9,5", rounding={"index_places": 1})
    assert score_unit(framework, "Sở A", manual_inputs({"A": "7,775"})).index == Decimal("81.8")


def test_two_frameworks_scored_in_turn_do_not_mix_their_plans() -> None:
    first, second = two_areas(), build([leaf("X", 10)])
    for _ in range(2):
        assert score_unit(first, "u", manual_inputs({"A1": 2})).total == 2
        assert score_unit(second, "u", manual_inputs({"X": 7})).total == 7


@pytest.mark.parametrize("kind", ["bonus", "penalty"])
def test_a_bonus_or_penalty_group_never_counts_more_than_its_maximum(kind: str) -> None:
    # Two children of 1 point each under a group of 1: the group's maximum caps them.
    framework = build(
        [
            leaf("A", 10),
            group("G", 1, kind=kind),
            leaf("G1", 1, parent="G", kind=kind),
            leaf("G2", 1, parent="G", kind=kind),
        ]
    )
    result = score_unit(framework, "Sở A", manual_inputs({"A": 10, "G1": 1, "G2": 1}))
    assert result.nodes["G"].points == 1
    expected = (Decimal(1), Decimal(0)) if kind == "bonus" else (Decimal(0), Decimal(1))
    assert (result.bonus, result.penalty) == expected
    assert result.total == (11 if kind == "bonus" else 9)
