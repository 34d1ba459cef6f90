"""What the framework readers and writers share: file errors, reading results, problem order."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from parindex.engine import FrameworkSpec, Problem

# Keys a node may carry, in the order writers emit them. `parent` only exists in the
# Excel format: in YAML the nesting says who the parent is.
NODE_FIELDS: tuple[str, ...] = (
    "code",
    "parent",
    "title",
    "max_points",
    "kind",
    "rule",
    "rule_params",
    "source",
    "evidence",
    "evidence_hint",
    "tags",
    "guidance",
    "previous_codes",
    "alternatives",
    "indicator",
)

# Metadata keys the engine knows; any other key is kept as a free key (FrameworkInfo.extra).
INFO_KEYS: tuple[str, ...] = (
    "code",
    "name",
    "year",
    "unit_group",
    "legal_basis",
    "max_total",
    "classes",
    "rounding",
    "status_note",
)

ROUNDING_KEYS: tuple[str, ...] = ("index_places", "points_places", "display_places")

# What an absent or empty node field means; writers leave these out (YAML) or write them.
NODE_DEFAULTS: dict[str, str] = {"kind": "standard", "source": "self", "evidence": "optional"}


class FrameworkFileError(Exception):
    """A framework file cannot be read or written at all (missing, not a workbook, bad suffix)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"tệp «{path}»: {reason}")


class SpecReading(NamedTuple):
    """A spec read from a file, and the problems only the reader can see (unknown keys …).

    The engine's own checks run later, in `build_framework`; `load_framework` reports
    both lists together so a person sees every problem of the file at once.
    """

    spec: FrameworkSpec
    problems: list[Problem]


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """ "; có phải «max_points»?" for a near miss, else the list of what exists."""
    close = difflib.get_close_matches(name, known, n=1)
    return f"; có phải «{close[0]}»?" if close else f" (có: {', '.join(known)})"


def split_list_text(text: str) -> list[str]:
    """Comma-separated tags or codes ("quick_win, survey") as a clean list."""
    return [part.strip() for part in text.split(",") if part.strip()]


_YAML_POSITION = re.compile(r":(\d+)$")
_CELL_POSITION = re.compile(r"!([^!]+)!([A-Z]+)(\d+)$")


def _position(location: str) -> tuple[str, int, int]:
    """Sheet, row (or line) and column of a location, so problems sort in reading order."""
    cell = _CELL_POSITION.search(location)
    if cell:
        sheet, letters, row = cell.groups()
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - ord("A") + 1
        return sheet, int(row), column
    line = _YAML_POSITION.search(location)
    if line:
        return "", int(line.group(1)), 0
    return "", 0, 0


def in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Problems sorted by where they are in the file; file-wide ones first."""
    return sorted(problems, key=lambda problem: _position(problem.location))
