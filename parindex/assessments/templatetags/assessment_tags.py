"""Template filters of the workflow pages: state names and colours, reason names."""

from __future__ import annotations

from decimal import Decimal

from django import template

from parindex.assessments import workflow
from parindex.assessments.evidence import size_text
from parindex.assessments.models import AdjustmentReason
from parindex.assessments.selectors import dom_id
from parindex.engine import format_signed

register = template.Library()

_STATE_CLASSES = {
    workflow.State.DRAFT: "",
    workflow.State.SUBMITTED: "info",
    workflow.State.IN_APPRAISAL: "warn",
    workflow.State.EXPLANATION_REQUESTED: "bad",
    workflow.State.EXPLAINED: "info",
    workflow.State.APPRAISED: "ok",
    workflow.State.APPROVED: "ok",
    workflow.State.PUBLISHED: "ok",
}


@register.filter
def state_class(state: str) -> str:
    try:
        return _STATE_CLASSES[workflow.State(state)]
    except ValueError:
        return ""


@register.filter
def state_label(state: str) -> str:
    try:
        return workflow.STATE_LABELS[workflow.State(state)]
    except ValueError:
        return str(state)


@register.filter
def reason_label(code: str) -> str:
    try:
        return str(AdjustmentReason(code).label)
    except ValueError:
        return str(code)


@register.filter
def filesize(size: int | None) -> str:
    """ "1,5 MB", "820 KB": sizes as people read them, with the decimal comma."""
    return "" if size is None else size_text(size)


@register.filter
def node_id(code: str) -> str:
    """The HTML id of the node's row, for links to it."""
    return dom_id(str(code))


@register.filter
def signed(value: Decimal | None) -> str:
    """A change with its sign and the decimal comma: "+0,5", "-2", "0"."""
    if value is None:
        return ""
    return format_signed(value)
