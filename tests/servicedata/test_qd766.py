from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    ServiceDataError,
    attach_points,
    compute_indicators,
    load_points_config,
)
from parindex.servicedata.feeds import FeedFigure

D = Decimal


@pytest.fixture
def unit_one_march(fixture_store):
    store, reference = fixture_store
    source = DossierSource.from_store(store)
    assert source is not None
    result = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",)),
        reference=reference,
    )
    return next(row for row in result.rows if row.keys["unit_code"] == "U1")


def test_the_shipped_configuration_follows_the_domain_maxima() -> None:
    config = load_points_config()
    assert {g.code: g.max_points for g in config.groups} == {
        "G1": 18, "G2": 20, "G3": 12, "G4": 22, "G5": 18, "G6": 10,
    }  # fmt: skip
    assert config.max_total == 100
    assert "không chính thức" in config.label


def test_unofficial_points_on_the_hand_computed_unit(unit_one_march) -> None:
    attach_points([unit_one_march], load_points_config())
    points = unit_one_march.points
    # Timeliness 80 % × 20; online share 60 % ≥ 50 % → full 6; e-result 50 % × 6 = 3 and
    # digitisation 80 % (full at 80 %) → 4; satisfaction 75 % ÷ 90 % × 6 = 5; payment 50 % × 6.
    assert {g.group.code: g.points for g in points.groups} == {
        "G1": None, "G2": D("16"), "G3": D("6"), "G4": D("7"), "G5": D("5"), "G6": D("3"),
    }  # fmt: skip
    assert (points.total, points.scored_max, points.max_total) == (D("37"), D("48"), D("100"))
    g1 = points.group("G1")
    assert [c.explanation for c in g1.components] == ["Không có dữ liệu"] * 4


def test_plain_points_use_finished_on_time_and_no_thresholds(unit_one_march) -> None:
    attach_points([unit_one_march], load_points_config(), plain=True)
    points = unit_one_march.points
    assert points.plain
    # 75 % × 20; 60 % × 6; 3 + 80 % × 4; 75 % × 6; 50 % × 6.
    assert {g.group.code: g.points for g in points.groups if g.points is not None} == {
        "G2": D("15"), "G3": D("3.6"), "G4": D("6.2"), "G5": D("4.5"), "G6": D("3"),
    }  # fmt: skip
    assert points.total == D("32.3")


def test_feed_figures_score_their_components(unit_one_march) -> None:
    unit_one_march.feeds["pakn_dung_han"] = FeedFigure(
        "pakn_dung_han", "rate", D(9), D(10), None, 1
    )
    unit_one_march.feeds["pakn_hai_long"] = FeedFigure("pakn_hai_long", "rate", D(0), D(0), None, 1)
    unit_one_march.feeds["ho_so_dong_bo"] = FeedFigure(
        "ho_so_dong_bo", "rate", None, None, D(50), 1
    )
    attach_points([unit_one_march], load_points_config())
    points = unit_one_march.points
    # 9/10 × 6; no complaints at all → full 6 (portal practice); + row 23's 5.
    assert points.group("G5").points == D("16.4")
    assert points.group("G1").points == D("3")  # 50 % × 6
    assert points.group("G1").scored_max == D("6")


def test_a_configuration_whose_components_do_not_add_up_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "points.yaml"
    path.write_text(
        "groups:\n  - code: G2\n    max_points: 20\n    components:\n"
        "      - {row: '5', max_points: 15, indicator: timeliness_766}\n"
        "      - {row: 'x', max_points: 2, indicator: no_such_rate}\n",
        encoding="utf-8",
    )
    with pytest.raises(ServiceDataError) as raised:
        load_points_config(path)
    messages = [str(p) for p in raised.value.problems]
    assert any("dòng 6" in m and "«no_such_rate» không có" in m for m in messages)
    assert any("dòng 2" in m and "tổng điểm các thành phần là 17" in m for m in messages)


def test_a_count_feed_where_a_rate_is_expected_is_left_unscored_with_the_reason(
    unit_one_march,
) -> None:
    unit_one_march.feeds["ho_so_dong_bo"] = FeedFigure(
        "ho_so_dong_bo", "count", None, None, D(5), 1
    )
    attach_points([unit_one_march], load_points_config())
    row_4 = unit_one_march.points.group("G1").components[3]
    assert row_4.points is None
    assert row_4.explanation == "chưa nhập «numerator»"
