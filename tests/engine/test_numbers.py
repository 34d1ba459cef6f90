"""Numbers as Vietnamese official documents write them: decimal comma, dot for thousands, a
percentage with no space before the sign ("27%", "87,5%"), and a framework's display places
(2 by default) that pages show while the stored points keep 4."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.engine import FrameworkSpec, NodeSpec, build_framework, format_number, format_percent


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        ("27", None, "27%"),
        ("87.5", None, "87,5%"),
        ("90.7", 2, "90,70%"),
        ("1234.5", 1, "1.234,5%"),
    ],
)
def test_a_percentage_has_no_space_before_its_sign(value: str, places: int | None, shown: str):
    assert format_percent(Decimal(value), places) == shown


def test_a_rule_explanation_writes_its_rates_the_same_way() -> None:
    framework = build_framework(
        FrameworkSpec(
            info={"code": "f", "name": "F", "year": 2025, "unit_group": "xa", "max_total": 4},
            nodes=[NodeSpec("1", "Tỷ lệ", 4, rule="ratio")],
        )
    )
    outcome = framework.nodes["1"].rule.score({"numerator": 9, "denominator": 10})
    assert outcome.explanation == "9/10 = 90% → 3,6/4 điểm"


def test_the_display_places_default_to_two_and_are_read_from_the_rounding() -> None:
    def info(rounding: dict[str, int] | None) -> object:
        raw = {"code": "f", "name": "F", "year": 2025, "unit_group": "xa", "max_total": 1}
        if rounding is not None:
            raw["rounding"] = rounding
        return build_framework(
            FrameworkSpec(info=raw, nodes=[NodeSpec("1", "A", 1, rule="manual")])
        ).info

    assert info(None).display_places == 2  # type: ignore[attr-defined]
    assert info({"display_places": 1}).display_places == 1  # type: ignore[attr-defined]
    assert info({"display_places": 1}).points_places == 4  # type: ignore[attr-defined]
    assert format_number(Decimal("2.6589"), 2) == "2,66"
