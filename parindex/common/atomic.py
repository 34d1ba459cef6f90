"""Writing files all or nothing: a reader never sees half a file, a failure leaves none; and
sweeping what a writer killed mid-way (a crash, the out-of-memory killer) left behind."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _mode_for(target: Path) -> int:
    """The existing file's mode, or what a plainly created file would get (mkstemp's own
    0600 would hide a report from its other readers)."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` (same suffix, so writers that choose a format by it
    work), renamed onto `target` only if the block succeeds; removed in every other case."""
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    with replacing(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: Path, text: str) -> None:
    with replacing(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


# --- leftovers of writers that were killed ------------------------------------------------------

STAGING_PREFIX = ".staging-"
# `replacing`'s temporary files (".name.abc123.tmp.parquet") and a manifest's (".manifest.json.
# <32 hex digits>"): a writer killed between writing and renaming leaves them behind.
_TEMPORARY = re.compile(r"\..+\.(tmp[^/]*|[0-9a-f]{32})")
DEFAULT_LEFTOVER_AGE = 3600.0  # seconds: no import or write takes a whole hour without a sign


def _newest_change(path: Path) -> float:
    """The latest modification time of `path` and, for a folder, of anything inside it (a
    writer still filling a staging folder keeps it young)."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for inner in path.rglob("*"):
            with contextlib.suppress(OSError):
                newest = max(newest, inner.lstat().st_mtime)
    return newest


def leftovers(root: Path) -> list[Path]:
    """The staging folders (`.staging-*`) and temporary files under `root`, outermost only."""
    found: list[Path] = []
    if not root.is_dir():
        return found
    for folder, folders, files in os.walk(root):
        base = Path(folder)
        staging = [name for name in folders if name.startswith(STAGING_PREFIX)]
        found.extend(base / name for name in staging)
        folders[:] = [name for name in folders if name not in staging]
        found.extend(base / name for name in files if _TEMPORARY.fullmatch(name))
    return sorted(found)


def sweep_leftovers(
    root: Path, *, older_than: float = DEFAULT_LEFTOVER_AGE, now: float | None = None
) -> list[Path]:
    """Delete what killed writers left under `root` (`leftovers`) that has not changed for
    `older_than` seconds (0: everything, for a caller holding the writers' lock); returns what
    was deleted. A live writer's files are younger and stay."""
    moment = time.time() if now is None else now
    removed: list[Path] = []
    for path in leftovers(root):
        try:
            if older_than > 0 and moment - _newest_change(path) < older_than:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue  # its writer finished meanwhile
        removed.append(path)
    return removed
