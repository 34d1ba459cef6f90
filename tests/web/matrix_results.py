"""Permission-matrix entries for the results pages (see tests/web/matrix.py).

The fixture's 2025 period is not published: its ranking, scorecards and exports are for
provincial roles only. (Published results, open to every user, are tested in tests/results.)
"""

from .matrix import ALL, PROVINCIAL, Entry

ENTRIES = {
    "results:index": Entry(ALL),
    "results:group": Entry(PROVINCIAL, lambda p: [p["group"].pk]),
    "results:scorecard": Entry(PROVINCIAL, lambda p: [p["group"].pk, p["unit_a"].pk]),
    "results:scorecard_pdf": Entry(PROVINCIAL, lambda p: [p["group"].pk, p["unit_a"].pk]),
    "results:export_excel": Entry(PROVINCIAL, lambda p: [p["period"].pk], method="post"),
    "results:export_pdf": Entry(PROVINCIAL, lambda p: [p["period"].pk], method="post"),
}
