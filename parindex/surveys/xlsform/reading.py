"""Reading an XLSForm workbook: the choices, survey and settings sheets into a `SurveyForm`,
then its checks; every problem is reported at once, each at its cell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from parindex.engine import Problem
from parindex.surveys.errors import FormError
from parindex.surveys.xlsform.checks import check_form
from parindex.surveys.xlsform.form import Choice, Question, SurveyForm
from parindex.surveys.xlsform.sheets import Sheet, SheetReader, setting_key
from parindex.surveys.xlsform.types import parse_type

_QUESTION_FIELDS = frozenset({"type", "name", "required", "relevant", "node", "personal"})


def read_xlsform(path: str | Path) -> SurveyForm:
    """Read and check an XLSForm workbook; raises `FormError` listing every located problem.

    Warnings (cells ignored, features read but not scored…) are in `SurveyForm.warnings`.
    """
    display = str(path)
    reader = SheetReader(Path(path), display)
    sheets = reader.load_sheets()
    survey_sheet = sheets.get("survey")
    if survey_sheet is None:
        raise FormError([*reader.problems, Problem(display, "thiếu trang tính «survey»")])
    complete = reader.check_headers(survey_sheet, ("type",))
    choices_sheet = sheets.get("choices", Sheet("choices", [], []))
    if choices_sheet.rows:
        complete = reader.check_headers(choices_sheet, ("list_name", "name")) and complete
    settings_sheet = sheets.get("settings", Sheet("settings", [], []))
    if not complete:
        raise FormError(reader.problems)

    choices = _read_choices(reader, choices_sheet)
    questions = _read_questions(reader, survey_sheet)
    settings = _read_settings(reader, settings_sheet)
    form = SurveyForm(
        questions=tuple(questions),
        choices=choices,
        settings=settings,
        survey_columns=tuple(survey_sheet.headers),
        choices_columns=tuple(choices_sheet.headers),
        settings_columns=tuple(settings_sheet.headers),
        path=display,
    )
    check_form(reader, form, survey_sheet, choices_sheet, settings_sheet)
    if reader.problems:
        raise FormError(reader.problems)
    return SurveyForm(
        questions=form.questions,
        choices=form.choices,
        settings=form.settings,
        survey_columns=form.survey_columns,
        choices_columns=form.choices_columns,
        settings_columns=form.settings_columns,
        path=display,
        warnings=tuple(reader.warnings),
    )


def _read_choices(reader: SheetReader, sheet: Sheet) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        points: Decimal | None = None
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            if not header:
                continue
            base, language = sheet.split(index)
            text = cells[index]
            if not text and base not in ("list_name", "name", "type"):
                continue  # an empty cell is the same as no cell (keeps round trips equal)
            if base == "label":
                labels[language] = text
            elif base in ("list_name", "name") and not language:
                values[base] = text
            elif base == "points" and not language:
                points = reader.number("choices", number, index, text, positive=False)
            elif base == "weight" and not language:
                weight = reader.number("choices", number, index, text, positive=True)
            else:
                extra[header] = text
        list_name, name = values.get("list_name", ""), values.get("name", "")
        if not list_name:
            column = sheet.column_of("list_name") or 0
            reader.problem(reader.where("choices", number, column), "thiếu tên danh sách")
            continue
        if not name:
            column = sheet.column_of("name") or 0
            reader.problem(reader.where("choices", number, column), "thiếu tên phương án")
            continue
        lists.setdefault(list_name, []).append(
            Choice(list_name, name, labels, points, weight, extra, row=number)
        )
    return {name: tuple(items) for name, items in lists.items()}


def _read_questions(reader: SheetReader, sheet: Sheet) -> list[Question]:
    questions: list[Question] = []
    type_column = sheet.column_of("type") or 0
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            if not header:
                continue
            base, language = sheet.split(index)
            text = cells[index]
            if not text and base not in ("list_name", "name", "type"):
                continue  # an empty cell is the same as no cell (keeps round trips equal)
            if base == "label":
                labels[language] = text
            elif base == "weight" and not language:
                weight = reader.number("survey", number, index, text, positive=True)
            elif not language and base in _QUESTION_FIELDS:
                values[base] = text
            else:
                extra[header] = text
        raw_type = values.get("type", "")
        if not raw_type:
            reader.problem(reader.where("survey", number, type_column), "thiếu loại câu hỏi")
            continue
        parse_type(raw_type)  # warm the cache; types are checked with the structure
        questions.append(
            Question(
                type=raw_type,
                name=values.get("name", ""),
                labels=labels,
                required=values.get("required", ""),
                relevant=values.get("relevant", ""),
                node=values.get("node", ""),
                weight=weight,
                personal=values.get("personal", ""),
                extra=extra,
                row=number,
            )
        )
    return questions


def _read_settings(reader: SheetReader, sheet: Sheet) -> dict[str, str]:
    """The first row of values (as pyxform reads it), keyed in lower case; none is fine."""
    if not sheet.rows:
        return {}
    if len(sheet.rows) > 1:
        reader.warn(
            reader.where("settings", sheet.rows[1][0]),
            "chỉ dòng giá trị đầu tiên được đọc (như pyxform); các dòng sau bị bỏ qua",
        )
    _, cells = sheet.rows[0]
    settings: dict[str, str] = {}
    for index, header in enumerate(sheet.headers):
        key = setting_key(header) if header else ""
        if key and cells[index] and key not in settings:
            settings[key] = cells[index]
    return settings
