"""The landing page: what each role needs to see first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parindex.criteria.models import Framework
from parindex.periods.models import (
    AssessmentPeriod,
    DeadlineExtension,
    UnitGroup,
    self_assessment_deadline,
)
from parindex.periods.selectors import unit_result_history
from parindex.policy import can
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"now": timezone.now()}
    if can(user, "assessments.self_assess") and user.unit is not None:
        memberships = []
        groups = UnitGroup.objects.filter(units=user.unit).select_related("period", "framework")
        extensions = {
            extension.period_id: extension
            for extension in DeadlineExtension.objects.filter(unit=user.unit).order_by("granted_at")
        }
        for group in groups.order_by("-period__year"):
            extension = extensions.get(group.period_id)
            memberships.append(
                {
                    "group": group,
                    "deadline": self_assessment_deadline(group.period, extension),
                    "extension": extension,
                }
            )
        context.update(
            {
                "unit": user.unit,
                "memberships": memberships,
                "history": unit_result_history(user.unit)[:6],
            }
        )
        return render(request, "web/home_unit.html", context)
    context.update(
        {
            "periods": AssessmentPeriod.objects.prefetch_related("groups__framework")[:4],
            "unit_count": Unit.objects.filter(valid_to__isnull=True).count(),
            "framework_count": Framework.objects.count(),
            "can_manage_periods": can(user, "periods.manage"),
        }
    )
    return render(request, "web/home_province.html", context)
