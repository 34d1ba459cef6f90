"""Path converters: every id in a URL is bounded (`parindex.common.ids`).

Django's `<int:pk>` accepts any number of digits, and a 40-digit id then overflows in the
database driver. `<id:pk>` matches 1 to 10 ASCII digits and refuses (404: the URL does not
match) 0 and anything above 2^31 - 1. Registered once, when the web app starts
(`WebConfig.ready`); every URL of the site uses it for ids (`tests/security/test_identifiers.py`
fails on an `int` converter).
"""

from __future__ import annotations

from parindex.common.ids import ID_PATTERN, parse_id


class IdConverter:
    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        found = parse_id(value)
        if found is None:
            raise ValueError(f"not an id: {value!r}")  # the pattern does not match: 404
        return found

    def to_url(self, value: object) -> str:
        found = parse_id(value if isinstance(value, int) else str(value))
        if found is None:
            raise ValueError(
                f"not an id: {value!r}"
            )  # reverse() fails rather than build a URL nobody can open
        return str(found)
