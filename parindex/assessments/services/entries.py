"""Writes of entries: the unit's self-assessment, the appraiser's score, and the values the
system computes for survey- and data-sourced leaves. Every edit carries the version it was
based on (see `shared.save_entry`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import AdjustmentReason, Assessment, NodeEntry
from parindex.assessments.selectors import self_counts
from parindex.assessments.services.shared import (
    act,
    check_self_deadline,
    entry_for,
    leaf_node,
    save_entry,
    score_values,
)
from parindex.audit.services import audit_record
from parindex.engine import Node, format_number


def entry_save_self(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any] | None,
    note: str = "",
    written_explanation: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> NodeEntry:
    """The unit's entry for a self-assessed leaf (officer or head, in draft, before the
    deadline). `values=None` clears the answer."""
    act(assessment, workflow.Action.SAVE_DRAFT, actor)
    check_self_deadline(assessment, now)
    node = leaf_node(assessment, node_code)
    if node.source != "self":
        raise WorkflowError(
            gettext("Mục %(code)s lấy điểm từ %(source)s, đơn vị không tự chấm.")
            % {"code": node.code, "source": _SOURCE_LABELS.get(node.source, node.source)}
        )
    points: Decimal | None = None
    explanation = ""
    if values is not None:
        points, explanation = score_values(node, values)
    entry = entry_for(assessment, node_code)
    return save_entry(
        entry,
        expected_version,
        actor,
        {
            "self_values": values,
            "self_points": points,
            "self_explanation": explanation,
            "note": note.strip(),
            "written_explanation": written_explanation.strip(),
        },
    )


_SOURCE_LABELS = {
    "survey": _("điều tra xã hội học"),
    "data": _("số liệu hệ thống"),
    "system": _("việc gửi tự đánh giá (hệ thống ghi nhận)"),
}


def _effective_points(
    node: Node, points: Decimal | None, has_evidence: bool, explanation_ok: bool
) -> Decimal:
    """What the engine will count for the node: nothing without evidence where it is required
    (unless an explanation stands in for it)."""
    if points is None:
        return Decimal(0)
    if node.evidence_required and not has_evidence and not explanation_ok:
        return Decimal(0)
    return points


def entry_appraise(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any] | None,
    reason_code: str = "",
    comment: str = "",
    explanation_accepted: bool = False,
    finalised: bool = False,
    expected_version: int | None = None,
) -> NodeEntry:
    """The appraiser's score for a leaf.

    An appraised score that differs from what the unit's entry counts for needs a reason
    code. Survey- and data-sourced values (until those imports fill them) need a note
    saying where the figure comes from. `values=None` keeps the unit's own values.
    """
    act(assessment, workflow.Action.APPRAISE, actor)
    node = leaf_node(assessment, node_code)
    if reason_code and reason_code not in AdjustmentReason.values:
        raise WorkflowError(
            gettext("Mục %(code)s: lý do điều chỉnh «%(reason)s» không có.")
            % {"code": node.code, "reason": reason_code}
        )
    points: Decimal | None = None
    explanation = ""
    if values is not None:
        points, explanation = score_values(node, values)
    entry = entry_for(assessment, node_code)
    comment = comment.strip()
    fields: dict[str, Any] = {
        "appraised_values": values,
        "appraised_points": points,
        "appraised_explanation": explanation,
        "reason_code": reason_code,
        "appraiser_comment": comment,
        "explanation_accepted": explanation_accepted,
        "finalised": finalised,
    }
    if node.source == "self":
        has_evidence = entry.evidence_links.exists()
        # A unit that never sent its self-assessment claims nothing: any points need a reason.
        own = entry.self_points if self_counts(assessment) else None
        claimed = _effective_points(
            node, own, has_evidence, bool(entry.written_explanation.strip())
        )
        given = _effective_points(
            node,
            own if values is None else points,
            has_evidence,
            explanation_accepted,
        )
        if given != claimed and not reason_code:
            raise WorkflowError(
                gettext(
                    "Mục %(code)s: điểm thẩm định %(given)s khác điểm tự chấm %(claimed)s, cần "
                    "chọn lý do điều chỉnh."
                )
                % {
                    "code": node.code,
                    "given": format_number(given),
                    "claimed": format_number(claimed),
                }
            )
    elif values is not None:
        if not comment:
            raise WorkflowError(
                gettext("Mục %(code)s: số liệu nhập thay %(source)s cần ghi chú nguồn.")
                % {"code": node.code, "source": _SOURCE_LABELS.get(node.source, node.source)}
            )
        fields["provenance"] = {
            "source": node.source,
            "entered_by": str(actor),
            "note": comment,
            "indicator": node.indicator,
        }
    return save_entry(entry, expected_version, actor, fields, reason=comment)


def entry_set_system_value(
    *,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any],
    provenance: dict[str, Any],
    actor: User | None = None,
) -> NodeEntry:
    """A survey- or data-sourced leaf's value computed by the system (survey results,
    dossier indicators), with where it came from. Refused once the assessment is approved
    or published: a correction then goes through `result_amend`.

    It bumps the entry's version like any edit, so that an appraiser's page loaded before
    the import is told, not silently overwritten."""
    if workflow.State(assessment.state) in workflow.LOCKED:
        raise WorkflowError(
            gettext("Hồ sơ %(assessment)s đã được thông qua; không cập nhật số liệu tự động.")
            % {"assessment": assessment}
        )
    node = leaf_node(assessment, node_code)
    if node.source == "self":
        raise WorkflowError(
            gettext("Mục %(code)s do đơn vị tự chấm, không nhận số liệu tự động.")
            % {"code": node.code}
        )
    points, explanation = score_values(node, values)
    values = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }
    fields = {
        "appraised_values": values,
        "appraised_points": points,
        "appraised_explanation": explanation,
        "provenance": provenance,
    }
    with transaction.atomic():
        entry = entry_for(assessment, node_code)
        before = {name: getattr(entry, name) for name in fields}
        NodeEntry.objects.filter(pk=entry.pk).update(
            **fields, version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
        )
        entry.refresh_from_db()
        changes = {
            name: [before[name], fields[name]]
            for name in ("appraised_values", "appraised_points")
            if before[name] != fields[name]
        }
        if changes:
            audit_record(
                actor=actor,
                action="system_value",
                instance=entry,
                object_repr=f"{assessment.unit} / {node_code}",
                changes=changes,
                reason=str(provenance.get("summary", provenance.get("source", ""))),
                scope=assessment,
            )
    return entry
