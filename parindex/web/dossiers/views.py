"""Service-data pages: indicators dashboard, a unit's months, drill-down, imports, data-scored
criteria and their provenance.

Thin views: `parindex.policy` decides who may see what (unit users see their own unit
only: the dashboard is cut to it and another unit's page is a 404), `selectors` computes,
`services` writes and `charts`/`exports` render.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from parindex.assessments.models import NodeEntry
from parindex.assessments.selectors import engine_for_group, node_events
from parindex.audit.labels import describe_events
from parindex.common.svg import data_uri
from parindex.dossiers import charts, exports, selectors, services
from parindex.dossiers.forms import (
    UPLOADED_MAPPING,
    DashboardForm,
    DossierUploadForm,
    DrilldownForm,
    FeedUploadForm,
    RangeForm,
)
from parindex.dossiers.labels import servicedata_text
from parindex.dossiers.sources import store_root
from parindex.jobs.models import Job, JobState
from parindex.periods.models import AssessmentPeriod
from parindex.policy import (
    assessment_for,
    can,
    dossier_job_for,
    dossier_unit_code,
    period_for,
    require,
    unit_for,
)
from parindex.servicedata import Drilldown, ServiceDataError, load_feed_catalogue, shipped_mappings
from parindex.servicedata.indicators import COUNT_LABELS, RATES_BY_NAME
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest

KEY_HEADINGS = {"unit": _("Đơn vị"), "group": _("Nhóm đơn vị"), "province": _("Phạm vi")}


def _range_text(start: date, end: date) -> str:
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def _unit_links(codes: set[str]) -> dict[str, int]:
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))


# Dashboard --------------------------------------------------------------------------------------


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    require(request.user, "dossiers.view")
    own_code = dossier_unit_code(request.user)  # None: every unit's rows
    sees_all = own_code is None
    own_unit = None if sees_all else request.user.unit
    form = DashboardForm(request.GET or None)
    start, end = form.range(selectors.default_range())
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    grouping = (chosen.get("grouping") or "unit") if sees_all else "unit"
    grain = chosen.get("grain") or ("year" if sees_all else "month")
    computed = selectors.indicator_table(start, end, (grouping, grain))
    rows = computed.table.rows
    if own_code is not None:
        rows = [row for row in rows if row.keys.get("unit_code") == own_code]
    views = selectors.row_views(rows)
    # The trend of what the user looks after: the province, or the unit user's own unit.
    if own_code is None:
        monthly = selectors.indicator_table(start, end, ("province", "month")).table.rows
    else:
        monthly = selectors.unit_rows(own_code, start, end, ("unit", "month"))
    trend = selectors.trend(monthly, start, end)
    has_data = any(trend.received) or any(trend.handled)
    return render(
        request,
        "dossiers/dashboard.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "range_text": _range_text(start, end),
            "grouping": grouping,
            "grain": grain,
            "key_heading": KEY_HEADINGS[grouping],
            "query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
            "sees_all": sees_all,
            "own_unit": own_unit,
            "rows": views,
            "headings": selectors.rate_headings(),
            "unit_links": _unit_links({view.unit_code for view in views if view.unit_code}),
            "notes": computed.notes,
            "years": selectors.data_years(),
            "rates_chart": data_uri(charts.rates_chart(trend)) if has_data else "",
            "volume_chart": data_uri(charts.volume_chart(trend)) if has_data else "",
            "trend_table": charts.trend_table(trend) if has_data else None,
            "can_manage": can(request.user, "dossiers.manage"),
        },
    )


@login_required
def unit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "dossiers.view")
    unit = unit_for(request.user, pk)
    form = RangeForm(request.GET or None)
    start, end = form.range(selectors.default_range())
    monthly = selectors.unit_rows(unit.code, start, end, ("unit", "month"))
    whole = selectors.unit_rows(unit.code, start, end, ("unit",))
    trend = selectors.trend(monthly, start, end)
    has_data = bool(monthly)
    return render(
        request,
        "dossiers/unit.html",
        {
            "unit": unit,
            "form": form,
            "range_text": _range_text(start, end),
            "rows": selectors.row_views(monthly),
            "total": selectors.row_views(whole)[0] if whole else None,
            "points": whole[0].points if whole else None,
            "headings": selectors.rate_headings(),
            "rates_chart": data_uri(charts.rates_chart(trend)) if has_data else "",
            "volume_chart": data_uri(charts.volume_chart(trend)) if has_data else "",
            "trend_table": charts.trend_table(trend) if has_data else None,
            "criteria": selectors.unit_data_criteria(unit),
        },
    )


# Drill-down -------------------------------------------------------------------------------------


def _drilldown(request: AuthedRequest) -> tuple[DrilldownForm, date, date, Drilldown | None]:
    require(request.user, "dossiers.view_all")
    form = DrilldownForm(request.GET or None)
    start, end = form.range(selectors.default_range())
    limit = (form.cleaned_data.get("limit") if form.is_bound and form.is_valid() else None) or 10
    return form, start, end, selectors.drilldown_for(start, end, limit)


@login_required
def drilldown(request: AuthedRequest) -> HttpResponse:
    form, start, end, result = _drilldown(request)
    units = set()
    if result is not None:
        units = {item.unit_code for item in (*result.late, *result.online)}
    return render(
        request,
        "dossiers/drilldown.html",
        {
            "form": form,
            "result": result,
            "range_text": _range_text(start, end),
            "unit_links": _unit_links(units),
            "query": request.GET.urlencode(),
            "can_assign": can(request.user, "tasks.manage"),
        },
    )


@login_required
def drilldown_export(request: AuthedRequest) -> HttpResponse:
    _form, start, end, result = _drilldown(request)
    if result is None:
        raise Http404
    data = exports.drilldown_workbook(
        result, when=timezone.localtime(), demo=getattr(settings, "DEMO_MODE", False)
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"giao-viec-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Imports ----------------------------------------------------------------------------------------


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    require(request.user, "dossiers.manage")
    form = DossierUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        mapping_path = None
        try:
            if form.cleaned_data["mapping"] == UPLOADED_MAPPING:
                mapping_upload = form.cleaned_data["mapping_file"]
                mapping_path, _mapping = services.check_mapping_upload(
                    mapping_upload.name, mapping_upload
                )
            upload_file = form.cleaned_data["file"]
            task = services.dossiers_import_start(
                actor=request.user,
                name=upload_file.name,
                chunks=upload_file.chunks(),
                mapping=form.cleaned_data["mapping"],
                mapping_path=mapping_path,
            )
        except ServiceDataError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            return redirect("dossiers:report", pk=task.pk)
    recent = Job.objects.filter(kind=services.IMPORT_JOB).select_related("created_by")[:10]
    return render(
        request,
        "dossiers/upload.html",
        {"form": form, "problems": problems, "recent": recent, "mappings": shipped_mappings()},
    )


@login_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    """An import's (or a data-criteria run's) progress, then its report. While it runs, htmx
    polls this page; when it is over the page reloads itself to show the report."""
    task = dossier_job_for(request.user, pk)
    finished = task.state in (JobState.DONE, JobState.FAILED)
    if request.htmx:
        if finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "dossiers/_job_status.html", {"task": task})
    return render(
        request,
        "dossiers/report.html",
        {
            "task": task,
            "finished": finished,
            "report": task.report or {},
            "is_import": task.kind == services.IMPORT_JOB,
            # The first line says what went wrong; the traceback is for the server's log.
            "error_line": task.error.split("\n", 1)[0],
        },
    )


def _rejected_response(batch_id: str) -> StreamingHttpResponse:
    found = selectors.batch(batch_id)
    if found is None:
        raise Http404
    response = StreamingHttpResponse(
        exports.rejected_csv(store_root(), found), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="dong-bi-loai-{found.id}.csv"'
    return response


@login_required
def report_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    task = dossier_job_for(request.user, pk)
    batch_id = (task.report or {}).get("batch")
    if not batch_id:
        raise Http404
    return _rejected_response(batch_id)


@login_required
def batches(request: AuthedRequest) -> HttpResponse:
    require(request.user, "dossiers.manage")
    return render(request, "dossiers/batches.html", {"batches": selectors.batches()})


@login_required
def batch_rejected(request: AuthedRequest, batch_id: str) -> StreamingHttpResponse:
    require(request.user, "dossiers.manage")
    return _rejected_response(batch_id)


@login_required
def mapping_download(request: AuthedRequest, name: str) -> FileResponse:
    require(request.user, "dossiers.manage")
    path = shipped_mappings().get(name)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{name}.yaml")


@login_required
def feeds(request: AuthedRequest) -> HttpResponse:
    require(request.user, "dossiers.manage")
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        result = services.feeds_import(
            actor=request.user, name=upload_file.name, chunks=upload_file.chunks()
        )
        if not result["refused"]:
            form = FeedUploadForm()
    return render(
        request,
        "dossiers/feeds.html",
        {
            "form": form,
            "report": result,
            "recent": selectors.batches("feeds")[:10],
            "catalogue": load_feed_catalogue().values(),
        },
    )


# Data-scored criteria ---------------------------------------------------------------------------


@login_required
def criteria(request: AuthedRequest) -> HttpResponse:
    """The data-scored nodes of a period's frameworks, what each assessment holds, and the
    button that fills them from the service data."""
    require(request.user, "dossiers.manage")
    periods = list(AssessmentPeriod.objects.all())
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    period = chosen or (periods[0] if periods else None)
    last = (
        Job.objects.filter(kind=services.APPLY_JOB, params__period=period.pk).first()
        if period is not None
        else None
    )
    return render(
        request,
        "dossiers/criteria.html",
        {
            "periods": periods,
            "period": period,
            "groups": selectors.criteria_overview(period) if period is not None else [],
            "last": last,
        },
    )


@login_required
@require_POST
def apply(request: AuthedRequest, period_pk: int) -> HttpResponse:
    require(request.user, "dossiers.manage")
    period = period_for(request.user, period_pk)
    task = services.data_apply_start(actor=request.user, period=period)
    return redirect("dossiers:report", pk=task.pk)


@login_required
def provenance(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """Where a data-scored node's figure came from: the snapshot stored as its evidence.
    `?format=json` gives the snapshot itself."""
    assessment = assessment_for(request.user, pk)
    node = engine_for_group(assessment.group).nodes.get(code)
    if node is None or not node.is_leaf or node.source != "data":
        raise Http404
    entry = NodeEntry.objects.filter(assessment=assessment, node_code=code).first()
    stored = entry.provenance if entry is not None and entry.provenance else None
    # Values written some other way (the demo's generated figures, say) carry no snapshot.
    snapshot = (
        stored if stored and stored.get("source") == "data" and "indicator" in stored else None
    )
    if request.GET.get("format") == "json":
        if snapshot is None:
            raise Http404
        response = HttpResponse(
            json.dumps(snapshot, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="nguon-so-lieu-{assessment.unit.code}-{code}.json"'
        )
        return response
    rate = RATES_BY_NAME.get(snapshot["indicator"]) if snapshot else None
    back = (
        reverse("assessments:appraise", args=[assessment.pk])
        if can(request.user, "assessments.view_all")
        else reverse("assessments:self", args=[assessment.pk])
    )
    events = describe_events(
        node_events(assessment, code)[:10], leave_out=("self_explanation", "appraised_explanation")
    )
    return render(
        request,
        "dossiers/provenance.html",
        {
            "assessment": assessment,
            "node": node,
            "entry": entry,
            "snapshot": snapshot,
            "other_source": stored if snapshot is None else None,
            "numerator_label": servicedata_text(COUNT_LABELS[rate.numerator])
            if rate and rate.numerator in COUNT_LABELS
            else gettext("Tử số"),
            "denominator_label": servicedata_text(COUNT_LABELS[rate.denominator])
            if rate and rate.denominator in COUNT_LABELS
            else gettext("Mẫu số"),
            "events": events,
            "back": back,
        },
    )
