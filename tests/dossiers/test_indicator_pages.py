"""The indicators dashboard, a unit's page and the drill-down show the core's figures, and unit
users see their own unit only."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parindex.dossiers.sources import data_store, display_reference
from parindex.engine import format_number
from parindex.servicedata import DossierSource, IndicatorRequest, compute_indicators
from parindex.units.models import Unit

YEAR = {"start": "2025-01-01", "end": "2025-12-31"}


def core_rows(by: tuple[str, ...]):
    table = compute_indicators(
        DossierSource.from_store(data_store()),
        IndicatorRequest(date(2025, 1, 1), date(2025, 12, 31), by),
        reference=display_reference(),
    )
    return {row.keys.get("unit_code", "province"): row for row in table.rows}


def test_the_dashboard_shows_the_core_indicators_of_every_unit(imported, login):
    response = login("leader").get(reverse("dossiers:dashboard"), {**YEAR, "grain": "year"})
    assert response.status_code == 200
    shown = {view.unit_code: view for view in response.context["rows"]}
    core = core_rows(("unit", "year"))
    assert set(shown) == set(core) == {"A", "B"}
    for code, row in core.items():
        view = shown[code]
        assert view.received == format_number(Decimal(row.counts["received"]))
        assert view.handled == format_number(Decimal(row.counts["handled"]))
        assert view.rates[0] == format_number(row.rates["on_time_rate"], 2)
    # Against the hand-computed fixture (tests/dossiers/helpers.py).
    assert (shown["A"].handled, shown["A"].rates[0], shown["A"].rates[2]) == ("5", "80,00", "50,00")
    assert shown["B"].rates[0] == "100,00"
    text = response.content.decode()
    assert "80,00" in text
    assert "không chính thức" in text
    assert "data:image/svg+xml;base64," in text  # the province's monthly trend charts


def test_the_dashboard_rolls_up_to_the_province_by_month(imported, login):
    response = login("appraiser").get(
        reverse("dossiers:dashboard"), {**YEAR, "grouping": "province", "grain": "month"}
    )
    views = response.context["rows"]
    assert [view.period.code for view in views] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert [view.received for view in views] == ["3", "2", "1", "1"]
    assert {view.label for view in views} == {"Toàn tỉnh"}


def test_a_unit_user_sees_only_their_own_unit(imported, login):
    client = login("officer_a")
    response = client.get(reverse("dossiers:dashboard"), {**YEAR, "grouping": "province"})
    assert response.status_code == 200
    assert {view.unit_code for view in response.context["rows"]} == {"A"}
    assert "Xã Bình Minh" not in response.content.decode()


def test_another_units_page_is_not_found_for_a_unit_user(imported, login, province):
    client = login("officer_a")
    assert client.get(reverse("dossiers:unit", args=[province["unit_b"].pk])).status_code == 404
    own = client.get(reverse("dossiers:unit", args=[province["unit_a"].pk]), YEAR)
    assert own.status_code == 200
    months = [view.period.code for view in own.context["rows"]]
    assert months == ["2025-03", "2025-04", "2025-05"]
    assert own.context["total"].rates[0] == "80,00"
    assert own.context["points"].groups  # the unofficial 766 points, by group
    assert own.context["rates_chart"].startswith("data:image/svg+xml;base64,")


def test_the_drilldown_lists_the_late_and_offline_dossiers_to_assign(imported, login):
    response = login("council").get(reverse("dossiers:drilldown"), YEAR)
    result = response.context["result"]
    assert [(item.unit_code, item.procedure_code, item.count) for item in result.late] == [
        ("A", "X010", 1)
    ]
    assert result.total_late == 1
    # Offered online but filed at the desk: A2 (X009), A5 (X010) and B2 (X009).
    assert sorted((item.unit_code, item.procedure_code) for item in result.online) == [
        ("A", "X009"),
        ("A", "X010"),
        ("B", "X009"),
    ]
    text = response.content.decode()
    assert result.late[0].text in text
    assert "điểm tiến độ (766) của đơn vị +" in result.late[0].text


def test_the_drilldown_exports_an_assignable_excel_list(imported, login):
    response = login("appraiser").get(reverse("dossiers:drilldown_export"), YEAR)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    late = workbook["Trễ hạn"]
    assert late["B3"].value == "Nội dung (giao việc)"
    assert late["K3"].value == "Giao cho"
    assert late["B4"].value.startswith("Xã An Bình — ")
    assert late["G4"].value == 1
    assert workbook["Trực tuyến"].max_row == 6  # title, note, headings, three items


def test_a_unit_user_cannot_open_the_drilldown(imported, login):
    assert login("head_a").get(reverse("dossiers:drilldown")).status_code == 403


def test_pages_say_so_when_nothing_was_imported(login, data_dir):
    client = login("appraiser")
    dashboard = client.get(reverse("dossiers:dashboard"))
    assert "Chưa có hồ sơ trong khoảng thời gian này." in dashboard.content.decode()
    drill = client.get(reverse("dossiers:drilldown"))
    assert "Chưa có hồ sơ nào được nhập." in drill.content.decode()
    assert client.get(reverse("dossiers:drilldown_export")).status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_the_number_of_units(
    imported, login, province
):
    client = login("appraiser")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dossiers:dashboard"), YEAR).status_code == 200
        return len(captured)

    before = queries()
    unit_type = province["unit_a"].unit_type
    for number in range(20):
        Unit.objects.create(code=f"N{number}", name=f"Xã Mới {number}", unit_type=unit_type)
    assert queries() == before
