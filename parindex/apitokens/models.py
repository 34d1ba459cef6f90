"""API tokens, the log of writes made through them, and their rate-limit windows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token: `pit_` + 43 random URL-safe characters, stored as its SHA-256 only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("tài khoản"),
    )
    name = models.CharField(_("tên (dùng cho việc gì)"), max_length=120)
    prefix = models.CharField(_("đầu khóa"), max_length=12, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    # Endpoint families (apitokens.scopes.FAMILIES); empty: everything the user may do.
    scopes = models.JSONField(_("phạm vi"), default=list, blank=True)
    read_only = models.BooleanField(_("chỉ đọc"), default=False)
    # Requests per minute; 0: the instance's default (PARINDEX_API_RATE_LIMIT).
    rate_limit = models.PositiveIntegerField(_("giới hạn lượt gọi mỗi phút"), default=0)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    last_used_address = models.CharField(max_length=45, blank=True)
    uses = models.PositiveBigIntegerField(_("số lượt dùng"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class ApiAccessLog(models.Model):
    """One write request made with a token (and every request refused by the rate limit)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    address = models.CharField(max_length=45, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt ghi qua API")
        verbose_name_plural = _("lượt ghi qua API")


class ApiRateWindow(models.Model):
    """How many requests a token made in one fixed window (one minute from `start`)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "start"], name="one_rate_window_per_minute")
        ]
