"""Results pages: the list of periods and groups, a group's ranking, a unit's scorecard, and
the exports (Excel and the province PDF as background jobs; one unit's PDF directly).

Who may see what is decided in `parindex.policy` (`result_group_for`,
`result_period_for`): a published period's results are open to every user, a period not yet
published only to provincial roles.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from parindex.common.svg import data_uri
from parindex.jobs.runner import submit
from parindex.periods.models import AssessmentPeriod, PeriodStatus, UnitGroup
from parindex.periods.selectors import unit_result_history
from parindex.plans.selectors.uncertainty import rank_intervals
from parindex.plans.services.monitoring import uncertainty_request
from parindex.policy import (
    may_plan,
    may_view_previous_year,
    result_group_for,
    result_period_for,
    visible_result_periods,
)
from parindex.results import charts, pdf, selectors
from parindex.results.jobs import EXCEL_JOB, PROVINCE_PDF_JOB
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest

# Cached page bodies are keyed by version, so they are never stale; this only frees memory.
CACHE_SECONDS = 30 * 60


def _filters(
    request: AuthedRequest,
    current: UnitGroup | None = None,
    periods: list[AssessmentPeriod] | None = None,
) -> dict[str, object]:
    """The year and group choices of the filter form: what the user may see."""
    if periods is None:
        periods = visible_result_periods(request.user, selectors.result_periods())
    groups: dict[str, str] = {}
    for period in periods:
        for group in period.groups.all():
            groups.setdefault(group.code, group.name)
    return {
        "filter_years": [period.year for period in periods],
        "filter_groups": sorted(groups.items(), key=lambda item: item[1]),
        "current_year": current.period.year if current else None,
        "current_code": current.code if current else None,
    }


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    periods = visible_result_periods(request.user, selectors.result_periods())
    year, code = request.GET.get("year", ""), request.GET.get("group", "")
    if year:
        period = next((p for p in periods if str(p.year) == year), None)
        groups = list(period.groups.all()) if period is not None else []
        chosen = next((g for g in groups if g.code == code), groups[0] if groups else None)
        if chosen is not None:
            if code and chosen.code != code:
                messages.info(
                    request,
                    gettext("Năm %(year)s không có nhóm «%(code)s»; đang xem nhóm %(group)s.")
                    % {"year": year, "code": code, "group": chosen.name},
                )
            return redirect("results:group", pk=chosen.pk)
        messages.warning(
            request, gettext("Không có kết quả năm %(year)s mà bạn được xem.") % {"year": year}
        )
    # The unit's own published results, and its predecessors' (a merged commune's 2024).
    unit = getattr(request.user, "unit", None)
    own = unit_result_history(unit) if unit is not None else []
    return render(
        request,
        "results/index.html",
        {"periods": periods, "own_results": own, **_filters(request, periods=periods)},
    )


def _cached_body(key: str | None, build: Callable[[], str | None]) -> str | None:
    """The heavy part of a page, rendered once per version of what it shows.

    A ranking of 150 units takes ~100 ms to render and a scorecard about as much, for
    figures that change a few times a year once published; `key` comes from
    `selectors.page_version`, which changes whenever anything shown changes, and the key holds
    the page's language (the body's words and its chart's labels are in it).
    """
    if key is None:
        return build()
    key = f"{key}:{get_language()}"
    body = cache.get(key)
    if body is None:
        body = build()
        if body is not None:
            cache.set(key, body, CACHE_SECONDS)
    return body


@login_required
def group_ranking(request: AuthedRequest, pk: int) -> HttpResponse:
    group = result_group_for(request.user, pk)
    periods = list(selectors.result_periods())  # the filter's choices and last year's period
    show_previous = may_view_previous_year(request.user, group.period, periods)
    version = selectors.page_version(group, show_previous)
    intervals_key, intervals = _rank_intervals(group)

    def build() -> str | None:
        page = selectors.ranking_page(group, show_previous, intervals)
        bands = page.framework.info.class_bands
        chart = ""
        if page.rows:
            bars = [
                (f"{row.rank}. {row.unit.name}", row.result.index, row.class_label)
                for row in page.rows
            ]
            chart = data_uri(charts.ranking_chart(bars, bands))
        return render_to_string(
            "results/_group_body.html",
            {
                "group": group,
                "page": page,
                "areas": page.framework.areas,
                "chart": chart,
                "class_bands": selectors.class_band_texts(bands),
                "colours": charts.class_colours(bands),
                "intervals": bool(intervals),
            },
        )

    key = f"results:group:{version}:{intervals_key}" if version else None
    body = _cached_body(key, build) or ""
    return render(
        request,
        "results/group.html",
        {
            "group": group,
            "period": group.period,
            "published": group.period.status == PeriodStatus.PUBLISHED,
            "body": mark_safe(body),  # rendered by our own template, escaped there
            **_filters(request, group, visible_result_periods(request.user, periods)),
        },
    )


def _rank_intervals(group: UnitGroup) -> tuple[str, dict[str, selectors.RankInterval]]:
    """The 90 % rank intervals of the group's current results (`parindex.plans`, computed in a
    job per results version): when none is stored yet, the job is queued and the page shows
    the ranks alone until it has run."""
    key, intervals = rank_intervals(group)
    if key == "none" and uncertainty_request(group, current_missing=True) is not None:
        key, intervals = rank_intervals(group)  # the immediate runner has computed them
    return key, intervals


def _unit(unit_pk: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def scorecard(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    group = result_group_for(request.user, pk)
    unit = _unit(unit_pk)
    periods = list(selectors.result_periods())  # the filter's choices and last year's period
    show_previous = may_view_previous_year(request.user, group.period, periods)
    version = selectors.page_version(group, show_previous, entries=True)
    intervals_key, intervals = _rank_intervals(group)

    def build() -> str | None:
        card = selectors.scorecard_for(group, unit, show_previous)
        if card is None:
            return None
        return render_to_string(
            "results/_scorecard_body.html",
            {
                "card": card,
                "period": group.period,
                "chart": pdf.area_chart_uri(card),
                "interval": intervals.get(card.code),
            },
        )

    key = f"results:scorecard:{unit.pk}:{version}:{intervals_key}" if version else None
    body = _cached_body(key, build)
    if body is None:
        raise Http404
    return render(
        request,
        "results/scorecard.html",
        {
            "group": group,
            "period": group.period,
            "unit": unit,
            "body": mark_safe(body),  # rendered by our own template, escaped there
            "can_plan": may_plan(request.user, unit),
            **_filters(request, group, visible_result_periods(request.user, periods)),
        },
    )


@login_required
def scorecard_pdf(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """One unit's PDF, produced in the request (a few pages: about a second)."""
    group = result_group_for(request.user, pk)
    card = selectors.scorecard_for(
        group, _unit(unit_pk), may_view_previous_year(request.user, group.period)
    )
    if card is None:
        raise Http404
    data = pdf.unit_pdf(card, when=timezone.localtime(), demo=settings.DEMO_MODE)
    response = HttpResponse(data, content_type="application/pdf")
    name = pdf.unit_pdf_name(card)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _start(request: AuthedRequest, pk: int, kind: str, title: str) -> HttpResponse:
    period = result_period_for(request.user, pk)
    job = submit(
        kind=kind,
        title=title % {"year": period.year},
        params={"period": period.pk, "show_previous": may_view_previous_year(request.user, period)},
        user=request.user,
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def export_excel(request: AuthedRequest, pk: int) -> HttpResponse:
    return _start(request, pk, EXCEL_JOB, gettext("Bảng kết quả Chỉ số CCHC (Excel) năm %(year)s"))


@login_required
@require_POST
def export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _start(
        request,
        pk,
        PROVINCE_PDF_JOB,
        gettext("Báo cáo kết quả Chỉ số CCHC toàn tỉnh (PDF theo nhóm, tệp ZIP) năm %(year)s"),
    )
