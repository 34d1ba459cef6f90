"""The rank-gain planner: the least effort that takes a unit to a rank, a class or a total.

Given a framework, every unit's current results, the unit to improve (with its
entries) and a target, the planner finds the cheapest set of leaf improvements that
reaches the target while the other units keep their totals (or the projected totals
the caller gives). "Cheapest" is by an effort model: a cost per point for each leaf
and a feasible ceiling.

Effort defaults (relative units, not money; a caller passes its own per node):

| rule | cost per point | why |
|---|---|---|
| `boolean`, `choice`, `manual` | 1 | a task done or a document issued: one-off work |
| `deduction` | 1.5 | fewer violations need steady compliance over the year |
| `ratio`, `bands` | 2 | a rate moves only through many cases (dossiers, answers) |

The ceiling of a leaf defaults to its maximum; callers may lower it (a data-scored
rate's reachable value through `levels.points_at_rate`, or a survey node's upper
interval bound). Bonus and penalty nodes are held as they are.

Method: an exact mixed-integer programme solved by `scipy.optimize.milp` (HiGHS).
Points are scaled to integers (10^s, s the most decimals of the points, levels, steps and
maxima; the target total is rounded up to that grid, which the base cannot fall between),
so the programme is exact: a grid leaf (`ratio`, `manual`) gains k integer steps of
its grid, a discrete leaf (`choice`, `boolean`, `bands`, `deduction`) picks at most one
of its levels above the current one (one binary per level), a ratio below its
zero-below threshold may only jump to the threshold's points or above (a binary that
switches the gain on). A parent adds up its children but is capped at its maximum (a
variable ≤ the sum and ≤ the maximum, created where the cap could bind); a parent of
alternatives takes its best child (a variable ≤ each child + M·(1 − chosen), one child
chosen). The total is the roots' sum plus the held bonus minus penalty, and must reach
the target's total. When no plan reaches it, a first programme finds the highest
reachable total and the second the least effort to it: the plan then says
"unreachable" with the best reachable result.

The solver proposes, the engine judges: every planned leaf gets an entry that its rule
scores at exactly the planned points (`levels.entry_for`), the unit is rescored with
`score_unit`, and ranks and classes come from the engine's `competition_ranks` and
`classify`. A plan whose rescoring disagrees with the solver is an error, not a result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from parindex.engine import (
    Framework,
    NodeInput,
    UnitResult,
    classify,
    competition_ranks,
    score_unit,
)

from .errors import PlanningError
from .levels import LeafOptions, entry_for, leaf_options

ZERO = Decimal(0)
DEFAULT_COSTS: Mapping[str, Decimal] = {
    "boolean": Decimal(1),
    "choice": Decimal(1),
    "manual": Decimal(1),
    "deduction": Decimal("1.5"),
    "ratio": Decimal(2),
    "bands": Decimal(2),
}
MAX_SCALE = 12  # decimals; beyond this the integer model would lose exactness in HiGHS


# --- targets and the effort model -------------------------------------------------------------


@dataclass(frozen=True)
class RankTarget:
    """Rank `rank` or better (ties share the better rank)."""

    rank: int

    def describe(self) -> str:
        return f"hạng {self.rank}"


@dataclass(frozen=True)
class ClassTarget:
    """The class `label` or better (read from the published, rounded index)."""

    label: str

    def describe(self) -> str:
        return f"loại {self.label}"


@dataclass(frozen=True)
class PointsTarget:
    """A total of at least `total` points."""

    total: Decimal

    def describe(self) -> str:
        return f"tổng {self.total} điểm"


Target = RankTarget | ClassTarget | PointsTarget


@dataclass(frozen=True)
class EffortModel:
    """Cost per point and feasible ceiling of each leaf, by node code; defaults by rule."""

    costs: Mapping[str, Decimal] = field(default_factory=dict)
    ceilings: Mapping[str, Decimal] = field(default_factory=dict)
    fixed: frozenset[str] = frozenset()  # leaves not to touch
    default_costs: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_COSTS))

    def cost(self, code: str, rule: str) -> Decimal:
        if code in self.costs:
            return self.costs[code]
        return self.default_costs.get(rule, Decimal(1))


# --- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Total, index, rank (among the group as planned) and class of the unit."""

    total: Decimal
    index: Decimal
    rank: int
    of: int
    class_: str


@dataclass(frozen=True)
class PlanStep:
    """One leaf to improve: from → to points, the gain, its effort, and the entry to make."""

    code: str
    title: str
    rule: str
    from_points: Decimal
    to_points: Decimal
    gain: Decimal
    effort: Decimal
    values: Mapping[str, Any]


@dataclass(frozen=True)
class UnitPlan:
    """The least-effort plan; `reachable` False means `after` is the best reachable result."""

    unit: str
    target: Target
    needed_total: Decimal  # the least total that meets the target
    reachable: bool
    steps: tuple[PlanStep, ...]
    effort: Decimal
    before: Standing
    after: Standing
    result: UnitResult  # the unit rescored by the engine with the plan's entries
    inputs: Mapping[str, NodeInput]  # the unit's entries with the plan applied

    @property
    def gain(self) -> Decimal:
        return self.after.total - self.before.total


# --- the target as a total --------------------------------------------------------------------


def _other_totals(
    results: Sequence[UnitResult], unit: str, projected: Mapping[str, Decimal] | None
) -> dict[str, Decimal]:
    totals = {result.unit: result.total for result in results if result.unit != unit}
    for name, total in (projected or {}).items():
        if name == unit:
            raise PlanningError(f"tổng dự kiến chỉ dành cho các đơn vị khác, không cho «{unit}»")
        if name not in totals:
            raise PlanningError(f"không có đơn vị «{name}» trong nhóm")
        totals[name] = total
    return totals


def needed_total(framework: Framework, others: Mapping[str, Decimal], target: Target) -> Decimal:
    """The least total that meets `target` against the others' totals."""
    if isinstance(target, RankTarget):
        if not 1 <= target.rank <= len(others) + 1:
            raise PlanningError(f"hạng mục tiêu phải từ 1 đến {len(others) + 1}")
        ordered = sorted(others.values(), reverse=True)
        # Ties share the better rank: reaching the total now at `rank` is enough.
        return ordered[target.rank - 1] if target.rank <= len(ordered) else ZERO
    if isinstance(target, ClassTarget):
        info = framework.info
        bands = {band.label: band.min_percent for band in info.class_bands}
        if target.label not in bands:
            raise PlanningError(
                f"không có loại «{target.label}» (có: {', '.join(bands) or 'không loại nào'})"
            )
        half_unit = Decimal(5).scaleb(-(info.index_places + 1))
        return max((bands[target.label] - half_unit) * info.max_total / 100, ZERO)
    return target.total


def _standing(framework: Framework, result: UnitResult, others: Mapping[str, Decimal]) -> Standing:
    ranks = competition_ranks({**others, result.unit: result.total})
    return Standing(
        total=result.total,
        index=result.index,
        rank=ranks[result.unit],
        of=len(others) + 1,
        class_=classify(result.index, framework.info.class_bands),
    )


# --- the mixed-integer programme --------------------------------------------------------------


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass
class _Expression:
    """A linear form over the variables plus a constant, in scaled integer points."""

    coefficients: dict[int, int]
    constant: int
    high: int  # the most it can be

    @property
    def varies(self) -> bool:
        return bool(self.coefficients)


@dataclass
class _Leaf:
    code: str
    options: LeafOptions
    cost: Decimal
    variables: list[tuple[int, Decimal]]  # (variable, gain in points per unit of it)
    switch: int | None = None  # the binary that allows a ratio's jump to its floor


class _Model:
    def __init__(self, scale: int) -> None:
        self.factor = 10**scale
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integral: list[int] = []
        self.cost: list[float] = []
        self.rows: list[tuple[dict[int, int], float, float]] = []

    def scaled(self, value: Decimal) -> int:
        scaled = value * self.factor
        if scaled != scaled.to_integral_value():
            raise PlanningError(f"{value} có nhiều chữ số thập phân hơn mô hình")
        return int(scaled)

    def variable(self, upper: float, *, integral: bool, cost: float = 0.0) -> int:
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integral.append(1 if integral else 0)
        self.cost.append(cost)
        return len(self.lower) - 1

    def row(self, coefficients: Mapping[int, int], lower: float, upper: float) -> None:
        self.rows.append((dict(coefficients), lower, upper))

    def solve(self, objective: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float64]] | None:
        size = len(self.lower)
        if size == 0:  # nothing can move: the current entries are the only solution
            return np.zeros(0)
        matrix = np.zeros((len(self.rows), size))
        for row_index, (coefficients, _, _) in enumerate(self.rows):
            for column, value in coefficients.items():
                matrix[row_index, column] += value
        constraints = (
            [
                LinearConstraint(
                    matrix,
                    np.array([row[1] for row in self.rows]),
                    np.array([row[2] for row in self.rows]),
                )
            ]
            if self.rows
            else []
        )
        outcome = milp(
            np.asarray(objective, dtype=float),
            integrality=np.asarray(self.integral),
            bounds=Bounds(np.asarray(self.lower), np.asarray(self.upper)),
            constraints=constraints,
            options={"disp": False, "mip_rel_gap": 0.0, "time_limit": 120.0},
        )
        if outcome.status == 2:  # infeasible
            return None
        if outcome.x is None:
            raise PlanningError(f"bộ giải HiGHS không tìm được lời giải: {outcome.message}")
        return np.asarray(outcome.x, dtype=float)


class _Builder:
    """Turns the framework, the unit's result and the effort model into a `_Model`."""

    def __init__(
        self, framework: Framework, result: UnitResult, effort: EffortModel, scale: int
    ) -> None:
        self.framework = framework
        self.result = result
        self.model = _Model(scale)
        self.leaves: dict[str, _Leaf] = {}
        self.effort = effort

    def leaf(self, code: str, options: LeafOptions) -> _Expression:
        model = self.model
        current = model.scaled(options.current)
        if not options.improvable:
            return _Expression({}, current, current)
        cost = self.effort.cost(code, options.rule)
        leaf = _Leaf(code, options, cost, [])
        coefficients: dict[int, int] = {}
        if options.discrete:
            choice_row: dict[int, int] = {}
            for level in options.levels:
                gain = level - options.current
                variable = model.variable(1, integral=True, cost=float(cost * gain))
                leaf.variables.append((variable, gain))
                coefficients[variable] = model.scaled(gain)
                choice_row[variable] = 1
            model.row(choice_row, -math.inf, 1)  # at most one level
        else:
            assert options.step is not None
            assert options.top is not None
            steps = int((options.top - options.current) / options.step)
            variable = model.variable(steps, integral=True, cost=float(cost * options.step))
            leaf.variables.append((variable, options.step))
            coefficients[variable] = model.scaled(options.step)
            if options.floor is not None:
                # Below a ratio's zero-below threshold: no gain, or at least up to the floor.
                switch = model.variable(1, integral=True)
                leaf.switch = switch
                floor_steps = math.ceil((options.floor - options.current) / options.step)
                model.row({variable: 1, switch: -steps}, -math.inf, 0)
                model.row({variable: 1, switch: -floor_steps}, 0, math.inf)
        self.leaves[code] = leaf
        return _Expression(coefficients, current, model.scaled(options.best))

    def node(self, code: str, options: Mapping[str, LeafOptions]) -> _Expression:
        node = self.framework.nodes[code]
        model = self.model
        if node.is_leaf:
            if code in options:
                return self.leaf(code, options[code])
            base = model.scaled(self.result.nodes[code].base)
            return _Expression({}, base, base)
        children = [
            self.node(child, options)
            for child in node.children
            if self.framework.nodes[child].kind == "standard"
        ]
        cap = model.scaled(node.max_points)
        if not any(child.varies for child in children):
            base = model.scaled(self.result.nodes[code].base)
            return _Expression({}, base, base)
        if node.alternatives:
            value = model.variable(cap, integral=False)
            chosen_row: dict[int, int] = {}
            for child in children:
                chosen = model.variable(1, integral=True)
                chosen_row[chosen] = 1
                # value ≤ child + cap · (1 − chosen)
                row = {value: 1, chosen: cap}
                for variable, coefficient in child.coefficients.items():
                    row[variable] = row.get(variable, 0) - coefficient
                model.row(row, -math.inf, cap + child.constant)
            model.row(chosen_row, 1, 1)
            return _Expression({value: 1}, 0, min(cap, max(child.high for child in children)))
        total = _Expression({}, 0, 0)
        for child in children:
            for variable, coefficient in child.coefficients.items():
                total.coefficients[variable] = total.coefficients.get(variable, 0) + coefficient
            total.constant += child.constant
            total.high += child.high
        if total.high <= cap:
            return total
        # The parent counts at most its maximum: gains beyond it are worth nothing.
        value = model.variable(cap, integral=False)
        row = {value: 1}
        for variable, coefficient in total.coefficients.items():
            row[variable] = -coefficient
        model.row(row, -math.inf, total.constant)
        return _Expression({value: 1}, 0, min(cap, total.high))


def _leaf_options(
    framework: Framework, result: UnitResult, effort: EffortModel
) -> dict[str, LeafOptions]:
    options: dict[str, LeafOptions] = {}
    for node in framework.leaves():
        if node.kind != "standard" or node.code in effort.fixed or node.rule is None:
            continue
        cost = effort.cost(node.code, node.rule.name)
        if cost < 0:
            raise PlanningError(f"công sức mỗi điểm của «{node.code}» không được âm")
        try:
            leaf = leaf_options(
                node.rule, result.nodes[node.code].base, effort.ceilings.get(node.code)
            )
        except PlanningError:
            continue  # a rule whose levels are unknown is held as it is
        if leaf.improvable:
            options[node.code] = leaf
    for code in effort.ceilings:
        if code not in framework.nodes or not framework.nodes[code].is_leaf:
            raise PlanningError(f"mức trần cho «{code}»: không có mục lá này")
    return options


def _scale_for(values: Sequence[Decimal]) -> int:
    scale = max((_decimals(value) for value in values), default=0)
    if scale > MAX_SCALE:
        raise PlanningError(
            f"số có quá {MAX_SCALE} chữ số thập phân; làm tròn trước khi lập kế hoạch"
        )
    return scale


def _figures(
    framework: Framework, result: UnitResult, options: Mapping[str, LeafOptions]
) -> list[Decimal]:
    # Not the target: the base can only take values on this grid, so the target is rounded
    # up to it (exact, and it keeps the integers small for HiGHS).
    figures = [node.max_points for node in framework.walk()]
    figures += [result.nodes[code].base for code in framework.nodes]
    for leaf in options.values():
        figures += [leaf.current, *leaf.levels]
        if leaf.step is not None:
            figures.append(leaf.step)
        if leaf.top is not None:
            figures.append(leaf.top)
        if leaf.floor is not None:
            figures.append(leaf.floor)
    return figures


def _solution(builder: _Builder, x: np.ndarray[Any, np.dtype[np.float64]]) -> dict[str, Decimal]:
    """Planned points of every leaf that moves."""
    planned: dict[str, Decimal] = {}
    for code, leaf in builder.leaves.items():
        gain = ZERO
        for variable, per_unit in leaf.variables:
            gain += per_unit * round(float(x[variable]))
        if gain > 0:
            planned[code] = leaf.options.current + gain
    return planned


def plan_unit(
    framework: Framework,
    results: Sequence[UnitResult],
    unit: str,
    inputs: Mapping[str, NodeInput],
    target: Target,
    effort: EffortModel | None = None,
    *,
    projected: Mapping[str, Decimal] | None = None,
) -> UnitPlan:
    """The least-effort plan for `unit` to reach `target`; see the module notes.

    `results` are every unit's current results (engine outputs, one framework);
    `inputs` the unit's current entries; `projected` optional totals of other units
    (by default they keep their current totals).
    """
    effort = effort or EffortModel()
    by_unit = {result.unit: result for result in results}
    if unit not in by_unit:
        raise PlanningError(f"không có đơn vị «{unit}» trong nhóm")
    current = score_unit(framework, unit, inputs)
    if current.total != by_unit[unit].total:
        raise PlanningError(
            f"mục nhập của «{unit}» cho tổng {current.total}, khác kết quả {by_unit[unit].total}"
        )
    others = _other_totals(results, unit, projected)
    needed = needed_total(framework, others, target)
    before = _standing(framework, current, others)
    if current.total >= needed:
        return UnitPlan(unit, target, needed, True, (), ZERO, before, before, current, inputs)

    options = _leaf_options(framework, current, effort)
    fixed_part = current.bonus - current.penalty
    scale = _scale_for(_figures(framework, current, options))
    builder = _Builder(framework, current, effort, scale)
    roots = [
        builder.node(code, options)
        for code in framework.roots
        if framework.nodes[code].kind == "standard"
    ]
    model = builder.model
    base_coefficients: dict[int, int] = {}
    base_constant = 0
    for root in roots:
        for variable, coefficient in root.coefficients.items():
            base_coefficients[variable] = base_coefficients.get(variable, 0) + coefficient
        base_constant += root.constant
    # total = base + bonus − penalty; the base must reach the needed total minus the held part.
    required = int(((needed - fixed_part) * model.factor).to_integral_value(ROUND_CEILING))

    # First: the highest reachable base.
    highest = model.solve([-float(base_coefficients.get(i, 0)) for i in range(len(model.lower))])
    assert highest is not None  # the current entries are a solution
    best = base_constant + sum(
        round(float(highest[variable])) * coefficient
        for variable, coefficient in base_coefficients.items()
    )
    reachable = best >= required
    floor = required if reachable else best
    model.row(base_coefficients, floor - base_constant, math.inf)
    x = model.solve(model.cost)
    if x is None:
        raise PlanningError("bộ giải không tìm lại được mức điểm cao nhất vừa tìm thấy")
    planned = _solution(builder, x)
    return _verified(
        framework, current, inputs, planned, builder, target, needed, reachable, others
    )


def _verified(
    framework: Framework,
    current: UnitResult,
    inputs: Mapping[str, NodeInput],
    planned: Mapping[str, Decimal],
    builder: _Builder,
    target: Target,
    needed: Decimal,
    reachable: bool,
    others: Mapping[str, Decimal],
) -> UnitPlan:
    """Rescore the unit with the planned entries: the engine decides what the plan gives."""
    new_inputs = dict(inputs)
    steps: list[PlanStep] = []
    for code, to_points in planned.items():
        node = framework.nodes[code]
        assert node.rule is not None
        values = entry_for(node.rule, to_points)
        old = inputs.get(code)
        new_inputs[code] = NodeInput(
            values=values,
            has_evidence=True,  # a planned improvement comes with its evidence
            explanation_accepted=old.explanation_accepted if old else False,
        )
        leaf = builder.leaves[code]
        gain = to_points - leaf.options.current
        steps.append(
            PlanStep(
                code=code,
                title=node.title,
                rule=node.rule.name,
                from_points=leaf.options.current,
                to_points=to_points,
                gain=gain,
                effort=leaf.cost * gain,
                values=values,
            )
        )
    rescored = score_unit(framework, current.unit, new_inputs)
    for step in steps:
        if rescored.nodes[step.code].base != step.to_points:
            raise PlanningError(
                f"động cơ chấm «{step.code}» {rescored.nodes[step.code].base} điểm, "
                f"kế hoạch dự kiến {step.to_points}"
            )
    if reachable and rescored.total < needed:
        raise PlanningError(
            f"động cơ cho tổng {rescored.total} sau kế hoạch, chưa đạt {needed} cần có"
        )
    order = {code: position for position, code in enumerate(framework.nodes)}
    steps.sort(key=lambda step: order[step.code])
    return UnitPlan(
        unit=current.unit,
        target=target,
        needed_total=needed,
        reachable=reachable,
        steps=tuple(steps),
        effort=sum((step.effort for step in steps), ZERO),
        before=_standing(framework, current, others),
        after=_standing(framework, rescored, others),
        result=rescored,
        inputs=new_inputs,
    )
