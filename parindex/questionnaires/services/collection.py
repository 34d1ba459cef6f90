"""Collection: one-time invitations, the public form (by invitation or the rate-limited open
link) and paper forms typed by staff.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.engine import Problem
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import AnswerInvalid, PublicRefusal, QuestionnaireError
from parindex.questionnaires.forms import PAPER_FIELD, UNIT_FIELD, AnswerForm, answer_form
from parindex.questionnaires.models import Channel, Invitation, Response, Survey, SurveyState
from parindex.surveys.responses import source_hash
from parindex.surveys.xlsform import SurveyForm
from parindex.units.models import Unit

INVITATION_MAX = 2000  # invitations created at once


def token_hash(token: str) -> str:
    # Tokens are 192 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invitations_create(
    *,
    actor: User,
    survey: Survey,
    unit: Unit,
    respondent_group: str,
    count: int,
    expires_at: datetime.datetime,
) -> list[tuple[Invitation, str]]:
    """`count` one-time invitations; returns each with its token, which is never stored
    (only its hash is) and so can be shown this once only."""
    problems = []
    if not selectors.survey_units(survey).filter(pk=unit.pk).exists():
        problems.append(
            Problem("unit", gettext("%(unit)s không thuộc cuộc điều tra") % {"unit": unit})
        )
    if respondent_group not in selectors.group_codes(survey):
        problems.append(
            Problem(
                "respondent_group",
                gettext("nhóm «%(group)s» không có") % {"group": respondent_group},
            )
        )
    if not 1 <= count <= INVITATION_MAX:
        problems.append(
            Problem(
                "count",
                gettext("số thư mời phải từ 1 đến %(most)s") % {"most": INVITATION_MAX},
            )
        )
    if expires_at <= timezone.now():
        problems.append(Problem("expires_on", gettext("ngày hết hạn phải sau hôm nay")))
    if survey.state == SurveyState.CLOSED:
        problems.append(Problem("", gettext("cuộc điều tra đã kết thúc thu phiếu")))
    if problems:
        raise QuestionnaireError(problems)
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    invitations = Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            unit=unit,
            respondent_group=respondent_group,
            token_hash=token_hash(token),
            hint=token[:6],
            expires_at=expires_at,
            created_by=actor,
        )
        for token in tokens
    )
    audit_record(
        actor=actor,
        action="invite",
        instance=survey,
        changes={
            "invitations": [None, count],
            "unit": [None, unit.code],
            "respondent_group": [None, respondent_group],
            "expires_at": [None, expires_at],
        },
        scope=survey,
    )
    return list(zip(invitations, tokens, strict=True))


def invitation_check(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation of a token, or `PublicRefusal` saying clearly why it cannot be used."""
    invitations = Invitation.objects.select_related("survey", "unit")
    if for_update:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise PublicRefusal("token_unknown", 404)
    if invitation.used_at is not None:
        raise PublicRefusal("token_used", 410, when=invitation.used_at)
    if invitation.expires_at <= timezone.now():
        raise PublicRefusal("token_expired", 410, when=invitation.expires_at)
    _check_collecting(invitation.survey)
    return invitation


def _check_collecting(survey: Survey) -> None:
    if survey.state == SurveyState.DRAFT:
        raise PublicRefusal("survey_not_open", 404)
    if survey.state == SurveyState.CLOSED:
        raise PublicRefusal("survey_closed", 410)


def open_survey_check(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None or not survey.open_link_enabled:
        raise PublicRefusal("open_link_unknown", 404)
    _check_collecting(survey)
    return survey


def public_source_hash(survey: Survey, address: str) -> str:
    """The salted hash that stands for "the same client address" (the open link's rate limit,
    duplicate rules); the address itself is never stored. The address alone: a browser string
    is the sender's to change, and changing it must not reset the limit."""
    return source_hash(bytes.fromhex(survey.salt), address)


def _answers_with_strata(
    form: SurveyForm, answers: dict[str, str], unit: Unit, group: str
) -> dict[str, str]:
    """The answers as an export row would hold them: the unit and group questions filled in."""
    answers = dict(answers)
    answers[form.unit_field] = unit.code
    if form.respondent_group_field:
        answers[form.respondent_group_field] = group
    return answers


def _group_from(form: SurveyForm, answers: Mapping[str, str]) -> str:
    return form.respondent_group or answers.get(form.respondent_group_field, "")


def _validated(
    form: SurveyForm,
    data: Mapping[str, Any],
    language: str,
    *,
    skip: Iterable[str] = (),
    unit_choices: list[tuple[str, str]] | None = None,
    paper_number: bool = False,
) -> AnswerForm:
    bound = answer_form(
        form,
        language,
        skip=skip,
        data=data,
        unit_choices=unit_choices,
        paper_number=paper_number,
    )
    if not bound.is_valid():
        raise AnswerInvalid(bound)
    return bound


def _create_response(
    survey: Survey,
    form: SurveyForm,
    *,
    unit: Unit,
    group: str,
    channel: str,
    answers: dict[str, str],
    started_at: datetime.datetime | None,
    source: str = "",
    submission_id: str = "",
    invitation: Invitation | None = None,
    entered_by: User | None = None,
) -> Response:
    now = timezone.now()
    return Response.objects.create(
        survey=survey,
        unit=unit,
        respondent_group=group,
        channel=channel,
        answers=_answers_with_strata(form, answers, unit, group),
        form_version=form.version,
        submission_id=submission_id or f"web:{uuid.uuid4().hex}",
        started_at=started_at,
        ended_at=now if started_at is not None else None,
        submitted_at=now,
        source_hash=source,
        invitation=invitation,
        entered_by=entered_by,
    )


def response_submit_token(
    *,
    token: str,
    data: Mapping[str, Any],
    language: str,
    started_at: datetime.datetime | None,
    source: str = "",
) -> Response:
    """One response through a one-time invitation; the invitation is used up with it."""
    with transaction.atomic():
        invitation = invitation_check(token, for_update=True)
        survey = invitation.survey
        form = selectors.survey_form(survey)
        # The invitation fixes the unit and the group: neither is asked.
        bound = _validated(form, data, language, skip={form.respondent_group_field} - {""})
        try:
            with transaction.atomic():
                response = _create_response(
                    survey,
                    form,
                    unit=invitation.unit,
                    group=invitation.respondent_group,
                    channel="token",
                    answers=bound.answers(),
                    started_at=started_at,
                    source=source,
                    invitation=invitation,
                )
        except IntegrityError:
            # Two submissions of one invitation at the same moment: the database's one
            # response per invitation keeps the first, the second is told it was used.
            raise PublicRefusal("token_used", 410, when=timezone.now()) from None
        invitation.used_at = response.submitted_at
        invitation.save(update_fields=["used_at"])
    return response


def response_submit_open(
    *,
    survey: Survey,
    data: Mapping[str, Any],
    language: str,
    started_at: datetime.datetime | None,
    source: str,
    fixed_unit: Unit | None = None,
) -> Response:
    """One response through the survey's open link, at most `open_link_rate_limit` an hour
    from one source (the client's address, `public_source_hash`)."""
    with transaction.atomic():
        survey = open_survey_check(survey.pk)
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        recent = Response.objects.filter(
            survey=survey, channel=Channel.WEB, source_hash=source, submitted_at__gte=hour_ago
        ).count()
        if recent >= survey.open_link_rate_limit:
            raise PublicRefusal("rate_limited", 429, limit=survey.open_link_rate_limit)
        units = {unit.code: unit for unit in selectors.survey_units(survey)}
        choices = None if fixed_unit else [(code, unit.name) for code, unit in units.items()]
        form = selectors.survey_form(survey)
        bound = _validated(form, data, language, unit_choices=choices)
        unit = fixed_unit or units[bound.cleaned_data[UNIT_FIELD]]
        answers = bound.answers()
        return _create_response(
            survey,
            form,
            unit=unit,
            group=_group_from(form, answers),
            channel="web",
            answers=answers,
            started_at=started_at,
            source=source,
        )


def response_enter(
    *, actor: User, survey: Survey, data: Mapping[str, Any], units: Sequence[Unit]
) -> Response:
    """A paper form typed by staff (Home Affairs, or a unit's officer for their own unit,
    `units` being what the actor may choose). No times and no source: a typist's speed
    and desk say nothing about the respondent, so the rules that use them skip it."""
    if survey.state == SurveyState.DRAFT:
        raise QuestionnaireError(gettext("Cuộc điều tra chưa mở: chưa nhập phiếu được."))
    by_code = {unit.code: unit for unit in units}
    form = selectors.survey_form(survey)
    with transaction.atomic():
        bound = _validated(
            form,
            data,
            "vi",
            unit_choices=[(unit.code, unit.name) for unit in units],
            paper_number=True,
        )
        paper = bound.cleaned_data.get(PAPER_FIELD, "").strip()
        unit = by_code[bound.cleaned_data[UNIT_FIELD]]
        answers = bound.answers()
        response = _create_response(
            survey,
            form,
            unit=unit,
            group=_group_from(form, answers),
            channel="staff",
            answers=answers,
            started_at=None,
            submission_id=f"paper:{unit.code}:{paper}" if paper else f"staff:{uuid.uuid4().hex}",
            entered_by=actor,
        )
        audit_record(
            actor=actor,
            action="enter_response",
            instance=response,
            changes={"unit": [None, unit.code], "paper": [None, paper]},
            scope=survey,
        )
    return response
