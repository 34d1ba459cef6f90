"""Identifiers people can type into an address: bounded before they reach the database.

A database id is a positive integer that fits a signed 32-bit column (PostgreSQL `integer`,
the smallest id column of the schema): `?unit=` followed by forty 9s must read as "no such
unit", never as an overflow deep in the database driver (a 500). `parse_id` is the one reading
of such a text, for query parameters (`parindex.web.http.query_id`), the URL converter `id`
(`parindex.web.converters`) and the API. No Django here.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
# At most 10 digits: anything longer is above MAX_ID whatever its digits.
ID_PATTERN = "[0-9]{1,10}"


def parse_id(text: object) -> int | None:
    """The id written in `text` ("42"), or None for anything else: empty, signs, spaces,
    non-ASCII digits ("４２", "٤٢"), zero, or above MAX_ID."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_ID else None
    if not isinstance(text, str) or not text or len(text) > 10:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_ids(texts: object) -> list[int]:
    """The valid ids among several texts (a list of query values), in order, without the rest."""
    if not isinstance(texts, list | tuple):
        return []
    return [value for value in (parse_id(text) for text in texts) if value is not None]
