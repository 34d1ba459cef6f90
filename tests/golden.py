"""The one golden-file switch for the whole suite.

A golden test computes its result and calls `check_golden(path, found)`. Normally the
result must equal the file's content. After an intended change, rewrite every golden file
with

    PARINDEX_UPDATE_GOLDEN=1 .venv/bin/pytest -m "not browser"    # or any selection of tests

In that mode each golden test writes its file and is then *skipped* (never passed), so the
run's summary lists every file it rewrote; read `git diff tests/` and check each changed
figure by hand before committing it: a golden file is a reviewed expectation, not a snapshot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

UPDATE_VARIABLE = "PARINDEX_UPDATE_GOLDEN"


def updating() -> bool:
    """Whether this run rewrites the golden files (PARINDEX_UPDATE_GOLDEN set, not "0")."""
    return os.environ.get(UPDATE_VARIABLE, "") not in ("", "0")


def check_golden(
    path: Path,
    found: Any,
    *,
    text: str | None = None,
    load: Callable[[str], Any] = json.loads,
) -> None:
    """Compare `found` with the golden file at `path`, read with `load` (JSON by default).

    In update mode the file is rewritten with `text` (default: `found` as indented JSON)
    and the test is skipped."""
    if updating():
        if text is None:
            text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"golden file updated: {path}; review `git diff` before committing it")
    expected = load(path.read_text(encoding="utf-8"))
    assert found == expected, (
        f"differs from the golden file {path}; if the change is intended, rewrite it with "
        f"{UPDATE_VARIABLE}=1 and review the diff"
    )
