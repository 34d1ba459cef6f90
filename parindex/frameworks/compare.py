"""Field-by-field differences between two frameworks (lossless-conversion checks, reviews)."""

from __future__ import annotations

from typing import Any

from parindex.engine import Framework, framework_to_spec

from .common import NODE_FIELDS


def framework_differences(first: Framework, second: Framework) -> list[str]:
    """Every difference in metadata, node order and node fields, in Vietnamese; [] if equal.

    Numbers compare by value (10 equals 10.0), as the engine computes with them.
    """
    first_spec, second_spec = framework_to_spec(first), framework_to_spec(second)
    differences: list[str] = []
    for key in dict.fromkeys([*first_spec.info, *second_spec.info]):
        info_before, info_after = first_spec.info.get(key), second_spec.info.get(key)
        if info_before != info_after:
            differences.append(f"thông tin «{key}»: {info_before!r} ≠ {info_after!r}")
    first_codes = [node.code for node in first_spec.nodes]
    second_codes = [node.code for node in second_spec.nodes]
    if first_codes != second_codes:
        only_first = [code for code in first_codes if code not in second_codes]
        only_second = [code for code in second_codes if code not in first_codes]
        differences.append(
            f"danh sách mục khác nhau (chỉ bên thứ nhất: {only_first or 'không'}; "
            f"chỉ bên thứ hai: {only_second or 'không'}; hoặc khác thứ tự)"
        )
    second_nodes = {node.code: node for node in second_spec.nodes}
    for node in first_spec.nodes:
        other = second_nodes.get(node.code)
        if other is None:
            continue
        for name in NODE_FIELDS:
            before: Any = getattr(node, name)
            after: Any = getattr(other, name)
            if name in ("tags", "previous_codes"):
                before, after = list(before), list(after)
            if before != after:
                differences.append(f"mục «{node.code}», «{name}»: {before!r} ≠ {after!r}")
    return differences
