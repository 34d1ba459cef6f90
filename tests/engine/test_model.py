"""Building a framework: every problem is reported, at once, with where it is."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from parindex.engine import (
    ClassBand,
    FrameworkError,
    FrameworkSpec,
    NodeSpec,
    Problem,
    build_framework,
    check_previous_codes,
    framework_to_spec,
)

from .builders import build, group, info, leaf


def problems_of(nodes: list[NodeSpec], **info_overrides: Any) -> list[Problem]:
    with pytest.raises(FrameworkError) as caught:
        build(nodes, **info_overrides)
    return caught.value.problems


def info_problems(raw_info: dict[str, Any]) -> list[Problem]:
    spec = FrameworkSpec(
        info=raw_info,
        nodes=[leaf("A", 10)],
        location="bo_tieu_chi.yaml",
        info_locations={"classes": "bo_tieu_chi.yaml, dòng 7", "classes.2": "dòng 9"},
    )
    with pytest.raises(FrameworkError) as caught:
        build_framework(spec)
    return caught.value.problems


# --- a valid framework ------------------------------------------------------------------------


def three_level_nodes() -> list[NodeSpec]:
    return [
        group("LV1", 6, title="Công tác chỉ đạo, điều hành"),
        leaf("TC1.1", 2, parent="LV1", evidence="required", tags=["quick_win"]),
        group("TC1.2", 4, parent="LV1"),
        leaf("TC1.2.1", 1.5, parent="TC1.2"),
        leaf("TC1.2.2", "2,5", parent="TC1.2", source="survey"),
        leaf("TH1", 1, parent="LV1", kind="bonus"),
        leaf("LV2", 4, "boolean"),
        leaf("TRU", 2, kind="penalty"),
    ]


def test_it_builds_a_valid_framework_in_document_order_with_depths() -> None:
    framework = build(three_level_nodes())
    assert list(framework.nodes) == [
        "LV1",
        "TC1.1",
        "TC1.2",
        "TC1.2.1",
        "TC1.2.2",
        "TH1",
        "LV2",
        "TRU",
    ]
    assert framework.roots == ("LV1", "LV2", "TRU")
    assert [node.code for node in framework.areas] == ["LV1", "LV2"]
    assert [node.code for node in framework.leaves()] == [
        "TC1.1",
        "TC1.2.1",
        "TC1.2.2",
        "TH1",
        "LV2",
        "TRU",
    ]
    assert {code: node.depth for code, node in framework.nodes.items()} == {
        "LV1": 1,
        "TC1.1": 2,
        "TC1.2": 2,
        "TC1.2.1": 3,
        "TC1.2.2": 3,
        "TH1": 2,
        "LV2": 1,
        "TRU": 1,
    }
    assert framework.nodes["TC1.2"].children == ("TC1.2.1", "TC1.2.2")
    assert framework.nodes["TC1.2.2"].max_points == Decimal("2.5")
    assert framework.area_of("TC1.2.1").code == "LV1"
    assert framework.nodes["TC1.1"].evidence_required
    assert framework.nodes["TC1.1"].is_quick_win
    assert not framework.nodes["TC1.2.1"].evidence_required
    assert framework.nodes["LV1"].rule is None
    rule = framework.nodes["LV2"].rule
    assert rule is not None
    assert rule.name == "boolean"


def test_it_keeps_unknown_metadata_and_applies_the_national_classes_by_default() -> None:
    framework = build([leaf("A", 10)], decision="1234/QĐ-UBND", status_note="Dự thảo")
    assert framework.info.extra == {"decision": "1234/QĐ-UBND"}
    assert framework.info.status_note == "Dự thảo"
    assert framework.info.max_total == 10
    assert [(band.label, band.min_percent) for band in framework.info.class_bands] == [
        ("A", Decimal(90)),
        ("B", Decimal(80)),
        ("C", Decimal(70)),
        ("D", Decimal(0)),
    ]


def test_it_sorts_custom_classes_from_the_highest_threshold() -> None:
    classes = [
        {"label": "Trung bình", "min_percent": 50},
        {"label": "Tốt", "min_percent": 90},
        {"label": "Yếu", "min_percent": 0},
        {"label": "Khá", "min_percent": "80"},
    ]
    framework = build([leaf("A", 10)], classes=classes)
    assert framework.info.class_bands == (
        ClassBand("Tốt", Decimal(90)),
        ClassBand("Khá", Decimal(80)),
        ClassBand("Trung bình", Decimal(50)),
        ClassBand("Yếu", Decimal(0)),
    )


def test_framework_to_spec_round_trips_through_build_framework() -> None:
    original = build(
        [*three_level_nodes()[:-1], leaf("TRU", 2, "choice", CHOICE_PARAMS, kind="penalty")],
        classes=[{"label": "Tốt", "min_percent": 85}, {"label": "Khá", "min_percent": 0}],
        rounding={"index_places": 1, "points_places": 3},
        decision="1234/QĐ-UBND",
    )
    rebuilt = build_framework(framework_to_spec(original))
    assert rebuilt.info == original.info
    assert list(rebuilt.nodes) == list(original.nodes)
    for code, node in original.nodes.items():
        again = rebuilt.nodes[code]
        assert (again.title, again.max_points, again.parent, again.children, again.kind) == (
            node.title,
            node.max_points,
            node.parent,
            node.children,
            node.kind,
        )
        assert (again.source, again.evidence_required, again.tags) == (
            node.source,
            node.evidence_required,
            node.tags,
        )
        assert (again.rule.params if again.rule else None) == (
            node.rule.params if node.rule else None
        )


CHOICE_PARAMS = {"options": [{"key": "khong", "points": 0}, {"key": "co", "points": 2}]}


# --- node problems ----------------------------------------------------------------------------


def test_it_rejects_a_duplicate_code_and_points_to_the_first_one() -> None:
    first = leaf("A", 5, field_locations={"code": "bo.xlsx, Tiêu chí!A2"})
    second = leaf("A", 5, field_locations={"code": "bo.xlsx, Tiêu chí!A7"})
    assert problems_of([first, second]) == [
        Problem("bo.xlsx, Tiêu chí!A7", "mã «A» trùng với bo.xlsx, Tiêu chí!A2"),
        # The duplicate is dropped, so the total no longer adds up either.
        Problem("", "tổng điểm tối đa các mục con của bộ tiêu chí là 5, khác 10"),
    ]


def test_it_rejects_a_row_without_a_code() -> None:
    assert problems_of([leaf("A", 10), leaf(" ", 1, location="dòng 4")]) == [
        Problem("dòng 4", "thiếu mã mục")
    ]


def test_it_rejects_an_orphan_at_its_parent_field() -> None:
    orphan = leaf("B1", 1, parent="B", field_locations={"parent": "dòng 3, cột «parent»"})
    assert problems_of([leaf("A", 10), orphan]) == [
        Problem("dòng 3, cột «parent»", "mục «B1» có mục cha «B» không tồn tại")
    ]


def test_it_rejects_a_cycle_of_parents() -> None:
    nodes = [leaf("A", 10), group("X", 1, parent="Y"), group("Y", 1, parent="X")]
    assert problems_of(nodes) == [
        Problem("test.yaml, mục X", "mục «X» nằm trong vòng lặp cha"),
        Problem("test.yaml, mục Y", "mục «Y» nằm trong vòng lặp cha"),
    ]


def test_it_rejects_a_node_that_is_its_own_parent() -> None:
    assert problems_of([leaf("A", 10), leaf("S", 1, parent="S")]) == [
        Problem("test.yaml, mục S", "mục «S» nằm trong vòng lặp cha")
    ]


def test_it_reports_an_orphan_once_and_not_its_children_as_a_cycle() -> None:
    nodes = [leaf("A", 10), group("O", 1, parent="MISSING"), leaf("O1", 1, parent="O")]
    assert problems_of(nodes) == [
        Problem("test.yaml, mục O", "mục «O» có mục cha «MISSING» không tồn tại")
    ]


@pytest.mark.parametrize(
    ("group_kind", "child_kind"), [("bonus", "standard"), ("penalty", "bonus")]
)
def test_it_rejects_a_child_of_another_kind_under_a_bonus_or_penalty_group(
    group_kind: str, child_kind: str
) -> None:
    # Kind is not inherited: a child left as "standard" under a bonus group would lose its points.
    child = leaf("G1", 2, parent="G", kind=child_kind, field_locations={"kind": "dòng 4, cột C"})
    nodes = [leaf("A", 10), group("G", 2, kind=group_kind), child]
    assert problems_of(nodes) == [
        Problem(
            "dòng 4, cột C",
            f"mục «G1» nằm trong mục {group_kind} nên phải cùng loại «{group_kind}»",
        )
    ]


def test_it_rejects_children_whose_maxima_do_not_add_up_to_the_parent() -> None:
    nodes = [
        group("A", 5, field_locations={"max_points": "dòng 2, cột D"}),
        leaf("A1", 2, parent="A"),
        leaf("A2", "2,5", parent="A"),
        # Bonus and penalty children are outside the maximum and do not count.
        leaf("A3", 1, parent="A", kind="bonus"),
        leaf("A4", 1, parent="A", kind="penalty"),
        leaf("B", 5),
    ]
    assert problems_of(nodes) == [
        Problem("dòng 2, cột D", "tổng điểm tối đa các mục con của «A» là 4,5, khác 5")
    ]


def test_it_rejects_areas_that_do_not_add_up_to_the_framework_maximum() -> None:
    spec = FrameworkSpec(
        info=info(max_total=100),
        nodes=[leaf("A", 60), leaf("B", "39,5"), leaf("TH", 5, kind="bonus")],
        location="bo.yaml",
        info_locations={"max_total": "bo.yaml, dòng 6"},
    )
    with pytest.raises(FrameworkError) as caught:
        build_framework(spec)
    assert caught.value.problems == [
        Problem("bo.yaml, dòng 6", "tổng điểm tối đa các mục con của bộ tiêu chí là 99,5, khác 100")
    ]


def test_alternatives_need_not_add_up_but_none_may_exceed_the_parent() -> None:
    fine = build(
        [group("A", 10, alternatives=True), leaf("A1", 10, parent="A"), leaf("A2", 8, parent="A")]
    )
    assert fine.nodes["A"].alternatives
    too_big = leaf("A2", 12, parent="A", field_locations={"max_points": "dòng 3, cột D"})
    nodes = [group("A", 10, alternatives=True), leaf("A1", 10, parent="A"), too_big]
    assert problems_of(nodes) == [
        Problem("dòng 3, cột D", "mục thay thế «A2» có điểm tối đa 12 vượt 10 của «A»")
    ]


@pytest.mark.parametrize(
    ("max_points", "kind", "message"),
    [
        ("mười", "standard", "điểm tối đa của «A» phải là số"),
        (None, "standard", "điểm tối đa của «A» phải là số"),
        (0, "standard", "điểm tối đa của «A» phải lớn hơn 0"),
        (-1, "bonus", "điểm tối đa của «A» phải lớn hơn 0"),
    ],
)
def test_it_rejects_a_maximum_that_is_not_a_positive_number(
    max_points: Any, kind: str, message: str
) -> None:
    node = leaf("A", max_points, kind=kind, field_locations={"max_points": "dòng 2, cột D"})
    problems = problems_of([leaf("B", 10), node])
    assert Problem("dòng 2, cột D", message) in problems


def test_it_rejects_a_rule_parameter_above_the_maximum_at_the_rule_field() -> None:
    node = leaf(
        "A",
        10,
        "choice",
        {"options": [{"key": "co", "points": 12}]},
        field_locations={"rule": "dòng 2, cột F"},
    )
    assert problems_of([node]) == [
        Problem(
            "dòng 2, cột F", "mục «A»: điểm của phương án «co» = 12 vượt điểm tối đa 10 của mục"
        )
    ]


def test_it_rejects_an_unknown_rule() -> None:
    assert problems_of([leaf("A", 10, "percent")]) == [
        Problem(
            "test.yaml, mục A",
            "mục «A»: quy tắc chấm điểm «percent» không có "
            "(có: bands, boolean, choice, deduction, manual, ratio)",
        )
    ]


def test_it_rejects_the_deduction_rule_on_a_penalty_node() -> None:
    # deduction starts at the maximum: as a penalty it would punish a unit with no violation.
    node = leaf("TRU", 2, "deduction", {"per_occurrence": 1}, kind="penalty")
    assert problems_of([leaf("A", 10), node]) == [
        Problem(
            "test.yaml, mục TRU",
            "mục điểm trừ «TRU» không dùng quy tắc deduction; dùng manual hoặc choice",
        )
    ]


def test_it_rejects_a_parent_that_has_a_rule_of_its_own() -> None:
    nodes = [leaf("A", 10, "manual"), leaf("A1", 10, parent="A")]
    assert problems_of(nodes) == [
        Problem("test.yaml, mục A", "mục «A» có mục con nên không có quy tắc riêng")
    ]


def test_it_rejects_a_leaf_without_a_rule() -> None:
    assert problems_of([group("A", 10)]) == [
        Problem("test.yaml, mục A", "mục lá «A» thiếu quy tắc chấm điểm")
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "extra", "loại mục «extra» không có"),
        ("source", "excel", "nguồn điểm «excel» không có (self, survey, data, system)"),
        ("evidence", "yes", "«evidence» phải là required hoặc optional"),
    ],
)
def test_it_rejects_an_unknown_kind_source_or_evidence(
    field: str, value: str, message: str
) -> None:
    fields: dict[str, Any] = {field: value, "field_locations": {field: f"dòng 2, cột «{field}»"}}
    node = leaf("A", 10, **fields)
    assert Problem(f"dòng 2, cột «{field}»", message) in problems_of([node])


# --- metadata problems ------------------------------------------------------------------------


def test_it_reports_every_missing_metadata_key_at_the_spec_location() -> None:
    assert info_problems({"max_total": 10}) == [
        Problem("bo_tieu_chi.yaml", f"thiếu thông tin «{key}» của bộ tiêu chí")
        for key in ("code", "name", "year", "unit_group")
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"year": "năm nay"}, Problem("bo_tieu_chi.yaml", "năm «năm nay» không hợp lệ")),
        ({"max_total": "một trăm"}, Problem("bo_tieu_chi.yaml", "«max_total» phải là số")),
        (
            {"rounding": {"index_places": 11}},
            Problem("bo_tieu_chi.yaml", "«index_places» phải là số nguyên 0–10"),
        ),
        (
            {"rounding": {"points_places": "4"}},
            Problem("bo_tieu_chi.yaml", "«points_places» phải là số nguyên 0–10"),
        ),
    ],
)
def test_it_rejects_bad_metadata_values(overrides: dict[str, Any], expected: Problem) -> None:
    assert expected in info_problems(info(**overrides))


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        ("A ≥ 90", [Problem("bo_tieu_chi.yaml, dòng 7", "«classes» phải là danh sách xếp loại")]),
        ([], [Problem("bo_tieu_chi.yaml, dòng 7", "«classes» phải là danh sách xếp loại")]),
        (
            [{"label": "Tốt", "min_percent": 90}, {"label": "Khá"}],
            [Problem("dòng 9", "mỗi xếp loại cần «label» và «min_percent»")],
        ),
        (
            [{"label": "Tốt", "min_percent": 90}, {"label": "Khá", "min_percent": "tám mươi"}],
            [Problem("dòng 9", "«min_percent» phải là số")],
        ),
        (
            [{"label": "Tốt", "min_percent": 90}, {"label": "Khá", "min_percent": 120}],
            [Problem("dòng 9", "«min_percent» phải từ 0 đến 100")],
        ),
        (
            [{"label": "Tốt", "min_percent": 90}, {"label": "Tốt", "min_percent": 80}],
            [Problem("bo_tieu_chi.yaml, dòng 7", "hai xếp loại trùng tên")],
        ),
        (
            [{"label": "Tốt", "min_percent": 90}, {"label": "Khá", "min_percent": "90,0"}],
            [Problem("bo_tieu_chi.yaml, dòng 7", "hai xếp loại có cùng ngưỡng")],
        ),
    ],
)
def test_it_rejects_bad_class_bands_at_their_location(
    classes: Any, expected: list[Problem]
) -> None:
    assert info_problems(info(classes=classes)) == expected


# --- all at once ------------------------------------------------------------------------------


def test_it_reports_every_problem_at_once_in_a_readable_error() -> None:
    spec = FrameworkSpec(
        info={"code": "X", "year": 2025, "unit_group": "xa", "max_total": 10},
        nodes=[
            leaf("A", 6, location="dòng 2"),
            leaf("A", 6, location="dòng 3"),
            leaf("B", 3, "manual", {"step": 5}, location="dòng 4"),
            leaf("C", 1, parent="Z", location="dòng 5"),
            group("D", 2, location="dòng 6"),
        ],
        location="x.yaml",
    )
    with pytest.raises(FrameworkError) as caught:
        build_framework(spec)
    assert caught.value.problems == [
        Problem("x.yaml", "thiếu thông tin «name» của bộ tiêu chí"),
        Problem("dòng 3", "mã «A» trùng với dòng 2"),
        Problem("dòng 5", "mục «C» có mục cha «Z» không tồn tại"),
        Problem("dòng 4", "mục «B»: «step» = 5 vượt điểm tối đa 3 của mục"),
        Problem("dòng 6", "mục lá «D» thiếu quy tắc chấm điểm"),
    ]
    assert str(caught.value).splitlines() == [
        "5 problem(s) in the framework:",
        "x.yaml: thiếu thông tin «name» của bộ tiêu chí",
        "dòng 3: mã «A» trùng với dòng 2",
        "dòng 5: mục «C» có mục cha «Z» không tồn tại",
        "dòng 4: mục «B»: «step» = 5 vượt điểm tối đa 3 của mục",
        "dòng 6: mục lá «D» thiếu quy tắc chấm điểm",
    ]


# --- previous-year codes ----------------------------------------------------------------------


def test_check_previous_codes_lists_old_codes_missing_from_last_years_framework() -> None:
    previous = build([leaf("A", 6), leaf("B", 4)], code="OLD-2024", year=2024)
    current = build(
        [leaf("A", 6), leaf("C", 4, previous_codes=["B", "Z"])], code="NEW-2025", year=2025
    )
    assert check_previous_codes(current, previous) == [
        Problem("NEW-2025/C", "mã năm trước «Z» không có trong bộ tiêu chí OLD-2024")
    ]
