"""The province's pages: the appraisal page (self and appraised side by side, a reason for
each adjustment), explanation requests, state changes, the council's approval per unit group,
publication with the decision, and amendments after publication. What cannot be undone
(finalise, approve, publish, amend) is confirmed on a page that says what will happen. The
queue and the actions on many units are in `views_queue`."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
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
    QueueFilterForm,
    TransitionForm,
)
from parindex.assessments.models import Assessment, Submission
from parindex.assessments.publication_selectors import (
    group_summary,
    publication_periods,
    publication_ready,
    published_rows,
)
from parindex.assessments.queue_selectors import (
    QueueFilters,
    appraisers,
    matching_unit_ids,
    queue_items,
)
from parindex.assessments.selectors import (
    NodeRow,
    QueueRow,
    Sheet,
    area_head,
    area_of_code,
    area_sheet,
    assessment_result,
    assessment_sheet,
    dom_id,
    engine_for_group,
    leaf_sheet,
    open_areas,
    preview,
    unit_deadline,
    values_text,
)
from parindex.assessments.services import explanations as explanation_services
from parindex.assessments.services.entries import entry_appraise
from parindex.assessments.services.publication import group_approve, period_publish, result_amend
from parindex.assessments.services.transitions import (
    PLAIN_ACTIONS,
    REASON_REQUIRED,
    assessment_transition,
)
from parindex.engine import format_number
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
from parindex.web.assessments.sheet_cache import sheet_body
from parindex.web.assessments.views_common import (
    ASSESSMENT_STATE,
    CONFLICT,
    INVALID,
    appraise_url,
    area_of,
    chosen_period,
    confirm_page,
    done,
    fragment,
    is_confirmed,
    leaf_or_404,
    safe_next,
)
from parindex.web.http import AuthedRequest


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


def _row_state(request: AuthedRequest, assessment: Assessment) -> dict[str, Any]:
    """What the rows show besides the sheet, decided per request: whether the user may
    appraise now, and may assign a task from a conclusion."""
    return {
        "assessment": assessment,
        "editable": appraisal_edit_state(request.user, assessment),
        "may_assign": can(request.user, "tasks.manage"),
    }


def _rows_context(state: dict[str, Any], sheet: Sheet) -> dict[str, Any]:
    """What a leaf's row needs, on the page, in an area fetched on demand and in a save's
    answer."""
    return {**state, "sheet": sheet}


def _with_forms(rows: list[NodeRow] | None, editable: bool) -> None:
    for row in rows or ():
        if row.is_leaf:
            row.form = _appraisal_form(row, editable)


@login_required
def appraise(request: AuthedRequest, pk: int) -> HttpResponse:
    """The appraisal page: per leaf, the unit's entry and evidence beside the appraiser's.
    The area the appraiser was working in (`?area=`), else the first with a criterion not yet
    marked final, is open; the others show their totals and fetch their rows when opened
    (`appraise_area`). The sheet is rendered once per version of what it shows
    (`sheet_cache`)."""
    require(request.user, "assessments.view_all")
    assessment = assessment_for(request.user, pk)
    state = _row_state(request, assessment)
    wanted = request.GET.get("area", "")

    def build(extra: dict[str, Any]) -> dict[str, str]:
        sheet = area_sheet(assessment)
        areas = open_areas(sheet, wanted, complete=lambda area: area.appraised)
        for area in areas:
            _with_forms(area.rows, state["editable"])
        context = {**_rows_context(state, sheet), "areas": areas, **extra}
        return {
            "totals": render_to_string("assessments/_appraise_totals.html", context),
            "areas": render_to_string("assessments/_appraise_areas.html", context),
        }

    key = (state["editable"], state["may_assign"], wanted)
    body = sheet_body(request, assessment, "appraise", key, build)
    actions = state_actions(request.user, assessment)
    deadline = unit_deadline(assessment)
    context = {
        **state,
        "body": body,
        "state_label": workflow.STATE_LABELS[workflow.State(assessment.state)],
        "plain_actions": [
            (action.value, workflow.ACTION_LABELS[action], action in REASON_REQUIRED)
            for action in actions
            if action in PLAIN_ACTIONS
        ],
        "may_request": workflow.Action.REQUEST_EXPLANATION in actions,
        "may_amend": workflow.Action.AMEND in actions,
        "may_take": workflow.Action.TAKE_UNSUBMITTED in actions,
        "deadline": deadline,
        "overdue": timezone.now() > deadline,
        "rounds": assessment.explanation_requests.prefetch_related("items"),
    }
    return render(request, "assessments/appraise.html", context)


@login_required
def appraise_area(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """One area's rows of the appraisal page, fetched by htmx when the area is opened;
    without htmx, the page with that area open."""
    require(request.user, "assessments.view_all")
    assessment = assessment_for(request.user, pk)
    if code not in engine_for_group(assessment.group).roots:
        raise Http404
    if not request.htmx:
        return redirect(appraise_url(assessment, f"{dom_id(code)}-area", area=code))
    state = _row_state(request, assessment)

    def build(extra: dict[str, Any]) -> dict[str, str]:
        sheet = area_sheet(assessment)
        area = area_of_code(sheet, code)
        _with_forms(area.rows if area else None, state["editable"])
        context = {**_rows_context(state, sheet), "area": area, **extra}
        return {"rows": render_to_string("assessments/_appraise_area_rows.html", context)}

    key = (state["editable"], state["may_assign"], code)
    body = sheet_body(request, assessment, "appraise-area", key, build)
    return HttpResponse(body["rows"])


@login_required
@require_POST
def appraise_entry(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.APPRAISE)
    node = leaf_or_404(assessment, code)
    form = AppraisalForm(request.POST, node=node)
    error, status = "", 200
    entry = None
    if not form.is_valid():
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
        status = INVALID
    else:
        data = form.cleaned_data
        try:
            entry = entry_appraise(
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
            appraise_url(assessment, dom_id(node.code), area=area_of(assessment, node.code)),
            _("Đã lưu điểm thẩm định mục %(code)s.") % {"code": node.code},
            error,
        )
    # The row as it now is and, out of band, what changed with it: its parents' totals, its
    # area's head and the totals. After a save, the assessment is as the save found it.
    if entry is None:
        assessment.refresh_from_db(fields=ASSESSMENT_STATE)
    sheet, row, parents = leaf_sheet(assessment, node.code, entry)
    context = _rows_context(_row_state(request, assessment), sheet)
    if error:
        # The appraiser's input stays on screen, on the entry's current version.
        posted = request.POST.copy()
        posted["version"] = str(row.version)
        row.form = _appraisal_form(row, context["editable"], posted)
        row.form.is_valid()
    else:
        row.form = _appraisal_form(row, context["editable"])
    area = area_head(sheet, node.code)
    context.update(
        {
            "row": row,
            "parents": [parent for parent in parents if parent.code != area.code],
            "area": area,
            "error": error,
            "saved": "" if error else _("Đã lưu."),
            "oob": True,
        }
    )
    return fragment(request, "assessments/_appraise_row.html", context, status)


@login_required
@require_POST
def transition(request: AuthedRequest, pk: int) -> HttpResponse:
    """Plain state changes (start, return to the unit, finalise, reopen, return for review)."""
    assessment = assessment_for(request.user, pk)
    form = TransitionForm(request.POST)
    back = safe_next(request, appraise_url(assessment))
    if not form.is_valid():
        return done(request, back, error=_("Thao tác không hợp lệ."))
    action = workflow.Action(form.cleaned_data["action"])
    if not may_ever(request.user, action):
        raise PermissionDenied
    if action == workflow.Action.FINALISE and not is_confirmed(request):
        return _confirm_finalise(request, assessment, back)
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


def _confirm_finalise(request: AuthedRequest, assessment: Assessment, back: str) -> HttpResponse:
    result = assessment_result(assessment)
    return confirm_page(
        request,
        title=_("Kết thúc thẩm định: %(unit)s") % {"unit": assessment.unit.name},
        consequences=[
            _("Điểm thẩm định hiện nay: %(total)s/%(max)s điểm (chỉ số %(index)s).")
            % {
                "total": format_number(result.total),
                "max": format_number(result.framework.info.max_total),
                "index": format_number(result.index),
            },
            _(
                "Các mục thẩm định viên chưa điều chỉnh được chấp nhận như đơn vị tự chấm; mọi "
                "mục được chốt."
            ),
            _(
                "Hồ sơ chuyển sang «Đã thẩm định» và chờ hội đồng thông qua; chỉ mở lại được "
                "trước khi hội đồng thông qua."
            ),
        ],
        confirm_label=_("Kết thúc thẩm định"),
        cancel_url=back,
        irreversible=False,
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


def _filtered(rows: list[QueueRow], group: UnitGroup, filters: QueueFilters) -> list[QueueRow]:
    if not filters.active:
        return rows
    ids = matching_unit_ids(group.period, [group], filters)
    return [row for row in rows if row.unit_id in ids]


@login_required
def council(request: AuthedRequest) -> HttpResponse:
    """The period's unit groups and how far each is from the council's approval; with a
    filter (name, state, how the unit sent), the matching units of the chosen groups."""
    require(request.user, "assessments.view_all")
    period = chosen_period(request)
    groups = list(period.groups.select_related("framework", "period")) if period else []
    wanted = request.GET.get("group", "")
    chosen = [group for group in groups if str(group.pk) == wanted] or groups
    form = QueueFilterForm(request.GET or None, appraisers=appraisers())
    filters = form.filters()
    items = queue_items(period, chosen, filters)[1] if period and filters.active else []
    return render(
        request,
        "assessments/council.html",
        {
            "periods": AssessmentPeriod.objects.all(),
            "period": period,
            "groups": groups,
            "wanted": wanted,
            "form": form,
            "filtering": filters.active,
            "items": items,
            "summaries": [group_summary(group) for group in chosen],
            "may_approve": can(request.user, "assessments.approve"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_review(request: AuthedRequest, group_pk: int) -> HttpResponse:
    """One group's appraised results (provisional ranks), approved here by the council after a
    summary of what it approves."""
    require(request.user, "assessments.view_all")
    group = UnitGroup.objects.select_related("period", "framework").filter(pk=group_pk).first()
    if group is None:
        raise Http404
    form = ApprovalForm(request.POST or None)
    url = reverse("assessments:group_review", args=[group.pk])
    if request.method == "POST":
        require(request.user, "assessments.approve")
        if form.is_valid():
            note = form.cleaned_data["note"]
            summary = group_summary(group)
            if summary["ready"] and not is_confirmed(request):
                return _confirm_approval(request, summary, note, url)
            try:
                group_approve(actor=request.user, group=group, note=note)
            except WorkflowError as refused:
                return done(request, url, error=str(refused))
            return done(
                request, url, _("Hội đồng đã thông qua kết quả nhóm %(name)s.") % {"name": group}
            )
    summary = group_summary(group)
    filter_form = QueueFilterForm(request.GET or None, appraisers=appraisers())
    filters = filter_form.filters()
    return render(
        request,
        "assessments/group_review.html",
        {
            **summary,
            "rows": _filtered(summary["rows"], group, filters),
            "total": len(summary["rows"]),
            "filter_form": filter_form,
            "filtering": filters.active,
            "form": form,
            "may_approve": can(request.user, "assessments.approve"),
            "return_action": workflow.Action.RETURN_FOR_REVIEW.value,
        },
    )


def _class_counts(rows: list[QueueRow]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.class_label] = counts.get(row.class_label, 0) + 1
    return sorted(counts.items())


def _submission_count(rows: list[QueueRow], kind: str) -> int:
    return sum(1 for row in rows if row.assessment and row.assessment.submission == kind)


def _confirm_approval(
    request: AuthedRequest, summary: dict[str, Any], note: str, url: str
) -> HttpResponse:
    group: UnitGroup = summary["group"]
    rows: list[QueueRow] = summary["rows"]
    approving = [
        row for row in rows if row.assessment and row.assessment.state == workflow.State.APPRAISED
    ]
    lines = [
        _(
            "%(count)s hồ sơ «Đã thẩm định» của nhóm %(group)s chuyển sang «Hội đồng đã thông "
            "qua»; điểm bị khóa, chỉ sửa được khi hội đồng trả lại để thẩm định lại."
        )
        % {"count": len(approving), "group": group.name},
    ]
    not_submitted = _submission_count(rows, Submission.NOT_SUBMITTED)
    late = _submission_count(rows, Submission.LATE)
    if not_submitted or late:
        lines.append(
            _(
                "Trong nhóm có %(not_submitted)s đơn vị không gửi tự đánh giá và %(late)s đơn vị "
                "gửi muộn; điểm của các đơn vị này theo quy định của bộ tiêu chí."
            )
            % {"not_submitted": not_submitted, "late": late}
        )
    lines.append(
        _(
            "Thẩm định viên và quản trị hệ thống được thông báo; kết quả được công bố khi mọi "
            "nhóm của kỳ đã được thông qua."
        )
    )
    return confirm_page(
        request,
        title=_("Thông qua kết quả nhóm %(group)s") % {"group": group.name},
        consequences=lines,
        confirm_label=_("Thông qua %(count)s đơn vị") % {"count": len(approving)},
        cancel_url=url,
        summary_template="assessments/_approval_summary.html",
        context={
            "rows": rows,
            "classes": _class_counts(rows),
            "note": note,
            "average_index": _average_index(rows),
        },
    )


def _average_index(rows: list[QueueRow]) -> Any:
    indices = [row.index for row in rows if row.index is not None]
    if not indices:
        return None
    return sum(indices) / len(indices)


# --- publication and amendments ----------------------------------------------------------------


@login_required
def publication_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "assessments.publish")
    return render(request, "assessments/publication_list.html", {"periods": publication_periods()})


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthedRequest, period_pk: int) -> HttpResponse:
    """The administrator publishes the period's approved results with the decision, after a
    page that says what publication does."""
    require(request.user, "assessments.publish")
    period = period_for(request.user, period_pk)
    form = PublishForm(request.POST or None)
    url = reverse("assessments:publish", args=[period.pk])
    error = ""
    is_published = period.status == PeriodStatus.PUBLISHED
    groups = list(period.groups.select_related("framework", "period"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not is_confirmed(request) and not is_published and publication_ready(period):
            summaries = [group_summary(group) for group in groups]
            return _confirm_publication(request, period, summaries, data, url)
        try:
            count = period_publish(
                actor=request.user,
                period=period,
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
            )
        except WorkflowError as refused:
            error = str(refused)
        else:
            return done(
                request, url, _("Đã công bố kết quả của %(count)s đơn vị.") % {"count": count}
            )
    filter_form = QueueFilterForm(request.GET or None, appraisers=appraisers())
    filters = filter_form.filters()
    wanted = request.GET.get("group", "")
    summaries = []
    if not is_published:
        for group in groups:
            if wanted and str(group.pk) != wanted:
                continue
            summary = group_summary(group)
            summaries.append({**summary, "rows": _filtered(summary["rows"], group, filters)})
    return render(
        request,
        "assessments/publish.html",
        {
            "period": period,
            "form": form,
            "error": error,
            "filter_form": filter_form,
            "filtering": filters.active or bool(wanted),
            "all_groups": groups,
            "wanted": wanted,
            # The groups' tables before publication, the published rows after.
            "groups": summaries,
            "ready": publication_ready(period),
            "is_published": is_published,
            "published": published_rows(period) if is_published else [],
        },
        status=INVALID if error else 200,
    )


def _confirm_publication(
    request: AuthedRequest,
    period: AssessmentPeriod,
    summaries: list[dict[str, Any]],
    data: dict[str, Any],
    url: str,
) -> HttpResponse:
    rows = [row for summary in summaries for row in summary["rows"]]
    lines = [
        _(
            "Kết quả của %(count)s đơn vị ở %(groups)s nhóm được công bố theo Quyết định "
            "%(number)s ngày %(date)s: tổng điểm, chỉ số, thứ hạng và xếp loại được giữ nguyên "
            "như đã công bố."
        )
        % {
            "count": len(rows),
            "groups": len(summaries),
            "number": data["decision_number"],
            "date": data["decision_date"].strftime("%d/%m/%Y"),
        },
        _("Mọi người dùng được thông báo; đơn vị xem được kết quả và điểm thẩm định của mình."),
        _(
            "Sau khi công bố, kết quả chỉ sửa được bằng điều chỉnh có lý do; kết quả đã công "
            "bố vẫn được giữ."
        ),
    ]
    not_submitted = _submission_count(rows, Submission.NOT_SUBMITTED)
    if not_submitted:
        lines.append(
            _(
                "%(count)s đơn vị không gửi tự đánh giá được công bố với điểm thẩm định và ghi "
                "chú «không gửi»."
            )
            % {"count": not_submitted}
        )
    return confirm_page(
        request,
        title=_("Công bố kết quả %(period)s") % {"period": period.name},
        consequences=lines,
        confirm_label=_("Công bố kết quả"),
        cancel_url=url,
        summary_template="assessments/_publication_summary.html",
        context={"summaries": summaries},
    )


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a published result, with a reason, after a page that shows the change; the old
    published row stays as it was."""
    assessment = assessment_for(request.user, pk, action=workflow.Action.AMEND)
    sheet = assessment_sheet(assessment)
    leaves = [row for row in sheet.rows if row.is_leaf]
    code = request.POST.get("node") or request.GET.get("node") or ""
    row = next((each for each in leaves if each.code == code), None)
    form = None
    error = ""
    url = reverse("assessments:amend", args=[assessment.pk])
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
            elif not is_confirmed(request):
                points, explanation = preview(row.node, values)
                if points is None:
                    error = _("Mục %(code)s: %(message)s") % {
                        "code": row.code,
                        "message": explanation,
                    }
                else:
                    return _confirm_amendment(
                        request, assessment, row, values, points, form.cleaned_data["reason"], url
                    )
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
                        url,
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


def _confirm_amendment(
    request: AuthedRequest,
    assessment: Assessment,
    row: NodeRow,
    values: dict[str, Any],
    points: Any,
    reason: str,
    url: str,
) -> HttpResponse:
    return confirm_page(
        request,
        title=_("Điều chỉnh kết quả đã công bố: %(unit)s") % {"unit": assessment.unit.name},
        consequences=[
            _("Mục %(code)s: %(old)s → %(new)s/%(max)s điểm (%(values)s).")
            % {
                "code": row.code,
                "old": format_number(row.appraised_result.points),
                "new": format_number(points),
                "max": format_number(row.node.max_points),
                "values": values_text(row.node, values),
            },
            _("Lý do: %(reason)s") % {"reason": reason.strip()},
            _(
                "Nhóm %(group)s được xếp hạng lại; mỗi đơn vị có điểm, hạng hoặc xếp loại thay "
                "đổi nhận một kết quả công bố mới ghi là điều chỉnh, kèm lý do; kết quả đã công "
                "bố vẫn được giữ."
            )
            % {"group": assessment.group.name},
            _("Đơn vị, lãnh đạo tỉnh và hội đồng được thông báo."),
        ],
        confirm_label=_("Điều chỉnh và xếp hạng lại"),
        cancel_url=f"{url}?node={row.code}",
    )
