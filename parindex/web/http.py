"""The request types of the pages, for the type checker.

Django types `request.user` as "a user or the anonymous user" and knows nothing of the
attribute django-htmx's middleware adds. A page behind `login_required` is only ever called
with a signed-in `User`, so its view takes an `AuthedRequest` and hands `request.user` to the
policy and the services (which take a `User`) as it is. These classes are annotations only:
Django still builds its own request objects; every request goes through `HtmxMiddleware`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from parindex.accounts.models import User


class HtmxRequest(HttpRequest):
    """Any request of the site: `request.htmx` is true when htmx sent it."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request to a page behind `login_required`: its user is signed in."""

    user: User
