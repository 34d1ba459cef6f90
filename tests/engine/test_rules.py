"""The scoring rules on hand-computed examples: points, explanations, boundaries and errors.

Every expected figure and sentence below was worked out by hand from the rule's
definition, not copied from the engine's output.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from parindex.engine import (
    RULES,
    InputField,
    Outcome,
    Rule,
    RuleInputError,
    RuleParameterError,
    make_rule,
)


def rule(name: str, max_points: str, params: Mapping[str, Any] | None = None) -> Rule:
    return make_rule(name, params or {}, Decimal(max_points))


def parameter_error(name: str, max_points: str, params: Mapping[str, Any]) -> str:
    with pytest.raises(RuleParameterError) as caught:
        rule(name, max_points, params)
    return str(caught.value)


def input_error(scoring_rule: Rule, values: Mapping[str, Any]) -> tuple[str, str | None]:
    with pytest.raises(RuleInputError) as caught:
        scoring_rule.score(values)
    return str(caught.value), caught.value.field


def test_the_registry_holds_exactly_the_six_documented_rules() -> None:
    assert sorted(RULES) == ["bands", "boolean", "choice", "deduction", "manual", "ratio"]


def test_it_rejects_an_unknown_rule_and_lists_the_known_ones() -> None:
    message = parameter_error("percent", "1", {})
    assert message == (
        "quy tắc chấm điểm «percent» không có (có: bands, boolean, choice, deduction, manual, ratio)"
    )


# --- choice -----------------------------------------------------------------------------------

PLAN_OPTIONS = [
    {"key": "dung_han", "label": "Ban hành đúng hạn", "points": 2},
    {"key": "tre_han", "label": "Ban hành trễ hạn", "points": "1,5"},
    {"key": "khong", "label": "Không ban hành", "points": 0},
]


def test_choice_gives_the_points_of_the_chosen_option_with_its_label() -> None:
    plan = rule("choice", "2", {"options": PLAN_OPTIONS})
    assert plan.score({"option": "tre_han"}) == Outcome(
        Decimal("1.5"), "«Ban hành trễ hạn» → 1,5/2 điểm"
    )
    assert plan.score({"option": "dung_han"}) == Outcome(
        Decimal(2), "«Ban hành đúng hạn» → 2/2 điểm"
    )
    assert plan.score({"option": "khong"}) == Outcome(Decimal(0), "«Không ban hành» → 0/2 điểm")


def test_choice_uses_the_key_as_label_when_an_option_has_none() -> None:
    plan = rule("choice", "1", {"options": [{"key": "co", "points": 1}]})
    assert plan.score({"option": "co"}).explanation == "«co» → 1/1 điểm"


def test_choice_offers_its_options_as_one_form_field() -> None:
    plan = rule("choice", "2", {"options": PLAN_OPTIONS})
    assert plan.fields() == (
        InputField(
            "option",
            "option",
            "Phương án",
            (
                ("dung_han", "Ban hành đúng hạn"),
                ("tre_han", "Ban hành trễ hạn"),
                ("khong", "Không ban hành"),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "chưa chọn phương án"),
        ({"option": ""}, "chưa chọn phương án"),
        ({"option": "som"}, "phương án «som» không có (có: dung_han, tre_han, khong)"),
    ],
)
def test_choice_rejects_a_missing_or_unknown_option(values: dict[str, Any], message: str) -> None:
    plan = rule("choice", "2", {"options": PLAN_OPTIONS})
    assert input_error(plan, values) == (message, "option")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (None, "«options» phải là danh sách phương án (key, label, points)"),
        ([], "«options» phải là danh sách phương án (key, label, points)"),
        (["co"], "phương án thứ 1 phải có key, label, points"),
        ([{"label": "Có", "points": 1}], "phương án thứ 1 thiếu «key»"),
        (
            [{"key": "a", "points": 1}, {"key": "a", "points": 0}],
            "phương án «a» bị lặp",
        ),
        ([{"key": "a"}], "thiếu tham số «points»"),
        ([{"key": "a", "points": "nhiều"}], "tham số «points» phải là số, không phải «nhiều»"),
        ([{"key": "a", "points": 3}], "điểm của phương án «a» = 3 vượt điểm tối đa 2 của mục"),
        ([{"key": "a", "points": -1}], "điểm của phương án «a» = -1 âm"),
    ],
)
def test_choice_rejects_bad_options(options: Any, message: str) -> None:
    assert parameter_error("choice", "2", {"options": options}) == message


def test_choice_reports_every_bad_option_at_once() -> None:
    options = [{"key": "a", "points": 3}, {"label": "?"}, {"key": "b", "points": -0.5}]
    assert parameter_error("choice", "2", {"options": options}) == (
        "điểm của phương án «a» = 3 vượt điểm tối đa 2 của mục; "
        "phương án thứ 2 thiếu «key»; "
        "điểm của phương án «b» = -0,5 âm"
    )


# --- ratio ------------------------------------------------------------------------------------


def test_ratio_gives_points_in_proportion_to_the_rate() -> None:
    on_time = rule("ratio", "2", {"measure": "hồ sơ đúng hạn"})
    assert on_time.score({"numerator": 3, "denominator": 4}) == Outcome(
        Decimal("1.5"), "3/4 = 75% hồ sơ đúng hạn → 1,5/2 điểm"
    )


def test_ratio_without_a_measure_leaves_the_rate_unqualified() -> None:
    assert rule("ratio", "2").score({"numerator": 1, "denominator": 4}).explanation == (
        "1/4 = 25% → 0,5/2 điểm"
    )


def test_ratio_reaches_full_points_at_full_at_percent_and_stays_there() -> None:
    # The unofficial QĐ 766 reconstruction: online submission gets full points from 50 %.
    online = rule("ratio", "6", {"full_at_percent": 50, "measure": "hồ sơ nộp trực tuyến"})
    assert online.score({"numerator": 30, "denominator": 100}) == Outcome(
        Decimal("3.6"), "30/100 = 30% hồ sơ nộp trực tuyến → 3,6/6 điểm (đủ điểm từ 50%)"
    )
    assert online.score({"numerator": 50, "denominator": 100}).points == 6
    assert online.score({"numerator": 49, "denominator": 100}).points == Decimal("5.88")
    assert online.score({"numerator": 80, "denominator": 100}).points == 6


def test_ratio_gives_nothing_below_zero_below_percent_and_counts_the_threshold_itself() -> None:
    on_time = rule("ratio", "4", {"zero_below_percent": 50})
    assert on_time.score({"numerator": 49, "denominator": 100}) == Outcome(
        Decimal(0), "49/100 = 49% → 0/4 điểm (dưới 50% không tính điểm)"
    )
    assert on_time.score({"numerator": 50, "denominator": 100}) == Outcome(
        Decimal(2), "50/100 = 50% → 2/4 điểm"
    )


def test_ratio_rounds_points_half_up_to_the_points_places() -> None:
    third = rule("ratio", "1")
    assert third.score({"numerator": 1, "denominator": 3}) == Outcome(
        Decimal("0.3333"), "1/3 = 33,33% → 0,3333/1 điểm"
    )
    assert third.score({"numerator": 2, "denominator": 3}) == Outcome(
        Decimal("0.6667"), "2/3 = 66,67% → 0,6667/1 điểm"
    )
    two_places = make_rule("ratio", {}, Decimal(1), points_places=2)
    assert two_places.score({"numerator": 2, "denominator": 3}).points == Decimal("0.67")


def test_ratio_accepts_a_percentage_typed_with_a_decimal_comma() -> None:
    on_time = rule("ratio", "4", {"measure": "hồ sơ đúng hạn"})
    assert on_time.score({"percent": "87,5"}) == Outcome(
        Decimal("3.5"), "87,5% hồ sơ đúng hạn → 3,5/4 điểm"
    )


def test_ratio_prefers_the_counts_when_both_counts_and_a_percentage_are_given() -> None:
    on_time = rule("ratio", "4")
    assert on_time.score({"numerator": 1, "denominator": 4, "percent": 90}).points == 1


@pytest.mark.parametrize(
    ("if_no_cases", "points", "explanation"),
    [
        (None, Decimal(4), "Không phát sinh trường hợp → 4/4 điểm"),
        ("full", Decimal(4), "Không phát sinh trường hợp → 4/4 điểm"),
        ("zero", Decimal(0), "Không phát sinh trường hợp → 0/4 điểm"),
    ],
)
def test_ratio_with_no_cases_follows_if_no_cases(
    if_no_cases: str | None, points: Decimal, explanation: str
) -> None:
    params = {"zero_below_percent": 50} | ({"if_no_cases": if_no_cases} if if_no_cases else {})
    assert rule("ratio", "4", params).score({"numerator": 0, "denominator": 0}) == Outcome(
        points, explanation
    )


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"denominator": 4}, "chưa nhập «numerator»", "numerator"),
        ({"numerator": "", "denominator": 4}, "chưa nhập «numerator»", "numerator"),
        ({"numerator": 3}, "chưa nhập «denominator»", "denominator"),
        ({"numerator": "ba", "denominator": 4}, "«ba» không phải là số", "numerator"),
        ({"numerator": 3, "denominator": "4 hồ sơ"}, "«4 hồ sơ» không phải là số", "denominator"),
        ({"numerator": True, "denominator": 4}, "«True» không phải là số", "numerator"),
        ({"numerator": -1, "denominator": 4}, "tử số không được âm", "numerator"),
        ({"numerator": 0, "denominator": -4}, "mẫu số không được âm", "denominator"),
        ({"numerator": 5, "denominator": 4}, "tử số 5 lớn hơn mẫu số 4", "numerator"),
        ({"numerator": "0,5", "denominator": 0}, "tử số 0,5 lớn hơn mẫu số 0", "numerator"),
        ({"percent": 100.5}, "tỷ lệ phải từ 0 đến 100%", "percent"),
        ({"percent": -1}, "tỷ lệ phải từ 0 đến 100%", "percent"),
        ({"percent": "cao"}, "«cao» không phải là số", "percent"),
    ],
)
def test_ratio_rejects_bad_input_and_names_the_field(
    values: dict[str, Any], message: str, field: str
) -> None:
    assert input_error(rule("ratio", "4"), values) == (message, field)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"full_at_percent": 0}, "«full_at_percent» phải lớn hơn 0 và không quá 100"),
        ({"full_at_percent": 101}, "«full_at_percent» phải lớn hơn 0 và không quá 100"),
        ({"full_at_percent": "nửa"}, "tham số «full_at_percent» phải là số, không phải «nửa»"),
        ({"zero_below_percent": -1}, "«zero_below_percent» phải từ 0 đến 100"),
        ({"zero_below_percent": 100.5}, "«zero_below_percent» phải từ 0 đến 100"),
        (
            {"zero_below_percent": 50, "full_at_percent": 50},
            "«zero_below_percent» phải nhỏ hơn «full_at_percent»",
        ),
        ({"if_no_cases": "half"}, "«if_no_cases» phải là full hoặc zero"),
    ],
)
def test_ratio_rejects_bad_parameters(params: dict[str, Any], message: str) -> None:
    assert parameter_error("ratio", "4", params) == message


def test_ratio_and_bands_ask_for_numerator_and_denominator() -> None:
    expected = (
        InputField("numerator", "number", "Tử số (số đạt)"),
        InputField("denominator", "number", "Mẫu số (tổng số)"),
    )
    assert rule("ratio", "1").fields() == expected
    assert rule("bands", "1", {"thresholds": [{"min_percent": 0, "points": 1}]}).fields() == (
        expected
    )


# --- bands ------------------------------------------------------------------------------------

ON_TIME_BANDS = {
    "measure": "hồ sơ đúng hạn",
    # Given out of order on purpose: the rule sorts them.
    "thresholds": [
        {"min_percent": 85, "points": "0,75"},
        {"min_percent": 95, "points": 1},
        {"min_percent": 70, "points": 0.5},
    ],
}


def test_bands_gives_the_points_of_the_highest_threshold_reached() -> None:
    on_time = rule("bands", "1", ON_TIME_BANDS)
    assert on_time.score({"numerator": 35, "denominator": 40}) == Outcome(
        Decimal("0.75"), "35/40 = 87,5% hồ sơ đúng hạn → 0,75/1 điểm (mức ≥ 85%)"
    )


@pytest.mark.parametrize(
    ("numerator", "points", "explanation"),
    [
        (40, "1", "40/40 = 100% hồ sơ đúng hạn → 1/1 điểm (mức ≥ 95%)"),
        (38, "1", "38/40 = 95% hồ sơ đúng hạn → 1/1 điểm (mức ≥ 95%)"),
        (37, "0.75", "37/40 = 92,5% hồ sơ đúng hạn → 0,75/1 điểm (mức ≥ 85%)"),
        (34, "0.75", "34/40 = 85% hồ sơ đúng hạn → 0,75/1 điểm (mức ≥ 85%)"),
        (28, "0.5", "28/40 = 70% hồ sơ đúng hạn → 0,5/1 điểm (mức ≥ 70%)"),
        (27, "0", "27/40 = 67,5% hồ sơ đúng hạn → 0/1 điểm (dưới mức thấp nhất 70%)"),
    ],
)
def test_bands_counts_a_rate_exactly_at_a_threshold_as_reaching_it(
    numerator: int, points: str, explanation: str
) -> None:
    on_time = rule("bands", "1", ON_TIME_BANDS)
    assert on_time.score({"numerator": numerator, "denominator": 40}) == Outcome(
        Decimal(points), explanation
    )


def test_bands_shows_a_recurring_rate_rounded_to_two_decimals() -> None:
    on_time = rule("bands", "1", ON_TIME_BANDS)
    # 2/3 = 66,666…% is below 70 % even though it is shown rounded.
    assert on_time.score({"numerator": 2, "denominator": 3}).explanation == (
        "2/3 = 66,67% hồ sơ đúng hạn → 0/1 điểm (dưới mức thấp nhất 70%)"
    )


def test_bands_does_not_round_a_rate_up_into_a_threshold() -> None:
    on_time = rule("bands", "1", {"thresholds": [{"min_percent": "66,67", "points": 1}]})
    outcome = on_time.score({"numerator": 2, "denominator": 3})
    assert outcome.points == 0


def test_bands_with_no_cases_follows_if_no_cases() -> None:
    zero = rule("bands", "1", ON_TIME_BANDS | {"if_no_cases": "zero"})
    assert zero.score({"numerator": 0, "denominator": 0}) == Outcome(
        Decimal(0), "Không phát sinh trường hợp → 0/1 điểm"
    )
    full = rule("bands", "1", ON_TIME_BANDS)
    assert full.score({"numerator": 0, "denominator": 0}).points == 1


def test_bands_accepts_a_percentage() -> None:
    on_time = rule("bands", "1", ON_TIME_BANDS)
    assert on_time.score({"percent": 95}).points == 1


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        (None, "«thresholds» phải là danh sách mức (min_percent, points)"),
        ([], "«thresholds» phải là danh sách mức (min_percent, points)"),
        ([80], "mức thứ 1 phải có min_percent và points"),
        ([{"points": 1}], "thiếu tham số «min_percent»"),
        ([{"min_percent": 80}], "thiếu tham số «points»"),
        ([{"min_percent": 120, "points": 1}], "min_percent của mức thứ 1 phải từ 0 đến 100"),
        (
            [{"min_percent": 90, "points": 1}, {"min_percent": 80, "points": 2}],
            "điểm của mức thứ 2 = 2 vượt điểm tối đa 1 của mục; "
            "mức thấp hơn không được có nhiều điểm hơn mức cao hơn",
        ),
        (
            [{"min_percent": 90, "points": 0.5}, {"min_percent": 80, "points": 1}],
            "mức thấp hơn không được có nhiều điểm hơn mức cao hơn",
        ),
        (
            [{"min_percent": 90, "points": 1}, {"min_percent": "90,0", "points": 0.5}],
            "hai mức có cùng min_percent",
        ),
    ],
)
def test_bands_rejects_bad_thresholds(thresholds: Any, message: str) -> None:
    assert parameter_error("bands", "1", {"thresholds": thresholds}) == message


# --- deduction --------------------------------------------------------------------------------

LATE_REPORTS = {"per_occurrence": "0,5", "occurrence": "báo cáo trễ hạn"}


@pytest.mark.parametrize(
    ("count", "points", "explanation"),
    [
        (0, "2", "Không có báo cáo trễ hạn → 2/2 điểm"),
        (1, "1.5", "1 báo cáo trễ hạn × 0,5 = trừ 0,5 → 1,5/2 điểm"),
        (3, "0.5", "3 báo cáo trễ hạn × 0,5 = trừ 1,5 → 0,5/2 điểm"),
        (4, "0", "4 báo cáo trễ hạn × 0,5 = trừ 2 → 0/2 điểm"),
        (5, "0", "5 báo cáo trễ hạn × 0,5 = trừ 2,5 → 0/2 điểm"),
        ("2,0", "1", "2 báo cáo trễ hạn × 0,5 = trừ 1 → 1/2 điểm"),
    ],
)
def test_deduction_subtracts_per_occurrence_and_never_goes_below_zero(
    count: Any, points: str, explanation: str
) -> None:
    late = rule("deduction", "2", LATE_REPORTS)
    assert late.score({"count": count}) == Outcome(Decimal(points), explanation)


def test_deduction_names_occurrences_generically_by_default() -> None:
    violations = rule("deduction", "1", {"per_occurrence": "0.25"})
    assert violations.score({"count": 2}).explanation == (
        "2 lần vi phạm × 0,25 = trừ 0,5 → 0,5/1 điểm"
    )
    assert violations.fields() == (InputField("count", "integer", "Số lần vi phạm"),)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "chưa nhập «count»"),
        ({"count": "hai"}, "«hai» không phải là số"),
        ({"count": -1}, "số lần phải là số nguyên không âm"),
        ({"count": "1,5"}, "số lần phải là số nguyên không âm"),
    ],
)
def test_deduction_rejects_a_count_that_is_not_a_whole_number(
    values: dict[str, Any], message: str
) -> None:
    assert input_error(rule("deduction", "2", LATE_REPORTS), values) == (message, "count")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "thiếu tham số «per_occurrence»"),
        ({"per_occurrence": 0}, "«per_occurrence» phải lớn hơn 0"),
        ({"per_occurrence": -1}, "«per_occurrence» phải lớn hơn 0; «per_occurrence» = -1 âm"),
        ({"per_occurrence": 3}, "«per_occurrence» = 3 vượt điểm tối đa 2 của mục"),
    ],
)
def test_deduction_rejects_bad_parameters(params: dict[str, Any], message: str) -> None:
    assert parameter_error("deduction", "2", params) == message


# --- boolean ----------------------------------------------------------------------------------


@pytest.mark.parametrize("yes", [True, "yes", "Có", " có ", "x", "Đạt", "1", 1])
def test_boolean_gives_the_yes_points_for_every_way_of_saying_yes(yes: Any) -> None:
    done = rule("boolean", "2")
    assert done.score({"value": yes}) == Outcome(Decimal(2), "Có → 2/2 điểm")


@pytest.mark.parametrize("no", [False, "no", "Không", "khong", "Chưa", "không đạt", "0", 0])
def test_boolean_gives_the_no_points_for_every_way_of_saying_no(no: Any) -> None:
    done = rule("boolean", "2")
    assert done.score({"value": no}) == Outcome(Decimal(0), "Không → 0/2 điểm")


def test_boolean_uses_its_own_points_and_labels() -> None:
    published = rule(
        "boolean",
        "2",
        {
            "points_if_yes": "1,5",
            "points_if_no": "0.5",
            "yes_label": "Đã công khai",
            "no_label": "Chưa công khai",
        },
    )
    assert published.score({"value": True}) == Outcome(Decimal("1.5"), "Đã công khai → 1,5/2 điểm")
    assert published.score({"value": False}) == Outcome(
        Decimal("0.5"), "Chưa công khai → 0,5/2 điểm"
    )
    assert published.fields() == (
        InputField(
            "value", "boolean", "Kết quả", (("yes", "Đã công khai"), ("no", "Chưa công khai"))
        ),
    )


@pytest.mark.parametrize("value", [None, "", "có lẽ", 2])
def test_boolean_rejects_anything_but_yes_or_no(value: Any) -> None:
    assert input_error(rule("boolean", "2"), {"value": value}) == (
        "hãy chọn có hoặc không",
        "value",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"points_if_yes": 3}, "«points_if_yes» = 3 vượt điểm tối đa 2 của mục"),
        ({"points_if_no": -1}, "«points_if_no» = -1 âm"),
        ({"points_if_yes": "đủ"}, "tham số «points_if_yes» phải là số, không phải «đủ»"),
    ],
)
def test_boolean_rejects_bad_parameters(params: dict[str, Any], message: str) -> None:
    assert parameter_error("boolean", "2", params) == message


# --- manual -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "expected", "explanation"),
    [
        ("2,5", "2.5", "Chấm 2,5/3 điểm"),
        (0, "0", "Chấm 0/3 điểm"),
        (3, "3", "Chấm 3/3 điểm"),
        (1.5, "1.5", "Chấm 1,5/3 điểm"),
    ],
)
def test_manual_takes_the_typed_points_from_zero_to_the_maximum_in_steps(
    points: Any, expected: str, explanation: str
) -> None:
    typed = rule("manual", "3", {"step": "0,5"})
    assert typed.score({"points": points}) == Outcome(Decimal(expected), explanation)


def test_manual_without_a_step_keeps_the_precision_typed() -> None:
    # A published 9.0929 stays 9.0929: floats go through their shortest repr.
    assert rule("manual", "10.5").score({"points": 9.0929}).points == Decimal("9.0929")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("2,25", "điểm 2,25 phải là bội số của 0,5"),
        ("3,5", "điểm 3,5 phải từ 0 đến 3"),
        (-1, "điểm -1 phải từ 0 đến 3"),
        (None, "chưa nhập «points»"),
        ("", "chưa nhập «points»"),
        ("ba", "«ba» không phải là số"),
    ],
)
def test_manual_rejects_points_off_step_or_out_of_range(points: Any, message: str) -> None:
    assert input_error(rule("manual", "3", {"step": 0.5}), {"points": points}) == (
        message,
        "points",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"step": 0}, "«step» phải lớn hơn 0"),
        ({"step": 4}, "«step» = 4 vượt điểm tối đa 3 của mục"),
        ({"step": "nửa"}, "tham số «step» phải là số, không phải «nửa»"),
    ],
)
def test_manual_rejects_bad_parameters(params: dict[str, Any], message: str) -> None:
    assert parameter_error("manual", "3", params) == message


def test_manual_asks_for_points() -> None:
    assert rule("manual", "3").fields() == (InputField("points", "number", "Điểm"),)
