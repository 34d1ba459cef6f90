"""Schemathesis over the whole OpenAPI schema, against the live application (Django's live
server, real HTTP): for every operation, generated requests must never get a server error, and
every response must conform to the schema (status code documented, body matching its schema,
content type, headers; authentication enforced: schemathesis also sends each operation without
the token and with a wrong one).

Four passes over every operation (`PASSES`): valid requests and invalid ones with an
administrator's token (the role that reaches the most operations), valid requests whose path
parameters name the province's real objects (an assessment, a group, a survey…), and the same
with the head of unit A on its open assessment, so that the writes reach the services. A short
profile by default (`PARINDEX_API_FUZZ_EXAMPLES` examples per operation and pass, 15: under a
minute on two cores); `make api-fuzz` runs it alone and prints how many cases were generated.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode, checks

from parindex.apitokens.services import token_create
from tests.api.matrix import _open_self_assessment, survey

EXAMPLES = int(os.environ.get("PARINDEX_API_FUZZ_EXAMPLES", "15"))
CASES: Counter[str] = Counter()
STATUSES: Counter[int] = Counter()

# `api_fuzz`: run by its own step of scripts/test and by `make api-fuzz` (see pyproject.toml).
pytestmark = [pytest.mark.slow, pytest.mark.api_fuzz]
# Checks left out, with the reason; every other check of schemathesis runs (no server error,
# status code, content type, headers and body conforming to the schema, missing required
# header, unsupported method, authentication not ignored, …).
# - `positive_data_acceptance` expects every schema-valid request to succeed: the API also
#   refuses, with 400 naming the field, what the schema cannot express (a numerator above its
#   denominator, a date range ending before it starts, answers that are not the form's choices).
# - `negative_data_rejection` expects every schema-violating request to be refused: the API
#   ignores query parameters it does not know (as most HTTP APIs do), and a dossier batch with
#   invalid records is accepted with those records rejected in its report, exactly as a file
#   import treats bad rows.
EXCLUDED = [checks.positive_data_acceptance, checks.negative_data_rejection]


def summary() -> str:
    """How many cases were generated and what they got (printed by tests/api/conftest.py at the
    end of the run, and appended to $PARINDEX_API_FUZZ_SUMMARY when set)."""
    return (
        f"schemathesis: {sum(CASES.values())} generated cases over {len(CASES)} operation × "
        f"pass pairs, statuses {dict(sorted(STATUSES.items()))}"
    )


def _operations(url: str) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(url)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    headers: dict[str, str],
    label: str,
    known: dict[str, Any] | None = None,
) -> None:
    name = f"{operation.method.upper()} {operation.path}"
    fixed = {
        parameter.name: known[parameter.name]
        for parameter in operation.path_parameters
        if known and parameter.name in known
    }
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: schemathesis.Case) -> None:
        # The token as an explicit header (schemathesis then knows the credentials are real,
        # and probes each operation without them and with invalid ones: 401 expected); an
        # invalid Authorization the generator made up on purpose (negative data) wins over it.
        response = case.call(headers=headers)
        CASES[f"{label} {name}"] += 1
        STATUSES[response.status_code] += 1
        assert response.status_code < 500, f"{response.status_code} {response.text}"
        case.validate_response(response, headers=headers, excluded_checks=EXCLUDED)

    run()


def _known_ids(province: dict[str, Any]) -> dict[str, Any]:
    """Path parameters that name the province's objects, so that generated requests reach
    real assessments, groups and surveys instead of 404s."""
    return {
        "unit_id": province["unit_a"].pk,
        "framework_id": province["framework"].pk,
        "period_id": province["period"].pk,
        "assessment_id": province["assessment_a"].pk,
        "group_id": province["group"].pk,
        "survey_id": survey(province).pk,
        "job_id": province["job"].pk,
        "code": "1.2",
    }


# label → (generation mode, persona of the token, path parameters naming real objects)
PASSES = {
    "positive": (GenerationMode.POSITIVE, "admin", False),
    "negative": (GenerationMode.NEGATIVE, "admin", False),
    "known-ids": (GenerationMode.POSITIVE, "admin", True),
    # The unit's head on its own assessment, still open: the writes reach the services.
    "unit-head": (GenerationMode.POSITIVE, "head_a", True),
}


@pytest.mark.parametrize("label", sorted(PASSES))
def test_the_api_never_fails_and_conforms_to_its_schema(
    live_server, province, settings, tmp_path, label
):
    settings.DATA_DIR = tmp_path  # pushed dossiers go to a store of this test's own
    mode, persona, with_ids = PASSES[label]
    user = province["users"][persona]
    secret = token_create(actor=user, user=user, name="fuzz", rate_limit=1_000_000).secret
    _open_self_assessment(province)
    headers = {"Authorization": f"Bearer {secret}"}
    known = _known_ids(province) if with_ids else None
    operations = _operations(f"{live_server.url}/api/v1/openapi.json")
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        try:
            _fuzz(operation, mode, headers, label, known)
        except (Exception, BaseExceptionGroup) as error:  # all operations tried, failures together
            failures.append(f"{operation.method.upper()} {operation.path} ({label}): {error}")
    assert not failures, "\n\n".join(failures)


def test_without_a_token_every_operation_is_401(live_server, province):
    import json
    import urllib.request
    from urllib.error import HTTPError

    with urllib.request.urlopen(f"{live_server.url}/api/v1/openapi.json") as answer:
        paths = json.load(answer)["paths"]
    for path, operations in paths.items():
        for method in operations:
            url = live_server.url + path.replace("{", "1").replace("}", "")
            url = url.replace("1action", "submit").replace("1code", "1.1")
            request = urllib.request.Request(
                url, method=method.upper(), data=b"{}" if method != "get" else None
            )
            with pytest.raises(HTTPError) as refused:
                urllib.request.urlopen(request)
            assert refused.value.code == 401, f"{method} {path}"
