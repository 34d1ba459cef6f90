"""Integrity and review: the rules run over every response, and an appraiser's decision to
exclude or reinstate a response, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import Response, ResponseReview, ReviewAction, Survey
from parindex.surveys.integrity import Flag, decision, statuses


@dataclass(frozen=True)
class CheckSummary:
    responses: int
    flagged: int
    excluded: int
    changed: int


@transaction.atomic
def survey_check(*, survey: Survey, actor: User | None = None) -> CheckSummary:
    """Run every integrity rule over all responses of the survey and store each response's
    flags and status (the latest appraiser decision wins over the rules)."""
    data = selectors.survey_data(survey)
    status = selectors.survey_statuses(survey, data)
    by_response: dict[str, list[dict[str, str]]] = {}
    for flag in status.flags:
        by_response.setdefault(flag.response_id, []).append(
            {"rule": flag.rule, "reason": flag.reason}
        )
    changed = []
    excluded_count = 0
    for pk, (old_flags, old_excluded, old_basis) in zip(data.pks, data.stored, strict=True):
        key = str(pk)
        flags = by_response.get(key, [])
        current = status.by_response.get(key)
        excluded = bool(current and current.excluded)
        basis = current.basis if current else ""
        excluded_count += excluded
        if (flags, excluded, basis) != (old_flags, old_excluded, old_basis):
            changed.append(Response(pk=pk, flags=flags, excluded=excluded, status_basis=basis))
    Response.objects.bulk_update(changed, ["flags", "excluded", "status_basis"], batch_size=500)
    survey.integrity_checked_at = timezone.now()
    survey.save(update_fields=["integrity_checked_at"])
    summary = CheckSummary(data.size, len(by_response), excluded_count, len(changed))
    if actor is not None:
        audit_record(
            actor=actor,
            action="check",
            instance=survey,
            changes={"flagged": [None, summary.flagged], "excluded": [None, summary.excluded]},
            scope=survey,
        )
    return summary


@transaction.atomic
def response_decide(*, actor: User, response: Response, action: str, reason: str) -> Response:
    """Exclude a response from the results, or reinstate it, with a reason. Appended to the
    response's review history and to the audit trail; the response itself stays."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    try:
        decision(action, str(response.pk), reason, str(actor))
    except Exception as error:  # StoreError lists what is missing
        raise QuestionnaireError(getattr(error, "problems", str(error))) from None
    was_excluded = response.excluded
    if action == ReviewAction.EXCLUDE and was_excluded:
        raise QuestionnaireError(
            gettext("Phiếu %(number)s đang bị loại rồi.") % {"number": response.pk}
        )
    if action == ReviewAction.REINSTATE and not was_excluded:
        raise QuestionnaireError(
            gettext("Phiếu %(number)s đang được tính, không cần khôi phục.")
            % {"number": response.pk}
        )
    review = ResponseReview.objects.create(
        response=response, action=action, reason=reason.strip(), actor=actor, actor_name=str(actor)
    )
    flags = [Flag(str(response.pk), flag["rule"], flag["reason"]) for flag in response.flags]
    event = decision(action, str(response.pk), review.reason, review.actor_name, review.at)
    status = statuses(flags, [event])[str(response.pk)]
    response.excluded = status.excluded
    response.status_basis = status.basis
    response.save(update_fields=["excluded", "status_basis"])
    audit_record(
        actor=actor,
        action=f"{action}_response",
        instance=response,
        changes={"excluded": [was_excluded, response.excluded]},
        reason=review.reason,
        scope=response.survey,
    )
    return response
