"""Respondents' node scores pooled across forms, and per unit × respondent group × node the
counts, the means and the covariance of the means (the strata of the estimates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from parindex.surveys.responses import FormData
from parindex.surveys.sampling import finite_population_factor


@dataclass
class Pooled:
    """Respondent-by-node scores of every form, with global unit and group indices."""

    scores: np.ndarray  # respondents × nodes, NaN = no score
    units: np.ndarray
    groups: np.ndarray
    unit_names: list[str]
    group_names: list[str]


def _respondent_scores(data: FormData, nodes: Sequence[str]) -> np.ndarray:
    scores = np.full((data.size, len(nodes)), np.nan)
    questions = data.form.scored_questions
    for column, node in enumerate(nodes):
        positions = [i for i, q in enumerate(questions) if q.node == node]
        if not positions:
            continue
        weights = np.array([float(questions[i].scoring_weight) for i in positions])
        shares = data.shares[:, positions]
        answered = ~np.isnan(shares)
        numerator = np.where(answered, shares, 0.0) @ weights
        denominator = answered @ weights
        with np.errstate(invalid="ignore", divide="ignore"):
            scores[:, column] = np.where(denominator > 0, numerator / denominator, np.nan)
    return scores


def pool(datasets: Sequence[tuple[FormData, np.ndarray]], nodes: Sequence[str]) -> Pooled:
    unit_names = sorted({name for data, _ in datasets for name in data.unit_names})
    # Every declared group, so that a group nobody answered is seen as missing.
    declared = {group for data, _ in datasets for group in data.form.group_weights()}
    group_names = sorted(declared | {name for data, _ in datasets for name in data.group_names})
    unit_index = {name: i for i, name in enumerate(unit_names)}
    group_index = {name: i for i, name in enumerate(group_names)}
    parts, units, groups = [], [], []
    for data, valid in datasets:
        unit_map = np.array([unit_index[name] for name in data.unit_names] + [-1])
        group_map = np.array([group_index[name] for name in data.group_names] + [-1])
        parts.append(_respondent_scores(data, nodes)[valid])
        units.append(unit_map[data.units[valid]])
        groups.append(group_map[data.groups[valid]])
    return Pooled(
        np.concatenate(parts) if parts else np.zeros((0, len(nodes))),
        np.concatenate(units) if units else np.zeros(0, dtype=np.int64),
        np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64),
        unit_names,
        group_names,
    )


@dataclass
class Strata:
    """Per unit × group × node: counts, means, and the covariance of the means."""

    counts: np.ndarray  # U × G × K
    means: np.ndarray  # U × G × K
    cov: np.ndarray  # U × G × K × K
    respondents: np.ndarray  # U × G
    bounds: list[tuple[int, int, int, int]]  # unit, group, start, stop in `order`
    order: np.ndarray


def stratify(pooled: Pooled, populations: Mapping[tuple[str, str], int]) -> Strata:
    units, groups = len(pooled.unit_names), len(pooled.group_names)
    nodes = pooled.scores.shape[1]
    stratum = pooled.units * groups + pooled.groups
    order = np.argsort(stratum, kind="stable")
    edges = np.searchsorted(stratum[order], np.arange(units * groups + 1))
    counts = np.zeros((units, groups, nodes))
    means = np.full((units, groups, nodes), np.nan)
    cov = np.zeros((units, groups, nodes, nodes))
    respondents = np.zeros((units, groups), dtype=np.int64)
    bounds = []
    for index in range(units * groups):
        start, stop = int(edges[index]), int(edges[index + 1])
        if stop == start:
            continue
        unit, group = divmod(index, groups)
        bounds.append((unit, group, start, stop))
        respondents[unit, group] = stop - start
        block = pooled.scores[order[start:stop]]
        present = ~np.isnan(block)
        values = np.where(present, block, 0.0)
        mask = present.astype(np.float64)
        pair_n = mask.T @ mask  # answers to both a and b
        pair_sum = values.T @ mask  # [a, b]: Σ x_a over rows answering both
        products = values.T @ values
        n = np.diag(pair_n)
        counts[unit, group] = n
        with np.errstate(invalid="ignore", divide="ignore"):
            means[unit, group] = np.where(n > 0, np.diag(pair_sum) / n, np.nan)
            pair_cov = (products - pair_sum * pair_sum.T / pair_n) / (pair_n - 1)
            mean_cov = pair_n * pair_cov / np.outer(n, n)
        mean_cov = np.where(pair_n >= 2, mean_cov, 0.0)
        single = n == 1
        mean_cov[single, single] = 0.25  # the largest variance a 0..1 score can have
        population = populations.get((pooled.unit_names[unit], pooled.group_names[group]))
        if population is not None:
            factors = np.array([finite_population_factor(int(c), population) for c in n])
            mean_cov = mean_cov * np.sqrt(np.outer(factors, factors))
        cov[unit, group] = mean_cov
    return Strata(counts, means, cov, respondents, bounds, order)


def group_shares(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """U × G × K weights of each group's mean in each node rate (renormalised over present)."""
    present = counts > 0
    raw = present * weights[None, :, None]
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, raw / total, 0.0)
