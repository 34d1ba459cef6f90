"""The REST API: tokens and what a token may reach."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from parindex.accounts.models import User
from parindex.apitokens.models import ApiToken
from parindex.apitokens.scopes import is_read
from parindex.policy.capabilities import can

# --- the REST API: tokens and what a token may reach ----------------------------------------


def api_token_for(user: Any, pk: int) -> ApiToken:
    """A token: its holder sees (and revokes) it; administrators see every token."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not can(user, "api.tokens"):
        raise Http404
    if token.user_id != user.pk and not can(user, "api.tokens.manage"):
        raise Http404
    return token


def may_issue_token(actor: Any, account: User) -> bool:
    """A user issues tokens for themselves; an administrator also for any other active account
    (a system account: the one-stop-shop system, a survey server)."""
    if account.pk == getattr(actor, "pk", None):
        return can(actor, "api.tokens")
    return can(actor, "api.tokens.manage") and account.is_active


def token_allows(token: ApiToken, family: str) -> bool:
    """Whether `token` may call an endpoint of `family` (`apitokens.scopes.FAMILIES`): it is
    neither revoked nor expired, its account is active, the family is within its scopes (none:
    all), and a read-only token only reads. What the account may see or do inside the family is
    then asked here as for its pages (`assessment_for`, `may_act`, …)."""
    if not token.is_active or not token.user.is_active:
        return False
    if token.scopes and family not in token.scopes:
        return False
    return is_read(family) or not token.read_only
