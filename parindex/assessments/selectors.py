"""Reads about assessments: engine inputs from stored entries, scores, rankings, progress.

Scores are never stored as the source of truth: they are recomputed by the engine
from the entries, so that every point traces to a rule, an entry and a person.
(`self_points`/`appraised_points` on entries are a cache for lists and audits.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
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
    """Every entry of the assessment as `EntryFacts`, in one query."""
    rows = assessment.entries.annotate(
        has_evidence=Exists(EvidenceLink.objects.filter(entry=OuterRef("pk")))
    ).values_list(
        "node_code",
        "self_values",
        "appraised_values",
        "written_explanation",
        "explanation_accepted",
        "finalised",
        "has_evidence",
    )
    return [EntryFacts(*row[:6], evidence_count=int(row[6])) for row in rows]


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
    """An assessment scored on both sides, with the rows of its tree.

    `facts` holds every entry, read for the totals, the progress and the areas' heads (the
    values and whether evidence is attached); `entries` the full entries of the rows built,
    with their evidence links. `rows_of` builds more rows (reading their full entries, one
    query, when the sheet has not read them yet)."""

    framework: Framework
    rows: list[NodeRow]
    self_result: UnitResult
    appraised_result: UnitResult
    entries: dict[str, NodeEntry] = field(default_factory=dict)  # by node code
    questions: Mapping[str, list[ExplanationItem]] = field(default_factory=dict)
    facts: Mapping[str, EntryValues] = field(default_factory=dict)  # by node code
    assessment: Assessment | None = None

    def rows_of(self, codes: Iterable[str]) -> list[NodeRow]:
        """The rows of `codes`, in document order."""
        wanted = set(codes)
        missing = [code for code in wanted if code in self.facts and code not in self.entries]
        if missing and self.assessment is not None:
            self.entries.update(
                (entry.node_code, entry) for entry in _full_entries(self.assessment, missing)
            )
        return [self.row_of(node) for node in self.framework.walk() if node.code in wanted]

    def row_of(self, node: Node) -> NodeRow:
        entry = self.entries.get(node.code)
        return NodeRow(
            node=node,
            self_result=self.self_result.nodes[node.code],
            appraised_result=self.appraised_result.nodes[node.code],
            entry=entry,
            links=list(entry.evidence_links.all()) if entry is not None else [],
            questions=list(self.questions.get(node.code, [])),
        )

    @property
    def entry_list(self) -> list[EntryValues]:
        """Every entry (values and evidence presence: what scoring and progress read)."""
        return list(self.facts.values())


def _full_entries(assessment: Assessment, codes: Iterable[str] | None = None) -> list[NodeEntry]:
    """Entries with their evidence links (and the links' documents)."""
    entries = assessment.entries.all()
    if codes is not None:
        entries = entries.filter(node_code__in=list(codes))
    return list(
        entries.prefetch_related(
            Prefetch(
                "evidence_links",
                queryset=EvidenceLink.objects.select_related("document").order_by("linked_at"),
            )
        )
    )


def assessment_sheet(assessment: Assessment, codes: Iterable[str] | None = None) -> Sheet:
    """Every node of the assessment's framework in document order (rows only for `codes`
    when given; the totals always cover the whole framework). With `codes`, only those rows'
    entries are read in full: a page that shows one area reads the others' values only."""
    framework = engine_for_group(assessment.group)
    facts: list[EntryValues]
    if codes is None:
        entries = _full_entries(assessment)
        facts = list(entries)
        wanted: list[str] = [node.code for node in framework.walk()]
    else:
        wanted = list(codes)
        facts = list(entry_facts(assessment))
        entries = _full_entries(assessment, wanted) if wanted else []
    own = self_counts(assessment)
    self_result = score_unit(
        framework, assessment.unit.code, entry_inputs(framework, facts, SELF, own=own)
    )
    appraised_result = score_unit(
        framework, assessment.unit.code, entry_inputs(framework, facts, APPRAISED, own=own)
    )
    questions: dict[str, list[ExplanationItem]] = {}
    for item in ExplanationItem.objects.filter(request__assessment=assessment).select_related(
        "request"
    ):
        questions.setdefault(item.node_code, []).append(item)
    sheet = Sheet(
        framework,
        [],
        self_result,
        appraised_result,
        entries={entry.node_code: entry for entry in entries},
        questions=questions,
        facts={entry.node_code: entry for entry in facts},
        assessment=assessment,
    )
    sheet.rows.extend(sheet.rows_of(wanted))
    return sheet


def sheet_version(assessment: Assessment) -> tuple[Any, ...]:
    """What the assessment's pages show of it, in one query: its state, and the count and
    latest change of its entries, evidence links, explanation rounds and questions, and of the
    unit's documents of the period. Every write bumps one of them (entries' `updated_at`),
    adds or removes a row (counts, latest ids) or stamps a time (answers, sending).

    Plain SQL: the ORM spends longer compiling ten subqueries than the database running them,
    and a cached page asks this on every request."""
    tables = {
        "assessment": Assessment._meta.db_table,
        "entry": NodeEntry._meta.db_table,
        "link": EvidenceLink._meta.db_table,
        "round": ExplanationRequest._meta.db_table,
        "item": ExplanationItem._meta.db_table,
        "document": EvidenceDocument._meta.db_table,
    }
    entries = "FROM {entry} e WHERE e.assessment_id = a.id"
    links = "FROM {link} l JOIN {entry} e ON l.entry_id = e.id WHERE e.assessment_id = a.id"
    rounds = "FROM {round} r WHERE r.assessment_id = a.id"
    items = "FROM {item} i JOIN {round} r ON i.request_id = r.id WHERE r.assessment_id = a.id"
    documents = "FROM {document} d WHERE d.unit_id = a.unit_id AND d.period_id = a.period_id"
    columns = [
        "a.state",
        "a.submission",
        "a.version",
        "a.updated_at",
        "a.submitted_at",
        "a.submitted_by_id",
        "a.appraiser_id",
        *(
            f"(SELECT {aggregate} {source})"
            for aggregate, source in (
                ("COUNT(*)", entries),
                ("MAX(e.updated_at)", entries),
                ("COUNT(*)", links),
                ("MAX(l.id)", links),
                ("COUNT(*)", rounds),
                ("MAX(r.sent_at)", rounds),
                ("COUNT(*)", items),
                ("MAX(i.answered_at)", items),
                ("COUNT(*)", documents),
                ("MAX(d.id)", documents),
            )
        ),
    ]
    sql = f"SELECT {', '.join(columns)} FROM {{assessment}} a WHERE a.id = %s".format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [assessment.pk])
        row = cursor.fetchone()
    group = assessment.group
    framework = (group.framework_id, str(group.framework.published_at))
    return (assessment.pk, framework, tuple(row) if row else None)


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


# --- the sheet folded by area: what the pages render at once and what they fetch on demand ----

# A framework with at most this many leaves is rendered whole, every area open (a small
# framework costs little); a bigger one renders the open area only, the others on demand.
WHOLE_SHEET_LEAVES = 16


@dataclass
class Area:
    """A top-level node of the sheet (an area, or a bonus or penalty node) as the pages fold
    it: its head (points, the unit's progress in it, the appraiser's adjustments) always,
    its rows when it is open."""

    row: NodeRow
    codes: tuple[str, ...]  # the node and its descendants, in document order
    leaves: int
    answered: int  # self-assessed leaves with an answer
    to_answer: int  # self-assessed leaves
    missing: int  # answered leaves needing evidence that have neither evidence nor explanation
    adjusted: int  # leaves whose appraised points differ from the self-assessed ones
    finalised: int  # leaves the appraiser marked final
    rows: list[NodeRow] | None = None  # None: fetched when opened

    @property
    def code(self) -> str:
        return self.row.code

    @property
    def head_id(self) -> str:
        return f"{self.row.dom_id}-head"

    @property
    def complete(self) -> bool:
        """Nothing left for the unit here: every self-assessed leaf answered, none missing
        its evidence."""
        return self.answered == self.to_answer and not self.missing

    @property
    def appraised(self) -> bool:
        """Nothing left for the appraiser here: every leaf marked final."""
        return self.finalised == self.leaves


def _has_evidence_or_explanation(entry: EntryValues) -> bool:
    return _has_evidence(entry) or bool(entry.written_explanation.strip())


def sheet_areas(sheet: Sheet, *, only: str | None = None, adjusted: bool = True) -> list[Area]:
    """The sheet's top-level nodes (or the one `only` names) with their heads' figures, from
    what the sheet read (no query), without rows. `adjusted=False` leaves out the count of
    leaves the appraiser adjusted (it compares both sides' points of every leaf)."""
    framework = sheet.framework
    root_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for node in framework.walk():
        root = node.code if node.parent is None else root_of[node.parent]
        root_of[node.code] = root
        if only is None or root == only:
            members.setdefault(root, []).append(node.code)
    areas = []
    for root, codes in members.items():
        counts = dict.fromkeys(("leaves", "answered", "to_answer", "missing", "adjusted"), 0)
        finalised = 0
        for code in codes:
            node = framework.nodes[code]
            if not node.is_leaf:
                continue
            counts["leaves"] += 1
            entry = sheet.facts.get(code)
            if entry is not None and entry.finalised:
                finalised += 1
            if (
                adjusted
                and entry is not None
                and sheet.self_result.nodes[code].points
                != sheet.appraised_result.nodes[code].points
            ):
                counts["adjusted"] += 1
            if node.source != "self":
                continue
            counts["to_answer"] += 1
            if entry is None or entry.self_values is None:
                continue
            counts["answered"] += 1
            if node.evidence_required and not _has_evidence_or_explanation(entry):
                counts["missing"] += 1
        areas.append(
            Area(
                row=sheet.row_of(framework.nodes[root]),
                codes=tuple(codes),
                leaves=counts["leaves"],
                answered=counts["answered"],
                to_answer=counts["to_answer"],
                missing=counts["missing"],
                adjusted=counts["adjusted"],
                finalised=finalised,
            )
        )
    return areas


def area_sheet(assessment: Assessment) -> Sheet:
    """The sheet the folded pages start from, without rows: a small framework's entries read
    in full (every area is shown open), a bigger one's values only (`Sheet.facts`); `open_areas`
    and `area_of_code` read the rows they show."""
    framework = engine_for_group(assessment.group)
    if sum(1 for _leaf in framework.leaves()) <= WHOLE_SHEET_LEAVES:
        sheet = assessment_sheet(assessment)
        sheet.rows.clear()
        return sheet
    return assessment_sheet(assessment, codes=())


def open_areas(
    sheet: Sheet,
    wanted: str | None,
    *,
    complete: Callable[[Area], bool],
    adjusted: bool = True,
) -> list[Area]:
    """The sheet's areas with the rows of those shown open filled in: every area of a small
    framework (`WHOLE_SHEET_LEAVES`); otherwise the one asked for (`wanted`, the area the user
    was working in), else the first that is not `complete`, else the first."""
    areas = sheet_areas(sheet, adjusted=adjusted)
    if not areas:
        return areas
    if sum(area.leaves for area in areas) <= WHOLE_SHEET_LEAVES:
        chosen = areas
    else:
        by_code = {area.code: area for area in areas}
        first = by_code.get(wanted or "") or next(
            (area for area in areas if not complete(area)), areas[0]
        )
        chosen = [first]
    for area in chosen:
        area.rows = sheet.rows_of(area.codes[1:] if len(area.codes) > 1 else area.codes)
    return areas


def area_of_code(sheet: Sheet, code: str, *, adjusted: bool = True) -> Area | None:
    """One top-level node's area with its rows (None when `code` is not top-level)."""
    found = sheet_areas(sheet, only=code, adjusted=adjusted)
    if not found or found[0].code != code:
        return None
    area = found[0]
    area.rows = sheet.rows_of(area.codes[1:] if len(area.codes) > 1 else area.codes)
    return area


def area_head(sheet: Sheet, code: str, *, adjusted: bool = True) -> Area:
    """The area `code` belongs to, without its rows: its head changes with each of its leaves."""
    return sheet_areas(sheet, only=sheet.framework.area_of(code).code, adjusted=adjusted)[0]


@dataclass(frozen=True)
class NodeLink:
    """A link to a node's row: the area to open first, then the row."""

    code: str
    area: str

    @property
    def dom_id(self) -> str:
        return dom_id(self.code)

    @property
    def area_dom_id(self) -> str:
        return f"{dom_id(self.area)}-area"


def area_links(framework: Framework, codes: Iterable[str]) -> list[NodeLink]:
    return [NodeLink(code, framework.area_of(code).code) for code in codes]


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
