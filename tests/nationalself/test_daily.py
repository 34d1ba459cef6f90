"""The daily check: a reminder before the deadline and a notice after it, once per deadline."""

from __future__ import annotations

import datetime

from django.utils import timezone

from parindex.assessments.models import Notification
from parindex.nationalself.services.daily import national_self_daily

from .helpers import a_national_self, contribution


def test_reminders_and_lateness_go_once_per_deadline(province):
    assessment = a_national_self(province)  # deadlines in 20 days
    deadline = contribution(assessment, "1.1.2").deadline
    assert deadline is not None
    start = timezone.now()
    early = national_self_daily(now=start)
    assert early.reminded == ()
    assert early.late == ()
    soon = start + datetime.timedelta(days=15)
    first = national_self_daily(now=soon)
    assert len(first.reminded) == 3
    assert national_self_daily(now=soon).reminded == ()
    later = start + datetime.timedelta(days=22)
    late = national_self_daily(now=later)
    assert len(late.late) == 3
    assert national_self_daily(now=later).late == ()
    officer_b = Notification.objects.filter(user=province["users"]["officer_b"])
    # Unit B: reminded for 1.1.1 (support) and 2.1.2 (lead); told late for 2.1.2 only.
    assert officer_b.filter(message__startswith="Nhắc hạn").count() == 2
    assert officer_b.filter(message__startswith="Quá hạn").count() == 1
    assert Notification.objects.filter(
        user=province["users"]["appraiser"], message__contains="quá hạn chưa gửi"
    ).exists()


def test_remind_now_on_one_year_leaves_the_other_years_alone(province):
    assessment = a_national_self(province)
    other = a_national_self(
        {key: value for key, value in province.items() if key != "national_self"}, year=2023
    )
    assert other.pk != assessment.pk
    soon = timezone.now() + datetime.timedelta(days=15)
    only_this = national_self_daily(now=soon, assessment=assessment)
    assert len(only_this.reminded) == 3
    assert len(national_self_daily(now=soon).reminded) == 3  # the other year's, still owed
