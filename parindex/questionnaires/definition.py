"""A questionnaire (`parindex.surveys.xlsform.SurveyForm`) as JSON for the database, and back.

The JSON keeps every field of the form, including the spreadsheet rows (so that a check
run later still names the cell) and the column order (so that an export writes the same
sheets). `form_from_json(form_to_json(form)) == form`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from parindex.surveys.xlsform import Choice, Question, SurveyForm


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def form_to_json(form: SurveyForm) -> dict[str, Any]:
    return {
        "questions": [
            {
                "type": q.type,
                "name": q.name,
                "labels": dict(q.labels),
                "required": q.required,
                "relevant": q.relevant,
                "node": q.node,
                "weight": _decimal_text(q.weight),
                "personal": q.personal,
                "extra": dict(q.extra),
                "row": q.row,
            }
            for q in form.questions
        ],
        "choices": {
            list_name: [
                {
                    "name": c.name,
                    "labels": dict(c.labels),
                    "points": _decimal_text(c.points),
                    "weight": _decimal_text(c.weight),
                    "extra": dict(c.extra),
                    "row": c.row,
                }
                for c in items
            ]
            for list_name, items in form.choices.items()
        },
        "settings": dict(form.settings),
        "survey_columns": list(form.survey_columns),
        "choices_columns": list(form.choices_columns),
        "settings_columns": list(form.settings_columns),
        "path": form.path,
    }


def form_from_json(data: Mapping[str, Any]) -> SurveyForm:
    questions = tuple(
        Question(
            type=q["type"],
            name=q["name"],
            labels=dict(q["labels"]),
            required=q["required"],
            relevant=q["relevant"],
            node=q["node"],
            weight=_decimal(q["weight"]),
            personal=q["personal"],
            extra=dict(q["extra"]),
            row=q["row"],
        )
        for q in data["questions"]
    )
    choices = {
        list_name: tuple(
            Choice(
                list_name=list_name,
                name=c["name"],
                labels=dict(c["labels"]),
                points=_decimal(c["points"]),
                weight=_decimal(c["weight"]),
                extra=dict(c["extra"]),
                row=c["row"],
            )
            for c in items
        )
        for list_name, items in data["choices"].items()
    }
    return SurveyForm(
        questions=questions,
        choices=choices,
        settings=dict(data["settings"]),
        survey_columns=tuple(data["survey_columns"]),
        choices_columns=tuple(data["choices_columns"]),
        settings_columns=tuple(data["settings_columns"]),
        path=data.get("path", ""),
    )


_LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)\)\s*$")


def language_column(form: SurveyForm, language_code: str) -> str:
    """The label column for a page language: `English (en)` for "en", else the form's default.

    XLSForm names a label language by a free text ending in its code in brackets.
    """
    wanted = language_code.split("-")[0].lower()
    for column in form.languages:
        match = _LANGUAGE_CODE.search(column)
        if match and match.group(1).split("-")[0].split("_")[0].lower() == wanted:
            return column
    return form.default_language


def label_of(labels: Mapping[str, str], language: str, default: str, fallback: str) -> str:
    """A label in `language`, else in the form's default language, else any, else `fallback`."""
    for key in (language, default):
        if labels.get(key):
            return labels[key]
    return next((text for text in labels.values() if text), fallback)
