"""Respondents' node scores pooled across forms, and per unit × respondent group × node the
counts, the means and the covariance of the means (the strata of the estimates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from parindex.surveys.responses import FormData
from parindex.surveys.sampling import finite_population_factor

_MAX_COMBINATIONS = 1 << 16  # a node's answers combined into one lookup when this small
_BLOCK = 1 << 16  # respondents scored at a time


@dataclass
class _NodeScorer:
    """How one node scores a respondent: the weighted mean share of its answered questions.

    When the node's questions have few answers between them, every combination of answers is
    scored once (same arithmetic, same order) and each respondent looks its score up."""

    columns: list[int]  # the questions' columns in `choice_codes`
    sizes: list[int]  # answers per question, plus one for "no answer" (code -1)
    lookup: np.ndarray | None  # score by combined answers (None: computed per respondent)
    positions: list[int]
    weights: list[float]

    @classmethod
    def of(cls, data: FormData, positions: list[int]) -> _NodeScorer:
        questions = data.form.scored_questions
        weights = [float(questions[p].scoring_weight) for p in positions]
        tables = [data.share_tables[p] for p in positions]
        columns = [data.coded_questions.index(questions[p].name) for p in positions]
        sizes = [len(table) for table in tables]  # codes 0…n-1 and -1 (the last entry)
        if int(np.prod(sizes, dtype=np.float64)) > _MAX_COMBINATIONS:
            return cls(columns, sizes, None, positions, weights)
        grid = np.array(np.meshgrid(*[np.arange(n) for n in sizes], indexing="ij"))
        grid = grid.reshape(len(sizes), -1)
        numerator = np.zeros(grid.shape[1])
        denominator = np.zeros(grid.shape[1])
        for table, weight, codes in zip(tables, weights, grid, strict=True):
            shares = table[codes]
            answered = ~np.isnan(shares)
            numerator += np.where(answered, shares, 0.0) * weight
            denominator += answered * weight
        with np.errstate(invalid="ignore", divide="ignore"):
            lookup = np.where(denominator > 0, numerator / denominator, np.nan)
        return cls(columns, sizes, lookup, positions, weights)

    def scores(self, data: FormData, rows: slice) -> np.ndarray:
        """The node's score of each respondent in `rows` (NaN = no scored answer)."""
        count = len(range(*rows.indices(data.size)))
        if self.lookup is not None:
            combined = np.zeros(count, dtype=np.int64)
            for column, size in zip(self.columns, self.sizes, strict=True):
                codes = data.choice_codes[rows, column]
                combined *= size
                combined += np.where(codes < 0, size - 1, codes)
            return self.lookup[combined]
        numerator = np.zeros(count)
        denominator = np.zeros(count)
        for position, weight in zip(self.positions, self.weights, strict=True):
            shares = data.scored_shares(position)[rows]
            answered = ~np.isnan(shares)
            numerator += np.where(answered, shares, 0.0) * weight
            denominator += answered * weight
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(denominator > 0, numerator / denominator, np.nan)


def _scorers(data: FormData, nodes: Sequence[str]) -> list[_NodeScorer | None]:
    questions = data.form.scored_questions
    return [
        _NodeScorer.of(data, positions) if positions else None
        for positions in ([i for i, q in enumerate(questions) if q.node == node] for node in nodes)
    ]


@dataclass
class Pooled:
    """Respondent-by-node scores of every form (the forms one after the other), with each
    respondent's stratum (unit × group index; -1 for a response that does not count)."""

    matrix: np.ndarray  # respondents × nodes, NaN = no score
    strata: np.ndarray  # unit index × number of groups + group index, or -1
    unit_names: list[str]
    group_names: list[str]

    @property
    def nodes(self) -> int:
        return int(self.matrix.shape[1])

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """The scores of some respondents (pooled rows) × nodes."""
        return self.matrix[rows]


def _respondent_scores(data: FormData, nodes: Sequence[str]) -> np.ndarray:
    """Respondents × nodes: the weighted mean share of the node's answered questions.

    Filled a block of respondents at a time (the answers read in order, each block of the
    matrix written while it is in the CPU's cache)."""
    scores = np.empty((data.size, len(nodes)))
    scorers = _scorers(data, nodes)
    for start in range(0, data.size, _BLOCK):
        rows = slice(start, min(start + _BLOCK, data.size))
        block = scores[rows]
        for column, scorer in enumerate(scorers):
            block[:, column] = scorer.scores(data, rows) if scorer is not None else np.nan
    return scores


def respondent_scores(data: FormData, nodes: Sequence[str]) -> np.ndarray:
    """`_respondent_scores`, kept in `data.cache`: the store computes them on the second core
    while the integrity rules run on the first."""
    key = "scores:" + "\x1f".join(nodes)
    cached = data.cache.get(key)
    if not isinstance(cached, np.ndarray):
        cached = _respondent_scores(data, nodes)
        data.cache[key] = cached
    return cached


def pool(datasets: Sequence[tuple[FormData, np.ndarray]], nodes: Sequence[str]) -> Pooled:
    unit_names = sorted({name for data, _ in datasets for name in data.unit_names})
    # Every declared group, so that a group nobody answered is seen as missing.
    declared = {group for data, _ in datasets for group in data.form.group_weights()}
    group_names = sorted(declared | {name for data, _ in datasets for name in data.group_names})
    unit_index = {name: i for i, name in enumerate(unit_names)}
    group_index = {name: i for i, name in enumerate(group_names)}
    width = len(group_names)
    parts, strata = [], []
    for data, valid in datasets:
        unit_map = np.array([unit_index[name] for name in data.unit_names] + [-1])
        group_map = np.array([group_index[name] for name in data.group_names] + [-1])
        units, groups = unit_map[data.units], group_map[data.groups]
        counted = np.asarray(valid, dtype=bool) & (units >= 0) & (groups >= 0)
        parts.append(respondent_scores(data, nodes))
        strata.append(np.where(counted, units * width + groups, -1))
    if len(parts) == 1:
        return Pooled(parts[0], strata[0], unit_names, group_names)
    return Pooled(
        np.concatenate(parts) if parts else np.zeros((0, len(nodes))),
        np.concatenate(strata) if strata else np.zeros(0, dtype=np.int64),
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
    order: np.ndarray  # the pooled rows that count, by stratum


def _moments(block: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-complete counts, sums and products of a stratum's scores (rows × nodes), from
    one matrix product of [values | answered] with itself."""
    nodes = block.shape[1]
    both = np.empty((block.shape[0], 2 * nodes))
    present = ~np.isnan(block)
    np.copyto(both[:, :nodes], np.where(present, block, 0.0))
    both[:, nodes:] = present
    gram = both.T @ both
    products = gram[:nodes, :nodes]  # Σ x_a x_b
    pair_sum = gram[:nodes, nodes:]  # [a, b]: Σ x_a over rows answering both
    pair_n = gram[nodes:, nodes:]  # answers to both a and b
    return pair_n, pair_sum, products


def stratify(pooled: Pooled, populations: Mapping[tuple[str, str], int]) -> Strata:
    units, groups = len(pooled.unit_names), len(pooled.group_names)
    nodes = pooled.nodes
    stratum = pooled.strata
    small = np.int16 if units * groups < np.iinfo(np.int16).max else np.int64
    order = np.argsort(stratum.astype(small), kind="stable")  # counting order, rows kept in order
    edges = np.searchsorted(stratum[order], np.arange(units * groups + 1))
    first = int(edges[0])
    order = order[first:]  # responses that count, by stratum
    edges = edges - first
    counts = np.zeros((units, groups, nodes))
    means = np.full((units, groups, nodes), np.nan)
    cov = np.zeros((units, groups, nodes, nodes))
    respondents = np.zeros((units, groups), dtype=np.int64)
    filled = [i for i in range(units * groups) if edges[i + 1] > edges[i]]
    bounds = []
    # The strata's moments on two threads (NumPy's matrix products let go of the lock).
    with ThreadPoolExecutor(max_workers=2) as executor:
        moments = executor.map(
            lambda i: _moments(pooled.scores(order[edges[i] : edges[i + 1]])), filled
        )
        for index, (pair_n, pair_sum, products) in zip(filled, moments, strict=True):
            start, stop = int(edges[index]), int(edges[index + 1])
            unit, group = divmod(index, groups)
            bounds.append((unit, group, start, stop))
            respondents[unit, group] = stop - start
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
