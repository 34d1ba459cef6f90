"""The real client address, and the limits keyed on it.

X-Forwarded-For is believed only as far as trusted proxies (PARINDEX_TRUSTED_PROXIES) wrote it:
from an untrusted client it is ignored; behind the proxy the right-most entry that is not a
trusted proxy is the client. Login throttling, the public survey's rate limit, the API's logs
and the request log use that one address; the survey's limit does not hold a key that the
sender can change (the browser string).
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from parindex.common.addresses import as_networks, parse_networks, real_client
from tests.questionnaires.conftest import answers
from tests.web.conftest import PASSWORD

PROXY = "127.0.0.1"
BEHIND_PROXY = override_settings(
    PARINDEX_TRUSTED_PROXIES=parse_networks([PROXY, "10.0.0.0/24"]),
    PARINDEX_TRUST_X_FORWARDED_FOR=True,
)
TRUSTED = parse_networks([PROXY, "10.0.0.0/24"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy in front: the header is the sender's own writing.
        ("198.51.100.7", "10.9.9.9", "198.51.100.7"),
        ("198.51.100.7", "", "198.51.100.7"),
        # nginx replacing the header ($remote_addr).
        (PROXY, "203.0.113.5", "203.0.113.5"),
        # nginx appending ($proxy_add_x_forwarded_for): the client's own entry is to the left.
        (PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # Two trusted hops (a balancer in 10.0.0.0/24, then nginx).
        (PROXY, "1.2.3.4, 203.0.113.5, 10.0.0.8", "203.0.113.5"),
        # Only trusted hops: the left-most of them.
        (PROXY, "10.0.0.8", "10.0.0.8"),
        # Garbage where an address should be: the last hop known.
        (PROXY, "not-an-address", PROXY),
        (PROXY, "203.0.113.5:51234", "203.0.113.5"),
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ],
)
def test_the_real_client_is_the_right_most_address_not_written_by_a_trusted_proxy(
    remote, forwarded, expected
):
    assert real_client(remote, forwarded, TRUSTED) == expected


def test_without_trusted_proxies_the_header_is_never_read():
    assert real_client(PROXY, "203.0.113.5", ()) == PROXY


def test_the_setting_accepts_addresses_networks_and_one_string():
    assert as_networks("127.0.0.1, 10.0.0.0/24") == TRUSTED
    assert as_networks(["127.0.0.1", "10.0.0.0/24"]) == TRUSTED
    with pytest.raises(ValueError, match="nginx"):
        parse_networks(["nginx"])


@BEHIND_PROXY
def test_the_api_and_the_pages_read_the_same_address():
    from parindex.api.auth import client_address as api_address
    from parindex.web.middleware import client_address as web_address

    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )

    assert api_address(request) == web_address(request) == "203.0.113.5"


def test_axes_takes_the_address_from_the_same_function():
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "parindex.web.middleware.client_address"


# --- the public survey's open link ---------------------------------------------------------------


def _post(client, url: str, **headers: str):
    return client.post(url, {**answers(), "_unit": "B", "nhom": "dn"}, **headers)


def test_changing_the_browser_string_does_not_reset_the_survey_limit(client, make_survey, place):
    survey = make_survey(rate_limit=2)
    url = reverse("public_survey:open", args=[survey.pk])
    statuses = [
        _post(client, url, REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT=f"Bot/{n}").status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


@BEHIND_PROXY
def test_a_forwarded_address_from_an_untrusted_client_does_not_reset_the_limit(
    client, make_survey, place
):
    survey = make_survey(rate_limit=2)
    url = reverse("public_survey:open", args=[survey.pk])
    statuses = [
        _post(
            client, url, REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


@BEHIND_PROXY
def test_behind_the_trusted_proxy_each_client_has_its_own_limit(client, make_survey, place):
    survey = make_survey(rate_limit=1)
    url = reverse("public_survey:open", args=[survey.pk])

    first = _post(client, url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    again = _post(client, url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    # The client writes another address first; the proxy appends the real one.
    spoofed = _post(client, url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    other = _post(client, url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert [first.status_code, again.status_code, spoofed.status_code, other.status_code] == [
        302,
        429,
        429,
        302,
    ]


# --- login throttling behind the proxy -------------------------------------------------------------

LOCKED_OUT = "Đăng nhập sai quá nhiều lần"


def _log_in(client, password: str, address: str):
    return client.post(
        reverse("login"),
        {"username": "officer_a", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


@BEHIND_PROXY
def test_behind_the_proxy_a_client_failing_logins_does_not_lock_out_another(
    client, province, django_user_model
):
    from django.test import Client

    for _attempt in range(5):
        _log_in(client, "wrong-password", "203.0.113.66")
    locked = _log_in(client, PASSWORD, "203.0.113.66")
    colleague = _log_in(Client(), PASSWORD, "203.0.113.77")

    assert LOCKED_OUT in locked.content.decode()
    assert colleague.status_code == 302


@BEHIND_PROXY
def test_a_client_cannot_escape_its_lockout_by_forging_the_header(client, province):
    for _attempt in range(5):
        _log_in(client, "wrong-password", "203.0.113.66")
    forged = _log_in(client, PASSWORD, "1.1.1.1, 203.0.113.66")

    assert LOCKED_OUT in forged.content.decode()
