"""Writes of the what-if scenarios. A scenario is never official data: it stores changes that
pages apply to copies (`selectors.whatif`), and its creation, edits and deletion are audited
with the object type "scenario"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record, diff, snapshot
from parindex.periods.models import UnitGroup
from parindex.plans.models import Scenario
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.whatif import clean_changes, read_changes

_FIELDS = ("name", "description", "changes")


class ScenarioError(Exception):
    """A scenario change is refused; the message says why, in the user's language."""


def _checked(group: UnitGroup, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    changes = clean_changes(rows)
    errors = read_changes(group_data(group), changes).errors
    if errors:
        raise ScenarioError(" ".join(errors))
    return changes


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ScenarioError(gettext("Kịch bản cần có tên."))
    return name[:120]


def scenario_create(
    *,
    actor: User,
    group: UnitGroup,
    name: str,
    description: str = "",
    changes: Sequence[Mapping[str, Any]] = (),
) -> Scenario:
    scenario = Scenario(
        group=group,
        name=_name(name),
        description=description.strip(),
        changes=_checked(group, changes),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            scenario.save()
            audit_record(
                actor=actor,
                action="create",
                instance=scenario,
                changes={"scenario": [None, snapshot(scenario, _FIELDS)]},
                reason=gettext("Kịch bản giả định: không thay đổi số liệu chính thức."),
            )
    except IntegrityError:
        raise ScenarioError(
            gettext("Nhóm đã có kịch bản tên «%(name)s».") % {"name": scenario.name}
        ) from None
    return scenario


def scenario_update(
    *,
    actor: User,
    scenario: Scenario,
    version: int,
    name: str,
    description: str,
    changes: Sequence[Mapping[str, Any]],
) -> Scenario:
    if version != scenario.version:
        raise ScenarioError(gettext("Kịch bản vừa được người khác sửa; hãy tải lại trang."))
    before = snapshot(scenario, _FIELDS)
    scenario.name = _name(name)
    scenario.description = description.strip()
    scenario.changes = _checked(scenario.group, changes)
    changed = diff(before, snapshot(scenario, _FIELDS))
    if not changed:
        return scenario
    try:
        with transaction.atomic():
            updated = Scenario.objects.filter(pk=scenario.pk, version=version).update(
                name=scenario.name,
                description=scenario.description,
                changes=scenario.changes,
                version=version + 1,
                updated_at=timezone.now(),
            )
            if not updated:
                raise ScenarioError(gettext("Kịch bản vừa được người khác sửa; hãy tải lại trang."))
            scenario.version = version + 1
            audit_record(actor=actor, action="update", instance=scenario, changes=changed)
    except IntegrityError:
        raise ScenarioError(
            gettext("Nhóm đã có kịch bản tên «%(name)s».") % {"name": scenario.name}
        ) from None
    return scenario


def scenario_delete(*, actor: User, scenario: Scenario) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="delete",
            instance=scenario,
            changes={"scenario": [snapshot(scenario, _FIELDS), None]},
        )
        scenario.delete()
