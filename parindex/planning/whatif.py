"""What-if: named scenarios of changes, applied to copies, and the group before and after.

A scenario is a name and a list of changes:

* `SetInputs(unit, inputs)` — new entries for some leaves of one unit (several
  `SetInputs` change several units);
* `ScaleMax(code, factor)` — a node's maximum × factor: its subtree is scaled with it
  (every rule parameter counted in points, and `manual` entries, which are points),
  its standard ancestors and the framework's maximum total change by the difference,
  so the framework stays valid and every unit keeps its share of the node;
* `RemoveNode(code)` — a node and its subtree leave the framework; its standard
  ancestors and the maximum total lose its maximum (a parent left with no child
  leaves too). Units' entries for removed leaves are ignored.

Changes apply in order to copies: the framework is rebuilt through
`framework_to_spec` → `build_framework`, entries are new mappings, and nothing the
caller passed is mutated. The group is rescored at once (`score_group`, read through
`unit_results`) and ranked with `rank_group`; the result holds the whole group's points,
ranks and classes before and after and each unit's differences. `compare_scenarios` runs
several scenarios side by side against one baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parindex.engine import (
    Framework,
    FrameworkError,
    GroupRanking,
    NodeInput,
    NodeSpec,
    build_framework,
    framework_to_spec,
    rank_group,
    score_group,
    to_decimal,
    unit_results,
)

from .errors import PlanningError

GroupInputs = Mapping[str, Mapping[str, NodeInput]]  # unit → node code → entry


@dataclass(frozen=True)
class SetInputs:
    """New entries for some leaves of `unit` (the others keep theirs)."""

    unit: str
    inputs: Mapping[str, NodeInput]


@dataclass(frozen=True)
class ScaleMax:
    """The maximum of node `code` × `factor` (e.g. 1.1 for +10 %)."""

    code: str
    factor: Decimal


@dataclass(frozen=True)
class RemoveNode:
    """Node `code` and its subtree removed from the framework."""

    code: str


Change = SetInputs | ScaleMax | RemoveNode


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class UnitDifference:
    """One unit before and after a scenario; `rank_change` > 0 means places gained."""

    unit: str
    total_before: Decimal
    total_after: Decimal
    index_before: Decimal
    index_after: Decimal
    rank_before: int
    rank_after: int
    class_before: str
    class_after: str

    @property
    def total_change(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def index_change(self) -> Decimal:
        return self.index_after - self.index_before

    @property
    def rank_change(self) -> int:
        return self.rank_before - self.rank_after


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    before: GroupRanking
    after: GroupRanking
    units: tuple[UnitDifference, ...]  # in the baseline's order, best first

    @property
    def framework(self) -> Framework:
        return self.after.framework

    def unit(self, name: str) -> UnitDifference:
        for difference in self.units:
            if difference.unit == name:
                return difference
        raise KeyError(name)


@dataclass(frozen=True)
class ScenarioComparison:
    """Several scenarios against one baseline; `table` rows are units, best first."""

    baseline: GroupRanking
    scenarios: tuple[ScenarioResult, ...]

    def table(self) -> list[dict[str, Any]]:
        rows = []
        for unit in self.baseline.ordered():
            base = self.baseline.results[unit]
            row: dict[str, Any] = {
                "unit": unit,
                "baseline": {
                    "total": base.total,
                    "index": base.index,
                    "rank": self.baseline.ranks[unit],
                    "class": self.baseline.classes[unit],
                },
            }
            for scenario in self.scenarios:
                difference = scenario.unit(unit)
                row[scenario.name] = {
                    "total": difference.total_after,
                    "index": difference.index_after,
                    "rank": difference.rank_after,
                    "class": difference.class_after,
                    "rank_change": difference.rank_change,
                    "total_change": difference.total_change,
                }
            rows.append(row)
        return rows


# --- framework variants -----------------------------------------------------------------------


def _scale_params(rule: str, params: Mapping[str, Any], factor: Decimal) -> dict[str, Any]:
    """Rule parameters counted in points, × factor (rates and thresholds in % stay)."""
    scaled = dict(params)

    def times(value: Any) -> Decimal:
        return to_decimal(value) * factor

    if rule == "choice":
        scaled["options"] = [
            {**option, "points": times(option["points"])} for option in params["options"]
        ]
    elif rule == "bands":
        scaled["thresholds"] = [
            {**band, "points": times(band["points"])} for band in params["thresholds"]
        ]
    elif rule == "boolean":
        for key in ("points_if_yes", "points_if_no"):
            if params.get(key) not in (None, ""):
                scaled[key] = times(params[key])
    elif rule == "deduction":
        scaled["per_occurrence"] = times(params["per_occurrence"])
    elif rule == "manual":
        if params.get("step") not in (None, ""):
            scaled["step"] = times(params["step"])
    elif rule != "ratio":
        raise PlanningError(f"chưa biết cách đổi thang điểm của quy tắc «{rule}»")
    return scaled


def _subtree(framework: Framework, code: str) -> list[str]:
    codes = [code]
    for child in framework.nodes[code].children:
        codes += _subtree(framework, child)
    return codes


def _rebuild(framework: Framework, nodes: list[NodeSpec], max_total: Decimal) -> Framework:
    spec = framework_to_spec(framework)
    spec.info = {**spec.info, "max_total": max_total}
    spec.nodes = nodes
    try:
        return build_framework(spec)
    except FrameworkError as error:
        raise PlanningError(f"bộ tiêu chí sau thay đổi không hợp lệ: {error}") from None


def _require(framework: Framework, code: str) -> None:
    if code not in framework.nodes:
        raise PlanningError(f"không có mục «{code}» trong bộ tiêu chí {framework.info.code}")


def _propagate(
    framework: Framework, code: str, delta: Decimal, by_code: dict[str, NodeSpec]
) -> Decimal:
    """Add `delta` to the standard ancestors' maxima; the change of the maximum total."""
    node = framework.nodes[code]
    if node.kind != "standard":
        return Decimal(0)
    parent = node.parent
    while parent is not None:
        ancestor = framework.nodes[parent]
        if ancestor.alternatives:
            return Decimal(0)  # the parent of alternatives keeps its maximum
        by_code[parent].max_points = to_decimal(by_code[parent].max_points) + delta
        if ancestor.kind != "standard":
            return Decimal(0)
        parent = ancestor.parent
    return delta


def scale_max(framework: Framework, code: str, factor: Decimal) -> Framework:
    """A copy of `framework` with node `code`'s maximum × `factor` (see the module notes)."""
    _require(framework, code)
    if factor <= 0:
        raise PlanningError("hệ số đổi điểm tối đa phải lớn hơn 0 (để bỏ mục, dùng RemoveNode)")
    spec = framework_to_spec(framework)
    by_code = {node.code: node for node in spec.nodes}
    for member in _subtree(framework, code):
        node = by_code[member]
        node.max_points = to_decimal(node.max_points) * factor
        if node.rule:
            node.rule_params = _scale_params(node.rule, node.rule_params, factor)
    delta = framework.nodes[code].max_points * (factor - 1)
    max_total = framework.info.max_total + _propagate(framework, code, delta, by_code)
    return _rebuild(framework, spec.nodes, max_total)


def remove_node(framework: Framework, code: str) -> Framework:
    """A copy of `framework` without node `code` (see the module notes)."""
    _require(framework, code)
    spec = framework_to_spec(framework)
    by_code = {node.code: node for node in spec.nodes}
    removed = set(_subtree(framework, code))
    # A parent whose last child goes would be a leaf without a rule: it goes too.
    top = code
    parent = framework.nodes[code].parent
    while parent is not None and set(framework.nodes[parent].children) <= removed:
        removed.add(parent)
        top = parent
        parent = framework.nodes[parent].parent
    delta = -framework.nodes[top].max_points
    max_total = framework.info.max_total + _propagate(framework, top, delta, by_code)
    if max_total <= 0:
        raise PlanningError("không thể bỏ mục cuối cùng của bộ tiêu chí")
    nodes = [node for node in spec.nodes if node.code not in removed]
    return _rebuild(framework, nodes, max_total)


# --- entries ----------------------------------------------------------------------------------


def _scaled_manual_inputs(
    framework: Framework, code: str, factor: Decimal, group: dict[str, dict[str, NodeInput]]
) -> None:
    """`manual` entries are points: × factor with the node's scale, in place on the copies."""
    for member in _subtree(framework, code):
        rule = framework.nodes[member].rule
        if rule is None or rule.name != "manual":
            continue
        for inputs in group.values():
            entry = inputs.get(member)
            if entry is None or entry.values.get("points") in (None, ""):
                continue
            try:
                points = to_decimal(entry.values["points"]) * factor
            except ValueError:
                continue  # an entry that does not fit stays as it is: the engine reports it
            inputs[member] = NodeInput(
                {**entry.values, "points": points},
                has_evidence=entry.has_evidence,
                explanation_accepted=entry.explanation_accepted,
            )


def apply_changes(
    framework: Framework, group: GroupInputs, changes: Sequence[Change]
) -> tuple[Framework, dict[str, dict[str, NodeInput]]]:
    """The framework and entries after `changes`, as new objects."""
    inputs = {unit: dict(entries) for unit, entries in group.items()}
    for change in changes:
        if isinstance(change, SetInputs):
            if change.unit not in inputs:
                raise PlanningError(f"không có đơn vị «{change.unit}» trong nhóm")
            for code in change.inputs:
                if code not in framework.nodes or not framework.nodes[code].is_leaf:
                    raise PlanningError(f"«{code}» không phải mục lá của bộ tiêu chí")
            inputs[change.unit].update(change.inputs)
        elif isinstance(change, ScaleMax):
            factor = to_decimal(change.factor)
            new_framework = scale_max(framework, change.code, factor)
            _scaled_manual_inputs(framework, change.code, factor, inputs)
            framework = new_framework
        else:
            framework = remove_node(framework, change.code)
    return framework, inputs


# --- running scenarios ------------------------------------------------------------------------


def rank_inputs(framework: Framework, group: GroupInputs) -> GroupRanking:
    """Every unit scored and the group ranked by the engine."""
    if not group:
        raise PlanningError("nhóm không có đơn vị nào")
    return rank_group(unit_results(score_group(framework, group)))


def _differences(before: GroupRanking, after: GroupRanking) -> tuple[UnitDifference, ...]:
    return tuple(
        UnitDifference(
            unit=unit,
            total_before=before.results[unit].total,
            total_after=after.results[unit].total,
            index_before=before.results[unit].index,
            index_after=after.results[unit].index,
            rank_before=before.ranks[unit],
            rank_after=after.ranks[unit],
            class_before=before.classes[unit],
            class_after=after.classes[unit],
        )
        for unit in before.ordered()
    )


def run_scenario(
    framework: Framework,
    group: GroupInputs,
    scenario: Scenario,
    *,
    baseline: GroupRanking | None = None,
) -> ScenarioResult:
    """The group before and after `scenario`; `baseline` saves rescoring the group before."""
    before = baseline if baseline is not None else rank_inputs(framework, group)
    new_framework, new_inputs = apply_changes(framework, group, scenario.changes)
    after = rank_inputs(new_framework, new_inputs)
    return ScenarioResult(scenario.name, before, after, _differences(before, after))


def compare_scenarios(
    framework: Framework, group: GroupInputs, scenarios: Sequence[Scenario]
) -> ScenarioComparison:
    """Several scenarios side by side against the same baseline."""
    names = [scenario.name for scenario in scenarios]
    if len(set(names)) != len(names) or "baseline" in names:
        raise PlanningError("tên các kịch bản phải khác nhau và khác «baseline»")
    baseline = rank_inputs(framework, group)
    return ScenarioComparison(
        baseline,
        tuple(
            run_scenario(framework, group, scenario, baseline=baseline) for scenario in scenarios
        ),
    )
