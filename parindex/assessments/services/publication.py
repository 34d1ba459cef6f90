"""The council's approval of a unit group, the publication of a period's results (frozen
`PublishedResult` rows with ranks and classes), and amendments after publication.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment, GroupApproval
from parindex.assessments.selectors import APPRAISED, group_results
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.assessments.services.shared import (
    act,
    entry_for,
    leaf_node,
    move,
    save_entry,
    score_values,
)
from parindex.audit.services import audit_record
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup


def group_approve(*, actor: User, group: UnitGroup, note: str = "") -> GroupApproval:
    """The council approves the group's appraised assessments at once.

    Every unit of the group must have been appraised (units already approved, e.g. before
    another was sent back for review, stay approved).
    """
    assessments = list(group.assessments.select_related("unit", "period"))
    opened = {assessment.unit_id for assessment in assessments}
    done = (workflow.State.APPRAISED, workflow.State.APPROVED)
    pending = [
        f"{a.unit.name} ({workflow.STATE_LABELS[workflow.State(a.state)]})"
        for a in assessments
        if a.state not in done
    ] + [
        gettext("%(unit)s (chưa có hồ sơ)") % {"unit": unit.name}
        for unit in group.units.exclude(pk__in=opened)
    ]
    to_approve = [a for a in assessments if a.state == workflow.State.APPRAISED]
    if pending or not to_approve:
        if pending:
            message = gettext(
                "Chưa thể thông qua nhóm %(group)s: các đơn vị chưa thẩm định xong: %(units)s."
            )
        else:
            message = gettext(
                "Chưa thể thông qua nhóm %(group)s: không có hồ sơ nào chờ thông qua."
            )
        raise WorkflowError(message % {"group": group.name, "units": ", ".join(pending)})
    with transaction.atomic():
        for assessment in to_approve:
            move(
                assessment,
                act(assessment, workflow.Action.APPROVE, actor),
                actor,
                workflow.Action.APPROVE,
                note,
            )
        approval = GroupApproval.objects.create(group=group, approved_by=actor, note=note.strip())
        audit_record(
            actor=actor,
            action="approve",
            instance=group,
            changes={"approved_units": [None, sorted(a.unit.code for a in to_approve)]},
            reason=note.strip(),
        )
    notify(
        role_users("admin", "appraiser"),
        gettext_noop("Hội đồng đã thông qua kết quả nhóm %(group)s."),
        {"group": group},
        page_url("assessments:publish", group.period_id),
    )
    return approval


def _result_rows(group: UnitGroup, published_at: datetime.datetime) -> dict[str, PublishedResult]:
    results = group_results(group, APPRAISED)
    assert results.ranking is not None
    ranking = results.ranking
    rows = {}
    for unit_code, assessment in results.assessments.items():
        result = ranking.results[unit_code]
        rows[unit_code] = PublishedResult(
            period=group.period,
            group=group,
            unit=assessment.unit,
            total=result.total,
            max_total=result.max_total,
            index=result.index,
            rank=ranking.ranks[unit_code],
            ranked_units=ranking.size,
            class_label=ranking.classes[unit_code],
            areas=[
                {
                    "code": area.code,
                    "points": str(result.nodes[area.code].points),
                    "max_points": str(area.max_points),
                    "rank": ranking.area_ranks[area.code][unit_code],
                }
                for area in results.framework.areas
            ],
            published_at=published_at,
        )
    return rows


def period_publish(
    *,
    actor: User,
    period: AssessmentPeriod,
    decision_number: str,
    decision_date: datetime.date | None,
) -> int:
    """Publish every group's approved results: frozen rows with ranks and classes."""
    if period.status == PeriodStatus.PUBLISHED:
        raise WorkflowError(
            gettext("Kết quả %(period)s đã công bố (%(decision)s); sửa bằng điều chỉnh.")
            % {"period": period, "decision": period.decision_number}
        )
    decision_number = decision_number.strip()
    if not decision_number:
        raise WorkflowError(gettext("Cần số quyết định công bố."))
    if decision_date is None:
        raise WorkflowError(gettext("Cần ngày của quyết định công bố."))
    assessments = list(Assessment.objects.filter(period=period).select_related("unit"))
    pending = [a.unit.name for a in assessments if a.state != workflow.State.APPROVED]
    if not assessments or pending:
        raise WorkflowError(
            gettext("Chưa thể công bố: hội đồng chưa thông qua: %(units)s")
            % {"units": ", ".join(pending or [gettext("(chưa có hồ sơ)")])}
        )
    now = timezone.now()
    with transaction.atomic():
        count = 0
        for group in period.groups.all():
            if not group.assessments.exists():
                continue
            rows = _result_rows(group, now)
            PublishedResult.objects.bulk_create(rows.values())
            count += len(rows)
        for assessment in assessments:
            move(
                assessment,
                act(assessment, workflow.Action.PUBLISH, actor),
                actor,
                workflow.Action.PUBLISH,
                decision_number,
            )
        before = {
            "status": period.status,
            "decision_number": period.decision_number,
            "decision_date": period.decision_date,
        }
        period.status = PeriodStatus.PUBLISHED
        period.decision_number = decision_number
        period.decision_date = decision_date
        period.save(update_fields=["status", "decision_number", "decision_date"])
        audit_record(
            actor=actor,
            action="publish",
            instance=period,
            changes={
                "status": [before["status"], period.status],
                "decision_number": [before["decision_number"], decision_number],
                "decision_date": [before["decision_date"], decision_date],
            },
        )
    notify(
        User.objects.filter(is_active=True),
        gettext_noop(
            "Đã công bố kết quả Chỉ số CCHC %(year)s (Quyết định %(decision)s ngày %(date)s)."
        ),
        {"year": period.year, "decision": decision_number, "date": f"{decision_date:%d/%m/%Y}"},
        page_url("home"),
    )
    return count


def result_amend(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> list[PublishedResult]:
    """Correct a published result: the entry changes with a reason, the group is re-ranked,
    and every unit whose published figures changed gets a new row that amends the old one
    (the old row stays as it was published)."""
    act(assessment, workflow.Action.AMEND, actor)
    reason = reason.strip()
    if not reason:
        raise WorkflowError(gettext("Điều chỉnh kết quả đã công bố phải có lý do."))
    node = leaf_node(assessment, node_code)
    points, explanation = score_values(node, values)
    group = assessment.group
    with transaction.atomic():
        entry = entry_for(assessment, node_code)
        save_entry(
            entry,
            expected_version,
            actor,
            {
                "appraised_values": values,
                "appraised_points": points,
                "appraised_explanation": explanation,
                # The administrator's corrected figure counts as given (the decision behind it
                # is the evidence), whatever the original evidence was.
                "explanation_accepted": True,
                "reason_code": "other",
                "appraiser_comment": reason,
            },
            reason=f"Điều chỉnh sau công bố: {reason}",
        )
        current = {
            row.unit.code: row
            for row in PublishedResult.objects.filter(
                group=group, amendments__isnull=True
            ).select_related("unit")
        }
        new_rows = _result_rows(group, timezone.now())
        amended = []
        for code, row in new_rows.items():
            old = current.get(code)
            if old is not None and (old.total, old.rank, old.class_label, old.areas) == (
                row.total,
                row.rank,
                row.class_label,
                row.areas,
            ):
                continue
            row.amends = old
            row.amendment_reason = reason
            row.save()
            amended.append(row)
        audit_record(
            actor=actor,
            action="amend",
            instance=assessment,
            changes={
                "node": [None, node_code],
                "amended_units": [None, [row.unit.code for row in amended]],
            },
            reason=reason,
            scope=assessment,
        )
    notify(
        unit_users(assessment.unit) + role_users("leader", "council"),
        gettext_noop(
            "Kết quả công bố %(year)s của %(unit)s được điều chỉnh (mục %(code)s): %(reason)s"
        ),
        {
            "year": assessment.period.year,
            "unit": assessment.unit,
            "code": node_code,
            "reason": reason,
        },
        page_url("assessments:amend", assessment.pk),
    )
    return amended
