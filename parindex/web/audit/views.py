"""The audit trail and the login log, for administrators; both exportable to Excel."""

from __future__ import annotations

import io

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from parindex.audit.models import AuditEvent
from parindex.policy import require

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _events(request: HttpRequest):  # type: ignore[no-untyped-def]
    events = AuditEvent.objects.all()
    object_type = request.GET.get("type", "")
    if object_type:
        events = events.filter(object_type=object_type)
    return events, object_type


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    events, object_type = _events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "types": sorted(types), "object_type": object_type},
    )


@login_required
def event_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    events, _type = _events(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "nhat-ky"
    sheet.append(
        [
            "Thời điểm",
            "Người thực hiện",
            "Hành động",
            "Loại",
            "Mã",
            "Đối tượng",
            "Thay đổi",
            "Lý do",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for event in events.iterator():
        changes = (
            "; ".join(f"{key}: {old} → {new}" for key, (old, new) in event.changes.items())
            if all(isinstance(value, list) and len(value) == 2 for value in event.changes.values())
            else str(event.changes)
        )
        sheet.append(
            [
                timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"),
                event.actor_name,
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                changes,
                event.reason,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="nhat-ky-thay-doi.xlsx"'
    return response


@login_required
def login_log(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view")
    return render(
        request,
        "audit/login_log.html",
        {
            "logins": AccessLog.objects.order_by("-attempt_time")[:200],
            "failures": AccessFailureLog.objects.order_by("-attempt_time")[:200],
        },
    )
