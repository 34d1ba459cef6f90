"""Small builders shared by the engine tests: framework rows in one line each.

Every framework built here is test or demo data, not an official criteria set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from parindex.engine import Framework, FrameworkSpec, NodeInput, NodeSpec, build_framework


def info(**overrides: Any) -> dict[str, Any]:
    """Framework metadata that passes validation; `overrides` replace or add keys."""
    values: dict[str, Any] = {
        "code": "TEST-2025",
        "name": "Bộ tiêu chí thử nghiệm (dữ liệu kiểm thử)",
        "year": 2025,
        "unit_group": "so_nganh",
        "max_total": 10,
    }
    values.update(overrides)
    return values


def leaf(
    code: str,
    max_points: Any,
    rule: str = "manual",
    params: Mapping[str, Any] | None = None,
    *,
    parent: str | None = None,
    **fields: Any,
) -> NodeSpec:
    """A leaf row; its location names the code so that tests can check where problems are."""
    return NodeSpec(
        code=code,
        title=fields.pop("title", f"Mục {code}"),
        max_points=max_points,
        parent=parent,
        rule=rule,
        rule_params=dict(params or {}),
        location=fields.pop("location", f"test.yaml, mục {code}"),
        **fields,
    )


def group(code: str, max_points: Any, *, parent: str | None = None, **fields: Any) -> NodeSpec:
    """A parent row (no rule): its points are the sum (or best) of its children."""
    return NodeSpec(
        code=code,
        title=fields.pop("title", f"Mục {code}"),
        max_points=max_points,
        parent=parent,
        location=fields.pop("location", f"test.yaml, mục {code}"),
        **fields,
    )


def build(nodes: Iterable[NodeSpec], **info_overrides: Any) -> Framework:
    return build_framework(FrameworkSpec(info=info(**info_overrides), nodes=list(nodes)))


def manual_inputs(points: Mapping[str, Any], *, evidence: bool = True) -> dict[str, NodeInput]:
    """Inputs for leaves scored with the `manual` rule: code → points typed by an assessor."""
    return {
        code: NodeInput({"points": value}, has_evidence=evidence) for code, value in points.items()
    }


def dec(text: str) -> Decimal:
    return Decimal(text)
