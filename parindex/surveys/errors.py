"""Errors of the survey package. Each lists every located problem, so a person fixes all at once."""

from __future__ import annotations

from collections.abc import Sequence

from parindex.engine import Problem

# Every message refusing a feature parindex does not support ends with these words, so that a
# caller can tell "not supported (yet)" from "invalid" (`FormCheck.unsupported`).
UNSUPPORTED = "chưa được hỗ trợ"


class SurveyError(Exception):
    """Base class of the survey errors; `problems` says what is wrong and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class FormError(SurveyError):
    """An XLSForm questionnaire cannot be used (locations read `FORM.xlsx!survey!C7`)."""


class ResponseFileError(SurveyError):
    """A responses file cannot be imported at all (missing columns, unreadable file)."""


class StoreError(SurveyError):
    """The survey store cannot do what was asked (unknown response, no data…)."""

    @classmethod
    def single(cls, message: str, location: str = "") -> StoreError:
        return cls([Problem(location, message)])
