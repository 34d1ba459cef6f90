"""Sociological surveys in the web platform: questionnaires, sampling targets, invitations,
responses and the appraisers' review decisions.

A `Survey` scores the survey-sourced nodes of one framework in one period; its units are
the members of the period's unit groups that use that framework. The questionnaire is an
XLSForm (the uploaded file is kept, its parsed definition is stored as JSON). Responses
hold only what the form asks (answers keyed by field name) plus what the integrity rules
need, never a name, an address or an account of the respondent: the open link keeps a
salted hash of the address and browser, an import a salted hash of the device id.

Nothing about a response is ever deleted: an appraiser's exclusion or reinstatement is a
`ResponseReview` row (append-only, also in the audit trail); `Response.excluded` is the
status derived from the integrity flags and those decisions (`services.survey_check`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    OPEN = "open", _("Đang thu phiếu")
    CLOSED = "closed", _("Đã kết thúc thu phiếu")


class Channel(models.TextChoices):
    WEB = "web", _("Đường dẫn mở")
    TOKEN = "token", _("Thư mời (mã dùng một lần)")
    STAFF = "staff", _("Nhập từ phiếu giấy")
    IMPORT = "import", _("Nhập từ ODK/KoboToolbox")


CONFIDENCE_CHOICES = [
    (Decimal("0.90"), "90 %"),
    (Decimal("0.95"), "95 %"),
    (Decimal("0.99"), "99 %"),
]


class Survey(models.Model):
    period = models.ForeignKey(
        "periods.AssessmentPeriod",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("kỳ đánh giá"),
    )
    framework = models.ForeignKey(
        "criteria.Framework",
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("bộ tiêu chí được chấm"),
    )
    name = models.CharField(_("tên cuộc điều tra"), max_length=200)
    form_file = models.FileField(_("tệp biểu mẫu XLSForm"), upload_to="surveys/forms/%Y/")
    form_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    form_id = models.CharField(_("mã biểu mẫu"), max_length=100, blank=True)
    form_version = models.CharField(_("phiên bản biểu mẫu"), max_length=60, blank=True)
    definition = models.JSONField(_("nội dung biểu mẫu"), default=dict)
    # [{code, label, weight}] read from the form (its respondent-group list or setting).
    respondent_groups = models.JSONField(_("nhóm người trả lời và trọng số"), default=list)
    confidence = models.DecimalField(
        _("độ tin cậy"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.95"),
        choices=CONFIDENCE_CHOICES,
    )
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=SurveyState.choices, default=SurveyState.DRAFT
    )
    open_link_enabled = models.BooleanField(_("cho phép đường dẫn mở"), default=False)
    open_link_rate_limit = models.PositiveSmallIntegerField(
        _("số phiếu tối đa mỗi giờ từ một nguồn (đường dẫn mở)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    # Key of the salted hashes of sources (address + browser, device ids); never shown.
    salt = models.CharField(max_length=64, editable=False)
    integrity_checked_at = models.DateTimeField(_("kiểm tra phiếu lần cuối"), null=True, blank=True)
    applied_at = models.DateTimeField(_("chuyển điểm vào hồ sơ lần cuối"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period__year", "name"]
        verbose_name = _("cuộc điều tra xã hội học")
        verbose_name_plural = _("cuộc điều tra xã hội học")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == SurveyState.OPEN

    @property
    def confidence_percent(self) -> int:
        return int(self.confidence * 100)

    def group_label(self, code: str) -> str:
        for group in self.respondent_groups:
            if group["code"] == code:
                return str(group["label"])
        return code


class SamplingTarget(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    respondent_group = models.CharField(_("nhóm người trả lời"), max_length=60)
    target = models.PositiveIntegerField(_("số phiếu cần thu"))
    population = models.PositiveIntegerField(
        _("tổng thể (nếu biết)"),
        null=True,
        blank=True,
        help_text=_("Số người của nhóm tại đơn vị; dùng để hiệu chỉnh sai số với tổng thể nhỏ."),
    )

    class Meta:
        ordering = ["survey", "unit__name", "respondent_group"]
        verbose_name = _("chỉ tiêu mẫu")
        verbose_name_plural = _("chỉ tiêu mẫu")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "unit", "respondent_group"], name="one_target_per_stratum"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.respondent_group}: {self.target}"


class ImportBatch(models.Model):
    """One imported ODK/KoboToolbox export file."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="batches")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    read = models.PositiveIntegerField(_("số dòng đọc"))
    imported = models.PositiveIntegerField(_("số phiếu nhập"))
    already_present = models.PositiveIntegerField(_("số phiếu đã có"))
    # Stored responses replaced by their edited version (same submission, new instanceID).
    replaced = models.PositiveIntegerField(_("số phiếu thay bằng bản sửa"), default=0)
    rejected = models.PositiveIntegerField(_("số dòng bỏ qua"), default=0)
    ignored_columns = models.JSONField(_("cột không thuộc biểu mẫu (không lưu)"), default=list)
    imported_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("lần nhập phiếu")
        verbose_name_plural = _("lần nhập phiếu")

    def __str__(self) -> str:
        return self.file_name


class Invitation(models.Model):
    """A one-time link for one respondent of a unit and group. Only the SHA-256 of the token
    is stored; the link itself is shown once, when the invitation is created."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    respondent_group = models.CharField(_("nhóm người trả lời"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("ký tự đầu của mã"), max_length=8)
    expires_at = models.DateTimeField(_("hết hạn"))
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("thư mời trả lời")
        verbose_name_plural = _("thư mời trả lời")
        indexes = [models.Index(fields=["survey", "unit", "respondent_group"])]

    def __str__(self) -> str:
        return f"{self.unit} / {self.respondent_group} ({self.hint}…)"


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    respondent_group = models.CharField(_("nhóm người trả lời"), max_length=60)
    channel = models.CharField(_("kênh thu"), max_length=10, choices=Channel.choices)
    answers = models.JSONField(_("câu trả lời"), default=dict)
    form_version = models.CharField(max_length=60, blank=True)
    # The submission's own id, kept through edits: ODK Central's KEY (its first instanceID),
    # KoboToolbox's rootUuid or _uuid; "paper:<number>" for a typed paper form, a random id
    # for the web. The duplicate-submission rule compares these.
    submission_id = models.CharField(max_length=100, db_index=True)
    # The version stored (imports): the instanceID of the latest version imported. An edit
    # in ODK Central keeps the KEY and gives a new instanceID; its re-export replaces the
    # answers here (`services.imports`). "" for the web and paper channels, and for
    # responses imported before versions were kept (their version is then taken to be the
    # submission id, as for a submission never edited).
    version_id = models.CharField(_("phiên bản phiếu"), max_length=100, blank=True)
    # The versions this response held before, replaced by edits: an older export imported
    # later is counted as already present, never put back.
    earlier_versions = models.JSONField(default=list, blank=True)
    # Repeat groups (imports only): {repeat key: [entry, …]}, each entry its answers by
    # field key and its nested repeats' entries. Stored and exported, never scored.
    repeats = models.JSONField(_("nhóm lặp"), default=dict, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm gửi"), db_index=True)
    source_hash = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(_("cảnh báo"), default=list, blank=True)
    excluded = models.BooleanField(_("bị loại"), default=False)
    # Why it is excluded or not: "rule:<rule>", "appraiser" or "".
    status_basis = models.CharField(max_length=60, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập phiếu giấy"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "submitted_at", "id"]
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        indexes = [
            models.Index(fields=["survey", "unit", "respondent_group"]),
            models.Index(fields=["survey", "channel", "source_hash", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="token") | Q(invitation__isnull=False),
                name="token_response_has_invitation",
            )
        ]

    def __str__(self) -> str:
        return gettext("Phiếu %(number)s (%(unit)s)") % {"number": self.pk, "unit": self.unit}

    @property
    def flag_rules(self) -> list[str]:
        return [flag["rule"] for flag in self.flags]


class ReviewAction(models.TextChoices):
    EXCLUDE = "exclude", _("Loại phiếu")
    REINSTATE = "reinstate", _("Khôi phục phiếu")


class ResponseReview(models.Model):
    """An appraiser's decision on one response. Append-only: a later decision overrides an
    earlier one, nothing is changed or removed."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="reviews")
    action = models.CharField(_("quyết định"), max_length=10, choices=ReviewAction.choices)
    reason = models.TextField(_("lý do"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("quyết định về phiếu")
        verbose_name_plural = _("quyết định về phiếu")

    def __str__(self) -> str:
        return gettext("%(action)s phiếu %(number)s") % {
            "action": self.get_action_display(),
            "number": self.response_id,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("review decisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("review decisions are append-only")
