"""The one refusal of the operations app."""

from __future__ import annotations


class OperationRefused(Exception):
    """A backup or restore that did not happen, with a Vietnamese message for the operator.

    Raised before anything is written to the instance (a refused restore leaves the database
    and the data folder as they were; a refused backup leaves no archive)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
