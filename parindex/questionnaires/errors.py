"""Refusals of the survey platform: every located problem of a request, answers that do not
fit the questionnaire, a public form that turns a visitor away, rows that cannot be imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parindex.engine import Problem
from parindex.questionnaires.forms import AnswerForm
from parindex.surveys.responses import RejectedRow


class QuestionnaireError(Exception):
    """A request refused, with every located problem (file!sheet!cell, file:row, field)."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        self.problems = [Problem("", problems)] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class AnswerInvalid(Exception):
    """Answers that do not fit the questionnaire; `form` holds the per-question errors."""

    def __init__(self, form: AnswerForm) -> None:
        self.form = form
        super().__init__(form.errors.as_text())


class PublicRefusal(Exception):
    """The public form refuses a visitor; `code` picks the message (public_text.py)."""

    def __init__(self, code: str, status: int, **params: Any) -> None:
        self.code = code
        self.status = status
        self.params = params
        super().__init__(code)


class ImportRejected(QuestionnaireError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, rejected: Sequence[RejectedRow], read: int) -> None:
        self.rejected = list(rejected)
        self.read = read
        super().__init__(
            [Problem(f"{row.origin}:{row.row}", "; ".join(row.problems)) for row in rejected]
        )
