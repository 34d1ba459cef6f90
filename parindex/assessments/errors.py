"""The assessment workflow's refusals, raised by the services and shown to the user."""

from __future__ import annotations

from dataclasses import dataclass


class WorkflowError(Exception):
    """An action refused by the workflow, a deadline or a rule; the message is for the user."""


class StaleEdit(WorkflowError):
    """The entry changed since the user loaded it."""


@dataclass(frozen=True)
class MissingEvidence(WorkflowError):
    codes: list[str]

    def __str__(self) -> str:
        return "Các mục bắt buộc có tài liệu kiểm chứng hoặc giải trình còn thiếu: " + ", ".join(
            self.codes
        )
