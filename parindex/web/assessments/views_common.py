"""What the workflow pages share: finding a leaf, and answering an htmx request or a plain
form post with the same view. Who may edit what now is the policy's decision (`parindex.policy`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import engine_for_group
from parindex.engine import Node

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


def self_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("assessments:self", args=[assessment.pk])
    return f"{url}#{anchor}" if anchor else url


def appraise_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("assessments:appraise", args=[assessment.pk])
    return f"{url}#{anchor}" if anchor else url
