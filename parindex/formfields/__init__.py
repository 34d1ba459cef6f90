"""Form inputs every app shares, so that they look and read the same on every page.

- Dates are typed dd/mm/yyyy (dd/mm/yyyy hh:mm with a time) in a text box with a placeholder
  and a pattern, and parsed with the patterns of `parindex.common.dates`. A browser's
  `<input type=date>` would show its picker in the browser's language and the operating
  system's order (mm/dd/yyyy on an English system).
- A file box shows a Vietnamese button, "Chọn tệp…", and the chosen file's name
  (`parindex/web/static/parindex/app.js` writes it): the browser's own button follows the
  browser's language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from parindex.common.dates import (
    DATE_INPUT_PATTERN,
    DATE_PATTERNS,
    DATETIME_INPUT_PATTERN,
    DATETIME_PATTERNS,
)

__all__ = [
    "DateField",
    "DateInput",
    "DateTimeField",
    "DateTimeInput",
    "FileInput",
    "MultipleFileInput",
    "file_picker",
]


class DateInput(forms.DateInput):
    """A dd/mm/yyyy text box."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "placeholder": "dd/mm/yyyy",
                "pattern": DATE_INPUT_PATTERN,
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "date-input",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


class DateTimeInput(forms.DateTimeInput):
    """A dd/mm/yyyy hh:mm text box."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "placeholder": "dd/mm/yyyy hh:mm",
                "pattern": DATETIME_INPUT_PATTERN,
                "autocomplete": "off",
                "class": "datetime-input",
                **(attrs or {}),
            },
            format="%d/%m/%Y %H:%M",
        )


class DateField(forms.DateField):
    widget = DateInput
    input_formats = list(DATE_PATTERNS)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", list(DATE_PATTERNS))
        # A model field passes the admin's widget; the box is always ours.
        kwargs["widget"] = DateInput(getattr(kwargs.get("widget"), "attrs", None))
        super().__init__(**kwargs)


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = list(DATETIME_PATTERNS)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", list(DATETIME_PATTERNS))
        kwargs["widget"] = DateTimeInput(getattr(kwargs.get("widget"), "attrs", None))
        super().__init__(**kwargs)


def file_picker(input_html: str, input_id: str) -> SafeString:
    """A file box behind a "Chọn tệp…" button and the chosen name ("Chưa chọn tệp" at first).

    The input comes first, so that CSS can show its keyboard focus on the button."""
    return format_html(
        '<span class="filepick">{}<label class="button secondary filepick-button" for="{}">'
        '{}</label> <span class="filepick-name" data-empty="{}">{}</span></span>',
        input_html,
        input_id,
        gettext("Chọn tệp…"),
        gettext("Chưa chọn tệp"),
        gettext("Chưa chọn tệp"),
    )


class FileInput(forms.FileInput):
    """A file box with a Vietnamese button (see `file_picker`)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        attrs = {**(attrs or {}), "class": "filepick-input"}
        attrs.setdefault("id", f"id_{name}")
        return file_picker(super().render(name, value, attrs, renderer), attrs["id"])


class MultipleFileInput(FileInput):
    """Several files in one box (`request.FILES.getlist(name)`)."""

    allow_multiple_selected = True
