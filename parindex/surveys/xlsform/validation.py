"""Validation as the field tools do it: our checks first, then pyxform's conversion, the
reference converter used by ODK and KoboToolbox (without ODK Validate, which needs Java).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from warnings import catch_warnings, simplefilter

from parindex.engine import Problem
from parindex.surveys.errors import UNSUPPORTED, FormError
from parindex.surveys.xlsform.form import SurveyForm
from parindex.surveys.xlsform.reading import read_xlsform

_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_PYXFORM_SHEET = re.compile(r"'(survey|choices|settings)' sheet", re.IGNORECASE)


@dataclass(frozen=True)
class FormCheck:
    """The outcome of `validate_xlsform`: the form when usable, problems (each at its cell)
    and warnings (ours, located, then pyxform's)."""

    form: SurveyForm | None
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.form is not None and not self.problems

    @property
    def unsupported(self) -> tuple[Problem, ...]:
        """Problems that refuse a feature parindex does not support (rather than an error)."""
        return tuple(problem for problem in self.problems if UNSUPPORTED in problem.message)


def pyxform_problems(path: str | Path) -> tuple[list[Problem], list[str]]:
    """Convert with pyxform (without ODK Validate, which needs Java); its error, located."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        with catch_warnings():  # openpyxl's "Unknown extension is not supported": harmless
            simplefilter("ignore", UserWarning)
            convert(xlsform=str(path), warnings=warnings)
    except PyXFormError as error:
        message = str(error)
        row = _PYXFORM_ROW.search(message)
        sheet = _PYXFORM_SHEET.search(message)
        where = f"{path}!{(sheet.group(1).lower() if sheet else 'survey')}"
        if row:
            where += f"!{row.group(1)}"
            message = _PYXFORM_ROW.sub("", message).strip()
        return [Problem(where, f"pyxform: {message}")], warnings
    except Exception as error:  # pyxform raises plain errors for some broken workbooks
        return [Problem(str(path), f"pyxform: {error}")], warnings
    return [], warnings


def validate_xlsform(path: str | Path) -> FormCheck:
    """Our checks first; when they pass, pyxform's conversion too (its messages are terser)."""
    try:
        form = read_xlsform(path)
    except FormError as error:
        return FormCheck(None, tuple(error.problems), ())
    problems, warnings = pyxform_problems(path)
    return FormCheck(
        form, tuple(problems), (*form.warnings, *(f"pyxform: {text}" for text in warnings))
    )
