"""Bearer-token authentication, per endpoint family.

Each endpoint declares its family (`auth=token("results.read")`). A request passes when its
`Authorization: Bearer pit_…` names a token that the policy lets reach the family
(`policy.token_allows`: not revoked or expired, account active, within its scopes, read-only
tokens only read) and the token is within its rate limit (fixed one-minute windows in the
database: 429 with `Retry-After`). The request then acts as the token's user: every endpoint
asks the policy for that user exactly as the matching page does. Each use moves the token's
`last_used_at`; writes are logged by `urls.logged`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.security import HttpBearer

from parindex import policy
from parindex.accounts.models import User
from parindex.api.errors import ApiError
from parindex.apitokens.models import ApiToken
from parindex.apitokens.selectors import token_by_secret
from parindex.apitokens.services import rate_hit, token_touch
from parindex.common import addresses


def client_address(request: HttpRequest) -> str:
    """The client's real address, as the web pages take it (`parindex.common.addresses`:
    X-Forwarded-For believed only as far as trusted proxies wrote it)."""
    return addresses.client_address(
        request.META, addresses.as_networks(getattr(settings, "PARINDEX_TRUSTED_PROXIES", ()))
    )


class TokenAuth(HttpBearer):
    """The API's one security scheme; `family` None: any active token (`/me`)."""

    def __init__(self, family: str | None) -> None:
        super().__init__()
        self.family = family

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_by_secret(token.strip())
        if found is None:
            return None
        if found.revoked_at is not None:
            raise ApiError(401, "token_revoked", gettext("Khóa API này đã bị thu hồi."))
        if found.is_expired:
            raise ApiError(401, "token_expired", gettext("Khóa API này đã hết hạn."))
        if not found.user.is_active:
            raise ApiError(401, "account_inactive", gettext("Tài khoản của khóa này đã bị khóa."))
        request.api_token = found  # type: ignore[attr-defined]  # read by urls.logged
        if self.family is not None and not policy.token_allows(found, self.family):
            raise ApiError(
                403,
                "scope",
                gettext("Khóa này không được dùng cho nhóm «%(family)s».")
                % {"family": self.family},
            )
        limit = found.rate_limit or int(getattr(settings, "PARINDEX_API_RATE_LIMIT", 600))
        count, retry_after = rate_hit(found)
        if count > limit:
            request.api_rate_limited = True  # type: ignore[attr-defined]
            raise ApiError(
                429,
                "rate_limited",
                gettext(
                    "Quá %(limit)s lượt gọi mỗi phút cho khóa này; thử lại sau %(seconds)s giây."
                )
                % {"limit": limit, "seconds": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
        token_touch(found, client_address(request))
        request.user = found.user
        return found.user


_SCHEMES: dict[str | None, TokenAuth] = {}


def token(family: str | None) -> TokenAuth:
    """The auth of an endpoint of `family` (one instance per family)."""
    if family not in _SCHEMES:
        _SCHEMES[family] = TokenAuth(family)
    return _SCHEMES[family]


def user_of(request: HttpRequest) -> User:
    user: Any = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def token_of(request: HttpRequest) -> ApiToken:
    found: Any = getattr(request, "api_token", None)
    assert isinstance(found, ApiToken)
    return found
