from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.criteria.models import CriterionNode, Framework
from parindex.formfields import FileInput


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.yaml hoặc .xlsx)"),
        widget=FileInput(attrs={"accept": ".yaml,.yml,.xlsx"}),
    )
    previous = forms.ModelChoiceField(
        queryset=Framework.objects.all(),
        required=False,
        label=_("Bộ tiêu chí năm trước (để so sánh giữa các năm)"),
    )


class CommaListField(forms.CharField):
    """A list typed as comma-separated text ("quick_win, data")."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return value

    # Cleans the text into a list: a CharField for its text input and checks, so its `to_python`
    # returns what the form's data holds (a list), not the `str` the stubs expect of a CharField.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()]


class NodeForm(forms.ModelForm):
    tags = CommaListField(
        label=_("Nhãn"), required=False, help_text=_("Cách nhau bằng dấu phẩy, ví dụ quick_win.")
    )
    previous_codes = CommaListField(label=_("Mã tương ứng năm trước"), required=False)
    reason = forms.CharField(
        label=_("Lý do sửa"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = CriterionNode
        fields = [
            "title",
            "max_points",
            "rule",
            "rule_params",
            "source",
            "evidence_required",
            "evidence_hint",
            "tags",
            "guidance",
            "previous_codes",
            "indicator",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 3}),
        }


class CloneForm(forms.Form):
    year = forms.IntegerField(label=_("Năm áp dụng"), min_value=2000, max_value=2100)
    code = forms.SlugField(label=_("Mã bộ tiêu chí mới"), max_length=80)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if Framework.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Mã này đã có."))
        return code
