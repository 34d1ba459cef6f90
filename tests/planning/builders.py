"""Builders for the planning tests: small frameworks, groups, random cases and a brute force.

Every framework and figure here is test data, not an official criteria set or a real
unit's score.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parindex.engine import (
    Framework,
    NodeInput,
    NodeSpec,
    UnitResult,
    competition_ranks,
    score_unit,
)
from parindex.engine.rules import Rule
from parindex.planning import EffortModel, RankTarget, Target, needed_total
from tests.engine.builders import build, group, leaf

__all__ = ["build", "group", "leaf"]


def score_all(
    framework: Framework, group_inputs: Mapping[str, Mapping[str, NodeInput]]
) -> list[UnitResult]:
    return [score_unit(framework, unit, inputs) for unit, inputs in group_inputs.items()]


def manual(points: Mapping[str, Any]) -> dict[str, NodeInput]:
    return {code: NodeInput({"points": value}) for code, value in points.items()}


# --- random small cases -----------------------------------------------------------------------


def _random_leaf(rng: random.Random, code: str, parent: str) -> tuple[NodeSpec, int]:
    """A leaf with a small whole-number maximum and a random rule (points_places is 0)."""
    maximum = rng.randint(1, 4)
    kind = rng.choice(["manual", "choice", "boolean", "bands", "ratio", "deduction"])
    params: dict[str, Any] = {}
    if kind == "choice":
        points = sorted({0, maximum, *rng.sample(range(maximum + 1), min(2, maximum + 1))})
        params = {"options": [{"key": f"o{p}", "points": p} for p in points]}
    elif kind == "bands":
        points = sorted(rng.sample(range(1, maximum + 1), min(2, maximum)))
        minimums = sorted(rng.sample(range(10, 100, 10), len(points)))
        params = {
            "thresholds": [
                {"min_percent": m, "points": p} for m, p in zip(minimums, points, strict=True)
            ]
        }
    elif kind == "ratio" and rng.random() < 0.5:
        params = {"zero_below_percent": 50}
    elif kind == "deduction":
        params = {"per_occurrence": 1}
    evidence = "required" if rng.random() < 0.15 else "optional"
    return leaf(code, maximum, kind, params, parent=parent, evidence=evidence), maximum


def random_framework(rng: random.Random, leaves: int) -> Framework:
    """2–3 areas; leaves spread over them, some under a parent of alternatives."""
    specs: list[NodeSpec] = []
    areas: list[tuple[NodeSpec, list[NodeSpec]]] = []
    for number in range(rng.randint(2, 3)):
        areas.append((group(f"LV{number + 1}", 0), []))
    made = 0
    while made < leaves:
        area, children = rng.choice(areas)
        if rng.random() < 0.2 and leaves - made >= 2:
            parent = group(f"{area.code}.ALT{made}", 0, parent=area.code, alternatives=True)
            alternatives = []
            for _ in range(2):
                spec, maximum = _random_leaf(rng, f"L{made}", parent.code)
                alternatives.append((spec, maximum))
                made += 1
            parent.max_points = max(maximum for _, maximum in alternatives)
            children.append(parent)
            children.extend(spec for spec, _ in alternatives)
        else:
            spec, _ = _random_leaf(rng, f"L{made}", area.code)
            children.append(spec)
            made += 1
    total = 0
    for area, children in areas:
        if not children:
            spec, _ = _random_leaf(rng, f"L{made}", area.code)
            made += 1
            children.append(spec)
        own = [child for child in children if child.parent == area.code]
        area.max_points = sum(child.max_points for child in own)
        total += area.max_points
        specs.append(area)
        specs.extend(children)
    return build(specs, max_total=total, rounding={"points_places": 0})


def entries(rule: Rule) -> list[dict[str, Any]]:
    """Every entry worth trying for a rule of the random frameworks (whole points)."""
    if rule.name == "manual":
        return [{"points": points} for points in range(int(rule.max_points) + 1)]
    if rule.name == "choice":
        return [{"option": option["key"]} for option in rule.params["options"]]
    if rule.name == "boolean":
        return [{"value": True}, {"value": False}]
    if rule.name in ("bands", "ratio"):
        return [{"percent": percent} for percent in range(0, 101)]
    if rule.name == "deduction":
        return [{"count": count} for count in range(int(rule.max_points) + 2)]
    raise AssertionError(rule.name)


def points_levels(rule: Rule) -> dict[Decimal, dict[str, Any]]:
    """Each point level the rule can give, with one entry that gives it."""
    levels: dict[Decimal, dict[str, Any]] = {}
    for entry in entries(rule):
        levels.setdefault(rule.score(entry).points, entry)
    return levels


def random_inputs(rng: random.Random, framework: Framework) -> dict[str, NodeInput]:
    inputs = {}
    for node in framework.leaves():
        if rng.random() < 0.1:
            continue  # unanswered
        assert node.rule is not None
        entry = rng.choice(list(points_levels(node.rule).values()))
        inputs[node.code] = NodeInput(entry, has_evidence=rng.random() < 0.8)
    return inputs


@dataclass(frozen=True)
class Case:
    framework: Framework
    group: dict[str, dict[str, NodeInput]]
    unit: str
    target: Target
    effort: EffortModel


@dataclass(frozen=True)
class BruteForce:
    reachable: bool
    effort: Decimal
    total: Decimal


def brute_force(case: Case) -> BruteForce:
    """Every combination of leaf levels at or above the current ones, scored by the engine."""
    framework, unit = case.framework, case.unit
    results = score_all(framework, case.group)
    current = next(result for result in results if result.unit == unit)
    others = {result.unit: result.total for result in results if result.unit != unit}
    needed = needed_total(framework, others, case.target)
    choices: list[list[tuple[str, Decimal, dict[str, Any] | None]]] = []
    for node in framework.leaves():
        assert node.rule is not None
        base = current.nodes[node.code].base
        options: list[tuple[str, Decimal, dict[str, Any] | None]] = [(node.code, base, None)]
        if node.code not in case.effort.fixed:
            options += [
                (node.code, points, entry)
                for points, entry in points_levels(node.rule).items()
                if points > base
            ]
        choices.append(options)
    best_reached: tuple[Decimal, Decimal] | None = None  # (effort, total) meeting the target
    best_total: tuple[Decimal, Decimal] | None = None  # (−total, effort): the highest total
    for combination in itertools.product(*choices):
        inputs = dict(case.group[unit])
        effort = Decimal(0)
        for code, points, entry in combination:
            if entry is None:
                continue
            inputs[code] = NodeInput(entry, has_evidence=True)
            rule = framework.nodes[code].rule
            assert rule is not None
            effort += case.effort.cost(code, rule.name) * (points - current.nodes[code].base)
        total = score_unit(framework, unit, inputs).total
        if total >= needed and (best_reached is None or effort < best_reached[0]):
            best_reached = (effort, total)
        key = (-total, effort)
        if best_total is None or key < best_total:
            best_total = key
    if best_reached is not None:
        return BruteForce(True, best_reached[0], best_reached[1])
    assert best_total is not None
    return BruteForce(False, best_total[1], -best_total[0])


def random_case(seed: int, max_leaves: int = 8, max_combinations: int = 40000) -> Case:
    """A random case small enough for the brute force (at most `max_combinations`), whose
    unit is not first and aims higher than it stands."""
    rng = random.Random(seed)
    while True:
        framework = random_framework(rng, rng.randint(3, max_leaves))
        group_inputs = {
            f"Đơn vị {n}": random_inputs(rng, framework) for n in range(rng.randint(3, 7))
        }
        results = {r.unit: r for r in score_all(framework, group_inputs)}
        ranks = competition_ranks({unit: r.total for unit, r in results.items()})
        candidates = sorted(unit for unit, rank in ranks.items() if rank > 1)
        if not candidates:
            continue
        unit = rng.choice(candidates)
        combinations = 1
        for node in framework.leaves():
            assert node.rule is not None
            above = [p for p in points_levels(node.rule) if p > results[unit].nodes[node.code].base]
            combinations *= len(above) + 1
        if combinations > max_combinations:
            continue
        costs = {node.code: Decimal(rng.randint(1, 5)) for node in framework.leaves()}
        share_fixed = rng.choice([0.0, 0.1, 0.5])
        fixed = frozenset(node.code for node in framework.leaves() if rng.random() < share_fixed)
        return Case(
            framework,
            group_inputs,
            unit,
            RankTarget(rng.randint(1, ranks[unit] - 1)),
            EffortModel(costs=costs, fixed=fixed),
        )


def totals_of(results: Sequence[UnitResult]) -> dict[str, Decimal]:
    return {result.unit: result.total for result in results}
