"""`python manage.py backup --output FILE|FOLDER`: the whole instance into one archive.

The database (a consistent snapshot while the application runs), the media files, the dossier
store and the survey store, with a manifest (`parindex.operations.services`). A folder as
`--output` gets a dated name, `parindex-backup-YYYYMMDD-HHMMSS.tar.gz`. The last line printed is
the archive's path, its size and its SHA-256 (docs/operations.md); `--verbosity 0` prints
nothing unless it fails (cron mails any output).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.operations.errors import OperationRefused
from parindex.operations.services import backup_create


class Command(BaseCommand):
    help = "Sao lưu toàn bộ phiên bản (cơ sở dữ liệu, tệp tải lên, kho hồ sơ, kho khảo sát) vào một tệp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            required=True,
            help="tệp .tar.gz/.tgz/.tar, hoặc một thư mục (tên tệp theo ngày giờ)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            result = backup_create(
                Path(options["output"]),
                report=(lambda line: self.stderr.write(line)) if verbose else lambda line: None,
            )
        except OperationRefused as refusal:
            raise CommandError(refusal.message) from refusal
        manifest = result.manifest
        tables = manifest["database"]["tables"]
        if options["verbosity"]:
            self.stdout.write(
                f"Đã sao lưu {len(manifest['files'])} tệp, {len(tables)} bảng "
                f"({sum(t['rows'] for t in tables.values())} dòng, "
                f"{manifest['database']['vendor']}) trong {result.seconds:.1f} giây."
            )
            self.stdout.write(f"{result.path}\t{result.size}\tsha256:{result.sha256}")
