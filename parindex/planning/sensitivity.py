"""Framework sensitivity: how much the group's ranking depends on each area's weight.

For each area (and, if asked, each criterion, i.e. each standard child of an area)
three variants are scored: its maximum × (1 + share), × (1 − share), and the node
removed (the what-if changes `ScaleMax` and `RemoveNode`, so rule points and `manual`
entries scale with the maximum and the maximum total follows). The group is rescored
and re-ranked by the engine and compared with the baseline ranking:

* mean |Δrank| and max |Δrank| over the units (competition ranks, ties share the
  better rank);
* the number of units whose rank changed;
* Spearman's rank correlation between the baseline totals and the variant's totals
  (`scipy.stats.spearmanr`, ties by average ranks; `None` when one side is constant).

A framework whose ranking barely moves when an area's weight changes by ±10 % is
robust to that choice of weights; a large shift says the ranking depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.stats import spearmanr

from parindex.engine import Framework, GroupRanking, format_number

from .errors import PlanningError
from .whatif import (
    Change,
    GroupInputs,
    RemoveNode,
    ScaleMax,
    Scenario,
    rank_inputs,
    run_scenario,
)

LEVELS = ("area", "criterion")


@dataclass(frozen=True)
class SensitivityRow:
    """One variant of one node and how the ranking moved."""

    code: str
    title: str
    variant: str  # "+10 %", "-10 %", "bỏ"
    factor: Decimal | None  # None when the node is removed
    mean_abs_shift: float
    max_abs_shift: int
    units_moved: int
    spearman: float | None
    largest_moves: tuple[tuple[str, int], ...]  # (unit, places gained), largest |move| first


@dataclass(frozen=True)
class SensitivityReport:
    baseline: GroupRanking
    share: Decimal
    rows: tuple[SensitivityRow, ...]

    def most_sensitive(self) -> SensitivityRow | None:
        return max(self.rows, key=lambda row: row.mean_abs_shift, default=None)


def spearman(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Spearman's rank correlation; None when either side is constant (undefined)."""
    if len(first) < 2 or len(set(first)) < 2 or len(set(second)) < 2:
        return None
    statistic = spearmanr(np.asarray(first, dtype=float), np.asarray(second, dtype=float))[0]
    return float(statistic)


def _nodes(framework: Framework, level: str) -> list[str]:
    if level not in LEVELS:
        raise PlanningError(f"cấp «{level}» không có (có: {', '.join(LEVELS)})")
    areas = [area.code for area in framework.areas]
    if level == "area":
        return areas
    return [
        child
        for area in areas
        for child in framework.nodes[area].children
        if framework.nodes[child].kind == "standard"
    ]


def _variants(code: str, share: Decimal, removal: bool) -> list[tuple[str, Decimal | None, Change]]:
    percent = format_number(share * 100)
    variants: list[tuple[str, Decimal | None, Change]] = [
        (f"+{percent} %", 1 + share, ScaleMax(code, 1 + share)),
        (f"-{percent} %", 1 - share, ScaleMax(code, 1 - share)),
    ]
    if removal:
        variants.append(("bỏ", None, RemoveNode(code)))
    return variants


def framework_sensitivity(
    framework: Framework,
    group: GroupInputs,
    *,
    share: Decimal = Decimal("0.1"),
    level: str = "area",
    removal: bool = True,
    moves_shown: int = 3,
) -> SensitivityReport:
    """Rank shifts and Spearman's ρ for every node of `level` scaled by ±`share` or removed."""
    if not 0 < share < 1:
        raise PlanningError("tỷ lệ thay đổi phải lớn hơn 0 và nhỏ hơn 1 (0,1 là ±10 %)")
    baseline = rank_inputs(framework, group)
    units = baseline.ordered()
    base_totals = [float(baseline.results[unit].total) for unit in units]
    rows = []
    for code in _nodes(framework, level):
        for label, factor, change in _variants(code, share, removal):
            if isinstance(change, RemoveNode) and len(framework.areas) == 1 and level == "area":
                continue  # removing the only area leaves nothing to rank
            result = run_scenario(framework, group, Scenario(label, (change,)), baseline=baseline)
            moves = [(diff.unit, diff.rank_change) for diff in result.units]
            shifts = [abs(move) for _, move in moves]
            totals = [float(result.after.results[unit].total) for unit in units]
            largest = sorted(
                (move for move in moves if move[1] != 0), key=lambda move: (-abs(move[1]), move[0])
            )
            rows.append(
                SensitivityRow(
                    code=code,
                    title=framework.nodes[code].title,
                    variant=label,
                    factor=factor,
                    mean_abs_shift=sum(shifts) / len(shifts),
                    max_abs_shift=max(shifts),
                    units_moved=sum(1 for shift in shifts if shift),
                    spearman=spearman(base_totals, totals),
                    largest_moves=tuple(largest[:moves_shown]),
                )
            )
    return SensitivityReport(baseline, share, tuple(rows))
