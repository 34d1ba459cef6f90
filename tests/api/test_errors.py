"""One error shape for every refusal, never a 500 for bad input; the schema and the docs are
served from the application itself (no CDN)."""

from __future__ import annotations

import re

import pytest

SHAPE = {"code", "message", "field", "row", "errors"}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/units/abc", "unit_id"),
        ("/units/0", "unit_id"),
        ("/units/99999999999999999999999", "unit_id"),
        ("/assessments?year=năm", "year"),
        ("/dossiers/indicators?from=2025-02-30&to=2025-12-31", "from"),
        ("/dossiers/indicators?to=2025-12-31", "from"),
        ("/dossiers/indicators?from=2025-01-01&to=2025-12-31&by=week", "by"),
        ("/dossiers/indicators?from=2025-12-01&to=2025-01-01", "to"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(api_as, province, path, field):
    response = api_as("admin").client.get("/api/v1" + path, headers=api_as("admin")._headers(None))
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == SHAPE
    assert body["code"] == "invalid"
    assert body["field"] == field
    assert re.search("[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", body["message"])


def test_a_body_that_is_not_json_is_400(api_as, province):
    api = api_as("officer_a")
    response = api.put(
        f"/assessments/{province['assessment_a'].pk}/entries/1.1",
        raw="{values:",
        headers={"If-Match": "*"},
    )
    assert response.status_code == 400
    assert set(response.json()) == SHAPE


def test_unknown_paths_and_methods_answer_in_the_error_shape(api_as, province):
    api = api_as("admin")
    response = api.get("/nothing/here")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = api.request("DELETE", "/units")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"
    response = api.get(f"/units/{10**9}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_schema_and_the_docs_are_served_locally(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "parindex API"
    assert "bearer" in str(schema.json()["components"]["securitySchemes"]).lower()
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html.replace("http://www.w3.org", "")), "no CDN"
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
