"""A rule the batch engine has no integer kernel for is scored through its `Rule.score`.

docs/architecture.md, "How to add a scoring rule": a rule class missing from `_KERNELS`
(parindex/engine/batch/layout.py, looked up by exact class, so a subclass of a rule with a
kernel too) is scored at encoding with its `score`; its points are then kept like typed
(`manual`) points. Slower (one `score` per distinct entry of each leaf), never wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from parindex.engine import (
    RULES,
    InputField,
    NodeInput,
    Outcome,
    Rule,
    RuleInputError,
    encode_inputs,
    score_group,
    score_unit,
    unit_results,
)
from parindex.engine.rules import ChoiceRule

from .builders import build, group, leaf


class ThirdRule(Rule):
    """Test rule (not a real criterion): a third of the points typed, rounded."""

    name = "third"
    description = "một phần ba số điểm nhập (quy tắc kiểm thử)"
    calls = 0

    def _configure(self, problems: list[str]) -> None:
        pass

    def fields(self) -> tuple[InputField, ...]:
        return (InputField("points", "number", "Điểm"),)

    def score(self, values: Mapping[str, Any]) -> Outcome:
        ThirdRule.calls += 1
        typed = values.get("points")
        try:
            points = Decimal(str(typed))
        except ArithmeticError:
            raise RuleInputError(f"«{typed}» không phải là số", field="points") from None
        return Outcome(self._round(points / 3), f"một phần ba của {typed}")


class LaterChoiceRule(ChoiceRule):
    """A subclass of a rule with a kernel: `_KERNELS` is looked up by exact class."""

    name = "later_choice"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(RULES, "third", ThirdRule)
    monkeypatch.setitem(RULES, "later_choice", LaterChoiceRule)
    ThirdRule.calls = 0


def test_a_rule_without_a_kernel_is_scored_through_score_with_the_same_results(rules) -> None:
    framework = build(
        [group("A", 10), leaf("A.1", 5, "third", parent="A"), leaf("A.2", 5, parent="A")]
    )
    entries = {
        "u1": {"A.1": NodeInput({"points": "2"}), "A.2": NodeInput({"points": "1.5"})},
        "u2": {"A.1": NodeInput({"points": "2"})},
        "u3": {"A.1": NodeInput({"points": "x"})},
    }
    inputs = encode_inputs(framework, entries)
    assert inputs.layout.leaf_kinds[inputs.layout.leaf["A.1"]] == "outcome"
    assert ThirdRule.calls == 2  # "2" once for u1 and u2 (remembered per leaf), "x" once
    u1, u2, u3 = unit_results(score_group(framework, inputs))
    assert (u1.nodes["A.1"].points, u1.total) == (Decimal("0.6667"), Decimal("2.1667"))
    assert u1.nodes["A.1"].explanation == "một phần ba của 2"
    assert u2.total == Decimal("0.6667")
    assert u3.total == 0
    assert [(p.code, p.field, p.message) for p in u3.problems] == [
        ("A.1", "points", "«x» không phải là số")
    ]
    for result in (u1, u2, u3):
        alone = score_unit(framework, result.unit, entries[result.unit])
        assert str(alone.total) == str(result.total)
        assert alone.nodes["A.1"] == result.nodes["A.1"]


def test_a_subclass_of_a_rule_with_a_kernel_falls_back_too(rules) -> None:
    options = {"options": [{"key": "co", "points": 2}, {"key": "khong", "points": 0}]}
    framework = build(
        [leaf("A", 2, "later_choice", options), leaf("B", 2, "choice", options)], max_total=4
    )
    inputs = encode_inputs(framework, {"u": {"A": NodeInput({"option": "co"})}})
    kinds = {code: inputs.layout.leaf_kinds[row] for code, row in inputs.layout.leaf.items()}
    assert kinds == {"A": "outcome", "B": "choice"}
    (result,) = unit_results(score_group(framework, inputs))
    assert result.nodes["A"].points == 2
