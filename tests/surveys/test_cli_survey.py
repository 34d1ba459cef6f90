"""`parindex survey …` through typer's CliRunner, on the shipped example and a small framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.cli import survey as survey_cli

from .helpers import small_framework

DATA = Path(__file__).parents[2] / "parindex" / "data" / "surveys"
FORM = DATA / "example_satisfaction_form.xlsx"
RESPONSES = DATA / "example_responses_synthetic.csv"
COMMUNES = (
    Path(__file__).parents[2]
    / "parindex"
    / "data"
    / "frameworks"
    / "example_province_communes_2025.yaml"
)

runner = CliRunner()


def test_validate_accepts_the_example_and_exits_1_with_located_errors(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["survey", "validate", str(FORM)])
    assert ok.exit_code == 0, ok.output
    assert "Hợp lệ" in ok.output
    assert "20 câu chấm điểm cho 2 tiêu chí (13, 28)" in ok.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    bad = runner.invoke(app, ["survey", "validate", str(broken)])
    assert bad.exit_code == 1
    assert f"{broken}: không đọc được tệp Excel" in bad.output


def test_import_then_results_exclude_and_reinstate(tmp_path: Path) -> None:
    store = tmp_path / "store"
    imported = runner.invoke(
        app, ["survey", "import", str(FORM), str(RESPONSES), "--store", str(store)]
    )
    assert imported.exit_code == 0, imported.output
    assert "Đọc 972 dòng = nhập 972 + đã có trong kho 0 + từ chối 0" in imported.output
    assert "Bỏ qua 2 cột không thuộc biểu mẫu (không lưu): _id, _index" in imported.output
    assert "[too_fast]" in imported.output

    again = runner.invoke(
        app, ["survey", "import", str(FORM), str(RESPONSES), "--store", str(store)]
    )
    assert "đã được nhập" in again.output
    assert "không thay đổi gì" in again.output

    rates = runner.invoke(app, ["survey", "results", "--store", str(store), "--format", "json"])
    assert rates.exit_code == 0, rates.output
    payload = json.loads(rates.output)
    assert payload["nodes"] == ["13", "28"]
    assert len(payload["units"]) == 80
    assert payload["units"][0]["points"] is None  # no framework: rates only

    flagged = runner.invoke(app, ["survey", "flags", "--store", str(store), "--rule", "too_fast"])
    assert flagged.exit_code == 0
    response_id = next(word for word in flagged.output.split() if word.startswith("R"))
    reinstated = runner.invoke(
        app,
        [
            "survey",
            "reinstate",
            response_id,
            "--reason",
            "Đã gọi điện xác minh",
            "--actor",
            "tđ1",
            "--store",
            str(store),
        ],
    )
    assert reinstated.exit_code == 0, reinstated.output
    assert f"Đã khôi phục phiếu {response_id} (tđ1" in reinstated.output
    twice = runner.invoke(
        app, ["survey", "reinstate", response_id, "--reason", "x", "--store", str(store)]
    )
    assert twice.exit_code == 1
    excluded = runner.invoke(
        app, ["survey", "exclude", response_id, "--reason", "Sai đơn vị", "--store", str(store)]
    )
    assert excluded.exit_code == 0
    assert len((store / "audit.jsonl").read_text().splitlines()) == 2


def test_results_with_a_framework_give_points_in_json_and_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    runner.invoke(app, ["survey", "import", str(FORM), str(RESPONSES), "--store", str(store)])
    if not COMMUNES.exists():
        pytest.skip("the example commune framework is not there")
    framework_args = ["--framework", str(COMMUNES)]
    result = runner.invoke(
        app, ["survey", "results", "--store", str(store), "--format", "json", *framework_args]
    )
    assert result.exit_code == 0, result.output
    unit = json.loads(result.output)["units"][0]
    assert unit["rank"] == 1
    assert unit["points"] is not None
    assert unit["interval"][0] <= unit["points"] <= unit["interval"][1]
    output = tmp_path / "kq.xlsx"
    written = runner.invoke(
        app,
        [
            "survey",
            "results",
            "--store",
            str(store),
            "--format",
            "xlsx",
            "--output",
            str(output),
            *framework_args,
        ],
    )
    assert written.exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(output)["Đơn vị"]
    assert sheet["A1"].value == "Hạng"
    assert sheet["A2"].value == 1


def test_a_form_mapped_to_unknown_nodes_is_refused_by_the_framework_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(survey_cli, "_load_framework", lambda path: small_framework())
    result = runner.invoke(app, ["survey", "validate", str(FORM), "--framework", "any.yaml"])
    assert result.exit_code == 1
    assert f"{FORM}!survey!G12: tiêu chí «13» không có trong bộ tiêu chí" in result.output


def test_progress_and_the_anonymised_export(tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner.invoke(app, ["survey", "import", str(FORM), str(RESPONSES), "--store", str(store)])
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "unit,respondent_group,target,population\nX001,nguoi_dan,10,12\nX002,doanh_nghiep,5,\n"
    )
    shown = runner.invoke(app, ["survey", "progress", "--plan", str(plan), "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert "X001" in shown.output
    assert "Sai số" in shown.output
    exported = tmp_path / "an_danh.csv"
    done = runner.invoke(app, ["survey", "export", str(exported), "--store", str(store)])
    assert done.exit_code == 0
    header = exported.read_text().splitlines()[0]
    assert "lien_he" not in header
    assert "_uuid" not in header
    assert "deviceid" not in header


def test_a_central_zip_import_reports_edits_and_exports_repeats(tmp_path: Path) -> None:
    from parindex.surveys.xlsform import write_xlsform

    from .central import Submission, household_form, write_zip

    form = tmp_path / "ho_gia_dinh.xlsx"
    write_xlsform(household_form(), form)
    store = tmp_path / "store"
    first = [Submission("uuid:k1", members=[("An", "40", [])]), Submission("uuid:k2", "U2")]
    done = runner.invoke(
        app,
        [
            "survey",
            "import",
            str(form),
            str(write_zip(tmp_path / "a.zip", first)),
            "--store",
            str(store),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Đọc 2 dòng = nhập 2 + đã có trong kho 0 + từ chối 0" in done.output
    edited = [Submission("uuid:k1", "U1", "111", instance="uuid:k1-b", edits=1), first[1]]
    again = runner.invoke(
        app,
        [
            "survey",
            "import",
            str(form),
            str(write_zip(tmp_path / "b.zip", edited)),
            "--store",
            str(store),
        ],
    )
    assert again.exit_code == 0, again.output
    assert "nhập 0 + bản sửa thay bản cũ 1 + đã có trong kho 1 + từ chối 0" in again.output
    assert "(mã k1) được sửa: bản k1-b thay bản k1" in again.output
    exported = tmp_path / "an_danh.csv"
    assert (
        runner.invoke(app, ["survey", "export", str(exported), "--store", str(store)]).exit_code
        == 0
    )
    text = exported.read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith('"ho"')  # the repeat group's column (JSON)
    assert "An" not in text  # member names are personal


def test_validate_names_unsupported_features(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "vong.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for values in (
        ["type", "name", "label"],
        ["text", "don_vi", "Mã"],
        ["begin loop over muc", "vong", "Vòng"],
        ["end loop", None, None],
    ):
        sheet.append(values)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["muc", "a", "A"])
    settings = book.create_sheet("settings")
    settings.append(["unit_field", "respondent_group"])
    settings.append(["don_vi", "dan"])
    book.save(path)
    result = runner.invoke(app, ["survey", "validate", str(path)])
    assert result.exit_code == 1
    assert "có 1 lỗi (1 tính năng chưa được hỗ trợ)" in result.output
    assert f"{path}!survey!A3: vòng lặp (loop" in result.output
