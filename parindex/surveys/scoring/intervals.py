"""Intervals by simulation: normal draws of the node rates with their covariance, or a
bootstrap of respondents within each stratum, pushed through the node rules.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parindex.engine.rules import Rule
from parindex.surveys.sampling import finite_population_factor, z_value
from parindex.surveys.scoring.points import simulate_rule
from parindex.surveys.scoring.results import ScoringOptions
from parindex.surveys.scoring.strata import Pooled, Strata

_UNITS_PER_CHUNK = 256  # bounds the simulation's memory: chunk × resamples × nodes floats


@dataclass
class Simulation:
    """Per unit: percentile bounds of each node's rate and points, and of the total points."""

    rate_bounds: np.ndarray  # U × K × 2 (0..1)
    point_bounds: np.ndarray  # U × K × 2
    total_bounds: np.ndarray  # U × 2


def _quantiles(confidence: float) -> tuple[float, float]:
    alpha = 1 - confidence
    return alpha / 2, 1 - alpha / 2


def _points_of(draws: np.ndarray, rules: Sequence[Rule | None]) -> np.ndarray:
    """Draws of rates (… × K, 0..1, NaN = no answers) → points per node (0 when no answers)."""
    percent = np.round(np.clip(draws, 0.0, 1.0) * 100, 2)
    points = np.zeros_like(draws)
    for column, rule in enumerate(rules):
        if rule is None:
            continue
        values = simulate_rule(rule, np.nan_to_num(percent[..., column]))
        points[..., column] = np.where(np.isnan(draws[..., column]), 0.0, values)
    return points


def simulate(
    pooled: Pooled,
    strata: Strata,
    shares: np.ndarray,
    rates: np.ndarray,
    rate_cov: np.ndarray,
    rules: Sequence[Rule | None],
    options: ScoringOptions,
) -> Simulation:
    units, nodes = rates.shape
    low, high = _quantiles(options.confidence)
    rate_bounds = np.full((units, nodes, 2), np.nan)
    point_bounds = np.full((units, nodes, 2), np.nan)
    total_bounds = np.full((units, 2), np.nan)
    rng = np.random.default_rng(options.seed)
    resamples = options.resamples

    def summarise(first: int, draws: np.ndarray) -> None:
        """`draws`: chunk × B × K simulated rates of units first… ."""
        count = draws.shape[0]
        if options.method != "normal":  # the normal method's rate bounds are analytic
            with warnings.catch_warnings():  # nodes without answers: all-NaN slices, NaN bounds
                warnings.simplefilter("ignore", RuntimeWarning)
                rate_bounds[first : first + count] = np.moveaxis(
                    np.nanquantile(draws, [low, high], axis=1), 0, -1
                )
        if all(rule is None for rule in rules):
            return
        points = _points_of(draws, rules)
        point_bounds[first : first + count] = np.moveaxis(
            np.quantile(points, [low, high], axis=1), 0, -1
        )
        total_bounds[first : first + count] = np.quantile(points.sum(axis=2), [low, high], axis=1).T

    if options.method == "normal":
        z = z_value(options.confidence)
        for first in range(0, units, _UNITS_PER_CHUNK):
            last = min(first + _UNITS_PER_CHUNK, units)
            values, vectors = np.linalg.eigh(rate_cov[first:last])
            scale = np.sqrt(np.clip(values, 0.0, None))
            noise = rng.standard_normal((last - first, resamples, nodes)) * scale[:, None, :]
            draws = rates[first:last, None, :] + np.einsum("ubk,ujk->ubj", noise, vectors)
            summarise(first, draws)
        # The analytic interval of each rate replaces the simulated one.
        se = np.sqrt(np.clip(np.diagonal(rate_cov, axis1=1, axis2=2), 0.0, None))
        rate_bounds[..., 0] = np.clip(rates - z * se, 0.0, 1.0)
        rate_bounds[..., 1] = np.clip(rates + z * se, 0.0, 1.0)
        return Simulation(rate_bounds, point_bounds, total_bounds)

    # Bootstrap: resample respondents within each stratum; a unit's strata are consecutive.
    by_unit: dict[int, list[tuple[int, int, int]]] = {}
    for unit, group, start, stop in strata.bounds:
        by_unit.setdefault(unit, []).append((group, start, stop))
    for unit in range(units):
        draws = np.zeros((resamples, nodes))
        for group, start, stop in by_unit.get(unit, []):
            block = pooled.scores(strata.order[start:stop])
            present = ~np.isnan(block)
            values = np.where(present, block, 0.0)
            size = stop - start
            weights = rng.multinomial(size, np.full(size, 1.0 / size), size=resamples)
            totals = weights @ values
            answered = weights @ present.astype(np.float64)
            original = strata.means[unit, group]
            with np.errstate(invalid="ignore", divide="ignore"):
                means = np.where(answered > 0, totals / answered, original)
            population = options.populations.get(
                (pooled.unit_names[unit], pooled.group_names[group])
            )
            if population is not None:
                factors = np.array(
                    [
                        finite_population_factor(int(c), population)
                        for c in strata.counts[unit, group]
                    ]
                )
                means = original + np.sqrt(factors) * (means - original)
            draws += shares[unit, group] * np.nan_to_num(means)
        draws[:, np.isnan(rates[unit])] = np.nan
        summarise(unit, draws[None, :, :])
    return Simulation(rate_bounds, point_bounds, total_bounds)
