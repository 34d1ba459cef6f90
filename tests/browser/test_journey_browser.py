"""The assessment workflow end to end in Chromium, one person after another:

officer fills two nodes and uploads evidence → head submits → appraiser lowers one score and
requests an explanation → officer answers (with new evidence) and sends → appraiser finalises
→ council approves the group → administrator publishes with the decision → leader sees the
ranking and the unit's scorecard.

Every step is screenshotted into $PARINDEX_SCREENSHOTS (or a temporary folder named in the
test output) for a person to look at. The fixtures live here, apart from tests/browser's
shared ones, so that the journey's data (open deadlines, evidence rules, a second commune
already appraised) does not change the persona tests.
"""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.transitions import (
    assessment_open,
    assessment_submit,
    assessment_transition,
)

# Playwright's sync API runs an event loop in this thread; the fixtures use the ORM from the
# same thread, which Django's async-safety guard would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment, NodeEntry
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import AssessmentPeriod, PublishedResult, UnitGroup
from parindex.units.models import Unit, UnitType
from tests.browser.conftest import add_users

# The longest test of the suite (one whole assessment year through the browser).
pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    # Without these Chromium keeps trying to reach the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "hanh-trinh-thu-nghiem-2025"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def journey_browser(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Chromium for the journey: the shared session browser of tests/browser when there is one
    (two sync Playwright instances cannot run at once in one process), else our own."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI=true: {message}")
        pytest.skip(f"browser tests skipped: {message}")
    try:
        yield request.getfixturevalue("browser")
        return
    except pytest.FixtureLookupError:
        pass
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("PARINDEX_SCREENSHOTS")
    folder = Path(configured) / "journey" if configured else tmp_path_factory.mktemp("journey")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"journey screenshots: {folder}")
    return folder


def _framework() -> Any:
    nodes = [
        NodeSpec("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 6),
        NodeSpec(
            "1.1",
            "Ban hành kế hoạch CCHC năm đúng thời hạn",
            2,
            parent="1",
            rule="boolean",
            evidence="required",
            evidence_hint="Kế hoạch CCHC năm đã ký",
        ),
        NodeSpec(
            "1.2",
            "Tỷ lệ nhiệm vụ trong kế hoạch hoàn thành",
            4,
            parent="1",
            rule="ratio",
            evidence="required",
            rule_params={"full_at_percent": 90, "measure": "nhiệm vụ hoàn thành"},
        ),
        NodeSpec("2", "Cải cách thủ tục hành chính", 4),
        NodeSpec(
            "2.1",
            "Hồ sơ giải quyết đúng hạn",
            4,
            parent="2",
            rule="bands",
            source="data",
            indicator="dossiers.on_time_rate",
            rule_params={
                "thresholds": [{"min_percent": 95, "points": 4}, {"min_percent": 80, "points": 2}]
            },
        ),
    ]
    info = {
        "code": "xa-2025-hanh-trinh",
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
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def journey(transactional_db: None) -> dict[str, Any]:
    """Communes A and B of an open 2025 period (test data, not official figures); B has
    already been appraised, so that the council can approve the group once A is."""
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune", position=3)
    units = {
        code: Unit.objects.create(
            code=code, name=name, unit_type=commune, valid_from=datetime.date(2025, 7, 1)
        )
        for code, name in (("A", "Xã An Bình"), ("B", "Xã Bình Minh"))
    }
    users = add_users(
        (
            ("officer_a", "Nguyễn Văn Cán", Role.OFFICER, units["A"]),
            ("head_a", "Trần Thị Trưởng", Role.HEAD, units["A"]),
            ("officer_b", "Lê Văn Bình", Role.OFFICER, units["B"]),
            ("head_b", "Phạm Thị Minh", Role.HEAD, units["B"]),
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
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ đánh giá 2025 (thử nghiệm)",
        status="open",
        self_assessment_opens=now - datetime.timedelta(days=20),
        self_assessment_closes=now + datetime.timedelta(days=10),
        explanation_closes=now + datetime.timedelta(days=20),
        appraisal_closes=now + datetime.timedelta(days=30),
        publication_date=(now + datetime.timedelta(days=40)).date(),
    )
    group = UnitGroup.objects.create(period=period, code="xa", name="Cấp xã", framework=framework)
    group.units.set(units.values())
    assessment_a = assessment_open(period=period, unit=units["A"])
    _appraised_b(period, units["B"], users)
    return {"units": units, "users": users, "period": period, "group": group, "a": assessment_a}


def _appraised_b(period: AssessmentPeriod, unit: Unit, users: dict[str, User]) -> None:
    assessment = assessment_open(period=period, unit=unit)
    officer, appraiser = users["officer_b"], users["appraiser"]
    entry_save_self(actor=officer, assessment=assessment, node_code="1.1", values={"value": "yes"})
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "17", "denominator": "20"},
    )
    for code in ("1.1", "1.2"):
        evidence_upload(
            actor=officer,
            assessment=assessment,
            name=f"bao-cao-{code}.pdf",
            stream=io.BytesIO(PDF + code.encode()),
            node_code=code,
        )
    assessment_submit(actor=users["head_b"], assessment=_fresh(assessment))
    assessment_transition(actor=appraiser, assessment=_fresh(assessment), action="start_appraisal")
    entry_appraise(
        actor=appraiser,
        assessment=_fresh(assessment),
        node_code="2.1",
        values={"percent": "90"},
        comment="Báo cáo một cửa tháng 11 (thử nghiệm)",
    )
    assessment_transition(actor=appraiser, assessment=_fresh(assessment), action="finalise")


def _fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_related("unit", "period", "group").get(pk=assessment.pk)


class Journey:
    """One browser context per person, screenshots numbered in the order of the story."""

    def __init__(self, browser: Any, base_url: str, folder: Path) -> None:
        self.browser = browser
        self.base_url = base_url
        self.folder = folder
        self.step = 0
        self.context: Any = None
        self.page: Any = None
        self.failures: list[str] = []
        self.expected: list[str] = []  # refusals a step provokes on purpose ("400 …/path/")

    def expect_refusal(self, status: int, path: str) -> None:
        self.expected.append(f"{status} {self.base_url}{path}")

    def as_user(self, username: str) -> Any:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        self.context.set_default_timeout(15_000)
        page = self.context.new_page()
        page.on(
            "response",
            lambda r: self.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("pageerror", lambda error: self.failures.append(f"script error: {error}"))
        page.goto(f"{self.base_url}{reverse('login')}")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        assert page.url == f"{self.base_url}{reverse('home')}", f"{username} could not log in"
        self.page = page
        return page

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.base_url}{path}")
        return self.page

    def shot(self, name: str, full_page: bool = True) -> Path:
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def test_a_unit_is_assessed_appraised_approved_and_published_by_each_role_in_turn(
    journey: dict[str, Any], live_server: Any, journey_browser: Any, shots: Path
) -> None:
    assessment = journey["a"]
    story = Journey(journey_browser, live_server.url, shots)
    try:
        _officer_fills_two_nodes_and_uploads_evidence(story, assessment)
        _head_submits(story, assessment)
        _appraiser_lowers_a_score_and_requests_an_explanation(story, assessment)
        _officer_answers_the_explanation(story, assessment)
        _appraiser_finalises(story, assessment)
        _council_approves(story, journey)
        _administrator_publishes(story, journey)
        _leader_sees_the_ranking_and_the_scorecard(story, journey)
    finally:
        story.close()
    assert story.failures == story.expected


def _officer_fills_two_nodes_and_uploads_evidence(story: Journey, assessment: Assessment) -> None:
    page = story.as_user("officer_a")
    page.click("nav.nav a:has-text('Tự đánh giá')")
    page.click("text=Mở phiếu tự đánh giá")
    assert page.url.endswith(reverse("assessments:self", args=[assessment.pk]))
    story.shot("can-bo-mo-phieu")

    row = page.locator("#node-1_1")
    row.locator("label:has-text('Có') input").check()
    row.locator("text=Có → 2/2 điểm").wait_for()  # the preview scores the answer before saving
    row.locator("button:has-text('Lưu')").click()
    row.locator(".row-status.ok").wait_for()

    row = page.locator("#node-1_2")
    row.locator("input[name=v_numerator]").fill("9")
    row.locator("input[name=v_denominator]").fill("10")
    row.locator("text=9/10 = 90% nhiệm vụ hoàn thành → 4/4 điểm").wait_for()
    row.locator("button:has-text('Lưu')").click()
    page.locator("#node-1_2 .row-status.ok").wait_for()
    assert page.locator("#self-progress .stat").first.inner_text() == "2/2"

    for code, name in (("1_1", "ke-hoach-cchc-2025.pdf"), ("1_2", "bao-cao-nhiem-vu.pdf")):
        row = page.locator(f"#node-{code}")
        row.locator("input[name=files]").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF + name.encode()}]
        )
        row.locator("input[name=location]").first.fill("tr. 2")
        row.locator("button:has-text('Tải lên')").click()
        page.locator(f"#node-{code} .evidence-list a:has-text('{name}')").wait_for()
    assert "0" in page.locator("#self-progress .stat").nth(1).inner_text()
    story.shot("can-bo-da-cham-va-tai-tai-lieu")
    entries = NodeEntry.objects.filter(assessment=assessment).order_by("node_code")
    assert [(e.node_code, str(e.self_points)) for e in entries] == [
        ("1.1", "2.0000"),
        ("1.2", "4.0000"),
    ]


def _head_submits(story: Journey, assessment: Assessment) -> None:
    page = story.as_user("head_a")
    story.go(reverse("assessments:self", args=[assessment.pk]))
    page.click("text=Kiểm tra và gửi")
    story.shot("thu-truong-kiem-tra")
    with page.expect_navigation():
        page.click("form.card button:has-text('Gửi kết quả tự đánh giá')")
    page.locator(".messages li.success:has-text('Đã gửi kết quả tự đánh giá')").wait_for()
    story.shot("thu-truong-da-gui")
    assert _fresh(assessment).state == "submitted"


def _appraiser_lowers_a_score_and_requests_an_explanation(
    story: Journey, assessment: Assessment
) -> None:
    page = story.as_user("appraiser")
    page.click("nav.nav a:has-text('Thẩm định')")
    page.locator("tr:has-text('Xã An Bình') >> text=Đã gửi, chờ thẩm định").wait_for()
    story.shot("tham-dinh-danh-sach")
    page.click("tr:has-text('Xã An Bình') >> a:has-text('Thẩm định')")
    with page.expect_navigation():
        page.click("button:has-text('Bắt đầu thẩm định')")

    row = page.locator("#node-1_2")
    row.locator("input[name=v_numerator]").fill("6")
    row.locator("text=6/10 = 60%").wait_for()
    story.expect_refusal(400, reverse("assessments:appraise_entry", args=[assessment.pk, "1.2"]))
    row.locator("button:has-text('Lưu thẩm định')").click()
    page.locator("#node-1_2 .row-status.bad:has-text('cần chọn lý do điều chỉnh')").wait_for()
    row = page.locator("#node-1_2")
    row.locator("select[name=reason_code]").select_option("evidence_mismatch")
    row.locator("textarea[name=comment]").fill("Báo cáo chỉ liệt kê 6/10 nhiệm vụ đã xong.")
    row.locator("button:has-text('Lưu thẩm định')").click()
    page.locator("#node-1_2 .row-status.ok").wait_for()
    # Appraised so far: 1.1 = 2, 1.2 = 6/10 of 4 (full at 90 %) = 2,6667, 2.1 not yet entered.
    # The stored 4,6667 reads with the framework's two display places.
    assert "4,67/10" in page.locator("#appraise-totals").inner_text()
    story.shot("tham-dinh-ha-diem")

    page.click("text=Yêu cầu giải trình")
    page.fill("textarea[name='q_1.2']", "Đề nghị bổ sung danh sách nhiệm vụ đã hoàn thành.")
    story.shot("tham-dinh-yeu-cau-giai-trinh")
    with page.expect_navigation():
        page.click("button:has-text('Gửi yêu cầu giải trình')")
    page.locator(".messages li.success:has-text('Đã gửi yêu cầu giải trình 1 mục')").wait_for()
    assert _fresh(assessment).state == "explanation_requested"


def _officer_answers_the_explanation(story: Journey, assessment: Assessment) -> None:
    page = story.as_user("officer_a")
    # The request reached the unit as a notification (and an e-mail); opening it marks it read
    # and leads to the questions.
    story.go(reverse("assessments:notifications"))
    page.locator("tr:has-text('yêu cầu giải trình 1 mục') >> text=mới").wait_for()
    story.shot("can-bo-thong-bao")
    with page.expect_navigation():
        page.click("tr:has-text('yêu cầu giải trình 1 mục') >> button:has-text('Mở')")
    page.locator("text=Đề nghị bổ sung danh sách nhiệm vụ đã hoàn thành.").wait_for()
    item = page.locator(".card:has-text('Đề nghị bổ sung danh sách')")
    item.locator("textarea").fill("Danh sách 9 nhiệm vụ đã hoàn thành ở phụ lục 2 kèm theo.")
    item.locator("button:has-text('Lưu trả lời')").click()
    page.locator(".row-status.ok:has-text('Đã lưu trả lời.')").wait_for()
    item = page.locator(".card:has-text('Đề nghị bổ sung danh sách')")
    item.locator("input[name=files]").set_input_files(
        files=[{"name": "phu-luc-2.pdf", "mimeType": "application/pdf", "buffer": PDF + b"pl2"}]
    )
    item.locator("input[name=location]").first.fill("Phụ lục 2")
    item.locator("button:has-text('Tải lên')").click()
    page.locator(".evidence-list a:has-text('phu-luc-2.pdf')").wait_for()
    story.shot("can-bo-tra-loi-giai-trinh")
    with page.expect_navigation():
        page.click("button:has-text('Gửi giải trình')")
    page.locator(".messages li.success:has-text('Đã gửi giải trình')").wait_for()
    assert _fresh(assessment).state == "explained"


def _appraiser_finalises(story: Journey, assessment: Assessment) -> None:
    page = story.as_user("appraiser")
    story.go(reverse("assessments:appraise", args=[assessment.pk]))
    page.locator("#node-1_2 .qa:has-text('phụ lục 2')").wait_for()
    page.locator("#node-1_2 a:has-text('phu-luc-2.pdf')").wait_for()
    row = page.locator("#node-1_2")
    row.locator("input[name=v_numerator]").fill("8")
    row.locator("textarea[name=comment]").fill("Sau giải trình: 8/10 nhiệm vụ có minh chứng.")
    row.locator("button:has-text('Lưu thẩm định')").click()
    page.locator("#node-1_2 .row-status.ok").wait_for()
    story.shot("tham-dinh-sau-giai-trinh")
    with page.expect_navigation():
        page.click("button:has-text('Kết thúc thẩm định')")
    # What cannot be undone is confirmed on a page that says what will happen.
    page.locator("text=Hồ sơ chuyển sang «Đã thẩm định» và chờ hội đồng thông qua").wait_for()
    story.shot("tham-dinh-xac-nhan-ket-thuc")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Kết thúc thẩm định')")
    page.locator(".messages li.success:has-text('Đã thẩm định')").wait_for()
    assert _fresh(assessment).state == "appraised"


def _council_approves(story: Journey, journey: dict[str, Any]) -> None:
    page = story.as_user("council")
    page.click("nav.nav a:has-text('Hội đồng')")
    page.locator("text=Sẵn sàng thông qua").wait_for()
    page.click("text=Xem xét và thông qua")
    story.shot("hoi-dong-xem-xet")
    page.fill("textarea[name=note]", "Hội đồng nhất trí kết quả thẩm định.")
    with page.expect_navigation():
        page.click("button:has-text('Thông qua kết quả nhóm')")
    page.locator("text=Những gì hội đồng thông qua").wait_for()
    story.shot("hoi-dong-tom-tat-truoc-khi-thong-qua")
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Thông qua 2 đơn vị')")
    page.locator(".messages li.success:has-text('Hội đồng đã thông qua')").wait_for()
    story.shot("hoi-dong-da-thong-qua")
    assert set(Assessment.objects.values_list("state", flat=True)) == {"approved"}


def _administrator_publishes(story: Journey, journey: dict[str, Any]) -> None:
    page = story.as_user("admin")
    page.click("nav.nav a:has-text('Công bố')")
    page.click(f"a[href='{reverse('assessments:publish', args=[journey['period'].pk])}']")
    page.fill("input[name=decision_number]", "15/QĐ-UBND (thử nghiệm)")
    page.fill("input[name=decision_date]", "20/01/2026")
    story.shot("quan-tri-cong-bo")
    with page.expect_navigation():
        page.click("button:has-text('Công bố kết quả')")
    page.locator("text=Các nhóm được công bố").wait_for()
    with page.expect_navigation():
        page.click("form.confirm-actions button:has-text('Công bố kết quả')")
    page.locator(".messages li.success:has-text('Đã công bố kết quả của 2 đơn vị.')").wait_for()
    story.shot("quan-tri-da-cong-bo")
    # A later correction goes through an amendment with its reason (only looked at here).
    page.click("tr:has-text('Xã An Bình') >> a:has-text('điều chỉnh')")
    page.select_option("select[name=node]", "1.2")
    with page.expect_navigation():
        page.click("button:has-text('Chọn')")
    page.locator("textarea[name=reason]").wait_for()
    story.shot("quan-tri-trang-dieu-chinh")
    rows = PublishedResult.objects.filter(period=journey["period"]).order_by("rank")
    # A: 2 + 8/10 of 4 (full at 90 %) = 5,5556 of 10; B: 2 + 4 (17/20 = 85 %) → 3,7778 + 2 (data).
    assert [(row.unit.code, row.rank) for row in rows] == [("B", 1), ("A", 2)]


def _leader_sees_the_ranking_and_the_scorecard(story: Journey, journey: dict[str, Any]) -> None:
    page = story.as_user("leader")
    story.go(reverse("results:group", args=[journey["group"].pk]))
    page.locator("text=Xã An Bình").first.wait_for()
    page.locator("text=Xã Bình Minh").first.wait_for()
    story.shot("lanh-dao-xep-hang")
    story.go(reverse("results:scorecard", args=[journey["group"].pk, journey["units"]["A"].pk]))
    page.locator("text=Xã An Bình").first.wait_for()
    story.shot("lanh-dao-phieu-diem")
    # Every change along the way is in the unit's audit trail, node by node.
    story.go(reverse("assessments:history", args=[journey["a"].pk]) + "?node=1.2")
    page.locator("td:has-text('Hoàng Văn Thẩm')").first.wait_for()
    page.locator("text=điểm thẩm định: 2,6667 → 3,5556").wait_for()
    story.shot("lanh-dao-lich-su-muc-1-2")
