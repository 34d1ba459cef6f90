"""The Excel framework workbook: lossless round trips, located problems, a sheet for people."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from parindex.engine import FrameworkError
from parindex.frameworks import (
    EXAMPLES_DIR,
    FrameworkFileError,
    example_paths,
    framework_differences,
    load_framework,
    write_framework,
)
from tests.frameworks.helpers import MINIMAL

YAML_EXAMPLES = [path for path in example_paths() if path.suffix == ".yaml"]
SHIPPED_XLSX = EXAMPLES_DIR / "example_province_departments_2025.xlsx"


def minimal_workbook(folder: Path) -> Path:
    """The minimal test framework as a workbook. Rows of `nodes`: 2 = «1», 3 = «1.1», 4 = «1.2»,
    5 = «2», 6 = «2.1» … (column D is max_points, B is parent)."""
    path = folder / "framework.xlsx"
    write_framework(load_framework(MINIMAL), path)
    return path


def edit_cell(path: Path, sheet: str, cell: str, value: Any) -> None:
    workbook = load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    return [str(problem) for problem in caught.value.problems]


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


# --- lossless conversion ---------------------------------------------------------------------


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda path: path.name)
def test_yaml_to_xlsx_to_yaml_gives_the_same_framework(path: Path, tmp_path: Path) -> None:
    original = load_framework(path)
    write_framework(original, tmp_path / "framework.xlsx")
    from_excel = load_framework(tmp_path / "framework.xlsx")
    assert framework_differences(original, from_excel) == []
    write_framework(from_excel, tmp_path / "framework.yaml")
    assert framework_differences(original, load_framework(tmp_path / "framework.yaml")) == []


def test_xlsx_to_yaml_to_xlsx_gives_the_same_framework_and_cells(tmp_path: Path) -> None:
    original = load_framework(SHIPPED_XLSX)
    write_framework(original, tmp_path / "framework.yaml")
    from_yaml = load_framework(tmp_path / "framework.yaml")
    write_framework(from_yaml, tmp_path / "again.xlsx")
    assert framework_differences(original, load_framework(tmp_path / "again.xlsx")) == []
    assert sheet_values(tmp_path / "again.xlsx") == sheet_values(SHIPPED_XLSX)


def test_the_shipped_workbook_equals_its_yaml_twin() -> None:
    twin = EXAMPLES_DIR / "example_province_departments_2025.yaml"
    assert framework_differences(load_framework(twin), load_framework(SHIPPED_XLSX)) == []


def test_values_a_cell_cannot_hold_round_trip_as_inline_yaml(tmp_path: Path) -> None:
    original = load_framework(MINIMAL)
    extra = {"reviewers": ["Sở Nội vụ", "Sở Tư pháp"], "draft_note": "", "formula_like": "=1+1"}
    info = dataclasses.replace(original.info, extra={**original.info.extra, **extra})
    framework = dataclasses.replace(original, info=info)
    path = tmp_path / "framework.xlsx"
    write_framework(framework, path)
    rows = {row[0]: row[1:] for row in sheet_values(path)["framework"]}
    assert rows["reviewers"] == ("[Sở Nội vụ, Sở Tư pháp]", "yaml")
    assert rows["formula_like"] == ("=1+1", None)  # text, not a formula
    assert load_framework(path).info.extra == {"issuer": "Sở Nội vụ (ví dụ)", **extra}


# --- located problems ------------------------------------------------------------------------


def test_a_non_numeric_maximum_is_located_at_its_cell(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "D3", "bốn")
    assert problems_of(path) == [f"{path}!nodes!D3: điểm tối đa của «1.1» phải là số"]


def test_a_maximum_written_with_a_decimal_comma_is_accepted(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "D3", "4,0929")
    assert load_framework(path).node("1.1").max_points == Decimal("4.0929")


def test_an_orphan_parent_is_located_at_its_parent_cell(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "B4", "9")
    problems = problems_of(path)
    assert f"{path}!nodes!B4: mục «1.2» có mục cha «9» không tồn tại" in problems


def test_a_duplicate_code_names_both_cells(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "A4", "1.1")
    assert f"{path}!nodes!A4: mã «1.1» trùng với {path}!nodes!A3" in problems_of(path)


def test_broken_rule_params_are_located_at_their_cell(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "G4", "{full_at_percent: [100}")
    [problem, *_] = problems_of(path)
    assert problem.startswith(f"{path}!nodes!G4: «rule_params» không đọc được:")


def test_a_misspelt_rule_parameter_is_located_at_the_params_cell(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "G4", "{full_at: 100}")
    assert problems_of(path) == [
        f"{path}!nodes!G4: mục «1.2»: quy tắc «ratio» không có tham số «full_at»; "
        "có phải «full_at_percent»?"
    ]


def test_an_unknown_column_is_reported_at_its_header(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "P1", "weight")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}!nodes!P1: cột «weight» không có")


def test_a_bad_metadata_value_is_located_at_its_value_cell(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "framework", "B7", "một trăm")  # row 7 is max_total
    assert f"{path}!framework!B7: «max_total» phải là số" in problems_of(path)


def test_a_bad_class_row_is_located_at_its_row(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "classes", "B3", "tám mươi")
    assert problems_of(path) == [f"{path}!classes!A3: «min_percent» phải là số"]


def test_a_file_that_is_not_a_workbook_raises_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "framework.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match=r"framework\.xlsx.*không phải tệp Excel"):
        load_framework(path)


# --- what people type ------------------------------------------------------------------------


def test_numbers_typed_into_code_cells_read_as_text(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "A2", 1)
    for row in range(3, 5):
        edit_cell(path, "nodes", f"B{row}", 1)
    edit_cell(path, "nodes", "A4", 1.2)
    framework = load_framework(path)
    assert framework.node("1.2").parent == "1"


def test_alternatives_accepts_an_x_and_rejects_nonsense(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    edit_cell(path, "nodes", "N5", "x")  # «2»: children maxima then need not add up
    assert load_framework(path).node("2").alternatives is True
    edit_cell(path, "nodes", "N5", "có lẽ")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}!nodes!N5: «alternatives» phải là TRUE/FALSE")


def test_empty_rows_between_nodes_are_ignored(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    workbook = load_workbook(path)
    workbook["nodes"].insert_rows(4)
    workbook.save(path)
    assert framework_differences(load_framework(MINIMAL), load_framework(path)) == []


# --- a sheet for people ----------------------------------------------------------------------


def test_the_nodes_sheet_is_laid_out_for_people(tmp_path: Path) -> None:
    path = minimal_workbook(tmp_path)
    sheet = load_workbook(path)["nodes"]
    assert [cell.value for cell in sheet[1]][:4] == ["code", "parent", "title", "max_points"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "D2"
    assert sheet.column_dimensions["C"].width == 60
    # Indentation by depth shows the tree; the title itself is unchanged.
    assert sheet["C2"].alignment.indent == 0
    assert sheet["C3"].alignment.indent == 1
    assert sheet["C3"].value == "Ban hành kế hoạch CCHC năm"
    assert sheet["C2"].font.bold
    assert sheet["D2"].value == pytest.approx(9.0929)
    validations = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in sheet.data_validations.dataValidation
    }
    assert validations["E2"] == '"standard,bonus,penalty"'


def test_the_framework_sheet_holds_metadata_and_the_classes_sheet_the_classes(
    tmp_path: Path,
) -> None:
    values = sheet_values(minimal_workbook(tmp_path))
    assert values["framework"][0] == ("key", "value", "value_format")
    rows = {row[0]: row[1] for row in values["framework"][1:]}
    assert rows["year"] == 2024
    assert rows["rounding.points_places"] == 4
    assert values["classes"] == [
        ("label", "min_percent"),
        ("Tốt", 90),
        ("Khá", 80),
        ("Trung bình", 65),
        ("Yếu", 0),
    ]
