"""A year that still finishes, in Chromium: one commune never submits, one never even opens its
assessment, one submits late inside its extension, and the year is published all the same.

head of B sends late (inside the extension) → the appraiser finds a commune by its name
without diacritics, takes in the two communes that never sent (a bulk action on the units the
filter shows, confirmed on a page that lists them), starts and finishes the appraisals in bulk
→ the council filters its list, reads the summary of what it approves and approves → the
administrator confirms the publication → the leader sees "không gửi" and "gửi muộn" on the
ranking and the scorecard → the commune that never sent was told.

Screenshots go to $PARINDEX_SCREENSHOTS/unsubmitted (or a temporary folder named in the output).
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

# Playwright's sync API runs an event loop in this thread; the fixtures use the ORM from the
# same thread, which Django's async-safety guard would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from parindex.accounts.models import Role
from parindex.assessments.models import Assessment
from parindex.assessments.services.entries import entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.transitions import assessment_open, assessment_submit
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, PublishedResult, UnitGroup
from parindex.units.models import Unit, UnitType
from tests.browser.conftest import add_users
from tests.browser.test_journey_browser import PASSWORD, PDF, Journey, journey_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["journey_browser"]  # the shared Chromium fixture, used by name below


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("PARINDEX_SCREENSHOTS")
    folder = (
        Path(configured) / "unsubmitted" if configured else tmp_path_factory.mktemp("unsubmitted")
    )
    folder.mkdir(parents=True, exist_ok=True)
    print(f"unsubmitted journey screenshots: {folder}")
    return folder


def _framework() -> Any:
    """Communes' framework with a penalty the system writes: late −0,5, never sent −1."""
    nodes = [
        NodeSpec("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 6),
        NodeSpec("1.1", "Ban hành kế hoạch CCHC năm", 2, parent="1", rule="boolean"),
        NodeSpec(
            "1.2",
            "Tỷ lệ nhiệm vụ trong kế hoạch hoàn thành",
            4,
            parent="1",
            rule="ratio",
            rule_params={"full_at_percent": 90, "measure": "nhiệm vụ hoàn thành"},
        ),
        NodeSpec("2", "Cải cách thủ tục hành chính", 4),
        NodeSpec("2.1", "Công khai thủ tục hành chính đầy đủ", 4, parent="2", rule="boolean"),
        NodeSpec("TRU", "Điểm trừ", 1, kind="penalty"),
        NodeSpec(
            "TRU.1",
            "Gửi báo cáo tự đánh giá chậm hoặc không gửi",
            1,
            parent="TRU",
            kind="penalty",
            source="system",
            rule="manual",
            rule_params={"step": "0.5"},
        ),
    ]
    info = {
        "code": "xa-2025-khong-gui",
        "name": "Bộ tiêu chí cấp xã 2025 (thử nghiệm)",
        "year": 2025,
        "unit_group": "UBND cấp xã",
        "max_total": 10,
        "classes": [
            {"label": "Tốt", "min_percent": 90},
            {"label": "Khá", "min_percent": 80},
            {"label": "Trung bình", "min_percent": 65},
            {"label": "Yếu", "min_percent": 0},
        ],
        "submission": {"node": "TRU.1", "late": "0.5", "not_submitted": 1},
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def year(transactional_db: None) -> dict[str, Any]:
    """Four communes of a 2025 period whose deadline passed two days ago (test data): A sent
    on time; B has an extension of five days and a filled draft; C has a draft it never sent;
    D never opened its assessment."""
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune", position=3)
    units = {
        code: Unit.objects.create(code=code, name=name, unit_type=commune)
        for code, name in (
            ("A", "Xã An Bình"),
            ("B", "Xã Bình Minh"),
            ("C", "Xã Cẩm Đông"),
            ("D", "Phường Đức Lộc"),
        )
    }
    users = add_users(
        (
            ("officer_a", "Nguyễn Văn Cán", Role.OFFICER, units["A"]),
            ("head_a", "Trần Thị Trưởng", Role.HEAD, units["A"]),
            ("officer_b", "Lê Văn Bình", Role.OFFICER, units["B"]),
            ("head_b", "Phạm Thị Minh", Role.HEAD, units["B"]),
            ("officer_c", "Đinh Văn Cẩm", Role.OFFICER, units["C"]),
            ("appraiser", "Hoàng Văn Thẩm", Role.APPRAISER, None),
            ("council", "Vũ Thị Hội", Role.COUNCIL, None),
            ("leader", "Đỗ Văn Lãnh", Role.LEADER, None),
            ("admin", "Bùi Thị Quản", Role.ADMIN, None),
        ),
        password=PASSWORD,
    )
    framework = framework_store(actor=users["admin"], engine=_framework())
    framework_publish(actor=users["admin"], framework=framework)
    now = timezone.now()
    closes = now - datetime.timedelta(days=2)
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ đánh giá 2025 (thử nghiệm)",
        status="appraisal",
        self_assessment_opens=now - datetime.timedelta(days=30),
        self_assessment_closes=closes,
        explanation_closes=now + datetime.timedelta(days=20),
        appraisal_closes=now + datetime.timedelta(days=30),
        publication_date=(now + datetime.timedelta(days=40)).date(),
    )
    group = UnitGroup.objects.create(period=period, code="xa", name="Cấp xã", framework=framework)
    group.units.set(units.values())
    DeadlineExtension.objects.create(
        period=period,
        unit=units["B"],
        closes_at=now + datetime.timedelta(days=5),
        reason="Thiên tai (thử nghiệm)",
        granted_by=users["appraiser"],
    )
    before = closes - datetime.timedelta(days=1)
    for code, moment in (("A", before), ("B", now), ("C", before)):
        assessment = assessment_open(period=period, unit=units[code])
        officer = users[f"officer_{code.lower()}"]
        entry_save_self(
            actor=officer,
            assessment=assessment,
            node_code="1.1",
            values={"value": "yes"},
            now=moment,
        )
        entry_save_self(
            actor=officer,
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "8", "denominator": "10"},
            now=moment,
        )
        evidence_upload(
            actor=officer,
            assessment=assessment,
            name=f"bao-cao-{code}.pdf",
            stream=io.BytesIO(PDF + code.encode()),
            node_code="1.1",
            now=moment,
        )
    assessment_submit(
        actor=users["head_a"],
        assessment=Assessment.objects.get(unit=units["A"]),
        now=before,
    )
    return {"units": units, "users": users, "period": period, "group": group}


def test_a_year_with_units_that_never_submit_is_still_published(
    year: dict[str, Any], live_server: Any, journey_browser: Any, shots: Path
) -> None:
    story = Journey(journey_browser, live_server.url, shots)
    try:
        _head_sends_late_inside_the_extension(story, year)
        _appraiser_takes_in_the_units_that_never_sent(story, year)
        _appraiser_starts_and_finishes_in_bulk(story, year)
        _council_filters_reads_the_summary_and_approves(story, year)
        _administrator_confirms_the_publication(story, year)
        _leader_sees_who_sent_late_and_who_never_sent(story, year)
        _the_unit_that_never_sent_was_told(story, year)
    finally:
        story.close()
    assert story.failures == story.expected


def _head_sends_late_inside_the_extension(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("head_b")
    assessment = Assessment.objects.get(unit=year["units"]["B"])
    story.go(reverse("assessments:submit", args=[assessment.pk]))
    page.locator("text=được ghi nhận là gửi muộn").wait_for()
    story.shot("thu-truong-b-gui-muon")
    with page.expect_navigation():
        page.click("form.card button:has-text('Gửi kết quả tự đánh giá')")
    page.locator(".messages li.success:has-text('Đã gửi kết quả tự đánh giá')").wait_for()
    page.locator("text=trong thời gian được gia hạn").wait_for()
    story.shot("thu-truong-b-da-gui-muon")
    assessment.refresh_from_db()
    assert (assessment.state, assessment.submission) == ("submitted", "late")


def _filter(page: Any, **fields: str) -> None:
    for name, value in fields.items():
        field = page.locator(f"form.filters [name={name}]")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        page.click("form.filters button:has-text('Lọc')")


def _bulk(page: Any, action: str, count: int, *, shown: bool) -> None:
    page.select_option("#bulk-action", action)
    if shown:
        page.check("input[name=scope][value=shown]")
    with page.expect_navigation():
        page.click("#bulk button:has-text('Thực hiện…')")
    page.locator(f"form.confirm-actions button:has-text('Thực hiện với {count} đơn vị')").wait_for()


def _appraiser_takes_in_the_units_that_never_sent(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("appraiser")
    page.click("nav.nav a:has-text('Thẩm định')")
    page.locator("tr:has-text('Xã Cẩm Đông') >> text=quá hạn").wait_for()
    story.shot("tham-dinh-hang-doi")
    # A name typed without diacritics finds the commune.
    _filter(page, q="cam dong")
    assert page.locator("tbody tr").count() == 1
    page.locator("text=Hiển thị 1/4 đơn vị").wait_for()
    story.shot("tham-dinh-tim-khong-dau")
    # Every unit past its deadline without sending: C (a draft) and D (never opened).
    _filter(page, q="", state="overdue")
    page.locator("text=Hiển thị 2/4 đơn vị").wait_for()
    _bulk(page, "take_unsubmitted", 2, shown=True)
    page.locator("text=Phần tự chấm chưa gửi không được tính").wait_for()
    story.shot("tham-dinh-xac-nhan-nhan-khong-gui")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Thực hiện với 2 đơn vị')")
    page.locator("text=2 đơn vị đã thực hiện").wait_for()
    story.shot("tham-dinh-ket-qua-nhan-khong-gui")
    taken = Assessment.objects.filter(submission="not_submitted")
    assert sorted(taken.values_list("unit__code", flat=True)) == ["C", "D"]
    assert set(taken.values_list("state", flat=True)) == {"in_appraisal"}


def _appraiser_starts_and_finishes_in_bulk(story: Journey, year: dict[str, Any]) -> None:
    page = story.page
    with page.expect_navigation():
        page.click("a:has-text('Về danh sách thẩm định')")
    _filter(page, state="submitted")
    page.locator("text=Hiển thị 2/4 đơn vị").wait_for()
    # The "tick all" box comes from a static script (no inline script: CSP-ready).
    page.check("input[data-select-all=units]")
    assert page.locator("input[name=units]:checked").count() == 2
    story.shot("tham-dinh-chon-tat-ca")
    _bulk(page, "start_appraisal", 2, shown=False)
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Thực hiện với 2 đơn vị')")
    page.locator("text=2 đơn vị đã thực hiện").wait_for()
    with page.expect_navigation():
        page.click("a:has-text('Về danh sách thẩm định')")
    _filter(page, state="in_appraisal")
    page.locator("text=Hiển thị 4/4 đơn vị").wait_for()
    story.shot("tham-dinh-dang-tham-dinh")
    _bulk(page, "finalise", 4, shown=True)
    story.shot("tham-dinh-xac-nhan-ket-thuc")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Thực hiện với 4 đơn vị')")
    page.locator("text=4 đơn vị đã thực hiện").wait_for()
    assert set(Assessment.objects.values_list("state", flat=True)) == {"appraised"}


def _council_filters_reads_the_summary_and_approves(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("council")
    page.click("nav.nav a:has-text('Hội đồng')")
    page.locator("text=Sẵn sàng thông qua").wait_for()
    _filter(page, q="duc loc")
    page.locator("tr:has-text('Phường Đức Lộc') >> text=không gửi").wait_for()
    story.shot("hoi-dong-loc-don-vi")
    page.click("text=Xem xét và thông qua")
    page.fill("textarea[name=note]", "Hội đồng nhất trí; hai xã không gửi tự đánh giá.")
    with page.expect_navigation():
        page.click("button:has-text('Thông qua kết quả nhóm')")
    page.locator(
        "text=Trong nhóm có 2 đơn vị không gửi tự đánh giá và 1 đơn vị gửi muộn"
    ).wait_for()
    story.shot("hoi-dong-tom-tat")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Thông qua 4 đơn vị')")
    page.locator(".messages li.success:has-text('Hội đồng đã thông qua')").wait_for()
    assert set(Assessment.objects.values_list("state", flat=True)) == {"approved"}


def _administrator_confirms_the_publication(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("admin")
    page.click("nav.nav a:has-text('Công bố')")
    page.click(f"a[href='{reverse('assessments:publish', args=[year['period'].pk])}']")
    page.fill("input[name=decision_number]", "15/QĐ-UBND (thử nghiệm)")
    page.fill("input[name=decision_date]", "20/01/2026")
    with page.expect_navigation():
        page.click("button:has-text('Công bố kết quả')")
    page.locator("text=2 đơn vị không gửi tự đánh giá được công bố").wait_for()
    story.shot("quan-tri-xac-nhan-cong-bo")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Công bố kết quả')")
    page.locator(".messages li.success:has-text('Đã công bố kết quả của 4 đơn vị.')").wait_for()
    story.shot("quan-tri-da-cong-bo")
    rows = PublishedResult.objects.filter(period=year["period"]).order_by("rank", "unit__code")
    # A: 2 + 8/10 of 4 (full at 90 %) = 5,5556; B the same − 0,5 for sending late; C and D
    # never sent: nothing counts, and the penalty cannot take a total below 0.
    assert [(row.unit.code, row.rank, str(row.total)) for row in rows] == [
        ("A", 1, "5.5556"),
        ("B", 2, "5.0556"),
        ("C", 3, "0.0000"),
        ("D", 3, "0.0000"),
    ]


def _leader_sees_who_sent_late_and_who_never_sent(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("leader")
    story.go(reverse("results:group", args=[year["group"].pk]))
    page.locator("tr:has-text('Xã Cẩm Đông') >> text=không gửi").wait_for()
    page.locator("tr:has-text('Xã Bình Minh') >> text=gửi muộn").wait_for()
    story.shot("lanh-dao-xep-hang")
    story.go(reverse("results:scorecard", args=[year["group"].pk, year["units"]["C"].pk]))
    page.locator("text=Đơn vị không gửi tự đánh giá").first.wait_for()
    story.shot("lanh-dao-phieu-diem-khong-gui")


def _the_unit_that_never_sent_was_told(story: Journey, year: dict[str, Any]) -> None:
    page = story.as_user("officer_c")
    story.go(reverse("assessments:notifications"))
    page.locator("text=không gửi kết quả tự đánh giá 2025").first.wait_for()
    story.shot("xa-c-thong-bao")
