"""Permission-matrix entries for the API token pages (see tests/web/matrix.py).

Every signed-in user has a tokens page (their own tokens); a token's page and its revocation
are its holder's (officer_a's here) and the administrators'. The API itself has its own matrix
(tests/api/matrix.py), over every operation of its OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from parindex.apitokens.models import ApiToken
from parindex.apitokens.services import token_create

from .matrix import ADMIN, ALL, Entry


def _token(p: dict[str, Any]) -> int:
    if "api_token" not in p:
        user = p["users"]["officer_a"]
        p["api_token"] = token_create(actor=user, user=user, name="Bảng tính của tôi").token
    token: ApiToken = p["api_token"]
    return token.pk


ENTRIES = {
    "apitokens:list": Entry(ALL),
    "apitokens:detail": Entry(ADMIN | {"officer_a"}, lambda p: [_token(p)]),
    "apitokens:revoke": Entry(ADMIN | {"officer_a"}, lambda p: [_token(p)], method="post"),
}
