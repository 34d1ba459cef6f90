"""Encoding: a group's entries read through their rules into integer arrays (`GroupInputs`).

The one pass in Python. Every entry goes through its rule's `read` (the same checks as
`Rule.score`, the same error messages), and what it holds becomes integers: an option's
position, a rate's numerator and denominator (both scaled by the same power of ten), a
count, yes/no, typed points at the group's scale. Done once when entries are loaded; a
simulation then changes cells with `GroupInputs.set` (or a copy of it) and scores again.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..errors import RuleInputError
from ..model import Framework
from ..numbers import decimals, scaled
from ..rules import Outcome, Rate, Rule
from . import integers
from .integers import Array, Bools, Exps, _exp
from .layout import _CACHE_SIZE, _Layout, _layout_for

if TYPE_CHECKING:
    from ..scoring import NodeInput

UNANSWERED, ANSWERED, INVALID = 0, 1, 2


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
    # No kernel: the rule's own `score`, not `read` (a subclass of a rule with a kernel
    # inherits a `read` that returns that kernel's numbers, not an `Outcome`).
    outcome: Outcome = rule.score(values)
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
        if max(a, cell.b) >= integers.LIMIT and self.a.dtype != object:
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
        if top * factor >= integers.LIMIT and self.a.dtype != object:
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
    dtype: Any = np.int64 if top < integers.LIMIT else object
    arrays = {
        "state": np.array(state, dtype=np.int8).reshape(shape),
        "evidence": np.array(evidence, dtype=bool).reshape(shape),
        "a": np.array(a, dtype=dtype).reshape(shape),
        "b": np.array(b, dtype=dtype).reshape(shape),
        "e": np.array(e, dtype=np.int32).reshape(shape),
        "percent": np.array(percent, dtype=bool).reshape(shape),
    }
    return GroupInputs(layout, units, scale, arrays, errors, outcome_values)
