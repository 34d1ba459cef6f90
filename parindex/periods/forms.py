from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.criteria.models import Framework
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, UnitGroup
from parindex.units.models import Unit


class DateTimeInput(forms.DateTimeInput):
    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"})


class DateInput(forms.DateInput):
    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


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
        widgets = {
            "self_assessment_opens": DateTimeInput(),
            "self_assessment_closes": DateTimeInput(),
            "explanation_closes": DateTimeInput(),
            "appraisal_closes": DateTimeInput(),
            "publication_date": DateInput(),
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
        widgets = {"closes_at": DateTimeInput(), "reason": forms.Textarea(attrs={"rows": 2})}
