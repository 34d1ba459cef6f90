from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.criteria.models import Framework
from parindex.formfields import DateField, DateTimeField
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, UnitGroup
from parindex.units.models import Unit


class PeriodForm(forms.ModelForm):
    class Meta:
        model = AssessmentPeriod
        fields = [
            "year",
            "name",
            "status",
            "self_assessment_opens",
            "self_assessment_closes",
            "explanation_closes",
            "appraisal_closes",
            "publication_date",
        ]
        # dd/mm/yyyy boxes, never the browser's date picker (parindex/formfields).
        field_classes = {
            "self_assessment_opens": DateTimeField,
            "self_assessment_closes": DateTimeField,
            "explanation_closes": DateTimeField,
            "appraisal_closes": DateTimeField,
            "publication_date": DateField,
        }


class GroupForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.select_related("unit_type").filter(valid_to__isnull=True),
        widget=forms.SelectMultiple(attrs={"size": 14}),
        label=_("Đơn vị trong nhóm"),
    )

    class Meta:
        model = UnitGroup
        fields = ["code", "name", "framework", "position", "units"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework = self.fields["framework"]
        assert isinstance(framework, forms.ModelChoiceField)
        framework.queryset = Framework.objects.order_by("-year", "name")


class ExtensionForm(forms.ModelForm):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(valid_to__isnull=True), label=_("Đơn vị")
    )

    class Meta:
        model = DeadlineExtension
        fields = ["unit", "closes_at", "reason"]
        field_classes = {"closes_at": DateTimeField}
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
