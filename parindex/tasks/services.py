"""Writes of the tasks: create (directly or from a source), edit, progress with evidence, and
the daily check that marks overdue tasks and sends reminders.

Services trust their callers (every page and command asks `parindex.policy` first), check
the task's own rules and audit every change. Times come from `now=` (tests freeze the clock
by passing it), else `timezone.now()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.accounts.roles import UNIT_ROLES
from parindex.assessments.evidence import CheckedFile, EvidenceRejected
from parindex.assessments.evidence_store import UploadedFile, check_uploads, store_once
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.audit.services import audit_record, diff, snapshot
from parindex.criteria.models import CriterionNode, Framework
from parindex.periods.models import AssessmentPeriod
from parindex.tasks.models import (
    OPEN_STATUSES,
    Task,
    TaskEvidence,
    TaskPriority,
    TaskSource,
    TaskStatus,
    TaskUpdate,
)
from parindex.units.models import Unit

DEFAULT_REMINDER_DAYS = 7
_EDITABLE = (
    "title",
    "description",
    "unit",
    "assignee",
    "node_codes",
    "indicator_keys",
    "document_number",
    "document_date",
    "deadline",
    "priority",
    "status",
)


class TaskError(Exception):
    """A task change is refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class TaskSourceRef:
    """Where a task comes from, and what it proposes: the one argument of `task_create_from`.

    An appraisal conclusion (`source_from_entry`), a dossier drill-down row
    (`source_from_dossier_item`), and later plan rows and early warnings build one and call
    `task_create_from`: the task then names its source, and one source gives one open task
    per unit.
    """

    kind: str  # a TaskSource value
    ref: str  # unique for the source, e.g. "entry:12"
    unit: Unit
    title: str
    description: str = ""
    node_codes: tuple[str, ...] = ()
    indicator_keys: tuple[str, ...] = ()
    framework: Framework | None = None
    period: AssessmentPeriod | None = None
    assessment: Assessment | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def reminder_days() -> int:
    return int(getattr(settings, "PARINDEX_TASK_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def _today(now: datetime.datetime | None) -> datetime.date:
    return timezone.localtime(now or timezone.now()).date()


def _clean_codes(values: Iterable[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        code = str(value).strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def _check(task: Task) -> None:
    if not task.title.strip():
        raise TaskError(gettext("Nhiệm vụ cần có nội dung."))
    if task.assignee is not None and (
        task.assignee.unit_id != task.unit_id or task.assignee.role not in UNIT_ROLES
    ):
        raise TaskError(
            gettext("Người thực hiện «%(user)s» không thuộc đơn vị «%(unit)s».")
            % {"user": task.assignee, "unit": task.unit}
        )
    if task.document_date is not None and task.document_date > task.deadline:
        raise TaskError(gettext("Hạn hoàn thành phải sau ngày văn bản giao việc."))
    if task.framework_id is not None and task.node_codes:
        known = set(
            CriterionNode.objects.filter(
                framework_id=task.framework_id, code__in=task.node_codes
            ).values_list("code", flat=True)
        )
        unknown = [code for code in task.node_codes if code not in known]
        if unknown:
            raise TaskError(
                gettext("Bộ tiêu chí «%(framework)s» không có mục %(codes)s.")
                % {"framework": task.framework, "codes": ", ".join(unknown)}
            )


def _audit(actor: Any, action: str, task: Task, changes: dict[str, Any], reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        instance=task,
        object_repr=f"{task.unit} — {task.title}"[:255],
        changes=changes,
        reason=reason,
    )


def task_create(
    *,
    actor: User | None,
    title: str,
    unit: Unit,
    deadline: datetime.date,
    description: str = "",
    assignee: User | None = None,
    node_codes: Iterable[str] = (),
    indicator_keys: Iterable[str] = (),
    framework: Framework | None = None,
    period: AssessmentPeriod | None = None,
    assessment: Assessment | None = None,
    document_number: str = "",
    document_date: datetime.date | None = None,
    priority: str = TaskPriority.NORMAL,
    source_kind: str = TaskSource.MANUAL,
    source_ref: str = "",
    source_detail: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
    notify_unit: bool = True,
) -> Task:
    """Assign a task to a unit; its staff are notified. A deadline already past makes it
    overdue at once (the daily check would mark it the next morning anyway)."""
    task = Task(
        title=title.strip(),
        description=description.strip(),
        unit=unit,
        assignee=assignee,
        node_codes=_clean_codes(node_codes),
        indicator_keys=_clean_codes(indicator_keys),
        framework=framework,
        period=period,
        assessment=assessment,
        document_number=document_number.strip(),
        document_date=document_date,
        deadline=deadline,
        priority=priority,
        source_kind=source_kind,
        source_ref=source_ref[:200],
        source_detail=source_detail or {},
        created_by=actor,
    )
    if deadline < _today(now):
        task.status = TaskStatus.OVERDUE
    _check(task)
    with transaction.atomic():
        if source_ref:
            existing = (
                Task.objects.select_for_update()
                .filter(unit=unit, source_ref=task.source_ref, status__in=OPEN_STATUSES)
                .first()
            )
            if existing is not None:
                raise TaskError(
                    gettext("Đã giao việc từ nguồn này cho đơn vị: «%(title)s» (số %(pk)s).")
                    % {"title": existing.title, "pk": existing.pk}
                )
        task.save()
        _audit(actor, "create", task, {"task": [None, snapshot(task, _EDITABLE)]})
    if notify_unit:
        notify(
            _recipients(task),
            gettext_noop("Đơn vị được giao nhiệm vụ «%(title)s», hạn %(deadline)s."),
            {"title": task.title[:150], "deadline": task.deadline.strftime("%d/%m/%Y")},
            url=page_url("tasks:detail", task.pk),
        )
    return task


def task_create_from(
    *,
    source: TaskSourceRef,
    actor: User | None,
    deadline: datetime.date,
    priority: str = TaskPriority.NORMAL,
    assignee: User | None = None,
    document_number: str = "",
    document_date: datetime.date | None = None,
    title: str | None = None,
    description: str | None = None,
    now: datetime.datetime | None = None,
) -> Task:
    """A task from a source in one step: the source proposes the unit, the title, the criteria
    or indicators; the caller gives the deadline (and may retitle it). Refused with
    `TaskError` when the unit already has an open task from the same source."""
    return task_create(
        actor=actor,
        title=title if title is not None and title.strip() else source.title,
        description=description if description is not None else source.description,
        unit=source.unit,
        deadline=deadline,
        assignee=assignee,
        node_codes=source.node_codes,
        indicator_keys=source.indicator_keys,
        framework=source.framework,
        period=source.period,
        assessment=source.assessment,
        document_number=document_number,
        document_date=document_date,
        priority=priority,
        source_kind=source.kind,
        source_ref=source.ref,
        source_detail=source.detail,
        now=now,
    )


def source_from_entry(entry: NodeEntry) -> TaskSourceRef:
    """An appraisal conclusion: the node the appraiser adjusted, with the reason given."""
    assessment = entry.assessment
    node = (
        CriterionNode.objects.filter(
            framework_id=assessment.group.framework_id, code=entry.node_code
        )
        .only("title")
        .first()
    )
    node_title = node.title if node is not None else ""
    reason = entry.get_reason_code_display() if entry.reason_code else ""
    title = gettext("Khắc phục tiêu chí %(code)s: %(title)s") % {
        "code": entry.node_code,
        "title": node_title,
    }
    parts = [
        gettext("Kết luận thẩm định năm %(year)s") % {"year": assessment.period.year},
    ]
    if reason:
        parts.append(gettext("Lý do điều chỉnh: %(reason)s") % {"reason": reason})
    if entry.appraiser_comment:
        parts.append(gettext("Nhận xét: %(comment)s") % {"comment": entry.appraiser_comment})
    return TaskSourceRef(
        kind=TaskSource.APPRAISAL,
        ref=f"entry:{entry.pk}",
        unit=assessment.unit,
        title=title[:300],
        description="\n".join(parts),
        node_codes=(entry.node_code,),
        framework=assessment.group.framework,
        period=assessment.period,
        assessment=assessment,
        detail={
            "reason_code": entry.reason_code,
            "self_points": str(entry.self_points) if entry.self_points is not None else None,
            "appraised_points": (
                str(entry.appraised_points) if entry.appraised_points is not None else None
            ),
        },
    )


# Decision 766 indicator each drill-down kind concerns (parindex/data/servicedata/qd766_points.yaml).
DRILL_INDICATORS = {"late": "timeliness_766", "online": "online_submission_share"}


def source_from_dossier_item(
    *, unit: Unit, kind: str, procedure_code: str, text: str, period_text: str = ""
) -> TaskSourceRef:
    """A drill-down row: a unit's procedure with late dossiers or low online use."""
    if kind not in DRILL_INDICATORS:
        raise TaskError(gettext("Loại phân tích hồ sơ «%(kind)s» không hợp lệ.") % {"kind": kind})
    if kind == "late":
        title = gettext("Giải quyết hồ sơ đúng hạn: thủ tục %(procedure)s")
    else:
        title = gettext("Tăng tỷ lệ hồ sơ nộp trực tuyến: thủ tục %(procedure)s")
    description = text if not period_text else f"{text} ({period_text})"
    return TaskSourceRef(
        kind=TaskSource.DOSSIER,
        ref=f"dossier:{kind}:{unit.code}:{procedure_code}"[:200],
        unit=unit,
        title=(title % {"procedure": procedure_code})[:300],
        description=description,
        indicator_keys=(DRILL_INDICATORS[kind],),
        detail={"kind": kind, "procedure": procedure_code, "period": period_text},
    )


def task_edit(
    *,
    actor: User,
    task: Task,
    changes: dict[str, Any],
    reason: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Task:
    """Home Affairs changes a task (deadline, assignee, priority, status: cancel, accept as
    done, reopen). A deadline moved into the future takes an overdue task back to work."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise TaskError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if expected_version is not None and locked.version != expected_version:
            raise TaskError(
                gettext("Nhiệm vụ vừa được người khác cập nhật; hãy tải lại trang rồi sửa lại.")
            )
        before = snapshot(locked, _EDITABLE)
        for name, value in changes.items():
            if name in ("node_codes", "indicator_keys"):
                value = _clean_codes(value)
            setattr(locked, name, value)
        today = _today(now)
        if locked.status == TaskStatus.DONE:
            locked.progress = 100
            locked.completed_at = locked.completed_at or (now or timezone.now())
        else:
            locked.completed_at = None
        if locked.status == TaskStatus.OVERDUE and locked.deadline >= today:
            locked.status = TaskStatus.IN_PROGRESS if locked.progress else TaskStatus.NEW
        elif locked.status in (TaskStatus.NEW, TaskStatus.IN_PROGRESS) and locked.deadline < today:
            locked.status = TaskStatus.OVERDUE
        if locked.deadline != before["deadline"]:
            locked.reminded_for = None
        _check(locked)
        changed = diff(before, snapshot(locked, _EDITABLE))
        if not changed:
            return locked
        if changed.get("status") and locked.status == TaskStatus.CANCELLED and not reason.strip():
            raise TaskError(gettext("Hủy nhiệm vụ cần nêu lý do."))
        locked.version += 1
        locked.save()
        _audit(actor, "update", locked, changed, reason)
        if "status" in changed:
            TaskUpdate.objects.create(
                task=locked,
                note=reason.strip() or gettext("Sở Nội vụ cập nhật trạng thái."),
                progress=locked.progress,
                status=locked.status,
                created_by=actor,
            )
    task.refresh_from_db()
    return task


def _store_evidence(
    actor: User, task: Task, update: TaskUpdate, checked: CheckedFile, stored: list[str]
) -> TaskEvidence:
    document, created = store_once(
        TaskEvidence, checked, stored, owner={"task": task}, update=update, uploaded_by=actor
    )
    if created:
        audit_record(
            actor=actor,
            action="upload",
            instance=document,
            changes={"file": [None, checked.name], "sha256": [None, checked.sha256]},
            scope=task,
        )
    return document


def task_report_progress(
    *,
    actor: User,
    task: Task,
    note: str,
    progress: int,
    done: bool = False,
    files: Sequence[UploadedFile] = (),
    now: datetime.datetime | None = None,
) -> TaskUpdate:
    """The assigned unit reports progress (and may report the task done), with evidence files
    checked by content; if any file is refused nothing is stored."""
    if not task.is_open:
        raise TaskError(
            gettext("Nhiệm vụ ở trạng thái «%(status)s»: không báo cáo tiến độ được nữa.")
            % {"status": task.get_status_display()}
        )
    if not note.strip():
        raise TaskError(gettext("Hãy ghi nội dung báo cáo tiến độ."))
    if not 0 <= progress <= 100:
        raise TaskError(gettext("Tiến độ phải từ 0 đến 100 %."))
    try:
        checked = check_uploads(files)
    except EvidenceRejected as error:
        raise TaskError(str(error)) from None
    moment = now or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Task.objects.select_for_update().get(pk=task.pk)
            before = snapshot(locked, ("status", "progress"))
            locked.progress = 100 if done else progress
            if done:
                locked.status = TaskStatus.DONE
                locked.completed_at = moment
            elif locked.status == TaskStatus.NEW:
                locked.status = TaskStatus.IN_PROGRESS
            locked.version += 1
            locked.save()
            update = TaskUpdate.objects.create(
                task=locked,
                note=note.strip(),
                progress=locked.progress,
                status=locked.status,
                created_by=actor,
            )
            for item in checked:
                _store_evidence(actor, locked, update, item, stored)
            _audit(
                actor,
                "progress",
                locked,
                {**diff(before, snapshot(locked, ("status", "progress"))), "note": [None, note]},
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    if done and locked.created_by is not None:
        notify(
            [locked.created_by],
            gettext_noop("%(unit)s báo cáo hoàn thành nhiệm vụ «%(title)s»."),
            {"unit": locked.unit.name, "title": locked.title[:150]},
            url=page_url("tasks:detail", locked.pk),
        )
    task.refresh_from_db()
    return update


# --- the daily check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyReport:
    overdue: tuple[int, ...]
    reminded: tuple[int, ...]


def _recipients(task: Task) -> list[User]:
    """Who hears about a task: its assignee, else every user of its unit."""
    if task.assignee is not None and task.assignee.is_active:
        return [task.assignee]
    return unit_users(task.unit)


def tasks_daily(*, now: datetime.datetime | None = None, days: int | None = None) -> DailyReport:
    """Run once a day (`manage.py tasks_daily`, or the `tasks.daily` job): open tasks whose
    deadline has passed become overdue (the unit and Home Affairs are told); open tasks due
    within `days` (default PARINDEX_TASK_REMINDER_DAYS, 7) are reminded once per deadline.
    Running it twice the same day changes and sends nothing more."""
    today = _today(now)
    days = reminder_days() if days is None else days
    overdue: list[int] = []
    reminded: list[int] = []
    late = list(
        Task.objects.filter(
            status__in=(TaskStatus.NEW, TaskStatus.IN_PROGRESS), deadline__lt=today
        ).select_related("unit", "assignee")
    )
    home_affairs = role_users("appraiser", "admin")
    for task in late:
        with transaction.atomic():
            updated = Task.objects.filter(
                pk=task.pk, status__in=(TaskStatus.NEW, TaskStatus.IN_PROGRESS)
            ).update(status=TaskStatus.OVERDUE, version=task.version + 1)
            if not updated:
                continue
            _audit(None, "overdue", task, {"status": [task.status, TaskStatus.OVERDUE.value]})
        overdue.append(task.pk)
        notify(
            [*_recipients(task), *home_affairs],
            gettext_noop("Nhiệm vụ «%(title)s» của %(unit)s đã quá hạn (hạn %(deadline)s)."),
            {
                "title": task.title[:150],
                "unit": task.unit.name,
                "deadline": task.deadline.strftime("%d/%m/%Y"),
            },
            url=page_url("tasks:detail", task.pk),
        )
    due = Task.objects.filter(
        status__in=(TaskStatus.NEW, TaskStatus.IN_PROGRESS),
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=days),
    ).select_related("unit", "assignee")
    for task in due:
        if task.reminded_for == task.deadline:
            continue
        Task.objects.filter(pk=task.pk).update(reminded_for=task.deadline)
        reminded.append(task.pk)
        notify(
            _recipients(task),
            gettext_noop(
                "Nhắc việc: nhiệm vụ «%(title)s» đến hạn ngày %(deadline)s (còn %(days)s ngày)."
            ),
            {
                "title": task.title[:150],
                "deadline": task.deadline.strftime("%d/%m/%Y"),
                "days": (task.deadline - today).days,
            },
            url=page_url("tasks:detail", task.pk),
        )
    return DailyReport(tuple(overdue), tuple(reminded))
