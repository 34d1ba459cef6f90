"""`python manage.py restore FILE [--force]`: an archive of `manage.py backup` into this instance.

Into an empty instance only (no table in the database, no file in the data folders), unless
`--force`, which sets the current data aside instead of deleting it (stop the web server and
the worker first). Everything is extracted into a staging folder and checked against the
manifest before anything is moved into place; a damaged or mismatched archive is refused with
the reason and nothing is written (`parindex.operations.services`, docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.operations.errors import OperationRefused
from parindex.operations.services import restore_archive


class Command(BaseCommand):
    help = "Khôi phục một tệp sao lưu của `manage.py backup` vào phiên bản này (phải trống)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="tệp sao lưu (.tar.gz, .tgz, .tar)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="khôi phục cả khi phiên bản không trống: dữ liệu hiện có được chuyển sang chỗ "
            "khác (không xoá); hãy dừng web và worker trước",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = restore_archive(
                Path(options["archive"]),
                force=options["force"],
                report=(lambda line: self.stderr.write(line)) if verbose else lambda line: None,
            )
        except OperationRefused as refusal:
            raise CommandError(refusal.message) from refusal
        manifest = result.manifest
        self.stdout.write(
            f"Đã khôi phục bản sao lưu ngày {manifest['created_at']} (parindex "
            f"{manifest['parindex_version']}): {result.tables} bảng, {result.rows} dòng, "
            f"{result.files} tệp, trong {result.seconds:.1f} giây."
        )
        for place in result.set_aside:
            self.stdout.write(f"Dữ liệu cũ được giữ ở: {place} (xoá khi đã kiểm tra xong).")
        if result.pending_migrations:
            self.stdout.write(
                f"Mã nguồn có {len(result.pending_migrations)} migration mới hơn bản sao lưu: "
                "hãy chạy `python manage.py migrate`."
            )
        self.stdout.write(
            "Hãy khởi động lại web và worker (systemctl restart parindex-web parindex-worker)."
        )
