"""XLSForm question types as pyxform reads them: the spellings it accepts (`select one from X`,
`begin_group`, `imei`…), what a row is (a group, a repeat, a question, metadata…) and what
parindex supports.

The tables follow pyxform's own (`pyxform.aliases`, `pyxform.question_type_dictionary`); they
are copied rather than imported so that reading a form does not load pyxform (about 0,7 s),
and `tests/surveys/test_xlsform_types.py` checks that they still agree with the installed
pyxform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# pyxform.aliases.control: the containers of `begin …` / `end …` rows.
CONTROL_ALIASES = {
    "group": "group",
    "lgroup": "repeat",
    "repeat": "repeat",
    "loop": "loop",
    "looped group": "repeat",
}
# pyxform.aliases.select, mapped to parindex's canonical spellings.
SELECT_ALIASES = {
    "add select one prompt using": "select_one",
    "add select multiple prompt using": "select_multiple",
    "select all that apply from": "select_multiple",
    "select one from": "select_one",
    "select1": "select_one",
    "select_one": "select_one",
    "select one": "select_one",
    "select_multiple": "select_multiple",
    "select all that apply": "select_multiple",
    "select_one_external": "select_one_external",
    "select_one_from_file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
    "select one from file": "select_one_from_file",
    "select multiple from file": "select_multiple_from_file",
    "rank": "rank",
}
# pyxform.aliases._type_alias_map (spellings of one type).
TYPE_ALIASES = {
    "imei": "deviceid",
    "image": "photo",
    "add image prompt": "photo",
    "add photo prompt": "photo",
    "add audio prompt": "audio",
    "add video prompt": "video",
    "add file prompt": "file",
}
# Types whose value the field tool fills in itself, with no control on the screen (pyxform's
# question types without a `control`, less `calculate`/`hidden`, which hold a form's value).
META_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "phonenumber",
        "username",
        "email",
        "audit",
        "simserial",
        "subscriberid",
        "start-geopoint",
        "background-audio",
        "background-geopoint",
        "uri:deviceid",
        "uri:email",
        "uri:username",
        "uri:phonenumber",
        "uri:simserial",
        "uri:subscriberid",
        "start time",
        "end time",
        "get start time",
        "get end time",
        "get today",
        "device id",
        "get device id",
        "sim id",
        "get sim id",
        "subscriber id",
        "get subscriber id",
        "get phone number",
    }
)
# Canonical names of the metadata the importer reads (start and end times, the device).
META_ROLES = {
    "start": "start",
    "start time": "start",
    "get start time": "start",
    "end": "end",
    "end time": "end",
    "get end time": "end",
    "deviceid": "deviceid",
    "device id": "deviceid",
    "get device id": "deviceid",
    "uri:deviceid": "deviceid",
}
# Rows that hold no value at all in a submission.
VALUELESS_TYPES = frozenset({"note", "xml-external", "csv-external"})
# Rows that hold a value computed by the form: a label is not needed.
CALCULATED_TYPES = frozenset({"calculate", "hidden", "q calculate", "add calculate prompt"})
# A setting written as a survey row (pyxform.aliases.settings_header).
SETTING_TYPES = frozenset({"form_title", "set_form_title", "form_id", "set_form_id", "prefix"})

STRUCTURE_KINDS = frozenset(
    {"begin_group", "end_group", "begin_repeat", "end_repeat", "begin_loop", "end_loop"}
)

_CONTROL = "|".join(re.escape(alias) for alias in CONTROL_ALIASES)
_BEGIN = re.compile(rf"^begin(\s|_)(?P<type>{_CONTROL})( (over )?(?P<list_name>\S+))?$")
_END = re.compile(rf"^end(\s|_)(?P<type>{_CONTROL})$")
_SELECT = re.compile(
    r"^(?P<command>("
    + "|".join(re.escape(alias) for alias in SELECT_ALIASES)
    + r")) (?P<list_name>\S+)( (?P<other>(or specify other|or_other|or other)))?$"
)
_OSM = re.compile(r"^osm (?P<list_name>\S+)$")
# An XML name as pyxform checks a question's name (pyxform.parsing.expression.is_xml_tag).
_NAME_START = (
    r"(?:[A-Z]|_|[a-z]|[\xc0-\xd6]|[\xd8-\xf6]|[\xf8-\u02ff]|[\u0370-\u037d]|[\u037f-\u1fff]"
    r"|[\u200c-\u200d]|[\u2070-\u218f]|[\u2c00-\u2fef]|[\u3001-\ud7ff]|[\uf900-\ufdcf]"
    r"|[\ufdf0-\ufffd]|[\U00010000-\U000effff])"
)
_NCNAME = rf"{_NAME_START}(?:{_NAME_START}|[-.0-9\xb7\u0300-\u036f\u203f-\u2040])*"
NAME_PATTERN = re.compile(rf"{_NCNAME}(?::{_NCNAME})?")


@dataclass(frozen=True)
class ParsedType:
    """A survey row's type cell understood: `base` is parindex's canonical spelling.

    `kind` is one of: `begin_group`, `end_group`, `begin_repeat`, `end_repeat`, `begin_loop`,
    `end_loop`, `select` (a list in the choices sheet), `external_select` (choices outside the
    choices sheet: a file or `external_choices`), `meta`, `calculated`, `valueless`, `setting`,
    `include` and `question`.
    """

    base: str
    kind: str
    list_name: str = ""
    or_other: bool = False

    @property
    def holds_value(self) -> bool:
        """A value of its own in a submission (a column of an export)."""
        return self.kind in ("select", "external_select", "calculated", "question")


@lru_cache(maxsize=512)
def parse_type(raw: str) -> ParsedType:
    """`select one from yes_no or specify other` → select_one of `yes_no` with «other»."""
    text = " ".join(raw.split())
    if not text:
        return ParsedType("", "question")
    begin = _BEGIN.match(text)
    if begin:
        container = CONTROL_ALIASES[begin.group("type")]
        return ParsedType(
            f"begin_{container}", f"begin_{container}", begin.group("list_name") or ""
        )
    end = _END.match(text)
    if end:
        container = CONTROL_ALIASES[end.group("type")]
        return ParsedType(f"end_{container}", f"end_{container}")
    select = _SELECT.match(text)
    if select:
        base = SELECT_ALIASES[select.group("command")]
        in_sheet = base in ("select_one", "select_multiple", "rank")
        return ParsedType(
            base,
            "select" if in_sheet else "external_select",
            select.group("list_name"),
            select.group("other") is not None,
        )
    osm = _OSM.match(text)
    if osm:
        return ParsedType("osm", "question", osm.group("list_name"))
    base = TYPE_ALIASES.get(text, text)
    if base in META_TYPES:
        return ParsedType(base, "meta")
    if base in CALCULATED_TYPES:
        return ParsedType("calculate" if base != "hidden" else "hidden", "calculated")
    if base in VALUELESS_TYPES or base in ("q note", "add note prompt"):
        return ParsedType("note" if "note" in base else base, "valueless")
    if base in SETTING_TYPES:
        return ParsedType(base, "setting")
    if base == "include":
        return ParsedType(base, "include")
    return ParsedType(base, "question")


def normalise_type(raw: str) -> str:
    """The canonical type of a type cell (`begin group` → `begin_group`, `select one from x` →
    `select_one`)."""
    return parse_type(raw).base


# Columns an export or parindex's store adds beside the form's own fields: a question may not
# take one of these names (its column could not be told from the system's).
SYSTEM_COLUMNS = frozenset(
    {
        # parindex's response table (parindex.surveys.responses)
        "_response_id",
        "_uuid",
        "_instance_id",
        "_copy_of",
        "_form_id",
        "_form_version",
        "_unit",
        "_group",
        "_source",
        "_started_at",
        "_ended_at",
        "_submitted_at",
        "_batch",
        "_row",
        # KoboToolbox
        "_id",
        "_submission_time",
        "_submitted_by",
        "_index",
        "_parent_index",
        "_parent_table_name",
        "_submission__uuid",
        "_validation_status",
        "_status",
        "_notes",
        "_tags",
        "_attachments",
        "_geolocation",
        "_xform_id_string",
        "_version_",
        "__version__",
        # ODK Central / Briefcase
        "KEY",
        "PARENT_KEY",
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    }
)
