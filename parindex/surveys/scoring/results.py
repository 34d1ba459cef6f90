"""What survey scoring gives: per unit and node the sample, the rate, the points and their
intervals, the unit's flags; and the engine inputs and provenance of a unit's survey nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parindex.engine import NodeInput


@dataclass(frozen=True)
class ScoringOptions:
    confidence: float = 0.95
    method: str = "normal"
    resamples: int = 2000
    seed: int = 20250101
    min_sample: int = 30
    populations: Mapping[tuple[str, str], int] = field(default_factory=dict)
    other_points: Mapping[str, Decimal] | None = None


@dataclass(frozen=True)
class UnitFlag:
    code: str  # class_uncertain, rank_overlap, small_sample, missing_node, missing_group
    message: str


@dataclass(frozen=True)
class NodeEstimate:
    """One node of one unit: sample, rate (percent), points, and their intervals."""

    code: str
    n: int
    n_by_group: Mapping[str, int]
    rate: Decimal | None
    rate_low: Decimal | None
    rate_high: Decimal | None
    points: Decimal | None = None
    points_low: Decimal | None = None
    points_high: Decimal | None = None
    max_points: Decimal | None = None
    explanation: str = ""
    rule_name: str = ""


@dataclass(frozen=True)
class UnitEstimate:
    unit: str
    label: str
    responses: int
    n_by_group: Mapping[str, int]
    nodes: Mapping[str, NodeEstimate]
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    rank: int | None
    classes: tuple[str, ...]  # classes the interval spans, best first
    flags: tuple[UnitFlag, ...]


@dataclass(frozen=True)
class SurveyResults:
    units: tuple[UnitEstimate, ...]
    nodes: tuple[str, ...]
    forms: tuple[str, ...]
    group_weights: Mapping[str, Decimal]
    group_labels: Mapping[str, str]
    options: ScoringOptions
    survey_max: Decimal | None
    class_basis: str  # "index", "survey_subindex" or "" without a framework
    warnings: tuple[str, ...] = ()

    def unit(self, code: str) -> UnitEstimate:
        for estimate in self.units:
            if estimate.unit == code:
                return estimate
        raise KeyError(code)

    def node_inputs(self, unit: str) -> dict[str, NodeInput]:
        """Inputs for the engine's `score_unit`: the survey nodes of `unit` with a rate."""
        inputs = {}
        for code, node in self.unit(unit).nodes.items():
            if node.rate is None:
                continue
            # A manual node takes the points already derived from the rate; the others the rate.
            values = (
                {"points": str(node.points)}
                if node.rule_name == "manual" and node.points is not None
                else {"percent": str(node.rate)}
            )
            inputs[code] = NodeInput(values=values, has_evidence=True)
        return inputs

    def provenance(self, unit: str) -> dict[str, dict[str, Any]]:
        """Where each survey node's points come from (JSON-serialisable)."""
        opts = self.options
        return {
            code: {
                "source": "survey",
                "forms": list(self.forms),
                "n": node.n,
                "n_by_group": dict(node.n_by_group),
                "group_weights": {g: str(w) for g, w in self.group_weights.items()},
                "rate_percent": _text(node.rate),
                "interval_percent": [_text(node.rate_low), _text(node.rate_high)],
                "points": _text(node.points),
                "points_interval": [_text(node.points_low), _text(node.points_high)],
                "confidence": opts.confidence,
                "method": opts.method,
                "resamples": opts.resamples,
                "seed": opts.seed,
            }
            for code, node in self.unit(unit).nodes.items()
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
