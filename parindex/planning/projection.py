"""Year-end projection: a rate seen for part of the year, projected to the year's end.

A data-scored criterion reads a rate over the whole year (dossiers handled on time, filed
online…). Partway through the year only the months so far are known. For each rate:

* the projected year-end rate is the **year-to-date rate** p̂ = N / D (the months left are
  assumed to behave like the months so far);
* its uncertainty has two parts, both on the cases still to come: the months left may
  average a different rate than the months so far (the variance between months, τ², seen
  in the months so far), and each case is a yes/no outcome (the binomial variance
  p̂(1 − p̂) per case). With D cases in m months, the months left are expected to bring
  D_left = D / m × (12 − m) cases, and the year-end rate R = (N + D_left × r_left) / T,
  T = D + D_left. Its standard error is

      SE(R) = D_left / T × √( τ²/(12 − m) + τ²/m + p̂(1 − p̂)/D_left + p̂(1 − p̂)/D )

  (the first and third terms are the months left, the second and fourth the estimate p̂
  itself). τ² is the sample variance of the monthly rates less their average binomial
  variance (floored at 0; 0 with fewer than two months with cases);
* the interval is p̂ ± z·SE (z = 1.645 for 90 %), clipped to 0–100 %;
* the **reachable** rate is the highest year-end rate the months left allow if each of them
  reaches the best monthly rate seen so far: (N + best × D_left) / T. The planner uses it
  as a data-scored criterion's feasible ceiling.

At the year's end (m = 12) the projection is the year's rate, with no uncertainty.

`project_group` then scores a group at the projected rates with the engine (exact points,
index, class) and draws the projected rates (normal with their standard errors, clipped to
0–100 %, independent across units and nodes; survey estimates the same way) through the
nodes' rules (`uncertainty.rule_points`) to give each unit's total interval and the
probability of each class. What is not projected stays as the caller's entries say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from parindex.engine import (
    Framework,
    GroupRanking,
    NodeInput,
    rank_group,
    score_group,
    unit_results,
)

from .errors import PlanningError
from .uncertainty import _check_node, rule_points

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
MONTHS = 12
Z90 = 1.6448536269514722
DEFAULT_DRAWS = 4000
DEFAULT_SEED = 20250630


@dataclass(frozen=True)
class MonthFigure:
    """One month of a rate: `numerator` cases of `denominator` (month 1–12)."""

    month: int
    numerator: int
    denominator: int


@dataclass(frozen=True)
class RateProjection:
    """A rate projected to the year's end (percentages and percentage points)."""

    rate: float | None  # None: no case so far, nothing to project
    standard_error: float
    low: float | None
    high: float | None
    months: int  # months elapsed (as of)
    numerator: int  # year to date
    denominator: int
    best_month: float | None  # the best monthly rate seen so far, %
    reachable: float | None  # the year-end rate if every month left reached `best_month`

    @property
    def final(self) -> bool:
        return self.months >= MONTHS


def _clip(value: float) -> float:
    return min(100.0, max(0.0, value))


def project_rate(
    months: Sequence[MonthFigure], *, as_of_month: int, z: float = Z90
) -> RateProjection:
    """The year-end projection of a rate from its months up to `as_of_month` (see the notes)."""
    if not 1 <= as_of_month <= MONTHS:
        raise PlanningError("tháng tính đến phải từ 1 đến 12")
    seen = [figure for figure in months if 1 <= figure.month <= as_of_month]
    for figure in seen:
        if figure.denominator < 0 or not 0 <= figure.numerator <= figure.denominator:
            raise PlanningError(f"tháng {figure.month}: tử số phải từ 0 đến mẫu số")
    numerator = sum(figure.numerator for figure in seen)
    denominator = sum(figure.denominator for figure in seen)
    if denominator == 0:
        return RateProjection(None, 0.0, None, None, as_of_month, 0, 0, None, None)
    share = numerator / denominator
    monthly = [figure.numerator / figure.denominator for figure in seen if figure.denominator]
    best = max(monthly)
    left = MONTHS - as_of_month
    if left == 0:
        rate = 100 * share
        return RateProjection(
            rate, 0.0, rate, rate, as_of_month, numerator, denominator, 100 * best, rate
        )
    expected_left = denominator / as_of_month * left
    total = denominator + expected_left
    binomial = share * (1 - share)
    between = 0.0
    if len(monthly) >= 2:
        mean = sum(monthly) / len(monthly)
        spread = sum((value - mean) ** 2 for value in monthly) / (len(monthly) - 1)
        noise = sum(binomial / figure.denominator for figure in seen if figure.denominator) / len(
            monthly
        )
        between = max(0.0, spread - noise)
    variance = (
        between / left + between / as_of_month + binomial / expected_left + binomial / denominator
    )
    error = 100 * expected_left / total * math.sqrt(variance)
    rate = 100 * share
    reachable = 100 * (numerator + best * expected_left) / total
    return RateProjection(
        rate=rate,
        standard_error=error,
        low=_clip(rate - z * error),
        high=_clip(rate + z * error),
        months=as_of_month,
        numerator=numerator,
        denominator=denominator,
        best_month=100 * best,
        reachable=reachable,
    )


# --- a group at its projected rates -----------------------------------------------------------


@dataclass(frozen=True)
class UnitProjection:
    """One unit at the year's end: the point projection (engine) and its interval (draws)."""

    unit: str
    total: Decimal
    index: Decimal
    rank: int
    class_: str
    total_low: float
    total_high: float
    index_low: float
    index_high: float
    class_probabilities: Mapping[str, float]  # "" = below every class
    below_threshold: float | None  # probability the index ends below the threshold

    def probability_at_most(self, labels: Sequence[str], label: str) -> float:
        """The probability of ending in class `label` or a lower one (labels best first)."""
        if label not in labels:
            return 0.0
        worse = labels[labels.index(label) :]
        return sum(self.class_probabilities.get(name, 0.0) for name in [*worse, ""])


@dataclass(frozen=True)
class GroupProjection:
    ranking: GroupRanking  # the group at the projected rates, scored by the engine
    units: tuple[UnitProjection, ...]  # best first
    draws: int
    seed: int
    nodes: tuple[str, ...]  # the nodes drawn

    def unit(self, name: str) -> UnitProjection:
        for unit in self.units:
            if unit.unit == name:
                return unit
        raise KeyError(name)


Spread = tuple[float, float]  # a rate in % and its standard error in percentage points


def _percent_input(rate: float) -> NodeInput:
    value = Decimal(repr(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return NodeInput({"percent": min(max(value, Decimal(0)), Decimal(100))}, has_evidence=True)


def project_group(
    framework: Framework,
    inputs: Mapping[str, Mapping[str, NodeInput]],
    rates: Mapping[str, Mapping[str, Spread]],
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    threshold: Decimal | None = None,
    interval: tuple[float, float] = (0.05, 0.95),
) -> GroupProjection:
    """The group with each unit's `rates` (unit → node → (rate %, standard error)) entered
    at the rate (rounded to 0.01 %) and drawn around it; other leaves keep `inputs`. A node
    scored by `manual` (a survey node whose points the survey module typed from the rate)
    keeps its entry and is only drawn around."""
    if not inputs:
        raise PlanningError("nhóm không có đơn vị nào")
    if draws < 1:
        raise PlanningError("số lần rút phải lớn hơn 0")
    for unit in rates:
        if unit not in inputs:
            raise PlanningError(
                f"có tỷ lệ dự báo cho «{unit}» nhưng đơn vị này không có trong nhóm"
            )
    codes = sorted({code for by_node in rates.values() for code in by_node})
    rules = {code: _check_node(framework, code) for code in codes}
    projected: dict[str, dict[str, NodeInput]] = {}
    for unit, entries in inputs.items():
        changed = dict(entries)
        for code, (rate, _error) in rates.get(unit, {}).items():
            if rules[code].name != "manual":  # a manual (survey) node keeps its typed points
                changed[code] = _percent_input(rate)
        projected[unit] = changed
    ranking = rank_group(unit_results(score_group(framework, projected)))
    units = list(inputs)
    position = {unit: column for column, unit in enumerate(units)}
    totals = np.tile(np.array([float(ranking.results[u].total) for u in units]), (draws, 1))
    generator = np.random.default_rng(seed)
    for code in codes:
        members = [unit for unit in units if code in rates.get(unit, {})]
        if not members:
            continue
        columns = np.array([position[unit] for unit in members])
        means = np.array([rates[unit][code][0] for unit in members])
        errors = np.array([max(0.0, rates[unit][code][1]) for unit in members])
        current = np.array([float(ranking.results[u].nodes[code].base) for u in members])
        drawn = np.clip(means + errors * generator.standard_normal((draws, len(members))), 0, 100)
        totals[:, columns] += rule_points(rules[code], drawn) - current
    np.maximum(totals, 0.0, out=totals)
    info = framework.info
    maximum = float(info.max_total)
    places = info.index_places
    indices = np.floor(np.round(totals * 100 / maximum * 10**places, 6) + 0.5) / 10**places
    bands = sorted(info.class_bands, key=lambda band: band.min_percent)
    minimums = np.array([float(band.min_percent) for band in bands])
    numbers = np.searchsorted(minimums, indices + 1e-9, side="right") - 1
    labels = ["", *(band.label for band in bands)]
    low_share, high_share = interval
    result = []
    for unit in ranking.ordered():
        column = position[unit]
        counts = np.bincount(numbers[:, column] + 1, minlength=len(labels))
        engine = ranking.results[unit]
        result.append(
            UnitProjection(
                unit=unit,
                total=engine.total,
                index=engine.index,
                rank=ranking.ranks[unit],
                class_=ranking.classes[unit],
                total_low=float(np.quantile(totals[:, column], low_share)),
                total_high=float(np.quantile(totals[:, column], high_share)),
                index_low=float(np.quantile(indices[:, column], low_share)),
                index_high=float(np.quantile(indices[:, column], high_share)),
                class_probabilities={
                    labels[number]: float(counts[number]) / draws
                    for number in range(len(labels))
                    if counts[number]
                },
                below_threshold=(
                    float(np.mean(indices[:, column] < float(threshold)))
                    if threshold is not None
                    else None
                ),
            )
        )
    return GroupProjection(ranking, tuple(result), draws, seed, tuple(codes))
