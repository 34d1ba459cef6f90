"""Plausible generated entries for a framework's leaves (demo data only).

Pure: given a framework, a random generator and a unit's "strength" (0..1), it
returns engine inputs. Stronger units answer better on average.
"""

from __future__ import annotations

import random
from decimal import Decimal

from parindex.engine import Framework, NodeInput
from parindex.engine.rules import (
    BandsRule,
    BooleanRule,
    ChoiceRule,
    DeductionRule,
    ManualRule,
    RatioRule,
    Rule,
)


def _quality(rng: random.Random, strength: float) -> float:
    """A 0..1 draw centred on the unit's strength."""
    return min(1.0, max(0.0, rng.gauss(strength, 0.15)))


def _entry(rule: Rule, rng: random.Random, strength: float) -> dict[str, object]:
    quality = _quality(rng, strength)
    if isinstance(rule, ChoiceRule):
        ranked = sorted(rule.options.items(), key=lambda item: item[1][1])
        position = min(len(ranked) - 1, int(quality * len(ranked)))
        return {"option": ranked[position][0]}
    if isinstance(rule, RatioRule | BandsRule):
        denominator = rng.randint(20, 400)
        numerator = round(denominator * (0.55 + 0.45 * quality))
        return {"numerator": numerator, "denominator": denominator}
    if isinstance(rule, DeductionRule):
        return {"count": max(0, round((1 - quality) * 4 - 0.5))}
    if isinstance(rule, BooleanRule):
        return {"value": quality > 0.3}
    if isinstance(rule, ManualRule):
        maximum = rule.max_points
        step = rule.step or Decimal("0.25")
        steps = int(maximum / step)
        return {"points": step * round(steps * quality)}
    raise TypeError(f"no demo entry for rule {rule.name}")


def generated_inputs(
    framework: Framework, rng: random.Random, strength: float, *, evidence_rate: float = 0.95
) -> dict[str, NodeInput]:
    inputs: dict[str, NodeInput] = {}
    for node in framework.leaves():
        assert node.rule is not None
        if node.kind == "bonus" and rng.random() > 0.3:
            continue
        if node.kind == "penalty" and rng.random() > 0.15:
            continue
        # A strong unit earns bonus points and avoids penalties.
        node_strength = 1 - strength if node.kind == "penalty" else strength
        inputs[node.code] = NodeInput(
            _entry(node.rule, rng, node_strength), has_evidence=rng.random() < evidence_rate
        )
    return inputs
