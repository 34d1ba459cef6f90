"""Collection pages for staff: one-time invitations (links shown once, as CSV), paper-form
entry and ODK/Kobo imports. Thin: the policy decides, services write, selectors read.
"""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex import policy
from parindex.accounts.models import User
from parindex.common.spreadsheet import inert_row
from parindex.engine import Problem
from parindex.policy import require, survey_for
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import AnswerInvalid, ImportRejected, QuestionnaireError
from parindex.questionnaires.forms import ImportForm, InvitationForm, answer_form
from parindex.questionnaires.models import Channel, Invitation, Response, Survey, SurveyState
from parindex.questionnaires.services.collection import invitations_create, response_enter
from parindex.questionnaires.services.imports import responses_import
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest
from parindex.web.questionnaires.views_common import (
    BOM,
    CSV_TYPE,
    attachment,
    survey_context,
    uploaded,
)


def _links_csv(request: HttpRequest, created: list[tuple[Invitation, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["unit", "unit_name", "respondent_group", "link", "expires_at"])
    for invitation, token in created:
        writer.writerow(
            inert_row(
                [
                    invitation.unit.code,
                    invitation.unit.name,
                    invitation.respondent_group,
                    request.build_absolute_uri(reverse("public_survey:token", args=[token])),
                    timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
                ]
            )
        )
    return BOM + buffer.getvalue()


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    units = selectors.survey_units(survey)
    form = InvitationForm(request.POST or None, units=units, groups=survey.respondent_groups)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        expires = datetime.datetime.combine(
            form.cleaned_data["expires_on"], datetime.time(23, 59), timezone.get_current_timezone()
        )
        try:
            created = invitations_create(
                actor=request.user,
                survey=survey,
                unit=form.cleaned_data["unit"],
                respondent_group=form.cleaned_data["respondent_group"],
                count=form.cleaned_data["count"],
                expires_at=expires,
            )
        except QuestionnaireError as error:
            problems = error.problems
        else:
            text = _links_csv(request, created)
            name = f"thu-moi-{survey.pk}-{created[0][0].unit.code}.csv"
            if request.POST.get("output") == "csv":
                return attachment(text.encode("utf-8"), name, CSV_TYPE)
            links = [
                (
                    invitation,
                    request.build_absolute_uri(reverse("public_survey:token", args=[token])),
                )
                for invitation, token in created
            ]
            return render(
                request,
                "questionnaires/invitations_created.html",
                survey_context(
                    survey,
                    request,
                    links=links,
                    csv_name=name,
                    csv_data="data:text/csv;charset=utf-8," + quote(text),
                    group_label=survey.group_label(form.cleaned_data["respondent_group"]),
                ),
            )
    now = timezone.now()
    listing = Paginator(
        Invitation.objects.filter(survey=survey)
        .select_related("unit")
        .order_by("-created_at", "pk"),
        50,
    ).get_page(request.GET.get("page"))
    rows = [
        (
            invitation,
            survey.group_label(invitation.respondent_group),
            selectors.invitation_status(invitation, now),
        )
        for invitation in listing
    ]
    return render(
        request,
        "questionnaires/invitations.html",
        survey_context(
            survey,
            request,
            form=form,
            problems=problems,
            rows=rows,
            page=listing,
            counts=selectors.invitation_counts(survey, now),
            status_labels=selectors.INVITATION_STATUS_LABELS,
        ),
    )


@login_required
def invitations_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The invitations and whether each was used (the links themselves are not kept)."""
    survey = survey_for(request.user, pk, write=True)
    now = timezone.now()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["unit", "respondent_group", "code_starts_with", "created_at", "expires_at", "status"]
    )
    for invitation in Invitation.objects.filter(survey=survey).select_related("unit"):
        writer.writerow(
            inert_row(
                [
                    invitation.unit.code,
                    invitation.respondent_group,
                    invitation.hint,
                    timezone.localtime(invitation.created_at).strftime("%d/%m/%Y %H:%M"),
                    timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
                    selectors.invitation_status(invitation, now),
                ]
            )
        )
    return attachment(
        (BOM + buffer.getvalue()).encode("utf-8"), f"thu-moi-{survey.pk}.csv", CSV_TYPE
    )


def _entry_units(survey: Survey, user: User) -> list[Unit]:
    return list(policy.visible_survey_units(user, selectors.survey_units(survey)))


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.enter")
    units = _entry_units(survey, request.user)
    survey_form = selectors.survey_form(survey)
    choices = [(unit.code, unit.name) for unit in units]
    bound = answer_form(survey_form, "vi", unit_choices=choices, paper_number=True)
    if len(units) == 1:
        bound.initial["_unit"] = units[0].code
    if request.method == "POST":
        try:
            response = response_enter(
                actor=request.user, survey=survey, data=request.POST, units=units
            )
        except AnswerInvalid as error:
            bound = error.form
        except QuestionnaireError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Đã lưu phiếu số %(pk)s của %(unit)s. Nhập phiếu tiếp theo.")
                % {"pk": response.pk, "unit": response.unit.name},
            )
            return redirect("questionnaires:entry", pk=survey.pk)
    entered = Response.objects.filter(survey=survey, channel=Channel.STAFF, entered_by=request.user)
    return render(
        request,
        "questionnaires/entry.html",
        survey_context(
            survey,
            request,
            form=bound,
            layout=bound.layout,
            entered_count=entered.count(),
            collecting=survey.state != SurveyState.DRAFT,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_responses(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    outcome = None
    read = None
    if request.method == "POST" and form.is_valid():
        name, content = uploaded(form.cleaned_data["file"])
        try:
            outcome = responses_import(
                actor=request.user,
                survey=survey,
                file_name=name,
                content=content,
                skip_rejected=form.cleaned_data["skip_rejected"],
            )
        except ImportRejected as error:
            problems, read = error.problems, error.read
        except QuestionnaireError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "Đã nhập %(imported)d phiếu từ %(read)d dòng (%(replaced)d phiếu thay bằng"
                    " bản đã sửa, %(present)d phiếu đã có, %(rejected)d dòng lỗi bỏ qua)."
                )
                % {
                    "imported": outcome.imported,
                    "read": outcome.read,
                    "replaced": outcome.replaced,
                    "present": outcome.already_present,
                    "rejected": len(outcome.rejected),
                },
            )
    return render(
        request,
        "questionnaires/import.html",
        survey_context(
            survey,
            request,
            form=form,
            problems=problems,
            read=read,
            outcome=outcome,
            batches=survey.batches.select_related("imported_by")[:20],
        ),
    )
