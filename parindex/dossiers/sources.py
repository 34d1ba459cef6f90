"""Where the web platform's service data lives, and the reference lists it is checked against.

The dossier store is `settings.DATA_DIR / "servicedata"` (the command line's default too, when
`PARINDEX_DATA_DIR` is the same folder), so the CLI and the web pages see the same batches.

The importer checks every dossier's unit against a units list. The web platform's list is the
database (`parindex.units.models.Unit`), not the example `units.csv` shipped for the command
line: it is written to `<store>/reference/units.csv` before an import, so that the import's
identity (the importer hashes its reference files) changes when a unit is added, and the batch
records which list it was checked against. A unit's group, used by the roll-ups, is its unit
group in the latest assessment period it belongs to (else its unit type). Procedures come
from the shipped catalogue (`parindex/data/servicedata/procedures.csv`).
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from parindex.common import atomic
from parindex.periods.models import UnitGroup
from parindex.servicedata import (
    DossierSource,
    PointsConfig,
    Reference,
    Store,
    WorkingCalendar,
    load_points_config,
    load_reference,
)
from parindex.servicedata.reference import Procedure, data_path, load_procedures
from parindex.servicedata.reference import Unit as ReferenceUnit
from parindex.units.models import Unit

UNGROUPED = "(chưa phân nhóm)"


def store_root() -> Path:
    return Path(settings.DATA_DIR) / "servicedata"


def data_store() -> Store:
    return Store(store_root())


def dossier_source(store: Store) -> DossierSource | None:
    """The store's active dossier records, or None before the first import."""
    return DossierSource.from_store(store)


def upload_folder() -> Path:
    """Uploaded files wait here for their import job (a worker may run it in another process)."""
    folder = store_root() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def unit_groups() -> dict[str, str]:
    """unit code → the name of its group in the latest period it belongs to, else its type."""
    groups: dict[str, str] = dict(Unit.objects.values_list("code", "unit_type__name"))
    memberships = (
        UnitGroup.units.through.objects.order_by("unitgroup__period__year", "unitgroup__position")
        .values_list("unit__code", "unitgroup__name")
        .iterator()
    )
    for code, group_name in memberships:  # later periods overwrite earlier ones
        groups[code] = group_name
    return groups


def units_csv() -> str:
    """The database's units as the importer's `units.csv` (code, name, group)."""
    groups = unit_groups()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "group"])
    for code, name in Unit.objects.order_by("code").values_list("code", "name"):
        writer.writerow([code, name, groups.get(code) or UNGROUPED])
    return buffer.getvalue()


def _write_if_changed(path: Path, text: str) -> None:
    """Replace `path` atomically, and only when its content changes (imports may run at once)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, text)


def province_reference() -> Reference:
    """The reference lists for an import: the database's units, the shipped procedures."""
    units_path = store_root() / "reference" / "units.csv"
    _write_if_changed(units_path, units_csv())
    return load_reference(units_path, data_path("procedures.csv"))


def display_reference() -> Reference:
    """The same units for pages (names, groups), without writing a file."""
    groups = unit_groups()
    units = {
        code: ReferenceUnit(code, name, groups.get(code) or UNGROUPED)
        for code, name in Unit.objects.order_by("code").values_list("code", "name")
    }
    return Reference(units, _procedures(), "", "")


@lru_cache(maxsize=1)
def _procedures() -> dict[str, Procedure]:
    return load_procedures(data_path("procedures.csv"))


@lru_cache(maxsize=1)
def calendar() -> WorkingCalendar:
    return WorkingCalendar.default()


@lru_cache(maxsize=1)
def points_config() -> PointsConfig:
    return load_points_config()
