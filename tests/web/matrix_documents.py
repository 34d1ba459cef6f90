"""Permission-matrix entries for the document pages (see tests/web/matrix.py): Home Affairs
drafts the province's documents; a unit's staff (and Home Affairs) its self-assessment report;
a unit's results report is open to whoever may see the period's results (published: all)."""

from __future__ import annotations

from .matrix import ALL, HOME_AFFAIRS, UNIT_A, Entry

ENTRIES = {
    "documents:index": Entry(HOME_AFFAIRS),
    "documents:decision": Entry(HOME_AFFAIRS, lambda p: [p["period_2024"].pk], method="post"),
    "documents:report": Entry(HOME_AFFAIRS, lambda p: [p["period_2024"].pk]),
    "documents:plan": Entry(HOME_AFFAIRS, lambda p: [p["period_2024"].pk], method="post"),
    "documents:self_report": Entry(UNIT_A | HOME_AFFAIRS, lambda p: [p["assessment_a"].pk]),
    "documents:unit_report": Entry(
        ALL, lambda p: [p["period_2024"].groups.get().pk, p["unit_b"].pk]
    ),
}
