"""The engine alone reproduces the PAR INDEX 2022 figures of Bắc Kạn published by Báo Bắc Kạn.

Source: Báo Bắc Kạn, "Bắc Kạn: Các chỉ số cải cách hành chính có thể cải thiện ngay" (2023),
also in ../shared/data/par_index_2022_provinces.csv (row "Bắc Kạn", with its source column):
total 79.35/100, rank 61 of 63, class C; chỉ đạo, điều hành 7.775/9.5; thể chế 9.07/10;
tổ chức bộ máy 9.0929/10.5.

Only these three area maxima (QĐ 876/QĐ-BNV) are published. The other five areas are
therefore one placeholder node whose maximum (100 − 30 = 70) and points
(79.35 − 7.775 − 9.07 − 9.0929 = 53.4121) are derived by subtraction from the published
figures; they are not published per-area figures.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.engine import (
    Framework,
    FrameworkSpec,
    NodeInput,
    NodeSpec,
    UnitResult,
    build_framework,
    classify,
    format_number,
    format_percent,
    rank_group,
    score_unit,
)

PUBLISHED_POINTS = {
    "LV1": ("Công tác chỉ đạo, điều hành CCHC", "9.5", "7.775"),
    "LV2": ("Cải cách thể chế", "10", "9.07"),
    "LV4": ("Cải cách tổ chức bộ máy hành chính", "10.5", "9.0929"),
    # Derived by subtraction, see the module docstring.
    "CON_LAI": ("Năm lĩnh vực còn lại (gộp, suy ra từ tổng)", "70", "53.4121"),
}


def par876_province_framework() -> Framework:
    nodes = [
        NodeSpec(code=code, title=title, max_points=maximum, rule="manual")
        for code, (title, maximum, _) in PUBLISHED_POINTS.items()
    ]
    info = {
        "code": "PAR-876-TINH",
        "name": "Chỉ số CCHC cấp tỉnh (QĐ 876/QĐ-BNV), dựng lại một phần cho kiểm thử",
        "year": 2022,
        "unit_group": "tinh",
        "legal_basis": "QĐ 876/QĐ-BNV ngày 10/11/2022",
        "max_total": 100,
        # No "classes": the national bands A ≥ 90, B ≥ 80, C ≥ 70 apply by default.
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


def bac_kan_2022() -> UnitResult:
    inputs = {
        code: NodeInput({"points": points}) for code, (_, _, points) in PUBLISHED_POINTS.items()
    }
    return score_unit(par876_province_framework(), "Bắc Kạn", inputs)


@pytest.mark.parametrize(
    ("area", "percent", "shown"),
    [
        ("LV1", "81.84", "81,84%"),  # 7.775/9.5 = 81.842…
        ("LV2", "90.70", "90,70%"),  # 9.07/10
        ("LV4", "86.60", "86,60%"),  # 9.0929/10.5 = 86.599…
    ],
)
def test_the_published_area_points_give_the_published_shares_of_the_maximum(
    area: str, percent: str, shown: str
) -> None:
    result = bac_kan_2022()
    assert result.percent(area) == Decimal(percent)
    assert format_percent(result.percent(area), 2) == shown


def test_the_area_points_are_kept_exactly_as_published() -> None:
    result = bac_kan_2022()
    assert [format_number(result.nodes[code].points) for code in ("LV1", "LV2", "LV4")] == [
        "7,775",
        "9,07",
        "9,0929",
    ]


def test_a_total_of_79_35_gives_index_79_35_and_class_c_with_the_national_bands() -> None:
    result = bac_kan_2022()
    assert result.total == Decimal("79.35")
    assert result.index == Decimal("79.35")
    assert format_number(result.index, 2) == "79,35"
    assert classify(result.index, result.framework.info.class_bands) == "C"
    assert rank_group([result]).classes == {"Bắc Kạn": "C"}
