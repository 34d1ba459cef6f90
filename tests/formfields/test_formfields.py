"""Dates are typed dd/mm/yyyy in text boxes on every form (never the browser's date picker,
which follows the browser's language), parsed with the project's patterns; file boxes carry
a Vietnamese "Chọn tệp…" button."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone

import parindex
from parindex.formfields import DateField, DateTimeField, FileInput, MultipleFileInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Dates(forms.Form):
    day = DateField(required=False)
    moment = DateTimeField(required=False)
    upload = forms.FileField(required=False, widget=FileInput(attrs={"accept": ".pdf"}))
    uploads = forms.FileField(required=False, widget=MultipleFileInput)


@pytest.mark.parametrize("typed", ["05/03/2025", "5/3/2025", " 05/03/2025 ", "2025-03-05"])
def test_a_date_is_read_as_dd_mm_yyyy(typed: str) -> None:
    form = Dates({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2025, 3, 5)


@pytest.mark.parametrize("typed", ["03/15/2025", "2025/03/05", "mai"])
def test_a_date_in_another_order_is_refused(typed: str) -> None:
    form = Dates({"day": typed})
    assert not form.is_valid()
    assert "day" in form.errors


def test_a_date_and_time_is_read_in_the_province_time() -> None:
    form = Dates({"moment": "10/12/2025 17:00"})
    assert form.is_valid(), form.errors
    moment = form.cleaned_data["moment"]
    assert moment == datetime.datetime(2025, 12, 10, 17, tzinfo=TZ)
    assert timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") == "10/12/2025 17:00"


def test_the_boxes_are_text_boxes_with_a_placeholder_and_a_pattern() -> None:
    form = Dates(initial={"day": datetime.date(2025, 3, 5)})
    day = str(form["day"])
    assert 'type="text"' in day
    assert 'value="05/03/2025"' in day
    assert 'placeholder="dd/mm/yyyy"' in day
    assert "pattern=" in day
    moment = str(form["moment"])
    assert 'type="text"' in moment
    assert 'placeholder="dd/mm/yyyy hh:mm"' in moment


def test_a_file_box_has_a_vietnamese_button_and_shows_the_chosen_name() -> None:
    form = Dates()
    upload = str(form["upload"])
    assert '<label class="button secondary filepick-button" for="id_upload">Chọn tệp…</label>' in (
        upload
    )
    assert 'class="filepick-name" data-empty="Chưa chọn tệp"' in upload
    assert 'accept=".pdf"' in upload
    assert "multiple" in str(form["uploads"])


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module in pkgutil.walk_packages(parindex.__path__, "parindex."):
        if not module.name.endswith(".forms"):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == loaded.__name__
            ):
                found.append(value)
    return found


def test_no_form_of_the_project_asks_for_a_date_with_the_browsers_picker() -> None:
    classes = _form_classes()
    assert len(classes) > 20
    pickers = []
    for form_class in classes:
        for name, field in form_class.base_fields.items():
            widget = field.widget
            if getattr(widget, "input_type", "") in ("date", "datetime-local") or widget.attrs.get(
                "type"
            ) in ("date", "datetime-local"):
                pickers.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
            if isinstance(field, forms.DateField | forms.DateTimeField):
                assert "dd/mm/yyyy" in widget.attrs.get("placeholder", ""), (form_class, name)
    assert pickers == []


def test_no_template_writes_a_date_picker_or_a_bare_file_box() -> None:
    from pathlib import Path

    root = Path(parindex.__file__).parent
    found = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if 'type="date"' in text or 'type="datetime-local"' in text:
            found.append(f"{template}: date picker")
        if 'type="file"' in text and "filepick" not in text:
            found.append(f"{template}: file box without the Vietnamese button")
    assert found == []
