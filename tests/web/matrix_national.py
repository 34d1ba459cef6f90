"""Permission-matrix entries for the national position (see tests/web/matrix.py): provincial
roles read it, Home Affairs imports the Ministry's tables."""

from __future__ import annotations

from .matrix import HOME_AFFAIRS, PROVINCIAL, Entry

ENTRIES = {
    "national:index": Entry(PROVINCIAL),
    "national:upload": Entry(HOME_AFFAIRS),
    "national:report_docx": Entry(PROVINCIAL, method="post", data={"text": "x", "year": "2022"}),
}
