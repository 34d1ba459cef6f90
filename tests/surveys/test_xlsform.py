"""XLSForm reading, checking (with located errors) and writing back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from parindex.surveys.errors import FormError
from parindex.surveys.example_form import build_example_form
from parindex.surveys.xlsform import pyxform_problems, read_xlsform, validate_xlsform, write_xlsform

from .helpers import EN, VI, small_form

EXAMPLE = (
    Path(__file__).parents[2] / "parindex" / "data" / "surveys" / "example_satisfaction_form.xlsx"
)


def _workbook(
    path: Path,
    survey: list[list[object]],
    choices: list[list[object]],
    settings: list[list[object]],
) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    for values in survey:
        sheet.append(values)
    for title, rows in (("choices", choices), ("settings", settings)):
        extra = workbook.create_sheet(title)
        for values in rows:
            extra.append(values)
    workbook.save(path)
    return path


GOOD_SURVEY = [
    ["type", "name", f"label::{VI}", f"label::{EN}", "node", "weight"],
    ["select_one units", "unit", "Đơn vị", "Unit", None, None],
    ["select_one likert", "q1", "Câu 1", "Q1", "S1", 2],
    ["select_one likert", "q2", "Câu 2", "Q2", "S1", None],
]
GOOD_CHOICES = [
    ["list_name", "name", f"label::{VI}", f"label::{EN}", "points"],
    ["units", "U1", "Xã 1", "Commune 1", None],
    ["likert", "1", "Không hài lòng", "Dissatisfied", 0],
    ["likert", "2", "Bình thường", "Neutral", 2],
    ["likert", "3", "Hài lòng", "Satisfied", 4],
    ["likert", "9", "Không biết", "Don't know", None],
]
GOOD_SETTINGS = [
    ["form_id", "version", "default_language", "unit_field", "respondent_group"],
    ["f1", "1", VI, "unit", "nguoi_dan"],
]


def test_the_shipped_example_form_is_valid_for_us_and_for_pyxform() -> None:
    check = validate_xlsform(EXAMPLE)
    assert check.ok, check.problems
    assert check.form is not None
    assert check.form.nodes == ("13", "28")
    assert check.form.languages == (VI, EN)


def test_the_shipped_example_form_matches_its_generator() -> None:
    assert read_xlsform(EXAMPLE) == build_example_form()


def test_a_form_survives_a_round_trip_through_write_xlsform(tmp_path: Path) -> None:
    original = read_xlsform(EXAMPLE)
    written = tmp_path / "again.xlsx"
    write_xlsform(original, written)
    again = read_xlsform(written)
    assert again == original
    assert again.choices["muc_do"][4].points == Decimal(4)
    assert again.question("tt_12").weight == Decimal(2)
    assert pyxform_problems(written)[0] == []


def test_a_programmatic_form_round_trips_and_keeps_unknown_columns(tmp_path: Path) -> None:
    form = small_form()
    path = tmp_path / "small.xlsx"
    write_xlsform(form, path)
    again = read_xlsform(path)
    assert again.questions == form.questions
    assert again.choices == form.choices
    assert again.settings == form.settings


def test_extra_columns_of_a_workbook_are_kept_on_the_way_back(tmp_path: Path) -> None:
    survey = [[*GOOD_SURVEY[0], "appearance", f"hint::{VI}"]] + [
        [*values, "minimal", "gợi ý"] for values in GOOD_SURVEY[1:]
    ]
    path = _workbook(tmp_path / "f.xlsx", survey, GOOD_CHOICES, GOOD_SETTINGS)
    form = read_xlsform(path)
    assert form.question("q1").extra == {"appearance": "minimal", f"hint::{VI}": "gợi ý"}
    write_xlsform(form, tmp_path / "g.xlsx")
    assert read_xlsform(tmp_path / "g.xlsx") == form


def test_choice_points_are_divided_by_the_largest_points_of_their_list(tmp_path: Path) -> None:
    form = read_xlsform(_workbook(tmp_path / "f.xlsx", GOOD_SURVEY, GOOD_CHOICES, GOOD_SETTINGS))
    assert form.choice_shares("likert") == {
        "1": Decimal(0),
        "2": Decimal("0.5"),
        "3": Decimal(1),
        "9": None,
    }
    assert [q.node for q in form.scored_questions] == ["S1", "S1"]
    assert form.question("q1").scoring_weight == Decimal(2)
    assert form.question("q2").scoring_weight == Decimal(1)
    assert form.group_weights() == {"nguoi_dan": Decimal(1)}


def _problems(path: Path) -> list[str]:
    with pytest.raises(FormError) as caught:
        read_xlsform(path)
    return [str(problem) for problem in caught.value.problems]


def test_a_malformed_form_reports_every_problem_at_its_cell(tmp_path: Path) -> None:
    survey = [
        *GOOD_SURVEY,
        ["select_one likert", "q1", "Câu 1 lặp", "Q1 again", "S1", None],  # row 5: duplicate
        ["select_one nolist", "q3", "Câu 3", "Q3", None, None],  # row 6: unknown list
        ["text", "q4", "Câu 4", "Q4", "S2", None],  # row 7: node on a text question
        ["select_one likert", "q5", "Câu 5", "Q5", "S2", "nặng"],  # row 8: weight not a number
    ]
    choices = [*GOOD_CHOICES, ["likert", "4", "Rất", "Very", "nhiều"]]  # row 7: points not number
    settings = [["form_id", "version", "unit_field", "respondent_group"], ["f1", "1", "donvi", "x"]]
    path = _workbook(tmp_path / "bad.xlsx", survey, choices, settings)
    problems = _problems(path)
    where = str(path)
    expected = [
        f"{where}!choices!E7: «nhiều» không phải là số",
        f"{where}!survey!F8: «nặng» không phải là số",
        f"{where}!survey!B5: tên «q1» trùng với {where}!survey!B3",
        f"{where}!survey!A6: danh sách «nolist» không có trong trang tính choices",
        f"{where}!survey!E7: chỉ câu «select_one» mới chấm điểm cho tiêu chí (câu này là «text»)",
        f"{where}!settings!C2: «unit_field»: không có câu hỏi «donvi»",
    ]
    for message in expected:
        assert message in problems
    assert len(problems) == len(expected)


def test_a_form_needs_a_unit_field_and_exactly_one_way_to_name_the_group(tmp_path: Path) -> None:
    settings = [["form_id", "version"], ["f1", "1"]]
    problems = _problems(_workbook(tmp_path / "f.xlsx", GOOD_SURVEY, GOOD_CHOICES, settings))
    assert any("settings!1: thiếu «unit_field»" in p for p in problems)
    assert any("«respondent_group»" in p and "«respondent_group_field»" in p for p in problems)


def test_group_choices_need_a_weight_when_a_question_holds_the_group(tmp_path: Path) -> None:
    survey = [*GOOD_SURVEY, ["select_one groups", "grp", "Nhóm", "Group", None, None]]
    choices = [[*GOOD_CHOICES[0], "weight"]] + [[*r, None] for r in GOOD_CHOICES[1:]]
    choices += [
        ["groups", "dan", "Dân", "Citizens", None, 2],
        ["groups", "dn", "DN", "Firms", None, None],
    ]
    settings = [
        ["form_id", "unit_field", "respondent_group_field", "default_language"],
        ["f1", "unit", "grp", VI],
    ]
    problems = _problems(_workbook(tmp_path / "f.xlsx", survey, choices, settings))
    assert problems == [
        f"{tmp_path / 'f.xlsx'}!choices!F8: nhóm người trả lời «dn» thiếu trọng số (cột «weight»)"
    ]


def test_a_missing_survey_sheet_is_named(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.save(tmp_path / "empty.xlsx")
    problems = _problems(tmp_path / "empty.xlsx")
    assert f"{tmp_path / 'empty.xlsx'}: thiếu trang tính «survey»" in problems


def test_an_unmatched_end_group_is_located(tmp_path: Path) -> None:
    survey = [*GOOD_SURVEY, ["end_group", None, None, None, None, None]]
    path = _workbook(tmp_path / "f.xlsx", survey, GOOD_CHOICES, GOOD_SETTINGS)
    check = validate_xlsform(path)
    assert check.form is None
    assert [str(p) for p in check.problems] == [
        f"{path}!survey!A5: «end_group» không có «begin_group»"
    ]


def test_pyxform_errors_are_reported_with_their_row(tmp_path: Path) -> None:
    survey = [[*GOOD_SURVEY[0], "relevant"]] + [[*r, None] for r in GOOD_SURVEY[1:]]
    survey.append(["select_one likert", "q9", "Câu 9", "Q9", None, None, "${khong_co} = '1'"])
    path = _workbook(tmp_path / "f.xlsx", survey, GOOD_CHOICES, GOOD_SETTINGS)
    check = validate_xlsform(path)
    assert check.form is not None  # our own checks do not evaluate expressions
    assert len(check.problems) == 1
    problem = check.problems[0]
    assert problem.location == f"{path}!survey!5"
    assert problem.message.startswith("pyxform:")
    assert "khong_co" in problem.message
