"""Two-factor sign-in: with PARINDEX_REQUIRE_2FA administrators, appraisers and council members
set up an authenticator app before anything opens; whoever has one gives a code after the
password at every login (any login form, the Django admin's too); recovery codes work once;
an administrator's reset is audited; idle sessions end."""

from __future__ import annotations

import binascii
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parindex.accounts import two_factor
from parindex.audit.chain import verify
from parindex.audit.models import AuditEvent
from parindex.web.accounts import middleware
from parindex.web.accounts.two_factor import SECRET, STEP
from tests.web.conftest import PASSWORD


def code_for(secret: str, *, offset: int = 0) -> str:
    totp = TOTP(binascii.unhexlify(secret), 30, 0, 6, 0)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def log_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def required(settings):
    settings.PARINDEX_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between codes (one test turns it back)
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


def fully_signed_in(client: Client, user) -> Client:
    """A session that has given its code already (the step is paid)."""
    client.force_login(user)
    session = client.session
    session.pop(STEP, None)
    session.save()
    return client


def enrol(client: Client) -> list[str]:
    """Set up an app on the signed-in session; returns the recovery codes shown."""
    client.get(reverse("two_factor:setup"))
    secret = client.session[SECRET]
    page = client.post(reverse("two_factor:setup"), {"code": code_for(secret)})
    assert page.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())


@pytest.fixture
def enrolled_appraiser(province, required):
    """The appraiser with an app set up (secret known to the test) and recovery codes."""
    user = province["users"]["appraiser"]
    secret = two_factor.new_secret()
    codes = two_factor.two_factor_enable(
        actor=user, user=user, secret=secret, code=code_for(secret)
    )
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the set-up code may be used again
    return {"user": user, "secret": secret, "codes": codes}


# --- enrolment ------------------------------------------------------------------------------------


def test_a_required_role_must_set_up_an_app_before_any_page_opens(client, province, required):
    response = log_in(client, "appraiser")
    assert response.status_code == 302

    for url in (reverse("home"), reverse("units:list"), "/admin/", reverse("two_factor:status")):
        sent = client.get(url)
        assert sent.status_code == 302, url
        assert sent["Location"].startswith(reverse("two_factor:setup")), url
    assert client.post(reverse("audit:export")).status_code == 302


def test_the_setup_page_draws_the_qr_code_itself_and_shows_the_secret(client, province, required):
    client.force_login(province["users"]["council"])

    page = client.get(reverse("two_factor:setup")).content.decode()
    secret = client.session[SECRET]

    assert "<svg" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert two_factor.secret_text(secret) in page
    uri = two_factor.provisioning_uri(province["users"]["council"], secret)
    assert uri.startswith("otpauth://totp/parindex%3Acouncil?secret=")


def test_a_wrong_code_does_not_enable_it(client, province, required):
    client.force_login(province["users"]["admin"])
    client.get(reverse("two_factor:setup"))
    secret = client.session[SECRET]

    page = client.post(reverse("two_factor:setup"), {"code": code_for(secret, offset=3600)})

    assert "Mã không đúng" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=province["users"]["admin"]).exists()
    assert client.get(reverse("home")).status_code == 302


def test_enrolment_shows_ten_recovery_codes_once_and_opens_the_site(client, province, required):
    log_in(client, "appraiser")

    codes = enrol(client)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    assert STEP not in client.session
    event = AuditEvent.objects.get(action="two_factor_enable")
    assert event.object_id == str(province["users"]["appraiser"].pk)
    assert not any(code in str(event.changes) for code in codes)  # never in the trail
    assert verify().ok


def test_roles_that_need_no_second_factor_are_not_stopped(client, province, required):
    log_in(client, "officer_a")

    assert client.get(reverse("home")).status_code == 200


def test_without_the_setting_nobody_is_stopped(client, province, settings):
    settings.PARINDEX_REQUIRE_2FA = False
    log_in(client, "admin")

    assert client.get(reverse("home")).status_code == 200


# --- signing in with a code --------------------------------------------------------------------------


def test_after_the_password_the_code_is_asked_before_any_page(client, enrolled_appraiser):
    log_in(client, "appraiser")

    sent = client.get(reverse("units:list"))
    assert sent["Location"] == reverse("two_factor:verify") + "?next=%2Funits%2F"
    # Nor can the session set up a new app instead of giving the code.
    assert client.get(reverse("two_factor:setup"))["Location"].startswith(
        reverse("two_factor:verify")
    )

    wrong = client.post(sent["Location"], {"code": "000000"})
    right = client.post(sent["Location"], {"code": code_for(enrolled_appraiser["secret"])})

    assert "Mã không đúng" in wrong.content.decode()
    assert right.status_code == 302
    assert right["Location"] == "/units/"
    assert client.get(reverse("units:list")).status_code == 200


def test_a_code_works_once(client, enrolled_appraiser):
    code = code_for(enrolled_appraiser["secret"])
    log_in(client, "appraiser")
    assert client.post(reverse("two_factor:verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    log_in(client, "appraiser")
    again = client.post(reverse("two_factor:verify"), {"code": code})

    assert again.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once_and_is_audited(client, enrolled_appraiser):
    recovery = enrolled_appraiser["codes"][0]
    log_in(client, "appraiser")

    used = client.post(reverse("two_factor:verify"), {"code": recovery.upper()})
    client.post(reverse("logout"))
    log_in(client, "appraiser")
    reused = client.post(reverse("two_factor:verify"), {"code": recovery})

    assert used.status_code == 302
    assert reused.status_code == 200
    assert StaticToken.objects.filter(device__user=enrolled_appraiser["user"]).count() == 9
    assert AuditEvent.objects.filter(action="two_factor_recovery").count() == 1


def test_the_django_admins_login_asks_for_the_code_too(client, province, required):
    user = province["users"]["admin"]
    secret = two_factor.new_secret()
    two_factor.two_factor_enable(actor=user, user=user, secret=secret, code=code_for(secret))

    client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    sent = client.get("/admin/")

    assert sent.status_code == 302
    assert sent["Location"].startswith(reverse("two_factor:verify"))


def test_wrong_codes_slow_down_and_too_many_sign_out(client, enrolled_appraiser, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    log_in(client, "appraiser")

    first = client.post(reverse("two_factor:verify"), {"code": "000000"})
    right_too_soon = client.post(
        reverse("two_factor:verify"), {"code": code_for(enrolled_appraiser["secret"])}
    )

    assert "Hãy chờ đến" in first.content.decode()
    assert right_too_soon.status_code == 200  # refused: the device waits after a wrong code
    for _attempt in range(8):
        last = client.post(reverse("two_factor:verify"), {"code": "000000"})
    assert last.status_code == 302
    assert last["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_replace_the_old_ones(client, enrolled_appraiser):
    client = fully_signed_in(client, enrolled_appraiser["user"])

    page = client.post(reverse("two_factor:codes"))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())

    assert len(codes) == 10
    assert not set(codes) & set(enrolled_appraiser["codes"])
    assert AuditEvent.objects.filter(action="two_factor_codes").exists()


# --- the administrator's reset -----------------------------------------------------------------------


def test_an_administrator_resets_another_users_app_with_a_reason_audited(
    client, enrolled_appraiser, province
):
    client = fully_signed_in(client, province["users"]["admin"])
    url = reverse("accounts:two_factor_reset", args=[enrolled_appraiser["user"].pk])

    assert client.get(url).status_code == 200
    without_reason = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Mất điện thoại, đã gọi xác nhận"})

    assert without_reason.status_code == 200
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled_appraiser["user"]).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.actor_id == province["users"]["admin"].pk
    assert event.reason == "Mất điện thoại, đã gọi xác nhận"
    assert event.changes == {"two_factor": [True, False]}
    # The appraiser's next login sets up a new app.
    other = Client()
    log_in(other, "appraiser")
    assert other.get(reverse("home"))["Location"].startswith(reverse("two_factor:setup"))


def test_only_administrators_reset_and_never_their_own(login, province):
    appraiser = province["users"]["appraiser"]
    url = reverse("accounts:two_factor_reset", args=[appraiser.pk])

    assert login("council").post(url, {"reason": "x"}).status_code in (403, 404)
    own = reverse("accounts:two_factor_reset", args=[province["users"]["admin"].pk])
    assert login("admin").post(own, {"reason": "x"}).status_code == 403


def test_the_command_resets_the_only_administrators_app(enrolled_appraiser):
    from django.core.management import call_command

    call_command("two_factor_reset", "appraiser", "--reason", "quản trị duy nhất mất máy")

    assert not two_factor.is_enrolled(enrolled_appraiser["user"])
    assert AuditEvent.objects.get(action="two_factor_reset").actor_id is None


# --- idle sessions --------------------------------------------------------------------------------


def test_a_session_idle_longer_than_the_limit_is_signed_out(client, province, settings):
    log_in(client, "officer_a")
    session = client.session
    session[middleware.LAST_SEEN] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_moves_its_expiry_on_at_most_once_a_minute(client, province):
    log_in(client, "officer_a")
    session = client.session
    session[middleware.LAST_SEEN] = int(time.time()) - 120
    session.save()

    client.get(reverse("home"))
    seen = client.session[middleware.LAST_SEEN]
    client.get(reverse("home"))

    assert time.time() - seen < 5
    assert client.session[middleware.LAST_SEEN] == seen


def test_the_idle_limit_comes_from_the_setting():
    import os
    import subprocess
    import sys

    script = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    env = {
        **os.environ,
        "PARINDEX_SESSION_IDLE_MINUTES": "15",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
    ).stdout
    assert output.strip() == "900"
