"""The permission matrix: every page and endpoint × every persona.

Each entry says which personas may open the page (200, or a redirect after a
successful POST); everybody else must be refused (403 or 404) and anonymous
visitors sent to the login page. Adding a URL without an entry here fails
`test_every_url_has_an_entry_in_the_matrix`.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PERSONAS, STUB_PDF
from .matrix import ADMIN, ALL, HOME_AFFAIRS, PROVINCIAL, Entry, collect_entries

# The matrix checks permissions, not rendering: PDFs are laid out by a stub (real PDFs are
# tested once, in tests/results/test_exports.py).
pytestmark = pytest.mark.usefixtures("stub_pdf_renderer")

BASE_MATRIX: dict[str, Entry] = {
    "home": Entry(ALL),
    "healthz": Entry(set(PERSONAS), public=True),
    "login": Entry(set(PERSONAS), public=True),
    "logout": Entry(set(PERSONAS), method="post", public=True),
    "password_change": Entry(ALL),
    "password_change_done": Entry(ALL),
    "set_language": Entry(set(PERSONAS), method="post", data={"language": "en"}, public=True),
    "units:list": Entry(PROVINCIAL),
    "units:create": Entry(ADMIN),
    "units:import": Entry(ADMIN),
    "units:export": Entry(PROVINCIAL),
    "units:detail": Entry(PROVINCIAL | {"officer_a", "head_a"}, lambda p: [p["unit_a"].pk]),
    "units:edit": Entry(ADMIN, lambda p: [p["unit_a"].pk]),
    "units:lineage_add": Entry(ADMIN, lambda p: [p["unit_a"].pk]),
    "accounts:list": Entry(ADMIN),
    "accounts:create": Entry(ADMIN),
    "accounts:edit": Entry(ADMIN, lambda p: [p["users"]["officer_a"].pk]),
    "frameworks:list": Entry(ALL),
    "frameworks:import": Entry(HOME_AFFAIRS),
    "frameworks:detail": Entry(ALL, lambda p: [p["framework"].pk]),
    "frameworks:node_edit": Entry(HOME_AFFAIRS, lambda p: [p["draft"].pk, "1.1"]),
    "frameworks:publish": Entry(ADMIN, lambda p: [p["draft"].pk], method="post"),
    "frameworks:clone": Entry(HOME_AFFAIRS, lambda p: [p["framework"].pk]),
    "frameworks:export": Entry(ALL, lambda p: [p["framework"].pk, "xlsx"]),
    "periods:list": Entry(ALL),
    "periods:create": Entry(HOME_AFFAIRS),
    "periods:detail": Entry(ALL, lambda p: [p["period"].pk]),
    "periods:edit": Entry(HOME_AFFAIRS, lambda p: [p["period"].pk]),
    "periods:group_create": Entry(HOME_AFFAIRS, lambda p: [p["period"].pk]),
    "periods:group_edit": Entry(HOME_AFFAIRS, lambda p: [p["period"].pk, p["group"].pk]),
    "periods:extension_add": Entry(HOME_AFFAIRS, lambda p: [p["period"].pk]),
    "audit:list": Entry(ADMIN),
    "audit:export": Entry(ADMIN, method="post"),
    "audit:logins": Entry(ADMIN),
    "admin:index": Entry(ADMIN),
}

# Each app's pages are listed beside its tests' other data (tests/web/matrix_<app>.py).
MATRIX: dict[str, Entry] = {**BASE_MATRIX, **collect_entries()}


def _named_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace == "admin":
                names.add("admin:index")  # Django's own admin: one entry stands for the site
                continue
            if namespace == "api":
                continue  # the REST API's operations: tests/api/test_permissions.py
            if pattern.pattern.describe().startswith("'api/v1/'"):
                continue  # the API's own 404 for unknown paths under /api/v1/
            names |= _named_urls(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_an_entry_in_the_matrix():
    missing = _named_urls() - set(MATRIX)
    assert not missing, f"add these URLs to the permission matrix: {sorted(missing)}"


def test_the_matrix_names_only_existing_urls():
    assert set(MATRIX) - _named_urls() == set()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_each_persona_is_allowed_or_refused_as_its_role_says(url_name, persona, login, province):
    entry = MATRIX[url_name]
    client = login(persona)
    url = reverse(url_name, args=entry.args(province))
    response = getattr(client, entry.method)(url, entry.data)
    if persona == "anonymous" and not entry.public:
        assert response.status_code == 302
        assert response["Location"].startswith(
            reverse("login") if url_name != "admin:index" else "/admin/login/"
        )
    elif persona in entry.allowed:
        assert response.status_code in (200, 302), f"{persona} should reach {url_name}"
        if response.status_code == 302 and url_name != "logout":
            assert "/login/" not in response["Location"]
    else:
        assert response.status_code in (403, 404) or (
            url_name == "admin:index" and response.status_code == 302
        ), f"{persona} must not reach {url_name} (got {response.status_code})"


def test_the_matrix_lays_out_pdfs_with_the_stub(login, province, stub_pdf_renderer):
    """If the PDF code stopped going through the stubbed `layout_pdf`, the matrix would lay out
    real PDFs again without anyone noticing: this test notices."""
    url = reverse("results:scorecard_pdf", args=[province["group"].pk, province["unit_a"].pk])
    response = login("appraiser").get(url)
    assert response.status_code == 200
    assert response.content == STUB_PDF
    assert len(stub_pdf_renderer) == 1
    assert province["unit_a"].name in stub_pdf_renderer[0]
