"""Permission-matrix entries for background jobs (see tests/web/matrix.py)."""

from .matrix import Entry

# A job belongs to whoever started it; the fixture's job was started by the appraiser.
ENTRIES = {
    "jobs:detail": Entry({"appraiser", "admin"}, lambda p: [p["job"].pk]),
    "jobs:result": Entry({"appraiser", "admin"}, lambda p: [p["job"].pk]),
}
