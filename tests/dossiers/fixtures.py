"""Fixtures of the service-data web tests: a store of the test's own, an uploaded export."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.jobs.models import Job

from .helpers import export_csv

__all__ = ["data_dir", "imported", "upload"]


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    """A fresh data folder: the store (`DATA_DIR/servicedata`) starts empty for each test."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def upload(login, data_dir):
    """Post a dossier export as the appraiser; returns the import job."""

    def post(content: bytes | None = None, name: str = "ho-so-2025.csv", mapping: str = "generic"):
        client = login("appraiser")
        response = client.post(
            reverse("dossiers:upload"),
            {"file": SimpleUploadedFile(name, export_csv() if content is None else content),
             "mapping": mapping},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert response["Location"] == reverse("dossiers:report", args=[job.pk])
        return job

    return post


@pytest.fixture
def imported(upload):
    """The fixture export imported once."""
    return upload()
