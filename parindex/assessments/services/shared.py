"""The steps the assessment services share: the workflow's transition (`act`) and the
state change with optimistic locking (`move`), the self-assessment and explanation deadlines,
the framework leaf and its entry, scoring entered values, and the entry update that refuses
a stale version (`save_entry`).

Times: the checks that depend on a deadline take `now` (default: the current time).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import StaleEdit, WorkflowError
from parindex.assessments.models import Assessment, ExplanationRequest, NodeEntry
from parindex.assessments.selectors import (
    describe_changes,
    engine_for_group,
    open_explanation,
    unit_deadline,
)
from parindex.audit.labels import moment_text
from parindex.audit.models import AuditEvent
from parindex.audit.services import audit_record
from parindex.engine import Node, RuleInputError


def local_time(moment: datetime.datetime) -> str:
    return moment_text(moment)


def act(assessment: Assessment, action: workflow.Action, actor: User) -> workflow.State:
    try:
        return workflow.next_state(assessment.state, action, actor.role)
    except workflow.IllegalTransition as error:
        raise WorkflowError(str(error)) from None


def move(
    assessment: Assessment,
    target: workflow.State,
    actor: User,
    action: workflow.Action,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Change the state if nobody else changed the assessment since it was loaded; `changes`
    are other fields the same step changes, audited in the same event."""
    old = assessment.state
    updated = Assessment.objects.filter(pk=assessment.pk, version=assessment.version).update(
        state=target.value, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(
            gettext("Hồ sơ vừa được người khác thay đổi trạng thái; hãy tải lại trang.")
        )
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        action=action.value,
        instance=assessment,
        changes={"state": [old, target.value], **(changes or {})},
        reason=reason,
        scope=assessment,
    )


def check_self_deadline(assessment: Assessment, now: datetime.datetime | None) -> None:
    deadline = unit_deadline(assessment)
    if (now or timezone.now()) > deadline:
        raise WorkflowError(
            gettext(
                "Đã quá hạn tự đánh giá (%(deadline)s); hồ sơ chỉ sửa hoặc gửi được khi Sở Nội "
                "vụ gia hạn cho đơn vị."
            )
            % {"deadline": local_time(deadline)}
        )


def check_unit_edit(
    assessment: Assessment, actor: User, now: datetime.datetime | None
) -> ExplanationRequest | None:
    """The unit may change its evidence: in draft before its deadline, or while answering an
    explanation request before that request's deadline. Returns the open request, if any."""
    if assessment.state == workflow.State.EXPLANATION_REQUESTED:
        act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
        request = open_explanation(assessment)
        if request is not None and (now or timezone.now()) > request.deadline:
            raise WorkflowError(
                gettext("Đã quá hạn giải trình (%(deadline)s).")
                % {"deadline": local_time(request.deadline)}
            )
        return request
    act(assessment, workflow.Action.SAVE_DRAFT, actor)
    check_self_deadline(assessment, now)
    return None


def leaf_node(assessment: Assessment, code: str) -> Node:
    framework = engine_for_group(assessment.group)
    node = framework.nodes.get(code)
    if node is None or not node.is_leaf:
        raise WorkflowError(
            gettext("Mục «%(code)s» không phải là mục chấm điểm của bộ tiêu chí.") % {"code": code}
        )
    return node


def entry_for(assessment: Assessment, code: str) -> NodeEntry:
    entry, _ = NodeEntry.objects.get_or_create(assessment=assessment, node_code=code)
    entry.assessment = assessment  # the caller's, with its unit and group already read
    return entry


def score_values(node: Node, values: Mapping[str, Any]) -> tuple[Decimal, str]:
    """Points and explanation of `values` under the node's rule, or a message naming the box."""
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        message = str(error)
        for field in node.rule.fields():
            message = message.replace(f"«{field.name}»", f"«{field.label}»")
        raise WorkflowError(
            gettext("Mục %(code)s: %(message)s") % {"code": node.code, "message": message}
        ) from None
    return outcome.points, outcome.explanation


def _stale_message(entry: NodeEntry) -> str:
    event = (
        AuditEvent.objects.filter(
            object_type="nodeentry",
            object_id=str(entry.pk),
            action__in=("score", "system_value"),  # the changes that move the version
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return gettext("Mục %(code)s vừa được thay đổi; hãy tải lại trang.") % {
            "code": entry.node_code
        }
    node = engine_for_group(entry.assessment.group).nodes.get(entry.node_code)
    changed = "; ".join(describe_changes(event.changes, node=node))
    return gettext(
        "Mục %(code)s vừa được %(actor)s sửa lúc %(when)s (%(changes)s). Thay đổi của bạn chưa "
        "được lưu; hãy xem lại rồi lưu lần nữa."
    ) % {
        "code": entry.node_code,
        "actor": event.actor_label,
        "when": local_time(event.at),
        "changes": changed,
    }


def _as_read_back(fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """What reading the entry back would give for the values an update just wrote, without
    the query: JSON through its text, decimals with the column's places. None when the
    database would have rounded a decimal (more places than the column keeps): read it back."""
    found: dict[str, Any] = {}
    for name, value in fields.items():
        field = NodeEntry._meta.get_field(name)
        if value is not None and isinstance(field, models.JSONField):
            value = json.loads(json.dumps(value))
        elif value is not None and isinstance(field, models.DecimalField):
            places = field.decimal_places or 0
            value = Decimal(value)
            exponent = value.as_tuple().exponent
            if not isinstance(exponent, int) or exponent < -places:
                return None
            value = value.quantize(Decimal(1).scaleb(-places))
        found[name] = value
    return found


def save_entry(
    entry: NodeEntry,
    expected_version: int | None,
    actor: User,
    fields: dict[str, Any],
    reason: str = "",
) -> NodeEntry:
    """Update `fields` of `entry` only if nobody changed it since `expected_version`.

    The update and its audit event commit together, so that whoever is refused as stale
    can always read who made the change that beat them.
    """
    with transaction.atomic():
        # The entry as the caller read it is the entry as it was before the update when its
        # version is the one the update requires: every change of an entry through here moves
        # its version. Finalising or reopening an appraisal sets `finalised` on every entry
        # without moving it (transitions), so a write of that field reads the row again.
        current = entry
        if expected_version is None or entry.version != expected_version or "finalised" in fields:
            current = NodeEntry.objects.get(pk=entry.pk)
        before = {name: getattr(current, name) for name in fields}
        version = current.version if expected_version is None else expected_version
        now = timezone.now()
        updated = NodeEntry.objects.filter(pk=entry.pk, version=version).update(
            **fields, version=F("version") + 1, updated_by=actor, updated_at=now
        )
        if not updated:
            entry.refresh_from_db()
            raise StaleEdit(_stale_message(entry))
        # Only what the update wrote: the entry keeps its assessment (the audit names it).
        read_back = _as_read_back(fields)
        if read_back is None:
            entry.refresh_from_db(fields=[*fields, "version", "updated_by", "updated_at"])
        else:
            for name, value in read_back.items():
                setattr(entry, name, value)
            entry.version, entry.updated_by, entry.updated_at = version + 1, actor, now
        changes = {
            name: [before[name], fields[name]] for name in fields if before[name] != fields[name]
        }
        if changes:
            audit_record(
                actor=actor,
                action="score",
                instance=entry,
                object_repr=f"{entry.assessment.unit} / {entry.node_code}",
                changes=changes,
                reason=reason,
                scope=entry.assessment,
            )
    return entry
