"""A framework laid out for arrays: node rows level by level, leaves grouped by kernel.

Built once per framework (`_layout_for`) and kept with its caches: the entries already
read (`read_cache`), the halfway ratios scored through `Decimal` (`tie_cache`), the rule
parameters per scale (`params`) and the area correspondences per previous year
(`area_maps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import Framework
from ..numbers import decimals
from ..rules import (
    BandsRule,
    BooleanRule,
    ChoiceRule,
    DeductionRule,
    ManualRule,
    RatioRule,
    Rule,
)
from .comparison import _area_maps, _AreaMap
from .rule_parameters import _Params

if TYPE_CHECKING:
    from ..errors import RuleInputError
    from .inputs import _Cell

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


def _kernel(rule: Rule) -> str:
    return _KERNELS.get(type(rule), "outcome")


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
