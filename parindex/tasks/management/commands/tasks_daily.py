"""`python manage.py tasks_daily`: mark overdue tasks and send the reminders, once a day.

Schedule it daily (a systemd timer or cron, e.g. 06:00); running it twice the same day sends
nothing twice. The same check runs as the `tasks.daily` job from the overdue board.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from parindex.tasks.services import reminder_days, tasks_daily


class Command(BaseCommand):
    help = "Đánh dấu nhiệm vụ quá hạn và nhắc việc sắp đến hạn (chạy mỗi ngày một lần)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Nhắc trước hạn bao nhiêu ngày (mặc định PARINDEX_TASK_REMINDER_DAYS, 7).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else reminder_days()
        report = tasks_daily(days=days)
        self.stdout.write(
            f"{len(report.overdue)} nhiệm vụ chuyển sang quá hạn; "
            f"đã nhắc {len(report.reminded)} nhiệm vụ đến hạn trong {days} ngày tới."
        )
