"""`/me`: who the token acts as, and what it may reach."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from parindex import policy
from parindex.api.auth import token, token_of, user_of
from parindex.api.routers.common import responses
from parindex.apitokens.scopes import FAMILIES

router = Router(tags=["Tài khoản"])


class TokenOut(Schema):
    name: str
    prefix: str
    scopes: list[str]
    read_only: bool
    expires_at: datetime.datetime | None
    families: list[str]


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    unit_code: str | None
    token: TokenOut


@router.get("/me", response=responses(MeOut), auth=token(None), summary="Tài khoản của khóa")
def me(request: HttpRequest) -> dict[str, object]:
    user = user_of(request)
    found = token_of(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "unit_code": user.unit.code if user.unit else None,
        "token": {
            "name": found.name,
            "prefix": found.prefix,
            "scopes": found.scopes,
            "read_only": found.read_only,
            "expires_at": found.expires_at,
            "families": [family for family in FAMILIES if policy.token_allows(found, family)],
        },
    }
