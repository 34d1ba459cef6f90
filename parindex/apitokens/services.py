"""Writes of API tokens: issue, revoke, and the bookkeeping of each use (last use, the log of
writes, the rate-limit window). Issuing and revoking are audited. Who may issue a token for
whom is the caller's question to the policy (`parindex.policy`)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.apitokens.models import ApiAccessLog, ApiRateWindow, ApiToken
from parindex.apitokens.scopes import unknown
from parindex.audit.services import audit_record

TOKEN_PREFIX = "pit_"
WINDOW = datetime.timedelta(minutes=1)


class TokenRefused(ValueError):
    """A token that cannot be issued as asked; the message is for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once: only its SHA-256 is stored


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    scopes: list[str] | None = None,
    read_only: bool = False,
    expires_at: datetime.datetime | None = None,
    rate_limit: int = 0,
) -> IssuedToken:
    """A new token for `user`; its secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise TokenRefused(gettext("Hãy đặt tên cho khóa (dùng cho việc gì)."), "name")
    scopes = sorted(set(scopes or []))
    if unknown(scopes):
        raise TokenRefused(
            gettext("Phạm vi không có: %(scopes)s.") % {"scopes": ", ".join(unknown(scopes))},
            "scopes",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused(gettext("Ngày hết hạn phải ở sau hôm nay."), "expires_at")
    if not user.is_active:
        raise TokenRefused(gettext("Tài khoản này đã bị khóa."), "user")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:120],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        secret_hash=token_hash(secret),
        scopes=scopes,
        read_only=read_only,
        expires_at=expires_at,
        rate_limit=max(0, rate_limit),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="api_token_create",
        instance=token,
        changes={
            "user": [None, user.username],
            "scopes": [None, scopes or ["*"]],
            "read_only": [None, read_only],
            "expires_at": [None, expires_at],
        },
    )
    return IssuedToken(token, secret)


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke at once; a revoked token is refused from its next request on."""
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_token_revoke",
            instance=token,
            changes={"revoked_at": [None, token.revoked_at]},
        )
    return token


def token_touch(token: ApiToken, address: str) -> None:
    """Count one use: the last use and its address (one UPDATE, no read)."""
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now(), last_used_address=address[:45], uses=F("uses") + 1
    )


def rate_hit(token: ApiToken, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Count one request in the token's current one-minute window.

    Returns the window's count including this request and the seconds until the next window.
    The windows live in the database, so every web worker counts in the same place."""
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    left = max(1, int((start + WINDOW - now).total_seconds() + 0.999))
    updated = ApiRateWindow.objects.filter(token=token, start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ApiRateWindow.objects.create(token=token, start=start, count=1)
        except IntegrityError:  # another worker opened the window first
            ApiRateWindow.objects.filter(token=token, start=start).update(count=F("count") + 1)
        else:
            ApiRateWindow.objects.filter(token=token, start__lt=start).delete()
    count = (
        ApiRateWindow.objects.filter(token=token, start=start)
        .values_list("count", flat=True)
        .first()
    )
    return int(count or 1), left


def access_log(
    token: ApiToken, *, method: str, path: str, status: int, address: str, duration_ms: int
) -> None:
    ApiAccessLog.objects.create(
        token=token,
        method=method[:10],
        path=path[:300],
        status=status,
        address=address[:45],
        duration_ms=max(0, duration_ms),
    )
