"""Ranking a group, per-area ranks, classes, headroom and the points to move up (hand-computed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.engine import (
    ClassBand,
    GroupRanking,
    area_headroom,
    classify,
    competition_ranks,
    node_headroom,
    points_to_next_class,
    points_to_next_rank,
    points_to_rank,
    rank_group,
    score_unit,
)

from .builders import build, group, leaf, manual_inputs

PROVINCE_CLASSES = [
    {"label": "Tốt", "min_percent": 90},
    {"label": "Khá", "min_percent": 80},
    {"label": "Trung bình", "min_percent": 65},
    {"label": "Yếu", "min_percent": 0},
]

# Demo units: area A (max 60) and area B (max 40) points.
DEMO_POINTS = {
    "Sở A": ("55", "38"),  # 93
    "Sở B": ("50", "35"),  # 85
    "Sở C": ("52", "33"),  # 85, tied with Sở B
    "Sở D": ("45", "35"),  # 80, exactly at the Khá threshold
    "Sở E": ("40", "24.995"),  # 64.995 → published index 65,00 → Trung bình
}


def demo_ranking() -> GroupRanking:
    framework = build([leaf("A", 60), leaf("B", 40)], max_total=100, classes=PROVINCE_CLASSES)
    results = [
        score_unit(framework, unit, manual_inputs({"A": a, "B": b}))
        for unit, (a, b) in DEMO_POINTS.items()
    ]
    return rank_group(results)


def test_competition_ranks_share_a_rank_on_a_tie_and_skip_the_next() -> None:
    totals = {"a": Decimal(10), "b": Decimal("9.0"), "c": Decimal(9), "d": Decimal(8)}
    assert competition_ranks(totals) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_competition_ranks_give_everyone_rank_one_when_all_tie() -> None:
    assert competition_ranks({"a": Decimal(5), "b": Decimal(5), "c": Decimal(5)}) == {
        "a": 1,
        "b": 1,
        "c": 1,
    }


def test_rank_group_ranks_by_total_with_ties_1224() -> None:
    ranking = demo_ranking()
    assert ranking.ranks == {"Sở A": 1, "Sở B": 2, "Sở C": 2, "Sở D": 4, "Sở E": 5}
    assert ranking.ordered() == ["Sở A", "Sở B", "Sở C", "Sở D", "Sở E"]
    assert ranking.size == 5


def test_rank_group_ranks_each_area_on_its_own() -> None:
    ranking = demo_ranking()
    assert ranking.area_ranks == {
        "A": {"Sở A": 1, "Sở B": 3, "Sở C": 2, "Sở D": 4, "Sở E": 5},
        "B": {"Sở A": 1, "Sở B": 2, "Sở C": 4, "Sở D": 2, "Sở E": 5},
    }
    assert ranking.area_rank("Sở C", "B") == 4


def test_classes_follow_the_provinces_bands_and_the_published_index() -> None:
    ranking = demo_ranking()
    assert ranking.results["Sở E"].index == Decimal("65.00")
    assert ranking.classes == {
        "Sở A": "Tốt",
        "Sở B": "Khá",
        "Sở C": "Khá",
        "Sở D": "Khá",
        "Sở E": "Trung bình",
    }


@pytest.mark.parametrize(
    ("index", "label"),
    [("90", "Tốt"), ("89.99", "Khá"), ("80.00", "Khá"), ("79.99", "Trung bình"), ("0", "Yếu")],
)
def test_classify_counts_an_index_exactly_at_a_threshold_as_reaching_it(
    index: str, label: str
) -> None:
    bands = [
        ClassBand(str(band["label"]), Decimal(str(band["min_percent"])))
        for band in PROVINCE_CLASSES
    ]
    assert classify(Decimal(index), bands) == label


def test_classify_gives_no_class_below_every_band() -> None:
    bands = [ClassBand("A", Decimal(90)), ClassBand("C", Decimal(70))]
    assert classify(Decimal("69.99"), bands) == ""


def test_rank_group_refuses_an_empty_group_a_repeated_unit_or_mixed_frameworks() -> None:
    framework = build([leaf("A", 10)])
    first = score_unit(framework, "Xã A", manual_inputs({"A": 5}))
    with pytest.raises(ValueError, match="no units to rank"):
        rank_group([])
    with pytest.raises(ValueError, match="Xã A appears twice"):
        rank_group([first, first])
    other = score_unit(build([leaf("A", 10)]), "Xã B", manual_inputs({"A": 5}))
    with pytest.raises(ValueError, match="a group is ranked under one framework"):
        rank_group([first, other])


# --- points needed to move up -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "target", "needed"),
    [
        ("Sở D", 1, "13"),  # 93 − 80
        ("Sở D", 2, "5"),  # tie Sở B and Sở C at 85
        ("Sở D", 3, "5"),  # rank 3 cannot be held alone: 85 ties into rank 2
        ("Sở D", 4, "0"),  # already there
        ("Sở D", 5, "0"),  # below its rank: nothing to add
        ("Sở B", 2, "0"),  # holds rank 2 through the tie
        ("Sở E", 4, "15.005"),  # 80 − 64.995
    ],
)
def test_points_to_rank_means_tying_the_unit_that_holds_it(
    unit: str, target: int, needed: str
) -> None:
    ranking = demo_ranking()
    assert points_to_rank(ranking, unit, target) == Decimal(needed)


def test_adding_the_points_to_rank_does_reach_the_rank_and_a_hair_less_does_not() -> None:
    ranking = demo_ranking()
    totals = {unit: result.total for unit, result in ranking.results.items()}
    needed = points_to_rank(ranking, "Sở E", 2)
    assert needed == Decimal("20.005")
    assert competition_ranks(totals | {"Sở E": totals["Sở E"] + needed})["Sở E"] == 2
    short = totals["Sở E"] + needed - Decimal("0.0001")
    assert competition_ranks(totals | {"Sở E": short})["Sở E"] == 4


def test_points_to_rank_refuses_rank_zero() -> None:
    with pytest.raises(ValueError, match="ranks start at 1"):
        points_to_rank(demo_ranking(), "Sở A", 0)


@pytest.mark.parametrize(
    ("unit", "needed"),
    [
        ("Sở A", None),  # already first
        ("Sở B", Decimal(8)),  # 93 − 85
        ("Sở C", Decimal(8)),
        ("Sở D", Decimal(5)),  # next rank up from 4 is the tie at 2
        ("Sở E", Decimal("15.005")),
    ],
)
def test_points_to_next_rank_counts_from_the_shared_rank(unit: str, needed: Decimal | None) -> None:
    assert points_to_next_rank(demo_ranking(), unit) == needed


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("Sở A", None),  # in the top class
        ("Sở B", ("Tốt", Decimal("4.995"))),  # 89.995 is published as 90,00
        ("Sở D", ("Tốt", Decimal("9.995"))),
        ("Sở E", ("Khá", Decimal("15"))),  # 79.995 − 64.995
    ],
)
def test_points_to_next_class_aim_at_the_smallest_total_published_at_the_threshold(
    unit: str, expected: tuple[str, Decimal] | None
) -> None:
    assert points_to_next_class(demo_ranking().results[unit]) == expected


def test_points_to_next_class_scale_with_a_maximum_other_than_100() -> None:
    framework = build([leaf("A", 30)], max_total=30)
    result = score_unit(framework, "Xã A", manual_inputs({"A": "23.5"}))
    assert (result.index, rank_group([result]).classes["Xã A"]) == (Decimal("78.33"), "C")
    label, needed = points_to_next_class(result) or ("", Decimal(0))
    # 79.995 % of 30 = 23.9985, which is published as 80,00 % (class B).
    assert (label, needed) == ("B", Decimal("0.4985"))
    reached = score_unit(framework, "Xã A", manual_inputs({"A": result.total + needed}))
    assert (reached.index, rank_group([reached]).classes["Xã A"]) == (Decimal("80.00"), "B")
    short = score_unit(framework, "Xã A", manual_inputs({"A": "23.9984"}))
    assert rank_group([short]).classes["Xã A"] == "C"


def test_points_to_next_class_from_below_every_band_aim_at_the_lowest_band() -> None:
    framework = build(
        [leaf("A", 100)],
        max_total=100,
        classes=[{"label": "Tốt", "min_percent": 90}, {"label": "Khá", "min_percent": 80}],
    )
    result = score_unit(framework, "Xã A", manual_inputs({"A": 50}))
    assert rank_group([result]).classes["Xã A"] == ""
    assert points_to_next_class(result) == ("Khá", Decimal("29.995"))


# --- headroom (dư địa) ------------------------------------------------------------------------


def test_headroom_lists_points_lost_most_first_with_shares_of_all_lost() -> None:
    framework = build(
        [
            group("A", 6),
            leaf("A1", 2, parent="A"),
            leaf("A2", 4, parent="A", tags=["quick_win"]),
            leaf("A-TH", 1, parent="A", kind="bonus"),
            leaf("B", 4),
        ]
    )
    result = score_unit(framework, "Xã A", manual_inputs({"A1": 1, "A2": "3,5", "B": 1}))
    # Lost: A1 1, A2 0,5, B 3 → 4,5 in all; the unclaimed bonus is not headroom.
    assert [(item.code, item.lost, item.share) for item in node_headroom(result)] == [
        ("B", Decimal(3), Decimal("66.67")),
        ("A1", Decimal(1), Decimal("22.22")),
        ("A2", Decimal("0.5"), Decimal("11.11")),
    ]
    assert [item.code for item in node_headroom(result, quick_wins_first=True)] == ["A2", "B", "A1"]
    assert [(item.code, item.lost, item.share) for item in area_headroom(result)] == [
        ("B", Decimal(3), Decimal("66.67")),
        ("A", Decimal("1.5"), Decimal("33.33")),
    ]
    a1 = node_headroom(result)[1]
    assert (a1.area_code, a1.max_points, a1.points, a1.quick_win) == (
        "A",
        Decimal(2),
        Decimal(1),
        False,
    )


def test_a_unit_with_full_points_has_no_headroom() -> None:
    framework = build([leaf("A", 6), leaf("B", 4)])
    result = score_unit(framework, "Xã A", manual_inputs({"A": 6, "B": 4}))
    assert node_headroom(result) == []
    assert area_headroom(result) == []


def test_leaf_headroom_under_alternatives_counts_only_what_the_parent_lost() -> None:
    framework = build(
        [group("A", 10, alternatives=True), leaf("A1", 10, parent="A"), leaf("A2", 8, parent="A")]
    )
    result = score_unit(framework, "Xã A", manual_inputs({"A1": 10}))
    assert area_headroom(result) == []
    assert node_headroom(result) == []


def test_leaf_headroom_adds_up_to_area_headroom_when_the_best_alternative_is_worth_less() -> None:
    framework = build(
        [group("A", 10, alternatives=True), leaf("A1", 10, parent="A"), leaf("A2", 8, parent="A")]
    )
    # A2 is full (8) and counts; doing A1 fully instead would still gain 2 points.
    result = score_unit(framework, "Xã A", manual_inputs({"A1": 5, "A2": 8}))
    assert [(item.code, item.lost) for item in area_headroom(result)] == [("A", Decimal(2))]
    leaf_lost = sum((item.lost for item in node_headroom(result)), Decimal(0))
    assert leaf_lost == 2
    # The 2 points show at A1, the alternative that can still bring them: not its own 5.
    assert [(item.code, item.points, item.lost) for item in node_headroom(result)] == [
        ("A1", Decimal(5), Decimal(2))
    ]


def test_leaf_headroom_below_an_alternative_goes_to_its_most_lost_leaves_first() -> None:
    framework = build(
        [
            group("A", 10, alternatives=True),
            group("A1", 10, parent="A"),
            leaf("A1.1", 4, parent="A1"),
            leaf("A1.2", 6, parent="A1"),
            leaf("A2", 8, parent="A"),
        ]
    )
    # A2 counts (7 of 8); A loses 3, which only A1 (1 + 2 of 10) can bring back.
    result = score_unit(framework, "Xã A", manual_inputs({"A1.1": 1, "A1.2": 2, "A2": 7}))
    assert [(item.code, item.lost) for item in area_headroom(result)] == [("A", Decimal(3))]
    assert [(item.code, item.lost) for item in node_headroom(result)] == [("A1.2", Decimal(3))]
