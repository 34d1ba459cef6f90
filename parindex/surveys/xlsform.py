"""Questionnaires in XLSForm, the spreadsheet format of ODK and KoboToolbox.

`read_xlsform` reads the `survey`, `choices` and `settings` sheets into a
`SurveyForm` and checks it, reporting every problem at its cell
(`FORM.xlsx!survey!C7`). `validate_xlsform` adds pyxform's own conversion, so a
form that passes here is also one the field tools accept. `write_xlsform`
writes a form back; reading what it wrote gives an equal `SurveyForm`.

parindex reads a few extra columns, which ODK and Kobo ignore:

- survey sheet: `node` (the framework node code a question feeds), `weight`
  (the question's weight inside its node, default 1) and `personal` (yes = the
  answer identifies a person and is dropped from anonymised exports);
- choices sheet: `points` (the answer's points; each list is divided by its
  largest points, so 0–4 becomes 0, 0,25 … 1; an empty cell means "not scored",
  e.g. "Không biết") and `weight` (the respondent-group weight, on the choices
  of the respondent-group list);
- settings sheet: `unit_field` (the question holding the assessed unit's code),
  and either `respondent_group` (the whole form is answered by one group) with
  an optional `respondent_group_weight`, or `respondent_group_field` (the
  question holding the group), plus an optional `timezone` (IANA name, default
  Asia/Ho_Chi_Minh) for timestamps written without an offset.

Every other column is kept as it is, so nothing is lost on the way back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from parindex.engine import Problem, to_decimal

from .errors import FormError

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Rows that shape the form rather than hold an answer.
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat", "note"})
# Metadata the field tools fill in themselves; the importer reads them as meta columns.
META_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "phonenumber",
        "username",
        "email",
        "audit",
        "simserial",
        "subscriberid",
        "start-geopoint",
    }
)
_TRUE_TEXTS = frozenset({"yes", "true", "true()", "1", "có"})
_FALSE_TEXTS = frozenset({"", "no", "false", "false()", "0", "không"})
_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_QUESTION_FIELDS = frozenset({"type", "name", "required", "relevant", "node", "personal"})
_HEADER_ALIASES = {"list name": "list_name", "begin group": "begin_group"}


def _cell_text(value: Any) -> str:
    """A cell as the text a person typed: 1 stays "1", 0.75 stays "0.75"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _split_header(header: str) -> tuple[str, str]:
    """`label::Tiếng Việt (vi)` → ("label", "Tiếng Việt (vi)"); `type` → ("type", "")."""
    base, _, language = header.partition("::")
    base = base.strip().lower()
    return _HEADER_ALIASES.get(base, base), language.strip()


def normalise_type(raw: str) -> str:
    """XLSForm accepts `begin group` and `begin_group`; keep one spelling for comparisons."""
    words = raw.split()
    if len(words) >= 2 and words[0] in ("begin", "end") and words[1] in ("group", "repeat"):
        return f"{words[0]}_{words[1]}"
    return words[0] if words else ""


@dataclass(frozen=True)
class Choice:
    """One answer of a choices list. `points` is the raw points cell (None = not scored)."""

    list_name: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    points: Decimal | None = None
    weight: Decimal | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet (questions, groups, notes and metadata alike)."""

    type: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    required: str = ""
    relevant: str = ""
    node: str = ""
    weight: Decimal | None = None
    personal: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    row: int = field(default=0, compare=False)

    @property
    def base_type(self) -> str:
        return normalise_type(self.type)

    @property
    def list_name(self) -> str:
        """The choices list of a `select_one LIST` / `select_multiple LIST` question."""
        words = self.type.split()
        if self.base_type in ("select_one", "select_multiple") and len(words) >= 2:
            return words[1]
        return ""

    @property
    def is_select_one(self) -> bool:
        return self.base_type == "select_one"

    @property
    def holds_answer(self) -> bool:
        """A question whose answer is a column of the responses (not a group, note or meta)."""
        return bool(self.name) and self.base_type not in STRUCTURE_TYPES | META_TYPES

    @property
    def is_required(self) -> bool:
        return self.required.strip().lower() in _TRUE_TEXTS

    @property
    def is_personal(self) -> bool:
        return self.personal.strip().lower() in _TRUE_TEXTS

    @property
    def scoring_weight(self) -> Decimal:
        return self.weight if self.weight is not None else Decimal(1)

    @property
    def is_scored(self) -> bool:
        return bool(self.node) and self.is_select_one

    def label(self, language: str = "") -> str:
        """The label in `language`, else the first label there is."""
        if self.labels.get(language):
            return self.labels[language]
        return next((text for text in self.labels.values() if text), self.name)


@dataclass(frozen=True)
class SurveyForm:
    """A questionnaire: survey rows, choices lists and settings, as the XLSForm says."""

    questions: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    settings: Mapping[str, str]
    survey_columns: tuple[str, ...] = ()
    choices_columns: tuple[str, ...] = ()
    settings_columns: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    # -- settings -------------------------------------------------------------------------------
    @property
    def form_id(self) -> str:
        return self.settings.get("form_id", "")

    @property
    def version(self) -> str:
        return self.settings.get("version", "")

    @property
    def title(self) -> str:
        return self.settings.get("form_title", "") or self.form_id

    @property
    def default_language(self) -> str:
        return self.settings.get("default_language", "")

    @property
    def unit_field(self) -> str:
        return self.settings.get("unit_field", "")

    @property
    def respondent_group(self) -> str:
        """The one group that answers this form ("" when a question holds the group)."""
        return self.settings.get("respondent_group", "")

    @property
    def respondent_group_field(self) -> str:
        return self.settings.get("respondent_group_field", "")

    @property
    def timezone(self) -> str:
        return self.settings.get("timezone", "") or DEFAULT_TIMEZONE

    @property
    def languages(self) -> tuple[str, ...]:
        """Label languages in column order (Vietnamese first in our forms)."""
        found: list[str] = []
        for column in self.survey_columns:
            base, language = _split_header(column)
            if base == "label" and language not in found:
                found.append(language)
        return tuple(found)

    # -- questions ------------------------------------------------------------------------------
    def question(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    @property
    def answer_questions(self) -> tuple[Question, ...]:
        """Questions whose answers are columns of a response, in form order."""
        return tuple(question for question in self.questions if question.holds_answer)

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.is_scored)

    def group_path(self, name: str) -> tuple[str, ...]:
        """The groups a question sits in, outermost first (how exports prefix its column)."""
        open_groups: list[str] = []
        for question in self.questions:
            if question.name == name and question.base_type != "begin_group":
                return tuple(open_groups)
            if question.base_type == "begin_group":
                open_groups.append(question.name)
            elif question.base_type == "end_group" and open_groups:
                open_groups.pop()
        raise KeyError(name)

    @property
    def group_names(self) -> frozenset[str]:
        return frozenset(q.name for q in self.questions if q.base_type == "begin_group" and q.name)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Framework node codes fed by this form, in the order they first appear."""
        return tuple(dict.fromkeys(question.node for question in self.scored_questions))

    def choice_shares(self, list_name: str) -> dict[str, Decimal | None]:
        """Each choice's points as a share 0..1 of the list's largest points (None = not scored)."""
        choices = self.choices.get(list_name, ())
        top = max((c.points for c in choices if c.points is not None), default=None)
        if top is None or top == 0:
            return {choice.name: None for choice in choices}
        return {
            choice.name: (choice.points / top if choice.points is not None else None)
            for choice in choices
        }

    def group_weights(self) -> dict[str, Decimal]:
        """Respondent groups this form can hold, with their weights."""
        if self.respondent_group:
            raw = self.settings.get("respondent_group_weight", "")
            return {self.respondent_group: to_decimal(raw) if raw else Decimal(1)}
        try:
            group_question = self.question(self.respondent_group_field)
        except KeyError:
            return {}
        return {
            choice.name: choice.weight if choice.weight is not None else Decimal(1)
            for choice in self.choices.get(group_question.list_name, ())
        }

    def unit_choices(self) -> dict[str, str]:
        """Unit codes and labels when the unit question is a `select_one` (else empty)."""
        try:
            unit_question = self.question(self.unit_field)
        except KeyError:
            return {}
        return {
            choice.name: _first_label(choice.labels, self.default_language, choice.name)
            for choice in self.choices.get(unit_question.list_name, ())
        }


def _first_label(labels: Mapping[str, str], language: str, fallback: str) -> str:
    if labels.get(language):
        return labels[language]
    return next((text for text in labels.values() if text), fallback)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """A sheet as header texts and rows of cell texts, remembering the spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def column_of(self, base: str) -> int | None:
        for index, header in enumerate(self.headers):
            if _split_header(header)[0] == base and not _split_header(header)[1]:
                return index
        return None


class _Reader:
    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.problems: list[Problem] = []

    def where(self, sheet: str, row: int | None = None, column: int | None = None) -> str:
        if row is None:
            return f"{self.display}!{sheet}"
        if column is None:
            return f"{self.display}!{sheet}!{row}"
        return f"{self.display}!{sheet}!{get_column_letter(column + 1)}{row}"

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def load_sheets(self) -> dict[str, _Sheet]:
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise FormError([Problem(self.display, "không tìm thấy tệp")]) from None
        except Exception as error:  # openpyxl raises many kinds for a non-workbook
            raise FormError(
                [Problem(self.display, f"không đọc được tệp Excel (.xlsx): {error}")]
            ) from None
        sheets: dict[str, _Sheet] = {}
        try:
            for worksheet in workbook.worksheets:
                name = worksheet.title.strip().lower()
                if name not in ("survey", "choices", "settings"):
                    continue
                rows = [
                    [_cell_text(value) for value in row]
                    for row in worksheet.iter_rows(values_only=True)
                ]
                headers = rows[0] if rows else []
                width = len(headers)
                while width and not headers[width - 1]:
                    width -= 1
                body = [
                    (number, (cells + [""] * width)[:width])
                    for number, cells in enumerate(rows[1:], start=2)
                    if any(cells[:width])
                ]
                for number, cells in enumerate(rows[1:], start=2):
                    if any(cells[width:]):
                        column = width + next(i for i, c in enumerate(cells[width:]) if c)
                        self.problem(
                            self.where(name, number, column), "ô có dữ liệu nhưng cột không có tên"
                        )
                sheets[name] = _Sheet(name, headers[:width], body)
        finally:
            workbook.close()
        return sheets

    def check_headers(self, sheet: _Sheet, required: Sequence[str]) -> None:
        seen: dict[str, int] = {}
        for index, header in enumerate(sheet.headers):
            if not header:
                self.problem(self.where(sheet.name, 1, index), "cột không có tên")
                continue
            key = header.strip().lower()
            if key in seen:
                self.problem(
                    self.where(sheet.name, 1, index),
                    f"cột «{header}» trùng với cột {get_column_letter(seen[key] + 1)}",
                )
            seen.setdefault(key, index)
        for base in required:
            if sheet.column_of(base) is None:
                self.problem(self.where(sheet.name, 1), f"thiếu cột «{base}»")

    def number(self, sheet: str, row: int, column: int, text: str, *, positive: bool) -> Decimal:
        where = self.where(sheet, row, column)
        try:
            value = to_decimal(text)
        except ValueError:
            self.problem(where, f"«{text}» không phải là số")
            return Decimal(0)
        if positive and value <= 0:
            self.problem(where, f"phải lớn hơn 0 (đang là «{text}»)")
        elif value < 0:
            self.problem(where, f"không được âm (đang là «{text}»)")
        return value


def read_xlsform(path: str | Path) -> SurveyForm:
    """Read and check an XLSForm workbook; raises `FormError` listing every located problem."""
    display = str(path)
    reader = _Reader(Path(path), display)
    sheets = reader.load_sheets()
    survey_sheet = sheets.get("survey")
    if survey_sheet is None:
        raise FormError([*reader.problems, Problem(display, "thiếu trang tính «survey»")])
    reader.check_headers(survey_sheet, ("type", "name"))
    choices_sheet = sheets.get("choices", _Sheet("choices", [], []))
    if "choices" in sheets:
        reader.check_headers(choices_sheet, ("list_name", "name"))
    settings_sheet = sheets.get("settings")
    if settings_sheet is None:
        reader.problem(display, "thiếu trang tính «settings» (cần form_id, unit_field…)")
        settings_sheet = _Sheet("settings", [], [])
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
    _check_form(reader, form, survey_sheet, choices_sheet, settings_sheet)
    if reader.problems:
        raise FormError(reader.problems)
    return form


def _read_choices(reader: _Reader, sheet: _Sheet) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        points: Decimal | None = None
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            base, language = _split_header(header)
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


def _read_questions(reader: _Reader, sheet: _Sheet) -> list[Question]:
    questions: list[Question] = []
    groups: list[tuple[str, int]] = []  # open groups: name and row
    for number, cells in sheet.rows:
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        extra: dict[str, str] = {}
        weight: Decimal | None = None
        for index, header in enumerate(sheet.headers):
            base, language = _split_header(header)
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


def _read_settings(reader: _Reader, sheet: _Sheet) -> dict[str, str]:
    if not sheet.rows:
        if sheet.headers:
            reader.problem(reader.where("settings", 2), "thiếu dòng giá trị dưới dòng tiêu đề")
        return {}
    if len(sheet.rows) > 1:
        reader.problem(reader.where("settings", sheet.rows[1][0]), "chỉ được có một dòng giá trị")
    _, cells = sheet.rows[0]
    return {header.strip(): cells[index] for index, header in enumerate(sheet.headers)}


def _check_form(
    reader: _Reader,
    form: SurveyForm,
    survey_sheet: _Sheet,
    choices_sheet: _Sheet,
    settings_sheet: _Sheet,
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
        if question.personal.strip().lower() not in _TRUE_TEXTS | _FALSE_TEXTS:
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
    reader: _Reader,
    form: SurveyForm,
    settings_sheet: _Sheet,
    survey_sheet: _Sheet,
    choices_sheet: _Sheet,
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


# ---------------------------------------------------------------------------------------------
# pyxform, the reference converter used by ODK and KoboToolbox
# ---------------------------------------------------------------------------------------------

_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_PYXFORM_SHEET = re.compile(r"'(survey|choices|settings)' sheet", re.IGNORECASE)


@dataclass(frozen=True)
class FormCheck:
    """The outcome of `validate_xlsform`: the form when usable, problems and pyxform warnings."""

    form: SurveyForm | None
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.form is not None and not self.problems


def pyxform_problems(path: str | Path) -> tuple[list[Problem], list[str]]:
    """Convert with pyxform (without ODK Validate, which needs Java); its error, located."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(xlsform=str(path), warnings=warnings)
    except PyXFormError as error:
        message = str(error)
        row = _PYXFORM_ROW.search(message)
        sheet = _PYXFORM_SHEET.search(message)
        where = f"{path}!{(sheet.group(1).lower() if sheet else 'survey')}"
        if row:
            where += f"!{row.group(1)}"
            message = _PYXFORM_ROW.sub("", message).strip()
        return [Problem(where, f"pyxform: {message}")], warnings
    except Exception as error:  # pyxform raises plain errors for some broken workbooks
        return [Problem(str(path), f"pyxform: {error}")], warnings
    return [], warnings


def validate_xlsform(path: str | Path) -> FormCheck:
    """Our checks first; when they pass, pyxform's conversion too (its messages are terser)."""
    try:
        form = read_xlsform(path)
    except FormError as error:
        return FormCheck(None, tuple(error.problems), ())
    problems, warnings = pyxform_problems(path)
    return FormCheck(form, tuple(problems), tuple(warnings))


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


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
    base, language = _split_header(header)
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
    settings_columns = list(form.settings_columns) or list(form.settings)
    for key in form.settings:
        if key not in settings_columns:
            settings_columns.append(key)

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    _write_sheet(workbook, "survey", survey_columns, iter(question_rows))
    _write_sheet(workbook, "choices", choices_columns, iter(choice_rows))
    _write_sheet(workbook, "settings", settings_columns, iter([dict(form.settings)]))
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
