"""The permission matrix's vocabulary, shared by every app's entries.

An app adds its URLs in `tests/web/matrix_<app>.py` as a dict named `ENTRIES`;
`collect_entries` gathers them for `test_permissions.py`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .conftest import PERSONAS

ALL = set(PERSONAS) - {"anonymous"}
PROVINCIAL = {"appraiser", "council", "leader", "admin"}
HOME_AFFAIRS = {"appraiser", "admin"}
ADMIN = {"admin"}
UNIT_A = {"officer_a", "head_a"}


@dataclass
class Entry:
    allowed: set[str]
    args: Callable[[dict[str, Any]], list[Any]] = lambda p: []
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = False  # reachable without logging in


def collect_entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    folder = Path(__file__).parent
    for module in pkgutil.iter_modules([str(folder)]):
        if module.name.startswith("matrix_"):
            loaded = importlib.import_module(f"{__package__}.{module.name}")
            clashes = set(entries) & set(loaded.ENTRIES)
            assert not clashes, f"URL names listed twice in the matrix: {clashes}"
            entries.update(loaded.ENTRIES)
    return entries
