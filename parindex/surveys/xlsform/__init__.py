"""Questionnaires in XLSForm, the spreadsheet format of ODK and KoboToolbox.

`read_xlsform` reads the `survey`, `choices` and `settings` sheets into a
`SurveyForm` and checks it, reporting every problem at its cell
(`FORM.xlsx!survey!C7`). `validate_xlsform` adds pyxform's own conversion, so a
form that passes here is also one the field tools accept. `write_xlsform`
writes a form back; reading what it wrote gives an equal `SurveyForm`.

parindex reads a few extra columns, which ODK and Kobo ignore:

- survey sheet: `node` (the framework node code a question feeds), `weight`
  (the question's weight inside its node, default 1) and `personal` (yes = the
  answer identifies a person and is dropped from anonymised exports);
- choices sheet: `points` (the answer's points; each list is divided by its
  largest points, so 0–4 becomes 0, 0,25 … 1; an empty cell means "not scored",
  e.g. "Không biết") and `weight` (the respondent-group weight, on the choices
  of the respondent-group list);
- settings sheet: `unit_field` (the question holding the assessed unit's code),
  and either `respondent_group` (the whole form is answered by one group) with
  an optional `respondent_group_weight`, or `respondent_group_field` (the
  question holding the group), plus an optional `timezone` (IANA name, default
  Asia/Ho_Chi_Minh) for timestamps written without an offset.

Every other column is kept as it is, so nothing is lost on the way back.
"""

from parindex.surveys.xlsform.form import (
    DEFAULT_TIMEZONE,
    META_TYPES,
    STRUCTURE_TYPES,
    Choice,
    Question,
    SurveyForm,
    normalise_type,
)
from parindex.surveys.xlsform.reading import read_xlsform
from parindex.surveys.xlsform.validation import FormCheck, pyxform_problems, validate_xlsform
from parindex.surveys.xlsform.writing import write_xlsform

__all__ = [
    "DEFAULT_TIMEZONE",
    "META_TYPES",
    "STRUCTURE_TYPES",
    "Choice",
    "FormCheck",
    "Question",
    "SurveyForm",
    "normalise_type",
    "pyxform_problems",
    "read_xlsform",
    "validate_xlsform",
    "write_xlsform",
]
