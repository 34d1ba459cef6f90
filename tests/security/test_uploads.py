"""Evidence uploads as an attacker sends them: the checker (`assessments/evidence.py`) reads the
content, not the name; what it accepts is served with its checked type and `nosniff`, so a
browser never runs it as a page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.assessments.evidence import EvidenceRejected, check_upload
from tests.assessments.helpers import open_deadlines

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><script>fetch('/users/')</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def office(kind: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<doc/>")
        for name in extra:
            archive.writestr(name, b"\x00")
    return buffer.getvalue()


def check(name: str, data: bytes, declared: int | None = None):
    return check_upload(name, io.BytesIO(data), declared if declared is not None else len(data))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("ke-hoach.pdf", EXE, id="windows-executable-named-pdf"),
        pytest.param("ke-hoach.pdf", ELF, id="linux-executable-named-pdf"),
        pytest.param("ke-hoach.pdf", HTML, id="html-named-pdf"),
        pytest.param("anh.png", SVG, id="svg-with-script-named-png"),
        pytest.param("anh.jpg", PNG, id="png-named-jpg"),
        pytest.param("ke-hoach.docx", office("xl"), id="xlsx-named-docx"),
        pytest.param("bang.xlsx", office("xl", "xl/vbaProject.bin"), id="xlsm-renamed-xlsx"),
        pytest.param("vb.docx", office("word", "word/vbaProject.bin"), id="docm-renamed-docx"),
        pytest.param("ke-hoach.html.pdf", PDF, id="double-extension-html"),
        pytest.param("ke-hoach.exe.pdf", PDF, id="double-extension-exe"),
        pytest.param("ke-hoach.php.pdf", PDF, id="double-extension-php"),
        pytest.param("ke-hoach.pdf.exe", EXE, id="executable-extension"),
        pytest.param("ke-hoach.pdf.", PDF, id="trailing-dot"),
        pytest.param("ke-hoach.pdf ", PDF, id="trailing-space"),
        pytest.param("ke-hoach", PDF, id="no-extension"),
        pytest.param("../../etc/ke-hoach.pdf", PDF, id="path-traversal"),
        pytest.param("..\\..\\ke-hoach.pdf", PDF, id="windows-path"),
        pytest.param("ke-hoach.pdf\x00.exe", PDF, id="nul-byte"),
        pytest.param(".htaccess.pdf", PDF, id="hidden-name"),
        pytest.param("hoa-don\u202efdp.exe", EXE, id="right-to-left-override"),
        pytest.param("rong.pdf", b"", id="empty"),
    ],
)
def test_a_disguised_or_dangerous_file_is_refused(name, data):
    with pytest.raises(EvidenceRejected):
        check(name, data)


def test_a_file_over_the_limit_is_refused_even_if_it_claims_to_be_small(settings):
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 1024
    big = PDF + b"0" * 4096

    with pytest.raises(EvidenceRejected, match="vượt giới hạn"):
        check("lon.pdf", big, declared=10)
    with pytest.raises(EvidenceRejected, match="vượt giới hạn"):
        check("lon.pdf", big)


def test_an_accepted_name_keeps_no_invisible_or_path_characters():
    checked = check("ke hoach \u202e(1)<script>.pdf", PDF)

    assert checked.kind == "pdf"
    assert "\u202e" not in checked.name
    assert "<" not in checked.name
    assert ">" not in checked.name


def test_a_pdf_with_html_inside_is_served_as_a_pdf_the_browser_may_not_sniff(login, province):
    from parindex.assessments.models import EvidenceDocument

    open_deadlines(province)
    polyglot = PDF + HTML
    client = login("officer_a")
    response = client.post(
        reverse("assessments:evidence_upload", args=[province["assessment_a"].pk, "1.1"]),
        {"files": [SimpleUploadedFile("ke-hoach.pdf", polyglot, content_type="text/html")]},
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(unit=province["unit_a"])

    served = client.get(reverse("assessments:evidence_download", args=[document.pk]))

    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert document.content_type == "application/pdf"  # the checked type, not the browser's


def test_an_executable_is_refused_through_the_upload_page(login, province):
    from parindex.assessments.models import EvidenceDocument

    open_deadlines(province)
    response = login("officer_a").post(
        reverse("assessments:evidence_upload", args=[province["assessment_a"].pk, "1.1"]),
        {"files": [SimpleUploadedFile("ke-hoach.pdf", EXE, content_type="application/pdf")]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert not EvidenceDocument.objects.exists()
