from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import UNIT_ROLES, User
from parindex.accounts.passwords import is_demo_password


class LoginForm(AuthenticationForm):
    """Django's login form; the demo password on a real account (which `AccountBackend`
    refuses) is answered with what to do instead of "wrong password"."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # A demo account may log in with it (in debug mode): then nothing was raised.
            if is_demo_password(self.cleaned_data.get("password")):
                raise ValidationError(
                    _(
                        "Mật khẩu minh họa công khai không dùng được để đăng nhập tài khoản "
                        "thật. Nếu đây là mật khẩu của bạn, hãy nhờ quản trị hệ thống đặt mật "
                        "khẩu mới rồi đăng nhập lại."
                    ),
                    code="demo_password",
                ) from None
            raise


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Ít nhất 10 ký tự, không quá đơn giản. Để trống khi sửa nếu không đổi."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "phone", "role", "unit", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, unit = data.get("role"), data.get("unit")
        if role in UNIT_ROLES and unit is None:
            self.add_error("unit", _("Cán bộ đầu mối và thủ trưởng phải thuộc một đơn vị."))
        if role and role not in UNIT_ROLES and unit is not None:
            self.add_error("unit", _("Vai trò cấp tỉnh không gắn với đơn vị."))
        if self.instance.pk is None and not data.get("password"):
            self.add_error("password", _("Cần đặt mật khẩu cho tài khoản mới."))
        return data
