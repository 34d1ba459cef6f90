"""Dates as Vietnamese users type them (dd/mm/yyyy)."""

from __future__ import annotations

import datetime


def parse_date_param(text: str) -> datetime.date | None:
    """A dd/mm/yyyy (or ISO) query parameter; None when empty or malformed."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
