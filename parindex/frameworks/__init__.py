"""Criteria frameworks (Bộ tiêu chí) as files: YAML for people, Excel for spreadsheets.

`load_framework` reads either format and validates it, reporting every problem of the
file at once, each with its location (`file.yaml:12`, `file.xlsx!nodes!D7`).
`write_framework` and `convert_framework` write all or nothing: a temporary file in the
target's folder, renamed over the target only when complete (and, for a conversion,
only when it reads back as the same framework).

The formats are documented in docs/framework-format.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from parindex.common import atomic
from parindex.engine import Framework, FrameworkError, FrameworkSpec, build_framework

from .checks import unknown_rule_parameters
from .common import FrameworkFileError, SpecReading, in_reading_order
from .compare import framework_differences
from .xlsx_format import read_xlsx, write_xlsx
from .yaml_format import dump_yaml, read_yaml, write_yaml

__all__ = [
    "EXAMPLES_DIR",
    "FrameworkFileError",
    "SpecReading",
    "convert_framework",
    "dump_yaml",
    "example_paths",
    "framework_differences",
    "load_framework",
    "parse_spec",
    "read_spec",
    "write_framework",
]

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "frameworks"

_Reader = Callable[[Path | str], SpecReading]
_Writer = Callable[[Framework, Path | str], None]
_FORMATS: dict[str, tuple[_Reader, _Writer]] = {
    ".yaml": (read_yaml, write_yaml),
    ".yml": (read_yaml, write_yaml),
    ".xlsx": (read_xlsx, write_xlsx),
}


def _format_of(path: Path) -> tuple[_Reader, _Writer]:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        suffix = path.suffix or "(không có đuôi)"
        raise FrameworkFileError(
            path, f"định dạng «{suffix}» không hỗ trợ; dùng .yaml, .yml hoặc .xlsx"
        ) from None


def parse_spec(path: Path | str) -> SpecReading:
    """The spec of a framework file and the problems the reader found (not yet the engine's).

    Raises `FrameworkFileError` when the file cannot be read at all and `FrameworkError`
    when it cannot be parsed (a YAML syntax error).
    """
    reader, _ = _format_of(Path(path))
    spec, problems = reader(path)
    return SpecReading(spec, in_reading_order(problems + unknown_rule_parameters(spec)))


def read_spec(path: Path | str) -> FrameworkSpec:
    """The spec of a framework file; raises `FrameworkError` if the reader found problems."""
    spec, problems = parse_spec(path)
    if problems:
        raise FrameworkError(problems)
    return spec


def load_framework(path: Path | str) -> Framework:
    """Read and validate a framework file.

    Raises `FrameworkError` with every located problem (the reader's and the engine's),
    or `FrameworkFileError` when the file cannot be read at all.
    """
    spec, problems = parse_spec(path)
    try:
        framework = build_framework(spec)
    except FrameworkError as error:
        raise FrameworkError(in_reading_order(problems + error.problems)) from None
    if problems:
        raise FrameworkError(problems)
    return framework


@contextlib.contextmanager
def _all_or_nothing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it only if the block succeeds."""
    if not target.parent.is_dir():
        raise FrameworkFileError(target, f"thư mục «{target.parent}» không tồn tại")
    with atomic.replacing(target) as temporary:
        yield temporary


def write_framework(framework: Framework, path: Path | str) -> None:
    """Write `framework` as YAML (.yaml, .yml) or Excel (.xlsx), all or nothing."""
    target = Path(path)
    _, writer = _format_of(target)
    with _all_or_nothing(target) as temporary:
        writer(framework, temporary)


def convert_framework(
    source: Path | str, target: Path | str, *, overwrite: bool = False
) -> Framework:
    """Convert a framework file between YAML and Excel; returns the framework.

    Nothing is written when the source is invalid, when `target` exists and `overwrite`
    is false, or when the written file would not read back as the same framework.
    """
    target_path = Path(target)
    _, writer = _format_of(target_path)
    framework = load_framework(source)
    if target_path.exists() and not overwrite:
        raise FrameworkFileError(target_path, "tệp đã có; dùng --force để ghi đè")
    with _all_or_nothing(target_path) as temporary:
        writer(framework, temporary)
        differences = framework_differences(framework, load_framework(temporary))
        if differences:
            raise FrameworkFileError(
                target_path, "bản chuyển đổi khác bản gốc: " + "; ".join(differences[:5])
            )
    return framework


def example_paths() -> list[Path]:
    """The example frameworks shipped with parindex (YAML and Excel)."""
    return sorted(
        path
        for path in EXAMPLES_DIR.iterdir()
        # A dot-file would be a temporary file left by an interrupted write.
        if path.suffix.lower() in _FORMATS and not path.name.startswith(".")
    )
