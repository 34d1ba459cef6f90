"""Survey results per unit (rates, points, intervals, flags), the feed into the assessments,
and the anonymised export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex import policy
from parindex.policy import can, require, survey_for
from parindex.questionnaires import selectors
from parindex.questionnaires.services.feed import survey_apply
from parindex.surveys.scoring import NodeEstimate, UnitEstimate, UnitFlag
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest
from parindex.web.questionnaires.views_common import CSV_TYPE, attachment, survey_context


@dataclass
class ResultRow:
    unit: Unit
    estimate: UnitEstimate | None
    flags: list[UnitFlag]
    groups: list[tuple[str, int]]  # respondent group label, valid responses
    node_pairs: list[tuple[Any, NodeEstimate | None]]  # (framework node, its estimate)


@login_required
def results(request: AuthedRequest, pk: int) -> HttpResponse:
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
        survey_context(
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
def apply(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk, write=True)
    outcome = survey_apply(survey=survey, actor=request.user)
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
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    survey = survey_for(request.user, pk)
    require(request.user, "surveys.view_all")
    name = f"phieu-an-danh-{survey.form_id or survey.pk}.csv"
    return attachment(selectors.anonymised_csv(survey), name, CSV_TYPE)
