"""Headroom (dư địa): where a unit lost points, and how many it needs to move up.

Lost points of a node are its maximum minus its points within the maximum
(bonus and penalty points are not headroom). Shares are of all points lost at
the same level (all leaves, or all areas), so they add up to 100 %.

Leaf headroom adds up to area headroom. Below alternatives (the parent takes its best
child) the points the parent still loses can only come back through one alternative:
the one that can bring the most (the highest maximum; on a tie, the one that counts
now). Its leaves carry the parent's loss, most lost first, each at most its own loss:
with A = best of A1 (10 points, 5 scored) and A2 (8 points, 8 scored), A loses 2 and
leaf A1 shows those 2, not its own 5. (When no alternative can reach its parent's
maximum, the part none can recover shows at no leaf.)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .numbers import ZERO, percent_of
from .ranking import GroupRanking
from .scoring import UnitResult


@dataclass(frozen=True, slots=True)
class HeadroomItem:
    code: str
    title: str
    area_code: str
    max_points: Decimal
    points: Decimal
    lost: Decimal  # points the area can still gain here (below alternatives, see above)
    share: Decimal  # percent of all points lost at this level
    quick_win: bool


def _items(result: UnitResult, lost: dict[str, Decimal], places: int) -> list[HeadroomItem]:
    framework = result.framework
    codes = list(lost)
    total_lost = sum(lost.values(), ZERO)
    items = [
        HeadroomItem(
            code=code,
            title=framework.nodes[code].title,
            area_code=framework.area_of(code).code,
            max_points=framework.nodes[code].max_points,
            points=result.nodes[code].base,
            lost=lost[code],
            share=percent_of(lost[code], total_lost, places),
            quick_win=framework.nodes[code].is_quick_win,
        )
        for code in codes
        if lost[code] > 0
    ]
    items.sort(key=lambda item: item.lost, reverse=True)
    return items


def node_headroom(result: UnitResult, *, quick_wins_first: bool = False) -> list[HeadroomItem]:
    """Leaves where points were lost, most lost first (quick wins first if asked).

    Leaf losses add up to the area's (see the module notes for alternatives).
    """
    framework = result.framework
    nodes = result.nodes
    allotted: dict[str, Decimal] = {}

    def collect(code: str, budget: Decimal) -> None:
        """Share `budget` (points the parent can still gain through `code`) among leaves."""
        node = framework.nodes[code]
        if node.kind != "standard" or budget <= 0:
            return
        if node.is_leaf:
            own = nodes[code].lost
            allotted[code] = own if own <= budget else budget
            return
        children = [child for child in node.children if framework.nodes[child].kind == "standard"]
        if node.alternatives and children:
            # The highest maximum can bring the most back; on a tie, the one that counts.
            chosen = max(
                children, key=lambda child: (framework.nodes[child].max_points, nodes[child].base)
            )
            collect(chosen, budget)
            return
        # A sum: each child loses its own points; a budget smaller than that (below an
        # alternative) goes to the most lost first.
        for child in sorted(children, key=lambda child: nodes[child].lost, reverse=True):
            own = nodes[child].lost
            share = own if own <= budget else budget
            collect(child, share)
            budget -= share

    for area in framework.areas:
        collect(area.code, nodes[area.code].lost)
    lost = {
        leaf.code: allotted[leaf.code]
        for leaf in framework.leaves()  # document order, as before sorting by points lost
        if allotted.get(leaf.code, ZERO) > 0
    }
    items = _items(result, lost, framework.info.index_places)
    if quick_wins_first:
        items.sort(key=lambda item: not item.quick_win)  # stable: keeps most-lost order
    return items


def area_headroom(result: UnitResult) -> list[HeadroomItem]:
    """Areas where points were lost, most lost first."""
    lost = {area.code: result.nodes[area.code].lost for area in result.framework.areas}
    return _items(result, lost, result.framework.info.index_places)


def points_to_rank(ranking: GroupRanking, unit: str, target_rank: int) -> Decimal:
    """Points the unit must add to its total to reach `target_rank` (0 if it is there already).

    Reaching a rank means tying the unit that holds it, since ties share a rank:
    the new total must be at least the `target_rank`-th best total of the others.
    """
    if target_rank < 1:
        raise ValueError("ranks start at 1")
    own = ranking.results[unit].total
    others = sorted(
        (result.total for name, result in ranking.results.items() if name != unit), reverse=True
    )
    if target_rank > len(others):
        return ZERO
    return max(others[target_rank - 1] - own, ZERO)


def points_to_next_rank(ranking: GroupRanking, unit: str) -> Decimal | None:
    """Points to move one place up; None for a unit already first."""
    rank = ranking.ranks[unit]
    if rank == 1:
        return None
    return points_to_rank(ranking, unit, rank - 1)


def points_to_next_class(result: UnitResult) -> tuple[str, Decimal] | None:
    """The next class up and the points needed to reach it; None in the top class.

    Classes are read from the published index, rounded half-up; the smallest
    total whose rounded index reaches the threshold is threshold − half a unit of
    the last published decimal.
    """
    info = result.framework.info
    bands = sorted(info.class_bands, key=lambda band: band.min_percent)
    half_unit = Decimal(5).scaleb(-(info.index_places + 1))
    for band in bands:
        if band.min_percent > result.index:
            needed_index = band.min_percent - half_unit
            needed_total = needed_index * info.max_total / 100
            return band.label, max(needed_total - result.total, ZERO)
    return None
