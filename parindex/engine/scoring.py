"""Scoring one unit against a framework.

Every leaf's entry goes through its rule; parents add up their children (or take
the best child when the children are alternatives). Bonus nodes add points above
the maximum and penalty nodes take points away; both are kept apart in the result
so that reports can flag them. The unit's total is floored at zero.

Rounding: points keep the precision the rules give them (rules round computed
points to the framework's `points_places`, 4 by default); the index and every
percentage are rounded half-up to the framework's `index_places` (2 by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .errors import RuleInputError
from .model import Framework, Node
from .numbers import ZERO, format_number, percent_of
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
        return sum(1 for node in self.framework.leaves() if self.nodes[node.code].answered)


class _Leaf(NamedTuple):
    code: str
    rule: Rule
    kind: str
    max_points: Decimal
    needs_evidence: bool


class _Parent(NamedTuple):
    code: str
    kind: str
    max_points: Decimal
    alternatives: bool
    standard_children: tuple[str, ...]
    other_children: tuple[str, ...]


class _Plan:
    """The framework flattened for scoring: leaves, then parents children-first."""

    def __init__(self, framework: Framework) -> None:
        self.order = tuple(framework.nodes)
        self.leaves: list[_Leaf] = []
        parents: list[_Parent] = []
        for node in framework.walk():
            if node.is_leaf:
                assert node.rule is not None
                self.leaves.append(
                    _Leaf(
                        node.code,
                        node.rule,
                        node.kind,
                        node.max_points,
                        node.evidence_required and node.source == "self",
                    )
                )
            else:
                parents.append(self._parent(framework, node))
        parents.reverse()  # document order is parent-first; scoring needs children first
        self.parents = parents
        self.roots_standard = tuple(
            code for code in framework.roots if framework.nodes[code].kind == "standard"
        )
        self.roots_other = tuple(
            code for code in framework.roots if framework.nodes[code].kind != "standard"
        )

    @staticmethod
    def _parent(framework: Framework, node: Node) -> _Parent:
        kinds = {code: framework.nodes[code].kind for code in node.children}
        return _Parent(
            node.code,
            node.kind,
            node.max_points,
            node.alternatives,
            tuple(code for code in node.children if kinds[code] == "standard"),
            tuple(code for code in node.children if kinds[code] != "standard"),
        )


_plans: dict[int, tuple[Framework, _Plan]] = {}


def _plan_for(framework: Framework) -> _Plan:
    cached = _plans.get(id(framework))
    if cached is not None and cached[0] is framework:
        return cached[1]
    plan = _Plan(framework)
    if len(_plans) > 64:
        _plans.clear()
    _plans[id(framework)] = (framework, plan)
    return plan


_NOT_ANSWERED = "Chưa chấm"
_OUTCOME_CACHE_SIZE = 4096


def _score_cached(rule: Rule, values: Mapping[str, Any]) -> Outcome:
    """A rule's outcome is a pure function of the entered values; units of a group often
    enter the same ones (yes/no, an option, a count), so each rule remembers recent outcomes."""
    try:
        key = tuple(sorted(values.items()))
        hash(key)
    except TypeError:  # an unhashable value: score it directly
        return rule.score(values)
    cache: dict[tuple[Any, ...], Outcome] = rule.__dict__.setdefault("_outcomes", {})
    outcome = cache.get(key)
    if outcome is None:
        outcome = rule.score(values)
        if len(cache) >= _OUTCOME_CACHE_SIZE:
            cache.clear()
        cache[key] = outcome
    return outcome


def score_unit(
    framework: Framework,
    unit: str,
    inputs: Mapping[str, NodeInput],
) -> UnitResult:
    """Score `unit` from its `inputs` (by node code). Leaves without input score 0, unanswered.

    An entry that does not fit its rule scores 0 and is listed in `problems`.
    """
    plan = _plan_for(framework)
    # Keys laid out in document order first, so the result needs no reordering at the end.
    results: dict[str, NodeResult] = dict.fromkeys(plan.order)  # type: ignore[assignment]
    problems: list[InputProblem] = []

    for leaf in plan.leaves:
        entry = inputs.get(leaf.code)
        if entry is None:
            results[leaf.code] = NodeResult(
                leaf.code, leaf.max_points, ZERO, ZERO, ZERO, ZERO, _NOT_ANSWERED, False
            )
            continue
        try:
            outcome = _score_cached(leaf.rule, entry.values)
        except RuleInputError as error:
            problems.append(InputProblem(unit, leaf.code, error.field, str(error)))
            results[leaf.code] = NodeResult(
                leaf.code, leaf.max_points, ZERO, ZERO, ZERO, ZERO, str(error), False, str(error)
            )
            continue
        points, explanation = outcome.points, outcome.explanation
        if leaf.needs_evidence and not (entry.has_evidence or entry.explanation_accepted):
            explanation = (
                f"Không có tài liệu kiểm chứng → 0/{format_number(leaf.max_points)} điểm"
                f" (kết quả nhập: {explanation})"
            )
            points = ZERO
        if leaf.kind == "standard":
            results[leaf.code] = NodeResult(
                leaf.code, leaf.max_points, points, ZERO, ZERO, points, explanation, True
            )
        elif leaf.kind == "bonus":
            results[leaf.code] = NodeResult(
                leaf.code, leaf.max_points, ZERO, points, ZERO, points, explanation, True
            )
        else:
            results[leaf.code] = NodeResult(
                leaf.code, leaf.max_points, ZERO, ZERO, points, points, explanation, True
            )

    for parent in plan.parents:
        # One pass per parent: this loop runs for every parent of every unit.
        answered = True
        base = bonus = penalty = ZERO
        best: NodeResult | None = None
        for code in parent.standard_children:
            child = results[code]
            answered = answered and child.answered
            bonus += child.bonus
            penalty += child.penalty
            if parent.alternatives:
                if best is None or child.base > best.base:
                    best = child
            else:
                base += child.base
        for code in parent.other_children:
            child = results[code]
            answered = answered and child.answered
            bonus += child.bonus
            penalty += child.penalty
        if best is not None:
            base = best.base
            explanation = f"Lấy mục con cao nhất «{best.code}»"
        else:
            explanation = f"Cộng điểm {len(parent.standard_children)} mục con"
        if parent.kind == "standard":
            points = max(base + bonus - penalty, ZERO)
        else:
            # A bonus or penalty group never counts more than its own maximum.
            if parent.kind == "bonus":
                bonus = min(bonus, parent.max_points)
                points = bonus
            else:
                penalty = min(penalty, parent.max_points)
                points = penalty
        if bonus:
            explanation += f", thưởng {format_number(bonus)}"
        if penalty:
            explanation += f", trừ {format_number(penalty)}"
        results[parent.code] = NodeResult(
            parent.code, parent.max_points, base, bonus, penalty, points, explanation, answered
        )

    base = sum((results[code].base for code in plan.roots_standard), ZERO)
    roots = plan.roots_standard + plan.roots_other
    bonus = sum((results[code].bonus for code in roots), ZERO)
    penalty = sum((results[code].penalty for code in roots), ZERO)
    total = max(base + bonus - penalty, ZERO)
    info = framework.info
    index = percent_of(total, info.max_total, info.index_places)
    return UnitResult(
        unit=unit,
        framework=framework,
        nodes=results,
        base=base,
        bonus=bonus,
        penalty=penalty,
        total=total,
        index=index,
        problems=tuple(problems),
    )
