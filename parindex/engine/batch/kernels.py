"""The rules' integer kernels: every leaf's points for every unit, one block per rule kind.

`choice` and `boolean` read a table of points, `deduction` subtracts, `ratio` is one integer
quotient rounded half-up to `points_places` (`2 × remainder ≥ divisor` rounds up), `bands`
counts the thresholds reached; `manual` and rules without a kernel (`outcome`) give the
points stored at encoding. A ratio that falls exactly halfway where `Decimal` could not
compute exactly, and figures beyond what 28 digits hold, are scored through the rule's
`Decimal` arithmetic (`_Kernels._published`). With `exps`, each kernel also gives the
`Decimal` exponent of every figure, for the `Decimal` edge only.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import numpy as np

from ..numbers import HUNDRED, scaled
from ..rules import BandsRule, RatioRule
from . import integers
from .inputs import ANSWERED, GroupInputs
from .integers import Array, Bools, Exps, _exp
from .layout import _CACHE_SIZE, _Block, _Layout
from .rule_parameters import _Params


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
            _top(count) * max(p["per"], default=0) >= integers.LIMIT
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
        big = bound >= integers.LIMIT or numerator.dtype == object or p["columns"]["int"] is None
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
        big = bound >= integers.LIMIT or numerator.dtype == object or p["columns"]["int"] is None
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
