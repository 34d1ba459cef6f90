"""Passwords nobody may use: the demo province's public password on a real account.

The demo accounts share one password that the README, `make run` and the login page (in demo
mode) print. A real account given that password (an administrator trying things out, an
account created from the demo's instructions) would be open to anyone who read them:
- `NotDemoPasswordValidator` (AUTH_PASSWORD_VALIDATORS) refuses it whenever a password is set
  for an account that is not a demo account (the user forms, the password change page,
  `manage.py changepassword`);
- `AccountBackend` refuses a login with it to any account that is not a demo account (demo
  accounts themselves only log in in debug mode), and the login form says why: the password
  must be changed by an administrator.
Django's `CommonPasswordValidator` (also in the settings) refuses the 20,000 commonest ones.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "demo-parindex-2025"


def is_demo_password(password: object) -> bool:
    """The demo password, however capitalised or surrounded by spaces."""
    return isinstance(password, str) and password.strip().casefold() == DEMO_PASSWORD.casefold()


DEMO_PASSWORD_REFUSED = _(
    "Đây là mật khẩu công khai của dữ liệu minh họa, không dùng được cho tài khoản thật."
)


class NotDemoPasswordValidator:
    """Refuses the demo password for every account that is not a demo account."""

    def validate(self, password: str, user: Any = None) -> None:
        if is_demo_password(password) and not getattr(user, "is_demo", False):
            raise ValidationError(str(DEMO_PASSWORD_REFUSED), code="demo_password")

    def get_help_text(self) -> str:
        return gettext("Mật khẩu không được là mật khẩu của dữ liệu minh họa.")
