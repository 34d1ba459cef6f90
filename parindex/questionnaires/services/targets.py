"""Sampling targets per unit and respondent group, from the grid or a CSV file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.engine import Problem
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import SamplingTarget, Survey
from parindex.questionnaires.services.files import safe_name, strip_folder
from parindex.surveys.errors import ResponseFileError
from parindex.surveys.sampling import read_plan
from parindex.units.models import Unit


@dataclass(frozen=True)
class TargetRow:
    unit: Unit
    group: str
    target: int | None  # None or 0: no target for this unit and group
    population: int | None = None


@transaction.atomic
def targets_save(*, actor: User, survey: Survey, rows: Iterable[TargetRow]) -> int:
    """Set the targets given (others stay); a row without a target removes its target."""
    groups = set(selectors.group_codes(survey))
    allowed = set(selectors.survey_units(survey).values_list("pk", flat=True))
    existing = {
        (target.unit_id, target.respondent_group): target
        for target in SamplingTarget.objects.filter(survey=survey)
    }
    problems = []
    for row in rows:
        where = f"{row.unit.code}/{row.group}"
        if row.unit.pk not in allowed:
            problems.append(Problem(where, gettext("đơn vị không thuộc cuộc điều tra")))
        if row.group not in groups:
            problems.append(
                Problem(
                    where,
                    gettext("nhóm «%(group)s» không có trong biểu mẫu") % {"group": row.group},
                )
            )
        if row.target is not None and row.target < 0:
            problems.append(Problem(where, gettext("chỉ tiêu không được âm")))
    if problems:
        raise QuestionnaireError(problems)
    changed = 0
    rows = list(rows)
    for row in rows:
        current = existing.get((row.unit.pk, row.group))
        if not row.target:
            if current is not None:
                current.delete()
                changed += 1
            continue
        if current is None:
            SamplingTarget.objects.create(
                survey=survey,
                unit=row.unit,
                respondent_group=row.group,
                target=row.target,
                population=row.population,
            )
            changed += 1
        elif (current.target, current.population) != (row.target, row.population):
            current.target, current.population = row.target, row.population
            current.save(update_fields=["target", "population"])
            changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="targets",
            instance=survey,
            changes={"targets_changed": [None, changed]},
            scope=survey,
        )
    return changed


def targets_import_csv(*, actor: User, survey: Survey, file_name: str, content: bytes) -> int:
    """Targets from a CSV `unit, respondent_group, target[, population]` (unit = unit code)."""
    name = safe_name(file_name, "chi-tieu.csv")
    with tempfile.TemporaryDirectory(prefix="parindex-plan-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            plan = read_plan(path)
        except ResponseFileError as error:
            raise QuestionnaireError(strip_folder(error.problems, Path(folder))) from None
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    groups = set(selectors.group_codes(survey))
    problems = []
    rows = []
    # read_plan refuses any bad row, so the targets come one per data row, in file order.
    for number, target in enumerate(plan, start=2):
        where = f"{name}:{number}"
        unit = units.get(target.unit)
        if unit is None:
            problems.append(
                Problem(
                    where,
                    gettext("cột «unit»: «%(code)s» không thuộc cuộc điều tra")
                    % {"code": target.unit},
                )
            )
        if target.group not in groups:
            problems.append(
                Problem(
                    where,
                    gettext(
                        "cột «respondent_group»: «%(group)s» không có trong biểu mẫu (%(groups)s)"
                    )
                    % {"group": target.group, "groups": ", ".join(sorted(groups))},
                )
            )
        if unit is not None:
            rows.append(TargetRow(unit, target.group, target.target, target.population))
    if problems:
        raise QuestionnaireError(problems)
    return targets_save(actor=actor, survey=survey, rows=rows)
