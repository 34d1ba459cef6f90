"""XLSForm features the field tools accept, each on a small form of its own: accepted (and
checked by pyxform), or refused at its cell when docs/surveys.md lists it as unsupported."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest

from parindex.surveys.errors import UNSUPPORTED, FormError, ResponseFileError
from parindex.surveys.responses import parse_responses, read_response_file, rows_to_raw
from parindex.surveys.xlsform import read_xlsform, validate_xlsform, write_xlsform
from parindex.surveys.xlsform.types import parse_type

SETTINGS = [["form_id", "unit_field", "respondent_group"], ["f", "don_vi", "dan"]]
CHOICES = [
    ["list_name", "name", "label", "points"],
    ["muc", "1", "Kém", 0],
    ["muc", "2", "Tốt", 1],
]


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    book.save(path)
    return path


def form_file(
    tmp_path: Path,
    survey: list[list[object]],
    *,
    choices: list[list[object]] | None = None,
    settings: list[list[object]] | None = None,
    name: str = "bieu_mau.xlsx",
) -> Path:
    sheets: dict[str, list[list[object]]] = {"survey": survey, "choices": choices or CHOICES}
    if settings is not None:
        sheets["settings"] = settings
    return workbook(tmp_path / name, sheets)


def accepted(path: Path):  # type: ignore[no-untyped-def]
    check = validate_xlsform(path)
    assert check.ok, [str(p) for p in check.problems]
    assert check.form is not None
    return check


def test_calculate_note_and_metadata_rows_need_no_label(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["start", "start", None, None],
        ["end", "end", None, None],
        ["today", "hom_nay", None, None],
        ["deviceid", "may", None, None],
        ["uri:deviceid", "uri_may", None, None],
        ["username", "nguoi_dung", None, None],
        ["audit", "audit", None, None],
        ["start-geopoint", "vi_tri", None, None],
        ["text", "don_vi", "Mã đơn vị", None],
        ["select_one muc", "q1", "Câu 1", None],
        ["calculate", "diem", None, "${q1} * 2"],
        ["note", None, "Cảm ơn", None],
    ]
    form = accepted(form_file(tmp_path, survey, settings=SETTINGS)).form
    assert [q.name for q in form.answer_questions] == ["don_vi", "q1", "diem"]
    assert [role for role, _ in form.meta_questions][:4] == ["start", "end", "today", "deviceid"]
    assert parse_type("get today").kind == "meta"
    assert parse_type("imei").base == "deviceid"


def test_languages_after_one_or_two_colons_and_upper_case_names(tmp_path: Path) -> None:
    survey = [
        ["TYPE", "NAME", "LABEL:English", "Label:Tiếng Việt", "HINT:English"],
        ["text", "don_vi", "Unit code", "Mã đơn vị", "e.g. X001"],
        ["select one from muc", "q1", "Question 1", "Câu 1", None],
    ]
    choices = [["LIST NAME", "NAME", "LABEL:English"], ["muc", "1", "Poor"], ["muc", "2", "Good"]]
    settings = [["FORM_ID", "Unit_Field", "RESPONDENT_GROUP"], ["f", "don_vi", "dan"]]
    path = workbook(
        tmp_path / "hoa.xlsx", {"SURVEY": survey, "Choices": choices, "SETTINGS": settings}
    )
    form = accepted(path).form
    assert form.languages == ("English", "Tiếng Việt")
    assert form.default_language == "English"  # no default_language: the first one
    assert form.question("q1").labels == {"English": "Question 1", "Tiếng Việt": "Câu 1"}
    assert form.question("q1").is_select_one
    assert form.question("q1").list_name == "muc"
    assert form.form_id == "f"
    assert form.unit_field == "don_vi"
    double = [["type", "name", "label::Tiếng Việt (vi)"], ["text", "don_vi", "Mã"]]
    assert accepted(form_file(tmp_path, double, settings=SETTINGS)).form.languages == (
        "Tiếng Việt (vi)",
    )


@pytest.mark.parametrize(
    "settings",
    [None, [["form_id", "unit_field"]], [], [["", "unit_field", None], ["x", None, "lạc"]]],
    ids=["missing", "headers only", "empty", "blank header"],
)
def test_a_missing_or_empty_settings_sheet_takes_defaults(
    tmp_path: Path, settings: list[list[object]] | None
) -> None:
    survey = [["type", "name", "label"], ["text", "don_vi", "Mã đơn vị"]]
    path = form_file(tmp_path, survey, settings=settings, name="khao_sat_2025.xlsx")
    with pytest.raises(FormError) as caught:
        read_xlsform(path)
    messages = [p.message for p in caught.value.problems]
    assert any("unit_field" in m for m in messages)
    assert all("unit_field" in m or "respondent_group" in m for m in messages), messages


def test_an_empty_settings_column_does_not_break_the_import(tmp_path: Path) -> None:
    settings = [["form_id", None, "unit_field", "respondent_group"], ["", "lạc", "don_vi", "dan"]]
    survey = [["type", "name", "label"], ["text", "don_vi", "Mã đơn vị"]]
    check = accepted(form_file(tmp_path, survey, settings=settings, name="khao_sat.xlsx"))
    form = check.form
    assert form.form_id == "khao_sat"  # from the file name, as pyxform does
    assert any("cột không có tên" in warning for warning in check.warnings)
    result = parse_responses(form, rows_to_raw([{"don_vi": "X1"}]), salt=b"s")
    assert result.imported == 1


def test_duplicate_choice_names_across_cascading_branches(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["text", "don_vi", "Mã", None],
        ["select_one tinh", "tinh", "Tỉnh", None],
        ["select_one huyen", "huyen", "Huyện", "tinh=${tinh}"],
    ]
    choices = [
        ["list_name", "name", "label", "tinh"],
        ["tinh", "a", "A", None],
        ["tinh", "b", "B", None],
        ["huyen", "trung_tam", "Trung tâm", "a"],
        ["huyen", "trung_tam", "Trung tâm", "b"],
    ]
    allowed = [[*SETTINGS[0], "allow_choice_duplicates"], [*SETTINGS[1], "yes"]]
    form = accepted(form_file(tmp_path, survey, choices=choices, settings=allowed)).form
    assert form.choice_names("huyen") == ("trung_tam",)
    refused = validate_xlsform(form_file(tmp_path, survey, choices=choices, settings=SETTINGS))
    assert [p.location.rsplit("!", 1)[1] for p in refused.problems] == ["B5"]


def test_cells_under_no_column_name_are_ignored_with_a_warning(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", None],
        ["text", "don_vi", "Mã", "ghi chú lạc"],
        ["integer", "tuoi", "Tuổi", "nữa"],
    ]
    check = accepted(form_file(tmp_path, survey, settings=SETTINGS))
    assert any("survey!D1: cột không có tên: bỏ qua 2 ô" in w for w in check.warnings)


def test_the_same_name_in_two_groups_gets_a_column_each(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["text", "don_vi", "Mã"],
        ["begin_group", "truoc", "Trước"],
        ["select_one muc", "hai_long", "Hài lòng trước"],
        ["end_group", None, None],
        ["begin group", "sau", "Sau"],
        ["select_one muc", "hai_long", "Hài lòng sau"],
        ["end group", None, None],
    ]
    form = accepted(form_file(tmp_path, survey, settings=SETTINGS)).form
    assert [q.name for q in form.answer_questions] == ["don_vi", "truoc/hai_long", "sau/hai_long"]
    raw = rows_to_raw([{"don_vi": "X", "truoc/hai_long": "1", "sau/hai_long": "2"}])
    result = parse_responses(form, raw, salt=b"s")
    assert result.table.column("sau/hai_long").to_pylist() == ["2"]
    written = tmp_path / "again.xlsx"
    write_xlsform(form, written)
    assert read_xlsform(written) == form


def test_or_other_and_external_choices(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["text", "don_vi", "Mã"],
        ["select_one muc or_other", "q1", "Câu 1"],
        ["select_one_from_file xa.csv", "xa", "Xã"],
    ]
    form = accepted(form_file(tmp_path, survey, settings=SETTINGS)).form
    assert [q.name for q in form.answer_questions] == ["don_vi", "q1", "q1_other", "xa"]
    raw = rows_to_raw([{"don_vi": "X", "q1": "other", "q1_other": "Khác", "xa": "x9"}])
    assert parse_responses(form, raw, salt=b"s").imported == 1


def test_repeats_are_accepted_stored_and_only_top_level_questions_score(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "node"],
        ["text", "don_vi", "Mã", None],
        ["select_one muc", "q1", "Câu 1", "S1"],
        ["begin_repeat", "lan", "Lần đến", None],
        ["select_one muc", "q2", "Câu 2", None],
        ["end_repeat", None, None, None],
    ]
    check = accepted(form_file(tmp_path, survey, settings=SETTINGS))
    assert [r.key for r in check.form.repeats] == ["lan"]
    assert [q.name for q in check.form.scored_questions] == ["q1"]
    assert any("survey!A4: nhóm lặp (repeat)" in w and "chấm điểm" in w for w in check.warnings)
    survey[4][3] = "S1"
    refused = validate_xlsform(form_file(tmp_path, survey, settings=SETTINGS, name="b.xlsx"))
    assert [(p.location.rsplit("!", 1)[1], "nhóm lặp" in p.message) for p in refused.problems] == [
        ("D5", True)
    ]
    inside = [*survey[:3], ["begin_repeat", "lan", "Lần", None], ["text", "don_vi", "Mã", None]]
    inside[1] = ["text", "ma", "Mã", None]
    inside.append(["end_repeat", None, None, None])
    refused = validate_xlsform(form_file(tmp_path, inside, settings=SETTINGS, name="c.xlsx"))
    assert any("nằm trong nhóm lặp" in p.message for p in refused.problems)


def test_loops_are_refused_as_unsupported_at_their_cell(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label"],
        ["text", "don_vi", "Mã"],
        ["begin loop over muc", "vong", "Vòng"],
        ["integer", "so", "Số %(label)s"],
        ["end loop", None, None],
    ]
    check = validate_xlsform(form_file(tmp_path, survey, settings=SETTINGS))
    assert check.form is None
    [problem] = check.problems
    assert problem.location.endswith("!survey!A3")
    assert problem.message.startswith(f"vòng lặp (loop, «begin loop over muc») {UNSUPPORTED}")
    assert check.unsupported == check.problems


def test_a_name_clashing_with_a_system_column_is_unsupported(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["text", "don_vi", "Mã"], ["text", "KEY", "Khoá"]]
    check = validate_xlsform(form_file(tmp_path, survey, settings=SETTINGS))
    assert [p.location.rsplit("!", 1)[1] for p in check.unsupported] == ["B3"]


WORDS = [
    None,
    "",
    "type",
    "name",
    "label",
    "TYPE",
    "label::x",
    "label:y",
    "list_name",
    "begin_group",
    "end_group",
    "begin_repeat",
    "end_repeat",
    "begin loop over muc",
    "end loop",
    "select_one",
    "select_one muc",
    "select_one nothere",
    "select one from muc or specify other",
    "calculate",
    "note",
    "text",
    "integer",
    "q1",
    "q1",
    "2q",
    "_uuid",
    "node",
    "S1",
    "points",
    "weight",
    0,
    1,
    -1,
    3.5,
    True,
    "form_id",
    "unit_field",
    "q1",
    "respondent_group",
    "respondent_group_field",
    "default_language",
    "timezone",
    "Mars/Olympus",
    "allow_choice_duplicates",
    "yes",
    "settings",
]


@pytest.mark.parametrize("seed", range(4))
def test_no_input_crashes_the_reader_only_located_problems(tmp_path: Path, seed: int) -> None:
    """Random small workbooks: `validate_xlsform` returns problems or a form, never raises."""
    rng = random.Random(seed)
    for number in range(60):
        sheets = {}
        for title in rng.sample(["survey", "choices", "settings", "Sheet", "SURVEY"], k=3):
            sheets[title] = [
                [rng.choice(WORDS) for _ in range(rng.randint(0, 6))]
                for _ in range(rng.randint(0, 6))
            ]
        path = workbook(tmp_path / f"r{seed}_{number}.xlsx", sheets)
        check = validate_xlsform(path)
        for problem in check.problems:
            assert problem.location.startswith(str(path))
        if check.form is not None:
            rows = [
                {"don_vi": "X"},
                {question.name: "1" for question in check.form.answer_questions},
            ]
            try:
                result = parse_responses(check.form, rows_to_raw(rows), salt=b"s")
            except ResponseFileError:
                continue
            assert result.reconciles


def test_no_responses_file_crashes_the_reader(tmp_path: Path) -> None:
    rng = random.Random(5)
    for number in range(40):
        suffix = rng.choice([".csv", ".zip", ".xlsx"])
        path = tmp_path / f"f{number}{suffix}"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))))
        problems: list[str] = []
        try:
            read_response_file(path)
        except ResponseFileError as error:
            problems = [problem.location for problem in error.problems]
        assert all(location.startswith(str(path)) for location in problems)
