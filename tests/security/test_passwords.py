"""The demo province's published password on a real account: refused when set, refused at
login (the user is told to have it changed), whatever the login form; common passwords refused
when set."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from parindex.accounts.models import Role, User
from parindex.accounts.passwords import DEMO_PASSWORD


@pytest.fixture
def real_account(province):
    """A real account whose password was set to the demo's before validation existed (the
    row is written directly, as an old database or a shell would have)."""
    user = User(username="quantri", full_name="Quản trị", role=Role.ADMIN, is_staff=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def test_a_real_account_with_the_demo_password_cannot_log_in_and_is_told_why(
    client, real_account, settings
):
    settings.DEBUG = False

    response = client.post(reverse("login"), {"username": "quantri", "password": DEMO_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Mật khẩu minh họa công khai không dùng được để đăng nhập tài khoản thật" in page
    assert "quản trị hệ thống đặt mật khẩu mới" in page


def test_not_even_in_debug_mode(client, real_account, settings):
    settings.DEBUG = True

    response = client.post(reverse("login"), {"username": "quantri", "password": DEMO_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_nor_through_the_django_admins_login_or_any_other_form(client, real_account):
    request = RequestFactory().post("/admin/login/")

    assert authenticate(request, username="quantri", password=DEMO_PASSWORD) is None
    response = client.post(
        "/admin/login/", {"username": "quantri", "password": DEMO_PASSWORD, "next": "/admin/"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_message_does_not_tell_whether_the_account_exists(client, province):
    response = client.post(reverse("login"), {"username": "khong-co-ai", "password": DEMO_PASSWORD})

    assert "Mật khẩu minh họa công khai" in response.content.decode()


def test_a_demo_account_still_logs_in_with_it_in_debug_mode(client, province, settings):
    settings.DEBUG = True
    user = User(username="demo.x", role=Role.LEADER, is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()

    response = client.post(reverse("login"), {"username": "demo.x", "password": DEMO_PASSWORD})

    assert response.status_code == 302


@pytest.mark.parametrize("password", [DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "])
def test_the_demo_password_cannot_be_set_on_a_real_account(password, province):
    user = province["users"]["officer_a"]

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert "mật khẩu công khai của dữ liệu minh họa" in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890"])
def test_common_passwords_cannot_be_set(password, province):
    with pytest.raises(ValidationError):
        validate_password(password, province["users"]["officer_a"])


def test_the_administrators_user_form_refuses_the_demo_password(login, province):
    account = province["users"]["officer_a"]
    data = {
        "username": account.username,
        "full_name": account.full_name,
        "email": "",
        "phone": "",
        "role": account.role,
        "unit": account.unit_id,
        "is_active": "on",
        "password": DEMO_PASSWORD,
    }

    response = login("admin").post(reverse("accounts:edit", args=[account.pk]), data)

    assert response.status_code == 200
    account.refresh_from_db()
    assert not account.check_password(DEMO_PASSWORD)


def test_changepassword_command_refuses_it_too(real_account, monkeypatch):
    answers = iter([DEMO_PASSWORD, DEMO_PASSWORD] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError, match=r"Aborting|too many"):
        call_command("changepassword", "quantri")
