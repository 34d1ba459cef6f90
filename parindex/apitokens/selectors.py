"""Reads of API tokens: the token a secret stands for, and the lists of the tokens page."""

from __future__ import annotations

from django.db.models import QuerySet

from parindex.accounts.models import User
from parindex.apitokens.models import ApiAccessLog, ApiToken
from parindex.apitokens.services import TOKEN_PREFIX, token_hash


def token_by_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is (active or not), with its user; None if unknown."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(secret_hash=token_hash(secret)).first()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("created_by", "revoked_by")


def all_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "created_by", "revoked_by")


def recent_writes(token: ApiToken, limit: int = 20) -> list[ApiAccessLog]:
    return list(ApiAccessLog.objects.filter(token=token)[:limit])
