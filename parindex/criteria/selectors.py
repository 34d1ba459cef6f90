"""Reads about frameworks: the engine's view of a stored framework, and its problems."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from parindex.criteria.models import CriterionNode, Framework
from parindex.engine import Framework as EngineFramework
from parindex.engine import FrameworkError, FrameworkSpec, NodeSpec, Problem, build_framework


def framework_list() -> QuerySet[Framework]:
    """Every framework; `policy.visible_frameworks` scopes it to what a user may see."""
    return Framework.objects.all()


def framework_spec(framework: Framework) -> FrameworkSpec:
    """The stored framework in the engine's input form; locations name the node codes."""
    info: dict[str, Any] = {
        "code": framework.code,
        "name": framework.name,
        "year": framework.year,
        "unit_group": framework.unit_group,
        "legal_basis": framework.legal_basis,
        "max_total": framework.max_total,
        "classes": framework.class_bands,
        "rounding": {
            "index_places": framework.index_places,
            "points_places": framework.points_places,
            "display_places": framework.display_places,
        },
        "status_note": framework.status_note,
        **framework.extra,
    }
    nodes = [
        NodeSpec(
            code=node.code,
            title=node.title,
            max_points=node.max_points.normalize(),
            parent=node.parent_code or None,
            kind=node.kind,
            rule=node.rule or None,
            rule_params=node.rule_params,
            source=node.source,
            evidence="required" if node.evidence_required else "optional",
            evidence_hint=node.evidence_hint,
            tags=list(node.tags),
            guidance=node.guidance,
            previous_codes=list(node.previous_codes),
            alternatives=node.alternatives,
            indicator=node.indicator,
            location=gettext("mục %(code)s") % {"code": node.code},
        )
        for node in framework.nodes.all()
    ]
    return FrameworkSpec(info=info, nodes=nodes, location=framework.code)


def framework_problems(framework: Framework) -> list[Problem]:
    try:
        build_framework(framework_spec(framework))
    except FrameworkError as error:
        return error.problems
    return []


def framework_engine(framework: Framework) -> EngineFramework:
    """The engine's immutable framework; raises `FrameworkError` if the stored one is invalid."""
    return build_framework(framework_spec(framework))


def framework_nodes(framework: Framework) -> QuerySet[CriterionNode]:
    return framework.nodes.all()
