"""Framework pages: list, tree, import with located errors, node edits, publish, clone, export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parindex.criteria import selectors, services
from parindex.criteria.forms import CloneForm, FrameworkImportForm, NodeForm
from parindex.engine import FrameworkError, Problem
from parindex.policy import can, framework_for, require, visible_frameworks
from parindex.web.http import AuthedRequest

EXPORT_TYPES = {
    "yaml": (".yaml", "application/yaml; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@login_required
def framework_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "frameworks.view")
    return render(
        request,
        "criteria/framework_list.html",
        {
            "frameworks": visible_frameworks(request.user, selectors.framework_list()),
            "can_manage": can(request.user, "frameworks.manage"),
        },
    )


@login_required
def framework_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    can_edit = framework.is_draft and can(request.user, "frameworks.manage")
    return render(
        request,
        "criteria/framework_detail.html",
        {
            "framework": framework,
            "nodes": selectors.framework_nodes(framework),
            "problems": selectors.framework_problems(framework) if framework.is_draft else [],
            "can_edit": can_edit,
            "can_publish": framework.is_draft and can(request.user, "frameworks.publish"),
            "can_clone": can(request.user, "frameworks.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_import(request: AuthedRequest) -> HttpResponse:
    require(request.user, "frameworks.manage")
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            framework = services.framework_import(
                actor=request.user,
                data=upload.read(),
                file_name=upload.name,
                previous=form.cleaned_data["previous"],
            )
        except FrameworkError as error:
            problems = error.problems
        except ValidationError as error:
            problems = [Problem(upload.name, message) for message in error.messages]
        else:
            messages.success(
                request, _("Đã nhập bộ tiêu chí %(name)s (bản nháp).") % {"name": framework.name}
            )
            return redirect("frameworks:detail", pk=framework.pk)
    return render(request, "criteria/framework_import.html", {"form": form, "problems": problems})


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    framework = framework_for(request.user, pk, write=True)
    node = framework.nodes.filter(code=code).first()
    if node is None:
        raise Http404
    form = NodeForm(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        services.node_update(
            actor=request.user, node=node, reason=form.cleaned_data["reason"], **fields
        )
        messages.success(request, _("Đã lưu mục %(code)s.") % {"code": node.code})
        return redirect("frameworks:detail", pk=framework.pk)
    return render(
        request, "criteria/node_form.html", {"form": form, "framework": framework, "node": node}
    )


@login_required
@require_POST
def framework_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk, write=True)
    require(request.user, "frameworks.publish")
    problems = services.framework_publish(actor=request.user, framework=framework)
    if problems:
        messages.error(
            request,
            _("Chưa ban hành được: bộ tiêu chí còn %(count)d lỗi.") % {"count": len(problems)},
        )
    else:
        messages.success(request, _("Đã ban hành bộ tiêu chí; từ nay không sửa được nữa."))
    return redirect("frameworks:detail", pk=framework.pk)


@login_required
@require_http_methods(["GET", "POST"])
def framework_clone(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = framework_for(request.user, pk)
    require(request.user, "frameworks.manage")
    initial = {"year": framework.year + 1, "code": f"{framework.code}-{framework.year + 1}"}
    form = CloneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        clone = services.framework_clone(
            actor=request.user, framework=framework, **form.cleaned_data
        )
        messages.success(request, _("Đã tạo bản nháp cho năm %(year)d.") % {"year": clone.year})
        return redirect("frameworks:detail", pk=clone.pk)
    return render(request, "criteria/framework_clone.html", {"form": form, "framework": framework})


@login_required
def framework_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    framework = framework_for(request.user, pk)
    if fmt not in EXPORT_TYPES:
        raise Http404
    suffix, content_type = EXPORT_TYPES[fmt]
    try:
        data = services.framework_export(framework=framework, suffix=suffix)
    except FrameworkError:
        messages.error(request, _("Bộ tiêu chí còn lỗi, chưa xuất được."))
        return redirect("frameworks:detail", pk=framework.pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{framework.code}{suffix}"'
    return response
