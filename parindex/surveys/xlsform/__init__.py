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

Every other column is kept as it is, so nothing is lost on the way back. Sheets are read as
pyxform reads them (names and columns in any case, `label:Lang` and `label::Lang (code)`, no
settings sheet needed: the form id is then the file name); features parindex does not support
(loops, `include`) are refused at their cell with a message ending in «chưa được hỗ trợ».
"""

from parindex.surveys.xlsform.form import (
    DEFAULT_TIMEZONE,
    META_TYPES,
    STRUCTURE_TYPES,
    Choice,
    Field,
    Question,
    RepeatGroup,
    SurveyForm,
    normalise_type,
)
from parindex.surveys.xlsform.reading import read_xlsform
from parindex.surveys.xlsform.types import SYSTEM_COLUMNS, ParsedType, parse_type
from parindex.surveys.xlsform.validation import FormCheck, pyxform_problems, validate_xlsform
from parindex.surveys.xlsform.writing import write_xlsform

__all__ = [
    "DEFAULT_TIMEZONE",
    "META_TYPES",
    "STRUCTURE_TYPES",
    "SYSTEM_COLUMNS",
    "Choice",
    "Field",
    "FormCheck",
    "ParsedType",
    "Question",
    "RepeatGroup",
    "SurveyForm",
    "normalise_type",
    "parse_type",
    "pyxform_problems",
    "read_xlsform",
    "validate_xlsform",
    "write_xlsform",
]
