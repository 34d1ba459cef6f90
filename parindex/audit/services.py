"""Writing audit events. Every service that changes users, units, frameworks or periods calls this."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .models import SYSTEM_ACTOR, AuditEvent


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value (dates as ISO text, decimals as text, objects by name)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # One instant, one text: a form's local time and the database's UTC must not read
        # as a change (and the province's own time zone is the one people read).
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, ready to be diffed after a change."""
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    scope: models.Model | None = None,
) -> AuditEvent:
    """Append one event. `actor` may be None for system actions (imports run by a command)."""
    if instance is not None:
        object_type = object_type or instance._meta.model_name
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=(str(user) if user else SYSTEM_ACTOR)[:150],
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:255],
        changes=_plain(dict(changes or {})),
        reason=reason,
        scope_type=(scope._meta.model_name or "") if scope is not None else "",
        scope_id=str(scope.pk) if scope is not None else "",
    )
