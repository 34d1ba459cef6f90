"""Reads about assessments: engine inputs from stored entries, scores, rankings, progress.

Scores are never stored as the source of truth: they are recomputed by the engine
from the entries, so that every point traces to a rule, an entry and a person.
(`self_points`/`appraised_points` on entries are a cache for lists and audits.)

By subject: `results` (scores, progress), `sheet` (the pages' tree), `areas` (the sheet
folded by area), `deadlines` (evidence, deadlines, queue), `history` (the audit trail).
"""

from parindex.assessments.selectors.areas import (
    WHOLE_SHEET_LEAVES,
    Area,
    NodeLink,
    area_head,
    area_links,
    area_of_code,
    area_sheet,
    open_areas,
    sheet_areas,
)
from parindex.assessments.selectors.deadlines import (
    QueueRow,
    open_explanation,
    period_unit_deadline,
    preview,
    queue_rows,
    unit_deadline,
    unit_deadlines,
    unit_documents,
    with_extension,
)
from parindex.assessments.selectors.history import (
    VALUE_LABELS,
    assessment_events,
    describe_changes,
    node_events,
    unread_notifications,
)
from parindex.assessments.selectors.results import (
    APPRAISED,
    SELF,
    EntryFacts,
    EntryValues,
    GroupResults,
    Progress,
    assessment_result,
    decimal_or_none,
    engine_for_group,
    entries_of,
    entry_facts,
    entry_inputs,
    evidence_links_of,
    group_results,
    self_counts,
    self_progress,
)
from parindex.assessments.selectors.sheet import (
    NodeRow,
    Sheet,
    assessment_sheet,
    dom_id,
    leaf_sheet,
    sheet_version,
    values_text,
)

__all__ = [
    "APPRAISED",
    "SELF",
    "VALUE_LABELS",
    "WHOLE_SHEET_LEAVES",
    "Area",
    "EntryFacts",
    "EntryValues",
    "GroupResults",
    "NodeLink",
    "NodeRow",
    "Progress",
    "QueueRow",
    "Sheet",
    "area_head",
    "area_links",
    "area_of_code",
    "area_sheet",
    "assessment_events",
    "assessment_result",
    "assessment_sheet",
    "decimal_or_none",
    "describe_changes",
    "dom_id",
    "engine_for_group",
    "entries_of",
    "entry_facts",
    "entry_inputs",
    "evidence_links_of",
    "group_results",
    "leaf_sheet",
    "node_events",
    "open_areas",
    "open_explanation",
    "period_unit_deadline",
    "preview",
    "queue_rows",
    "self_counts",
    "self_progress",
    "sheet_areas",
    "sheet_version",
    "unit_deadline",
    "unit_deadlines",
    "unit_documents",
    "unread_notifications",
    "values_text",
    "with_extension",
]
