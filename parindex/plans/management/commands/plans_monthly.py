"""`python manage.py plans_monthly`: once a month, project every group of the current period to
its year's end from the data up to the end of last month, refresh the early warnings (the unit
and its appraiser are notified of a new one) and bring the rank intervals up to date. The
overdue board's `tasks_daily` has the same shape. Schedule it monthly (a systemd timer or
cron, e.g. on the 2nd at 06:00); the same runs as the `plans.monthly` job from the warnings
page."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.periods.models import AssessmentPeriod
from parindex.plans.services.monitoring import plans_monthly


class Command(BaseCommand):
    help = "Dự báo cuối năm, cảnh báo sớm và khoảng hạng của kỳ đánh giá hiện tại (hằng tháng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", type=int, help="năm của kỳ (mặc định: kỳ chưa công bố mới nhất)"
        )
        parser.add_argument(
            "--as-of", help="số liệu đến ngày YYYY-MM-DD (mặc định: cuối tháng trước)"
        )
        parser.add_argument("--no-notify", action="store_true", help="không gửi thông báo")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        period = None
        if options["period"] is not None:
            period = AssessmentPeriod.objects.filter(year=options["period"]).first()
            if period is None:
                raise CommandError(f"không có kỳ đánh giá năm {options['period']}")
        as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        report = plans_monthly(period=period, as_of=as_of, send=not options["no_notify"])
        if report.period is None:
            self.stdout.write("Chưa có kỳ đánh giá nào.")
            return
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "period": report.period.year,
                        "as_of": report.as_of.isoformat() if report.as_of else None,
                        "groups": [
                            {
                                "group": run.group.code,
                                "backtest": {
                                    key: value
                                    for key, value in (run.run.backtest or {}).items()
                                    if key != "actual"
                                }
                                or None,
                                "units": run.run.units,
                                "warnings": [
                                    {
                                        "unit": warning.unit.code,
                                        "kind": warning.kind,
                                        "previous_class": warning.previous_class,
                                        "projected_class": warning.projected_class,
                                        "projected_index": str(warning.projected_index),
                                        "probability": warning.probability,
                                    }
                                    for warning in run.warnings
                                ],
                            }
                            for run in report.runs
                        ],
                        "problems": report.problems,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"Kỳ {report.period.year}, số liệu đến {report.as_of:%d/%m/%Y}:")
        for run in report.runs:
            backtest = run.run.backtest
            line = (
                f"  {run.group.name}: {len(run.warnings)} cảnh báo sớm, "
                f"{len(run.notified)} cảnh báo mới đã thông báo"
            )
            if backtest:
                line += (
                    f"; kiểm tra lại với số liệu cả năm: sai số tuyệt đối trung bình "
                    f"{backtest['mae_points']} điểm, đúng xếp loại {backtest['class_right']:.0%}"
                )
            self.stdout.write(line)
        for interval in report.intervals:
            self.stdout.write(
                f"  khoảng hạng {interval.group}: {len(interval.units)} đơn vị, "
                f"{interval.seconds:.2f} s"
            )
        for problem in report.problems:
            self.stdout.write(f"  ! {problem}")
