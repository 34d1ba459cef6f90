"""The daily check of the national self-assessment (`manage.py national_self_daily`, beside
`tasks_daily`): a department whose sub-criterion is due within the reminder days
(PARINDEX_TASK_REMINDER_DAYS, default 7) and not yet sent is reminded once per deadline; once
the deadline has passed it is told it is late, and Home Affairs with it, once per deadline.
Running it twice the same day sends nothing more."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from parindex.nationalself.models import (
    Contribution,
    ContributionStatus,
    NationalSelfAssessment,
    SelfState,
)
from parindex.nationalself.services.shared import (
    home_affairs_users,
    notify,
    page_url,
    today,
    units_users,
)
from parindex.tasks.services import reminder_days


@dataclass(frozen=True)
class DailyReport:
    reminded: tuple[int, ...]
    late: tuple[int, ...]


def national_self_daily(
    *,
    now: datetime.datetime | None = None,
    days: int | None = None,
    assessment: NationalSelfAssessment | None = None,
) -> DailyReport:
    """Reminders before the deadline and the late list, once per deadline; every year in
    collection, or one (`assessment`: the board's "remind now" button)."""
    day = today(now)
    days = reminder_days() if days is None else days
    pending = (
        Contribution.objects.filter(
            assessment__state=SelfState.COLLECTING,
            assessment__is_example=False,
            status__in=(ContributionStatus.OPEN, ContributionStatus.RETURNED),
            deadline__isnull=False,
            lead__isnull=False,
        )
        .select_related("assessment", "lead")
        .prefetch_related("supporting")
        .order_by("deadline", "id")
    )
    if assessment is not None:
        pending = pending.filter(assessment=assessment)
    reminded: list[int] = []
    late: list[int] = []
    late_by_year: dict[int, list[Contribution]] = {}
    for row in pending:
        assert row.deadline is not None
        assert row.lead is not None
        url = page_url("nationalself:node", row.assessment_id, row.node_code)
        params = {
            "code": row.node_code,
            "year": row.assessment.year,
            "deadline": row.deadline.strftime("%d/%m/%Y"),
        }
        if row.deadline < day:
            if row.late_notified_for == row.deadline:
                continue
            notify(
                units_users([row.lead]),
                gettext_noop(
                    "Quá hạn gửi tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh %(year)s), hạn "
                    "%(deadline)s: đề nghị gửi ngay Sở Nội vụ."
                ),
                params,
                url=url,
            )
            row.late_notified_for = row.deadline
            row.save(update_fields=["late_notified_for"])
            late.append(row.pk)
            late_by_year.setdefault(row.assessment.year, []).append(row)
        elif (row.deadline - day).days <= days and row.reminded_for != row.deadline:
            notify(
                units_users([row.lead, *row.supporting.all()]),
                gettext_noop(
                    "Nhắc hạn: tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh %(year)s) cần gửi Sở Nội "
                    "vụ trước %(deadline)s."
                ),
                params,
                url=url,
            )
            row.reminded_for = row.deadline
            row.save(update_fields=["reminded_for"])
            reminded.append(row.pk)
    for year, rows in late_by_year.items():
        notify(
            home_affairs_users(),
            gettext_noop(
                "Chỉ số CCHC cấp tỉnh %(year)s: %(count)s tiêu chí quá hạn chưa gửi (%(codes)s)."
            ),
            {
                "year": year,
                "count": len(rows),
                "codes": ", ".join(row.node_code for row in rows[:12]),
            },
            url=page_url("nationalself:board", rows[0].assessment_id),
        )
    return DailyReport(tuple(reminded), tuple(late))
