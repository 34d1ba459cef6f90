"""A group's entries as the planning code reads them: every unit's engine inputs (the
appraised side, as the live ranking scores them), the engine's ranking of them, and the
baseline encoded once for the batch engine (what-if tables re-score it on every change).

Cached per process by the group's entries fingerprint (three aggregate queries), as the
results pages cache their live standing: a page that re-renders a what-if table on each
keystroke does not read 20 000 entries each time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Count, Prefetch

from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import APPRAISED, engine_for_group, entry_inputs
from parindex.engine import (
    Framework,
    GroupInputs,
    GroupRanking,
    NodeInput,
    encode_inputs,
    rank_group,
    score_group,
    unit_results,
)
from parindex.periods.models import PeriodStatus, UnitGroup
from parindex.results.selectors.standings import entries_fingerprint
from parindex.units.models import Unit


@dataclass
class GroupData:
    """The group's units (by code), their entries as engine inputs, and the engine's ranking."""

    group: UnitGroup
    framework: Framework
    units: dict[str, Unit]
    inputs: dict[str, dict[str, NodeInput]]
    ranking: GroupRanking | None
    fingerprint: tuple[Any, ...]

    @property
    def published(self) -> bool:
        return self.group.period.status == PeriodStatus.PUBLISHED

    def ordered(self) -> list[str]:
        return self.ranking.ordered() if self.ranking is not None else []

    @cached_property
    def encoded(self) -> GroupInputs:
        """The baseline in the batch engine's integers (copied, never changed, by what-ifs)."""
        return encode_inputs(self.framework, self.inputs)


_CACHE: OrderedDict[int, GroupData] = OrderedDict()
_CACHE_SIZE = 16
_lock = threading.Lock()


def _load(group: UnitGroup, fingerprint: tuple[Any, ...]) -> GroupData:
    framework = engine_for_group(group)
    assessments = list(
        Assessment.objects.filter(group=group)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=NodeEntry.objects.annotate(evidence_count=Count("evidence_links")),
            )
        )
        .order_by("unit__code")
    )
    inputs = {
        assessment.unit.code: entry_inputs(framework, assessment.entries.all(), APPRAISED)
        for assessment in assessments
    }
    ranking = rank_group(unit_results(score_group(framework, inputs))) if inputs else None
    return GroupData(
        group=group,
        framework=framework,
        units={assessment.unit.code: assessment.unit for assessment in assessments},
        inputs=inputs,
        ranking=ranking,
        fingerprint=fingerprint,
    )


def group_data(group: UnitGroup) -> GroupData:
    """The group's entries and ranking now (cached while its entries do not change)."""
    framework = group.framework
    fingerprint = (*entries_fingerprint(group), framework.status, str(framework.published_at))
    if framework.status != "published":  # a draft framework may still change: never cached
        return _load(group, fingerprint)
    with _lock:
        cached = _CACHE.get(group.pk)
        if cached is not None and cached.fingerprint == fingerprint:
            _CACHE.move_to_end(group.pk)
            return cached
    data = _load(group, fingerprint)
    with _lock:
        _CACHE[group.pk] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


def clear_cache() -> None:
    with _lock:
        _CACHE.clear()
