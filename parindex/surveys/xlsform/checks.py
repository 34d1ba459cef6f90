"""The checks of a read form: structure (groups, repeats, names), features parindex does not
support, choices lists, scored questions (`node`, `weight`, `points`) and the settings
(`form_id`, `unit_field`, respondent groups, languages, time zone).

A feature parindex does not support is refused at its cell with a message that names it and
ends in «chưa được hỗ trợ» (`UNSUPPORTED`); everything pyxform converts is accepted otherwise.
"""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parindex.surveys.errors import UNSUPPORTED
from parindex.surveys.xlsform.form import TRUE_TEXTS, Question, SurveyForm
from parindex.surveys.xlsform.sheets import Sheet, SheetReader, setting_key
from parindex.surveys.xlsform.types import NAME_PATTERN, SYSTEM_COLUMNS

_FALSE_TEXTS = frozenset({"", "no", "false", "false()", "0", "không"})
_CONTAINERS = {"begin_group": "end_group", "begin_repeat": "end_repeat", "begin_loop": "end_loop"}
_CONTAINER_WORDS = {"begin_group": "nhóm", "begin_repeat": "nhóm lặp", "begin_loop": "vòng lặp"}


def check_form(
    reader: SheetReader,
    form: SurveyForm,
    survey_sheet: Sheet,
    choices_sheet: Sheet,
    settings_sheet: Sheet,
) -> None:
    def cell(question: Question, base: str) -> str:
        column = survey_sheet.column_of(base)
        if column is None:
            column = survey_sheet.column_of("type") or 0
        return reader.where("survey", question.row, column)

    _check_structure(reader, form, cell)
    in_repeat = _rows_in_repeats(form)
    top_level = {id(field.question) for field in form.fields}
    for question in form.questions:
        parsed = question.parsed_type
        if parsed.kind == "select" and question.list_name not in form.choices:
            reader.problem(
                cell(question, "type"),
                f"danh sách «{question.list_name}» không có trong trang tính choices",
            )
        if question.personal.strip().lower() not in TRUE_TEXTS | _FALSE_TEXTS:
            reader.problem(cell(question, "personal"), "«personal» phải là yes hoặc no")
        if question.node:
            if question.row in in_repeat:
                reader.problem(
                    cell(question, "node"),
                    "câu hỏi trong nhóm lặp (repeat) không chấm điểm được: chỉ câu hỏi ngoài"
                    " nhóm lặp mới gắn với tiêu chí",
                )
            elif not question.is_select_one or id(question) not in top_level:
                reader.problem(
                    cell(question, "node"),
                    f"chỉ câu «select_one» mới chấm điểm cho tiêu chí (câu này là «{parsed.base}»)",
                )
            elif question.list_name in form.choices and all(
                choice.points is None for choice in form.choices[question.list_name]
            ):
                reader.problem(
                    cell(question, "node"),
                    f"danh sách «{question.list_name}» chưa có cột «points» cho phương án nào",
                )
        elif question.weight is not None:
            reader.problem(cell(question, "weight"), "«weight» chỉ dùng cho câu có «node»")
        if (
            question.holds_answer
            and parsed.kind != "calculated"
            and not any(question.labels.values())
        ):
            reader.warn(cell(question, "label"), f"câu «{question.name}» không có nhãn (label)")

    _check_choices(reader, form, choices_sheet)
    _check_settings(reader, form, settings_sheet, choices_sheet)


def _rows_in_repeats(form: SurveyForm) -> set[int]:
    rows: set[int] = set()
    depth = 0
    for question in form.questions:
        kind = question.parsed_type.kind
        if kind == "begin_repeat":
            depth += 1
        elif kind == "end_repeat":
            depth = max(0, depth - 1)
        elif depth:
            rows.add(question.row)
    return rows


def _check_structure(reader: SheetReader, form: SurveyForm, cell) -> None:  # type: ignore[no-untyped-def]
    """Groups, repeats and loops closed in order; names present and unique in their group;
    unsupported rows located."""
    stack: list[tuple[Question, dict[str, Question]]] = []
    root_names: dict[str, Question] = {}
    repeat_warned = False
    for question in form.questions:
        parsed = question.parsed_type
        kind = parsed.kind
        if kind.startswith("end_"):
            opener = next(
                (
                    i
                    for i in range(len(stack) - 1, -1, -1)
                    if _CONTAINERS[stack[i][0].parsed_type.kind] == kind
                ),
                None,
            )
            if opener is None or opener != len(stack) - 1:
                word = kind.removeprefix("end_")
                reader.problem(cell(question, "type"), f"«end_{word}» không có «begin_{word}»")
            if opener is not None:
                del stack[opener:]
            continue
        names = stack[-1][1] if stack else root_names
        if kind == "begin_loop":
            reader.problem(
                cell(question, "type"),
                f"vòng lặp (loop, «{question.type}») {UNSUPPORTED}: dùng nhóm lặp (begin_repeat)"
                " hoặc viết từng câu hỏi",
            )
        elif kind == "include":
            reader.problem(cell(question, "type"), f"chèn biểu mẫu khác (include) {UNSUPPORTED}")
        elif kind == "begin_repeat" and not repeat_warned and not stack:
            repeat_warned = True
            reader.warn(
                cell(question, "type"),
                "nhóm lặp (repeat): câu trả lời được lưu và xuất (mỗi nhóm lặp một cột JSON)"
                " nhưng chỉ câu hỏi ngoài nhóm lặp mới chấm điểm được",
            )
        if not question.name:
            if kind not in ("valueless", "setting"):
                reader.problem(cell(question, "name"), "thiếu tên (name)")
        elif kind != "setting":
            if not NAME_PATTERN.fullmatch(question.name):
                reader.problem(
                    cell(question, "name"),
                    f"tên «{question.name}» không hợp lệ: chỉ gồm chữ, số, «_», «-», «.», không"
                    " bắt đầu bằng số hay «-», «.», không có khoảng trắng",
                )
            if question.name in names:
                first = cell(names[question.name], "name")
                reader.problem(cell(question, "name"), f"tên «{question.name}» trùng với {first}")
            names.setdefault(question.name, question)
            if question.name in SYSTEM_COLUMNS:
                reader.problem(
                    cell(question, "name"),
                    f"tên «{question.name}» trùng tên cột hệ thống (ODK, Kobo, parindex):"
                    f" câu hỏi mang tên này {UNSUPPORTED}",
                )
        if kind in _CONTAINERS:
            stack.append((question, {}))
    for unclosed, _ in stack:
        word = _CONTAINER_WORDS[unclosed.parsed_type.kind]
        end = _CONTAINERS[unclosed.parsed_type.kind]
        reader.problem(cell(unclosed, "type"), f"{word} «{unclosed.name}» mở mà không có «{end}»")


def _check_choices(reader: SheetReader, form: SurveyForm, choices_sheet: Sheet) -> None:
    duplicates_allowed = (
        form.settings.get("allow_choice_duplicates", "").strip().lower() in TRUE_TEXTS
    )
    name_column = choices_sheet.column_of("name") or 0
    points_column = choices_sheet.column_of("points") or 0
    for list_name, items in form.choices.items():
        first: dict[str, int] = {}
        points_of: dict[str, Decimal | None] = {}
        for choice in items:
            if choice.name not in first:
                first[choice.name] = choice.row
                points_of[choice.name] = choice.points
                continue
            if not duplicates_allowed:
                reader.problem(
                    reader.where("choices", choice.row, name_column),
                    f"phương án «{choice.name}» của danh sách «{list_name}» trùng với dòng"
                    f" {first[choice.name]} (danh sách nhiều tầng cần «allow_choice_duplicates»"
                    " = yes trong trang settings)",
                )
            elif choice.points != points_of[choice.name]:
                reader.problem(
                    reader.where("choices", choice.row, points_column),
                    f"phương án «{choice.name}» của danh sách «{list_name}» có điểm khác dòng"
                    f" {first[choice.name]}: cùng một phương án phải cùng điểm",
                )
        scored = [choice for choice in items if choice.points is not None]
        if scored and max(choice.points or Decimal(0) for choice in scored) == 0:
            reader.problem(
                reader.where("choices", scored[0].row, points_column),
                f"danh sách «{list_name}»: điểm cao nhất phải lớn hơn 0",
            )


def _check_settings(
    reader: SheetReader, form: SurveyForm, settings_sheet: Sheet, choices_sheet: Sheet
) -> None:
    def setting_cell(key: str) -> str:
        column = next(
            (
                index
                for index, header in enumerate(settings_sheet.headers)
                if header and setting_key(header) == key
            ),
            None,
        )
        if column is None:
            return reader.where("settings", 1)
        return reader.where("settings", 2, column)

    form_id = form.form_id
    if not form_id:
        reader.problem(setting_cell("form_id"), "thiếu «form_id»")
    elif any(mark in form_id for mark in ("/", "\\", "\x00")) or form_id.startswith("."):
        reader.problem(
            setting_cell("form_id"),
            f"«form_id» «{form_id}» không dùng được làm tên tệp (bỏ «/», «\\» và dấu chấm đầu)",
        )

    def top_level(setting: str, value: str) -> Question | None:
        found = form.field(value)
        if found is not None:
            return form.question(found.key)
        if any(q.name == value for q in form.questions if q.holds_answer):
            named = [f for f in form.fields if f.question.name == value]
            if len(named) > 1:
                paths = ", ".join(f"«{f.key}»" for f in named)
                reader.problem(
                    setting_cell(setting),
                    f"«{setting}»: có nhiều câu hỏi tên «{value}»; ghi rõ nhóm: {paths}",
                )
            else:
                reader.problem(
                    setting_cell(setting),
                    f"«{setting}»: câu hỏi «{value}» nằm trong nhóm lặp (repeat); cần một câu"
                    " hỏi ngoài nhóm lặp",
                )
        else:
            reader.problem(setting_cell(setting), f"«{setting}»: không có câu hỏi «{value}»")
        return None

    if not form.unit_field:
        reader.problem(setting_cell("unit_field"), "thiếu «unit_field» (câu hỏi ghi mã đơn vị)")
    else:
        top_level("unit_field", form.unit_field)
    if bool(form.respondent_group) == bool(form.respondent_group_field):
        reader.problem(
            setting_cell("respondent_group"),
            "cần đúng một trong «respondent_group» (nhóm cố định của biểu mẫu) hoặc"
            " «respondent_group_field» (câu hỏi ghi nhóm người trả lời)",
        )
    if form.respondent_group:
        raw_weight = form.settings.get("respondent_group_weight", "")
        if raw_weight:
            column = next(
                (
                    i
                    for i, h in enumerate(settings_sheet.headers)
                    if h and setting_key(h) == "respondent_group_weight"
                ),
                0,
            )
            reader.number("settings", 2, column, raw_weight, positive=True)
    elif form.respondent_group_field:
        group_question = top_level("respondent_group_field", form.respondent_group_field)
        if group_question is not None and not group_question.is_select_one:
            reader.problem(
                setting_cell("respondent_group_field"),
                f"«respondent_group_field» phải là một câu «select_one»"
                f" («{form.respondent_group_field}» là «{group_question.base_type}»)",
            )
        elif group_question is not None and group_question.list_name in form.choices:
            weight_column = choices_sheet.column_of("weight")
            for choice in form.choices[group_question.list_name]:
                if choice.weight is None:
                    reader.problem(
                        reader.where("choices", choice.row, weight_column or 0),
                        f"nhóm người trả lời «{choice.name}» thiếu trọng số (cột «weight»)",
                    )
    languages = form.languages
    chosen = form.settings.get("default_language", "")
    if chosen and languages and chosen not in languages:
        known = ", ".join(f"«{language}»" for language in languages if language) or "không có"
        reader.warn(
            setting_cell("default_language"),
            f"ngôn ngữ mặc định «{chosen}» không có trong các cột label ({known})",
        )
    if form.settings.get("timezone"):
        try:
            ZoneInfo(form.settings["timezone"])
        except (ZoneInfoNotFoundError, ValueError, OSError):
            reader.problem(
                setting_cell("timezone"), f"múi giờ «{form.settings['timezone']}» không có"
            )
