"""Periods: months, quarters, years, or one arbitrary range, and their SQL keys.

Every timestamp is mapped to an integer period key in SQL (`key_sql`): 202503 for March 2025,
20251 for the first quarter, 2025 for the year, 1 for a whole range, and 0 for anything before
the range's start (the "carried over" period). Keys order like the periods they stand for,
which is what the running sums of the indicator query need. Only standard SQL is used
(`EXTRACT`, `CASE`), so the same text runs on other engines (docs/scaling.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .db import day

GRAINS = ("month", "quarter", "year")
ROMAN = ("I", "II", "III", "IV")
BEFORE = 0


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A reporting period; `start` and `end` are both included."""

    start: date
    end: date
    grain: str | None = None

    @property
    def key(self) -> int:
        if self.grain == "month":
            return self.start.year * 100 + self.start.month
        if self.grain == "quarter":
            return self.start.year * 10 + (self.start.month - 1) // 3 + 1
        if self.grain == "year":
            return self.start.year
        return 1

    @property
    def code(self) -> str:
        """A machine-readable name: 2025-03, 2025-Q1, 2025, or 2025-01-01..2025-06-30."""
        if self.grain == "month":
            return f"{self.start:%Y-%m}"
        if self.grain == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.grain == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """The Vietnamese name: "Tháng 03/2025", "Quý I/2025", "Năm 2025", "01/01/2025–30/06/2025"."""
        if self.grain == "month":
            return f"Tháng {self.start:%m/%Y}"
        if self.grain == "quarter":
            return f"Quý {ROMAN[(self.start.month - 1) // 3]}/{self.start.year}"
        if self.grain == "year":
            return f"Năm {self.start.year}"
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


def _grain_start(value: date, grain: str) -> date:
    if grain == "month":
        return value.replace(day=1)
    if grain == "quarter":
        return date(value.year, (value.month - 1) // 3 * 3 + 1, 1)
    return date(value.year, 1, 1)


def _next_start(value: date, grain: str) -> date:
    if grain == "month":
        return date(value.year + value.month // 12, value.month % 12 + 1, 1)
    if grain == "quarter":
        month = value.month + 3
        return date(value.year + (month > 12), (month - 1) % 12 + 1, 1)
    return date(value.year + 1, 1, 1)


def periods_between(start: date, end: date, grain: str | None) -> list[Period]:
    """The periods covering start..end; the first and last are cut to the range."""
    if end < start:
        raise ValueError("ngày kết thúc trước ngày bắt đầu")
    if grain is None:
        return [Period(start, end, None)]
    periods: list[Period] = []
    current = _grain_start(start, grain)
    while current <= end:
        following = _next_start(current, grain)
        periods.append(Period(max(current, start), min(following - timedelta(days=1), end), grain))
        current = following
    return periods


def key_sql(column: str, grain: str | None, start: date) -> str:
    """The period key of a timestamp column; 0 before `start`."""
    if grain == "month":
        key = f"EXTRACT(YEAR FROM {column}) * 100 + EXTRACT(MONTH FROM {column})"
    elif grain == "quarter":
        key = f"EXTRACT(YEAR FROM {column}) * 10 + EXTRACT(QUARTER FROM {column})"
    elif grain == "year":
        key = f"EXTRACT(YEAR FROM {column})"
    else:
        key = "1"
    return f"CASE WHEN {column} < {day(start)} THEN {BEFORE} ELSE {key} END"


_QUARTER = re.compile(r"(\d{4})-?Q([1-4])|Q([1-4])/(\d{4})", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """ "2025", "2025-Q1" or "Q1/2025", "2025-03" or "03/2025", "2025-01-01..2025-06-30"."""
    value = text.strip()
    if ".." in value:
        first, _, last = value.partition("..")
        period = Period(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        if period.end < period.start:
            raise ValueError(f"kỳ «{text}»: ngày kết thúc trước ngày bắt đầu")
        return period
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    match = _QUARTER.fullmatch(value)
    if match:
        year = int(match[1] or match[4])
        quarter = int(match[2] or match[3])
        first_day = date(year, quarter * 3 - 2, 1)
        return Period(first_day, _next_start(first_day, "quarter") - timedelta(days=1), "quarter")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", value)
    if match:
        year = int(match[1] or match[4])
        month = int(match[2] or match[3])
        if 1 <= month <= 12:
            first_day = date(year, month, 1)
            return Period(first_day, _next_start(first_day, "month") - timedelta(days=1), "month")
    raise ValueError(
        f"kỳ «{text}» không đọc được (ví dụ: 2025, 2025-Q1, 2025-03, 2025-01-01..2025-06-30)"
    )
