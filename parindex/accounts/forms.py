from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import UNIT_ROLES, User


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
