"""Every indicator on the hand-computed fixture of helpers.FIXTURE_ROWS (range 01/03–30/04/2025)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from parindex.servicedata import DossierSource, IndicatorRequest, IndicatorTable, compute_indicators

D = Decimal
START, END = date(2025, 3, 1), date(2025, 4, 30)


def table(fixture_store, *by: str) -> IndicatorTable:
    store, reference = fixture_store
    source = DossierSource.from_store(store)
    assert source is not None
    return compute_indicators(source, IndicatorRequest(START, END, by), reference=reference)


def row_of(result: IndicatorTable, period: str | None = None, **keys: str):
    rows = [r for r in result.find(**keys) if period is None or r.period.code == period]
    assert len(rows) == 1, rows
    return rows[0]


def test_unit_one_in_march_matches_the_hand_count(fixture_store) -> None:
    row = row_of(table(fixture_store, "unit", "month"), "2025-03", unit_code="U1")
    assert row.keys == {"unit_code": "U1", "unit_name": "Sở Một", "unit_group": "Nhóm A"}
    counts = row.counts
    # Received D1–D5; handled D1, D2, D3, D5; D4 still open (deadline 01/04: not yet overdue).
    assert (counts["received"], counts["handled"], counts["processing"], counts["overdue"]) == (
        5,
        4,
        1,
        0,
    )
    # D2 finished at the exact deadline minute (on time); D3 one minute late; only D1 early.
    assert (counts["on_time"], counts["early"], counts["late"], counts["carried_over"]) == (
        3,
        1,
        1,
        0,
    )
    rates = row.rates
    assert rates["on_time_rate"] == D("75.00")  # 3 / 4
    assert rates["timeliness_766"] == D("80.00")  # (3 on time + 1 within deadline) / (4 + 1)
    assert rates["online_rate"] == D("75.00")  # D1, D3, D5 online of 4 offered online (D4: P3 not)
    assert rates["fully_online_rate"] == D("66.67")  # D1, D3 of D1–D3 (P1 fully online)
    assert rates["online_submission_share"] == D("60.00")  # 3 of 5 received
    assert rates["online_payment_rate"] == D("50.00")  # D1, D3 paid of D1–D4 with a fee
    assert rates["digitisation_rate"] == D("80.00")  # D1, D3, D4, D5
    assert rates["e_result_rate"] == D("50.00")  # D1, D3 of results D1, D2, D3, D5
    assert rates["satisfaction_rate"] == D("66.67")  # D1, D5 satisfied of 3 rated
    assert rates["satisfaction_766"] == D("75.00")  # D3 dissatisfied and late: (4 − 1) / 4
    assert rates["same_day_rate"] == D("100.00")  # D5, "không chờ", finished the same day
    assert rates["eid_level2_rate"] == D("50.00")  # D1 of D1, D3 (D5 has no identity data)


def test_a_dossier_still_open_becomes_overdue_in_the_month_its_deadline_passes(
    fixture_store,
) -> None:
    row = row_of(table(fixture_store, "unit", "month"), "2025-04", unit_code="U1")
    assert (row.counts["received"], row.counts["handled"]) == (0, 0)
    assert (row.counts["carried_over"], row.counts["processing"], row.counts["overdue"]) == (
        1,
        1,
        1,
    )
    assert row.rates["on_time_rate"] is None  # nothing handled
    assert row.rates["timeliness_766"] == D("0.00")  # the one open dossier is overdue
    assert row.rates["online_rate"] is None  # nothing received


def test_unit_two_counts_a_late_no_wait_dossier_and_a_withdrawal(fixture_store) -> None:
    result = table(fixture_store, "unit", "month")
    march = row_of(result, "2025-03", unit_code="U2")
    assert (march.counts["received"], march.counts["handled"], march.counts["late"]) == (2, 1, 1)
    assert march.counts["complaints"] == 1
    assert march.rates["timeliness_766"] == D("50.00")  # D7 open within deadline, D6 late
    assert march.rates["same_day_rate"] == D("0.00")  # D6 finished the next morning
    assert march.rates["satisfaction_766"] == D("0.00")  # D6 complained and late
    assert march.rates["satisfaction_rate"] is None  # nobody rated
    assert march.rates["online_payment_rate"] == D("0.00")
    april = row_of(result, "2025-04", unit_code="U2")
    # D7 withdrawn on its deadline day: it closes in April and leaves the backlog, but a
    # withdrawal is the applicant's act: not handled, neither on time nor late, not a result.
    assert (april.counts["closed"], april.counts["withdrawn"], april.counts["handled"]) == (1, 1, 0)
    assert (april.counts["on_time"], april.counts["late"], april.counts["processing"]) == (0, 0, 0)
    assert april.counts["with_result"] == 0
    assert april.rates["timeliness_766"] is None  # nothing handled, nothing open


def test_dossiers_received_before_the_range_are_carried_over(fixture_store) -> None:
    result = table(fixture_store, "unit", "month")
    march = row_of(result, "2025-03", unit_code="U3")
    # D8 and D9 were received in February; D8 is handled (late) in March, D9 stays open, overdue.
    assert (march.counts["received"], march.counts["carried_over"]) == (0, 2)
    assert (march.counts["handled"], march.counts["late"]) == (1, 1)
    assert (march.counts["processing"], march.counts["overdue"]) == (1, 1)
    april = row_of(result, "2025-04", unit_code="U3")
    # D10 finishes in May, after the range: open and overdue at the end of April.
    assert (april.counts["received"], april.counts["handled"]) == (1, 0)
    assert (april.counts["processing"], april.counts["overdue"]) == (2, 2)


def test_dossiers_entirely_outside_the_range_are_not_counted(fixture_store) -> None:
    result = table(fixture_store, "unit", "month")
    assert sum(row.counts["received"] for row in result.rows) == 8  # D1–D7 and D10
    assert sum(row.counts["handled"] for row in result.rows) == 6  # D1–D3, D5, D6, D8
    assert sum(row.counts["withdrawn"] for row in result.rows) == 1  # D7
    assert sum(row.counts["refused"] for row in result.rows) == 1  # D8, dated: also handled
    assert {(row.keys["unit_code"], row.period.code) for row in result.rows} == {
        ("U1", "2025-03"), ("U1", "2025-04"), ("U2", "2025-03"), ("U2", "2025-04"),
        ("U3", "2025-03"), ("U3", "2025-04"),
    }  # fmt: skip


def test_the_province_over_the_whole_range(fixture_store) -> None:
    row = row_of(table(fixture_store, "province"))
    assert row.keys == {"province": "Toàn tỉnh"}
    assert row.period.label == "01/03/2025–30/04/2025"
    counts = row.counts
    assert (counts["carried_over"], counts["received"], counts["handled"]) == (2, 8, 6)
    assert (counts["withdrawn"], counts["refused"], counts["closed"]) == (1, 1, 7)
    assert (counts["on_time"], counts["late"], counts["processing"], counts["overdue"]) == (
        3,
        3,
        3,
        3,
    )
    assert row.rates["on_time_rate"] == D("50.00")  # 3 / 6: D7's withdrawal is not counted
    assert row.rates["timeliness_766"] == D("33.33")  # (3 + 0) / (6 + 3)


def test_groups_add_up_their_units(fixture_store) -> None:
    result = table(fixture_store, "group", "quarter")
    assert [(r.keys["unit_group"], r.period.code) for r in result.rows] == [
        ("Nhóm A", "2025-Q1"), ("Nhóm A", "2025-Q2"), ("Nhóm B", "2025-Q1"), ("Nhóm B", "2025-Q2"),
    ]  # fmt: skip
    group_a_march = row_of(result, "2025-Q1", unit_group="Nhóm A")
    assert (group_a_march.counts["received"], group_a_march.counts["handled"]) == (7, 5)
    assert (group_a_march.counts["processing"], group_a_march.counts["on_time"]) == (2, 3)


def test_per_procedure_rows_split_a_unit(fixture_store) -> None:
    result = table(fixture_store, "unit", "procedure")
    pairs = {(r.keys["unit_code"], r.keys["procedure_code"]): r for r in result.rows}
    assert set(pairs) == {("U1", "P1"), ("U1", "P2"), ("U1", "P3"), ("U2", "P1"), ("U2", "P2"),
                          ("U3", "P1"), ("U3", "P3")}  # fmt: skip
    assert pairs[("U1", "P1")].keys["procedure_name"] == "Cấp giấy phép A"
    assert (pairs[("U3", "P3")].counts["late"], pairs[("U3", "P3")].counts["overdue"]) == (1, 1)


def test_canonical_csv_and_parquet_files_give_the_store_s_figures(fixture_store, tmp_path) -> None:
    store, reference = fixture_store
    relation = store.active_records_sql("dossiers")
    parquet, csv = tmp_path / "all.parquet", tmp_path / "all.csv"
    duckdb.sql(f"COPY (SELECT * FROM {relation}) TO '{parquet}' (FORMAT parquet)")
    duckdb.sql(f"COPY (SELECT * FROM {relation}) TO '{csv}' (HEADER)")
    request = IndicatorRequest(START, END, ("unit", "month"))
    expected = [(r.keys, r.period, r.counts) for r in table(fixture_store, "unit", "month").rows]
    for source in (DossierSource.from_parquet([parquet]), DossierSource.from_csv([csv])):
        rows = compute_indicators(source, request, reference=reference).rows
        assert [(r.keys, r.period, r.counts) for r in rows] == expected


def test_the_query_is_kept_for_provenance(fixture_store) -> None:
    result = table(fixture_store, "unit", "month")
    assert len(result.sql) == 2
    assert "FROM dossiers" in result.sql[0]
    assert result.batches
    assert result.batches[0].startswith("000001-")


@pytest.mark.parametrize(
    ("by", "message"),
    [(("town",), "không nhóm theo được «town»"), (("month", "year"), "chỉ chọn một")],
)
def test_an_unknown_or_double_grouping_is_refused(by, message) -> None:
    with pytest.raises(ValueError, match=message):
        IndicatorRequest(START, END, by)


def test_the_indicator_sql_keeps_to_portable_standard_sql(fixture_store) -> None:
    """docs/scaling.md: the same statements run on other engines; no DuckDB-only syntax."""
    result = table(fixture_store, "group", "unit", "procedure", "quarter")
    duckdb_only = ("read_parquet", "read_csv", "EXCLUDE", "QUALIFY", "count_if", "::", "list_",
                   "GROUP BY ALL", "strftime", "date_trunc", "FILTER (")  # fmt: skip
    for statement in result.sql:
        select = statement.split(" AS\n", 1)[-1] if statement.startswith("CREATE") else statement
        assert not [token for token in duckdb_only if token in select], select


def test_a_dossier_finished_at_the_exact_deadline_minute_is_on_time(
    tmp_path, store, import_file, reference
) -> None:
    from .helpers import dossier, write_generic

    path = write_generic(
        tmp_path / "edge.csv",
        [
            dossier("E1", "U1", "P1", "2025-03-10 09:00", deadline_at="2025-03-12 17:00",
                    finished_at="2025-03-12 17:00", status="finished"),
            dossier("E2", "U1", "P1", "2025-03-10 09:00", deadline_at="2025-03-12 17:00",
                    finished_at="2025-03-12 17:01", status="finished"),
        ],
    )  # fmt: skip
    import_file(path)
    source = DossierSource.from_store(store)
    assert source is not None
    request = IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",))
    [row] = compute_indicators(source, request, reference=reference).rows
    assert (row.counts["on_time"], row.counts["late"], row.counts["early"]) == (1, 1, 0)
