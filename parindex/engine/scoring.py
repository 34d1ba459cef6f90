"""Scored units as the rest of the code reads them: `UnitResult`, `NodeResult`, `score_unit`.

Every leaf's entry goes through its rule; parents add up their children (or take
the best child when the children are alternatives). Bonus nodes add points above
the maximum and penalty nodes take points away; both are kept apart in the result
so that reports can flag them. The unit's total is floored at zero.

The arithmetic is the batch engine's (`batch/`, every unit of a group at once in
fixed-point integers); this module is its `Decimal` edge. `unit_results(scores)` gives
each unit's `UnitResult` with `Decimal` figures equal, digit for digit and exponent for
exponent, to the per-unit `Decimal` arithmetic the engine used to run; a node's
`NodeResult` (and its Vietnamese explanation) is built only when it is read.
`score_unit` is `score_group` for a group of one.

Rounding: points keep the precision the rules give them (rules round computed
points to the framework's `points_places`, 4 by default); the index and every
percentage are rounded half-up to the framework's `index_places` (2 by default).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .batch import INVALID, UNANSWERED, GroupScores, score_group, values_key
from .model import Framework
from .numbers import ZERO, format_number, percent_of, unscaled
from .rules import Outcome, Rule


@dataclass(frozen=True, slots=True)
class NodeInput:
    """What was entered for one leaf, and whether it is backed by evidence.

    `explanation_accepted` is a written explanation accepted in place of evidence
    ("Các tiêu chí không có tài liệu kiểm chứng thì sẽ không được tính điểm").
    """

    values: Mapping[str, Any]
    has_evidence: bool = False
    explanation_accepted: bool = False


class NodeResult(NamedTuple):
    """Points of one node. `base` counts within the maximum; bonus and penalty sit apart."""

    code: str
    max_points: Decimal
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    points: Decimal  # max(0, base + bonus - penalty) for standard nodes; own points otherwise
    explanation: str
    answered: bool
    error: str = ""

    @property
    def lost(self) -> Decimal:
        """Points below the maximum (headroom) of a standard node."""
        return self.max_points - self.base

    def percent(self, places: int = 2) -> Decimal:
        return percent_of(self.base, self.max_points, places)


class InputProblem(NamedTuple):
    """An entry that did not fit its rule; the node then scores 0."""

    unit: str
    code: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.unit}, mục {self.code}" + (f", ô «{self.field}»" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class UnitResult:
    """The scored unit: every node, the total and the index."""

    unit: str
    framework: Framework
    nodes: Mapping[str, NodeResult]
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    index: Decimal
    problems: tuple[InputProblem, ...] = ()
    # The group's integers this result was read from: ranking a group's results uses them
    # directly. Not constructor arguments, so that results built elsewhere (published
    # figures) or copied with `dataclasses.replace` (figures changed) never claim them.
    _scores: GroupScores | None = field(default=None, init=False, repr=False, compare=False)
    _column: int = field(default=-1, init=False, repr=False, compare=False)

    @property
    def max_total(self) -> Decimal:
        return self.framework.info.max_total

    @property
    def areas(self) -> tuple[NodeResult, ...]:
        return tuple(self.nodes[area.code] for area in self.framework.areas)

    def percent(self, code: str) -> Decimal:
        return self.nodes[code].percent(self.framework.info.index_places)

    @property
    def answered(self) -> int:
        if self._scores is not None:
            return int((self._scores.inputs.state[:, self._column] == 1).sum())
        return sum(1 for node in self.framework.leaves() if self.nodes[node.code].answered)


_NOT_ANSWERED = "Chưa chấm"
_OUTCOME_CACHE_SIZE = 4096


def _explain(rule: Rule, values: Mapping[str, Any]) -> str:
    """The rule's sentence for `values`; remembered per rule (units often enter the same)."""
    key = values_key(values)
    if key is None:  # an unhashable value: explained directly
        return rule.score(values).explanation
    cache: dict[tuple[Any, ...], Outcome] = rule.__dict__.setdefault("_outcomes", {})
    outcome = cache.get(key)
    if outcome is None:
        outcome = rule.score(values)
        if len(cache) >= _OUTCOME_CACHE_SIZE:
            cache.clear()
        cache[key] = outcome
    return outcome.explanation


class _Nodes(Mapping[str, NodeResult]):
    """A unit's `NodeResult`s in document order, each built (with its explanation) when read."""

    def __init__(self, scores: GroupScores, column: int) -> None:
        self._scores = scores
        self._column = column
        self._built: dict[str, NodeResult] = {}

    def __getitem__(self, code: str) -> NodeResult:
        found = self._built.get(code)
        if found is None:
            found = self._built[code] = _node_result(self._scores, self._column, code)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._scores.framework.nodes)

    def __len__(self) -> int:
        return len(self._scores.framework.nodes)

    def __contains__(self, code: object) -> bool:
        return code in self._scores.framework.nodes

    def __repr__(self) -> str:
        return f"<nodes of {self._scores.units[self._column]}>"


def _entered_values(scores: GroupScores, leaf: int, column: int) -> Mapping[str, Any]:
    """The entry of a leaf as its rule reads it, rebuilt from the group's integers."""
    inputs = scores.inputs
    kind = scores.layout.leaf_kinds[leaf]
    a, b, e = int(inputs.a[leaf, column]), int(inputs.b[leaf, column]), int(inputs.e[leaf, column])
    rule = scores.layout.rules[leaf]
    if kind == "choice":
        options: Any = getattr(rule, "options", {})
        return {"option": list(options)[a]}
    if kind in ("ratio", "bands"):
        if inputs.percent[leaf, column]:
            return {"percent": Decimal(a).scaleb(-e)}
        return {"numerator": Decimal(a).scaleb(-e), "denominator": Decimal(b).scaleb(-e)}
    if kind == "deduction":
        return {"count": unscaled(a, 0, e)}
    if kind == "boolean":
        return {"value": bool(a)}
    if kind == "manual":
        return {"points": unscaled(a, scores.scale, e)}
    return inputs.outcome_values[(leaf, column)]


def _node_result(scores: GroupScores, column: int, code: str) -> NodeResult:
    layout, details, scale = scores.layout, scores.details, scores.scale
    row = layout.row[code]
    node = scores.framework.nodes[code]

    def figure(values: Any, exps: Any) -> Decimal:
        return unscaled(int(values[row, column]), scale, int(exps[row, column]))

    base = figure(scores.base, details.base)
    bonus = figure(scores.bonus, details.bonus)
    penalty = figure(scores.penalty, details.penalty)
    points = figure(scores.points, details.points)
    answered = bool(details.answered[row, column])
    if node.is_leaf:
        leaf = layout.leaf[code]
        state = int(scores.inputs.state[leaf, column])
        if state == UNANSWERED:
            return NodeResult(code, node.max_points, ZERO, ZERO, ZERO, ZERO, _NOT_ANSWERED, False)
        if state == INVALID:
            message = scores.inputs.errors[(leaf, column)][1]
            return NodeResult(
                code, node.max_points, ZERO, ZERO, ZERO, ZERO, message, False, message
            )
        assert node.rule is not None
        explanation = _explain(node.rule, _entered_values(scores, leaf, column))
        needs_evidence = node.evidence_required and node.source == "self"
        if needs_evidence and not scores.inputs.evidence[leaf, column]:
            explanation = (
                f"Không có tài liệu kiểm chứng → 0/{format_number(node.max_points)} điểm"
                f" (kết quả nhập: {explanation})"
            )
        return NodeResult(
            code, node.max_points, base, bonus, penalty, points, explanation, answered
        )
    best = details.best.get(row)
    if best is not None:
        explanation = f"Lấy mục con cao nhất «{layout.codes[int(best[column])]}»"
    else:
        standard = sum(
            1 for child in node.children if scores.framework.nodes[child].kind == "standard"
        )
        explanation = f"Cộng điểm {standard} mục con"
    if bonus:
        explanation += f", thưởng {format_number(bonus)}"
    if penalty:
        explanation += f", trừ {format_number(penalty)}"
    return NodeResult(code, node.max_points, base, bonus, penalty, points, explanation, answered)


def unit_result(scores: GroupScores, column: int) -> UnitResult:
    """The public result of the unit in column `column` of `scores`."""
    details, scale = scores.details, scores.scale
    info = scores.framework.info
    unit = scores.units[column]

    def figure(values: Any, exps: Any) -> Decimal:
        return unscaled(int(values[column]), scale, int(exps[column]))

    index = (
        ZERO
        if info.max_total == 0
        else unscaled(int(scores.index[column]), info.index_places, -info.index_places)
    )
    result = UnitResult(
        unit=unit,
        framework=scores.framework,
        nodes=_Nodes(scores, column),
        base=figure(scores.unit_base, details.unit_base),
        bonus=figure(scores.unit_bonus, details.unit_bonus),
        penalty=figure(scores.unit_penalty, details.unit_penalty),
        total=figure(scores.total, details.total),
        index=index,
        problems=tuple(
            InputProblem(unit, code, field_name, message)
            for code, field_name, message in scores.inputs.problems(column)
        ),
    )
    object.__setattr__(result, "_scores", scores)  # frozen: set once, here
    object.__setattr__(result, "_column", column)
    return result


def unit_results(scores: GroupScores) -> list[UnitResult]:
    """Every unit's public result, in `scores.units` order."""
    return [unit_result(scores, column) for column in range(len(scores.units))]


def score_unit(
    framework: Framework,
    unit: str,
    inputs: Mapping[str, NodeInput],
) -> UnitResult:
    """Score `unit` from its `inputs` (by node code). Leaves without input score 0, unanswered.

    An entry that does not fit its rule scores 0 and is listed in `problems`. To score a
    whole group, `score_group` (then `unit_results`) does it at once, much faster.
    """
    return unit_result(score_group(framework, {unit: inputs}), 0)
