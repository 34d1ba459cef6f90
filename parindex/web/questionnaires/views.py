"""Survey pages for staff: list, questionnaire import/export, targets and progress,
invitations, paper-form entry, ODK/Kobo import, response review, results, the feed into
the assessments and the anonymised export. Thin: access.py decides, services write,
selectors read."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex import policy
from parindex.engine import Problem
from parindex.policy import can, require, survey_for
from parindex.questionnaires import selectors, services
from parindex.questionnaires.definition import label_of
from parindex.questionnaires.forms import (
    DecisionForm,
    FormReplaceForm,
    ImportForm,
    InvitationForm,
    SurveyCreateForm,
    SurveyEditForm,
    UploadForm,
    answer_form,
)
from parindex.questionnaires.models import Channel, Invitation, Response, Survey, SurveyState
from parindex.surveys.integrity import RULE_TITLES
from parindex.surveys.scoring import NodeEstimate, UnitEstimate, UnitFlag
from parindex.units.models import Unit

CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel reads UTF-8 CSV as such only with a byte-order mark


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _uploaded(upload: Any) -> tuple[str, bytes]:
    return upload.name, upload.read()


def _context(survey: Survey, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "survey": survey,
        "can_manage": can(user, "surveys.manage"),
        "can_view_all": can(user, "surveys.view_all"),
        "can_enter": can(user, "surveys.enter"),
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
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
def survey_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "surveys.manage")
    form = SurveyCreateForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        name, content = _uploaded(form.cleaned_data["form_file"])
        try:
            survey, warnings = services.survey_create(
                actor=request.user,
                period=form.cleaned_data["period"],
                framework=form.cleaned_data["framework"],
                name=form.cleaned_data["name"],
                file_name=name,
                content=content,
                confidence=form.cleaned_data["confidence"],
                replace_unit_choices=form.cleaned_data["replace_unit_choices"],
            )
        except services.QuestionnaireError as error:
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
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        _context(
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
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = SurveyEditForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(actor=request.user, survey=survey, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("questionnaires:detail", pk=survey.pk)
    return render(request, "questionnaires/survey_edit.html", _context(survey, request, form=form))


@login_required
@require_POST
def survey_transition(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    try:
        services.survey_transition(
            actor=request.user, survey=survey, state=request.POST.get("state", "")
        )
    except (services.QuestionnaireError, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Trạng thái: %(state)s.") % {"state": survey.get_state_display()}
        )
    return redirect("questionnaires:detail", pk=survey.pk)


@login_required
@require_http_methods(["GET", "POST"])
def form_replace(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = FormReplaceForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        name, content = _uploaded(form.cleaned_data["form_file"])
        try:
            warnings = services.survey_replace_form(
                actor=request.user,
                survey=survey,
                file_name=name,
                content=content,
                replace_unit_choices=form.cleaned_data["replace_unit_choices"],
            )
        except services.QuestionnaireError as error:
            problems = error.problems
        else:
            messages.success(request, _("Đã thay biểu mẫu."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("questionnaires:detail", pk=survey.pk)
    return render(
        request,
        "questionnaires/form_replace.html",
        _context(survey, request, form=form, problems=problems),
    )


@login_required
def form_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.view_all")
    name = f"{survey.form_id or 'bieu-mau'}-{survey.form_version or '1'}.xlsx"
    return _attachment(
        services.survey_export_form(survey),
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ---------------------------------------------------------------------------------------------
# Sampling targets and progress
# ---------------------------------------------------------------------------------------------


def _whole(text: str, where: str, problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        problems.append(Problem(where, f"«{text}» phải là số nguyên không âm"))
        return None
    return int(text)


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, pk: int) -> HttpResponse:
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
                rows.append(services.TargetRow(unit, code, target, population))
        if not problems:
            try:
                changed = services.targets_save(actor=request.user, survey=survey, rows=rows)
            except services.QuestionnaireError as error:
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
        _context(survey, request, grid=grid, groups=groups, problems=problems, upload=UploadForm()),
    )


@login_required
@require_POST
def targets_import(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(request, _("Hãy chọn tệp CSV chỉ tiêu."))
        return redirect("questionnaires:targets", pk=survey.pk)
    name, content = _uploaded(upload.cleaned_data["file"])
    try:
        changed = services.targets_import_csv(
            actor=request.user, survey=survey, file_name=name, content=content
        )
    except services.QuestionnaireError as error:
        for problem in error.problems:
            messages.error(request, str(problem))
        return redirect("questionnaires:targets", pk=survey.pk)
    messages.success(request, _("Đã nhập chỉ tiêu (%(count)d thay đổi).") % {"count": changed})
    return redirect("questionnaires:progress", pk=survey.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
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
        _context(
            survey,
            request,
            rows=rows,
            totals=totals,
            unchecked=selectors.unchecked_count(survey),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------------------------


def _links_csv(request: HttpRequest, created: list[tuple[Invitation, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["unit", "unit_name", "respondent_group", "link", "expires_at"])
    for invitation, token in created:
        writer.writerow(
            [
                invitation.unit.code,
                invitation.unit.name,
                invitation.respondent_group,
                request.build_absolute_uri(reverse("public_survey:token", args=[token])),
                timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
            ]
        )
    return BOM + buffer.getvalue()


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    units = selectors.survey_units(survey)
    form = InvitationForm(request.POST or None, units=units, groups=survey.respondent_groups)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        expires = datetime.datetime.combine(
            form.cleaned_data["expires_on"], datetime.time(23, 59), timezone.get_current_timezone()
        )
        try:
            created = services.invitations_create(
                actor=request.user,
                survey=survey,
                unit=form.cleaned_data["unit"],
                respondent_group=form.cleaned_data["respondent_group"],
                count=form.cleaned_data["count"],
                expires_at=expires,
            )
        except services.QuestionnaireError as error:
            problems = error.problems
        else:
            text = _links_csv(request, created)
            name = f"thu-moi-{survey.pk}-{created[0][0].unit.code}.csv"
            if request.POST.get("output") == "csv":
                return _attachment(text.encode("utf-8"), name, CSV_TYPE)
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
                _context(
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
        _context(
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
def invitations_export(request: HttpRequest, pk: int) -> HttpResponse:
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
            [
                invitation.unit.code,
                invitation.respondent_group,
                invitation.hint,
                timezone.localtime(invitation.created_at).strftime("%d/%m/%Y %H:%M"),
                timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y %H:%M"),
                selectors.invitation_status(invitation, now),
            ]
        )
    return _attachment(
        (BOM + buffer.getvalue()).encode("utf-8"), f"thu-moi-{survey.pk}.csv", CSV_TYPE
    )


# ---------------------------------------------------------------------------------------------
# Staff entry and imports
# ---------------------------------------------------------------------------------------------


def _entry_units(survey: Survey, user: Any) -> list[Unit]:
    return list(policy.visible_survey_units(user, selectors.survey_units(survey)))


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
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
            response = services.response_enter(
                actor=request.user, survey=survey, data=request.POST, units=units
            )
        except services.AnswerInvalid as error:
            bound = error.form
        except services.QuestionnaireError as error:
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
        _context(
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
def import_responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    outcome = None
    read = None
    if request.method == "POST" and form.is_valid():
        name, content = _uploaded(form.cleaned_data["file"])
        try:
            outcome = services.responses_import(
                actor=request.user,
                survey=survey,
                file_name=name,
                content=content,
                skip_rejected=form.cleaned_data["skip_rejected"],
            )
        except services.ImportRejected as error:
            problems, read = error.problems, error.read
        except services.QuestionnaireError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "Đã nhập %(imported)d phiếu từ %(read)d dòng (%(present)d phiếu đã có,"
                    " %(rejected)d dòng lỗi bỏ qua)."
                )
                % {
                    "imported": outcome.imported,
                    "read": outcome.read,
                    "present": outcome.already_present,
                    "rejected": len(outcome.rejected),
                },
            )
    return render(
        request,
        "questionnaires/import.html",
        _context(
            survey,
            request,
            form=form,
            problems=problems,
            read=read,
            outcome=outcome,
            batches=survey.batches.select_related("imported_by")[:20],
        ),
    )


# ---------------------------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------------------------


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
def review(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    unit_text = request.GET.get("unit", "")
    filters = selectors.ReviewFilters(
        rule=request.GET.get("rule", "") if request.GET.get("rule") in RULE_TITLES else "",
        unit=int(unit_text) if unit_text.isdigit() else None,
        status=request.GET.get("status", ""),
    )
    page = Paginator(selectors.review_queryset(survey, filters), 50).get_page(
        request.GET.get("page")
    )
    for response in page:
        response.group_label = survey.group_label(response.respondent_group)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.rule_counts(survey)
    return render(
        request,
        "questionnaires/review.html",
        _context(
            survey,
            request,
            page=page,
            filters=filters,
            query=query.urlencode(),
            rules=[(code, title, counts.get(code, 0)) for code, title in RULE_TITLES.items()],
            units=selectors.survey_units(survey),
            rule_titles=RULE_TITLES,
            unchecked=selectors.unchecked_count(survey),
        ),
    )


@login_required
def response_detail(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    response = _response_for(survey, response_pk)
    form = selectors.survey_form(survey)
    language = form.default_language
    answers = []
    for question in form.answer_questions:
        value = response.answers.get(question.name)
        if value is None:
            continue
        shown = value
        if question.list_name:
            by_name = {c.name: c for c in form.choices.get(question.list_name, ())}
            picked = value.split() if question.base_type == "select_multiple" else [value]
            shown = ", ".join(
                label_of(by_name[name].labels, language, language, name)
                if name in by_name
                else name
                for name in picked
            )
        answers.append(
            {
                "label": label_of(question.labels, language, language, question.name),
                "name": question.name,
                "value": shown,
                "raw": value,
                "personal": question.is_personal,
            }
        )
    action = "reinstate" if response.excluded else "exclude"
    return render(
        request,
        "questionnaires/response_detail.html",
        _context(
            survey,
            request,
            response=response,
            group_label=survey.group_label(response.respondent_group),
            answers=answers,
            reviews=response.reviews.all(),
            decision=DecisionForm(initial={"action": action}),
            action=action,
            rule_titles=RULE_TITLES,
        ),
    )


@login_required
@require_POST
def response_decide(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    response = _response_for(survey, response_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do."))
    else:
        try:
            services.response_decide(
                actor=request.user,
                response=response,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except services.QuestionnaireError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã ghi quyết định."))
    return redirect("questionnaires:response", pk=survey.pk, response_pk=response.pk)


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    summary = services.survey_check(survey=survey, actor=request.user)
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


# ---------------------------------------------------------------------------------------------
# Results, feed, export
# ---------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    unit: Unit
    estimate: UnitEstimate | None
    flags: list[UnitFlag]
    groups: list[tuple[str, int]]  # respondent group label, valid responses
    node_pairs: list[tuple[Any, NodeEstimate | None]]  # (framework node, its estimate)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    view_all = can(request.user, "surveys.view_all")
    units = list(policy.visible_survey_units(request.user, selectors.survey_units(survey)))
    outcome = selectors.survey_results(survey)
    engine = selectors.survey_engine(survey)
    nodes = []
    rows = []
    if outcome.results is not None:
        nodes = [engine.nodes[code] for code in outcome.results.nodes]
        estimates = {estimate.unit: estimate for estimate in outcome.results.units}
        ordered = sorted(
            units,
            key=lambda unit: (
                estimates[unit.code].rank or 0 if unit.code in estimates else 10**6,
                unit.name,
            ),
        )
        for unit in ordered:
            estimate = estimates.get(unit.code)
            flags = list(estimate.flags) if estimate else []
            if not view_all:
                # The overlap flag names the neighbouring units, which a unit user may not see.
                flags = [flag for flag in flags if flag.code != "rank_overlap"]
            rows.append(
                ResultRow(
                    unit,
                    estimate,
                    flags,
                    [
                        (survey.group_label(group), count)
                        for group, count in (estimate.n_by_group.items() if estimate else [])
                    ],
                    [(node, estimate.nodes.get(node.code) if estimate else None) for node in nodes],
                )
            )
    return render(
        request,
        "questionnaires/results.html",
        _context(
            survey,
            request,
            outcome=outcome,
            nodes=nodes,
            rows=rows,
            view_all=view_all,
        ),
    )


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    outcome = services.survey_apply(survey=survey, actor=request.user)
    if outcome.message:
        messages.error(request, outcome.message)
    else:
        messages.success(
            request,
            _("Đã chuyển điểm điều tra vào hồ sơ đánh giá của %(count)d đơn vị.")
            % {"count": len(outcome.applied)},
        )
    if outcome.locked:
        messages.warning(
            request,
            _("Không cập nhật hồ sơ đã được thông qua hoặc công bố: %(units)s.")
            % {"units": ", ".join(outcome.locked)},
        )
    if outcome.without_responses:
        messages.warning(
            request,
            _("Chưa có phiếu hợp lệ, không cập nhật: %(units)s.")
            % {"units": ", ".join(outcome.without_responses)},
        )
    for refusal in outcome.refused:
        messages.error(request, refusal)
    return redirect("questionnaires:results", pk=survey.pk)


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.view_all")
    name = f"phieu-an-danh-{survey.form_id or survey.pk}.csv"
    return _attachment(selectors.anonymised_csv(survey), name, CSV_TYPE)
