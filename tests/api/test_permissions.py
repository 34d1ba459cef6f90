"""Every operation of the API × every persona × the token's scope (see matrix.py)."""

from __future__ import annotations

import pytest

from parindex.api.app import api
from parindex.apitokens.scopes import FAMILIES, is_read
from tests.web.conftest import PERSONAS

from .matrix import MATRIX, ApiEntry

OK = (200, 201, 202)


def _operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_operation_has_an_entry_in_the_matrix():
    missing = _operations() - set(MATRIX)
    assert not missing, f"add these operations to tests/api/matrix.py: {sorted(missing)}"


def test_the_matrix_names_only_existing_operations():
    assert set(MATRIX) - _operations() == set()


def test_every_family_is_used_and_every_entry_names_a_family():
    used = {entry.family for entry in MATRIX.values() if entry.family is not None}
    assert used == set(FAMILIES)


def call(api_client, entry: ApiEntry, province):
    path = entry.path(province)
    body = entry.body(province)
    headers = entry.headers(province)
    method = next(m for (m, p), e in MATRIX.items() if e is entry)
    if entry.multipart:
        return api_client.client.post("/api/v1" + path, body, headers=api_client._headers(headers))
    return api_client.request(method, path, body, headers=headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("operation", sorted(MATRIX), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_persona_is_allowed_or_refused(operation, persona, api_as, province):
    entry = MATRIX[operation]
    response = call(api_as(persona), entry, province)
    body = response.json()
    if persona == "anonymous":
        assert response.status_code == 401, body
        assert body["code"] == "unauthenticated"
    elif persona in entry.allowed:
        assert response.status_code in OK, f"{persona} should reach {operation}: {body}"
    else:
        assert response.status_code in (403, 404), f"{persona} must not reach {operation}: {body}"
        assert set(body) == {"code", "message", "field", "row", "errors"}


def _persona(entry: ApiEntry) -> str:
    return sorted(entry.allowed)[0]


@pytest.mark.parametrize(
    "operation",
    sorted(op for op, entry in MATRIX.items() if entry.family is not None),
    ids=lambda op: f"{op[0]} {op[1]}",
)
def test_a_token_reaches_only_its_scopes(operation, api_as, province):
    entry = MATRIX[operation]
    persona = _persona(entry)
    assert entry.family is not None
    # Scoped to the operation's family: as the persona.
    assert call(api_as(persona, [entry.family]), entry, province).status_code in OK
    # Scoped to every other family: refused before anything is read.
    others = [family for family in FAMILIES if family != entry.family]
    response = call(api_as(persona, others), entry, province)
    assert response.status_code == 403
    assert response.json()["code"] == "scope"
    # Read-only: reads pass, writes are refused.
    response = call(api_as(persona, read_only=True), entry, province)
    if is_read(entry.family):
        assert response.status_code in OK
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "scope"
