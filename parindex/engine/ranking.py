"""Ranking units of one group and classing them.

Ranks use standard competition ranking ("1224"): units with equal points share a
rank and the next rank is skipped. Units of a group share one framework, so the
exact total orders them the same way as the index; areas are ranked by their
exact points. Classes are read from the *published* index (rounded half-up), so
that a unit shown as 90,00 is in the class that 90,00 names.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from .model import ClassBand, Framework
from .scoring import UnitResult

K = TypeVar("K", bound=Hashable)


def competition_ranks(values: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank keys by value, highest first; ties share a rank and the next one is skipped."""
    ordered = sorted(values.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in values.items()}


def classify(index: Decimal, bands: Sequence[ClassBand]) -> str:
    """The label of the highest band whose minimum `index` reaches; "" below every band."""
    for band in sorted(bands, key=lambda band: band.min_percent, reverse=True):
        if index >= band.min_percent:
            return band.label
    return ""


@dataclass(frozen=True)
class GroupRanking:
    """Ranks and classes of the units of one group under one framework."""

    framework: Framework
    results: Mapping[str, UnitResult]
    ranks: Mapping[str, int]
    classes: Mapping[str, str]
    area_ranks: Mapping[str, Mapping[str, int]]  # area code → unit → rank

    @property
    def size(self) -> int:
        return len(self.results)

    def ordered(self) -> list[str]:
        """Units best first; equal ranks in name order."""
        return sorted(self.results, key=lambda unit: (self.ranks[unit], unit))

    def area_rank(self, unit: str, area_code: str) -> int:
        return self.area_ranks[area_code][unit]


def rank_group(results: Sequence[UnitResult]) -> GroupRanking:
    """Rank scored units that share one framework."""
    if not results:
        raise ValueError("no units to rank")
    framework = results[0].framework
    by_unit: dict[str, UnitResult] = {}
    for result in results:
        if result.framework is not framework:
            raise ValueError(
                f"unit {result.unit} was scored with framework {result.framework.info.code}, "
                f"not {framework.info.code}: a group is ranked under one framework"
            )
        if result.unit in by_unit:
            raise ValueError(f"unit {result.unit} appears twice in the group")
        by_unit[result.unit] = result
    ranks = competition_ranks({unit: result.total for unit, result in by_unit.items()})
    bands = framework.info.class_bands
    classes = {unit: classify(result.index, bands) for unit, result in by_unit.items()}
    area_ranks = {
        area.code: competition_ranks(
            {unit: result.nodes[area.code].points for unit, result in by_unit.items()}
        )
        for area in framework.areas
    }
    return GroupRanking(framework, by_unit, ranks, classes, area_ranks)
