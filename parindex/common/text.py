"""Text folded for search: lower case, no Vietnamese diacritics, "đ" read as "d", so that
"ha giang" finds "Hà Giang" and "DONG SON" finds "Đông Sơn".

One table serves Python and the databases: `fold` reads a search query, and
`parindex.units.search.Folded` folds a column in SQL with the same characters (PostgreSQL's
`translate`, or on SQLite a function that applies `fold_column`), so that both databases
match exactly the same rows.
"""

from __future__ import annotations

import unicodedata


def _table() -> tuple[str, str]:
    """(from, to) for SQL `translate`: every precomposed Latin letter with marks (both cases)
    → its plain lower-case letter, then the combining marks, which `translate` deletes (they
    have no counterpart in `to`: text typed in decomposed form folds the same)."""
    sources, targets = [], []
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for point in range(start, end + 1):
            char = chr(point)
            plain = "".join(
                part
                for part in unicodedata.normalize("NFD", char)
                if not unicodedata.combining(part)
            ).lower()
            if char in "đĐðÐ":
                plain = "d"
            if len(plain) == 1 and plain.isascii() and plain.isalpha() and plain != char:
                sources.append(char)
                targets.append(plain)
    marks = [chr(point) for point in range(0x0300, 0x0370)]
    return "".join(sources) + "".join(marks), "".join(targets)


FOLD_FROM, FOLD_TO = _table()
_TABLE = str.maketrans(FOLD_FROM[: len(FOLD_TO)], FOLD_TO, FOLD_FROM[len(FOLD_TO) :])


def fold_column(text: str | None) -> str | None:
    """A stored text as the databases fold it: `lower`, then the table (what SQL computes)."""
    if text is None:
        return None
    return text.lower().translate(_TABLE)


def fold(text: str) -> str:
    """A text as search compares it: folded, with its words separated by single spaces."""
    return " ".join((fold_column(text) or "").split())
