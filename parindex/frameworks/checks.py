"""Checks a reader adds to the engine's: misspelt rule parameters.

The engine's rules read the parameters they know and ignore the rest, so a typo such as
`full_at_percnt: 90` would silently score with the default. The parameter names below
mirror `parindex/engine/rules.py`; a rule missing here (a new one) is not checked.
"""

from __future__ import annotations

from collections.abc import Mapping

from parindex.engine import FrameworkSpec, Problem

from .common import did_you_mean

RULE_PARAMETERS: dict[str, frozenset[str]] = {
    "choice": frozenset({"options"}),
    "ratio": frozenset({"full_at_percent", "zero_below_percent", "measure", "if_no_cases"}),
    "bands": frozenset({"thresholds", "measure", "if_no_cases"}),
    "deduction": frozenset({"per_occurrence", "occurrence"}),
    "boolean": frozenset({"points_if_yes", "points_if_no", "yes_label", "no_label"}),
    "manual": frozenset({"step"}),
}

# Keys of the entries of list parameters. An unquoted comma inside a one-line YAML mapping
# (`{key: a, label: Có, đủ, points: 1}`) silently makes a stray key; this catches it.
LIST_ENTRY_KEYS: dict[tuple[str, str], frozenset[str]] = {
    ("choice", "options"): frozenset({"key", "label", "points"}),
    ("bands", "thresholds"): frozenset({"min_percent", "points"}),
}


def unknown_rule_parameters(spec: FrameworkSpec) -> list[Problem]:
    """A located problem for every parameter its rule does not have."""
    problems: list[Problem] = []
    for node in spec.nodes:
        known = RULE_PARAMETERS.get(node.rule or "")
        if known is None:
            continue
        for name, value in node.rule_params.items():
            where = node.where(f"rule.{name}")
            if name not in known:
                problems.append(
                    Problem(
                        where,
                        f"mục «{node.code}»: quy tắc «{node.rule}» không có tham số «{name}»"
                        + did_you_mean(str(name), sorted(known)),
                    )
                )
                continue
            entry_keys = LIST_ENTRY_KEYS.get((node.rule or "", str(name)))
            if entry_keys is None or not isinstance(value, list):
                continue
            for position, entry in enumerate(value, start=1):
                if not isinstance(entry, Mapping):
                    continue  # the engine reports entries that are not mappings
                for key in entry:
                    if key not in entry_keys:
                        problems.append(
                            Problem(
                                where,
                                f"mục «{node.code}»: phần tử thứ {position} của «{name}» có"
                                f" khóa lạ «{key}»{did_you_mean(str(key), sorted(entry_keys))}; chữ có dấu"
                                " phẩy bên trong {…} phải đặt trong ngoặc kép",
                            )
                        )
    return problems
