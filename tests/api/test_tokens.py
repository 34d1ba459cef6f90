"""API tokens: stored hashed and shown once, scoped, expiring and revocable, every use counted,
rate limited per token; the tokens page of a user and of an administrator."""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from parindex.apitokens.models import ApiAccessLog, ApiToken
from parindex.apitokens.services import rate_hit, token_create
from parindex.audit.models import AuditEvent


def test_only_the_hash_of_the_secret_is_stored(make_token, province):
    secret = make_token("officer_a")
    token = ApiToken.objects.get()
    assert secret.startswith("pit_")
    assert len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert token.prefix == secret[:10]
    assert AuditEvent.objects.filter(action="api_token_create").count() == 1


def test_a_revoked_expired_or_unknown_token_or_a_locked_account_is_refused(api_as, province):
    api = api_as("officer_a")
    assert api.get("/me").status_code == 200
    token = ApiToken.objects.get()
    token.revoked_at = timezone.now()
    token.save()
    response = api.get("/me")
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    api = api_as("officer_a", expires_at=timezone.now() + datetime.timedelta(seconds=1))
    ApiToken.objects.filter(revoked_at=None).update(expires_at=timezone.now())
    assert api.get("/me").json()["code"] == "token_expired"
    api = api_as("head_a")
    province["users"]["head_a"].is_active = False
    province["users"]["head_a"].save()
    assert api.get("/me").json()["code"] == "account_inactive"
    api.secret = "pit_" + "x" * 43
    response = api.get("/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    api.secret = None
    assert api.request("GET", "/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_every_use_is_counted_and_every_write_logged(api_as, province):
    api = api_as("appraiser")
    api.get("/units")
    api.get("/units")
    token = ApiToken.objects.get()
    assert token.uses == 2
    assert token.last_used_at is not None
    assert token.last_used_address == "127.0.0.1"
    assert not ApiAccessLog.objects.exists()  # reads are counted, not logged one by one
    api.post("/dossiers/push", [])  # a write, refused: logged with its status
    log = ApiAccessLog.objects.get()
    assert (log.method, log.path, log.status) == ("POST", "/api/v1/dossiers/push", 400)


def test_the_rate_limit_is_a_fixed_window_per_token(api_as, province, settings):
    settings.PARINDEX_API_RATE_LIMIT = 3
    api = api_as("leader")
    other = api_as("leader")
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/me")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert ApiAccessLog.objects.filter(status=429).count() == 1
    assert other.get("/me").status_code == 200  # another token has its own window
    # A token may carry its own limit.
    own = api_as("leader", rate_limit=5)
    assert [own.get("/me").status_code for _ in range(5)] == [200] * 5


def test_windows_start_on_the_minute(province):
    user = province["users"]["leader"]
    token = token_create(actor=user, user=user, name="x").token
    start = timezone.now().replace(second=50, microsecond=0)
    assert rate_hit(token, start) == (1, 10)
    assert rate_hit(token, start + datetime.timedelta(seconds=5)) == (2, 5)
    assert rate_hit(token, start + datetime.timedelta(seconds=10))[0] == 1  # the next minute


def test_the_tokens_page_shows_a_new_secret_once(login, province):
    client = login("officer_a")
    response = client.post(
        "/account/tokens/",
        {"name": "Bảng tính", "scopes": ["results.read"], "read_only": "on", "lifetime": "30"},
    )
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.scopes, token.read_only) == (
        province["users"]["officer_a"],
        ["results.read"],
        True,
    )
    assert token.expires_at is not None
    assert secret not in client.get("/account/tokens/").content.decode()
    # A user cannot issue a token for someone else (the account field is not theirs).
    client.post(
        "/account/tokens/",
        {"name": "x", "lifetime": "30", "account": province["users"]["admin"].pk},
    )
    assert not ApiToken.objects.filter(user=province["users"]["admin"]).exists()
    # Revoking from the page.
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_administrator_issues_a_token_for_a_system_account(login, province):
    from parindex.accounts.models import Role, User

    system = User.objects.create(
        username="motcua", full_name="Hệ thống một cửa", role=Role.APPRAISER
    )
    system.set_unusable_password()
    system.save()
    client = login("admin")
    response = client.post(
        "/account/tokens/",
        {
            "name": "Một cửa gửi hồ sơ",
            "account": system.pk,
            "scopes": ["dossiers.push"],
            "lifetime": "0",
            "rate_limit": "120",
        },
    )
    issued = response.context["issued"]
    assert issued.token.user == system
    assert (issued.token.expires_at, issued.token.rate_limit) == (None, 120)
    # The administrator sees it among the other accounts' tokens, and may revoke it.
    assert "Một cửa gửi hồ sơ" in client.get("/account/tokens/").content.decode()
    assert client.get(f"/account/tokens/{issued.token.pk}/").status_code == 200
    # The officer may not see it.
    assert login("officer_a").get(f"/account/tokens/{issued.token.pk}/").status_code == 404


def test_the_command_issues_a_token_for_a_system_account(province, capsys):
    from django.core.management import call_command

    call_command(
        "api_token", "appraiser", "--name", "Một cửa", "--scope", "dossiers.push", "--days", "0"
    )
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.scopes, token.expires_at, token.created_by) == (["dossiers.push"], None, None)
