"""Evidence uploads: every refusal the issue names leaves nothing behind (no document row,
no file in the storage); one document serves several nodes; downloads are access-checked."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.assessments.errors import WorkflowError
from parindex.assessments.evidence import EvidenceRejected
from parindex.assessments.models import EvidenceDocument, EvidenceLink
from parindex.assessments.services.evidence import (
    UploadedFile,
    evidence_upload,
    evidence_upload_many,
)

from .helpers import JPG, PDF, PNG, office_file

HTMX = {"HTTP_HX_REQUEST": "true"}
EXE = b"MZ\x90\x00" + b"\x00" * 60


def stored_files() -> set[Path]:
    """Every evidence file in the storage (other apps' uploads, e.g. job results, aside)."""
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def nothing_stored(db):
    """Asserts, after the test, that no document row and no file were added."""
    files_before = stored_files()
    documents_before = EvidenceDocument.objects.count()
    yield
    assert EvidenceDocument.objects.count() == documents_before
    assert stored_files() == files_before


def upload(province, name: str, data: bytes, **extra):
    return evidence_upload(
        actor=province["users"]["officer_a"],
        assessment=province["assessment_a"],
        name=name,
        stream=io.BytesIO(data),
        size=len(data),
        node_code="1.1",
        **extra,
    )


REFUSALS = [
    pytest.param("ke-hoach.png", PDF, "mang đuôi .png nhưng nội dung là PDF", id="pdf-named-png"),
    pytest.param(
        "ke-hoach.pdf", EXE, "nội dung không phải loại tệp được phép", id="program-named-pdf"
    ),
    pytest.param("bao-cao.docx", office_file("xl"), "nội dung là XLSX", id="xlsx-named-docx"),
    pytest.param("bao-cao.exe.pdf", PDF, "có hai phần mở rộng", id="double-extension"),
    pytest.param("bao-cao.pdf.exe", PDF, "Loại tệp «.exe» không được phép", id="exe-last"),
    pytest.param("../../etc/passwd.pdf", PDF, "không được chứa đường dẫn", id="dot-dot-slash"),
    pytest.param("..\\windows\\x.pdf", PDF, "không được chứa đường dẫn", id="backslashes"),
    pytest.param("/tmp/x.pdf", PDF, "không được chứa đường dẫn", id="absolute"),
    pytest.param(".htaccess", PDF, "không hợp lệ", id="hidden-file"),
    pytest.param("rong.pdf", b"", "rỗng (0 byte)", id="zero-bytes"),
    pytest.param("khong-duoi", PDF, "không có phần mở rộng", id="no-extension"),
    pytest.param("trang.html", b"<html></html>", "không được phép", id="html"),
]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("name", "data", "message"), REFUSALS)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_stored(
    open_province, name, data, message
):
    with pytest.raises(EvidenceRejected, match=re.escape(message)):
        upload(open_province, name, data)
    assert not EvidenceLink.objects.exists()


@pytest.mark.usefixtures("nothing_stored")
def test_a_file_over_the_size_limit_is_refused(open_province, settings):
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(EvidenceRejected, match="vượt giới hạn 1 MB"):
        upload(open_province, "lon.pdf", big)
    # A stream that lies about its size is still cut at the limit.
    with pytest.raises(EvidenceRejected, match="vượt giới hạn 1 MB"):
        evidence_upload(
            actor=open_province["users"]["officer_a"],
            assessment=open_province["assessment_a"],
            name="lon.pdf",
            stream=io.BytesIO(big),
            size=10,
        )


@pytest.mark.usefixtures("nothing_stored")
def test_the_allowed_types_are_configurable(open_province, settings):
    settings.PARINDEX_EVIDENCE_TYPES = ("pdf",)
    with pytest.raises(EvidenceRejected, match=r"chỉ nhận: pdf"):
        upload(open_province, "anh.png", PNG)


@pytest.mark.usefixtures("nothing_stored")
def test_one_bad_file_in_a_batch_stores_none_of_them(open_province):
    with pytest.raises(EvidenceRejected) as refused:
        evidence_upload_many(
            actor=open_province["users"]["officer_a"],
            assessment=open_province["assessment_a"],
            files=[
                UploadedFile("tot.pdf", io.BytesIO(PDF)),
                UploadedFile("anh.jpg", io.BytesIO(JPG)),
                UploadedFile("xau.pdf", io.BytesIO(b"not a pdf")),
                UploadedFile("rong.png", io.BytesIO(b"")),
            ],
            node_code="1.1",
        )
    assert "xau.pdf" in str(refused.value)
    assert "rong.png" in str(refused.value)


@pytest.mark.usefixtures("nothing_stored")
def test_a_refusal_by_the_workflow_after_checking_stores_nothing_either(province):
    # The fixture's deadline has passed: a perfectly good file is refused too.
    with pytest.raises(WorkflowError, match="quá hạn"):
        upload(province, "ke-hoach.pdf", PDF)


def test_every_allowed_type_is_stored_under_a_generated_name_with_its_sha256(open_province):
    before = stored_files()
    for name, data in (
        ("ke hoạch số 1.pdf", PDF),
        ("bảng.xlsx", office_file("xl")),
        ("văn bản.docx", office_file("word")),
        ("ảnh.jpg", JPG),
        ("ảnh.png", PNG),
    ):
        document = upload(open_province, name, data)
        assert document.original_name == name
        assert document.size == len(data)
        assert Path(document.file.name).name != name
        assert Path(document.file.name).parent.as_posix().startswith("evidence/")
        assert document.file.read() == data
    added = stored_files() - before
    assert len(added) == 5
    assert all(Path(settings.MEDIA_ROOT) in path.parents for path in added)
    assert not any(str(Path(settings.STATIC_ROOT)) in str(path) for path in added)


def test_the_same_file_twice_is_stored_once_and_cited_for_two_nodes(open_province):
    officer = open_province["users"]["officer_a"]
    assessment = open_province["assessment_a"]
    before = stored_files()
    first = upload(open_province, "ke-hoach.pdf", PDF, location="tr. 2")
    second = evidence_upload(
        actor=officer,
        assessment=assessment,
        name="ke-hoach (ban sao).pdf",
        stream=io.BytesIO(PDF),
        node_code="1.2",
        location="tr. 5",
    )
    assert first == second
    assert len(stored_files() - before) == 1
    assert EvidenceDocument.objects.count() == 1
    assert sorted(EvidenceLink.objects.values_list("entry__node_code", "location")) == [
        ("1.1", "tr. 2"),
        ("1.2", "tr. 5"),
    ]


def test_an_uploaded_document_is_reused_on_another_node_from_the_page(login, open_province):
    assessment = open_province["assessment_a"]
    document = upload(open_province, "ke-hoach.pdf", PDF)
    response = login("officer_a").post(
        reverse("assessments:evidence_link", args=[assessment.pk, "1.2"]),
        {"document": str(document.pk), "location": "mục II"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Đã gắn «ke-hoach.pdf»." in response.content.decode()
    assert EvidenceLink.objects.filter(entry__node_code="1.2", document=document).exists()


def test_a_document_of_another_unit_cannot_be_cited(login, open_province):
    document = evidence_upload(
        actor=open_province["users"]["officer_b"],
        assessment=open_province["assessment_b"],
        name="b.pdf",
        stream=io.BytesIO(PDF + b"b"),
    )
    response = login("officer_a").post(
        reverse("assessments:evidence_link", args=[open_province["assessment_a"].pk, "1.2"]),
        {"document": str(document.pk)},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Chọn một tài liệu đã tải lên của đơn vị." in response.content.decode()
    assert (
        not EvidenceLink.objects.filter(document=document)
        .exclude(entry__assessment=open_province["assessment_b"])
        .exists()
    )


# --- through the web -------------------------------------------------------------------------


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("anh.png", PDF, "mang đuôi .png nhưng nội dung là PDF"),
        ("bao-cao.exe.pdf", PDF, "có hai phần mở rộng"),
        ("rong.pdf", b"", "rỗng (0 byte)"),
    ],
)
def test_the_upload_page_refuses_with_the_message_in_the_row(
    login, open_province, name, data, message
):
    response = login("officer_a").post(
        reverse("assessments:evidence_upload", args=[open_province["assessment_a"].pk, "1.1"]),
        {"files": [SimpleUploadedFile(name, data)], "location": "tr. 1"},
        **HTMX,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="node-1_1"' in response.content.decode()


@pytest.mark.usefixtures("nothing_stored")
def test_the_upload_page_refuses_a_file_over_the_limit(login, open_province, settings):
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 2048
    client = login("officer_a")
    response = client.post(
        reverse("assessments:evidence_upload", args=[open_province["assessment_a"].pk, "1.1"]),
        {"files": [SimpleUploadedFile("lon.pdf", PDF + b"0" * 4096)]},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Tệp «lon.pdf» lớn 4 KB, vượt giới hạn 2 KB." in page.content.decode()


def test_a_path_in_the_browser_supplied_name_never_reaches_the_storage(login, open_province):
    # Django keeps only the last part of a multipart file name; the storage name is generated.
    login("officer_a").post(
        reverse("assessments:evidence_upload", args=[open_province["assessment_a"].pk, "1.1"]),
        {"files": [SimpleUploadedFile("../../../etc/ke-hoach.pdf", PDF)]},
        **HTMX,
    )
    document = EvidenceDocument.objects.get()
    assert ".." not in document.file.name
    assert "etc" not in document.file.name
    assert "/" not in document.original_name


def test_evidence_downloads_only_for_those_who_may_see_the_assessment(login, open_province):
    document = upload(open_province, "ke-hoach.pdf", PDF)
    url = reverse("assessments:evidence_download", args=[document.pk])

    own = login("officer_a").get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Type"] == "application/pdf"
    assert 'filename="ke-hoach.pdf"' in own["Content-Disposition"]
    assert login("appraiser").get(url).status_code == 200
    assert login("officer_b").get(url).status_code == 404  # another unit's file, by URL
    assert login("anonymous").get(url).status_code == 302
    guessed = reverse("assessments:evidence_download", args=[document.pk + 1000])
    assert login("officer_a").get(guessed).status_code == 404


def test_office_documents_download_as_attachments(login, open_province):
    document = upload(open_province, "bang.xlsx", office_file("xl"))
    response = login("officer_a").get(reverse("assessments:evidence_download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
