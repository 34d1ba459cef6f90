"""The audit trail of an assessment, readable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import (
    Assessment,
    ExplanationItem,
    NodeEntry,
    Notification,
)
from parindex.audit import labels as audit_labels
from parindex.audit.models import AuditEvent
from parindex.engine import (
    Node,
)

# --- the audit trail, readable (the words: `audit_labels`, through `parindex.audit.labels`) ---

# The values a rule reads, named when the node is unknown (an entry of a node no longer in the
# framework) or a rule reads a value no box shows (a rate imported as a percent).
VALUE_LABELS = {
    "option": _("phương án"),
    "numerator": _("tử số"),
    "denominator": _("mẫu số"),
    "percent": _("tỷ lệ"),
    "count": _("số lần"),
    "value": _("kết quả"),
    "points": _("điểm"),
}
_LONG_TEXT = ("self_explanation", "appraised_explanation")


def describe_changes(
    changes: Mapping[str, Any], *, short: bool = True, node: Node | None = None
) -> list[str]:
    """A node entry's `{field: [old, new]}` as lines in words ("điểm tự chấm: 2 → 1,5"; an
    option by its label when the `node` is given); `short` leaves out the rules' long
    explanation texts (they follow from the values)."""
    found = audit_labels.describe_changes(
        "nodeentry", changes, node, leave_out=_LONG_TEXT if short else ()
    )
    return [change.text for change in found]


def assessment_events(assessment: Assessment) -> QuerySet[AuditEvent]:
    """Every audited change of the unit's assessment, newest first."""
    return AuditEvent.objects.filter(scope_type="assessment", scope_id=str(assessment.pk))


def node_events(assessment: Assessment, code: str) -> QuerySet[AuditEvent]:
    """The audited changes of one node: its entry (scores, notes, evidence) and the answers
    to questions about it."""
    entry_ids = [
        str(pk)
        for pk in NodeEntry.objects.filter(assessment=assessment, node_code=code).values_list(
            "pk", flat=True
        )
    ]
    item_ids = [
        str(pk)
        for pk in ExplanationItem.objects.filter(
            request__assessment=assessment, node_code=code
        ).values_list("pk", flat=True)
    ]
    return assessment_events(assessment).filter(
        Q(object_type="nodeentry", object_id__in=entry_ids)
        | Q(object_type="explanationitem", object_id__in=item_ids)
    )


def unread_notifications(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
