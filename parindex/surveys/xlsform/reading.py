"""Reading an XLSForm workbook: the choices, survey and settings sheets into a `SurveyForm`,
then its checks; every problem is reported at once, each at its cell.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from parindex.engine import Problem
from parindex.surveys.errors import FormError
from parindex.surveys.xlsform.checks import check_form
from parindex.surveys.xlsform.form import Choice, Question, SurveyForm, normalise_type
from parindex.surveys.xlsform.sheets import Sheet, SheetReader, split_header

_QUESTION_FIELDS = frozenset({"type", "name", "required", "relevant", "node", "personal"})


def read_xlsform(path: str | Path) -> SurveyForm:
    """Read and check an XLSForm workbook; raises `FormError` listing every located problem."""
    display = str(path)
    reader = SheetReader(Path(path), display)
    sheets = reader.load_sheets()
    survey_sheet = sheets.get("survey")
    if survey_sheet is None:
        raise FormError([*reader.problems, Problem(display, "thiếu trang tính «survey»")])
    reader.check_headers(survey_sheet, ("type", "name"))
    choices_sheet = sheets.get("choices", Sheet("choices", [], []))
    if "choices" in sheets:
        reader.check_headers(choices_sheet, ("list_name", "name"))
    settings_sheet = sheets.get("settings")
    if settings_sheet is None:
        reader.problem(display, "thiếu trang tính «settings» (cần form_id, unit_field…)")
        settings_sheet = Sheet("settings", [], [])
    if any(p.message.startswith("thiếu cột") for p in reader.problems):
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
    return form


def _read_choices(reader: SheetReader, sheet: Sheet) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        points: Decimal | None = None
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            base, language = split_header(header)
            text = cells[index]
            if not text and base not in ("list_name", "name", "type"):
                continue  # an empty cell is the same as no cell (keeps round trips equal)
            if base == "label":
                labels[language] = text
            elif base in ("list_name", "name") and not language:
                values[base] = text
            elif base == "points" and not language:
                if text:
                    points = reader.number("choices", number, index, text, positive=False)
            elif base == "weight" and not language:
                if text:
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
        key = (list_name, name)
        if key in seen:
            column = sheet.column_of("name") or 0
            reader.problem(
                reader.where("choices", number, column),
                f"phương án «{name}» của danh sách «{list_name}» trùng với dòng {seen[key]}",
            )
            continue
        seen[key] = number
        lists.setdefault(list_name, []).append(
            Choice(list_name, name, labels, points, weight, extra, row=number)
        )
    return {name: tuple(items) for name, items in lists.items()}


def _read_questions(reader: SheetReader, sheet: Sheet) -> list[Question]:
    questions: list[Question] = []
    groups: list[tuple[str, int]] = []  # open groups: name and row
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            base, language = split_header(header)
            text = cells[index]
            if not text and base not in ("list_name", "name", "type"):
                continue  # an empty cell is the same as no cell (keeps round trips equal)
            if base == "label":
                labels[language] = text
            elif base == "weight" and not language:
                if text:
                    weight = reader.number("survey", number, index, text, positive=True)
            elif not language and base in _QUESTION_FIELDS:
                values[base] = text
            else:
                extra[header] = text
        raw_type = values.get("type", "")
        base_type = normalise_type(raw_type)
        type_column = sheet.column_of("type") or 0
        if not raw_type:
            reader.problem(reader.where("survey", number, type_column), "thiếu loại câu hỏi")
            continue
        if base_type in ("begin_repeat", "end_repeat"):
            reader.problem(
                reader.where("survey", number, type_column),
                "nhóm lặp (repeat) chưa được hỗ trợ: mỗi phiếu phải là một dòng dữ liệu",
            )
        if base_type == "begin_group":
            groups.append((values.get("name", ""), number))
        if base_type == "end_group":
            if groups:
                groups.pop()
            else:
                reader.problem(
                    reader.where("survey", number, type_column),
                    "«end_group» không có «begin_group»",
                )
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
    for name, number in groups:
        column = sheet.column_of("type") or 0
        reader.problem(
            reader.where("survey", number, column), f"nhóm «{name}» mở mà không có «end_group»"
        )
    return questions


def _read_settings(reader: SheetReader, sheet: Sheet) -> dict[str, str]:
    if not sheet.rows:
        if sheet.headers:
            reader.problem(reader.where("settings", 2), "thiếu dòng giá trị dưới dòng tiêu đề")
        return {}
    if len(sheet.rows) > 1:
        reader.problem(reader.where("settings", sheet.rows[1][0]), "chỉ được có một dòng giá trị")
    _, cells = sheet.rows[0]
    return {header.strip(): cells[index] for index, header in enumerate(sheet.headers)}
