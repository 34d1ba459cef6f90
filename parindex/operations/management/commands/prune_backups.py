"""`python manage.py prune_backups FOLDER [--daily 7 --weekly 4 --monthly 12] [--dry-run]`.

Deletes the archives of `manage.py backup` in FOLDER that the retention rule does not keep
(`parindex.operations.retention`); other files are left alone. The backup timer runs it after
each backup (deploy/parindex-backup.service, docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parindex.operations.retention import Policy, backup_time, to_delete


class Command(BaseCommand):
    help = "Xoá các bản sao lưu cũ: giữ bản mới nhất của N ngày, N tuần, N tháng gần nhất."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="thư mục chứa các tệp parindex-backup-*.tar.gz")
        parser.add_argument("--daily", type=int, default=Policy.daily)
        parser.add_argument("--weekly", type=int, default=Policy.weekly)
        parser.add_argument("--monthly", type=int, default=Policy.monthly)
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xoá")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"Không có thư mục {folder}.")
        policy = Policy(options["daily"], options["weekly"], options["monthly"])
        names = [path.name for path in folder.iterdir() if path.is_file()]
        doomed = to_delete(names, policy)
        for name in doomed:
            if not options["dry_run"]:
                (folder / name).unlink()
            if options["verbosity"]:
                self.stdout.write(f"{'sẽ xoá' if options['dry_run'] else 'đã xoá'} {folder / name}")
        kept = sum(1 for name in names if name not in doomed and backup_time(name))
        if options["verbosity"]:
            self.stdout.write(f"Giữ {kept} bản sao lưu trong {folder}.")
