"""Criteria frameworks stored in the database, one row per node.

The database holds exactly what the YAML/Excel formats hold, so that a framework
can be imported, edited while in draft, exported and turned into the engine's
`Framework` (see `selectors.framework_engine`) without losing anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")


class Framework(models.Model):
    code = models.CharField(_("mã"), max_length=80, unique=True)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit_group = models.CharField(_("nhóm đơn vị áp dụng"), max_length=120)
    legal_basis = models.CharField(_("căn cứ ban hành"), max_length=200, blank=True)
    max_total = models.DecimalField(_("tổng điểm tối đa"), max_digits=9, decimal_places=4)
    class_bands = models.JSONField(_("xếp loại"), default=list)
    index_places = models.PositiveSmallIntegerField(_("số chữ số thập phân của chỉ số"), default=2)
    points_places = models.PositiveSmallIntegerField(_("số chữ số thập phân của điểm"), default=4)
    display_places = models.PositiveSmallIntegerField(
        _("số chữ số thập phân của điểm khi hiển thị"), default=2
    )
    status_note = models.TextField(_("ghi chú"), blank=True)
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=FrameworkStatus.choices, default="draft"
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("bộ tiêu chí năm trước"),
    )
    source_name = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class NodeKind(models.TextChoices):
    STANDARD = "standard", _("Tiêu chí")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class NodeSource(models.TextChoices):
    SELF = "self", _("Tự đánh giá, thẩm định")
    SURVEY = "survey", _("Điều tra xã hội học")
    DATA = "data", _("Dữ liệu dịch vụ công")
    SYSTEM = "system", _("Hệ thống (việc gửi tự đánh giá)")


class CriterionNode(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("mã"), max_length=40)
    parent_code = models.CharField(_("mã mục cha"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"))
    depth = models.PositiveSmallIntegerField(_("cấp"), default=1)
    title = models.TextField(_("nội dung"))
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=9, decimal_places=4)
    kind = models.CharField(_("loại"), max_length=20, choices=NodeKind.choices, default="standard")
    rule = models.CharField(_("quy tắc chấm điểm"), max_length=40, blank=True)
    rule_params = models.JSONField(_("tham số quy tắc"), default=dict, blank=True)
    source = models.CharField(
        _("nguồn điểm"), max_length=20, choices=NodeSource.choices, default="self"
    )
    evidence_required = models.BooleanField(_("bắt buộc tài liệu kiểm chứng"), default=False)
    evidence_hint = models.TextField(_("tài liệu kiểm chứng cần có"), blank=True)
    tags = models.JSONField(_("nhãn"), default=list, blank=True)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    previous_codes = models.JSONField(_("mã tương ứng năm trước"), default=list, blank=True)
    alternatives = models.BooleanField(_("các mục con thay thế nhau"), default=False)
    indicator = models.CharField(_("chỉ số dữ liệu"), max_length=80, blank=True)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("mục tiêu chí")
        verbose_name_plural = _("mục tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="node_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"
