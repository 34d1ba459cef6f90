"""Checking an uploaded evidence file before anything is stored.

The type is read from the file's first bytes (and, for Office files, from the
ZIP's member names), never trusted from the name alone; the name's extension must
agree with the content. Names with path parts or double extensions are refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings

DEFAULT_ALLOWED = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
_RISKY_INNER = {
    "exe",
    "bat",
    "cmd",
    "com",
    "js",
    "vbs",
    "sh",
    "php",
    "html",
    "htm",
    "svg",
    "scr",
    "msi",
    "jar",
}


class EvidenceRejected(Exception):
    """The file is refused; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str  # pdf, docx, xlsx, jpg, png
    content_type: str
    size: int
    sha256: str
    data: bytes


def allowed_kinds() -> tuple[str, ...]:
    return tuple(getattr(settings, "PARINDEX_EVIDENCE_TYPES", DEFAULT_ALLOWED))


def max_bytes() -> int:
    return int(getattr(settings, "PARINDEX_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """ "20 MB", "1,5 MB", "820 KB": sizes as people read them, with the decimal comma."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0").replace(".", ",") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _detect(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    return None


def check_upload(name: str, stream: IO[bytes], declared_size: int | None = None) -> CheckedFile:
    """Validate an upload; raises `EvidenceRejected` with the reason."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith("."):
        raise EvidenceRejected(f"Tên tệp «{name}» không hợp lệ (không được chứa đường dẫn).")
    limit = max_bytes()
    if declared_size is not None and declared_size > limit:
        raise EvidenceRejected(
            f"Tệp «{name}» lớn {size_text(declared_size)}, vượt giới hạn {size_text(limit)}."
        )
    # Read one byte past the limit: a stream that under-declares its size is still stopped.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceRejected(f"Tệp «{name}» vượt giới hạn {size_text(limit)}.")
    if not data:
        raise EvidenceRejected(f"Tệp «{name}» rỗng (0 byte).")
    parts = name.lower().split(".")
    if len(parts) < 2:
        raise EvidenceRejected(f"Tệp «{name}» không có phần mở rộng.")
    extension = "jpg" if parts[-1] == "jpeg" else parts[-1]
    if any(part in _RISKY_INNER for part in parts[1:-1]):
        raise EvidenceRejected(f"Tên tệp «{name}» có hai phần mở rộng, không được chấp nhận.")
    allowed = {"jpg" if kind == "jpeg" else kind for kind in allowed_kinds()}
    if extension not in allowed:
        raise EvidenceRejected(
            f"Loại tệp «.{parts[-1]}» không được phép (chỉ nhận: {', '.join(sorted(allowed))})."
        )
    detected = _detect(data)
    if detected != extension:
        found = (
            f"nội dung là {detected.upper()}"
            if detected
            else "nội dung không phải loại tệp được phép"
        )
        raise EvidenceRejected(f"Tệp «{name}» mang đuôi .{parts[-1]} nhưng {found}.")
    clean = re.sub(r"[^\w.\- ()]", "_", name)[:200]
    return CheckedFile(
        name=clean,
        kind=extension,
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
