"""Every status real exports use, with the dates they actually carry; pauses; yes/no fees."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    Store,
    WorkingCalendar,
    compute_indicators,
    import_dossiers,
    load_reference,
    resolve_mapping,
)
from parindex.servicedata.reference import data_path

from .helpers import dossier, write_generic

SAMPLES = data_path("samples")


def stored(store: Store, *columns: str) -> dict[str, tuple[object, ...]]:
    relation = store.active_records_sql("dossiers")
    assert relation is not None
    rows = duckdb.sql(f"SELECT dossier_code, {', '.join(columns)} FROM {relation}").fetchall()
    return {row[0]: row[1:] for row in rows}


def write_export(path, header: str, lines: list[str]):
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_withdrawn_refused_and_waiting_dossiers_are_kept_with_the_dates_they_carry(
    tmp_path, store, import_file
) -> None:
    path = write_generic(
        tmp_path / "export.csv",
        [
            # Withdrawn: real exports give no end time.
            dossier("W1", "U1", "P1", "2025-03-03 09:00", status="Người nộp rút hồ sơ"),
            dossier("W2", "U1", "P1", "2025-03-03 09:00", status="ĐÃ RÚT HỒ SƠ"),
            # Refused without a date (at reception), and with one (answered, judged on time).
            dossier("R1", "U1", "P1", "2025-03-03 09:00", status="Từ chối"),
            dossier("R2", "U1", "P1", "2025-03-03 09:00", status="tu choi giai quyet",
                    finished_at="2025-03-04 09:00"),
            # Waiting for a supplement, with the day it was handed back in the result column.
            dossier("S1", "U1", "P1", "2025-03-03 09:00", status="Trả lại bổ sung",
                    returned_at="2025-03-04 09:00"),
            dossier("S2", "U1", "P1", "2025-03-03 09:00", status="Tạm dừng"),
            # Still refused: a result without its date, "processing" with an end time.
            dossier("X1", "U1", "P1", "2025-03-03 09:00", status="returned"),
            dossier("X2", "U1", "P1", "2025-03-03 09:00", status="processing",
                    finished_at="2025-03-04 09:00"),
        ],
    )  # fmt: skip
    result = import_file(path)
    assert (result.read, result.imported, result.rejected) == (8, 6, 2)
    assert result.statuses == {"refused": 2, "supplement": 1, "suspended": 1, "withdrawn": 2}
    assert sorted(row.dossier_code for row in result.first_rejected) == ["X1", "X2"]
    records = stored(store, "status", "finished_at", "returned_at")
    assert records["W1"] == ("withdrawn", None, None)
    assert records["R1"] == ("refused", None, None)
    assert records["R2"] == ("refused", datetime(2025, 3, 4, 9), None)
    assert records["S1"] == ("supplement", None, datetime(2025, 3, 4, 9))

    source = DossierSource.from_store(store)
    assert source is not None
    request = IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",))
    [row] = compute_indicators(source, request).rows
    counts = row.counts
    # Every received dossier counts as received; withdrawals and undated refusals leave the
    # backlog at once; the dated refusal is handled (on time); S1, S2 stay open.
    assert counts["received"] == 6
    assert (counts["withdrawn"], counts["refused"], counts["handled"]) == (2, 2, 1)
    assert (counts["on_time"], counts["processing"], counts["closed"]) == (1, 2, 4)
    assert row.rates["on_time_rate"] == 100


def test_a_pause_moves_the_deadline_by_its_working_days(tmp_path, store, import_file) -> None:
    path = tmp_path / "paused.csv"
    header = (
        "dossier_code,procedure_code,unit_code,received_at,deadline_at,finished_at,status,"
        "paused_from,paused_until,paused_days"
    )
    write_export(
        path,
        header,
        [
            # Deadline Wed 05/03; paused Thu 06/03 → Mon 10/03 = 2 working days → Fri 07/03.
            "A1,P1,U1,2025-03-03 09:00,2025-03-05 17:00,2025-03-07 10:00,finished,"
            "2025-03-04 09:00,2025-03-06 09:00,",
            # The export's own count of paused days.
            "A2,P1,U1,2025-03-03 09:00,2025-03-05 17:00,2025-03-07 10:00,finished,,,3",
            # Still suspended: the clock is stopped, no deadline, never overdue.
            "A3,P1,U1,2025-03-03 09:00,2025-03-05 17:00,,Tạm dừng,2025-03-04 09:00,,",
            # No pause: late.
            "A4,P1,U1,2025-03-03 09:00,2025-03-05 17:00,2025-03-07 10:00,finished,,,",
        ],
    )
    result = import_file(path, _pause_mapping(tmp_path))
    assert (result.imported, result.rejected) == (4, 0), result.first_rejected
    records = stored(store, "paused_days", "deadline_at")
    assert records["A1"] == (2, datetime(2025, 3, 7, 17))
    assert records["A2"] == (3, datetime(2025, 3, 10, 17))
    assert records["A3"] == (None, None)
    assert records["A4"] == (None, datetime(2025, 3, 5, 17))
    source = DossierSource.from_store(store)
    assert source is not None
    request = IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",))
    [row] = compute_indicators(source, request).rows
    assert (row.counts["on_time"], row.counts["late"]) == (2, 1)
    assert (row.counts["processing"], row.counts["overdue"]) == (1, 0)


def _pause_mapping(folder) -> str:
    mapping = folder / "paused.yaml"
    mapping.write_text(
        "name: paused\ncolumns:\n"
        + "".join(
            f"  {name}: {name}\n"
            for name in (
                "dossier_code", "procedure_code", "unit_code", "received_at", "deadline_at",
                "finished_at", "status", "paused_from", "paused_until", "paused_days",
            )
        ),
        encoding="utf-8",
    )  # fmt: skip
    return str(mapping)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Có", True), ("CÓ", True), ("co", True), ("x", True), ("Yes", True), ("1", True),
     ("TRUE", True), ("Không", False), ("KHONG", False), ("no", False), ("0", False),
     ("false", False), ("", False)],
)  # fmt: skip
def test_a_yes_no_fee_column_is_read_without_case_or_diacritics(
    tmp_path, store, import_file, written, expected
) -> None:
    mapping = tmp_path / "fee.yaml"
    mapping.write_text(
        "name: fee\ncolumns:\n  dossier_code: Mã\n  procedure_code: TT\n  unit_code: ĐV\n"
        "  received_at: Nhận\n  has_fee: Có phí\n",
        encoding="utf-8",
    )
    # P2 has no fee in procedures.csv: the column decides.
    path = write_export(
        tmp_path / "fee.csv", "Mã,TT,ĐV,Nhận,Có phí", [f"A1,P2,U1,2025-03-03 09:00,{written}"]
    )
    result = import_file(path, str(mapping))
    assert result.imported == 1, result.first_rejected
    assert stored(store, "has_fee")["A1"] == (expected,)


def test_an_unreadable_yes_no_value_is_refused_with_its_column(
    tmp_path, store, import_file
) -> None:
    mapping = tmp_path / "fee.yaml"
    mapping.write_text(
        "name: fee\ncolumns:\n  dossier_code: Mã\n  procedure_code: TT\n  unit_code: ĐV\n"
        "  received_at: Nhận\n  has_fee: Có phí\n",
        encoding="utf-8",
    )
    path = write_export(tmp_path / "fee.csv", "Mã,TT,ĐV,Nhận,Có phí", ["A1,P2,U1,2025-03-03,hmm"])
    result = import_file(path, str(mapping))
    assert result.rejected == 1
    assert "cột «Có phí»: «hmm» không phải có/không" in result.first_rejected[0].reasons


def test_the_vendor_style_sample_with_real_statuses_reconciles_without_losing_a_row(
    tmp_path, calendar: WorkingCalendar
) -> None:
    """The GENERATED sample with withdrawn, refused, suspended dossiers: nothing rejected."""
    store = Store(tmp_path / "store")
    result = import_dossiers(
        SAMPLES / "dossiers_2025_vendor_statuses.csv",
        resolve_mapping("vendor_vnpt_style"),
        store=store,
        reference=load_reference(),
        calendar=calendar,
    )
    assert (result.read, result.imported, result.rejected) == (1200, 1200, 0)
    assert result.reconciles
    assert result.statuses["withdrawn"] == 41
    assert result.statuses["refused"] == 40
    assert result.statuses["supplement"] + result.statuses["suspended"] == 5
    undated = stored(store, "status", "finished_at")
    assert all(end is None for status, end in undated.values() if status == "withdrawn")
    assert any(end is None for status, end in undated.values() if status == "refused")
    source = DossierSource.from_store(store)
    assert source is not None
    request = IndicatorRequest(date(2025, 1, 1), date(2025, 12, 31), ("province",))
    [row] = compute_indicators(source, request, reference=load_reference()).rows
    assert row.counts["withdrawn"] == 41
    assert row.counts["received"] == sum(
        1 for status, _ in undated.values() if status
    )  # every imported dossier received in 2025 counts
