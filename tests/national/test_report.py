"""The national report on hand-computed examples, and the facts the demo table must hold.

`small_results.csv` (test data, 4 provinces × 3 areas, maxima 30/30/40):

    2021        1    2    3  total   |  2022        1     2     3  total
    Tỉnh A     27   25   32     84   |  Tỉnh A     28  24,5    38   90,5
    Tỉnh B     24   28   36     88   |  Tỉnh B     25    27    34     86
    Tỉnh C     20   20   30     70   |  Tỉnh C     22    21  26,5   69,5
    Tỉnh D     29   29   35     93   |  Tỉnh D     26  29,5    36   91,5

Every expected figure below was worked out by hand from this table.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.national import (
    NationalReport,
    NationalReportError,
    NationalResults,
    national_report,
    rank_year,
    read_results,
)
from parindex.national.generate_demo import generate, write_csv

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).resolve().parents[2] / "parindex" / "data" / "national"
DEMO = DATA / "par_index_generated_2021_2022.csv"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
GENERATED = "generated (parindex demo)"


@pytest.fixture(scope="module")
def small() -> NationalResults:
    return read_results([FIXTURES / "small_results.csv"])


@pytest.fixture(scope="module")
def demo() -> NationalResults:
    return read_results([DEMO])


@pytest.fixture(scope="module")
def bac_kan(demo: NationalResults) -> NationalReport:
    return national_report(demo, 2022, "Bắc Kạn", compare_to=2021)


def D(value: str | int) -> Decimal:
    """A decimal literal, short enough to keep the expected tables readable."""
    return Decimal(value)


# --- standing ---------------------------------------------------------------------------------


def test_it_gives_total_index_rank_and_class_from_the_area_points(small: NationalResults) -> None:
    report = national_report(small, 2022, "Tỉnh A")
    assert (report.unit, report.year, report.total, report.max_total, report.index) == (
        "Tỉnh A",
        2022,
        D("90.5"),
        D(100),
        D("90.50"),
    )
    assert (report.rank, report.of, report.class_) == (2, 4, "A")


def test_each_area_has_points_percent_and_national_rank(small: NationalResults) -> None:
    report = national_report(small, 2022, "Tỉnh A")
    assert [(a.code, a.name, a.points, a.max_points, a.percent, a.rank) for a in report.areas] == [
        ("1", "Chỉ đạo", D(28), D(30), D("93.33"), 1),
        ("2", "Thể chế", D("24.5"), D(30), D("81.67"), 3),
        ("3", "Tác động", D(38), D(40), D("95.00"), 1),
    ]


def test_without_a_comparison_every_change_is_none(small: NationalResults) -> None:
    report = national_report(small, 2022, "Tỉnh A")
    assert report.compare_to is None
    assert all(a.points_change is None and a.rank_change is None for a in report.areas)
    assert (report.areas_up_in_rank, report.areas_down_in_points, report.total_change) == (
        None,
        None,
        None,
    )


# --- movement ---------------------------------------------------------------------------------


def test_it_compares_each_area_in_points_and_rank_with_the_earlier_year(
    small: NationalResults,
) -> None:
    report = national_report(small, 2022, "Tỉnh A", compare_to=2021)
    assert [(a.code, a.points_change, a.rank_change) for a in report.areas] == [
        ("1", D(1), 1),  # 27 → 28; 2nd → 1st
        ("2", D("-0.5"), 0),  # 25 → 24,5; 3rd both years
        ("3", D(6), 2),  # 32 → 38; 3rd → 1st
    ]
    assert [(a.previous_points, a.previous_rank) for a in report.areas] == [
        (D(27), 2),
        (D(25), 3),
        (D(32), 3),
    ]


def test_it_counts_areas_up_down_and_unchanged(small: NationalResults) -> None:
    report = national_report(small, 2022, "Tỉnh A", compare_to=2021)
    assert (report.areas_up_in_rank, report.areas_down_in_rank, report.areas_same_rank) == (
        2,
        0,
        1,
    )
    assert (
        report.areas_up_in_points,
        report.areas_down_in_points,
        report.areas_same_points,
    ) == (2, 1, 0)


def test_it_gives_the_change_of_total_index_rank_and_class(small: NationalResults) -> None:
    report = national_report(small, 2022, "Tỉnh A", compare_to=2021)
    assert report.compare_to == 2021
    assert (report.previous_total, report.previous_rank, report.previous_of) == (D(84), 3, 4)
    assert (report.previous_class, report.class_) == ("B", "A")
    assert (report.total_change, report.index_change, report.rank_change) == (
        D("6.5"),
        D("6.50"),
        1,
    )


# --- headroom and targets ---------------------------------------------------------------------


def test_headroom_lists_points_lost_per_area_largest_first_with_shares(
    small: NationalResults,
) -> None:
    report = national_report(small, 2022, "Tỉnh A")
    # Lost: 2 (area 1), 5,5 (area 2), 2 (area 3) of 9,5 in all.
    assert [(h.code, h.name, h.points_lost, h.share) for h in report.headroom] == [
        ("2", "Thể chế", D("5.5"), D("57.89")),
        ("1", "Chỉ đạo", D(2), D("21.05")),
        ("3", "Tác động", D(2), D("21.05")),
    ]


def test_it_gives_the_points_to_the_next_rank_and_none_in_the_top_class(
    small: NationalResults,
) -> None:
    report = national_report(small, 2022, "Tỉnh A")
    assert report.points_to_next_rank == D(1)  # Tỉnh D has 91,5
    assert (report.next_class, report.points_to_next_class) == (None, None)
    assert national_report(small, 2022, "Tỉnh D").points_to_next_rank is None


def test_below_70_there_is_no_class_and_class_c_is_the_next_target(
    small: NationalResults,
) -> None:
    report = national_report(small, 2022, "Tỉnh C")
    assert (report.index, report.class_) == (D("69.50"), "")
    # 69,995 rounds half-up to a published 70,00.
    assert (report.next_class, report.points_to_next_class) == ("C", D("0.495"))
    assert report.points_to_next_rank == D("16.5")  # Tỉnh B has 86


# --- published ranks --------------------------------------------------------------------------


def test_it_warns_when_a_published_rank_differs_from_the_computed_one(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "year,unit,area,points,max_points,rank,area_rank\n"
        "2022,Tỉnh A,1,5,10,1,\n"
        "2022,Tỉnh A,2,5,10,1,\n"
        "2022,Tỉnh B,1,6,10,2,\n"
        "2022,Tỉnh B,2,6,10,,2\n",
        encoding="utf-8",
    )
    report = national_report(read_results([path]), 2022, "Tỉnh A")
    assert report.rank == 2
    assert report.warnings == (
        f"{path}:2: hạng công bố của «Tỉnh A» năm 2022 là 1, hạng tính từ điểm các lĩnh vực là 2",
        f"{path}:4: hạng công bố của «Tỉnh B» năm 2022 là 2, hạng tính từ điểm các lĩnh vực là 1",
        f"{path}:5: hạng công bố của «Tỉnh B» ở lĩnh vực 2 năm 2022 là 2, hạng tính từ điểm là 1",
    )


def test_matching_published_ranks_give_no_warning(small: NationalResults) -> None:
    assert national_report(small, 2022, "Tỉnh A", compare_to=2021).warnings == ()


# --- finding the unit and the year ------------------------------------------------------------


def test_an_unknown_unit_suggests_the_name_with_diacritics_first(demo: NationalResults) -> None:
    with pytest.raises(NationalReportError) as caught:
        national_report(demo, 2022, "Bac Kan")
    message = str(caught.value)
    assert message.startswith(
        "không có đơn vị «Bac Kan» trong kết quả năm 2022. Có phải «Bắc Kạn»? "
        "Các đơn vị có (63, gần nhất trước): Bắc Kạn, "
    )
    listed = message.split("gần nhất trước): ", 1)[1].split(", ")
    assert sorted(listed) == sorted(demo.years[2022].units)


def test_an_unknown_unit_without_a_close_match_lists_the_known_ones(
    small: NationalResults,
) -> None:
    with pytest.raises(NationalReportError) as caught:
        national_report(small, 2022, "Tỉnh Ă")
    assert str(caught.value) == (
        "không có đơn vị «Tỉnh Ă» trong kết quả năm 2022. Có phải «Tỉnh A»? "
        "Các đơn vị có (4, gần nhất trước): Tỉnh A, Tỉnh B, Tỉnh C, Tỉnh D"
    )


def test_a_name_in_other_letter_case_finds_the_unit(small: NationalResults) -> None:
    assert national_report(small, 2022, "tỉnh a").unit == "Tỉnh A"


def test_an_unknown_year_or_comparison_year_lists_the_known_years(
    small: NationalResults,
) -> None:
    with pytest.raises(
        NationalReportError, match=r"^năm 2020 không có .*\(các năm có: 2021, 2022\)"
    ):
        national_report(small, 2020, "Tỉnh A")
    with pytest.raises(NationalReportError, match=r"^năm so sánh 2019 không có"):
        national_report(small, 2022, "Tỉnh A", compare_to=2019)


def test_comparing_a_year_with_itself_is_refused(small: NationalResults) -> None:
    with pytest.raises(NationalReportError, match="năm so sánh 2022 trùng năm báo cáo"):
        national_report(small, 2022, "Tỉnh A", compare_to=2022)


def test_a_unit_missing_in_the_comparison_year_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "year,unit,area,points,max_points\n2021,Tỉnh B,1,5,10\n2022,Tỉnh A,1,5,10\n",
        encoding="utf-8",
    )
    with pytest.raises(
        NationalReportError, match="không có đơn vị «Tỉnh A» trong kết quả năm 2021"
    ):
        national_report(read_results([path]), 2022, "Tỉnh A", compare_to=2021)


# --- the generated demo table (DEMO DATA built around the published figures) -----------------


def test_the_demo_table_reproduces_the_bac_kan_article(bac_kan: NationalReport) -> None:
    """Báo Bắc Kạn, 'Bắc Kạn: Các chỉ số cải cách hành chính có thể cải thiện ngay', 2023."""
    assert (bac_kan.total, bac_kan.index, bac_kan.rank, bac_kan.of, bac_kan.class_) == (
        D("79.35"),
        D("79.35"),
        61,
        63,
        "C",
    )
    areas = {area.code: area for area in bac_kan.areas}
    assert [(areas[code].points, areas[code].max_points) for code in "124"] == [
        (D("7.775"), D("9.5")),
        (D("9.07"), D(10)),
        (D("9.0929"), D("10.5")),
    ]
    assert [areas[code].percent for code in "12345678"] == [
        D("81.84"),
        D("90.70"),
        D("89.57"),  # area 3 = 79,35 minus the other seven (generated split)
        D("86.60"),
        D("78.00"),
        D("73.00"),
        D("72.20"),
        D("72.40"),
    ]
    assert (
        bac_kan.areas_up_in_rank,
        bac_kan.areas_down_in_rank,
        bac_kan.areas_up_in_points,
        bac_kan.areas_down_in_points,
    ) == (2, 6, 2, 6)
    assert (areas["3"].rank_change, areas["7"].rank_change) == (2, 2)
    assert (areas["8"].rank, areas["8"].rank_change) == (34, -4)
    assert min(bac_kan.areas, key=lambda area: area.rank).code == "8"  # its best area


def test_the_demo_table_holds_every_published_total_and_rank(demo: NationalResults) -> None:
    checked = 0
    for year in (2021, 2022):
        ranking = rank_year(demo.years[year]).ranking
        with (DATA / f"par_index_{year}_provinces.csv").open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                province = row["province"]
                if row["total_score"]:
                    assert ranking.results[province].total == D(row["total_score"]), province
                    checked += 1
                if row["rank"]:
                    assert ranking.ranks[province] == int(row["rank"]), province
                    checked += 1
    assert checked == 32  # 2021: 9 totals and 8 ranks; 2022: 6 totals and 9 ranks


def test_the_demo_table_keeps_the_ranks_the_2022_notes_imply_for_2021(
    demo: NationalResults,
) -> None:
    ranking_2021 = rank_year(demo.years[2021]).ranking
    ranking_2022 = rank_year(demo.years[2022]).ranking
    # Yên Bái up 7 to 14th, Nghệ An up 1 to 16th, Đồng Nai up 4 to 51st with a slightly
    # lower score (par_index_2022_provinces.csv, notes).
    assert ranking_2021.ranks["Yên Bái"] == 21
    assert ranking_2021.ranks["Nghệ An"] == 17
    assert ranking_2021.ranks["Đồng Nai"] == 55
    dong_nai_change = (
        ranking_2022.results["Đồng Nai"].total - ranking_2021.results["Đồng Nai"].total
    )
    assert D(-1) < dong_nai_change < 0


def test_the_demo_table_has_the_published_2022_class_counts(demo: NationalResults) -> None:
    ranking = rank_year(demo.years[2022]).ranking
    classes = list(ranking.classes.values())
    assert (classes.count("A"), classes.count("B"), classes.count("C")) == (2, 56, 5)
    ranking_2021 = rank_year(demo.years[2021]).ranking
    below_80 = [unit for unit, result in ranking_2021.results.items() if result.index < 80]
    assert below_80 == ["Kiên Giang"]  # "only province below 80% in 2021"


def test_the_demo_table_has_63_provinces_and_the_876_areas_every_year(
    demo: NationalResults,
) -> None:
    for year in (2021, 2022):
        year_results = demo.years[year]
        assert len(year_results.units) == 63
        assert {"Bắc Kạn", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Đắk Lắk"} <= set(
            year_results.units
        )
        assert [(area.code, area.max_points) for area in year_results.areas] == [
            ("1", D("9.5")),
            ("2", D(10)),
            ("3", D(12)),
            ("4", D("10.5")),
            ("5", D("11.5")),
            ("6", D(9)),
            ("7", D(13)),
            ("8", D("24.5")),
        ]
        assert year_results.areas[6].name == (
            "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
        )
        assert all(
            row.points == row.points.quantize(D("0.0001")) for row in year_results.rows.values()
        )


def test_only_the_published_bac_kan_figures_are_not_labelled_generated(
    demo: NationalResults,
) -> None:
    not_generated = sorted(
        (row.year, row.unit, row.area)
        for year_results in demo.years.values()
        for row in year_results.rows.values()
        if not row.source.startswith(GENERATED)
    )
    assert not_generated == [(2022, "Bắc Kạn", code) for code in "1245678"]
    assert all(
        demo.years[2022].rows["Bắc Kạn", code].source.startswith("Báo Bắc Kạn")
        for code in "1245678"
    )


def test_the_generator_rebuilds_the_shipped_demo_table_exactly(tmp_path: Path) -> None:
    rebuilt = tmp_path / "demo.csv"
    write_csv(generate(), rebuilt)
    assert rebuilt.read_bytes() == DEMO.read_bytes()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared is not beside this checkout")
@pytest.mark.parametrize(
    "name",
    [
        "par_index_2021_provinces.csv",
        "par_index_2022_provinces.csv",
        "par_index_2023_provinces.csv",
        "par_index_2024_provinces.csv",
        "par_index_regional_averages.csv",
        "par892_province_areas_partial.csv",
    ],
)
def test_the_real_tables_are_unchanged_copies_of_the_shared_data(name: str) -> None:
    assert (DATA / name).read_bytes() == (SHARED_DATA / name).read_bytes()


def test_every_real_table_row_carries_a_source() -> None:
    for path in DATA.glob("par*_*.csv"):
        if path.name == DEMO.name:
            continue
        with path.open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                assert re.search(r"\S", row["source_url"]), (path.name, row)
