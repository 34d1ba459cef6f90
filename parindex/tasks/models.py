"""Tasks (giao việc): what a province assigns after its results, and how each is followed up.

A `Task` gives a unit (optionally one of its people) the work on some criteria (framework node
codes, in the framework that gave rise to the task) or Decision 766 indicators, by an assigning
document, with a deadline. Its status moves new → in progress → done, or is cancelled; the
daily check (`services.tasks_daily`) marks it overdue when its deadline has passed. The unit
reports progress with `TaskUpdate`s and evidence files (`TaskEvidence`, checked by content as
assessment evidence is). Every change goes through `parindex.tasks.services`, which audits it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    NEW = "new", _("Mới giao")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    OVERDUE = "overdue", _("Quá hạn")
    CANCELLED = "cancelled", _("Đã hủy")


# Statuses of a task still to be done (the overdue board, reminders, progress reports).
OPEN_STATUSES = (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.OVERDUE)


class TaskPriority(models.TextChoices):
    HIGH = "high", _("Cao")
    NORMAL = "normal", _("Trung bình")
    LOW = "low", _("Thấp")


class TaskSource(models.TextChoices):
    MANUAL = "manual", _("Giao trực tiếp")
    APPRAISAL = "appraisal", _("Kết luận thẩm định")
    DOSSIER = "dossier", _("Phân tích hồ sơ TTHC")
    PLAN = "plan", _("Kế hoạch cải thiện")
    WARNING = "warning", _("Cảnh báo sớm")
    NATIONAL = "national", _("Thẩm định Chỉ số CCHC cấp tỉnh")


class Task(models.Model):
    title = models.CharField(_("nội dung công việc"), max_length=300)
    description = models.TextField(_("yêu cầu cụ thể"), blank=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("đơn vị")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        verbose_name=_("người thực hiện"),
    )
    # What the task addresses: criteria of `framework` (node codes) and/or 766 indicators.
    node_codes = models.JSONField(_("tiêu chí"), default=list, blank=True)
    indicator_keys = models.JSONField(_("chỉ số QĐ 766"), default=list, blank=True)
    framework = models.ForeignKey(
        "criteria.Framework",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bộ tiêu chí"),
    )
    period = models.ForeignKey(
        "periods.AssessmentPeriod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kỳ đánh giá"),
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_kind = models.CharField(
        _("nguồn"), max_length=20, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    # What the task was made from, e.g. "entry:123", "dossier:late:X001:P004" (one open task
    # per source and unit).
    source_ref = models.CharField(max_length=200, blank=True)
    source_detail = models.JSONField(default=dict, blank=True)
    document_number = models.CharField(_("số văn bản giao việc"), max_length=80, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    priority = models.CharField(
        _("mức ưu tiên"), max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NEW
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    # The deadline a reminder was last sent for: the daily check reminds once per deadline.
    reminded_for = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người giao"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TaskUpdate(models.Model):
    """A progress report of the assigned unit (or a status change by Home Affairs)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField(_("nội dung báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=TaskStatus.choices)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")

    def __str__(self) -> str:
        return f"{self.task} — {self.progress}%"


class TaskEvidence(models.Model):
    """A file proving progress, stored once per task under a generated name (as evidence of
    assessments: content-checked by `assessments.evidence.check_upload`)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="evidence")
    update = models.ForeignKey(
        TaskUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(_("tệp"), upload_to="tasks/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("tài liệu kết quả")
        verbose_name_plural = _("tài liệu kết quả")
        constraints = [
            models.UniqueConstraint(fields=["task", "sha256"], name="task_evidence_once")
        ]

    def __str__(self) -> str:
        return self.original_name
