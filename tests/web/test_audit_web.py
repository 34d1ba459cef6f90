"""The audit log as an inspector reads it: actions, types of object, fields and values in words
(never `submit`, `nodeentry`, `self_assessment_closes` or `{'option': 'late'}`), times in the
province's time zone, filters by user, unit, action, type and days; the Excel export and an
assessment's history page read the same (`parindex.audit.labels`).
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments.models import Assessment, NodeEntry
from parindex.audit import labels
from parindex.audit.models import AuditEvent
from parindex.audit.services import audit_record
from parindex.common.dates import PROVINCE_TIME_ZONE
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.jobs.models import Job
from parindex.periods.models import AssessmentPeriod, UnitGroup
from tests.assessments.helpers import fill_and_submit, open_deadlines

from .conftest import TZ

CODES = ("submit", "nodeentry", "self_assessment_closes", "{'", "option", "late", "assessment ")


def page_text(response: Any) -> str:
    """The page's text without tags and with single spaces."""
    body = response.content.decode()
    body = body[body.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace(" :", ":")


def choice_entry(province: dict[str, Any]) -> NodeEntry:
    """Unit A's entry of a node scored by a choice of options coded `on_time` / `late`."""
    spec = FrameworkSpec(
        info={"code": "bao-cao-2027", "name": "Bộ 2027", "year": 2027, "unit_group": "xa"},
        nodes=[
            NodeSpec("1", "Báo cáo", 100),
            NodeSpec(
                "1.1",
                "Gửi báo cáo CCHC",
                100,
                parent="1",
                rule="choice",
                rule_params={
                    "options": [
                        {"key": "on_time", "label": "Đúng hạn", "points": 100},
                        {"key": "late", "label": "Gửi muộn", "points": 50},
                    ]
                },
            ),
        ],
    )
    admin = province["users"]["admin"]
    framework = framework_store(actor=admin, engine=build_framework(spec))
    framework_publish(actor=admin, framework=framework)
    period = AssessmentPeriod.objects.create(
        year=2027,
        name="Kỳ 2027",
        self_assessment_opens=datetime.datetime(2027, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(2027, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(2027, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(2028, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(2028, 1, 20),
    )
    group = UnitGroup.objects.create(period=period, code="xa", name="Xã", framework=framework)
    assessment = Assessment.objects.create(period=period, group=group, unit=province["unit_a"])
    return NodeEntry.objects.create(assessment=assessment, node_code="1.1")


def test_the_province_time_zone_is_the_one_settings_use() -> None:
    assert settings.TIME_ZONE == PROVINCE_TIME_ZONE == "Asia/Ho_Chi_Minh"


def test_a_workflow_action_reads_in_words(login, province):
    open_deadlines(province)
    fill_and_submit(province)

    text = page_text(login("admin").get(reverse("audit:list"), {"action": "submit"}))

    assert "gửi kết quả tự đánh giá" in text
    assert "Hồ sơ đánh giá" in text  # the type of object: the model's verbose name
    assert "trạng thái: Đang tự đánh giá → Đã gửi, chờ thẩm định" in text
    for code in CODES:
        assert code not in text, code


def test_a_node_entry_option_change_shows_the_options_labels(login, province):
    entry = choice_entry(province)
    audit_record(
        actor=province["users"]["officer_a"],
        action="score",
        instance=entry,
        object_repr="Xã An Bình / 1.1",
        changes={
            "self_values": [{"option": "on_time"}, {"option": "late"}],
            "self_points": ["100", "50"],
        },
        scope=entry.assessment,
    )

    text = page_text(login("admin").get(reverse("audit:list"), {"type": "nodeentry"}))

    assert "sửa điểm" in text
    assert "Điểm theo mục" in text
    assert "giá trị tự chấm: Phương án: Đúng hạn → Phương án: Gửi muộn" in text
    assert "điểm tự chấm: 100 → 50" in text
    for code in CODES:
        assert code not in text, code
    # The assessment's own history page words it the same way.
    history = page_text(
        login("officer_a").get(reverse("assessments:history", args=[entry.assessment_id]))
    )
    assert "giá trị tự chấm: Phương án: Đúng hạn → Phương án: Gửi muộn" in history


def test_a_deadline_change_reads_as_dates_in_the_province_time(login, province):
    client = login("admin")
    period = province["period"]
    client.post(
        reverse("periods:edit", args=[period.pk]),
        {
            "year": "2025",
            "name": "Kỳ 2025",
            "status": "open",
            "self_assessment_opens": "01/11/2025 08:00",
            "self_assessment_closes": "12/12/2025 17:00",
            "explanation_closes": "20/12/2025 17:00",
            "appraisal_closes": "10/01/2026 17:00",
            "publication_date": "20/01/2026",
        },
    )
    # An old event written in UTC reads in the province's time too.
    audit_record(
        actor=province["users"]["appraiser"],
        action="extend",
        instance=province["unit_b"],
        changes={"self_assessment_closes": ["2025-12-10T10:00:00+00:00", None]},
    )

    text = page_text(client.get(reverse("audit:list"), {"type": "assessmentperiod"}))
    assert "hạn tự đánh giá: 10/12/2025 17:00 → 12/12/2025 17:00" in text
    assert "Kỳ đánh giá" in text
    extension = page_text(client.get(reverse("audit:list"), {"action": "extend"}))
    assert "gia hạn tự đánh giá" in extension
    assert "hạn tự đánh giá: 10/12/2025 17:00 → (trống)" in extension
    for code in CODES:
        assert code not in text + extension, code


def test_event_times_are_shown_in_the_province_time_zone(login, province):
    AuditEvent.objects.create(
        at=datetime.datetime(2025, 12, 10, 18, 30, tzinfo=datetime.UTC),
        actor_name="hệ thống",
        action="import",
        object_type="framework",
        object_id="1",
        object_repr="Bộ thử",
    )
    text = page_text(login("admin").get(reverse("audit:list"), {"type": "framework"}))
    assert "11/12/2025 01:30" in text  # 18:30 UTC is 01:30 the next day in Hà Nội
    assert "nhập bộ tiêu chí từ tệp" in text


def _event(province: dict[str, Any], actor: str, at: datetime.datetime, **fields: Any) -> None:
    event = audit_record(actor=province["users"][actor], **fields)
    AuditEvent.objects.filter(pk=event.pk).update(at=at)


def test_the_filters_select_by_user_unit_action_type_and_days(login, province):
    # The last id, not the count: PostgreSQL's sequences do not restart with each test.
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    unit_a, unit_b = province["unit_a"], province["unit_b"]
    _event(
        province,
        "admin",
        datetime.datetime(2025, 3, 1, 9, tzinfo=TZ),
        action="update",
        instance=unit_a,
        changes={"name": ["Xã An", "Xã An Bình"]},
    )
    _event(
        province,
        "appraiser",
        datetime.datetime(2025, 3, 5, 23, 30, tzinfo=TZ),
        action="update",
        instance=unit_b,
        changes={"email": ["", "xa@b.vn"]},
    )
    _event(
        province,
        "officer_a",
        datetime.datetime(2025, 3, 6, 8, tzinfo=TZ),
        action="submit",
        instance=province["assessment_a"],
        changes={"state": ["draft", "submitted"]},
        scope=province["assessment_a"],
    )
    client = login("admin")
    url = reverse("audit:list")

    def shown(**query: Any) -> set[str]:
        page = client.get(url, query).context["page"]
        return {event.object_repr for event in page if event.pk > start}

    assert shown(actor=province["users"]["appraiser"].pk) == {"Xã Bình Minh"}
    assert shown(unit=unit_a.pk) == {"Xã An Bình", str(province["assessment_a"])}
    assert shown(action="submit") == {str(province["assessment_a"])}
    assert shown(type="unit") == {"Xã An Bình", "Xã Bình Minh"}
    # Days are typed dd/mm/yyyy and both ends are included, in the province's time.
    assert shown(start="05/03/2025", end="05/03/2025") == {"Xã Bình Minh"}
    assert shown(start="06/03/2025") == {str(province["assessment_a"])}
    assert shown(actor=labels.SYSTEM) == set()
    refused = client.get(url, {"start": "2025-13-45"})
    assert refused.context["form"].errors["start"]
    page = refused.content.decode()
    assert 'name="start"' in page
    assert 'placeholder="dd/mm/yyyy"' in page
    assert 'type="date"' not in page


def test_the_export_carries_the_filters_and_the_same_words(login, province):
    open_deadlines(province)
    fill_and_submit(province)
    client = login("admin")
    page = client.get(reverse("audit:list"), {"action": "submit", "unit": province["unit_a"].pk})
    body = page.content.decode()
    assert '<input type="hidden" name="action" value="submit">' in body
    assert f'<input type="hidden" name="unit" value="{province["unit_a"].pk}">' in body

    client.post(reverse("audit:export"), {"action": "submit", "unit": province["unit_a"].pk})

    job = Job.objects.latest("pk")
    assert job.params["action"] == "submit"
    assert job.params["unit"] == province["unit_a"].pk
    sheet = load_workbook(io.BytesIO(job.result.read()))["nhat-ky"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 1
    moment, actor, action, kind, _object, changes, _reason = rows[0]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", moment)
    assert (actor, action, kind) == ("Head A", "gửi kết quả tự đánh giá", "Hồ sơ đánh giá")
    assert changes.startswith("trạng thái: Đang tự đánh giá → Đã gửi, chờ thẩm định")


@pytest.mark.parametrize(
    ("object_type", "action", "changes", "expected"),
    [
        ("unit", "lineage", {"kind": [None, "merged_into"]}, "hình thức: sáp nhập vào"),
        ("user", "update", {"role": ["officer", "head"]}, "vai trò: Cán bộ đầu mối → Thủ trưởng"),
        ("framework", "update", {"rule": ["ratio", "bands"]}, "Điểm tỷ lệ với tỷ lệ đạt"),
        ("nationaltable", "import", {"years": [None, [2021, 2022]]}, ": 2021, 2022"),
        ("survey", "state", {"state": ["draft", "open"]}, "Đang chuẩn bị → Đang thu phiếu"),
    ],
)
def test_labels_word_the_recorded_codes(db, object_type, action, changes, expected):
    event = AuditEvent(action=action, object_type=object_type, changes=changes)
    (text,) = labels.describe_events([event])
    assert expected in text.changes_text
    assert text.action != action
    assert text.object_type != object_type


def test_every_audited_action_and_type_has_words(db):
    """Each action and object type that the services record (found in the source) has a label."""
    from pathlib import Path

    import parindex

    root = Path(parindex.__file__).parent
    actions: set[str] = set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit_record(" not in source and "_audit(" not in source:
            continue
        actions |= set(re.findall(r'action="([a-z_]+)"', source))
        actions |= set(re.findall(r'_audit\(\s*\w+,\s*"([a-z_]+)"', source))
    actions |= {"exclude_response", "reinstate_response"}  # f"{action}_response"
    missing = sorted(actions - labels.known_actions())
    assert missing == []
