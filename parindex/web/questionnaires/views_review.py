"""Response review: the responses with their flags, one response with its history, the
decision to exclude or reinstate it, and running the integrity rules again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.policy import survey_for
from parindex.questionnaires import selectors
from parindex.questionnaires.answer_tables import answer_text, repeat_tables
from parindex.questionnaires.definition import label_of
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.forms import DecisionForm
from parindex.questionnaires.models import Response, Survey
from parindex.questionnaires.services import review as review_services
from parindex.web.http import AuthedRequest, query_id
from parindex.web.questionnaires.views_common import survey_context


def _response_for(survey: Survey, response_pk: int) -> Response:
    response = (
        Response.objects.select_related("unit", "entered_by", "batch", "invitation")
        .filter(survey=survey, pk=response_pk)
        .first()
    )
    if response is None:
        raise Http404
    return response


@login_required
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    filters = selectors.ReviewFilters(
        rule=request.GET.get("rule", "")
        if request.GET.get("rule") in selectors.RULE_TITLES
        else "",
        unit=query_id(request.GET, "unit"),
        status=request.GET.get("status", ""),
    )
    page = Paginator(selectors.review_queryset(survey, filters), 50).get_page(
        request.GET.get("page")
    )
    for response in page:
        # The template's label for the row, set on the row itself (not a field of the model).
        response.group_label = survey.group_label(response.respondent_group)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.rule_counts(survey)
    return render(
        request,
        "questionnaires/review.html",
        survey_context(
            survey,
            request,
            page=page,
            filters=filters,
            query=query.urlencode(),
            rules=[
                (code, title, counts.get(code, 0)) for code, title in selectors.RULE_TITLES.items()
            ],
            units=selectors.survey_units(survey),
            rule_titles=selectors.RULE_TITLES,
            unchecked=selectors.unchecked_count(survey),
        ),
    )


@login_required
def response_detail(request: AuthedRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    response = _response_for(survey, response_pk)
    form = selectors.survey_form(survey)
    language = form.default_language
    answers = []
    for question in form.answer_questions:
        value = response.answers.get(question.name)
        if value is None:
            continue
        answers.append(
            {
                "label": label_of(question.labels, language, language, question.name),
                "name": question.name,
                "value": answer_text(form, question, value, language),
                "raw": value,
                "personal": question.is_personal,
            }
        )
    action = "reinstate" if response.excluded else "exclude"
    return render(
        request,
        "questionnaires/response_detail.html",
        survey_context(
            survey,
            request,
            response=response,
            group_label=survey.group_label(response.respondent_group),
            answers=answers,
            repeats=repeat_tables(form, response.repeats, language),
            reviews=response.reviews.all(),
            decision=DecisionForm(initial={"action": action}),
            action=action,
            rule_titles=selectors.RULE_TITLES,
        ),
    )


@login_required
@require_POST
def response_decide(request: AuthedRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    response = _response_for(survey, response_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do."))
    else:
        try:
            review_services.response_decide(
                actor=request.user,
                response=response,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except QuestionnaireError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã ghi quyết định."))
    return redirect("questionnaires:response", pk=survey.pk, response_pk=response.pk)


@login_required
@require_POST
def check(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    summary = review_services.survey_check(survey=survey, actor=request.user)
    messages.success(
        request,
        _(
            "Đã kiểm tra %(responses)d phiếu: %(flagged)d phiếu có cảnh báo, %(excluded)d phiếu"
            " đang bị loại."
        )
        % {
            "responses": summary.responses,
            "flagged": summary.flagged,
            "excluded": summary.excluded,
        },
    )
    return redirect("questionnaires:review", pk=survey.pk)
