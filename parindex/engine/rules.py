"""Scoring rules: how an entered value becomes points, with a one-line Vietnamese reason.

A rule is configured by a framework node (its parameters) and checks those
parameters against the node's maximum when it is built. `read` validates an
entered value and returns the numbers it holds; `score` reads, computes the points
in `Decimal` and explains them in one sentence. Rules are registered by name in
`RULES`; see docs/architecture.md, "Adding a scoring rule".

A group of units is scored by the batch engine (`batch/`), which calls `read`
once per entry and then computes the points of every unit at once in fixed-point
integers, with the same results as `score`; `score` stays the reference for one
entry and writes the explanations. A rule the batch engine has no integer kernel
for is scored through `score`, entry by entry.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

from .errors import RuleInputError, RuleParameterError
from .numbers import HUNDRED, ZERO, format_number, normalized, round_half_up, to_decimal

DEFAULT_POINTS_PLACES = 4


class Rate(NamedTuple):
    """An entered rate: numerator and denominator (cases), or a percentage typed directly."""

    numerator: Decimal
    denominator: Decimal
    percent: Decimal | None = None  # set when the rate was typed as a percentage


class Outcome(NamedTuple):
    """Points a rule gave and why, in one Vietnamese sentence."""

    points: Decimal
    explanation: str


@dataclass(frozen=True, slots=True)
class InputField:
    """One value a person enters for a node; forms are derived from these."""

    name: str
    kind: str  # "option", "number", "integer" or "boolean"
    label: str
    options: tuple[tuple[str, str], ...] = ()  # (key, label) for kind "option"


@lru_cache(maxsize=8192)
def _points_text(points: Decimal, max_points: Decimal) -> str:
    return f"{format_number(points)}/{format_number(max_points)} điểm"


def _rate_text(percent: Decimal) -> str:
    return f"{format_number(normalized(round_half_up(percent, 2)))}%"


def _decimal_param(
    params: Mapping[str, Any], key: str, problems: list[str], *, required: bool = True
) -> Decimal | None:
    if key not in params or params[key] is None:
        if required:
            problems.append(f"thiếu tham số «{key}»")
        return None
    try:
        return to_decimal(params[key])
    except ValueError:
        problems.append(f"tham số «{key}» phải là số, không phải «{params[key]}»")
        return None


def _decimal_input(values: Mapping[str, Any], key: str) -> Decimal:
    if key not in values or values[key] is None or values[key] == "":
        raise RuleInputError(f"chưa nhập «{key}»", field=key)
    try:
        return to_decimal(values[key])
    except ValueError:
        raise RuleInputError(f"«{values[key]}» không phải là số", field=key) from None


class Rule(ABC):
    """Base class of the scoring rules."""

    name: ClassVar[str]
    description: ClassVar[str]

    def __init__(
        self,
        params: Mapping[str, Any],
        max_points: Decimal,
        points_places: int = DEFAULT_POINTS_PLACES,
    ) -> None:
        self.params: dict[str, Any] = dict(params)
        self.max_points = max_points
        self.points_places = points_places
        problems: list[str] = []
        self._configure(problems)
        if problems:
            raise RuleParameterError("; ".join(problems))

    @abstractmethod
    def _configure(self, problems: list[str]) -> None:
        """Read `self.params`, appending a Vietnamese message per problem."""

    @abstractmethod
    def fields(self) -> tuple[InputField, ...]:
        """The values a person enters for this rule."""

    @abstractmethod
    def score(self, values: Mapping[str, Any]) -> Outcome:
        """Points for the entered `values`; raises `RuleInputError` when they do not fit."""

    def read(self, values: Mapping[str, Any]) -> Any:
        """The entered `values` checked, as the numbers the batch engine encodes.

        Raises `RuleInputError` like `score`. A rule without an integer kernel in the
        batch engine is scored through `score` instead, entry by entry.
        """
        return self.score(values)

    def _round(self, points: Decimal) -> Decimal:
        return normalized(round_half_up(points, self.points_places))

    def _check_points_param(self, label: str, points: Decimal | None, problems: list[str]) -> None:
        if points is None:
            return
        if points < 0:
            problems.append(f"{label} = {format_number(points)} âm")
        elif points > self.max_points:
            problems.append(
                f"{label} = {format_number(points)} vượt điểm tối đa "
                f"{format_number(self.max_points)} của mục"
            )


class ChoiceRule(Rule):
    """One of the listed options, each worth fixed points."""

    name = "choice"
    description = "Chọn một phương án; mỗi phương án có số điểm định sẵn"

    def _configure(self, problems: list[str]) -> None:
        raw = self.params.get("options")
        self.options: dict[str, tuple[str, Decimal]] = {}
        if not isinstance(raw, list) or not raw:
            problems.append("«options» phải là danh sách phương án (key, label, points)")
            return
        for position, option in enumerate(raw, start=1):
            if not isinstance(option, Mapping):
                problems.append(f"phương án thứ {position} phải có key, label, points")
                continue
            key = str(option.get("key", "")).strip()
            if not key:
                problems.append(f"phương án thứ {position} thiếu «key»")
                continue
            if key in self.options:
                problems.append(f"phương án «{key}» bị lặp")
                continue
            points = _decimal_param(option, "points", problems)
            self._check_points_param(f"điểm của phương án «{key}»", points, problems)
            label = str(option.get("label") or key)
            self.options[key] = (label, points if points is not None else ZERO)

    def fields(self) -> tuple[InputField, ...]:
        choices = tuple((key, label) for key, (label, _) in self.options.items())
        return (InputField("option", "option", "Phương án", choices),)

    def read(self, values: Mapping[str, Any]) -> int:
        """The position of the chosen option in `options`."""
        key = values.get("option")
        if key is None or key == "":
            raise RuleInputError("chưa chọn phương án", field="option")
        key = str(key)
        if key not in self.options:
            known = ", ".join(self.options)
            raise RuleInputError(f"phương án «{key}» không có (có: {known})", field="option")
        return list(self.options).index(key)

    def score(self, values: Mapping[str, Any]) -> Outcome:
        key = list(self.options)[self.read(values)]
        label, points = self.options[key]
        return Outcome(points, f"«{label}» → {_points_text(points, self.max_points)}")


class _RateRule(Rule):
    """Shared input handling for rules scored on a rate (numerator ÷ denominator, or a %)."""

    def _configure_measure(self, problems: list[str]) -> None:
        self.measure = str(self.params.get("measure") or "").strip()
        self.if_no_cases = str(self.params.get("if_no_cases", "full"))
        if self.if_no_cases not in ("full", "zero"):
            problems.append("«if_no_cases» phải là full hoặc zero")

    def fields(self) -> tuple[InputField, ...]:
        return (
            InputField("numerator", "number", "Tử số (số đạt)"),
            InputField("denominator", "number", "Mẫu số (tổng số)"),
        )

    def read(self, values: Mapping[str, Any]) -> Rate:
        if values.get("percent") not in (None, "") and values.get("numerator") in (None, ""):
            percent = _decimal_input(values, "percent")
            if not ZERO <= percent <= HUNDRED:
                raise RuleInputError("tỷ lệ phải từ 0 đến 100%", field="percent")
            return Rate(percent, HUNDRED, percent)
        numerator = _decimal_input(values, "numerator")
        denominator = _decimal_input(values, "denominator")
        if numerator < 0:
            raise RuleInputError("tử số không được âm", field="numerator")
        if denominator < 0:
            raise RuleInputError("mẫu số không được âm", field="denominator")
        if numerator > denominator:
            raise RuleInputError(
                f"tử số {format_number(numerator)} lớn hơn mẫu số {format_number(denominator)}",
                field="numerator",
            )
        return Rate(numerator, denominator)

    def _rate(self, values: Mapping[str, Any]) -> tuple[Decimal | None, str]:
        """The rate in percent and how it was obtained; `None` when there were no cases."""
        rate = self.read(values)
        if rate.percent is not None:
            return rate.percent, ""
        numerator, denominator = rate.numerator, rate.denominator
        if denominator == 0:
            return None, ""
        return numerator * HUNDRED / denominator, (
            f"{format_number(numerator)}/{format_number(denominator)} = "
        )

    def _subject(self, percent: Decimal, prefix: str) -> str:
        text = f"{prefix}{_rate_text(percent)}"
        return f"{text} {self.measure}" if self.measure else text

    def _no_cases(self) -> Outcome:
        points = self.max_points if self.if_no_cases == "full" else ZERO
        return Outcome(
            points, f"Không phát sinh trường hợp → {_points_text(points, self.max_points)}"
        )


class RatioRule(_RateRule):
    """Points proportional to a rate, with an optional full-points and zero-below threshold."""

    name = "ratio"
    description = "Điểm tỷ lệ với tỷ lệ đạt (tử số/mẫu số)"

    def _configure(self, problems: list[str]) -> None:
        self._configure_measure(problems)
        self.full_at = _decimal_param(self.params, "full_at_percent", problems, required=False)
        self.zero_below = _decimal_param(
            self.params, "zero_below_percent", problems, required=False
        )
        if self.full_at is not None and not ZERO < self.full_at <= HUNDRED:
            problems.append("«full_at_percent» phải lớn hơn 0 và không quá 100")
        if self.zero_below is not None and not ZERO <= self.zero_below <= HUNDRED:
            problems.append("«zero_below_percent» phải từ 0 đến 100")
        if (
            self.full_at is not None
            and self.zero_below is not None
            and self.zero_below >= self.full_at
        ):
            problems.append("«zero_below_percent» phải nhỏ hơn «full_at_percent»")

    def points_for(self, percent: Decimal) -> Decimal:
        """Points for a rate of `percent` (cases were found), in `Decimal` as `score` does.

        The batch engine computes the same exactly in integers; it calls this for the rare
        rate whose points fall exactly halfway between two roundings, because the `Decimal`
        quotients (28 significant digits) can then tip the half-up rounding either way.
        """
        if self.zero_below is not None and percent < self.zero_below:
            return ZERO
        ceiling = self.full_at if self.full_at is not None else HUNDRED
        share = min(percent / ceiling, Decimal(1))
        return self._round(self.max_points * share)

    def score(self, values: Mapping[str, Any]) -> Outcome:
        percent, prefix = self._rate(values)
        if percent is None:
            return self._no_cases()
        subject = self._subject(percent, prefix)
        if self.zero_below is not None and percent < self.zero_below:
            return Outcome(
                ZERO,
                f"{subject} → 0/{format_number(self.max_points)} điểm "
                f"(dưới {_rate_text(self.zero_below)} không tính điểm)",
            )
        points = self.points_for(percent)
        note = f" (đủ điểm từ {_rate_text(self.full_at)})" if self.full_at is not None else ""
        return Outcome(points, f"{subject} → {_points_text(points, self.max_points)}{note}")


class BandsRule(_RateRule):
    """Points by the highest rate threshold reached."""

    name = "bands"
    description = "Điểm theo mức tỷ lệ đạt (ngưỡng)"

    def _configure(self, problems: list[str]) -> None:
        self._configure_measure(problems)
        raw = self.params.get("thresholds")
        self.thresholds: list[tuple[Decimal, Decimal]] = []
        if not isinstance(raw, list) or not raw:
            problems.append("«thresholds» phải là danh sách mức (min_percent, points)")
            return
        for position, band in enumerate(raw, start=1):
            if not isinstance(band, Mapping):
                problems.append(f"mức thứ {position} phải có min_percent và points")
                continue
            minimum = _decimal_param(band, "min_percent", problems)
            points = _decimal_param(band, "points", problems)
            self._check_points_param(f"điểm của mức thứ {position}", points, problems)
            if minimum is not None and not ZERO <= minimum <= HUNDRED:
                problems.append(f"min_percent của mức thứ {position} phải từ 0 đến 100")
            if minimum is not None and points is not None:
                self.thresholds.append((minimum, points))
        self.thresholds.sort(key=lambda band: band[0], reverse=True)
        minimums = [minimum for minimum, _ in self.thresholds]
        if len(set(minimums)) != len(minimums):
            problems.append("hai mức có cùng min_percent")
        for (_, higher), (_, lower) in zip(self.thresholds, self.thresholds[1:], strict=False):
            if lower > higher:
                problems.append("mức thấp hơn không được có nhiều điểm hơn mức cao hơn")
                break

    def points_for(self, percent: Decimal) -> Decimal:
        """Points for a rate of `percent` (cases were found), as `score` gives them."""
        for minimum, points in self.thresholds:
            if percent >= minimum:
                return points
        return ZERO

    def score(self, values: Mapping[str, Any]) -> Outcome:
        percent, prefix = self._rate(values)
        if percent is None:
            return self._no_cases()
        subject = self._subject(percent, prefix)
        for minimum, points in self.thresholds:
            if percent >= minimum:
                return Outcome(
                    points,
                    f"{subject} → {_points_text(points, self.max_points)} "
                    f"(mức ≥ {_rate_text(minimum)})",
                )
        lowest = self.thresholds[-1][0]
        return Outcome(
            ZERO,
            f"{subject} → 0/{format_number(self.max_points)} điểm "
            f"(dưới mức thấp nhất {_rate_text(lowest)})",
        )


class DeductionRule(Rule):
    """Start at the maximum and subtract a fixed amount per occurrence, never below zero."""

    name = "deduction"
    description = "Trừ điểm theo số lần vi phạm, tối thiểu 0"

    def _configure(self, problems: list[str]) -> None:
        self.per_occurrence = _decimal_param(self.params, "per_occurrence", problems)
        if self.per_occurrence is not None and self.per_occurrence <= 0:
            problems.append("«per_occurrence» phải lớn hơn 0")
        self._check_points_param("«per_occurrence»", self.per_occurrence, problems)
        self.occurrence = str(self.params.get("occurrence") or "lần vi phạm")

    def fields(self) -> tuple[InputField, ...]:
        return (InputField("count", "integer", f"Số {self.occurrence}"),)

    def read(self, values: Mapping[str, Any]) -> Decimal:
        """The number of occurrences (a whole number, as typed: 2 or 2.0)."""
        count = _decimal_input(values, "count")
        if count < 0 or count != count.to_integral_value():
            raise RuleInputError("số lần phải là số nguyên không âm", field="count")
        return count

    def score(self, values: Mapping[str, Any]) -> Outcome:
        count = self.read(values)
        assert self.per_occurrence is not None
        if count == 0:
            return Outcome(
                self.max_points,
                f"Không có {self.occurrence} → {_points_text(self.max_points, self.max_points)}",
            )
        deducted = count * self.per_occurrence
        points = max(self.max_points - deducted, ZERO)
        return Outcome(
            points,
            f"{format_number(count)} {self.occurrence} × {format_number(self.per_occurrence)}"
            f" = trừ {format_number(deducted)} → {_points_text(points, self.max_points)}",
        )


_TRUE_WORDS = {"true", "yes", "1", "có", "co", "x", "đạt", "dat"}
_FALSE_WORDS = {"false", "no", "0", "không", "khong", "chưa", "chua", "không đạt"}


class BooleanRule(Rule):
    """Done or not done."""

    name = "boolean"
    description = "Có/không: đạt thì được điểm"

    def _configure(self, problems: list[str]) -> None:
        yes = _decimal_param(self.params, "points_if_yes", problems, required=False)
        no = _decimal_param(self.params, "points_if_no", problems, required=False)
        self.points_if_yes = yes if yes is not None else self.max_points
        self.points_if_no = no if no is not None else ZERO
        self._check_points_param("«points_if_yes»", self.points_if_yes, problems)
        self._check_points_param("«points_if_no»", self.points_if_no, problems)
        self.yes_label = str(self.params.get("yes_label") or "Có")
        self.no_label = str(self.params.get("no_label") or "Không")

    def fields(self) -> tuple[InputField, ...]:
        options = (("yes", self.yes_label), ("no", self.no_label))
        return (InputField("value", "boolean", "Kết quả", options),)

    def read(self, values: Mapping[str, Any]) -> bool:
        raw = values.get("value")
        if isinstance(raw, bool):
            return raw
        if raw is not None and str(raw).strip().lower() in _TRUE_WORDS:
            return True
        if raw is not None and str(raw).strip().lower() in _FALSE_WORDS:
            return False
        raise RuleInputError("hãy chọn có hoặc không", field="value")

    def score(self, values: Mapping[str, Any]) -> Outcome:
        answer = self.read(values)
        points = self.points_if_yes if answer else self.points_if_no
        label = self.yes_label if answer else self.no_label
        return Outcome(points, f"{label} → {_points_text(points, self.max_points)}")


class ManualRule(Rule):
    """Points typed by an assessor, from 0 to the maximum, optionally in steps."""

    name = "manual"
    description = "Chấm điểm trực tiếp từ 0 đến điểm tối đa"

    def _configure(self, problems: list[str]) -> None:
        self.step = _decimal_param(self.params, "step", problems, required=False)
        if self.step is not None and self.step <= 0:
            problems.append("«step» phải lớn hơn 0")
        self._check_points_param("«step»", self.step, problems)

    def fields(self) -> tuple[InputField, ...]:
        return (InputField("points", "number", "Điểm"),)

    def read(self, values: Mapping[str, Any]) -> Decimal:
        """The points typed, as typed (3,50 stays 3.50)."""
        points = _decimal_input(values, "points")
        if points < 0 or points > self.max_points:
            raise RuleInputError(
                f"điểm {format_number(points)} phải từ 0 đến {format_number(self.max_points)}",
                field="points",
            )
        if self.step is not None and points % self.step != 0:
            raise RuleInputError(
                f"điểm {format_number(points)} phải là bội số của {format_number(self.step)}",
                field="points",
            )
        return points

    def score(self, values: Mapping[str, Any]) -> Outcome:
        points = self.read(values)
        return Outcome(points, f"Chấm {_points_text(points, self.max_points)}")


RULES: dict[str, type[Rule]] = {
    rule.name: rule
    for rule in (ChoiceRule, RatioRule, BandsRule, DeductionRule, BooleanRule, ManualRule)
}


def make_rule(
    name: str,
    params: Mapping[str, Any],
    max_points: Decimal,
    points_places: int = DEFAULT_POINTS_PLACES,
) -> Rule:
    """Build the rule called `name`; raises `RuleParameterError` for an unknown name."""
    try:
        rule_class = RULES[name]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise RuleParameterError(f"quy tắc chấm điểm «{name}» không có (có: {known})") from None
    return rule_class(params, max_points, points_places)
