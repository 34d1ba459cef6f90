"""The YAML framework format: reading with locations, problems, writing, the shipped examples."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.engine import RULES, FrameworkError, check_previous_codes, framework_to_spec
from parindex.frameworks import (
    EXAMPLES_DIR,
    FrameworkFileError,
    dump_yaml,
    example_paths,
    framework_differences,
    load_framework,
    parse_spec,
    read_spec,
    write_framework,
)
from tests.frameworks.helpers import BROKEN, HEADER, MINIMAL

WriteYaml = Callable[..., Path]
YAML_EXAMPLES = [path for path in example_paths() if path.suffix == ".yaml"]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    return [str(problem) for problem in caught.value.problems]


# --- the shipped examples --------------------------------------------------------------------


def test_it_ships_the_four_example_frameworks() -> None:
    names = {path.name for path in example_paths()}
    assert names == {
        "example_national_876_2022.yaml",
        "example_province_communes_2024.yaml",
        "example_province_communes_2025.yaml",
        "example_province_departments_2025.yaml",
        "example_province_departments_2025.xlsx",
    }


@pytest.mark.parametrize("path", example_paths(), ids=lambda path: path.name)
def test_every_shipped_example_validates_and_says_it_is_an_example(path: Path) -> None:
    framework = load_framework(path)
    assert framework.info.max_total == 100
    assert "VÍ DỤ — không phải bộ tiêu chí chính thức" in framework.info.name
    assert "VÍ DỤ — không phải bộ tiêu chí chính thức" in framework.info.status_note


def test_the_national_example_keeps_the_published_maxima_and_labels_the_rest() -> None:
    framework = load_framework(EXAMPLES_DIR / "example_national_876_2022.yaml")
    maxima = {area.code: area.max_points for area in framework.areas}
    assert maxima == {
        "1": Decimal("9.5"),
        "2": Decimal("10"),
        "3": Decimal("12"),
        "4": Decimal("10.5"),
        "5": Decimal("11.5"),
        "6": Decimal("9"),
        "7": Decimal("13"),
        "8": Decimal("24.5"),
    }
    for area in framework.areas:
        if area.code in ("1", "2", "4"):
            assert "Báo Bắc Kạn, 2023" in area.guidance
        else:
            assert "minh họa" in area.guidance
    assert [band.label for band in framework.info.class_bands] == ["A", "B", "C", "D"]
    assert [band.min_percent for band in framework.info.class_bands] == [90, 80, 70, 0]


def test_the_national_example_uses_every_rule_source_and_marker() -> None:
    framework = load_framework(EXAMPLES_DIR / "example_national_876_2022.yaml")
    leaves = list(framework.leaves())
    assert {leaf.rule.name for leaf in leaves if leaf.rule} == set(RULES)
    assert {leaf.source for leaf in leaves} == {"self", "survey", "data"}
    assert {leaf.indicator for leaf in leaves if leaf.source == "data"} == {
        "dossiers.on_time_rate",
        "dossiers.online_rate",
        "dossiers.online_payment_rate",
    }
    assert any(leaf.evidence_required for leaf in leaves)
    assert any(leaf.is_quick_win for leaf in leaves)


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_commune_examples_have_bonus_penalty_and_alternatives(year: int) -> None:
    framework = load_framework(EXAMPLES_DIR / f"example_province_communes_{year}.yaml")
    nodes = list(framework.walk())
    assert 40 <= len(nodes) <= 60
    kinds = {node.kind: node.title for node in nodes if node.parent is None}
    assert kinds["bonus"] == "Điểm thưởng"
    assert kinds["penalty"] == "Điểm trừ"
    assert any(node.alternatives for node in nodes)
    assert any(node.is_quick_win for node in nodes)
    # 2025 adds the submission penalty (TRU.2) that the system fills from how the unit sent.
    system = {"system"} if year == 2025 else set()
    assert {node.source for node in nodes if node.is_leaf} == {"self", "survey", "data", *system}
    if year == 2025:
        assert framework.info.submission is not None
        assert framework.info.submission.node == "TRU.2"
    assert [band.label for band in framework.info.class_bands] == [
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    ]


def test_the_2025_commune_example_is_a_revision_of_2024() -> None:
    previous = load_framework(EXAMPLES_DIR / "example_province_communes_2024.yaml")
    current = load_framework(EXAMPLES_DIR / "example_province_communes_2025.yaml")
    assert check_previous_codes(current, previous) == []
    merged = current.node("2")
    assert merged.previous_codes == ("2", "3")
    renumbered = current.node("3")
    assert renumbered.previous_codes == ("4",)
    assert renumbered.title == previous.node("4").title
    new = [
        node.code
        for node in current.walk()
        if not node.previous_codes and node.code not in previous.nodes
    ]
    assert new == ["25.4"]
    assert previous.node("11.1").max_points == 5
    assert current.node("11.1").max_points == 6


def test_the_departments_example_has_thirty_to_fifty_nodes() -> None:
    framework = load_framework(EXAMPLES_DIR / "example_province_departments_2025.yaml")
    assert 30 <= len(framework.nodes) <= 50
    assert framework.info.unit_group == "Sở, ban, ngành"


# --- reading: values and locations -----------------------------------------------------------


def test_numbers_keep_exactly_what_was_written() -> None:
    framework = load_framework(MINIMAL)
    assert framework.node("1").max_points.as_tuple() == Decimal("9.0929").as_tuple()
    assert framework.node("2.1").max_points == Decimal("2.9071")  # written "2,9071"
    options = framework.node("1.1").rule.params["options"]  # type: ignore[union-attr]
    assert options[0]["points"].as_tuple() == Decimal("4.0929").as_tuple()
    assert framework.info.max_total == 20


def test_only_true_and_false_are_booleans_and_codes_stay_text(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: 1.10
    title: no
    max_points: 10
    rule:
      type: choice
      options:
        - {key: yes, label: Có, points: 10}
        - {key: no, label: Không, points: 0}
"""
    )
    framework = load_framework(path)
    node = framework.node("1.10")
    assert node.title == "no"
    assert [option["key"] for option in node.rule.params["options"]] == ["yes", "no"]  # type: ignore[union-attr]


def test_every_node_and_field_remembers_its_line() -> None:
    spec = read_spec(MINIMAL)
    nodes = {node.code: node for node in spec.nodes}
    label = str(MINIMAL)
    assert nodes["1.2"].location == f"{label}:34"
    assert nodes["1.2"].field_locations["max_points"] == f"{label}:36"
    assert nodes["1.2"].field_locations["rule"] == f"{label}:37"
    assert nodes["1.2"].parent == "1"
    assert spec.info_locations["max_total"] == f"{label}:8"
    assert spec.info_locations["classes.2"] == f"{label}:11"
    assert spec.location == f"{label}:2"


def test_free_metadata_keys_are_kept() -> None:
    framework = load_framework(MINIMAL)
    assert framework.info.extra == {"issuer": "Sở Nội vụ (ví dụ)"}


# --- reading: located problems ---------------------------------------------------------------


def test_it_reports_every_problem_of_a_file_at_once_in_line_order() -> None:
    label = str(BROKEN)
    problems = problems_of(BROKEN)
    assert problems == [
        f"{label}:12: tổng điểm tối đa các mục con của «A» là 3, khác 6",
        f"{label}:17: khóa «tittle» không có; có phải «title»?",
        f"{label}:19: mã «A.1» trùng với {label}:14",
        f"{label}:26: mục «B»: quy tắc chấm điểm «magic» không có "
        "(có: bands, boolean, choice, deduction, manual, ratio)",
    ]


def test_it_rejects_a_duplicate_code_naming_both_lines(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Một
    max_points: 5
    rule: {type: manual}
  - code: A
    title: Hai
    max_points: 5
    rule: {type: manual}
"""
    )
    assert f"{path}:12: mã «A» trùng với {path}:8" in problems_of(path)


def test_it_reports_children_maxima_that_do_not_add_up(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Lĩnh vực
    max_points: 10
    children:
      - {code: A.1, title: Một, max_points: 4, rule: {type: manual}}
      - {code: A.2, title: Hai, max_points: 5, rule: {type: manual}}
"""
    )
    assert problems_of(path) == [
        f"{path}:10: tổng điểm tối đa các mục con của «A» là 9, khác 10",
    ]


def test_alternative_children_need_not_add_up_but_none_may_exceed_the_parent(
    write_yaml: WriteYaml,
) -> None:
    valid = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Sáng kiến hoặc mô hình
    max_points: 10
    alternatives: true
    children:
      - {code: A.1, title: Sáng kiến, max_points: 10, rule: {type: boolean}}
      - {code: A.2, title: Mô hình, max_points: 6, rule: {type: boolean}}
""",
        name="valid.yaml",
    )
    assert load_framework(valid).node("A").alternatives is True
    too_big = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Sáng kiến hoặc mô hình
    max_points: 10
    alternatives: true
    children:
      - {code: A.1, title: Sáng kiến, max_points: 10, rule: {type: boolean}}
      - code: A.2
        title: Mô hình
        max_points: 12
        rule: {type: boolean}
""",
        name="too_big.yaml",
    )
    assert problems_of(too_big) == [
        f"{too_big}:16: mục thay thế «A.2» có điểm tối đa 12 vượt 10 của «A»",
    ]


def test_it_reports_a_rule_parameter_above_the_node_maximum(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Báo cáo đúng hạn
    max_points: 10
    rule:
      type: choice
      options:
        - {key: on_time, label: Đúng hạn, points: 12}
"""
    )
    assert problems_of(path) == [
        f"{path}:11: mục «A»: điểm của phương án «on_time» = 12 vượt điểm tối đa 10 của mục",
    ]


def test_it_reports_an_unknown_rule_name(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - {code: A, title: Một, max_points: 10, rule: {type: percentage}}
"""
    )
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:8: mục «A»: quy tắc chấm điểm «percentage» không có")


def test_it_reports_an_unknown_node_key_with_a_suggestion(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Một
    max_point: 10
    rule: {type: manual}
"""
    )
    problems = problems_of(path)
    assert f"{path}:10: khóa «max_point» không có; có phải «max_points»?" in problems


def test_it_reports_a_misspelt_rule_parameter_at_its_line(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Tỷ lệ hồ sơ đúng hạn
    max_points: 10
    rule:
      type: ratio
      full_at_percnt: 90
"""
    )
    assert problems_of(path) == [
        f"{path}:13: mục «A»: quy tắc «ratio» không có tham số «full_at_percnt»; "
        "có phải «full_at_percent»?",
    ]


def test_it_catches_an_unquoted_comma_inside_a_one_line_option(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Báo cáo
    max_points: 10
    rule:
      type: choice
      options:
        - {key: done, label: Đầy đủ, đúng hạn, points: 10}
"""
    )
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:13: mục «A»: phần tử thứ 1 của «options» có khóa lạ «đúng")


def test_it_reports_a_repeated_key_instead_of_keeping_the_last(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: Một
    max_points: 10
    max_points: 5
    rule: {type: manual}
"""
    )
    assert f"{path}:11: khóa «max_points» lặp lại (đã có ở dòng 10)" in problems_of(path)


def test_a_yaml_syntax_error_names_the_file_and_line(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        HEADER
        + """\
nodes:
  - code: A
    title: [Một
    max_points: 10
"""
    )
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:10: lỗi cú pháp YAML:")
    assert "dòng 9" in problem  # where the unclosed bracket opened


def test_missing_metadata_is_reported_at_the_framework_key(write_yaml: WriteYaml) -> None:
    path = write_yaml(
        """\
framework:
  code: test
  year: 2025
  unit_group: Sở, ban, ngành
nodes:
  - {code: A, title: Một, max_points: 100, rule: {type: manual}}
"""
    )
    assert problems_of(path) == [f"{path}:1: thiếu thông tin «name» của bộ tiêu chí"]


def test_parse_spec_returns_reader_problems_without_raising(write_yaml: WriteYaml) -> None:
    path = write_yaml(HEADER + "nodes: []\nextra_section: 1\n")
    spec, problems = parse_spec(path)
    assert spec.info["code"] == "test"
    assert [str(problem) for problem in problems] == [
        f"{path}:8: phần «extra_section» không có (có: framework, nodes)"
    ]
    with pytest.raises(FrameworkError):
        read_spec(path)


def test_a_missing_file_raises_a_file_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(FrameworkFileError, match=r"nowhere\.yaml.*không tìm thấy tệp"):
        load_framework(missing)


def test_a_file_that_is_not_utf8_raises_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("framework:\n  name: Bộ\n".encode("utf-16"))
    with pytest.raises(FrameworkFileError, match="UTF-8"):
        load_framework(path)


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda path: path.name)
def test_yaml_written_and_read_back_is_the_same_framework(path: Path, tmp_path: Path) -> None:
    original = load_framework(path)
    copy = tmp_path / "copy.yaml"
    write_framework(original, copy)
    assert framework_differences(original, load_framework(copy)) == []
    assert framework_to_spec(load_framework(copy)).info == framework_to_spec(original).info


def test_writing_is_stable_once_normalised(tmp_path: Path) -> None:
    first = dump_yaml(load_framework(MINIMAL))
    copy = tmp_path / "copy.yaml"
    copy.write_text(first, encoding="utf-8")
    assert dump_yaml(load_framework(copy)) == first


def test_written_yaml_is_readable_text_with_plain_numbers() -> None:
    text = dump_yaml(load_framework(MINIMAL))
    assert "max_points: 9.0929\n" in text
    assert "max_points: 2.9071\n" in text  # written "2,9071" in the source file
    assert "- {key: late, label: Ban hành chậm, points: 2}" in text
    assert "title: Công tác chỉ đạo, điều hành CCHC\n" in text  # no \u escapes
    assert "!!" not in text
    assert "guidance: |\n" in text  # multi-line guidance as a block
    assert "code: '1.1'" in text  # quoted, so other YAML tools do not read a float


def test_framework_differences_notices_a_changed_field() -> None:
    original = load_framework(MINIMAL)
    nodes = dict(original.nodes)
    nodes["2.3"] = dataclasses.replace(nodes["2.3"], guidance="khác")
    changed = dataclasses.replace(original, nodes=nodes)
    [difference] = framework_differences(original, changed)
    assert difference.startswith("mục «2.3», «guidance»:")


def test_writing_to_an_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FrameworkFileError, match=r"«\.json» không hỗ trợ"):
        write_framework(load_framework(MINIMAL), tmp_path / "framework.json")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "framework.yaml"
    target.write_text("old", encoding="utf-8")

    def broken_dump(framework: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr("parindex.frameworks.yaml_format.dump_yaml", broken_dump)
    with pytest.raises(RuntimeError):
        write_framework(load_framework(MINIMAL), target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["framework.yaml"]
