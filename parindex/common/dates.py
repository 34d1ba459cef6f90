"""Dates and times as Vietnamese users type and read them (dd/mm/yyyy, the province's time).

The web pages, the forms and the command line share these patterns and this time zone, so
that a time reads the same wherever it is shown (`settings.TIME_ZONE` is the same zone,
checked by a test).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

# The province's time zone: every instant shown or typed is in it.
PROVINCE_TIME_ZONE = "Asia/Ho_Chi_Minh"
PROVINCE_ZONE = ZoneInfo(PROVINCE_TIME_ZONE)

# What a date or a date and time box accepts: dd/mm/yyyy first, ISO for pasted values.
DATE_PATTERNS = ("%d/%m/%Y", "%Y-%m-%d")
DATETIME_PATTERNS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
)
# The HTML `pattern` of the boxes (one or two digits for day and month, as people type).
DATE_INPUT_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s*"
DATETIME_INPUT_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(:\d{2})?\s*"


def parse_date_param(text: str) -> datetime.date | None:
    """A dd/mm/yyyy (or ISO) date; None when empty or malformed."""
    text = text.strip()
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def province_time(moment: datetime.datetime) -> datetime.datetime:
    """An instant in the province's time zone (a naive time is taken as already in it)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(PROVINCE_ZONE)


def moment_text(moment: datetime.datetime | str) -> str:
    """An instant (or its ISO text) as "dd/mm/yyyy HH:MM" in the province's time; a text
    that is no ISO time is returned as it is."""
    if isinstance(moment, str):
        try:
            parsed = datetime.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    else:
        parsed = moment
    return f"{province_time(parsed):%d/%m/%Y %H:%M}"
