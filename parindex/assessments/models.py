"""Self-assessment, evidence, appraisal, explanation rounds, approval and notifications.

One `Assessment` per unit and period; one `NodeEntry` per framework leaf the unit
has touched, holding the unit's entry (self) and the appraiser's (appraised) side
by side. Evidence documents are stored once per unit and period (by SHA-256) and
linked to as many nodes as they support. Every change goes through
`parindex.assessments.services`, which audits it; `version` fields give optimistic
locking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.assessments.workflow import STATE_LABELS, State

STATE_CHOICES = [(state.value, label) for state, label in STATE_LABELS.items()]


class Submission(models.TextChoices):
    """How the unit sent its self-assessment; blank until it did (or did not, past its
    deadline). `late`: after the period's deadline, inside the unit's extension."""

    ON_TIME = "on_time", _("Gửi đúng hạn")
    LATE = "late", _("Gửi muộn")
    NOT_SUBMITTED = "not_submitted", _("Không gửi")


class Assessment(models.Model):
    period = models.ForeignKey(
        "periods.AssessmentPeriod", on_delete=models.PROTECT, related_name="assessments"
    )
    group = models.ForeignKey(
        "periods.UnitGroup", on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(
        _("trạng thái"), max_length=30, choices=STATE_CHOICES, default=State.DRAFT.value
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission = models.CharField(
        _("gửi tự đánh giá"), max_length=20, choices=Submission.choices, blank=True
    )
    # The appraiser who started the appraisal (or took the unit in without its submission).
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thẩm định viên"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "group", "unit__name"]
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"], name="one_assessment_per_unit_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period.year}"


class AdjustmentReason(models.TextChoices):
    NO_EVIDENCE = "no_evidence", _("Không có hoặc thiếu tài liệu kiểm chứng")
    EVIDENCE_MISMATCH = "evidence_mismatch", _("Tài liệu không khớp với điểm tự chấm")
    WRONG_FIGURES = "wrong_figures", _("Số liệu không chính xác")
    OUT_OF_PERIOD = "out_of_period", _("Kết quả ngoài kỳ đánh giá")
    LATE = "late", _("Thực hiện không đúng thời hạn")
    MISAPPLIED_RULE = "misapplied_rule", _("Áp dụng sai hướng dẫn chấm")
    NOT_SUBMITTED = "not_submitted", _("Đơn vị không gửi tự đánh giá; chấm theo tài liệu có được")
    OTHER = "other", _("Lý do khác")


class NodeEntry(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    node_code = models.CharField(_("mã mục"), max_length=40)
    # The unit's side.
    self_values = models.JSONField(_("giá trị tự chấm"), null=True, blank=True)
    self_points = models.DecimalField(
        _("điểm tự chấm"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    self_explanation = models.TextField(_("diễn giải điểm tự chấm"), blank=True)
    note = models.TextField(_("ghi chú của đơn vị"), blank=True)
    written_explanation = models.TextField(
        _("giải trình thay tài liệu kiểm chứng"),
        blank=True,
        help_text=_("Khi không có tài liệu kiểm chứng, đơn vị giải trình bằng văn bản."),
    )
    # The appraiser's side.
    appraised_values = models.JSONField(_("giá trị thẩm định"), null=True, blank=True)
    appraised_points = models.DecimalField(
        _("điểm thẩm định"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    appraised_explanation = models.TextField(_("diễn giải điểm thẩm định"), blank=True)
    explanation_accepted = models.BooleanField(
        _("chấp nhận giải trình thay tài liệu"), default=False
    )
    reason_code = models.CharField(
        _("lý do điều chỉnh"), max_length=30, choices=AdjustmentReason.choices, blank=True
    )
    appraiser_comment = models.TextField(_("nhận xét thẩm định"), blank=True)
    finalised = models.BooleanField(_("đã chốt"), default=False)
    # Where a survey- or data-sourced value came from (survey, sample, interval; indicator snapshot).
    provenance = models.JSONField(_("nguồn số liệu"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = _("điểm theo mục")
        verbose_name_plural = _("điểm theo mục")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node_code"], name="one_entry_per_node")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.node_code}"


class EvidenceDocument(models.Model):
    """An uploaded file, stored once per unit and period under a generated name."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="evidence")
    period = models.ForeignKey(
        "periods.AssessmentPeriod", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "sha256"], name="evidence_once_per_unit_period"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class EvidenceLink(models.Model):
    """A document cited for one node, with the page or section where the proof is."""

    entry = models.ForeignKey(NodeEntry, on_delete=models.CASCADE, related_name="evidence_links")
    document = models.ForeignKey(EvidenceDocument, on_delete=models.PROTECT, related_name="links")
    location = models.CharField(_("trang/mục"), max_length=200, blank=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["linked_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "document"], name="evidence_linked_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.entry.node_code}"


class ExplanationRequest(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="explanation_requests"
    )
    message = models.TextField(_("nội dung yêu cầu"), blank=True)
    deadline = models.DateTimeField(_("hạn giải trình"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("ngày đơn vị gửi giải trình"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")

    def __str__(self) -> str:
        return f"{self.assessment} ({self.created_at:%d/%m/%Y})"


class ExplanationItem(models.Model):
    request = models.ForeignKey(ExplanationRequest, on_delete=models.CASCADE, related_name="items")
    node_code = models.CharField(_("mã mục"), max_length=40)
    question = models.TextField(_("câu hỏi"))
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "id"]


class GroupApproval(models.Model):
    """The council's sign-off of one unit group's appraised results."""

    group = models.ForeignKey(
        "periods.UnitGroup", on_delete=models.PROTECT, related_name="approvals"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["-approved_at"]


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The text in the default language (Vietnamese), as e-mailed. `message_id` is the same
    # sentence untranslated, with %(name)s placeholders filled from `message_params`, so that
    # each reader sees it in the language of the page (`text`).
    message = models.CharField(_("nội dung"), max_length=300)
    message_id = models.CharField(max_length=300, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The message in the active language: the catalogue's translation of `message_id`
        with its parameters, else the stored text (a notification written without an id)."""
        if self.message_id:
            try:
                return (gettext(self.message_id) % self.message_params)[:300]
            except (KeyError, TypeError, ValueError):
                pass
        return self.message
