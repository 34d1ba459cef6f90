"""Which column of an export holds which field, for the exports of ODK Central, ODK Briefcase
and KoboToolbox alike.

A field's column is named by its group path, with `/` (KoboToolbox, ODK's XML paths) or `-`
(ODK Central's default CSV and Briefcase: `g1-q2`, `meta-instanceID`) between the names, or
by its bare name (Central's "no group paths", Kobo's "without groups"). A bare name used by
two fields in different groups is ambiguous and taken for neither. Meta columns:

| meaning              | columns                                                          |
|----------------------|------------------------------------------------------------------|
| submission id        | `KEY` (Central), `meta/rootUuid` (Kobo), `_uuid`, `meta/instanceID` |
| version id           | `meta/instanceID`, `_uuid`, `KEY`                                 |
| edited version of    | `meta/deprecatedID`                                              |
| submitted at         | `SubmissionDate`, `_submission_time` (no offset = UTC)            |
| started, ended       | the form's `start` and `end` fields (no offset = the form's time zone) |
| source               | the form's `deviceid` field, `DeviceID`, `SubmitterID`, `_submitted_by`, `source` |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parindex.surveys.xlsform import Field
from parindex.surveys.xlsform.types import META_ROLES

_SEPARATORS = ("/", "-")
# Meta values by role: candidate names after a `meta/` or `meta-` prefix is removed, in order.
_SYSTEM = {
    "key": ("KEY",),
    "root": ("rootUuid",),
    "uuid": ("_uuid",),
    "instance": ("instanceID",),
    "deprecated": ("deprecatedID",),
    "submitted": ("_submission_time", "SubmissionDate"),
    "device": ("DeviceID",),
    "submitter": ("_submitted_by", "SubmitterID", "source"),
}


def _meta_name(header: str) -> str:
    for prefix in ("meta/", "meta-", "meta:"):
        if header.startswith(prefix):
            return header[len(prefix) :]
    return header


@dataclass
class ColumnMap:
    """The export's columns matched to the form: field key → header, role → header."""

    fields: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # header → field keys
    clashes: list[tuple[str, str, str]] = field(default_factory=list)  # key, header, other
    geopoints: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)

    @property
    def recognised(self) -> set[str]:
        found = set(self.fields.values()) | set(self.meta.values())
        for parts in self.geopoints.values():
            found.update(parts)
        return found


def candidates(item: Field) -> list[str]:
    """The headers an export may give a field, most specific first."""
    names = [separator.join(item.path) for separator in _SEPARATORS]
    return list(dict.fromkeys([*names, item.question.name]))


def map_columns(
    headers: Sequence[str],
    fields: Sequence[Field],
    meta_fields: Iterable[tuple[str, Field]] = (),
    prefix: tuple[str, ...] = (),
) -> ColumnMap:
    """Match `headers` to `fields` (each keyed) and to the meta roles.

    `meta_fields` are the form's metadata rows (start, end, deviceid) as (role, field).
    `prefix`: the groups and repeats above a repeat group's table (KoboToolbox names a
    repeat's columns from the form's root: `ho/ten`; ODK Central from the repeat: `ten`).
    """
    result = ColumnMap()
    present = set(headers)
    exact: dict[str, Field] = {}
    for item in fields:
        for separator in _SEPARATORS:
            exact.setdefault(separator.join(item.path), item)
            if prefix:
                exact.setdefault(separator.join((*prefix, *item.path)), item)
    bare: dict[str, list[Field]] = {}
    for item in fields:
        bare.setdefault(item.question.name, []).append(item)
    groups = {part for item in fields for part in item.path[:-1]}

    def take(item: Field, header: str) -> None:
        if item.key in result.fields:
            if result.fields[item.key] != header:
                result.clashes.append((item.key, header, result.fields[item.key]))
            return
        result.fields[item.key] = header

    for header in headers:
        if header in exact:
            take(exact[header], header)
            continue
        matches = bare.get(header, [])
        if len(matches) == 1:
            take(matches[0], header)
            continue
        if len(matches) > 1:
            result.ambiguous[header] = [item.key for item in matches]
            continue
        if "/" in header:  # Kobo with an older group layout: `group/…/name`
            *outer, last = header.split("/")
            named = bare.get(last, [])
            if len(named) == 1 and all(part in groups or part == "meta" for part in outer):
                take(named[0], header)
    for item in fields:
        if item.key in result.fields or item.question.base_type != "geopoint":
            continue
        for base in candidates(item):
            latitude, longitude, altitude, accuracy = (
                f"{base}-{part}" for part in ("Latitude", "Longitude", "Altitude", "Accuracy")
            )
            if all(part in present for part in (latitude, longitude, altitude, accuracy)):
                result.geopoints[item.key] = (latitude, longitude, altitude, accuracy)
                break
    meta_by_role: dict[str, list[Field]] = {}
    for role, item in meta_fields:
        meta_by_role.setdefault(META_ROLES.get(role, role), []).append(item)
    for role in ("start", "end", "deviceid"):
        for item in meta_by_role.get(role, []):
            for header in [*candidates(item), role]:
                if header in present and role not in result.meta:
                    result.meta[role] = header
    if "start" not in result.meta and "start" in present:
        result.meta["start"] = "start"
    if "end" not in result.meta and "end" in present:
        result.meta["end"] = "end"
    if "deviceid" not in result.meta and "deviceid" in present:
        result.meta["deviceid"] = "deviceid"
    stripped: dict[str, str] = {}
    for header in headers:
        stripped.setdefault(_meta_name(header), header)
    for role, names in _SYSTEM.items():
        for name in names:
            found = name if name in present else stripped.get(name)
            if found is not None and found not in result.fields.values():
                result.meta[role] = found
                break
    return result
