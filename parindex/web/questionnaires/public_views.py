"""The public survey form: no login; reached through a one-time invitation link
(`/s/<token>/`) or, when Home Affairs enables it, the survey's open link
(`/s/open/<survey>/`, rate-limited per source). Nothing identifies the respondent: the
address is only kept as a salted hash (rate limit, duplicate rules)."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parindex.questionnaires import selectors
from parindex.questionnaires.definition import label_of, language_column
from parindex.questionnaires.errors import AnswerInvalid, PublicRefusal
from parindex.questionnaires.forms import HONEYPOT, AnswerForm, answer_form
from parindex.questionnaires.models import Survey
from parindex.questionnaires.public_text import page_language, refusal_message, texts
from parindex.questionnaires.services.collection import (
    invitation_check,
    open_survey_check,
    public_source_hash,
    response_submit_open,
    response_submit_token,
)
from parindex.web.middleware import client_address

_STARTED_SALT = "parindex.questionnaires.started"
_STARTED_MAX_AGE = 24 * 3600  # a form left open longer than a day has no useful start time


def respondent_language(view: Any) -> Any:
    """Run a public view in the respondent's language: `?lang=en` or `?lang=vi` (the link
    on the page), else the page language Django chose (Vietnamese by default). The form
    posts back to the same address, so the choice holds through the submission."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.GET.get("lang", "")
        language = (
            page_language(chosen) if chosen in ("en", "vi") else page_language(get_language())
        )
        with translation.override(language):
            response: HttpResponse = view(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _switch(request: HttpRequest) -> tuple[str, str]:
    """The link to the same page in the other language."""
    query = request.GET.copy()
    if page_language(get_language()) == "en":
        query["lang"] = "vi"
        return "Tiếng Việt", f"?{query.urlencode()}"
    query["lang"] = "en"
    return "English", f"?{query.urlencode()}"


def _thanks(request: HttpRequest) -> HttpResponse:
    url = reverse("public_survey:thanks")
    if request.GET.get("lang") in ("en", "vi"):
        url += f"?lang={request.GET['lang']}"
    return redirect(url)


def _started_token() -> str:
    """When the form was shown, signed, so that the completion time cannot be forged."""
    return signing.dumps(int(time.time()), salt=_STARTED_SALT)


def _started_at(request: HttpRequest) -> datetime.datetime | None:
    try:
        seconds = signing.loads(
            request.POST.get("_started", ""), salt=_STARTED_SALT, max_age=_STARTED_MAX_AGE
        )
    except signing.BadSignature:
        return None
    return datetime.datetime.fromtimestamp(int(seconds), tz=datetime.UTC)


def _source(request: HttpRequest, survey: Survey) -> str:
    # The real client's address (behind the province's reverse proxy every visitor has the
    # proxy's): the one the login throttling and the logs use.
    return public_source_hash(survey, client_address(request))


def _refused(request: HttpRequest, refusal: PublicRefusal) -> HttpResponse:
    language = get_language()
    return render(
        request,
        "questionnaires/public/refused.html",
        {
            "text": texts(language),
            "message": refusal_message(refusal.code, language, **refusal.params),
            "demo_mode": settings.DEMO_MODE,
            "switch": _switch(request),
        },
        status=refusal.status,
    )


def _page(
    request: HttpRequest, survey: Survey, bound: AnswerForm, fixed: list[tuple[str, str]]
) -> HttpResponse:
    language = get_language()
    form = bound.survey_form
    return render(
        request,
        "questionnaires/public/form.html",
        {
            "survey": survey,
            "title": form.title if form.settings.get("form_title") else survey.name,
            "form": bound,
            "layout": bound.layout,
            "fixed": fixed,
            "text": texts(language),
            "started": _started_token(),
            "honeypot": HONEYPOT,
            "demo_mode": settings.DEMO_MODE,
            "switch": _switch(request),
        },
        status=400 if bound.is_bound and bound.errors else 200,
    )


def _group_label(survey: Survey, group: str, language: str) -> str:
    """The respondent group's label in the page's language (from the form's group list)."""
    form = selectors.survey_form(survey)
    if form.respondent_group_field:
        question = form.question(form.respondent_group_field)
        column = language_column(form, language)
        for choice in form.choices.get(question.list_name, ()):
            if choice.name == group:
                return label_of(choice.labels, column, form.default_language, group)
    return survey.group_label(group)


@never_cache
@require_http_methods(["GET", "POST"])
@respondent_language
def token_form(request: HttpRequest, token: str) -> HttpResponse:
    language = get_language()
    try:
        invitation = invitation_check(token)
    except PublicRefusal as refusal:
        return _refused(request, refusal)
    survey = invitation.survey
    form = selectors.survey_form(survey)
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _thanks(request)
        try:
            response_submit_token(
                token=token,
                data=request.POST,
                language=language,
                started_at=_started_at(request),
                source=_source(request, survey),
            )
        except PublicRefusal as refusal:
            return _refused(request, refusal)
        except AnswerInvalid as error:
            bound = error.form
        else:
            return _thanks(request)
    else:
        bound = answer_form(form, language, skip={form.respondent_group_field} - {""})
    text = texts(language)
    fixed = [
        (text["unit_fixed"], invitation.unit.name),
        (text["group_fixed"], _group_label(survey, invitation.respondent_group, language)),
    ]
    return _page(request, survey, bound, fixed)


@never_cache
@require_http_methods(["GET", "POST"])
@respondent_language
def open_form(request: HttpRequest, pk: int) -> HttpResponse:
    language = get_language()
    try:
        survey = open_survey_check(pk)
    except PublicRefusal as refusal:
        return _refused(request, refusal)
    # `?unit=CODE` fixes the unit, e.g. on a poster at a commune's one-stop desk.
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    fixed_unit = units.get(request.GET.get("unit", ""))
    choices = None if fixed_unit else [(code, unit.name) for code, unit in units.items()]
    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            return _thanks(request)
        try:
            response_submit_open(
                survey=survey,
                data=request.POST,
                language=language,
                started_at=_started_at(request),
                source=_source(request, survey),
                fixed_unit=fixed_unit,
            )
        except PublicRefusal as refusal:
            return _refused(request, refusal)
        except AnswerInvalid as error:
            bound = error.form
        else:
            return _thanks(request)
    else:
        bound = answer_form(selectors.survey_form(survey), language, unit_choices=choices)
    fixed: list[tuple[str, str]] = []
    if fixed_unit is not None:
        fixed.append((texts(language)["unit_fixed"], fixed_unit.name))
    return _page(request, survey, bound, fixed)


@never_cache
@respondent_language
def thanks(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "text": texts(get_language()),
        "demo_mode": settings.DEMO_MODE,
        "switch": _switch(request),
    }
    return render(request, "questionnaires/public/thanks.html", context)
