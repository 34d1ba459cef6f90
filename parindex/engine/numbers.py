"""Exact numbers for official scores, and their Vietnamese rendering.

Points keep the precision they were given (a published 9.0929 stays 9.0929).
Derived figures that are shown (the index, percentages) are rounded half-up to
two decimals, the way provinces and the Ministry publish them. Rendering uses
the Vietnamese conventions: decimal comma, dot as thousands separator.

The batch engine (`batch/`) computes in fixed-point integers: a figure with `k`
decimals at scale `10**k` is the integer `figure × 10**k`. `decimals`, `scaled` and
`unscaled` convert exactly between the two at the edges; `unscaled` also restores
the `Decimal` exponent (1.50 and 1.5 are equal but print differently).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

_NumberLike = Decimal | int | str | float


def to_decimal(value: _NumberLike) -> Decimal:
    """Convert a number or a numeric string to `Decimal` exactly.

    Strings may use a decimal comma ("7,775") as Vietnamese documents do.
    Floats are converted through their shortest repr, so 9.0929 stays 9.0929
    rather than becoming 9.092899999999999..., which is what a human typed.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"«{value}» is not a number") from None
    else:
        raise ValueError(f"«{value!r}» is not a number")
    if not result.is_finite():
        raise ValueError(f"«{value}» is not a finite number")
    return result


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(11)}


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round to `places` decimals, halves away from zero (81.835 → 81.84)."""
    quantum = _QUANTUM.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def percent_of(part: Decimal, whole: Decimal, places: int = 2) -> Decimal:
    """`part ÷ whole × 100`, rounded half-up; 0 when `whole` is 0."""
    if whole == 0:
        return ZERO
    return round_half_up(part * HUNDRED / whole, places)


def normalized(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (1.500 → 1.5, 10 → 10)."""
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


@lru_cache(maxsize=8192)
def format_number(value: Decimal, places: int | None = None) -> str:
    """Vietnamese rendering: "7,775", "1.234,5", "90,70" (with `places=2`).

    Without `places`, trailing zeros are dropped, as officials write points.
    Cached: explanations repeat the same maxima and thresholds for every unit.
    """
    shown = round_half_up(value, places) if places is not None else normalized(value)
    sign = "-" if shown < 0 else ""
    text = format(abs(shown), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups)
    if fraction:
        result += "," + fraction
    return sign + result


@lru_cache(maxsize=65536)
def decimals(value: Decimal) -> int:
    """How many decimals `value` needs (trailing zeros do not count): 1.50 → 1, 20 → 0."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"«{value}» is not a finite number")
    if exponent >= 0 or not any(digits):
        return 0
    trailing = 0
    for digit in reversed(digits):
        if digit != 0:
            break
        trailing += 1
    return max(-exponent - trailing, 0)


@lru_cache(maxsize=65536)
def scaled(value: Decimal, places: int) -> int:
    """`value × 10**places` as an exact integer; `ValueError` if `value` has more decimals."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"«{value}» is not a finite number")
    coefficient = int("".join(map(str, digits))) if digits else 0
    shift = exponent + places
    result: int
    if shift >= 0:
        result = coefficient * 10**shift
    else:
        result, rest = divmod(coefficient, 10**-shift)
        if rest:
            raise ValueError(f"«{value}» has more than {places} decimals")
    return -result if sign else result


@lru_cache(maxsize=65536)
def unscaled(value: int, places: int, exponent: int) -> Decimal:
    """The `Decimal` of `value / 10**places` written with `exponent` (`value` must allow it).

    `unscaled(150, 2, -2)` is Decimal("1.50"); `unscaled(150, 2, -1)` is Decimal("1.5").
    """
    shift = exponent + places
    if shift >= 0:
        coefficient, rest = divmod(value, 10**shift)
        if rest:
            raise ValueError(
                f"{value} at scale {places} cannot be written with exponent {exponent}"
            )
    else:
        coefficient = value * 10**-shift
    return Decimal(coefficient).scaleb(exponent)


def format_percent(value: Decimal, places: int | None = None) -> str:
    """A percentage as Vietnamese official documents write it: "87,5%" (no space)."""
    return f"{format_number(value, places)}%"


def format_signed(value: Decimal | int, places: int | None = None) -> str:
    """A change with its sign: "+2", "-0,5", "0"."""
    text = format_number(Decimal(value), places)
    return f"+{text}" if value > 0 else text
