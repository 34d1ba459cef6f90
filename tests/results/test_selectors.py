"""Standings, the previous year through lineage, and scorecards (see conftest for the data)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parindex import policy
from parindex.periods.models import PublishedResult
from parindex.results import selectors
from parindex.units.models import UnitLineage

from .helpers import A_TOTAL, B_TOTAL

pytestmark = pytest.mark.django_db


def test_units_with_equal_totals_share_a_rank_and_the_next_rank_is_skipped(scored):
    page = selectors.ranking_page(
        scored["group"],
        policy.may_view_previous_year(scored["users"]["appraiser"], scored["period"]),
    )
    assert [(row.code, row.rank, row.result.total) for row in page.rows] == [
        ("B", 1, B_TOTAL),
        ("C", 1, B_TOTAL),
        ("A", 3, A_TOTAL),
    ]
    assert [row.class_label for row in page.rows] == ["Khá", "Khá", "Yếu"]
    assert not page.standing.published


def test_live_results_are_recomputed_when_an_entry_changes(scored):
    group = scored["group"]
    first = selectors.group_standing(group)
    assert selectors.group_standing(group).ranking is first.ranking  # cached, not rescored
    entry = scored["assessment_a"].entries.get(node_code="1.2")
    entry.appraised_values = {"numerator": 9, "denominator": 10}
    entry.save()
    again = selectors.group_standing(group)
    assert again.ranking is not first.ranking
    assert again.ranking is not None
    assert again.ranking.results["A"].total == A_TOTAL - Decimal("3.5556") + 4


def test_a_published_group_reads_the_latest_amendment_and_keeps_its_reason(scored):
    period_2024 = scored["period_2024"]
    original = PublishedResult.objects.get(period=period_2024, unit=scored["unit_b"])
    PublishedResult.objects.create(
        period=period_2024,
        group=original.group,
        unit=original.unit,
        total=Decimal("9.2"),
        max_total=10,
        index=Decimal("92.00"),
        rank=1,
        ranked_units=3,
        class_label="Tốt",
        areas=original.areas,
        published_at=datetime.datetime(2025, 2, 3, 9, tzinfo=datetime.UTC),
        amends=original,
        amendment_reason="Sai số liệu hồ sơ đúng hạn",
    )
    standing = selectors.group_standing(original.group)
    assert standing.published
    assert standing.ranking is not None
    assert standing.ranking.results["B"].index == Decimal("92.00")
    assert standing.ranking.size == 3
    assert standing.amendments["B"].reason == "Sai số liệu hồ sơ đúng hạn"
    assert "OA1" not in standing.amendments


def test_a_merged_unit_is_compared_with_its_primary_predecessor(scored):
    appraiser = scored["users"]["appraiser"]
    found = selectors.previous_year(
        scored["period"],
        [scored["unit_a"], scored["unit_b"], scored["unit_c"]],
        policy.may_view_previous_year(appraiser, scored["period"]),
    )
    merged = found[scored["unit_a"].pk]
    assert merged.basis == selectors.PRIMARY
    assert merged.figure is not None
    assert merged.figure.unit == scored["old_a1"]
    assert merged.figure.index == Decimal("91.50")
    assert {link.predecessor.code for link, _figure in merged.predecessors} == {"OA1", "OA2"}
    assert "Xã An (cũ)" in merged.note
    assert merged.index_change(Decimal("55.56")) == Decimal("-35.94")
    # Last year's ranking had 3 units, like this year's: places are comparable (1st → 3rd).
    assert merged.rank_change(3, 3) == -2
    assert merged.rank_change(3, 60) is None
    assert found[scored["unit_b"].pk].basis == selectors.SAME
    assert found[scored["unit_c"].pk].basis == selectors.NONE


def test_several_predecessors_without_a_primary_one_are_listed_and_not_compared(scored):
    UnitLineage.objects.filter(successor=scored["unit_a"]).update(is_primary=False)
    found = selectors.previous_year(
        scored["period"],
        [scored["unit_a"]],
        policy.may_view_previous_year(scored["users"]["appraiser"], scored["period"]),
    )
    several = found[scored["unit_a"].pk]
    assert several.basis == selectors.SEVERAL
    assert several.figure is None
    assert several.index_change(Decimal(50)) is None
    assert "Xã An (cũ)" in several.note
    assert "Xã Bình (cũ)" in several.note
    assert "không so sánh trực tiếp" in several.note


def test_last_years_drafts_stay_hidden_from_a_unit_user(scored):
    period_2024 = scored["period_2024"]
    period_2024.status = "appraisal"
    period_2024.save()
    found = selectors.previous_year(
        scored["period"],
        [scored["unit_b"]],
        policy.may_view_previous_year(scored["users"]["officer_b"], scored["period"]),
    )
    assert found[scored["unit_b"].pk].basis == selectors.HIDDEN
    assert found[scored["unit_b"].pk].figure is None


def test_a_scorecard_compares_areas_with_last_years_published_area_points(scored):
    card = selectors.scorecard_for(
        scored["group"],
        scored["unit_a"],
        policy.may_view_previous_year(scored["users"]["leader"], scored["period"]),
    )
    assert card is not None
    assert card.comparison_basis == "areas"  # 2024 has published figures only, no entries
    assert card.comparison is not None
    first, second = card.comparison.areas
    assert (first.code, first.previous_points, first.points) == (
        "1",
        Decimal("5.15"),
        Decimal("3.5556"),
    )
    assert first.points_change == Decimal("-1.5944")
    assert (first.previous_rank, first.rank, first.rank_change) == (1, 3, -2)
    assert second.points_change == Decimal("-2")
    assert card.comparison.areas_down_in_points == 2
    assert card.ranks_comparable
    assert card.rank_change == -2


def test_an_area_missing_from_last_years_published_row_is_not_compared(scored):
    PublishedResult.objects.filter(unit=scored["old_a1"]).update(areas=[])
    card = selectors.scorecard_for(
        scored["group"],
        scored["unit_a"],
        policy.may_view_previous_year(scored["users"]["leader"], scored["period"]),
    )
    assert card is not None
    assert card.comparison is not None
    assert [area.comparable for area in card.comparison.areas] == [False, False]
    assert card.comparison.areas[0].reason == "kết quả công bố năm trước không có điểm lĩnh vực này"
    assert card.comparison.total_change == A_TOTAL - Decimal("9.15")


def test_the_headroom_lists_quick_wins_first_with_the_points_to_the_next_rank_and_class(scored):
    card = selectors.scorecard_for(
        scored["group"],
        scored["unit_a"],
        policy.may_view_previous_year(scored["users"]["appraiser"], scored["period"]),
    )
    assert card is not None
    # 1.2 lost 0,4444 but is tagged quick_win; 1.1 and 2.1 lost 2 each, in document order.
    assert [(line.item.code, line.item.lost, line.item.quick_win) for line in card.headroom] == [
        ("1.2", Decimal("0.4444"), True),
        ("1.1", Decimal("2"), False),
        ("2.1", Decimal("2"), False),
    ]
    assert card.to_next_rank == B_TOTAL - A_TOTAL  # tie with B and C for the first place
    # "Trung bình" from 65 %: an index of 64,995 rounds to 65,00, i.e. a total of 6,4995.
    assert card.next_class == ("Trung bình", Decimal("6.4995") - A_TOTAL)
    assert [line.cumulative for line in card.headroom] == [
        Decimal("0.4444"),
        Decimal("2.4444"),
        Decimal("4.4444"),
    ]
    assert [(line.reaches_next_class, line.reaches_next_rank) for line in card.headroom] == [
        (False, False),
        (True, True),
        (False, False),
    ]


def test_self_scores_above_the_appraisal_are_listed_as_over_claims(scored):
    card = selectors.scorecard_for(
        scored["group"],
        scored["unit_a"],
        policy.may_view_previous_year(scored["users"]["appraiser"], scored["period"]),
    )
    assert card is not None
    assert card.appraised
    assert card.self_result is not None
    assert card.appraised_result is not None
    assert card.self_result.total == A_TOTAL + 2
    assert [(claim.code, claim.self_points, claim.appraised_points) for claim in card.claims] == [
        ("1.1", Decimal("2"), Decimal("0"))
    ]
    claim = card.claims[0]
    assert claim.over_claimed
    assert claim.reason == "Không có hoặc thiếu tài liệu kiểm chứng"
    assert claim.comment == "Không có văn bản kế hoạch kèm theo."
    assert card.over_claimed == Decimal("2")


def test_a_unit_outside_the_ranking_has_no_scorecard(scored):
    assert (
        selectors.scorecard_for(
            scored["group"],
            scored["old_a1"],
            policy.may_view_previous_year(scored["users"]["admin"], scored["period"]),
        )
        is None
    )


def test_group_averages_are_shares_of_each_areas_maximum(scored):
    standing = selectors.group_standing(scored["group"])
    # Area 1 (max 6): A 3,5556, B 6, C 6 → mean 5,1852 → 86,42 %; area 2 (max 4): all 2.
    assert selectors.group_area_averages(standing) == {"1": Decimal("86.42"), "2": Decimal("50")}


def test_class_bands_are_described_from_the_top_class_down(scored):
    standing = selectors.group_standing(scored["group"])
    assert selectors.class_band_texts(standing.framework.info.class_bands) == [
        "Tốt: từ 90%",
        "Khá: từ 80% đến dưới 90%",
        "Trung bình: từ 65% đến dưới 80%",
        "Yếu: dưới 65%",
    ]
