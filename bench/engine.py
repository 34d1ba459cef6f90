"""Benchmark of the scoring engine, with a plain NumPy float reference for the same totals.

    .venv/bin/python bench/engine.py                      # province and national scales
    .venv/bin/python bench/engine.py --units 500 --nodes 200
    .venv/bin/python bench/engine.py --profile            # plus a cProfile of one recompute

Everything here is synthetic demo data (a deterministic `random.Random(seed)`), not a real
criteria set or real units. The script measures, for two years of entries, the batch API
that simulations call (parindex/engine/batch/, exact integers):

- encode: `encode_inputs` for both years (entries → integer arrays; once per data load);
- score: `score_group` for both years (rules, evidence, parents, totals, index);
- rank: `rank_scores` for both years (ranks, classes, per-area ranks);
- compare: `compare_scores`, every unit this year against last year;
- recompute: score + rank + compare in one go, as after an appraiser changes a score;

and what pages pay on top, at the `Decimal` edge: `unit_results` + `rank_group` +
`compare_unit` for every unit, and one unit's scorecard with every node's explanation.

It never fails on a missed goal (exit status 0); see bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np

from parindex.engine import (
    Comparison,
    Framework,
    FrameworkSpec,
    GroupComparison,
    GroupInputs,
    GroupRanking,
    GroupRanks,
    GroupScores,
    NodeInput,
    NodeSpec,
    build_framework,
    compare_scores,
    compare_unit,
    encode_inputs,
    rank_group,
    rank_scores,
    score_group,
    unit_results,
)

AREAS = 8
RULE_NAMES = ("choice", "ratio", "bands", "deduction", "boolean", "manual")
PROVINCE_GOAL_S = 0.005
NATIONAL_GOAL_S = 0.150
RATIO_GOAL = 5.0  # recompute ÷ the NumPy float reference
T = TypeVar("T")


@dataclass(frozen=True)
class Scale:
    name: str
    units: int
    nodes: int
    repeat: int  # timed runs of the batch stages (the slower edge stages run fewer)
    goal_s: float | None

    @property
    def slow_repeat(self) -> int:
        return max(3, self.repeat // 10)


# --- synthetic data ---------------------------------------------------------------------------


def _quarters(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 4


def _rule_for(rng: random.Random, maximum: Decimal) -> tuple[str, dict[str, Any]]:
    quarters = int(maximum * 4)
    name = rng.choice(RULE_NAMES)
    if name == "choice":
        points = sorted({0, quarters, *rng.choices(range(quarters + 1), k=2)})
        return name, {
            "options": [
                {"key": f"p{value}", "label": f"Phương án {value}", "points": Decimal(value) / 4}
                for value in points
            ]
        }
    if name == "ratio":
        return name, {
            "full_at_percent": rng.choice([50, 80, 100]),
            "zero_below_percent": rng.choice([None, 20, 40]),
            "measure": "hồ sơ đúng hạn",
        }
    if name == "bands":
        thresholds = [
            {"min_percent": 95, "points": maximum},
            {"min_percent": 80, "points": maximum * 3 / 4},
            {"min_percent": 50, "points": maximum / 2},
        ]
        return name, {"thresholds": thresholds, "measure": "hồ sơ trực tuyến"}
    if name == "deduction":
        return name, {"per_occurrence": _quarters(rng, 1, quarters), "occurrence": "lần trễ hạn"}
    if name == "boolean":
        return name, {}
    return name, {"step": Decimal("0.25")}


def synthetic_spec(node_count: int, year: int, seed: int) -> FrameworkSpec:
    """About `node_count` nodes: 8 areas, criteria, some with sub-criteria, a bonus and a penalty.

    The same seed gives the same tree every year; from the second year on, area LV8 is
    renamed to exercise the previous-code mapping.
    """
    rng = random.Random(seed)
    nodes: list[NodeSpec] = []
    leaves_of: dict[str, list[NodeSpec]] = {f"LV{n}": [] for n in range(1, AREAS + 1)}
    criteria_of: dict[str, list[str]] = {code: [] for code in leaves_of}
    budget = node_count - AREAS - 2  # areas, one bonus and one penalty node
    area_cycle = 0
    while budget > 0:
        area = f"LV{area_cycle % AREAS + 1}"
        area_cycle += 1
        criterion = f"{area}.{len(criteria_of[area]) + 1}"
        criteria_of[area].append(criterion)
        subs = rng.choice([0, 0, 2, 3]) if budget >= 4 else 0
        budget -= 1 + subs
        codes = [f"{criterion}.{n}" for n in range(1, subs + 1)] or [criterion]
        parent = criterion if subs else area
        for code in codes:
            maximum = _quarters(rng, 1, 8)
            rule, params = _rule_for(rng, maximum)
            leaves_of[area].append(
                NodeSpec(
                    code=code,
                    title=f"Tiêu chí {code}",
                    max_points=maximum,
                    parent=parent,
                    rule=rule,
                    rule_params=params,
                    evidence="required" if rng.random() < 0.3 else "optional",
                    source=rng.choice(["self", "self", "self", "survey", "data"]),
                )
            )
    for area, leaves in leaves_of.items():
        area_max = sum((Decimal(leaf.max_points) for leaf in leaves), Decimal(0))
        renamed = year > 2024 and area == "LV8"
        nodes.append(
            NodeSpec(
                code="LV8N" if renamed else area,
                title=f"Lĩnh vực {area}",
                max_points=area_max,
                previous_codes=["LV8"] if renamed else [],
            )
        )
        for criterion in criteria_of[area]:
            children = [leaf for leaf in leaves if leaf.parent == criterion]
            if children:
                criterion_max = sum((Decimal(leaf.max_points) for leaf in children), Decimal(0))
                nodes.append(
                    NodeSpec(
                        code=criterion,
                        title=f"Tiêu chí {criterion}",
                        max_points=criterion_max,
                        parent=_area_code(area, renamed),
                    )
                )
                nodes.extend(children)
            else:
                leaf = next(leaf for leaf in leaves if leaf.code == criterion)
                leaf.parent = _area_code(area, renamed)
                nodes.append(leaf)
    nodes.append(NodeSpec(code="THUONG", title="Điểm thưởng", max_points=2, kind="bonus",
                          rule="manual", rule_params={"step": Decimal("0.5")}))  # fmt: skip
    nodes.append(NodeSpec(code="TRU", title="Điểm trừ", max_points=3, kind="penalty",
                          rule="manual", rule_params={"step": 1}))  # fmt: skip
    max_total = sum(
        (
            Decimal(node.max_points)
            for node in nodes
            if node.parent is None and node.kind == "standard"
        ),
        Decimal(0),
    )
    info = {
        "code": f"BENCH-{year}",
        "name": f"Bộ tiêu chí tổng hợp cho benchmark {year} (dữ liệu demo)",
        "year": year,
        "unit_group": "xa_phuong",
        "max_total": max_total,
    }
    return FrameworkSpec(info=info, nodes=nodes)


def _area_code(area: str, renamed: bool) -> str:
    return "LV8N" if renamed else area


def synthetic_entry(rng: random.Random, framework: Framework, code: str) -> NodeInput:
    node = framework.nodes[code]
    rule = node.rule
    assert rule is not None
    params = rule.params
    values: dict[str, Any]
    if rule.name == "choice":
        values = {"option": rng.choice(params["options"])["key"]}
    elif rule.name in ("ratio", "bands"):
        if rng.random() < 0.1:
            values = {"percent": Decimal(rng.randint(0, 1000)) / 10}
        else:
            denominator = rng.choice([0, *range(5, 400)])
            low = denominator // 3
            values = {"numerator": rng.randint(low, denominator), "denominator": denominator}
    elif rule.name == "deduction":
        values = {"count": rng.choice([0, 0, 0, 1, 2, 5])}
    elif rule.name == "boolean":
        values = {"value": rng.random() < 0.7}
    else:
        step = Decimal(str(params.get("step", "0.25")))
        values = {"points": step * rng.randint(0, int(node.max_points / step))}
    return NodeInput(values, has_evidence=rng.random() < 0.9)


def synthetic_inputs(
    framework: Framework, units: Sequence[str], seed: int
) -> dict[str, dict[str, NodeInput]]:
    rng = random.Random(seed)
    leaves = [node.code for node in framework.leaves()]
    return {
        unit: {code: synthetic_entry(rng, framework, code) for code in leaves} for unit in units
    }


# --- the work measured ------------------------------------------------------------------------


@dataclass
class Workload:
    current: Framework
    previous: Framework
    units: list[str]
    current_inputs: dict[str, dict[str, NodeInput]]
    previous_inputs: dict[str, dict[str, NodeInput]]


def make_workload(scale: Scale, seed: int) -> Workload:
    units = [f"Xã {n:04d}" for n in range(1, scale.units + 1)]
    current = build_framework(synthetic_spec(scale.nodes, 2025, seed))
    previous = build_framework(synthetic_spec(scale.nodes, 2024, seed))
    return Workload(
        current,
        previous,
        units,
        synthetic_inputs(current, units, seed + 1),
        synthetic_inputs(previous, units, seed + 2),
    )


Encoded = tuple[GroupInputs, GroupInputs]
Scored = tuple[GroupScores, GroupScores]
Ranked = tuple[GroupRanks, GroupRanks]


def encode_both(work: Workload) -> Encoded:
    return (
        encode_inputs(work.current, work.current_inputs),
        encode_inputs(work.previous, work.previous_inputs),
    )


def score_both(work: Workload, encoded: Encoded) -> Scored:
    return score_group(work.current, encoded[0]), score_group(work.previous, encoded[1])


def rank_both(scored: Scored) -> Ranked:
    return rank_scores(scored[0]), rank_scores(scored[1])


def compare_all(ranked: Ranked) -> GroupComparison:
    return compare_scores(ranked[0], ranked[1])


def recompute(work: Workload, encoded: Encoded) -> GroupComparison:
    return compare_all(rank_both(score_both(work, encoded)))


def what_if(work: Workload, encoded: Encoded, unit: str, code: str) -> GroupComparison:
    """One entry changed (as a simulation step does), then everything recomputed."""
    inputs = encoded[0]
    inputs.set(unit, code, work.current_inputs[unit][code])
    return recompute(work, encoded)


def pages(scored: Scored) -> list[Comparison]:
    """The `Decimal` edge for every unit: results, rankings and comparisons (no explanations)."""
    current, previous = rank_group(unit_results(scored[0])), rank_group(unit_results(scored[1]))
    return [compare_unit(current, previous, unit) for unit in current.results]


def scorecard(scored: Scored, unit: int) -> list[str]:
    """One unit's page: every node with its explanation."""
    result = unit_results(scored[0])[unit]
    return [node.explanation for node in result.nodes.values()]


@dataclass
class Timings:
    wall: list[float]  # time.perf_counter: what a user waits
    cpu: list[float]  # time.process_time: steadier when other processes share the CPU


def timed(action: Callable[[], T], repeat: int) -> tuple[Timings, T]:
    """Seconds of each of `repeat` runs, and the last result.

    No warm-up run per stage: the engine's caches (a framework's layout, entries already
    read) are warmed once per scale by `warm_up`.
    """
    timings = Timings([], [])
    result: T | None = None
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        timings.cpu.append(time.process_time() - cpu)
        timings.wall.append(time.perf_counter() - wall)
    assert result is not None
    return timings, result


def warm_up(work: Workload) -> None:
    few = work.units[:5]
    for framework, inputs in (
        (work.current, work.current_inputs),
        (work.previous, work.previous_inputs),
    ):
        scores = score_group(framework, {unit: inputs[unit] for unit in few})
        unit_results(scores)[0].nodes.values()


# --- the NumPy reference ----------------------------------------------------------------------


@dataclass
class FloatYear:
    """Leaf points as floats, and how leaves add up into areas and the total."""

    leaf_points: np.ndarray  # units × leaves
    area_of_leaf: np.ndarray  # leaves × areas, 1.0 where the standard leaf is in the area
    bonus_columns: np.ndarray
    penalty_columns: np.ndarray


def float_year(framework: Framework, scores: GroupScores) -> FloatYear:
    """The engine's leaf points (after rules and the evidence rule) as a float matrix."""
    leaves = list(framework.leaves())
    areas = [area.code for area in framework.areas]
    area_of_leaf = np.zeros((len(leaves), len(areas)))
    for column, leaf in enumerate(leaves):
        area = framework.area_of(leaf.code)
        if leaf.kind == "standard" and area.kind == "standard":
            area_of_leaf[column, areas.index(area.code)] = 1.0
    rows = [scores.row(leaf.code) for leaf in leaves]
    leaf_points = scores.points[rows].T.astype(float) / 10**scores.scale
    kinds = np.array([leaf.kind for leaf in leaves])
    return FloatYear(
        np.ascontiguousarray(leaf_points),
        area_of_leaf,
        np.flatnonzero(kinds == "bonus"),
        np.flatnonzero(kinds == "penalty"),
    )


def float_competition_ranks(values: np.ndarray) -> np.ndarray:
    """Competition ranks down each column (1224), highest first, via a sort."""
    # Rounded to 6 decimals so that equal exact totals summed in another order still tie.
    keys = -np.round(values, 6)
    ordered = np.take_along_axis(keys, np.argsort(keys, axis=0, kind="stable"), axis=0)
    if keys.ndim == 1:
        return np.searchsorted(ordered, keys, side="left") + 1
    return np.stack(
        [
            np.searchsorted(ordered[:, column], keys[:, column], side="left") + 1
            for column in range(keys.shape[1])
        ],
        axis=1,
    )


def float_totals_and_ranks(year: FloatYear) -> tuple[np.ndarray, ...]:
    area_points = year.leaf_points @ year.area_of_leaf
    bonus = year.leaf_points[:, year.bonus_columns].sum(axis=1)
    penalty = year.leaf_points[:, year.penalty_columns].sum(axis=1)
    totals = np.maximum(area_points.sum(axis=1) + bonus - penalty, 0.0)
    return (
        totals,
        float_competition_ranks(totals),
        area_points,
        float_competition_ranks(area_points),
    )


def check_same_work(
    scores: GroupScores, ranks: GroupRanks, ranking: GroupRanking, reference: tuple[np.ndarray, ...]
) -> str:
    """Engine totals and ranks against the float reference: they must be the same figures.

    Also checks that the `Decimal` edge (`unit_results` + `rank_group`) says the same."""
    totals, float_ranks, area_points, area_ranks = reference
    unit = 10.0**scores.scale
    engine_totals = scores.total.astype(float) / unit
    worst = float(np.max(np.abs(engine_totals - totals)))
    if worst > 1e-6:
        raise SystemExit(f"sanity check failed: engine and NumPy totals differ by {worst}")
    if not np.array_equal(ranks.rank, float_ranks):
        raise SystemExit("sanity check failed: engine and NumPy ranks differ")
    engine_areas = scores.area_points.astype(float) / unit
    if float(np.max(np.abs(engine_areas.T - area_points))) > 1e-6:
        raise SystemExit("sanity check failed: area points differ")
    if not np.array_equal(ranks.area_ranks.T, area_ranks):
        raise SystemExit("sanity check failed: area ranks differ")
    edge_ranks = [ranking.ranks[name] for name in scores.units]
    edge_totals = [float(ranking.results[name].total) for name in scores.units]
    if edge_ranks != ranks.rank.tolist() or not np.allclose(edge_totals, engine_totals):
        raise SystemExit("sanity check failed: the Decimal results differ from the arrays")
    return f"totals within {worst:.1e}, ranks and area ranks identical (arrays and Decimal edge)"


# --- report -----------------------------------------------------------------------------------


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def megabytes(count: float) -> str:
    return f"{count / 1024 / 1024:,.1f} MB"


def describe(framework: Framework) -> str:
    nodes = list(framework.walk())
    leaves = list(framework.leaves())
    depths = Counter(node.depth for node in nodes)
    rules = Counter(leaf.rule.name for leaf in leaves if leaf.rule)
    rule_text = ", ".join(f"{name} {rules[name]}" for name in RULE_NAMES)
    return (
        f"{len(nodes)} nodes ({len(framework.areas)} areas, {depths[2]} criteria, "
        f"{depths[3]} sub-criteria, bonus + penalty); {len(leaves)} leaves: {rule_text}"
    )


@dataclass(frozen=True)
class Medians:
    """Medians (seconds) that the notes below the table need."""

    score: float
    rank: float
    recompute: float
    recompute_cpu: float
    numpy: float
    numpy_cpu: float


def time_stages(
    work: Workload, scale: Scale, add: Callable[[str, Timings], float]
) -> tuple[Medians, list[str]]:
    """Time every stage (rows go through `add`); check the engine against NumPy."""
    warm_up(work)
    encode_times, encoded = timed(lambda: encode_both(work), scale.slow_repeat)
    score_times, scored = timed(lambda: score_both(work, encoded), scale.repeat)
    rank_times, ranked = timed(lambda: rank_both(scored), scale.repeat)
    compare_times, _ = timed(lambda: compare_all(ranked), scale.repeat)
    recompute_times, _ = timed(lambda: recompute(work, encoded), scale.repeat)
    changed = (work.units[len(work.units) // 2], next(iter(work.current_inputs[work.units[0]])))
    what_if_times, _ = timed(lambda: what_if(work, encoded, *changed), scale.repeat)
    pages_times, _ = timed(lambda: pages(scored), scale.slow_repeat)
    # Each run builds the results afresh: the explanations are not cached between runs.
    scorecard_times, _ = timed(lambda: scorecard(score_both(work, encoded), 0), scale.slow_repeat)
    years = (float_year(work.current, scored[0]), float_year(work.previous, scored[1]))
    # The float run takes well under a millisecond: more runs for a stable median.
    numpy_times, references = timed(
        lambda: [float_totals_and_ranks(year) for year in years], scale.repeat * 4
    )
    add("encode entries, 2 years (once per load)", encode_times)
    score = add("score, 2 years", score_times)
    rank = add("rank, 2 years", rank_times)
    add("compare every unit", compare_times)
    recompute_median = add("recompute (all three)", recompute_times)
    add("(one entry changed: set + recompute)", what_if_times)
    add("pages: Decimal results+ranking+comparisons", pages_times)
    add("pages: one scorecard, every explanation", scorecard_times)
    numpy_median = add("NumPy: totals + ranks, 2 years", numpy_times)
    edges = (rank_group(unit_results(scored[0])), rank_group(unit_results(scored[1])))
    sanity = [
        check_same_work(scored[0], ranked[0], edges[0], references[0]) + " (this year)",
        check_same_work(scored[1], ranked[1], edges[1], references[1]) + " (last year)",
    ]
    medians = Medians(
        score,
        rank,
        recompute_median,
        statistics.median(recompute_times.cpu),
        numpy_median,
        statistics.median(numpy_times.cpu),
    )
    return medians, sanity


def run_scale(scale: Scale, seed: int) -> tuple[list[list[str]], list[str]]:
    work = make_workload(scale, seed)
    rows: list[list[str]] = []
    label = f"{scale.name} ({scale.units:,} × {len(work.current.nodes)})"

    def add(stage: str, times: Timings) -> float:
        median = statistics.median(times.wall)
        rows.append(
            [
                label,
                stage,
                milliseconds(median),
                milliseconds(min(times.wall)),
                milliseconds(statistics.median(times.cpu)),
                str(len(times.wall)),
            ]
        )
        return median

    medians, sanity = time_stages(work, scale, add)
    # The timed results are gone now: the peak below is one recompute's own.
    encoded = encode_both(work)
    gc.collect()
    tracemalloc.start()
    recompute(work, encoded)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

    ratio = medians.recompute / medians.numpy
    ratio_cpu = medians.recompute_cpu / medians.numpy_cpu
    notes = [
        f"{label}: sanity: {'; '.join(sanity)}",
        f"{label}: peak memory of one recompute (tracemalloc) {megabytes(peak)}; "
        f"process max RSS so far {megabytes(max_rss)}",
        f"{label}: engine ÷ NumPy: score + rank "
        f"{(medians.score + medians.rank) / medians.numpy:,.1f}×, "
        f"recompute {ratio:,.1f}× (CPU {ratio_cpu:,.1f}×) → goal ≤ {RATIO_GOAL:g}×: "
        + ("MET" if ratio <= RATIO_GOAL else "MISSED"),
    ]
    if scale.goal_s is not None:
        times_goal = medians.recompute / scale.goal_s
        verdict = "MET" if times_goal <= 1 else f"MISSED ({times_goal:,.1f}× the goal)"
        notes.append(
            f"{label}: goal recompute ≤ {milliseconds(scale.goal_s)}: "
            f"median {milliseconds(medians.recompute)} "
            f"(CPU {milliseconds(medians.recompute_cpu)}) → {verdict}"
        )
    return rows, notes


def print_table(rows: list[list[str]]) -> None:
    header = ["scale (units × nodes)", "stage", "median", "min", "CPU median", "runs"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 4, 5}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * width for width in widths))
    previous_scale = rows[0][0] if rows else ""
    for row in rows:
        if row[0] != previous_scale:
            print()
            previous_scale = row[0]
        print(line(row))


def profile_recompute(scale: Scale, seed: int, top: int = 15) -> None:
    work = make_workload(scale, seed)
    encoded = encode_both(work)
    recompute(work, encoded)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        recompute(work, encoded)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(f"\ncProfile of 20 recomputes at {scale.name} scale, top {top} by own time:")
    print(out.getvalue().split("\n", 4)[-1].rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--units", type=int, help="one custom scale with this many units")
    parser.add_argument("--nodes", type=int, default=150, help="nodes per framework (150)")
    parser.add_argument(
        "--repeat",
        type=int,
        help="timed runs of the batch stages (50 province, 15 national; a tenth, at least 3, "
        "for encoding and the Decimal edge)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--profile", action="store_true", help="cProfile one province recompute")
    args = parser.parse_args(argv)
    if args.units is not None:
        scales = [Scale("custom", args.units, args.nodes, args.repeat or 15, None)]
    else:
        scales = [
            Scale("province", 150, args.nodes, args.repeat or 50, PROVINCE_GOAL_S),
            Scale("national communes", 3500, args.nodes, args.repeat or 15, NATIONAL_GOAL_S),
        ]

    sample = build_framework(synthetic_spec(args.nodes, 2025, args.seed))
    print("parindex engine benchmark — synthetic demo data, not real units or criteria")
    print(f"seed {args.seed}; framework: {describe(sample)}")
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{os.cpu_count()} CPU, {platform.machine()}"
    )
    print(
        f"goals: province recompute ≤ {milliseconds(PROVINCE_GOAL_S)}; national commune scale "
        f"recompute ≤ {milliseconds(NATIONAL_GOAL_S)}; recompute ≤ {RATIO_GOAL:g}× the NumPy "
        "float reference\n"
    )

    rows: list[list[str]] = []
    notes: list[str] = []
    for scale in scales:
        scale_rows, scale_notes = run_scale(scale, args.seed)
        rows += scale_rows
        notes += scale_notes
    print_table(rows)
    print()
    for note in notes:
        print(note)
    if args.profile:
        profile_recompute(Scale("province", 150, args.nodes, 1, None), args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
