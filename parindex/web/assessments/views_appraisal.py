"""The province's pages: the appraisal queue, the appraisal page (self and appraised side by
side, a reason for each adjustment), explanation requests, state changes, the council's
approval per unit group, publication with the decision, and amendments after publication."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex.assessments import workflow
from parindex.assessments.errors import StaleEdit, WorkflowError
from parindex.assessments.forms import (
    AmendmentForm,
    AppraisalForm,
    ApprovalForm,
    ExplanationRequestForm,
    PublishForm,
    TransitionForm,
)
from parindex.assessments.models import Assessment
from parindex.assessments.publication_selectors import (
    group_summary,
    publication_periods,
    publication_ready,
    published_rows,
    state_counts,
)
from parindex.assessments.selectors import (
    NodeRow,
    Sheet,
    assessment_sheet,
    dom_id,
    leaf_sheet,
    queue_rows,
)
from parindex.assessments.services import explanations as explanation_services
from parindex.assessments.services.entries import entry_appraise
from parindex.assessments.services.publication import group_approve, period_publish, result_amend
from parindex.assessments.services.transitions import (
    PLAIN_ACTIONS,
    REASON_REQUIRED,
    assessment_transition,
)
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup
from parindex.policy import (
    appraisal_edit_state,
    assessment_for,
    can,
    may_ever,
    period_for,
    require,
    state_actions,
)
from parindex.web.assessments.views_common import (
    CONFLICT,
    INVALID,
    appraise_url,
    done,
    leaf_or_404,
)
from parindex.web.http import AuthedRequest


def _chosen_period(request: HttpRequest) -> AssessmentPeriod | None:
    """The period asked for, else the latest one still in progress, else the latest."""
    periods = AssessmentPeriod.objects.all()
    wanted = request.GET.get("period", "")
    if wanted.isdigit():
        period = periods.filter(pk=int(wanted)).first()
        if period is not None:
            return period
    return (
        periods.exclude(status=PeriodStatus.PUBLISHED).filter(groups__isnull=False).first()
        or periods.first()
    )


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """Every unit of one group of one period: state, self and appraised totals."""
    require(request.user, "assessments.view_all")
    period = _chosen_period(request)
    groups = list(period.groups.select_related("framework")) if period else []
    wanted = request.GET.get("group", "")
    group = next((g for g in groups if str(g.pk) == wanted), groups[0] if groups else None)
    rows = queue_rows(group) if group is not None else []
    return render(
        request,
        "assessments/queue.html",
        {
            "periods": AssessmentPeriod.objects.all(),
            "period": period,
            "groups": groups,
            "group": group,
            "rows": rows,
            "counts": state_counts(rows),
            "appraisable": [
                state.value for state in (*workflow.APPRAISER_EDITABLE, workflow.State.SUBMITTED)
            ],
        },
    )


def _appraisal_form(row: NodeRow, editable: bool, data: Any = None) -> AppraisalForm:
    entry = row.entry
    values = None
    if entry is not None:
        values = entry.appraised_values if entry.appraised_values is not None else entry.self_values
    return AppraisalForm(
        data,
        node=row.node,
        values=values,
        disabled=not editable,
        auto_id=f"{row.dom_id}-%s",
        initial={
            "reason_code": entry.reason_code if entry else "",
            "comment": entry.appraiser_comment if entry else "",
            "explanation_accepted": entry.explanation_accepted if entry else False,
            "finalised": entry.finalised if entry else False,
            "version": row.version,
        },
    )


def _appraisal_context(
    request: AuthedRequest, assessment: Assessment, sheet: Sheet
) -> dict[str, Any]:
    editable = appraisal_edit_state(request.user, assessment)
    for row in sheet.rows:
        if row.is_leaf:
            row.form = _appraisal_form(row, editable)
    actions = state_actions(request.user, assessment)
    return {
        "assessment": assessment,
        "sheet": sheet,
        "editable": editable,
        "state_label": workflow.STATE_LABELS[workflow.State(assessment.state)],
        "plain_actions": [
            (action.value, workflow.ACTION_LABELS[action], action in REASON_REQUIRED)
            for action in actions
            if action in PLAIN_ACTIONS
        ],
        "may_request": workflow.Action.REQUEST_EXPLANATION in actions,
        "may_amend": workflow.Action.AMEND in actions,
        "rounds": assessment.explanation_requests.prefetch_related("items"),
    }


@login_required
def appraise(request: AuthedRequest, pk: int) -> HttpResponse:
    """The appraisal page: per leaf, the unit's entry and evidence beside the appraiser's."""
    require(request.user, "assessments.view_all")
    assessment = assessment_for(request.user, pk)
    sheet = assessment_sheet(assessment)
    return render(
        request, "assessments/appraise.html", _appraisal_context(request, assessment, sheet)
    )


@login_required
@require_POST
def appraise_entry(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.APPRAISE)
    node = leaf_or_404(assessment, code)
    form = AppraisalForm(request.POST, node=node)
    error, status = "", 200
    if not form.is_valid():
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
        status = INVALID
    else:
        data = form.cleaned_data
        try:
            entry_appraise(
                actor=request.user,
                assessment=assessment,
                node_code=node.code,
                values=form.values(),
                reason_code=data["reason_code"],
                comment=data["comment"],
                explanation_accepted=data["explanation_accepted"],
                finalised=data["finalised"],
                expected_version=data["version"],
            )
        except StaleEdit as stale:
            error, status = str(stale), CONFLICT
        except WorkflowError as refused:
            error, status = str(refused), INVALID
    if not request.htmx:
        return done(
            request,
            appraise_url(assessment, dom_id(node.code)),
            _("Đã lưu điểm thẩm định mục %(code)s.") % {"code": node.code},
            error,
        )
    assessment.refresh_from_db()
    sheet, row, parents = leaf_sheet(assessment, node.code)
    context = _appraisal_context(request, assessment, sheet)
    if error:
        # The appraiser's input stays on screen, on the entry's current version.
        posted = request.POST.copy()
        posted["version"] = str(row.version)
        row.form = _appraisal_form(row, context["editable"], posted)
        row.form.is_valid()
    context.update(
        {
            "row": row,
            "parents": parents,
            "error": error,
            "saved": "" if error else _("Đã lưu."),
            "oob": True,
        }
    )
    return render(request, "assessments/_appraise_row.html", context, status=status)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def transition(request: AuthedRequest, pk: int) -> HttpResponse:
    """Plain state changes (start, return to the unit, finalise, reopen, return for review)."""
    assessment = assessment_for(request.user, pk)
    form = TransitionForm(request.POST)
    back = _safe_next(request, appraise_url(assessment))
    if not form.is_valid():
        return done(request, back, error=_("Thao tác không hợp lệ."))
    action = workflow.Action(form.cleaned_data["action"])
    if not may_ever(request.user, action):
        raise PermissionDenied
    try:
        assessment_transition(
            actor=request.user,
            assessment=assessment,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except WorkflowError as refused:
        return done(request, back, error=str(refused))
    state = workflow.STATE_LABELS[workflow.State(assessment.state)]
    return done(
        request,
        back,
        _("Đã %(action)s: hồ sơ chuyển sang «%(state)s».")
        % {"action": workflow.ACTION_LABELS[action], "state": state},
    )


def _default_deadline() -> datetime.datetime:
    """Five days from now at 17:00, the end of an office day."""
    day = timezone.localdate() + datetime.timedelta(days=5)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))


@login_required
@require_http_methods(["GET", "POST"])
def explanation_request(request: AuthedRequest, pk: int) -> HttpResponse:
    """Pick nodes (a question each) and a deadline; the unit is notified."""
    assessment = assessment_for(request.user, pk, action=workflow.Action.REQUEST_EXPLANATION)
    sheet = assessment_sheet(assessment)
    leaves = [row for row in sheet.rows if row.is_leaf]
    form = ExplanationRequestForm(
        request.POST or None,
        codes=[row.code for row in leaves],
        initial={"deadline": _default_deadline()},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            round_ = explanation_services.explanation_request(
                actor=request.user,
                assessment=assessment,
                questions=form.questions(),
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
            )
        except WorkflowError as refused:
            error = str(refused)
        else:
            return done(
                request,
                appraise_url(assessment),
                _("Đã gửi yêu cầu giải trình %(count)s mục tới đơn vị.")
                % {"count": round_.items.count()},
            )
    rows = [(row, form.question_field(row.code)) for row in leaves]
    return render(
        request,
        "assessments/explanation_request.html",
        {
            "assessment": assessment,
            "form": form,
            "rows": rows,
            "error": error,
            "allowed": workflow.Action.REQUEST_EXPLANATION
            in state_actions(request.user, assessment),
            "state_label": workflow.STATE_LABELS[workflow.State(assessment.state)],
        },
        status=INVALID if error else 200,
    )


# --- the council ---------------------------------------------------------------------------


@login_required
def council(request: AuthedRequest) -> HttpResponse:
    """The period's unit groups and how far each is from the council's approval."""
    require(request.user, "assessments.view_all")
    period = _chosen_period(request)
    groups = list(period.groups.select_related("framework")) if period else []
    return render(
        request,
        "assessments/council.html",
        {
            "periods": AssessmentPeriod.objects.all(),
            "period": period,
            "summaries": [group_summary(group) for group in groups],
            "may_approve": can(request.user, "assessments.approve"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_review(request: AuthedRequest, group_pk: int) -> HttpResponse:
    """One group's appraised results (provisional ranks), approved here by the council."""
    require(request.user, "assessments.view_all")
    group = UnitGroup.objects.select_related("period", "framework").filter(pk=group_pk).first()
    if group is None:
        raise Http404
    form = ApprovalForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "assessments.approve")
        if form.is_valid():
            url = reverse("assessments:group_review", args=[group.pk])
            try:
                group_approve(
                    actor=request.user,
                    group=group,
                    note=form.cleaned_data["note"],
                )
            except WorkflowError as refused:
                return done(request, url, error=str(refused))
            return done(
                request, url, _("Hội đồng đã thông qua kết quả nhóm %(name)s.") % {"name": group}
            )
    summary = group_summary(group)
    return render(
        request,
        "assessments/group_review.html",
        {
            **summary,
            "form": form,
            "may_approve": can(request.user, "assessments.approve"),
            "return_action": workflow.Action.RETURN_FOR_REVIEW.value,
        },
    )


# --- publication and amendments ----------------------------------------------------------------


@login_required
def publication_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "assessments.publish")
    return render(request, "assessments/publication_list.html", {"periods": publication_periods()})


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthedRequest, period_pk: int) -> HttpResponse:
    """The administrator publishes the period's approved results with the decision."""
    require(request.user, "assessments.publish")
    period = period_for(request.user, period_pk)
    form = PublishForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            count = period_publish(
                actor=request.user,
                period=period,
                decision_number=form.cleaned_data["decision_number"],
                decision_date=form.cleaned_data["decision_date"],
            )
        except WorkflowError as refused:
            error = str(refused)
        else:
            return done(
                request,
                reverse("assessments:publish", args=[period.pk]),
                _("Đã công bố kết quả của %(count)s đơn vị.") % {"count": count},
            )
    is_published = period.status == PeriodStatus.PUBLISHED
    return render(
        request,
        "assessments/publish.html",
        {
            "period": period,
            "form": form,
            "error": error,
            # The groups' tables before publication, the published rows after.
            "groups": []
            if is_published
            else [group_summary(group) for group in period.groups.select_related("framework")],
            "ready": publication_ready(period),
            "is_published": is_published,
            "published": published_rows(period) if is_published else [],
        },
        status=INVALID if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a published result, with a reason; the old published row stays as it was."""
    assessment = assessment_for(request.user, pk, action=workflow.Action.AMEND)
    sheet = assessment_sheet(assessment)
    leaves = [row for row in sheet.rows if row.is_leaf]
    code = request.POST.get("node") or request.GET.get("node") or ""
    row = next((each for each in leaves if each.code == code), None)
    form = None
    error = ""
    if row is not None:
        entry = row.entry
        stored = None
        if entry is not None:
            stored = (
                entry.appraised_values if entry.appraised_values is not None else entry.self_values
            )
        form = AmendmentForm(request.POST or None, node=row.node, values=stored)
        if request.method == "POST" and form.is_valid():
            values = form.values()
            if values is None:
                error = _("Nhập giá trị mới của mục.")
            else:
                try:
                    amended = result_amend(
                        actor=request.user,
                        assessment=assessment,
                        node_code=row.code,
                        values=values,
                        reason=form.cleaned_data["reason"],
                    )
                except WorkflowError as refused:
                    error = str(refused)
                else:
                    return done(
                        request,
                        reverse("assessments:amend", args=[assessment.pk]),
                        _("Đã điều chỉnh; %(count)s đơn vị có kết quả công bố mới.")
                        % {"count": len(amended)},
                    )
    history = PublishedResult.objects.filter(
        period=assessment.period, unit=assessment.unit
    ).select_related("amends")
    return render(
        request,
        "assessments/amend.html",
        {
            "assessment": assessment,
            "leaves": leaves,
            "row": row,
            "form": form,
            "error": error,
            "history": history.order_by("published_at", "pk"),
            "is_published": assessment.state == workflow.State.PUBLISHED,
        },
        status=INVALID if error else 200,
    )
