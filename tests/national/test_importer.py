"""Reading long-form national results: formats, exact numbers, and every located problem.

The fixtures are test data (provinces "Tỉnh A"…), not published figures. Every
expected total below was added up by hand from the fixture rows.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from parindex.national import ResultsImportError, read_results

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small_results.csv"
HEADER = "year,unit,area,points,max_points\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(ResultsImportError) as caught:
        read_results(list(paths))
    return [str(problem) for problem in caught.value.problems]


# --- reading ----------------------------------------------------------------------------------


def test_it_reads_long_form_rows_and_sums_each_units_areas() -> None:
    results = read_results([SMALL])
    assert list(results.years) == [2021, 2022]
    year = results.years[2022]
    assert year.units == ("Tỉnh A", "Tỉnh B", "Tỉnh C", "Tỉnh D")
    assert [(area.code, area.name, area.max_points) for area in year.areas] == [
        ("1", "Chỉ đạo", Decimal(30)),
        ("2", "Thể chế", Decimal(30)),
        ("3", "Tác động", Decimal(40)),
    ]
    assert year.max_total == Decimal(100)
    assert year.total("Tỉnh A") == Decimal("90.5")  # 28 + 24,5 + 38
    assert year.total("Tỉnh C") == Decimal("69.5")  # 22 + 21 + 26,5
    assert results.years[2021].total("Tỉnh D") == Decimal(93)


def test_it_keeps_the_source_note_and_published_rank_of_each_row() -> None:
    year = read_results([SMALL]).years[2022]
    row = year.rows["Tỉnh D", "3"]
    assert (row.source, row.note, row.location) == (
        "test fixture",
        "điểm lĩnh vực 3 có ghi chú",
        f"{SMALL}:25",
    )
    assert year.published_rank("Tỉnh A") == (2, f"{SMALL}:14")
    assert year.published_rank("Tỉnh B") is None


def test_it_accepts_decimal_commas_semicolons_a_byte_order_mark_and_any_header_case() -> None:
    year = read_results([FIXTURES / "decimal_comma_semicolon_bom.csv"]).years[2022]
    assert year.rows["Tỉnh E", "1"].points == Decimal("7.775")
    assert year.areas[0].max_points == Decimal("9.5")


def test_it_turns_a_published_percent_into_exact_points() -> None:
    year = read_results([FIXTURES / "decimal_comma_semicolon_bom.csv"]).years[2022]
    row = year.rows["Tỉnh F", "2"]
    assert row.points == Decimal("7.22")  # 72,2 % of 10
    assert row.published_percent == Decimal("72.2")
    assert year.rows["Tỉnh E", "2"].points == Decimal("9.07")  # 90,7 % of 10


def test_a_percent_of_an_odd_maximum_stays_exact(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "year,unit,area,percent,max_points\n2022,Bắc Kạn,7,72.2,13\n2022,Bắc Kạn,8,72.4,24.5\n",
    )
    year = read_results([path]).years[2022]
    assert year.rows["Bắc Kạn", "7"].points == Decimal("9.386")
    assert year.rows["Bắc Kạn", "8"].points == Decimal("17.738")


def test_it_reads_a_quoted_decimal_comma_in_a_comma_separated_file(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + '2022,Tỉnh A,1,"7,775","9,5"\n')
    assert read_results([path]).years[2022].total("Tỉnh A") == Decimal("7.775")


def test_it_merges_rows_from_several_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", HEADER + "2022,Tỉnh A,1,5,10\n2022,Tỉnh A,2,6,10\n")
    second = write(tmp_path / "b.csv", HEADER + "2022,Tỉnh B,1,7,10\n2022,Tỉnh B,2,8,10\n")
    year = read_results([first, second]).years[2022]
    assert year.units == ("Tỉnh A", "Tỉnh B")
    assert year.total("Tỉnh B") == Decimal(15)
    assert year.rows["Tỉnh B", "2"].location == f"{second}:3"


def test_it_compares_names_after_unicode_normalisation(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Bắc Kạn")
    path = write(
        tmp_path / "r.csv",
        HEADER + f"2022,Bắc Kạn,1,5,10\n2022,{decomposed},2,6,10\n2022,  Bắc   Kạn ,3,7,10\n",
    )
    year = read_results([path]).years[2022]
    assert year.units == ("Bắc Kạn",)
    assert year.total("Bắc Kạn") == Decimal(18)


def test_it_skips_blank_rows_but_counts_them_in_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + "2022,Tỉnh A,1,5,10\n,,,,\n\n2022,Tỉnh A,2,x,10\n")
    assert problems_of(path) == [f"{path}:5, cột «points»: «x» không phải là số"]


def test_areas_may_differ_between_years(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEADER + "2021,Tỉnh A,X,5,10\n2022,Tỉnh A,1,5,9.5\n")
    results = read_results([path])
    assert [area.code for area in results.years[2021].areas] == ["X"]
    assert [area.code for area in results.years[2022].areas] == ["1"]
    assert results.years[2022].areas[0].name == "Lĩnh vực 1"  # no area_name column


def test_it_reads_the_first_sheet_of_an_xlsx_workbook(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["year", "unit", "area", "area_name", "points", "percent", "max_points"])
    sheet.append([2022, "Bắc Kạn", 1, "Chỉ đạo, điều hành", 7.775, None, 9.5])
    sheet.append([2022.0, "Bắc Kạn", 2.0, "Thể chế", "9,07", None, 10])
    sheet.append([2022, "Bắc Kạn", 4, None, 9.0929, None, 10.5])
    sheet.append([2022, "Bắc Kạn", 7, None, None, 72.2, 13])
    path = tmp_path / "results.xlsx"
    workbook.save(path)

    year = read_results([path]).years[2022]
    assert [area.code for area in year.areas] == ["1", "2", "4", "7"]
    assert year.areas[0].name == "Chỉ đạo, điều hành"
    # Spreadsheet floats come back as the decimals that were typed, not binary noise.
    assert [row.points for row in year.unit_rows("Bắc Kạn")] == [
        Decimal("7.775"),
        Decimal("9.07"),
        Decimal("9.0929"),
        Decimal("9.386"),
    ]
    assert year.total("Bắc Kạn") == Decimal("35.3239")


def test_an_xlsx_problem_names_the_row_column_and_cell(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["year", "unit", "area", "points", "max_points"])
    sheet.append([2022, "Tỉnh A", 1, 5, 10])
    sheet.append([2022, "Tỉnh A", 2, 11, 10])
    path = tmp_path / "results.xlsx"
    workbook.save(path)
    assert problems_of(path) == [
        f"{path}:3, cột «points» (ô D3): điểm 11 vượt điểm tối đa 10",
    ]


# --- bad input: every problem with its file, row and column -----------------------------------


def test_every_row_problem_of_a_file_is_reported_at_once_with_file_row_and_column() -> None:
    bad = FIXTURES / "bad_results.csv"
    assert problems_of(bad) == [
        f"{bad}:2, cột «points»: «abc» không phải là số",
        f"{bad}:3, cột «points»: điểm 12 vượt điểm tối đa 10",
        f"{bad}:4, cột «points»: điểm -1 không được âm",
        f"{bad}:5: chỉ điền một trong hai cột «points» và «percent»",
        f"{bad}:6: thiếu điểm: điền cột «points» (hoặc «percent»)",
        f"{bad}:7, cột «percent»: tỷ lệ 120 % phải từ 0 đến 100",
        f"{bad}:9: trùng dòng: «Tỉnh D», lĩnh vực 1, năm 2022 đã có ở {bad}:8",
        f"{bad}:10, cột «max_points»: điểm tối đa của lĩnh vực 1 năm 2022 là 12, khác 10 ở {bad}:8",
        # Rows already reported (Tỉnh A, B, C) are not reported again as missing areas.
        f"{bad}:8: «Tỉnh D» năm 2022 thiếu lĩnh vực 2 (mỗi đơn vị trong một năm phải có đủ "
        "các lĩnh vực 1, 2)",
        f"{bad}:12: «Tỉnh F» năm 2022 thiếu lĩnh vực 2 (mỗi đơn vị trong một năm phải có đủ "
        "các lĩnh vực 1, 2)",
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("unit,area,points,max_points", "«year»"),
        ("year,area,points,max_points", "«unit»"),
        ("year,unit,points,max_points", "«area»"),
        ("year,unit,area,points", "«max_points»"),
        ("year,unit,area,max_points", "«points» (hoặc «percent»)"),
    ],
)
def test_it_reports_a_missing_column_at_the_header_row(
    tmp_path: Path, header: str, missing: str
) -> None:
    path = write(tmp_path / "r.csv", header + "\n1,2,3,4\n")
    assert problems_of(path) == [f"{path}:1: thiếu cột {missing}"]


def test_it_rejects_a_repeated_column(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "year,unit,area,points,Points,max_points\n")
    assert problems_of(path) == [f"{path}:1: cột «points» xuất hiện hai lần trong tiêu đề"]


def test_it_rejects_a_duplicate_year_unit_and_area_across_files(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", HEADER + "2022,Tỉnh A,1,5,10\n")
    second = write(tmp_path / "b.csv", HEADER + "2022,Tỉnh A,1,6,10\n")
    assert problems_of(first, second) == [
        f"{second}:2: trùng dòng: «Tỉnh A», lĩnh vực 1, năm 2022 đã có ở {first}:2"
    ]


def test_it_reports_the_same_file_named_twice_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", HEADER + "2022,Tỉnh A,1,5,10\n")
    assert problems_of(path, path) == [f"{path}: tệp đã được nêu ở trên ({path})"]


def test_it_rejects_two_names_for_one_area_in_a_year(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "year,unit,area,area_name,points,max_points\n"
        "2022,Tỉnh A,1,Thể chế,5,10\n2022,Tỉnh B,1,Thể chê,5,10\n",
    )
    assert problems_of(path) == [
        f"{path}:3, cột «area_name»: tên lĩnh vực 1 năm 2022 «Thể chê» khác «Thể chế» ở {path}:2"
    ]


def test_it_rejects_two_published_ranks_for_one_unit_and_year(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "year,unit,area,points,max_points,rank\n2022,Tỉnh A,1,5,10,3\n2022,Tỉnh A,2,5,10,4\n",
    )
    assert problems_of(path) == [
        f"{path}:3, cột «rank»: hạng công bố của «Tỉnh A» năm 2022 là 4, khác 3 ở {path}:2"
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("20x2,Tỉnh A,1,5,10", "cột «year»: «20x2» không phải là số"),
        ("2022.5,Tỉnh A,1,5,10", "cột «year»: «2022.5» phải là số nguyên từ 1"),
        ("2022,,1,5,10", "cột «unit»: thiếu tên đơn vị"),
        ("2022,Tỉnh A,,5,10", "cột «area»: thiếu mã lĩnh vực"),
        ("2022,Tỉnh A,1,5,", "cột «max_points»: thiếu giá trị"),
        ("2022,Tỉnh A,1,0,0", "cột «max_points»: điểm tối đa 0 phải lớn hơn 0"),
        ("2022,Tỉnh A,1,5,10,0", "cột «rank»: «0» phải là số nguyên từ 1"),
    ],
)
def test_it_rejects_a_bad_cell_naming_its_row_and_column(
    tmp_path: Path, row: str, message: str
) -> None:
    path = write(tmp_path / "r.csv", "year,unit,area,points,max_points,rank\n" + row + "\n")
    assert problems_of(path) == [f"{path}:2, {message}"]


def test_it_flags_a_row_split_by_an_unquoted_decimal_comma(tmp_path: Path) -> None:
    # "7,775" unquoted in a comma-separated file would silently read as 7 points of 775.
    path = write(tmp_path / "r.csv", HEADER + "2022,Tỉnh A,1,7,775,9.5\n")
    assert problems_of(path) == [
        f"{path}:2: dòng có 6 ô nhưng tiêu đề chỉ có 5 cột (số thập phân dùng dấu phẩy phải "
        "nằm trong ngoặc kép, hoặc dùng dấu chấm phẩy «;» làm dấu phân cách)"
    ]


def test_it_reports_unreadable_files_and_still_checks_the_others(tmp_path: Path) -> None:
    latin = tmp_path / "windows1258.csv"
    latin.write_bytes(HEADER.encode() + "2022,Đà Nẵng,1,5,10\n".encode("cp1258", "replace"))
    missing = tmp_path / "missing.csv"
    other = write(tmp_path / "results.ods", "")
    bad = write(tmp_path / "bad.csv", HEADER + "2022,Tỉnh A,1,x,10\n")
    assert problems_of(latin, missing, other, bad) == [
        f"{latin}: tệp không phải UTF-8 (byte thứ 39); hãy lưu lại dạng «CSV UTF-8»",
        f"{missing}: không tìm thấy tệp",
        f"{other}: định dạng «.ods» không hỗ trợ: dùng .csv hoặc .xlsx",
        f"{bad}:2, cột «points»: «x» không phải là số",
    ]


def test_it_rejects_an_empty_file_and_a_file_with_only_a_header(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.csv", "")
    assert problems_of(empty) == [f"{empty}: tệp rỗng: cần dòng tiêu đề và các dòng kết quả"]
    header_only = write(tmp_path / "header.csv", HEADER)
    assert problems_of(header_only) == [f"{header_only}: không có dòng kết quả"]


def test_a_damaged_xlsx_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: không mở được tệp Excel:")
