"""Decision 766-style points per indicator group — UNOFFICIAL ("không chính thức").

The groups, their maxima and the formulas inside each group are configuration
(`parindex/data/servicedata/qd766_points.yaml`), defaulting to the domain notes and to the
unofficial public reconstruction of the national portal's scoring
(`qd766_indicators_unofficial.csv`). Each component takes a rate — one computed from the
dossiers (`indicators.RATES`) or a figure imported as a feed ("feed:<code>") — and scores it
with the engine's `ratio` rule:

    points = max_points × min(1, rate ÷ full_at_percent)       (full_at_percent = 100 by default)

e.g. the online-submission share scores full points from 50 %, and satisfaction with dossier
handling from 90 %. A component without data is not scored ("không có dữ liệu": the export
lacks the column, or no feed figure was imported), nor one without cases unless the
configuration says `if_no_cases: full` (the portal's practice for complaints): the group shows
its points over the maximum of the components that were scored, with a note naming the others
(`GroupScore.note`), never a made-up 0. `if_no_cases: zero` is refused for that reason.

With `plain=True` every component uses its `plain_indicator` (the timeliness component then
uses finished on time ÷ finished) and straight pro-rata points, no thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.engine import (
    Problem,
    RuleInputError,
    RuleParameterError,
    format_number,
    make_rule,
    to_decimal,
)
from parindex.engine.numbers import ZERO

from .errors import ServiceDataError
from .indicators import RATES_BY_NAME, IndicatorRow
from .reference import data_path
from .yamlfile import load_located_yaml

UNOFFICIAL = "không chính thức"
POINTS_PLACES = 2


@dataclass(frozen=True, slots=True)
class Component:
    row: str
    title: str
    max_points: Decimal
    indicator: str
    full_at_percent: Decimal | None = None
    if_no_cases: str = "none"
    plain_indicator: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    title: str
    max_points: Decimal
    components: tuple[Component, ...]


@dataclass(frozen=True)
class PointsConfig:
    label: str
    source: str
    groups: tuple[Group, ...]
    location: str = ""

    @property
    def max_total(self) -> Decimal:
        return sum((group.max_points for group in self.groups), ZERO)

    @property
    def indicators(self) -> set[str]:
        return {c.indicator for g in self.groups for c in g.components} | {
            c.plain_indicator for g in self.groups for c in g.components if c.plain_indicator
        }


def load_points_config(path: Path | None = None) -> PointsConfig:
    """Read and check a points configuration (the shipped unofficial defaults by default)."""
    located = load_located_yaml(path or data_path("qd766_points.yaml"))
    raw = located.data if isinstance(located.data, dict) else {}
    problems: list[Problem] = []
    groups: list[Group] = []
    raw_groups = raw.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise ServiceDataError("thiếu «groups»", located.where())
    for g_index, raw_group in enumerate(raw_groups):
        where = located.where("groups", g_index)
        if not isinstance(raw_group, dict):
            problems.append(Problem(where, "mỗi nhóm cần code, title, max_points, components"))
            continue
        group_max = _number(raw_group.get("max_points"), where, "max_points", problems)
        components: list[Component] = []
        for c_index, raw_component in enumerate(raw_group.get("components") or []):
            c_where = located.where("groups", g_index, "components", c_index)
            component = _component(raw_component, c_where, problems)
            if component is not None:
                components.append(component)
        total = sum((c.max_points for c in components), ZERO)
        if group_max is not None and components and total != group_max:
            problems.append(
                Problem(where, f"tổng điểm các thành phần là {total}, khác {group_max} của nhóm")
            )
        groups.append(
            Group(
                str(raw_group.get("code") or f"G{g_index + 1}"),
                str(raw_group.get("title") or ""),
                group_max or ZERO,
                tuple(components),
            )
        )
    if problems:
        raise ServiceDataError(problems)
    return PointsConfig(
        label=str(raw.get("label") or f"Điểm kiểu QĐ 766 ({UNOFFICIAL})"),
        source=str(raw.get("source") or ""),
        groups=tuple(groups),
        location=located.file_name,
    )


def _number(value: Any, where: str, key: str, problems: list[Problem]) -> Decimal | None:
    try:
        return to_decimal(value)
    except (ValueError, TypeError):
        problems.append(Problem(where, f"«{key}» phải là số, không phải «{value}»"))
        return None


def _component(raw: Any, where: str, problems: list[Problem]) -> Component | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "thành phần cần row, title, max_points, indicator"))
        return None
    maximum = _number(raw.get("max_points"), where, "max_points", problems)
    indicator = str(raw.get("indicator") or "")
    plain = str(raw.get("plain_indicator") or "")
    for name in (indicator, plain):
        if name and not name.startswith("feed:") and name not in RATES_BY_NAME:
            problems.append(
                Problem(where, f"chỉ số «{name}» không có (có: {', '.join(RATES_BY_NAME)}, feed:…)")
            )
    if not indicator:
        problems.append(Problem(where, "thiếu «indicator»"))
    full_at = raw.get("full_at_percent")
    full_at_value = _number(full_at, where, "full_at_percent", problems) if full_at else None
    if_no_cases = str(raw.get("if_no_cases") or "none")
    if if_no_cases == "zero":
        problems.append(
            Problem(
                where,
                "«if_no_cases: zero» không dùng được: thành phần không phát sinh hồ sơ không bị "
                "chấm 0 (dùng none: không chấm, hoặc full: đủ điểm)",
            )
        )
    elif if_no_cases not in ("full", "none"):
        problems.append(Problem(where, "«if_no_cases» là none hoặc full"))
    if maximum is None:
        return None
    component = Component(
        str(raw.get("row") or ""),
        str(raw.get("title") or indicator),
        maximum,
        indicator,
        full_at_value,
        if_no_cases,
        plain,
    )
    try:  # let the engine check the parameters now, not at scoring time
        _rule(component, plain=False)
    except RuleParameterError as error:
        problems.append(Problem(where, str(error)))
    return component


def _rule(component: Component, *, plain: bool) -> Any:
    params: dict[str, Any] = {"if_no_cases": "full"}
    if component.full_at_percent is not None and not plain:
        params["full_at_percent"] = component.full_at_percent
    return make_rule("ratio", params, component.max_points, POINTS_PLACES)


# Scoring ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentScore:
    component: Component
    indicator: str
    points: Decimal | None  # None: no data, or no cases and `if_no_cases: none`
    explanation: str


@dataclass(frozen=True, slots=True)
class GroupScore:
    group: Group
    points: Decimal | None
    scored_max: Decimal  # the maximum of the components that could be scored
    components: tuple[ComponentScore, ...]

    @property
    def unscored(self) -> tuple[ComponentScore, ...]:
        return tuple(score for score in self.components if score.points is None)

    @property
    def note(self) -> str:
        """Empty when every component was scored; else says the maximum was reduced and why."""
        missing = self.unscored
        if not missing:
            return ""
        listed = "; ".join(
            f"{score.component.title} ({format_number(score.component.max_points)} điểm): "
            f"{score.explanation.lower()}"
            for score in missing
        )
        if self.points is None:
            return f"{self.group.code} không chấm: {listed}"
        return (
            f"{self.group.code} chấm trên {format_number(self.scored_max)}/"
            f"{format_number(self.group.max_points)} điểm, không tính {listed}"
        )


@dataclass(frozen=True)
class PointsResult:
    groups: tuple[GroupScore, ...]
    total: Decimal
    scored_max: Decimal
    max_total: Decimal
    plain: bool
    label: str

    def group(self, code: str) -> GroupScore:
        return next(group for group in self.groups if group.group.code == code)

    @property
    def notes(self) -> list[str]:
        """One note per group scored over a reduced maximum (or not scored at all)."""
        return [group.note for group in self.groups if group.note]


def _values_for(row: IndicatorRow, indicator: str) -> dict[str, Any] | None:
    """The rule input for `indicator` on `row`, or None when the row has no such figure."""
    if indicator.startswith("feed:"):
        figure = row.feeds.get(indicator[5:])
        if figure is None:
            return None
        return figure.rule_values()
    fraction = row.fraction(indicator)
    if fraction is None:
        return None
    return {"numerator": fraction[0], "denominator": fraction[1]}


def score_row(
    row: IndicatorRow,
    config: PointsConfig,
    *,
    plain: bool = False,
    rules: dict[tuple[Component, bool], Any] | None = None,
) -> PointsResult:
    """The points of one row; `rules` caches the engine rules across rows."""
    rules = {} if rules is None else rules
    groups: list[GroupScore] = []
    for group in config.groups:
        scores: list[ComponentScore] = []
        for component in group.components:
            indicator = (
                (component.plain_indicator or component.indicator) if plain else component.indicator
            )
            values = _values_for(row, indicator)
            if values is None:
                scores.append(ComponentScore(component, indicator, None, "Không có dữ liệu"))
                continue
            no_cases = values.get("denominator") == 0 and values.get("percent") is None
            if no_cases and component.if_no_cases == "none":
                scores.append(ComponentScore(component, indicator, None, "Không phát sinh hồ sơ"))
                continue
            rule = rules.get((component, plain))
            if rule is None:
                rule = rules[(component, plain)] = _rule(component, plain=plain)
            try:
                outcome = rule.score(values)
            except RuleInputError as error:  # e.g. a count feed named where a rate is needed
                scores.append(ComponentScore(component, indicator, None, str(error)))
                continue
            scores.append(ComponentScore(component, indicator, outcome.points, outcome.explanation))
        scored = [score for score in scores if score.points is not None]
        groups.append(
            GroupScore(
                group,
                sum((s.points for s in scored if s.points is not None), ZERO) if scored else None,
                sum((s.component.max_points for s in scored), ZERO),
                tuple(scores),
            )
        )
    return PointsResult(
        groups=tuple(groups),
        total=sum((g.points for g in groups if g.points is not None), ZERO),
        scored_max=sum((g.scored_max for g in groups), ZERO),
        max_total=config.max_total,
        plain=plain,
        label=config.label + (" — cách tính đơn giản" if plain else ""),
    )


def attach_points(rows: list[IndicatorRow], config: PointsConfig, *, plain: bool = False) -> None:
    """Score every row (rows per procedure are not scored: 766 points are per unit or more)."""
    rules: dict[tuple[Component, bool], Any] = {}
    for row in rows:
        if "procedure_code" not in row.keys:
            row.points = score_row(row, config, plain=plain, rules=rules)
