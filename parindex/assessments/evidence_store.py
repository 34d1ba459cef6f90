"""Storing checked evidence files, once per content: the one way assessments, tasks and the
national self-assessment keep uploaded documents.

Every file of an upload is checked before anything is stored (`check_uploads`); each is then
stored under a generated name (the user's file name never reaches the storage: no path
tricks, no clashes) unless a document with the same SHA-256 already exists where it belongs
(`store_once`). The caller collects the stored names and deletes them if its transaction
fails, so that no file outlives a rolled-back row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction

from parindex.assessments.evidence import CheckedFile, EvidenceRejected, check_upload

Document = TypeVar("Document", bound=models.Model)


@dataclass(frozen=True)
class UploadedFile:
    """One file as a view received it: its name, a binary stream and its declared size."""

    name: str
    stream: IO[bytes]
    size: int | None = None


def check_uploads(files: Iterable[UploadedFile]) -> list[CheckedFile]:
    """Every file checked; `EvidenceRejected` naming every refused file when any is (nothing
    is stored then)."""
    checked: list[CheckedFile] = []
    refusals: list[str] = []
    for upload in files:
        try:
            checked.append(check_upload(upload.name, upload.stream, upload.size))
        except EvidenceRejected as error:
            refusals.append(str(error))
    if refusals:
        raise EvidenceRejected(" ".join(refusals))
    return checked


def store_once(
    model: type[Document],
    checked: CheckedFile,
    stored: list[str],
    *,
    owner: Mapping[str, Any],
    **fields: Any,
) -> tuple[Document, bool]:
    """The document of `owner` (e.g. `{"task": task}`) with this content, and whether it was
    created now: the existing one, or a new row with the file stored and its name appended to
    `stored`. Two uploads of the same content at once: the unique constraint keeps the first,
    the second's file is removed and the first returned."""
    manager = model._default_manager
    existing = manager.filter(**owner, sha256=checked.sha256).first()
    if existing is not None:
        return existing, False
    document = model(
        **owner,
        original_name=checked.name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        **fields,
    )
    file_field = document.file  # type: ignore[attr-defined]
    file_field.save(f"{uuid.uuid4().hex}.{checked.kind}", ContentFile(checked.data), save=False)
    name = file_field.name
    assert name is not None  # `save` has just stored the file under its name
    stored.append(name)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        default_storage.delete(name)
        stored.remove(name)
        return manager.get(**owner, sha256=checked.sha256), False
    return document, True
