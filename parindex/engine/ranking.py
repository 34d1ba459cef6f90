"""Ranking units of one group and classing them.

Ranks use standard competition ranking ("1224"): units with equal points share a
rank and the next rank is skipped. Units of a group share one framework, so the
exact total orders them the same way as the index; areas are ranked by their
exact points. Classes are read from the *published* index (rounded half-up), so
that a unit shown as 90,00 is in the class that 90,00 names.

The ranking itself is the batch engine's (`batch.competition_rank`, `batch.class_index`,
over exact integers); the functions here are its `Decimal` edge. `rank_group` over the
results of one `score_group` reads the group's integers directly; over other results
(published figures, units scored one by one) it converts their `Decimal`s exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from .batch import class_index, competition_rank, rank_scores
from .batch.integers import LIMIT
from .model import ClassBand, Framework
from .numbers import decimals, scaled
from .scoring import UnitResult

K = TypeVar("K", bound=Hashable)


def _integers(values: Sequence[Decimal]) -> tuple[np.ndarray[Any, Any], int]:
    """`values` as exact integers at one scale (the most decimals among them)."""
    places = max((decimals(value) for value in values), default=0)
    integers = [scaled(value, places) for value in values]
    fits = all(-LIMIT < integer < LIMIT for integer in integers)
    return np.array(integers, dtype=np.int64 if fits else object), places


def competition_ranks(values: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank keys by value, highest first; ties share a rank and the next one is skipped."""
    integers, _ = _integers(list(values.values()))
    return dict(zip(values, competition_rank(integers).tolist(), strict=True))


def classify(index: Decimal, bands: Sequence[ClassBand]) -> str:
    """The label of the highest band whose minimum `index` reaches; "" below every band."""
    integers, places = _integers([index])
    found, labels = class_index(integers, places, bands)
    position = int(found[0])
    return labels[position] if position >= 0 else ""


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
    units = list(by_unit)
    areas = [area.code for area in framework.areas]
    scores = results[0]._scores
    if scores is not None and all(result._scores is scores for result in results):
        ranked = rank_scores(scores, [result._column for result in results])
        ranks = ranked.rank.tolist()
        classes = ranked.classes()
        area_ranks = ranked.area_ranks.tolist()
    else:
        totals, _ = _integers([result.total for result in results])
        ranks = competition_rank(totals).tolist()
        info = framework.info
        indexes, places = _integers([result.index for result in results])
        found, labels = class_index(indexes, places, info.class_bands)
        classes = [labels[i] if i >= 0 else "" for i in found.tolist()]
        area_ranks = [
            competition_rank(
                _integers([result.nodes[code].points for result in results])[0]
            ).tolist()
            for code in areas
        ]
    return GroupRanking(
        framework,
        by_unit,
        dict(zip(units, ranks, strict=True)),
        dict(zip(units, classes, strict=True)),
        {
            code: dict(zip(units, row, strict=True))
            for code, row in zip(areas, area_ranks, strict=True)
        },
    )
