"""What the workflow pages share: finding a leaf, and answering an htmx request or a plain
form post with the same view. Who may edit what now is the policy's decision (`parindex.policy`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import engine_for_group
from parindex.engine import Node
from parindex.periods.models import AssessmentPeriod, PeriodStatus
from parindex.web.http import query_id

# Status codes whose body htmx swaps in (see the htmx-config meta tag in _htmx_config.html):
# 400 for input that does not fit, 409 for an edit based on a stale version.
INVALID = 400
CONFLICT = 409


def leaf_or_404(assessment: Assessment, code: str) -> Node:
    node = engine_for_group(assessment.group).nodes.get(code)
    if node is None or not node.is_leaf:
        raise Http404
    return node


def done(request: HttpRequest, url: str, text: str = "", error: str = "") -> HttpResponse:
    """A plain form post's answer: a message and back to the page (post/redirect/get)."""
    if error:
        messages.error(request, error)
    elif text:
        messages.success(request, text)
    return redirect(url)


def _page_url(name: str, assessment: Assessment, anchor: str, area: str) -> str:
    url = reverse(name, args=[assessment.pk])
    if area:
        url = f"{url}?{urlencode({'area': area})}"
    return f"{url}#{anchor}" if anchor else url


def self_url(assessment: Assessment, anchor: str = "", *, area: str = "") -> str:
    """The self-assessment page (with `area`, that area open)."""
    return _page_url("assessments:self", assessment, anchor, area)


def appraise_url(assessment: Assessment, anchor: str = "", *, area: str = "") -> str:
    """The appraisal page (with `area`, that area open)."""
    return _page_url("assessments:appraise", assessment, anchor, area)


def area_of(assessment: Assessment, code: str) -> str:
    """The top-level node (area) of a node: the page opens it to show the node's row."""
    framework = engine_for_group(assessment.group)
    return framework.area_of(code).code if code in framework.nodes else ""


# What a save may change on the assessment itself (its relations stay as the view read them).
ASSESSMENT_STATE = ["state", "submission", "version", "submitted_at", "submitted_by", "updated_at"]


def fragment(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    """An htmx answer (a row and its out-of-band companions): rendered without the page's
    context processors (menu, unread count), which a fragment does not show."""
    context = {**context, "csrf_token": get_token(request)}
    return HttpResponse(render_to_string(template, context), status=status)


def chosen_period(request: HttpRequest) -> AssessmentPeriod | None:
    """The period asked for, else the latest one still in progress, else the latest."""
    periods = AssessmentPeriod.objects.all()
    wanted = query_id(request.GET, "period")
    if wanted is not None:
        period = periods.filter(pk=wanted).first()
        if period is not None:
            return period
    return (
        periods.exclude(status=PeriodStatus.PUBLISHED).filter(groups__isnull=False).first()
        or periods.first()
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The page a form came from (`next`), if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --- confirmation of what cannot be undone -----------------------------------------------------
#
# A form whose action cannot be undone (finalise, approve, publish, amend, take a unit in
# without its submission, bulk actions) posts first without `confirmed`: the view answers
# with a page that says what will happen and repeats the form's fields, hidden, with
# `confirmed=1`. No script is involved, so it works under a Content-Security-Policy.


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: Sequence[str],
    confirm_label: str,
    cancel_url: str,
    summary_template: str = "",
    context: dict[str, Any] | None = None,
    fields: Sequence[tuple[str, str]] | None = None,
    danger: bool = True,
    irreversible: bool = True,
    allowed: bool = True,
    refusal: str = "",
) -> HttpResponse:
    """The confirmation step: `consequences` in sentences, an optional summary, and a form
    that posts the same fields (the request's, unless `fields` are given) back confirmed."""
    if fields is None:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", "confirmed")
            for value in values
        ]
    return render(
        request,
        "assessments/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "summary_template": summary_template,
            "fields": fields,
            "danger": danger,
            "irreversible": irreversible,
            "allowed": allowed,
            "refusal": refusal,
            **(context or {}),
        },
    )
