"""The audit trail and the login log, for administrators: the trail in words
(`parindex.audit.labels`), filtered by who, unit, action, type of object and days, and exported
to Excel with the same words and filters as a background job (`parindex.audit.jobs`)."""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.audit.exports import AUDIT_EXCEL_JOB, filtered_events
from parindex.audit.labels import EventFilter, describe_events
from parindex.jobs.runner import submit
from parindex.policy import require
from parindex.web.audit.forms import EventFilterForm
from parindex.web.http import AuthedRequest


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "audit.view")
    form = EventFilterForm(request.GET or None)
    wanted = form.wanted() if form.is_bound else EventFilter()
    page = Paginator(filtered_events(wanted), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "rows": describe_events(page),
            "export_params": wanted.params(),
            "filtered": wanted.active,
        },
    )


@login_required
@require_POST
def event_export(request: AuthedRequest) -> HttpResponse:
    """Start the export of the trail, filtered as the page was, and show its job."""
    require(request.user, "audit.view")
    form = EventFilterForm(request.POST)
    wanted = form.wanted()
    title = (
        gettext("Xuất nhật ký thay đổi (Excel), có lọc")
        if wanted.active
        else gettext("Xuất nhật ký thay đổi (Excel)")
    )
    task = submit(kind=AUDIT_EXCEL_JOB, title=title, params=wanted.params(), user=request.user)
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
