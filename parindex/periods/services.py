"""Writes about assessment periods, unit groups and deadline extensions (all audited)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from parindex.audit.services import audit_record, diff, snapshot
from parindex.criteria.models import Framework
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, UnitGroup
from parindex.units.models import Unit

PERIOD_FIELDS = (
    "year",
    "name",
    "status",
    "self_assessment_opens",
    "self_assessment_closes",
    "explanation_closes",
    "appraisal_closes",
    "publication_date",
    "decision_number",
    "decision_date",
)


def period_create(*, actor: Any, **fields: Any) -> AssessmentPeriod:
    period = AssessmentPeriod(**fields)
    period.full_clean()
    period.save()
    audit_record(
        actor=actor, action="create", instance=period, changes=snapshot(period, PERIOD_FIELDS)
    )
    return period


def period_update(*, actor: Any, period: AssessmentPeriod, **fields: Any) -> AssessmentPeriod:
    # The stored row, not `period`: a ModelForm has already copied its input onto the instance.
    before = snapshot(AssessmentPeriod.objects.get(pk=period.pk), PERIOD_FIELDS)
    for name, value in fields.items():
        setattr(period, name, value)
    period.full_clean()
    period.save()
    changes = diff(before, snapshot(period, PERIOD_FIELDS))
    if changes:
        audit_record(actor=actor, action="update", instance=period, changes=changes)
    return period


def _check_members(
    period: AssessmentPeriod, group: UnitGroup | None, units: Iterable[Unit]
) -> None:
    """A unit is ranked in one group of a period only."""
    others = UnitGroup.objects.filter(period=period)
    if group is not None and group.pk:
        others = others.exclude(pk=group.pk)
    # By key, not by name: two communes of a province may share a name.
    taken = {
        unit.pk: other.name
        for other in others.prefetch_related("units")
        for unit in other.units.all()
    }
    clashes = [
        gettext("%(unit)s (đã thuộc nhóm %(group)s)") % {"unit": unit.name, "group": taken[unit.pk]}
        for unit in units
        if unit.pk in taken
    ]
    if clashes:
        raise ValidationError(
            {
                "units": gettext("Đơn vị đã thuộc nhóm khác trong kỳ: %(units)s")
                % {"units": "; ".join(clashes)}
            }
        )


def group_save(
    *,
    actor: Any,
    period: AssessmentPeriod,
    group: UnitGroup | None,
    code: str,
    name: str,
    framework: Framework,
    units: Iterable[Unit],
    position: int = 0,
) -> UnitGroup:
    units = list(units)
    _check_members(period, group, units)
    with transaction.atomic():
        if group is None:
            group = UnitGroup(period=period)
            before: dict[str, Any] = {}
            action = "create"
        else:
            # The stored row, not `group`: a ModelForm has already copied its input onto it.
            stored = UnitGroup.objects.select_related("framework").get(pk=group.pk)
            before = {
                **snapshot(stored, ("code", "name", "framework", "position")),
                "units": sorted(unit.code for unit in stored.units.all()),
            }
            action = "update"
        group.code, group.name, group.framework, group.position = code, name, framework, position
        group.full_clean()
        group.save()
        group.units.set(units)
        after = {
            **snapshot(group, ("code", "name", "framework", "position")),
            "units": sorted(unit.code for unit in units),
        }
        changes = diff(before, after)
        if changes:
            audit_record(actor=actor, action=action, instance=group, changes=changes)
    return group


def extension_grant(
    *, actor: Any, period: AssessmentPeriod, unit: Unit, closes_at: datetime.datetime, reason: str
) -> DeadlineExtension:
    if not reason.strip():
        raise ValidationError({"reason": gettext("Cần ghi lý do gia hạn.")})
    if closes_at <= period.self_assessment_closes:
        raise ValidationError({"closes_at": gettext("Hạn mới phải sau hạn chung của kỳ.")})
    extension = DeadlineExtension.objects.create(
        period=period, unit=unit, closes_at=closes_at, reason=reason, granted_by=actor
    )
    audit_record(
        actor=actor,
        action="extend",
        instance=unit,
        # The audit writes both instants in the province's time zone.
        changes={"self_assessment_closes": [period.self_assessment_closes, closes_at]},
        reason=reason,
    )
    return extension
