from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    ServiceDataError,
    active_feed_rows,
    attach_feeds,
    compute_indicators,
    import_feed,
)

D = Decimal


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_feed_file_is_checked_row_by_row_and_reconciles(tmp_path, store, reference) -> None:
    path = write(
        tmp_path / "feeds.csv",
        "unit,indicator,period,numerator,denominator,value\n"
        "U1,pakn_dung_han,2025-03,9,10,\n"
        "Sở Hai,tiep_cong_dan,03/2025,,,4\n"
        "U9,pakn_dung_han,2025-03,1,2,\n"
        "U1,no_such,2025-03,1,2,\n"
        "U1,pakn_dung_han,2025-13,1,2,\n"
        "U1,pakn_dung_han,2025-04,5,3,\n"
        "U1,pakn_dung_han,2025-04,5,,\n"
        "U1,tiep_cong_dan,2025-04,,,\n",
    )
    result = import_feed(path, store=store, reference=reference)
    assert (result.read, result.imported, result.rejected) == (8, 2, 6)
    reasons = {row.location.rsplit(", ", 1)[1]: row.reasons for row in result.first_rejected}
    assert reasons["dòng 4"] == "cột «unit»: đơn vị «U9» không có trong danh sách đơn vị"
    assert reasons["dòng 5"] == "cột «indicator»: chỉ số «no_such» không có trong danh mục"
    assert reasons["dòng 6"].startswith("cột «period»: kỳ «2025-13» không đọc được")
    assert reasons["dòng 7"] == "tử số 5 lớn hơn mẫu số 3"
    assert reasons["dòng 8"] == "cần cả tử số (numerator) và mẫu số (denominator)"
    assert reasons["dòng 9"] == "chỉ số đếm cần cột «value»"
    assert import_feed(path, store=store, reference=reference).already_imported


def test_a_later_feed_row_or_file_wins_and_is_counted(tmp_path, store, reference) -> None:
    first = write(
        tmp_path / "a.csv",
        "unit,indicator,period,numerator,denominator\nU1,pakn_dung_han,2025-03,1,10\n"
        "U1,pakn_dung_han,2025-03,2,10\n",
    )
    assert import_feed(first, store=store, reference=reference).superseded_in_file == 1
    second = write(
        tmp_path / "b.csv",
        "unit,indicator,period,numerator,denominator\nU1,pakn_dung_han,2025-03,7,10\n",
    )
    assert import_feed(second, store=store, reference=reference).superseded_earlier == 1
    rows = active_feed_rows(store)
    assert [(r["unit_code"], r["numerator"]) for r in rows] == [("U1", D("7.0000"))]


def test_a_file_without_the_key_columns_is_refused(tmp_path, store, reference) -> None:
    path = write(tmp_path / "bad.csv", "đơn vị,chỉ số\nU1,x\n")
    with pytest.raises(ServiceDataError, match="dòng 1: thiếu cột unit, indicator, period"):
        import_feed(path, store=store, reference=reference)
    assert store.batches() == []


def test_feeds_join_the_indicator_rows_of_the_periods_that_contain_them(
    tmp_path, fixture_store
) -> None:
    dossier_store, reference = fixture_store
    from parindex.servicedata import Store

    feed_store = Store(tmp_path / "feeds")
    path = write(
        tmp_path / "feeds.csv",
        "unit,indicator,period,numerator,denominator,value\n"
        "U1,pakn_dung_han,2025-03,9,10,\n"
        "U2,pakn_dung_han,2025-04,1,2,\n"
        "U1,tiep_cong_dan,2025-03,,,4\n"
        "U1,tiep_cong_dan,2025-04,,,3\n"
        "U1,ke_hoach_hoan_thanh,2025-Q1,,,80\n"
        "U3,ho_so_dong_bo,2025-03,,,70\n"
        "U2,ho_so_dong_bo,2025-03,,,90\n",
    )
    import_feed(path, store=feed_store, reference=reference)
    rows = active_feed_rows(feed_store)
    source = DossierSource.from_store(dossier_store)
    assert source is not None

    by_unit = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 4, 30), ("unit",)),
        reference=reference,
    )
    notes = attach_feeds(by_unit, rows, reference)
    assert notes == [
        "1 dòng số liệu khác có kỳ không nằm trọn trong một kỳ của bảng (ví dụ số liệu cả năm "
        "trong bảng theo tháng): không gắn vào bảng."
    ]  # the first quarter overlaps March–April without lying inside it
    unit_one = by_unit.find(unit_code="U1")[0].feeds
    assert unit_one["tiep_cong_dan"].value == D(7)  # March + April
    assert unit_one["pakn_dung_han"].rate == D("90.00")
    assert "ke_hoach_hoan_thanh" not in unit_one  # the first quarter is not inside the range

    by_group = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("group",)),
        reference=reference,
    )
    notes = attach_feeds(by_group, rows, reference)
    group_a = by_group.find(unit_group="Nhóm A")[0].feeds
    assert group_a["pakn_dung_han"].rate == D("90.00")  # U2's April row is outside March
    assert group_a["ho_so_dong_bo"].value == D(90)  # one percentage alone is kept
    group_b = by_group.find(unit_group="Nhóm B")[0].feeds
    assert group_b["ho_so_dong_bo"].value == D(70)
    assert len(notes) == 1  # again the first-quarter row


def test_two_bare_percentages_are_not_averaged(tmp_path, fixture_store) -> None:
    dossier_store, reference = fixture_store
    from parindex.servicedata import Store

    feed_store = Store(tmp_path / "feeds")
    path = write(
        tmp_path / "feeds.csv",
        "unit,indicator,period,value\nU1,ho_so_dong_bo,2025-03,70\nU2,ho_so_dong_bo,2025-03,90\n",
    )
    import_feed(path, store=feed_store, reference=reference)
    source = DossierSource.from_store(dossier_store)
    assert source is not None
    province = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("province",)),
        reference=reference,
    )
    notes = attach_feeds(province, active_feed_rows(feed_store), reference)
    assert "ho_so_dong_bo" not in province.rows[0].feeds
    assert len(notes) == 1
    assert "không cộng được" in notes[0]
