"""The API tests: the web tests' small province and personas, tokens for them, and a client
that speaks JSON with a bearer token."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from parindex.apitokens.services import token_create
from tests.web.conftest import login, province  # noqa: F401 - fixtures used by name

PREFIX = "/api/v1"


class Api:
    """`client` with `Authorization: Bearer <secret>` (none for `secret=None`)."""

    def __init__(self, client: Client, secret: str | None) -> None:
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        found = dict(headers or {})
        if self.secret is not None:
            found.setdefault("Authorization", f"Bearer {self.secret}")
        return found

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
        raw: bytes | str | None = None,
        **params: Any,
    ) -> Any:
        url = PREFIX + path
        call = getattr(self.client, method.lower())
        if method.upper() in ("GET", "DELETE"):
            return call(url, params, headers=self._headers(headers))
        data: Any
        if raw is not None:
            data = raw
        elif body is None:
            data = ""
        else:
            data = json.dumps(body)
        if params:
            url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
        return call(url, data, content_type=content_type, headers=self._headers(headers))

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, **params)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", path, body, **kwargs)


@pytest.fixture
def make_token(province) -> Callable[..., str]:  # noqa: F811
    def make(persona: str, scopes: list[str] | None = None, **options: Any) -> str:
        user = province["users"][persona]
        issued = token_create(
            actor=user, user=user, name=f"test {persona}", scopes=scopes or [], **options
        )
        return issued.secret

    return make


@pytest.fixture
def api_as(client: Client, make_token) -> Callable[..., Api]:
    """`api_as("officer_a")`: an API client with a fresh full token of that persona;
    `api_as("anonymous")`: without a token."""

    def make(persona: str, scopes: list[str] | None = None, **options: Any) -> Api:
        if persona == "anonymous":
            return Api(client, None)
        return Api(client, make_token(persona, scopes, **options))

    return make


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzz run's count of generated cases (tests/api/test_fuzz.py), when it ran here."""
    # pytest imports it as "api.test_fuzz" (importlib mode), another import as "tests.api.…".
    fuzz = next(
        (module for name, module in sys.modules.items() if name.endswith("api.test_fuzz")), None
    )
    if fuzz is None or not fuzz.CASES:
        return
    line = fuzz.summary()
    terminalreporter.write_line(line)
    target = os.environ.get("PARINDEX_API_FUZZ_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
