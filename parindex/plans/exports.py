"""A saved plan as an Excel workbook (run as the `plans.excel` job): the target, the standing
before and after, and one row per criterion to improve. Numbers are written as numbers;
typed texts (titles, notes) as inert text (`tasks.exports.safe_text`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.common.spreadsheet import workbook_bytes
from parindex.engine import format_number, format_percent
from parindex.plans.models import Plan
from parindex.plans.selectors.planner import target_text
from parindex.tasks.exports import safe_text


def _number(text: object) -> float | None:
    try:
        return float(Decimal(str(text)))
    except (ArithmeticError, ValueError):
        return None


def plan_workbook(plan: Plan, *, when: datetime.datetime, demo: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Kế hoạch")
    title = gettext("Kế hoạch nâng hạng: %(unit)s — %(group)s năm %(year)s") % {
        "unit": plan.unit.name,
        "group": plan.group.name,
        "year": plan.group.period.year,
    }
    if demo:
        title += " — " + gettext("DỮ LIỆU MINH HỌA, không phải số liệu chính thức")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([gettext("Tên kế hoạch"), safe_text(plan.title)])
    sheet.append([gettext("Mục tiêu"), target_text(plan.target_kind, plan.target_value)])
    sheet.append(
        [
            gettext("Kết quả"),
            gettext("Đạt được mục tiêu")
            if plan.reachable
            else gettext("Không đạt được mục tiêu; đây là kết quả cao nhất có thể"),
        ]
    )
    for label, standing in (
        (gettext("Hiện tại"), plan.before),
        (gettext("Sau kế hoạch"), plan.after),
    ):
        sheet.append(
            [
                label,
                gettext(
                    "tổng %(total)s điểm, chỉ số %(index)s, hạng %(rank)s/%(of)s, loại %(label)s"
                )
                % {
                    "total": format_number(Decimal(str(standing.get("total") or 0)), 2),
                    "index": format_percent(Decimal(str(standing.get("index") or 0)), 2),
                    "rank": standing.get("rank"),
                    "of": standing.get("of"),
                    "label": standing.get("class") or "—",
                },
            ]
        )
    sheet.append([gettext("Tổng công sức"), _number(plan.effort)])
    sheet.append([gettext("Tính lúc"), plan.computed_at.astimezone().strftime("%d/%m/%Y %H:%M")])
    sheet.append([])
    headers = [
        gettext("Mã"),
        gettext("Tiêu chí"),
        gettext("Từ (điểm)"),
        gettext("Lên (điểm)"),
        gettext("Tối đa"),
        gettext("Điểm tăng"),
        gettext("Công sức mỗi điểm"),
        gettext("Công sức"),
        gettext("Cần đạt"),
        gettext("Phụ trách"),
        gettext("Ghi chú"),
    ]
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for step in plan.steps:
        sheet.append(
            [
                step.get("code"),
                safe_text(step.get("title")),
                _number(step.get("from")),
                _number(step.get("to")),
                _number(step.get("max")),
                _number(step.get("gain")),
                _number(step.get("cost")),
                _number(step.get("effort")),
                safe_text(step.get("entry")),
                safe_text(step.get("responsible")),
                safe_text(step.get("note")),
            ]
        )
    for column, width in zip(
        "ABCDEFGHIJK", (8, 50, 10, 10, 8, 10, 12, 10, 36, 28, 50), strict=True
    ):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)
