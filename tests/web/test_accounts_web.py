"""Accounts through the web: the real login form, throttling, demo accounts, the administrator's
user forms with their audit trail, and the demo province command."""

from __future__ import annotations

import io
import json

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from parindex.accounts.models import Role, User
from parindex.audit.models import AuditEvent
from parindex.criteria.models import Framework, FrameworkStatus
from parindex.demo.accounts import DEMO_PASSWORD
from parindex.nationalself.models import NationalSelfAssessment
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult
from parindex.units.models import Unit, UnitLineage

from .conftest import PASSWORD

# The lock-out page (accounts/locked_out.html), whatever HTTP status axes answers it with.
LOCKED_OUT = "Đăng nhập sai quá nhiều lần"


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- login ---------------------------------------------------------------------------------


def test_a_user_logs_in_through_the_form_with_the_password(client, province):
    response = log_in(client, "officer_a", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert is_logged_in(client)
    assert client.get(reverse("home")).context["user"] == province["users"]["officer_a"]


def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, province):
    response = log_in(client, "officer_a", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not is_logged_in(client)


def test_five_failed_attempts_lock_the_username_even_against_the_right_password(client, province):
    for _attempt in range(4):
        response = log_in(client, "officer_a", "wrong-password")
        assert response.status_code == 200
        assert LOCKED_OUT not in response.content.decode()

    fifth = log_in(client, "officer_a", "wrong-password")
    right = log_in(client, "officer_a", PASSWORD)

    assert LOCKED_OUT in fifth.content.decode()
    assert right.status_code != 302
    assert LOCKED_OUT in right.content.decode()
    assert not is_logged_in(client)
    assert AccessAttempt.objects.get(username="officer_a").failures_since_start >= 5
    # Another username from the same address is not locked.
    assert log_in(client, "head_a", PASSWORD).status_code == 302


def test_a_successful_login_is_logged_and_shown_on_the_administrators_login_log(client, province):
    log_in(client, "officer_b", PASSWORD)
    client.post(reverse("logout"))
    log_in(client, "head_a", "wrong-password")

    assert AccessLog.objects.filter(username="officer_b").count() == 1
    log_in(client, "admin", PASSWORD)
    response = client.get(reverse("audit:logins"))

    assert response.status_code == 200
    assert [log.username for log in response.context["logins"]] == ["admin", "officer_b"]
    assert [log.username for log in response.context["failures"]] == ["head_a"]
    page = response.content.decode()
    assert "officer_b" in page
    assert "127.0.0.1" in page
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert today in page


@pytest.fixture
def demo_user(province):
    user = User(username="demo.canbo", role=Role.OFFICER, unit=province["unit_a"], is_demo=True)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def test_a_demo_account_cannot_log_in_outside_debug_mode(client, demo_user, settings):
    settings.DEBUG = False

    response = log_in(client, "demo.canbo", DEMO_PASSWORD)

    assert response.status_code == 200
    assert not is_logged_in(client)


def test_a_demo_account_logs_in_in_debug_mode(client, demo_user, settings):
    settings.DEBUG = True

    response = log_in(client, "demo.canbo", DEMO_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_login_page_lists_the_demo_accounts_only_in_debug_demo_mode(
    client, demo_user, settings
):
    settings.DEBUG, settings.DEMO_MODE = True, True
    shown = client.get(reverse("login")).content.decode()
    settings.DEBUG = False
    hidden = client.get(reverse("login")).content.decode()

    assert "demo.canbo" in shown
    assert DEMO_PASSWORD in shown
    assert "demo.canbo" not in hidden
    assert DEMO_PASSWORD not in hidden


# --- the administrator's user forms --------------------------------------------------------


def user_form(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "canbo.moi",
        "full_name": "Nguyễn Văn Mới",
        "email": "canbo.moi@example.invalid",
        "phone": "",
        "role": Role.OFFICER,
        "unit": "",
        "is_active": "on",
        "password": "",
    }
    data.update(fields)
    return data


def test_a_weak_password_is_refused_with_djangos_validator_messages(login, province):
    client = login("admin")
    weak = "12345678"
    with translation.override("vi"):
        try:
            validate_password(weak, User(username="canbo.moi", full_name="Nguyễn Văn Mới"))
        except ValidationError as error:
            expected = error.messages
    assert len(expected) >= 3  # too short, too common, entirely numeric

    response = client.post(
        reverse("accounts:create"), user_form(unit=province["unit_a"].pk, password=weak)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == expected
    assert not User.objects.filter(username="canbo.moi").exists()


def test_an_officer_without_a_unit_is_refused(login, province):
    client = login("admin")

    response = client.post(
        reverse("accounts:create"), user_form(password="Một-mật-khẩu-đủ-dài-2025")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == [
        "Cán bộ đầu mối và thủ trưởng phải thuộc một đơn vị."
    ]
    assert not User.objects.filter(username="canbo.moi").exists()


def test_a_provincial_role_with_a_unit_is_refused(login, province):
    client = login("admin")

    response = client.post(
        reverse("accounts:create"),
        user_form(
            role=Role.APPRAISER, unit=province["unit_a"].pk, password="Một-mật-khẩu-đủ-dài-2025"
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]


def test_creating_a_user_and_changing_its_role_are_audited_without_the_password(login, province):
    client = login("admin")
    password = "Một-mật-khẩu-đủ-dài-2025"
    new_password = "Mật-khẩu-thứ-hai-2026"

    created = client.post(
        reverse("accounts:create"), user_form(unit=province["unit_a"].pk, password=password)
    )
    user = User.objects.get(username="canbo.moi")
    changed = client.post(
        reverse("accounts:edit", args=[user.pk]),
        user_form(role=Role.HEAD, unit=province["unit_a"].pk, password=new_password),
    )

    assert created.status_code == changed.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.HEAD
    assert user.check_password(new_password)
    assert not user.is_staff
    events = AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).order_by("id")
    assert [event.action for event in events] == ["create", "update"]
    assert events[0].actor == province["users"]["admin"]
    assert events[0].changes["role"] == Role.OFFICER
    assert events[0].changes["unit"] == "Xã An Bình"
    assert events[1].changes == {"password": ["***", "***"], "role": ["officer", "head"]}
    trail = json.dumps([[event.changes, event.reason] for event in events], ensure_ascii=False)
    for secret in (password, new_password, user.password):
        assert secret not in trail


def test_the_audit_page_shows_a_role_change_as_old_and_new_values(login, province):
    client = login("admin")
    officer = province["users"]["officer_a"]
    client.post(
        reverse("accounts:edit", args=[officer.pk]),
        user_form(
            username="officer_a",
            full_name="Officer A",
            email="",
            role=Role.HEAD,
            unit=province["unit_a"].pk,
        ),
    )

    page = client.get(reverse("audit:list") + "?type=user").content.decode()

    # The field and the values in words (the model's verbose name, the choices' labels).
    assert "<strong>vai trò:</strong> Cán bộ đầu mối → Thủ trưởng đơn vị" in page
    assert "[&#x27;" not in page  # no Python list on the page
    assert "officer → head" not in page


def test_saving_a_user_unchanged_writes_no_audit_event(login, province):
    client = login("admin")
    officer = province["users"]["officer_a"]
    before = AuditEvent.objects.count()

    response = client.post(
        reverse("accounts:edit", args=[officer.pk]),
        user_form(
            username="officer_a", full_name="Officer A", email="", unit=province["unit_a"].pk
        ),
    )

    assert response.status_code == 302
    assert AuditEvent.objects.count() == before
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)  # an empty password field keeps the password


def test_making_a_user_administrator_gives_the_django_admin_and_is_audited(login, province):
    client = login("admin")
    leader = province["users"]["leader"]

    client.post(
        reverse("accounts:edit", args=[leader.pk]),
        user_form(username="leader", full_name="Leader", email="", role=Role.ADMIN),
    )

    leader.refresh_from_db()
    assert leader.is_staff
    assert leader.is_superuser
    event = AuditEvent.objects.get(object_type="user", object_id=str(leader.pk))
    assert event.changes == {"role": ["leader", "admin"]}


# --- the demo province ---------------------------------------------------------------------


def test_the_demo_command_loads_a_whole_labelled_province(client, db, settings):
    """One test for the whole demo: loading it takes seconds."""
    settings.DEBUG = False
    output, errors = io.StringIO(), io.StringIO()

    call_command("demo", stdout=output, stderr=errors)

    active = Unit.objects.filter(valid_to__isnull=True)
    departments = active.filter(unit_type__code="so")
    communes = active.filter(unit_type__level="commune")
    former = Unit.objects.filter(valid_to__isnull=False)
    assert departments.count() == 20
    assert communes.count() == 60
    assert set(communes.values_list("unit_type__code", flat=True)) == {"xa", "phuong", "dac-khu"}
    assert former.filter(unit_type__level="district").count() == 7
    assert former.filter(unit_type__level="commune").count() >= 120
    # Every former commune leads to exactly one new commune, and each new one has one primary.
    assert UnitLineage.objects.count() == former.filter(unit_type__level="commune").count()
    for commune in communes:
        assert commune.predecessor_links.filter(is_primary=True).count() == 1

    users = User.objects.all()
    assert set(users.values_list("role", flat=True)) == set(Role.values)
    assert all(user.is_demo for user in users)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)

    frameworks = Framework.objects.all()
    national = frameworks.filter(pk__in=NationalSelfAssessment.objects.values("framework"))
    assert frameworks.count() == 6  # departments and communes 2024 and 2025; national 2022, 2025
    assert national.count() == 2
    assert set(frameworks.values_list("status", flat=True)) == {FrameworkStatus.PUBLISHED}
    assert frameworks.filter(previous__isnull=False).count() == 3

    period_2024 = AssessmentPeriod.objects.get(year=2024)
    assert period_2024.status == PeriodStatus.PUBLISHED
    for group in period_2024.groups.all():
        members = set(group.units.values_list("pk", flat=True))
        results = PublishedResult.objects.filter(group=group)
        assert members
        assert set(results.values_list("unit_id", flat=True)) == members
        assert sorted(results.values_list("rank", flat=True))[0] == 1
        assert {result.ranked_units for result in results} == {len(members)}

    period_2025 = AssessmentPeriod.objects.get(year=2025)
    now = timezone.now()
    assert period_2025.status == PeriodStatus.OPEN
    # The general deadline has passed (units that never sent can be appraised: README.md,
    # "Walking the 2025 year"); the demo users' own units have an extension and may still
    # self-assess.
    assert period_2025.self_assessment_opens <= period_2025.self_assessment_closes <= now
    for login_name in ("xa.canbo", "so.canbo"):
        unit = User.objects.get(username=login_name).unit
        extension = period_2025.extensions.get(unit=unit)
        assert extension.closes_at > now
    assert sum(group.units.count() for group in period_2025.groups.all()) == 80

    assert "(minh họa)" in period_2024.name
    assert "minh họa" in Unit.objects.get(code="TMH").name
    assert "debug" in errors.getvalue()  # says the demo logins need debug mode
    assert DEMO_PASSWORD in output.getvalue()

    # A demo commune officer (debug mode) sees the former communes' 2024 results on its page.
    settings.DEBUG = True
    assert log_in(client, "xa.canbo", DEMO_PASSWORD).status_code == 302
    commune = User.objects.get(username="xa.canbo").unit
    response = client.get(reverse("units:detail", args=[commune.pk]))
    former_codes = set(commune.predecessor_links.values_list("predecessor__code", flat=True))
    history = response.context["history"]
    assert {row.result.unit.code for row in history if row.result.period.year == 2024} == (
        former_codes
    )
    assert all(row.via for row in history if row.result.period.year == 2024)


def test_the_demo_command_with_if_empty_leaves_a_database_in_use_alone(db, province):
    units = Unit.objects.count()
    output = io.StringIO()

    call_command("demo", "--if-empty", stdout=output)

    assert Unit.objects.count() == units
    assert "not empty" in output.getvalue()
