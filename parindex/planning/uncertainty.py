"""Rank uncertainty: how sure is a rank that rests on survey estimates?

Survey-based leaves are estimates: the survey module gives each unit's rate of each
survey node with a standard error (`parindex/surveys/scoring.py`). Here each
(unit, node) rate is drawn N times from a normal distribution with that mean and
standard error, clipped to 0–100 %, independently across units and nodes (seeded
NumPy generator). Each drawn rate becomes points through the node's rule — the
engine's `ratio`, `bands` or `manual` rule written as a vectorised float function
(half-up rounding to the framework's points places, as the engine does) — and the
unit's total moves by the drawn points minus its current points of that node (a
node's points add into the total when no ancestor is a parent of alternatives,
which is checked). Totals are rounded to the exact decimals of the inputs, floored
at zero as the engine does, and each draw is ranked with competition ranks (ties
share the better rank) and classed from the index rounded half-up.

Per unit: the probability of each rank and of each class, the 90 % rank interval
(the 5th and 95th percentiles of its rank, inverted-CDF: the smallest rank whose
cumulative probability reaches 5 % and 95 %), and whether the unit is
distinguishable from its neighbours in the baseline order: not when its interval
overlaps the interval of the unit just above or just below it.

What this is: a model of the sampling error of the survey rates only, assuming
normal, independent estimates; appraisal scores and data-scored rates are held as
they are. It says how much the published order could change by chance in the
survey, not that the order is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np

from parindex.engine import Framework, Rule, UnitResult, competition_ranks, to_decimal

from .errors import PlanningError

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20250101
RATE_RULES = ("ratio", "bands", "manual")
MAX_DECIMALS = 9


@dataclass(frozen=True)
class Estimate:
    """A survey rate in % and its standard error in percentage points."""

    rate: float
    standard_error: float


Estimates = Mapping[str, Mapping[str, Estimate | tuple[float, float]]]  # unit → node → estimate


@dataclass(frozen=True)
class UnitUncertainty:
    unit: str
    rank: int  # baseline (current) rank
    total: Decimal  # baseline total
    rank_probabilities: Mapping[int, float]  # ranks with a non-zero probability
    class_probabilities: Mapping[str, float]  # "" = below every class
    rank_low: int  # 5th percentile
    rank_high: int  # 95th percentile
    mean_rank: float
    overlaps_above: str | None  # the unit just above whose interval overlaps, if any
    overlaps_below: str | None

    @property
    def distinguishable(self) -> bool:
        return self.overlaps_above is None and self.overlaps_below is None

    def probability_of_rank(self, rank: int) -> float:
        return self.rank_probabilities.get(rank, 0.0)


@dataclass(frozen=True)
class UncertaintyReport:
    units: tuple[UnitUncertainty, ...]  # baseline order, best first
    draws: int
    seed: int
    nodes: tuple[str, ...]
    interval: tuple[float, float]

    def unit(self, name: str) -> UnitUncertainty:
        for unit in self.units:
            if unit.unit == name:
                return unit
        raise KeyError(name)


# --- rules as vectorised float functions -------------------------------------------------------


def _half_up(values: FloatArray) -> FloatArray:
    """Half-up rounding to integers; snapping to 9 decimals first undoes binary noise."""
    return np.floor(np.round(values, 9) + 0.5)


def _param(rule: Rule, key: str) -> float | None:
    value = rule.params.get(key)
    return None if value is None or value == "" else float(to_decimal(value))


def rule_points(rule: Rule, percent: FloatArray) -> FloatArray:
    """The points `rule` gives for each rate in `percent` (floats, the engine's rounding)."""
    maximum = float(rule.max_points)
    scale = 10.0**rule.points_places
    if rule.name == "ratio":
        full_at = _param(rule, "full_at_percent") or 100.0
        points = _half_up(maximum * np.minimum(percent / full_at, 1.0) * scale) / scale
        zero_below = _param(rule, "zero_below_percent")
        if zero_below is not None:
            points = np.where(percent < zero_below, 0.0, points)
        return points
    if rule.name == "bands":
        bands = sorted(
            (float(to_decimal(band["min_percent"])), float(to_decimal(band["points"])))
            for band in rule.params["thresholds"]
        )
        minimums = np.array([minimum for minimum, _ in bands])
        levels = np.array([0.0] + [points for _, points in bands])
        return np.asarray(levels[np.searchsorted(minimums, percent, side="right")])
    if rule.name == "manual":
        # As the survey module turns a rate into typed points: the share of the maximum,
        # rounded half-up to the step (or to the points places).
        step = _param(rule, "step") or 1.0 / scale
        return np.minimum(_half_up(maximum * percent / 100.0 / step) * step, maximum)
    raise PlanningError(f"quy tắc «{rule.name}» không chấm theo tỷ lệ khảo sát")


# --- ranks of many draws at once ---------------------------------------------------------------


def competition_ranks_rows(totals: IntArray) -> IntArray:
    """Competition ranks ("1224") of every row of `totals` (draws × units), highest first."""
    draws, size = totals.shape
    order = np.argsort(-totals, axis=1, kind="stable")
    ordered = np.take_along_axis(totals, order, axis=1)
    positions = np.broadcast_to(np.arange(size, dtype=np.int64), (draws, size))
    starts = positions.copy()
    if size > 1:
        same = ordered[:, 1:] == ordered[:, :-1]
        starts[:, 1:][same] = 0
        np.maximum.accumulate(starts, axis=1, out=starts)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, starts + 1, axis=1)
    return ranks


# --- the simulation ---------------------------------------------------------------------------


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _check_node(framework: Framework, code: str) -> Rule:
    if code not in framework.nodes or not framework.nodes[code].is_leaf:
        raise PlanningError(f"«{code}» không phải mục lá của bộ tiêu chí")
    node = framework.nodes[code]
    if node.rule is None or node.rule.name not in RATE_RULES:
        name = node.rule.name if node.rule else "?"
        raise PlanningError(f"mục «{code}» chấm bằng quy tắc {name}, không phải theo tỷ lệ")
    if node.kind != "standard":
        raise PlanningError(f"mục «{code}» là mục {node.kind}, không phải mục chuẩn")
    parent = node.parent
    while parent is not None:
        if framework.nodes[parent].alternatives:
            raise PlanningError(
                f"mục «{code}» nằm dưới «{parent}» (lấy mục con cao nhất): điểm của nó không "
                "cộng thẳng vào tổng"
            )
        parent = framework.nodes[parent].parent
    return node.rule


def _estimate(value: Estimate | tuple[float, float]) -> Estimate:
    estimate = value if isinstance(value, Estimate) else Estimate(float(value[0]), float(value[1]))
    if not 0 <= estimate.rate <= 100 or estimate.standard_error < 0:
        raise PlanningError("tỷ lệ phải từ 0 đến 100 % và sai số chuẩn không âm")
    return estimate


def _interval_rank(cumulative: IntArray, share: float, draws: int) -> int:
    """The smallest rank whose cumulative count reaches `share` of the draws."""
    needed = share * draws - 1e-9
    return int(np.argmax(cumulative >= needed)) + 1


def rank_uncertainty(
    results: Sequence[UnitResult],
    estimates: Estimates,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    interval: tuple[float, float] = (0.05, 0.95),
) -> UncertaintyReport:
    """Monte Carlo ranks and classes of the group's units; see the module notes."""
    if not results:
        raise PlanningError("nhóm không có đơn vị nào")
    if draws < 1:
        raise PlanningError("số lần rút phải lớn hơn 0")
    framework = results[0].framework
    units = [result.unit for result in results]
    if len(set(units)) != len(units) or any(r.framework is not framework for r in results):
        raise PlanningError("các đơn vị phải khác nhau và cùng một bộ tiêu chí")
    position = {unit: index for index, unit in enumerate(units)}
    for unit in estimates:
        if unit not in position:
            raise PlanningError(f"có ước lượng cho «{unit}» nhưng đơn vị này không có trong nhóm")
    codes = sorted({code for by_node in estimates.values() for code in by_node})
    rules = {code: _check_node(framework, code) for code in codes}

    info = framework.info
    decimals = max(
        [_decimals(r.total) for r in results]
        + [_decimals(info.max_total), *(rule.points_places for rule in rules.values())]
    )
    if decimals > MAX_DECIMALS:
        raise PlanningError(f"tổng điểm có quá {MAX_DECIMALS} chữ số thập phân")
    size = len(units)
    totals = np.tile(np.array([float(r.total) for r in results]), (draws, 1))
    generator = np.random.default_rng(seed)
    for code in codes:
        members = [unit for unit in units if code in estimates.get(unit, {})]
        if not members:
            continue
        columns = np.array([position[unit] for unit in members])
        values = [_estimate(estimates[unit][code]) for unit in members]
        rates = np.array([value.rate for value in values])
        errors = np.array([value.standard_error for value in values])
        current = np.array([float(results[position[u]].nodes[code].base) for u in members])
        drawn = np.clip(
            rates + errors * generator.standard_normal((draws, len(members))), 0.0, 100.0
        )
        totals[:, columns] += rule_points(rules[code], drawn) - current
    np.maximum(totals, 0.0, out=totals)
    scale = 10**decimals
    scaled = np.rint(totals * scale).astype(np.int64)
    ranks = competition_ranks_rows(scaled)

    # Classes from the index rounded half-up: index·10^p = total·100·10^p ÷ max, exact ints.
    places = info.index_places
    max_scaled = int(info.max_total * scale)
    numerator = scaled * (100 * 10**places)
    index_scaled = (2 * numerator + max_scaled) // (2 * max_scaled)
    bands = sorted(info.class_bands, key=lambda band: band.min_percent)
    minimums = np.array(
        [int((band.min_percent * 10**places).to_integral_value(ROUND_CEILING)) for band in bands],
        dtype=np.int64,
    )
    class_numbers = np.searchsorted(minimums, index_scaled, side="right") - 1  # -1: no class
    labels = ["", *(band.label for band in bands)]

    rank_counts = np.bincount(
        (np.arange(size) * (size + 1) + ranks).ravel(), minlength=size * (size + 1)
    ).reshape(size, size + 1)
    class_counts = np.bincount(
        (np.arange(size) * len(labels) + class_numbers + 1).ravel(),
        minlength=size * len(labels),
    ).reshape(size, len(labels))
    cumulative = np.cumsum(rank_counts[:, 1:], axis=1)

    baseline = competition_ranks({r.unit: r.total for r in results})
    ordered = sorted(units, key=lambda unit: (baseline[unit], unit))
    low_share, high_share = interval
    bounds = {
        unit: (
            _interval_rank(cumulative[position[unit]], low_share, draws),
            _interval_rank(cumulative[position[unit]], high_share, draws),
        )
        for unit in units
    }

    def overlapping(unit: str, other: str | None) -> str | None:
        if other is None:
            return None
        (low, high), (other_low, other_high) = bounds[unit], bounds[other]
        return other if low <= other_high and other_low <= high else None

    report_units = []
    for place, unit in enumerate(ordered):
        row = position[unit]
        counts = rank_counts[row]
        report_units.append(
            UnitUncertainty(
                unit=unit,
                rank=baseline[unit],
                total=results[row].total,
                rank_probabilities={
                    rank: float(counts[rank]) / draws for rank in range(1, size + 1) if counts[rank]
                },
                class_probabilities={
                    labels[number]: float(class_counts[row, number]) / draws
                    for number in range(len(labels))
                    if class_counts[row, number]
                },
                rank_low=bounds[unit][0],
                rank_high=bounds[unit][1],
                mean_rank=float((np.arange(size + 1) * counts).sum()) / draws,
                overlaps_above=overlapping(unit, ordered[place - 1] if place > 0 else None),
                overlaps_below=overlapping(
                    unit, ordered[place + 1] if place + 1 < len(ordered) else None
                ),
            )
        )
    return UncertaintyReport(
        units=tuple(report_units),
        draws=draws,
        seed=seed,
        nodes=tuple(codes),
        interval=interval,
    )
