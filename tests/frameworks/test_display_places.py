"""`rounding.display_places` (the decimals pages and exports show) goes through both formats;
a file written before it existed is written again unchanged (the default is left out)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from parindex.frameworks import load_framework, write_framework
from tests.frameworks.helpers import MINIMAL


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_display_places_round_trip_through_yaml_and_excel(tmp_path: Path, suffix: str) -> None:
    original = load_framework(MINIMAL)
    assert original.info.display_places == 2
    framework = dataclasses.replace(
        original, info=dataclasses.replace(original.info, display_places=1)
    )
    path = tmp_path / f"framework{suffix}"
    write_framework(framework, path)
    assert load_framework(path).info.display_places == 1


def test_the_default_display_places_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    write_framework(load_framework(MINIMAL), path)
    assert "display_places" not in path.read_text(encoding="utf-8")
