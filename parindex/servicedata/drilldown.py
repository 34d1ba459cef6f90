"""Drill-down: the units and procedures behind late dossiers and low online use.

The result is a short list of concrete items a leader can assign ("giao việc"), biggest first:

- late: a unit × procedure with dossiers handled late or still overdue at the end of the
  range; the count, its share of the province's late dossiers, the pair's on-time rate, and the
  766-style timeliness points the unit would gain if those dossiers had been on time
  (max_points × count ÷ the unit's handled-or-processing dossiers: the unofficial formula);
- online: a unit × procedure offered online whose dossiers were still filed at the desk or by
  post; the count of those dossiers, the pair's online rate, and the points the unit would gain
  on the online-submission component (full at 50 % by default) had they been filed online.

Two indicator queries do the work (by unit × procedure, and by unit); the ranking is Python
over their few rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from parindex.engine import format_number, format_percent, make_rule, round_half_up

from .indicators import DossierSource, IndicatorRequest, IndicatorRow, compute_indicators, percent
from .qd766 import Component, PointsConfig, load_points_config
from .reference import Reference


@dataclass(frozen=True, slots=True)
class DrillItem:
    kind: str  # "late" or "online"
    unit_code: str
    unit_name: str
    procedure_code: str
    procedure_name: str
    count: int
    base: int
    rate: Decimal | None
    share_of_total: Decimal | None
    points_gain: Decimal | None

    @property
    def text(self) -> str:
        """The item as a Vietnamese sentence, ready to be assigned."""
        who = f"{self.unit_name} — {self.procedure_name}"
        share = (
            f" ({format_percent(self.share_of_total)} tổng số của tỉnh)"
            if self.share_of_total is not None
            else ""
        )
        rate = format_percent(self.rate) if self.rate is not None else "—"
        if self.kind == "late":
            text = (
                f"{who}: {format_number(Decimal(self.count))} hồ sơ trễ hạn hoặc đang quá hạn"
                f"{share}; tỷ lệ đúng hạn {rate}"
            )
            gain_text = "giải quyết đúng hạn số hồ sơ này thì điểm tiến độ (766) của đơn vị"
        else:
            text = (
                f"{who}: {format_number(Decimal(self.count))} hồ sơ nộp trực tiếp dù thủ tục có "
                f"dịch vụ công trực tuyến{share}; tỷ lệ trực tuyến {rate}"
            )
            gain_text = "nếu số hồ sơ này nộp trực tuyến thì điểm nộp trực tuyến (766) của đơn vị"
        if self.points_gain:
            text += f"; {gain_text} +{format_number(self.points_gain)}"
        return text


@dataclass(frozen=True)
class Drilldown:
    start: date
    end: date
    late: tuple[DrillItem, ...]
    online: tuple[DrillItem, ...]
    total_late: int
    total_offline: int
    sql: tuple[str, ...]


def _component(config: PointsConfig, indicator: str) -> Component | None:
    return next((c for g in config.groups for c in g.components if c.indicator == indicator), None)


def _online_gain(component: Component | None, unit: IndicatorRow, extra: int) -> Decimal | None:
    """Points the unit would gain on the online-submission component with `extra` more."""
    known = unit.counts["channel_known"]  # dossiers whose filing channel the export gives
    if component is None or known == 0:
        return None
    params = {"full_at_percent": component.full_at_percent} if component.full_at_percent else {}
    rule = make_rule("ratio", params, component.max_points, 2)
    before = rule.score({"numerator": unit.counts["online"], "denominator": known})
    after = rule.score({"numerator": unit.counts["online"] + extra, "denominator": known})
    return after.points - before.points


def drilldown(
    source: DossierSource,
    start: date,
    end: date,
    *,
    reference: Reference | None,
    limit: int = 10,
    config: PointsConfig | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Drilldown:
    config = config or load_points_config()
    stage = on_stage or (lambda _: None)
    stage("Tính theo đơn vị × thủ tục")
    pairs = compute_indicators(
        source,
        IndicatorRequest(start, end, ("unit", "procedure")),
        reference=reference,
        connection=connection,
    )
    stage("Tính theo đơn vị")
    units = compute_indicators(
        source, IndicatorRequest(start, end, ("unit",)), reference=reference, connection=connection
    )
    unit_rows = {row.keys["unit_code"]: row for row in units.rows}
    timeliness = _component(config, "timeliness_766")
    online_component = _component(config, "online_submission_share")

    total_late = sum(row.counts["late"] + row.counts["overdue"] for row in pairs.rows)
    total_offline = sum(
        row.counts["online_offered_known"] - row.counts["online_offered_online"]
        for row in pairs.rows
    )
    late: list[DrillItem] = []
    online: list[DrillItem] = []
    for row in pairs.rows:
        unit = unit_rows[row.keys["unit_code"]]
        common = {
            "unit_code": row.keys["unit_code"],
            "unit_name": row.keys["unit_name"],
            "procedure_code": row.keys["procedure_code"],
            "procedure_name": row.keys["procedure_name"],
        }
        late_count = row.counts["late"] + row.counts["overdue"]
        if late_count:
            base = unit.counts["handled_or_processing"]
            gain = (
                timeliness.max_points * late_count / base
                if timeliness is not None and base
                else None
            )
            late.append(
                DrillItem(
                    kind="late",
                    count=late_count,
                    base=row.counts["handled_or_processing"],
                    rate=row.rates["timeliness_766"],
                    share_of_total=percent(late_count, total_late),
                    points_gain=round_half_up(gain, 2) if gain is not None else None,
                    **common,
                )
            )
        offline = row.counts["online_offered_known"] - row.counts["online_offered_online"]
        if offline:
            online.append(
                DrillItem(
                    kind="online",
                    count=offline,
                    base=row.counts["online_offered_known"],
                    rate=row.rates["online_rate"],
                    share_of_total=percent(offline, total_offline),
                    points_gain=_online_gain(online_component, unit, offline),
                    **common,
                )
            )

    def ranked(items: list[DrillItem]) -> tuple[DrillItem, ...]:
        return tuple(sorted(items, key=lambda i: (-i.count, i.unit_code, i.procedure_code))[:limit])

    return Drilldown(
        start=start,
        end=end,
        late=ranked(late),
        online=ranked(online),
        total_late=total_late,
        total_offline=total_offline,
        sql=pairs.sql + units.sql,
    )
