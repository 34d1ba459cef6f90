"""Writes about units: create, update, lineage, and the Excel import/export.

Every change is audited. The Excel import checks every row first and writes
nothing unless the whole workbook is valid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from parindex.audit.services import audit_record, diff, snapshot
from parindex.common.spreadsheet import workbook_bytes
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

UNIT_FIELDS = ("code", "name", "unit_type", "parent", "valid_from", "valid_to", "email", "notes")
UNIT_COLUMNS = ("code", "name", "type", "parent", "valid_from", "valid_to", "email", "notes")
LINEAGE_COLUMNS = ("predecessor", "successor", "kind", "effective_date", "is_primary")


def unit_create(*, actor: Any, **fields: Any) -> Unit:
    unit = Unit(**fields)
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action="create", instance=unit, changes=snapshot(unit, UNIT_FIELDS))
    return unit


def unit_update(*, actor: Any, unit: Unit, **fields: Any) -> Unit:
    # The stored row, not `unit`: a ModelForm has already copied its input onto the instance.
    before = snapshot(Unit.objects.get(pk=unit.pk), UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        audit_record(actor=actor, action="update", instance=unit, changes=changes)
    return unit


def lineage_add(
    *,
    actor: Any,
    predecessor: Unit,
    successor: Unit,
    kind: str,
    effective_date: datetime.date,
    is_primary: bool = False,
    legal_basis: str = "",
) -> UnitLineage:
    link = UnitLineage(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective_date=effective_date,
        is_primary=is_primary,
        legal_basis=legal_basis,
    )
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="lineage",
        instance=successor,
        changes={"predecessor": [None, str(predecessor)], "kind": [None, kind]},
    )
    return link


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = (
            f"{self.sheet}!{self.column}{self.row}"
            if self.column
            else gettext("%(sheet)s, dòng %(row)s") % {"sheet": self.sheet, "row": self.row}
        )
        return f"{where}: {self.message}"


class UnitImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    lineage_created: int


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(gettext("ngày «%(text)s» không đúng dạng dd/mm/yyyy") % {"text": text})


def _rows(
    sheet: Any, columns: tuple[str, ...], errors: list[RowError]
) -> list[tuple[int, dict[str, Any]]]:
    header = [str(cell.value or "").strip().lower() for cell in next(sheet.iter_rows(max_row=1))]
    missing = [name for name in columns[:2] if name not in header]
    for name in missing:
        errors.append(
            RowError(sheet.title, 1, "", gettext("thiếu cột «%(name)s»") % {"name": name})
        )
    if missing:
        return []
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(value in (None, "") for value in cells):
            continue
        row = {
            name: (
                cells[header.index(name)]
                if name in header and header.index(name) < len(cells)
                else None
            )
            for name in columns
        }
        row["_letters"] = {
            name: _column_letter(header.index(name)) for name in columns if name in header
        }
        rows.append((number, row))
    return rows


# Model fields checked by `Unit.clean_fields` on import, by their column in the workbook.
_CHECKED_FIELDS = ("code", "name", "email", "notes")


def _field_errors(code: str, row: dict[str, Any]) -> dict[str, list[str]]:
    """The model's field errors (too long, not an e-mail address) of a row, by column."""
    unit = Unit(
        code=code,
        name=str(row["name"] or "").strip(),
        email=str(row["email"] or "").strip(),
        notes=str(row["notes"] or "").strip(),
    )
    try:
        unit.clean_fields(
            exclude=[field.name for field in Unit._meta.fields if field.name not in _CHECKED_FIELDS]
        )
    except ValidationError as error:
        # A missing name is already reported in the import's own words.
        return {
            field: messages
            for field, messages in error.message_dict.items()
            if field != "name" or unit.name
        }
    return {}


def units_import_xlsx(
    *, actor: Any, file: BinaryIO, file_name: str = "units.xlsx"
) -> ImportSummary:
    """Create or update units (by code) and lineage links from a workbook.

    Sheet `units`: code, name, type (a unit-type code), parent (a unit code), valid_from,
    valid_to (dd/mm/yyyy), email, notes. Optional sheet `lineage`: predecessor, successor
    (unit codes), kind (merged_into, split_into, renamed), effective_date, is_primary.
    Raises `UnitImportError` listing every bad cell; writes nothing in that case.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as unreadable:  # openpyxl raises many kinds for a non-workbook
        raise UnitImportError(
            [
                RowError(
                    file_name,
                    1,
                    "",
                    gettext("không đọc được tệp Excel (%(error)s)") % {"error": unreadable},
                )
            ]
        ) from None
    errors: list[RowError] = []
    if "units" not in workbook.sheetnames:
        raise UnitImportError([RowError(file_name, 1, "", gettext("thiếu trang tính «units»"))])
    unit_rows = _rows(workbook["units"], UNIT_COLUMNS, errors)
    lineage_rows = (
        _rows(workbook["lineage"], LINEAGE_COLUMNS, errors)
        if "lineage" in workbook.sheetnames
        else []
    )
    types = {unit_type.code: unit_type for unit_type in UnitType.objects.all()}
    existing = {unit.code: unit for unit in Unit.objects.all()}
    codes_in_file: dict[str, int] = {}
    parsed: list[tuple[int, dict[str, Any], dict[str, str]]] = []

    for number, row in unit_rows:
        letters = row.pop("_letters")

        def report(
            column: str, message: str, number: int = number, letters: dict[str, str] = letters
        ) -> None:
            errors.append(RowError("units", number, letters.get(column, ""), message))

        code = str(row["code"] or "").strip()
        if not code:
            report("code", gettext("thiếu mã đơn vị"))
            continue
        if code in codes_in_file:
            report(
                "code",
                gettext("mã «%(code)s» trùng với dòng %(row)s")
                % {"code": code, "row": codes_in_file[code]},
            )
            continue
        codes_in_file[code] = number
        if not str(row["name"] or "").strip():
            report("name", gettext("thiếu tên đơn vị"))
        type_code = str(row["type"] or "").strip()
        if type_code not in types:
            report(
                "type",
                gettext("loại đơn vị «%(type)s» không có (có: %(types)s)")
                % {"type": type_code, "types": ", ".join(sorted(types))},
            )
        for column in ("valid_from", "valid_to"):
            try:
                row[column] = _parse_date(row[column])
            except ValueError as problem:
                report(column, str(problem))
                row[column] = None
        if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
            report("valid_to", gettext("ngày hết hiệu lực trước ngày bắt đầu"))
        # The model's own field checks (lengths, e-mail), so that the write below cannot fail
        # half-way; a bad cell is reported here with its place instead.
        for field, messages in _field_errors(code, row).items():
            for message in messages:
                report(field, message)
        parsed.append((number, row, letters))

    known_codes = set(existing) | set(codes_in_file)
    for number, row, letters in parsed:
        parent = str(row["parent"] or "").strip()
        if parent and parent not in known_codes:
            errors.append(
                RowError(
                    "units",
                    number,
                    letters.get("parent", ""),
                    gettext("đơn vị cấp trên «%(code)s» không có") % {"code": parent},
                )
            )
    for number, row in lineage_rows:
        letters = row.pop("_letters")
        for column in ("predecessor", "successor"):
            value = str(row[column] or "").strip()
            if value not in known_codes:
                errors.append(
                    RowError(
                        "lineage",
                        number,
                        letters.get(column, ""),
                        gettext("đơn vị «%(code)s» không có") % {"code": value},
                    )
                )
        if row["predecessor"] and str(row["predecessor"]).strip() == str(row["successor"]).strip():
            errors.append(
                RowError(
                    "lineage",
                    number,
                    letters.get("successor", ""),
                    gettext("đơn vị mới trùng với đơn vị cũ"),
                )
            )
        if str(row["kind"] or "") not in LineageKind.values:
            errors.append(
                RowError(
                    "lineage",
                    number,
                    letters.get("kind", ""),
                    gettext("hình thức phải là %(kinds)s")
                    % {"kinds": ", ".join(LineageKind.values)},
                )
            )
        try:
            row["effective_date"] = _parse_date(row["effective_date"])
        except ValueError as problem:
            errors.append(
                RowError("lineage", number, letters.get("effective_date", ""), str(problem))
            )
        if row.get("effective_date") is None:
            errors.append(
                RowError(
                    "lineage",
                    number,
                    letters.get("effective_date", ""),
                    gettext("thiếu ngày hiệu lực"),
                )
            )
    if errors:
        # In reading order (sheet, row, column), whichever check found each problem.
        sheets = ["units", "lineage"]
        errors.sort(
            key=lambda error: (
                sheets.index(error.sheet) if error.sheet in sheets else -1,
                error.row,
                len(error.column),
                error.column,
            )
        )
        raise UnitImportError(errors)

    created = lineage_created = 0
    changed: set[str] = set()  # codes of existing units whose row changed something
    with transaction.atomic():
        by_code = dict(existing)
        pending_parents: list[tuple[Unit, str]] = []
        for _number, row, _letters in parsed:
            fields = {
                "name": str(row["name"]).strip(),
                "unit_type": types[str(row["type"]).strip()],
                "valid_from": row["valid_from"],
                "valid_to": row["valid_to"],
                "email": str(row["email"] or "").strip(),
                "notes": str(row["notes"] or "").strip(),
            }
            code = str(row["code"]).strip()
            unit = by_code.get(code)
            if unit is None:
                unit = unit_create(actor=actor, code=code, **fields)
                by_code[code] = unit
                created += 1
            else:
                before = snapshot(unit, UNIT_FIELDS)
                unit_update(actor=actor, unit=unit, **fields)
                if before != snapshot(unit, UNIT_FIELDS):
                    changed.add(code)
            parent = str(row["parent"] or "").strip()
            pending_parents.append((unit, parent))
        # Parents are set once every unit of the file exists (a parent may come later).
        for unit, parent_code in pending_parents:
            parent_unit = by_code.get(parent_code) if parent_code else None
            if unit.parent_id != (parent_unit.pk if parent_unit else None):
                unit_update(actor=actor, unit=unit, parent=parent_unit)
                if unit.code in existing:
                    changed.add(unit.code)
        updated = len(changed)
        unchanged = len(parsed) - created - updated
        for _number, row in lineage_rows:
            predecessor = by_code[str(row["predecessor"]).strip()]
            successor = by_code[str(row["successor"]).strip()]
            if UnitLineage.objects.filter(predecessor=predecessor, successor=successor).exists():
                continue
            lineage_add(
                actor=actor,
                predecessor=predecessor,
                successor=successor,
                kind=str(row["kind"]),
                effective_date=row["effective_date"],
                is_primary=str(row["is_primary"] or "").strip().lower() in {"1", "true", "x", "có"},
            )
            lineage_created += 1
    return ImportSummary(created, updated, unchanged, lineage_created)


def units_export_xlsx() -> bytes:
    """Every unit and lineage link, in the import format."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "units"
    sheet.append(list(UNIT_COLUMNS))
    units = Unit.objects.select_related("unit_type", "parent").order_by("code")
    for unit in units:
        sheet.append(
            [
                unit.code,
                unit.name,
                unit.unit_type.code,
                unit.parent.code if unit.parent else "",
                unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
                unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
                unit.email,
                unit.notes,
            ]
        )
    lineage = workbook.create_sheet("lineage")
    lineage.append(list(LINEAGE_COLUMNS))
    for link in UnitLineage.objects.select_related("predecessor", "successor").order_by("id"):
        lineage.append(
            [
                link.predecessor.code,
                link.successor.code,
                link.kind,
                link.effective_date.strftime("%d/%m/%Y"),
                "x" if link.is_primary else "",
            ]
        )
    for ws in (sheet, lineage):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    return workbook_bytes(workbook)


def validation_messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]
