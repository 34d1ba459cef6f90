"""Survey nodes' points: the checks of a questionnaire against a framework, official points
through the engine's rules (exact, Decimal), and the rules as vectorised float functions for
the simulation only.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from parindex.engine import Framework, Problem, format_number, format_percent, round_half_up
from parindex.engine.rules import BandsRule, ManualRule, RatioRule, Rule
from parindex.surveys.xlsform import SurveyForm

SURVEY_RULES = ("ratio", "bands", "manual")


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
        return outcome.points, (
            f"{format_percent(percent)} × {format_number(rule.max_points)} điểm"
            f" → {outcome.explanation}"
        )
    outcome = rule.score({"percent": percent})
    return outcome.points, outcome.explanation


def percent_decimal(rate: float) -> Decimal:
    """A 0..1 rate as a percent, rounded half-up to 2 decimals.

    The rate comes from binary floating point; it is first rounded to 9 decimals so that a
    rate of exactly 87,125 % is not rounded down because it was stored as 87,12499999….
    """
    return round_half_up(Decimal(format(rate * 100, ".9f")), 2)
