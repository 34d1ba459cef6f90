"""The results pages as each persona sees them."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex import policy
from parindex.periods.models import PublishedResult, UnitGroup
from parindex.results import selectors
from parindex.results.selectors import page_versions

pytestmark = pytest.mark.django_db


def group_2024(province) -> UnitGroup:
    return UnitGroup.objects.get(period=province["period_2024"])


def test_unpublished_results_are_hidden_from_unit_users(scored, login):
    client = login("officer_a")
    group = scored["group"]
    assert client.get(reverse("results:group", args=[group.pk])).status_code == 404
    own = reverse("results:scorecard", args=[group.pk, scored["unit_a"].pk])
    assert client.get(own).status_code == 404
    index = client.get(reverse("results:index"))
    assert index.status_code == 200
    assert reverse("results:group", args=[group.pk]) not in index.content.decode()
    assert reverse("results:group", args=[group_2024(scored).pk]) in index.content.decode()
    post = client.post(reverse("results:export_excel", args=[scored["period"].pk]))
    assert post.status_code == 404


def test_published_results_are_shown_to_every_user_with_all_units(scored, login):
    client = login("officer_b")
    group = group_2024(scored)
    page = client.get(reverse("results:group", args=[group.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("Xã An (cũ)", "Xã Bình Minh", "Xã Bình (cũ)"):
        assert name in text
    assert "91,50" in text
    assert "Đã công bố" in text
    # Another unit's published scorecard is open to a unit user too.
    other = client.get(reverse("results:scorecard", args=[group.pk, scored["old_a1"].pk]))
    assert other.status_code == 200
    assert "Xã An (cũ)" in other.content.decode()


def test_a_unit_user_finds_its_own_published_results_on_the_landing_page(scored, login):
    text = login("officer_b").get(reverse("results:index")).content.decode()
    assert "Kết quả của đơn vị tôi" in text
    assert reverse("results:scorecard", args=[group_2024(scored).pk, scored["unit_b"].pk]) in text


def test_the_ranking_page_shows_the_ranking_chart_and_last_year_through_lineage(scored, login):
    response = login("leader").get(reverse("results:group", args=[scored["group"].pk]))
    text = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in text
    assert "Tạm tính — chưa công bố" in text
    table = text[text.index('<table class="ranking">') :]
    positions = [table.index(name) for name in ("Xã Bình Minh", "Phường Cẩm Lộc", "Xã An Bình")]
    assert positions == sorted(positions)  # B and C (tied first), then A
    assert "91,50" in text  # A's primary predecessor's 2024 index
    assert "2024: Xã An (cũ)" in text
    assert "-35,94" in text  # 55,56 − 91,50
    assert "Không có kết quả năm 2024." in text  # C is new and has no predecessor
    # The stored 5,5556 is shown with the framework's two display places, as official tables
    # print it; the index keeps its own two places.
    assert "5,56" in text
    assert "5,5556" not in text
    assert "55,56" in text


def test_the_year_and_group_filter_opens_the_chosen_ranking(scored, login):
    client = login("appraiser")
    response = client.get(reverse("results:index"), {"year": "2024", "group": "xa"})
    assert response.status_code == 302
    assert response["Location"] == reverse("results:group", args=[group_2024(scored).pk])
    missing = client.get(reverse("results:index"), {"year": "2024", "group": "khong-co"})
    assert missing["Location"] == reverse("results:group", args=[group_2024(scored).pk])
    hidden = login("officer_a").get(reverse("results:index"), {"year": "2025", "group": "xa"})
    assert hidden.status_code == 200
    assert "Không có kết quả năm 2025" in hidden.content.decode()


def test_the_scorecard_shows_areas_radar_comparison_claims_and_headroom(scored, login):
    url = reverse("results:scorecard", args=[scored["group"].pk, scored["unit_a"].pk])
    response = login("council").get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in text
    assert "So với Xã An (cũ) (đơn vị kế thừa chính; hình thành từ 2 đơn vị)." in text
    assert "So sánh theo điểm lĩnh vực đã công bố" in text
    assert "tự chấm cao" in text
    assert "Không có văn bản kế hoạch kèm theo." in text
    assert "cải thiện nhanh" in text
    # Points still needed are rounded up to the display places (2,4444 → 2,45), never down.
    assert "Cần thêm <strong>2,45 điểm</strong> để lên hạng 2." in text
    assert "Cần thêm <strong>0,95 điểm</strong> để đạt loại Trung bình." in text
    headroom = text[text.index("Dư địa cải thiện") :]
    assert headroom.index("Tỷ lệ nhiệm vụ hoàn thành") < headroom.index("Ban hành kế hoạch CCHC")


def test_a_unit_not_ranked_in_the_group_has_no_scorecard(scored, login):
    url = reverse("results:scorecard", args=[scored["group"].pk, scored["old_a2"].pk])
    assert login("admin").get(url).status_code == 404


def test_an_amended_published_result_carries_a_badge_and_its_reason(scored, login):
    original = PublishedResult.objects.get(period=scored["period_2024"], unit=scored["unit_b"])
    original.pk = None
    original.amends_id = PublishedResult.objects.get(
        period=scored["period_2024"], unit=scored["unit_b"]
    ).pk
    original.amendment_reason = "Sai số liệu hồ sơ đúng hạn"
    original.save()
    text = (
        login("officer_a")
        .get(reverse("results:group", args=[group_2024(scored).pk]))
        .content.decode()
    )
    assert "đã điều chỉnh" in text
    assert "Sai số liệu hồ sơ đúng hạn" in text
    assert text.count("Xã Bình Minh") == 1  # the amended row replaces the original


def test_the_published_ranking_page_reads_a_fixed_number_of_queries(scored, login):
    client = login("leader")
    group = group_2024(scored)
    url = reverse("results:group", args=[group.pk])

    def count(*, cold: bool = True) -> int:
        if cold:
            cache.clear()  # measure the whole page, not its cached body
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    count()  # the first request also reads the framework, which is then cached
    before = count()
    assert count(cold=False) < before  # the body is rendered once per version of the data
    template = PublishedResult.objects.get(period=scored["period_2024"], unit=scored["unit_b"])
    for number in range(20):
        unit = type(scored["unit_b"]).objects.create(
            code=f"N{number}", name=f"Xã Thêm {number}", unit_type=scored["unit_b"].unit_type
        )
        template.pk = None
        template.unit = unit
        template.save()
    assert count() == before
    assert "Xã Thêm 19" in client.get(url).content.decode()  # new rows: a new version


def test_a_cached_ranking_shows_a_new_entry_at_once(scored, login):
    client = login("appraiser")
    url = reverse("results:group", args=[scored["group"].pk])
    assert "5,56" in client.get(url).content.decode()
    entry = scored["assessment_a"].entries.get(node_code="1.2")
    entry.appraised_values = {"numerator": 9, "denominator": 10}
    entry.save()
    text = client.get(url).content.decode()
    assert "5,56" not in text
    assert "60,00" in text  # A: 0 + 4 + 2 = 6 of 10


def test_a_page_version_is_reused_for_a_moment_without_querying_again(scored, monkeypatch):
    monkeypatch.setattr(page_versions, "VERSION_TTL_SECONDS", 60)
    group = scored["group"]
    sees_last_year = policy.may_view_previous_year(scored["users"]["appraiser"], group.period)
    first = selectors.page_version(group, sees_last_year)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.page_version(group, sees_last_year)
    assert again == first
    assert queries.captured_queries == []  # not even last year's period
    monkeypatch.setattr(page_versions, "VERSION_TTL_SECONDS", 0)
    scored["assessment_a"].entries.filter(node_code="1.2").delete()
    assert selectors.page_version(group, sees_last_year) != first


def test_on_a_phone_the_ranking_shows_rank_unit_total_and_class_and_opens_the_rest(scored, login):
    page = login("appraiser").get(reverse("results:group", args=[scored["group"].pk]))
    text = page.content.decode()
    # A checkbox and its label open the other columns (CSS only: results.css, ≤ 600 px).
    assert '<input type="checkbox" id="ranking-all-columns" class="cols-toggle">' in text
    assert 'for="ranking-all-columns"' in text
    table = text[text.index('<table class="ranking">') : text.index("</table>")]
    head = table[: table.index("</thead>")]
    kept = re.findall(r'<th class="num">([^<]+)<', head) + re.findall(r"<th>([^<]+)<", head)
    assert set(kept) == {"Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"}
    assert head.count('class="area opt"') == len(scored["group"].framework.nodes.filter(depth=1))
    assert '<th class="num opt">Chỉ số</th>' in head
