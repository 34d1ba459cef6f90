"""A unit's scorecard: areas against the group's average, year-over-year changes (every node
from the entries, or the published areas), self vs appraised, and headroom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from parindex.assessments.models import AdjustmentReason, NodeEntry
from parindex.engine import (
    Comparison,
    Framework,
    GroupRanking,
    HeadroomItem,
    NodeChange,
    UnitResult,
    area_headroom,
    compare_unit,
    node_headroom,
    points_to_next_class,
    points_to_next_rank,
    previous_codes_for,
)
from parindex.engine.numbers import ZERO, percent_of
from parindex.periods.models import UnitGroup
from parindex.results.selectors.rankings import RankingPage
from parindex.results.selectors.standings import Amendment, Standing, group_standing
from parindex.results.selectors.year_over_year import PreviousYear, previous_year
from parindex.units.models import Unit

# How many headroom items and criterion-level changes a scorecard lists.
HEADROOM_ITEMS = 12
NODE_CHANGES = 10


@dataclass(frozen=True)
class AreaLine:
    code: str
    title: str
    max_points: Decimal
    points: Decimal | None
    percent: Decimal | None
    rank: int | None
    average_percent: Decimal | None  # the group's average share of this area's maximum
    change: NodeChange | None


@dataclass(frozen=True)
class ClaimLine:
    """A criterion whose appraised points differ from what the unit claimed."""

    code: str
    title: str
    area_code: str
    self_points: Decimal
    appraised_points: Decimal
    reason: str
    comment: str

    @property
    def difference(self) -> Decimal:
        return self.appraised_points - self.self_points

    @property
    def over_claimed(self) -> bool:
        return self.self_points > self.appraised_points


@dataclass(frozen=True)
class HeadroomLine:
    item: HeadroomItem
    cumulative: Decimal
    reaches_next_rank: bool  # this line and those above first cover the points to the next rank
    reaches_next_class: bool


@dataclass
class Scorecard:
    standing: Standing
    unit: Unit
    code: str
    result: UnitResult
    rank: int
    class_label: str
    amendment: Amendment | None
    areas: list[AreaLine]
    previous: PreviousYear | None
    comparison: Comparison | None
    comparison_basis: str  # "full" (every node, from entries), "areas" (published areas), ""
    node_changes: list[NodeChange]
    self_result: UnitResult | None
    appraised_result: UnitResult | None  # every node, from the entries
    appraised: bool  # the appraiser has scored at least one criterion
    claims: list[ClaimLine]
    headroom: list[HeadroomLine]
    area_headroom: list[HeadroomItem]
    to_next_rank: Decimal | None
    next_class: tuple[str, Decimal] | None

    @property
    def framework(self) -> Framework:
        return self.standing.framework

    @property
    def submission(self) -> str:
        """How the unit sent its self-assessment (`Submission`), "" when not known."""
        return self.standing.submissions.get(self.code, "")

    @property
    def ranked_units(self) -> int:
        assert self.standing.ranking is not None
        return self.standing.ranking.size

    @property
    def over_claimed(self) -> Decimal:
        return sum(
            (
                claim.self_points - claim.appraised_points
                for claim in self.claims
                if claim.over_claimed
            ),
            ZERO,
        )

    @property
    def index_change(self) -> Decimal | None:
        if self.comparison is None:
            return None
        return self.comparison.index - self.comparison.previous_index

    @property
    def ranks_comparable(self) -> bool:
        """Whether last year's ranks are out of as many units as this year's (see
        `PreviousYear.rank_change`)."""
        previous = self.previous.figure if self.previous is not None else None
        return previous is not None and previous.ranked_units == self.ranked_units

    @property
    def rank_change(self) -> int | None:
        if self.previous is None:
            return None
        return self.previous.rank_change(self.rank, self.ranked_units)

    @property
    def self_total_change(self) -> Decimal | None:
        if self.self_result is None or self.appraised_result is None:
            return None
        return self.appraised_result.total - self.self_result.total


def group_area_averages(standing: Standing) -> dict[str, Decimal]:
    """Each area's average share of its maximum over the group's ranked units (%)."""
    averages: dict[str, Decimal] = {}
    if standing.ranking is None:
        return averages
    places = standing.framework.info.index_places
    for area in standing.framework.areas:
        points = [
            result.nodes[area.code].points
            for result in standing.ranking.results.values()
            if area.code in result.nodes
        ]
        if points:
            mean = sum(points, ZERO) / len(points)
            averages[area.code] = percent_of(mean, area.max_points, places)
    return averages


def area_comparison(
    current: GroupRanking, previous: GroupRanking, unit: str, previous_unit: str
) -> Comparison:
    """This year against last year by area only, for when last year's results are the
    published figures (area points and ranks, no criteria). Same rules as the engine's
    `compare_unit`: areas map through `previous_codes`, ranks only for a one-to-one area."""
    framework, old_framework = current.framework, previous.framework
    result, old_result = current.results[unit], previous.results[previous_unit]
    places = framework.info.index_places
    changes = []
    for area in framework.areas:
        node = result.nodes.get(area.code)
        points = node.points if node is not None else ZERO
        percent = percent_of(points, area.max_points, places)
        rank = current.area_ranks.get(area.code, {}).get(unit)
        old_codes = previous_codes_for(area.code, framework, old_framework)
        old_nodes = [old_result.nodes.get(old) for old in old_codes]
        reason = ""
        if not old_codes:
            reason = gettext("không có lĩnh vực tương ứng năm trước")
        elif any(old is None for old in old_nodes):
            reason = gettext("kết quả công bố năm trước không có điểm lĩnh vực này")
        old_points = old_max = old_percent = None
        old_rank = None
        if not reason:
            old_points = sum((old.points for old in old_nodes if old is not None), ZERO)
            old_max = sum((old.max_points for old in old_nodes if old is not None), ZERO)
            old_percent = percent_of(old_points, old_max, places)
            if len(old_codes) == 1:
                old_rank = previous.area_ranks.get(old_codes[0], {}).get(previous_unit)
        changes.append(
            NodeChange(
                code=area.code,
                title=area.title,
                previous_codes=old_codes,
                points=points,
                max_points=area.max_points,
                percent=percent,
                previous_points=old_points,
                previous_max_points=old_max,
                previous_percent=old_percent,
                rank=rank,
                previous_rank=old_rank,
                reason=reason,
            )
        )
    areas = tuple(changes)
    return Comparison(
        unit=unit,
        year=framework.info.year,
        previous_unit=previous_unit,
        previous_year=old_framework.info.year,
        total=result.total,
        previous_total=old_result.total,
        index=result.index,
        previous_index=old_result.index,
        rank=current.ranks[unit],
        previous_rank=previous.ranks[previous_unit],
        areas=areas,
        # Published figures stop at the areas: they are all the nodes there are to compare.
        _node_changes=lambda: areas,
    )


def _comparison(
    standing: Standing, code: str, previous: PreviousYear | None
) -> tuple[Comparison | None, str]:
    if previous is None or previous.figure is None or standing.ranking is None:
        return None, ""
    old_standing, old_code = previous.figure.standing, previous.figure.unit.code
    now, before = standing.full_ranking, old_standing.full_ranking
    if (
        now is not None
        and before is not None
        and code in now.results
        and old_code in before.results
    ):
        return compare_unit(now, before, code, old_code), "full"
    assert old_standing.ranking is not None
    return area_comparison(standing.ranking, old_standing.ranking, code, old_code), "areas"


def _claims(
    framework: Framework,
    self_result: UnitResult,
    appraised_result: UnitResult,
    entries: Mapping[str, NodeEntry],
) -> list[ClaimLine]:
    reasons = dict(AdjustmentReason.choices)
    claims = []
    for node in framework.leaves():
        entry = entries.get(node.code)
        if entry is None or entry.appraised_values is None or node.source != "self":
            continue
        claimed, appraised = (
            self_result.nodes[node.code].points,
            appraised_result.nodes[node.code].points,
        )
        if claimed == appraised:
            continue
        claims.append(
            ClaimLine(
                code=node.code,
                title=node.title,
                area_code=framework.area_of(node.code).code,
                self_points=claimed,
                appraised_points=appraised,
                reason=str(reasons.get(entry.reason_code, "")) if entry.reason_code else "",
                comment=entry.appraiser_comment,
            )
        )
    claims.sort(key=lambda claim: claim.difference)  # the biggest over-claim first
    return claims


def _headroom_lines(
    items: Sequence[HeadroomItem], to_next_rank: Decimal | None, to_next_class: Decimal | None
) -> list[HeadroomLine]:
    """Headroom items with a running total; the line where the total first covers the
    points needed for the next rank (or class) is marked."""
    lines = []
    cumulative = ZERO
    for item in items:
        before, cumulative = cumulative, cumulative + item.lost
        lines.append(
            HeadroomLine(
                item=item,
                cumulative=cumulative,
                reaches_next_rank=_crosses(to_next_rank, before, cumulative),
                reaches_next_class=_crosses(to_next_class, before, cumulative),
            )
        )
    return lines


def _crosses(needed: Decimal | None, before: Decimal, after: Decimal) -> bool:
    return needed is not None and needed > 0 and before < needed <= after


def unit_scorecard(
    standing: Standing, unit: Unit, previous: PreviousYear | None
) -> Scorecard | None:
    """The unit's scorecard in the group's standing, or None if it is not ranked there."""
    ranking = standing.ranking
    code = unit.code
    if ranking is None or code not in ranking.results:
        return None
    result = ranking.results[code]
    averages = group_area_averages(standing)
    comparison, basis = _comparison(standing, code, previous)
    changes = {change.code: change for change in comparison.areas} if comparison else {}
    places = standing.framework.info.index_places
    areas = []
    for area in standing.framework.areas:
        node = result.nodes.get(area.code)
        areas.append(
            AreaLine(
                code=area.code,
                title=area.title,
                max_points=area.max_points,
                points=node.points if node is not None else None,
                percent=percent_of(node.points, area.max_points, places) if node else None,
                rank=ranking.area_ranks.get(area.code, {}).get(code),
                average_percent=averages.get(area.code),
                change=changes.get(area.code),
            )
        )
    node_changes: list[NodeChange] = []
    if comparison is not None and basis == "full":
        area_codes = {area.code for area in standing.framework.areas}
        node_changes = sorted(
            (
                change
                for change in comparison.nodes
                if change.code not in area_codes and change.comparable and change.points_change
            ),
            key=lambda change: abs(change.points_change or ZERO),
            reverse=True,
        )[:NODE_CHANGES]

    detail = standing.detail
    appraised_result = self_result = None
    claims: list[ClaimLine] = []
    appraised = False
    if detail is not None and detail.ranking is not None and code in detail.ranking.results:
        appraised_result = detail.ranking.results[code]
        self_result = detail.self_results[code]
        assessment = detail.assessments[code]
        entries = {
            entry.node_code: entry for entry in NodeEntry.objects.filter(assessment=assessment)
        }
        nodes = standing.framework.nodes
        appraised = any(
            entry.appraised_values is not None
            and entry.node_code in nodes
            and nodes[entry.node_code].source == "self"
            for entry in entries.values()
        )
        claims = _claims(standing.framework, self_result, appraised_result, entries)

    to_next_rank = points_to_next_rank(ranking, code)
    next_class = points_to_next_class(result)
    headroom = _headroom_lines(
        node_headroom(appraised_result, quick_wins_first=True)[:HEADROOM_ITEMS]
        if appraised_result is not None
        else [],
        to_next_rank,
        next_class[1] if next_class else None,
    )
    complete_areas = all(area.code in result.nodes for area in standing.framework.areas)
    return Scorecard(
        standing=standing,
        unit=unit,
        code=code,
        result=result,
        rank=ranking.ranks[code],
        class_label=ranking.classes[code],
        amendment=standing.amendments.get(code),
        areas=areas,
        previous=previous,
        comparison=comparison,
        comparison_basis=basis,
        node_changes=node_changes,
        self_result=self_result,
        appraised_result=appraised_result,
        appraised=appraised,
        claims=claims,
        headroom=headroom,
        area_headroom=area_headroom(result) if complete_areas else [],
        to_next_rank=to_next_rank,
        next_class=next_class,
    )


def scorecard_for(group: UnitGroup, unit: Unit, show_previous: bool) -> Scorecard | None:
    standing = group_standing(group)
    previous = previous_year(group.period, [unit], show_previous).get(unit.pk)
    return unit_scorecard(standing, unit, previous)


def page_scorecards(page: RankingPage) -> list[Scorecard]:
    """Every ranked unit's scorecard, best first (the province report), reusing the page's
    standing and previous-year lookups."""
    cards = []
    for row in page.rows:
        card = unit_scorecard(page.standing, row.unit, row.previous)
        if card is not None:
            cards.append(card)
    return cards
