"""Year-over-year comparison of one unit, across framework versions.

A node of this year's framework corresponds to the nodes named in its
`previous_codes`; when it names none, to the node with the same code last year,
if there is one. A node that maps to several old nodes is compared with their
sum. Rank changes are positive when the unit moved up (rank 5 → 3 is +2).

Direction of a points change: when this year's and last year's maxima are equal
the points decide; when the maximum changed (a new framework version), the share
of the maximum decides, because 6/6 this year is not worse than 9/10 last year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from .model import Framework
from .numbers import ZERO, percent_of
from .ranking import GroupRanking
from .scoring import UnitResult


@dataclass(frozen=True)
class NodeChange:
    """How one node of this year compares with last year."""

    code: str
    title: str
    previous_codes: tuple[str, ...]
    points: Decimal
    max_points: Decimal
    percent: Decimal
    previous_points: Decimal | None
    previous_max_points: Decimal | None
    previous_percent: Decimal | None
    rank: int | None = None
    previous_rank: int | None = None
    reason: str = ""  # why it could not be compared; "" when it could

    @property
    def comparable(self) -> bool:
        return self.previous_points is not None

    @property
    def points_change(self) -> Decimal | None:
        if self.previous_points is None:
            return None
        return self.points - self.previous_points

    @property
    def percent_change(self) -> Decimal | None:
        if self.previous_percent is None:
            return None
        return self.percent - self.previous_percent

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative); None when not comparable."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def direction(self) -> int:
        """+1 up, -1 down, 0 unchanged (see the module notes for a changed maximum)."""
        if self.previous_points is None:
            return 0
        if self.previous_max_points == self.max_points:
            change = self.points - self.previous_points
        else:
            change = self.percent - (self.previous_percent or ZERO)
        return (change > 0) - (change < 0)


@dataclass(frozen=True)
class Comparison:
    """A unit this year against last year: totals, areas and every node."""

    unit: str
    year: int
    previous_unit: str
    previous_year: int
    total: Decimal
    previous_total: Decimal
    index: Decimal
    previous_index: Decimal
    rank: int
    previous_rank: int
    areas: tuple[NodeChange, ...]
    # Every node's change is computed on first use: most callers need only the areas.
    _node_changes: Callable[[], tuple[NodeChange, ...]] = field(repr=False, compare=False)

    @cached_property
    def nodes(self) -> tuple[NodeChange, ...]:
        return self._node_changes()

    @property
    def total_change(self) -> Decimal:
        return self.total - self.previous_total

    @property
    def rank_change(self) -> int:
        return self.previous_rank - self.rank

    def _count(self, values: list[int | None], sign: int) -> int:
        return sum(1 for value in values if value is not None and (value > 0) - (value < 0) == sign)

    @property
    def _area_rank_changes(self) -> list[int | None]:
        return [area.rank_change for area in self.areas]

    @property
    def areas_up_in_rank(self) -> int:
        return self._count(self._area_rank_changes, 1)

    @property
    def areas_down_in_rank(self) -> int:
        return self._count(self._area_rank_changes, -1)

    @property
    def areas_same_rank(self) -> int:
        return self._count(self._area_rank_changes, 0)

    @property
    def _area_point_directions(self) -> list[int | None]:
        return [area.direction if area.comparable else None for area in self.areas]

    @property
    def areas_up_in_points(self) -> int:
        return self._count(self._area_point_directions, 1)

    @property
    def areas_down_in_points(self) -> int:
        return self._count(self._area_point_directions, -1)

    @property
    def areas_same_points(self) -> int:
        return self._count(self._area_point_directions, 0)

    @property
    def not_comparable(self) -> tuple[NodeChange, ...]:
        return tuple(node for node in self.nodes if not node.comparable)


def previous_codes_for(code: str, current: Framework, previous: Framework) -> tuple[str, ...]:
    """The old codes a node corresponds to: its mapping, or the same code by default."""
    mapped = current.nodes[code].previous_codes
    if mapped:
        return mapped
    return (code,) if code in previous.nodes else ()


def _node_change(
    code: str,
    result: UnitResult,
    previous: UnitResult,
    ranks: tuple[int | None, int | None],
) -> NodeChange:
    framework, old_framework = result.framework, previous.framework
    node = framework.nodes[code]
    node_result = result.nodes[code]
    places = framework.info.index_places
    percent = percent_of(node_result.points, node.max_points, places)
    old_codes = previous_codes_for(code, framework, old_framework)
    missing = [old for old in old_codes if old not in old_framework.nodes]
    reason = ""
    if not old_codes:
        reason = "không có mục tương ứng năm trước"
    elif missing:
        reason = f"mã năm trước {', '.join(missing)} không có trong bộ tiêu chí năm trước"
    if reason:
        return NodeChange(
            code,
            node.title,
            old_codes,
            node_result.points,
            node.max_points,
            percent,
            None,
            None,
            None,
            rank=ranks[0],
            reason=reason,
        )
    old_points = sum((previous.nodes[old].points for old in old_codes), ZERO)
    old_max = sum((old_framework.nodes[old].max_points for old in old_codes), ZERO)
    rank, previous_rank = ranks
    return NodeChange(
        code,
        node.title,
        old_codes,
        node_result.points,
        node.max_points,
        percent,
        old_points,
        old_max,
        percent_of(old_points, old_max, places),
        rank=rank,
        previous_rank=previous_rank if len(old_codes) == 1 else None,
    )


def compare_unit(
    current: GroupRanking,
    previous: GroupRanking,
    unit: str,
    previous_unit: str | None = None,
) -> Comparison:
    """Compare `unit` this year with `previous_unit` (default: the same name) last year.

    The caller resolves unit lineage (a merged commune's predecessor) and passes
    the predecessor's name as `previous_unit`.
    """
    old_unit = previous_unit or unit
    if unit not in current.results:
        raise KeyError(f"{unit} is not in the {current.framework.info.year} ranking")
    if old_unit not in previous.results:
        raise KeyError(f"{old_unit} is not in the {previous.framework.info.year} ranking")
    result, old_result = current.results[unit], previous.results[old_unit]
    framework, old_framework = current.framework, previous.framework

    def area_ranks(code: str) -> tuple[int | None, int | None]:
        old_codes = previous_codes_for(code, framework, old_framework)
        old_rank = None
        if len(old_codes) == 1 and old_codes[0] in previous.area_ranks:
            old_rank = previous.area_ranks[old_codes[0]][old_unit]
        return current.area_ranks[code][unit], old_rank

    area_codes = {area.code for area in framework.areas}
    areas = tuple(
        _node_change(area.code, result, old_result, area_ranks(area.code))
        for area in framework.areas
    )
    by_code = {change.code: change for change in areas}

    def node_changes() -> tuple[NodeChange, ...]:
        return tuple(
            by_code[node.code]
            if node.code in area_codes
            else _node_change(node.code, result, old_result, (None, None))
            for node in framework.walk()
        )

    return Comparison(
        unit=unit,
        year=framework.info.year,
        previous_unit=old_unit,
        previous_year=old_framework.info.year,
        total=result.total,
        previous_total=old_result.total,
        index=result.index,
        previous_index=old_result.index,
        rank=current.ranks[unit],
        previous_rank=previous.ranks[old_unit],
        areas=areas,
        _node_changes=node_changes,
    )
