"""The pages' sheet: the framework tree with both sides of every leaf."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects

from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    EvidenceLink,
    ExplanationItem,
    ExplanationRequest,
    NodeEntry,
)
from parindex.assessments.selectors.history import VALUE_LABELS
from parindex.assessments.selectors.results import (
    APPRAISED,
    SELF,
    EntryValues,
    engine_for_group,
    entry_facts,
    entry_inputs,
    self_counts,
)
from parindex.criteria.labels import engine_text
from parindex.engine import (
    Framework,
    Node,
    NodeResult,
    UnitResult,
    format_number,
    score_unit,
    to_decimal,
)

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


def _evidence_links() -> Prefetch:
    return Prefetch(
        "evidence_links",
        queryset=EvidenceLink.objects.select_related("document").order_by("linked_at"),
    )


def _full_entries(assessment: Assessment, codes: Iterable[str] | None = None) -> list[NodeEntry]:
    """Entries with their evidence links (and the links' documents)."""
    entries = assessment.entries.all()
    if codes is not None:
        entries = entries.filter(node_code__in=list(codes))
    return list(entries.prefetch_related(_evidence_links()))


def assessment_sheet(
    assessment: Assessment,
    codes: Iterable[str] | None = None,
    *,
    known: Iterable[NodeEntry] = (),
) -> Sheet:
    """Every node of the assessment's framework in document order (rows only for `codes`
    when given; the totals always cover the whole framework). With `codes`, only those rows'
    entries are read in full: a page that shows one area reads the others' values only.
    `known` entries of `codes` (read in full by the caller, e.g. the one a save just wrote)
    are not read again; only their evidence links are."""
    framework = engine_for_group(assessment.group)
    facts: list[EntryValues]
    if codes is None:
        entries = _full_entries(assessment)
        facts = list(entries)
        wanted: list[str] = [node.code for node in framework.walk()]
    else:
        wanted = list(codes)
        facts = list(entry_facts(assessment))
        seeded = [entry for entry in known if entry.node_code in wanted]
        if seeded:
            prefetch_related_objects(seeded, _evidence_links())
        # Only the codes that have an entry (a parent node has none) and are not known yet.
        stored = {entry.node_code for entry in facts}.difference(
            entry.node_code for entry in seeded
        )
        rest = [code for code in wanted if code in stored]
        entries = seeded + (_full_entries(assessment, rest) if rest else [])
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
    # The latest link of each entry (the links' index), not a join with every link there is.
    latest_link = "MAX((SELECT MAX(l.id) FROM {link} l WHERE l.entry_id = e.id))"
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
                (latest_link, entries),
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


def leaf_sheet(
    assessment: Assessment, code: str, entry: NodeEntry | None = None
) -> tuple[Sheet, NodeRow, list[NodeRow]]:
    """The sheet for one leaf's answer to an htmx post: the leaf's row and its ancestors'
    rows (their totals change with it), nearest first. `entry`: the leaf's entry as a save
    just wrote it (not read again)."""
    framework = engine_for_group(assessment.group)
    lineage = [code]
    parent = framework.nodes[code].parent
    while parent is not None:
        lineage.append(parent)
        parent = framework.nodes[parent].parent
    known = [entry] if entry is not None and entry.node_code == code else []
    sheet = assessment_sheet(assessment, codes=lineage, known=known)
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
