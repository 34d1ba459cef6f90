"""`python manage.py plan_unit --period 2025 --group so-nganh --unit S03 --target-rank 5`:
a unit's least-effort plan to a rank, a class or a total, as a table or JSON (the web page's
planner, `/plans/groups/<group>/units/<unit>/`). `--save` keeps it as a saved plan."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.accounts.models import User
from parindex.periods.models import UnitGroup
from parindex.plans.models import TargetKind
from parindex.plans.selectors.planner import plan_rows, standing_json
from parindex.plans.services.plans import PlanError, compute, plan_json, plan_save
from parindex.units.models import Unit


class Command(BaseCommand):
    help = "Kế hoạch ít công sức nhất để một đơn vị đạt hạng, xếp loại hoặc tổng điểm mục tiêu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=int, required=True, help="năm của kỳ đánh giá")
        parser.add_argument("--group", required=True, help="mã nhóm đơn vị, ví dụ so-nganh")
        parser.add_argument("--unit", required=True, help="mã đơn vị, ví dụ S03")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--target-rank", type=int, help="hạng mục tiêu (hoặc cao hơn)")
        target.add_argument("--target-class", help="xếp loại mục tiêu (hoặc cao hơn)")
        target.add_argument("--target-points", help="tổng điểm mục tiêu")
        parser.add_argument("--as-of", help="số liệu hồ sơ đến ngày (YYYY-MM-DD)")
        parser.add_argument(
            "--cost", action="append", default=[], help="công sức mỗi điểm của một mục: MÃ=SỐ"
        )
        parser.add_argument("--hold", action="append", default=[], help="mục giữ nguyên")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--save", metavar="LOGIN", help="lưu kế hoạch với người lập LOGIN")

    def handle(self, *args: Any, **options: Any) -> None:
        group = (
            UnitGroup.objects.filter(period__year=options["period"], code=options["group"])
            .select_related("period", "framework")
            .first()
        )
        if group is None:
            raise CommandError(f"không có nhóm «{options['group']}» năm {options['period']}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"không có đơn vị «{options['unit']}»")
        if options["target_rank"] is not None:
            kind, value = TargetKind.RANK, str(options["target_rank"])
        elif options["target_class"]:
            kind, value = TargetKind.CLASS, options["target_class"]
        else:
            kind, value = TargetKind.POINTS, options["target_points"]
        costs = {}
        for text in options["cost"]:
            code, _, number = text.partition("=")
            try:
                costs[code.strip()] = Decimal(number.strip().replace(",", "."))
            except InvalidOperation:
                raise CommandError(f"--cost {text}: cần MÃ=SỐ") from None
        as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        try:
            if options["save"]:
                actor = User.objects.filter(username=options["save"]).first()
                if actor is None:
                    raise CommandError(f"không có người dùng «{options['save']}»")
                saved = plan_save(
                    actor=actor,
                    group=group,
                    unit=unit,
                    target_kind=kind,
                    target_value=value,
                    costs=costs,
                    fixed=options["hold"],
                    as_of=as_of,
                )
                payload = plan_json(saved)
            else:
                outcome = compute(
                    group=group,
                    unit=unit,
                    target_kind=kind,
                    target_value=value,
                    costs=costs,
                    fixed=options["hold"],
                    as_of=as_of,
                )
                plan = outcome.plan
                payload = {
                    "unit": {"code": unit.code, "name": unit.name},
                    "group": {"code": group.code, "name": group.name, "year": group.period.year},
                    "target": {"kind": kind, "value": value},
                    "reachable": plan.reachable,
                    "needed_total": str(plan.needed_total),
                    "effort": str(plan.effort),
                    "before": standing_json(plan.before),
                    "after": standing_json(plan.after),
                    "steps": plan_rows(outcome),
                    "as_of": outcome.as_of.isoformat(),
                }
        except PlanError as error:
            raise CommandError(str(error)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self._table(payload)

    def _table(self, payload: dict[str, Any]) -> None:
        before, after = payload["before"], payload["after"]
        self.stdout.write(
            f"{payload['unit']['name']} — {payload['group']['name']} {payload['group']['year']}"
        )
        self.stdout.write(
            f"Hiện tại: {before['total']} điểm, chỉ số {before['index']}, hạng {before['rank']}/"
            f"{before['of']}, loại {before['class'] or '—'}"
        )
        state = "đạt được" if payload["reachable"] else "KHÔNG đạt được (kết quả cao nhất có thể)"
        self.stdout.write(
            f"Sau kế hoạch ({state}): {after['total']} điểm, chỉ số {after['index']}, hạng "
            f"{after['rank']}/{after['of']}, loại {after['class'] or '—'}; công sức {payload['effort']}"
        )
        for step in payload["steps"]:
            self.stdout.write(
                f"  {step['code']:>6}  {step['from']:>8} → {step['to']:<8} +{step['gain']:<8} "
                f"công sức {step['effort']:<8} {step['title']} ({step['entry']})"
            )
