"""Oversized and malformed identifiers: a 40-digit id in a URL, a query or a form field is
"no such object" (400/404, or the page without that filter), never an overflow in the
database driver (500). Every URL's ids go through the bounded `id` converter."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from parindex.common.ids import MAX_ID, parse_id, parse_ids
from parindex.web.converters import IdConverter
from tests.web.test_permissions import MATRIX

HUGE = "9" * 40
PARAMETERS = (
    "unit",
    "period",
    "group",
    "page",
    "survey",
    "framework",
    "actor",
    "year",
    "plan",
    "task",
    "assessment",
    "document",
    "node",
    "s",
    "extra",
    "month",
    "table",
    "compare",
    "version",
    "request",
    "rule",
    "status",
    "type",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1e3", None),
        ("４２", None),  # full-width digits: str.isdigit() says yes, the database says no
        ("٤٢", None),
        ("", None),
        (None, None),
        (42, 42),
        (True, None),
    ],
)
def test_an_id_is_one_to_ten_ascii_digits_within_the_database_range(text, expected):
    assert parse_id(text) == expected


def test_a_list_of_ids_keeps_only_the_valid_ones():
    assert parse_ids(["3", HUGE, "x", "7"]) == [3, 7]


def _patterns(resolver: URLResolver | None = None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield pattern
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_no_url_takes_an_unbounded_integer():
    # parindex's own URLs; the admin's (django-otp's device pages) are staff-only and not ours.
    unbounded = [
        str(pattern.pattern)
        for pattern in _patterns()
        if getattr(getattr(pattern, "callback", None), "__module__", "").startswith("parindex")
        and any(
            isinstance(converter, IntConverter)
            for converter in getattr(pattern.pattern, "converters", {}).values()
        )
    ]
    assert not unbounded, f"use <id:…> instead of <int:…> in {unbounded}"


def test_the_id_converter_refuses_what_the_database_cannot_hold():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    with pytest.raises(ValueError, match="id"):
        converter.to_python(str(MAX_ID + 1))
    with pytest.raises(ValueError, match="id"):
        converter.to_url(10**40)


def _huge_url(name: str, args: list) -> str | None:
    if not any(isinstance(arg, int) for arg in args):
        return None
    sentinel = [MAX_ID if isinstance(arg, int) else arg for arg in args]
    return reverse(name, args=sentinel).replace(str(MAX_ID), HUGE)


@pytest.mark.usefixtures("stub_pdf_renderer")
@pytest.mark.parametrize("persona", ["officer_a", "appraiser", "admin"])
def test_a_huge_id_in_any_url_is_not_found(persona, login, province):
    client = login(persona)
    client.raise_request_exception = False
    failed = []
    for name, entry in sorted(MATRIX.items()):
        url = _huge_url(name, entry.args(province))
        if url is None:
            continue
        response = getattr(client, entry.method)(url, entry.data)
        if response.status_code not in (403, 404):
            failed.append((name, response.status_code))
    assert not failed


@pytest.mark.usefixtures("stub_pdf_renderer")
@pytest.mark.parametrize("persona", ["officer_a", "appraiser", "admin"])
def test_huge_ids_in_query_parameters_never_reach_the_database(persona, login, province):
    client = login(persona)
    client.raise_request_exception = False
    query = dict.fromkeys(PARAMETERS, HUGE)
    failed = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method != "get":
            continue
        response = client.get(reverse(name, args=entry.args(province)), query)
        if response.status_code >= 500:
            failed.append((name, response.status_code))
    assert not failed


def test_a_huge_document_id_in_a_form_is_refused_not_a_crash(login, province):
    client = login("officer_a")
    client.raise_request_exception = False
    assessment = province["assessment_a"]
    url = reverse("assessments:evidence_link", args=[assessment.pk, "1.1"])

    response = client.post(url, {"document": HUGE, "page": "explanation", "request": HUGE})

    assert response.status_code < 500


def test_the_survey_review_filter_with_a_huge_unit_is_empty_not_a_crash(client, make_survey, place):
    survey = make_survey()
    client.force_login(place["users"]["appraiser"])
    client.raise_request_exception = False

    response = client.get(reverse("questionnaires:review", args=[survey.pk]), {"unit": HUGE})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/units/{huge}/",
        "/assessments/{huge}/",
        "/results/groups/{huge}/",
        "/units/0/",
        "/units/-1/",
        "/units/%EF%BC%94%EF%BC%92/",  # "４２" in full-width digits
    ],
)
def test_raw_paths_with_bad_ids_are_not_found(path, login, province):
    client = login("appraiser")
    client.raise_request_exception = False

    response = client.get(path.format(huge=HUGE))

    assert response.status_code == 404


def test_the_api_answers_a_huge_id_without_a_crash(client, province):
    from parindex.apitokens.services import token_create

    user = province["users"]["appraiser"]
    secret = token_create(actor=user, user=user, name="t", scopes=[]).secret
    client.raise_request_exception = False
    headers = {"Authorization": f"Bearer {secret}"}
    from parindex.api.app import api

    schema = api.get_openapi_schema()
    failed = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or "{" not in path:
            continue
        url = path
        for parameter in operations["get"].get("parameters", []):
            if parameter.get("in") == "path":
                url = url.replace("{" + parameter["name"] + "}", HUGE)
        response = client.get(url, {"unit": HUGE, "period": HUGE}, headers=headers)
        if response.status_code >= 500:
            failed.append((path, response.status_code))
    assert not failed
