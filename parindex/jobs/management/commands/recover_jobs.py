"""`python manage.py recover_jobs`: mark failed the jobs a dead worker left running
(`parindex.jobs.recovery`); the worker does it itself when it starts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parindex.jobs.recovery import recover_interrupted_jobs


class Command(BaseCommand):
    help = "Mark failed the background jobs a stopped worker left running."

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = recover_interrupted_jobs()
        self.stdout.write(
            f"Marked failed: {', '.join(map(str, recovered))}"
            if recovered
            else "Nothing to recover."
        )
