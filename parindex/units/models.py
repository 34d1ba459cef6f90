"""Units (departments, committees, communes, wards…) with their validity and lineage.

Units are never deleted when the map changes: a commune merged in July 2025 keeps
its row with `valid_to` set, and a `UnitLineage` link points to its successor, so
that its 2024 score can be shown against the new commune.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class UnitType(models.Model):
    """A configurable kind of unit: sở, UBND huyện, xã, phường, đặc khu…"""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=120)
    level = models.CharField(_("cấp"), max_length=20, choices=UnitLevel.choices)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    unit_type = models.ForeignKey(
        UnitType, on_delete=models.PROTECT, related_name="units", verbose_name=_("loại")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Để trống nếu còn hoạt động.")
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["unit_type__position", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The database constraint only says "violated"; this says which date is wrong.
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")}
            )

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_active(self) -> bool:
        return self.valid_to is None


class LineageKind(models.TextChoices):
    MERGED_INTO = "merged_into", _("sáp nhập vào")
    SPLIT_INTO = "split_into", _("chia tách thành")
    RENAMED = "renamed", _("đổi tên thành")


class UnitLineage(models.Model):
    """`predecessor` became (part of) `successor` on `effective_date`."""

    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="successor_links", verbose_name=_("đơn vị cũ")
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="predecessor_links",
        verbose_name=_("đơn vị mới"),
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=LineageKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    is_primary = models.BooleanField(
        _("đơn vị kế thừa chính"),
        default=False,
        help_text=_("Kết quả năm trước của đơn vị cũ này được so sánh trực tiếp với đơn vị mới."),
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        ordering = ["effective_date", "successor__name", "predecessor__name"]
        verbose_name = _("lịch sử đơn vị")
        verbose_name_plural = _("lịch sử đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_lineage_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="unit_lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def clean(self) -> None:
        # The database constraint only says "violated"; this says what is wrong.
        if self.predecessor_id is not None and self.predecessor_id == self.successor_id:
            raise ValidationError({"predecessor": _("Đơn vị cũ phải khác đơn vị mới.")})
