"""`python manage.py rank_intervals --period 2025 --group cap-xa --format json`: the group's
90 % rank intervals and rank/class probabilities (Monte Carlo over the survey's sampling error;
computed once per results version, as the ranking page shows them)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.periods.models import UnitGroup
from parindex.plans.services.monitoring import uncertainty_compute


class Command(BaseCommand):
    help = "Khoảng hạng 90% và xác suất từng hạng, từng loại của một nhóm (Monte Carlo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=int, required=True)
        parser.add_argument("--group", required=True)
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        group = (
            UnitGroup.objects.filter(period__year=options["period"], code=options["group"])
            .select_related("period", "framework")
            .first()
        )
        if group is None:
            raise CommandError(f"không có nhóm «{options['group']}» năm {options['period']}")
        run = uncertainty_compute(group)
        if options["format"] == "json":
            payload = {
                "group": group.code,
                "year": group.period.year,
                "draws": run.draws,
                "seconds": round(run.seconds, 3),
                "nodes": run.nodes,
                "sources": run.sources,
                "note": run.note,
                "units": run.units,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{group.name} {group.period.year}: {run.draws} lần rút, {run.seconds:.2f} s, "
            f"các mục {', '.join(run.nodes) or '—'}"
        )
        for code, unit in sorted(run.units.items(), key=lambda item: (item[1]["rank"], item[0])):
            mark = "" if unit["distinguishable"] else "  (không phân biệt được với đơn vị liền kề)"
            self.stdout.write(
                f"  hạng {unit['rank']:>3} ({unit['low']}–{unit['high']})  {code}{mark}"
            )
