"""Assessment periods through the web: deadline order, one group per unit and period, deadline
extensions (reason, later date, audit, who sees them) and the unit's own deadline at home.

The province fixture's 2025 period closes self-assessment on 10/12/2025 17:00; commune B
has an extension to 20/12/2025 17:00 ("Thiên tai").
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, UnitGroup
from parindex.units.models import Unit

from .conftest import TZ

GOOD_DEADLINES = {
    "self_assessment_opens": "01/11/2026 08:00",
    "self_assessment_closes": "10/12/2026 17:00",
    "explanation_closes": "20/12/2026 17:00",
    "appraisal_closes": "10/01/2027 17:00",
    "publication_date": "20/01/2027",
}


def period_form(**changes: str) -> dict[str, Any]:
    return {"year": "2026", "name": "Kỳ 2026", "status": "planned", **GOOD_DEADLINES, **changes}


def group_form(province: dict[str, Any], units: list[Unit], **changes: Any) -> dict[str, Any]:
    return {
        "code": "nhom-2",
        "name": "Nhóm thứ hai",
        "framework": province["framework"].pk,
        "position": "1",
        "units": [unit.pk for unit in units],
        **changes,
    }


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"self_assessment_closes": "01/11/2026 08:00"},
            "self_assessment_closes",
            "Hạn tự đánh giá phải sau ngày mở tự đánh giá.",
        ),
        (
            {"explanation_closes": "09/12/2026 17:00"},
            "explanation_closes",
            "Hạn giải trình không được trước hạn tự đánh giá.",
        ),
        (
            {"appraisal_closes": "19/12/2026 17:00"},
            "appraisal_closes",
            "Hạn thẩm định không được trước hạn giải trình.",
        ),
    ],
    ids=["closes-before-opening", "explanation-before-closing", "appraisal-before-explanation"],
)
def test_a_period_whose_deadlines_are_out_of_order_is_refused_naming_the_deadline(
    login, province, changes, field, message
):
    client = login("appraiser")
    before = AssessmentPeriod.objects.count(), AuditEvent.objects.count()

    response = client.post(reverse("periods:create"), period_form(**changes))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert message in response.content.decode()
    assert "Constraint" not in response.content.decode()
    assert (AssessmentPeriod.objects.count(), AuditEvent.objects.count()) == before


def test_a_period_with_ordered_deadlines_is_created_and_audited(login, province):
    client = login("appraiser")

    response = client.post(reverse("periods:create"), period_form())

    period = AssessmentPeriod.objects.get(year=2026)
    assert response.status_code == 302
    assert period.self_assessment_closes == datetime.datetime(2026, 12, 10, 17, tzinfo=TZ)
    event = AuditEvent.objects.get(action="create", object_type="assessmentperiod")
    assert event.object_id == str(period.pk)
    # In the province's time, as officials read it.
    assert event.changes["self_assessment_closes"] == "2026-12-10T17:00:00+07:00"


def test_moving_a_deadline_is_audited_with_the_old_and_new_dates(login, province):
    client = login("admin")
    period = province["period"]

    response = client.post(
        reverse("periods:edit", args=[period.pk]),
        period_form(
            year="2025",
            name="Kỳ 2025",
            status="open",
            self_assessment_opens="01/11/2025 08:00",
            self_assessment_closes="12/12/2025 17:00",
            explanation_closes="20/12/2025 17:00",
            appraisal_closes="10/01/2026 17:00",
            publication_date="20/01/2026",
        ),
    )

    assert response.status_code == 302
    # Only the moved deadline: the others, read back from the form in local time, are the
    # same instants as the stored ones.
    event = AuditEvent.objects.get(action="update", object_id=str(period.pk))
    assert event.changes == {
        "self_assessment_closes": ["2025-12-10T17:00:00+07:00", "2025-12-12T17:00:00+07:00"]
    }


# --- unit groups ---------------------------------------------------------------------------


def test_a_unit_already_in_a_group_of_the_period_is_refused_for_a_second_group(login, province):
    client = login("appraiser")
    period = province["period"]
    free = Unit.objects.create(
        code="C", name="Xã Cẩm Xuyên", unit_type=province["unit_a"].unit_type
    )

    response = client.post(
        reverse("periods:group_create", args=[period.pk]),
        group_form(province, [free, province["unit_a"]]),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["units"]
    assert errors == ["Đơn vị đã thuộc nhóm khác trong kỳ: Xã An Bình (đã thuộc nhóm Cấp xã)"]
    assert "Xã Cẩm Xuyên" not in errors[0]
    assert not UnitGroup.objects.filter(period=period, code="nhom-2").exists()


def test_a_unit_that_only_shares_a_name_with_a_member_is_not_a_clash(login, province):
    client = login("appraiser")
    namesake = Unit.objects.create(
        code="A-2", name="Xã An Bình", unit_type=province["unit_a"].unit_type
    )

    response = client.post(
        reverse("periods:group_create", args=[province["period"].pk]),
        group_form(province, [namesake]),
    )

    assert response.status_code == 302
    group = UnitGroup.objects.get(period=province["period"], code="nhom-2")
    assert list(group.units.all()) == [namesake]


def test_the_same_unit_may_be_in_a_group_of_another_period(login, province):
    client = login("appraiser")

    response = client.post(
        reverse("periods:group_create", args=[province["period_2024"].pk]),
        group_form(province, [province["unit_a"]]),
    )

    assert response.status_code == 302


def test_saving_a_group_keeps_its_own_members_and_audits_what_changed(login, province):
    client = login("appraiser")
    group = province["group"]

    response = client.post(
        reverse("periods:group_edit", args=[province["period"].pk, group.pk]),
        group_form(
            province, [province["unit_a"], province["unit_b"]], code="xa", name="UBND cấp xã"
        ),
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="unitgroup")
    assert event.changes == {"name": ["Cấp xã", "UBND cấp xã"], "position": [0, 1]}


# --- deadline extensions -------------------------------------------------------------------


def extension_form(unit: Unit, closes_at: str, reason: str) -> dict[str, Any]:
    return {"unit": unit.pk, "closes_at": closes_at, "reason": reason}


def test_an_extension_without_a_reason_is_refused(login, province):
    client = login("appraiser")

    response = client.post(
        reverse("periods:extension_add", args=[province["period"].pk]),
        extension_form(province["unit_a"], "15/12/2025 17:00", "  "),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert not DeadlineExtension.objects.filter(unit=province["unit_a"]).exists()


@pytest.mark.parametrize("closes_at", ["10/12/2025 17:00", "01/12/2025 17:00"])
def test_an_extension_that_is_not_later_than_the_periods_deadline_is_refused(
    login, province, closes_at
):
    client = login("appraiser")

    response = client.post(
        reverse("periods:extension_add", args=[province["period"].pk]),
        extension_form(province["unit_a"], closes_at, "Mưa lũ"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"closes_at": ["Hạn mới phải sau hạn chung của kỳ."]}
    assert not DeadlineExtension.objects.filter(unit=province["unit_a"]).exists()


def test_an_extension_is_audited_with_both_deadlines_and_the_reason(login, province):
    client = login("appraiser")
    unit_a = province["unit_a"]

    response = client.post(
        reverse("periods:extension_add", args=[province["period"].pk]),
        extension_form(unit_a, "15/12/2025 17:00", "Mưa lũ kéo dài"),
    )

    assert response.status_code == 302
    extension = DeadlineExtension.objects.get(unit=unit_a)
    assert extension.closes_at == datetime.datetime(2025, 12, 15, 17, tzinfo=TZ)
    assert extension.granted_by == province["users"]["appraiser"]
    event = AuditEvent.objects.get(action="extend")
    assert (event.object_type, event.object_id) == ("unit", str(unit_a.pk))
    assert event.reason == "Mưa lũ kéo dài"
    assert event.changes == {
        "self_assessment_closes": ["2025-12-10T17:00:00+07:00", "2025-12-15T17:00:00+07:00"]
    }


def test_a_unit_user_sees_only_its_own_units_extension_on_the_period_page(login, province):
    client = login("appraiser")
    client.post(
        reverse("periods:extension_add", args=[province["period"].pk]),
        extension_form(province["unit_a"], "15/12/2025 17:00", "Mưa lũ kéo dài"),
    )
    url = reverse("periods:detail", args=[province["period"].pk])

    seen = {
        persona: {extension.reason for extension in login(persona).get(url).context["extensions"]}
        for persona in ("officer_a", "head_a", "officer_b", "appraiser", "leader")
    }

    assert seen == {
        "officer_a": {"Mưa lũ kéo dài"},
        "head_a": {"Mưa lũ kéo dài"},
        "officer_b": {"Thiên tai"},
        "appraiser": {"Mưa lũ kéo dài", "Thiên tai"},
        "leader": {"Mưa lũ kéo dài", "Thiên tai"},
    }
    page = login("officer_a").get(url).content.decode()
    assert "Thiên tai" not in page
    assert "Xã Bình Minh" not in page


def test_the_unit_users_home_page_shows_its_extended_deadline(login, province):
    appraiser = login("appraiser")
    appraiser.post(
        reverse("periods:extension_add", args=[province["period"].pk]),
        extension_form(province["unit_a"], "15/12/2025 17:00", "Mưa lũ kéo dài"),
    )

    home_a = login("head_a").get(reverse("home"))
    page_a = home_a.content.decode()
    page_b = login("officer_b").get(reverse("home")).content.decode()

    deadlines = {
        item["group"].period.year: item["deadline"] for item in home_a.context["memberships"]
    }
    assert deadlines[2025] == datetime.datetime(2025, 12, 15, 17, tzinfo=TZ)
    assert "15/12/2025 17:00" in page_a
    assert "đã gia hạn" in page_a
    assert "10/12/2025 17:00" not in page_a
    assert "20/12/2025 17:00" in page_b
    assert "đã gia hạn" in page_b


def test_a_unit_without_an_extension_sees_the_periods_deadline_at_home(login, province):
    page = login("officer_a").get(reverse("home")).content.decode()

    assert "10/12/2025 17:00" in page
    assert "đã gia hạn" not in page
