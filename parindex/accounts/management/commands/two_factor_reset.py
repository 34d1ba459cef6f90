"""`python manage.py two_factor_reset USERNAME --reason "…"`: remove a user's authenticator app
and recovery codes from the server (the only administrator lost their phone). Audited, with the
system as the actor; the web page is for resetting another user (docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.accounts.models import User
from parindex.accounts.two_factor import two_factor_reset


class Command(BaseCommand):
    help = "Đặt lại xác thực hai bước của một tài khoản (xóa ứng dụng xác thực và mã khôi phục)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument("--reason", required=True, help="lý do, ghi vào nhật ký")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']}.")
        removed = two_factor_reset(actor=None, user=user, reason=options["reason"])
        if options["verbosity"]:
            self.stdout.write(
                f"Đã đặt lại xác thực hai bước của {user.username}."
                if removed
                else f"{user.username} chưa bật xác thực hai bước; đã ghi nhật ký."
            )
