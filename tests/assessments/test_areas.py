"""The self-assessment and appraisal pages of a big framework, folded by area: the page renders
the area the user works in (or the first left to do), the others show their heads and are
fetched by htmx when opened; a save answers with the row and, out of band, what changed with
it; the rendered sheet is cached per version of what it shows and never served stale."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import WHOLE_SHEET_LEAVES
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.transitions import assessment_submit, assessment_transition
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework

from .helpers import PDF, fresh

HTMX = {"HTTP_HX_REQUEST": "true"}
AREAS, LEAVES = 4, 6  # 24 leaves: more than a page renders whole


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def wide_framework(code: str = "rong-2025") -> Any:
    """`AREAS` areas of `LEAVES` yes/no criteria (evidence required on the odd ones)."""
    nodes: list[NodeSpec] = []
    for area in range(1, AREAS + 1):
        nodes.append(NodeSpec(str(area), f"Lĩnh vực {area}", LEAVES))
        nodes.extend(
            NodeSpec(
                f"{area}.{leaf}",
                f"Tiêu chí {area}.{leaf}",
                1,
                parent=str(area),
                rule="boolean",
                evidence="required" if leaf % 2 else "optional",
            )
            for leaf in range(1, LEAVES + 1)
        )
    info = {
        "code": code,
        "name": "Bộ tiêu chí rộng (thử nghiệm)",
        "year": 2025,
        "unit_group": "communes",
        "max_total": AREAS * LEAVES,
        "classes": [{"label": "Tốt", "min_percent": 90}, {"label": "Yếu", "min_percent": 0}],
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def wide(open_province: dict[str, Any]) -> dict[str, Any]:
    """The open 2025 group on a framework of 24 leaves in 4 areas."""
    framework = framework_store(actor=open_province["users"]["admin"], engine=wide_framework())
    framework_publish(actor=open_province["users"]["admin"], framework=framework)
    group = open_province["group"]
    group.framework = framework
    group.save()
    assert AREAS * LEAVES > WHOLE_SHEET_LEAVES
    return open_province


def answer(province: dict[str, Any], code: str, value: str = "yes", evidence: bool = False) -> None:
    officer = province["users"]["officer_a"]
    assessment = province["assessment_a"]
    entry_save_self(actor=officer, assessment=assessment, node_code=code, values={"value": value})
    if evidence:
        evidence_upload(
            actor=officer,
            assessment=assessment,
            name=f"tai-lieu-{code}.pdf",
            stream=io.BytesIO(PDF + code.encode()),
            node_code=code,
        )


def self_page(client: Client, assessment: Assessment, **params: str):
    page = client.get(reverse("assessments:self", args=[assessment.pk]), params)
    assert page.status_code == 200
    return page


def test_the_page_renders_the_first_area_left_to_do_and_the_heads_of_the_others(login, wide):
    assessment = wide["assessment_a"]
    html = self_page(login("officer_a"), assessment).content.decode()
    assert re.search(r'<details class="area" id="node-1-area" data-area="1" open>', html)
    assert 'id="node-1_1"' in html
    assert 'name="v_value"' in html
    for area in range(2, AREAS + 1):
        url = reverse("assessments:self_area", args=[assessment.pk, str(area)])
        assert f'hx-get="{url}" hx-trigger="toggle once"' in html
        assert f'id="node-{area}_1"' not in html  # rows fetched when the area is opened
        assert f'id="node-{area}-head"' in html  # the head: code, title, progress, points
    assert "đã chấm 0/6" in text(self_page(login("officer_a"), assessment))

    for leaf in range(1, LEAVES + 1):
        answer(wide, f"1.{leaf}", evidence=leaf % 2 == 1)
    html = self_page(login("officer_a"), assessment).content.decode()
    assert re.search(r'id="node-2-area" data-area="2" open>', html)  # area 1 is done
    assert 'id="node-1_1"' not in html
    assert "đã chấm 6/6" in text(self_page(login("officer_a"), assessment))


def test_the_area_asked_for_is_open_and_a_missing_evidence_link_opens_its_area(login, wide):
    assessment = wide["assessment_a"]
    answer(wide, "3.1")  # needs evidence, has none
    page = self_page(login("officer_a"), assessment, area="3")
    html = page.content.decode()
    assert re.search(r'id="node-3-area" data-area="3" open>', html)
    assert 'id="node-3_1"' in html
    assert 'id="node-1_1"' not in html
    assert 'href="?area=3#node-3_1" data-open-area="node-3-area"' in html
    assert "thiếu tài liệu: 1" in text(page)
    # An unknown area opens the first one left to do.
    html = self_page(login("officer_a"), assessment, area="9").content.decode()
    assert re.search(r'id="node-1-area" data-area="1" open>', html)


def test_an_area_is_fetched_on_demand_and_without_javascript_opens_on_the_page(login, wide):
    assessment = wide["assessment_a"]
    client = login("officer_a")
    url = reverse("assessments:self_area", args=[assessment.pk, "3"])
    rows = client.get(url, **HTMX)
    assert rows.status_code == 200
    html = rows.content.decode()
    assert "<html" not in html
    assert [f"node-3_{leaf}" for leaf in range(1, LEAVES + 1)] == re.findall(
        r'<li class="leaf[^"]*" id="(node-3_\d)"', html
    )
    assert reverse("assessments:entry_save", args=[assessment.pk, "3.2"]) in html
    assert 'name="csrfmiddlewaretoken"' in html

    plain = client.get(url)
    assert plain.status_code == 302
    assert plain["Location"].endswith("?area=3#node-3-area")
    assert (
        client.get(
            reverse("assessments:self_area", args=[assessment.pk, "3.1"]), **HTMX
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("assessments:self_area", args=[assessment.pk, "7"]), **HTMX).status_code
        == 404
    )
    # Another unit's officer sees neither the page nor its areas.
    assert login("officer_b").get(url, **HTMX).status_code == 404


def test_a_save_answers_with_the_row_its_area_head_and_the_progress_only(login, wide):
    assessment = wide["assessment_a"]
    response = login("officer_a").post(
        reverse("assessments:entry_save", args=[assessment.pk, "2.2"]),
        {"v_value": "yes", "version": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<li class="leaf[^"]*" id="([^"]+)"', html) == ["node-2_2"]
    assert 'id="self-progress" class="grid" hx-swap-oob="true"' in html
    assert '<span class="area-head" id="node-2-head" hx-swap-oob="true">' in html
    assert "đã chấm 1/6" in text(response)
    assert "<html" not in html
    assert 'class="topbar"' not in html
    # A stale version is refused with the row and who changed it (409), as before.
    stale = login("officer_a").post(
        reverse("assessments:entry_save", args=[assessment.pk, "2.2"]),
        {"v_value": "no", "version": "1"},
        **HTMX,
    )
    assert stale.status_code == 409
    assert 'id="node-2_2"' in stale.content.decode()


def test_without_javascript_a_save_comes_back_to_its_area(login, wide):
    assessment = wide["assessment_a"]
    response = login("officer_a").post(
        reverse("assessments:entry_save", args=[assessment.pk, "4.2"]),
        {"v_value": "yes", "version": "1"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?area=4#node-4_2")


def test_the_cached_sheet_follows_every_change(login, wide):
    """Entries, evidence, questions and the language each make another version: the page
    never shows what was cached before them."""
    assessment = wide["assessment_a"]
    client = login("officer_a")
    assert "đã chấm 0/6" in text(self_page(client, assessment))
    answer(wide, "1.1")
    page = text(self_page(client, assessment))
    assert "đã chấm 1/6" in page
    assert "thiếu tài liệu: 1" in page
    answer(wide, "1.1", evidence=True)  # the evidence link alone changes the head
    assert "thiếu tài liệu" not in text(self_page(client, assessment))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = text(self_page(client, assessment))
    assert "answered 1/6" in english
    assert "đã chấm" not in english


def test_the_appraisal_page_folds_by_area_and_a_save_updates_the_totals(login, wide):
    assessment = wide["assessment_a"]
    for leaf in range(1, LEAVES + 1):
        answer(wide, f"1.{leaf}", evidence=leaf % 2 == 1)
    assessment_submit(actor=wide["users"]["head_a"], assessment=fresh(assessment))
    appraiser = wide["users"]["appraiser"]
    assessment_transition(actor=appraiser, assessment=fresh(assessment), action="start_appraisal")
    entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="1.2",
        values={"value": "no"},
        reason_code="wrong_figures",
        finalised=True,
    )
    client = login("appraiser")
    page = client.get(reverse("assessments:appraise", args=[assessment.pk]))
    html = page.content.decode()
    assert re.search(r'id="node-1-area" data-area="1" open>', html)  # not every leaf final
    assert "điều chỉnh: 1" in text(page)
    assert "đã chốt 1/6" in text(page)
    area = reverse("assessments:appraise_area", args=[assessment.pk, "2"])
    assert f'hx-get="{area}"' in html
    rows = client.get(area, **HTMX)
    assert rows.status_code == 200
    assert 'id="node-2_1"' in rows.content.decode()

    saved = client.post(
        reverse("assessments:appraise_entry", args=[assessment.pk, "1.4"]),
        {"v_value": "no", "reason_code": "wrong_figures", "version": "2"},
        **HTMX,
    )
    assert saved.status_code == 200
    html = saved.content.decode()
    assert re.findall(r'<li class="leaf[^"]*" id="([^"]+)"', html) == ["node-1_4"]
    assert 'id="appraise-totals" class="grid" hx-swap-oob="true"' in html
    assert '<span class="area-head" id="node-1-head" hx-swap-oob="true">' in html
    assert "điều chỉnh: 2" in text(saved)
