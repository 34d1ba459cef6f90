"""Sampling plan: targets per unit and respondent group, progress, and margins of error.

The margin of error of a proportion p from n responses at confidence level c is
`z · sqrt(p (1 − p) / n)`, with z the two-sided normal quantile (1,96 at 95 %),
times the finite-population correction `sqrt((N − n) / (N − 1))` when the group's
population N is known. Planning uses p = 0,5, the worst case. The sample size for
a wanted margin e is `n0 = z² p (1 − p) / e²`, corrected to `n0 / (1 + (n0 − 1) / N)`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

from parindex.engine import Problem

from .errors import ResponseFileError


def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 1,96 for 0,95."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def finite_population_factor(n: int, population: int | None) -> float:
    """(N − n) / (N − 1), the variance factor of sampling without replacement (1 when N unknown)."""
    if population is None or population <= 1:
        return 1.0
    return max(0.0, (population - n) / (population - 1))


def margin_of_error(
    n: int, confidence: float = 0.95, proportion: float = 0.5, population: int | None = None
) -> float:
    """Half-width of the interval of a proportion (0..1); infinite with no response."""
    if n <= 0:
        return math.inf
    variance = proportion * (1 - proportion) / n * finite_population_factor(n, population)
    return z_value(confidence) * math.sqrt(variance)


def required_sample_size(
    margin: float, confidence: float = 0.95, proportion: float = 0.5, population: int | None = None
) -> int:
    """Responses needed for a margin of error `margin` (e.g. 0,05 for ± 5 points)."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    n0 = z_value(confidence) ** 2 * proportion * (1 - proportion) / margin**2
    if population is not None and population > 0:
        n0 = n0 / (1 + (n0 - 1) / population)
    return math.ceil(n0 - 1e-9)


@dataclass(frozen=True)
class Target:
    """The sample planned for one unit and respondent group."""

    unit: str
    group: str
    target: int
    population: int | None = None


@dataclass(frozen=True)
class ProgressRow:
    unit: str
    group: str
    target: int
    collected: int
    valid: int
    margin: float  # margin of error (0..1) of a proportion from the valid responses

    @property
    def percent(self) -> float:
        return 100.0 * self.valid / self.target if self.target else 0.0


def read_plan(path: str | Path) -> list[Target]:
    """A plan CSV: `unit, respondent_group, target[, population]` (header row 1)."""
    origin = str(path)
    problems: list[Problem] = []
    targets: list[Target] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            headers = [h.strip() for h in reader.fieldnames or []]
            for column in ("unit", "respondent_group", "target"):
                if column not in headers:
                    problems.append(Problem(f"{origin}:1", f"thiếu cột «{column}»"))
            if problems:
                raise ResponseFileError(problems)
            seen: dict[tuple[str, str], int] = {}
            for number, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                key = (row["unit"], row["respondent_group"])
                if not all(key):
                    problems.append(Problem(f"{origin}:{number}", "thiếu đơn vị hoặc nhóm"))
                    continue
                if key in seen:
                    problems.append(
                        Problem(f"{origin}:{number}", f"trùng với dòng {seen[key]} ({key[0]})")
                    )
                    continue
                seen[key] = number
                values: dict[str, int | None] = {}
                for column in ("target", "population"):
                    text = row.get(column, "")
                    if not text and column == "population":
                        values[column] = None
                        continue
                    if not text.isdigit() or int(text) <= 0:
                        problems.append(
                            Problem(
                                f"{origin}:{number}",
                                f"cột «{column}»: «{text}» phải là số nguyên dương",
                            )
                        )
                        values[column] = None
                    else:
                        values[column] = int(text)
                target = values["target"]
                if target is not None:
                    targets.append(Target(key[0], key[1], target, values["population"]))
    except FileNotFoundError:
        raise ResponseFileError([Problem(origin, "không tìm thấy tệp")]) from None
    if problems:
        raise ResponseFileError(problems)
    return targets


def progress(
    plan: list[Target],
    counts: Mapping[tuple[str, str], tuple[int, int]],
    confidence: float = 0.95,
) -> list[ProgressRow]:
    """Collected and valid responses against the plan, with the margin each sample gives."""
    rows = []
    for target in plan:
        collected, valid = counts.get((target.unit, target.group), (0, 0))
        rows.append(
            ProgressRow(
                target.unit,
                target.group,
                target.target,
                collected,
                valid,
                margin_of_error(valid, confidence, population=target.population),
            )
        )
    return rows
