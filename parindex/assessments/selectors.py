"""Reads about assessments: engine inputs from stored entries, scores, rankings, progress.

Scores are never stored as the source of truth: they are recomputed by the engine
from the entries, so that every point traces to a rule, an entry and a person.
(`self_points`/`appraised_points` on entries are a cache for lists and audits.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from parindex.assessments.models import Assessment, EvidenceLink, NodeEntry
from parindex.criteria.selectors import framework_engine
from parindex.engine import Framework, GroupRanking, NodeInput, UnitResult, rank_group, score_unit
from parindex.periods.models import UnitGroup

SELF = "self"
APPRAISED = "appraised"

_engine_cache: dict[tuple[int, str], Framework] = {}


def engine_for_group(group: UnitGroup) -> Framework:
    """The group's framework as an engine object (published frameworks never change: cached)."""
    framework = group.framework
    key = (framework.pk, framework.status)
    cached = _engine_cache.get(key)
    if cached is None or framework.status != "published":
        cached = framework_engine(framework)
        if framework.status == "published":
            _engine_cache[key] = cached
    return cached


def entries_of(assessment: Assessment) -> QuerySet[NodeEntry]:
    return assessment.entries.annotate(evidence_count=Count("evidence_links"))


def entry_inputs(
    framework: Framework, entries: Iterable[NodeEntry], side: str
) -> dict[str, NodeInput]:
    """Engine inputs for one side. Survey and data nodes take the system's values on both
    sides (they are not the unit's claim); self nodes take the unit's or the appraiser's."""
    inputs: dict[str, NodeInput] = {}
    for entry in entries:
        node = framework.nodes.get(entry.node_code)
        if node is None or not node.is_leaf:
            continue
        has_evidence = bool(getattr(entry, "evidence_count", None) or _has_links(entry))
        if node.source != "self":
            values = entry.appraised_values
            if values is None:
                continue
            inputs[node.code] = NodeInput(values, has_evidence=True)
            continue
        if side == APPRAISED and entry.appraised_values is not None:
            values = entry.appraised_values
            accepted = entry.explanation_accepted
        else:
            values = entry.self_values
            accepted = (
                bool(entry.written_explanation.strip())
                if side == SELF
                else entry.explanation_accepted
            )
        if values is None:
            continue
        inputs[node.code] = NodeInput(
            values, has_evidence=has_evidence, explanation_accepted=accepted
        )
    return inputs


def _has_links(entry: NodeEntry) -> bool:
    cache = getattr(entry, "_prefetched_objects_cache", {})
    if "evidence_links" in cache:
        return bool(cache["evidence_links"])
    return entry.evidence_links.exists()


def assessment_result(assessment: Assessment, side: str = APPRAISED) -> UnitResult:
    framework = engine_for_group(assessment.group)
    return score_unit(
        framework, assessment.unit.code, entry_inputs(framework, entries_of(assessment), side)
    )


@dataclass(frozen=True)
class GroupResults:
    group: UnitGroup
    framework: Framework
    assessments: dict[str, Assessment]  # by unit code
    ranking: GroupRanking | None
    self_results: dict[str, UnitResult]


def group_results(group: UnitGroup, side: str = APPRAISED) -> GroupResults:
    """Every assessment of the group scored and ranked, in a fixed number of queries."""
    framework = engine_for_group(group)
    assessments = list(
        group.assessments.select_related("unit", "group", "period").prefetch_related(
            Prefetch(
                "entries",
                queryset=NodeEntry.objects.annotate(evidence_count=Count("evidence_links")),
            )
        )
    )
    results = [
        score_unit(
            framework, assessment.unit.code, entry_inputs(framework, assessment.entries.all(), side)
        )
        for assessment in assessments
    ]
    self_results = {
        assessment.unit.code: score_unit(
            framework, assessment.unit.code, entry_inputs(framework, assessment.entries.all(), SELF)
        )
        for assessment in assessments
    }
    return GroupResults(
        group=group,
        framework=framework,
        assessments={assessment.unit.code: assessment for assessment in assessments},
        ranking=rank_group(results) if results else None,
        self_results=self_results,
    )


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    missing_evidence: list[str]  # node codes that need evidence or a written explanation

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


def self_progress(framework: Framework, entries: Iterable[NodeEntry]) -> Progress:
    by_code = {entry.node_code: entry for entry in entries}
    leaves = [node for node in framework.leaves() if node.source == "self"]
    answered = sum(
        1
        for node in leaves
        if by_code.get(node.code) and by_code[node.code].self_values is not None
    )
    missing = []
    for node in leaves:
        if not node.evidence_required:
            continue
        entry = by_code.get(node.code)
        if entry is None or entry.self_values is None:
            continue
        has_evidence = bool(getattr(entry, "evidence_count", None) or _has_links(entry))
        if not has_evidence and not entry.written_explanation.strip():
            missing.append(node.code)
    return Progress(answered, len(leaves), missing)


def evidence_links_of(assessment: Assessment) -> QuerySet[EvidenceLink]:
    return EvidenceLink.objects.filter(entry__assessment=assessment).select_related(
        "document", "entry"
    )


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
