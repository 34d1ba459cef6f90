"""The audit trail in the words of the rest of the interface.

An event is recorded with codes (`action="finalise"`, `object_type="nodeentry"`,
`changes={"self_values": [{"option": "late"}, …]}`); an inspector reads words. This module
turns events into what the audit page, its Excel export and an assessment's history page
show, so that the three agree: the action, the type of object and every field in the page's
language, every value as the forms show it (a choice by its label, a date dd/mm/yyyy HH:MM in
the province's time zone, a number with a decimal comma, an option code by its label).

The audit app sits low in the layers and imports no other app. What it can learn without
importing them it reads from Django's model registry (a type's verbose name, a field's verbose
name and choices); the rest each app registers when it starts (`register`,
`register_actions`, `register_fields`, `register_unit_scope`): its action words, labels for
recorded keys that are not model fields, how to show a value that needs the app's data (a
node entry's option codes are labelled by the framework's rule), and which events concern
a unit (the unit filter).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.audit.models import AuditEvent
from parindex.common.ids import parse_id
from parindex.engine import format_number, to_decimal

# (key, value, context) → the value's text, or None to let the generic rendering show it.
Formatter = Callable[[str, Any, Any], str | None]
# The events of one object type on a page → each event's context for its formatter, by pk.
Loader = Callable[[Sequence[AuditEvent]], Mapping[int, Any]]
# A unit's primary key → the events that concern the unit, among one app's objects.
UnitScope = Callable[[int], Q]

# The verbs every app uses; an app registers its own words with `register_actions`.
ACTIONS: dict[str, Any] = {
    "create": _("tạo mới"),
    "update": _("sửa"),
    "delete": _("xóa"),
    "import": _("nhập từ tệp"),
    "publish": _("công bố"),
    "clone": _("sao chép sang năm sau"),
    "upload": _("tải tệp lên"),
    "state": _("đổi trạng thái"),
    "progress": _("báo cáo tiến độ"),
    "overdue": _("chuyển quá hạn"),
    # Apps that register no words of their own.
    "api_token_create": _("cấp khóa API"),
    "api_token_revoke": _("thu hồi khóa API"),
}

# Recorded keys that are no model field of their type; an app adds its own.
FIELDS: dict[str, Any] = {
    "file": _("tệp"),
    "sha256": _("mã kiểm tra SHA-256"),
    "source": _("nguồn"),
    "read": _("số dòng đọc"),
    "imported": _("số dòng nhập"),
    "rejected": _("số dòng loại"),
    "rows": _("số dòng"),
    "task": _("nhiệm vụ"),
}


@dataclass
class _Type:
    name: Any = None
    model: type[models.Model] | None = None
    actions: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    formatter: Formatter | None = None
    loader: Loader | None = None


_TYPES: dict[str, _Type] = {}
_UNIT_SCOPES: list[UnitScope] = []


def register(
    object_type: str,
    *,
    name: Any = None,
    model: type[models.Model] | None = None,
    actions: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    formatter: Formatter | None = None,
    loader: Loader | None = None,
) -> None:
    """What an app knows about one type of audited object: its name (when it is no model,
    or its model has no Vietnamese verbose name), its own action words and field labels, how
    to show its values (`formatter`, with a context that `loader` reads once per page)."""
    entry = _TYPES.setdefault(object_type, _Type())
    entry.name = name if name is not None else entry.name
    entry.model = model or entry.model
    entry.actions.update(actions or {})
    entry.fields.update(fields or {})
    entry.formatter = formatter or entry.formatter
    entry.loader = loader or entry.loader


def register_actions(actions: Mapping[str, Any]) -> None:
    """Action words used on several types of object (the assessment workflow's)."""
    ACTIONS.update(actions)


def register_fields(fields: Mapping[str, Any]) -> None:
    """Labels of recorded keys that are no model field, whatever the object."""
    FIELDS.update(fields)


def register_unit_scope(scope: UnitScope) -> None:
    """`scope(unit_pk)` selects the events of one app's objects that concern the unit."""
    _UNIT_SCOPES.append(scope)


# --- models --------------------------------------------------------------------------------


@cache
def _models_by_name() -> dict[str, type[models.Model]]:
    return {model._meta.model_name or "": model for model in apps.get_models()}


@cache
def _fields_by_name() -> dict[str, models.Field[Any, Any]]:
    """Every model field by name, first found first (a key recorded on another object)."""
    found: dict[str, models.Field[Any, Any]] = {}
    for model in apps.get_models():
        for each in model._meta.concrete_fields:
            found.setdefault(each.name, each)
    return found


def _model(object_type: str) -> type[models.Model] | None:
    entry = _TYPES.get(object_type)
    if entry is not None and entry.model is not None:
        return entry.model
    return _models_by_name().get(object_type)


def _model_field(object_type: str, key: str) -> models.Field[Any, Any] | None:
    model = _model(object_type)
    if model is not None:
        try:
            found = model._meta.get_field(key)
        except FieldDoesNotExist:
            found = None
        if isinstance(found, models.Field):
            return found
    return None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- labels --------------------------------------------------------------------------------


def action_label(action: str, object_type: str = "") -> str:
    entry = _TYPES.get(object_type)
    if entry is not None and action in entry.actions:
        return str(entry.actions[action])
    if action in ACTIONS:
        return str(ACTIONS[action])
    return action.replace("_", " ")


def known_actions() -> set[str]:
    """Every action that has words, on any type of object."""
    found = set(ACTIONS)
    for entry in _TYPES.values():
        found |= set(entry.actions)
    return found


def object_type_label(object_type: str) -> str:
    entry = _TYPES.get(object_type)
    if entry is not None and entry.name is not None:
        return _capitalised(str(entry.name))
    model = _model(object_type)
    if model is not None:
        return _capitalised(str(model._meta.verbose_name))
    return object_type.replace("_", " ")


def field_label(object_type: str, key: str) -> str:
    entry = _TYPES.get(object_type)
    if entry is not None and key in entry.fields:
        return str(entry.fields[key])
    found = _model_field(object_type, key)
    if found is not None and found.verbose_name != found.name.replace("_", " "):
        return str(found.verbose_name)
    if key in FIELDS:
        return str(FIELDS[key])
    other = _fields_by_name().get(key)
    if other is not None:
        return str(other.verbose_name)
    return key.replace("_", " ")


# --- values --------------------------------------------------------------------------------

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def moment_text(moment: datetime.datetime) -> str:
    """An instant as officials read it: dd/mm/yyyy HH:MM in the province's time zone."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment, timezone.get_default_timezone())
    return f"{moment:%d/%m/%Y %H:%M}"


def empty_text() -> str:
    return gettext("(trống)")


def _date_text(text: str) -> str | None:
    if _ISO_MOMENT.match(text):
        try:
            return moment_text(datetime.datetime.fromisoformat(text))
        except ValueError:
            return None
    if _ISO_DAY.match(text):
        try:
            return f"{datetime.date.fromisoformat(text):%d/%m/%Y}"
        except ValueError:
            return None
    return None


def _number_text(value: Any) -> str | None:
    try:
        return format_number(to_decimal(value))
    except (ValueError, InvalidOperation):
        return None


def value_text(object_type: str, key: str, value: Any, context: Any = None) -> str:
    """One recorded value in words."""
    entry = _TYPES.get(object_type)
    if entry is not None and entry.formatter is not None:
        shown = entry.formatter(key, value, context)
        if shown is not None:
            return shown
    if value is None or value == "" or value == [] or value == {}:
        return empty_text()
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    found = _model_field(object_type, key) or _fields_by_name().get(key)
    if found is not None and found.choices and not isinstance(value, list | dict):
        choices = {str(code): label for code, label in found.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, Mapping):
        return "; ".join(
            f"{field_label(object_type, str(name))}: {value_text(object_type, str(name), item)}"
            for name, item in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(value_text(object_type, key, item) for item in value)
    if isinstance(value, Decimal | float) or (
        isinstance(value, str) and isinstance(found, models.DecimalField)
    ):
        return _number_text(value) or str(value)
    if isinstance(value, int):
        # A year is no count: 2025, not 2.025.
        return str(value) if "year" in key else format_number(Decimal(value))
    if isinstance(value, datetime.datetime):
        return moment_text(value)
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return _date_text(text) or text


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One recorded field: its label, and its old and new values in words (`old` is None when
    the event records a value, not a change)."""

    label: str
    new: str
    old: str | None = None

    @property
    def text(self) -> str:
        if self.old is None:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old} → {self.new}"


@dataclass(frozen=True)
class EventText:
    event: AuditEvent
    at: str
    actor: str
    action: str
    object_type: str
    changes: list[Change]

    @property
    def object(self) -> str:
        return self.event.object_repr

    @property
    def reason(self) -> str:
        return self.event.reason

    @property
    def changes_text(self) -> str:
        return "\n".join(change.text for change in self.changes)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def describe_changes(
    object_type: str,
    changes: Mapping[str, Any],
    context: Any = None,
    *,
    leave_out: Iterable[str] = (),
) -> list[Change]:
    """`{key: [old, new]}` (or `{key: value}`) as labelled changes; a change from nothing
    shows only its new value."""
    skipped = set(leave_out)
    found = []
    for key, change in changes.items():
        if key in skipped:
            continue
        label = field_label(object_type, key)
        if isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
            new_text = value_text(object_type, key, new, context)
            if _blank(old):
                found.append(Change(label, new_text))
            else:
                found.append(Change(label, new_text, value_text(object_type, key, old, context)))
        else:
            found.append(Change(label, value_text(object_type, key, change, context)))
    return found


def describe_events(
    events: Iterable[AuditEvent], *, leave_out: Iterable[str] = ()
) -> list[EventText]:
    """The events in words, each type's context read once (one query per type at most)."""
    events = list(events)
    contexts: dict[int, Any] = {}
    by_type: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_type.setdefault(event.object_type, []).append(event)
    for object_type, group in by_type.items():
        entry = _TYPES.get(object_type)
        if entry is not None and entry.loader is not None:
            contexts.update(entry.loader(group))
    skipped = tuple(leave_out)
    return [
        EventText(
            event=event,
            at=moment_text(event.at),
            actor=event.actor_label,
            action=action_label(event.action, event.object_type),
            object_type=object_type_label(event.object_type),
            changes=describe_changes(
                event.object_type, event.changes, contexts.get(event.pk), leave_out=skipped
            ),
        )
        for event in events
    ]


# --- filters -------------------------------------------------------------------------------

SYSTEM = "system"


@dataclass(frozen=True)
class EventFilter:
    """What the audit page and its export filter on (each empty: no filter). `actor` is a
    user's primary key, or `SYSTEM` for actions without a user; `start` and `end` are days
    in the province's time, both included."""

    actor: str = ""
    unit: int | None = None
    action: str = ""
    object_type: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None

    def params(self) -> dict[str, Any]:
        """As a job's JSON parameters (`from_params` reads them back)."""
        return {
            "actor": self.actor,
            "unit": self.unit,
            "action": self.action,
            "type": self.object_type,
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EventFilter:
        def day(text: Any) -> datetime.date | None:
            return datetime.date.fromisoformat(text) if text else None

        unit = params.get("unit")
        return cls(
            actor=str(params.get("actor") or ""),
            unit=int(unit) if unit not in (None, "") else None,
            action=str(params.get("action") or ""),
            object_type=str(params.get("type") or ""),
            start=day(params.get("start")),
            end=day(params.get("end")),
        )

    @property
    def active(self) -> bool:
        return any(
            (self.actor, self.unit is not None, self.action, self.object_type, self.start, self.end)
        )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), timezone.get_default_timezone())


def unit_events(unit_pk: int) -> Q:
    """The events that concern a unit, as every app registered them."""
    found = Q(pk__in=[])
    for scope in _UNIT_SCOPES:
        found |= scope(unit_pk)
    return found


def filter_events(events: QuerySet[AuditEvent], wanted: EventFilter) -> QuerySet[AuditEvent]:
    if wanted.actor == SYSTEM:
        events = events.filter(actor__isnull=True)
    elif wanted.actor:
        events = (
            events.filter(actor_id=actor) if (actor := parse_id(wanted.actor)) else events.none()
        )
    if wanted.unit is not None:
        events = events.filter(unit_events(wanted.unit))
    if wanted.action:
        events = events.filter(action=wanted.action)
    if wanted.object_type:
        events = events.filter(object_type=wanted.object_type)
    if wanted.start is not None:
        events = events.filter(at__gte=_day_start(wanted.start))
    if wanted.end is not None:
        events = events.filter(at__lt=_day_start(wanted.end + datetime.timedelta(days=1)))
    return events
