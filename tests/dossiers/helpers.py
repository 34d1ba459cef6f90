"""A small dossier export for the web tests: units A and B of the web fixture's province,
procedures of the shipped demo catalogue, and one row with an unknown unit.

Hand-computed figures for 2025 (the deadlines are given, so no calendar is involved):
- A: 5 handled, 4 on time (A5 is late) → on-time rate 80 %; procedures offered online
  (X009, X001 full; X010 partial) received 4, filed online 2 → online rate 50 %.
- B: 2 handled, both on time → 100 %.
- row 9 (unit «ZZ») is rejected: read 8 = imported 7 + rejected 1.
"""

from __future__ import annotations

import csv
import io

COLUMNS = (
    "dossier_code", "procedure_code", "unit_code", "received_at", "deadline_at", "finished_at",
    "returned_at", "channel", "paid_online", "fee", "status",
)  # fmt: skip

ROWS = [
    ("A1", "X009", "A", "2025-03-03 09:00", "2025-03-06 17:00", "2025-03-05 10:00", "", "online", "true", "100000", "finished"),
    ("A2", "X009", "A", "2025-03-10 09:00", "2025-03-13 17:00", "2025-03-12 10:00", "", "in_person", "false", "100000", "finished"),
    ("A3", "X001", "A", "2025-04-01 08:00", "2025-04-01 17:00", "2025-04-01 10:00", "", "online", "", "", "finished"),
    ("A4", "X005", "A", "2025-04-02 09:00", "2025-04-02 17:00", "2025-04-02 11:00", "", "in_person", "false", "10000", "finished"),
    ("A5", "X010", "A", "2025-05-05 09:00", "2025-05-26 17:00", "2025-05-30 10:00", "", "in_person", "false", "75000", "finished"),
    ("B1", "X001", "B", "2025-03-04 08:00", "2025-03-04 17:00", "2025-03-04 09:30", "", "online", "", "", "finished"),
    ("B2", "X009", "B", "2025-06-02 09:00", "2025-06-05 17:00", "2025-06-04 15:00", "", "in_person", "false", "100000", "finished"),
    ("Z1", "X001", "ZZ", "2025-06-03 09:00", "2025-06-03 17:00", "2025-06-03 10:00", "", "online", "", "", "finished"),
]  # fmt: skip


def export_csv(rows: list[tuple[str, ...]] | None = None) -> bytes:
    """The rows as a CSV in the generic format (header on line 1, so ROWS[i] is line i + 2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(ROWS if rows is None else rows)
    return buffer.getvalue().encode("utf-8")
