from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from parindex.servicedata import ServiceDataError, Store

from .helpers import dossier, write_generic


def stored(store: Store, *columns: str) -> list[tuple[object, ...]]:
    """Active records (later wins) ordered by dossier code."""
    relation = store.active_records_sql("dossiers")
    assert relation is not None
    return duckdb.sql(
        f"SELECT dossier_code, {', '.join(columns)} FROM {relation} ORDER BY dossier_code"
    ).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_counts_reconcile_and_each_rejected_row_says_where_and_why(tmp_path, import_file) -> None:
    path = write_generic(
        tmp_path / "export.csv",
        [
            dossier(
                "A1",
                "U1",
                "P1",
                "2025-03-03 09:00",
                finished_at="2025-03-04 10:00",
                status="returned",
            ),
            dossier("A2", "U9", "P1", "2025-03-03 09:00"),
            dossier(
                "A3",
                "U1",
                "P1",
                "2025-03-05 09:00",
                finished_at="2025-03-04 10:00",
                status="returned",
            ),
            dossier("A4", "U1", "PX", "31/02/2025", channel="fax"),
            dossier(
                "",
                "U1",
                "P1",
                "2025-03-03 09:00",
                status="processing",
                finished_at="2025-03-04 10:00",
            ),
        ],
    )
    result = import_file(path)
    assert (result.read, result.imported, result.rejected) == (5, 1, 4)
    assert result.reconciles
    reasons = {row.location: row.reasons for row in result.first_rejected}
    assert (
        reasons[f"{path}, dòng 3"] == "cột «unit_code»: đơn vị «U9» không có trong danh sách đơn vị"
    )
    assert reasons[f"{path}, dòng 4"] == (
        "thời điểm có kết quả 04/03/2025 10:00 trước thời điểm tiếp nhận 05/03/2025 09:00"
    )
    assert (
        "cột «procedure_code»: thủ tục «PX» không có trong danh mục thủ tục"
        in reasons[f"{path}, dòng 5"]
    )
    assert (
        "cột «received_at»: «31/02/2025» không phải ngày giờ dạng yyyy-mm-dd"
        in reasons[f"{path}, dòng 5"]
    )
    assert "cột «channel»: «fax» không phải giá trị có trong bảng mã" in reasons[f"{path}, dòng 5"]
    assert "thiếu mã hồ sơ" in reasons[f"{path}, dòng 6"]
    assert "trạng thái «Đang xử lý» nhưng đã có thời điểm có kết quả" in reasons[f"{path}, dòng 6"]


def test_the_full_report_of_rejected_rows_is_written_where_asked(tmp_path, import_file) -> None:
    path = write_generic(tmp_path / "export.csv", [dossier("A1", "U9", "P1", "2025-03-03 09:00")])
    report = tmp_path / "out" / "rejected.csv"
    import_file(path, report_path=report)
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "tệp,vị trí,mã hồ sơ,lý do"
    assert lines[1].startswith(f"{path},dòng 2,A1,")


def test_reimporting_the_same_file_changes_nothing(tmp_path, store, import_file) -> None:
    path = write_generic(tmp_path / "export.csv", [dossier("A1", "U1", "P1", "2025-03-03 09:00")])
    first = import_file(path)
    manifest = (store.root / "manifest.json").read_bytes()
    files = sorted(p.relative_to(store.root) for p in store.root.rglob("*") if p.is_file())
    again = import_file(path)
    assert again.already_imported
    assert not first.already_imported
    assert again.batch is not None
    assert first.batch is not None
    assert again.batch.id == first.batch.id
    assert (store.root / "manifest.json").read_bytes() == manifest
    assert sorted(p.relative_to(store.root) for p in store.root.rglob("*") if p.is_file()) == files


def test_the_next_month_appends_and_leaves_earlier_parts_untouched(
    tmp_path, store, import_file
) -> None:
    january = write_generic(
        tmp_path / "january.csv",
        [
            dossier("A1", "U1", "P1", "2025-01-06 09:00", status="processing"),
            dossier(
                "A2",
                "U1",
                "P1",
                "2025-01-07 09:00",
                finished_at="2025-01-08 09:00",
                status="returned",
            ),
        ],
    )
    import_file(january)
    first_part = store.record_files("dossiers")[0]
    before = digest(first_part)
    february = write_generic(
        tmp_path / "february.csv",
        [
            # A1 finished in February: the February record replaces the January one.
            dossier(
                "A1",
                "U1",
                "P1",
                "2025-01-06 09:00",
                finished_at="2025-02-03 10:00",
                status="returned",
            ),
            dossier("A3", "U2", "P1", "2025-02-04 09:00", status="processing"),
        ],
    )
    result = import_file(february)
    assert (result.imported, result.superseded_earlier, result.superseded_in_file) == (2, 1, 0)
    assert digest(first_part) == before
    assert len(store.record_files("dossiers")) == 2
    assert stored(store, "status") == [("A1", "returned"), ("A2", "returned"), ("A3", "processing")]


def test_a_duplicate_code_in_a_file_keeps_the_later_row_and_is_counted(
    tmp_path, store, import_file
) -> None:
    path = write_generic(
        tmp_path / "export.csv",
        [
            dossier("A1", "U1", "P1", "2025-03-03 09:00", status="processing"),
            dossier("A2", "U1", "P1", "2025-03-03 09:00"),
            dossier(
                "A1",
                "U1",
                "P1",
                "2025-03-03 09:00",
                finished_at="2025-03-04 09:00",
                status="finished",
            ),
        ],
    )
    result = import_file(path)
    assert (result.read, result.imported, result.superseded_in_file) == (3, 3, 1)
    assert stored(store, "status") == [("A1", "finished"), ("A2", "processing")]


def test_a_rejected_row_never_replaces_a_good_record(tmp_path, store, import_file) -> None:
    import_file(write_generic(tmp_path / "a.csv", [dossier("A1", "U1", "P1", "2025-03-03 09:00")]))
    bad = import_file(
        write_generic(tmp_path / "b.csv", [dossier("A1", "U9", "P1", "2025-03-03 09:00")])
    )
    assert (bad.rejected, bad.superseded_earlier) == (1, 0)
    assert stored(store, "unit_code") == [("A1", "U1")]


def test_a_csv_with_a_broken_row_is_refused_whole_and_nothing_is_written(
    tmp_path, store, import_file
) -> None:
    path = tmp_path / "broken.csv"
    write_generic(path, [dossier(f"A{i}", "U1", "P1", "2025-03-03 09:00") for i in range(5)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",extra,fields"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ServiceDataError) as raised:
        import_file(path)
    assert any("dòng 4" in str(p) and "cấu trúc" in str(p) for p in raised.value.problems)
    assert store.batches() == []
    assert not (store.root / "dossiers").exists()


def test_a_missing_required_column_names_the_column_and_the_mapping(
    tmp_path, store, import_file
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "dossier_code,unit_code,received_at\nA1,U1,2025-03-03 09:00\n", encoding="utf-8"
    )
    with pytest.raises(ServiceDataError) as raised:
        import_file(path)
    text = str(raised.value)
    assert f"{path}, dòng 1: thiếu cột «procedure_code»" in text
    assert "generic.yaml" in text
    assert store.batches() == []


def test_missing_deadlines_are_computed_in_working_days_across_tet(
    tmp_path, store, import_file
) -> None:
    path = write_generic(
        tmp_path / "export.csv",
        [
            # P1 takes 2 working days: Friday 24/01 → 03/02 and 04/02 after Tết.
            dossier("A1", "U1", "P1", "2025-01-24 10:00"),
            # After the 17:00 cut-off: counts from Monday 03/02.
            dossier("A2", "U1", "P1", "2025-01-24 17:30"),
            # The row's own processing time wins over the procedure's.
            dossier("A3", "U1", "P1", "2025-01-24 10:00", processing_days="0"),
            # A deadline given as a date only ends at the configured deadline time.
            dossier("A4", "U1", "P1", "2025-01-24 10:00", deadline_at="2025-02-10"),
        ],
    )
    result = import_file(path)
    assert result.computed_deadlines == 3
    assert stored(store, "deadline_at", "deadline_computed") == [
        ("A1", datetime(2025, 2, 4, 17, 0), True),
        ("A2", datetime(2025, 2, 5, 17, 0), True),
        ("A3", datetime(2025, 1, 24, 17, 0), True),
        ("A4", datetime(2025, 2, 10, 17, 0), False),
    ]


def test_a_row_without_deadline_or_processing_time_is_rejected(
    tmp_path, tmp_path_factory, calendar
) -> None:
    from parindex.servicedata import import_dossiers, load_reference, resolve_mapping

    units = tmp_path / "units.csv"
    units.write_text("code,name,group\nU1,Sở Một,A\n", encoding="utf-8")
    procedures = tmp_path / "procedures.csv"
    procedures.write_text(
        "code,name,online_level,has_fee,no_wait,processing_days\nP9,Không rõ hạn,none,0,0,\n",
        encoding="utf-8",
    )
    path = write_generic(tmp_path / "export.csv", [dossier("A1", "U1", "P9", "2025-03-03 09:00")])
    result = import_dossiers(
        path,
        resolve_mapping("generic"),
        store=Store(tmp_path / "store"),
        reference=load_reference(units, procedures),
        calendar=calendar,
    )
    assert result.rejected == 1
    assert result.first_rejected[0].reasons == (
        "thiếu hạn xử lý: cột «deadline_at» trống và thủ tục «P9» không có thời hạn giải quyết"
    )


def test_the_vendor_style_export_maps_headers_codes_names_and_dates(
    tmp_path, store, import_file
) -> None:
    path = tmp_path / "vendor.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Mã hồ sơ", "Mã thủ tục", "Đơn vị tiếp nhận", "Ngày tiếp nhận", "Hạn xử lý", "Ngày có kết quả",
         "Trạng thái", "Hình thức nộp", "Phí, lệ phí", "Thanh toán trực tuyến", "Đánh giá"]
    )  # fmt: skip
    # The unit is written by name, in decomposed Unicode and another case.
    name = unicodedata.normalize("NFD", "SỞ MỘT")
    sheet.append(["V1", "P1", name, "03/03/2025 09:00", "05/03/2025 17:00", "04/03/2025 10:30",
                  "5", "Trực tuyến", "50.000", "Có", "Rất hài lòng"])  # fmt: skip
    sheet.append([None] * 11)  # an empty row is skipped, not counted
    sheet.append(["V2", "P1", "Sở Hai", datetime(2025, 3, 3, 9, 0), None, None, "9", "Trực tiếp",
                  "0", "Không", None])  # fmt: skip
    workbook.save(path)
    result = import_file(path, "vendor_vnpt_style")
    assert (result.read, result.imported, result.rejected) == (2, 1, 1)
    assert result.first_rejected[0].location == f"{path}, dòng 4"
    assert (
        "cột «Trạng thái»: «9» không phải giá trị có trong bảng mã"
        in result.first_rejected[0].reasons
    )
    assert stored(
        store, "unit_code", "status", "channel", "fee", "paid_online", "satisfaction"
    ) == [("V1", "U1", "returned", "online", Decimal("50000.00"), True, "satisfied")]


def test_json_lines_and_parquet_exports_import_like_csv(tmp_path, store, import_file) -> None:
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(
        json.dumps({"dossier_code": "J1", "procedure_code": "P1", "unit_code": "U1",
                    "received_at": "2025-03-03 09:00", "fee": 50000, "paid_online": True}) + "\n"
        + json.dumps({"dossier_code": "J2", "procedure_code": "P1", "unit_code": "U1",
                      "received_at": "not a date"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = import_file(jsonl)
    assert (result.read, result.imported, result.rejected) == (2, 1, 1)
    assert result.first_rejected[0].location == f"{jsonl}, dòng 2"
    parquet = tmp_path / "export.parquet"
    duckdb.sql(
        "SELECT 'Q1' AS dossier_code, 'P2' AS procedure_code, 'U2' AS unit_code, "
        "TIMESTAMP '2025-03-04 08:00' AS received_at, 12.5 AS fee"
    ).write_parquet(str(parquet))
    assert import_file(parquet).imported == 1
    assert stored(store, "fee", "paid_online") == [
        ("J1", Decimal("50000.00"), True),
        ("Q1", Decimal("12.50"), None),
    ]


def test_timestamps_in_utc_are_moved_to_vietnam_time(tmp_path, store, import_file) -> None:
    mapping = tmp_path / "utc.yaml"
    mapping.write_text(
        "name: utc\ntimezone: UTC\ncolumns:\n  dossier_code: code\n  procedure_code: proc\n"
        "  unit_code: unit\n  received_at: at\n",
        encoding="utf-8",
    )
    path = tmp_path / "utc.csv"
    path.write_text("code,proc,unit,at\nA1,P2,U1,2025-03-03 02:00:00\n", encoding="utf-8")
    import_file(path, str(mapping))
    assert stored(store, "received_at", "status") == [
        ("A1", datetime(2025, 3, 3, 9, 0), "processing")
    ]


def test_a_mapping_with_mistakes_lists_each_with_its_line(tmp_path) -> None:
    from parindex.servicedata import load_mapping

    mapping = tmp_path / "bad.yaml"
    mapping.write_text(
        "name: bad\ncolumns:\n  dossier_code: Mã\n  unit: Đơn vị\ntimezone: Mars/Base\n"
        "values:\n  status:\n    closed: ['9']\n",
        encoding="utf-8",
    )
    with pytest.raises(ServiceDataError) as raised:
        load_mapping(mapping)
    messages = [str(problem) for problem in raised.value.problems]
    assert any("dòng 4" in m and "trường «unit» không có" in m for m in messages)
    assert any("dòng 5" in m and "Mars/Base" in m for m in messages)
    assert any("dòng 8" in m and "giá trị chuẩn «closed» không có" in m for m in messages)
    assert any("thiếu cột cho trường bắt buộc «received_at»" in m for m in messages)


def test_a_file_read_again_after_the_unit_list_changed_is_imported_again(
    tmp_path, calendar
) -> None:
    from parindex.servicedata import import_dossiers, load_reference, resolve_mapping

    from .helpers import PROCEDURES_CSV, UNITS_CSV

    units, procedures = tmp_path / "units.csv", tmp_path / "procedures.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    procedures.write_text(PROCEDURES_CSV, encoding="utf-8")
    store = Store(tmp_path / "store")
    path = write_generic(
        tmp_path / "export.csv",
        [
            dossier("A1", "U1", "P1", "2025-03-03 09:00"),
            dossier("A2", "U4", "P1", "2025-03-03 09:00"),
        ],
    )

    def run():
        return import_dossiers(
            path, resolve_mapping("generic"), store=store,
            reference=load_reference(units, procedures), calendar=calendar,
        )  # fmt: skip

    assert (run().rejected, run().already_imported) == (1, True)
    units.write_text(UNITS_CSV + "U4,Xã Bốn,Nhóm B\n", encoding="utf-8")
    again = run()
    assert (again.already_imported, again.imported, again.superseded_earlier) == (False, 2, 1)
    assert stored(store, "unit_code") == [("A1", "U1"), ("A2", "U4")]
