"""Background jobs (long exports, big imports) with visible progress.

A job row is the single source of truth about a piece of background work: who
asked, what, how far it is, and its result file or error. It runs as one task of
Django's tasks framework (`parindex.jobs.runner`); the backend is chosen once for the
project by `PARINDEX_JOB_RUNNER`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    kind = models.CharField(_("loại tác vụ"), max_length=60)
    params = models.JSONField(default=dict)
    title = models.CharField(_("tên"), max_length=200)
    state = models.CharField(max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds while the job runs: a running job whose heartbeat stopped
    # belongs to a worker that died, and `recovery` marks it failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The id of its task in the tasks framework (django-tasks), once enqueued.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
