"""`score_survey`: rates, points and intervals per unit from the valid responses of each form,
then ranks and the flags of uncertain units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np

from parindex.engine import (
    ClassBand,
    Framework,
    Problem,
    classify,
    competition_ranks,
    format_number,
    round_half_up,
)
from parindex.engine.rules import Rule
from parindex.surveys.errors import SurveyError
from parindex.surveys.responses import FormData
from parindex.surveys.scoring.intervals import Simulation, simulate
from parindex.surveys.scoring.points import framework_problems, official_points, percent_decimal
from parindex.surveys.scoring.results import (
    NodeEstimate,
    ScoringOptions,
    SurveyResults,
    UnitEstimate,
    UnitFlag,
)
from parindex.surveys.scoring.strata import Pooled, Strata, group_shares, pool, stratify
from parindex.surveys.xlsform import SurveyForm

METHODS = ("normal", "bootstrap")


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
    pooled = pool(datasets, nodes)
    weight_vector = np.array([float(group_weights[g]) for g in pooled.group_names])
    strata = stratify(pooled, options.populations)
    shares = group_shares(strata.counts, weight_vector)
    with np.errstate(invalid="ignore"):
        rates = np.where(shares > 0, shares * np.nan_to_num(strata.means), 0.0).sum(axis=1)
    node_n = strata.counts.sum(axis=1)  # U × K
    rates = np.where(node_n > 0, rates, np.nan)
    # Cov(r_u) = Σ_g w_ga w_gb Cov(m_ug)[a, b]
    rate_cov = np.einsum("uga,ugb,ugab->uab", shares, shares, strata.cov)

    rules = _rules_for(framework, nodes)
    simulation = simulate(pooled, strata, shares, rates, rate_cov, rules, options)
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


def _decimal(value: float, places: int) -> Decimal:
    return round_half_up(Decimal(format(float(value), ".9f")), places)


def _unit_estimates(
    pooled: Pooled,
    strata: Strata,
    rates: np.ndarray,
    rate_cov: np.ndarray,
    simulation: Simulation,
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
            rate = percent_decimal(rates[unit, k]) if n else None
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
    strata: Strata,
    pooled: Pooled,
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
