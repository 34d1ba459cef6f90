from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest

from parindex.servicedata import (
    CalendarConfig,
    ServiceDataError,
    WorkingCalendar,
    load_calendar_config,
)


def test_a_working_day_before_tet_is_followed_by_the_first_day_after_the_holiday(
    calendar: WorkingCalendar,
) -> None:
    # Friday 24/01/2025; 27/01–01/02 is Tết Ất Tỵ (lunar calendar, from `holidays`), then a Sunday.
    assert calendar.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert calendar.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert calendar.day_off_reason(date(2025, 1, 29)) == "Tết Nguyên Đán"


def test_hung_kings_day_follows_the_lunar_calendar(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2025, 4, 7))  # 10/3 âm lịch Ất Tỵ
    assert not calendar.is_working_day(date(2024, 4, 18))  # 10/3 âm lịch Giáp Thìn
    assert calendar.is_working_day(date(2025, 4, 8))


def test_a_swapped_day_off_is_skipped_and_its_make_up_saturday_is_worked(
    calendar: WorkingCalendar,
) -> None:
    # 02/5/2025 (Friday) was given off in exchange for working Saturday 26/4/2025.
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))
    assert calendar.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    # Tuesday 29/4: 30/4, 1/5, 2/5 off, then the weekend.
    assert calendar.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_without_the_configured_make_up_day_the_saturday_is_a_day_off() -> None:
    bare = WorkingCalendar(CalendarConfig())
    assert bare.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)
    assert bare.unconfigured_swaps(range(2025, 2026)) == [date(2025, 4, 26)]


def test_the_shipped_configuration_covers_every_swap_the_holiday_library_knows(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.unconfigured_swaps(range(2019, 2027)) == []


def test_a_dossier_received_at_the_cut_off_counts_from_the_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.cutoff == time(17, 0)
    assert calendar.effective_receiving_day(datetime(2025, 3, 7, 16, 59)) == date(2025, 3, 7)
    assert calendar.effective_receiving_day(datetime(2025, 3, 7, 17, 0)) == date(2025, 3, 10)
    assert calendar.effective_receiving_day(datetime(2025, 3, 8, 9, 0)) == date(2025, 3, 10)
    assert calendar.deadline_for(datetime(2025, 3, 7, 16, 59), 1) == datetime(2025, 3, 10, 17, 0)
    assert calendar.deadline_for(datetime(2025, 3, 7, 17, 0), 1) == datetime(2025, 3, 11, 17, 0)


def test_a_same_day_procedure_is_due_at_the_end_of_the_receiving_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.deadline_for(datetime(2025, 3, 3, 9, 0), 0) == datetime(2025, 3, 3, 17, 0)


def test_the_cut_off_and_deadline_time_come_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text('cutoff: "16:00"\ndeadline_time: "16:30"\n', encoding="utf-8")
    custom = WorkingCalendar(load_calendar_config(path))
    assert custom.effective_receiving_day(datetime(2025, 3, 7, 16, 0)) == date(2025, 3, 10)
    assert custom.deadline_for(datetime(2025, 3, 7, 9, 0), 0) == datetime(2025, 3, 7, 16, 30)


def test_an_extra_day_off_from_the_configuration_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "years:\n  2025:\n    days_off:\n      - date: 2025-06-02\n"
        '        reason: "Nghỉ theo quyết định của tỉnh"\n',
        encoding="utf-8",
    )
    custom = WorkingCalendar(load_calendar_config(path))
    assert custom.day_off_reason(date(2025, 6, 2)) == "Nghỉ theo quyết định của tỉnh"
    assert custom.add_working_days(date(2025, 5, 30), 1) == date(2025, 6, 3)


def test_a_make_up_day_on_a_weekday_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        'cutoff: "25:00"\nyears:\n  2025:\n    working_days:\n      - date: 2025-04-28\n',
        encoding="utf-8",
    )
    with pytest.raises(ServiceDataError) as raised:
        load_calendar_config(path)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("dòng 1" in m and "cutoff" in m for m in messages)
    assert any("dòng 5" in m and "28/04/2025 là ngày thường" in m for m in messages)


def test_the_sql_calendar_gives_the_same_deadlines_as_the_python_one(
    calendar: WorkingCalendar,
) -> None:
    connection = duckdb.connect()
    calendar.register(connection, date(2024, 1, 1), date(2026, 12, 31))
    rows = connection.execute(
        """
        SELECT c.day, n, d.day FROM working_calendar AS c, range(0, 12) AS t(n)
        JOIN working_calendar_days AS d ON d.ord = c.ord_on_or_after + n
        WHERE c.day BETWEEN DATE '2024-12-15' AND DATE '2025-06-15'
        """
    ).fetchall()
    assert len(rows) == 183 * 12
    for first, count, due in rows:
        # The SQL counts from the first working day on or after `first`, as deadlines do.
        effective = calendar.add_working_days(first, 0)
        assert calendar.add_working_days(effective, int(count)) == due


def test_working_days_between_undoes_adding_working_days(calendar: WorkingCalendar) -> None:
    start = date(2025, 1, 20)
    for offset in range(0, 40, 3):
        day = start + timedelta(days=offset)
        for count in (0, 1, 5, 12):
            if calendar.is_working_day(day):
                assert (
                    calendar.working_days_between(day, calendar.add_working_days(day, count))
                    == count
                )


def test_the_sql_calendar_table_matches_the_python_rows(calendar: WorkingCalendar) -> None:
    connection = duckdb.connect()
    calendar.register(connection, date(2024, 1, 1), date(2026, 12, 31))
    in_sql = connection.execute(
        "SELECT day, is_working, ord_on_or_after, ord_after FROM working_calendar ORDER BY day"
    ).fetchall()
    assert in_sql == calendar.table_rows(date(2024, 1, 1), date(2026, 12, 31))
