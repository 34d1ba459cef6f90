"""Criteria frameworks: the list a user may see, and one framework as a tree with its rules."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.routers.common import Id, responses
from parindex.criteria.models import Framework
from parindex.criteria.selectors import framework_engine, framework_list, framework_nodes
from parindex.engine import FrameworkError

router = Router(tags=["Bộ tiêu chí"])
AUTH = token("frameworks.read")


class ClassBandOut(Schema):
    label: str
    min_percent: Decimal


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    year: int
    unit_group: str
    status: str
    max_total: Decimal
    legal_basis: str
    published_at: datetime.datetime | None
    classes: list[dict[str, Any]]


class InputFieldOut(Schema):
    name: str
    kind: str
    label: str
    options: list[list[str]]


class NodeOut(Schema):
    code: str
    parent: str | None
    depth: int
    title: str
    max_points: Decimal
    kind: str
    leaf: bool
    source: str
    rule: str
    rule_params: dict[str, Any]
    inputs: list[InputFieldOut]
    evidence_required: bool
    evidence_hint: str
    indicator: str
    tags: list[str]
    guidance: str


class FrameworkTreeOut(FrameworkOut):
    problems: list[str]
    nodes: list[NodeOut]


def framework_body(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.pk,
        "code": framework.code,
        "name": framework.name,
        "year": framework.year,
        "unit_group": framework.unit_group,
        "status": framework.status,
        "max_total": framework.max_total,
        "legal_basis": framework.legal_basis,
        "published_at": framework.published_at,
        "classes": list(framework.class_bands or []),
    }


@router.get(
    "/frameworks", response=responses(list[FrameworkOut]), auth=AUTH, summary="Các bộ tiêu chí"
)
def frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    """Published frameworks (drafts too for Home Affairs and the council)."""
    return [
        framework_body(framework)
        for framework in policy.visible_frameworks(user_of(request), framework_list())
    ]


@router.get(
    "/frameworks/{framework_id}",
    response=responses(FrameworkTreeOut),
    auth=AUTH,
    summary="Một bộ tiêu chí: cây mục và quy tắc chấm",
)
def framework(request: HttpRequest, framework_id: Id) -> dict[str, Any]:
    """Every node in document order with its rule, the rule's parameters and the values a
    self-assessment entry gives for a leaf (`inputs`: the keys of `values`)."""
    found = policy.framework_for(user_of(request), framework_id)
    problems: list[str] = []
    try:
        engine = framework_engine(found)
    except FrameworkError as error:  # a draft being edited
        engine, problems = None, [str(problem) for problem in error.problems]
    body = framework_body(found)
    nodes = []
    for row in framework_nodes(found):
        node = engine.nodes.get(row.code) if engine is not None else None
        inputs = []
        if node is not None and node.rule is not None:
            inputs = [
                {
                    "name": field.name,
                    "kind": field.kind,
                    "label": field.label,
                    "options": [list(option) for option in field.options],
                }
                for field in node.rule.fields()
            ]
        nodes.append(
            {
                "code": row.code,
                "parent": row.parent_code or None,
                "depth": row.depth,
                "title": row.title,
                "max_points": row.max_points,
                "kind": row.kind,
                "leaf": node.is_leaf if node is not None else bool(row.rule),
                "source": row.source,
                "rule": row.rule,
                "rule_params": row.rule_params or {},
                "inputs": inputs,
                "evidence_required": row.evidence_required,
                "evidence_hint": row.evidence_hint,
                "indicator": row.indicator,
                "tags": list(row.tags or []),
                "guidance": row.guidance,
            }
        )
    return {**body, "problems": problems, "nodes": nodes}
