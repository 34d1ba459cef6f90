"""`parindex framework validate | show | convert`, driven through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from parindex.cli import app
from parindex.frameworks import EXAMPLES_DIR, framework_differences, load_framework
from tests.frameworks.helpers import BROKEN, MINIMAL

NATIONAL = EXAMPLES_DIR / "example_national_876_2022.yaml"
runner = CliRunner(env={"COLUMNS": "80"})


def run(*arguments: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["framework", *map(str, arguments)])
    return result.exit_code, result.output


# --- validate --------------------------------------------------------------------------------


def test_validate_accepts_a_valid_file_with_its_size_and_total() -> None:
    code, output = run("validate", NATIONAL)
    assert code == 0
    assert output.startswith("Hợp lệ: «VÍ DỤ — không phải bộ tiêu chí chính thức")
    assert "79 mục, 8 lĩnh vực, 56 mục chấm điểm; tổng điểm tối đa 100." in output


def test_validate_accepts_the_excel_example() -> None:
    code, output = run("validate", EXAMPLES_DIR / "example_province_departments_2025.xlsx")
    assert code == 0
    assert "48 mục" in output


def test_validate_lists_every_problem_with_its_location_and_exits_1() -> None:
    code, output = run("validate", BROKEN)
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == f"Không hợp lệ: 4 lỗi trong «{BROKEN}»"
    assert [line.split(": ", 1)[0].strip() for line in lines[1:]] == [
        f"{BROKEN}:12",
        f"{BROKEN}:17",
        f"{BROKEN}:19",
        f"{BROKEN}:26",
    ]


def test_validate_reports_a_missing_file_and_exits_1(tmp_path: Path) -> None:
    code, output = run("validate", tmp_path / "missing.yaml")
    assert code == 1
    assert "missing.yaml" in output
    assert "không tìm thấy tệp" in output


# --- show ------------------------------------------------------------------------------------


def test_show_prints_the_tree_with_maxima_rules_sources_and_tags() -> None:
    code, output = run("show", MINIMAL)
    assert code == 0
    assert "Bộ tiêu chí thử nghiệm (dữ liệu kiểm thử) — 2024 — Sở, ban, ngành" in output
    assert "xếp loại: Tốt ≥ 90 %, Khá ≥ 80 %, Trung bình ≥ 65 %, Yếu ≥ 0 %" in output
    assert "├── 1 Công tác chỉ đạo, điều hành CCHC [9,0929 đ]" in output
    assert "│   ├── 1.1 Ban hành kế hoạch CCHC năm [4,0929 đ] quy tắc choice" in output
    assert "dossiers.on_time_rate" in output
    assert "#quick_win" in output
    assert "└── P Điểm trừ [2 đ] điểm trừ · quy tắc manual · tự chấm" in output


def test_show_fits_an_80_column_terminal() -> None:
    code, output = run("show", NATIONAL)
    assert code == 0
    assert max(len(line) for line in output.splitlines()) <= 80
    assert "8.3.4" in output


def test_show_can_stop_at_a_depth() -> None:
    code, output = run("show", NATIONAL, "--depth", "1")
    assert code == 0
    assert "Cải cách thể chế [10 đ]" in output
    assert "2.1" not in output


def test_show_of_an_invalid_file_lists_the_problems() -> None:
    code, output = run("show", BROKEN)
    assert code == 1
    assert f"{BROKEN}:17: khóa «tittle» không có" in output


# --- convert ---------------------------------------------------------------------------------


def test_convert_writes_an_equivalent_workbook_and_back(tmp_path: Path) -> None:
    workbook = tmp_path / "framework.xlsx"
    code, output = run("convert", MINIMAL, workbook)
    assert code == 0
    assert output.startswith(f"Đã ghi «{workbook}»")
    copy = tmp_path / "framework.yaml"
    assert run("convert", workbook, copy)[0] == 0
    assert framework_differences(load_framework(MINIMAL), load_framework(copy)) == []


def test_convert_writes_nothing_when_the_input_is_invalid(tmp_path: Path) -> None:
    code, output = run("convert", BROKEN, tmp_path / "out.xlsx")
    assert code == 1
    assert f"{BROKEN}:26" in output
    assert list(tmp_path.iterdir()) == []


def test_convert_does_not_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("giữ nguyên", encoding="utf-8")
    code, output = run("convert", MINIMAL, target)
    assert code == 1
    assert "dùng --force để ghi đè" in output
    assert target.read_text(encoding="utf-8") == "giữ nguyên"
    assert run("convert", MINIMAL, target, "--force")[0] == 0
    assert load_framework(target).info.code == "test_minimal"
    assert [path.name for path in tmp_path.iterdir()] == ["out.yaml"]


def test_convert_refuses_an_unknown_target_format(tmp_path: Path) -> None:
    code, output = run("convert", MINIMAL, tmp_path / "out.csv")
    assert code == 1
    assert "«.csv» không hỗ trợ" in output
    assert list(tmp_path.iterdir()) == []
