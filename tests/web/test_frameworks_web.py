"""Frameworks through the web: import with located problems, draft edits, publishing, cloning,
export round trips.

The shipped example frameworks (`parindex/data/frameworks/`) serve as the good files; the
bad files are copies of them with errors put on known lines and cells, so the expected
locations are computed from the file itself rather than copied from the application.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parindex.audit.models import AuditEvent
from parindex.criteria import services
from parindex.criteria.models import CriterionNode, Framework, FrameworkStatus
from parindex.frameworks import EXAMPLES_DIR, load_framework

COMMUNES_YAML = EXAMPLES_DIR / "example_province_communes_2025.yaml"
DEPARTMENTS_XLSX = EXAMPLES_DIR / "example_province_departments_2025.xlsx"

# Every stored property of a node, in a comparable form.
NODE_PROPERTIES = (
    "code",
    "parent_code",
    "position",
    "depth",
    "title",
    "max_points",
    "kind",
    "rule",
    "rule_params",
    "source",
    "evidence_required",
    "evidence_hint",
    "tags",
    "guidance",
    "previous_codes",
    "alternatives",
    "indicator",
)


def nodes_of(framework: Framework) -> list[tuple[Any, ...]]:
    return [
        tuple(getattr(node, name) for name in NODE_PROPERTIES)
        for node in framework.nodes.order_by("position")
    ]


def counts() -> tuple[int, int, int]:
    return Framework.objects.count(), CriterionNode.objects.count(), AuditEvent.objects.count()


def upload(client, name: str, data: bytes, **extra: Any):
    return client.post(
        reverse("frameworks:import"), {"file": SimpleUploadedFile(name, data), **extra}
    )


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 1-based line number of the first `needle` at or after character `start`."""
    return text.count("\n", 0, text.index(needle, start)) + 1


def node_form_data(node: CriterionNode, **changes: Any) -> dict[str, Any]:
    """What the node form posts when a person saves it with `changes`."""
    data: dict[str, Any] = {
        "title": node.title,
        "max_points": str(node.max_points),
        "rule": node.rule,
        "rule_params": json.dumps(node.rule_params),
        "source": node.source,
        "evidence_hint": node.evidence_hint,
        "tags": ", ".join(node.tags),
        "guidance": node.guidance,
        "previous_codes": ", ".join(node.previous_codes),
        "indicator": node.indicator,
        "reason": "",
    }
    if node.evidence_required:
        data["evidence_required"] = "on"
    data.update(changes)
    return data


# --- import --------------------------------------------------------------------------------


def test_a_bad_yaml_is_refused_with_every_problem_located_by_file_and_line(login, province):
    client = login("appraiser")
    text = COMMUNES_YAML.read_text(encoding="utf-8")
    # Node 1.2's maximum is not a number, and criterion 4 takes the code 1.1 a second time.
    # Neither change moves a line, so the lines can be read from the original file.
    bad_points_line = line_of(text, "max_points: 1.5\n", text.index('code: "1.2"'))
    duplicate_line = line_of(text, 'code: "4"')
    bad = text.replace("max_points: 1.5\n", "max_points: abc\n", 1)
    bad = bad.replace('code: "4"', 'code: "1.1"', 1)
    before = counts()

    response = upload(client, "bo-tieu-chi-loi.yaml", bad.encode("utf-8"))

    assert response.status_code == 200
    problems = response.context["problems"]
    by_location = {problem.location: problem.message for problem in problems}
    assert "1.2" in by_location[f"bo-tieu-chi-loi.yaml:{bad_points_line}"]
    assert "1.1" in by_location[f"bo-tieu-chi-loi.yaml:{duplicate_line}"]
    page = response.content.decode()
    assert f"<code>bo-tieu-chi-loi.yaml:{bad_points_line}</code>" in page
    assert "chưa nhập gì" in page
    # The temporary folder the upload was read from means nothing to the person uploading.
    assert all("/tmp" not in f"{problem.location} {problem.message}" for problem in problems)
    assert counts() == before


def test_a_bad_xlsx_is_refused_with_every_problem_located_by_sheet_and_cell(
    login, province, tmp_path
):
    client = login("admin")
    workbook = load_workbook(DEPARTMENTS_XLSX)
    nodes = workbook["nodes"]
    header = [cell.value for cell in nodes[1]]
    points_column = "ABCDEFGHIJKLMNO"[header.index("max_points")]
    rule_column = "ABCDEFGHIJKLMNO"[header.index("rule")]
    nodes[f"{points_column}5"] = "abc"
    nodes[f"{rule_column}6"] = "khong_co_quy_tac"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()

    response = upload(client, "so-nganh.xlsx", buffer.getvalue())

    assert response.status_code == 200
    locations = [problem.location for problem in response.context["problems"]]
    assert f"so-nganh.xlsx!nodes!{points_column}5" in locations
    assert f"so-nganh.xlsx!nodes!{rule_column}6" in locations
    page = response.content.decode()
    assert f"<code>so-nganh.xlsx!nodes!{points_column}5</code>" in page
    assert "khong_co_quy_tac" in page
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("khong-phai-excel.xlsx", b"this is not a workbook"),
        ("bo-tieu-chi.txt", b"framework: {}\n"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_its_name_not_a_server_error(
    login, province, name, data
):
    client = login("appraiser")
    before = counts()

    response = upload(client, name, data)

    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems
    assert all(name in problem.location for problem in problems)
    assert "/tmp" not in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("path", [COMMUNES_YAML, DEPARTMENTS_XLSX], ids=["yaml", "xlsx"])
def test_a_shipped_framework_file_becomes_a_draft_with_all_its_nodes(login, province, path):
    client = login("appraiser")
    expected = load_framework(path)

    response = upload(client, path.name, path.read_bytes())

    framework = Framework.objects.get(code=expected.info.code)
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:detail", args=[framework.pk])
    assert framework.status == FrameworkStatus.DRAFT
    assert framework.source_name == path.name
    assert framework.max_total == expected.info.max_total
    stored = list(framework.nodes.order_by("position"))
    assert [node.code for node in stored] == [node.code for node in expected.walk()]
    assert [node.max_points for node in stored] == [node.max_points for node in expected.walk()]
    assert AuditEvent.objects.filter(
        action="import", object_type="framework", object_id=str(framework.pk)
    ).exists()


def test_importing_a_framework_whose_code_exists_is_refused_and_creates_nothing(login, province):
    client = login("appraiser")
    upload(client, COMMUNES_YAML.name, COMMUNES_YAML.read_bytes())
    before = counts()

    response = upload(client, COMMUNES_YAML.name, COMMUNES_YAML.read_bytes())

    assert response.status_code == 200
    assert "example_province_communes_2025" in response.content.decode()
    assert counts() == before


# --- editing a draft -----------------------------------------------------------------------


def test_editing_a_node_of_a_draft_is_audited_with_old_and_new_values_and_the_reason(
    login, province
):
    client = login("appraiser")
    draft = province["draft"]
    node = draft.nodes.get(code="1.2")

    response = client.post(
        reverse("frameworks:node_edit", args=[draft.pk, "1.2"]),
        node_form_data(
            node, title="Tỷ lệ nhiệm vụ CCHC hoàn thành", tags="quick_win, data", reason="Góp ý"
        ),
    )

    assert response.status_code == 302
    node.refresh_from_db()
    assert node.title == "Tỷ lệ nhiệm vụ CCHC hoàn thành"
    assert node.tags == ["quick_win", "data"]
    event = AuditEvent.objects.get(action="update", object_type="framework", object_id=draft.pk)
    assert event.actor == province["users"]["appraiser"]
    assert event.reason == "Góp ý"
    assert event.object_repr == "xa-2026-draft / 1.2"
    assert event.changes == {
        "tags": [["quick_win"], ["quick_win", "data"]],
        "title": ["Tỷ lệ nhiệm vụ hoàn thành", "Tỷ lệ nhiệm vụ CCHC hoàn thành"],
    }


def test_saving_a_node_unchanged_writes_no_audit_event(login, province):
    client = login("appraiser")
    draft = province["draft"]
    node = draft.nodes.get(code="1.1")
    before = AuditEvent.objects.count()

    response = client.post(
        reverse("frameworks:node_edit", args=[draft.pk, "1.1"]), node_form_data(node)
    )

    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


# --- publishing ----------------------------------------------------------------------------


def test_publishing_an_inconsistent_draft_is_refused_and_the_problems_are_shown(login, province):
    client = login("admin")
    draft = province["draft"]
    node = draft.nodes.get(code="1.1")
    client.post(
        reverse("frameworks:node_edit", args=[draft.pk, "1.1"]),
        node_form_data(node, max_points="3", reason="thử"),
    )

    response = client.post(reverse("frameworks:publish", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    page = response.content.decode()
    assert "Chưa ban hành được" in page
    problems = response.context["problems"]
    assert any(problem.location == "mục 1" for problem in problems), problems
    assert "<code>mục 1</code>" in page
    assert not AuditEvent.objects.filter(action="publish", object_id=str(draft.pk)).exists()


def test_publishing_a_valid_draft_locks_it_for_the_page_the_form_and_the_service(login, province):
    client = login("admin")
    draft = province["draft"]
    node = draft.nodes.get(code="1.2")
    edit_url = reverse("frameworks:node_edit", args=[draft.pk, "1.2"])

    response = client.post(reverse("frameworks:publish", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED
    assert draft.published_by == province["users"]["admin"]
    assert AuditEvent.objects.filter(action="publish", object_id=str(draft.pk)).exists()
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, node_form_data(node, title="Đổi sau ban hành")).status_code == 403
    assert client.post(reverse("frameworks:publish", args=[draft.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.node_update(actor=province["users"]["admin"], node=node, title="Đổi")
    node.refresh_from_db()
    assert node.title == "Tỷ lệ nhiệm vụ hoàn thành"
    detail = client.get(reverse("frameworks:detail", args=[draft.pk])).content.decode()
    assert edit_url not in detail


def test_an_appraiser_may_edit_a_draft_but_not_publish_it(login, province):
    client = login("appraiser")
    draft = province["draft"]

    response = client.post(reverse("frameworks:publish", args=[draft.pk]))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


# --- cloning -------------------------------------------------------------------------------


def test_cloning_to_the_next_year_maps_every_node_to_its_code_in_the_source(login, province):
    client = login("appraiser")
    source = province["framework"]

    response = client.post(
        reverse("frameworks:clone", args=[source.pk]), {"year": 2026, "code": "xa-2026"}
    )

    clone = Framework.objects.get(code="xa-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:detail", args=[clone.pk])
    assert clone.is_draft
    assert clone.year == 2026
    assert clone.previous == source
    assert clone.name == "Bộ tiêu chí xã 2026"
    source_nodes = {node.code: node for node in source.nodes.all()}
    cloned = list(clone.nodes.order_by("position"))
    assert [node.code for node in cloned] == [
        node.code for node in source.nodes.order_by("position")
    ]
    for node in cloned:
        assert node.previous_codes == [node.code]
        assert node.max_points == source_nodes[node.code].max_points
        assert node.rule_params == source_nodes[node.code].rule_params
    # The clone is a valid framework of its own: it can be published as it is.
    assert services.framework_publish(actor=province["users"]["admin"], framework=clone) == []


def test_cloning_to_a_code_that_exists_is_refused(login, province):
    client = login("appraiser")
    before = counts()

    response = client.post(
        reverse("frameworks:clone", args=[province["framework"].pk]),
        {"year": 2026, "code": "xa-2026-draft"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert counts() == before


# --- export --------------------------------------------------------------------------------


def _renamed_yaml(data: bytes, code: str) -> bytes:
    document = yaml.safe_load(data.decode("utf-8"))
    document["framework"]["code"] = code
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")


def _renamed_xlsx(data: bytes, code: str) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["framework"]
    for key, value, *_rest in sheet.iter_rows(min_row=2):
        if key.value == "code":
            value.value = code
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "rename"), [("yaml", _renamed_yaml), ("xlsx", _renamed_xlsx)])
def test_an_exported_framework_imports_back_with_the_same_nodes(login, province, fmt, rename):
    client = login("appraiser")
    upload(client, COMMUNES_YAML.name, COMMUNES_YAML.read_bytes())
    original = Framework.objects.get(code="example_province_communes_2025")

    response = client.get(reverse("frameworks:export", args=[original.pk, fmt]))

    assert response.status_code == 200
    assert f'filename="example_province_communes_2025.{fmt}"' in response["Content-Disposition"]
    reimport = upload(client, f"ban-xuat.{fmt}", rename(response.content, "ban-xuat-lai"))
    assert reimport.status_code == 302, reimport.context and reimport.context["problems"]
    copy = Framework.objects.get(code="ban-xuat-lai")
    assert nodes_of(copy) == nodes_of(original)
    assert len(nodes_of(copy)) == 58
    for field in ("name", "year", "unit_group", "legal_basis", "max_total", "class_bands"):
        assert getattr(copy, field) == getattr(original, field), field
    assert copy.extra == original.extra
    assert copy.max_total == Decimal("100")
