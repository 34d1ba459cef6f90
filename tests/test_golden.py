"""The golden-file switch itself: compare normally; in update mode rewrite and skip, never pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden import check_golden


def test_a_matching_result_passes_and_a_different_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARINDEX_UPDATE_GOLDEN", raising=False)
    golden = tmp_path / "golden.json"
    golden.write_text('{"rank": 1}\n', encoding="utf-8")
    check_golden(golden, {"rank": 1})
    with pytest.raises(AssertionError, match="differs from the golden file"):
        check_golden(golden, {"rank": 2})


@pytest.mark.parametrize("value", ["1", "yes"])
def test_update_mode_rewrites_the_file_and_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PARINDEX_UPDATE_GOLDEN", value)
    golden = tmp_path / "new" / "golden.json"
    with pytest.raises(pytest.skip.Exception, match="golden file updated"):
        check_golden(golden, {"tên": "Xã An Bình"})
    assert json.loads(golden.read_text(encoding="utf-8")) == {"tên": "Xã An Bình"}


def test_update_mode_writes_the_given_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARINDEX_UPDATE_GOLDEN", "1")
    golden = tmp_path / "report.json"
    with pytest.raises(pytest.skip.Exception):
        check_golden(golden, {"a": 1}, text='{"a":1}\n')
    assert golden.read_text(encoding="utf-8") == '{"a":1}\n'


def test_zero_or_empty_means_compare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = tmp_path / "golden.json"
    golden.write_text("[1]", encoding="utf-8")
    for value in ("0", ""):
        monkeypatch.setenv("PARINDEX_UPDATE_GOLDEN", value)
        with pytest.raises(AssertionError):
            check_golden(golden, [2])
    assert golden.read_text(encoding="utf-8") == "[1]"
