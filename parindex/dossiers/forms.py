"""Forms of the service-data pages: uploads and the filters of the dashboard and drill-down."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.formfields import DateField, FileInput
from parindex.servicedata import load_mapping, shipped_mappings
from parindex.servicedata.importer import SUPPORTED_SUFFIXES

from .selectors import GRAINS, GROUPINGS

UPLOADED_MAPPING = "__upload__"


def mapping_choices() -> list[tuple[str, str]]:
    """The shipped mappings by their labels, then "an uploaded mapping file"."""
    choices = []
    for name, path in shipped_mappings().items():
        mapping = load_mapping(path)
        choices.append((name, f"{mapping.label or name} ({name})"))
    choices.append((UPLOADED_MAPPING, str(_("Tệp ánh xạ YAML tải lên bên dưới"))))
    return choices


class DossierUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp xuất hồ sơ"),
        help_text=_("CSV, XLSX, Parquet hoặc JSON Lines từ hệ thống một cửa điện tử."),
        widget=FileInput(attrs={"accept": ",".join(SUPPORTED_SUFFIXES)}),
    )
    mapping = forms.ChoiceField(label=_("Ánh xạ cột"), choices=())
    mapping_file = forms.FileField(
        label=_("Tệp ánh xạ YAML"),
        required=False,
        help_text=_(
            "Chỉ khi chọn «tệp ánh xạ tải lên»: chép một ánh xạ có sẵn rồi sửa theo tệp xuất."
        ),
        widget=FileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self.fields["mapping"]
        assert isinstance(mapping, forms.ChoiceField)
        mapping.choices = mapping_choices()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUPPORTED_SUFFIXES):
            raise forms.ValidationError(
                _("Không đọc được loại tệp này; cần một trong: %(kinds)s")
                % {"kinds": ", ".join(SUPPORTED_SUFFIXES)}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mapping") == UPLOADED_MAPPING and not cleaned.get("mapping_file"):
            self.add_error("mapping_file", _("Hãy chọn tệp ánh xạ YAML."))
        return cleaned


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp số liệu"),
        help_text=_(
            "CSV hoặc XLSX, các cột: unit, indicator, period, numerator, denominator hoặc value."
        ),
        widget=FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class RangeForm(forms.Form):
    """A date range; both ends optional (the latest year with data by default)."""

    start = DateField(label=_("Từ ngày"), required=False)
    end = DateField(label=_("Đến ngày"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned

    def range(self, default: tuple[date, date]) -> tuple[date, date]:
        """The chosen range, the default for what is left blank or invalid (and shown)."""
        if not self.is_bound:
            self.initial.update(start=default[0], end=default[1])
        if not self.is_valid():
            return default
        start = self.cleaned_data.get("start") or default[0]
        end = self.cleaned_data.get("end") or default[1]
        return start, end


class DashboardForm(RangeForm):
    grouping = forms.ChoiceField(
        label=_("Tổng hợp theo"), choices=list(GROUPINGS.items()), required=False
    )
    grain = forms.ChoiceField(label=_("Kỳ"), choices=list(GRAINS.items()), required=False)


class DrilldownForm(RangeForm):
    limit = forms.TypedChoiceField(
        label=_("Số mục mỗi danh sách"),
        choices=[(10, "10"), (20, "20"), (50, "50")],
        coerce=int,
        required=False,
    )
