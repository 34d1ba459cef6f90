"""`python manage.py demo [--if-empty]`: load the demo province (labelled demo data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parindex.demo.accounts import DEMO_PASSWORD
from parindex.demo.loader import database_is_empty, demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo province (generated, clearly labelled demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing unless the database is empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("Demo province already loaded.")
        elif options["if_empty"] and not database_is_empty():
            self.stdout.write("Database is not empty: demo not loaded.")
            return
        else:
            load_demo(self.stdout.write)
        if not settings.DEBUG:
            self.stderr.write(
                "Note: demo accounts can only log in in debug mode (PARINDEX_DEBUG=1)."
            )
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}): admin, thamdinh, hoidong, lanhdao, "
            f"so.canbo, so.truong, xa.canbo, xa.truong"
        )
