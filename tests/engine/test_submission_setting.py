"""The framework's `submission` setting: the system leaf that scores how a unit sent its
self-assessment (on time, late inside an extension, never), checked with located problems."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from parindex.engine import FrameworkError, FrameworkSpec, NodeSpec, build_framework


def spec(submission: Any = None, **node: Any) -> FrameworkSpec:
    info: dict[str, Any] = {
        "code": "xa",
        "name": "Bộ tiêu chí xã",
        "year": 2025,
        "unit_group": "xã",
        "max_total": 2,
    }
    if submission is not None:
        info["submission"] = submission
    penalty = {
        "kind": "penalty",
        "source": "system",
        "rule": "manual",
        "rule_params": {"step": "0.5"},
        **node,
    }
    nodes = [
        NodeSpec("1", "Chỉ đạo", 2),
        NodeSpec("1.1", "Kế hoạch", 2, parent="1", rule="boolean"),
        NodeSpec("TRU", "Điểm trừ", 1, kind="penalty"),
        NodeSpec("TRU.1", "Gửi chậm hoặc không gửi", 1, parent="TRU", **penalty),
    ]
    return FrameworkSpec(info=info, nodes=nodes, location="xa.yaml")


def problems(built: FrameworkSpec) -> list[str]:
    with pytest.raises(FrameworkError) as error:
        build_framework(built)
    return [problem.message for problem in error.value.problems]


def test_the_setting_names_the_node_and_its_points_per_case():
    framework = build_framework(spec({"node": "TRU.1", "late": "0,5", "not_submitted": 1}))
    setting = framework.info.submission
    assert setting is not None
    assert (setting.node, setting.on_time, setting.late, setting.not_submitted) == (
        "TRU.1",
        Decimal(0),  # nothing taken off a unit that sent on time
        Decimal("0.5"),
        Decimal(1),
    )
    assert setting.points("late") == Decimal("0.5")
    # Kept as written for the writers (YAML, Excel, the database).
    assert framework.info.extra["submission"]["late"] == "0,5"


def test_on_a_standard_node_sending_on_time_gives_the_maximum_by_default():
    built = spec({"node": "TRU.1", "late": "0.5", "not_submitted": 0}, kind="standard")
    built.nodes[2] = NodeSpec("TRU", "Gửi đúng hạn", 1)
    built.info = {**built.info, "max_total": 3}
    setting = build_framework(built).info.submission
    assert setting is not None
    assert setting.on_time == 1


def test_without_the_setting_a_system_leaf_is_an_error():
    assert problems(spec()) == [
        "mục «TRU.1» có nguồn «system» nhưng «submission» của bộ tiêu chí không chỉ tới mục này"
    ]


@pytest.mark.parametrize(
    ("submission", "node", "expected"),
    [
        ("TRU.1", {}, "«submission» phải có dạng {node: MÃ, late: ĐIỂM, not_submitted: ĐIỂM}"),
        ({"node": "TRU.1", "late": 0.5}, {}, "«submission» thiếu «not_submitted»"),
        (
            {"node": "TRU.1", "late": 0.5, "not_submitted": 1, "early": 1},
            {},
            "«submission» không có khóa «early» (có: node, on_time, late, not_submitted)",
        ),
        ({"node": "X", "late": 0.5, "not_submitted": 1}, {}, "«submission»: mục «X» không có"),
        ({"node": "TRU.1", "late": "nửa", "not_submitted": 1}, {}, "«submission.late» phải là số"),
        (
            {"node": "TRU.1", "late": 0.25, "not_submitted": 1},
            {},
            "«submission.late»: điểm 0,25 phải là bội số của 0,5",
        ),
        (
            {"node": "TRU.1", "late": 0.5, "not_submitted": 2},
            {},
            "«submission.not_submitted»: điểm 2 phải từ 0 đến 1",
        ),
        (
            {"node": "TRU.1", "late": 0.5, "not_submitted": 1},
            {"source": "self"},
            "mục «TRU.1» của «submission» phải có source: system",
        ),
        (
            {"node": "TRU.1", "late": 0.5, "not_submitted": 1},
            {"rule": "boolean", "rule_params": {}},
            "mục «TRU.1» của «submission» phải dùng quy tắc manual",
        ),
    ],
)
def test_a_wrong_setting_is_reported(submission, node, expected):
    assert expected in problems(spec(submission, **node))
