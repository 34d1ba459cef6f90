"""Unit pages: list, detail with lineage and result history, edit, Excel import/export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.common.dates import parse_date_param
from parindex.periods.selectors import unit_result_history
from parindex.policy import can, require, unit_for, visible_units
from parindex.units import selectors, services
from parindex.units.forms import LineageForm, UnitForm, UnitImportForm
from parindex.units.models import UnitType
from parindex.web.http import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "units.view_all")
    search = request.GET.get("q", "").strip()
    unit_type = request.GET.get("type", "")
    on_date = parse_date_param(request.GET.get("on", ""))
    units = visible_units(
        request.user, selectors.unit_list(search=search, unit_type=unit_type, on_date=on_date)
    )
    return render(
        request,
        "units/unit_list.html",
        {
            "units": units,
            "types": UnitType.objects.all(),
            "search": search,
            "unit_type": unit_type,
            "on": request.GET.get("on", ""),
            "can_manage": can(request.user, "units.manage"),
        },
    )


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "predecessors": selectors.unit_predecessors(unit),
            "successors": selectors.unit_successors(unit),
            "history": unit_result_history(unit),
            "children": unit.children.select_related("unit_type"),
            "can_manage": can(request.user, "units.manage"),
            "can_view_all": can(request.user, "units.view_all"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "units.manage")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = services.unit_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
        return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
        return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def lineage_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = unit_for(request.user, pk, write=True)
    form = LineageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lineage_add(actor=request.user, successor=unit, **form.cleaned_data)
        except ValidationError as error:
            for message in services.validation_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã ghi lịch sử đơn vị."))
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/lineage_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: AuthedRequest) -> HttpResponse:
    require(request.user, "units.manage")
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors: list[services.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.units_import_xlsx(
                actor=request.user, file=upload, file_name=upload.name
            )
        except services.UnitImportError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                _(
                    "Đã nhập: %(created)d đơn vị mới, %(updated)d cập nhật, %(unchanged)d không đổi, "
                    "%(lineage)d liên kết lịch sử."
                )
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "lineage": summary.lineage_created,
                },
            )
            return redirect("units:list")
    return render(request, "units/unit_import.html", {"form": form, "errors": errors})


@login_required
def unit_export(request: AuthedRequest) -> HttpResponse:
    require(request.user, "units.view_all")
    response = HttpResponse(services.units_export_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="don-vi.xlsx"'
    return response
