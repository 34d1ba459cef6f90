"""The request types of the pages, for the type checker, and the reading of ids in queries.

Django types `request.user` as "a user or the anonymous user" and knows nothing of the
attribute django-htmx's middleware adds. A page behind `login_required` is only ever called
with a signed-in `User`, so its view takes an `AuthedRequest` and hands `request.user` to the
policy and the services (which take a `User`) as it is. These classes are annotations only:
Django still builds its own request objects; every request goes through `HtmxMiddleware`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails

from parindex.accounts.models import User
from parindex.common.ids import parse_id, parse_ids


class HtmxRequest(HttpRequest):
    """Any request of the site: `request.htmx` is true when htmx sent it."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request to a page behind `login_required`: its user is signed in."""

    user: User


def query_id(params: Mapping[str, Any], name: str) -> int | None:
    """The id in a query or form parameter (`?unit=42`), or None when it is missing or no id:
    not digits, zero, or above 2^31 - 1 (`parindex.common.ids`). Never `int(request.GET[…])`:
    a 40-digit id would overflow in the database (a 500), a word would raise."""
    return parse_id(params.get(name))


def query_ids(params: QueryDict, name: str) -> list[int]:
    """The ids among a repeated parameter (`?s=1&s=2`), leaving out what is no id."""
    return parse_ids(params.getlist(name))
