"""Template filters for numbers as officials write them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

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
