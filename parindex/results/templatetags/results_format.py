"""Numbers on results pages and PDFs as officials write them: decimal comma, exact points.

The engine's formatters are used (not the locale's), so that pages, PDFs and Excel notes
show the same digits for the same figure.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

from django import template
from django.utils.translation import gettext, ngettext

from parindex.engine import format_number, format_percent, format_signed, round_half_up
from parindex.results.charts import CLASS_COLOURS

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def num(value: Any, places: Any = None) -> str:
    """ "7,775"; with `places`, that many decimals ("90,70")."""
    number = _decimal(value)
    if number is None:
        return "—"
    return format_number(number, int(places) if places not in (None, "") else None)


# The framework's `display_places` when a template does not say (`rounding` in
# docs/framework-format.md): official tables print points with two decimals.
DISPLAY_PLACES = 2


def _places(places: Any) -> int:
    return int(places) if places not in (None, "") else DISPLAY_PLACES


@register.filter
def score(value: Any, places: Any = None) -> str:
    """Points as official tables print them: rounded half-up to the framework's display places
    (`{{ x|score:places }}`, 2 without): "2,66", "7,50", "10,00". The stored points keep their
    precision (2,6589)."""
    number = _decimal(value)
    if number is None:
        return "—"
    return format_number(number, _places(places))


@register.filter
def score_up(value: Any, places: Any = None) -> str:
    """Points still needed, rounded up to the display places: 0,0012 reads 0,01, never 0,00."""
    number = _decimal(value)
    if number is None:
        return "—"
    quantum = Decimal(1).scaleb(-_places(places))
    return format_number(number.quantize(quantum, rounding=ROUND_CEILING), _places(places))


@register.filter
def signed_score(value: Any, places: Any = None) -> str:
    """A change of points with its sign, rounded like `score`: "+0,25", "-1,50", "0,00"."""
    number = _decimal(value)
    if number is None:
        return "—"
    return format_signed(round_half_up(number, _places(places)), _places(places))


@register.filter
def pct(value: Any, places: Any = 2) -> str:
    """ "87,50%" (no space, as official documents write it)."""
    number = _decimal(value)
    if number is None:
        return "—"
    return format_percent(number, int(places) if places not in (None, "") else None)


@register.filter
def signed(value: Any, places: Any = None) -> str:
    """ "+2", "-0,5", "0"; "—" without a value."""
    number = _decimal(value)
    if number is None:
        return "—"
    return format_signed(number, int(places) if places not in (None, "") else None)


@register.filter
def places_moved(value: int | None) -> str:
    """A rank change in words: "↑ 2 bậc", "↓ 1 bậc", "giữ hạng"."""
    if value is None:
        return "—"
    if value > 0:
        return ngettext("↑ %(places)s bậc", "↑ %(places)s bậc", value) % {"places": value}
    if value < 0:
        return ngettext("↓ %(places)s bậc", "↓ %(places)s bậc", -value) % {"places": -value}
    return gettext("giữ hạng")


@register.filter
def trend(value: Any) -> str:
    """A CSS class for a change: "up", "down" or "same"."""
    number = _decimal(value)
    if number is None or number == 0:
        return "same"
    return "up" if number > 0 else "down"


@register.filter
def tone(colour: Any) -> str:
    """The CSS class of a class colour from `charts.class_colours` (`tone-0` for the best
    class, results.css): pages carry no style attribute, which the CSP would refuse."""
    try:
        return f"tone-{CLASS_COLOURS.index(colour)}"
    except ValueError:
        return "tone-none"


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or "" when absent (class colours by label)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
