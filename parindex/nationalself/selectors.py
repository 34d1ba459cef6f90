"""Reads of the national self-assessment: the framework as the engine sees it, the province's
self-score (the engine scores the consolidated values), each leaf's state, the progress board
per department and per area. The comparison with the Ministry's appraisal is in
`comparison.py`, the pre-survey's estimate in `estimate.py`.

Selectors take no user: the policy (`visible_contributions`) scopes what a user sees.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from parindex.criteria.models import Framework, FrameworkStatus
from parindex.criteria.selectors import framework_engine
from parindex.engine import Framework as EngineFramework
from parindex.engine import Node, NodeInput, NodeResult, UnitResult, score_unit
from parindex.nationalself.models import (
    ChecklistItem,
    Contribution,
    ContributionStatus,
    Evidence,
    EvidenceLink,
    NationalSelfAssessment,
    NodeRequest,
)
from parindex.units.models import Unit

NATIONAL_KIND = "national"

_engine_cache: dict[tuple[int, str], EngineFramework] = {}


def is_national(framework: Framework) -> bool:
    """A framework that assesses the province itself in the national PAR INDEX
    (`kind: national` in its metadata, docs/framework-format.md)."""
    return str((framework.extra or {}).get("kind", "")) == NATIONAL_KIND


def national_frameworks() -> QuerySet[Framework]:
    """Published frameworks of kind national, newest year first."""
    return Framework.objects.filter(
        status=FrameworkStatus.PUBLISHED, extra__kind=NATIONAL_KIND
    ).order_by("-year", "name")


def assessment_engine(assessment: NationalSelfAssessment) -> EngineFramework:
    """The year's framework as an engine object (a published framework never changes)."""
    framework = assessment.framework
    key = (framework.pk, str(framework.published_at))
    cached = _engine_cache.get(key)
    if cached is None or framework.is_draft:
        cached = framework_engine(framework)
        if not framework.is_draft:
            _engine_cache[key] = cached
    return cached


def assignable(node: Node) -> bool:
    """Leaves a department provides: every leaf but those of the Ministry's survey."""
    return node.is_leaf and node.source not in ("survey", "system")


def contributions(assessment: NationalSelfAssessment) -> QuerySet[Contribution]:
    """The assessment's contributions with what the pages show (departments, evidence count)."""
    return (
        Contribution.objects.filter(assessment=assessment)
        .select_related("lead")
        .prefetch_related("supporting")
        .annotate(evidence_count=Count("evidence_links", distinct=True))
    )


def contribution_map(
    assessment: NationalSelfAssessment, queryset: QuerySet[Contribution] | None = None
) -> dict[str, Contribution]:
    rows = queryset if queryset is not None else contributions(assessment)
    return {row.node_code: row for row in rows}


def has_evidence(contribution: Contribution) -> bool:
    count = getattr(contribution, "evidence_count", None)
    if count is not None:
        return bool(count)
    return contribution.evidence_links.exists()


def node_inputs(
    engine: EngineFramework, rows: Iterable[Contribution], *, side: str = "consolidated"
) -> dict[str, NodeInput]:
    """Engine inputs: Home Affairs' consolidated values (`consolidated`, what the province
    claims), or the departments' own figures (`proposed`)."""
    inputs: dict[str, NodeInput] = {}
    for row in rows:
        node = engine.nodes.get(row.node_code)
        if node is None or not node.is_leaf:
            continue
        values = row.consolidated_values if side == "consolidated" else row.values
        if values is None:
            continue
        accepted = row.explanation_accepted if side == "consolidated" else bool(row.gap_explanation)
        inputs[node.code] = NodeInput(
            values, has_evidence=has_evidence(row), explanation_accepted=accepted
        )
    return inputs


def self_result(
    assessment: NationalSelfAssessment, rows: Iterable[Contribution] | None = None
) -> UnitResult:
    """The province's self-score: the engine over the consolidated values."""
    engine = assessment_engine(assessment)
    rows = list(rows) if rows is not None else list(contributions(assessment))
    return score_unit(engine, assessment.province.code, node_inputs(engine, rows))


# --- one leaf ----------------------------------------------------------------------------------


def is_late(contribution: Contribution, today: datetime.date) -> bool:
    """Past its deadline and not sent (or sent back for more and not sent again)."""
    return (
        contribution.deadline is not None
        and contribution.deadline < today
        and contribution.status in (ContributionStatus.OPEN, ContributionStatus.RETURNED)
    )


def checklist_of(assessment: NationalSelfAssessment, code: str) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(assessment=assessment, node_code=code).annotate(
            linked=Count("links")
        )
    )


def links_of(contribution: Contribution) -> list[EvidenceLink]:
    return list(
        contribution.evidence_links.select_related(
            "evidence__department", "evidence__uploaded_by", "checklist_item"
        ).order_by("linked_at", "id")
    )


def requests_of(contribution: Contribution) -> list[NodeRequest]:
    return list(contribution.requests.select_related("asked_by", "answered_by"))


def department_documents(
    assessment: NationalSelfAssessment, departments: Iterable[int] | None
) -> QuerySet[Evidence]:
    """Documents already uploaded, to cite again without a second upload: the departments'
    own (None: every document, for Home Affairs)."""
    documents = Evidence.objects.filter(assessment=assessment).select_related("department")
    if departments is not None:
        documents = documents.filter(department_id__in=list(departments))
    return documents.order_by("original_name")


def missing_documents(node: Node, items: Iterable[ChecklistItem], evidence_count: int) -> list[str]:
    """What the leaf still lacks: required checklist items without a document, or, without a
    checklist, any document when the framework requires evidence."""
    items = list(items)
    if items:
        return [item.title for item in items if item.required and not getattr(item, "linked", 0)]
    if node.evidence_required and not evidence_count:
        return [node.evidence_hint or node.title]
    return []


# --- the progress board ------------------------------------------------------------------------


@dataclass
class Counts:
    assigned: int = 0
    done: int = 0
    waiting: int = 0
    returned: int = 0
    open: int = 0
    late: int = 0
    missing_evidence: int = 0

    def add(self, row: Contribution, today: datetime.date, missing: bool) -> None:
        self.assigned += 1
        if row.status == ContributionStatus.ACCEPTED:
            self.done += 1
        elif row.status == ContributionStatus.SUBMITTED:
            self.waiting += 1
        elif row.status == ContributionStatus.RETURNED:
            self.returned += 1
        else:
            self.open += 1
        if is_late(row, today):
            self.late += 1
        if missing:
            self.missing_evidence += 1

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.assigned) if self.assigned else 0


@dataclass
class BoardLine:
    label: str
    code: str
    counts: Counts = field(default_factory=Counts)
    unit: Unit | None = None
    late_codes: list[str] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)


@dataclass
class Board:
    departments: list[BoardLine]
    areas: list[BoardLine]
    total: Counts
    leaves: int
    unassigned: list[str]
    survey_leaves: int


def checklist_status(assessment: NationalSelfAssessment) -> dict[str, list[tuple[str, bool]]]:
    """Per leaf, each checklist item's title and whether a document answers it."""
    by_code: dict[str, list[tuple[str, bool]]] = {}
    items = (
        ChecklistItem.objects.filter(assessment=assessment)
        .annotate(linked=Count("links"))
        .values_list("node_code", "title", "required", "linked")
    )
    for code, title, required, linked in items:
        if required:
            by_code.setdefault(code, []).append((title, bool(linked)))
    return by_code


def leaf_is_missing(
    node: Node, checklist: list[tuple[str, bool]] | None, contribution: Contribution | None
) -> bool:
    count = getattr(contribution, "evidence_count", 0) if contribution is not None else 0
    if checklist:
        return any(not linked for _title, linked in checklist)
    return node.evidence_required and not count


def progress_board(assessment: NationalSelfAssessment, today: datetime.date) -> Board:
    """Per lead department and per area: leaves assigned, done, waiting for review, sent back,
    not yet sent, late, still missing a required document; leaves nobody leads."""
    engine = assessment_engine(assessment)
    rows = contribution_map(assessment)
    checklist = checklist_status(assessment)
    departments: dict[int, BoardLine] = {}
    areas = {area.code: BoardLine(area.title, area.code) for area in engine.areas}
    total = Counts()
    unassigned: list[str] = []
    leaves = 0
    survey = 0
    for node in engine.leaves():
        if not assignable(node):
            survey += node.source == "survey"
            continue
        leaves += 1
        row = rows.get(node.code)
        if row is None or row.lead_id is None:
            unassigned.append(node.code)
            continue
        missing = leaf_is_missing(node, checklist.get(node.code), row)
        late = is_late(row, today)
        assert row.lead is not None
        line = departments.setdefault(
            row.lead_id, BoardLine(row.lead.name, row.lead.code, unit=row.lead)
        )
        top = _area_code(engine, node)
        area = areas.setdefault(top, BoardLine(engine.nodes[top].title, top))
        for target in (line, area):
            target.counts.add(row, today, missing)
            if late:
                target.late_codes.append(node.code)
            if missing:
                target.missing_codes.append(node.code)
        total.add(row, today, missing)
    ordered = sorted(
        departments.values(), key=lambda line: (-line.counts.late, -line.counts.open, line.label)
    )
    return Board(
        departments=ordered,
        areas=list(areas.values()),
        total=total,
        leaves=leaves,
        unassigned=unassigned,
        survey_leaves=survey,
    )


def _area_code(engine: EngineFramework, node: Node) -> str:
    code = node.code
    while engine.nodes[code].parent is not None:
        parent = engine.nodes[code].parent
        assert parent is not None
        code = parent
    return code


def area_of(engine: EngineFramework, code: str) -> str:
    """The top-level node (area) above `code`."""
    return _area_code(engine, engine.nodes[code])


# --- the sheet: the framework's tree with the province's points ---------------------------------


@dataclass(frozen=True)
class SheetRow:
    node: Node
    result: NodeResult
    contribution: Contribution | None
    late: bool

    @property
    def code(self) -> str:
        return self.node.code


def sheet(
    assessment: NationalSelfAssessment,
    *,
    visible: set[str] | None = None,
    today: datetime.date,
    rows: Iterable[Contribution] | None = None,
) -> tuple[UnitResult, list[SheetRow]]:
    """Every node in order with the consolidated result; `visible`: the leaves a contributor
    may see (and the parents above them)."""
    contributions_list = list(rows) if rows is not None else list(contributions(assessment))
    by_code = {row.node_code: row for row in contributions_list}
    result = self_result(assessment, contributions_list)
    engine = assessment_engine(assessment)
    shown: set[str] | None = None
    if visible is not None:
        shown = set()
        for code in visible:
            current: str | None = code
            while current is not None and current in engine.nodes:
                shown.add(current)
                current = engine.nodes[current].parent
    lines = []
    for node in engine.walk():
        if shown is not None and node.code not in shown:
            continue
        row = by_code.get(node.code)
        lines.append(
            SheetRow(
                node=node,
                result=result.nodes[node.code],
                contribution=row,
                late=row is not None and is_late(row, today),
            )
        )
    return result, lines


def assigned_codes(assessment: NationalSelfAssessment, unit_id: int | None) -> set[str]:
    """The leaves a department leads or supports."""
    if unit_id is None:
        return set()
    return set(
        Contribution.objects.filter(assessment=assessment)
        .filter(Q(lead_id=unit_id) | Q(supporting=unit_id))
        .values_list("node_code", flat=True)
    )


def evidence_list(assessment: NationalSelfAssessment) -> list[EvidenceLink]:
    """Every citation of a document, by node code, for the report and the archive."""
    return list(
        EvidenceLink.objects.filter(contribution__assessment=assessment)
        .select_related("evidence__department", "contribution", "checklist_item")
        .order_by("contribution__node_code", "linked_at", "id")
    )


def open_requests(assessment: NationalSelfAssessment) -> QuerySet[NodeRequest]:
    return NodeRequest.objects.filter(
        contribution__assessment=assessment, answered_at__isnull=True
    ).select_related("contribution")


def contribution_with_links(pk: int) -> Contribution | None:
    return (
        Contribution.objects.select_related("assessment__framework", "assessment__province", "lead")
        .prefetch_related(
            "supporting",
            Prefetch("evidence_links", queryset=EvidenceLink.objects.select_related("evidence")),
        )
        .filter(pk=pk)
        .first()
    )


def previous_assessment(assessment: NationalSelfAssessment) -> NationalSelfAssessment | None:
    return NationalSelfAssessment.objects.filter(year__lt=assessment.year).order_by("-year").first()


def decimal_or_none(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
