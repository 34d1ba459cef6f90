"""The audit trail and the login log, for administrators; the trail exports to Excel as a
background job (`parindex.audit.jobs`)."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.audit.exports import AUDIT_EXCEL_JOB, filtered_events
from parindex.audit.models import AuditEvent
from parindex.jobs.runner import submit
from parindex.policy import require
from parindex.web.http import AuthedRequest


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "audit.view")
    object_type = request.GET.get("type", "")
    events = filtered_events(object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "types": sorted(types), "object_type": object_type},
    )


@login_required
@require_POST
def event_export(request: AuthedRequest) -> HttpResponse:
    """Start the export of the trail (of one type of object, if filtered) and show its job."""
    require(request.user, "audit.view")
    object_type = request.POST.get("type", "")
    title = (
        gettext("Xuất nhật ký thay đổi (Excel): %(type)s") % {"type": object_type}
        if object_type
        else gettext("Xuất nhật ký thay đổi (Excel)")
    )
    task = submit(
        kind=AUDIT_EXCEL_JOB, title=title, params={"type": object_type}, user=request.user
    )
    return redirect("jobs:detail", pk=task.pk)


@login_required
def login_log(request: AuthedRequest) -> HttpResponse:
    require(request.user, "audit.view")
    return render(
        request,
        "audit/login_log.html",
        {
            "logins": AccessLog.objects.order_by("-attempt_time")[:200],
            "failures": AccessFailureLog.objects.order_by("-attempt_time")[:200],
        },
    )
