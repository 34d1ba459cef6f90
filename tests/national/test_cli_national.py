"""`parindex national report`: the golden Bắc Kạn 2022 report, formats, files and bad input.

The golden file `golden/bac_kan_2022.json` holds the whole JSON report of Bắc Kạn
2022 against 2021 from the shipped demo table. After an intended change of the
report or of the demo table, regenerate it and review the diff:

    PARINDEX_UPDATE_GOLDEN=1 .venv/bin/pytest tests/national/test_cli_national.py -k golden
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

from parindex.cli import app
from tests.golden import check_golden

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden" / "bac_kan_2022.json"
DEMO = HERE.parents[1] / "parindex" / "data" / "national" / "par_index_generated_2021_2022.csv"
SMALL = FIXTURES / "small_results.csv"
BAC_KAN_2022 = ["--year", "2022", "--unit", "Bắc Kạn", "--compare-to", "2021"]


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(app, ["national", "report", *map(str, arguments)])


def exact_json(text: str) -> Any:
    """JSON with every non-integer number read as an exact Decimal."""
    return json.loads(text, parse_float=Decimal)


def spreadsheet_value(text: str) -> str | int | float | None:
    """A CSV cell as a spreadsheet would hold it: numbers as numbers, empty as nothing."""
    if not text:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def split_demo(tmp_path: Path) -> tuple[Path, Path]:
    """The demo table cut into one file per year."""
    header, *rows = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)
    paths = []
    for year in ("2021", "2022"):
        path = tmp_path / f"results_{year}.csv"
        path.write_text(header + "".join(row for row in rows if row.startswith(year + ",")))
        paths.append(path)
    return paths[0], paths[1]


# --- the golden report ------------------------------------------------------------------------


def test_golden_bac_kan_2022_json_reproduces_the_article() -> None:
    result = run("--results", DEMO, *BAC_KAN_2022, "--format", "json")
    assert result.exit_code == 0, result.output
    report = exact_json(result.stdout)

    # The figures of the Báo Bắc Kạn article, checked one by one before the whole file.
    assert (report["index"], report["rank"], report["of"], report["class"]) == (
        Decimal("79.35"),
        61,
        63,
        "C",
    )
    percents = {area["code"]: area["percent"] for area in report["areas"]}
    assert (percents["1"], percents["2"], percents["4"], percents["7"]) == (
        Decimal("81.84"),
        Decimal("90.7"),
        Decimal("86.6"),
        Decimal("72.2"),
    )
    assert [report[key] for key in ("areas_up_in_rank", "areas_down_in_rank")] == [2, 6]
    assert [report[key] for key in ("areas_up_in_points", "areas_down_in_points")] == [2, 6]

    check_golden(GOLDEN, report, text=result.stdout, load=exact_json)


def test_the_json_report_has_the_documented_keys_in_order() -> None:
    report = json.loads(run("--results", DEMO, *BAC_KAN_2022, "--format", "json").stdout)
    contract = [
        "unit",
        "year",
        "total",
        "max_total",
        "index",
        "rank",
        "of",
        "class",
        "areas",
        "compare_to",
        "areas_up_in_rank",
        "areas_down_in_rank",
        "areas_up_in_points",
        "areas_down_in_points",
        "headroom",
    ]
    assert list(report)[: len(contract)] == contract
    area_keys = ["code", "name", "points", "max_points", "percent", "rank"]
    area_keys += ["points_change", "rank_change"]
    assert all(list(area)[: len(area_keys)] == area_keys for area in report["areas"])
    assert all(list(item)[:3] == ["code", "name", "points_lost"] for item in report["headroom"])
    lost = [item["points_lost"] for item in report["headroom"]]
    assert lost == sorted(lost, reverse=True)


def test_json_numbers_are_numbers_written_without_float_noise() -> None:
    text = run("--results", DEMO, *BAC_KAN_2022, "--format", "json").stdout
    assert '"points": 9.0929,' in text
    assert '"points": 17.738,' in text  # 72,4 % of 24,5
    assert '"points_change": -0.325,' in text  # 7,775 − 8,1
    assert '"max_total": 100,' in text
    assert '"points": "' not in text


def test_without_compare_to_the_changes_are_null() -> None:
    result = run("--results", DEMO, "--year", "2022", "--unit", "Bắc Kạn", "--format", "json")
    report = json.loads(result.stdout)
    assert report["compare_to"] is None
    assert report["areas_up_in_rank"] is None
    assert {area["rank_change"] for area in report["areas"]} == {None}


# --- the table --------------------------------------------------------------------------------


def test_the_make_run_command_prints_the_vietnamese_report() -> None:
    result = run("--results", DEMO, *BAC_KAN_2022)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Bắc Kạn — Chỉ số CCHC 2022: 79,35/100 điểm, xếp thứ 61/63, loại C" in text
    assert "So với 2021: 81,10 điểm (-1,75), xếp thứ 58/63 → 61/63 (giảm 3 bậc)" in text
    assert (
        "2 lĩnh vực tăng hạng, 6 lĩnh vực giảm hạng; 2 tăng điểm, 6 giảm điểm so với 2021."
    ) in text
    for header in ("Điểm", "Tối đa", "%", "Hạng", "± điểm", "± hạng", "Dư địa cải thiện"):
        assert header in text
    # Decimal commas, and every column survives an 80-column terminal.
    for figure in ("7,775", "9,0929", "81,84", "72,20", "+0,786", "6,762", "32,75%"):
        assert figure in text
    assert "Cần thêm 0,27 điểm để lên hạng 60; 0,645 điểm để đạt loại B." in text
    assert "2021, tất cả lĩnh vực: generated (parindex demo)" in text
    assert "7.775" not in text
    assert "79.35" not in text
    assert result.stderr == ""


def test_the_table_can_be_written_to_a_file(tmp_path: Path) -> None:
    output = tmp_path / "report.txt"
    result = run("--results", SMALL, "--year", "2022", "--unit", "Tỉnh A", "-o", output)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Đã ghi {output}" in result.stderr
    assert "Tỉnh A — Chỉ số CCHC 2022: 90,50/100 điểm, xếp thứ 2/4, loại A" in output.read_text(
        encoding="utf-8"
    )


# --- several files ----------------------------------------------------------------------------


def test_results_takes_several_files_after_one_option(tmp_path: Path) -> None:
    first, second = split_demo(tmp_path)
    result = run("--results", first, second, *BAC_KAN_2022, "--format", "json")
    assert result.exit_code == 0, result.output
    assert exact_json(result.stdout) == exact_json(GOLDEN.read_text(encoding="utf-8"))


def test_results_can_be_repeated(tmp_path: Path) -> None:
    first, second = split_demo(tmp_path)
    result = run("--results", first, "--results", second, *BAC_KAN_2022, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["areas_down_in_rank"] == 6


def test_without_any_results_file_it_exits_with_2() -> None:
    result = run("--year", "2022", "--unit", "Bắc Kạn")
    assert result.exit_code == 2
    assert "cần ít nhất một tệp kết quả" in result.stderr


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_output_has_a_summary_and_an_areas_sheet_with_two_decimal_formats(
    tmp_path: Path,
) -> None:
    output = tmp_path / "bac_kan.xlsx"
    result = run("--results", DEMO, *BAC_KAN_2022, "--format", "xlsx", "--output", output)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(output)
    assert workbook.sheetnames == ["Tổng quan", "Lĩnh vực", "Dư địa"]

    summary = {row[0].value: row[1] for row in workbook["Tổng quan"].iter_rows(min_row=2)}
    assert summary["Đơn vị"].value == "Bắc Kạn"
    assert summary["Chỉ số (%)"].value == pytest.approx(79.35)
    assert summary["Chỉ số (%)"].number_format == "0.00"
    assert (summary["Xếp hạng"].value, summary["Số đơn vị được xếp hạng"].value) == (61, 63)
    assert summary["Xếp loại"].value == "C"
    assert summary["Số lĩnh vực tăng hạng"].value == 2
    assert summary["Số lĩnh vực giảm điểm"].value == 6

    areas = workbook["Lĩnh vực"]
    headers = [cell.value for cell in areas[1]]
    assert headers[:6] == ["Mã", "Lĩnh vực", "Điểm", "Điểm tối đa", "Tỷ lệ (%)", "Hạng"]
    assert headers[6:] == ["Điểm 2021", "± điểm", "Hạng 2021", "± hạng"]
    first = list(areas[2])
    assert first[0].value == "1"
    assert first[2].value == pytest.approx(7.775)
    assert first[2].number_format == "0.00##"
    assert (first[4].value, first[4].number_format) == (pytest.approx(81.84), "0.00")
    assert first[5].value == 58
    impact = [cell.value for cell in areas[9]]
    assert (impact[0], impact[5], impact[9]) == ("8", 34, -4)

    headroom = workbook["Dư địa"]
    assert [cell.value for cell in headroom[2]][:3] == [
        "8",
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội",
        pytest.approx(6.762),
    ]


def test_xlsx_input_gives_the_same_report_as_csv(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    with SMALL.open(encoding="utf-8", newline="") as stream:
        for row in csv.reader(stream):
            sheet.append([spreadsheet_value(cell) for cell in row])
    path = tmp_path / "small.xlsx"
    workbook.save(path)
    arguments = ["--year", "2022", "--unit", "Tỉnh A", "--compare-to", "2021", "--format", "json"]
    from_xlsx = exact_json(run("--results", path, *arguments).stdout)
    from_csv = exact_json(run("--results", SMALL, *arguments).stdout)
    assert from_xlsx["total"] == Decimal("90.5")
    assert from_xlsx["areas"] == from_csv["areas"]
    assert from_xlsx["headroom"] == from_csv["headroom"]


def test_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    result = run("--results", DEMO, *BAC_KAN_2022, "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == "Lỗi: định dạng xlsx cần --output TỆP.xlsx\n"


# --- bad input: exit 2, file and row named, nothing written -----------------------------------

BAD_CASES = {
    "non-numeric points": ("2022,Tỉnh A,1,abc,10\n", "r.csv:2, cột «points»: «abc» không phải"),
    "points above max": ("2022,Tỉnh A,1,11,10\n", "r.csv:2, cột «points»: điểm 11 vượt"),
    "negative points": ("2022,Tỉnh A,1,-2,10\n", "r.csv:2, cột «points»: điểm -2 không được âm"),
    "missing area": (
        "2022,Tỉnh A,1,5,10\n2022,Tỉnh A,2,5,10\n2022,Tỉnh B,1,5,10\n",
        "r.csv:4: «Tỉnh B» năm 2022 thiếu lĩnh vực 2",
    ),
    "duplicate": ("2022,Tỉnh A,1,5,10\n2022,Tỉnh A,1,6,10\n", "r.csv:3: trùng dòng"),
    "different maxima": (
        "2022,Tỉnh A,1,5,10\n2022,Tỉnh B,1,5,9\n",
        "r.csv:3, cột «max_points»: điểm tối đa của lĩnh vực 1 năm 2022 là 9, khác 10",
    ),
    "no points": ("2022,Tỉnh A,1,,10\n", "r.csv:2: thiếu điểm"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
@pytest.mark.parametrize("output_format", ["table", "json", "xlsx"])
def test_bad_input_exits_with_2_naming_file_and_row_and_writes_nothing(
    tmp_path: Path, case: str, output_format: str
) -> None:
    rows, message = BAD_CASES[case]
    results = tmp_path / "r.csv"
    results.write_text("year,unit,area,points,max_points\n" + rows, encoding="utf-8")
    output = tmp_path / f"out.{output_format}"
    result = run(
        "--results", results, "--year", "2022", "--unit", "Tỉnh A",
        "--format", output_format, "--output", output,
    )  # fmt: skip
    assert result.exit_code == 2
    assert str(tmp_path / message) in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [results]  # no report, no temporary file


def test_a_missing_column_is_reported_at_the_header_row(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    results.write_text("year,unit,area,points\n2022,Tỉnh A,1,5\n", encoding="utf-8")
    result = run("--results", results, "--year", "2022", "--unit", "Tỉnh A")
    assert result.exit_code == 2
    assert f"{results}:1: thiếu cột «max_points»" in result.stderr


def test_bad_input_leaves_an_existing_output_file_untouched(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    output.write_text("previous report", encoding="utf-8")
    result = run(
        "--results", FIXTURES / "bad_results.csv", "--year", "2022", "--unit", "Tỉnh D",
        "--format", "json", "--output", output,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "10 lỗi trong dữ liệu kết quả" in result.stderr
    assert output.read_text(encoding="utf-8") == "previous report"


def test_an_unknown_unit_exits_with_2_and_suggests_the_right_spelling() -> None:
    result = run("--results", DEMO, "--year", "2022", "--unit", "Bac Kan")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Lỗi: không có đơn vị «Bac Kan» trong kết quả năm 2022. Có phải «Bắc Kạn»?"
    )


def test_an_unknown_year_exits_with_2_and_lists_the_years() -> None:
    result = run("--results", DEMO, "--year", "2020", "--unit", "Bắc Kạn")
    assert result.exit_code == 2
    assert result.stderr == (
        "Lỗi: năm 2020 không có trong dữ liệu kết quả (các năm có: 2021, 2022)\n"
    )


def test_an_output_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "nowhere" / "report.json"
    result = run("--results", SMALL, "--year", "2022", "--unit", "Tỉnh A", "-o", output)
    assert result.exit_code == 2
    assert "không tồn tại" in result.stderr
    assert not output.parent.exists()


def test_a_published_rank_mismatch_is_warned_on_stderr_and_in_the_json(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    # Tỉnh A's three 2022 rows claim rank 1; its points give rank 2 (Tỉnh D has more).
    text = SMALL.read_text(encoding="utf-8")
    text = text.replace(",30,2,test fixture", ",30,1,test fixture").replace(
        ",40,2,test fixture", ",40,1,test fixture"
    )
    results.write_text(text, encoding="utf-8")
    result = run("--results", results, "--year", "2022", "--unit", "Tỉnh A", "--format", "json")
    assert result.exit_code == 0, result.output
    warning = f"{results}:14: hạng công bố của «Tỉnh A» năm 2022 là 1, hạng tính từ điểm các lĩnh vực là 2"
    assert result.stderr == f"Cảnh báo: {warning}\n"
    report = json.loads(result.stdout)
    assert (report["rank"], report["warnings"]) == (2, [warning])


def test_a_published_rank_mismatch_is_shown_under_the_table(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    results.write_text(
        SMALL.read_text(encoding="utf-8")
        .replace(",30,3,test fixture", ",30,1,test fixture")
        .replace(",40,3,test fixture", ",40,1,test fixture"),
        encoding="utf-8",
    )
    result = run("--results", results, "--year", "2022", "--unit", "Tỉnh A", "--compare-to", "2021")
    assert result.exit_code == 0, result.output
    assert "Cảnh báo (hạng công bố khác hạng tính được):" in result.stdout
    assert "hạng công bố của «Tỉnh A» năm 2021 là 1, hạng tính từ điểm các lĩnh vực là 3" in (
        result.stdout
    )


def test_names_and_sources_are_printed_literally_not_as_terminal_markup(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    results.write_text(
        "year,unit,area,area_name,points,max_points,source\n"
        "2022,Tỉnh [A],1,[bold]Thể chế[/bold],5,10,[link=x]nguồn[/link]\n",
        encoding="utf-8",
    )
    result = run("--results", results, "--year", "2022", "--unit", "Tỉnh [A]", "--format", "table")
    assert result.exit_code == 0, result.output
    assert "Tỉnh [A] — Chỉ số CCHC 2022: 5,00/10 điểm, xếp thứ 1/1" in result.stdout
    assert "[bold]Thể chế[/bold]" in result.stdout
    assert "2022, tất cả lĩnh vực: [link=x]nguồn[/link]" in result.stdout
