"""Template filters for numbers as officials write them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from parindex.engine import round_half_up

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """Points without trailing zeros ("2,5", "9,15", "10"), in the page language's format.

    `floatformat:"-4"` would write 2.5 as "2,5000": it drops the decimals only when all
    of them are zero.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    exponent = number.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return str(floatformat(number, places))


@register.filter
def score(value: Any, places: Any = 2) -> str:
    """Points on the working pages (self-assessment, appraisal, the printed form): rounded
    half-up to the framework's display places (`{{ x|score:sheet.framework.info.display_places }}`,
    2 without), trailing zeros dropped as `points` writes them, in the page language's format
    ("2,66" for a stored 2,6589; "1"; "7,5"). The results tables print every figure with the
    display places ("7,50": `results_format.score`)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return points(round_half_up(number, int(places) if places not in (None, "") else 2))
