"""ODK Central exports (CSV with `-`, `/` or no group paths; ZIP with repeat tables) and
edited submissions: an edit replaces its stored version, never adds a second response."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parindex.surveys.errors import ResponseFileError
from parindex.surveys.responses import (
    INSTANCE,
    SOURCE,
    SUBMITTED,
    UNIT,
    UUID,
    anonymise,
    parse_responses,
    read_response_file,
    rows_to_raw,
    source_hash,
)
from parindex.surveys.store import SurveyStore
from parindex.surveys.xlsform import write_xlsform

from .central import Submission, household_form, write_csv, write_zip
from .helpers import SALT

FIRST = [Submission("uuid:k1", "U1", "345"), Submission("uuid:k2", "U2", "111")]


@pytest.mark.parametrize("separator", ["-", "/", None])
def test_a_central_csv_is_imported_with_any_group_path_separator(
    tmp_path: Path, separator: str | None
) -> None:
    path = write_csv(tmp_path / "ho_gia_dinh.csv", FIRST, separator)
    result = parse_responses(household_form(), read_response_file(path), salt=SALT)
    assert (result.read, result.imported, result.rejected) == (2, 2, [])
    table = result.table
    assert table.column(UNIT).to_pylist() == ["U1", "U2"]
    assert table.column("q2").to_pylist() == ["4", "1"]
    assert table.column("tong").to_pylist() == ["4", "4"]  # a calculate row's value is kept
    assert table.column(UUID).to_pylist() == ["k1", "k2"]  # KEY, without "uuid:"
    assert table.column(SOURCE).to_pylist()[0] == source_hash(SALT, "collect:abc")
    assert str(table.column(SUBMITTED)[0].as_py()) == "2025-03-01 01:13:05.123000+00:00"
    # Central's system columns are not form fields: dropped, named in the report.
    assert {"SubmitterName", "ReviewState", "Edits"} <= set(result.ignored_columns)
    assert "KEY" not in result.ignored_columns


def test_an_edited_submission_replaces_its_stored_version(tmp_path: Path) -> None:
    form_path = tmp_path / "ho_gia_dinh.xlsx"
    write_xlsform(household_form(), form_path)
    store = SurveyStore(tmp_path / "store")
    first = store.import_responses(form_path, write_csv(tmp_path / "a.csv", FIRST))
    assert first.result is not None
    assert first.result.imported == 2
    original_id = store.form_data()[0].response_ids.to_pylist()[0]

    # Central re-export: k1 edited (same KEY, new instanceID), k3 new.
    edited = [
        Submission("uuid:k1", "U1", "555", instance="uuid:k1-v2", edits=1),
        FIRST[1],
        Submission("uuid:k3", "U2", "222"),
    ]
    second = store.import_responses(form_path, write_csv(tmp_path / "b.csv", edited))
    result = second.result
    assert result is not None
    assert (result.read, result.imported, result.replaced, result.already_present) == (3, 1, 1, 1)
    assert result.reconciles
    [replacement] = result.replacements
    assert replacement.response_id == original_id  # decisions about it still apply
    assert (replacement.submission_id, replacement.previous_instance) == ("k1", "k1")
    assert replacement.instance == "k1-v2"
    assert store.replacements("ho_gia_dinh") == [replacement]

    data = store.form_data()[0]
    assert data.size == 3  # never a second response for k1
    table = store.table(household_form())
    by_key = dict(zip(table.column(UUID).to_pylist(), table.column("q1").to_pylist(), strict=True))
    assert by_key == {"k1": "5", "k2": "1", "k3": "2"}
    assert table.column(INSTANCE).to_pylist().count("k1-v2") == 1

    # The same export again, in another file (another order): nothing changes.
    again = store.import_responses(form_path, write_csv(tmp_path / "c.csv", edited[::-1]))
    assert again.result is not None
    assert (again.result.imported, again.result.replaced, again.result.already_present) == (
        0,
        0,
        3,
    )
    assert store.form_data()[0].size == 3
    assert store.counts() == {("U1", "nguoi_dan"): (1, 1), ("U2", "nguoi_dan"): (2, 2)}


def test_an_edit_naming_its_deprecated_version_replaces_it_without_a_key() -> None:
    """KoboToolbox gives an edit a new `_uuid` and names the old one in meta/deprecatedID."""
    form = household_form()
    base = {"info/unit": "U1", "dich_vu/q1": "1", "dich_vu/q2": "1", "dich_vu/q3": "1"}
    stored = parse_responses(form, rows_to_raw([{**base, "_uuid": "a"}]), salt=SALT)
    edit = {**base, "dich_vu/q1": "5", "_uuid": "b", "meta/deprecatedID": "uuid:a"}
    result = parse_responses(form, rows_to_raw([edit]), salt=SALT, known_versions={"a": "a"})
    assert result.replaced == 1
    assert result.imported == 0
    assert result.table.column(UUID).to_pylist() == ["a"]
    assert (
        result.table.column("_response_id").to_pylist()
        == stored.table.column("_response_id").to_pylist()
    )
    # In one file, the older version is superseded by the edit that follows it.
    both = parse_responses(form, rows_to_raw([{**base, "_uuid": "a"}, edit]), salt=SALT)
    assert (both.imported, both.superseded, both.table.column("q1").to_pylist()) == (1, 1, ["5"])
    assert both.reconciles


def test_a_central_zip_brings_its_repeat_tables_stored_as_json_and_exported(
    tmp_path: Path,
) -> None:
    submissions = [
        Submission("uuid:k1", members=[("An", "40", ["Bé Na", "Bé Ti"]), ("Bình", "38", [])]),
        Submission("uuid:k2", "U2", "222"),
    ]
    path = write_zip(tmp_path / "ho_gia_dinh.csv.zip", submissions)
    raw = read_response_file(path)
    assert set(raw.repeats) == {"ho", "con"}
    form = household_form()
    result = parse_responses(form, raw, salt=SALT)
    assert result.imported == 2
    assert not result.notes
    members = json.loads(result.table.column("ho")[0].as_py())
    assert members == [
        {"ten": "An", "tuoi": "40", "con": [{"ten_con": "Bé Na"}, {"ten_con": "Bé Ti"}]},
        {"ten": "Bình", "tuoi": "38"},
    ]
    assert result.table.column("ho")[1].as_py() is None
    exported = anonymise(form, result.table).to_pylist()[0]
    assert json.loads(exported["ho"]) == [{"tuoi": "40", "con": [{}, {}]}, {"tuoi": "38"}]


def test_a_bad_repeat_answer_rejects_its_response(tmp_path: Path) -> None:
    submissions = [Submission("uuid:k1", members=[("An", "bốn mươi", [])]), Submission("uuid:k2")]
    path = write_zip(tmp_path / "ho_gia_dinh.zip", submissions)
    result = parse_responses(household_form(), read_response_file(path), salt=SALT)
    assert result.imported == 1
    [rejected] = result.rejected
    assert rejected.row == 2
    assert rejected.problems == (
        f"{path}!ho_gia_dinh-ho.csv:2: cột «tuoi»: «bốn mươi» không phải là số nguyên",
    )


def test_a_zip_with_a_foreign_csv_is_refused_at_the_file(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ho_gia_dinh.csv", "SubmissionDate,KEY\n")
        archive.writestr("khac.csv", "a\n")
    with pytest.raises(ResponseFileError) as caught:
        read_response_file(path)
    assert str(caught.value.problems[0]).startswith(f"{path}!khac.csv: không phải bảng")


def test_a_bare_name_used_in_two_groups_needs_group_paths() -> None:
    from dataclasses import replace

    from parindex.surveys.xlsform import Question

    form = household_form()
    twice = (
        *form.questions[:-1],
        Question("begin_group", "khac", {"": "Khác"}),
        Question("select_one likert", "q1", {"": "Lặp"}, node="S1"),
        Question("end_group", ""),
    )
    form = replace(form, questions=twice)
    assert [q.name for q in form.scored_questions] == ["dich_vu/q1", "q2", "q3", "khac/q1"]
    row = {
        "info/unit": "U1",
        "dich_vu/q1": "5",
        "khac/q1": "1",
        "dich_vu/q2": "3",
        "dich_vu/q3": "3",
    }
    result = parse_responses(form, rows_to_raw([row]), salt=SALT)
    assert result.table.column("dich_vu/q1").to_pylist() == ["5"]
    assert result.table.column("khac/q1").to_pylist() == ["1"]
    bare = {"unit": "U1", "q1": "5", "q2": "3", "q3": "3"}
    with pytest.raises(ResponseFileError) as caught:
        parse_responses(form, rows_to_raw([bare]), salt=SALT)
    assert "ứng với nhiều câu hỏi" in str(caught.value)


def test_a_kobo_xlsx_brings_its_repeat_sheets(tmp_path: Path) -> None:
    """KoboToolbox's XLSX export: the main sheet, then a sheet per repeat group whose rows
    point to their parent's `_index` (`_parent_index`, `_parent_table_name`)."""
    import openpyxl

    book = openpyxl.Workbook()
    main = book.active
    assert main is not None
    main.title = "ho_gia_dinh"
    main.append(["info/unit", "dich_vu/q1", "dich_vu/q2", "dich_vu/q3", "_uuid", "_index"])
    main.append(["U1", "5", "4", "3", "a1", 1])
    main.append(["U2", "1", "1", "1", "a2", 2])
    members = book.create_sheet("ho")
    members.append(["ho/ten", "ho/tuoi", "_index", "_parent_table_name", "_parent_index"])
    members.append(["An", "40", 1, "ho_gia_dinh", 2])
    members.append(["Bình", "12", 2, "ho_gia_dinh", 2])
    children = book.create_sheet("con")
    children.append(["ho/con/ten_con", "_index", "_parent_table_name", "_parent_index"])
    children.append(["Bé", 1, "ho", 2])
    book.save(tmp_path / "kobo.xlsx")
    result = parse_responses(
        household_form(), read_response_file(tmp_path / "kobo.xlsx"), salt=SALT
    )
    assert result.imported == 2
    assert not result.notes
    assert result.table.column("ho")[0].as_py() is None
    assert json.loads(result.table.column("ho")[1].as_py()) == [
        {"ten": "An", "tuoi": "40"},
        {"ten": "Bình", "tuoi": "12", "con": [{"ten_con": "Bé"}]},
    ]
