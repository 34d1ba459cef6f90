"""Small hand-made inputs for the service-data tests: a three-unit province and a dozen dossiers."""

from __future__ import annotations

import csv
from pathlib import Path

UNITS_CSV = """code,name,group
U1,Sở Một,Nhóm A
U2,Sở Hai,Nhóm A
U3,Xã Ba,Nhóm B
"""
# P1: fully online, with a fee, 2 working days; P2: partly online, "không chờ", same day;
# P3: not online, with a fee, 5 working days.
PROCEDURES_CSV = """code,name,online_level,has_fee,no_wait,processing_days
P1,Cấp giấy phép A,full,1,0,2
P2,Chứng thực B,partial,0,1,0
P3,Đăng ký C,none,1,0,5
"""

GENERIC_COLUMNS = (
    "dossier_code", "procedure_code", "procedure_name", "unit_code", "received_at", "deadline_at",
    "processing_days", "finished_at", "returned_at", "channel", "paid_online", "fee", "status",
    "digitised", "result_digitised", "satisfaction", "complaint", "eid_level2",
)  # fmt: skip


def write_reference(folder: Path) -> tuple[Path, Path]:
    units = folder / "units.csv"
    procedures = folder / "procedures.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    procedures.write_text(PROCEDURES_CSV, encoding="utf-8")
    return units, procedures


def write_generic(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV in the generic format; columns not given are left blank."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=GENERIC_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in GENERIC_COLUMNS})
    return path


def dossier(code: str, unit: str, procedure: str, received: str, **fields: str) -> dict[str, str]:
    return {
        "dossier_code": code,
        "unit_code": unit,
        "procedure_code": procedure,
        "received_at": received,
        **fields,
    }


# The hand-computed fixture (range 2025-03-01..2025-04-30); docs of every expected figure are
# in test_indicators.py next to the assertions.
FIXTURE_ROWS: list[dict[str, str]] = [
    dossier("D1", "U1", "P1", "2025-03-03 09:00", deadline_at="2025-03-05 17:00",
            finished_at="2025-03-04 10:00", returned_at="2025-03-04 11:00", status="returned",
            channel="online", fee="50000", paid_online="true", digitised="true",
            result_digitised="true", satisfaction="satisfied", complaint="false",
            eid_level2="true"),
    # Finished at the exact deadline minute: on time, not early.
    dossier("D2", "U1", "P1", "2025-03-10 09:00", deadline_at="2025-03-12 17:00",
            finished_at="2025-03-12 17:00", status="returned", channel="in_person", fee="50000",
            paid_online="false", digitised="false", result_digitised="false"),
    # One minute late.
    dossier("D3", "U1", "P1", "2025-03-20 09:00", deadline_at="2025-03-24 17:00",
            finished_at="2025-03-24 17:01", status="finished", channel="online", fee="50000",
            paid_online="true", digitised="true", result_digitised="true",
            satisfaction="dissatisfied", eid_level2="false"),
    dossier("D4", "U1", "P3", "2025-03-25 09:00", deadline_at="2025-04-01 17:00",
            status="processing", channel="in_person", fee="20000", paid_online="false",
            digitised="true"),
    dossier("D5", "U1", "P2", "2025-03-26 08:00", deadline_at="2025-03-26 17:00",
            finished_at="2025-03-26 11:00", status="returned", channel="online",
            digitised="true", result_digitised="false", satisfaction="satisfied"),
    dossier("D6", "U2", "P2", "2025-03-27 16:00", deadline_at="2025-03-27 17:00",
            finished_at="2025-03-28 09:00", status="returned", channel="in_person",
            digitised="false", complaint="true"),
    dossier("D7", "U2", "P1", "2025-03-31 10:00", deadline_at="2025-04-02 17:00",
            finished_at="2025-04-02 09:00", status="withdrawn", channel="online", fee="50000",
            paid_online="false", digitised="true"),
    # Received before the range: carried over into March.
    dossier("D8", "U3", "P3", "2025-02-20 09:00", deadline_at="2025-02-27 17:00",
            finished_at="2025-03-05 10:00", status="refused", channel="in_person", fee="20000",
            digitised="false"),
    dossier("D9", "U3", "P3", "2025-02-25 09:00", deadline_at="2025-03-04 17:00",
            status="supplement", channel="in_person", fee="20000", digitised="false"),
    # Finished after the range ends: still processing (and overdue) at the end of April.
    dossier("D10", "U3", "P1", "2025-04-15 09:00", deadline_at="2025-04-17 17:00",
            finished_at="2025-05-02 09:00", status="returned", channel="online", fee="50000",
            paid_online="true", digitised="true"),
    # Finished before the range: not counted anywhere.
    dossier("D11", "U3", "P1", "2025-01-10 09:00", deadline_at="2025-01-14 17:00",
            finished_at="2025-01-12 09:00", status="returned", channel="online"),
    # Received after the range: not counted.
    dossier("D12", "U1", "P1", "2025-05-05 09:00", deadline_at="2025-05-07 17:00",
            status="processing", channel="online"),
]  # fmt: skip
