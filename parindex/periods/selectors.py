"""Reads about periods, groups and published results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from parindex.periods.models import AssessmentPeriod, PublishedResult, UnitGroup
from parindex.units.models import Unit, UnitLineage
from parindex.units.selectors import unit_ancestry


@dataclass(frozen=True)
class HistoryRow:
    """A published result shown on a unit's page; `via` is set for a predecessor's result."""

    result: PublishedResult
    via: UnitLineage | None


def unit_result_history(unit: Unit) -> list[HistoryRow]:
    """Published results of the unit and of every unit it succeeded, newest first.

    A commune formed by merger in 2025 shows its predecessors' 2024 results, each
    marked with the lineage link that carries it over.
    """
    ancestry = unit_ancestry(unit)
    via = {predecessor.pk: link for predecessor, link in ancestry}
    unit_ids = [unit.pk, *via]
    results = (
        PublishedResult.objects.filter(unit_id__in=unit_ids, amendments__isnull=True)
        .select_related("period", "group", "unit")
        .order_by("-period__year", "-index", "unit__name")
    )
    return [HistoryRow(result, via.get(result.unit_id)) for result in results]


def period_list() -> QuerySet[AssessmentPeriod]:
    return AssessmentPeriod.objects.prefetch_related("groups__framework")


def period_groups(period: AssessmentPeriod) -> QuerySet[UnitGroup]:
    return period.groups.select_related("framework").prefetch_related("units")
