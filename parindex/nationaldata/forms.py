from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.formfields import FileInput


class NationalTableForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp kết quả (CSV hoặc XLSX, dạng dài: năm, tỉnh, lĩnh vực, điểm)"),
        widget=FileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    source = forms.CharField(
        label=_("Nguồn số liệu"),
        max_length=1000,
        help_text=_("Văn bản hoặc trang tin công bố bảng, ví dụ: Quyết định số …/QĐ-BNV ngày …"),
    )
    is_example = forms.BooleanField(
        label=_("Bảng có số liệu sinh minh họa (không phải số liệu chính thức)"), required=False
    )


class NationalViewForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)
    compare = forms.TypedChoiceField(label=_("So với năm"), coerce=int, required=False)
    target = forms.IntegerField(label=_("Hạng mục tiêu"), min_value=1, required=False)

    def __init__(self, *args: object, years: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(year, str(year)) for year in sorted(years, reverse=True)]
        self.fields["year"].choices = choices  # type: ignore[attr-defined]
        self.fields["compare"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
