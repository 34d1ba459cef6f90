"""Year over year for a whole group (`GroupComparison`): every unit against its unit last
year, areas mapped through `previous_codes` as `compare_unit` does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..model import Framework
from ..numbers import scaled
from . import integers
from .integers import Array, Bools

if TYPE_CHECKING:
    from .layout import _Layout
    from .ranks import GroupRanks


class _AreaMap(NamedTuple):
    code: str
    max_points: Decimal
    previous_rows: tuple[int, ...]  # rows of last year's nodes it corresponds to
    previous_max: Decimal | None  # None: not comparable
    previous_area: int  # position among last year's areas when one-to-one, else −1


def _area_maps(current: Framework, previous: Framework, previous_layout: _Layout) -> list[_AreaMap]:
    maps = []
    previous_areas = {area.code: position for position, area in enumerate(previous.areas)}
    for area in current.areas:
        old_codes = area.previous_codes or ((area.code,) if area.code in previous.nodes else ())
        if not old_codes or any(old not in previous.nodes for old in old_codes):
            maps.append(_AreaMap(area.code, area.max_points, (), None, -1))
            continue
        maximum = sum((previous.nodes[old].max_points for old in old_codes), Decimal(0))
        one = previous_areas.get(old_codes[0], -1) if len(old_codes) == 1 else -1
        rows = tuple(previous_layout.row[old] for old in old_codes)
        maps.append(_AreaMap(area.code, area.max_points, rows, maximum, one))
    return maps


def _percent_of(part: Array, whole: int, factor: int) -> Array:
    """`part × 100 / whole` rounded half-up (`factor` = 200 × 10**places); 0 when `whole` is 0."""
    if whole == 0:
        return np.zeros_like(part)
    return (part * factor + whole) // (2 * whole)


def _sign(values: Array) -> NDArray[np.int8]:
    return ((values > 0).astype(np.int8) - (values < 0).astype(np.int8)).astype(np.int8)


@dataclass(frozen=True)
class GroupComparison:
    """Every compared unit this year against its unit last year (arrays follow `units`).

    Points are at `scale` (figure × 10**scale), percentages and the index at
    10**`index_places` of this year's framework. Changes are this year minus last year;
    rank changes are places gained (previous rank − rank).
    """

    units: tuple[str, ...]
    previous_units: tuple[str, ...]
    scale: int
    index_places: int
    total_change: Array
    index_change: Array
    rank_change: NDArray[np.int64]
    area_codes: tuple[str, ...]
    area_comparable: Bools  # areas: a node last year to compare with
    area_points: Array  # areas × units
    area_previous_points: Array  # areas × units (0 where not comparable)
    area_percent: Array
    area_previous_percent: Array
    area_direction: NDArray[np.int8]  # +1 up, −1 down, 0 same (or not comparable)
    area_rank_comparable: Bools  # areas: one-to-one with a ranked area last year
    area_rank_change: NDArray[np.int64]  # areas × units (0 where not comparable)
    areas_up_in_rank: NDArray[np.int64] = field(repr=False)
    areas_down_in_rank: NDArray[np.int64] = field(repr=False)
    areas_same_rank: NDArray[np.int64] = field(repr=False)
    areas_up_in_points: NDArray[np.int64] = field(repr=False)
    areas_down_in_points: NDArray[np.int64] = field(repr=False)
    areas_same_points: NDArray[np.int64] = field(repr=False)


def compare_scores(
    current: GroupRanks,
    previous: GroupRanks,
    predecessors: Mapping[str, str] | None = None,
) -> GroupComparison:
    """Compare every ranked unit of `current` with its unit in `previous`: the same name, or
    `predecessors[unit]` (lineage resolved by the caller). Units without one are left out.
    Same rules as `compare_unit`: areas map through `previous_codes`, several old nodes
    compare with their sum, ranks only for a one-to-one area."""
    now, before = current.scores, previous.scores
    predecessors = predecessors or {}
    units, previous_units = current.units, previous.units
    if not predecessors and units == previous_units:
        mine = theirs = np.arange(len(units), dtype=np.intp)
    else:
        previous_position = {name: i for i, name in enumerate(previous_units)}
        pairs = [
            (i, previous_position[predecessors.get(unit, unit)])
            for i, unit in enumerate(units)
            if predecessors.get(unit, unit) in previous_position
        ]
        mine = np.array([i for i, _ in pairs], dtype=np.intp)
        theirs = np.array([j for _, j in pairs], dtype=np.intp)
    columns, old_columns = current.rows[mine], previous.rows[theirs]
    scale = max(now.scale, before.scale)
    up, down = 10 ** (scale - now.scale), 10 ** (scale - before.scale)
    info = now.framework.info
    places = max(info.index_places, before.framework.info.index_places)
    factor = 200 * 10**info.index_places

    # Both years at the finer scale; Python integers if that could pass int64.
    bound = max(now._params.node_bound * up, before._params.node_bound * down)
    wide = bound * 200 * 10 ** (places + 1) >= integers.LIMIT

    def widen(values: Array) -> Array:
        return values.astype(object) if wide and values.dtype != object else values

    maps = now.layout.area_maps(before.layout)
    points = widen(now.area_points[:, columns]) * up
    old_points = np.zeros_like(points)
    percent = np.zeros_like(points)
    old_percent = np.zeros_like(points)
    direction = np.zeros(points.shape, dtype=np.int8)
    rank_change = np.zeros(points.shape, dtype=np.int64)
    comparable = np.array([area.previous_max is not None for area in maps], dtype=bool)
    ranked = np.array([area.previous_area >= 0 for area in maps], dtype=bool)
    for position, area in enumerate(maps):
        maximum = scaled(area.max_points, scale)
        percent[position] = _percent_of(points[position], maximum, factor)
        if area.previous_max is None:
            continue
        summed = widen(before.points[list(area.previous_rows)][:, old_columns]).sum(axis=0) * down
        old_points[position] = summed
        old_maximum = scaled(area.previous_max, scale)
        old_percent[position] = _percent_of(summed, old_maximum, factor)
        if area.previous_max == area.max_points:
            direction[position] = _sign(points[position] - summed)
        else:
            direction[position] = _sign(percent[position] - old_percent[position])
        if area.previous_area >= 0:
            rank_change[position] = (
                previous.area_ranks[area.previous_area][theirs] - current.area_ranks[position][mine]
            )
    rank_signs = _sign(rank_change)
    rank_rows, point_rows = ranked[:, None], comparable[:, None]
    return GroupComparison(
        units=tuple(units[i] for i in mine.tolist()),
        previous_units=tuple(previous_units[j] for j in theirs.tolist()),
        scale=scale,
        index_places=places,
        total_change=widen(now.total[columns]) * up - widen(before.total[old_columns]) * down,
        index_change=widen(now.index[columns]) * 10 ** (places - info.index_places)
        - widen(before.index[old_columns]) * 10 ** (places - before.framework.info.index_places),
        rank_change=previous.rank[theirs] - current.rank[mine],
        area_codes=tuple(area.code for area in maps),
        area_comparable=comparable,
        area_points=points,
        area_previous_points=old_points,
        area_percent=percent,
        area_previous_percent=old_percent,
        area_direction=direction,
        area_rank_comparable=ranked,
        area_rank_change=rank_change,
        areas_up_in_rank=((rank_signs == 1) & rank_rows).sum(axis=0),
        areas_down_in_rank=((rank_signs == -1) & rank_rows).sum(axis=0),
        areas_same_rank=((rank_signs == 0) & rank_rows).sum(axis=0),
        areas_up_in_points=((direction == 1) & point_rows).sum(axis=0),
        areas_down_in_points=((direction == -1) & point_rows).sum(axis=0),
        areas_same_points=((direction == 0) & point_rows).sum(axis=0),
    )
