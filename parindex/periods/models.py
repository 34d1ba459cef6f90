"""Assessment periods (kỳ đánh giá), their unit groups and deadlines.

A period is one year's assessment. Each unit group in it (departments, communes…)
has its own framework and its own ranking. Deadlines can be extended per unit.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    PLANNED = "planned", _("Chuẩn bị")
    OPEN = "open", _("Đang tự đánh giá")
    APPRAISAL = "appraisal", _("Đang thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class AssessmentPeriod(models.Model):
    year = models.PositiveSmallIntegerField(_("năm đánh giá"), unique=True)
    name = models.CharField(_("tên kỳ đánh giá"), max_length=200)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PeriodStatus.choices, default="planned"
    )
    self_assessment_opens = models.DateTimeField(_("mở tự đánh giá"))
    self_assessment_closes = models.DateTimeField(_("hạn tự đánh giá"))
    explanation_closes = models.DateTimeField(_("hạn giải trình"))
    appraisal_closes = models.DateTimeField(_("hạn thẩm định"))
    publication_date = models.DateField(_("ngày công bố dự kiến"))
    decision_number = models.CharField(_("số quyết định công bố"), max_length=80, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(self_assessment_closes__gt=models.F("self_assessment_opens"))
                & Q(explanation_closes__gte=models.F("self_assessment_closes"))
                & Q(appraisal_closes__gte=models.F("explanation_closes")),
                name="period_deadlines_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The database constraint only says "violated"; this names the deadline that is wrong.
        order = [
            ("self_assessment_opens", "self_assessment_closes", True),
            ("self_assessment_closes", "explanation_closes", False),
            ("explanation_closes", "appraisal_closes", False),
        ]
        messages = {
            "self_assessment_closes": _("Hạn tự đánh giá phải sau ngày mở tự đánh giá."),
            "explanation_closes": _("Hạn giải trình không được trước hạn tự đánh giá."),
            "appraisal_closes": _("Hạn thẩm định không được trước hạn giải trình."),
        }
        errors = {}
        for earlier, later, strictly in order:
            first, second = getattr(self, earlier), getattr(self, later)
            if first is None or second is None:
                continue
            if second < first or (strictly and second == first):
                errors[later] = messages[later]
        if errors:
            raise ValidationError(errors)


class UnitGroup(models.Model):
    period = models.ForeignKey(
        AssessmentPeriod, on_delete=models.CASCADE, related_name="groups", verbose_name=_("kỳ")
    )
    code = models.SlugField(_("mã nhóm"), max_length=40)
    name = models.CharField(_("tên nhóm"), max_length=200)
    framework = models.ForeignKey(
        "criteria.Framework",
        on_delete=models.PROTECT,
        related_name="unit_groups",
        verbose_name=_("bộ tiêu chí"),
    )
    units = models.ManyToManyField(
        "units.Unit", related_name="unit_groups", blank=True, verbose_name=_("đơn vị")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["period", "position", "name"]
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="group_code_unique_in_period")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period.year})"


class DeadlineExtension(models.Model):
    period = models.ForeignKey(
        AssessmentPeriod, on_delete=models.CASCADE, related_name="extensions"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="extensions")
    closes_at = models.DateTimeField(_("hạn tự đánh giá mới"))
    reason = models.TextField(_("lý do"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("ngày gia hạn"), auto_now_add=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")

    def __str__(self) -> str:
        return f"{self.unit} → {self.closes_at:%d/%m/%Y}"


def self_assessment_deadline(
    period: AssessmentPeriod, extension: DeadlineExtension | None
) -> datetime.datetime:
    """The unit's own closing time: the latest of the period's and its extension's."""
    if extension is not None and extension.closes_at > period.self_assessment_closes:
        return extension.closes_at
    return period.self_assessment_closes


class PublishedResult(models.Model):
    """A unit's published result in a period: the frozen figures the province announced.

    Written once at publication; a later correction is a new row with `amends` set.
    """

    period = models.ForeignKey(
        AssessmentPeriod, on_delete=models.PROTECT, related_name="published_results"
    )
    group = models.ForeignKey(UnitGroup, on_delete=models.PROTECT, related_name="published_results")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="published_results"
    )
    total = models.DecimalField(_("tổng điểm"), max_digits=9, decimal_places=4)
    max_total = models.DecimalField(_("điểm tối đa"), max_digits=9, decimal_places=4)
    index = models.DecimalField(_("chỉ số"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("thứ hạng"))
    ranked_units = models.PositiveIntegerField(_("số đơn vị xếp hạng"))
    class_label = models.CharField(_("xếp loại"), max_length=40, blank=True)
    areas = models.JSONField(_("điểm theo lĩnh vực"), default=list)
    published_at = models.DateTimeField(_("ngày công bố"))
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    amendment_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        ordering = ["period", "group", "rank", "unit__name"]
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")

    def __str__(self) -> str:
        return f"{self.unit} {self.period.year}: {self.index}"
