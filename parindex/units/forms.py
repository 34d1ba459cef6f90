from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.formfields import DateField, FileInput
from parindex.units.models import Unit, UnitLineage


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "unit_type", "parent", "valid_from", "valid_to", "email", "notes"]
        # dd/mm/yyyy boxes: the browser's date picker would show the OS locale instead.
        field_classes = {"valid_from": DateField, "valid_to": DateField}


class LineageForm(forms.ModelForm):
    class Meta:
        model = UnitLineage
        fields = ["predecessor", "kind", "effective_date", "is_primary", "legal_basis"]
        field_classes = {"effective_date": DateField}


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"), widget=FileInput(attrs={"accept": ".xlsx"})
    )
