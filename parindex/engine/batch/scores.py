"""Scoring a group: leaves, then parents level by level, totals and the index (`GroupScores`).

Parents add up their children (`np.add.reduceat` over each level's children), take the best
child of alternatives (`np.maximum.reduceat`), and cap bonus and penalty groups; the total
is floored at zero and the index is `total × 100 / max_total` rounded half-up to
`index_places`. Nothing here builds a string or a `Decimal`; the exponents the `Decimal`
edge needs are computed on first use (`GroupScores.details`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..model import Framework
from .inputs import ANSWERED, GroupInputs, encode_inputs
from .integers import Array, Bools, Exps, _column
from .kernels import _leaf_points
from .ranks import GroupRanks, rank_scores
from .rule_parameters import _Params

if TYPE_CHECKING:
    from ..scoring import NodeInput


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
