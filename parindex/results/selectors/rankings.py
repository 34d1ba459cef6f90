"""The ranking page of a group: rows with areas, amendments and last year's figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from parindex.engine import Framework, UnitResult
from parindex.engine.numbers import ZERO, round_half_up
from parindex.periods.models import UnitGroup
from parindex.results.selectors.standings import Amendment, Standing, group_standing
from parindex.results.selectors.year_over_year import PreviousYear, previous_year
from parindex.units.models import Unit


@dataclass(frozen=True)
class AreaCell:
    points: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class RankInterval:
    """A rank's 90 % Monte Carlo interval (`parindex.plans` computes it, per results version),
    and whether the rank is distinguishable from its neighbours'."""

    low: int
    high: int
    distinguishable: bool


@dataclass(frozen=True)
class RankingRow:
    code: str
    unit: Unit
    result: UnitResult
    rank: int
    class_label: str
    areas: tuple[AreaCell, ...]
    amendment: Amendment | None
    previous: PreviousYear | None
    ranked_units: int
    interval: RankInterval | None = None

    @property
    def index_change(self) -> Decimal | None:
        return None if self.previous is None else self.previous.index_change(self.result.index)

    @property
    def rank_change(self) -> int | None:
        if self.previous is None:
            return None
        return self.previous.rank_change(self.rank, self.ranked_units)


@dataclass(frozen=True)
class ClassCount:
    label: str
    count: int


@dataclass
class RankingPage:
    standing: Standing
    rows: list[RankingRow]
    previous_year: int | None
    not_ranked: list[Unit]  # members of the group without an assessment (live groups)

    @property
    def framework(self) -> Framework:
        return self.standing.framework

    @property
    def class_counts(self) -> list[ClassCount]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.class_label] = counts.get(row.class_label, 0) + 1
        bands = self.framework.info.class_bands
        shown = [ClassCount(band.label, counts.get(band.label, 0)) for band in bands]
        if counts.get(""):
            shown.append(ClassCount("", counts[""]))
        return shown

    @property
    def average_index(self) -> Decimal | None:
        """The mean of the units' indices, rounded as indices are."""
        if not self.rows:
            return None
        total = sum((row.result.index for row in self.rows), ZERO)
        return round_half_up(total / len(self.rows), self.framework.info.index_places)


def ranking_page(
    group: UnitGroup,
    show_previous: bool,
    intervals: Mapping[str, RankInterval] | None = None,
) -> RankingPage:
    """The group's ranking; `intervals` (by unit code) adds each rank's interval."""
    standing = group_standing(group)
    intervals = intervals or {}
    ranking = standing.ranking
    codes = standing.ordered()
    units = [standing.units[code] for code in codes]
    previous = previous_year(group.period, units, show_previous)
    areas = standing.framework.areas
    rows = []
    if ranking is not None:
        for code, unit in zip(codes, units, strict=True):
            result = ranking.results[code]
            rows.append(
                RankingRow(
                    code=code,
                    unit=unit,
                    result=result,
                    rank=ranking.ranks[code],
                    class_label=ranking.classes[code],
                    areas=tuple(
                        AreaCell(
                            result.nodes[area.code].points if area.code in result.nodes else None,
                            ranking.area_ranks.get(area.code, {}).get(code),
                        )
                        for area in areas
                    ),
                    amendment=standing.amendments.get(code),
                    previous=previous.get(unit.pk),
                    ranked_units=ranking.size,
                    interval=intervals.get(code),
                )
            )
    not_ranked: list[Unit] = []
    if not standing.published:
        ranked = set(standing.units)
        not_ranked = [unit for unit in group.units.order_by("name") if unit.code not in ranked]
    return RankingPage(
        standing=standing,
        rows=rows,
        previous_year=group.period.year - 1 if previous else None,
        not_ranked=not_ranked,
    )
