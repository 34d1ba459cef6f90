"""Uploaded files as the person knows them: a safe name, and problem locations without the
temporary folder the file was checked in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from parindex.engine import Problem


def strip_folder(problems: Iterable[Problem], folder: Path) -> list[Problem]:
    """Locations as the person knows them: the uploaded file's name, not a temporary path."""
    prefix = f"{folder}/"
    return [
        Problem(problem.location.replace(prefix, ""), problem.message.replace(prefix, ""))
        for problem in problems
    ]


def safe_name(file_name: str, default: str) -> str:
    name = Path(file_name or default).name.strip() or default
    return name.replace("\x00", "")
