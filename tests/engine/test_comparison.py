"""Year-over-year comparison across framework versions (demo data, hand-computed).

2024 framework (max 20): CD 5 | TC 3 | HDH 3 | TTHC 6 = TTHC.1 3 + TTHC.2 3 | CONGVU 3.
2025 framework (max 20): CD 5 (same code) | CCTC 4 (merges TC and HDH: 6 → 4) |
TTHC 5 = TTHC.1 3 + SO_HOA 2 (new) | CV 3 (CONGVU renamed) | MOI 3 (new area).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from parindex.engine import (
    Comparison,
    GroupRanking,
    NodeChange,
    compare_unit,
    previous_codes_for,
    rank_group,
    score_unit,
)

from .builders import build, group, leaf, manual_inputs

POINTS_2024: dict[str, dict[str, Any]] = {
    "X": {"CD": 4, "TC": 2, "HDH": 2, "TTHC.1": 2, "TTHC.2": 1, "CONGVU": 2},  # 13
    "Y": {"CD": 5, "TC": 3, "HDH": 1, "TTHC.1": 3, "TTHC.2": 3, "CONGVU": 1},  # 16
    "Z": {"CD": 3, "TC": 1, "HDH": 3, "TTHC.1": 1, "TTHC.2": 2, "CONGVU": 3},  # 13
}
POINTS_2025: dict[str, dict[str, Any]] = {
    "X": {"CD": 5, "CCTC": 3, "TTHC.1": 3, "SO_HOA": 1, "CV": 2, "MOI": 2},  # 16
    "Y": {"CD": 4, "CCTC": "3.5", "TTHC.1": 2, "SO_HOA": 2, "CV": 1, "MOI": 1},  # 13.5
    "Z": {"CD": 3, "CCTC": 2, "TTHC.1": 3, "SO_HOA": 2, "CV": 3, "MOI": 3},  # 16
}


def ranking_2024() -> GroupRanking:
    framework = build(
        [
            leaf("CD", 5),
            leaf("TC", 3),
            leaf("HDH", 3),
            group("TTHC", 6),
            leaf("TTHC.1", 3, parent="TTHC"),
            leaf("TTHC.2", 3, parent="TTHC"),
            leaf("CONGVU", 3),
        ],
        code="DEMO-2024",
        year=2024,
        max_total=20,
    )
    return rank_group(
        [score_unit(framework, unit, manual_inputs(points)) for unit, points in POINTS_2024.items()]
    )


def ranking_2025(points: Mapping[str, Mapping[str, Any]] | None = None) -> GroupRanking:
    framework = build(
        [
            leaf("CD", 5),
            leaf("CCTC", 4, previous_codes=["TC", "HDH"]),
            group("TTHC", 5),
            leaf("TTHC.1", 3, parent="TTHC"),
            leaf("SO_HOA", 2, parent="TTHC"),
            leaf("CV", 3, previous_codes=["CONGVU"]),
            leaf("MOI", 3),
        ],
        code="DEMO-2025",
        year=2025,
        max_total=20,
    )
    return rank_group(
        [
            score_unit(framework, unit, manual_inputs(unit_points))
            for unit, unit_points in (points or POINTS_2025).items()
        ]
    )


def compare(unit: str) -> Comparison:
    return compare_unit(ranking_2025(), ranking_2024(), unit)


def areas(comparison: Comparison) -> dict[str, NodeChange]:
    return {change.code: change for change in comparison.areas}


def test_the_ranks_of_both_years_are_as_computed_by_hand() -> None:
    assert ranking_2024().ranks == {"X": 2, "Y": 1, "Z": 2}
    assert ranking_2025().ranks == {"X": 1, "Y": 3, "Z": 1}


def test_a_rank_change_is_positive_when_the_unit_moved_up() -> None:
    up, down = compare("X"), compare("Y")
    assert (up.rank, up.previous_rank, up.rank_change) == (1, 2, 1)
    assert (down.rank, down.previous_rank, down.rank_change) == (3, 1, -2)
    assert (up.total, up.previous_total, up.total_change) == (Decimal(16), Decimal(13), Decimal(3))
    assert down.total_change == Decimal("-2.5")
    assert (up.year, up.previous_year, up.index, up.previous_index) == (
        2025,
        2024,
        Decimal("80.00"),
        Decimal("65.00"),
    )


def test_an_area_with_the_same_code_and_maximum_is_compared_on_points_and_rank() -> None:
    cd = areas(compare("X"))["CD"]
    assert cd.previous_codes == ("CD",)
    assert (cd.points, cd.previous_points, cd.points_change) == (Decimal(5), Decimal(4), Decimal(1))
    assert (cd.rank, cd.previous_rank, cd.rank_change) == (1, 2, 1)
    assert cd.direction == 1
    assert areas(compare("Y"))["CD"].rank_change == -1
    assert areas(compare("Y"))["CD"].direction == -1


def test_a_renamed_area_is_compared_with_its_old_code_including_its_old_rank() -> None:
    cv = areas(compare("Z"))["CV"]
    assert cv.previous_codes == ("CONGVU",)
    assert (cv.points, cv.previous_points, cv.previous_max_points) == (Decimal(3),) * 3
    assert (cv.rank, cv.previous_rank, cv.rank_change, cv.direction) == (1, 1, 0, 0)


def test_merged_codes_are_summed_and_have_no_single_old_rank() -> None:
    cctc = areas(compare("X"))["CCTC"]
    assert cctc.previous_codes == ("TC", "HDH")
    # 2 + 2 points of 3 + 3
    assert (cctc.previous_points, cctc.previous_max_points) == (Decimal(4), Decimal(6))
    assert (cctc.rank, cctc.previous_rank, cctc.rank_change) == (2, None, None)
    assert cctc.comparable


def test_a_changed_maximum_uses_the_share_of_the_maximum_for_the_direction() -> None:
    # X: 3/4 = 75 % this year against 4/6 = 66,67 % last year: fewer points, but up.
    cctc = areas(compare("X"))["CCTC"]
    assert cctc.points_change == -1
    assert (cctc.percent, cctc.previous_percent) == (Decimal("75.00"), Decimal("66.67"))
    assert cctc.percent_change == Decimal("8.33")
    assert cctc.direction == 1
    # Z: 2/4 = 50 % against 4/6: the same points, but down.
    z_cctc = areas(compare("Z"))["CCTC"]
    assert (z_cctc.points_change, z_cctc.direction) == (Decimal(-2), -1)
    # Y: TTHC 4/5 = 80 % against 6/6 = 100 %.
    assert areas(compare("Y"))["TTHC"].direction == -1


def test_a_new_node_is_not_comparable_and_says_why() -> None:
    comparison = compare("X")
    moi = areas(comparison)["MOI"]
    assert not moi.comparable
    assert moi.reason == "không có mục tương ứng năm trước"
    assert (moi.points, moi.points_change, moi.percent_change) == (Decimal(2), None, None)
    assert (moi.previous_rank, moi.rank_change, moi.direction) == (None, None, 0)
    assert [change.code for change in comparison.not_comparable] == ["SO_HOA", "MOI"]


def test_a_new_area_keeps_this_years_rank() -> None:
    assert areas(compare("X"))["MOI"].rank == 2
    assert areas(compare("Z"))["MOI"].rank == 1


def test_nodes_below_the_areas_are_compared_without_ranks() -> None:
    nodes = {change.code: change for change in compare("X").nodes}
    assert list(nodes) == ["CD", "CCTC", "TTHC", "TTHC.1", "SO_HOA", "CV", "MOI"]
    assert (nodes["TTHC.1"].points_change, nodes["TTHC.1"].direction) == (Decimal(1), 1)
    assert (nodes["TTHC.1"].rank, nodes["TTHC.1"].rank_change) == (None, None)


def test_a_mapping_to_a_code_missing_last_year_is_not_comparable_and_names_the_code() -> None:
    previous = rank_group(
        [score_unit(build([leaf("A", 10)], year=2024), "X", manual_inputs({"A": 5}))]
    )
    current_framework = build([leaf("B", 10, previous_codes=["A", "GONE"])])
    current = rank_group([score_unit(current_framework, "X", manual_inputs({"B": 6}))])
    change = compare_unit(current, previous, "X").areas[0]
    assert change.reason == "mã năm trước GONE không có trong bộ tiêu chí năm trước"
    assert change.previous_codes == ("A", "GONE")
    assert not change.comparable


@pytest.mark.parametrize(
    ("unit", "rank_counts", "points_counts"),
    [
        # (up, down, same) in rank, then in points; rank counts skip CCTC (merged) and MOI (new).
        ("X", (1, 0, 2), (3, 0, 1)),
        ("Y", (0, 2, 1), (1, 2, 1)),
        ("Z", (1, 0, 2), (1, 1, 2)),
    ],
)
def test_it_counts_areas_up_down_and_unchanged_in_rank_and_in_points(
    unit: str, rank_counts: tuple[int, int, int], points_counts: tuple[int, int, int]
) -> None:
    comparison = compare(unit)
    assert (
        comparison.areas_up_in_rank,
        comparison.areas_down_in_rank,
        comparison.areas_same_rank,
    ) == rank_counts
    assert (
        comparison.areas_up_in_points,
        comparison.areas_down_in_points,
        comparison.areas_same_points,
    ) == points_counts


def test_it_compares_a_unit_with_its_predecessor_under_another_name() -> None:
    renamed = {"Xã Hợp Nhất" if unit == "X" else unit: pts for unit, pts in POINTS_2025.items()}
    comparison = compare_unit(ranking_2025(renamed), ranking_2024(), "Xã Hợp Nhất", "X")
    assert (comparison.unit, comparison.previous_unit) == ("Xã Hợp Nhất", "X")
    assert (comparison.total, comparison.previous_total) == (Decimal(16), Decimal(13))


def test_it_refuses_a_unit_missing_from_either_year() -> None:
    with pytest.raises(KeyError, match="W is not in the 2025 ranking"):
        compare_unit(ranking_2025(), ranking_2024(), "W")
    with pytest.raises(KeyError, match="W is not in the 2024 ranking"):
        compare_unit(ranking_2025(), ranking_2024(), "X", "W")


def test_previous_codes_default_to_the_same_code_when_it_existed() -> None:
    current, previous = ranking_2025().framework, ranking_2024().framework
    assert previous_codes_for("CD", current, previous) == ("CD",)
    assert previous_codes_for("CV", current, previous) == ("CONGVU",)
    assert previous_codes_for("MOI", current, previous) == ()
