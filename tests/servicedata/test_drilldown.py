from __future__ import annotations

from datetime import date
from decimal import Decimal

from parindex.servicedata import DossierSource, drilldown

D = Decimal


def test_the_biggest_sources_of_late_dossiers_come_first_with_their_point_gain(
    fixture_store,
) -> None:
    store, reference = fixture_store
    source = DossierSource.from_store(store)
    assert source is not None
    result = drilldown(source, date(2025, 3, 1), date(2025, 4, 30), reference=reference, limit=3)
    # Late or overdue: U1/P1 D3, U1/P3 D4, U2/P2 D6, U3/P1 D10, U3/P3 D8 + D9.
    assert result.total_late == 6
    assert [(i.unit_code, i.procedure_code, i.count) for i in result.late] == [
        ("U3", "P3", 2), ("U1", "P1", 1), ("U1", "P3", 1),
    ]  # fmt: skip
    top = result.late[0]
    assert top.share_of_total == D("33.33")
    # U3 handled or still processing 3 dossiers: 20 × 2 / 3 of the timeliness points.
    assert top.points_gain == D("13.33")
    assert top.text == (
        "Xã Ba — Đăng ký C: 2 hồ sơ trễ hạn hoặc đang quá hạn (33,33% tổng số của tỉnh); "
        "tỷ lệ đúng hạn 0%; giải quyết đúng hạn số hồ sơ này thì điểm tiến độ (766) của đơn vị "
        "+13,33"
    )


def test_dossiers_filed_at_the_desk_for_online_procedures_are_listed(fixture_store) -> None:
    store, reference = fixture_store
    source = DossierSource.from_store(store)
    assert source is not None
    result = drilldown(source, date(2025, 3, 1), date(2025, 4, 30), reference=reference)
    # D2 (U1, P1 fully online) and D6 (U2, P2 partly online) were filed in person.
    assert result.total_offline == 2
    assert [(i.unit_code, i.procedure_code, i.count, i.rate) for i in result.online] == [
        ("U1", "P1", 1, D("66.67")), ("U2", "P2", 1, D("0.00")),
    ]  # fmt: skip
    # Both units already file half their dossiers online: full points, nothing to gain.
    assert [i.points_gain for i in result.online] == [D(0), D(0)]
    assert "nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến" in result.online[0].text
    assert "+" not in result.online[0].text
