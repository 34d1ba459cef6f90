"""Survey scoring: weighted satisfaction rates, node points through the engine, and intervals.

For a respondent i and a node k, the respondent's score is the weighted mean of
the shares (0..1) of the node's questions they answered with a scored choice:
`x_ik = Σ w_q s_iq / Σ w_q`. Within a unit u and respondent group g the rate is
the plain mean over the valid responses, `m_ugk`; across groups it is the
weighted average of the group means, `r_uk = Σ_g W_g m_ugk / Σ_g W_g`, the sum
running over the groups that have answers (their weights are re-normalised and
the unit is flagged when a group is missing). The rate in percent, rounded
half-up to 2 decimals, goes through the node's rule in the engine (`ratio` or
`bands`), which gives the official points exactly (Decimal).

Uncertainty: groups are independent strata. The variance of `m_ugk` is
`s²_ugk / n_ugk` (sample variance; 0,25, the largest a 0..1 score can have, when
n = 1), with covariances between nodes from the pairwise-complete answers
(`n_ab s_ab / (n_a n_b)`), times the finite-population factor when the group's
population is known. Two methods turn this into an interval of the unit's
survey points (the sum of its nodes' points), both seeded:

- `normal` (default): the vector of node rates is approximately normal with
  that covariance (`Σ_g W_g² Cov(m_ug)`); `resamples` draws of it are pushed
  through the node rules, and the interval is the percentile interval of the
  summed points. The rate intervals are the analytic `r ± z · se`.
- `bootstrap`: respondents are resampled with replacement within each stratum
  (`resamples` times), rates and points recomputed, percentile intervals. Exact
  for small samples, but its cost grows with the number of responses.

A unit is flagged when its interval spans two classes (on the index when the
other points are given, else on the survey sub-index = survey points ÷ survey
maximum), when it overlaps the interval of the unit ranked next to it, when it
has fewer than `min_sample` valid responses, or when a node or group is missing.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from parindex.engine import (
    ClassBand,
    Framework,
    NodeInput,
    Problem,
    classify,
    competition_ranks,
    format_number,
    round_half_up,
)
from parindex.engine.rules import BandsRule, ManualRule, RatioRule, Rule

from .errors import SurveyError
from .responses import FormData
from .sampling import finite_population_factor, z_value
from .xlsform import SurveyForm

METHODS = ("normal", "bootstrap")
SURVEY_RULES = ("ratio", "bands", "manual")
_UNITS_PER_CHUNK = 256  # bounds the simulation's memory: chunk × resamples × nodes floats


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


# ---------------------------------------------------------------------------------------------
# Checks against a framework
# ---------------------------------------------------------------------------------------------


def framework_problems(form: SurveyForm, framework: Framework) -> list[Problem]:
    """Every scored question must feed a survey-sourced leaf scored on a rate."""
    node_column = next(
        (i for i, c in enumerate(form.survey_columns) if c.strip().lower() == "node"), None
    )
    letter = _column_letter(node_column) if node_column is not None else ""
    problems = []
    for question in form.scored_questions:
        where = f"{form.path}!survey!{letter}{question.row}"
        node = framework.nodes.get(question.node)
        if node is None:
            problems.append(
                Problem(where, f"tiêu chí «{question.node}» không có trong bộ tiêu chí")
            )
        elif not node.is_leaf:
            problems.append(Problem(where, f"«{question.node}» có mục con: hãy gắn vào mục lá"))
        elif node.source != "survey":
            problems.append(
                Problem(
                    where,
                    f"tiêu chí «{question.node}» có nguồn điểm «{node.source}», không phải"
                    " «survey»",
                )
            )
        elif node.rule is None or node.rule.name not in SURVEY_RULES:
            name = node.rule.name if node.rule else "(không có)"
            problems.append(
                Problem(
                    where,
                    f"tiêu chí «{question.node}» chấm theo quy tắc «{name}»; điều tra xã hội học"
                    " cần quy tắc ratio, bands hoặc manual",
                )
            )
    return problems


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


# ---------------------------------------------------------------------------------------------
# Rules as vectorised float functions (for the simulation only; official points use the engine)
# ---------------------------------------------------------------------------------------------


def _half_up(values: np.ndarray) -> np.ndarray:
    """Round halves up like the engine; snapping to 9 decimals first undoes binary noise."""
    return np.asarray(np.floor(np.round(values, 9) + 0.5))


def simulate_rule(rule: Rule, percent: np.ndarray) -> np.ndarray:
    """The points `rule` gives for each rate in `percent`, as floats."""
    maximum = float(rule.max_points)
    if isinstance(rule, RatioRule):
        ceiling = float(rule.full_at) if rule.full_at is not None else 100.0
        scale = 10.0**rule.points_places
        points = _half_up(maximum * np.minimum(percent / ceiling, 1.0) * scale) / scale
        if rule.zero_below is not None:
            points = np.where(percent < float(rule.zero_below), 0.0, points)
        return np.asarray(points)
    if isinstance(rule, ManualRule):
        step = float(rule.step) if rule.step is not None else 10.0**-rule.points_places
        return np.minimum(_half_up(maximum * percent / 100 / step) * step, maximum)
    if isinstance(rule, BandsRule):
        points = np.zeros_like(percent)
        for minimum, band_points in sorted(rule.thresholds):  # ascending: higher bands overwrite
            points = np.where(percent >= float(minimum), float(band_points), points)
        return points
    raise ValueError(f"rule {rule.name} does not score a rate")


def official_points(rule: Rule, percent: Decimal) -> tuple[Decimal, str]:
    """Points and explanation of a survey node whose rate is `percent`, through the engine.

    `ratio` and `bands` take the rate itself. `manual` (points typed by the managing body)
    takes the rate's share of the maximum, rounded half-up to the rule's step (or to the
    framework's points places), which is how a surveyed satisfaction rate becomes points.
    """
    if isinstance(rule, ManualRule):
        step = rule.step if rule.step is not None else Decimal(1).scaleb(-rule.points_places)
        steps = round_half_up(rule.max_points * percent / 100 / step, 0)
        points = min(steps * step, rule.max_points)
        outcome = rule.score({"points": points})
        rate_text = format_number(percent)
        return outcome.points, (
            f"{rate_text} % × {format_number(rule.max_points)} điểm → {outcome.explanation}"
        )
    outcome = rule.score({"percent": percent})
    return outcome.points, outcome.explanation


def _percent_decimal(rate: float) -> Decimal:
    """A 0..1 rate as a percent, rounded half-up to 2 decimals.

    The rate comes from binary floating point; it is first rounded to 9 decimals so that a
    rate of exactly 87,125 % is not rounded down because it was stored as 87,12499999….
    """
    return round_half_up(Decimal(format(rate * 100, ".9f")), 2)


# ---------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------


@dataclass
class _Pooled:
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


def _pool(datasets: Sequence[tuple[FormData, np.ndarray]], nodes: Sequence[str]) -> _Pooled:
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
    return _Pooled(
        np.concatenate(parts) if parts else np.zeros((0, len(nodes))),
        np.concatenate(units) if units else np.zeros(0, dtype=np.int64),
        np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64),
        unit_names,
        group_names,
    )


@dataclass
class _Strata:
    """Per unit × group × node: counts, means, and the covariance of the means."""

    counts: np.ndarray  # U × G × K
    means: np.ndarray  # U × G × K
    cov: np.ndarray  # U × G × K × K
    respondents: np.ndarray  # U × G
    bounds: list[tuple[int, int, int, int]]  # unit, group, start, stop in `order`
    order: np.ndarray


def _strata(pooled: _Pooled, populations: Mapping[tuple[str, str], int]) -> _Strata:
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
    return _Strata(counts, means, cov, respondents, bounds, order)


def _group_shares(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """U × G × K weights of each group's mean in each node rate (renormalised over present)."""
    present = counts > 0
    raw = present * weights[None, :, None]
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, raw / total, 0.0)


def score_survey(
    datasets: Sequence[tuple[FormData, np.ndarray]],
    framework: Framework | None = None,
    options: ScoringOptions | None = None,
) -> SurveyResults:
    """Rates, points and intervals per unit from the valid responses of each form.

    `datasets` pairs each form's responses with a mask of the responses that count
    (not excluded). Without a framework only rates are estimated.
    """
    options = options or ScoringOptions()
    if options.method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    warnings: list[str] = []
    forms = [data.form for data, _ in datasets]
    nodes = list(dict.fromkeys(node for form in forms for node in form.nodes))
    if framework is not None:
        problems = [problem for form in forms for problem in framework_problems(form, framework)]
        if problems:
            raise SurveyError(problems)
        fed = set(nodes)
        for node in framework.walk():
            if node.source == "survey" and node.is_leaf and node.code not in fed:
                warnings.append(f"tiêu chí điều tra «{node.code}» chưa có câu hỏi nào")
    group_weights, group_labels = _merge_groups(forms)
    pooled = _pool(datasets, nodes)
    weight_vector = np.array([float(group_weights[g]) for g in pooled.group_names])
    strata = _strata(pooled, options.populations)
    shares = _group_shares(strata.counts, weight_vector)
    with np.errstate(invalid="ignore"):
        rates = np.where(shares > 0, shares * np.nan_to_num(strata.means), 0.0).sum(axis=1)
    node_n = strata.counts.sum(axis=1)  # U × K
    rates = np.where(node_n > 0, rates, np.nan)
    # Cov(r_u) = Σ_g w_ga w_gb Cov(m_ug)[a, b]
    rate_cov = np.einsum("uga,ugb,ugab->uab", shares, shares, strata.cov)

    rules = _rules_for(framework, nodes)
    simulation = _simulate(pooled, strata, shares, rates, rate_cov, rules, options)
    units = _unit_estimates(
        pooled, strata, rates, rate_cov, simulation, nodes, rules, framework, options, forms
    )
    units = _rank_and_flag(units, framework, rules, options)
    survey_max = (
        sum((framework.nodes[code].max_points for code in nodes), Decimal(0))
        if framework is not None
        else None
    )
    class_basis = ""
    if framework is not None:
        class_basis = "index" if options.other_points is not None else "survey_subindex"
    return SurveyResults(
        units=tuple(units),
        nodes=tuple(nodes),
        forms=tuple(form.form_id for form in forms),
        group_weights=group_weights,
        group_labels=group_labels,
        options=options,
        survey_max=survey_max,
        class_basis=class_basis,
        warnings=tuple(warnings),
    )


def _merge_groups(forms: Sequence[SurveyForm]) -> tuple[dict[str, Decimal], dict[str, str]]:
    weights: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    problems = []
    for form in forms:
        for group, weight in form.group_weights().items():
            if group in weights and weights[group] != weight:
                problems.append(
                    Problem(
                        form.path,
                        f"nhóm «{group}» có trọng số {format_number(weight)}, khác"
                        f" {format_number(weights[group])} ở biểu mẫu khác",
                    )
                )
            weights.setdefault(group, weight)
        if form.respondent_group_field:
            question = form.question(form.respondent_group_field)
            for choice in form.choices.get(question.list_name, ()):
                text = choice.labels.get(form.default_language) or next(
                    (t for t in choice.labels.values() if t), choice.name
                )
                labels.setdefault(choice.name, text)
        else:
            labels.setdefault(form.respondent_group, form.respondent_group)
    if problems:
        raise SurveyError(problems)
    return weights, labels


def _rules_for(framework: Framework | None, nodes: Sequence[str]) -> list[Rule | None]:
    if framework is None:
        return [None] * len(nodes)
    return [framework.nodes[code].rule for code in nodes]


@dataclass
class _Simulation:
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


def _simulate(
    pooled: _Pooled,
    strata: _Strata,
    shares: np.ndarray,
    rates: np.ndarray,
    rate_cov: np.ndarray,
    rules: Sequence[Rule | None],
    options: ScoringOptions,
) -> _Simulation:
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
        with warnings.catch_warnings():  # nodes without answers give all-NaN slices: NaN bounds
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
        return _Simulation(rate_bounds, point_bounds, total_bounds)

    # Bootstrap: resample respondents within each stratum; a unit's strata are consecutive.
    by_unit: dict[int, list[tuple[int, int, int]]] = {}
    for unit, group, start, stop in strata.bounds:
        by_unit.setdefault(unit, []).append((group, start, stop))
    for unit in range(units):
        draws = np.zeros((resamples, nodes))
        for group, start, stop in by_unit.get(unit, []):
            block = pooled.scores[strata.order[start:stop]]
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
    return _Simulation(rate_bounds, point_bounds, total_bounds)


def _decimal(value: float, places: int) -> Decimal:
    return round_half_up(Decimal(format(float(value), ".9f")), places)


def _unit_estimates(
    pooled: _Pooled,
    strata: _Strata,
    rates: np.ndarray,
    rate_cov: np.ndarray,
    simulation: _Simulation,
    nodes: Sequence[str],
    rules: Sequence[Rule | None],
    framework: Framework | None,
    options: ScoringOptions,
    forms: Sequence[SurveyForm],
) -> list[UnitEstimate]:
    labels: dict[str, str] = {}
    for form in forms:
        for code, label in form.unit_choices().items():
            labels.setdefault(code, label)
    places = framework.info.points_places if framework is not None else 4
    estimates = []
    for unit, name in enumerate(pooled.unit_names):
        n_by_group = {
            group: int(strata.respondents[unit, g])
            for g, group in enumerate(pooled.group_names)
            if strata.respondents[unit, g]
        }
        node_estimates: dict[str, NodeEstimate] = {}
        total: Decimal | None = Decimal(0) if framework is not None else None
        for k, code in enumerate(nodes):
            n = int(strata.counts[unit, :, k].sum())
            per_group = {
                group: int(strata.counts[unit, g, k])
                for g, group in enumerate(pooled.group_names)
                if strata.counts[unit, g, k]
            }
            rate = _percent_decimal(rates[unit, k]) if n else None
            low = _decimal(simulation.rate_bounds[unit, k, 0] * 100, 2) if n else None
            high = _decimal(simulation.rate_bounds[unit, k, 1] * 100, 2) if n else None
            rule = rules[k]
            points = points_low = points_high = maximum = None
            explanation = ""
            if rule is not None and framework is not None:
                maximum = framework.nodes[code].max_points
                if rate is not None:
                    points, explanation = official_points(rule, rate)
                    points_low = _decimal(simulation.point_bounds[unit, k, 0], places)
                    points_high = _decimal(simulation.point_bounds[unit, k, 1], places)
                else:
                    points, explanation = Decimal(0), "Chưa có phiếu hợp lệ → 0 điểm"
                assert total is not None
                total += points
            node_estimates[code] = NodeEstimate(
                code,
                n,
                per_group,
                rate,
                low,
                high,
                points,
                points_low,
                points_high,
                maximum,
                explanation,
                rule.name if rule is not None else "",
            )
        has_points = framework is not None
        estimates.append(
            UnitEstimate(
                unit=name,
                label=labels.get(name, name),
                responses=int(strata.respondents[unit].sum()),
                n_by_group=n_by_group,
                nodes=node_estimates,
                points=total,
                points_low=_decimal(simulation.total_bounds[unit, 0], places)
                if has_points
                else None,
                points_high=_decimal(simulation.total_bounds[unit, 1], places)
                if has_points
                else None,
                rank=None,
                classes=(),
                flags=_sample_flags(unit, strata, pooled, nodes, node_estimates, options, rate_cov),
            )
        )
    return estimates


def _sample_flags(
    unit: int,
    strata: _Strata,
    pooled: _Pooled,
    nodes: Sequence[str],
    node_estimates: Mapping[str, NodeEstimate],
    options: ScoringOptions,
    rate_cov: np.ndarray,
) -> tuple[UnitFlag, ...]:
    flags = []
    responses = int(strata.respondents[unit].sum())
    if responses < options.min_sample:
        flags.append(
            UnitFlag(
                "small_sample",
                f"chỉ có {responses} phiếu hợp lệ (khuyến nghị tối thiểu {options.min_sample})",
            )
        )
    missing_nodes = [code for code in nodes if node_estimates[code].n == 0]
    if missing_nodes:
        flags.append(
            UnitFlag("missing_node", f"chưa có phiếu cho tiêu chí {', '.join(missing_nodes)}")
        )
    missing_groups = [
        group for g, group in enumerate(pooled.group_names) if strata.respondents[unit, g] == 0
    ]
    if missing_groups:
        flags.append(
            UnitFlag(
                "missing_group",
                f"thiếu nhóm {', '.join(missing_groups)}: trọng số chia lại cho các nhóm còn lại",
            )
        )
    return tuple(flags)


def _rank_and_flag(
    units: list[UnitEstimate],
    framework: Framework | None,
    rules: Sequence[Rule | None],
    options: ScoringOptions,
) -> list[UnitEstimate]:
    if framework is None or not units:
        return units
    other = options.other_points
    info = framework.info
    survey_max = sum((rule.max_points for rule in rules if rule is not None), Decimal(0))

    def shifted(unit: UnitEstimate, value: Decimal | None) -> Decimal:
        base = other.get(unit.unit, Decimal(0)) if other is not None else Decimal(0)
        return base + (value or Decimal(0))

    def index_of(points: Decimal) -> Decimal:
        whole = info.max_total if other is not None else survey_max
        return round_half_up(points * 100 / whole, info.index_places) if whole else Decimal(0)

    totals = {unit.unit: shifted(unit, unit.points) for unit in units}
    ranks = competition_ranks(totals)
    ordered = sorted(units, key=lambda unit: (ranks[unit.unit], unit.unit))
    basis = "chỉ số" if other is not None else "chỉ số thành phần điều tra"
    result: dict[str, UnitEstimate] = {}
    for position, unit in enumerate(ordered):
        low, high = shifted(unit, unit.points_low), shifted(unit, unit.points_high)
        low_class = classify(index_of(low), info.class_bands)
        high_class = classify(index_of(high), info.class_bands)
        spanned = _classes_between(info.class_bands, high_class, low_class)
        flags = list(unit.flags)
        if len(spanned) > 1:
            flags.append(
                UnitFlag(
                    "class_uncertain",
                    f"khoảng tin cậy của {basis} ({format_number(index_of(low))}–"
                    f"{format_number(index_of(high))} %) trải qua các loại {', '.join(spanned)}",
                )
            )
        overlapping = []
        for neighbour_position in (position - 1, position + 1):
            if 0 <= neighbour_position < len(ordered):
                neighbour = ordered[neighbour_position]
                n_low = shifted(neighbour, neighbour.points_low)
                n_high = shifted(neighbour, neighbour.points_high)
                if low <= n_high and n_low <= high:
                    overlapping.append(f"{neighbour.label} (hạng {ranks[neighbour.unit]})")
        if overlapping:
            flags.append(
                UnitFlag(
                    "rank_overlap",
                    f"khoảng tin cậy chồng lên đơn vị xếp liền kề: {', '.join(overlapping)}",
                )
            )
        result[unit.unit] = UnitEstimate(
            unit=unit.unit,
            label=unit.label,
            responses=unit.responses,
            n_by_group=unit.n_by_group,
            nodes=unit.nodes,
            points=unit.points,
            points_low=unit.points_low,
            points_high=unit.points_high,
            rank=ranks[unit.unit],
            classes=spanned,
            flags=tuple(flags),
        )
    return [result[unit.unit] for unit in ordered]


def _classes_between(bands: Sequence[ClassBand], best: str, worst: str) -> tuple[str, ...]:
    """The class labels from `best` down to `worst` (bands are ordered best first)."""
    labels = [band.label for band in bands]
    if best in labels and worst in labels:
        return tuple(labels[labels.index(best) : labels.index(worst) + 1])
    return tuple(dict.fromkeys((best, worst)))
