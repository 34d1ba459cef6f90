"""What a leaf can still score, and which entry gives those points, asked of the engine's rules.

A plan changes a leaf from the points it has to points it could have. Which points
are possible depends on the rule: a `choice`, `boolean`, `bands` or `deduction` leaf
takes one of a few discrete levels; a `ratio` leaf takes any point on its rounding
grid (10^-points_places) from the points at its zero-below threshold up to its
maximum; a `manual` leaf any multiple of its `step` (or of 10^-points_places) up to
its maximum. Only the framework parameters (`rule.params`, the file format of
docs/framework-format.md) and `rule.score` are read: every level is the engine's
own answer to an entry, and `entry_for` checks the entry it proposes the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from typing import Any

from parindex.engine import Rule, RuleInputError, to_decimal

from .errors import PlanningError

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DISCRETE_RULES = ("choice", "boolean", "bands", "deduction")
GRID_RULES = ("ratio", "manual")


@dataclass(frozen=True)
class LeafOptions:
    """The points a leaf can move to, above `current` and at most `ceiling`.

    Discrete rules list their `levels`. Grid rules move by `step` from `current`
    (up to `top`, the highest grid point within the ceiling); when `current` is below
    `floor` (a ratio's zero-below threshold), the only points above it are `floor`
    and up.
    """

    rule: str
    current: Decimal
    ceiling: Decimal
    levels: tuple[Decimal, ...] = ()
    step: Decimal | None = None
    top: Decimal | None = None
    floor: Decimal | None = None

    @property
    def discrete(self) -> bool:
        return self.step is None

    @property
    def best(self) -> Decimal:
        """The most points the leaf can reach (its current points when it cannot move)."""
        if self.step is None:
            return max(self.levels, default=self.current)
        return self.top if self.top is not None else self.current

    @property
    def improvable(self) -> bool:
        return self.best > self.current


def _param(params: Mapping[str, Any], key: str) -> Decimal | None:
    value = params.get(key)
    return None if value is None or value == "" else to_decimal(value)


def _score(rule: Rule, values: Mapping[str, Any]) -> Decimal:
    try:
        return rule.score(values).points
    except RuleInputError as error:  # only for entries the rule's own parameters describe
        raise PlanningError(f"quy tắc {rule.name} không nhận «{dict(values)}»: {error}") from None


def _deduction_counts(rule: Rule) -> range:
    per = _param(rule.params, "per_occurrence")
    if per is None or per <= 0:
        return range(1)
    return range(int((rule.max_points / per).to_integral_value(ROUND_CEILING)) + 1)


def _discrete_entries(rule: Rule) -> list[dict[str, Any]]:
    """Entries that give every point level a discrete rule can give."""
    params = rule.params
    if rule.name == "choice":
        return [{"option": str(option["key"])} for option in params.get("options") or ()]
    if rule.name == "boolean":
        return [{"value": True}, {"value": False}]
    if rule.name == "bands":
        minimums = sorted(
            to_decimal(band["min_percent"]) for band in params.get("thresholds") or ()
        )
        # The lowest rate reaching each band gives that band's points; 0 % the floor.
        return [{"percent": ZERO}, *({"percent": minimum} for minimum in minimums)]
    if rule.name == "deduction":
        return [{"count": count} for count in _deduction_counts(rule)]
    raise PlanningError(f"quy tắc «{rule.name}» không có các mức điểm rời rạc")


def grid_step(rule: Rule) -> Decimal:
    """The smallest change of points a grid rule can make."""
    if rule.name == "manual":
        step = _param(rule.params, "step")
        if step is not None:
            return step
    return Decimal(1).scaleb(-rule.points_places)


def _floor_to(value: Decimal, step: Decimal, origin: Decimal) -> Decimal:
    steps = ((value - origin) / step).to_integral_value(ROUND_FLOOR)
    return origin + steps * step


def leaf_options(rule: Rule, current: Decimal, ceiling: Decimal | None = None) -> LeafOptions:
    """What the leaf scored by `rule` can move to from `current`, within `ceiling` (its max)."""
    top_allowed = rule.max_points if ceiling is None else min(ceiling, rule.max_points)
    if rule.name in DISCRETE_RULES:
        points = {_score(rule, entry) for entry in _discrete_entries(rule)}
        levels = tuple(sorted(p for p in points if current < p <= top_allowed))
        return LeafOptions(rule.name, current, top_allowed, levels=levels)
    if rule.name not in GRID_RULES:
        raise PlanningError(f"quy tắc «{rule.name}» chưa được lập kế hoạch (không rõ các mức điểm)")
    step = grid_step(rule)
    floor: Decimal | None = None
    origin = current
    if rule.name == "ratio":
        zero_below = _param(rule.params, "zero_below_percent")
        if zero_below is not None and zero_below > 0:
            floor = _score(rule, {"percent": zero_below})
        origin = ZERO  # a ratio's points sit on the absolute rounding grid
    elif rule.name == "manual" and _param(rule.params, "step") is not None:
        origin = ZERO  # multiples of the step
    top = _floor_to(top_allowed, step, origin)
    if floor is not None and current < floor and top < floor:
        top = current
    if top <= current:
        return LeafOptions(rule.name, current, top_allowed, step=step, top=current)
    return LeafOptions(
        rule.name,
        current,
        top_allowed,
        step=step,
        top=top,
        floor=floor if floor is not None and current < floor else None,
    )


def _ratio_percent(rule: Rule, points: Decimal) -> Decimal:
    full_at = _param(rule.params, "full_at_percent") or HUNDRED
    zero_below = _param(rule.params, "zero_below_percent") or ZERO
    with localcontext() as context:
        context.prec = 40
        exact = points * full_at / rule.max_points
    percent = exact.quantize(Decimal("1e-10"), rounding=ROUND_CEILING)
    return min(max(percent, zero_below), full_at)


def entry_for(rule: Rule, points: Decimal) -> dict[str, Any]:
    """An entry the rule scores at exactly `points`; `PlanningError` if there is none."""
    candidates: list[dict[str, Any]]
    if rule.name == "manual":
        candidates = [{"points": points}]
    elif rule.name == "ratio":
        candidates = [{"percent": _ratio_percent(rule, points)}]
    else:
        candidates = _discrete_entries(rule)
    for entry in candidates:
        if _score(rule, entry) == points:
            return entry
    raise PlanningError(f"quy tắc {rule.name} không cho đúng {points} điểm với mục nhập nào")


def points_at_rate(rule: Rule, percent: Decimal) -> Decimal:
    """The points a rate-scored leaf gives at `percent` (e.g. a data-scored rate's reachable
    value), by the engine's rule: use it to turn a reachable rate into a ceiling."""
    if rule.name == "manual":
        raise PlanningError("quy tắc manual không chấm theo tỷ lệ")
    return _score(rule, {"percent": percent})
