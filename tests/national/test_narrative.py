"""The written analysis: every figure from the data, phrases from templates that fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.national import national_report, read_results
from parindex.national.narrative import (
    NarrativeError,
    count,
    load_templates,
    national_narrative,
    parse_sections,
    render_text,
)

DEMO = Path(__file__).resolve().parents[2] / "parindex" / "data" / "national"
DEMO_TABLE = DEMO / "par_index_generated_2021_2022.csv"


@pytest.fixture(scope="module")
def bac_kan_text() -> str:
    report = national_report(read_results([DEMO_TABLE]), 2022, "Bắc Kạn", 2021)
    return national_narrative(report)


def test_the_narrative_states_the_published_facts_of_bac_kan_2022(bac_kan_text):
    # Báo Bắc Kạn (2023): 79.35 points, 61st of 63, class C; 2 areas up and 6 down in rank
    # and in points; TTHC and e-government up 2 places; impact the best-ranked area (34th).
    assert "Chỉ số CCHC của tỉnh Bắc Kạn đạt 79,35%, xếp thứ 61/63" in bac_kan_text
    assert "thuộc nhóm C" in bac_kan_text
    assert (
        "Trong 08 lĩnh vực, có 02 lĩnh vực tăng bậc, 06 lĩnh vực giảm bậc; "
        "02 lĩnh vực tăng điểm, 06 lĩnh vực giảm điểm so với năm 2021" in bac_kan_text
    )
    assert "Cải cách thủ tục hành chính (tăng 02 bậc, xếp thứ 40/63)" in bac_kan_text
    assert "Chính quyền số (tăng 02 bậc, xếp thứ 55/63)" in bac_kan_text
    assert (
        "Lĩnh vực có thứ hạng cao nhất là Tác động của cải cách hành chính đến người dân, "
        "tổ chức và phát triển kinh tế - xã hội (xếp thứ 34/63)" in bac_kan_text
    )
    assert "giảm 03 bậc" in bac_kan_text  # 58th in 2021 (generated) → 61st


def test_the_narrative_says_when_figures_are_generated(bac_kan_text):
    assert "số liệu sinh để minh họa, không phải số liệu chính thức" in bac_kan_text


def test_every_number_is_written_the_vietnamese_way(bac_kan_text):
    assert "None" not in bac_kan_text
    assert "79.35" not in bac_kan_text
    assert "0.27" not in bac_kan_text
    assert "cần thêm 0,27 điểm" in bac_kan_text
    assert "Để đạt nhóm B, tỉnh cần thêm 0,645 điểm" in bac_kan_text


def test_counts_are_zero_padded_as_official_reports_write_them():
    assert [count(n) for n in (0, 2, 8, 10, 63)] == ["00", "02", "08", "10", "63"]


def test_a_missing_value_fails_loudly_naming_it():
    with pytest.raises(NarrativeError, match=r"\$\{rank\}"):
        render_text("xếp thứ ${rank}/${of}", {"of": 63}, where="national.txt [summary]")


def test_a_none_value_fails_loudly_instead_of_printing_none():
    with pytest.raises(NarrativeError, match="rank"):
        render_text("xếp thứ ${rank}", {"rank": None})


def test_a_raw_number_is_refused_so_that_it_is_formatted_first():
    from decimal import Decimal

    with pytest.raises(NarrativeError, match="index"):
        render_text("đạt ${index}%", {"index": Decimal("79.35")})


def test_a_province_template_with_an_unknown_value_fails_loudly(tmp_path):
    folder = tmp_path / "narrative"
    folder.mkdir()
    (folder / "national.txt").write_text(
        "[summary]\nNăm ${year}, tỉnh ${unit} đạt ${chi_so_khong_co}%.\n", encoding="utf-8"
    )
    report = national_report(read_results([DEMO_TABLE]), 2022, "Bắc Kạn", 2021)
    with pytest.raises(NarrativeError, match="chi_so_khong_co"):
        national_narrative(report, load_templates("national", [tmp_path]))


def test_a_province_template_overrides_its_sections_and_keeps_the_others(tmp_path):
    (tmp_path / "national.txt").write_text(
        "# tỉnh sửa\n[summary]\nNăm ${year}, Chỉ số CCHC của ${unit}: ${index}%.\n",
        encoding="utf-8",
    )
    report = national_report(read_results([DEMO_TABLE]), 2022, "Bắc Kạn", 2021)
    text = national_narrative(report, load_templates("national", [tmp_path]))
    assert text.startswith("Năm 2022, Chỉ số CCHC của Bắc Kạn: 79,35%.")
    assert "Trong 08 lĩnh vực" in text  # shipped section


def test_a_section_given_twice_is_an_error():
    with pytest.raises(NarrativeError, match="hai lần"):
        parse_sections("[a]\nx\n[a]\ny\n", "t.txt")


def test_the_command_prints_the_narrative():
    result = CliRunner().invoke(
        app,
        [
            "national",
            "narrative",
            "--results",
            str(DEMO_TABLE),
            "--year",
            "2022",
            "--unit",
            "Bắc Kạn",
            "--compare-to",
            "2021",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "xếp thứ 61/63" in result.output
