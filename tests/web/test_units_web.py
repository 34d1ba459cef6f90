"""Units through the web: history across mergers, who sees which unit, the Excel import/export.

The province fixture (tests/web/conftest.py): commune A was formed on 01/07/2025 from the
former communes OA1 (primary) and OA2, which were ranked in 2024 (91,50 and 70,25);
commune B was ranked in 2024 too (85,00).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parindex.audit.models import AuditEvent
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

UNIT_HEADER = ["code", "name", "type", "parent", "valid_from", "valid_to", "email", "notes"]
LINEAGE_HEADER = ["predecessor", "successor", "kind", "effective_date", "is_primary"]


def workbook_bytes(units: list[list[Any]], lineage: list[list[Any]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "units"
    sheet.append(UNIT_HEADER)
    for row in units:
        sheet.append(row)
    if lineage is not None:
        links = workbook.create_sheet("lineage")
        links.append(LINEAGE_HEADER)
        for row in lineage:
            links.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_units(client, data: bytes, name: str = "don-vi.xlsx"):
    return client.post(reverse("units:import"), {"file": SimpleUploadedFile(name, data)})


def flash_message(client) -> str:
    """The one message the next page shows (the import's summary)."""
    (message,) = client.get(reverse("units:list")).context["messages"]
    return str(message)


def row_counts() -> tuple[int, int, int]:
    return Unit.objects.count(), UnitLineage.objects.count(), AuditEvent.objects.count()


# --- history and lineage -------------------------------------------------------------------


def test_the_merged_communes_page_shows_its_predecessors_2024_results_as_former_units(
    login, province
):
    client = login("officer_a")

    response = client.get(reverse("units:detail", args=[province["unit_a"].pk]))

    assert response.status_code == 200
    history = response.context["history"]
    assert [(row.result.unit.code, row.result.period.year) for row in history] == [
        ("OA1", 2024),
        ("OA2", 2024),
    ]
    assert all(row.via is not None and row.via.successor == province["unit_a"] for row in history)
    assert [row.via.is_primary for row in history] == [True, False]
    page = response.content.decode()
    assert page.count("đơn vị cũ") == 2
    assert "Xã An (cũ)" in page
    assert "Xã Bình (cũ)" in page
    assert "91,50" in page
    assert "70,25" in page
    assert "85,00" not in page  # commune B's result is not A's history
    assert "kế thừa chính" in page


def test_a_unit_user_sees_its_predecessors_by_name_without_links_it_could_not_open(login, province):
    client = login("head_a")
    old_page = reverse("units:detail", args=[province["old_a1"].pk])

    page = client.get(reverse("units:detail", args=[province["unit_a"].pk])).content.decode()

    assert "Xã An (cũ)" in page
    assert f'href="{old_page}"' not in page
    assert client.get(old_page).status_code == 404


def test_a_former_communes_page_names_its_successor_and_keeps_its_own_result(login, province):
    client = login("appraiser")

    response = client.get(reverse("units:detail", args=[province["old_a2"].pk]))

    page = response.content.decode()
    successors = list(response.context["successors"])
    assert [link.successor for link in successors] == [province["unit_a"]]
    assert f'href="{reverse("units:detail", args=[province["unit_a"].pk])}"' in page
    assert "sáp nhập vào" in page
    assert "30/06/2025" in page
    assert [row.result.index for row in response.context["history"]] == [
        province["old_a2"].published_results.get().index
    ]


def test_a_user_of_unit_b_can_open_neither_unit_as_page_nor_the_unit_list(login, province):
    client = login("officer_b")

    assert client.get(reverse("units:detail", args=[province["unit_a"].pk])).status_code == 404
    assert client.get(reverse("units:list")).status_code == 403
    assert client.get(reverse("units:export")).status_code == 403
    own = client.get(reverse("units:detail", args=[province["unit_b"].pk]))
    assert own.status_code == 200
    assert "85,00" in own.content.decode()


def test_editing_a_unit_through_the_form_is_audited_with_old_and_new_values(login, province):
    client = login("admin")
    unit = province["unit_b"]

    response = client.post(
        reverse("units:edit", args=[unit.pk]),
        {
            "code": "B",
            "name": "Xã Bình Minh Mới",
            "unit_type": unit.unit_type.pk,
            "valid_from": "01/07/2025",
            "email": "binhminh@example.invalid",
        },
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="unit", object_id=str(unit.pk))
    assert event.changes == {
        "email": ["", "binhminh@example.invalid"],
        "name": ["Xã Bình Minh", "Xã Bình Minh Mới"],
    }


def test_recording_a_merger_through_the_form_is_audited(login, province):
    client = login("admin")
    unit_b = province["unit_b"]
    old = Unit.objects.create(
        code="OB1",
        name="Xã Minh (cũ)",
        unit_type=unit_b.unit_type,
        valid_to=datetime.date(2025, 6, 30),
    )

    response = client.post(
        reverse("units:lineage_add", args=[unit_b.pk]),
        {
            "predecessor": old.pk,
            "kind": LineageKind.MERGED_INTO,
            "effective_date": "01/07/2025",
            "is_primary": "on",
            "legal_basis": "Nghị quyết (ví dụ)",
        },
    )

    assert response.status_code == 302
    link = UnitLineage.objects.get(predecessor=old)
    assert (link.successor, link.effective_date, link.is_primary) == (
        unit_b,
        datetime.date(2025, 7, 1),
        True,
    )
    event = AuditEvent.objects.get(action="lineage", object_id=str(unit_b.pk))
    assert event.changes["predecessor"] == [None, "Xã Minh (cũ)"]


# --- Excel import --------------------------------------------------------------------------


def test_a_valid_workbook_creates_and_updates_units_and_lineage_links_with_an_audit_trail(
    login, province
):
    client = login("admin")
    data = workbook_bytes(
        [
            ["B", "Xã Bình Minh", "xa", "", "01/07/2025", "", "", ""],  # unchanged
            ["A", "Xã An Bình", "xa", "", "01/07/2025", "", "anbinh@example.invalid", ""],
            ["C", "Xã Cẩm Xuyên", "xa", "", "01/07/2025", "", "", "thêm mới"],
            ["OC1", "Xã Cẩm (cũ)", "xa", "", "", "30/06/2025", "", ""],
            ["OC2", "Xã Xuyên (cũ)", "xa", "", "", datetime.date(2025, 6, 30), "", ""],
        ],
        [
            ["OC1", "C", "merged_into", "01/07/2025", "x"],
            ["OC2", "C", "merged_into", "01/07/2025", ""],
            ["OA1", "A", "merged_into", "01/07/2025", "x"],  # already recorded: kept as it is
        ],
    )
    before_units, before_links, _ = row_counts()

    response = import_units(client, data)

    assert response.status_code == 302
    assert Unit.objects.count() == before_units + 3
    assert UnitLineage.objects.count() == before_links + 2
    new = Unit.objects.get(code="C")
    assert new.notes == "thêm mới"
    assert new.valid_from == datetime.date(2025, 7, 1)
    assert Unit.objects.get(code="OC2").valid_to == datetime.date(2025, 6, 30)
    assert Unit.objects.get(code="A").email == "anbinh@example.invalid"
    links = {link.predecessor.code: link for link in new.predecessor_links.all()}
    assert set(links) == {"OC1", "OC2"}
    assert links["OC1"].is_primary
    assert not links["OC2"].is_primary
    assert set(
        AuditEvent.objects.filter(action="create", object_type="unit").values_list(
            "object_repr", flat=True
        )
    ) == {"Xã Cẩm Xuyên", "Xã Cẩm (cũ)", "Xã Xuyên (cũ)"}
    update = AuditEvent.objects.get(action="update", object_type="unit")
    assert update.object_repr == "Xã An Bình"
    assert update.changes == {"email": ["", "anbinh@example.invalid"]}
    assert AuditEvent.objects.filter(action="lineage", object_id=str(new.pk)).count() == 2
    message = flash_message(client)
    assert message == ("Đã nhập: 3 đơn vị mới, 1 cập nhật, 1 không đổi, 2 liên kết lịch sử."), (
        message
    )


def test_a_workbook_that_only_moves_a_unit_under_a_parent_counts_it_as_updated(login, province):
    client = login("admin")

    import_units(client, workbook_bytes([["B", "Xã Bình Minh", "xa", "A", "01/07/2025"]]))

    assert Unit.objects.get(code="B").parent == province["unit_a"]
    message = flash_message(client)
    assert message.startswith("Đã nhập: 0 đơn vị mới, 1 cập nhật, 0 không đổi"), message


def test_a_workbook_with_bad_cells_lists_every_one_by_sheet_and_cell_and_writes_nothing(
    login, province
):
    client = login("admin")
    data = workbook_bytes(
        [
            ["N1", "Xã Một", "xa", "", "01/07/2025", "", "", ""],  # row 2 is fine
            ["N2", "Xã Hai", "thon", "", "", "", "", ""],  # C3: unknown type
            ["N3", "Xã Ba", "xa", "", "", "31/02/2025", "", ""],  # F4: no such day
            ["N4", "Xã Bốn", "xa", "KHONG-CO", "", "", "", ""],  # D5: unknown parent
            ["N5", "", "xa", "", "", "", "", ""],  # B6: no name
            ["N6", "Xã Sáu", "xa", "", "", "", "khong-phai-email", ""],  # G7: not an e-mail
            ["N1", "Xã Một lần nữa", "xa", "", "", "", "", ""],  # A8: code repeated
            ["N7", "Xã Bảy", "xa", "", "01/07/2025", "01/01/2025", "", ""],  # F9: ends first
        ],
        [
            ["N1", "A", "gop_vao", "01/07/2025", ""],  # lineage!C2: unknown kind
            ["N1", "KHONG-CO", "merged_into", "hôm qua", ""],  # B3 and D3
            ["A", "A", "renamed", "01/07/2025", ""],  # B4: a unit cannot succeed itself
        ],
    )
    before = row_counts()

    response = import_units(client, data, name="ds-don-vi.xlsx")

    assert response.status_code == 200
    errors = [str(error) for error in response.context["errors"]]
    places = [error.split(":")[0] for error in errors]
    # In reading order: sheet by sheet, row by row, whichever check found the problem.
    assert places == [
        "units!C3",
        "units!F4",
        "units!D5",
        "units!B6",
        "units!G7",
        "units!A8",
        "units!F9",
        "lineage!C2",
        "lineage!B3",
        "lineage!D3",
        "lineage!B4",
    ], errors
    page = response.content.decode()
    assert "Tệp có 11 lỗi, chưa nhập gì" in page
    for error in response.context["errors"]:
        assert str(error) in page
    assert "«thon»" in errors[0]
    assert "dòng 2" in errors[5]  # the repeated code names its first row
    assert row_counts() == before


def test_a_file_that_is_not_a_workbook_is_refused_with_its_name(login, province):
    client = login("admin")
    before = row_counts()

    response = import_units(client, b"code,name\nX,Y\n", name="don-vi.csv")

    assert response.status_code == 200
    assert [error.sheet for error in response.context["errors"]] == ["don-vi.csv"]
    assert row_counts() == before


def test_a_workbook_without_a_units_sheet_or_a_required_column_says_which(login, province):
    client = login("admin")
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    buffer = io.BytesIO()
    workbook.save(buffer)

    no_sheet = import_units(client, buffer.getvalue())

    assert [str(error) for error in no_sheet.context["errors"]] == [
        "don-vi.xlsx, dòng 1: thiếu trang tính «units»"
    ]
    workbook = load_workbook(io.BytesIO(workbook_bytes([["Z", "Xã Z", "xa"]])))
    workbook["units"]["B1"] = "ten"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = import_units(client, buffer.getvalue())
    assert [str(error) for error in response.context["errors"]] == [
        "units, dòng 1: thiếu cột «name»"
    ]


def test_exporting_then_importing_the_units_changes_nothing(login, province):
    client = login("admin")
    Unit.objects.filter(code="OA1").update(
        notes="ghi chú", email="oa1@example.invalid", valid_from=datetime.date(2000, 1, 1)
    )
    Unit.objects.filter(code="OA2").update(parent=province["unit_b"])
    export = client.get(reverse("units:export"))
    assert export.status_code == 200
    before = row_counts()

    response = import_units(client, export.content)

    assert response.status_code == 302
    assert row_counts() == before
    message = flash_message(client)
    assert message == (
        f"Đã nhập: 0 đơn vị mới, 0 cập nhật, {Unit.objects.count()} không đổi, 0 liên kết lịch sử."
    )


@pytest.mark.parametrize("persona", ["appraiser", "officer_a"])
def test_only_the_administrator_may_import_units(login, province, persona):
    client = login(persona)
    before = row_counts()

    response = import_units(client, workbook_bytes([["Z", "Xã Z", "xa"]]))

    assert response.status_code == 403
    assert row_counts() == before
    assert UnitType.objects.filter(code="xa").exists()
