"""Writes about frameworks: import, node edits while in draft, publish, clone, export.

Import goes through the same readers and validator as `parindex framework validate`,
so the web shows the same located problems as the command line.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.audit.services import audit_record, diff, snapshot
from parindex.criteria.models import CriterionNode, Framework, FrameworkStatus
from parindex.criteria.selectors import framework_engine, framework_problems
from parindex.engine import Framework as EngineFramework
from parindex.engine import FrameworkError, Problem
from parindex.frameworks import FrameworkFileError, load_framework, write_framework

NODE_FIELDS = (
    "title",
    "max_points",
    "kind",
    "rule",
    "rule_params",
    "source",
    "evidence_required",
    "evidence_hint",
    "tags",
    "guidance",
    "previous_codes",
    "alternatives",
    "indicator",
)


def _decimal_json(value: Any) -> Any:
    """Rule parameters as JSON: exact decimals become numbers' text only when needed."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _decimal_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_decimal_json(item) for item in value]
    return value


def framework_store(
    *, actor: Any, engine: EngineFramework, source_name: str = "", previous: Framework | None = None
) -> Framework:
    """Persist a validated engine framework as a new draft."""
    info = engine.info
    if Framework.objects.filter(code=info.code).exists():
        raise ValidationError(
            {"code": gettext("Đã có bộ tiêu chí mã «%(code)s».") % {"code": info.code}}
        )
    with transaction.atomic():
        framework = Framework.objects.create(
            code=info.code,
            name=info.name,
            year=info.year,
            unit_group=info.unit_group,
            legal_basis=info.legal_basis,
            max_total=info.max_total,
            class_bands=[
                {"label": band.label, "min_percent": _decimal_json(band.min_percent)}
                for band in info.class_bands
            ],
            index_places=info.index_places,
            points_places=info.points_places,
            display_places=info.display_places,
            status_note=info.status_note,
            extra=_decimal_json(dict(info.extra)),
            previous=previous,
            source_name=source_name,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        CriterionNode.objects.bulk_create(
            CriterionNode(
                framework=framework,
                code=node.code,
                parent_code=node.parent or "",
                position=position,
                depth=node.depth,
                title=node.title,
                max_points=node.max_points,
                kind=node.kind,
                rule=node.rule.name if node.rule else "",
                rule_params=_decimal_json(dict(node.rule.params)) if node.rule else {},
                source=node.source,
                evidence_required=node.evidence_required,
                evidence_hint=node.evidence_hint,
                tags=list(node.tags),
                guidance=node.guidance,
                previous_codes=list(node.previous_codes),
                alternatives=node.alternatives,
                indicator=node.indicator,
            )
            for position, node in enumerate(engine.walk(), start=1)
        )
        audit_record(
            actor=actor,
            action="import",
            instance=framework,
            changes={"nodes": [None, len(engine.nodes)], "source": [None, source_name]},
        )
    return framework


def framework_import(
    *, actor: Any, data: bytes, file_name: str, previous: Framework | None = None
) -> Framework:
    """Import a YAML or XLSX framework file. Raises `FrameworkError` with located problems."""
    safe_name = Path(file_name).name or "framework.yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / safe_name
        path.write_bytes(data)
        try:
            engine = load_framework(path)
        except FrameworkError as error:
            # Problems name the temporary copy; the person knows the file by its own name,
            # in locations and in messages that point at another place ("trùng với …").
            for problem in error.problems:
                problem.location = problem.location.replace(str(path), safe_name)
                problem.message = problem.message.replace(str(path), safe_name)
            raise
        except FrameworkFileError as error:
            raise FrameworkError([Problem(safe_name, error.reason)]) from None
    return framework_store(actor=actor, engine=engine, source_name=safe_name, previous=previous)


def _require_draft(framework: Framework) -> None:
    if not framework.is_draft:
        raise PermissionDenied(gettext("Bộ tiêu chí đã ban hành, không thể sửa."))


def node_update(
    *, actor: Any, node: CriterionNode, reason: str = "", **fields: Any
) -> CriterionNode:
    """Change a node of a draft framework. The framework may be left temporarily
    inconsistent (maxima not adding up); publishing checks it."""
    # The stored row, not `node`: a ModelForm has already copied its input onto the instance,
    # and the framework may have been published since the node was read.
    stored = CriterionNode.objects.select_related("framework").get(pk=node.pk)
    _require_draft(stored.framework)
    before = snapshot(stored, NODE_FIELDS)
    for name, value in fields.items():
        setattr(node, name, value)
    node.full_clean()
    node.save()
    changes = diff(before, snapshot(node, NODE_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="update",
            instance=node.framework,
            object_repr=f"{node.framework.code} / {node.code}",
            changes=changes,
            reason=reason,
        )
    return node


def framework_publish(*, actor: Any, framework: Framework) -> list[Problem]:
    """Publish (lock) a valid draft. Returns the problems that prevent it, if any."""
    _require_draft(framework)
    problems = framework_problems(framework)
    if problems:
        return problems
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = timezone.now()
    framework.published_by = actor
    framework.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="publish",
        instance=framework,
        changes={"status": ["draft", "published"]},
    )
    return []


def framework_clone(*, actor: Any, framework: Framework, year: int, code: str) -> Framework:
    """A draft copy for `year`, each node mapped to its code in `framework`."""
    with transaction.atomic():
        clone = Framework.objects.create(
            code=code,
            name=framework.name.replace(str(framework.year), str(year)),
            year=year,
            unit_group=framework.unit_group,
            legal_basis=framework.legal_basis,
            max_total=framework.max_total,
            class_bands=framework.class_bands,
            index_places=framework.index_places,
            points_places=framework.points_places,
            display_places=framework.display_places,
            status_note=framework.status_note,
            extra=framework.extra,
            previous=framework,
            source_name=f"clone:{framework.code}",
            created_by=actor,
        )
        CriterionNode.objects.bulk_create(
            CriterionNode(
                framework=clone,
                code=node.code,
                parent_code=node.parent_code,
                position=node.position,
                depth=node.depth,
                title=node.title,
                max_points=node.max_points,
                kind=node.kind,
                rule=node.rule,
                rule_params=node.rule_params,
                source=node.source,
                evidence_required=node.evidence_required,
                evidence_hint=node.evidence_hint,
                tags=node.tags,
                guidance=node.guidance,
                previous_codes=[node.code],
                alternatives=node.alternatives,
                indicator=node.indicator,
            )
            for node in framework.nodes.all()
        )
        audit_record(
            actor=actor,
            action="clone",
            instance=clone,
            changes={"from": [None, framework.code], "year": [None, year]},
        )
    return clone


def framework_export(*, framework: Framework, suffix: str) -> bytes:
    """The framework as a YAML or XLSX file (same formats as the import)."""
    engine = framework_engine(framework)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{framework.code}{suffix}"
        write_framework(engine, path)
        return path.read_bytes()
