"""The audit trail of one unit's assessment, or of one of its nodes: on a page and in Excel,
in the words of the audit page (`parindex.audit.labels`).

Whoever may see the assessment may see its history (the unit sees who changed its scores)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import assessment_events, engine_for_group, node_events
from parindex.audit.labels import describe_events
from parindex.audit.models import AuditEvent
from parindex.common.spreadsheet import workbook_bytes
from parindex.engine import Node
from parindex.policy import assessment_for
from parindex.web.http import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(
    request: HttpRequest, assessment: Assessment
) -> tuple[Node | None, QuerySet[AuditEvent]]:
    """The node asked for with `?node=`, if it is one of the framework's, and its events."""
    code = request.GET.get("node", "")
    node = engine_for_group(assessment.group).nodes.get(code) if code else None
    if node is None:
        return None, assessment_events(assessment)
    return node, node_events(assessment, node.code)


@login_required
def history(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk)
    node, events = _scope(request, assessment)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = describe_events(page)
    return render(
        request,
        "assessments/history.html",
        {"assessment": assessment, "node": node, "page": page, "rows": rows},
    )


@login_required
def history_export(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk)
    node, events = _scope(request, assessment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "nhat-ky"
    title = gettext("Nhật ký thay đổi — %(unit)s — %(period)s") % {
        "unit": assessment.unit.name,
        "period": assessment.period.name,
    }
    if node is not None:
        title += " — " + gettext("mục %(code)s") % {"code": node.code}
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    header = [
        gettext("Thời điểm"),
        gettext("Người thực hiện"),
        gettext("Hành động"),
        gettext("Đối tượng"),
        gettext("Thay đổi (cũ → mới)"),
        gettext("Lý do"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for text in describe_events(events):
        sheet.append(
            [text.at, text.actor, text.action, text.object, text.changes_text, text.reason]
        )
    for column, width in zip("ABCDEF", (20, 22, 24, 30, 70, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    suffix = f"-muc-{node.code}" if node is not None else ""
    name = f"nhat-ky-{assessment.unit.code}-{assessment.period.year}{suffix}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
