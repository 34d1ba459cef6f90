"""Which backups to keep: the newest of each of the last N days, weeks and months.

Only the archives `manage.py backup` names in a folder (`parindex-backup-YYYYMMDD-HHMMSS.tar.gz`)
are considered; any other file is never touched. With the defaults (7 daily, 4 weekly, 12
monthly) a folder holds at most 23 archives and reaches back a year. The newest archive is
always kept. No Django: the rule is a pure function of the names.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

NAME = re.compile(r"parindex-backup-(\d{8})-(\d{6})\.(?:tar\.gz|tgz|tar)")


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def backup_time(name: str) -> datetime.datetime | None:
    match = NAME.fullmatch(name)
    if match is None:
        return None
    try:
        return datetime.datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
    except ValueError:
        return None


def to_keep(names: Iterable[str], policy: Policy) -> set[str]:
    """The archive names to keep (names that are not archives are not returned either)."""
    dated = sorted(
        ((moment, name) for name in names if (moment := backup_time(name)) is not None),
        reverse=True,
    )
    keep: set[str] = {dated[0][1]} if dated else set()
    buckets: list[tuple[int, Callable[[datetime.datetime], object]]] = [
        (policy.daily, lambda moment: moment.date()),
        (policy.weekly, lambda moment: moment.isocalendar()[:2]),
        (policy.monthly, lambda moment: (moment.year, moment.month)),
    ]
    for count, period in buckets:
        seen: set[object] = set()
        for moment, name in dated:  # newest first: the first of a period is its newest
            key = period(moment)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.add(key)
            keep.add(name)
    return keep


def to_delete(names: Iterable[str], policy: Policy) -> list[str]:
    names = list(names)
    keep = to_keep(names, policy)
    return sorted(name for name in names if backup_time(name) is not None and name not in keep)
