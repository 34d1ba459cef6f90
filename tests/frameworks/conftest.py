"""Fixtures for the framework-file tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "framework.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
