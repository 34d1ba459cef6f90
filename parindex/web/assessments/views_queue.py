"""The appraisal queue at the scale of a province: filters (group, state, how the unit sent,
name without diacritics, appraiser, date), actions on many units at once (start, take in
without a submission, finalise, remind), each through its own service with a report of who
succeeded and who was refused and why, and taking one unit in that never submitted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.forms import BULK_ACTIONS, BulkActionForm, QueueFilterForm
from parindex.assessments.models import Assessment
from parindex.assessments.publication_selectors import state_counts
from parindex.assessments.queue_selectors import appraisers, queue_items
from parindex.assessments.selectors import engine_for_group, period_unit_deadline
from parindex.assessments.services.shared import local_time
from parindex.assessments.services.transitions import (
    assessment_remind,
    assessment_take_unsubmitted,
    assessment_transition,
)
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.policy import can, may_ever, period_for, require, unit_for
from parindex.units.models import Unit
from parindex.web.assessments.views_common import (
    appraise_url,
    chosen_period,
    confirm_page,
    done,
    is_confirmed,
    safe_next,
)
from parindex.web.http import AuthedRequest

ALL_GROUPS = "all"


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """Every unit of one group (or of all groups) of one period, filtered: state, self and
    appraised totals, and for the appraiser a form to act on many units at once."""
    require(request.user, "assessments.view_all")
    period = chosen_period(request)
    groups = list(period.groups.select_related("framework")) if period else []
    wanted = request.GET.get("group", "")
    group = next((g for g in groups if str(g.pk) == wanted), None)
    if group is None and wanted != ALL_GROUPS and groups:
        group = groups[0]
    shown_groups = groups if wanted == ALL_GROUPS else [group] if group else []
    form = QueueFilterForm(request.GET or None, appraisers=appraisers())
    every, items = queue_items(period, shown_groups, form.filters()) if period else ([], [])
    return render(
        request,
        "assessments/queue.html",
        {
            "periods": AssessmentPeriod.objects.all(),
            "period": period,
            "groups": groups,
            "group": group,
            "all_groups": wanted == ALL_GROUPS,
            "form": form,
            "items": items,
            "total": len(every),
            "counts": state_counts([item.row for item in every]),
            "may_bulk": can(request.user, "assessments.appraise"),
            "bulk_actions": list(BULK_ACTIONS.items()),
            "appraisable": [
                state.value for state in (*workflow.APPRAISER_EDITABLE, workflow.State.SUBMITTED)
            ],
        },
    )


# --- one unit that never submitted -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def take_unsubmitted(request: AuthedRequest, period_pk: int, unit_pk: int) -> HttpResponse:
    """Confirm, then take into appraisal a unit that has not submitted by its deadline (its
    assessment is created if the unit never opened it)."""
    if not may_ever(request.user, workflow.Action.TAKE_UNSUBMITTED):
        raise PermissionDenied
    period = period_for(request.user, period_pk)
    unit = unit_for(request.user, unit_pk)
    group = UnitGroup.objects.filter(period=period, units=unit).select_related("framework").first()
    if group is None:
        raise Http404
    assessment = Assessment.objects.filter(period=period, unit=unit).first()
    back = reverse("assessments:queue") + f"?period={period.pk}&group={group.pk}"
    if is_confirmed(request):
        try:
            taken = assessment_take_unsubmitted(
                actor=request.user,
                period=period,
                unit=unit,
                reason=request.POST.get("reason", "")[:1000],
            )
        except WorkflowError as refused:
            return done(request, back, error=str(refused))
        return done(
            request,
            appraise_url(taken),
            _("Đã đưa %(unit)s vào thẩm định với ghi nhận «không gửi tự đánh giá».")
            % {"unit": unit.name},
        )
    deadline = period_unit_deadline(period, unit.pk)
    refusal = ""
    if assessment is not None and assessment.state != workflow.State.DRAFT:
        refusal = _("Hồ sơ của %(unit)s ở trạng thái «%(state)s»: đơn vị đã gửi tự đánh giá.") % {
            "unit": unit.name,
            "state": workflow.STATE_LABELS[workflow.State(assessment.state)],
        }
    elif timezone.now() <= deadline:
        refusal = _(
            "Chưa hết hạn tự đánh giá của %(unit)s (%(deadline)s): đơn vị còn có thể gửi; chỉ "
            "thẩm định đơn vị không gửi khi đã hết hạn."
        ) % {"unit": unit.name, "deadline": local_time(deadline)}
    return confirm_page(
        request,
        title=_("Thẩm định đơn vị không gửi tự đánh giá: %(unit)s") % {"unit": unit.name},
        consequences=_take_consequences(group, deadline, assessment is None),
        confirm_label=_("Đưa vào thẩm định"),
        cancel_url=back,
        summary_template="assessments/_take_reason.html",
        fields=[],
        allowed=not refusal,
        refusal=refusal,
    )


def _take_consequences(group: UnitGroup, deadline: Any, new: bool) -> list[str]:
    lines = [
        _("Hạn tự đánh giá của đơn vị (kể cả gia hạn) là %(deadline)s.")
        % {"deadline": local_time(deadline)},
        _(
            "Hồ sơ chuyển sang «Đang thẩm định» và được ghi nhận «Không gửi»; đơn vị không gửi "
            "tự đánh giá được nữa."
        ),
        _(
            "Phần tự chấm đơn vị chưa gửi không được tính: mục nào thẩm định viên không chấm "
            "được 0 điểm."
        ),
    ]
    if new:
        lines.append(_("Đơn vị chưa mở hồ sơ: hồ sơ được tạo mới."))
    setting = engine_for_group(group).info.submission
    if setting is not None:
        lines.append(
            _(
                "Bộ tiêu chí quy định mục %(node)s cho việc gửi tự đánh giá: hệ thống ghi "
                "%(points)s điểm cho trường hợp không gửi."
            )
            % {"node": setting.node, "points": setting.not_submitted}
        )
    lines.append(_("Người dùng của đơn vị được thông báo; thao tác được ghi vào nhật ký."))
    return lines


# --- many units at once ----------------------------------------------------------------------


def _existing(period: AssessmentPeriod, unit: Unit) -> Assessment:
    assessment = (
        Assessment.objects.select_related("unit", "period", "group")
        .filter(period=period, unit=unit)
        .first()
    )
    if assessment is None:
        raise WorkflowError(_("%(unit)s chưa có hồ sơ đánh giá.") % {"unit": unit.name})
    return assessment


def _start(user: User, period: AssessmentPeriod, unit: Unit) -> None:
    assessment_transition(
        actor=user,
        assessment=_existing(period, unit),
        action=workflow.Action.START_APPRAISAL,
    )


def _finalise(user: User, period: AssessmentPeriod, unit: Unit) -> None:
    assessment_transition(
        actor=user, assessment=_existing(period, unit), action=workflow.Action.FINALISE
    )


def _take(user: User, period: AssessmentPeriod, unit: Unit) -> None:
    assessment_take_unsubmitted(actor=user, period=period, unit=unit)


def _remind(user: User, period: AssessmentPeriod, unit: Unit) -> None:
    assessment_remind(actor=user, period=period, unit=unit)


_BULK_SERVICES: dict[str, Callable[[User, AssessmentPeriod, Unit], None]] = {
    "start_appraisal": _start,
    "take_unsubmitted": _take,
    "finalise": _finalise,
    "remind": _remind,
}


def _bulk_consequences(action: str) -> list[str]:
    lines = {
        "start_appraisal": [
            _("Hồ sơ đã gửi chuyển sang «Đang thẩm định»; bạn là thẩm định viên phụ trách."),
        ],
        "take_unsubmitted": [
            _(
                "Đơn vị đã hết hạn (kể cả gia hạn) mà chưa gửi được đưa vào thẩm định với ghi "
                "nhận «Không gửi»; đơn vị không gửi được nữa."
            ),
            _("Phần tự chấm chưa gửi không được tính; đơn vị được thông báo."),
        ],
        "finalise": [
            _(
                "Điểm thẩm định được chốt: mục chưa điều chỉnh được chấp nhận như đơn vị tự "
                "chấm; hồ sơ chuyển sang «Đã thẩm định» và chờ hội đồng thông qua."
            ),
        ],
        "remind": [
            _(
                "Người dùng của đơn vị nhận thông báo trong phần mềm và thư điện tử nhắc hạn "
                "tự đánh giá hoặc hạn giải trình."
            ),
        ],
    }[action]
    return [
        *lines,
        _(
            "Mỗi đơn vị được thực hiện riêng qua cùng thủ tục như khi làm từng đơn vị; đơn vị "
            "nào không thực hiện được sẽ được báo lý do, các đơn vị khác vẫn được thực hiện."
        ),
        _("Mọi thao tác được ghi vào nhật ký."),
    ]


@login_required
@require_POST
def bulk(request: AuthedRequest) -> HttpResponse:
    """One action on the units ticked in the queue (or every unit it shows): a confirmation
    listing them, then each through its service, and a report of the outcome per unit."""
    require(request.user, "assessments.appraise")
    form = BulkActionForm(request.POST)
    back = safe_next(request, reverse("assessments:queue"))
    if not form.is_valid():
        return done(request, back, error=_("Chọn một thao tác."))
    period = period_for(request.user, form.cleaned_data["period"])
    ids = form.unit_ids(request.POST)
    found = {
        unit.pk: unit
        for unit in Unit.objects.filter(pk__in=ids, unit_groups__period=period).distinct()
    }
    units = [found[pk] for pk in ids if pk in found]
    if not units:
        return done(request, back, error=_("Chưa chọn đơn vị nào."))
    action = form.cleaned_data["action"]
    label = BULK_ACTIONS[action]
    if not is_confirmed(request):
        assessments = {
            assessment.unit_id: assessment
            for assessment in Assessment.objects.filter(period=period, unit__in=units)
        }
        rows = [(unit, assessments.get(unit.pk)) for unit in units]
        return confirm_page(
            request,
            title=_("%(action)s: %(count)s đơn vị") % {"action": label, "count": len(units)},
            consequences=_bulk_consequences(action),
            confirm_label=_("Thực hiện với %(count)s đơn vị") % {"count": len(units)},
            cancel_url=back,
            summary_template="assessments/_bulk_units.html",
            context={"rows": rows},
            fields=[
                ("action", action),
                ("period", str(period.pk)),
                ("next", back),
                ("scope", "selected"),
                *(("units", str(unit.pk)) for unit in units),
            ],
            danger=action in ("take_unsubmitted", "finalise"),
            # A finished appraisal can be reopened, a started one goes on; the others stay.
            irreversible=action in ("take_unsubmitted", "remind"),
        )
    service = _BULK_SERVICES[action]
    succeeded: list[Unit] = []
    refused: list[tuple[Unit, str]] = []
    for unit in units:
        try:
            service(request.user, period, unit)
        except WorkflowError as refusal:
            refused.append((unit, str(refusal)))
        else:
            succeeded.append(unit)
    return render(
        request,
        "assessments/bulk_done.html",
        {
            "period": period,
            "label": label,
            "succeeded": succeeded,
            "refused": refused,
            "back": back,
        },
    )
