"""The checks of a read form: names, labels, choices lists, scored questions (`node`,
`weight`, `points`) and the settings (`form_id`, `unit_field`, respondent groups, languages,
time zone).
"""

from __future__ import annotations

import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parindex.surveys.xlsform.form import TRUE_TEXTS, Question, SurveyForm
from parindex.surveys.xlsform.sheets import Sheet, SheetReader

_FALSE_TEXTS = frozenset({"", "no", "false", "false()", "0", "không"})
_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def check_form(
    reader: SheetReader,
    form: SurveyForm,
    survey_sheet: Sheet,
    choices_sheet: Sheet,
    settings_sheet: Sheet,
) -> None:
    def survey_cell(question: Question, base: str) -> str:
        column = survey_sheet.column_of(base)
        return reader.where("survey", question.row, column if column is not None else 0)

    seen: dict[str, Question] = {}
    for question in form.questions:
        base_type = question.base_type
        if base_type == "end_group":
            continue
        if not question.name:
            if base_type != "note" or not question.labels:
                reader.problem(survey_cell(question, "name"), "thiếu tên (name)")
            continue
        if not _NAME_PATTERN.match(question.name):
            reader.problem(
                survey_cell(question, "name"),
                f"tên «{question.name}» chỉ được gồm chữ Latinh, số, «_», «-», «.»"
                " và không bắt đầu bằng số",
            )
        if question.name.startswith("_"):
            reader.problem(
                survey_cell(question, "name"),
                f"tên «{question.name}»: tên bắt đầu bằng «_» dành cho cột hệ thống"
                " (ODK, Kobo và parindex dùng chúng cho siêu dữ liệu)",
            )
        if question.name in seen:
            first = seen[question.name]
            reader.problem(
                survey_cell(question, "name"),
                f"tên «{question.name}» trùng với {survey_cell(first, 'name')}",
            )
        else:
            seen[question.name] = question
        if question.holds_answer and not any(question.labels.values()):
            reader.problem(survey_cell(question, "label"), "thiếu nhãn câu hỏi (label)")
        if base_type in ("select_one", "select_multiple"):
            if not question.list_name:
                reader.problem(survey_cell(question, "type"), f"«{base_type}» thiếu tên danh sách")
            elif question.list_name not in form.choices:
                reader.problem(
                    survey_cell(question, "type"),
                    f"danh sách «{question.list_name}» không có trong trang tính choices",
                )
        if question.personal.strip().lower() not in TRUE_TEXTS | _FALSE_TEXTS:
            reader.problem(survey_cell(question, "personal"), "«personal» phải là yes hoặc no")
        if question.node:
            if not question.is_select_one:
                reader.problem(
                    survey_cell(question, "node"),
                    f"chỉ câu «select_one» mới chấm điểm cho tiêu chí (câu này là «{base_type}»)",
                )
            elif question.list_name in form.choices and all(
                choice.points is None for choice in form.choices[question.list_name]
            ):
                reader.problem(
                    survey_cell(question, "node"),
                    f"danh sách «{question.list_name}» chưa có cột «points» cho phương án nào",
                )
        elif question.weight is not None:
            reader.problem(survey_cell(question, "weight"), "«weight» chỉ dùng cho câu có «node»")

    for list_name, items in form.choices.items():
        scored = [choice for choice in items if choice.points is not None]
        if scored and max(choice.points or Decimal(0) for choice in scored) == 0:
            column = choices_sheet.column_of("points") or 0
            reader.problem(
                reader.where("choices", scored[0].row, column),
                f"danh sách «{list_name}»: điểm cao nhất phải lớn hơn 0",
            )

    _check_settings(reader, form, settings_sheet, survey_sheet, choices_sheet)


def _check_settings(
    reader: SheetReader,
    form: SurveyForm,
    settings_sheet: Sheet,
    survey_sheet: Sheet,
    choices_sheet: Sheet,
) -> None:
    def setting_cell(key: str) -> str:
        column = settings_sheet.column_of(key)
        if column is None:
            return reader.where("settings", 1)
        return reader.where("settings", 2, column)

    if not settings_sheet.headers:
        return  # the missing sheet is already reported; its keys would only repeat it
    if not form.form_id:
        reader.problem(setting_cell("form_id"), "thiếu «form_id»")
    elif not _NAME_PATTERN.match(form.form_id):
        reader.problem(setting_cell("form_id"), f"«form_id» «{form.form_id}» không hợp lệ")
    answer_names = {question.name: question for question in form.answer_questions}
    if not form.unit_field:
        reader.problem(setting_cell("unit_field"), "thiếu «unit_field» (câu hỏi ghi mã đơn vị)")
    elif form.unit_field not in answer_names:
        reader.problem(
            setting_cell("unit_field"), f"«unit_field»: không có câu hỏi «{form.unit_field}»"
        )
    if bool(form.respondent_group) == bool(form.respondent_group_field):
        reader.problem(
            setting_cell("respondent_group"),
            "cần đúng một trong «respondent_group» (nhóm cố định của biểu mẫu) hoặc"
            " «respondent_group_field» (câu hỏi ghi nhóm người trả lời)",
        )
    if form.respondent_group:
        raw_weight = form.settings.get("respondent_group_weight", "")
        if raw_weight:
            column = settings_sheet.column_of("respondent_group_weight") or 0
            reader.number("settings", 2, column, raw_weight, positive=True)
    elif form.respondent_group_field:
        group_question = answer_names.get(form.respondent_group_field)
        if group_question is None or not group_question.is_select_one:
            reader.problem(
                setting_cell("respondent_group_field"),
                f"«respondent_group_field» phải là một câu «select_one»"
                f" (không có «{form.respondent_group_field}»)",
            )
        elif group_question.list_name in form.choices:
            weight_column = choices_sheet.column_of("weight")
            for choice in form.choices[group_question.list_name]:
                if choice.weight is None:
                    reader.problem(
                        reader.where("choices", choice.row, weight_column or 0),
                        f"nhóm người trả lời «{choice.name}» thiếu trọng số (cột «weight»)",
                    )
    languages = form.languages
    named = [language for language in languages if language]
    if form.default_language and form.default_language not in languages:
        known = ", ".join(f"«{language}»" for language in named) or "không có"
        reader.problem(
            setting_cell("default_language"),
            f"ngôn ngữ mặc định «{form.default_language}» không có trong các cột label ({known})",
        )
    elif len(named) > 1 and not form.default_language:
        reader.problem(setting_cell("default_language"), "nhiều ngôn ngữ: cần «default_language»")
    if form.settings.get("timezone"):
        try:
            ZoneInfo(form.settings["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            reader.problem(
                setting_cell("timezone"), f"múi giờ «{form.settings['timezone']}» không có"
            )
