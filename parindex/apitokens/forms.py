"""The form that issues a token (the account is chosen only by administrators)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.apitokens.scopes import FAMILIES

LIFETIMES = [
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
    ("0", _("Không hết hạn (chỉ nên dùng cho tài khoản hệ thống)")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=120,
        help_text=_("Dùng cho việc gì, ví dụ «Hệ thống một cửa gửi hồ sơ»."),
    )
    account = forms.ModelChoiceField(
        label=_("Tài khoản"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Khóa mang quyền của tài khoản này. Để trống: tài khoản của bạn. Với hệ thống khác "
            "(một cửa, máy chủ thu phiếu) hãy tạo một tài khoản riêng cho nó."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Giới hạn nhóm điểm cuối"),
        choices=[(key, label) for key, label in FAMILIES.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Không chọn nhóm nào: khóa dùng được mọi việc tài khoản được làm."),
    )
    read_only = forms.BooleanField(label=_("Chỉ đọc"), required=False)
    lifetime = forms.ChoiceField(label=_("Thời hạn"), choices=LIFETIMES, initial="90")
    rate_limit = forms.IntegerField(
        label=_("Giới hạn lượt gọi mỗi phút"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("Để trống hoặc 0: mức chung của hệ thống."),
    )

    def __init__(self, *args: Any, accounts: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if accounts is None:
            del self.fields["account"]
            del self.fields["rate_limit"]
        else:
            account = self.fields["account"]
            assert isinstance(account, forms.ModelChoiceField)
            account.queryset = accounts

    def expires_at(self) -> datetime.datetime | None:
        days = int(self.cleaned_data["lifetime"])
        return timezone.now() + datetime.timedelta(days=days) if days else None
