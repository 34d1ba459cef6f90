"""Survey pages for staff: the list, creating and editing a survey, its questionnaire (import,
replace, export as XLSForm), opening and closing it, sampling targets and progress.
Thin: the policy decides, services write, selectors read.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex import policy
from parindex.common.ids import MAX_ID
from parindex.engine import Problem
from parindex.policy import can, require, survey_for
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.forms import (
    FormReplaceForm,
    SurveyCreateForm,
    SurveyEditForm,
    UploadForm,
)
from parindex.questionnaires.models import Channel
from parindex.questionnaires.services import questionnaire as questionnaire_services
from parindex.questionnaires.services.targets import TargetRow, targets_import_csv, targets_save
from parindex.web.http import AuthedRequest
from parindex.web.questionnaires.views_common import attachment, survey_context, uploaded


@login_required
def survey_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "surveys.view")
    return render(
        request,
        "questionnaires/survey_list.html",
        {
            "surveys": policy.visible_surveys(request.user, selectors.survey_list()),
            "can_manage": can(request.user, "surveys.manage"),
            "can_view_all": can(request.user, "surveys.view_all"),
            "can_enter": can(request.user, "surveys.enter"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    form = SurveyCreateForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        name, content = uploaded(form.cleaned_data["form_file"])
        try:
            survey, warnings = questionnaire_services.survey_create(
                actor=request.user,
                period=form.cleaned_data["period"],
                framework=form.cleaned_data["framework"],
                name=form.cleaned_data["name"],
                file_name=name,
                content=content,
                confidence=form.cleaned_data["confidence"],
                replace_unit_choices=form.cleaned_data["replace_unit_choices"],
            )
        except QuestionnaireError as error:
            problems = error.problems
        else:
            messages.success(request, _("Đã tạo cuộc điều tra %(name)s.") % {"name": survey.name})
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("questionnaires:detail", pk=survey.pk)
    return render(
        request, "questionnaires/survey_create.html", {"form": form, "problems": problems}
    )


@login_required
def survey_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.view_all")
    form = selectors.survey_form(survey)
    engine = selectors.survey_engine(survey)
    fed = set(form.nodes)
    nodes = [
        {
            "code": node.code,
            "title": node.title,
            "max_points": node.max_points,
            "fed": node.code in fed,
        }
        for node in engine.walk()
        if node.source == "survey" and node.is_leaf
    ]
    by_channel = dict.fromkeys(Channel.values, 0)
    for channel, count in survey.responses.values_list("channel").annotate(count=Count("pk")):
        by_channel[channel] = count
    open_link = (
        request.build_absolute_uri(reverse("public_survey:open", args=[survey.pk]))
        if survey.open_link_enabled
        else ""
    )
    return render(
        request,
        "questionnaires/survey_detail.html",
        survey_context(
            survey,
            request,
            form=form,
            questions=len(form.answer_questions),
            scored=len(form.scored_questions),
            nodes=nodes,
            channels=[(Channel(code).label, count) for code, count in by_channel.items()],
            total=sum(by_channel.values()),
            excluded=survey.responses.filter(excluded=True).count(),
            invitations=selectors.invitation_counts(survey, timezone.now()),
            unit_count=selectors.survey_units(survey).count(),
            open_link=open_link,
            unchecked=selectors.unchecked_count(survey),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = SurveyEditForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire_services.survey_update(
                actor=request.user, survey=survey, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("questionnaires:detail", pk=survey.pk)
    return render(
        request, "questionnaires/survey_edit.html", survey_context(survey, request, form=form)
    )


@login_required
@require_POST
def survey_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    try:
        questionnaire_services.survey_transition(
            actor=request.user, survey=survey, state=request.POST.get("state", "")
        )
    except (QuestionnaireError, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Trạng thái: %(state)s.") % {"state": survey.get_state_display()}
        )
    return redirect("questionnaires:detail", pk=survey.pk)


@login_required
@require_http_methods(["GET", "POST"])
def form_replace(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = FormReplaceForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        name, content = uploaded(form.cleaned_data["form_file"])
        try:
            warnings = questionnaire_services.survey_replace_form(
                actor=request.user,
                survey=survey,
                file_name=name,
                content=content,
                replace_unit_choices=form.cleaned_data["replace_unit_choices"],
            )
        except QuestionnaireError as error:
            problems = error.problems
        else:
            messages.success(request, _("Đã thay biểu mẫu."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("questionnaires:detail", pk=survey.pk)
    return render(
        request,
        "questionnaires/form_replace.html",
        survey_context(survey, request, form=form, problems=problems),
    )


@login_required
def form_export(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.view_all")
    name = f"{survey.form_id or 'bieu-mau'}-{survey.form_version or '1'}.xlsx"
    return attachment(
        questionnaire_services.survey_export_form(survey),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _whole(text: str, where: str, problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        problems.append(
            Problem(where, gettext("«%(text)s» phải là số nguyên không âm") % {"text": text})
        )
        return None
    if int(text) > MAX_ID:
        problems.append(Problem(where, gettext("«%(text)s» quá lớn") % {"text": text}))
        return None
    return int(text)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    units = list(selectors.survey_units(survey))
    groups = survey.respondent_groups
    problems: list[Problem] = []
    if request.method == "POST":
        rows = []
        for unit in units:
            for group in groups:
                code = group["code"]
                where = f"{unit.name} / {group['label']}"
                target = _whole(request.POST.get(f"t-{unit.pk}-{code}", ""), where, problems)
                population = _whole(request.POST.get(f"p-{unit.pk}-{code}", ""), where, problems)
                rows.append(TargetRow(unit, code, target, population))
        if not problems:
            try:
                changed = targets_save(actor=request.user, survey=survey, rows=rows)
            except QuestionnaireError as error:
                problems = error.problems
            else:
                messages.success(
                    request, _("Đã lưu chỉ tiêu (%(count)d thay đổi).") % {"count": changed}
                )
                return redirect("questionnaires:progress", pk=survey.pk)
    current = {(target.unit_id, target.respondent_group): target for target in survey.targets.all()}
    grid = [
        {
            "unit": unit,
            "cells": [
                {
                    "group": group["code"],
                    "target": request.POST.get(f"t-{unit.pk}-{group['code']}")
                    if request.method == "POST"
                    else getattr(current.get((unit.pk, group["code"])), "target", ""),
                    "population": request.POST.get(f"p-{unit.pk}-{group['code']}")
                    if request.method == "POST"
                    else getattr(current.get((unit.pk, group["code"])), "population", "") or "",
                }
                for group in groups
            ],
        }
        for unit in units
    ]
    return render(
        request,
        "questionnaires/targets.html",
        survey_context(
            survey, request, grid=grid, groups=groups, problems=problems, upload=UploadForm()
        ),
    )


@login_required
@require_POST
def targets_import(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("Hãy chọn tệp CSV chỉ tiêu."))
        return redirect("questionnaires:targets", pk=survey.pk)
    name, content = uploaded(upload.cleaned_data["file"])
    try:
        changed = targets_import_csv(
            actor=request.user, survey=survey, file_name=name, content=content
        )
    except QuestionnaireError as error:
        for problem in error.problems:
            messages.error(request, str(problem))
        return redirect("questionnaires:targets", pk=survey.pk)
    messages.success(request, _("Đã nhập chỉ tiêu (%(count)d thay đổi).") % {"count": changed})
    return redirect("questionnaires:progress", pk=survey.pk)


@login_required
def progress(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    units = policy.visible_survey_units(request.user, selectors.survey_units(survey))
    rows = selectors.survey_progress(survey, units)
    target = sum(row.target for row in rows)
    valid = sum(row.valid for row in rows)
    totals = {
        "target": target,
        "collected": sum(row.collected for row in rows),
        "valid": valid,
        "percent": Decimal(100 * valid) / Decimal(target) if target else None,
    }
    return render(
        request,
        "questionnaires/progress.html",
        survey_context(
            survey,
            request,
            rows=rows,
            totals=totals,
            unchecked=selectors.unchecked_count(survey),
        ),
    )
