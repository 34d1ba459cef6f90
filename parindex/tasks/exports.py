"""The tasks as an Excel workbook (run as the `tasks.excel` job).

Every cell a person typed (titles, descriptions, notes, document numbers, names) is written as
text and never as a formula: a value starting with = + - @ (or a tab or carriage return, which
some spreadsheet programs skip before reading a formula) gets a leading apostrophe, the
spreadsheet convention for "this is text".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.common.spreadsheet import FORMULA_STARTS, inert, workbook_bytes
from parindex.tasks.models import Task

__all__ = ["FORMULA_STARTS", "safe_text", "tasks_workbook"]


def safe_text(value: Any) -> str:
    """A typed value as inert text for a spreadsheet cell (`parindex.common.spreadsheet`)."""
    return str(inert("" if value is None else str(value)))


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def tasks_workbook(tasks: Iterable[Task], *, when: datetime.datetime, demo: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Nhiệm vụ")
    title = gettext("Danh sách nhiệm vụ giao việc (xuất ngày %(when)s)") % {
        "when": when.strftime("%d/%m/%Y %H:%M")
    }
    if demo:
        title += " — " + gettext("DỮ LIỆU MINH HỌA, không phải số liệu chính thức")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    headers = [
        gettext("Số"),
        gettext("Nội dung công việc"),
        gettext("Đơn vị"),
        gettext("Người thực hiện"),
        gettext("Tiêu chí"),
        gettext("Chỉ số QĐ 766"),
        gettext("Văn bản giao việc"),
        gettext("Ngày văn bản"),
        gettext("Hạn hoàn thành"),
        gettext("Mức ưu tiên"),
        gettext("Trạng thái"),
        gettext("Tiến độ (%)"),
        gettext("Ngày hoàn thành"),
        gettext("Nguồn"),
        gettext("Yêu cầu cụ thể"),
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for task in tasks:
        row = [
            task.pk,
            safe_text(task.title),
            safe_text(task.unit.name),
            safe_text(task.assignee or ""),
            safe_text(", ".join(task.node_codes)),
            safe_text(", ".join(task.indicator_keys)),
            safe_text(task.document_number),
            _date(task.document_date),
            _date(task.deadline),
            str(task.get_priority_display()),
            str(task.get_status_display()),
            task.progress,
            task.completed_at.strftime("%d/%m/%Y") if task.completed_at else "",
            str(task.get_source_kind_display()),
            safe_text(task.description),
        ]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    for letter, width in zip(
        "ABCDEFGHIJKLMNO", (6, 50, 30, 22, 12, 18, 20, 12, 12, 10, 14, 8, 12, 18, 60), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    return workbook_bytes(workbook)
