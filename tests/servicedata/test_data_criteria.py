from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from parindex.engine import FrameworkSpec, NodeSpec, build_framework, score_unit
from parindex.servicedata import (
    DossierSource,
    Period,
    Store,
    compute_figures,
    data_inputs,
    import_feed,
    known_indicators,
)

D = Decimal
RANGE = Period(date(2025, 3, 1), date(2025, 4, 30))


def framework(*extra: NodeSpec):
    nodes = [
        NodeSpec("A", "Cải cách thủ tục hành chính", 10),
        NodeSpec("A1", "Tỷ lệ hồ sơ đúng hạn", 4, parent="A", rule="ratio", source="data",
                 indicator="timeliness_766"),
        NodeSpec("A2", "Hồ sơ nộp trực tuyến tháng 3", 3, parent="A", rule="ratio", source="data",
                 rule_params={"full_at_percent": 50}, indicator="online_submission_share@2025-03"),
        NodeSpec("A3", "PAKN xử lý đúng hạn", 2, parent="A", rule="ratio", source="data",
                 indicator="feed:pakn_dung_han"),
        NodeSpec("A4", "Tự chấm", 1, parent="A", rule="manual"),
        *extra,
    ]  # fmt: skip
    info = {"code": "T25", "name": "Thử", "year": 2025, "unit_group": "Sở", "max_total": 10}
    return build_framework(FrameworkSpec(info, nodes))


def feeds_store(tmp_path: Path, reference) -> Store:
    store = Store(tmp_path / "feeds")
    path = tmp_path / "feeds.csv"
    path.write_text(
        "unit,indicator,period,numerator,denominator\nU1,pakn_dung_han,2025-04,9,10\n",
        encoding="utf-8",
    )
    import_feed(path, store=store, reference=reference)
    return store


def test_data_nodes_are_scored_by_their_rules_from_computed_figures(
    tmp_path, fixture_store
) -> None:
    dossier_store, reference = fixture_store
    source = DossierSource.from_store(dossier_store)
    periods = [RANGE, Period(date(2025, 3, 1), date(2025, 3, 31), "month")]
    figures = compute_figures(
        ["U1"], periods, source=source, store=feeds_store(tmp_path, reference), reference=reference
    )["U1"]
    result = data_inputs(framework(), "U1", figures, RANGE, known_indicators())
    assert result.problems == []
    assert set(result.inputs) == {"A1", "A2", "A3"}
    # U1 over March–April: 3 on time, D4 open and overdue → (3 + 0) / (4 + 1).
    assert result.inputs["A1"].values == {"numerator": D(3), "denominator": D(5)}
    assert all(entry.has_evidence for entry in result.inputs.values())
    scored = score_unit(framework(), "U1", {**result.inputs})
    assert scored.nodes["A1"].points == D("2.4")  # 60 % of 4
    assert scored.nodes["A2"].points == D(3)  # 60 % ≥ 50 % in March
    assert scored.nodes["A3"].points == D("1.8")  # 9/10 of 2
    assert not scored.nodes["A4"].answered


def test_the_snapshot_is_json_evidence_the_unit_cannot_edit(tmp_path, fixture_store) -> None:
    dossier_store, reference = fixture_store
    source = DossierSource.from_store(dossier_store)
    figures = compute_figures(["U1"], [RANGE], source=source, store=None, reference=reference)["U1"]
    snapshot = data_inputs(framework(), "U1", figures, RANGE, known_indicators()).snapshots["A1"]
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["source"] == "data"
    assert snapshot["editable"] is False
    assert snapshot["indicator"] == "timeliness_766"
    assert snapshot["unofficial"] is True
    assert (snapshot["numerator"], snapshot["denominator"], snapshot["rate_percent"]) == (
        "3",
        "5",
        "60",
    )
    assert snapshot["period"] == {
        "code": "2025-03-01..2025-04-30", "label": "01/03/2025–30/04/2025",
        "start": "2025-03-01", "end": "2025-04-30",
    }  # fmt: skip
    assert "FROM dossiers" in snapshot["query"][0]
    assert snapshot["store_batches"] == [b.id for b in dossier_store.batches("dossiers")]


def test_unknown_indicators_and_missing_figures_are_reported_not_scored(fixture_store) -> None:
    dossier_store, reference = fixture_store
    source = DossierSource.from_store(dossier_store)
    bad = framework(
        NodeSpec(
            "B", "Khác", 1, rule="ratio", source="data", indicator="no_such_rate", kind="bonus"
        ),
    )
    figures = compute_figures(["U9"], [RANGE], source=source, store=None, reference=reference)["U9"]
    result = data_inputs(bad, "U9", figures, RANGE, known_indicators())
    assert result.inputs == {}
    messages = [str(p) for p in result.problems]
    assert any(m.startswith("T25/B: chỉ số «no_such_rate» không có") for m in messages)
    assert "T25/A1: chưa có số liệu «timeliness_766» của U9 kỳ 01/03/2025–30/04/2025" in messages


def test_the_shipped_example_frameworks_name_known_indicators() -> None:
    from parindex.frameworks import example_paths, load_framework
    from parindex.servicedata.data_criteria import data_requests

    checked = 0
    for path in example_paths():
        framework = load_framework(path)
        requests, problems = data_requests(framework, RANGE, known_indicators())
        assert problems == [], path.name
        checked += len(requests)
    assert checked > 0


def test_dossiers_and_feeds_prefixes_name_the_same_indicators() -> None:
    from parindex.servicedata.data_criteria import canonical_indicator

    assert canonical_indicator("dossiers.on_time_rate") == "on_time_rate"
    assert canonical_indicator("feeds.pakn_dung_han") == "feed:pakn_dung_han"
    assert canonical_indicator("feed:pakn_dung_han") == "feed:pakn_dung_han"
