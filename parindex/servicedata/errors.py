"""Errors of the service-data package. Each lists every located problem, never just the first."""

from __future__ import annotations

from collections.abc import Iterable

from parindex.engine import Problem


class ServiceDataError(Exception):
    """Input (a file, a mapping, a configuration) that cannot be used; nothing was written.

    `problems` holds every problem found, each with its location (file and line, row or field).
    """

    def __init__(self, problems: Iterable[Problem] | str, location: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(location, problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
