"""Errors raised by the engine. Each carries enough to tell a person what to fix."""

from __future__ import annotations


class EngineError(Exception):
    """Base class for every error the engine raises."""


class RuleParameterError(EngineError):
    """A scoring rule was configured with parameters that cannot work."""


class RuleInputError(EngineError):
    """A value entered for a node does not fit the node's rule."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class FrameworkError(EngineError):
    """A framework could not be built; `problems` lists every located problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the framework:\n{lines}")


class Problem:
    """One validation problem and where it is (file and line, or sheet and cell)."""

    __slots__ = ("location", "message")

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.message = message

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def __repr__(self) -> str:
        return f"Problem({self.location!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.location, self.message) == (
            other.location,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.location, self.message))
