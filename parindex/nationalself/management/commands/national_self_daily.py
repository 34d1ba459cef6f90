"""`python manage.py national_self_daily`: remind the departments of the national
self-assessment's sub-criteria due soon, and tell the late ones (and Home Affairs), once a day.

Schedule it daily beside `tasks_daily` (a systemd timer or cron); running it twice the same
day sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parindex.nationalself.services.daily import national_self_daily
from parindex.tasks.services import reminder_days


class Command(BaseCommand):
    help = (
        "Nhắc các cơ quan gửi tài liệu, số liệu Chỉ số CCHC cấp tỉnh sắp đến hạn và báo các "
        "tiêu chí quá hạn (chạy mỗi ngày một lần)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Nhắc trước hạn bao nhiêu ngày (mặc định PARINDEX_TASK_REMINDER_DAYS, 7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else reminder_days()
        report = national_self_daily(days=days)
        self.stdout.write(
            f"Đã nhắc {len(report.reminded)} tiêu chí đến hạn trong {days} ngày tới; "
            f"{len(report.late)} tiêu chí quá hạn đã được báo."
        )
