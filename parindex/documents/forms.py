"""Forms of the document pages: the written analysis is shown prefilled and edited before the
Word file is made."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung phân tích (sửa trước khi xuất; các đoạn cách nhau bởi một dòng trống)"),
        widget=forms.Textarea(attrs={"rows": 16, "lang": "vi"}),
        max_length=50000,
    )


class SelfReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Kết quả tự đánh giá (tóm tắt)"),
        widget=forms.Textarea(attrs={"rows": 5, "lang": "vi"}),
        max_length=20000,
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )
    proposals = forms.CharField(
        label=_("Đề xuất, kiến nghị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )
