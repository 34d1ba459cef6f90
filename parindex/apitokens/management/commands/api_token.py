"""`python manage.py api_token USERNAME --name … [--scope dossiers.push …] [--read-only]
[--days 90 | --days 0] [--rate-limit N]`: issue an API token from the command line (a system
account's, or a script's) and print its secret once. The same service as the tokens page,
audited with no actor (a command of the server's operator)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parindex.accounts.models import User
from parindex.apitokens.scopes import FAMILIES
from parindex.apitokens.services import TokenRefused, token_create


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản và in khóa ra một lần."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="Khóa dùng cho việc gì.")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            choices=sorted(FAMILIES),
            help="Giới hạn một nhóm điểm cuối (lặp lại được); không có: mọi quyền của tài khoản.",
        )
        parser.add_argument("--read-only", action="store_true", help="Chỉ đọc.")
        parser.add_argument(
            "--days", type=int, default=90, help="Số ngày hiệu lực (0: không hết hạn)."
        )
        parser.add_argument(
            "--rate-limit", type=int, default=0, help="Lượt gọi mỗi phút (0: mức chung)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"không có tài khoản «{options['username']}»")
        days = options["days"]
        expires = timezone.now() + datetime.timedelta(days=days) if days > 0 else None
        try:
            issued = token_create(
                actor=None,  # audited as the system: the operator's command
                user=user,
                name=options["name"],
                scopes=options["scope"],
                read_only=options["read_only"],
                expires_at=expires,
                rate_limit=options["rate_limit"],
            )
        except TokenRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(issued.secret)
