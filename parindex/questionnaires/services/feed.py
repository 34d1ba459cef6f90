"""The feed of survey scores into the assessments' survey-sourced nodes, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment
from parindex.assessments.services.entries import entry_set_system_value
from parindex.audit.services import audit_record
from parindex.engine import format_number
from parindex.questionnaires import selectors
from parindex.questionnaires.models import Survey
from parindex.questionnaires.services.review import survey_check
from parindex.surveys.scoring import SurveyResults


@dataclass
class ApplyOutcome:
    applied: list[str] = field(default_factory=list)  # unit names
    locked: list[str] = field(default_factory=list)
    without_responses: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "unit: message"
    message: str = ""


def _summary(survey: Survey, results: SurveyResults, code: str, unit_code: str) -> str:
    node = results.unit(unit_code).nodes[code]
    groups = ", ".join(
        f"{survey.group_label(group)} {count}" for group, count in node.n_by_group.items()
    )
    confidence = survey.confidence_percent
    text = gettext("Điều tra «%(survey)s»: %(count)s phiếu hợp lệ (%(groups)s)") % {
        "survey": survey.name,
        "count": node.n,
        "groups": groups,
    }
    if node.rate is not None:
        text += gettext("; tỷ lệ %(rate)s %%") % {"rate": format_number(node.rate)}
        if node.rate_low is not None and node.rate_high is not None:
            text += gettext(" (khoảng tin cậy %(confidence)s %%: %(low)s–%(high)s %%)") % {
                "confidence": confidence,
                "low": format_number(node.rate_low),
                "high": format_number(node.rate_high),
            }
    if node.points is not None:
        text += gettext(" → %(points)s điểm") % {"points": format_number(node.points)}
        if node.points_low is not None and node.points_high is not None:
            text += f" ({format_number(node.points_low)}–{format_number(node.points_high)})"
    return text


def survey_apply(*, survey: Survey, actor: User) -> ApplyOutcome:
    """Write the survey's scores into the survey-sourced nodes of every assessment of the
    period scored with the survey's framework, with their provenance. Approved or
    published assessments are refused (a correction then goes through an amendment)."""
    outcome = ApplyOutcome()
    survey_check(survey=survey)
    current = selectors.survey_results(survey)
    results = current.results
    if results is None:
        outcome.message = current.message
        return outcome
    computed_at = timezone.now()
    assessments = (
        Assessment.objects.filter(period=survey.period, group__framework=survey.framework)
        .select_related("unit", "group", "period")
        .order_by("unit__name")
    )
    scored = {unit.unit for unit in results.units}
    with transaction.atomic():
        for assessment in assessments:
            unit = assessment.unit
            if workflow.State(assessment.state) in workflow.LOCKED:
                outcome.locked.append(unit.name)
                continue
            if unit.code not in scored:
                outcome.without_responses.append(unit.name)
                continue
            provenance = results.provenance(unit.code)
            try:
                with transaction.atomic():
                    for code, node_input in results.node_inputs(unit.code).items():
                        entry_set_system_value(
                            assessment=assessment,
                            node_code=code,
                            values=dict(node_input.values),
                            provenance={
                                **provenance[code],
                                "survey_id": survey.pk,
                                "survey_name": survey.name,
                                "form_version": survey.form_version,
                                "computed_at": computed_at.isoformat(timespec="seconds"),
                                "summary": _summary(survey, results, code, unit.code),
                            },
                            actor=actor,
                        )
            except WorkflowError as error:
                outcome.refused.append(f"{unit.name}: {error}")
                continue
            outcome.applied.append(unit.name)
        survey.applied_at = computed_at
        survey.save(update_fields=["applied_at"])
        audit_record(
            actor=actor,
            action="apply",
            instance=survey,
            changes={
                "applied": [None, len(outcome.applied)],
                "locked": [None, outcome.locked],
                "without_responses": [None, len(outcome.without_responses)],
                "refused": [None, outcome.refused],
            },
            scope=survey,
        )
    return outcome
