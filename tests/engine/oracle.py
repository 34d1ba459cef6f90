"""The test oracle: the engine's former per-unit `Decimal` arithmetic, kept to check the new one.

This is the scoring, ranking and comparison code the engine ran before it became one batch
computation in fixed-point integers (parindex/engine/batch/). It scores one unit at a time
with `Decimal` end to end, exactly as the published figures were computed, and is used only
by the tests (tests/engine/test_oracle.py compares every figure of both, exactly). Do not
"fix" it to match the engine: it is the reference. The rules themselves (`Rule.score`) are
the engine's, which keep their `Decimal` arithmetic for single entries.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from parindex.engine import (
    ClassBand,
    Framework,
    GroupRanking,
    NodeChange,
    NodeInput,
    NodeResult,
    RuleInputError,
    UnitResult,
    previous_codes_for,
)
from parindex.engine.numbers import ZERO, format_number, percent_of
from parindex.engine.scoring import InputProblem

K = TypeVar("K", bound=Hashable)
_NOT_ANSWERED = "Chưa chấm"


def score_unit(framework: Framework, unit: str, inputs: Mapping[str, NodeInput]) -> UnitResult:
    """Score `unit` node by node in `Decimal`: leaves through their rules, parents children-first."""
    results: dict[str, NodeResult] = {}
    problems: list[InputProblem] = []
    for node in framework.walk():
        if not node.is_leaf:
            continue
        assert node.rule is not None
        entry = inputs.get(node.code)
        if entry is None:
            results[node.code] = NodeResult(
                node.code, node.max_points, ZERO, ZERO, ZERO, ZERO, _NOT_ANSWERED, False
            )
            continue
        try:
            outcome = node.rule.score(entry.values)
        except RuleInputError as error:
            problems.append(InputProblem(unit, node.code, error.field, str(error)))
            results[node.code] = NodeResult(
                node.code, node.max_points, ZERO, ZERO, ZERO, ZERO, str(error), False, str(error)
            )
            continue
        points, explanation = outcome.points, outcome.explanation
        needs_evidence = node.evidence_required and node.source == "self"
        if needs_evidence and not (entry.has_evidence or entry.explanation_accepted):
            explanation = (
                f"Không có tài liệu kiểm chứng → 0/{format_number(node.max_points)} điểm"
                f" (kết quả nhập: {explanation})"
            )
            points = ZERO
        if node.kind == "standard":
            parts = (points, ZERO, ZERO)
        elif node.kind == "bonus":
            parts = (ZERO, points, ZERO)
        else:
            parts = (ZERO, ZERO, points)
        results[node.code] = NodeResult(
            node.code, node.max_points, *parts, points, explanation, True
        )

    for node in reversed(list(framework.walk())):  # children before parents
        if node.is_leaf:
            continue
        kinds = {code: framework.nodes[code].kind for code in node.children}
        standard = [code for code in node.children if kinds[code] == "standard"]
        other = [code for code in node.children if kinds[code] != "standard"]
        answered = True
        base = bonus = penalty = ZERO
        best: NodeResult | None = None
        for code in standard:
            child = results[code]
            answered = answered and child.answered
            bonus += child.bonus
            penalty += child.penalty
            if node.alternatives:
                if best is None or child.base > best.base:
                    best = child
            else:
                base += child.base
        for code in other:
            child = results[code]
            answered = answered and child.answered
            bonus += child.bonus
            penalty += child.penalty
        if best is not None:
            base = best.base
            explanation = f"Lấy mục con cao nhất «{best.code}»"
        else:
            explanation = f"Cộng điểm {len(standard)} mục con"
        if node.kind == "standard":
            points = max(base + bonus - penalty, ZERO)
        elif node.kind == "bonus":
            bonus = min(bonus, node.max_points)
            points = bonus
        else:
            penalty = min(penalty, node.max_points)
            points = penalty
        if bonus:
            explanation += f", thưởng {format_number(bonus)}"
        if penalty:
            explanation += f", trừ {format_number(penalty)}"
        results[node.code] = NodeResult(
            node.code, node.max_points, base, bonus, penalty, points, explanation, answered
        )

    ordered = {code: results[code] for code in framework.nodes}
    roots = [framework.nodes[code] for code in framework.roots]
    base = sum((ordered[root.code].base for root in roots if root.kind == "standard"), ZERO)
    bonus = sum((ordered[root.code].bonus for root in roots), ZERO)
    penalty = sum((ordered[root.code].penalty for root in roots), ZERO)
    total = max(base + bonus - penalty, ZERO)
    info = framework.info
    return UnitResult(
        unit=unit,
        framework=framework,
        nodes=ordered,
        base=base,
        bonus=bonus,
        penalty=penalty,
        total=total,
        index=percent_of(total, info.max_total, info.index_places),
        problems=tuple(problems),
    )


def competition_ranks(values: Mapping[K, Decimal]) -> dict[K, int]:
    ordered = sorted(values.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in values.items()}


def classify(index: Decimal, bands: Sequence[ClassBand]) -> str:
    for band in sorted(bands, key=lambda band: band.min_percent, reverse=True):
        if index >= band.min_percent:
            return band.label
    return ""


def rank_group(results: Sequence[UnitResult]) -> GroupRanking:
    framework = results[0].framework
    by_unit = {result.unit: result for result in results}
    ranks = competition_ranks({unit: result.total for unit, result in by_unit.items()})
    bands = framework.info.class_bands
    classes = {unit: classify(result.index, bands) for unit, result in by_unit.items()}
    area_ranks = {
        area.code: competition_ranks(
            {unit: result.nodes[area.code].points for unit, result in by_unit.items()}
        )
        for area in framework.areas
    }
    return GroupRanking(framework, by_unit, ranks, classes, area_ranks)


def area_changes(
    current: GroupRanking, previous: GroupRanking, unit: str, previous_unit: str
) -> list[NodeChange]:
    """The former `compare_unit`'s area changes of one unit (totals and ranks are plain reads)."""
    framework, old_framework = current.framework, previous.framework
    result, old_result = current.results[unit], previous.results[previous_unit]
    places = framework.info.index_places
    changes = []
    for area in framework.areas:
        node_result = result.nodes[area.code]
        percent = percent_of(node_result.points, area.max_points, places)
        old_codes = previous_codes_for(area.code, framework, old_framework)
        rank = current.area_ranks[area.code][unit]
        missing = [old for old in old_codes if old not in old_framework.nodes]
        if not old_codes or missing:
            changes.append(
                NodeChange(
                    area.code, area.title, old_codes, node_result.points, area.max_points,
                    percent, None, None, None, rank=rank, reason="-",
                )
            )  # fmt: skip
            continue
        old_points = sum((old_result.nodes[old].points for old in old_codes), ZERO)
        old_max = sum((old_framework.nodes[old].max_points for old in old_codes), ZERO)
        old_rank = None
        if len(old_codes) == 1 and old_codes[0] in previous.area_ranks:
            old_rank = previous.area_ranks[old_codes[0]][previous_unit]
        changes.append(
            NodeChange(
                area.code, area.title, old_codes, node_result.points, area.max_points, percent,
                old_points, old_max, percent_of(old_points, old_max, places),
                rank=rank, previous_rank=old_rank,
            )
        )  # fmt: skip
    return changes
