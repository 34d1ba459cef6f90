"""The assessment workflow's refusals, raised by the services and shown to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext


class WorkflowError(Exception):
    """An action refused by the workflow, a deadline or a rule; the message is for the user."""


class StaleEdit(WorkflowError):
    """The entry changed since the user loaded it."""


@dataclass(frozen=True)
class MissingEvidence(WorkflowError):
    codes: list[str]

    def __str__(self) -> str:
        return gettext(
            "Các mục bắt buộc có tài liệu kiểm chứng hoặc giải trình còn thiếu: %(codes)s"
        ) % {"codes": ", ".join(self.codes)}
