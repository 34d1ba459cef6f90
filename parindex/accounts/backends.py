"""Authentication: Django's model backend, refusing demo accounts outside debug mode and the
demo password on any account that is not a demo account (`parindex.accounts.passwords`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from parindex.accounts.passwords import is_demo_password


class AccountBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and is_demo_password(password) and not user.is_demo:
            # A real account with the public demo password: refused, whoever types it.
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
