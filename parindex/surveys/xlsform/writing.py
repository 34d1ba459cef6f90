"""Writing a form back as an XLSForm workbook; reading what it wrote gives an equal form
(every column kept).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from parindex.surveys.xlsform.form import Choice, Question, SurveyForm
from parindex.surveys.xlsform.sheets import setting_key, split_header


def _number_cell(value: Decimal | None) -> int | float | str:
    if value is None:
        return ""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _label_header(language: str) -> str:
    return f"label::{language}" if language else "label"


def _question_cells(question: Question) -> dict[str, Any]:
    cells: dict[str, Any] = {
        "type": question.type,
        "name": question.name,
        "required": question.required,
        "relevant": question.relevant,
        "node": question.node,
        "weight": _number_cell(question.weight),
        "personal": question.personal,
    }
    for language, text in question.labels.items():
        cells[_label_header(language)] = text
    cells.update(question.extra)
    return cells


def _choice_cells(choice: Choice) -> dict[str, Any]:
    cells: dict[str, Any] = {
        "list_name": choice.list_name,
        "name": choice.name,
        "points": _number_cell(choice.points),
        "weight": _number_cell(choice.weight),
    }
    for language, text in choice.labels.items():
        cells[_label_header(language)] = text
    cells.update(choice.extra)
    return cells


def _columns(preferred: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The form's own column order, then any column a row has that is not there, skipping empty
    standard columns a programmatic form never filled."""
    rows = list(rows)
    columns = list(preferred)
    known = {_canonical(column) for column in columns}
    for row in rows:
        for column, value in row.items():
            if _canonical(column) not in known and value not in ("", None):
                columns.append(column)
                known.add(_canonical(column))
    return columns


def _canonical(header: str) -> str:
    base, language = split_header(header)
    return f"{base}::{language}" if language else base


def _cell_for(row: Mapping[str, Any], column: str) -> Any:
    wanted = _canonical(column)
    for key, value in row.items():
        if _canonical(key) == wanted:
            return value
    return ""


def _write_sheet(
    workbook: openpyxl.Workbook, title: str, columns: Sequence[str], rows: Iterator[dict[str, Any]]
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell_for(row, column) for column in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max(12, min(50, len(column) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_xlsform(form: SurveyForm, path: str | Path) -> None:
    """Write `form` as an XLSForm workbook that ODK and KoboToolbox accept.

    The file is written next to its destination and renamed, so a failure leaves nothing partial.
    """
    destination = Path(path)
    question_rows = [_question_cells(question) for question in form.questions]
    survey_columns = _columns(
        form.survey_columns
        or ["type", "name", *(_label_header(lang) for lang in _labels_of(form.questions))],
        question_rows,
    )
    choice_rows = [_choice_cells(choice) for items in form.choices.values() for choice in items]
    choices_columns = _columns(
        form.choices_columns
        or [
            "list_name",
            "name",
            *(
                _label_header(lang)
                for lang in _labels_of(c for items in form.choices.values() for c in items)
            ),
        ],
        choice_rows,
    )
    settings_columns = [column for column in form.settings_columns if column] or list(form.settings)
    for key in form.settings:
        if not any(setting_key(column) == key for column in settings_columns):
            settings_columns.append(key)
    settings_row = {
        column: form.settings.get(setting_key(column), "") for column in settings_columns
    }

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    _write_sheet(workbook, "survey", survey_columns, iter(question_rows))
    _write_sheet(workbook, "choices", choices_columns, iter(choice_rows))
    _write_sheet(workbook, "settings", settings_columns, iter([settings_row]))
    temporary = destination.with_name(f".{destination.name}.tmp")
    try:
        workbook.save(temporary)
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)


def _labels_of(items: Iterable[Question | Choice]) -> list[str]:
    languages: list[str] = []
    for item in items:
        for language in item.labels:
            if language not in languages:
                languages.append(language)
    return languages
