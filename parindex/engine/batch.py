"""The batch engine: every unit of a group scored at once, exactly, in fixed-point integers.

Three steps, each over NumPy arrays with one column per unit:

1. `encode_inputs(framework, inputs_by_unit) -> GroupInputs`: the one pass in Python. Every
   entry goes through its rule's `read` (the same checks as `Rule.score`, the same error
   messages), and what it holds becomes integers: an option's position, a rate's numerator
   and denominator (both scaled by the same power of ten), a count, yes/no, typed points at
   the group's scale. Done once when entries are loaded; a simulation then changes cells
   with `GroupInputs.set` (or a copy of it) and scores again.
2. `score_group(framework, inputs) -> GroupScores`: the rules' integer kernels, the evidence
   rule, parents level by level (`np.add.reduceat` over each level's children; the best child
   of alternatives with `np.maximum.reduceat`; bonus and penalty groups capped), totals and the
   index. Nothing here builds a string or a `Decimal`.
3. `rank_scores(scores) -> GroupRanks` (competition ranks "1224" of the totals and of every
   area, classes from the published index) and `compare_scores(current, previous)` (year over
   year, every unit at once).

Scale. A group's figures are integers at scale `10**k`, `k` = the framework's `points_places`
or more: enough decimals for every maximum, option, band, deduction and typed point of the
framework and its entries (`GroupInputs.scale`, 4 for most frameworks). Sums at that scale are
exact. A computed rule result is rounded half-up in integers to `points_places` exactly as
`Rule.score` rounds its `Decimal`: `ratio` points are `max × min(rate, ceiling) / ceiling`,
i.e. one integer quotient `q, r = divmod(num, den)` rounded up when `2r >= den`. The index is
`total × 100 / max_total` rounded half-up to `index_places` the same way. The one place where
`Decimal` and exact arithmetic can part is a ratio whose exact points sit exactly halfway
between two roundings while the rate itself does not terminate (1/24 of 0,75): `Decimal`
rounds the rate to 28 digits first and can tip either way, so those cells (rare) are scored
through `RatioRule.points_for`, the published arithmetic, and cached. Figures that cannot
overflow 2**62 use int64; larger ones (extreme scales or counts) use Python integers in
object arrays, with the same code.

The `Decimal` edge. `unit_results(scores)` (parindex/engine/scoring.py) turns a group's
integers into the public `UnitResult`/`NodeResult` with the same values *and* the same
`Decimal` exponents as the per-unit `Decimal` arithmetic gave (1.50 stays 1.50): the
exponents are tracked lazily (`GroupScores.details`), and each node's explanation is written
only when that node is read, so a simulation never pays for strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .errors import RuleInputError
from .model import ClassBand, Framework
from .numbers import HUNDRED, decimals, scaled
from .rules import (
    BandsRule,
    BooleanRule,
    ChoiceRule,
    DeductionRule,
    ManualRule,
    Outcome,
    Rate,
    RatioRule,
    Rule,
)

if TYPE_CHECKING:
    from .scoring import NodeInput

Array = NDArray[Any]  # int64, or object (Python ints) when a figure could pass 2**62
Bools = NDArray[np.bool_]
Exps = NDArray[np.int32]

LIMIT = 2**62  # int64 arithmetic is used only when every bound stays below this
_CACHE_SIZE = 4096

# Rule kinds with an integer kernel; any other rule is scored through `Rule.score` at encoding.
_KERNELS: dict[type[Rule], str] = {
    ChoiceRule: "choice",
    RatioRule: "ratio",
    BandsRule: "bands",
    DeductionRule: "deduction",
    BooleanRule: "boolean",
    ManualRule: "manual",
}
_KIND_ORDER = ("choice", "ratio", "bands", "deduction", "boolean", "manual", "outcome")

UNANSWERED, ANSWERED, INVALID = 0, 1, 2


def _kernel(rule: Rule) -> str:
    return _KERNELS.get(type(rule), "outcome")


def _column(values: Sequence[int], dtype: Any) -> Array:
    """A (n, 1) column of integers, broadcast against (n, units) blocks."""
    return np.array(list(values), dtype=dtype).reshape(-1, 1)


def _exp(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent


# --- the framework laid out for arrays ------------------------------------------------------


class _Level:
    """The parents at one depth, and their children (the next depth's block, in order)."""

    def __init__(self, layout: _Layout, parents: list[int], child_start: int, child_stop: int):
        framework = layout.framework
        nodes = [framework.nodes[layout.codes[row]] for row in parents]
        self.parents = np.array(parents, dtype=np.intp)
        self.children = slice(child_start, child_stop)
        starts: list[int] = []
        position = 0
        for node in nodes:
            starts.append(position)
            position += len(node.children)
        assert position == child_stop - child_start
        self.starts = np.array(starts, dtype=np.intp)
        self.alternatives = np.array(
            [i for i, node in enumerate(nodes) if node.alternatives], dtype=np.intp
        )
        self.bonus_groups = np.array(
            [i for i, node in enumerate(nodes) if node.kind == "bonus"], dtype=np.intp
        )
        self.penalty_groups = np.array(
            [i for i, node in enumerate(nodes) if node.kind == "penalty"], dtype=np.intp
        )
        self.bonus_caps = [
            framework.nodes[layout.codes[parents[i]]].max_points for i in self.bonus_groups
        ]
        self.penalty_caps = [
            framework.nodes[layout.codes[parents[i]]].max_points for i in self.penalty_groups
        ]
        # Whether any child holds bonus or penalty points at all (most levels do not).
        below = [layout.kinds_below[layout.codes[row]] for row in range(child_start, child_stop)]
        self.has_bonus = any("bonus" in kinds for kinds in below)
        self.has_penalty = any("penalty" in kinds for kinds in below)


@dataclass
class _Block:
    """The leaves scored by one kernel: rows `start:stop` of the leaf arrays."""

    kind: str
    start: int
    stop: int
    rules: list[Rule]
    leaves: list[int]  # positions in the leaf order

    @property
    def rows(self) -> slice:
        return slice(self.start, self.stop)


class _Layout:
    """A framework flattened for arrays, built once per framework.

    Node rows are in breadth-first order, so that the children of each depth's parents form
    one block of rows, parent after parent. Leaves are numbered separately, grouped by kernel.
    """

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        info = framework.info
        nodes = framework.nodes
        rows: list[str] = []
        depth_blocks: list[tuple[int, int]] = []
        level = list(framework.roots)
        while level:
            depth_blocks.append((len(rows), len(rows) + len(level)))
            rows.extend(level)
            level = [child for code in level for child in nodes[code].children]
        self.codes = tuple(rows)
        self.row = {code: position for position, code in enumerate(rows)}
        self.size = len(rows)
        self.root_count = len(framework.roots)
        self.kinds_below: dict[str, set[str]] = {}
        for code in reversed(rows):  # children before parents
            kinds = {nodes[code].kind}
            for child in nodes[code].children:
                kinds |= self.kinds_below[child]
            self.kinds_below[code] = kinds
        self.levels: list[_Level] = []
        for depth, (start, stop) in enumerate(depth_blocks[:-1]):
            parents = [row for row in range(start, stop) if nodes[rows[row]].children]
            child_start, child_stop = depth_blocks[depth + 1]
            self.levels.append(_Level(self, parents, child_start, child_stop))
        self.levels.reverse()  # deepest parents first
        self.areas = tuple(area.code for area in framework.areas)
        self.area_rows = np.array([self.row[code] for code in self.areas], dtype=np.intp)
        self.has_bonus = any(node.kind == "bonus" for node in nodes.values())
        self.has_penalty = any(node.kind == "penalty" for node in nodes.values())

        # Leaves, grouped by kernel (document order within a kernel).
        by_kind: dict[str, list[str]] = {kind: [] for kind in _KIND_ORDER}
        for node in framework.leaves():
            assert node.rule is not None
            by_kind[_kernel(node.rule)].append(node.code)
        self.leaf_codes: tuple[str, ...] = tuple(
            code for kind in _KIND_ORDER for code in by_kind[kind]
        )
        self.leaf = {code: position for position, code in enumerate(self.leaf_codes)}
        self.leaf_count = len(self.leaf_codes)
        self.leaf_kinds = [kind for kind in _KIND_ORDER for _ in by_kind[kind]]
        self.read_cache: list[dict[tuple[Any, ...], _Cell | RuleInputError]] = [
            {} for _ in self.leaf_codes
        ]
        leaf_nodes = [nodes[code] for code in self.leaf_codes]
        self.rules: list[Rule] = [node.rule for node in leaf_nodes if node.rule is not None]
        self.blocks: list[_Block] = []
        start = 0
        for kind in _KIND_ORDER:
            count = len(by_kind[kind])
            if count:
                self.blocks.append(
                    _Block(
                        kind,
                        start,
                        start + count,
                        self.rules[start : start + count],
                        list(range(start, start + count)),
                    )
                )
            start += count
        self.leaf_rows = np.array([self.row[code] for code in self.leaf_codes], dtype=np.intp)
        leaf_kinds = [node.kind for node in leaf_nodes]
        self.standard_leaves = np.array(
            [i for i, kind in enumerate(leaf_kinds) if kind == "standard"], dtype=np.intp
        )
        self.bonus_leaves = np.array(
            [i for i, kind in enumerate(leaf_kinds) if kind == "bonus"], dtype=np.intp
        )
        self.penalty_leaves = np.array(
            [i for i, kind in enumerate(leaf_kinds) if kind == "penalty"], dtype=np.intp
        )
        self.needs_evidence = np.array(
            [node.evidence_required and node.source == "self" for node in leaf_nodes], dtype=bool
        ).reshape(-1, 1)
        self.any_evidence = bool(self.needs_evidence.any())
        document = {code: position for position, code in enumerate(nodes)}
        self.leaf_document_position = [document[code] for code in self.leaf_codes]

        # The smallest scale that holds every figure of the framework exactly.
        figures: list[Decimal] = [info.max_total]
        figures += [node.max_points for node in nodes.values()]
        for rule in self.rules:
            figures += _rule_figures(rule)
        self.min_scale = max([info.points_places, *(decimals(figure) for figure in figures)])
        self.points_places = info.points_places
        self.index_places = info.index_places
        self._params: dict[int, _Params] = {}
        self._area_maps: dict[int, tuple[_Layout, list[_AreaMap]]] = {}
        self.tie_cache: dict[tuple[int, int, int, bool, int], tuple[int, int]] = {}

    def area_maps(self, previous: _Layout) -> list[_AreaMap]:
        """How this framework's areas correspond to `previous`'s (cached per pair)."""
        found = self._area_maps.get(id(previous))
        if found is None or found[0] is not previous:
            found = (previous, _area_maps(self.framework, previous.framework, previous))
            self._area_maps[id(previous)] = found
        return found[1]

    def params(self, scale: int) -> _Params:
        found = self._params.get(scale)
        if found is None:
            found = self._params[scale] = _Params(self, scale)
        return found


def _rule_figures(rule: Rule) -> list[Decimal]:
    """The points a rule can give that come from its parameters."""
    if isinstance(rule, ChoiceRule):
        return [points for _, points in rule.options.values()]
    if isinstance(rule, BandsRule):
        return [points for _, points in rule.thresholds]
    if isinstance(rule, DeductionRule):
        return [rule.per_occurrence] if rule.per_occurrence is not None else []
    if isinstance(rule, BooleanRule):
        return [rule.points_if_yes, rule.points_if_no]
    return []


_layouts: dict[int, _Layout] = {}


def _layout_for(framework: Framework) -> _Layout:
    cached = _layouts.get(id(framework))
    if cached is not None and cached.framework is framework:
        return cached
    layout = _Layout(framework)
    if len(_layouts) > 64:
        _layouts.clear()
    _layouts[id(framework)] = layout
    return layout


def _columns(**values: list[int]) -> dict[str, dict[str, Array] | None]:
    """(n, 1) columns of kernel parameters, as int64 (None if one would not fit) and as
    Python integers (the path for figures beyond int64)."""
    fits = all(-LIMIT < value < LIMIT for column in values.values() for value in column)
    return {
        "int": {name: _column(column, np.int64) for name, column in values.items()}
        if fits
        else None,
        "object": {name: _column(column, object) for name, column in values.items()},
    }


def _fraction(value: Decimal) -> tuple[int, int]:
    """`value` as numerator and denominator (a power of ten)."""
    places = decimals(value)
    return scaled(value, places), 10**places


class _Params:
    """A layout's figures as integers at one scale, per kernel (columns broadcast on units)."""

    def __init__(self, layout: _Layout, scale: int) -> None:
        self.scale = scale
        framework = layout.framework
        info = framework.info
        leaf_max = [scaled(framework.nodes[code].max_points, scale) for code in layout.leaf_codes]
        # Every node's figure is at most the sum of its leaves' maxima (rules never exceed
        # a leaf's maximum); the index multiplies a total by 200 × 10**index_places.
        self.node_bound = sum(leaf_max) + 1
        bound = self.node_bound * 200 * 10 ** (info.index_places + 1)
        self.dtype: Any = np.int64 if bound < LIMIT else object
        self.max_total = scaled(info.max_total, scale)
        self.round_unit = 10 ** (scale - layout.points_places)  # rules round to points_places
        self.kernels: dict[str, dict[str, Any]] = {}
        for block in layout.blocks:
            maxima = [leaf_max[i] for i in block.leaves]
            max_exps = [_exp(rule.max_points) for rule in block.rules]
            self.kernels[block.kind] = getattr(self, f"_{block.kind}")(block, maxima, max_exps)
        self.caps = [
            (
                [scaled(cap, scale) for cap in level.bonus_caps],
                [scaled(cap, scale) for cap in level.penalty_caps],
            )
            for level in layout.levels
        ]
        self.cap_exps = [
            ([_exp(cap) for cap in level.bonus_caps], [_exp(cap) for cap in level.penalty_caps])
            for level in layout.levels
        ]

    def _table(self, rows: list[list[Decimal]]) -> tuple[Array, Exps]:
        width = max(len(row) for row in rows)
        values = [
            [scaled(points, self.scale) for points in row] + [0] * (width - len(row))
            for row in rows
        ]
        exps = [[_exp(points) for points in row] + [0] * (width - len(row)) for row in rows]
        return np.array(values, dtype=self.dtype), np.array(exps, dtype=np.int32)

    def _flat(self, table: Array, exps: Exps) -> dict[str, Any]:
        """A table read as `flat[offset + index]`: one `np.take` per block."""
        width = table.shape[1]
        return {
            "flat": table.ravel(),
            "flat_exps": exps.ravel(),
            "offset": (np.arange(table.shape[0], dtype=np.intp) * width).reshape(-1, 1),
        }

    def _choice(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        rules = [rule for rule in block.rules if isinstance(rule, ChoiceRule)]
        table, exps = self._table(
            [[points for _, points in rule.options.values()] for rule in rules]
        )
        return self._flat(table, exps)

    def _no_cases(
        self, rules: Sequence[RatioRule | BandsRule], maxima: list[int], max_exps: list[int]
    ) -> dict[str, Any]:
        full = [rule.if_no_cases == "full" for rule in rules]
        return {
            "max": _column(maxima, self.dtype),
            "max_exp": np.array(max_exps, dtype=np.int32).reshape(-1, 1),
            "full": np.array(full, dtype=bool).reshape(-1, 1),
            "max_max": max(maxima),
        }

    def _ratio(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        rules = [rule for rule in block.rules if isinstance(rule, RatioRule)]
        ceilings = [
            _fraction(rule.full_at if rule.full_at is not None else HUNDRED) for rule in rules
        ]
        zeros = [
            _fraction(rule.zero_below) if rule.zero_below is not None else (0, 1) for rule in rules
        ]
        params = self._no_cases(rules, maxima, max_exps)
        params.update(
            ceiling_num=[numerator for numerator, _ in ceilings],
            ceiling_den=[denominator for _, denominator in ceilings],
            zero_num=[numerator for numerator, _ in zeros],
            zero_den=[denominator for _, denominator in zeros],
            columns=_columns(
                maxima=maxima,
                reach=[100 * denominator for _, denominator in ceilings],
                ceiling=[numerator for numerator, _ in ceilings],
                below=[100 * denominator for _, denominator in zeros],
                zero=[numerator for numerator, _ in zeros],
            ),
            has_zero=np.array([rule.zero_below is not None for rule in rules], dtype=bool).reshape(
                -1, 1
            ),
            any_zero=any(rule.zero_below is not None for rule in rules),
            tops=(
                max(numerator for numerator, _ in ceilings),
                max(denominator for _, denominator in ceilings),
                max(numerator for numerator, _ in zeros),
                max(denominator for _, denominator in zeros),
            ),
            maxima=maxima,
            short_max=np.array(
                [len(rule.max_points.as_tuple().digits) <= 3 for rule in rules], dtype=bool
            ).reshape(-1, 1),
        )
        return params

    def _bands(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        rules = [rule for rule in block.rules if isinstance(rule, BandsRule)]
        width = max(len(rule.thresholds) for rule in rules)
        # Per column: thresholds ascending as integers at the column's scale, padded with an
        # unreachable threshold; the table gives the points of "k thresholds reached".
        places = [max(decimals(minimum) for minimum, _ in rule.thresholds) for rule in rules]
        threshold_scale = [10**place for place in places]
        minimums: list[list[int]] = []
        tables: list[list[Decimal]] = []
        for rule, place in zip(rules, places, strict=True):
            ascending = sorted(rule.thresholds, key=lambda band: band[0])
            row = [scaled(minimum, place) for minimum, _ in ascending]
            minimums.append(row + [-1] * (width - len(row)))
            tables.append([Decimal(0)] + [points for _, points in ascending])
        table, exps = self._table(tables)
        params = self._no_cases(rules, maxima, max_exps)
        params.update(self._flat(table, exps))
        params.update(
            tops=(max(max(row) for row in minimums), max(threshold_scale)),
            width=width,
            columns=_columns(
                rate=[100 * unit for unit in threshold_scale],
                **{f"minimum{n}": [row[n] for row in minimums] for n in range(width)},
            ),
        )
        return params

    def _deduction(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        rules = [rule for rule in block.rules if isinstance(rule, DeductionRule)]
        per = [
            rule.per_occurrence if rule.per_occurrence is not None else Decimal(0) for rule in rules
        ]
        per_points = [scaled(value, self.scale) for value in per]
        return {
            "max_exp": np.array(max_exps, dtype=np.int32).reshape(-1, 1),
            "per": per_points,
            "per_exp": np.array([_exp(value) for value in per], dtype=np.int32).reshape(-1, 1),
            "columns": _columns(maxima=maxima, per=per_points),
        }

    def _boolean(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        rules = [rule for rule in block.rules if isinstance(rule, BooleanRule)]
        table, exps = self._table([[rule.points_if_no, rule.points_if_yes] for rule in rules])
        return self._flat(table, exps)

    def _manual(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        return {}

    def _outcome(self, block: _Block, maxima: list[int], max_exps: list[int]) -> dict[str, Any]:
        return {}


# --- encoding: entries to integers -------------------------------------------------------------


class _Cell(NamedTuple):
    """One entry as integers (see `GroupInputs`); typed points wait for the group's scale."""

    a: int
    b: int = 0
    e: int = 0
    percent: bool = False
    points: Decimal | None = None
    values: Mapping[str, Any] | None = None  # kept for rules scored through `Rule.score`


def _encode_value(kind: str, rule: Rule, values: Mapping[str, Any]) -> _Cell:
    """Read one entry through its rule; raises `RuleInputError` as `Rule.score` would."""
    if kind in ("ratio", "bands"):
        rate: Rate = rule.read(values)
        places = max(decimals(rate.numerator), decimals(rate.denominator))
        return _Cell(
            scaled(rate.numerator, places),
            scaled(rate.denominator, places),
            places,
            rate.percent is not None,
        )
    if kind == "choice" or kind == "boolean":
        return _Cell(int(rule.read(values)))
    if kind == "deduction":
        count: Decimal = rule.read(values)
        return _Cell(int(count), e=_exp(count))
    if kind == "manual":
        points: Decimal = rule.read(values)
        return _Cell(0, e=_exp(points), points=points)
    outcome: Outcome = rule.read(values)
    return _Cell(0, e=_exp(outcome.points), points=outcome.points, values=dict(values))


def values_key(values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """A cache key for entered values that tells apart what compares equal but is written
    differently (2 and Decimal("2.0"), 1 and True): the written form reaches the results."""
    try:
        key = tuple(
            [
                (name, value.__class__, str(value) if value.__class__ is Decimal else value)
                for name, value in sorted(values.items())
            ]
        )
        hash(key)
    except TypeError:  # an unhashable or unsortable value: not cached
        return None
    return key


class GroupInputs:
    """The entries of a group's units as integer arrays: one row per leaf, one column per unit.

    Leaves are in `leaf_codes` order (grouped by rule kind), units in `units` order.

    - `state`: 0 not entered, 1 entered and valid, 2 invalid (the message in `errors`);
    - `evidence`: evidence attached or an explanation accepted in its place;
    - `a`, `b`, `e`, `percent`: what the entry holds, by rule —
      choice: `a` the option's position in `rule.options`;
      ratio and bands: `a`/`b` numerator/denominator, both × 10**`e`; `percent` when a
      percentage was typed (then `b` = 100 × 10**`e`); denominator 0 means no cases;
      deduction: `a` the count, `e` its `Decimal` exponent as typed;
      boolean: `a` 1 for yes, 0 for no;
      manual (and rules scored through `Rule.score`): `a` the points × 10**`scale`,
      `e` their `Decimal` exponent.

    `set` changes one entry with the rule's checks; a copy (`copy`) keeps the original.
    Writing the arrays directly is allowed for simulations that stay within the rules
    (a count ≥ 0, points within the maximum, a numerator ≤ its denominator).
    """

    def __init__(
        self,
        layout: _Layout,
        units: tuple[str, ...],
        scale: int,
        arrays: dict[str, Array],
        errors: dict[tuple[int, int], tuple[str | None, str]],
        outcome_values: dict[tuple[int, int], Mapping[str, Any]],
    ) -> None:
        self.layout = layout
        self.units = units
        self.scale = scale
        self.state: NDArray[np.int8] = arrays["state"]
        self.evidence: Bools = arrays["evidence"]
        self.a: Array = arrays["a"]
        self.b: Array = arrays["b"]
        self.e: Exps = arrays["e"]
        self.percent: Bools = arrays["percent"]
        self.errors = errors
        self.outcome_values = outcome_values
        self._unit_index: dict[str, int] | None = None

    @property
    def framework(self) -> Framework:
        return self.layout.framework

    @property
    def leaf_codes(self) -> tuple[str, ...]:
        return self.layout.leaf_codes

    def unit_index(self, unit: str) -> int:
        if self._unit_index is None:
            self._unit_index = {name: position for position, name in enumerate(self.units)}
        return self._unit_index[unit]

    def copy(self) -> GroupInputs:
        arrays = {
            "state": self.state.copy(),
            "evidence": self.evidence.copy(),
            "a": self.a.copy(),
            "b": self.b.copy(),
            "e": self.e.copy(),
            "percent": self.percent.copy(),
        }
        return GroupInputs(
            self.layout,
            self.units,
            self.scale,
            arrays,
            dict(self.errors),
            dict(self.outcome_values),
        )

    def set(self, unit: str | int, code: str, entry: NodeInput | None) -> None:
        """Enter (or clear, with None) the entry of one unit for one leaf, checked by its rule."""
        column = unit if isinstance(unit, int) else self.unit_index(unit)
        row = self.layout.leaf[code]
        key = (row, column)
        self.errors.pop(key, None)
        self.outcome_values.pop(key, None)
        self.state[row, column] = UNANSWERED
        self.evidence[row, column] = False
        self.a[row, column] = self.b[row, column] = self.e[row, column] = 0
        self.percent[row, column] = False
        if entry is None:
            return
        self.evidence[row, column] = entry.has_evidence or entry.explanation_accepted
        cell = _read(self.layout, row, entry.values)
        if isinstance(cell, RuleInputError):
            self.state[row, column] = INVALID
            self.errors[key] = (cell.field, str(cell))
            return
        if cell.points is not None and decimals(cell.points) > self.scale:
            self._rescale(decimals(cell.points))
        a = scaled(cell.points, self.scale) if cell.points is not None else cell.a
        if max(a, cell.b) >= LIMIT and self.a.dtype != object:
            self.a, self.b = self.a.astype(object), self.b.astype(object)
        self.state[row, column] = ANSWERED
        self.a[row, column], self.b[row, column] = a, cell.b
        self.e[row, column], self.percent[row, column] = cell.e, cell.percent
        if cell.values is not None:
            self.outcome_values[key] = cell.values

    def _rescale(self, scale: int) -> None:
        """Raise the group's scale (typed points with more decimals than it holds)."""
        factor = 10 ** (scale - self.scale)
        rows = [block.rows for block in self.layout.blocks if block.kind in ("manual", "outcome")]
        top = max((int(abs(self.a[part]).max(initial=0)) for part in rows), default=0)
        if top * factor >= LIMIT and self.a.dtype != object:
            self.a, self.b = self.a.astype(object), self.b.astype(object)
        for part in rows:
            self.a[part] = self.a[part] * factor
        self.scale = scale

    def problems(self, column: int) -> list[tuple[str, str | None, str]]:
        """(leaf code, field, message) of the unit's invalid entries, in document order."""
        found = [
            (self.layout.leaf_document_position[row], self.layout.leaf_codes[row], problem)
            for (row, unit), problem in self.errors.items()
            if unit == column
        ]
        return [(code, field_name, message) for _, code, (field_name, message) in sorted(found)]


def _read(layout: _Layout, row: int, values: Mapping[str, Any]) -> _Cell | RuleInputError:
    """The encoded entry, remembered per leaf: units of a group often enter the same values."""
    rule = layout.rules[row]
    kind = layout.leaf_kinds[row]
    key = values_key(values)
    cache = layout.read_cache[row]
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return found
    result: _Cell | RuleInputError
    try:
        result = _encode_value(kind, rule, values)
    except RuleInputError as error:
        result = error
    if key is not None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[key] = result
    return result


def encode_inputs(
    framework: Framework, inputs_by_unit: Mapping[str, Mapping[str, NodeInput]]
) -> GroupInputs:
    """Read every unit's entries (unit → leaf code → `NodeInput`) into a `GroupInputs`.

    Entries for codes that are not leaves are ignored, as `score_unit` always did.
    """
    layout = _layout_for(framework)
    units = tuple(inputs_by_unit)
    count = len(units)
    cells = layout.leaf_count * count
    state = [UNANSWERED] * cells
    evidence = [False] * cells
    a = [0] * cells
    b = [0] * cells
    e = [0] * cells
    percent = [False] * cells
    errors: dict[tuple[int, int], tuple[str | None, str]] = {}
    outcome_values: dict[tuple[int, int], Mapping[str, Any]] = {}
    typed: list[tuple[int, Decimal]] = []
    leaf = layout.leaf
    top = 0
    for column, unit in enumerate(units):
        for code, entry in inputs_by_unit[unit].items():
            row = leaf.get(code)
            if row is None:
                continue
            position = row * count + column
            evidence[position] = entry.has_evidence or entry.explanation_accepted
            cell = _read(layout, row, entry.values)
            if isinstance(cell, RuleInputError):
                state[position] = INVALID
                errors[(row, column)] = (cell.field, str(cell))
                continue
            state[position] = ANSWERED
            e[position] = cell.e
            if cell.points is not None:
                typed.append((position, cell.points))
                if cell.values is not None:
                    outcome_values[(row, column)] = cell.values
                continue
            a[position] = cell.a
            b[position] = cell.b
            percent[position] = cell.percent
            if cell.b > top or cell.a > top:
                top = max(cell.a, cell.b)
    scale = max([layout.min_scale, *(decimals(points) for _, points in typed)])
    for position, points in typed:
        a[position] = value = scaled(points, scale)
        top = max(top, value)
    shape = (layout.leaf_count, count)
    dtype: Any = np.int64 if top < LIMIT else object
    arrays = {
        "state": np.array(state, dtype=np.int8).reshape(shape),
        "evidence": np.array(evidence, dtype=bool).reshape(shape),
        "a": np.array(a, dtype=dtype).reshape(shape),
        "b": np.array(b, dtype=dtype).reshape(shape),
        "e": np.array(e, dtype=np.int32).reshape(shape),
        "percent": np.array(percent, dtype=bool).reshape(shape),
    }
    return GroupInputs(layout, units, scale, arrays, errors, outcome_values)


# --- the rules' integer kernels ---------------------------------------------------------------


def _as_object(*arrays: Array) -> list[Array]:
    return [array.astype(object) if array.dtype != object else array for array in arrays]


def _top(array: Array) -> int:
    return int(array.max()) if array.size else 0


def _normal_exponents(points: Array, scale: int) -> Exps:
    """Exponents of `normalized` points: −(decimals needed), 0 for whole numbers (1.50 → −1)."""
    exps = np.zeros(points.shape, dtype=np.int32)
    for place in range(1, scale + 1):
        exps -= (points % 10**place != 0).astype(np.int32)
    return exps


class _Kernels:
    """Points (and, for the `Decimal` edge, exponents) of one block of leaves for every unit."""

    def __init__(self, layout: _Layout, inputs: GroupInputs, params: _Params, exps: bool):
        self.layout = layout
        self.inputs = inputs
        self.params = params
        self.exps = exps

    def block(self, block: _Block) -> tuple[Array, Exps | None]:
        method = getattr(self, f"_{block.kind}")
        points, exps = method(block, self.params.kernels[block.kind])
        return points, exps

    def _table(self, block: _Block, p: dict[str, Any], index: Array) -> tuple[Array, Exps | None]:
        if index.dtype == object:
            index = index.astype(np.intp)
        positions = p["offset"] + index
        points = np.take(p["flat"], positions)
        return points, (np.take(p["flat_exps"], positions) if self.exps else None)

    def _choice(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        return self._table(block, p, self.inputs.a[block.rows])

    def _boolean(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        return self._table(block, p, (self.inputs.a[block.rows] != 0).astype(np.intp))

    def _manual(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        return self.inputs.a[block.rows], (self.inputs.e[block.rows] if self.exps else None)

    _outcome = _manual

    def _deduction(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        count = self.inputs.a[block.rows]
        big = (
            _top(count) * max(p["per"], default=0) >= LIMIT
            or count.dtype == object
            or p["columns"]["int"] is None
        )
        if big:
            (count,) = _as_object(count)
        columns = p["columns"]["object" if big else "int"]
        remaining = columns["maxima"] - count * columns["per"]
        points = np.maximum(remaining, 0)
        if not self.exps:
            return points, None
        typed = np.minimum(p["max_exp"], self.inputs.e[block.rows] + p["per_exp"])
        exps = np.where(count == 0, p["max_exp"], np.where(remaining < 0, 0, typed))
        return points, exps.astype(np.int32)

    def _ratio(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        numerator = self.inputs.a[block.rows]
        denominator = self.inputs.b[block.rows]
        no_cases = denominator == 0
        denominator = np.where(no_cases, 1, denominator)
        unit = self.params.round_unit
        top_numerator, top_denominator = _top(numerator), _top(denominator)
        ceiling_num, ceiling_den, zero_num, zero_den = p["tops"]
        bound = max(
            2
            * p["max_max"]
            * max(100 * top_numerator * ceiling_den, ceiling_num * top_denominator),
            2 * ceiling_num * top_denominator * unit,
            100 * top_numerator * zero_den,
            zero_num * top_denominator,
        )
        big = bound >= LIMIT or numerator.dtype == object or p["columns"]["int"] is None
        if big:
            numerator, denominator = _as_object(numerator, denominator)
        columns = p["columns"]["object" if big else "int"]
        maxima = columns["maxima"]
        # points = max × min(rate, ceiling) / ceiling, rounded half-up to points_places:
        # rate/ceiling = 100·n·cd / (d·cn) for a ceiling cn/cd.
        reached = numerator * columns["reach"]
        ceiling = denominator * columns["ceiling"]
        exact = maxima * np.minimum(reached, ceiling)
        divisor = ceiling * unit
        quotient = exact // divisor
        twice = 2 * (exact - quotient * divisor)
        points = (quotient + (twice >= divisor)) * unit
        suspect = twice == divisor  # exactly halfway: the Decimal rate's rounding decides
        if p["any_zero"]:
            below = numerator * columns["below"]
            zero = p["has_zero"] & (below < denominator * columns["zero"])
            points = np.where(zero, 0, points)
            suspect &= ~zero
        if big:  # beyond int64, check what Decimal's 28 digits could get wrong
            suspect |= (exact >= 10**24) | (divisor >= 10**24)
        elif suspect.any():
            # Halfway is only ambiguous when Decimal could not compute exactly: the rate or
            # the share does not terminate within 25 decimals, or the maximum has over 3
            # digits (its product with the share could pass 28). Otherwise exact = published.
            cells = np.nonzero(suspect)
            exact_decimal = (
                _terminates(numerator[cells] * 100, denominator[cells])
                & _terminates(reached[cells], ceiling[cells])
                & p["short_max"][cells[0], 0]
            )
            suspect[cells] = ~exact_decimal
        suspect &= ~no_cases
        points = np.where(no_cases, np.where(p["full"], maxima, 0), points)
        exps = None
        if self.exps:
            exps = np.where(
                no_cases,
                np.where(p["full"], p["max_exp"], 0),
                _normal_exponents(points, self.params.scale),
            ).astype(np.int32)
        if suspect.any():
            self._published(block, suspect, points, exps)
        return points, exps

    def _bands(self, block: _Block, p: dict[str, Any]) -> tuple[Array, Exps | None]:
        numerator = self.inputs.a[block.rows]
        denominator = self.inputs.b[block.rows]
        no_cases = denominator == 0
        denominator = np.where(no_cases, 1, denominator)
        top_minimum, top_scale = p["tops"]
        bound = max(100 * _top(numerator) * top_scale, top_minimum * _top(denominator))
        big = bound >= LIMIT or numerator.dtype == object or p["columns"]["int"] is None
        if big:
            numerator, denominator = _as_object(numerator, denominator)
        columns = p["columns"]["object" if big else "int"]
        rate = numerator * columns["rate"]
        reached = np.zeros(numerator.shape, dtype=np.intp)
        for position in range(p["width"]):
            minimum = columns[f"minimum{position}"]
            reached += (minimum >= 0) & (rate >= minimum * denominator)
        points, exps = self._table(block, p, reached)
        maxima = p["max"]
        points = np.where(no_cases, np.where(p["full"], maxima, 0), points)
        if exps is not None:
            exps = np.where(no_cases, np.where(p["full"], p["max_exp"], 0), exps).astype(np.int32)
        if big:
            suspect = ~no_cases & ((numerator >= 10**18) | (denominator >= 10**18))
            if suspect.any():
                self._published(block, suspect, points, exps)
        return points, exps

    def _published(self, block: _Block, cells: Bools, points: Array, exps: Exps | None) -> None:
        """Score `cells` with the rule's `Decimal` arithmetic (remembered per layout), in place."""
        inputs, layout, scale = self.inputs, self.layout, self.params.scale
        rows = block.rows
        numerators = inputs.a[rows][cells].tolist()
        denominators = inputs.b[rows][cells].tolist()
        typed = inputs.percent[rows][cells].tolist()
        leaves = (np.nonzero(cells)[0] + block.start).tolist()
        cache = layout.tie_cache
        found: list[tuple[int, int]] = []
        for leaf, numerator, denominator, percent in zip(
            leaves, numerators, denominators, typed, strict=True
        ):
            key = (leaf, numerator, denominator, percent, scale)
            result = cache.get(key)
            if result is None:
                rule = layout.rules[leaf]
                assert isinstance(rule, RatioRule | BandsRule)
                decimal = rule.points_for(_percent(numerator, denominator, percent))
                result = (scaled(decimal, scale), _exp(decimal))
                if len(cache) >= _CACHE_SIZE:
                    cache.clear()
                cache[key] = result
            found.append(result)
        points[cells] = np.array([value for value, _ in found], dtype=points.dtype)
        if exps is not None:
            exps[cells] = [exponent for _, exponent in found]


def _terminates(numerator: Array, denominator: Array) -> Bools:
    """Whether each fraction is a decimal with at most 25 decimals (int64 arrays)."""
    denominator = denominator // np.gcd(numerator, denominator)
    denominator = denominator // np.gcd(denominator, 2**25)
    denominator = denominator // np.gcd(denominator, 5**25)
    result: Bools = denominator == 1
    return result


def _percent(numerator: int, denominator: int, typed: bool) -> Decimal:
    """The rate as `Rule.score` computes it: a typed percentage exactly, else `n × 100 / d` in
    the current context (28 significant digits by default)."""
    if typed:
        with localcontext() as context:
            context.prec = max(context.prec, len(str(numerator)) + len(str(denominator)) + 3)
            return Decimal(numerator) * HUNDRED / Decimal(denominator)
    return Decimal(numerator) * HUNDRED / Decimal(denominator)


def _leaf_points(
    layout: _Layout, inputs: GroupInputs, params: _Params, exps: bool
) -> tuple[Array, Exps | None]:
    """Every leaf's points (leaves × units) after the evidence rule; 0 when not counted."""
    shape = (layout.leaf_count, len(inputs.units))
    points = np.empty(shape, dtype=params.dtype)
    exponents = np.empty(shape, dtype=np.int32) if exps else None
    kernels = _Kernels(layout, inputs, params, exps)
    for block in layout.blocks:
        block_points, block_exps = kernels.block(block)
        points[block.rows] = block_points
        if exponents is not None and block_exps is not None:
            exponents[block.rows] = block_exps
    counted = inputs.state == ANSWERED
    if layout.any_evidence:
        counted &= inputs.evidence | ~layout.needs_evidence
    points = np.where(counted, points, 0)
    if exponents is not None:
        exponents = np.where(counted, exponents, 0).astype(np.int32)
    return points, exponents


# --- parents, totals and the index -------------------------------------------------------------


def score_group(
    framework: Framework,
    inputs: GroupInputs | Mapping[str, Mapping[str, NodeInput]],
) -> GroupScores:
    """Score every unit of a group at once: `inputs` is a `GroupInputs` or unit → code → entry.

    Leaves without an entry score 0 (unanswered); an entry that does not fit its rule scores
    0 and is reported by `GroupInputs.problems`. A leaf whose evidence is required (entered
    by the unit itself) scores 0 without evidence or an accepted explanation.
    """
    if not isinstance(inputs, GroupInputs):
        inputs = encode_inputs(framework, inputs)
    elif inputs.layout.framework is not framework:
        raise ValueError("the inputs were encoded for another framework")
    layout = inputs.layout
    params = layout.params(inputs.scale)
    leaf_points, _ = _leaf_points(layout, inputs, params, exps=False)
    shape = (layout.size, len(inputs.units))
    base = np.zeros(shape, dtype=params.dtype)
    points = np.empty(shape, dtype=params.dtype)  # every row is a leaf's or a parent's
    # No bonus (penalty) node: a read-only zero, nothing to add up.
    nothing = np.broadcast_to(np.zeros(1, dtype=params.dtype), shape)
    bonus = np.zeros(shape, dtype=params.dtype) if layout.has_bonus else nothing
    penalty = np.zeros(shape, dtype=params.dtype) if layout.has_penalty else nothing
    rows = layout.leaf_rows
    base[rows[layout.standard_leaves]] = leaf_points[layout.standard_leaves]
    if layout.has_bonus:
        bonus[rows[layout.bonus_leaves]] = leaf_points[layout.bonus_leaves]
    if layout.has_penalty:
        penalty[rows[layout.penalty_leaves]] = leaf_points[layout.penalty_leaves]
    points[rows] = leaf_points
    for level, (bonus_caps, penalty_caps) in zip(layout.levels, params.caps, strict=True):
        children, starts, parents = level.children, level.starts, level.parents
        sums = np.add.reduceat(base[children], starts, axis=0)
        if level.alternatives.size:
            best = np.maximum.reduceat(base[children], starts, axis=0)
            sums[level.alternatives] = best[level.alternatives]
        base[parents] = sums
        own = sums
        if level.has_bonus:
            extra = np.add.reduceat(bonus[children], starts, axis=0)
            if level.bonus_groups.size:
                capped = _column(bonus_caps, params.dtype)
                extra[level.bonus_groups] = np.minimum(extra[level.bonus_groups], capped)
            bonus[parents] = extra
            own = own + extra
        if level.has_penalty:
            taken = np.add.reduceat(penalty[children], starts, axis=0)
            if level.penalty_groups.size:
                capped = _column(penalty_caps, params.dtype)
                taken[level.penalty_groups] = np.minimum(taken[level.penalty_groups], capped)
            penalty[parents] = taken
            own = own - taken
        own = np.maximum(own, 0)
        if level.penalty_groups.size:
            own[level.penalty_groups] = penalty[parents[level.penalty_groups]]
        points[parents] = own
    roots = slice(0, layout.root_count)
    unit_base = base[roots].sum(axis=0)
    unit_bonus = bonus[roots].sum(axis=0)
    unit_penalty = penalty[roots].sum(axis=0)
    total = np.maximum(unit_base + unit_bonus - unit_penalty, 0)
    if params.max_total == 0:
        index = np.zeros_like(total)
    else:
        # total × 100 / max_total, rounded half-up to index_places
        factor = 200 * 10**layout.index_places
        index = (total * factor + params.max_total) // (2 * params.max_total)
    return GroupScores(
        inputs,
        params,
        {"base": base, "bonus": bonus, "penalty": penalty, "points": points},
        {
            "base": unit_base,
            "bonus": unit_bonus,
            "penalty": unit_penalty,
            "total": total,
            "index": index,
        },
    )


class Details(NamedTuple):
    """What only the `Decimal` edge needs: exponents, answered flags, the alternative counted."""

    base: Exps  # nodes × units, exponent of each figure's Decimal
    bonus: Exps
    penalty: Exps
    points: Exps
    answered: Bools  # nodes × units
    best: dict[int, NDArray[np.intp]]  # alternatives parent row → best child row per unit
    unit_base: Exps  # units
    unit_bonus: Exps
    unit_penalty: Exps
    total: Exps


class GroupScores:
    """Every node of every unit of a group, as integers at `scale` (figure × 10**scale).

    `base`, `bonus`, `penalty`, `points`: nodes × units, rows in `codes` order (`row(code)`).
    `unit_base`, `unit_bonus`, `unit_penalty`, `total`: per unit; `index`: per unit, the
    index × 10**index_places, rounded half-up. The public `UnitResult`s are built from these
    by `parindex.engine.scoring.unit_results`.
    """

    def __init__(
        self,
        inputs: GroupInputs,
        params: _Params,
        nodes: dict[str, Array],
        units: dict[str, Array],
    ) -> None:
        self.inputs = inputs
        self.layout = inputs.layout
        self.framework = inputs.layout.framework
        self.units = inputs.units
        self.scale = inputs.scale
        self._params = params
        self.base = nodes["base"]
        self.bonus = nodes["bonus"]
        self.penalty = nodes["penalty"]
        self.points = nodes["points"]
        self.unit_base = units["base"]
        self.unit_bonus = units["bonus"]
        self.unit_penalty = units["penalty"]
        self.total = units["total"]
        self.index = units["index"]

    @property
    def codes(self) -> tuple[str, ...]:
        return self.layout.codes

    @property
    def area_codes(self) -> tuple[str, ...]:
        return self.layout.areas

    def row(self, code: str) -> int:
        return self.layout.row[code]

    def node_points(self, code: str) -> Array:
        """The points of node `code` for every unit."""
        points: Array = self.points[self.layout.row[code]]
        return points

    @property
    def area_points(self) -> Array:
        """Areas × units: the points of each area (framework.areas order)."""
        return self.points[self.layout.area_rows]

    def rank(self, rows: Sequence[int] | None = None) -> GroupRanks:
        return rank_scores(self, rows)

    @cached_property
    def details(self) -> Details:
        """Exponents and answered flags, computed once on first use (pages, not simulations)."""
        layout, inputs, params = self.layout, self.inputs, self._params
        _, leaf_exps = _leaf_points(layout, inputs, params, exps=True)
        assert leaf_exps is not None
        shape = self.points.shape
        units = np.arange(shape[1])
        e_base = np.zeros(shape, dtype=np.int32)
        e_bonus = np.zeros(shape, dtype=np.int32)
        e_penalty = np.zeros(shape, dtype=np.int32)
        e_points = np.zeros(shape, dtype=np.int32)
        answered = np.zeros(shape, dtype=bool)
        rows = layout.leaf_rows
        e_base[rows[layout.standard_leaves]] = leaf_exps[layout.standard_leaves]
        e_bonus[rows[layout.bonus_leaves]] = leaf_exps[layout.bonus_leaves]
        e_penalty[rows[layout.penalty_leaves]] = leaf_exps[layout.penalty_leaves]
        e_points[rows] = leaf_exps
        answered[rows] = inputs.state == ANSWERED
        best: dict[int, NDArray[np.intp]] = {}
        nodes = self.framework.nodes
        for level, (bonus_caps, penalty_caps), (bonus_exps, penalty_exps) in zip(
            layout.levels, params.caps, params.cap_exps, strict=True
        ):
            children, starts, parents = level.children, level.starts, level.parents
            least = np.minimum.reduceat(e_base[children], starts, axis=0)
            eb = np.minimum(least, 0)
            for local in level.alternatives:
                row = int(parents[local])
                standard = [
                    layout.row[code]
                    for code in nodes[layout.codes[row]].children
                    if nodes[code].kind == "standard"
                ]
                if not standard:
                    eb[local] = 0
                    continue
                choice = np.array(standard, dtype=np.intp)[np.argmax(self.base[standard], axis=0)]
                best[row] = choice
                eb[local] = e_base[choice, units]
            e_base[parents] = eb
            ebo = np.zeros(eb.shape, dtype=np.int32)
            if level.has_bonus:
                ebo = np.minimum(np.minimum.reduceat(e_bonus[children], starts, axis=0), 0)
            if level.bonus_groups.size:
                sums = np.add.reduceat(self.bonus[children], starts, axis=0)[level.bonus_groups]
                over = sums > _column(bonus_caps, sums.dtype)
                ebo[level.bonus_groups] = np.where(
                    over, _column(bonus_exps, np.int32), ebo[level.bonus_groups]
                )
            e_bonus[parents] = ebo
            epe = np.zeros(eb.shape, dtype=np.int32)
            if level.has_penalty:
                epe = np.minimum(np.minimum.reduceat(e_penalty[children], starts, axis=0), 0)
            if level.penalty_groups.size:
                sums = np.add.reduceat(self.penalty[children], starts, axis=0)[level.penalty_groups]
                over = sums > _column(penalty_caps, sums.dtype)
                epe[level.penalty_groups] = np.where(
                    over, _column(penalty_exps, np.int32), epe[level.penalty_groups]
                )
            e_penalty[parents] = epe
            net = self.base[parents] + self.bonus[parents] - self.penalty[parents]
            ep = np.where(net < 0, 0, np.minimum(np.minimum(eb, ebo), epe))
            if level.bonus_groups.size:
                ep[level.bonus_groups] = ebo[level.bonus_groups]
            if level.penalty_groups.size:
                ep[level.penalty_groups] = epe[level.penalty_groups]
            e_points[parents] = ep
            answered[parents] = np.logical_and.reduceat(answered[children], starts, axis=0)
        roots = slice(0, layout.root_count)
        u_base = np.minimum(e_base[roots].min(axis=0, initial=0), 0)
        u_bonus = np.minimum(e_bonus[roots].min(axis=0, initial=0), 0)
        u_penalty = np.minimum(e_penalty[roots].min(axis=0, initial=0), 0)
        net = self.unit_base + self.unit_bonus - self.unit_penalty
        u_total = np.where(net < 0, 0, np.minimum(np.minimum(u_base, u_bonus), u_penalty))
        return Details(
            e_base,
            e_bonus,
            e_penalty,
            e_points,
            answered,
            best,
            u_base.astype(np.int32),
            u_bonus.astype(np.int32),
            u_penalty.astype(np.int32),
            u_total.astype(np.int32),
        )


# --- ranks and classes -------------------------------------------------------------------------


def competition_rank(values: Array) -> NDArray[np.int64]:
    """Competition ranks ("1224") along the last axis, highest value first.

    A rank is one more than the number of strictly higher values; exact integers only.
    """
    values = np.asarray(values)
    count = values.shape[-1]
    if count == 0:
        return np.zeros(values.shape, dtype=np.int64)
    order = np.argsort(-values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    starts = np.ones(values.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    first = np.where(starts, np.arange(count), 0)
    first = np.maximum.accumulate(first, axis=-1)
    ranks = np.empty(values.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=-1)
    return ranks


def class_index(
    index: Array, index_places: int, bands: Sequence[ClassBand]
) -> tuple[NDArray[np.intp], tuple[str, ...]]:
    """For each index (× 10**index_places) the position in the returned labels, −1 for none.

    A unit is in the highest band whose minimum its published index reaches.
    """
    minimums, labels, places = _band_table(tuple(bands), index_places)
    values = np.asarray(index) * 10 ** (places - index_places)
    if values.dtype == object or minimums.dtype == object:
        values, minimums = values.astype(object), minimums.astype(object)
    reached = np.searchsorted(minimums, values, side="right") - 1
    return reached.astype(np.intp), labels


@lru_cache(maxsize=256)
def _band_table(
    bands: tuple[ClassBand, ...], index_places: int
) -> tuple[Array, tuple[str, ...], int]:
    """Band minimums ascending as integers (at `places` decimals), with their labels."""
    # Among equal minimums the band listed first must win, so it goes last.
    ordered = sorted(enumerate(bands), key=lambda item: (item[1].min_percent, -item[0]))
    labels = tuple(band.label for _, band in ordered)
    places = max([index_places, *(decimals(band.min_percent) for _, band in ordered)])
    integers = [scaled(band.min_percent, places) for _, band in ordered]
    fits = all(-LIMIT < value < LIMIT for value in integers)
    minimums = np.array(integers, dtype=np.int64 if fits else object)
    minimums.flags.writeable = False
    return minimums, labels, places


@dataclass(frozen=True, eq=False)
class GroupRanks:
    """Ranks and classes of (some of) a group's units; arrays follow `rows`."""

    scores: GroupScores
    rows: NDArray[np.intp]  # columns of `scores` ranked
    units: tuple[str, ...]  # their names
    rank: NDArray[np.int64]
    class_index: NDArray[np.intp]  # into `labels`, −1 below every band
    labels: tuple[str, ...]
    area_ranks: NDArray[np.int64]  # areas × ranked units

    def classes(self) -> list[str]:
        return [self.labels[i] if i >= 0 else "" for i in self.class_index.tolist()]


def rank_scores(scores: GroupScores, rows: Sequence[int] | None = None) -> GroupRanks:
    """Rank the units of a group (or the columns `rows` of it): totals, classes, areas."""
    if rows is None:
        columns = np.arange(len(scores.units), dtype=np.intp)
        units = scores.units
    else:
        columns = np.asarray(rows, dtype=np.intp)
        units = tuple(scores.units[row] for row in columns.tolist())
    info = scores.framework.info
    classes, labels = class_index(scores.index[columns], info.index_places, info.class_bands)
    return GroupRanks(
        scores,
        columns,
        units,
        competition_rank(scores.total[columns]),
        classes,
        labels,
        competition_rank(scores.area_points[:, columns]),
    )


# --- year over year ----------------------------------------------------------------------------


class _AreaMap(NamedTuple):
    code: str
    max_points: Decimal
    previous_rows: tuple[int, ...]  # rows of last year's nodes it corresponds to
    previous_max: Decimal | None  # None: not comparable
    previous_area: int  # position among last year's areas when one-to-one, else −1


def _area_maps(current: Framework, previous: Framework, previous_layout: _Layout) -> list[_AreaMap]:
    maps = []
    previous_areas = {area.code: position for position, area in enumerate(previous.areas)}
    for area in current.areas:
        old_codes = area.previous_codes or ((area.code,) if area.code in previous.nodes else ())
        if not old_codes or any(old not in previous.nodes for old in old_codes):
            maps.append(_AreaMap(area.code, area.max_points, (), None, -1))
            continue
        maximum = sum((previous.nodes[old].max_points for old in old_codes), Decimal(0))
        one = previous_areas.get(old_codes[0], -1) if len(old_codes) == 1 else -1
        rows = tuple(previous_layout.row[old] for old in old_codes)
        maps.append(_AreaMap(area.code, area.max_points, rows, maximum, one))
    return maps


def _percent_of(part: Array, whole: int, factor: int) -> Array:
    """`part × 100 / whole` rounded half-up (`factor` = 200 × 10**places); 0 when `whole` is 0."""
    if whole == 0:
        return np.zeros_like(part)
    return (part * factor + whole) // (2 * whole)


def _sign(values: Array) -> NDArray[np.int8]:
    return ((values > 0).astype(np.int8) - (values < 0).astype(np.int8)).astype(np.int8)


@dataclass(frozen=True)
class GroupComparison:
    """Every compared unit this year against its unit last year (arrays follow `units`).

    Points are at `scale` (figure × 10**scale), percentages and the index at
    10**`index_places` of this year's framework. Changes are this year minus last year;
    rank changes are places gained (previous rank − rank).
    """

    units: tuple[str, ...]
    previous_units: tuple[str, ...]
    scale: int
    index_places: int
    total_change: Array
    index_change: Array
    rank_change: NDArray[np.int64]
    area_codes: tuple[str, ...]
    area_comparable: Bools  # areas: a node last year to compare with
    area_points: Array  # areas × units
    area_previous_points: Array  # areas × units (0 where not comparable)
    area_percent: Array
    area_previous_percent: Array
    area_direction: NDArray[np.int8]  # +1 up, −1 down, 0 same (or not comparable)
    area_rank_comparable: Bools  # areas: one-to-one with a ranked area last year
    area_rank_change: NDArray[np.int64]  # areas × units (0 where not comparable)
    areas_up_in_rank: NDArray[np.int64] = field(repr=False)
    areas_down_in_rank: NDArray[np.int64] = field(repr=False)
    areas_same_rank: NDArray[np.int64] = field(repr=False)
    areas_up_in_points: NDArray[np.int64] = field(repr=False)
    areas_down_in_points: NDArray[np.int64] = field(repr=False)
    areas_same_points: NDArray[np.int64] = field(repr=False)


def compare_scores(
    current: GroupRanks,
    previous: GroupRanks,
    predecessors: Mapping[str, str] | None = None,
) -> GroupComparison:
    """Compare every ranked unit of `current` with its unit in `previous`: the same name, or
    `predecessors[unit]` (lineage resolved by the caller). Units without one are left out.
    Same rules as `compare_unit`: areas map through `previous_codes`, several old nodes
    compare with their sum, ranks only for a one-to-one area."""
    now, before = current.scores, previous.scores
    predecessors = predecessors or {}
    units, previous_units = current.units, previous.units
    if not predecessors and units == previous_units:
        mine = theirs = np.arange(len(units), dtype=np.intp)
    else:
        previous_position = {name: i for i, name in enumerate(previous_units)}
        pairs = [
            (i, previous_position[predecessors.get(unit, unit)])
            for i, unit in enumerate(units)
            if predecessors.get(unit, unit) in previous_position
        ]
        mine = np.array([i for i, _ in pairs], dtype=np.intp)
        theirs = np.array([j for _, j in pairs], dtype=np.intp)
    columns, old_columns = current.rows[mine], previous.rows[theirs]
    scale = max(now.scale, before.scale)
    up, down = 10 ** (scale - now.scale), 10 ** (scale - before.scale)
    info = now.framework.info
    places = max(info.index_places, before.framework.info.index_places)
    factor = 200 * 10**info.index_places

    # Both years at the finer scale; Python integers if that could pass int64.
    bound = max(now._params.node_bound * up, before._params.node_bound * down)
    wide = bound * 200 * 10 ** (places + 1) >= LIMIT

    def widen(values: Array) -> Array:
        return values.astype(object) if wide and values.dtype != object else values

    maps = now.layout.area_maps(before.layout)
    points = widen(now.area_points[:, columns]) * up
    old_points = np.zeros_like(points)
    percent = np.zeros_like(points)
    old_percent = np.zeros_like(points)
    direction = np.zeros(points.shape, dtype=np.int8)
    rank_change = np.zeros(points.shape, dtype=np.int64)
    comparable = np.array([area.previous_max is not None for area in maps], dtype=bool)
    ranked = np.array([area.previous_area >= 0 for area in maps], dtype=bool)
    for position, area in enumerate(maps):
        maximum = scaled(area.max_points, scale)
        percent[position] = _percent_of(points[position], maximum, factor)
        if area.previous_max is None:
            continue
        summed = widen(before.points[list(area.previous_rows)][:, old_columns]).sum(axis=0) * down
        old_points[position] = summed
        old_maximum = scaled(area.previous_max, scale)
        old_percent[position] = _percent_of(summed, old_maximum, factor)
        if area.previous_max == area.max_points:
            direction[position] = _sign(points[position] - summed)
        else:
            direction[position] = _sign(percent[position] - old_percent[position])
        if area.previous_area >= 0:
            rank_change[position] = (
                previous.area_ranks[area.previous_area][theirs] - current.area_ranks[position][mine]
            )
    rank_signs = _sign(rank_change)
    rank_rows, point_rows = ranked[:, None], comparable[:, None]
    return GroupComparison(
        units=tuple(units[i] for i in mine.tolist()),
        previous_units=tuple(previous_units[j] for j in theirs.tolist()),
        scale=scale,
        index_places=places,
        total_change=widen(now.total[columns]) * up - widen(before.total[old_columns]) * down,
        index_change=widen(now.index[columns]) * 10 ** (places - info.index_places)
        - widen(before.index[old_columns]) * 10 ** (places - before.framework.info.index_places),
        rank_change=previous.rank[theirs] - current.rank[mine],
        area_codes=tuple(area.code for area in maps),
        area_comparable=comparable,
        area_points=points,
        area_previous_points=old_points,
        area_percent=percent,
        area_previous_percent=old_percent,
        area_direction=direction,
        area_rank_comparable=ranked,
        area_rank_change=rank_change,
        areas_up_in_rank=((rank_signs == 1) & rank_rows).sum(axis=0),
        areas_down_in_rank=((rank_signs == -1) & rank_rows).sum(axis=0),
        areas_same_rank=((rank_signs == 0) & rank_rows).sum(axis=0),
        areas_up_in_points=((direction == 1) & point_rows).sum(axis=0),
        areas_down_in_points=((direction == -1) & point_rows).sum(axis=0),
        areas_same_points=((direction == 0) & point_rows).sum(axis=0),
    )
