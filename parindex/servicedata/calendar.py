"""The working-day calendar: which days count when a deadline is given in working days.

Days off are weekends, Vietnam's public holidays as the maintained `holidays` library knows
them (New Year, the lunar New Year, Hùng Kings' day, 30/4, 1/5, 2/9 and the substitute days it
has been told about), and per-year official changes kept as configuration
(`parindex/data/servicedata/calendar_vn.yaml`): extra days off, and make-up working days
(usually a Saturday worked in exchange for a bridged weekday).

Counting rules (documented in docs/service-data.md):
- a dossier received on a working day before the cut-off time counts as received that day;
  received at or after the cut-off, or on a day off, it counts as received on the next working
  day (the *effective receiving day*);
- a processing time of N working days ends at the end (`deadline_time`) of the N-th working day
  after the effective receiving day: the first day is not counted, as in Article 147 of the
  Civil Code 2015 for periods counted in days; N = 0 means the effective receiving day itself.

`register` puts the calendar in a DuckDB table so that deadlines for millions of rows are one
join in SQL, not a Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from parindex.engine import Problem

from .errors import ServiceDataError
from .reference import data_path
from .yamlfile import load_located_yaml

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@dataclass(frozen=True, slots=True)
class CalendarChange:
    """One official change to the normal calendar of a year."""

    day: date
    reason: str
    source: str = ""


@dataclass(frozen=True)
class CalendarConfig:
    cutoff: time = time(17, 0)
    deadline_time: time = time(17, 0)
    days_off: tuple[CalendarChange, ...] = ()
    working_days: tuple[CalendarChange, ...] = ()
    location: str = ""


def _parse_time(value: Any, where: str, key: str, problems: list[Problem]) -> time | None:
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if match and int(match[1]) < 24 and int(match[2]) < 60 and int(match[3] or 0) < 60:
        return time(int(match[1]), int(match[2]), int(match[3] or 0))
    problems.append(Problem(where, f"«{key}» phải là giờ dạng HH:MM, không phải «{text}»"))
    return None


def load_calendar_config(path: Path | None = None) -> CalendarConfig:
    """Read a calendar configuration; the shipped Vietnamese one when `path` is None."""
    located = load_located_yaml(path or data_path("calendar_vn.yaml"))
    raw = located.data if isinstance(located.data, dict) else {}
    problems: list[Problem] = []
    times: dict[str, time] = {}
    for key in ("cutoff", "deadline_time"):
        default = getattr(CalendarConfig, key)
        if key in raw:
            parsed = _parse_time(raw[key], located.where(key), key, problems)
            times[key] = parsed or default
        else:
            times[key] = default
    changes: dict[str, list[CalendarChange]] = {"days_off": [], "working_days": []}
    years = raw.get("years") or {}
    if not isinstance(years, dict):
        problems.append(Problem(located.where("years"), "«years» phải là danh sách theo năm"))
        years = {}
    for year, content in years.items():
        if not isinstance(content, dict):
            problems.append(
                Problem(located.where("years", str(year)), f"năm {year}: cần days_off/working_days")
            )
            continue
        for kind in content:
            if kind not in changes:
                problems.append(
                    Problem(
                        located.where("years", str(year), kind),
                        f"khóa «{kind}» không có (days_off, working_days)",
                    )
                )
        for kind, target in changes.items():
            for position, entry in enumerate(content.get(kind) or []):
                where = located.where("years", str(year), kind, position)
                if not isinstance(entry, dict) or "date" not in entry:
                    problems.append(Problem(where, "mỗi mục cần «date» và «reason»"))
                    continue
                day = entry["date"]
                if isinstance(day, str):
                    try:
                        day = date.fromisoformat(day)
                    except ValueError:
                        problems.append(Problem(where, f"ngày «{day}» phải viết YYYY-MM-DD"))
                        continue
                if not isinstance(day, date) or isinstance(day, datetime):
                    problems.append(Problem(where, f"ngày «{day}» phải viết YYYY-MM-DD"))
                    continue
                if str(day.year) != str(year):
                    problems.append(Problem(where, f"ngày {day:%d/%m/%Y} không thuộc năm {year}"))
                is_weekend = day.weekday() >= 5
                if kind == "working_days" and not is_weekend:
                    problems.append(
                        Problem(
                            where,
                            f"ngày làm bù {day:%d/%m/%Y} là ngày thường, không phải cuối tuần",
                        )
                    )
                if kind == "days_off" and is_weekend:
                    problems.append(
                        Problem(where, f"ngày nghỉ thêm {day:%d/%m/%Y} đã là ngày cuối tuần")
                    )
                target.append(
                    CalendarChange(
                        day, str(entry.get("reason") or ""), str(entry.get("source") or "")
                    )
                )
    if problems:
        raise ServiceDataError(problems)
    return CalendarConfig(
        cutoff=times["cutoff"],
        deadline_time=times["deadline_time"],
        days_off=tuple(changes["days_off"]),
        working_days=tuple(changes["working_days"]),
        location=located.file_name,
    )


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.Vietnam(years=year, language="vi").items())


_SUBSTITUTED_FROM = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


class WorkingCalendar:
    """Working days of Vietnamese state offices, with a cut-off time and a deadline time."""

    def __init__(self, config: CalendarConfig | None = None) -> None:
        self.config = config or CalendarConfig()
        self._days_off = {change.day: change for change in self.config.days_off}
        self._working = {change.day: change for change in self.config.working_days}

    @classmethod
    def default(cls) -> WorkingCalendar:
        """The shipped configuration (Vietnam, with the known make-up Saturdays)."""
        return cls(load_calendar_config())

    @property
    def cutoff(self) -> time:
        return self.config.cutoff

    @property
    def deadline_time(self) -> time:
        return self.config.deadline_time

    def day_off_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        if day in self._working:
            return None
        if day in self._days_off:
            return self._days_off[day].reason or "Ngày nghỉ theo thông báo"
        holiday = _public_holidays(day.year).get(day)
        if holiday:
            return holiday
        if day.weekday() >= 5:
            return WEEKDAY_NAMES[day.weekday()]
        return None

    def is_working_day(self, day: date) -> bool:
        return self.day_off_reason(day) is None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def effective_receiving_day(self, received_at: datetime) -> date:
        """The day a dossier counts as received: the next working day after the cut-off."""
        day = received_at.date()
        if self.is_working_day(day) and received_at.time() < self.cutoff:
            return day
        return self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself, or the next working day, for 0)."""
        if count < 0:
            raise ValueError("số ngày làm việc phải ≥ 0")
        if count == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days `d` with start < d ≤ end (negative when `end` is before `start`)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def deadline_for(self, received_at: datetime, processing_days: int) -> datetime:
        """The promised return time for a procedure of `processing_days` working days."""
        day = self.add_working_days(self.effective_receiving_day(received_at), processing_days)
        return datetime.combine(day, self.deadline_time)

    def unconfigured_swaps(self, years: range) -> list[date]:
        """Make-up days the `holidays` library implies ("thay cho ngày …") but the config lacks.

        A substitute day off in the library means a weekend day was worked instead; without that
        working day in the configuration, deadlines across it would come out one day late.
        """
        missing: list[date] = []
        for year in years:
            for name in _public_holidays(year).values():
                for match in _SUBSTITUTED_FROM.finditer(name):
                    worked = date(int(match[3]), int(match[2]), int(match[1]))
                    if worked.weekday() >= 5 and worked not in self._working:
                        missing.append(worked)
        return sorted(set(missing))

    def table_rows(self, first: date, last: date) -> list[tuple[date, bool, int, int]]:
        """(day, is_working, ordinal of the first working day ≥ day, of the first > day).

        Ordinals number the working days from `first`; deadline = the working day whose ordinal
        is the effective day's ordinal plus the processing days.
        """
        days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        working = [self.is_working_day(day) for day in days]
        rows: list[tuple[date, bool, int, int]] = []
        next_ordinal = sum(working) + 1  # beyond the table: no working day known
        for day, is_working in zip(reversed(days), reversed(working), strict=True):
            after = next_ordinal
            if is_working:
                next_ordinal -= 1
            rows.append((day, is_working, next_ordinal, after))
        rows.reverse()
        return rows

    def days_off_between(self, first: date, last: date) -> list[date]:
        """Weekdays off (holidays, configured days off) between the two days, inclusive."""
        days: set[date] = set()
        for year in range(first.year, last.year + 1):
            days.update(day for day in _public_holidays(year) if first <= day <= last)
        days.update(day for day in self._days_off if first <= day <= last)
        return sorted(day for day in days if day not in self._working)

    def register(
        self, connection: Any, first: date, last: date, name: str = "working_calendar"
    ) -> None:
        """Create `name(day, is_working, ord_on_or_after, ord_after)` and `name_days(ord, day)`.

        `connection` is a DuckDB connection; the tables are temporary. Only the exceptions
        (days off on weekdays, make-up weekend days) cross from Python: the days themselves and
        the running ordinals are generated in SQL, the same as `table_rows`.
        """

        def day_list(days: list[date]) -> str:
            return ", ".join(f"DATE '{day.isoformat()}'" for day in days) or "NULL"

        off = day_list(self.days_off_between(first, last))
        worked = day_list([day for day in self._working if first <= day <= last])
        connection.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {name} AS
            WITH days AS (
                SELECT CAST(d AS DATE) AS day
                FROM range(DATE '{first.isoformat()}', DATE '{last.isoformat()}' + 1,
                           INTERVAL 1 DAY) AS t(d)
            ),
            flagged AS (
                SELECT day,
                       day IN ({worked}) OR (isodow(day) <= 5 AND day NOT IN ({off}))
                           AS is_working
                FROM days
            ),
            counted AS (
                SELECT day, is_working,
                       SUM(CASE WHEN is_working THEN 1 ELSE 0 END) OVER (ORDER BY day) AS worked
                FROM flagged
            )
            SELECT day, is_working,
                   CAST(CASE WHEN is_working THEN worked ELSE worked + 1 END AS INTEGER)
                       AS ord_on_or_after,
                   CAST(worked + 1 AS INTEGER) AS ord_after
            FROM counted
            """
        )
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {name}_days AS "
            f"SELECT ord_on_or_after AS ord, day FROM {name} WHERE is_working"
        )
