"""A group's *standing*: who is ranked where, with what points per area.

- a group of a published period reads the frozen `PublishedResult` rows (the latest
  amendment of each unit), which are what the province announced;
- a group of a period not yet published is scored live from its entries by
  `assessments.selectors.group_results` (appraised side).

Live results are cached per process and recomputed when the group's assessments, entries
or evidence links change (one aggregate query tells), so that a ranking page of 150 units
× 150 nodes does not rescore 22 500 entries on every request.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext

from parindex.assessments.models import Assessment, EvidenceLink, NodeEntry
from parindex.assessments.selectors import APPRAISED, GroupResults, engine_for_group, group_results
from parindex.engine import Framework, GroupRanking, NodeResult, UnitResult
from parindex.engine.numbers import ZERO
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup
from parindex.units.models import Unit


@dataclass(frozen=True)
class Amendment:
    """A published result corrected after publication (a row that `amends` an earlier one)."""

    reason: str
    published_at: datetime.datetime


_LIVE_CACHE: dict[int, tuple[tuple[Any, ...], GroupResults]] = {}
_LIVE_CACHE_LIMIT = 32
_live_lock = threading.Lock()
_group_locks: dict[int, threading.Lock] = {}


def _group_lock(group_pk: int) -> threading.Lock:
    with _live_lock:
        return _group_locks.setdefault(group_pk, threading.Lock())


def entries_fingerprint(group: UnitGroup) -> tuple[Any, ...]:
    """What the group's live results depend on, in three small aggregate queries.

    Every write path bumps `updated_at` (services update it explicitly when they use
    `QuerySet.update`); counts catch deletions; links change the evidence rule.
    """
    assessments = Assessment.objects.filter(group=group).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    entries = NodeEntry.objects.filter(assessment__group=group).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    links = EvidenceLink.objects.filter(entry__assessment__group=group).aggregate(
        count=Count("id"), changed=Max("linked_at")
    )
    return (
        group.framework_id,
        assessments["count"],
        assessments["changed"],
        entries["count"],
        entries["changed"],
        links["count"],
        links["changed"],
    )


def live_results(group: UnitGroup) -> GroupResults | None:
    """The group scored from its entries (appraised and self sides), or None without entries.

    Cached per process by `entries_fingerprint`. The cached copy drops the prefetched
    entries (tens of thousands of rows for a big group); a scorecard reads its own unit's.
    """
    fingerprint = entries_fingerprint(group)
    if not fingerprint[3]:  # no entries: nothing was scored yet
        return None
    cached = _LIVE_CACHE.get(group.pk)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    # One computation per group at a time: the requests that arrive meanwhile wait for it
    # (scoring a big group takes seconds) instead of each scoring the group again.
    with _group_lock(group.pk):
        cached = _LIVE_CACHE.get(group.pk)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        results = group_results(group, APPRAISED)
        for assessment in results.assessments.values():
            getattr(assessment, "_prefetched_objects_cache", {}).pop("entries", None)
        with _live_lock:
            if len(_LIVE_CACHE) >= _LIVE_CACHE_LIMIT:
                _LIVE_CACHE.clear()
            _LIVE_CACHE[group.pk] = (fingerprint, results)
    return results


@dataclass
class Standing:
    """One group's results as the ranking, the scorecards and the exports show them.

    `ranking` is the engine's `GroupRanking`. For a published group it is rebuilt from the
    frozen rows: ranks and classes as published, and each unit's result holds only its
    areas (no criteria); for a live group it is the engine's ranking of every node.
    """

    group: UnitGroup
    framework: Framework
    published: bool
    ranking: GroupRanking | None
    units: Mapping[str, Unit]  # by unit code
    amendments: Mapping[str, Amendment] = field(default_factory=dict)
    # How each unit sent its self-assessment (`Submission`: on_time, late, not_submitted), by
    # unit code; reports mark the late and the missing ones.
    submissions: Mapping[str, str] = field(default_factory=dict)
    _live: GroupResults | None = None

    @property
    def period(self) -> AssessmentPeriod:
        return self.group.period

    def ordered(self) -> list[str]:
        """Unit codes, best first."""
        return self.ranking.ordered() if self.ranking is not None else []

    @cached_property
    def detail(self) -> GroupResults | None:
        """Every node's results (appraised and self) from the entries, when there are any.

        A published group keeps its entries, so its scorecards can still show criteria,
        headroom and self vs appraised beside the frozen figures.
        """
        if not self.published:
            return self._live
        return live_results(self.group)

    @cached_property
    def full_ranking(self) -> GroupRanking | None:
        """A ranking with every node: the live one, or for a published group the entries'
        ranking when it agrees with every published total and rank (an amendment that was
        not carried into the entries would make a comparison say what was not published)."""
        if not self.published:
            return self.ranking
        detail = self.detail
        if detail is None or detail.ranking is None or self.ranking is None:
            return None
        live, frozen = detail.ranking, self.ranking
        if set(live.results) != set(frozen.results):
            return None
        for code, result in frozen.results.items():
            if live.results[code].total != result.total or live.ranks[code] != frozen.ranks[code]:
                return None
        return live


def _frozen_ranking(framework: Framework, rows: Sequence[PublishedResult]) -> GroupRanking:
    """The engine's `GroupRanking` from published rows: published ranks and classes, and
    each unit's areas from the rows' `areas` (criteria are not part of what was published)."""
    area_codes = {area.code for area in framework.areas}
    results: dict[str, UnitResult] = {}
    ranks: dict[str, int] = {}
    classes: dict[str, str] = {}
    area_ranks: dict[str, dict[str, int]] = {code: {} for code in area_codes}
    for row in rows:
        code = row.unit.code
        nodes: dict[str, NodeResult] = {}
        for item in row.areas or []:
            area_code = str(item.get("code", ""))
            if area_code not in area_codes:
                continue
            points = Decimal(str(item["points"]))
            maximum = Decimal(str(item.get("max_points") or framework.nodes[area_code].max_points))
            nodes[area_code] = NodeResult(
                area_code, maximum, points, ZERO, ZERO, points, gettext("Điểm đã công bố"), True
            )
            if item.get("rank") is not None:
                area_ranks[area_code][code] = int(item["rank"])
        results[code] = UnitResult(
            unit=code,
            framework=framework,
            nodes=nodes,
            base=row.total,
            bonus=ZERO,
            penalty=ZERO,
            total=row.total,
            index=row.index,
        )
        ranks[code] = row.rank
        classes[code] = row.class_label
    return GroupRanking(framework, results, ranks, classes, area_ranks)


def _published_standing(group: UnitGroup, rows: Sequence[PublishedResult]) -> Standing:
    framework = engine_for_group(group)
    amendments = {
        row.unit.code: Amendment(row.amendment_reason, row.published_at)
        for row in rows
        if row.amends_id is not None
    }
    return Standing(
        group=group,
        framework=framework,
        published=True,
        ranking=_frozen_ranking(framework, rows) if rows else None,
        units={row.unit.code: row.unit for row in rows},
        amendments=amendments,
        submissions=group_submissions(group),
    )


def group_submissions(group: UnitGroup) -> dict[str, str]:
    """How each unit of the group sent its self-assessment, by unit code (one query)."""
    return dict(
        Assessment.objects.filter(group=group)
        .exclude(submission="")
        .values_list("unit__code", "submission")
    )


def latest_published_rows(group: UnitGroup) -> list[PublishedResult]:
    """The group's published rows as they stand: a corrected row replaces the one it amends."""
    return list(
        PublishedResult.objects.filter(group=group, amendments__isnull=True)
        .select_related("unit")
        .order_by("rank", "unit__name")
    )


def group_standing(group: UnitGroup) -> Standing:
    """The group's standing: frozen rows once its period is published, live before."""
    if group.period.status == PeriodStatus.PUBLISHED:
        return _published_standing(group, latest_published_rows(group))
    framework = engine_for_group(group)
    live = live_results(group)
    if live is None:
        # Assessments without entries still rank (all at zero): say who is taking part.
        live = group_results(group, APPRAISED) if group.assessments.exists() else None
    units = (
        {unit.code: unit for unit in Unit.objects.filter(assessments__group=group)}
        if live is not None
        else {}
    )
    return Standing(
        group=group,
        framework=live.framework if live is not None else framework,
        published=False,
        ranking=live.ranking if live is not None else None,
        units=units,
        submissions=group_submissions(group) if live is not None else {},
        _live=live,
    )


def period_groups(period: AssessmentPeriod) -> list[UnitGroup]:
    return list(period.groups.select_related("period", "framework").order_by("position", "name"))
