"""The user's notifications: the list, opening one (marks it read), marking all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parindex.assessments.models import Notification
from parindex.assessments.services.notifications import notification_read, notifications_read_all
from parindex.policy import notification_for
from parindex.web.http import AuthedRequest


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/notifications.html",
        {"page": page, "unread": notifications.filter(read_at__isnull=True).count()},
    )


@login_required
@require_POST
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = notification_for(request.user, pk)
    notification_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("assessments:notifications")


@login_required
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    notifications_read_all(user=request.user)
    return redirect("assessments:notifications")
