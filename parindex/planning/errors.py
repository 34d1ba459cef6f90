"""The one error of the planning package."""

from __future__ import annotations


class PlanningError(Exception):
    """A plan, scenario or simulation cannot be made as asked; the message says why."""
