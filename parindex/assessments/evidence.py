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
from django.utils.formats import get_format
from django.utils.translation import gettext

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
    """The file is refused; the message says why, in the user's language."""


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
    """ "20 MB", "1,5 MB", "820 KB": sizes as people read them, with the page language's
    decimal separator (a comma in Vietnamese)."""
    if size >= 1024 * 1024:
        separator = str(get_format("DECIMAL_SEPARATOR"))
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0").replace(".", separator) + " MB"
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
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return "macro"  # a macro-enabled document (.docm/.xlsm) renamed
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    return None


def check_upload(name: str, stream: IO[bytes], declared_size: int | None = None) -> CheckedFile:
    """Validate an upload; raises `EvidenceRejected` with the reason."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name.startswith("."):
        raise EvidenceRejected(
            gettext("Tên tệp «%(name)s» không hợp lệ (không được chứa đường dẫn).") % {"name": name}
        )
    limit = max_bytes()
    if declared_size is not None and declared_size > limit:
        raise EvidenceRejected(
            gettext("Tệp «%(name)s» lớn %(size)s, vượt giới hạn %(limit)s.")
            % {"name": name, "size": size_text(declared_size), "limit": size_text(limit)}
        )
    # Read one byte past the limit: a stream that under-declares its size is still stopped.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceRejected(
            gettext("Tệp «%(name)s» vượt giới hạn %(limit)s.")
            % {"name": name, "limit": size_text(limit)}
        )
    if not data:
        raise EvidenceRejected(gettext("Tệp «%(name)s» rỗng (0 byte).") % {"name": name})
    parts = name.lower().split(".")
    if len(parts) < 2:
        raise EvidenceRejected(gettext("Tệp «%(name)s» không có phần mở rộng.") % {"name": name})
    extension = "jpg" if parts[-1] == "jpeg" else parts[-1]
    if any(part in _RISKY_INNER for part in parts[1:-1]):
        raise EvidenceRejected(
            gettext("Tên tệp «%(name)s» có hai phần mở rộng, không được chấp nhận.")
            % {"name": name}
        )
    allowed = {"jpg" if kind == "jpeg" else kind for kind in allowed_kinds()}
    if extension not in allowed:
        raise EvidenceRejected(
            gettext("Loại tệp «.%(extension)s» không được phép (chỉ nhận: %(allowed)s).")
            % {"extension": parts[-1], "allowed": ", ".join(sorted(allowed))}
        )
    detected = _detect(data)
    if detected == "macro":
        raise EvidenceRejected(
            gettext("Tệp «%(name)s» chứa macro (mã có thể chạy), không được chấp nhận.")
            % {"name": name}
        )
    if detected != extension:
        if detected:
            message = gettext("Tệp «%(name)s» mang đuôi .%(extension)s nhưng nội dung là %(kind)s.")
        else:
            message = gettext(
                "Tệp «%(name)s» mang đuôi .%(extension)s nhưng nội dung không phải loại tệp "
                "được phép."
            )
        raise EvidenceRejected(
            message % {"name": name, "extension": parts[-1], "kind": (detected or "").upper()}
        )
    clean = re.sub(r"[^\w.\- ()]", "_", name)[:200]
    return CheckedFile(
        name=clean,
        kind=extension,
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
