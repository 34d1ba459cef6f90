"""`parindex national plan`: points needed for a rank (ties share the better rank), headroom by
area, the greedy split, the JSON contract and the table, on a hand-made table with ties and
on the shipped demo table.

Hand-made table (`fixtures/plan_ties.csv`, test data): totals A 91, B 88, C 88, D 85, E 72,
F 70 out of 100. The golden file `golden/plan_ties_e_rank3.json` holds Tỉnh E's plan for
rank 3; regenerate after an intended change with

    PARINDEX_UPDATE_GOLDEN=1 .venv/bin/pytest tests/national/test_cli_plan.py -k golden
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from parindex.cli import app
from parindex.national import read_results
from parindex.planning import national_plan
from parindex.planning.national import split_greedily
from tests.golden import check_golden

HERE = Path(__file__).parent
TIES = HERE / "fixtures" / "plan_ties.csv"
GOLDEN = HERE / "golden" / "plan_ties_e_rank3.json"
DEMO = HERE.parents[1] / "parindex" / "data" / "national" / "par_index_generated_2021_2022.csv"
D = Decimal


def run(*arguments: str | Path) -> Result:
    return CliRunner().invoke(app, ["national", "plan", *map(str, arguments)])


def plan_json(unit: str, target: int, results: Path = TIES, year: int = 2022) -> Any:
    result = run(
        "--results",
        results,
        "--year",
        year,
        "--unit",
        unit,
        "--target-rank",
        target,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def test_golden_plan_with_ties() -> None:
    result = run(
        "--results",
        TIES,
        "--year",
        "2022",
        "--unit",
        "Tỉnh E",
        "--target-rank",
        "3",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout, parse_float=Decimal)
    # Rank 3 is reached by tying B and C at 88 (they share rank 2): 16 points.
    assert (found["rank"], found["target_rank"], found["points_needed"]) == (5, 3, 16)
    assert found["holders"] == ["Tỉnh B", "Tỉnh C"]
    check_golden(
        GOLDEN, found, text=result.stdout, load=lambda text: json.loads(text, parse_float=Decimal)
    )


@pytest.mark.parametrize(
    ("target", "needed"),
    [(1, 19), (2, 16), (3, 16), (4, 13), (5, 0), (6, 0)],
)
def test_points_needed_follow_the_tie_rule(target: int, needed: int) -> None:
    # Ties share the better rank: reaching 88 gives rank 2 with B and C, so rank 3 needs
    # as much as rank 2; reaching D's 85 gives rank 4.
    assert plan_json("Tỉnh E", target)["points_needed"] == needed


def test_areas_by_headroom_and_the_greedy_split() -> None:
    found = plan_json("Tỉnh E", 2)
    assert [
        (a["code"], a["points"], a["max_points"], a["headroom"], a["suggested_gain"])
        for a in found["areas"]
    ] == [
        # Headroom 10, 10, 8: equal headroom keeps the area order; 16 = 10 + 6.
        ("1", 20, 30, 10, 10),
        ("3", 30, 40, 10, 6),
        ("2", 22, 30, 8, 0),
    ]
    assert found["reachable"] is True
    assert found["target_total"] == 88
    assert found["headroom"] == 28


def test_decimals_in_json_and_a_single_holder() -> None:
    found = plan_json("Tỉnh F", 5)
    assert found["points_needed"] == 2
    assert found["holders"] == ["Tỉnh E"]
    assert [(a["code"], a["headroom"], a["suggested_gain"]) for a in found["areas"]] == [
        ("3", D("11.75"), 2),
        ("1", D("9.5"), 0),
        ("2", D("8.75"), 0),
    ]


def test_the_json_contract_keys_in_order() -> None:
    found = json.loads(
        run(
            "--results",
            TIES,
            "--year",
            "2022",
            "--unit",
            "Tỉnh E",
            "--target-rank",
            "2",
            "--format",
            "json",
        ).stdout
    )
    assert list(found)[:6] == ["unit", "year", "rank", "target_rank", "points_needed", "areas"]
    assert list(found["areas"][0])[:6] == [
        "code",
        "name",
        "points",
        "max_points",
        "headroom",
        "suggested_gain",
    ]
    assert found["split_rule"] == "largest_headroom_first"
    assert found["format_version"] == 1


def test_an_unpublished_maximum_is_said() -> None:
    found = plan_json("Tỉnh E", 2)
    flags = {a["code"]: (a["max_points_published"], a["note"]) for a in found["areas"]}
    assert flags["3"] == (False, "điểm tối đa 40 là giá trị minh họa, chưa có nguồn công bố")
    assert flags["1"] == (True, "")
    assert flags["2"] == (True, "")
    table = run(
        "--results", TIES, "--year", "2022", "--unit", "Tỉnh E", "--target-rank", "2"
    ).stdout
    assert "* Điểm tối đa của lĩnh vực 3 chưa có nguồn công bố" in table


def test_the_table_is_vietnamese_with_decimal_commas() -> None:
    result = run("--results", TIES, "--year", "2022", "--unit", "Tỉnh F", "--target-rank", "1")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Tỉnh F — Chỉ số CCHC 2022: 70,00/100 điểm, xếp thứ 6/6" in text
    assert "Mục tiêu hạng 1/6: cần thêm 21 điểm, đạt tổng 91 — bằng tổng của Tỉnh A" in text
    assert "11,75" in text
    assert "9,5" in text
    assert "8,75" in text
    assert "Cách chia đề xuất: lấy trước ở lĩnh vực có dư địa lớn nhất" in text


def test_a_unit_already_at_its_target() -> None:
    text = run("--results", TIES, "--year", "2022", "--unit", "Tỉnh B", "--target-rank", "3").stdout
    assert "Đã ở hạng 2, không thấp hơn hạng mục tiêu 3: không cần thêm điểm." in text
    found = plan_json("Tỉnh B", 3)
    assert found["points_needed"] == 0
    assert found["holders"] == []
    assert all(area["suggested_gain"] == 0 for area in found["areas"])


def test_the_split_when_the_headroom_is_short() -> None:
    # Not reachable on a national table (every province can reach the maximum total), but
    # the split itself takes all the headroom when asked for more.
    headroom = [("8", D("1.5")), ("1", D(1))]
    assert split_greedily(headroom, D(5)) == {"8": D("1.5"), "1": D(1)}
    assert split_greedily(headroom, D(2)) == {"8": D("1.5"), "1": D("0.5")}


def test_bac_kan_2022_to_rank_40_on_the_shipped_table() -> None:
    plan = national_plan(read_results([DEMO]), 2022, "Bắc Kạn", 40)
    assert (plan.rank, plan.of, plan.total) == (61, 63, D("79.35"))
    # Rank 40 is held at 84.24 (Ninh Thuận in the generated table): 4.89 points more.
    assert plan.points_needed == D("4.89")
    assert plan.target_total == D("84.24")
    assert plan.holders == ("Ninh Thuận",)
    assert plan.reachable
    assert plan.best_rank == 1
    assert sum(area.suggested_gain for area in plan.areas) == D("4.89")
    assert [area.code for area in plan.areas] == ["8", "7", "5", "6", "1", "4", "3", "2"]
    # The generated table says the maxima of areas 3, 5–8 are illustrative.
    assert sorted(plan.unpublished_maxima) == ["3", "5", "6", "7", "8"]
    headroom = {area.code: area.headroom for area in plan.areas}
    assert headroom["1"] == D("1.725")
    assert headroom["4"] == D("1.4071")


def test_bac_kan_through_the_command() -> None:
    found = plan_json("Bắc Kạn", 40, results=DEMO)
    assert (found["rank"], found["points_needed"], found["of"]) == (61, D("4.89"), 63)


def test_bad_input() -> None:
    result = run("--results", TIES, "--year", "2022", "--unit", "Tỉnh E", "--target-rank", "7")
    assert result.exit_code == 2
    assert "hạng mục tiêu 7 phải từ 1 đến 6" in result.stderr
    result = run("--results", TIES, "--year", "2022", "--unit", "Tinh E", "--target-rank", "2")
    assert result.exit_code == 2
    assert "Có phải «Tỉnh E»?" in result.stderr
    result = run("--results", TIES, "--year", "2021", "--unit", "Tỉnh E", "--target-rank", "2")
    assert result.exit_code == 2
    assert "năm 2021 không có" in result.stderr
    assert run("--year", "2022", "--unit", "Tỉnh E", "--target-rank", "2").exit_code == 2
    assert (
        run("--results", TIES, "--year", "2022", "--unit", "Tỉnh E", "--target-rank", "0").exit_code
        == 2
    )


def test_output_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    result = run(
        "--results",
        TIES,
        "--year",
        "2022",
        "--unit",
        "Tỉnh E",
        "--target-rank",
        "2",
        "--format",
        "json",
        "--output",
        target,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["points_needed"] == 16
    text_file = tmp_path / "plan.txt"
    assert (
        run(
            "--results",
            TIES,
            "--year",
            "2022",
            "--unit",
            "Tỉnh E",
            "--target-rank",
            "2",
            "-o",
            text_file,
        ).exit_code
        == 0
    )
    assert "cần thêm 16 điểm" in text_file.read_text(encoding="utf-8")
