"""A component without data is not scored: rates are None (null in JSON), never a made-up 0."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    attach_points,
    compute_indicators,
    load_points_config,
)
from parindex.servicedata.data_criteria import figures_from_table
from parindex.servicedata.export import records, to_json
from parindex.servicedata.feeds import load_feed_catalogue

D = Decimal


def test_an_export_without_optional_columns_has_no_rates_for_them(
    tmp_path, store, import_file, reference
) -> None:
    path = tmp_path / "bare.csv"
    path.write_text(
        "dossier_code,procedure_code,unit_code,received_at,finished_at,status\n"
        "A1,P1,U1,2025-03-03 09:00,2025-03-04 10:00,returned\n"
        "A2,P1,U1,2025-03-04 09:00,2025-03-10 10:00,returned\n"
        "A3,P3,U1,2025-03-05 09:00,,processing\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "bare.yaml"
    mapping.write_text(
        "name: bare\ncolumns:\n"
        + "".join(
            f"  {name}: {name}\n"
            for name in (
                "dossier_code", "procedure_code", "unit_code", "received_at", "finished_at",
                "status",
            )
        ),
        encoding="utf-8",
    )  # fmt: skip
    import_file(path, str(mapping))
    source = DossierSource.from_store(store)
    assert source is not None
    table = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",)),
        reference=reference,
    )
    [row] = table.rows
    # Measured: timeliness (A2 is late: P1 takes 2 working days).
    assert row.rates["on_time_rate"] == D("50.00")
    # Not in the export: no channel, payment, digitisation, e-result, rating or complaint data.
    for name in (
        "online_rate", "fully_online_rate", "online_submission_share", "online_payment_rate",
        "digitisation_rate", "e_result_rate", "satisfaction_rate", "satisfaction_766",
    ):  # fmt: skip
        assert row.rates[name] is None, name
        assert not row.measured(name) or name == "satisfaction_rate", name
    assert row.fraction("digitisation_rate") is None
    assert row.fraction("on_time_rate") == (1, 2)

    attach_points(table.rows, load_points_config())
    points = row.points
    assert points.group("G4").points is None  # digitisation: nothing measured, not 0
    assert points.group("G4").scored_max == 0
    assert points.group("G3").points is None
    assert points.group("G2").points is not None
    assert points.scored_max == 20  # only the timeliness component had data
    assert "G4 không chấm" in " ".join(points.notes)
    assert points.group("G2").note == ""

    payload = json.loads(to_json(table))
    record = payload["rows"][0]
    assert record["digitisation_rate"] is None
    assert record["e_result_rate"] is None
    assert record["points_G4"] is None
    assert record["points_G4_max"] == 0
    assert "không có dữ liệu" in record["points_note"]

    # A data-scored criterion gets no figure for a rate the export lacks: never 0 ÷ N.
    figures = figures_from_table("U1", table, load_feed_catalogue())
    names = {key[0] for key in figures}
    assert "on_time_rate" in names
    assert "digitisation_rate" not in names


def test_a_group_with_some_components_missing_is_scored_over_the_rest(fixture_store) -> None:
    store, reference = fixture_store
    source = DossierSource.from_store(store)
    assert source is not None
    table = compute_indicators(
        source,
        IndicatorRequest(date(2025, 3, 1), date(2025, 3, 31), ("unit",)),
        reference=reference,
    )
    row = next(r for r in table.rows if r.keys["unit_code"] == "U1")
    attach_points([row], load_points_config())
    g4 = row.points.group("G4")
    # Rows 11 and 12 from the dossiers (6 + 4); rows 13–17 are feeds nobody imported.
    assert (g4.points, g4.scored_max, g4.group.max_points) == (D("7"), D("10"), D("22"))
    assert g4.note.startswith("G4 chấm trên 10/22 điểm, không tính")
    assert "Xã cung cấp chứng thực bản sao điện tử (2 điểm): không có dữ liệu" in g4.note
    assert records(table)[0]["points_G4_max"] == D("10")


def test_if_no_cases_zero_is_refused(tmp_path) -> None:
    import pytest

    from parindex.servicedata import ServiceDataError

    path = tmp_path / "points.yaml"
    path.write_text(
        "groups:\n  - code: G5\n    max_points: 6\n    components:\n"
        "      - {row: '23', max_points: 6, indicator: satisfaction_766, if_no_cases: zero}\n",
        encoding="utf-8",
    )
    with pytest.raises(ServiceDataError, match="if_no_cases: zero"):
        load_points_config(path)
