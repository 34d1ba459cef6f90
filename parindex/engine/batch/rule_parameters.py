"""The rules' parameters as integers at one scale: the columns each kernel reads.

Per kernel, for the leaves it scores, the framework's figures (maxima, options, bands,
ceilings, deductions) as (n, 1) integer columns that broadcast against the (n, units)
blocks of entries; int64 where they fit, Python integers otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ..numbers import HUNDRED, decimals, scaled
from ..rules import BandsRule, BooleanRule, ChoiceRule, DeductionRule, RatioRule
from . import integers
from .integers import Array, Exps, _column, _exp

if TYPE_CHECKING:
    from .layout import _Block, _Layout


def _columns(**values: list[int]) -> dict[str, dict[str, Array] | None]:
    """(n, 1) columns of kernel parameters, as int64 (None if one would not fit) and as
    Python integers (the path for figures beyond int64)."""
    fits = all(
        -integers.LIMIT < value < integers.LIMIT for column in values.values() for value in column
    )
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
        self.dtype: Any = np.int64 if bound < integers.LIMIT else object
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
