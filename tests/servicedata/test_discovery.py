"""A first import without hand-written lists; unknown codes listed; reviewed codes appended."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.servicedata import (
    ServiceDataError,
    Store,
    WorkingCalendar,
    import_dossiers,
    load_reference,
    resolve_mapping,
)
from parindex.servicedata.discovery import (
    discover_reference,
    reference_add,
    write_reference_files,
)
from parindex.servicedata.reference import Procedure, Unit, data_path

from .helpers import dossier, write_generic

SAMPLE = data_path("samples") / "dossiers_2025_vendor_statuses.csv"


def test_the_lists_found_in_an_export_let_it_import_without_a_rejected_row(
    tmp_path, calendar: WorkingCalendar
) -> None:
    mapping = resolve_mapping("vendor_vnpt_style")
    found = discover_reference(SAMPLE, mapping, calendar=calendar)
    assert found.read == 1200
    assert (len(found.units), len(found.procedures)) == (80, 43)
    units_path, procedures_path = write_reference_files(found, tmp_path / "lists")
    reference = load_reference(units_path, procedures_path)
    # Units are matched by name in this mapping: codes are proposed, groups guessed.
    ban = next(unit for unit in reference.units.values() if unit.name == "Ban Dân tộc")
    assert (ban.code, ban.group) == ("DV001", "Sở, ban, ngành")
    assert "cần rà soát" in ban.extra["source"]
    # Processing days come back from the deadlines with the working-day calendar, and the
    # yes/no fee column gives the fee flag: both as in the demo province's own catalogue.
    demo = load_reference()
    for procedure in reference.procedures.values():
        expected = demo.procedures[procedure.code]
        assert procedure.processing_days == expected.processing_days, procedure.code
        assert procedure.has_fee == expected.has_fee, procedure.code
        assert procedure.online_level == expected.online_level, procedure.code
        assert procedure.no_wait == (expected.processing_days == 0)
    assert procedures_path.read_text(encoding="utf-8").splitlines()[0] == (
        "code,name,online_level,has_fee,no_wait,processing_days,dossiers,source"
    )
    result = import_dossiers(
        SAMPLE, mapping, store=Store(tmp_path / "store"), reference=reference, calendar=calendar
    )
    assert (result.read, result.imported, result.rejected) == (1200, 1200, 0)
    with pytest.raises(ServiceDataError, match="--force"):
        write_reference_files(found, tmp_path / "lists")


def test_unknown_codes_are_listed_and_reviewed_ones_appended_all_or_nothing(
    tmp_path, import_file, reference
) -> None:
    path = write_generic(
        tmp_path / "export.csv",
        [
            dossier("A1", "U9", "P1", "2025-03-03 09:00"),
            dossier("A2", "U9", "P8", "2025-03-03 09:00", procedure_name="Thủ tục tám"),
            dossier("A3", "U9", "P8", "2025-03-03 09:00", procedure_name="Thủ tục tám"),
        ],
    )
    result = import_file(path)
    assert result.rejected == 3
    assert [(u.code, u.rows) for u in result.unknown_units] == [("U9", 3)]
    assert [(u.code, u.name, u.rows) for u in result.unknown_procedures] == [
        ("P8", "Thủ tục tám", 2)
    ]
    assert str(result.unknown_procedures[0]) == "P8 — Thủ tục tám: 2 dòng"

    units_file, procedures_file = reference.units_file, reference.procedures_file
    before = (
        Path(units_file).read_text(encoding="utf-8"),
        Path(procedures_file).read_text(encoding="utf-8"),
    )
    # A code already listed refuses the whole call: neither file changes.
    with pytest.raises(ServiceDataError, match="«U1» đã có"):
        reference_add(
            units_file=tmp_path / "units.csv",
            procedures_file=tmp_path / "procedures.csv",
            units=[Unit("U9", "Xã Chín", "Nhóm B"), Unit("U1", "Trùng", "Nhóm A")],
            procedures=[Procedure("P8", "Thủ tục tám", "none", False, False, 3)],
        )
    after = (
        Path(units_file).read_text(encoding="utf-8"),
        Path(procedures_file).read_text(encoding="utf-8"),
    )
    assert after == before
    added = reference_add(
        units_file=tmp_path / "units.csv",
        procedures_file=tmp_path / "procedures.csv",
        units=[Unit("U9", "Xã Chín", "Nhóm B")],
        procedures=[Procedure("P8", "Thủ tục tám", "none", False, False, 3)],
    )
    assert (added.units, added.procedures) == (("U9",), ("P8",))
    again = load_reference(tmp_path / "units.csv", tmp_path / "procedures.csv")
    assert again.units["U9"].group == "Nhóm B"
    assert again.procedures["P8"].processing_days == 3
    assert len(again.units) == 4


def test_a_bad_addition_is_refused_with_the_reason(tmp_path, reference) -> None:
    with pytest.raises(ServiceDataError, match="online_level"):
        reference_add(
            procedures_file=tmp_path / "procedures.csv",
            procedures=[Procedure("P8", "Tám", "sometimes", False, False, 3)],
        )
    assert "P8" not in (tmp_path / "procedures.csv").read_text(encoding="utf-8")
