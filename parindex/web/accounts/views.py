"""Account pages: the user list and forms (administrators), and the login page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parindex.accounts import services, two_factor
from parindex.accounts.forms import LoginForm, UserForm
from parindex.accounts.models import Role, User
from parindex.policy import can, require, user_for
from parindex.web.http import AuthedRequest


class LoginView(auth_views.LoginView):
    """Django's login view; in demo mode (debug only) it lists the demo accounts."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEBUG and settings.DEMO_MODE:
            from parindex.accounts.passwords import DEMO_PASSWORD

            order = list(Role)
            logins = User.objects.filter(is_demo=True, is_active=True).select_related("unit")
            context["demo_logins"] = sorted(
                logins, key=lambda user: (order.index(Role(user.role)), user.username)
            )
            context["demo_password"] = DEMO_PASSWORD
        return context


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "users.manage")
    users = User.objects.select_related("unit").order_by("role", "unit__name", "username")
    return render(request, "accounts/user_list.html", {"users": users})


def _save(request: AuthedRequest, form: UserForm, user: User | None) -> User | None:
    data = dict(form.cleaned_data)
    password = data.pop("password", "")
    try:
        if user is None:
            return services.user_create(actor=request.user, password=password, **data)
        return services.user_update(actor=request.user, user=user, password=password, **data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            for message in error.messages:
                form.add_error("password", message)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "users.manage")
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save(request, form, None)
        if user is not None:
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user})
            return redirect("accounts:list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    account = user_for(request.user, pk, write=True)
    form = UserForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        user = _save(request, form, account)
        if user is not None:
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": user})
            return redirect("accounts:list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "account": account,
            "two_factor_enrolled": two_factor.is_enrolled(account),
            "may_reset_two_factor": account.pk != request.user.pk
            and can(request.user, "users.two_factor_reset"),
        },
    )
