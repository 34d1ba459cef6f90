"""Invariants of scoring, ranking, comparison and headroom on generated frameworks and entries.

Frameworks are random trees (1–4 areas, up to three levels, alternatives, bonus and penalty
leaves, every rule kind) whose maxima are consistent by construction. Each leaf gets a
"ladder" of entries ordered from worst to best by the rule's own definition (more cases on
time, fewer occurrences, a better option), not by asking the engine for the points, so the
monotonicity property also checks the rules.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.engine import (
    Framework,
    FrameworkSpec,
    NodeInput,
    NodeSpec,
    UnitResult,
    area_headroom,
    build_framework,
    classify,
    compare_unit,
    competition_ranks,
    node_headroom,
    points_to_next_class,
    points_to_rank,
    rank_group,
    round_half_up,
    score_unit,
)
from parindex.engine.numbers import percent_of

QUICK = settings(max_examples=150, deadline=None)
TINY = Decimal("1e-9")  # far below any precision the engine keeps (4 decimals)
RATE_DENOMINATOR = 8


@dataclass
class Generated:
    """A generated framework and, per leaf, its entries from worst to best."""

    framework: Framework
    ladders: dict[str, list[dict[str, Any]]]
    evidence_required: set[str] = field(default_factory=set)


RULE_NAMES = ("choice", "ratio", "bands", "deduction", "boolean", "manual")
RATES = [
    {"numerator": done, "denominator": RATE_DENOMINATOR} for done in range(RATE_DENOMINATOR + 1)
]


def _quarters(chance: random.Random, low: int, high: int) -> Decimal:
    return Decimal(chance.randint(low, high)) / 4


def _leaf_rule(
    chance: random.Random, maximum: Decimal
) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """A rule for a leaf of `maximum`, its parameters, and its entries from worst to best."""
    quarters = int(maximum * 4)
    name = chance.choice(RULE_NAMES)
    if name == "choice":
        points = sorted(set(chance.choices(range(quarters + 1), k=chance.randint(1, 4))))
        options = [{"key": f"o{value}", "points": Decimal(value) / 4} for value in points]
        return name, {"options": options}, [{"option": option["key"]} for option in options]
    if name == "ratio":
        full_at = chance.choice([None, 50, 80, 100])
        zero_below = chance.choice([None, 0, 25, 40])
        params: dict[str, Any] = {"if_no_cases": chance.choice(["full", "zero"])}
        if full_at is not None:
            params["full_at_percent"] = full_at
        if zero_below is not None and (full_at is None or zero_below < full_at):
            params["zero_below_percent"] = zero_below
        return name, params, RATES
    if name == "bands":
        minimums = sorted(chance.sample([30, 50, 70, 85, 95], chance.randint(1, 3)))
        # Higher thresholds never give fewer points (the rule requires it).
        band_points = sorted(chance.choices(range(quarters + 1), k=len(minimums)))
        thresholds = [
            {"min_percent": minimum, "points": Decimal(value) / 4}
            for minimum, value in zip(minimums, band_points, strict=True)
        ]
        return name, {"thresholds": thresholds}, RATES
    if name == "deduction":
        per_occurrence = _quarters(chance, 1, quarters)
        return name, {"per_occurrence": per_occurrence}, [{"count": n} for n in range(5, -1, -1)]
    if name == "boolean":
        yes = _quarters(chance, 0, quarters)
        no = _quarters(chance, 0, int(yes * 4))
        params = {"points_if_yes": yes, "points_if_no": no}
        return name, params, [{"value": False}, {"value": True}]
    return name, {}, [{"points": maximum * step / 4} for step in range(5)]


@st.composite
def frameworks(draw: st.DrawFn) -> Generated:
    """A random valid framework. The tree's shape is drawn (so that it shrinks); the details
    of each leaf come from one drawn seed, because per-draw overhead dominated the run time."""
    chance = random.Random(draw(st.integers(0, 2**32)))
    nodes: list[NodeSpec] = []
    ladders: dict[str, list[dict[str, Any]]] = {}
    evidence: set[str] = set()

    def add_leaf(code: str, parent: str | None, maximum: Decimal, kind: str = "standard") -> None:
        rule, params, ladder = _leaf_rule(chance, maximum)
        while kind == "penalty" and rule == "deduction":  # the engine refuses that pairing
            rule, params, ladder = _leaf_rule(chance, maximum)
        needs_evidence = chance.random() < 0.5
        if needs_evidence:
            evidence.add(code)
        nodes.append(
            NodeSpec(
                code=code,
                title=code,
                max_points=maximum,
                parent=parent,
                kind=kind,
                rule=rule,
                rule_params=params,
                evidence="required" if needs_evidence else "optional",
                source=chance.choice(["self", "self", "survey", "data"]),
                tags=["quick_win"] if chance.random() < 0.3 else [],
            )
        )
        # A penalty is better when smaller: its ladder runs the other way.
        ladders[code] = ladder[::-1] if kind == "penalty" else ladder

    def subtree(code: str, parent: str | None, depth: int) -> Decimal:
        """Add the node `code` and its descendants; return its maximum."""
        # Three levels at most, narrower further down: enough shapes, fast to generate.
        children = 0 if depth == 3 else draw(st.integers(0, 4 - depth))
        if children == 0:
            maximum = _quarters(chance, 1, 16)
            add_leaf(code, parent, maximum)
            return maximum
        position = len(nodes)
        alternatives = children >= 2 and draw(st.booleans())
        maxima = [subtree(f"{code}.{n}", code, depth + 1) for n in range(1, children + 1)]
        maximum = max(maxima) if alternatives else sum(maxima, Decimal(0))
        group = NodeSpec(
            code=code, title=code, max_points=maximum, parent=parent, alternatives=alternatives
        )
        nodes.insert(position, group)
        if draw(st.booleans()):
            add_leaf(f"{code}.TH", code, _quarters(chance, 1, 4), kind="bonus")
        return maximum

    areas = draw(st.integers(1, 4))
    max_total = sum((subtree(f"A{n}", None, 1) for n in range(1, areas + 1)), Decimal(0))
    if draw(st.booleans()):
        add_leaf("TRU", None, _quarters(chance, 1, 8), kind="penalty")
    if draw(st.booleans()):
        add_leaf("THUONG", None, _quarters(chance, 1, 8), kind="bonus")
    minimums = sorted(chance.sample(range(1, 20), chance.randint(1, 4)), reverse=True)
    classes = [{"label": f"L{n}", "min_percent": m * 5} for n, m in enumerate(minimums)]
    if chance.random() < 0.5:
        classes.append({"label": "thấp nhất", "min_percent": 0})
    info = {
        "code": "GEN",
        "name": "Bộ tiêu chí sinh ngẫu nhiên (kiểm thử)",
        "year": 2025,
        "unit_group": "gen",
        "max_total": max_total,
        "classes": classes,
    }
    framework = build_framework(FrameworkSpec(info=info, nodes=nodes))
    return Generated(framework, ladders, evidence)


Levels = dict[str, int]  # leaf code → position on its ladder


@st.composite
def groups(draw: st.DrawFn, generated: Generated, count: int | None = None) -> dict[str, Levels]:
    """Entries of `count` units (2–6 when not given), as ladder positions.

    The positions come from one drawn seed rather than one draw each: per-draw overhead
    dominated the run time, and a seed still shrinks (towards 0) and replays exactly.
    """
    count = count if count is not None else draw(st.integers(2, 6))
    chance = random.Random(draw(st.integers(0, 2**32)))
    # Ties matter for ranks: with few distinct levels, equal totals happen often.
    spread = draw(st.sampled_from(["low", "high", "any"]))
    return {
        f"Đơn vị {n}": {
            code: _level(chance, len(ladder), spread) for code, ladder in generated.ladders.items()
        }
        for n in range(1, count + 1)
    }


def _level(chance: random.Random, size: int, spread: str) -> int:
    if spread == "low":
        return min(chance.randrange(size), chance.randrange(size))
    if spread == "high":
        return max(chance.randrange(size), chance.randrange(size))
    return chance.randrange(size)


def inputs_for(
    generated: Generated, levels: Levels, evidence: Mapping[str, bool]
) -> dict[str, NodeInput]:
    return {
        code: NodeInput(generated.ladders[code][level], has_evidence=evidence.get(code, True))
        for code, level in levels.items()
    }


def score_all(
    generated: Generated, units: Mapping[str, Levels], evidence: Mapping[str, bool] | None = None
) -> list[UnitResult]:
    return [
        score_unit(generated.framework, unit, inputs_for(generated, levels, evidence or {}))
        for unit, levels in units.items()
    ]


@st.composite
def scored_groups(draw: st.DrawFn) -> tuple[Generated, dict[str, Levels], dict[str, bool]]:
    generated = draw(frameworks())
    units = draw(groups(generated))
    chance = random.Random(draw(st.integers(0, 2**32)))
    evidence = {code: chance.random() < 0.8 for code in generated.evidence_required}
    return generated, units, evidence


# --- properties -------------------------------------------------------------------------------


@QUICK
@given(scored_groups())
def test_totals_never_exceed_the_maximum_plus_bonus_nor_fall_below_zero(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]],
) -> None:
    generated, units, evidence = case
    framework = generated.framework
    bonus_room = sum(
        (node.max_points for node in framework.leaves() if node.kind == "bonus"), Decimal(0)
    )
    for result in score_all(generated, units, evidence):
        assert result.problems == ()
        assert Decimal(0) <= result.base <= framework.info.max_total
        assert Decimal(0) <= result.total <= framework.info.max_total + bonus_room
        assert result.index == percent_of(result.total, framework.info.max_total)
        for node in framework.walk():
            node_result = result.nodes[node.code]
            if node.kind == "standard":
                assert Decimal(0) <= node_result.base <= node.max_points, node.code
            else:
                assert Decimal(0) <= node_result.points <= node.max_points, node.code


@QUICK
@given(scored_groups(), st.data())
def test_raising_any_entry_never_lowers_the_total_nor_worsens_the_rank(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]], data: st.DataObject
) -> None:
    generated, units, evidence = case
    unit = data.draw(st.sampled_from(sorted(units)))
    code = data.draw(st.sampled_from(sorted(generated.ladders)))
    top = len(generated.ladders[code]) - 1
    raised_level = data.draw(st.integers(units[unit][code], top))
    raised = {**units, unit: {**units[unit], code: raised_level}}

    before = rank_group(score_all(generated, units, evidence))
    after = rank_group(score_all(generated, raised, evidence))
    assert after.results[unit].total >= before.results[unit].total
    assert after.ranks[unit] <= before.ranks[unit]


@QUICK
@given(scored_groups(), st.randoms(use_true_random=False))
def test_the_ranking_does_not_depend_on_the_order_of_the_units(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]], random: Any
) -> None:
    generated, units, evidence = case
    results = score_all(generated, units, evidence)
    shuffled = list(results)
    random.shuffle(shuffled)
    in_order, out_of_order = rank_group(results), rank_group(shuffled)
    assert out_of_order.ranks == in_order.ranks
    assert out_of_order.classes == in_order.classes
    assert out_of_order.area_ranks == in_order.area_ranks
    assert out_of_order.ordered() == in_order.ordered()


@QUICK
@given(st.data())
def test_areas_up_down_and_unchanged_add_up_to_the_comparable_areas(data: st.DataObject) -> None:
    # Two independently generated years: areas A1, A2… exist in both only up to the smaller count.
    current, previous = data.draw(frameworks()), data.draw(frameworks())
    count = data.draw(st.integers(2, 6))
    current_ranking = rank_group(score_all(current, data.draw(groups(current, count))))
    previous_ranking = rank_group(score_all(previous, data.draw(groups(previous, count))))
    shared_areas = {area.code for area in current.framework.areas} & {
        area.code for area in previous.framework.areas
    }
    for unit in current_ranking.results:
        comparison = compare_unit(current_ranking, previous_ranking, unit)
        ranked = [area for area in comparison.areas if area.rank_change is not None]
        comparable = [area for area in comparison.areas if area.comparable]
        assert {area.code for area in comparable} == shared_areas
        assert {area.code for area in ranked} == shared_areas
        assert (
            comparison.areas_up_in_rank + comparison.areas_down_in_rank + comparison.areas_same_rank
            == len(ranked)
        )
        assert (
            comparison.areas_up_in_points
            + comparison.areas_down_in_points
            + comparison.areas_same_points
            == len(comparable)
        )
        for area in ranked:
            assert area.rank is not None
            assert area.previous_rank is not None
            assert area.rank_change == area.previous_rank - area.rank
        assert comparison.rank_change == comparison.previous_rank - comparison.rank


@QUICK
@given(scored_groups())
def test_headroom_shares_add_up_to_100_percent_within_rounding(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]],
) -> None:
    generated, units, evidence = case
    for result in score_all(generated, units, evidence):
        for items in (node_headroom(result), area_headroom(result)):
            if not items:
                continue
            total_share = sum((item.share for item in items), Decimal(0))
            # Each share is rounded half-up to 2 decimals: at most 0,005 off each.
            assert abs(total_share - 100) <= Decimal("0.005") * len(items)
            assert all(item.lost > 0 for item in items)
            assert [item.lost for item in items] == sorted(
                (item.lost for item in items), reverse=True
            )


@QUICK
@given(scored_groups())
def test_leaf_headroom_adds_up_to_area_headroom(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]],
) -> None:
    # Generated alternatives have their parent's maximum (max of the children), so every
    # point an area loses can come back through some leaf.
    generated, units, evidence = case
    for result in score_all(generated, units, evidence):
        leaves = node_headroom(result)
        assert sum((item.lost for item in leaves), Decimal(0)) == sum(
            (item.lost for item in area_headroom(result)), Decimal(0)
        )
        for item in leaves:
            assert 0 < item.lost <= item.max_points - item.points


@QUICK
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=4),
        st.sampled_from([Decimal(n) / 4 for n in range(12)] + [Decimal("1.50"), Decimal("2.0")]),
        min_size=1,
        max_size=12,
    )
)
def test_a_competition_rank_is_one_more_than_the_number_of_better_values(
    values: dict[str, Decimal],
) -> None:
    ranks = competition_ranks(values)
    assert set(ranks) == set(values)
    for key, rank in ranks.items():
        better = sum(1 for other in values.values() if other > values[key])
        assert rank == better + 1


@QUICK
@given(scored_groups(), st.data())
def test_the_points_to_a_rank_are_exactly_enough_to_reach_it(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]], data: st.DataObject
) -> None:
    generated, units, evidence = case
    ranking = rank_group(score_all(generated, units, evidence))
    unit = data.draw(st.sampled_from(sorted(units)))
    target = data.draw(st.integers(1, len(units)))
    needed = points_to_rank(ranking, unit, target)
    totals = {name: result.total for name, result in ranking.results.items()}
    assert competition_ranks(totals | {unit: totals[unit] + needed})[unit] <= target
    if needed > 0:
        short = totals[unit] + needed - TINY
        assert competition_ranks(totals | {unit: short})[unit] > target


@QUICK
@given(scored_groups(), st.data())
def test_the_points_to_the_next_class_are_exactly_enough_to_reach_it(
    case: tuple[Generated, dict[str, Levels], dict[str, bool]], data: st.DataObject
) -> None:
    generated, units, evidence = case
    info = generated.framework.info
    result = data.draw(st.sampled_from(score_all(generated, units, evidence)))
    next_class = points_to_next_class(result)
    current = classify(result.index, info.class_bands)
    if next_class is None:
        assert current == info.class_bands[0].label
        return
    label, needed = next_class
    assert label != current

    def published_class(total: Decimal) -> str:
        index = round_half_up(total * 100 / info.max_total, info.index_places)
        return classify(index, info.class_bands)

    assert published_class(result.total + needed) == label
    if needed > 0:
        assert published_class(result.total + needed - TINY) == current
