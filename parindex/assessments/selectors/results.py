"""Scores of one assessment or a whole group, and the self-assessment progress."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from parindex.assessments.models import (
    Assessment,
    EvidenceLink,
    NodeEntry,
    Submission,
)
from parindex.criteria.selectors import framework_engine
from parindex.engine import (
    Framework,
    GroupRanking,
    NodeInput,
    UnitResult,
    rank_group,
    score_group,
    score_unit,
    unit_results,
)
from parindex.periods.models import (
    UnitGroup,
)

SELF = "self"
APPRAISED = "appraised"

_engine_cache: dict[tuple[int, str, str], Framework] = {}


def engine_for_group(group: UnitGroup) -> Framework:
    """The group's framework as an engine object (published frameworks never change: cached).

    The key holds the publication time as well as the id: a database rebuilt under the
    same process (tests, a restored backup) may reuse an id for another framework."""
    framework = group.framework
    key = (framework.pk, framework.status, str(framework.published_at))
    cached = _engine_cache.get(key)
    if cached is None or framework.status != "published":
        cached = framework_engine(framework)
        if framework.status == "published":
            _engine_cache[key] = cached
    return cached


def entries_of(assessment: Assessment) -> QuerySet[NodeEntry]:
    return assessment.entries.annotate(evidence_count=Count("evidence_links"))


def self_counts(assessment: Assessment) -> bool:
    """Whether the unit's own entries count: not when it never sent them (a draft the
    appraiser took in after the deadline scores only what the appraiser enters)."""
    return assessment.submission != Submission.NOT_SUBMITTED


class EntryValues(Protocol):
    """What scoring, progress and the areas' heads read of an entry: a `NodeEntry`, or the
    lighter `EntryFacts`."""

    @property
    def node_code(self) -> str: ...
    @property
    def self_values(self) -> Any: ...
    @property
    def appraised_values(self) -> Any: ...
    @property
    def written_explanation(self) -> str: ...
    @property
    def explanation_accepted(self) -> bool: ...
    @property
    def finalised(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """An entry's values and whether evidence is attached, read without building the model
    (a sheet reads them for every leaf; it builds full entries for the rows it shows)."""

    node_code: str
    self_values: Any
    appraised_values: Any
    written_explanation: str
    explanation_accepted: bool
    finalised: bool
    evidence_count: int


def entry_facts(assessment: Assessment) -> list[EntryFacts]:
    """Every entry of the assessment as `EntryFacts`, in one query.

    Plain SQL: every sheet page and every save reads it, and the ORM spends several times
    longer building the query and its rows than the database running it. Whether evidence is
    attached is one link's id or NULL: a subquery with LIMIT is looked up in the links' index
    per entry, where PostgreSQL turns EXISTS into a scan of every link of the database."""
    entry_table, link_table = NodeEntry._meta.db_table, EvidenceLink._meta.db_table
    sql = (
        "SELECT e.node_code, e.self_values, e.appraised_values, e.written_explanation, "
        "e.explanation_accepted, e.finalised, "
        f"(SELECT l.id FROM {link_table} l WHERE l.entry_id = e.id LIMIT 1) "
        f"FROM {entry_table} e WHERE e.assessment_id = %s ORDER BY e.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [assessment.pk])
        rows = cursor.fetchall()
    return [
        EntryFacts(
            code,
            _json_value(own),
            _json_value(appraised),
            written,
            bool(accepted),
            bool(finalised),
            evidence_count=int(link is not None),
        )
        for code, own, appraised, written, accepted, finalised, link in rows
    ]


def _json_value(value: Any) -> Any:
    """A JSON column read with plain SQL, as `JSONField.from_db_value` reads it (the
    databases give it as text)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def entry_inputs(
    framework: Framework, entries: Iterable[EntryValues], side: str, *, own: bool = True
) -> dict[str, NodeInput]:
    """Engine inputs for one side. Survey, data and system nodes take the system's values on
    both sides (they are not the unit's claim); self nodes take the unit's or the appraiser's.
    With `own=False` (`self_counts`) the unit's values count on neither side."""
    inputs: dict[str, NodeInput] = {}
    for entry in entries:
        node = framework.nodes.get(entry.node_code)
        if node is None or not node.is_leaf:
            continue
        has_evidence = _has_evidence(entry)
        if node.source != "self":
            values = entry.appraised_values
            if values is None:
                continue
            inputs[node.code] = NodeInput(values, has_evidence=True)
            continue
        if side == APPRAISED and entry.appraised_values is not None:
            values = entry.appraised_values
            accepted = entry.explanation_accepted
        elif not own:
            continue
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


def _has_evidence(entry: EntryValues) -> bool:
    # An annotated count of 0 is an answer too: asking the database again for each such
    # entry was one query per entry on a group's page.
    count = getattr(entry, "evidence_count", None)
    if count is not None:
        return bool(count > 0)
    return _has_links(entry) if isinstance(entry, NodeEntry) else False


def _has_links(entry: NodeEntry) -> bool:
    cache = getattr(entry, "_prefetched_objects_cache", {})
    if "evidence_links" in cache:
        return bool(cache["evidence_links"])
    return entry.evidence_links.exists()


def assessment_result(assessment: Assessment, side: str = APPRAISED) -> UnitResult:
    framework = engine_for_group(assessment.group)
    return score_unit(
        framework,
        assessment.unit.code,
        entry_inputs(framework, entries_of(assessment), side, own=self_counts(assessment)),
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
        group.assessments.select_related("unit", "group", "period", "appraiser").prefetch_related(
            Prefetch(
                "entries",
                queryset=NodeEntry.objects.annotate(evidence_count=Count("evidence_links")),
            )
        )
    )
    # The whole group at once (one unit per assessment: units are unique in a period).
    results = unit_results(
        score_group(
            framework,
            {
                assessment.unit.code: entry_inputs(
                    framework, assessment.entries.all(), side, own=self_counts(assessment)
                )
                for assessment in assessments
            },
        )
    )
    self_scores = score_group(
        framework,
        {
            assessment.unit.code: entry_inputs(
                framework, assessment.entries.all(), SELF, own=self_counts(assessment)
            )
            for assessment in assessments
        },
    )
    self_results = {result.unit: result for result in unit_results(self_scores)}
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


def self_progress(framework: Framework, entries: Iterable[EntryValues]) -> Progress:
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
        has_evidence = _has_evidence(entry)
        if not has_evidence and not entry.written_explanation.strip():
            missing.append(node.code)
    return Progress(answered, len(leaves), missing)


def evidence_links_of(assessment: Assessment) -> QuerySet[EvidenceLink]:
    return EvidenceLink.objects.filter(entry__assessment=assessment).select_related(
        "document", "entry"
    )


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
