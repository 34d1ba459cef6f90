"""The batch engine against the oracle: every figure equal, digit for digit, on random groups.

tests/engine/oracle.py is the engine's former per-unit `Decimal` arithmetic. Here random
frameworks (every rule kind, alternatives, bonus and penalty leaves and capped groups,
maxima and parameters with up to 5 decimals, `points_places` 0–6, `index_places` 0–4,
class minimums with decimals) and random entries (rates with awkward denominators, typed
percentages, points typed as "1,50", 1.5 or Decimal("1.500"), counts typed "2.0", missing
evidence, accepted explanations, invalid entries, leaves left empty) are scored both ways.
Every node's `NodeResult` (points, base, bonus, penalty, answered, error, explanation, and
the `Decimal` *representation*: 1.50 is not 1.5 here), each unit's totals, index and
problems, the ranks, classes and area ranks, and the batch comparison of two years must be
identical. The same run is repeated with every figure in Python integers (object arrays),
the path taken when a figure could pass int64.

Settings: `ORACLE` below (200 examples per property, no deadline); the framework and
entries are generated from drawn seeds, so a failure replays and shrinks like any other.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import parindex.engine.batch.integers as integers
from parindex.engine import (
    Framework,
    FrameworkSpec,
    NodeInput,
    NodeSpec,
    UnitResult,
    build_framework,
    compare_scores,
    encode_inputs,
    rank_group,
    rank_scores,
    score_group,
    score_unit,
    unit_results,
)

from . import oracle
from .builders import build, leaf, manual_inputs

ORACLE = settings(max_examples=200, deadline=None)

MAXIMA = ["0.75", "1", "1.5", "1.75", "2", "2.5", "3", "0.3", "1.2", "0.125", "4", "2.25", "1.05"]
ODD_MAXIMA = ["1.23456", "0.33333", "2.0001"]  # more decimals than points_places: scale > 4
CEILINGS = [None, 30, 50, 66.6, 80, 100, "33.33"]
ZERO_BELOW = [None, 0, 20, 25, "12.5", 40]


class Case:
    def __init__(self, framework: Framework, units: dict[str, dict[str, NodeInput]]) -> None:
        self.framework = framework
        self.units = units

    def __repr__(self) -> str:
        info = self.framework.info
        lines = [f"places {info.points_places}/{info.index_places}, max {info.max_total}"]
        for node in self.framework.walk():
            rule = f" {node.rule.name} {node.rule.params}" if node.rule else ""
            flags = " alt" if node.alternatives else ""
            lines.append(f"  {node.code} [{node.kind}{flags}] max {node.max_points}{rule}")
        for unit, entries in self.units.items():
            lines.append(
                f"  {unit}: "
                + "; ".join(
                    f"{code}={dict(entry.values)}{'' if entry.has_evidence else ' no-ev'}"
                    f"{' expl' if entry.explanation_accepted else ''}"
                    for code, entry in entries.items()
                )
            )
        return "\n".join(lines)


def _maximum(chance: random.Random) -> Decimal:
    pool = MAXIMA + ODD_MAXIMA if chance.random() < 0.15 else MAXIMA
    return Decimal(chance.choice(pool))


def _points_under(chance: random.Random, maximum: Decimal) -> Decimal:
    """A figure between 0 and `maximum`, with a few decimals, written in various ways."""
    value = (maximum * Decimal(chance.randint(0, 8)) / 8).quantize(Decimal("0.001"))
    return min(value, maximum)


def _rule(chance: random.Random, maximum: Decimal, kind: str) -> tuple[str, dict[str, Any]]:
    names = ["choice", "ratio", "bands", "deduction", "boolean", "manual"]
    if kind == "penalty":
        names.remove("deduction")  # the framework refuses it on a penalty node
    name = chance.choice(names)
    if name == "choice":
        count = chance.randint(1, 4)
        options = [
            {
                "key": f"o{n}",
                "label": f"Phương án {n}",
                "points": _written(chance, _points_under(chance, maximum)),
            }
            for n in range(count)
        ]
        return name, {"options": options}
    if name in ("ratio", "bands"):
        params: dict[str, Any] = {"if_no_cases": chance.choice(["full", "zero"])}
        if chance.random() < 0.5:
            params["measure"] = "hồ sơ đúng hạn"
        if name == "ratio":
            full_at = chance.choice(CEILINGS)
            zero_below = chance.choice(ZERO_BELOW)
            if full_at is not None:
                params["full_at_percent"] = full_at
            if zero_below is not None and (
                full_at is None or Decimal(str(zero_below)) < Decimal(str(full_at))
            ):
                params["zero_below_percent"] = zero_below
            return name, params
        minimums = sorted(
            chance.sample([10, 30, "33.3", 50, "66.67", 70, 85, 95, 100], chance.randint(1, 4)),
            key=lambda m: Decimal(str(m)),
        )
        points = sorted(_points_under(chance, maximum) for _ in minimums)
        params["thresholds"] = [
            {"min_percent": minimum, "points": _written(chance, value)}
            for minimum, value in zip(minimums, points, strict=True)
        ]
        return name, params
    if name == "deduction":
        per = max(_points_under(chance, maximum), Decimal("0.05"))
        return name, {"per_occurrence": _written(chance, min(per, maximum))}
    if name == "boolean":
        params = {}
        if chance.random() < 0.6:
            yes = _points_under(chance, maximum)
            params["points_if_yes"] = _written(chance, yes)
            params["points_if_no"] = _written(chance, _points_under(chance, yes) if yes else yes)
        return name, params
    step = chance.choice([None, "0.25", "0.5", "0.125"])
    if step is None or Decimal(step) > maximum:
        return name, {}
    return name, {"step": step}


def _written(chance: random.Random, value: Decimal) -> Any:
    """The same figure as a person or a file might give it: 1.5, "1,50", Decimal("1.500")…"""
    form = chance.randrange(5)
    if form == 0:
        return value
    if form == 1:
        return (
            str(value.quantize(Decimal("0.01")))
            if value == value.quantize(Decimal("0.01"))
            else str(value)
        )
    if form == 2:
        return float(value)
    if form == 3:
        return str(value).replace(".", ",")
    return value.normalize() if value else value


def _framework(chance: random.Random) -> tuple[Framework, list[str]]:
    nodes: list[NodeSpec] = []
    leaves: list[str] = []

    def add_leaf(code: str, parent: str | None, maximum: Decimal, kind: str) -> None:
        rule, params = _rule(chance, maximum, kind)
        nodes.append(
            NodeSpec(
                code=code,
                title=f"Mục {code}",
                max_points=_written(chance, maximum),
                parent=parent,
                kind=kind,
                rule=rule,
                rule_params=params,
                evidence="required" if chance.random() < 0.4 else "optional",
                source=chance.choice(["self", "self", "survey", "data"]),
            )
        )
        leaves.append(code)

    def subtree(code: str, parent: str | None, depth: int) -> Decimal:
        children = 0 if depth >= 3 else chance.choice([0, 0, 1, 2, 3])
        if children == 0:
            maximum = _maximum(chance)
            add_leaf(code, parent, maximum, "standard")
            return maximum
        position = len(nodes)
        alternatives = children >= 2 and chance.random() < 0.35
        maxima = [subtree(f"{code}.{n}", code, depth + 1) for n in range(1, children + 1)]
        if alternatives:
            maximum = max(maxima) + (Decimal("0.5") if chance.random() < 0.3 else 0)
        else:
            maximum = sum(maxima, Decimal(0))
        nodes.insert(
            position,
            NodeSpec(
                code=code,
                title=f"Mục {code}",
                max_points=maximum,
                parent=parent,
                alternatives=alternatives,
            ),
        )
        if chance.random() < 0.3:
            add_leaf(f"{code}.TH", code, _maximum(chance), chance.choice(["bonus", "penalty"]))
        return maximum

    def group(code: str, kind: str) -> None:
        """A bonus or penalty group: its children may add up to more than its cap."""
        cap = _maximum(chance)
        nodes.append(NodeSpec(code=code, title=code, max_points=cap, kind=kind))
        for n in range(1, chance.randint(1, 3) + 1):
            add_leaf(f"{code}.{n}", code, _maximum(chance), kind)

    areas = chance.randint(1, 4)
    max_total = sum((subtree(f"A{n}", None, 1) for n in range(1, areas + 1)), Decimal(0))
    for kind, code in (("penalty", "TRU"), ("bonus", "THUONG")):
        roll = chance.random()
        if roll < 0.3:
            add_leaf(code, None, _maximum(chance), kind)
        elif roll < 0.55:
            group(code, kind)
    minimums = sorted(
        chance.sample([0, 50, 65, "79.995", 80, "89.99", 90, 95], chance.randint(1, 4)),
        key=lambda m: Decimal(str(m)),
        reverse=True,
    )
    info = {
        "code": "ORACLE",
        "name": "Bộ tiêu chí sinh ngẫu nhiên (kiểm thử)",
        "year": 2025,
        "unit_group": "gen",
        "max_total": max_total,
        "classes": [{"label": f"L{n}", "min_percent": m} for n, m in enumerate(minimums)],
        "rounding": {
            "points_places": chance.choice([4, 4, 4, 0, 1, 2, 3, 5, 6]),
            "index_places": chance.choice([2, 2, 2, 0, 1, 3, 4]),
        },
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes)), leaves


def _rate(chance: random.Random) -> dict[str, Any]:
    roll = chance.random()
    if roll < 0.15:
        return {"percent": chance.choice(["33.3333", 50, "66,67", 0, 100, "12.5", 87.5, "99.995"])}
    if roll < 0.25:
        return {"numerator": 0, "denominator": 0}
    if roll < 0.3:
        return {"numerator": "2.5", "denominator": chance.choice(["7.5", 10, "3.3"])}
    denominator = chance.choice(
        [3, 6, 7, 8, 12, 24, 30, 56, 112, 120, 168, 200, 399, 1000, chance.randint(1, 500)]
    )
    return {"numerator": chance.randint(0, denominator), "denominator": denominator}


def _values(chance: random.Random, framework: Framework, code: str) -> dict[str, Any]:
    node = framework.nodes[code]
    rule = node.rule
    assert rule is not None
    if chance.random() < 0.04:  # does not fit the rule: reported, scores 0
        return chance.choice(
            [
                {"points": "hai"},
                {"option": "khong-co"},
                {"count": -1},
                {"value": "?"},
                {"numerator": 5, "denominator": 2},
                {},
            ]
        )
    if rule.name == "choice":
        return {"option": chance.choice(list(rule.params["options"]))["key"]}
    if rule.name in ("ratio", "bands"):
        return _rate(chance)
    if rule.name == "deduction":
        return {"count": chance.choice([0, 0, 1, 2, 3, 7, "2.0", Decimal("1.00"), "0"])}
    if rule.name == "boolean":
        return {"value": chance.choice([True, False, "có", "không", "yes", "0"])}
    step = Decimal(str(rule.params["step"])) if rule.params.get("step") else Decimal("0.125")
    top = int(node.max_points / step)
    return {"points": _written(chance, step * chance.randint(0, top))}


@st.composite
def cases(draw: st.DrawFn) -> Case:
    chance = random.Random(draw(st.integers(0, 2**32)))
    framework, leaves = _framework(chance)
    count = draw(st.integers(1, 7))
    units: dict[str, dict[str, NodeInput]] = {}
    for n in range(1, count + 1):
        entries: dict[str, NodeInput] = {}
        for code in leaves:
            if chance.random() < 0.08:
                continue  # left empty
            roll = chance.random()
            entries[code] = NodeInput(
                _values(chance, framework, code),
                has_evidence=roll < 0.75,
                explanation_accepted=0.75 <= roll < 0.85,
            )
        if units and chance.random() < 0.3:  # a tie with an earlier unit
            entries = dict(units[chance.choice(list(units))])
        units[f"Đơn vị {n}"] = entries
    return Case(framework, units)


# --- comparison -------------------------------------------------------------------------------


def _exact(value: Any) -> Any:
    """A figure with its representation: Decimal("1.50") and Decimal("1.5") differ here."""
    return (type(value).__name__, str(value)) if isinstance(value, Decimal) else value


def _node_fields(result: UnitResult) -> Iterator[tuple[str, tuple[Any, ...]]]:
    for code, node in result.nodes.items():
        yield code, tuple(_exact(value) for value in node)


def assert_same_unit(actual: UnitResult, expected: UnitResult) -> None:
    assert actual.unit == expected.unit
    assert list(actual.nodes) == list(expected.nodes)
    assert dict(_node_fields(actual)) == dict(_node_fields(expected))
    for name in ("base", "bonus", "penalty", "total", "index"):
        assert _exact(getattr(actual, name)) == _exact(getattr(expected, name)), name
    assert actual.problems == expected.problems
    assert actual.answered == expected.answered


def check_case(case: Case) -> None:
    framework = case.framework
    expected = [oracle.score_unit(framework, unit, entries) for unit, entries in case.units.items()]
    scores = score_group(framework, case.units)
    actual = unit_results(scores)
    for mine, theirs in zip(actual, expected, strict=True):
        assert_same_unit(mine, theirs)
    ranking, oracle_ranking = rank_group(actual), oracle.rank_group(expected)
    # Copies no longer point at the group's integers: ranked from their Decimals instead.
    copies = rank_group([dataclasses.replace(result) for result in actual])
    for ranked in (ranking, copies):
        assert ranked.ranks == oracle_ranking.ranks
        assert ranked.classes == oracle_ranking.classes
        assert ranked.area_ranks == oracle_ranking.area_ranks
    # The arrays themselves (what simulations read) say the same.
    ranks = rank_scores(scores)
    assert dict(zip(ranks.units, ranks.rank.tolist(), strict=True)) == oracle_ranking.ranks
    assert dict(zip(ranks.units, ranks.classes(), strict=True)) == oracle_ranking.classes
    for result in expected:
        column = scores.units.index(result.unit)
        assert Decimal(int(scores.total[column])).scaleb(-scores.scale) == result.total
        for row, code in enumerate(scores.codes):
            assert (
                Decimal(int(scores.points[row, column])).scaleb(-scores.scale)
                == result.nodes[code].points
            )


@ORACLE
@given(cases())
def test_the_batch_engine_gives_the_oracles_figures_exactly(case: Case) -> None:
    check_case(case)


@ORACLE
@given(cases())
def test_the_python_integer_path_gives_the_same_figures(case: Case) -> None:
    limit = integers.LIMIT
    integers.LIMIT = 0  # every bound "overflows": every figure in Python integers
    try:
        assert score_group(case.framework, case.units).total.dtype == object
        check_case(case)
    finally:
        integers.LIMIT = limit


@settings(max_examples=60, deadline=None)
@given(cases())
def test_scoring_units_one_by_one_or_as_a_group_is_the_same(case: Case) -> None:
    together = unit_results(score_group(case.framework, case.units))
    for result in together:
        assert_same_unit(score_unit(case.framework, result.unit, case.units[result.unit]), result)


@settings(max_examples=100, deadline=None)
@given(cases(), cases(), st.randoms(use_true_random=False))
def test_the_batch_comparison_gives_the_oracles_area_changes(
    this_year: Case, last_year: Case, chance: Any
) -> None:
    current = score_group(this_year.framework, this_year.units)
    # Last year's units: some of this year's names (compared), maybe one more.
    names = list(this_year.units)
    old_names = [name for name in names if chance.random() < 0.8] + ["Đơn vị cũ"]
    entries = list(last_year.units.values())
    previous_units = {name: entries[i % len(entries)] for i, name in enumerate(old_names)}
    previous = score_group(last_year.framework, previous_units)
    now_ranking = oracle.rank_group(unit_results(current))
    old_ranking = oracle.rank_group(unit_results(previous))
    comparison = compare_scores(rank_scores(current), rank_scores(previous))
    assert comparison.units == tuple(name for name in names if name in previous_units)
    for column, unit in enumerate(comparison.units):
        changes = oracle.area_changes(now_ranking, old_ranking, unit, unit)
        scale = Decimal(1).scaleb(-comparison.scale)
        percent = Decimal(1).scaleb(-this_year.framework.info.index_places)
        now, before = now_ranking.results[unit], old_ranking.results[unit]
        assert comparison.total_change[column] * scale == now.total - before.total
        assert comparison.rank_change[column] == old_ranking.ranks[unit] - now_ranking.ranks[unit]
        index_unit = Decimal(1).scaleb(-comparison.index_places)
        assert comparison.index_change[column] * index_unit == now.index - before.index
        for area, change in enumerate(changes):
            assert comparison.area_points[area, column] * scale == change.points
            assert comparison.area_percent[area, column] * percent == change.percent
            assert bool(comparison.area_comparable[area]) == change.comparable
            if change.comparable:
                assert (
                    comparison.area_previous_points[area, column] * scale == change.previous_points
                )
                assert (
                    comparison.area_previous_percent[area, column] * percent
                    == change.previous_percent
                )
                assert comparison.area_direction[area, column] == change.direction
            if change.rank_change is not None:
                assert comparison.area_rank_comparable[area]
                assert comparison.area_rank_change[area, column] == change.rank_change
            else:
                assert not comparison.area_rank_comparable[area]


# Denominators with a factor 3 or 7 that a maximum of 0,75 or 1,75 cancels: their points can
# land exactly halfway while the rate itself never terminates (13/120 of 0,75 = 0,08125).
AWKWARD_DENOMINATORS = [24, 48, 56, 96, 112, 120, 168, 240, 336, 480]
AWKWARD_MAXIMA = [Decimal("0.75"), Decimal("1.75"), Decimal("2.625"), Decimal("5.25")]


@ORACLE
@given(
    st.one_of(
        st.sampled_from(AWKWARD_MAXIMA),
        st.sampled_from([Decimal(n) / 8 for n in range(1, 81)] + [Decimal("2.333")]),
    ),
    st.sampled_from([100, 100, None, 50, 80, "66.6", 30]),
    st.sampled_from([None, None, 10, "12.5", 40]),
    st.sampled_from([4, 4, 0, 1, 2, 3, 5, 6]),
    st.integers(0, 2**32),
)
def test_ratio_points_of_many_rates_are_the_published_decimal_ones(
    maximum: Decimal,
    full_at: Any,
    zero_below: Any,
    places: int,
    seed: int,
) -> None:
    """Rates whose points fall exactly halfway between two roundings are where integer and
    Decimal arithmetic can part (see the test below); many rates per example find them."""
    params: dict[str, Any] = {}
    if full_at is not None:
        params["full_at_percent"] = full_at
    if zero_below is not None and (
        full_at is None or Decimal(str(zero_below)) < Decimal(str(full_at))
    ):
        params["zero_below_percent"] = zero_below
    framework = build(
        [leaf("A", maximum, "ratio", params), leaf("B", 1)],
        max_total=maximum + 1,
        rounding={"points_places": places},
    )
    # Rates drawn uniformly from one seed (Hypothesis favours 0 and the denominator itself,
    # which are never halfway).
    chance = random.Random(seed)
    rates = []
    for _ in range(40):
        denominator = chance.choice([*AWKWARD_DENOMINATORS, chance.randint(1, 480)])
        rates.append((chance.randint(0, denominator), denominator))
    units = {
        f"Xã {n}": {"A": NodeInput({"numerator": numerator, "denominator": denominator})}
        for n, (numerator, denominator) in enumerate(rates)
    }
    actual = unit_results(score_group(framework, units))
    for result in actual:
        expected = oracle.score_unit(framework, result.unit, units[result.unit])
        assert _exact(result.nodes["A"].points) == _exact(expected.nodes["A"].points)
        assert _exact(result.total) == _exact(expected.total)


# --- cases worth naming ---------------------------------------------------------------------


def test_a_rate_exactly_halfway_keeps_the_published_decimal_rounding() -> None:
    # 13/120 of 0,75 is exactly 0,08125: exact half-up would give 0,0813, but the Decimal
    # arithmetic every published figure came from rounds 13 × 100 / 120 to 28 digits first
    # (10,83333…33) and gives 0,0812. The engine keeps the published figure.
    framework = build([leaf("A", "0.75", "ratio"), leaf("B", "9.25")], max_total="10")
    inputs = {"A": NodeInput({"numerator": 13, "denominator": 120})}
    assert score_unit(framework, "Xã A", inputs).nodes["A"].points == Decimal("0.0812")
    assert oracle.score_unit(framework, "Xã A", inputs).nodes["A"].points == Decimal("0.0812")
    inputs = {"A": NodeInput({"numerator": 1, "denominator": 32})}  # 0,0234375: not halfway
    assert score_unit(framework, "Xã A", inputs).nodes["A"].points == Decimal("0.0234")


def test_figures_keep_the_representation_they_were_typed_with() -> None:
    framework = build([leaf("A", 6), leaf("B", 4)])
    result = score_unit(framework, "Xã A", manual_inputs({"A": "1,50", "B": Decimal("2.000")}))
    assert [str(result.nodes[code].points) for code in ("A", "B")] == ["1.50", "2.000"]
    assert (str(result.total), str(result.index)) == ("3.500", "35.00")


def test_simulating_a_change_on_the_integers_matches_scoring_the_changed_entries() -> None:
    framework = build([leaf("A", 6, "ratio"), leaf("B", 4)])
    entries = {
        "Xã A": {"A": NodeInput({"numerator": 1, "denominator": 3}), **manual_inputs({"B": 2})},
        "Xã B": {"A": NodeInput({"numerator": 2, "denominator": 3}), **manual_inputs({"B": 1})},
    }
    inputs = encode_inputs(framework, entries)
    what_if = inputs.copy()
    what_if.set("Xã B", "B", NodeInput({"points": "3.25"}))  # more decimals: the scale follows
    changed = {**entries, "Xã B": {**entries["Xã B"], "B": NodeInput({"points": "3.25"})}}
    assert np.array_equal(
        score_group(framework, what_if).total
        * 10 ** (score_group(framework, changed).scale - what_if.scale),
        score_group(framework, changed).total,
    )
    assert score_group(framework, inputs).total.tolist() == [40000, 50000]  # unchanged original
    expected = [oracle.score_unit(framework, unit, e) for unit, e in changed.items()]
    for mine, theirs in zip(unit_results(score_group(framework, what_if)), expected, strict=True):
        assert_same_unit(mine, theirs)


def test_an_invalid_what_if_entry_is_reported_like_any_other() -> None:
    framework = build([leaf("A", 6), leaf("B", 4)])
    inputs = encode_inputs(framework, {"Xã A": manual_inputs({"A": 6, "B": 4})})
    inputs.set("Xã A", "B", NodeInput({"points": 5}))
    result = unit_results(score_group(framework, inputs))[0]
    assert result.total == 6
    assert [str(problem) for problem in result.problems] == [
        "Xã A, mục B, ô «points»: điểm 5 phải từ 0 đến 4"
    ]


@pytest.mark.parametrize("framework_code", ["other"])
def test_inputs_encoded_for_one_framework_are_refused_by_another(framework_code: str) -> None:
    first, second = build([leaf("A", 10)]), build([leaf("A", 10)], code=framework_code)
    with pytest.raises(ValueError, match="another framework"):
        score_group(second, encode_inputs(first, {"Xã A": manual_inputs({"A": 1})}))
