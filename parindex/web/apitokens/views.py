"""API tokens: a user's own tokens (issue, see, revoke), and for administrators every token and
tokens for system accounts. The secret is shown once, on the page that issues it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts.models import User
from parindex.apitokens import selectors, services
from parindex.apitokens.forms import TokenForm
from parindex.apitokens.scopes import FAMILIES
from parindex.policy import api_token_for, can, may_issue_token, require
from parindex.web.http import AuthedRequest


@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "api.tokens")
    manages = can(request.user, "api.tokens.manage")
    accounts = User.objects.filter(is_active=True).order_by("username") if manages else None
    form = TokenForm(request.POST or None, accounts=accounts)
    issued = None
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data.get("account") or request.user
        if not may_issue_token(request.user, account):
            raise PermissionDenied
        try:
            issued = services.token_create(
                actor=request.user,
                user=account,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                read_only=form.cleaned_data["read_only"],
                expires_at=form.expires_at(),
                rate_limit=form.cleaned_data.get("rate_limit") or 0,
            )
        except services.TokenRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            form = TokenForm(accounts=accounts)
    others = selectors.all_tokens().exclude(user=request.user)[:200] if manages else []
    return render(
        request,
        "apitokens/tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": selectors.tokens_of(request.user),
            "others": others,
            "families": FAMILIES,
        },
    )


@login_required
def token_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    token = api_token_for(request.user, pk)
    return render(
        request,
        "apitokens/token_detail.html",
        {"token": token, "writes": selectors.recent_writes(token, 50), "families": FAMILIES},
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = api_token_for(request.user, pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Đã thu hồi khóa «%(name)s».") % {"name": token.name})
    return redirect("apitokens:list")
