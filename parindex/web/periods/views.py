"""Period pages: list, detail with groups and deadlines, edit, groups, deadline extensions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.periods import selectors, services
from parindex.periods.forms import ExtensionForm, GroupForm, PeriodForm
from parindex.periods.models import UnitGroup
from parindex.policy import can, period_for, require
from parindex.web.http import AuthedRequest


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
def period_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "periods.view")
    return render(
        request,
        "periods/period_list.html",
        {"periods": selectors.period_list(), "can_manage": can(request.user, "periods.manage")},
    )


@login_required
def period_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    period = period_for(request.user, pk)
    extensions = period.extensions.select_related("unit", "granted_by")
    if not can(request.user, "periods.view_extensions"):
        # A user without a unit matches no extension (as `unit_id=None` would).
        unit_id = request.user.unit_id
        extensions = (
            extensions.filter(unit_id=unit_id) if unit_id is not None else extensions.none()
        )
    return render(
        request,
        "periods/period_detail.html",
        {
            "period": period,
            "groups": selectors.period_groups(period),
            "extensions": extensions,
            "can_manage": can(request.user, "periods.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "periods.manage")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã tạo kỳ đánh giá %(name)s.") % {"name": period.name})
            return redirect("periods:detail", pk=period.pk)
    return render(request, "periods/period_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    period = period_for(request.user, pk, write=True)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(actor=request.user, period=period, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu kỳ đánh giá."))
            return redirect("periods:detail", pk=period.pk)
    return render(request, "periods/period_form.html", {"form": form, "period": period})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthedRequest, pk: int, group_pk: int | None = None) -> HttpResponse:
    period = period_for(request.user, pk, write=True)
    group = None
    if group_pk is not None:
        group = UnitGroup.objects.filter(period=period, pk=group_pk).first()
        if group is None:
            raise Http404
    form = GroupForm(request.POST or None, instance=group or UnitGroup(period=period))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.group_save(
                actor=request.user, period=period, group=group, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nhóm %(name)s.") % {"name": saved.name})
            return redirect("periods:detail", pk=period.pk)
    return render(
        request, "periods/group_form.html", {"form": form, "period": period, "group": group}
    )


@login_required
@require_http_methods(["GET", "POST"])
def extension_add(request: AuthedRequest, pk: int) -> HttpResponse:
    period = period_for(request.user, pk, write=True)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_grant(actor=request.user, period=period, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Đã gia hạn cho %(unit)s.") % {"unit": form.cleaned_data["unit"]}
            )
            return redirect("periods:detail", pk=period.pk)
    return render(request, "periods/extension_form.html", {"form": form, "period": period})
