"""The results landing page: the periods with their groups, the class bands in words."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext

from parindex.engine import ClassBand, format_number
from parindex.engine.numbers import ZERO
from parindex.periods.models import AssessmentPeriod


def result_periods() -> QuerySet[AssessmentPeriod]:
    """Every period, newest first, with its groups (`policy.visible_result_periods` keeps
    those a user may see)."""
    return AssessmentPeriod.objects.prefetch_related("groups").order_by("-year")


def class_band_texts(bands: Sequence[ClassBand]) -> list[str]:
    """ "Tốt: từ 90%", "Khá: từ 80% đến dưới 90%", …, "Yếu: dưới 65%"."""
    ordered = sorted(bands, key=lambda band: band.min_percent, reverse=True)
    texts = []
    upper: Decimal | None = None
    for band in ordered:
        if band.min_percent > 0 and upper is None:
            texts.append(
                gettext("%(class)s: từ %(low)s%%")
                % {"class": band.label, "low": format_number(band.min_percent)}
            )
        elif band.min_percent > 0:
            texts.append(
                gettext("%(class)s: từ %(low)s%% đến dưới %(high)s%%")
                % {
                    "class": band.label,
                    "low": format_number(band.min_percent),
                    "high": format_number(upper or ZERO),
                }
            )
        elif upper is not None:
            texts.append(
                gettext("%(class)s: dưới %(high)s%%")
                % {"class": band.label, "high": format_number(upper)}
            )
        else:
            texts.append(band.label)
        upper = band.min_percent
    return texts
