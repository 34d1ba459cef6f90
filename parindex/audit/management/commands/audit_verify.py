"""`python manage.py audit_verify [--anchor HASH]`: check the audit trail's hash chain.

Prints "OK, N sự kiện" and the head of the chain, or the first broken link (the event's id and
time, and what is wrong) and exits with status 1. `--anchor` also requires the chain to pass
through a head written down earlier (printed by an earlier run, or `audit_head` in a backup's
manifest.json). What to do about a broken link: docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parindex.audit.chain import HEAD_ID, Verdict, verify
from parindex.audit.models import AuditHead

PROBLEMS = {
    "changed": "nội dung sự kiện #{id} ({at}) đã bị sửa ngoài ứng dụng (mã băm không khớp)",
    "link": (
        "liên kết gãy tại sự kiện #{id} ({at}): sự kiện ngay trước nó đã bị xóa, sửa mã băm "
        "hoặc có sự kiện bị chèn vào"
    ),
    "end": (
        "cuối chuỗi là sự kiện #{id} ({at}) nhưng đầu chuỗi ghi sự kiện #{head_id}: các sự kiện "
        "sau #{id} đã bị xóa (hoặc đầu chuỗi bị sửa)"
    ),
    "head": "không có đầu chuỗi (bảng audit_audithead trống) dù có {count} sự kiện",
    "anchor": "chuỗi không còn đi qua mã băm {anchor}: chuỗi đã bị dựng lại từ đầu",
}


def describe(verdict: Verdict, *, head_id: int | None = None, anchor: str = "") -> str:
    at = timezone.localtime(verdict.at).strftime("%d/%m/%Y %H:%M:%S") if verdict.at else "-"
    return PROBLEMS[verdict.problem].format(
        id=verdict.event_id, at=at, head_id=head_id, count=verdict.count, anchor=anchor
    )


class Command(BaseCommand):
    help = "Kiểm tra chuỗi mã băm của nhật ký thay đổi: báo liên kết gãy đầu tiên, hoặc OK."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            default="",
            help="mã băm đầu chuỗi đã ghi lại trước đây (lần kiểm tra trước, manifest sao lưu)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = options["anchor"].strip().lower()
        verdict = verify(anchor=anchor)
        if not verdict.ok:
            head = AuditHead.objects.filter(pk=HEAD_ID).first()
            raise CommandError(
                "Nhật ký KHÔNG toàn vẹn: "
                + describe(verdict, head_id=head.event_id if head else None, anchor=anchor)
                + f". {verdict.count} sự kiện đầu tiên của chuỗi vẫn khớp.",
                returncode=1,
            )
        if options["verbosity"]:
            self.stdout.write(f"OK, {verdict.count} sự kiện. Đầu chuỗi: {verdict.head}")
            if anchor:
                self.stdout.write(
                    f"Chuỗi đi qua mã băm đã ghi (sự kiện #{verdict.anchor_event_id})."
                )
