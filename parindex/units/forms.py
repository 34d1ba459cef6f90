from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.units.models import Unit, UnitLineage


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input; the browser's date picker would show the OS locale instead."""

    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "unit_type", "parent", "valid_from", "valid_to", "email", "notes"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}


class LineageForm(forms.ModelForm):
    class Meta:
        model = UnitLineage
        fields = ["predecessor", "kind", "effective_date", "is_primary", "legal_basis"]
        widgets = {"effective_date": DateInput()}


class UnitImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
