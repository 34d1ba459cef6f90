"""Reads about assessments: engine inputs from stored entries, scores, rankings, progress.

Scores are never stored as the source of truth: they are recomputed by the engine
from the entries, so that every point traces to a rule, an entry and a person.
(`self_points`/`appraised_points` on entries are a cache for lists and audits.)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.assessments import workflow
from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    EvidenceLink,
    ExplanationItem,
    ExplanationRequest,
    NodeEntry,
    Notification,
    Submission,
)
from parindex.audit import labels as audit_labels
from parindex.audit.models import AuditEvent
from parindex.criteria.labels import engine_text
from parindex.criteria.selectors import framework_engine
from parindex.engine import (
    Framework,
    GroupRanking,
    Node,
    NodeInput,
    NodeResult,
    RuleInputError,
    UnitResult,
    format_number,
    rank_group,
    score_group,
    score_unit,
    to_decimal,
    unit_results,
)
from parindex.periods.models import (
    AssessmentPeriod,
    DeadlineExtension,
    UnitGroup,
    self_assessment_deadline,
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


def entry_inputs(
    framework: Framework, entries: Iterable[NodeEntry], side: str, *, own: bool = True
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


def _has_evidence(entry: NodeEntry) -> bool:
    # An annotated count of 0 is an answer too: asking the database again for each such
    # entry was one query per entry on a group's page.
    count = getattr(entry, "evidence_count", None)
    return count > 0 if count is not None else _has_links(entry)


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


# --- pages: the framework tree with both sides of every leaf -------------------------------


def dom_id(code: str) -> str:
    """The HTML id of a node's row. Codes hold dots ("1.2"), which CSS selectors would read
    as classes; they become "node-1_2"."""
    return "node-" + "".join(char if char.isalnum() else "_" for char in code)


@dataclass
class NodeRow:
    """One node of the tree as the pages show it: both sides' results, and for a leaf its
    entry, evidence and the explanation questions asked about it."""

    node: Node
    self_result: NodeResult
    appraised_result: NodeResult
    entry: NodeEntry | None = None
    links: list[EvidenceLink] = field(default_factory=list)
    questions: list[ExplanationItem] = field(default_factory=list)
    form: Any = None  # the page's form for this leaf, set by the view

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def dom_id(self) -> str:
        return dom_id(self.node.code)

    @property
    def version(self) -> int:
        return self.entry.version if self.entry is not None else 1

    @property
    def answered(self) -> bool:
        return self.entry is not None and self.entry.self_values is not None

    @property
    def missing_evidence(self) -> bool:
        """A required-evidence leaf, answered, with neither evidence nor a written explanation."""
        return (
            self.node.evidence_required
            and self.node.source == "self"
            and self.answered
            and not self.links
            and not (self.entry is not None and self.entry.written_explanation.strip())
        )

    @property
    def adjusted(self) -> bool:
        return self.is_leaf and self.self_result.points != self.appraised_result.points

    @property
    def linked_document_ids(self) -> set[int]:
        return {link.document_id for link in self.links}

    @property
    def self_values_text(self) -> str:
        return values_text(self.node, self.entry.self_values if self.entry else None)

    @property
    def appraised_values_text(self) -> str:
        return values_text(self.node, self.entry.appraised_values if self.entry else None)


@dataclass(frozen=True)
class Sheet:
    """An assessment scored on both sides, with the rows of its tree."""

    framework: Framework
    rows: list[NodeRow]
    self_result: UnitResult
    appraised_result: UnitResult


def assessment_sheet(assessment: Assessment, codes: Iterable[str] | None = None) -> Sheet:
    """Every node of the assessment's framework in document order (rows only for `codes`
    when given; the totals always cover the whole framework)."""
    framework = engine_for_group(assessment.group)
    entries = list(
        assessment.entries.prefetch_related(
            Prefetch(
                "evidence_links",
                queryset=EvidenceLink.objects.select_related("document").order_by("linked_at"),
            )
        )
    )
    by_code = {entry.node_code: entry for entry in entries}
    own = self_counts(assessment)
    self_result = score_unit(
        framework, assessment.unit.code, entry_inputs(framework, entries, SELF, own=own)
    )
    appraised_result = score_unit(
        framework, assessment.unit.code, entry_inputs(framework, entries, APPRAISED, own=own)
    )
    questions: dict[str, list[ExplanationItem]] = {}
    for item in ExplanationItem.objects.filter(request__assessment=assessment).select_related(
        "request"
    ):
        questions.setdefault(item.node_code, []).append(item)
    wanted = set(codes) if codes is not None else None
    rows = []
    for node in framework.walk():
        if wanted is not None and node.code not in wanted:
            continue
        entry = by_code.get(node.code)
        rows.append(
            NodeRow(
                node=node,
                self_result=self_result.nodes[node.code],
                appraised_result=appraised_result.nodes[node.code],
                entry=entry,
                links=list(entry.evidence_links.all()) if entry is not None else [],
                questions=questions.get(node.code, []),
            )
        )
    return Sheet(framework, rows, self_result, appraised_result)


def leaf_sheet(assessment: Assessment, code: str) -> tuple[Sheet, NodeRow, list[NodeRow]]:
    """The sheet for one leaf's answer to an htmx post: the leaf's row and its ancestors'
    rows (their totals change with it), nearest first."""
    framework = engine_for_group(assessment.group)
    lineage = [code]
    parent = framework.nodes[code].parent
    while parent is not None:
        lineage.append(parent)
        parent = framework.nodes[parent].parent
    sheet = assessment_sheet(assessment, codes=lineage)
    rows = {row.code: row for row in sheet.rows}
    return sheet, rows[code], [rows[each] for each in lineage[1:]]


def values_text(node: Node, values: Mapping[str, Any] | None) -> str:
    """Entered values as a person reads them: "Tử số (số đạt) 9 · Mẫu số (tổng số) 10"."""
    if not values or node.rule is None:
        return ""
    parts = []
    for input_field in node.rule.fields():
        raw = values.get(input_field.name)
        if raw is None or raw == "":
            continue
        if input_field.kind in ("option", "boolean"):
            key = raw
            if input_field.kind == "boolean":
                key = "yes" if raw is True or str(raw).lower() in ("yes", "true", "1") else "no"
            shown = engine_text(dict(input_field.options).get(str(key), str(raw)))
            parts.append(f"{engine_text(input_field.label)}: {shown}")
        else:
            try:
                number = format_number(to_decimal(raw))
            except ValueError:
                number = str(raw)
            parts.append(f"{engine_text(input_field.label)} {number}")
    # Values a rule reads but no box shows (e.g. a rate imported as a percent).
    shown_names = {input_field.name for input_field in node.rule.fields()}
    for key, raw in values.items():
        if key not in shown_names and raw not in (None, ""):
            parts.append(f"{VALUE_LABELS.get(key, key)} {raw}")
    return " · ".join(parts)


def unit_documents(assessment: Assessment) -> QuerySet[EvidenceDocument]:
    """The unit's documents of the period, to cite again without a second upload."""
    return EvidenceDocument.objects.filter(unit=assessment.unit, period=assessment.period)


def unit_deadline(assessment: Assessment) -> datetime.datetime:
    """The unit's last moment to self-assess: the period's deadline or its latest extension."""
    return period_unit_deadline(assessment.period, assessment.unit_id)


def period_unit_deadline(period: AssessmentPeriod, unit_id: int) -> datetime.datetime:
    """`unit_deadline` for a unit that may have no assessment yet."""
    extension = (
        DeadlineExtension.objects.filter(period=period, unit_id=unit_id)
        .order_by("-closes_at")
        .first()
    )
    return self_assessment_deadline(period, extension)


def unit_deadlines(period: AssessmentPeriod) -> dict[int, datetime.datetime]:
    """Every extended unit's deadline (by unit id), in one query; the others have the
    period's own (`deadlines.get(unit_id, period.self_assessment_closes)`)."""
    latest: dict[int, datetime.datetime] = {}
    for unit_id, closes_at in DeadlineExtension.objects.filter(period=period).values_list(
        "unit_id", "closes_at"
    ):
        if closes_at > latest.get(unit_id, period.self_assessment_closes):
            latest[unit_id] = closes_at
    return latest


def open_explanation(assessment: Assessment) -> ExplanationRequest | None:
    """The explanation round the unit has not sent yet, if any."""
    return (
        assessment.explanation_requests.filter(sent_at__isnull=True)
        .prefetch_related("items")
        .order_by("-created_at")
        .first()
    )


def preview(node: Node, values: Mapping[str, Any]) -> tuple[Decimal | None, str]:
    """Points and explanation of `values` without saving; (None, message) when they do not fit."""
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        message = str(error)
        for input_field in node.rule.fields():
            message = message.replace(f"«{input_field.name}»", f"«{input_field.label}»")
        return None, message
    return outcome.points, outcome.explanation


@dataclass(frozen=True)
class QueueRow:
    unit_name: str
    unit_code: str
    assessment: Assessment | None
    self_total: Decimal | None
    appraised_total: Decimal | None
    index: Decimal | None
    rank: int | None
    class_label: str
    unit_id: int = 0
    group: UnitGroup | None = None

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus self-assessed points (negative: the appraisal lowered the score)."""
        if self.self_total is None or self.appraised_total is None:
            return None
        return self.appraised_total - self.self_total

    @property
    def state_label(self) -> str:
        if self.assessment is None:
            return gettext("Chưa mở hồ sơ")
        return workflow.STATE_LABELS[workflow.State(self.assessment.state)]


def queue_rows(group: UnitGroup) -> list[QueueRow]:
    """Every unit of the group: state, self and appraised totals, and the provisional rank."""
    results = group_results(group, APPRAISED)
    rows = []
    for unit in group.units.order_by("name"):
        assessment = results.assessments.get(unit.code)
        if assessment is None or results.ranking is None:
            rows.append(
                QueueRow(unit.name, unit.code, None, None, None, None, None, "", unit.pk, group)
            )
            continue
        ranked = results.ranking.results[unit.code]
        rows.append(
            QueueRow(
                unit.name,
                unit.code,
                assessment,
                results.self_results[unit.code].total,
                ranked.total,
                ranked.index,
                results.ranking.ranks[unit.code],
                results.ranking.classes[unit.code],
                unit.pk,
                group,
            )
        )
    return rows


# --- the audit trail, readable (the words: `audit_labels`, through `parindex.audit.labels`) ---

# The values a rule reads, named when the node is unknown (an entry of a node no longer in the
# framework) or a rule reads a value no box shows (a rate imported as a percent).
VALUE_LABELS = {
    "option": _("phương án"),
    "numerator": _("tử số"),
    "denominator": _("mẫu số"),
    "percent": _("tỷ lệ"),
    "count": _("số lần"),
    "value": _("kết quả"),
    "points": _("điểm"),
}
_LONG_TEXT = ("self_explanation", "appraised_explanation")


def describe_changes(
    changes: Mapping[str, Any], *, short: bool = True, node: Node | None = None
) -> list[str]:
    """A node entry's `{field: [old, new]}` as lines in words ("điểm tự chấm: 2 → 1,5"; an
    option by its label when the `node` is given); `short` leaves out the rules' long
    explanation texts (they follow from the values)."""
    found = audit_labels.describe_changes(
        "nodeentry", changes, node, leave_out=_LONG_TEXT if short else ()
    )
    return [change.text for change in found]


def assessment_events(assessment: Assessment) -> QuerySet[AuditEvent]:
    """Every audited change of the unit's assessment, newest first."""
    return AuditEvent.objects.filter(scope_type="assessment", scope_id=str(assessment.pk))


def node_events(assessment: Assessment, code: str) -> QuerySet[AuditEvent]:
    """The audited changes of one node: its entry (scores, notes, evidence) and the answers
    to questions about it."""
    entry_ids = [
        str(pk)
        for pk in NodeEntry.objects.filter(assessment=assessment, node_code=code).values_list(
            "pk", flat=True
        )
    ]
    item_ids = [
        str(pk)
        for pk in ExplanationItem.objects.filter(
            request__assessment=assessment, node_code=code
        ).values_list("pk", flat=True)
    ]
    return assessment_events(assessment).filter(
        Q(object_type="nodeentry", object_id__in=entry_ids)
        | Q(object_type="explanationitem", object_id__in=item_ids)
    )


def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
