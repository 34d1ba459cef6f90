"""National PAR INDEX tables imported from the Ministry's published results.

A `NationalTable` is one upload (the long-form CSV/XLSX the command line reads, see
docs/national-report.md) with where it comes from; its validated rows are stored one per
year, province and area (`NationalRow`), in the file's order, so that the analysis reads them
back exactly as `parindex.national.read_results` would.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NationalTable(models.Model):
    name = models.CharField(_("tên tệp"), max_length=255)
    source = models.TextField(
        _("nguồn số liệu"),
        help_text=_("Văn bản, trang tin công bố bảng kết quả (ví dụ: Quyết định số …/QĐ-BNV)."),
    )
    is_example = models.BooleanField(
        _("số liệu ví dụ"),
        default=False,
        help_text=_("Bảng có số liệu sinh minh họa: mọi trang và văn bản đều ghi rõ."),
    )
    years = models.JSONField(_("các năm"), default=list)
    units = models.PositiveIntegerField(_("số tỉnh, thành phố"), default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("ngày nhập"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bảng kết quả Chỉ số CCHC cấp tỉnh")
        verbose_name_plural = _("bảng kết quả Chỉ số CCHC cấp tỉnh")

    def __str__(self) -> str:
        return self.name


class NationalRow(models.Model):
    table = models.ForeignKey(NationalTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    location = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=120)
    area = models.CharField(max_length=40)
    area_name = models.CharField(max_length=300, blank=True)
    points = models.DecimalField(max_digits=12, decimal_places=6)
    max_points = models.DecimalField(max_digits=12, decimal_places=6)
    published_percent = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    published_rank = models.PositiveIntegerField(null=True, blank=True)
    published_area_rank = models.PositiveIntegerField(null=True, blank=True)
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["table", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "year", "unit", "area"], name="national_row_once"
            )
        ]
