"""What the read endpoints give, as the pages show it (contents; who may read what is the
permission matrix's)."""

from __future__ import annotations

import pytest

from parindex.periods.models import UnitGroup


def test_units_with_their_lineage(api_as, province):
    api = api_as("officer_a")
    response = api.get("/units")
    assert response.status_code == 200, response.content
    [unit] = response.json()
    assert unit["code"] == "A"
    assert {link["unit_code"] for link in unit["predecessors"]} == {"OA1", "OA2"}
    detail = api_as("appraiser").get(f"/units/{province['old_a1'].pk}").json()
    assert detail["successors"][0]["unit_code"] == "A"
    assert detail["successors"][0]["kind"] == "merged_into"
    assert api.get("/me").json()["unit_code"] == "A"


def test_a_framework_as_a_tree_with_what_each_leaf_takes(api_as, province):
    body = api_as("officer_a").get(f"/frameworks/{province['framework'].pk}").json()
    nodes = {node["code"]: node for node in body["nodes"]}
    assert [node["code"] for node in body["nodes"]] == ["1", "1.1", "1.2", "2", "2.1"]
    assert nodes["1.2"]["rule"] == "ratio"
    assert [field["name"] for field in nodes["1.2"]["inputs"]] == ["numerator", "denominator"]
    assert nodes["2.1"]["source"] == "data"
    assert nodes["1"]["leaf"] is False
    # Drafts: Home Affairs and the council only.
    draft = province["draft"].pk
    assert api_as("officer_a").get(f"/frameworks/{draft}").status_code == 404
    assert api_as("council").get(f"/frameworks/{draft}").status_code == 200


def test_published_results_and_a_published_ranking_are_open_to_every_account(api_as, province):
    api = api_as("officer_b")
    rows = api.get("/results/published", year=2024).json()
    assert [(row["unit_code"], row["rank"], row["index"]) for row in rows] == [
        ("OA1", 1, "91.50"),
        ("B", 2, "85.00"),
        ("OA2", 3, "70.25"),
    ]
    group_2024 = UnitGroup.objects.get(period=province["period_2024"])
    ranking = api.get(f"/results/groups/{group_2024.pk}/ranking").json()
    assert ranking["published"] is True
    assert [row["unit_code"] for row in ranking["rows"]] == ["OA1", "B", "OA2"]
    # The live 2025 group is not published: provincial roles only.
    assert api.get(f"/results/groups/{province['group'].pk}/ranking").status_code == 404
    live = api_as("leader").get(f"/results/groups/{province['group'].pk}/ranking").json()
    assert live["published"] is False


@pytest.mark.parametrize(
    ("persona", "by", "status"),
    [
        ("officer_a", "group,year", 403),
        ("officer_a", "unit,year", 200),
        ("leader", "group,year", 200),
    ],
)
def test_indicators_are_scoped_like_the_dashboard(api_as, province, persona, by, status):
    response = api_as(persona).get(
        "/dossiers/indicators", **{"from": "2025-01-01", "to": "2025-12-31", "by": by}
    )
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["field"] == "by"
    else:
        body = response.json()
        assert (body["from"], body["to"], body["by"]) == ("2025-01-01", "2025-12-31", by.split(","))


def test_assessments_are_scoped_and_say_what_the_account_may_do(api_as, province):
    own = api_as("head_a").get("/assessments").json()
    assert [item["unit_code"] for item in own] == ["A"]
    everyone = api_as("appraiser").get("/assessments", year=2025).json()
    assert sorted(item["unit_code"] for item in everyone) == ["A", "B"]
    assert api_as("appraiser").get("/assessments", state="submitted").json() == []
    detail = api_as("head_a").get(f"/assessments/{province['assessment_a'].pk}").json()
    assert detail["editable"] is False  # the fixture's deadline has passed
    assert "quá hạn" in detail["lock_reason"]
