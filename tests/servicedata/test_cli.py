from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parindex.cli import app
from parindex.servicedata.reference import data_path

SAMPLES = data_path("samples")


def invoker(data_dir: Path):
    runner = CliRunner()

    def invoke(*args: str, columns: int = 250):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PARINDEX_DATA_DIR", str(data_dir))
            patch.setenv("COLUMNS", str(columns))
            return runner.invoke(app, ["dossiers", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def run(tmp_path: Path):
    """A CLI on an empty store of its own."""
    return invoker(tmp_path / "data")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """One import of the vendor-style sample, shared by the read-only commands."""
    invoke = invoker(tmp_path_factory.mktemp("cli") / "data")
    result = invoke(
        "import", str(SAMPLES / "dossiers_2025_vendor_style.csv"), "--mapping", "vendor_vnpt_style"
    )
    assert result.exit_code == 0, result.output
    return invoke, result


def test_import_prints_the_reconciliation_and_the_first_rejected_rows(imported) -> None:
    output = imported[1].output
    assert "Đọc 304 dòng = nhập 301 + loại 3" in output
    assert "Trùng mã trong tệp: 1 bản ghi" in output
    assert "dossiers_2025_vendor_style.csv, dòng 302 (hồ sơ HS20250100000001)" in output
    assert "đơn vị «KHONG-CO» không có trong danh sách đơn vị" in output


def test_a_second_import_of_the_same_file_says_so(imported) -> None:
    run = imported[0]
    again = run(
        "import", str(SAMPLES / "dossiers_2025_vendor_style.csv"), "--mapping", "vendor_vnpt_style"
    )
    assert again.exit_code == 0
    assert "đã được nhập" in again.output
    assert "không thay đổi gì" in again.output


def test_indicators_as_a_table_in_vietnamese(imported) -> None:
    run = imported[0]
    result = run(
        "indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "group,quarter"
    )
    assert result.exit_code == 0, result.output
    assert "Chỉ số phục vụ 01/01/2025–31/12/2025" in result.output
    assert "IV/2025" in result.output
    assert "UBND xã, phường" in result.output
    assert "hạn %" in result.output
    assert "Không chính thức" in result.output


@pytest.mark.parametrize(
    ("by", "columns"),
    [
        ("unit,month", None),
        ("group,unit,procedure,quarter", "all"),
        ("province", "all"),
        ("group,year", "received,withdrawn,refused,digitisation_rate"),
    ],
)
def test_the_table_fits_an_80_column_terminal_and_cuts_nothing(imported, by, columns) -> None:
    run = imported[0]
    arguments = ["indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--by", by]
    if columns:
        arguments += ["--columns", columns]
    result = run(*arguments, columns=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output  # no cell cut short
    if columns == "all":  # too wide for one table: the figures go on below, rows repeated
        assert "(tiếp, 2/" in result.output
    if by == "unit,month":
        assert "Sở Văn hóa, Thể" in result.output  # a long name is wrapped, not cut


def test_an_unknown_column_is_refused(imported) -> None:
    result = imported[0](
        "indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--columns", "nope"
    )
    assert result.exit_code == 2
    assert "không có cột «nope»" in result.output


def test_reference_writes_the_lists_found_in_an_export(run, tmp_path: Path) -> None:
    sample = str(SAMPLES / "dossiers_2025_vendor_statuses.csv")
    result = run(
        "reference", sample, "--mapping", "vendor_vnpt_style", "--output", str(tmp_path / "ds")
    )
    assert result.exit_code == 0, result.output
    assert "Đọc 1.200 dòng: 80 đơn vị, 43 thủ tục" in result.output
    units, procedures = tmp_path / "ds" / "units.csv", tmp_path / "ds" / "procedures.csv"
    assert units.exists()
    assert procedures.exists()
    again = run(
        "reference", sample, "--mapping", "vendor_vnpt_style", "--output", str(tmp_path / "ds")
    )
    assert again.exit_code == 2
    imported = run(
        "import", sample, "--mapping", "vendor_vnpt_style", "--units", str(units),
        "--procedures", str(procedures),
    )  # fmt: skip
    assert "Đọc 1.200 dòng = nhập 1.200 + loại 0" in imported.output
    assert "rút hồ sơ 41, từ chối 40" in imported.output


def test_unknown_codes_are_listed_by_the_import(imported) -> None:
    output = imported[1].output
    assert "Đơn vị chưa có trong danh sách (1" in output
    assert "KHONG-CO: 1 dòng" in output
    assert "TT.KHONG-CO — " in output


def test_indicators_as_json_xlsx_and_parquet_agree(imported, tmp_path: Path) -> None:
    run = imported[0]
    arguments = (
        "indicators",
        "--from",
        "01/01/2025",
        "--to",
        "31/12/2025",
        "--by",
        "group,quarter",
    )
    as_json = run(*arguments, "--format", "json", "--output", str(tmp_path / "out.json"))
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert payload["by"] == ["group", "quarter"]
    assert payload["sql"]
    rows = payload["rows"]
    assert sum(row["received"] for row in rows) == 301 - 1  # the replaced record counts once
    assert (
        run(*arguments, "--format", "xlsx", "--output", str(tmp_path / "out.xlsx")).exit_code == 0
    )
    sheet = load_workbook(tmp_path / "out.xlsx")["Chỉ số"]
    assert sheet.max_row == len(rows) + 1
    assert sheet.cell(1, 1).value == "Nhóm đơn vị"
    assert (
        run(*arguments, "--format", "parquet", "--output", str(tmp_path / "out.parquet")).exit_code
        == 0
    )
    [(received, points)] = duckdb.sql(
        f"SELECT sum(received), sum(points_total) FROM '{tmp_path / 'out.parquet'}'"
    ).fetchall()
    assert received == 300
    assert float(points) == pytest.approx(sum(row["points_total"] for row in rows))


def test_plain_766_points_differ_from_the_unofficial_ones(imported, tmp_path: Path) -> None:
    run = imported[0]
    arguments = ("indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "province")
    run(*arguments, "--format", "json", "--output", str(tmp_path / "a.json"))
    run(*arguments, "--format", "json", "--output", str(tmp_path / "b.json"), "--plain")
    unofficial = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["rows"][0]
    plain = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["rows"][0]
    assert unofficial["points_G2"] == pytest.approx(
        20 * unofficial["timeliness_766"] / 100, abs=0.01
    )
    assert plain["points_G2"] == pytest.approx(20 * plain["on_time_rate"] / 100, abs=0.01)


def test_drilldown_lists_assignable_items(imported) -> None:
    run = imported[0]
    result = run("drilldown", "--from", "2025-01-01", "--to", "2025-12-31", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "Hồ sơ trễ hạn, quá hạn" in result.output
    assert "  1. " in result.output
    assert "  3. " in result.output
    assert "  4. " not in result.output
    assert "hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến" in result.output


def test_feeds_import_and_batches(run) -> None:
    run("import", str(SAMPLES / "dossiers_2025_generic.csv"), "--mapping", "generic")
    feeds = run("feeds", "import", str(SAMPLES / "feeds_2025.csv"))
    assert feeds.exit_code == 0, feeds.output
    assert "Đọc 9 dòng = nhập 8 + loại 1" in feeds.output
    listing = run("batches")
    assert "dossiers_2025_generic.csv" in listing.output
    assert "feeds_2025.csv" in listing.output


def test_bad_input_exits_with_2_and_says_where(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import", str(bad), "--mapping", "generic")
    assert result.exit_code == 2
    assert "thiếu cột «dossier_code»" in result.output
    assert run("import", str(bad), "--mapping", "nope").exit_code == 2
    no_data = run("indicators", "--from", "2025-01-01", "--to", "2025-12-31")
    assert no_data.exit_code == 2
    assert "chưa có hồ sơ nào" in no_data.output
    assert (
        run(
            "indicators", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "xlsx"
        ).exit_code
        == 2
    )


def test_deadline_explains_the_skipped_days(run) -> None:
    result = run("deadline", "--received", "2025-04-29 10:00", "--days", "1")
    assert result.exit_code == 0
    assert "hạn xử lý 05/05/2025 17:00" in result.output
    assert "02/05 (Ngày nghỉ (thay cho ngày 26/04/2025))" in result.output
