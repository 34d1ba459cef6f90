"""Winning points back, in the web: saved rank-gain plans, what-if scenarios, rank intervals,
year-end projections and early warnings, and the province's effort defaults per framework.

The arithmetic is `parindex.planning` (pure) and the engine; these rows keep what was asked
and what came out, so that a page reads them back without computing again. Nothing here is
official data: a plan, a scenario or a projection never changes an entry, a framework or a
published result (docs/planning.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanSettings(models.Model):
    """The province's effort model for one framework: cost per point by rule and by node,
    who is responsible for a node, the Monte Carlo over data-scored rates, the warning
    threshold. Home Affairs edits it (`services.settings_save`)."""

    framework = models.OneToOneField(
        "criteria.Framework",
        on_delete=models.CASCADE,
        related_name="plan_settings",
        verbose_name=_("bộ tiêu chí"),
    )
    rule_costs = models.JSONField(_("công sức mỗi điểm theo quy tắc"), default=dict, blank=True)
    node_costs = models.JSONField(_("công sức mỗi điểm theo mục"), default=dict, blank=True)
    responsible = models.JSONField(_("đơn vị, bộ phận chịu trách nhiệm"), default=dict, blank=True)
    data_uncertainty = models.BooleanField(
        _("tính cả sai số của tỷ lệ chấm từ số liệu"), default=False
    )
    warning_index = models.DecimalField(
        _("ngưỡng cảnh báo (chỉ số)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mô hình công sức")
        verbose_name_plural = _("mô hình công sức")

    def __str__(self) -> str:
        return str(self.framework)


class TargetKind(models.TextChoices):
    RANK = "rank", _("Hạng")
    CLASS = "class", _("Xếp loại")
    POINTS = "points", _("Tổng điểm")


class Plan(models.Model):
    """A saved least-effort plan of one unit in one group: what was asked (target, costs,
    leaves held, the date of the data) and the plan the planner gave then."""

    group = models.ForeignKey(
        "periods.UnitGroup", on_delete=models.PROTECT, related_name="+", verbose_name=_("nhóm")
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    title = models.CharField(_("tên kế hoạch"), max_length=200)
    target_kind = models.CharField(_("loại mục tiêu"), max_length=10, choices=TargetKind.choices)
    target_value = models.CharField(_("mục tiêu"), max_length=60)
    costs = models.JSONField(_("công sức mỗi điểm đơn vị tự đặt"), default=dict, blank=True)
    fixed = models.JSONField(_("mục giữ nguyên"), default=list, blank=True)
    as_of = models.DateField(_("số liệu đến ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    reachable = models.BooleanField(_("đạt được mục tiêu"), default=False)
    needed_total = models.DecimalField(max_digits=14, decimal_places=6, default=0)
    effort = models.DecimalField(_("tổng công sức"), max_digits=14, decimal_places=4, default=0)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    steps = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("tính lúc"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("ngày lập"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("kế hoạch nâng hạng")
        verbose_name_plural = _("kế hoạch nâng hạng")

    def __str__(self) -> str:
        return f"{self.unit} — {self.title}"


class Scenario(models.Model):
    """A named what-if of one group: changes to units' entries or to the framework's maxima,
    applied to copies. Never official data; audited with the object type "scenario"."""

    group = models.ForeignKey(
        "periods.UnitGroup", on_delete=models.CASCADE, related_name="+", verbose_name=_("nhóm")
    )
    name = models.CharField(_("tên kịch bản"), max_length=120)
    description = models.TextField(_("mô tả"), blank=True)
    # [{"type": "set", "unit": "X005", "node": "1.1", "value": "có"},
    #  {"type": "scale", "node": "III", "factor": "1.1"}, {"type": "remove", "node": "12"}]
    changes = models.JSONField(_("thay đổi"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("kịch bản")
        verbose_name_plural = _("kịch bản")
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="scenario_name_in_group")
        ]

    def __str__(self) -> str:
        return self.name


class RankUncertainty(models.Model):
    """The Monte Carlo rank intervals of a group for one version of what they rest on (its
    results, its survey's responses, the settings): `key` is that version's digest."""

    group = models.ForeignKey("periods.UnitGroup", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    computed_at = models.DateTimeField(_("tính lúc"))
    seconds = models.FloatField(default=0)
    draws = models.PositiveIntegerField(default=0)
    seed = models.BigIntegerField(default=0)
    nodes = models.JSONField(default=list)
    sources = models.JSONField(default=dict)  # {"survey": estimates, "data": estimates}
    units = models.JSONField(default=dict)  # unit code → interval, probabilities
    note = models.TextField(blank=True)  # why there is nothing to simulate

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("khoảng hạng")
        verbose_name_plural = _("khoảng hạng")
        constraints = [models.UniqueConstraint(fields=["group", "key"], name="uncertainty_once")]

    def __str__(self) -> str:
        return f"{self.group} — {self.computed_at:%d/%m/%Y %H:%M}"


class ProjectionRun(models.Model):
    """A group's year-end projection from the data up to `as_of` (and, when the year's data
    are complete, its backtest against the year's figures)."""

    group = models.ForeignKey("periods.UnitGroup", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("số liệu đến ngày"))
    computed_at = models.DateTimeField(_("tính lúc"))
    draws = models.PositiveIntegerField(default=0)
    units = models.JSONField(default=dict)  # unit code → projection
    nodes = models.JSONField(default=list)  # the projected nodes, with how each was projected
    backtest = models.JSONField(null=True, blank=True)
    threshold = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-as_of", "-computed_at", "-id"]
        verbose_name = _("dự báo cuối năm")
        verbose_name_plural = _("dự báo cuối năm")
        constraints = [models.UniqueConstraint(fields=["group", "as_of"], name="projection_once")]

    def __str__(self) -> str:
        return f"{self.group} — {self.as_of:%d/%m/%Y}"


class WarningKind(models.TextChoices):
    CLASS_DROP = "class_drop", _("Dự báo tụt xếp loại")
    THRESHOLD = "threshold", _("Dự báo dưới ngưỡng")


class EarlyWarning(models.Model):
    """A unit projected to drop a class (against last year's) or to fall under the threshold."""

    run = models.ForeignKey(ProjectionRun, on_delete=models.CASCADE, related_name="warnings")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại cảnh báo"), max_length=20, choices=WarningKind.choices)
    previous_class = models.CharField(_("xếp loại năm trước"), max_length=60, blank=True)
    projected_class = models.CharField(_("xếp loại dự báo"), max_length=60, blank=True)
    projected_index = models.DecimalField(_("chỉ số dự báo"), max_digits=8, decimal_places=2)
    index_low = models.DecimalField(max_digits=8, decimal_places=2)
    index_high = models.DecimalField(max_digits=8, decimal_places=2)
    probability = models.FloatField(_("xác suất"))
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-probability", "unit__name", "id"]
        verbose_name = _("cảnh báo sớm")
        verbose_name_plural = _("cảnh báo sớm")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit", "kind"], name="warning_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_kind_display()}"
