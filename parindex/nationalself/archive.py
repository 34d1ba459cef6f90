"""The evidence archive sent with the report: a ZIP laid out by criterion code, with a manifest.

    bao-cao-tu-danh-gia-chi-so-cchc-2025.docx      the report
    1/1.1/1.1.1/01-Quyet-dinh-ke-hoach.pdf         each document cited for a leaf, in the
    1/1.1/1.1.2/01-Bao-cao-CCHC.pdf                folder of the leaf's path in the framework
    danh-muc-tai-lieu.csv                          the manifest (UTF-8, opens in Excel)
    danh-muc-tai-lieu.json                         the same, for programs

The manifest names, for every file of the archive, its path, the original file name, its
SHA-256 and size, the sub-criterion it proves and the department that provided it, the
document's number and date. A document cited for two leaves is in both folders. The bytes of
every evidence file are checked against the SHA-256 recorded at upload before they are written.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.utils.translation import gettext

from parindex.common.spreadsheet import inert_row
from parindex.engine import Framework as EngineFramework

MANIFEST_CSV = "danh-muc-tai-lieu.csv"
MANIFEST_JSON = "danh-muc-tai-lieu.json"
EXAMPLE_NOTE = "VI-DU-khong-phai-ho-so-that.txt"
COLUMNS = (
    "path",
    "file_name",
    "sha256",
    "size",
    "node",
    "node_title",
    "department",
    "document_number",
    "document_date",
    "document_title",
    "checklist_item",
    "location",
)


class ArchiveError(Exception):
    """A stored file does not match what was recorded (its content changed since upload)."""


@dataclass(frozen=True)
class ManifestRow:
    path: str
    file_name: str
    sha256: str
    size: int
    node: str
    node_title: str
    department: str
    document_number: str
    document_date: str  # dd/mm/yyyy or ""
    document_title: str
    checklist_item: str
    location: str


@dataclass(frozen=True)
class ArchiveFile:
    """One evidence file to write: where, and what the manifest says of it."""

    row: ManifestRow
    evidence_id: int


def safe_file_name(name: str) -> str:
    """ASCII letters, digits, dots, dashes: a name every archive tool and file system reads
    ("Quyết định số 12.pdf" → "Quyet-dinh-so-12.pdf")."""
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.")
    return cleaned[:120] or "tai-lieu"


def node_folder(engine: EngineFramework, code: str) -> str:
    """The leaf's path in the tree: its ancestors' codes then its own ("1/1.1/1.1.1")."""
    parts = [code]
    parent = engine.nodes[code].parent
    while parent is not None:
        parts.append(parent)
        parent = engine.nodes[parent].parent
    return "/".join(safe_file_name(part) for part in reversed(parts))


def build_archive(
    files: Sequence[tuple[ArchiveFile, bytes]],
    *,
    report_name: str,
    report: bytes,
    when: datetime.datetime,
    example_note: str = "",
) -> bytes:
    """The ZIP: the report, every evidence file checked against its recorded SHA-256, the
    manifest as CSV and JSON (rows for the evidence files)."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def write(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        write(report_name, report)
        if example_note:
            write(EXAMPLE_NOTE, example_note.encode("utf-8"))
        for item, data in files:
            found = hashlib.sha256(data).hexdigest()
            if found != item.row.sha256:
                raise ArchiveError(
                    gettext(
                        "Tệp «%(name)s» (tiêu chí %(code)s) không khớp mã SHA-256 đã ghi khi tải "
                        "lên: nội dung đã bị thay đổi."
                    )
                    % {"name": item.row.file_name, "code": item.row.node}
                )
            write(item.row.path, data)
        rows = [item.row for item, _data in files]
        write(MANIFEST_CSV, manifest_csv(rows))
        write(
            MANIFEST_JSON,
            (json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1) + "\n").encode(
                "utf-8"
            ),
        )
    return buffer.getvalue()


def manifest_csv(rows: Sequence[ManifestRow]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Vietnamese text."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = asdict(row)
        writer.writerow(inert_row([values[column] for column in COLUMNS]))  # no live formula
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def read_manifest(archive: bytes) -> list[dict[str, str]]:
    """The manifest of an archive, as rows (what a test or the Ministry's side reads back)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return list(json.loads(opened.read(MANIFEST_JSON).decode("utf-8")))
