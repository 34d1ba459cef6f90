"""The submission package: the report (DOCX) and the evidence archive laid out by criterion
code, whose manifest names each file with the SHA-256 of the stored file; sending it locks the
year, and a later change needs a reason, recorded in the audit trail."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from docx import Document

from parindex.audit.models import AuditEvent
from parindex.nationalself.archive import MANIFEST_CSV, read_manifest
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import Evidence, PackageState, SelfState
from parindex.nationalself.services.contributions import (
    contribution_accept,
    contribution_save,
    evidence_link,
)
from parindex.nationalself.services.package import package_build, package_send
from parindex.nationalself.services.setup import assignment_set, checklist_add

from .helpers import a_national_self, contribution, upload


def _filled(province):
    assessment = a_national_self(province)
    plan = upload(
        province,
        "1.1.1",
        "Quyết định ban hành kế hoạch.pdf",
        document_number="15/QĐ-UBND",
        document_title="Ban hành Kế hoạch CCHC năm",
    )
    report = upload(province, "1.1.2", "bao-cao-cchc.pdf", user="officer_a")
    # The same document proves a second leaf: once in each leaf's folder.
    evidence_link(
        actor=province["users"]["officer_b"],
        contribution=contribution(assessment, "2.1.2"),
        evidence=plan,
    )
    contribution_save(
        actor=province["users"]["officer_a"],
        contribution=contribution(assessment, "1.1.1"),
        values={"option": "on_time"},
    )
    contribution_accept(
        actor=province["users"]["appraiser"], contribution=contribution(assessment, "1.1.1")
    )
    return assessment, plan, report


def test_the_manifest_hashes_match_the_stored_files(province):
    assessment, plan, _report = _filled(province)
    package = package_build(actor=province["users"]["appraiser"], assessment=assessment)
    with package.archive.open("rb") as stream:
        archive = stream.read()
    assert hashlib.sha256(archive).hexdigest() == package.archive_sha256
    rows = read_manifest(archive)
    assert [row["path"] for row in rows] == [
        "1/1.1/1.1.1/01-Quyet-dinh-ban-hanh-ke-hoach.pdf",
        "1/1.1/1.1.2/01-bao-cao-cchc.pdf",
        "2/2.1/2.1.2/01-Quyet-dinh-ban-hanh-ke-hoach.pdf",
    ]
    stored = {doc.sha256: doc for doc in Evidence.objects.filter(assessment=assessment)}
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for row in rows:
            member = opened.read(row["path"])
            document = stored[row["sha256"]]
            with document.file.open("rb") as stream:
                on_disk = stream.read()
            assert hashlib.sha256(member).hexdigest() == row["sha256"]
            assert hashlib.sha256(on_disk).hexdigest() == row["sha256"]
            assert row["size"] == len(on_disk)
        names = opened.namelist()
        assert package.report_name in names
        assert MANIFEST_CSV in names
        csv_text = opened.read(MANIFEST_CSV).decode("utf-8-sig")
    assert rows[0]["department"] == "Xã An Bình"
    assert rows[0]["document_number"] == "15/QĐ-UBND"
    assert rows[0]["node"] == "1.1.1"
    assert "15/QĐ-UBND" in csv_text
    assert package.manifest[0]["sha256"] == plan.sha256


def test_a_file_changed_in_storage_stops_the_package(province):
    assessment, plan, _report = _filled(province)
    with plan.file.open("wb") as stream:
        stream.write(b"%PDF-1.4 altered")
    with pytest.raises(NationalSelfError, match="SHA-256"):
        package_build(actor=province["users"]["appraiser"], assessment=assessment)


def test_the_report_has_the_score_table_the_evidence_list_and_the_explanations(province):
    assessment, _plan, _report = _filled(province)
    checklist_add(
        actor=province["users"]["appraiser"],
        assessment=assessment,
        node_code="2.1.1",
        title="Báo cáo kết quả ban hành VBQPPL",
    )
    assignment_set(
        actor=province["users"]["appraiser"],
        assessment=assessment,
        node_codes=["1.3.2"],
        lead=province["unit_b"],
    )
    contribution_save(
        actor=province["users"]["officer_b"],
        contribution=contribution(assessment, "1.3.2"),
        values={"numerator": "3", "denominator": "4"},
        gap_explanation="Biên bản kiểm tra đang được ký.",
    )
    package = package_build(
        actor=province["users"]["appraiser"], assessment=assessment, proposals="Đề nghị A."
    )
    with package.report.open("rb") as stream:
        document = Document(io.BytesIO(stream.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Kính gửi: Bộ Nội vụ." in text
    assert "I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM" in text
    assert "Biên bản kiểm tra đang được ký." in text  # 1.3.2: evidence required, explained
    assert "2.1.1. " in text  # a checklist item without a document
    assert "Đề nghị A." in text
    assert "15/QĐ-UBND" in cells  # the evidence list: number and date
    assert (
        "Phụ lục I" in text
        or "Phụ lục I"
        in "\n".join(p.text for section in document.sections for p in section.header.paragraphs)
        or any("Phụ lục I" in p.text for p in document.paragraphs)
    )
    assert "ĐTXHH" in cells  # survey leaves are the Ministry's
    assert "1.1.1" in cells


def test_sending_locks_the_year_and_later_changes_need_a_reason(province):
    assessment, _plan, _report = _filled(province)
    appraiser = province["users"]["appraiser"]
    package = package_build(actor=appraiser, assessment=assessment)
    package_send(actor=appraiser, package=package, dispatch_number="45/UBND-NC")
    assessment.refresh_from_db()
    package.refresh_from_db()
    assert assessment.state == SelfState.SENT
    assert package.state == PackageState.SENT
    with pytest.raises(NationalSelfError, match="lý do"):
        contribution_accept(actor=appraiser, contribution=contribution(assessment, "1.1.2"))
    with pytest.raises(NationalSelfError, match="đã gửi"):
        contribution_save(
            actor=province["users"]["officer_a"],
            contribution=contribution(assessment, "1.1.2"),
            values={"numerator": "1", "denominator": "2"},
        )
    contribution_accept(
        actor=appraiser,
        contribution=contribution(assessment, "1.1.2"),
        values={"numerator": "45", "denominator": "50"},
        reason="Bộ Nội vụ đề nghị bổ sung số liệu",
    )
    event = AuditEvent.objects.filter(action="accept").latest("id")
    assert event.reason == "Thay đổi sau khi gửi Bộ Nội vụ: Bộ Nội vụ đề nghị bổ sung số liệu"
    with pytest.raises(NationalSelfError, match="lý do"):
        package_build(actor=appraiser, assessment=assessment)
    again = package_build(actor=appraiser, assessment=assessment, reason="Bổ sung 1.1.2")
    assert again.total > package.total
