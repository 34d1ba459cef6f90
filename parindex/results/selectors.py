"""Reads for the results pages and reports.

A group's *standing* says who is ranked where, with what points per area:

- a group of a published period reads the frozen `PublishedResult` rows (the latest
  amendment of each unit), which are what the province announced;
- a group of a period not yet published is scored live from its entries by
  `assessments.selectors.group_results` (appraised side).

Live results are cached per process and recomputed when the group's assessments, entries
or evidence links change (one aggregate query tells), so that a ranking page of 150 units
× 150 nodes does not rescore 22 500 entries on every request.

On top of standings: the previous year of each unit through unit lineage, and a unit's
scorecard (areas, the group average, year-over-year changes, self vs appraised, headroom).
Reports and charts consume these objects, never querysets.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import translation

from parindex.assessments.models import AdjustmentReason, Assessment, EvidenceLink, NodeEntry
from parindex.assessments.selectors import APPRAISED, GroupResults, engine_for_group, group_results
from parindex.engine import (
    ClassBand,
    Comparison,
    Framework,
    GroupRanking,
    HeadroomItem,
    NodeChange,
    NodeResult,
    UnitResult,
    area_headroom,
    compare_unit,
    format_number,
    node_headroom,
    points_to_next_class,
    points_to_next_rank,
    previous_codes_for,
)
from parindex.engine.numbers import ZERO, percent_of, round_half_up
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup
from parindex.units.models import Unit, UnitLineage

# How many headroom items and criterion-level changes a scorecard lists.
HEADROOM_ITEMS = 12
NODE_CHANGES = 10


# --- standings ----------------------------------------------------------------------------


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


def _entries_fingerprint(group: UnitGroup) -> tuple[Any, ...]:
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

    Cached per process by `_entries_fingerprint`. The cached copy drops the prefetched
    entries (tens of thousands of rows for a big group); a scorecard reads its own unit's.
    """
    fingerprint = _entries_fingerprint(group)
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


def clear_live_cache() -> None:
    """Forget every cached live result and page version (tests use it between databases)."""
    with _live_lock:
        _LIVE_CACHE.clear()
        _versions.clear()


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
                area_code, maximum, points, ZERO, ZERO, points, "Điểm đã công bố", True
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
        _live=live,
    )


def period_groups(period: AssessmentPeriod) -> list[UnitGroup]:
    return list(period.groups.select_related("period", "framework").order_by("position", "name"))


def standing_version(group: UnitGroup, *, entries: bool = False) -> tuple[Any, ...]:
    """What a group's standing depends on: its published rows (frozen; a correction adds a
    row) or, before publication, its entries. With `entries`, a published group's entries too
    (its scorecards show criteria, self vs appraised and headroom from them)."""
    if group.period.status == PeriodStatus.PUBLISHED:
        rows = PublishedResult.objects.filter(group=group).aggregate(
            count=Count("id"), last=Max("id")
        )
        version: tuple[Any, ...] = ("published", group.pk, rows["count"], rows["last"])
        return version + _entries_fingerprint(group) if entries else version
    return ("live", group.pk, *_entries_fingerprint(group))


# A page version is recomputed at most this often per process: its aggregate queries over a
# group's entries cost more than the rest of a cached page, and a ranking two seconds behind
# an appraiser's last change is still current.
VERSION_TTL_SECONDS = 2.0
_versions: dict[tuple[Any, ...], tuple[float, str | None]] = {}  # key → (computed at, version)


def page_version(group: UnitGroup, show_previous: bool, *, entries: bool = False) -> str | None:
    """A digest that changes whenever anything a results page of `group` shows changes: the
    group's results, last year's results and whether the reader may see them
    (`show_previous`, the policy's decision), lineage links, unit names, the language. None
    when the page must not be cached (a draft framework can still change). At most
    `VERSION_TTL_SECONDS` old."""
    previous = AssessmentPeriod.objects.filter(year=group.period.year - 1).first()
    visible = previous is not None and show_previous
    key = (group.pk, group.period.status, entries, visible, translation.get_language())
    now = time.monotonic()
    memo = _versions.get(key)
    if memo is not None and now - memo[0] < VERSION_TTL_SECONDS:
        return memo[1]
    version = _page_version(group, previous, visible, entries=entries)
    if len(_versions) > 1024:
        _versions.clear()
    _versions[key] = (now, version)
    return version


def _page_version(
    group: UnitGroup, previous: AssessmentPeriod | None, visible: bool, *, entries: bool
) -> str | None:
    if group.framework.status != "published":
        return None
    parts: list[Any] = [
        translation.get_language(),
        group.period.status,
        standing_version(group, entries=entries),
        list(group.units.values_list("pk", "name")),
    ]
    if previous is not None:
        parts += [previous.pk, previous.status, visible]
        if visible:
            parts += [standing_version(other, entries=entries) for other in period_groups(previous)]
            parts.append(
                list(
                    UnitLineage.objects.filter(successor__unit_groups=group)
                    .order_by("pk")
                    .values_list("pk", "predecessor_id", "is_primary", "predecessor__name")
                )
            )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


# --- the previous year through lineage ------------------------------------------------------


@dataclass(frozen=True)
class YearFigure:
    """A unit's result in one group's standing."""

    standing: Standing
    unit: Unit

    @property
    def result(self) -> UnitResult:
        assert self.standing.ranking is not None
        return self.standing.ranking.results[self.unit.code]

    @property
    def index(self) -> Decimal:
        return self.result.index

    @property
    def rank(self) -> int:
        assert self.standing.ranking is not None
        return self.standing.ranking.ranks[self.unit.code]

    @property
    def ranked_units(self) -> int:
        assert self.standing.ranking is not None
        return self.standing.ranking.size

    @property
    def class_label(self) -> str:
        assert self.standing.ranking is not None
        return self.standing.ranking.classes[self.unit.code]


SAME = "same"  # the unit itself existed last year
PRIMARY = "primary"  # its primary predecessor (lineage `is_primary`)
SOLE = "sole"  # its only predecessor with a result (e.g. a renamed unit)
SEVERAL = "several"  # several predecessors, none primary: shown, not compared
NONE = "none"  # no result last year
HIDDEN = "hidden"  # last year's results are not published and the user may not see drafts


@dataclass(frozen=True)
class PreviousYear:
    """What a unit of year N is compared with in year N−1, and why."""

    year: int
    basis: str
    figure: YearFigure | None  # the one result compared with; None unless same/primary/sole
    predecessors: tuple[tuple[UnitLineage, YearFigure | None], ...] = ()

    @property
    def note(self) -> str:
        """One Vietnamese sentence saying what the comparison is based on ("" for the unit
        itself)."""
        if self.basis == SAME:
            return ""
        if self.basis == PRIMARY and self.figure is not None:
            others = len(self.predecessors) - 1
            extra = f"; hình thành từ {others + 1} đơn vị" if others > 0 else ""
            return f"So với {self.figure.unit.name} (đơn vị kế thừa chính{extra})."
        if self.basis == SOLE and self.figure is not None:
            return f"So với {self.figure.unit.name} (đơn vị tiền thân)."
        if self.basis == SEVERAL:
            names = ", ".join(link.predecessor.name for link, _figure in self.predecessors)
            return (
                f"Hình thành từ {len(self.predecessors)} đơn vị ({names}), không có đơn vị kế "
                f"thừa chính: không so sánh trực tiếp với năm {self.year}."
            )
        if self.basis == HIDDEN:
            return f"Kết quả năm {self.year} chưa công bố."
        return f"Không có kết quả năm {self.year}."

    def index_change(self, index: Decimal) -> Decimal | None:
        """This year's `index` minus last year's; None without a comparison."""
        return None if self.figure is None else index - self.figure.index

    def rank_change(self, rank: int, ranked_units: int) -> int | None:
        """Places gained (positive = moved up) from last year's rank to `rank`.

        None without a comparison, and when the two rankings have different sizes (a merged
        commune ranked 130th of 150 former communes and 1st of 60 new ones did not gain
        129 places): then both ranks are shown with their group sizes instead.
        """
        if self.figure is None or self.figure.ranked_units != ranked_units:
            return None
        return self.figure.rank - rank


def year_figures(period: AssessmentPeriod) -> dict[int, YearFigure]:
    """Every ranked unit's figure in the period, by unit id."""
    figures: dict[int, YearFigure] = {}
    for group in period_groups(period):
        standing = group_standing(group)
        for code in standing.ordered():
            unit = standing.units[code]
            figures[unit.pk] = YearFigure(standing, unit)
    return figures


def previous_year(
    period: AssessmentPeriod, units: Sequence[Unit], show_previous: bool
) -> dict[int, PreviousYear]:
    """For each unit (by id), its result in the year before `period`, through lineage.

    The unit itself if it was ranked last year; else its primary predecessor; else its only
    predecessor with a result; several predecessors without a primary one are listed and
    not compared. Returns {} when there is no period for the year before; every unit
    `HIDDEN` when the reader may not see it (`show_previous`, the policy's decision).
    """
    year = period.year - 1
    previous_period = AssessmentPeriod.objects.filter(year=year).first()
    if previous_period is None:
        return {}
    if not show_previous:
        return {unit.pk: PreviousYear(year, HIDDEN, None) for unit in units}
    figures = year_figures(previous_period)
    links: dict[int, list[UnitLineage]] = {}
    missing = [unit.pk for unit in units if unit.pk not in figures]
    if missing:
        for link in UnitLineage.objects.filter(successor_id__in=missing).select_related(
            "predecessor"
        ):
            links.setdefault(link.successor_id, []).append(link)
    found: dict[int, PreviousYear] = {}
    for unit in units:
        if unit.pk in figures:
            found[unit.pk] = PreviousYear(year, SAME, figures[unit.pk])
            continue
        predecessors = tuple(
            (link, figures.get(link.predecessor_id)) for link in links.get(unit.pk, [])
        )
        with_result = [(link, figure) for link, figure in predecessors if figure is not None]
        primary = [(link, figure) for link, figure in with_result if link.is_primary]
        if primary:
            found[unit.pk] = PreviousYear(year, PRIMARY, primary[0][1], predecessors)
        elif len(with_result) == 1:
            found[unit.pk] = PreviousYear(year, SOLE, with_result[0][1], predecessors)
        elif with_result:
            found[unit.pk] = PreviousYear(year, SEVERAL, None, predecessors)
        else:
            found[unit.pk] = PreviousYear(year, NONE, None, predecessors)
    return found


# --- the ranking page -----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaCell:
    points: Decimal | None
    rank: int | None


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


def ranking_page(group: UnitGroup, show_previous: bool) -> RankingPage:
    standing = group_standing(group)
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


# --- the unit scorecard ---------------------------------------------------------------------


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
            reason = "không có lĩnh vực tương ứng năm trước"
        elif any(old is None for old in old_nodes):
            reason = "kết quả công bố năm trước không có điểm lĩnh vực này"
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


# --- the landing page -----------------------------------------------------------------------


def result_periods() -> QuerySet[AssessmentPeriod]:
    """Every period, newest first, with its groups (`policy.visible_result_periods` keeps
    those a user may see)."""
    return AssessmentPeriod.objects.prefetch_related("groups").order_by("-year")


def class_band_texts(bands: Sequence[ClassBand]) -> list[str]:
    """ "Tốt: từ 90 %", "Khá: từ 80 % đến dưới 90 %", …, "Yếu: dưới 65 %"."""
    ordered = sorted(bands, key=lambda band: band.min_percent, reverse=True)
    texts = []
    upper: Decimal | None = None
    for band in ordered:
        if band.min_percent > 0 and upper is None:
            texts.append(f"{band.label}: từ {format_number(band.min_percent)} %")
        elif band.min_percent > 0:
            texts.append(
                f"{band.label}: từ {format_number(band.min_percent)} % "
                f"đến dưới {format_number(upper or ZERO)} %"
            )
        elif upper is not None:
            texts.append(f"{band.label}: dưới {format_number(upper)} %")
        else:
            texts.append(band.label)
        upper = band.min_percent
    return texts
