"""Compatibility with the XLSForm ecosystem: the public forms of pyxform's test suite
(../shared/data/xlsforms-pyxform/, read-only; not copied into the project).

Each form gets parindex's own settings the way a user would add them before importing (a
text question for the unit code, `unit_field` and `respondent_group` in the settings sheet).
Every form pyxform converts must then be accepted by `validate_xlsform`, or refused only for
features docs/surveys.md lists as unsupported, each at its cell. The tally is printed
(`pytest -s`): accepted / refused as unsupported / refused as invalid.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

from parindex.surveys.responses import parse_responses, rows_to_raw
from parindex.surveys.xlsform import FormCheck, pyxform_problems, validate_xlsform

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "xlsforms-pyxform"
FORMS = sorted(CORPUS.glob("*.xlsx")) if CORPUS.is_dir() else []
UNIT = "ma_don_vi_parindex"
PARINDEX_SETTINGS = {"unit_field": UNIT, "respondent_group": "nguoi_dan"}
LOCATED = r"!(survey|choices|settings)!"

pytestmark = pytest.mark.skipif(
    not FORMS, reason="../shared/data/xlsforms-pyxform is not beside this checkout"
)


def _values(source: Path) -> dict[str, list[list[object]]]:
    """Each sheet's cell values (as pyxform reads them: values, not formulas), in order."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: unknown extensions of some workbooks
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        return _sheet_values(workbook)


def _sheet_values(workbook: openpyxl.Workbook) -> dict[str, list[list[object]]]:
    try:
        sheets = {}
        for worksheet in workbook.worksheets:
            rows, empty = [], 0
            # Some sheets are formatted down to row 1 048 576: stop where pyxform stops.
            for values in worksheet.iter_rows(max_col=300, values_only=True):
                empty = 0 if any(v not in (None, "") for v in values) else empty + 1
                if empty > 60:
                    break
                rows.append(list(values))
            while rows and not any(v not in (None, "") for v in rows[-1]):
                rows.pop()
            width = max(
                (i + 1 for row in rows for i, v in enumerate(row) if v not in (None, "")),
                default=0,
            )
            sheets[worksheet.title] = [row[:width] for row in rows]
        return sheets
    finally:
        workbook.close()


def with_parindex_settings(source: Path, destination: Path) -> Path:
    """`source` plus a unit question and parindex's settings, as a user would add them."""
    sheets = _values(source)
    by_name = {title.strip().lower(): title for title in sheets}
    if "survey" not in by_name and len(sheets) == 1:
        only = next(iter(sheets))
        sheets = {"survey": sheets[only]}  # a second sheet needs the survey sheet named
        by_name = {"survey": "survey"}
    survey = sheets[by_name["survey"]]
    headers = [str(value or "").strip().lower() for value in survey[0]]
    added: list[object] = []
    for header in headers:
        if header == "type":
            added.append("text")
        elif header == "name":
            added.append(UNIT)
        elif header.startswith(("label", "caption")):
            added.append("Mã đơn vị")
        else:
            added.append(None)
    survey.append(added)
    settings = sheets.setdefault(by_name.get("settings", "settings"), [])
    while len(settings) < 2:
        settings.append([])
    width = max(len(settings[0]), len(settings[1]))
    for index in (0, 1):
        settings[index] = settings[index] + [None] * (width - len(settings[index]))
    settings[0] += list(PARINDEX_SETTINGS)
    settings[1] += list(PARINDEX_SETTINGS.values())
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(destination)
    return destination


def _verdict(check: FormCheck) -> str:
    if check.ok:
        return "accepted"
    if check.problems and len(check.unsupported) == len(check.problems):
        return "unsupported"
    return "invalid"


def test_every_form_pyxform_converts_is_accepted_or_refused_as_unsupported_at_its_cell(
    tmp_path: Path,
) -> None:
    tally: dict[str, list[str]] = {"accepted": [], "unsupported": [], "invalid": []}
    failures = []
    for source in FORMS:
        prepared = with_parindex_settings(source, tmp_path / source.name)
        pyxform_ok = not pyxform_problems(prepared)[0]
        check = validate_xlsform(prepared)  # never raises: a located problem or acceptance
        verdict = _verdict(check)
        tally[verdict].append(source.name)
        reasons = "; ".join(p.message for p in check.problems)[:160]
        print(
            f"{verdict:<12} {'pyxform ok ' if pyxform_ok else 'pyxform err'} {source.name} {reasons}"
        )
        if pyxform_ok and verdict == "invalid":
            failures.append(f"{source.name}: {[str(p) for p in check.problems]}")
        for problem in check.unsupported:
            location = problem.location.removeprefix(str(prepared))
            assert location.startswith(("!survey!", "!choices!", "!settings!")), problem
            assert location.split("!")[-1][:1].isalpha(), f"not at a cell: {problem}"
    print({verdict: len(names) for verdict, names in tally.items()})
    assert not failures, "\n".join(failures)
    assert len(tally["accepted"]) >= 20


def test_the_original_forms_miss_only_parindexs_own_settings() -> None:
    """Without the additions, a pyxform-valid form lacks exactly the unit and group settings
    (or uses an unsupported feature); nothing else is held against it."""
    for source in FORMS:
        if pyxform_problems(source)[0]:
            continue
        check = validate_xlsform(source)
        others = [
            p
            for p in check.problems
            if p not in check.unsupported
            and "unit_field" not in p.message
            and "respondent_group" not in p.message
        ]
        assert not others, (source.name, [str(p) for p in others])


def test_accepted_forms_import_a_row_of_their_own(tmp_path: Path) -> None:
    """A row with only the unit code goes through the import of every accepted form."""
    for source in FORMS:
        check = validate_xlsform(with_parindex_settings(source, tmp_path / source.name))
        if not check.ok or check.form is None:
            continue
        result = parse_responses(check.form, rows_to_raw([{UNIT: "X001"}]), salt=b"s")
        assert result.reconciles, source.name
