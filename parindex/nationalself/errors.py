"""Refusals of the national self-assessment's services, worded for the user."""

from __future__ import annotations


class NationalSelfError(Exception):
    """A change is refused; the message says why, in the user's language."""
