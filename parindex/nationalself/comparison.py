"""Self vs appraised: the province's consolidated self-score beside the Ministry's appraisal,
node by node, with the points lost, where, and why.

Per leaf, `lost` is the maximum minus the appraised points, `cut` the part the appraisal took
off the province's own score (self − appraised, when positive). Each leaf that lost points gets
one reason category (`LossCategory`):

1. the category the Ministry's file gave;
2. `survey` for a leaf scored by the sociological survey;
3. the file's reason, read for its words ("muộn", "chậm", "quá hạn", "late" → late; "tài
   liệu", "kiểm chứng", "evidence" → no evidence);
4. an appraisal cut (below the province's own score): no (or not enough) evidence;
5. otherwise the result itself is below the criterion's target (the self-score already was).

A node's appraised points are split into the part the province scores itself and the survey's
part (`appraised_own`, `appraised_survey`), so that the self-score is compared with the first
(a result given only per area cannot be split: its rows compare nothing).

Quick wins are the points lost to missing or late evidence, largest first: the cheapest to win
back next year. Parents add their children's points (alternatives: the best child).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.engine import Framework as EngineFramework
from parindex.engine import Node
from parindex.nationalself import selectors
from parindex.nationalself.models import (
    AppraisedPoint,
    AppraisedResult,
    Contribution,
    LossCategory,
    NationalSelfAssessment,
    ResultLevel,
)
from parindex.tasks.models import OPEN_STATUSES, Task

ZERO = Decimal(0)
QUICK = (LossCategory.NO_EVIDENCE, LossCategory.LATE)
_LATE_WORDS = ("muộn", "chậm", "quá hạn", "không đúng thời hạn", "late", "overdue")
_EVIDENCE_WORDS = ("tài liệu", "kiểm chứng", "minh chứng", "evidence", "document")


def aggregate(engine: EngineFramework, leaves: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every node above the given leaves: children added (bonus added, penalty taken off, not
    below 0), the best child for alternatives; a leaf not given counts 0 beside given ones."""
    totals: dict[str, Decimal] = dict(leaves)
    for node in reversed(list(engine.walk())):
        if node.is_leaf or not any(child in totals for child in node.children):
            continue
        parts = [(engine.nodes[child], totals.get(child, ZERO)) for child in node.children]
        if node.alternatives:
            totals[node.code] = max(points for _child, points in parts)
            continue
        value = ZERO
        for child, points in parts:
            value += -points if child.kind == "penalty" and node.kind == "standard" else points
        totals[node.code] = max(value, ZERO) if node.kind == "standard" else value
    return totals


def current_result(assessment: NationalSelfAssessment) -> AppraisedResult | None:
    return assessment.appraised_results.select_related("table", "imported_by").first()


def task_ref(assessment: NationalSelfAssessment, code: str) -> str:
    return f"national:{assessment.pk}:{code}"


@dataclass(frozen=True)
class CompareRow:
    node: Node
    self_points: Decimal | None
    appraised: Decimal | None
    appraised_own: Decimal | None = None
    appraised_survey: Decimal | None = None
    category: str = ""
    reason: str = ""
    contribution: Contribution | None = None
    task: Task | None = None

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus self, on the part the province scores itself."""
        if self.appraised_own is None or self.self_points is None:
            return None
        return self.appraised_own - self.self_points

    @property
    def lost(self) -> Decimal | None:
        return None if self.appraised is None else self.node.max_points - self.appraised

    @property
    def cut(self) -> Decimal:
        if self.appraised_own is None or self.self_points is None:
            return ZERO
        return max(self.self_points - self.appraised_own, ZERO)

    @property
    def is_quick_win(self) -> bool:
        return bool(self.lost) and self.category in QUICK

    @property
    def category_label(self) -> str:
        return str(LossCategory(self.category).label) if self.category else ""


@dataclass
class Comparison:
    result: AppraisedResult
    rows: list[CompareRow]
    self_total: Decimal
    appraised_total: Decimal | None
    max_total: Decimal
    missing: list[str] = field(default_factory=list)

    @property
    def areas(self) -> list[CompareRow]:
        return [row for row in self.rows if row.node.parent is None]

    @property
    def leaves(self) -> list[CompareRow]:
        return [row for row in self.rows if row.node.is_leaf]

    @property
    def quick_wins(self) -> list[CompareRow]:
        wins = [row for row in self.leaves if row.is_quick_win]
        return sorted(wins, key=lambda row: (-(row.lost or ZERO), row.code))

    @property
    def lost_by_category(self) -> list[tuple[str, Decimal]]:
        sums: dict[str, Decimal] = {}
        for row in self.leaves:
            if row.lost and row.category:
                sums[row.category] = sums.get(row.category, ZERO) + row.lost
        return [
            (str(choice.label), sums[choice.value]) for choice in LossCategory if choice in sums
        ]

    @property
    def appraised_own_total(self) -> Decimal | None:
        """The appraised points of the part the province scores itself, all areas."""
        parts = [row.appraised_own for row in self.areas]
        if not parts or any(part is None for part in parts):
            return None
        return sum((part for part in parts if part is not None), ZERO)

    def appraised_areas(self) -> dict[str, Decimal]:
        """The appraised points per area (what the national plan takes for the province)."""
        return {row.code: row.appraised for row in self.areas if row.appraised is not None}


def _words(text: str, words: tuple[str, ...]) -> bool:
    folded = unicodedata.normalize("NFC", text).casefold()
    return any(word in folded for word in words)


def _category(node: Node, point: AppraisedPoint, self_points: Decimal | None) -> str:
    lost = node.max_points - point.points
    if lost <= 0:
        return ""
    if point.category:
        return point.category
    if node.source == "survey":
        return LossCategory.SURVEY
    if _words(point.reason, _LATE_WORDS):
        return LossCategory.LATE
    if _words(point.reason, _EVIDENCE_WORDS):
        return LossCategory.NO_EVIDENCE
    if self_points is not None and self_points > point.points:
        return LossCategory.NO_EVIDENCE
    return LossCategory.BELOW_TARGET


def comparison(assessment: NationalSelfAssessment) -> Comparison | None:
    """The latest appraised result beside the consolidated self-score, or None before any."""
    result = current_result(assessment)
    if result is None:
        return None
    engine = selectors.assessment_engine(assessment)
    rows = list(selectors.contributions(assessment))
    by_code = {row.node_code: row for row in rows}
    scored = selectors.self_result(assessment, rows)
    points = {point.node_code: point for point in result.points.all()}
    leaves = {code: point.points for code, point in points.items() if engine.nodes[code].is_leaf}
    from_leaves = aggregate(engine, leaves)
    appraised = dict(from_leaves)
    for code, given in points.items():
        appraised.setdefault(code, given.points)
    survey = {code for code in leaves if engine.nodes[code].source == "survey"}
    own = aggregate(engine, {code: value for code, value in leaves.items() if code not in survey})
    surveyed = aggregate(engine, {code: value for code, value in leaves.items() if code in survey})
    tasks = {
        task.source_ref: task
        for task in Task.objects.filter(
            source_ref__startswith=f"national:{assessment.pk}:", status__in=OPEN_STATUSES
        )
    }
    missing: list[str] = []
    lines: list[CompareRow] = []
    for node in engine.walk():
        node_result = scored.nodes[node.code]
        survey_leaf = node.is_leaf and node.source == "survey"
        self_points = None if survey_leaf or not node_result.answered else node_result.points
        if not node.is_leaf:
            self_points = node_result.points
        point = points.get(node.code)
        contribution = by_code.get(node.code)
        category = ""
        if node.is_leaf and point is not None:
            category = _category(node, point, self_points)
        if (
            node.is_leaf
            and result.level == ResultLevel.NODE
            and node.code not in appraised
            and engine.nodes[_top(engine, node)].code in appraised
        ):
            missing.append(node.code)
        lines.append(
            CompareRow(
                node=node,
                self_points=self_points,
                appraised=appraised.get(node.code),
                appraised_own=(
                    own.get(node.code, ZERO)
                    if node.code in from_leaves and not (node.is_leaf and node.code in survey)
                    else None
                ),
                appraised_survey=surveyed.get(node.code),
                category=category,
                reason=point.reason if point is not None else "",
                contribution=contribution,
                task=tasks.get(task_ref(assessment, node.code)),
            )
        )
    area_codes = [area.code for area in engine.areas]
    total = (
        sum((appraised[code] for code in area_codes), ZERO)
        if all(code in appraised for code in area_codes)
        else None
    )
    return Comparison(
        result=result,
        rows=lines,
        self_total=scored.total,
        appraised_total=total,
        max_total=engine.info.max_total,
        missing=missing,
    )


def _top(engine: EngineFramework, node: Node) -> str:
    return selectors.area_of(engine, node.code)
